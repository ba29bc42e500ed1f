// The crate documentation is the README (`README.md` here links to the workspace's): docs.rs
// shows the same text, and its complete Rust examples run as doctests.
#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod after_commit;
mod api_key;
mod boxed;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod coverage;
pub mod db;
pub mod delivery;
mod effects;
pub mod endpoint;
mod endpoint_cache;
mod error_chain;
mod event;
pub mod event_types;
pub mod hooks;
mod http;
#[cfg(feature = "jobs")]
pub mod jobs;
#[cfg(feature = "metrics")]
pub mod metrics;
mod process;
pub mod public_url;
pub mod query;
mod receiver;
pub mod registration;
pub mod registry;
#[cfg(feature = "stripe-api")]
pub mod remote_endpoints;
mod runtime;
mod send_future;
pub mod sender;
pub mod signature;
mod state;
pub mod store;
#[cfg(feature = "stripe-api")]
pub mod stripe_api;
#[cfg(feature = "sync")]
pub mod sync;
mod tx;

pub use api_key::{ApiKey, ApiKeyError};
pub use config::{Config, ConfigError};
pub use endpoint_cache::CachedEndpoints;
pub use event::{Event, EventData, EventError, EventRequest};
#[cfg(feature = "metrics")]
/// The Prometheus client this crate exports its metrics with ([`metrics::Metrics::registry`]),
/// to register an application's own metrics in the same registry.
pub use prometheus;
pub use receiver::Receiver;
pub use registration::{
    Arg, Arg as ReceiverArg, BoxError, ExtractError, IntoCallResult,
    IntoCallResult as IntoReceiverResult, Requirements,
};
pub use runtime::{shutdown_signal, Runtime, RuntimeBuilder, StartError};
/// The sqlx this crate is built with (0.9). Receivers' queries run on its connection types, so
/// an application depends on the same major version of sqlx (needed for `sqlx::query!`), or
/// reaches it through this re-export.
pub use sqlx;
pub use state::{State, StateMap};
pub use tx::{Tx, WrongBackend};

/// Registers a function as a receiver of one or several Stripe event types.
///
/// Event types are checked at compile time against Stripe's list; `"*"` and families such as
/// `"customer.subscription.*"` are patterns; `unchecked("...")` admits a type newer than the
/// list. See the crate docs and the README ("Writing receivers", "What the macro expands to").
///
/// # Before and after
///
/// ```
/// # use stripe_receiver::prelude::*;
/// # async fn record_charge(_: &mut Tx<'_>, _: &str) -> Result<(), BoxError> { Ok(()) }
/// #[stripe_receiver("charge.succeeded", "charge.failed")]
/// async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
///     record_charge(tx, &event.id).await?;
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// expands to the fn, unchanged, and an anonymous block that registers it. `#[stripe_hook]` and
/// `#[stripe_job]` expand the same way; only the context of the arguments and the kind's data
/// differ. Written out by hand (with short names; the macro writes full paths), this compiles
/// against this crate and registers the receiver as the macro does:
///
/// ```
/// # use stripe_receiver::prelude::*;
/// # async fn record_charge(_: &mut Tx<'_>, _: &str) -> Result<(), BoxError> { Ok(()) }
/// async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
///     record_charge(tx, &event.id).await?;
///     Ok(())
/// }
/// const _: () = {
///     use ::stripe_receiver::__private::{kinds, Arg, Input, IntoCallResult, Registration};
///     // The context every argument is extracted for: here the receiver kind; for a hook,
///     // `hook_kinds::webhook_post_process` and the like; for a job, `kinds::job`.
///     type C = kinds::receiver;
///     fn __stripe_call<'a>(
///         mut __parts: Input<'a, kinds::receiver>,
///     ) -> ::stripe_receiver::__private::BoxFuture<'a, ::stripe_receiver::__private::CallResult>
///     {
///         ::std::boxed::Box::pin(async move {
///             // Each argument, in order, spanned at its type.
///             let __arg0 = <&Event as Arg<'a, C>>::extract(&mut __parts)?;
///             let __arg1 = <&mut Tx<'_> as Arg<'a, C>>::extract(&mut __parts)?;
///             // Spanned at the fn's name: a future that is not `Send` is reported there.
///             let __future = ::stripe_receiver::__private::send_future(on_charge(__arg0, __arg1));
///             // Spanned at the return type.
///             IntoCallResult::<C>::into_call_result(__future.await)
///         })
///     }
///     fn __stripe_requirements<'a>(
///         __requirements: &mut ::stripe_receiver::__private::Requirements,
///     ) {
///         <&Event as Arg<'a, C>>::require(__requirements);
///         <&mut Tx<'_> as Arg<'a, C>>::require(__requirements);
///     }
///     ::stripe_receiver::__private::inventory::submit! {
///         Registration::<kinds::receiver>::new(
///             // What the kind records: the event types (a hook: which hook; a job: its name).
///             ::stripe_receiver::__private::ReceiverData::new(&["charge.succeeded", "charge.failed"]),
///             ::core::concat!(::core::module_path!(), "::", "on_charge"),
///             ::core::file!(),
///             ::core::line!(),
///             __stripe_call,
///             __stripe_requirements,
///         )
///     }
/// };
///
/// fn main() {
///     let registry = stripe_receiver::registry::Registry::from_inventory().unwrap();
///     let found: Vec<&str> = registry
///         .receivers_for("charge.failed")
///         .filter(|receiver| !receiver.is_builtin()) // the object sync runs first
///         .map(|receiver| receiver.path())
///         .collect();
///     assert!(found.len() == 1 && found[0].ends_with("::on_charge"), "{found:?}");
/// }
/// ```
pub use stripe_receiver_macros::stripe_receiver;

/// Registers a fn as the runner of one kind of outbox job; see [`jobs`] and
/// [`Tx::enqueue_job`]. It expands like [`macro@stripe_receiver`], the arguments extracted for
/// the context `kinds::job` and the job's name as the registration's data.
///
/// ```
/// use stripe_receiver::prelude::*;
///
/// #[stripe_job("send_receipt")]
/// async fn send_receipt<'j>(job: &'j Job, Payload(receipt): Payload<serde_json::Value>) -> Result<(), BoxError> {
///     // job.id: the same on every attempt, the idempotency key
///     # let _ = (job, receipt);
///     Ok(())
/// }
/// # fn main() {
/// #     let jobs = stripe_receiver::jobs::JobRegistry::from_inventory().unwrap();
/// #     assert!(jobs.get("send_receipt").unwrap().path().ends_with("::send_receipt"));
/// # }
/// ```
#[cfg(feature = "jobs")]
pub use stripe_receiver_macros::stripe_job;

/// Registers a fn as a lifecycle hook: one of `webhook_pre_validate`, `webhook_post_validate`,
/// `webhook_pre_process`, `webhook_post_process`, `webhook_processing_error` (see [`hooks`] and
/// the README, "Lifecycle hooks").
///
/// ```
/// use stripe_receiver::prelude::*;
/// use stripe_receiver::hooks::{ProcessingError, WebhookDelivery};
///
/// #[stripe_hook(webhook_processing_error)]
/// fn log_failure(delivery: &WebhookDelivery<'_>, error: &ProcessingError) {
///     eprintln!("delivery {} failed: {error}", delivery.id());
/// }
///
/// #[stripe_hook("webhook_post_process")]
/// async fn audit(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
///     // runs inside the webhook's transaction, after every receiver succeeded
///     # let _ = (event, tx);
///     Ok(())
/// }
/// # fn main() {
/// #     let hooks = stripe_receiver::hooks::HookRegistry::from_inventory().unwrap();
/// #     let kinds: Vec<_> = hooks.all().map(|h| h.kind().as_str()).collect();
/// #     assert_eq!(kinds, ["webhook_post_process", "webhook_processing_error"]);
/// # }
/// ```
pub use stripe_receiver_macros::stripe_hook;

/// What a file of receivers needs: `use stripe_receiver::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "jobs")]
    pub use crate::jobs::{Job, Payload};
    #[cfg(feature = "jobs")]
    pub use crate::stripe_job;
    pub use crate::{stripe_hook, stripe_receiver, BoxError, Event, State, Tx};
}

/// Items the macro's expansion refers to. Not a public API: names and shapes may change in any
/// release.
#[doc(hidden)]
pub mod __private {
    pub use crate::hooks::{kinds as hook_kinds, HookMarker};
    pub use crate::receiver::ReceiverData;
    pub use crate::registration::{
        kinds, Arg, BoxFuture, CallResult, Context, Input, IntoCallResult, Registration,
        Requirements,
    };
    pub use crate::send_future::send_future;
    pub use inventory;
}

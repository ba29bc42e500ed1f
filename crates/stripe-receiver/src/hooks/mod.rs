//! Lifecycle hooks: the five webhook signals of dj-stripe (`webhook_pre_validate`,
//! `webhook_post_validate`, `webhook_pre_process`, `webhook_post_process`,
//! `webhook_processing_error`), for cross-cutting concerns — logging, metrics, auditing — that
//! run once per webhook whatever the event type.
//!
//! A hook function is a plain `fn` or `async fn` annotated with
//! [`#[stripe_hook(name)]`](macro@crate::stripe_hook), registered at link time like a receiver.
//! Several functions may be registered for one hook; they run in ascending order of their
//! path ([`HookRegistry`]). Which arguments each hook gets is in [`HookArg`]'s table; when each
//! fires, whether it runs inside the webhook's transaction and what its failure does is in the
//! README ("Lifecycle hooks").

mod args;
mod delivery;
mod hook;
mod kind;
mod registry;
mod values;

pub use args::{HookArg, HookArgError, HookParts};
pub use delivery::WebhookDelivery;
pub use hook::Hook;
pub use kind::{kinds, HookKind, HookMarker};
pub use registry::{HookRegistry, HookRegistryError};
pub use values::{ErrorData, ProcessingError, Validation};

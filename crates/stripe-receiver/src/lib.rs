//! # stripe-receiver
//!
//! Receive Stripe webhooks in a Rust service. Annotate plain functions with
//! [`#[stripe_receiver("charge.succeeded", ...)]`](macro@stripe_receiver); they are registered at
//! link time (no registration call) and run — every matching one, in a fixed order — inside ONE
//! database transaction per event, together with the event row. A receiver error or panic rolls
//! everything back and answers 500 so Stripe retries.
//!
//! ```no_run
//! use stripe_receiver::prelude::*;
//!
//! #[stripe_receiver("charge.succeeded")]
//! async fn on_charge_succeeded(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
//!     let amount: i64 = event.data.object["amount"].as_i64().unwrap_or(0);
//!     sqlx::query("INSERT INTO receipts (charge_id, amount) VALUES (?1, ?2)")
//!         .bind(event.object_id()?)
//!         .bind(amount)
//!         .execute(tx.sqlite()?)
//!         .await?;
//!     Ok(())
//! }
//!
//! #[stripe_receiver("customer.created", "customer.updated")]
//! fn log_customer(event: &Event) {
//!     println!("{} {}", event.type_, event.id);
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     stripe_receiver::cli::main() // serve, migrate, endpoints, send, deliveries, events, receivers
//! }
//! ```
//!
//! Receivers may take, in any order: `&Event`, `&mut Tx<'_>`, and [`State<T>`] (values
//! registered with [`RuntimeBuilder::state`]). They return `()` or `Result<(), E>` with `E`
//! convertible into [`BoxError`]. `async fn` and plain `fn` both work.
//!
//! The processing rules are in [`process`](crate#processing); the crate README has the whole
//! contract, the macro's expansion, and the linking rule for receivers in another crate.
//!
//! ## Processing
//! See the module docs of the processing pipeline in the README ("Processing contract").

pub mod cli;
pub mod config;
pub mod db;
pub mod delivery;
pub mod endpoint;
mod event;
mod http;
mod process;
mod receiver;
pub mod registry;
mod runtime;
pub mod sender;
pub mod signature;
mod state;
pub mod store;
mod tx;

pub use config::Config;
pub use event::{Event, EventData, EventError, EventRequest};
pub use receiver::{
    BoxError, ExtractError, IntoReceiverResult, Receiver, ReceiverArg, Requirements,
};
pub use runtime::{shutdown_signal, Runtime, RuntimeBuilder, StartError};
pub use state::{State, StateMap};
pub use tx::{Tx, WrongBackend};

/// Registers a function as a receiver of one or several Stripe event types.
///
/// See the crate docs and the README ("What the macro expands to").
pub use stripe_receiver_macros::stripe_receiver;

/// What a file of receivers needs: `use stripe_receiver::prelude::*;`.
pub mod prelude {
    pub use crate::{stripe_receiver, BoxError, Event, State, Tx};
}

/// Items the macro's expansion refers to. Not a public API: names and shapes may change in any
/// release.
#[doc(hidden)]
pub mod __private {
    pub use crate::receiver::{
        BoxFuture, IntoReceiverResult, Parts, Receiver, ReceiverArg, ReceiverResult, Requirements,
    };
    pub use inventory;
}

//! The `#[stripe_receiver(...)]` attribute macro of
//! [stripe-receiver](https://docs.rs/stripe-receiver).
//!
//! Do not depend on this crate directly: depend on `stripe-receiver`, which re-exports the
//! macro (`use stripe_receiver::prelude::*;`) and provides the runtime items that the expansion
//! refers to through its hidden `::stripe_receiver::__private` module.
//!
//! # What it expands to
//!
//! The attribute leaves the annotated fn unchanged and registers it at link time with
//! `inventory`, together with a type-erased wrapper that extracts each argument from the
//! delivery and converts the result. This:
//!
//! ```rust,ignore
//! #[stripe_receiver("charge.succeeded", "charge.failed")]
//! async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
//!     record_charge(tx, &event.id).await?;
//!     Ok(())
//! }
//! ```
//!
//! becomes (abridged; `__private` stands for `::stripe_receiver::__private`):
//!
//! ```rust,ignore
//! async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
//!     record_charge(tx, &event.id).await?;
//!     Ok(())
//! }
//! const _: () = {
//!     fn __stripe_receiver_call<'a>(
//!         mut __parts: __private::Parts<'a>,
//!     ) -> __private::BoxFuture<'a, __private::ReceiverResult> {
//!         ::std::boxed::Box::pin(async move {
//!             let __arg0 = <&Event as __private::ReceiverArg<'a>>::extract(&mut __parts)?;
//!             let __arg1 = <&mut Tx<'_> as __private::ReceiverArg<'a>>::extract(&mut __parts)?;
//!             __private::IntoReceiverResult::into_receiver_result(on_charge(__arg0, __arg1).await)
//!         })
//!     }
//!     fn __stripe_receiver_requirements<'a>(__requirements: &mut __private::Requirements) {
//!         <&Event as __private::ReceiverArg<'a>>::require(__requirements);
//!         <&mut Tx<'_> as __private::ReceiverArg<'a>>::require(__requirements);
//!     }
//!     __private::inventory::submit! {
//!         __private::Receiver::new(
//!             &["charge.succeeded", "charge.failed"],
//!             ::core::concat!(::core::module_path!(), "::", "on_charge"),
//!             ::core::file!(),
//!             ::core::line!(),
//!             __stripe_receiver_call,
//!             __stripe_receiver_requirements,
//!         )
//!     }
//! };
//! ```
//!
//! The full expansion is kept in `tests/expansion/receiver.after.rs` and checked by the tests.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod catalog;
mod errors;
mod event_name;
mod expand;
mod known_type;
mod lifetimes;
mod signature;
mod suggest;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Registers a fn as the receiver of one or more Stripe event types.
///
/// ```rust,ignore
/// use stripe_receiver::prelude::*;
///
/// #[stripe_receiver("charge.succeeded", "charge.failed")]
/// async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
///     // ...
///     Ok(())
/// }
///
/// #[stripe_receiver("customer.created")]
/// fn log_it(event: &Event) {
///     println!("{}", event.id);
/// }
/// ```
///
/// The fn is kept as written (attributes, docs and visibility included) and registered at
/// link time; the runtime calls it for every delivered event of the listed types.
///
/// # Syntax
///
/// `#[stripe_receiver("type", ...)]` or `#[stripe_receiver("type", ..., crate = "path")]`:
///
/// - One or more event types as string literals, comma separated (a trailing comma is fine).
///   An event type is lowercase words of ASCII letters, digits and `_` joined by single dots
///   (`"charge.succeeded"`, `"ping"`), or `"*"` for every event, or a family ending in `".*"`
///   (`"customer.subscription.*"`).
/// - Optionally `crate = "path"`: the path under which `stripe-receiver` is reachable, for
///   crates that re-export it (`crate = "::my_crate::stripe_receiver"`). It replaces
///   `::stripe_receiver` everywhere in the expansion.
///
/// # The fn
///
/// A free fn, `async` or not, without type or const parameters (lifetime parameters are
/// fine). Each argument's type must implement the runtime's `ReceiverArg`, such as
/// `&Event`, `&mut Tx<'_>` or `State<T>`; its pattern does not matter (`_: &Event`,
/// `State(mailer): State<Mailer>`). Any number of arguments, including none, is accepted;
/// the arguments are extracted in order. The return type must implement the runtime's
/// `IntoReceiverResult`: `()`, or `Result<(), E>` with `E: Into<BoxError>`. A type error
/// about an argument or the return type points at that type.
///
/// # Errors
///
/// Every problem is reported at once, each at the offending token; the fn is still emitted
/// (so that IDEs keep working) and nothing is registered. Reported are:
///
/// - no event type at all (`#[stripe_receiver]`, `#[stripe_receiver()]`, only `crate = ...`);
/// - an argument that is not a string literal (identifier, number, path, expression);
/// - an empty or malformed event type, and an event type listed twice;
/// - a `crate = ...` value that is not a string holding a path, and `crate` given twice;
/// - an unknown `key = value` argument;
/// - an item that is not a fn, a method (a `self` argument), type or const generic
///   parameters (including `impl Trait` arguments), `unsafe fn`, `extern "ABI" fn`, variadics.
#[proc_macro_attribute]
pub fn stripe_receiver(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::receiver(attr.into(), item.into()).into()
}

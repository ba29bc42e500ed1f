//! What `#[stripe_receiver]` registers: a [`Receiver`] record and the argument plumbing that lets
//! a plain function take `&Event`, `&mut Tx<'_>` and `State<T>` in any order.
//!
//! Users do not name these items; the macro's expansion reaches them through
//! `stripe_receiver::__private`. They are public (hidden) only because generated code in users'
//! crates must see them.

use std::future::Future;
use std::pin::Pin;

use crate::state::{State, StateMap};
use crate::{Event, Tx};

/// The error type receivers may return: any `std::error::Error + Send + Sync`, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A boxed, `Send` future — what every registered receiver returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The uniform result of a receiver call.
pub type ReceiverResult = Result<(), BoxError>;

/// The function pointer the macro generates for each receiver.
pub type ReceiverFn = for<'a> fn(Parts<'a>) -> BoxFuture<'a, ReceiverResult>;

/// One `#[stripe_receiver(...)]` function, as collected by `inventory` at link time.
#[derive(Debug)]
pub struct Receiver {
    event_types: &'static [&'static str],
    path: &'static str,
    file: &'static str,
    line: u32,
    call: ReceiverFn,
    requirements: fn(&mut Requirements),
}

inventory::collect!(Receiver);

impl Receiver {
    /// Builds a registration record. Called by the macro's expansion in a `static` context.
    #[doc(hidden)]
    #[must_use]
    pub const fn new(
        event_types: &'static [&'static str],
        path: &'static str,
        file: &'static str,
        line: u32,
        call: ReceiverFn,
        requirements: fn(&mut Requirements),
    ) -> Self {
        Self {
            event_types,
            path,
            file,
            line,
            call,
            requirements,
        }
    }

    /// The event types (or patterns: `*`, `customer.subscription.*`) the function was annotated with.
    #[must_use]
    pub fn event_types(&self) -> &'static [&'static str] {
        self.event_types
    }

    /// The function's path, `module::path::fn_name`: its identity and its place in the run order.
    #[must_use]
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The source file that defines it.
    #[must_use]
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the function's name in [`Receiver::file`].
    #[must_use]
    pub fn line(&self) -> u32 {
        self.line
    }

    /// What the function's arguments need at run time (state types, transaction).
    #[must_use]
    pub fn requirements(&self) -> Requirements {
        let mut r = Requirements::default();
        (self.requirements)(&mut r);
        r
    }

    /// Whether this receiver runs for `event_type` (exact name, `*`, or a `prefix.*` family).
    #[must_use]
    pub fn matches(&self, event_type: &str) -> bool {
        self.event_types
            .iter()
            .any(|pattern| pattern_matches(pattern, event_type))
    }

    pub(crate) fn call<'a>(&self, parts: Parts<'a>) -> BoxFuture<'a, ReceiverResult> {
        (self.call)(parts)
    }
}

/// `*` matches every type; `a.b.*` matches every type that starts with `a.b.`; anything else
/// matches itself only.
pub(crate) fn pattern_matches(pattern: &str, event_type: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) if prefix.ends_with('.') => event_type.starts_with(prefix),
        _ => pattern == event_type,
    }
}

/// What one receiver call can draw its arguments from. Built by the runtime per call.
pub struct Parts<'a> {
    pub(crate) event: &'a Event,
    pub(crate) tx: Option<&'a mut Tx<'a>>,
    pub(crate) state: &'a StateMap,
}

/// What a receiver's arguments require, collected at start-up to refuse a receiver whose needs
/// the process cannot meet (missing state, two transaction arguments) before any event arrives.
#[derive(Debug, Default, Clone)]
pub struct Requirements {
    pub(crate) transaction_args: u32,
    pub(crate) state: Vec<(std::any::TypeId, &'static str)>,
    pub(crate) backend: Option<crate::db::Backend>,
}

/// Why an argument could not be produced for a receiver call.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The function takes the transaction twice.
    #[error("a receiver can take the transaction (&mut Tx) only once")]
    TransactionTakenTwice,
    /// `State<T>` was asked for but no `T` was registered at start-up.
    #[error("no application state of type {0} was registered (RuntimeBuilder::state)")]
    MissingState(&'static str),
    /// The function takes a backend's native connection, and the process runs another backend.
    #[error(transparent)]
    WrongBackend(#[from] crate::WrongBackend),
}

/// A type a receiver function may take as an argument.
///
/// Implemented for `&Event`, `&mut Tx<'_>`, [`State<T>`], and the backends' native connections
/// `&mut sqlx::PgConnection` / `&mut sqlx::SqliteConnection` (each pins the receiver to that
/// backend).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a #[stripe_receiver] function",
    label = "not a receiver argument",
    note = "a receiver takes, in any order: `&Event`, `&mut Tx<'_>` (or the native `&mut sqlx::SqliteConnection` / `&mut sqlx::PgConnection`), and `State<T>` for a `T: Send + Sync + 'static` registered with `RuntimeBuilder::state`",
    note = "see the docs of `#[stripe_receiver]`: https://docs.rs/stripe-receiver/latest/stripe_receiver/attr.stripe_receiver.html"
)]
pub trait ReceiverArg<'a>: Sized {
    /// Produces the argument for one call.
    ///
    /// # Errors
    /// [`ExtractError`] when the argument cannot be produced (see its variants).
    fn extract(parts: &mut Parts<'a>) -> Result<Self, ExtractError>;

    /// Records what this argument needs, checked once at start-up.
    fn require(_requirements: &mut Requirements) {}
}

impl<'a> ReceiverArg<'a> for &'a Event {
    fn extract(parts: &mut Parts<'a>) -> Result<Self, ExtractError> {
        Ok(parts.event)
    }
}

impl<'a> ReceiverArg<'a> for &'a mut Tx<'a> {
    fn extract(parts: &mut Parts<'a>) -> Result<Self, ExtractError> {
        parts.tx.take().ok_or(ExtractError::TransactionTakenTwice)
    }

    fn require(requirements: &mut Requirements) {
        requirements.transaction_args += 1;
    }
}

/// The native SQLite connection of the webhook's transaction. A receiver taking it needs SQLite:
/// a process on another backend refuses to start.
impl<'a> ReceiverArg<'a> for &'a mut sqlx::SqliteConnection {
    fn extract(parts: &mut Parts<'a>) -> Result<Self, ExtractError> {
        let tx = parts.tx.take().ok_or(ExtractError::TransactionTakenTwice)?;
        tx.sqlite().map_err(ExtractError::WrongBackend)
    }

    fn require(requirements: &mut Requirements) {
        requirements.transaction_args += 1;
        requirements.backend = Some(crate::db::Backend::Sqlite);
    }
}

/// The native PostgreSQL connection of the webhook's transaction (`sqlx::query!` works on it).
/// A receiver taking it needs PostgreSQL: a process on another backend refuses to start.
impl<'a> ReceiverArg<'a> for &'a mut sqlx::PgConnection {
    fn extract(parts: &mut Parts<'a>) -> Result<Self, ExtractError> {
        let tx = parts.tx.take().ok_or(ExtractError::TransactionTakenTwice)?;
        tx.postgres().map_err(ExtractError::WrongBackend)
    }

    fn require(requirements: &mut Requirements) {
        requirements.transaction_args += 1;
        requirements.backend = Some(crate::db::Backend::Postgres);
    }
}

impl<'a, T: Send + Sync + 'static> ReceiverArg<'a> for State<T> {
    fn extract(parts: &mut Parts<'a>) -> Result<Self, ExtractError> {
        parts
            .state
            .get::<T>()
            .ok_or(ExtractError::MissingState(std::any::type_name::<T>()))
    }

    fn require(requirements: &mut Requirements) {
        requirements
            .state
            .push((std::any::TypeId::of::<T>(), std::any::type_name::<T>()));
    }
}

/// What a receiver function may return: `()` or `Result<(), E>` with `E` convertible into
/// [`BoxError`] (any `std::error::Error + Send + Sync + 'static`, `anyhow::Error`, `String`, ...).
#[diagnostic::on_unimplemented(
    message = "a #[stripe_receiver] function must return `()` or `Result<(), E>` where `E: Into<BoxError>`; found `{Self}`",
    label = "unsupported return type",
    note = "return `Result<(), BoxError>`, or `Result<(), E>` with any `E: std::error::Error + Send + Sync + 'static`, or nothing",
    note = "see the docs of `#[stripe_receiver]`: https://docs.rs/stripe-receiver/latest/stripe_receiver/attr.stripe_receiver.html"
)]
pub trait IntoReceiverResult {
    /// Converts the function's return value.
    fn into_receiver_result(self) -> ReceiverResult;
}

impl IntoReceiverResult for () {
    fn into_receiver_result(self) -> ReceiverResult {
        Ok(())
    }
}

impl<E: Into<BoxError>> IntoReceiverResult for Result<(), E> {
    fn into_receiver_result(self) -> ReceiverResult {
        self.map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::pattern_matches;

    #[test]
    fn patterns() {
        assert!(pattern_matches("*", "charge.succeeded"));
        assert!(pattern_matches(
            "customer.subscription.*",
            "customer.subscription.updated"
        ));
        assert!(!pattern_matches(
            "customer.subscription.*",
            "customer.updated"
        ));
        assert!(!pattern_matches("invoice.*", "invoiceitem.created"));
        assert!(pattern_matches("charge.succeeded", "charge.succeeded"));
        assert!(!pattern_matches("charge.succeeded", "charge.succeeded.x"));
    }
}

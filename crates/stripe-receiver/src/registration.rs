//! The one registration mechanism behind `#[stripe_receiver]`, `#[stripe_hook]` and
//! `#[stripe_job]`.
//!
//! Each attribute registers a [`Registration<K>`] at link time (collected by `inventory`), for
//! a [`Kind`] `K`: [`kinds::receiver`], [`kinds::hook`] or [`kinds::job`]. The kind carries
//! what differs between them: the per-registration data (event types, the hook, the job name),
//! the [`Kind::Parts`] a call draws its arguments from, and how registrations are ordered and
//! told apart. Everything else is shared: the record, the argument trait [`Arg`], its
//! [`ExtractError`], the [`Requirements`] checked at start-up, the return trait
//! [`IntoCallResult`], and the registry ([`crate::registry::Registrations`]).
//!
//! Users do not name these items; the macros' expansion reaches them through
//! `stripe_receiver::__private`. They are public (hidden) only because generated code in users'
//! crates must see them.

use std::fmt;
use std::ops::{Deref, DerefMut};

use crate::db::Backend;
use crate::state::{State, StateMap};
use crate::{Tx, WrongBackend};

pub use crate::boxed::{BoxError, BoxFuture};

/// The uniform result of a call of a registered fn.
pub type CallResult = Result<(), BoxError>;

/// The type-erased wrapper the macro generates for each registered fn of kind `K`.
pub type Call<K> = for<'a> fn(Input<'a, K>) -> BoxFuture<'a, CallResult>;

/// What is registered: receivers, hooks or jobs. Implemented by the marker types of [`kinds`].
pub trait Kind: fmt::Debug + Sized + 'static {
    /// What one registration of this kind carries besides the fn (event types, the hook, the
    /// job name).
    type Data: fmt::Debug + Sync + 'static;
    /// What one call draws its arguments from; built by the runtime per call.
    type Parts<'a>;
    /// What orders the registrations of this kind and tells them apart: two registrations
    /// with the same key are refused at start-up.
    type Key: Ord + Copy;
    /// What the registry indexes besides the run order (receivers: by event type).
    type Index: fmt::Debug + Default + Send + Sync;
    /// How messages name a registration: `receiver`, `hook`, `job fn`.
    const NOUN: &'static str;
    /// The attribute that registers it: `stripe_receiver`, `stripe_hook`, `stripe_job`.
    const ATTRIBUTE: &'static str;

    /// The key of `registration`.
    fn key(registration: &'static Registration<Self>) -> Self::Key;
    /// How a message names `registration` when it is registered twice
    /// (`receiver app::on_charge`, `job name "send_receipt"`).
    fn identity(registration: &Registration<Self>) -> String;
    /// How to fix a registration made twice.
    fn fix_twice(registration: &Registration<Self>) -> String;
    /// Builds the kind's index of `all`, the registrations in run order.
    fn index(all: &[&'static Registration<Self>]) -> Self::Index;
    /// The application state a call's arguments may draw from.
    fn state<'p>(parts: &'p Self::Parts<'_>) -> &'p StateMap;
}

/// What a fn's arguments are extracted for: the kind itself (a receiver, a job), or one hook
/// (each of the five hooks gets other arguments). [`Arg`] is implemented per context, so that
/// an argument the context does not get is a compile error naming it.
pub trait Context: 'static {
    /// The kind of registration the context belongs to.
    type Kind: Kind;
}

/// The marker types of the three kinds of registration.
#[allow(non_camel_case_types)]
pub mod kinds {
    /// `#[stripe_receiver(...)]` fns: run for the events of their types.
    #[derive(Debug)]
    pub enum receiver {}
    /// `#[stripe_hook(...)]` fns: run at one point of the webhook's lifecycle.
    #[derive(Debug)]
    pub enum hook {}
    /// `#[stripe_job("name")]` fns: run by the outbox worker for the jobs of their name.
    #[derive(Debug)]
    pub enum job {}
}

/// One registered fn of kind `K`, as collected by `inventory` at link time.
pub struct Registration<K: Kind> {
    pub(crate) data: K::Data,
    pub(crate) path: &'static str,
    pub(crate) file: &'static str,
    pub(crate) line: u32,
    pub(crate) call: Call<K>,
    pub(crate) requirements: fn(&mut Requirements),
}

impl<K: Kind> fmt::Debug for Registration<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(K::NOUN)
            .field("data", &self.data)
            .field("path", &self.path)
            .field("file", &self.file)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl<K: Kind> Registration<K> {
    /// Builds a registration record. Called by the macros' expansion in a `static` context.
    #[doc(hidden)]
    #[must_use]
    pub const fn new(
        data: K::Data,
        path: &'static str,
        file: &'static str,
        line: u32,
        call: Call<K>,
        requirements: fn(&mut Requirements),
    ) -> Self {
        Self {
            data,
            path,
            file,
            line,
            call,
            requirements,
        }
    }

    /// What the kind records besides the fn.
    pub(crate) const fn data(&self) -> &K::Data {
        &self.data
    }

    /// The function's path, `module::path::fn_name`: its identity and its place in the order.
    #[must_use]
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The source file that defines it.
    #[must_use]
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the function's name in its file.
    #[must_use]
    pub fn line(&self) -> u32 {
        self.line
    }

    /// `file:line` of the function.
    #[must_use]
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// What the function's arguments need at run time (state types, transaction, backend).
    #[must_use]
    pub fn requirements(&self) -> Requirements {
        let mut requirements = Requirements::default();
        (self.requirements)(&mut requirements);
        requirements
    }

    /// Calls the function with the arguments it takes from `parts`.
    pub(crate) fn call<'a>(&self, parts: K::Parts<'a>) -> BoxFuture<'a, CallResult> {
        (self.call)(Input(parts))
    }
}

/// What one call of a fn of kind `K` draws its arguments from: the kind's [`Kind::Parts`].
pub struct Input<'a, K: Kind>(K::Parts<'a>);

impl<'a, K: Kind> Deref for Input<'a, K> {
    type Target = K::Parts<'a>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<K: Kind> DerefMut for Input<'_, K> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// What a fn's arguments require, collected at start-up to refuse a fn whose needs the
/// process cannot meet (missing state, another backend, two transaction arguments) before any
/// event arrives.
#[derive(Debug, Default, Clone)]
pub struct Requirements {
    pub(crate) transaction_args: u32,
    pub(crate) state: Vec<(std::any::TypeId, &'static str)>,
    pub(crate) backend: Option<Backend>,
}

/// Why an argument could not be produced for a call (the call fails with it).
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The function takes the transaction twice.
    #[error("a function can take the transaction (&mut Tx) only once")]
    TransactionTakenTwice,
    /// `State<T>` was asked for but no `T` was registered at start-up.
    #[error("no application state of type {0} was registered (RuntimeBuilder::state)")]
    MissingState(&'static str),
    /// The function takes a backend's native connection, and the process runs another backend.
    #[error(transparent)]
    WrongBackend(#[from] WrongBackend),
    /// The runtime did not provide a value this context is documented to get (a bug of
    /// stripe-receiver, reported rather than panicking).
    #[error("stripe-receiver did not provide {0} to this function")]
    NotProvided(&'static str),
    /// The stored payload of a job does not deserialize into the fn's `Payload<T>`.
    #[error("the payload does not deserialize into {type_name}: {source}")]
    Payload {
        /// The payload type.
        type_name: &'static str,
        /// serde's error.
        #[source]
        source: serde_json::Error,
    },
}

/// A type a fn registered for context `C` may take as an argument.
///
/// - receivers (`stripe_receiver`): `&Event`, `&mut Tx<'_>` (or the native
///   `&mut sqlx::SqliteConnection` / `&mut sqlx::PgConnection`, which pin the receiver to that
///   backend), [`State<T>`];
/// - hooks (`webhook_pre_validate`, ...): the table of [`crate::hooks`];
/// - jobs (`stripe_job`): `&Job`, `Payload<T>`, [`State<T>`], `&Db`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a `{C}` function",
    label = "not an argument of a `{C}` function",
    note = "a #[stripe_receiver] fn takes, in any order: `&Event`, `&mut Tx<'_>` (or the native `&mut sqlx::SqliteConnection` / `&mut sqlx::PgConnection`), and `State<T>` for a `T: Send + Sync + 'static` registered with `RuntimeBuilder::state`",
    note = "a #[stripe_hook] fn: every hook takes `&Endpoint`, `&WebhookDelivery<'_>`, `Option<&ApiKey>`, `State<T>`; webhook_post_validate also `Validation`; webhook_pre_process `&Event` and the transaction (`&mut Tx<'_>` or a native connection); webhook_post_process the same and `Outcome`; webhook_processing_error `Option<&Event>`, `&ProcessingError`, `ErrorData<'_>`; the hooks outside the transaction (pre_validate, post_validate, processing_error) `&Db`",
    note = "a #[stripe_job] fn takes, in any order: `&Job`, `Payload<T>` for a `T: serde::de::DeserializeOwned`, `State<T>`, and `&Db`",
    note = "see the docs of the attribute: https://docs.rs/stripe-receiver/latest/stripe_receiver/#macros"
)]
pub trait Arg<'a, C: Context>: Sized {
    /// Produces the argument for one call.
    ///
    /// # Errors
    /// [`ExtractError`] when the argument cannot be produced (see its variants).
    fn extract(parts: &mut Input<'a, C::Kind>) -> Result<Self, ExtractError>;

    /// Records what this argument needs, checked once at start-up.
    fn require(_requirements: &mut Requirements) {}
}

impl<'a, C: Context, T: Send + Sync + 'static> Arg<'a, C> for State<T> {
    fn extract(parts: &mut Input<'a, C::Kind>) -> Result<Self, ExtractError> {
        <C::Kind as Kind>::state(parts)
            .get::<T>()
            .ok_or(ExtractError::MissingState(std::any::type_name::<T>()))
    }

    fn require(requirements: &mut Requirements) {
        requirements
            .state
            .push((std::any::TypeId::of::<T>(), std::any::type_name::<T>()));
    }
}

/// Takes the webhook's transaction out of `slot`: the first argument that asks for it gets it.
pub(crate) fn take_transaction<'a>(
    slot: &mut Option<&'a mut Tx<'a>>,
) -> Result<&'a mut Tx<'a>, ExtractError> {
    slot.take().ok_or(ExtractError::TransactionTakenTwice)
}

/// Implements [`Arg`] for the transaction and the backends' native connections, for each
/// context given, whose parts hold the transaction in a field `tx: Option<&'a mut Tx<'a>>`.
macro_rules! transaction_args {
    ($($context:ty),+ $(,)?) => {$(
        impl<'a> $crate::registration::Arg<'a, $context> for &'a mut $crate::Tx<'a> {
            fn extract(
                parts: &mut $crate::registration::Input<'a, <$context as $crate::registration::Context>::Kind>,
            ) -> Result<Self, $crate::registration::ExtractError> {
                $crate::registration::take_transaction(&mut parts.tx)
            }
            fn require(requirements: &mut $crate::registration::Requirements) {
                requirements.transaction_args += 1;
            }
        }

        /// The native SQLite connection of the webhook's transaction. A fn taking it needs
        /// SQLite: a process on another backend refuses to start.
        #[cfg(feature = "sqlite")]
        impl<'a> $crate::registration::Arg<'a, $context> for &'a mut sqlx::SqliteConnection {
            fn extract(
                parts: &mut $crate::registration::Input<'a, <$context as $crate::registration::Context>::Kind>,
            ) -> Result<Self, $crate::registration::ExtractError> {
                Ok($crate::registration::take_transaction(&mut parts.tx)?.sqlite()?)
            }
            fn require(requirements: &mut $crate::registration::Requirements) {
                requirements.transaction_args += 1;
                requirements.backend = Some($crate::db::Backend::Sqlite);
            }
        }

        /// The native PostgreSQL connection of the webhook's transaction (`sqlx::query!` works
        /// on it). A fn taking it needs PostgreSQL: a process on another backend refuses to start.
        #[cfg(feature = "postgres")]
        impl<'a> $crate::registration::Arg<'a, $context> for &'a mut sqlx::PgConnection {
            fn extract(
                parts: &mut $crate::registration::Input<'a, <$context as $crate::registration::Context>::Kind>,
            ) -> Result<Self, $crate::registration::ExtractError> {
                Ok($crate::registration::take_transaction(&mut parts.tx)?.postgres()?)
            }
            fn require(requirements: &mut $crate::registration::Requirements) {
                requirements.transaction_args += 1;
                requirements.backend = Some($crate::db::Backend::Postgres);
            }
        }
    )+};
}
pub(crate) use transaction_args;

/// What a registered fn may return: `()` or `Result<(), E>` with `E` convertible into
/// [`BoxError`] (any `std::error::Error + Send + Sync + 'static`, `anyhow::Error`, `String`, ...).
#[diagnostic::on_unimplemented(
    message = "a `{C}` function must return `()` or `Result<(), E>` where `E: Into<BoxError>`; found `{Self}`",
    label = "unsupported return type",
    note = "return `Result<(), BoxError>`, or `Result<(), E>` with any `E: std::error::Error + Send + Sync + 'static`, or nothing",
    note = "see the docs of the attribute: https://docs.rs/stripe-receiver/latest/stripe_receiver/#macros"
)]
pub trait IntoCallResult<C: Context> {
    /// Converts the function's return value.
    fn into_call_result(self) -> CallResult;
}

impl<C: Context> IntoCallResult<C> for () {
    fn into_call_result(self) -> CallResult {
        Ok(())
    }
}

impl<C: Context, E: Into<BoxError>> IntoCallResult<C> for Result<(), E> {
    fn into_call_result(self) -> CallResult {
        self.map_err(Into::into)
    }
}

//! The arguments a hook function may take, per hook: the [`HookArg`] trait, implemented for
//! each argument type and each hook (marker type of [`super::kinds`]) that gets it.
//!
//! | argument | pre_validate | post_validate | pre_process | post_process | processing_error |
//! |---|---|---|---|---|---|
//! | `&Endpoint` | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | `&WebhookDelivery<'_>` | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | `Option<&ApiKey>` | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | `State<T>` | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | `Validation` | | ✓ | | | |
//! | `&Event` | | | ✓ | ✓ | |
//! | `Option<&Event>` | | | | | ✓ |
//! | `Outcome` | | | | ✓ | |
//! | `&ProcessingError` | | | | | ✓ |
//! | `ErrorData<'_>` | | | | | ✓ |
//! | `&mut Tx<'_>`, `&mut SqliteConnection`, `&mut PgConnection` | | | ✓ | ✓ | |
//! | `&Db` | ✓ | ✓ | | | ✓ |

use crate::api_key::ApiKey;
use crate::db::{Backend, Db};
use crate::delivery::Outcome;
use crate::endpoint::Endpoint;
use crate::receiver::{BoxError, Requirements};
use crate::state::{State, StateMap};
use crate::{Event, Tx, WrongBackend};

use super::delivery::WebhookDelivery;
use super::hook::HookResult;
use super::kind::kinds::{
    webhook_post_process, webhook_post_validate, webhook_pre_process, webhook_pre_validate,
    webhook_processing_error,
};
use super::kind::HookMarker;
use super::values::{ErrorData, ProcessingError, Validation};

/// What one hook call can draw its arguments from. Built by the runtime per call; which
/// optional parts are set depends on the hook.
pub struct HookParts<'a> {
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) delivery: &'a WebhookDelivery<'a>,
    pub(crate) api_key: Option<&'a ApiKey>,
    pub(crate) state: &'a StateMap,
    pub(crate) validation: Option<Validation>,
    pub(crate) event: Option<&'a Event>,
    pub(crate) outcome: Option<Outcome>,
    pub(crate) error: Option<&'a ProcessingError>,
    pub(crate) tx: Option<&'a mut Tx<'a>>,
    pub(crate) db: Option<&'a Db>,
}

/// Why an argument could not be produced for a hook call.
#[derive(Debug, thiserror::Error)]
pub enum HookArgError {
    /// The function takes the transaction twice.
    #[error("a hook can take the transaction (&mut Tx) only once")]
    TransactionTakenTwice,
    /// `State<T>` was asked for but no `T` was registered at start-up.
    #[error("no application state of type {0} was registered (RuntimeBuilder::state)")]
    MissingState(&'static str),
    /// The function takes a backend's native connection, and the process runs another backend.
    #[error(transparent)]
    WrongBackend(#[from] WrongBackend),
    /// The runtime did not provide a value this hook is documented to get (a bug of
    /// stripe-receiver, reported rather than panicking).
    #[error("stripe-receiver did not provide {0} to this hook")]
    NotProvided(&'static str),
}

/// A type a function registered for hook `K` may take as an argument (see the module's table).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a `{K}` hook",
    label = "not an argument of this hook",
    note = "every hook takes, in any order: `&Endpoint`, `&WebhookDelivery<'_>`, `Option<&ApiKey>`, `State<T>`",
    note = "webhook_post_validate also `Validation`; webhook_pre_process `&Event` and the transaction (`&mut Tx<'_>` or a native connection); webhook_post_process the same and `Outcome`; webhook_processing_error `Option<&Event>`, `&ProcessingError`, `ErrorData<'_>`; the hooks outside the transaction (pre_validate, post_validate, processing_error) `&Db`",
    note = "see the docs of `#[stripe_hook]`: https://docs.rs/stripe-receiver/latest/stripe_receiver/attr.stripe_hook.html"
)]
pub trait HookArg<'a, K: HookMarker>: Sized {
    /// Produces the argument for one call.
    ///
    /// # Errors
    /// [`HookArgError`] when the argument cannot be produced (see its variants).
    fn extract(parts: &mut HookParts<'a>) -> Result<Self, HookArgError>;

    /// Records what this argument needs, checked once at start-up.
    fn require(_requirements: &mut Requirements) {}
}

/// Implements `HookArg<'a, K>` for `$ty` and each listed hook marker `K`; the optional second
/// closure records the argument's requirements.
macro_rules! hook_arg {
    ([$($kind:ident),+] $ty:ty, |$parts:ident| $extract:expr) => {
        hook_arg!([$($kind),+] $ty, |$parts| $extract, |_requirements| {});
    };
    ([$($kind:ident),+] $ty:ty, |$parts:ident| $extract:expr, |$req:ident| $require:expr) => {$(
        impl<'a> HookArg<'a, $kind> for $ty {
            fn extract($parts: &mut HookParts<'a>) -> Result<Self, HookArgError> {
                $extract
            }
            fn require($req: &mut Requirements) {
                $require
            }
        }
    )+};
}

hook_arg!([webhook_pre_validate, webhook_post_validate, webhook_pre_process, webhook_post_process, webhook_processing_error]
    &'a Endpoint, |parts| Ok(parts.endpoint));
hook_arg!([webhook_pre_validate, webhook_post_validate, webhook_pre_process, webhook_post_process, webhook_processing_error]
    &'a WebhookDelivery<'a>, |parts| Ok(parts.delivery));
hook_arg!([webhook_pre_validate, webhook_post_validate, webhook_pre_process, webhook_post_process, webhook_processing_error]
    Option<&'a ApiKey>, |parts| Ok(parts.api_key));
hook_arg!([webhook_post_validate]
    Validation, |parts| parts.validation.ok_or(HookArgError::NotProvided("Validation")));
hook_arg!([webhook_pre_process, webhook_post_process]
    &'a Event, |parts| parts.event.ok_or(HookArgError::NotProvided("&Event")));
hook_arg!([webhook_processing_error]
    Option<&'a Event>, |parts| Ok(parts.event));
hook_arg!([webhook_post_process]
    Outcome, |parts| parts.outcome.ok_or(HookArgError::NotProvided("Outcome")));
hook_arg!([webhook_processing_error]
    &'a ProcessingError, |parts| parts.error.ok_or(HookArgError::NotProvided("&ProcessingError")));
hook_arg!([webhook_processing_error]
    ErrorData<'a>, |parts| Ok(ErrorData::RawBody(parts.delivery.body)));
hook_arg!([webhook_pre_validate, webhook_post_validate, webhook_processing_error]
    &'a Db, |parts| parts.db.ok_or(HookArgError::NotProvided("&Db")));
hook_arg!([webhook_pre_process, webhook_post_process]
    &'a mut Tx<'a>, |parts| parts.tx.take().ok_or(HookArgError::TransactionTakenTwice),
    |requirements| requirements.transaction_args += 1);
hook_arg!([webhook_pre_process, webhook_post_process]
&'a mut sqlx::SqliteConnection,
|parts| Ok(parts.tx.take().ok_or(HookArgError::TransactionTakenTwice)?.sqlite()?),
|requirements| {
    requirements.transaction_args += 1;
    requirements.backend = Some(Backend::Sqlite);
});
hook_arg!([webhook_pre_process, webhook_post_process]
&'a mut sqlx::PgConnection,
|parts| Ok(parts.tx.take().ok_or(HookArgError::TransactionTakenTwice)?.postgres()?),
|requirements| {
    requirements.transaction_args += 1;
    requirements.backend = Some(Backend::Postgres);
});

impl<'a, K: HookMarker, T: Send + Sync + 'static> HookArg<'a, K> for State<T> {
    fn extract(parts: &mut HookParts<'a>) -> Result<Self, HookArgError> {
        parts
            .state
            .get::<T>()
            .ok_or(HookArgError::MissingState(std::any::type_name::<T>()))
    }

    fn require(requirements: &mut Requirements) {
        requirements
            .state
            .push((std::any::TypeId::of::<T>(), std::any::type_name::<T>()));
    }
}

/// What a hook function may return: `()` or `Result<(), E>` with `E` convertible into
/// [`BoxError`].
#[diagnostic::on_unimplemented(
    message = "a #[stripe_hook] function must return `()` or `Result<(), E>` where `E: Into<BoxError>`; found `{Self}`",
    label = "unsupported return type",
    note = "return `Result<(), BoxError>`, or `Result<(), E>` with any `E: std::error::Error + Send + Sync + 'static`, or nothing",
    note = "see the docs of `#[stripe_hook]`: https://docs.rs/stripe-receiver/latest/stripe_receiver/attr.stripe_hook.html"
)]
pub trait IntoHookResult {
    /// Converts the function's return value.
    fn into_hook_result(self) -> HookResult;
}

impl IntoHookResult for () {
    fn into_hook_result(self) -> HookResult {
        Ok(())
    }
}

impl<E: Into<BoxError>> IntoHookResult for Result<(), E> {
    fn into_hook_result(self) -> HookResult {
        self.map_err(Into::into)
    }
}

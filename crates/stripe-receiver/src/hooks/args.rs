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
use crate::db::Db;
use crate::delivery::Outcome;
use crate::endpoint::Endpoint;
use crate::registration::{kinds, transaction_args, ExtractError, Input};
use crate::state::StateMap;
use crate::{Event, Tx};

use super::delivery::WebhookDelivery;
use super::kind::kinds::{
    webhook_post_process, webhook_post_validate, webhook_pre_process, webhook_pre_validate,
    webhook_processing_error,
};
use super::values::{ErrorData, ProcessingError, Validation};

/// The argument trait of hooks: [`Arg`](crate::registration::Arg) with a hook's marker as the
/// context (`HookArg<'a, kinds::webhook_post_process>`), implemented per argument type and
/// hook that gets it (the module's table).
pub use crate::registration::Arg as HookArg;

/// Why an argument could not be produced for a hook call.
pub type HookArgError = ExtractError;

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

/// Implements `HookArg<'a, K>` for `$ty` and each listed hook marker `K`.
macro_rules! hook_arg {
    ([$($kind:ident),+] $ty:ty, |$parts:ident| $extract:expr) => {$(
        impl<'a> HookArg<'a, $kind> for $ty {
            fn extract($parts: &mut Input<'a, kinds::hook>) -> Result<Self, ExtractError> {
                $extract
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
    Validation, |parts| parts.validation.ok_or(ExtractError::NotProvided("Validation")));
hook_arg!([webhook_pre_process, webhook_post_process]
    &'a Event, |parts| parts.event.ok_or(ExtractError::NotProvided("&Event")));
hook_arg!([webhook_processing_error]
    Option<&'a Event>, |parts| Ok(parts.event));
hook_arg!([webhook_post_process]
    Outcome, |parts| parts.outcome.ok_or(ExtractError::NotProvided("Outcome")));
hook_arg!([webhook_processing_error]
    &'a ProcessingError, |parts| parts.error.ok_or(ExtractError::NotProvided("&ProcessingError")));
hook_arg!([webhook_processing_error]
    ErrorData<'a>, |parts| Ok(ErrorData::RawBody(parts.delivery.body)));
hook_arg!([webhook_pre_validate, webhook_post_validate, webhook_processing_error]
    &'a Db, |parts| parts.db.ok_or(ExtractError::NotProvided("&Db")));
transaction_args!(webhook_pre_process, webhook_post_process);

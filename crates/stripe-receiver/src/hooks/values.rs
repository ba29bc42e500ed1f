//! What a hook is told about the webhook's fate: [`Validation`] (post_validate),
//! [`ProcessingError`] and [`ErrorData`] (processing_error).

use std::fmt;

/// The result of validation, for `webhook_post_validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validation {
    /// Whether the delivery passed validation (its signature verified and its body is an
    /// event).
    pub valid: bool,
    /// Why it did not: the failure class stored in the delivery's `error`
    /// (`missing_header`, `malformed_header`, `no_v1_signature`,
    /// `timestamp_outside_tolerance`, `no_matching_signature`, `body_not_json`,
    /// `not_an_event`; for mode `retrieve_event`, `event_not_found` or `stripe_unavailable`; or
    /// `no_usable_secret` / `validation_mode_unsupported` / `no_api_key` / `stripe_refused` /
    /// `stripe_bad_answer` / `stripe_api_error` when the endpoint cannot validate anything).
    /// `None` when valid.
    pub failure: Option<&'static str>,
}

/// Why processing a delivery failed, for `webhook_processing_error`.
///
/// The same class and message are stored on the delivery row (`error`, `error_detail`).
#[derive(Debug, Clone)]
pub struct ProcessingError {
    pub(crate) class: &'static str,
    pub(crate) path: Option<&'static str>,
    pub(crate) message: String,
    pub(crate) status: u16,
    pub(crate) event_id: Option<String>,
    pub(crate) event_type: Option<String>,
}

impl ProcessingError {
    /// The failure class: `receiver_error`, `receiver_panic`, `receiver_timeout`, `hook_error`,
    /// `hook_panic`, `hook_timeout`, `database_error`, `serialization_failure`,
    /// `database_unavailable`, `no_usable_secret`, `validation_mode_unsupported`, and for mode
    /// `retrieve_event` `stripe_unavailable`, `no_api_key`, `stripe_refused`,
    /// `stripe_bad_answer`, `stripe_api_error`.
    #[must_use]
    pub fn class(&self) -> &'static str {
        self.class
    }

    /// The receiver or hook at fault (`my_crate::module::fn_name`), if one was.
    #[must_use]
    pub fn path(&self) -> Option<&'static str> {
        self.path
    }

    /// The error in full: the receiver's or hook's error chain, the panic text, the database
    /// error. The same text as the delivery's `error_detail`.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status the delivery is answered with (500, or 503 for a database fault).
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The event's id, when the body had verified as an event.
    #[must_use]
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }

    /// The event's type, when the body had verified as an event.
    #[must_use]
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref()
    }
}

impl fmt::Display for ProcessingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.message)
    }
}

/// The data a failed delivery carried, for `webhook_processing_error` (dj-stripe's `data`).
///
/// Today always the raw body of the request; a build with the Stripe API client
/// (`retrieve_event` validation) will add a variant for an error body from Stripe's API, which
/// is why the enum is `non_exhaustive`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ErrorData<'a> {
    /// The exact raw body of the delivery.
    RawBody(&'a [u8]),
}

impl<'a> ErrorData<'a> {
    /// The bytes, whatever their origin.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        match self {
            Self::RawBody(body) => body,
        }
    }
}

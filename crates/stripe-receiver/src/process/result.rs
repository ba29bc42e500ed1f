//! What processing one delivery came to: [`Processed`] or [`Failure`]. Which HTTP status each
//! is answered with is the HTTP layer's business.

use uuid::Uuid;

use crate::delivery::Outcome;

/// A delivery whose transaction committed: its event stored and its receivers run
/// (`processed`), or recognised as a repeat (`duplicate`, `conflict`) or of the other mode
/// (`skipped`). Its delivery row committed with it.
#[derive(Debug)]
pub(crate) struct Processed {
    /// The delivery row's id.
    pub delivery: Uuid,
    pub outcome: Outcome,
    /// The event's id.
    pub event: String,
    /// The event's type.
    pub event_type: String,
    /// The receivers that ran and committed, in run order.
    pub receivers: Vec<&'static str>,
}

/// A delivery that was not processed: nothing of its event committed. Its delivery row
/// (`invalid` or `failed`) was written on its own, unless the database was unavailable.
#[derive(Debug)]
pub(crate) struct Failure {
    pub kind: FailureKind,
    /// The delivery row's id; `None` when the database could not record it
    /// ([`FailureKind::Unavailable`]).
    pub delivery: Option<Uuid>,
    /// `invalid` or `failed`.
    pub outcome: Outcome,
    /// The failure class stored in the delivery row's `error` (`signature_mismatch`,
    /// `receiver_error`, `hook_timeout`, `database_error`, …).
    pub class: &'static str,
    /// The event's id and type, when the body had verified as an event.
    pub event: Option<String>,
    pub event_type: Option<String>,
    /// The receiver that failed (its path; its message stays in the delivery row).
    pub failed_receiver: Option<&'static str>,
    /// The lifecycle hook function that failed (its path).
    pub failed_hook: Option<&'static str>,
}

/// Why a delivery failed, as far as its sender is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// The request is not a genuine event (signature, timestamp, body): sending it again does
    /// not help.
    Invalid,
    /// A fault of this service: a receiver or hook failed, panicked or ran past the processing
    /// timeout, or the endpoint cannot validate deliveries. The sender should retry.
    Internal,
    /// The database failed the work (a failed statement, a serialization failure that
    /// outlasted the retries). The sender should retry.
    Database,
    /// No database connection could be had: nothing was recorded. The sender should retry.
    Unavailable,
    /// Stripe's API failed on its side or could not be reached while fetching the event
    /// (validation mode `retrieve_event`: 5xx, 429, timeout or connection error after the
    /// client's retries). Nothing of the event was stored. The sender should retry.
    #[cfg(feature = "stripe-api")]
    StripeUnavailable,
}

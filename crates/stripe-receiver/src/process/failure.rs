//! Why processing a valid event failed, and which failures are transient.

use super::*;

/// Why processing a valid event failed.
pub(crate) enum Failure {
    Receiver {
        path: &'static str,
        error: crate::BoxError,
    },
    Panic {
        path: &'static str,
        message: String,
    },
    /// The webhook's receivers ran past `STRIPE_RECEIVER_PROCESSING_TIMEOUT`; `path` was running.
    Timeout {
        path: &'static str,
        limit_secs: u64,
    },
    Database(sqlx::Error),
    /// A `webhook_pre_process` or `webhook_post_process` hook function failed.
    Hook(HookFault),
}

impl Failure {
    /// The SQLSTATE behind the failure: of a database error of ours, or of a `sqlx::Error`
    /// anywhere in a receiver error's source chain.
    pub(super) fn sqlstate(&self) -> Option<&str> {
        match self {
            Self::Database(e) => sqlstate_of(e),
            Self::Receiver { .. } | Self::Hook(_) => {
                let error = match self {
                    Self::Receiver { error, .. } => error,
                    Self::Hook(fault) => fault.error()?,
                    _ => return None,
                };
                let mut current: Option<&(dyn std::error::Error + 'static)> = Some(&**error);
                while let Some(e) = current {
                    if let Some(code) = e.downcast_ref::<sqlx::Error>().and_then(sqlstate_of) {
                        return Some(code);
                    }
                    current = e.source();
                }
                None
            }
            Self::Panic { .. } | Self::Timeout { .. } => None,
        }
    }

    pub(super) fn is_retryable(&self) -> bool {
        match self.sqlstate() {
            Some(code) if SERIALIZATION_FAILURES.contains(&code) => true,
            Some(UNIQUE_VIOLATION) => matches!(self, Self::Receiver { .. } | Self::Hook(_)),
            _ => false,
        }
    }
}

pub(super) fn sqlstate_of(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| match c {
            std::borrow::Cow::Borrowed(s) => s,
            std::borrow::Cow::Owned(_) => "",
        }),
        _ => None,
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Self::Database(e)
    }
}

/// Whether a database error means "no connection could be had" (pool exhausted past the
/// timeout, server unreachable) rather than a failed statement.
pub(super) fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
}

pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

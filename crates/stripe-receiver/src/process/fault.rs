//! Why one attempt at a webhook's transaction failed, and which of those failures are transient.

use std::borrow::Cow;

use crate::boxed::BoxError;

use super::hooks::HookFault;

/// SQLSTATEs after which the whole transaction is run again: serialization failure and
/// deadlock (PostgreSQL's documented "retry the transaction" errors,
/// <https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html>).
const SERIALIZATION_FAILURES: [&str; 2] = ["40001", "40P01"];
/// A unique violation raised by a receiver's own query (e.g. a naive select-then-insert racing
/// a concurrent webhook) is retried too: the retry sees the other transaction's committed row.
const UNIQUE_VIOLATION: &str = "23505";

/// Why an attempt at a verified event's transaction failed (it was rolled back).
pub(super) enum Fault {
    Receiver {
        path: &'static str,
        error: BoxError,
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

impl Fault {
    /// The SQLSTATE behind the failure: of a database error of ours, or of a `sqlx::Error`
    /// anywhere in a receiver's or hook's error chain.
    pub(super) fn sqlstate(&self) -> Option<&str> {
        if let Self::Database(e) = self {
            return sqlstate_of(e);
        }
        self.sqlx_errors().find_map(sqlstate_of)
    }

    /// Whether a receiver or hook failed because the database connection went away under it
    /// (the server shut down, restarted or became unreachable mid-transaction): the database's
    /// fault, answered as a database error (503), not as the receiver's (500).
    pub(super) fn is_lost_connection(&self) -> bool {
        !matches!(self, Self::Database(_)) && self.sqlx_errors().any(is_connection_lost)
    }

    /// The `sqlx::Error`s in a receiver's or hook's error chain, outermost first.
    fn sqlx_errors(&self) -> impl Iterator<Item = &sqlx::Error> {
        let error: Option<&(dyn std::error::Error + 'static)> = match self {
            Self::Receiver { error, .. } => Some(&**error),
            Self::Hook(fault) => fault.error().map(|e| &**e as _),
            Self::Database(_) | Self::Panic { .. } | Self::Timeout { .. } => None,
        };
        std::iter::successors(error, |e| e.source()).filter_map(|e| e.downcast_ref::<sqlx::Error>())
    }

    /// A serialization failure or deadlock (PostgreSQL asks to run the transaction again).
    pub(super) fn is_serialization_failure(&self) -> bool {
        self.sqlstate()
            .is_some_and(|code| SERIALIZATION_FAILURES.contains(&code))
    }

    /// Whether running the transaction again may succeed: a serialization failure or deadlock,
    /// or a unique violation raised by a receiver's or hook's own query.
    pub(super) fn is_retryable(&self) -> bool {
        match self.sqlstate() {
            Some(code) if SERIALIZATION_FAILURES.contains(&code) => true,
            Some(UNIQUE_VIOLATION) => matches!(self, Self::Receiver { .. } | Self::Hook(_)),
            _ => false,
        }
    }
}

fn sqlstate_of(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) => db.code().map(|c| match c {
            Cow::Borrowed(s) => s,
            Cow::Owned(_) => "",
        }),
        _ => None,
    }
}

impl From<sqlx::Error> for Fault {
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

/// SQLSTATE classes and codes that mean the connection is gone rather than the statement wrong:
/// class 08 (connection exception) except `08P01` (protocol violation: what PostgreSQL answers
/// to a statement bound with too few values, the statement's fault), and 57P01–57P03
/// (administrator or crash shutdown, cannot connect now),
/// <https://www.postgresql.org/docs/current/errcodes-appendix.html>.
fn is_connection_lost(e: &sqlx::Error) -> bool {
    is_unavailable(e)
        || sqlstate_of(e).is_some_and(|code| {
            (code.starts_with("08") && code != "08P01")
                || matches!(code, "57P01" | "57P02" | "57P03")
        })
}

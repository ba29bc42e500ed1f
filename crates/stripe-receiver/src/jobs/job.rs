//! What a job fn is told about its job, and how a job is listed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// The job being run, as a job fn sees it (`job: &Job`).
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    /// The job's id (UUID v7), the same on every attempt: the idempotency key to hand to the
    /// service the job calls (an e-mail provider's idempotency header, a unique key in a table).
    pub id: Uuid,
    /// The job kind's name.
    pub name: String,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// Attempts allowed before the job is dead.
    pub max_attempts: u32,
    /// The event whose webhook enqueued the job, if any.
    pub event_id: Option<String>,
    /// When the job was enqueued (when its webhook's transaction ran).
    pub enqueued_at: DateTime<Utc>,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for its (next) attempt, due at `run_at`.
    Queued,
    /// An attempt is running (its lease ends at `locked_until`).
    Running,
    /// Its fn returned `Ok`.
    Done,
    /// It failed `max_attempts` times; kept for `jobs retry`.
    Dead,
}

impl JobStatus {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "dead" => Self::Dead,
            _ => return None,
        })
    }
}

/// A row of `stripe_receiver_jobs`, for listings.
#[derive(Debug, Clone, Serialize)]
pub struct JobRecord {
    /// The id (idempotency key).
    pub id: Uuid,
    /// The job kind's name.
    pub name: String,
    /// The payload.
    pub payload: serde_json::Value,
    /// The status.
    pub status: JobStatus,
    /// Attempts started.
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// The next attempt starts no earlier.
    pub run_at: DateTime<Utc>,
    /// The running attempt's lease.
    pub locked_until: Option<DateTime<Utc>>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// The event whose webhook enqueued it.
    pub event_id: Option<String>,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
    /// When it was done or died.
    pub finished_at: Option<DateTime<Utc>>,
}

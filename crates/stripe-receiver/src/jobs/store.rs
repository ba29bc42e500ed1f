//! `stripe_receiver_jobs`: the outbox table.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Job, JobRecord, JobStatus};
use crate::db::{column_error, dispatch, sql, sql_for, Db};
use crate::Tx;

/// Inserts a queued job in the webhook's transaction, due at once.
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    id: Uuid,
    name: &str,
    payload_json: &str,
    max_attempts: u32,
    event_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let max_attempts = i64::from(max_attempts.max(1));
    dispatch!(TxConn, tx.conn_mut(), |conn, D| sqlx::query(sql!(D;
        "INSERT INTO stripe_receiver_jobs (id, name, payload, status, attempts, \
         max_attempts, run_at, event_id, created_at, updated_at) \
         VALUES ($1, $2, $3" {json} ", 'queued', 0, $4, $5, $6, $5, $5)"))
    .bind(D::uuid(id))
    .bind(name)
    .bind(payload_json)
    .bind(max_attempts)
    .bind(D::time(now))
    .bind(event_id)
    .execute(&mut **conn)
    .await
    .map(drop)?);
    Ok(())
}

/// A row as both backends return it ([`columns`] reads uuid and jsonb as text).
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    payload: String,
    status: String,
    attempts: i32,
    max_attempts: i32,
    run_at: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
    last_error: Option<String>,
    event_id: Option<String>,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

/// The columns of [`Row`].
macro_rules! columns {
    ($backend:ident) => {
        sql_for!($backend; {text id} ", name, " {text payload} ", status, attempts, max_attempts, \
            run_at, locked_until, last_error, event_id, created_at, finished_at")
    };
}

impl Row {
    fn into_record(self) -> Result<JobRecord, sqlx::Error> {
        Ok(JobRecord {
            id: Uuid::parse_str(&self.id).map_err(|e| column_error("id", e))?,
            payload: serde_json::from_str(&self.payload).map_err(|e| column_error("payload", e))?,
            status: JobStatus::parse(&self.status)
                .ok_or_else(|| column_error("status", &self.status))?,
            name: self.name,
            attempts: u32::try_from(self.attempts).unwrap_or(0),
            max_attempts: u32::try_from(self.max_attempts).unwrap_or(1),
            run_at: self.run_at,
            locked_until: self.locked_until,
            last_error: self.last_error,
            event_id: self.event_id,
            created_at: self.created_at,
            finished_at: self.finished_at,
        })
    }
}

/// A job taken for one attempt, with its payload.
pub(crate) struct Claimed {
    pub job: Job,
    pub payload: serde_json::Value,
}

/// Takes up to `limit` due jobs for an attempt each: queued jobs whose `run_at` has come, and
/// running jobs whose lease ran out (their worker died). Each gets `attempts + 1`, status
/// `running` and a lease until `lease_until`. On PostgreSQL concurrent workers skip each
/// other's rows (`FOR UPDATE SKIP LOCKED`); on SQLite the single writer serializes claims.
pub(crate) async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let rows: Vec<Row> = dispatch!(Db, db, |db, D| sqlx::query_as(sql!(D;
        "UPDATE stripe_receiver_jobs SET status = 'running', attempts = attempts + 1, \
         locked_until = $2, updated_at = $1 \
         WHERE id IN (SELECT id FROM stripe_receiver_jobs \
           WHERE (status = 'queued' AND run_at <= $1) \
              OR (status = 'running' AND locked_until <= $1) \
           ORDER BY run_at LIMIT $3" {skip_locked} ") \
         RETURNING " {columns!}))
    .bind(D::time(now))
    .bind(D::time(lease_until))
    .bind(i64::from(limit))
    .fetch_all(db.write_pool())
    .await?);
    rows.into_iter()
        .map(|row| {
            let record = row.into_record()?;
            Ok(Claimed {
                job: Job {
                    id: record.id,
                    name: record.name,
                    attempt: record.attempts,
                    max_attempts: record.max_attempts,
                    event_id: record.event_id,
                    enqueued_at: record.created_at,
                },
                payload: record.payload,
            })
        })
        .collect()
}

/// Ends an attempt. `Ok` marks the job done; an error requeues it at `retry_at`, or marks it
/// dead when `retry_at` is `None`. Only the attempt that holds the job (same attempt number,
/// still running) may end it: a worker whose lease ran out and whose job was taken again
/// changes nothing.
pub(crate) async fn finish(
    db: &Db,
    job: &Job,
    outcome: Result<(), (String, Option<DateTime<Utc>>)>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (status, error, run_at, finished) = match outcome {
        Ok(()) => (JobStatus::Done, None, None, Some(now)),
        Err((error, Some(retry_at))) => (JobStatus::Queued, Some(error), Some(retry_at), None),
        Err((error, None)) => (JobStatus::Dead, Some(error), None, Some(now)),
    };
    let done = dispatch!(Db, db, |db, D| sqlx::query(
        "UPDATE stripe_receiver_jobs SET status = $3, last_error = COALESCE($4, last_error), \
         run_at = COALESCE($5, run_at), finished_at = $6, locked_until = NULL, updated_at = $7 \
         WHERE id = $1 AND attempts = $2 AND status = 'running'"
    )
    .bind(D::uuid(job.id))
    .bind(i32::try_from(job.attempt).unwrap_or(i32::MAX))
    .bind(status.as_str())
    .bind(error)
    .bind(run_at.map(D::time))
    .bind(finished.map(D::time))
    .bind(D::time(now))
    .execute(db.write_pool())
    .await?
    .rows_affected());
    Ok(done == 1)
}

/// Which jobs [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    /// Only jobs in this status (`None`: all).
    pub status: Option<JobStatus>,
    /// At most this many, newest first.
    pub limit: u32,
}

/// Jobs, newest first.
///
/// # Errors
/// The database error.
pub async fn list(db: &Db, filter: &JobFilter) -> Result<Vec<JobRecord>, sqlx::Error> {
    let status = filter.status.map(JobStatus::as_str);
    let rows: Vec<Row> = dispatch!(Db, db, |db, D| {
        sqlx::query_as(sql!(D;
        "SELECT " {columns!} " FROM stripe_receiver_jobs WHERE ($1" {text} " IS NULL OR status = $1) \
         ORDER BY created_at DESC, id DESC LIMIT $2"))
    .bind(status)
    .bind(i64::from(filter.limit))
    .fetch_all(db.read_pool())
    .await?
    });
    rows.into_iter().map(Row::into_record).collect()
}

/// Requeues a dead job for a fresh set of attempts, due at once. Returns `false` when no dead
/// job has this id.
///
/// # Errors
/// The database error.
pub async fn retry(db: &Db, id: Uuid) -> Result<bool, sqlx::Error> {
    let now = Utc::now();
    let done = dispatch!(Db, db, |db, D| sqlx::query(
        "UPDATE stripe_receiver_jobs SET status = 'queued', attempts = 0, run_at = $2, \
         finished_at = NULL, updated_at = $2 WHERE id = $1 AND status = 'dead'"
    )
    .bind(D::uuid(id))
    .bind(D::time(now))
    .execute(db.write_pool())
    .await?
    .rows_affected());
    Ok(done == 1)
}

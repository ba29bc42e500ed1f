//! The transactional outbox (README, "Side effects outside the database"): durable side effects of a webhook.
//!
//! A receiver enqueues a job — a name and a serde payload — with [`crate::Tx::enqueue_job`], in
//! the webhook's transaction: the job exists if and only if the webhook commits. A worker (inside
//! `serve`, or `stripe-receiver jobs work` in another process) takes due jobs and runs the fn
//! registered for the name with `#[stripe_job("name")]`:
//!
//! * **at least once**: a job is marked done only after its fn returned `Ok`; an attempt cut off
//!   by a crash is taken again when its lease expires. The job's id ([`Job::id`]) is the same on
//!   every attempt: use it as the idempotency key towards the outside world;
//! * **retries** with exponential backoff: the n-th retry waits `backoff × 2^(n-1)` (capped at one
//!   hour); after `max_attempts` failed attempts the job is **dead**: kept, listed by
//!   `jobs list --dead`, and requeued by `jobs retry ID`;
//! * on PostgreSQL several workers, in several processes, take disjoint jobs
//!   (`FOR UPDATE SKIP LOCKED`); on SQLite claims are serialized by the single writer.

mod enqueue;
mod job;
mod kind;
mod store;
mod worker;

pub use enqueue::EnqueueError;
pub use job::{Job, JobRecord, JobStatus};
pub use kind::{JobArg, JobArgError, JobKind, JobParts, JobRegistry, JobRegistryError, Payload};
pub use store::{list, retry, JobFilter};
pub use worker::WorkerSettings;
pub(crate) use worker::{run_worker, Worker};

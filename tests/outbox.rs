//! Side effects done right: after-commit actions and the job outbox, on both
//! backends, over real HTTP with a worker running in the test's process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::json;
use stripe_receiver::jobs::{self, JobFilter, JobStatus};
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};
use tokio::sync::oneshot;

/// Counts per key (event id for actions, job id for job runs), outside the database.
static COUNTS: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);

fn bump(key: &str) -> u32 {
    let mut map = COUNTS.lock().unwrap();
    let n = map
        .get_or_insert_with(HashMap::new)
        .entry(key.to_owned())
        .or_default();
    *n += 1;
    *n
}

fn count(key: &str) -> u32 {
    COUNTS
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|m| m.get(key).copied())
        .unwrap_or(0)
}

#[derive(Serialize, Deserialize)]
struct Receipt {
    invoice: String,
    /// The job fails on its attempts up to this one.
    fail_attempts: u32,
}

/// Registers an after-commit action and enqueues a job; fails afterwards when the invoice's
/// metadata says so, so that both must vanish with the rollback.
#[stripe_receiver("invoice.paid")]
async fn on_invoice_paid(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let object = &event.data.object;
    let key = format!("action:{}", event.id);
    tx.after_commit(async move {
        bump(&key);
        Ok(())
    });
    let receipt = Receipt {
        invoice: event.object_id()?.to_owned(),
        fail_attempts: object["metadata"]["job_fail_attempts"]
            .as_str()
            .unwrap_or("0")
            .parse()?,
    };
    tx.enqueue_job("send_test_receipt", &receipt).await?;
    if object["metadata"]["fail_webhook"] == "true" {
        return Err("the webhook fails after registering its side effects".into());
    }
    Ok(())
}

/// An after-commit action that fails: recorded on the delivery, the answer stays 200.
#[stripe_receiver("invoice.finalized")]
async fn failing_action(tx: &mut Tx<'_>) {
    tx.after_commit(async { Err("the mail service refused".into()) });
}

#[stripe_job("send_test_receipt")]
async fn send_test_receipt(job: &Job, Payload(receipt): Payload<Receipt>) -> Result<(), BoxError> {
    let n = bump(&format!("job:{}", job.id));
    assert_eq!(n, job.attempt, "attempt numbers count the runs");
    if job.attempt <= receipt.fail_attempts {
        return Err(format!(
            "attempt {} of {} fails on purpose",
            job.attempt, receipt.invoice
        )
        .into());
    }
    Ok(())
}

/// Enqueues a job that takes a while (milliseconds in `metadata.sleep_ms`).
#[stripe_receiver("invoice.voided")]
async fn enqueue_slow(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let ms: u64 = event.data.object["metadata"]["sleep_ms"]
        .as_str()
        .unwrap_or("0")
        .parse()?;
    tx.enqueue_job("slow_test_job", &ms).await?;
    Ok(())
}

#[stripe_job("slow_test_job")]
async fn slow_test_job(job: &Job, Payload(ms): Payload<u64>) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    bump(&format!("slow:{}", job.id));
}

struct Worker(Option<oneshot::Sender<()>>);

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

async fn server(backend: TestBackend) -> (TestServer, Worker) {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            let c = b.config_mut();
            c.job_backoff_ms = 20;
            c.job_poll_ms = 20;
            c.job_max_attempts = 3;
            b
        },
        |e| e,
    )
    .await;
    let (tx, rx) = oneshot::channel::<()>();
    let runtime = s.runtime.clone();
    tokio::spawn(async move {
        runtime
            .run_jobs(async {
                let _ = rx.await;
            })
            .await;
    });
    (s, Worker(Some(tx)))
}

fn paid(id: &str, metadata: serde_json::Value) -> String {
    event(
        id,
        "invoice.paid",
        json!({"id": format!("in_{id}"), "object": "invoice", "metadata": metadata}),
    )
}

async fn jobs_of(s: &TestServer, event_id: &str) -> Vec<jobs::JobRecord> {
    jobs::list(
        s.db(),
        &JobFilter {
            status: None,
            limit: 1000,
        },
    )
    .await
    .unwrap()
    .into_iter()
    .filter(|j| j.event_id.as_deref() == Some(event_id))
    .collect()
}

async fn wait_for(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn side_effects_of_a_rolled_back_webhook_never_happen(backend: TestBackend) {
    let (s, _w) = server(backend).await;
    let id = format!("evt_rb_{backend:?}");
    let (status, _) = s.send(paid(&id, json!({"fail_webhook": "true"}))).await;
    assert_eq!(status, 500);
    // Give an action or a worker every chance to (wrongly) run.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(&format!("action:{id}")), 0, "the action never runs");
    assert!(jobs_of(&s, &id).await.is_empty(), "the job does not exist");
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM stripe_receiver_jobs").await,
        0
    );
}

async fn side_effects_of_a_committed_webhook_happen_once(backend: TestBackend) {
    let (s, _w) = server(backend).await;
    let id = format!("evt_ok_{backend:?}");
    let (status, reply) = s.send(paid(&id, json!({}))).await;
    assert_eq!(status, 200, "{reply}");
    let key = format!("action:{id}");
    wait_for("the action", async || count(&key) == 1).await;
    wait_for("the job", async || {
        jobs_of(&s, &id)
            .await
            .first()
            .is_some_and(|j| j.status == JobStatus::Done)
    })
    .await;
    // A redelivery is a duplicate: no second action, no second job.
    let (_, reply) = s.send(paid(&id, json!({}))).await;
    assert_eq!(reply["outcome"], "duplicate");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(count(&key), 1);
    let jobs = jobs_of(&s, &id).await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(count(&format!("job:{}", jobs[0].id)), 1);
}

async fn a_job_failing_twice_runs_three_times_and_ends_done(backend: TestBackend) {
    let (s, _w) = server(backend).await;
    let id = format!("evt_flaky_{backend:?}");
    let (status, _) = s.send(paid(&id, json!({"job_fail_attempts": "2"}))).await;
    assert_eq!(status, 200);
    wait_for("the job to finish", async || {
        jobs_of(&s, &id)
            .await
            .first()
            .is_some_and(|j| j.status == JobStatus::Done)
    })
    .await;
    let job = &jobs_of(&s, &id).await[0];
    assert_eq!(job.attempts, 3);
    assert_eq!(count(&format!("job:{}", job.id)), 3);
    assert_eq!(
        job.last_error.as_deref().map(|e| e.contains("attempt 2")),
        Some(true)
    );
}

async fn a_job_that_always_fails_ends_dead_and_can_be_retried(backend: TestBackend) {
    let (s, _w) = server(backend).await;
    let id = format!("evt_dead_{backend:?}");
    let (status, _) = s.send(paid(&id, json!({"job_fail_attempts": "99"}))).await;
    assert_eq!(
        status, 200,
        "the job's failures never change the webhook's answer"
    );
    wait_for("the job to die", async || {
        jobs_of(&s, &id)
            .await
            .first()
            .is_some_and(|j| j.status == JobStatus::Dead)
    })
    .await;
    let job = jobs_of(&s, &id).await.remove(0);
    assert_eq!(job.attempts, 3, "the configured attempts");
    assert_eq!(count(&format!("job:{}", job.id)), 3);
    let dead = jobs::list(
        s.db(),
        &JobFilter {
            status: Some(JobStatus::Dead),
            limit: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(dead.len(), 1);
    // jobs retry ID: a fresh set of attempts (it fails again, three more runs).
    assert!(jobs::retry(s.db(), job.id).await.unwrap());
    wait_for("the retried job to die again", async || {
        count(&format!("job:{}", job.id)) == 6
            && jobs_of(&s, &id).await[0].status == JobStatus::Dead
    })
    .await;
}

async fn a_failing_action_is_recorded_and_the_answer_stays_200(backend: TestBackend) {
    let (s, _w) = server(backend).await;
    let (status, reply) = s
        .send(event(
            "evt_fin",
            "invoice.finalized",
            json!({"id": "in_fin", "object": "invoice"}),
        ))
        .await;
    assert_eq!(status, 200, "{reply}");
    wait_for("the failure record", async || {
        s.deliveries().await[0].after_commit_error.is_some()
    })
    .await;
    let d = &s.deliveries().await[0];
    assert_eq!(
        d.after_commit_error.as_deref(),
        Some("outbox::failing_action: the mail service refused")
    );
    assert_eq!(d.outcome, stripe_receiver::delivery::Outcome::Processed);
}

async fn a_slow_job_does_not_hold_up_the_others(backend: TestBackend) {
    let (s, _w) = server(backend).await;
    let slow_id = format!("evt_slow_{backend:?}");
    let (status, _) = s
        .send(event(
            &slow_id,
            "invoice.voided",
            json!({"id": "in_slow", "object": "invoice", "metadata": {"sleep_ms": "3000"}}),
        ))
        .await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(100)).await; // the slow job is running
    let id = format!("evt_after_slow_{backend:?}");
    let (status, _) = s.send(paid(&id, json!({}))).await;
    assert_eq!(status, 200);
    wait_for("the quick job", async || {
        jobs_of(&s, &id)
            .await
            .first()
            .is_some_and(|j| j.status == JobStatus::Done)
    })
    .await;
    let slow = jobs_of(&s, &slow_id).await.remove(0);
    assert_eq!(
        slow.status,
        JobStatus::Running,
        "the quick job finished while the slow one ran"
    );
}

both_backends!(
    a_slow_job_does_not_hold_up_the_others,
    side_effects_of_a_rolled_back_webhook_never_happen,
    side_effects_of_a_committed_webhook_happen_once,
    a_job_failing_twice_runs_three_times_and_ends_done,
    a_job_that_always_fails_ends_dead_and_can_be_retried,
    a_failing_action_is_recorded_and_the_answer_stays_200,
);

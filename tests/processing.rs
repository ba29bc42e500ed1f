//! The processing contract (README, "Processing contract") and the inputs of the foundation issue, over real HTTP
//! against a real SQLite file.

use std::collections::HashSet;
use std::sync::Mutex;

use serde_json::{json, Value};
use stripe_receiver::db::Backend;
use stripe_receiver::delivery::Outcome;
use stripe_receiver::prelude::*;
use stripe_receiver::signature::testing::{sign, signature_hex};
use stripe_receiver::signature::Secret;
use stripe_receiver::store::events;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};

// ---- receivers of this test binary ------------------------------------------------------------

/// Writes a row per run into the test's own table, in the webhook's transaction.
/// (`$1` placeholders work on both backends: SQLite numbers them in order of appearance.)
async fn record(tx: &mut Tx<'_>, event: &Event, receiver: &str) -> Result<(), BoxError> {
    let sql = "INSERT INTO test_runs (event_id, receiver) VALUES ($1, $2)";
    match tx.backend() {
        Backend::Sqlite => {
            let q = sqlx::query(sql).bind(&event.id).bind(receiver);
            q.execute(tx.sqlite()?).await?;
        }
        _ => {
            let q = sqlx::query(sql).bind(&event.id).bind(receiver);
            q.execute(tx.postgres()?).await?;
        }
    }
    Ok(())
}

fn flag(event: &Event, name: &str) -> bool {
    event.data.object["metadata"][name] == "true"
}

/// Event ids (per backend: both halves of the suite share this process) whose first attempt
/// already failed; kept outside the database, which rolls back.
static FAILED_ONCE: Mutex<Option<HashSet<(String, Backend)>>> = Mutex::new(None);

#[stripe_receiver("charge.succeeded", "charge.failed")]
async fn a_record_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    record(tx, event, "a_record_charge").await
}

/// Runs after `a_record_charge` (path order) and fails on request, so the rollback of the
/// earlier receiver's write shows.
#[stripe_receiver("charge.succeeded")]
async fn b_maybe_fail(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    if flag(event, "fail_first_attempt") {
        let mut seen = FAILED_ONCE.lock().unwrap();
        let key = (event.id.clone(), tx.backend());
        if seen.get_or_insert_with(HashSet::new).insert(key) {
            return Err("failing the first attempt on purpose".into());
        }
    }
    if flag(event, "hang") {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
    if flag(event, "panic") {
        panic!("receiver panicked on purpose for {}", event.id);
    }
    record(tx, event, "b_maybe_fail").await
}

/// A plain (non-async) receiver that only logs.
#[stripe_receiver("customer.created")]
fn c_sync_logger(event: &Event) {
    assert_eq!(event.type_, "customer.created");
}

// ---- helpers ----------------------------------------------------------------------------------

async fn server(backend: TestBackend) -> TestServer {
    let s = TestServer::start(backend).await;
    s.execute("CREATE TABLE test_runs (event_id TEXT NOT NULL, receiver TEXT NOT NULL)")
        .await;
    s
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn runs(s: &TestServer, event_id: &str) -> i64 {
    s.scalar(&format!(
        "SELECT COUNT(*) FROM test_runs WHERE event_id = '{event_id}'"
    ))
    .await
}

async fn stored(s: &TestServer, event_id: &str) -> bool {
    events::get(s.db(), event_id).await.unwrap().is_some()
}

fn charge_with(metadata: Value) -> Value {
    let mut c = charge("ch_1", 1000);
    c["metadata"] = metadata;
    c
}

// ---- §4.5 processed ---------------------------------------------------------------------------

async fn valid_event_runs_every_matching_receiver_in_path_order_and_commits_once(
    backend: TestBackend,
) {
    let s = server(backend).await;
    let body = event("evt_ok", "charge.succeeded", charge("ch_ok", 1500));
    let (status, reply) = s.send(body.clone()).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["outcome"], "processed");
    assert_eq!(
        reply["receivers"],
        json!([
            "stripe_receiver::sync::builtin::charges",
            "processing::a_record_charge",
            "processing::b_maybe_fail"
        ])
    );
    assert_eq!(runs(&s, "evt_ok").await, 2);
    let e = events::get(s.db(), "evt_ok").await.unwrap().unwrap();
    assert_eq!(e.type_, "charge.succeeded");
    assert_eq!(e.created, 1_700_000_000);
    assert_eq!(e.request_id.as_deref(), Some("req_test"));
    assert_eq!(e.data["object"]["amount"], 1500);
    let d = s.deliveries().await;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].outcome, Outcome::Processed);
    assert!(d[0].valid);
    assert_eq!(d[0].event_id.as_deref(), Some("evt_ok"));
    assert_eq!(d[0].body, body.as_bytes());
    assert_eq!(d[0].remote_ip.as_deref(), Some("127.0.0.1"));
    assert!(d[0].headers["stripe-signature"]
        .as_str()
        .unwrap()
        .starts_with("t="));
}

async fn sync_receiver_runs(backend: TestBackend) {
    let s = server(backend).await;
    let (status, reply) = s
        .send(event(
            "evt_cus",
            "customer.created",
            json!({"id": "cus_1", "object": "customer"}),
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        reply["receivers"],
        json!([
            "stripe_receiver::sync::builtin::customers",
            "processing::c_sync_logger"
        ])
    );
}

// ---- §5 signature inputs over HTTP --------------------------------------------------------------

async fn reserialized_pretty_body_fails_and_original_bytes_pass(backend: TestBackend) {
    let s = server(backend).await;
    let value: Value =
        serde_json::from_str(&event("evt_pretty", "charge.failed", charge("ch_p", 1))).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let compact = serde_json::to_string(&value).unwrap();
    let header = sign(pretty.as_bytes(), &s.secret, now());
    let (status, body) = s
        .post_raw(s.url(), compact.into_bytes(), Some(&header))
        .await;
    assert_eq!(status, 400);
    assert!(
        !body.contains("no_matching"),
        "the 400 body must not say which check failed: {body}"
    );
    let d = &s.deliveries().await[0];
    assert_eq!((d.valid, d.outcome), (false, Outcome::Invalid));
    assert_eq!(d.error.as_deref(), Some("no_matching_signature"));
    assert!(!stored(&s, "evt_pretty").await);
    let (status, _) = s
        .post_raw(s.url(), pretty.into_bytes(), Some(&header))
        .await;
    assert_eq!(status, 200);
    assert!(stored(&s, "evt_pretty").await);
}

async fn multibyte_utf8_verifies_and_is_stored_intact(backend: TestBackend) {
    let s = server(backend).await;
    let mut c = charge("ch_utf8", 700);
    c["description"] = json!("Café ☕ 東京");
    let (status, _) = s.send(event("evt_utf8", "charge.succeeded", c)).await;
    assert_eq!(status, 200);
    let e = events::get(s.db(), "evt_utf8").await.unwrap().unwrap();
    assert_eq!(e.data["object"]["description"], "Café ☕ 東京");
}

async fn invalid_utf8_with_a_good_signature_is_stored_and_answered_400(backend: TestBackend) {
    let s = server(backend).await;
    let mut body = event("evt_bad_utf8", "charge.succeeded", charge("ch_x", 1)).into_bytes();
    let pos = body.iter().position(|&b| b == b'u').unwrap(); // inside "usd"
    body[pos] = 0xff;
    let (status, _) = s.send(body.clone()).await;
    assert_eq!(status, 400);
    let d = &s.deliveries().await[0];
    assert_eq!((d.valid, d.outcome), (false, Outcome::Invalid));
    assert_eq!(d.error.as_deref(), Some("body_not_json"));
    assert_eq!(d.body, body, "the exact bytes are kept");
    assert_eq!(s.get("/healthz").await.0, 200, "still serving");
}

async fn several_v1_signatures_in_any_order_and_v0_ignored(backend: TestBackend) {
    let s = server(backend).await;
    let t = now();
    let bad = "0".repeat(64);
    for (i, shape) in ["good,bad", "bad,good", "v0_only", "bad,v0good", "extras"]
        .iter()
        .enumerate()
    {
        let id = format!("evt_hdr_{i}");
        let body = event(&id, "charge.failed", charge("ch_h", 1));
        let good = signature_hex(body.as_bytes(), &s.secret, t);
        let header = match *shape {
            "good,bad" => format!("t={t},v1={good},v1={bad}"),
            "bad,good" => format!("t={t},v1={bad},v1={good}"),
            "v0_only" => format!("t={t},v0={good}"),
            "bad,v0good" => format!("t={t},v1={bad},v0={good}"),
            _ => format!("t={t},foo,x=1,v1={good}"),
        };
        let (status, _) = s.post_raw(s.url(), body.into_bytes(), Some(&header)).await;
        let expected = if shape.contains("v0") { 400 } else { 200 };
        assert_eq!(status, expected, "{shape}");
    }
    let classes: Vec<Option<String>> = s
        .deliveries()
        .await
        .into_iter()
        .rev()
        .map(|d| d.error)
        .collect();
    assert_eq!(
        classes,
        vec![
            None,
            None,
            Some("no_v1_signature".into()),
            Some("no_matching_signature".into()),
            None
        ]
    );
}

async fn malformed_headers_fail(backend: TestBackend) {
    let s = server(backend).await;
    let body = event("evt_malformed", "charge.failed", charge("ch_m", 1));
    let good = signature_hex(body.as_bytes(), &s.secret, now());
    for header in [format!("v1={good}"), format!("t=12abc,v1={good}")] {
        let (status, _) = s
            .post_raw(s.url(), body.clone().into_bytes(), Some(&header))
            .await;
        assert_eq!(status, 400, "{header}");
    }
    for d in s.deliveries().await {
        assert_eq!(d.error.as_deref(), Some("malformed_header"));
    }
}

async fn tolerance_300_is_inclusive_and_0_disables_it(backend: TestBackend) {
    let s = server(backend).await;
    let (ok, _) = s
        .send_at(
            event("evt_t299", "charge.failed", charge("c", 1)),
            Some(now() - 299),
        )
        .await;
    let (late, _) = s
        .send_at(
            event("evt_t301", "charge.failed", charge("c", 1)),
            Some(now() - 301),
        )
        .await;
    let (future, _) = s
        .send_at(
            event("evt_tfut", "charge.failed", charge("c", 1)),
            Some(now() + 3600),
        )
        .await;
    assert_eq!((ok, late, future), (200, 400, 400));
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("timestamp_outside_tolerance")
    );

    let lax = TestServer::start_with(
        backend,
        |b| b,
        |mut e| {
            e.tolerance_secs = 0;
            e
        },
    )
    .await;
    let (status, _) = lax
        .send_at(
            event("evt_old", "balance.available", json!({"object": "balance"})),
            Some(now() - 86_400 * 30),
        )
        .await;
    assert_eq!(status, 200);
}

async fn missing_signature_header_is_400_and_stored_invalid(backend: TestBackend) {
    let s = server(backend).await;
    let body = event("evt_nosig", "charge.succeeded", charge("c", 1));
    let (status, _) = s.post_raw(s.url(), body.into_bytes(), None).await;
    assert_eq!(status, 400);
    let d = s.deliveries().await;
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].valid, d[0].outcome), (false, Outcome::Invalid));
    assert_eq!(d[0].error.as_deref(), Some("missing_header"));
    assert!(!stored(&s, "evt_nosig").await);
}

async fn an_endpoint_without_a_usable_secret_answers_500(backend: TestBackend) {
    let s = TestServer::start_with(
        backend,
        |b| b,
        |mut e| {
            e.secrets[0].expires_at = Some(1); // expired in 1970
            e
        },
    )
    .await;
    let (status, _) = s
        .send(event("evt_nosecret", "charge.failed", charge("c", 1)))
        .await;
    assert_eq!(status, 500);
    let d = &s.deliveries().await[0];
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!(d.error.as_deref(), Some("no_usable_secret"));
}

async fn validation_none_accepts_unsigned_bodies(backend: TestBackend) {
    let s = TestServer::start_with(
        backend,
        |b| b,
        |mut e| {
            e.validation = stripe_receiver::endpoint::ValidationMode::None;
            e
        },
    )
    .await;
    let body = event(
        "evt_unsigned",
        "balance.available",
        json!({"object": "balance"}),
    );
    let (status, _) = s.post_raw(s.url(), body.into_bytes(), None).await;
    assert_eq!(status, 200);
}

// ---- §4.6 duplicates and conflicts ------------------------------------------------------------------

async fn same_event_twice_runs_receivers_once_and_records_both_deliveries(backend: TestBackend) {
    let s = server(backend).await;
    let body = event("evt_twice", "charge.succeeded", charge("ch_t", 5));
    let (first, r1) = s.send(body.clone()).await;
    let (second, r2) = s.send(body).await;
    assert_eq!((first, second), (200, 200));
    assert_eq!(r1["outcome"], "processed");
    assert_eq!(r2["outcome"], "duplicate");
    assert_eq!(runs(&s, "evt_twice").await, 2, "two receivers, once each");
    let d = s.deliveries().await;
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].outcome, Outcome::Duplicate);
    assert_eq!(d[0].event_id.as_deref(), Some("evt_twice"));
}

async fn same_id_different_body_is_a_conflict_and_runs_nothing(backend: TestBackend) {
    let s = server(backend).await;
    let (a, _) = s
        .send(event(
            "evt_00000000000000",
            "charge.succeeded",
            charge("ch_a", 1),
        ))
        .await;
    let (b, reply) = s
        .send(event(
            "evt_00000000000000",
            "charge.succeeded",
            charge("ch_b", 2),
        ))
        .await;
    assert_eq!((a, b), (200, 200));
    assert_eq!(reply["outcome"], "conflict");
    assert_eq!(
        runs(&s, "evt_00000000000000").await,
        2,
        "only the first ran"
    );
    let d = &s.deliveries().await[0];
    assert_eq!(d.outcome, Outcome::Conflict);
    assert_eq!(d.error.as_deref(), Some("event_id_conflict"));
    let e = events::get(s.db(), "evt_00000000000000")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        e.data["object"]["id"], "ch_a",
        "the stored event is unchanged"
    );
}

// ---- §4.7 failures roll back -------------------------------------------------------------------

async fn failed_first_attempt_leaves_nothing_and_the_retry_runs_in_full(backend: TestBackend) {
    let s = server(backend).await;
    // The id names the test backend: FAILED_ONCE is shared by the variants running in parallel.
    let id = &format!("evt_retry_{backend:?}");
    let body = event(
        id,
        "charge.succeeded",
        charge_with(json!({"fail_first_attempt": "true"})),
    );
    let (status, reply) = s.send(body.clone()).await;
    assert_eq!(status, 500);
    assert_eq!(reply["failed_receiver"], "processing::b_maybe_fail");
    assert!(!stored(&s, id).await, "no event row");
    assert_eq!(runs(&s, id).await, 0, "a_record_charge's write rolled back");
    let failed = &s.deliveries().await[0];
    assert_eq!(failed.outcome, Outcome::Failed);
    assert_eq!(failed.error.as_deref(), Some("receiver_error"));
    assert!(failed
        .error_detail
        .as_deref()
        .unwrap()
        .contains("processing::b_maybe_fail: failing the first attempt on purpose"));
    assert_eq!(failed.event_id, None);

    let (status, reply) = s.send(body).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["outcome"], "processed");
    assert_eq!(runs(&s, id).await, 2);
    assert!(stored(&s, id).await);
    assert_eq!(s.deliveries().await.len(), 2);
    let by_event = stripe_receiver::store::deliveries::list(
        s.db(),
        &stripe_receiver::store::deliveries::DeliveryFilter {
            event_id: Some(id.into()),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let outcomes: Vec<Outcome> = by_event.iter().map(|d| d.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Processed, Outcome::Failed],
        "failed attempts are found by event id too"
    );
}

async fn a_panicking_receiver_gives_500_and_the_server_keeps_serving(backend: TestBackend) {
    let s = server(backend).await;
    let (status, _) = s
        .send(event(
            "evt_panic",
            "charge.succeeded",
            charge_with(json!({"panic": "true"})),
        ))
        .await;
    assert_eq!(status, 500);
    let d = &s.deliveries().await[0];
    assert_eq!(d.error.as_deref(), Some("receiver_panic"));
    assert!(d
        .error_detail
        .as_deref()
        .unwrap()
        .contains("receiver panicked on purpose for evt_panic"));
    assert_eq!(runs(&s, "evt_panic").await, 0);
    assert!(!stored(&s, "evt_panic").await);
    assert_eq!(s.get("/healthz").await.0, 200);
    let (status, _) = s
        .send(event("evt_after_panic", "charge.succeeded", charge("c", 1)))
        .await;
    assert_eq!(status, 200);
}

async fn a_hung_receiver_is_cancelled_at_the_processing_timeout(backend: TestBackend) {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            b.config_mut().processing_timeout_secs = 1;
            b
        },
        |e| e,
    )
    .await;
    s.execute("CREATE TABLE test_runs (event_id TEXT NOT NULL, receiver TEXT NOT NULL)")
        .await;
    let started = std::time::Instant::now();
    let (status, reply) = s
        .send(event(
            "evt_hang",
            "charge.succeeded",
            charge_with(json!({"hang": "true"})),
        ))
        .await;
    assert_eq!(status, 500, "{reply}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(reply["failed_receiver"], "processing::b_maybe_fail");
    let d = &s.deliveries().await[0];
    assert_eq!(d.error.as_deref(), Some("receiver_timeout"));
    assert_eq!(
        runs(&s, "evt_hang").await,
        0,
        "a_record_charge's write rolled back"
    );
    assert!(!stored(&s, "evt_hang").await);
    let (status, _) = s
        .send(event("evt_after_hang", "charge.succeeded", charge("c", 1)))
        .await;
    assert_eq!(status, 200, "the writer is free again");
}

// ---- §4.8 unmatched, unknown, livemode -----------------------------------------------------------

async fn unknown_and_unhandled_types_are_stored(backend: TestBackend) {
    let s = server(backend).await;
    for (id, t) in [("evt_tp", "transfer.paid"), ("evt_ba", "balance.available")] {
        let (status, reply) = s
            .send(event(id, t, json!({"id": "x_1", "object": "thing"})))
            .await;
        assert_eq!(status, 200);
        assert_eq!(reply["outcome"], "processed");
        // No receiver of the application's; the built-in sync's `transfer.*` runs and
        // writes nothing (the object is no transfer).
        let ran = reply["receivers"].as_array().cloned().unwrap_or_default();
        assert!(
            ran.iter().all(|r| r
                .as_str()
                .unwrap()
                .starts_with("stripe_receiver::sync::builtin::")),
            "{reply}"
        );
        assert!(stored(&s, id).await);
    }
}

async fn livemode_mismatch_is_stored_and_skipped(backend: TestBackend) {
    let s = server(backend).await;
    let mut v: Value =
        serde_json::from_str(&event("evt_live", "charge.succeeded", charge("c", 1))).unwrap();
    v["livemode"] = json!(true);
    let (status, reply) = s.send(v.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(reply["outcome"], "skipped");
    assert!(stored(&s, "evt_live").await);
    assert_eq!(runs(&s, "evt_live").await, 0);
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("livemode_mismatch")
    );
}

async fn a_skipped_event_is_processed_by_the_first_endpoint_of_its_mode(backend: TestBackend) {
    use stripe_receiver::endpoint::NewEndpoint;
    let s = server(backend).await;
    let mut v: Value =
        serde_json::from_str(&event("evt_live_2", "charge.succeeded", charge("c", 1))).unwrap();
    v["livemode"] = json!(true);
    let body = v.to_string();
    let (_, reply) = s.send(body.clone()).await;
    assert_eq!(reply["outcome"], "skipped", "test-mode endpoint");

    let secret = Secret::generate();
    let mut live = NewEndpoint::local(s.base_url.clone(), secret.clone());
    live.livemode = true;
    let live = stripe_receiver::store::endpoints::create(s.db(), live)
        .await
        .unwrap();
    let send_live = || {
        s.sender
            .send(&live.url, &secret, body.clone().into_bytes(), None)
    };
    let first = send_live().await.unwrap();
    assert_eq!(first.status, 200);
    let reply: Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(reply["outcome"], "processed", "{reply}");
    assert_eq!(runs(&s, "evt_live_2").await, 2);
    let again: Value = serde_json::from_str(&send_live().await.unwrap().body).unwrap();
    assert_eq!(again["outcome"], "duplicate");
    let (_, reply) = s.send(body).await;
    assert_eq!(
        reply["outcome"], "duplicate",
        "processed now, for every endpoint"
    );
    assert_eq!(runs(&s, "evt_live_2").await, 2);
}

async fn envelope_variants_are_all_stored(backend: TestBackend) {
    let s = server(backend).await;
    let base: Value = serde_json::from_str(&event(
        "evt_x",
        "customer.updated",
        json!({"id": "cus_1", "object": "customer"}),
    ))
    .unwrap();
    type Change = Box<dyn Fn(&mut Value)>;
    let variants: Vec<(&str, Change)> = vec![
        (
            "evt_req_string",
            Box::new(|v| v["request"] = json!("req_old")),
        ),
        (
            "evt_req_nulls",
            Box::new(|v| v["request"] = json!({"id": null, "idempotency_key": null})),
        ),
        ("evt_req_null", Box::new(|v| v["request"] = Value::Null)),
        (
            "evt_req_absent",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("request");
            }),
        ),
        (
            "evt_no_api_version",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("api_version");
            }),
        ),
        (
            "evt_extra_fields",
            Box::new(|v| {
                v["brand_new_field"] = json!({"nested": [1, 2]});
                v["context"] = json!("x");
            }),
        ),
    ];
    for (id, change) in variants {
        let mut v = base.clone();
        v["id"] = json!(id);
        change(&mut v);
        let (status, reply) = s.send(v.to_string()).await;
        assert_eq!(status, 200, "{id}: {reply}");
        assert!(stored(&s, id).await, "{id}");
    }
    let e = events::get(s.db(), "evt_req_string")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.request_id.as_deref(), Some("req_old"));
    let e = events::get(s.db(), "evt_no_api_version")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.api_version, None);
}

async fn a_verified_body_that_is_not_an_event_is_400(backend: TestBackend) {
    let s = server(backend).await;
    let (status, _) = s.send(r#"{"object":"charge","id":"ch_1"}"#).await;
    assert_eq!(status, 400);
    assert_eq!(
        s.deliveries().await[0].error.as_deref(),
        Some("not_an_event")
    );
}

// ---- §4.1, §4.2, §6 HTTP ----------------------------------------------------------------------------

async fn body_limit_413_at_3mb_and_1_5mb_passes(backend: TestBackend) {
    let s = server(backend).await;
    let mut big = charge("ch_big", 1);
    big["metadata"] = json!({"padding": "x".repeat(3 * 1024 * 1024)});
    let (status, reply) = s.send(event("evt_3mb", "charge.failed", big)).await;
    assert_eq!(status, 413);
    assert_eq!(
        reply["error"],
        "the body is larger than the limit of 2097152 bytes"
    );
    assert!(s.deliveries().await.is_empty(), "nothing recorded for 413");

    let mut ok = charge("ch_ok", 1);
    ok["metadata"] = json!({"padding": "y".repeat(1536 * 1024)});
    let (status, _) = s.send(event("evt_1_5mb", "charge.failed", ok)).await;
    assert_eq!(status, 200);
    assert!(stored(&s, "evt_1_5mb").await);
}

async fn unknown_endpoint_404_get_405_disabled_404_trailing_slash_ok(backend: TestBackend) {
    let s = server(backend).await;
    let body = event("evt_http", "charge.failed", charge("c", 1)).into_bytes();
    let header = sign(&body, &s.secret, now());
    let unknown = format!("{}/webhooks/{}", s.base_url, uuid_like());
    let (status, text) = s.post_raw(&unknown, body.clone(), Some(&header)).await;
    assert_eq!((status, text.as_str()), (404, ""));
    let (status, _) = s
        .post_raw(
            &format!("{}/webhooks/not-a-uuid", s.base_url),
            body.clone(),
            Some(&header),
        )
        .await;
    assert_eq!(status, 404);
    assert!(s.deliveries().await.is_empty());

    let path = s.url().strip_prefix(&s.base_url).unwrap().to_owned();
    assert_eq!(s.get(&path).await.0, 405);

    let (status, _) = s
        .post_raw(&format!("{}/", s.url()), body.clone(), Some(&header))
        .await;
    assert_eq!(status, 200, "trailing slash accepted");

    s.runtime
        .endpoints()
        .set_enabled(s.endpoint.uuid, false)
        .await
        .unwrap();
    let (status, text) = s.post_raw(s.url(), body, Some(&header)).await;
    assert_eq!((status, text.as_str()), (404, ""));
    assert_eq!(s.deliveries().await.len(), 1);
}

fn uuid_like() -> &'static str {
    "3f1c2a9e-7b4d-4e2a-9c1f-0a1b2c3d4e5f"
}

async fn healthz_answers_200(backend: TestBackend) {
    let s = server(backend).await;
    assert_eq!(s.get("/healthz").await, (200, "ok\n".to_owned()));
}

// ---- secrets refused when stored ---------------------------------------------------------------------

#[tokio::test]
async fn bad_secrets_are_refused_by_add_local_with_a_reason() {
    use clap::Parser;
    use stripe_receiver::cli::{run, Cli};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    for (secret, reason) in [
        ("whsec_abc\n", "whitespace"),
        ("sk_test_51Habc", "starts with \"whsec_\""),
    ] {
        let cli = Cli::try_parse_from([
            "stripe-receiver",
            "--database-url",
            &url,
            "endpoints",
            "add-local",
            "--secret",
            secret,
        ])
        .unwrap();
        let err = run(cli, |b| b).await.unwrap_err().to_string();
        assert!(err.contains(reason), "{secret:?}: {err}");
        assert!(!err.contains("51Habc"), "the key is not echoed: {err}");
    }
    assert!(Secret::new("whsec_fine").is_ok());
}

both_backends!(
    valid_event_runs_every_matching_receiver_in_path_order_and_commits_once,
    sync_receiver_runs,
    reserialized_pretty_body_fails_and_original_bytes_pass,
    multibyte_utf8_verifies_and_is_stored_intact,
    invalid_utf8_with_a_good_signature_is_stored_and_answered_400,
    several_v1_signatures_in_any_order_and_v0_ignored,
    malformed_headers_fail,
    tolerance_300_is_inclusive_and_0_disables_it,
    missing_signature_header_is_400_and_stored_invalid,
    an_endpoint_without_a_usable_secret_answers_500,
    validation_none_accepts_unsigned_bodies,
    same_event_twice_runs_receivers_once_and_records_both_deliveries,
    same_id_different_body_is_a_conflict_and_runs_nothing,
    failed_first_attempt_leaves_nothing_and_the_retry_runs_in_full,
    a_panicking_receiver_gives_500_and_the_server_keeps_serving,
    a_hung_receiver_is_cancelled_at_the_processing_timeout,
    unknown_and_unhandled_types_are_stored,
    livemode_mismatch_is_stored_and_skipped,
    a_skipped_event_is_processed_by_the_first_endpoint_of_its_mode,
    envelope_variants_are_all_stored,
    a_verified_body_that_is_not_an_event_is_400,
    body_limit_413_at_3mb_and_1_5mb_passes,
    unknown_endpoint_404_get_405_disabled_404_trailing_slash_ok,
    healthz_answers_200,
);

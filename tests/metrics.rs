//! `GET /metrics` (issue 5): Prometheus text with exact counts after a known sequence of
//! deliveries of mixed outcomes, on both backends; off by default.
//!
//! Every runtime owns its registry, so the servers of parallel tests count apart.

use serde_json::json;
use stripe_receiver::prelude::*;
use stripe_receiver::signature::testing::sign;
use stripe_receiver::signature::Secret;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{event, TestBackend, TestServer};

/// Fails or panics on request (`metadata.fail` / `metadata.panic`).
#[stripe_receiver("balance.available")]
fn maybe_fail(event: &Event) -> Result<(), BoxError> {
    let metadata = &event.data.object["metadata"];
    if metadata["panic"] == "true" {
        panic!("receiver panicking on purpose");
    }
    if metadata["fail"] == "true" {
        return Err("receiver failing on purpose".into());
    }
    Ok(())
}

/// A `balance.available` event (no object id: no built-in sync touches it).
fn balance(id: &str, metadata: serde_json::Value) -> String {
    event(
        id,
        "balance.available",
        json!({"object": "balance", "livemode": false, "metadata": metadata}),
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn ten_deliveries_of_mixed_outcomes_are_counted_exactly(backend: TestBackend) {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            b.config_mut().metrics = true;
            b
        },
        |e| e,
    )
    .await;
    let first = balance("evt_m1", json!({}));
    let mut statuses = Vec::new();
    // 1, 2: processed
    statuses.push(s.send(first.clone()).await.0);
    statuses.push(s.send(balance("evt_m2", json!({}))).await.0);
    // 3: duplicate; 4: conflict (same id, other content)
    statuses.push(s.send(first.clone()).await.0);
    statuses.push(s.send(balance("evt_m1", json!({"changed": "yes"}))).await.0);
    // 5, 6, 7: invalid — wrong secret, no header, stale timestamp
    let body = balance("evt_m_bad", json!({})).into_bytes();
    let wrong = sign(&body, &Secret::generate(), now());
    statuses.push(s.post_raw(s.url(), body.clone(), Some(&wrong)).await.0);
    statuses.push(s.post_raw(s.url(), body.clone(), None).await.0);
    let stale = sign(&body, &s.secret, now() - 3600);
    statuses.push(s.post_raw(s.url(), body, Some(&stale)).await.0);
    // 8, 9: failed — receiver error, receiver panic
    statuses.push(s.send(balance("evt_m3", json!({"fail": "true"}))).await.0);
    statuses.push(s.send(balance("evt_m4", json!({"panic": "true"}))).await.0);
    // 10: skipped — a live-mode event on this test-mode endpoint
    let live = balance("evt_m5", json!({})).replace("\"livemode\":false", "\"livemode\":true");
    statuses.push(s.send(live).await.0);
    assert_eq!(statuses, [200, 200, 200, 200, 400, 400, 400, 500, 500, 200]);

    let (status, text) = s.get("/metrics").await;
    assert_eq!(status, 200);
    let expected = [
        "stripe_receiver_deliveries_total{outcome=\"processed\"} 2",
        "stripe_receiver_deliveries_total{outcome=\"duplicate\"} 1",
        "stripe_receiver_deliveries_total{outcome=\"conflict\"} 1",
        "stripe_receiver_deliveries_total{outcome=\"invalid\"} 3",
        "stripe_receiver_deliveries_total{outcome=\"failed\"} 2",
        "stripe_receiver_deliveries_total{outcome=\"skipped\"} 1",
        "stripe_receiver_events_total{event_type=\"balance.available\",outcome=\"processed\"} 2",
        "stripe_receiver_events_total{event_type=\"balance.available\",outcome=\"duplicate\"} 1",
        "stripe_receiver_events_total{event_type=\"balance.available\",outcome=\"conflict\"} 1",
        "stripe_receiver_events_total{event_type=\"balance.available\",outcome=\"failed\"} 2",
        "stripe_receiver_events_total{event_type=\"balance.available\",outcome=\"skipped\"} 1",
        "stripe_receiver_validation_failures_total{class=\"no_matching_signature\"} 1",
        "stripe_receiver_validation_failures_total{class=\"missing_header\"} 1",
        "stripe_receiver_validation_failures_total{class=\"timestamp_outside_tolerance\"} 1",
        "stripe_receiver_validation_failures_total{class=\"malformed_header\"} 0",
        "stripe_receiver_receiver_failures_total{class=\"receiver_error\",receiver=\"metrics::maybe_fail\"} 1",
        "stripe_receiver_receiver_failures_total{class=\"receiver_panic\",receiver=\"metrics::maybe_fail\"} 1",
        "stripe_receiver_receiver_duration_seconds_count{receiver=\"metrics::maybe_fail\"} 4",
        "stripe_receiver_processing_duration_seconds_count 10",
        "# TYPE stripe_receiver_processing_duration_seconds histogram",
        "# TYPE stripe_receiver_deliveries_total counter",
    ];
    for line in expected {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in /metrics:\n{text}"
        );
    }
    // Nothing else was counted under these names: the totals add up to the ten deliveries.
    let total: u64 = text
        .lines()
        .filter(|l| l.starts_with("stripe_receiver_deliveries_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 10);
}

async fn metrics_are_off_by_default(backend: TestBackend) {
    let s = TestServer::start(backend).await;
    let (status, _) = s.get("/metrics").await;
    assert_eq!(status, 404);
    assert!(s.runtime.metrics().is_none());
}

both_backends!(
    ten_deliveries_of_mixed_outcomes_are_counted_exactly,
    metrics_are_off_by_default,
);

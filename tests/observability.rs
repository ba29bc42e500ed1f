//! Tracing (issue 5): one span per delivery with endpoint, delivery id, event id, event type and
//! outcome; one child span per receiver with its path and duration; and no signing secret or
//! API key in any log line, whatever is logged at any level.
//!
//! This binary installs a global subscriber that captures everything (level TRACE, span close
//! events included) into memory; its one test then greps the captured text.

use serde_json::json;
use sha2::{Digest, Sha256};
use stripe_receiver::hooks::WebhookDelivery;
use stripe_receiver::prelude::*;
use stripe_receiver::signature::testing::sign;
use stripe_receiver::signature::Secret;
use stripe_receiver::ApiKey;
use stripe_receiver_workspace::harness::{event, postgres_url, TestBackend, TestServer};
use stripe_receiver_workspace::log_capture::LogCapture;

const API_KEY: &str = "sk_test_51ObservabilityKeyThatMustNeverBeLogged";

/// Logs what a careless application would: the key itself, through `Debug` and `Display`.
#[stripe_hook(webhook_pre_validate)]
fn careless_logging(delivery: &WebhookDelivery<'_>, api_key: Option<&ApiKey>) {
    tracing::info!(delivery = %delivery.id(), ?api_key, "pre_validate hook sees the key");
    if let Some(key) = api_key {
        tracing::warn!("key in Display form: {key}");
    }
}

#[stripe_receiver("balance.available")]
fn traced_receiver(event: &Event) -> Result<(), BoxError> {
    tracing::debug!(event = %event.id, "inside the receiver");
    if event.data.object["metadata"]["fail"] == "true" {
        return Err("failing on purpose".into());
    }
    Ok(())
}

fn balance(id: &str, fail: bool) -> String {
    let metadata = if fail {
        json!({"fail": "true"})
    } else {
        json!({})
    };
    event(
        id,
        "balance.available",
        json!({"object": "balance", "metadata": metadata}),
    )
}

async fn exercise(backend: TestBackend, logs: &LogCapture) {
    let s = TestServer::start_with(
        backend,
        |mut b| {
            b.config_mut().stripe_test_secret_key = Some(ApiKey::parse_test(API_KEY).unwrap());
            b
        },
        |e| e,
    )
    .await;
    let secret = s.secret.expose().to_owned();
    s.runtime.log_receivers();
    tracing::info!(config = ?s.runtime.config(), secret = ?s.secret, endpoint = ?s.endpoint, "the whole setup, as Debug");

    let (status, ok) = s.send(balance("evt_obs_ok", false)).await;
    assert_eq!(status, 200, "{ok}");
    let (status, failed) = s.send(balance("evt_obs_fail", true)).await;
    assert_eq!(status, 500, "{failed}");
    let body = balance("evt_obs_bad", false).into_bytes();
    let wrong = sign(&body, &Secret::generate(), chrono_now());
    let refused = format!(
        "body_bytes={} body_sha256={}",
        body.len(),
        hex::encode(Sha256::digest(&body))
    );
    let body_text = String::from_utf8(body.clone()).unwrap();
    let (status, _) = s.post_raw(s.url(), body, Some(&wrong)).await;
    assert_eq!(status, 400);

    let text = logs.text();
    assert!(
        text.lines()
            .any(|l| l.contains("delivery failed validation")
                && l.contains("class=\"no_matching_signature\"")
                && l.contains(&refused)),
        "the refused signature is logged with the body's length and hash ({refused})"
    );
    assert!(
        !text.contains(&body_text),
        "the refused body reached the logs"
    );
    assert!(!text.contains(API_KEY), "the API key reached the logs");
    assert!(
        !text.contains(&secret),
        "the signing secret reached the logs"
    );
    assert!(
        !text.contains("ObservabilityKey"),
        "part of the API key reached the logs"
    );
    assert!(
        text.contains("[redacted test API key]") && text.contains("ApiKey(test, redacted)"),
        "the hook's log lines are captured (so the greps above could have failed)"
    );

    // The delivery's span, closed, with every field.
    let endpoint = s.endpoint.uuid.to_string();
    let delivery = ok["delivery"].as_str().unwrap();
    let webhook_span = format!(
        "webhook{{endpoint={endpoint} delivery={delivery} event_id=\"evt_obs_ok\" event_type=\"balance.available\" outcome=\"processed\"}}"
    );
    let receiver_span = "receiver{path=\"observability::traced_receiver\" duration_us=";
    let of_delivery: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(&format!("delivery={delivery}")))
        .collect();
    assert!(
        of_delivery
            .iter()
            .any(|l| l.contains(receiver_span) && l.ends_with_close()),
        "no closed receiver span with path and duration in:\n{}",
        of_delivery.join("\n")
    );
    assert!(
        of_delivery.iter().any(|l| l.contains(&format!(
            "{webhook_span}: stripe_receiver::http::webhook: close"
        ))),
        "no closed webhook span carrying every field ({webhook_span}) in:\n{}",
        of_delivery.join("\n")
    );
    let failed_delivery = failed["delivery"].as_str().unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains(&format!("delivery={failed_delivery}"))
                && l.contains("outcome=\"failed\"")),
        "the failed delivery's span records its outcome"
    );
}

trait CloseLine {
    fn ends_with_close(&self) -> bool;
}

impl CloseLine for &str {
    fn ends_with_close(&self) -> bool {
        self.contains(": close time.busy=")
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_carry_the_fields_and_no_secret_is_ever_logged() {
    let logs = LogCapture::install(tracing::Level::TRACE);
    exercise(TestBackend::Sqlite, logs).await;
    if postgres_url().is_some() {
        exercise(TestBackend::Postgres, logs).await;
    }
}

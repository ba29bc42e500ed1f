//! End to end against localstripe (PyPI `localstripe`, GPL; run as an outside process, never
//! copied): a fake Stripe server that sends real signed webhooks and serves `/v1/events/{id}`.
//!
//! Runs when `STRIPE_RECEIVER_LOCALSTRIPE` names the `localstripe` executable (`.ci/run` makes a
//! venv from `tests/localstripe/requirements.txt` and sets it); otherwise prints a SKIPPED line
//! straight to stderr and passes, and `.ci/run` fails on that line.
//!
//! What localstripe supports, found by experiment with the pinned version: `POST
//! /_config/webhooks/<name>` with JSON `{"url", "secret", "events": [...]}` registers a webhook;
//! each event is POSTed to every registered webhook whose `events` list has its type, about 1 s
//! after the API call, signed `t=<event.created>,v1=<HMAC-SHA256 of "t.body">` as Stripe does;
//! `GET /v1/events/{id}` answers the event (404 for an unknown id) to any `sk_...` key. It has no
//! `Stripe-Account` (Connect) support and renders events at API version `2017-08-15`, so the
//! Connect half of `retrieve_event` is covered by `tests/retrieve_event.rs` only.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use stripe_receiver::delivery::Outcome;
use stripe_receiver::endpoint::{NewEndpoint, ValidationMode};
use stripe_receiver::signature::Secret;
use stripe_receiver::store::{endpoints, events};
use stripe_receiver::stripe_api::{ApiSettings, BUNDLED_API_VERSION};
use stripe_receiver::ApiKey;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{TestBackend, TestServer};

/// The variable naming the localstripe executable.
const LOCALSTRIPE_ENV: &str = "STRIPE_RECEIVER_LOCALSTRIPE";

/// The key sent to localstripe (it takes any `sk_...`).
const KEY: &str = "sk_test_localstripe";

/// A running localstripe, killed when dropped; its stderr (the access log) goes to a file.
struct LocalStripe {
    base: String,
    child: tokio::process::Child,
    log: tempfile::NamedTempFile,
    http: reqwest::Client,
}

impl LocalStripe {
    /// Starts `exe` on a free port and waits (at most 30 s) until it answers.
    async fn start(exe: &str) -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().unwrap().port()
        };
        let log = tempfile::NamedTempFile::new().unwrap();
        let child = tokio::process::Command::new(exe)
            .args(["--port", &port.to_string(), "--from-scratch"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{LOCALSTRIPE_ENV}={exe}: cannot start it: {e}"));
        let this = Self {
            base: format!("http://127.0.0.1:{port}"),
            child,
            log,
            http: reqwest::Client::new(),
        };
        let started = std::time::Instant::now();
        loop {
            let answer = this
                .http
                .get(format!("{}/v1/customers", this.base))
                .bearer_auth(KEY)
                .send()
                .await;
            if answer.is_ok_and(|r| r.status() == 200) {
                return this;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "localstripe did not answer on {} within 30 s; its log:\n{}",
                this.base,
                this.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Registers webhook `name` for `events`, to `url`, signed with `secret`.
    async fn webhook(&self, name: &str, url: &str, secret: &Secret, events: &[&str]) {
        let answer = self
            .http
            .post(format!("{}/_config/webhooks/{name}", self.base))
            .header("content-type", "application/json")
            .body(json!({"url": url, "secret": secret.expose(), "events": events}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    }

    /// A form-encoded API call; the JSON answer.
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let answer = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(KEY)
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        serde_json::from_str(&answer.text().await.unwrap()).unwrap()
    }

    /// The id of the newest event of `event_type`.
    async fn newest_event(&self, event_type: &str) -> String {
        let answer = self
            .http
            .get(format!("{}/v1/events", self.base))
            .bearer_auth(KEY)
            .query(&[("type", event_type)])
            .send()
            .await
            .unwrap();
        let list: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
        list["data"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no {event_type} event in localstripe: {list}"))
            .to_owned()
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// The localstripe executable, or `None` after a SKIPPED line on stderr (past libtest's
/// capture, once per binary).
fn localstripe_exe() -> Option<String> {
    static NOTICE: std::sync::Once = std::sync::Once::new();
    match std::env::var(LOCALSTRIPE_ENV) {
        Ok(exe) if !exe.trim().is_empty() => Some(exe),
        _ => {
            NOTICE.call_once(|| {
                let _ = std::io::stderr().write_all(
                    format!(
                        "localstripe: {LOCALSTRIPE_ENV} is not set; the localstripe end-to-end \
                         test was SKIPPED (README, \"The two commands\", says how to run it)\n"
                    )
                    .as_bytes(),
                );
            });
            None
        }
    }
}

/// Waits (at most 15 s; localstripe sends about 1 s after the call) until `event_id` is stored.
async fn stored(s: &TestServer, event_id: &str, ls: &LocalStripe) -> events::StoredEvent {
    let started = std::time::Instant::now();
    loop {
        if let Some(event) = events::get(s.db(), event_id).await.unwrap() {
            return event;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "event {event_id} was not stored within 15 s; deliveries: {:?}\nlocalstripe's log:\n{}",
            s.deliveries()
                .await
                .iter()
                .map(|d| (d.outcome, d.error.clone(), d.error_detail.clone()))
                .collect::<Vec<_>>(),
            ls.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn localstripe_webhooks_verify_and_retrieve(backend: TestBackend) {
    let Some(exe) = localstripe_exe() else {
        return;
    };
    let ls = LocalStripe::start(&exe).await;
    let settings = ApiSettings {
        base: ls.base.clone(),
        version: BUNDLED_API_VERSION.to_owned(),
        test_key: Some(ApiKey::parse(KEY).unwrap()),
        live_key: None,
        rate_limit: 100,
        max_retries: 2,
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        timeout: Duration::from_secs(10),
    };
    // The harness's endpoint: verify_signature, with the secret localstripe signs with.
    let s = TestServer::start_with(backend, move |b| b.stripe_api_settings(settings), |e| e).await;
    assert_eq!(s.endpoint.validation, ValidationMode::VerifySignature);
    // A second endpoint: retrieve_event.
    let retrieve_secret = Secret::generate();
    let mut new = NewEndpoint::local(s.base_url.clone(), retrieve_secret.clone());
    new.validation = ValidationMode::RetrieveEvent;
    let retrieving = endpoints::create(s.db(), new).await.unwrap();

    // customer.created goes to the verifying endpoint, customer.updated to the retrieving one.
    ls.webhook("verify", s.url(), &s.secret, &["customer.created"])
        .await;
    ls.webhook(
        "retrieve",
        &retrieving.url,
        &retrieve_secret,
        &["customer.updated"],
    )
    .await;

    // (a) verify_signature: localstripe's signed delivery is verified, stored and synced.
    let customer = ls
        .post(
            "/v1/customers",
            &[("name", "Jenny Rosen"), ("email", "jenny@example.com")],
        )
        .await;
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let created_id = ls.newest_event("customer.created").await;
    let created = stored(&s, &created_id, &ls).await;
    assert_eq!(created.type_, "customer.created");
    assert_eq!(created.data["object"]["id"], customer_id.as_str());
    assert_eq!(created.data["object"]["name"], "Jenny Rosen");
    assert!(!created.livemode);
    let synced = s
        .scalar(&format!(
            "SELECT COUNT(*) FROM stripe_customers WHERE id = '{customer_id}'"
        ))
        .await;
    assert_eq!(synced, 1);
    let verified: Vec<_> = s
        .deliveries()
        .await
        .into_iter()
        .filter(|d| d.event_id.as_deref() == Some(created_id.as_str()))
        .collect();
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].endpoint_uuid, s.endpoint.uuid);
    assert_eq!(verified[0].outcome, Outcome::Processed);
    assert!(verified[0].valid);
    assert!(
        verified[0].headers.to_string().contains("t="),
        "localstripe signed the delivery: {}",
        verified[0].headers
    );

    // (b) retrieve_event: the delivered event is fetched from localstripe's /v1/events/{id}.
    ls.post(
        &format!("/v1/customers/{customer_id}"),
        &[("name", "Jenny Updated")],
    )
    .await;
    let updated_id = ls.newest_event("customer.updated").await;
    let updated = stored(&s, &updated_id, &ls).await;
    assert_eq!(updated.type_, "customer.updated");
    assert_eq!(updated.data["object"]["name"], "Jenny Updated");
    let retrieved: Vec<_> = s
        .deliveries()
        .await
        .into_iter()
        .filter(|d| d.event_id.as_deref() == Some(updated_id.as_str()))
        .collect();
    assert_eq!(retrieved.len(), 1);
    assert_eq!(retrieved[0].endpoint_uuid, retrieving.uuid);
    assert_eq!(retrieved[0].outcome, Outcome::Processed);
    let fetch = format!("GET /v1/events/{updated_id} ");
    assert!(
        ls.log().contains(&fetch),
        "localstripe's log has no {fetch:?}:\n{}",
        ls.log()
    );
    // The verifying endpoint's event was never fetched.
    assert!(!ls.log().contains(&format!("GET /v1/events/{created_id} ")));
}

both_backends!(localstripe_webhooks_verify_and_retrieve);

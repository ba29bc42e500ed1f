//! The `stripe-receiver` binary end to end: every command this build has (README, "CLI"),
//! against a scratch SQLite file, with `serve` running as a child process on 127.0.0.1.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_stripe-receiver");

struct Env {
    dir: tempfile::TempDir,
    port: u16,
    /// Variables every command runs with (besides the database and listen address).
    vars: Vec<(&'static str, String)>,
}

impl Env {
    fn new() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self {
            dir: tempfile::tempdir().unwrap(),
            port,
            vars: Vec::new(),
        }
    }

    /// Every command runs with `name=value` from now on.
    fn var(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.vars.push((name, value.into()));
        self
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", self.dir.path().join("cli.db").display()),
            )
            .env("STRIPE_RECEIVER_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("RUST_LOG", "warn")
            .env_remove("STRIPE_WEBHOOK_SECRET")
            .env_remove("STRIPE_LIVE_SECRET_KEY")
            .env_remove("STRIPE_API_VERSION")
            .envs(self.vars.iter().map(|(k, v)| (k, v)));
        c
    }

    /// `send FILE --url URL --secret SECRET`: signs the event file and posts it.
    fn send(&self, file: &str, url: &str, secret: &str) -> Output {
        self.run(&["send", file, "--url", url, "--secret", secret])
    }

    /// Runs a command that must fail, saying `says` on standard error.
    fn refused(&self, args: &[&str], says: &str) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run the binary")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("one JSON document on stdout")
    }

    fn serve(&self) -> Child {
        let child = self
            .cmd(&["serve"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "serve did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        child
    }
}

fn write_event(dir: &Path, id: &str) -> String {
    let path = dir.join(format!("{id}.json"));
    let body = format!(
        r#"{{
  "id": "{id}",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1732870820,
  "data": {{"object": {{"id": "ch_cli", "object": "charge", "amount": 500, "currency": "usd"}}}},
  "livemode": false,
  "pending_webhooks": 1,
  "request": {{"id": null, "idempotency_key": null}},
  "type": "charge.succeeded"
}}"#
    );
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

#[test]
fn every_command_end_to_end() {
    let env = Env::new();
    assert!(env.ok(&["migrate"]).is_empty());

    // endpoints add-local / list / show
    let base = format!("http://127.0.0.1:{}", env.port);
    let created = env.json(&["endpoints", "add-local", "--base-url", &base, "--json"]);
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    let url = created["url"].as_str().unwrap().to_owned();
    let secret = created["secrets"][0]["secret"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{base}/webhooks/{uuid}"));
    assert!(
        secret.starts_with("whsec_") && secret.len() == 38,
        "{secret}"
    );

    let list = env.json(&["endpoints", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["uuid"], uuid.as_str());
    let shown = env.json(&["endpoints", "show", &uuid, "--json"]);
    assert_eq!(shown["secrets"][0]["secret"], "whsec_…(redacted)");
    assert_eq!(shown["tolerance_secs"], 300);
    let revealed = env.json(&["endpoints", "show", &uuid, "--reveal-secrets", "--json"]);
    assert_eq!(revealed["secrets"][0]["secret"], secret.as_str());
    let text = env.ok(&["endpoints", "list"]);
    assert!(text.contains(&uuid) && text.contains("enabled"), "{text}");

    // A refused secret names the reason.
    let bad = env.run(&["endpoints", "add-local", "--secret", "sk_test_123"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("whsec_"));

    // serve + send
    let mut server = env.serve();
    let file = write_event(env.dir.path(), "evt_cli_1");
    let first = env.ok(&["send", &file, "--url", &url, "--secret", &secret]);
    let mut lines = first.lines();
    assert_eq!(lines.next(), Some("200"));
    let reply: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(reply["outcome"], "processed");
    let again = env.ok(&["send", &file, "--url", &url, "--secret", &secret]);
    assert!(again.contains("\"duplicate\""), "{again}");

    // A wrong secret: 400, exit status 2, and the delivery is recorded as invalid.
    let wrong = env.run(&["send", &file, "--url", &url, "--secret", "whsec_wrong"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stdout).starts_with("400"));

    // From standard input, with an explicit stale timestamp: refused as outside the tolerance.
    let mut stale = env
        .cmd(&[
            "send",
            "-",
            "--url",
            &url,
            "--secret",
            &secret,
            "--timestamp",
            "1000",
        ])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(stale.status.code(), Some(2));
    stale.stdout.truncate(3);
    assert_eq!(stale.stdout, b"400");

    // deliveries / events
    let deliveries = env.json(&["deliveries", "list", "--json"]);
    let outcomes: Vec<&str> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["invalid", "invalid", "duplicate", "processed"]);
    assert_eq!(deliveries[0]["error"], "timestamp_outside_tolerance");
    assert_eq!(deliveries[1]["error"], "no_matching_signature");
    assert!(env
        .json(&["deliveries", "list", "--failed", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    let text = env.ok(&["deliveries", "list"]);
    assert!(text.contains("no_matching_signature"), "{text}");
    let events = env.json(&["events", "list", "--json"]);
    assert_eq!(events.as_array().unwrap().len(), 1);
    assert_eq!(events[0]["id"], "evt_cli_1");
    assert_eq!(
        env.json(&["events", "list", "--type", "invoice.paid", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let shown = env.json(&["events", "show", "evt_cli_1"]);
    assert_eq!(shown["type"], "charge.succeeded");
    assert_eq!(shown["data"]["object"]["amount"], 500);
    assert!(!env.run(&["events", "show", "evt_missing"]).status.success());

    // receivers: the shipped binary links none of yours; --builtin adds the object sync.
    assert_eq!(env.json(&["receivers", "--json"]), serde_json::json!([]));
    let builtins = env.json(&["receivers", "--json", "--builtin"]);
    let builtins = builtins.as_array().unwrap();
    assert_eq!(builtins.len(), 24);
    assert!(
        builtins.iter().all(|r| r["builtin"] == true),
        "{builtins:?}"
    );

    // objects: the charge of the event sent above was synced by the built-in receiver.
    let charges = env.json(&["objects", "list", "--type", "charge", "--json"]);
    assert_eq!(charges.as_array().unwrap().len(), 1, "{charges}");
    assert_eq!(charges[0]["id"], "ch_cli");
    assert_eq!(charges[0]["table"], "stripe_charges");
    let shown = env.json(&["objects", "show", "ch_cli"]);
    assert_eq!(
        (shown["data"]["amount"].as_i64(), shown["event_id"].as_str()),
        (Some(500), Some("evt_cli_1"))
    );
    assert!(env
        .ok(&["objects", "list", "--type", "charges"])
        .contains("ch_cli"));
    assert!(!env
        .run(&["objects", "list", "--type", "widget"])
        .status
        .success());
    assert!(!env.run(&["objects", "show", "ch_missing"]).status.success());
    let resynced = env.json(&["objects", "resync", "evt_cli_1", "--json"]);
    assert_eq!(resynced[0]["table"], "stripe_charges");

    // endpoints disable: the URL answers 404 from now on.
    env.ok(&["endpoints", "disable", &uuid]);
    let gone = env.run(&["send", &file, "--url", &url, "--secret", &secret]);
    assert!(String::from_utf8_lossy(&gone.stdout).starts_with("404"));

    // endpoints enable: served again (the event is already stored: a duplicate).
    env.ok(&["endpoints", "enable", &uuid]);
    let back = env.ok(&["send", &file, "--url", &url, "--secret", &secret]);
    assert!(
        back.starts_with("200") && back.contains("duplicate"),
        "{back}"
    );

    // endpoints roll-secret: the old secret stays valid until it expires, the new one works.
    let rolled = env.ok(&["endpoints", "roll-secret", &uuid]);
    let new_secret = rolled
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .unwrap()
        .to_owned();
    let file2 = write_event(env.dir.path(), "evt_cli_2");
    assert!(env
        .ok(&["send", &file2, "--url", &url, "--secret", &secret])
        .starts_with("200"));
    let file3 = write_event(env.dir.path(), "evt_cli_3");
    assert!(env
        .ok(&["send", &file3, "--url", &url, "--secret", &new_secret])
        .starts_with("200"));
    env.ok(&[
        "endpoints",
        "roll-secret",
        &uuid,
        "--secret",
        "whsec_third",
        "--expire-old-after",
        "0",
    ]);
    let file4 = write_event(env.dir.path(), "evt_cli_4");
    let retired = env.run(&["send", &file4, "--url", &url, "--secret", &new_secret]);
    assert!(String::from_utf8_lossy(&retired.stdout).starts_with("400"));
    assert!(env
        .ok(&["send", &file4, "--url", &url, "--secret", "whsec_third"])
        .starts_with("200"));

    // deliveries show --body: the exact bytes that were received.
    let newest = env.json(&["deliveries", "list", "--limit", "1", "--json"]);
    let id = newest[0]["id"].as_str().unwrap().to_owned();
    let raw = env.run(&["deliveries", "show", &id, "--body"]);
    assert_eq!(raw.stdout, std::fs::read(&file4).unwrap());
    let shown = env.json(&["deliveries", "show", &id]);
    assert_eq!(shown["outcome"], "processed");
    assert_eq!(shown["event_id"], "evt_cli_4");

    // Graceful shutdown on SIGINT (Ctrl-C): exit status 0.
    let killed = Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "serve exited with {status}");
}

/// Endpoints on Stripe through the binary (README, "Endpoints on Stripe"), against the in-repo
/// Stripe API test server: the new user's check of issue 13 first — `STRIPE_API_BASE=<test
/// server> stripe-receiver endpoints create --base-url https://shop.example.com --json` prints
/// uuid, url and Stripe id, and a delivery signed with the stored secret is processed — then
/// the refusals, update, roll-secret, sync and delete.
#[test]
fn endpoints_on_stripe() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Started on the runtime: it keeps serving on its worker while the test runs the binary.
    let stripe = runtime.block_on(stripe_api_test_server::TestServer::start());
    let test = stripe_api_test_server::Scope::test();
    let env = Env::new()
        .var("STRIPE_API_BASE", stripe.base_url())
        .var("STRIPE_TEST_SECRET_KEY", "sk_test_cli123");
    let ok = |args: &[&str]| env.ok(args);
    let json = |args: &[&str]| env.json(args);
    let refused = |args: &[&str], says: &str| env.refused(args, says);

    // The new user's check.
    let created = json(&[
        "endpoints",
        "create",
        "--base-url",
        "https://shop.example.com",
        "--json",
    ]);
    let uuid = created["uuid"].as_str().unwrap().to_owned();
    let stripe_id = created["stripe_id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["url"],
        format!("https://shop.example.com/webhooks/{uuid}").as_str()
    );
    assert!(stripe_id.starts_with("we_"), "{created}");
    assert_eq!(created["secrets"][0]["secret"], "whsec_…(redacted)");
    let on_stripe = stripe.webhook_endpoints(&test);
    assert_eq!(on_stripe.len(), 1);
    assert_eq!(on_stripe[0]["id"], stripe_id.as_str());
    let requests = stripe.requests();
    assert_eq!(requests.len(), 1);
    let form = &requests[0].form;
    let has = |k: &str, v: &str| form.iter().any(|(a, b)| a == k && b == v);
    assert!(has("url", created["url"].as_str().unwrap()), "{form:?}");
    assert!(has("api_version", "2026-10-28.endive"), "{form:?}");
    assert!(has("metadata[stripe_receiver_uuid]", &uuid), "{form:?}");
    // The shipped binary links no receiver of yours: the built-in sync's types, expanded.
    for t in [
        "charge.succeeded",
        "customer.subscription.updated",
        "invoice.paid",
    ] {
        assert!(has("enabled_events[]", t), "{t}: {form:?}");
    }
    assert!(!has("enabled_events[]", "*"));
    assert!(!form.iter().any(|(k, _)| k == "connect"));

    let mut server = env.serve();
    let secret = json(&["endpoints", "show", &uuid, "--reveal-secrets", "--json"])["secrets"][0]
        ["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let local_url = format!("http://127.0.0.1:{}/webhooks/{uuid}", env.port);
    let file = write_event(env.dir.path(), "evt_stripe_1");
    let sent = String::from_utf8(env.send(&file, &local_url, &secret).stdout).unwrap();
    assert!(
        sent.starts_with("200") && sent.contains("processed"),
        "{sent}"
    );
    assert_eq!(
        json(&["events", "show", "evt_stripe_1"])["type"],
        "charge.succeeded"
    );

    // Refused before any request: a base URL Stripe cannot reach, pointing to add-local.
    stripe.clear_requests();
    for base in [
        "https://127.1",
        "https://[::1]",
        "http://shop.example.com",
        "https://10.0.0.1",
    ] {
        refused(
            &["endpoints", "create", "--base-url", base, "--json"],
            "stripe-receiver endpoints add-local",
        );
    }
    refused(
        &[
            "endpoints",
            "create",
            "--base-url",
            "https://shop.example.com",
            "--enabled-events",
            "charge.succeded",
        ],
        "not in Stripe's list",
    );
    // Live mode without its key.
    refused(
        &[
            "endpoints",
            "create",
            "--base-url",
            "https://shop.example.com",
            "--livemode",
        ],
        "STRIPE_LIVE_SECRET_KEY",
    );
    assert!(stripe.requests().is_empty(), "{:?}", stripe.requests());
    // Stripe refuses: its message, nothing stored.
    refused(
        &[
            "endpoints",
            "create",
            "--base-url",
            "https://shop.example.com",
            "--api-version",
            "bogus",
        ],
        "'bogus' is not an API version",
    );
    assert_eq!(
        json(&["endpoints", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(stripe.webhook_endpoints(&test).len(), 1);

    // update / disable / enable go to Stripe.
    let updated = json(&[
        "endpoints",
        "update",
        &uuid,
        "--enabled-events",
        "charge.dispute.*,invoice.paid",
        "--json",
    ]);
    let events = updated["enabled_events"].as_array().unwrap();
    assert!(events.len() >= 5 && events.contains(&Value::from("charge.dispute.created")));
    ok(&["endpoints", "disable", &uuid]);
    assert_eq!(stripe.webhook_endpoints(&test)[0]["status"], "disabled");
    assert!(ok(&["endpoints", "list"]).contains("disabled"));
    ok(&["endpoints", "enable", &uuid]);
    assert_eq!(stripe.webhook_endpoints(&test)[0]["status"], "enabled");

    // roll-secret: Stripe's API cannot roll it; the Dashboard's new secret is taken.
    refused(&["endpoints", "roll-secret", &uuid], "Dashboard");
    let rolled = ok(&[
        "endpoints",
        "roll-secret",
        &uuid,
        "--secret",
        "whsec_fromdashboard",
    ]);
    assert!(rolled.contains("secret: whsec_fromdashboard"), "{rolled}");
    let file2 = write_event(env.dir.path(), "evt_stripe_2");
    let sent =
        String::from_utf8(env.send(&file2, &local_url, "whsec_fromdashboard").stdout).unwrap();
    assert!(sent.starts_with("200"), "{sent}");

    // sync: in line with Stripe.
    let report = json(&["endpoints", "sync", "--json"]);
    assert_eq!(report["matched"][0]["uuid"], uuid.as_str());
    assert_eq!(report["matched"][0]["changed"], serde_json::json!([]));
    assert_eq!(report["unknown_on_stripe"], serde_json::json!([]));

    // delete: on Stripe, and here a tombstone for the deliveries it has.
    let deleted = json(&["endpoints", "delete", &uuid, "--json"]);
    assert_eq!(deleted["on_stripe"], "deleted");
    assert_eq!(deleted["local"], "kept_for_deliveries");
    assert!(stripe.webhook_endpoints(&test).is_empty());
    let list = ok(&["endpoints", "list"]);
    assert!(list.contains("deleted"), "{list}");
    let gone = env.send(&file2, &local_url, "whsec_fromdashboard");
    assert!(String::from_utf8_lossy(&gone.stdout).starts_with("404"));
    assert_eq!(
        json(&["deliveries", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2,
        "the delivery history is kept"
    );
    refused(&["endpoints", "enable", &uuid], "was deleted");

    // A local-only endpoint is deleted here alone.
    let local = json(&["endpoints", "add-local", "--json"]);
    let local_uuid = local["uuid"].as_str().unwrap();
    let deleted = json(&["endpoints", "delete", local_uuid, "--json"]);
    assert_eq!(deleted["on_stripe"], Value::Null);
    assert_eq!(deleted["local"], "removed");

    // Validation mode retrieve_event fetches events with the mode's key: needed at creation.
    let no_key = env
        .cmd(&["endpoints", "add-local", "--validation", "retrieve_event"])
        .env_remove("STRIPE_TEST_SECRET_KEY")
        .output()
        .unwrap();
    assert!(!no_key.status.success());
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("set STRIPE_TEST_SECRET_KEY"));
    let fetching = json(&[
        "endpoints",
        "add-local",
        "--validation",
        "retrieve_event",
        "--json",
    ]);
    assert_eq!(fetching["validation"], "retrieve_event");
    assert_eq!(fetching["refetch"], Value::Null);
    // So does re-fetching objects from Stripe.
    let no_key = env
        .cmd(&["endpoints", "add-local", "--endpoint-refetch", "ties"])
        .env_remove("STRIPE_TEST_SECRET_KEY")
        .output()
        .unwrap();
    assert!(!no_key.status.success());
    assert!(String::from_utf8_lossy(&no_key.stderr)
        .contains("--endpoint-refetch ties|always calls Stripe"));
    let refetching = json(&[
        "endpoints",
        "add-local",
        "--endpoint-refetch",
        "always",
        "--json",
    ]);
    assert_eq!(refetching["refetch"], "always");
    let shown = ok(&["endpoints", "show", refetching["uuid"].as_str().unwrap()]);
    assert!(shown.contains("refetch:         always"), "{shown}");
    refused(
        &["endpoints", "add-local", "--endpoint-refetch", "sometimes"],
        "sometimes",
    );

    let _ = Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status();
    let _ = server.wait();
}

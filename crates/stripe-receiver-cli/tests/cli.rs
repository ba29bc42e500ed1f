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
        }
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
            .env_remove("STRIPE_WEBHOOK_SECRET");
        c
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

//! The README's examples, compiled as they are written there and run on both backends: signed
//! events over real HTTP, the receivers' rows read back from the database.
//!
//! The receivers and hooks come from `tests/readme/*.rs`, each of which must appear in README.md
//! verbatim (`readme_holds_the_compiled_examples`), so the two cannot drift apart. What the
//! README leaves to the reader (its `Mailer`, its `Stats`) is defined here.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use stripe_receiver::delivery::Outcome;
use stripe_receiver::prelude::*;
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};

/// Each file of README code compiled below, with its text: README.md must contain the text.
const EXAMPLES: [(&str, &str); 3] = [
    (
        "tests/readme/writing_receivers.rs",
        include_str!("readme/writing_receivers.rs"),
    ),
    ("tests/readme/own_sql.rs", include_str!("readme/own_sql.rs")),
    (
        "tests/readme/lifecycle_hooks.rs",
        include_str!("readme/lifecycle_hooks.rs"),
    ),
];

/// "Writing receivers": the first example, without its `main`.
mod writing_receivers {
    use super::Mailer;
    include!("readme/writing_receivers.rs");
}

/// "Your own SQL on both backends".
mod own_sql {
    use stripe_receiver::prelude::*;
    include!("readme/own_sql.rs");
}

/// "Lifecycle hooks": an audit row per webhook, a count per failure.
mod lifecycle_hooks {
    use super::Stats;
    include!("readme/lifecycle_hooks.rs");
}

/// The README's mail service: remembers what it was asked to queue.
#[derive(Clone, Default)]
struct Mailer {
    queued: Arc<Mutex<Vec<String>>>,
}

impl Mailer {
    fn new() -> Self {
        Self::default()
    }

    async fn queue(&self, invoice: &str) -> Result<(), BoxError> {
        self.queued.lock().unwrap().push(invoice.to_owned());
        Ok(())
    }
}

/// The README's failure counter: remembers each failure's class.
#[derive(Clone, Default)]
struct Stats {
    classes: Arc<Mutex<Vec<String>>>,
}

impl Stats {
    fn failed(&self, class: &str) {
        self.classes.lock().unwrap().push(class.to_owned());
    }
}

/// Runs after the README's `on_charge_succeeded` (receivers run in path order) and fails when
/// the charge's metadata asks: with an error of its own, or with a portable query missing a
/// value. Either way the README receiver's insert must roll back.
#[stripe_receiver("charge.succeeded")]
async fn zz_fail_when_asked(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    match event.data.object["metadata"]["fail"].as_str() {
        Some("error") => Err("failing on purpose".into()),
        Some("missing_value") => {
            tx.query("INSERT INTO receipts (charge_id, amount) VALUES ($1, $2)")
                .bind("ch_never")
                .execute()
                .await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

#[test]
fn readme_holds_the_compiled_examples() {
    let readme = include_str!("../README.md");
    for (file, text) in EXAMPLES {
        assert!(
            readme.contains(text),
            "{file} is not in README.md verbatim: copy the README's code block into it (or the \
             other way round)"
        );
    }
}

struct Readme {
    server: TestServer,
    mailer: Mailer,
    stats: Stats,
}

/// A server with the README's state registered and its tables created, in DDL both backends
/// accept.
async fn readme_server(backend: TestBackend) -> Readme {
    let (mailer, stats) = (Mailer::new(), Stats::default());
    let state = (mailer.clone(), stats.clone());
    let server = TestServer::start_with(
        backend,
        move |runtime| runtime.state(state.0).state(state.1),
        |endpoint| endpoint,
    )
    .await;
    server
        .execute(
            "CREATE TABLE receipts (charge_id TEXT PRIMARY KEY, amount BIGINT NOT NULL, \
             refunded BOOLEAN NOT NULL DEFAULT FALSE, note TEXT)",
        )
        .await;
    server
        .execute(
            "CREATE TABLE audit (delivery_id TEXT NOT NULL, event_id TEXT NOT NULL, \
             outcome TEXT NOT NULL)",
        )
        .await;
    Readme {
        server,
        mailer,
        stats,
    }
}

/// Whether the webhook's reply lists `receiver` among the receivers that ran.
fn ran(reply: &Value, receiver: &str) -> bool {
    reply["receivers"]
        .as_array()
        .is_some_and(|receivers| receivers.contains(&json!(receiver)))
}

async fn the_first_example_records_the_receipt(backend: TestBackend) {
    let Readme { server: s, .. } = readme_server(backend).await;
    let (status, reply) = s
        .send(event(
            "evt_readme",
            "charge.succeeded",
            charge("ch_readme", 2_500),
        ))
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["outcome"], "processed");
    assert!(
        ran(
            &reply,
            "readme_examples::writing_receivers::on_charge_succeeded"
        ),
        "{reply}"
    );
    assert_eq!(s.scalar("SELECT COUNT(*) FROM receipts").await, 1);
    assert_eq!(
        s.scalar(
            "SELECT amount FROM receipts WHERE charge_id = 'ch_readme' AND NOT refunded \
             AND note IS NULL"
        )
        .await,
        2_500
    );
    // The README's post_process hook wrote its audit row in the same transaction.
    assert_eq!(
        s.scalar(
            "SELECT COUNT(*) FROM audit WHERE event_id = 'evt_readme' AND outcome = 'processed'"
        )
        .await,
        1
    );
}

async fn a_receiver_error_rolls_the_receipt_back(backend: TestBackend) {
    let Readme {
        server: s, stats, ..
    } = readme_server(backend).await;
    for (n, fail) in ["error", "missing_value"].into_iter().enumerate() {
        let mut object = charge(&format!("ch_fail_{n}"), 700);
        object["metadata"] = json!({ "fail": fail });
        let (status, reply) = s
            .send(event(&format!("evt_fail_{n}"), "charge.succeeded", object))
            .await;
        assert_eq!(status, 500, "{fail}: {reply}");
        assert_eq!(
            s.scalar("SELECT COUNT(*) FROM receipts").await,
            0,
            "{fail}: the README receiver's insert was not rolled back"
        );
        assert_eq!(s.scalar("SELECT COUNT(*) FROM audit").await, 0, "{fail}");
        assert_eq!(
            reply["failed_receiver"],
            "readme_examples::zz_fail_when_asked"
        );
        let delivery = &s.deliveries().await[0];
        assert_eq!(delivery.outcome, Outcome::Failed, "{fail}");
        assert_eq!(delivery.error.as_deref(), Some("receiver_error"), "{fail}");
        assert_eq!(
            delivery.event_id, None,
            "{fail}: the event row rolled back too"
        );
        let detail = delivery.error_detail.as_deref().unwrap_or_default();
        let expected = match (fail, backend) {
            ("error", _) => "failing on purpose",
            (_, TestBackend::Sqlite) => "2 placeholder(s) but 1 value(s) bound",
            // PostgreSQL's own words for a Bind message short of a value.
            _ => "bind message supplies 1 parameters, but prepared statement",
        };
        assert!(detail.contains(expected), "{fail}: {detail}");
    }
    // The README's processing_error hook counted both, after the rollbacks.
    assert_eq!(
        *stats.classes.lock().unwrap(),
        ["receiver_error", "receiver_error"]
    );
}

async fn the_refund_example_reads_back_what_it_wrote(backend: TestBackend) {
    let Readme { server: s, .. } = readme_server(backend).await;
    let (status, reply) = s
        .send(event(
            "evt_paid",
            "charge.succeeded",
            charge("ch_refund", 900),
        ))
        .await;
    assert_eq!(status, 200, "{reply}");
    let mut refunded = charge("ch_refund", 900);
    refunded["refunded"] = json!(true);
    let (status, reply) = s
        .send(event("evt_refunded", "charge.refunded", refunded))
        .await;
    assert_eq!(status, 200, "{reply}");
    assert!(
        ran(&reply, "readme_examples::own_sql::on_charge_refunded"),
        "{reply}"
    );
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM receipts WHERE charge_id = 'ch_refund' AND refunded")
            .await,
        1
    );
}

async fn the_other_receivers_of_the_first_example_run(backend: TestBackend) {
    let Readme {
        server: s, mailer, ..
    } = readme_server(backend).await;
    let invoice = json!({ "id": "in_readme", "object": "invoice", "metadata": {} });
    let (status, reply) = s.send(event("evt_invoice", "invoice.paid", invoice)).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(*mailer.queued.lock().unwrap(), ["in_readme"]);
    let customer = json!({ "id": "cus_readme", "object": "customer", "metadata": {} });
    let (status, reply) = s
        .send(event("evt_customer", "customer.created", customer))
        .await;
    assert_eq!(status, 200, "{reply}");
    assert!(
        ran(&reply, "readme_examples::writing_receivers::log_customer"),
        "{reply}"
    );
}

both_backends!(
    the_first_example_records_the_receipt,
    a_receiver_error_rolls_the_receipt_back,
    the_refund_example_reads_back_what_it_wrote,
    the_other_receivers_of_the_first_example_run,
);

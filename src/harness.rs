//! A server on a scratch SQLite file, listening on an ephemeral 127.0.0.1 port, with one local
//! endpoint — what every end-to-end test starts from.

use std::net::SocketAddr;

use serde_json::{json, Value};
use stripe_receiver::config::Config;
use stripe_receiver::db::Db;
use stripe_receiver::delivery::Delivery;
use stripe_receiver::endpoint::{Endpoint, NewEndpoint};
use stripe_receiver::sender::{SendResponse, Sender};
use stripe_receiver::signature::Secret;
use stripe_receiver::store::deliveries::{self, DeliveryFilter};
use stripe_receiver::store::endpoints;
use stripe_receiver::{Runtime, RuntimeBuilder};
use tokio::sync::oneshot;

/// A running server for one test. Dropping it stops the server and deletes the database.
pub struct TestServer {
    /// The started runtime (database, registry).
    pub runtime: Runtime,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// The endpoint created for the test.
    pub endpoint: Endpoint,
    /// Its signing secret.
    pub secret: Secret,
    /// A signing HTTP client.
    pub sender: Sender,
    http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server with default settings.
    pub async fn start() -> Self {
        Self::start_with(|b| b, |e| e).await
    }

    /// Starts a server; `configure` adjusts the runtime builder (state, config), `endpoint` the
    /// endpoint created for the test.
    pub async fn start_with(
        configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder,
        endpoint: impl FnOnce(NewEndpoint) -> NewEndpoint,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_path = dir.path().join("test.db");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr: SocketAddr = listener.local_addr().expect("local addr");
        let mut config = Config::from_env().expect("config");
        config.database_url = format!("sqlite://{}", db_path.display());
        config.listen = addr;
        let runtime = configure(Runtime::builder(config))
            .build()
            .await
            .expect("runtime starts");
        let base_url = format!("http://{addr}");
        let secret = Secret::generate();
        let new = endpoint(NewEndpoint::local(base_url.clone(), secret.clone()));
        let created = endpoints::create(runtime.db(), new)
            .await
            .expect("endpoint");
        let (tx, rx) = oneshot::channel::<()>();
        let serving = runtime.clone();
        tokio::spawn(async move {
            serving
                .serve(listener, async {
                    let _ = rx.await;
                })
                .await
                .expect("serve");
        });
        Self {
            runtime,
            base_url,
            endpoint: created,
            secret,
            sender: Sender::new(),
            http: reqwest::Client::new(),
            shutdown: Some(tx),
            _dir: dir,
        }
    }

    /// The endpoint's webhook URL.
    pub fn url(&self) -> &str {
        &self.endpoint.url
    }

    /// The database.
    pub fn db(&self) -> &Db {
        self.runtime.db()
    }

    /// Sends `body` signed now with the endpoint's secret; returns status and JSON body.
    pub async fn send(&self, body: impl Into<Vec<u8>>) -> (u16, Value) {
        self.send_at(body, None).await
    }

    /// Sends `body` signed at `timestamp` (Unix seconds).
    pub async fn send_at(&self, body: impl Into<Vec<u8>>, timestamp: Option<i64>) -> (u16, Value) {
        let SendResponse { status, body } = self
            .sender
            .send(self.url(), &self.secret, body.into(), timestamp)
            .await
            .expect("POST");
        (
            status,
            serde_json::from_str(&body).unwrap_or(Value::String(body)),
        )
    }

    /// POSTs `body` to `url` with the given `Stripe-Signature` header (or none).
    pub async fn post_raw(
        &self,
        url: &str,
        body: Vec<u8>,
        signature: Option<&str>,
    ) -> (u16, String) {
        let mut req = self.http.post(url).body(body);
        if let Some(sig) = signature {
            req = req.header("stripe-signature", sig);
        }
        let resp = req.send().await.expect("POST");
        (
            resp.status().as_u16(),
            resp.text().await.unwrap_or_default(),
        )
    }

    /// GETs a path under the base URL.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base_url))
            .send()
            .await
            .expect("GET");
        (
            resp.status().as_u16(),
            resp.text().await.unwrap_or_default(),
        )
    }

    /// Every delivery, newest first.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        deliveries::list(
            self.db(),
            &DeliveryFilter {
                limit: 10_000,
                ..DeliveryFilter::default()
            },
        )
        .await
        .expect("deliveries")
    }

    /// Runs a query returning one integer (e.g. a `COUNT(*)`).
    pub async fn scalar(&self, sql: &str) -> i64 {
        match self.db() {
            Db::Sqlite(db) => sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(db.reader())
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
            _ => unreachable!("only SQLite in this build"),
        }
    }

    /// Runs a statement on the writer (e.g. a test's own `CREATE TABLE`).
    pub async fn execute(&self, sql: &str) {
        match self.db() {
            Db::Sqlite(db) => {
                sqlx::raw_sql(sql)
                    .execute(db.writer())
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            _ => unreachable!("only SQLite in this build"),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A Stripe-shaped event body (compact JSON) with the given id, type and `data.object`.
pub fn event(id: &str, event_type: &str, object: Value) -> String {
    json!({
        "id": id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_700_000_000,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": "req_test", "idempotency_key": null },
        "type": event_type
    })
    .to_string()
}

/// A charge object in Stripe's shape.
pub fn charge(id: &str, amount: i64) -> Value {
    json!({
        "id": id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "currency": "usd",
        "customer": "cus_test",
        "livemode": false,
        "metadata": {},
        "paid": true,
        "status": "succeeded"
    })
}

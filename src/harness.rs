//! A server on a scratch database — a SQLite file, or a fresh PostgreSQL database — listening on
//! an ephemeral 127.0.0.1 port, with one local endpoint: what every end-to-end test starts from.
//!
//! End-to-end tests are written once, as `async fn name(backend: TestBackend)`, and run on both
//! backends by [`both_backends!`](crate::both_backends). The PostgreSQL half runs when
//! `STRIPE_RECEIVER_TEST_POSTGRES` holds a connection URL of a role that may create databases
//! (each test gets its own database, dropped afterwards); when it is unset, the half is skipped
//! and one line on stderr says so.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Once;

use serde_json::{json, Value};
use sqlx::Connection;
use stripe_receiver::config::{Config, GroupCommit};
use stripe_receiver::db::Db;
use stripe_receiver::delivery::Delivery;
use stripe_receiver::endpoint::{Endpoint, NewEndpoint};
use stripe_receiver::sender::{SendResponse, Sender};
use stripe_receiver::signature::Secret;
use stripe_receiver::store::deliveries::{self, DeliveryFilter};
use stripe_receiver::store::endpoints;
use stripe_receiver::{Runtime, RuntimeBuilder};
use tokio::sync::oneshot;

/// The environment variable naming the PostgreSQL server for the PostgreSQL half of the suite.
pub const POSTGRES_ENV: &str = "STRIPE_RECEIVER_TEST_POSTGRES";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the server named by [`POSTGRES_ENV`].
    Postgres,
    /// As [`TestBackend::Postgres`], with group commit on (`STRIPE_RECEIVER_GROUP_COMMIT=on`;
    /// SQLite has it on by default, so the SQLite half covers it there).
    PostgresGroupCommit,
}

/// The admin URL of the PostgreSQL server for tests, if configured. When it is not, prints once
/// per test binary, straight to stderr (past libtest's capture), that the half is skipped.
pub fn postgres_url() -> Option<String> {
    static SKIP_NOTICE: Once = Once::new();
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            SKIP_NOTICE.call_once(|| {
                let _ = std::io::stderr().write_all(
                    format!(
                        "postgres: {POSTGRES_ENV} is not set; the PostgreSQL half of this suite was SKIPPED \
                         (set it to e.g. postgres://postgres@127.0.0.1:5432/postgres)\n"
                    )
                    .as_bytes(),
                );
            });
            None
        }
    }
}

/// The environment variable naming the directory of third-party Stripe event payloads that some
/// tests replay (the project does not ship them; CI has them in `../shared/data/events`).
pub const SHARED_EVENTS_ENV: &str = "STRIPE_RECEIVER_SHARED_EVENTS";

/// The directory of third-party Stripe event payloads: `$STRIPE_RECEIVER_SHARED_EVENTS` (which
/// must then exist), else `../shared/data/events` beside the repository when present. `None`
/// (and one line on stderr, past libtest's capture) when neither is there, e.g. in a clone of
/// the repository alone.
pub fn shared_events_dir() -> Option<std::path::PathBuf> {
    static SKIP_NOTICE: Once = Once::new();
    if let Ok(dir) = std::env::var(SHARED_EVENTS_ENV) {
        let dir = std::path::PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "{SHARED_EVENTS_ENV}={} is not a directory",
            dir.display()
        );
        return Some(dir);
    }
    let beside = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/events");
    if beside.is_dir() {
        return Some(beside);
    }
    SKIP_NOTICE.call_once(|| {
        let _ = std::io::stderr().write_all(
            format!(
                "shared payloads: neither {SHARED_EVENTS_ENV} nor ../shared/data/events is there; \
                 the tests replaying them were SKIPPED\n"
            )
            .as_bytes(),
        );
    });
    None
}

/// Runs each listed `async fn name(backend: TestBackend)` of the calling test file as two tests,
/// `sqlite::name` and `postgres::name` (the latter a no-op when PostgreSQL is not configured).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::harness::TestBackend::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::harness::postgres_url().is_some() {
                        super::$name($crate::harness::TestBackend::Postgres).await
                    }
                }
            )+
        }
        mod postgres_group_commit {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::harness::postgres_url().is_some() {
                        super::$name($crate::harness::TestBackend::PostgresGroupCommit).await
                    }
                }
            )+
        }
    };
}

/// A scratch PostgreSQL database, dropped (forcibly) when this value is dropped.
struct ScratchPg {
    admin_url: String,
    name: String,
}

impl ScratchPg {
    async fn create(admin_url: &str) -> (Self, String) {
        let name = format!("sr_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin_url}: cannot connect: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .expect("CREATE DATABASE");
        let _ = admin.close().await;
        let mut url = url::Url::parse(admin_url).expect("a postgres:// URL");
        url.set_path(&name);
        (
            Self {
                admin_url: admin_url.to_owned(),
                name,
            },
            url.to_string(),
        )
    }
}

impl Drop for ScratchPg {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime: do the async cleanup on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str()))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

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
    _pg: Option<ScratchPg>,
}

impl TestServer {
    /// Starts a server with default settings on `backend`.
    pub async fn start(backend: TestBackend) -> Self {
        Self::start_with(backend, |b| b, |e| e).await
    }

    /// Starts a server on `backend`; `configure` adjusts the runtime builder (state, config),
    /// `endpoint` the endpoint created for the test.
    pub async fn start_with(
        backend: TestBackend,
        configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder,
        endpoint: impl FnOnce(NewEndpoint) -> NewEndpoint,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (pg, database_url) = match backend {
            TestBackend::Sqlite => (
                None,
                format!("sqlite://{}", dir.path().join("test.db").display()),
            ),
            TestBackend::Postgres | TestBackend::PostgresGroupCommit => {
                let admin =
                    postgres_url().expect("PostgreSQL tests need STRIPE_RECEIVER_TEST_POSTGRES");
                let (pg, url) = ScratchPg::create(&admin).await;
                (Some(pg), url)
            }
        };
        let group_commit = match backend {
            TestBackend::PostgresGroupCommit => Some(GroupCommit::On),
            _ => None,
        };
        let configure = move |builder: RuntimeBuilder| match group_commit {
            Some(mode) => {
                let mut builder = builder;
                builder.config_mut().group_commit = mode;
                configure(builder)
            }
            None => configure(builder),
        };
        Self::start_on(database_url, dir, pg, configure, endpoint).await
    }

    /// Starts a server on the database at `database_url` (which the caller manages).
    pub async fn start_on_url(
        database_url: String,
        configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_on(database_url, dir, None, configure, |e| e).await
    }

    async fn start_on(
        database_url: String,
        dir: tempfile::TempDir,
        pg: Option<ScratchPg>,
        configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder,
        endpoint: impl FnOnce(NewEndpoint) -> NewEndpoint,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr: SocketAddr = listener.local_addr().expect("local addr");
        let mut config = Config::from_env().expect("config");
        config.database_url = database_url;
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
                .await;
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
            _pg: pg,
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

    /// Runs a query returning one integer (e.g. a `COUNT(*)`), on either backend.
    pub async fn scalar(&self, sql: &str) -> i64 {
        let result = match self.db() {
            Db::Sqlite(db) => {
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                    .fetch_one(db.reader())
                    .await
            }
            Db::Postgres(db) => {
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                    .fetch_one(db.pool())
                    .await
            }
            _ => unreachable!("a backend the harness does not know"),
        };
        result.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Runs statements (e.g. a test's own `CREATE TABLE`), on either backend.
    pub async fn execute(&self, sql: &str) {
        let result = match self.db() {
            Db::Sqlite(db) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(db.writer())
                .await
                .map(drop),
            Db::Postgres(db) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(db.pool())
                .await
                .map(drop),
            _ => unreachable!("a backend the harness does not know"),
        };
        result.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // Fields drop after this: the scratch PostgreSQL database goes with `_pg`.
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

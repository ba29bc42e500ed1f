//! A database outage under load: a private PostgreSQL cluster is stopped in the
//! middle of a load run and started again. Every delivery is answered 2xx (and committed) or 5xx
//! (and, but for the one unavoidable case below, absent); the server serves again by itself; the
//! same events re-sent afterwards all commit, each exactly once.
//!
//! The test runs its own cluster (initdb + pg_ctl on a free port, under the `postgres` user when
//! run as root), so stopping it disturbs nothing else. It runs with the PostgreSQL half of the
//! suite, i.e. when `STRIPE_RECEIVER_TEST_POSTGRES` is set, and then needs PostgreSQL's server
//! binaries (`pg_config --bindir`, or /usr/lib/postgresql/*/bin).

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use stripe_receiver::prelude::*;
use stripe_receiver::store::events;
use stripe_receiver_workspace::harness::{charge, event, postgres_url, TestServer};

#[stripe_receiver("charge.captured")]
async fn count_runs(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sqlx::query("INSERT INTO test_runs (event_id) VALUES ($1)")
        .bind(&event.id)
        .execute(tx.postgres()?)
        .await?;
    Ok(())
}

/// A throwaway PostgreSQL cluster in a temporary directory.
struct Cluster {
    bindir: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl Cluster {
    fn bindir() -> PathBuf {
        if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if dir.join("initdb").exists() {
                return dir;
            }
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|p| p.join("initdb").exists())
            .collect();
        found.sort();
        found
            .pop()
            .expect("PostgreSQL server binaries (initdb, pg_ctl) are needed for the outage test")
    }

    fn is_root() -> bool {
        Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false)
    }

    /// Runs a server binary, as the `postgres` user when we are root (initdb refuses root).
    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bindir.join(program);
        let mut cmd = if Self::is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().expect("spawn");
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn init() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("sr-pg-outage-")
            .tempdir()
            .expect("temp dir");
        if Self::is_root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = Self {
            bindir: Self::bindir(),
            dir,
            port,
        };
        c.run(
            "initdb",
            &[
                "-D",
                &c.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        c
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c max_connections=50",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-o", &opts, "-l", &log, "-w", "start"],
        );
    }

    fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = Command::new(self.bindir.join("pg_ctl"))
            .args(["-D", &data, "-m", "immediate", "stop"])
            .output();
        if Self::is_root() {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bindir.join("pg_ctl"))
                .args(["-D", &data, "-m", "immediate", "stop"])
                .output();
        }
    }
}

async fn blocking(f: impl FnOnce() + Send + 'static) {
    tokio::task::spawn_blocking(f).await.expect("blocking task");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_mid_load_loses_nothing_and_recovers_without_restart() {
    if postgres_url().is_none() {
        return;
    }
    let cluster = Arc::new(Cluster::init());
    let c = Arc::clone(&cluster);
    blocking(move || c.start()).await;

    let s = TestServer::start_on_url(cluster.url(), |mut b| {
        b.config_mut().db_timeout_secs = 1;
        b
    })
    .await;
    s.execute("CREATE TABLE test_runs (event_id TEXT NOT NULL)")
        .await;

    const N: usize = 600;
    let bodies: Vec<(String, String)> = (0..N)
        .map(|i| {
            let id = format!("evt_outage_{i:04}");
            let body = event(&id, "charge.captured", charge("ch_o", 100));
            (id, body)
        })
        .collect();

    let answered = Arc::new(AtomicUsize::new(0));
    let down = Arc::new(AtomicBool::new(false));
    let healthz_while_down = Arc::new(AtomicUsize::new(0));

    // Stop the cluster once a quarter of the run is answered; start it again 2 s later.
    let outage = {
        let (answered, down, cluster) = (
            Arc::clone(&answered),
            Arc::clone(&down),
            Arc::clone(&cluster),
        );
        let healthz = Arc::clone(&healthz_while_down);
        let base = s.base_url.clone();
        tokio::spawn(async move {
            while answered.load(Ordering::SeqCst) < N / 4 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let c = Arc::clone(&cluster);
            blocking(move || c.stop()).await;
            down.store(true, Ordering::SeqCst);
            let status = reqwest::get(format!("{base}/healthz"))
                .await
                .map(|r| r.status().as_u16());
            healthz.store(status.unwrap_or(0) as usize, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(2)).await;
            let c = Arc::clone(&cluster);
            blocking(move || c.start()).await;
            down.store(false, Ordering::SeqCst);
        })
    };

    let server = &s;
    let results: Vec<(String, String, u16, serde_json::Value)> = stream::iter(bodies)
        .map(|(id, body)| {
            let answered = Arc::clone(&answered);
            async move {
                let (status, answer) = server.send(body.clone()).await;
                answered.fetch_add(1, Ordering::SeqCst);
                // Pace the run so that it spans the outage.
                tokio::time::sleep(Duration::from_millis(10)).await;
                (id, body, status, answer)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    outage.await.expect("outage task");

    let ok: Vec<&(String, String, u16, serde_json::Value)> =
        results.iter().filter(|r| r.2 == 200).collect();
    let unavailable: Vec<&(String, String, u16, serde_json::Value)> =
        results.iter().filter(|r| r.2 >= 500).collect();
    assert_eq!(
        ok.len() + unavailable.len(),
        N,
        "every answer is 200 or 5xx"
    );
    assert!(!unavailable.is_empty(), "the outage was seen");
    let not_503: Vec<_> = unavailable
        .iter()
        .filter(|r| r.2 != 503)
        .map(|r| (&r.0, r.2, &r.3))
        .collect();
    assert!(
        not_503.is_empty(),
        "outage answers are 503; these were not: {not_503:?}"
    );
    assert_eq!(
        healthz_while_down.load(Ordering::SeqCst),
        503,
        "healthz during the outage"
    );
    let last_ok = results.iter().rposition(|r| r.2 == 200).unwrap();
    let first_down = results.iter().position(|r| r.2 >= 500).unwrap();
    assert!(
        last_ok > first_down,
        "served again after the outage, without a restart"
    );

    // 2xx ⇒ committed, with its receiver's write, exactly once.
    for (id, _, _, _) in &ok {
        assert!(
            events::get(s.db(), id).await.unwrap().is_some(),
            "{id} answered 200 but absent"
        );
        assert_eq!(
            s.scalar(&format!(
                "SELECT COUNT(*) FROM test_runs WHERE event_id = '{id}'"
            ))
            .await,
            1
        );
    }
    // 5xx ⇒ absent; the one exception is a COMMIT the server carried out while the shutdown cut
    // the connection before its acknowledgement (the client cannot know): such an event must then
    // be complete, never half-written.
    let mut committed_but_unacknowledged = 0;
    for (id, _, _, _) in &unavailable {
        if events::get(s.db(), id).await.unwrap().is_some() {
            committed_but_unacknowledged += 1;
            assert_eq!(
                s.scalar(&format!(
                    "SELECT COUNT(*) FROM test_runs WHERE event_id = '{id}'"
                ))
                .await,
                1
            );
        }
    }
    assert!(
        committed_but_unacknowledged <= 8,
        "at most the in-flight transactions"
    );

    // Stripe retries the failed ones: re-send everything; all commit, each once.
    for (_, body, _, _) in &results {
        let (status, reply) = s.send(body.clone()).await;
        assert_eq!(status, 200, "{reply}");
    }
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM stripe_events").await,
        N as i64
    );
    assert_eq!(s.scalar("SELECT COUNT(*) FROM test_runs").await, N as i64);
    assert_eq!(
        s.scalar("SELECT COUNT(DISTINCT event_id) FROM test_runs")
            .await,
        N as i64
    );
    eprintln!(
        "outage run: {} answered 200, {} answered 503 ({} of those committed before the cut)",
        ok.len(),
        unavailable.len(),
        committed_but_unacknowledged
    );
}

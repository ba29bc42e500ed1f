//! 10,000 connections held open at once (slowloris clients: half a request line each) against
//! `Runtime::serve` with its default connection cap: the server's memory stays bounded (resident
//! set measured before and during the flood), a real delivery is still answered while the flood
//! holds, and the server is back to answering at once when the flood goes. Nothing is stored for
//! the flood's connections. On every backend, one flood at a time (they share the machine's
//! ports and file descriptors).

use std::time::{Duration, Instant};

use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// Connections the flood opens.
const FLOOD: usize = 10_000;
/// The server's header timeout here, seconds: how long one wave of held connections lives.
const HEADER_TIMEOUT: u64 = 2;
/// Most the server's resident set may grow while the flood holds, bytes. The cap (1024
/// connections, the default) is what bounds it: a few tens of KiB each; without the cap the
/// server held every one of them.
const RSS_GROWTH_LIMIT: u64 = 192 * 1024 * 1024;

/// One flood at a time in this binary.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// This process's resident set (`VmRSS` of /proc/self/status), bytes. The server runs in this
/// process (the harness), so this is the server's memory plus the flood's client sockets.
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kib * 1024
}

/// Opens `n` connections to `address`, each sending half a request line and holding; returns
/// those that connected (a connection the kernel's backlog could not take times out and is
/// not counted).
async fn flood(address: &str, n: usize) -> Vec<TcpStream> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let address = address.to_owned();
        tasks.spawn(async move {
            let connect = TcpStream::connect(address);
            let mut stream = tokio::time::timeout(Duration::from_secs(5), connect)
                .await
                .ok()?
                .ok()?;
            stream.write_all(b"POST /webhooks/").await.ok()?;
            Some(stream)
        });
    }
    let mut held = Vec::with_capacity(n);
    while let Some(joined) = tasks.join_next().await {
        if let Some(stream) = joined.expect("connect task") {
            held.push(stream);
        }
    }
    held
}

async fn ten_thousand_connections_held_open(backend: TestBackend) {
    let _one = ONE_AT_A_TIME.lock().await;
    // Each held connection is a file descriptor on both sides of this process.
    let (soft, hard) = rlimit::Resource::NOFILE.get().expect("RLIMIT_NOFILE");
    let wanted = (2 * FLOOD as u64 + 1024).min(hard);
    if soft < wanted {
        rlimit::Resource::NOFILE
            .set(wanted, hard)
            .expect("raising RLIMIT_NOFILE to its hard limit");
    }
    assert!(
        wanted >= FLOOD as u64 + 2048,
        "the hard open-file limit ({hard}) is too low for this test; raise it (ulimit -Hn)"
    );

    let s = TestServer::start_with(
        backend,
        |mut b| {
            b.config_mut().header_timeout_secs = HEADER_TIMEOUT;
            b
        },
        |e| e,
    )
    .await;
    let cap = s.runtime.config().max_connections;
    assert_eq!(cap, 1024, "the default cap is what this test measures");
    let address = s.base_url.trim_start_matches("http://").to_owned();
    // Warm the server up (pools, first delivery) so the baseline includes them.
    let warm = event("evt_flood_warm", "charge.succeeded", charge("ch_w", 1));
    assert_eq!(s.send(warm).await.0, 200);
    let before = rss_bytes();

    let started = Instant::now();
    let held = flood(&address, FLOOD).await;
    let connected = held.len();
    let during = rss_bytes();
    eprintln!(
        "flood: {connected} of {FLOOD} connections open after {:?}; RSS {} MiB -> {} MiB",
        started.elapsed(),
        before / (1024 * 1024),
        during / (1024 * 1024)
    );
    assert!(
        connected >= FLOOD / 2,
        "only {connected} of {FLOOD} connections could be opened"
    );
    assert!(
        during.saturating_sub(before) < RSS_GROWTH_LIMIT,
        "RSS grew by {} MiB under the flood",
        (during - before) / (1024 * 1024)
    );

    // A real delivery while the flood holds: answered once the header timeout has cleared the
    // connections ahead of it (each wave of `cap` lives HEADER_TIMEOUT seconds).
    let waves = u64::try_from(FLOOD.div_ceil(cap as usize)).unwrap();
    let patience = Duration::from_secs(HEADER_TIMEOUT * (waves + 2) + 30);
    let body = event("evt_in_flood", "charge.succeeded", charge("ch_f", 2));
    let sent = Instant::now();
    let (status, answer) = tokio::time::timeout(patience, s.send(body))
        .await
        .unwrap_or_else(|_| panic!("no answer within {patience:?} under the flood"));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["outcome"], "processed");
    eprintln!(
        "delivery under the flood answered after {:?}",
        sent.elapsed()
    );
    let peak = rss_bytes().max(during);
    assert!(
        peak.saturating_sub(before) < RSS_GROWTH_LIMIT,
        "RSS grew by {} MiB under the flood",
        (peak - before) / (1024 * 1024)
    );

    // The flood goes: the server answers at once again, and stored nothing for it.
    drop(held);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, body) = tokio::time::timeout(Duration::from_secs(30), s.get("/healthz"))
        .await
        .expect("answered after the flood");
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    assert_eq!(
        s.deliveries().await.len(),
        2,
        "the warm-up and the real delivery only"
    );
}

both_backends!(ten_thousand_connections_held_open);

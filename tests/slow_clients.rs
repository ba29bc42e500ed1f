//! Slow and idle clients on the public webhook URL are bounded (README, "Slow clients"):
//! headers not sent in time, a body shorter than its `Content-Length`, a kept-alive connection
//! left idle, more connections than the cap — and what each leaves (no delivery: a request
//! never received whole is not a delivery). Also the `Stripe-Signature` header sent on several
//! lines. Over raw TCP against `Runtime::serve`, on every backend.

use std::time::{Duration, Instant};

use stripe_receiver::delivery::Outcome;
use stripe_receiver::signature::testing::{sign, signature_hex};
use stripe_receiver_workspace::both_backends;
use stripe_receiver_workspace::harness::{charge, event, TestBackend, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The server's header-read timeout in these tests, seconds.
const HEADER_TIMEOUT: u64 = 1;
/// The server's body-read timeout in these tests, seconds.
const BODY_TIMEOUT: u64 = 1;
/// The connection cap in these tests.
const MAX_CONNECTIONS: u32 = 8;
/// Longest a test waits for the server to act on a timeout: generous, so a loaded machine
/// does not fail it; the point is "closed", not "closed fast".
const PATIENCE: Duration = Duration::from_secs(10);

async fn server(backend: TestBackend) -> TestServer {
    TestServer::start_with(
        backend,
        |mut b| {
            let config = b.config_mut();
            config.header_timeout_secs = HEADER_TIMEOUT;
            config.body_timeout_secs = BODY_TIMEOUT;
            config.max_connections = MAX_CONNECTIONS;
            b
        },
        |e| e,
    )
    .await
}

fn now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(now.unwrap().as_secs()).unwrap()
}

/// `host:port` of the server.
fn address(s: &TestServer) -> String {
    s.base_url.trim_start_matches("http://").to_owned()
}

/// The path of the endpoint's webhook URL.
fn path(s: &TestServer) -> String {
    s.url().trim_start_matches(&s.base_url).to_owned()
}

/// Reads until the server closes the connection (or `PATIENCE` passes: a failure); returns
/// what it sent and how long the close took.
async fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "the server kept the connection open for {PATIENCE:?}; received: {}",
                String::from_utf8_lossy(&received)
            ),
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

/// Headers cut off halfway: the connection is closed after the header timeout, without an
/// answer, and no delivery is recorded.
async fn half_sent_headers_are_cut_off(backend: TestBackend) {
    let s = server(backend).await;
    let mut stream = TcpStream::connect(address(&s)).await.unwrap();
    let partial = format!("POST {} HTTP/1.1\r\nHost: x\r\nContent-Ty", path(&s));
    stream.write_all(partial.as_bytes()).await.unwrap();
    let (answer, took) = read_until_closed(&mut stream).await;
    assert!(
        took >= Duration::from_millis(HEADER_TIMEOUT * 1000 - 100),
        "closed after {took:?}, before the timeout"
    );
    // hyper answers a header timeout by closing; at most a 408 status line, never a 2xx.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    assert!(s.deliveries().await.is_empty(), "no request, no delivery");
}

/// A body shorter than its `Content-Length`: 408 after the body timeout, and no delivery (it
/// could not be verified; Stripe retries the event).
async fn short_body_gets_408_and_no_delivery(backend: TestBackend) {
    let s = server(backend).await;
    let body = event(
        "evt_short_body",
        "charge.succeeded",
        charge("ch_short", 100),
    );
    let header = sign(body.as_bytes(), &s.secret, now());
    let mut stream = TcpStream::connect(address(&s)).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nStripe-Signature: {header}\r\nContent-Length: {}\r\n\r\n",
        path(&s),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
        .write_all(&body.as_bytes()[..body.len() / 2])
        .await
        .unwrap();
    let (answer, took) = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 1 s"), "{answer}");
    assert!(took >= Duration::from_millis(BODY_TIMEOUT * 1000 - 100));
    assert!(
        s.deliveries().await.is_empty(),
        "no whole body, no delivery"
    );
    // The same event, sent whole, is processed: nothing of the cut-off attempt stands in its way.
    let (status, answer) = s.send(body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["outcome"], "processed");
}

/// A kept-alive connection left idle after its answer is closed after the header timeout
/// (hyper restarts that clock when a connection goes idle).
async fn idle_keep_alive_connection_is_closed(backend: TestBackend) {
    let s = server(backend).await;
    let mut stream = TcpStream::connect(address(&s)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    let first = String::from_utf8_lossy(&buf[..n]);
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    assert!(
        first.ends_with("ok\n"),
        "the whole answer came in one read: {first}"
    );
    let (rest, took) = read_until_closed(&mut stream).await;
    assert!(
        rest.is_empty() || rest.starts_with("HTTP/1.1 408"),
        "{rest}"
    );
    assert!(took >= Duration::from_millis(HEADER_TIMEOUT * 1000 - 100));
}

/// Connections past the cap wait (in the listen backlog) until one closes; then they are
/// served. Meanwhile the held connections do not starve the server for good: the header
/// timeout frees their slots.
async fn connections_past_the_cap_wait_for_a_slot(backend: TestBackend) {
    let s = server(backend).await;
    let mut held = Vec::new();
    for _ in 0..MAX_CONNECTIONS {
        let mut stream = TcpStream::connect(address(&s)).await.unwrap();
        stream.write_all(b"GET /heal").await.unwrap();
        held.push(stream);
    }
    // Let the server accept them all, so that the cap is reached.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let (status, body) = s.get("/healthz").await;
    let waited = started.elapsed();
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    assert!(
        waited >= Duration::from_millis(HEADER_TIMEOUT * 1000 / 2),
        "answered after {waited:?}: the cap of {MAX_CONNECTIONS} did not hold it back"
    );
    for mut stream in held {
        let (_, _) = read_until_closed(&mut stream).await;
    }
}

/// A flood of half-open connections (ten times the cap) does not stop a real delivery for
/// longer than the header timeout lets them live.
async fn a_delivery_gets_through_a_slowloris_flood(backend: TestBackend) {
    let s = server(backend).await;
    let mut flood = Vec::new();
    for _ in 0..MAX_CONNECTIONS * 10 {
        if let Ok(mut stream) = TcpStream::connect(address(&s)).await {
            let _ = stream.write_all(b"POST /webhooks/").await;
            flood.push(stream);
        }
    }
    let body = event("evt_through_flood", "charge.succeeded", charge("ch_f", 1));
    let (status, answer) = tokio::time::timeout(PATIENCE * 3, s.send(body))
        .await
        .expect("the delivery was answered");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["outcome"], "processed");
    let deliveries = s.deliveries().await;
    assert_eq!(deliveries.len(), 1, "the flood left no delivery rows");
    drop(flood);
}

/// `Stripe-Signature` on several lines: combined into one list (RFC 9110 §5.3). A header split
/// over two lines verifies; two whole signatures (two `t`) are malformed: 400, recorded invalid.
async fn signature_header_on_several_lines(backend: TestBackend) {
    let s = server(backend).await;
    let t = now();
    let client = reqwest::Client::new();

    let body = event("evt_split_header", "charge.succeeded", charge("ch_s", 1));
    let v1 = signature_hex(body.as_bytes(), &s.secret, t);
    let response = client
        .post(s.url())
        .header("stripe-signature", format!("t={t}"))
        .header("stripe-signature", format!("v1={v1}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);

    let body = event("evt_two_headers", "charge.succeeded", charge("ch_t", 1));
    let whole = sign(body.as_bytes(), &s.secret, t);
    let response = client
        .post(s.url())
        .header("stripe-signature", whole.clone())
        .header("stripe-signature", whole)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let deliveries = s.deliveries().await;
    let refused = deliveries
        .iter()
        .find(|d| d.outcome == Outcome::Invalid)
        .expect("the refused request has its delivery row");
    assert!(!refused.valid);
    assert_eq!(refused.error.as_deref(), Some("malformed_header"));
    assert_eq!(deliveries.len(), 2);
}

both_backends!(
    half_sent_headers_are_cut_off,
    short_body_gets_408_and_no_delivery,
    idle_keep_alive_connection_is_closed,
    connections_past_the_cap_wait_for_a_slot,
    a_delivery_gets_through_a_slowloris_flood,
    signature_header_on_several_lines,
);

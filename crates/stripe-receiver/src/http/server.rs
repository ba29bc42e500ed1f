//! The accept loop of [`crate::Runtime::serve`]: hyper's connection builder with the limits a
//! public URL needs against slow or idle clients.
//!
//! `axum::serve` has no header-read timeout and no connection cap (a client that sends half its
//! headers keeps its connection forever), so `serve` drives hyper itself, as axum's own
//! `serve-with-hyper` example does:
//! - the header-read timeout is hyper's ([`hyper_util::server::conn::auto::Http1Builder::header_read_timeout`]);
//!   hyper starts it when a connection opens and again whenever a kept-alive connection goes
//!   idle after an answer, so it is also the idle timeout;
//! - the body-read timeout is the webhook handler's (it answers 408 and stores nothing);
//! - the connection cap is a semaphore: a permit is taken before `accept`, so connections past
//!   the cap wait in the kernel's listen backlog instead of costing a task and a buffer each;
//! - graceful shutdown is hyper-util's [`GracefulShutdown`].

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_service::Service as _;

/// The connection limits of [`serve`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// From a connection's opening (or its going idle) to the end of a request's headers.
    pub header_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes; then stops
/// accepting, lets the open connections finish their requests (idle ones close at once) and
/// returns.
pub(crate) async fn serve(
    router: Router,
    listener: TcpListener,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    // HTTP/2 (cleartext, prior knowledge: what a proxy in front may speak) has no header-read
    // phase to time; a connection whose peer stops answering pings is closed instead.
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_timeout)
        .keep_alive_timeout(limits.header_timeout);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut at_cap_logged = false;
    loop {
        let permit = match Arc::clone(&permits).try_acquire_owned() {
            Ok(permit) => {
                at_cap_logged = false;
                permit
            }
            Err(_) => {
                if !at_cap_logged {
                    tracing::warn!(
                        max_connections = limits.max_connections,
                        "connection cap reached: new connections wait until one closes"
                    );
                    at_cap_logged = true;
                }
                tokio::select! {
                    permit = Arc::clone(&permits).acquire_owned() => {
                        permit.expect("the semaphore is never closed")
                    }
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().call(request)
        });
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection closed with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if graceful.count() > 0 {
        tracing::info!(
            connections = graceful.count(),
            "waiting for open connections to finish"
        );
    }
    graceful.shutdown().await;
}

/// An error of `accept`: most are about one connection and the next `accept` works; running out
/// of file descriptors (`EMFILE`, `ENFILE`) or memory is not, and would spin, so it is logged
/// and followed by a pause.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept failed; pausing for 1 s (at the open-file limit?)");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

//! `stripe-receiver serve`.

use std::process::ExitCode;

use tokio::net::TcpListener;

use super::CliError;
use crate::runtime::{shutdown_signal, Runtime};

pub(super) async fn run(runtime: &Runtime) -> Result<ExitCode, CliError> {
    runtime.log_receivers();
    crate::coverage::warn_unhandled(runtime.db(), runtime.registry()).await;
    let addr = runtime.config().listen;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(
        "serving webhooks on http://{}/webhooks/{{uuid}} (health: /healthz); Ctrl-C stops",
        listener.local_addr()?
    );
    // One Ctrl-C stops both the server and the job worker.
    let stop = tokio_util::sync::CancellationToken::new();
    #[cfg(feature = "jobs")]
    let worker = runtime.config().jobs_worker.then(|| {
        let (runtime, stop) = (runtime.clone(), stop.clone());
        tokio::spawn(async move { runtime.run_jobs(stop.cancelled_owned()).await })
    });
    let signal = {
        let stop = stop.clone();
        async move {
            shutdown_signal().await;
            stop.cancel();
        }
    };
    runtime.serve(listener, signal).await;
    stop.cancel();
    #[cfg(feature = "jobs")]
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    runtime.db().close().await;
    Ok(ExitCode::SUCCESS)
}

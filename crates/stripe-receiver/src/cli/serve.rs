//! `stripe-receiver serve`.

use std::process::ExitCode;

use tokio::net::TcpListener;

use super::CliError;
use crate::runtime::{shutdown_signal, Runtime};

pub(super) async fn run(runtime: &Runtime) -> Result<ExitCode, CliError> {
    runtime.log_receivers();
    crate::coverage::warn_unhandled(runtime).await;
    let addr = runtime.config().listen;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(
        "serving webhooks on http://{}/webhooks/{{uuid}} (health: /healthz); Ctrl-C stops",
        listener.local_addr()?
    );
    runtime.serve(listener, shutdown_signal()).await?;
    runtime.db().close().await;
    Ok(ExitCode::SUCCESS)
}

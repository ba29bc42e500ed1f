//! `stripe-receiver send`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::CliError;
use crate::error_chain::error_chain;
use crate::sender::Sender;
use crate::signature::Secret;

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The JSON file to send, or `-` for standard input. Its bytes are sent unchanged.
    file: PathBuf,
    /// The endpoint URL, e.g. http://127.0.0.1:8000/webhooks/<uuid>.
    #[arg(long)]
    url: String,
    /// The endpoint's signing secret (whsec_...).
    #[arg(long, env = "STRIPE_WEBHOOK_SECRET")]
    secret: String,
    /// The signature timestamp, Unix seconds (default: now).
    #[arg(long)]
    timestamp: Option<i64>,
}

pub(super) async fn run(args: &SendArgs) -> Result<ExitCode, CliError> {
    let secret = Secret::new(args.secret.as_str())?;
    let body = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        buf
    } else {
        std::fs::read(&args.file)
            .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?
    };
    let response = Sender::new()
        .send(&args.url, &secret, body, args.timestamp)
        .await
        .map_err(|e| format!("POST {} failed: {}", args.url, error_chain(&e)))?;
    outln!("{}", response.status);
    outln!("{}", response.body);
    Ok(if (200..300).contains(&response.status) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

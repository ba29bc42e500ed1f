//! `stripe-receiver deliveries ...`.

use std::process::ExitCode;

use clap::Subcommand;

use super::output::{self, Listing};
use super::CliError;
use crate::runtime::Runtime;
use crate::store::deliveries::{self, DeliveryFilter};

#[derive(Debug, Subcommand)]
pub enum DeliveriesCommand {
    /// List deliveries, newest first.
    List {
        /// Only failed deliveries (receiver errors, panics, server faults).
        #[arg(long)]
        failed: bool,
        /// Only deliveries of this event id.
        #[arg(long)]
        event: Option<String>,
        #[command(flatten)]
        listing: Listing,
    },
    /// Show one delivery as JSON (headers, outcome, error), or only its exact raw body.
    Show {
        /// The delivery id (a UUID, from `deliveries list`).
        id: uuid::Uuid,
        /// Write only the raw body bytes, unchanged, to stdout (e.g. to re-send it with `send -`).
        #[arg(long)]
        body: bool,
    },
}

pub(super) async fn run(runtime: &Runtime, cmd: DeliveriesCommand) -> Result<ExitCode, CliError> {
    match cmd {
        DeliveriesCommand::List {
            failed,
            event,
            listing: Listing { limit, json },
        } => {
            let filter = DeliveryFilter {
                failed_only: failed,
                event_id: event,
                limit,
            };
            let list = deliveries::list(runtime.db(), &filter).await?;
            if json {
                output::json(&list);
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|d| {
                    vec![
                        d.id.to_string(),
                        d.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        d.outcome.as_str().to_owned(),
                        output::or_dash(d.event_id.as_deref()),
                        output::or_dash(d.event_type.as_deref()),
                        output::or_dash(d.remote_ip.as_deref()),
                        match (&d.error, &d.error_detail, &d.after_commit_error) {
                            (Some(c), Some(detail), _) => format!("{c}: {detail}"),
                            (Some(c), None, _) => c.clone(),
                            (None, _, Some(after)) => format!("after-commit: {after}"),
                            _ => "-".into(),
                        },
                    ]
                })
                .collect();
            output::table(
                &[
                    "DELIVERY",
                    "RECEIVED (UTC)",
                    "OUTCOME",
                    "EVENT",
                    "TYPE",
                    "REMOTE IP",
                    "ERROR",
                ],
                &rows,
            );
        }
        DeliveriesCommand::Show { id, body } => {
            let d = deliveries::get(runtime.db(), id)
                .await?
                .ok_or_else(|| format!("no delivery {id}"))?;
            if body {
                use std::io::Write;
                std::io::stdout().write_all(&d.body)?;
            } else {
                let mut v = serde_json::to_value(&d)?;
                v["body"] = match std::str::from_utf8(&d.body) {
                    Ok(text) => serde_json::Value::String(text.to_owned()),
                    Err(_) => serde_json::Value::String(format!(
                        "({} bytes, not UTF-8; use --body)",
                        d.body.len()
                    )),
                };
                output::json(&v);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

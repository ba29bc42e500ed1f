//! `stripe-receiver deliveries ...`.

use std::process::ExitCode;

use clap::Subcommand;

use super::{output, CliError};
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
        /// At most this many rows.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
}

pub(super) async fn run(runtime: &Runtime, cmd: DeliveriesCommand) -> Result<ExitCode, CliError> {
    match cmd {
        DeliveriesCommand::List {
            failed,
            event,
            limit,
            json,
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
                        match (&d.error, &d.error_detail) {
                            (Some(c), Some(detail)) => format!("{c}: {detail}"),
                            (Some(c), None) => c.clone(),
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
    }
    Ok(ExitCode::SUCCESS)
}

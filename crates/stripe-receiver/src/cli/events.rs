//! `stripe-receiver events ...`.

use std::process::ExitCode;

use clap::Subcommand;

use super::output::{self, Listing};
use super::CliError;
use crate::runtime::Runtime;
use crate::store::events;

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List stored events, newest first.
    List {
        /// Only events of this type.
        #[arg(long = "type")]
        event_type: Option<String>,
        #[command(flatten)]
        listing: Listing,
    },
    /// Show one stored event as JSON.
    Show {
        /// The event id, evt_...
        id: String,
    },
}

pub(super) async fn run(runtime: &Runtime, cmd: EventsCommand) -> Result<ExitCode, CliError> {
    match cmd {
        EventsCommand::List {
            event_type,
            listing: Listing { limit, json },
        } => {
            let list = events::list(runtime.db(), event_type.as_deref(), limit).await?;
            if json {
                output::json(&list);
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|e| {
                    vec![
                        e.id.clone(),
                        e.type_.clone(),
                        e.created.to_string(),
                        if e.livemode { "live" } else { "test" }.into(),
                        output::or_dash(e.account.as_deref()),
                        e.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    ]
                })
                .collect();
            output::table(
                &[
                    "EVENT",
                    "TYPE",
                    "CREATED",
                    "MODE",
                    "ACCOUNT",
                    "RECEIVED (UTC)",
                ],
                &rows,
            );
        }
        EventsCommand::Show { id } => {
            let event = events::get(runtime.db(), &id)
                .await?
                .ok_or_else(|| format!("no stored event {id}"))?;
            output::json(&event);
        }
    }
    Ok(ExitCode::SUCCESS)
}

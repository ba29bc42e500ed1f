//! `stripe-receiver objects ...`: the synced Stripe objects (README "Synced objects").

use std::process::ExitCode;

use clap::Subcommand;

use super::output::{self, Listing};
use super::CliError;
use crate::runtime::Runtime;
use crate::sync::kinds::{self, KINDS};
use crate::sync::query;
use crate::sync::resync::resync_stored;

#[derive(Debug, Subcommand)]
pub enum ObjectsCommand {
    /// List synced objects of one type, most recently written first.
    List {
        /// The type: an object name (`charge`, `checkout.session`, `bank_account`) or a table's
        /// family (`charges`).
        #[arg(long = "type")]
        object_type: String,
        /// Only objects of this connected account (acct_...).
        #[arg(long)]
        account: Option<String>,
        #[command(flatten)]
        listing: Listing,
    },
    /// Show one synced object (its row and the whole object) as JSON.
    Show {
        /// The object's Stripe id.
        id: String,
        /// Look only in this type's table (default: every synced table).
        #[arg(long = "type")]
        object_type: Option<String>,
    },
    /// Apply a stored event to the synced tables again (under the ordering guard).
    Resync {
        /// The stored event, evt_...
        event_id: String,
        /// Only this object of the event (default: every synced object it carries).
        #[arg(long)]
        object: Option<String>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
}

fn kind_named(name: &str) -> Result<&'static crate::sync::ObjectKind, CliError> {
    kinds::by_name(name).ok_or_else(|| {
        let known: Vec<&str> = KINDS.iter().map(|k| k.object_name()).collect();
        format!(
            "unknown object type {name:?}; synced types: {}",
            known.join(", ")
        )
        .into()
    })
}

pub(super) async fn run(runtime: &Runtime, cmd: ObjectsCommand) -> Result<ExitCode, CliError> {
    match cmd {
        ObjectsCommand::List {
            object_type,
            account,
            listing: Listing { limit, json },
        } => {
            let kind = kind_named(&object_type)?;
            let rows = query::list(runtime.db(), kind, account.as_deref(), limit).await?;
            if json {
                output::json(&rows);
                return Ok(ExitCode::SUCCESS);
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        output::or_dash(r.data["status"].as_str()),
                        output::or_dash(r.account.as_deref()),
                        if r.deleted { "deleted" } else { "-" }.to_owned(),
                        r.event_id.clone(),
                        r.event_created.to_string(),
                    ]
                })
                .collect();
            output::table(
                &[
                    "ID",
                    "STATUS",
                    "ACCOUNT",
                    "DELETED",
                    "LAST EVENT",
                    "EVENT CREATED",
                ],
                &cells,
            );
        }
        ObjectsCommand::Show { id, object_type } => {
            let kind = object_type.as_deref().map(kind_named).transpose()?;
            let row = query::show(runtime.db(), kind, &id)
                .await?
                .ok_or_else(|| format!("no synced object {id}"))?;
            output::json(&row);
        }
        ObjectsCommand::Resync {
            event_id,
            object,
            json,
        } => {
            let done = resync_stored(runtime.db(), &event_id, object.as_deref()).await?;
            if json {
                output::json(&done);
                return Ok(ExitCode::SUCCESS);
            }
            for r in &done {
                let what = if r.changed {
                    "written"
                } else {
                    "unchanged (newer state or tombstone kept)"
                };
                outln!("{} {}: {what}", r.table, r.id);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

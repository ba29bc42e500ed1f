//! `stripe-receiver receivers`.

use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use super::{output, CliError};
use crate::registry::Registry;

#[derive(Debug, Args)]
pub struct ReceiversArgs {
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Row {
    path: &'static str,
    event_types: &'static [&'static str],
    file: &'static str,
    line: u32,
}

pub(super) fn run(args: &ReceiversArgs) -> Result<ExitCode, CliError> {
    let registry = Registry::from_inventory()?;
    let rows: Vec<Row> = registry
        .receivers()
        .iter()
        .map(|r| Row {
            path: r.path(),
            event_types: r.event_types(),
            file: r.file(),
            line: r.line(),
        })
        .collect();
    if args.json {
        output::json(&rows);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        println!(
            "no receivers compiled in (this binary links none; see README, \"Linking receivers\")"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.path.to_owned(),
                r.event_types.join(","),
                format!("{}:{}", r.file, r.line),
            ]
        })
        .collect();
    output::table(&["RECEIVER", "EVENT TYPES", "LOCATION"], &cells);
    Ok(ExitCode::SUCCESS)
}

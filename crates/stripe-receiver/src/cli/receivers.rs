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
    /// Also list stripe-receiver's built-in receivers (the object sync, which run first).
    #[arg(long)]
    builtin: bool,
}

/// One receiver, as listed (`--json`: one object per receiver, in run order).
#[derive(Serialize)]
struct Row {
    /// The function path, `crate::module::fn_name`.
    path: &'static str,
    /// The exact event types it is annotated with.
    event_types: Vec<&'static str>,
    /// The patterns it is annotated with: `*` and families such as `customer.subscription.*`.
    patterns: Vec<&'static str>,
    /// The source file that defines it.
    file: &'static str,
    /// The line of the function's name in `file`.
    line: u32,
    /// Whether it is one of stripe-receiver's built-in receivers (the object sync).
    builtin: bool,
}

pub(super) fn run(args: &ReceiversArgs) -> Result<ExitCode, CliError> {
    let registry = Registry::from_inventory()?;
    let rows: Vec<Row> = registry
        .receivers()
        .iter()
        .filter(|r| args.builtin || !r.is_builtin())
        .map(|r| {
            let (patterns, event_types) = r.event_types().iter().partition(|t| t.ends_with('*'));
            Row {
                path: r.path(),
                event_types,
                patterns,
                file: r.file(),
                line: r.line(),
                builtin: r.is_builtin(),
            }
        })
        .collect();
    if args.json {
        output::json(&rows);
        return Ok(ExitCode::SUCCESS);
    }
    let hidden = if args.builtin {
        0
    } else {
        registry.receivers().len() - rows.len()
    };
    let builtins_note = || {
        if hidden > 0 {
            outln!("(and {hidden} built-in object sync receivers, which run first: --builtin lists them)");
        }
    };
    if rows.is_empty() {
        outln!(
            "no receivers compiled in (this binary links none; see README, \"Linking receivers\")"
        );
        builtins_note();
        return Ok(ExitCode::SUCCESS);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.path.to_owned(),
                [&r.event_types[..], &r.patterns[..]].concat().join(","),
                format!("{}:{}", r.file, r.line),
            ]
        })
        .collect();
    output::table(&["RECEIVER", "EVENT TYPES", "LOCATION"], &cells);
    builtins_note();
    Ok(ExitCode::SUCCESS)
}

//! Printing listings: aligned text columns for people, one JSON document for scripts.

use serde::Serialize;

/// The options every listing command takes (`--limit`, `--json`).
#[derive(Debug, clap::Args)]
pub struct Listing {
    /// At most this many rows.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// Prints `value` as pretty JSON on stdout.
pub(super) fn json<T: Serialize + ?Sized>(value: &T) {
    outln!(
        "{}",
        serde_json::to_string_pretty(value).expect("listings serialize")
    );
}

/// Prints rows as left-aligned columns under a header.
pub(super) fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        outln!("{}", out.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// `value` or `-` for a missing one.
pub(super) fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_owned()
}

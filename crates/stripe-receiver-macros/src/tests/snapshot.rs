//! The expansion snapshot in `tests/expansion/`, and its copy in the workspace README.
//!
//! `receiver.before.rs` holds an example receiver and `receiver.after.rs` its expansion as
//! formatted by `prettyplease`. Run with `UPDATE_EXPANSION=1` to rewrite the after file.

use std::fs;
use std::path::PathBuf;

use super::{expand_source, pretty};

/// Path of the example receiver, relative to the crate.
const BEFORE: &str = "tests/expansion/receiver.before.rs";
/// Path of its expected expansion, relative to the crate.
const AFTER: &str = "tests/expansion/receiver.after.rs";
/// Path of the workspace README, relative to the crate.
const README: &str = "../../README.md";

/// The absolute path of `relative`, a path relative to this crate's manifest.
fn crate_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Reads a file relative to this crate, with a clear panic if it is missing.
fn read(relative: &str) -> String {
    let path = crate_path(relative);
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

#[test]
fn expansion_matches_snapshot() {
    let expanded = pretty(expand_source(&read(BEFORE)));
    if std::env::var_os("UPDATE_EXPANSION").is_some_and(|value| value == "1") {
        fs::write(crate_path(AFTER), &expanded).expect("writing the expansion snapshot");
        return;
    }
    let expected = read(AFTER);
    assert!(
        expected == expanded,
        "the expansion of {BEFORE} differs from {AFTER} (- expected, + actual):\n{}\n\
         If the change is intended, run `UPDATE_EXPANSION=1 cargo test -p \
         stripe-receiver-macros` and update the README's <!-- expansion:after --> block.",
        line_diff(&expected, &expanded)
    );
}

#[test]
fn readme_shows_the_expansion() {
    let path = crate_path(README);
    let readme = fs::read_to_string(&path).unwrap_or_else(|error| {
        eprintln!("cannot read {}: {error}", path.display());
        String::new()
    });
    for (marker, file) in [
        ("<!-- expansion:before -->", BEFORE),
        ("<!-- expansion:after -->", AFTER),
    ] {
        let shown = rust_block_after(&readme, marker).unwrap_or_else(|problem| {
            panic!(
                "README.md: {problem}; the README must show the content of {file} in a \
                 ```rust block on the lines right after a line `{marker}`"
            )
        });
        let expected = read(file);
        assert!(
            shown.trim_end() == expected.trim_end(),
            "README.md: the ```rust block after `{marker}` differs from {file} \
             (- {file}, + README):\n{}",
            line_diff(expected.trim_end(), shown.trim_end())
        );
    }
}

/// The content of the ```rust block (or ```rust,attributes) on the lines right after the line
/// `marker`.
fn rust_block_after(text: &str, marker: &str) -> Result<String, String> {
    let mut lines = text.lines().skip_while(|line| line.trim() != marker);
    if lines.next().is_none() {
        return Err(format!("no line `{marker}`"));
    }
    let mut lines = lines.skip_while(|line| line.trim().is_empty());
    // `rust,ignore`: the README is also the library's crate documentation, whose doctests
    // cannot compile these fragments.
    if !lines
        .next()
        .map(str::trim)
        .is_some_and(|fence| fence == "```rust" || fence.starts_with("```rust,"))
    {
        return Err(format!("no ```rust line right after `{marker}`"));
    }
    let mut block = String::new();
    for line in lines {
        if line.trim_end() == "```" {
            return Ok(block);
        }
        block.push_str(line);
        block.push('\n');
    }
    Err(format!("the ```rust block after `{marker}` is not closed"))
}

/// A line diff of `expected` and `actual`: common lines prefixed with a space, lines only in
/// `expected` with `-`, lines only in `actual` with `+` (longest common subsequence).
fn line_diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // common[i][j]: length of the longest common subsequence of old[i..] and new[j..].
    let mut common = vec![vec![0_usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut diff) = (0, 0, String::new());
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            diff.push_str(&format!(" {}\n", old[i]));
            (i, j) = (i + 1, j + 1);
        } else if j < new.len() && (i == old.len() || common[i][j + 1] >= common[i + 1][j]) {
            diff.push_str(&format!("+{}\n", new[j]));
            j += 1;
        } else {
            diff.push_str(&format!("-{}\n", old[i]));
            i += 1;
        }
    }
    diff
}

#[test]
fn line_diff_marks_changes() {
    assert_eq!(line_diff("a\nb\nc", "a\nx\nc"), " a\n+x\n-b\n c\n");
}

#[test]
fn rust_block_after_finds_the_block() {
    let text = "intro\n<!-- m -->\n\n```rust\nfn f() {}\n```\nrest";
    assert_eq!(
        rust_block_after(text, "<!-- m -->").as_deref(),
        Ok("fn f() {}\n")
    );
    assert!(rust_block_after(text, "<!-- other -->")
        .unwrap_err()
        .contains("no line"));
    assert!(rust_block_after("<!-- m -->\ntext", "<!-- m -->")
        .unwrap_err()
        .contains("no ```rust line"));
    assert_eq!(
        rust_block_after("<!-- m -->\n```rust,ignore\nfn g() {}\n```", "<!-- m -->").as_deref(),
        Ok("fn g() {}\n")
    );
    assert!(
        rust_block_after("<!-- m -->\n```rustc\nfn g() {}\n```", "<!-- m -->")
            .unwrap_err()
            .contains("no ```rust line")
    );
}

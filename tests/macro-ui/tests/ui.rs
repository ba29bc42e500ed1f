//! Compile-time diagnostics of `#[stripe_receiver]`, checked with trybuild.
//!
//! Each file in `tests/ui/` is one misuse; its `.stderr` is the exact output of the compiler,
//! so a snapshot shows where each error points and what it says. `tests/ui/pass/` holds what
//! must compile (and run: every receiver registered).
//!
//! Compiler output changes between Rust releases, so the snapshots are pinned to one
//! toolchain, [`PINNED_RUSTC`] (the one CI runs). On another toolchain the compile-fail
//! snapshots are skipped with a notice (the pass cases still run); set
//! `STRIPE_RECEIVER_UI_ANY_RUSTC=1` to compare them anyway. The other input of the output is
//! the dependency graph (rustc shortens type paths that are unique in it), which is why these
//! tests live in a package that depends on the runtime alone, with versions pinned by
//! `Cargo.lock`. After an intended change, run
//! `TRYBUILD=overwrite cargo test -p stripe-receiver-macro-ui` and review the `.stderr` diffs.

use std::process::Command;

/// The `rustc --version` prefix the `.stderr` snapshots were written with.
const PINNED_RUSTC: &str = "rustc 1.95.";

/// Whether the compiler in use is the pinned one (or the pin is overridden).
fn pinned_toolchain() -> bool {
    if std::env::var_os("STRIPE_RECEIVER_UI_ANY_RUSTC").is_some_and(|value| value == "1") {
        return true;
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    if version.starts_with(PINNED_RUSTC) {
        return true;
    }
    eprintln!(
        "skipping the compile-fail snapshots of tests/ui: they are pinned to {PINNED_RUSTC}x, \
         this is {:?} (STRIPE_RECEIVER_UI_ANY_RUSTC=1 compares them anyway)",
        version.trim()
    );
    false
}

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    if pinned_toolchain() {
        cases.compile_fail("tests/ui/*.rs");
    }
}

//! The `stripe-receiver` binary: a thin `main` over [`stripe_receiver::cli`].
//!
//! It links no receivers of its own beyond the library's built-in ones. To have your own
//! `#[stripe_receiver]` functions run, call `stripe_receiver::cli::main()` from your own binary
//! instead (see the README, "Linking receivers").

fn main() -> std::process::ExitCode {
    stripe_receiver::cli::main()
}

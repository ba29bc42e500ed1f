//! The `stripe-receiver` command line, as a library entry point.
//!
//! The `stripe-receiver` binary is `fn main() { stripe_receiver::cli::main() }`. Call the same
//! function from your own binary so that your `#[stripe_receiver]` functions are linked in and
//! `serve`, `receivers` and the rest see them; use [`main_with`] to register state:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     # struct Mailer; impl Mailer { fn new() -> Self { Mailer } }
//!     stripe_receiver::cli::main_with(|runtime| runtime.state(Mailer::new()))
//! }
//! ```
//!
//! Every listing command takes `--json` and then prints one JSON document on stdout.
//! Logs go to stderr (`RUST_LOG` sets the filter; default `info`).

/// `println!` for command output: a closed pipe (`stripe-receiver ... | head -1`) ends the
/// process quietly instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            panic!("cannot write to stdout: {e}");
        }
    }};
}

mod config;
mod deliveries;
mod endpoints;
mod events;
#[cfg(feature = "jobs")]
mod jobs;
#[cfg(feature = "sync")]
mod objects;
mod output;
mod receivers;
mod send;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use self::config::ConfigArgs;
use crate::config::Config;
use crate::runtime::{Runtime, RuntimeBuilder};

/// Command-line arguments.
#[derive(Debug, Parser)]
#[command(
    name = "stripe-receiver",
    version,
    about = "Receive Stripe webhooks: serve, manage endpoints, inspect deliveries and events"
)]
pub struct Cli {
    /// Settings shared by every command (each also read from its environment variable).
    #[command(flatten)]
    pub config: ConfigArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run migrations, log the receivers, serve webhooks until Ctrl-C (graceful shutdown).
    Serve,
    /// Run migrations and exit.
    Migrate,
    /// Manage webhook endpoints.
    #[command(subcommand)]
    Endpoints(endpoints::EndpointsCommand),
    /// Sign a payload exactly as Stripe does and POST it; print the status and body.
    Send(send::SendArgs),
    /// Inspect the delivery log.
    #[command(subcommand)]
    Deliveries(deliveries::DeliveriesCommand),
    /// Inspect stored events.
    #[command(subcommand)]
    Events(events::EventsCommand),
    #[cfg(feature = "sync")]
    /// Inspect the synced Stripe objects (`stripe_<plural>` tables), or re-sync one from an event.
    #[command(subcommand)]
    Objects(objects::ObjectsCommand),
    /// List every compiled-in receiver: event types, function path, file:line.
    Receivers(receivers::ReceiversArgs),
    #[cfg(feature = "jobs")]
    /// The job outbox: run a worker, list jobs, requeue a dead one.
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
}

/// A command's failure: printed as `error: ...` on stderr, exit status 1.
pub type CliError = Box<dyn std::error::Error + Send + Sync>;

/// Parses `std::env::args`, runs the command and returns the exit status.
#[must_use]
pub fn main() -> ExitCode {
    main_with(|b| b)
}

/// Like [`main`], with a hook that adds state (or changes settings) before the runtime starts.
#[must_use]
pub fn main_with(configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder) -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, configure)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one parsed command.
///
/// # Errors
/// The command's failure, with a message meant for the person at the terminal.
pub async fn run(
    cli: Cli,
    configure: impl FnOnce(RuntimeBuilder) -> RuntimeBuilder,
) -> Result<ExitCode, CliError> {
    // Commands that need no database.
    match &cli.command {
        Command::Send(args) => return send::run(args).await,
        Command::Receivers(args) => return receivers::run(args),
        _ => {}
    }
    let serving = matches!(cli.command, Command::Serve);
    let mut builder = configure(Runtime::builder(Config::from(cli.config)));
    if !serving {
        // Inspecting or managing the database must work even when the processing setup is
        // incomplete (a missing State<T>, a receiver for the other backend).
        builder = builder.without_receiver_checks();
    }
    let runtime = builder.build().await?;
    match cli.command {
        Command::Serve => serve::run(&runtime).await,
        Command::Migrate => {
            eprintln!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Endpoints(cmd) => endpoints::run(&runtime, cmd).await,
        Command::Deliveries(cmd) => deliveries::run(&runtime, cmd).await,
        Command::Events(cmd) => events::run(&runtime, cmd).await,
        #[cfg(feature = "sync")]
        Command::Objects(cmd) => objects::run(&runtime, cmd).await,
        #[cfg(feature = "jobs")]
        Command::Jobs(cmd) => jobs::run(&runtime, cmd).await,
        Command::Send(_) | Command::Receivers(_) => unreachable!("handled above"),
    }
}

/// Installs a stderr `tracing` subscriber filtered by `RUST_LOG` (default `info`), unless the
/// program installed one already.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // PostgreSQL's NOTICEs ("relation ... already exists, skipping" on every migrate) are
        // not news: shown only when asked for.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx::postgres::notice=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

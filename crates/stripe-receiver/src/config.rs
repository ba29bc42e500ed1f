//! Configuration (PRODUCT.md §8): every setting is an environment variable and a CLI flag.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

use crate::api_key::ApiKey;

/// Default `DATABASE_URL`: a SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://stripe-receiver.db";
/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";
/// Default body limit: 2 MiB (2,097,152 bytes). Stripe's events are far smaller.
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;

/// Runtime settings. Build with [`Config::from_env`] (environment variables, then defaults) or
/// let the CLI parse flags (each flag falls back to its variable).
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: sqlite://PATH (created if missing).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Address `serve` binds, host:port.
    #[arg(long, env = "STRIPE_RECEIVER_LISTEN", default_value = DEFAULT_LISTEN, global = true)]
    pub listen: SocketAddr,

    /// Largest accepted webhook body, bytes; larger bodies get 413 and are not processed.
    #[arg(long, env = "STRIPE_RECEIVER_MAX_BODY", default_value_t = DEFAULT_MAX_BODY, global = true)]
    pub max_body: usize,

    /// A request header that carries the client IP, set by a reverse proxy you trust
    /// (e.g. x-forwarded-for; its last entry is used). Unset: the TCP peer address is recorded.
    #[arg(long, env = "STRIPE_RECEIVER_TRUSTED_PROXY_HEADER", global = true)]
    pub trusted_proxy_header: Option<String>,

    /// Longest wait for a database connection before a delivery is answered 503, seconds.
    #[arg(
        long,
        env = "STRIPE_RECEIVER_DB_TIMEOUT",
        default_value_t = 5,
        global = true
    )]
    pub db_timeout_secs: u64,

    /// Longest time the receivers of one webhook may take together, seconds. Past it the
    /// running receiver is cancelled, the webhook rolls back and is answered 500
    /// (`receiver_timeout`), so a hung receiver cannot hold the database forever.
    #[arg(
        long,
        env = "STRIPE_RECEIVER_PROCESSING_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub processing_timeout_secs: u64,

    /// Whether `serve` runs a job worker (the outbox). `stripe-receiver jobs work` runs one in a
    /// process of its own.
    #[arg(long, env = "STRIPE_RECEIVER_JOBS_WORKER", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub jobs_worker: bool,

    /// Attempts a job gets before it is dead (kept, listed by `jobs list --dead`).
    #[arg(
        long,
        env = "STRIPE_RECEIVER_JOB_MAX_ATTEMPTS",
        default_value_t = 8,
        global = true
    )]
    pub job_max_attempts: u32,

    /// Wait before a job's first retry, milliseconds; doubles with each further retry, capped
    /// at one hour.
    #[arg(
        long,
        env = "STRIPE_RECEIVER_JOB_BACKOFF_MS",
        default_value_t = 2000,
        global = true
    )]
    pub job_backoff_ms: u64,

    /// A running attempt's lease, seconds: an attempt not finished by then (a crashed worker)
    /// is taken again, and the job fn is cancelled at that time.
    #[arg(
        long,
        env = "STRIPE_RECEIVER_JOB_LEASE_SECS",
        default_value_t = 300,
        global = true
    )]
    pub job_lease_secs: u64,

    /// How often an idle worker looks for due jobs, milliseconds (a webhook that enqueues jobs
    /// wakes the worker of its own process at once).
    #[arg(
        long,
        env = "STRIPE_RECEIVER_JOB_POLL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub job_poll_ms: u64,

    /// Serve Prometheus metrics at `GET /metrics` on the webhook router (off by default).
    #[arg(long, env = "STRIPE_RECEIVER_METRICS", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub metrics: bool,

    /// Stripe API secret key for test mode (`sk_test_...` or `rk_test_...`), handed to
    /// lifecycle hooks of test-mode endpoints. Never printed (help and `Debug` included).
    #[arg(long, env = "STRIPE_TEST_SECRET_KEY", value_parser = ApiKeyParser { live: false }, hide_env_values = true, global = true)]
    pub stripe_test_secret_key: Option<ApiKey>,

    /// Stripe API secret key for live mode (`sk_live_...` or `rk_live_...`), handed to
    /// lifecycle hooks of live-mode endpoints. Never printed (help and `Debug` included).
    #[arg(long, env = "STRIPE_LIVE_SECRET_KEY", value_parser = ApiKeyParser { live: true }, hide_env_values = true, global = true)]
    pub stripe_live_secret_key: Option<ApiKey>,

    /// PostgreSQL: size of the connection pool (webhooks processed at once).
    #[arg(
        long,
        env = "STRIPE_RECEIVER_DB_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub db_max_connections: u32,

    /// Group commit: webhooks that arrive while the writer is busy are processed together in
    /// one transaction, each inside its own savepoint, and committed with one durable commit
    /// (one fsync for the batch). `auto` turns it on for SQLite (which has one writer anyway)
    /// and off for PostgreSQL. The README's "Processing contract" says what it changes.
    #[arg(
        long,
        env = "STRIPE_RECEIVER_GROUP_COMMIT",
        value_enum,
        default_value_t = GroupCommit::Auto,
        global = true
    )]
    pub group_commit: GroupCommit,

    /// Group commit: the most webhooks one batch (one transaction) holds.
    #[arg(
        long,
        env = "STRIPE_RECEIVER_GROUP_COMMIT_MAX_BATCH",
        default_value_t = 64,
        value_parser = clap::value_parser!(u32).range(1..=10_000),
        global = true
    )]
    pub group_commit_max_batch: u32,

    /// Group commit on PostgreSQL: how many batches run at once, each on a connection of its
    /// own from the pool (SQLite always runs one). More than one lets batches lock each other
    /// out on a row they both write (PostgreSQL breaks such a deadlock after its
    /// `deadlock_timeout`, 1 s by default, and the webhook is retried), which delays the queue.
    #[arg(
        long,
        env = "STRIPE_RECEIVER_GROUP_COMMIT_WRITERS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u32).range(1..=1_000),
        global = true
    )]
    pub group_commit_writers: u32,
}

/// Whether concurrent webhooks share one transaction ([`Config::group_commit`]).
///
/// With group commit a webhook's work runs inside a savepoint of a transaction shared with the
/// other webhooks that were waiting for the writer at the same time. A failing webhook rolls
/// back to its savepoint only (its receivers' writes and its event row vanish; the others are
/// unaffected); a second delivery of an event earlier in the same batch is a duplicate; every
/// 2xx is sent only after the batch's commit. Receivers of a batch run one after another on the
/// batch's connection, so a slow receiver delays the rest of its batch (the processing timeout
/// still bounds it). If the batch cannot commit, each of its webhooks runs again alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupCommit {
    /// On for SQLite, off for PostgreSQL.
    Auto,
    /// On for either backend.
    On,
    /// Every webhook commits its own transaction.
    Off,
}

impl GroupCommit {
    /// Whether group commit is on for `backend`.
    #[must_use]
    pub fn enabled(self, backend: crate::db::Backend) -> bool {
        match self {
            Self::Auto => backend == crate::db::Backend::Sqlite,
            Self::On => true,
            Self::Off => false,
        }
    }
}

impl Config {
    /// Reads the settings from the environment, with the documented defaults.
    ///
    /// # Errors
    /// A message naming the variable whose value does not parse.
    pub fn from_env() -> Result<Self, clap::Error> {
        #[derive(clap::Parser)]
        struct Env {
            #[command(flatten)]
            config: Config,
        }
        <Env as clap::Parser>::try_parse_from(["stripe-receiver"]).map(|e| e.config)
    }

    /// The database acquire timeout as a [`Duration`].
    #[must_use]
    pub fn db_timeout(&self) -> Duration {
        Duration::from_secs(self.db_timeout_secs)
    }

    /// The API key of a mode: [`Config::stripe_live_secret_key`] when `livemode`, else
    /// [`Config::stripe_test_secret_key`].
    #[must_use]
    pub fn api_key(&self, livemode: bool) -> Option<&ApiKey> {
        if livemode {
            self.stripe_live_secret_key.as_ref()
        } else {
            self.stripe_test_secret_key.as_ref()
        }
    }

    /// The base URL local endpoints get by default: `http://<listen>`.
    #[must_use]
    pub fn local_base_url(&self) -> String {
        format!("http://{}", self.listen)
    }
}

/// The value parser of the API-key settings. clap's own error for a rejected value quotes the
/// value, which would print a secret key (a live key put in the test variable, say) to the
/// terminal and the logs; this one names the flag, its variable and what is wrong, never the key.
#[derive(Debug, Clone, Copy)]
struct ApiKeyParser {
    live: bool,
}

impl clap::builder::TypedValueParser for ApiKeyParser {
    type Value = ApiKey;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ApiKey, clap::Error> {
        let parsed = match value.to_str() {
            Some(key) if self.live => ApiKey::parse_live(key),
            Some(key) => ApiKey::parse_test(key),
            None => Err(crate::api_key::ApiKeyError::Malformed),
        };
        parsed.map_err(|problem| {
            let flag = arg.and_then(clap::Arg::get_long).unwrap_or("API key");
            let variable = arg
                .and_then(clap::Arg::get_env)
                .map(|env| format!(" ({})", env.to_string_lossy()))
                .unwrap_or_default();
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "invalid value for --{flag}{variable}: {problem} (the value is not shown)\n"
                ),
            )
            .with_cmd(cmd)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn a_rejected_api_key_is_named_not_shown() {
        for (flag, key, variable) in [
            (
                "--stripe-test-secret-key",
                "sk_live_51SECRETVALUE",
                "STRIPE_TEST_SECRET_KEY",
            ),
            (
                "--stripe-live-secret-key",
                "sk_test_51SECRETVALUE",
                "STRIPE_LIVE_SECRET_KEY",
            ),
            (
                "--stripe-test-secret-key",
                "pk_test_51SECRETVALUE",
                "STRIPE_TEST_SECRET_KEY",
            ),
        ] {
            let Err(error) = <Cli as clap::Parser>::try_parse_from(["x", flag, key]) else {
                panic!("{key} was accepted for {flag}");
            };
            let text = error.to_string();
            assert!(!text.contains("SECRETVALUE"), "the key leaked: {text}");
            assert!(text.contains(variable) && text.contains(flag), "{text}");
        }
        let ok = <Cli as clap::Parser>::try_parse_from([
            "x",
            "--stripe-test-secret-key",
            "sk_test_51ok",
        ]);
        assert!(ok.is_ok_and(|cli| cli.config.stripe_test_secret_key.is_some()));
    }
}

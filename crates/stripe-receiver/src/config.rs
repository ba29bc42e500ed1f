//! Configuration: every setting is an environment variable (and, through the [`cli`](crate::cli),
//! a flag of the same name).
//!
//! [`Config`] is plain data. [`Config::from_env`] reads the process environment,
//! [`Config::from_lookup`] any source of `VARIABLE -> value`; both apply the defaults below and
//! parse each value the same way. The [`Setting`] constants hold each setting's variable,
//! default and meaning once: the CLI builds its flags and help from them.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use crate::api_key::ApiKey;

/// Default `DATABASE_URL`: a SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://stripe-receiver.db";
/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";
/// Default body limit: 2 MiB (2,097,152 bytes). Stripe's events are far smaller.
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;

/// One setting: its environment variable, its default and what it means.
///
/// Each field of [`Config`] has one ([`Setting::LISTEN`] and so on); [`Setting::ALL`] lists them
/// in field order.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Setting {
    /// The [`Config`] field it fills, e.g. `max_body`. The CLI flag is this name with `-` for
    /// `_` ([`Setting::flag`]).
    pub field: &'static str,
    /// The environment variable, e.g. `STRIPE_RECEIVER_MAX_BODY`.
    pub var: &'static str,
    /// The value used when the variable is unset, written as it would be in the variable.
    /// `None`: an unset variable leaves the setting unset (the field is an `Option`).
    pub default: Option<&'static str>,
    /// The only values accepted, when the setting is a choice (`true`/`false`, `auto`/`on`/`off`);
    /// empty otherwise.
    pub values: &'static [&'static str],
    /// A secret (an API key): its value is never shown, neither in errors nor in the CLI's help.
    pub secret: bool,
    /// The field's documentation, as written (one line of source per line).
    doc: &'static str,
}

impl Setting {
    /// The CLI flag, without the leading `--`: the field name with `-` for `_`.
    #[must_use]
    pub fn flag(&self) -> String {
        self.field.replace('_', "-")
    }

    /// What the setting means, as one paragraph (the field's documentation, lines joined).
    #[must_use]
    pub fn help(&self) -> String {
        let lines: Vec<&str> = self.doc.lines().map(str::trim).collect();
        lines.join(" ").trim().to_owned()
    }
}

impl fmt::Debug for Setting {
    /// `Setting(STRIPE_RECEIVER_LISTEN)`: the variable names the setting.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Setting").field(&self.var).finish()
    }
}

/// Declares [`Config`] and one [`Setting`] per field from a single list: each field's
/// documentation becomes both its rustdoc and the setting's [`Setting::help`], so the two cannot
/// drift.
macro_rules! settings {
    (
        $(#[$struct_meta:meta])*
        pub struct Config {
            $(
                $(#[doc = $doc:literal])+
                $field:ident: $ty:ty => $konst:ident {
                    var: $var:literal,
                    default: $default:expr
                    $(, values: $values:expr)?
                    $(, secret: $secret:literal)?
                    $(,)?
                }
            ),+ $(,)?
        }
    ) => {
        $(#[$struct_meta])*
        pub struct Config {
            $( $(#[doc = $doc])+ pub $field: $ty, )+
        }

        /// One constant per field of [`Config`], and [`Setting::ALL`] of them.
        impl Setting {
            $(
                #[doc = concat!("`", $var, "`: [`Config::", stringify!($field), "`].")]
                pub const $konst: Setting = Setting {
                    field: stringify!($field),
                    var: $var,
                    default: $default,
                    values: settings!(@or &[] $(, $values)?),
                    secret: settings!(@or false $(, $secret)?),
                    doc: concat!($($doc, "\n"),+),
                };
            )+
            /// Every setting, in the order of [`Config`]'s fields.
            pub const ALL: &'static [Setting] = &[$(Setting::$konst),+];
        }
    };
    (@or $default:expr) => { $default };
    (@or $default:expr, $given:expr) => { $given };
}

/// The values of a yes/no setting.
const BOOL: &[&str] = &["true", "false"];

settings! {
    /// Runtime settings. Build with [`Config::from_env`] (environment variables, then defaults),
    /// [`Config::from_lookup`], or let the CLI parse flags (each flag falls back to its
    /// variable). The fields are public: change any after reading.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Config {
        /// Database URL: sqlite://PATH (created if missing).
        database_url: String => DATABASE_URL {
            var: "DATABASE_URL",
            default: Some(DEFAULT_DATABASE_URL),
        },
        /// Address `serve` binds, host:port.
        listen: SocketAddr => LISTEN {
            var: "STRIPE_RECEIVER_LISTEN",
            default: Some(DEFAULT_LISTEN),
        },
        /// Largest accepted webhook body, bytes; larger bodies get 413 and are not processed.
        max_body: usize => MAX_BODY {
            var: "STRIPE_RECEIVER_MAX_BODY",
            default: Some("2097152"),
        },
        /// Longest time a client may take to send a request's headers, seconds (1 to 3600): from
        /// the moment the connection opens, or goes idle after an answer (a kept-alive
        /// connection waiting for its next request), to the end of the headers. Past it the
        /// connection is closed without an answer; nothing is stored (no request was received).
        header_timeout_secs: u64 => HEADER_TIMEOUT {
            var: "STRIPE_RECEIVER_HEADER_TIMEOUT",
            default: Some("10"),
        },
        /// Longest time a client may take to send a webhook's body once its headers are in,
        /// seconds (1 to 3600). Past it the request is answered 408 and nothing is stored: a
        /// body that never arrived whole is not a delivery (it cannot be verified, and Stripe
        /// retries it).
        body_timeout_secs: u64 => BODY_TIMEOUT {
            var: "STRIPE_RECEIVER_BODY_TIMEOUT",
            default: Some("20"),
        },
        /// Most client connections `serve` holds open at once (1 to 1000000); further ones wait
        /// in the listen backlog until one closes. Keep it below the process's open-file limit
        /// (`ulimit -n`) less the database pool.
        max_connections: u32 => MAX_CONNECTIONS {
            var: "STRIPE_RECEIVER_MAX_CONNECTIONS",
            default: Some("1024"),
        },
        /// A request header that carries the client IP, set by a reverse proxy you trust
        /// (e.g. x-forwarded-for; its last entry is used). Unset: the TCP peer address is recorded.
        trusted_proxy_header: Option<String> => TRUSTED_PROXY_HEADER {
            var: "STRIPE_RECEIVER_TRUSTED_PROXY_HEADER",
            default: None,
        },
        /// Longest wait for a database connection before a delivery is answered 503, seconds.
        db_timeout_secs: u64 => DB_TIMEOUT {
            var: "STRIPE_RECEIVER_DB_TIMEOUT",
            default: Some("5"),
        },
        /// Longest time the receivers of one webhook may take together, seconds. Past it the
        /// running receiver is cancelled, the webhook rolls back and is answered 500
        /// (`receiver_timeout`), so a hung receiver cannot hold the database forever.
        processing_timeout_secs: u64 => PROCESSING_TIMEOUT {
            var: "STRIPE_RECEIVER_PROCESSING_TIMEOUT",
            default: Some("30"),
        },
        /// Whether `serve` runs a job worker (the outbox). `stripe-receiver jobs work` runs one in a
        /// process of its own.
        jobs_worker: bool => JOBS_WORKER {
            var: "STRIPE_RECEIVER_JOBS_WORKER",
            default: Some("true"),
            values: BOOL,
        },
        /// Attempts a job gets before it is dead (kept, listed by `jobs list --dead`).
        job_max_attempts: u32 => JOB_MAX_ATTEMPTS {
            var: "STRIPE_RECEIVER_JOB_MAX_ATTEMPTS",
            default: Some("8"),
        },
        /// Wait before a job's first retry, milliseconds; doubles with each further retry, capped
        /// at one hour.
        job_backoff_ms: u64 => JOB_BACKOFF_MS {
            var: "STRIPE_RECEIVER_JOB_BACKOFF_MS",
            default: Some("2000"),
        },
        /// A running attempt's lease, seconds: an attempt not finished by then (a crashed worker)
        /// is taken again, and the job fn is cancelled at that time.
        job_lease_secs: u64 => JOB_LEASE_SECS {
            var: "STRIPE_RECEIVER_JOB_LEASE_SECS",
            default: Some("300"),
        },
        /// How often an idle worker looks for due jobs, milliseconds (a webhook that enqueues jobs
        /// wakes the worker of its own process at once).
        job_poll_ms: u64 => JOB_POLL_MS {
            var: "STRIPE_RECEIVER_JOB_POLL_MS",
            default: Some("1000"),
        },
        /// Serve Prometheus metrics at `GET /metrics` on the webhook router (off by default).
        metrics: bool => METRICS {
            var: "STRIPE_RECEIVER_METRICS",
            default: Some("false"),
            values: BOOL,
        },
        /// Stripe API secret key for test mode (`sk_test_...` or `rk_test_...`), handed to
        /// lifecycle hooks of test-mode endpoints. Never printed (help and `Debug` included).
        stripe_test_secret_key: Option<ApiKey> => STRIPE_TEST_SECRET_KEY {
            var: "STRIPE_TEST_SECRET_KEY",
            default: None,
            secret: true,
        },
        /// Stripe API secret key for live mode (`sk_live_...` or `rk_live_...`), handed to
        /// lifecycle hooks of live-mode endpoints. Never printed (help and `Debug` included).
        stripe_live_secret_key: Option<ApiKey> => STRIPE_LIVE_SECRET_KEY {
            var: "STRIPE_LIVE_SECRET_KEY",
            default: None,
            secret: true,
        },
        /// Base URL of the Stripe API; every call of the API client goes there (a local test
        /// server in tests).
        stripe_api_base: String => STRIPE_API_BASE {
            var: "STRIPE_API_BASE",
            default: Some("https://api.stripe.com"),
        },
        /// `Stripe-Version` sent on every API call and pinned on endpoints created on Stripe.
        stripe_api_version: String => STRIPE_API_VERSION {
            var: "STRIPE_API_VERSION",
            default: Some("2026-10-28.endive"),
        },
        /// When the built-in sync re-fetches an object from Stripe instead of trusting the
        /// event's copy: `ties` (two events about one object in the same second that their
        /// meaning cannot order), `always`, or `never`. Needs the API key of the event's mode;
        /// an endpoint's own setting overrides this one.
        refetch: Refetch => REFETCH {
            var: "STRIPE_RECEIVER_REFETCH",
            default: Some("never"),
            values: &["ties", "always", "never"],
        },
        /// PostgreSQL: size of the connection pool (webhooks processed at once).
        db_max_connections: u32 => DB_MAX_CONNECTIONS {
            var: "STRIPE_RECEIVER_DB_MAX_CONNECTIONS",
            default: Some("10"),
        },
        /// Group commit: webhooks that arrive while the writer is busy are processed together in
        /// one transaction, each inside its own savepoint, and committed with one durable commit
        /// (one fsync for the batch). `auto` turns it on for SQLite (which has one writer anyway)
        /// and off for PostgreSQL; `on` for either, `off` for neither. The README's "Processing
        /// contract" says what it changes.
        group_commit: GroupCommit => GROUP_COMMIT {
            var: "STRIPE_RECEIVER_GROUP_COMMIT",
            default: Some("auto"),
            values: &["auto", "on", "off"],
        },
        /// Group commit: the most webhooks one batch (one transaction) holds, 1 to 10000.
        group_commit_max_batch: u32 => GROUP_COMMIT_MAX_BATCH {
            var: "STRIPE_RECEIVER_GROUP_COMMIT_MAX_BATCH",
            default: Some("64"),
        },
        /// Group commit on PostgreSQL: how many batches run at once, each on a connection of its
        /// own from the pool (SQLite always runs one), 1 to 1000. More than one lets batches lock
        /// each other out on a row they both write (PostgreSQL breaks such a deadlock after its
        /// `deadlock_timeout`, 1 s by default, and the webhook is retried), which delays the
        /// queue.
        group_commit_writers: u32 => GROUP_COMMIT_WRITERS {
            var: "STRIPE_RECEIVER_GROUP_COMMIT_WRITERS",
            default: Some("1"),
        },
    }
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
///
/// Written `auto`, `on` or `off` ([`FromStr`], [`GroupCommit::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// The value as written in `STRIPE_RECEIVER_GROUP_COMMIT`: `auto`, `on` or `off`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::On => "on",
            Self::Off => "off",
        }
    }
}

impl FromStr for GroupCommit {
    type Err = String;

    /// `auto`, `on` or `off` (lowercase); anything else is an error naming the three.
    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "auto" => Ok(Self::Auto),
            "on" => Ok(Self::On),
            "off" => Ok(Self::Off),
            _ => Err(expected_one_of(Setting::GROUP_COMMIT.values)),
        }
    }
}

impl fmt::Display for GroupCommit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When the built-in sync re-fetches an object from Stripe ([`Config::refetch`]), written
/// `ties`, `always` or `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refetch {
    /// Only when two events about one object share a second and nothing else orders them.
    Ties,
    /// For every event's own object (not the objects nested in it), except on `*.deleted`:
    /// Stripe's current copy is stored, never the event's (dj-stripe's behaviour).
    Always,
    /// Never; a remaining tie goes to the event delivered last.
    Never,
}

impl Refetch {
    /// `ties`, `always` or `never`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ties => "ties",
            Self::Always => "always",
            Self::Never => "never",
        }
    }
}

impl FromStr for Refetch {
    type Err = String;

    /// `ties`, `always` or `never` (lowercase); anything else is an error naming the three.
    fn from_str(value: &str) -> Result<Self, String> {
        match value {
            "ties" => Ok(Self::Ties),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            _ => Err(expected_one_of(Setting::REFETCH.values)),
        }
    }
}

impl fmt::Display for Refetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the settings could not be read. Names the variable; never contains a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A variable's value does not parse.
    #[error("{}", invalid_value(.setting.var, .value.as_deref(), .reason))]
    Invalid {
        /// The setting.
        setting: &'static Setting,
        /// The value, or `None` for a [secret](Setting::secret), which is never shown.
        value: Option<String>,
        /// What is wrong with it.
        reason: String,
    },
    /// A variable holds bytes that are not UTF-8.
    #[error("{var} is not valid UTF-8", var = .setting.var)]
    NotUnicode {
        /// The setting.
        setting: &'static Setting,
    },
    /// A setting without a default is unset but needed.
    #[error("{var} is not set", var = .setting.var)]
    Missing {
        /// The setting.
        setting: &'static Setting,
    },
}

impl ConfigError {
    /// The setting the error is about.
    #[must_use]
    pub fn setting(&self) -> &'static Setting {
        match *self {
            Self::Invalid { setting, .. }
            | Self::NotUnicode { setting }
            | Self::Missing { setting } => setting,
        }
    }
}

/// The message of [`ConfigError::Invalid`], with the setting called `name` (its variable, or
/// the CLI's flag and variable): quotes the value, or says that a secret's value is not shown.
pub(crate) fn invalid_value(name: &str, value: Option<&str>, reason: &str) -> String {
    match value {
        Some(value) => format!("invalid value '{value}' for {name}: {reason}"),
        None => format!("invalid value for {name} (the value is not shown): {reason}"),
    }
}

impl Config {
    /// Reads the settings from the process environment, with the documented defaults.
    ///
    /// A variable set to the empty string is a value (an empty `DATABASE_URL`, say), not unset.
    ///
    /// # Errors
    /// [`ConfigError`], naming the first variable whose value does not parse (or is not UTF-8).
    pub fn from_env() -> Result<Self, ConfigError> {
        for setting in Setting::ALL {
            if let Err(std::env::VarError::NotUnicode(_)) = std::env::var(setting.var) {
                return Err(ConfigError::NotUnicode { setting });
            }
        }
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads the settings from `lookup`, which maps a variable's name (e.g.
    /// `STRIPE_RECEIVER_LISTEN`) to its value, `None` when unset; unset settings take their
    /// defaults. `Config::from_lookup(|_| None)` is the defaults alone.
    ///
    /// # Errors
    /// [`ConfigError`], naming the first variable whose value does not parse.
    pub fn from_lookup(
        mut lookup: impl FnMut(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut read = |setting: &'static Setting| Read {
            setting,
            value: lookup(setting.var).or_else(|| setting.default.map(str::to_owned)),
        };
        Ok(Self {
            database_url: read(&Setting::DATABASE_URL)
                .required(|v| Ok::<_, String>(v.to_owned()))?,
            listen: read(&Setting::LISTEN).required(SocketAddr::from_str)?,
            max_body: read(&Setting::MAX_BODY).required(usize::from_str)?,
            header_timeout_secs: read(&Setting::HEADER_TIMEOUT)
                .required(|v| number_in(v, 1, 3600))?,
            body_timeout_secs: read(&Setting::BODY_TIMEOUT).required(|v| number_in(v, 1, 3600))?,
            max_connections: read(&Setting::MAX_CONNECTIONS)
                .required(|v| number_in(v, 1, 1_000_000))?,
            trusted_proxy_header: read(&Setting::TRUSTED_PROXY_HEADER)
                .optional(|v| Ok::<_, String>(v.to_owned()))?,
            db_timeout_secs: read(&Setting::DB_TIMEOUT).required(u64::from_str)?,
            processing_timeout_secs: read(&Setting::PROCESSING_TIMEOUT).required(u64::from_str)?,
            jobs_worker: read(&Setting::JOBS_WORKER).required(parse_bool)?,
            job_max_attempts: read(&Setting::JOB_MAX_ATTEMPTS).required(u32::from_str)?,
            job_backoff_ms: read(&Setting::JOB_BACKOFF_MS).required(u64::from_str)?,
            job_lease_secs: read(&Setting::JOB_LEASE_SECS).required(u64::from_str)?,
            job_poll_ms: read(&Setting::JOB_POLL_MS).required(u64::from_str)?,
            metrics: read(&Setting::METRICS).required(parse_metrics)?,
            stripe_test_secret_key: read(&Setting::STRIPE_TEST_SECRET_KEY)
                .optional(ApiKey::parse_test)?,
            stripe_live_secret_key: read(&Setting::STRIPE_LIVE_SECRET_KEY)
                .optional(ApiKey::parse_live)?,
            stripe_api_base: read(&Setting::STRIPE_API_BASE).required(parse_api_base)?,
            stripe_api_version: read(&Setting::STRIPE_API_VERSION).required(parse_api_version)?,
            refetch: read(&Setting::REFETCH).required(Refetch::from_str)?,
            db_max_connections: read(&Setting::DB_MAX_CONNECTIONS).required(u32::from_str)?,
            group_commit: read(&Setting::GROUP_COMMIT).required(GroupCommit::from_str)?,
            group_commit_max_batch: read(&Setting::GROUP_COMMIT_MAX_BATCH)
                .required(|v| number_in(v, 1, 10_000))?,
            group_commit_writers: read(&Setting::GROUP_COMMIT_WRITERS)
                .required(|v| number_in(v, 1, 1_000))?,
        })
    }

    /// [`Config::header_timeout_secs`] as a [`Duration`].
    #[must_use]
    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout_secs)
    }

    /// [`Config::body_timeout_secs`] as a [`Duration`].
    #[must_use]
    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout_secs)
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

/// One setting's value as read: the variable's, else the default, else none.
struct Read {
    setting: &'static Setting,
    value: Option<String>,
}

impl Read {
    /// The parsed value of a setting that has one (a default, at least).
    fn required<T, E: fmt::Display>(
        self,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, ConfigError> {
        let setting = self.setting;
        self.optional(parse)?
            .ok_or(ConfigError::Missing { setting })
    }

    /// The parsed value, `None` when unset.
    fn optional<T, E: fmt::Display>(
        self,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ConfigError> {
        let Some(value) = self.value else {
            return Ok(None);
        };
        parse(&value)
            .map(Some)
            .map_err(|reason| ConfigError::Invalid {
                setting: self.setting,
                value: (!self.setting.secret).then_some(value.clone()),
                reason: reason.to_string(),
            })
    }
}

/// `true` or `false`, exactly.
/// A Stripe API version: a date `YYYY-MM-DD`, followed since 2024 by `.` and the release's
/// name (`2026-10-28.endive`), as Stripe's "API versioning" page writes them.
fn parse_api_version(value: &str) -> Result<String, String> {
    let (date, name) = value.split_once('.').unwrap_or((value, "x"));
    let date_ok = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() && date.len() == 10;
    let name_ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase());
    if date_ok && name_ok {
        Ok(value.to_owned())
    } else {
        Err("expected a Stripe API version such as 2026-10-28.endive or 2020-08-27".into())
    }
}

/// An http(s) URL without a trailing slash (a trailing `/` is dropped).
fn parse_api_base(value: &str) -> Result<String, String> {
    let url = url::Url::parse(value).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err("expected an http:// or https:// URL".into());
    }
    Ok(value.trim_end_matches('/').to_owned())
}

fn parse_bool(value: &str) -> Result<bool, String> {
    bool::from_str(value).map_err(|_| expected_one_of(BOOL))
}

/// `STRIPE_RECEIVER_METRICS`: `true` only in a build with the `metrics` cargo feature, so that a
/// build without it does not silently serve no `/metrics`.
fn parse_metrics(value: &str) -> Result<bool, String> {
    let on = parse_bool(value)?;
    if on && !cfg!(feature = "metrics") {
        return Err(
            "this build has no metrics (cargo feature `metrics` of stripe-receiver)".into(),
        );
    }
    Ok(on)
}

/// A whole number from `min` to `max`, both included.
fn number_in<T>(value: &str, min: T, max: T) -> Result<T, String>
where
    T: FromStr + PartialOrd + Copy + fmt::Display,
    T::Err: fmt::Display,
{
    let n = T::from_str(value).map_err(|e| e.to_string())?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is not in {min}..={max}"))
    }
}

fn expected_one_of(values: &[&str]) -> String {
    format!("expected one of: {}", values.join(", "))
}

/// A value for every setting, by variable, other than its default where the build allows (tests
/// of each reader of the settings: [`Config::from_lookup`] and the CLI's flags).
#[cfg(test)]
pub(crate) const EVERY_SETTING: &[(&str, &str)] = &[
    ("DATABASE_URL", "postgres://u@h/db"),
    ("STRIPE_RECEIVER_LISTEN", "0.0.0.0:9"),
    ("STRIPE_RECEIVER_MAX_BODY", "17"),
    ("STRIPE_RECEIVER_HEADER_TIMEOUT", "3"),
    ("STRIPE_RECEIVER_BODY_TIMEOUT", "4"),
    ("STRIPE_RECEIVER_MAX_CONNECTIONS", "5"),
    ("STRIPE_RECEIVER_TRUSTED_PROXY_HEADER", "x-forwarded-for"),
    ("STRIPE_RECEIVER_DB_TIMEOUT", "7"),
    ("STRIPE_RECEIVER_PROCESSING_TIMEOUT", "11"),
    ("STRIPE_RECEIVER_JOBS_WORKER", "false"),
    ("STRIPE_RECEIVER_JOB_MAX_ATTEMPTS", "3"),
    ("STRIPE_RECEIVER_JOB_BACKOFF_MS", "40"),
    ("STRIPE_RECEIVER_JOB_LEASE_SECS", "50"),
    ("STRIPE_RECEIVER_JOB_POLL_MS", "60"),
    // `true` is refused by a build without metrics.
    (
        "STRIPE_RECEIVER_METRICS",
        if cfg!(feature = "metrics") {
            "true"
        } else {
            "false"
        },
    ),
    ("STRIPE_TEST_SECRET_KEY", "sk_test_abc"),
    ("STRIPE_LIVE_SECRET_KEY", "rk_live_def"),
    ("STRIPE_API_BASE", "http://127.0.0.1:12111/"),
    ("STRIPE_API_VERSION", "2020-08-27"),
    ("STRIPE_RECEIVER_REFETCH", "ties"),
    ("STRIPE_RECEIVER_DB_MAX_CONNECTIONS", "4"),
    ("STRIPE_RECEIVER_GROUP_COMMIT", "off"),
    ("STRIPE_RECEIVER_GROUP_COMMIT_MAX_BATCH", "10000"),
    ("STRIPE_RECEIVER_GROUP_COMMIT_WRITERS", "2"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&str, &str)]) -> impl FnMut(&str) -> Option<String> + 'a {
        move |var| {
            pairs
                .iter()
                .find(|(name, _)| *name == var)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn defaults() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.listen, DEFAULT_LISTEN.parse().unwrap());
        assert_eq!(config.max_body, DEFAULT_MAX_BODY);
        assert_eq!(config.trusted_proxy_header, None);
        assert_eq!(config.db_timeout(), Duration::from_secs(5));
        assert_eq!(config.processing_timeout_secs, 30);
        assert!(config.jobs_worker);
        assert_eq!(config.job_max_attempts, 8);
        assert_eq!(config.job_backoff_ms, 2000);
        assert_eq!(config.job_lease_secs, 300);
        assert_eq!(config.job_poll_ms, 1000);
        assert!(!config.metrics);
        assert_eq!(config.stripe_test_secret_key, None);
        assert_eq!(config.stripe_live_secret_key, None);
        assert_eq!(config.stripe_api_base, "https://api.stripe.com");
        assert_eq!(config.stripe_api_version, "2026-10-28.endive");
        assert_eq!(config.refetch, Refetch::Never);
        assert_eq!(config.db_max_connections, 10);
        assert_eq!(config.group_commit, GroupCommit::Auto);
        assert_eq!(config.group_commit_max_batch, 64);
        assert_eq!(config.group_commit_writers, 1);
        assert_eq!(config.header_timeout(), Duration::from_secs(10));
        assert_eq!(config.body_timeout(), Duration::from_secs(20));
        assert_eq!(config.max_connections, 1024);
    }

    #[test]
    fn each_variable_is_read() {
        let config = Config::from_lookup(lookup(EVERY_SETTING)).unwrap();
        assert_eq!(config.database_url, "postgres://u@h/db");
        assert_eq!(config.listen, "0.0.0.0:9".parse().unwrap());
        assert_eq!(config.max_body, 17);
        assert_eq!(config.header_timeout_secs, 3);
        assert_eq!(config.body_timeout_secs, 4);
        assert_eq!(config.max_connections, 5);
        assert_eq!(config.stripe_api_base, "http://127.0.0.1:12111");
        assert_eq!(config.stripe_api_version, "2020-08-27");
        assert_eq!(config.refetch, Refetch::Ties);
        assert_eq!(
            config.trusted_proxy_header.as_deref(),
            Some("x-forwarded-for")
        );
        assert_eq!(config.db_timeout_secs, 7);
        assert_eq!(config.processing_timeout_secs, 11);
        assert!(!config.jobs_worker);
        assert_eq!(config.job_max_attempts, 3);
        assert_eq!(config.job_backoff_ms, 40);
        assert_eq!(config.job_lease_secs, 50);
        assert_eq!(config.job_poll_ms, 60);
        assert_eq!(config.metrics, cfg!(feature = "metrics"));
        assert_eq!(
            config.api_key(false).map(ApiKey::expose),
            Some("sk_test_abc")
        );
        assert_eq!(
            config.api_key(true).map(ApiKey::expose),
            Some("rk_live_def")
        );
        assert_eq!(config.db_max_connections, 4);
        assert_eq!(config.group_commit, GroupCommit::Off);
        assert_eq!(config.group_commit_max_batch, 10_000);
        assert_eq!(config.group_commit_writers, 2);
    }

    #[test]
    fn every_setting_is_read_by_its_variable() {
        // A bad value in each variable alone fails, naming that variable: none is left unread.
        for setting in Setting::ALL {
            let error = Config::from_lookup(lookup(&[(setting.var, "\u{1}bad")]));
            let is_free_text = matches!(setting.field, "database_url" | "trusted_proxy_header");
            if is_free_text {
                assert!(error.is_ok(), "{}", setting.var);
                continue;
            }
            let error = error.expect_err(setting.var);
            assert_eq!(error.setting(), setting);
            assert!(error.to_string().contains(setting.var), "{error}");
        }
    }

    #[test]
    fn invalid_values_name_the_variable_and_the_reason() {
        let cases = [
            ("STRIPE_RECEIVER_MAX_BODY", "2MB", "invalid value '2MB' for STRIPE_RECEIVER_MAX_BODY: invalid digit found in string"),
            ("STRIPE_RECEIVER_LISTEN", "8000", "invalid value '8000' for STRIPE_RECEIVER_LISTEN: invalid socket address syntax"),
            ("STRIPE_RECEIVER_METRICS", "yes", "invalid value 'yes' for STRIPE_RECEIVER_METRICS: expected one of: true, false"),
            ("STRIPE_RECEIVER_GROUP_COMMIT", "Auto", "invalid value 'Auto' for STRIPE_RECEIVER_GROUP_COMMIT: expected one of: auto, on, off"),
            ("STRIPE_RECEIVER_GROUP_COMMIT_MAX_BATCH", "0", "invalid value '0' for STRIPE_RECEIVER_GROUP_COMMIT_MAX_BATCH: 0 is not in 1..=10000"),
            ("STRIPE_RECEIVER_GROUP_COMMIT_WRITERS", "1001", "invalid value '1001' for STRIPE_RECEIVER_GROUP_COMMIT_WRITERS: 1001 is not in 1..=1000"),
            ("STRIPE_RECEIVER_DB_TIMEOUT", "", "invalid value '' for STRIPE_RECEIVER_DB_TIMEOUT: cannot parse integer from empty string"),
            ("STRIPE_API_BASE", "api.stripe.com", "invalid value 'api.stripe.com' for STRIPE_API_BASE: relative URL without a base"),
            ("STRIPE_API_BASE", "ftp://api.stripe.com", "invalid value 'ftp://api.stripe.com' for STRIPE_API_BASE: expected an http:// or https:// URL"),
            ("STRIPE_API_VERSION", "2026-13-01", "invalid value '2026-13-01' for STRIPE_API_VERSION: expected a Stripe API version such as 2026-10-28.endive or 2020-08-27"),
            ("STRIPE_API_VERSION", "latest", "invalid value 'latest' for STRIPE_API_VERSION: expected a Stripe API version such as 2026-10-28.endive or 2020-08-27"),
            ("STRIPE_RECEIVER_REFETCH", "yes", "invalid value 'yes' for STRIPE_RECEIVER_REFETCH: expected one of: ties, always, never"),
        ];
        for (var, value, message) in cases {
            let error = Config::from_lookup(lookup(&[(var, value)])).unwrap_err();
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn a_rejected_api_key_is_named_not_shown() {
        for (variable, key) in [
            ("STRIPE_TEST_SECRET_KEY", "sk_live_51SECRETVALUE"),
            ("STRIPE_LIVE_SECRET_KEY", "sk_test_51SECRETVALUE"),
            ("STRIPE_TEST_SECRET_KEY", "pk_test_51SECRETVALUE"),
            ("STRIPE_TEST_SECRET_KEY", "sk_test_51SECRET VALUE"),
        ] {
            let Err(error) = Config::from_lookup(lookup(&[(variable, key)])) else {
                panic!("{key} was accepted for {variable}");
            };
            let text = format!("{error} {error:?}");
            assert!(!text.contains("51SECRET"), "the key leaked: {text}");
            assert!(
                text.contains(variable) && text.contains("not shown"),
                "{text}"
            );
        }
    }

    #[test]
    fn group_commit_values_round_trip() {
        for value in Setting::GROUP_COMMIT.values {
            assert_eq!(GroupCommit::from_str(value).unwrap().as_str(), *value);
        }
    }

    #[test]
    fn settings_are_described() {
        assert_eq!(Setting::LISTEN.flag(), "listen");
        assert_eq!(Setting::DB_TIMEOUT.flag(), "db-timeout-secs");
        assert_eq!(
            Setting::JOB_MAX_ATTEMPTS.help(),
            "Attempts a job gets before it is dead (kept, listed by `jobs list --dead`)."
        );
        let mut vars: Vec<&str> = Setting::ALL.iter().map(|s| s.var).collect();
        vars.sort_unstable();
        vars.dedup();
        assert_eq!(vars.len(), Setting::ALL.len(), "a variable is used twice");
    }
}

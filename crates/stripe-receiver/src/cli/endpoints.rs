//! `stripe-receiver endpoints ...`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;
use uuid::Uuid;

use super::{output, CliError};
use crate::config::Refetch;
use crate::endpoint::{webhook_url, Endpoint, NewEndpoint, ValidationMode};
use crate::event_types;
use crate::runtime::Runtime;
use crate::signature::{Secret, DEFAULT_TOLERANCE_SECS};
use crate::store::endpoints::{self, Deleted, EndpointChange};

#[derive(Debug, Subcommand)]
pub enum EndpointsCommand {
    /// Create a local-only endpoint (no Stripe call), e.g. for `stripe listen --forward-to`.
    /// Prints its uuid, url and secret.
    AddLocal(AddLocalArgs),
    /// List endpoints.
    List {
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Show one endpoint (secrets redacted unless --reveal-secrets).
    Show {
        /// The endpoint's UUID.
        uuid: Uuid,
        /// Print the signing secrets themselves.
        #[arg(long)]
        reveal_secrets: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Create an endpoint on Stripe (POST /v1/webhook_endpoints) at <base-url>/webhooks/<new
    /// uuid> and store it with the id and signing secret Stripe returns. Needs the key of the
    /// mode (STRIPE_TEST_SECRET_KEY, or STRIPE_LIVE_SECRET_KEY with --livemode).
    Create(CreateArgs),
    /// Change an endpoint: on Stripe first for an endpoint created there, then here.
    Update(UpdateArgs),
    /// Delete an endpoint: on Stripe first for an endpoint created there (a 404 means it was gone
    /// already), then here. Its deliveries and their events are kept: a row deliveries refer to
    /// stays as a disabled tombstone.
    Delete {
        /// The endpoint's UUID.
        uuid: Uuid,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Bring the endpoints of one mode and account in line with Stripe's list (status, URL,
    /// events, API version; secrets are kept); report the ones on one side only.
    Sync(SyncArgs),
    /// Disable an endpoint: its URL answers 404 from now on, and an endpoint on Stripe is
    /// disabled there too. Nothing is deleted.
    Disable {
        /// The endpoint's UUID.
        uuid: Uuid,
    },
    /// Enable a disabled endpoint again (on Stripe too, for an endpoint created there).
    Enable {
        /// The endpoint's UUID.
        uuid: Uuid,
    },
    /// Add a new signing secret; the current ones stay valid until they expire (a roll without
    /// downtime: switch the sender to the new secret within that time). Prints the new secret.
    /// Stripe's API cannot roll the secret of an endpoint on Stripe: roll it in the Dashboard
    /// and pass the new secret with --secret.
    RollSecret {
        /// The endpoint's UUID.
        uuid: Uuid,
        /// The new secret (for an endpoint on Stripe: the one the Dashboard shows after its
        /// roll); generated if omitted, for a local endpoint only.
        #[arg(long)]
        secret: Option<String>,
        /// Seconds the current secrets stay valid; 0 retires them at once. For an endpoint on
        /// Stripe, the delay chosen in the Dashboard's roll.
        #[arg(long, default_value_t = 86_400)]
        expire_old_after: u64,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The public https base URL Stripe will post to; the endpoint's URL is
    /// <base-url>/webhooks/<uuid>. Not localhost nor a private address: for those, add-local.
    #[arg(long)]
    base_url: String,
    /// Create it on this connected account (sent as Stripe-Account, with the platform's key).
    #[arg(long, value_name = "acct_...")]
    account: Option<String>,
    /// Live mode, with STRIPE_LIVE_SECRET_KEY (default: test mode, STRIPE_TEST_SECRET_KEY).
    #[arg(long)]
    livemode: bool,
    /// The event types to enable, comma separated; families such as `charge.*` are expanded,
    /// `*` is every type. Default: exactly the types your linked receivers subscribe to.
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    enabled_events: Option<Vec<String>>,
    /// Admit event types the bundled list does not know (newer than this build).
    #[arg(long, requires = "enabled_events")]
    unchecked_events: bool,
    /// The API version Stripe renders this endpoint's events in (default: STRIPE_API_VERSION).
    #[arg(long)]
    api_version: Option<String>,
    /// Receive the events of your connected accounts (a Connect endpoint).
    #[arg(long)]
    connect: bool,
    /// A description, kept on Stripe.
    #[arg(long)]
    description: Option<String>,
    /// Signature timestamp tolerance, seconds; 0 disables the time check.
    #[arg(long, default_value_t = DEFAULT_TOLERANCE_SECS)]
    tolerance: u64,
    /// How deliveries are validated.
    #[arg(long, value_enum, default_value_t = ValidationMode::VerifySignature)]
    validation: ValidationMode,
    /// When the built-in sync re-fetches objects from Stripe for this endpoint's events:
    /// ties, always or never (default: STRIPE_RECEIVER_REFETCH, the global --refetch).
    #[arg(long, value_name = "ties|always|never")]
    endpoint_refetch: Option<Refetch>,
    /// Print one JSON document (the endpoint, secrets redacted).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The endpoint's UUID.
    uuid: Uuid,
    /// A new base URL: the URL becomes <base-url>/webhooks/<uuid> (same UUID). Public https
    /// for an endpoint on Stripe.
    #[arg(long, visible_alias = "url-base")]
    base_url: Option<String>,
    /// New event types, comma separated (families expanded, `*` for all).
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    enabled_events: Option<Vec<String>>,
    /// Admit event types the bundled list does not know (newer than this build).
    #[arg(long, requires = "enabled_events")]
    unchecked_events: bool,
    /// Enable the endpoint.
    #[arg(long, conflicts_with = "disable")]
    enable: bool,
    /// Disable the endpoint (its URL answers 404; Stripe stops sending).
    #[arg(long)]
    disable: bool,
    /// A new description (endpoints on Stripe only).
    #[arg(long)]
    description: Option<String>,
    /// Print one JSON document (the endpoint, secrets redacted).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The connected account whose endpoints to sync (default: the platform's own).
    #[arg(long, value_name = "acct_...")]
    account: Option<String>,
    /// Live mode (default: test mode).
    #[arg(long)]
    livemode: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AddLocalArgs {
    /// The signing secret (e.g. the one `stripe listen` prints); a new one is generated if omitted.
    #[arg(long)]
    secret: Option<String>,
    /// Signature timestamp tolerance, seconds; 0 disables the time check.
    #[arg(long, default_value_t = DEFAULT_TOLERANCE_SECS)]
    tolerance: u64,
    /// Receive live-mode events (default: test mode).
    #[arg(long)]
    livemode: bool,
    /// Base URL of the endpoint's URL (default: http://<listen address>).
    #[arg(long)]
    base_url: Option<String>,
    /// How deliveries are validated.
    #[arg(long, value_enum, default_value_t = ValidationMode::VerifySignature)]
    validation: ValidationMode,
    /// When the built-in sync re-fetches objects from Stripe for this endpoint's events:
    /// ties, always or never (default: STRIPE_RECEIVER_REFETCH, the global --refetch).
    #[arg(long, value_name = "ties|always|never")]
    endpoint_refetch: Option<Refetch>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

/// An endpoint as printed. Secrets appear only when revealed.
#[derive(Serialize)]
struct EndpointView<'a> {
    uuid: Uuid,
    url: &'a str,
    stripe_id: Option<&'a str>,
    enabled: bool,
    livemode: bool,
    tolerance_secs: u64,
    validation: &'static str,
    api_version: Option<&'a str>,
    enabled_events: &'a [String],
    account: Option<&'a str>,
    /// `None`: as STRIPE_RECEIVER_REFETCH says.
    refetch: Option<&'static str>,
    secrets: Vec<SecretView>,
    created_at: String,
    updated_at: String,
    deleted_at: Option<String>,
}

#[derive(Serialize)]
struct SecretView {
    secret: String,
    expires_at: Option<i64>,
}

fn view(e: &Endpoint, reveal: bool) -> EndpointView<'_> {
    EndpointView {
        uuid: e.uuid,
        url: &e.url,
        stripe_id: e.stripe_id.as_deref(),
        enabled: e.enabled,
        livemode: e.livemode,
        tolerance_secs: e.tolerance_secs,
        validation: e.validation.as_str(),
        api_version: e.api_version.as_deref(),
        enabled_events: &e.enabled_events,
        account: e.account.as_deref(),
        refetch: e.refetch.map(Refetch::as_str),
        secrets: e
            .secrets
            .iter()
            .map(|s| SecretView {
                secret: if reveal {
                    s.secret.expose().to_owned()
                } else {
                    s.secret.to_string()
                },
                expires_at: s.expires_at,
            })
            .collect(),
        created_at: crate::store::format_time(e.created_at),
        updated_at: crate::store::format_time(e.updated_at),
        deleted_at: e.deleted_at.map(crate::store::format_time),
    }
}

pub(super) async fn run(runtime: &Runtime, cmd: EndpointsCommand) -> Result<ExitCode, CliError> {
    let db = runtime.db();
    match cmd {
        EndpointsCommand::AddLocal(args) => add_local(runtime, args).await?,
        EndpointsCommand::Create(args) => create(runtime, args).await?,
        EndpointsCommand::Update(args) => update(runtime, args).await?,
        EndpointsCommand::Delete { uuid, json } => delete(runtime, uuid, json).await?,
        EndpointsCommand::Sync(args) => sync(runtime, args).await?,
        EndpointsCommand::List { json } => {
            let list = endpoints::list(db).await?;
            if json {
                output::json(&list.iter().map(|e| view(e, false)).collect::<Vec<_>>());
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|e| {
                        vec![
                            e.uuid.to_string(),
                            state(e).into(),
                            if e.livemode { "live" } else { "test" }.into(),
                            output::or_dash(e.stripe_id.as_deref()),
                            e.url.clone(),
                        ]
                    })
                    .collect();
                output::table(&["UUID", "STATE", "MODE", "STRIPE ID", "URL"], &rows);
            }
        }
        EndpointsCommand::Show {
            uuid,
            reveal_secrets,
            json,
        } => {
            let endpoint = live_or_deleted(runtime, uuid).await?;
            let v = view(&endpoint, reveal_secrets);
            if json {
                output::json(&v);
            } else {
                print_endpoint(&v);
            }
        }
        EndpointsCommand::Disable { uuid } => {
            set_enabled(runtime, uuid, false).await?;
            outln!("endpoint {uuid} disabled: its URL now answers 404");
        }
        EndpointsCommand::Enable { uuid } => {
            set_enabled(runtime, uuid, true).await?;
            outln!("endpoint {uuid} enabled");
        }
        EndpointsCommand::RollSecret {
            uuid,
            secret,
            expire_old_after,
        } => {
            let endpoint = live_or_deleted(runtime, uuid).await?;
            let new = secret.map(Secret::new).transpose()?;
            let now = chrono::Utc::now().timestamp();
            let (new, secrets) = endpoint.roll_secret(new, now, expire_old_after)?;
            if !endpoints::set_secrets(db, uuid, &secrets).await? {
                return Err(format!("endpoint {uuid} was deleted meanwhile").into());
            }
            outln!("secret: {}", new.expose());
            match secrets.iter().filter_map(|s| s.expires_at).max() {
                Some(until) => {
                    outln!("the previous secrets stay valid until {until} (Unix seconds)");
                }
                None => outln!("there was no previous secret"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `enabled`, `disabled` or `deleted`.
fn state(e: &Endpoint) -> &'static str {
    match (e.deleted_at.is_some(), e.enabled) {
        (true, _) => "deleted",
        (false, true) => "enabled",
        (false, false) => "disabled",
    }
}

/// The endpoint, deleted or not.
async fn live_or_deleted(runtime: &Runtime, uuid: Uuid) -> Result<Endpoint, CliError> {
    endpoints::get(runtime.db(), uuid)
        .await?
        .ok_or_else(|| format!("no endpoint {uuid}").into())
}

/// The endpoint, refused when it was deleted.
async fn live(runtime: &Runtime, uuid: Uuid) -> Result<Endpoint, CliError> {
    let endpoint = live_or_deleted(runtime, uuid).await?;
    match endpoint.deleted_at {
        Some(at) => Err(format!(
            "endpoint {uuid} was deleted at {} (its row is kept for its deliveries)",
            crate::store::format_time(at)
        )
        .into()),
        None => Ok(endpoint),
    }
}

/// The message of a command that needs the Stripe API client in a build without it.
#[cfg(not(feature = "stripe-api"))]
fn needs_stripe_api(what: &str) -> CliError {
    format!(
        "{what} needs the Stripe API client, which this build does not include (cargo feature \
         `stripe-api`); `endpoints add-local` creates an endpoint without it"
    )
    .into()
}

async fn add_local(runtime: &Runtime, args: AddLocalArgs) -> Result<(), CliError> {
    let secret = match args.secret {
        Some(s) => Secret::new(s)?,
        None => Secret::generate(),
    };
    let base = args
        .base_url
        .unwrap_or_else(|| runtime.config().local_base_url());
    check_local_base_url(&base)?;
    let mut new = NewEndpoint::local(base, secret);
    new.tolerance_secs = args.tolerance;
    new.livemode = args.livemode;
    new.validation = args.validation;
    new.refetch = args.endpoint_refetch;
    check_api_needs(runtime, new.livemode, new.validation, new.refetch)?;
    let endpoint = endpoints::create(runtime.db(), new).await?;
    if args.json {
        output::json(&view(&endpoint, true));
    } else {
        outln!("uuid:   {}", endpoint.uuid);
        outln!("url:    {}", endpoint.url);
        outln!("secret: {}", endpoint.secrets[0].secret.expose());
    }
    Ok(())
}

/// A local endpoint's base URL: any http(s) URL with a host (a local one is the point).
fn check_local_base_url(base: &str) -> Result<(), CliError> {
    match url::Url::parse(base) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(format!(
            "--base-url {base:?} is not an http(s) URL such as http://127.0.0.1:8000"
        )
        .into()),
    }
}

/// Validation mode `retrieve_event` fetches each delivered event from Stripe, and `--refetch
/// ties|always` objects, with the key of the endpoint's mode: refused without the client, or
/// without that key (every delivery would fail until it is set).
fn check_api_needs(
    runtime: &Runtime,
    livemode: bool,
    validation: ValidationMode,
    refetch: Option<Refetch>,
) -> Result<(), CliError> {
    let what = if validation == ValidationMode::RetrieveEvent {
        "validation mode retrieve_event"
    } else if refetch.is_some_and(|r| r != Refetch::Never) {
        "--endpoint-refetch ties|always"
    } else {
        return Ok(());
    };
    #[cfg(feature = "stripe-api")]
    {
        if runtime.config().api_key(livemode).is_none() {
            let var = if livemode {
                "STRIPE_LIVE_SECRET_KEY"
            } else {
                "STRIPE_TEST_SECRET_KEY"
            };
            return Err(format!(
                "{what} calls Stripe with the {} key: set {var} first",
                if livemode { "live" } else { "test" }
            )
            .into());
        }
        Ok(())
    }
    #[cfg(not(feature = "stripe-api"))]
    {
        let _ = (runtime, livemode);
        Err(needs_stripe_api(what))
    }
}

/// The `enabled_events` a command was given (validated, families expanded).
fn given_events(list: &[String], unchecked: bool) -> Result<Vec<String>, CliError> {
    Ok(event_types::from_list(list, unchecked)?)
}

async fn create(runtime: &Runtime, args: CreateArgs) -> Result<(), CliError> {
    #[cfg(not(feature = "stripe-api"))]
    {
        let _ = (runtime, args);
        Err(needs_stripe_api("endpoints create"))
    }
    #[cfg(feature = "stripe-api")]
    {
        use crate::remote_endpoints::{self, CreateOnStripe};
        use crate::stripe_api::Scope;
        // Everything that can be checked here is, before any call to Stripe.
        crate::public_url::check_public_base_url(&args.base_url)?;
        let (enabled_events, source) = match &args.enabled_events {
            Some(list) => (given_events(list, args.unchecked_events)?, "as given"),
            None => match event_types::for_registry(runtime.registry())? {
                (list, event_types::DefaultSource::Receivers) => (list, "from your receivers"),
                (list, event_types::DefaultSource::BuiltinSync) => (
                    list,
                    "no receiver of yours is linked: those of the built-in object sync",
                ),
            },
        };
        check_api_needs(
            runtime,
            args.livemode,
            args.validation,
            args.endpoint_refetch,
        )?;
        let endpoint = remote_endpoints::create(
            runtime.stripe_client(),
            runtime.db(),
            CreateOnStripe {
                base_url: args.base_url,
                scope: Scope::new(args.livemode, args.account),
                enabled_events,
                api_version: args.api_version,
                connect: args.connect,
                description: args.description,
                tolerance_secs: args.tolerance,
                validation: args.validation,
                refetch: args.endpoint_refetch,
            },
        )
        .await?;
        if args.json {
            output::json(&view(&endpoint, false));
        } else {
            outln!("uuid:        {}", endpoint.uuid);
            outln!("url:         {}", endpoint.url);
            outln!(
                "stripe id:   {}",
                output::or_dash(endpoint.stripe_id.as_deref())
            );
            outln!(
                "mode:        {}{}",
                if endpoint.livemode { "live" } else { "test" },
                endpoint
                    .account
                    .as_deref()
                    .map(|a| format!(", account {a}"))
                    .unwrap_or_default()
            );
            outln!(
                "api version: {}",
                output::or_dash(endpoint.api_version.as_deref())
            );
            outln!(
                "events:      {} ({source})",
                summary(&endpoint.enabled_events)
            );
            outln!(
                "secret:      stored (`stripe-receiver endpoints show {} --reveal-secrets` prints it)",
                endpoint.uuid
            );
        }
        Ok(())
    }
}

/// The types themselves when few, else their count (`endpoints show` lists them all).
#[cfg(feature = "stripe-api")]
fn summary(events: &[String]) -> String {
    if events.len() <= 4 {
        events.join(", ")
    } else {
        format!("{} types", events.len())
    }
}

async fn update(runtime: &Runtime, args: UpdateArgs) -> Result<(), CliError> {
    let endpoint = live(runtime, args.uuid).await?;
    let enabled_events = match &args.enabled_events {
        Some(list) => Some(given_events(list, args.unchecked_events)?),
        None => None,
    };
    let enabled = match (args.enable, args.disable) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    if args.base_url.is_none()
        && enabled_events.is_none()
        && enabled.is_none()
        && args.description.is_none()
    {
        return Err(
            "nothing to change: give --base-url, --enabled-events, --enable, --disable or \
             --description"
                .into(),
        );
    }
    let updated = if endpoint.stripe_id.is_some() {
        #[cfg(feature = "stripe-api")]
        {
            let update = crate::remote_endpoints::RemoteUpdate {
                base_url: args.base_url,
                enabled_events,
                enabled,
                description: args.description,
            };
            crate::remote_endpoints::update(
                runtime.stripe_client(),
                runtime.db(),
                args.uuid,
                &update,
            )
            .await?
        }
        #[cfg(not(feature = "stripe-api"))]
        {
            return Err(needs_stripe_api("changing an endpoint created on Stripe"));
        }
    } else {
        if args.description.is_some() {
            return Err("--description is kept on Stripe, and this endpoint is local-only".into());
        }
        let url = match &args.base_url {
            Some(base) => {
                check_local_base_url(base)?;
                Some(webhook_url(base, args.uuid))
            }
            None => None,
        };
        let change = EndpointChange {
            url,
            enabled_events,
            enabled,
            ..EndpointChange::default()
        };
        if !endpoints::change(runtime.db(), args.uuid, &change).await? {
            return Err(format!("endpoint {} was deleted meanwhile", args.uuid).into());
        }
        live_or_deleted(runtime, args.uuid).await?
    };
    if args.json {
        output::json(&view(&updated, false));
    } else {
        print_endpoint(&view(&updated, false));
    }
    Ok(())
}

/// `endpoints enable|disable`: on Stripe too for an endpoint created there.
async fn set_enabled(runtime: &Runtime, uuid: Uuid, enabled: bool) -> Result<(), CliError> {
    let endpoint = live(runtime, uuid).await?;
    if endpoint.stripe_id.is_some() {
        #[cfg(feature = "stripe-api")]
        {
            let update = crate::remote_endpoints::RemoteUpdate {
                enabled: Some(enabled),
                ..Default::default()
            };
            crate::remote_endpoints::update(runtime.stripe_client(), runtime.db(), uuid, &update)
                .await?;
            return Ok(());
        }
        #[cfg(not(feature = "stripe-api"))]
        eprintln!(
            "warning: endpoint {uuid} is on Stripe and this build has no Stripe API client: \
             changed here only, Stripe's side is as it was"
        );
    }
    if !endpoints::set_enabled(runtime.db(), uuid, enabled).await? {
        return Err(format!("endpoint {uuid} was deleted meanwhile").into());
    }
    Ok(())
}

/// What `endpoints delete` prints with `--json`.
#[derive(Serialize)]
struct DeletionView {
    uuid: Uuid,
    stripe_id: Option<String>,
    /// `deleted`, `already_gone`, or null for a local-only endpoint.
    on_stripe: Option<&'static str>,
    /// `removed` or `kept_for_deliveries`.
    local: Deleted,
}

async fn delete(runtime: &Runtime, uuid: Uuid, json: bool) -> Result<(), CliError> {
    let endpoint = live(runtime, uuid).await?;
    let view = match endpoint.stripe_id {
        Some(stripe_id) => {
            #[cfg(feature = "stripe-api")]
            {
                let done =
                    crate::remote_endpoints::delete(runtime.stripe_client(), runtime.db(), uuid)
                        .await?;
                DeletionView {
                    uuid,
                    stripe_id: Some(stripe_id),
                    on_stripe: Some(match done.on_stripe {
                        crate::remote_endpoints::OnStripe::Deleted => "deleted",
                        crate::remote_endpoints::OnStripe::AlreadyGone => "already_gone",
                    }),
                    local: done.local,
                }
            }
            #[cfg(not(feature = "stripe-api"))]
            {
                let _ = stripe_id;
                return Err(needs_stripe_api("deleting an endpoint created on Stripe"));
            }
        }
        None => DeletionView {
            uuid,
            stripe_id: None,
            on_stripe: None,
            local: endpoints::delete(runtime.db(), uuid).await?,
        },
    };
    if json {
        output::json(&view);
        return Ok(());
    }
    match (view.on_stripe, &view.stripe_id) {
        (Some("already_gone"), Some(id)) => outln!(
            "note: {id} was already gone from Stripe (404): deleted there before, e.g. in the Dashboard"
        ),
        (Some(_), Some(id)) => outln!("deleted on Stripe: {id}"),
        _ => {}
    }
    match view.local {
        Deleted::KeptForDeliveries => outln!(
            "endpoint {uuid} deleted: its URL answers 404; the row is kept, disabled and without \
             secrets, because deliveries refer to it (`deliveries list` still shows them)"
        ),
        _ => outln!("endpoint {uuid} deleted"),
    }
    Ok(())
}

async fn sync(runtime: &Runtime, args: SyncArgs) -> Result<(), CliError> {
    #[cfg(not(feature = "stripe-api"))]
    {
        let _ = (runtime, args);
        Err(needs_stripe_api("endpoints sync"))
    }
    #[cfg(feature = "stripe-api")]
    {
        let scope = crate::stripe_api::Scope::new(args.livemode, args.account);
        let report =
            crate::remote_endpoints::sync(runtime.stripe_client(), runtime.db(), &scope).await?;
        if args.json {
            output::json(&report);
            return Ok(());
        }
        outln!(
            "{} mode, {}: {} endpoint(s) on both sides, {} only on Stripe, {} gone from Stripe",
            if report.livemode { "live" } else { "test" },
            report.account.as_deref().map_or_else(
                || "the platform's account".to_owned(),
                |a| format!("account {a}")
            ),
            report.matched.len(),
            report.unknown_on_stripe.len(),
            report.gone_from_stripe.len()
        );
        for m in &report.matched {
            if m.changed.is_empty() {
                outln!("in line   {} {}", m.uuid, m.stripe_id);
            } else {
                outln!(
                    "updated   {} {}: {}",
                    m.uuid,
                    m.stripe_id,
                    m.changed.join(", ")
                );
            }
        }
        for u in &report.unknown_on_stripe {
            outln!(
                "on Stripe {} {} ({}): {}",
                u.stripe_id,
                u.url,
                u.status,
                u.note
            );
        }
        for g in &report.gone_from_stripe {
            outln!(
                "gone      {} {}: no longer on Stripe, nothing is delivered to it; left as it is \
                 (`stripe-receiver endpoints delete {}` removes it)",
                g.uuid,
                g.stripe_id,
                g.uuid
            );
        }
        Ok(())
    }
}

fn print_endpoint(v: &EndpointView<'_>) {
    outln!("uuid:            {}", v.uuid);
    outln!("url:             {}", v.url);
    outln!("stripe id:       {}", output::or_dash(v.stripe_id));
    outln!("enabled:         {}", v.enabled);
    if let Some(at) = &v.deleted_at {
        outln!("deleted at:      {at} (kept for its deliveries)");
    }
    outln!(
        "mode:            {}",
        if v.livemode { "live" } else { "test" }
    );
    outln!("tolerance:       {} s", v.tolerance_secs);
    outln!("validation:      {}", v.validation);
    outln!("api version:     {}", output::or_dash(v.api_version));
    outln!("enabled events:  {}", v.enabled_events.join(","));
    outln!("account:         {}", output::or_dash(v.account));
    outln!(
        "refetch:         {}",
        v.refetch.unwrap_or("(STRIPE_RECEIVER_REFETCH)")
    );
    for s in &v.secrets {
        match s.expires_at {
            Some(exp) => outln!("secret:          {} (expires at {exp})", s.secret),
            None => outln!("secret:          {}", s.secret),
        }
    }
    outln!("created at:      {}", v.created_at);
    outln!("updated at:      {}", v.updated_at);
}

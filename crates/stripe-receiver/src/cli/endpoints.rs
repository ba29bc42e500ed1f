//! `stripe-receiver endpoints ...`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;
use uuid::Uuid;

use super::{output, CliError};
use crate::endpoint::{Endpoint, EndpointSecret, NewEndpoint, ValidationMode};
use crate::runtime::Runtime;
use crate::signature::{Secret, DEFAULT_TOLERANCE_SECS};
use crate::store::endpoints;

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
    /// Disable an endpoint: its URL answers 404 from now on. Nothing is deleted.
    Disable {
        /// The endpoint's UUID.
        uuid: Uuid,
    },
    /// Enable a disabled endpoint again.
    Enable {
        /// The endpoint's UUID.
        uuid: Uuid,
    },
    /// Add a new signing secret; the current ones stay valid until they expire (a roll without
    /// downtime: switch the sender to the new secret within that time). Prints the new secret.
    RollSecret {
        /// The endpoint's UUID.
        uuid: Uuid,
        /// The new secret (e.g. the one Stripe shows after a roll); generated if omitted.
        #[arg(long)]
        secret: Option<String>,
        /// Seconds the current secrets stay valid; 0 retires them at once.
        #[arg(long, default_value_t = 86_400)]
        expire_old_after: u64,
    },
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
    secrets: Vec<SecretView>,
    created_at: String,
    updated_at: String,
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
    }
}

pub(super) async fn run(runtime: &Runtime, cmd: EndpointsCommand) -> Result<ExitCode, CliError> {
    let db = runtime.db();
    match cmd {
        EndpointsCommand::AddLocal(args) => {
            let secret = match args.secret {
                Some(s) => Secret::new(s)?,
                None => Secret::generate(),
            };
            let base = args
                .base_url
                .unwrap_or_else(|| runtime.config().local_base_url());
            match url::Url::parse(&base) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                _ => {
                    return Err(format!(
                        "--base-url {base:?} is not an http(s) URL such as http://127.0.0.1:8000"
                    )
                    .into())
                }
            }
            let mut new = NewEndpoint::local(base, secret);
            new.tolerance_secs = args.tolerance;
            new.livemode = args.livemode;
            new.validation = args.validation;
            if new.validation == ValidationMode::RetrieveEvent {
                return Err("validation mode retrieve_event needs the Stripe API client, which this build does not include".into());
            }
            let endpoint = endpoints::create(db, new).await?;
            if args.json {
                output::json(&view(&endpoint, true));
            } else {
                outln!("uuid:   {}", endpoint.uuid);
                outln!("url:    {}", endpoint.url);
                outln!("secret: {}", endpoint.secrets[0].secret.expose());
            }
        }
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
                            if e.enabled { "enabled" } else { "disabled" }.into(),
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
            let endpoint = endpoints::get(db, uuid)
                .await?
                .ok_or_else(|| format!("no endpoint {uuid}"))?;
            let v = view(&endpoint, reveal_secrets);
            if json {
                output::json(&v);
            } else {
                print_endpoint(&v);
            }
        }
        EndpointsCommand::Disable { uuid } => {
            if !endpoints::set_enabled(db, uuid, false).await? {
                return Err(format!("no endpoint {uuid}").into());
            }
            outln!("endpoint {uuid} disabled: its URL now answers 404");
        }
        EndpointsCommand::Enable { uuid } => {
            if !endpoints::set_enabled(db, uuid, true).await? {
                return Err(format!("no endpoint {uuid}").into());
            }
            outln!("endpoint {uuid} enabled");
        }
        EndpointsCommand::RollSecret {
            uuid,
            secret,
            expire_old_after,
        } => {
            let endpoint = endpoints::get(db, uuid)
                .await?
                .ok_or_else(|| format!("no endpoint {uuid}"))?;
            let new = match secret {
                Some(s) => Secret::new(s)?,
                None => Secret::generate(),
            };
            let expiry = chrono::Utc::now().timestamp()
                + i64::try_from(expire_old_after).unwrap_or(i64::MAX / 2);
            let mut secrets: Vec<EndpointSecret> = endpoint
                .secrets
                .into_iter()
                .map(|mut s| {
                    s.expires_at = Some(s.expires_at.map_or(expiry, |e| e.min(expiry)));
                    s
                })
                .collect();
            secrets.push(EndpointSecret {
                secret: new.clone(),
                expires_at: None,
            });
            endpoints::set_secrets(db, uuid, &secrets).await?;
            outln!("secret: {}", new.expose());
            outln!("the previous secrets stay valid until {expiry} (Unix seconds)");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_endpoint(v: &EndpointView<'_>) {
    outln!("uuid:            {}", v.uuid);
    outln!("url:             {}", v.url);
    outln!("stripe id:       {}", output::or_dash(v.stripe_id));
    outln!("enabled:         {}", v.enabled);
    outln!(
        "mode:            {}",
        if v.livemode { "live" } else { "test" }
    );
    outln!("tolerance:       {} s", v.tolerance_secs);
    outln!("validation:      {}", v.validation);
    outln!("api version:     {}", output::or_dash(v.api_version));
    outln!("enabled events:  {}", v.enabled_events.join(","));
    outln!("account:         {}", output::or_dash(v.account));
    for s in &v.secrets {
        match s.expires_at {
            Some(exp) => outln!("secret:          {} (expires at {exp})", s.secret),
            None => outln!("secret:          {}", s.secret),
        }
    }
    outln!("created at:      {}", v.created_at);
    outln!("updated at:      {}", v.updated_at);
}

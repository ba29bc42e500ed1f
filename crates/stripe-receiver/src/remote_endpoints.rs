//! Endpoints on Stripe: create, update, delete and reconcile webhook endpoints through Stripe's
//! API (feature `stripe-api`), keeping `stripe_webhook_endpoints` in step. The CLI's `endpoints
//! create|update|delete|sync` are thin wrappers of these functions. README, "Endpoints on
//! Stripe", has the rules; in short:
//!
//! - [`create`] refuses a base URL Stripe cannot reach before any call
//!   ([`check_public_base_url`]), picks a fresh UUID v4, asks Stripe for `<base>/webhooks/<uuid>`
//!   with `enabled_events`, a pinned `api_version`, `connect`, `description` and
//!   `metadata[stripe_receiver_uuid]`, and stores the answer's id and signing secret. Stripe
//!   refusing stores nothing; the local save failing deletes the endpoint on Stripe again.
//! - [`update`] and [`delete`] go to Stripe first, then change the row; a change Stripe refused
//!   changes nothing here. Local-only endpoints (no Stripe id) are changed with
//!   [`crate::store::endpoints`] alone.
//! - [`sync`] reads Stripe's list for one mode and account and brings the matching rows in line
//!   (status, URL, events, API version; never the secrets, which Stripe's API does not return);
//!   it changes nothing else, and reports what it could not match.
//!
//! Each call uses the key of the endpoint's mode and, for a connected account's endpoint,
//! `Stripe-Account` ([`Scope`]).

use std::collections::BTreeSet;

use serde::Serialize;
use uuid::Uuid;

use crate::config::Refetch;
use crate::db::Db;
use crate::endpoint::{webhook_url, Endpoint, EndpointSecret, NewEndpoint, ValidationMode};
use crate::event_types::{self, EnabledEventsError};
use crate::public_url::{check_public_base_url, PublicUrlError};
use crate::signature::{Secret, DEFAULT_TOLERANCE_SECS};
use crate::store::endpoints::{self, Deleted, EndpointChange, EndpointStoreError};
use crate::stripe_api::{
    ApiError, NewWebhookEndpoint, Scope, StripeClient, WebhookEndpoint, WebhookEndpointUpdate,
};

/// The metadata key that holds the endpoint's UUID on Stripe (`metadata[stripe_receiver_uuid]`),
/// so that [`sync`] recognises an endpoint this tool created even without its Stripe id.
pub const METADATA_UUID_KEY: &str = "stripe_receiver_uuid";

/// What [`create`] needs.
#[derive(Debug, Clone)]
pub struct CreateOnStripe {
    /// The public `https` base URL; the endpoint's URL is `<base>/webhooks/<uuid>`.
    pub base_url: String,
    /// The mode (which key) and the connected account (`Stripe-Account`), if any.
    pub scope: Scope,
    /// `enabled_events`: exact types or `*` (family patterns are expanded against the bundled
    /// list; see [`event_types`]).
    pub enabled_events: Vec<String>,
    /// The API version to pin; `None` pins the client's (`STRIPE_API_VERSION`).
    pub api_version: Option<String>,
    /// `connect`: receive the events of the platform's connected accounts.
    pub connect: bool,
    /// `description`, kept on Stripe only.
    pub description: Option<String>,
    /// Signature tolerance of the local endpoint, seconds.
    pub tolerance_secs: u64,
    /// How deliveries are validated.
    pub validation: ValidationMode,
    /// Re-fetching objects for the endpoint's events; `None` follows `STRIPE_RECEIVER_REFETCH`.
    pub refetch: Option<Refetch>,
}

impl CreateOnStripe {
    /// Test mode, the platform's account, the client's API version, not `connect`, no
    /// description, 300 s tolerance, signature verification, re-fetching as configured.
    #[must_use]
    pub fn new(base_url: impl Into<String>, enabled_events: Vec<String>) -> Self {
        Self {
            base_url: base_url.into(),
            scope: Scope::test(),
            enabled_events,
            api_version: None,
            connect: false,
            description: None,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
            validation: ValidationMode::VerifySignature,
            refetch: None,
        }
    }
}

/// What [`update`] changes on Stripe and then here; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteUpdate {
    /// A new public base URL: the URL becomes `<base>/webhooks/<uuid>` (same UUID).
    pub base_url: Option<String>,
    /// New `enabled_events` (patterns expanded).
    pub enabled_events: Option<Vec<String>>,
    /// Enable (`true`) or disable (`false`, Stripe's `disabled=true`).
    pub enabled: Option<bool>,
    /// A new description (Stripe only).
    pub description: Option<String>,
}

impl RemoteUpdate {
    /// Whether nothing would change.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Why an operation on an endpoint on Stripe failed. Where Stripe was changed and this database
/// was not, the error says so and how to bring them in line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The base URL cannot be one Stripe delivers to; nothing was sent.
    #[error(transparent)]
    BaseUrl(#[from] PublicUrlError),
    /// The event types cannot be `enabled_events`; nothing was sent.
    #[error(transparent)]
    EnabledEvents(#[from] EnabledEventsError),
    /// `--account` is not a connected account id.
    #[error("{0:?} is not a connected account id (acct_...)")]
    Account(String),
    /// No endpoint has this UUID.
    #[error("no endpoint {0}")]
    NotFound(Uuid),
    /// The endpoint was deleted (a tombstone kept for its deliveries).
    #[error("endpoint {0} was deleted")]
    Deleted(Uuid),
    /// The endpoint has no Stripe id: it is changed locally only.
    #[error(
        "endpoint {0} is local-only (it has no Stripe id): there is nothing to change on Stripe"
    )]
    NotOnStripe(Uuid),
    /// Stripe refused or failed; nothing was changed here. Stripe's message is in it.
    #[error(transparent)]
    Stripe(Box<ApiError>),
    /// Stripe does not know the endpoint any more (deleted in the Dashboard?).
    #[error(
        "endpoint {uuid} is gone from Stripe ({stripe_id} answers 404): nothing is delivered to \
         it any more; `stripe-receiver endpoints delete {uuid}` removes it here"
    )]
    GoneFromStripe {
        /// The endpoint.
        uuid: Uuid,
        /// Its former Stripe id.
        stripe_id: String,
    },
    /// Stripe created the endpoint but its answer carried no usable signing secret; the endpoint
    /// was deleted on Stripe again (or, if `cleanup` says so, could not be).
    #[error("{}", not_stored_message(stripe_id, &format!("Stripe's answer has no usable signing secret ({reason})"), cleanup.as_deref()))]
    NoSecret {
        /// Stripe's id of the endpoint it created.
        stripe_id: String,
        /// What is wrong with the secret.
        reason: String,
        /// Why deleting it on Stripe again failed, if it did.
        cleanup: Option<Box<ApiError>>,
    },
    /// Stripe created the endpoint, storing it here failed; the endpoint was deleted on Stripe
    /// again (or, if `cleanup` says so, could not be: then it must be deleted by hand).
    #[error("{}", not_stored_message(stripe_id, &format!("it could not be stored here: {source}"), cleanup.as_deref()))]
    NotStored {
        /// Stripe's id of the endpoint it created.
        stripe_id: String,
        /// Why the local save failed.
        source: EndpointStoreError,
        /// Why deleting it on Stripe again failed, if it did.
        cleanup: Option<Box<ApiError>>,
    },
    /// Stripe was changed, this database was not.
    #[error(
        "endpoint {uuid} was changed on Stripe ({stripe_id}) but not here: {source}; run \
         `stripe-receiver endpoints sync` to bring the row in line"
    )]
    LocalNotUpdated {
        /// The endpoint.
        uuid: Uuid,
        /// Its Stripe id.
        stripe_id: String,
        /// Why the local change failed.
        source: EndpointStoreError,
    },
    /// Reading or writing the endpoint here failed (before anything was sent to Stripe, or in
    /// [`sync`]).
    #[error(transparent)]
    Store(#[from] EndpointStoreError),
}

impl From<ApiError> for RemoteError {
    fn from(error: ApiError) -> Self {
        Self::Stripe(Box::new(error))
    }
}

fn not_stored_message(stripe_id: &str, why: &str, cleanup: Option<&ApiError>) -> String {
    match cleanup {
        None => format!(
            "Stripe created endpoint {stripe_id}, but {why}; it was deleted on Stripe again: \
             nothing is left of it"
        ),
        Some(error) => format!(
            "Stripe created endpoint {stripe_id}, but {why}; deleting it on Stripe failed too \
             ({error}): {stripe_id} still exists on Stripe and will deliver to a URL this \
             database does not know. Delete it in the Dashboard (Developers > Webhooks) or with \
             DELETE /v1/webhook_endpoints/{stripe_id}"
        ),
    }
}

/// The scope an endpoint's calls are made in: its mode and account.
fn scope_of(endpoint: &Endpoint) -> Scope {
    Scope::new(endpoint.livemode, endpoint.account.clone())
}

/// Creates an endpoint on Stripe and stores it with the id and signing secret Stripe returns.
///
/// Before any call: the base URL ([`check_public_base_url`]), the event types
/// ([`event_types::from_list`], patterns expanded, names not checked against the list again:
/// the caller chose whether unknown names may pass) and the account id are checked. Then, with
/// a fresh UUID v4, `POST /v1/webhook_endpoints` with `url=<base>/webhooks/<uuid>`,
/// `enabled_events[]`, `api_version` (the request's, else the client's `STRIPE_API_VERSION`),
/// `connect`, `description` and `metadata[stripe_receiver_uuid]=<uuid>`, in `req.scope`.
///
/// Stripe refusing stores nothing ([`RemoteError::Stripe`], with Stripe's message). The row is
/// stored in the same step as the answer arrives; if that fails, the endpoint is deleted on
/// Stripe again ([`RemoteError::NotStored`], whose message names the Stripe id when that delete
/// fails too).
///
/// # Errors
/// [`RemoteError`].
pub async fn create(
    client: &StripeClient,
    db: &Db,
    req: CreateOnStripe,
) -> Result<Endpoint, RemoteError> {
    let base = check_public_base_url(&req.base_url)?;
    let enabled_events = event_types::from_list(&req.enabled_events, true)?;
    if let Some(account) = &req.scope.account {
        check_account(account)?;
    }
    let uuid = Uuid::new_v4();
    let url = webhook_url(&base, uuid);
    let api_version = req
        .api_version
        .unwrap_or_else(|| client.settings().version.clone());
    let new = NewWebhookEndpoint {
        url,
        enabled_events,
        api_version: Some(api_version.clone()),
        connect: req.connect,
        description: req.description,
        metadata: [(METADATA_UUID_KEY.to_owned(), uuid.to_string())]
            .into_iter()
            .collect(),
    };
    let remote = client.create_webhook_endpoint(&req.scope, &new).await?;
    let secret = match remote.secret.as_deref().map(Secret::new) {
        Some(Ok(secret)) => secret,
        Some(Err(e)) => {
            let cleanup = cleanup(client, &req.scope, &remote.id).await;
            return Err(RemoteError::NoSecret {
                stripe_id: remote.id,
                reason: e.to_string(),
                cleanup,
            });
        }
        None => {
            let cleanup = cleanup(client, &req.scope, &remote.id).await;
            return Err(RemoteError::NoSecret {
                stripe_id: remote.id,
                reason: "no `secret` member".into(),
                cleanup,
            });
        }
    };
    let stored = endpoints::create_with_uuid(
        db,
        uuid,
        NewEndpoint {
            base_url: base,
            stripe_id: Some(remote.id.clone()),
            secrets: vec![EndpointSecret {
                secret,
                expires_at: None,
            }],
            livemode: remote.livemode,
            tolerance_secs: req.tolerance_secs,
            validation: req.validation,
            api_version: remote.api_version.clone().or(Some(api_version)),
            enabled_events: remote.enabled_events.clone(),
            account: req.scope.account.clone(),
            refetch: req.refetch,
        },
    )
    .await;
    match stored {
        Ok(endpoint) => Ok(endpoint),
        Err(source) => {
            let cleanup = cleanup(client, &req.scope, &remote.id).await;
            Err(RemoteError::NotStored {
                stripe_id: remote.id,
                source,
                cleanup,
            })
        }
    }
}

/// Deletes an endpoint Stripe created for nothing; `None` when it is gone (a 404 counts: it is
/// gone), else why it is still there.
async fn cleanup(client: &StripeClient, scope: &Scope, stripe_id: &str) -> Option<Box<ApiError>> {
    match client.delete_webhook_endpoint(scope, stripe_id).await {
        Ok(()) => None,
        Err(e) if e.is_not_found() => None,
        Err(e) => {
            tracing::error!(stripe_id, error = %e, "an endpoint created on Stripe could not be stored nor deleted again: delete it by hand");
            Some(Box::new(e))
        }
    }
}

fn check_account(account: &str) -> Result<(), RemoteError> {
    let well_formed = account
        .strip_prefix("acct_")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()));
    if well_formed {
        Ok(())
    } else {
        Err(RemoteError::Account(account.to_owned()))
    }
}

/// The endpoint `uuid`, live (not deleted) and on Stripe, with its Stripe id.
async fn on_stripe(db: &Db, uuid: Uuid) -> Result<(Endpoint, String), RemoteError> {
    let endpoint = endpoints::get(db, uuid)
        .await?
        .ok_or(RemoteError::NotFound(uuid))?;
    if endpoint.deleted_at.is_some() {
        return Err(RemoteError::Deleted(uuid));
    }
    let stripe_id = endpoint
        .stripe_id
        .clone()
        .ok_or(RemoteError::NotOnStripe(uuid))?;
    Ok((endpoint, stripe_id))
}

/// Changes an endpoint on Stripe (`POST /v1/webhook_endpoints/{id}`: `url`, `enabled_events[]`,
/// `disabled`, `description`), then the row from Stripe's answer (URL, events, enabled, API
/// version). The new base URL is checked as for [`create`] before any call. Returns the row as
/// stored.
///
/// # Errors
/// [`RemoteError::NotOnStripe`] for a local-only endpoint (change it with
/// [`endpoints::change`]); [`RemoteError::GoneFromStripe`] when Stripe answers 404;
/// [`RemoteError::Stripe`] when Stripe refuses (nothing changed);
/// [`RemoteError::LocalNotUpdated`] when Stripe changed and the row did not.
pub async fn update(
    client: &StripeClient,
    db: &Db,
    uuid: Uuid,
    update: &RemoteUpdate,
) -> Result<Endpoint, RemoteError> {
    let (endpoint, stripe_id) = on_stripe(db, uuid).await?;
    let url = match &update.base_url {
        Some(base) => Some(webhook_url(&check_public_base_url(base)?, uuid)),
        None => None,
    };
    let enabled_events = match &update.enabled_events {
        Some(list) => Some(event_types::from_list(list, true)?),
        None => None,
    };
    let request = WebhookEndpointUpdate {
        url,
        enabled_events,
        disabled: update.enabled.map(|enabled| !enabled),
        description: update.description.clone(),
    };
    let remote = match client
        .update_webhook_endpoint(&scope_of(&endpoint), &stripe_id, &request)
        .await
    {
        Ok(remote) => remote,
        Err(e) if e.is_not_found() => {
            return Err(RemoteError::GoneFromStripe { uuid, stripe_id });
        }
        Err(e) => return Err(e.into()),
    };
    let change = EndpointChange {
        stripe_id: None,
        url: Some(remote.url.clone()),
        enabled_events: Some(remote.enabled_events.clone()),
        enabled: Some(is_enabled(&remote)),
        api_version: remote.api_version.clone(),
    };
    let local_error = |source| RemoteError::LocalNotUpdated {
        uuid,
        stripe_id: stripe_id.clone(),
        source,
    };
    endpoints::change(db, uuid, &change)
        .await
        .map_err(local_error)?;
    endpoints::get(db, uuid)
        .await
        .map_err(local_error)?
        .ok_or(RemoteError::NotFound(uuid))
}

/// What happened on Stripe in [`delete`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnStripe {
    /// Stripe deleted it.
    Deleted,
    /// Stripe answered 404: it was gone already (deleted in the Dashboard, say).
    AlreadyGone,
}

/// What [`delete`] did, on Stripe and here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deletion {
    /// The endpoint.
    pub uuid: Uuid,
    /// Its Stripe id.
    pub stripe_id: String,
    /// On Stripe.
    pub on_stripe: OnStripe,
    /// Here: the row removed, or kept as a tombstone for its deliveries.
    pub local: Deleted,
}

/// Deletes an endpoint on Stripe (`DELETE /v1/webhook_endpoints/{id}`; a 404 means it was gone
/// already), then here with [`endpoints::delete`]: the row is removed, or kept as a tombstone
/// when deliveries refer to it (their log, and the events they stored, are kept).
///
/// # Errors
/// [`RemoteError::NotOnStripe`] for a local-only endpoint (delete it with
/// [`endpoints::delete`]); [`RemoteError::Stripe`] when Stripe refuses or fails (nothing
/// deleted here); [`RemoteError::LocalNotUpdated`] when Stripe deleted it and the row could not
/// be.
pub async fn delete(client: &StripeClient, db: &Db, uuid: Uuid) -> Result<Deletion, RemoteError> {
    let (endpoint, stripe_id) = on_stripe(db, uuid).await?;
    let on_stripe = match client
        .delete_webhook_endpoint(&scope_of(&endpoint), &stripe_id)
        .await
    {
        Ok(()) => OnStripe::Deleted,
        Err(e) if e.is_not_found() => OnStripe::AlreadyGone,
        Err(e) => return Err(e.into()),
    };
    let local =
        endpoints::delete(db, uuid)
            .await
            .map_err(|source| RemoteError::LocalNotUpdated {
                uuid,
                stripe_id: stripe_id.clone(),
                source,
            })?;
    Ok(Deletion {
        uuid,
        stripe_id,
        on_stripe,
        local,
    })
}

/// Whether Stripe's `status` is `enabled`.
fn is_enabled(remote: &WebhookEndpoint) -> bool {
    remote.status == "enabled"
}

/// An endpoint found on both sides by [`sync`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matched {
    /// The local endpoint.
    pub uuid: Uuid,
    /// Its Stripe id.
    pub stripe_id: String,
    /// The columns brought in line with Stripe (`stripe_id` when it was linked by its metadata,
    /// `url`, `enabled_events`, `enabled`, `api_version`); empty when it already was.
    pub changed: Vec<&'static str>,
}

/// An endpoint on Stripe that [`sync`] matched with no live local endpoint. Left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownOnStripe {
    /// Stripe's id.
    pub stripe_id: String,
    /// Where it delivers.
    pub url: String,
    /// `enabled` or `disabled`.
    pub status: String,
    /// Its `metadata[stripe_receiver_uuid]`, when it has a UUID there.
    pub claimed_uuid: Option<Uuid>,
    /// Why it did not match, and what to do.
    pub note: String,
}

/// A local endpoint with a Stripe id that Stripe's list no longer has. Left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoneFromStripe {
    /// The local endpoint.
    pub uuid: Uuid,
    /// The Stripe id it had.
    pub stripe_id: String,
    /// Its URL.
    pub url: String,
}

/// What [`sync`] found and did, for one mode and account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// The mode synced.
    pub livemode: bool,
    /// The connected account synced, `None` for the platform's own endpoints.
    pub account: Option<String>,
    /// Endpoints on both sides, with what was brought in line.
    pub matched: Vec<Matched>,
    /// Endpoints on Stripe that match no live local endpoint: never imported (Stripe's API does
    /// not return their secrets, so their deliveries could not be verified) nor deleted (they
    /// may serve another application).
    pub unknown_on_stripe: Vec<UnknownOnStripe>,
    /// Local endpoints whose Stripe id Stripe's list no longer has: nothing is delivered to
    /// them; never deleted here by a sync (`endpoints delete` does it, Stripe's 404 taken as
    /// already deleted).
    pub gone_from_stripe: Vec<GoneFromStripe>,
}

/// Reconciles the endpoints of one mode and account (`scope`) with Stripe's list
/// (`GET /v1/webhook_endpoints`, every page).
///
/// A Stripe endpoint matches the live local endpoint with its id, else the one its
/// `metadata[stripe_receiver_uuid]` names when that one has no Stripe id yet (it is then
/// linked: its `stripe_id` is set). A match brings the row's status (`enabled`), URL,
/// `enabled_events` and API version in line with Stripe; its secrets are kept (Stripe's API
/// returns a secret on create only). Nothing else is written: unknown endpoints on Stripe and
/// local ones gone from Stripe are reported, not imported or deleted.
///
/// # Errors
/// [`RemoteError::Stripe`] when the list cannot be read (nothing changed);
/// [`RemoteError::Store`] when reading or changing a row fails (rows changed before it stay
/// changed: running the sync again finishes the work).
pub async fn sync(
    client: &StripeClient,
    db: &Db,
    scope: &Scope,
) -> Result<SyncReport, RemoteError> {
    if let Some(account) = &scope.account {
        check_account(account)?;
    }
    let remotes = client.list_webhook_endpoints(scope).await?;
    let locals: Vec<Endpoint> = endpoints::list(db)
        .await?
        .into_iter()
        .filter(|e| e.livemode == scope.livemode && e.account == scope.account)
        .collect();
    let mut report = SyncReport {
        livemode: scope.livemode,
        account: scope.account.clone(),
        matched: Vec::new(),
        unknown_on_stripe: Vec::new(),
        gone_from_stripe: Vec::new(),
    };
    for remote in &remotes {
        let claimed = remote
            .metadata
            .get(METADATA_UUID_KEY)
            .and_then(|u| Uuid::parse_str(u).ok());
        let by_id = locals
            .iter()
            .find(|l| l.deleted_at.is_none() && l.stripe_id.as_deref() == Some(&remote.id));
        let (local, link) = match by_id {
            Some(local) => (local, false),
            None => match claimed.and_then(|u| locals.iter().find(|l| l.uuid == u)) {
                Some(local) if local.deleted_at.is_none() && local.stripe_id.is_none() => {
                    (local, true)
                }
                found => {
                    report
                        .unknown_on_stripe
                        .push(unknown(remote, claimed, found));
                    continue;
                }
            },
        };
        let change = EndpointChange {
            stripe_id: link.then(|| remote.id.clone()),
            url: (local.url != remote.url).then(|| remote.url.clone()),
            enabled_events: (as_set(&local.enabled_events) != as_set(&remote.enabled_events))
                .then(|| remote.enabled_events.clone()),
            enabled: (local.enabled != is_enabled(remote)).then(|| is_enabled(remote)),
            api_version: remote
                .api_version
                .as_ref()
                .filter(|v| local.api_version.as_ref() != Some(*v))
                .cloned(),
        };
        let mut changed = Vec::new();
        for (name, differs) in [
            ("stripe_id", change.stripe_id.is_some()),
            ("url", change.url.is_some()),
            ("enabled_events", change.enabled_events.is_some()),
            ("enabled", change.enabled.is_some()),
            ("api_version", change.api_version.is_some()),
        ] {
            if differs {
                changed.push(name);
            }
        }
        if !changed.is_empty() {
            endpoints::change(db, local.uuid, &change).await?;
        }
        report.matched.push(Matched {
            uuid: local.uuid,
            stripe_id: remote.id.clone(),
            changed,
        });
    }
    let seen: BTreeSet<&str> = remotes.iter().map(|r| r.id.as_str()).collect();
    for local in &locals {
        if let (None, Some(stripe_id)) = (local.deleted_at, &local.stripe_id) {
            if !seen.contains(stripe_id.as_str()) {
                report.gone_from_stripe.push(GoneFromStripe {
                    uuid: local.uuid,
                    stripe_id: stripe_id.clone(),
                    url: local.url.clone(),
                });
            }
        }
    }
    Ok(report)
}

fn as_set(list: &[String]) -> BTreeSet<&str> {
    list.iter().map(String::as_str).collect()
}

/// The report line of a Stripe endpoint that matched nothing; `found` is the local endpoint its
/// metadata names, if this database has it.
fn unknown(
    remote: &WebhookEndpoint,
    claimed: Option<Uuid>,
    found: Option<&Endpoint>,
) -> UnknownOnStripe {
    let note = match (claimed, found) {
        (None, _) => "not created by stripe-receiver (no metadata[stripe_receiver_uuid]): left \
                      alone"
            .to_owned(),
        (Some(uuid), None) => format!(
            "created by stripe-receiver for endpoint {uuid}, which this database does not have \
             (another database, or a create whose local save and clean-up both failed): delete \
             it on Stripe if nothing uses it"
        ),
        (Some(uuid), Some(local)) if local.deleted_at.is_some() => format!(
            "created by stripe-receiver for endpoint {uuid}, which was deleted here: delete it \
             on Stripe if nothing uses it"
        ),
        (Some(uuid), Some(local)) => format!(
            "names endpoint {uuid} in its metadata, which is linked to {} already: left alone",
            local
                .stripe_id
                .as_deref()
                .unwrap_or("another Stripe endpoint")
        ),
    };
    UnknownOnStripe {
        stripe_id: remote.id.clone(),
        url: remote.url.clone(),
        status: remote.status.clone(),
        claimed_uuid: claimed,
        note,
    }
}

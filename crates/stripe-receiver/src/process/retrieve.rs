//! Validation mode `retrieve_event` (dj-stripe's): the delivered body is not trusted; the event
//! is fetched from Stripe's API by its id and Stripe's copy is what is stored and dispatched
//! (README "Signature verification").
//!
//! - From the body only `id` is read, and `account` (a Connect event: fetched with
//!   `Stripe-Account`). The key is the endpoint's mode's: the body's `livemode` is not trusted.
//!   An endpoint that belongs to a connected account fetches in that account when the body
//!   names none.
//! - Stripe does not know the id (404), or it cannot be a Stripe id: 400 `event_not_found`.
//! - Stripe failed or could not be reached after the client's retries: 503
//!   `stripe_unavailable`, so that the sender retries.
//! - No key for the endpoint's mode (`no_api_key`), a key Stripe refuses or any other refusal
//!   (`stripe_refused`), an answer that is not the event asked for (`stripe_bad_answer`), an
//!   unusable client setting (`stripe_api_error`): the endpoint cannot validate, 500.

use serde::Deserialize;

use crate::event::Event;
use crate::stripe_api::{ApiError, Scope};

use super::context::Context;
use super::incoming::Incoming;
use super::validate::Verdict;

/// What is read of the delivered body: nothing else of it is used.
#[derive(Deserialize)]
struct Claimed {
    id: String,
    #[serde(default)]
    account: Option<String>,
}

/// Fetches the event the delivery names and judges the delivery by Stripe's answer.
pub(super) async fn retrieve_event(ctx: &Context, incoming: &Incoming) -> Verdict {
    let claimed: Claimed = match serde_json::from_slice(&incoming.body) {
        Ok(claimed) => claimed,
        Err(e) if e.is_syntax() || e.is_eof() => {
            return Verdict::Invalid {
                class: "body_not_json",
                detail: e.to_string(),
            }
        }
        Err(e) => {
            return Verdict::Invalid {
                class: "not_an_event",
                detail: format!("no event id to fetch: {e}"),
            }
        }
    };
    let endpoint = &incoming.endpoint;
    let account = claimed.account.or_else(|| endpoint.account.clone());
    let scope = Scope::new(endpoint.livemode, account);
    let body = match ctx.stripe.retrieve_event(&scope, &claimed.id).await {
        Ok(body) => body,
        Err(e) => return refused(&claimed.id, &scope, &e),
    };
    match Event::from_slice(&body) {
        Ok(event) if event.id == claimed.id => Verdict::Fetched { event, body },
        Ok(event) => Verdict::Misconfigured {
            class: "stripe_bad_answer",
            detail: format!(
                "asked Stripe for event {:?}, got event {:?}",
                claimed.id, event.id
            ),
        },
        Err(e) => Verdict::Misconfigured {
            class: "stripe_bad_answer",
            detail: format!("Stripe's answer for event {:?}: {e}", claimed.id),
        },
    }
}

/// The verdict when the fetch failed.
fn refused(id: &str, scope: &Scope, e: &ApiError) -> Verdict {
    let detail = match &scope.account {
        Some(account) => format!("event {id:?} in account {account}: {e}"),
        None => format!("event {id:?}: {e}"),
    };
    if e.is_not_found() {
        Verdict::Invalid {
            class: "event_not_found",
            detail,
        }
    } else if e.is_unavailable() {
        Verdict::StripeUnavailable {
            class: "stripe_unavailable",
            detail,
        }
    } else {
        let class = match e {
            ApiError::NoKey { .. } => "no_api_key",
            ApiError::Refused { .. } => "stripe_refused",
            ApiError::Decode(_) => "stripe_bad_answer",
            _ => "stripe_api_error",
        };
        Verdict::Misconfigured { class, detail }
    }
}

//! The Stripe API client: one client for every call the product makes to Stripe (feature
//! `stripe-api`).
//!
//! - Base URL `STRIPE_API_BASE` (default `https://api.stripe.com`; every call goes there, so a
//!   test server can stand in for Stripe), `Stripe-Version: STRIPE_API_VERSION`.
//! - The key of the call's mode ([`Scope::livemode`]): `STRIPE_TEST_SECRET_KEY` or
//!   `STRIPE_LIVE_SECRET_KEY`; for a connected account the platform's key plus
//!   `Stripe-Account: acct_...` ([`Scope::account`]).
//! - An `Idempotency-Key` on every POST, the same on each retry of that POST.
//! - Retries with exponential backoff on 429, 5xx and connection errors and timeouts, honouring
//!   `Retry-After`; never on another 4xx (Stripe: "Error handling", "Idempotent requests").
//! - A client-side rate limit per (key, account), 20 requests/s by default, under Stripe's
//!   test-mode limit of 25 (Stripe: "Rate limits").
//! - Stripe's error body surfaced as type, code, param and message ([`StripeErrorBody`]); keys
//!   never logged ([`ApiKey`](crate::ApiKey) is redacted).
//!
//! Written on reqwest rather than async-stripe: the README's "The Stripe API client" says why.

mod client;
mod error;
mod events;
mod objects;
mod webhook_endpoints;

pub use client::{ApiSettings, Scope, StripeClient, DEFAULT_API_BASE, DEFAULT_RATE_LIMIT};
pub use error::{ApiError, StripeErrorBody};
pub(crate) use events::stripe_id;
pub use webhook_endpoints::{NewWebhookEndpoint, WebhookEndpoint, WebhookEndpointUpdate};

/// The API version this build is written against and sends by default
/// (`STRIPE_API_VERSION`): the version of the bundled event type list.
pub const BUNDLED_API_VERSION: &str = "2026-10-28.endive";

//! Stripe webhook signature verification — pure, no I/O.
//!
//! Follows Stripe's documented scheme ("Verify webhook signatures manually",
//! <https://docs.stripe.com/webhooks#verify-manually>):
//!
//! * the `Stripe-Signature` header is a comma-separated list of `key=value` items:
//!   `t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=<hex>]`;
//! * the signed payload is the ASCII timestamp, a `.`, and the **raw request body bytes**;
//! * each `v1` is the lowercase hex HMAC-SHA256 of that payload keyed with the endpoint's whole
//!   secret string (`whsec_...`, prefix included);
//! * the request is genuine if any `v1` matches any of the endpoint's active secrets (several
//!   during a secret roll) and the timestamp is within the tolerance of the current time.
//!
//! Other schemes (`v0`, used by Stripe for test-mode legacy signatures) and unknown items are
//! ignored. Comparison is constant-time (`hmac`'s `verify_slice`). The time check is symmetric:
//! a timestamp too far in the future is refused just like a stale one.
//!
//! The clock is injected ([`Clock`]) so tests can pin "now".

mod clock;
mod header;
mod secret;
pub mod testing;
mod verify;

pub use clock::{Clock, FixedClock, SystemClock};
pub use header::{SignatureHeader, SIGNATURE_HEADER};
pub use secret::{InvalidSecret, Secret};
pub use verify::{verify, SignatureError, DEFAULT_TOLERANCE_SECS};

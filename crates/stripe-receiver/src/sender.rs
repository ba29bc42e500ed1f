//! Posting a payload signed exactly as Stripe signs it: the local stand-in for `stripe trigger`,
//! used by `stripe-receiver send`, the quickstart and tests.

use std::time::Duration;

use crate::signature::{testing::sign, Clock, Secret, SystemClock, SIGNATURE_HEADER};

/// The answer to a signed POST.
#[derive(Debug, Clone)]
pub struct SendResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response body, as text (lossy for non-UTF-8 bytes).
    pub body: String,
}

/// Signs and posts payloads. Reuses one HTTP connection pool across calls.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
}

impl Default for Sender {
    fn default() -> Self {
        Self::new()
    }
}

impl Sender {
    /// A sender with a 30-second request timeout (Stripe's own delivery timeout is shorter).
    #[must_use]
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("stripe-receiver/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS backend is compiled in");
        Self { client }
    }

    /// POSTs `body` to `url` as `application/json` with a `Stripe-Signature` header
    /// `t=<timestamp>,v1=<hmac>` computed with `secret`; `timestamp` defaults to now (Unix
    /// seconds). The body bytes are sent unchanged.
    ///
    /// # Errors
    /// The transport error (connection refused, timeout); any HTTP status is an `Ok`.
    pub async fn send(
        &self,
        url: &str,
        secret: &Secret,
        body: Vec<u8>,
        timestamp: Option<i64>,
    ) -> Result<SendResponse, reqwest::Error> {
        let t = timestamp.unwrap_or_else(|| SystemClock.now_unix());
        let header = sign(&body, secret, t);
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json; charset=utf-8")
            .header(SIGNATURE_HEADER, header)
            .body(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        Ok(SendResponse { status, body })
    }
}

//! `GET /v1/events/{id}`.

use bytes::Bytes;

use super::client::{Scope, StripeClient};
use super::error::ApiError;

impl StripeClient {
    /// Stripe's copy of an event, the raw JSON body (`GET /v1/events/{id}`), with
    /// `Stripe-Account` when `scope.account` is set (a Connect event).
    ///
    /// # Errors
    /// [`ApiError::is_not_found`] when Stripe does not know the id; see [`ApiError`].
    pub async fn retrieve_event(&self, scope: &Scope, id: &str) -> Result<Bytes, ApiError> {
        self.get(scope, &format!("/v1/events/{id}"), &[]).await
    }
}

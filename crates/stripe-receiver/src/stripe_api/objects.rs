//! Re-fetching an object: `GET /v1/<plural>/{id}`.

use super::client::{Scope, StripeClient};
use super::error::ApiError;

impl StripeClient {
    /// The current state of an object at `path` (`/v1/subscriptions/sub_...`), as JSON.
    ///
    /// # Errors
    /// See [`ApiError`]; [`ApiError::Decode`] if the body is not JSON.
    pub async fn retrieve_object(
        &self,
        scope: &Scope,
        path: &str,
    ) -> Result<serde_json::Value, ApiError> {
        let body = self.get(scope, path, &[]).await?;
        serde_json::from_slice(&body).map_err(|e| ApiError::Decode(e.to_string()))
    }
}

//! `GET /v1/events/{id}`.

use bytes::Bytes;

use super::client::{Scope, StripeClient};
use super::error::ApiError;

/// `id` when it can be one of Stripe's ids (letters, digits and `_`, 1 to 255 of them), else
/// [`ApiError::InvalidId`]: an id is put in a URL path, and may come from an untrusted body.
pub(crate) fn stripe_id(id: &str) -> Result<&str, ApiError> {
    if !id.is_empty()
        && id.len() <= 255
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(id)
    } else {
        Err(ApiError::InvalidId { id: id.to_owned() })
    }
}

impl StripeClient {
    /// Stripe's copy of an event, the raw JSON body (`GET /v1/events/{id}`), with
    /// `Stripe-Account` when `scope.account` is set (a Connect event). The body is returned as
    /// Stripe sent it, byte for byte, to be stored as is.
    ///
    /// # Errors
    /// [`ApiError::is_not_found`] when Stripe does not know the id, or the id cannot be one of
    /// Stripe's ([`ApiError::InvalidId`], before any request); see [`ApiError`].
    pub async fn retrieve_event(&self, scope: &Scope, id: &str) -> Result<Bytes, ApiError> {
        let id = stripe_id(id)?;
        self.get(scope, &format!("/v1/events/{id}"), &[]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(
            stripe_id("evt_1NG8Du2eZvKYlo2CUI79vXWy").unwrap(),
            "evt_1NG8Du2eZvKYlo2CUI79vXWy"
        );
        for bad in [
            "",
            "evt_1/../x",
            "evt 1",
            "evt_1?x=1",
            "..",
            "evt-1",
            &"a".repeat(256),
        ] {
            let err = stripe_id(bad).unwrap_err();
            assert!(err.is_not_found(), "{bad}");
            assert!(matches!(err, ApiError::InvalidId { .. }));
        }
    }
}

//! Stripe API secret keys (`STRIPE_TEST_SECRET_KEY` / `STRIPE_LIVE_SECRET_KEY`),
//! redacted by default.

use std::fmt;

/// A Stripe API secret key (`sk_test_...`, `sk_live_...`, or a restricted `rk_test_...` /
/// `rk_live_...`).
///
/// Its [`Debug`](fmt::Debug) and [`Display`](fmt::Display) print `ApiKey(test, redacted)` /
/// `[redacted live API key]` and never the key, so that the value cannot reach a log by
/// accident (`tracing::info!(?key)`, a `Debug` of [`Config`](crate::Config)). Read it with
/// [`ApiKey::expose`] only where it is sent to Stripe.
///
/// Lifecycle hooks receive the key of the endpoint's mode as an `Option<&ApiKey>` argument
/// (`None` when that mode's variable is unset). For an endpoint of a connected account
/// ([`Endpoint::account`](crate::endpoint::Endpoint::account)), Stripe expects the platform's
/// key with the `Stripe-Account` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    key: String,
    livemode: bool,
}

/// Why a value is not a usable API key. Never contains the value itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyError {
    /// Empty, or containing whitespace (a copy-paste accident).
    #[error("the API key is empty or contains whitespace")]
    Malformed,
    /// Not `sk_test_`, `sk_live_`, `rk_test_` or `rk_live_` followed by the key.
    #[error("an API key starts with sk_test_, sk_live_, rk_test_ or rk_live_ (a publishable pk_ key or a webhook whsec_ secret is not an API key)")]
    UnknownPrefix,
    /// A test key where a live one is expected, or the reverse.
    #[error("a {found}-mode key was given where a {expected}-mode key is expected")]
    WrongMode {
        /// The mode of the variable (`test` or `live`).
        expected: &'static str,
        /// The mode of the key given.
        found: &'static str,
    },
}

const fn mode(livemode: bool) -> &'static str {
    if livemode {
        "live"
    } else {
        "test"
    }
}

impl ApiKey {
    /// Parses a key and tells its mode from its prefix.
    ///
    /// # Errors
    /// [`ApiKeyError::Malformed`] or [`ApiKeyError::UnknownPrefix`].
    pub fn parse(key: &str) -> Result<Self, ApiKeyError> {
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err(ApiKeyError::Malformed);
        }
        let livemode = match key.get(..8) {
            Some("sk_test_" | "rk_test_") => false,
            Some("sk_live_" | "rk_live_") => true,
            _ => return Err(ApiKeyError::UnknownPrefix),
        };
        if key.len() == 8 {
            return Err(ApiKeyError::Malformed);
        }
        Ok(Self {
            key: key.to_owned(),
            livemode,
        })
    }

    /// Parses a key that must be a test-mode key (`STRIPE_TEST_SECRET_KEY`).
    ///
    /// # Errors
    /// As [`ApiKey::parse`], and [`ApiKeyError::WrongMode`] for a live key.
    pub fn parse_test(key: &str) -> Result<Self, ApiKeyError> {
        Self::parse_mode(key, false)
    }

    /// Parses a key that must be a live-mode key (`STRIPE_LIVE_SECRET_KEY`).
    ///
    /// # Errors
    /// As [`ApiKey::parse`], and [`ApiKeyError::WrongMode`] for a test key.
    pub fn parse_live(key: &str) -> Result<Self, ApiKeyError> {
        Self::parse_mode(key, true)
    }

    fn parse_mode(key: &str, livemode: bool) -> Result<Self, ApiKeyError> {
        let parsed = Self::parse(key)?;
        if parsed.livemode != livemode {
            return Err(ApiKeyError::WrongMode {
                expected: mode(livemode),
                found: mode(parsed.livemode),
            });
        }
        Ok(parsed)
    }

    /// The key itself, to put in an `Authorization: Bearer` header. Do not log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.key
    }

    /// Whether it is a live-mode key (else test mode).
    #[must_use]
    pub fn livemode(&self) -> bool {
        self.livemode
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}, redacted)", mode(self.livemode))
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[redacted {} API key]", mode(self.livemode))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_from_prefixes() {
        assert!(!ApiKey::parse("sk_test_abc").unwrap().livemode());
        assert!(!ApiKey::parse("rk_test_abc").unwrap().livemode());
        assert!(ApiKey::parse("sk_live_abc").unwrap().livemode());
        assert!(ApiKey::parse("rk_live_abc").unwrap().livemode());
        assert_eq!(
            ApiKey::parse("pk_test_abc"),
            Err(ApiKeyError::UnknownPrefix)
        );
        assert_eq!(ApiKey::parse("whsec_abc"), Err(ApiKeyError::UnknownPrefix));
        assert_eq!(ApiKey::parse("sk_test_"), Err(ApiKeyError::Malformed));
        assert_eq!(ApiKey::parse("sk_test_a b"), Err(ApiKeyError::Malformed));
        assert_eq!(ApiKey::parse(""), Err(ApiKeyError::Malformed));
    }

    #[test]
    fn mode_of_the_variable_is_enforced() {
        assert!(ApiKey::parse_test("sk_test_abc").is_ok());
        let err = ApiKey::parse_test("sk_live_abc").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a live-mode key was given where a test-mode key is expected"
        );
        assert!(ApiKey::parse_live("sk_test_abc").is_err());
    }

    #[test]
    fn never_printed() {
        let key = ApiKey::parse("sk_test_51SecretValue").unwrap();
        let shown = format!("{key} {key:?} {key:#?} {:?}", Some(&key));
        assert!(!shown.contains("51SecretValue"), "{shown}");
        assert_eq!(format!("{key}"), "[redacted test API key]");
        assert_eq!(format!("{key:?}"), "ApiKey(test, redacted)");
        assert_eq!(key.expose(), "sk_test_51SecretValue");
    }
}

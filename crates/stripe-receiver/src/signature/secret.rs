//! Webhook endpoint signing secrets.

use std::fmt;

/// A webhook endpoint's signing secret (`whsec_...`), the HMAC key of [`super::verify`].
///
/// Its `Debug` and `Display` print `whsec_…(redacted)`, never the key, so secrets cannot leak
/// into logs by accident. Use [`Secret::expose`] where the key itself is needed (printing a newly
/// generated secret to its owner, storing it).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// Why a string was refused as a webhook signing secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSecret {
    /// The value does not start with `whsec_` (e.g. an API key `sk_test_...` pasted by mistake).
    #[error("a webhook signing secret starts with \"whsec_\" (found \"{found}…\"); API keys (sk_..., rk_...) are not signing secrets: copy the endpoint's signing secret from the Stripe dashboard or `stripe listen`")]
    WrongPrefix {
        /// The first few characters of what was given (at most 7; never the whole value).
        found: String,
    },
    /// The value contains whitespace (often a trailing newline from a file or a copy-paste).
    #[error(
        "the webhook signing secret contains whitespace (a trailing newline or space?); remove it"
    )]
    Whitespace,
    /// Nothing follows the `whsec_` prefix.
    #[error("the webhook signing secret is empty after \"whsec_\"")]
    Empty,
}

impl Secret {
    /// The prefix every Stripe webhook signing secret carries.
    pub const PREFIX: &'static str = "whsec_";

    /// Checks and wraps a signing secret.
    ///
    /// # Errors
    /// [`InvalidSecret`] when the value has whitespace anywhere, lacks the `whsec_` prefix, or is
    /// only the prefix. Nothing is trimmed silently: a secret stored with a stray newline would
    /// never verify, so it is refused with a message saying why.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidSecret> {
        let value = value.into();
        if value.chars().any(char::is_whitespace) {
            return Err(InvalidSecret::Whitespace);
        }
        if !value.starts_with(Self::PREFIX) {
            return Err(InvalidSecret::WrongPrefix {
                found: value.chars().take(7).collect(),
            });
        }
        if value.len() == Self::PREFIX.len() {
            return Err(InvalidSecret::Empty);
        }
        Ok(Self(value))
    }

    /// Generates a new random secret: `whsec_` followed by 32 alphanumeric characters
    /// (≈ 190 bits from the operating system's CSPRNG), the shape Stripe uses.
    #[must_use]
    pub fn generate() -> Self {
        use rand::distr::{Alphanumeric, Distribution};
        let tail: String = Alphanumeric
            .sample_iter(rand::rand_core::UnwrapErr(rand::rngs::SysRng))
            .take(32)
            .map(char::from)
            .collect();
        Self(format!("{}{tail}", Self::PREFIX))
    }

    /// The secret itself. Only call this to hand the secret to its owner or to a store.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(whsec_…(redacted))")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("whsec_…(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_trailing_newline() {
        let err = Secret::new("whsec_abc\n").unwrap_err();
        assert_eq!(err, InvalidSecret::Whitespace);
        assert!(err.to_string().contains("trailing newline"));
    }

    #[test]
    fn refuses_api_key_and_does_not_echo_it() {
        let err = Secret::new("sk_test_51Habcdefghijklmnop").unwrap_err();
        assert_eq!(
            err,
            InvalidSecret::WrongPrefix {
                found: "sk_test".into()
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("whsec_"), "{msg}");
        assert!(!msg.contains("51Habcdef"), "message leaks the key: {msg}");
    }

    #[test]
    fn refuses_bare_prefix() {
        assert_eq!(Secret::new("whsec_"), Err(InvalidSecret::Empty));
    }

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("whsec_supersecretvalue").unwrap();
        assert!(!format!("{s:?}").contains("supersecret"));
        assert!(!format!("{s}").contains("supersecret"));
        assert_eq!(s.expose(), "whsec_supersecretvalue");
    }

    #[test]
    fn generated_secrets_are_valid_and_distinct() {
        let a = Secret::generate();
        let b = Secret::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 6 + 32);
        assert!(Secret::new(a.expose()).is_ok());
    }
}

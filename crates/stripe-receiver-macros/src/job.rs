//! The job's own argument: its name (`#[stripe_job("send_receipt")]`).

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::LitStr;

use crate::attr::string_literal;
use crate::errors::Errors;

/// Error message when the attribute names no job.
pub(crate) const NO_JOB_NAME: &str =
    "expected the job's name, e.g. #[stripe_job(\"send_receipt\")]";

/// Error message for a name that is not a string literal.
pub(crate) const NOT_A_STRING: &str =
    "a job name is a string literal, e.g. #[stripe_job(\"send_receipt\")]";

/// The name of one `#[stripe_job(...)]`.
#[derive(Default)]
pub(crate) struct JobArgs {
    /// The name, once a valid one is given.
    name: Option<LitStr>,
    /// Whether a name was given, valid or not.
    saw_name: bool,
}

impl JobArgs {
    /// Handles one comma-separated entry that is not `key = value`: the job's name.
    pub(crate) fn entry(&mut self, tokens: &[TokenTree], errors: &mut Errors) {
        let lit = match tokens {
            [token] => string_literal(token),
            _ => None,
        };
        let Some(lit) = lit else {
            self.saw_name = true; // reported here; not "missing" as well
            let tokens: TokenStream = tokens.iter().cloned().collect();
            errors.push(syn::Error::new_spanned(tokens, NOT_A_STRING));
            return;
        };
        if std::mem::replace(&mut self.saw_name, true) {
            errors.push(syn::Error::new(
                lit.span(),
                "a job has one name; register another fn for another kind of job",
            ));
        } else if !valid_name(&lit.value()) {
            errors.push(syn::Error::new(
                lit.span(),
                "job names are lowercase ASCII letters, digits, `_`, `-` and `.`, starting \
                 with a letter, e.g. \"send_receipt\"",
            ));
        } else {
            self.name = Some(lit);
        }
    }

    /// Reports an attribute without a name.
    pub(crate) fn finish(&self, errors: &mut Errors) {
        if !self.saw_name {
            errors.push(syn::Error::new(Span::call_site(), NO_JOB_NAME));
        }
    }

    /// The registration's data: the name.
    pub(crate) fn data(&self) -> TokenStream {
        self.name.to_token_stream()
    }
}

/// Job names: lowercase ASCII letters, digits, `_`, `-` and `.`, starting with a letter.
fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c))
}

//! The receiver's own arguments: event types and patterns, `unchecked(...)`:
//! `#[stripe_receiver("charge.succeeded", unchecked("brand_new.event"), crate = "path")]`.

use std::collections::HashSet;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::LitStr;

use crate::attr::{split_entries, string_literal, KeyValue};
use crate::errors::Errors;
use crate::event_name::validate_event_name;
use crate::known_type::check_known;

/// Error message when the attribute names no event type.
pub(crate) const NO_EVENT_TYPE: &str = "expected at least one Stripe event type, \
    e.g. #[stripe_receiver(\"charge.succeeded\")]";

/// Error message for an argument that is not a string literal.
pub(crate) const NOT_A_STRING: &str = "event types are string literals, e.g. \"charge.succeeded\"";

/// How to write the escape hatch, for error messages.
pub(crate) const UNCHECKED_SYNTAX: &str =
    "write unchecked(\"type\", ...) with string literals, e.g. unchecked(\"issuing_card.brand_new\")";

/// The event types of one `#[stripe_receiver(...)]`, entry by entry.
#[derive(Default)]
pub(crate) struct ReceiverArgs {
    /// The valid event types in the order written, those in `unchecked(...)` included.
    event_types: Vec<LitStr>,
    /// The values of `event_types`, to find repeats.
    seen: HashSet<String>,
    /// Whether any entry was meant as an event type, valid or not.
    saw_event_entry: bool,
    /// `__builtin`: registers one of stripe-receiver's own receivers (the object sync), which
    /// run before every application receiver. Hidden: reserved for the library itself.
    builtin: bool,
}

impl ReceiverArgs {
    /// Handles one comma-separated entry that is not `key = value`.
    pub(crate) fn entry(&mut self, tokens: &[TokenTree], errors: &mut Errors) {
        match tokens {
            [TokenTree::Literal(literal)] => {
                self.saw_event_entry = true;
                match string_literal(&tokens[0]) {
                    Some(lit) => self.event_type(lit, true, errors),
                    None => errors.push(syn::Error::new(literal.span(), NOT_A_STRING)),
                }
            }
            [TokenTree::Ident(flag)] if flag == "__builtin" => {
                if std::mem::replace(&mut self.builtin, true) {
                    errors.push(syn::Error::new(flag.span(), "`__builtin` is given twice"));
                }
            }
            [TokenTree::Ident(key), TokenTree::Group(group)]
                if key == "unchecked" && group.delimiter() == Delimiter::Parenthesis =>
            {
                self.unchecked(group, errors);
            }
            [TokenTree::Ident(key), ..] if key == "unchecked" => {
                self.saw_event_entry = true;
                let tokens: TokenStream = tokens.iter().cloned().collect();
                errors.push(syn::Error::new_spanned(tokens, UNCHECKED_SYNTAX));
            }
            tokens => {
                self.saw_event_entry = true;
                let tokens: TokenStream = tokens.iter().cloned().collect();
                let mut message = NOT_A_STRING.to_owned();
                let written: String = tokens.to_string().split_whitespace().collect();
                if validate_event_name(&written).is_ok() {
                    message = format!("{message}; write \"{written}\" in quotes");
                }
                errors.push(syn::Error::new_spanned(tokens, message));
            }
        }
    }

    /// Handles an event type literal: checks its syntax, that it is not a repeat and, if
    /// `checked`, that Stripe's list knows it.
    fn event_type(&mut self, lit: LitStr, checked: bool, errors: &mut Errors) {
        let name = lit.value();
        if let Err(reason) = validate_event_name(&name) {
            let message = format!("invalid Stripe event type \"{name}\": {reason}");
            errors.push(syn::Error::new(lit.span(), message));
        } else if let Some(message) = checked.then(|| check_known(&name).err()).flatten() {
            errors.push(syn::Error::new(lit.span(), message));
        } else if !self.seen.insert(name.clone()) {
            let message = format!("event type \"{name}\" is listed twice; remove this one");
            errors.push(syn::Error::new(lit.span(), message));
        } else {
            self.event_types.push(lit);
        }
    }

    /// Handles `unchecked("type", ...)`: event types admitted without checking them against
    /// Stripe's list (for types newer than the bundled list); their syntax is still checked.
    fn unchecked(&mut self, group: &Group, errors: &mut Errors) {
        self.saw_event_entry = true;
        let entries = split_entries(group.stream());
        if entries.is_empty() {
            let message = format!("`unchecked()` is empty; {UNCHECKED_SYNTAX}");
            errors.push(syn::Error::new(group.span(), message));
        }
        for entry in entries {
            match entry.tokens.as_slice() {
                [token @ TokenTree::Literal(literal)] => match string_literal(token) {
                    Some(lit) => self.event_type(lit, false, errors),
                    None => errors.push(syn::Error::new(
                        literal.span(),
                        format!("{NOT_A_STRING}; {UNCHECKED_SYNTAX}"),
                    )),
                },
                [] => {
                    let span = entry.comma.unwrap_or_else(|| group.span());
                    errors.push(syn::Error::new(
                        span,
                        "expected an event type before this `,`, e.g. \"charge.succeeded\"",
                    ));
                }
                tokens => {
                    let tokens: TokenStream = tokens.iter().cloned().collect();
                    let message = format!("{NOT_A_STRING}; {UNCHECKED_SYNTAX}");
                    errors.push(syn::Error::new_spanned(tokens, message));
                }
            }
        }
    }

    /// Handles `unchecked = ...`, a misspelt `unchecked(...)`; `false` for other keys.
    pub(crate) fn key_value(
        &mut self,
        &KeyValue { key, eq, value }: &KeyValue<'_>,
        errors: &mut Errors,
    ) -> bool {
        if key != "unchecked" {
            return false;
        }
        let value: TokenStream = value.iter().cloned().collect();
        let mut tokens = key.to_token_stream();
        tokens.extend([TokenTree::Punct(eq.clone())]);
        tokens.extend(value);
        self.saw_event_entry = true;
        errors.push(syn::Error::new_spanned(tokens, UNCHECKED_SYNTAX));
        true
    }

    /// Reports an attribute without any event type.
    pub(crate) fn finish(&self, errors: &mut Errors) {
        if !self.saw_event_entry {
            errors.push(syn::Error::new(Span::call_site(), NO_EVENT_TYPE));
        }
    }

    /// The registration's data (the event types) and, for a built-in receiver, `.builtin()`.
    pub(crate) fn data(&self, private: &TokenStream) -> (TokenStream, TokenStream) {
        let event_types = &self.event_types;
        // The library's own receivers (the object sync) carry the hidden `__builtin` flag: they
        // run before every application receiver.
        let builtin = if self.builtin {
            quote!(.builtin())
        } else {
            TokenStream::new()
        };
        (
            quote!(#private::ReceiverData::new(&[#(#event_types),*])),
            builtin,
        )
    }
}

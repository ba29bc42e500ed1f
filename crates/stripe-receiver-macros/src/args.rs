//! Parsing the attribute's arguments:
//! `#[stripe_receiver("charge.succeeded", unchecked("brand_new.event"), crate = "path")]`.

use std::collections::HashSet;

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Lit, LitStr, Path};

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

/// The arguments of one `#[stripe_receiver(...)]`, after validation.
pub(crate) struct ReceiverArgs {
    /// The event types in the order written, those in `unchecked(...)` included: each one
    /// valid, none repeated, at least one.
    pub(crate) event_types: Vec<LitStr>,
    /// The path of the runtime crate: `::stripe_receiver`, or the `crate = "..."` override.
    pub(crate) krate: Path,
    /// `__builtin`: registers one of stripe-receiver's own receivers (the object sync), which
    /// run before every application receiver. Hidden: reserved for the library itself.
    pub(crate) builtin: bool,
}

/// The attribute's arguments had problems.
pub(crate) struct ArgsError {
    /// Every problem found, combined.
    pub(crate) error: syn::Error,
    /// The runtime crate's path, if the attribute leaves it unambiguous (no `crate = ...`, or
    /// a valid one): the expansion can still refer to the runtime to type-check the fn.
    pub(crate) krate: Option<Path>,
}

/// One comma-separated entry of the attribute.
struct Entry {
    /// The entry's tokens, without the comma.
    tokens: Vec<TokenTree>,
    /// The span of the comma that ends the entry, if one does.
    comma: Option<Span>,
}

/// Parses and validates the attribute's arguments.
///
/// Every problem found is reported, each spanned at the offending token; see the crate docs
/// for the syntax.
pub(crate) fn parse(attr: TokenStream) -> Result<ReceiverArgs, ArgsError> {
    let mut parser = ArgsParser::default();
    for entry in split_entries(attr) {
        parser.entry(entry);
    }
    parser.finish()
}

/// The state of [`parse`] between entries.
#[derive(Default)]
struct ArgsParser {
    /// The valid event types seen so far.
    event_types: Vec<LitStr>,
    /// The values of `event_types`, to find repeats.
    seen: HashSet<String>,
    /// Whether any entry was meant as an event type, valid or not.
    saw_event_entry: bool,
    /// The `crate = "..."` override, if given and valid.
    krate: Option<Path>,
    /// Whether a `crate` key was seen, valid or not.
    saw_crate: bool,
    /// Whether the hidden `__builtin` flag was given.
    builtin: bool,
    /// The problems found so far.
    errors: Errors,
}

impl ArgsParser {
    /// Handles one comma-separated entry.
    fn entry(&mut self, entry: Entry) {
        match entry.tokens.as_slice() {
            [] => {
                let span = entry.comma.unwrap_or_else(Span::call_site);
                self.errors.push(syn::Error::new(
                    span,
                    "expected an event type before this `,`, e.g. \"charge.succeeded\"",
                ));
            }
            [TokenTree::Group(group)] if group.delimiter() == Delimiter::None => {
                // Tokens passed through a `macro_rules!` fragment such as `$event:literal`.
                self.entry(Entry {
                    tokens: group.stream().into_iter().collect(),
                    comma: entry.comma,
                });
            }
            [TokenTree::Literal(literal)] => {
                self.saw_event_entry = true;
                match syn::parse2::<Lit>(literal.to_token_stream()) {
                    Ok(Lit::Str(lit)) if lit.suffix().is_empty() => self.event_type(lit, true),
                    _ => self
                        .errors
                        .push(syn::Error::new(literal.span(), NOT_A_STRING)),
                }
            }
            [TokenTree::Ident(flag)] if flag == "__builtin" => {
                if std::mem::replace(&mut self.builtin, true) {
                    self.errors
                        .push(syn::Error::new(flag.span(), "`__builtin` is given twice"));
                }
            }
            [TokenTree::Ident(key), TokenTree::Punct(eq), value @ ..]
                if eq.as_char() == '=' && eq.spacing() == Spacing::Alone =>
            {
                self.key_value(key, eq, value);
            }
            [TokenTree::Ident(key), TokenTree::Group(group)]
                if key == "unchecked" && group.delimiter() == Delimiter::Parenthesis =>
            {
                self.unchecked(group);
            }
            [TokenTree::Ident(key), ..] if key == "unchecked" => {
                self.saw_event_entry = true;
                let tokens: TokenStream = entry.tokens.iter().cloned().collect();
                self.errors
                    .push(syn::Error::new_spanned(tokens, UNCHECKED_SYNTAX));
            }
            tokens => {
                self.saw_event_entry = true;
                let tokens: TokenStream = tokens.iter().cloned().collect();
                let mut message = NOT_A_STRING.to_owned();
                let written: String = tokens.to_string().split_whitespace().collect();
                if validate_event_name(&written).is_ok() {
                    message = format!("{message}; write \"{written}\" in quotes");
                }
                self.errors.push(syn::Error::new_spanned(tokens, message));
            }
        }
    }

    /// Handles an event type literal: checks its syntax, that it is not a repeat and, if
    /// `checked`, that Stripe's list knows it.
    fn event_type(&mut self, lit: LitStr, checked: bool) {
        let name = lit.value();
        if let Err(reason) = validate_event_name(&name) {
            let message = format!("invalid Stripe event type \"{name}\": {reason}");
            self.errors.push(syn::Error::new(lit.span(), message));
        } else if let Some(message) = checked.then(|| check_known(&name).err()).flatten() {
            self.errors.push(syn::Error::new(lit.span(), message));
        } else if !self.seen.insert(name.clone()) {
            let message = format!("event type \"{name}\" is listed twice; remove this one");
            self.errors.push(syn::Error::new(lit.span(), message));
        } else {
            self.event_types.push(lit);
        }
    }

    /// Handles `unchecked("type", ...)`: event types admitted without checking them against
    /// Stripe's list (for types newer than the bundled list); their syntax is still checked.
    fn unchecked(&mut self, group: &Group) {
        self.saw_event_entry = true;
        let entries = split_entries(group.stream());
        if entries.is_empty() {
            let message = format!("`unchecked()` is empty; {UNCHECKED_SYNTAX}");
            self.errors.push(syn::Error::new(group.span(), message));
        }
        for entry in entries {
            match entry.tokens.as_slice() {
                [TokenTree::Literal(literal)] => {
                    match syn::parse2::<Lit>(literal.to_token_stream()) {
                        Ok(Lit::Str(lit)) if lit.suffix().is_empty() => {
                            self.event_type(lit, false);
                        }
                        _ => self.errors.push(syn::Error::new(
                            literal.span(),
                            format!("{NOT_A_STRING}; {UNCHECKED_SYNTAX}"),
                        )),
                    }
                }
                [] => {
                    let span = entry.comma.unwrap_or_else(|| group.span());
                    self.errors.push(syn::Error::new(
                        span,
                        "expected an event type before this `,`, e.g. \"charge.succeeded\"",
                    ));
                }
                tokens => {
                    let tokens: TokenStream = tokens.iter().cloned().collect();
                    let message = format!("{NOT_A_STRING}; {UNCHECKED_SYNTAX}");
                    self.errors.push(syn::Error::new_spanned(tokens, message));
                }
            }
        }
    }

    /// Handles `key = value`; the only key is `crate`.
    fn key_value(&mut self, key: &Ident, eq: &Punct, value: &[TokenTree]) {
        if key == "unchecked" {
            let value: TokenStream = value.iter().cloned().collect();
            let mut tokens = key.to_token_stream();
            tokens.extend([TokenTree::Punct(eq.clone())]);
            tokens.extend(value);
            self.saw_event_entry = true;
            self.errors
                .push(syn::Error::new_spanned(tokens, UNCHECKED_SYNTAX));
            return;
        }
        if key != "crate" {
            let message = format!(
                "unknown argument `{key}`; #[stripe_receiver] takes event types as string \
                 literals, `unchecked(\"type\", ...)` and an optional `crate = \"path\"`, \
                 e.g. #[stripe_receiver(\"charge.succeeded\", crate = \"::my_crate::stripe_receiver\")]"
            );
            self.errors.push(syn::Error::new(key.span(), message));
            return;
        }
        if std::mem::replace(&mut self.saw_crate, true) {
            self.errors.push(syn::Error::new(
                key.span(),
                "`crate` is given twice; keep only one `crate = \"...\"`",
            ));
            return;
        }
        match parse_crate_path(eq, value) {
            Ok(path) => self.krate = Some(path),
            Err(error) => self.errors.push(error),
        }
    }

    /// Returns the arguments, or every problem found.
    fn finish(mut self) -> Result<ReceiverArgs, ArgsError> {
        if !self.saw_event_entry {
            self.errors
                .push(syn::Error::new(Span::call_site(), NO_EVENT_TYPE));
        }
        let krate = match self.krate {
            Some(krate) => Some(krate),
            None if self.saw_crate => None,
            None => Some(syn::parse_quote!(::stripe_receiver)),
        };
        match self.errors.finish(()) {
            Ok(()) => Ok(ReceiverArgs {
                event_types: self.event_types,
                krate: krate.expect("a `crate` without a valid path is an error"),
                builtin: self.builtin,
            }),
            Err(error) => Err(ArgsError { error, krate }),
        }
    }
}

/// Parses the value of `crate = "..."`: a string literal holding a path without generics.
fn parse_crate_path(eq: &Punct, value: &[TokenTree]) -> syn::Result<Path> {
    let example = "e.g. crate = \"::my_crate::stripe_receiver\"";
    let lit = match value {
        [TokenTree::Literal(literal)] => match syn::parse2::<Lit>(literal.to_token_stream()) {
            Ok(Lit::Str(lit)) => lit,
            _ => {
                let message = format!("`crate` takes a path in a string literal, {example}");
                return Err(syn::Error::new(literal.span(), message));
            }
        },
        [] => {
            let message = format!("expected a path in a string literal after `=`, {example}");
            return Err(syn::Error::new(eq.span(), message));
        }
        tokens => {
            let tokens: TokenStream = tokens.iter().cloned().collect();
            let message = format!("`crate` takes a path in a string literal, {example}");
            return Err(syn::Error::new_spanned(tokens, message));
        }
    };
    lit.parse_with(Path::parse_mod_style).map_err(|error| {
        let message = format!(
            "`crate = \"{}\"` is not a path ({error}); give the path under which \
             stripe-receiver is re-exported, {example}",
            lit.value()
        );
        syn::Error::new(lit.span(), message)
    })
}

/// Splits the attribute's tokens at top-level commas; a trailing comma ends the last entry.
fn split_entries(attr: TokenStream) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut tokens = Vec::new();
    for token in attr {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => entries.push(Entry {
                tokens: std::mem::take(&mut tokens),
                comma: Some(punct.span()),
            }),
            token => tokens.push(token),
        }
    }
    if !tokens.is_empty() {
        entries.push(Entry {
            tokens,
            comma: None,
        });
    }
    entries
}

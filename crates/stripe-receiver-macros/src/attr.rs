//! Parsing an attribute's arguments, shared by the three attributes: comma-separated entries,
//! `crate = "path"`, unknown keys. What each entry means otherwise is the kind's
//! ([`KindArgs`]).

use proc_macro2::{Delimiter, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Lit, Path};

use crate::errors::Errors;
use crate::kind::{Kind, KindArgs};

/// The arguments of one attribute.
pub(crate) struct Attr {
    /// The kind's own arguments (possibly incomplete if `error` is set).
    pub(crate) args: KindArgs,
    /// The path of the runtime crate: `::stripe_receiver`, or the `crate = "..."` override;
    /// `None` when a `crate = ...` was given but is not usable.
    pub(crate) krate: Option<Path>,
    /// Every problem found, combined.
    pub(crate) error: Option<syn::Error>,
}

/// One comma-separated entry of the attribute.
pub(crate) struct Entry {
    /// The entry's tokens, without the comma.
    pub(crate) tokens: Vec<TokenTree>,
    /// The span of the comma that ends the entry, if one does.
    pub(crate) comma: Option<Span>,
}

/// One `key = value` entry.
pub(crate) struct KeyValue<'t> {
    /// The key.
    pub(crate) key: &'t Ident,
    /// The `=`.
    pub(crate) eq: &'t Punct,
    /// The value's tokens (possibly none).
    pub(crate) value: &'t [TokenTree],
}

/// Parses the arguments of the attribute of `kind`. Every problem found is reported, each
/// spanned at the offending token.
pub(crate) fn parse(kind: Kind, attr: TokenStream) -> Attr {
    let mut parser = Parser {
        kind,
        args: kind.args(),
        krate: None,
        saw_crate: false,
        errors: Errors::default(),
    };
    for entry in split_entries(attr) {
        parser.entry(entry);
    }
    parser.args.finish(&mut parser.errors);
    let krate = match parser.krate {
        Some(krate) => Some(krate),
        None if parser.saw_crate => None,
        None => Some(syn::parse_quote!(::stripe_receiver)),
    };
    Attr {
        args: parser.args,
        krate,
        error: parser.errors.finish(()).err(),
    }
}

/// The state of [`parse`] between entries.
struct Parser {
    kind: Kind,
    args: KindArgs,
    /// The `crate = "..."` override, if given and valid.
    krate: Option<Path>,
    /// Whether a `crate` key was seen, valid or not.
    saw_crate: bool,
    errors: Errors,
}

impl Parser {
    /// Handles one comma-separated entry.
    fn entry(&mut self, entry: Entry) {
        match entry.tokens.as_slice() {
            [] => {
                let span = entry.comma.unwrap_or_else(Span::call_site);
                let what = match self.kind {
                    Kind::Receiver => "an event type",
                    Kind::Hook => "the hook's name",
                    Kind::Job => "the job's name",
                };
                self.errors.push(syn::Error::new(
                    span,
                    format!(
                        "expected {what} before this `,`, e.g. {}",
                        example(self.kind)
                    ),
                ));
            }
            [TokenTree::Group(group)] if group.delimiter() == Delimiter::None => {
                // Tokens passed through a `macro_rules!` fragment such as `$event:literal`.
                self.entry(Entry {
                    tokens: group.stream().into_iter().collect(),
                    comma: entry.comma,
                });
            }
            [TokenTree::Ident(key), TokenTree::Punct(eq), value @ ..]
                if eq.as_char() == '=' && eq.spacing() == Spacing::Alone =>
            {
                let entry = KeyValue { key, eq, value };
                if !self.args.key_value(&entry, &mut self.errors) {
                    self.key_value(&entry);
                }
            }
            tokens => self.args.entry(tokens, &mut self.errors),
        }
    }

    /// Handles `key = value`; the only shared key is `crate`.
    fn key_value(&mut self, &KeyValue { key, eq, value }: &KeyValue<'_>) {
        if key != "crate" {
            let message = format!(
                "unknown argument `{key}`; {} takes {}",
                self.kind.attribute(),
                self.kind.takes()
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
}

/// The attribute with its simplest argument, for messages.
fn example(kind: Kind) -> &'static str {
    match kind {
        Kind::Receiver => "\"charge.succeeded\"",
        Kind::Hook => "webhook_post_process",
        Kind::Job => "\"send_receipt\"",
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

/// Splits an attribute's tokens at top-level commas; a trailing comma ends the last entry.
pub(crate) fn split_entries(attr: TokenStream) -> Vec<Entry> {
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

/// The string literal `token` holds, if it is one without a suffix.
pub(crate) fn string_literal(token: &TokenTree) -> Option<syn::LitStr> {
    match token {
        TokenTree::Literal(literal) => match syn::parse2::<Lit>(literal.to_token_stream()) {
            Ok(Lit::Str(lit)) if lit.suffix().is_empty() => Some(lit),
            _ => None,
        },
        _ => None,
    }
}

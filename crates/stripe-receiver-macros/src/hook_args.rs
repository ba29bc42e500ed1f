//! Parsing the arguments of `#[stripe_hook(...)]`: the hook's name (an identifier or a string
//! literal) and an optional `crate = "path"`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Path, Token};

use crate::errors::Errors;
use crate::suggest::closest;

/// The five hooks, in firing order; the runtime names its marker types after them.
pub(crate) const HOOKS: [&str; 5] = [
    "webhook_pre_validate",
    "webhook_post_validate",
    "webhook_pre_process",
    "webhook_post_process",
    "webhook_processing_error",
];

/// Error message when the attribute names no hook.
pub(crate) const NO_HOOK: &str =
    "expected the hook's name, e.g. #[stripe_hook(webhook_post_process)]; \
    one of webhook_pre_validate, webhook_post_validate, webhook_pre_process, \
    webhook_post_process, webhook_processing_error";

/// The arguments of one `#[stripe_hook(...)]`, after validation.
pub(crate) struct HookArgs {
    /// The hook's name as the runtime's marker type is named (`webhook_post_process`),
    /// spanned at the user's token.
    pub(crate) marker: Ident,
    /// The path of the runtime crate: `::stripe_receiver`, or the `crate = "..."` override.
    pub(crate) krate: Path,
}

/// One comma-separated argument.
enum Entry {
    /// `webhook_post_process` or `"webhook_post_process"`: the name and where it is written.
    Name(String, Span),
    /// `crate = "path"`.
    Crate(LitStr),
    /// `key = ...` with another key.
    UnknownKey(Ident),
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![crate]) && input.peek2(Token![=]) {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            return input.parse::<LitStr>().map(Self::Crate).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "`crate` takes a path in a string literal, e.g. crate = \"::my_crate::stripe_receiver\"",
                )
            });
        }
        if input.peek(LitStr) {
            let lit = input.parse::<LitStr>()?;
            return Ok(Self::Name(lit.value(), lit.span()));
        }
        if input.peek(Ident::peek_any) {
            let ident = input.call(Ident::parse_any)?;
            if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                input.parse::<TokenStream>()?;
                return Ok(Self::UnknownKey(ident));
            }
            return Ok(Self::Name(ident.unraw().to_string(), ident.span()));
        }
        Err(input.error(NO_HOOK))
    }
}

/// Parses and validates the attribute's arguments; every problem is reported, each at its token.
pub(crate) fn parse(attr: TokenStream) -> syn::Result<HookArgs> {
    let entries = Punctuated::<Entry, Token![,]>::parse_terminated.parse2(attr)?;
    let mut errors = Errors::default();
    let mut marker: Option<Ident> = None;
    let mut saw_name = false;
    let mut krate: Option<Path> = None;
    for entry in entries {
        match entry {
            Entry::Name(name, span) if saw_name => errors.push(syn::Error::new(
                span,
                format!(
                    "a #[stripe_hook] names one hook; remove `{name}` and put another \
                     #[stripe_hook(...)] on another fn"
                ),
            )),
            Entry::Name(name, span) => {
                saw_name = true;
                match known(&name) {
                    Some(hook) => marker = Some(Ident::new(hook, span)),
                    None => errors.push(syn::Error::new(span, unknown_message(&name))),
                }
            }
            Entry::Crate(lit) if krate.is_some() => errors.push(syn::Error::new(
                lit.span(),
                "`crate` is given twice; keep only one `crate = \"...\"`",
            )),
            Entry::Crate(lit) => match lit.parse_with(Path::parse_mod_style) {
                Ok(path) => krate = Some(path),
                Err(error) => errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "`crate = \"{}\"` is not a path ({error}); give the path under which \
                         stripe-receiver is re-exported, e.g. crate = \"::my_crate::stripe_receiver\"",
                        lit.value()
                    ),
                )),
            },
            Entry::UnknownKey(key) => errors.push(syn::Error::new(
                key.span(),
                format!(
                    "unknown argument `{key}`; #[stripe_hook] takes the hook's name and an \
                     optional `crate = \"path\"`, e.g. #[stripe_hook(webhook_post_process)]"
                ),
            )),
        }
    }
    if !saw_name {
        errors.push(syn::Error::new(Span::call_site(), NO_HOOK));
    }
    errors.finish(())?;
    Ok(HookArgs {
        marker: marker.expect("a name was seen and no error was reported"),
        krate: krate.unwrap_or_else(|| syn::parse_quote!(::stripe_receiver)),
    })
}

/// The hook named `name`, if it is one of the five.
fn known(name: &str) -> Option<&'static str> {
    HOOKS.iter().copied().find(|hook| *hook == name)
}

/// The message for a name that is not a hook, with the closest hook names.
fn unknown_message(name: &str) -> String {
    let names = HOOKS;
    let prefixed = format!("webhook_{name}");
    let suggestions = match known(&prefixed) {
        Some(hook) => vec![hook],
        None => closest(name, &names),
    };
    let mut message = format!("unknown hook `{name}`");
    if suggestions.is_empty() {
        message.push('.');
    } else {
        let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
        message.push_str(&format!("; did you mean {}?", quoted.join(" or ")));
    }
    message.push_str(&format!(" The hooks are: {}", names.join(", ")));
    message
}

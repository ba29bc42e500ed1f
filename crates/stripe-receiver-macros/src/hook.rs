//! The hook's own argument: which of the five hooks, as an identifier or a string literal
//! (`#[stripe_hook(webhook_post_process)]`, `#[stripe_hook("webhook_post_process")]`).

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::quote;
use syn::ext::IdentExt;

use crate::attr::string_literal;
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

/// The hook of one `#[stripe_hook(...)]`.
#[derive(Default)]
pub(crate) struct HookArgs {
    /// The hook's name as the runtime's marker type is named (`webhook_post_process`),
    /// spanned at the user's token, once a known hook is named.
    marker: Option<Ident>,
    /// Whether a name was given, known or not.
    saw_name: bool,
}

impl HookArgs {
    /// Handles one comma-separated entry that is not `key = value`: the hook's name.
    pub(crate) fn entry(&mut self, tokens: &[TokenTree], errors: &mut Errors) {
        let (name, span) = match tokens {
            [TokenTree::Ident(ident)] => (ident.unraw().to_string(), ident.span()),
            [token] if string_literal(token).is_some() => {
                let lit = string_literal(token).expect("checked above");
                (lit.value(), lit.span())
            }
            tokens => {
                self.saw_name = true; // reported here; not "missing" as well
                let tokens: TokenStream = tokens.iter().cloned().collect();
                errors.push(syn::Error::new_spanned(tokens, NO_HOOK));
                return;
            }
        };
        if std::mem::replace(&mut self.saw_name, true) {
            errors.push(syn::Error::new(
                span,
                format!(
                    "a #[stripe_hook] names one hook; remove `{name}` and put another \
                     #[stripe_hook(...)] on another fn"
                ),
            ));
            return;
        }
        match known(&name) {
            Some(hook) => self.marker = Some(Ident::new(hook, span)),
            None => errors.push(syn::Error::new(span, unknown_message(&name))),
        }
    }

    /// Reports an attribute without a hook.
    pub(crate) fn finish(&self, errors: &mut Errors) {
        if !self.saw_name {
            errors.push(syn::Error::new(Span::call_site(), NO_HOOK));
        }
    }

    /// The hook's marker type, the context of its arguments, once the hook is known.
    pub(crate) fn context(&self, private: &TokenStream) -> Option<TokenStream> {
        let marker = self.marker.as_ref()?;
        Some(quote!(#private::hook_kinds::#marker))
    }

    /// The registration's data: the hook, read from its marker type.
    pub(crate) fn data(&self, private: &TokenStream) -> TokenStream {
        let context = self.context(private);
        quote!(<#context as #private::HookMarker>::KIND)
    }
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

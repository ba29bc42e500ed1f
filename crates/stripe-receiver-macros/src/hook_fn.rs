//! Checking that the item under `#[stripe_hook]` is a fn the runtime can call, and reading its
//! signature.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Ident, Item, ReturnType};

use crate::errors::Errors;
use crate::lifetimes::erase_lifetimes;

/// Error message when the attribute is not on a fn.
pub(crate) const HOOK_NOT_A_FN: &str = "#[stripe_hook] goes on a fn, \
    e.g. `async fn audit(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError>`";

/// What the expansion needs to know about a hook fn.
pub(crate) struct HookFn {
    /// The fn's name.
    pub(crate) ident: Ident,
    /// Whether it is an `async fn`.
    pub(crate) is_async: bool,
    /// Its argument types, in order: the type with the fn's own lifetimes erased, and where it
    /// is written.
    pub(crate) args: Vec<(TokenStream, Span)>,
    /// Where its return type is written (the fn name if it has none).
    pub(crate) output_span: Span,
}

/// Checks that `item` is a free, non-generic, safe Rust-ABI fn and describes it; every problem
/// is reported, each at the offending token.
pub(crate) fn analyze(item: &Item) -> syn::Result<HookFn> {
    let Item::Fn(item_fn) = item else {
        return Err(syn::Error::new_spanned(item, HOOK_NOT_A_FN));
    };
    let sig = &item_fn.sig;
    let mut errors = Errors::default();
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            "#[stripe_hook] cannot register an `unsafe fn`; use an `unsafe { ... }` block inside",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            "#[stripe_hook] cannot register an `extern` fn; remove the ABI",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic.dots,
            "#[stripe_hook] cannot register a variadic fn",
        ));
    }
    let mut lifetimes = Vec::new();
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(param) => lifetimes.push(param.lifetime.ident.clone()),
            GenericParam::Type(_) | GenericParam::Const(_) => errors.push(syn::Error::new_spanned(
                param,
                "hooks cannot be generic: name concrete types (lifetime parameters are fine)",
            )),
        }
    }
    let mut args = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.push(syn::Error::new(
                receiver.self_token.span,
                "#[stripe_hook] goes on a free fn, not a method; take what it needs as \
                 arguments instead of `self`, e.g. `State<T>`",
            )),
            FnArg::Typed(arg) => {
                let tokens = arg.ty.to_token_stream();
                if let Some(span) = find_impl(tokens.clone()) {
                    errors.push(syn::Error::new(
                        span,
                        "hooks cannot be generic: an `impl Trait` argument is a type \
                         parameter; name the concrete type instead",
                    ));
                }
                args.push((erase_lifetimes(tokens, &lifetimes), arg.ty.span()));
            }
        }
    }
    let output_span = match &sig.output {
        ReturnType::Default => sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    errors.finish(HookFn {
        ident: sig.ident.clone(),
        is_async: sig.asyncness.is_some(),
        args,
        output_span,
    })
}

/// The span of the first `impl` keyword in a type, if there is one.
fn find_impl(tokens: TokenStream) -> Option<Span> {
    tokens.into_iter().find_map(|token| match token {
        TokenTree::Ident(ident) if ident == "impl" => Some(ident.span()),
        TokenTree::Group(group) => find_impl(group.stream()),
        _ => None,
    })
}

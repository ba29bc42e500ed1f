//! Checking that the annotated item is a fn the runtime can call, and reading its signature:
//! the same checks and messages for the three attributes.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Ident, Item, ReturnType, Type};

use crate::errors::Errors;
use crate::kind::Kind;
use crate::lifetimes::erase_lifetimes;

/// Error message for a second argument that borrows the transaction, after the attribute.
pub(crate) const TRANSACTION_TWICE: &str = "fn can take the webhook's transaction only once";

/// The last path segments of the argument types that borrow the webhook's transaction when
/// taken as `&mut T`: the transaction itself and the backends' native connections.
const TRANSACTION_TYPES: [&str; 3] = ["Tx", "SqliteConnection", "PgConnection"];

/// What the expansion needs to know about the annotated fn.
pub(crate) struct AnnotatedFn {
    /// The fn's name.
    pub(crate) ident: Ident,
    /// Whether it is an `async fn`, whose result must be awaited.
    pub(crate) is_async: bool,
    /// Its argument types, in order.
    pub(crate) args: Vec<ArgType>,
    /// Where its return type is written (the fn name if it has none), for type errors about it.
    pub(crate) output_span: Span,
}

/// One argument type of the annotated fn.
pub(crate) struct ArgType {
    /// The type as written, with the fn's own lifetime parameters replaced by `'_`.
    pub(crate) tokens: TokenStream,
    /// Where the type is written, for type errors about it.
    pub(crate) span: Span,
}

/// Checks that `item` is a free, non-generic, safe Rust-ABI fn the attribute of `kind` can
/// register, and describes it.
///
/// Every problem found is reported, each spanned at the offending token.
pub(crate) fn analyze(kind: Kind, item: &Item) -> syn::Result<AnnotatedFn> {
    let attribute = kind.attribute();
    let plural = kind.plural();
    let Item::Fn(item_fn) = item else {
        let message = format!("{attribute} goes on a fn, e.g. {}", kind.example_fn());
        return Err(syn::Error::new_spanned(item, message));
    };
    let sig = &item_fn.sig;
    let mut errors = Errors::default();
    if let Some(unsafety) = &sig.unsafety {
        errors.push(syn::Error::new(
            unsafety.span,
            format!(
                "{attribute} cannot register an `unsafe fn`; remove `unsafe` and use an \
                 `unsafe {{ ... }}` block inside the fn instead"
            ),
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            format!(
                "{attribute} cannot register an `extern` fn; remove the `extern` ABI, \
                 {plural} are called as plain Rust fns"
            ),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic.dots,
            format!(
                "{attribute} cannot register a variadic fn; remove the `...` and take each \
                 value as a typed argument"
            ),
        ));
    }
    let mut lifetimes = Vec::new();
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(param) => lifetimes.push(param.lifetime.ident.clone()),
            GenericParam::Type(param) => errors.push(syn::Error::new(
                param.ident.span(),
                format!(
                    "{plural} cannot be generic: remove the type parameter `{}` and name \
                     concrete types (lifetime parameters are fine)",
                    param.ident
                ),
            )),
            GenericParam::Const(param) => errors.push(syn::Error::new_spanned(
                param,
                format!(
                    "{plural} cannot be generic: remove the const parameter `{}` and use a \
                     constant (lifetime parameters are fine)",
                    param.ident
                ),
            )),
        }
    }
    let mut args = Vec::new();
    let mut transaction: Option<&Type> = None;
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(receiver) => errors.push(syn::Error::new(
                receiver.self_token.span,
                format!(
                    "{attribute} goes on a free fn, not a method; move it out of the `impl` \
                     block and take what it needs as arguments instead of `self`, e.g. \
                     `State<T>`"
                ),
            )),
            FnArg::Typed(arg) => {
                let tokens = arg.ty.to_token_stream();
                if let Some(span) = find_impl_trait(tokens.clone()) {
                    errors.push(syn::Error::new(
                        span,
                        format!(
                            "{plural} cannot be generic: an `impl Trait` argument is a type \
                             parameter; name the concrete type instead"
                        ),
                    ));
                }
                if kind.takes_transaction() && borrows_transaction(&arg.ty) {
                    match transaction {
                        None => transaction = Some(&arg.ty),
                        Some(first) => errors.push(syn::Error::new_spanned(
                            &arg.ty,
                            format!(
                                "a {attribute} {TRANSACTION_TWICE}: `{}` already borrows it; remove this \
                                 argument and use that one (`&mut Tx<'_>` and the native \
                                 `&mut SqliteConnection` / `&mut PgConnection` are the same \
                                 transaction)",
                                first
                                    .to_token_stream()
                                    .to_string()
                                    .replace(" < ", "<")
                                    .replace(" >", ">")
                                    .replace("& mut", "&mut")
                            ),
                        )),
                    }
                }
                args.push(ArgType {
                    tokens: erase_lifetimes(tokens, &lifetimes),
                    span: arg.ty.span(),
                });
            }
        }
    }
    let output_span = match &sig.output {
        ReturnType::Default => sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    errors.finish(AnnotatedFn {
        ident: sig.ident.clone(),
        is_async: sig.asyncness.is_some(),
        args,
        output_span,
    })
}

/// Whether `ty` is `&mut T` for a `T` whose path ends in one of [`TRANSACTION_TYPES`].
///
/// This is a syntactic check, made so that a fn taking the transaction twice is refused
/// at compile time on the second argument; a type alias escapes it, and is refused at start-up
/// by the runtime instead.
fn borrows_transaction(ty: &Type) -> bool {
    match ty {
        Type::Reference(reference) if reference.mutability.is_some() => {
            let mut elem = &*reference.elem;
            while let Type::Paren(syn::TypeParen { elem: inner, .. })
            | Type::Group(syn::TypeGroup { elem: inner, .. }) = elem
            {
                elem = inner;
            }
            matches!(elem, Type::Path(path) if path.qself.is_none()
            && path.path.segments.last().is_some_and(|last| {
                TRANSACTION_TYPES.iter().any(|name| last.ident == name)
            }))
        }
        Type::Paren(syn::TypeParen { elem, .. }) | Type::Group(syn::TypeGroup { elem, .. }) => {
            borrows_transaction(elem)
        }
        _ => false,
    }
}

/// The span of the first `impl` keyword in a type (`impl Trait`), if there is one.
fn find_impl_trait(tokens: TokenStream) -> Option<Span> {
    tokens.into_iter().find_map(|token| match token {
        TokenTree::Ident(ident) if ident == "impl" => Some(ident.span()),
        TokenTree::Group(group) => find_impl_trait(group.stream()),
        _ => None,
    })
}

//! Generating the registration code of `#[stripe_hook(...)]`.
//!
//! ```rust,ignore
//! #[stripe_hook(webhook_post_process)]
//! async fn audit(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> { ... }
//! ```
//!
//! becomes the fn, unchanged, and (`__private` standing for `::stripe_receiver::__private`):
//!
//! ```rust,ignore
//! const _: () = {
//!     fn __stripe_hook_call<'a>(
//!         mut __parts: __private::HookParts<'a>,
//!     ) -> __private::BoxFuture<'a, __private::HookResult> {
//!         ::std::boxed::Box::pin(async move {
//!             let __arg0 = <&Event as __private::HookArg<'a, __private::hook_kinds::webhook_post_process>>::extract(&mut __parts)?;
//!             let __arg1 = <&mut Tx<'_> as __private::HookArg<'a, __private::hook_kinds::webhook_post_process>>::extract(&mut __parts)?;
//!             let __future = __private::send_future(audit(__arg0, __arg1));
//!             __private::IntoHookResult::into_hook_result(__future.await)
//!         })
//!     }
//!     fn __stripe_hook_requirements<'a>(__requirements: &mut __private::Requirements) { ... }
//!     __private::inventory::submit! {
//!         __private::Hook::new(
//!             <__private::hook_kinds::webhook_post_process as __private::HookMarker>::KIND,
//!             ::core::concat!(::core::module_path!(), "::", "audit"),
//!             ::core::file!(), ::core::line!(),
//!             __stripe_hook_call, __stripe_hook_requirements,
//!         )
//!     }
//! };
//! ```
//!
//! Each argument goes through `HookArg<'a, marker>`, spanned at the argument's type: an argument
//! the hook does not get is reported there, naming the hook.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::Item;

use crate::hook_args;
use crate::hook_fn::{self, HookFn};

/// Expands `#[stripe_hook(attr)] item`: the item unchanged, then either the registration block
/// or one `compile_error!` per problem (nothing registered).
pub(crate) fn hook(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = hook_args::parse(attr);
    let hook_fn = syn::parse2::<Item>(item.clone()).and_then(|item| hook_fn::analyze(&item));
    let generated = match (args, hook_fn) {
        (Ok(args), Ok(hook_fn)) => registration(&args, &hook_fn),
        (args, hook_fn) => {
            let mut errors = crate::errors::Errors::default();
            for error in [args.err(), hook_fn.err()].into_iter().flatten() {
                errors.push(error);
            }
            errors
                .finish(())
                .err()
                .map(syn::Error::into_compile_error)
                .unwrap_or_default()
        }
    };
    quote! {
        #item
        #generated
    }
}

fn registration(args: &hook_args::HookArgs, hook_fn: &HookFn) -> TokenStream {
    let krate = &args.krate;
    let private = quote!(#krate::__private);
    let marker = &args.marker;
    let kind = quote!(#private::hook_kinds::#marker);
    let ident = &hook_fn.ident;
    let name = ident.unraw().to_string();
    let arg_names: Vec<_> = (0..hook_fn.args.len())
        .map(|index| format_ident!("__arg{}", index))
        .collect();
    let extracts = hook_fn
        .args
        .iter()
        .zip(&arg_names)
        .map(|((ty, span), name)| {
            let extract = quote_spanned!(*span=> <#ty as #private::HookArg<'a, #kind>>::extract);
            quote!(let #name = #extract(&mut __parts)?;)
        });
    let requires = hook_fn.args.iter().map(|(ty, span)| {
        let require = quote_spanned!(*span=> <#ty as #private::HookArg<'a, #kind>>::require);
        quote!(#require(__requirements);)
    });
    let call = quote!(#ident(#(#arg_names),*));
    let (send_future, output) = if hook_fn.is_async {
        let send = respan(
            quote!(let __future = #private::send_future(#call);),
            ident.span(),
        );
        (send, quote!(__future.await))
    } else {
        (TokenStream::new(), call)
    };
    let output = respan(output, hook_fn.output_span);
    let location = quote_spanned!(ident.span()=> ::core::file!(), ::core::line!());
    // Without arguments, `'a` would be unused and `__parts` not used mutably.
    let (lifetime, parts_mut) = if hook_fn.args.is_empty() {
        (quote!(), quote!())
    } else {
        (quote!(<'a>), quote!(mut))
    };
    let parts_lifetime = if hook_fn.args.is_empty() {
        quote!('_)
    } else {
        quote!('a)
    };
    quote! {
        const _: () = {
            #[allow(clippy::needless_lifetimes, clippy::unit_arg)]
            fn __stripe_hook_call #lifetime(
                #parts_mut __parts: #private::HookParts<#parts_lifetime>,
            ) -> #private::BoxFuture<#parts_lifetime, #private::HookResult> {
                ::std::boxed::Box::pin(async move {
                    #(#extracts)*
                    #send_future
                    #private::IntoHookResult::into_hook_result(#output)
                })
            }
            fn __stripe_hook_requirements #lifetime(__requirements: &mut #private::Requirements) {
                #(#requires)*
            }
            #private::inventory::submit! {
                #private::Hook::new(
                    <#kind as #private::HookMarker>::KIND,
                    ::core::concat!(::core::module_path!(), "::", #name),
                    #location,
                    __stripe_hook_call,
                    __stripe_hook_requirements,
                )
            }
        };
    }
}

/// Returns `tokens` with every token, at any depth, spanned at `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                token =
                    TokenTree::Group(Group::new(group.delimiter(), respan(group.stream(), span)));
            }
            token.set_span(span);
            token
        })
        .collect()
}

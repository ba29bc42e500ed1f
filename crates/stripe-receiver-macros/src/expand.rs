//! Generating the registration code of `#[stripe_receiver(...)]`.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::Item;

use crate::args::{self, ReceiverArgs};
use crate::errors::Errors;
use crate::signature::{self, ReceiverFn};

/// Expands `#[stripe_receiver(attr)] item`.
///
/// On success, returns the item unchanged followed by a `const _: () = { ... };` block holding
/// the type-erased wrapper fn, the requirements fn and the `inventory::submit!` registration.
/// On error, returns the item unchanged followed by one `compile_error!` per problem found (so
/// that IDEs still know the fn), and registers nothing.
pub(crate) fn receiver(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = args::parse(attr);
    let receiver_fn = syn::parse2::<Item>(item.clone()).and_then(|item| signature::analyze(&item));
    let generated = match (args, receiver_fn) {
        (Ok(args), Ok(receiver_fn)) => registration(&args, &receiver_fn),
        (args, receiver_fn) => {
            let mut errors = Errors::default();
            for error in [args.err(), receiver_fn.err()].into_iter().flatten() {
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

/// Generates the `const _: () = { ... };` block that registers `receiver_fn`.
fn registration(args: &ReceiverArgs, receiver_fn: &ReceiverFn) -> TokenStream {
    let krate = &args.krate;
    let private = quote!(#krate::__private);
    let ident = &receiver_fn.ident;
    let name = ident.unraw().to_string();
    let event_types = &args.event_types;

    let arg_names: Vec<_> = (0..receiver_fn.args.len())
        .map(|index| format_ident!("__arg{}", index))
        .collect();
    let extracts = receiver_fn.args.iter().zip(&arg_names).map(|(arg, name)| {
        let ty = &arg.tokens;
        let extract = quote_spanned!(arg.span=> <#ty as #private::ReceiverArg<'a>>::extract);
        quote!(let #name = #extract(&mut __parts)?;)
    });
    let requires = receiver_fn.args.iter().map(|arg| {
        let ty = &arg.tokens;
        let require = quote_spanned!(arg.span=> <#ty as #private::ReceiverArg<'a>>::require);
        quote!(#require(__requirements);)
    });
    let mut call = quote!(#ident(#(#arg_names),*));
    if receiver_fn.is_async {
        call = quote!(#call.await);
    }
    // The call is spanned at the return type, so that a return type the runtime cannot use is
    // reported there; the path keeps the call-site span, so that lints see generated code.
    let call = respan(call, receiver_fn.output_span);
    let into_result = quote!(#private::IntoReceiverResult::into_receiver_result(#call));
    // The lints allowed are those clippy would raise if it linted this code as the user's.
    // Without arguments, `'a` would be unused or elidable and `__parts` is not used mutably.
    let (call_signature, requirements_signature) = if receiver_fn.args.is_empty() {
        (
            quote! {
                #[allow(clippy::unit_arg)]
                fn __stripe_receiver_call(
                    __parts: #private::Parts<'_>,
                ) -> #private::BoxFuture<'_, #private::ReceiverResult>
            },
            quote! {
                fn __stripe_receiver_requirements(
                    __requirements: &mut #private::Requirements,
                )
            },
        )
    } else {
        (
            quote! {
                #[allow(clippy::needless_lifetimes, clippy::unit_arg)]
                fn __stripe_receiver_call<'a>(
                    mut __parts: #private::Parts<'a>,
                ) -> #private::BoxFuture<'a, #private::ReceiverResult>
            },
            quote! {
                #[allow(clippy::extra_unused_lifetimes)]
                fn __stripe_receiver_requirements<'a>(
                    __requirements: &mut #private::Requirements,
                )
            },
        )
    };
    // `file!()` and `line!()` spanned at the fn name report where the fn is, not the attribute.
    let location = quote_spanned!(ident.span()=> ::core::file!(), ::core::line!());

    quote! {
        const _: () = {
            #call_signature {
                ::std::boxed::Box::pin(async move {
                    #(#extracts)*
                    #into_result
                })
            }
            #requirements_signature {
                #(#requires)*
            }
            #private::inventory::submit! {
                #private::Receiver::new(
                    &[#(#event_types),*],
                    ::core::concat!(::core::module_path!(), "::", #name),
                    #location,
                    __stripe_receiver_call,
                    __stripe_receiver_requirements,
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

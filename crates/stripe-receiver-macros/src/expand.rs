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
///
/// On error, returns the item unchanged (so that IDEs still know the fn) followed by one
/// `compile_error!` per problem found, and registers nothing. If only the attribute's arguments
/// are wrong, the wrapper is still generated (without registration), so that the compiler
/// reports type errors in the signature in the same build.
pub(crate) fn receiver(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = args::parse(attr);
    let receiver_fn = syn::parse2::<Item>(item.clone()).and_then(|item| signature::analyze(&item));
    let generated = match (args, receiver_fn) {
        (Ok(args), Ok(receiver_fn)) => registration(&args.krate, &receiver_fn, Some(&args)),
        (Err(args), Ok(receiver_fn)) => {
            let wrapper = args
                .krate
                .map(|krate| registration(&krate, &receiver_fn, None));
            let error = args.error.into_compile_error();
            quote!(#error #wrapper)
        }
        (args, receiver_fn) => {
            let mut errors = Errors::default();
            for error in [args.err().map(|args| args.error), receiver_fn.err()]
                .into_iter()
                .flatten()
            {
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

/// Generates the `const _: () = { ... };` block that checks `receiver_fn` and, given the
/// attribute's arguments, registers it under their event types.
fn registration(
    krate: &syn::Path,
    receiver_fn: &ReceiverFn,
    args: Option<&ReceiverArgs>,
) -> TokenStream {
    let private = quote!(#krate::__private);
    let ident = &receiver_fn.ident;
    let name = ident.unraw().to_string();

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
    let call = quote!(#ident(#(#arg_names),*));
    // The future of an async fn is boxed as `Send` on its own, in a statement spanned at the
    // fn's name: a future that is not `Send` is reported there (rustc adds which variable is
    // held across which `.await`), and only there, since the wrapper then holds a boxed future.
    let (send_future, output) = if receiver_fn.is_async {
        let send = respan(
            quote!(let __future = #private::send_future(#call);),
            ident.span(),
        );
        (send, quote!(__future.await))
    } else {
        (TokenStream::new(), call)
    };
    // The output is spanned at the return type, so that a return type the runtime cannot use is
    // reported there; the path keeps the call-site span, so that lints see generated code.
    let output = respan(output, receiver_fn.output_span);
    let into_result = quote!(#private::IntoReceiverResult::into_receiver_result(#output));
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
    let submit = args.map(|args| {
        let event_types = &args.event_types;
        // The library's own receivers (the object sync) carry the hidden `__builtin` flag: they
        // run before every application receiver.
        let builtin = args.builtin.then(|| quote!(.builtin()));
        quote! {
            #private::inventory::submit! {
                #private::Receiver::new(
                    &[#(#event_types),*],
                    ::core::concat!(::core::module_path!(), "::", #name),
                    #location,
                    __stripe_receiver_call,
                    __stripe_receiver_requirements,
                )#builtin
            }
        }
    });

    quote! {
        const _: () = {
            #call_signature {
                ::std::boxed::Box::pin(async move {
                    #(#extracts)*
                    #send_future
                    #into_result
                })
            }
            #requirements_signature {
                #(#requires)*
            }
            #submit
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

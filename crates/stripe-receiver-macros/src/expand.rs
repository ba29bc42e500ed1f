//! The one expansion pipeline of `#[stripe_receiver]`, `#[stripe_hook]` and `#[stripe_job]`.
//!
//! `expand(kind, attr, item)` parses the attribute ([`crate::attr`], with the kind's own
//! arguments in [`crate::kind`]) and the fn ([`crate::signature`]), then emits:
//!
//! - the item, always, unchanged (so that IDEs keep working whatever the errors);
//! - one `compile_error!` per problem found, each spanned at the offending token;
//! - the type-erased wrapper, whenever the fn's signature is usable and the attribute says
//!   what its arguments are extracted for (so that the compiler reports argument, return
//!   type and `Send` errors in the same build as the attribute's own errors);
//! - the `inventory` registration, only when there is no error at all.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::Item;

use crate::attr;
use crate::errors::Errors;
use crate::kind::{Kind, KindArgs};
use crate::signature::{self, AnnotatedFn};

/// Expands `#[<kind>(attr)] item`.
pub(crate) fn expand(kind: Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let attr = attr::parse(kind, attr);
    let annotated =
        syn::parse2::<Item>(item.clone()).and_then(|item| signature::analyze(kind, &item));
    let mut errors = Errors::default();
    if let Some(error) = attr.error.clone() {
        errors.push(error);
    }
    let generated = match annotated {
        Ok(annotated) => attr.krate.as_ref().and_then(|krate| {
            let registered = attr.error.is_none();
            registration(kind, krate, &attr.args, &annotated, registered)
        }),
        Err(error) => {
            errors.push(error);
            None
        }
    };
    let errors = errors.finish(()).err().map(syn::Error::into_compile_error);
    quote! {
        #item
        #errors
        #generated
    }
}

/// Generates the `const _: () = { ... };` block: the wrapper that extracts each argument of
/// `annotated` and calls it, the fn that collects its requirements and, if `registered`, the
/// `inventory` registration. `None` if the attribute does not say what the arguments are
/// extracted for (a hook that is not named).
fn registration(
    kind: Kind,
    krate: &syn::Path,
    args: &KindArgs,
    annotated: &AnnotatedFn,
    registered: bool,
) -> Option<TokenStream> {
    let private = quote!(#krate::__private);
    let context = args.context(&private)?;
    let marker = kind.marker(&private);
    let ident = &annotated.ident;
    let name = ident.unraw().to_string();

    let arg_names: Vec<_> = (0..annotated.args.len())
        .map(|index| format_ident!("__arg{}", index))
        .collect();
    // Each argument's trait path is spanned at the argument's type, so that a type the context
    // does not take is reported there.
    let arg_trait = |span: Span| quote_spanned!(span=> #private::Arg<'a, #context>);
    let extracts = annotated.args.iter().zip(&arg_names).map(|(arg, name)| {
        let ty = &arg.tokens;
        let arg_trait = arg_trait(arg.span);
        let extract = quote_spanned!(arg.span=> <#ty as #arg_trait>::extract);
        quote!(let #name = #extract(&mut __parts)?;)
    });
    let requires = annotated.args.iter().map(|arg| {
        let ty = &arg.tokens;
        let arg_trait = arg_trait(arg.span);
        let require = quote_spanned!(arg.span=> <#ty as #arg_trait>::require);
        quote!(#require(__requirements);)
    });
    let call = quote!(#ident(#(#arg_names),*));
    // The future of an async fn is boxed as `Send` on its own, in a statement spanned at the
    // fn's name: a future that is not `Send` is reported there (rustc adds which variable is
    // held across which `.await`), and only there, since the wrapper then holds a boxed future.
    let (send_future, output) = if annotated.is_async {
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
    let output = respan(output, annotated.output_span);
    let into_result = quote!(#private::IntoCallResult::<#context>::into_call_result(#output));
    // The lints allowed are those clippy would raise if it linted this code as the user's.
    // Without arguments, `'a` would be unused or elidable and `__parts` is not used mutably.
    let (call_signature, requirements_signature) = if annotated.args.is_empty() {
        (
            quote! {
                #[allow(clippy::unit_arg)]
                fn __stripe_call(
                    __parts: #private::Input<'_, #marker>,
                ) -> #private::BoxFuture<'_, #private::CallResult>
            },
            quote! {
                fn __stripe_requirements(
                    __requirements: &mut #private::Requirements,
                )
            },
        )
    } else {
        (
            quote! {
                #[allow(clippy::needless_lifetimes, clippy::unit_arg)]
                fn __stripe_call<'a>(
                    mut __parts: #private::Input<'a, #marker>,
                ) -> #private::BoxFuture<'a, #private::CallResult>
            },
            quote! {
                #[allow(clippy::extra_unused_lifetimes)]
                fn __stripe_requirements<'a>(
                    __requirements: &mut #private::Requirements,
                )
            },
        )
    };
    // `file!()` and `line!()` spanned at the fn name report where the fn is, not the attribute.
    let location = quote_spanned!(ident.span()=> ::core::file!(), ::core::line!());
    let submit = registered.then(|| {
        let (data, builder) = args.data(&private);
        quote! {
            #private::inventory::submit! {
                #private::Registration::<#marker>::new(
                    #data,
                    ::core::concat!(::core::module_path!(), "::", #name),
                    #location,
                    __stripe_call,
                    __stripe_requirements,
                )#builder
            }
        }
    });

    Some(quote! {
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
    })
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

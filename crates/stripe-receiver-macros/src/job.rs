//! `#[stripe_job("name")]`: registers a fn as the runner of one kind of outbox job.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Item, LitStr, ReturnType, Token};

use crate::errors::Errors;

/// The attribute's arguments: the job name, and optionally `crate = "path"`.
struct JobArgs {
    name: LitStr,
    krate: syn::Path,
}

/// One attribute argument: a string literal, or `crate = "path"`.
enum JobArg {
    Name(LitStr),
    Crate(LitStr),
}

impl Parse for JobArg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![crate]) {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            return Ok(Self::Crate(input.parse()?));
        }
        input.parse::<LitStr>().map(Self::Name).map_err(|e| {
            syn::Error::new(
                e.span(),
                "a job name is a string literal, e.g. #[stripe_job(\"send_receipt\")]",
            )
        })
    }
}

/// Job names: lowercase ASCII letters, digits, `_`, `-` and `.`, starting with a letter.
fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c))
}

fn parse_args(attr: TokenStream) -> syn::Result<JobArgs> {
    let args = syn::parse::Parser::parse2(Punctuated::<JobArg, Token![,]>::parse_terminated, attr)?;
    let mut name: Option<LitStr> = None;
    let mut krate: Option<syn::Path> = None;
    let mut errors = Errors::default();
    for arg in args {
        match arg {
            JobArg::Name(lit) if name.is_some() => errors.push(syn::Error::new(
                lit.span(),
                "a job has one name; register another fn for another kind of job",
            )),
            JobArg::Name(lit) if !valid_name(&lit.value()) => {
                errors.push(syn::Error::new(
                    lit.span(),
                    "job names are lowercase ASCII letters, digits, `_`, `-` and `.`, starting \
                     with a letter, e.g. \"send_receipt\"",
                ));
                name = Some(lit); // reported; not "missing" as well
            }
            JobArg::Name(lit) => name = Some(lit),
            JobArg::Crate(lit) => match lit.parse::<syn::Path>() {
                Ok(path) if krate.is_none() => krate = Some(path),
                Ok(_) => errors.push(syn::Error::new(lit.span(), "`crate` is given twice")),
                Err(_) => errors.push(syn::Error::new(
                    lit.span(),
                    "`crate = \"...\"` takes a path, e.g. crate = \"::my_sdk::stripe_receiver\"",
                )),
            },
        }
    }
    let Some(name) = name else {
        errors.push(syn::Error::new(
            Span::call_site(),
            "expected the job's name, e.g. #[stripe_job(\"send_receipt\")]",
        ));
        return Err(errors.finish(()).unwrap_err());
    };
    errors.finish(JobArgs {
        name,
        krate: krate.unwrap_or_else(|| syn::parse_quote!(::stripe_receiver)),
    })
}

/// Expands `#[stripe_job(attr)] item`: the fn unchanged, then a `const _` block with the
/// type-erased runner and its `inventory` registration. On error: the fn unchanged and the
/// errors, nothing registered.
pub(crate) fn job(attr: TokenStream, item: TokenStream) -> TokenStream {
    let parsed = syn::parse2::<Item>(item.clone());
    let result = parse_args(attr).and_then(|args| {
        let item = parsed?;
        registration(&args, &item)
    });
    match result {
        Ok(generated) => quote!(#item #generated),
        Err(e) => {
            let errors = e.into_compile_error();
            quote!(#item #errors)
        }
    }
}

fn registration(args: &JobArgs, item: &Item) -> syn::Result<TokenStream> {
    let Item::Fn(f) = item else {
        return Err(syn::Error::new_spanned(
            item,
            "#[stripe_job] goes on a fn, e.g. `async fn send_receipt(job: &Job, Payload(receipt): Payload<Receipt>) -> Result<(), BoxError>`",
        ));
    };
    let sig = &f.sig;
    let mut errors = Errors::default();
    for p in &sig.generics.params {
        if !matches!(p, GenericParam::Lifetime(_)) {
            errors.push(syn::Error::new(
                p.span(),
                "job fns cannot be generic: the runtime calls them by name with one payload type",
            ));
        }
    }
    if let Some(u) = &sig.unsafety {
        errors.push(syn::Error::new(
            u.span,
            "#[stripe_job] cannot register an `unsafe fn`",
        ));
    }
    let mut types = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => errors.push(syn::Error::new(
                r.self_token.span,
                "#[stripe_job] goes on a free fn, not a method",
            )),
            FnArg::Typed(t) => types.push(&t.ty),
        }
    }
    errors.finish(())?;

    let krate = &args.krate;
    let private = quote!(#krate::__private);
    let ident = &sig.ident;
    let name = &args.name;
    let fn_name = ident.to_string();
    let arg_names: Vec<_> = (0..types.len())
        .map(|i| format_ident!("__arg{}", i))
        .collect();
    let extracts = types.iter().zip(&arg_names).map(|(ty, arg)| {
        let extract = quote_spanned!(ty.span()=> <#ty as #private::JobArg<'a>>::extract);
        quote!(let #arg = #extract(&mut __parts)?;)
    });
    let requires = types.iter().map(|ty| {
        let require = quote_spanned!(ty.span()=> <#ty as #private::JobArg<'a>>::require);
        quote!(#require(__requirements);)
    });
    let mut call = quote!(#ident(#(#arg_names),*));
    if sig.asyncness.is_some() {
        call = quote!(#call.await);
    }
    let output_span = match &sig.output {
        ReturnType::Default => ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let into = quote_spanned!(output_span=> #private::IntoReceiverResult::into_receiver_result);
    let line = quote_spanned!(ident.span()=> ::core::line!());
    let mutability = if types.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    Ok(quote! {
        const _: () = {
            #[allow(clippy::needless_lifetimes, clippy::unit_arg, unused_mut)]
            fn __stripe_job_call<'a>(
                #mutability __parts: #private::JobParts<'a>,
            ) -> #private::BoxFuture<'a, #private::ReceiverResult> {
                ::std::boxed::Box::pin(async move {
                    #(#extracts)*
                    #into(#call)
                })
            }
            #[allow(clippy::extra_unused_lifetimes)]
            fn __stripe_job_requirements<'a>(__requirements: &mut #private::Requirements) {
                #(#requires)*
            }
            #private::inventory::submit! {
                #private::JobKind::new(
                    #name,
                    ::core::concat!(::core::module_path!(), "::", #fn_name),
                    ::core::file!(),
                    #line,
                    __stripe_job_call,
                    __stripe_job_requirements,
                )
            }
        };
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(attr: &str, item: &str) -> String {
        job(attr.parse().unwrap(), item.parse().unwrap()).to_string()
    }

    #[test]
    fn registers_under_its_name() {
        let out = expand(
            r#""send_receipt""#,
            "async fn send(job: &Job, Payload(r): Payload<R>) -> Result<(), BoxError> { Ok(()) }",
        );
        assert!(out.contains("JobKind :: new (\"send_receipt\""), "{out}");
        assert!(out.contains("async fn send"), "{out}");
        assert!(out.contains(". await"), "{out}");
    }

    #[test]
    fn errors_keep_the_fn() {
        for (attr, item, message) in [
            ("", "fn f() {}", "expected the job's name"),
            (r#""Send Receipt""#, "fn f() {}", "job names are lowercase"),
            (r#""a", "b""#, "fn f() {}", "a job has one name"),
            ("send", "fn f() {}", "a job name is a string literal"),
            (r#""a""#, "struct S;", "#[stripe_job] goes on a fn"),
            (r#""a""#, "fn f<T>(t: T) {}", "cannot be generic"),
        ] {
            let out = expand(attr, item);
            assert!(out.contains("compile_error"), "{attr} {item}: {out}");
            assert!(out.contains(message), "{attr} {item}: {out}");
            assert!(!out.contains("JobKind"), "nothing registered: {out}");
        }
        let empty = expand(r#""""#, "fn f() {}");
        assert_eq!(
            empty.matches("compile_error").count(),
            1,
            "one mistake, one error: {empty}"
        );
    }
}

//! `#[stripe_hook(...)]`: its expansion, and each misuse reported at the offending token.

use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::{locate, pretty, reported_errors};

/// Expands a source that starts with `#[stripe_hook(args)]` followed by the item.
fn expand(source: &str) -> TokenStream {
    let tokens: Vec<TokenTree> = TokenStream::from_str(source)
        .expect("valid tokens")
        .into_iter()
        .collect();
    let [TokenTree::Punct(_), TokenTree::Group(attribute), item @ ..] = tokens.as_slice() else {
        panic!("the source starts with #[stripe_hook...]: {source}");
    };
    let mut inside = attribute.stream().into_iter().skip(1);
    let attr = match inside.next() {
        Some(TokenTree::Group(args)) if args.delimiter() == Delimiter::Parenthesis => args.stream(),
        _ => TokenStream::new(),
    };
    crate::expand::expand(
        crate::kind::Kind::Hook,
        attr,
        item.iter().cloned().collect(),
    )
}

/// Asserts exactly one error, containing each of `fragments`, pointing at `needle`
/// (`None`: at the attribute), with the item kept and nothing registered.
#[track_caller]
fn assert_error(source: &str, fragments: &[&str], needle: Option<&str>) {
    let output = expand(source);
    let reported = reported_errors(&output);
    assert_eq!(reported.len(), 1, "{source}: {reported:#?}");
    for fragment in fragments {
        assert!(
            reported[0].message.contains(fragment),
            "{source}: {:?} lacks {fragment:?}",
            reported[0].message
        );
    }
    if let Some(needle) = needle {
        assert_eq!(
            reported[0].span.start(),
            locate(source, needle, 0),
            "{source}"
        );
    }
    let text = output.to_string();
    assert!(
        text.starts_with("fn") || text.starts_with("async"),
        "{text}"
    );
    assert!(
        !text.contains("submit"),
        "nothing registered on error: {text}"
    );
}

#[test]
fn an_ident_or_a_string_names_the_hook() {
    for attr in ["webhook_post_process", "\"webhook_post_process\""] {
        let source = format!(
            "#[stripe_hook({attr})]\nasync fn audit(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {{ Ok(()) }}"
        );
        let output = expand(&source);
        assert!(reported_errors(&output).is_empty(), "{output}");
        let code = pretty(output);
        for expected in [
            "let __arg0 = <&Event as ::stripe_receiver::__private::Arg<",
            "::stripe_receiver::__private::hook_kinds::webhook_post_process,\n            >>::extract(&mut __parts)?;",
            "mut __parts: ::stripe_receiver::__private::Input<\n            'a,\n            ::stripe_receiver::__private::kinds::hook,\n        >,",
            "::stripe_receiver::__private::send_future(\n                audit(__arg0, __arg1),",
            "::stripe_receiver::__private::IntoCallResult::<\n                ::stripe_receiver::__private::hook_kinds::webhook_post_process,\n            >::into_call_result(__future.await)",
            "::stripe_receiver::__private::hook_kinds::webhook_post_process as\n        ::stripe_receiver::__private::HookMarker > ::KIND,",
            "::core::concat!(::core::module_path!(), \"::\", \"audit\")",
        ] {
            assert!(code.contains(expected), "{expected:?} not in\n{code}");
        }
    }
}

#[test]
fn a_sync_fn_without_arguments_and_a_crate_override() {
    let output =
        expand("#[stripe_hook(webhook_pre_validate, crate = \"::my_sdk::stripe\")]\nfn count() {}");
    assert!(reported_errors(&output).is_empty(), "{output}");
    let code = pretty(output);
    assert!(
        code.contains("::my_sdk::stripe::__private::Registration::"),
        "{code}"
    );
    assert!(code.contains("into_call_result(count())"), "{code}");
    assert!(!code.contains("::stripe_receiver::"), "{code}");
}

#[test]
fn an_unknown_hook_is_reported_at_its_token_with_the_closest_names() {
    assert_error(
        "#[stripe_hook(post_process)]\nfn audit() {}",
        &[
            "unknown hook `post_process`; did you mean `webhook_post_process`?",
            "The hooks are: webhook_pre_validate, webhook_post_validate, webhook_pre_process, webhook_post_process, webhook_processing_error",
        ],
        Some("post_process"),
    );
    assert_error(
        "#[stripe_hook(\"webhook_procesing_error\")]\nfn audit() {}",
        &["did you mean `webhook_processing_error`?"],
        Some("\"webhook_procesing_error\""),
    );
    assert_error(
        "#[stripe_hook(on_charge)]\nfn audit() {}",
        &["unknown hook `on_charge`. The hooks are:"],
        Some("on_charge"),
    );
}

#[test]
fn other_misuse() {
    assert_error(
        "#[stripe_hook()]\nfn audit() {}",
        &["expected the hook's name"],
        None,
    );
    assert_error(
        "#[stripe_hook(webhook_pre_validate, webhook_post_validate)]\nfn audit() {}",
        &["names one hook; remove `webhook_post_validate`"],
        Some("webhook_post_validate"),
    );
    assert_error(
        "#[stripe_hook(webhook_pre_validate, order = 1)]\nfn audit() {}",
        &["unknown argument `order`"],
        Some("order"),
    );
    assert_error(
        "#[stripe_hook(webhook_pre_validate)]\nfn audit<T>(x: T) {}",
        &["hooks cannot be generic"],
        Some("T>"),
    );
    assert_error(
        "#[stripe_hook(webhook_pre_validate)]\nfn audit(&self) {}",
        &["not a method"],
        Some("self"),
    );
}

#[test]
fn not_a_fn() {
    let output = expand("#[stripe_hook(webhook_pre_validate)]\nstruct Audit;");
    let reported = reported_errors(&output);
    assert_eq!(reported.len(), 1);
    assert!(reported[0]
        .message
        .starts_with("#[stripe_hook] goes on a fn"));
}

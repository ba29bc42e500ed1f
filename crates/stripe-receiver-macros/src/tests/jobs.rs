//! `#[stripe_job(...)]`: the same expansion as receivers', and its own misuse reported at the
//! offending token with the fn still emitted.

use proc_macro2::TokenStream;

use super::{pretty, reported_errors};

/// Expands `#[stripe_job(attr)] item`.
fn expand(attr: &str, item: &str) -> TokenStream {
    crate::expand::expand(
        crate::kind::Kind::Job,
        attr.parse().expect("attribute tokens"),
        item.parse().expect("item tokens"),
    )
}

#[test]
fn registers_under_its_name_with_the_send_check_and_lifetimes_erased() {
    let output = expand(
        r#""send_receipt""#,
        "async fn send<'j>(job: &'j Job, Payload(r): Payload<R>) -> Result<(), BoxError> { Ok(()) }",
    );
    assert!(reported_errors(&output).is_empty(), "{output}");
    let code = pretty(output);
    for expected in [
        "async fn send<'j>(",
        "let __arg0 = <&'_ Job as ::stripe_receiver::__private::Arg<",
        "::stripe_receiver::__private::kinds::job,",
        "let __future = ::stripe_receiver::__private::send_future(",
        "\"send_receipt\"",
    ] {
        assert!(code.contains(expected), "{expected:?} not in\n{code}");
    }
}

#[test]
fn errors_keep_the_fn_and_register_nothing() {
    for (attr, item, message) in [
        ("", "fn f() {}", "expected the job's name"),
        (r#""Send Receipt""#, "fn f() {}", "job names are lowercase"),
        (r#""a", "b""#, "fn f() {}", "a job has one name"),
        ("send", "fn f() {}", "a job name is a string literal"),
        (r#""a""#, "struct S;", "#[stripe_job] goes on a fn"),
        (r#""a""#, "fn f<T>(t: T) {}", "job fns cannot be generic"),
        (
            r#""a", retries = 3"#,
            "fn f() {}",
            "unknown argument `retries`",
        ),
    ] {
        let output = expand(attr, item);
        let reported = reported_errors(&output);
        assert_eq!(reported.len(), 1, "{attr} {item}: {reported:#?}");
        assert!(
            reported[0].message.contains(message),
            "{attr} {item}: {reported:#?}"
        );
        let text = output.to_string();
        assert!(!text.contains("submit"), "nothing registered: {text}");
        assert!(
            text.starts_with("fn f") || text.starts_with("struct S"),
            "{text}"
        );
    }
}

#[test]
fn an_attribute_error_still_type_checks_the_fn() {
    let output = expand(r#""Bad Name""#, "async fn f(job: &Job, amount: i64) {}");
    assert_eq!(reported_errors(&output).len(), 1);
    let text = pretty(output);
    assert!(text.contains("fn __stripe_call<'a>("), "{text}");
    assert!(!text.contains("submit"), "{text}");
}

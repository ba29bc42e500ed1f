//! Errors in the attribute's arguments: message text and the token each error points at.

use super::assert_errors;
use crate::receiver::{NOT_A_STRING, NO_EVENT_TYPE};

/// A receiver fn to put under the attribute in these tests.
const ITEM: &str = "async fn on_charge(event: &Event) {}";

/// `#[stripe_receiver(args)]` on [`ITEM`].
fn with_args(args: &str) -> String {
    format!("#[stripe_receiver({args})]\n{ITEM}")
}

#[test]
fn no_event_type_points_at_the_attribute() {
    assert_errors(
        &format!("#[stripe_receiver]\n{ITEM}"),
        &[(NO_EVENT_TYPE, None)],
    );
    assert_errors(&with_args(""), &[(NO_EVENT_TYPE, None)]);
    assert_errors(&with_args("crate = \"::sr\""), &[(NO_EVENT_TYPE, None)]);
    assert_errors(
        &with_args(""),
        &[("e.g. #[stripe_receiver(\"charge.succeeded\")]", None)],
    );
}

#[test]
fn non_literals_point_at_the_token() {
    for (args, at) in [
        ("charge_succeeded", "charge_succeeded"),
        ("42", "42"),
        ("charge::succeeded", "charge"),
        ("\"charge.failed\", 1 + 2", "1"),
        ("b\"charge.succeeded\"", "b\""),
        ("'c'", "'c'"),
        ("EVENT", "EVENT"),
        ("crate", "crate"),
        ("\"charge.succeeded\"suffix", "\"charge"),
        ("(\"charge.succeeded\")", "(\""),
    ] {
        assert_errors(&with_args(args), &[(NOT_A_STRING, Some((at, 0)))]);
    }
}

#[test]
fn unquoted_event_type_suggests_quotes() {
    assert_errors(
        &with_args("charge.succeeded"),
        &[(
            "e.g. \"charge.succeeded\"; write \"charge.succeeded\" in quotes",
            Some(("charge", 0)),
        )],
    );
}

#[test]
fn invalid_event_names_point_at_the_literal() {
    for (args, fragment) in [
        (
            "\"\"",
            "invalid Stripe event type \"\": the event type is empty",
        ),
        ("\"Charge.Succeeded\"", "did you mean \"charge.succeeded\"?"),
        ("\"charge..succeeded\"", "empty word"),
        ("\"charge.*.x\"", "`*` may only be"),
        ("\"charge succeeded\"", "contains whitespace"),
    ] {
        assert_errors(&with_args(args), &[(fragment, Some(("\"", 0)))]);
    }
}

#[test]
fn valid_and_invalid_event_types_are_each_reported() {
    assert_errors(
        &with_args("\"charge.succeeded\", \"Bad\", \"charge.failed\", oops, \"\""),
        &[
            ("\"Bad\"", Some(("\"Bad\"", 0))),
            (NOT_A_STRING, Some(("oops", 0))),
            ("is empty", Some(("\"\"", 0))),
        ],
    );
}

#[test]
fn repeated_event_type_points_at_the_second_literal() {
    assert_errors(
        &with_args("\"charge.succeeded\", \"charge.failed\", \"charge.succeeded\""),
        &[(
            "event type \"charge.succeeded\" is listed twice; remove this one",
            Some(("\"charge.succeeded\"", 1)),
        )],
    );
}

#[test]
fn stray_comma_points_at_the_comma() {
    assert_errors(
        &with_args("\"charge.succeeded\",, \"charge.failed\""),
        &[("expected an event type before this `,`", Some((",", 1)))],
    );
    assert_errors(
        &with_args(", \"charge.succeeded\""),
        &[("expected an event type before this `,`", Some((",", 0)))],
    );
}

#[test]
fn trailing_comma_is_fine() {
    let output = super::expand_source(&with_args("\"charge.succeeded\","));
    assert!(super::reported_errors(&output).is_empty(), "{output}");
}

#[test]
fn crate_value_must_be_a_string() {
    for (args, at) in [
        ("\"charge.failed\", crate = stripe", "stripe)"),
        ("\"charge.failed\", crate = 1", "1"),
        ("\"charge.failed\", crate = ::my::sr", "::"),
    ] {
        assert_errors(
            &with_args(args),
            &[("`crate` takes a path in a string literal", Some((at, 0)))],
        );
    }
    assert_errors(
        &with_args("\"charge.failed\", crate ="),
        &[(
            "expected a path in a string literal after `=`",
            Some(("=", 0)),
        )],
    );
}

#[test]
fn crate_value_must_be_a_path() {
    for (args, value) in [
        (
            "\"charge.failed\", crate = \"not a path\"",
            "\"not a path\"",
        ),
        ("\"charge.failed\", crate = \"\"", "\"\""),
        ("\"charge.failed\", crate = \"my::sr<T>\"", "\"my::sr<T>\""),
        ("\"charge.failed\", crate = \"my::\"", "\"my::\""),
    ] {
        assert_errors(&with_args(args), &[("is not a path", Some((value, 0)))]);
    }
}

#[test]
fn crate_twice_points_at_the_second() {
    assert_errors(
        &with_args("\"charge.failed\", crate = \"::one\", crate = \"::two\""),
        &[("`crate` is given twice", Some(("crate", 1)))],
    );
}

#[test]
fn unknown_key_points_at_the_key() {
    assert_errors(
        &with_args("\"charge.failed\", retries = 3"),
        &[(
            "unknown argument `retries`; #[stripe_receiver] takes event types",
            Some(("retries", 0)),
        )],
    );
}

#[test]
fn attribute_and_item_errors_are_reported_together() {
    assert_errors(
        "#[stripe_receiver(oops)]\nunsafe fn f<T>(&self) {}",
        &[
            (NOT_A_STRING, Some(("oops", 0))),
            ("cannot register an `unsafe fn`", Some(("unsafe", 0))),
            ("receivers cannot be generic", Some(("T", 0))),
            ("not a method", Some(("self", 0))),
        ],
    );
}

#[test]
fn unknown_event_types_point_at_the_literal_with_suggestions() {
    assert_errors(
        &with_args("\"charge.succeded\""),
        &[(
            "unknown Stripe event type \"charge.succeded\"\nhelp: did you mean \"charge.succeeded\"?",
            Some(("\"charge.succeded\"", 0)),
        )],
    );
    assert_errors(
        &with_args("\"charge.failed\", \"subscription.created\""),
        &[(
            "help: did you mean \"customer.subscription.created\"?",
            Some(("\"subscription.created\"", 0)),
        )],
    );
    assert_errors(
        &with_args("\"payment_method.card_automatically_updated\""),
        &[(
            "help: did you mean \"payment_method.automatically_updated\"?",
            Some(("\"payment", 0)),
        )],
    );
}

#[test]
fn every_unknown_event_type_is_reported() {
    assert_errors(
        &with_args("\"charge.succeded\", \"invoice.paid\", \"invoices.*\", \"charge.refundd\""),
        &[
            ("\"charge.succeded\"", Some(("\"charge.succeded\"", 0))),
            (
                "pattern \"invoices.*\" matches no known event type\nhelp: did you mean \"invoice.*\"?",
                Some(("\"invoices.*\"", 0)),
            ),
            ("did you mean \"charge.refunded\"?", Some(("\"charge.refundd\"", 0))),
        ],
    );
}

#[test]
fn unknown_event_types_name_the_escape_hatch() {
    assert_errors(
        &with_args("\"issuing_card.brand_new\""),
        &[(
            "for a type Stripe added since, write unchecked(\"issuing_card.brand_new\")",
            Some(("\"issuing_card", 0)),
        )],
    );
}

#[test]
fn unchecked_admits_types_newer_than_the_list() {
    for args in [
        "unchecked(\"issuing_card.brand_new\")",
        "\"charge.succeeded\", unchecked(\"issuing_card.brand_new\", \"brand_new.*\",)",
        "unchecked(\"charge.succeeded\")",
    ] {
        let output = super::expand_source(&with_args(args));
        assert!(
            super::reported_errors(&output).is_empty(),
            "{args}: {output}"
        );
    }
}

#[test]
fn unchecked_still_checks_syntax_and_repeats() {
    assert_errors(
        &with_args("unchecked(\"Brand.New\")"),
        &[("did you mean \"brand.new\"?", Some(("\"Brand", 0)))],
    );
    assert_errors(
        &with_args("\"charge.succeeded\", unchecked(\"charge.succeeded\")"),
        &[("is listed twice", Some(("\"charge.succeeded\"", 1)))],
    );
}

#[test]
fn malformed_unchecked_points_at_it() {
    use crate::receiver::UNCHECKED_SYNTAX;
    assert_errors(
        &with_args("unchecked()"),
        &[(UNCHECKED_SYNTAX, Some(("()", 0)))],
    );
    assert_errors(
        &with_args("unchecked(brand_new)"),
        &[(UNCHECKED_SYNTAX, Some(("brand_new", 0)))],
    );
    assert_errors(
        &with_args("unchecked(1)"),
        &[(UNCHECKED_SYNTAX, Some(("1", 0)))],
    );
    assert_errors(
        &with_args("unchecked = \"brand.new\""),
        &[(UNCHECKED_SYNTAX, Some(("unchecked", 0)))],
    );
    assert_errors(
        &with_args("unchecked"),
        &[(UNCHECKED_SYNTAX, Some(("unchecked", 0)))],
    );
    assert_errors(
        &with_args("unchecked[\"brand.new\"]"),
        &[(UNCHECKED_SYNTAX, Some(("unchecked", 0)))],
    );
}

#[test]
fn the_builtin_flag_given_twice_is_refused() {
    let output = super::expand_source(
        r#"#[stripe_receiver("charge.succeeded", __builtin, __builtin)]
        fn f() {}"#,
    );
    let errors = super::reported_errors(&output);
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("`__builtin` is given twice")),
        "{errors:?}"
    );
}

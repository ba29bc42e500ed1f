//! Errors about the annotated item: message text and the token each error points at.

use super::assert_errors;
/// The start of the message for an item that is not a fn.
const NOT_A_FN: &str = "#[stripe_receiver] goes on a fn, e.g. `async fn on_charge(";

/// `#[stripe_receiver("charge.succeeded")]` on `item`.
fn on(item: &str) -> String {
    format!("#[stripe_receiver(\"charge.succeeded\")]\n{item}")
}

#[test]
fn not_a_fn_points_at_the_item() {
    for item in [
        "struct Charge;",
        "pub struct Charge { id: String }",
        "impl Charge { fn on_charge(&self) {} }",
        "mod receivers {}",
        "static ON_CHARGE: u8 = 0;",
    ] {
        let first = item.split_whitespace().next().unwrap();
        assert_errors(&on(item), &[(NOT_A_FN, Some((first, 0)))]);
    }
    assert_errors(
        &on("#[derive(Debug)] struct Charge;"),
        &[("#[stripe_receiver] goes on a fn", Some(("#[derive", 0)))],
    );
}

#[test]
fn method_points_at_self() {
    for item in [
        "async fn on_charge(&self, event: &Event) {}",
        "fn on_charge(self) {}",
        "fn on_charge(&mut self) {}",
        "fn on_charge(self: Box<Self>) {}",
    ] {
        assert_errors(
            &on(item),
            &[(
                "#[stripe_receiver] goes on a free fn, not a method; move it out",
                Some(("self", 0)),
            )],
        );
    }
}

#[test]
fn generics_point_at_the_parameter() {
    assert_errors(
        &on("async fn on_charge<T: Send>(state: State<T>) {}"),
        &[(
            "receivers cannot be generic: remove the type parameter `T`",
            Some(("T", 0)),
        )],
    );
    assert_errors(
        &on("fn on_charge<'a, const N: usize>(event: &'a Event) {}"),
        &[(
            "receivers cannot be generic: remove the const parameter `N`",
            Some(("const", 0)),
        )],
    );
    assert_errors(
        &on("fn on_charge<A, B>(a: A, b: B) {}"),
        &[
            ("type parameter `A`", Some(("A", 0))),
            ("type parameter `B`", Some(("B", 0))),
        ],
    );
}

#[test]
fn impl_trait_argument_points_at_impl() {
    assert_errors(
        &on("fn on_charge(event: &Event, state: State<impl Send>) {}"),
        &[(
            "receivers cannot be generic: an `impl Trait` argument",
            Some(("impl", 0)),
        )],
    );
}

#[test]
fn unsafe_points_at_unsafe() {
    assert_errors(
        &on("pub unsafe fn on_charge(event: &Event) {}"),
        &[(
            "cannot register an `unsafe fn`; remove `unsafe`",
            Some(("unsafe", 0)),
        )],
    );
}

#[test]
fn extern_points_at_the_abi() {
    assert_errors(
        &on("extern \"C\" fn on_charge() {}"),
        &[(
            "cannot register an `extern` fn; remove",
            Some(("extern", 0)),
        )],
    );
}

#[test]
fn variadic_points_at_the_dots() {
    assert_errors(
        &on("unsafe extern \"C\" fn on_charge(n: i32, ...) {}"),
        &[
            ("`unsafe fn`", Some(("unsafe", 0))),
            ("`extern` fn", Some(("extern", 0))),
            (
                "cannot register a variadic fn; remove the `...`",
                Some(("...", 0)),
            ),
        ],
    );
}

#[test]
fn a_second_transaction_argument_points_at_its_type() {
    use crate::signature::TRANSACTION_TWICE;
    for (item, second) in [
        (
            "async fn f(tx: &mut Tx<'_>, again: &mut Tx<'_>) {}",
            ("&mut Tx", 1),
        ),
        (
            "async fn f<'t>(e: &Event, tx: &'t mut Tx<'t>, c: &mut sqlx::SqliteConnection) {}",
            ("&mut sqlx", 0),
        ),
        (
            "async fn f(c: &mut PgConnection, tx: &mut stripe_receiver::Tx<'_>) {}",
            ("&mut stripe_receiver", 0),
        ),
    ] {
        assert_errors(&on(item), &[(TRANSACTION_TWICE, Some(second))]);
    }
    assert_errors(
        &on("async fn f(tx: &mut Tx<'_>, a: &mut Tx<'_>, b: &mut Tx<'_>) {}"),
        &[
            ("`&mut Tx<'_>` already borrows it", Some(("&mut Tx", 1))),
            ("`&mut Tx<'_>` already borrows it", Some(("&mut Tx", 2))),
        ],
    );
}

#[test]
fn shared_borrows_and_other_types_are_not_the_transaction() {
    let output = super::expand_source(&on(
        "async fn f(tx: &mut Tx<'_>, e: &Event, t: &Tx<'_>, s: State<Tx<'static>>) {}",
    ));
    assert!(super::reported_errors(&output).is_empty(), "{output}");
}

//! Successful expansions: what is generated, and where its tokens point.

use proc_macro2::{LineColumn, TokenStream, TokenTree};

use super::{assert_item_kept, expand_source, locate, pretty, reported_errors};

/// Expands `source`, asserts it reports no error and keeps the item, and returns its tokens
/// as a string without whitespace (see [`squeeze`]).
#[track_caller]
fn expand_ok(source: &str) -> String {
    let output = expand_source(source);
    let errors = reported_errors(&output);
    assert!(
        errors.is_empty(),
        "{source}\nunexpected errors: {errors:#?}"
    );
    assert_item_kept(source, &output);
    squeeze(&output.to_string())
}

/// `code` without whitespace, so that expansions compare independently of token spacing.
fn squeeze(code: &str) -> String {
    code.split_whitespace().collect()
}

/// Asserts that the squeezed `expanded` contains each of `needles`, ignoring whitespace.
#[track_caller]
fn assert_contains(expanded: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            expanded.contains(&squeeze(needle)),
            "expected to find\n{needle}\nin\n{expanded}"
        );
    }
}

/// Asserts that the squeezed `expanded` contains none of `needles`, ignoring whitespace.
#[track_caller]
fn assert_lacks(expanded: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            !expanded.contains(&squeeze(needle)),
            "expected no\n{needle}\nin\n{expanded}"
        );
    }
}

/// The start of every identifier `name` in `tokens`, at any depth.
fn ident_positions(tokens: TokenStream, name: &str) -> Vec<LineColumn> {
    tokens
        .into_iter()
        .flat_map(|token| match token {
            TokenTree::Ident(ident) if ident == name => vec![ident.span().start()],
            TokenTree::Group(group) => ident_positions(group.stream(), name),
            _ => Vec::new(),
        })
        .collect()
}

#[test]
fn async_fn_with_two_arguments() {
    let source = "#[stripe_receiver(\"charge.succeeded\", \"charge.failed\")]\n\
                  async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {\n\
                  Ok(())\n}";
    let expanded = expand_ok(source);
    assert_contains(
        &expanded,
        &[
            "let __arg0 = <&Event as ::stripe_receiver::__private::Arg<'a, ::stripe_receiver::__private::kinds::receiver>>::extract(&mut __parts)?;",
            "let __arg1 = <&mut Tx<'_> as ::stripe_receiver::__private::Arg<'a, ::stripe_receiver::__private::kinds::receiver>>::extract(&mut __parts)?;",
            "fn __stripe_call<'a>(mut __parts: ::stripe_receiver::__private::Input<'a, ::stripe_receiver::__private::kinds::receiver>,)",
            "let __future = ::stripe_receiver::__private::send_future(on_charge(__arg0, __arg1));",
            "into_call_result(__future.await)",
            "fn __stripe_requirements<'a>(",
            "<&Event as ::stripe_receiver::__private::Arg<'a, ::stripe_receiver::__private::kinds::receiver>>::require(__requirements);",
            "&[\"charge.succeeded\", \"charge.failed\"]",
            "::core::concat!(::core::module_path!(), \"::\", \"on_charge\")",
            "::core::file!()",
            "::core::line!()",
        ],
    );
}

#[test]
fn sync_fn_is_called_without_await() {
    let expanded = expand_ok(
        "#[stripe_receiver(\"customer.created\")]\nfn log_it(event: &Event) { println!(\"{}\", event.id); }",
    );
    assert_contains(&expanded, &["into_call_result(log_it(__arg0))"]);
    assert_lacks(&expanded, &[".await"]);
}

#[test]
fn zero_arguments() {
    let expanded = expand_ok("#[stripe_receiver(\"balance.available\")]\nasync fn ping() {}");
    assert_contains(
        &expanded,
        &[
            "fn __stripe_call(__parts: ::stripe_receiver::__private::Input<'_, ::stripe_receiver::__private::kinds::receiver>,) -> ::stripe_receiver::__private::BoxFuture<'_, ::stripe_receiver::__private::CallResult>",
            "send_future(ping());",
            "into_call_result(__future.await)",
            "fn __stripe_requirements(__requirements: &mut ::stripe_receiver::__private::Requirements,) {}",
        ],
    );
    assert_lacks(&expanded, &["__arg", "mut __parts", "<'a>(__requirements"]);
}

#[test]
fn one_and_three_arguments_with_patterns() {
    let expanded = expand_ok("#[stripe_receiver(\"*\")]\nfn all(_: &Event) {}");
    assert_contains(&expanded, &["all(__arg0)", "&[\"*\"]"]);
    let expanded = expand_ok(
        "#[stripe_receiver(\"customer.subscription.*\")]\n\
         async fn three(mut e: &Event, State(m): State<Mailer>, (a, b): (Tx<'_>, u8)) {}",
    );
    assert_contains(
        &expanded,
        &[
            "let __arg0 = <&Event as",
            "let __arg1 = <State<Mailer> as",
            "let __arg2 = <(Tx<'_>, u8) as",
            "send_future(three(__arg0, __arg1, __arg2));",
        ],
    );
}

#[test]
fn crate_override_replaces_every_runtime_path() {
    let expanded = expand_ok(
        "#[stripe_receiver(\"charge.succeeded\", crate = \"::my_app::webhooks\")]\n\
         async fn on_charge(event: &Event) {}",
    );
    assert_lacks(&expanded, &["::stripe_receiver::"]);
    assert_contains(
        &expanded,
        &[
            "::my_app::webhooks::__private::Input<'a, ::my_app::webhooks::__private::kinds::receiver>",
            "::my_app::webhooks::__private::Arg<'a, ::my_app::webhooks::__private::kinds::receiver>",
            "::my_app::webhooks::__private::inventory::submit!",
            "::my_app::webhooks::__private::Registration::<::my_app::webhooks::__private::kinds::receiver>::new(",
            "::my_app::webhooks::__private::IntoCallResult::<::my_app::webhooks::__private::kinds::receiver>::into_call_result",
        ],
    );
    let expanded = expand_ok(
        "#[stripe_receiver(crate = \"crate::reexport\", \"charge.succeeded\")]\nfn f() {}",
    );
    assert_lacks(&expanded, &["::stripe_receiver::"]);
    assert_contains(&expanded, &["crate::reexport::__private::Registration::<crate::reexport::__private::kinds::receiver>::new("]);
}

#[test]
fn pub_fn_keeps_docs_attributes_and_visibility() {
    let source = "#[stripe_receiver(\"customer.created\")]\n\
                  /// Logs new customers.\n\
                  #[inline]\n\
                  pub(crate) async fn log_it(event: &Event) {}";
    let expanded = expand_source(source);
    let pretty = pretty(expanded.clone());
    assert!(
        pretty.starts_with("/// Logs new customers.\n#[inline]\npub(crate) async fn log_it("),
        "{pretty}"
    );
    assert_contains(&expand_ok(source), &["__private::Registration::<"]);
}

#[test]
fn lifetime_generics_are_allowed_and_erased_in_the_wrapper() {
    let expanded = expand_ok(
        "#[stripe_receiver(\"charge.succeeded\")]\n\
         async fn on_charge<'e, 't>(event: &'e Event, tx: &'t mut Tx<'t>) {}",
    );
    assert_contains(
        &expanded,
        &[
            "async fn on_charge<'e, 't>(event: &'e Event, tx: &'t mut Tx<'t>) {}",
            "<&'_ Event as ::stripe_receiver::__private::Arg<'a, ::stripe_receiver::__private::kinds::receiver>>::extract(",
            "<&'_ mut Tx<'_> as ::stripe_receiver::__private::Arg<'a, ::stripe_receiver::__private::kinds::receiver>>::extract(",
        ],
    );
}

#[test]
fn raw_identifier_is_registered_without_r_hash() {
    let expanded = expand_ok("#[stripe_receiver(\"balance.available\")]\nfn r#type() {}");
    assert_contains(
        &expanded,
        &["\"::\", \"type\")", "into_call_result(r#type())"],
    );
}

#[test]
fn argument_paths_point_at_the_argument_types() {
    let source = "#[stripe_receiver(\"charge.succeeded\")]\n\
                  async fn on_charge(event: &Event, tx: &mut Tx<'_>) {}";
    let output = expand_source(source);
    let types = [locate(source, "&Event", 0), locate(source, "&mut Tx", 0)];
    assert_eq!(ident_positions(output.clone(), "extract"), types);
    assert_eq!(ident_positions(output.clone(), "require"), types);
    assert_eq!(ident_positions(output, "Arg"), [types, types].concat());
}

#[test]
fn file_and_line_point_at_the_fn_name() {
    let source = "#[stripe_receiver(\"charge.succeeded\")]\n\n\
                  async fn on_charge(event: &Event) {}";
    let output = expand_source(source);
    let name = locate(source, "on_charge", 0);
    assert_eq!(name.line, 3);
    assert_eq!(ident_positions(output.clone(), "file"), [name]);
    assert_eq!(ident_positions(output, "line"), [name]);
}

#[test]
fn the_call_points_at_the_return_type() {
    let source = "#[stripe_receiver(\"charge.succeeded\")]\n\
                  fn on_charge(event: &Event) -> Result<(), BoxError> { Ok(()) }";
    let output = expand_source(source);
    let (name, output_type) = (locate(source, "on_charge", 0), locate(source, "Result", 0));
    // The user's fn, then the call whose result is converted.
    assert_eq!(
        ident_positions(output.clone(), "on_charge"),
        [name, output_type]
    );
    // `let __arg0` is generated code; its use in the call is at the return type.
    let call_site = proc_macro2::Span::call_site().start();
    assert_eq!(ident_positions(output, "__arg0"), [call_site, output_type]);
    let source = "#[stripe_receiver(\"charge.succeeded\")]\nasync fn on_charge(event: &Event) {}";
    let output = expand_source(source);
    let name = locate(source, "on_charge", 0);
    assert_eq!(ident_positions(output.clone(), "on_charge"), [name, name]);
    assert_eq!(ident_positions(output, "await"), [name]);
}

#[test]
fn an_async_future_is_sent_at_the_fn_name_and_awaited_at_the_return_type() {
    let source = "#[stripe_receiver(\"charge.succeeded\")]\n\
                  async fn on_charge(event: &Event) -> Result<(), BoxError> { Ok(()) }";
    let output = expand_source(source);
    let (name, output_type) = (locate(source, "on_charge", 0), locate(source, "Result", 0));
    // A future that is not `Send` is reported at the fn's name.
    assert_eq!(ident_positions(output.clone(), "send_future"), [name]);
    assert_eq!(ident_positions(output.clone(), "on_charge"), [name, name]);
    // A return type the runtime cannot use is reported at the return type.
    let call_site = proc_macro2::Span::call_site().start();
    assert_eq!(
        ident_positions(output.clone(), "__future"),
        [name, output_type]
    );
    assert_eq!(ident_positions(output.clone(), "await"), [output_type]);
    assert_eq!(ident_positions(output, "into_call_result"), [call_site]);
}

#[test]
fn attribute_errors_still_type_check_the_fn_without_registering_it() {
    let source = "#[stripe_receiver(\"charge.succeded\")]\n\
                  async fn on_charge(event: &Event, amount: i64) {}";
    let output = expand_source(source);
    assert_eq!(reported_errors(&output).len(), 1);
    assert_item_kept(source, &output);
    let expanded = squeeze(&output.to_string());
    assert_contains(
        &expanded,
        &["<i64 as ::stripe_receiver::__private::Arg<'a, ::stripe_receiver::__private::kinds::receiver>>::extract"],
    );
    assert_lacks(&expanded, &["submit"]);
    // With an invalid `crate = ...`, the runtime's path is unknown: no wrapper then.
    let output = expand_source(
        "#[stripe_receiver(\"charge.succeeded\", crate = \"not a path\")]\n\
         async fn on_charge(event: &Event) {}",
    );
    assert_lacks(&squeeze(&output.to_string()), &["__stripe_call"]);
    // With a valid one, the wrapper uses it.
    let output = expand_source(
        "#[stripe_receiver(\"charge.succeded\", crate = \"::sdk::sr\")]\n\
         async fn on_charge(event: &Event) {}",
    );
    assert_contains(
        &squeeze(&output.to_string()),
        &["::sdk::sr::__private::Arg<"],
    );
}

#[test]
fn literals_passed_through_macro_rules_are_accepted() {
    use proc_macro2::{Delimiter, Group, Literal};
    // `macro_rules!` wraps a `$event:literal` fragment in an invisible group.
    let wrapped = |text: &str| {
        let group = Group::new(
            Delimiter::None,
            TokenTree::Literal(Literal::string(text)).into(),
        );
        TokenTree::Group(group)
    };
    let attr: TokenStream = [
        wrapped("charge.succeeded"),
        TokenTree::Punct(proc_macro2::Punct::new(',', proc_macro2::Spacing::Alone)),
        wrapped("charge.failed"),
    ]
    .into_iter()
    .collect();
    let output = crate::expand::expand(
        crate::kind::Kind::Receiver,
        attr,
        quote::quote!(
            fn on_charge() {}
        ),
    );
    assert!(reported_errors(&output).is_empty(), "{output}");
    assert_contains(
        &squeeze(&output.to_string()),
        &["&[\"charge.succeeded\", \"charge.failed\"]"],
    );
}

#[test]
fn the_hidden_builtin_flag_marks_the_registration_and_ordinary_receivers_lack_it() {
    let builtin = expand_ok(
        r#"#[stripe_receiver("charge.*", crate = "crate", __builtin)]
        async fn sync_charges(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> { Ok(()) }"#,
    );
    assert_contains(
        &builtin,
        &[
            "crate::__private::Registration::<crate::__private::kinds::receiver>::new(",
            "__stripe_requirements, ).builtin()",
        ],
    );
    let ordinary = expand_ok(
        r#"#[stripe_receiver("charge.*")]
        async fn on_charge(event: &Event) {}"#,
    );
    assert_lacks(&ordinary, &[".builtin()"]);
}

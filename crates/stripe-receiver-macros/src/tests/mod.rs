//! Unit tests of the expansion, driven through [`crate::expand::expand`] on parsed source text.
//!
//! Sources are parsed as a whole, so the `span-locations` of proc-macro2 give each token its
//! line and column in the source, and tests can check where an error points.

mod attribute_errors;
mod hooks;
mod item_errors;
mod jobs;
mod snapshot;
mod success;

use std::str::FromStr;

use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};

/// Expands a source that starts with `#[stripe_receiver...]` followed by the annotated item.
pub(crate) fn expand_source(source: &str) -> TokenStream {
    let (attr, item) = split_attribute(source);
    crate::expand::expand(crate::kind::Kind::Receiver, attr, item)
}

/// Splits a source starting with `#[stripe_receiver(args)]` (or without `(args)`) into the
/// attribute's arguments and the item after it, keeping every token's span.
pub(crate) fn split_attribute(source: &str) -> (TokenStream, TokenStream) {
    let tokens: Vec<TokenTree> = TokenStream::from_str(source)
        .expect("the test source is valid Rust tokens")
        .into_iter()
        .collect();
    let [TokenTree::Punct(pound), TokenTree::Group(attribute), item @ ..] = tokens.as_slice()
    else {
        panic!("the test source must start with #[stripe_receiver...]: {source}");
    };
    assert_eq!(pound.as_char(), '#');
    assert_eq!(attribute.delimiter(), Delimiter::Bracket);
    let mut inside = attribute.stream().into_iter();
    match inside.next() {
        Some(TokenTree::Ident(name)) if name == "stripe_receiver" => {}
        other => panic!("expected stripe_receiver, found {other:?}"),
    }
    let attr = match inside.next() {
        None => TokenStream::new(),
        Some(TokenTree::Group(args)) if args.delimiter() == Delimiter::Parenthesis => args.stream(),
        other => panic!("expected (args), found {other:?}"),
    };
    (attr, item.iter().cloned().collect())
}

/// One `compile_error!` found in an expansion.
#[derive(Debug)]
pub(crate) struct Reported {
    /// The error message.
    pub(crate) message: String,
    /// The span the error points at (its start).
    pub(crate) span: Span,
}

/// The `compile_error!`s at the top level of `output`, in order.
pub(crate) fn reported_errors(output: &TokenStream) -> Vec<Reported> {
    let tokens: Vec<TokenTree> = output.clone().into_iter().collect();
    tokens
        .windows(3)
        .filter_map(|window| match window {
            [TokenTree::Ident(name), TokenTree::Punct(bang), TokenTree::Group(group)]
                if name == "compile_error" && bang.as_char() == '!' =>
            {
                let message: syn::LitStr =
                    syn::parse2(group.stream()).expect("compile_error! holds a string literal");
                Some(Reported {
                    message: message.value(),
                    span: name.span(),
                })
            }
            _ => None,
        })
        .collect()
}

/// The line (1-based) and column (0-based, in chars) of the `occurrence`-th (0-based)
/// `needle` in `source`, as proc-macro2 reports a span starting there.
pub(crate) fn locate(source: &str, needle: &str, occurrence: usize) -> LineColumn {
    let (offset, _) = source
        .match_indices(needle)
        .nth(occurrence)
        .unwrap_or_else(|| panic!("{needle:?} #{occurrence} not in {source:?}"));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |newline| newline + 1)..]
        .chars()
        .count();
    LineColumn { line, column }
}

/// Formats an expansion as Rust source with `prettyplease`.
pub(crate) fn pretty(output: TokenStream) -> String {
    let file: syn::File = syn::parse2(output).expect("the expansion parses as a file");
    prettyplease::unparse(&file)
}

/// Asserts that expanding `source` reports exactly the errors in `expected`, in order: each a
/// message fragment and the `(needle, occurrence)` where the error must point (`None` for the
/// attribute's call site); and that the item is still emitted unchanged without registration.
#[track_caller]
pub(crate) fn assert_errors(source: &str, expected: &[(&str, Option<(&str, usize)>)]) {
    let output = expand_source(source);
    let reported = reported_errors(&output);
    assert_eq!(
        reported.len(),
        expected.len(),
        "{source}\nexpected {} errors, got {reported:#?}",
        expected.len()
    );
    for (error, (fragment, at)) in reported.iter().zip(expected) {
        assert!(
            error.message.contains(fragment),
            "{source}\nexpected a message containing {fragment:?}, got {:?}",
            error.message
        );
        match at {
            Some((needle, occurrence)) => assert_eq!(
                error.span.start(),
                locate(source, needle, *occurrence),
                "{source}\nerror {:?} should point at {needle:?} #{occurrence}",
                error.message
            ),
            None => assert_eq!(
                (error.span.start(), error.span.byte_range()),
                (Span::call_site().start(), Span::call_site().byte_range()),
                "{source}\nerror {:?} should point at the attribute (call site)",
                error.message
            ),
        }
    }
    assert_item_kept(source, &output);
    assert!(
        !output.to_string().contains("submit"),
        "{source}\nno registration on error: {output}"
    );
}

/// Asserts that `output` starts with the item of `source`, unchanged.
#[track_caller]
pub(crate) fn assert_item_kept(source: &str, output: &TokenStream) {
    let (_, item) = split_attribute(source);
    let emitted: Vec<TokenTree> = output.clone().into_iter().collect();
    let item: Vec<TokenTree> = item.into_iter().collect();
    assert!(
        emitted.len() >= item.len(),
        "{source}\nitem missing: {output}"
    );
    let prefix: TokenStream = emitted[..item.len()].iter().cloned().collect();
    let item: TokenStream = item.into_iter().collect();
    assert_eq!(
        prefix.to_string(),
        item.to_string(),
        "{source}\nitem changed"
    );
}

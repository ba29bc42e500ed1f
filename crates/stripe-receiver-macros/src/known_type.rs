//! Checking a well-formed event type or pattern against Stripe's list, with hints on failure.

use crate::catalog::Catalog;
use crate::suggest::closest;

/// Checks that `name` (already syntactically valid: see [`crate::event_name`]) names a known
/// event type, is `"*"`, or is a family pattern (`"customer.subscription.*"`) with at least one
/// known member.
///
/// On failure, returns the error message: a first line that says what is wrong, then `help:`
/// lines with the closest valid spellings and a `note:` line naming the escape hatch,
/// `unchecked("...")`, for a type newer than the bundled list.
pub(crate) fn check_known(name: &str) -> Result<(), String> {
    check_in(Catalog::bundled(), name)
}

/// [`check_known`] against a given catalog.
fn check_in(catalog: &Catalog, name: &str) -> Result<(), String> {
    if name == "*" {
        return Ok(());
    }
    let mut message;
    let mut hints = Vec::new();
    if let Some(family) = name.strip_suffix(".*") {
        if catalog.has_family(family) {
            return Ok(());
        }
        message = format!("Stripe event pattern \"{name}\" matches no known event type");
        if catalog.contains(family) {
            hints.push(format!(
                "\"{family}\" is an event type, not a family: write \"{family}\""
            ));
        }
        let patterns: Vec<String> = closest(family, catalog.families())
            .into_iter()
            .map(|family| format!("{family}.*"))
            .collect();
        if let Some(hint) = did_you_mean(&patterns) {
            hints.push(hint);
        }
    } else {
        if catalog.contains(name) {
            return Ok(());
        }
        message = format!("unknown Stripe event type \"{name}\"");
        if catalog.has_family(name) {
            hints.push(format!(
                "\"{name}\" is a family of event types: write \"{name}.*\" to receive all of them"
            ));
        }
        if let Some(hint) = did_you_mean(&closest(name, catalog.types())) {
            hints.push(hint);
        }
    }
    for hint in hints {
        message.push_str("\nhelp: ");
        message.push_str(&hint);
    }
    message.push_str(&format!(
        "\nnote: checked against the {} event types bundled from {}; for a type Stripe added \
         since, write unchecked(\"{name}\")",
        catalog.len(),
        catalog.origin(),
    ));
    Err(message)
}

/// `did you mean "a"?`, `did you mean "a" or "b"?`, `did you mean "a", "b" or "c"?`.
fn did_you_mean(names: &[impl AsRef<str>]) -> Option<String> {
    let quoted: Vec<String> = names
        .iter()
        .map(|name| format!("\"{}\"", name.as_ref()))
        .collect();
    let (last, rest) = quoted.split_last()?;
    Some(if rest.is_empty() {
        format!("did you mean {last}?")
    } else {
        format!("did you mean {} or {last}?", rest.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::{check_in, check_known, did_you_mean};
    use crate::catalog::Catalog;

    #[test]
    fn known_types_wildcard_and_families_pass() {
        for name in [
            "charge.succeeded",
            "customer.subscription.trial_will_end",
            "*",
            "customer.subscription.*",
            "invoice.*",
            "charge.*",
            "charge.dispute.*",
        ] {
            assert_eq!(check_known(name), Ok(()), "{name}");
        }
    }

    #[track_caller]
    fn assert_message(name: &str, lines: &[&str]) {
        let message = check_known(name).expect_err(name);
        let got: Vec<&str> = message.lines().collect();
        assert_eq!(got[..got.len() - 1], *lines, "{message}");
        assert!(
            got[got.len() - 1].starts_with("note: checked against the ")
                && got[got.len() - 1].ends_with(&format!("write unchecked(\"{name}\")")),
            "{message}"
        );
    }

    #[test]
    fn a_typo_suggests_the_closest_names() {
        assert_message(
            "charge.succeded",
            &[
                "unknown Stripe event type \"charge.succeded\"",
                "help: did you mean \"charge.succeeded\"?",
            ],
        );
        assert_message(
            "subscription.created",
            &[
                "unknown Stripe event type \"subscription.created\"",
                "help: did you mean \"customer.subscription.created\"?",
            ],
        );
        assert_message(
            "payment_method.card_automatically_updated",
            &[
                "unknown Stripe event type \"payment_method.card_automatically_updated\"",
                "help: did you mean \"payment_method.automatically_updated\"?",
            ],
        );
        assert_message(
            "issuing_card.brand_new",
            &["unknown Stripe event type \"issuing_card.brand_new\""],
        );
    }

    #[test]
    fn a_family_written_as_a_type_suggests_the_pattern() {
        assert_message(
            "charge.dispute",
            &[
                "unknown Stripe event type \"charge.dispute\"",
                "help: \"charge.dispute\" is a family of event types: write \"charge.dispute.*\" \
                 to receive all of them",
            ],
        );
    }

    #[test]
    fn an_empty_family_suggests_close_families() {
        assert_message(
            "subscription.*",
            &[
                "Stripe event pattern \"subscription.*\" matches no known event type",
                "help: did you mean \"customer.subscription.*\"?",
            ],
        );
        assert_message(
            "invoices.*",
            &[
                "Stripe event pattern \"invoices.*\" matches no known event type",
                "help: did you mean \"invoice.*\"?",
            ],
        );
        assert_message(
            "charge.succeeded.*",
            &[
                "Stripe event pattern \"charge.succeeded.*\" matches no known event type",
                "help: \"charge.succeeded\" is an event type, not a family: write \
                 \"charge.succeeded\"",
            ],
        );
    }

    #[test]
    fn the_note_names_the_list_and_its_origin() {
        let catalog = Catalog::parse("# from stripe@9.9.9 (test)\na.b\n");
        let message = check_in(&catalog, "a.c").unwrap_err();
        assert!(
            message.ends_with(
                "note: checked against the 1 event types bundled from stripe@9.9.9; for a type \
                 Stripe added since, write unchecked(\"a.c\")"
            ),
            "{message}"
        );
    }

    #[test]
    fn did_you_mean_lists_names() {
        assert_eq!(did_you_mean(&[] as &[&str]), None);
        assert_eq!(did_you_mean(&["a"]).unwrap(), "did you mean \"a\"?");
        assert_eq!(
            did_you_mean(&["a", "b", "c"]).unwrap(),
            "did you mean \"a\", \"b\" or \"c\"?"
        );
    }
}

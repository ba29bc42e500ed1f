//! The syntax of a Stripe event type such as `"charge.succeeded"`.
//!
//! This decides whether an event type is well formed; whether Stripe knows it is decided by
//! [`crate::known_type`], for names outside `unchecked(...)`.

/// What a valid event type looks like, for error messages.
const RULE: &str = "an event type is lowercase words of ASCII letters, digits and `_` \
    joined by single dots, e.g. \"charge.succeeded\", or \"*\" for every event, \
    or a family ending in \".*\" such as \"customer.subscription.*\"";

/// Checks that `name` is a syntactically valid Stripe event type.
///
/// Accepted: dot-separated words of lowercase ASCII letters, digits and `_`
/// (`"charge.succeeded"`, `"ping"`), exactly `"*"` (every event), and a family pattern made of
/// such words followed by a final `".*"` (`"customer.subscription.*"`).
///
/// On failure, returns a message that says what is wrong, states the rule and, where it can
/// guess one, suggests the intended spelling.
pub(crate) fn validate_event_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("the event type is empty; {RULE}"));
    }
    if name == "*" {
        return Ok(());
    }
    let words = name.strip_suffix(".*").unwrap_or(name);
    if let Some(problem) = problem_in_words(words) {
        let suggestion = suggestion(name)
            .map(|fixed| format!("; did you mean \"{fixed}\"?"))
            .unwrap_or_default();
        return Err(format!("{problem}; {RULE}{suggestion}"));
    }
    Ok(())
}

/// Describes the first problem in the dot-separated words of an event type, if any.
fn problem_in_words(words: &str) -> Option<String> {
    if words.contains('*') {
        return Some("`*` may only be the whole event type or a final `.*`".to_owned());
    }
    if words.split('.').any(str::is_empty) {
        return Some("it has an empty word (a leading, trailing or doubled dot)".to_owned());
    }
    let bad = words
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))?;
    Some(if bad.is_whitespace() {
        "it contains whitespace".to_owned()
    } else {
        format!("it contains `{bad}`")
    })
}

/// A valid spelling close to `name` (trimmed, lowercased, `-`/space as `_`), if there is one.
fn suggestion(name: &str) -> Option<String> {
    let fixed: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    (fixed != name && validate_event_name(&fixed).is_ok()).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::validate_event_name;

    #[test]
    fn accepts_event_types_wildcard_and_families() {
        for name in [
            "charge.succeeded",
            "ping",
            "customer.subscription.trial_will_end",
            "v2.core.event_destination.ping",
            "*",
            "customer.subscription.*",
            "charge.*",
        ] {
            assert_eq!(validate_event_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_malformed_names_with_the_rule() {
        for (name, problem) in [
            ("", "the event type is empty"),
            ("Charge.Succeeded", "contains `C`"),
            ("charge..succeeded", "empty word"),
            (".charge", "empty word"),
            ("charge.", "empty word"),
            ("charge.succeeded ", "contains whitespace"),
            ("charge-succeeded", "contains `-`"),
            ("*.succeeded", "`*` may only be"),
            ("charge*", "`*` may only be"),
            ("charge.*.*", "`*` may only be"),
            (".*", "empty word"),
        ] {
            let message = validate_event_name(name).expect_err(name);
            assert!(message.contains(problem), "{name}: {message}");
            assert!(
                message.contains("\"charge.succeeded\""),
                "{name}: {message}"
            );
        }
    }

    #[test]
    fn suggests_a_fix_when_one_is_obvious() {
        let message = validate_event_name("Charge.Succeeded").unwrap_err();
        assert!(
            message.ends_with("did you mean \"charge.succeeded\"?"),
            "{message}"
        );
        let message = validate_event_name(" charge.succeeded").unwrap_err();
        assert!(
            message.ends_with("did you mean \"charge.succeeded\"?"),
            "{message}"
        );
        let message = validate_event_name("charge..succeeded").unwrap_err();
        assert!(!message.contains("did you mean"), "{message}");
    }
}

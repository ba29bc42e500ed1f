//! Stripe's webhook event types as this build knows them, and the `enabled_events` an endpoint
//! on Stripe is subscribed to.
//!
//! The list is the one `#[stripe_receiver]` checks names against: the macro crate's
//! `data/stripe-event-types.txt`, brought here by its hidden `__bundled_event_types!` macro at
//! compile time, so the repository and both packages hold one copy of it.
//!
//! Stripe's `enabled_events` takes exact event types or `"*"` (every event except those that
//! need explicit selection; Stripe API reference, "Create a webhook endpoint"): a family
//! pattern such as `charge.*` is this project's notation, expanded here against the list.

use std::collections::BTreeSet;

use crate::receiver::Receiver;
use crate::registry::Registry;

/// Every event type of the bundled list, sorted.
pub const BUNDLED: &[&str] = stripe_receiver_macros::__bundled_event_types!();

/// Where the bundled list comes from, e.g. `stripe@23.1.0` (the Stripe SDK release it was read
/// from, which names its API version in the file's header).
pub const BUNDLED_ORIGIN: &str = stripe_receiver_macros::__bundled_event_types!(origin);

/// Whether `event_type` is in the bundled list.
#[must_use]
pub fn is_known(event_type: &str) -> bool {
    BUNDLED.binary_search(&event_type).is_ok()
}

/// The bundled types a family pattern (`customer.subscription.*`) matches, sorted; empty when
/// none does or when `pattern` is not a family pattern.
#[must_use]
pub fn family_members(pattern: &str) -> Vec<&'static str> {
    match pattern.strip_suffix('*') {
        Some(prefix) if prefix.ends_with('.') && prefix.len() > 1 => BUNDLED
            .iter()
            .copied()
            .filter(|t| t.starts_with(prefix))
            .collect(),
        _ => Vec::new(),
    }
}

/// Why a list of event types cannot be an endpoint's `enabled_events`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnabledEventsError {
    /// No event type at all: Stripe requires at least one.
    #[error("no event type: Stripe requires at least one (give `*` for all)")]
    Empty,
    /// No linked receiver subscribes to anything.
    #[error(
        "no linked receiver subscribes to any event type, so there is nothing to enable: give \
         the types with --enabled-events (`*` for all)"
    )]
    NoReceivers,
    /// Not the syntax of an event type or pattern (lowercase words of `a-z`, `0-9`, `_` joined
    /// by dots; `*`; or a family ending in `.*`).
    #[error("{name:?} is not an event type (lowercase words joined by dots, e.g. charge.succeeded), `*`, or a family such as charge.*")]
    Malformed {
        /// The name as given.
        name: String,
    },
    /// An exact type the bundled list does not know.
    #[error(
        "{name:?} is not in Stripe's list of event types bundled with this build \
         ({BUNDLED_ORIGIN}); check the spelling (`stripe-receiver receivers --builtin` lists the \
         types receivers use), or pass --unchecked-events for a type newer than the list"
    )]
    Unknown {
        /// The name as given.
        name: String,
    },
    /// A family pattern with no member in the bundled list: Stripe takes exact types only, so
    /// it cannot be sent as it is.
    #[error(
        "{pattern:?}{} matches no event type of the list bundled with this build \
         ({BUNDLED_ORIGIN}); Stripe takes exact types only: give them with --enabled-events \
         (and --unchecked-events if the list does not know them yet)",
        receiver.map(|r| format!(" (receiver {r})")).unwrap_or_default()
    )]
    PatternMatchesNothing {
        /// The pattern.
        pattern: String,
        /// The receiver it comes from, when it comes from one.
        receiver: Option<&'static str>,
    },
}

/// The `enabled_events` for a list a user gave: `*` anywhere gives `["*"]`; a family pattern
/// gives its members in the bundled list; an exact type must be in the bundled list unless
/// `unchecked`. Sorted, without duplicates.
///
/// # Errors
/// [`EnabledEventsError`]: an empty list, a malformed name, an unknown type (when not
/// `unchecked`), a pattern with no member.
pub fn from_list<S: AsRef<str>>(
    list: &[S],
    unchecked: bool,
) -> Result<Vec<String>, EnabledEventsError> {
    let mut out = BTreeSet::new();
    for name in list {
        let name = name.as_ref().trim();
        if name == "*" {
            return Ok(vec!["*".to_owned()]);
        }
        if !well_formed(name) {
            return Err(EnabledEventsError::Malformed {
                name: name.to_owned(),
            });
        }
        if name.ends_with(".*") {
            let members = family_members(name);
            if members.is_empty() {
                return Err(EnabledEventsError::PatternMatchesNothing {
                    pattern: name.to_owned(),
                    receiver: None,
                });
            }
            out.extend(members.into_iter().map(str::to_owned));
        } else if unchecked || is_known(name) {
            out.insert(name.to_owned());
        } else {
            return Err(EnabledEventsError::Unknown {
                name: name.to_owned(),
            });
        }
    }
    if out.is_empty() {
        return Err(EnabledEventsError::Empty);
    }
    Ok(out.into_iter().collect())
}

/// The `enabled_events` that deliver exactly what `receivers` subscribe to: the union of their
/// exact types (those in `unchecked(...)` included, as the macro admitted them) and the members
/// of their family patterns; `["*"]` when one of them subscribes to `*`. Sorted, without
/// duplicates. Pass every linked receiver, the built-in ones (the object sync) included, so
/// that the `stripe_<plural>` tables keep up too.
///
/// # Errors
/// [`EnabledEventsError::NoReceivers`] when there is no type at all;
/// [`EnabledEventsError::PatternMatchesNothing`] for an `unchecked` family with no member in the
/// bundled list.
pub fn for_receivers<'r>(
    receivers: impl IntoIterator<Item = &'r Receiver>,
) -> Result<Vec<String>, EnabledEventsError> {
    let mut out = BTreeSet::new();
    for receiver in receivers {
        for pattern in receiver.event_types() {
            if *pattern == "*" {
                return Ok(vec!["*".to_owned()]);
            }
            if pattern.ends_with(".*") {
                let members = family_members(pattern);
                if members.is_empty() {
                    return Err(EnabledEventsError::PatternMatchesNothing {
                        pattern: (*pattern).to_owned(),
                        receiver: Some(receiver.path()),
                    });
                }
                out.extend(members.into_iter().map(str::to_owned));
            } else {
                out.insert((*pattern).to_owned());
            }
        }
    }
    if out.is_empty() {
        return Err(EnabledEventsError::NoReceivers);
    }
    Ok(out.into_iter().collect())
}

/// Whose event types [`for_registry`] chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultSource {
    /// The application's receivers (the built-in object sync not counted).
    Receivers,
    /// No application receiver is linked (the shipped `stripe-receiver` binary): the built-in
    /// object sync's receivers, the only ones there are.
    BuiltinSync,
}

/// The default `enabled_events` of an endpoint created on Stripe: exactly what the
/// application's receivers subscribe to ([`for_receivers`]), the built-in object sync not
/// counted — as in `serve`'s check that every subscribed type has a receiver of yours, which
/// this default therefore passes. When no application receiver is linked (the shipped binary),
/// the built-in sync's receivers are the linked ones and their types are used
/// ([`DefaultSource::BuiltinSync`]).
///
/// # Errors
/// As [`for_receivers`]: [`EnabledEventsError::NoReceivers`] when nothing is linked at all.
pub fn for_registry(
    registry: &Registry,
) -> Result<(Vec<String>, DefaultSource), EnabledEventsError> {
    let (builtin, own): (Vec<&Receiver>, Vec<&Receiver>) = registry
        .receivers()
        .iter()
        .copied()
        .partition(|r| r.is_builtin());
    if own.is_empty() {
        Ok((for_receivers(builtin)?, DefaultSource::BuiltinSync))
    } else {
        Ok((for_receivers(own)?, DefaultSource::Receivers))
    }
}

/// The macro's syntax for a type (`a.b_c.d`) or a family (`a.b.*`): lowercase words of ASCII
/// letters, digits and `_`, joined by single dots, optionally ending in `.*`.
fn well_formed(name: &str) -> bool {
    let words = name.strip_suffix(".*").unwrap_or(name);
    !words.is_empty()
        && words.split('.').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::ReceiverData;
    use crate::registration::{kinds, BoxFuture, CallResult, Input, Requirements};

    fn noop<'a>(_: Input<'a, kinds::receiver>) -> BoxFuture<'a, CallResult> {
        Box::pin(async { Ok(()) })
    }
    fn no_requirements(_: &mut Requirements) {}

    static DISPUTES: Receiver = Receiver::new(
        ReceiverData::new(&["charge.dispute.*", "invoice.paid"]),
        "app::disputes",
        "a.rs",
        1,
        noop,
        no_requirements,
    );
    static INVOICES: Receiver = Receiver::new(
        ReceiverData::new(&["invoice.paid", "brand_new.event"]),
        "app::invoices",
        "a.rs",
        2,
        noop,
        no_requirements,
    );
    static EVERYTHING: Receiver = Receiver::new(
        ReceiverData::new(&["*"]),
        "app::everything",
        "a.rs",
        3,
        noop,
        no_requirements,
    );
    static NOTHING_KNOWN: Receiver = Receiver::new(
        ReceiverData::new(&["brand_new_family.*"]),
        "app::newer",
        "a.rs",
        4,
        noop,
        no_requirements,
    );
    static SYNC: Receiver = Receiver::new(
        ReceiverData::new(&["customer.created", "payout.*"]),
        "stripe_receiver::sync::builtin::x",
        "b.rs",
        1,
        noop,
        no_requirements,
    )
    .builtin();

    #[test]
    fn the_default_is_what_your_receivers_subscribe_to() {
        let registry = Registry::build([&SYNC, &DISPUTES, &INVOICES]).unwrap();
        let (list, source) = for_registry(&registry).unwrap();
        assert_eq!(source, DefaultSource::Receivers);
        let mut want: Vec<String> = family_members("charge.dispute.*")
            .into_iter()
            .map(str::to_owned)
            .collect();
        want.extend(["invoice.paid".to_owned(), "brand_new.event".to_owned()]);
        want.sort();
        assert_eq!(
            list, want,
            "the sync's customer.created and payout.* are not in it"
        );

        let everything = Registry::build([&SYNC, &DISPUTES, &EVERYTHING]).unwrap();
        assert_eq!(for_registry(&everything).unwrap().0, ["*"]);

        let newer = Registry::build([&DISPUTES, &NOTHING_KNOWN]).unwrap();
        assert_eq!(
            for_registry(&newer),
            Err(EnabledEventsError::PatternMatchesNothing {
                pattern: "brand_new_family.*".into(),
                receiver: Some("app::newer"),
            })
        );
    }

    #[test]
    fn without_receivers_of_yours_the_sync_s_types_are_the_default() {
        let registry = Registry::build([&SYNC]).unwrap();
        let (list, source) = for_registry(&registry).unwrap();
        assert_eq!(source, DefaultSource::BuiltinSync);
        assert!(list.contains(&"customer.created".to_owned()));
        assert!(list.contains(&"payout.paid".to_owned()));
        assert!(!list.contains(&"customer.updated".to_owned()));
        assert_eq!(
            for_registry(&Registry::build([]).unwrap()),
            Err(EnabledEventsError::NoReceivers)
        );
    }

    #[test]
    fn the_bundled_list_is_sorted_and_has_the_common_types() {
        assert!(BUNDLED.windows(2).all(|w| w[0] < w[1]));
        assert!(BUNDLED.len() > 200, "{}", BUNDLED.len());
        for t in [
            "charge.succeeded",
            "customer.subscription.updated",
            "invoice.paid",
        ] {
            assert!(is_known(t), "{t}");
        }
        assert!(!is_known("*"));
        assert!(!is_known("charge.succeded"));
        assert!(BUNDLED_ORIGIN.starts_with("stripe@"), "{BUNDLED_ORIGIN}");
    }

    #[test]
    fn a_user_list_expands_families_and_checks_names() {
        let got = from_list(
            &["charge.dispute.*", "invoice.paid", "charge.dispute.created"],
            false,
        )
        .unwrap();
        let disputes: Vec<&str> = BUNDLED
            .iter()
            .copied()
            .filter(|t| t.starts_with("charge.dispute."))
            .collect();
        assert!(disputes.len() >= 4, "{disputes:?}");
        let mut want: Vec<String> = disputes.iter().map(|s| (*s).to_owned()).collect();
        want.push("invoice.paid".into());
        want.sort();
        assert_eq!(got, want);
        assert_eq!(from_list(&["invoice.paid", "*"], false).unwrap(), ["*"]);
        assert_eq!(
            from_list(&["charge.succeded"], false),
            Err(EnabledEventsError::Unknown {
                name: "charge.succeded".into()
            })
        );
        assert_eq!(
            from_list(&["brand_new.thing"], true).unwrap(),
            ["brand_new.thing"]
        );
        assert_eq!(
            from_list(&["nothing_here.*"], true),
            Err(EnabledEventsError::PatternMatchesNothing {
                pattern: "nothing_here.*".into(),
                receiver: None
            })
        );
        for bad in [
            "Charge.succeeded",
            "charge..x",
            "charge.*.x",
            ".*",
            "a b",
            "",
        ] {
            assert!(
                matches!(
                    from_list(&[bad], true),
                    Err(EnabledEventsError::Malformed { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            from_list::<&str>(&[], false),
            Err(EnabledEventsError::Empty)
        );
    }

    #[test]
    fn family_members_need_a_dot_before_the_star() {
        assert!(family_members("charge*").is_empty());
        assert!(family_members(".*").is_empty());
        assert!(family_members("charge.*").contains(&"charge.succeeded"));
        assert!(!family_members("charge.*").contains(&"checkout.session.completed"));
    }
}

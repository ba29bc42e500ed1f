//! The index of every compiled-in receiver, built once at start-up.
//!
//! # Run order
//! For one event, stripe-receiver's built-in receivers (the object sync, [`Receiver::is_builtin`])
//! run first, so that every application receiver reads the state this event produced. Then the
//! matching application receivers run one after another, in ascending order of their
//! function path (`crate::module::fn_name`, byte-wise), whether they matched by exact name or by a
//! pattern (`*`, `family.*`). Built-ins are ordered among themselves by path too. The path is the receiver's identity, so the order is total and does
//! not depend on link order (which `inventory` leaves unspecified). The first receiver that fails
//! stops the rest and the transaction rolls back.
//!
//! A receiver matched by several of its own patterns (`"invoice.*"` and `"invoice.paid"`) runs
//! once. A function registered twice (two `#[stripe_receiver]` attributes on it) is refused at
//! start-up.

use std::collections::{BTreeMap, HashMap};

use crate::receiver::Receiver;
use crate::state::StateMap;

/// Every receiver linked into the binary, indexed by event type.
#[derive(Debug)]
pub struct Registry {
    /// All receivers in run order.
    all: Vec<&'static Receiver>,
    /// Exact event type → indices into `all` of receivers for it (exact names and patterns
    /// merged), in run order.
    by_type: HashMap<&'static str, Vec<usize>>,
    /// Indices into `all` of receivers that have at least one pattern, in run order.
    with_patterns: Vec<usize>,
}

/// Why the receivers linked into this binary cannot run.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// One function carries `#[stripe_receiver]` twice (it would run twice per event).
    #[error("receiver {path} is registered twice ({first} and {second}); put all its event types in one #[stripe_receiver(...)] attribute")]
    RegisteredTwice {
        /// The function path.
        path: &'static str,
        /// `file:line` of one registration.
        first: String,
        /// `file:line` of the other.
        second: String,
    },
    /// One function carries two `#[stripe_receiver]` attributes.
    #[error("receiver {path} ({location}) carries #[stripe_receiver] twice; put all its event types in one #[stripe_receiver(...)] attribute")]
    AttributeTwice {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
    },
    /// A receiver takes `State<T>` for a `T` nobody registered.
    #[error("receiver {path} ({location}) takes State<{type_name}>, but no {type_name} was registered: call RuntimeBuilder::state(...) with one at start-up")]
    MissingState {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The state type.
        type_name: &'static str,
    },
    /// A receiver takes a backend's native connection and the process runs another backend.
    #[error("receiver {path} ({location}) takes a {wanted} connection, but DATABASE_URL names {actual}: run it on {wanted}, or take `&mut Tx<'_>` and handle both backends")]
    WrongBackend {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The backend the receiver needs.
        wanted: crate::db::Backend,
        /// The backend in use.
        actual: crate::db::Backend,
    },
    /// A receiver takes the transaction twice.
    #[error(
        "receiver {path} ({location}) takes the transaction (&mut Tx) more than once; take it once"
    )]
    TransactionTwice {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
    },
}

impl Registry {
    /// Builds the registry from every receiver `inventory` collected.
    ///
    /// # Errors
    /// [`RegistryError::RegisteredTwice`] if one function is registered twice.
    pub fn from_inventory() -> Result<Self, RegistryError> {
        Self::build(inventory::iter::<Receiver>())
    }

    /// Builds the registry from the given receivers (the ordering and checks of
    /// [`Registry::from_inventory`]).
    ///
    /// # Errors
    /// [`RegistryError::RegisteredTwice`] if two records share a path.
    pub fn build(
        receivers: impl IntoIterator<Item = &'static Receiver>,
    ) -> Result<Self, RegistryError> {
        let mut by_path: BTreeMap<&'static str, &'static Receiver> = BTreeMap::new();
        for r in receivers {
            if let Some(prev) = by_path.insert(r.path(), r) {
                if location(prev) == location(r) {
                    return Err(RegistryError::AttributeTwice {
                        path: r.path(),
                        location: location(r),
                    });
                }
                let mut sites = [location(prev), location(r)];
                sites.sort();
                let [first, second] = sites;
                return Err(RegistryError::RegisteredTwice {
                    path: r.path(),
                    first,
                    second,
                });
            }
        }
        // Built-ins first (stable sort: each group stays in path order).
        let mut all: Vec<&'static Receiver> = by_path.into_values().collect();
        all.sort_by_key(|r| !r.is_builtin());
        let mut by_type: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut with_patterns = Vec::new();
        for (i, r) in all.iter().enumerate() {
            for t in r.event_types() {
                if t.ends_with('*') {
                    if with_patterns.last() != Some(&i) {
                        with_patterns.push(i);
                    }
                } else {
                    let list = by_type.entry(*t).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        // Merge pattern receivers into each exact type's list, keeping run order.
        for (t, list) in &mut by_type {
            for &i in &with_patterns {
                if all[i].matches(t) && !list.contains(&i) {
                    list.push(i);
                }
            }
            list.sort_unstable();
        }
        Ok(Self {
            all,
            by_type,
            with_patterns,
        })
    }

    /// Every receiver, in run order: the built-in ones (object sync) first.
    #[must_use]
    pub fn receivers(&self) -> &[&'static Receiver] {
        &self.all
    }

    /// The application's receivers (every one but stripe-receiver's built-ins), in run order.
    pub fn application_receivers(&self) -> impl Iterator<Item = &'static Receiver> + '_ {
        self.all.iter().copied().filter(|r| !r.is_builtin())
    }

    /// The receivers that run for `event_type`, in run order. Unknown types get the pattern
    /// receivers that match them (often none).
    pub fn receivers_for<'s>(
        &'s self,
        event_type: &'s str,
    ) -> impl Iterator<Item = &'static Receiver> + Send + 's {
        let exact = self.by_type.get(event_type);
        let patterns_only = exact.is_none().then(|| {
            self.with_patterns
                .iter()
                .copied()
                .filter(move |&i| self.all[i].matches(event_type))
        });
        exact
            .into_iter()
            .flatten()
            .copied()
            .chain(patterns_only.into_iter().flatten())
            .map(|i| self.all[i])
    }

    /// Checks every receiver's argument requirements against what the process provides.
    ///
    /// # Errors
    /// The first unmet requirement, naming the receiver and its location.
    pub fn check_requirements(
        &self,
        state: &StateMap,
        backend: crate::db::Backend,
    ) -> Result<(), RegistryError> {
        for r in &self.all {
            let req = r.requirements();
            if req.transaction_args > 1 {
                return Err(RegistryError::TransactionTwice {
                    path: r.path(),
                    location: location(r),
                });
            }
            if let Some(wanted) = req.backend.filter(|b| *b != backend) {
                return Err(RegistryError::WrongBackend {
                    path: r.path(),
                    location: location(r),
                    wanted,
                    actual: backend,
                });
            }
            if let Some((_, type_name)) = req.state.iter().find(|(id, _)| !state.contains(*id)) {
                return Err(RegistryError::MissingState {
                    path: r.path(),
                    location: location(r),
                    type_name,
                });
            }
        }
        Ok(())
    }
}

fn location(r: &Receiver) -> String {
    format!("{}:{}", r.file(), r.line())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::{BoxFuture, Parts, ReceiverResult, Requirements};

    fn noop<'a>(_: Parts<'a>) -> BoxFuture<'a, ReceiverResult> {
        Box::pin(async { Ok(()) })
    }
    fn no_req(_: &mut Requirements) {}

    static B: Receiver = Receiver::new(
        &["charge.succeeded", "charge.failed"],
        "app::b",
        "b.rs",
        1,
        noop,
        no_req,
    );
    static A: Receiver = Receiver::new(&["charge.succeeded"], "app::a", "a.rs", 1, noop, no_req);
    static STAR: Receiver = Receiver::new(&["*"], "app::audit", "c.rs", 1, noop, no_req);
    static FAMILY: Receiver = Receiver::new(
        &["charge.*", "charge.succeeded"],
        "app::charges",
        "d.rs",
        1,
        noop,
        no_req,
    );
    static A_AGAIN: Receiver = Receiver::new(&["invoice.paid"], "app::a", "a.rs", 9, noop, no_req);

    fn paths(reg: &Registry, t: &str) -> Vec<&'static str> {
        reg.receivers_for(t).map(Receiver::path).collect()
    }

    #[test]
    fn order_is_by_path_whatever_the_input_order() {
        let reg = Registry::build([&B, &STAR, &A, &FAMILY]).unwrap();
        let expected = vec!["app::a", "app::audit", "app::b", "app::charges"];
        assert_eq!(paths(&reg, "charge.succeeded"), expected);
        let reg = Registry::build([&FAMILY, &A, &STAR, &B]).unwrap();
        assert_eq!(paths(&reg, "charge.succeeded"), expected);
        assert_eq!(
            paths(&reg, "charge.failed"),
            vec!["app::audit", "app::b", "app::charges"]
        );
        assert_eq!(
            paths(&reg, "charge.refunded"),
            vec!["app::audit", "app::charges"]
        );
        assert_eq!(paths(&reg, "transfer.paid"), vec!["app::audit"]);
    }

    static BUILTIN: Receiver = Receiver::new(
        &["charge.*"],
        "stripe_receiver::sync::builtin::charges",
        "e.rs",
        1,
        noop,
        no_req,
    )
    .builtin();

    #[test]
    fn builtins_run_first_then_the_application_in_path_order() {
        // "app::a" sorts before "stripe_receiver::..." by path, yet the built-in runs first.
        let reg = Registry::build([&B, &A, &BUILTIN, &STAR]).unwrap();
        assert_eq!(
            paths(&reg, "charge.succeeded"),
            vec![
                "stripe_receiver::sync::builtin::charges",
                "app::a",
                "app::audit",
                "app::b"
            ]
        );
        let apps: Vec<&str> = reg.application_receivers().map(Receiver::path).collect();
        assert_eq!(apps, vec!["app::a", "app::audit", "app::b"]);
        assert!(reg.receivers()[0].is_builtin());
    }

    #[test]
    fn nothing_for_unmatched_types() {
        let reg = Registry::build([&A, &B]).unwrap();
        assert!(paths(&reg, "balance.available").is_empty());
    }

    #[test]
    fn same_function_twice_is_refused() {
        let err = Registry::build([&A, &B, &A_AGAIN]).unwrap_err();
        assert!(
            matches!(err, RegistryError::RegisteredTwice { path: "app::a", .. }),
            "{err}"
        );
        assert!(err.to_string().contains("a.rs:1 and a.rs:9"), "{err}");
    }
}

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

use std::collections::HashMap;
use std::fmt;

use crate::db::Backend;
use crate::receiver::Receiver;
use crate::registration::{kinds, Kind, Registration};
use crate::state::StateMap;

/// Every fn of kind `K` linked into the binary, in run order (ascending [`Kind::Key`]), with
/// the kind's index. [`Registry`] (receivers), [`crate::hooks::HookRegistry`] and
/// [`crate::jobs::JobRegistry`] are this type for each kind.
pub struct Registrations<K: Kind> {
    /// All registrations in run order.
    all: Vec<&'static Registration<K>>,
    /// The kind's index of `all`.
    index: K::Index,
}

impl<K: Kind> fmt::Debug for Registrations<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registrations")
            .field("all", &self.all)
            .field("index", &self.index)
            .finish()
    }
}

impl<K: Kind> Default for Registrations<K> {
    fn default() -> Self {
        Self {
            all: Vec::new(),
            index: K::Index::default(),
        }
    }
}

/// Every receiver linked into the binary, indexed by event type.
pub type Registry = Registrations<kinds::receiver>;

/// Why the fns of kind `K` linked into this binary cannot run. [`RegistryError`] is the
/// receivers' (the default), `HookRegistryError` the hooks', `JobRegistryError` the jobs'.
#[derive(Debug)]
pub enum RegistryError<K: Kind = kinds::receiver> {
    /// Two registrations share a key (receivers: the fn; hooks: the hook and the fn; jobs: the
    /// job name): one would run twice, or a job name would be ambiguous.
    RegisteredTwice {
        /// The function path (of the later registration, for jobs).
        path: &'static str,
        /// Where one registration is (`file:line`, or `path at file:line` when the two
        /// registrations are different fns).
        first: String,
        /// Where the other is.
        second: String,
        /// The later registration.
        registration: &'static Registration<K>,
    },
    /// One function carries the attribute twice.
    AttributeTwice {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// One of the two registrations.
        registration: &'static Registration<K>,
    },
    /// A function takes `State<T>` for a `T` nobody registered.
    MissingState {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The state type.
        type_name: &'static str,
        /// The registration at fault.
        registration: &'static Registration<K>,
    },
    /// A function takes a backend's native connection and the process runs another backend.
    WrongBackend {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The backend the function needs.
        wanted: Backend,
        /// The backend in use.
        actual: Backend,
        /// The registration at fault.
        registration: &'static Registration<K>,
    },
    /// A function takes the transaction twice (through a type alias the macro could not see).
    TransactionTwice {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The registration at fault.
        registration: &'static Registration<K>,
    },
}

impl<K: Kind> fmt::Display for RegistryError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = K::NOUN;
        match self {
            Self::RegisteredTwice {
                first,
                second,
                registration,
                ..
            } => write!(
                f,
                "{} is registered twice ({first} and {second}); {}",
                K::identity(registration),
                K::fix_twice(registration)
            ),
            Self::AttributeTwice {
                location,
                registration,
                ..
            } => write!(
                f,
                "{} ({location}) carries #[{}] twice; {}",
                K::identity(registration),
                K::ATTRIBUTE,
                K::fix_twice(registration)
            ),
            Self::MissingState {
                path,
                location,
                type_name,
                ..
            } => write!(
                f,
                "{noun} {path} ({location}) takes State<{type_name}>, but no {type_name} was \
                 registered: call RuntimeBuilder::state(...) with one at start-up"
            ),
            Self::WrongBackend {
                path,
                location,
                wanted,
                actual,
                ..
            } => write!(
                f,
                "{noun} {path} ({location}) takes a {wanted} connection, but DATABASE_URL names \
                 {actual}: run it on {wanted}, or take `&mut Tx<'_>` and handle both backends"
            ),
            Self::TransactionTwice { path, location, .. } => write!(
                f,
                "{noun} {path} ({location}) takes the transaction (&mut Tx) more than once; \
                 take it once"
            ),
        }
    }
}

impl<K: Kind> std::error::Error for RegistryError<K> {}

impl<K: Kind> Registrations<K>
where
    Registration<K>: inventory::Collect,
{
    /// Builds the registry from every registration of this kind `inventory` collected.
    ///
    /// # Errors
    /// [`RegistryError::RegisteredTwice`] or [`RegistryError::AttributeTwice`] if two
    /// registrations share a key.
    pub fn from_inventory() -> Result<Self, RegistryError<K>> {
        Self::build(inventory::iter::<Registration<K>>())
    }
}

impl<K: Kind> Registrations<K> {
    /// Builds the registry from the given registrations (the ordering and checks of
    /// `from_inventory`).
    ///
    /// # Errors
    /// [`RegistryError::RegisteredTwice`] or [`RegistryError::AttributeTwice`] if two
    /// registrations share a key.
    pub fn build(
        registrations: impl IntoIterator<Item = &'static Registration<K>>,
    ) -> Result<Self, RegistryError<K>> {
        let mut all: Vec<&'static Registration<K>> = registrations.into_iter().collect();
        all.sort_by_key(|registration| K::key(registration));
        if let Some([prev, next]) = all
            .windows(2)
            .find(|pair| K::key(pair[0]) == K::key(pair[1]))
        {
            return Err(registered_twice(prev, next));
        }
        let index = K::index(&all);
        Ok(Self { all, index })
    }

    /// Every registration, in run order.
    pub fn all(&self) -> impl ExactSizeIterator<Item = &'static Registration<K>> + '_ {
        self.all.iter().copied()
    }

    /// Every registration, in run order, as a slice.
    pub(crate) fn as_slice(&self) -> &[&'static Registration<K>] {
        &self.all
    }

    /// The kind's index.
    pub(crate) fn index(&self) -> &K::Index {
        &self.index
    }

    /// Checks every registration's argument requirements against what the process provides.
    ///
    /// # Errors
    /// The first unmet requirement, naming the function and its location.
    pub fn check_requirements(
        &self,
        state: &StateMap,
        backend: Backend,
    ) -> Result<(), RegistryError<K>> {
        for &registration in &self.all {
            let req = registration.requirements();
            let (path, location) = (registration.path(), registration.location());
            if req.transaction_args > 1 {
                return Err(RegistryError::TransactionTwice {
                    path,
                    location,
                    registration,
                });
            }
            if let Some(wanted) = req.backend.filter(|b| *b != backend) {
                return Err(RegistryError::WrongBackend {
                    path,
                    location,
                    wanted,
                    actual: backend,
                    registration,
                });
            }
            if let Some((_, type_name)) = req.state.iter().find(|(id, _)| !state.contains(*id)) {
                return Err(RegistryError::MissingState {
                    path,
                    location,
                    type_name,
                    registration,
                });
            }
        }
        Ok(())
    }
}

/// The error for two registrations with the same key.
fn registered_twice<K: Kind>(
    prev: &'static Registration<K>,
    next: &'static Registration<K>,
) -> RegistryError<K> {
    let (path, location) = (next.path(), next.location());
    if prev.path() == path && prev.location() == location {
        return RegistryError::AttributeTwice {
            path,
            location,
            registration: next,
        };
    }
    let site = |registration: &Registration<K>| {
        if prev.path() == next.path() {
            registration.location()
        } else {
            format!("{} at {}", registration.path(), registration.location())
        }
    };
    let mut sites = [site(prev), site(next)];
    sites.sort();
    let [first, second] = sites;
    RegistryError::RegisteredTwice {
        path,
        first,
        second,
        registration: next,
    }
}

/// The receivers' index: by exact event type, and which receivers have patterns.
#[derive(Debug, Default)]
pub struct ByEventType {
    /// Exact event type → indices into the run order of receivers for it (exact names and
    /// patterns merged), in run order.
    by_type: HashMap<&'static str, Vec<usize>>,
    /// Indices into the run order of receivers that have at least one pattern, in run order.
    with_patterns: Vec<usize>,
}

impl ByEventType {
    /// Indexes `all`, the receivers in run order.
    pub(crate) fn new(all: &[&'static Receiver]) -> Self {
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
        Self {
            by_type,
            with_patterns,
        }
    }
}

impl Registry {
    /// Every receiver, in run order: the built-in ones (object sync) first.
    #[must_use]
    pub fn receivers(&self) -> &[&'static Receiver] {
        self.as_slice()
    }

    /// The application's receivers (every one but stripe-receiver's built-ins), in run order.
    pub fn application_receivers(&self) -> impl Iterator<Item = &'static Receiver> + '_ {
        self.all().filter(|r| !r.is_builtin())
    }

    /// The receivers that run for `event_type`, in run order. Unknown types get the pattern
    /// receivers that match them (often none).
    pub fn receivers_for<'s>(
        &'s self,
        event_type: &'s str,
    ) -> impl Iterator<Item = &'static Receiver> + Send + 's {
        let all = self.as_slice();
        let index = self.index();
        let exact = index.by_type.get(event_type);
        let patterns_only = exact.is_none().then(|| {
            index
                .with_patterns
                .iter()
                .copied()
                .filter(move |&i| all[i].matches(event_type))
        });
        exact
            .into_iter()
            .flatten()
            .copied()
            .chain(patterns_only.into_iter().flatten())
            .map(|i| all[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receiver::ReceiverData;
    use crate::registration::{BoxFuture, CallResult, Input, Requirements};

    fn noop<'a>(_: Input<'a, kinds::receiver>) -> BoxFuture<'a, CallResult> {
        Box::pin(async { Ok(()) })
    }
    fn no_req(_: &mut Requirements) {}

    static B: Receiver = Receiver::new(
        ReceiverData::new(&["charge.succeeded", "charge.failed"]),
        "app::b",
        "b.rs",
        1,
        noop,
        no_req,
    );
    static A: Receiver = Receiver::new(
        ReceiverData::new(&["charge.succeeded"]),
        "app::a",
        "a.rs",
        1,
        noop,
        no_req,
    );
    static STAR: Receiver = Receiver::new(
        ReceiverData::new(&["*"]),
        "app::audit",
        "c.rs",
        1,
        noop,
        no_req,
    );
    static FAMILY: Receiver = Receiver::new(
        ReceiverData::new(&["charge.*", "charge.succeeded"]),
        "app::charges",
        "d.rs",
        1,
        noop,
        no_req,
    );
    static A_AGAIN: Receiver = Receiver::new(
        ReceiverData::new(&["invoice.paid"]),
        "app::a",
        "a.rs",
        9,
        noop,
        no_req,
    );

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
        ReceiverData::new(&["charge.*"]),
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

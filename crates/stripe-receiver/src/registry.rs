//! The index of every compiled-in receiver, built once at start-up.
//!
//! # Run order
//! For one event, stripe-receiver's built-in receivers (the object sync, [`Receiver::is_builtin`](crate::Receiver::is_builtin))
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

use std::fmt;

use crate::db::Backend;
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

/// Why the fns of kind `K` linked into this binary cannot run: the registration at fault and
/// what is wrong with it. [`RegistryError`] is the receivers' (the default),
/// `HookRegistryError` the hooks', `JobRegistryError` the jobs'. Its message names the fn, its
/// `file:line` and the fix.
#[derive(Debug)]
#[non_exhaustive]
pub struct RegistryError<K: Kind = kinds::receiver> {
    /// The registration at fault; of two that share a key, the later in run order.
    pub registration: &'static Registration<K>,
    /// What is wrong with it.
    pub problem: RegistryProblem,
}

/// What is wrong with a registration ([`RegistryError::problem`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryProblem {
    /// Two registrations share a key (receivers: the fn; hooks: the hook and the fn; jobs: the
    /// job name): one would run twice, or a job name would be ambiguous.
    RegisteredTwice {
        /// Where one registration is (`file:line`, or `path at file:line` when the two
        /// registrations are different fns).
        first: String,
        /// Where the other is.
        second: String,
    },
    /// One function carries the attribute twice.
    AttributeTwice,
    /// A function takes `State<T>` for a `T` nobody registered.
    MissingState {
        /// The state type.
        type_name: &'static str,
    },
    /// A function takes a backend's native connection and the process runs another backend.
    WrongBackend {
        /// The backend the function needs.
        wanted: Backend,
        /// The backend in use.
        actual: Backend,
    },
    /// A function takes the transaction twice (through a type alias the macro could not see).
    TransactionTwice,
}

impl<K: Kind> RegistryError<K> {
    fn new(registration: &'static Registration<K>, problem: RegistryProblem) -> Self {
        Self {
            registration,
            problem,
        }
    }

    /// The path of the function at fault (`my_crate::module::fn_name`).
    #[must_use]
    pub fn path(&self) -> &'static str {
        self.registration.path()
    }
}

impl<K: Kind> fmt::Display for RegistryError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let registration = self.registration;
        let (noun, path, location) = (K::NOUN, registration.path(), registration.location());
        match &self.problem {
            RegistryProblem::RegisteredTwice { first, second } => write!(
                f,
                "{} is registered twice ({first} and {second}); {}",
                K::identity(registration),
                K::fix_twice(registration)
            ),
            RegistryProblem::AttributeTwice => write!(
                f,
                "{} ({location}) carries #[{}] twice; {}",
                K::identity(registration),
                K::ATTRIBUTE,
                K::fix_twice(registration)
            ),
            RegistryProblem::MissingState { type_name } => write!(
                f,
                "{noun} {path} ({location}) takes State<{type_name}>, but no {type_name} was \
                 registered: call RuntimeBuilder::state(...) with one at start-up"
            ),
            RegistryProblem::WrongBackend { wanted, actual } => write!(
                f,
                "{noun} {path} ({location}) takes a {wanted} connection, but DATABASE_URL names \
                 {actual}: run it on {wanted}, or take `&mut Tx<'_>` and handle both backends"
            ),
            RegistryProblem::TransactionTwice => write!(
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
    /// [`RegistryProblem::RegisteredTwice`] or [`RegistryProblem::AttributeTwice`] if two
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
    /// [`RegistryProblem::RegisteredTwice`] or [`RegistryProblem::AttributeTwice`] if two
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
            let problem = if req.transaction_args > 1 {
                Some(RegistryProblem::TransactionTwice)
            } else if let Some(wanted) = req.backend.filter(|b| *b != backend) {
                Some(RegistryProblem::WrongBackend {
                    wanted,
                    actual: backend,
                })
            } else {
                req.state
                    .iter()
                    .find(|(id, _)| !state.contains(*id))
                    .map(|&(_, type_name)| RegistryProblem::MissingState { type_name })
            };
            if let Some(problem) = problem {
                return Err(RegistryError::new(registration, problem));
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
    if prev.path() == next.path() && prev.location() == next.location() {
        return RegistryError::new(next, RegistryProblem::AttributeTwice);
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
    RegistryError::new(next, RegistryProblem::RegisteredTwice { first, second })
}

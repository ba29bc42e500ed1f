//! Job kinds: what `#[stripe_job("name")]` registers, and the arguments a job fn may take.

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use super::Job;
use crate::receiver::{BoxFuture, ReceiverResult, Requirements};
use crate::state::{State, StateMap};

/// The type-erased runner the macro generates for a job fn.
pub type JobFn = for<'a> fn(JobParts<'a>) -> BoxFuture<'a, ReceiverResult>;

/// One `#[stripe_job("name")]` fn, collected by `inventory` at link time.
#[derive(Debug)]
pub struct JobKind {
    name: &'static str,
    path: &'static str,
    file: &'static str,
    line: u32,
    call: JobFn,
    requirements: fn(&mut Requirements),
}

inventory::collect!(JobKind);

impl JobKind {
    /// Builds a registration record. Called by the macro's expansion in a `static` context.
    #[doc(hidden)]
    #[must_use]
    pub const fn new(
        name: &'static str,
        path: &'static str,
        file: &'static str,
        line: u32,
        call: JobFn,
        requirements: fn(&mut Requirements),
    ) -> Self {
        Self {
            name,
            path,
            file,
            line,
            call,
            requirements,
        }
    }

    /// The job name receivers enqueue it under.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The fn's path.
    #[must_use]
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// `file:line` of the fn.
    #[must_use]
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    pub(crate) fn call<'a>(&self, parts: JobParts<'a>) -> BoxFuture<'a, ReceiverResult> {
        (self.call)(parts)
    }
}

/// What one job-fn call draws its arguments from.
pub struct JobParts<'a> {
    pub(crate) job: &'a Job,
    pub(crate) db: &'a crate::db::Db,
    pub(crate) payload: &'a serde_json::Value,
    pub(crate) state: &'a StateMap,
}

/// Why an argument could not be produced for a job-fn call (the attempt fails with it).
#[derive(Debug, thiserror::Error)]
pub enum JobArgError {
    /// The stored payload does not deserialize into the fn's `Payload<T>`.
    #[error("the payload does not deserialize into {type_name}: {source}")]
    Payload {
        /// The payload type.
        type_name: &'static str,
        /// serde's error.
        #[source]
        source: serde_json::Error,
    },
    /// `State<T>` was asked for but no `T` was registered.
    #[error("no application state of type {0} was registered (RuntimeBuilder::state)")]
    MissingState(&'static str),
}

/// The job's payload, deserialized: `Payload(receipt): Payload<Receipt>`.
#[derive(Debug, Clone)]
pub struct Payload<T>(pub T);

/// A type a `#[stripe_job]` fn may take as an argument: `&Job`, [`Payload<T>`], [`State<T>`],
/// and `&Db` (the runtime's database, outside any webhook transaction: a job runs after its
/// webhook committed).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a #[stripe_job] function",
    label = "not a job argument",
    note = "a job fn takes, in any order: `&Job`, `Payload<T>` for a `T: serde::de::DeserializeOwned`, `State<T>`, and `&Db`"
)]
pub trait JobArg<'a>: Sized {
    /// Produces the argument for one call.
    ///
    /// # Errors
    /// [`JobArgError`] when it cannot be produced.
    fn extract(parts: &mut JobParts<'a>) -> Result<Self, JobArgError>;

    /// Records what this argument needs, checked once at start-up.
    fn require(_requirements: &mut Requirements) {}
}

impl<'a> JobArg<'a> for &'a Job {
    fn extract(parts: &mut JobParts<'a>) -> Result<Self, JobArgError> {
        Ok(parts.job)
    }
}

impl<'a> JobArg<'a> for &'a crate::db::Db {
    fn extract(parts: &mut JobParts<'a>) -> Result<Self, JobArgError> {
        Ok(parts.db)
    }
}

impl<'a, T: DeserializeOwned> JobArg<'a> for Payload<T> {
    fn extract(parts: &mut JobParts<'a>) -> Result<Self, JobArgError> {
        T::deserialize(parts.payload)
            .map(Payload)
            .map_err(|source| JobArgError::Payload {
                type_name: std::any::type_name::<T>(),
                source,
            })
    }
}

impl<'a, T: Send + Sync + 'static> JobArg<'a> for State<T> {
    fn extract(parts: &mut JobParts<'a>) -> Result<Self, JobArgError> {
        parts
            .state
            .get::<T>()
            .ok_or(JobArgError::MissingState(std::any::type_name::<T>()))
    }

    fn require(requirements: &mut Requirements) {
        requirements
            .state
            .push((std::any::TypeId::of::<T>(), std::any::type_name::<T>()));
    }
}

/// Why the job kinds linked into this binary cannot run.
#[derive(Debug, thiserror::Error)]
pub enum JobRegistryError {
    /// Two fns are registered under one job name.
    #[error(
        "job name {name:?} is registered twice: {first} and {second}; give each kind its own name"
    )]
    NameTwice {
        /// The name.
        name: &'static str,
        /// One fn (`path at file:line`).
        first: String,
        /// The other.
        second: String,
    },
    /// A job fn takes `State<T>` for a `T` nobody registered.
    #[error("job fn {path} ({location}) takes State<{type_name}>, but no {type_name} was registered: call RuntimeBuilder::state(...) with one at start-up")]
    MissingState {
        /// The fn.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The state type.
        type_name: &'static str,
    },
}

/// Every job kind linked into the binary, by name.
#[derive(Debug, Default)]
pub struct JobRegistry {
    by_name: HashMap<&'static str, &'static JobKind>,
}

impl JobRegistry {
    /// Collects the job kinds `inventory` gathered, refusing a name registered twice.
    ///
    /// # Errors
    /// [`JobRegistryError::NameTwice`].
    pub fn from_inventory() -> Result<Self, JobRegistryError> {
        let mut by_name: HashMap<&'static str, &'static JobKind> = HashMap::new();
        for kind in inventory::iter::<JobKind>() {
            if let Some(prev) = by_name.insert(kind.name, kind) {
                let mut sites = [
                    format!("{} at {}", prev.path, prev.location()),
                    format!("{} at {}", kind.path, kind.location()),
                ];
                sites.sort();
                let [first, second] = sites;
                return Err(JobRegistryError::NameTwice {
                    name: kind.name,
                    first,
                    second,
                });
            }
        }
        Ok(Self { by_name })
    }

    /// The kind registered under `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&'static JobKind> {
        self.by_name.get(name).copied()
    }

    /// Every kind, sorted by name.
    #[must_use]
    pub fn kinds(&self) -> Vec<&'static JobKind> {
        let mut kinds: Vec<_> = self.by_name.values().copied().collect();
        kinds.sort_by_key(|k| k.name);
        kinds
    }

    /// Checks the kinds' argument requirements against the registered state.
    ///
    /// # Errors
    /// [`JobRegistryError::MissingState`] naming the fn.
    pub fn check_requirements(&self, state: &StateMap) -> Result<(), JobRegistryError> {
        for kind in self.kinds() {
            let mut req = Requirements::default();
            (kind.requirements)(&mut req);
            if let Some((_, type_name)) = req.state.iter().find(|(id, _)| !state.contains(*id)) {
                return Err(JobRegistryError::MissingState {
                    path: kind.path,
                    location: kind.location(),
                    type_name,
                });
            }
        }
        Ok(())
    }
}

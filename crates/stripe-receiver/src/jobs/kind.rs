//! The job kind of registration: what `#[stripe_job("name")]` registers (a [`JobKind`]), and
//! the arguments a job fn may take.

use serde::de::DeserializeOwned;

use super::Job;
use crate::db::Db;
use crate::registration::{kinds, Arg, Context, ExtractError, Input, Kind, Registration};
use crate::registry::{Registrations, RegistryError};
use crate::state::StateMap;

/// One `#[stripe_job("name")]` fn, collected by `inventory` at link time; its data is the job
/// name.
pub type JobKind = Registration<kinds::job>;

inventory::collect!(JobKind);

impl Kind for kinds::job {
    type Data = &'static str;
    type Parts<'a> = JobParts<'a>;
    /// The job name: one fn per name.
    type Key = &'static str;
    type Index = ();
    const NOUN: &'static str = "job fn";
    const ATTRIBUTE: &'static str = "stripe_job";

    fn key(kind: &'static JobKind) -> &'static str {
        kind.name()
    }

    fn identity(kind: &JobKind) -> String {
        format!("job name {:?}", kind.name())
    }

    fn fix_twice(kind: &JobKind) -> String {
        format!(
            "give each kind its own name, and register {:?} once",
            kind.name()
        )
    }

    fn index(_: &[&'static JobKind]) {}

    fn state<'p>(parts: &'p JobParts<'_>) -> &'p StateMap {
        parts.state
    }
}

impl Context for kinds::job {
    type Kind = Self;
}

impl JobKind {
    /// The job name receivers enqueue it under.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.data()
    }
}

/// What one job-fn call draws its arguments from.
pub struct JobParts<'a> {
    pub(crate) job: &'a Job,
    pub(crate) db: &'a Db,
    pub(crate) payload: &'a serde_json::Value,
    pub(crate) state: &'a StateMap,
}

/// Why an argument could not be produced for a job-fn call (the attempt fails with it).
pub type JobArgError = ExtractError;

/// The argument trait of job fns: [`Arg`] in the `stripe_job` context: `&Job`,
/// [`Payload<T>`], [`State<T>`](crate::State), and `&Db` (the runtime's database, outside any
/// webhook transaction: a job runs after its webhook committed).
pub use crate::registration::Arg as JobArg;

/// The job's payload, deserialized: `Payload(receipt): Payload<Receipt>`.
#[derive(Debug, Clone)]
pub struct Payload<T>(pub T);

impl<'a> Arg<'a, kinds::job> for &'a Job {
    fn extract(parts: &mut Input<'a, kinds::job>) -> Result<Self, ExtractError> {
        Ok(parts.job)
    }
}

impl<'a> Arg<'a, kinds::job> for &'a Db {
    fn extract(parts: &mut Input<'a, kinds::job>) -> Result<Self, ExtractError> {
        Ok(parts.db)
    }
}

impl<'a, T: DeserializeOwned> Arg<'a, kinds::job> for Payload<T> {
    fn extract(parts: &mut Input<'a, kinds::job>) -> Result<Self, ExtractError> {
        T::deserialize(parts.payload)
            .map(Payload)
            .map_err(|source| ExtractError::Payload {
                type_name: std::any::type_name::<T>(),
                source,
            })
    }
}

/// Every job kind linked into the binary, sorted by name.
pub type JobRegistry = Registrations<kinds::job>;

/// Why the job kinds linked into this binary cannot run.
pub type JobRegistryError = RegistryError<kinds::job>;

impl JobRegistry {
    /// The kind registered under `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&'static JobKind> {
        let all = self.as_slice();
        all.binary_search_by(|kind| kind.name().cmp(name))
            .ok()
            .map(|i| all[i])
    }

    /// Every kind, sorted by name.
    #[must_use]
    pub fn kinds(&self) -> &[&'static JobKind] {
        self.as_slice()
    }
}

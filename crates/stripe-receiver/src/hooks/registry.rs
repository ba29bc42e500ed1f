//! The index of every compiled-in hook, built once at start-up.
//!
//! # Order
//! The functions registered for one hook run one after another in ascending order of their
//! function path (`crate::module::fn_name`, byte-wise), as receivers do; link order (which
//! `inventory` leaves unspecified) plays no part. For the hooks other than
//! `webhook_processing_error`, the first one that fails stops the rest; every
//! `webhook_processing_error` function runs, whatever the others did.

use std::collections::BTreeMap;

use crate::db::Backend;
use crate::state::StateMap;

use super::hook::Hook;
use super::kind::HookKind;

/// Every hook function linked into the binary, per hook, in run order.
#[derive(Debug, Default)]
pub struct HookRegistry {
    by_kind: [Vec<&'static Hook>; 5],
}

/// Why the hooks linked into this binary cannot run.
#[derive(Debug, thiserror::Error)]
pub enum HookRegistryError {
    /// One function carries `#[stripe_hook]` twice for the same hook (it would run twice).
    #[error("hook {path} is registered twice for {kind} ({first} and {second}); keep one #[stripe_hook({kind})]")]
    RegisteredTwice {
        /// The hook.
        kind: HookKind,
        /// The function path.
        path: &'static str,
        /// `file:line` of one registration.
        first: String,
        /// `file:line` of the other.
        second: String,
    },
    /// A hook takes `State<T>` for a `T` nobody registered.
    #[error("hook {path} ({location}) takes State<{type_name}>, but no {type_name} was registered: call RuntimeBuilder::state(...) with one at start-up")]
    MissingState {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The state type.
        type_name: &'static str,
    },
    /// A hook takes a backend's native connection and the process runs another backend.
    #[error("hook {path} ({location}) takes a {wanted} connection, but DATABASE_URL names {actual}: run it on {wanted}, or take `&mut Tx<'_>` and handle both backends")]
    WrongBackend {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
        /// The backend the hook needs.
        wanted: Backend,
        /// The backend in use.
        actual: Backend,
    },
    /// A hook takes the transaction twice (through a type alias the macro could not see).
    #[error(
        "hook {path} ({location}) takes the transaction (&mut Tx) more than once; take it once"
    )]
    TransactionTwice {
        /// The function path.
        path: &'static str,
        /// `file:line`.
        location: String,
    },
}

impl HookRegistry {
    /// Builds the registry from every hook `inventory` collected.
    ///
    /// # Errors
    /// [`HookRegistryError::RegisteredTwice`] if one function is registered twice for a hook.
    pub fn from_inventory() -> Result<Self, HookRegistryError> {
        Self::build(inventory::iter::<Hook>())
    }

    /// Builds the registry from the given hooks (the ordering and checks of
    /// [`HookRegistry::from_inventory`]).
    ///
    /// # Errors
    /// [`HookRegistryError::RegisteredTwice`] if two records share a hook and a path.
    pub fn build(
        hooks: impl IntoIterator<Item = &'static Hook>,
    ) -> Result<Self, HookRegistryError> {
        let mut sorted: BTreeMap<(HookKind, &'static str), &'static Hook> = BTreeMap::new();
        for hook in hooks {
            if let Some(prev) = sorted.insert((hook.kind(), hook.path()), hook) {
                let mut sites = [location(prev), location(hook)];
                sites.sort();
                let [first, second] = sites;
                return Err(HookRegistryError::RegisteredTwice {
                    kind: hook.kind(),
                    path: hook.path(),
                    first,
                    second,
                });
            }
        }
        let mut registry = Self::default();
        for ((kind, _), hook) in sorted {
            registry.by_kind[index(kind)].push(hook);
        }
        Ok(registry)
    }

    /// The functions registered for `kind`, in run order.
    #[must_use]
    pub fn hooks_for(&self, kind: HookKind) -> &[&'static Hook] {
        &self.by_kind[index(kind)]
    }

    /// Every hook function, grouped by hook in firing order, each group in run order.
    pub fn all(&self) -> impl Iterator<Item = &'static Hook> + '_ {
        self.by_kind.iter().flatten().copied()
    }

    /// Checks every hook's argument requirements against what the process provides.
    ///
    /// # Errors
    /// The first unmet requirement, naming the hook function and its location.
    pub fn check_requirements(
        &self,
        state: &StateMap,
        backend: Backend,
    ) -> Result<(), HookRegistryError> {
        for hook in self.all() {
            let req = hook.requirements();
            if req.transaction_args > 1 {
                return Err(HookRegistryError::TransactionTwice {
                    path: hook.path(),
                    location: location(hook),
                });
            }
            if let Some(wanted) = req.backend.filter(|b| *b != backend) {
                return Err(HookRegistryError::WrongBackend {
                    path: hook.path(),
                    location: location(hook),
                    wanted,
                    actual: backend,
                });
            }
            if let Some((_, type_name)) = req.state.iter().find(|(id, _)| !state.contains(*id)) {
                return Err(HookRegistryError::MissingState {
                    path: hook.path(),
                    location: location(hook),
                    type_name,
                });
            }
        }
        Ok(())
    }
}

fn index(kind: HookKind) -> usize {
    HookKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("ALL lists every hook")
}

fn location(hook: &Hook) -> String {
    format!("{}:{}", hook.file(), hook.line())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::args::HookParts;
    use crate::hooks::hook::HookResult;
    use crate::receiver::{BoxFuture, Requirements};

    fn noop<'a>(_: HookParts<'a>) -> BoxFuture<'a, HookResult> {
        Box::pin(async { Ok(()) })
    }
    fn no_req(_: &mut Requirements) {}
    fn wants_string(r: &mut Requirements) {
        r.state
            .push((std::any::TypeId::of::<String>(), "alloc::string::String"));
    }

    static B: Hook = Hook::new(HookKind::PostProcess, "app::b", "b.rs", 1, noop, no_req);
    static A: Hook = Hook::new(HookKind::PostProcess, "app::a", "a.rs", 1, noop, no_req);
    static A_PRE: Hook = Hook::new(HookKind::PreProcess, "app::a", "a.rs", 5, noop, no_req);
    static A_AGAIN: Hook = Hook::new(HookKind::PostProcess, "app::a", "a.rs", 9, noop, no_req);
    static STATEFUL: Hook = Hook::new(
        HookKind::ProcessingError,
        "app::s",
        "s.rs",
        3,
        noop,
        wants_string,
    );

    fn paths(reg: &HookRegistry, kind: HookKind) -> Vec<&'static str> {
        reg.hooks_for(kind).iter().map(|h| h.path()).collect()
    }

    #[test]
    fn order_is_by_path_per_hook() {
        let reg = HookRegistry::build([&B, &A_PRE, &A]).unwrap();
        assert_eq!(paths(&reg, HookKind::PostProcess), ["app::a", "app::b"]);
        assert_eq!(paths(&reg, HookKind::PreProcess), ["app::a"]);
        assert!(paths(&reg, HookKind::PreValidate).is_empty());
        let reg = HookRegistry::build([&A, &B, &A_PRE]).unwrap();
        assert_eq!(paths(&reg, HookKind::PostProcess), ["app::a", "app::b"]);
        let all: Vec<_> = reg.all().map(|h| (h.kind(), h.path())).collect();
        assert_eq!(
            all,
            [
                (HookKind::PreProcess, "app::a"),
                (HookKind::PostProcess, "app::a"),
                (HookKind::PostProcess, "app::b")
            ]
        );
    }

    #[test]
    fn same_function_twice_for_one_hook_is_refused() {
        let err = HookRegistry::build([&A, &A_PRE, &A_AGAIN]).unwrap_err();
        assert!(
            err.to_string().contains(
                "app::a is registered twice for webhook_post_process (a.rs:1 and a.rs:9)"
            ),
            "{err}"
        );
    }

    #[test]
    fn missing_state_is_refused() {
        let reg = HookRegistry::build([&STATEFUL]).unwrap();
        let err = reg
            .check_requirements(&StateMap::new(), Backend::Sqlite)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("hook app::s (s.rs:3) takes State<alloc::string::String>"),
            "{err}"
        );
        let mut state = StateMap::new();
        state.insert(String::new());
        reg.check_requirements(&state, Backend::Sqlite).unwrap();
    }
}

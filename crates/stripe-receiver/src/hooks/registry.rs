//! The index of every compiled-in hook, built once at start-up.
//!
//! # Order
//! The functions registered for one hook run one after another in ascending order of their
//! function path (`crate::module::fn_name`, byte-wise), as receivers do; link order (which
//! `inventory` leaves unspecified) plays no part. For the hooks other than
//! `webhook_processing_error`, the first one that fails stops the rest; every
//! `webhook_processing_error` function runs, whatever the others did.

use crate::registration::kinds;
use crate::registry::{Registrations, RegistryError};

use super::hook::Hook;
use super::kind::HookKind;

/// Every hook function linked into the binary, grouped by hook in firing order, each group in
/// run order ([`Registrations::all`]).
pub type HookRegistry = Registrations<kinds::hook>;

/// Why the hooks linked into this binary cannot run.
pub type HookRegistryError = RegistryError<kinds::hook>;

impl HookRegistry {
    /// The functions registered for `kind`, in run order.
    #[must_use]
    pub fn hooks_for(&self, kind: HookKind) -> &[&'static Hook] {
        let all = self.as_slice();
        let start = all.partition_point(|hook| hook.kind() < kind);
        let end = all.partition_point(|hook| hook.kind() <= kind);
        &all[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::registration::{BoxFuture, CallResult, Input, Requirements};
    use crate::state::StateMap;

    fn noop<'a>(_: Input<'a, kinds::hook>) -> BoxFuture<'a, CallResult> {
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
                "hook app::a for webhook_post_process is registered twice (a.rs:1 and a.rs:9)"
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

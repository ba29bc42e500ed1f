//! The hook kind of registration: what `#[stripe_hook(...)]` registers (a [`Hook`]), collected
//! by `inventory`.

use crate::registration::{kinds, Kind, Registration};
use crate::state::StateMap;

use super::args::HookParts;
use super::kind::HookKind;

/// One `#[stripe_hook(...)]` function, as collected by `inventory` at link time; its data is
/// the hook it is registered for.
pub type Hook = Registration<kinds::hook>;

inventory::collect!(Hook);

impl Kind for kinds::hook {
    type Data = HookKind;
    type Parts<'a> = HookParts<'a>;
    /// By hook in firing order, then by path.
    type Key = (HookKind, &'static str);
    type Index = ();
    const NOUN: &'static str = "hook";
    const ATTRIBUTE: &'static str = "stripe_hook";

    fn key(hook: &'static Hook) -> Self::Key {
        (hook.kind(), hook.path())
    }

    fn identity(hook: &Hook) -> String {
        format!("hook {} for {}", hook.path(), hook.kind())
    }

    fn fix_twice(hook: &Hook) -> String {
        format!("keep one #[stripe_hook({})]", hook.kind())
    }

    fn index(_: &[&'static Hook]) {}

    fn state<'p>(parts: &'p HookParts<'_>) -> &'p StateMap {
        parts.state
    }
}

impl Hook {
    /// The hook it is registered for.
    #[must_use]
    pub fn kind(&self) -> HookKind {
        *self.data()
    }
}

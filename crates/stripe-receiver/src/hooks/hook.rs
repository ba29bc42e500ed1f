//! What `#[stripe_hook(...)]` registers: a [`Hook`] record, collected by `inventory`.

use crate::receiver::{BoxError, BoxFuture, Requirements};

use super::args::HookParts;
use super::kind::HookKind;

/// The uniform result of a hook call.
pub type HookResult = Result<(), BoxError>;

/// The function pointer the macro generates for each hook.
pub type HookFn = for<'a> fn(HookParts<'a>) -> BoxFuture<'a, HookResult>;

/// One `#[stripe_hook(...)]` function, as collected by `inventory` at link time.
#[derive(Debug)]
pub struct Hook {
    kind: HookKind,
    path: &'static str,
    file: &'static str,
    line: u32,
    call: HookFn,
    requirements: fn(&mut Requirements),
}

inventory::collect!(Hook);

impl Hook {
    /// Builds a registration record. Called by the macro's expansion in a `static` context.
    #[doc(hidden)]
    #[must_use]
    pub const fn new(
        kind: HookKind,
        path: &'static str,
        file: &'static str,
        line: u32,
        call: HookFn,
        requirements: fn(&mut Requirements),
    ) -> Self {
        Self {
            kind,
            path,
            file,
            line,
            call,
            requirements,
        }
    }

    /// The hook it is registered for.
    #[must_use]
    pub fn kind(&self) -> HookKind {
        self.kind
    }

    /// The function's path, `module::path::fn_name`: its identity and its place in the order.
    #[must_use]
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The source file that defines it.
    #[must_use]
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the function's name in [`Hook::file`].
    #[must_use]
    pub fn line(&self) -> u32 {
        self.line
    }

    /// What the function's arguments need at run time (state types, transaction, backend).
    #[must_use]
    pub fn requirements(&self) -> Requirements {
        let mut r = Requirements::default();
        (self.requirements)(&mut r);
        r
    }

    pub(crate) fn call<'a>(&self, parts: HookParts<'a>) -> BoxFuture<'a, HookResult> {
        (self.call)(parts)
    }
}

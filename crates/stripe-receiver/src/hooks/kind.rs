//! The five lifecycle hooks, as a value ([`HookKind`]) and as marker types ([`kinds`]) that
//! the argument trait is parameterized by, so that an argument a hook does not get is a compile
//! error.

use std::fmt;

/// One of the five lifecycle hooks (dj-stripe's webhook signals), in the order they fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    /// `webhook_pre_validate`: before signature validation. Outside the transaction.
    PreValidate,
    /// `webhook_post_validate`: after validation, whether it passed or not. Outside the
    /// transaction.
    PostValidate,
    /// `webhook_pre_process`: a valid delivery, inside the transaction, before the event row
    /// and the receivers.
    PreProcess,
    /// `webhook_post_process`: inside the transaction, after the receivers succeeded, right
    /// before the commit.
    PostProcess,
    /// `webhook_processing_error`: processing failed; after the rollback and after the failed
    /// delivery row is written. Outside the transaction.
    ProcessingError,
}

impl HookKind {
    /// Every hook, in firing order.
    pub const ALL: [Self; 5] = [
        Self::PreValidate,
        Self::PostValidate,
        Self::PreProcess,
        Self::PostProcess,
        Self::ProcessingError,
    ];

    /// The hook's name as written in `#[stripe_hook(...)]`: `webhook_pre_validate`, ...
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PreValidate => "webhook_pre_validate",
            Self::PostValidate => "webhook_post_validate",
            Self::PreProcess => "webhook_pre_process",
            Self::PostProcess => "webhook_post_process",
            Self::ProcessingError => "webhook_processing_error",
        }
    }

    /// Whether the hook runs inside the webhook's transaction (its writes commit or roll back
    /// with the event).
    #[must_use]
    pub const fn in_transaction(self) -> bool {
        matches!(self, Self::PreProcess | Self::PostProcess)
    }
}

impl fmt::Display for HookKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A marker type standing for one hook, named as the hook is (`kinds::webhook_post_process`).
/// Each marker is the [`Context`](crate::registration::Context) of its hook's arguments: the
/// argument trait [`HookArg`](super::HookArg) is implemented per marker, so that the compiler
/// refuses an argument the hook does not get, naming the hook.
pub trait HookMarker: crate::registration::Context {
    /// The hook this marker stands for.
    const KIND: HookKind;
}

/// The marker types of the five hooks; the expansion of `#[stripe_hook]` names them.
#[allow(non_camel_case_types)]
pub mod kinds {
    use super::{HookKind, HookMarker};

    macro_rules! markers {
        ($($name:ident => $kind:ident),+ $(,)?) => {$(
            #[doc = concat!("The `", stringify!($name), "` hook.")]
            #[derive(Debug)]
            pub enum $name {}
            impl HookMarker for $name {
                const KIND: HookKind = HookKind::$kind;
            }
            impl crate::registration::Context for $name {
                type Kind = crate::registration::kinds::hook;
            }
        )+};
    }

    markers! {
        webhook_pre_validate => PreValidate,
        webhook_post_validate => PostValidate,
        webhook_pre_process => PreProcess,
        webhook_post_process => PostProcess,
        webhook_processing_error => ProcessingError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_match_names() {
        assert_eq!(
            <kinds::webhook_pre_validate as HookMarker>::KIND.as_str(),
            "webhook_pre_validate"
        );
        assert_eq!(
            <kinds::webhook_processing_error as HookMarker>::KIND,
            HookKind::ProcessingError
        );
        let in_tx: Vec<_> = HookKind::ALL
            .into_iter()
            .filter(|k| k.in_transaction())
            .collect();
        assert_eq!(in_tx, [HookKind::PreProcess, HookKind::PostProcess]);
    }
}

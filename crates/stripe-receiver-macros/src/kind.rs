//! What differs between the three attributes: the [`Kind`] of registration, and its arguments
//! ([`KindArgs`]), dispatched to the per-kind modules ([`crate::receiver`], [`crate::hook`],
//! [`crate::job`]). Everything else — the fn's signature, the wrapper, the registration, the
//! `crate = "..."` override — is shared ([`crate::expand`], [`crate::attr`],
//! [`crate::signature`]).

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

use crate::attr::KeyValue;
use crate::errors::Errors;
use crate::hook::HookArgs;
use crate::job::JobArgs;
use crate::receiver::ReceiverArgs;

/// One of the three attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[stripe_receiver("type", ...)]`.
    Receiver,
    /// `#[stripe_hook(name)]`.
    Hook,
    /// `#[stripe_job("name")]`.
    Job,
}

impl Kind {
    /// The attribute as written: `#[stripe_receiver]`.
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Self::Receiver => "#[stripe_receiver]",
            Self::Hook => "#[stripe_hook]",
            Self::Job => "#[stripe_job]",
        }
    }

    /// How messages name the registered fns: `receivers`, `hooks`, `job fns`.
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Self::Receiver => "receivers",
            Self::Hook => "hooks",
            Self::Job => "job fns",
        }
    }

    /// An example fn, for the message on an item that is not a fn.
    pub(crate) fn example_fn(self) -> &'static str {
        match self {
            Self::Receiver => "`async fn on_charge(event: &Event) -> Result<(), BoxError>`",
            Self::Hook => "`async fn audit(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError>`",
            Self::Job => {
                "`async fn send_receipt(job: &Job, Payload(receipt): Payload<Receipt>) -> Result<(), BoxError>`"
            }
        }
    }

    /// Whether the fn may take the webhook's transaction (jobs run after the commit).
    pub(crate) fn takes_transaction(self) -> bool {
        self != Self::Job
    }

    /// The marker type of the runtime's registration kind, under `__private::kinds`.
    pub(crate) fn marker(self, private: &TokenStream) -> TokenStream {
        match self {
            Self::Receiver => quote!(#private::kinds::receiver),
            Self::Hook => quote!(#private::kinds::hook),
            Self::Job => quote!(#private::kinds::job),
        }
    }

    /// What the attribute takes, for the message on an unknown `key = value`.
    pub(crate) fn takes(self) -> &'static str {
        match self {
            Self::Receiver => {
                "event types as string literals, `unchecked(\"type\", ...)` and an optional \
                 `crate = \"path\"`, e.g. #[stripe_receiver(\"charge.succeeded\", crate = \
                 \"::my_crate::stripe_receiver\")]"
            }
            Self::Hook => {
                "the hook's name and an optional `crate = \"path\"`, e.g. \
                 #[stripe_hook(webhook_post_process)]"
            }
            Self::Job => {
                "the job's name as a string literal and an optional `crate = \"path\"`, e.g. \
                 #[stripe_job(\"send_receipt\")]"
            }
        }
    }

    /// An empty state of the kind's own arguments.
    pub(crate) fn args(self) -> KindArgs {
        match self {
            Self::Receiver => KindArgs::Receiver(ReceiverArgs::default()),
            Self::Hook => KindArgs::Hook(HookArgs::default()),
            Self::Job => KindArgs::Job(JobArgs::default()),
        }
    }
}

/// The kind's own arguments of one attribute (event types, the hook, the job name), filled
/// entry by entry by [`crate::attr::parse`].
pub(crate) enum KindArgs {
    /// The event types and the hidden `__builtin` flag.
    Receiver(ReceiverArgs),
    /// The hook.
    Hook(HookArgs),
    /// The job name.
    Job(JobArgs),
}

impl KindArgs {
    /// Handles one comma-separated entry that is not `crate = ...`.
    pub(crate) fn entry(&mut self, tokens: &[TokenTree], errors: &mut Errors) {
        match self {
            Self::Receiver(args) => args.entry(tokens, errors),
            Self::Hook(args) => args.entry(tokens, errors),
            Self::Job(args) => args.entry(tokens, errors),
        }
    }

    /// Handles `key = value` for a key the kind owns; `false` if it is not one of them.
    pub(crate) fn key_value(&mut self, entry: &KeyValue<'_>, errors: &mut Errors) -> bool {
        match self {
            Self::Receiver(args) => args.key_value(entry, errors),
            Self::Hook(_) | Self::Job(_) => false,
        }
    }

    /// Reports what is missing once every entry is handled (no event type, no hook name, no
    /// job name).
    pub(crate) fn finish(&mut self, errors: &mut Errors) {
        match self {
            Self::Receiver(args) => args.finish(errors),
            Self::Hook(args) => args.finish(errors),
            Self::Job(args) => args.finish(errors),
        }
    }

    /// What the fn's arguments are extracted for (`Arg<'a, context>`), if the attribute says
    /// it even with errors: always for receivers and jobs, for hooks once the hook is known.
    pub(crate) fn context(&self, private: &TokenStream) -> Option<TokenStream> {
        match self {
            Self::Receiver(_) => Some(Kind::Receiver.marker(private)),
            Self::Hook(args) => args.context(private),
            Self::Job(_) => Some(Kind::Job.marker(private)),
        }
    }

    /// The registration's data and the builder calls after `Registration::new(...)`. Only
    /// called when the attribute has no error.
    pub(crate) fn data(&self, private: &TokenStream) -> (TokenStream, TokenStream) {
        match self {
            Self::Receiver(args) => args.data(private),
            Self::Hook(args) => (args.data(private), TokenStream::new()),
            Self::Job(args) => (args.data(), TokenStream::new()),
        }
    }
}

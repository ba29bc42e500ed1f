//! The boxed types registered fns and the runtime exchange. A leaf: the transaction handle, the
//! registrations and the pipeline all name them, so they depend on nothing of this crate
//! (re-exported from [`crate::registration`], where users' expansions reach them).

use std::future::Future;
use std::pin::Pin;

/// The error type receivers, hooks and jobs may return: any `std::error::Error + Send + Sync`,
/// boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A boxed, `Send` future — what every registered fn returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

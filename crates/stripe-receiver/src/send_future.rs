//! Boxing an async receiver's future as `Send`, where the macro's expansion can point a
//! "future cannot be sent between threads safely" error at the receiver's own name.

use std::future::Future;

use crate::boxed::BoxFuture;

/// Boxes the future returned by an async receiver fn.
///
/// The expansion of `#[stripe_receiver]` calls this on the receiver's future in a statement
/// spanned at the fn's name, so that a future which is not `Send` (a `Rc` or a `MutexGuard`
/// held across an `.await`) is reported on the fn, with rustc's note naming the variable and
/// the `.await`. Past this call the wrapper holds a boxed `Send` future, so the same problem
/// is not reported a second time at the attribute.
#[doc(hidden)]
pub fn send_future<'f, F>(future: F) -> BoxFuture<'f, F::Output>
where
    F: Future + Send + 'f,
{
    Box::pin(future)
}

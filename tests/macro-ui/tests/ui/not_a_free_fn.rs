// Receivers are free, non-generic, safe fns.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded")]
unsafe fn generic_unsafe<T>(event: &Event, value: T) {
    let _ = (event, value);
}

#[stripe_receiver("charge.failed")]
struct NotAFn;

fn main() {}

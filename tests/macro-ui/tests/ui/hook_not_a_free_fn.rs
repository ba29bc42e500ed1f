// Hooks are free, non-generic, safe fns, as receivers are; every problem in one build, with the
// attribute's own (a second hook name).
use stripe_receiver::prelude::*;

#[stripe_hook(webhook_pre_validate, webhook_post_validate)]
unsafe extern "C" fn generic<T: Copy>(value: T, other: impl Copy) {
    let _ = (value, other);
}

fn main() {}

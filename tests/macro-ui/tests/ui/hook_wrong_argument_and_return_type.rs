// An argument no hook takes, and a return type no hook returns: each reported at its type.
use stripe_receiver::prelude::*;

#[stripe_hook(webhook_post_process)]
fn audit(event: &Event, amount: i64) -> Option<()> {
    let _ = (event, amount);
    None
}

fn main() {}

use stripe_receiver::prelude::*;

#[stripe_hook(webhook_post_proces)]
fn audit(event: &Event) {
    let _ = event;
}

fn main() {}

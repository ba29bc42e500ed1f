// The same event type twice: the error points at the second.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded", "charge.failed", "charge.succeeded")]
fn on_charge(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

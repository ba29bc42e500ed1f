// A malformed event type and an unquoted one.
use stripe_receiver::prelude::*;

#[stripe_receiver("Charge.Succeeded", charge.failed)]
fn on_charge(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

// No event type at all.
use stripe_receiver::prelude::*;

#[stripe_receiver]
fn on_nothing(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

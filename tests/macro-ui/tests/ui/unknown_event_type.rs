// A misspelled event type: the error points at the literal and suggests the real name.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeded")]
async fn on_charge(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

// A word too many in the event type: the real name is suggested.
use stripe_receiver::prelude::*;

#[stripe_receiver("payment_method.card_automatically_updated")]
fn on_card_updated(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

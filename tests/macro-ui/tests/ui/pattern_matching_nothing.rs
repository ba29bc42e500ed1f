// Family patterns that match no known event type: each is an error with a suggestion.
use stripe_receiver::prelude::*;

#[stripe_receiver("subscription.*", "invoices.*", "charge.succeeded.*")]
fn on_family(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

// A type the bundled list does not know, and no close name: the error names the escape hatch.
use stripe_receiver::prelude::*;

#[stripe_receiver("issuing_card.brand_new")]
fn on_brand_new(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

// The escape hatch takes string literals.
use stripe_receiver::prelude::*;

#[stripe_receiver(unchecked(brand_new.event))]
fn on_brand_new(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

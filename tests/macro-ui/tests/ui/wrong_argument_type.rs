// Argument types the runtime cannot provide: each is reported on its type.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded")]
async fn on_charge(event: Event, amount: i64) {
    println!("{} {amount}", event.id);
}

fn main() {}

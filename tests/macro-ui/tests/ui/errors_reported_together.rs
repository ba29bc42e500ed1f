// Problems in the attribute and in the signature are reported in one build.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeded", "invoice.payed")]
async fn on_charge(event: &Event, amount: i64) -> u32 {
    println!("{} {amount}", event.id);
    0
}

fn main() {}

// A receiver's future must be Send: here an Rc is held across an .await.
use std::rc::Rc;

use stripe_receiver::prelude::*;

async fn audit(_id: &str) {}

#[stripe_receiver("charge.succeeded")]
async fn on_charge(event: &Event) {
    let shared = Rc::new(event.id.clone());
    audit(&event.id).await;
    println!("{shared}");
}

fn main() {}

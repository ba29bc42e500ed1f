// An event type written without its family: the full name is suggested.
use stripe_receiver::prelude::*;

#[stripe_receiver("subscription.created")]
async fn on_subscription(event: &Event) {
    println!("{}", event.id);
}

fn main() {}

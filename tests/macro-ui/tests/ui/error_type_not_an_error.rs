// The error type must convert into BoxError (any std::error::Error + Send + Sync).
use stripe_receiver::prelude::*;

#[derive(Debug)]
struct NotAnError;

#[stripe_receiver("charge.succeeded")]
fn on_charge(event: &Event) -> Result<(), NotAnError> {
    println!("{}", event.id);
    Err(NotAnError)
}

fn main() {}

// Return types the runtime cannot use: each is reported on the return type.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded")]
async fn returns_a_number(event: &Event) -> u32 {
    event.id.len() as u32
}

#[stripe_receiver("charge.failed")]
fn returns_a_value_in_ok(event: &Event) -> Result<usize, BoxError> {
    Ok(event.id.len())
}

fn main() {}

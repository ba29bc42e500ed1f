// The transaction can be taken once: the second argument that takes it is refused.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded")]
async fn on_charge(event: &Event, tx: &mut Tx<'_>, again: &mut Tx<'_>) -> Result<(), BoxError> {
    let _ = (event, tx, again);
    Ok(())
}

fn main() {}

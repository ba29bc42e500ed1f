// A hook can take the transaction once, as a receiver: the second argument is refused.
use stripe_receiver::prelude::*;

#[stripe_hook(webhook_pre_process)]
async fn audit(tx: &mut Tx<'_>, conn: &mut stripe_receiver::sqlx::SqliteConnection) {
    let _ = (tx, conn);
}

fn main() {}

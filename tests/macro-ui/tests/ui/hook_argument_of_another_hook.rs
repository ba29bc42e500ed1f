use stripe_receiver::prelude::*;

// Before validation there is no event yet: `&Event` is not an argument of pre_validate.
#[stripe_hook(webhook_pre_validate)]
fn too_early(event: &Event) {
    let _ = event;
}

// The transaction is only for the hooks that run inside it (pre_process, post_process).
#[stripe_hook(webhook_processing_error)]
async fn after_the_rollback(tx: &mut Tx<'_>) {
    let _ = tx;
}

fn main() {}

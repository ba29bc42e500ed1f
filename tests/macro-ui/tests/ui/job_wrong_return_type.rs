// A job fn returns `()` or `Result<(), E: Into<BoxError>>`: reported at the return type.
use stripe_receiver::prelude::*;

#[stripe_job("send_receipt")]
async fn send_receipt(job: &Job) -> u32 {
    job.attempt
}

fn main() {}

// A job's attribute errors do not hide its type errors: both are reported in one build.
use stripe_receiver::prelude::*;

#[stripe_job("Send Receipt")]
async fn send_receipt(job: &Job, amount: i64) -> u32 {
    let _ = (job, amount);
    0
}

fn main() {}

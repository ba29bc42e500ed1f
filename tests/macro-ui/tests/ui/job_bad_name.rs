// A job has one name, a string literal of lowercase letters, digits, `_`, `-` and `.`; each
// problem is reported at its token, and the fn is still emitted (and type-checked).
use stripe_receiver::prelude::*;

#[stripe_job("Send Receipt")]
async fn spaces(job: &Job) {
    let _ = job;
}

#[stripe_job(send_receipt)]
async fn not_a_string(job: &Job) {
    let _ = job;
}

#[stripe_job("send_receipt", "resend_receipt")]
async fn two_names(job: &Job) {
    let _ = job;
}

#[stripe_job]
async fn no_name(job: &Job) {
    let _ = job;
}

#[stripe_job("send_receipt", retries = 3)]
async fn unknown_key(job: &Job) {
    let _ = job;
}

fn main() {
    // The fns are still emitted: calling them compiles.
    let _ = (spaces, not_a_string, two_names, no_name, unknown_key);
}

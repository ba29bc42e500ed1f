// Job fns are free, non-generic, safe fns, as receivers are.
use stripe_receiver::prelude::*;

#[stripe_job("send_receipt")]
unsafe fn generic_unsafe<T>(job: &Job, value: T) {
    let _ = (job, value);
}

struct Mailer;

impl Mailer {
    #[stripe_job("resend_receipt")]
    async fn method(&self, job: &Job) {
        let _ = job;
    }
}

#[stripe_job("send_receipt")]
struct NotAFn;

fn main() {}

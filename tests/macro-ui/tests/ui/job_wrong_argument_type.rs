// A job fn takes `&Job`, `Payload<T>`, `State<T>` and `&Db`: anything else is reported at its
// type, naming the job context. A job runs after its webhook: no event, no transaction.
use stripe_receiver::prelude::*;

#[stripe_job("send_receipt")]
async fn send_receipt(job: &Job, event: &Event, amount: i64) {
    let _ = (job, event, amount);
}

fn main() {}

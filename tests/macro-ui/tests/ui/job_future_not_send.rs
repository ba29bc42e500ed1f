// A job fn's future must be Send, as a receiver's: here an Rc is held across an .await.
use std::rc::Rc;

use stripe_receiver::prelude::*;

async fn mail(_id: &str) {}

#[stripe_job("send_receipt")]
async fn send_receipt(job: &Job) {
    let shared = Rc::new(job.id.to_string());
    mail(&shared).await;
    println!("{shared}");
}

fn main() {}

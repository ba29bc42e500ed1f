// A hook's future must be Send, as a receiver's: here an Rc is held across an .await.
use std::rc::Rc;

use stripe_receiver::prelude::*;

async fn log(_id: &str) {}

#[stripe_hook(webhook_post_process)]
async fn audit(event: &Event) {
    let shared = Rc::new(event.id.clone());
    log(&event.id).await;
    println!("{shared}");
}

fn main() {}

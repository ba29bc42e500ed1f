// State<T> needs a T that can be shared between threads.
use std::cell::Cell;

use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded")]
fn on_charge(event: &Event, counter: State<Cell<u32>>) {
    counter.set(counter.get() + 1);
    println!("{}", event.id);
}

fn main() {}

// What must compile: every argument form, patterns, the escape hatch, lifetimes, sync and async.
use stripe_receiver::prelude::*;

#[stripe_receiver("charge.succeeded", "charge.failed")]
async fn exact(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    let _ = (event, tx);
    Ok(())
}

#[stripe_receiver("*")]
fn everything(_: &Event) {}

#[stripe_receiver("customer.subscription.*", "invoice.*")]
async fn families<'t>(event: &Event, tx: &'t mut Tx<'t>) -> Result<(), std::io::Error> {
    let _ = (event, tx);
    Ok(())
}

#[stripe_receiver(
    "invoice.paid",
    unchecked("issuing_card.brand_new", "brand_new_family.*")
)]
async fn with_unchecked(State(name): State<String>, event: &Event) -> Result<(), String> {
    println!("{name} {}", event.id);
    Ok(())
}

#[stripe_receiver("payment_method.automatically_updated")]
async fn no_arguments() {}

fn main() {
    let registry = stripe_receiver::registry::Registry::from_inventory().expect("registry");
    let paths: Vec<&str> = registry.application_receivers().map(|r| r.path()).collect();
    assert_eq!(paths.len(), 5, "{paths:?}");
}

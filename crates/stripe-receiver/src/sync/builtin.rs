//! The built-in receivers: one per synced family, registered with the library's own
//! `#[stripe_receiver]` and its hidden `__builtin` flag, so that they run before every
//! application receiver of the same event (README "Run order"). Each function is named after
//! its family ([`ObjectKind::name`](super::kind::ObjectKind::name)), so its path reads
//! `stripe_receiver::sync::builtin::charges`. (Written out one by one: the attribute's generated
//! code cannot come from a `macro_rules!` expansion, whose hygiene hides its bindings.)

use super::kinds;
use super::sync_event;
use crate::{stripe_receiver, BoxError, Event, Tx};

/// `stripe_customers`.
#[stripe_receiver(
    "customer.created",
    "customer.updated",
    "customer.deleted",
    crate = "crate",
    __builtin
)]
async fn customers(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::CUSTOMERS, event, tx).await?;
    Ok(())
}

/// `stripe_charges`: `charge.*` events whose object is a charge.
#[stripe_receiver("charge.*", crate = "crate", __builtin)]
async fn charges(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::CHARGES, event, tx).await?;
    Ok(())
}

/// `stripe_refunds`.
#[stripe_receiver("refund.*", "charge.refund.updated", crate = "crate", __builtin)]
async fn refunds(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::REFUNDS, event, tx).await?;
    Ok(())
}

/// `stripe_disputes`.
#[stripe_receiver("charge.dispute.*", crate = "crate", __builtin)]
async fn disputes(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::DISPUTES, event, tx).await?;
    Ok(())
}

/// `stripe_payment_methods`.
#[stripe_receiver("payment_method.*", crate = "crate", __builtin)]
async fn payment_methods(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::PAYMENT_METHODS, event, tx).await?;
    Ok(())
}

/// `stripe_payment_intents`.
#[stripe_receiver("payment_intent.*", crate = "crate", __builtin)]
async fn payment_intents(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::PAYMENT_INTENTS, event, tx).await?;
    Ok(())
}

/// `stripe_setup_intents`.
#[stripe_receiver("setup_intent.*", crate = "crate", __builtin)]
async fn setup_intents(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::SETUP_INTENTS, event, tx).await?;
    Ok(())
}

/// `stripe_subscriptions`.
#[stripe_receiver("customer.subscription.*", crate = "crate", __builtin)]
async fn subscriptions(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::SUBSCRIPTIONS, event, tx).await?;
    Ok(())
}

/// `stripe_subscription_schedules`.
#[stripe_receiver("subscription_schedule.*", crate = "crate", __builtin)]
async fn subscription_schedules(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::SUBSCRIPTION_SCHEDULES, event, tx).await?;
    Ok(())
}

/// `stripe_invoices`.
#[stripe_receiver("invoice.*", crate = "crate", __builtin)]
async fn invoices(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::INVOICES, event, tx).await?;
    Ok(())
}

/// `stripe_invoice_items`.
#[stripe_receiver("invoiceitem.*", crate = "crate", __builtin)]
async fn invoice_items(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::INVOICE_ITEMS, event, tx).await?;
    Ok(())
}

/// `stripe_products`.
#[stripe_receiver("product.*", crate = "crate", __builtin)]
async fn products(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::PRODUCTS, event, tx).await?;
    Ok(())
}

/// `stripe_prices`.
#[stripe_receiver("price.*", crate = "crate", __builtin)]
async fn prices(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::PRICES, event, tx).await?;
    Ok(())
}

/// `stripe_plans`.
#[stripe_receiver("plan.*", crate = "crate", __builtin)]
async fn plans(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::PLANS, event, tx).await?;
    Ok(())
}

/// `stripe_coupons`.
#[stripe_receiver("coupon.*", crate = "crate", __builtin)]
async fn coupons(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::COUPONS, event, tx).await?;
    Ok(())
}

/// `stripe_promotion_codes`.
#[stripe_receiver("promotion_code.*", crate = "crate", __builtin)]
async fn promotion_codes(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::PROMOTION_CODES, event, tx).await?;
    Ok(())
}

/// `stripe_tax_rates`.
#[stripe_receiver("tax_rate.*", crate = "crate", __builtin)]
async fn tax_rates(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::TAX_RATES, event, tx).await?;
    Ok(())
}

/// `stripe_tax_ids`.
#[stripe_receiver("customer.tax_id.*", crate = "crate", __builtin)]
async fn tax_ids(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::TAX_IDS, event, tx).await?;
    Ok(())
}

/// `stripe_checkout_sessions`.
#[stripe_receiver("checkout.session.*", crate = "crate", __builtin)]
async fn checkout_sessions(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::CHECKOUT_SESSIONS, event, tx).await?;
    Ok(())
}

/// `stripe_accounts`.
#[stripe_receiver("account.updated", crate = "crate", __builtin)]
async fn accounts(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::ACCOUNTS, event, tx).await?;
    Ok(())
}

/// `stripe_external_accounts`: bank accounts and cards of connected accounts.
#[stripe_receiver("account.external_account.*", crate = "crate", __builtin)]
async fn external_accounts(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::EXTERNAL_ACCOUNTS, event, tx).await?;
    Ok(())
}

/// `stripe_payouts`.
#[stripe_receiver("payout.*", crate = "crate", __builtin)]
async fn payouts(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::PAYOUTS, event, tx).await?;
    Ok(())
}

/// `stripe_transfers`.
#[stripe_receiver("transfer.*", crate = "crate", __builtin)]
async fn transfers(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::TRANSFERS, event, tx).await?;
    Ok(())
}

/// `stripe_files`.
#[stripe_receiver("file.created", crate = "crate", __builtin)]
async fn files(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    sync_event(&kinds::FILES, event, tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::registry::Registry;
    use crate::sync::kinds::KINDS;

    #[test]
    fn one_builtin_receiver_per_family_named_after_it_and_run_first() {
        let registry = Registry::from_inventory().expect("registry");
        let builtins: Vec<&str> = registry
            .receivers()
            .iter()
            .take_while(|r| r.is_builtin())
            .map(|r| r.path())
            .collect();
        assert_eq!(builtins.len(), KINDS.len(), "{builtins:?}");
        for kind in KINDS {
            let path = format!("stripe_receiver::sync::builtin::{}", kind.name);
            assert!(builtins.contains(&path.as_str()), "{path} missing");
        }
        assert!(registry
            .receivers()
            .iter()
            .skip(KINDS.len())
            .all(|r| !r.is_builtin()));
    }
}

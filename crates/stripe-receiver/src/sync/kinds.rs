//! Every synced object type, declared once: table, object names, and the columns people query.
//! The migrations `20261129000010_synced_objects.sql` create exactly these tables (a unit test
//! compares them).
//!
//! A field Stripe moved between API versions is one column read from its current place first,
//! then from its older places (`moved(..)`, [`Column::fallbacks`]); a field the current version
//! dropped with no replacement inside the object keeps its old place and stays NULL for current
//! payloads. Both are checked against Stripe's current fixtures and old real deliveries (tests
//! below, `tests/api_shapes.rs`); the README's "Moved fields" lists them.

use super::kind::ColumnType::{Boolean as B, Float as F, Integer as I, Text as T};
use super::kind::{col, moved, Column, ObjectKind};

/// `stripe_customers` — `customer.created`, `.updated`, `.deleted` (soft delete: tombstone).
pub const CUSTOMERS: ObjectKind = ObjectKind {
    name: "customers",
    table: "stripe_customers",
    objects: &["customer"],
    implied_by: &["customer"],
    nested: true,
    columns: &[
        col("email", T, "/email"),
        col("name", T, "/name"),
        col("description", T, "/description"),
        col("currency", T, "/currency"),
        col("balance", I, "/balance"),
        col("delinquent", B, "/delinquent"),
        col(
            "default_payment_method",
            T,
            "/invoice_settings/default_payment_method",
        ),
    ],
};

/// `stripe_charges` — `charge.*` whose object is a charge.
pub const CHARGES: ObjectKind = ObjectKind {
    name: "charges",
    table: "stripe_charges",
    objects: &["charge"],
    implied_by: &["charge"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("amount", I, "/amount"),
        col("amount_captured", I, "/amount_captured"),
        col("amount_refunded", I, "/amount_refunded"),
        col("currency", T, "/currency"),
        col("status", T, "/status"),
        col("paid", B, "/paid"),
        col("captured", B, "/captured"),
        col("refunded", B, "/refunded"),
        col("disputed", B, "/disputed"),
        col("payment_intent", T, "/payment_intent"),
        col("payment_method", T, "/payment_method"),
        // Removed from charges in 2025-03-31.basil (invoice payments link them): NULL since.
        col("invoice", T, "/invoice"),
        col("failure_code", T, "/failure_code"),
        col("description", T, "/description"),
    ],
};

/// The columns of the two objects that move money back from a charge, refunds and disputes:
/// both name the charge and payment intent, an amount and currency, a status and a reason.
const CHARGE_ADJUSTMENT_COLUMNS: &[Column] = &[
    col("charge", T, "/charge"),
    col("payment_intent", T, "/payment_intent"),
    col("amount", I, "/amount"),
    col("currency", T, "/currency"),
    col("status", T, "/status"),
    col("reason", T, "/reason"),
];

/// `stripe_refunds` — `refund.*` and `charge.refund.updated`.
pub const REFUNDS: ObjectKind = ObjectKind {
    name: "refunds",
    table: "stripe_refunds",
    objects: &["refund"],
    implied_by: &["refund", "charge.refund"],
    nested: true,
    columns: CHARGE_ADJUSTMENT_COLUMNS,
};

/// `stripe_disputes` — `charge.dispute.*`.
pub const DISPUTES: ObjectKind = ObjectKind {
    name: "disputes",
    table: "stripe_disputes",
    objects: &["dispute"],
    implied_by: &["charge.dispute"],
    nested: true,
    columns: CHARGE_ADJUSTMENT_COLUMNS,
};

/// `stripe_payment_methods` — `payment_method.*` (`detached` clears the customer; a legacy
/// `card_...` id is deleted).
pub const PAYMENT_METHODS: ObjectKind = ObjectKind {
    name: "payment_methods",
    table: "stripe_payment_methods",
    objects: &["payment_method"],
    implied_by: &["payment_method"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("type", T, "/type"),
        col("card_brand", T, "/card/brand"),
        col("card_last4", T, "/card/last4"),
        col("card_exp_month", I, "/card/exp_month"),
        col("card_exp_year", I, "/card/exp_year"),
    ],
};

/// `stripe_payment_intents` — `payment_intent.*`.
pub const PAYMENT_INTENTS: ObjectKind = ObjectKind {
    name: "payment_intents",
    table: "stripe_payment_intents",
    objects: &["payment_intent"],
    implied_by: &["payment_intent"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("amount", I, "/amount"),
        col("amount_received", I, "/amount_received"),
        col("currency", T, "/currency"),
        col("status", T, "/status"),
        col("payment_method", T, "/payment_method"),
        // 2022-11-15 replaced the list `charges` (newest first) by `latest_charge`.
        moved("latest_charge", T, "/latest_charge", &["/charges/data/0"]),
        // Removed from payment intents in 2025-03-31.basil (invoice payments): NULL since.
        col("invoice", T, "/invoice"),
        col("description", T, "/description"),
    ],
};

/// `stripe_setup_intents` — `setup_intent.*`.
pub const SETUP_INTENTS: ObjectKind = ObjectKind {
    name: "setup_intents",
    table: "stripe_setup_intents",
    objects: &["setup_intent"],
    implied_by: &["setup_intent"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("status", T, "/status"),
        col("payment_method", T, "/payment_method"),
        col("usage", T, "/usage"),
    ],
};

/// `stripe_subscriptions` — `customer.subscription.*` (`deleted` keeps the row, status
/// `canceled`).
pub const SUBSCRIPTIONS: ObjectKind = ObjectKind {
    name: "subscriptions",
    table: "stripe_subscriptions",
    objects: &["subscription"],
    implied_by: &["customer.subscription"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("status", T, "/status"),
        // Older versions had no `currency`: every item of a subscription has its currency.
        moved(
            "currency",
            T,
            "/currency",
            &[
                "/items/data/0/price/currency",
                "/items/data/0/plan/currency",
                "/plan/currency",
            ],
        ),
        // Since 2025-03-31.basil each item has its own period: the first item's.
        moved(
            "current_period_start",
            I,
            "/items/data/0/current_period_start",
            &["/current_period_start"],
        ),
        moved(
            "current_period_end",
            I,
            "/items/data/0/current_period_end",
            &["/current_period_end"],
        ),
        col("cancel_at_period_end", B, "/cancel_at_period_end"),
        col("canceled_at", I, "/canceled_at"),
        col("ended_at", I, "/ended_at"),
        col("trial_end", I, "/trial_end"),
        col("latest_invoice", T, "/latest_invoice"),
        col("default_payment_method", T, "/default_payment_method"),
        col("schedule", T, "/schedule"),
    ],
};

/// `stripe_subscription_schedules` — `subscription_schedule.*`.
pub const SUBSCRIPTION_SCHEDULES: ObjectKind = ObjectKind {
    name: "subscription_schedules",
    table: "stripe_subscription_schedules",
    objects: &["subscription_schedule"],
    implied_by: &["subscription_schedule"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("subscription", T, "/subscription"),
        col("status", T, "/status"),
        col("end_behavior", T, "/end_behavior"),
        col("canceled_at", I, "/canceled_at"),
        col("completed_at", I, "/completed_at"),
        col("released_at", I, "/released_at"),
    ],
};

/// `stripe_invoices` — `invoice.*` (`invoice.upcoming` has no id and is ignored).
pub const INVOICES: ObjectKind = ObjectKind {
    name: "invoices",
    table: "stripe_invoices",
    objects: &["invoice"],
    implied_by: &["invoice"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        // Since 2025-03-31.basil under `parent` (what the invoice was created for).
        moved(
            "subscription",
            T,
            "/parent/subscription_details/subscription",
            &["/subscription"],
        ),
        col("status", T, "/status"),
        col("number", T, "/number"),
        col("currency", T, "/currency"),
        col("amount_due", I, "/amount_due"),
        col("amount_paid", I, "/amount_paid"),
        col("amount_remaining", I, "/amount_remaining"),
        col("total", I, "/total"),
        // `paid`, `charge` and `payment_intent` were removed in 2025-03-31.basil (`status` says
        // paid; the payments are `invoice_payment` objects): NULL since.
        col("paid", B, "/paid"),
        col("due_date", I, "/due_date"),
        col("billing_reason", T, "/billing_reason"),
        col("charge", T, "/charge"),
        col("payment_intent", T, "/payment_intent"),
    ],
};

/// `stripe_invoice_items` — `invoiceitem.*`.
pub const INVOICE_ITEMS: ObjectKind = ObjectKind {
    name: "invoice_items",
    table: "stripe_invoice_items",
    objects: &["invoiceitem"],
    implied_by: &["invoiceitem"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("invoice", T, "/invoice"),
        // Since 2025-03-31.basil under `parent` and `pricing`.
        moved(
            "subscription",
            T,
            "/parent/subscription_details/subscription",
            &["/subscription"],
        ),
        col("amount", I, "/amount"),
        col("currency", T, "/currency"),
        col("description", T, "/description"),
        moved("price", T, "/pricing/price_details/price", &["/price"]),
        col("period_start", I, "/period/start"),
        col("period_end", I, "/period/end"),
    ],
};

/// `stripe_products` — `product.*`.
pub const PRODUCTS: ObjectKind = ObjectKind {
    name: "products",
    table: "stripe_products",
    objects: &["product"],
    implied_by: &["product"],
    nested: true,
    columns: &[
        col("name", T, "/name"),
        col("active", B, "/active"),
        col("description", T, "/description"),
        col("type", T, "/type"),
        col("default_price", T, "/default_price"),
    ],
};

/// `stripe_prices` — `price.*`.
pub const PRICES: ObjectKind = ObjectKind {
    name: "prices",
    table: "stripe_prices",
    objects: &["price"],
    implied_by: &["price"],
    nested: true,
    columns: &[
        col("product", T, "/product"),
        col("active", B, "/active"),
        col("currency", T, "/currency"),
        col("unit_amount", I, "/unit_amount"),
        col("type", T, "/type"),
        col("recurring_interval", T, "/recurring/interval"),
        col("recurring_interval_count", I, "/recurring/interval_count"),
        col("lookup_key", T, "/lookup_key"),
        col("nickname", T, "/nickname"),
    ],
};

/// `stripe_plans` — `plan.*`.
pub const PLANS: ObjectKind = ObjectKind {
    name: "plans",
    table: "stripe_plans",
    objects: &["plan"],
    implied_by: &["plan"],
    nested: true,
    columns: &[
        col("product", T, "/product"),
        col("active", B, "/active"),
        col("amount", I, "/amount"),
        col("currency", T, "/currency"),
        col("interval", T, "/interval"),
        col("interval_count", I, "/interval_count"),
        col("nickname", T, "/nickname"),
    ],
};

/// `stripe_coupons` — `coupon.*`.
pub const COUPONS: ObjectKind = ObjectKind {
    name: "coupons",
    table: "stripe_coupons",
    objects: &["coupon"],
    implied_by: &["coupon"],
    nested: true,
    columns: &[
        col("name", T, "/name"),
        col("amount_off", I, "/amount_off"),
        col("percent_off", F, "/percent_off"),
        col("currency", T, "/currency"),
        col("duration", T, "/duration"),
        col("duration_in_months", I, "/duration_in_months"),
        col("valid", B, "/valid"),
        col("times_redeemed", I, "/times_redeemed"),
        col("max_redemptions", I, "/max_redemptions"),
        col("redeem_by", I, "/redeem_by"),
    ],
};

/// `stripe_promotion_codes` — `promotion_code.*`.
pub const PROMOTION_CODES: ObjectKind = ObjectKind {
    name: "promotion_codes",
    table: "stripe_promotion_codes",
    objects: &["promotion_code"],
    implied_by: &["promotion_code"],
    nested: true,
    columns: &[
        col("code", T, "/code"),
        // Since 2025-09-30.clover under `promotion` (an id; older versions expanded the coupon).
        moved("coupon", T, "/promotion/coupon", &["/coupon"]),
        col("customer", T, "/customer"),
        col("active", B, "/active"),
        col("times_redeemed", I, "/times_redeemed"),
        col("max_redemptions", I, "/max_redemptions"),
        col("expires_at", I, "/expires_at"),
    ],
};

/// `stripe_tax_rates` — `tax_rate.*`.
pub const TAX_RATES: ObjectKind = ObjectKind {
    name: "tax_rates",
    table: "stripe_tax_rates",
    objects: &["tax_rate"],
    implied_by: &["tax_rate"],
    nested: true,
    columns: &[
        col("display_name", T, "/display_name"),
        col("percentage", F, "/percentage"),
        col("inclusive", B, "/inclusive"),
        col("active", B, "/active"),
        col("country", T, "/country"),
        col("state", T, "/state"),
        col("jurisdiction", T, "/jurisdiction"),
        col("tax_type", T, "/tax_type"),
    ],
};

/// `stripe_tax_ids` — `customer.tax_id.*`.
pub const TAX_IDS: ObjectKind = ObjectKind {
    name: "tax_ids",
    table: "stripe_tax_ids",
    objects: &["tax_id"],
    implied_by: &["customer.tax_id"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("type", T, "/type"),
        col("value", T, "/value"),
        col("country", T, "/country"),
        col("verification_status", T, "/verification/status"),
    ],
};

/// `stripe_checkout_sessions` — `checkout.session.*`.
pub const CHECKOUT_SESSIONS: ObjectKind = ObjectKind {
    name: "checkout_sessions",
    table: "stripe_checkout_sessions",
    objects: &["checkout.session"],
    implied_by: &["checkout.session"],
    nested: true,
    columns: &[
        col("customer", T, "/customer"),
        col("customer_email", T, "/customer_details/email"),
        col("mode", T, "/mode"),
        col("status", T, "/status"),
        col("payment_status", T, "/payment_status"),
        col("payment_intent", T, "/payment_intent"),
        col("setup_intent", T, "/setup_intent"),
        col("subscription", T, "/subscription"),
        col("invoice", T, "/invoice"),
        col("amount_total", I, "/amount_total"),
        col("currency", T, "/currency"),
        col("client_reference_id", T, "/client_reference_id"),
        col("expires_at", I, "/expires_at"),
    ],
};

/// `stripe_accounts` — `account.updated` (Connect).
pub const ACCOUNTS: ObjectKind = ObjectKind {
    name: "accounts",
    table: "stripe_accounts",
    objects: &["account"],
    implied_by: &["account"],
    nested: true,
    columns: &[
        col("type", T, "/type"),
        col("email", T, "/email"),
        col("country", T, "/country"),
        col("default_currency", T, "/default_currency"),
        col("business_type", T, "/business_type"),
        col("charges_enabled", B, "/charges_enabled"),
        col("payouts_enabled", B, "/payouts_enabled"),
        col("details_submitted", B, "/details_submitted"),
    ],
};

/// `stripe_external_accounts` — `account.external_account.*`: bank accounts and cards of
/// connected accounts (`object` says which).
pub const EXTERNAL_ACCOUNTS: ObjectKind = ObjectKind {
    name: "external_accounts",
    table: "stripe_external_accounts",
    objects: &["bank_account", "card"],
    implied_by: &[],
    nested: false,
    columns: &[
        col("owner_account", T, "/account"),
        col("currency", T, "/currency"),
        col("country", T, "/country"),
        col("last4", T, "/last4"),
        col("bank_name", T, "/bank_name"),
        col("brand", T, "/brand"),
        col("status", T, "/status"),
        col("default_for_currency", B, "/default_for_currency"),
    ],
};

/// `stripe_payouts` — `payout.*`.
pub const PAYOUTS: ObjectKind = ObjectKind {
    name: "payouts",
    table: "stripe_payouts",
    objects: &["payout"],
    implied_by: &["payout"],
    nested: true,
    columns: &[
        col("amount", I, "/amount"),
        col("currency", T, "/currency"),
        col("status", T, "/status"),
        col("arrival_date", I, "/arrival_date"),
        col("method", T, "/method"),
        col("type", T, "/type"),
        col("destination", T, "/destination"),
        col("automatic", B, "/automatic"),
        col("failure_code", T, "/failure_code"),
    ],
};

/// `stripe_transfers` — `transfer.*`.
pub const TRANSFERS: ObjectKind = ObjectKind {
    name: "transfers",
    table: "stripe_transfers",
    objects: &["transfer"],
    implied_by: &["transfer"],
    nested: true,
    columns: &[
        col("amount", I, "/amount"),
        col("amount_reversed", I, "/amount_reversed"),
        col("currency", T, "/currency"),
        col("destination", T, "/destination"),
        col("destination_payment", T, "/destination_payment"),
        col("source_transaction", T, "/source_transaction"),
        col("transfer_group", T, "/transfer_group"),
        col("reversed", B, "/reversed"),
    ],
};

/// `stripe_files` — `file.created`.
pub const FILES: ObjectKind = ObjectKind {
    name: "files",
    table: "stripe_files",
    objects: &["file"],
    implied_by: &["file"],
    nested: true,
    columns: &[
        col("purpose", T, "/purpose"),
        col("filename", T, "/filename"),
        col("size", I, "/size"),
        col("type", T, "/type"),
        col("url", T, "/url"),
        col("expires_at", I, "/expires_at"),
    ],
};

/// Every synced object type, in the order of the README's table.
pub static KINDS: [&ObjectKind; 24] = [
    &CUSTOMERS,
    &CHARGES,
    &REFUNDS,
    &DISPUTES,
    &PAYMENT_METHODS,
    &PAYMENT_INTENTS,
    &SETUP_INTENTS,
    &SUBSCRIPTIONS,
    &SUBSCRIPTION_SCHEDULES,
    &INVOICES,
    &INVOICE_ITEMS,
    &PRODUCTS,
    &PRICES,
    &PLANS,
    &COUPONS,
    &PROMOTION_CODES,
    &TAX_RATES,
    &TAX_IDS,
    &CHECKOUT_SESSIONS,
    &ACCOUNTS,
    &EXTERNAL_ACCOUNTS,
    &PAYOUTS,
    &TRANSFERS,
    &FILES,
];

/// The table holding objects whose `object` member is `object` (`"charge"`), if any.
#[must_use]
pub fn by_object(object: &str) -> Option<&'static ObjectKind> {
    KINDS.iter().copied().find(|kind| kind.holds(object))
}

/// The type a CLI user names: an object name (`charge`, `checkout.session`, `bank_account`) or
/// a family name (`charges`, `checkout_sessions`).
#[must_use]
pub fn by_name(name: &str) -> Option<&'static ObjectKind> {
    by_object(name).or_else(|| KINDS.iter().copied().find(|kind| kind.name == name))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::{json, Map, Value};

    use super::*;
    use crate::sync::snapshot::{ColumnValue, Snapshot};
    use crate::Event;

    /// Stripe's own objects in the current API shape (2026): `fixtures3.json`, kept with its
    /// source line in the test server's crate (`crates/stripe-api-test-server/data/README.md`).
    fn fixtures() -> Map<String, Value> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../stripe-api-test-server/data/fixtures3.json");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut all: Value = serde_json::from_str(&text).expect("fixtures3.json is JSON");
        match all.get_mut("resources").map(Value::take) {
            Some(Value::Object(resources)) => resources,
            _ => panic!("fixtures3.json has no \"resources\" object"),
        }
    }

    /// The real deliveries of old API versions (2017-2020): `$STRIPE_RECEIVER_SHARED_EVENTS`
    /// (the harness's variable), else `../shared/data/events` beside the repository; `None`
    /// (and a line on stderr) when neither is there.
    fn old_events() -> Option<Vec<(String, Value)>> {
        let dir = std::env::var_os("STRIPE_RECEIVER_SHARED_EVENTS").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/events"),
            PathBuf::from,
        );
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!(
                "old payloads: {} is not there; their column check was SKIPPED",
                dir.display()
            );
            return None;
        };
        let mut events: Vec<(String, Value)> = entries
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("readable payload");
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, serde_json::from_str(&text).expect("JSON payload"))
            })
            .collect();
        events.sort_by(|a, b| a.0.cmp(&b.0));
        Some(events)
    }

    /// The names of `kind`'s columns that are NULL in the row `object` writes (the sync's own
    /// extraction, types included).
    fn null_columns(kind: &'static ObjectKind, object: &Value) -> Vec<&'static str> {
        let name = object["object"].as_str().expect("an object member");
        let event: Event = serde_json::from_value(json!({
            "id": "evt_shapes", "type": format!("{name}.updated"), "created": 1_700_000_000,
            "data": {"object": object}
        }))
        .expect("event");
        let snapshot = Snapshot::new(kind, name, object, &event).expect("an id");
        kind.columns
            .iter()
            .zip(&snapshot.values)
            .filter(|(_, value)| {
                matches!(
                    value,
                    ColumnValue::Text(None)
                        | ColumnValue::Integer(None)
                        | ColumnValue::Float(None)
                        | ColumnValue::Boolean(None)
                )
            })
            .map(|(column, _)| column.name)
            .collect()
    }

    /// Whether `pointer` names a member `object` has (null or not).
    fn has_member(object: &Value, pointer: &str) -> bool {
        object.pointer(pointer).is_some()
    }

    /// Per fixture object: the columns NULL because the fixture's value is null (placeholders),
    /// and those NULL because the current shape has no such member anywhere the column reads.
    /// Every other column holds a value. The second list is what the README's "Moved fields"
    /// says stays NULL on current versions (and the Connect-only or card-only members of
    /// external accounts; the invoice item's price is absent only because the fixture's
    /// `pricing` has no `price_details`).
    const EXPECTED_NULLS: &[(&str, &[&str], &[&str])] = &[
        (
            "customer",
            &["email", "name", "description", "default_payment_method"],
            &[],
        ),
        (
            "charge",
            &["customer", "payment_intent", "failure_code"],
            &["invoice"],
        ),
        ("refund", &["payment_intent", "reason"], &[]),
        ("dispute", &["payment_intent"], &[]),
        ("payment_method", &["customer"], &[]),
        (
            "payment_intent",
            &["customer", "payment_method", "latest_charge", "description"],
            &["invoice"],
        ),
        ("setup_intent", &["customer", "payment_method"], &[]),
        (
            "subscription",
            &["latest_invoice", "default_payment_method", "schedule"],
            &[],
        ),
        ("subscription_schedule", &["subscription"], &[]),
        (
            "invoice",
            &["number"],
            &["paid", "charge", "payment_intent"],
        ),
        ("invoiceitem", &["invoice"], &["price"]),
        ("product", &[], &[]),
        ("price", &["lookup_key", "nickname"], &[]),
        ("plan", &["nickname"], &[]),
        ("coupon", &["amount_off", "max_redemptions"], &[]),
        (
            "promotion_code",
            &["coupon", "customer", "max_redemptions"],
            &[],
        ),
        ("tax_rate", &["state"], &[]),
        ("tax_id", &[], &[]),
        (
            "checkout.session",
            &[
                "customer",
                "setup_intent",
                "subscription",
                "invoice",
                "amount_total",
                "currency",
                "client_reference_id",
            ],
            &[],
        ),
        ("account", &["business_type"], &[]),
        (
            "bank_account",
            &[],
            &["owner_account", "brand", "default_for_currency"],
        ),
        (
            "card",
            &[],
            &[
                "owner_account",
                "currency",
                "bank_name",
                "status",
                "default_for_currency",
            ],
        ),
        ("payout", &["failure_code"], &[]),
        ("transfer", &["source_transaction", "transfer_group"], &[]),
        ("file", &[], &[]),
    ];

    #[test]
    fn every_column_reads_the_current_shape() {
        let fixtures = fixtures();
        let objects: Vec<&str> = KINDS
            .iter()
            .flat_map(|k| k.objects.iter().copied())
            .collect();
        let listed: Vec<&str> = EXPECTED_NULLS.iter().map(|(o, _, _)| *o).collect();
        assert_eq!(
            listed, objects,
            "one entry per synced object type, in KINDS order"
        );
        for (name, null_values, absent) in EXPECTED_NULLS {
            let kind = by_object(name).expect("a synced type");
            let object = fixtures
                .get(*name)
                .unwrap_or_else(|| panic!("Stripe's fixtures have no {name}"));
            let mut expected: Vec<&str> =
                null_values.iter().chain(absent.iter()).copied().collect();
            let mut nulls = null_columns(kind, object);
            expected.sort_unstable();
            nulls.sort_unstable();
            assert_eq!(nulls, expected, "NULL columns of the {name} fixture");
            for column in kind.columns {
                let anywhere = std::iter::once(column.pointer)
                    .chain(column.fallbacks.iter().copied())
                    .any(|pointer| has_member(object, pointer));
                assert_eq!(
                    anywhere,
                    !absent.contains(&column.name),
                    "{name}.{}: whether the current shape has the member",
                    column.name
                );
            }
        }
    }

    /// Members found elsewhere in an object under a NULL column's name that hold another fact:
    /// (object, column, where). A payment or setup intent drops its payment method when the
    /// attempt fails (the failed one is in the error and the charge); a checkout session's
    /// shipping cost and currency conversion have amounts of their own.
    const OTHER_FACTS: &[(&str, &str, &str)] = &[
        (
            "payment_intent",
            "payment_method",
            "/last_payment_error/payment_method",
        ),
        (
            "payment_intent",
            "payment_method",
            "/charges/data/0/payment_method",
        ),
        (
            "setup_intent",
            "payment_method",
            "/last_setup_error/payment_method",
        ),
        (
            "checkout.session",
            "amount_total",
            "/shipping_cost/amount_total",
        ),
        (
            "checkout.session",
            "amount_total",
            "/currency_conversion/amount_total",
        ),
    ];

    /// Where in `value` a non-null, non-list member named one of `names` sits (JSON pointers).
    fn members_named(value: &Value, names: &[&str], at: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(members) => {
                for (key, member) in members {
                    let here = format!("{at}/{key}");
                    if names.contains(&key.as_str()) && !member.is_null() && !member.is_array() {
                        found.push(here.clone());
                    }
                    members_named(member, names, &here, found);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    members_named(item, names, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }

    /// A NULL column whose value the object holds under another path is a field that moved
    /// and a column that missed it.
    fn misses(source: &str, object: &Value) -> Vec<String> {
        let Some(name) = object["object"].as_str() else {
            return Vec::new();
        };
        let Some(kind) = by_object(name) else {
            return Vec::new();
        };
        let mut missed = Vec::new();
        for null in null_columns(kind, object) {
            let column = kind.columns.iter().find(|c| c.name == null).unwrap();
            let mut names = vec![column.name];
            names.extend(
                std::iter::once(column.pointer)
                    .chain(column.fallbacks.iter().copied())
                    .filter_map(|pointer| pointer.rsplit('/').next()),
            );
            let mut found = Vec::new();
            members_named(object, &names, "", &mut found);
            found.retain(|at| !OTHER_FACTS.contains(&(name, null, at.as_str())));
            if !found.is_empty() {
                missed.push(format!(
                    "{source}: {name}.{null} is NULL, but {found:?} hold it"
                ));
            }
        }
        missed
    }

    #[test]
    fn no_column_misses_a_value_the_object_has() {
        let mut missed = Vec::new();
        for (name, object) in fixtures() {
            missed.extend(misses(&format!("fixture {name}"), &object));
        }
        if let Some(events) = old_events() {
            let mut checked = 0;
            for (file, event) in &events {
                let object = &event["data"]["object"];
                checked += usize::from(object["object"].as_str().and_then(by_object).is_some());
                missed.extend(misses(file, object));
            }
            assert!(
                checked >= 30,
                "only {checked} old payloads hold a synced object"
            );
        }
        assert!(missed.is_empty(), "{missed:#?}");
    }

    #[test]
    fn a_moved_column_is_named_after_a_top_level_member() {
        // The typed models read a moved field under the column's name
        // (`ObjectKind::with_moved_fields`), so that name must be one of its places.
        for kind in KINDS {
            for column in kind.columns.iter().filter(|c| c.moved()) {
                let top = format!("/{}", column.name);
                assert!(
                    column.pointer == top || column.fallbacks.contains(&top.as_str()),
                    "{}.{} reads {:?} then {:?}",
                    kind.table,
                    column.name,
                    column.pointer,
                    column.fallbacks
                );
            }
        }
    }

    #[test]
    fn a_moved_field_is_read_in_either_place() {
        let new = json!({"id": "sub_1", "items": {"data": [{"current_period_start": 10}]}});
        let old = json!({"id": "sub_1", "current_period_start": 20, "items": {"data": [{}]}});
        let column = SUBSCRIPTIONS
            .columns
            .iter()
            .find(|c| c.name == "current_period_start")
            .unwrap();
        assert_eq!(column.find(&new), Some(&json!(10)));
        assert_eq!(column.find(&old), Some(&json!(20)));
        assert_eq!(column.find(&json!({"current_period_start": null})), None);
        let typed = SUBSCRIPTIONS.with_moved_fields(&new);
        assert_eq!(typed["current_period_start"], 10);
        assert_eq!(typed["items"], new["items"], "other members are left alone");
        assert_eq!(
            SUBSCRIPTIONS.with_moved_fields(&old),
            old,
            "already in place"
        );
        // Where both places hold a value, the typed read follows the column: the current place.
        let both = json!({
            "id": "in_1", "subscription": "sub_top_level",
            "parent": {"subscription_details": {"subscription": "sub_parent"}}
        });
        assert_eq!(
            INVOICES.with_moved_fields(&both)["subscription"],
            "sub_parent"
        );
    }
}

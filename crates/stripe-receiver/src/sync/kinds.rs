//! Every synced object type, declared once: table, object names, and the columns people query.
//! The migrations `20261129000010_synced_objects.sql` create exactly these tables (a unit test
//! compares them).

use super::kind::ColumnType::{Boolean as B, Float as F, Integer as I, Text as T};
use super::kind::{col, Column, ObjectKind};

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
        col("latest_charge", T, "/latest_charge"),
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
        col("currency", T, "/currency"),
        col("current_period_start", I, "/current_period_start"),
        col("current_period_end", I, "/current_period_end"),
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
        col("subscription", T, "/subscription"),
        col("status", T, "/status"),
        col("number", T, "/number"),
        col("currency", T, "/currency"),
        col("amount_due", I, "/amount_due"),
        col("amount_paid", I, "/amount_paid"),
        col("amount_remaining", I, "/amount_remaining"),
        col("total", I, "/total"),
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
        col("subscription", T, "/subscription"),
        col("amount", I, "/amount"),
        col("currency", T, "/currency"),
        col("description", T, "/description"),
        col("price", T, "/price"),
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
        col("coupon", T, "/coupon"),
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

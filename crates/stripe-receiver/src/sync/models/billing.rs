//! Billing: subscriptions and schedules, invoices and items, products, prices, plans, coupons,
//! promotion codes, tax rates, tax ids.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::enums::{InvoiceStatus, SubscriptionScheduleStatus, SubscriptionStatus};
use super::lenient::{id_or_object, metadata};

/// A subscription (`sub_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Subscription {
    /// `sub_...`.
    pub id: String,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// Status (`canceled` after `customer.subscription.deleted`).
    pub status: Option<SubscriptionStatus>,
    /// ISO currency code, lowercase (its items' prices' in API versions before it had one).
    pub currency: Option<String>,
    /// Start of the current period, Unix seconds: the first item's since API version
    /// `2025-03-31.basil`, the subscription's before (README "Moved fields").
    pub current_period_start: Option<i64>,
    /// End of the current period, Unix seconds: the first item's since `2025-03-31.basil`.
    pub current_period_end: Option<i64>,
    /// Whether it cancels at the period's end.
    pub cancel_at_period_end: Option<bool>,
    /// When it was canceled, Unix seconds.
    pub canceled_at: Option<i64>,
    /// When it ended, Unix seconds.
    pub ended_at: Option<i64>,
    /// End of the trial, Unix seconds.
    pub trial_end: Option<i64>,
    /// The latest invoice's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub latest_invoice: Option<String>,
    /// The default payment method's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub default_payment_method: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A subscription schedule (`sub_sched_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionSchedule {
    /// `sub_sched_...`.
    pub id: String,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// The subscription's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub subscription: Option<String>,
    /// Status.
    pub status: Option<SubscriptionScheduleStatus>,
    /// `release`, `cancel`, ...
    pub end_behavior: Option<String>,
    /// When it was canceled, Unix seconds.
    pub canceled_at: Option<i64>,
    /// When it was released, Unix seconds.
    pub released_at: Option<i64>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// An invoice (`in_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Invoice {
    /// `in_...`.
    pub id: String,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// The subscription's id: `parent.subscription_details.subscription` since API version
    /// `2025-03-31.basil`, `subscription` before (README "Moved fields").
    #[serde(default, deserialize_with = "id_or_object")]
    pub subscription: Option<String>,
    /// Status.
    pub status: Option<InvoiceStatus>,
    /// The invoice number.
    pub number: Option<String>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// Amount due, smallest unit.
    pub amount_due: Option<i64>,
    /// Amount paid, smallest unit.
    pub amount_paid: Option<i64>,
    /// Amount remaining, smallest unit.
    pub amount_remaining: Option<i64>,
    /// Total, smallest unit.
    pub total: Option<i64>,
    /// Whether it is paid (API versions before `2025-03-31.basil`, which removed it: `None`
    /// since; `status` is `paid`).
    pub paid: Option<bool>,
    /// Due date, Unix seconds.
    pub due_date: Option<i64>,
    /// Why it was created (`subscription_cycle`, `manual`, ...).
    pub billing_reason: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// An invoice item (`ii_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InvoiceItem {
    /// `ii_...`.
    pub id: String,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// The invoice's id, once invoiced.
    #[serde(default, deserialize_with = "id_or_object")]
    pub invoice: Option<String>,
    /// Amount, smallest unit.
    pub amount: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A product (`prod_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Product {
    /// `prod_...`.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Whether it can be bought.
    pub active: Option<bool>,
    /// Description.
    pub description: Option<String>,
    /// The default price's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub default_price: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A price (`price_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Price {
    /// `price_...`.
    pub id: String,
    /// The product's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub product: Option<String>,
    /// Whether it can be used for new purchases.
    pub active: Option<bool>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// Unit amount, smallest unit.
    pub unit_amount: Option<i64>,
    /// `one_time` or `recurring`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Lookup key.
    pub lookup_key: Option<String>,
    /// Nickname.
    pub nickname: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A plan (the older form of a recurring price).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Plan {
    /// The plan's id.
    pub id: String,
    /// The product's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub product: Option<String>,
    /// Whether it can be used for new purchases.
    pub active: Option<bool>,
    /// Amount per interval, smallest unit.
    pub amount: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// `day`, `week`, `month`, `year`.
    pub interval: Option<String>,
    /// Intervals between billings.
    pub interval_count: Option<i64>,
    /// Nickname.
    pub nickname: Option<String>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A coupon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Coupon {
    /// The coupon's id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Fixed discount, smallest unit.
    pub amount_off: Option<i64>,
    /// Percentage discount (e.g. `25.5`).
    pub percent_off: Option<f64>,
    /// Currency of `amount_off`.
    pub currency: Option<String>,
    /// `once`, `repeating`, `forever`.
    pub duration: Option<String>,
    /// Whether it can still be applied.
    pub valid: Option<bool>,
    /// Times it was applied.
    pub times_redeemed: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A promotion code (`promo_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PromotionCode {
    /// `promo_...`.
    pub id: String,
    /// The code customers type.
    pub code: Option<String>,
    /// The coupon's id: `promotion.coupon` since API version `2025-09-30.clover`, `coupon`
    /// (expanded) before (README "Moved fields").
    #[serde(default, deserialize_with = "id_or_object")]
    pub coupon: Option<String>,
    /// Whether it can be used.
    pub active: Option<bool>,
    /// Times it was used.
    pub times_redeemed: Option<i64>,
    /// Expiry, Unix seconds.
    pub expires_at: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A tax rate (`txr_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaxRate {
    /// `txr_...`.
    pub id: String,
    /// Name shown to customers.
    pub display_name: Option<String>,
    /// Percentage, e.g. `19.0`.
    pub percentage: Option<f64>,
    /// Whether prices include it.
    pub inclusive: Option<bool>,
    /// Whether it can be applied.
    pub active: Option<bool>,
    /// Two-letter country code.
    pub country: Option<String>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A customer's tax id (`txi_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaxId {
    /// `txi_...`.
    pub id: String,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// `eu_vat`, `us_ein`, ...
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// The tax id's value.
    pub value: Option<String>,
    /// Two-letter country code.
    pub country: Option<String>,
}

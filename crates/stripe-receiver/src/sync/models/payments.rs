//! Payments: charges, refunds, disputes, payment methods, payment intents, setup intents.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::enums::{
    ChargeStatus, DisputeStatus, PaymentIntentStatus, RefundStatus, SetupIntentStatus,
};
use super::lenient::{id_or_object, metadata};

/// A charge (`ch_...`, `py_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Charge {
    /// `ch_...`.
    pub id: String,
    /// Amount intended to be collected, in the currency's smallest unit.
    pub amount: Option<i64>,
    /// Amount captured, smallest unit.
    pub amount_captured: Option<i64>,
    /// Amount refunded, smallest unit.
    pub amount_refunded: Option<i64>,
    /// Three-letter ISO code, lowercase.
    pub currency: Option<String>,
    /// The customer's id (expanded or not).
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// `succeeded`, `pending`, `failed`, or another value.
    pub status: Option<ChargeStatus>,
    /// Whether the charge succeeded or was authorized.
    pub paid: Option<bool>,
    /// Whether it was captured.
    pub captured: Option<bool>,
    /// Whether it was fully refunded.
    pub refunded: Option<bool>,
    /// Whether it was disputed.
    pub disputed: Option<bool>,
    /// The payment intent's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_intent: Option<String>,
    /// The payment method's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_method: Option<String>,
    /// The invoice's id (API versions before `2025-03-31.basil`, which removed it: `None`
    /// since; invoice payments link the two).
    #[serde(default, deserialize_with = "id_or_object")]
    pub invoice: Option<String>,
    /// Error code of a failed charge.
    pub failure_code: Option<String>,
    /// Error message of a failed charge.
    pub failure_message: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Email the receipt went to.
    pub receipt_email: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Live or test mode.
    pub livemode: Option<bool>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A refund (`re_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Refund {
    /// `re_...`.
    pub id: String,
    /// Amount, smallest unit.
    pub amount: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// The refunded charge's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub charge: Option<String>,
    /// The payment intent's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_intent: Option<String>,
    /// Status.
    pub status: Option<RefundStatus>,
    /// `duplicate`, `fraudulent`, `requested_by_customer`, ...
    pub reason: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A dispute (`dp_...`, `du_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dispute {
    /// `dp_...`.
    pub id: String,
    /// Disputed amount, smallest unit.
    pub amount: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// The disputed charge's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub charge: Option<String>,
    /// The payment intent's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_intent: Option<String>,
    /// Status.
    pub status: Option<DisputeStatus>,
    /// The cardholder's reason (`fraudulent`, `product_not_received`, ...).
    pub reason: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// The card details of a payment method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Card {
    /// `visa`, `mastercard`, ...
    pub brand: Option<String>,
    /// Last four digits.
    pub last4: Option<String>,
    /// Expiry month, 1–12.
    pub exp_month: Option<i64>,
    /// Expiry year, four digits.
    pub exp_year: Option<i64>,
    /// Two-letter country code.
    pub country: Option<String>,
    /// `credit`, `debit`, `prepaid`, `unknown`.
    pub funding: Option<String>,
}

/// A payment method (`pm_...`, or a legacy `card_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentMethod {
    /// `pm_...`.
    pub id: String,
    /// `card`, `sepa_debit`, `us_bank_account`, ...
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// The customer it is attached to; `None` once detached.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// Card details, for `type == "card"`.
    pub card: Option<Card>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A payment intent (`pi_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentIntent {
    /// `pi_...`.
    pub id: String,
    /// Amount, smallest unit.
    pub amount: Option<i64>,
    /// Amount received, smallest unit.
    pub amount_received: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// Status.
    pub status: Option<PaymentIntentStatus>,
    /// The payment method's id (expanded or not).
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_method: Option<String>,
    /// The latest charge's id (the first of the list `charges` before API version
    /// `2022-11-15`).
    #[serde(default, deserialize_with = "id_or_object")]
    pub latest_charge: Option<String>,
    /// The invoice's id (API versions before `2025-03-31.basil`, which removed it: `None`
    /// since; invoice payments link the two).
    #[serde(default, deserialize_with = "id_or_object")]
    pub invoice: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A setup intent (`seti_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SetupIntent {
    /// `seti_...`.
    pub id: String,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// Status.
    pub status: Option<SetupIntentStatus>,
    /// The payment method's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_method: Option<String>,
    /// `on_session` or `off_session`.
    pub usage: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

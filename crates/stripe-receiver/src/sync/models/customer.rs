//! Customers, checkout sessions, files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::enums::CheckoutSessionStatus;
use super::lenient::{id_or_object, metadata};

/// A customer (`cus_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Customer {
    /// `cus_...`.
    pub id: String,
    /// Email address.
    pub email: Option<String>,
    /// Full name or business name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Default currency, lowercase ISO code.
    pub currency: Option<String>,
    /// Balance, smallest unit (negative: credit).
    pub balance: Option<i64>,
    /// Whether the latest invoice is unpaid.
    pub delinquent: Option<bool>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A Checkout Session (`cs_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CheckoutSession {
    /// `cs_...`.
    pub id: String,
    /// `payment`, `setup` or `subscription`.
    pub mode: Option<String>,
    /// Status.
    pub status: Option<CheckoutSessionStatus>,
    /// `paid`, `unpaid`, `no_payment_required`.
    pub payment_status: Option<String>,
    /// The customer's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    /// The payment intent's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_intent: Option<String>,
    /// The subscription's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub subscription: Option<String>,
    /// Your reference.
    pub client_reference_id: Option<String>,
    /// Total, smallest unit.
    pub amount_total: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// An uploaded file (`file_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct File {
    /// `file_...`.
    pub id: String,
    /// `dispute_evidence`, `identity_document`, ...
    pub purpose: Option<String>,
    /// The file's name.
    pub filename: Option<String>,
    /// Size in bytes.
    pub size: Option<i64>,
    /// `pdf`, `jpg`, ...
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Where to download it (needs the secret key).
    pub url: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
}

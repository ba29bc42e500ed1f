//! Connect: accounts and their external accounts, payouts, transfers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::enums::PayoutStatus;
use super::lenient::{id_or_object, metadata};

/// A connected account (`acct_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Account {
    /// `acct_...`.
    pub id: String,
    /// `standard`, `express`, `custom`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Two-letter country code.
    pub country: Option<String>,
    /// Default currency, lowercase ISO code.
    pub default_currency: Option<String>,
    /// Whether it can create charges.
    pub charges_enabled: Option<bool>,
    /// Whether Stripe can pay it out.
    pub payouts_enabled: Option<bool>,
    /// Whether onboarding details were submitted.
    pub details_submitted: Option<bool>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A connected account's bank account (`ba_...`) or card (`card_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExternalAccount {
    /// `ba_...` or `card_...`.
    pub id: String,
    /// `bank_account` or `card`.
    pub object: Option<String>,
    /// The owning account's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub account: Option<String>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// Two-letter country code.
    pub country: Option<String>,
    /// Last four digits.
    pub last4: Option<String>,
    /// Bank name (bank accounts).
    pub bank_name: Option<String>,
    /// Card brand (cards).
    pub brand: Option<String>,
    /// Bank account status (`new`, `verified`, `errored`, ...).
    pub status: Option<String>,
    /// Whether it is the default for its currency.
    pub default_for_currency: Option<bool>,
}

/// A payout (`po_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Payout {
    /// `po_...`.
    pub id: String,
    /// Amount, smallest unit.
    pub amount: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// Status.
    pub status: Option<PayoutStatus>,
    /// Expected arrival, Unix seconds.
    pub arrival_date: Option<i64>,
    /// `standard` or `instant`.
    pub method: Option<String>,
    /// The destination's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub destination: Option<String>,
    /// Failure code, if it failed.
    pub failure_code: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

/// A transfer (`tr_...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Transfer {
    /// `tr_...`.
    pub id: String,
    /// Amount, smallest unit.
    pub amount: Option<i64>,
    /// Amount reversed, smallest unit.
    pub amount_reversed: Option<i64>,
    /// ISO currency code, lowercase.
    pub currency: Option<String>,
    /// The destination account's id.
    #[serde(default, deserialize_with = "id_or_object")]
    pub destination: Option<String>,
    /// Whether it was fully reversed.
    pub reversed: Option<bool>,
    /// Transfer group.
    pub transfer_group: Option<String>,
    /// Creation time, Unix seconds.
    pub created: Option<i64>,
    /// Your key-value pairs.
    #[serde(default, deserialize_with = "metadata")]
    pub metadata: BTreeMap<String, String>,
}

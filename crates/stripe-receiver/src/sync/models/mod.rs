//! Typed Stripe objects as the read API returns them (`tx.charge(id)` gives a [`Charge`]).
//!
//! They are deliberately lenient, because the stored object is whatever API version the
//! event was rendered in:
//! - every field but `id` is optional (`Option`, or an empty map for `metadata`), so an old
//!   payload that lacks a field still reads;
//! - members the struct does not name are ignored (the whole object stays available as
//!   [`Synced::data`](super::Synced::data));
//! - enums carry an `Other(String)` variant for any value they do not know, a new status or
//!   even `"self"`;
//! - a field that may be expanded (`customer` as `"cus_..."` or as a customer object) reads as
//!   the id.
//!
//! Amounts are integers in the currency's smallest unit (cents); times are Unix seconds.

mod billing;
mod connect;
mod customer;
mod enums;
mod lenient;
mod payments;

pub use billing::{
    Coupon, Invoice, InvoiceItem, Plan, Price, Product, PromotionCode, Subscription,
    SubscriptionSchedule, TaxId, TaxRate,
};
pub use connect::{Account, ExternalAccount, Payout, Transfer};
pub use customer::{CheckoutSession, Customer, File};
pub use enums::{
    ChargeStatus, CheckoutSessionStatus, DisputeStatus, InvoiceStatus, PaymentIntentStatus,
    PayoutStatus, RefundStatus, SetupIntentStatus, SubscriptionScheduleStatus, SubscriptionStatus,
};
pub use payments::{Card, Charge, Dispute, PaymentIntent, PaymentMethod, Refund, SetupIntent};

//! Status enums that accept values they do not know (`Other(String)`).

/// Declares a string enum with the known values of a Stripe field and an `Other(String)`
/// variant for any other value; (de)serializes as the plain string.
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $value:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* #[doc = concat!("Stripe's `", $value, "`.")] $variant,)+
            /// A value this version does not know, as Stripe sent it.
            Other(String),
        }

        impl $name {
            /// The value as Stripe spells it.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Other(value) => value,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::from(&*value))
            }
        }
    };
}

open_enum! {
    /// `charge.status`.
    ChargeStatus { Succeeded = "succeeded", Pending = "pending", Failed = "failed", }
}

open_enum! {
    /// `refund.status`.
    RefundStatus {
        Pending = "pending", RequiresAction = "requires_action", Succeeded = "succeeded",
        Failed = "failed", Canceled = "canceled",
    }
}

open_enum! {
    /// `dispute.status`.
    DisputeStatus {
        WarningNeedsResponse = "warning_needs_response", WarningUnderReview = "warning_under_review",
        WarningClosed = "warning_closed", NeedsResponse = "needs_response",
        UnderReview = "under_review", Won = "won", Lost = "lost",
    }
}

open_enum! {
    /// `payment_intent.status`.
    PaymentIntentStatus {
        RequiresPaymentMethod = "requires_payment_method",
        RequiresConfirmation = "requires_confirmation", RequiresAction = "requires_action",
        Processing = "processing", RequiresCapture = "requires_capture", Canceled = "canceled",
        Succeeded = "succeeded",
    }
}

open_enum! {
    /// `setup_intent.status`.
    SetupIntentStatus {
        RequiresPaymentMethod = "requires_payment_method",
        RequiresConfirmation = "requires_confirmation", RequiresAction = "requires_action",
        Processing = "processing", Canceled = "canceled", Succeeded = "succeeded",
    }
}

open_enum! {
    /// `subscription.status`.
    SubscriptionStatus {
        Incomplete = "incomplete", IncompleteExpired = "incomplete_expired", Trialing = "trialing",
        Active = "active", PastDue = "past_due", Canceled = "canceled", Unpaid = "unpaid",
        Paused = "paused",
    }
}

open_enum! {
    /// `subscription_schedule.status`.
    SubscriptionScheduleStatus {
        NotStarted = "not_started", Active = "active", Completed = "completed",
        Released = "released", Canceled = "canceled",
    }
}

open_enum! {
    /// `invoice.status`.
    InvoiceStatus {
        Draft = "draft", Open = "open", Paid = "paid", Uncollectible = "uncollectible",
        Void = "void",
    }
}

open_enum! {
    /// `checkout.session.status`.
    CheckoutSessionStatus { Open = "open", Complete = "complete", Expired = "expired", }
}

open_enum! {
    /// `payout.status`.
    PayoutStatus {
        Paid = "paid", Pending = "pending", InTransit = "in_transit", Canceled = "canceled",
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::SubscriptionStatus;

    #[test]
    fn known_unknown_and_self() {
        let parsed: Vec<SubscriptionStatus> =
            serde_json::from_str(r#"["active", "paused_for_lunch", "self"]"#).unwrap();
        assert_eq!(parsed[0], SubscriptionStatus::Active);
        assert_eq!(
            parsed[1],
            SubscriptionStatus::Other("paused_for_lunch".into())
        );
        assert_eq!(parsed[2].as_str(), "self");
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"["active","paused_for_lunch","self"]"#
        );
    }
}

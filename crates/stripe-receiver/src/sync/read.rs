//! The read API: synced objects by id, typed, in the webhook's transaction (`tx.charge(id)`).

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::kind::ObjectKind;
use super::kinds;
use super::models::{
    Account, Charge, CheckoutSession, Coupon, Customer, Dispute, ExternalAccount, File, Invoice,
    InvoiceItem, PaymentIntent, PaymentMethod, Payout, Plan, Price, Product, PromotionCode, Refund,
    SetupIntent, Subscription, SubscriptionSchedule, TaxId, TaxRate, Transfer,
};
use crate::db::{dispatch, sql};
use crate::Tx;

/// A typed synced object: which table holds it.
pub trait SyncedObject: DeserializeOwned + Send + 'static {
    /// The object type's declaration (table, columns).
    const KIND: &'static ObjectKind;
}

/// A synced row: the typed object (`Deref`s to it, so `charge.amount` works) and what the sync
/// knows about it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Synced<T> {
    /// The object, typed.
    pub object: T,
    /// The whole object as last written (every member, including those `T` does not name).
    pub data: serde_json::Value,
    /// The connected account whose event wrote it; `None` for the platform's own.
    pub account: Option<String>,
    /// Tombstone: a `*.deleted` event was received (a soft-deleted customer, a deleted
    /// product...). The row keeps the last known state.
    pub deleted: bool,
    /// The deleting event's `created`, Unix seconds.
    pub deleted_at: Option<i64>,
    /// The event that last wrote the row.
    pub event_id: String,
    /// That event's `created`, Unix seconds.
    pub event_created: i64,
    /// When the row was last written (our clock).
    pub synced_at: DateTime<Utc>,
}

impl<T> std::ops::Deref for Synced<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.object
    }
}

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No row with this id (in the scope asked for): the object was never synced, or its
    /// events went to a disabled family.
    #[error("no synced {object} {id}")]
    NotFound {
        /// The object type (`charge`).
        object: &'static str,
        /// The id asked for.
        id: String,
    },
    /// The stored object does not deserialize into the typed struct (a field of an unexpected
    /// JSON type); [`Objects::find_json`] still reads it.
    #[error("synced {object} {id} does not deserialize: {source}")]
    Decode {
        /// The object type.
        object: &'static str,
        /// The id.
        id: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// The database error.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Which account's rows a read may return.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// Any (Stripe ids are unique across accounts).
    Any,
    /// The platform's own (no `account`).
    Platform,
    /// One connected account's.
    Account(String),
}

/// A reader of synced objects in the webhook's transaction, optionally scoped to an account:
/// `tx.objects().account("acct_1").find::<Charge>("ch_1")`.
pub struct Objects<'t, 'c> {
    tx: &'t mut Tx<'c>,
    scope: Scope,
}

/// A synced table's row as both backends return it (`data` read as text; the columns
/// `data, account, deleted, deleted_at, event_id, event_created, synced_at`), before its object
/// is typed. The CLI's listings read it too (`query.rs`).
pub(super) struct SyncedRow(pub(super) Synced<()>);

impl<'r, R> sqlx::FromRow<'r, R> for SyncedRow
where
    R: sqlx::Row,
    &'r str: sqlx::ColumnIndex<R>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        let text: String = row.try_get("data")?;
        // The stored object: the JSON of `data` (or, if it is not JSON, its text as a string).
        let data = match serde_json::from_str(&text) {
            Ok(data) => data,
            Err(_) => serde_json::Value::String(text),
        };
        Ok(Self(Synced {
            object: (),
            data,
            account: row.try_get("account")?,
            deleted: row.try_get("deleted")?,
            deleted_at: row.try_get("deleted_at")?,
            event_id: row.try_get("event_id")?,
            event_created: row.try_get("event_created")?,
            synced_at: row.try_get("synced_at")?,
        }))
    }
}

impl<T> Synced<T> {
    /// The same row with `object` in place of this one.
    fn with_object<U>(self, object: U) -> Synced<U> {
        Synced {
            object,
            data: self.data,
            account: self.account,
            deleted: self.deleted,
            deleted_at: self.deleted_at,
            event_id: self.event_id,
            event_created: self.event_created,
            synced_at: self.synced_at,
        }
    }
}

impl<'c> Tx<'c> {
    /// A reader of synced objects, unscoped (see [`Objects::account`]).
    pub fn objects(&mut self) -> Objects<'_, 'c> {
        Objects {
            tx: self,
            scope: Scope::Any,
        }
    }
}

impl Objects<'_, '_> {
    /// Only rows written by events of the connected account `account` (`acct_...`).
    #[must_use]
    pub fn account(mut self, account: &str) -> Self {
        self.scope = Scope::Account(account.to_owned());
        self
    }

    /// Only the platform's own rows (events without `account`).
    #[must_use]
    pub fn platform(mut self) -> Self {
        self.scope = Scope::Platform;
        self
    }

    /// The synced object `id`, tombstones included (check [`Synced::deleted`]).
    ///
    /// # Errors
    /// [`ReadError::NotFound`] when there is no such row in scope, [`ReadError::Decode`],
    /// [`ReadError::Database`].
    pub async fn get<T: SyncedObject>(self, id: &str) -> Result<Synced<T>, ReadError> {
        self.find(id).await?.ok_or_else(|| ReadError::NotFound {
            object: T::KIND.object_name(),
            id: id.to_owned(),
        })
    }

    /// Like [`Objects::get`], with `None` for a missing row.
    ///
    /// # Errors
    /// [`ReadError::Decode`], [`ReadError::Database`].
    pub async fn find<T: SyncedObject>(self, id: &str) -> Result<Option<Synced<T>>, ReadError> {
        let Some(SyncedRow(row)) = self.row(T::KIND, id).await? else {
            return Ok(None);
        };
        // Fields Stripe moved are read where the current API version puts them, as the
        // columns are (README "Moved fields").
        let object =
            serde_json::from_value(T::KIND.with_moved_fields(&row.data)).map_err(|source| {
                ReadError::Decode {
                    object: T::KIND.object_name(),
                    id: id.to_owned(),
                    source,
                }
            })?;
        Ok(Some(row.with_object(object)))
    }

    /// The row `id` of `kind`'s table, untyped (`object` is the stored JSON).
    ///
    /// # Errors
    /// [`ReadError::Database`].
    pub async fn find_json(
        self,
        kind: &'static ObjectKind,
        id: &str,
    ) -> Result<Option<Synced<serde_json::Value>>, ReadError> {
        Ok(self.row(kind, id).await?.map(|SyncedRow(row)| {
            let object = row.data.clone();
            row.with_object(object)
        }))
    }

    /// The row `id` of `kind`'s table in scope.
    async fn row(
        self,
        kind: &'static ObjectKind,
        id: &str,
    ) -> Result<Option<SyncedRow>, ReadError> {
        let (scope_sql, scoped_account) = match &self.scope {
            Scope::Any => ("", None),
            Scope::Platform => (" AND account IS NULL", None),
            Scope::Account(account) => (" AND account = ", Some(account.as_str())),
        };
        let table = kind.table;
        let row: Option<SyncedRow> = dispatch!(TxConn, self.tx.conn_mut(), |conn, D| {
            let sql = format!(
                "SELECT {data}, account, deleted, deleted_at, event_id, event_created, synced_at \
                 FROM {table} WHERE id = $1{scope_sql}{}",
                if scoped_account.is_some() { "$2" } else { "" },
                data = sql!(D; {text data}),
            );
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id);
            if let Some(account) = scoped_account {
                query = query.bind(account);
            }
            query.fetch_optional(&mut **conn).await?
        });
        Ok(row)
    }
}

/// Declares each typed object's table and its `Tx` shorthand (`tx.charge(id)`).
macro_rules! typed_objects {
    ($($method:ident => $ty:ident, $kind:ident;)+) => {
        $(
            impl SyncedObject for $ty {
                const KIND: &'static ObjectKind = &kinds::$kind;
            }
        )+

        impl Tx<'_> {
            $(
                #[doc = concat!(
                    "The synced [`", stringify!($ty), "`] with this `id`, in any account, ",
                    "tombstones included. ",
                    "Same as `tx.objects().get::<", stringify!($ty), ">(id)`.\n\n",
                    "# Errors\n[`ReadError::NotFound`] when it was never synced, ",
                    "[`ReadError::Decode`], [`ReadError::Database`]."
                )]
                pub async fn $method(&mut self, id: &str) -> Result<Synced<$ty>, ReadError> {
                    self.objects().get::<$ty>(id).await
                }
            )+
        }
    };
}

typed_objects! {
    customer => Customer, CUSTOMERS;
    charge => Charge, CHARGES;
    refund => Refund, REFUNDS;
    dispute => Dispute, DISPUTES;
    payment_method => PaymentMethod, PAYMENT_METHODS;
    payment_intent => PaymentIntent, PAYMENT_INTENTS;
    setup_intent => SetupIntent, SETUP_INTENTS;
    subscription => Subscription, SUBSCRIPTIONS;
    subscription_schedule => SubscriptionSchedule, SUBSCRIPTION_SCHEDULES;
    invoice => Invoice, INVOICES;
    invoice_item => InvoiceItem, INVOICE_ITEMS;
    product => Product, PRODUCTS;
    price => Price, PRICES;
    plan => Plan, PLANS;
    coupon => Coupon, COUPONS;
    promotion_code => PromotionCode, PROMOTION_CODES;
    tax_rate => TaxRate, TAX_RATES;
    tax_id => TaxId, TAX_IDS;
    checkout_session => CheckoutSession, CHECKOUT_SESSIONS;
    account => Account, ACCOUNTS;
    external_account => ExternalAccount, EXTERNAL_ACCOUNTS;
    payout => Payout, PAYOUTS;
    transfer => Transfer, TRANSFERS;
    file => File, FILES;
}

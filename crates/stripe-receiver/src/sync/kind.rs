//! The declarative description of a synced object type: its table, the objects it holds, and
//! the columns extracted from the object for queries. One [`ObjectKind`] per table drives the
//! upsert SQL of both backends, the read API and the CLI; nothing is written per table by hand.

use serde_json::Value;

/// How a column's value is read from the object's JSON and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A string (SQLite `TEXT`, PostgreSQL `text`). An expanded object in that place (e.g.
    /// `"customer": {"id": "cus_...", ...}`) stores its `id`; anything else stores NULL.
    Text,
    /// An integer (SQLite `INTEGER`, PostgreSQL `bigint`): amounts in the currency's smallest
    /// unit, Unix timestamps in seconds, counts. Anything else stores NULL.
    Integer,
    /// A number with a fraction (SQLite `REAL`, PostgreSQL `double precision`), e.g. a tax
    /// rate's `percentage`. Anything else stores NULL.
    Float,
    /// A boolean (SQLite `INTEGER` 0/1, PostgreSQL `boolean`). Anything else stores NULL.
    Boolean,
}

/// One column extracted from the object.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The column's name in the table.
    pub name: &'static str,
    /// Its type.
    pub ty: ColumnType,
    /// Where the value sits in the object, as a JSON pointer (RFC 6901): `/amount`,
    /// `/card/brand`. For a field Stripe moved between API versions, where the current version
    /// puts it (`/items/data/0/current_period_start` for a subscription's period since
    /// `2025-03-31.basil`).
    pub pointer: &'static str,
    /// Where older API versions put the same value, tried in order when [`Column::pointer`]
    /// holds nothing (absent or null): `["/current_period_start"]`. Empty for a field that did
    /// not move. README "Synced objects", "Moved fields" lists them.
    pub fallbacks: &'static [&'static str],
}

impl Column {
    /// The value this column reads from `object`: the first of [`Column::pointer`], then each
    /// of [`Column::fallbacks`], that is present and not null. `None` when none is (the column
    /// is NULL).
    #[must_use]
    pub fn find<'v>(&self, object: &'v Value) -> Option<&'v Value> {
        std::iter::once(self.pointer)
            .chain(self.fallbacks.iter().copied())
            .find_map(|pointer| object.pointer(pointer).filter(|v| !v.is_null()))
    }

    /// Whether Stripe moved this field between API versions (it has [`Column::fallbacks`]).
    #[must_use]
    pub fn moved(&self) -> bool {
        !self.fallbacks.is_empty()
    }
}

/// A synced object type: one table `stripe_<plural>`.
///
/// Every table has the common columns below, then [`ObjectKind::columns`]:
///
/// | column | meaning |
/// |---|---|
/// | `id` | Stripe's id (primary key) |
/// | `object` | the object's `object` member (`charge`; `bank_account` or `card` for external accounts) |
/// | `account` | the event's `account` (`acct_...`) for Connect events, NULL for the platform's own |
/// | `livemode` | the object's `livemode` (the event's when the object has none) |
/// | `created` | the object's `created`, Unix seconds, NULL when it has none |
/// | `metadata` | the object's `metadata` as JSON, NULL when it has none |
/// | `data` | the whole object as last written, JSON |
/// | `deleted`, `deleted_at` | tombstone: set by a `*.deleted` event, `deleted_at` is that event's `created` (Unix seconds) |
/// | `event_created`, `event_id` | the event that last wrote the row: the ordering guard |
/// | `event_rank` | that event's rank within its second (`*.created` 0, other changes 1, `*.deleted` 2): the ordering guard |
/// | `synced_at` | when the row was last written (our clock) |
#[derive(Debug)]
pub struct ObjectKind {
    /// The family's name, also the table's suffix and the CLI's `--type` value in plural
    /// (`charges`).
    pub name: &'static str,
    /// The table, `stripe_<name>`.
    pub table: &'static str,
    /// The values of the object's `object` member this table holds (`["charge"]`;
    /// `["bank_account", "card"]` for external accounts). The first one names the type in the
    /// CLI (`--type charge`).
    pub objects: &'static [&'static str],
    /// Event families (an event type without its last segment, `charge.dispute` for
    /// `charge.dispute.created`) whose `data.object`, when it lacks an `object` member (old
    /// payloads), is taken to be of this type.
    pub implied_by: &'static [&'static str],
    /// Whether a full object of this type found inside another event's object (a price in a
    /// subscription's items, an expanded payment method) is synced too. External accounts are
    /// not: a `card` nested in a charge is a customer's card, not a Connect account's.
    pub nested: bool,
    /// The columns extracted for queries, after the common ones.
    pub columns: &'static [Column],
}

impl ObjectKind {
    /// Whether this table holds objects whose `object` member is `object`.
    #[must_use]
    pub fn holds(&self, object: &str) -> bool {
        self.objects.contains(&object)
    }

    /// `object` as the typed models read it: each moved column's value (what
    /// [`Column::find`] reads, so the same as the column) put at the top-level member named like
    /// the column, where older API versions had it and the models look
    /// (`current_period_start` of a current subscription is its first item's). Members of
    /// columns that read nothing, and all other members, are left alone.
    #[must_use]
    pub(crate) fn with_moved_fields(&self, object: &Value) -> Value {
        let mut out = object.clone();
        let Value::Object(members) = &mut out else {
            return out;
        };
        for column in self.columns.iter().filter(|c| c.moved()) {
            if let Some(value) = column.find(object) {
                members.insert(column.name.to_owned(), value.clone());
            }
        }
        out
    }

    /// The object type name the CLI shows and accepts (`charge`, `checkout.session`).
    #[must_use]
    pub fn object_name(&self) -> &'static str {
        self.objects[0]
    }

    /// The Stripe API path that retrieves object `id` of this type (`/v1/customers/cus_...`,
    /// Stripe API reference, "Retrieve" of each resource); an external account's needs the
    /// connected `account` it belongs to. `None` when there is no such path (an external
    /// account without its account). `id` must already be a valid Stripe id.
    #[must_use]
    pub fn api_path(&self, id: &str, account: Option<&str>) -> Option<String> {
        let collection = match self.name {
            "invoice_items" => "invoiceitems",
            "checkout_sessions" => "checkout/sessions",
            "external_accounts" => {
                return account
                    .map(|account| format!("/v1/accounts/{account}/external_accounts/{id}"));
            }
            name => name,
        };
        Some(format!("/v1/{collection}/{id}"))
    }
}

/// Builds a [`Column`] read from one place; keeps the tables in [`super::kinds`] short.
pub(crate) const fn col(name: &'static str, ty: ColumnType, pointer: &'static str) -> Column {
    Column {
        name,
        ty,
        pointer,
        fallbacks: &[],
    }
}

/// Builds a [`Column`] for a field Stripe moved: read at `pointer` (the current API version's
/// place), else at each of `fallbacks` (older versions' places) in order.
pub(crate) const fn moved(
    name: &'static str,
    ty: ColumnType,
    pointer: &'static str,
    fallbacks: &'static [&'static str],
) -> Column {
    Column {
        name,
        ty,
        pointer,
        fallbacks,
    }
}

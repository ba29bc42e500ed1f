//! A receiver's own SQL, run in the webhook's transaction on whichever backend it is:
//! [`Tx::query`], [`Tx::query_as`] and [`Tx::query_scalar`].
//!
//! The same receiver runs on SQLite (the default, for development) and on PostgreSQL (for
//! production) when it writes its SQL once, in the form both accept:
//!
//! - **Placeholders** are `$1`, `$2`, ... (PostgreSQL's form; sqlx's SQLite driver reads `$N` as
//!   the N-th bound value too). `?` and `?N` work on SQLite only.
//! - **Values** are any type both backends encode ([`PortableEncode`]): `&str`/`String`, `i16`,
//!   `i32`, `i64`, `f32`, `f64`, `bool`, `Vec<u8>`/`&[u8]`, `serde_json::Value` and
//!   `sqlx::types::Json<T>`, `chrono` dates and times, `uuid::Uuid`, and `Option` of each (`None`
//!   binds `NULL`).
//! - **Results** are a [`Row`] read by column name or position, a type deriving `sqlx::FromRow`
//!   ([`Tx::query_as`]), or the first column of each row ([`Tx::query_scalar`]).
//! - **Errors** are [`sqlx::Error`], so `?` turns them into the receiver's error, which rolls the
//!   whole webhook back.
//!
//! Both backends treat the values alike:
//!
//! - **A placeholder without a value** is an error: PostgreSQL refuses it
//!   ([`sqlx::Error::Database`]); on SQLite, whose driver would bind `NULL`, the statement is
//!   prepared first (into the connection's statement cache, where running it finds it) and the
//!   count of its placeholders checked ([`sqlx::Error::InvalidArgument`]).
//! - **A value beyond the placeholders** is ignored, as PostgreSQL does.
//! - **A column that may be `NULL`** is read as `Option<T>`. Reading `NULL` into a plain `T` is
//!   [`sqlx::Error::ColumnDecode`] on PostgreSQL, but sqlx's SQLite driver returns the type's
//!   empty value (`0`, `""`, `false`) there, so declare such columns `NOT NULL` or read them as
//!   `Option`.
//!
//! The SQL string is `&'static str` or [`sqlx::AssertSqlSafe`], as for `sqlx::query`: data goes
//! in bound values, never into the string. What differs between the backends beyond
//! placeholders (types in DDL, functions such as `now()`, how values are stored, see
//! [`PortableEncode`]) is the SQL's business; the native connections ([`Tx::sqlite`],
//! [`Tx::postgres`]) remain for what one backend alone has, and for `sqlx::query!`.

use std::marker::PhantomData;

use sqlx::error::BoxDynError;
#[cfg(feature = "postgres")]
use sqlx::postgres::{PgArguments, PgRow};
#[cfg(feature = "sqlite")]
use sqlx::sqlite::{SqliteArguments, SqliteRow};
#[cfg(feature = "sqlite")]
use sqlx::Sqlite;
use sqlx::{Arguments, Row as _, SqlSafeStr, SqlStr};
use sqlx::{ColumnIndex, Decode, Encode, FromRow, Type};
#[cfg(feature = "sqlite")]
use sqlx::{Either, Executor, SqliteConnection, Statement};
#[cfg(feature = "postgres")]
use sqlx::{PgConnection, Postgres};

use crate::db::TxConn;
use crate::tx::Tx;

/// Declares a trait whose supertraits are one bound per backend this build has (the `sqlite`
/// and `postgres` features), implemented for every type that meets them.
macro_rules! for_each_backend {
    (
        $(#[$doc:meta])*
        pub trait $name:ident $(<$lt:lifetime>)? : sqlite($($sqlite:tt)+), postgres($($postgres:tt)+);
    ) => {
        $(#[$doc])*
        #[cfg(all(feature = "sqlite", feature = "postgres"))]
        pub trait $name $(<$lt>)? : $($sqlite)+ + $($postgres)+ {}
        #[cfg(all(feature = "sqlite", feature = "postgres"))]
        impl<$($lt,)? T> $name $(<$lt>)? for T where T: $($sqlite)+ + $($postgres)+ {}

        $(#[$doc])*
        #[cfg(all(feature = "sqlite", not(feature = "postgres")))]
        pub trait $name $(<$lt>)? : $($sqlite)+ {}
        #[cfg(all(feature = "sqlite", not(feature = "postgres")))]
        impl<$($lt,)? T> $name $(<$lt>)? for T where T: $($sqlite)+ {}

        $(#[$doc])*
        #[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
        pub trait $name $(<$lt>)? : $($postgres)+ {}
        #[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
        impl<$($lt,)? T> $name $(<$lt>)? for T where T: $($postgres)+ {}
    };
}

for_each_backend! {
    /// A value [`Query::bind`] accepts: one that both backends encode (each backend this build
    /// has: the `sqlite` and `postgres` features). Implemented for every such type; not meant to
    /// be implemented by hand.
    ///
    /// How the common types are stored (the column types to declare on each backend):
    ///
    /// | Rust | SQLite | PostgreSQL |
    /// |---|---|---|
    /// | `&str`, `String` | `TEXT` | `TEXT` (also `VARCHAR`) |
    /// | `i64` (`i32`, `i16`) | `INTEGER` | `BIGINT` (`INTEGER`, `SMALLINT`) |
    /// | `f64` (`f32`) | `REAL` | `DOUBLE PRECISION` (`REAL`) |
    /// | `bool` | `INTEGER`, 0 or 1 (a column declared `BOOLEAN` holds that) | `BOOLEAN` |
    /// | `Vec<u8>`, `&[u8]` | `BLOB` | `BYTEA` |
    /// | `serde_json::Value`, `Json<T>` | `TEXT` holding the JSON | `JSONB` |
    /// | `chrono::DateTime<Utc>` | `TEXT`, RFC 3339 with offset (`2024-05-01T12:00:00.500+00:00`) | `TIMESTAMPTZ` (microseconds) |
    /// | `Option<T>` | as `T`, `None` is `NULL` | as `T`, `None` is `NULL` |
    ///
    /// A type one backend alone encodes does not satisfy it: an unsigned integer (SQLite only),
    /// an array or a range (PostgreSQL only). Bind those on the native connection
    /// (`Tx::sqlite`, `Tx::postgres`).
    pub trait PortableEncode<'v>:
        sqlite(Encode<'v, Sqlite> + Type<Sqlite>),
        postgres(Encode<'v, Postgres> + Type<Postgres>);
}

for_each_backend! {
    /// A value [`Row::try_get`] and [`Tx::query_scalar`] decode: one that both backends decode,
    /// from the storage listed under [`PortableEncode`]. Implemented for every such type.
    pub trait PortableDecode<'r>:
        sqlite(Decode<'r, Sqlite> + Type<Sqlite>),
        postgres(Decode<'r, Postgres> + Type<Postgres>);
}

for_each_backend! {
    /// A type [`Tx::query_as`] builds from each row: `FromRow` for both backends' rows. What
    /// `#[derive(sqlx::FromRow)]` generates (for fields that are [`PortableDecode`]) and tuples
    /// of such values satisfy it. Implemented for every such type.
    pub trait PortableFromRow:
        sqlite(for<'r> FromRow<'r, SqliteRow>),
        postgres(for<'r> FromRow<'r, PgRow>);
}

for_each_backend! {
    /// A column name (`&str`) or position (`usize`, from 0) of a [`Row`], on both backends.
    pub trait PortableColumnIndex:
        sqlite(ColumnIndex<SqliteRow>),
        postgres(ColumnIndex<PgRow>);
}

impl Tx<'_> {
    /// A statement to run in this webhook's transaction, on whichever backend it is: bind its
    /// `$1`, `$2`, ... with [`Query::bind`], then [`Query::execute`] it or fetch its rows as
    /// [`Row`]s.
    ///
    /// ```no_run
    /// # use stripe_receiver::prelude::*;
    /// # async fn f(tx: &mut Tx<'_>, charge_id: &str, amount: i64) -> Result<(), BoxError> {
    /// tx.query("INSERT INTO receipts (charge_id, amount) VALUES ($1, $2)")
    ///     .bind(charge_id)
    ///     .bind(amount)
    ///     .execute()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// `sql` is a `&'static str` or [`sqlx::AssertSqlSafe`] (for SQL built at run time, which
    /// you then vouch for); see the [module docs](crate::query) for what runs on both backends.
    pub fn query(&mut self, sql: impl SqlSafeStr) -> Query<'_> {
        let target = match self.conn_mut() {
            #[cfg(feature = "sqlite")]
            TxConn::Sqlite(conn) => Target::Sqlite(conn, SqliteArguments::default()),
            #[cfg(feature = "postgres")]
            TxConn::Postgres(conn) => Target::Postgres(conn, PgArguments::default()),
        };
        Query {
            sql: sql.into_sql_str(),
            target,
            encode_error: None,
        }
    }

    /// As [`Tx::query`], each row built into a `T` (a struct deriving `sqlx::FromRow`, or a
    /// tuple):
    ///
    /// ```no_run
    /// # use stripe_receiver::prelude::*;
    /// #[derive(sqlx::FromRow)]
    /// struct Receipt { charge_id: String, amount: i64 }
    /// # async fn f(tx: &mut Tx<'_>) -> Result<(), BoxError> {
    /// let big: Vec<Receipt> = tx
    ///     .query_as("SELECT charge_id, amount FROM receipts WHERE amount > $1")
    ///     .bind(10_000_i64)
    ///     .fetch_all()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn query_as<T: PortableFromRow>(&mut self, sql: impl SqlSafeStr) -> QueryAs<'_, T> {
        QueryAs {
            query: self.query(sql),
            output: PhantomData,
        }
    }

    /// As [`Tx::query`], each row's first column decoded as a `T`:
    ///
    /// ```no_run
    /// # use stripe_receiver::prelude::*;
    /// # async fn f(tx: &mut Tx<'_>, charge_id: &str) -> Result<(), BoxError> {
    /// let count: i64 = tx
    ///     .query_scalar("SELECT COUNT(*) FROM receipts WHERE charge_id = $1")
    ///     .bind(charge_id)
    ///     .fetch_one()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn query_scalar<T>(&mut self, sql: impl SqlSafeStr) -> QueryScalar<'_, T>
    where
        T: for<'r> PortableDecode<'r>,
    {
        QueryScalar {
            rows: self.query_as(sql),
        }
    }
}

/// A statement with its bound values, on the connection of a [`Tx`]; made by [`Tx::query`].
///
/// Nothing runs until [`Query::execute`] or a `fetch_*` method is awaited.
#[must_use = "a query does nothing until it is executed or fetched"]
pub struct Query<'t> {
    sql: SqlStr,
    target: Target<'t>,
    /// The first value that failed to encode, reported when the query runs (as sqlx does).
    encode_error: Option<BoxDynError>,
}

/// The transaction's connection with the arguments in that backend's encoding.
enum Target<'t> {
    #[cfg(feature = "sqlite")]
    Sqlite(&'t mut SqliteConnection, SqliteArguments),
    #[cfg(feature = "postgres")]
    Postgres(&'t mut PgConnection, PgArguments),
}

impl<'t> Query<'t> {
    /// Binds the value of the next placeholder (`$1` first). The value is encoded at once; an
    /// encoding failure (rare: a value out of the backend's range) is reported by the call that
    /// runs the query, as [`sqlx::Error::Encode`].
    pub fn bind<'v>(mut self, value: impl PortableEncode<'v>) -> Self {
        if self.encode_error.is_some() {
            return self;
        }
        let position = self.bound() + 1;
        let added = match &mut self.target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(_, arguments) => arguments.add(value),
            #[cfg(feature = "postgres")]
            Target::Postgres(_, arguments) => arguments.add(value),
        };
        if let Err(error) = added {
            self.encode_error = Some(format!("encoding the value of ${position}: {error}").into());
        }
        self
    }

    /// Runs the statement; returns the number of rows it inserted, updated or deleted.
    ///
    /// # Errors
    /// [`sqlx::Error`]: the database refused the statement ([`sqlx::Error::Database`]: a syntax
    /// error, a missing table, a constraint), the bound values do not match the placeholders
    /// (a placeholder without a value: [`sqlx::Error::InvalidArgument`] on SQLite,
    /// [`sqlx::Error::Database`] on PostgreSQL), a
    /// value did not encode ([`sqlx::Error::Encode`]), or the connection failed.
    pub async fn execute(self) -> Result<u64, sqlx::Error> {
        let (sql, target) = self.checked().await?;
        Ok(match target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(conn, arguments) => sqlx::query_with(sql, arguments)
                .execute(conn)
                .await?
                .rows_affected(),
            #[cfg(feature = "postgres")]
            Target::Postgres(conn, arguments) => sqlx::query_with(sql, arguments)
                .execute(conn)
                .await?
                .rows_affected(),
        })
    }

    /// Runs the query; returns its first row.
    ///
    /// # Errors
    /// [`sqlx::Error::RowNotFound`] when it returns no row; otherwise as [`Query::execute`].
    pub async fn fetch_one(self) -> Result<Row, sqlx::Error> {
        self.fetch_optional().await?.ok_or(sqlx::Error::RowNotFound)
    }

    /// Runs the query; returns its first row, or `None` when it returns none.
    ///
    /// # Errors
    /// As [`Query::execute`].
    pub async fn fetch_optional(self) -> Result<Option<Row>, sqlx::Error> {
        let (sql, target) = self.checked().await?;
        Ok(match target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(conn, arguments) => sqlx::query_with(sql, arguments)
                .fetch_optional(conn)
                .await?
                .map(|row| Row(RowOf::Sqlite(row))),
            #[cfg(feature = "postgres")]
            Target::Postgres(conn, arguments) => sqlx::query_with(sql, arguments)
                .fetch_optional(conn)
                .await?
                .map(|row| Row(RowOf::Postgres(row))),
        })
    }

    /// Runs the query; returns all its rows, in the order the database returns them.
    ///
    /// # Errors
    /// As [`Query::execute`].
    pub async fn fetch_all(self) -> Result<Vec<Row>, sqlx::Error> {
        let (sql, target) = self.checked().await?;
        Ok(match target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(conn, arguments) => {
                let rows = sqlx::query_with(sql, arguments).fetch_all(conn).await?;
                rows.into_iter()
                    .map(|row| Row(RowOf::Sqlite(row)))
                    .collect()
            }
            #[cfg(feature = "postgres")]
            Target::Postgres(conn, arguments) => {
                let rows = sqlx::query_with(sql, arguments).fetch_all(conn).await?;
                rows.into_iter()
                    .map(|row| Row(RowOf::Postgres(row)))
                    .collect()
            }
        })
    }

    /// How many values are bound so far.
    fn bound(&self) -> usize {
        match &self.target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(_, arguments) => arguments.len(),
            #[cfg(feature = "postgres")]
            Target::Postgres(_, arguments) => arguments.len(),
        }
    }

    /// The statement and its target, once the bound values are known to fit: none failed to
    /// encode, and on SQLite (whose driver would bind `NULL` for a missing value) at least as
    /// many as the statement has distinct placeholders. The statement is prepared for that, into
    /// the connection's cache, where running it finds it.
    async fn checked(self) -> Result<(SqlStr, Target<'t>), sqlx::Error> {
        let Query {
            sql,
            mut target,
            encode_error,
        } = self;
        if let Some(error) = encode_error {
            return Err(sqlx::Error::Encode(error));
        }
        match &mut target {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(conn, arguments) => {
                let statement = (&mut **conn).prepare(sql.clone()).await?;
                let placeholders = match statement.parameters() {
                    Some(Either::Right(count)) => count,
                    Some(Either::Left(types)) => types.len(),
                    None => 0,
                };
                if placeholders > arguments.len() {
                    return Err(sqlx::Error::InvalidArgument(format!(
                        "{placeholders} placeholder(s) but {} value(s) bound: {}",
                        arguments.len(),
                        sql.as_str()
                    )));
                }
            }
            // The server refuses a placeholder without a value.
            #[cfg(feature = "postgres")]
            Target::Postgres(..) => {}
        }
        Ok((sql, target))
    }
}

/// One row of a [`Query`]'s result, from either backend. Read its columns with
/// [`Row::try_get`].
pub struct Row(RowOf);

/// The backend's own row.
enum RowOf {
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteRow),
    #[cfg(feature = "postgres")]
    Postgres(PgRow),
}

impl Row {
    /// The value of a column, by name (`"amount"`) or position (`0` for the first), decoded as
    /// `T`: any [`PortableDecode`] type, e.g. `String` or `&str`, `i64`, `f64`, `bool`,
    /// `Vec<u8>`, `serde_json::Value`, `chrono::DateTime<Utc>`, or an `Option` of one for a
    /// column that may be `NULL`.
    ///
    /// # Errors
    /// [`sqlx::Error::ColumnNotFound`] / [`sqlx::Error::ColumnIndexOutOfBounds`] for a column the
    /// row does not have; [`sqlx::Error::ColumnDecode`] when the column's type does not decode as
    /// `T` (e.g. `NULL` into a `T` that is not an `Option`).
    pub fn try_get<'r, T: PortableDecode<'r>>(
        &'r self,
        column: impl PortableColumnIndex,
    ) -> Result<T, sqlx::Error> {
        match &self.0 {
            #[cfg(feature = "sqlite")]
            RowOf::Sqlite(row) => row.try_get(column),
            #[cfg(feature = "postgres")]
            RowOf::Postgres(row) => row.try_get(column),
        }
    }

    /// The number of columns.
    #[must_use]
    pub fn len(&self) -> usize {
        match &self.0 {
            #[cfg(feature = "sqlite")]
            RowOf::Sqlite(row) => row.len(),
            #[cfg(feature = "postgres")]
            RowOf::Postgres(row) => row.len(),
        }
    }

    /// Whether the row has no columns (a `SELECT` always has one).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row built into a `T`.
    fn build<T: PortableFromRow>(&self) -> Result<T, sqlx::Error> {
        match &self.0 {
            #[cfg(feature = "sqlite")]
            RowOf::Sqlite(row) => T::from_row(row),
            #[cfg(feature = "postgres")]
            RowOf::Postgres(row) => T::from_row(row),
        }
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match &self.0 {
            #[cfg(feature = "sqlite")]
            RowOf::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            RowOf::Postgres(_) => "postgres",
        };
        f.debug_struct("Row")
            .field("backend", &backend)
            .field("columns", &self.len())
            .finish()
    }
}

/// A [`Query`] whose rows are built into `T`; made by [`Tx::query_as`].
#[must_use = "a query does nothing until it is fetched"]
pub struct QueryAs<'t, T> {
    query: Query<'t>,
    output: PhantomData<fn() -> T>,
}

impl<'t, T: PortableFromRow> QueryAs<'t, T> {
    /// Binds the value of the next placeholder, as [`Query::bind`].
    pub fn bind<'v>(self, value: impl PortableEncode<'v>) -> Self {
        Self {
            query: self.query.bind(value),
            output: PhantomData,
        }
    }

    /// Runs the query; returns its first row as a `T`.
    ///
    /// # Errors
    /// [`sqlx::Error::RowNotFound`] when it returns no row, a column error from `T`'s `FromRow`
    /// (a missing column, a type that does not decode), otherwise as [`Query::execute`].
    pub async fn fetch_one(self) -> Result<T, sqlx::Error> {
        self.query.fetch_one().await?.build()
    }

    /// Runs the query; returns its first row as a `T`, or `None` when it returns none.
    ///
    /// # Errors
    /// As [`QueryAs::fetch_one`], without `RowNotFound`.
    pub async fn fetch_optional(self) -> Result<Option<T>, sqlx::Error> {
        self.query
            .fetch_optional()
            .await?
            .map(|row| row.build())
            .transpose()
    }

    /// Runs the query; returns all its rows as `T`s, in the order the database returns them.
    ///
    /// # Errors
    /// As [`QueryAs::fetch_optional`].
    pub async fn fetch_all(self) -> Result<Vec<T>, sqlx::Error> {
        let rows = self.query.fetch_all().await?;
        rows.iter().map(Row::build).collect()
    }
}

/// A [`Query`] whose rows are read as their first column, a `T`; made by [`Tx::query_scalar`].
#[must_use = "a query does nothing until it is fetched"]
pub struct QueryScalar<'t, T> {
    rows: QueryAs<'t, (T,)>,
}

impl<'t, T> QueryScalar<'t, T>
where
    T: for<'r> PortableDecode<'r>,
{
    /// Binds the value of the next placeholder, as [`Query::bind`].
    pub fn bind<'v>(self, value: impl PortableEncode<'v>) -> Self {
        Self {
            rows: self.rows.bind(value),
        }
    }

    /// Runs the query; returns the first column of its first row.
    ///
    /// # Errors
    /// [`sqlx::Error::RowNotFound`] when it returns no row, [`sqlx::Error::ColumnDecode`] when
    /// the column does not decode as `T` (`NULL` into a `T` that is not an `Option`), otherwise
    /// as [`Query::execute`].
    pub async fn fetch_one(self) -> Result<T, sqlx::Error> {
        Ok(self.rows.fetch_one().await?.0)
    }

    /// Runs the query; returns the first column of its first row, or `None` when it returns no
    /// row (a row holding `NULL` is `Some(None)` for an `Option<_>` `T`).
    ///
    /// # Errors
    /// As [`QueryScalar::fetch_one`], without `RowNotFound`.
    pub async fn fetch_optional(self) -> Result<Option<T>, sqlx::Error> {
        Ok(self.rows.fetch_optional().await?.map(|(value,)| value))
    }

    /// Runs the query; returns the first column of every row, in the order the database
    /// returns them.
    ///
    /// # Errors
    /// As [`QueryScalar::fetch_optional`].
    pub async fn fetch_all(self) -> Result<Vec<T>, sqlx::Error> {
        let rows = self.rows.fetch_all().await?;
        Ok(rows.into_iter().map(|(value,)| value).collect())
    }
}

#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::effects::Effects;
    use chrono::{DateTime, TimeZone, Utc};
    use serde_json::json;
    use sqlx::{Connection, PgConnection, SqliteConnection};

    /// The PostgreSQL server of the test suite (a role that may connect; these tests only use
    /// temporary tables inside a transaction they roll back).
    const POSTGRES_ENV: &str = "STRIPE_RECEIVER_TEST_POSTGRES";

    /// Runs `scenario` in a transaction on an in-memory SQLite database, then, when
    /// `STRIPE_RECEIVER_TEST_POSTGRES` is set, in one on PostgreSQL; both are rolled back.
    async fn on_each_backend(scenario: impl AsyncFn(&mut Tx<'_>)) {
        let mut effects = Effects::detached();
        let mut sqlite = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        let mut txn = sqlite.begin().await.unwrap();
        scenario(&mut Tx::new((&mut *txn).into(), &mut effects)).await;
        drop(txn);
        match std::env::var(POSTGRES_ENV) {
            Ok(url) if !url.trim().is_empty() => {
                let mut postgres = PgConnection::connect(&url).await.unwrap();
                let mut txn = postgres.begin().await.unwrap();
                scenario(&mut Tx::new((&mut *txn).into(), &mut effects)).await;
            }
            _ => eprintln!("{POSTGRES_ENV} is not set: the PostgreSQL half was SKIPPED"),
        }
    }

    /// A temporary table with a column of each common type, declared as the table of
    /// [`PortableEncode`] says.
    async fn create_values_table(tx: &mut Tx<'_>) {
        let ddl = match tx.backend() {
            Backend::Sqlite => {
                "CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount INTEGER NOT NULL, \
                 ratio REAL NOT NULL, paid BOOLEAN NOT NULL, note TEXT, raw BLOB NOT NULL, \
                 meta TEXT NOT NULL, at TEXT NOT NULL)"
            }
            _ => {
                "CREATE TEMP TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, amount BIGINT NOT NULL, \
                 ratio DOUBLE PRECISION NOT NULL, paid BOOLEAN NOT NULL, note TEXT, raw BYTEA NOT NULL, \
                 meta JSONB NOT NULL, at TIMESTAMPTZ NOT NULL)"
            }
        };
        tx.query(ddl).execute().await.unwrap();
    }

    #[derive(Debug, PartialEq, sqlx::FromRow)]
    struct Values {
        id: i64,
        name: String,
        amount: i64,
        ratio: f64,
        paid: bool,
        note: Option<String>,
        raw: Vec<u8>,
        meta: serde_json::Value,
        at: DateTime<Utc>,
    }

    fn sample(id: i64, note: Option<&str>) -> Values {
        Values {
            id,
            name: format!("ch_{id}"),
            amount: 1_500 * id,
            ratio: 0.25,
            paid: id % 2 == 1,
            note: note.map(str::to_owned),
            raw: vec![0, 159, 146, 150, id as u8],
            meta: json!({"order": id, "tags": ["a", "b"], "nested": {"ok": true}}),
            at: Utc.timestamp_opt(1_714_564_800, 500_000_000).unwrap(),
        }
    }

    async fn insert(tx: &mut Tx<'_>, v: &Values) -> u64 {
        tx.query(
            "INSERT INTO t (id, name, amount, ratio, paid, note, raw, meta, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(v.id)
        .bind(&v.name)
        .bind(v.amount)
        .bind(v.ratio)
        .bind(v.paid)
        .bind(v.note.as_deref())
        .bind(&v.raw)
        .bind(&v.meta)
        .bind(v.at)
        .execute()
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn every_common_type_round_trips_on_each_backend() {
        on_each_backend(async |tx: &mut Tx<'_>| {
            create_values_table(tx).await;
            let (one, two) = (sample(1, Some("first")), sample(2, None));
            assert_eq!(insert(tx, &one).await, 1);
            assert_eq!(insert(tx, &two).await, 1);

            let all: Vec<Values> = tx
                .query_as("SELECT * FROM t ORDER BY id")
                .fetch_all()
                .await
                .unwrap();
            assert_eq!(all, [one, two]);

            // None bound as NULL, readable as such.
            let nulls: i64 = tx
                .query_scalar("SELECT COUNT(*) FROM t WHERE note IS NULL")
                .fetch_one()
                .await
                .unwrap();
            assert_eq!(nulls, 1);
        })
        .await;
    }

    #[tokio::test]
    async fn rows_read_by_name_and_position() {
        on_each_backend(async |tx: &mut Tx<'_>| {
            create_values_table(tx).await;
            insert(tx, &sample(1, None)).await;
            let row = tx
                .query("SELECT name, amount, note, meta FROM t WHERE id = $1")
                .bind(1_i64)
                .fetch_one()
                .await
                .unwrap();
            assert_eq!(row.len(), 4);
            assert_eq!(row.try_get::<&str>("name").unwrap(), "ch_1");
            assert_eq!(row.try_get::<String>(0).unwrap(), "ch_1");
            assert_eq!(row.try_get::<i64>("amount").unwrap(), 1_500);
            assert_eq!(row.try_get::<Option<String>>("note").unwrap(), None);
            assert_eq!(row.try_get::<serde_json::Value>(3).unwrap()["order"], 1);
            // NULL into a plain type: refused on PostgreSQL, the empty value on SQLite (as the
            // module docs say; read such columns as Option).
            match tx.backend() {
                Backend::Sqlite => {
                    assert_eq!(row.try_get::<String>("note").unwrap(), "");
                    assert_eq!(row.try_get::<i64>("note").unwrap(), 0);
                }
                _ => assert!(matches!(
                    row.try_get::<String>("note"),
                    Err(sqlx::Error::ColumnDecode { .. })
                )),
            }
            assert!(matches!(
                row.try_get::<i64>("nope"),
                Err(sqlx::Error::ColumnNotFound(_))
            ));
            assert!(matches!(
                row.try_get::<i64>(9),
                Err(sqlx::Error::ColumnIndexOutOfBounds { .. })
            ));

            let missing = tx
                .query("SELECT name FROM t WHERE id = $1")
                .bind(7_i64)
                .fetch_optional()
                .await
                .unwrap();
            assert!(missing.is_none());
            let missing = tx
                .query("SELECT name FROM t WHERE id = 7")
                .fetch_one()
                .await;
            assert!(
                matches!(missing, Err(sqlx::Error::RowNotFound)),
                "{missing:?}"
            );
            let none: Option<i64> = tx
                .query_scalar("SELECT amount FROM t WHERE id = $1")
                .bind(7_i64)
                .fetch_optional()
                .await
                .unwrap();
            assert_eq!(none, None);
            let pairs: Vec<(String, i64)> = tx
                .query_as("SELECT name, amount FROM t")
                .fetch_all()
                .await
                .unwrap();
            assert_eq!(pairs, [("ch_1".to_owned(), 1_500)]);
        })
        .await;
    }

    #[tokio::test]
    async fn numbered_placeholders_are_read_by_number_and_may_repeat() {
        on_each_backend(async |tx: &mut Tx<'_>| {
            let (second, first, again): (String, String, String) = tx
                .query_as("SELECT CAST($2 AS TEXT), CAST($1 AS TEXT), CAST($2 AS TEXT)")
                .bind("one")
                .bind("two")
                .fetch_one()
                .await
                .unwrap();
            assert_eq!((&*second, &*first, &*again), ("two", "one", "two"));
        })
        .await;
    }

    #[tokio::test]
    async fn how_each_backend_stores_booleans_and_times() {
        on_each_backend(async |tx: &mut Tx<'_>| {
            create_values_table(tx).await;
            insert(tx, &sample(1, None)).await;
            let sql = match tx.backend() {
                Backend::Sqlite => "SELECT typeof(paid) || ' ' || paid || ' ' || at FROM t",
                _ => "SELECT pg_typeof(paid)::text || ' ' || paid::text || ' ' || (at AT TIME ZONE 'UTC')::text FROM t",
            };
            let stored: String = tx.query_scalar(sql).fetch_one().await.unwrap();
            let expected = match tx.backend() {
                Backend::Sqlite => "integer 1 2024-05-01T12:00:00.500+00:00",
                _ => "boolean true 2024-05-01 12:00:00.5",
            };
            assert_eq!(stored, expected);
        })
        .await;
    }

    /// A fresh transaction per case: on PostgreSQL a failed statement aborts the transaction,
    /// as a receiver's error rolls back the webhook's.
    #[tokio::test]
    async fn a_placeholder_without_a_value_is_an_error_and_an_extra_value_is_ignored() {
        on_each_backend(async |tx: &mut Tx<'_>| {
            let too_few = tx
                .query("SELECT CAST($1 AS TEXT), CAST($2 AS TEXT)")
                .bind("only one")
                .fetch_one()
                .await;
            let error = too_few.expect_err("a placeholder without a value");
            match tx.backend() {
                Backend::Sqlite => assert!(
                    matches!(&error, sqlx::Error::InvalidArgument(m)
                        if m.starts_with("2 placeholder(s) but 1 value(s) bound: SELECT")),
                    "{error:?}"
                ),
                _ => assert!(matches!(error, sqlx::Error::Database(_)), "{error:?}"),
            }
        })
        .await;
        on_each_backend(async |tx: &mut Tx<'_>| {
            let value: String = tx
                .query_scalar("SELECT CAST($1 AS TEXT)")
                .bind("one")
                .bind("two")
                .fetch_one()
                .await
                .unwrap();
            assert_eq!(value, "one");
        })
        .await;
    }

    #[tokio::test]
    async fn bad_sql_is_a_database_error() {
        on_each_backend(async |tx: &mut Tx<'_>| {
            let error = tx.query("SELEKT 1").execute().await.unwrap_err();
            assert!(matches!(error, sqlx::Error::Database(_)), "{error:?}");
        })
        .await;
        on_each_backend(async |tx: &mut Tx<'_>| {
            let error = tx
                .query("INSERT INTO no_such_table (a) VALUES ($1)")
                .bind(1_i64)
                .execute()
                .await
                .unwrap_err();
            assert!(matches!(error, sqlx::Error::Database(_)), "{error:?}");
        })
        .await;
    }

    #[tokio::test]
    async fn sql_built_at_run_time_is_accepted_when_asserted_safe() {
        on_each_backend(async |tx: &mut Tx<'_>| {
            let column = "amount";
            let sql = format!("SELECT CAST($1 AS BIGINT) AS {column}");
            let row = tx
                .query(sqlx::AssertSqlSafe(sql))
                .bind(42_i64)
                .fetch_one()
                .await
                .unwrap();
            assert_eq!(row.try_get::<i64>(column).unwrap(), 42);
        })
        .await;
    }
}

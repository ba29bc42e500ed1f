//! What differs between the backends' SQL, in one place.
//!
//! Statements are written once, with `$N` placeholders (sqlx's SQLite driver binds `$N` as it
//! binds `?N`), and bound with the same Rust values on both backends. What truly differs is
//! said here:
//!
//! - in the SQL text, by the pieces of [`sql!`](crate::db::sql) — casts of parameters to
//!   `text`/`jsonb`/`inet` and of `jsonb`/`uuid` columns to text, `host()` of an `inet` column,
//!   `FOR UPDATE SKIP LOCKED` — and by the DDL spellings of [`Ddl`];
//! - in the bound values, by [`Dialect::time`] and [`Dialect::uuid`]: SQLite stores times as
//!   RFC 3339 text ([`format_time`]) and uuids as hyphenated text, PostgreSQL as `timestamptz`
//!   and `uuid`.
//!
//! Both renderings of a statement are `&'static str`s made at compile time; [`Dialect::pick`]
//! chooses one, so a statement costs no formatting or allocation at run time. Statements that
//! name a table chosen at run time (the synced-object tables) are rendered once per table and
//! backend and kept (see `sync/upsert.rs`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Backend;

/// A backend's SQL dialect, implemented for `sqlx::Sqlite` (`db/sqlite.rs`) and
/// `sqlx::Postgres` (`db/postgres.rs`).
pub(crate) trait Dialect: sqlx::Database {
    /// The backend this is.
    const BACKEND: Backend;

    /// The spellings of the synced-object tables' DDL.
    #[cfg(test)]
    const DDL: Ddl;

    /// A time as bound in a statement.
    type Time;

    /// A uuid as bound in a statement.
    type Uuid;

    /// `t` as this backend stores it.
    fn time(t: DateTime<Utc>) -> Self::Time;

    /// `id` as this backend stores it.
    fn uuid(id: Uuid) -> Self::Uuid;

    /// This backend's rendering of a statement, of the two [`sql!`](crate::db::sql) made.
    fn pick(sqlite: &'static str, postgres: &'static str) -> &'static str;
}

/// Encodes a time as SQLite stores it: RFC 3339, UTC, microseconds, `Z` (so that text order is
/// time order).
#[cfg(any(feature = "sqlite", feature = "cli"))] // its callers
pub(crate) fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// How a backend spells the column types and table options of the synced-object tables (the
/// migrations' text, which the declarations are checked against).
#[cfg(test)]
pub(crate) struct Ddl {
    /// What the migration's header says of the flavour.
    pub flavour: &'static str,
    /// `TEXT` / `text`.
    pub text: &'static str,
    /// 64-bit integers.
    pub integer: &'static str,
    /// Floating point.
    pub real: &'static str,
    /// JSON documents.
    pub json: &'static str,
    /// Our own timestamps.
    pub timestamp: &'static str,
    /// A boolean column: `{name}` stands for the column's name, `{null}` for ` NOT NULL` or
    /// nothing.
    pub boolean: &'static str,
    /// `false` as a column default.
    pub false_default: &'static str,
    /// What follows a table's closing parenthesis.
    pub table_options: &'static str,
}

/// One statement in both backends' renderings, chosen for `$D` (a type implementing
/// [`Dialect`]): `sql!(D; "SELECT " {text data} " FROM t WHERE id = $1")`.
///
/// The statement is a sequence of string literals and pieces in braces:
///
/// | piece | SQLite | PostgreSQL |
/// | --- | --- | --- |
/// | `{text}` (after a parameter) | nothing | `::text` |
/// | `{json}` (after a parameter) | nothing | `::jsonb` |
/// | `{inet}` (after a parameter) | nothing | `::inet` |
/// | `{text c}`, `{text t.c}` (a selected column) | `c` | `c::text AS c` |
/// | `{host c}` (a selected `inet` column) | `c` | `host(c) AS c` |
/// | `{skip_locked}` (after a `SELECT`'s `LIMIT`) | nothing | ` FOR UPDATE SKIP LOCKED` |
/// | `{m!}` | `m!(sqlite)` | `m!(postgres)` |
///
/// `{m!}` inserts a list defined once with [`sql_for!`] (`macro_rules! m { ($b:ident) =>
/// { sql_for!($b; ...) } }`), e.g. a table's column list.
macro_rules! sql {
    ($D:ty; $($piece:tt)+) => {
        <$D as $crate::db::Dialect>::pick(
            $crate::db::sql_for!(sqlite; $($piece)+),
            $crate::db::sql_for!(postgres; $($piece)+),
        )
    };
}

/// The rendering of [`sql!`]'s pieces for one backend (`sqlite` or `postgres`), as one string
/// literal.
macro_rules! sql_for {
    ($backend:ident; $($piece:tt)+) => {
        concat!($($crate::db::sql_piece!($backend $piece)),+)
    };
}

/// One piece of [`sql!`] for one backend.
macro_rules! sql_piece {
    ($backend:ident $literal:literal) => {
        $literal
    };
    (sqlite {json}) => {
        ""
    };
    (postgres {json}) => {
        "::jsonb"
    };
    (sqlite {text}) => {
        ""
    };
    (postgres {text}) => {
        "::text"
    };
    (sqlite {inet}) => {
        ""
    };
    (postgres {inet}) => {
        "::inet"
    };
    (sqlite {text $column:ident}) => {
        stringify!($column)
    };
    (postgres {text $column:ident}) => {
        concat!(stringify!($column), "::text AS ", stringify!($column))
    };
    (sqlite {text $table:ident . $column:ident}) => {
        concat!(stringify!($table), ".", stringify!($column))
    };
    (postgres {text $table:ident . $column:ident}) => {
        concat!(
            stringify!($table),
            ".",
            stringify!($column),
            "::text AS ",
            stringify!($column)
        )
    };
    (sqlite {host $column:ident}) => {
        stringify!($column)
    };
    (postgres {host $column:ident}) => {
        concat!("host(", stringify!($column), ") AS ", stringify!($column))
    };
    (sqlite {skip_locked}) => {
        ""
    };
    (postgres {skip_locked}) => {
        " FOR UPDATE SKIP LOCKED"
    };
    ($backend:ident {$list:ident!}) => {
        $list!($backend)
    };
}

pub(crate) use {sql, sql_for, sql_piece};

#[cfg(test)]
mod tests {
    macro_rules! columns {
        ($b:ident) => {
            crate::db::sql_for!($b; "id, " {text data})
        };
    }

    #[test]
    fn pieces_render_per_backend() {
        assert_eq!(
            sql_for!(sqlite; "SELECT " {columns!} ", " {host ip} " WHERE d = $1" {json} {skip_locked}),
            "SELECT id, data, ip WHERE d = $1"
        );
        assert_eq!(
            sql_for!(postgres; "SELECT " {columns!} ", " {host ip} " WHERE d = $1" {json} {skip_locked}),
            "SELECT id, data::text AS data, host(ip) AS ip WHERE d = $1::jsonb FOR UPDATE SKIP LOCKED"
        );
        assert_eq!(sql_for!(postgres; {text j.id}), "j.id::text AS id");
    }
}

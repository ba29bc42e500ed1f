//! The DDL of the synced-object tables, rendered from [`super::kinds`]: a test compares it
//! with the migrations `20261129000010_synced_objects.sql`, so that the declarations and the
//! tables cannot drift apart. After changing a declaration, add a migration; to regenerate the
//! first one while it is unreleased, run the test with `STRIPE_RECEIVER_WRITE_SYNC_MIGRATIONS=1`.

use std::fmt::Write as _;

use super::kind::{ColumnType, ObjectKind};
use super::kinds::KINDS;
use crate::db::Backend;

/// The migration file's text for `backend`.
pub(crate) fn render(backend: Backend) -> String {
    let mut out = String::new();
    let flavour = match backend {
        Backend::Sqlite => {
            "SQLite flavour: booleans are 0/1, JSON is text, synced_at RFC 3339 UTC text"
        }
        _ => "PostgreSQL flavour: boolean, jsonb, timestamptz",
    };
    let _ = writeln!(
        out,
        "-- Synced Stripe objects (README \"Synced objects\"), {flavour}.\n\
         -- Generated from crates/stripe-receiver/src/sync/kinds.rs (test sync::schema).\n\
         -- Stripe times (created, deleted_at, event_created and the *_at/*_date/period columns)\n\
         -- are Unix seconds; amounts are integers in the currency's smallest unit."
    );
    for kind in KINDS {
        out.push('\n');
        table(&mut out, kind, backend);
    }
    out
}

fn table(out: &mut String, kind: &ObjectKind, backend: Backend) {
    let sqlite = backend == Backend::Sqlite;
    let boolean = |name: &str, not_null: &str| {
        if sqlite {
            format!("INTEGER{not_null} CHECK ({name} IN (0, 1))")
        } else {
            format!("boolean{not_null}")
        }
    };
    let (text, integer, real, json) = if sqlite {
        ("TEXT", "INTEGER", "REAL", "TEXT")
    } else {
        ("text", "bigint", "double precision", "jsonb")
    };
    let mut columns: Vec<(String, String)> = vec![
        ("id".into(), format!("{text} PRIMARY KEY NOT NULL")),
        ("object".into(), format!("{text} NOT NULL")),
        ("account".into(), text.into()),
        ("livemode".into(), boolean("livemode", " NOT NULL")),
        ("created".into(), integer.into()),
        ("metadata".into(), json.into()),
    ];
    for column in kind.columns {
        let ty = match column.ty {
            ColumnType::Text => text.to_owned(),
            ColumnType::Integer => integer.to_owned(),
            ColumnType::Float => real.to_owned(),
            ColumnType::Boolean => boolean(column.name, ""),
        };
        columns.push((column.name.into(), ty));
    }
    let deleted_default = if sqlite {
        " DEFAULT 0"
    } else {
        " DEFAULT false"
    };
    columns.extend([
        ("data".into(), format!("{json} NOT NULL")),
        (
            "deleted".into(),
            boolean("deleted", &format!(" NOT NULL{deleted_default}")),
        ),
        ("deleted_at".into(), integer.into()),
        ("event_created".into(), format!("{integer} NOT NULL")),
        ("event_id".into(), format!("{text} NOT NULL")),
        (
            "synced_at".into(),
            if sqlite {
                "TEXT NOT NULL"
            } else {
                "timestamptz NOT NULL"
            }
            .into(),
        ),
    ]);
    let width = columns
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "CREATE TABLE {} (", kind.table);
    let last = columns.len() - 1;
    for (i, (name, ty)) in columns.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        let _ = writeln!(out, "    {name:<width$}  {ty}{comma}");
    }
    let _ = writeln!(out, "){};", if sqlite { " WITHOUT ROWID" } else { "" });
    let _ = writeln!(
        out,
        "CREATE INDEX {table}_account ON {table} (account);",
        table = kind.table
    );
    if kind.columns.iter().any(|c| c.name == "customer") {
        let _ = writeln!(
            out,
            "CREATE INDEX {table}_customer ON {table} (customer);",
            table = kind.table
        );
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::db::Backend;

    const FILE: &str = "20261129000010_synced_objects.sql";

    #[test]
    fn the_migrations_create_exactly_the_declared_tables() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        for (backend, dir) in [(Backend::Sqlite, "sqlite"), (Backend::Postgres, "postgres")] {
            let path = root.join(dir).join(FILE);
            let expected = render(backend);
            if std::env::var_os("STRIPE_RECEIVER_WRITE_SYNC_MIGRATIONS").is_some() {
                std::fs::write(&path, &expected).expect("write the migration");
            }
            let actual = std::fs::read_to_string(&path).expect("read the migration");
            assert!(
                actual == expected,
                "{} differs from the declarations in sync/kinds.rs; add a migration (see sync/schema.rs)",
                path.display()
            );
        }
    }
}

//! The DDL of the synced-object tables, rendered from [`super::kinds`]: a test compares it
//! with the migrations `20261129000010_synced_objects.sql` (the tables) and
//! `20261201000060_event_rank.sql` (the column every table gained since), so that the
//! declarations and the tables cannot drift apart. After changing a declaration, add a
//! migration rendered here; to write the files, run the test with
//! `STRIPE_RECEIVER_WRITE_SYNC_MIGRATIONS=1`.

use std::fmt::Write as _;

use super::kind::{ColumnType, ObjectKind};
use super::kinds::KINDS;
use crate::db::{Ddl, Dialect};

/// The migration file's text for `D`.
pub(crate) fn render<D: Dialect>() -> String {
    let ddl = &D::DDL;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- Synced Stripe objects (README \"Synced objects\"), {flavour}.\n\
         -- Generated from crates/stripe-receiver/src/sync/kinds.rs (test sync::schema).\n\
         -- Stripe times (created, deleted_at, event_created and the *_at/*_date/period columns)\n\
         -- are Unix seconds; amounts are integers in the currency's smallest unit.",
        flavour = ddl.flavour,
    );
    for kind in KINDS {
        out.push('\n');
        table(&mut out, kind, ddl);
    }
    out
}

/// The migration that adds `event_rank` (the ordering guard's rank within one second, README
/// "Ordering guard") to every synced table, for `D`. Rows written before it get 1, the rank of
/// a change: among themselves they tie, and a later event of the same second applies.
pub(crate) fn render_event_rank<D: Dialect>() -> String {
    let ddl = &D::DDL;
    let mut out = format!(
        "-- The ordering guard's rank within one second (README \"Ordering guard\"): *.created 0,\n\
         -- other changes 1, *.deleted 2. {flavour}; generated from sync/kinds.rs (test sync::schema).\n",
        flavour = ddl.flavour,
    );
    for kind in KINDS {
        let _ = writeln!(
            out,
            "ALTER TABLE {} ADD COLUMN event_rank {} NOT NULL DEFAULT 1;",
            kind.table, ddl.integer
        );
    }
    out
}

fn table(out: &mut String, kind: &ObjectKind, ddl: &Ddl) {
    let boolean = |name: &str, not_null: &str| {
        ddl.boolean
            .replace("{name}", name)
            .replace("{null}", not_null)
    };
    let mut columns: Vec<(String, String)> = vec![
        ("id".into(), format!("{} PRIMARY KEY NOT NULL", ddl.text)),
        ("object".into(), format!("{} NOT NULL", ddl.text)),
        ("account".into(), ddl.text.into()),
        ("livemode".into(), boolean("livemode", " NOT NULL")),
        ("created".into(), ddl.integer.into()),
        ("metadata".into(), ddl.json.into()),
    ];
    for column in kind.columns {
        let ty = match column.ty {
            ColumnType::Text => ddl.text.to_owned(),
            ColumnType::Integer => ddl.integer.to_owned(),
            ColumnType::Float => ddl.real.to_owned(),
            ColumnType::Boolean => boolean(column.name, ""),
        };
        columns.push((column.name.into(), ty));
    }
    columns.extend([
        ("data".into(), format!("{} NOT NULL", ddl.json)),
        (
            "deleted".into(),
            boolean("deleted", &format!(" NOT NULL{}", ddl.false_default)),
        ),
        ("deleted_at".into(), ddl.integer.into()),
        ("event_created".into(), format!("{} NOT NULL", ddl.integer)),
        ("event_id".into(), format!("{} NOT NULL", ddl.text)),
        ("synced_at".into(), format!("{} NOT NULL", ddl.timestamp)),
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
    let _ = writeln!(out, "){};", ddl.table_options);
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
    use super::{render, render_event_rank};
    use crate::db::Dialect;

    /// Compares (or, with `STRIPE_RECEIVER_WRITE_SYNC_MIGRATIONS`, writes) `D`'s migrations.
    fn check<D: Dialect>(dir: &str) {
        compare(dir, "20261129000010_synced_objects.sql", &render::<D>());
        compare(
            dir,
            "20261201000060_event_rank.sql",
            &render_event_rank::<D>(),
        );
    }

    fn compare(dir: &str, file: &str, expected: &str) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let path = root.join(dir).join(file);
        if std::env::var_os("STRIPE_RECEIVER_WRITE_SYNC_MIGRATIONS").is_some() {
            std::fs::write(&path, expected).expect("write the migration");
        }
        let actual = std::fs::read_to_string(&path).expect("read the migration");
        assert!(
            actual == expected,
            "{} differs from the declarations in sync/kinds.rs; add a migration (see sync/schema.rs)",
            path.display()
        );
    }

    #[test]
    fn the_migrations_create_exactly_the_declared_tables() {
        #[cfg(feature = "sqlite")]
        check::<sqlx::Sqlite>("sqlite");
        #[cfg(feature = "postgres")]
        check::<sqlx::Postgres>("postgres");
    }
}

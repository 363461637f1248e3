//! Numbered schema migrations, applied in order in one transaction.
//!
//! The schema version is SQLite's `user_version`. Each applied migration's SHA-256 is kept in
//! `schema_migration`, so a shipped migration that was edited afterwards is detected at open instead
//! of silently diverging. A store with a version newer than this build knows is refused untouched.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};

/// (version, name, SQL). Append only; never edit a shipped entry.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "0001_init", include_str!("migrations/0001_init.sql")),
    (2, "0002_accounts", include_str!("migrations/0002_accounts.sql")),
    (3, "0003_search_index", include_str!("migrations/0003_search_index.sql")),
    (4, "0004_sync_epoch", include_str!("migrations/0004_sync_epoch.sql")),
    (5, "0005_sync_bundles", include_str!("migrations/0005_sync_bundles.sql")),
    (6, "0006_issued_documents", include_str!("migrations/0006_issued_documents.sql")),
    (7, "0007_record_facts", include_str!("migrations/0007_record_facts.sql")),
    (8, "0008_document_reprint", include_str!("migrations/0008_document_reprint.sql")),
    (9, "0009_peers", include_str!("migrations/0009_peers.sql")),
    (10, "0010_period_review", include_str!("migrations/0010_period_review.sql")),
    (11, "0011_peer_locks", include_str!("migrations/0011_peer_locks.sql")),
    (12, "0012_province_inspections", include_str!("migrations/0012_province_inspections.sql")),
    (13, "0013_peer_removal", include_str!("migrations/0013_peer_removal.sql")),
    (14, "0014_province_held", include_str!("migrations/0014_province_held.sql")),
];

/// The province store's schema (`phongtrao province`), numbered on its own. Append only.
pub const PROVINCE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "province_0001_init", include_str!("migrations/province/0001_init.sql")),
    (2, "province_0002_bindings", include_str!("migrations/province/0002_bindings.sql")),
    (3, "province_0003_console", include_str!("migrations/province/0003_console.sql")),
    (4, "province_0004_accounts", include_str!("migrations/province/0004_accounts.sql")),
    (5, "province_0005_documents", include_str!("migrations/province/0005_documents.sql")),
    (6, "province_0006_review", include_str!("migrations/province/0006_review.sql")),
    (7, "province_0007_review_answers", include_str!("migrations/province/0007_review_answers.sql")),
    (8, "province_0008_inspections", include_str!("migrations/province/0008_inspections.sql")),
    (9, "province_0009_figure_sums", include_str!("migrations/province/0009_figure_sums.sql")),
    (10, "province_0010_figure_sums_window", include_str!("migrations/province/0010_figure_sums_window.sql")),
    (11, "province_0011_figure_sums_as_of", include_str!("migrations/province/0011_figure_sums_as_of.sql")),
    (12, "province_0012_roster_reads", include_str!("migrations/province/0012_roster_reads.sql")),
    (13, "province_0013_record_replaced", include_str!("migrations/province/0013_record_replaced.sql")),
    (14, "province_0014_record_replaced_stamps", include_str!("migrations/province/0014_record_replaced_stamps.sql")),
];

pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

pub fn checksum(sql: &str) -> String {
    crate::crypto::sha256_hex(sql.as_bytes())
}

/// Brings the schema up to date. Returns the number of migrations applied.
pub fn migrate(conn: &mut Connection) -> Result<usize> {
    migrate_with(conn, MIGRATIONS)
}

/// As [`migrate`] with another list (the province store's, `PROVINCE_MIGRATIONS`).
pub fn migrate_with(conn: &mut Connection, migrations: &[(i64, &str, &str)]) -> Result<usize> {
    let latest = migrations.last().map_or(0, |m| m.0);
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > latest {
        return Err(Error::NewerSchema { found: current, known: latest });
    }
    let tx = conn.transaction()?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL
         ) STRICT;",
    )?;
    for (version, _, sql) in migrations.iter().filter(|m| m.0 <= current) {
        let stored: Option<String> = tx
            .query_row("SELECT sha256 FROM schema_migration WHERE version = ?1", [version], |r| r.get(0))
            .optional()?;
        if stored.is_some_and(|s| s != checksum(sql)) {
            return Err(Error::MigrationEdited(*version));
        }
    }
    let mut applied = 0;
    for (version, name, sql) in migrations.iter().filter(|m| m.0 > current) {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migration (version, name, sha256, applied_at) VALUES (?1, ?2, ?3, ?4)",
            params![version, name, checksum(sql), chrono::Utc::now().to_rfc3339()],
        )?;
        tx.pragma_update(None, "user_version", version)?;
        applied += 1;
    }
    tx.commit()?;
    Ok(applied)
}

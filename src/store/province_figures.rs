//! The figures' sums the province keeps per commune and reporting window between reads (province
//! migration 0009): read, kept, and dropped by the record table's triggers whenever a commune's
//! records change. What the sums are and when to count them again is `crate::province::figures`'s.

use rusqlite::{ErrorCode, params};

use super::province::ProvinceDb;
use crate::error::{Error, Result};

/// One commune's sums for one window, as kept: (commune code, first day, last day, JSON).
pub type KeptSums = (String, String, String, String);

impl ProvinceDb {
    /// Runs `f` on one snapshot of the store (a read transaction, unless one is already open), so
    /// that sums counted from the records read in `f` are kept only if no other connection changed
    /// the records meanwhile ([`ProvinceDb::keep_figure_sums`] then keeps nothing).
    pub fn in_one_read<T>(&self, f: impl FnOnce(&ProvinceDb) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f(self);
        }
        self.conn.execute_batch("BEGIN DEFERRED")?;
        let out = f(self);
        let end = self.conn.execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        if end.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let out = out?;
        end?;
        Ok(out)
    }

    /// The sums kept for the window [`first`, `last`] made by `made_by`, of every commune (or only
    /// `commune`): (commune code, JSON).
    pub fn figure_sums(
        &self,
        first: &str,
        last: &str,
        commune: Option<&str>,
        made_by: &str,
    ) -> Result<Vec<(String, String)>> {
        super::all_rows(
            &self.conn,
            "SELECT commune_code, sums FROM figure_sums
             WHERE first_day = ?1 AND last_day = ?2 AND made_by = ?3 AND (?4 IS NULL OR commune_code = ?4)",
            params![first, last, made_by, commune],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Keeps sums counted inside [`ProvinceDb::in_one_read`] (sums made by another release are
    /// dropped). Returns false, keeping nothing, when another connection wrote since that read began
    /// (the sums may be of records that changed since: they are counted again at the next read).
    pub fn keep_figure_sums(&self, rows: &[KeptSums], made_by: &str) -> Result<bool> {
        if rows.is_empty() {
            return Ok(true);
        }
        let keep = || -> rusqlite::Result<()> {
            self.conn.execute("SAVEPOINT keep_figure_sums", [])?;
            match put_sums(&self.conn, rows, made_by) {
                Ok(()) => self.conn.execute("RELEASE keep_figure_sums", []).map(|_| ()),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK TO keep_figure_sums; RELEASE keep_figure_sums");
                    Err(e)
                }
            }
        };
        match keep() {
            Ok(()) => Ok(true),
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::DatabaseBusy => Ok(false),
            Err(e) => Err(Error::from(e)),
        }
    }

    /// Which sums are kept: (commune code, first day, last day), in that order.
    pub fn figure_sums_kept(&self) -> Result<Vec<(String, String, String)>> {
        super::all_rows(
            &self.conn,
            "SELECT commune_code, first_day, last_day FROM figure_sums ORDER BY commune_code, first_day, last_day",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }
}

/// Writes `rows` over the sums kept, and drops those another release made.
fn put_sums(conn: &rusqlite::Connection, rows: &[KeptSums], made_by: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM figure_sums WHERE made_by <> ?1", [made_by])?;
    let mut put = conn.prepare_cached(
        "INSERT INTO figure_sums (commune_code, first_day, last_day, made_by, sums)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (commune_code, first_day, last_day) DO UPDATE SET made_by = excluded.made_by, sums = excluded.sums",
    )?;
    for (code, first, last, sums) in rows {
        put.execute(params![code, first, last, made_by, sums])?;
    }
    Ok(())
}

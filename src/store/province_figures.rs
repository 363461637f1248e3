//! The figures' sums the province keeps per commune and reporting window between reads (province
//! migration 0009): read, kept, and dropped by the record table's triggers whenever a commune's
//! records change. What the sums are and when to count them again is `crate::province::figures`'s.

use rusqlite::{ErrorCode, OptionalExtension, params};

use super::province::ProvinceDb;
use crate::error::{Error, Result};

/// How many replaced states of records (province migration 0013) the sums kept may be behind the
/// newest: a sum further behind is dropped when the states are pruned
/// ([`ProvinceDb::prune_replaced_states`]). A record replaced is a few hundred bytes to 4 KB (a
/// certification record): 20,000 states are at most some tens of MB, and a province changes that
/// many records in months.
pub const REPLACED_KEPT: i64 = 20_000;

/// The states are pruned once this many more than [`REPLACED_KEPT`] are kept (a prune reads every
/// sum's mark).
pub const REPLACED_PRUNED_BY: i64 = 5_000;

/// See [`ProvinceDb::prune_replaced_states`].
fn prune_replaced(conn: &rusqlite::Connection, kept: i64, by: i64) -> rusqlite::Result<()> {
    // Each a seek of the rowid (one min or max alone in its SELECT).
    let (first, last): (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT (SELECT min(id) FROM record_replaced), (SELECT max(id) FROM record_replaced)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(first), Some(last)) = (first, last) else { return Ok(()) };
    if last - first < kept + by {
        return Ok(());
    }
    conn.prepare_cached("DELETE FROM figure_sums WHERE replaced_seen < ?1")?.execute([last - kept])?;
    conn.prepare_cached(
        "DELETE FROM record_replaced WHERE id <= coalesce((SELECT min(replaced_seen) FROM figure_sums), ?1)",
    )?
    .execute([last])?;
    Ok(())
}

/// What the store holds now, as three columns: the last bundle row, the last record row, the last
/// replaced state kept ([`Seen`]).
const SEEN: &str = "(SELECT coalesce(max(rowid), 0) FROM bundle_import), (SELECT coalesce(max(rowid), 0) FROM record),
    (SELECT coalesce(max(id), 0) FROM record_replaced)";

/// One commune's sums for one window, as kept: (commune code, first day, last day, JSON).
pub type KeptSums = (String, String, String, String);

/// What the store held when sums were counted (province migrations 0011, 0013): the last bundle
/// row, the last record row and the last replaced state kept. An import adds its bundle's row after
/// every other and each record it adds after every other; neither table's rows are ever deleted;
/// every update of a record row keeps the state it replaced under a new, greater id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seen {
    pub bundles: i64,
    pub records: i64,
    pub replaced: i64,
}

/// A stored state of a record, as [`ProvinceDb::each_replaced`] (a state an update replaced, province
/// migration 0013) and [`ProvinceDb::each_version`] (one installation's state now) pass it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredState<'a> {
    /// The record's row in `record`.
    pub row: i64,
    pub kind: &'a str,
    /// The state's JSON as stored (`None`: a tombstone, or a register whose data was not asked).
    pub data: Option<&'a [u8]>,
    /// False: the state is a tombstone.
    pub live: bool,
    /// Its stamp (a replaced state kept before province migration 0014: 0 and "").
    pub hlc: i64,
    pub origin: &'a str,
}

/// One commune's sums kept for a window: its code, the sums' JSON and when they were counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRow {
    pub commune_code: String,
    pub sums: String,
    /// `None`: kept before the marks existed (counted again).
    pub seen: Option<Seen>,
}

/// One record row as the figures count it ([`ProvinceDb::each_counted_row`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedRow<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    /// False for a tombstone.
    pub live: bool,
    /// The record's JSON as stored (`None`: a tombstone, or a register whose data was not asked).
    pub data: Option<&'a [u8]>,
    /// The change's stamp, when asked for (else 0 and "").
    pub hlc: i64,
    pub origin: &'a str,
}

impl<'r> StoredState<'r> {
    /// A row of the columns `row, kind, data, live, hlc, origin` ([`ProvinceDb::each_replaced`] and
    /// [`ProvinceDb::each_version`] select them in this order).
    fn read(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let text = |i: usize| -> rusqlite::Result<&'r str> { Ok(r.get_ref(i)?.as_str()?) };
        Ok(StoredState {
            row: r.get(0)?,
            kind: text(1)?,
            data: r.get_ref(2)?.as_bytes_or_null()?,
            live: r.get(3)?,
            hlc: r.get(4)?,
            origin: text(5)?,
        })
    }
}

impl<'r> CountedRow<'r> {
    /// A row of the columns `id, kind, data, deleted, hlc, origin` ([`ProvinceDb::each_counted_row`]
    /// and [`ProvinceDb::each_record_at`] select them in this order).
    fn read(r: &'r rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let text = |i: usize| -> rusqlite::Result<&'r str> { Ok(r.get_ref(i)?.as_str()?) };
        Ok(CountedRow {
            id: text(0)?,
            kind: text(1)?,
            data: r.get_ref(2)?.as_bytes_or_null()?,
            live: r.get::<_, i64>(3)? == 0,
            hlc: r.get(4)?,
            origin: text(5)?,
        })
    }
}

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
    /// `commune`), each with what the store held when they were counted.
    pub fn figure_sums(&self, first: &str, last: &str, commune: Option<&str>, made_by: &str) -> Result<Vec<KeptRow>> {
        super::all_rows(
            &self.conn,
            "SELECT commune_code, sums, bundles_seen, records_seen, replaced_seen FROM figure_sums
             WHERE first_day = ?1 AND last_day = ?2 AND made_by = ?3 AND (?4 IS NULL OR commune_code = ?4)",
            params![first, last, made_by, commune],
            |r| {
                let mark = |i: usize| r.get::<_, Option<i64>>(i);
                let seen = match (mark(2)?, mark(3)?, mark(4)?) {
                    (Some(bundles), Some(records), Some(replaced)) => Some(Seen { bundles, records, replaced }),
                    _ => None,
                };
                Ok(KeptRow { commune_code: r.get(0)?, sums: r.get(1)?, seen })
            },
        )
    }

    /// The bundles imported after the bundle row `after` ([`Seen::bundles`]), in the order they
    /// were imported: (row, commune code, summary JSON).
    pub fn bundles_since(&self, after: i64) -> Result<Vec<(i64, String, String)>> {
        super::all_rows(
            &self.conn,
            "SELECT rowid, commune_code, summary FROM bundle_import WHERE rowid > ?1 ORDER BY rowid",
            [after],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// What the store holds now (in a read transaction: what its snapshot holds).
    pub fn seen(&self) -> Result<Seen> {
        Ok(self.conn.query_row(&format!("SELECT {SEEN}"), [], |r| {
            Ok(Seen { bundles: r.get(0)?, records: r.get(1)?, replaced: r.get(2)? })
        })?)
    }

    /// Keeps sums counted inside [`ProvinceDb::in_one_read`] (sums made by another release are
    /// dropped). Returns false, keeping nothing, when another connection wrote since that read began
    /// (the sums may be of records that changed since: they are counted again at the next read).
    pub fn keep_figure_sums(&self, rows: &[KeptSums], made_by: &str) -> Result<bool> {
        self.keep_figure_sums_read(rows, made_by, &[], None)
    }

    /// As [`ProvinceDb::keep_figure_sums`], and marks every commune's (or only `commune`'s) sums of
    /// the windows `read` (first day, last day) as counted from this read's snapshot: the caller
    /// read them all and found that none of their communes sent a bundle since they were counted
    /// (so a later read does not look again through the bundles imported meanwhile). Writes only
    /// when a mark is behind.
    pub fn keep_figure_sums_read(
        &self,
        rows: &[KeptSums],
        made_by: &str,
        read: &[(String, String)],
        commune: Option<&str>,
    ) -> Result<bool> {
        let behind = |now: &Seen| -> rusqlite::Result<bool> {
            let mut st = self.conn.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM figure_sums WHERE first_day = ?1 AND last_day = ?2 AND made_by = ?3
                   AND (?4 IS NULL OR commune_code = ?4)
                   AND (bundles_seen < ?5 OR records_seen < ?6 OR replaced_seen < ?7))",
            )?;
            for (first, last) in read {
                let args = params![first, last, made_by, commune, now.bundles, now.records, now.replaced];
                if st.query_row(args, |r| r.get(0))? {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        let now = self.seen()?;
        let mark = behind(&now)?;
        if rows.is_empty() && !mark {
            return Ok(true);
        }
        let keep = || -> rusqlite::Result<()> {
            self.conn.execute("SAVEPOINT keep_figure_sums", [])?;
            let done = put_sums(&self.conn, rows, made_by).and_then(|()| {
                let mut up = self.conn.prepare_cached(
                    "UPDATE figure_sums SET bundles_seen = ?5, records_seen = ?6, replaced_seen = ?7
                     WHERE first_day = ?1 AND last_day = ?2 AND made_by = ?3 AND (?4 IS NULL OR commune_code = ?4)",
                )?;
                for (first, last) in read.iter().filter(|_| mark) {
                    up.execute(params![first, last, made_by, commune, now.bundles, now.records, now.replaced])?;
                }
                prune_replaced(&self.conn, REPLACED_KEPT, REPLACED_PRUNED_BY)
            });
            match done {
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

    /// Every record of commune `code` of the given `kinds` (tombstones included), in no set order,
    /// each row read where it lies: what the figures count (with `after`, only the rows added after
    /// the record row `after`, [`Seen::records`]). The data of the `unread` kinds is not
    /// read (their records are counted, not looked into); the stamps (hlc, origin) only with
    /// `stamps`. The text is passed as bytes: the records were written as text by the import, and
    /// the parser checks the UTF-8 of what it takes (checking all of it was a fifth of a count).
    pub fn each_counted_row(
        &self,
        code: &str,
        kinds: &[&str],
        unread: &[&str],
        stamps: bool,
        after: Option<i64>,
        f: &mut dyn FnMut(&CountedRow<'_>) -> Result<()>,
    ) -> Result<()> {
        let marks = |from: usize, n: usize| (from..from + n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT id, kind, CASE WHEN kind IN ({}) THEN NULL ELSE data END, deleted, {} FROM record
             WHERE commune_code = ?1 AND kind IN ({}){}",
            if unread.is_empty() { "NULL".to_owned() } else { marks(2 + kinds.len(), unread.len()) },
            if stamps { "hlc, origin" } else { "0, ''" },
            marks(2, kinds.len()),
            // The commune-and-kind index ends with the rowid: a range of it.
            if after.is_some() { format!(" AND rowid > ?{}", 2 + kinds.len() + unread.len()) } else { String::new() }
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        use rusqlite::types::Value;
        let text = |t: &str| Value::Text(t.to_owned());
        let args = std::iter::once(text(code))
            .chain(kinds.iter().map(|k| text(k)))
            .chain(unread.iter().map(|k| text(k)))
            .chain(after.map(Value::Integer));
        let mut rows = st.query(rusqlite::params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            f(&CountedRow::read(r)?)?;
        }
        Ok(())
    }

    /// The states of commune `code`'s records that updates replaced after the entry `after`
    /// ([`Seen::replaced`]), of every register, in the order they were replaced (so a row's first
    /// is its state before every later change); the data is read only of the registers `read`.
    pub fn each_replaced(
        &self,
        code: &str,
        after: i64,
        read: &[&str],
        f: &mut dyn FnMut(&StoredState<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "SELECT record_row, kind, CASE WHEN kind IN (SELECT value FROM json_each(?3)) THEN data END,
                    data IS NOT NULL, coalesce(hlc, 0), coalesce(origin, '')
             FROM record_replaced WHERE commune_code = ?1 AND id > ?2 ORDER BY id",
        )?;
        let read = serde_json::to_string(read).expect("a list of texts");
        let mut rows = st.query(params![code, after, read])?;
        while let Some(r) = rows.next()? {
            f(&StoredState::read(r)?)?;
        }
        Ok(())
    }

    /// The record rows `rows` (rowids in `record`) of commune `code` and the given `kinds`, as
    /// [`ProvinceDb::each_counted_row`] passes them (without stamps); a row of another commune or
    /// register is skipped.
    pub fn each_record_at(
        &self,
        code: &str,
        rows: &[i64],
        kinds: &[&str],
        unread: &[&str],
        f: &mut dyn FnMut(&CountedRow<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, kind, CASE WHEN kind IN (SELECT value FROM json_each(?4)) THEN NULL ELSE data END, deleted,
                    0, ''
             FROM record
             WHERE rowid = ?1 AND commune_code = ?2 AND kind IN (SELECT value FROM json_each(?3))",
        )?;
        let list = |v: &[&str]| serde_json::to_string(v).expect("a list of texts");
        let (kinds, unread) = (list(kinds), list(unread));
        for row in rows {
            let mut found = st.query(params![row, code, kinds, unread])?;
            if let Some(r) = found.next()? {
                f(&CountedRow::read(r)?)?;
            }
        }
        Ok(())
    }

    /// The ids of the record rows `rows` of commune `code`, in that order (a row of another commune:
    /// skipped).
    pub fn record_ids_at(&self, code: &str, rows: &[i64]) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached("SELECT id FROM record WHERE rowid = ?1 AND commune_code = ?2")?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(id) = st.query_row(params![row, code], |r| r.get(0)).optional()? {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Every state of record `id` of commune `code` that one of its `installations` sent (one row
    /// each, read by the primary key); the data only of the registers `read`.
    pub fn each_version(
        &self,
        code: &str,
        installations: &[String],
        id: &str,
        read: &[&str],
        f: &mut dyn FnMut(&StoredState<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "SELECT rowid, kind, CASE WHEN kind IN (SELECT value FROM json_each(?4)) THEN data END, deleted = 0, hlc,
                    origin
             FROM record WHERE installation_id = ?1 AND id = ?2 AND commune_code = ?3",
        )?;
        let read = serde_json::to_string(read).expect("a list of texts");
        for inst in installations {
            let mut rows = st.query(params![inst, id, code, read])?;
            while let Some(r) = rows.next()? {
                f(&StoredState::read(r)?)?;
            }
        }
        Ok(())
    }

    /// A second connection to the same store, for reading only (the figures count communes on two
    /// threads): `None` when it cannot be opened (nothing is refused for it: the count then stays
    /// on one thread). The data key is the one this store was opened with: no key derivation.
    pub fn reader(&self) -> Option<ProvinceDb> {
        let conn = super::open_encrypted(&ProvinceDb::db_path(self.dir()), &self.key).ok()?;
        super::configure(&conn).ok()?;
        conn.pragma_update(None, "query_only", true).ok()?;
        Some(ProvinceDb::reading(conn, self))
    }

    /// Forgets every sum kept: the next read counts every commune again from its records (they are
    /// a cache of what the records give; nothing else is lost).
    pub fn forget_figure_sums(&self) -> Result<()> {
        self.conn.execute("DELETE FROM figure_sums", [])?;
        Ok(())
    }

    /// Forgets the replaced states of records no sums kept need any more, when more than
    /// `kept + by` are kept: the sums kept that are more than `kept` states behind the newest are
    /// dropped first (a window not read again while `kept` records were replaced: counted again if
    /// it is read), then every state before the oldest mark left. Done by every read that keeps
    /// sums, with [`REPLACED_KEPT`] and [`REPLACED_PRUNED_BY`]; so at most about their sum are kept.
    pub fn prune_replaced_states(&self, kept: i64, by: i64) -> Result<()> {
        Ok(prune_replaced(&self.conn, kept, by)?)
    }

    /// How many replaced states of records are kept (province migration 0013).
    pub fn replaced_kept(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM record_replaced", [], |r| r.get(0))?)
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

/// Writes `rows` over the sums kept, marked with what the store holds (the snapshot they were
/// counted from: the caller's read transaction), and drops those another release made.
fn put_sums(conn: &rusqlite::Connection, rows: &[KeptSums], made_by: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM figure_sums WHERE made_by <> ?1", [made_by])?;
    let mut put = conn.prepare_cached(&format!(
        "INSERT INTO figure_sums (commune_code, first_day, last_day, made_by, sums, bundles_seen, records_seen,
             replaced_seen)
         SELECT ?1, ?2, ?3, ?4, ?5, {SEEN} WHERE true
         ON CONFLICT (commune_code, first_day, last_day) DO UPDATE SET made_by = excluded.made_by,
             sums = excluded.sums, bundles_seen = excluded.bundles_seen, records_seen = excluded.records_seen,
             replaced_seen = excluded.replaced_seen"
    ))?;
    for (code, first, last, sums) in rows {
        put.execute(params![code, first, last, made_by, sums])?;
    }
    Ok(())
}

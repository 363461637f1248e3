//! What the province sent its communes, carried over a restore (`crate::backup::restore_province`).
//!
//! A backup is older than the store it replaces: the decisions on the communes' periods, the
//! inspections with their tasks and verdicts, the versions of the reference lists and the numbered
//! reports the province made after it are not in the copy, and its outgoing bundle numbers
//! (`out_seq`) are lower. The communes hold what was sent; the province must not contradict it
//! (a decision numbered again with other content is refused at the commune for ever, a reference
//! version sent again with other lists is skipped there, a report number would be given twice). So
//! the restore reads that ledger from the store it replaces, when it opens ([`ProvinceDb::sent`]),
//! and writes what the copy lacks into the copy ([`ProvinceDb::keep_sent`]): every table of it is
//! append-only (no update, no delete), so a row is carried as it was. Either way the copy starts a
//! new outgoing epoch: the province's bundles after a restore are told apart by (epoch, number) even
//! when nothing could be read from the replaced store.

use std::collections::HashMap;

use rusqlite::params_from_iter;
use rusqlite::types::Value;
use serde::Serialize;

use super::province::ProvinceDb;
use super::province_console::audit;
use crate::error::Result;

/// The append-only tables of what the province sent or numbered, in an order their rows can be
/// inserted in (an inspection before its tasks, a task before its verdicts).
const TABLES: &[&str] =
    &["inspection_sent", "remedy_sent", "remedy_verdict", "province_reference", "province_issued_doc"];

/// A table's columns and rows, as read.
type Rows = (Vec<String>, Vec<Vec<Value>>);

/// What a province store sent its communes: read from the store a restore replaces.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub out_seq: i64,
    pub epoch: i64,
    /// `review_decision`'s columns and rows, by commune then number.
    decisions: Rows,
    /// Each table of [`TABLES`]: its columns and rows.
    tables: Vec<(&'static str, Rows)>,
    /// The register's counters: (series, year, last).
    counters: Vec<(String, i64, i64)>,
}

/// What a restore carried into the copy from the store it replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// The copy's last outgoing bundle number, and the one it goes on from (never lower than the
    /// replaced store's).
    pub out_seq_before: i64,
    pub out_seq: i64,
    /// The province's outgoing epoch after the restore.
    pub epoch: i64,
    /// Per commune, the decisions carried over (their numbers).
    pub decisions: Vec<(String, Vec<i64>)>,
    pub inspections: usize,
    pub tasks: usize,
    pub verdicts: usize,
    /// Versions of the reference lists carried over.
    pub references: Vec<i64>,
    /// Numbered reports (the province's register) carried over.
    pub documents: usize,
    /// Communes whose decisions in the copy differ from those the replaced store had sent (the copy
    /// was not an older state of it): nothing of theirs carried.
    pub diverged: Vec<String>,
}

impl Kept {
    /// Whether anything sent after the backup was carried over.
    pub fn carried_anything(&self) -> bool {
        !self.decisions.is_empty()
            || self.inspections + self.tasks + self.verdicts + self.documents > 0
            || !self.references.is_empty()
    }
}

fn meta_i64(conn: &rusqlite::Connection, key: &str) -> Result<i64> {
    use rusqlite::OptionalExtension;
    let v: Option<String> =
        conn.query_row("SELECT value FROM province_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn table(conn: &rusqlite::Connection, sql: &str) -> Result<Rows> {
    let mut stmt = conn.prepare(sql)?;
    let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let n = columns.len();
    let rows = stmt
        .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<Value>>>())?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((columns, rows))
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        _ => String::new(),
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        _ => 0,
    }
}

/// The province's outgoing epoch (0 until its first restore).
pub(super) fn epoch(conn: &rusqlite::Connection) -> Result<i64> {
    meta_i64(conn, "out_epoch")
}

impl ProvinceDb {
    /// Everything this store sent its communes or numbered: the ledger a restore carries over.
    pub fn sent(&self) -> Result<Sent> {
        let decisions = table(&self.conn, "SELECT * FROM review_decision ORDER BY commune_code, n")?;
        let mut tables = Vec::new();
        for t in TABLES {
            tables.push((*t, table(&self.conn, &format!("SELECT * FROM {t} ORDER BY rowid"))?));
        }
        let counters = super::all_rows(&self.conn, "SELECT series, year, last FROM province_doc_counter", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(Sent { out_seq: meta_i64(&self.conn, "out_seq")?, epoch: epoch(&self.conn)?, decisions, tables, counters })
    }

    /// Writes into this store (the restored copy) what `replaced` sent that it lacks, raises its
    /// outgoing numbers to the replaced store's and starts a new outgoing epoch; `None` (the replaced
    /// store could not be read, or there was none) only starts the new epoch. A commune's decisions
    /// are carried only when the copy's are the first of the replaced store's (same ids, in order).
    /// One transaction, audited `restore_keep`.
    pub fn keep_sent(&mut self, replaced: Option<&Sent>) -> Result<Kept> {
        let who = self.who();
        let tx = self.conn.transaction()?;
        let mut kept = Kept {
            out_seq_before: meta_i64(&tx, "out_seq")?,
            epoch: epoch(&tx)?.max(replaced.map_or(0, |s| s.epoch)) + 1,
            ..Kept::default()
        };
        kept.out_seq = kept.out_seq_before.max(replaced.map_or(0, |s| s.out_seq));
        if let Some(sent) = replaced {
            // Decisions: per commune, the copy's must be the first of the replaced store's.
            let have: HashMap<(String, i64), String> =
                super::all_rows(&tx, "SELECT commune_code, n, id FROM review_decision", [], |r| {
                    Ok(((r.get(0)?, r.get(1)?), r.get(2)?))
                })?
                .into_iter()
                .collect();
            let (columns, rows) = &sent.decisions;
            let col = |name: &str| columns.iter().position(|c| c == name).unwrap_or(0);
            let (c_commune, c_n, c_id) = (col("commune_code"), col("n"), col("id"));
            let insert = insert_sql("review_decision", columns);
            let mut diverged: Vec<String> = Vec::new();
            for row in rows {
                let commune = text(&row[c_commune]);
                if diverged.contains(&commune) {
                    continue;
                }
                let n = int(&row[c_n]);
                match have.get(&(commune.clone(), n)) {
                    Some(id) if *id == text(&row[c_id]) => {}
                    Some(_) => diverged.push(commune),
                    None => {
                        tx.execute(&insert, params_from_iter(row.iter()))?;
                        match kept.decisions.last_mut() {
                            Some((c, ns)) if *c == commune => ns.push(n),
                            _ => kept.decisions.push((commune, vec![n])),
                        }
                    }
                }
            }
            kept.diverged = diverged;
            for (t, (columns, rows)) in &sent.tables {
                let insert = insert_sql(t, columns);
                let version = columns.iter().position(|c| c == "version");
                for row in rows {
                    if tx.execute(&insert, params_from_iter(row.iter()))? == 0 {
                        continue;
                    }
                    match *t {
                        "inspection_sent" => kept.inspections += 1,
                        "remedy_sent" => kept.tasks += 1,
                        "remedy_verdict" => kept.verdicts += 1,
                        "province_reference" => kept.references.push(version.map_or(0, |i| int(&row[i]))),
                        _ => kept.documents += 1,
                    }
                }
            }
            for (series, year, last) in &sent.counters {
                tx.execute(
                    "INSERT INTO province_doc_counter (series, year, last) VALUES (?1, ?2, ?3)
                     ON CONFLICT (series, year) DO UPDATE SET last = max(last, excluded.last)",
                    rusqlite::params![series, year, last],
                )?;
            }
        }
        for (k, v) in [("out_seq", kept.out_seq), ("out_epoch", kept.epoch)] {
            tx.execute(
                "INSERT INTO province_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                rusqlite::params![k, v.to_string()],
            )?;
        }
        let detail = serde_json::json!({
            "replaced_read": replaced.is_some(),
            "kept": &kept,
        });
        audit(&tx, &chrono::Utc::now().to_rfc3339(), &who, "restore_keep", None, &detail)?;
        tx.commit()?;
        Ok(kept)
    }
}

fn insert_sql(table: &str, columns: &[String]) -> String {
    let marks = vec!["?"; columns.len()].join(", ");
    format!("INSERT OR IGNORE INTO {table} ({}) VALUES ({marks})", columns.join(", "))
}

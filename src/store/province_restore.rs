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

/// What the province finds of its own signed bundles (receipts, decision and reference bundles,
/// the enrollment) after a restore whose replaced store could not be read: the highest number it
/// gave, every commune's decisions as a bundle carried them, what it signed about its inspections,
/// the versions of the lists it sent. `crate::sync::province` verified each bundle's signature.
#[derive(Debug, Clone, Default)]
pub struct FoundSent {
    pub max_seq: i64,
    /// Per bundle: the commune and every decision on it, numbered 1…N.
    pub decisions: Vec<(String, Vec<crate::domain::review::Decision>)>,
    /// Per bundle: what it carried of the province's inspections, and when it was made.
    pub inspections: Vec<(crate::domain::inspection::Signed, String)>,
    /// (version, the lists as sent, when the bundle was made).
    pub references: Vec<(i64, String, String)>,
}

impl ProvinceDb {
    /// Writes into the store what `found` shows the province sent and the store lacks (a restore
    /// could not read the store it replaced): decisions (a commune's only when the store's are the
    /// first of a bundle's, same ids in order), inspections, tasks and verdicts, versions of the
    /// lists; `out_seq` raised to the highest number found. One transaction, audited
    /// `restore_recover`.
    pub fn recover_sent(&mut self, found: &FoundSent) -> Result<Kept> {
        use rusqlite::params;
        let who = self.who();
        let tx = self.conn.transaction()?;
        let before = meta_i64(&tx, "out_seq")?;
        let mut kept =
            Kept { out_seq_before: before, out_seq: before.max(found.max_seq), epoch: epoch(&tx)?, ..Kept::default() };
        for (commune, all) in &found.decisions {
            let have: Vec<String> = super::all_rows(
                &tx,
                "SELECT id FROM review_decision WHERE commune_code = ?1 ORDER BY n",
                [commune],
                |r| r.get(0),
            )?;
            // One is the other's beginning (an older bundle carries fewer): else they differ.
            if !have.iter().zip(all).all(|(h, d)| *h == d.id.to_string()) {
                if !kept.diverged.contains(commune) {
                    kept.diverged.push(commune.clone());
                }
                continue;
            }
            // The decisions after the copy's own (none when the copy holds as many or more).
            for d in all.get(have.len()..).unwrap_or_default() {
                super::province_review::put_decision(&tx, commune, d, None, &who)?;
                match kept.decisions.iter_mut().find(|(c, _)| c == commune) {
                    Some((_, ns)) => ns.push(d.n),
                    None => kept.decisions.push((commune.clone(), vec![d.n])),
                }
            }
        }
        let json = |d: &crate::domain::Doc| serde_json::to_string(d).map_err(|e| crate::Error::Json(e.to_string()));
        for (s, at) in &found.inspections {
            for i in &s.inspections {
                kept.inspections += tx.execute(
                    "INSERT OR IGNORE INTO inspection_sent (id, commune_code, data, username, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![i.id.to_string(), s.commune_code, json(&i.fields)?, who, at],
                )?;
                for t in &i.tasks {
                    kept.tasks += tx.execute(
                        "INSERT OR IGNORE INTO remedy_sent (id, inspection_id, commune_code, data) VALUES (?1, ?2, ?3, ?4)",
                        params![t.id.to_string(), i.id.to_string(), s.commune_code, json(&t.fields)?],
                    )?;
                }
            }
            for v in &s.verdicts {
                kept.verdicts += tx.execute(
                    "INSERT OR IGNORE INTO remedy_verdict (answer_id, remedy_id, commune_code, data, username, decided_at)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM remedy_sent WHERE id = ?2)",
                    params![v.answer_id.to_string(), v.remedy_id.to_string(), s.commune_code, json(&v.fields)?, who, at],
                )?;
            }
        }
        for (version, lists, at) in &found.references {
            if tx.execute(
                "INSERT OR IGNORE INTO province_reference (version, lists, written_at, written_by) VALUES (?1, ?2, ?3, ?4)",
                params![version, lists, at, who],
            )? > 0
            {
                kept.references.push(*version);
            }
        }
        kept.references.sort_unstable();
        if kept.out_seq > before {
            tx.execute("UPDATE province_meta SET value = ?1 WHERE key = 'out_seq'", [kept.out_seq.to_string()])?;
        }
        if kept.carried_anything() || kept.out_seq > before || !kept.diverged.is_empty() {
            audit(
                &tx,
                &chrono::Utc::now().to_rfc3339(),
                &who,
                "restore_recover",
                None,
                &serde_json::json!({"kept": &kept}),
            )?;
        }
        tx.commit()?;
        Ok(kept)
    }
}

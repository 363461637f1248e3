//! The province store's side of the review of the communes' periods (province migration 0005): the
//! decisions, numbered per commune, and the queue of changes to approved periods ("sửa sau khi
//! duyệt"). The rules are in `crate::province::review`; this module only reads and writes.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::province::ProvinceDb;
use super::province_console::audit;
use crate::domain::review::{Action, Answer, Decision, Reason};
use crate::error::{Error, Result};

/// A change held because it writes into an approved period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldRow {
    pub record_id: String,
    pub kind: String,
    pub period: String,
    /// The record as the province holds it (approved), `None` if it had none.
    pub old_data: Option<String>,
    /// The record as the bundle carries it, `None` for a deletion.
    pub new_data: Option<String>,
    pub hlc: u64,
    pub origin: Uuid,
}

/// A held change as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldEntry {
    pub bundle: String,
    pub installation_id: String,
    pub commune_code: String,
    #[serde(flatten)]
    pub row: HeldRow,
    pub at: String,
    pub decision: Option<String>,
    pub note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// A decision as the province keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredDecision {
    pub commune_code: String,
    pub username: String,
    #[serde(flatten)]
    pub decision: Decision,
    /// The commune's figures for the period when it was approved.
    pub figures: Option<serde_json::Value>,
}

/// A commune's answer to a reason of a return, as the province keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAnswer {
    pub commune_code: String,
    #[serde(flatten)]
    pub answer: Answer,
    /// When the bundle that first said so was imported.
    pub at: String,
}

const COLUMNS: &str =
    "commune_code, n, id, period, label, start, end, action, decided_by, username, decided_at, note, reasons, figures";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDecision> {
    let bad = |i: usize| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, "review".into());
    let id: String = r.get(2)?;
    let period: String = r.get(3)?;
    let start: String = r.get(5)?;
    let end: String = r.get(6)?;
    let action: String = r.get(7)?;
    let at: String = r.get(10)?;
    let reasons: String = r.get(12)?;
    let figures: Option<String> = r.get(13)?;
    Ok(StoredDecision {
        commune_code: r.get(0)?,
        username: r.get(9)?,
        decision: Decision {
            n: r.get(1)?,
            id: Uuid::parse_str(&id).map_err(|_| bad(2))?,
            period: period.parse().map_err(|_| bad(3))?,
            label: r.get(4)?,
            start: chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").map_err(|_| bad(5))?,
            end: chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d").map_err(|_| bad(6))?,
            action: Action::parse(&action).ok_or_else(|| bad(7))?,
            by: r.get(8)?,
            at: chrono::DateTime::parse_from_rfc3339(&at).map_err(|_| bad(10))?.with_timezone(&chrono::Utc),
            note: r.get(11)?,
            reasons: serde_json::from_str::<Vec<Reason>>(&reasons).map_err(|_| bad(12))?,
        },
        figures: figures.and_then(|f| serde_json::from_str(&f).ok()),
    })
}

fn answer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredAnswer> {
    let bad = |i: usize| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, "answer".into());
    let id: Option<String> = r.get(3)?;
    let done: String = r.get(4)?;
    Ok(StoredAnswer {
        commune_code: r.get(0)?,
        answer: Answer {
            decision: r.get(1)?,
            i: r.get(2)?,
            record_id: id.map(|s| Uuid::parse_str(&s).map_err(|_| bad(3))).transpose()?,
            done_at: chrono::DateTime::parse_from_rfc3339(&done).map_err(|_| bad(4))?.with_timezone(&chrono::Utc),
        },
        at: r.get(5)?,
    })
}

const HELD: &str = "SELECT bundle, installation_id, commune_code, record_id, kind, period, old_data, new_data, hlc,
        origin, at, decision, note, decided_by, decided_at
 FROM held_change ORDER BY decision IS NOT NULL, at DESC, commune_code, record_id";

fn held_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HeldEntry> {
    let origin: String = r.get(9)?;
    Ok(HeldEntry {
        bundle: r.get(0)?,
        installation_id: r.get(1)?,
        commune_code: r.get(2)?,
        row: HeldRow {
            record_id: r.get(3)?,
            kind: r.get(4)?,
            period: r.get(5)?,
            old_data: r.get(6)?,
            new_data: r.get(7)?,
            hlc: r.get::<_, i64>(8)? as u64,
            origin: Uuid::parse_str(&origin).unwrap_or_default(),
        },
        at: r.get(10)?,
        decision: r.get(11)?,
        note: r.get(12)?,
        decided_by: r.get(13)?,
        decided_at: r.get(14)?,
    })
}

impl ProvinceDb {
    /// Every decision on the communes' periods (one commune's with `commune`), by commune and number.
    pub fn review_decisions(&self, commune: Option<&str>) -> Result<Vec<StoredDecision>> {
        super::all_rows(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM review_decision WHERE ?1 IS NULL OR commune_code = ?1 ORDER BY commune_code, n"
            ),
            [commune],
            row,
        )
    }

    /// Commune `code`'s decisions on the `periods` asked, by number, without the figures they carry
    /// (province migration 0012's index: a year's roster reads its year's decisions).
    pub fn review_decisions_on(&self, code: &str, periods: &[String]) -> Result<Vec<StoredDecision>> {
        let marks: Vec<String> = (0..periods.len()).map(|i| format!("?{}", i + 2)).collect();
        let columns = COLUMNS.replace(", figures", ", NULL");
        // No ORDER BY: it would take the primary key (every decision of the commune) for its order.
        let mut out = super::all_rows(
            &self.conn,
            &format!(
                "SELECT {columns} FROM review_decision WHERE commune_code = ?1 AND period IN ({})",
                marks.join(", ")
            ),
            rusqlite::params_from_iter(std::iter::once(code).chain(periods.iter().map(String::as_str))),
            row,
        )?;
        out.sort_by_key(|d| d.decision.n);
        Ok(out)
    }

    /// Commune `code`'s answers to the reasons of its decisions numbered `decisions`.
    pub fn review_answers_to(&self, code: &str, decisions: &[i64]) -> Result<Vec<StoredAnswer>> {
        let marks: Vec<String> = (0..decisions.len()).map(|i| format!("?{}", i + 2)).collect();
        let args: Vec<rusqlite::types::Value> = std::iter::once(rusqlite::types::Value::Text(code.to_owned()))
            .chain(decisions.iter().map(|n| rusqlite::types::Value::Integer(*n)))
            .collect();
        super::all_rows(
            &self.conn,
            &format!(
                "SELECT commune_code, decision, i, record_id, done_at, at FROM review_answer
                 WHERE commune_code = ?1 AND decision IN ({}) ORDER BY decision, i",
                marks.join(", ")
            ),
            rusqlite::params_from_iter(args),
            answer_row,
        )
    }

    /// The answers of the communes (one commune's with `commune`) to the reasons of their returns.
    pub fn review_answers(&self, commune: Option<&str>) -> Result<Vec<StoredAnswer>> {
        super::all_rows(
            &self.conn,
            "SELECT commune_code, decision, i, record_id, done_at, at FROM review_answer
             WHERE ?1 IS NULL OR commune_code = ?1 ORDER BY commune_code, decision, i",
            [commune],
            answer_row,
        )
    }

    /// Records a decision (numbered next for its commune: `d.n` is ignored) with its audit entry, in
    /// one transaction; with `merge`, also merges a held change the reopening accepts. Returns the
    /// decision as numbered.
    pub fn record_decision(
        &mut self,
        commune_code: &str,
        d: &Decision,
        figures: Option<&serde_json::Value>,
        username: &str,
    ) -> Result<Decision> {
        let tx = self.conn.transaction()?;
        let d = insert_decision(&tx, commune_code, d, figures, username)?;
        tx.commit()?;
        Ok(d)
    }

    /// The held changes ("sửa sau khi duyệt"), undecided first, newest first.
    pub fn held_changes(&self) -> Result<Vec<HeldEntry>> {
        super::all_rows(&self.conn, HELD, [], held_row)
    }

    /// Decides on a held change: refused (kept aside), or accepted: then `reopen` (when the period is
    /// still approved) is recorded first and the change merged like an import (its latest state
    /// wins). The audit entry goes with it; one transaction.
    pub fn decide_held(
        &mut self,
        e: &HeldEntry,
        accept: bool,
        reopen: Option<&Decision>,
        note: &str,
        username: &str,
        now: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        if let Some(d) = reopen {
            insert_decision(&tx, &e.commune_code, d, None, username)?;
        }
        let decision = if accept { "accept" } else { "refuse" };
        let n = tx.execute(
            "UPDATE held_change SET decision = ?3, note = ?4, decided_by = ?5, decided_at = ?6
             WHERE bundle = ?1 AND record_id = ?2 AND decision IS NULL",
            params![e.bundle, e.row.record_id, decision, note, username, now],
        )?;
        if n == 0 {
            return Err(Error::Refused(format!(
                "Thay đổi của bản ghi {} đã được quyết định trước đây; mỗi thay đổi chỉ quyết định một lần.",
                e.row.record_id
            )));
        }
        if accept {
            let origin = e.row.origin.to_string();
            super::province::merge_record(
                &tx,
                &super::province::MergedState {
                    installation_id: &e.installation_id,
                    id: &e.row.record_id,
                    commune_code: &e.commune_code,
                    kind: &e.row.kind,
                    data: e.row.new_data.as_deref(),
                    hlc: e.row.hlc as i64,
                    origin: &origin,
                    bundle: &e.bundle,
                },
            )?;
        }
        audit(
            &tx,
            now,
            username,
            &format!("held_change_{decision}"),
            Some(&e.row.record_id),
            &serde_json::json!({"bundle": e.bundle, "commune": e.commune_code, "kind": e.row.kind,
                "period": e.row.period, "note": note}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A commune's live record by id (the latest state across its installations): kind and fields.
    pub fn commune_record(&self, commune_code: &str, id: Uuid) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT kind, data FROM record WHERE commune_code = ?1 AND id = ?2
                 ORDER BY hlc DESC, origin DESC LIMIT 1",
                params![commune_code, id.to_string()],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
            )
            .optional()?
            .and_then(|(k, d)| d.map(|d| (k, d))))
    }

    /// When the last bundle of a commune was imported (RFC 3339), for "Đã sửa".
    pub fn last_import_of(&self, commune_code: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT max(imported_at) FROM bundle_import WHERE commune_code = ?1", [commune_code], |r| {
                r.get(0)
            })
            .optional()?
            .flatten())
    }
}

fn insert_decision(
    tx: &rusqlite::Transaction<'_>,
    commune_code: &str,
    d: &Decision,
    figures: Option<&serde_json::Value>,
    username: &str,
) -> Result<Decision> {
    let n: i64 = tx.query_row(
        "SELECT coalesce(max(n), 0) + 1 FROM review_decision WHERE commune_code = ?1",
        [commune_code],
        |r| r.get(0),
    )?;
    let d = Decision { n, ..d.clone() };
    put_decision(tx, commune_code, &d, figures, username)?;
    audit(
        tx,
        &d.at.to_rfc3339(),
        username,
        &format!("review_{}", d.action.code()),
        Some(commune_code),
        &serde_json::json!({"n": d.n, "period": d.period, "note": d.note, "reasons": d.reasons}),
    )?;
    Ok(d)
}

/// Writes a decision's row under its own number `d.n` (a new decision's, or, on a restore, one the
/// communes were sent after the backup); the caller writes the audit entry.
pub(super) fn put_decision(
    tx: &rusqlite::Transaction<'_>,
    commune_code: &str,
    d: &Decision,
    figures: Option<&serde_json::Value>,
    username: &str,
) -> Result<()> {
    let reasons = serde_json::to_string(&d.reasons).map_err(|e| Error::Json(e.to_string()))?;
    tx.execute(
        &format!("INSERT INTO review_decision ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"),
        params![
            commune_code,
            d.n,
            d.id.to_string(),
            d.period.to_string(),
            d.label,
            d.start.to_string(),
            d.end.to_string(),
            d.action.code(),
            d.by,
            username,
            d.at.to_rfc3339(),
            d.note,
            reasons,
            figures.map(|f| f.to_string())
        ],
    )?;
    Ok(())
}

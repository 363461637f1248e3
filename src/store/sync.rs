//! Change records for sync: what an installation sends and how another merges it.
//!
//! A change is a record's whole latest state (or its tombstone) with its clock stamp and origin.
//! Merging keeps, per record, the change with the greater `(hlc, origin)`: last writer wins, ties
//! broken by the installation id, so every installation that sees the same changes ends in the same
//! state whatever the order.

use super::audit::Audited;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{RECORD_COLUMNS, Tx, record_from_row};
use crate::domain::{self, Checked, Doc, Kind};
use crate::error::{Error, Result};
use crate::hlc::Hlc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub id: Uuid,
    pub kind: Kind,
    pub hlc: Hlc,
    pub origin: Uuid,
    /// The sender's sequence number of this change.
    pub seq: i64,
    /// The record's fields; `None` for a deletion.
    pub data: Option<Doc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Changes that won and were written.
    pub applied: usize,
    /// Changes older than (or equal to) what the store already had.
    pub unchanged: usize,
}

pub(super) fn changes_since(conn: &Connection, after: i64, limit: u32) -> Result<Vec<Change>> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM record WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params![after, limit], record_from_row)?;
    rows.map(|r| {
        let r = r?;
        Ok(Change {
            id: r.id,
            kind: r.kind,
            hlc: r.meta.hlc,
            origin: r.meta.origin,
            seq: r.meta.seq,
            data: (!r.meta.deleted).then_some(r.data),
        })
    })
    .collect()
}

/// A change as an export writes it: the same JSON as [`Change`], with the record's fields copied as
/// the stored JSON text instead of being parsed and written again.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeLine {
    pub id: Uuid,
    pub kind: Kind,
    pub hlc: Hlc,
    pub origin: Uuid,
    pub seq: i64,
    pub data: Option<Box<serde_json::value::RawValue>>,
}

/// [`changes_since`] for an export: the stored JSON text of each record, checked to be JSON but not
/// rebuilt.
pub(super) fn change_lines_since(conn: &Connection, after: i64, limit: u32) -> Result<Vec<ChangeLine>> {
    let mut st = conn
        .prepare_cached("SELECT id, kind, hlc, origin, seq, data FROM record WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let rows = st.query_map(params![after, limit], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (id, kind, hlc, origin, seq, data) = row?;
        let bad = |what: &str| Error::Json(format!("bản ghi «{id}» trong kho có {what}"));
        Ok(ChangeLine {
            id: Uuid::parse_str(&id).map_err(|_| bad("mã không hợp lệ"))?,
            kind: Kind::parse(&kind).ok_or_else(|| bad(&format!("loại «{kind}» không có trong phongtrao")))?,
            hlc: Hlc(hlc as u64),
            origin: Uuid::parse_str(&origin).map_err(|_| bad("mã máy cài đặt không hợp lệ"))?,
            seq,
            data: data
                .map(serde_json::value::RawValue::from_string)
                .transpose()
                .map_err(|_| bad("nội dung không đọc được"))?,
        })
    })
    .collect()
}

pub(super) fn apply(tx: &mut Tx<'_>, changes: &[Change]) -> Result<MergeReport> {
    let mut report = MergeReport::default();
    for c in changes {
        let local: Option<(String, i64, String)> = {
            let mut st = tx.tx.prepare_cached("SELECT kind, hlc, origin FROM record WHERE id = ?1")?;
            st.query_row([c.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?
        };
        if let Some((kind, hlc, origin)) = &local {
            if kind != c.kind.code() {
                return Err(Error::Refused(format!(
                    "Bản ghi {} là {} ở máy này nhưng là {} trong dữ liệu nhận được.",
                    c.id,
                    Kind::parse(kind).map_or(kind.clone(), |k| k.label().to_owned()),
                    c.kind.label()
                )));
            }
            if (Hlc(*hlc as u64), origin.as_str()) >= (c.hlc, c.origin.to_string().as_str()) {
                report.unchanged += 1;
                continue;
            }
        }
        let clock = Hlc::observe(Hlc(tx.counter("hlc")? as u64), c.hlc, Hlc::wall_ms());
        tx.set_clock(clock)?;
        let old = tx.reader().live_doc(c.kind, c.id)?;
        match &c.data {
            Some(doc) => {
                let title = domain::title(c.kind, doc, tx)?;
                let checked = Checked { doc: doc.clone(), title, warnings: Vec::new() };
                tx.write_row(c.kind, c.id, Some(&checked), c.hlc, c.origin)?;
                let new = serde_json::Value::Object(doc.clone());
                let old = old.map(serde_json::Value::Object);
                tx.audit_change(
                    "sync",
                    Audited { kind: Some(c.kind), id: Some(c.id), old: old.as_ref(), new: Some(&new) },
                )?;
            }
            None => {
                tx.write_row(c.kind, c.id, None, c.hlc, c.origin)?;
                let old = old.map(serde_json::Value::Object);
                tx.audit_change(
                    "sync-delete",
                    Audited { kind: Some(c.kind), id: Some(c.id), old: old.as_ref(), new: None },
                )?;
            }
        }
        report.applied += 1;
    }
    Ok(report)
}

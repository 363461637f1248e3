//! The register of issued documents and its numbering (migration 0006).
//!
//! A number is taken in the transaction that records the issued document; it is never given
//! again, even when writing the PDF file fails afterwards (the register then shows a number whose
//! paper was not printed: the officer prints it again, and nothing is reused or skipped silently).

use rusqlite::{Connection, params};
use serde::Serialize;
use uuid::Uuid;

use crate::error::Result;

/// "05/BB-CAX": a document number as Nghị định 30 writes it (under 10 with a leading 0) and the symbol.
pub fn doc_number(number: u32, symbol: &str) -> String {
    format!("{number:02}/{}", symbol.trim())
}

/// One issued document, as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedDoc {
    pub id: Uuid,
    /// The form's name (`bien-ban-hop`).
    pub form: String,
    /// The symbol the number belongs to (`BB-CAX`).
    pub series: String,
    pub year: i32,
    pub number: u32,
    /// The record it was filled from, if any.
    pub record_id: Option<Uuid>,
    /// Who issued it (the logged-in officer's name).
    pub issued_by: String,
    /// When, RFC 3339 local time.
    pub issued_at: String,
}

impl IssuedDoc {
    /// A document issued now under `number`, with a new id.
    pub(super) fn new(
        form: &str,
        series: &str,
        year: i32,
        number: u32,
        record_id: Option<Uuid>,
        issued_by: String,
    ) -> Self {
        IssuedDoc {
            id: Uuid::now_v7(),
            form: form.to_owned(),
            series: series.to_owned(),
            year,
            number,
            record_id,
            issued_by,
            issued_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }

    /// The number as printed: `05/BB-CAX`.
    pub fn number_text(&self) -> String {
        doc_number(self.number, &self.series)
    }
}

/// Takes the next number of `series` in `year`.
pub(super) fn next_number(conn: &Connection, series: &str, year: i32) -> Result<u32> {
    let n: i64 = conn
        .prepare_cached(
            "INSERT INTO doc_counter (series, year, last) VALUES (?1, ?2, 1)
             ON CONFLICT (series, year) DO UPDATE SET last = last + 1
             RETURNING last",
        )?
        .query_row(params![series, year], |r| r.get(0))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Moves the counter of `series` in `year` past `number` (a number given outside the register, such
/// as the tờ trình's number recorded at the certification's proposal step), so it is never given again.
pub(super) fn claim_number(conn: &Connection, series: &str, year: i32, number: u32) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO doc_counter (series, year, last) VALUES (?1, ?2, ?3)
         ON CONFLICT (series, year) DO UPDATE SET last = max(last, excluded.last)",
    )?
    .execute(params![series, year, number])?;
    Ok(())
}

/// The document registered under `number` of `series` in `year`, if any.
pub(super) fn find(conn: &Connection, series: &str, year: i32, number: u32) -> Result<Option<IssuedDoc>> {
    let mut st = conn.prepare_cached(
        "SELECT id, form, series, year, number, record_id, issued_by, issued_at FROM issued_doc
         WHERE series = ?1 AND year = ?2 AND number = ?3",
    )?;
    let mut rows = st.query_map(params![series, year, number], row)?;
    Ok(rows.next().transpose()?)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssuedDoc> {
    let id: String = r.get(0)?;
    let record: Option<String> = r.get(5)?;
    Ok(IssuedDoc {
        id: Uuid::parse_str(&id).unwrap_or_default(),
        form: r.get(1)?,
        series: r.get(2)?,
        year: r.get(3)?,
        number: r.get(4)?,
        record_id: record.and_then(|s| Uuid::parse_str(&s).ok()),
        issued_by: r.get(6)?,
        issued_at: r.get(7)?,
    })
}

/// Records an issued document.
pub(super) fn insert(conn: &Connection, d: &IssuedDoc) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO issued_doc (id, form, series, year, number, record_id, issued_by, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        d.id.to_string(),
        d.form,
        d.series,
        d.year,
        d.number,
        d.record_id.map(|i| i.to_string()),
        d.issued_by,
        d.issued_at
    ])?;
    Ok(())
}

/// The last `limit` issued documents, newest first.
pub(super) fn list(conn: &Connection, limit: u32) -> Result<Vec<IssuedDoc>> {
    let mut st = conn.prepare_cached(
        "SELECT id, form, series, year, number, record_id, issued_by, issued_at FROM issued_doc
         ORDER BY issued_at DESC, rowid DESC LIMIT ?1",
    )?;
    let rows = st.query_map([limit], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::doc_number;

    #[test]
    fn numbers_under_ten_are_padded() {
        assert_eq!(doc_number(5, "BB-CAX"), "05/BB-CAX");
        assert_eq!(doc_number(12, "QĐ-UBND"), "12/QĐ-UBND");
        assert_eq!(doc_number(123, " BC-CAX"), "123/BC-CAX");
    }
}

//! The register of issued documents and its numbering (migration 0006).
//!
//! A number is taken in the transaction that records the issued document; it is never given
//! again, even when writing the PDF file fails afterwards (the register then shows a number whose
//! paper was not printed: the officer prints it again, and nothing is reused or skipped silently).
//!
//! A document is about a record (`record_id`) or, for a yearly report, a year (`period`); printing
//! it again finds it here ([`latest_for`]) and keeps its number and date (migration 0008).

use chrono::NaiveDate;
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
    /// The year a yearly report covers (a document about a year, not a record).
    pub period: Option<i32>,
    /// The date printed on it (for documents issued before migration 0008: the day of `issued_at`).
    pub issued_on: NaiveDate,
    /// Who issued it (the logged-in officer's name).
    pub issued_by: String,
    /// When, RFC 3339 local time.
    pub issued_at: String,
}

impl IssuedDoc {
    /// A document issued now under `number`, with a new id.
    pub(super) fn new(target: &DocTarget<'_>, year: i32, number: u32, issued_by: String) -> Self {
        IssuedDoc {
            id: Uuid::now_v7(),
            form: target.form.to_owned(),
            series: target.series.to_owned(),
            year,
            number,
            record_id: target.record,
            period: target.period,
            issued_on: target.date,
            issued_by,
            issued_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }

    /// The number as printed: `05/BB-CAX`.
    pub fn number_text(&self) -> String {
        doc_number(self.number, &self.series)
    }
}

/// A document about to be issued: its form, its series, the date it bears (whose year is the
/// number's year) and what it is about (a record, or the year a report covers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocTarget<'a> {
    /// The form's name (`bien-ban-hop`).
    pub form: &'a str,
    /// The symbol the number belongs to (`BB-CAX`).
    pub series: &'a str,
    /// The date printed on the document; the number is taken in its year.
    pub date: NaiveDate,
    pub record: Option<Uuid>,
    pub period: Option<i32>,
}

const COLUMNS: &str = "id, form, series, year, number, record_id, issued_by, issued_at, period, issued_on";

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

/// Every series' counter: (series, year, the last number given).
pub(super) fn counters(conn: &Connection) -> Result<Vec<(String, i32, u32)>> {
    super::all_rows(conn, "SELECT series, year, last FROM doc_counter ORDER BY series, year", [], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.clamp(1, u32::MAX as i64) as u32))
    })
}

/// The document registered under `number` of `series` in `year`, if any.
pub(super) fn find(conn: &Connection, series: &str, year: i32, number: u32) -> Result<Option<IssuedDoc>> {
    let mut st = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM issued_doc WHERE series = ?1 AND year = ?2 AND number = ?3"))?;
    let mut rows = st.query_map(params![series, year, number], row)?;
    Ok(rows.next().transpose()?)
}

/// The document of `form` last issued about `record` / `period` (the one a reprint keeps), if any.
/// Nothing is found for a document about neither.
pub(super) fn latest_for(
    conn: &Connection,
    form: &str,
    record: Option<Uuid>,
    period: Option<i32>,
) -> Result<Option<IssuedDoc>> {
    if record.is_none() && period.is_none() {
        return Ok(None);
    }
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM issued_doc WHERE form = ?1 AND record_id IS ?2 AND period IS ?3
         ORDER BY issued_at DESC, rowid DESC LIMIT 1"
    ))?;
    let mut rows = st.query_map(params![form, record.map(|r| r.to_string()), period], row)?;
    Ok(rows.next().transpose()?)
}

/// The issued document `id`, if any.
pub(super) fn by_id(conn: &Connection, id: Uuid) -> Result<Option<IssuedDoc>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM issued_doc WHERE id = ?1"))?;
    let mut rows = st.query_map([id.to_string()], row)?;
    Ok(rows.next().transpose()?)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IssuedDoc> {
    let id: String = r.get(0)?;
    let record: Option<String> = r.get(5)?;
    let issued_at: String = r.get(7)?;
    let issued_on: Option<String> = r.get(9)?;
    // Before 0008 the date printed was not kept: the day it was issued (RFC 3339 begins yyyy-mm-dd).
    let day = |s: &str| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok();
    Ok(IssuedDoc {
        id: Uuid::parse_str(&id).unwrap_or_default(),
        form: r.get(1)?,
        series: r.get(2)?,
        year: r.get(3)?,
        number: r.get(4)?,
        record_id: record.and_then(|s| Uuid::parse_str(&s).ok()),
        period: r.get(8)?,
        issued_on: issued_on.as_deref().and_then(day).or_else(|| day(&issued_at)).unwrap_or_default(),
        issued_by: r.get(6)?,
        issued_at,
    })
}

/// Records an issued document.
pub(super) fn insert(conn: &Connection, d: &IssuedDoc) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO issued_doc (id, form, series, year, number, record_id, issued_by, issued_at, period, issued_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        d.id.to_string(),
        d.form,
        d.series,
        d.year,
        d.number,
        d.record_id.map(|i| i.to_string()),
        d.issued_by,
        d.issued_at,
        d.period,
        d.issued_on.format("%Y-%m-%d").to_string()
    ])?;
    Ok(())
}

/// The last `limit` issued documents, newest first.
pub(super) fn list(conn: &Connection, limit: u32) -> Result<Vec<IssuedDoc>> {
    super::all_rows(
        conn,
        &format!("SELECT {COLUMNS} FROM issued_doc ORDER BY issued_at DESC, rowid DESC LIMIT ?1"),
        [limit],
        row,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document issued before migration 0008 has no `issued_on`: a reprint bears the day it was
    /// issued; and one about neither a record nor a year is never taken for another's reprint.
    #[test]
    fn an_older_entry_reprints_with_the_day_it_was_issued() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::migrate(&mut conn).unwrap();
        let record = Uuid::now_v7();
        conn.execute(
            "INSERT INTO issued_doc (id, form, series, year, number, record_id, issued_by, issued_at)
             VALUES (?1, 'bien-ban-hop', 'BB-CAX', 2025, 3, ?2, 'Nguyễn Văn An', '2025-11-06T09:15:00+07:00')",
            params![Uuid::now_v7().to_string(), record.to_string()],
        )
        .unwrap();
        let d = latest_for(&conn, "bien-ban-hop", Some(record), None).unwrap().unwrap();
        assert_eq!(
            (d.number_text(), d.issued_on),
            ("03/BB-CAX".to_owned(), NaiveDate::from_ymd_opt(2025, 11, 6).unwrap())
        );
        assert!(latest_for(&conn, "bien-ban-hop", Some(Uuid::now_v7()), None).unwrap().is_none());
        assert!(latest_for(&conn, "ke-hoach", Some(record), None).unwrap().is_none(), "another form");
        assert!(latest_for(&conn, "bien-ban-hop", None, None).unwrap().is_none());
    }

    #[test]
    fn numbers_under_ten_are_padded() {
        assert_eq!(doc_number(5, "BB-CAX"), "05/BB-CAX");
        assert_eq!(doc_number(12, "QĐ-UBND"), "12/QĐ-UBND");
        assert_eq!(doc_number(123, " BC-CAX"), "123/BC-CAX");
    }
}

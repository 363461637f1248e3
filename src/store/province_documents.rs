//! The province's register of issued documents (province migration 0005): its summary reports'
//! numbers, as the commune's register (`documents.rs`) keeps the commune's. A number is taken in the
//! transaction that records the document, with its audit entry, only once the document was made;
//! printing the same report of the same period again finds it here and keeps its number and date.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::province::ProvinceDb;
use super::province_console::audit;
use crate::error::{Error, Result};

/// One document of the province's register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceDoc {
    pub id: String,
    pub form: String,
    /// `BC-CAT`.
    pub series: String,
    pub year: i32,
    pub number: u32,
    /// The reporting period it covers (`2026`, `2026-Q3`).
    pub period: String,
    /// The date printed on it.
    pub issued_on: NaiveDate,
    pub issued_by: String,
    pub issued_at: String,
}

impl ProvinceDoc {
    /// `01/BC-CAT`.
    pub fn number_text(&self) -> String {
        super::doc_number(self.number, &self.series)
    }
}

/// What is about to be issued: the form, its series, the period it covers and the date it bears.
#[derive(Debug, Clone, Copy)]
pub struct ProvinceTarget<'a> {
    pub form: &'a str,
    pub series: &'a str,
    pub period: &'a str,
    pub date: NaiveDate,
}

const COLUMNS: &str = "id, form, series, year, number, period, issued_on, issued_by, issued_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProvinceDoc> {
    let on: String = r.get(6)?;
    Ok(ProvinceDoc {
        id: r.get(0)?,
        form: r.get(1)?,
        series: r.get(2)?,
        year: r.get(3)?,
        number: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(u32::MAX),
        period: r.get(5)?,
        issued_on: NaiveDate::parse_from_str(&on, "%Y-%m-%d").unwrap_or_default(),
        issued_by: r.get(7)?,
        issued_at: r.get(8)?,
    })
}

impl ProvinceDb {
    /// The register, newest first.
    pub fn issued_documents(&self) -> Result<Vec<ProvinceDoc>> {
        super::all_rows(
            &self.conn,
            &format!("SELECT {COLUMNS} FROM province_issued_doc ORDER BY issued_at DESC, year DESC, number DESC"),
            [],
            row,
        )
    }

    /// The document of `form` last issued for `period` (the key the register keeps it under), if any.
    pub fn issued_for(&self, form: &str, period: &str) -> Result<Option<ProvinceDoc>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM province_issued_doc WHERE form = ?1 AND period = ?2
                     ORDER BY issued_at DESC, year DESC, number DESC LIMIT 1"
                ),
                params![form, period],
                row,
            )
            .optional()?)
    }

    /// Issues a document of `target`, or, unless `new`, prints again the one last issued of the same
    /// form and period (its number and date kept: `make` is given them, nothing is written). `make`
    /// builds the document from the register's entry; if it fails, no number is taken. Returns the
    /// entry, what `make` made, and whether it was a reprint. One transaction, with its audit entry.
    pub fn issue_or_reprint<T>(
        &mut self,
        target: &ProvinceTarget<'_>,
        new: bool,
        now: &str,
        make: impl FnOnce(&ProvinceDoc) -> Result<T>,
    ) -> Result<(ProvinceDoc, T, bool)> {
        self.require(crate::domain::account::Role::WRITES, "cấp số văn bản")?;
        let who = self.who();
        let tx = self.conn.transaction()?;
        if !new {
            let last = tx
                .query_row(
                    &format!(
                        "SELECT {COLUMNS} FROM province_issued_doc WHERE form = ?1 AND period = ?2
                         ORDER BY issued_at DESC, year DESC, number DESC LIMIT 1"
                    ),
                    params![target.form, target.period],
                    row,
                )
                .optional()?;
            if let Some(doc) = last {
                let out = make(&doc)?;
                return Ok((doc, out, true));
            }
        }
        let year = chrono::Datelike::year(&target.date);
        let last: i64 = tx.query_row(
            "INSERT INTO province_doc_counter (series, year, last) VALUES (?1, ?2, 1)
             ON CONFLICT (series, year) DO UPDATE SET last = last + 1 RETURNING last",
            params![target.series, year],
            |r| r.get(0),
        )?;
        let doc = ProvinceDoc {
            id: Uuid::now_v7().to_string(),
            form: target.form.to_owned(),
            series: target.series.to_owned(),
            year,
            number: u32::try_from(last).map_err(|_| Error::Refused("Số văn bản đã quá lớn.".into()))?,
            period: target.period.to_owned(),
            issued_on: target.date,
            issued_by: who.clone(),
            issued_at: now.to_owned(),
        };
        let out = make(&doc)?;
        tx.execute(
            &format!("INSERT INTO province_issued_doc ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                doc.id,
                doc.form,
                doc.series,
                doc.year,
                doc.number,
                doc.period,
                crate::date::iso(doc.issued_on),
                doc.issued_by,
                doc.issued_at
            ],
        )?;
        audit(
            &tx,
            now,
            &who,
            "document_issue",
            Some(&doc.number_text()),
            &serde_json::json!({"form": doc.form, "period": doc.period, "issued_on": crate::date::iso(doc.issued_on)}),
        )?;
        tx.commit()?;
        Ok((doc, out, false))
    }
}

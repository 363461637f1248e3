//! Spreadsheets in and out: an officer's Excel lists read into registers ([`import`], from the files
//! [`read`] opens), every register list written back to .xlsx ([`export`]), the blank templates
//! ([`template`]); and the .xlsx writer the province's console tables use too.
//!
//! Reading a file is reading hostile input (bounded, every value checked as if typed: an imported row
//! is an ordinary write through the store, with its validation, audit and sync). Writing is atomic.

pub mod export;
pub mod import;
pub mod read;
pub mod tables;
pub mod template;

use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::error::{Error, Result};
use crate::period::vietnam;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// Shown in Vietnam's time.
    Time(DateTime<Utc>),
    /// A date and time as written (a meeting's start).
    Local(NaiveDateTime),
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub(crate) fn int(n: impl Into<i64>) -> Cell {
        Cell::Number(n.into() as f64)
    }

    pub(crate) fn opt_rate(p: Option<f64>) -> Cell {
        p.map_or(Cell::Empty, Cell::Number)
    }

    pub(crate) fn iso_day(s: &str) -> Cell {
        NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").map_or(Cell::Empty, Cell::Date)
    }

    pub(crate) fn rfc3339(s: Option<&str>) -> Cell {
        s.and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map_or(Cell::Empty, |t| Cell::Time(t.with_timezone(&Utc)))
    }
}

/// How far an export has got, for a progress bar: its stage and, in the stages that go row by row,
/// `done` rows of `total` (reported about a hundred times a stage, and at its last row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// The stages of an export, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The records are read from the store (one query: no rows counted).
    Reading,
    /// Each record's row is made: labels, linked records' names, dates.
    Preparing,
    /// The rows are written into the workbook.
    Writing,
    /// The workbook is compressed and the file written (no rows counted).
    Saving,
}

impl Progress {
    pub(crate) fn stage(stage: Stage) -> Progress {
        Progress { stage, done: 0, total: 0 }
    }
}

/// Reports row `done` of `total` of `stage` when it moves the bar by a hundredth, and at the last row.
pub(crate) fn report_row(progress: &mut dyn FnMut(Progress), stage: Stage, done: usize, total: usize) {
    if done == total || (done > 0 && done * 100 / total.max(1) != (done - 1) * 100 / total.max(1)) {
        progress(Progress { stage, done, total });
    }
}

/// One worksheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn excel_time(l: &NaiveDateTime) -> std::result::Result<ExcelDateTime, rust_xlsxwriter::XlsxError> {
    ExcelDateTime::from_ymd(l.year() as u16, l.month() as u8, l.day() as u8)
        .and_then(|x| x.and_hms(l.hour() as u16, l.minute() as u8, l.second() as f64))
}

fn failed() -> Error {
    Error::Refused("Không tạo được bảng tính (.xlsx) từ số liệu này; không ghi tệp nào.".into())
}

/// A column's width: its header's, or its longest value's (the first 200 rows), within bounds.
fn width(s: &Sheet, c: usize) -> f64 {
    let header = s.headers.get(c).map_or(0, |h| h.chars().count()) as f64 * 0.9;
    let longest = s
        .rows
        .iter()
        .take(200)
        .filter_map(|r| r.get(c))
        .map(|cell| match cell {
            Cell::Empty => 0,
            Cell::Text(t) => t.chars().count(),
            Cell::Number(_) => 8,
            Cell::Date(_) => 10,
            Cell::Time(_) | Cell::Local(_) => 16,
        })
        .max()
        .unwrap_or(0) as f64;
    header.clamp(8.0, 28.0).max(longest.min(50.0) + 1.0)
}

/// An ASCII file name for `what` and today's date: `thanh-vien-to-bao-ve-an-ninh-trat-tu_2026-12-06.xlsx`
/// (every file system and USB stick takes it).
pub fn file_name(what: &str, on: NaiveDate) -> String {
    let ascii: String = crate::text::fold(what)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{ascii}_{}.xlsx", on.format("%Y-%m-%d"))
}

/// Writes the sheets into `dir` under `name`, never replacing a file there (`name-2.xlsx`…);
/// returns the path written.
pub fn write_xlsx_new(sheets: &[Sheet], dir: &Path, name: &str) -> Result<std::path::PathBuf> {
    write_xlsx_new_with(sheets, dir, name, &mut |_| {})
}

/// [`write_xlsx_new`], reporting its progress.
pub fn write_xlsx_new_with(
    sheets: &[Sheet],
    dir: &Path,
    name: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    crate::fsutil::write_new(&dir.join(name), &workbook(sheets, progress)?)
}

/// Writes the sheets as one .xlsx file (atomically).
pub fn write_xlsx(sheets: &[Sheet], out: &Path) -> Result<()> {
    write_xlsx_with(sheets, out, &mut |_| {})
}

/// [`write_xlsx`], reporting its progress.
pub fn write_xlsx_with(sheets: &[Sheet], out: &Path, progress: &mut dyn FnMut(Progress)) -> Result<()> {
    crate::fsutil::write_atomic(out, &workbook(sheets, progress)?)
}

/// The sheets as the bytes of one .xlsx file.
fn workbook(sheets: &[Sheet], progress: &mut dyn FnMut(Progress)) -> Result<Vec<u8>> {
    let total: usize = sheets.iter().map(|s| s.rows.len()).sum();
    let mut done = 0;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let time = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let pct = Format::new().set_num_format("0.0");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(|_| failed())?;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(|_| failed())?;
            ws.set_column_width(c as u16, width(s, c)).map_err(|_| failed())?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                let is_pct = s.headers.get(c as usize).is_some_and(|h| h.contains("(%)"));
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        ws.write_string(r, c, t).map_err(|_| failed())?;
                    }
                    Cell::Number(n) if is_pct => {
                        ws.write_number_with_format(r, c, *n, &pct).map_err(|_| failed())?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c, *n).map_err(|_| failed())?;
                    }
                    Cell::Date(d) => {
                        let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(|_| failed())?;
                        ws.write_datetime_with_format(r, c, &x, &date).map_err(|_| failed())?;
                    }
                    Cell::Local(l) => {
                        let x = excel_time(l).map_err(|_| failed())?;
                        ws.write_datetime_with_format(r, c, &x, &time).map_err(|_| failed())?;
                    }
                    Cell::Time(t) => {
                        let x = excel_time(&t.with_timezone(&vietnam()).naive_local()).map_err(|_| failed())?;
                        ws.write_datetime_with_format(r, c, &x, &time).map_err(|_| failed())?;
                    }
                }
            }
            done += 1;
            report_row(progress, Stage::Writing, done, total);
        }
        ws.set_freeze_panes(1, 0).map_err(|_| failed())?;
        if !s.rows.is_empty() {
            ws.autofilter(0, 0, s.rows.len() as u32, s.headers.len().saturating_sub(1) as u16).map_err(|_| failed())?;
        }
    }
    progress(Progress::stage(Stage::Saving));
    wb.save_to_buffer().map_err(|_| failed())
}

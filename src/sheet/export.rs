//! A register's list as the officer sees it (the list's search, filters and sort), written to .xlsx:
//! Vietnamese headers, labels rather than codes, real dates and numbers, and the record's id in the
//! last column so that the file can be edited and imported back ([`super::import`]).

use std::path::Path;

use serde_json::Value;

use super::import::{ID_HEADER, importable_fields};
use super::{Cell, Progress, Sheet, Stage, report_row, write_xlsx, write_xlsx_with};
use crate::date;
use crate::domain::{Field, FieldType, Kind, Record};
use crate::error::Result;
use crate::store::{ListQuery, Names, Store};

/// The registers a spreadsheet can carry: every one but the certification, which changes only by its
/// steps and prints its own dossier, and the inspections' registers (an inspection is recorded with
/// its tasks in one transaction; an answer's verdict is written only by the review).
pub fn kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(|k| !matches!(k, Kind::Cert | Kind::Inspection | Kind::Remedy | Kind::RemedyReport))
}

/// A sheet name Excel accepts: at most 31 characters (cut between words), none of `[]:*?/\`.
pub(crate) fn sheet_name(kind: Kind) -> String {
    let full: String = crate::text::capitalise(kind.label()).chars().filter(|c| !"[]:*?/\\".contains(*c)).collect();
    let mut name = String::new();
    for word in full.split(' ') {
        if name.chars().count() + word.chars().count() + 1 > 31 {
            break;
        }
        if !name.is_empty() {
            name.push(' ');
        }
        name.push_str(word);
    }
    name.trim_end_matches([',', ' ']).to_owned()
}

/// One record's value as a cell.
fn cell(f: &Field, v: Option<&Value>, names: &Names<'_>) -> Cell {
    let Some(v) = v.filter(|v| !v.is_null()) else { return Cell::Empty };
    match (&f.ty, v) {
        (FieldType::Date, Value::String(s)) => date::parse_date(s).map_or_else(|_| Cell::Text(s.clone()), Cell::Date),
        (FieldType::DateTime, Value::String(s)) => {
            date::parse_datetime(s).map_or_else(|_| Cell::Text(s.clone()), Cell::Local)
        }
        (FieldType::Int { .. }, Value::Number(n)) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        _ => Cell::Text(names.value(f, v)),
    }
}

/// The list of `kind` that `q` selects, as a sheet.
pub fn register_sheet(store: &Store, kind: Kind, q: &ListQuery) -> Result<Sheet> {
    register_sheet_with(store, kind, q, &mut |_| {})
}

/// [`register_sheet`], reporting its progress (reading, then each row made).
pub fn register_sheet_with(
    store: &Store,
    kind: Kind,
    q: &ListQuery,
    progress: &mut dyn FnMut(Progress),
) -> Result<Sheet> {
    progress(Progress::stage(Stage::Reading));
    let fields = importable_fields(store, kind)?;
    let q = ListQuery { limit: None, offset: 0, include_deleted: false, ..q.clone() };
    let records = store.list(kind, &q)?.records;
    // Only the columns some record fills, for activities' category fields; every register field else.
    let used: Vec<&Field> = fields
        .iter()
        .filter(|f| {
            kind != Kind::Activity
                || crate::domain::fields(kind).iter().any(|b| b.key == f.key)
                || records.iter().any(|r| r.data.contains_key(&f.key))
        })
        .collect();
    let names = Names::new(store);
    let mut headers: Vec<String> = used.iter().map(|f| f.label.clone()).collect();
    headers.push(ID_HEADER.into());
    let total = records.len();
    let rows = records.iter().enumerate().map(|(i, r): (usize, &Record)| {
        let mut row: Vec<Cell> = used.iter().map(|f| cell(f, r.data.get(&f.key), &names)).collect();
        row.push(Cell::Text(r.id.to_string()));
        report_row(progress, Stage::Preparing, i + 1, total);
        row
    });
    Ok(Sheet { name: sheet_name(kind), headers, rows: rows.collect() })
}

/// Writes the list of `kind` that `q` selects to `out` (atomically); returns how many records.
pub fn export_register(store: &Store, kind: Kind, q: &ListQuery, out: &Path) -> Result<usize> {
    export_register_with(store, kind, q, out, &mut |_| {})
}

/// [`export_register`], reporting its progress.
pub fn export_register_with(
    store: &Store,
    kind: Kind,
    q: &ListQuery,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<usize> {
    let sheet = register_sheet_with(store, kind, q, progress)?;
    let n = sheet.rows.len();
    write_xlsx_with(&[sheet], out, progress)?;
    Ok(n)
}

/// Writes every register, one sheet each, to `out`; returns each register's count.
pub fn export_all(store: &Store, out: &Path) -> Result<Vec<(Kind, usize)>> {
    let mut sheets = Vec::new();
    let mut counts = Vec::new();
    for kind in kinds() {
        let sheet = register_sheet(store, kind, &ListQuery::default())?;
        counts.push((kind, sheet.rows.len()));
        sheets.push(sheet);
    }
    write_xlsx(&sheets, out)?;
    Ok(counts)
}

/// "Xuất Excel" in the window: the list into `dir` (the print folder), named after the register and
/// the day, never replacing a file, reporting its progress; returns the path written.
pub fn export_to_folder(
    store: &Store,
    kind: Kind,
    q: &ListQuery,
    dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<std::path::PathBuf> {
    let sheet = register_sheet_with(store, kind, q, progress)?;
    let name = super::file_name(kind.label(), chrono::Local::now().date_naive());
    super::write_xlsx_new_with(&[sheet], dir, &name, progress)
}

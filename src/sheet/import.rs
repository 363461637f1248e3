//! An officer's spreadsheet read into a register.
//!
//! Columns are matched by their Vietnamese label (with or without accents, a trailing `*` ignored) or
//! by the field's code, in any order; the officer may map the others ([`ImportOptions::mapping`]). Each row
//! becomes the fields of a record, read as officers write them (real spreadsheet dates or dd/mm/yyyy,
//! options by code or label, links by the linked record's name), and goes through the store's
//! ordinary write: the register's validation, roles, audit and sync, as for a form.
//!
//! A row is the same record as a stored one when it carries that record's id (a file the app
//! exported) or, failing that, the same [natural key](crate::domain::natural_key). Re-importing a
//! file therefore changes nothing. Everything happens in one transaction: a preview rolls it back,
//! "all or nothing" commits only a file without a bad row, "good rows only" commits the rest.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::read::{HEADER_ROWS, In, MAX_ROWS, Row, Table, read_file};
use crate::date;
use crate::domain::{self, Doc, Field, FieldType, Kind};
use crate::error::{Error, Result};
use crate::store::{ListQuery, Store, Tx};
use crate::text;

/// The header of the column that carries a record's id (the last column of an export).
pub const ID_HEADER: &str = "Mã bản ghi";

/// What to do with the rows once read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Check every row and say what would happen; save nothing.
    #[default]
    Preview,
    /// Save everything, or nothing if any row is bad.
    All,
    /// Save the good rows; leave the bad ones out.
    GoodRows,
}

/// How to read the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportOptions {
    pub mode: ImportMode,
    /// The sheet to read (default: the first).
    pub sheet: Option<String>,
    /// The officer's choice for columns the app did not recognise: header → field code, or `""` to
    /// leave the column out.
    pub mapping: Vec<(String, String)>,
}

/// A column of the file and what it was matched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportColumn {
    pub header: String,
    /// The field's code; `None` when the column is left out.
    pub field: Option<String>,
    /// The field's label, or why the column is left out.
    pub note: String,
}

/// A bad cell, or a bad row (`column` empty), named as the officer finds it in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportProblem {
    pub line: u32,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "dòng {}: {}", self.line, self.message)
        } else {
            write!(f, "dòng {}, cột {}: {}", self.line, self.column, self.message)
        }
    }
}

/// What an import did, or would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub kind: Kind,
    pub sheet: String,
    pub mode: ImportMode,
    /// Data rows read.
    pub rows: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub columns: Vec<ImportColumn>,
    /// Columns neither recognised nor mapped, for the officer to map or leave out.
    pub unknown: Vec<String>,
    pub problems: Vec<ImportProblem>,
    /// Whether anything was written.
    pub saved: bool,
}

/// The fields a file may fill for a register: its own (system fields aside), for a plan its targets,
/// and for activities every category's extra fields.
pub fn importable_fields(store: &Store, kind: Kind) -> Result<Vec<Field>> {
    if kind == Kind::Cert {
        return Err(Error::Refused(
            "Hồ sơ xét công nhận \"An toàn về ANTT\" chỉ thay đổi qua từng bước xét, không nhập từ Excel được.".into(),
        ));
    }
    // A plan's targets follow the report's indicators (reference data): its fields are the store's.
    let mut all: Vec<Field> = store.fields_for(kind, &Doc::new())?;
    if kind == Kind::Activity {
        for item in store.ref_items("activity_category")? {
            let doc: Doc = [("category".to_owned(), Value::String(item.code.clone()))].into_iter().collect();
            for f in store.fields_for(kind, &doc)? {
                if !all.iter().any(|a| a.key == f.key) {
                    all.push(f);
                }
            }
        }
    }
    Ok(all)
}

fn header_key(h: &str) -> String {
    text::fold(h.trim().trim_end_matches('*').trim())
}

/// Matches the file's headers to the register's fields.
fn match_columns(
    headers: &[String],
    fields: &[Field],
    mapping: &[(String, String)],
) -> (Vec<ImportColumn>, Vec<String>) {
    let mut columns = Vec::with_capacity(headers.len());
    let mut unknown = Vec::new();
    let mut taken: Vec<&str> = Vec::new();
    for h in headers {
        let key = header_key(h);
        let mapped = mapping.iter().find(|(m, _)| header_key(m) == key).map(|(_, f)| f.trim());
        let field = match mapped {
            Some("") => {
                columns
                    .push(ImportColumn { header: h.clone(), field: None, note: "bỏ qua (theo lựa chọn)".into() });
                continue;
            }
            Some(code) => fields.iter().find(|f| f.key == code || header_key(&f.label) == header_key(code)),
            None => fields.iter().find(|f| header_key(&f.label) == key || f.key == h.trim()),
        };
        let column = if key.is_empty() {
            ImportColumn { header: h.clone(), field: None, note: "cột không có tiêu đề: bỏ qua".into() }
        } else if key == header_key(ID_HEADER) || key == "id" {
            ImportColumn { header: h.clone(), field: Some("id".into()), note: ID_HEADER.into() }
        } else {
            match field {
                Some(f) if f.system => ImportColumn {
                    header: h.clone(),
                    field: None,
                    note: format!("{}: chỉ đọc, thay đổi qua thao tác riêng; bỏ qua", f.label),
                },
                Some(f) if taken.contains(&f.key.as_str()) => ImportColumn {
                    header: h.clone(),
                    field: None,
                    note: format!("trùng với một cột «{}» trước đó: bỏ qua", f.label),
                },
                Some(f) => {
                    taken.push(&f.key);
                    ImportColumn { header: h.clone(), field: Some(f.key.clone()), note: f.label.clone() }
                }
                None => {
                    unknown.push(h.clone());
                    ImportColumn {
                        header: h.clone(), field: None, note: "không nhận ra cột này: bỏ qua".into()
                    }
                }
            }
        };
        columns.push(column);
    }
    (columns, unknown)
}

/// Finds the header row among the first rows (the one naming most of the register's fields), and
/// refuses a sheet whose data would be misread: no recognised column, data under a blank or merged
/// header cell, too many rows.
fn pick_header<'t>(
    kind: Kind,
    table: &'t Table,
    fields: &[Field],
    mapping: &[(String, String)],
) -> Result<(&'t [Row], Vec<ImportColumn>, Vec<String>)> {
    let mut best: Option<(usize, usize, Vec<ImportColumn>, Vec<String>)> = None;
    for (i, row) in table.rows.iter().take(HEADER_ROWS).enumerate() {
        let (columns, unknown) = match_columns(&Table::header_names(row), fields, mapping);
        let score = columns.iter().filter(|c| c.field.is_some()).count();
        if score > 0 && best.as_ref().is_none_or(|b| score > b.1) {
            best = Some((i, score, columns, unknown));
        }
    }
    let Some((at, _, columns, unknown)) = best else {
        return Err(Error::Refused(format!(
            "Không nhận ra cột nào của sổ {} trong trang tính «{}». Dòng tiêu đề phải ghi tên cột như trong biểu mẫu (ví dụ «{}»); tải mẫu Excel của sổ này để xem các cột.",
            kind.label(),
            table.sheet,
            fields.first().map_or("", |f| f.label.as_str())
        )));
    };
    let header_line = table.rows[at].line;
    let rows = &table.rows[at + 1..];
    if rows.is_empty() {
        return Err(Error::Refused(format!(
            "Trang tính «{}» có dòng tiêu đề (dòng {header_line}) nhưng không có dòng dữ liệu nào bên dưới.",
            table.sheet
        )));
    }
    if rows.len() > MAX_ROWS {
        return Err(Error::Refused(format!(
            "Trang tính «{}» có {} dòng dữ liệu; mỗi lần nhập tối đa {} dòng. Chia danh sách thành nhiều tệp rồi nhập lần lượt. Chưa lưu gì.",
            table.sheet,
            text::format_int(rows.len() as i64),
            text::format_int(MAX_ROWS as i64)
        )));
    }
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    for c in 0..width {
        let titled = columns.get(c).is_some_and(|col| !col.header.trim().is_empty());
        if !titled && let Some(r) = rows.iter().find(|r| r.cells.get(c).is_some_and(|v| *v != In::Empty)) {
            return Err(Error::Refused(format!(
                "Cột {} có dữ liệu (dòng {}) nhưng ô tiêu đề của nó ở dòng {header_line} để trống hoặc bị gộp với ô bên cạnh. Bỏ gộp ô, ghi tiêu đề cho từng cột rồi nhập lại. Chưa lưu gì.",
                super::template::column_letters(c),
                r.line
            )));
        }
    }
    Ok((rows, columns, unknown))
}

/// Live records of a register by folded title, for links written by name.
#[derive(Default)]
struct Names {
    by_kind: HashMap<Kind, HashMap<String, Vec<Uuid>>>,
}

impl Names {
    fn load(store: &Store, kinds: impl IntoIterator<Item = Kind>) -> Result<Names> {
        let mut by_kind = HashMap::new();
        for kind in kinds {
            if by_kind.contains_key(&kind) {
                continue;
            }
            let mut map: HashMap<String, Vec<Uuid>> = HashMap::new();
            for r in store.list(kind, &ListQuery::default())?.records {
                map.entry(text::fold(&r.title)).or_default().push(r.id);
            }
            by_kind.insert(kind, map);
        }
        Ok(Names { by_kind })
    }

    /// The id of the record named `s` (or whose id `s` is).
    fn resolve(&self, kind: Kind, s: &str) -> std::result::Result<String, String> {
        let s = s.trim();
        if let Ok(id) = Uuid::parse_str(s) {
            return Ok(id.to_string());
        }
        let shown = text::printable(s, 80);
        match self.by_kind.get(&kind).and_then(|m| m.get(&text::fold(s))).map(Vec::as_slice) {
            Some([id]) => Ok(id.to_string()),
            Some(ids) if ids.len() > 1 => Err(format!(
                "có {} {} cùng tên «{shown}»; ghi mã bản ghi thay cho tên (cột «{ID_HEADER}» của tệp xuất từ phần mềm)",
                ids.len(),
                kind.label()
            )),
            _ => {
                Err(format!("không tìm thấy {} tên «{s}»; nhập {} trước hoặc sửa lại tên", kind.label(), kind.label()))
            }
        }
    }
}

/// A cell as the value a form would send for `f` (`Null`: the cell is empty).
fn value_of(f: &Field, cell: &In, names: &Names) -> std::result::Result<Value, String> {
    let as_text = |c: &In| -> Option<String> {
        match c {
            In::Empty => None,
            In::Text(s) => Some(s.clone()),
            In::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            In::Number(n) => Some(n.to_string()),
            In::Bool(b) => Some(if *b { "Có" } else { "Không" }.into()),
            In::Date(d) => Some(date::display(*d)),
            In::DateTime(t) => Some(date::display_datetime(*t)),
        }
    };
    if *cell == In::Empty {
        return Ok(Value::Null);
    }
    Ok(match (&f.ty, cell) {
        (FieldType::Date, In::Date(d)) => Value::String(date::iso(*d)),
        (FieldType::Date, In::DateTime(t)) => Value::String(date::iso(t.date())),
        (FieldType::DateTime, In::Date(d)) => Value::String(date::iso_datetime(d.and_time(chrono::NaiveTime::MIN))),
        (FieldType::DateTime, In::DateTime(t)) => Value::String(date::iso_datetime(*t)),
        (FieldType::Int { .. }, In::Number(n)) if n.fract() == 0.0 && n.abs() < 1e15 => Value::from(*n as i64),
        (FieldType::Bool, In::Bool(b)) => Value::Bool(*b),
        (FieldType::Link { kind }, c) => Value::String(names.resolve(*kind, &as_text(c).unwrap_or_default())?),
        (FieldType::Links { kind }, c) => {
            let s = as_text(c).unwrap_or_default();
            let mut ids = Vec::new();
            for part in s.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
                ids.push(Value::String(names.resolve(*kind, part)?));
            }
            Value::Array(ids)
        }
        (FieldType::Grades, c) => grades(&as_text(c).unwrap_or_default())?,
        (_, c) => Value::String(as_text(c).unwrap_or_default()),
    })
}

/// "2025: Hoàn thành tốt nhiệm vụ; 2024: hoan thanh nhiem vu" as the list of yearly grades the
/// register keeps; each grade is read by the register's own check (its label with or without accents,
/// or its code).
fn grades(s: &str) -> std::result::Result<Value, String> {
    let mut out = Vec::new();
    for part in s.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((year, grade)) = part.split_once(':') else {
            return Err(format!(
                "«{}» phải viết dạng năm: xếp loại (ví dụ 2025: Hoàn thành tốt nhiệm vụ)",
                text::printable(part, 80)
            ));
        };
        let year: i64 =
            year.trim().parse().map_err(|_| format!("«{}» không phải là năm", text::printable(year.trim(), 20)))?;
        out.push(serde_json::json!({ "year": year, "grade": grade.trim() }));
    }
    Ok(Value::Array(out))
}

/// What became of one row.
enum Done {
    Created,
    Updated,
    Unchanged,
}

/// Reads `path` and imports it into the register `kind` as `opts` says.
pub fn import_file(store: &mut Store, kind: Kind, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
    importable_fields(store, kind)?;
    let table = read_file(path, opts.sheet.as_deref())?;
    import_table(store, kind, &table, opts)
}

/// Imports rows already read.
pub fn import_table(store: &mut Store, kind: Kind, table: &Table, opts: &ImportOptions) -> Result<ImportReport> {
    let fields = importable_fields(store, kind)?;
    let (rows, columns, unknown) = pick_header(kind, table, &fields, &opts.mapping)?;
    let link_kinds = fields.iter().filter_map(|f| match f.ty {
        FieldType::Link { kind } | FieldType::Links { kind } => Some(kind),
        _ => None,
    });
    let names = Names::load(store, link_kinds)?;
    // Stored records by natural key.
    let mut known: HashMap<String, Vec<(Uuid, Option<u32>)>> = HashMap::new();
    for r in store.list(kind, &ListQuery::default())?.records {
        if let Some(k) = domain::natural_key_of(kind, &r.data) {
            known.entry(k).or_default().push((r.id, None));
        }
    }
    let mut report = ImportReport {
        kind,
        sheet: table.sheet.clone(),
        mode: opts.mode,
        rows: rows.len() as u32,
        created: 0,
        updated: 0,
        unchanged: 0,
        columns,
        unknown,
        problems: Vec::new(),
        saved: false,
    };
    let mode = opts.mode;
    let fields_by_key: HashMap<&str, &Field> = fields.iter().map(|f| (f.key.as_str(), f)).collect();
    let mut run = |tx: &mut Tx<'_>, report: &mut ImportReport| -> Result<()> {
        for row in rows {
            let line = row.line as u32;
            let mut doc = Doc::new();
            let mut id: Option<Uuid> = None;
            let mut bad = false;
            for (c, col) in report.columns.iter().enumerate() {
                let Some(key) = col.field.as_deref() else { continue };
                let cell = row.cells.get(c).unwrap_or(&In::Empty);
                if key == "id" {
                    match cell {
                        In::Empty => {}
                        In::Text(s) => match Uuid::parse_str(s.trim()) {
                            Ok(u) => id = Some(u),
                            Err(_) => {
                                bad = true;
                                report.problems.push(ImportProblem {
                                    line,
                                    column: col.header.clone(),
                                    message: format!(
                                        "«{}» không phải là mã bản ghi; để trống nếu là bản ghi mới",
                                        s.trim()
                                    ),
                                });
                            }
                        },
                        _ => {
                            bad = true;
                            report.problems.push(ImportProblem {
                                line,
                                column: col.header.clone(),
                                message: "không phải là mã bản ghi; để trống nếu là bản ghi mới".into(),
                            });
                        }
                    }
                    continue;
                }
                let Some(f) = fields_by_key.get(key) else { continue };
                match value_of(f, cell, &names) {
                    Ok(v) => {
                        doc.insert(key.to_owned(), v);
                    }
                    Err(message) => {
                        bad = true;
                        report.problems.push(ImportProblem { line, column: col.header.clone(), message });
                    }
                }
            }
            if bad {
                continue;
            }
            match tx.attempt(|tx| apply_row(tx, kind, id, &doc, line, &mut known)) {
                Ok(Done::Created) => report.created += 1,
                Ok(Done::Updated) => report.updated += 1,
                Ok(Done::Unchanged) => report.unchanged += 1,
                Err(Error::Invalid(inv)) => {
                    for fe in inv.0 {
                        let column = report
                            .columns
                            .iter()
                            .find(|c| c.field.as_deref() == Some(fe.field.as_str()))
                            .map(|c| c.header.clone());
                        let (column, message) = match column {
                            Some(h) => (h, fe.message),
                            None if fields_by_key.contains_key(fe.field.as_str()) => {
                                (fe.label.clone(), format!("{} (tệp không có cột này)", fe.message))
                            }
                            None => (String::new(), fe.to_string()),
                        };
                        report.problems.push(ImportProblem { line, column, message });
                    }
                }
                Err(e @ (Error::Sqlite(_) | Error::Io { .. } | Error::Forbidden(_))) => return Err(e),
                Err(other) => {
                    report.problems.push(ImportProblem { line, column: String::new(), message: other.to_string() })
                }
            }
        }
        Ok(())
    };
    let commit = |report: &ImportReport| match mode {
        ImportMode::Preview => false,
        ImportMode::All => report.problems.is_empty(),
        ImportMode::GoodRows => true,
    };
    store.write_deciding(|tx| {
        run(tx, &mut report)?;
        let c = commit(&report) && report.created + report.updated > 0;
        report.saved = c;
        Ok(((), c))
    })?;
    Ok(report)
}

/// Writes one row: an update of the record it names (by id or natural key) or a new record.
fn apply_row(
    tx: &mut Tx<'_>,
    kind: Kind,
    id: Option<Uuid>,
    doc: &Doc,
    line: u32,
    known: &mut HashMap<String, Vec<(Uuid, Option<u32>)>>,
) -> Result<Done> {
    let create_doc: Doc = doc.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    if let Some(id) = id {
        return match tx.record_any(id)? {
            Some(r) if r.kind != kind => {
                Err(Error::Refused(format!("mã bản ghi {id} là của {}, không phải {}", r.kind.label(), kind.label())))
            }
            Some(r) if r.meta.deleted => Err(Error::Refused(format!(
                "bản ghi mã {id} đã bị xóa trong phần mềm; xóa ô «{ID_HEADER}» của dòng này nếu muốn thêm lại như bản ghi mới"
            ))),
            Some(_) => update(tx, kind, id, doc),
            None if id.get_version_num() == 7 => {
                let saved = tx.create_with_id(kind, id, &create_doc, false)?;
                remember(tx, kind, saved.id, line, known)?;
                Ok(Done::Created)
            }
            None => Err(Error::Refused(format!(
                "mã bản ghi {id} không do phần mềm cấp; xóa ô «{ID_HEADER}» của dòng này nếu là bản ghi mới"
            ))),
        };
    }
    // Which stored record the row is, by its natural key, its fields read as they would be stored
    // (the row may lack other required fields: a file that only corrects phone numbers).
    let fields = domain::fields_for(kind, &create_doc, &*tx)?;
    let outcome = domain::check_record(kind, Uuid::now_v7(), &create_doc, false, &fields, &*tx)?;
    let key_fields = domain::natural_key(kind).unwrap_or_default();
    let key = if outcome.errors.iter().any(|e| key_fields.contains(&e.field.as_str())) {
        None
    } else {
        domain::natural_key_of(kind, &outcome.doc)
    };
    if let Some(k) = &key
        && let Some(matches) = known.get(k)
    {
        if let Some(other) = matches.iter().find_map(|(_, l)| *l) {
            return Err(Error::Refused(format!("trùng với dòng {other} của tệp (cùng {})", key_words(kind))));
        }
        if let [(id, None)] = matches.as_slice() {
            let id = *id;
            // The file names the record; it does not rename it ("thon kon roc" keeps "Thôn Kon Rốc").
            let patch: Doc = doc
                .iter()
                .filter(|(k, _)| !key_fields.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let done = update(tx, kind, id, &patch)?;
            known.insert(k.clone(), vec![(id, Some(line))]);
            return Ok(done);
        }
        return Err(Error::Refused(format!(
            "có {} {} đã lưu cùng {}; ghi mã bản ghi vào cột «{ID_HEADER}» để chỉ rõ bản ghi cần sửa",
            matches.len(),
            kind.label(),
            key_words(kind)
        )));
    }
    let saved = tx.create(kind, &create_doc, false)?;
    remember(tx, kind, saved.id, line, known)?;
    Ok(Done::Created)
}

fn remember(
    tx: &Tx<'_>,
    kind: Kind,
    id: Uuid,
    line: u32,
    known: &mut HashMap<String, Vec<(Uuid, Option<u32>)>>,
) -> Result<()> {
    if let Some(k) = domain::natural_key_of(kind, &tx.live(kind, id)?) {
        known.entry(k).or_default().push((id, Some(line)));
    }
    Ok(())
}

fn update(tx: &mut Tx<'_>, kind: Kind, id: Uuid, patch: &Doc) -> Result<Done> {
    let before = tx.live(kind, id)?;
    tx.update(kind, id, patch)?;
    Ok(if tx.live(kind, id)? == before { Done::Unchanged } else { Done::Updated })
}

/// The natural key's fields, as a phrase ("tên", "họ và tên, ngày sinh").
fn key_words(kind: Kind) -> String {
    let keys = domain::natural_key(kind).unwrap_or_default();
    let labels: Vec<String> = keys
        .iter()
        .filter_map(|k| domain::fields(kind).iter().find(|f| f.key == *k))
        .map(|f| f.label.to_lowercase())
        .collect();
    labels.join(", ")
}

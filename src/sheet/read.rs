//! Reading an officer's spreadsheet: .xlsx and .ods (calamine), .csv in UTF-8 with or without a BOM,
//! and the UTF-16 tab-separated text Excel writes as "Unicode text" (the csv crate).
//!
//! A file from outside is hostile input: its size is checked before it is read, a zip's declared
//! contents before they are inflated, and reading stops at [`MAX_ROWS`] data rows and [`MAX_COLUMNS`]
//! columns with a Vietnamese message that says what to do. Nothing here writes anything.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use chrono::{NaiveDate, NaiveDateTime};

use crate::error::{Error, Result};
use crate::text;

/// The largest file read (bytes): a commune's lists are a few hundred kilobytes.
pub const MAX_FILE: u64 = 32 * 1024 * 1024;
/// What a spreadsheet file may hold once inflated (bytes, the zip's declared sizes added up).
pub const MAX_INFLATED: u64 = 256 * 1024 * 1024;
/// The most data rows one import reads.
pub const MAX_ROWS: usize = 20_000;
/// How far down the header row may be (a title line or two above it is common).
pub const HEADER_ROWS: usize = 10;
/// The most columns one sheet may have.
pub const MAX_COLUMNS: usize = 200;
/// The longest text kept of one cell (characters); the register's own check says what is too long.
const MAX_CELL: usize = 40_000;
/// The most text held from one sheet (bytes): a small file can repeat one long shared string in
/// every cell, so the cells' own total is bounded too.
pub const MAX_TEXT: usize = 64 * 1024 * 1024;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum In {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

/// One data row, with its row number as the spreadsheet shows it (the header is row 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<In>,
}

/// A sheet read whole: its rows, blank rows left out. Which row holds the headers is the reader's
/// to decide (an officer's list often has a title line or two above them).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    pub rows: Vec<Row>,
}

impl Table {
    /// The texts of a row, as headers.
    pub fn header_names(row: &Row) -> Vec<String> {
        header_names(&row.cells)
    }
}

fn refused(msg: impl Into<String>) -> Error {
    Error::Refused(msg.into())
}

fn not_a_sheet(name: &str) -> Error {
    refused(format!(
        "Tệp «{name}» không phải là bảng tính đọc được (.xlsx, .ods hoặc .csv). Mở tệp bằng Excel hoặc LibreOffice, chọn \"Lưu thành\" dạng .xlsx rồi nhập lại."
    ))
}

/// Reads the sheet `sheet` (default: the first) of the file at `path`.
pub fn read_file(path: &Path, sheet: Option<&str>) -> Result<Table> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let meta = std::fs::metadata(path).map_err(|e| {
        refused(format!("Không mở được tệp «{}»: {}. Kiểm tra lại đường dẫn và USB.", path.display(), io_reason(&e)))
    })?;
    if meta.is_dir() {
        return Err(refused(format!("«{}» là một thư mục; hãy chọn một tệp bảng tính.", path.display())));
    }
    if meta.len() > MAX_FILE {
        return Err(refused(format!(
            "Tệp «{name}» quá lớn ({} MB; tối đa {} MB). Chia danh sách thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
            meta.len() / (1024 * 1024),
            MAX_FILE / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        refused(format!("Không đọc được tệp «{}»: {}. Kiểm tra lại USB rồi thử lại.", path.display(), io_reason(&e)))
    })?;
    read_bytes(&name, &bytes, sheet)
}

fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "không có tệp này",
        std::io::ErrorKind::PermissionDenied => "không có quyền đọc",
        _ => "lỗi đọc đĩa",
    }
}

/// Reads a spreadsheet held in memory; `name` names it in messages.
pub fn read_bytes(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table> {
    if bytes.len() as u64 > MAX_FILE {
        return Err(refused(format!("Tệp «{name}» quá lớn; tối đa {} MB.", MAX_FILE / (1024 * 1024))));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        check_zip(name, bytes)?;
        return read_workbook(name, bytes, sheet);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE compound file: a password-protected .xlsx (its EncryptedPackage), or an old .xls.
        if let Err(calamine::XlsxError::Password) =
            calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(bytes))
        {
            return Err(workbook_error(name, &calamine::Error::Xlsx(calamine::XlsxError::Password)));
        }
        return read_workbook(name, bytes, sheet);
    }
    let lower = name.to_lowercase();
    if [".xlsx", ".xlsm", ".xls", ".ods"].iter().any(|e| lower.ends_with(e)) {
        // Named as a workbook but neither a zip nor an OLE file.
        return Err(not_a_sheet(name));
    }
    if bytes.is_empty() {
        return Err(refused(format!("Tệp «{name}» trống, không có dòng nào.")));
    }
    // Text has no NUL byte (UTF-16 text starts with its BOM): anything else is some other file.
    let bom16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !bom16 && bytes.iter().take(8192).any(|b| *b == 0) {
        return Err(not_a_sheet(name));
    }
    read_text(name, bytes)
}

/// Refuses a zip whose contents would inflate beyond [`MAX_INFLATED`], before anything is inflated.
fn check_zip(name: &str, bytes: &[u8]) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_sheet(name))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        // The central directory's sizes, read without inflating anything.
        let size = zip.by_index_raw(i).map_err(|_| not_a_sheet(name))?.size();
        total = total.saturating_add(size);
    }
    if total > MAX_INFLATED {
        return Err(refused(format!(
            "Tệp «{name}» khi giải nén lớn bất thường ({} MB); không đọc tệp này. Mở tệp bằng Excel, chép riêng danh sách cần nhập sang một tệp mới rồi nhập tệp đó.",
            total / (1024 * 1024)
        )));
    }
    Ok(())
}

fn read_workbook(name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| workbook_error(name, &e))?;
    let names = wb.sheet_names();
    let chosen = match sheet {
        Some(s) => names.iter().find(|n| text::fold(n) == text::fold(s)).cloned().ok_or_else(|| {
            refused(format!(
                "Tệp «{name}» không có trang tính «{s}»; các trang tính có: {}.",
                names.iter().map(|n| format!("«{n}»")).collect::<Vec<_>>().join(", ")
            ))
        })?,
        None => names.first().cloned().ok_or_else(|| refused(format!("Tệp «{name}» không có trang tính nào.")))?,
    };
    let mut grid = Grid::default();
    match &mut wb {
        Sheets::Xlsx(x) => {
            // Streamed cell by cell, so that reading stops at the limits without holding the sheet.
            let mut cells = x.worksheet_cells_reader(&chosen).map_err(|_| not_a_sheet(name))?;
            while let Some(cell) = cells.next_cell().map_err(|_| not_a_sheet(name))? {
                let (r, c) = cell.get_position();
                grid.put(name, r as usize, c as usize, convert(&Data::from(cell.get_value().clone())))?;
            }
        }
        _ => {
            let range = wb.worksheet_range(&chosen).map_err(|e| workbook_error(name, &e))?;
            let (r0, c0) = range.start().unwrap_or_default();
            for (r, row) in range.rows().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    grid.put(name, r0 as usize + r, c0 as usize + c, convert(v))?;
                }
            }
        }
    }
    grid.table(name, chosen)
}

fn workbook_error(name: &str, e: &calamine::Error) -> Error {
    let protected = matches!(
        e,
        calamine::Error::Xlsx(calamine::XlsxError::Password) | calamine::Error::Xls(calamine::XlsError::Password)
    );
    if protected {
        refused(format!(
            "Tệp «{name}» được đặt mật khẩu nên không đọc được. Mở tệp bằng Excel, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc), lưu lại rồi nhập lại."
        ))
    } else {
        not_a_sheet(name)
    }
}

fn convert(v: &Data) -> In {
    match v {
        Data::Empty | Data::Error(_) => In::Empty,
        Data::String(s) => text_cell(s),
        Data::Int(i) => In::Number(*i as f64),
        Data::Float(f) => In::Number(*f),
        Data::Bool(b) => In::Bool(*b),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => In::Date(t.date()),
            Some(t) => In::DateTime(t),
            None => In::Empty,
        },
        Data::DateTimeIso(s) => {
            if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                In::Date(d)
            } else if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
                In::DateTime(t)
            } else {
                text_cell(s)
            }
        }
        Data::DurationIso(s) => text_cell(s),
    }
}

fn text_cell(s: &str) -> In {
    let s: String = s.chars().take(MAX_CELL).collect();
    if s.trim().is_empty() { In::Empty } else { In::Text(s) }
}

/// Cells gathered row by row, within the limits.
#[derive(Default)]
struct Grid {
    rows: std::collections::BTreeMap<usize, Vec<In>>,
    /// Bytes of text held so far.
    text: usize,
}

impl Grid {
    fn put(&mut self, name: &str, r: usize, c: usize, v: In) -> Result<()> {
        if v == In::Empty {
            return Ok(());
        }
        if c >= MAX_COLUMNS {
            return Err(refused(format!(
                "Tệp «{name}» có quá nhiều cột (hơn {MAX_COLUMNS}); hãy chỉ giữ các cột của danh sách cần nhập."
            )));
        }
        if !self.rows.contains_key(&r) && self.rows.len() > MAX_ROWS + HEADER_ROWS {
            return Err(too_many_rows(name));
        }
        if let In::Text(t) = &v {
            self.text += t.len();
            if self.text > MAX_TEXT {
                return Err(refused(format!(
                    "Tệp «{name}» chứa quá nhiều chữ (hơn {} MB); chép riêng danh sách cần nhập sang một tệp mới rồi nhập tệp đó.",
                    MAX_TEXT / (1024 * 1024)
                )));
            }
        }
        let row = self.rows.entry(r).or_default();
        if row.len() <= c {
            row.resize(c + 1, In::Empty);
        }
        row[c] = v;
        Ok(())
    }

    fn table(self, name: &str, sheet: String) -> Result<Table> {
        if self.rows.len() < 2 {
            return Err(refused(format!(
                "Trang tính «{sheet}» của tệp «{name}» không có dòng dữ liệu nào (cần một dòng tiêu đề cột và các dòng bên dưới)."
            )));
        }
        let rows: Vec<Row> = self.rows.into_iter().map(|(r, cells)| Row { line: r + 1, cells }).collect();
        if rows.len() > MAX_ROWS + HEADER_ROWS {
            return Err(too_many_rows(name));
        }
        Ok(Table { sheet, rows })
    }
}

fn too_many_rows(name: &str) -> Error {
    refused(format!(
        "Tệp «{name}» có hơn {} dòng; mỗi lần nhập tối đa {} dòng. Chia danh sách thành nhiều tệp rồi nhập lần lượt. Chưa lưu gì.",
        text::format_int(MAX_ROWS as i64),
        text::format_int(MAX_ROWS as i64)
    ))
}

fn header_names(cells: &[In]) -> Vec<String> {
    cells
        .iter()
        .map(|c| match c {
            In::Text(s) => text::printable(&text::clean(s), 200),
            In::Number(n) => n.to_string(),
            In::Empty => String::new(),
            In::Bool(b) => b.to_string(),
            In::Date(d) => d.to_string(),
            In::DateTime(t) => t.to_string(),
        })
        .collect()
}

/// .csv: UTF-8 (a BOM is dropped) or UTF-16 with its BOM (Excel's "Unicode text", tab-separated).
/// The separator is whichever of tab, semicolon and comma the header line has most of.
fn read_text(name: &str, bytes: &[u8]) -> Result<Table> {
    let decoded: String = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(name, rest, u16::from_le_bytes)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(name, rest, u16::from_be_bytes)?
    } else {
        let rest = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        String::from_utf8(rest.to_vec()).map_err(|_| {
            refused(format!(
                "Tệp «{name}» không phải chữ UTF-8. Trong Excel chọn \"Lưu thành\" > \"CSV UTF-8\" (hoặc lưu dạng .xlsx) rồi nhập lại."
            ))
        })?
    };
    if decoded.contains('\0') {
        return Err(not_a_sheet(name));
    }
    // The separator: whichever of tab, semicolon and comma the first lines hold most of (a title
    // line above the headers may hold a comma and nothing else).
    let most =
        |sep: u8| decoded.lines().take(HEADER_ROWS).map(|l| l.bytes().filter(|b| *b == sep).count()).sum::<usize>();
    let sep = [b',', b';', b'\t'].into_iter().max_by_key(|s| most(*s)).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(Cursor::new(decoded.as_bytes()));
    let mut grid = Grid::default();
    let mut record = csv::StringRecord::new();
    // The line each row starts on, counted from its byte offset (the reader skips empty lines, and
    // a quoted cell may hold line breaks), from 0 as the grid's rows.
    let (mut seen, mut r) = (0usize, 0usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(not_a_sheet(name)),
        }
        let mut at = record.position().map_or(seen, |p| p.byte() as usize).clamp(seen, decoded.len());
        // After a "\r\n" the reader's record starts at the "\n": the row itself is past it.
        while decoded.as_bytes().get(at).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            at += 1;
        }
        r += decoded.as_bytes()[seen..at].iter().filter(|b| **b == b'\n').count();
        seen = at;
        for (c, v) in record.iter().enumerate() {
            grid.put(name, r, c, text_cell(v))?;
        }
    }
    grid.table(name, "CSV".into())
}

fn utf16(name: &str, bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String> {
    let units = bytes.chunks_exact(2).map(|p| word([p[0], p[1]]));
    char::decode_utf16(units).collect::<std::result::Result<String, _>>().map_err(|_| not_a_sheet(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_found_under_a_title_line_with_a_comma() {
        let t =
            read_bytes("a.csv", "DANH SÁCH THÀNH VIÊN, NĂM 2026\nHọ và tên;Ngày sinh\nA;01/01/1990\n".as_bytes(), None)
                .expect("read");
        assert_eq!(Table::header_names(&t.rows[1]), vec!["Họ và tên", "Ngày sinh"]);
    }

    #[test]
    fn csv_in_utf8_with_bom_and_semicolons() {
        let t = read_bytes("a.csv", "\u{feff}Tên khu dân cư;Số hộ\nThôn 1;120\n\n;\nThôn 2;80\n".as_bytes(), None)
            .expect("read");
        assert_eq!(Table::header_names(&t.rows[0]), vec!["Tên khu dân cư", "Số hộ"]);
        assert_eq!(t.rows.len(), 3, "blank rows are left out");
        assert_eq!(t.rows[2].line, 5, "row numbers count every line of the file");
        assert_eq!(t.rows[1].cells[0], In::Text("Thôn 1".into()));
    }

    #[test]
    fn excel_unicode_text_is_utf16_with_tabs() {
        let s = "Họ và tên\tNgày sinh\r\nNguyễn Văn A\t01/02/1980\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let t = read_bytes("a.txt", &bytes, None).expect("read");
        assert_eq!(Table::header_names(&t.rows[0]), vec!["Họ và tên", "Ngày sinh"]);
        assert_eq!(t.rows[1].cells[1], In::Text("01/02/1980".into()));
    }

    #[test]
    fn not_a_spreadsheet_says_so() {
        let e = read_bytes("anh.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None).unwrap_err().to_string();
        assert!(e.contains("không phải là bảng tính"), "{e}");
        let e = read_bytes("x.csv", b"", None).unwrap_err().to_string();
        assert!(e.contains("trống"), "{e}");
        let e = read_bytes("x.csv", "Tên khu dân cư\n".as_bytes(), None).unwrap_err().to_string();
        assert!(e.contains("không có dòng dữ liệu"), "{e}");
        let e = read_bytes("x.csv", &[0x41, 0xFF, 0xFE, 0x0A], None).unwrap_err().to_string();
        assert!(e.contains("UTF-8"), "{e}");
    }

    #[test]
    fn the_text_held_is_bounded_whatever_the_file_repeats() {
        let mut g = Grid::default();
        let long = "x".repeat(MAX_CELL);
        let mut refused = None;
        for r in 0..MAX_ROWS {
            if let Err(e) = g.put("bom.xlsx", r, 0, In::Text(long.clone())) {
                refused = Some((r, e.to_string()));
                break;
            }
        }
        let (r, e) = refused.expect("refused before holding every row");
        assert!(r * MAX_CELL <= MAX_TEXT + MAX_CELL, "{r} rows held");
        assert!(e.contains("quá nhiều chữ"), "{e}");
    }

    #[test]
    fn too_many_rows_are_refused_with_advice() {
        let mut s = String::from("Tên\n");
        for i in 0..=MAX_ROWS + HEADER_ROWS {
            s.push_str(&format!("Thôn {i}\n"));
        }
        let e = read_bytes("lon.csv", s.as_bytes(), None).unwrap_err().to_string();
        assert!(e.contains("tối đa 20.000 dòng") && e.contains("Chia danh sách"), "{e}");
    }
}

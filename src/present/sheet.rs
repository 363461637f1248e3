//! Spreadsheet imports and exports as told to the officer: what an import did or would do, and what
//! to do next.

use std::path::Path;

use serde::Serialize;

use crate::domain::Kind;
use crate::error::Result;
use crate::sheet::import::{ImportMode, ImportOptions, ImportReport, import_file};
use crate::store::Store;
use crate::text::format_int;

/// An import as the window shows it: what happened, told in sentences, and the details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportView {
    pub report: ImportReport,
    pub lines: Vec<String>,
    /// The register's fields a column can be mapped to (code, label), for the columns not recognised.
    pub fields: Vec<(String, String)>,
}

/// Where a spreadsheet to import may be: the USB sticks found and the spreadsheets on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Sources {
    pub drives: Vec<String>,
    pub files: Vec<String>,
}

/// The sticks and the spreadsheets on them (two folders deep, at most 50).
pub fn sources() -> Sources {
    let drives = crate::fsutil::removable_drives();
    let files = crate::fsutil::files_in(&drives, &crate::fsutil::SPREADSHEETS, 50);
    let text = |v: Vec<std::path::PathBuf>| v.iter().map(|p| p.display().to_string()).collect();
    Sources { drives: text(drives), files: text(files) }
}

/// "Nhập từ Excel": reads the file and previews or imports it as `opts` says.
pub fn import(store: &mut Store, kind: Kind, path: &Path, opts: &ImportOptions) -> Result<ImportView> {
    let report = import_file(store, kind, path, opts)?;
    let fields = crate::sheet::import::importable_fields(store, kind)?
        .into_iter()
        .filter(|f| !f.system)
        .map(|f| (f.key, f.label))
        .collect();
    Ok(ImportView { lines: import_summary(&report), report, fields })
}

fn n(v: u32) -> String {
    format_int(v as i64)
}

/// The import's outcome in one sentence, then what to do about the bad rows.
pub fn import_summary(r: &ImportReport) -> Vec<String> {
    let counts = format!("thêm {}, sửa {}, giữ nguyên {}", n(r.created), n(r.updated), n(r.unchanged));
    let bad_rows = {
        let mut lines: Vec<u32> = r.problems.iter().map(|p| p.line).collect();
        lines.dedup();
        lines.len() as u32
    };
    let mut out = Vec::new();
    out.push(match (r.mode, r.saved) {
        (ImportMode::Preview, _) => {
            format!("Xem trước (chưa lưu gì): {} dòng đọc được; nếu nhập sẽ {counts}.", n(r.rows))
        }
        (_, true) => format!("Đã nhập {} dòng vào sổ {}: {counts}.", n(r.rows - bad_rows.min(r.rows)), r.kind.label()),
        (_, false) if r.problems.is_empty() => {
            format!("Không có gì thay đổi: {} dòng đều giống dữ liệu đã có.", n(r.rows))
        }
        (_, false) => format!("Chưa lưu gì: {} dòng có lỗi.", n(bad_rows)),
    });
    if !r.unknown.is_empty() {
        out.push(format!(
            "Cột không nhận ra (bỏ qua): {}. Nếu cần, ghép các cột này với trường của sổ rồi nhập lại.",
            r.unknown.iter().map(|h| format!("«{h}»")).collect::<Vec<_>>().join(", ")
        ));
    }
    if !r.problems.is_empty() {
        out.push(match (r.mode, r.saved) {
            (ImportMode::GoodRows, true) => format!("Đã bỏ qua {} dòng có lỗi dưới đây; sửa tệp rồi nhập lại các dòng đó.", n(bad_rows)),
            _ => format!(
                "{} dòng có lỗi dưới đây. Sửa tệp rồi nhập lại (nhập lại không tạo bản ghi trùng), hoặc chỉ nhập các dòng không lỗi.",
                n(bad_rows)
            ),
        });
        out.extend(r.problems.iter().map(|p| format!("  {p}")));
    }
    out
}

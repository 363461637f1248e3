//! Spreadsheet imports and exports as told to the officer: what an import did or would do, and what
//! to do next.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::Kind;
use crate::error::Result;
use crate::sheet::import::{ImportMode, ImportOptions, ImportReport, import_file};
use crate::sheet::{Progress, Stage};
use crate::store::{ListQuery, Store};
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

/// How far a long export has got, as the window's progress bar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportProgress {
    /// The whole export's share done, in thousandths.
    pub permille: u16,
    pub text: String,
}

/// Each stage's share of the bar, in thousandths, from where it starts. Measured in the window (debug
/// build) on 15,001 areas: reading took two fifths of the time, making the rows and writing them a
/// fifth each, compressing and saving the file a quarter (it reports nothing on the way: the bar waits
/// at three quarters with its words).
fn stage_span(stage: Stage) -> (u16, u16) {
    match stage {
        Stage::Reading => (0, 350),
        Stage::Preparing => (350, 200),
        Stage::Writing => (550, 200),
        Stage::Saving => (750, 250),
    }
}

/// An export's progress in words, for the register `kind`.
pub fn export_progress(kind: Kind, p: Progress) -> ExportProgress {
    let (start, span) = stage_span(p.stage);
    let within = (span as usize * p.done.min(p.total)).checked_div(p.total).unwrap_or(0) as u16;
    let rows = || format!("{} / {}", format_int(p.done as i64), format_int(p.total as i64));
    let text = match p.stage {
        Stage::Reading => format!("Đang đọc sổ {}…", kind.label()),
        Stage::Preparing => format!("Đang chuẩn bị {} dòng…", rows()),
        Stage::Writing => format!("Đang ghi {} dòng vào bảng tính…", rows()),
        Stage::Saving => "Đang nén và lưu tệp…".to_owned(),
    };
    ExportProgress { permille: start + within, text }
}

/// "Xuất Excel": the list as shown into `dir`, telling its progress as it goes; returns the path written.
pub fn export(
    store: &Store,
    kind: Kind,
    q: &ListQuery,
    dir: &Path,
    progress: &mut dyn FnMut(ExportProgress),
) -> Result<PathBuf> {
    crate::sheet::export::export_to_folder(store, kind, q, dir, &mut |p| progress(export_progress(kind, p)))
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

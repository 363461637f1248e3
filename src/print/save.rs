//! Printing from the window: which forms a record fills, the folder the PDFs go to, their file
//! names, and opening a saved PDF in the system's viewer. The numbering is [`fill::print`]'s, exactly
//! as `phongtrao print` does it; the window's commands only call these functions.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use uuid::Uuid;

use super::fill::{self, Numbering, PrintRequest, Printed};
use super::forms::{self, FormSpec, Source};
use crate::domain::{DocExt, Kind};
use crate::error::{Error, Result};
use crate::store::Store;

/// The environment variable that overrides the folder printed documents are saved in.
pub const DIR_ENV: &str = "PHONGTRAO_PRINT_DIR";

/// Where printed documents are saved: `PHONGTRAO_PRINT_DIR` if set, else the user's Documents
/// folder's `phongtrao` (Windows `C:\Users\…\Documents\phongtrao`, Linux `~/Documents/phongtrao` or
/// the XDG documents folder), else `phongtrao-van-ban` in the current folder.
pub fn default_dir() -> PathBuf {
    if let Some(p) = std::env::var_os(DIR_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let users = directories::UserDirs::new();
    let docs = users.as_ref().and_then(|u| u.document_dir().map(Path::to_path_buf));
    match (docs, users) {
        (Some(d), _) => d.join("phongtrao"),
        (None, Some(u)) => u.home_dir().join("Documents").join("phongtrao"),
        (None, None) => PathBuf::from("phongtrao-van-ban"),
    }
}

/// The forms `record` fills (a meeting: the biên bản; a team: the decision; an activity: the forms
/// of its category), in the registry's order. Empty for records no form is filled from.
pub fn forms_for(store: &Store, kind: Kind, id: Uuid) -> Result<Vec<&'static FormSpec>> {
    let r = store.get(kind, id)?;
    let category = r.data.str_of("category").unwrap_or_default().to_owned();
    Ok(forms::FORMS
        .iter()
        .filter(|f| match (f.source, kind) {
            (Source::Meeting, Kind::Meeting)
            | (Source::Team, Kind::Team)
            | (Source::Plan, Kind::Plan)
            | (Source::Inspection | Source::Remedies, Kind::Inspection) => true,
            (Source::Activity(categories), Kind::Activity) => categories.contains(&category.as_str()),
            _ => false,
        })
        .collect())
}

/// The certification forms printable for `unit` in `year` (None: the commune's report), as
/// `phongtrao cert dossier` prints them: a unit's documents up to the step it has reached (not the
/// decision and the certificate of a unit that was not recognised); nothing before it registers.
pub fn cert_forms(store: &Store, unit: Option<Uuid>, year: i32) -> Result<Vec<&'static FormSpec>> {
    let Some(id) = unit else { return Ok(vec![fill::form("bao-cao-ket-qua-cong-nhan")?]) };
    let view = store.cert_view(Some(id), year)?;
    if view.excluded {
        return Ok(Vec::new());
    }
    let recognised = view.cert.decision.as_ref().map(|d| d.recognised);
    let mut out = Vec::new();
    for (form, step) in super::fill_cert::UNIT_DOSSIER {
        let refused = recognised == Some(false) && matches!(*form, "giay-cong-nhan" | "quyet-dinh-cong-nhan");
        if view.step != crate::domain::cert::Step::ChuaDangKy && view.step >= *step && !refused {
            out.push(fill::form(form)?);
        }
    }
    Ok(out)
}

/// The file name of a printed document, without folder: the form's name, then its number
/// (`bien-ban-hop_01-BB-CAX_2026.pdf`), or the date of printing for an unnumbered document
/// (`quyet-dinh-thanh-lap-to_2026-01-05.pdf`), or `mau-trang` for a blank form.
pub fn file_name(printed: &Printed, req: &PrintRequest) -> String {
    let tail = match (&printed.issued, req.blank) {
        (_, true) => "mau-trang".to_owned(),
        (Some(d), _) => format!("{}_{}", d.number_text().replace('/', "-"), d.year),
        (None, _) => req.date.format("%Y-%m-%d").to_string(),
    };
    // File names stay ASCII (the symbol QĐ becomes QD) so that every file system and USB stick takes them.
    let ascii: String = crate::text::fold(&format!("{}_{tail}", printed.form.name))
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    format!("{ascii}.pdf")
}

/// `dir/name`, or `dir/stem (2).pdf`, `(3)`… when a file of that name exists: a saved document is
/// never overwritten.
pub fn free_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let stem = name.strip_suffix(".pdf").unwrap_or(name);
    (2..).map(|n| dir.join(format!("{stem} ({n}).pdf"))).find(|p| !p.exists()).unwrap_or(first)
}

/// A document printed and saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub printed: Printed,
    /// The PDF file written.
    pub path: PathBuf,
}

impl Saved {
    /// What the window says once it is saved, in Vietnamese.
    pub fn message(&self) -> String {
        let (title, path) = (self.printed.form.title, self.path.display());
        match (&self.printed.issued, self.printed.reprint) {
            (Some(d), true) => format!(
                "Đã lưu bản in lại {title} số {} ngày {} (giữ số đã cấp, không lấy số mới) vào tệp {path}",
                d.number_text(),
                crate::date::display(d.issued_on)
            ),
            (Some(d), false) => format!("Đã lưu {title} số {} vào tệp {path}", d.number_text()),
            (None, _) => format!("Đã lưu {title} vào tệp {path}"),
        }
    }
}

/// Prints `req` as `phongtrao print` does (numbered through the store's register by
/// [`fill::print`]) and saves the PDF in `dir` (made if missing) under [`file_name`], without
/// overwriting. The number is taken before the file is written: a failed write leaves it in the
/// register, as on the command line.
pub fn print_to(store: &mut Store, req: &PrintRequest, dir: &Path) -> Result<Saved> {
    let printed = fill::print(store, req)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = free_path(dir, &file_name(&printed, req));
    crate::fsutil::write_atomic(&path, &printed.pdf)?;
    Ok(Saved { printed, path })
}

/// Shows `req` before anything is taken: the document as saving it would print it (under the number
/// its record's document already has, or "Số: ……" when the number is given on saving); nothing is
/// recorded and no file is written.
pub fn preview(store: &mut Store, req: &PrintRequest) -> Result<Printed> {
    fill::print(store, &PrintRequest { numbering: Numbering::Preview, ..req.clone() })
}

/// What the window says under a preview, in Vietnamese: which number saving will print.
pub fn preview_note(p: &Printed, blank: bool) -> String {
    match (&p.issued, &p.number) {
        _ if blank => "Bản xem trước của mẫu trắng: không lấy số.".to_owned(),
        (Some(d), _) if p.reprint => format!(
            "Văn bản này đã cấp số {} ngày {} ({}): lưu lại là in lại đúng số và ngày đó, không lấy số mới. \
Chỉ khi đây là một văn bản khác mới cấp số mới.",
            d.number_text(),
            crate::date::display(d.issued_on),
            d.issued_by
        ),
        (_, Some(n)) => format!("Văn bản mang số {n} đã ghi trong hồ sơ; lưu không lấy số mới."),
        (None, None) if p.form.numbered() => {
            "Bản xem trước, chưa lấy số: số tiếp theo trong sổ văn bản chỉ được cấp khi lưu.".to_owned()
        }
        _ => "Bản xem trước; văn bản này không lấy số của Công an xã.".to_owned(),
    }
}

/// One line of the register of issued documents as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterLine {
    /// The register entry's id (to reprint it).
    pub id: Uuid,
    /// "01/BB-CAX".
    pub number: String,
    /// The form's name and title.
    pub form: &'static str,
    pub form_title: String,
    /// What it is about: the record's title, "Năm 2025", or why it is not known.
    pub about: String,
    /// The record it was filled from, when it still exists (to open it).
    pub record: Option<(Kind, Uuid)>,
    /// Who issued it.
    pub issued_by: String,
    /// The date on the document, dd/mm/yyyy.
    pub issued_on: String,
    /// When the number was taken, "HH:MM dd/mm/yyyy".
    pub issued_at: String,
}

/// The register of issued documents, newest first (at most `limit`), with each document's record.
pub fn register(store: &Store, limit: u32) -> Result<Vec<RegisterLine>> {
    let mut out = Vec::new();
    for d in store.issued_documents(limit)? {
        let spec = super::forms::find(&d.form);
        let record = match d.record_id {
            Some(id) => store.get_any(id)?.filter(|r| !r.meta.deleted),
            None => None,
        };
        let about = match (&record, d.record_id, d.period) {
            (Some(r), _, _) => r.title.clone(),
            (None, Some(_), _) => "Bản ghi đã xóa".to_owned(),
            (None, None, Some(y)) => format!("Năm {y}"),
            (None, None, None) => "—".to_owned(),
        };
        let at = chrono::DateTime::parse_from_rfc3339(&d.issued_at)
            .map(|t| t.format("%H:%M %d/%m/%Y").to_string())
            .unwrap_or_else(|_| d.issued_at.clone());
        out.push(RegisterLine {
            id: d.id,
            number: d.number_text(),
            form: spec.map_or("", |f| f.name),
            form_title: spec.map_or_else(|| d.form.clone(), |f| f.title.to_owned()),
            about,
            record: record.map(|r| (r.kind, r.id)),
            issued_by: d.issued_by.clone(),
            issued_on: crate::date::display(d.issued_on),
            issued_at: at,
        });
    }
    Ok(out)
}

/// Prints again the register's entry `id` under its number and date, and saves it in `dir`.
pub fn reprint_to(store: &mut Store, id: Uuid, dir: &Path) -> Result<Saved> {
    let req = PrintRequest::reprint(&store.issued_document(id)?, today());
    print_to(store, &req, dir)
}

/// The key-registration form's key: this installation's own signing key (made on first use).
pub fn own_key(store: &mut Store) -> Result<forms::KeyInput> {
    let (key, _) = store.sync_keys()?;
    let pk = key.public_key()?;
    forms::from_minisign_pub(pk.text()).map_err(Error::Refused)
}

/// Opens a saved PDF in the system's viewer (its default application for PDF files), to print it
/// from there, or a saved spreadsheet in the spreadsheet program. Only a `.pdf` or `.xlsx` file inside
/// `dir` (the print folder) is opened: the window cannot use this to run or open anything else.
pub fn open_saved(dir: &Path, file: &Path) -> Result<()> {
    let refuse = || Error::Refused(format!("Chỉ mở được tệp PDF hoặc Excel đã lưu trong thư mục {}.", dir.display()));
    let dir = dir.canonicalize().map_err(|_| refuse())?;
    let file = file.canonicalize().map_err(|e| Error::io(file, e))?;
    let ext = file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let is_pdf = ext.as_deref() == Some("pdf");
    if !(is_pdf || ext.as_deref() == Some("xlsx")) || !file.is_file() || file.parent() != Some(dir.as_path()) {
        return Err(refuse());
    }
    // Detached: the viewer outlives the call (and a launcher that waits for it blocks nothing); a
    // launcher that fails at once (within 250 ms) is reported, or the next one (gio…) is tried.
    // The system's reason is in the system's language: the officer is told what to do instead.
    open::that_detached(&file).map_err(|_| {
        Error::Refused(if is_pdf {
            format!(
                "Không mở được tệp {} bằng trình xem PDF của máy (máy chưa có trình xem PDF, hoặc trình xem không chạy). \
Hãy tự mở tệp này trong thư mục trên để in.",
                file.display()
            )
        } else {
            format!(
                "Không mở được tệp {} (máy chưa có Excel hoặc LibreOffice). Hãy chép tệp này sang máy có Excel để mở.",
                file.display()
            )
        })
    })
}

/// The date of printing, today, as the window and the command line use it.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

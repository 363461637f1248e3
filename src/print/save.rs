//! Printing from the window: which forms a record fills, the folder the PDFs go to, their file
//! names, and opening a saved PDF in the system's viewer. The numbering is [`fill::print`]'s, exactly
//! as `phongtrao print` does it; the window's commands only call these functions.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use uuid::Uuid;

use super::fill::{self, PrintRequest, Printed};
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
            (Source::Meeting, Kind::Meeting) | (Source::Team, Kind::Team) => true,
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
        match &self.printed.issued {
            Some(d) => {
                format!("Đã lưu {} số {} vào tệp {}", self.printed.form.title, d.number_text(), self.path.display())
            }
            None => format!("Đã lưu {} vào tệp {}", self.printed.form.title, self.path.display()),
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

/// The key-registration form's key: this installation's own signing key (made on first use).
pub fn own_key(store: &mut Store) -> Result<forms::KeyInput> {
    let (key, _) = store.sync_keys()?;
    let pk = key.public_key()?;
    forms::from_minisign_pub(pk.text()).map_err(Error::Refused)
}

/// Opens a saved PDF in the system's viewer (its default application for PDF files), to print it
/// from there. Only a `.pdf` file inside `dir` (the print folder) is opened: the window cannot use
/// this to run or open anything else.
pub fn open_saved(dir: &Path, file: &Path) -> Result<()> {
    let refuse = || Error::Refused(format!("Chỉ mở được tệp PDF đã in trong thư mục {}.", dir.display()));
    let dir = dir.canonicalize().map_err(|_| refuse())?;
    let file = file.canonicalize().map_err(|e| Error::io(file, e))?;
    let is_pdf = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if !is_pdf || !file.is_file() || file.parent() != Some(dir.as_path()) {
        return Err(refuse());
    }
    // Detached: the viewer outlives the call (and a launcher that waits for it blocks nothing); a
    // launcher that fails at once (within 250 ms) is reported, or the next one (gio…) is tried.
    // The system's reason is in the system's language: the officer is told what to do instead.
    open::that_detached(&file).map_err(|_| {
        Error::Refused(format!(
            "Không mở được tệp {} bằng trình xem PDF của máy (máy chưa có trình xem PDF, hoặc trình xem không chạy). \
Hãy tự mở tệp này trong thư mục trên để in.",
            file.display()
        ))
    })
}

/// The date of printing, today, as the window and the command line use it.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

//! Files written so that a crash, a power cut or a pulled USB stick never leaves a half-written file
//! under its final name: write a temporary file beside it, flush it to disk, rename it into place.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The temporary name used while `path` is being written (`.name.tmp-<pid>`): never mistaken for it.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Writes `path` atomically with `fill` writing the contents into the temporary file.
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut File) -> std::io::Result<()>) -> Result<()> {
    write_with(path, fill, false).map(|_| ())
}

/// Writes `bytes` to a new file: `path` if no file has that name, else `name-2.ext`, `name-3.ext`…
/// A file already on the disk (a bundle not yet carried, a PDF) is never replaced. Returns the path
/// written.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    write_with(path, |f| f.write_all(bytes), true)
}

fn numbered(path: &Path, n: u32) -> PathBuf {
    if n == 1 {
        return path.to_owned();
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    match path.extension() {
        Some(ext) => path.with_file_name(format!("{stem}-{n}.{}", ext.to_string_lossy())),
        None => path.with_file_name(format!("{stem}-{n}")),
    }
}

fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> std::io::Result<()>, keep: bool) -> Result<PathBuf> {
    let tmp = temp_path(path);
    let mut written = path.to_owned();
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        fill(&mut f)?;
        injected()?;
        f.flush()?;
        f.sync_all()?;
        drop(f);
        if keep {
            written = place_new(&tmp, path)?;
        } else {
            fs::rename(&tmp, path)?;
        }
        sync_dir(&written);
        Ok(())
    })();
    result.map(|_| written).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Puts `tmp` under the first free name of `path`, `path-2`… A hard link fails if the name is
/// taken, whoever took it; a file system without links (FAT sticks) gets a check then a rename.
fn place_new(tmp: &Path, path: &Path) -> std::io::Result<PathBuf> {
    for n in 1..10_000 {
        let candidate = numbered(path, n);
        match fs::hard_link(tmp, &candidate) {
            Ok(()) => {
                fs::remove_file(tmp)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) if candidate.exists() => continue,
            Err(_) => {
                fs::rename(tmp, &candidate)?;
                return Ok(candidate);
            }
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "quá nhiều tệp cùng tên"))
}

/// New files written together, each as [`write_new`] writes one (a temporary name, flushed to disk,
/// then put under the first free name, its folder flushed), but with the flushes done together: a
/// file's own flush costs a disk round trip (milliseconds on a stick), and many files flushed one
/// after another each wait for theirs, where flushed in one pass they share them. Nothing is on the
/// disk until [`NewFiles::write`]: a crash before it leaves no file at all, not even a temporary one.
#[derive(Debug, Default)]
pub struct NewFiles {
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// At most this many files are open at once while a [`NewFiles`] is written (systems limit a
/// program's open files; 1,024 on many Linux installations).
const OPEN_AT_ONCE: usize = 64;

impl NewFiles {
    /// Adds a file to write at `path` (or `name-2.ext`… if taken when written). Returns its index in
    /// what [`NewFiles::write`] returns.
    pub fn add(&mut self, path: PathBuf, bytes: Vec<u8>) -> usize {
        self.files.push((path, bytes));
        self.files.len() - 1
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes every file: each in full under its temporary name, all flushed to disk, then each put
    /// under its name and every folder flushed once. Returns, in the order added, the path each was
    /// written to or why it was not (the others are written all the same).
    pub fn write(self) -> Vec<Result<PathBuf>> {
        let mut out: Vec<Result<PathBuf>> = Vec::with_capacity(self.files.len());
        let mut placed: Vec<PathBuf> = Vec::new();
        for chunk in self.files.chunks(OPEN_AT_ONCE) {
            // Written and flushed (the data only: the names come after).
            let written: Vec<std::io::Result<PathBuf>> = chunk
                .iter()
                .map(|(path, bytes)| {
                    let tmp = temp_path(path);
                    let made = (|| {
                        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                            fs::create_dir_all(dir)?;
                        }
                        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
                        f.write_all(bytes)?;
                        injected()?;
                        f.flush()?;
                        Ok(f)
                    })();
                    made.map(|f| (f, tmp.clone())).inspect_err(|_| {
                        let _ = fs::remove_file(&tmp);
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|r| {
                    r.and_then(|(f, tmp)| match f.sync_all() {
                        Ok(()) => Ok(tmp),
                        Err(e) => {
                            let _ = fs::remove_file(&tmp);
                            Err(e)
                        }
                    })
                })
                .collect();
            for ((path, _), w) in chunk.iter().zip(written) {
                let r = w.and_then(|tmp| {
                    place_new(&tmp, path).inspect_err(|_| {
                        let _ = fs::remove_file(&tmp);
                    })
                });
                if let Ok(p) = &r {
                    placed.push(p.clone());
                }
                out.push(r.map_err(|e| Error::io(path, e)));
            }
        }
        let mut dirs: Vec<&Path> = placed.iter().filter_map(|p| p.parent()).collect();
        dirs.sort();
        dirs.dedup();
        for d in dirs {
            sync_folder(d);
        }
        out
    }
}

thread_local! {
    static INJECTED: std::cell::Cell<Option<std::io::ErrorKind>> = const { std::cell::Cell::new(None) };
}

/// Makes every file write of this thread fail with `kind` after its data was written to the
/// temporary file (a stick that fills up or turns read-only half-way), until called with `None`.
/// For tests of what the officer is told and what is left behind.
#[doc(hidden)]
pub fn inject_write_error(kind: Option<std::io::ErrorKind>) {
    INJECTED.with(|c| c.set(kind));
}

fn injected() -> std::io::Result<()> {
    match INJECTED.with(std::cell::Cell::get) {
        Some(kind) => Err(std::io::Error::from(kind)),
        None => Ok(()),
    }
}

/// Makes a rename durable: on Unix the directory entry is flushed too. Windows has no such call and
/// its rename is already durable once it returns (MoveFileEx with write-through is what std uses).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_folder(dir);
    }
}

/// Flushes a folder's entries (the names renamed into it) to disk, on Unix; see [`sync_dir`].
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The store file when none is named (`--db`, `PHONGTRAO_DB`): `phongtrao.db` in the platform's data
/// folder (from the `directories` crate), or None on a system without one.
pub fn default_store_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("vn", "phongtrao", "phongtrao").map(|d| d.data_dir().join("phongtrao.db"))
}

/// The environment variable naming a folder whose subfolders are offered as USB sticks instead of
/// the system's mount points (a site that mounts sticks elsewhere; the end-to-end tests).
pub const DRIVES_ENV: &str = "PHONGTRAO_DRIVES_DIR";

/// Folders where a USB stick is likely mounted, for the window to offer as backup and export targets:
/// `/media/<user>/*` and `/run/media/<user>/*` on Linux, `/Volumes/*` on macOS, drive letters D:–Z:
/// that exist on Windows; or the subfolders of `PHONGTRAO_DRIVES_DIR` when it is set.
pub fn removable_drives() -> Vec<PathBuf> {
    drives(std::env::var_os(DRIVES_ENV))
}

/// [`removable_drives`], given the value of `PHONGTRAO_DRIVES_DIR` (unset or empty: the system's).
fn drives(over: Option<std::ffi::OsString>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(root) = over.filter(|v| !v.is_empty()) {
        out.extend(subfolders(Path::new(&root)));
        out.sort();
        return out;
    }
    #[cfg(windows)]
    for letter in b'D'..=b'Z' {
        let root = PathBuf::from(format!("{}:\\", letter as char));
        if root.exists() {
            out.push(root);
        }
    }
    #[cfg(not(windows))]
    {
        let user = std::env::var("USER").unwrap_or_default();
        let roots: Vec<PathBuf> = if cfg!(target_os = "macos") {
            vec![PathBuf::from("/Volumes")]
        } else {
            vec![Path::new("/media").join(&user), Path::new("/run/media").join(&user)]
        };
        for root in roots {
            out.extend(subfolders(&root));
        }
    }
    out.sort();
    out
}

/// At most this many entries of one folder are looked at (a stick full of photos stays quick).
const SCAN_LIMIT: usize = 2000;

fn subfolders(root: &Path) -> Vec<PathBuf> {
    match fs::read_dir(root) {
        Ok(entries) => entries.flatten().take(SCAN_LIMIT).map(|e| e.path()).filter(|p| p.is_dir()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The files ending in `.ext` (one of `exts`, case ignored) in each folder of `roots` and up to two
/// folders down (where an officer or the province puts them on a stick: the province's receipts go in
/// `bien-nhan/<mã xã>/`), newest first, at most `limit`. Hidden files and folders (temporary files
/// being written among them) are left out; at most 200 folders and 2,000 entries a folder are looked
/// at, so a stick full of photos stays quick. Only names and dates are read, never contents.
pub fn files_in(roots: &[PathBuf], exts: &[&str], limit: usize) -> Vec<PathBuf> {
    const DEPTH: usize = 2;
    const FOLDERS: usize = 200;
    let hidden = |p: &Path| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
    let wanted = |p: &Path| {
        !hidden(p)
            && p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    let mut queue: std::collections::VecDeque<(PathBuf, usize)> = roots.iter().map(|r| (r.clone(), 0)).collect();
    let mut seen = 0;
    while let Some((dir, depth)) = queue.pop_front() {
        seen += 1;
        if seen > FOLDERS {
            break;
        }
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for e in entries.flatten().take(SCAN_LIMIT) {
            let Ok(meta) = e.metadata() else { continue };
            let path = e.path();
            if meta.is_dir() {
                if depth < DEPTH && !hidden(&path) {
                    queue.push_back((path, depth + 1));
                }
            } else if meta.is_file() && wanted(&path) {
                found.push((meta.modified().unwrap_or(std::time::UNIX_EPOCH), path));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().take(limit).map(|(_, p)| p).collect()
}

/// [`files_in`] the removable drives: the bundles (`ptb`) or backups (`ptbak`) on the USB sticks.
pub fn files_on_drives(exts: &[&str], limit: usize) -> Vec<PathBuf> {
    files_in(&removable_drives(), exts, limit)
}

/// What the computer's own file dialog is asked to choose. The dialog only gives back the path the
/// officer picked; the window then hands that path to the same command a typed path goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// The folder a sync bundle is exported into.
    ExportFolder,
    /// The folder a backup is written into.
    BackupFolder,
    /// A bundle to take in or check (`.ptb`).
    Bundle,
    /// A backup to restore (`.ptbak`).
    Backup,
    /// An officer's spreadsheet to import (`.xlsx`, `.ods`, `.csv`…).
    Spreadsheet,
}

/// The spreadsheet files an import reads.
pub const SPREADSHEETS: [&str; 5] = ["xlsx", "xls", "ods", "csv", "txt"];

impl Pick {
    /// The dialog's title, in Vietnamese.
    pub fn title(self) -> &'static str {
        match self {
            Pick::ExportFolder => "Chọn thư mục (USB) để lưu gói đồng bộ",
            Pick::BackupFolder => "Chọn thư mục (USB) để lưu bản sao lưu",
            Pick::Bundle => "Chọn tệp gói (.ptb) của Công an tỉnh hoặc của xã",
            Pick::Backup => "Chọn tệp sao lưu (.ptbak)",
            Pick::Spreadsheet => "Chọn tệp Excel (.xlsx, .ods, .csv) cần nhập",
        }
    }

    /// A folder is chosen, not a file.
    pub fn folder(self) -> bool {
        matches!(self, Pick::ExportFolder | Pick::BackupFolder)
    }

    /// The file filter: its name and extensions.
    pub fn filter(self) -> Option<(&'static str, &'static [&'static str])> {
        match self {
            Pick::Bundle => Some(("Gói đồng bộ (.ptb)", &["ptb"])),
            Pick::Backup => Some(("Bản sao lưu (.ptbak)", &["ptbak"])),
            Pick::Spreadsheet => Some(("Bảng tính (.xlsx, .ods, .xls, .csv)", &SPREADSHEETS)),
            Pick::ExportFolder | Pick::BackupFolder => None,
        }
    }

    /// What the officer is told when the computer's dialog cannot be shown.
    pub fn unavailable() -> Error {
        Error::Refused(
            "Không mở được hộp chọn tệp của máy. Hãy chọn USB trong danh sách (cắm USB rồi bấm «Tìm lại USB»), hoặc gõ đường dẫn vào ô."
                .into(),
        )
    }

    /// Where the dialog opens: the first USB stick found, if any.
    pub fn start(self) -> Option<PathBuf> {
        removable_drives().into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"cu").unwrap();
        let e = write_atomic_with(&path, |f| {
            f.write_all(b"mot nua")?;
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("ổ đĩa đã đầy"), "{e}");
        assert_eq!(fs::read(&path).unwrap(), b"cu");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
        write_atomic(&path, b"moi").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"moi");
    }

    #[test]
    fn the_drives_folder_offers_its_subfolders_as_sticks() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["USB-B", "USB-A"] {
            fs::create_dir(dir.path().join(name)).unwrap();
        }
        fs::write(dir.path().join("khong-phai-usb.txt"), b"x").unwrap();
        let found = drives(Some(dir.path().as_os_str().to_owned()));
        assert_eq!(found, [dir.path().join("USB-A"), dir.path().join("USB-B")], "sorted, folders only");
        // A folder that does not exist (the sticks pulled out): nothing offered, no error.
        assert!(drives(Some(dir.path().join("khong-co").into_os_string())).is_empty());
        // Empty: the system's own mount points, as when unset.
        assert_eq!(drives(Some(std::ffi::OsString::new())), drives(None));
    }

    #[test]
    fn the_file_dialog_is_asked_for_a_folder_or_one_kind_of_file() {
        for (pick, folder, ext) in [
            (Pick::ExportFolder, true, None),
            (Pick::BackupFolder, true, None),
            (Pick::Bundle, false, Some("ptb")),
            (Pick::Backup, false, Some("ptbak")),
        ] {
            assert_eq!(pick.folder(), folder, "{pick:?}");
            assert_eq!(pick.filter().map(|(_, e)| e[0]), ext, "{pick:?}");
            assert_eq!(pick.filter().map(|(_, e)| e.len()), ext.map(|_| 1), "one kind of file: {pick:?}");
            assert!(pick.title().starts_with("Chọn "), "{pick:?}");
        }
        // The window sends the names in snake_case (ui/src/bindings.ts).
        let p: Pick = serde_json::from_str("\"export_folder\"").unwrap();
        assert_eq!(p, Pick::ExportFolder);
        assert!(serde_json::from_str::<Pick>("\"anything\"").is_err());
    }

    #[test]
    fn files_on_a_stick_are_found_two_folders_down_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let stick = dir.path().join("USB");
        fs::create_dir_all(stick.join("bien-nhan").join("23430").join("sau")).unwrap();
        fs::create_dir_all(stick.join(".an")).unwrap();
        let old = stick.join("51-23430-000001.ptb");
        let new = stick.join("bien-nhan").join("23430").join("BIEN-NHAN.PTB");
        for (p, age) in [(&old, 3600), (&new, 60)] {
            fs::write(p, b"x").unwrap();
            let t = std::time::SystemTime::now() - std::time::Duration::from_secs(age);
            File::options().write(true).open(p).unwrap().set_modified(t).unwrap();
        }
        for other in [
            stick.join("anh.jpg"),
            stick.join(".51-23430-000002.ptb.tmp-1"),
            stick.join(".an").join("x.ptb"),
            stick.join("bien-nhan").join("23430").join("sau").join("qua-sau.ptb"),
            stick.join("ban.ptbak"),
        ] {
            fs::write(other, b"x").unwrap();
        }
        assert_eq!(files_in(std::slice::from_ref(&stick), &["ptb"], 10), [new.clone(), old]);
        assert_eq!(files_in(std::slice::from_ref(&stick), &["ptb"], 1), [new]);
        assert_eq!(files_in(std::slice::from_ref(&stick), &["ptbak"], 10), [stick.join("ban.ptbak")]);
        assert!(files_in(&[dir.path().join("khong-co")], &["ptb"], 10).is_empty());
    }

    #[test]
    fn new_files_are_written_together_under_free_names_and_nothing_is_left_of_a_failed_one() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b").join("c"));
        fs::create_dir_all(&a).unwrap();
        fs::write(a.join("x.ptb"), b"cu").unwrap();
        let mut files = NewFiles::default();
        assert!(files.is_empty());
        // More than are open at once, in two folders (one not there yet), one name taken.
        let n = OPEN_AT_ONCE + 3;
        for i in 0..n {
            let folder = if i % 2 == 0 { &a } else { &b };
            let name = if i == 0 { "x.ptb".to_owned() } else { format!("f{i}.ptb") };
            assert_eq!(files.add(folder.join(name), format!("noi dung {i}").into_bytes()), i);
        }
        assert_eq!(files.len(), n);
        let written: Vec<PathBuf> = files.write().into_iter().map(Result::unwrap).collect();
        assert_eq!(written[0], a.join("x-2.ptb"), "a file already there is never replaced");
        assert_eq!(fs::read(a.join("x.ptb")).unwrap(), b"cu");
        for (i, p) in written.iter().enumerate() {
            assert_eq!(fs::read(p).unwrap(), format!("noi dung {i}").into_bytes());
        }
        let count = |d: &Path| fs::read_dir(d).unwrap().count();
        assert_eq!(count(&a) + count(&b), n + 1, "no temporary file left");

        // A stick that fills up: each file says why, and nothing is left of any.
        let mut files = NewFiles::default();
        files.add(a.join("y.ptb"), b"y".to_vec());
        files.add(b.join("z.ptb"), b"z".to_vec());
        inject_write_error(Some(std::io::ErrorKind::StorageFull));
        let r = files.write();
        inject_write_error(None);
        assert!(r.iter().all(|r| r.as_ref().is_err_and(|e| e.to_string().contains("đầy"))), "{r:?}");
        assert_eq!(count(&a) + count(&b), n + 1);
    }

    #[test]
    fn a_missing_folder_is_explained() {
        let e = write_atomic(Path::new("/khong/co/thu/muc/x"), b"x").unwrap_err();
        assert!(e.to_string().contains("USB đã được rút ra"), "{e}");
    }
}

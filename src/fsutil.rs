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
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The store file when none is named (`--db`, `PHONGTRAO_DB`): `phongtrao.db` in the platform's data
/// folder (from the `directories` crate), or None on a system without one.
pub fn default_store_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("vn", "phongtrao", "phongtrao").map(|d| d.data_dir().join("phongtrao.db"))
}

/// Folders where a USB stick is likely mounted, for the window to offer as backup and export targets:
/// `/media/<user>/*` and `/run/media/<user>/*` on Linux, `/Volumes/*` on macOS, drive letters D:–Z:
/// that exist on Windows.
pub fn removable_drives() -> Vec<PathBuf> {
    let mut out = Vec::new();
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
            if let Ok(entries) = fs::read_dir(&root) {
                out.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
            }
        }
    }
    out.sort();
    out
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
    fn a_missing_folder_is_explained() {
        let e = write_atomic(Path::new("/khong/co/thu/muc/x"), b"x").unwrap_err();
        assert!(e.to_string().contains("USB đã được rút ra"), "{e}");
    }
}

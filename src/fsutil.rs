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
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        fill(&mut f)?;
        f.flush()?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(path);
        Ok(())
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
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

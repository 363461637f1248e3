//! Backups: one file holding an encrypted copy of the store and its keyring, the daily automatic
//! backup with its rotation, and restore.
//!
//! # The backup file (`.ptbak`, format 1)
//!
//! ```text
//! magic    8 bytes   "PTBAK\r\n\x1a" (a file copied in text mode is detected)
//! length   u32 LE    length of the header
//! header   JSON      Header: format, created_at, installation and commune codes, schema version,
//!                    sync epoch, last change sequence, keys_len, db_len (no names)
//! keyring  keys_len  the keyring file: the accounts' password-wrapped data keys
//! store    db_len    the SQLCipher database (VACUUM INTO: consistent, no WAL), same data key
//! sha256   32 bytes  SHA-256 of everything before it
//! ```
//!
//! The file is written through [`crate::fsutil`] (temporary file, fsync, rename): a backup cut short
//! by a crash or a pulled USB stick never has the final name. A restore checks the hash, opens the
//! copy with the officer's password, runs SQLite's integrity check and the audit-chain check, moves
//! the current store aside (it is kept, renamed), puts the copy in place, and starts a new sync epoch.

use std::fs::{self, File};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::keyring::Keyring;
use crate::store::province::ProvinceDb;
use crate::store::{Snapshot, SnapshotInfo, Store};

pub const EXTENSION: &str = "ptbak";
const MAGIC: &[u8; 8] = b"PTBAK\r\n\x1a";
const FORMAT: u32 = 1;
/// Backups kept day by day; older ones are thinned to one a month.
pub const KEEP_DAYS: i64 = 7;

/// The header of a backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub store: SnapshotInfo,
    pub keys_len: u64,
    pub db_len: u64,
}

/// A backup file that passed the structural check (magic, lengths, SHA-256).
#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub header: Header,
    pub bytes: u64,
}

/// Only an officer or the chief restores a backup: a viewer may not.
pub fn may_restore(store: &Store) -> Result<()> {
    store.require(crate::Role::Officer, "khôi phục dữ liệu")
}

/// Whether the officer logged in at the province may restore its store (not a viewer).
pub fn may_restore_province(p: &ProvinceDb) -> Result<()> {
    p.require(crate::Role::WRITES, "khôi phục dữ liệu")
}

/// The automatic backups' folder for the store at `db`: `sao-luu` beside it.
pub fn default_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("sao-luu")
}

/// The automatic backups' folder of the province store in `dir` (`phongtrao province --dir DIR`):
/// `sao-luu` inside it.
pub fn province_dir(dir: &Path) -> PathBuf {
    dir.join("sao-luu")
}

/// `phongtrao-<province>-<commune>-<yyyymmdd>-<hhmmss>.ptbak`; the province store's backups say
/// `tinh` for the commune (`phongtrao-51-tinh-….ptbak`).
pub fn file_name(info: &SnapshotInfo, at: NaiveDateTime) -> String {
    let who = if info.province { "tinh" } else { info.commune_code.as_str() };
    format!("phongtrao-{}-{who}-{}.{EXTENSION}", info.province_code, at.format("%Y%m%d-%H%M%S"))
}

/// Backs up the open province store into `dir` now.
pub fn create_province(p: &ProvinceDb, dir: &Path) -> Result<BackupInfo> {
    create_from(&p.snapshot()?, dir, Local::now())
}

/// Refuses a backup of the other kind of store (a commune's where the province's is restored, or
/// the other way round), naming what it holds.
fn expect_kind(info: &BackupInfo, province: bool) -> Result<()> {
    let h = &info.header.store;
    match (h.province, province) {
        (true, false) => Err(Error::Refused(format!(
            "Tệp {} là bản sao lưu kho dữ liệu của Công an tỉnh (mã tỉnh {}), không phải của xã; không khôi phục vào máy của xã. \
Hãy dùng lệnh phongtrao province --dir THƯ_MỤC backup restore, hoặc chọn bản sao lưu của xã.",
            info.path.display(),
            h.province_code
        ))),
        (false, true) => Err(Error::Refused(format!(
            "Tệp {} là bản sao lưu của xã mã {}, không phải kho dữ liệu của Công an tỉnh; không khôi phục. \
Hãy chọn bản sao lưu có tên phongtrao-{}-tinh-….ptbak.",
            info.path.display(),
            h.commune_code,
            h.province_code
        ))),
        _ => Ok(()),
    }
}

/// What ends the name of a backup taken before an upgrade of the store (`…-truoc-nang-cap.ptbak`):
/// the rotation never deletes those.
pub const BEFORE_UPGRADE: &str = "-truoc-nang-cap";

/// When a backup was taken, read from its file name (the rotation works on names alone).
pub fn taken_at(name: &str) -> Option<NaiveDateTime> {
    let stem = name.strip_suffix(&format!(".{EXTENSION}"))?;
    let stem = stem.strip_suffix(BEFORE_UPGRADE).unwrap_or(stem);
    let stem = stem.strip_prefix("phongtrao-")?;
    let parts: Vec<&str> = stem.split('-').collect();
    // province, commune, date, time[, n]
    if !(4..=5).contains(&parts.len()) {
        return None;
    }
    NaiveDateTime::parse_from_str(&format!("{}-{}", parts[2], parts[3]), "%Y%m%d-%H%M%S").ok()
}

/// Backs up the open store into `dir` now.
pub fn create(store: &Store, dir: &Path) -> Result<BackupInfo> {
    create_from(&store.snapshot()?, dir, Local::now())
}

/// Opens the store at `db` as `username` ([`Store::unlock`]). When this build has to migrate the
/// store (it was made by an older version), a backup of the store as it was is written first into
/// [`default_dir`], named `…-truoc-nang-cap.ptbak` and kept out of the rotation; if that backup cannot
/// be written, nothing is migrated and the store stays closed. Returns the backup, if one was taken.
/// The command line and the window open stores through this.
pub fn unlock(db: &Path, username: &str, password: &str) -> Result<(Store, Option<BackupInfo>)> {
    Store::unlock_then(db, username, password, |snap| {
        write_backup(snap, &default_dir(db), Local::now(), BEFORE_UPGRADE).map_err(|e| {
            Error::Refused(format!(
                "Phiên bản phongtrao này cần nâng cấp kho dữ liệu, nhưng chưa sao lưu được trước khi nâng cấp ({e}). \
Kho dữ liệu chưa bị thay đổi. Hãy giải phóng chỗ trống trên đĩa hoặc kiểm tra quyền ghi thư mục {}, rồi đăng nhập lại.",
                default_dir(db).display()
            ))
        })
    })
}

/// Writes a backup of `snap` into `dir`, named after `now`.
pub fn create_from(snap: &Snapshot, dir: &Path, now: DateTime<Local>) -> Result<BackupInfo> {
    write_backup(snap, dir, now, "")
}

fn write_backup(snap: &Snapshot, dir: &Path, now: DateTime<Local>, suffix: &str) -> Result<BackupInfo> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let base = file_name(&snap.info, now.naive_local()).replace(&format!(".{EXTENSION}"), "");
    let mut dest = dir.join(format!("{base}{suffix}.{EXTENSION}"));
    let mut n = 2;
    while dest.exists() {
        dest = dir.join(format!("{base}-{n}{suffix}.{EXTENSION}"));
        n += 1;
    }
    clean_stale_temporaries(snap.store_dir());
    let tmp = TempFile(snap.store_dir().join(format!(
        ".phongtrao-sao-luu-{}-{}.tmp",
        std::process::id(),
        now.timestamp_nanos_opt().unwrap_or(0)
    )));
    let _ = fs::remove_file(&tmp.0);
    snap.write_db(&tmp.0)?;
    let keys = snap.keyring()?;
    let db_len = fs::metadata(&tmp.0).map_err(|e| Error::io(&tmp.0, e))?.len();
    let header = Header {
        format: FORMAT,
        created_at: now.with_timezone(&Utc),
        store: snap.info.clone(),
        keys_len: keys.len() as u64,
        db_len,
    };
    let header_json = serde_json::to_vec(&header).map_err(|e| Error::Json(e.to_string()))?;
    let mut db = File::open(&tmp.0).map_err(|e| Error::io(&tmp.0, e))?;
    crate::fsutil::write_atomic_with(&dest, |f| {
        let mut out = HashingWriter { inner: std::io::BufWriter::with_capacity(1 << 16, f), hash: Sha256::new() };
        out.write_all(MAGIC)?;
        out.write_all(&(header_json.len() as u32).to_le_bytes())?;
        out.write_all(&header_json)?;
        out.write_all(&keys)?;
        let copied = std::io::copy(&mut db, &mut out)?;
        if copied != db_len {
            return Err(std::io::Error::other("bản sao kho dữ liệu thay đổi trong khi chép"));
        }
        let digest = out.hash.finalize();
        out.inner.write_all(&digest)?;
        out.inner.flush()
    })?;
    drop(db);
    drop(tmp);
    let bytes = fs::metadata(&dest).map_err(|e| Error::io(&dest, e))?.len();
    Ok(BackupInfo { path: dest, header, bytes })
}

/// Takes today's automatic backup into `dir` unless one was taken today, then thins the folder.
/// Returns the new backup, if one was made.
pub fn daily(snap: &Snapshot, dir: &Path, now: DateTime<Local>) -> Result<Option<BackupInfo>> {
    let today = now.date_naive();
    let have_today = list(dir)?.iter().any(|(at, _)| at.date() == today);
    let made = if have_today { None } else { Some(create_from(snap, dir, now)?) };
    prune(dir, today)?;
    Ok(made)
}

/// The backups in `dir` (by their names), oldest first.
pub fn list(dir: &Path) -> Result<Vec<(NaiveDateTime, PathBuf)>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(at) = taken_at(&name) {
            out.push((at, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// Deletes the backups that the rotation no longer keeps: it keeps the newest of each of the last
/// [`KEEP_DAYS`] days and the newest of every month. Returns what it deleted.
pub fn prune(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>> {
    // Backups taken before an upgrade are kept until the officer deletes them.
    let all: Vec<(NaiveDateTime, PathBuf)> = list(dir)?
        .into_iter()
        .filter(|(_, p)| !p.to_string_lossy().ends_with(&format!("{BEFORE_UPGRADE}.{EXTENSION}")))
        .collect();
    let stamps: Vec<NaiveDateTime> = all.iter().map(|(at, _)| *at).collect();
    let mut deleted = Vec::new();
    for i in plan_prune(&stamps, today) {
        let path = &all[i].1;
        fs::remove_file(path).map_err(|e| Error::io(path, e))?;
        deleted.push(path.clone());
    }
    // Temporary files of backups cut short (a crash, a pulled stick): never a final name, removed here.
    clean_stale_temporaries(dir);
    Ok(deleted)
}

/// Which of `stamps` the rotation deletes (indexes): everything but the newest of each of the last
/// [`KEEP_DAYS`] days (today included), the newest of each month, and anything dated after today.
pub fn plan_prune(stamps: &[NaiveDateTime], today: NaiveDate) -> Vec<usize> {
    let first_kept_day = today - chrono::Duration::days(KEEP_DAYS - 1);
    type Bucket = (i32, u32, u32);
    let newest_by = |key: &dyn Fn(&NaiveDateTime) -> Option<Bucket>| {
        let mut best: std::collections::HashMap<Bucket, usize> = Default::default();
        for (i, at) in stamps.iter().enumerate() {
            if let Some(k) = key(at) {
                let e = best.entry(k).or_insert(i);
                if stamps[*e] < *at {
                    *e = i;
                }
            }
        }
        best.into_values().collect::<Vec<_>>()
    };
    let mut keep: std::collections::HashSet<usize> = Default::default();
    keep.extend(newest_by(&|at| {
        let d = at.date();
        (d >= first_kept_day).then(|| (d.year(), d.month(), d.day()))
    }));
    keep.extend(newest_by(&|at| Some((at.year(), at.month(), 0))));
    (0..stamps.len()).filter(|i| !keep.contains(i) && stamps[*i].date() <= today).collect()
}

/// Removes temporary files of ours left by a crash more than 10 minutes ago (a backup still being
/// written by another process is younger than that).
fn clean_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // The copy (`….tmp`) and SQLite's journal beside it (`….tmp-journal`), or a backup file's
        // temporary name (`.phongtrao-….ptbak.tmp-<pid>`).
        let ours = name.starts_with(".phongtrao-sao-luu-")
            || (name.starts_with(".phongtrao-") && name.contains(&format!(".{EXTENSION}.tmp-")));
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 600);
        if ours && old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Checks a backup file's structure and SHA-256 without opening it.
pub fn verify(path: &Path) -> Result<BackupInfo> {
    let name = path.display();
    let damaged = |why: &str| {
        Error::Refused(format!(
            "Bản sao lưu {name} bị hỏng hoặc không đầy đủ ({why}); không dùng được. Hãy chọn bản sao lưu khác."
        ))
    };
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let bytes = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut r = BufReader::with_capacity(1 << 16, file);
    let mut hash = Sha256::new();
    let mut magic = [0u8; 8];
    if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return Err(Error::Refused(format!("Tệp {name} không phải là bản sao lưu của phongtrao.")));
    }
    hash.update(magic);
    let mut len = [0u8; 4];
    r.read_exact(&mut len).map_err(|_| damaged("thiếu phần đầu"))?;
    hash.update(len);
    let len = u32::from_le_bytes(len) as u64;
    if len > 64 * 1024 || 12 + len > bytes {
        return Err(damaged("phần đầu sai độ dài"));
    }
    let mut header_json = vec![0u8; len as usize];
    r.read_exact(&mut header_json).map_err(|_| damaged("thiếu phần đầu"))?;
    hash.update(&header_json);
    #[derive(Deserialize)]
    struct Format {
        format: u32,
    }
    let format: Format = serde_json::from_slice(&header_json).map_err(|_| damaged("phần đầu không đọc được"))?;
    if format.format > FORMAT {
        return Err(Error::Refused(format!(
            "Bản sao lưu {name} được tạo bởi phiên bản phongtrao mới hơn (định dạng {}); hãy cập nhật phongtrao.",
            format.format
        )));
    }
    let header: Header = serde_json::from_slice(&header_json).map_err(|_| damaged("phần đầu không đọc được"))?;
    let expected = 8 + 4 + len + header.keys_len + header.db_len + 32;
    if bytes != expected {
        return Err(damaged(&format!("dài {bytes} byte, lẽ ra {expected}")));
    }
    let body = header.keys_len + header.db_len;
    let copied = std::io::copy(&mut (&mut r).take(body), &mut HashOnly(&mut hash)).map_err(|e| Error::io(path, e))?;
    if copied != body {
        return Err(damaged("thiếu dữ liệu"));
    }
    let mut digest = [0u8; 32];
    r.read_exact(&mut digest).map_err(|_| damaged("thiếu mã kiểm tra"))?;
    if hash.finalize().as_slice() != digest {
        return Err(damaged("mã kiểm tra SHA-256 không khớp"));
    }
    Ok(BackupInfo { path: path.to_owned(), header, bytes })
}

/// A verified backup, opened: what [`check`] found.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub info: BackupInfo,
    pub records: i64,
    pub integrity: String,
}

/// Verifies a backup and opens it with `username`'s password in a scratch folder: the integrity
/// check and the audit chain must pass. Nothing of the current store is touched.
pub fn check(path: &Path, scratch_parent: &Path, username: &str, password: &str) -> Result<Checked> {
    let info = verify(path)?;
    expect_kind(&info, false)?;
    let work = Scratch::new(scratch_parent)?;
    let db = extract(&info, &work.0.join("phongtrao.db"))?;
    let store = open_checked(&db, username, password)?;
    let records = store.counts()?.iter().map(|(_, n)| n).sum();
    drop(store);
    Ok(Checked { info, records, integrity: "ok".into() })
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub info: BackupInfo,
    /// Where the store that was replaced now is (with its keyring beside it), if there was one.
    pub aside: Option<PathBuf>,
    /// The installation's new sync epoch (at the province: its outgoing epoch).
    pub sync_epoch: i64,
    /// At the province: what was carried from the replaced store into the copy (what the province
    /// sent its communes after the backup, its outgoing numbers), when the replaced store opened.
    pub kept: Option<crate::store::province_restore::Kept>,
    /// At the province: why the replaced store could not be read (what was sent after the backup
    /// could then not be carried over).
    pub replaced_unread: Option<String>,
    /// At the province, when the replaced store could not be read: what its own signed bundles in
    /// its folder (`quyet-dinh/`, receipts, reference bundles) gave back.
    pub recovered: Option<crate::sync::province::Recovery>,
}

/// Restores the backup at `path` as the store at `db`, logging into the copy as `username`.
///
/// The backup is checked first (hash, password, integrity, audit chain) in a scratch folder beside
/// `db`; then the current store, if any, is renamed aside (`<db>.truoc-khoi-phuc-<time>`, kept),
/// and the copy takes its place. If a step fails, the current store stays where it was. The restored
/// store starts a new sync epoch. The current store must not be open (the window logs out first).
pub fn restore(path: &Path, db: &Path, username: &str, password: &str) -> Result<Restored> {
    let info = verify(path)?;
    expect_kind(&info, false)?;
    if db.exists() {
        let ring = Keyring::load(&Keyring::path_for(db))?;
        if ring.store_id != info.header.store.installation_id {
            return Err(Error::Refused(format!(
                "Bản sao lưu {} thuộc một cài đặt khác (xã mã {}, cài đặt {}); kho dữ liệu hiện tại không bị thay đổi. \
Muốn khôi phục vào máy này, hãy chọn một tệp dữ liệu khác bằng --db.",
                path.display(),
                info.header.store.commune_code,
                info.header.store.installation_id
            )));
        }
    }
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let work = Scratch::new(dir)?;
    let copy = extract(&info, &work.0.join("phongtrao.db"))?;
    let mut store = open_checked(&copy, username, password)?;
    let note = serde_json::json!({
        "backup": path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "backup_created_at": info.header.created_at.to_rfc3339(),
    });
    let sync_epoch = store.begin_sync_epoch(&note)?;
    drop(store);

    let aside = swap_in(&copy, db)?;
    Ok(Restored { info, aside, sync_epoch, kept: None, replaced_unread: None, recovered: None })
}

/// Puts the store at `copy` in the place of the one at `db`, which is kept renamed
/// (`<db>.truoc-khoi-phuc-<time>`, returned); if the copy cannot take its place, `db` stays.
fn swap_in(copy: &Path, db: &Path) -> Result<Option<PathBuf>> {
    let stamp = Local::now().format("%Y%m%d-%H%M%S");
    let aside = db.with_file_name(format!(
        "{}.truoc-khoi-phuc-{stamp}",
        db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    ));
    let moved_aside = if db.exists() { Some(move_set(db, &aside)?) } else { None };
    if let Err(e) = move_set(copy, db) {
        if moved_aside.is_some() {
            let _ = move_set(&aside, db);
        }
        return Err(e);
    }
    Ok(moved_aside.map(|_| aside))
}

/// Verifies a backup of the province store and opens it with `username`'s password in a scratch
/// folder: the integrity check and the province's audit chain must pass. Nothing current is touched.
pub fn check_province(path: &Path, scratch_parent: &Path, username: &str, password: &str) -> Result<Checked> {
    let info = verify(path)?;
    expect_kind(&info, true)?;
    let work = Scratch::new(scratch_parent)?;
    extract(&info, &ProvinceDb::db_path(&work.0))?;
    let p = open_province_checked(&work.0, username, password)?;
    let (records, _, _) = p.holdings()?;
    Ok(Checked { info, records, integrity: "ok".into() })
}

/// Restores the backup at `path` as the province store in `dir`, logging into the copy as
/// `username` (an officer or the chief of the copy; a viewer may not).
///
/// As at the commune: the backup is checked first (hash, password, integrity, the audit chain) in a
/// scratch folder inside `dir`, the restore is written into the copy's audit log, then the current
/// store, if any, is renamed aside (`province.db.truoc-khoi-phuc-<time>`, kept) and the copy takes
/// its place. A backup of another province store (another id) is refused while a store is there.
/// The province store must not be open (the window logs out first).
///
/// What the province sent its communes after the backup is not lost: the replaced store is opened
/// with the same account and password, and its decisions, inspections, verdicts, reference versions,
/// numbered reports and outgoing bundle numbers are carried into the copy
/// ([`ProvinceDb::keep_sent`]); the copy starts a new outgoing epoch either way. When the replaced
/// store does not open (damaged, or the password changed since), the restore goes on and says why
/// (`Restored::replaced_unread`).
pub fn restore_province(path: &Path, dir: &Path, username: &str, password: &str) -> Result<Restored> {
    let info = verify(path)?;
    expect_kind(&info, true)?;
    let db = ProvinceDb::db_path(dir);
    if db.exists() {
        let ring = Keyring::load(&Keyring::path_for(&db))?;
        if ring.store_id != info.header.store.installation_id {
            return Err(Error::Refused(format!(
                "Bản sao lưu {} thuộc một kho dữ liệu Công an tỉnh khác (mã {}); kho dữ liệu hiện tại không bị thay đổi. \
Muốn khôi phục kho đó, hãy chọn một thư mục khác bằng --dir.",
                path.display(),
                info.header.store.installation_id
            )));
        }
    }
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let work = Scratch::new(dir)?;
    let copy = extract(&info, &ProvinceDb::db_path(&work.0))?;
    let mut p = open_province_checked(&work.0, username, password)?;
    // What the store being replaced sent its communes (read before anything moves).
    let (replaced, replaced_unread) = if db.exists() {
        match ProvinceDb::open(dir, username, password).and_then(|old| old.sent()) {
            Ok(sent) => (Some(sent), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        (None, None)
    };
    p.audit_restore(&serde_json::json!({
        "backup": path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "backup_created_at": info.header.created_at.to_rfc3339(),
    }))?;
    let kept = p.keep_sent(replaced.as_ref())?;
    drop(p);
    let aside = swap_in(&copy, &db)?;
    // The replaced store unread: the province's own bundles in its folder give back what they carry.
    let recovered = match &replaced_unread {
        Some(_) => {
            let mut p = crate::sync::province::Province::open_as(dir, username, password)?;
            Some(p.recover_sent(&[dir.to_owned()])?)
        }
        None => None,
    };
    Ok(Restored {
        info,
        aside,
        sync_epoch: kept.epoch,
        kept: replaced.is_some().then_some(kept),
        replaced_unread,
        recovered,
    })
}

fn open_province_checked(dir: &Path, username: &str, password: &str) -> Result<ProvinceDb> {
    let p = ProvinceDb::open(dir, username, password)?;
    p.require(crate::Role::WRITES, "khôi phục dữ liệu")?;
    let integrity = p.integrity_check()?;
    if integrity != "ok" {
        return Err(Error::Refused(format!(
            "Bản sao lưu không vượt qua kiểm tra toàn vẹn của SQLite ({integrity}); không khôi phục."
        )));
    }
    if !p.audit_intact()? {
        return Err(Error::Refused(
            "Nhật ký thao tác trong bản sao lưu đã bị sửa (chuỗi băm không khớp); không khôi phục.".into(),
        ));
    }
    Ok(p)
}

/// The files that make one store: the database, its keyring, its WAL and shared-memory files.
fn set_of(db: &Path) -> Vec<PathBuf> {
    let with = |suffix: &str| {
        let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(suffix);
        db.with_file_name(name)
    };
    vec![db.to_owned(), Keyring::path_for(db), with("-wal"), with("-shm")]
}

/// Renames a store's files to another name, undoing on failure.
fn move_set(from: &Path, to: &Path) -> Result<()> {
    let pairs: Vec<(PathBuf, PathBuf)> = set_of(from).into_iter().zip(set_of(to)).collect();
    let mut done = Vec::new();
    for (a, b) in &pairs {
        if !a.exists() {
            continue;
        }
        if let Err(e) = fs::rename(a, b) {
            for (a, b) in done.into_iter().rev() {
                let _ = fs::rename(b, a);
            }
            return Err(Error::io(a, e));
        }
        done.push((a.clone(), b.clone()));
    }
    Ok(())
}

fn open_checked(db: &Path, username: &str, password: &str) -> Result<Store> {
    let store = Store::unlock(db, username, password)?;
    let integrity = store.integrity_check()?;
    if integrity != "ok" {
        return Err(Error::Refused(format!(
            "Bản sao lưu không vượt qua kiểm tra toàn vẹn của SQLite ({integrity}); không khôi phục."
        )));
    }
    let audit = store.audit_verify()?;
    if !audit.ok() {
        return Err(Error::Refused(
            "Nhật ký thao tác trong bản sao lưu đã bị sửa (chuỗi băm không khớp); không khôi phục.".into(),
        ));
    }
    Ok(store)
}

/// Writes the keyring and the database of a verified backup as the store `db`; returns its path.
fn extract(info: &BackupInfo, db: &Path) -> Result<PathBuf> {
    let db = db.to_owned();
    let mut r = BufReader::with_capacity(1 << 16, File::open(&info.path).map_err(|e| Error::io(&info.path, e))?);
    let mut skip = [0u8; 12];
    r.read_exact(&mut skip).map_err(|e| Error::io(&info.path, e))?;
    let header_len = u32::from_le_bytes([skip[8], skip[9], skip[10], skip[11]]) as u64;
    std::io::copy(&mut (&mut r).take(header_len), &mut std::io::sink()).map_err(|e| Error::io(&info.path, e))?;
    let mut keys = vec![0u8; info.header.keys_len as usize];
    r.read_exact(&mut keys).map_err(|e| Error::io(&info.path, e))?;
    crate::fsutil::write_atomic(&Keyring::path_for(&db), &keys)?;
    crate::fsutil::write_atomic_with(&db, |f| {
        let n = std::io::copy(&mut (&mut r).take(info.header.db_len), f)?;
        if n == info.header.db_len { Ok(()) } else { Err(std::io::ErrorKind::UnexpectedEof.into()) }
    })?;
    Ok(db)
}

/// A scratch folder beside the store, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(parent: &Path) -> Result<Scratch> {
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or(0);
        let dir = parent.join(format!(".phongtrao-khoi-phuc-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct HashOnly<'a>(&'a mut Sha256);

impl Write for HashOnly<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn names_carry_the_time_and_no_names() {
        let info = SnapshotInfo {
            installation_id: uuid::Uuid::nil(),
            province_code: "51".into(),
            commune_code: "23535".into(),
            schema_version: 4,
            sync_epoch: 0,
            last_seq: 9,
            province: false,
        };
        let name = file_name(&info, at("2026-11-23 08:05"));
        assert_eq!(name, "phongtrao-51-23535-20261123-080500.ptbak");
        assert_eq!(taken_at(&name), Some(at("2026-11-23 08:05")));
        assert_eq!(taken_at("phongtrao-51-23535-20261123-080500-2.ptbak"), Some(at("2026-11-23 08:05")));
        assert_eq!(taken_at(".phongtrao-51-23535-20261123-080500.ptbak.tmp-77"), None);
        assert_eq!(taken_at("phongtrao-51-23535-20261123-080500-truoc-nang-cap.ptbak"), Some(at("2026-11-23 08:05")));
        assert_eq!(taken_at("phongtrao-51-23535-20261123-080500-2-truoc-nang-cap.ptbak"), Some(at("2026-11-23 08:05")));
        assert_eq!(taken_at("ghi-chu.txt"), None);
    }

    #[test]
    fn rotation_keeps_seven_days_and_one_a_month() {
        let stamps = vec![
            at("2026-09-03 08:00"), // 0: September's only one: kept
            at("2026-10-01 08:00"), // 1: October, not the newest: deleted
            at("2026-10-31 17:00"), // 2: October's newest: kept
            at("2026-11-10 08:00"), // 3: older than 7 days, not November's newest: deleted
            at("2026-11-17 08:00"), // 4: the first of the seven days (17th–23rd): kept
            at("2026-11-18 08:00"), // 5: kept (day)
            at("2026-11-22 08:00"), // 6: kept (day)
            at("2026-11-23 07:00"), // 7: same day as 8, older: deleted
            at("2026-11-23 19:00"), // 8: today's newest, November's newest: kept
            at("2026-11-25 09:00"), // 9: from a clock set ahead: kept
        ];
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut deleted = plan_prune(&stamps, today);
        deleted.sort();
        // The seven days kept are 17..=23 November: 4 (17th) and 5 (18th) are each their day's newest.
        assert_eq!(deleted, vec![1, 3, 7]);
        // On 1 December the days kept are 25th–1st: November keeps only its newest (the 25th).
        let later = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut deleted = plan_prune(&stamps, later);
        deleted.sort();
        assert_eq!(deleted, vec![1, 3, 4, 5, 6, 7, 8]);
    }
}

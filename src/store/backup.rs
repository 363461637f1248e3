//! The store's side of backups: a consistent copy of the open store, still encrypted with its data
//! key, taken through a connection of its own (so the window can back up in the background while the
//! officer works), and the move to a new sync epoch after a restore. The backup file format, the
//! rotation and the restore steps are in `crate::backup`.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Store, configure, migrate, open_encrypted};
use crate::domain::account::Role;
use crate::error::{Error, Result};
use crate::keyring::{DataKey, Keyring};

/// What a backup file says about the store it holds. No names: only codes and numbers, so a lost
/// USB stick reveals nothing about the commune's people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub installation_id: Uuid,
    pub province_code: String,
    pub commune_code: String,
    pub schema_version: i64,
    pub sync_epoch: i64,
    pub last_seq: i64,
    /// A backup of the province's store (`phongtrao province`): `installation_id` is the province's
    /// id, `commune_code` is empty and `last_seq` is the last bundle the province sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province: bool,
}

/// Everything needed to copy the store from another thread: its file, its keyring and its data key.
pub struct Snapshot {
    db: PathBuf,
    keys: PathBuf,
    key: DataKey,
    pub info: SnapshotInfo,
}

impl Store {
    /// Prepares a backup of this store. Any logged-in account may take one: the copy is as
    /// encrypted as the store, and opens only with the same accounts' passwords.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let (db, key) = self.keys()?;
        let c = self.commune()?;
        Ok(Snapshot {
            keys: Keyring::path_for(&db),
            db,
            key,
            info: SnapshotInfo {
                installation_id: c.installation_id,
                province_code: c.province_code.clone(),
                commune_code: c.commune_code.clone(),
                schema_version: migrate::latest(),
                sync_epoch: self.sync_epoch()?,
                last_seq: self.last_seq()?,
                province: false,
            },
        })
    }

    /// The installation's sync epoch: 0 at creation, one more after each restore from a backup.
    pub fn sync_epoch(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT value FROM counter WHERE name = 'epoch'", [], |r| r.get(0))?)
    }

    /// Moves the installation to a new sync epoch (after a restore): the change sequence jumps to at
    /// least `epoch << 32`, above any number issued before the backup was taken and after it, so
    /// the province never sees a sequence number twice. Audited with `note`. Returns the new epoch.
    pub fn begin_sync_epoch(&mut self, note: &serde_json::Value) -> Result<i64> {
        self.require(Role::Officer, "khôi phục dữ liệu")?;
        self.write_as_system(|tx| {
            let epoch: i64 = tx.tx.query_row(
                "UPDATE counter SET value = value + 1 WHERE name = 'epoch' RETURNING value",
                [],
                |r| r.get(0),
            )?;
            tx.tx.execute("UPDATE counter SET value = max(value, ?1) WHERE name = 'seq'", params![epoch << 32])?;
            let mut note = note.clone();
            if let Some(o) = note.as_object_mut() {
                o.insert("sync_epoch".into(), epoch.into());
            }
            tx.audit("restore", Some(&note))?;
            Ok(epoch)
        })
    }
}

impl Snapshot {
    /// A snapshot of the province store at `db` (`ProvinceDb::snapshot`).
    pub(super) fn of_province(db: &Path, key: &DataKey, info: SnapshotInfo) -> Snapshot {
        Snapshot { db: db.to_owned(), keys: Keyring::path_for(db), key: key.clone(), info }
    }

    /// A snapshot of a store opened but not yet migrated (schema `schema`, older than this build's):
    /// what its backup before the upgrade needs. Counters a schema does not have yet count as 0.
    pub(super) fn unmigrated(conn: &Connection, db: &Path, key: &DataKey, schema: i64) -> Result<Snapshot> {
        let c = super::read_commune(conn)?.ok_or(Error::NotInitialized)?;
        let counter = |name: &str| -> i64 {
            conn.query_row("SELECT value FROM counter WHERE name = ?1", [name], |r| r.get(0)).unwrap_or(0)
        };
        Ok(Snapshot {
            db: db.to_owned(),
            keys: Keyring::path_for(db),
            key: key.clone(),
            info: SnapshotInfo {
                installation_id: c.installation_id,
                province_code: c.province_code,
                commune_code: c.commune_code,
                schema_version: schema,
                sync_epoch: counter("epoch"),
                last_seq: counter("seq"),
                province: false,
            },
        })
    }

    /// Writes a consistent copy of the store (committed data only) to `dest`, a file that must not
    /// exist yet. The copy is encrypted with the store's data key.
    pub fn write_db(&self, dest: &Path) -> Result<()> {
        let conn = open_encrypted(&self.db, &self.key)?;
        configure(&conn)?;
        // A copy streams its pages: a small cache keeps the window's memory down meanwhile.
        conn.pragma_update(None, "cache_size", -2048)?;
        let dest_text = dest
            .to_str()
            .ok_or_else(|| Error::Refused(format!("Đường dẫn {} có ký tự không hợp lệ.", dest.display())))?;
        conn.execute("VACUUM INTO ?1", [dest_text]).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if matches!(f.code, rusqlite::ErrorCode::DiskFull | rusqlite::ErrorCode::CannotOpen) =>
            {
                let kind = if f.code == rusqlite::ErrorCode::DiskFull {
                    std::io::ErrorKind::StorageFull
                } else {
                    std::io::ErrorKind::PermissionDenied
                };
                Error::io(dest, std::io::Error::new(kind, e.to_string()))
            }
            other => other.into(),
        })?;
        Ok(())
    }

    /// The keyring file's bytes: the accounts' password-wrapped data keys (nothing readable).
    pub fn keyring(&self) -> Result<Vec<u8>> {
        std::fs::read(&self.keys).map_err(|e| Error::io(&self.keys, e))
    }

    /// The folder of the store's file.
    pub fn store_dir(&self) -> &Path {
        self.db.parent().unwrap_or(Path::new("."))
    }
}

//! The commune store's side of sync bundles: its keys, what it exported, what the province
//! acknowledged, the province's keys and the revoked keys. The bundle logic is in `crate::sync`.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::Store;
use crate::crypto::{self, SigningKey};
use crate::error::{Error, Result};

/// The province's keys, learned from its enrollment bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceKeys {
    pub province_id: Uuid,
    pub province_code: String,
    pub province: String,
    /// minisign `.pub` text of the province's signing key.
    pub sign_key: String,
    /// age recipient (`age1…`) bundles are encrypted to.
    pub recipient: String,
    pub enrolled_at: String,
}

/// Where this installation's sync stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncState {
    pub province: Option<ProvinceKeys>,
    /// The highest change sequence number the province acknowledged.
    pub acked_seq: i64,
    /// The number of the last bundle exported.
    pub bundle_seq: i64,
    /// The hash and epoch of the last bundle exported.
    pub last_hash: Option<String>,
    pub last_epoch: Option<i64>,
    pub revoked: Vec<String>,
}

/// One exported bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRecord {
    pub epoch: i64,
    pub seq: i64,
    pub hash: String,
    pub change_after: i64,
    pub change_to: i64,
    pub full: bool,
    pub file: String,
    pub created_at: String,
    pub acked_at: Option<String>,
}

/// Makes the installation's keys if it has none (in the caller's transaction).
pub(super) fn ensure_keys(conn: &Connection) -> Result<()> {
    let now = chrono::Utc::now().to_rfc3339();
    let has = |name: &str| -> Result<bool> {
        Ok(conn.query_row("SELECT 1 FROM sync_key WHERE name = ?1", [name], |_| Ok(())).optional()?.is_some())
    };
    if !has("signing")? {
        let k = SigningKey::generate()?;
        conn.execute(
            "INSERT INTO sync_key (name, public, secret, created_at) VALUES ('signing', ?1, ?2, ?3)",
            params![k.public, k.secret, now],
        )?;
    }
    if !has("age")? {
        let (secret, public) = crypto::new_age_identity();
        conn.execute(
            "INSERT INTO sync_key (name, public, secret, created_at) VALUES ('age', ?1, ?2, ?3)",
            params![public, secret, now],
        )?;
    }
    Ok(())
}

pub(super) fn state(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub(super) fn set_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn export_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExportRecord> {
    Ok(ExportRecord {
        epoch: r.get(0)?,
        seq: r.get(1)?,
        hash: r.get(2)?,
        change_after: r.get(3)?,
        change_to: r.get(4)?,
        full: r.get(5)?,
        file: r.get(6)?,
        created_at: r.get(7)?,
        acked_at: r.get(8)?,
    })
}

const EXPORT_COLUMNS: &str = "epoch, seq, hash, change_after, change_to, full, file, created_at, acked_at";

impl Store {
    /// This installation's signing key and age identity (`AGE-SECRET-KEY-1…`), made now for a store
    /// created before sync bundles existed.
    pub fn sync_keys(&mut self) -> Result<(SigningKey, String)> {
        let read = |conn: &Connection| -> Result<Option<(SigningKey, String)>> {
            let get = |name: &str| -> Result<Option<(String, String)>> {
                Ok(conn
                    .query_row("SELECT public, secret FROM sync_key WHERE name = ?1", [name], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?)
            };
            Ok(match (get("signing")?, get("age")?) {
                (Some((public, secret)), Some((_, age))) => Some((SigningKey { public, secret }, age)),
                _ => None,
            })
        };
        if let Some(k) = read(&self.conn)? {
            return Ok(k);
        }
        self.write_as_system(|tx| {
            ensure_keys(&tx.tx)?;
            tx.audit("sync_key", None)
        })?;
        read(&self.conn)?.ok_or(Error::NotInitialized)
    }

    /// Replaces this installation's signing key with a new one (the chief only): the old key's
    /// secret is erased and its public key kept as retired, in one transaction with its audit entry.
    /// Returns the new key and the old key's id. The province must register the new key (from the
    /// new key-registration form) and revoke the old one.
    pub fn rotate_sync_key(&mut self) -> Result<(SigningKey, String)> {
        self.require(crate::Role::Chief, "đổi khóa ký của máy")?;
        let (old, _) = self.sync_keys()?;
        let old_id = old.public_key()?.key_id();
        let new = SigningKey::generate()?;
        let new_id = new.public_key()?.key_id();
        self.write(|tx| {
            let now = chrono::Utc::now().to_rfc3339();
            tx.tx.execute(
                "INSERT INTO sync_key (name, public, secret, created_at) VALUES (?1, ?2, '', ?3)",
                params![format!("signing-retired-{old_id}"), old.public, now],
            )?;
            tx.tx.execute(
                "UPDATE sync_key SET public = ?1, secret = ?2, created_at = ?3 WHERE name = 'signing'",
                params![new.public, new.secret, now],
            )?;
            set_state(&tx.tx, "replaced_key", &old_id)?;
            set_state(&tx.tx, "replaced_by", &new_id)?;
            let v = serde_json::json!({"old_key": old_id, "new_key": new_id});
            tx.audit("sync_key_rotate", Some(&v))
        })?;
        Ok((new, old_id))
    }

    /// The key the current signing key replaced, if it was rotated (for the registration form).
    pub fn replaced_sync_key(&self) -> Result<Option<String>> {
        state(&self.conn, "replaced_key")
    }

    /// The key `key_id` replaced, if it is the key made by the last rotation.
    pub fn key_replaced_by(&self, key_id: &str) -> Result<Option<String>> {
        Ok(match state(&self.conn, "replaced_by")? {
            Some(new) if new == key_id => state(&self.conn, "replaced_key")?,
            _ => None,
        })
    }

    pub fn sync_state(&self) -> Result<SyncState> {
        let c = &self.conn;
        let province = match (state(c, "province_sign_key")?, state(c, "province_recipient")?) {
            (Some(sign_key), Some(recipient)) => Some(ProvinceKeys {
                province_id: state(c, "province_id")?.and_then(|s| Uuid::parse_str(&s).ok()).unwrap_or_default(),
                province_code: state(c, "province_code")?.unwrap_or_default(),
                province: state(c, "province")?.unwrap_or_default(),
                sign_key,
                recipient,
                enrolled_at: state(c, "enrolled_at")?.unwrap_or_default(),
            }),
            _ => None,
        };
        let int = |k: &str| -> Result<Option<i64>> { Ok(state(c, k)?.and_then(|v| v.parse().ok())) };
        let mut st = c.prepare("SELECT key_id FROM sync_revoked ORDER BY key_id")?;
        let revoked = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(SyncState {
            province,
            acked_seq: int("acked_seq")?.unwrap_or(0),
            bundle_seq: int("bundle_seq")?.unwrap_or(0),
            last_hash: state(c, "last_hash")?,
            last_epoch: int("last_epoch")?,
            revoked,
        })
    }

    /// Records the province's keys from its enrollment bundle.
    pub fn enroll_province(&mut self, p: &ProvinceKeys) -> Result<()> {
        self.write(|tx| {
            for (k, v) in [
                ("province_id", p.province_id.to_string()),
                ("province_code", p.province_code.clone()),
                ("province", p.province.clone()),
                ("province_sign_key", p.sign_key.clone()),
                ("province_recipient", p.recipient.clone()),
                ("enrolled_at", p.enrolled_at.clone()),
            ] {
                set_state(&tx.tx, k, &v)?;
            }
            let v = serde_json::json!({"province_code": p.province_code, "recipient": p.recipient});
            tx.audit("sync_enroll", Some(&v))
        })
    }

    /// Records a bundle just written (its number, hash and range become the chain's head).
    pub fn record_export(&mut self, e: &ExportRecord) -> Result<()> {
        self.write(|tx| {
            tx.tx.execute(
                &format!("INSERT INTO sync_export ({EXPORT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL)"),
                params![e.epoch, e.seq, e.hash, e.change_after, e.change_to, e.full, e.file, e.created_at],
            )?;
            set_state(&tx.tx, "bundle_seq", &e.seq.to_string())?;
            set_state(&tx.tx, "last_hash", &e.hash)?;
            set_state(&tx.tx, "last_epoch", &e.epoch.to_string())?;
            let v = serde_json::json!({"seq": e.seq, "epoch": e.epoch, "hash": e.hash,
                "changes": [e.change_after, e.change_to], "full": e.full});
            tx.audit("sync_export", Some(&v))
        })
    }

    /// An exported bundle by its hash.
    pub fn export_by_hash(&self, hash: &str) -> Result<Option<ExportRecord>> {
        let sql = format!("SELECT {EXPORT_COLUMNS} FROM sync_export WHERE hash = ?1");
        Ok(self.conn.query_row(&sql, [hash], export_from_row).optional()?)
    }

    /// Every exported bundle, newest first.
    pub fn exports(&self) -> Result<Vec<ExportRecord>> {
        let sql = format!("SELECT {EXPORT_COLUMNS} FROM sync_export ORDER BY epoch DESC, seq DESC");
        super::all_rows(&self.conn, &sql, [], export_from_row)
    }

    /// Marks the bundle `hash` acknowledged at `at`: the changes it covered need not be sent again.
    /// Returns the new acknowledged sequence number (unchanged for a receipt seen before).
    pub fn acknowledge(&mut self, hash: &str, at: &str) -> Result<i64> {
        let e = self.export_by_hash(hash)?.ok_or_else(|| {
            Error::bundle(
                "bundle_unknown_receipt",
                "Biên nhận nói về một gói mà máy này không xuất ra (có thể là biên nhận của máy khác). Không ghi nhận gì. \
Hãy kiểm tra lại tệp biên nhận.",
            )
        })?;
        self.write(|tx| {
            let acked: i64 = state(&tx.tx, "acked_seq")?.and_then(|v| v.parse().ok()).unwrap_or(0);
            let new = acked.max(e.change_to);
            set_state(&tx.tx, "acked_seq", &new.to_string())?;
            let fresh = tx.tx.execute(
                "UPDATE sync_export SET acked_at = ?2 WHERE hash = ?1 AND acked_at IS NULL",
                params![hash, at],
            )?;
            if fresh > 0 {
                let v = serde_json::json!({"seq": e.seq, "epoch": e.epoch, "acked_seq": new});
                tx.audit("sync_receipt", Some(&v))?;
            }
            Ok(new)
        })
    }

    /// Records signing keys the province revoked. Returns how many were new.
    pub fn record_revocations(&mut self, revoked: &[(String, String)]) -> Result<usize> {
        self.write(|tx| {
            let mut n = 0;
            for (id, at) in revoked {
                n += tx.tx.execute(
                    "INSERT INTO sync_revoked (key_id, revoked_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                    params![id, at],
                )?;
            }
            if n > 0 {
                tx.audit("sync_revocations", Some(&serde_json::json!({"new": n})))?;
            }
            Ok(n)
        })
    }
}

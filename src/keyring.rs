//! The store's keys: a random data key encrypts the store (SQLCipher); each officer account keeps
//! that data key wrapped with a key derived from the account's password (Argon2id), so passwords
//! change without re-encrypting and several officers can share one laptop.
//!
//! The keyring is a small JSON file beside the store (`phongtrao.db.keys`). It holds no secret in the
//! clear: per account a salt, the Argon2id parameters, and the data key sealed with
//! XChaCha20-Poly1305 (the account name and the store id are authenticated with it, so a slot cannot be
//! moved to another account or store). It also counts wrong passwords, so that an account is locked
//! for 5 minutes after 5 in a row; the failures wait there until the next successful login writes them
//! to the (encrypted) audit log. Roles are not here: they live inside the encrypted store.

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::domain::account;
use crate::error::{Error, Result};

/// Wrong passwords in a row before an account is locked.
pub const MAX_FAILURES: u32 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 5;

/// The 256-bit key SQLCipher encrypts the store with. Wiped from memory when dropped.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> DataKey {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&key);
        DataKey(bytes)
    }

    /// The value of `PRAGMA key` for this raw key: `x'…'` (no SQLCipher key derivation).
    pub fn sqlcipher_pragma(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(67));
        s.push_str("x'");
        for b in self.0.iter() {
            s.push_str(&format!("{b:02X}"));
        }
        s.push('\'');
        s
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// Argon2id cost. The default takes a noticeable fraction of a second on an officer's laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for KdfParams {
    fn default() -> KdfParams {
        KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 }
    }
}

impl KdfParams {
    /// The smallest cost Argon2 allows; only for tests, where hundreds of logins run.
    pub fn insecure_for_tests() -> KdfParams {
        KdfParams { memory_kib: 8, iterations: 1, parallelism: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub username: String,
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub wrapped_key: String,
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    pub locked_until: Option<DateTime<Utc>>,
    /// Wrong-password attempts not yet written to the audit log.
    #[serde(default)]
    pub pending_failures: Vec<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyring {
    pub format: u32,
    /// The installation id of the store these keys open.
    pub store_id: Uuid,
    pub slots: Vec<Slot>,
}

fn kek(password: &str, salt: &[u8], p: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(p.memory_kib, p.iterations, p.parallelism, Some(32))
        .map_err(|e| Error::Refused(format!("Tham số khóa không hợp lệ: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, out.as_mut())
        .map_err(|e| Error::Refused(format!("Không tạo được khóa từ mật khẩu: {e}")))?;
    Ok(out)
}

fn aad(store_id: Uuid, username: &str) -> Vec<u8> {
    format!("phongtrao-keyslot-v1\n{store_id}\n{username}").into_bytes()
}

fn decode(s: &str) -> Result<Vec<u8>> {
    B64.decode(s).map_err(|_| Error::Refused("Tệp khóa của kho dữ liệu bị hỏng.".into()))
}

impl Keyring {
    pub fn new(store_id: Uuid) -> Keyring {
        Keyring { format: 1, store_id, slots: Vec::new() }
    }

    /// The keyring file of the store at `db`.
    pub fn path_for(db: &Path) -> PathBuf {
        let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".keys");
        db.with_file_name(name)
    }

    pub fn load(path: &Path) -> Result<Keyring> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let ring: Keyring =
            serde_json::from_str(&text).map_err(|_| Error::Refused(format!("Tệp khóa {} bị hỏng.", path.display())))?;
        if ring.format != 1 {
            return Err(Error::Refused(format!(
                "Tệp khóa {} có định dạng {} mà phiên bản này không đọc được; hãy cập nhật phongtrao.",
                path.display(),
                ring.format
            )));
        }
        Ok(ring)
    }

    /// Writes the keyring atomically: a temporary file, flushed to disk, then renamed over the old one.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::Json(e.to_string()))?;
        crate::fsutil::write_atomic(path, text.as_bytes())
    }

    pub fn slot(&self, username: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.username == username)
    }

    /// Adds (or replaces) the slot of `username`, wrapping `key` with `password`.
    pub fn set(&mut self, username: &str, password: &str, key: &DataKey, kdf: KdfParams) -> Result<()> {
        crate::domain::account::check_password(password)?;
        let mut salt = [0u8; 16];
        chacha20poly1305::aead::rand_core::RngCore::fill_bytes(&mut OsRng, &mut salt);
        let kek = kek(password, &salt, kdf)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let wrapped = cipher
            .encrypt(&nonce, Payload { msg: key.0.as_ref(), aad: &aad(self.store_id, username) })
            .map_err(|_| Error::Refused("Không mã hóa được khóa dữ liệu.".into()))?;
        let slot = Slot {
            username: username.to_owned(),
            kdf,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            wrapped_key: B64.encode(wrapped),
            failures: 0,
            locked_until: None,
            pending_failures: Vec::new(),
        };
        match self.slots.iter_mut().find(|s| s.username == username) {
            Some(s) => *s = slot,
            None => self.slots.push(slot),
        }
        Ok(())
    }

    /// Adds `username`'s slot to the keyring file at `path` (with the first slot's KDF settings), then
    /// runs `write` (the account's row); the slot is taken away again when `write` fails. The slot comes
    /// first: an account row without one could never log in.
    pub fn add_then(
        path: &Path,
        username: &str,
        password: &str,
        key: &DataKey,
        write: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        let mut ring = Keyring::load(path)?;
        let kdf = ring.slots.first().map(|s| s.kdf).unwrap_or_default();
        ring.set(username, password, key, kdf)?;
        ring.save(path)?;
        let added = write();
        if added.is_err() {
            ring.remove(username);
            ring.save(path)?;
        }
        added
    }

    /// Sets `username`'s password in the keyring file at `path`, keeping its slot's KDF settings.
    pub fn set_password(path: &Path, username: &str, password: &str, key: &DataKey) -> Result<()> {
        let mut ring = Keyring::load(path)?;
        let kdf = ring.slot(username).map(|s| s.kdf).unwrap_or_default();
        ring.set(username, password, key, kdf)?;
        ring.save(path)
    }

    /// Checks `username`'s current password before it is changed, as a login would: a wrong one
    /// counts towards the lock (the file is saved whatever the outcome), and is refused naming the field.
    pub fn check_current(path: &Path, username: &str, current: Option<&str>) -> Result<()> {
        let current = current.filter(|c| !c.is_empty()).ok_or_else(|| account::current_password_error(false))?;
        let mut ring = Keyring::load(path)?;
        let checked = ring.unlock(username, current, Utc::now());
        ring.save(path)?;
        match checked {
            Ok(_) => Ok(()),
            Err(Error::WrongPassword { .. }) => Err(account::current_password_error(true)),
            Err(e) => Err(e),
        }
    }

    /// Takes `username`'s slot out of the keyring file at `path`: it can no longer open the store.
    pub fn remove_from(path: &Path, username: &str) -> Result<()> {
        let mut ring = Keyring::load(path)?;
        ring.remove(username);
        ring.save(path)
    }

    pub fn remove(&mut self, username: &str) {
        self.slots.retain(|s| s.username != username);
    }

    /// Opens the data key with a password. A wrong password counts towards the lock; the caller saves
    /// the keyring afterwards whatever the outcome.
    pub fn unlock(&mut self, username: &str, password: &str, now: DateTime<Utc>) -> Result<DataKey> {
        let store_id = self.store_id;
        let Some(slot) = self.slots.iter_mut().find(|s| s.username == username) else {
            return Err(Error::WrongPassword { remaining: None });
        };
        if let Some(until) = slot.locked_until {
            if until > now {
                return Err(Error::Locked { until });
            }
            slot.locked_until = None;
            slot.failures = 0;
        }
        let opened = (|| {
            let kek = kek(password, &decode(&slot.salt)?, slot.kdf)?;
            let nonce = decode(&slot.nonce)?;
            if nonce.len() != 24 {
                return Err(Error::Refused("Tệp khóa của kho dữ liệu bị hỏng.".into()));
            }
            let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
            let plain = Zeroizing::new(
                cipher
                    .decrypt(
                        XNonce::from_slice(&nonce),
                        Payload { msg: &decode(&slot.wrapped_key)?, aad: &aad(store_id, username) },
                    )
                    .map_err(|_| Error::WrongPassword { remaining: None })?,
            );
            let mut key = Zeroizing::new([0u8; 32]);
            if plain.len() != 32 {
                return Err(Error::Refused("Tệp khóa của kho dữ liệu bị hỏng.".into()));
            }
            key.copy_from_slice(&plain);
            Ok(DataKey(key))
        })();
        match opened {
            Ok(key) => {
                slot.failures = 0;
                Ok(key)
            }
            Err(Error::WrongPassword { .. }) => {
                slot.failures += 1;
                slot.pending_failures.push(now);
                if slot.failures >= MAX_FAILURES {
                    let until = now + chrono::Duration::minutes(LOCK_MINUTES);
                    slot.locked_until = Some(until);
                    return Err(Error::Locked { until });
                }
                Err(Error::WrongPassword { remaining: Some(MAX_FAILURES - slot.failures) })
            }
            Err(e) => Err(e),
        }
    }

    /// Takes the failed attempts waiting to be written to the audit log.
    pub fn take_pending_failures(&mut self, username: &str) -> Vec<DateTime<Utc>> {
        self.slots
            .iter_mut()
            .find(|s| s.username == username)
            .map(|s| std::mem::take(&mut s.pending_failures))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (Keyring, DataKey) {
        let mut r = Keyring::new(Uuid::now_v7());
        let k = DataKey::generate();
        r.set("an", "mật khẩu đúng", &k, KdfParams::insecure_for_tests()).unwrap();
        (r, k)
    }

    #[test]
    fn the_right_password_opens_the_data_key() {
        let (mut r, k) = ring();
        let opened = r.unlock("an", "mật khẩu đúng", Utc::now()).unwrap();
        assert_eq!(*opened.sqlcipher_pragma(), *k.sqlcipher_pragma());
        assert!(!serde_json::to_string(&r).unwrap().contains(&k.sqlcipher_pragma()[2..66]));
    }

    #[test]
    fn five_wrong_passwords_lock_the_account_for_five_minutes() {
        let (mut r, _) = ring();
        let now = Utc::now();
        for left in (1..5).rev() {
            match r.unlock("an", "sai", now) {
                Err(Error::WrongPassword { remaining }) => assert_eq!(remaining, Some(left)),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(r.unlock("an", "sai", now), Err(Error::Locked { .. })));
        // Even the right password is refused while locked…
        assert!(matches!(
            r.unlock("an", "mật khẩu đúng", now + chrono::Duration::minutes(4)),
            Err(Error::Locked { .. })
        ));
        // …and accepted after five minutes.
        r.unlock("an", "mật khẩu đúng", now + chrono::Duration::minutes(5) + chrono::Duration::seconds(1)).unwrap();
        assert_eq!(r.take_pending_failures("an").len(), 5);
        assert!(r.take_pending_failures("an").is_empty());
    }

    #[test]
    fn a_slot_moved_to_another_account_opens_nothing() {
        let (mut r, _) = ring();
        let mut moved = r.slot("an").unwrap().clone();
        moved.username = "binh".into();
        r.slots.push(moved);
        assert!(matches!(r.unlock("binh", "mật khẩu đúng", Utc::now()), Err(Error::WrongPassword { .. })));
        assert!(matches!(r.unlock("ai_do", "x", Utc::now()), Err(Error::WrongPassword { remaining: None })));
    }

    #[test]
    fn short_passwords_are_refused() {
        let mut r = Keyring::new(Uuid::now_v7());
        let e = r.set("an", "1234567", &DataKey::generate(), KdfParams::insecure_for_tests()).unwrap_err();
        assert_eq!(e.to_string(), "Mật khẩu: phải có ít nhất 8 ký tự");
    }
}

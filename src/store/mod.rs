//! The commune store: the only module with SQL.
//!
//! One SQLite file holds every register (`record`, one row per record, JSON fields), the search index
//! (`record_fts`), reference lists, counters and the audit log. Every write goes through
//! [`Store::write`]: one transaction in which the domain checks the input (through [`Tx`]'s
//! [`Lookup`]), the record row, its search text, its sync stamp and its audit entry are written
//! together, or nothing is.

mod accounts;
mod audit;
mod backup;
mod bundles;
pub mod cert;
mod documents;
pub mod inspection;
mod migrate;
mod names;
mod peers;
pub mod province;
mod province_accounts;
pub mod province_console;
pub mod province_documents;
pub mod province_figures;
pub mod province_inspections;
pub mod province_restore;
pub mod province_review;
mod query;
mod review;
mod sync;

pub use audit::AuditReport;
use audit::Audited;
pub use backup::{Snapshot, SnapshotInfo};
pub use bundles::{ExportRecord, ProvinceKeys, SyncState};
pub use cert::{CertSaved, CertView};
pub use documents::{DocTarget, IssuedDoc, doc_number};
pub use inspection::{InspectionFile, InspectionsApplied, RemedyCounts, RemedyRow};
pub use migrate::{MIGRATIONS, PROVINCE_MIGRATIONS, checksum as migration_checksum, latest as latest_schema};
pub use names::Names;
pub use peers::{
    Conflict, Handover, Invite, LockedMerge, Numbering, Peer, PeerAck, PeerIn, PeerMerged, Resolution, SignedHandover,
    Version, VersionLine, Vv, vv_dominates,
};
pub use query::{FactRow, Filter, Found, Group, Hit, ListQuery, Op, Page};
pub use review::{DecisionsApplied, ProvinceHeld, ReturnedItem};
pub use sync::{Change, ChangeLine, MergeReport};

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::account::{self, Account, NewAccount, Role};
use crate::domain::{self, Checked, Doc, DocExt, Kind, Lookup, Meta, Record, RefItem, RefSet, Saved};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::keyring::{DataKey, KdfParams, Keyring};
use crate::text;
use crate::units::{self, Units};

/// What `phongtrao init` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Setup {
    pub province_code: String,
    pub province: String,
    pub commune_code: String,
    pub commune: String,
    pub officer: String,
}

impl Setup {
    /// This setup with the official codes and names of the list (province "Quảng Ngãi", commune
    /// "Xã Ia Đal"), whatever was typed: codes, names without accents, or a code in a name field.
    /// What is not in the list, or a commune of another province, is refused field by field with the
    /// closest names. `phongtrao init` and the window's setup go through this.
    pub fn official(&self, units: &Units) -> Result<Setup> {
        let pick = units::Pick {
            province_code: &self.province_code,
            province: &self.province,
            commune_code: &self.commune_code,
            commune: &self.commune,
        };
        let found = units.resolve(&pick);
        let officer = text::clean(&self.officer);
        let mut errors = found.as_ref().err().cloned().unwrap_or_default();
        if officer.is_empty() {
            errors.push(crate::error::FieldError {
                field: "officer".into(),
                label: "Cán bộ".into(),
                message: "không được để trống".into(),
            });
        }
        match found {
            Ok((p, c)) if errors.is_empty() => Ok(Setup {
                province_code: p.code.clone(),
                province: p.name.clone(),
                commune_code: c.code.clone(),
                commune: c.full_name(),
                officer,
            }),
            _ => Err(Error::Invalid(crate::error::Invalid(errors))),
        }
    }
}

/// The commune and installation this store belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commune {
    pub installation_id: Uuid,
    pub province_code: String,
    pub province: String,
    pub commune_code: String,
    pub commune: String,
    pub officer: String,
}

impl Commune {
    /// "Công an xã Ia Đal": the window's top bar and the printed headers ("CÔNG AN XÃ IA ĐAL") both
    /// come from the commune's official kind and name.
    pub fn police_name(&self) -> String {
        units::police_name(&self.commune)
    }
}

fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// A model with its life-cycle history.
#[derive(Debug, Clone, Serialize)]
pub struct ModelHistory {
    pub model: Record,
    pub reviews: Vec<Record>,
    pub origin: Option<Record>,
    pub replicas: Vec<Record>,
}

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    commune: Option<Commune>,
    actor: String,
    /// The logged-in officer. `None` only for a store in memory (tests), which has no file to protect.
    session: Option<Account>,
    /// The data key, kept while the store is open to wrap it for new accounts and passwords.
    key: Option<DataKey>,
    /// A fixed wall clock for writes (stamps and "today"); `None`: the computer's. Only the demo
    /// province sets it, to live its communes through past months ([`Store::set_clock`]).
    clock: Option<chrono::DateTime<chrono::Utc>>,
}

impl Store {
    /// Creates a new, encrypted store at `path` for a commune, with its chief's account.
    ///
    /// A random data key encrypts the store; the chief's password wraps it in the keyring file beside
    /// the store. Nothing is created when the input is invalid.
    pub fn create_at(path: &Path, setup: &Setup, chief: &NewAccount, kdf: KdfParams) -> Result<Store> {
        Store::create_with(path, setup, chief, kdf, MIGRATIONS)
    }

    fn create_with(
        path: &Path,
        setup: &Setup,
        chief: &NewAccount,
        kdf: KdfParams,
        migrations: &[(i64, &str, &str)],
    ) -> Result<Store> {
        let setup = check_setup(setup)?;
        let mut chief = account::check(chief)?;
        chief.role = Role::Chief;
        if path.exists() {
            return Err(Error::Refused(format!(
                "Đã có kho dữ liệu tại {}; không tạo đè lên. Hãy đăng nhập, hoặc chọn tệp khác.",
                path.display()
            )));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let key = DataKey::generate();
        let installation = Uuid::now_v7();
        let mut ring = Keyring::new(installation);
        ring.set(&chief.username, &chief.password, &key, kdf)?;
        let keys = Keyring::path_for(path);
        ring.save(&keys)?;
        let created = (|| {
            let mut conn = open_encrypted(path, &key)?;
            configure(&conn)?;
            migrate::migrate_with(&mut conn, migrations)?;
            let mut store = Store::opened(conn, Some(path.to_owned()))?;
            store.init_with(&setup, installation)?;
            store.key = Some(key.clone());
            store.write_as_system(|tx| accounts::insert(tx, &chief))?;
            store.session = Some(accounts::get(&store.conn, &chief.username)?.ok_or(Error::NotInitialized)?);
            store.actor = chief.full_name.clone();
            Ok(store)
        })();
        if created.is_err() {
            let _ = std::fs::remove_file(path);
            let _ = std::fs::remove_file(&keys);
        }
        created
    }

    /// Opens the store at `path` as `username`. A wrong password opens nothing and counts towards
    /// the account's lock (5 in a row lock it for 5 minutes); every login and failure is audited.
    /// A store of an older schema is migrated (the command line and the window open stores through
    /// `backup::unlock`, which backs the store up first).
    pub fn unlock(path: &Path, username: &str, password: &str) -> Result<Store> {
        Ok(Store::unlock_then(path, username, password, |_| Ok(()))?.0)
    }

    /// As [`Store::unlock`]; when the store's schema is older than this build's, `before_upgrade` is
    /// given a snapshot of the store as it is, before any migration (`backup::unlock` writes a backup
    /// with it), and what it returns comes back with the store. If it fails, nothing is migrated and
    /// the store stays closed. The upgrade is audited (schema versions before and after).
    pub fn unlock_then<T>(
        path: &Path,
        username: &str,
        password: &str,
        before_upgrade: impl FnOnce(&Snapshot) -> Result<T>,
    ) -> Result<(Store, Option<T>)> {
        if !path.exists() {
            return Err(Error::NotInitialized);
        }
        let keys = Keyring::path_for(path);
        let mut ring = match Keyring::load(&keys) {
            Ok(r) => r,
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Refused(format!(
                    "Không tìm thấy tệp khóa {} bên cạnh kho dữ liệu: không mở được kho. Hãy khôi phục tệp này từ bản sao lưu.",
                    keys.display()
                )));
            }
            Err(e) => return Err(e),
        };
        let username = username.trim().to_lowercase();
        let attempt = ring.unlock(&username, password, chrono::Utc::now());
        // The attempt is counted on disk before anything else happens.
        ring.save(&keys)?;
        let key = attempt?;
        let conn = open_encrypted(path, &key)?;
        configure(&conn)?;
        let found = schema_version(&conn)?;
        let mut upgraded = None;
        if found > 0 && found < migrate::latest() {
            let snap = Snapshot::unmigrated(&conn, path, &key, found)?;
            upgraded = Some(before_upgrade(&snap)?);
        }
        let mut store = Store::setup_configured(conn, Some(path.to_owned()))?;
        let account = accounts::get(&store.conn, &username)?.ok_or_else(|| {
            Error::Forbidden(format!("Tài khoản {username} không còn quyền sử dụng kho dữ liệu này."))
        })?;
        store.key = Some(key);
        store.actor = account.full_name.clone();
        let failures = ring.take_pending_failures(&username);
        store.write_as_system(|tx| {
            for at in &failures {
                let v = serde_json::json!({"username": username, "at": at.to_rfc3339()});
                tx.audit("login_failed", Some(&v))?;
            }
            if found < migrate::latest() {
                let v = serde_json::json!({"from": found, "to": migrate::latest(), "backup": upgraded.is_some()});
                tx.audit("upgrade", Some(&v))?;
            }
            // Reference lists this release ships newer than the store's (criteria reworded, a list
            // added) are installed as a province's would be; a list the province sent newer stays.
            let builtin = RefSet::builtin();
            let lists = apply_refs(&tx.tx, &builtin)?;
            if lists > 0 {
                tx.audit("reference", Some(&serde_json::json!({"version": builtin.version, "lists": lists})))?;
            }
            tx.audit("login", Some(&serde_json::json!({"username": username})))
        })?;
        ring.save(&keys)?;
        store.session = Some(account);
        Ok((store, upgraded))
    }

    /// The store's schema version (`PRAGMA user_version`: the last migration applied).
    pub fn schema_version(&self) -> Result<i64> {
        schema_version(&self.conn)
    }

    /// For tests of upgrades: a new store made as a build whose last migration was `schema` made it
    /// (only the migrations up to that one are applied). Its records are written by this build's
    /// code, so `schema` must be recent enough for that code (0009, the record versions, at least; `tests/it/upgrade.rs` undoes newer migrations by hand).
    #[doc(hidden)]
    pub fn create_at_schema(
        path: &Path,
        setup: &Setup,
        chief: &NewAccount,
        kdf: KdfParams,
        schema: i64,
    ) -> Result<Store> {
        let old = MIGRATIONS.iter().take_while(|m| m.0 <= schema).count();
        Store::create_with(path, setup, chief, kdf, &MIGRATIONS[..old])
    }

    /// The logged-in officer (`None` for a store in memory).
    pub fn session(&self) -> Option<&Account> {
        self.session.as_ref()
    }

    /// A store in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?, None)
    }

    fn setup(conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        configure(&conn)?;
        Store::setup_configured(conn, path)
    }

    fn setup_configured(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        migrate::migrate(&mut conn)?;
        Store::opened(conn, path)
    }

    /// A store over a configured, migrated connection.
    fn opened(conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        let commune = read_commune(&conn)?;
        let actor = commune.as_ref().map(|c| c.officer.clone()).unwrap_or_default();
        Ok(Store { conn, path, commune, actor, session: None, key: None, clock: None })
    }

    /// Makes this in-memory store the commune's (files are made by [`Store::create`]).
    pub fn init(&mut self, setup: &Setup) -> Result<&Commune> {
        self.init_with(&check_setup(setup)?, Uuid::now_v7())
    }

    fn init_with(&mut self, setup: &Setup, id: Uuid) -> Result<&Commune> {
        if let Some(c) = &self.commune {
            return Err(Error::AlreadyInitialized(format!("{} ({})", c.commune, c.province)));
        }
        let setup = check_setup(setup)?;
        let tx = self.conn.transaction()?;
        let now = chrono::Local::now().to_rfc3339();
        for (k, v) in [
            ("installation_id", id.to_string()),
            ("province_code", setup.province_code.clone()),
            ("province", setup.province.clone()),
            ("commune_code", setup.commune_code.clone()),
            ("commune", setup.commune.clone()),
            ("officer", setup.officer.clone()),
            ("created_at", now),
        ] {
            tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![k, v])?;
        }
        apply_refs(&tx, &RefSet::builtin())?;
        bundles::ensure_keys(&tx)?;
        let commune = read_commune(&tx)?.ok_or(Error::NotInitialized)?;
        let new = serde_json::to_value(&setup).map_err(|e| Error::Json(e.to_string()))?;
        audit::append(&tx, &setup.officer, "init", Audited { new: Some(&new), ..Audited::default() })?;
        tx.commit()?;
        self.actor = commune.officer.clone();
        self.commune = Some(commune);
        Ok(self.commune.as_ref().expect("just set"))
    }

    pub fn commune(&self) -> Result<&Commune> {
        self.commune.as_ref().ok_or(Error::NotInitialized)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Who the audit log names for the next writes of a store in memory. A store opened from a file
    /// always names its logged-in officer, and this does nothing there.
    pub fn set_actor(&mut self, actor: &str) {
        if self.session.is_none() {
            self.actor = text::clean(actor);
        }
    }

    /// Every account of this store.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        accounts::all(&self.conn)
    }

    /// Adds an officer's account (chief only).
    pub fn add_account(&mut self, new: &NewAccount) -> Result<Account> {
        self.require(Role::Chief, "tạo tài khoản")?;
        let new = account::check(new)?;
        if accounts::get(&self.conn, &new.username)?.is_some() {
            return Err(Error::field("username", "Tên đăng nhập", format!("«{}» đã có", new.username)));
        }
        let (path, key) = self.keys()?;
        Keyring::add_then(&Keyring::path_for(&path), &new.username, &new.password, &key, || {
            self.write_as_system(|tx| accounts::insert(tx, &new))
        })?;
        accounts::get(&self.conn, &new.username)?.ok_or(Error::NotInitialized)
    }

    /// Adds an account with no password on this laptop yet (chief only): one the chief's invitation
    /// copied from the commune's first laptop. It has no key slot, so it cannot open the store until
    /// the chief sets its first password here (`change_password`).
    pub fn add_account_awaiting_password(&mut self, new: &NewAccount) -> Result<Account> {
        self.require(Role::Chief, "tạo tài khoản")?;
        let new = account::check_awaiting_password(new)?;
        if accounts::get(&self.conn, &new.username)?.is_some() {
            return Err(Error::field("username", "Tên đăng nhập", format!("«{}» đã có", new.username)));
        }
        self.write_as_system(|tx| accounts::insert(tx, &new))?;
        accounts::get(&self.conn, &new.username)?.ok_or(Error::NotInitialized)
    }

    /// The accounts that cannot log in yet: no password was set for them on this laptop.
    pub fn accounts_awaiting_password(&self) -> Result<Vec<String>> {
        let ring = match &self.path {
            Some(p) => Keyring::load(&Keyring::path_for(p))?,
            None => return Ok(Vec::new()),
        };
        Ok(self.accounts()?.into_iter().filter(|a| ring.slot(&a.username).is_none()).map(|a| a.username).collect())
    }

    /// Changes an account's role (chief only). The last chief cannot be demoted.
    pub fn set_role(&mut self, username: &str, role: Role) -> Result<()> {
        self.require(Role::Chief, "đổi quyền tài khoản")?;
        let old = self.account(username)?;
        account::check_role_change(&old, role, || self.chiefs(), CHIEF)?;
        self.write_as_system(|tx| accounts::set_role(tx, &old, role))?;
        account::follow_role(&mut self.session, &old.username, role);
        Ok(())
    }

    /// Sets an account's password: one's own, giving the `current` one (someone at a laptop left open
    /// cannot take the account over), or anyone's for the chief. The store is not re-encrypted.
    pub fn change_password(&mut self, username: &str, current: Option<&str>, new_password: &str) -> Result<()> {
        let target = self.account(username)?;
        account::may_set_password(self.session.as_ref(), &target, Role::label)?;
        let (path, key) = self.keys()?;
        let keys = Keyring::path_for(&path);
        if account::needs_current_password(self.session.as_ref(), &target) {
            Keyring::check_current(&keys, &target.username, current)?;
        }
        Keyring::set_password(&keys, &target.username, new_password, &key)?;
        self.write_as_system(|tx| {
            let v = serde_json::json!({"username": target.username});
            tx.audit("password_change", Some(&v))
        })
    }

    /// Removes an account (chief only): it can no longer open the store. Not oneself, not the last chief.
    pub fn remove_account(&mut self, username: &str) -> Result<()> {
        self.require(Role::Chief, "xóa tài khoản")?;
        let target = self.account(username)?;
        account::check_removal(self.session.as_ref(), &target, || self.chiefs(), CHIEF)?;
        let (path, _) = self.keys()?;
        Keyring::remove_from(&Keyring::path_for(&path), &target.username)?;
        self.write_as_system(|tx| accounts::remove(tx, &target))
    }

    fn account(&self, username: &str) -> Result<Account> {
        let username = username.trim().to_lowercase();
        accounts::get(&self.conn, &username)?.ok_or_else(|| Error::NotFound { kind: "tài khoản", id: username })
    }

    fn chiefs(&self) -> Result<usize> {
        Ok(self.accounts()?.iter().filter(|a| a.role == Role::Chief).count())
    }

    fn keys(&self) -> Result<(PathBuf, DataKey)> {
        match (&self.path, &self.key) {
            (Some(p), Some(k)) => Ok((p.clone(), k.clone())),
            _ => Err(Error::Refused("Kho dữ liệu trong bộ nhớ không có tài khoản.".into())),
        }
    }

    /// Refuses unless the logged-in officer has at least `role`.
    pub fn require(&self, role: Role, what: &str) -> Result<()> {
        account::require(self.session.as_ref(), role, what, Role::label)
    }

    /// Fixes the wall clock the next writes are stamped with and judged by ("not after today"), or
    /// gives it back to the computer (`None`). For the demo province only: its communes' bundles are
    /// made over past months, and their records must carry those months' clocks. Clock stamps still
    /// only ever increase ([`Hlc::tick`]).
    pub fn set_clock(&mut self, at: Option<chrono::DateTime<chrono::Utc>>) {
        self.clock = at;
    }

    /// Runs `f` in one transaction: everything it writes is committed together, or nothing if it fails.
    /// Only an officer or the chief may write.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.require(Role::WRITES, "thêm, sửa hay xóa dữ liệu")?;
        self.write_as_system(f)
    }

    /// A transaction whatever the role: logins, and account changes already checked by the caller.
    fn write_as_system<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let mut w = self.begin()?;
        let out = f(&mut w)?;
        w.tx.commit()?;
        Ok(out)
    }

    fn begin(&mut self) -> Result<Tx<'_>> {
        let commune = self.commune.as_ref().ok_or(Error::NotInitialized)?;
        let tx = self.conn.transaction()?;
        let (today, wall_ms) = match self.clock {
            Some(t) => (t.with_timezone(&chrono::Local).date_naive(), Some(t.timestamp_millis().max(0) as u64)),
            None => (today(), None),
        };
        Ok(Tx {
            tx,
            commune,
            actor: &self.actor,
            today,
            wall_ms,
            refs: Default::default(),
            resolving: None,
            merging: false,
            review: Default::default(),
        })
    }

    /// Runs `f` in one transaction as [`Store::write`] does, and commits it only if `f` says so:
    /// `(value, false)` rolls everything back (an import's preview, or a file with a bad row).
    pub fn write_deciding<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>) -> Result<T> {
        self.require(Role::WRITES, "thêm, sửa hay xóa dữ liệu")?;
        let mut w = self.begin()?;
        let (out, commit) = f(&mut w)?;
        if commit {
            w.tx.commit()?;
        } else {
            w.tx.rollback()?;
        }
        Ok(out)
    }

    /// A read-only view for lookups and queries.
    fn reader(&self) -> Reader<'_> {
        Reader { conn: &self.conn }
    }

    /// Creates a record from its fields; returns its new id and any warnings.
    pub fn create(&mut self, kind: Kind, input: &Doc) -> Result<Saved> {
        self.write(|tx| tx.create(kind, input, false))
    }

    /// Applies a partial update: given keys replace stored values, `null` clears a field.
    pub fn update(&mut self, kind: Kind, id: Uuid, patch: &Doc) -> Result<Saved> {
        self.write(|tx| tx.update(kind, id, patch))
    }

    /// Deletes a record (leaving a tombstone). Records that belong to it (a model's reviews) go with it;
    /// records that only refer to it (a team's members) make the delete refused.
    pub fn delete(&mut self, kind: Kind, id: Uuid) -> Result<()> {
        self.write(|tx| tx.delete(kind, id))
    }

    pub fn get(&self, kind: Kind, id: Uuid) -> Result<Record> {
        self.check_read(kind)?;
        self.reader()
            .record(id)?
            .filter(|r| r.kind == kind && !r.meta.deleted)
            .ok_or_else(|| Error::NotFound { kind: kind.label(), id: id.to_string() })
    }

    /// Any record, live or tombstone, whatever its kind (a sensitive one the officer may not read:
    /// `None`).
    pub fn get_any(&self, id: Uuid) -> Result<Option<Record>> {
        let r = self.reader().record(id)?;
        match r {
            Some(r) if !self.may_read(r.kind)? => Ok(None),
            r => Ok(r),
        }
    }

    pub fn list(&self, kind: Kind, q: &ListQuery) -> Result<Page> {
        self.check_read(kind)?;
        query::list(&self.conn, kind, q)
    }

    /// Accent- and case-insensitive search across registers (or one). Records of a sensitive
    /// register the officer may not read are left out.
    pub fn search(&self, text: &str, kind: Option<Kind>, limit: u32) -> Result<Vec<Hit>> {
        if let Some(k) = kind {
            self.check_read(k)?;
        }
        let hidden: Vec<Kind> = Kind::ALL.into_iter().filter(|k| !self.may_read(*k).unwrap_or(false)).collect();
        let mut hits = query::search(&self.conn, text, kind, limit)?;
        hits.retain(|h| !hidden.contains(&h.kind));
        Ok(hits)
    }

    /// Whether the logged-in officer may read records of `kind`: a sensitive register
    /// ([`Kind::sensitive`], the key areas) is closed to a viewer unless the chief allowed it
    /// ([`Store::set_key_areas_for_viewers`]). A store in memory (tests, no session) reads everything.
    pub fn may_read(&self, kind: Kind) -> Result<bool> {
        if !kind.sensitive() || self.session.as_ref().is_none_or(|a| a.role.may_write()) {
            return Ok(true);
        }
        self.key_areas_for_viewers()
    }

    fn check_read(&self, kind: Kind) -> Result<()> {
        if self.may_read(kind)? {
            return Ok(());
        }
        Err(Error::Forbidden(format!(
            "Tài khoản chỉ xem không được xem {}: Trưởng Công an xã chưa cho phép (mục Tài khoản).",
            kind.label()
        )))
    }

    /// Whether viewers may read the key areas (the chief's setting; no by default).
    pub fn key_areas_for_viewers(&self) -> Result<bool> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'key_areas_for_viewers'", [], |r| r.get(0))
            .optional()?;
        Ok(v.as_deref() == Some("1"))
    }

    /// The chief lets viewers read the key areas, or not (audited). Local to this laptop's store.
    pub fn set_key_areas_for_viewers(&mut self, allow: bool) -> Result<()> {
        self.require(Role::Chief, "cho phép tài khoản chỉ xem xem địa bàn trọng điểm")?;
        self.write(|tx| {
            tx.tx.execute(
                "INSERT INTO meta (key, value) VALUES ('key_areas_for_viewers', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [if allow { "1" } else { "0" }],
            )?;
            tx.audit("key_areas_for_viewers", Some(&serde_json::json!({"allow": allow})))
        })
    }

    /// [`search`](Self::search), and for each record found the fields that made it match, with their
    /// values ([`domain::search_matches`]): the window says why a record is in the list.
    pub fn search_explained(&self, text: &str, kind: Option<Kind>, limit: u32) -> Result<Vec<Found>> {
        let hits = self.search(text, kind, limit)?;
        let reader = self.reader();
        hits.into_iter()
            .map(|hit| {
                let matched = match reader.record(hit.id)? {
                    Some(r) => {
                        let fields = domain::fields_for(r.kind, &r.data, &reader)?;
                        domain::search_matches(&r.data, &fields, text)
                    }
                    None => Vec::new(),
                };
                Ok(Found { hit, matched })
            })
            .collect()
    }

    /// Live records of `kind` counted by the values of the fields `by`, with each group's greatest value
    /// of `max_of` (e.g. reviews by `model_id` with the latest `date`). For dashboards.
    pub fn group(&self, kind: Kind, by: &[&str], max_of: Option<&str>) -> Result<Vec<Group>> {
        self.check_read(kind)?;
        query::group(&self.conn, kind, by, max_of)
    }

    /// Some fields of every live record of `kind`, in title order, without reading the records: only
    /// the fields the store keeps as facts for the dashboard (migration 0007) can be asked for.
    pub fn fact_rows(&self, kind: Kind, fields: &[&str]) -> Result<Vec<FactRow>> {
        self.check_read(kind)?;
        query::fact_rows(&self.conn, kind, fields)
    }

    /// Records a review (sơ kết, tổng kết) of a model.
    pub fn review_model(&mut self, model: Uuid, review: &Doc) -> Result<Saved> {
        self.write(|tx| tx.review_model(model, review))
    }

    /// Replicates a model into another area: a new model linked to its origin.
    pub fn replicate_model(&mut self, origin: Uuid, area: Uuid, overrides: &Doc) -> Result<Saved> {
        self.write(|tx| tx.replicate_model(Uuid::now_v7(), origin, area, overrides))
    }

    /// Dissolves a model: it stays, read-only, with its history.
    pub fn dissolve_model(&mut self, id: Uuid, on: &str, reason: &str) -> Result<Saved> {
        self.write(|tx| tx.dissolve_model(id, on, reason))
    }

    /// A model, its reviews (oldest first), the model it was replicated from and its replicas.
    pub fn model_history(&self, id: Uuid) -> Result<ModelHistory> {
        let model = self.get(Kind::Model, id)?;
        let r = self.reader();
        let mut reviews = r.find_records(Kind::Review, "model_id", &id.to_string())?;
        reviews.sort_by(|a, b| a.data.str_of("date").cmp(&b.data.str_of("date")));
        let origin = match model.data.ids_of("origin_id").first() {
            Some(o) => r.record(*o)?,
            None => None,
        };
        let replicas = r.find_records(Kind::Model, "origin_id", &id.to_string())?;
        Ok(ModelHistory { model, reviews, origin, replicas })
    }

    /// The active items of a reference list.
    pub fn ref_items(&self, list: &str) -> Result<Vec<RefItem>> {
        self.reader().ref_items(list)
    }

    /// Names of the reference lists with their labels and versions.
    pub fn ref_lists(&self) -> Result<Vec<(String, String, i64)>> {
        all_rows(&self.conn, "SELECT list, label, version FROM ref_list ORDER BY list", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
    }

    /// Installs a newer reference set (from a release or the province); older lists are kept. A set
    /// carrying the list of provinces and communes must carry both of its lists, each item valid, or
    /// nothing is installed.
    pub fn apply_reference(&mut self, set: &RefSet) -> Result<usize> {
        units::check_ref_set(set)?;
        self.write(|tx| {
            let n = apply_refs(&tx.tx, set)?;
            if n > 0 {
                let new = serde_json::json!({"version": set.version, "lists": n});
                tx.audit("reference", Some(&new))?;
            }
            Ok(n)
        })
    }

    /// The official list of provinces and communes: the one this release ships, with the lists of the
    /// provinces a province's reference bundle sent laid over it when that list is newer.
    pub fn units(&self) -> Result<Cow<'static, Units>> {
        let version: Option<i64> = self
            .conn
            .query_row("SELECT version FROM ref_list WHERE list = ?1", [units::COMMUNE_LIST], |r| r.get(0))
            .optional()?;
        let builtin = Units::builtin();
        match version {
            Some(v) if v > builtin.version => {
                let r = self.reader();
                Ok(Cow::Owned(builtin.with_refs(
                    v,
                    &r.ref_items(units::PROVINCE_LIST)?,
                    &r.ref_items(units::COMMUNE_LIST)?,
                )?))
            }
            _ => Ok(Cow::Borrowed(builtin)),
        }
    }

    /// The fields of a record of `kind` with these values (an activity's category adds fields).
    pub fn fields_for(&self, kind: Kind, doc: &Doc) -> Result<Vec<domain::Field>> {
        domain::fields_for(kind, doc, &self.reader())
    }

    /// A record's fields as (label, value) lines an officer reads, in form order.
    pub fn describe(&self, record: &Record) -> Result<Vec<(String, String)>> {
        Names::new(self).describe(record)
    }

    /// Issues a new document: takes the next number of `target.series` in the year of `target.date`,
    /// calls `make` with it (to render the document), and records the issued document (who, when,
    /// which form, what about) and an audit entry, all in one transaction. If `make` fails nothing is
    /// recorded and the number is not taken; once this returns, the number is taken for good,
    /// whatever happens to the file. This is the officer's "new document": see
    /// [`Store::reprint_or_issue`] for printing a record's document again.
    pub fn issue_document<T>(
        &mut self,
        target: &DocTarget<'_>,
        make: impl FnOnce(&IssuedDoc) -> Result<T>,
    ) -> Result<(IssuedDoc, T)> {
        let issued_by = self.issuer();
        self.write(|tx| issue(tx, target, issued_by, make))
    }

    /// Prints a record's (or a year's) document: when the register already holds a document of
    /// `target.form` about the same record or year, `make` gets that one (its number and date) and
    /// nothing is written (`true`: a reprint); otherwise, as [`Store::issue_document`], the next
    /// number is taken (`false`). One transaction, so two prints at once cannot both take a number.
    pub fn reprint_or_issue<T>(
        &mut self,
        target: &DocTarget<'_>,
        make: impl FnOnce(&IssuedDoc) -> Result<T>,
    ) -> Result<(IssuedDoc, T, bool)> {
        let issued_by = self.issuer();
        self.write(|tx| {
            if let Some(old) = documents::latest_for(&tx.tx, target.form, target.record, target.period)? {
                let out = make(&old)?;
                return Ok((old, out, true));
            }
            let (doc, out) = issue(tx, target, issued_by, make)?;
            Ok((doc, out, false))
        })
    }

    /// The document of `form` last issued about `record` (or the year `period`): the one printing it
    /// again keeps. `None` when none was issued (the next print takes a number).
    pub fn issued_for(&self, form: &str, record: Option<Uuid>, period: Option<i32>) -> Result<Option<IssuedDoc>> {
        documents::latest_for(&self.conn, form, record, period)
    }

    /// One entry of the register, by id (to reprint it).
    pub fn issued_document(&self, id: Uuid) -> Result<IssuedDoc> {
        documents::by_id(&self.conn, id)?.ok_or_else(|| {
            Error::Refused("Không có văn bản này trong sổ văn bản đã cấp số (xem lại sổ văn bản).".into())
        })
    }

    /// Registers a document whose number was given elsewhere (the tờ trình's number recorded at the
    /// certification's proposal step), then builds it with `make`. The first print records it and
    /// moves the series' counter past the number, so the register never gives it again; printing
    /// the same form again under its number reprints it (nothing new is recorded). A number the
    /// register already gave to another form is refused, naming both.
    pub fn register_document<T>(
        &mut self,
        target: &DocTarget<'_>,
        number: u32,
        make: impl FnOnce(&IssuedDoc) -> Result<T>,
    ) -> Result<(IssuedDoc, T)> {
        let issued_by = self.issuer();
        let year = target.date.year();
        self.write(|tx| {
            numbering_here(tx)?;
            if let Some(old) = documents::find(&tx.tx, target.series, year, number)? {
                if old.form != target.form {
                    return Err(Error::Refused(format!(
                        "Số {} năm {year} đã cấp cho văn bản khác (mẫu «{}», {} lúc {}); hãy sửa số của văn bản này.",
                        old.number_text(),
                        old.form,
                        old.issued_by,
                        old.issued_at
                    )));
                }
                let out = make(&old)?;
                return Ok((old, out));
            }
            let doc = IssuedDoc::new(target, year, number, issued_by);
            let out = make(&doc)?;
            documents::claim_number(&tx.tx, target.series, year, number)?;
            record_issued(tx, &doc)?;
            Ok((doc, out))
        })
    }

    /// The register of issued documents, newest first.
    pub fn issued_documents(&self, limit: u32) -> Result<Vec<IssuedDoc>> {
        documents::list(&self.conn, limit)
    }

    /// Who issues a document: the logged-in officer's name.
    fn issuer(&self) -> String {
        self.session.as_ref().map_or_else(|| self.actor.clone(), |a| a.full_name.clone())
    }

    /// Checks the audit log's hash chain.
    pub fn audit_verify(&self) -> Result<AuditReport> {
        audit::verify(&self.conn)
    }

    /// The last `limit` audit entries, newest first.
    pub fn audit_tail(&self, limit: u32) -> Result<Vec<audit::Entry>> {
        audit::tail(&self.conn, limit)
    }

    /// Record changes with a sequence number above `after`, in sequence order (for sync bundles).
    pub fn changes_since(&self, after: i64, limit: u32) -> Result<Vec<Change>> {
        sync::changes_since(&self.conn, after, limit)
    }

    /// As [`Store::changes_since`], each record's fields kept as their stored JSON text (for exports).
    pub fn change_lines_since(&self, after: i64, limit: u32) -> Result<Vec<ChangeLine>> {
        sync::change_lines_since(&self.conn, after, limit)
    }

    /// Merges changes from another installation: per record, the greater (clock, installation) wins.
    pub fn apply_changes(&mut self, changes: &[Change]) -> Result<MergeReport> {
        self.write(|tx| sync::apply(tx, changes))
    }

    /// How many records have changed since sequence number `after` (what an export will carry).
    pub fn count_changes_since(&self, after: i64) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM record WHERE seq > ?1", [after], |r| r.get(0))?)
    }

    /// How many records changed that the province has not acknowledged yet (what the next export
    /// carries). Counted, not subtracted: after a restore the sequence numbers jump by 2³².
    pub fn pending_changes(&self) -> Result<i64> {
        self.count_changes_since(self.sync_state()?.acked_seq)
    }

    /// The last change sequence number issued.
    pub fn last_seq(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT value FROM counter WHERE name = 'seq'", [], |r| r.get(0))?)
    }

    /// How many live records each register holds.
    pub fn counts(&self) -> Result<Vec<(Kind, i64)>> {
        let mut st = self.conn.prepare_cached("SELECT kind, live FROM record_count")?; // kept by triggers (migration 0007)
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out: Vec<(Kind, i64)> = Kind::ALL.iter().map(|k| (*k, 0)).collect();
        for row in rows {
            let (k, n) = row?;
            if let Some(slot) = out.iter_mut().find(|(kind, _)| kind.code() == k) {
                slot.1 = n;
            }
        }
        Ok(out)
    }

    /// Result of SQLite's `PRAGMA integrity_check` ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Runs SQLite's query planner statistics; worth doing after a bulk load.
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA optimize; ANALYZE;")?;
        Ok(())
    }
}

/// A certification record changes only through its steps (`cert_advance`, `cert_revert`, `cert_settings`).
/// The post of a commune store's chief accounts, as refusals name it.
const CHIEF: &str = "Trưởng Công an xã";

fn cert_guard(kind: Kind) -> Result<()> {
    if kind == Kind::Cert {
        return Err(Error::Refused(
            "Hồ sơ công nhận \"An toàn về ANTT\" chỉ thay đổi qua từng bước: phongtrao cert advance / cert revert / cert settings.".into(),
        ));
    }
    Ok(())
}

/// Takes the next number for `target`, builds the document with `make`, and records it.
fn issue<T>(
    tx: &mut Tx<'_>,
    target: &DocTarget<'_>,
    issued_by: String,
    make: impl FnOnce(&IssuedDoc) -> Result<T>,
) -> Result<(IssuedDoc, T)> {
    numbering_here(tx)?;
    let year = target.date.year();
    let number = documents::next_number(&tx.tx, target.series, year)?;
    let doc = IssuedDoc::new(target, year, number, issued_by);
    let out = make(&doc)?;
    record_issued(tx, &doc)?;
    Ok((doc, out))
}

/// Refuses to give or record a document number on a laptop of the commune that does not number:
/// two laptops must never hold the same number of a series in a year, so only one of them keeps the
/// register (docs/SYNC.md, "Document numbers").
fn numbering_here(tx: &Tx<'_>) -> Result<()> {
    match bundles::state(&tx.tx, "numbering_by")? {
        Some(by) => Err(Error::Refused(format!(
            "Máy này không cấp số văn bản: trong xã, chỉ máy cấp số ({}) cấp số mới hay vào sổ một số đã ghi, để hai máy \
không bao giờ giữ trùng một số. Hãy in bản xem trước ở máy này, hoặc in văn bản có số ở máy cấp số (dữ liệu đến đó qua \
«Trao đổi với máy khác»).",
            text::printable(&by, 120)
        ))),
        None => Ok(()),
    }
}

/// Records an issued document in the register, with its audit entry (inside the caller's transaction).
fn record_issued(tx: &mut Tx<'_>, doc: &IssuedDoc) -> Result<()> {
    documents::insert(&tx.tx, doc)?;
    let new = serde_json::json!({ "form": doc.form, "number": doc.number_text(), "issued_doc": doc.id });
    let kind = match doc.record_id {
        Some(id) => tx.reader().record(id)?.map(|r| r.kind),
        None => None,
    };
    tx.audit_change("issue", Audited { kind, id: doc.record_id, new: Some(&new), ..Audited::default() })
}

fn replicas_docs(records: &[Record]) -> Vec<Doc> {
    records.iter().map(|r| r.data.clone()).collect()
}

/// Opens an SQLCipher store with its raw data key and checks that the key fits.
/// Settings and functions every connection to a store needs: WAL, full sync, the page cache, the
/// Vietnamese collation and folding function (indexes use them).
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit that returned survives a power cut, not only a crash of the app.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Decrypted pages stay in memory (64 MiB at most): SQLCipher decrypts each page read from disk.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.create_collation("vi", text::compare)?;
    conn.create_scalar_function(
        "vi_fold",
        1,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8 | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|s| text::fold(&s))),
    )?;
    Ok(())
}

fn open_encrypted(path: &Path, key: &DataKey) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "key", &*key.sqlcipher_pragma())?;
    let readable: rusqlite::Result<i64> = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0));
    match readable {
        Ok(_) => Ok(conn),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            Err(Error::Refused(format!(
                "Không giải mã được kho dữ liệu {}: tệp bị hỏng hoặc không khớp với tệp khóa bên cạnh.",
                path.display()
            )))
        }
        Err(e) => Err(e.into()),
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn check_setup(s: &Setup) -> Result<Setup> {
    let mut errors = Vec::new();
    let mut push = |field: &str, label: &str, msg: &str| {
        errors.push(crate::error::FieldError { field: field.into(), label: label.into(), message: msg.into() })
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let out = Setup {
        province_code: s.province_code.trim().to_owned(),
        province: text::clean(&s.province),
        commune_code: s.commune_code.trim().to_owned(),
        commune: text::clean(&s.commune),
        officer: text::clean(&s.officer),
    };
    if !digits(&out.province_code, 2) {
        push("province_code", "Mã tỉnh", "phải gồm 2 chữ số (QĐ 19/2025/QĐ-TTg)");
    }
    if out.province.is_empty() {
        push("province", "Tên tỉnh, thành phố", "không được để trống");
    }
    if !digits(&out.commune_code, 5) {
        push("commune_code", "Mã xã", "phải gồm 5 chữ số (QĐ 19/2025/QĐ-TTg)");
    }
    if out.commune.is_empty() {
        push("commune", "Tên xã, phường, đặc khu", "không được để trống");
    }
    if out.officer.is_empty() {
        push("officer", "Cán bộ", "không được để trống");
    }
    if errors.is_empty() { Ok(out) } else { Err(Error::Invalid(crate::error::Invalid(errors))) }
}

fn read_commune(conn: &Connection) -> Result<Option<Commune>> {
    let get = |k: &str| -> Result<Option<String>> {
        Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0)).optional()?)
    };
    let Some(id) = get("installation_id")? else { return Ok(None) };
    let installation_id =
        Uuid::parse_str(&id).map_err(|_| Error::Refused("Mã cài đặt trong kho dữ liệu bị hỏng.".into()))?;
    Ok(Some(Commune {
        installation_id,
        province_code: get("province_code")?.unwrap_or_default(),
        province: get("province")?.unwrap_or_default(),
        commune_code: get("commune_code")?.unwrap_or_default(),
        commune: get("commune")?.unwrap_or_default(),
        officer: get("officer")?.unwrap_or_default(),
    }))
}

/// Installs every list of `set` whose version is newer than the stored one. Returns how many.
fn apply_refs(conn: &Connection, set: &RefSet) -> Result<usize> {
    let mut n = 0;
    for list in &set.lists {
        let current: Option<i64> =
            conn.query_row("SELECT version FROM ref_list WHERE list = ?1", [&list.list], |r| r.get(0)).optional()?;
        if current.is_some_and(|v| v >= set.version) {
            continue;
        }
        conn.execute(
            "INSERT INTO ref_list (list, label, version) VALUES (?1, ?2, ?3)
             ON CONFLICT (list) DO UPDATE SET label = excluded.label, version = excluded.version",
            params![list.list, list.label, set.version],
        )?;
        // Items no longer sent stay for old records but are no longer offered.
        conn.execute("UPDATE ref_item SET active = 0 WHERE list = ?1", [&list.list])?;
        for (pos, item) in list.items.iter().enumerate() {
            let data = (!item.data.is_null()).then(|| item.data.to_string());
            conn.execute(
                "INSERT INTO ref_item (list, code, label, position, active, data) VALUES (?1, ?2, ?3, ?4, 1, ?5)
                 ON CONFLICT (list, code) DO UPDATE SET label = excluded.label,
                    position = excluded.position, active = 1, data = excluded.data",
                params![list.list, item.code, item.label, pos as i64, data],
            )?;
        }
        n += 1;
    }
    Ok(n)
}

/// Every row `sql` gives for `params`, each read by `row`: the one place a query's rows are gathered.
pub(crate) fn all_rows<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(params, row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Read access shared by the store and its transactions.
pub(crate) struct Reader<'c> {
    conn: &'c Connection,
}

const RECORD_COLUMNS: &str = "id, kind, data, title, hlc, origin, seq, deleted";

pub(crate) fn record_from_row(r: &Row<'_>) -> rusqlite::Result<Record> {
    let parse_uuid = |i: usize, s: String| {
        Uuid::parse_str(&s)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
    };
    let kind: String = r.get(1)?;
    let data: Option<String> = r.get(2)?;
    let data: Doc = match data {
        Some(s) => serde_json::from_str(&s)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?,
        None => Doc::new(),
    };
    Ok(Record {
        id: parse_uuid(0, r.get(0)?)?,
        kind: Kind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("unknown kind {kind}").into(),
            )
        })?,
        data,
        title: r.get(3)?,
        meta: Meta {
            hlc: Hlc(r.get::<_, i64>(4)? as u64),
            origin: parse_uuid(5, r.get(5)?)?,
            seq: r.get(6)?,
            deleted: r.get(7)?,
        },
    })
}

impl Reader<'_> {
    fn record(&self, id: Uuid) -> Result<Option<Record>> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM record WHERE id = ?1");
        Ok(self.conn.prepare_cached(&sql)?.query_row([id.to_string()], record_from_row).optional()?)
    }

    fn live_doc(&self, kind: Kind, id: Uuid) -> Result<Option<Doc>> {
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM record WHERE id = ?1 AND kind = ?2 AND deleted = 0")?
            .query_row(params![id.to_string(), kind.code()], |r| r.get(0))
            .optional()?;
        data.map(|s| serde_json::from_str(&s).map_err(|e| Error::Json(e.to_string()))).transpose()
    }

    /// Live records of `kind` whose `field` equals `value` or, for a list, contains it. A dotted
    /// field (`grades.year`) looks inside the objects of a list.
    fn find_records(&self, kind: Kind, field: &str, value: &str) -> Result<Vec<Record>> {
        if let Some(col) = query::fact_column(kind, field) {
            // A scalar field kept in `record_fact` (migration 0007): a seek, not a scan of every record.
            let sql = format!(
                "SELECT {RECORD_COLUMNS} FROM record WHERE deleted = 0 AND rowid IN (
                    SELECT rid FROM record_fact WHERE kind = ?1 AND {col} = ?2)"
            );
            return all_rows(self.conn, &sql, params![kind.code(), value], record_from_row);
        }
        let (list, inner) = match field.split_once('.') {
            Some((l, i)) => (l, format!("$.{i}")),
            None => (field, "$".to_owned()),
        };
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM record WHERE kind = ?1 AND deleted = 0 AND EXISTS (
                SELECT 1 FROM json_each(record.data, '$.' || ?2) j
                WHERE CASE WHEN ?3 = '$' THEN CAST(j.value AS TEXT)
                           ELSE CAST(json_extract(j.value, ?3) AS TEXT) END = ?4)"
        );
        all_rows(self.conn, &sql, params![kind.code(), list, inner, value], record_from_row)
    }

    fn ref_items(&self, list: &str) -> Result<Vec<RefItem>> {
        all_rows(
            self.conn,
            "SELECT code, label, data FROM ref_item WHERE list = ?1 AND active = 1 ORDER BY position",
            [list],
            |r| {
                let data: Option<String> = r.get(2)?;
                Ok(RefItem {
                    code: r.get(0)?,
                    label: r.get(1)?,
                    data: data.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or(Value::Null),
                })
            },
        )
    }
}

impl Lookup for Reader<'_> {
    fn today(&self) -> NaiveDate {
        today()
    }
    fn ref_items(&self, list: &str) -> Result<Arc<[RefItem]>> {
        Ok(Reader::ref_items(self, list)?.into())
    }
    fn get(&self, kind: Kind, id: Uuid) -> Result<Option<Doc>> {
        self.live_doc(kind, id)
    }
    fn find(&self, kind: Kind, field: &str, value: &str) -> Result<Vec<(Uuid, Doc)>> {
        Ok(self.find_records(kind, field, value)?.into_iter().map(|r| (r.id, r.data)).collect())
    }
    fn signed(&self, id: Uuid) -> Result<Option<Doc>> {
        self.signed_doc(id)
    }
}

/// One write transaction. Implements [`Lookup`] so the domain's checks see the transaction's own writes.
pub struct Tx<'s> {
    tx: rusqlite::Transaction<'s>,
    commune: &'s Commune,
    actor: &'s str,
    today: NaiveDate,
    /// The fixed wall clock of [`Store::set_clock`], in milliseconds.
    wall_ms: Option<u64>,
    /// Reference lists read in this transaction (they do not change inside one).
    refs: std::cell::RefCell<std::collections::HashMap<String, Arc<[RefItem]>>>,
    /// A person's decision on a record in conflict (`peers`): the record, and the version vectors of
    /// every version it was in conflict with, joined. The next local write of that record includes
    /// them all (so it replaces them everywhere) and clears its conflict.
    resolving: Option<(Uuid, Vv)>,
    /// Another laptop's version of a record is being merged (`peers`): the lock of an approved
    /// period does not refuse it (docs/SYNC.md, "Approved periods"); the merge lists it instead.
    merging: bool,
    /// The approved periods and open returned items, read once per transaction (`Tx::check_lock`).
    review: std::cell::RefCell<Option<review::ReviewCache>>,
}

impl Lookup for Tx<'_> {
    fn today(&self) -> NaiveDate {
        self.today
    }
    fn ref_items(&self, list: &str) -> Result<Arc<[RefItem]>> {
        if let Some(items) = self.refs.borrow().get(list) {
            return Ok(items.clone());
        }
        let items: Arc<[RefItem]> = self.reader().ref_items(list)?.into();
        self.refs.borrow_mut().insert(list.to_owned(), items.clone());
        Ok(items)
    }
    fn get(&self, kind: Kind, id: Uuid) -> Result<Option<Doc>> {
        self.reader().live_doc(kind, id)
    }
    fn find(&self, kind: Kind, field: &str, value: &str) -> Result<Vec<(Uuid, Doc)>> {
        Lookup::find(&self.reader(), kind, field, value)
    }
    fn signed(&self, id: Uuid) -> Result<Option<Doc>> {
        self.reader().signed_doc(id)
    }
}

impl Tx<'_> {
    fn reader(&self) -> Reader<'_> {
        Reader { conn: &self.tx }
    }

    pub fn commune(&self) -> &Commune {
        self.commune
    }

    /// Runs `f` inside a savepoint: if it fails, what it wrote is undone and the transaction goes on
    /// (an import that keeps only its good rows).
    pub fn attempt<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.tx.execute_batch("SAVEPOINT attempt")?;
        match f(self) {
            Ok(v) => {
                self.tx.execute_batch("RELEASE attempt")?;
                Ok(v)
            }
            Err(e) => {
                self.tx.execute_batch("ROLLBACK TO attempt; RELEASE attempt")?;
                Err(e)
            }
        }
    }

    /// Any record with this id, live or deleted, whatever its register.
    pub fn record_any(&self, id: Uuid) -> Result<Option<Record>> {
        self.reader().record(id)
    }

    /// A live record's fields, or NotFound.
    pub fn live(&self, kind: Kind, id: Uuid) -> Result<Doc> {
        self.reader().live_doc(kind, id)?.ok_or_else(|| Error::NotFound { kind: kind.label(), id: id.to_string() })
    }

    /// Validates and inserts a new record. `allow_system` is for operations (replication).
    pub fn create(&mut self, kind: Kind, input: &Doc, allow_system: bool) -> Result<Saved> {
        self.create_with_id(kind, Uuid::now_v7(), input, allow_system)
    }

    /// As [`Tx::create`] with a given id (the demo makes its ids from its seed).
    pub fn create_with_id(&mut self, kind: Kind, id: Uuid, input: &Doc, allow_system: bool) -> Result<Saved> {
        cert_guard(kind)?;
        self.guard_parent(kind, input)?;
        self.guard_remedy_new(kind, input)?;
        let checked = domain::validate(kind, id, input, allow_system, self)?;
        self.put(kind, id, &checked, "create", None)?;
        Ok(Saved { id, warnings: checked.warnings })
    }

    /// Records a review (sơ kết, tổng kết) of a model.
    pub fn review_model(&mut self, model: Uuid, review: &Doc) -> Result<Saved> {
        let mut input = review.clone();
        input.insert("model_id".into(), Value::String(model.to_string()));
        self.create(Kind::Review, &input, false)
    }

    /// Replicates `origin` into `area` as a new model with the given id.
    pub fn replicate_model(&mut self, id: Uuid, origin: Uuid, area: Uuid, overrides: &Doc) -> Result<Saved> {
        let doc = self.live(Kind::Model, origin)?;
        let replicas = self.reader().find_records(Kind::Model, "origin_id", &origin.to_string())?;
        let input = domain::model::replicate(origin, &doc, area, overrides, &replicas_docs(&replicas), self)?;
        self.create_with_id(Kind::Model, id, &input, true)
    }

    /// Dissolves a model on the date `on` for `reason`; it stays, read-only, with its history.
    pub fn dissolve_model(&mut self, id: Uuid, on: &str, reason: &str) -> Result<Saved> {
        let old = self.live(Kind::Model, id)?;
        let new = domain::model::dissolve(&old, on, reason, self)?;
        let checked = domain::validate(Kind::Model, id, &new, true, self)?;
        self.put(Kind::Model, id, &checked, "dissolve", Some(&old))?;
        Ok(Saved { id, warnings: checked.warnings })
    }

    /// Applies a partial update, as [`Store::update`].
    pub fn update(&mut self, kind: Kind, id: Uuid, patch: &Doc) -> Result<Saved> {
        cert_guard(kind)?;
        let old = self.live(kind, id)?;
        if kind == Kind::Model && domain::model::is_dissolved(&old) {
            return Err(domain::model::read_only(&old));
        }
        self.guard_parent(kind, &old)?;
        self.guard_remedy(kind, id, &old)?;
        self.guard_signed(kind, id, &old)?;
        let fields = domain::fields_for(kind, &old, self)?;
        let mut merged = old.clone();
        let mut errors = Vec::new();
        for (k, v) in patch {
            if fields.iter().any(|f| &f.key == k && f.system) {
                errors.push(crate::error::FieldError {
                    field: k.clone(),
                    label: fields.iter().find(|f| &f.key == k).map_or(k.clone(), |f| f.label.clone()),
                    message: match kind {
                        Kind::RemedyReport => "chỉ được ghi khi đánh giá kết quả khắc phục".into(),
                        _ => "chỉ được thay đổi qua thao tác riêng (nhân rộng, giải thể)".into(),
                    },
                });
            } else if v.is_null() {
                merged.remove(k);
            } else {
                merged.insert(k.clone(), v.clone());
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(crate::error::Invalid(errors)));
        }
        self.guard_parent(kind, &merged)?;
        let checked = domain::validate(kind, id, &merged, true, self)?;
        if checked.doc == old {
            return Ok(Saved { id, warnings: checked.warnings });
        }
        // An ended key area's file is closed (the same values again change nothing, above).
        self.guard_ended(kind, &old)?;
        self.put(kind, id, &checked, "update", Some(&old))?;
        Ok(Saved { id, warnings: checked.warnings })
    }

    /// A review belongs to its model: no change to the history of a dissolved model.
    fn guard_parent(&self, kind: Kind, doc: &Doc) -> Result<()> {
        if kind == Kind::Review
            && let Some(model) = doc.ids_of("model_id").first()
            && let Some(m) = self.reader().live_doc(Kind::Model, *model)?
            && domain::model::is_dissolved(&m)
        {
            return Err(domain::model::read_only(&m));
        }
        Ok(())
    }

    /// An ended key area's file is closed: the listing (ending it is its last change) and the
    /// assessments it holds are neither edited nor deleted. (An assessment dated by the end may still
    /// be added: the history kept on paper; one after the end is refused by the rules.)
    fn guard_ended(&self, kind: Kind, old: &Doc) -> Result<()> {
        if kind == Kind::KeyArea && domain::registers::key_area_ended(old) {
            return Err(domain::registers::key_area_read_only(old));
        }
        if kind == Kind::KeyAreaReview
            && let Some(area) = old.ids_of("key_area_id").first()
            && let Some(a) = self.reader().live_doc(Kind::KeyArea, *area)?
            && domain::registers::key_area_ended(&a)
        {
            return Err(domain::registers::key_area_read_only(&a));
        }
        Ok(())
    }

    fn delete(&mut self, kind: Kind, id: Uuid) -> Result<()> {
        cert_guard(kind)?;
        let old = self.live(kind, id)?;
        if self.resolving.as_ref().is_none_or(|(r, _)| *r != id) && peers::in_conflict(&self.tx, id)? {
            // The delete would be shown under the other laptop's edit (an edit is kept over a delete):
            // the officer decides the conflict instead, and may keep the deletion there.
            return Err(Error::Refused(format!(
                "{} này đang có xung đột giữa các máy của xã (hai máy đã sửa khác nhau): chưa xóa. \
Hãy giải quyết xung đột trước (mục «Trao đổi với máy khác», phần Xung đột); ở đó có thể chọn giữ việc xóa.",
                text::capitalise(kind.label())
            )));
        }
        if kind == Kind::Model && domain::model::is_dissolved(&old) {
            return Err(domain::model::read_only(&old));
        }
        self.guard_parent(kind, &old)?;
        self.guard_ended(kind, &old)?;
        self.guard_remedy(kind, id, &old)?;
        self.guard_signed(kind, id, &old)?;
        let mut blockers = Vec::new();
        let mut owned = Vec::new();
        for other in Kind::ALL {
            for f in domain::fields(other) {
                let target = match f.ty {
                    domain::FieldType::Link { kind: k } | domain::FieldType::Links { kind: k } => k,
                    _ => continue,
                };
                if target != kind {
                    continue;
                }
                let refs = self.reader().find_records(other, &f.key, &id.to_string())?;
                if refs.is_empty() {
                    continue;
                }
                if other == Kind::Review && kind == Kind::Model {
                    owned.extend(refs);
                } else {
                    blockers.push(format!("{} {}", refs.len(), other.label()));
                }
            }
        }
        if kind == Kind::Meeting {
            // A certification's bình xét stands on its meeting (inside the step's data, not a field).
            let certs = self.reader().find_records(Kind::Cert, "review.meeting_id", &id.to_string())?;
            if !certs.is_empty() {
                blockers.push(format!("{} {}", certs.len(), Kind::Cert.label()));
            }
        }
        if !blockers.is_empty() {
            let title = self.reader().record(id)?.map(|r| r.title).unwrap_or_default();
            return Err(Error::Refused(format!(
                "Không xóa được {} «{title}» vì còn {} gắn với bản ghi này. Hãy xóa hoặc chuyển các bản ghi đó trước.",
                kind.label(),
                blockers.join(", ")
            )));
        }
        for r in owned {
            self.tombstone(r.kind, r.id, &r.data)?;
        }
        self.tombstone(kind, id, &old)
    }

    /// Writes a validated record (insert or replace), its search text, clock stamp and audit entry.
    fn put(&mut self, kind: Kind, id: Uuid, c: &Checked, action: &str, old: Option<&Doc>) -> Result<()> {
        let hlc = self.tick()?;
        let origin = self.commune.installation_id;
        self.write_row(kind, id, Some(c), hlc, origin)?;
        let new = Value::Object(c.doc.clone());
        let old = old.map(|o| Value::Object(o.clone()));
        self.audit_change(action, Audited { kind: Some(kind), id: Some(id), old: old.as_ref(), new: Some(&new) })
    }

    fn tombstone(&mut self, kind: Kind, id: Uuid, old: &Doc) -> Result<()> {
        let hlc = self.tick()?;
        let origin = self.commune.installation_id;
        self.write_row(kind, id, None, hlc, origin)?;
        let old = Value::Object(old.clone());
        self.audit_change("delete", Audited { kind: Some(kind), id: Some(id), old: Some(&old), new: None })
    }

    /// The row itself: a live record (`Some`) or a tombstone (`None`), with a fresh sequence number.
    /// A change made here includes what the record's version held (its version vector) plus this
    /// change; one merged from the province's format (no vector) is only itself.
    fn write_row(&mut self, kind: Kind, id: Uuid, c: Option<&Checked>, hlc: Hlc, origin: Uuid) -> Result<()> {
        let mut vv = Vv::new();
        if origin == self.commune.installation_id {
            match self.resolving.take() {
                Some((rid, joined)) if rid == id => {
                    vv = joined;
                    peers::clear_siblings(&self.tx, id)?;
                }
                other => {
                    self.resolving = other;
                    vv = peers::local_base(&self.tx, id)?;
                }
            }
        }
        peers::vv_put(&mut vv, origin, hlc);
        self.write_version(kind, id, c, hlc, origin, &vv)
    }

    /// Writes the record's row as the version (`hlc`, `origin`, `vv`).
    fn write_version(
        &mut self,
        kind: Kind,
        id: Uuid,
        c: Option<&Checked>,
        hlc: Hlc,
        origin: Uuid,
        vv: &Vv,
    ) -> Result<()> {
        // The lock of an approved period: every record write passes here (a local write, a
        // merge from the province's format). Another laptop's version of the commune is taken in
        // and listed instead (`peers`: the laptops must converge; the province holds the change).
        if !self.merging {
            self.check_lock(kind, id, c.map(|c| (&c.doc, c.title.as_str())))?;
        }
        let seq = self.next_seq()?;
        let (data, title, key) = match c {
            Some(c) => (
                Some(serde_json::to_string(&c.doc).map_err(|e| Error::Json(e.to_string()))?),
                c.title.as_str(),
                text::sort_key(&c.title),
            ),
            None => (None, "", Vec::new()),
        };
        let rowid: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO record (id, kind, data, title, sort_key, hlc, origin, seq, deleted, vv)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, data = excluded.data, title = excluded.title,
                sort_key = excluded.sort_key, hlc = excluded.hlc, origin = excluded.origin,
                seq = excluded.seq, deleted = excluded.deleted, vv = excluded.vv
             RETURNING rowid",
            )?
            .query_row(
                params![
                    id.to_string(),
                    kind.code(),
                    data,
                    title,
                    key,
                    hlc.0 as i64,
                    origin.to_string(),
                    seq,
                    c.is_none(),
                    peers::vv_text(vv)
                ],
                |r| r.get(0),
            )?;
        self.tx.prepare_cached("DELETE FROM record_fts WHERE rowid = ?1")?.execute([rowid])?;
        if let Some(c) = c {
            let fields = domain::fields_for(kind, &c.doc, self)?;
            let folded = domain::search_text(&c.title, &c.doc, &fields);
            self.tx
                .prepare_cached("INSERT INTO record_fts (rowid, folded) VALUES (?1, ?2)")?
                .execute(params![rowid, folded])?;
        }
        self.answer_returned(id, seq)
    }

    fn next_seq(&self) -> Result<i64> {
        Ok(self
            .tx
            .prepare_cached("UPDATE counter SET value = value + 1 WHERE name = 'seq' RETURNING value")?
            .query_row([], |r| r.get(0))?)
    }

    fn counter(&self, name: &str) -> Result<i64> {
        Ok(self.tx.prepare_cached("SELECT value FROM counter WHERE name = ?1")?.query_row([name], |r| r.get(0))?)
    }

    fn set_clock(&self, hlc: Hlc) -> Result<()> {
        self.tx.prepare_cached("UPDATE counter SET value = ?1 WHERE name = 'hlc'")?.execute([hlc.0 as i64])?;
        Ok(())
    }

    fn tick(&self) -> Result<Hlc> {
        let next = Hlc::tick(Hlc(self.counter("hlc")? as u64), self.wall_ms.unwrap_or_else(Hlc::wall_ms));
        self.set_clock(next)?;
        Ok(next)
    }

    /// Appends an audit entry in this transaction for an event about no record (a login, an export…):
    /// `new` is what it says.
    pub(crate) fn audit(&mut self, action: &str, new: Option<&Value>) -> Result<()> {
        audit::append(&self.tx, self.actor, action, Audited { new, ..Audited::default() })
    }

    /// An audit entry for a change of a record, or of an account (no record), from `old` to `new`.
    pub(crate) fn audit_change(&mut self, action: &str, change: Audited<'_>) -> Result<()> {
        audit::append(&self.tx, self.actor, action, change)
    }
}

//! The province store: an SQLCipher database of its own in the province's folder (`province.db`, its
//! keyring `province.db.keys` beside it), aggregating many communes' records keyed by installation.
//! The import rules (signature, chain, replay, rollback, gaps, quarantine) are in
//! `crate::sync::province`; this module only reads and writes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::migrate::{PROVINCE_MIGRATIONS, migrate_with};
use super::{configure, open_encrypted};
use crate::crypto::SigningKey;
use crate::domain::account::{self, Account, NewAccount, Role};
use crate::domain::{Doc, Kind};
use crate::error::{Error, Result};
use crate::keyring::{DataKey, KdfParams, Keyring};

/// The chief's account of a province store made by `phongtrao province init` (and of one made before
/// accounts): `tinh`. A store made from the window names its chief.
pub const PROVINCE_USER: &str = "tinh";

/// The province's identity and keys.
#[derive(Debug, Clone)]
pub struct ProvinceMeta {
    pub province_id: Uuid,
    pub province_code: String,
    pub province: String,
    pub created_at: String,
    pub signing: SigningKey,
    /// `AGE-SECRET-KEY-1…`
    pub age_identity: String,
    /// `age1…`
    pub age_recipient: String,
    /// The epoch of the bundles it sends: 0, then one more at each restore from a backup (its bundles
    /// are told apart by (epoch, number) even if a restore could not keep its numbers).
    pub epoch: i64,
}

/// A registered commune installation and where its chain stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installation {
    pub key_id: String,
    pub public_key: String,
    pub commune_code: String,
    pub registered_at: String,
    pub revoked_at: Option<String>,
    pub installation_id: Option<Uuid>,
    pub epoch: Option<i64>,
    pub last_seq: Option<i64>,
    pub head_hash: Option<String>,
    pub last_bundle_at: Option<String>,
    pub last_import_at: Option<String>,
}

/// A bundle imported before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub hash: String,
    pub key_id: String,
    pub epoch: i64,
    pub seq: i64,
    pub imported_at: String,
    pub summary: serde_json::Value,
    pub installation_id: String,
    pub commune_code: String,
    /// The receipt's JSON payload as first written (`None` for imports before province migration 2).
    pub receipt: Option<String>,
}

const IMPORTED_COLUMNS: &str = "hash, key_id, epoch, seq, imported_at, summary, installation_id, commune_code, receipt";

fn imported_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Imported> {
    Ok(Imported {
        hash: r.get(0)?,
        key_id: r.get(1)?,
        epoch: r.get(2)?,
        seq: r.get(3)?,
        imported_at: r.get(4)?,
        summary: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
        installation_id: r.get(6)?,
        commune_code: r.get(7)?,
        receipt: r.get(8)?,
    })
}

/// A missing range of bundle numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub epoch: i64,
    pub first: i64,
    pub last: i64,
}

/// A record put aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    pub bundle: String,
    pub record_id: String,
    pub kind: String,
    pub reason: String,
    pub at: String,
}

/// A record to put aside (it may not even parse as a change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineRow {
    pub record_id: String,
    pub kind: String,
    pub reason: String,
    #[serde(skip)]
    pub data: Option<String>,
}

/// One record row at the province: (id, kind, data JSON or `None` for a tombstone, hlc, deleted).
pub type RecordRow = (Uuid, String, Option<String>, u64, bool);

/// Where a bundle stands in the chain of one commune key: its epoch and number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainPoint {
    pub key_id: String,
    pub epoch: i64,
    pub seq: i64,
}

/// The stored state of one record of an installation at the province: its clock, and where the
/// bundle that brought it stands in its chain (`None` when that bundle is not known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub hlc: u64,
    pub origin: Uuid,
    pub from: Option<ChainPoint>,
}

impl Stamp {
    /// Whether a state (`hlc`, `origin`) brought by the bundle at `at` replaces this one, as
    /// [`MERGE_RECORD`] decides: within one epoch of one key's chain, the later bundle wins whatever
    /// the clocks say (a bundle carries the laptop's state when it was made: a laptop that keeps a
    /// peer's edit over its own later deletion, until a person decides, sends the edit with its older
    /// clock; a late bundle filling a gap brings nothing older back); otherwise the later clock wins.
    pub fn replaced_by(&self, hlc: u64, origin: Uuid, at: &ChainPoint) -> bool {
        if (self.hlc, self.origin) == (hlc, origin) {
            return false; // the same version, carried again until the commune has the receipt
        }
        match &self.from {
            Some(from) if from.key_id == at.key_id && from.epoch == at.epoch => from.seq < at.seq,
            _ => (self.hlc, self.origin.to_string()) < (hlc, origin.to_string()),
        }
    }
}

/// One record an import writes: its latest state as the bundle carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordWrite<'a> {
    pub id: Uuid,
    pub kind: Kind,
    /// The fields as the bundle's JSON text (checked beforehand); `None` for a deletion.
    pub data: Option<&'a str>,
    pub hlc: u64,
    pub origin: Uuid,
}

/// Ids asked per query when reading stored clocks.
const PAGE: usize = 500;

/// Everything one import writes, decided beforehand by `crate::sync::province`.
pub struct ImportWrite<'a> {
    pub key_id: &'a str,
    pub installation_id: Uuid,
    pub commune_code: &'a str,
    pub hash: &'a str,
    pub epoch: i64,
    pub seq: i64,
    pub bundle_created_at: &'a str,
    pub now: &'a str,
    /// Records that win (new or newer).
    pub apply: Vec<RecordWrite<'a>>,
    /// Records put aside, with the Vietnamese reason.
    pub quarantine: Vec<QuarantineRow>,
    /// Changes to records of approved periods, held for the reviewer ("sửa sau khi duyệt").
    pub held: Vec<super::province_review::HeldRow>,
    /// The reasons of the province's returns the bundle answers (`answers.json`, checked); those
    /// answered before are kept as they were.
    pub answers: &'a [crate::domain::review::Answer],
    /// Whether this bundle becomes the chain's head (false when it fills an old gap).
    pub head: bool,
    /// A new gap found (bundle numbers first..=last never seen).
    pub new_gap: Option<Gap>,
    /// This bundle's number was in a recorded gap: take it out.
    pub fills_gap: Option<Gap>,
    pub summary: serde_json::Value,
    /// The receipt's JSON payload, kept so that it can be written again.
    pub receipt: Option<&'a str>,
}

/// Something the province refused loudly: a key trying to write another installation's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub at: String,
    pub key_id: String,
    pub commune_code: String,
    pub code: String,
    pub message: String,
}

pub struct ProvinceDb {
    pub(super) conn: Connection,
    dir: PathBuf,
    /// The data key, kept while the store is open to wrap it for new accounts and passwords.
    pub(super) key: DataKey,
    /// The logged-in officer.
    pub(super) session: Option<Account>,
}

fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM province_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

const INSTALLATION_COLUMNS: &str = "key_id, public_key, commune_code, registered_at, revoked_at, installation_id, \
    epoch, last_seq, head_hash, last_bundle_at, last_import_at";

fn installation_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Installation> {
    Ok(Installation {
        key_id: r.get(0)?,
        public_key: r.get(1)?,
        commune_code: r.get(2)?,
        registered_at: r.get(3)?,
        revoked_at: r.get(4)?,
        installation_id: r.get::<_, Option<String>>(5)?.and_then(|s| Uuid::parse_str(&s).ok()),
        epoch: r.get(6)?,
        last_seq: r.get(7)?,
        head_hash: r.get(8)?,
        last_bundle_at: r.get(9)?,
        last_import_at: r.get(10)?,
    })
}

/// Takes a record's state into the province's copy of an installation's records, as
/// [`Stamp::replaced_by`] says: another version from a later bundle of the same key and epoch wins,
/// else the later version by the clock (a greater `(hlc, origin)`); the same version or an older one
/// changes nothing. The import, an
/// accepted quarantined record and an accepted change to an approved period all merge through it; the
/// bundle named is already in `bundle_import`. Its parameters: installation, id, commune, kind, data,
/// hlc, origin, deleted, bundle.
pub const MERGE_RECORD: &str =
    "INSERT INTO record (installation_id, id, commune_code, kind, data, hlc, origin, deleted, bundle)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
     ON CONFLICT (installation_id, id) DO UPDATE SET commune_code = excluded.commune_code,
        kind = excluded.kind, data = excluded.data, hlc = excluded.hlc, origin = excluded.origin,
        deleted = excluded.deleted, bundle = excluded.bundle
     WHERE (excluded.hlc, excluded.origin) <> (record.hlc, record.origin) AND coalesce(
        (SELECT CASE WHEN n.key_id = o.key_id AND n.epoch = o.epoch THEN n.seq > o.seq END
         FROM bundle_import AS n, bundle_import AS o WHERE n.hash = excluded.bundle AND o.hash = record.bundle),
        (excluded.hlc, excluded.origin) > (record.hlc, record.origin))";

/// One state of a record, merged by [`merge_record`].
pub(super) struct MergedState<'a> {
    pub installation_id: &'a str,
    pub id: &'a str,
    pub commune_code: &'a str,
    pub kind: &'a str,
    /// `None`: the record was deleted.
    pub data: Option<&'a str>,
    pub hlc: i64,
    pub origin: &'a str,
    pub bundle: &'a str,
}

/// Merges one state of a record as [`MERGE_RECORD`] says.
pub(super) fn merge_record(tx: &rusqlite::Connection, m: &MergedState<'_>) -> Result<()> {
    tx.prepare_cached(MERGE_RECORD)?.execute(params![
        m.installation_id,
        m.id,
        m.commune_code,
        m.kind,
        m.data,
        m.hlc,
        m.origin,
        m.data.is_none(),
        m.bundle
    ])?;
    Ok(())
}

impl ProvinceDb {
    pub fn db_path(dir: &Path) -> PathBuf {
        dir.join("province.db")
    }

    /// Creates the province store in `dir` with its keys. Nothing is left behind on failure.
    pub fn create(
        dir: &Path,
        chief: &NewAccount,
        province_code: &str,
        province: &str,
        kdf: KdfParams,
    ) -> Result<ProvinceDb> {
        let province_code = province_code.trim();
        let province = crate::text::clean(province);
        let mut errors = Vec::new();
        let chief = match account::check(chief) {
            Ok(c) => Some(NewAccount { role: Role::Chief, ..c }),
            Err(Error::Invalid(e)) => {
                errors.extend(e.0);
                None
            }
            Err(e) => return Err(e),
        };
        if !(province_code.len() == 2 && province_code.bytes().all(|b| b.is_ascii_digit())) {
            errors.push(crate::error::FieldError {
                field: "province_code".into(),
                label: "Mã tỉnh".into(),
                message: "phải gồm 2 chữ số (QĐ 19/2025/QĐ-TTg)".into(),
            });
        }
        if province.is_empty() {
            errors.push(crate::error::FieldError {
                field: "province".into(),
                label: "Tên tỉnh, thành phố".into(),
                message: "không được để trống".into(),
            });
        }
        let Some(chief) = chief.filter(|_| errors.is_empty()) else {
            return Err(Error::Invalid(crate::error::Invalid(errors)));
        };
        let path = Self::db_path(dir);
        if path.exists() {
            return Err(Error::Refused(format!(
                "Thư mục {} đã có kho dữ liệu của Công an tỉnh; không tạo đè lên. Hãy chọn thư mục khác.",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let key = DataKey::generate();
        let id = Uuid::now_v7();
        let mut ring = Keyring::new(id);
        ring.set(&chief.username, &chief.password, &key, kdf)?;
        let keys = Keyring::path_for(&path);
        ring.save(&keys)?;
        let made = (|| {
            let mut conn = open_encrypted(&path, &key)?;
            configure(&conn)?;
            migrate_with(&mut conn, PROVINCE_MIGRATIONS)?;
            let signing = SigningKey::generate()?;
            let (age_identity, age_recipient) = crate::crypto::new_age_identity();
            let tx = conn.transaction()?;
            for (k, v) in [
                ("province_id", id.to_string()),
                ("province_code", province_code.to_owned()),
                ("province", province.clone()),
                ("created_at", chrono::Utc::now().to_rfc3339()),
                ("sign_public", signing.public.clone()),
                ("sign_secret", signing.secret.clone()),
                ("age_identity", age_identity),
                ("age_recipient", age_recipient),
                ("out_seq", "0".into()),
            ] {
                tx.execute("INSERT INTO province_meta (key, value) VALUES (?1, ?2)", params![k, v])?;
            }
            super::province_accounts::insert(&tx, &chief, &chief.username)?;
            tx.commit()?;
            let session = super::province_accounts::get(&conn, &chief.username)?;
            Ok(ProvinceDb { conn, dir: dir.to_owned(), key: key.clone(), session })
        })();
        if made.is_err() {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(&keys);
        }
        made
    }

    /// Opens the province store in `dir` as `username`. A wrong password opens nothing and counts
    /// towards the account's lock (5 in a row lock it for 5 minutes), as at the commune; every login
    /// and failure is audited.
    pub fn open(dir: &Path, username: &str, password: &str) -> Result<ProvinceDb> {
        let path = Self::db_path(dir);
        if !path.exists() {
            return Err(Error::Refused(format!(
                "Không có kho dữ liệu của Công an tỉnh trong thư mục {}. Hãy tạo bằng: phongtrao province init --dir THƯ_MỤC --province-code … --province …",
                dir.display()
            )));
        }
        let keys = Keyring::path_for(&path);
        let mut ring = Keyring::load(&keys)?;
        let username = username.trim().to_lowercase();
        let attempt = ring.unlock(&username, password, chrono::Utc::now());
        // The attempt is counted on disk before anything else happens.
        ring.save(&keys)?;
        let key = attempt?;
        let mut conn = open_encrypted(&path, &key)?;
        configure(&conn)?;
        migrate_with(&mut conn, PROVINCE_MIGRATIONS)?;
        let account = super::province_accounts::get(&conn, &username)?.ok_or_else(|| {
            Error::Forbidden(format!("Tài khoản {username} không còn quyền sử dụng kho dữ liệu của Công an tỉnh."))
        })?;
        let failures = ring.take_pending_failures(&username);
        super::province_accounts::login(&mut conn, &username, &failures)?;
        ring.save(&keys)?;
        Ok(ProvinceDb { conn, dir: dir.to_owned(), key, session: Some(account) })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A store on connection `conn` to the same file as `of`, with no officer logged in (a reader).
    pub(super) fn reading(conn: Connection, of: &ProvinceDb) -> ProvinceDb {
        ProvinceDb { conn, dir: of.dir.clone(), key: of.key.clone(), session: None }
    }

    /// Prepares a backup of the province store (`crate::backup::create`): any logged-in account may
    /// take one; the copy is as encrypted as the store and opens with the same accounts' passwords.
    pub fn snapshot(&self) -> Result<super::Snapshot> {
        let m = self.meta()?;
        let out_seq: i64 = meta_get(&self.conn, "out_seq")?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let schema: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let info = super::SnapshotInfo {
            installation_id: m.province_id,
            province_code: m.province_code,
            commune_code: String::new(),
            schema_version: schema,
            sync_epoch: 0,
            last_seq: out_seq,
            province: true,
        };
        Ok(super::Snapshot::of_province(&Self::db_path(&self.dir), &self.key, info))
    }

    /// SQLite's integrity check of the province store ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Records in the province's audit log that this store was restored from a backup (`note` says
    /// which), in the restored copy, before it takes the store's place.
    pub fn audit_restore(&mut self, note: &serde_json::Value) -> Result<()> {
        self.require(crate::domain::account::Role::WRITES, "khôi phục dữ liệu")?;
        let who = self.who();
        let tx = self.conn.transaction()?;
        super::province_console::audit(&tx, &chrono::Utc::now().to_rfc3339(), &who, "restore", None, note)?;
        tx.commit()?;
        Ok(())
    }

    /// Counts of what the province holds: communes' records (live), bundles imported, keys.
    pub fn holdings(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM record WHERE deleted = 0), (SELECT count(*) FROM bundle_import),
                    (SELECT count(*) FROM installation)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    pub fn meta(&self) -> Result<ProvinceMeta> {
        let get = |k: &str| -> Result<String> {
            meta_get(&self.conn, k)?
                .ok_or_else(|| Error::Refused("Kho dữ liệu của Công an tỉnh bị hỏng (thiếu thông tin khóa).".into()))
        };
        Ok(ProvinceMeta {
            province_id: Uuid::parse_str(&get("province_id")?).unwrap_or_default(),
            province_code: get("province_code")?,
            province: get("province")?,
            created_at: get("created_at")?,
            signing: SigningKey { public: get("sign_public")?, secret: get("sign_secret")? },
            age_identity: get("age_identity")?,
            age_recipient: get("age_recipient")?,
            epoch: super::province_restore::epoch(&self.conn)?,
        })
    }

    /// The next number for a bundle the province sends (receipts, reference data, enrollment).
    pub fn next_out_seq(&mut self) -> Result<i64> {
        next_out_seq(&self.conn)
    }

    /// Registers a commune installation's key. The same key for the same commune again changes nothing.
    pub fn register(&mut self, key_id: &str, public_key: &str, commune_code: &str) -> Result<Installation> {
        if let Some(old) = self.installation(key_id)? {
            if old.commune_code != commune_code {
                return Err(Error::Refused(format!(
                    "Khóa {key_id} đã được đăng ký cho xã {}; không đăng ký lại cho xã {commune_code}. Hãy kiểm tra lại tệp khóa với phiếu đăng ký khóa.",
                    old.commune_code
                )));
            }
            if let Some(at) = &old.revoked_at {
                let at = chrono::DateTime::parse_from_rfc3339(at)
                    .map(|t| t.with_timezone(&chrono::Local).format("%H:%M ngày %d/%m/%Y").to_string())
                    .unwrap_or_default();
                return Err(Error::Refused(format!(
                    "Khóa {key_id} đã bị thu hồi lúc {at}; không đăng ký lại được. Máy của xã cần tạo khóa mới \
(phongtrao key rotate) và gửi phiếu đăng ký khóa mới."
                )));
            }
            return Ok(old);
        }
        self.conn.execute(
            "INSERT INTO installation (key_id, public_key, commune_code, registered_at) VALUES (?1, ?2, ?3, ?4)",
            params![key_id, public_key, commune_code, chrono::Utc::now().to_rfc3339()],
        )?;
        self.installation(key_id)?.ok_or(Error::NotInitialized)
    }

    /// Revokes a key: its bundles are refused from now on.
    pub fn revoke(&mut self, key_id: &str) -> Result<Installation> {
        let n = self.conn.execute(
            "UPDATE installation SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at IS NULL",
            params![key_id, chrono::Utc::now().to_rfc3339()],
        )?;
        let inst =
            self.installation(key_id)?.ok_or_else(|| Error::NotFound { kind: "khóa", id: key_id.to_owned() })?;
        if n == 0 && inst.revoked_at.is_none() {
            return Err(Error::NotFound { kind: "khóa", id: key_id.to_owned() });
        }
        Ok(inst)
    }

    pub fn installation(&self, key_id: &str) -> Result<Option<Installation>> {
        let sql = format!("SELECT {INSTALLATION_COLUMNS} FROM installation WHERE key_id = ?1");
        Ok(self.conn.query_row(&sql, [key_id], installation_from_row).optional()?)
    }

    /// The keys that have sent bundles as installation `id` (at most one live, all of one commune).
    pub fn installations_by_id(&self, id: Uuid) -> Result<Vec<Installation>> {
        let sql = format!(
            "SELECT {INSTALLATION_COLUMNS} FROM installation WHERE installation_id = ?1 ORDER BY registered_at"
        );
        super::all_rows(&self.conn, &sql, [id.to_string()], installation_from_row)
    }

    /// The commune the province's rows of installation `id` belong to, if it has any.
    pub fn records_commune(&self, id: Uuid) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT commune_code FROM record WHERE installation_id = ?1 LIMIT 1", [id.to_string()], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Keeps a loud refusal for `status` (its own transaction: the refused bundle changed nothing).
    pub fn record_alert(&mut self, a: &Alert) -> Result<()> {
        self.conn.execute(
            "INSERT INTO alert (at, key_id, commune_code, code, message) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![a.at, a.key_id, a.commune_code, a.code, a.message],
        )?;
        Ok(())
    }

    /// Every alert, oldest first.
    pub fn alerts(&self) -> Result<Vec<Alert>> {
        super::all_rows(
            &self.conn,
            "SELECT at, key_id, commune_code, code, message FROM alert ORDER BY rowid",
            [],
            |r| {
                Ok(Alert {
                    at: r.get(0)?,
                    key_id: r.get(1)?,
                    commune_code: r.get(2)?,
                    code: r.get(3)?,
                    message: r.get(4)?,
                })
            },
        )
    }

    pub fn installations(&self) -> Result<Vec<Installation>> {
        let sql = format!("SELECT {INSTALLATION_COLUMNS} FROM installation ORDER BY commune_code, registered_at");
        super::all_rows(&self.conn, &sql, [], installation_from_row)
    }

    /// Revoked keys with when they were revoked.
    pub fn revoked(&self) -> Result<Vec<(String, String)>> {
        super::all_rows(
            &self.conn,
            "SELECT key_id, revoked_at FROM installation WHERE revoked_at IS NOT NULL ORDER BY key_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    pub fn imported(&self, hash: &str) -> Result<Option<Imported>> {
        let sql = format!("SELECT {IMPORTED_COLUMNS} FROM bundle_import WHERE hash = ?1");
        Ok(self.conn.query_row(&sql, [hash], imported_from_row).optional()?)
    }

    /// The bundles numbered `seq` imported from commune `commune_code` (one per epoch and key).
    pub fn imports_numbered(&self, commune_code: &str, seq: i64) -> Result<Vec<Imported>> {
        let sql = format!(
            "SELECT {IMPORTED_COLUMNS} FROM bundle_import WHERE commune_code = ?1 AND seq = ?2 ORDER BY epoch, imported_at"
        );
        super::all_rows(&self.conn, &sql, params![commune_code, seq], imported_from_row)
    }

    /// The records a bundle put aside: (id, kind, reason).
    pub fn quarantined_in(&self, bundle: &str) -> Result<Vec<(String, String, String)>> {
        super::all_rows(
            &self.conn,
            "SELECT record_id, kind, reason FROM quarantine WHERE bundle = ?1 ORDER BY record_id",
            [bundle],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    pub fn gaps(&self, key_id: &str) -> Result<Vec<Gap>> {
        super::all_rows(
            &self.conn,
            "SELECT epoch, first_missing, last_missing FROM gap WHERE key_id = ?1 ORDER BY epoch, first_missing",
            [key_id],
            |r| Ok(Gap { epoch: r.get(0)?, first: r.get(1)?, last: r.get(2)? }),
        )
    }

    pub fn quarantined(&self, installation_id: Uuid) -> Result<Vec<Quarantined>> {
        super::all_rows(
            &self.conn,
            "SELECT bundle, record_id, kind, reason, at FROM quarantine WHERE installation_id = ?1 ORDER BY at, record_id",
            [installation_id.to_string()],
            |r| {
                Ok(Quarantined {
                    bundle: r.get(0)?,
                    record_id: r.get(1)?,
                    kind: r.get(2)?,
                    reason: r.get(3)?,
                    at: r.get(4)?,
                })
            },
        )
    }

    /// The stored states of records of `installation` (clock, and the bundle's place in its chain),
    /// for the ids asked (a page of ids per query).
    pub fn stamps(&self, installation: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, Stamp>> {
        let inst = installation.to_string();
        let mut out = HashMap::new();
        for page in ids.chunks(PAGE) {
            let marks = vec!["?"; page.len()].join(", ");
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT r.id, r.hlc, r.origin, b.key_id, b.epoch, b.seq
                 FROM record AS r LEFT JOIN bundle_import AS b ON b.hash = r.bundle
                 WHERE r.installation_id = ? AND r.id IN ({marks})"
            ))?;
            let args = std::iter::once(inst.clone()).chain(page.iter().map(Uuid::to_string));
            let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
                let from = match r.get::<_, Option<String>>(3)? {
                    Some(key_id) => Some(ChainPoint { key_id, epoch: r.get(4)?, seq: r.get(5)? }),
                    None => None,
                };
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, from))
            })?;
            for row in rows {
                let (id, hlc, origin, from) = row?;
                let id = Uuid::parse_str(&id).map_err(|e| Error::Json(e.to_string()))?;
                out.insert(id, Stamp { hlc: hlc as u64, origin: Uuid::parse_str(&origin).unwrap_or_default(), from });
            }
        }
        Ok(out)
    }

    /// Whether `installation` has a live record of `kind` with this id (for validating links).
    pub fn live_exists(&self, installation: Uuid, kind: Kind, id: Uuid) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM record WHERE installation_id = ?1 AND id = ?2 AND kind = ?3 AND deleted = 0",
            )?
            .exists(params![installation.to_string(), id.to_string(), kind.code()])?)
    }

    /// A live record of `installation` (for validating links).
    pub fn live(&self, installation: Uuid, kind: Kind, id: Uuid) -> Result<Option<Doc>> {
        let data: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT data FROM record WHERE installation_id = ?1 AND id = ?2 AND kind = ?3 AND deleted = 0",
            )?
            .query_row(params![installation.to_string(), id.to_string(), kind.code()], |r| r.get(0))
            .optional()?;
        data.map(|s| serde_json::from_str(&s).map_err(|e| Error::Json(e.to_string()))).transpose()
    }

    /// Live records by commune and kind.
    pub fn counts(&self) -> Result<Vec<(String, String, i64)>> {
        super::all_rows(
            &self.conn,
            "SELECT commune_code, kind, count(*) FROM record WHERE deleted = 0 GROUP BY commune_code, kind ORDER BY 1, 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Every record row of an installation (id, kind, data, hlc, deleted), for checks and tests.
    pub fn records(&self, installation: Uuid) -> Result<Vec<RecordRow>> {
        super::all_rows(
            &self.conn,
            "SELECT id, kind, data, hlc, deleted FROM record WHERE installation_id = ?1 ORDER BY id",
            [installation.to_string()],
            |r| {
                Ok((
                    Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(),
                    r.get(1)?,
                    r.get(2)?,
                    r.get::<_, i64>(3)? as u64,
                    r.get(4)?,
                ))
            },
        )
    }

    /// Writes one import, all in one transaction.
    /// Returns the number its receipt takes (the province's next outgoing bundle number, taken in the
    /// same transaction: one commit per import).
    pub fn write_import(&mut self, w: &ImportWrite<'_>) -> Result<i64> {
        let tx = self.conn.transaction()?;
        let inst = w.installation_id.to_string();
        // The bundle first: the records' merge reads its place in the chain.
        tx.prepare_cached(
            "INSERT INTO bundle_import (hash, key_id, installation_id, commune_code, epoch, seq, imported_at, summary, receipt, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            w.hash,
            w.key_id,
            inst,
            w.commune_code,
            w.epoch,
            w.seq,
            w.now,
            w.summary.to_string(),
            w.receipt,
            w.bundle_created_at
        ])?;
        {
            // The plan wrote only the states that win (`Stamp::replaced_by`); the merge's WHERE keeps it so.
            let mut put = tx.prepare_cached(MERGE_RECORD)?;
            for c in &w.apply {
                put.execute(params![
                    inst,
                    c.id.to_string(),
                    w.commune_code,
                    c.kind.code(),
                    c.data,
                    c.hlc as i64,
                    c.origin.to_string(),
                    c.data.is_none(),
                    w.hash
                ])?;
            }
            let mut q = tx.prepare_cached(
                "INSERT INTO quarantine (bundle, installation_id, record_id, kind, reason, data, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            )?;
            for r in &w.quarantine {
                q.execute(params![w.hash, inst, r.record_id, r.kind, r.reason, r.data, w.now])?;
            }
            let mut h = tx.prepare_cached(
                "INSERT INTO held_change (bundle, installation_id, commune_code, record_id, kind, period, old_data,
                    new_data, hlc, origin, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING",
            )?;
            let mut a = tx.prepare_cached(
                "INSERT INTO review_answer (commune_code, decision, i, record_id, done_at, bundle, installation_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?;
            for x in w.answers {
                a.execute(params![
                    w.commune_code,
                    x.decision,
                    x.i,
                    x.record_id.map(|id| id.to_string()),
                    x.done_at.to_rfc3339(),
                    w.hash,
                    inst,
                    w.now
                ])?;
            }
            for r in &w.held {
                h.execute(params![
                    w.hash,
                    inst,
                    w.commune_code,
                    r.record_id,
                    r.kind,
                    r.period,
                    r.old_data,
                    r.new_data,
                    r.hlc as i64,
                    r.origin.to_string(),
                    w.now
                ])?;
            }
        }
        if w.head {
            tx.prepare_cached(
                "UPDATE installation SET installation_id = ?2, epoch = ?3, last_seq = ?4, head_hash = ?5,
                    last_bundle_at = ?6, last_import_at = ?7 WHERE key_id = ?1",
            )?
            .execute(params![w.key_id, inst, w.epoch, w.seq, w.hash, w.bundle_created_at, w.now])?;
        } else {
            tx.prepare_cached("UPDATE installation SET installation_id = ?2, last_import_at = ?3 WHERE key_id = ?1")?
                .execute(params![w.key_id, inst, w.now])?;
        }
        if let Some(g) = w.new_gap {
            tx.prepare_cached(
                "INSERT INTO gap (key_id, epoch, first_missing, last_missing, found_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![w.key_id, g.epoch, g.first, g.last, w.now])?;
        }
        if let Some(g) = w.fills_gap {
            let found: String = tx.query_row(
                "DELETE FROM gap WHERE key_id = ?1 AND epoch = ?2 AND first_missing = ?3 RETURNING found_at",
                params![w.key_id, g.epoch, g.first],
                |r| r.get(0),
            )?;
            for (a, b) in [(g.first, w.seq - 1), (w.seq + 1, g.last)] {
                if a <= b {
                    tx.prepare_cached(
                        "INSERT INTO gap (key_id, epoch, first_missing, last_missing, found_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![w.key_id, g.epoch, a, b, found],
                    )?;
                }
            }
        }
        let receipt_seq = next_out_seq(&tx)?;
        tx.commit()?;
        Ok(receipt_seq)
    }
}

/// Takes the province's next outgoing bundle number.
fn next_out_seq(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached(
        "UPDATE province_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'out_seq' RETURNING CAST(value AS INTEGER)",
    )?
    .query_row([], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::{ChainPoint, Stamp};
    use uuid::Uuid;

    #[test]
    fn a_later_bundle_of_the_same_chain_wins_else_the_later_clock() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let at = |key: &str, epoch, seq| ChainPoint { key_id: key.to_owned(), epoch, seq };
        let stored = Stamp { hlc: 100, origin: b, from: Some(at("K", 0, 5)) };
        // The same key and epoch: the chain decides, whatever the clocks.
        assert!(stored.replaced_by(90, a, &at("K", 0, 6)), "a later bundle's older version");
        assert!(!stored.replaced_by(110, a, &at("K", 0, 4)), "an earlier bundle's newer version, late");
        assert!(!stored.replaced_by(100, b, &at("K", 0, 6)), "the same version carried again");
        // Another epoch or another key, or a bundle not known: the clock decides, then the origin.
        for other in [at("K", 1, 1), at("L", 0, 9)] {
            assert!(!stored.replaced_by(90, a, &other));
            assert!(stored.replaced_by(110, a, &other));
            assert!(stored.replaced_by(100, Uuid::from_u128(3), &other), "the same clock: the greater origin");
            assert!(!stored.replaced_by(100, a, &other));
        }
        let unknown = Stamp { from: None, ..stored };
        assert!(!unknown.replaced_by(90, a, &at("K", 0, 6)));
        assert!(unknown.replaced_by(110, a, &at("K", 0, 6)));
    }
}

//! The province's side: its store and keys, registering and revoking commune keys, importing commune
//! bundles (with every check: signature, hashes, key, province, expiry, replay, rollback, chain, gaps,
//! per-record validation) and writing receipts, enrollment and reference-data bundles.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::{Error as _, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use uuid::Uuid;

use super::bundle::{self, BundleKind, Manifest, Opened};
use super::commune::{
    ANSWERS_FILE, Answers, CHANGES_FILE, DECISIONS_FILE, Decisions, ENROLLMENT_FILE, Enrollment, INSPECTIONS_FILE,
    RECEIPT_FILE, REFERENCE_FILE, Receipt, Reference,
};
use crate::crypto::{self, PublicKey};
use crate::domain::account::{NewAccount, Role};
use crate::domain::review::{self, Answer, Decision};
use crate::domain::{self, Doc, FieldCache, Kind, Lookup, RefItem, RefSet};
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::keyring::KdfParams;
use crate::store::province::{
    Alert, ChainPoint, Gap, ImportWrite, Installation, PROVINCE_USER, ProvinceDb, ProvinceMeta, QuarantineRow,
    RecordWrite,
};
use crate::store::province_review::HeldRow;

pub struct Province {
    db: ProvinceDb,
    meta: ProvinceMeta,
    /// [`Province::checked_refs`] as last built, and the fields of the registers worked out from them,
    /// with the mark of the lists sent they were built from.
    refs: std::sync::Mutex<Option<Checking>>,
}

/// What every import checks records against, kept from one import to the next while no other
/// version of the reference lists is sent.
struct Checking {
    mark: (i64, i64),
    refs: CheckedRefs,
    fields: FieldCache,
}

/// The reference lists incoming records are checked against, by list name.
pub type CheckedRefs = HashMap<String, Arc<[RefItem]>>;

/// Counts of one kind in an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Changes to records of an approved period, held for the reviewer ("sửa sau khi duyệt").
    #[serde(default, skip_serializing_if = "is_zero")]
    pub held: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportOptions {
    pub dry_run: bool,
    /// Where the receipt goes (default: `receipts/` in the province folder).
    pub receipt_dir: Option<PathBuf>,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub hash: String,
    pub commune_code: String,
    pub installation_id: Uuid,
    pub key_id: String,
    pub epoch: i64,
    pub seq: i64,
    /// When the commune made the bundle (signed).
    pub created_at: DateTime<Utc>,
    /// By kind code (`deleted` for tombstones).
    pub by_kind: BTreeMap<String, KindCounts>,
    pub quarantined: Vec<QuarantineRow>,
    /// Changes to records of approved periods, held for the reviewer.
    pub held: Vec<HeldRow>,
    /// The reasons of the province's returns the bundle says it answers (`answers.json`), new or not.
    pub answers: Vec<Answer>,
    /// A newer epoch started a new chain (after a restore from a backup at the commune).
    pub new_chain: bool,
    /// Bundle numbers found missing by this import.
    pub gap: Option<Gap>,
    /// This bundle filled a recorded gap.
    pub filled_gap: bool,
    pub receipt: Option<PathBuf>,
    /// The import was committed but its receipt could not be written: why, and how to write it
    /// again (`Province::write_receipt`).
    pub receipt_error: Option<String>,
}

impl ImportReport {
    pub fn total(&self) -> KindCounts {
        self.by_kind.values().fold(KindCounts::default(), |a, c| KindCounts {
            new: a.new + c.new,
            updated: a.updated + c.updated,
            unchanged: a.unchanged + c.unchanged,
            rejected: a.rejected + c.rejected,
            held: a.held + c.held,
        })
    }
}

/// What reading back the province's own bundles found and wrote ([`Province::recover_sent`]).
#[derive(Debug, Clone, Serialize)]
pub struct Recovery {
    /// `.ptb` files looked at.
    pub files: usize,
    /// Of those, bundles this province signed.
    pub read: usize,
    pub kept: crate::store::province_restore::Kept,
}

/// A signed province bundle (a receipt) not yet on the disk: the name it is to have and its bytes.
/// Written on its own ([`Outgoing::write`]) or with the other receipts of a stick
/// (`fsutil::NewFiles`, by `province::intake`).
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl Outgoing {
    /// Writes it as a new file (`fsutil::write_new`: flushed to disk with its folder). Returns the
    /// path written (`name-2.ptb` if the name was taken).
    pub fn write(&self) -> Result<PathBuf> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        crate::fsutil::write_new(&self.path, &self.bytes)
    }
}

/// An import's report with its receipt written (or why it was not).
fn written(mut report: ImportReport, receipt: Option<Outgoing>) -> ImportReport {
    if let Some(out) = receipt {
        match out.write() {
            Ok(path) => report.receipt = Some(path),
            Err(e) => report.receipt_error = Some(receipt_not_written(&report, &e)),
        }
    }
    report
}

/// What the officer reads when an import was committed but its receipt could not be written.
pub fn receipt_not_written(r: &ImportReport, e: &Error) -> String {
    format!(
        "Đã nhập gói số {} của xã {} (dữ liệu đã lưu ở Công an tỉnh), nhưng chưa ghi được biên nhận: {e} \
Hãy ghi lại biên nhận khi USB hoặc thư mục đã sẵn sàng: nhập lại gói này (gói đã nhập không bị nhập hai lần; \
biên nhận còn thiếu trên USB được ghi lại), hoặc phongtrao province --dir … receipt --commune {} --seq {} --epoch {} --out THƯ_MỤC",
        r.seq, r.commune_code, r.commune_code, r.seq, r.epoch
    )
}

/// One registered commune as `province status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneStatus {
    pub installation: Installation,
    pub gaps: Vec<Gap>,
    pub quarantined: usize,
}

/// Refuses a file that does not begin as an age file does (a commune's bundle always is one), before
/// anything else of it is read.
fn encrypted_file(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut head = [0u8; 22];
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]).map_err(|e| Error::io(path, e))? {
            0 => break,
            k => n += k,
        }
    }
    if head[..n].starts_with(bundle::AGE_MAGIC) { Ok(()) } else { Err(unencrypted()) }
}

fn unencrypted() -> Error {
    Error::bundle(
        "bundle_unencrypted",
        "Tệp này không phải gói dữ liệu đã mã hóa của xã (gói của xã luôn được mã hóa). Không nhập gì. \
Hãy chọn đúng tệp .ptb do xã xuất ra.",
    )
}

/// A stored time (RFC 3339) as an officer reads it: `10:25 ngày 06/12/2026`.
pub fn local(t: &str) -> String {
    DateTime::parse_from_rfc3339(t)
        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M ngày %d/%m/%Y").to_string())
        .unwrap_or_else(|_| "(không rõ thời điểm)".to_owned())
}

/// Missing bundle numbers as an officer reads them: `gói số 3` or `các gói số 3 đến 5`.
pub fn gap_text(first: i64, last: i64) -> String {
    if first == last { format!("gói số {first}") } else { format!("các gói số {first} đến {last}") }
}

impl Province {
    /// Creates the province store and keys in `dir`, with the chief's account `tinh`, and writes the
    /// enrollment bundle there (`phongtrao province init`).
    pub fn init(dir: &Path, password: &str, code: &str, name: &str, kdf: KdfParams) -> Result<(Province, PathBuf)> {
        crate::domain::account::check_password(password)?;
        let chief = NewAccount {
            username: PROVINCE_USER.into(),
            full_name: "Công an tỉnh".into(),
            rank: None,
            role: Role::Chief,
            password: password.into(),
        };
        Province::create(dir, code, name, &chief, kdf)
    }

    /// Creates the province store and keys in `dir` with its chief's account (the window's first run),
    /// and writes the enrollment bundle there.
    pub fn create(
        dir: &Path,
        code: &str,
        name: &str,
        chief: &NewAccount,
        kdf: KdfParams,
    ) -> Result<(Province, PathBuf)> {
        let db = ProvinceDb::create(dir, chief, code, name, kdf)?;
        let meta = db.meta()?;
        let mut p = Province { db, meta, refs: Default::default() };
        let path = p.write_enrollment(dir)?;
        Ok((p, path))
    }

    /// Opens the province store as its chief `tinh` (a store made by `province init`).
    pub fn open(dir: &Path, password: &str) -> Result<Province> {
        Province::open_as(dir, PROVINCE_USER, password)
    }

    /// Opens the province store as `username` (lockout and audit as at the commune).
    pub fn open_as(dir: &Path, username: &str, password: &str) -> Result<Province> {
        let db = ProvinceDb::open(dir, username, password)?;
        let meta = db.meta()?;
        Ok(Province { db, meta, refs: Default::default() })
    }

    pub fn meta(&self) -> &ProvinceMeta {
        &self.meta
    }

    pub fn db(&self) -> &ProvinceDb {
        &self.db
    }

    /// The store itself: for the province's console (`crate::province`), and for tests of its own guards.
    pub fn db_mut(&mut self) -> &mut ProvinceDb {
        &mut self.db
    }

    pub fn public_key(&self) -> Result<PublicKey> {
        self.meta.signing.public_key()
    }

    fn province_manifest(
        &mut self,
        kind: BundleKind,
        commune_code: &str,
        now: DateTime<Utc>,
        days: i64,
    ) -> Result<Manifest> {
        let seq = self.db.next_out_seq()?;
        self.numbered_manifest(kind, commune_code, now, days, seq)
    }

    /// As [`Province::province_manifest`], under a number already taken.
    fn numbered_manifest(
        &self,
        kind: BundleKind,
        commune_code: &str,
        now: DateTime<Utc>,
        days: i64,
        seq: i64,
    ) -> Result<Manifest> {
        Ok(Manifest {
            province_code: self.meta.province_code.clone(),
            commune_code: commune_code.to_owned(),
            installation_id: self.meta.province_id,
            key_id: self.public_key()?.key_id(),
            epoch: self.meta.epoch,
            seq,
            ..Manifest::new(kind, now, days)
        })
    }

    /// Signs a province bundle (not encrypted: it holds only public keys, receipts' counts and ids,
    /// reference lists, or decisions) and writes it atomically into `dir`.
    fn write_out(&mut self, m: Manifest, file: &str, payload: &impl Serialize, dir: &Path) -> Result<PathBuf> {
        let json = serde_json::to_vec_pretty(payload).map_err(|e| Error::Json(e.to_string()))?;
        self.write_files(m, vec![(file.to_owned(), json)], dir)
    }

    fn write_files(&mut self, m: Manifest, files: Vec<(String, Vec<u8>)>, dir: &Path) -> Result<PathBuf> {
        self.sign_files(m, files, dir)?.write()
    }

    /// Signs a province bundle to be written into `dir` (nothing is written yet).
    fn sign_files(&self, m: Manifest, files: Vec<(String, Vec<u8>)>, dir: &Path) -> Result<Outgoing> {
        // Named apart from commune bundles (which may lie on the same USB stick).
        let what = match m.kind {
            BundleKind::Receipt => "bien-nhan",
            BundleKind::Reference => "danh-muc",
            BundleKind::Decision => "quyet-dinh",
            _ => "ghi-danh",
        };
        let who = if m.commune_code.is_empty() { "tinh" } else { &m.commune_code };
        let name = format!(
            "{}-{who}-{what}-{:06}-{}.ptb",
            m.province_code,
            m.seq,
            m.created_at.with_timezone(&chrono::Local).format("%Y%m%d")
        );
        let (bytes, _, _) = bundle::write(m, &files, &self.meta.signing, &[])?;
        Ok(Outgoing { path: dir.join(name), bytes })
    }

    /// The decisions on a commune's periods as a decision bundle's payload (`None`: there are none).
    fn decisions_payload(&self, commune_code: &str) -> Result<Option<Vec<u8>>> {
        let decisions: Vec<_> = self.db.review_decisions(Some(commune_code))?.into_iter().map(|d| d.decision).collect();
        if decisions.is_empty() {
            return Ok(None);
        }
        let payload = Decisions { commune_code: commune_code.to_owned(), decisions };
        Ok(Some(serde_json::to_vec_pretty(&payload).map_err(|e| Error::Json(e.to_string()))?))
    }

    /// What the province signed about its inspections of a commune, as `inspections.json` (`None`:
    /// it never inspected it): every inspection with its tasks, every verdict.
    fn inspections_payload(&self, commune_code: &str) -> Result<Option<Vec<u8>>> {
        use crate::domain::inspection::{SIGNED_FORMAT, Signed, SignedInspection, SignedTask, SignedVerdict};
        let sent = self.db.sent_inspections(Some(commune_code))?;
        if sent.is_empty() {
            return Ok(None);
        }
        let payload = Signed {
            format: SIGNED_FORMAT,
            commune_code: commune_code.to_owned(),
            inspections: sent
                .into_iter()
                .map(|i| SignedInspection {
                    id: i.id,
                    fields: i.fields,
                    tasks: i.tasks.into_iter().map(|(id, fields)| SignedTask { id, fields }).collect(),
                })
                .collect(),
            verdicts: self
                .db
                .verdicts(Some(commune_code))?
                .into_iter()
                .map(|v| SignedVerdict { answer_id: v.answer_id, remedy_id: v.remedy_id, fields: v.fields })
                .collect(),
        };
        Ok(Some(serde_json::to_vec_pretty(&payload).map_err(|e| Error::Json(e.to_string()))?))
    }

    /// What goes down to a commune besides a receipt: its decisions and the province's inspections.
    fn province_files(&self, commune_code: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let mut files = Vec::new();
        if let Some(d) = self.decisions_payload(commune_code)? {
            files.push((DECISIONS_FILE.to_owned(), d));
        }
        if let Some(i) = self.inspections_payload(commune_code)? {
            files.push((INSPECTIONS_FILE.to_owned(), i));
        }
        Ok(files)
    }

    /// Reads back what the province sent from its own signed bundles found in `paths` (files, or
    /// folders searched three levels deep: a stick's `bien-nhan/<commune>/`, the province's
    /// `quyet-dinh/`): receipts and decision bundles (every decision on a commune, the inspections,
    /// tasks and verdicts), reference bundles (the lists by version), and every bundle's number. What
    /// the store lacks is written into it (`ProvinceDb::recover_sent`): after a restore whose
    /// replaced store could not be read, the province thus takes back its own word from the copies
    /// the communes keep, and its numbers go on above every one found. A file that is not a bundle
    /// this province signed (a commune's, another province's, a damaged one) is passed over.
    pub fn recover_sent(&mut self, paths: &[PathBuf]) -> Result<Recovery> {
        use crate::store::province_restore::FoundSent;
        self.db.require(Role::WRITES, "lấy lại những gì Công an tỉnh đã gửi")?;
        fn walk(p: &Path, depth: usize, out: &mut Vec<PathBuf>) {
            if p.is_dir() {
                if depth == 0 {
                    return;
                }
                let Ok(entries) = std::fs::read_dir(p) else { return };
                let mut found: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                found.sort();
                for f in found {
                    walk(&f, depth - 1, out);
                }
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("ptb")) {
                out.push(p.to_owned());
            }
        }
        let mut files = Vec::new();
        for p in paths {
            if !p.exists() {
                return Err(Error::io(p, std::io::Error::from(std::io::ErrorKind::NotFound)));
            }
            walk(p, 4, &mut files);
        }
        let key = self.public_key()?;
        let mut found = FoundSent::default();
        let mut read = 0;
        for f in &files {
            let Ok(opened) = bundle::open_file(f, &[]) else { continue };
            if opened.signer_key_id().as_deref() != Some(key.key_id().as_str()) {
                continue;
            }
            let Ok(verified) = opened.verify(&key) else { continue };
            let m = verified.manifest().clone();
            if m.province_code != self.meta.province_code {
                continue;
            }
            read += 1;
            found.max_seq = found.max_seq.max(m.seq);
            let at = m.created_at.to_rfc3339();
            let has = |name: &str| m.files.iter().any(|x| x.path == name);
            if matches!(m.kind, BundleKind::Receipt | BundleKind::Decision) {
                if has(DECISIONS_FILE)
                    && let Ok(d) = serde_json::from_slice::<Decisions>(verified.file(DECISIONS_FILE)?)
                    && d.commune_code == m.commune_code
                {
                    found.decisions.push((d.commune_code, d.decisions));
                }
                if has(INSPECTIONS_FILE)
                    && let Ok(i) =
                        serde_json::from_slice::<crate::domain::inspection::Signed>(verified.file(INSPECTIONS_FILE)?)
                    && i.commune_code == m.commune_code
                {
                    found.inspections.push((i, at.clone()));
                }
            }
            if m.kind == BundleKind::Reference
                && has(REFERENCE_FILE)
                && let Ok(r) = serde_json::from_slice::<Reference>(verified.file(REFERENCE_FILE)?)
                && let Some(set) = r.lists
            {
                let text = serde_json::to_string(&set).map_err(|e| Error::Json(e.to_string()))?;
                found.references.push((set.version, text, at.clone()));
            }
        }
        let kept = self.db.recover_sent(&found)?;
        Ok(Recovery { files: files.len(), read, kept })
    }

    /// Writes the decision bundle of one commune into `dir`: every decision on its periods, numbered
    /// 1…N (the commune applies those it does not have yet), and every inspection of it by the
    /// province with its tasks and verdicts (`inspections.json`). Refused if there is neither.
    pub fn write_decisions(&mut self, commune_code: &str, dir: &Path, now: DateTime<Utc>) -> Result<PathBuf> {
        let files = self.province_files(commune_code)?;
        if files.is_empty() {
            return Err(Error::Refused(format!(
                "Công an tỉnh chưa có quyết định nào về các kỳ báo cáo, cũng chưa kiểm tra xã {commune_code}: không có gì để gửi."
            )));
        }
        let m = self.province_manifest(BundleKind::Decision, commune_code, now, super::LONG_VALID_DAYS)?;
        self.write_files(m, files, dir)
    }

    /// Writes the enrollment bundle (the province's public keys) into `dir`.
    pub fn write_enrollment(&mut self, dir: &Path) -> Result<PathBuf> {
        let e = Enrollment {
            province_id: self.meta.province_id,
            province_code: self.meta.province_code.clone(),
            province: self.meta.province.clone(),
            sign_key: self.meta.signing.public.clone(),
            recipient: self.meta.age_recipient.clone(),
        };
        let m = self.province_manifest(BundleKind::Enrollment, "", Utc::now(), 3650)?;
        self.write_out(m, ENROLLMENT_FILE, &e, dir)
    }

    /// Writes a reference-data bundle: `lists` if given, and every revoked key. The lists are kept,
    /// by version, so that the records the communes send are checked against them ([`Province::checked_refs`]).
    pub fn write_reference(&mut self, lists: Option<RefSet>, dir: &Path, now: DateTime<Utc>) -> Result<PathBuf> {
        let mut keep = None;
        if let Some(set) = &lists {
            // A list of provinces and communes the communes would refuse is not sent.
            crate::units::check_ref_set(set)?;
            let floor = RefSet::builtin().version;
            if set.version <= floor {
                return Err(Error::field(
                    "version",
                    "Phiên bản danh mục",
                    format!(
                        "phải lớn hơn {floor} (phiên bản có sẵn trong phần mềm): các xã bỏ qua phiên bản không mới hơn"
                    ),
                ));
            }
            let text = serde_json::to_string(set).map_err(|e| Error::Json(e.to_string()))?;
            let sent = self.db.references_sent()?;
            match sent.iter().find(|(v, _)| *v == set.version) {
                Some((_, t)) if *t != text => {
                    return Err(Error::field(
                        "version",
                        "Phiên bản danh mục",
                        format!("phiên bản {} đã gửi các xã với nội dung khác; hãy tăng số phiên bản", set.version),
                    ));
                }
                Some(_) => {}
                None => {
                    if let Some((last, _)) = sent.last().filter(|(v, _)| *v > set.version) {
                        return Err(Error::field(
                            "version",
                            "Phiên bản danh mục",
                            format!(
                                "phiên bản {} cũ hơn phiên bản {last} đã gửi; hãy dùng số lớn hơn {last}",
                                set.version
                            ),
                        ));
                    }
                    keep = Some((set.version, text));
                }
            }
        }
        let r = Reference { lists, revoked: self.db.revoked()? };
        let m = self.province_manifest(BundleKind::Reference, "", now, super::VALID_DAYS)?;
        let path = self.write_out(m, REFERENCE_FILE, &r, dir)?;
        if let Some((version, text)) = keep {
            let who = self.db.who();
            self.db.keep_reference(version, &text, &who, &now.to_rfc3339())?;
        }
        Ok(path)
    }

    /// The reference lists incoming records are checked against: those this release ships, with every
    /// list the province sent laid over them. A list sent takes the newest version's items in its
    /// order, then the items only older versions had: an item withdrawn later stays valid for the
    /// records a commune made while it was offered (as the commune's own store keeps it).
    /// Built once, and again only after another version was sent (an import checks every record
    /// against them: building them is parsing every list, as much work as checking a small bundle).
    pub fn checked_refs(&self) -> Result<CheckedRefs> {
        Ok(self.checking()?.1)
    }

    /// The lists' mark, the lists, and the fields worked out from them by earlier imports (the
    /// caller gives them back with [`Province::keep_fields`]).
    fn checking(&self) -> Result<((i64, i64), CheckedRefs, FieldCache)> {
        let mark = self.db.references_mark()?;
        let mut cached = self.refs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = cached.as_mut()
            && c.mark == mark
        {
            return Ok((mark, c.refs.clone(), std::mem::take(&mut c.fields)));
        }
        let refs = self.build_checked_refs()?;
        *cached = Some(Checking { mark, refs: refs.clone(), fields: FieldCache::default() });
        Ok((mark, refs, FieldCache::default()))
    }

    /// Keeps the fields worked out for the lists marked `mark`, for the next import.
    fn keep_fields(&self, mark: (i64, i64), fields: FieldCache) {
        let mut cached = self.refs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = cached.as_mut().filter(|c| c.mark == mark) {
            c.fields = fields;
        }
    }

    fn build_checked_refs(&self) -> Result<CheckedRefs> {
        let mut lists: HashMap<String, Vec<RefItem>> =
            RefSet::builtin().lists.into_iter().map(|l| (l.list, l.items)).collect();
        let mut sent: Vec<RefSet> = Vec::new();
        for (version, text) in self.db.references_sent()? {
            sent.push(
                serde_json::from_str(&text)
                    .map_err(|e| Error::Json(format!("danh mục phiên bản {version} đã gửi: {e}")))?,
            );
        }
        // Newest first: the first version to name a list decides its order and labels.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for set in sent.iter().rev() {
            for l in &set.lists {
                let items = lists.entry(l.list.clone()).or_default();
                if seen.insert(l.list.clone()) {
                    let older = std::mem::take(items);
                    items.extend(l.items.iter().cloned());
                    items.extend(older.into_iter().filter(|o| !l.items.iter().any(|i| i.code == o.code)));
                } else {
                    let missing: Vec<RefItem> =
                        l.items.iter().filter(|i| !items.iter().any(|x| x.code == i.code)).cloned().collect();
                    items.extend(missing);
                }
            }
        }
        Ok(lists.into_iter().map(|(k, v)| (k, Arc::from(v))).collect())
    }

    /// Writes the age identity to `out` (for `age -d -i FILE`).
    pub fn export_identity(&self, out: &Path) -> Result<()> {
        let text = format!(
            "# Khóa giải mã (age) của Công an tỉnh {}: GIỮ BÍ MẬT.\n# public key: {}\n{}\n",
            self.meta.province, self.meta.age_recipient, self.meta.age_identity
        );
        crate::fsutil::write_atomic(out, text.as_bytes())
    }

    /// Registers a commune installation's public key (minisign `.pub` text).
    pub fn register(&mut self, commune_code: &str, pub_text: &str) -> Result<Installation> {
        self.db.require(Role::MANAGES, "đăng ký khóa của xã")?;
        let code = commune_code.trim();
        if !(code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::field("commune_code", "Mã xã", "phải gồm 5 chữ số (QĐ 19/2025/QĐ-TTg)"));
        }
        let key = PublicKey::parse(pub_text)?;
        self.db.register(&key.key_id(), key.text(), code)
    }

    pub fn revoke(&mut self, key_id: &str) -> Result<Installation> {
        self.db.require(Role::MANAGES, "thu hồi khóa của xã")?;
        self.db.revoke(key_id.trim().to_uppercase().as_str())
    }

    /// Revokes a key (chief only) for `reason`, kept in the province's audit log: its bundles are
    /// refused from now on.
    pub fn revoke_because(&mut self, key_id: &str, reason: &str) -> Result<Installation> {
        self.db.require(Role::MANAGES, "thu hồi khóa của xã")?;
        let reason = crate::text::clean(reason);
        if reason.is_empty() {
            return Err(Error::field("reason", "Lý do thu hồi", "không được để trống"));
        }
        let key_id = key_id.trim().to_uppercase();
        let inst =
            self.db.installation(&key_id)?.ok_or_else(|| Error::NotFound { kind: "khóa", id: key_id.clone() })?;
        if inst.revoked_at.is_some() {
            return Err(Error::Refused(format!("Khóa {key_id} đã bị thu hồi trước đây.")));
        }
        let who = self.db.who();
        self.db.revoke_noted(&key_id, &reason, &who, &Utc::now().to_rfc3339())?;
        self.db.installation(&key_id)?.ok_or(Error::NotFound { kind: "khóa", id: key_id })
    }

    pub fn status(&self) -> Result<Vec<CommuneStatus>> {
        self.db
            .installations()?
            .into_iter()
            .map(|i| {
                let gaps = self.db.gaps(&i.key_id)?;
                let quarantined = match i.installation_id {
                    Some(id) => self.db.quarantined(id)?.len(),
                    None => 0,
                };
                Ok(CommuneStatus { installation: i, gaps, quarantined })
            })
            .collect()
    }

    /// Imports a commune's bundle file (see [`Province::import_bytes`]).
    /// The file is refused if too large before anything is read, then streamed: only the manifest
    /// and the signature are read before the signature is checked.
    pub fn import(&mut self, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
        self.import_at(path, opts, Utc::now())
    }

    /// As [`Province::import`] at a given time (the CLI runs a dry run then the import at one time).
    pub fn import_at(&mut self, path: &Path, opts: &ImportOptions, now: DateTime<Utc>) -> Result<ImportReport> {
        let (report, receipt) = self.import_unwritten(path, opts, now)?;
        Ok(written(report, receipt))
    }

    /// As [`Province::import_at`], but the signed receipt is handed back instead of written: the
    /// import is committed (durably) when this returns, and the caller writes the receipt, after it,
    /// with a stick's others (`province::intake`). `report.receipt` is `None`.
    pub fn import_unwritten(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        now: DateTime<Utc>,
    ) -> Result<(ImportReport, Option<Outgoing>)> {
        if !opts.dry_run {
            self.db.require(Role::WRITES, "nhập gói dữ liệu của xã")?;
        }
        encrypted_file(path)?;
        let identity = crypto::parse_age_identity(&self.meta.age_identity)?;
        let opened = bundle::open_file(path, &[identity])?;
        self.import_opened(opened, opts, now)
    }

    /// The manifest of a bundle file as it says, decrypted but NOT yet trusted (the intake lists it
    /// beside the result of a dry run, which checks everything). Nothing of the payload is read.
    pub fn peek(&self, path: &Path) -> Result<bundle::Manifest> {
        let identity = crypto::parse_age_identity(&self.meta.age_identity)?;
        Ok(bundle::open_file(path, &[identity])?.manifest)
    }

    /// Checks a commune's bundle and, unless `dry_run`, applies it in one transaction and writes a
    /// signed receipt. Every refusal leaves the province store unchanged.
    pub fn import_bytes(&mut self, bytes: &[u8], opts: &ImportOptions, now: DateTime<Utc>) -> Result<ImportReport> {
        if !opts.dry_run {
            self.db.require(Role::WRITES, "nhập gói dữ liệu của xã")?;
        }
        if !bytes.starts_with(bundle::AGE_MAGIC) {
            return Err(unencrypted());
        }
        let identity = crypto::parse_age_identity(&self.meta.age_identity)?;
        let opened = bundle::open(bytes, &[identity])?;
        let (report, receipt) = self.import_opened(opened, opts, now)?;
        Ok(written(report, receipt))
    }

    /// The hash a bundle file is known by (of its manifest), decrypted but NOT yet trusted: to find
    /// the import of a bundle found to be a replay.
    pub fn bundle_hash(&self, path: &Path) -> Result<String> {
        let identity = crypto::parse_age_identity(&self.meta.age_identity)?;
        Ok(bundle::open_file(path, &[identity])?.hash())
    }

    fn import_opened(
        &mut self,
        opened: Opened<'_>,
        opts: &ImportOptions,
        now: DateTime<Utc>,
    ) -> Result<(ImportReport, Option<Outgoing>)> {
        let (key_id, inst) = self.signer(&opened.manifest, opened.signer_key_id())?;
        let verified = opened.verify(&PublicKey::parse(&inst.public_key)?)?;
        self.import_verified(key_id, inst, verified, None, opts, now)
    }

    /// A reader of bundle files for another thread ([`Reader::read`]), with the registered keys as
    /// they are now.
    pub fn reader(&self) -> Result<Reader> {
        let identity = crypto::parse_age_identity(&self.meta.age_identity)?;
        let keys = self
            .db
            .installations()?
            .into_iter()
            .filter_map(|i| PublicKey::parse(&i.public_key).ok().map(|k| (i.key_id, (i.public_key, k))))
            .collect();
        Ok(Reader { identity, keys: Arc::new(keys) })
    }

    /// As [`Province::import_unwritten`] for a bundle a [`Reader`] read ahead: the same checks in
    /// the same order, with the same results; what the reader did (decrypting, checking the
    /// signature with the key the bundle names, reading its changes) is not done again, unless the
    /// key registered now is not the one it used.
    pub fn import_read(
        &mut self,
        read: ReadAhead,
        opts: &ImportOptions,
        now: DateTime<Utc>,
    ) -> Result<(ImportReport, Option<Outgoing>)> {
        if !opts.dry_run {
            self.db.require(Role::WRITES, "nhập gói dữ liệu của xã")?;
        }
        let ahead = read.ahead?;
        let (key_id, inst) = self.signer(&ahead.manifest, ahead.key_id)?;
        let (verified, changes) = match ahead.checked {
            Some((key, checked)) if key == inst.public_key => {
                let (verified, changes) = checked?;
                (verified, Some(changes))
            }
            // Read again, with the key registered now.
            _ => {
                let identity = crypto::parse_age_identity(&self.meta.age_identity)?;
                (bundle::open_file(&read.path, &[identity])?.verify(&PublicKey::parse(&inst.public_key)?)?, None)
            }
        };
        self.import_verified(key_id, inst, verified, changes, opts, now)
    }

    /// The installation whose key signed a bundle (`key_id`, as its signature says), known and not
    /// revoked; the bundle is a commune's changes.
    fn signer(&self, m: &Manifest, key_id: Option<String>) -> Result<(String, Installation)> {
        if m.kind != BundleKind::Changes {
            return Err(Error::bundle(
                "bundle_wrong_kind",
                format!(
                    "Tệp này là {}, không phải gói dữ liệu của xã. Không nhập gì. Hãy chọn đúng tệp .ptb do xã xuất ra.",
                    m.kind.label()
                ),
            ));
        }
        let key_id = key_id.ok_or_else(|| bundle::damaged("chữ ký không đọc được"))?;
        let inst = self.db.installation(&key_id)?.ok_or_else(|| {
            Error::bundle(
                "bundle_unknown_key",
                format!(
                    "Gói của xã {} được ký bằng khóa {key_id} chưa được đăng ký ở Công an tỉnh. Không nhập gì. \
Nếu đây là máy mới của xã, hãy đối chiếu khóa với phiếu đăng ký khóa có đóng dấu rồi đăng ký: \
phongtrao province --dir … register --commune-code {} --pubkey TỆP.pub",
                    crate::text::printable(&m.commune_code, 10),
                    crate::text::printable(&m.commune_code, 10)
                ),
            )
        })?;
        if let Some(at) = &inst.revoked_at {
            return Err(Error::bundle(
                "bundle_revoked",
                format!(
                    "Khóa {key_id} của xã {} đã bị thu hồi lúc {}; gói bị từ chối, không nhập gì. \
Máy của xã cần khóa mới: hãy đăng ký khóa mới sau khi đối chiếu phiếu đăng ký khóa.",
                    inst.commune_code,
                    local(at)
                ),
            ));
        }
        Ok((key_id, inst))
    }

    fn import_verified(
        &mut self,
        key_id: String,
        inst: Installation,
        verified: bundle::Verified,
        changes: Option<Result<Vec<Parsed>>>,
        opts: &ImportOptions,
        now: DateTime<Utc>,
    ) -> Result<(ImportReport, Option<Outgoing>)> {
        let m = verified.manifest();
        if m.province_code != self.meta.province_code {
            return Err(Error::bundle(
                "bundle_other_province",
                format!(
                    "Gói này của tỉnh có mã {}, không phải {} ({}). Không nhập gì. Hãy chuyển gói về đúng Công an tỉnh.",
                    m.province_code, self.meta.province, self.meta.province_code
                ),
            ));
        }
        if m.commune_code != inst.commune_code {
            return Err(Error::bundle(
                "bundle_commune",
                format!(
                    "Gói ghi mã xã {} nhưng khóa {key_id} được đăng ký cho xã {}. Không nhập gì. Hãy kiểm tra lại việc đăng ký khóa.",
                    m.commune_code, inst.commune_code
                ),
            ));
        }
        if let Some(f) = m.files.iter().find(|f| f.path != CHANGES_FILE && f.path != ANSWERS_FILE) {
            return Err(Error::bundle(
                "bundle_version",
                format!(
                    "Gói số {} của xã {} có tệp {} mà phiên bản phongtrao này của Công an tỉnh chưa đọc được (xã dùng \
phiên bản mới hơn?). Không nhập gì. Hãy cập nhật phongtrao ở Công an tỉnh rồi nhập lại gói.",
                    m.seq,
                    inst.commune_code,
                    crate::text::printable(&f.path, 60)
                ),
            ));
        }
        self.check_installation(&inst, m, now)?;
        verified.check_time(now)?;
        let hash = verified.hash().to_owned();
        if let Some(first) = self.db.imported(&hash)? {
            return Err(Error::bundle(
                "bundle_replay",
                format!(
                    "Gói số {} của xã {} đã được nhập lúc {}; nhập lại không thay đổi gì. Không cần làm gì thêm.",
                    first.seq,
                    inst.commune_code,
                    local(&first.imported_at)
                ),
            ));
        }
        let chain = self.chain(&inst, m)?;
        // Only now, signature, hashes and chain checked, is the payload read (streamed).
        let changes = match changes {
            Some(read) => read?,
            None => read_changes(verified.file(CHANGES_FILE)?, m)?,
        };
        let answers = match m.files.iter().any(|f| f.path == ANSWERS_FILE) {
            true => self.check_answers(m, verified.file(ANSWERS_FILE)?)?,
            false => Vec::new(),
        };
        let here = ChainPoint { key_id: key_id.clone(), epoch: m.epoch, seq: m.seq };
        let plan = self.plan(m, &here, &changes, now)?;
        let mut report = ImportReport {
            dry_run: opts.dry_run,
            hash: hash.clone(),
            commune_code: m.commune_code.clone(),
            installation_id: m.installation_id,
            key_id: key_id.clone(),
            epoch: m.epoch,
            seq: m.seq,
            created_at: m.created_at,
            by_kind: plan.by_kind,
            quarantined: plan.quarantine.clone(),
            held: plan.held.clone(),
            answers,
            new_chain: chain.new_chain,
            gap: chain.new_gap,
            filled_gap: chain.fills_gap.is_some(),
            receipt: None,
            receipt_error: None,
        };
        if opts.dry_run {
            return Ok((report, None));
        }
        let now_s = now.to_rfc3339();
        let created = m.created_at.to_rfc3339();
        let summary = serde_json::to_value(&report.by_kind).map_err(|e| Error::Json(e.to_string()))?;
        let mut gaps = self.db.gaps(&key_id)?;
        if let Some(g) = chain.fills_gap {
            gaps.retain(|x| x != &g);
            gaps.extend(
                [(g.first, m.seq - 1), (m.seq + 1, g.last)]
                    .into_iter()
                    .filter(|(a, b)| a <= b)
                    .map(|(first, last)| Gap { epoch: g.epoch, first, last }),
            );
        }
        gaps.extend(chain.new_gap);
        gaps.sort_by_key(|g| (g.epoch, g.first));
        let receipt = Receipt {
            installation_id: m.installation_id,
            commune_code: m.commune_code.clone(),
            bundle_hash: hash.clone(),
            bundle_seq: m.seq,
            bundle_epoch: m.epoch,
            changes: m.changes,
            imported_at: now,
            summary: summary.clone(),
            quarantined: report
                .quarantined
                .iter()
                .map(|q| serde_json::json!({"id": q.record_id, "kind": q.kind, "reason": q.reason}))
                .collect(),
            gaps: gaps.iter().filter(|g| g.epoch == m.epoch).map(|g| (g.first, g.last)).collect(),
            held: self.held_notices(&m.installation_id.to_string(), &hash, &report.held)?,
        };
        let receipt_json = serde_json::to_string(&receipt).map_err(|e| Error::Json(e.to_string()))?;
        let receipt_seq = self.db.write_import(&ImportWrite {
            key_id: &key_id,
            installation_id: m.installation_id,
            commune_code: &m.commune_code,
            hash: &hash,
            epoch: m.epoch,
            seq: m.seq,
            bundle_created_at: &created,
            now: &now_s,
            apply: plan
                .apply
                .iter()
                .filter_map(|i| changes[*i].item.as_ref().ok().map(|e| (e, changes[*i].data())))
                .map(|(e, data)| RecordWrite { id: e.id, kind: e.kind, data, hlc: e.hlc.0, origin: e.origin })
                .collect(),
            quarantine: plan.quarantine,
            held: plan.held,
            answers: &report.answers,
            head: chain.head,
            new_gap: chain.new_gap,
            fills_gap: chain.fills_gap,
            summary,
            receipt: Some(&receipt_json),
        })?;
        // Committed (durably: the store's commits are synchronous): from here on, a failure must not
        // say that nothing changed.
        let dir = opts.receipt_dir.clone().unwrap_or_else(|| self.db.dir().join("receipts"));
        let out = match self.sign_receipt(&receipt, now, &dir, Some(receipt_seq)) {
            Ok(out) => Some(out),
            Err(e) => {
                report.receipt_error = Some(receipt_not_written(&report, &e));
                None
            }
        };
        Ok((report, out))
    }

    /// Signs a receipt; it carries the commune's decisions too (`decisions.json`), if it has any.
    /// `seq`: the number the import took for it in its transaction (`None`: take the next one).
    fn sign_receipt(
        &mut self,
        receipt: &Receipt,
        now: DateTime<Utc>,
        dir: &Path,
        seq: Option<i64>,
    ) -> Result<Outgoing> {
        let rm = match seq {
            Some(seq) => {
                self.numbered_manifest(BundleKind::Receipt, &receipt.commune_code, now, super::LONG_VALID_DAYS, seq)?
            }
            None => self.province_manifest(BundleKind::Receipt, &receipt.commune_code, now, super::LONG_VALID_DAYS)?,
        };
        let json = serde_json::to_vec_pretty(receipt).map_err(|e| Error::Json(e.to_string()))?;
        let mut files = vec![(RECEIPT_FILE.to_owned(), json)];
        files.extend(self.province_files(&receipt.commune_code)?);
        self.sign_files(rm, files, dir)
    }

    /// Writes the receipt of an import made before again, newly signed, into `dir`: the bundle
    /// numbered `seq` from commune `commune_code` (in `epoch` when the commune restored a backup and
    /// two bundles have that number).
    pub fn write_receipt(&mut self, commune_code: &str, seq: i64, epoch: Option<i64>, dir: &Path) -> Result<PathBuf> {
        self.receipt_again(commune_code, seq, epoch, dir)?.write()
    }

    /// The receipt [`Province::write_receipt`] writes, signed but not yet written.
    pub fn receipt_again(&mut self, commune_code: &str, seq: i64, epoch: Option<i64>, dir: &Path) -> Result<Outgoing> {
        let all: Vec<_> = self
            .db
            .imports_numbered(commune_code.trim(), seq)?
            .into_iter()
            .filter(|i| epoch.is_none_or(|e| e == i.epoch))
            .collect();
        let one = match all.as_slice() {
            [one] => one,
            [] => {
                return Err(Error::Refused(format!(
                    "Chưa nhập gói số {seq}{} của xã {} nên không có biên nhận để ghi lại. \
Hãy xem các gói đã nhập bằng: phongtrao province --dir … status",
                    epoch.map(|e| format!(" (kỳ {e})")).unwrap_or_default(),
                    crate::text::printable(commune_code, 10)
                )));
            }
            _ => {
                return Err(Error::Refused(format!(
                    "Xã {commune_code} có {} gói cùng số {seq} ở các kỳ đồng bộ {} (xã đã khôi phục từ bản sao lưu). \
Hãy thêm --epoch KỲ để chọn gói.",
                    all.len(),
                    all.iter().map(|i| i.epoch.to_string()).collect::<Vec<_>>().join(", ")
                )));
            }
        };
        let one = one.clone();
        self.receipt_of(&one, dir)
    }

    /// The receipt of the bundle imported as `one`, newly signed, to be written into `dir`.
    pub fn receipt_of(&mut self, one: &crate::store::province::Imported, dir: &Path) -> Result<Outgoing> {
        let mut receipt: Receipt = match &one.receipt {
            Some(json) => serde_json::from_str(json).map_err(|e| Error::Json(e.to_string()))?,
            None => Receipt {
                installation_id: Uuid::parse_str(&one.installation_id).unwrap_or_default(),
                commune_code: one.commune_code.clone(),
                bundle_hash: one.hash.clone(),
                bundle_seq: one.seq,
                bundle_epoch: one.epoch,
                changes: None,
                imported_at: DateTime::parse_from_rfc3339(&one.imported_at)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_else(|_| Utc::now()),
                summary: one.summary.clone(),
                quarantined: self
                    .db
                    .quarantined_in(&one.hash)?
                    .into_iter()
                    .map(|(id, kind, reason)| serde_json::json!({"id": id, "kind": kind, "reason": reason}))
                    .collect(),
                gaps: self
                    .db
                    .gaps(&one.key_id)?
                    .iter()
                    .filter(|g| g.epoch == one.epoch)
                    .map(|g| (g.first, g.last))
                    .collect(),
                held: Vec::new(),
            },
        };
        // What the reviewer decided since on this laptop's held changes goes down with it.
        receipt.held = self.held_notices(&one.installation_id, &one.hash, &[])?;
        self.sign_receipt(&receipt, Utc::now(), dir, None)
    }

    /// What a receipt says of an installation's changes held for the reviewer ("sửa sau khi duyệt"):
    /// those of the bundle `hash` being imported (`new`), then every one held before with the
    /// reviewer's decision, if any (docs/SYNC.md). The commune shows them to its officers.
    fn held_notices(&self, installation: &str, hash: &str, new: &[HeldRow]) -> Result<Vec<Value>> {
        let row = |bundle: &str, h: &HeldRow| serde_json::json!({"id": h.record_id, "kind": h.kind, "period": h.period, "bundle": bundle});
        let mut out: Vec<Value> = new.iter().map(|h| row(hash, h)).collect();
        for e in self.db.held_changes()?.into_iter().filter(|e| e.installation_id == installation) {
            if e.bundle == hash && new.iter().any(|h| h.record_id == e.row.record_id) {
                continue;
            }
            let mut v = row(&e.bundle, &e.row);
            v["decision"] = serde_json::json!(e.decision);
            v["note"] = serde_json::json!(e.note);
            v["decided_at"] = serde_json::json!(e.decided_at);
            out.push(v);
        }
        out.truncate(MAX_HELD_IN_RECEIPT);
        Ok(out)
    }

    /// An installation id is bound to one commune and one live key for ever: a key sends as the
    /// installation it first sent as, and may take over an installation id only from a revoked key of
    /// its own commune (a key rotation). Every attempt to break that is refused and kept as an alert.
    fn check_installation(&mut self, inst: &Installation, m: &Manifest, now: DateTime<Utc>) -> Result<()> {
        let claimed = m.installation_id;
        let refusal = if inst.installation_id.is_some_and(|id| id != claimed) {
            Some(Error::bundle(
                "bundle_installation",
                format!(
                    "Gói được ký bằng khóa {} của xã {} nhưng ghi một mã cài đặt khác với các gói trước của cùng khóa này: \
có thể khóa của xã đã bị lấy cắp và dùng trên máy khác. Không nhập gì. Hãy liên hệ xã {} để kiểm tra máy; \
nếu khóa bị lộ, hãy thu hồi khóa (province revoke --key-id {}).",
                    inst.key_id, inst.commune_code, inst.commune_code, inst.key_id
                ),
            ))
        } else if inst.installation_id.is_none() {
            let others = self.db.installations_by_id(claimed)?;
            let rows_of = self.db.records_commune(claimed)?;
            if let Some(owner) =
                others.iter().map(|o| o.commune_code.clone()).chain(rows_of).find(|c| c != &inst.commune_code)
            {
                Some(Error::bundle(
                    "bundle_installation_taken",
                    format!(
                        "CẢNH BÁO: gói được ký bằng khóa {} của xã {} nhưng ghi mã cài đặt của một máy thuộc xã {owner}: \
nếu nhập, dữ liệu của xã {owner} sẽ bị ghi đè. Không nhập gì, dữ liệu của cả hai xã không bị thay đổi. \
Hãy liên hệ xã {} để kiểm tra máy và khóa; nếu khóa bị lộ, hãy thu hồi (province revoke --key-id {}).",
                        inst.key_id, inst.commune_code, inst.commune_code, inst.key_id
                    ),
                ))
            } else {
                others.iter().find(|o| o.key_id != inst.key_id && o.revoked_at.is_none()).map(|live| {
                    Error::bundle(
                    "bundle_installation_taken",
                    format!(
                        "Gói được ký bằng khóa mới {} của xã {} mang mã cài đặt của một máy đang dùng khóa {} chưa bị thu hồi. Không nhập gì. \
Nếu xã đã đổi khóa (phiếu đăng ký khóa mới ghi khóa cũ được thay), hãy thu hồi khóa cũ \
(province revoke --key-id {}) rồi nhập lại gói; nếu không, có thể có người dùng khóa lạ: hãy liên hệ xã.",
                        inst.key_id, inst.commune_code, live.key_id, live.key_id
                    ),
                    )
                })
            }
        } else {
            None
        };
        match refusal {
            None => Ok(()),
            Some(e) => {
                self.db.record_alert(&Alert {
                    at: now.to_rfc3339(),
                    key_id: inst.key_id.clone(),
                    commune_code: inst.commune_code.clone(),
                    code: e.code().to_owned(),
                    message: e.to_string(),
                })?;
                Err(e)
            }
        }
    }

    /// What the province refused loudly, oldest first.
    pub fn alerts(&self) -> Result<Vec<Alert>> {
        self.db.alerts()
    }

    /// Where this bundle stands in its installation's chain; refuses a rollback or a broken link.
    fn chain(&self, inst: &Installation, m: &Manifest) -> Result<Chain> {
        let fresh = Chain { head: true, new_chain: false, new_gap: None, fills_gap: None };
        let (Some(epoch), Some(last)) = (inst.epoch, inst.last_seq) else {
            // The first bundle from this key. After a key rotation the installation's numbering
            // goes on from the bundles its revoked key sent in the same epoch.
            let before = self
                .db
                .installations_by_id(m.installation_id)?
                .into_iter()
                .filter(|o| o.key_id != inst.key_id && o.epoch == Some(m.epoch))
                .filter_map(|o| o.last_seq)
                .max()
                .unwrap_or(0);
            let new_gap = (m.seq > before + 1).then_some(Gap { epoch: m.epoch, first: before + 1, last: m.seq - 1 });
            return Ok(Chain { new_gap, ..fresh });
        };
        let rollback = |why: String| {
            Error::bundle(
                "bundle_rollback",
                format!(
                    "{why} Không nhập gì: có thể là gói cũ bị chép lại, hoặc dữ liệu của xã bị quay lui. \
Hãy yêu cầu xã {} xuất gói mới.",
                    inst.commune_code
                ),
            )
        };
        if m.epoch < epoch {
            return Err(rollback(format!(
                "Gói số {} thuộc kỳ đồng bộ {}, cũ hơn kỳ {} của các gói đã nhập từ máy này.",
                m.seq, m.epoch, epoch
            )));
        }
        if m.epoch > epoch {
            // A restore from a backup at the commune started a new epoch: a new chain.
            return Ok(Chain { new_chain: true, ..fresh });
        }
        if m.seq == last + 1 {
            if m.prev_hash.as_deref() != inst.head_hash.as_deref() {
                return Err(Error::bundle(
                    "bundle_chain",
                    format!(
                        "Gói số {} không nối tiếp gói số {last} đã nhập từ máy này (mã băm gói trước không khớp): \
có thể có hai máy dùng chung một khóa, hoặc gói bị làm giả. Không nhập gì. Hãy liên hệ xã {} để kiểm tra.",
                        m.seq, inst.commune_code
                    ),
                ));
            }
            return Ok(fresh);
        }
        if m.seq > last + 1 {
            return Ok(Chain { new_gap: Some(Gap { epoch, first: last + 1, last: m.seq - 1 }), ..fresh });
        }
        if let Some(g) =
            self.db.gaps(&inst.key_id)?.into_iter().find(|g| g.epoch == m.epoch && g.first <= m.seq && m.seq <= g.last)
        {
            return Ok(Chain { head: false, fills_gap: Some(g), ..fresh });
        }
        if m.seq == last {
            return Err(Error::bundle(
                "bundle_chain",
                format!(
                    "Đã nhập một gói số {} khác (mã băm khác) từ máy này: có thể có hai máy dùng chung một khóa, hoặc gói bị làm giả. \
Không nhập gì. Hãy liên hệ xã {} để kiểm tra máy và khóa.",
                    m.seq, inst.commune_code
                ),
            ));
        }
        Err(rollback(format!("Gói số {} cũ hơn gói số {last} đã nhập từ máy này.", m.seq)))
    }

    /// Reads and checks a bundle's `answers.json` (docs/SYNC.md): at most [`MAX_ANSWERS_BYTES`], for the
    /// bundle's commune, every answer naming a reason of one of the province's returns on that
    /// commune, with the record that reason names. Anything else refuses the whole bundle: a commune's
    /// phongtrao never writes it.
    fn check_answers(&self, m: &Manifest, data: &[u8]) -> Result<Vec<Answer>> {
        let refuse = |why: String| {
            Error::bundle(
                "bundle_answers",
                format!(
                    "Gói số {} của xã {} có phần trả lời các lý do trả lại (answers.json) không đúng: {why}. \
phongtrao của xã không tạo ra tệp như vậy; gói có thể bị sửa, hoặc gói ghi nhầm xã. Không nhập gì. \
Hãy liên hệ xã {} để kiểm tra máy và xuất lại gói.",
                    m.seq,
                    crate::text::printable(&m.commune_code, 10),
                    crate::text::printable(&m.commune_code, 10)
                ),
            )
        };
        if data.len() > MAX_ANSWERS_BYTES {
            return Err(refuse(format!("tệp dài {} byte, quá giới hạn {MAX_ANSWERS_BYTES}", data.len())));
        }
        let a: Answers = serde_json::from_slice(data)
            .map_err(|e| refuse(format!("không đọc được ({})", crate::text::printable(&e.to_string(), 120))))?;
        if a.commune_code != m.commune_code {
            return Err(refuse(format!(
                "tệp ghi xã có mã {}, không phải xã {} của gói",
                crate::text::printable(&a.commune_code, 10),
                m.commune_code
            )));
        }
        let decisions: Vec<Decision> =
            self.db.review_decisions(Some(&m.commune_code))?.into_iter().map(|d| d.decision).collect();
        if a.decisions_applied < 0 || a.decisions_applied > decisions.len() as i64 {
            return Err(refuse(format!(
                "tệp nói máy của xã đã nhận đến quyết định số {}, nhưng Công an tỉnh mới có {} quyết định về xã này",
                a.decisions_applied,
                decisions.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for x in &a.answers {
            let Some(d) = decisions.iter().find(|d| d.n == x.decision) else {
                return Err(refuse(format!("trả lời quyết định số {} mà Công an tỉnh không có về xã này", x.decision)));
            };
            if x.decision > a.decisions_applied || !d.items().contains(&x.i) {
                return Err(refuse(format!(
                    "trả lời lý do số {} của quyết định số {} ({} kỳ {}) mà quyết định không có",
                    x.i + 1,
                    d.n,
                    d.action.label(),
                    d.label
                )));
            }
            if x.record_id != d.item_record(x.i) {
                return Err(refuse(format!(
                    "lý do số {} của quyết định số {} nêu bản ghi khác với bản ghi trong tệp",
                    x.i + 1,
                    d.n
                )));
            }
            if !seen.insert((x.decision, x.i)) {
                return Err(refuse(format!("lý do số {} của quyết định số {} được trả lời hai lần", x.i + 1, d.n)));
            }
        }
        Ok(a.answers)
    }

    /// Sorts the changes: which win, which are unchanged, which are put aside. `here`: the bundle's
    /// place in its key's chain (a later bundle's state wins over the earlier ones', [`crate::store::province::Stamp::replaced_by`]).
    fn plan(&self, m: &Manifest, here: &ChainPoint, changes: &[Parsed], now: DateTime<Utc>) -> Result<Plan> {
        let installation = m.installation_id;
        let ids: Vec<Uuid> = changes.iter().filter_map(|p| p.item.as_ref().ok().map(|e| e.id)).collect();
        let stamps = self.db.stamps(installation, &ids)?;
        let batch: HashMap<Uuid, (Kind, Option<&str>)> =
            changes.iter().filter_map(|p| p.item.as_ref().ok().map(|e| (e.id, (e.kind, p.data())))).collect();
        let (mark, refs, mut fields) = self.checking()?;
        // "Not after today" is judged with the same day of grace as the clocks: the commune's laptop
        // may run ahead of the province's by a few hours.
        let grace = now + chrono::Duration::days(1);
        let today = grace.with_timezone(&chrono::Local).date_naive();
        let lookup = ProvinceLookup { db: &self.db, installation, batch, parsed: Default::default(), refs, today };
        let horizon = Hlc::from_parts(grace.timestamp_millis().max(0) as u64, 0);
        let mut plan = Plan::default();
        let mut by_kind: BTreeMap<&str, KindCounts> = BTreeMap::new();
        let mut seen: HashMap<Uuid, usize> = HashMap::new();
        // The commune's approved periods: a change into one is held, not applied.
        let all: Vec<Decision> =
            self.db.review_decisions(Some(&m.commune_code))?.into_iter().map(|d| d.decision).collect();
        let locks = review::locks(&all);
        for (i, p) in changes.iter().enumerate() {
            let c = match &p.item {
                Ok(c) => c,
                Err(bad) => {
                    by_kind.entry(&bad.kind).or_default().rejected += 1;
                    plan.quarantine.push(QuarantineRow {
                        record_id: bad.id.clone(),
                        kind: bad.kind.clone(),
                        reason: bad.error.clone(),
                        data: p.kept(),
                    });
                    continue;
                }
            };
            let counts = by_kind.entry(if p.data().is_some() { c.kind.code() } else { "deleted" }).or_default();
            let reason = if c.hlc > horizon {
                Some("đồng hồ của bản ghi ở tương lai (máy của xã chỉnh sai ngày giờ?)".to_owned())
            } else if let Some(text) = p.data() {
                // Each record's fields are parsed here, once, checked, and let go (or were parsed by
                // the reader, for a small bundle).
                let read;
                let parsed = match &p.fields {
                    Some(f) => f,
                    None => {
                        read = Fields::read(text);
                        &read
                    }
                };
                match &parsed.doc {
                    Err(why) => Some(format!("{NOT_A_CHANGE}: {why}")),
                    Ok(doc) => match &parsed.unclean {
                        Some(why) => Some(why.clone()),
                        None => {
                            let fields = fields.fields_for(c.kind, doc, &lookup)?;
                            let outcome = domain::check_record(c.kind, c.id, doc, true, fields, &lookup)?;
                            if !outcome.errors.is_empty() {
                                Some(outcome.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))
                            } else if c.kind != Kind::Cert && *outcome.doc != *doc {
                                // The commune stores every value cleaned (trimmed, NFC, no control
                                // character): a value that cleaning changes was never typed there.
                                let label = |k: &str| {
                                    fields
                                        .iter()
                                        .find(|f| f.key == k)
                                        .map_or_else(|| k.to_owned(), |f| f.label.to_owned())
                                };
                                let changed: Vec<String> = doc
                                    .iter()
                                    .filter(|(k, v)| outcome.doc.get(k.as_str()) != Some(v))
                                    .map(|(k, _)| format!("«{}»", label(k)))
                                    .collect();
                                Some(format!(
                                    "giá trị của {} không ở dạng máy của xã lưu (khoảng trắng thừa, ký tự lạ hoặc chưa chuẩn hóa)",
                                    changed.join(", ")
                                ))
                            } else {
                                None
                            }
                        }
                    },
                }
            } else if lookup.signed(c.id)?.is_some() {
                // Only the province changes what it signed: its inspection, its task, an answer it judged.
                Some("bản ghi do Công an tỉnh lập hoặc đã đánh giá (cuộc kiểm tra, nhiệm vụ khắc phục, báo cáo đã có kết quả đánh giá): xã không xóa được".to_owned())
            } else {
                None
            };
            if let Some(reason) = reason {
                counts.rejected += 1;
                plan.quarantine.push(QuarantineRow {
                    record_id: c.id.to_string(),
                    kind: c.kind.code().to_owned(),
                    reason: crate::text::printable(&reason, MAX_REASON_CHARS),
                    data: p.kept(),
                });
                continue;
            }
            let newer = stamps.get(&c.id).is_none_or(|s| s.replaced_by(c.hlc.0, c.origin, here));
            if newer && !locks.is_empty() && crate::period::is_dated(c.kind) {
                let old = self.db.live(installation, c.kind, c.id)?;
                let new = p.data().and_then(|t| parse_fields(t).ok());
                if let Some(lock) =
                    locks.iter().find(|l| crate::period::touches(c.kind, old.as_ref(), new.as_ref(), &l.window()))
                {
                    let row = HeldRow {
                        record_id: c.id.to_string(),
                        kind: c.kind.code().to_owned(),
                        period: lock.period.to_string(),
                        old_data: old.map(|d| Value::Object(d).to_string()),
                        new_data: p.data().map(str::to_owned),
                        hlc: c.hlc.0,
                        origin: c.origin,
                    };
                    // A record the bundle carries twice is held once, as its latest version.
                    match plan.held.iter_mut().find(|h| h.record_id == row.record_id) {
                        Some(h) if (h.hlc, h.origin) < (row.hlc, row.origin) => *h = row,
                        Some(_) => {}
                        None => {
                            counts.held += 1;
                            plan.held.push(row);
                        }
                    }
                    continue;
                }
            }
            match stamps.get(&c.id) {
                Some(_) if !newer => {
                    counts.unchanged += 1;
                }
                Some(_) => {
                    counts.updated += 1;
                    push_latest(&mut plan.apply, &mut seen, changes, i);
                }
                None => {
                    counts.new += 1;
                    push_latest(&mut plan.apply, &mut seen, changes, i);
                }
            }
        }
        self.keep_fields(mark, fields);
        if plan.quarantine.len() > MAX_QUARANTINED {
            return Err(too_many_bad(plan.quarantine.len()));
        }
        plan.by_kind = by_kind.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        Ok(plan)
    }
}

/// At most this many held changes are listed in a receipt (the undecided first).
const MAX_HELD_IN_RECEIPT: usize = 1_000;

/// The longest `answers.json` (a return has at most a few hundred reasons).
pub const MAX_ANSWERS_BYTES: usize = 1 << 20;

/// At most this many records of one bundle are put aside; a bundle with more is refused whole (a
/// commune's laptop never makes so many records its own checks would refuse).
pub const MAX_QUARANTINED: usize = 1_000;
/// Of a quarantined line, at most this many bytes are kept (enough to see what it was).
pub const MAX_KEPT_BYTES: usize = 4 << 10;
/// A quarantine reason is cut to this many characters.
const MAX_REASON_CHARS: usize = 500;

/// Reads commune bundle files on another thread while the province imports the one before
/// ([`Province::import_read`]; `province::intake` does so for a stick): it opens and decrypts a
/// file, checks its signature and hashes with the registered key the signature names, and reads its
/// changes. Everything that asks the store (the key still registered and not revoked, replay, chain,
/// each record against what is stored) is left to the import, in its usual order.
#[derive(Clone)]
pub struct Reader {
    identity: age::x25519::Identity,
    /// Registered keys by key id: the `.pub` text as stored, and the key.
    keys: Arc<HashMap<String, (String, PublicKey)>>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").field("keys", &self.keys.len()).finish_non_exhaustive()
    }
}

/// A bundle file as a [`Reader`] left it for the import.
pub struct ReadAhead {
    path: PathBuf,
    ahead: Result<Ahead>,
}

struct Ahead {
    /// The manifest as the file says (not yet trusted).
    manifest: Manifest,
    key_id: Option<String>,
    /// With which registered key (its `.pub` text) the signature and hashes were checked, and what
    /// came of it: the bundle checked and its changes read (the changes' own result, which the
    /// import reports only after its other checks); `None` when the key is not registered.
    checked: Option<(String, Result<Checked>)>,
}

/// A bundle whose signature and hashes were checked, and what reading its changes gave.
type Checked = (bundle::Verified, Result<Vec<Parsed>>);

impl Reader {
    /// Opens, decrypts and checks `path` as an import would, without the store.
    pub fn read(&self, path: &Path) -> ReadAhead {
        ReadAhead { path: path.to_owned(), ahead: self.ahead(path) }
    }

    fn ahead(&self, path: &Path) -> Result<Ahead> {
        encrypted_file(path)?;
        let opened = bundle::open_file(path, std::slice::from_ref(&self.identity))?;
        let manifest = opened.manifest.clone();
        let key_id = opened.signer_key_id();
        let checked = match key_id.as_ref().and_then(|k| self.keys.get(k)) {
            Some((text, key)) if manifest.kind == BundleKind::Changes => {
                let checked = opened.verify(key).map(|v| {
                    let changes = v.file(CHANGES_FILE).and_then(|payload| {
                        let mut changes = read_changes(payload, v.manifest())?;
                        if payload.len() <= FIELDS_AHEAD_BYTES {
                            for p in &mut changes {
                                p.fields = p.data().map(Fields::read);
                            }
                        }
                        Ok(changes)
                    });
                    (v, changes)
                });
                Some((text.clone(), checked))
            }
            _ => None,
        };
        Ok(Ahead { manifest, key_id, checked })
    }
}

fn too_many_bad(n: usize) -> Error {
    Error::bundle(
        "bundle_too_many_bad",
        format!(
            "Gói có hơn {} bản ghi không hợp lệ (đã thấy {}): máy của xã không thể tạo ra gói như vậy, có thể gói bị làm giả \
hoặc phần mềm của xã bị lỗi. Không nhập gì, dữ liệu không bị thay đổi. Hãy liên hệ xã để kiểm tra máy và phiên bản phongtrao, \
rồi yêu cầu xuất lại gói.",
            crate::text::format_int(MAX_QUARANTINED as i64),
            crate::text::format_int(n as i64)
        ),
    )
}

/// A string anywhere in a record's fields with a control character (other than a line break) or an
/// invisible direction mark: the commune never stores one.
pub(crate) fn unclean(doc: &Doc) -> Option<String> {
    fn bad_text(s: &str) -> bool {
        // Printable ASCII (most of a record) is clean at a glance; other text is read by character.
        !s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\n')
            && s.chars().any(|c| {
                (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            })
    }
    fn bad(v: &Value) -> bool {
        match v {
            Value::String(s) => bad_text(s),
            Value::Array(a) => a.iter().any(bad),
            Value::Object(o) => o.iter().any(|(k, v)| bad_text(k) || bad(v)),
            _ => false,
        }
    }
    let keys: Vec<String> =
        doc.iter().filter(|(k, v)| bad_text(k) || bad(v)).map(|(k, _)| crate::text::printable(k, 40)).collect();
    (!keys.is_empty()).then(|| {
        format!(
            "trường {} có ký tự điều khiển (máy của xã không bao giờ lưu ký tự như vậy)",
            keys.iter().map(|k| format!("«{k}»")).collect::<Vec<_>>().join(", ")
        )
    })
}

/// Keeps, per record id, only the latest change of the bundle (a bundle normally has one per record).
fn push_latest(apply: &mut Vec<usize>, seen: &mut HashMap<Uuid, usize>, changes: &[Parsed], i: usize) {
    let stamp = |i: usize| changes[i].item.as_ref().ok().map(|c| (c.hlc, c.origin));
    let id = changes[i].item.as_ref().map(|c| c.id).unwrap_or_default();
    match seen.get(&id) {
        Some(&slot) => {
            if stamp(i) > stamp(apply[slot]) {
                apply[slot] = i;
            }
        }
        None => {
            seen.insert(id, apply.len());
            apply.push(i);
        }
    }
}

struct Chain {
    head: bool,
    new_chain: bool,
    new_gap: Option<Gap>,
    fills_gap: Option<Gap>,
}

#[derive(Default)]
struct Plan {
    apply: Vec<usize>,
    quarantine: Vec<QuarantineRow>,
    held: Vec<HeldRow>,
    by_kind: BTreeMap<String, KindCounts>,
}

/// One line of the payload: a change, or why it is not one.
struct Parsed {
    /// The line as it came (a good line whole: its fields are a part of it; a bad one cut to
    /// [`MAX_KEPT_BYTES`]).
    line: String,
    item: std::result::Result<Entry, Bad>,
    /// The record's fields parsed and their text looked at ([`Fields::read`]) ahead of the import,
    /// by a [`Reader`] for a small bundle; `None`: when the record is checked.
    fields: Option<Fields>,
}

/// A record's fields read from its line: parsed (or why not), and what [`unclean`] found in them.
struct Fields {
    doc: std::result::Result<Doc, String>,
    unclean: Option<String>,
}

impl Fields {
    fn read(text: &str) -> Fields {
        let doc = parse_fields(text);
        let unclean = doc.as_ref().ok().and_then(unclean);
        Fields { doc, unclean }
    }
}

/// A bundle whose changes are at most this long has its records' fields parsed by the [`Reader`]
/// ahead of the import (kept until its import ends: a few times the text in memory, for at most
/// three bundles at once); a longer one's are parsed one by one as they are checked, and let go.
const FIELDS_AHEAD_BYTES: usize = 2 << 20;

impl Parsed {
    /// The record's fields as the line's own JSON text (`None` for a deletion or a bad line).
    fn data(&self) -> Option<&str> {
        self.item.as_ref().ok()?.data.clone().map(|r| &self.line[r])
    }

    /// What a quarantined record keeps of its line.
    fn kept(&self) -> Option<String> {
        Some(cut(&self.line, MAX_KEPT_BYTES).to_owned())
    }
}

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A change as read from its line, parsed once.
struct Entry {
    id: Uuid,
    kind: Kind,
    hlc: Hlc,
    origin: Uuid,
    /// Where the record's fields are in the line (`None` for a deletion): parsed when the record is
    /// checked, and stored as they are if the record is imported.
    data: Option<std::ops::Range<usize>>,
}

/// A line that is not a change: what can be told of it, and why.
struct Bad {
    id: String,
    kind: String,
    error: String,
}

/// A line of `changes.jsonl` (see docs/SYNC.md); `data` is kept as its text and parsed on its own.
#[derive(Deserialize)]
struct Line<'a> {
    id: Uuid,
    kind: Kind,
    hlc: Hlc,
    origin: Uuid,
    #[serde(rename = "seq")]
    _seq: i64,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

const NOT_A_CHANGE: &str = "bản ghi không đúng cấu trúc (loại bản ghi lạ, thiếu mã, đồng hồ hay nguồn)";

fn counts_mismatch(what: String) -> Error {
    Error::bundle(
        "bundle_counts",
        format!(
            "Số bản ghi trong gói không khớp với bản kê đã ký ({what}): gói không do phongtrao của xã tạo ra, \
hoặc máy của xã bị lỗi khi xuất. Không nhập gì, dữ liệu không bị thay đổi. Hãy yêu cầu xã xuất lại gói; \
nếu vẫn lỗi, hãy liên hệ để kiểm tra máy của xã."
        ),
    )
}

/// Streams the payload's lines: never more than one line held beyond those kept, never more lines
/// than the signed manifest counts (itself bounded), and per kind as many as it says.
fn read_changes(payload: &[u8], m: &Manifest) -> Result<Vec<Parsed>> {
    let expected: u64 = m.counts.values().fold(0u64, |a, n| a.saturating_add(*n));
    if expected > MAX_RECORDS {
        return Err(bundle::too_large(&format!(
            "bản kê ghi {} bản ghi, quá {} bản ghi một gói",
            crate::text::format_int(expected.min(i64::MAX as u64) as i64),
            crate::text::format_int(MAX_RECORDS as i64)
        )));
    }
    let mut out = Vec::with_capacity(expected.min(100_000) as usize);
    let mut bad = 0usize;
    let mut by_kind: BTreeMap<&str, u64> = BTreeMap::new();
    for (n, line) in bundle::lines(payload)?.enumerate() {
        let n = n + 1;
        let (line, item) = match line? {
            bundle::Line::Text(t) if t.trim().is_empty() => continue,
            bundle::Line::Text(line) => {
                let item = match serde_json::from_str::<Line<'_>>(&line) {
                    Ok(l) => {
                        let data = l.data.map(|raw| {
                            let start = raw.get().as_ptr() as usize - line.as_ptr() as usize;
                            start..start + raw.get().len()
                        });
                        Ok(Entry { id: l.id, kind: l.kind, hlc: l.hlc, origin: l.origin, data })
                    }
                    Err(_) => {
                        // Only a bad line is parsed a second time, to name it as well as it can be named.
                        let value: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
                        let field = |k: &str| value.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
                        let id = field("id");
                        Err(Bad {
                            id: if id.is_empty() { format!("dòng {n}") } else { crate::text::printable(&id, 40) },
                            kind: crate::text::printable(&field("kind"), 20),
                            error: NOT_A_CHANGE.into(),
                        })
                    }
                };
                match item {
                    Ok(e) => (line, Ok(e)),
                    Err(b) => (cut(&line, MAX_KEPT_BYTES).to_owned(), Err(b)),
                }
            }
            bundle::Line::TooLong(len) => (
                String::new(),
                Err(Bad {
                    id: format!("dòng {n}"),
                    kind: String::new(),
                    error: format!(
                        "dòng dài {} byte, quá giới hạn {} byte một bản ghi (không giữ lại)",
                        crate::text::format_int(len.min(i64::MAX as u64) as i64),
                        crate::text::format_int(bundle::MAX_LINE_BYTES as i64)
                    ),
                }),
            ),
            bundle::Line::NotText => (
                String::new(),
                Err(Bad {
                    id: format!("dòng {n}"),
                    kind: String::new(),
                    error: "dòng không phải văn bản UTF-8".into(),
                }),
            ),
        };
        match &item {
            Ok(e) => *by_kind.entry(if e.data.is_some() { e.kind.code() } else { "deleted" }).or_default() += 1,
            Err(_) => {
                bad += 1;
                if bad > MAX_QUARANTINED {
                    return Err(too_many_bad(bad));
                }
            }
        }
        out.push(Parsed { line, item, fields: None });
        if out.len() as u64 > expected {
            return Err(counts_mismatch(format!(
                "bản kê ghi {}, gói có nhiều hơn",
                crate::text::format_int(expected as i64)
            )));
        }
    }
    if expected != out.len() as u64 {
        return Err(counts_mismatch(format!(
            "bản kê ghi {}, gói có {}",
            crate::text::format_int(expected as i64),
            crate::text::format_int(out.len() as i64)
        )));
    }
    for (kind, n) in &by_kind {
        let said = m.counts.get(*kind).copied().unwrap_or(0);
        if *n > said {
            let label = Kind::parse(kind).map_or("bản ghi đã xóa", |k| k.label());
            return Err(counts_mismatch(format!(
                "{label}: bản kê ghi {}, gói có {}",
                crate::text::format_int(said as i64),
                crate::text::format_int(*n as i64)
            )));
        }
    }
    Ok(out)
}

/// At most this many records in one bundle (the manifest's counts are checked against it before the
/// payload is read): what one bundle can make the province hold in memory and keep (a tombstone of
/// an unknown record is kept too). A full export of a large commune holds tens of thousands.
pub const MAX_RECORDS: u64 = 500_000;

/// A record's fields from their JSON text (see [`StrictDoc`]), or why they are not a record's fields.
fn parse_fields(text: &str) -> std::result::Result<Doc, String> {
    serde_json::from_str::<StrictDoc>(text).map(|d| d.0).map_err(|e| {
        // Our own messages (a repeated key, not an object) are Vietnamese; serde's own (a recursion
        // limit, a syntax error) are not, and are named here instead.
        let e = e.to_string();
        let ours = e.split(" at line ").next().unwrap_or_default();
        if ours.contains("hai lần") || ours.contains("đối tượng JSON") {
            ours.to_owned()
        } else if e.contains("recursion limit") {
            "các trường lồng nhau quá sâu".to_owned()
        } else {
            "các trường không phải JSON hợp lệ".to_owned()
        }
    })
}

/// A record's fields read from a bundle, refusing a key given twice in any object: the province
/// stores the line's own JSON text, so the checks must have seen everything that text says.
struct StrictDoc(Doc);

impl<'de> Deserialize<'de> for StrictDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match d.deserialize_any(Strict)? {
            Value::Object(m) => Ok(StrictDoc(m)),
            _ => Err(D::Error::custom("các trường của bản ghi phải là một đối tượng JSON")),
        }
    }
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(Strict).map(StrictValue)
    }
}

/// Builds a `serde_json::Value` as serde_json does, except that a repeated key is an error.
struct Strict;

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(Strict)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        // serde_json gives no size for an object; most records have up to a dozen fields.
        let mut out = Doc::with_capacity(map.size_hint().unwrap_or(12));
        while let Some(key) = map.next_key::<String>()? {
            match out.entry(key) {
                serde_json::map::Entry::Occupied(e) => {
                    return Err(A::Error::custom(format!(
                        "trường «{}» có hai lần",
                        crate::text::printable(e.key(), 40)
                    )));
                }
                serde_json::map::Entry::Vacant(e) => {
                    let StrictValue(v) = map.next_value()?;
                    e.insert(v);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

struct ProvinceLookup<'a> {
    db: &'a ProvinceDb,
    installation: Uuid,
    /// The bundle's records: kind and fields as JSON text (`None`: deleted).
    batch: HashMap<Uuid, (Kind, Option<&'a str>)>,
    /// Records of the bundle read whole by a rule (a review's model), parsed once.
    parsed: std::cell::RefCell<HashMap<Uuid, Option<Doc>>>,
    refs: HashMap<String, Arc<[RefItem]>>,
    today: chrono::NaiveDate,
}

impl Lookup for ProvinceLookup<'_> {
    fn today(&self) -> chrono::NaiveDate {
        self.today
    }
    fn ref_items(&self, list: &str) -> Result<Arc<[RefItem]>> {
        Ok(self.refs.get(list).cloned().unwrap_or_else(|| Arc::from(Vec::new())))
    }
    fn get(&self, kind: Kind, id: Uuid) -> Result<Option<Doc>> {
        match self.batch.get(&id) {
            Some((k, text)) if *k == kind => {
                let mut parsed = self.parsed.borrow_mut();
                Ok(parsed.entry(id).or_insert_with(|| text.and_then(|t| parse_fields(t).ok())).clone())
            }
            Some(_) => Ok(None),
            // The province's own inspections and tasks, which the commune's answers link to.
            None => match self.db.live(self.installation, kind, id)? {
                Some(d) => Ok(Some(d)),
                None => self.db.sent_doc(kind, id),
            },
        }
    }
    fn exists(&self, kind: Kind, id: Uuid) -> Result<bool> {
        match self.batch.get(&id) {
            Some((k, text)) => Ok(*k == kind && text.is_some()),
            None => Ok(self.db.live_exists(self.installation, kind, id)? || self.db.sent_doc(kind, id)?.is_some()),
        }
    }
    fn find(&self, _kind: Kind, _field: &str, _value: &str) -> Result<Vec<(Uuid, Doc)>> {
        Ok(Vec::new())
    }
    fn signed(&self, id: Uuid) -> Result<Option<Doc>> {
        self.db.signed_doc(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_of_one_bundle_is_named_once() {
        assert_eq!(gap_text(3, 3), "gói số 3");
        assert_eq!(gap_text(3, 5), "các gói số 3 đến 5");
    }

    #[test]
    fn a_stored_time_reads_as_an_officer_reads_it() {
        let t = local("2026-12-06T10:25:02.576587522+00:00");
        assert!(t.contains(" ngày ") && t.ends_with("/12/2026"), "{t}");
        assert_eq!(local("hôm qua"), "(không rõ thời điểm)");
    }
}

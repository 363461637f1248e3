//! The commune's side: export the changes the province has not acknowledged (or everything), take
//! receipts and reference data back, import the province's enrollment bundle, and verify a bundle
//! without importing it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::bundle::{self, BundleKind, Manifest, SeqRange};
use crate::crypto::{self, PublicKey};
use crate::domain::RefSet;
use crate::domain::review::{Answer, Decision};
use crate::error::{Error, Result};
use crate::store::{DecisionsApplied, ExportRecord, InspectionsApplied, ProvinceKeys, Store};

/// The payload of a commune's bundle: one JSON change per line, zstd-compressed.
pub const CHANGES_FILE: &str = "changes.jsonl.zst";
pub const RECEIPT_FILE: &str = "receipt.json";
pub const REFERENCE_FILE: &str = "reference.json";
pub const ENROLLMENT_FILE: &str = "enrollment.json";
/// The province's decisions on one commune's periods (a decision bundle; a receipt may carry it too).
pub const DECISIONS_FILE: &str = "decisions.json";
/// What the province signed about its inspections of one commune (a decision bundle; a receipt may
/// carry it too): `domain::inspection::Signed`.
pub const INSPECTIONS_FILE: &str = "inspections.json";

/// Which reasons of the province's returns the commune's changes answer (a changes bundle of a
/// commune that applied decisions; docs/SYNC.md).
pub const ANSWERS_FILE: &str = "answers.json";

/// Changes read from the store per page while exporting.
const PAGE: u32 = 5_000;

#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Everything, not only what the province has not acknowledged.
    pub full: bool,
    /// The bundle's creation time (tests make old bundles with it).
    pub now: DateTime<Utc>,
    pub valid_days: i64,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { full: false, now: Utc::now(), valid_days: super::VALID_DAYS }
    }
}

#[derive(Debug, Clone)]
pub struct Exported {
    pub path: PathBuf,
    pub manifest: Manifest,
    pub hash: String,
    pub changes: usize,
}

/// The enrollment bundle's payload: the province's public keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    pub province_id: Uuid,
    pub province_code: String,
    pub province: String,
    /// minisign `.pub` text.
    pub sign_key: String,
    /// age recipient, `age1…`.
    pub recipient: String,
}

/// A receipt's payload: what the province took from one bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub installation_id: Uuid,
    pub commune_code: String,
    pub bundle_hash: String,
    pub bundle_seq: i64,
    pub bundle_epoch: i64,
    pub changes: Option<SeqRange>,
    pub imported_at: DateTime<Utc>,
    /// Counts by kind: new, updated, unchanged, rejected.
    pub summary: serde_json::Value,
    /// Quarantined records: id, kind and why.
    pub quarantined: Vec<serde_json::Value>,
    /// Bundle numbers the province is missing from this installation.
    pub gaps: Vec<(i64, i64)>,
    /// Changes to records of approved periods the province holds for its reviewer ("sửa sau khi
    /// duyệt"): id, kind, period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<serde_json::Value>,
}

/// `decisions.json`: every decision of the province on one commune's periods, numbered 1…N.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decisions {
    pub commune_code: String,
    pub decisions: Vec<Decision>,
}

/// `answers.json`: what the commune applied of the province's decisions and which reasons of its
/// returns it answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    pub commune_code: String,
    /// The number of the last decision the sending laptop applied (`Decision::n`).
    pub decisions_applied: i64,
    pub answers: Vec<Answer>,
}

/// A reference-data bundle's payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lists: Option<RefSet>,
    /// Revoked signing keys: (key id, when).
    #[serde(default)]
    pub revoked: Vec<(String, String)>,
}

fn not_enrolled() -> Error {
    Error::bundle(
        "not_enrolled",
        "Máy này chưa ghi danh với Công an tỉnh nên chưa biết khóa của tỉnh. Hãy nhập gói ghi danh do Công an tỉnh cấp: \
phongtrao enroll TỆP_GHI_DANH.ptb",
    )
}

fn other_province(found: &str, ours: &str) -> Error {
    Error::bundle(
        "bundle_other_province",
        format!(
            "Gói này thuộc tỉnh có mã {found}, không phải tỉnh {ours} của kho dữ liệu này. Không nhập gì. \
Hãy chuyển gói về đúng nơi nhận."
        ),
    )
}

/// Writes a bundle of the changes the province has not acknowledged (or of everything with
/// `full`) into `dir`, atomically. `progress(done, total)` is called as changes are read.
pub fn export(
    store: &mut Store,
    dir: &Path,
    opts: &ExportOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Exported> {
    store.require(crate::Role::Officer, "xuất gói đồng bộ")?;
    let state = store.sync_state()?;
    let province = state.province.clone().ok_or_else(not_enrolled)?;
    let (signing, age_secret) = store.sync_keys()?;
    let key_id = signing.public_key()?.key_id();
    if state.revoked.contains(&key_id) {
        return Err(Error::bundle(
            "key_revoked",
            format!(
                "Khóa ký {key_id} của máy này đã bị Công an tỉnh thu hồi: gói ký bằng khóa này sẽ bị từ chối, nên không xuất. \
Người chỉ huy hãy tạo khóa mới (phongtrao key rotate hoặc mục «Đổi khóa ký»), in phiếu đăng ký khóa mới, \
ký, đóng dấu và gửi Công an tỉnh đăng ký; sau đó xuất lại gói."
            ),
        ));
    }
    let own = crypto::parse_age_identity(&age_secret)?.to_public();
    let to_province = crypto::parse_age_recipient(&province.recipient)?;
    let commune = store.commune()?.clone();
    let epoch = store.sync_epoch()?;
    let after = if opts.full { 0 } else { state.acked_seq };
    // Counted, not subtracted: after a restore the sequence numbers jump by 2³² (a new epoch).
    let total = store.count_changes_since(after)? as usize;
    let mut lines = Vec::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut cursor = after;
    let mut done = 0;
    loop {
        let page = store.change_lines_since(cursor, PAGE)?;
        let Some(last) = page.last() else { break };
        cursor = last.seq;
        for c in &page {
            serde_json::to_writer(&mut lines, c).map_err(|e| Error::Json(e.to_string()))?;
            lines.push(b'\n');
            let key = if c.data.is_some() { c.kind.code() } else { "deleted" };
            *counts.entry(key.to_owned()).or_default() += 1;
        }
        done += page.len();
        progress(done, total.max(done));
        if page.len() < PAGE as usize {
            break;
        }
    }
    let payload = bundle::compress(&lines)?;
    drop(lines);
    let mut files = vec![(CHANGES_FILE.to_owned(), payload)];
    // Once the province decided on one of its periods, every bundle says what it answers.
    let (decisions_applied, answers) = store.review_answers()?;
    if decisions_applied > 0 {
        let a = Answers { commune_code: commune.commune_code.clone(), decisions_applied, answers };
        files.push((ANSWERS_FILE.to_owned(), serde_json::to_vec_pretty(&a).map_err(|e| Error::Json(e.to_string()))?));
    }
    let seq = state.bundle_seq + 1;
    let prev_hash = if state.last_epoch == Some(epoch) { state.last_hash.clone() } else { None };
    let pk = signing.public_key()?;
    let manifest = Manifest {
        province_code: commune.province_code.clone(),
        commune_code: commune.commune_code.clone(),
        installation_id: commune.installation_id,
        key_id: pk.key_id(),
        epoch,
        seq,
        full: opts.full,
        changes: Some(SeqRange { after, to: cursor }),
        prev_hash,
        counts,
        ..Manifest::new(BundleKind::Changes, opts.now, opts.valid_days)
    };
    let (bytes, manifest, hash) = bundle::write(manifest, &files, &signing, &[to_province, own])?;
    let name = super::file_name(&commune.province_code, &commune.commune_code, epoch, seq, opts.now);
    // Never over a file already on the stick (after a restore the numbers start again).
    let path = crate::fsutil::write_new(&dir.join(name), &bytes)?;
    let rec = ExportRecord {
        epoch,
        seq,
        hash: hash.clone(),
        change_after: after,
        change_to: cursor,
        full: opts.full,
        file: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        created_at: opts.now.to_rfc3339(),
        acked_at: None,
    };
    if let Err(e) = store.record_export(&rec) {
        // A file the store does not know of would reuse its number next time: take it back.
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(Exported { path, manifest, hash, changes: done })
}

/// What importing a province bundle at the commune did.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    /// A receipt: the changes up to `acked_seq` need not be sent again; `pending` changes (made since,
    /// or not in the bundle acknowledged) wait for the next export.
    /// The decisions it carried that were new here are applied with it.
    /// So are the province's inspections it carried.
    Receipt {
        bundle_seq: i64,
        acked_seq: i64,
        pending: i64,
        receipt: Box<Receipt>,
        decisions: Vec<Decision>,
        inspections: InspectionsApplied,
    },
    /// Reference data: lists installed, revocations recorded.
    Reference { lists: usize, revoked: usize },
    /// The province's decisions on this commune's periods, and what it signed about its inspections
    /// of the commune: those new to this store, applied.
    Decisions(DecisionsApplied, InspectionsApplied),
}

/// Imports a receipt or a reference-data bundle from the province.
pub fn import(store: &mut Store, path: &Path) -> Result<Imported> {
    store.require(crate::Role::Officer, "nhập gói đồng bộ")?;
    let province = store.sync_state()?.province.ok_or_else(not_enrolled)?;
    let (_, age_secret) = store.sync_keys()?;
    let opened = bundle::open_file(path, &[crypto::parse_age_identity(&age_secret)?])?;
    match opened.manifest.kind {
        BundleKind::Receipt | BundleKind::Reference | BundleKind::Decision => {}
        BundleKind::Enrollment => {
            return Err(Error::bundle(
                "bundle_wrong_kind",
                "Đây là gói ghi danh: hãy nhập bằng lệnh phongtrao enroll TỆP (hoặc mục «Ghi danh với Công an tỉnh»).",
            ));
        }
        BundleKind::Changes => {
            return Err(Error::bundle(
                "bundle_wrong_kind",
                "Đây là gói dữ liệu của một xã, chỉ Công an tỉnh nhập được. Hãy chuyển gói lên Công an tỉnh.",
            ));
        }
        BundleKind::Peer | BundleKind::Invitation => {
            return Err(Error::bundle(
                "bundle_wrong_kind",
                "Đây là gói trao đổi giữa các máy của xã (hoặc lời mời máy mới), không phải gói của Công an tỉnh: \
hãy dùng mục «Trao đổi với máy khác» (lệnh phongtrao peer exchange / peer join).",
            ));
        }
    }
    let verified = check_from_province(opened, &province, store)?;
    let m = verified.manifest();
    let known: &[&str] = match m.kind {
        BundleKind::Receipt => &[RECEIPT_FILE, DECISIONS_FILE, INSPECTIONS_FILE],
        BundleKind::Decision => &[DECISIONS_FILE, INSPECTIONS_FILE],
        _ => &[REFERENCE_FILE],
    };
    if let Some(f) = m.files.iter().find(|f| !known.contains(&f.path.as_str())) {
        return Err(Error::bundle(
            "bundle_version",
            format!(
                "{} có tệp {} mà phiên bản phongtrao này chưa đọc được. Không nhập gì. Hãy cập nhật phongtrao rồi nhập lại gói.",
                crate::text::capitalise(m.kind.label()),
                crate::text::printable(&f.path, 60)
            ),
        ));
    }
    match m.kind {
        BundleKind::Decision => {
            // Inspections first: applied in their own transaction (what the province signed stands
            // on its own), then the decisions; a bundle of inspections alone has no decisions.
            let has = |f: &str| m.files.iter().any(|x| x.path == f);
            let inspections = import_inspections(store, &verified)?;
            let (applied, n) = if has(DECISIONS_FILE) {
                // With inspections, decisions already applied are not a replay: the inspections may be new.
                import_decisions(store, &verified, !has(INSPECTIONS_FILE))?
            } else {
                (DecisionsApplied { applied: Vec::new() }, 0)
            };
            keep_for_peers(store, path, m.seq, n)?;
            Ok(Imported::Decisions(applied, inspections))
        }
        BundleKind::Receipt => {
            let receipt: Receipt = serde_json::from_slice(verified.file(RECEIPT_FILE)?)
                .map_err(|_| bundle::damaged("biên nhận không đọc được"))?;
            let c = store.commune()?;
            if receipt.installation_id != c.installation_id || m.commune_code != c.commune_code {
                return Err(Error::bundle(
                    "bundle_unknown_receipt",
                    format!(
                        "Biên nhận này dành cho máy khác (xã {}), không phải máy này. Không ghi nhận gì. Hãy kiểm tra lại tệp biên nhận.",
                        m.commune_code
                    ),
                ));
            }
            // The inspections and decisions it carries first: a refused one refuses the receipt,
            // acknowledging nothing.
            let inspections = import_inspections(store, &verified)?;
            let decisions = if m.files.iter().any(|f| f.path == DECISIONS_FILE) {
                let (applied, n) = import_decisions(store, &verified, false)?;
                keep_for_peers(store, path, m.seq, n)?;
                applied.applied
            } else {
                if m.files.iter().any(|f| f.path == INSPECTIONS_FILE) {
                    keep_for_peers(store, path, m.seq, 0)?;
                }
                Vec::new()
            };
            let held = held_of(&receipt)?;
            let acked_seq = store.acknowledge(&receipt.bundle_hash, &receipt.imported_at.to_rfc3339())?;
            store.record_province_held(&held)?;
            let pending = store.count_changes_since(acked_seq)?;
            Ok(Imported::Receipt {
                bundle_seq: receipt.bundle_seq,
                acked_seq,
                pending,
                receipt: Box::new(receipt),
                decisions,
                inspections,
            })
        }
        _ => {
            let r: Reference = serde_json::from_slice(verified.file(REFERENCE_FILE)?)
                .map_err(|_| bundle::damaged("dữ liệu dùng chung không đọc được"))?;
            let lists = match &r.lists {
                Some(set) => store.apply_reference(set)?,
                None => 0,
            };
            let revoked = store.record_revocations(&r.revoked)?;
            Ok(Imported::Reference { lists, revoked })
        }
    }
}

/// Keeps the province bundle at `path` (the province's bundle number `seq`, carrying `n`
/// decisions), as the province signed it, for the commune's other laptops (`sync::peer` carries it
/// in every peer bundle).
fn keep_for_peers(store: &mut Store, path: &Path, seq: i64, n: usize) -> Result<()> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    keep_bytes_for_peers(store, &bytes, seq, n)
}

/// Keeps a province bundle for the other laptops when it is worth carrying instead of the one
/// kept: every province bundle to a commune carries all its decisions and all the province's
/// inspections of it as of its writing, so the one to carry is the newest (by the province's
/// bundle number) among those with the most decisions. A bundle of inspections alone (no
/// decision yet) is carried too, until one with decisions comes.
fn keep_bytes_for_peers(store: &mut Store, bytes: &[u8], seq: i64, n: usize) -> Result<()> {
    let better = match store.kept_decision_bundle()? {
        None => true,
        Some((kept_n, kept)) => {
            let kept_seq = bundle::open(&kept, &[]).map(|o| o.manifest.seq).unwrap_or(i64::MIN);
            n > kept_n || (n == kept_n && seq > kept_seq)
        }
    };
    if better { store.keep_decision_bundle(n, bytes) } else { Ok(()) }
}

/// Applies the decisions of a province bundle that another laptop of the commune carried in its
/// peer bundle (the bytes as the province signed them): checked exactly as a decision bundle or a
/// receipt taken from the province (the enrolled province's key, this province and commune, not
/// expired, numbered 1…N, the same as those applied), the new ones applied; then kept, so that
/// this laptop carries them on too. Nothing new is not an error.
pub fn relayed_decisions(store: &mut Store, bytes: &[u8]) -> Result<DecisionsApplied> {
    let province = store.sync_state()?.province.ok_or_else(not_enrolled)?;
    let opened = bundle::open(bytes, &[])?;
    let kind = opened.manifest.kind;
    if !matches!(kind, BundleKind::Decision | BundleKind::Receipt) {
        return Err(Error::bundle(
            "bundle_wrong_kind",
            format!(
                "Gói trao đổi mang {} thay cho quyết định của Công an tỉnh. Không áp dụng quyết định nào.",
                kind.label()
            ),
        ));
    }
    let verified = check_from_province(opened, &province, store)?;
    let known = [RECEIPT_FILE, DECISIONS_FILE, INSPECTIONS_FILE];
    if let Some(f) = verified.manifest().files.iter().find(|f| !known.contains(&f.path.as_str())) {
        return Err(Error::bundle(
            "bundle_version",
            format!(
                "Quyết định của Công an tỉnh mà máy khác chuyển đến có tệp {} mà phiên bản phongtrao này chưa đọc được. Hãy cập nhật phongtrao.",
                crate::text::printable(&f.path, 60)
            ),
        ));
    }
    // The province's inspections it carries come along (the same checks as from the province).
    import_inspections(store, &verified)?;
    let seq = verified.manifest().seq;
    let (applied, n) = if verified.manifest().files.iter().any(|f| f.path == DECISIONS_FILE) {
        import_decisions(store, &verified, false)?
    } else {
        (DecisionsApplied { applied: Vec::new() }, 0)
    };
    keep_bytes_for_peers(store, bytes, seq, n)?;
    Ok(applied)
}

/// The changes of this laptop a receipt says the province holds for its reviewer, each checked: a
/// record id, a register, a period, the bundle (a receipt of an older province names only its own
/// bundle's), the reviewer's decision if any.
fn held_of(receipt: &Receipt) -> Result<Vec<crate::store::ProvinceHeld>> {
    let bad = || bundle::damaged("biên nhận có danh sách thay đổi bị giữ lại không đọc được");
    let text = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    receipt
        .held
        .iter()
        .map(|v| {
            let record_id = text(v, "id").and_then(|s| Uuid::parse_str(&s).ok()).ok_or_else(bad)?;
            let kind = text(v, "kind").and_then(|k| crate::domain::Kind::parse(&k)).ok_or_else(bad)?;
            let period = text(v, "period").filter(|p| p.parse::<crate::period::Period>().is_ok()).ok_or_else(bad)?;
            let bundle = text(v, "bundle").unwrap_or_else(|| receipt.bundle_hash.clone());
            if bundle.len() != 64 || !bundle.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad());
            }
            let decision = text(v, "decision");
            if decision.as_deref().is_some_and(|d| d != "accept" && d != "refuse") {
                return Err(bad());
            }
            let decided_at = text(v, "decided_at");
            if decided_at.as_deref().is_some_and(|t| DateTime::parse_from_rfc3339(t).is_err()) {
                return Err(bad());
            }
            Ok(crate::store::ProvinceHeld {
                bundle,
                record_id,
                kind,
                period,
                note: text(v, "note").map(|n| crate::text::printable(&crate::text::clean(&n), 2000)),
                decision,
                decided_at,
                received_at: String::new(),
                bundle_seq: None,
            })
        })
        .collect()
}

/// Applies the decisions a verified province bundle carries: addressed to this commune (by the
/// manifest and by the payload), numbered 1…N, the new ones applied (`Store::apply_decisions`).
/// Returns what it applied and how many decisions the bundle carries.
fn import_decisions(store: &mut Store, verified: &bundle::Verified, strict: bool) -> Result<(DecisionsApplied, usize)> {
    let m = verified.manifest();
    let d: Decisions = serde_json::from_slice(verified.file(DECISIONS_FILE)?)
        .map_err(|_| bundle::damaged("quyết định không đọc được"))?;
    addressed_here(store, m, &d.commune_code)?;
    Ok((store.apply_decisions(m.seq, &d.decisions, strict)?, d.decisions.len()))
}

/// Applies what a verified province bundle's `inspections.json` carries (nothing if it has none):
/// addressed to this commune (by the manifest and by the payload), then `Store::apply_inspections`.
fn import_inspections(store: &mut Store, verified: &bundle::Verified) -> Result<InspectionsApplied> {
    let m = verified.manifest();
    if !m.files.iter().any(|f| f.path == INSPECTIONS_FILE) {
        return Ok(InspectionsApplied::default());
    }
    let s: crate::domain::inspection::Signed = serde_json::from_slice(verified.file(INSPECTIONS_FILE)?)
        .map_err(|_| bundle::damaged("nội dung kiểm tra không đọc được"))?;
    addressed_here(store, m, &s.commune_code)?;
    store.apply_inspections(m.seq, &s)
}

/// Refuses a province bundle for another commune: by its manifest, or by the commune its payload
/// (`payload_commune`) names.
fn addressed_here(store: &Store, m: &Manifest, payload_commune: &str) -> Result<()> {
    let ours = store.commune()?.commune_code.clone();
    if m.commune_code != ours || payload_commune != ours {
        let other = if m.commune_code != ours { m.commune_code.as_str() } else { payload_commune };
        return Err(Error::bundle(
            "bundle_commune",
            format!(
                "{} này dành cho xã có mã {}, không phải xã {ours} của máy này. Không nhập gì. Hãy chọn đúng gói của xã mình.",
                crate::text::capitalise(m.kind.label()),
                crate::text::printable(other, 10)
            ),
        ));
    }
    Ok(())
}

fn check_from_province(opened: bundle::Opened<'_>, province: &ProvinceKeys, store: &Store) -> Result<bundle::Verified> {
    let key = PublicKey::parse(&province.sign_key)?;
    if opened.signer_key_id().as_deref() != Some(key.key_id().as_str()) {
        return Err(Error::bundle(
            "bundle_unknown_key",
            format!(
                "{} không được ký bằng khóa của Công an tỉnh đã ghi danh (khóa {}): có thể là gói giả. Không nhập gì. \
Hãy nhận lại gói trực tiếp từ Công an tỉnh.",
                crate::text::capitalise(opened.manifest.kind.label()),
                key.key_id()
            ),
        ));
    }
    let verified = opened.verify(&key)?;
    let ours = &store.commune()?.province_code;
    if &verified.manifest().province_code != ours {
        return Err(other_province(&verified.manifest().province_code, ours));
    }
    verified.check_time(Utc::now())?;
    Ok(verified)
}

fn bad_enrollment() -> Error {
    Error::bundle(
        "bundle_manifest",
        "Gói ghi danh không có khóa của Công an tỉnh đọc được (enrollment.json sai). Không ghi danh gì. \
Hãy nhận lại gói ghi danh trực tiếp từ Công an tỉnh.",
    )
}

/// The signing key an enrollment bundle carries (it is signed by that key).
fn enrollment_key(data: &[u8]) -> Result<PublicKey> {
    let e: Enrollment = serde_json::from_slice(data).map_err(|_| bad_enrollment())?;
    PublicKey::parse(&e.sign_key)
}

/// Imports the province's enrollment bundle: its public keys. The officer compares the printed
/// fingerprint with the one the province reads out or prints.
pub fn enroll(store: &mut Store, path: &Path) -> Result<ProvinceKeys> {
    store.require(crate::Role::Chief, "ghi danh với Công an tỉnh")?;
    let opened = bundle::open_file(path, &[])?;
    if opened.manifest.kind != BundleKind::Enrollment {
        return Err(Error::bundle(
            "bundle_wrong_kind",
            format!(
                "Tệp này là {}, không phải gói ghi danh. Hãy chọn tệp ghi danh do Công an tỉnh cấp.",
                opened.manifest.kind.label()
            ),
        ));
    }
    let verified = opened.verify_self_signed(ENROLLMENT_FILE, enrollment_key)?;
    let e: Enrollment = serde_json::from_slice(verified.file(ENROLLMENT_FILE)?).map_err(|_| bad_enrollment())?;
    let key = PublicKey::parse(&e.sign_key)?;
    crypto::parse_age_recipient(&e.recipient)?;
    let ours = store.commune()?.province_code.clone();
    if e.province_code != ours || verified.manifest().province_code != ours {
        return Err(other_province(&e.province_code, &ours));
    }
    verified.check_time(Utc::now())?;
    let state = store.sync_state()?;
    if let Some(old) = &state.province {
        if PublicKey::parse(&old.sign_key)? == key && old.recipient == e.recipient {
            return Ok(old.clone());
        }
        return Err(Error::bundle(
            "bundle_enrolled",
            format!(
                "Máy này đã ghi danh với Công an tỉnh bằng khóa khác (khóa {}); gói ghi danh mới có khóa {}. Không thay đổi gì. \
Nếu Công an tỉnh đã đổi khóa, hãy xác nhận với Công an tỉnh trước khi làm lại.",
                PublicKey::parse(&old.sign_key)?.key_id(),
                key.key_id()
            ),
        ));
    }
    let p = ProvinceKeys {
        province_id: e.province_id,
        province_code: e.province_code,
        province: e.province,
        sign_key: key.text().to_owned(),
        recipient: e.recipient,
        enrolled_at: Utc::now().to_rfc3339(),
    };
    store.enroll_province(&p)?;
    Ok(p)
}

/// What `bundle verify` says about a file.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub manifest: Manifest,
    pub hash: String,
    pub encrypted: bool,
    /// Who signed it, as the officer reads it.
    pub signer: String,
    pub key_id: String,
    pub fingerprint: String,
}

/// Says who made a bundle, what is in it and whether it is intact, without importing it. A commune
/// can read its own bundles (they are also encrypted to it) and the province's.
pub fn verify(store: &mut Store, path: &Path) -> Result<Verified> {
    let (signing, age_secret) = store.sync_keys()?;
    let opened = bundle::open_file(path, &[crypto::parse_age_identity(&age_secret)?])?;
    let own = signing.public_key()?;
    let c = store.commune()?.clone();
    let province = store.sync_state()?.province;
    let signer_id = opened.signer_key_id().unwrap_or_default();
    let encrypted = opened.encrypted();
    let (verified, key, signer) = if signer_id == own.key_id() {
        (opened.verify(&own)?, own, format!("máy này ({}, {})", c.commune, c.province))
    } else if let Some(p) =
        province.as_ref().filter(|p| PublicKey::parse(&p.sign_key).is_ok_and(|k| k.key_id() == signer_id))
    {
        let k = PublicKey::parse(&p.sign_key)?;
        (opened.verify(&k)?, k, format!("Công an tỉnh {}", p.province))
    } else if opened.manifest.kind == BundleKind::Enrollment {
        let v = opened.verify_self_signed(ENROLLMENT_FILE, enrollment_key)?;
        let e: Enrollment = serde_json::from_slice(v.file(ENROLLMENT_FILE)?).map_err(|_| bad_enrollment())?;
        let signer = format!("Công an tỉnh {} (gói ghi danh, khóa tự xưng)", crate::text::printable(&e.province, 80));
        (v, PublicKey::parse(&e.sign_key)?, signer)
    } else {
        return Err(Error::bundle(
            "bundle_unknown_key",
            format!(
                "Gói được ký bằng khóa {}, không phải khóa của máy này hay của Công an tỉnh đã ghi danh: \
không xác nhận được ai đã tạo gói. Không dùng gói này; hãy hỏi lại nơi gửi.",
                crate::text::printable(&signer_id, 20)
            ),
        ));
    };
    Ok(Verified {
        hash: verified.hash().to_owned(),
        encrypted,
        signer,
        key_id: verified.key_id().to_owned(),
        fingerprint: key.fingerprint(),
        manifest: verified.manifest().clone(),
    })
}

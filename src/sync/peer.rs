//! Several laptops of one commune exchanging their work by USB stick (docs/SYNC.md, "Several laptops
//! of one commune"): the chief's invitation, a new laptop joining from it, and the peer bundle each
//! laptop writes for the others and takes in from them. No SQL here: `store::peers` keeps the state
//! and merges the versions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::bundle::{self, BundleKind, Line, Manifest, SeqRange};
use super::commune::Enrollment;
use crate::crypto::{self, PublicKey};
use crate::domain::Kind;
use crate::domain::account::NewAccount;
use crate::error::{Error, Result};
use crate::keyring::KdfParams;
use crate::store::{
    Handover, Peer, PeerAck, PeerIn, PeerMerged, ProvinceKeys, Setup, SignedHandover, Store, Version, VersionLine,
};

/// A peer bundle's payload: every version of the records changed since what the others acknowledged.
pub const VERSIONS_FILE: &str = "versions.jsonl.zst";
/// A peer bundle's installations and acknowledgements.
pub const PEER_FILE: &str = "peer.json";
pub const INVITATION_FILE: &str = "invitation.json";
/// The newest province bundle carrying the commune's decisions, as the province signed it (a
/// decision bundle or a receipt): every laptop checks it again and applies the decisions it lacks.
pub const DECISIONS_FILE: &str = "quyet-dinh.ptb";
/// Every hand-over of the numbering of documents, in order, each signed by the laptop handing over.
pub const NUMBERING_FILE: &str = "numbering.json";
/// Peer bundles and invitations end in `.ptp`, so that the province's intake never takes them for a
/// commune's bundle to the province (`.ptb`).
pub const EXT: &str = "ptp";
/// An invitation is valid for this many days.
pub const INVITATION_DAYS: i64 = 14;
/// The first bundle of a new laptop (whose key only its own payload names) is read within this.
const FIRST_BUNDLE_BYTES: u64 = 64 << 20;
/// At most this many versions in one bundle (as a commune's bundle to the province).
const MAX_VERSIONS: u64 = 500_000;
const PAGE: u32 = 5_000;

/// An installation as bundles name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerEntry {
    pub installation_id: Uuid,
    pub officer: String,
    pub sign_key: String,
    pub recipient: String,
}

impl PeerEntry {
    fn peer(&self) -> Peer {
        Peer {
            installation_id: self.installation_id,
            officer: self.officer.clone(),
            sign_key: self.sign_key.clone(),
            recipient: self.recipient.clone(),
            added_at: String::new(),
            sent_ack: 0,
            recv_seq: 0,
            last_seen_at: None,
        }
    }
}

/// The account the invitation brings to the new laptop (its password is typed there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitedAccount {
    pub username: String,
    pub full_name: String,
    pub rank: Option<String>,
}

/// An account of the inviting laptop the chief chose to copy to the new laptop: who, with which role;
/// never a password nor anything derived from one (the file is not encrypted). It is made on the new
/// laptop with no password: it cannot open the store until the chief sets its first password there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopiedAccount {
    pub username: String,
    pub full_name: String,
    pub rank: Option<String>,
    pub role: crate::Role,
}

/// `invitation.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub province_code: String,
    pub province: String,
    pub commune_code: String,
    pub commune: String,
    /// The installation that wrote the invitation (it signed it).
    pub inviter: PeerEntry,
    /// Every installation of the commune the inviter knows, itself included.
    pub peers: Vec<PeerEntry>,
    /// The officer the new laptop is for.
    pub officer: String,
    /// The chief's account, set up on the new laptop with a password typed there.
    pub chief: InvitedAccount,
    /// The other accounts the chief chose to copy (no password: the chief sets each one there).
    #[serde(default)]
    pub accounts: Vec<CopiedAccount>,
    /// The province's keys, if the inviter is enrolled.
    pub province_keys: Option<Enrollment>,
    /// Who numbers documents in the commune (its officer and installation).
    pub numbering_by: String,
    /// Every hand-over of the numbering so far (the new laptop checks and applies them).
    #[serde(default)]
    pub numbering_handovers: Vec<SignedHandover>,
    /// A one-time secret: the new laptop's first bundle shows it, and the inviter then trusts its key.
    pub token: String,
}

/// `peer.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerPayload {
    /// The installations the sender knows, itself first.
    pub peers: Vec<PeerEntry>,
    /// What the sender holds of each installation's own changes.
    pub acks: Vec<PeerAck>,
    /// The invitation token, until a peer knows the sender.
    #[serde(default)]
    pub token: Option<String>,
    /// The laptops removed from the commune's list (lost or stolen): the others remove them too.
    #[serde(default)]
    pub removed: Vec<Uuid>,
    /// The last document numbers the sender knows were given, (series, year, last number): if the
    /// laptop that numbers is lost, the one that takes the numbering over continues after them.
    #[serde(default)]
    pub counters: Vec<(String, i32, u32)>,
}

fn entry_of(store: &mut Store, officer: &str) -> Result<PeerEntry> {
    let (signing, age) = store.sync_keys()?;
    let recipient = crypto::parse_age_identity(&age)?.to_public().to_string();
    Ok(PeerEntry {
        installation_id: store.commune()?.installation_id,
        officer: officer.to_owned(),
        sign_key: signing.public_key()?.text().to_owned(),
        recipient,
    })
}

fn peer_entry(p: &Peer) -> PeerEntry {
    PeerEntry {
        installation_id: p.installation_id,
        officer: p.officer.clone(),
        sign_key: p.sign_key.clone(),
        recipient: p.recipient.clone(),
    }
}

/// The officer this installation is known by: its numbering officer's name for the commune's
/// first laptop, else the store's officer.
fn own_name(store: &Store) -> Result<String> {
    Ok(store.commune()?.officer.clone())
}

fn short(id: Uuid) -> String {
    let s = id.simple().to_string();
    s[s.len() - 8..].to_owned()
}

/// `<province>-<commune>-may-<installation>-k<epoch>-<seq>-<yyyymmdd>.ptp`
pub fn bundle_name(
    province: &str,
    commune: &str,
    installation: Uuid,
    epoch: i64,
    seq: i64,
    at: DateTime<Utc>,
) -> String {
    format!(
        "{province}-{commune}-may-{}-k{epoch}-{seq:06}-{}.{EXT}",
        short(installation),
        at.with_timezone(&chrono::Local).format("%Y%m%d")
    )
}

fn manifest(store: &Store, kind: BundleKind, seq: i64, now: DateTime<Utc>, days: i64) -> Result<Manifest> {
    let c = store.commune()?;
    Ok(Manifest {
        province_code: c.province_code.clone(),
        commune_code: c.commune_code.clone(),
        installation_id: c.installation_id,
        epoch: store.sync_epoch()?,
        seq,
        ..Manifest::new(kind, now, days)
    })
}

/// Writes an invitation for a new laptop of the commune into `dir` (the chief only): signed by this
/// installation, valid [`INVITATION_DAYS`] days, usable once. `officer` is who the laptop is for;
/// `accounts` are the user names of this laptop's other accounts the chief copies to it (who and
/// with which role, no password).
pub fn invite(
    store: &mut Store,
    dir: &Path,
    officer: &str,
    accounts: &[String],
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    store.require(crate::Role::Chief, "mời máy khác của xã")?;
    let officer = crate::text::clean(officer);
    if officer.is_empty() {
        return Err(Error::field("officer", "Cán bộ dùng máy mới", "không được để trống"));
    }
    let chief = store.session().cloned();
    let all = store.accounts()?;
    let mut copied: Vec<CopiedAccount> = Vec::new();
    for name in accounts {
        let name = name.trim().to_lowercase();
        if chief.as_ref().is_some_and(|c| c.username == name) || copied.iter().any(|c| c.username == name) {
            continue;
        }
        let a = all.iter().find(|a| a.username == name).ok_or_else(|| {
            Error::field("accounts", "Tài khoản chép sang máy mới", format!("máy này không có tài khoản «{name}»"))
        })?;
        copied.push(CopiedAccount {
            username: a.username.clone(),
            full_name: a.full_name.clone(),
            rank: a.rank.clone(),
            role: a.role,
        });
    }
    let me = own_name(store)?;
    let inviter = entry_of(store, &me)?;
    let mut peers = vec![inviter.clone()];
    peers.extend(store.peers()?.iter().map(peer_entry));
    let c = store.commune()?.clone();
    let province_keys = store.sync_state()?.province.map(|p| Enrollment {
        province_id: p.province_id,
        province_code: p.province_code,
        province: p.province,
        sign_key: p.sign_key,
        recipient: p.recipient,
    });
    let numbering_by = match store.numbering_elsewhere()? {
        Some(by) => by,
        None => format!("máy của {me}"),
    };
    let token = crypto::random_token();
    let inv = Invitation {
        province_code: c.province_code.clone(),
        province: c.province.clone(),
        commune_code: c.commune_code.clone(),
        commune: c.commune.clone(),
        inviter,
        peers,
        officer: officer.clone(),
        chief: InvitedAccount {
            username: chief.as_ref().map_or_else(|| "truong".to_owned(), |a| a.username.clone()),
            full_name: chief.as_ref().map_or_else(|| me.clone(), |a| a.full_name.clone()),
            rank: chief.as_ref().and_then(|a| a.rank.clone()),
        },
        accounts: copied,
        province_keys,
        numbering_by,
        numbering_handovers: store.numbering()?.handovers,
        token: token.clone(),
    };
    let (signing, _) = store.sync_keys()?;
    let mut m = manifest(store, BundleKind::Invitation, 0, now, INVITATION_DAYS)?;
    m.key_id = signing.public_key()?.key_id();
    let json = serde_json::to_vec_pretty(&inv).map_err(|e| Error::Json(e.to_string()))?;
    // Not encrypted: the new laptop has no key yet. It holds public keys and the one-time token.
    let (bytes, _, _) = bundle::write(m, &[(INVITATION_FILE.into(), json)], &signing, &[])?;
    let name = format!(
        "{}-{}-loi-moi-{}-{}.{EXT}",
        c.province_code,
        c.commune_code,
        crate::text::fold(&officer).replace(' ', "-"),
        now.with_timezone(&chrono::Local).format("%Y%m%d")
    );
    let name: String = name.chars().filter(|ch| ch.is_ascii_alphanumeric() || "-._".contains(*ch)).collect();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = crate::fsutil::write_new(&dir.join(name), &bytes)?;
    let expires = (now + chrono::Duration::days(INVITATION_DAYS)).to_rfc3339();
    let names: Vec<String> = inv.accounts.iter().map(|a| a.username.clone()).collect();
    if let Err(e) =
        store.record_invite(&crypto::sha256_hex(token.as_bytes()), &officer, &names, &now.to_rfc3339(), &expires)
    {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(path)
}

fn bad_invitation() -> Error {
    Error::bundle(
        "bundle_manifest",
        "Lời mời không đọc được (invitation.json sai). Không làm gì. Hãy nhờ Trưởng Công an xã lập lại lời mời.",
    )
}

/// Reads and checks an invitation (signed by the key it names as the inviter's, not expired). The
/// officer compares the inviter's fingerprint with the one the chief's laptop shows.
pub fn read_invitation(path: &Path, now: DateTime<Utc>) -> Result<(Invitation, String)> {
    let opened = bundle::open_file(path, &[])?;
    if opened.manifest.kind != BundleKind::Invitation {
        return Err(Error::bundle(
            "bundle_wrong_kind",
            format!(
                "Tệp này là {}, không phải lời mời máy mới của xã. Hãy chọn tệp lời mời (…-loi-moi-….ptp) do máy của Trưởng Công an xã lập.",
                opened.manifest.kind.label()
            ),
        ));
    }
    let verified = opened.verify_self_signed(INVITATION_FILE, |data| {
        let inv: Invitation = serde_json::from_slice(data).map_err(|_| bad_invitation())?;
        PublicKey::parse(&inv.inviter.sign_key)
    })?;
    verified.check_time(now)?;
    let inv: Invitation = serde_json::from_slice(verified.file(INVITATION_FILE)?).map_err(|_| bad_invitation())?;
    let m = verified.manifest();
    if m.commune_code != inv.commune_code
        || m.province_code != inv.province_code
        || m.installation_id != inv.inviter.installation_id
    {
        return Err(bad_invitation());
    }
    crypto::parse_age_recipient(&inv.inviter.recipient)?;
    let fp = PublicKey::parse(&inv.inviter.sign_key)?.fingerprint();
    Ok((inv, fp))
}

/// Sets up a new laptop of the commune from an invitation: a new store at `path` (its own
/// installation id, keys and data key), the commune's codes and names, the chief's account with the
/// password typed here, the province's keys, the commune's installations and the token. Its first
/// exchange brings it the commune's records.
pub fn join(path: &Path, invitation: &Path, password: &str, kdf: KdfParams, now: DateTime<Utc>) -> Result<Store> {
    let (inv, _) = read_invitation(invitation, now)?;
    let setup = Setup {
        province_code: inv.province_code.clone(),
        province: inv.province.clone(),
        commune_code: inv.commune_code.clone(),
        commune: inv.commune.clone(),
        officer: inv.officer.clone(),
    };
    let chief = NewAccount {
        username: inv.chief.username.clone(),
        full_name: inv.chief.full_name.clone(),
        rank: inv.chief.rank.clone(),
        role: crate::Role::Chief,
        password: password.to_owned(),
    };
    let mut store = Store::create_at(path, &setup, &chief, kdf)?;
    let done = (|| {
        let peers: Vec<Peer> = inv.peers.iter().map(PeerEntry::peer).collect();
        store.join_commune(&peers, &inv.token, &inv.numbering_by)?;
        if let Some(why) = take_handovers(&mut store, &inv.numbering_handovers)? {
            return Err(Error::Refused(why));
        }
        for a in inv.accounts.iter().filter(|a| a.username != inv.chief.username) {
            store.add_account_awaiting_password(&NewAccount {
                username: a.username.clone(),
                full_name: a.full_name.clone(),
                rank: a.rank.clone(),
                role: a.role,
                password: String::new(),
            })?;
        }
        if let Some(e) = &inv.province_keys {
            store.enroll_province(&ProvinceKeys {
                province_id: e.province_id,
                province_code: e.province_code.clone(),
                province: e.province.clone(),
                sign_key: e.sign_key.clone(),
                recipient: e.recipient.clone(),
                enrolled_at: now.to_rfc3339(),
            })?;
        }
        Ok(())
    })();
    if let Err(e) = done {
        drop(store);
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(crate::keyring::Keyring::path_for(path));
        return Err(e);
    }
    Ok(store)
}

/// A peer bundle written.
#[derive(Debug, Clone)]
pub struct PeerExported {
    pub path: PathBuf,
    pub seq: i64,
    /// Records it carries (their versions in conflict count once).
    pub records: usize,
}

fn no_peers() -> Error {
    Error::Refused(
        "Máy này chưa biết máy nào khác của xã. Trưởng Công an xã hãy lập lời mời (phongtrao peer invite, hoặc «Mời máy mới») \
rồi máy mới nhận lời mời (phongtrao peer join); sau đó mới trao đổi được."
            .into(),
    )
}

/// Writes a peer bundle into `dir`: every version of the records changed since the least any known
/// installation acknowledged, the installations this one knows and what it holds of each; signed,
/// encrypted to every known installation of the commune and to this one.
pub fn export(store: &mut Store, dir: &Path, now: DateTime<Utc>) -> Result<PeerExported> {
    store.require(crate::Role::Officer, "trao đổi với máy khác")?;
    let peers = store.peers()?;
    if peers.is_empty() {
        return Err(no_peers());
    }
    let after = store.peer_export_after()?;
    let mut lines = Vec::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut cursor = after;
    let mut records = 0;
    loop {
        let (page, last) = store.version_lines_since(cursor, PAGE)?;
        let Some(last) = last else { break };
        let mut ids = std::collections::BTreeSet::new();
        for v in &page {
            serde_json::to_writer(&mut lines, v).map_err(|e| Error::Json(e.to_string()))?;
            lines.push(b'\n');
            let key = if v.data.is_some() { v.kind.code() } else { "deleted" };
            *counts.entry(key.to_owned()).or_default() += 1;
            ids.insert(v.id);
        }
        records += ids.len();
        cursor = last;
        if ids.len() < PAGE as usize {
            break;
        }
    }
    let me = own_name(store)?;
    let mut entries = vec![entry_of(store, &me)?];
    entries.extend(peers.iter().map(peer_entry));
    let removed = store.removed_peers()?.into_iter().map(|(id, _, _)| id).collect();
    let payload = PeerPayload {
        peers: entries,
        acks: store.peer_acks()?,
        token: store.join_token()?,
        removed,
        counters: store.known_counters()?,
    };
    let json = serde_json::to_vec_pretty(&payload).map_err(|e| Error::Json(e.to_string()))?;
    let (signing, age) = store.sync_keys()?;
    let mut recipients = vec![crypto::parse_age_identity(&age)?.to_public()];
    for p in &peers {
        recipients.push(crypto::parse_age_recipient(&p.recipient)?);
    }
    let seq = store.next_peer_bundle()?;
    let mut m = manifest(store, BundleKind::Peer, seq, now, super::VALID_DAYS)?;
    m.key_id = signing.public_key()?.key_id();
    m.changes = Some(SeqRange { after, to: cursor });
    m.counts = counts;
    let mut files = vec![(VERSIONS_FILE.to_owned(), bundle::compress(&lines)?), (PEER_FILE.to_owned(), json)];
    if let Some(d) = store.decision_bundle()? {
        files.push((DECISIONS_FILE.to_owned(), d));
    }
    let numbering = store.numbering()?;
    if !numbering.handovers.is_empty() {
        let json = serde_json::to_vec(&numbering.handovers).map_err(|e| Error::Json(e.to_string()))?;
        files.push((NUMBERING_FILE.to_owned(), json));
    }
    let (bytes, m, _) = bundle::write(m, &files, &signing, &recipients)?;
    let c = store.commune()?;
    let name = bundle_name(&c.province_code, &c.commune_code, c.installation_id, m.epoch, seq, now);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = crate::fsutil::write_new(&dir.join(name), &bytes)?;
    Ok(PeerExported { path, seq, records })
}

/// What taking in one peer bundle did.
#[derive(Debug, Clone)]
pub struct PeerImported {
    pub path: PathBuf,
    /// The officer of the laptop that wrote it.
    pub from: String,
    pub seq: i64,
    pub merged: PeerMerged,
}

fn unknown_sender(id: Uuid) -> Error {
    Error::bundle(
        "bundle_unknown_key",
        format!(
            "Gói trao đổi này do một máy mà máy này chưa biết tạo ra (mã cài đặt {}). Không nhập gì. \
Hãy trao đổi với máy của Trưởng Công an xã trước (máy đó biết mọi máy của xã), rồi trao đổi lại.",
            short(id)
        ),
    )
}

/// Checks and takes in a peer bundle. A bundle taken in before is skipped (a stick keeps old bundles).
pub fn import(store: &mut Store, path: &Path, now: DateTime<Utc>) -> Result<PeerImported> {
    store.require(crate::Role::Officer, "trao đổi với máy khác")?;
    let (_, age) = store.sync_keys()?;
    let opened = bundle::open_file(path, &[crypto::parse_age_identity(&age)?]).map_err(|e| match e.code() {
        "bundle_not_for_us" => Error::bundle(
            "bundle_not_for_us",
            "Gói trao đổi này không được mã hóa cho máy này: máy gửi chưa biết máy này. Không nhập gì. \
Hãy trao đổi với máy của Trưởng Công an xã trước, rồi để máy gửi trao đổi lại.",
        ),
        _ => e,
    })?;
    let c = store.commune()?.clone();
    let m = opened.manifest.clone();
    if m.kind != BundleKind::Peer {
        return Err(Error::bundle(
            "bundle_wrong_kind",
            format!("Tệp này là {}, không phải gói trao đổi giữa các máy của xã. Không nhập gì.", m.kind.label()),
        ));
    }
    if m.installation_id == c.installation_id {
        return Err(Error::bundle("bundle_own", "Đây là gói do chính máy này xuất ra; không cần nhập."));
    }
    let hash = opened.hash();
    if let Some((_, officer, at)) = store.removed_peers()?.into_iter().find(|(id, _, _)| *id == m.installation_id) {
        return Err(Error::bundle(
            "bundle_revoked",
            format!(
                "Gói trao đổi này của {}, máy đã bị loại khỏi danh sách máy của xã lúc {} (báo mất hoặc bị lấy cắp). \
Không nhập gì. Nếu máy đã tìm lại được, Trưởng Công an xã hãy lập lời mời mới và cài lại máy đó.",
                if officer.is_empty() {
                    format!("máy {}", short(m.installation_id))
                } else {
                    format!("máy của {officer}")
                },
                crate::sync::province::local(&at)
            ),
        ));
    }
    let peers = store.peers()?;
    let known = peers.iter().find(|p| p.installation_id == m.installation_id).cloned();
    if store.peer_imported(&hash)?.is_some() {
        let from = known.map_or_else(|| short(m.installation_id), |p| p.officer);
        return Ok(PeerImported {
            path: path.to_owned(),
            from,
            seq: m.seq,
            merged: PeerMerged { replay: true, ..Default::default() },
        });
    }
    let mut token_hash = None;
    let verified = match &known {
        Some(p) => opened.verify(&PublicKey::parse(&p.sign_key)?)?,
        None => {
            // Not known yet: only a new laptop showing the token of an invitation written here.
            let sender = m.installation_id;
            let mut found = None;
            let v = opened.verify_self_signed_within(PEER_FILE, FIRST_BUNDLE_BYTES, |data| {
                let p: PeerPayload = serde_json::from_slice(data).map_err(|_| unknown_sender(sender))?;
                let token = p.token.as_deref().ok_or_else(|| unknown_sender(sender))?;
                let h = crypto::sha256_hex(token.as_bytes());
                let inv = store.invite(&h)?.ok_or_else(|| unknown_sender(sender))?;
                if inv.used_by.as_deref().is_some_and(|u| u != sender.to_string()) {
                    return Err(Error::bundle(
                        "peer_invite_used",
                        "Lời mời mà gói này dùng đã được một máy khác dùng. Không nhập gì. Hãy lập lời mời mới cho máy này.",
                    ));
                }
                if DateTime::parse_from_rfc3339(&inv.expires_at).is_ok_and(|t| t < now) {
                    return Err(Error::bundle(
                        "bundle_expired",
                        "Lời mời mà máy mới dùng đã hết hạn. Không nhập gì. Hãy lập lời mời mới cho máy này.",
                    ));
                }
                let me = p.peers.iter().find(|e| e.installation_id == sender).ok_or_else(|| unknown_sender(sender))?;
                found = Some(h);
                PublicKey::parse(&me.sign_key)
            })?;
            token_hash = found;
            v
        }
    };
    let m = verified.manifest().clone();
    if m.province_code != c.province_code || m.commune_code != c.commune_code {
        return Err(Error::bundle(
            "bundle_commune",
            format!(
                "Gói trao đổi này của xã có mã {} (tỉnh {}), không phải xã {} của máy này. Không nhập gì.",
                crate::text::printable(&m.commune_code, 10),
                crate::text::printable(&m.province_code, 4),
                c.commune_code
            ),
        ));
    }
    verified.check_time(now)?;
    let payload: PeerPayload = serde_json::from_slice(verified.file(PEER_FILE)?)
        .map_err(|_| bundle::damaged("danh sách máy (peer.json) không đọc được"))?;
    let mut roster = Vec::new();
    for e in &payload.peers {
        PublicKey::parse(&e.sign_key)?;
        crypto::parse_age_recipient(&e.recipient)?;
        let mut p = e.peer();
        p.officer = crate::text::printable(&crate::text::clean(&p.officer), 120);
        roster.push(p);
    }
    if !roster.iter().any(|p| p.installation_id == m.installation_id) {
        return Err(bundle::damaged("gói không ghi máy gửi trong danh sách máy"));
    }
    let range = m.changes.ok_or_else(|| bundle::damaged("bản kê thiếu khoảng thay đổi"))?;
    let versions = read_versions(verified.file(VERSIONS_FILE)?, &m)?;
    let from =
        roster.iter().find(|p| p.installation_id == m.installation_id).map(|p| p.officer.clone()).unwrap_or_default();
    let mut merged = store.apply_peer(&PeerIn {
        hash,
        sender: m.installation_id,
        epoch: m.epoch,
        seq: m.seq,
        after: range.after,
        to: range.to,
        roster,
        acks: payload.acks,
        token_hash,
        removed: payload.removed.clone(),
        counters: checked_counters(&payload.counters)?,
        versions,
        now: now.to_rfc3339(),
    })?;
    // The province's decisions the other laptop knows (an approval locks the period here too),
    // checked against the province's key: one this laptop cannot apply is said, not fatal.
    if m.files.iter().any(|f| f.path == DECISIONS_FILE) {
        match super::commune::relayed_decisions(store, verified.file(DECISIONS_FILE)?) {
            Ok(d) => merged.decisions = d.applied.len(),
            Err(e) => merged.decisions_refused = Some(e.to_string()),
        }
    }
    if m.files.iter().any(|f| f.path == NUMBERING_FILE) {
        let list: Vec<SignedHandover> = serde_json::from_slice(verified.file(NUMBERING_FILE)?)
            .map_err(|_| bundle::damaged("danh sách chuyển giao cấp số (numbering.json) không đọc được"))?;
        if let Some(why) = take_handovers(store, &list)? {
            merged.warnings.push(why);
        }
    }
    Ok(PeerImported { path: path.to_owned(), from, seq: m.seq, merged })
}

/// A laptop removed from the commune's list, and the numbering this laptop took over from it.
#[derive(Debug, Clone)]
pub struct Removed {
    pub peer: Peer,
    /// Set when the laptop removed was the one that numbers documents: this laptop numbers now.
    pub took_over: Option<Handover>,
}

/// Removes a lost or stolen laptop of the commune (the chief): `which` is its officer's name or the
/// last 8 hex digits of its installation id. Its peer bundles are refused from now on, new peer
/// bundles are no longer encrypted to it, and every other laptop removes it at its next exchange
/// with this one. The province still has to revoke its key (`province revoke`).
///
/// If the laptop removed was the one that numbers documents, the commune would otherwise never
/// number again (only that laptop may hand the numbering over): this laptop takes it over in the
/// same transaction, with a hand-over from the removed laptop to this one that this laptop signs.
/// The others accept such a hand-over only from a laptop they know, for a laptop they have removed
/// (`take_handovers`). Numbers the lost laptop gave after its last exchange with this one are not
/// known here (the message says so).
pub fn remove(store: &mut Store, which: &str, now: DateTime<Utc>) -> Result<Removed> {
    let wanted = crate::text::fold(which.trim());
    let id = store
        .peers()?
        .into_iter()
        .find(|p| crate::text::fold(&p.officer) == wanted || short(p.installation_id) == wanted)
        .map(|p| p.installation_id)
        .unwrap_or_default();
    let current = store.numbering()?;
    let took_over = if current.holder == Some(id) && !id.is_nil() {
        let c = store.commune()?.clone();
        Some(Handover {
            n: current.n + 1,
            from: id,
            to: c.installation_id,
            to_officer: c.officer.clone(),
            counters: store.known_counters()?,
            at: now.to_rfc3339(),
        })
    } else {
        None
    };
    let signed = match &took_over {
        Some(h) => Some(sign_handover(store, h)?),
        None => None,
    };
    let peer = store.remove_peer(id, &now.to_rfc3339(), took_over.as_ref().zip(signed.as_ref()))?;
    Ok(Removed { peer, took_over })
}

/// The document counters a peer bundle tells of, checked as typed: a series as the register names
/// them (short, printable), a year the register could hold, a bounded list.
fn checked_counters(list: &[(String, i32, u32)]) -> Result<Vec<(String, i32, u32)>> {
    const MOST: usize = 1_000;
    let fine = |(series, year, last): &(String, i32, u32)| {
        (1..=40).contains(&series.chars().count())
            && series.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '/' || c == '.')
            && (2000..=2200).contains(year)
            && *last <= 1_000_000
    };
    if list.len() > MOST || !list.iter().all(fine) {
        return Err(bundle::damaged("số văn bản đã cấp (counters) trong gói không hợp lệ"));
    }
    Ok(list.to_vec())
}

/// A hand-over as it travels, signed by this laptop.
fn sign_handover(store: &mut Store, h: &Handover) -> Result<SignedHandover> {
    let json = serde_json::to_string(h).map_err(|e| Error::Json(e.to_string()))?;
    let (signing, _) = store.sync_keys()?;
    let signature = signing.sign(json.as_bytes(), &format!("phongtrao numbering {}", h.n))?;
    Ok(SignedHandover { json, signature })
}

/// Hands the numbering of documents over to another laptop of the commune (the chief, on the
/// laptop that numbers): from now on this laptop gives no number; `to` (its officer's name or the
/// last 8 hex digits of its installation id) gives numbers once it takes in this laptop's next peer
/// bundle, after the last numbers this register gave. In the meantime no laptop gives numbers, so
/// two never hold the same number.
pub fn hand_over(store: &mut Store, to: &str, now: DateTime<Utc>) -> Result<Handover> {
    store.require(crate::Role::Chief, "chuyển việc cấp số văn bản sang máy khác")?;
    if let Some(by) = store.numbering_elsewhere()? {
        return Err(Error::Refused(format!(
            "Máy này không cấp số văn bản ({by} cấp số): chỉ máy đang cấp số mới chuyển được việc cấp số sang máy khác."
        )));
    }
    let wanted = crate::text::fold(to.trim());
    let peer = store
        .peers()?
        .into_iter()
        .find(|p| crate::text::fold(&p.officer) == wanted || short(p.installation_id) == wanted)
        .ok_or_else(|| {
            Error::field(
                "to",
                "Máy nhận việc cấp số",
                format!(
                    "máy này không biết máy nào của «{}» (xem phongtrao peer list)",
                    crate::text::printable(to, 60)
                ),
            )
        })?;
    let current = store.numbering()?;
    let h = Handover {
        n: current.n + 1,
        from: store.commune()?.installation_id,
        to: peer.installation_id,
        to_officer: peer.officer.clone(),
        counters: store.doc_counters()?,
        at: now.to_rfc3339(),
    };
    let signed = sign_handover(store, &h)?;
    store.apply_handover(&h, &signed)?;
    Ok(h)
}

/// Applies the hand-overs of the numbering this laptop lacks, in order: each must follow the last
/// one applied, come from the laptop that numbered, and carry that laptop's signature. Returns why
/// one was not applied (the exchange says it; the records are taken in all the same).
pub fn take_handovers(store: &mut Store, list: &[SignedHandover]) -> Result<Option<String>> {
    let me = store.commune()?.installation_id;
    for signed in list {
        let current = store.numbering()?;
        let Ok(h) = serde_json::from_str::<Handover>(&signed.json) else {
            return Ok(Some("Một chuyển giao cấp số văn bản không đọc được; máy này không đổi máy cấp số.".into()));
        };
        if h.n <= current.n {
            continue;
        }
        let bad = |why: &str| Ok(Some(format!("Chuyển giao cấp số văn bản số {} không được áp dụng: {why}.", h.n)));
        if h.n != current.n + 1 {
            return bad("máy này chưa nhận chuyển giao trước đó");
        }
        if current.holder.is_some_and(|x| x != h.from) {
            return bad("không do máy đang cấp số lập");
        }
        // A hand-over is signed by the laptop handing over. A laptop removed as lost cannot hand
        // over: the laptop that removed it takes the numbering with a hand-over from it that the
        // taker signs, accepted only for a laptop removed here too.
        let lost = store.removed_peers()?.iter().any(|(id, _, _)| *id == h.from);
        let mut key_of = |id: Uuid| -> Result<Option<PublicKey>> {
            if id == me {
                return Ok(Some(store.sync_keys()?.0.public_key()?));
            }
            let known = if lost && id == h.from {
                store.peer_sign_key(id)?
            } else {
                store.peers()?.into_iter().find(|p| p.installation_id == id).map(|p| p.sign_key)
            };
            known.map(|k| PublicKey::parse(&k)).transpose()
        };
        let mut keys = vec![key_of(h.from)?];
        if lost {
            keys.push(key_of(h.to)?);
        }
        let keys: Vec<PublicKey> = keys.into_iter().flatten().collect();
        if keys.is_empty() {
            return bad("do một máy mà máy này chưa biết lập");
        }
        if !keys.iter().any(|k| k.verify(signed.json.as_bytes(), &signed.signature).is_ok()) {
            return bad("chữ ký không đúng với khóa của máy lập");
        }
        if h.to != me && !store.peers()?.iter().any(|p| p.installation_id == h.to) {
            return bad("máy nhận việc cấp số chưa được máy này biết");
        }
        store.apply_handover(&h, signed)?;
    }
    Ok(None)
}

/// Every line of `versions.jsonl`, each checked as the province checks a line: a known register,
/// fields in a JSON object, values as a laptop stores them; counts as the manifest says.
fn read_versions(payload: &[u8], m: &Manifest) -> Result<Vec<(Kind, Uuid, Version)>> {
    let declared: u64 = m.counts.values().sum();
    if declared > MAX_VERSIONS {
        return Err(bundle::too_large(&format!("hơn {MAX_VERSIONS} phiên bản bản ghi")));
    }
    let mut out = Vec::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for line in bundle::lines(payload)? {
        let text = match line? {
            Line::Text(t) => t,
            Line::TooLong(_) | Line::NotText => return Err(bundle::damaged("một dòng dữ liệu không đọc được")),
        };
        if text.is_empty() {
            continue;
        }
        if out.len() as u64 >= declared {
            return Err(Error::bundle(
                "bundle_counts",
                "Gói trao đổi có nhiều dòng hơn bản kê đã ký ghi. Không nhập gì. Hãy trao đổi lại với máy gửi.",
            ));
        }
        let v: VersionLine =
            serde_json::from_str(&text).map_err(|_| bundle::damaged("một dòng dữ liệu không đọc được"))?;
        if let Some(why) = v.data.as_ref().and_then(super::province::unclean) {
            return Err(Error::bundle(
                "bundle_forbidden_entry",
                format!("Gói trao đổi có bản ghi {} sai dạng: {why}. Không nhập gì. Đừng dùng tệp này.", v.id),
            ));
        }
        if v.vv.get(&v.origin).is_none_or(|h| *h != v.hlc.0) || v.vv.values().any(|h| *h > v.hlc.0) {
            return Err(bundle::damaged("phiên bản của một bản ghi không khớp với đồng hồ của nó"));
        }
        let key = if v.data.is_some() { v.kind.code() } else { "deleted" };
        *counts.entry(key.to_owned()).or_default() += 1;
        out.push((v.kind, v.id, Version { hlc: v.hlc, origin: v.origin, vv: v.vv, data: v.data }));
    }
    let declared: BTreeMap<String, u64> =
        m.counts.iter().filter(|(_, n)| **n > 0).map(|(k, n)| (k.clone(), *n)).collect();
    if counts != declared {
        return Err(Error::bundle(
            "bundle_counts",
            "Số bản ghi trong gói trao đổi không khớp với bản kê đã ký. Không nhập gì. Hãy trao đổi lại với máy gửi.",
        ));
    }
    Ok(out)
}

/// What one exchange did: each peer bundle found, then the bundle written.
#[derive(Debug)]
pub struct Exchange {
    pub imported: Vec<(PathBuf, Result<PeerImported>)>,
    pub exported: Option<PeerExported>,
}

/// Every peer bundle in `dir` (not this laptop's own, not invitations), in name order.
pub fn bundles_in(store: &Store, dir: &Path) -> Result<Vec<PathBuf>> {
    let own = format!("-may-{}-", short(store.commune()?.installation_id));
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        // A folder not made yet holds no bundle; the export makes it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case(EXT))
                && name.contains("-may-")
                && !name.contains(&own)
                && p.is_file()
        })
        .collect();
    found.sort();
    Ok(found)
}

/// "Trao đổi với máy khác": takes in every other laptop's bundle in `dir` (one bad bundle stops none
/// of the others), then writes this laptop's bundle there (refused while no other laptop is known).
pub fn exchange(store: &mut Store, dir: &Path, now: DateTime<Utc>) -> Result<Exchange> {
    store.require(crate::Role::Officer, "trao đổi với máy khác")?;
    // The chief's laptop knows no other before the new laptop's first bundle: that one comes first.
    let mut imported = Vec::new();
    for path in bundles_in(store, dir)? {
        let r = import(store, &path, now);
        imported.push((path, r));
    }
    let exported = Some(export(store, dir, now)?);
    Ok(Exchange { imported, exported })
}

//! Several laptops of one commune as the window and the command line tell it: the laptops this one
//! knows, what an exchange did, and a conflict field by field. The rules are `store::peers` and
//! `sync::peer`'s.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::{self, Kind};
use crate::error::Result;
use crate::store::{Conflict, Names, Store};
use crate::sync::peer::{Exchange, PeerImported};

#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Serialize)]
pub struct PeerLine {
    pub officer: String,
    /// The last 8 hex digits of its installation id (as its bundles' names show them).
    pub short_id: String,
    pub fingerprint: String,
    /// "10:25 ngày 06/12/2026", or "chưa trao đổi".
    pub last_seen: String,
}

/// The page "Trao đổi với máy khác".
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Serialize)]
pub struct PeersView {
    pub officer: String,
    pub short_id: String,
    pub fingerprint: String,
    /// Who gives document numbers: "máy này" or the other laptop's officer.
    pub numbering: String,
    pub peers: Vec<PeerLine>,
    pub conflicts: u32,
    pub drives: Vec<String>,
}

fn short(id: Uuid) -> String {
    let s = id.simple().to_string();
    s[s.len() - 8..].to_owned()
}

pub fn view(store: &mut Store) -> Result<PeersView> {
    let (key, _) = store.sync_keys()?;
    let c = store.commune()?.clone();
    let peers = store
        .peers()?
        .into_iter()
        .map(|p| PeerLine {
            officer: p.officer.clone(),
            short_id: short(p.installation_id),
            fingerprint: crate::crypto::PublicKey::parse(&p.sign_key).map(|k| k.fingerprint()).unwrap_or_default(),
            last_seen: p
                .last_seen_at
                .as_deref()
                .map(crate::sync::province::local)
                .unwrap_or_else(|| "chưa trao đổi".to_owned()),
        })
        .collect();
    Ok(PeersView {
        officer: c.officer.clone(),
        short_id: short(c.installation_id),
        fingerprint: key.public_key()?.fingerprint(),
        numbering: numbering(store)?,
        peers,
        conflicts: store.conflicts()?.len().min(u32::MAX as usize) as u32,
        drives: crate::fsutil::removable_drives().iter().map(|p| p.display().to_string()).collect(),
    })
}

/// "máy này" when this laptop numbers documents, else who does.
pub fn numbering(store: &Store) -> Result<String> {
    Ok(store.numbering_elsewhere()?.unwrap_or_else(|| "máy này".to_owned()))
}

/// One line about one peer bundle taken in.
pub fn imported(i: &PeerImported) -> String {
    let m = &i.merged;
    if m.replay {
        return format!("Gói số {} của máy {}: đã nhận trước đây, bỏ qua.", i.seq, i.from);
    }
    let mut s = format!(
        "Gói số {} của máy {}: {} bản ghi mới hoặc đã sửa, {} không đổi",
        i.seq,
        i.from,
        crate::text::format_int(m.applied as i64),
        crate::text::format_int(m.unchanged as i64)
    );
    if m.conflicts > 0 {
        s.push_str(&format!(", {} xung đột mới cần giải quyết", m.conflicts));
    }
    s.push('.');
    if !m.new_peers.is_empty() {
        s.push_str(&format!(" Biết thêm máy của: {}.", m.new_peers.join(", ")));
    }
    if m.removed > 0 {
        s.push_str(&format!(
            " Loại {} máy bị mất hoặc bị lấy cắp khỏi danh sách máy của xã (theo máy gửi).",
            m.removed
        ));
    }
    if m.decisions > 0 {
        s.push_str(&format!(
            " Nhận thêm {} quyết định của Công an tỉnh (đã kiểm tra chữ ký của tỉnh): kỳ đã duyệt thì đã khóa ở máy này.",
            m.decisions
        ));
    }
    if let Some(why) = &m.decisions_refused {
        s.push_str(&format!(" Quyết định của Công an tỉnh trong gói không áp dụng được: {why}"));
    }
    for w in &m.warnings {
        s.push_str(&format!(" Cần xem lại: {w}."));
    }
    for w in &m.locked {
        s.push_str(&format!(" Sửa sau khi duyệt: {w}."));
    }
    s
}

/// What an exchange did, line by line: each bundle found, then the one written.
pub fn exchange_lines(e: &Exchange) -> Vec<String> {
    let mut out = Vec::new();
    if e.imported.is_empty() {
        out.push("Trên USB chưa có gói của máy khác.".to_owned());
    }
    for (path, r) in &e.imported {
        match r {
            Ok(i) => out.push(imported(i)),
            Err(err) => out.push(format!(
                "{}: không nhập được. {err}",
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            )),
        }
    }
    if let Some(x) = &e.exported {
        out.push(format!(
            "Đã ghi gói số {} của máy này ({} bản ghi) vào {}.",
            x.seq,
            crate::text::format_int(x.records as i64),
            x.path.display()
        ));
    }
    out
}

/// A version of a record in conflict, as its column head says it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Serialize)]
pub struct VersionHead {
    /// 1-based, as the command line's `--keep N` takes it.
    pub number: u32,
    /// "Máy này (Nguyễn Văn An)" or the other laptop's officer.
    pub who: String,
    /// When the change was made (dd/mm/yyyy HH:MM).
    pub when: String,
    pub deleted: bool,
    /// The version shown now (the other laptops show it too).
    pub shown: bool,
}

/// One field of a record in conflict, its value in each version.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Serialize)]
pub struct FieldDiff {
    pub key: String,
    pub label: String,
    pub values: Vec<String>,
    /// The versions disagree on it.
    pub differs: bool,
}

/// A record in conflict as the conflict screen shows it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    pub id: Uuid,
    pub kind: Kind,
    /// "Khu dân cư «Thôn 1»".
    pub title: String,
    pub versions: Vec<VersionHead>,
    pub fields: Vec<FieldDiff>,
    /// Only one version may be kept whole (a certification, a dissolved model, a deletion).
    pub whole_only: bool,
}

fn who(store: &Store, origin: Uuid) -> Result<String> {
    let c = store.commune()?;
    if origin == c.installation_id {
        return Ok(format!("Máy này ({})", c.officer));
    }
    Ok(store
        .peers()?
        .into_iter()
        .find(|p| p.installation_id == origin)
        .map_or_else(|| format!("Máy {}", short(origin)), |p| format!("Máy của {}", p.officer)))
}

pub fn conflict(store: &Store, c: &Conflict) -> Result<ConflictView> {
    let names = Names::new(store);
    let versions = c
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let at = chrono::DateTime::from_timestamp_millis(v.hlc.millis() as i64).unwrap_or_default();
            Ok(VersionHead {
                number: i as u32 + 1,
                who: who(store, v.origin)?,
                when: crate::date::display_local(at),
                deleted: v.data.is_none(),
                shown: i == 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let live = c.versions.iter().find_map(|v| v.data.clone()).unwrap_or_default();
    let fields = store.fields_for(c.kind, &live)?;
    let mut keys: Vec<String> = fields.iter().map(|f| f.key.clone()).collect();
    for v in &c.versions {
        for k in v.data.iter().flat_map(|d| d.keys()) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let mut out = Vec::new();
    for key in keys {
        let field = fields.iter().find(|f| f.key == key);
        let values: Vec<String> = c
            .versions
            .iter()
            .map(|v| match &v.data {
                None => "(đã xóa)".to_owned(),
                Some(d) => match (d.get(&key), field) {
                    (None | Some(Value::Null), _) => String::new(),
                    (Some(val), Some(f)) => names.value(f, val),
                    (Some(val), None) => crate::text::printable(&val.to_string(), 200),
                },
            })
            .collect();
        let raw: Vec<Option<&Value>> = c.versions.iter().map(|v| v.data.as_ref().and_then(|d| d.get(&key))).collect();
        let differs = raw.iter().any(|r| *r != raw[0]);
        if values.iter().all(String::is_empty) {
            continue;
        }
        out.push(FieldDiff { label: field.map_or_else(|| key.clone(), |f| f.label.clone()), key, values, differs });
    }
    let whole_only = c.kind == Kind::Cert
        || c.versions.iter().any(|v| v.data.is_none())
        || (c.kind == Kind::Model
            && c.versions.iter().any(|v| v.data.as_ref().is_some_and(domain::model::is_dissolved)));
    Ok(ConflictView {
        id: c.id,
        kind: c.kind,
        title: format!("{} «{}»", crate::text::capitalise(c.kind.label()), c.title),
        versions,
        fields: out,
        whole_only,
    })
}

/// A change to a record of an approved period taken in from another laptop, as listed «Sửa sau khi
/// duyệt»: the record as it was shown here and as it came, field by field.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Serialize)]
pub struct LockedView {
    pub id: Uuid,
    /// "Hoạt động «Tuyên truyền tháng 11»".
    pub title: String,
    /// "Tháng 11/2026 (15/10/2026 – 14/11/2026), Công an tỉnh duyệt (Thượng tá Lê Văn C, lúc …)".
    pub period: String,
    /// "Máy của Trần Văn Bình, nhận lúc 10:25 ngày 06/12/2026".
    pub from: String,
    /// Two values each: before (here), as it came; "(chưa có)" or "(đã xóa)" for no record.
    pub fields: Vec<FieldDiff>,
}

/// Every change taken into an approved period from another laptop, the latest first.
pub fn locked_merges(store: &Store) -> Result<Vec<LockedView>> {
    store
        .locked_merges()?
        .into_iter()
        .map(|m| {
            let version = |data: &Option<crate::domain::Doc>| crate::store::Version {
                hlc: crate::hlc::Hlc(0),
                origin: Uuid::nil(),
                vv: Default::default(),
                data: data.clone(),
            };
            let c = Conflict {
                id: m.id,
                kind: m.kind,
                title: m.title.clone(),
                versions: vec![version(&m.old), version(&m.new)],
            };
            let mut fields = conflict(store, &c)?.fields;
            if m.old.is_none() {
                for f in &mut fields {
                    f.values[0] = "(chưa có)".to_owned();
                }
            }
            fields.retain(|f| f.differs || m.old.is_none() || m.new.is_none());
            Ok(LockedView {
                id: m.id,
                title: format!("{} «{}»", crate::text::capitalise(m.kind.label()), m.title),
                period: format!(
                    "{}, Công an tỉnh duyệt ({}, lúc {})",
                    m.period,
                    m.approved_by,
                    crate::sync::province::local(&m.approved_at)
                ),
                from: format!("Máy của {}, nhận lúc {}", m.from, crate::sync::province::local(&m.at)),
                fields,
            })
        })
        .collect()
}

/// What the chief's laptop says after removing a lost or stolen laptop.
pub fn removed(r: &crate::sync::peer::Removed) -> String {
    let p = &r.peer;
    let key = crate::crypto::PublicKey::parse(&p.sign_key).map(|k| k.key_id()).unwrap_or_default();
    let mut said = format!(
        "Đã loại máy của {} khỏi danh sách máy của xã: từ bây giờ gói trao đổi của máy đó bị từ chối và gói mới không còn \
mã hóa cho máy đó; các máy khác loại máy đó khi trao đổi với máy này. Hãy báo Công an tỉnh thu hồi khóa của máy đó (mã khóa {key}): \
phongtrao province revoke --key-id {key}.",
        p.officer
    );
    if r.took_over.is_some() {
        let last = p.last_seen_at.as_deref().map(crate::sync::province::local);
        said.push_str(&format!(
            " Máy đó đang cấp số văn bản: từ bây giờ máy này cấp số, tiếp sau các số máy này đã biết; các máy khác biết \
điều đó khi trao đổi với máy này. Số văn bản máy đó cấp sau lần trao đổi cuối với máy này ({}) máy này không biết: hãy \
đối chiếu sổ đăng ký văn bản giấy trước khi in văn bản mới có số.",
            last.unwrap_or_else(|| "chưa trao đổi lần nào".to_owned())
        ));
    }
    said
}

/// What the laptop handing the numbering of documents over says.
pub fn handed_over(h: &crate::store::Handover) -> String {
    format!(
        "Đã chuyển việc cấp số văn bản sang máy của {}: từ bây giờ máy này không cấp số. Máy đó cấp số tiếp (sau các số \
sổ văn bản của máy này đã cấp) từ khi nhận gói trao đổi tiếp theo của máy này: hãy trao đổi với máy đó.",
        h.to_officer
    )
}

/// What the new laptop says of the accounts the invitation copied without a password.
pub fn awaiting_password(store: &Store) -> Result<Vec<String>> {
    let names = store.accounts_awaiting_password()?;
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![format!(
        "Tài khoản chép từ máy của Trưởng Công an xã, chưa có mật khẩu ở máy này: {}. Chưa ai đăng nhập được bằng các tài khoản này cho đến khi Trưởng Công an xã đặt mật khẩu lần đầu ở máy này (phongtrao account passwd TÊN, hoặc mục «Tài khoản»).",
        names.join(", ")
    )])
}

/// Every record in conflict, as the conflict screen lists them.
pub fn conflicts(store: &Store) -> Result<Vec<ConflictView>> {
    store.conflicts()?.iter().map(|c| conflict(store, c)).collect()
}

/// A field taken from another version in a decision.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TakeField {
    pub field: String,
    /// 1-based version number.
    pub version: u32,
}

/// The decision the conflict screen sends: the version kept (1-based), and fields from others.
pub fn resolution(keep: u32, take: &[TakeField]) -> Result<crate::store::Resolution> {
    let index = |n: u32| -> Result<usize> {
        if n == 0 {
            return Err(crate::Error::field("version", "Phiên bản", "hãy chọn phiên bản giữ lại"));
        }
        Ok(n as usize - 1)
    };
    let base = index(keep)?;
    let mut fields = std::collections::BTreeMap::new();
    for t in take {
        let v = index(t.version)?;
        if v != base {
            fields.insert(t.field.clone(), v);
        }
    }
    Ok(if fields.is_empty() {
        crate::store::Resolution::Keep(base)
    } else {
        crate::store::Resolution::Combine { base, take: fields }
    })
}

/// An invitation as the new laptop's first run shows it, before it is taken.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    /// "Xã Ia Đal, Quảng Ngãi".
    pub commune: String,
    /// The officer of the laptop that wrote it.
    pub inviter: String,
    /// Its key's fingerprint, to compare with what that laptop shows.
    pub fingerprint: String,
    /// Who the new laptop is for.
    pub officer: String,
    /// The account made here (its password is typed here).
    pub username: String,
    pub numbering: String,
}

pub fn invitation(file: &str) -> Result<InvitationView> {
    let path = super::sync::chosen_bundle(file)?;
    let (inv, fingerprint) = crate::sync::peer::read_invitation(&path, chrono::Utc::now())?;
    Ok(InvitationView {
        commune: format!("{}, {}", inv.commune, inv.province),
        inviter: inv.inviter.officer,
        fingerprint,
        officer: inv.officer,
        username: inv.chief.username,
        numbering: inv.numbering_by,
    })
}

/// The password typed twice on the new laptop: the rule of every password, and the same both times.
pub fn join_password(password: &str, again: &str) -> Result<()> {
    crate::domain::account::check_password(password)?;
    if password != again {
        return Err(crate::Error::field("password_again", "Nhập lại mật khẩu", "không giống mật khẩu đã gõ"));
    }
    Ok(())
}

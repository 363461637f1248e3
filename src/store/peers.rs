//! Several installations (laptops) of one commune: the versions of a record and their merge, the
//! conflict queue, the commune's other installations and what each acknowledged, invitations, and who
//! numbers documents (migration 0009). The bundle format is `crate::sync::peer`'s; docs/SYNC.md
//! ("Several laptops of one commune") states the rules.
//!
//! A record version carries a version vector: per installation, the stamp of the latest change made
//! there that the version includes. A version `x` is superseded by `y` when `y`'s vector covers
//! `x`'s (whoever made `y` had seen `x`). A record's state is the set of its versions that nothing
//! supersedes (its frontier): merging two installations' states is the frontier of their union, so
//! every installation that has seen the same versions holds the same state, whatever the order of the
//! exchanges. One version is shown (an edit over a deletion, then the later stamp, then the greater
//! installation id); more than one version in the frontier is a conflict, queued until a person
//! decides, and the decision (a new version covering them all) travels like any change.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::audit::Audited;
use super::bundles::{set_state, state};
use super::{Store, Tx};
use crate::domain::review::Decision;
use crate::domain::{self, Checked, Doc, Kind, Saved};
use crate::error::{Error, Result};
use crate::hlc::Hlc;

/// A version vector: per installation, the stamp of its latest change a version includes.
pub type Vv = BTreeMap<Uuid, u64>;

pub(super) fn vv_put(vv: &mut Vv, origin: Uuid, hlc: Hlc) {
    let e = vv.entry(origin).or_default();
    *e = (*e).max(hlc.0);
}

fn vv_join(a: &mut Vv, b: &Vv) {
    for (k, v) in b {
        let e = a.entry(*k).or_default();
        *e = (*e).max(*v);
    }
}

/// `a` covers `b`: every change `b` includes, `a` includes too.
pub fn vv_dominates(a: &Vv, b: &Vv) -> bool {
    b.iter().all(|(k, v)| a.get(k).is_some_and(|x| x >= v))
}

pub(super) fn vv_text(vv: &Vv) -> String {
    serde_json::to_string(vv).unwrap_or_else(|_| "{}".into())
}

fn vv_read(text: Option<&str>, origin: Uuid, hlc: Hlc) -> Vv {
    let mut vv: Vv = text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
    vv_put(&mut vv, origin, hlc);
    vv
}

/// Whether a record has versions in conflict that differ (two deletions, or two laptops making the
/// same change, are nothing to decide).
pub(super) fn in_conflict(conn: &Connection, id: Uuid) -> Result<bool> {
    let any = conn
        .prepare_cached("SELECT 1 FROM record_sibling WHERE id = ?1 LIMIT 1")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some();
    Ok(any && versions_of(conn, id)?.is_some_and(|(_, v)| differ(&v)))
}

fn differ(versions: &[Version]) -> bool {
    versions.iter().any(|v| v.data != versions[0].data)
}

/// The version vector a change made here builds on: the record's shown version, and the versions in
/// conflict with it that hold the same fields (two laptops made the same change: the officer has seen
/// both). Those leave the queue with this change; versions that differ stay in conflict.
pub(super) fn local_base(conn: &Connection, id: Uuid) -> Result<Vv> {
    let Some((_, versions)) = versions_of(conn, id)? else { return Ok(Vv::new()) };
    let mut vv = versions[0].vv.clone();
    for v in versions.iter().skip(1).filter(|v| v.data == versions[0].data) {
        vv_join(&mut vv, &v.vv);
        conn.prepare_cached("DELETE FROM record_sibling WHERE id = ?1 AND hlc = ?2 AND origin = ?3")?
            .execute(params![id.to_string(), v.hlc.0 as i64, v.origin.to_string()])?;
    }
    Ok(vv)
}

pub(super) fn clear_siblings(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM record_sibling WHERE id = ?1")?.execute([id.to_string()])?;
    Ok(())
}

/// One version of a record: its stamp, the installation that made it, its version vector, and its
/// fields (`None`: a deletion).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub hlc: Hlc,
    pub origin: Uuid,
    pub vv: Vv,
    pub data: Option<Doc>,
}

impl Version {
    /// The order in which the version shown is chosen: an edit over a deletion, then the later
    /// stamp, then the greater installation id.
    fn rank(&self) -> (bool, Hlc, Uuid) {
        (self.data.is_some(), self.hlc, self.origin)
    }

    fn key(&self) -> (Hlc, Uuid) {
        (self.hlc, self.origin)
    }
}

/// One line of a peer bundle's `versions.jsonl`: a version of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionLine {
    pub id: Uuid,
    pub kind: Kind,
    pub hlc: Hlc,
    pub origin: Uuid,
    pub vv: Vv,
    pub data: Option<Doc>,
}

/// Another installation of the commune, as this one knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    pub installation_id: Uuid,
    /// The officer the laptop belongs to, as the invitation named them.
    pub officer: String,
    /// minisign `.pub` text.
    pub sign_key: String,
    /// age recipient (`age1…`).
    pub recipient: String,
    #[serde(default)]
    pub added_at: String,
    /// The highest of this installation's change numbers the peer said it holds.
    #[serde(default)]
    pub sent_ack: i64,
    /// The highest of the peer's own change numbers taken in here without a hole.
    #[serde(default)]
    pub recv_seq: i64,
    #[serde(default)]
    pub last_seen_at: Option<String>,
}

/// "I hold your changes up to `seq`": what a peer bundle says to each installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerAck {
    pub installation_id: Uuid,
    pub seq: i64,
}

/// An invitation written here (its token is kept only as a hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invite {
    pub token_hash: String,
    pub officer: String,
    pub created_at: String,
    pub expires_at: String,
    pub used_by: Option<String>,
}

/// A peer bundle, signature and hashes checked and every line parsed, ready to merge.
#[derive(Debug, Clone)]
pub struct PeerIn {
    pub hash: String,
    pub sender: Uuid,
    pub epoch: i64,
    /// The bundle's number among the sender's peer bundles.
    pub seq: i64,
    /// The sender's change numbers it covers: `after < seq <= to`.
    pub after: i64,
    pub to: i64,
    /// The installations the sender knows, itself included.
    pub roster: Vec<Peer>,
    pub acks: Vec<PeerAck>,
    /// The invitation token of a sender not known yet (checked against `peer_invite`).
    pub token_hash: Option<String>,
    /// The laptops the sender removed from the commune's list (lost or stolen).
    pub removed: Vec<Uuid>,
    /// The last document numbers the sender knows were given: (series, year, last number).
    pub counters: Vec<(String, i32, u32)>,
    pub versions: Vec<(Kind, Uuid, Version)>,
    pub now: String,
}

/// What taking in a peer bundle did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PeerMerged {
    /// The bundle was taken in before: nothing done.
    pub replay: bool,
    /// Records whose state changed.
    pub applied: usize,
    /// Records already as the bundle has them (or newer).
    pub unchanged: usize,
    /// Records newly in conflict.
    pub conflicts: usize,
    /// Installations learned from this bundle (officers' names).
    pub new_peers: Vec<String>,
    /// Records that break a rule after the merge (two laptops changed related records): to review.
    pub warnings: Vec<String>,
    /// Changes to records of a period the province approved, made on the other laptop before it
    /// knew of the approval: taken in, listed (`Store::locked_merges`), for the province to decide.
    pub locked: Vec<String>,
    /// The province's decisions the bundle carried that were new here (checked against the
    /// province's key), or why they could not be applied.
    pub decisions: usize,
    pub decisions_refused: Option<String>,
    /// Laptops removed from the commune's list by this bundle (lost or stolen).
    pub removed: usize,
}

/// A record in conflict: the version shown first, then the others, latest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub id: Uuid,
    pub kind: Kind,
    pub title: String,
    pub versions: Vec<Version>,
}

/// A change to a record of an approved period taken in from another laptop (`Store::locked_merges`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LockedMerge {
    pub n: i64,
    pub id: Uuid,
    pub kind: Kind,
    pub title: String,
    /// The period's label ("Tháng 11/2026 (15/10/2026 – 14/11/2026)"), who approved it and when.
    pub period: String,
    pub approved_by: String,
    pub approved_at: String,
    /// The officer of the laptop whose bundle brought it.
    pub from: String,
    /// The record as it was shown here before (`None`: not here, or deleted) and as it came.
    pub old: Option<Doc>,
    pub new: Option<Doc>,
    pub at: String,
}

/// The numbering of documents handed from one laptop of the commune to another (`phongtrao peer
/// numbering`): from the moment the laptop handing over writes it, it gives no number; the laptop
/// receiving it gives numbers once it takes it in, after the last numbers the register gave
/// (`counters`). Numbered 1, 2, 3… along the commune's history; signed by the laptop handing over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub n: i64,
    pub from: Uuid,
    pub to: Uuid,
    pub to_officer: String,
    /// The register's counters when handed over: (series, year, last number given).
    pub counters: Vec<(String, i32, u32)>,
    pub at: String,
}

/// A hand-over as it travels: its JSON text and the minisign signature of the laptop handing over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHandover {
    pub json: String,
    pub signature: String,
}

/// Who numbers documents, as this laptop knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbering {
    /// How many hand-overs this laptop has applied.
    pub n: i64,
    /// The laptop that numbers (`None`: not known, a laptop joined before hand-overs existed).
    pub holder: Option<Uuid>,
    pub handovers: Vec<SignedHandover>,
}

/// A person's decision on a conflict (indices into [`Conflict::versions`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Keep one version as it is (a deletion too).
    Keep(usize),
    /// Start from `base` and take the listed fields from other versions.
    Combine { base: usize, take: BTreeMap<String, usize> },
}

const PEER_COLUMNS: &str = "installation_id, officer, sign_key, recipient, added_at, sent_ack, recv_seq, last_seen_at";

fn peer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Peer> {
    let id: String = r.get(0)?;
    Ok(Peer {
        installation_id: Uuid::parse_str(&id).unwrap_or_default(),
        officer: r.get(1)?,
        sign_key: r.get(2)?,
        recipient: r.get(3)?,
        added_at: r.get(4)?,
        sent_ack: r.get(5)?,
        recv_seq: r.get(6)?,
        last_seen_at: r.get(7)?,
    })
}

fn insert_peer(conn: &Connection, p: &Peer, now: &str) -> Result<bool> {
    Ok(conn.execute(
        "INSERT INTO peer (installation_id, officer, sign_key, recipient, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (installation_id) DO NOTHING",
        params![p.installation_id.to_string(), p.officer, p.sign_key, p.recipient, now],
    )? > 0)
}

/// The versions of a record: its row first (if any), then its siblings, latest first.
fn versions_of(conn: &Connection, id: Uuid) -> Result<Option<(Kind, Vec<Version>)>> {
    type Row = (String, Option<String>, i64, String, Option<String>);
    let row: Option<Row> = conn
        .prepare_cached("SELECT kind, data, hlc, origin, vv FROM record WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((kind, data, hlc, origin, vv)) = row else { return Ok(None) };
    let kind = Kind::parse(&kind).ok_or_else(|| Error::Json(format!("bản ghi «{id}» có loại lạ")))?;
    let origin = Uuid::parse_str(&origin).unwrap_or_default();
    let parse = |d: Option<String>| -> Result<Option<Doc>> {
        d.map(|s| serde_json::from_str(&s).map_err(|e| Error::Json(e.to_string()))).transpose()
    };
    let mut out = vec![Version {
        hlc: Hlc(hlc as u64),
        origin,
        vv: vv_read(vv.as_deref(), origin, Hlc(hlc as u64)),
        data: parse(data)?,
    }];
    let sibs = super::all_rows(
        conn,
        "SELECT hlc, origin, vv, data FROM record_sibling WHERE id = ?1 ORDER BY hlc DESC, origin DESC",
        [id.to_string()],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)),
    )?;
    for (hlc, origin, vv, data) in sibs {
        let origin = Uuid::parse_str(&origin).unwrap_or_default();
        out.push(Version {
            hlc: Hlc(hlc as u64),
            origin,
            vv: vv_read(Some(&vv), origin, Hlc(hlc as u64)),
            data: parse(data)?,
        });
    }
    Ok(Some((kind, out)))
}

/// The versions of `all` that no other version supersedes, without repeats.
fn frontier(all: Vec<Version>) -> Vec<Version> {
    let mut seen = BTreeSet::new();
    let unique: Vec<Version> = all.into_iter().filter(|v| seen.insert(v.key())).collect();
    unique
        .iter()
        .filter(|x| !unique.iter().any(|y| y.key() != x.key() && vv_dominates(&y.vv, &x.vv)))
        .cloned()
        .collect()
}

fn version_json(v: &Version) -> Value {
    serde_json::json!({"hlc": v.hlc, "origin": v.origin, "deleted": v.data.is_none(),
        "data": v.data.clone().map(Value::Object)})
}

/// The counters other laptops' bundles told this one of.
fn known_counters(conn: &Connection) -> Result<Vec<(String, i32, u32)>> {
    Ok(state(conn, "known_counters")?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
}

/// The larger last number of each (series, year) of two lists, in order.
fn join_counters(mut a: Vec<(String, i32, u32)>, b: &[(String, i32, u32)]) -> Vec<(String, i32, u32)> {
    for (series, year, last) in b {
        match a.iter_mut().find(|(s, y, _)| s == series && y == year) {
            Some(x) => x.2 = x.2.max(*last),
            None => a.push((series.clone(), *year, *last)),
        }
    }
    a.sort();
    a
}

/// Applies a hand-over of the numbering inside a write (`me`: this installation; `current`: the
/// numbering before it).
fn handover_tx(tx: &mut Tx<'_>, me: Uuid, current: &Numbering, h: &Handover, signed: &SignedHandover) -> Result<()> {
    set_state(&tx.tx, "numbering_n", &h.n.to_string())?;
    set_state(&tx.tx, "numbering_id", &h.to.to_string())?;
    if h.to == me {
        tx.tx.execute("DELETE FROM sync_state WHERE key = 'numbering_by'", [])?;
        for (series, year, last) in &h.counters {
            super::documents::claim_number(&tx.tx, series, *year, *last)?;
        }
    } else {
        set_state(&tx.tx, "numbering_by", &format!("máy của {}", h.to_officer))?;
    }
    let mut all = current.handovers.clone();
    all.push(signed.clone());
    set_state(&tx.tx, "numbering_handovers", &serde_json::to_string(&all).map_err(|e| Error::Json(e.to_string()))?)?;
    let v = serde_json::json!({"n": h.n, "from": h.from, "to": h.to, "to_officer": h.to_officer,
        "counters": h.counters});
    tx.audit("numbering_handover", Some(&v))
}

fn mark_removed(tx: &mut Tx<'_>, id: Uuid, by: &str, now: &str) -> Result<bool> {
    // A laptop never known here is recorded as removed too, so that no roster brings it in later.
    let n = tx.tx.execute(
        "INSERT INTO peer (installation_id, officer, sign_key, recipient, added_at, removed_at, removed_by)
         VALUES (?1, '', '', '', ?2, ?2, ?3)
         ON CONFLICT (installation_id) DO UPDATE SET removed_at = excluded.removed_at, removed_by = excluded.removed_by
         WHERE peer.removed_at IS NULL",
        params![id.to_string(), now, by],
    )?;
    if n > 0 {
        tx.audit("peer_remove", Some(&serde_json::json!({"installation_id": id, "by": by})))?;
    }
    Ok(n > 0)
}

impl Tx<'_> {
    /// Merges the versions a peer (`from`: its installation and officer) sent of one record into its
    /// state here. Returns (changed, newly in conflict, the approval whose period it changed).
    fn merge_versions(
        &mut self,
        kind: Kind,
        id: Uuid,
        incoming: Vec<Version>,
        from: (Uuid, &str),
    ) -> Result<(bool, bool, Option<Decision>)> {
        let local = versions_of(&self.tx, id)?;
        let mut all = Vec::new();
        let before: BTreeSet<(Hlc, Uuid)> = match &local {
            Some((k, versions)) => {
                if *k != kind {
                    return Err(Error::Refused(format!(
                        "Bản ghi {id} là {} ở máy này nhưng là {} trong gói nhận được.",
                        k.label(),
                        kind.label()
                    )));
                }
                all.extend(versions.iter().cloned());
                versions.iter().map(Version::key).collect()
            }
            None => BTreeSet::new(),
        };
        let max_in = incoming.iter().map(|v| v.hlc).max().unwrap_or_default();
        all.extend(incoming);
        let front = frontier(all);
        let after: BTreeSet<(Hlc, Uuid)> = front.iter().map(Version::key).collect();
        if after == before {
            return Ok((false, false, None));
        }
        let clock = Hlc::observe(Hlc(self.counter("hlc")? as u64), max_in, Hlc::wall_ms());
        self.set_clock(clock)?;
        let shown = front.iter().max_by_key(|v| v.rank()).cloned().expect("a frontier is never empty");
        let old = self.reader().live_doc(kind, id)?;
        let checked = match &shown.data {
            Some(doc) => {
                Some(Checked { doc: doc.clone(), title: domain::title(kind, doc, &*self)?, warnings: Vec::new() })
            }
            None => None,
        };
        // A version made on a laptop that did not know yet of the province's approval of its period:
        // taken in (every laptop must end with the same records), listed here for the officers, and
        // held at the province when a bundle brings it there, for its reviewer to decide.
        let mut locked = None;
        let others: Vec<&Version> = front.iter().filter(|v| v.key() != shown.key()).collect();
        for v in std::iter::once(&shown).chain(others.iter().copied()) {
            if locked.is_none() && !before.contains(&v.key()) && v.data != old {
                locked = self.lock_touched(kind, old.as_ref(), v.data.as_ref())?;
                if let Some(lock) = &locked {
                    let title = checked.as_ref().map_or_else(
                        || self.reader().record(id).map(|r| r.map(|r| r.title).unwrap_or_default()),
                        |c| Ok(c.title.clone()),
                    )?;
                    self.tx.execute(
                        "INSERT INTO locked_merge (id, kind, title, decision, from_id, from_officer, old, new, at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![
                            id.to_string(),
                            kind.code(),
                            title,
                            lock.n,
                            from.0.to_string(),
                            from.1,
                            old.clone().map(|d| Value::Object(d).to_string()),
                            v.data.clone().map(|d| Value::Object(d).to_string()),
                            chrono::Utc::now().to_rfc3339()
                        ],
                    )?;
                }
            }
        }
        self.merging = true;
        let written = self.write_version(kind, id, checked.as_ref(), shown.hlc, shown.origin, &shown.vv);
        self.merging = false;
        written?;
        clear_siblings(&self.tx, id)?;
        for v in &others {
            self.tx
                .prepare_cached("INSERT INTO record_sibling (id, hlc, origin, vv, data) VALUES (?1, ?2, ?3, ?4, ?5)")?
                .execute(params![
                    id.to_string(),
                    v.hlc.0 as i64,
                    v.origin.to_string(),
                    vv_text(&v.vv),
                    v.data.as_ref().map(|d| Value::Object(d.clone()).to_string())
                ])?;
        }
        let new = shown.data.clone().map(Value::Object);
        let old = old.map(Value::Object);
        if old != new {
            let action = if new.is_some() { "sync" } else { "sync-delete" };
            self.audit_change(
                action,
                Audited { kind: Some(kind), id: Some(id), old: old.as_ref(), new: new.as_ref() },
            )?;
        }
        let was_conflict = before.len() > 1;
        if !others.is_empty() {
            // Every version in conflict, the losing ones too, stays in the record's history.
            let v = serde_json::json!({"versions": front.iter().map(version_json).collect::<Vec<_>>()});
            self.audit_change("conflict", Audited { kind: Some(kind), id: Some(id), old: None, new: Some(&v) })?;
        }
        Ok((true, !others.is_empty() && !was_conflict, locked))
    }
}

impl Store {
    /// The commune's other installations this one knows.
    pub fn peers(&self) -> Result<Vec<Peer>> {
        super::all_rows(
            &self.conn,
            &format!("SELECT {PEER_COLUMNS} FROM peer WHERE removed_at IS NULL ORDER BY added_at, installation_id"),
            [],
            peer_row,
        )
    }

    /// The signing key a laptop of the commune had, removed or not (`None`: never known here).
    pub fn peer_sign_key(&self, id: Uuid) -> Result<Option<String>> {
        let key: Option<String> = self
            .conn
            .query_row("SELECT sign_key FROM peer WHERE installation_id = ?1", [id.to_string()], |r| r.get(0))
            .optional()?;
        Ok(key.filter(|k| !k.is_empty()))
    }

    /// The laptops removed from the commune's list (lost or stolen): installation id, officer, when.
    pub fn removed_peers(&self) -> Result<Vec<(Uuid, String, String)>> {
        super::all_rows(
            &self.conn,
            "SELECT installation_id, officer, removed_at FROM peer WHERE removed_at IS NOT NULL ORDER BY removed_at",
            [],
            |r| Ok((Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(), r.get(1)?, r.get(2)?)),
        )
    }

    /// Removes a laptop of the commune from this one's list (the chief; a lost or stolen laptop):
    /// its peer bundles are refused from now on, new peer bundles are not encrypted to it, and the
    /// removal travels in every peer bundle to the other laptops. When the laptop removed was the one
    /// that numbers documents, `take_over` (made and signed by `crate::sync::peer`) moves the
    /// numbering to this laptop in the same transaction. One transaction, audited.
    pub fn remove_peer(
        &mut self,
        id: Uuid,
        now: &str,
        take_over: Option<(&Handover, &SignedHandover)>,
    ) -> Result<Peer> {
        self.require(crate::Role::Chief, "loại máy khỏi danh sách máy của xã")?;
        let peer = self.peers()?.into_iter().find(|p| p.installation_id == id).ok_or_else(|| {
            Error::field(
                "laptop",
                "Máy cần loại",
                "máy này không có trong danh sách máy của xã (xem phongtrao peer list)",
            )
        })?;
        let me = self.commune()?.installation_id;
        let current = self.numbering()?;
        if let Some((h, _)) = take_over
            && (current.holder != Some(id) || h.from != id || h.to != me || h.n != current.n + 1)
        {
            return Err(Error::Refused(
                "Chỉ nhận việc cấp số văn bản về máy này khi máy bị loại là máy đang cấp số.".into(),
            ));
        }
        self.write(|tx| {
            mark_removed(tx, id, &me.to_string(), now)?;
            if let Some((h, signed)) = take_over {
                handover_tx(tx, me, &current, h, signed)?;
            }
            Ok(())
        })?;
        Ok(peer)
    }

    /// Records an invitation just written (the chief only): its token's hash, for whom, until when.
    pub fn record_invite(
        &mut self,
        token_hash: &str,
        officer: &str,
        accounts: &[String],
        created_at: &str,
        expires_at: &str,
    ) -> Result<()> {
        self.require(crate::Role::Chief, "mời máy khác của xã")?;
        self.write(|tx| {
            tx.tx.execute(
                "INSERT INTO peer_invite (token_hash, officer, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![token_hash, officer, created_at, expires_at],
            )?;
            let v = serde_json::json!({"officer": officer, "accounts": accounts, "expires_at": expires_at});
            tx.audit("peer_invite", Some(&v))
        })
    }

    /// The invitation whose token hashes to `token_hash`, if this installation wrote it.
    pub fn invite(&self, token_hash: &str) -> Result<Option<Invite>> {
        Ok(self
            .conn
            .query_row(
                "SELECT token_hash, officer, created_at, expires_at, used_by FROM peer_invite WHERE token_hash = ?1",
                [token_hash],
                |r| {
                    Ok(Invite {
                        token_hash: r.get(0)?,
                        officer: r.get(1)?,
                        created_at: r.get(2)?,
                        expires_at: r.get(3)?,
                        used_by: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// When the peer bundle `hash` was taken in, if it was.
    pub fn peer_imported(&self, hash: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT imported_at FROM peer_import WHERE hash = ?1", [hash], |r| r.get(0))
            .optional()?)
    }

    /// The change number a peer bundle starts after: the least any known installation acknowledged.
    pub fn peer_export_after(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(min(sent_ack), 0) FROM peer WHERE removed_at IS NULL", [], |r| r.get(0))?)
    }

    /// What this installation holds of each peer's changes (the acknowledgements its bundles carry).
    pub fn peer_acks(&self) -> Result<Vec<PeerAck>> {
        Ok(self.peers()?.into_iter().map(|p| PeerAck { installation_id: p.installation_id, seq: p.recv_seq }).collect())
    }

    /// The versions of every record changed after `after` (its row and its versions in conflict),
    /// `limit` records at a time, in change order; with the last change number read.
    pub fn version_lines_since(&self, after: i64, limit: u32) -> Result<(Vec<VersionLine>, Option<i64>)> {
        let rows = super::all_rows(
            &self.conn,
            "SELECT id, seq FROM record WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![after, limit],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?;
        let last = rows.last().map(|r| r.1);
        let mut out = Vec::with_capacity(rows.len());
        for (id, _) in rows {
            let id = Uuid::parse_str(&id).map_err(|_| Error::Json(format!("bản ghi «{id}» có mã không hợp lệ")))?;
            if let Some((kind, versions)) = versions_of(&self.conn, id)? {
                out.extend(versions.into_iter().map(|v| VersionLine {
                    id,
                    kind,
                    hlc: v.hlc,
                    origin: v.origin,
                    vv: v.vv,
                    data: v.data,
                }));
            }
        }
        Ok((out, last))
    }

    /// Takes the next peer bundle number.
    pub fn next_peer_bundle(&mut self) -> Result<i64> {
        self.write(|tx| {
            let n = state(&tx.tx, "peer_bundle_seq")?.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) + 1;
            set_state(&tx.tx, "peer_bundle_seq", &n.to_string())?;
            Ok(n)
        })
    }

    /// Who numbers documents, and every hand-over applied here.
    pub fn numbering(&self) -> Result<Numbering> {
        let me = self.commune()?.installation_id;
        let n = state(&self.conn, "numbering_n")?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let holder = match state(&self.conn, "numbering_id")?.and_then(|v| Uuid::parse_str(&v).ok()) {
            Some(id) => Some(id),
            None if state(&self.conn, "numbering_by")?.is_none() => Some(me),
            None => None,
        };
        let handovers =
            state(&self.conn, "numbering_handovers")?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        Ok(Numbering { n, holder, handovers })
    }

    /// The register's counters: (series, year, last number given).
    pub fn doc_counters(&self) -> Result<Vec<(String, i32, u32)>> {
        super::documents::counters(&self.conn)
    }

    /// The last numbers this laptop knows were given in the commune, by this laptop's register or
    /// by the laptop that numbers (as its peer bundles said): (series, year, last number given).
    pub fn known_counters(&self) -> Result<Vec<(String, i32, u32)>> {
        Ok(join_counters(known_counters(&self.conn)?, &self.doc_counters()?))
    }

    /// Applies a hand-over of the numbering (checked and signed by `crate::sync::peer`: it follows the
    /// last one applied here and comes from the laptop that numbered). If this laptop hands over,
    /// it stops numbering in this transaction; if it receives, it numbers from now on, after the
    /// counters handed over; any other laptop learns who numbers. One transaction, audited.
    pub fn apply_handover(&mut self, h: &Handover, signed: &SignedHandover) -> Result<()> {
        let me = self.commune()?.installation_id;
        let current = self.numbering()?;
        if h.n != current.n + 1 {
            return Err(Error::Refused(format!(
                "Chuyển giao cấp số số {} không nối tiếp chuyển giao máy này đã biết (số {}).",
                h.n, current.n
            )));
        }
        self.write(|tx| handover_tx(tx, me, &current, h, signed))
    }

    /// The join token this installation still shows in its bundles (until a peer knows it).
    pub fn join_token(&self) -> Result<Option<String>> {
        state(&self.conn, "join_token")
    }

    /// Who numbers documents when it is not this installation: the officer of that laptop.
    pub fn numbering_elsewhere(&self) -> Result<Option<String>> {
        state(&self.conn, "numbering_by")
    }

    /// Sets this new installation up as one of its commune's (it was just made from an invitation):
    /// the installations the invitation names, the join token, and who numbers documents. One
    /// transaction.
    pub fn join_commune(&mut self, peers: &[Peer], token: &str, numbering_by: &str) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339();
        self.write(|tx| {
            for p in peers {
                insert_peer(&tx.tx, p, &now)?;
            }
            set_state(&tx.tx, "join_token", token)?;
            set_state(&tx.tx, "numbering_by", numbering_by)?;
            let v = serde_json::json!({"peers": peers.iter().map(|p| p.installation_id).collect::<Vec<_>>(),
                "numbering_by": numbering_by});
            tx.audit("peer_join", Some(&v))
        })
    }

    /// Takes in a peer bundle (checked by `crate::sync::peer`): the installations it names, what it
    /// acknowledges, and every version it carries, merged; all in one transaction.
    pub fn apply_peer(&mut self, p: &PeerIn) -> Result<PeerMerged> {
        let me = self.commune()?.installation_id;
        self.write(|tx| {
            let mut out = PeerMerged::default();
            if tx.tx.query_row("SELECT 1 FROM peer_import WHERE hash = ?1", [&p.hash], |_| Ok(())).optional()?.is_some() {
                out.replay = true;
                return Ok(out);
            }
            if let Some(h) = &p.token_hash {
                let n = tx.tx.execute(
                    "UPDATE peer_invite SET used_by = ?2, used_at = ?3 WHERE token_hash = ?1 AND used_by IS NULL",
                    params![h, p.sender.to_string(), p.now],
                )?;
                if n == 0 {
                    return Err(Error::bundle(
                        "peer_invite_used",
                        "Lời mời của gói này đã được một máy khác dùng. Không nhập gì. Hãy lập lời mời mới cho máy này.",
                    ));
                }
            }
            for id in p.removed.iter().filter(|x| **x != me && **x != p.sender) {
                if mark_removed(tx, *id, &p.sender.to_string(), &p.now)? {
                    out.removed += 1;
                }
            }
            if !p.counters.is_empty() {
                let known = known_counters(&tx.tx)?;
                let all = join_counters(known, &p.counters);
                set_state(&tx.tx, "known_counters", &serde_json::to_string(&all).map_err(|e| Error::Json(e.to_string()))?)?;
            }
            for peer in p.roster.iter().filter(|x| x.installation_id != me) {
                if insert_peer(&tx.tx, peer, &p.now)? {
                    out.new_peers.push(peer.officer.clone());
                }
            }
            if p.roster.iter().any(|x| x.installation_id == me) {
                // A peer knows this installation: it no longer needs the invitation's token.
                tx.tx.execute("DELETE FROM sync_state WHERE key = 'join_token'", [])?;
            }
            if let Some(ack) = p.acks.iter().find(|a| a.installation_id == me) {
                tx.tx.execute(
                    "UPDATE peer SET sent_ack = ?2, ack_epoch = ?3, ack_bundle = ?4
                     WHERE installation_id = ?1 AND (ack_epoch, ack_bundle) < (?3, ?4)",
                    params![p.sender.to_string(), ack.seq, p.epoch, p.seq],
                )?;
            }
            let mut by_record: BTreeMap<Uuid, (Kind, Vec<Version>)> = BTreeMap::new();
            for (kind, id, v) in &p.versions {
                let e = by_record.entry(*id).or_insert((*kind, Vec::new()));
                if e.0 != *kind {
                    return Err(Error::bundle(
                        "bundle_counts",
                        format!("Gói có bản ghi {id} mang hai loại khác nhau. Không nhập gì. Hãy xuất lại gói ở máy gửi."),
                    ));
                }
                e.1.push(v.clone());
            }
            let mut written = Vec::new();
            let officer = p
                .roster
                .iter()
                .find(|x| x.installation_id == p.sender)
                .map(|x| x.officer.clone())
                .unwrap_or_default();
            for (id, (kind, versions)) in by_record {
                let (changed, conflict, locked) = tx.merge_versions(kind, id, versions, (p.sender, &officer))?;
                if let Some(lock) = locked {
                    let title = tx.reader().record(id)?.map(|r| r.title).unwrap_or_default();
                    out.locked.push(crate::domain::review::merged_message(kind, &title, &lock, &officer));
                }
                if changed {
                    out.applied += 1;
                    written.push((kind, id));
                } else {
                    out.unchanged += 1;
                }
                out.conflicts += usize::from(conflict);
            }
            // Each laptop checked every record it wrote; two laptops changing related records (a team
            // deleted on one, a member added to it on the other) can still break a rule: say so.
            for (kind, id) in written {
                if let Some(doc) = tx.reader().live_doc(kind, id)? {
                    let fields = domain::fields_for(kind, &doc, &*tx)?;
                    let outcome = domain::check_record(kind, id, &doc, true, &fields, &*tx)?;
                    if !outcome.errors.is_empty() {
                        let title = domain::title(kind, &doc, &*tx)?;
                        out.warnings.push(format!(
                            "{} «{title}»: {}",
                            crate::text::capitalise(kind.label()),
                            outcome.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
                        ));
                    }
                }
            }
            tx.tx.execute(
                "UPDATE peer SET recv_seq = max(recv_seq, ?2), last_seen_at = ?3 WHERE installation_id = ?1 AND ?4 <= recv_seq",
                params![p.sender.to_string(), p.to, p.now, p.after],
            )?;
            tx.tx.execute("UPDATE peer SET last_seen_at = ?2 WHERE installation_id = ?1", params![p.sender.to_string(), p.now])?;
            tx.tx.execute(
                "INSERT INTO peer_import (hash, installation_id, epoch, seq, imported_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![p.hash, p.sender.to_string(), p.epoch, p.seq, p.now],
            )?;
            let v = serde_json::json!({"from": p.sender, "seq": p.seq, "applied": out.applied,
                "unchanged": out.unchanged, "conflicts": out.conflicts});
            tx.audit("peer_import", Some(&v))?;
            Ok(out)
        })
    }

    /// Changes to records of approved periods taken in from other laptops (made there before they
    /// knew of the approval), the latest first.
    pub fn locked_merges(&self) -> Result<Vec<LockedMerge>> {
        let parse = |d: Option<String>| d.and_then(|s| serde_json::from_str::<Doc>(&s).ok());
        let rows = super::all_rows(
            &self.conn,
            "SELECT m.n, m.id, m.kind, m.title, d.label, d.decided_by, d.decided_at, m.from_officer, m.old, m.new, m.at
             FROM locked_merge m JOIN review_decision d ON d.n = m.decision ORDER BY m.n DESC",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, String>(10)?,
                ))
            },
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(n, id, kind, title, period, by, decided_at, from, old, new, at)| {
                Some(LockedMerge {
                    n,
                    id: Uuid::parse_str(&id).ok()?,
                    kind: Kind::parse(&kind)?,
                    title,
                    period,
                    approved_by: by,
                    approved_at: decided_at,
                    from,
                    old: parse(old),
                    new: parse(new),
                    at,
                })
            })
            .collect())
    }

    /// Every record in conflict, oldest change first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let ids = super::all_rows(
            &self.conn,
            "SELECT s.id FROM record_sibling s JOIN record r ON r.id = s.id GROUP BY s.id ORDER BY min(r.seq)",
            [],
            |r| r.get::<_, String>(0),
        )?;
        let mut out = Vec::new();
        for id in ids.iter().filter_map(|s| Uuid::parse_str(s).ok()) {
            if in_conflict(&self.conn, id)? {
                out.push(self.conflict(id)?);
            }
        }
        Ok(out)
    }

    /// One record's conflict: its versions, the one shown first.
    pub fn conflict(&self, id: Uuid) -> Result<Conflict> {
        let none = || Error::Refused("Bản ghi này không có xung đột nào (có thể đã được giải quyết).".into());
        let (kind, versions) = versions_of(&self.conn, id)?.ok_or_else(none)?;
        if versions.len() < 2 || !differ(&versions) {
            return Err(none());
        }
        let title = self.reader().record(id)?.map(|r| r.title).filter(|t| !t.is_empty()).unwrap_or_else(|| {
            versions
                .iter()
                .find_map(|v| v.data.as_ref().map(|d| domain::title(kind, d, &self.reader()).unwrap_or_default()))
                .unwrap_or_default()
        });
        Ok(Conflict { id, kind, title, versions })
    }

    /// A person's decision on a record in conflict: keep one version, or one with some fields from
    /// the others. The result is checked as any write, becomes a new version that includes every
    /// version in conflict (so it replaces them on every laptop it reaches), and the conflict leaves
    /// the queue. A certification record, and a model one version of which is dissolved, are kept
    /// whole from one side (their steps and life cycle never mix).
    pub fn resolve_conflict(&mut self, id: Uuid, choice: &Resolution) -> Result<Saved> {
        let c = self.conflict(id)?;
        let pick = |i: usize| {
            c.versions.get(i).ok_or_else(|| {
                Error::field("version", "Phiên bản", format!("chỉ có các phiên bản 1 đến {}", c.versions.len()))
            })
        };
        let (base, take) = match choice {
            Resolution::Keep(i) => (pick(*i)?, BTreeMap::new()),
            Resolution::Combine { base, take } => (pick(*base)?, take.clone()),
        };
        let whole_only = c.kind == Kind::Cert
            || c.versions
                .iter()
                .any(|v| v.data.as_ref().is_some_and(domain::model::is_dissolved) && c.kind == Kind::Model);
        if !take.is_empty() && (whole_only || base.data.is_none()) {
            return Err(Error::Refused(format!(
                "{} này chỉ được giữ nguyên một bên (các bước, vòng đời hay việc xóa không ghép từng trường được). \
Hãy chọn giữ một phiên bản.",
                crate::text::capitalise(c.kind.label())
            )));
        }
        let mut joined = Vv::new();
        for v in &c.versions {
            vv_join(&mut joined, &v.vv);
        }
        let mut doc = base.data.clone();
        if let Some(d) = doc.as_mut() {
            let fields = domain::fields_for(c.kind, d, &self.reader())?;
            for (key, i) in &take {
                let from = pick(*i)?.data.as_ref().ok_or_else(|| {
                    Error::field(key, key, "phiên bản đã chọn là việc xóa bản ghi, không có giá trị để lấy")
                })?;
                let field = fields.iter().find(|f| &f.key == key);
                if field.is_some_and(|f| f.system) && c.kind == Kind::Model {
                    return Err(Error::field(
                        key,
                        &field.map_or(key.clone(), |f| f.label.clone()),
                        "thuộc vòng đời mô hình: giữ theo phiên bản gốc đã chọn",
                    ));
                }
                match from.get(key) {
                    Some(v) => d.insert(key.clone(), v.clone()),
                    None => d.remove(key),
                };
            }
        }
        let kind = c.kind;
        let before = Value::Array(c.versions.iter().map(version_json).collect());
        self.write(|tx| {
            tx.resolving = Some((id, joined));
            let saved = match &doc {
                Some(d) => {
                    let checked = domain::validate(kind, id, d, true, &*tx)?;
                    let old = tx.reader().live_doc(kind, id)?;
                    tx.put(kind, id, &checked, "resolve", old.as_ref())?;
                    Saved { id, warnings: checked.warnings }
                }
                None => {
                    if tx.reader().live_doc(kind, id)?.is_some() {
                        tx.delete(kind, id)?;
                    } else {
                        let hlc = tx.tick()?;
                        let origin = tx.commune.installation_id;
                        tx.write_row(kind, id, None, hlc, origin)?;
                    }
                    Saved { id, warnings: Vec::new() }
                }
            };
            if tx.resolving.is_some() || versions_of(&tx.tx, id)?.is_some_and(|(_, v)| v.len() > 1) {
                return Err(Error::Refused("Không giải quyết được xung đột này (bản ghi chưa được ghi lại).".into()));
            }
            tx.audit_change(
                "conflict_resolved",
                Audited { kind: Some(kind), id: Some(id), old: Some(&before), new: None },
            )?;
            Ok(saved)
        })
    }
}

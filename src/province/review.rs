//! The review loop at the province (issue 16): the state of each commune's period (Chưa gửi, Đã gửi,
//! Đã duyệt, Bị trả lại, Đã sửa), the decisions (approve with an optional note, return with a
//! general reason and/or a reason per record, reopen by the chief with a reason), each audited and
//! sent to the commune in a signed decision bundle (`Province::write_decisions`, or with the next
//! receipt), and the queue of changes to approved periods ("sửa sau khi duyệt": field by field;
//! accepting one reopens the period, refusing keeps it aside). docs/SYNC.md, "The review".
//!
//! No SQL here: `src/store/province_review.rs`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::commune_name;
use crate::domain::account::Role;
use crate::domain::review::{self, Action, Decision, Reason, State};
use crate::domain::{Doc, Kind};
use crate::error::{Error, Result};
use crate::period::{Period, Window, day_of};
use crate::store::province_console::BundleRow;
use crate::store::province_review::{HeldEntry, StoredAnswer, StoredDecision};
use crate::sync::province::Province;

/// The longest note or reason.
const MAX_TEXT: usize = 2000;

fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// The state of one commune's period from its decisions, its bundles and its answers to the reasons
/// of a return (the roster's column and the check before each decision): a return is Đã sửa once the
/// commune answered every one of its reasons (`answers.json`, docs/SYNC.md), a reopening once a
/// bundle came after it. Also the places of the last return's reasons answered (`Decision::items`).
pub fn judge<'d>(
    decisions: &'d [StoredDecision],
    bundles: &[&BundleRow],
    answers: &[StoredAnswer],
    w: &Window,
) -> (State, Option<&'d Decision>, Vec<i64>) {
    let received =
        bundles.iter().any(|b| b.created_at.as_deref().and_then(instant).is_some_and(|t| day_of(t) >= w.end));
    let last = decisions.iter().map(|d| &d.decision).rfind(|d| d.period == w.period);
    let answered: Vec<i64> = match last {
        Some(l) if l.action == Action::Return => {
            let items = l.items();
            let mut a: Vec<i64> = answers
                .iter()
                .filter(|x| x.answer.decision == l.n && items.contains(&x.answer.i))
                .map(|x| x.answer.i)
                .collect();
            a.sort_unstable();
            a.dedup();
            a
        }
        _ => Vec::new(),
    };
    let after = match last {
        Some(l) if l.action == Action::Return => answered.len() == l.items().len(),
        Some(l) => bundles.iter().any(|b| instant(&b.imported_at).is_some_and(|t| t > l.at)),
        None => false,
    };
    (review::state(last, received, after), last, answered)
}

/// One commune's period as the review shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodState {
    pub commune_code: String,
    pub commune: String,
    pub period: Period,
    pub label: String,
    pub state: State,
    pub state_label: &'static str,
    pub last: Option<Decision>,
    /// The places of the last return's reasons the commune answered (`Decision::items`).
    pub answered: Vec<i64>,
}

/// The state of `commune`'s `period`.
pub fn state(p: &Province, commune: &str, period: Period) -> Result<PeriodState> {
    let w = super::rules(p)?.window(period);
    let decisions = p.db().review_decisions(Some(commune))?;
    let all = p.db().bundles()?;
    let bundles: Vec<&BundleRow> = all.iter().filter(|b| b.commune_code == commune).collect();
    let answers = p.db().review_answers(Some(commune))?;
    let (state, last, answered) = judge(&decisions, &bundles, &answers, &w);
    Ok(PeriodState {
        commune_code: commune.to_owned(),
        commune: commune_name(&p.db().commune_names()?, commune),
        period,
        label: w.label(),
        state,
        state_label: state.label(),
        last: last.cloned(),
        answered,
    })
}

/// A new decision on `period` (its window `w`), signed by the officer logged in; the store gives its
/// number when it records it.
fn new_decision(
    p: &Province,
    period: Period,
    w: &Window,
    action: Action,
    note: String,
    reasons: Vec<Reason>,
    at: DateTime<Utc>,
) -> Decision {
    Decision {
        n: 0,
        id: Uuid::now_v7(),
        period,
        label: w.label(),
        start: w.start,
        end: w.end,
        action,
        by: signer(p),
        at,
        note,
        reasons,
    }
}

/// Who decides, as the commune reads it: rank and name.
pub(super) fn signer(p: &Province) -> String {
    match p.db().session() {
        Some(a) => match &a.rank {
            Some(r) if !r.trim().is_empty() => format!("{} {}", r.trim(), a.full_name),
            _ => a.full_name.clone(),
        },
        None => "Công an tỉnh".to_owned(),
    }
}

fn clean_text(field: &str, label: &str, s: &str, required: bool) -> Result<String> {
    let t = crate::text::clean(s);
    if required && t.is_empty() {
        return Err(Error::field(field, label, "không được để trống"));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(Error::field(field, label, "không quá 2.000 ký tự"));
    }
    Ok(t)
}

/// What a decision asks, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    /// The note of an approval, the general reason of a return, the reason of a reopening.
    pub note: String,
    /// A return's reasons per record: (record id, reason).
    pub records: Vec<(Uuid, String)>,
}

/// Decides on `commune`'s `period`: approve (an officer; the period must have been received and not
/// be approved), return (an officer; a general reason and/or reasons per record of the commune),
/// reopen (the chief, with a reason; only an approved period). Recorded with its audit entry; the
/// commune learns it from its decision bundle. Returns the decision as numbered.
pub fn decide(
    p: &mut Province,
    commune: &str,
    period: Period,
    action: Action,
    ask: &Ask,
    now: DateTime<Utc>,
) -> Result<Decision> {
    let what = match action {
        Action::Approve => "duyệt số liệu của xã",
        Action::Return => "trả lại số liệu của xã",
        Action::Reopen => "mở lại kỳ đã duyệt",
    };
    p.db().require(if action == Action::Reopen { Role::MANAGES } else { Role::WRITES }, what)?;
    let commune = commune.trim();
    if !p.db().installations()?.iter().any(|i| i.commune_code == commune) {
        return Err(Error::field(
            "commune",
            "Xã",
            format!("mã xã {} chưa đăng ký khóa ở Công an tỉnh", crate::text::printable(commune, 10)),
        ));
    }
    let rules = super::rules(p)?;
    let w = rules.window(period);
    if rules.period_of(w.end).period != period {
        return Err(Error::field(
            "period",
            "Kỳ báo cáo",
            format!(
                "{} không phải một kỳ báo cáo của tỉnh ({}); hãy chọn một kỳ trong bảng theo dõi",
                period.label(),
                rules.describe()
            ),
        ));
    }
    let st = state(p, commune, period)?;
    let name = &st.commune;
    let refused = |why: String| -> Result<Decision> { Err(Error::Refused(why)) };
    match (action, st.state) {
        (Action::Approve | Action::Return, State::NotSent) => {
            return refused(format!(
                "Chưa nhận gói nào của {name} phủ kỳ {}: chưa có số liệu để {}.",
                w.label(),
                action.label()
            ));
        }
        (Action::Approve | Action::Return, State::Approved) => {
            return refused(format!(
                "Kỳ {} của {name} đã được duyệt; muốn {} phải mở lại kỳ trước (Trưởng Công an tỉnh).",
                w.label(),
                action.label()
            ));
        }
        (Action::Reopen, s) if s != State::Approved => {
            return refused(format!("Kỳ {} của {name} chưa được duyệt ({}), không cần mở lại.", w.label(), s.label()));
        }
        _ => {}
    }
    let note = clean_text(
        if action == Action::Return { "reason" } else { "note" },
        match action {
            Action::Approve => "Ghi chú",
            _ => "Lý do",
        },
        &ask.note,
        action == Action::Reopen,
    )?;
    let mut reasons = Vec::new();
    if action == Action::Return {
        for (id, why) in &ask.records {
            let why = clean_text("records", "Lý do theo bản ghi", why, true)?;
            let Some((kind, data)) = p.db().commune_record(commune, *id)? else {
                return Err(Error::field(
                    "records",
                    "Bản ghi",
                    format!("{name} không có bản ghi {id} ở Công an tỉnh (đã xóa, hoặc của xã khác)"),
                ));
            };
            let kind = Kind::parse(&kind);
            let doc: Doc = serde_json::from_str(&data).map_err(|e| Error::Json(e.to_string()))?;
            let title = kind.map(|k| super::figures::title(k, &doc)).unwrap_or_default();
            reasons.push(Reason { record_id: Some(*id), kind, title, reason: why });
        }
        if note.is_empty() && reasons.is_empty() {
            return Err(Error::field(
                "reason",
                "Lý do",
                "hãy ghi lý do trả lại chung, hoặc chọn bản ghi và ghi lý do cho từng bản ghi",
            ));
        }
    }
    let figures = match action {
        Action::Approve => {
            let f = super::figures::figures(p, period, Some(commune))?;
            Some(serde_json::to_value(&f).map_err(|e| Error::Json(e.to_string()))?)
        }
        _ => None,
    };
    let d = new_decision(p, period, &w, action, note, reasons, now);
    let who = p.db().who();
    p.db_mut().record_decision(commune, &d, figures.as_ref(), &who)
}

/// Writes the decision bundle of each commune in `communes` (every commune with a decision when
/// empty) into `dir`, one file per commune; a commune without a decision refuses the whole lot
/// before anything is written. Returns the files written.
pub fn send(p: &mut Province, communes: &[String], dir: &Path, now: DateTime<Utc>) -> Result<Vec<PathBuf>> {
    p.db().require(Role::WRITES, "ghi gói quyết định cho xã")?;
    let decided: Vec<String> = decided_communes(p)?.into_iter().map(|d| d.commune_code).collect();
    let mut codes: Vec<String> =
        if communes.is_empty() { decided.clone() } else { communes.iter().map(|c| c.trim().to_owned()).collect() };
    codes.sort();
    codes.dedup();
    // Every commune checked before any file is written.
    if let Some(c) = codes.iter().find(|c| !decided.contains(c)) {
        return Err(Error::field(
            "communes",
            "Xã",
            format!(
                "Công an tỉnh chưa có quyết định hay cuộc kiểm tra nào về xã có mã {}: không có gói quyết định để gửi; hãy bỏ chọn xã này",
                crate::text::printable(c, 10)
            ),
        ));
    }
    codes.into_iter().map(|c| p.write_decisions(&c, dir, now)).collect()
}

/// A commune the province decided on or inspected: what its decision bundle would carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decided {
    pub commune_code: String,
    pub commune: String,
    /// How many decisions its bundle carries (all of them, 1…N).
    pub decisions: usize,
    pub last: Option<Decision>,
    /// How many inspections by the province it carries (`inspections.json`).
    pub inspections: usize,
}

/// Every commune with at least one decision or inspection by the province, in code order (whose
/// decision bundles [`send`] writes).
pub fn decided_communes(p: &Province) -> Result<Vec<Decided>> {
    let names = p.db().commune_names()?;
    let mut out: std::collections::BTreeMap<String, Decided> = Default::default();
    let entry = |out: &mut std::collections::BTreeMap<String, Decided>, code: &str| {
        out.entry(code.to_owned())
            .or_insert_with(|| Decided {
                commune_code: code.to_owned(),
                commune: commune_name(&names, code),
                decisions: 0,
                last: None,
                inspections: 0,
            })
            .commune_code
            .clone()
    };
    for d in p.db().review_decisions(None)? {
        let code = entry(&mut out, &d.commune_code);
        let x = out.get_mut(&code).expect("just added");
        x.decisions += 1;
        x.last = Some(d.decision);
    }
    for i in p.db().sent_inspections(None)? {
        let code = entry(&mut out, &i.commune_code);
        out.get_mut(&code).expect("just added").inspections += 1;
    }
    Ok(out.into_values().collect())
}

/// A field that differs between the approved record and the change that came after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    pub label: String,
    pub approved: String,
    pub sent: String,
}

/// A change to an approved period, as the queue "Sửa sau khi duyệt" shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    /// Short stable id to decide with (12 hex digits of SHA-256 of the bundle hash and record id).
    pub id: String,
    pub commune: String,
    pub kind_label: String,
    pub title: String,
    pub period_label: String,
    /// What changed, field by field (a new record: every field; a deletion: every field gone).
    pub changes: Vec<FieldChange>,
    #[serde(flatten)]
    pub entry: HeldEntry,
}

fn short_id(e: &HeldEntry) -> String {
    let h = Sha256::digest(format!("{}/{}", e.bundle, e.row.record_id).as_bytes());
    h.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn parse(data: Option<&str>) -> Option<Doc> {
    data.and_then(|t| serde_json::from_str(t).ok())
}

/// The field-by-field difference of two states of a record.
pub fn diff(kind: Kind, old: Option<&Doc>, new: Option<&Doc>) -> Vec<FieldChange> {
    let lines = |d: Option<&Doc>| d.map(|d| super::figures::describe(kind, d)).unwrap_or_default();
    let (a, b) = (lines(old), lines(new));
    let mut labels: Vec<&String> = a.iter().map(|(l, _)| l).collect();
    for (l, _) in &b {
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    let get =
        |v: &[(String, String)], l: &str| v.iter().find(|(k, _)| k == l).map(|(_, x)| x.clone()).unwrap_or_default();
    labels
        .into_iter()
        .map(|l| FieldChange { label: l.clone(), approved: get(&a, l), sent: get(&b, l) })
        .filter(|c| c.approved != c.sent)
        .collect()
}

/// The queue of changes to approved periods, undecided first.
pub fn held(p: &Province) -> Result<Vec<Held>> {
    let names = p.db().commune_names()?;
    let rules = super::rules(p)?;
    Ok(p.db()
        .held_changes()?
        .into_iter()
        .map(|entry| {
            let kind = Kind::parse(&entry.row.kind);
            let (old, new) = (parse(entry.row.old_data.as_deref()), parse(entry.row.new_data.as_deref()));
            let title = kind
                .and_then(|k| new.as_ref().or(old.as_ref()).map(|d| super::figures::title(k, d)))
                .unwrap_or_default();
            Held {
                id: short_id(&entry),
                commune: commune_name(&names, &entry.commune_code),
                kind_label: kind.map_or_else(|| entry.row.kind.clone(), |k| k.label().to_owned()),
                title,
                period_label: entry
                    .row
                    .period
                    .parse::<Period>()
                    .map_or_else(|_| entry.row.period.clone(), |per| rules.window(per).label()),
                changes: kind.map(|k| diff(k, old.as_ref(), new.as_ref())).unwrap_or_default(),
                entry,
            }
        })
        .collect())
}

/// Decides on a held change `id` (as [`held`] shows it), with a note: accept (the chief: the period
/// is reopened if it is still approved, with the note as the reason, and the change merged) or
/// refuse (an officer: kept aside). Audited; one transaction. Returns the change as decided.
pub fn decide_held(p: &mut Province, id: &str, accept: bool, note: &str, now: DateTime<Utc>) -> Result<Held> {
    p.db().require(
        if accept { Role::MANAGES } else { Role::WRITES },
        if accept {
            "chấp nhận sửa sau khi duyệt (mở lại kỳ)"
        } else {
            "từ chối sửa sau khi duyệt"
        },
    )?;
    let note = clean_text("note", "Ghi chú", note, true)?;
    let wanted = id.trim().to_lowercase();
    let item = held(p)?
        .into_iter()
        .find(|h| h.id == wanted)
        .ok_or_else(|| Error::NotFound { kind: "thay đổi sau khi duyệt", id: id.trim().to_owned() })?;
    if item.entry.decision.is_some() {
        return Err(Error::Refused(format!(
            "Thay đổi này đã được quyết định lúc {}; mỗi thay đổi chỉ quyết định một lần.",
            item.entry.decided_at.as_deref().map(crate::date::display_stamp).unwrap_or_default()
        )));
    }
    let reopen = if accept {
        let period: Period = item.entry.row.period.parse()?;
        let st = state(p, &item.entry.commune_code, period)?;
        if st.state == State::Approved {
            let w = super::rules(p)?.window(period);
            let note = format!("Chấp nhận sửa sau khi duyệt ({} «{}»): {note}", item.kind_label, item.title);
            Some(new_decision(p, period, &w, Action::Reopen, note, Vec::new(), now))
        } else {
            None
        }
    } else {
        None
    };
    let who = p.db().who();
    p.db_mut().decide_held(&item.entry, accept, reopen.as_ref(), &note, &who, &now.to_rfc3339())?;
    held(p)?
        .into_iter()
        .find(|h| h.id == item.id)
        .ok_or(Error::NotFound { kind: "thay đổi sau khi duyệt", id: item.id })
}

/// The records of `commune` that belong to `period` (docs/SYNC.md: the dated registers, by their own
/// date; a certification by its steps), as the province holds them: the records a return may name,
/// in Vietnamese order of their titles.
pub fn records_of(p: &Province, period: Period, commune: &str) -> Result<Vec<super::figures::Behind>> {
    let w = super::rules(p)?.window(period);
    let kinds: Vec<&str> = Kind::ALL.iter().filter(|k| crate::period::is_dated(**k)).map(|k| k.code()).collect();
    let mut out = Vec::new();
    for (id, kind, doc) in super::drill::latest(p, commune, &kinds)? {
        if !crate::period::belongs(kind, &doc, &w) {
            continue;
        }
        out.push(super::figures::Behind::alone(id, kind, doc)?);
    }
    out.sort_by(|a, b| crate::text::compare(&a.title, &b.title).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

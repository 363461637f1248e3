//! The roster: per commune and reporting period, expected, received and on time.
//!
//! The rules (docs/SYNC.md, "Reporting periods"):
//! - A commune is expected to send one bundle per period of the reporting frequency (monthly by
//!   default) whose cut-off falls inside the period asked, but only while it was active: from the
//!   day its first key was registered until the day its last key was revoked. A period whose due
//!   day (cut-off + grace) has not passed is not expected yet, unless a bundle already came for it.
//! - A bundle made on day `d` (its signed creation time, in Vietnam) holds everything the commune
//!   recorded up to `d`: it **covers** every period whose cut-off is on or before `d`. A period is
//!   **received** when a bundle covering it was imported, and **on time** when one was made between
//!   its cut-off and its due day.
//! - The creation time comes from the commune laptop's clock: a bundle made "after" its own import,
//!   or "before" the bundle it follows, is flagged (the import time is shown beside it).
//! - Rates are received / expected and on time / expected; neither can exceed 100%.
//! - The province's communes in the official list (`crate::units`) that have never had a key registered
//!   are listed apart, as not enrolled: nothing is expected of them yet.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::commune_name;
use crate::error::Result;
use crate::period::{Period, Rules, Window, day_of};
use crate::store::province::Gap;
use crate::store::province_console::BundleRow;
use crate::sync::province::Province;

/// One reporting period of one commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// A bundle made between the cut-off and the due day.
    OnTime,
    /// Covered only by a bundle made after the due day.
    Late,
    /// Due day passed, nothing covers it.
    Missing,
    /// Due day not passed, nothing yet.
    Open,
    /// The commune was not active at the cut-off (not yet registered, or revoked).
    Inactive,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::OnTime => "Đúng hạn",
            State::Late => "Gửi muộn",
            State::Missing => "Chưa gửi",
            State::Open => "Chưa đến hạn",
            State::Inactive => "Không tính",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodRow {
    pub period: Period,
    pub label: String,
    /// Cut-off and due day, `yyyy-mm-dd`.
    pub end: String,
    pub due: String,
    pub state: State,
    pub state_label: &'static str,
    /// The bundle that first covered it: number, made, imported (RFC 3339).
    pub bundle_seq: Option<i64>,
    pub bundle_created_at: Option<String>,
    pub bundle_imported_at: Option<String>,
    /// The review's state of this period (Chưa gửi, Đã gửi, Đã duyệt, Bị trả lại, Đã sửa) and its
    /// last decision.
    pub review: crate::domain::review::State,
    pub review_label: &'static str,
    pub decision: Option<crate::domain::review::Decision>,
    /// The places of the last return's reasons the commune answered (`Decision::items`).
    pub answered: Vec<i64>,
}

/// A bundle whose signed creation time cannot be right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockFlag {
    pub seq: i64,
    pub created_at: String,
    pub imported_at: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    pub key_id: String,
    pub fingerprint: String,
    pub registered_at: String,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommuneRow {
    pub commune_code: String,
    pub commune: String,
    pub keys: Vec<KeyRow>,
    pub expected: u32,
    pub received: u32,
    pub on_time: u32,
    /// received / expected in percent, one decimal (`None`: nothing expected).
    pub received_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    pub periods: Vec<PeriodRow>,
    pub last_bundle_seq: Option<i64>,
    pub last_bundle_at: Option<String>,
    pub last_import_at: Option<String>,
    pub gaps: Vec<Gap>,
    /// Quarantined records not yet decided.
    pub quarantined: usize,
    pub clock_flags: Vec<ClockFlag>,
    /// Changes to approved periods waiting for the reviewer ("sửa sau khi duyệt").
    pub held: usize,
    /// Every key revoked: the commune no longer sends.
    pub revoked: bool,
}

/// A commune of the province in the official list that has never had a key registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotEnrolled {
    pub commune_code: String,
    /// "Xã Ia Đal", "Phường Trần Phú".
    pub commune: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Roster {
    pub period: Period,
    pub label: String,
    pub rules: Rules,
    pub today: String,
    pub communes: Vec<CommuneRow>,
    pub expected: u32,
    pub received: u32,
    pub on_time: u32,
    pub received_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    /// The province's communes in the official list (0 when its code is not in the list).
    pub official: u32,
    /// Those of them never enrolled (no key registered), in code order.
    pub not_enrolled: Vec<NotEnrolled>,
}

impl Roster {
    /// The communes never enrolled that the search of `q` finds (by name or code, accents ignored, as
    /// every table of communes: [`super::drill::communes`]), in code order, or by name when `q` sorts
    /// the communes by name (their only other column).
    pub fn not_enrolled_found(&self, q: &super::drill::CommuneQuery) -> crate::Result<Vec<NotEnrolled>> {
        let sort = q.sort.as_deref().filter(|s| matches!(s.trim().trim_start_matches('-').trim(), "code" | "name"));
        let q = super::drill::CommuneQuery { search: q.search.clone(), sort: sort.map(str::to_owned) };
        super::drill::communes(self.not_enrolled.clone(), &q, &[], |c| super::drill::CommuneRow {
            code: &c.commune_code,
            name: &c.commune,
            values: Vec::new(),
        })
    }

    /// Communes with a late or missing period, for the late list.
    pub fn late(&self) -> Vec<&CommuneRow> {
        self.communes
            .iter()
            .filter(|c| c.periods.iter().any(|p| matches!(p.state, State::Late | State::Missing)))
            .collect()
    }
}

fn rate(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (part.min(whole) as f64 * 1000.0 / whole as f64).round() / 10.0)
}

fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

fn day(s: &str) -> Option<NaiveDate> {
    instant(s).map(day_of)
}

/// A clock flag's message: bundle `seq` made after its own import, or (`previous` its number) before
/// the bundle before it in its chain.
fn clock_flag(b: &BundleRow, previous: Option<i64>) -> ClockFlag {
    let message = match previous {
        None => {
            format!("Gói số {} ghi thời điểm tạo sau lúc Công an tỉnh nhập nó: đồng hồ máy của xã chạy nhanh?", b.seq)
        }
        Some(p) => format!(
            "Gói số {} ghi thời điểm tạo trước gói số {} gửi trước nó: đồng hồ máy của xã bị chỉnh lùi?",
            b.seq, p
        ),
    };
    ClockFlag {
        seq: b.seq,
        created_at: b.created_at.clone().unwrap_or_default(),
        imported_at: b.imported_at.clone(),
        message,
    }
}

/// Clock flags of one commune's bundles (in installation, epoch, number order), judged from every
/// one of them.
fn clock_flags(bundles: &[&BundleRow]) -> Vec<ClockFlag> {
    let mut out = Vec::new();
    let mut prev: Option<&BundleRow> = None;
    for b in bundles {
        let Some(made) = b.created_at.as_deref().and_then(instant) else { continue };
        if instant(&b.imported_at).is_some_and(|i| made > i) {
            out.push(clock_flag(b, None));
        }
        if let Some(p) = prev.filter(|p| p.installation_id == b.installation_id && p.epoch == b.epoch)
            && p.created_at.as_deref().and_then(instant).is_some_and(|pm| made < pm)
        {
            out.push(clock_flag(b, Some(p.seq)));
        }
        prev = Some(b);
    }
    out
}

/// What the roster reads of each commune.
struct Read {
    /// Its bundles that the periods judged need (every one, or those made from the first period's
    /// cut-off to the first made on or after the last's, and the last imported), in installation,
    /// epoch, number order.
    bundles: Vec<BundleRow>,
    clock_flags: Vec<ClockFlag>,
    decisions: Vec<crate::store::province_review::StoredDecision>,
    answers: Vec<crate::store::province_review::StoredAnswer>,
}

/// Reads commune `code`'s bundles, clock flags, decisions and answers for the periods `subs`: by
/// the store's indexes (province migration 0012), so that the roster of a year reads that year's,
/// whatever the years before.
fn read_for(p: &Province, code: &str, subs: &[Window]) -> Result<Read> {
    let db = p.db();
    let mut bundles: Vec<BundleRow> = Vec::new();
    if let (Some(first), Some(last)) = (subs.first(), subs.last()) {
        // The instant the first period's cut-off day begins in Vietnam, as the import writes times.
        let from = first.end.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(crate::period::vietnam());
        let from = from.single().expect("a fixed offset").with_timezone(&Utc).to_rfc3339();
        // Up to the day of the first bundle made on or after the last period's cut-off, all of it.
        let mut upto: Option<NaiveDate> = None;
        db.bundles_made_from(code, &from, &mut |b| {
            let Some(d) = b.created_at.as_deref().and_then(day) else { return true };
            if upto.is_some_and(|u| d > u) {
                return false;
            }
            if upto.is_none() && d >= last.end {
                upto = Some(d);
            }
            bundles.push(b);
            true
        })?;
    }
    if let Some(b) = db.last_imported(code)?
        && !bundles.iter().any(|x| x.hash == b.hash)
    {
        bundles.push(b);
    }
    bundles.sort_by(|a, b| (&a.installation_id, a.epoch, a.seq).cmp(&(&b.installation_id, b.epoch, b.seq)));
    let clock_flags =
        db.clock_flags(code)?.iter().map(|(b, after, previous)| clock_flag(b, previous.filter(|_| !after))).collect();
    let periods: Vec<String> = subs.iter().map(|s| s.period.to_string()).collect();
    let decisions = db.review_decisions_on(code, &periods)?;
    let numbers: Vec<i64> = decisions.iter().map(|d| d.decision.n).collect();
    let answers = db.review_answers_to(code, &numbers)?;
    Ok(Read { bundles, clock_flags, decisions, answers })
}

/// The roster for `period` as of `today` (in Vietnam).
pub fn roster(p: &Province, period: Period, today: NaiveDate) -> Result<Roster> {
    judge_roster(p, period, today, false)
}

/// The roster judged from every bundle, decision and answer the province holds, read whole: what
/// [`roster`] gave before it read by the store's indexes. Kept to check that it still gives the same.
#[doc(hidden)]
pub fn roster_reading_everything(p: &Province, period: Period, today: NaiveDate) -> Result<Roster> {
    judge_roster(p, period, today, true)
}

fn judge_roster(p: &Province, period: Period, today: NaiveDate, everything: bool) -> Result<Roster> {
    let rules = super::rules(p)?;
    let window = rules.window(period);
    let subs: Vec<Window> = rules.expected_in(&window);
    let db = p.db();
    let names = db.commune_names()?;
    let waiting = db.waiting_counts()?;
    let mut by_commune: BTreeMap<String, Vec<crate::store::province::Installation>> = BTreeMap::new();
    for i in db.installations()? {
        by_commune.entry(i.commune_code.clone()).or_default().push(i);
    }
    let all = if everything {
        Some((
            db.bundles()?,
            db.review_decisions(None)?,
            db.review_answers(None)?,
            db.quarantine_queue()?,
            db.held_changes()?,
        ))
    } else {
        None
    };
    let mut communes = Vec::new();
    for (code, insts) in by_commune {
        let read = match &all {
            Some((bundles, decisions, answers, _, _)) => {
                let mine: Vec<&BundleRow> = bundles.iter().filter(|b| b.commune_code == code).collect();
                Read {
                    clock_flags: clock_flags(&mine),
                    bundles: mine.into_iter().cloned().collect(),
                    decisions: decisions.iter().filter(|d| d.commune_code == code).cloned().collect(),
                    answers: answers.iter().filter(|a| a.commune_code == code).cloned().collect(),
                }
            }
            None => read_for(p, &code, &subs)?,
        };
        let (quarantined, held) = match &all {
            Some((_, _, _, queue, held)) => (
                queue.iter().filter(|q| q.commune_code == code && q.decision.is_none()).count(),
                held.iter().filter(|h| h.commune_code == code && h.decision.is_none()).count(),
            ),
            None => waiting.get(&code).copied().unwrap_or_default(),
        };
        let mine: Vec<&BundleRow> = read.bundles.iter().collect();
        let judged = &read.decisions;
        let answered = &read.answers;
        let from = insts.iter().filter_map(|i| day(&i.registered_at)).min();
        let revoked = insts.iter().all(|i| i.revoked_at.is_some());
        let until =
            if revoked { insts.iter().filter_map(|i| i.revoked_at.as_deref().and_then(day)).max() } else { None };
        // The bundles by the day they were made, earliest first.
        let mut made: Vec<(NaiveDate, &BundleRow)> =
            mine.iter().filter_map(|b| Some((day(b.created_at.as_deref()?)?, *b))).collect();
        made.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.imported_at.cmp(&b.1.imported_at)));
        let mut periods = Vec::new();
        let (mut expected, mut received, mut on_time) = (0, 0, 0);
        for s in &subs {
            let active = from.is_some_and(|f| f <= s.end) && until.is_none_or(|u| s.end <= u);
            let first = made.iter().find(|(d, _)| *d >= s.end);
            let timely = made.iter().find(|(d, _)| *d >= s.end && *d <= s.due);
            let state = if !active {
                State::Inactive
            } else if timely.is_some() {
                State::OnTime
            } else if first.is_some() {
                State::Late
            } else if s.due < today {
                State::Missing
            } else {
                State::Open
            };
            if state != State::Inactive && state != State::Open {
                expected += 1;
                received += matches!(state, State::OnTime | State::Late) as u32;
                on_time += (state == State::OnTime) as u32;
            }
            let shown = timely.or(first).filter(|_| active);
            let (review, decision, answered) = super::review::judge(judged, &mine, answered, s);
            periods.push(PeriodRow {
                review,
                review_label: review.label(),
                decision: decision.cloned(),
                answered,
                period: s.period,
                label: s.label(),
                end: crate::date::iso(s.end),
                due: crate::date::iso(s.due),
                state,
                state_label: state.label(),
                bundle_seq: shown.map(|b| b.1.seq),
                bundle_created_at: shown.and_then(|b| b.1.created_at.clone()),
                bundle_imported_at: shown.map(|b| b.1.imported_at.clone()),
            });
        }
        let last = mine.iter().max_by(|a, b| a.imported_at.cmp(&b.imported_at));
        let mut gaps = Vec::new();
        for i in &insts {
            gaps.extend(db.gaps(&i.key_id)?);
        }
        let keys = insts
            .iter()
            .map(|i| KeyRow {
                key_id: i.key_id.clone(),
                fingerprint: crate::crypto::PublicKey::parse(&i.public_key)
                    .map(|k| k.fingerprint())
                    .unwrap_or_default(),
                registered_at: i.registered_at.clone(),
                revoked_at: i.revoked_at.clone(),
            })
            .collect();
        communes.push(CommuneRow {
            commune: commune_name(&names, &code),
            keys,
            expected,
            received,
            on_time,
            received_rate: rate(received, expected),
            on_time_rate: rate(on_time, expected),
            periods,
            last_bundle_seq: last.map(|b| b.seq),
            last_bundle_at: last.and_then(|b| b.created_at.clone()),
            last_import_at: last.map(|b| b.imported_at.clone()),
            gaps,
            quarantined,
            clock_flags: read.clock_flags,
            held,
            revoked,
            commune_code: code,
        });
    }
    let (expected, received, on_time) =
        communes.iter().fold((0, 0, 0), |(e, r, o), c| (e + c.expected, r + c.received, o + c.on_time));
    let official = crate::units::Units::builtin().communes_of(&p.meta().province_code);
    let not_enrolled = official
        .iter()
        .filter(|c| !communes.iter().any(|e| e.commune_code == c.code))
        .map(|c| NotEnrolled { commune_code: c.code.clone(), commune: c.full_name() })
        .collect();
    Ok(Roster {
        period,
        label: window.label(),
        rules,
        today: crate::date::iso(today),
        communes,
        expected,
        received,
        on_time,
        received_rate: rate(received, expected),
        on_time_rate: rate(on_time, expected),
        official: u32::try_from(official.len()).unwrap_or(u32::MAX),
        not_enrolled,
    })
}

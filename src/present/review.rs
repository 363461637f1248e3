//! The province's review as the commune sees it (window and CLI alike): the state of its periods
//! (approved and locked, returned, reopened), the to-do list "Công an tỉnh trả lại", and the
//! sentences that tell a decision.

use serde::Serialize;
use uuid::Uuid;

use crate::domain::Kind;
use crate::domain::review::{self, Action, Decision, State};
use crate::error::Result;
use crate::period::{Period, Rules};
use crate::store::Store;

/// One period the province decided on, or one of the recent periods (the dashboard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewPeriod {
    /// `2026-11`.
    pub period: String,
    /// "Tháng 11/2026 (15/10/2026 – 14/11/2026)".
    pub label: String,
    pub state: State,
    pub state_label: String,
    /// The period is locked: no record of it can be written.
    pub locked: bool,
    /// Who decided last and when (`dd/mm/yyyy hh:mm`); empty when nothing was decided.
    pub by: String,
    pub at: String,
    pub note: String,
    /// Reasons of its return still to be done.
    pub open_items: u32,
}

/// One reason of a return on the to-do list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TodoItem {
    /// `3.1`: the decision's number and the reason's place, from 1; `3.0` is a return's general
    /// reason (what `phongtrao review --done` takes).
    pub id: String,
    pub decision: i32,
    pub i: i32,
    pub period_label: String,
    pub by: String,
    pub at: String,
    /// The record it names (one click opens it); `None`: a general reason.
    pub record_id: Option<Uuid>,
    pub kind: Option<Kind>,
    pub kind_label: String,
    pub title: String,
    pub reason: String,
    pub done: bool,
    pub done_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommuneReview {
    /// The periods the province decided on, newest decision first.
    pub periods: Vec<ReviewPeriod>,
    /// The to-do list: open reasons first.
    pub todo: Vec<TodoItem>,
    pub open: u32,
    /// This laptop's changes the province holds because they touch a period it approved ("sửa sau
    /// khi duyệt"), as its receipts said: undecided first.
    pub held: Vec<HeldNotice>,
}

/// A change of this laptop the province holds for its reviewer, as the commune's officer reads it:
/// what, why, and what to do (or what the reviewer decided).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeldNotice {
    pub record_id: Uuid,
    pub kind: Kind,
    /// "Hoạt động «Tuyên truyền phòng cháy»".
    pub what: String,
    pub period_label: String,
    /// "Kỳ … đã được Công an tỉnh duyệt nên thay đổi gửi lên trong gói số 4 không được đưa vào số liệu…".
    pub why: String,
    /// What the officer does now, or what the reviewer decided.
    pub advice: String,
    /// `None` while the province's reviewer has not decided; `accept` or `refuse`.
    pub decision: Option<String>,
    pub decision_label: String,
}

fn held_notice(store: &Store, all: &[Decision], h: &crate::store::ProvinceHeld) -> Result<HeldNotice> {
    let title = store.get_any(h.record_id)?.map(|r| r.title).unwrap_or_else(|| h.record_id.to_string());
    let period_label = all
        .iter()
        .rfind(|d| d.period.to_string() == h.period)
        .map(|d| d.label.clone())
        .or_else(|| h.period.parse::<Period>().ok().map(|p| p.label()))
        .unwrap_or_else(|| h.period.clone());
    let bundle = h.bundle_seq.map_or_else(|| "một gói".to_owned(), |n| format!("gói số {n}"));
    let why = format!(
        "Kỳ {period_label} đã được Công an tỉnh duyệt nên thay đổi máy này gửi lên trong {bundle} không được đưa vào \
số liệu của tỉnh: Công an tỉnh giữ lại để người duyệt xem xét (sửa sau khi duyệt)."
    );
    let at = h.decided_at.as_deref().map(crate::date::display_stamp).unwrap_or_default();
    let note = h.note.clone().unwrap_or_default();
    let (advice, label) = match h.decision.as_deref() {
        None => (
            "Không cần gửi lại. Nếu thay đổi là đúng, hãy báo Công an tỉnh để chấp nhận (kỳ sẽ được mở lại); nếu không, \
Công an tỉnh từ chối và giữ số liệu đã duyệt."
                .to_owned(),
            "Chờ Công an tỉnh xem xét",
        ),
        Some("accept") => (
            format!(
                "Công an tỉnh đã chấp nhận lúc {at}: {note}. Thay đổi đã vào số liệu của tỉnh; kỳ được mở lại, \
máy này nhận quyết định mở lại ở gói quyết định."
            ),
            "Đã chấp nhận",
        ),
        Some(_) => (
            format!(
                "Công an tỉnh đã từ chối lúc {at}: {note}. Số liệu đã duyệt được giữ, nên bản ghi ở máy này khác với số liệu \
của tỉnh; nếu cần sửa cho khớp, hãy đề nghị Công an tỉnh mở lại kỳ."
            ),
            "Đã từ chối",
        ),
    };
    Ok(HeldNotice {
        record_id: h.record_id,
        kind: h.kind,
        what: format!("{} «{title}»", crate::text::capitalise(h.kind.label())),
        period_label,
        why,
        advice,
        decision: h.decision.clone(),
        decision_label: label.to_owned(),
    })
}

fn period_row(d: &Decision, open_items: u32) -> ReviewPeriod {
    let (state, label) = match d.action {
        Action::Approve => (State::Approved, State::Approved.label().to_owned()),
        Action::Return if open_items == 0 => (State::Corrected, "Đã sửa, chờ gửi lên tỉnh".to_owned()),
        Action::Return => (State::Returned, State::Returned.label().to_owned()),
        Action::Reopen => (State::Sent, "Được mở lại".to_owned()),
    };
    ReviewPeriod {
        period: d.period.to_string(),
        label: d.label.clone(),
        state,
        state_label: label,
        locked: d.action == Action::Approve,
        by: d.by.clone(),
        at: crate::date::display_local(d.at),
        note: d.note.clone(),
        open_items,
    }
}

/// The commune's review page: its periods and the to-do list.
pub fn commune(store: &Store) -> Result<CommuneReview> {
    let all = store.review_decisions()?;
    let items = store.returned_items()?;
    let open_of = |p: &Period| items.iter().filter(|t| t.period == p.to_string() && t.done_at.is_none()).count() as u32;
    let mut last = review::last_per_period(&all);
    last.sort_by_key(|d| std::cmp::Reverse(d.n));
    let periods = last.iter().map(|d| period_row(d, open_of(&d.period))).collect();
    let todo: Vec<TodoItem> = items
        .into_iter()
        .map(|t| TodoItem {
            id: format!("{}.{}", t.decision, t.i + 1),
            decision: t.decision as i32,
            i: t.i as i32,
            period_label: t.period_label,
            by: t.decided_by,
            at: crate::date::display_stamp(&t.decided_at),
            record_id: t.record_id,
            kind: t.kind,
            kind_label: t.kind.map(|k| crate::text::capitalise(k.label())).unwrap_or_else(|| "Chung".to_owned()),
            title: t.title,
            reason: t.reason,
            done: t.done_at.is_some(),
            done_at: t.done_at.as_deref().map(crate::date::display_stamp).unwrap_or_default(),
        })
        .collect();
    let open = todo.iter().filter(|t| !t.done).count() as u32;
    let held = store.province_held()?.iter().map(|h| held_notice(store, &all, h)).collect::<Result<_>>()?;
    Ok(CommuneReview { periods, todo, open, held })
}

/// The last `n` periods of the reporting rules up to `today`'s, each with its state at the commune
/// (the dashboard): "Chưa duyệt" when the province has not decided yet.
pub fn recent(store: &Store, today: chrono::NaiveDate, n: usize) -> Result<Vec<ReviewPeriod>> {
    let rules = Rules::from_items(&store.ref_items(crate::period::LIST)?);
    let all = store.review_decisions()?;
    let items = store.returned_items()?;
    let last = review::last_per_period(&all);
    let mut w = rules.period_of(today);
    let mut out = Vec::new();
    for _ in 0..n {
        let open = items.iter().filter(|t| t.period == w.period.to_string() && t.done_at.is_none()).count() as u32;
        out.push(match last.iter().find(|d| d.period == w.period) {
            Some(d) => period_row(d, open),
            None => ReviewPeriod {
                period: w.period.to_string(),
                label: w.label(),
                state: State::Sent,
                state_label: "Chưa có quyết định của tỉnh".to_owned(),
                locked: false,
                by: String::new(),
                at: String::new(),
                note: String::new(),
                open_items: 0,
            },
        });
        w = rules.period_of(w.start - chrono::Duration::days(1));
    }
    Ok(out)
}

/// What deciding and writing the commune's decision bundle to `file` did, in one line (the window).
pub fn decided_and_sent(d: &Decision, commune: &str, file: &std::path::Path) -> String {
    format!("{} {}", decided(d, commune), sent_to(file))
}

/// Where the commune's decision bundle was written.
pub fn sent_to(file: &std::path::Path) -> String {
    format!("Gói quyết định cho xã: {}", file.display())
}

/// What a decision did, as the province's officer reads it after deciding.
pub fn decided(d: &Decision, commune: &str) -> String {
    match d.action {
        Action::Approve => format!(
            "Đã duyệt kỳ {} của xã {commune} (quyết định số {}): kỳ bị khóa ở tỉnh và ở xã khi xã nhập gói quyết định.",
            d.label, d.n
        ),
        Action::Return => format!(
            "Đã trả lại kỳ {} của xã {commune} (quyết định số {}) với {} lý do theo bản ghi{}.",
            d.label,
            d.n,
            d.reasons.len(),
            if d.note.is_empty() { String::new() } else { format!(" và lý do chung: {}", d.note) }
        ),
        Action::Reopen => format!("Đã mở lại kỳ {} của xã {commune} (quyết định số {}): {}", d.label, d.n, d.note),
    }
}

/// One commune's period in the province's review page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewRow {
    pub commune_code: String,
    pub commune: String,
    /// `2026-11`.
    pub period: String,
    pub label: String,
    pub state: State,
    pub state_label: String,
    /// The bundle that covered it ("Gói số 4, tạo 16/11/2026 08:30"), or "—".
    pub bundle: String,
    /// "Trả lại lúc 06/12/2026 10:25 (Thượng tá Lê Văn C)", or empty.
    pub decided: String,
    /// The note of an approval, the reason of a reopening (a return's reasons are in `reasons`).
    pub note: String,
    /// A return's reasons, the general one first, each with whether the commune answered it.
    pub reasons: Vec<ReasonLine>,
    /// "2/3 lý do đã sửa" for a return; empty otherwise.
    pub progress: String,
    /// Changes to approved periods of this commune waiting for the reviewer.
    pub held: u32,
}

/// One reason of a return as the province's review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReasonLine {
    /// "Lý do chung: …" or "Hoạt động «title»: reason".
    pub text: String,
    /// The commune marked it done (`answers.json` of one of its bundles).
    pub answered: bool,
    /// "đã sửa" / "chưa sửa".
    pub status: String,
}

/// A return's reasons with what the commune answered (`answered`: the places, `Decision::items`),
/// and "k/n lý do đã sửa".
pub fn reason_lines(d: &Decision, answered: &[i64]) -> (Vec<ReasonLine>, String) {
    if d.action != Action::Return {
        return (Vec::new(), String::new());
    }
    let items = d.items();
    let lines = items
        .iter()
        .map(|&i| {
            let text = match usize::try_from(i).ok().and_then(|i| d.reasons.get(i)) {
                Some(r) => format!(
                    "{} «{}»: {}",
                    r.kind.map_or_else(|| "Bản ghi".to_owned(), |k| crate::text::capitalise(k.label())),
                    r.title,
                    r.reason
                ),
                None => format!("Lý do chung: {}", d.note),
            };
            let ok = answered.contains(&i);
            ReasonLine { text, answered: ok, status: if ok { "đã sửa" } else { "chưa sửa" }.to_owned() }
        })
        .collect::<Vec<_>>();
    let done = lines.iter().filter(|l| l.answered).count();
    let progress = format!("{done}/{} lý do đã sửa", lines.len());
    (lines, progress)
}

/// The review's rows of a roster: every commune × period of the frequency inside it, except the
/// periods a commune was not active for and has nothing in.
pub fn review_rows(r: &crate::province::roster::Roster) -> Vec<ReviewRow> {
    use crate::province::roster::State as Sent;
    let mut out = Vec::new();
    for c in &r.communes {
        for p in &c.periods {
            if p.state == Sent::Inactive && p.review == State::NotSent {
                continue;
            }
            let (reasons, progress) = p.decision.as_ref().map(|d| reason_lines(d, &p.answered)).unwrap_or_default();
            out.push(ReviewRow {
                commune_code: c.commune_code.clone(),
                commune: c.commune.clone(),
                period: p.period.to_string(),
                label: p.label.clone(),
                state: p.review,
                state_label: p.review_label.to_owned(),
                bundle: match (p.bundle_seq, &p.bundle_created_at) {
                    (Some(n), Some(t)) => format!("Gói số {n}, tạo {}", crate::date::display_stamp(t)),
                    (Some(n), None) => format!("Gói số {n}"),
                    _ => "—".into(),
                },
                decided: p
                    .decision
                    .as_ref()
                    .map(|d| {
                        format!(
                            "{} lúc {} ({})",
                            crate::text::capitalise(d.action.label()),
                            crate::date::display_local(d.at),
                            d.by
                        )
                    })
                    .unwrap_or_default(),
                note: p
                    .decision
                    .as_ref()
                    .filter(|d| d.action != Action::Return)
                    .map(|d| d.note.clone())
                    .unwrap_or_default(),
                reasons: reasons.clone(),
                progress: progress.clone(),
                held: u32::try_from(c.held).unwrap_or(u32::MAX),
            });
        }
    }
    out
}

/// The review's rows with the communes searched by name or code (accents ignored) and ordered as
/// `asked`, as the other tables of communes are ([`crate::province::drill::communes`]): `code` (the
/// default), `name`, `period`, `state` (by its name in Vietnamese order, not its code); `-`
/// downwards; ties by code, then a commune's periods in order.
pub fn review_page(
    r: &crate::province::roster::Roster,
    asked: &crate::present::province::CommunesArgs,
) -> Result<Vec<ReviewRow>> {
    use crate::province::drill;
    let rows = review_rows(r);
    let periods = drill::ranks(rows.iter().map(|x| x.period.clone()));
    let states = drill::ranks(rows.iter().map(|x| crate::text::sort_key(&x.state_label)));
    drill::communes(rows, &asked.query(), &["period", "state"], |x| drill::CommuneRow {
        code: &x.commune_code,
        name: &x.commune,
        values: vec![periods[&x.period], states[&crate::text::sort_key(&x.state_label)]],
    })
}

/// A change to an approved period as the province's queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeldLine {
    pub id: String,
    pub commune: String,
    pub kind: String,
    pub title: String,
    pub period: String,
    pub at: String,
    pub changes: Vec<crate::province::review::FieldChange>,
    /// "Đã chấp nhận lúc …: note", "Đã từ chối lúc …: note", or empty while undecided.
    pub decided: String,
}

pub fn held_line(h: &crate::province::review::Held) -> HeldLine {
    let e = &h.entry;
    HeldLine {
        id: h.id.clone(),
        commune: h.commune.clone(),
        kind: crate::text::capitalise(&h.kind_label),
        title: h.title.clone(),
        period: h.period_label.clone(),
        at: crate::date::display_stamp(&e.at),
        changes: h.changes.clone(),
        decided: match e.decision.as_deref() {
            None => String::new(),
            Some(d) => format!(
                "{} lúc {} ({}): {}",
                if d == "accept" { "Đã chấp nhận, mở lại kỳ" } else { "Đã từ chối" },
                e.decided_at.as_deref().map(crate::date::display_stamp).unwrap_or_default(),
                e.decided_by.clone().unwrap_or_default(),
                e.note.clone().unwrap_or_default()
            ),
        },
    }
}

/// A decision as the window sends it, checked: the action's code and the records' ids (each bad
/// one named).
pub fn decision_input(
    action: &str,
    note: &str,
    records: &[(String, String)],
) -> Result<(Action, crate::province::review::Ask)> {
    let action = Action::parse(action.trim()).ok_or_else(|| {
        crate::Error::field(
            "action",
            "Quyết định",
            format!("«{}» không phải duyệt, trả lại hay mở lại", crate::text::printable(action, 20)),
        )
    })?;
    let mut picked = Vec::new();
    for (id, reason) in records {
        let id = Uuid::parse_str(id.trim()).map_err(|_| {
            crate::Error::field(
                "records",
                "Bản ghi",
                format!("mã bản ghi «{}» không hợp lệ", crate::text::printable(id, 40)),
            )
        })?;
        picked.push((id, reason.clone()));
    }
    Ok((action, crate::province::review::Ask { note: note.to_owned(), records: picked }))
}

/// A commune whose decision bundle the province can send, as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DecidedLine {
    pub commune_code: String,
    pub commune: String,
    /// "3 quyết định; mới nhất: trả lại kỳ Tháng 11/2026 (…) lúc 06/12/2026 10:25", and the
    /// inspections by the province it carries.
    pub summary: String,
}

pub fn decided_line(d: &crate::province::review::Decided) -> DecidedLine {
    let mut parts = Vec::new();
    if let Some(last) = &d.last {
        parts.push(format!(
            "{} quyết định; mới nhất: {} kỳ {} lúc {}",
            d.decisions,
            last.action.label(),
            last.label,
            crate::date::display_local(last.at)
        ));
    }
    if d.inspections > 0 {
        parts.push(format!("{} cuộc kiểm tra của Công an tỉnh", d.inspections));
    }
    DecidedLine { commune_code: d.commune_code.clone(), commune: d.commune.clone(), summary: parts.join("; ") }
}

/// The communes whose decision bundles can be sent («Gửi quyết định cho các xã»), found by name or
/// code as every table of communes at the province ([`crate::province::drill::communes`]: accents
/// ignored, in code order unless `asked` sorts by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DecidedView {
    /// The communes the search found.
    pub communes: Vec<DecidedLine>,
    /// Every commune the province decided on or inspected, found or not: how many files «Ghi gói
    /// quyết định» writes when no commune is ticked.
    pub total: u32,
    /// "2/5 xã khớp «ia»." while a search narrows the list, else empty.
    pub found: String,
}

pub fn decided_page(
    p: &crate::sync::province::Province,
    asked: &crate::present::province::CommunesArgs,
) -> Result<DecidedView> {
    let all: Vec<DecidedLine> = crate::province::review::decided_communes(p)?.iter().map(decided_line).collect();
    let total = all.len();
    let q = asked.query();
    let communes = crate::province::drill::communes(all, &q, &[], |d| crate::province::drill::CommuneRow {
        code: &d.commune_code,
        name: &d.commune,
        values: Vec::new(),
    })?;
    Ok(DecidedView {
        found: crate::present::province::communes_found(communes.len(), total, &q),
        total: u32::try_from(total).unwrap_or(u32::MAX),
        communes,
    })
}

/// What writing decision bundles to a stick did, as the officer reads it.
pub fn sent(files: &[std::path::PathBuf], dir: &std::path::Path) -> String {
    let names: Vec<String> =
        files.iter().map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).collect();
    match names.len() {
        0 => "Chưa có quyết định nào để gửi.".to_owned(),
        n => format!(
            "Đã ghi {n} gói quyết định vào {}: {}. Mỗi xã nhập gói của mình ở mục «Đồng bộ với Công an tỉnh».",
            dir.display(),
            names.join(", ")
        ),
    }
}

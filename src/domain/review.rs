//! The province's review of a commune's reporting period (issue 16): approve, return with reasons,
//! reopen. The decisions travel to the commune in signed province bundles (docs/SYNC.md, "Decision
//! bundles"); both ends keep them, number them the same way and read a period's state from them the
//! same way. Which records belong to a period is `crate::period::record_days`.
//!
//! Pure: no SQL, no I/O.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Kind;
use crate::period::{Period, Window};

/// What the province decided on a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The figures are the official ones: the period is locked at both ends.
    Approve,
    /// Sent back to be corrected, with reasons.
    Return,
    /// An approved period opened again (the chief of the province, with a reason).
    Reopen,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "approve" => Some(Action::Approve),
            "return" => Some(Action::Return),
            "reopen" => Some(Action::Reopen),
            _ => None,
        }
    }

    /// The decision as a verb phrase ("duyệt", "trả lại", "mở lại").
    pub fn label(self) -> &'static str {
        match self {
            Action::Approve => "duyệt",
            Action::Return => "trả lại",
            Action::Reopen => "mở lại",
        }
    }
}

/// A reason of a return: general (no record) or about one record of the commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// The record's title as the province saw it (empty for a general reason).
    #[serde(default)]
    pub title: String,
    pub reason: String,
}

/// One decision on one commune's period, as both ends keep it and as a decision bundle carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The province's number of this decision for this commune: 1, 2, 3… with no gap.
    pub n: i64,
    pub id: Uuid,
    pub period: Period,
    /// "Tháng 11/2026 (15/10/2026 – 14/11/2026)".
    pub label: String,
    /// The period's first and last day under the province's rules when it decided.
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub action: Action,
    /// Who decided, as the commune reads it (rank and name).
    pub by: String,
    pub at: DateTime<Utc>,
    /// The note of an approval, the general reason of a return (may be empty if it has record
    /// reasons), the reason of a reopening.
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reasons: Vec<Reason>,
}

impl Decision {
    pub fn window(&self) -> Window {
        Window { period: self.period, start: self.start, end: self.end, due: self.end }
    }

    /// The places of a return's reasons on the commune's to-do list: `-1` for its general reason
    /// (its note, when there is one), then `0, 1, …` for its reasons per record. Nothing for an
    /// approval or a reopening. Both ends number them so ("2/3 đã sửa").
    pub fn items(&self) -> Vec<i64> {
        if self.action != Action::Return {
            return Vec::new();
        }
        let general = (!self.note.trim().is_empty()).then_some(-1);
        general.into_iter().chain(0..self.reasons.len() as i64).collect()
    }

    /// The record the reason at place `i` names (`None` for the general reason or a place it does
    /// not have).
    pub fn item_record(&self, i: i64) -> Option<Uuid> {
        usize::try_from(i).ok().and_then(|i| self.reasons.get(i)).and_then(|r| r.record_id)
    }
}

/// The commune's answer to one reason of a return: the item it marked done, when (docs/SYNC.md,
/// `answers.json`). A reason naming a record is done when the record was next written (the
/// correction travels in the same bundle or an earlier one); a general reason when the officer
/// ticked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The return's number (`Decision::n`).
    pub decision: i64,
    /// The reason's place (`Decision::items`): `-1` the general reason, `0…` a reason per record.
    pub i: i64,
    /// The record the reason names, as the commune has it (must be the decision's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<Uuid>,
    pub done_at: DateTime<Utc>,
}

/// A commune's period as the review sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Nothing received for it.
    NotSent,
    /// Received, not reviewed (or reopened).
    Sent,
    Approved,
    Returned,
    /// The commune sent corrections after a return (or after a reopening): back to the reviewer.
    Corrected,
}

/// The name the rules use.
pub type State = ReviewState;

impl ReviewState {
    pub const ALL: [State; 5] = [State::NotSent, State::Sent, State::Approved, State::Returned, State::Corrected];

    pub fn code(self) -> &'static str {
        match self {
            State::NotSent => "not_sent",
            State::Sent => "sent",
            State::Approved => "approved",
            State::Returned => "returned",
            State::Corrected => "corrected",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.code() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            State::NotSent => "Chưa gửi",
            State::Sent => "Đã gửi",
            State::Approved => "Đã duyệt",
            State::Returned => "Bị trả lại",
            State::Corrected => "Đã sửa",
        }
    }
}

/// The state of a period from the last decision on it and whether data for it came in: `received`
/// (a bundle covering it), `sent_after_last` (a bundle imported after the last decision).
pub fn state(last: Option<&Decision>, received: bool, sent_after_last: bool) -> State {
    match last.map(|d| d.action) {
        None if received => State::Sent,
        None => State::NotSent,
        Some(Action::Approve) => State::Approved,
        Some(Action::Return) if sent_after_last => State::Corrected,
        Some(Action::Return) => State::Returned,
        Some(Action::Reopen) if sent_after_last => State::Corrected,
        Some(Action::Reopen) => State::Sent,
    }
}

/// The last decision of each period among `decisions` (in their order).
pub fn last_per_period(decisions: &[Decision]) -> Vec<&Decision> {
    let mut out: Vec<&Decision> = Vec::new();
    for d in decisions {
        match out.iter_mut().find(|x| x.period == d.period) {
            Some(x) => *x = d,
            None => out.push(d),
        }
    }
    out
}

/// The approved (locked) periods among `decisions`.
pub fn locks(decisions: &[Decision]) -> Vec<&Decision> {
    last_per_period(decisions).into_iter().filter(|d| d.action == Action::Approve).collect()
}

/// The message of a write refused because it falls in an approved period.
pub fn locked_message(kind: Kind, title: &str, lock: &Decision) -> String {
    format!(
        "Không lưu được: {} «{}» thuộc kỳ {}, kỳ này đã được Công an tỉnh duyệt ({}, lúc {}) nên đã khóa: \
không thêm, sửa hay xóa được bản ghi nào của kỳ. Chỉ Công an tỉnh mới mở lại được kỳ đã duyệt; nếu cần sửa, \
hãy đề nghị Công an tỉnh mở lại kỳ này.",
        kind.label(),
        crate::text::printable(title, 120),
        lock.label,
        lock.by,
        crate::date::display_local(lock.at),
    )
}

/// What an exchange says of another laptop's change taken into an approved period (docs/SYNC.md,
/// "Several laptops of one commune"): made there before that laptop knew of the approval.
pub fn merged_message(kind: Kind, title: &str, lock: &Decision, officer: &str) -> String {
    format!(
        "{} «{}» thuộc kỳ {}, kỳ đã được Công an tỉnh duyệt ({}, lúc {}), nhưng máy của {} đã sửa khi chưa biết kỳ đã khóa. \
Máy này nhận thay đổi để mọi máy của xã giữ cùng dữ liệu và ghi vào danh sách «Sửa sau khi duyệt»; Công an tỉnh sẽ \
xem xét khi nhận gói dữ liệu (đồng ý thì mở lại kỳ, không đồng ý thì giữ số liệu đã duyệt)",
        crate::text::capitalise(kind.label()),
        crate::text::printable(title, 120),
        lock.label,
        lock.by,
        crate::date::display_local(lock.at),
        crate::text::printable(officer, 120),
    )
}

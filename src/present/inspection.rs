//! Inspections and remediation as the window and the CLI show them: an inspection's page (its
//! fields, findings and tasks, each with its state and answers) and the list of every task with its
//! state. The state itself is decided in [`crate::domain::inspection::task_state`].

use serde::Serialize;
use uuid::Uuid;

use super::record::{LinkRef, RecordView, record_view};
use crate::domain::DocExt;
use crate::domain::inspection::TaskStatus;
use crate::error::Result;
use crate::store::{RemedyCounts, RemedyRow, Store};

/// A task as a list or an inspection's page shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemedyView {
    pub id: Uuid,
    pub title: String,
    pub content: String,
    pub responsible: String,
    /// dd/mm/yyyy.
    pub deadline: String,
    pub inspection: Option<LinkRef>,
    pub status: TaskStatus,
    /// "Đang thực hiện", "Quá hạn", "Đã hoàn thành".
    pub status_label: String,
    /// "Quá hạn 3 ngày", "Đã báo cáo, chờ đánh giá", "Còn 5 ngày"…
    pub state: String,
    /// An answer waits for the reviewer.
    pub waiting: bool,
    /// Done: the task and its answers can only be read.
    pub closed: bool,
    /// Its answers, oldest first, each with its verdict when given.
    pub answers: Vec<AnswerView>,
}

/// An answer to a task and its verdict.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnswerView {
    pub record: RecordView,
    /// dd/mm/yyyy.
    pub date: String,
    pub content: String,
    /// The records given as evidence.
    pub evidence: Vec<LinkRef>,
    /// `dat`, `chua_dat`, or none while it waits.
    pub verdict: Option<String>,
    /// "Đạt, đã khắc phục xong (Đ/c Lê Văn Hùng, 06/05/2026)", "Chờ đánh giá".
    pub verdict_text: String,
    pub verdict_reason: String,
}

/// An inspection's page.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InspectionPage {
    pub inspection: RecordView,
    /// The unit inspected ("Thôn Đắk Năng", or "Công an xã" for the commune itself).
    pub subject: String,
    /// An inspection by the province: its answers are judged by the province only (no verdict here).
    pub by_province: bool,
    pub tasks: Vec<RemedyView>,
    pub counts: RemedyCounts,
}

/// Every task with its state, and the counts by state.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemedyList {
    /// dd/mm/yyyy: the day the states are judged on.
    pub today: String,
    pub rows: Vec<RemedyView>,
    pub counts: RemedyCounts,
}

fn text_of(r: &crate::domain::Record, key: &str) -> String {
    r.data.str_of(key).unwrap_or_default().to_owned()
}

fn shown_date(r: &crate::domain::Record, key: &str) -> String {
    r.data.date_of(key).map(crate::date::display).unwrap_or_default()
}

fn answer_view(store: &Store, a: &crate::domain::Record) -> Result<AnswerView> {
    let record = record_view(store, a)?;
    let evidence = record
        .values
        .iter()
        .filter(|v| v.key == "activity_ids" || v.key == "meeting_ids")
        .flat_map(|v| v.links.iter().cloned())
        .collect();
    let verdict = a.data.str_of("verdict").map(str::to_owned);
    let verdict_text = match &verdict {
        None => "Chờ đánh giá".to_owned(),
        Some(v) => {
            let label = crate::domain::inspection::VERDICTS.iter().find(|x| x.0 == v).map_or(v.as_str(), |x| x.1);
            format!("{label} ({}, {})", text_of(a, "reviewed_by"), shown_date(a, "reviewed_on"))
        }
    };
    Ok(AnswerView {
        date: shown_date(a, "date"),
        content: text_of(a, "content"),
        evidence,
        verdict,
        verdict_text,
        verdict_reason: text_of(a, "verdict_reason"),
        record,
    })
}

pub fn remedy_view(store: &Store, r: &RemedyRow) -> Result<RemedyView> {
    Ok(RemedyView {
        id: r.task.id,
        title: r.task.title.clone(),
        content: text_of(&r.task, "content"),
        responsible: text_of(&r.task, "responsible"),
        deadline: shown_date(&r.task, "deadline"),
        inspection: r.inspection.as_ref().map(LinkRef::from),
        status: r.state.status,
        status_label: r.state.status.label().to_owned(),
        state: r.state.text(),
        waiting: r.state.waiting,
        closed: r.state.status == TaskStatus::Done,
        answers: r.answers.iter().map(|a| answer_view(store, a)).collect::<Result<_>>()?,
    })
}

/// An inspection's page on the store's day.
pub fn inspection_page(store: &Store, id: Uuid) -> Result<InspectionPage> {
    let file = store.inspection_file(id, store.today())?;
    Ok(InspectionPage {
        subject: file.subject.clone(),
        by_province: file.inspection.data.str_of("by") == Some("tinh"),
        inspection: record_view(store, &file.inspection)?,
        counts: RemedyCounts::of(&file.tasks),
        tasks: file.tasks.iter().map(|t| remedy_view(store, t)).collect::<Result<_>>()?,
    })
}

/// Every task (or those of one state) on the store's day, by deadline.
pub fn remedy_list(store: &Store, status: Option<TaskStatus>) -> Result<RemedyList> {
    let today = store.today();
    let rows = store.remedies(today)?;
    let counts = RemedyCounts::of(&rows);
    let rows = rows
        .iter()
        .filter(|r| status.is_none_or(|s| r.state.status == s))
        .map(|r| remedy_view(store, r))
        .collect::<Result<_>>()?;
    Ok(RemedyList { today: crate::date::display(today), rows, counts })
}

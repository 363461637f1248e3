//! The province's inspections of its communes as the window shows them: the communes with their
//! tasks open, overdue and done, the inspections (the province's own and the communes' own as they
//! came up), one inspection with its fields, tasks, the communes' answers and the verdicts, and
//! which answers the province may judge.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::Kind;
use crate::domain::inspection::TaskStatus;
use crate::error::Result;
use crate::province::inspections::{self, ProvinceInspection, ProvinceTask};
use crate::sync::province::Province;

/// Tasks by state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProvinceTaskCounts {
    pub open: u32,
    pub overdue: u32,
    pub done: u32,
    /// Answers waiting for a verdict.
    pub waiting: u32,
}

fn counts<'a>(tasks: impl IntoIterator<Item = &'a ProvinceTask>) -> ProvinceTaskCounts {
    let mut c = ProvinceTaskCounts::default();
    for t in tasks {
        match t.state.status {
            TaskStatus::Open => c.open += 1,
            TaskStatus::Overdue => c.overdue += 1,
            TaskStatus::Done => c.done += 1,
        }
        c.waiting += t.answers.iter().filter(|a| a.verdict.is_none()).count() as u32;
    }
    c
}

/// A commune's line: its tasks by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProvinceCommuneTasks {
    pub commune_code: String,
    pub commune: String,
    pub counts: ProvinceTaskCounts,
}

/// An inspection in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProvinceInspectionLine {
    pub id: String,
    pub commune_code: String,
    pub commune: String,
    pub title: String,
    /// Made by the province (it judges the answers), or the commune's own.
    pub by_province: bool,
    pub counts: ProvinceTaskCounts,
}

/// The page «Kiểm tra xã».
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProvinceInspectionsView {
    /// "06/12/2026": the day the states are judged on.
    pub today: String,
    pub communes: Vec<ProvinceCommuneTasks>,
    pub total: ProvinceTaskCounts,
    pub inspections: Vec<ProvinceInspectionLine>,
    /// The communes one may inspect: every enrolled commune ([`crate::present::province::enrolled`]).
    pub choices: Vec<crate::present::admin::UnitChoice>,
}

/// A label and its value as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InspectionField {
    pub label: String,
    pub value: String,
}

/// A commune's answer to a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProvinceAnswerView {
    pub id: String,
    pub date: String,
    pub content: String,
    pub evidence: Vec<String>,
    /// `dat`, `chua_dat`, or none (waiting).
    pub verdict: Option<String>,
    /// "Đạt, đã khắc phục xong", "Chờ đánh giá"…
    pub verdict_label: String,
    pub reason: String,
    /// "Thượng tá Lê Văn Cường, 06/12/2026".
    pub reviewed: String,
    /// The province may judge it now: its own task, not done, the answer waiting.
    pub may_review: bool,
}

/// A task with its state and answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProvinceTaskView {
    pub id: String,
    pub content: String,
    pub responsible: String,
    pub deadline: String,
    /// `open`, `overdue` or `done`.
    pub status: String,
    pub state_text: String,
    pub answers: Vec<ProvinceAnswerView>,
}

/// One inspection as the province opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProvinceInspectionView {
    pub id: String,
    pub commune_code: String,
    pub commune: String,
    pub title: String,
    pub by_province: bool,
    pub fields: Vec<InspectionField>,
    pub tasks: Vec<ProvinceTaskView>,
    pub counts: ProvinceTaskCounts,
    /// "Lập lúc 10:25 ngày 06/12/2026 (tinh)"; empty for a commune's own.
    pub made: String,
}

fn line(i: &ProvinceInspection) -> ProvinceInspectionLine {
    ProvinceInspectionLine {
        id: i.id.to_string(),
        commune_code: i.commune_code.clone(),
        commune: i.commune.clone(),
        title: i.title.clone(),
        by_province: i.by == "tinh",
        counts: counts(&i.tasks),
    }
}

/// The page: every commune's tasks by state, the province's total, the inspections, the communes.
pub fn view(p: &Province, today: NaiveDate) -> Result<ProvinceInspectionsView> {
    let all = inspections::inspections(p, None, today)?;
    let tasks = inspections::tasks(p, None, today)?;
    let mut communes: Vec<ProvinceCommuneTasks> = Vec::new();
    for t in &tasks {
        match communes.iter_mut().find(|c| c.commune_code == t.commune_code) {
            Some(c) => c.counts = counts(tasks.iter().filter(|x| x.commune_code == c.commune_code)),
            None => communes.push(ProvinceCommuneTasks {
                commune_code: t.commune_code.clone(),
                commune: t.commune.clone(),
                counts: counts(tasks.iter().filter(|x| x.commune_code == t.commune_code)),
            }),
        }
    }
    let choices = crate::present::province::enrolled(p, "")?;
    Ok(ProvinceInspectionsView {
        today: crate::date::display(today),
        total: counts(&tasks),
        communes,
        inspections: all.iter().map(line).collect(),
        choices,
    })
}

/// [`view`] with the table of communes searched by name or code (accents ignored) and ordered as
/// `asked`, as the other tables of communes ([`crate::province::drill::communes`]): `code` (the
/// default), `name`, `open`, `overdue`, `done`, `waiting`; `-` downwards, ties by code. The
/// province's total stays the province's.
pub fn view_page(
    p: &Province,
    today: NaiveDate,
    asked: &crate::present::province::CommunesArgs,
) -> Result<ProvinceInspectionsView> {
    let mut v = view(p, today)?;
    v.communes = communes_ordered(std::mem::take(&mut v.communes), asked)?;
    Ok(v)
}

fn communes_ordered(
    rows: Vec<ProvinceCommuneTasks>,
    asked: &crate::present::province::CommunesArgs,
) -> Result<Vec<ProvinceCommuneTasks>> {
    crate::province::drill::communes(rows, &asked.query(), &["open", "overdue", "done", "waiting"], |c| {
        crate::province::drill::CommuneRow {
            code: &c.commune_code,
            name: &c.commune,
            values: [c.counts.open, c.counts.overdue, c.counts.done, c.counts.waiting].map(i64::from).to_vec(),
        }
    })
}

/// One inspection, opened.
pub fn inspection(p: &Province, id: uuid::Uuid, today: NaiveDate) -> Result<ProvinceInspectionView> {
    let i = inspections::inspection(p, id, today)?;
    let by_province = i.by == "tinh";
    let fields = crate::province::figures::describe(Kind::Inspection, &i.fields)
        .into_iter()
        .map(|(label, value)| InspectionField { label, value })
        .collect();
    let tasks = i
        .tasks
        .iter()
        .map(|t| {
            let done = t.state.status == TaskStatus::Done;
            ProvinceTaskView {
                id: t.id.to_string(),
                content: t.content.clone(),
                responsible: t.responsible.clone(),
                deadline: t.deadline.map(crate::date::display).unwrap_or_default(),
                status: t.state.status.code().to_owned(),
                state_text: t.state_text.clone(),
                answers: t
                    .answers
                    .iter()
                    .map(|a| ProvinceAnswerView {
                        id: a.id.to_string(),
                        date: a.date.map(crate::date::display).unwrap_or_default(),
                        content: a.content.clone(),
                        evidence: a.evidence.clone(),
                        verdict: a.verdict.clone(),
                        verdict_label: a.verdict_label.clone(),
                        reason: a.reason.clone(),
                        reviewed: match a.reviewed_on {
                            Some(d) => format!("{}, {}", a.reviewed_by, crate::date::display(d)),
                            None => String::new(),
                        },
                        may_review: by_province && !done && a.verdict.is_none(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(ProvinceInspectionView {
        id: i.id.to_string(),
        commune_code: i.commune_code.clone(),
        commune: i.commune.clone(),
        title: i.title.clone(),
        by_province,
        fields,
        counts: counts(&i.tasks),
        tasks,
        made: if i.made_at.is_empty() {
            String::new()
        } else {
            format!("Lập lúc {} ({})", crate::date::display_stamp(&i.made_at), i.made_by)
        },
    })
}

/// What saving a document of an inspection did: its number taken («Đã cấp số 01/TB-CAT ngày … và lưu
/// Thông báo kết luận kiểm tra ra …»), kept on printing it again, or none (the task list).
pub fn saved(form: &str, printed: &crate::province::inspections::Printed, path: &str) -> String {
    let title = crate::print::forms::find(form).map_or("văn bản", |s| s.title);
    match &printed.issued {
        None => format!("Đã lưu tệp PDF: {path}"),
        Some((doc, true)) => format!(
            "Đã in lại {title} số {} ngày {} (giữ số đã cấp) ra {path}",
            doc.number_text(),
            crate::date::display(doc.issued_on)
        ),
        Some((doc, false)) => format!(
            "Đã cấp số {} ngày {} và lưu {title} ra {path}",
            doc.number_text(),
            crate::date::display(doc.issued_on)
        ),
    }
}

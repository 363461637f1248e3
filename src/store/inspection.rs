//! Inspections and remediation in the store: answering a task, the reviewer's verdict (each one
//! transaction through [`Tx::put`]: sequence number, clock stamp, audit entry, carried by sync), the
//! guards that keep a closed task and a judged answer read-only, and the tasks with their state. The
//! rules and the state are in [`crate::domain::inspection`].

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use super::{ListQuery, Store, Tx};
use crate::domain::account::Role;
use crate::domain::inspection::{self, TaskState, TaskStatus, Verdict};
use crate::domain::{self, Doc, DocExt, Kind, Record, Saved};
use crate::error::{Error, FieldError, Invalid, Result};

/// A remediation task with its inspection, its answers (oldest first) and its state on a day.
#[derive(Debug, Clone)]
pub struct RemedyRow {
    pub task: Record,
    pub inspection: Option<Record>,
    pub answers: Vec<Record>,
    pub state: TaskState,
}

/// An inspection with its tasks.
#[derive(Debug, Clone)]
pub struct InspectionFile {
    pub inspection: Record,
    /// The unit inspected: the area's or unit's name, or "Công an xã" (the commune itself).
    pub subject: String,
    pub tasks: Vec<RemedyRow>,
}

/// How many tasks stand in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemedyCounts {
    pub open: u32,
    pub overdue: u32,
    pub done: u32,
    /// Answers waiting for the reviewer.
    pub waiting: u32,
}

impl RemedyCounts {
    /// The counts of these tasks.
    pub fn of(rows: &[RemedyRow]) -> RemedyCounts {
        let mut c = RemedyCounts::default();
        for r in rows {
            match r.state.status {
                TaskStatus::Open => c.open += 1,
                TaskStatus::Overdue => c.overdue += 1,
                TaskStatus::Done => c.done += 1,
            }
            if r.state.waiting {
                c.waiting += 1;
            }
        }
        c
    }
}

impl Store {
    /// Records an inspection and the tasks it sets in one transaction: `input` holds the
    /// inspection's fields and `tasks`, a list of tasks' fields (content, responsible, deadline).
    /// Every error of the inspection and of each task is reported at once (a task's field is named
    /// `tasks.2.deadline`, «Nhiệm vụ 2 – Thời hạn hoàn thành»); nothing is saved unless all pass.
    pub fn add_inspection(&mut self, input: &Doc) -> Result<Saved> {
        let mut input = input.clone();
        let tasks = match input.remove("tasks") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(Error::field("tasks", "Nhiệm vụ khắc phục", "phải là danh sách các nhiệm vụ (JSON)"));
            }
        };
        self.write(|tx| {
            let mut errors = Vec::new();
            let id = Uuid::now_v7();
            let mut warnings = match tx.create_with_id(Kind::Inspection, id, &input, false) {
                Ok(s) => s.warnings,
                Err(Error::Invalid(Invalid(e))) => {
                    errors.extend(e);
                    Vec::new()
                }
                Err(e) => return Err(e),
            };
            for (i, t) in tasks.into_iter().enumerate() {
                let n = i + 1;
                let Value::Object(mut t) = t else {
                    errors.push(FieldError {
                        field: format!("tasks.{n}"),
                        label: format!("Nhiệm vụ {n}"),
                        message: "phải là các trường của nhiệm vụ (JSON)".into(),
                    });
                    continue;
                };
                t.insert("inspection_id".into(), Value::String(id.to_string()));
                if !errors.is_empty() {
                    // The inspection was not saved: check the task's own fields against nothing else.
                    t.remove("inspection_id");
                }
                let outcome =
                    if errors.is_empty() { tx.create(Kind::Remedy, &t, false) } else { check_alone(tx, &t, &input) };
                match outcome {
                    Ok(s) => warnings.extend(s.warnings.into_iter().map(|w| format!("Nhiệm vụ {n}: {w}"))),
                    Err(Error::Invalid(Invalid(e))) => errors.extend(e.into_iter().map(|e| FieldError {
                        field: format!("tasks.{n}.{}", e.field),
                        label: format!("Nhiệm vụ {n} – {}", e.label),
                        message: e.message,
                    })),
                    Err(e) => return Err(e),
                }
            }
            if !errors.is_empty() {
                return Err(Error::Invalid(Invalid(errors)));
            }
            Ok(Saved { id, warnings })
        })
    }

    /// Records what was done for the task `task`: `answer` holds the fields of a report (date,
    /// content, evidence). Refused once the task is done.
    pub fn answer_remedy(&mut self, task: Uuid, answer: &Doc) -> Result<Saved> {
        let mut input = answer.clone();
        input.insert("remedy_id".into(), Value::String(task.to_string()));
        self.write(|tx| {
            tx.live(Kind::Remedy, task)?;
            tx.create(Kind::RemedyReport, &input, false)
        })
    }

    /// The reviewer's verdict on an answer: accepted (the task is done) or not enough, with a
    /// reason. The chief gives it (the head of the commune police reviews its own inspections'
    /// tasks; a province inspection's verdicts on paper are recorded by the chief too). Final.
    pub fn review_remedy(&mut self, answer: Uuid, verdict: Verdict, reason: &str) -> Result<Saved> {
        self.require(Role::Chief, "đánh giá kết quả khắc phục")?;
        let reviewer = self.issuer();
        self.write(|tx| {
            let on = tx.today;
            tx.review_remedy(answer, verdict, reason, &reviewer, on)
        })
    }

    /// The day a task's state is judged on: today, or the fixed clock of [`Store::set_clock`].
    pub fn today(&self) -> NaiveDate {
        match self.clock {
            Some(t) => t.with_timezone(&chrono::Local).date_naive(),
            None => super::today(),
        }
    }

    /// Every remediation task with its inspection, answers and state on `today`, by deadline.
    pub fn remedies(&self, today: NaiveDate) -> Result<Vec<RemedyRow>> {
        let all = |kind| -> Result<Vec<Record>> { Ok(self.list(kind, &ListQuery::default())?.records) };
        let inspections: HashMap<Uuid, Record> = all(Kind::Inspection)?.into_iter().map(|r| (r.id, r)).collect();
        let mut answers: HashMap<Uuid, Vec<Record>> = HashMap::new();
        for a in all(Kind::RemedyReport)? {
            if let Some(t) = a.data.ids_of("remedy_id").first() {
                answers.entry(*t).or_default().push(a);
            }
        }
        let mut rows: Vec<RemedyRow> = all(Kind::Remedy)?
            .into_iter()
            .map(|task| {
                let mut mine = answers.remove(&task.id).unwrap_or_default();
                mine.sort_by(|a, b| (a.data.str_of("date"), a.id).cmp(&(b.data.str_of("date"), b.id)));
                let docs: Vec<&Doc> = mine.iter().map(|a| &a.data).collect();
                let state = inspection::task_state(&task.data, &docs, today);
                let of = task.data.ids_of("inspection_id").first().and_then(|i| inspections.get(i)).cloned();
                RemedyRow { task, inspection: of, answers: mine, state }
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.task.data.str_of("deadline"), &a.task.title).cmp(&(b.task.data.str_of("deadline"), &b.task.title))
        });
        Ok(rows)
    }

    /// An inspection with its tasks (by deadline) and their state on `today`.
    pub fn inspection_file(&self, id: Uuid, today: NaiveDate) -> Result<InspectionFile> {
        let record = self.get(Kind::Inspection, id)?;
        let tasks = self
            .remedies(today)?
            .into_iter()
            .filter(|r| r.task.data.ids_of("inspection_id").first() == Some(&id))
            .collect();
        let subject = inspection::subject_name(&record.data, &self.reader())?;
        Ok(InspectionFile { inspection: record, subject, tasks })
    }

    /// How many tasks are open, overdue and done on `today`, and answers waiting for review.
    pub fn remedy_counts(&self, today: NaiveDate) -> Result<RemedyCounts> {
        Ok(RemedyCounts::of(&self.remedies(today)?))
    }
}

/// A task's own fields checked when its inspection was refused (nothing is saved either way), and
/// its deadline against the inspection as typed.
fn check_alone(tx: &Tx<'_>, t: &Doc, inspection_input: &Doc) -> Result<Saved> {
    let fields: Vec<domain::Field> =
        domain::fields(Kind::Remedy).iter().filter(|f| f.key != "inspection_id").cloned().collect();
    let mut outcome = domain::check_record(Kind::Remedy, Uuid::nil(), t, false, &fields, tx)?;
    if let Some(message) = inspection::deadline_error(t, inspection_input)
        && !outcome.errors.iter().any(|e| e.field == "deadline")
    {
        let label = fields.iter().find(|f| f.key == "deadline").map_or_else(String::new, |f| f.label.clone());
        outcome.errors.push(FieldError { field: "deadline".into(), label, message });
    }
    if outcome.errors.is_empty() {
        Ok(Saved { id: Uuid::nil(), warnings: outcome.warnings })
    } else {
        Err(Error::Invalid(Invalid(outcome.errors)))
    }
}

impl Tx<'_> {
    fn review_remedy(
        &mut self,
        id: Uuid,
        verdict: Verdict,
        reason: &str,
        reviewer: &str,
        on: NaiveDate,
    ) -> Result<Saved> {
        let old = self.live(Kind::RemedyReport, id)?;
        let task = old.ids_of("remedy_id").first().copied();
        if let Some(task) = task
            && let Some(t) = self.reader().live_doc(Kind::Remedy, task)?
            && self.task_done(task)?
        {
            return Err(inspection::closed(&t));
        }
        let new = inspection::review(&old, verdict, reason, reviewer, on)?;
        let checked = domain::validate(Kind::RemedyReport, id, &new, true, self)?;
        self.put(Kind::RemedyReport, id, &checked, "review_remedy", Some(&old))?;
        Ok(Saved { id, warnings: checked.warnings })
    }

    /// Whether an answer of the task `task` was accepted.
    fn task_done(&self, task: Uuid) -> Result<bool> {
        let answers = self.reader().find_records(Kind::RemedyReport, "remedy_id", &task.to_string())?;
        Ok(answers.iter().any(|a| a.data.str_of("verdict") == Some("dat")))
    }

    /// A new record under a closed task (an answer to a task already done) is refused.
    pub(super) fn guard_remedy_new(&self, kind: Kind, input: &Doc) -> Result<()> {
        if kind == Kind::RemedyReport
            && let Some(task) = input.ids_of("remedy_id").first().copied()
            && let Some(t) = self.reader().live_doc(Kind::Remedy, task)?
            && self.task_done(task)?
        {
            return Err(inspection::closed(&t));
        }
        Ok(())
    }

    /// A task accepted as done, and an answer already judged, can only be read.
    pub(super) fn guard_remedy(&self, kind: Kind, id: Uuid, old: &Doc) -> Result<()> {
        match kind {
            Kind::Remedy if self.task_done(id)? => Err(inspection::closed(old)),
            Kind::RemedyReport if old.contains_key("verdict") => Err(inspection::judged(old)),
            _ => Ok(()),
        }
    }
}

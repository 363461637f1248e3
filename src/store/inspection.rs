//! Inspections and remediation in the store: answering a task, the reviewer's verdict (each one
//! transaction through [`Tx::put`]: sequence number, clock stamp, audit entry, carried by sync), the
//! guards that keep a closed task and a judged answer read-only, and the tasks with their state. The
//! rules and the state are in [`crate::domain::inspection`].

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde_json::Value;
use uuid::Uuid;

use super::{ListQuery, Reader, Store, Tx};
use crate::domain::account::Role;
use crate::domain::inspection::{self, Signed, TaskState, TaskStatus, Verdict};
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
                let mut t = match crate::domain::inspection::task_fields(n, t, id) {
                    Ok(t) => t,
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                };
                if !errors.is_empty() {
                    // The inspection was not saved: check the task's own fields against nothing else.
                    t.remove("inspection_id");
                }
                let outcome =
                    if errors.is_empty() { tx.create(Kind::Remedy, &t, false) } else { check_alone(tx, &t, &input) };
                match outcome {
                    Ok(s) => warnings.extend(s.warnings.into_iter().map(|w| format!("Nhiệm vụ {n}: {w}"))),
                    Err(Error::Invalid(Invalid(e))) => {
                        errors.extend(e.into_iter().map(|e| crate::domain::inspection::task_error(n, e)))
                    }
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

/// What applying the province's `inspections.json` did: what was new to this store.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InspectionsApplied {
    /// The new inspections' titles ("Công an tỉnh kiểm tra Công an xã – 10/03/2026").
    pub inspections: Vec<String>,
    /// New tasks.
    pub tasks: usize,
    /// The new verdicts: the task's title, the verdict's label and its reason.
    pub verdicts: Vec<(String, String, String)>,
}

impl InspectionsApplied {
    pub fn is_empty(&self) -> bool {
        self.inspections.is_empty() && self.tasks == 0 && self.verdicts.is_empty()
    }
}

fn bad_signed(why: impl std::fmt::Display) -> Error {
    Error::bundle(
        "inspection_invalid",
        format!(
            "Gói của Công an tỉnh có nội dung kiểm tra không hợp lệ: {why}. Không nhập gì. \
Hãy báo Công an tỉnh và nhận lại gói trực tiếp từ Công an tỉnh."
        ),
    )
}

impl Reader<'_> {
    /// What the province signed about record `id` (migration 0012); `None` before that migration.
    pub(super) fn signed_doc(&self, id: Uuid) -> Result<Option<Doc>> {
        let exists = self
            .conn
            .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'province_signed'")?
            .exists([])?;
        if !exists {
            return Ok(None);
        }
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM province_signed WHERE id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?;
        data.map(|s| serde_json::from_str(&s).map_err(|e| Error::Json(e.to_string()))).transpose()
    }
}

impl Store {
    /// Whether the province signed record `id` (its inspection, its task, or a verdict on an answer):
    /// such a record changes only through the province's signed bundle.
    pub fn signed_by_province(&self, id: Uuid) -> Result<bool> {
        Ok(self.reader().signed_doc(id)?.is_some())
    }

    /// Applies what the province signed about its inspections of this commune (a verified province
    /// bundle's `inspections.json`; `crate::sync::commune` checked who signed it, for whom and when):
    /// the inspections and tasks new here are written as records exactly as signed, and each verdict
    /// new here is written on its answer. What was applied before must be the same (the province never
    /// changes what it sent: else refused). Every record is checked as if typed. One transaction; a
    /// bundle bringing nothing new changes nothing.
    pub fn apply_inspections(&mut self, bundle_seq: i64, signed: &Signed) -> Result<InspectionsApplied> {
        self.require(Role::WRITES, "nhập cuộc kiểm tra của Công an tỉnh")?;
        if signed.format != inspection::SIGNED_FORMAT {
            return Err(Error::bundle(
                "bundle_version",
                "Gói của Công an tỉnh có nội dung kiểm tra ở dạng mà phiên bản phongtrao này chưa đọc được. Không nhập gì. \
Hãy cập nhật phongtrao rồi nhập lại gói.",
            ));
        }
        let now = chrono::Utc::now().to_rfc3339();
        self.write(|tx| {
            let mut out = InspectionsApplied::default();
            for i in &signed.inspections {
                if i.fields.str_of("by") != Some("tinh") {
                    return Err(bad_signed("cuộc kiểm tra không phải của Công an tỉnh"));
                }
                if tx.sign(i.id, "inspection", &i.fields, bundle_seq, &now)?
                    && let Some(title) = tx.write_signed(Kind::Inspection, i.id, &i.fields)?
                {
                    out.inspections.push(title);
                }
                for t in &i.tasks {
                    if t.fields.ids_of("inspection_id").first() != Some(&i.id) {
                        return Err(bad_signed("nhiệm vụ không thuộc cuộc kiểm tra gửi kèm"));
                    }
                    if tx.sign(t.id, "remedy", &t.fields, bundle_seq, &now)?
                        && tx.write_signed(Kind::Remedy, t.id, &t.fields)?.is_some()
                    {
                        out.tasks += 1;
                    }
                }
            }
            for v in &signed.verdicts {
                inspection::check_verdict(&v.fields).map_err(bad_signed)?;
                let task = tx.reader().signed_doc(v.remedy_id)?;
                if task.is_none() || !signed.inspections.iter().any(|i| i.tasks.iter().any(|t| t.id == v.remedy_id)) {
                    return Err(bad_signed("kết quả đánh giá cho một nhiệm vụ không có trong gói"));
                }
                if !tx.sign(v.answer_id, "verdict", &v.fields, bundle_seq, &now)? {
                    continue;
                }
                // The answer carries the verdict as signed (another laptop's answer not yet here gets it
                // when it arrives: the province's word is kept above).
                let Some(old) = tx.reader().live_doc(Kind::RemedyReport, v.answer_id)? else { continue };
                if old.ids_of("remedy_id").first() != Some(&v.remedy_id) {
                    return Err(bad_signed("kết quả đánh giá cho một báo cáo của nhiệm vụ khác"));
                }
                let mut new = old.clone();
                for k in inspection::VERDICT_FIELDS {
                    new.remove(k);
                }
                new.extend(v.fields.clone());
                if new == old {
                    continue;
                }
                let checked = domain::validate(Kind::RemedyReport, v.answer_id, &new, true, tx)
                    .map_err(|e| bad_signed(format!("báo cáo «{}»: {e}", inspection::remedy_title(&old))))?;
                tx.put(Kind::RemedyReport, v.answer_id, &checked, "review_remedy", Some(&old))?;
                let task = tx.reader().live_doc(Kind::Remedy, v.remedy_id)?.unwrap_or_default();
                let label =
                    inspection::VERDICTS.iter().find(|x| Some(x.0) == v.fields.str_of("verdict")).map_or("", |x| x.1);
                out.verdicts.push((
                    inspection::remedy_title(&task),
                    label.to_owned(),
                    v.fields.str_of("verdict_reason").unwrap_or_default().to_owned(),
                ));
            }
            if !out.is_empty() {
                tx.audit(
                    "province_inspections",
                    Some(&serde_json::json!({"bundle_seq": bundle_seq, "inspections": out.inspections.len(),
                        "tasks": out.tasks, "verdicts": out.verdicts.len()})),
                )?;
            }
            Ok(out)
        })
    }
}

impl Tx<'_> {
    /// Keeps what the province signed about `id`; `true` if it is new here. The same again is
    /// nothing new; something else under the same id is refused (the province never changes what it
    /// sent).
    fn sign(&mut self, id: Uuid, kind: &str, data: &Doc, bundle_seq: i64, now: &str) -> Result<bool> {
        match self.reader().signed_doc(id)? {
            Some(old) if &old == data => Ok(false),
            Some(_) => Err(Error::bundle(
                "inspection_conflict",
                "Gói của Công an tỉnh có nội dung kiểm tra khác với nội dung máy này đã nhận trước đây (cùng mã bản ghi). \
Không nhập gì. Hãy báo Công an tỉnh: gói có thể đã bị sửa.",
            )),
            None => {
                let text = serde_json::to_string(data).map_err(|e| Error::Json(e.to_string()))?;
                self.tx.execute(
                    "INSERT INTO province_signed (id, kind, data, bundle_seq, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id.to_string(), kind, text, bundle_seq, now],
                )?;
                Ok(true)
            }
        }
    }

    /// Writes a record the province signed, checked as if typed (the rules see the signed row just
    /// kept, so only the same fields pass). Returns its title, `None` if it was already here.
    fn write_signed(&mut self, kind: Kind, id: Uuid, fields: &Doc) -> Result<Option<String>> {
        let old = self.reader().live_doc(kind, id)?;
        if old.as_ref() == Some(fields) {
            return Ok(None);
        }
        let checked = domain::validate(kind, id, fields, false, self)
            .map_err(|e| bad_signed(format!("{}: {e}", kind.label())))?;
        self.put(kind, id, &checked, "province_inspection", old.as_ref())?;
        Ok(Some(checked.title))
    }

    /// A record the province signed (its inspection, its task) is neither edited nor deleted here.
    pub(super) fn guard_signed(&self, kind: Kind, id: Uuid, old: &Doc) -> Result<()> {
        if matches!(kind, Kind::Inspection | Kind::Remedy) && self.reader().signed_doc(id)?.is_some() {
            let what = if kind == Kind::Inspection {
                "Cuộc kiểm tra này do Công an tỉnh lập".to_owned()
            } else {
                format!("Nhiệm vụ «{}» do Công an tỉnh giao", inspection::remedy_title(old))
            };
            return Err(Error::Refused(format!(
                "{what}: Công an xã không sửa, không xóa được; nội dung chỉ thay đổi qua gói đã ký của Công an tỉnh. \
Hãy báo cáo kết quả khắc phục cho từng nhiệm vụ."
            )));
        }
        Ok(())
    }
}

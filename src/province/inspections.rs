//! Inspections and remediation across the province. The province inspects a commune ([`create`]: the
//! inspection and its tasks, kept in the province store and sent down in the commune's signed
//! decision bundle and receipts as `inspections.json`), judges each answer the commune sends up
//! ([`review`]: accepted, or not enough with a reason; sent down the same way), and follows every
//! commune's tasks ([`tasks`]): its own, with the answers that came up and its own verdicts over
//! them, and the communes' own inspections as they came up. Each task's state is judged by the same
//! [`task_state`] the commune runs, so both ends show the same state.
//!
//! No SQL here: `src/store/province_inspections.rs`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::Province;
use crate::domain::account::Role;
use crate::domain::inspection::{self, TaskState, TaskStatus, Verdict, task_state};
use crate::domain::{self, Doc, DocExt, Kind, Lookup, RefItem};
use crate::error::{Error, FieldError, Invalid, Result};
use crate::store::province_inspections::{SentInspection, StoredVerdict};

/// An answer to a task as the province reads it: the commune's report, with the province's own
/// verdict over it (for its own tasks).
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceAnswer {
    pub id: Uuid,
    pub date: Option<NaiveDate>,
    pub content: String,
    /// The records given as evidence (activities, meetings), by title.
    pub evidence: Vec<String>,
    /// `dat`, `chua_dat`, or none (waiting).
    pub verdict: Option<String>,
    pub verdict_label: String,
    pub reason: String,
    pub reviewed_by: String,
    pub reviewed_on: Option<NaiveDate>,
}

/// One commune's task as the province lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceTask {
    pub id: Uuid,
    pub commune_code: String,
    pub commune: String,
    pub inspection_id: Option<Uuid>,
    /// "Công an tỉnh kiểm tra ngày 10/03/2026".
    pub inspection: String,
    /// `tinh` or `xa`: who inspected.
    pub by: String,
    pub content: String,
    pub responsible: String,
    pub deadline: Option<NaiveDate>,
    pub state: TaskState,
    /// "Quá hạn 3 ngày", "Đã báo cáo, chờ đánh giá"…
    pub state_text: String,
    /// Its answers, oldest first.
    pub answers: Vec<ProvinceAnswer>,
}

/// An inspection as the province opens it: its fields, and its tasks with their answers.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceInspection {
    pub id: Uuid,
    pub commune_code: String,
    pub commune: String,
    /// `tinh`: made by the province (it judges the answers); `xa`: the commune's own, as it came up.
    pub by: String,
    pub title: String,
    pub fields: Doc,
    /// Who recorded it at the province, and when (its own only).
    pub made_by: String,
    pub made_at: String,
    pub tasks: Vec<ProvinceTask>,
}

/// The province's lookup while it makes an inspection: nothing of the commune's, the inspection
/// being made for its tasks' links, and nothing signed to compare (it is the one signing).
struct Making<'a> {
    today: NaiveDate,
    inspection: Option<(Uuid, &'a Doc)>,
}

impl Lookup for Making<'_> {
    fn today(&self) -> NaiveDate {
        self.today
    }
    fn ref_items(&self, _list: &str) -> Result<Arc<[RefItem]>> {
        Ok(Arc::from(Vec::new()))
    }
    fn get(&self, kind: Kind, id: Uuid) -> Result<Option<Doc>> {
        Ok(self.inspection.filter(|(i, _)| kind == Kind::Inspection && *i == id).map(|(_, d)| d.clone()))
    }
    fn find(&self, _kind: Kind, _field: &str, _value: &str) -> Result<Vec<(Uuid, Doc)>> {
        Ok(Vec::new())
    }
    fn signs(&self) -> bool {
        true
    }
}

fn local_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono::Local).date_naive()
}

/// Records an inspection of `commune` by the province: `input` holds the inspection's fields
/// (`phongtrao fields inspection`; the province inspects the commune's police itself, so no area or
/// unit) and `tasks`, a list of tasks' fields (content, responsible, deadline). Every error of the
/// inspection and of each task is reported at once (`tasks.2.deadline`, «Nhiệm vụ 2 – Thời hạn hoàn
/// thành»); nothing is kept unless all pass. Audited. The commune gets it in its next decision
/// bundle or receipt. Returns the inspection's id.
pub fn create(p: &mut Province, commune: &str, input: &Doc, now: DateTime<Utc>) -> Result<Uuid> {
    p.db().require(Role::WRITES, "lập cuộc kiểm tra xã")?;
    let commune = commune.trim();
    if !p.db().installations()?.iter().any(|i| i.commune_code == commune) {
        return Err(Error::field(
            "commune",
            "Xã được kiểm tra",
            format!("mã xã {} chưa đăng ký khóa ở Công an tỉnh", crate::text::printable(commune, 10)),
        ));
    }
    let mut fields = input.clone();
    let tasks = match fields.remove("tasks") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(Error::field("tasks", "Nhiệm vụ khắc phục", "phải là danh sách các nhiệm vụ (JSON)")),
    };
    let mut errors = Vec::new();
    for (k, label) in
        [("area_id", "Khu dân cư được kiểm tra"), ("unit_id", "Cơ quan, doanh nghiệp, cơ sở giáo dục được kiểm tra")]
    {
        if fields.remove(k).is_some_and(|v| !v.is_null()) {
            errors.push(FieldError {
                field: k.into(),
                label: label.into(),
                message: "Công an tỉnh kiểm tra Công an xã: không chọn khu dân cư hay cơ quan của xã ở đây".into(),
            });
        }
    }
    fields.insert("by".into(), Value::String("tinh".into()));
    let today = local_day(now);
    let id = Uuid::now_v7();
    let checked = match domain::validate(Kind::Inspection, id, &fields, false, &Making { today, inspection: None }) {
        Ok(c) => Some(c.doc),
        Err(Error::Invalid(Invalid(e))) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let made = Making { today, inspection: Some((id, checked.as_ref().unwrap_or(&fields))) };
    let mut saved = Vec::new();
    for (i, t) in tasks.into_iter().enumerate() {
        let n = i + 1;
        let t = match inspection::task_fields(n, t, id) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let tid = Uuid::now_v7();
        match domain::validate(Kind::Remedy, tid, &t, false, &made) {
            Ok(c) => saved.push((tid, c.doc)),
            Err(Error::Invalid(Invalid(e))) => errors.extend(e.into_iter().map(|e| inspection::task_error(n, e))),
            Err(e) => return Err(e),
        }
    }
    let Some(doc) = checked.filter(|_| errors.is_empty()) else {
        return Err(Error::Invalid(Invalid(errors)));
    };
    let who = p.db().who();
    p.db_mut().add_inspection(commune, id, &doc, &saved, &who, &now.to_rfc3339())?;
    Ok(id)
}

/// The province's verdict on a commune's answer to one of the province's tasks: accepted (the task
/// is done) or not enough, with a reason. Final, like the commune's own (`inspection::review`); a
/// task already done takes no more. Audited; sent down in the commune's next decision bundle or
/// receipt. The answers to a commune's own tasks are the commune's to judge.
pub fn review(
    p: &mut Province,
    answer: Uuid,
    verdict: Verdict,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<StoredVerdict> {
    p.db().require(Role::WRITES, "đánh giá kết quả khắc phục")?;
    let not_found = || Error::NotFound { kind: "báo cáo kết quả khắc phục", id: answer.to_string() };
    let Some((commune_code, kind, Some(doc))) = p.db().record_by_id(answer)? else { return Err(not_found()) };
    if kind != Kind::RemedyReport.code() {
        return Err(not_found());
    }
    let task_id = doc.ids_of("remedy_id").first().copied().ok_or_else(not_found)?;
    let Some(task) = p.db().sent_doc(Kind::Remedy, task_id)? else {
        return Err(Error::Refused(
            "Báo cáo này trả lời nhiệm vụ do Công an xã tự giao sau cuộc kiểm tra của xã: Trưởng Công an xã đánh giá, \
không phải Công an tỉnh."
                .into(),
        ));
    };
    let given = p.db().verdicts(Some(&commune_code))?;
    if given.iter().any(|v| v.remedy_id == task_id && v.fields.str_of("verdict") == Some("dat")) {
        return Err(inspection::closed(&task));
    }
    // The answer as the province judges it: the commune's report with only the province's own verdict.
    let mut base = doc.clone();
    for k in inspection::VERDICT_FIELDS {
        base.remove(k);
    }
    if let Some(v) = given.iter().find(|v| v.answer_id == answer) {
        base.extend(v.fields.clone());
    }
    let judged = inspection::review(&base, verdict, reason, &super::review::signer(p), local_day(now))?;
    let v = StoredVerdict {
        answer_id: answer,
        remedy_id: task_id,
        commune_code,
        fields: inspection::verdict_of(&judged),
        username: p.db().who(),
        decided_at: now.to_rfc3339(),
    };
    p.db_mut().add_verdict(&v)?;
    Ok(v)
}

/// The latest state of each record of the given kinds, per commune (the greatest (hlc, origin) wins,
/// as on import: a commune's records may come from several installations).
/// Per commune code: each live record's id, kind and fields.
type ByCommune = BTreeMap<String, Vec<(Uuid, String, Doc)>>;

fn latest(p: &Province, commune: Option<&str>, kinds: &[&str]) -> Result<ByCommune> {
    type Seen = ((i64, String), String, Option<String>);
    let mut latest: BTreeMap<(String, String), Seen> = BTreeMap::new();
    p.db().each_record(commune, kinds, &mut |row| {
        let stamp = (row.hlc, row.origin.to_owned());
        let key = (row.commune_code.to_owned(), row.id.to_owned());
        if latest.get(&key).is_none_or(|(s, _, _)| stamp > *s) {
            latest.insert(key, (stamp, row.kind.to_owned(), row.data.map(str::to_owned)));
        }
        Ok(())
    })?;
    let mut out: ByCommune = BTreeMap::new();
    for ((code, id), (_, kind, data)) in latest {
        let Some(text) = data else { continue };
        let doc: Doc = serde_json::from_str(&text).map_err(|e| Error::Json(format!("bản ghi {id}: {e}")))?;
        out.entry(code).or_default().push((Uuid::parse_str(&id).unwrap_or_default(), kind, doc));
    }
    Ok(out)
}

fn answer_of(p: &Province, id: Uuid, doc: &Doc) -> Result<ProvinceAnswer> {
    let mut evidence = Vec::new();
    for key in ["activity_ids", "meeting_ids"] {
        for e in doc.ids_of(key) {
            if let Some((_, kind, Some(d))) = p.db().record_by_id(e)?
                && let Some(k) = Kind::parse(&kind)
            {
                evidence.push(super::figures::title(k, &d));
            }
        }
    }
    let verdict = doc.str_of("verdict").map(str::to_owned);
    Ok(ProvinceAnswer {
        id,
        date: doc.date_of("date"),
        content: doc.str_of("content").unwrap_or_default().to_owned(),
        evidence,
        verdict_label: inspection::VERDICTS
            .iter()
            .find(|v| Some(v.0) == verdict.as_deref())
            .map_or("Chờ đánh giá", |v| v.1)
            .to_owned(),
        verdict,
        reason: doc.str_of("verdict_reason").unwrap_or_default().to_owned(),
        reviewed_by: doc.str_of("reviewed_by").unwrap_or_default().to_owned(),
        reviewed_on: doc.date_of("reviewed_on"),
    })
}

/// What the province holds about inspections: its own, with their tasks and verdicts, and every
/// commune's records of the three registers.
struct Held {
    sent: Vec<SentInspection>,
    verdicts: HashMap<Uuid, Doc>,
    records: ByCommune,
}

impl Held {
    fn read(p: &Province, commune: Option<&str>) -> Result<Held> {
        let sent = p.db().sent_inspections(commune)?;
        let verdicts = p.db().verdicts(commune)?.into_iter().map(|v| (v.answer_id, v.fields)).collect();
        let records = latest(p, commune, &["inspection", "remedy", "remedy_report"])?;
        Ok(Held { sent, verdicts, records })
    }

    /// Every task, each with its answers and state on `today`.
    fn tasks(&self, p: &Province, today: NaiveDate) -> Result<Vec<ProvinceTask>> {
        let names = p.db().commune_names()?;
        let ours: HashSet<Uuid> =
            self.sent.iter().flat_map(|i| std::iter::once(i.id).chain(i.tasks.iter().map(|t| t.0))).collect();
        // The answers by task: the commune's reports; on the province's own tasks only its own verdicts.
        let mut answers: HashMap<Uuid, Vec<(Uuid, Doc)>> = HashMap::new();
        for records in self.records.values() {
            for (id, kind, d) in records {
                if kind != "remedy_report" {
                    continue;
                }
                let Some(task) = d.ids_of("remedy_id").first().copied() else { continue };
                let mut d = d.clone();
                if ours.contains(&task) {
                    for k in inspection::VERDICT_FIELDS {
                        d.remove(k);
                    }
                    if let Some(v) = self.verdicts.get(id) {
                        d.extend(v.clone());
                    }
                }
                answers.entry(task).or_default().push((*id, d));
            }
        }
        for list in answers.values_mut() {
            list.sort_by(|a, b| (a.1.str_of("date"), a.0).cmp(&(b.1.str_of("date"), b.0)));
        }
        let mut out = Vec::new();
        let mut push = |code: &str, task: Uuid, t: &Doc, i: Option<(Uuid, &Doc)>| -> Result<()> {
            let mine = answers.get(&task).map(Vec::as_slice).unwrap_or_default();
            let docs: Vec<&Doc> = mine.iter().map(|(_, d)| d).collect();
            let state = task_state(t, &docs, today);
            let by = i.and_then(|(_, i)| i.str_of("by")).unwrap_or_default().to_owned();
            let by_label = inspection::BY.iter().find(|b| b.0 == by).map_or("", |b| b.1);
            let day = i.and_then(|(_, i)| i.date_of("starts_on")).map(crate::date::display).unwrap_or_default();
            out.push(ProvinceTask {
                id: task,
                commune_code: code.to_owned(),
                commune: super::commune_name(&names, code),
                inspection_id: i.map(|(id, _)| id),
                inspection: format!("{by_label} kiểm tra ngày {day}"),
                by,
                content: t.str_of("content").unwrap_or_default().to_owned(),
                responsible: t.str_of("responsible").unwrap_or_default().to_owned(),
                deadline: t.date_of("deadline"),
                state_text: state.text(),
                state,
                answers: mine.iter().map(|(id, d)| answer_of(p, *id, d)).collect::<Result<_>>()?,
            });
            Ok(())
        };
        for i in &self.sent {
            for (t, d) in &i.tasks {
                push(&i.commune_code, *t, d, Some((i.id, &i.fields)))?;
            }
        }
        for (code, records) in &self.records {
            let inspections: HashMap<Uuid, &Doc> =
                records.iter().filter(|(_, k, _)| k == "inspection").map(|(id, _, d)| (*id, d)).collect();
            for (id, kind, t) in records {
                if kind != "remedy" || ours.contains(id) {
                    continue;
                }
                let i = t.ids_of("inspection_id").first().and_then(|i| inspections.get(i).map(|d| (*i, *d)));
                push(code, *id, t, i)?;
            }
        }
        out.sort_by(|a, b| (&a.commune_code, a.deadline, &a.content).cmp(&(&b.commune_code, b.deadline, &b.content)));
        Ok(out)
    }
}

/// Every commune's tasks (or one commune's) with their state on `today`, by commune then deadline.
pub fn tasks(p: &Province, commune: Option<&str>, today: NaiveDate) -> Result<Vec<ProvinceTask>> {
    Held::read(p, commune)?.tasks(p, today)
}

/// Every inspection the province knows (its own, then the communes' own as they came up; one
/// commune's with `commune`), newest first, each with its tasks on `today`.
pub fn inspections(p: &Province, commune: Option<&str>, today: NaiveDate) -> Result<Vec<ProvinceInspection>> {
    let held = Held::read(p, commune)?;
    let mut tasks: HashMap<Option<Uuid>, Vec<ProvinceTask>> = HashMap::new();
    for t in held.tasks(p, today)? {
        tasks.entry(t.inspection_id).or_default().push(t);
    }
    let names = p.db().commune_names()?;
    let title = |d: &Doc| super::figures::title(Kind::Inspection, d);
    let mut out = Vec::new();
    for i in &held.sent {
        out.push(ProvinceInspection {
            id: i.id,
            commune_code: i.commune_code.clone(),
            commune: super::commune_name(&names, &i.commune_code),
            by: "tinh".into(),
            title: title(&i.fields).replacen(
                "Công an xã",
                &crate::units::police_name(&super::commune_name(&names, &i.commune_code)),
                1,
            ),
            fields: i.fields.clone(),
            made_by: i.username.clone(),
            made_at: i.created_at.clone(),
            tasks: tasks.remove(&Some(i.id)).unwrap_or_default(),
        });
    }
    let ours: HashSet<Uuid> = held.sent.iter().map(|i| i.id).collect();
    for (code, records) in &held.records {
        for (id, kind, d) in records {
            if kind != "inspection" || ours.contains(id) {
                continue;
            }
            let subject = ["area_id", "unit_id"]
                .iter()
                .filter_map(|k| d.ids_of(k).first().copied())
                .find_map(|e| records.iter().find(|(r, _, _)| *r == e))
                .and_then(|(_, _, r)| r.str_of("name").map(str::to_owned))
                .unwrap_or_else(|| super::commune_name(&names, code));
            let by = d.str_of("by").unwrap_or_default().to_owned();
            let by_label = inspection::BY.iter().find(|b| b.0 == by).map_or("", |b| b.1);
            let day = d.date_of("starts_on").map(crate::date::display).unwrap_or_default();
            out.push(ProvinceInspection {
                id: *id,
                commune_code: code.clone(),
                commune: super::commune_name(&names, code),
                by,
                title: format!("{by_label} kiểm tra {subject} – {day}"),
                fields: d.clone(),
                made_by: String::new(),
                made_at: String::new(),
                tasks: tasks.remove(&Some(*id)).unwrap_or_default(),
            });
        }
    }
    out.sort_by(|a, b| b.fields.str_of("starts_on").cmp(&a.fields.str_of("starts_on")).then(b.id.cmp(&a.id)));
    Ok(out)
}

/// One inspection as [`inspections`] shows it.
pub fn inspection(p: &Province, id: Uuid, today: NaiveDate) -> Result<ProvinceInspection> {
    inspections(p, None, today)?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(Error::NotFound { kind: "cuộc kiểm tra", id: id.to_string() })
}

/// How many tasks stand in each state, per commune and for the province.
pub fn counts(tasks: &[ProvinceTask]) -> BTreeMap<TaskStatus, usize> {
    let mut c = BTreeMap::new();
    for t in tasks {
        *c.entry(t.state.status).or_insert(0) += 1;
    }
    c
}

/// How a document of an inspection is numbered at the province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Numbering {
    /// Only shown: no number taken, nothing recorded; bears the number the document was given, or
    /// «Số: ……/TB-CAT» when it was not given one yet.
    Preview,
    /// The inspection's document printed again keeps its number and date; its first print takes the
    /// next number of the province's register.
    #[default]
    Keep,
    /// The next number, even when the inspection's document has one already.
    New,
}

/// A document of an inspection as printed: the PDF and, for a numbered one, the register's entry and
/// whether it was printed again under the number it had.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf: Vec<u8>,
    pub issued: Option<(crate::store::province_documents::ProvinceDoc, bool)>,
}

/// One of an inspection's documents (see [`document`]) rendered to PDF and, when `out` is given, written
/// there atomically: the same bytes for the window's preview, its «Lưu PDF» and the command line. The
/// Biên bản and the Thông báo take their number from the province's register unless `Preview` (the
/// register's key is the inspection: printing it again keeps the number and date, unless `New`); the
/// task list is not numbered.
pub fn pdf(
    p: &mut Province,
    id: Uuid,
    form: &str,
    today: NaiveDate,
    numbering: Numbering,
    out: Option<&std::path::Path>,
) -> Result<Printed> {
    let numbered = NUMBERED.contains(&form);
    let printed = if numbering == Numbering::Preview || !numbered {
        // A preview bears the number the inspection's document was given, if it was.
        let given = match numbered {
            true => p.db().issued_for(form, &id.to_string())?.map(|d| (d.number_text(), d.issued_on)),
            false => None,
        };
        let pdf = crate::print::render(&document(p, id, form, today, given)?).map_err(Error::Print)?;
        Printed { pdf, issued: None }
    } else {
        let i = inspection(p, id, today)?;
        let symbol = crate::print::forms::find(form).and_then(|s| s.symbol).unwrap_or("BB");
        let short = if i.by == "tinh" { crate::print::forms::PROVINCE_SHORT } else { "CAX" };
        let series = format!("{symbol}-{short}");
        let key = id.to_string();
        let target = crate::store::province_documents::ProvinceTarget {
            form,
            series: &series,
            period: &key,
            date: i.fields.date_of("ends_on").or_else(|| i.fields.date_of("starts_on")).unwrap_or(today),
        };
        let now = chrono::Utc::now().to_rfc3339();
        let prepared = prepare(p, id, form, today)?;
        let (doc, pdf, again) = p.db_mut().issue_or_reprint(&target, numbering == Numbering::New, &now, |doc| {
            crate::print::render(&prepared.document(Some((doc.number_text(), doc.issued_on)))).map_err(Error::Print)
        })?;
        Printed { pdf, issued: Some((doc, again)) }
    };
    if let Some(out) = out {
        crate::fsutil::write_atomic(out, &printed.pdf)?;
    }
    Ok(printed)
}

/// The forms of an inspection that bear a number of the province's register.
const NUMBERED: [&str; 2] = ["bien-ban-kiem-tra", "thong-bao-ket-luan-kiem-tra"];

/// The documents of an inspection, printed at the province: the Biên bản kiểm tra
/// (`bien-ban-kiem-tra`), the Thông báo kết luận kiểm tra (`thong-bao-ket-luan-kiem-tra`), both under
/// the province's header with `number` and its date (`None`: «Số: ……/TB-CAT», the inspection's last
/// day), and the list of its tasks with their state on `today` (`danh-sach-khac-phuc`).
pub fn document(
    p: &Province,
    id: Uuid,
    form: &str,
    today: NaiveDate,
    number: Option<(String, NaiveDate)>,
) -> Result<crate::print::Document> {
    Ok(prepare(p, id, form, today)?.document(number))
}

/// A document of an inspection read from the store, waiting for its number.
enum Prepared {
    /// The task list: not numbered.
    List(crate::print::Document),
    Report {
        report: Box<crate::print::forms::InspectionReport>,
        agency: crate::print::forms::Agency,
        minutes: bool,
        /// «……/TB-CAT», and the inspection's last day: what an unnumbered print bears.
        blank: crate::print::forms::Issue,
    },
}

impl Prepared {
    fn document(&self, number: Option<(String, NaiveDate)>) -> crate::print::Document {
        use crate::print::forms::Issue;
        match self {
            Prepared::List(d) => d.clone(),
            Prepared::Report { report, agency, minutes, blank } => {
                let issue = match number {
                    Some((number, date)) => Issue { number: Some(number), date: Some(date) },
                    None => blank.clone(),
                };
                if *minutes { report.minutes(agency, &issue) } else { report.conclusion_notice(agency, &issue) }
            }
        }
    }
}

fn prepare(p: &Province, id: Uuid, form: &str, today: NaiveDate) -> Result<Prepared> {
    use crate::print::forms::{self, Agency, InspectionReport, Issue, RemedyItem, RemedyTable};
    let i = inspection(p, id, today)?;
    let agency = if i.by == "tinh" {
        Agency::province_police(&p.meta().province, &i.commune)
    } else {
        Agency::police(&p.meta().province, &i.commune)
    };
    let text = |k: &str| i.fields.str_of(k).unwrap_or_default().to_owned();
    let item = |t: &ProvinceTask| RemedyItem {
        content: t.content.clone(),
        responsible: t.responsible.clone(),
        deadline: t.deadline,
        state: t.state_text.clone(),
        result: t
            .answers
            .last()
            .map(|a| {
                let day = a.date.map(crate::date::display).unwrap_or_default();
                let verdict = match a.verdict.as_deref() {
                    Some("dat") => "đạt".to_owned(),
                    Some(_) if !a.reason.is_empty() => format!("chưa đạt: {}", a.reason),
                    Some(_) => "chưa đạt".to_owned(),
                    None => "chờ đánh giá".to_owned(),
                };
                format!("Báo cáo ngày {day}: {} ({verdict})", a.content)
            })
            .unwrap_or_default(),
    };
    // In the order they were set (UUIDv7).
    let mut tasks: Vec<&ProvinceTask> = i.tasks.iter().collect();
    tasks.sort_by_key(|t| t.id);
    if form == "danh-sach-khac-phuc" {
        let c = counts(&i.tasks);
        let n = |s| c.get(&s).copied().unwrap_or(0);
        let t = RemedyTable {
            inspection: i.title.clone(),
            as_of: Some(today),
            tasks: tasks.into_iter().map(item).collect(),
            summary: format!(
                "{} đang thực hiện, {} quá hạn, {} đã hoàn thành",
                n(TaskStatus::Open),
                n(TaskStatus::Overdue),
                n(TaskStatus::Done)
            ),
        };
        return Ok(Prepared::List(t.document(&agency, &Issue { number: None, date: Some(today) })));
    }
    let spec = forms::find(form)
        .filter(|s| ["bien-ban-kiem-tra", "thong-bao-ket-luan-kiem-tra"].contains(&s.name))
        .ok_or_else(|| {
            Error::field(
                "form",
                "Biểu mẫu",
                format!("không có biểu mẫu «{}» cho cuộc kiểm tra", crate::text::printable(form, 40)),
            )
        })?;
    let subject = match ["area_id", "unit_id"].iter().any(|k| i.fields.contains_key(*k)) {
        true => i
            .title
            .split(" kiểm tra ")
            .nth(1)
            .and_then(|s| s.rsplit_once(" – "))
            .map_or_else(String::new, |(s, _)| s.to_owned()),
        false => crate::units::police_name(&i.commune),
    };
    let report = InspectionReport {
        subject,
        starts_on: i.fields.date_of("starts_on"),
        ends_on: i.fields.date_of("ends_on"),
        place: text("place"),
        decision_number: text("decision_number"),
        decision_date: i.fields.date_of("decision_date"),
        leader: text("leader"),
        team: i
            .fields
            .get("team")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        representative: text("representative"),
        scope: text("scope"),
        strengths: text("strengths"),
        shortcomings: text("shortcomings"),
        conclusion: text("conclusion"),
        tasks: tasks.into_iter().map(item).collect(),
    };
    let short = if i.by == "tinh" { forms::PROVINCE_SHORT } else { "CAX" };
    let blank = Issue {
        number: Some(format!("……/{}-{short}", spec.symbol.unwrap_or("BB"))),
        date: i.fields.date_of("ends_on").or_else(|| i.fields.date_of("starts_on")),
    };
    Ok(Prepared::Report { report: Box::new(report), agency, minutes: spec.name == "bien-ban-kiem-tra", blank })
}

//! Inspections and remediation (kiểm tra, khắc phục): an inspection of the commune by the province,
//! or of one of the commune's areas, agencies, enterprises or schools by the commune police, its
//! findings (strengths and shortcomings), the remediation tasks it sets (each with a deadline and who
//! is responsible), the answers saying what was done, and the reviewer's verdict on each answer.
//!
//! Three registers: [`Kind::Inspection`], [`Kind::Remedy`] (a task, linked to its inspection) and
//! [`Kind::RemedyReport`] (an answer, linked to its task). A verdict is written only by
//! [`review`] (its fields are system fields). Whether a task is open, done or overdue is decided here
//! and only here ([`task_state`]). Pure: no SQL, no I/O.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::Kind;
use super::field::{Doc, DocExt, Field, FieldType, Lookup, long_text, options, text};
use super::registers::Rules;
use crate::date;
use crate::error::{Error, FieldError, Result};

/// Who carries out an inspection.
pub const BY: &[(&str, &str)] = &[("tinh", "Công an tỉnh"), ("xa", "Công an xã")];

/// The reviewer's verdict on an answer.
pub const VERDICTS: &[(&str, &str)] =
    &[("dat", "Đạt, đã khắc phục xong"), ("chua_dat", "Chưa đạt, phải khắc phục tiếp")];

fn f(key: &str, label: &str, ty: FieldType) -> Field {
    Field::new(key, label, ty)
}

/// The fields of an inspection.
pub(super) fn inspection_fields() -> Vec<Field> {
    vec![
        f("by", "Cấp kiểm tra", options(BY)).required(),
        f("area_id", "Khu dân cư được kiểm tra", FieldType::Link { kind: Kind::Area }),
        f("unit_id", "Cơ quan, doanh nghiệp, cơ sở giáo dục được kiểm tra", FieldType::Link { kind: Kind::Unit }),
        f("starts_on", "Ngày bắt đầu kiểm tra", FieldType::Date).required(),
        f("ends_on", "Ngày kết thúc kiểm tra", FieldType::Date),
        f("decision_number", "Số quyết định thành lập đoàn kiểm tra", text(100)),
        f("decision_date", "Ngày quyết định thành lập đoàn kiểm tra", FieldType::Date),
        f("leader", "Trưởng đoàn kiểm tra", text(100)).required(),
        f("team", "Thành viên đoàn kiểm tra", FieldType::TextList),
        f("place", "Địa điểm kiểm tra", text(200)),
        f("scope", "Nội dung, phạm vi kiểm tra", long_text()).required(),
        f("representative", "Đại diện đơn vị được kiểm tra", text(100)),
        f("strengths", "Ưu điểm", long_text()),
        f("shortcomings", "Khuyết điểm, hạn chế", long_text()),
        f("conclusion", "Kết luận, kiến nghị", long_text()),
    ]
}

/// The fields of a remediation task.
pub(super) fn remedy_fields() -> Vec<Field> {
    vec![
        f("inspection_id", "Cuộc kiểm tra", FieldType::Link { kind: Kind::Inspection }).required(),
        f("content", "Nội dung phải khắc phục", text(2000)).required(),
        f("responsible", "Người, đơn vị chịu trách nhiệm", text(200)).required(),
        f("deadline", "Thời hạn hoàn thành", FieldType::Date).required(),
        f("notes", "Ghi chú", long_text()),
    ]
}

/// The fields of an answer (what was done) and of its verdict (system fields: [`review`]).
pub(super) fn report_fields() -> Vec<Field> {
    vec![
        f("remedy_id", "Nhiệm vụ khắc phục", FieldType::Link { kind: Kind::Remedy }).required(),
        f("date", "Ngày báo cáo", FieldType::Date).required(),
        f("content", "Kết quả đã khắc phục", long_text()).required(),
        f("activity_ids", "Hoạt động làm minh chứng", FieldType::Links { kind: Kind::Activity }),
        f("meeting_ids", "Cuộc họp làm minh chứng", FieldType::Links { kind: Kind::Meeting }),
        f("verdict", "Kết quả đánh giá", options(VERDICTS)).system(),
        f("verdict_reason", "Nhận xét của người đánh giá", text(1000)).system(),
        f("reviewed_by", "Người đánh giá", text(100)).system(),
        f("reviewed_on", "Ngày đánh giá", FieldType::Date).system(),
    ]
}

pub(super) fn inspection_rules(id: Uuid, doc: &Doc, lookup: &dyn Lookup, r: &mut Rules) -> Result<()> {
    let area = doc.contains_key("area_id");
    let unit = doc.contains_key("unit_id");
    if area && unit {
        r.error(
            "unit_id",
            "mỗi cuộc kiểm tra chỉ kiểm tra một đơn vị: chọn khu dân cư hoặc cơ quan, không chọn cả hai",
        );
    }
    if doc.str_of("by") == Some("xa") && !area && !unit {
        r.error(
            "area_id",
            "Công an xã kiểm tra một khu dân cư hoặc một cơ quan, doanh nghiệp, cơ sở giáo dục của xã: hãy chọn đơn vị được kiểm tra",
        );
    }
    super::registers::date_order(doc, "starts_on", "ends_on", r);
    if let (Some(decided), Some(starts)) = (doc.date_of("decision_date"), doc.date_of("starts_on"))
        && decided > starts
    {
        r.error("decision_date", "không được sau ngày bắt đầu kiểm tra");
    }
    let by_province = doc.str_of("by") == Some("tinh");
    signed_rule(id, doc, by_province, lookup, r, "by", "cuộc kiểm tra của Công an tỉnh")
}

pub(super) fn remedy_rules(id: Uuid, doc: &Doc, lookup: &dyn Lookup, r: &mut Rules) -> Result<()> {
    let Some(inspection) = doc.ids_of("inspection_id").first().copied() else { return Ok(()) };
    let i = lookup.get(Kind::Inspection, inspection)?;
    if let Some(i) = &i
        && let Some(message) = deadline_error(doc, i)
    {
        r.error("deadline", message);
    }
    let by_province = i.is_some_and(|i| i.str_of("by") == Some("tinh"));
    signed_rule(id, doc, by_province, lookup, r, "inspection_id", "nhiệm vụ khắc phục do Công an tỉnh giao")
}

/// A record the province makes (an inspection by the province, one of its tasks) exists at a commune
/// only as the province signed it: it must equal what the province's signed bundle brought (at the
/// province, what the province made), so a commune neither makes one, nor edits one, nor sends up
/// one changed. The province making its own is not compared ([`Lookup::signs`]).
fn signed_rule(
    id: Uuid,
    doc: &Doc,
    by_province: bool,
    lookup: &dyn Lookup,
    r: &mut Rules,
    field: &str,
    what: &str,
) -> Result<()> {
    if lookup.signs() {
        return Ok(());
    }
    let signed = lookup.signed(id)?;
    if (by_province || signed.is_some()) && signed.as_ref() != Some(doc) {
        r.error(
            field,
            format!(
                "{what} chỉ đến qua gói đã ký của Công an tỉnh (gói quyết định hoặc biên nhận) và giữ đúng như Công an tỉnh đã gửi; \
Công an xã không tự lập, không sửa được"
            ),
        );
    }
    Ok(())
}

/// The fields of a verdict, as the province signs them.
pub const VERDICT_FIELDS: [&str; 4] = ["verdict", "verdict_reason", "reviewed_by", "reviewed_on"];

/// The verdict fields an answer carries.
pub fn verdict_of(answer: &Doc) -> Doc {
    VERDICT_FIELDS.iter().filter_map(|k| answer.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect()
}

/// A verdict's fields as they came in a bundle, checked as if typed: a known verdict, a reason when
/// not enough, who and which day, nothing else.
pub fn check_verdict(v: &Doc) -> Result<()> {
    let bad = |why: &str| Err(Error::Refused(format!("kết quả đánh giá không hợp lệ: {why}")));
    if let Some(k) = v.keys().find(|k| !VERDICT_FIELDS.contains(&k.as_str())) {
        return bad(&format!("có trường lạ «{}»", crate::text::printable(k, 40)));
    }
    let text = |k: &str, max: usize| {
        v.get(k).and_then(Value::as_str).filter(|s| {
            let n = s.chars().count();
            n > 0 && n <= max && crate::text::clean(s) == **s
        })
    };
    match v.str_of("verdict") {
        Some("dat") => {}
        Some("chua_dat") if text("verdict_reason", 1000).is_some() => {}
        Some("chua_dat") => return bad("chưa đạt mà không có lý do"),
        _ => return bad("không phải đạt hay chưa đạt"),
    }
    if v.contains_key("verdict_reason") && text("verdict_reason", 1000).is_none() {
        return bad("lý do quá dài hoặc chứa ký tự lạ");
    }
    if text("reviewed_by", 100).is_none() {
        return bad("thiếu người đánh giá");
    }
    if v.str_of("reviewed_on").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_none() {
        return bad("thiếu ngày đánh giá");
    }
    Ok(())
}

/// `inspections.json` in a province bundle: everything the province signed about its inspections of
/// one commune (every inspection with its tasks, every verdict), whole each time, so a lost bundle
/// is made good by the next one.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Signed {
    /// [`SIGNED_FORMAT`]; a reader refuses another.
    pub format: u32,
    pub commune_code: String,
    pub inspections: Vec<SignedInspection>,
    pub verdicts: Vec<SignedVerdict>,
}

/// The format of `inspections.json` this version writes and reads.
pub const SIGNED_FORMAT: u32 = 1;

/// An inspection as the province signed it, with its tasks.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SignedInspection {
    pub id: Uuid,
    pub fields: Doc,
    pub tasks: Vec<SignedTask>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SignedTask {
    pub id: Uuid,
    pub fields: Doc,
}

/// The province's verdict on one of the commune's answers.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SignedVerdict {
    pub answer_id: Uuid,
    pub remedy_id: Uuid,
    /// verdict, verdict_reason (not enough), reviewed_by, reviewed_on.
    pub fields: Doc,
}

/// A task's deadline before its inspection began (`inspection` as stored or as typed): what is wrong.
pub fn deadline_error(task: &Doc, inspection: &Doc) -> Option<String> {
    let (deadline, starts) = (task.date_of("deadline")?, inspection.date_of("starts_on")?);
    (deadline < starts).then(|| format!("không được trước ngày bắt đầu kiểm tra ({})", date::display(starts)))
}

pub(super) fn report_rules(id: Uuid, doc: &Doc, lookup: &dyn Lookup, r: &mut Rules) -> Result<()> {
    if doc.date_of("date").is_some_and(|d| d > lookup.today()) {
        r.error("date", "không được sau ngày hôm nay");
    }
    if let Some(task) = doc.ids_of("remedy_id").first().copied()
        && let Some(t) = lookup.get(Kind::Remedy, task)?
        && let Some(i) = t.ids_of("inspection_id").first().copied()
        && let Some(i) = lookup.get(Kind::Inspection, i)?
        && let (Some(d), Some(starts)) = (doc.date_of("date"), i.date_of("starts_on"))
        && d < starts
    {
        r.error("date", format!("không được trước ngày bắt đầu kiểm tra ({})", date::display(starts)));
    }
    // Only the province judges the answers to its tasks: a verdict stands only as it signed it.
    if doc.contains_key("verdict")
        && of_province(doc, lookup)?
        && lookup.signed(id)?.is_none_or(|signed| signed != verdict_of(doc))
    {
        r.error(
            "verdict",
            "kết quả khắc phục sau cuộc kiểm tra của Công an tỉnh do Công an tỉnh đánh giá; kết quả đánh giá chỉ đến qua gói đã ký của Công an tỉnh",
        );
    }
    match doc.str_of("verdict") {
        Some(v) => {
            if v == "chua_dat" && !doc.contains_key("verdict_reason") {
                r.error("verdict_reason", "phải ghi lý do khi đánh giá chưa đạt");
            }
            if !doc.contains_key("reviewed_by") {
                r.error("reviewed_by", "không được để trống khi đã đánh giá");
            }
            match (doc.date_of("reviewed_on"), doc.date_of("date")) {
                (None, _) => r.error("reviewed_on", "không được để trống khi đã đánh giá"),
                (Some(on), Some(d)) if on < d => r.error("reviewed_on", "không được trước ngày báo cáo"),
                _ => {}
            }
        }
        None => {
            for k in ["verdict_reason", "reviewed_by", "reviewed_on"] {
                if doc.contains_key(k) {
                    r.error(k, "chỉ có khi đã có kết quả đánh giá");
                }
            }
        }
    }
    Ok(())
}

/// Whether the answer `answer` is to a task of an inspection by the province: only the province
/// judges those (a commune store refuses the verdict, a commune bundle carrying one is quarantined at
/// the province: one rule, [`check_record`](super::check_record), on both sides).
pub fn of_province(answer: &Doc, lookup: &dyn Lookup) -> Result<bool> {
    let Some(task) = answer.ids_of("remedy_id").first().copied() else { return Ok(false) };
    let Some(t) = lookup.get(Kind::Remedy, task)? else { return Ok(false) };
    let Some(i) = t.ids_of("inspection_id").first().copied() else { return Ok(false) };
    Ok(lookup.get(Kind::Inspection, i)?.is_some_and(|i| i.str_of("by") == Some("tinh")))
}

/// "Công an tỉnh kiểm tra Thôn Đắk Năng – 12/03/2026"; the commune itself when no unit is named.
pub(super) fn inspection_title(doc: &Doc, lookup: &dyn Lookup) -> Result<String> {
    let by = BY.iter().find(|b| Some(b.0) == doc.str_of("by")).map_or("", |b| b.1);
    let subject = subject_name(doc, lookup)?;
    let day = doc.date_of("starts_on").map(date::display).unwrap_or_default();
    Ok(format!("{by} kiểm tra {subject} – {day}"))
}

/// The unit an inspection is of: the area's or unit's name, or "Công an xã" (the commune itself).
pub fn subject_name(doc: &Doc, lookup: &dyn Lookup) -> Result<String> {
    for (key, kind) in [("area_id", Kind::Area), ("unit_id", Kind::Unit)] {
        if let Some(id) = doc.ids_of(key).first()
            && let Some(r) = lookup.get(kind, *id)?
            && let Some(name) = r.str_of("name")
        {
            return Ok(name.to_owned());
        }
    }
    Ok("Công an xã".to_owned())
}

/// A task's title: the start of its content.
pub fn remedy_title(doc: &Doc) -> String {
    let content = doc.str_of("content").unwrap_or_default();
    let first = content.lines().next().unwrap_or_default().trim();
    shorten(first, 90)
}

pub(super) fn report_title(doc: &Doc, lookup: &dyn Lookup) -> Result<String> {
    let day = doc.date_of("date").map(date::display).unwrap_or_default();
    let task = match doc.ids_of("remedy_id").first() {
        Some(id) => lookup.get(Kind::Remedy, *id)?.map(|t| remedy_title(&t)),
        None => None,
    };
    Ok(match task {
        Some(t) => format!("Báo cáo ngày {day}: {}", shorten(&t, 60)),
        None => format!("Báo cáo ngày {day}"),
    })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a).trim_end_matches([',', ';', ':']);
    format!("{cut}…")
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Not done, its deadline not passed (or answered on time and waiting for the reviewer).
    Open,
    /// Not done and its deadline passed with no answer on time waiting for review.
    Overdue,
    /// An answer was accepted.
    Done,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Overdue, TaskStatus::Done];

    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Overdue => "overdue",
            TaskStatus::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Open => "Đang thực hiện",
            TaskStatus::Overdue => "Quá hạn",
            TaskStatus::Done => "Đã hoàn thành",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        let f = crate::text::fold(s);
        TaskStatus::ALL.into_iter().find(|x| x.code() == s.trim() || crate::text::fold(x.label()) == f)
    }
}

/// A task's state on a day, from the task and its answers: the one place this is decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskState {
    pub status: TaskStatus,
    /// An answer waits for the reviewer's verdict.
    pub waiting: bool,
    /// Answers judged "not enough".
    pub returned: usize,
    /// The day the accepted answer was reviewed.
    pub done_on: Option<NaiveDate>,
    /// Days past the deadline (overdue), or until it (open); 0 on the day.
    pub days: i64,
}

impl TaskState {
    /// "Quá hạn 3 ngày", "Chờ đánh giá", "Còn 5 ngày", "Đã hoàn thành (12/04/2026)".
    pub fn text(&self) -> String {
        match self.status {
            TaskStatus::Done => match self.done_on {
                Some(d) => format!("Đã hoàn thành ({})", date::display(d)),
                None => TaskStatus::Done.label().to_owned(),
            },
            TaskStatus::Overdue if self.waiting => format!("Quá hạn {} ngày, chờ đánh giá báo cáo", self.days),
            TaskStatus::Overdue => format!("Quá hạn {} ngày", self.days),
            TaskStatus::Open if self.waiting => "Đã báo cáo, chờ đánh giá".to_owned(),
            TaskStatus::Open if self.returned > 0 => format!("Chưa đạt, còn {} ngày", self.days),
            TaskStatus::Open if self.days == 0 => "Đến hạn hôm nay".to_owned(),
            TaskStatus::Open => format!("Còn {} ngày", self.days),
        }
    }
}

/// The state of `task` on `today` given its answers. Done when an answer was accepted; otherwise
/// overdue once the deadline has passed, unless an answer made by the deadline still waits for the
/// reviewer (the unit did its part in time).
pub fn task_state(task: &Doc, answers: &[&Doc], today: NaiveDate) -> TaskState {
    let accepted = answers
        .iter()
        .filter(|a| a.str_of("verdict") == Some("dat"))
        .map(|a| a.date_of("reviewed_on").or_else(|| a.date_of("date")))
        .min();
    let returned = answers.iter().filter(|a| a.str_of("verdict") == Some("chua_dat")).count();
    let deadline = task.date_of("deadline");
    let waiting_answers: Vec<_> = answers.iter().filter(|a| !a.contains_key("verdict")).collect();
    let waiting = !waiting_answers.is_empty();
    if let Some(done_on) = accepted {
        return TaskState { status: TaskStatus::Done, waiting: false, returned, done_on, days: 0 };
    }
    let Some(deadline) = deadline else {
        return TaskState { status: TaskStatus::Open, waiting, returned, done_on: None, days: 0 };
    };
    let answered_in_time = waiting_answers.iter().any(|a| a.date_of("date").is_some_and(|d| d <= deadline));
    if today > deadline && !answered_in_time {
        let days = (today - deadline).num_days();
        return TaskState { status: TaskStatus::Overdue, waiting, returned, done_on: None, days };
    }
    let days = (deadline - today).num_days().max(0);
    TaskState { status: TaskStatus::Open, waiting, returned, done_on: None, days }
}

/// The verdict the reviewer gives an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    NotEnough,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Accepted => "dat",
            Verdict::NotEnough => "chua_dat",
        }
    }
}

/// The answer `old` with the verdict written on it: by `reviewer`, on `on`; a "not enough" needs a
/// reason. Refused when the answer was already judged (a verdict is final: the unit answers again).
pub fn review(old: &Doc, verdict: Verdict, reason: &str, reviewer: &str, on: NaiveDate) -> Result<Doc> {
    if let Some(v) = old.str_of("verdict") {
        let label = VERDICTS.iter().find(|x| x.0 == v).map_or(v, |x| x.1);
        let when = old.date_of("reviewed_on").map(date::display).unwrap_or_default();
        return Err(Error::Refused(format!(
            "Báo cáo này đã được đánh giá «{label}» ngày {when}; kết quả đánh giá không sửa được. Nếu chưa đạt, đơn vị gửi báo cáo mới."
        )));
    }
    let reason = crate::text::clean(reason);
    if verdict == Verdict::NotEnough && reason.is_empty() {
        return Err(Error::field(
            "verdict_reason",
            "Nhận xét của người đánh giá",
            "phải ghi lý do khi đánh giá chưa đạt",
        ));
    }
    let mut doc = old.clone();
    doc.insert("verdict".into(), Value::String(verdict.code().into()));
    if reason.is_empty() {
        doc.remove("verdict_reason");
    } else {
        doc.insert("verdict_reason".into(), Value::String(reason));
    }
    doc.insert("reviewed_by".into(), Value::String(reviewer.to_owned()));
    doc.insert("reviewed_on".into(), Value::String(on.format("%Y-%m-%d").to_string()));
    Ok(doc)
}

/// Refused: the task was accepted as done, its record and its answers can only be read.
pub fn closed(task: &Doc) -> Error {
    Error::Refused(format!(
        "Nhiệm vụ «{}» đã được đánh giá hoàn thành: không sửa, không xóa và không báo cáo thêm được.",
        remedy_title(task)
    ))
}

/// Refused: an answer already judged can only be read.
pub fn judged(answer: &Doc) -> Error {
    let v = answer.str_of("verdict").unwrap_or_default();
    let label = VERDICTS.iter().find(|x| x.0 == v).map_or(v, |x| x.1);
    Error::Refused(format!(
        "Báo cáo này đã được đánh giá «{label}»: không sửa, không xóa được. Nếu chưa đạt, hãy gửi báo cáo mới cho nhiệm vụ."
    ))
}

/// The fields of the `n`-th remediation task of an inspection (1-based) as the form or the CLI gives
/// them, tied to the inspection `inspection`; an item that is not a set of fields is named as such.
pub fn task_fields(n: usize, item: Value, inspection: Uuid) -> Result<serde_json::Map<String, Value>, FieldError> {
    let Value::Object(mut t) = item else {
        return Err(FieldError {
            field: format!("tasks.{n}"),
            label: format!("Nhiệm vụ {n}"),
            message: "phải là các trường của nhiệm vụ (JSON)".into(),
        });
    };
    t.insert("inspection_id".into(), Value::String(inspection.to_string()));
    Ok(t)
}

/// A field error of the `n`-th task, named so that the officer finds the task and its field.
pub fn task_error(n: usize, e: FieldError) -> FieldError {
    FieldError {
        field: format!("tasks.{n}.{}", e.field),
        label: format!("Nhiệm vụ {n} – {}", e.label),
        message: e.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(v: serde_json::Value) -> Doc {
        v.as_object().unwrap().clone()
    }

    fn day(s: &str) -> NaiveDate {
        date::parse_date(s).unwrap()
    }

    #[test]
    fn a_task_is_open_overdue_or_done_by_its_answers_and_deadline() {
        let task = doc(serde_json::json!({"deadline": "2026-04-30"}));
        let open = task_state(&task, &[], day("2026-04-20"));
        assert_eq!((open.status, open.days, open.text().as_str()), (TaskStatus::Open, 10, "Còn 10 ngày"));
        assert_eq!(task_state(&task, &[], day("2026-04-30")).text(), "Đến hạn hôm nay");
        let late = task_state(&task, &[], day("2026-05-03"));
        assert_eq!((late.status, late.days, late.text().as_str()), (TaskStatus::Overdue, 3, "Quá hạn 3 ngày"));

        // Answered on time, waiting for the reviewer: not overdue after the deadline.
        let on_time = doc(serde_json::json!({"date": "2026-04-28"}));
        let s = task_state(&task, &[&on_time], day("2026-05-03"));
        assert_eq!((s.status, s.waiting), (TaskStatus::Open, true));
        assert_eq!(s.text(), "Đã báo cáo, chờ đánh giá");
        // Answered late: overdue, and the answer waits.
        let late_answer = doc(serde_json::json!({"date": "2026-05-02"}));
        let s = task_state(&task, &[&late_answer], day("2026-05-03"));
        assert_eq!((s.status, s.waiting), (TaskStatus::Overdue, true));

        // Judged not enough: open until the deadline, then overdue.
        let returned =
            review(&on_time, Verdict::NotEnough, "Chưa có biên bản", "Đ/c Lê Văn Hùng", day("2026-04-29")).unwrap();
        let s = task_state(&task, &[&returned], day("2026-04-29"));
        assert_eq!((s.status, s.returned, s.text().as_str()), (TaskStatus::Open, 1, "Chưa đạt, còn 1 ngày"));
        assert_eq!(task_state(&task, &[&returned], day("2026-05-01")).status, TaskStatus::Overdue);

        // Accepted: done, whatever the day.
        let again = doc(serde_json::json!({"date": "2026-05-05"}));
        let accepted = review(&again, Verdict::Accepted, "", "Đ/c Lê Văn Hùng", day("2026-05-06")).unwrap();
        let s = task_state(&task, &[&returned, &accepted], day("2026-06-01"));
        assert_eq!((s.status, s.done_on), (TaskStatus::Done, Some(day("2026-05-06"))));
        assert_eq!(s.text(), "Đã hoàn thành (06/05/2026)");
    }

    #[test]
    fn a_verdict_is_final_and_not_enough_needs_a_reason() {
        let answer = doc(serde_json::json!({"date": "2026-04-28", "content": "Đã họp dân"}));
        let e = review(&answer, Verdict::NotEnough, "  ", "A", day("2026-04-29")).unwrap_err();
        assert!(e.to_string().contains("phải ghi lý do"), "{e}");
        let judged = review(&answer, Verdict::Accepted, "", "A", day("2026-04-29")).unwrap();
        assert_eq!(judged.str_of("verdict"), Some("dat"));
        assert!(!judged.contains_key("verdict_reason"));
        let e = review(&judged, Verdict::NotEnough, "lý do", "B", day("2026-04-30")).unwrap_err();
        assert!(e.to_string().contains("không sửa được"), "{e}");
    }

    #[test]
    fn statuses_parse_by_code_or_label() {
        assert_eq!(TaskStatus::parse("overdue"), Some(TaskStatus::Overdue));
        assert_eq!(TaskStatus::parse("qua han"), Some(TaskStatus::Overdue));
        assert_eq!(TaskStatus::parse("Đã hoàn thành"), Some(TaskStatus::Done));
        assert_eq!(TaskStatus::parse("xyz"), None);
    }
}

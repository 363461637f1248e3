//! The yearly "An toàn về an ninh, trật tự" certification (Thông tư 124/2021/TT-BCA).
//!
//! One record (`Kind::Cert`) per residential area, agency, enterprise or school per year, plus one for
//! the commune itself, moves through steps: registered in Q1 → self-assessed against the criteria of
//! its kind and year → reviewed at a bình xét meeting (a `meeting` record with the vote) → proposed by
//! the commune police → decided (đạt / chưa đạt). Each step records who did it and when; going back a
//! step needs a reason and keeps what was undone in the record's history (and in the audit log).
//!
//! Everything that is policy is data: the criteria (`criteria_<kind>` reference lists, versioned by
//! year with `from_year` / `to_year`, unconfirmed ones flagged `confirmed: false`), the assessment
//! periods and deadlines (`cert_period`), the default vote rule (`cert_setting`), and the commune's
//! own settings for a year (vote rule, "an officer was disciplined") in the commune's record.
//!
//! No SQL and no I/O here: the store gathers the records and calls these pure functions
//! (`src/store/cert.rs`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::field::{Doc, DocExt, Field, FieldType, Lookup, check, count, long_text, options, text};
use super::{Kind, RefItem};
use crate::date;
use crate::error::{Error, FieldError, Invalid, Result};

/// Who is certified: the four kinds of the criteria lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    KhuDanCu,
    CoQuanDoanhNghiep,
    CoSoGiaoDuc,
    Xa,
}

impl Subject {
    pub const ALL: [Subject; 4] = [Subject::KhuDanCu, Subject::CoQuanDoanhNghiep, Subject::CoSoGiaoDuc, Subject::Xa];

    pub fn code(self) -> &'static str {
        match self {
            Subject::KhuDanCu => "khu_dan_cu",
            Subject::CoQuanDoanhNghiep => "co_quan_doanh_nghiep",
            Subject::CoSoGiaoDuc => "co_so_giao_duc",
            Subject::Xa => "xa",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Subject::KhuDanCu => "Khu dân cư",
            Subject::CoQuanDoanhNghiep => "Cơ quan, doanh nghiệp",
            Subject::CoSoGiaoDuc => "Cơ sở giáo dục",
            Subject::Xa => "Xã, phường, đặc khu",
        }
    }

    /// The reference list of this kind's criteria.
    pub fn criteria_list(self) -> String {
        format!("criteria_{}", self.code())
    }

    /// The kind of a unit record (`kind`: co_quan, doanh_nghiep, co_so_giao_duc).
    pub fn of_unit(unit: &Doc) -> Subject {
        match unit.str_of("kind") {
            Some("co_so_giao_duc") => Subject::CoSoGiaoDuc,
            _ => Subject::CoQuanDoanhNghiep,
        }
    }
}

/// The steps of a certification, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// No registration (never, or reverted).
    ChuaDangKy,
    DangKy,
    TuDanhGia,
    BinhXet,
    DeNghi,
    QuyetDinh,
}

impl Step {
    pub const ALL: [Step; 6] =
        [Step::ChuaDangKy, Step::DangKy, Step::TuDanhGia, Step::BinhXet, Step::DeNghi, Step::QuyetDinh];

    pub fn code(self) -> &'static str {
        match self {
            Step::ChuaDangKy => "chua_dang_ky",
            Step::DangKy => "dang_ky",
            Step::TuDanhGia => "tu_danh_gia",
            Step::BinhXet => "binh_xet",
            Step::DeNghi => "de_nghi",
            Step::QuyetDinh => "quyet_dinh",
        }
    }

    /// The state a record is in after this step.
    pub fn label(self) -> &'static str {
        match self {
            Step::ChuaDangKy => "Chưa đăng ký",
            Step::DangKy => "Đã đăng ký",
            Step::TuDanhGia => "Đã tự đánh giá",
            Step::BinhXet => "Đã bình xét",
            Step::DeNghi => "Đã đề nghị công nhận",
            Step::QuyetDinh => "Đã có quyết định",
        }
    }

    /// What the next advance does, as a button or a CLI hint reads.
    pub fn action(self) -> &'static str {
        match self {
            Step::ChuaDangKy => "Chưa đăng ký",
            Step::DangKy => "Đăng ký phấn đấu",
            Step::TuDanhGia => "Tự đánh giá, chấm điểm",
            Step::BinhXet => "Bình xét tại cuộc họp",
            Step::DeNghi => "Công an xã đề nghị công nhận",
            Step::QuyetDinh => "Quyết định công nhận",
        }
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.iter().position(|s| *s == self).and_then(|i| Step::ALL.get(i + 1)).copied()
    }

    pub fn prev(self) -> Option<Step> {
        Step::ALL.iter().position(|s| *s == self).and_then(|i| i.checked_sub(1)).map(|i| Step::ALL[i])
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    /// Doing this step (the proposal, the decision), or undoing it, needs the chief.
    pub fn needs_chief(self) -> bool {
        self >= Step::DeNghi
    }
}

/// Who did a step, and when (local time, RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub by: String,
    pub at: String,
}

/// Step 1: the registration pledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pub registered_on: NaiveDate,
    /// Resolution of the Party cell (khu dân cư), the Party committee (xã) or the unit's Party organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_date: Option<NaiveDate>,
    /// The plan (kế hoạch) of a unit or of the commune's People's Committee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households_registered: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households_committed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_briefed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Registered after the first quarter.
    pub late: bool,
    pub stamp: Stamp,
}

/// One criterion as assessed, with its label as it was when assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub code: String,
    pub label: String,
    /// False when the criterion's content is not confirmed in the reference data.
    pub confirmed: bool,
    pub met: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// Step 2: the self-assessment and self-score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub criteria: Vec<CriterionResult>,
    pub self_score: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<NaiveDate>,
    pub stamp: Stamp,
}

impl Assessment {
    pub fn all_met(&self) -> bool {
        self.criteria.iter().all(|c| c.met)
    }
}

/// The share of votes for that a bình xét needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRule {
    pub percent: i64,
    /// "trên 50%" (strictly more) rather than "từ 50% trở lên".
    pub more_than: bool,
    /// False while the rule is the unconfirmed default of the reference data.
    pub confirmed: bool,
}

impl VoteRule {
    pub fn passes(&self, votes_for: i64, total: i64) -> bool {
        if total <= 0 {
            return false;
        }
        if self.more_than { votes_for * 100 > self.percent * total } else { votes_for * 100 >= self.percent * total }
    }

    pub fn describe(&self) -> String {
        if self.more_than {
            format!("trên {}% số phiếu", self.percent)
        } else {
            format!("từ {}% số phiếu trở lên", self.percent)
        }
    }

    /// Where the rule comes from, as the officer reads it beside the rule: Thông tư 124/2021/TT-BCA
    /// sets no vote share for the bình xét meeting, so a rule is always the commune's or the
    /// province's own (or, until one of them sets it, the software's default).
    pub fn basis(&self) -> &'static str {
        if self.confirmed {
            "quy định riêng của xã hoặc của tỉnh; Thông tư 124/2021/TT-BCA không quy định tỷ lệ phiếu"
        } else {
            "mặc định của phần mềm, xã hoặc tỉnh chưa quy định; Thông tư 124/2021/TT-BCA không quy định tỷ lệ phiếu"
        }
    }

    /// The rule of the reference item `cert_setting/vote_rule`.
    pub fn from_item(item: Option<&RefItem>) -> VoteRule {
        let d = item.map(|i| &i.data);
        VoteRule {
            percent: d.and_then(|d| d.get("percent")).and_then(Value::as_i64).unwrap_or(50),
            more_than: d.and_then(|d| d.get("more_than")).and_then(Value::as_bool).unwrap_or(true),
            confirmed: d.and_then(|d| d.get("confirmed")).and_then(Value::as_bool).unwrap_or(false),
        }
    }
}

/// Step 3: the bình xét meeting and its vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub meeting_id: Uuid,
    pub votes_for: i64,
    pub votes_against: i64,
    pub votes_abstain: i64,
    pub rule: VoteRule,
    pub passed: bool,
    pub stamp: Stamp,
}

impl Review {
    pub fn total(&self) -> i64 {
        self.votes_for + self.votes_against + self.votes_abstain
    }
    /// "25/30 phiếu tán thành (83,3%)".
    pub fn describe(&self) -> String {
        format!(
            "{}/{} phiếu tán thành ({})",
            self.votes_for,
            self.total(),
            crate::text::percent(self.votes_for, self.total())
        )
    }
}

/// Step 4: the commune police's submission (tờ trình).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub number: String,
    pub date: NaiveDate,
    /// Proposed for recognition (true) or not.
    pub recommend: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub stamp: Stamp,
}

/// Step 5: the People's Committee's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Đạt (recognised) or chưa đạt.
    pub recognised: bool,
    pub number: String,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub stamp: Stamp,
}

/// The commune's own settings for a year (kept in the commune's record; the chief records them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_percent: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_more_than: Option<bool>,
    /// An officer of the commune police was disciplined this year (`None`: not recorded yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer_disciplined: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discipline_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<Stamp>,
}

/// One line of a record's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// `advance`, `revert` or `settings`.
    pub action: String,
    /// The step reached (advance) or left (revert).
    pub step: Step,
    pub by: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What a revert took away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone: Option<Value>,
}

/// A certification record: the `data` of a `Kind::Cert` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cert {
    pub year: i32,
    pub subject: Subject,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<Uuid>,
    /// The unit's name when the record was made (the record's title stands without lookups).
    pub name: String,
    pub step: Step,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<Registration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<Proposal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<CommuneSettings>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

impl Cert {
    /// A record at "not registered" for a unit (`subject_id` None for the commune itself).
    pub fn new(year: i32, subject: Subject, subject_id: Option<Uuid>, name: &str) -> Cert {
        let (area_id, unit_id) = match subject {
            Subject::KhuDanCu => (subject_id, None),
            Subject::Xa => (None, None),
            _ => (None, subject_id),
        };
        Cert {
            year,
            subject,
            area_id,
            unit_id,
            name: name.to_owned(),
            step: Step::ChuaDangKy,
            registration: None,
            assessment: None,
            review: None,
            proposal: None,
            decision: None,
            settings: None,
            history: Vec::new(),
        }
    }

    pub fn from_doc(doc: &Doc) -> Result<Cert> {
        serde_json::from_value(Value::Object(doc.clone()))
            .map_err(|e| Error::Json(format!("hồ sơ công nhận hỏng: {e}")))
    }

    pub fn to_doc(&self) -> Doc {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Doc::new(),
        }
    }

    /// The area or unit id (None for the commune).
    pub fn subject_id(&self) -> Option<Uuid> {
        self.area_id.or(self.unit_id)
    }

    pub fn recognised(&self) -> bool {
        self.decision.as_ref().is_some_and(|d| d.recognised)
    }

    /// Registered (at least step 1) and not reverted to "not registered".
    pub fn registered(&self) -> bool {
        self.step >= Step::DangKy && self.registration.is_some()
    }

    /// The commune's vote rule for this year: its own setting, else the reference default.
    pub fn vote_rule(&self, default: VoteRule) -> VoteRule {
        match &self.settings {
            Some(s) if s.vote_percent.is_some() => VoteRule {
                percent: s.vote_percent.unwrap_or(default.percent),
                more_than: s.vote_more_than.unwrap_or(default.more_than),
                confirmed: true,
            },
            _ => default,
        }
    }
}

/// The title of a certification record.
pub fn title(doc: &Doc) -> String {
    let name = doc.str_of("name").unwrap_or_default();
    let year = doc.int_of("year").unwrap_or_default();
    format!("{name} – \"An toàn về ANTT\" năm {year}")
}

/// The record's top-level fields, for the generic views (search, `show`). All are system fields:
/// the record changes only through [`advance`], [`revert`] and [`settings`].
pub fn fields() -> Vec<Field> {
    let subjects: Vec<(&str, &str)> = Subject::ALL.iter().map(|s| (s.code(), s.label())).collect();
    let steps: Vec<(&str, &str)> = Step::ALL.iter().map(|s| (s.code(), s.label())).collect();
    vec![
        Field::new("name", "Đơn vị", text(200)).system(),
        Field::new("year", "Năm", FieldType::Int { min: 2000, max: 2200 }).system(),
        Field::new("subject", "Loại", options(&subjects)).system(),
        Field::new("area_id", "Khu dân cư", FieldType::Link { kind: Kind::Area }).system(),
        Field::new("unit_id", "Cơ quan, doanh nghiệp, cơ sở giáo dục", FieldType::Link { kind: Kind::Unit }).system(),
        Field::new("step", "Bước", options(&steps)).system(),
    ]
}

/// The parts of a certification record that its steps write (registration, self-assessment, bình
/// xét, proposal, decision, the commune's settings, history): checked by their types, not as fields.
pub const PARTS: [&str; 7] = ["registration", "assessment", "review", "proposal", "decision", "settings", "history"];

/// Checks a stored certification record, as the commune writes it and the province receives it: its
/// top-level fields ([`fields`]: name, year, subject, the area or unit it is for, step) like any
/// register's, and the parts its steps wrote ([`PARTS`]) by their types. Errors go to `errors`; the
/// fields come back normalised, with the parts as they were.
pub fn check_stored(doc: &Doc, fields: &[Field], lookup: &dyn Lookup, errors: &mut Vec<FieldError>) -> Result<Doc> {
    let top: Doc =
        doc.iter().filter(|(k, _)| !PARTS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut out = check(fields, &top, true, lookup, errors)?;
    // Read in place: a certification record carries its whole history.
    let parts =
        serde::de::value::MapDeserializer::<_, serde_json::Error>::new(doc.iter().map(|(k, v)| (k.as_str(), v)));
    if let Err(e) = Cert::deserialize(parts) {
        errors.push(FieldError {
            field: "step".into(),
            label: "Hồ sơ công nhận".into(),
            message: format!("các bước đã ghi không đúng cấu trúc ({e})"),
        });
    }
    for part in PARTS {
        if let Some(v) = doc.get(part) {
            out.insert(part.to_owned(), v.clone());
        }
    }
    Ok(out)
}

/// Assessment period and deadlines of a kind for a year (from the `cert_period` reference list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The scoring dossier is due at the commune police by this date.
    pub dossier_due: NaiveDate,
    /// Registration is due by this date (end of Q1).
    pub register_by: NaiveDate,
    /// A deadline this close (days) is "due soon".
    pub due_soon_days: i64,
}

impl Period {
    /// The period of `year` from the list item's data (`start`, `end`, `dossier_due`, `register_by`
    /// as "mm-dd"; a start after the end falls in the previous year).
    pub fn from_item(item: Option<&RefItem>, subject: Subject, year: i32) -> Period {
        let defaults = match subject {
            Subject::KhuDanCu => ("11-01", "10-31", "11-20"),
            _ => ("11-16", "11-15", "11-30"),
        };
        let get = |k: &str, d: &'static str| -> String {
            item.and_then(|i| i.data.get(k)).and_then(Value::as_str).unwrap_or(d).to_owned()
        };
        let md = |s: &str| -> (u32, u32) {
            let mut p = s.split('-').filter_map(|x| x.parse::<u32>().ok());
            (p.next().unwrap_or(1), p.next().unwrap_or(1))
        };
        let at = |y: i32, (m, d): (u32, u32)| {
            NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| NaiveDate::from_ymd_opt(y, m, 28).unwrap_or_default())
        };
        let (s, e) = (md(&get("start", defaults.0)), md(&get("end", defaults.1)));
        let start_year = if s > e { year - 1 } else { year };
        Period {
            start: at(start_year, s),
            end: at(year, e),
            dossier_due: at(year, md(&get("dossier_due", defaults.2))),
            register_by: at(year, md(&get("register_by", "03-31"))),
            due_soon_days: item.and_then(|i| i.data.get("due_soon_days")).and_then(Value::as_i64).unwrap_or(15),
        }
    }
}

/// The criteria of a list that apply in `year` (`from_year` ≤ year ≤ `to_year` in the item's data).
pub fn criteria_for_year(items: &[RefItem], year: i32) -> Vec<RefItem> {
    let y = i64::from(year);
    items
        .iter()
        .filter(|i| i.data.get("from_year").and_then(Value::as_i64).is_none_or(|f| f <= y))
        .filter(|i| i.data.get("to_year").and_then(Value::as_i64).is_none_or(|t| y <= t))
        .cloned()
        .collect()
}

fn confirmed(item: &RefItem) -> bool {
    item.data.get("confirmed").and_then(Value::as_bool).unwrap_or(true)
}

/// What a step needs that the store knows.
pub struct StepContext<'a> {
    /// Who and when.
    pub stamp: Stamp,
    /// The area or unit record (None for the commune).
    pub subject: Option<&'a Doc>,
    /// The criteria of the record's kind that apply in its year.
    pub criteria: &'a [RefItem],
    /// The vote rule in force for the year.
    pub rule: VoteRule,
    pub period: Period,
}

/// The record after its next step, with the step's data (`input`), and any warnings.
pub fn advance(cert: &Cert, input: &Doc, ctx: &StepContext<'_>, lookup: &dyn Lookup) -> Result<(Cert, Vec<String>)> {
    let Some(next) = cert.step.next() else {
        return Err(Error::Refused(format!(
            "Hồ sơ «{}» năm {} đã có quyết định; không còn bước nào. Muốn sửa, hãy lùi một bước (kèm lý do).",
            cert.name, cert.year
        )));
    };
    if cert.subject == Subject::Xa && next > Step::TuDanhGia {
        return Err(Error::Refused(
            "Hồ sơ của xã chỉ có bước đăng ký và tự đánh giá; kết quả của xã được tính từ dữ liệu (phongtrao cert result)."
                .into(),
        ));
    }
    let mut out = cert.clone();
    let mut warnings = Vec::new();
    match next {
        Step::DangKy => out.registration = Some(register(cert, input, ctx, lookup, &mut warnings)?),
        Step::TuDanhGia => out.assessment = Some(assess(input, ctx, lookup, &mut warnings)?),
        Step::BinhXet => out.review = Some(review(cert, input, ctx, lookup, &mut warnings)?),
        Step::DeNghi => out.proposal = Some(propose(cert, input, ctx, lookup)?),
        Step::QuyetDinh => out.decision = Some(decide(cert, input, ctx, lookup)?),
        Step::ChuaDangKy => unreachable!("no step leads back to the start"),
    }
    out.step = next;
    out.history.push(HistoryEntry {
        action: "advance".into(),
        step: next,
        by: ctx.stamp.by.clone(),
        at: ctx.stamp.at.clone(),
        reason: None,
        undone: None,
    });
    Ok((out, warnings))
}

/// The record one step back; what the step recorded is kept in the history with the reason.
pub fn revert(cert: &Cert, reason: &str, stamp: &Stamp) -> Result<Cert> {
    let reason = crate::text::clean(reason);
    if reason.is_empty() {
        return Err(Error::field("reason", "Lý do lùi bước", "không được để trống"));
    }
    let Some(prev) = cert.step.prev() else {
        return Err(Error::Refused(format!(
            "Hồ sơ «{}» năm {} chưa đăng ký: không có bước nào để lùi.",
            cert.name, cert.year
        )));
    };
    let mut out = cert.clone();
    let undone = match cert.step {
        Step::DangKy => out.registration.take().map(|x| serde_json::to_value(x).unwrap_or_default()),
        Step::TuDanhGia => out.assessment.take().map(|x| serde_json::to_value(x).unwrap_or_default()),
        Step::BinhXet => out.review.take().map(|x| serde_json::to_value(x).unwrap_or_default()),
        Step::DeNghi => out.proposal.take().map(|x| serde_json::to_value(x).unwrap_or_default()),
        Step::QuyetDinh => out.decision.take().map(|x| serde_json::to_value(x).unwrap_or_default()),
        Step::ChuaDangKy => None,
    };
    out.step = prev;
    out.history.push(HistoryEntry {
        action: "revert".into(),
        step: cert.step,
        by: stamp.by.clone(),
        at: stamp.at.clone(),
        reason: Some(reason),
        undone,
    });
    Ok(out)
}

/// The commune's record with new settings for its year (vote rule, officer disciplined).
pub fn settings(cert: &Cert, input: &Doc, stamp: &Stamp, lookup: &dyn Lookup) -> Result<Cert> {
    let doc = checked(&settings_fields(), input, lookup)?;
    if doc.is_empty() {
        return Err(Error::field("vote_percent", "Thiết lập", "cần ít nhất một giá trị để lưu"));
    }
    let mut out = cert.clone();
    let mut s = out.settings.take().unwrap_or_default();
    if let Some(v) = doc.int_of("vote_percent") {
        s.vote_percent = Some(v);
    }
    if let Some(v) = doc.get("vote_more_than").and_then(Value::as_bool) {
        s.vote_more_than = Some(v);
    }
    if let Some(v) = doc.get("officer_disciplined").and_then(Value::as_bool) {
        s.officer_disciplined = Some(v);
    }
    if let Some(v) = doc.str_of("discipline_note") {
        s.discipline_note = Some(v.to_owned());
    }
    s.stamp = Some(stamp.clone());
    out.settings = Some(s);
    out.history.push(HistoryEntry {
        action: "settings".into(),
        step: out.step,
        by: stamp.by.clone(),
        at: stamp.at.clone(),
        reason: None,
        undone: Some(Value::Object(doc)),
    });
    Ok(out)
}

/// The form of the commune's settings for a year.
pub fn settings_fields() -> Vec<Field> {
    vec![
        Field::new("vote_percent", "Tỷ lệ phiếu tán thành cần đạt (%)", FieldType::Int { min: 1, max: 100 }),
        Field::new("vote_more_than", "Phải trên tỷ lệ (không tính bằng)", FieldType::Bool),
        Field::new("officer_disciplined", "Có cán bộ Công an xã bị kỷ luật trong năm", FieldType::Bool),
        Field::new("discipline_note", "Ghi chú về kỷ luật", long_text()),
    ]
}

/// Checks `input` against `fields` (messages naming the field); every bad field is reported.
fn checked(fields: &[Field], input: &Doc, lookup: &dyn Lookup) -> Result<Doc> {
    let mut errors = Vec::new();
    let doc = check(fields, input, false, lookup, &mut errors)?;
    if errors.is_empty() { Ok(doc) } else { Err(Error::Invalid(Invalid(errors))) }
}

fn err(field: &str, label: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), label: label.into(), message: message.into() }
}

/// A step's data checked field by field, with every error kept: the rules across fields add theirs
/// (reading only the values that passed their own check) before [`fail`] reports them all at once.
fn step_input(subject: Subject, step: Step, input: &Doc, lookup: &dyn Lookup) -> Result<(Doc, Vec<FieldError>)> {
    let mut errors = Vec::new();
    let doc = check(&step_fields(subject, step), input, false, lookup, &mut errors)?;
    Ok((doc, errors))
}

/// A date that may not be after today.
fn not_after_today(on: Option<NaiveDate>, key: &str, label: &str, lookup: &dyn Lookup, errors: &mut Vec<FieldError>) {
    if on.is_some_and(|on| on > lookup.today()) {
        errors.push(err(key, label, "không được sau ngày hôm nay"));
    }
}

fn fail(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() { Ok(()) } else { Err(Error::Invalid(Invalid(errors))) }
}

fn opt_text(doc: &Doc, key: &str) -> Option<String> {
    doc.str_of(key).map(str::to_owned)
}

/// The fields of the registration step of a kind.
pub fn registration_fields(subject: Subject) -> Vec<Field> {
    let on = Field::new("registered_on", "Ngày đăng ký phấn đấu", FieldType::Date).required();
    let note = Field::new("note", "Ghi chú", long_text());
    match subject {
        Subject::KhuDanCu => vec![
            on,
            Field::new("resolution_number", "Số nghị quyết của chi bộ", text(100)).required(),
            Field::new("resolution_date", "Ngày nghị quyết của chi bộ", FieldType::Date).required(),
            Field::new("households", "Tổng số hộ gia đình", count()).required(),
            Field::new("households_registered", "Số hộ đăng ký thực hiện", count()).required(),
            Field::new("households_committed", "Số hộ ký cam kết", count()).required(),
            note,
        ],
        Subject::Xa => vec![
            on,
            Field::new("resolution_number", "Số nghị quyết của Đảng ủy", text(100)).required(),
            Field::new("resolution_date", "Ngày nghị quyết của Đảng ủy", FieldType::Date).required(),
            Field::new("plan_number", "Số kế hoạch của Ủy ban nhân dân", text(100)).required(),
            Field::new("plan_date", "Ngày kế hoạch của Ủy ban nhân dân", FieldType::Date).required(),
            note,
        ],
        Subject::CoQuanDoanhNghiep | Subject::CoSoGiaoDuc => vec![
            on,
            Field::new("resolution_number", "Số nghị quyết (nơi có tổ chức đảng)", text(100)),
            Field::new("resolution_date", "Ngày nghị quyết", FieldType::Date),
            Field::new("plan_number", "Số kế hoạch", text(100)).required(),
            Field::new("plan_date", "Ngày kế hoạch", FieldType::Date),
            Field::new("staff", "Số cán bộ, nhân viên", count()),
            Field::new("staff_briefed", "Số cán bộ, nhân viên được phổ biến, quán triệt", count()),
            note,
        ],
    }
}

/// What an area's or unit's register already knows of its registration for `year` (the form starts
/// from it; a value left out of the step's data is taken from it).
pub fn registration_defaults(subject: Subject, register: &Doc, year: i32) -> Doc {
    let defaults: &[(&str, &str)] = match subject {
        Subject::KhuDanCu => &[
            ("registered_on", "registered_on"),
            ("resolution_number", "q1_resolution_number"),
            ("resolution_date", "q1_resolution_date"),
            ("households", "households"),
            ("households_registered", "households_registered"),
            ("households_committed", "households_committed"),
        ],
        Subject::Xa => &[],
        _ => &[("staff", "staff_count")],
    };
    let mut out = Doc::new();
    for (key, from) in defaults {
        let Some(v) = register.get(*from).filter(|v| !v.is_null()) else { continue };
        // A registration date of another year is not this year's.
        if *key == "registered_on" && register.date_of(from).is_none_or(|d| d.year() != year) {
            continue;
        }
        out.insert((*key).into(), v.clone());
    }
    out
}

/// The vote counts a bình xét meeting must record (its minutes give the result of the vote).
pub const REVIEW_VOTES: [&str; 3] = ["votes_for", "votes_against", "votes_abstain"];

/// A field of a step's form required only when another field has a value: the certificate's number
/// when the decision is «Đạt». (field, other field, its value)
pub const REQUIRED_IF: [(&str, &str, &str); 1] = [("certificate_number", "result", "dat")];

/// The highest self-assessment score: the scoring sheets count out of 100.
pub const SELF_SCORE_MAX: i64 = 100;

/// The form of a step (the self-assessment's criteria come as a separate list: each code with
/// `met`, `note` and `evidence`; the bình xét may give a whole `meeting` instead of its id).
pub fn step_fields(subject: Subject, step: Step) -> Vec<Field> {
    match step {
        Step::ChuaDangKy => Vec::new(),
        Step::DangKy => registration_fields(subject),
        Step::TuDanhGia => vec![
            // Scored out of 100 ("Điểm chuẩn (100 điểm)" of the scoring sheets, see shared/domain).
            Field::new("self_score", "Điểm tự chấm (thang 100)", FieldType::Int { min: 0, max: SELF_SCORE_MAX })
                .required(),
            Field::new("assessed_on", "Ngày tự đánh giá", FieldType::Date),
        ],
        Step::BinhXet => {
            vec![Field::new("meeting_id", "Cuộc họp bình xét", FieldType::Link { kind: Kind::Meeting }).required()]
        }
        Step::DeNghi => vec![
            Field::new("number", "Số tờ trình", text(100)).required(),
            Field::new("date", "Ngày tờ trình", FieldType::Date).required(),
            Field::new("recommend", "Đề nghị công nhận", FieldType::Bool).required(),
            Field::new("note", "Ghi chú", long_text()),
        ],
        Step::QuyetDinh => vec![
            Field::new("result", "Kết quả", options(&[("dat", "Đạt"), ("chua_dat", "Chưa đạt")])).required(),
            Field::new("number", "Số quyết định", text(100)).required(),
            Field::new("date", "Ngày quyết định", FieldType::Date).required(),
            Field::new("certificate_number", "Số giấy công nhận", text(100)),
            Field::new("note", "Ghi chú", long_text()),
        ],
    }
}

fn register(
    cert: &Cert,
    input: &Doc,
    ctx: &StepContext<'_>,
    lookup: &dyn Lookup,
    warnings: &mut Vec<String>,
) -> Result<Registration> {
    // What the area's or unit's register already knows fills what the step's data leaves out.
    let mut input = input.clone();
    if let Some(subject) = ctx.subject {
        for (key, v) in registration_defaults(cert.subject, subject, cert.year) {
            input.entry(key).or_insert(v);
        }
    }
    let fields = registration_fields(cert.subject);
    // Every error at once: the rules across fields read only the values that passed their own check.
    let mut errors = Vec::new();
    let doc = check(&fields, &input, false, lookup, &mut errors)?;
    let label = |k: &str| fields.iter().find(|f| f.key == k).map_or(k.to_owned(), |f| f.label.clone());
    let on = doc.date_of("registered_on");
    if let Some(on) = on
        && on.year() != cert.year
    {
        errors.push(err("registered_on", &label("registered_on"), format!("phải trong năm {}", cert.year)));
    }
    not_after_today(on, "registered_on", &label("registered_on"), lookup, &mut errors);
    let households = doc.int_of("households");
    for k in ["households_registered", "households_committed"] {
        if let (Some(n), Some(total)) = (doc.int_of(k), households)
            && n > total
        {
            errors.push(err(k, &label(k), format!("không được lớn hơn tổng số hộ gia đình ({total})")));
        }
    }
    if let (Some(n), Some(total)) = (doc.int_of("staff_briefed"), doc.int_of("staff"))
        && n > total
    {
        errors.push(err(
            "staff_briefed",
            &label("staff_briefed"),
            format!("không được lớn hơn số cán bộ, nhân viên ({total})"),
        ));
    }
    fail(errors)?;
    let on = on.expect("required, and no error");
    let late = on > ctx.period.register_by;
    if late {
        warnings.push(format!(
            "Đăng ký ngày {} là sau quý I (hạn {}): không tính là đăng ký trong quý I khi xét kết quả của xã.",
            date::display(on),
            date::display(ctx.period.register_by)
        ));
    }
    if let (Some(n), Some(total)) = (doc.int_of("households_registered"), households)
        && n < total
    {
        warnings.push(format!("Mới có {n}/{total} hộ đăng ký thực hiện: tiêu chí 1 cần 100% hộ gia đình đăng ký."));
    }
    Ok(Registration {
        registered_on: on,
        resolution_number: opt_text(&doc, "resolution_number"),
        resolution_date: doc.date_of("resolution_date"),
        plan_number: opt_text(&doc, "plan_number"),
        plan_date: doc.date_of("plan_date"),
        households,
        households_registered: doc.int_of("households_registered"),
        households_committed: doc.int_of("households_committed"),
        staff: doc.int_of("staff"),
        staff_briefed: doc.int_of("staff_briefed"),
        note: opt_text(&doc, "note"),
        late,
        stamp: ctx.stamp.clone(),
    })
}

/// What a registration changes in the area's or unit's own register (the same figures, kept in one
/// place): the fields of `register` whose stored value differs from the registration's, as a patch. The
/// registration's date, the households and (when dated in the first quarter of `year`, the register's
/// field being the quarter's) the Party cell's resolution go to an area; the staff to a unit.
pub fn register_back(reg: &Registration, subject: Subject, year: i32, register: &Doc) -> Doc {
    let date = |d: Option<NaiveDate>| d.map(|d| Value::String(date::iso(d)));
    let q1 = reg.resolution_date.filter(|d| d.year() == year && d.month0() < 3);
    let pairs: Vec<(&str, Option<Value>)> = match subject {
        Subject::KhuDanCu => vec![
            ("registered_on", date(Some(reg.registered_on))),
            ("q1_resolution_number", q1.and(reg.resolution_number.clone()).map(Value::String)),
            ("q1_resolution_date", date(q1)),
            ("households", reg.households.map(Value::from)),
            ("households_registered", reg.households_registered.map(Value::from)),
            ("households_committed", reg.households_committed.map(Value::from)),
        ],
        Subject::CoQuanDoanhNghiep | Subject::CoSoGiaoDuc => vec![("staff_count", reg.staff.map(Value::from))],
        Subject::Xa => Vec::new(),
    };
    pairs.into_iter().filter_map(|(k, v)| v.filter(|v| register.get(k) != Some(v)).map(|v| (k.to_owned(), v))).collect()
}

fn assess(input: &Doc, ctx: &StepContext<'_>, lookup: &dyn Lookup, warnings: &mut Vec<String>) -> Result<Assessment> {
    let mut rest = input.clone();
    let given = rest.remove("criteria");
    let (doc, mut errors) = step_input(Subject::Xa, Step::TuDanhGia, &rest, lookup)?;
    let n = ctx.criteria.len();
    let codes: Vec<&str> = ctx.criteria.iter().map(|c| c.code.as_str()).collect();
    let missing = || {
        err(
            "criteria",
            "Tiêu chí",
            format!("không được để trống: cần ghi đạt hay không đạt cho đủ {n} tiêu chí ({})", codes.join(", ")),
        )
    };
    let list: Vec<Doc> = match given {
        // Nothing given, or an empty list: every criterion still needs its verdict.
        None | Some(Value::Null) => {
            errors.push(missing());
            Vec::new()
        }
        Some(Value::Array(items)) if items.is_empty() => {
            errors.push(missing());
            Vec::new()
        }
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => {
            items.into_iter().filter_map(|v| if let Value::Object(m) = v { Some(m) } else { None }).collect()
        }
        Some(_) => {
            errors.push(err(
                "criteria",
                "Tiêu chí",
                "phải là danh sách [{\"code\": mã tiêu chí, \"met\": true/false, \"note\": …, \"evidence\": …}]",
            ));
            Vec::new()
        }
    };
    let mut results = Vec::new();
    if !list.is_empty() {
        for item in &list {
            let code = item.str_of("code").unwrap_or_default();
            if !codes.contains(&code) {
                errors.push(err(
                    "criteria",
                    "Tiêu chí",
                    format!("«{code}» không phải tiêu chí của năm này; các tiêu chí: {}", codes.join(", ")),
                ));
            } else if list.iter().filter(|i| i.str_of("code") == Some(code)).count() > 1 {
                errors.push(err(&format!("criteria.{code}"), &format!("Tiêu chí {code}"), "bị ghi hai lần"));
            }
        }
        for (i, c) in ctx.criteria.iter().enumerate() {
            let key = format!("criteria.{}", c.code);
            let label = format!("Tiêu chí {} ({})", i + 1, c.code);
            let Some(item) = list.iter().find(|x| x.str_of("code") == Some(c.code.as_str())) else {
                errors.push(err(&key, &label, "chưa đánh giá: ghi \"met\": true (đạt) hoặc false (không đạt)"));
                continue;
            };
            let met = match item.get("met") {
                Some(Value::Bool(b)) => Some(*b),
                Some(Value::String(s)) => match crate::text::fold(s).trim() {
                    "dat" | "co" | "true" => Some(true),
                    "khong dat" | "chua dat" | "khong" | "false" => Some(false),
                    _ => None,
                },
                _ => None,
            };
            let Some(met) = met else {
                errors.push(err(&key, &label, "chưa đánh giá: ghi \"met\": true (đạt) hoặc false (không đạt)"));
                continue;
            };
            let text_of = |k: &str, what: &str, errors: &mut Vec<FieldError>| -> Option<String> {
                match item.get(k) {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => {
                        let s = crate::text::clean(s);
                        if s.chars().count() > 2000 {
                            errors.push(err(&key, &label, format!("{what} dài quá 2.000 ký tự")));
                        }
                        (!s.is_empty()).then_some(s)
                    }
                    Some(_) => {
                        errors.push(err(&key, &label, format!("{what} phải là chữ")));
                        None
                    }
                }
            };
            let note = text_of("note", "nhận xét", &mut errors);
            let evidence = text_of("evidence", "minh chứng", &mut errors);
            if !confirmed(c) {
                warnings.push(format!(
                    "Tiêu chí {} ({}) chưa được xác nhận nội dung trong danh mục; hãy đối chiếu văn bản của Công an tỉnh.",
                    i + 1,
                    c.code
                ));
            }
            results.push(CriterionResult {
                code: c.code.clone(),
                label: c.label.clone(),
                confirmed: confirmed(c),
                met,
                note,
                evidence,
            });
        }
    }
    not_after_today(doc.date_of("assessed_on"), "assessed_on", "Ngày tự đánh giá", lookup, &mut errors);
    fail(errors)?;
    if results.iter().any(|c| !c.met) {
        let not: Vec<&str> = results.iter().filter(|c| !c.met).map(|c| c.code.as_str()).collect();
        warnings.push(format!(
            "Chưa đạt tiêu chí: {} (tất cả tiêu chí phải đạt mới được đề nghị công nhận).",
            not.join(", ")
        ));
    }
    Ok(Assessment {
        criteria: results,
        self_score: doc.int_of("self_score").expect("required"),
        assessed_on: doc.date_of("assessed_on"),
        stamp: ctx.stamp.clone(),
    })
}

fn review(
    cert: &Cert,
    input: &Doc,
    ctx: &StepContext<'_>,
    lookup: &dyn Lookup,
    warnings: &mut Vec<String>,
) -> Result<Review> {
    let fields = step_fields(cert.subject, Step::BinhXet);
    let doc = checked(&fields, input, lookup)?;
    let id = doc.ids_of("meeting_id")[0];
    let meeting = lookup
        .get(Kind::Meeting, id)?
        .ok_or_else(|| Error::NotFound { kind: Kind::Meeting.label(), id: id.to_string() })?;
    let labels = super::fields(Kind::Meeting);
    let label = |k: &str| labels.iter().find(|f| f.key == k).map_or(k.to_owned(), |f| f.label.clone());
    let mut errors = Vec::new();
    if meeting.str_of("kind") != Some("binh_xet") {
        errors.push(err("kind", &label("kind"), "cuộc họp xét công nhận phải là cuộc họp bình xét"));
    }
    for k in REVIEW_VOTES {
        if meeting.int_of(k).is_none() {
            errors.push(err(k, &label(k), "không được để trống: biên bản bình xét phải ghi kết quả biểu quyết"));
        }
    }
    let (own, other) = match cert.subject {
        Subject::KhuDanCu => ("area_id", "unit_id"),
        _ => ("unit_id", "area_id"),
    };
    let own_id = cert.subject_id().map(|u| u.to_string());
    if meeting.str_of(own).is_some_and(|m| Some(m.to_owned()) != own_id) || meeting.str_of(other).is_some() {
        errors.push(err(
            "meeting_id",
            "Cuộc họp bình xét",
            format!("cuộc họp này là của đơn vị khác, không phải của {}", cert.name),
        ));
    }
    if let (Some(starts), Some(reg)) = (meeting.date_of("starts_at"), cert.registration.as_ref())
        && starts < reg.registered_on
    {
        errors.push(err(
            "starts_at",
            &label("starts_at"),
            format!("cuộc họp bình xét không được trước ngày đăng ký ({})", date::display(reg.registered_on)),
        ));
    }
    fail(errors)?;
    let (f, a, ab) = (
        meeting.int_of("votes_for").unwrap_or(0),
        meeting.int_of("votes_against").unwrap_or(0),
        meeting.int_of("votes_abstain").unwrap_or(0),
    );
    let passed = ctx.rule.passes(f, f + a + ab);
    let out = Review {
        meeting_id: id,
        votes_for: f,
        votes_against: a,
        votes_abstain: ab,
        rule: ctx.rule,
        passed,
        stamp: ctx.stamp.clone(),
    };
    if !passed {
        warnings.push(format!(
            "Biểu quyết {}: chưa đạt tỷ lệ cần có ({}); không đề nghị công nhận được.",
            out.describe(),
            ctx.rule.describe()
        ));
    }
    Ok(out)
}

fn propose(cert: &Cert, input: &Doc, ctx: &StepContext<'_>, lookup: &dyn Lookup) -> Result<Proposal> {
    let (doc, mut errors) = step_input(cert.subject, Step::DeNghi, input, lookup)?;
    let recommend = doc.get("recommend").and_then(Value::as_bool).unwrap_or(false);
    let on = doc.date_of("date");
    if recommend {
        if let Some(r) = cert.review.as_ref().filter(|r| !r.passed) {
            errors.push(err(
                "recommend",
                "Đề nghị công nhận",
                format!("biểu quyết {} chưa đạt tỷ lệ cần có ({})", r.describe(), r.rule.describe()),
            ));
        }
        if let Some(a) = &cert.assessment
            && !a.all_met()
        {
            let not: Vec<&str> = a.criteria.iter().filter(|c| !c.met).map(|c| c.code.as_str()).collect();
            errors.push(err("recommend", "Đề nghị công nhận", format!("chưa đạt tiêu chí {}", not.join(", "))));
        }
    }
    not_after_today(on, "date", "Ngày tờ trình", lookup, &mut errors);
    if let Some(on) = on
        && let Some(m) = cert.review.as_ref().and_then(|r| lookup.get(Kind::Meeting, r.meeting_id).ok().flatten())
        && let Some(d) = m.date_of("starts_at")
        && on < d
    {
        errors.push(err("date", "Ngày tờ trình", format!("không được trước ngày họp bình xét ({})", date::display(d))));
    }
    fail(errors)?;
    let on = on.expect("required, and no error");
    Ok(Proposal {
        number: doc.str_of("number").unwrap_or_default().to_owned(),
        date: on,
        recommend,
        note: opt_text(&doc, "note"),
        stamp: ctx.stamp.clone(),
    })
}

fn decide(cert: &Cert, input: &Doc, ctx: &StepContext<'_>, lookup: &dyn Lookup) -> Result<Decision> {
    let (doc, mut errors) = step_input(cert.subject, Step::QuyetDinh, input, lookup)?;
    let recognised = doc.str_of("result") == Some("dat");
    let on = doc.date_of("date");
    if recognised && cert.proposal.as_ref().is_some_and(|p| !p.recommend) {
        errors.push(err("result", "Kết quả", "Công an xã không đề nghị công nhận đơn vị này"));
    }
    let refused = |key: &str, errors: &[FieldError]| errors.iter().any(|e| e.field == key);
    let (cert_no, _, _) = REQUIRED_IF[0];
    if recognised && doc.str_of(cert_no).is_none() && !refused(cert_no, &errors) {
        errors.push(err("certificate_number", "Số giấy công nhận", "không được để trống khi kết quả là đạt"));
    }
    not_after_today(on, "date", "Ngày quyết định", lookup, &mut errors);
    if let Some(p) = &cert.proposal
        && let Some(on) = on
        && on < p.date
    {
        errors.push(err(
            "date",
            "Ngày quyết định",
            format!("không được trước ngày tờ trình ({})", date::display(p.date)),
        ));
    }
    fail(errors)?;
    let on = on.expect("required, and no error");
    Ok(Decision {
        recognised,
        number: doc.str_of("number").unwrap_or_default().to_owned(),
        date: on,
        certificate_number: opt_text(&doc, "certificate_number"),
        note: opt_text(&doc, "note"),
        stamp: ctx.stamp.clone(),
    })
}

// ---------------------------------------------------------------------------------------------------
// The year overview and the commune's result

/// An area or unit of the commune, with its record for the year if any.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: Uuid,
    pub subject: Subject,
    pub name: String,
    /// Not subject to certification (armed forces, small enterprises, primary schools, preschools).
    pub excluded: bool,
    pub cert_id: Option<Uuid>,
    pub cert: Option<Cert>,
}

/// How pressing a warning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A deadline has passed.
    Late,
    /// A deadline is close.
    Soon,
    Info,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub level: Level,
    pub message: String,
}

/// One line of the year overview.
#[derive(Debug, Clone, Serialize)]
pub struct OverviewRow {
    /// The area's or unit's id (None for the commune itself).
    pub subject_id: Option<Uuid>,
    pub subject: Subject,
    pub subject_label: &'static str,
    pub name: String,
    pub excluded: bool,
    pub cert_id: Option<Uuid>,
    pub step: Step,
    pub step_label: &'static str,
    /// What the next advance does (None when decided, or for an excluded unit).
    pub next_action: Option<&'static str>,
    pub period: Period,
    /// Đạt / chưa đạt once decided.
    pub recognised: Option<bool>,
    pub warnings: Vec<Warning>,
}

/// The warnings of one record of `subject` relative to `today`. A unit not registered yet gets one
/// warning, with what to do (a commune that starts using the app late in the year sees that each
/// unit can still register, not a second "late" line about a dossier it cannot prepare yet); the
/// commune itself has no scoring dossier to hand in.
pub fn warnings_for(subject: Subject, cert: Option<&Cert>, period: &Period, today: NaiveDate) -> Vec<Warning> {
    let mut out = Vec::new();
    let step = cert.map_or(Step::ChuaDangKy, |c| c.step);
    let days = |d: NaiveDate| (d - today).num_days();
    if step == Step::ChuaDangKy {
        let left = days(period.register_by);
        if left < 0 {
            out.push(Warning {
                level: Level::Late,
                message: format!(
                    "Chưa đăng ký; hạn đăng ký là quý I (trước {}). Vẫn đăng ký được: mở dòng này, bấm «Đăng ký phấn đấu» (ghi là đăng ký sau quý I).",
                    date::display(period.register_by)
                ),
            });
        } else if left <= period.due_soon_days {
            out.push(Warning {
                level: Level::Soon,
                message: format!("Còn {left} ngày đến hạn đăng ký ({}).", date::display(period.register_by)),
            });
        }
    }
    if let Some(r) = cert.and_then(|c| c.registration.as_ref()).filter(|r| r.late) {
        out.push(Warning {
            level: Level::Info,
            message: format!("Đăng ký sau quý I (ngày {}).", date::display(r.registered_on)),
        });
    }
    // The scoring dossier (self-assessment and bình xét minutes) goes to the commune police by the due date.
    if step != Step::ChuaDangKy && step < Step::BinhXet && subject != Subject::Xa {
        let left = days(period.dossier_due);
        if left < 0 {
            out.push(Warning {
                level: Level::Late,
                message: format!(
                    "Quá hạn nộp hồ sơ chấm điểm {} ngày (hạn {}).",
                    -left,
                    date::display(period.dossier_due)
                ),
            });
        } else if left <= period.due_soon_days {
            out.push(Warning {
                level: Level::Soon,
                message: format!(
                    "Còn {left} ngày đến hạn nộp hồ sơ chấm điểm ({}).",
                    date::display(period.dossier_due)
                ),
            });
        }
    }
    if let Some(r) = cert.and_then(|c| c.review.as_ref()).filter(|r| !r.passed) {
        out.push(Warning {
            level: Level::Info,
            message: format!("Biểu quyết {} chưa đạt tỷ lệ cần có ({}).", r.describe(), r.rule.describe()),
        });
    }
    out
}

/// Whether a commune criterion holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    NotMet,
    /// The data needed is not recorded yet.
    Unknown,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "Đạt",
            Verdict::NotMet => "Chưa đạt",
            Verdict::Unknown => "Chưa đủ dữ liệu",
        }
    }
    fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::NotMet, _) | (_, Verdict::NotMet) => Verdict::NotMet,
            (Verdict::Unknown, _) | (_, Verdict::Unknown) => Verdict::Unknown,
            _ => Verdict::Met,
        }
    }
}

/// One check behind a criterion, with the counts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub label: String,
    pub verdict: Verdict,
    /// What was counted, e.g. 7 of 10.
    pub count: Option<i64>,
    pub of: Option<i64>,
    pub explanation: String,
    /// The units behind a failed check (not registered, registered late…).
    pub names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionVerdict {
    pub code: String,
    pub label: String,
    pub confirmed: bool,
    pub verdict: Verdict,
    pub checks: Vec<Check>,
}

/// Counts of one unit kind for the results report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub subject: Subject,
    pub label: &'static str,
    /// Subject to certification.
    pub total: i64,
    pub excluded: i64,
    /// Registered in Q1.
    pub registered: i64,
    pub registered_late: i64,
    pub recognised: i64,
    pub not_recognised: i64,
}

/// The commune's own result for a year, criterion by criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommuneResult {
    pub year: i32,
    pub verdict: Verdict,
    pub criteria: Vec<CriterionVerdict>,
    pub counts: Vec<KindCounts>,
}

/// A model with an effective review in the commune's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveModel {
    pub id: Uuid,
    pub name: String,
    pub reviewed_on: NaiveDate,
}

/// What the commune's result is computed from.
pub struct ResultInput<'a> {
    pub year: i32,
    pub commune: Option<&'a Cert>,
    pub candidates: &'a [Candidate],
    pub effective_models: &'a [EffectiveModel],
    /// The commune's criteria of the year (`criteria_xa`), each with its `rule` in the item's data.
    pub criteria: &'a [RefItem],
    /// The builtin criteria, for a rule missing from an older stored list.
    pub builtin: &'a [RefItem],
}

/// The commune's result: each criterion of `criteria_xa` by its `rule` (q1_registration,
/// effective_model, no_discipline, units_registered_recognised); a criterion without a rule is taken
/// from the commune's own self-assessment.
pub fn commune_result(input: &ResultInput<'_>) -> CommuneResult {
    let applicable: Vec<&Candidate> = input.candidates.iter().filter(|c| !c.excluded).collect();
    let mut counts = Vec::new();
    for s in [Subject::KhuDanCu, Subject::CoQuanDoanhNghiep, Subject::CoSoGiaoDuc] {
        let of: Vec<&&Candidate> = applicable.iter().filter(|c| c.subject == s).collect();
        let reg = |late: bool| {
            of.iter()
                .filter(|c| {
                    c.cert
                        .as_ref()
                        .is_some_and(|x| x.registered() && x.registration.as_ref().is_some_and(|r| r.late == late))
                })
                .count() as i64
        };
        let decided = |ok: bool| {
            of.iter()
                .filter(|c| c.cert.as_ref().and_then(|x| x.decision.as_ref()).is_some_and(|d| d.recognised == ok))
                .count() as i64
        };
        counts.push(KindCounts {
            subject: s,
            label: s.label(),
            total: of.len() as i64,
            excluded: input.candidates.iter().filter(|c| c.excluded && c.subject == s).count() as i64,
            registered: reg(false),
            registered_late: reg(true),
            recognised: decided(true),
            not_recognised: decided(false),
        });
    }
    let mut criteria = Vec::new();
    for item in input.criteria {
        // A criterion's computed checks: `rules` (several, all must hold) or `rule` in the item's data,
        // else in the item of the same code this release ships; none: the commune's own assessment.
        let named = rules_of(item);
        let named = if named.is_empty() {
            input.builtin.iter().find(|b| b.code == item.code).map(rules_of).unwrap_or_default()
        } else {
            named
        };
        let mut checks = Vec::new();
        for rule in &named {
            match *rule {
                "q1_registration" => checks.push(q1_check(input)),
                "effective_model" => checks.push(model_check(input.effective_models)),
                "no_discipline" => checks.push(discipline_check(input.commune)),
                "units_registered_recognised" => {
                    let share = item.data.get("min_share").and_then(Value::as_f64).unwrap_or(0.7);
                    checks.extend(units_checks(&applicable, input.candidates, share));
                }
                _ => {}
            }
        }
        if checks.is_empty() {
            checks.push(manual_check(item, input.commune));
        }
        let verdict = checks.iter().fold(Verdict::Met, |v, c| v.and(c.verdict));
        criteria.push(CriterionVerdict {
            code: item.code.clone(),
            label: item.label.clone(),
            confirmed: confirmed(item),
            verdict,
            checks,
        });
    }
    let verdict = if criteria.is_empty() {
        Verdict::Unknown
    } else {
        criteria.iter().fold(Verdict::Met, |v, c| v.and(c.verdict))
    };
    CommuneResult { year: input.year, verdict, criteria, counts }
}

fn mk(
    label: &str,
    verdict: Verdict,
    count: Option<i64>,
    of: Option<i64>,
    explanation: String,
    names: Vec<String>,
) -> Check {
    Check { label: label.into(), verdict, count, of, explanation, names }
}

fn q1_check(input: &ResultInput<'_>) -> Check {
    let label = "Nghị quyết của Đảng ủy, kế hoạch của UBND và đăng ký trong quý I";
    let Some(r) = input.commune.and_then(|c| c.registration.as_ref()) else {
        return mk(
            label,
            Verdict::NotMet,
            None,
            None,
            format!("Xã chưa đăng ký phấn đấu năm {}.", input.year),
            Vec::new(),
        );
    };
    let mut missing = Vec::new();
    if r.resolution_number.is_none() {
        missing.push("nghị quyết của Đảng ủy");
    }
    if r.plan_number.is_none() {
        missing.push("kế hoạch của UBND");
    }
    let (verdict, text) = if r.late {
        (Verdict::NotMet, format!("Xã đăng ký ngày {}, sau quý I.", date::display(r.registered_on)))
    } else if !missing.is_empty() {
        (Verdict::NotMet, format!("Thiếu {}.", missing.join(", ")))
    } else {
        (
            Verdict::Met,
            format!(
                "Nghị quyết số {} ngày {}; kế hoạch số {}; đăng ký ngày {}.",
                r.resolution_number.as_deref().unwrap_or_default(),
                r.resolution_date.map(date::display).unwrap_or_default(),
                r.plan_number.as_deref().unwrap_or_default(),
                date::display(r.registered_on)
            ),
        )
    };
    mk(label, verdict, None, None, text, Vec::new())
}

fn model_check(models: &[EffectiveModel]) -> Check {
    let n = models.len() as i64;
    let names: Vec<String> = models
        .iter()
        .map(|m| format!("{} (đánh giá hiệu quả ngày {})", m.name, date::display(m.reviewed_on)))
        .collect();
    let (verdict, text) = if n >= 1 {
        (Verdict::Met, format!("{n} mô hình được đánh giá hoạt động hiệu quả trong năm (cần ít nhất 1)."))
    } else {
        (Verdict::NotMet, "Không có mô hình nào được đánh giá hoạt động hiệu quả trong năm (cần ít nhất 1).".into())
    };
    mk("Ít nhất 01 mô hình hoạt động hiệu quả trong năm", verdict, Some(n), Some(1), text, names)
}

fn discipline_check(commune: Option<&Cert>) -> Check {
    let label = "Không có cán bộ Công an xã bị kỷ luật";
    let s = commune.and_then(|c| c.settings.as_ref());
    match s.and_then(|s| s.officer_disciplined) {
        None => mk(
            label,
            Verdict::Unknown,
            None,
            None,
            "Trưởng Công an xã chưa ghi nhận việc có hay không có cán bộ bị kỷ luật trong năm.".into(),
            Vec::new(),
        ),
        Some(true) => {
            let note = s.and_then(|s| s.discipline_note.clone()).map(|n| format!(" ({n})")).unwrap_or_default();
            mk(label, Verdict::NotMet, None, None, format!("Có cán bộ bị kỷ luật trong năm{note}."), Vec::new())
        }
        Some(false) => mk(label, Verdict::Met, None, None, "Không có cán bộ bị kỷ luật trong năm.".into(), Vec::new()),
    }
}

fn units_checks(applicable: &[&Candidate], all: &[Candidate], min_share: f64) -> Vec<Check> {
    let total = applicable.len() as i64;
    let excluded = all.iter().filter(|c| c.excluded).count();
    let excluded_note = if excluded > 0 {
        format!(" Không tính {excluded} đơn vị không thuộc diện xét công nhận.")
    } else {
        String::new()
    };
    let not_registered: Vec<String> =
        applicable.iter().filter(|c| !c.cert.as_ref().is_some_and(Cert::registered)).map(|c| c.name.clone()).collect();
    let late: Vec<String> = applicable
        .iter()
        .filter(|c| c.cert.as_ref().is_some_and(|x| x.registered() && x.registration.as_ref().is_some_and(|r| r.late)))
        .map(|c| c.name.clone())
        .collect();
    let registered = total - not_registered.len() as i64 - late.len() as i64;
    let mut text = format!(
        "{registered}/{total} đơn vị đăng ký trong quý I ({}); cần 100%.",
        crate::text::percent(registered, total)
    );
    if !not_registered.is_empty() {
        text.push_str(&format!(" Chưa đăng ký: {}.", not_registered.len()));
    }
    if !late.is_empty() {
        text.push_str(&format!(" Đăng ký sau quý I: {}.", late.len()));
    }
    text.push_str(&excluded_note);
    let mut names: Vec<String> = not_registered.iter().map(|n| format!("{n} (chưa đăng ký)")).collect();
    names.extend(late.iter().map(|n| format!("{n} (đăng ký sau quý I)")));
    let reg_verdict = if total > 0 && registered == total { Verdict::Met } else { Verdict::NotMet };
    let reg = mk("100% đơn vị đăng ký trong quý I", reg_verdict, Some(registered), Some(total), text, names);

    // Shares compared in thousandths, so that exactly 70% is 70%.
    let per_mille = (min_share * 1000.0).round() as i64;
    let recognised = applicable.iter().filter(|c| c.cert.as_ref().is_some_and(Cert::recognised)).count() as i64;
    let undecided: Vec<String> = applicable
        .iter()
        .filter(|c| c.cert.as_ref().is_none_or(|x| x.decision.is_none()))
        .map(|c| c.name.clone())
        .collect();
    let need = format!("{}", per_mille as f64 / 10.0).replace('.', ",");
    let enough = total > 0 && recognised * 1000 >= per_mille * total;
    let could = total > 0 && (recognised + undecided.len() as i64) * 1000 >= per_mille * total;
    let verdict = if enough {
        Verdict::Met
    } else if could && !undecided.is_empty() {
        Verdict::Unknown
    } else {
        Verdict::NotMet
    };
    let mut text = format!(
        "{recognised}/{total} đơn vị được công nhận ({}); cần ít nhất {need}%.",
        crate::text::percent(recognised, total)
    );
    if !undecided.is_empty() {
        text.push_str(&format!(" Còn {} đơn vị chưa có quyết định.", undecided.len()));
    }
    text.push_str(&excluded_note);
    let names = if verdict == Verdict::Met {
        Vec::new()
    } else {
        undecided.iter().map(|n| format!("{n} (chưa có quyết định)")).collect()
    };
    let rec =
        mk(&format!("Ít nhất {need}% đơn vị được công nhận"), verdict, Some(recognised), Some(total), text, names);
    vec![reg, rec]
}

/// The names of the computed checks of a commune criterion: its data's `rules` list, or its `rule`.
fn rules_of(item: &RefItem) -> Vec<&str> {
    match (item.data.get("rules"), item.data.get("rule")) {
        (Some(Value::Array(a)), _) => a.iter().filter_map(Value::as_str).collect(),
        (_, Some(Value::String(r))) => vec![r.as_str()],
        _ => Vec::new(),
    }
}

fn manual_check(item: &RefItem, commune: Option<&Cert>) -> Check {
    let found =
        commune.and_then(|c| c.assessment.as_ref()).and_then(|a| a.criteria.iter().find(|c| c.code == item.code));
    match found {
        Some(c) => mk(
            "Theo tự đánh giá của xã",
            if c.met { Verdict::Met } else { Verdict::NotMet },
            None,
            None,
            c.note.clone().unwrap_or_else(|| {
                if c.met { "Xã tự đánh giá đạt.".into() } else { "Xã tự đánh giá chưa đạt.".into() }
            }),
            Vec::new(),
        ),
        None => mk(
            "Theo tự đánh giá của xã",
            Verdict::Unknown,
            None,
            None,
            "Xã chưa tự đánh giá tiêu chí này.".into(),
            Vec::new(),
        ),
    }
}

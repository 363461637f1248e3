//! The yearly "An toàn về ANTT" certification as the window and the command line show it: the year
//! overview, a unit's page (its steps done as typed values, its history, the next step's form), the
//! commune's result and the chief's settings. The rules, checks and messages are the domain's
//! (`crate::domain::cert`, `Store::cert_*`). Dates are shown dd/mm/yyyy.

use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::record::{FieldSpec, LinkRef, field_specs};
use crate::date;
use crate::domain::cert::{self, Cert, Period, Step, Verdict, Warning};
use crate::domain::{self, Kind};
use crate::error::Result;
use crate::store::{CertSaved, CertView, Names, Store};

/// Assessment period and deadlines, dd/mm/yyyy.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeriodView {
    pub start: String,
    pub end: String,
    /// The scoring dossier is due at the commune police by this day.
    pub dossier_due: String,
    /// Registration is due by this day (end of the first quarter).
    pub register_by: String,
}

impl From<&Period> for PeriodView {
    fn from(p: &Period) -> PeriodView {
        PeriodView {
            start: date::display(p.start),
            end: date::display(p.end),
            dossier_due: date::display(p.dossier_due),
            register_by: date::display(p.register_by),
        }
    }
}

/// A warning and how pressing it is: `late`, `soon` or `info`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WarningView {
    pub level: String,
    pub message: String,
}

fn warnings(w: &[Warning]) -> Vec<WarningView> {
    w.iter()
        .map(|w| WarningView {
            level: match w.level {
                cert::Level::Late => "late",
                cert::Level::Soon => "soon",
                cert::Level::Info => "info",
            }
            .into(),
            message: w.message.clone(),
        })
        .collect()
}

/// One line of the year overview.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertRow {
    /// The area or unit (None: the commune itself).
    pub subject_id: Option<Uuid>,
    /// `khu_dan_cu`, `co_quan_doanh_nghiep`, `co_so_giao_duc` or `xa`.
    pub subject: String,
    pub subject_label: String,
    pub name: String,
    pub excluded: bool,
    /// The step code (`chua_dang_ky` … `quyet_dinh`) and how it reads.
    pub step: String,
    pub step_label: String,
    pub next_action: Option<String>,
    /// "Bước tiếp: Tự đánh giá, chấm điểm (bước 2/5)", or why there is none.
    pub next_text: String,
    /// How many of its steps are done, of how many (five for a unit, two for the commune, whose
    /// result is then computed).
    pub steps_done: u32,
    pub steps_total: u32,
    pub period: PeriodView,
    /// Đạt / chưa đạt once decided.
    pub recognised: Option<bool>,
    pub warnings: Vec<WarningView>,
}

/// One of a unit's five steps, and how many units of the year have done it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepTally {
    pub code: String,
    /// "1. Đăng ký phấn đấu".
    pub label: String,
    /// Units (subject to certification) that have done this step.
    pub done: u32,
    /// Units whose next step this is.
    pub next: u32,
    /// Units subject to certification.
    pub of: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertOverview {
    pub year: i32,
    /// The current year (the selector's default).
    pub this_year: i32,
    /// dd/mm/yyyy: the day the warnings are computed for.
    pub today: String,
    /// The five steps of a unit, in order, with how far the units are.
    pub steps: Vec<StepTally>,
    pub rows: Vec<CertRow>,
}

/// The steps a subject goes through in the app: five for an area or unit; the commune registers and
/// assesses itself, then its result is computed from its units.
fn steps_of(subject: cert::Subject) -> &'static [Step] {
    const UNIT: [Step; 5] = [Step::DangKy, Step::TuDanhGia, Step::BinhXet, Step::DeNghi, Step::QuyetDinh];
    if subject == cert::Subject::Xa { &UNIT[..2] } else { &UNIT }
}

fn next_text(r: &cert::OverviewRow) -> String {
    let steps = steps_of(r.subject);
    match r.step.next().filter(|_| r.next_action.is_some()) {
        Some(n) => {
            let i = steps.iter().position(|s| *s == n).map_or(0, |i| i + 1);
            format!("Bước tiếp: {} (bước {i}/{})", n.action(), steps.len())
        }
        None if r.excluded => "Không thuộc diện xét công nhận: không có bước nào.".into(),
        None if r.subject == cert::Subject::Xa => "Đã tự đánh giá: xem «Kết quả của xã».".into(),
        None => "Đã xong các bước của năm.".into(),
    }
}

pub fn overview(store: &Store, year: i32, today: chrono::NaiveDate) -> Result<CertOverview> {
    let rows = store.cert_overview(year, today)?;
    let units: Vec<_> = rows.iter().filter(|r| r.subject != cert::Subject::Xa && !r.excluded).collect();
    let steps = steps_of(cert::Subject::KhuDanCu)
        .iter()
        .enumerate()
        .map(|(i, s)| StepTally {
            code: s.code().into(),
            label: format!("{}. {}", i + 1, s.action()),
            done: units.iter().filter(|r| r.step >= *s).count() as u32,
            next: units.iter().filter(|r| r.step.next() == Some(*s)).count() as u32,
            of: units.len() as u32,
        })
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| CertRow {
            next_text: next_text(&r),
            steps_done: steps_of(r.subject).iter().filter(|s| r.step >= **s).count() as u32,
            steps_total: if r.excluded { 0 } else { steps_of(r.subject).len() as u32 },
            subject_id: r.subject_id,
            subject: r.subject.code().into(),
            subject_label: r.subject_label.into(),
            name: r.name,
            excluded: r.excluded,
            step: r.step.code().into(),
            step_label: r.step_label.into(),
            next_action: r.next_action.map(str::to_owned),
            period: (&r.period).into(),
            recognised: r.recognised,
            warnings: warnings(&r.warnings),
        })
        .collect();
    Ok(CertOverview {
        year,
        this_year: crate::store::cert::current_year(today),
        today: date::display(today),
        steps,
        rows,
    })
}

/// A criterion of the year's list for a kind.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CriterionItem {
    pub code: String,
    pub label: String,
    /// False while its content is not confirmed in the reference data.
    pub confirmed: bool,
}

/// A criterion as assessed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CriterionDone {
    pub code: String,
    pub label: String,
    pub met: bool,
    pub note: Option<String>,
    pub evidence: Option<String>,
}

/// One recorded value of a step.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepValue {
    pub label: String,
    pub text: String,
    /// A linked record (the bình xét meeting), to open it.
    pub link: Option<LinkRef>,
}

/// A step that was done: who, when, and its data.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepDone {
    pub step: String,
    /// What the step was ("Đăng ký phấn đấu").
    pub title: String,
    pub by: String,
    /// dd/mm/yyyy HH:MM.
    pub at: String,
    pub values: Vec<StepValue>,
    /// The self-assessment's criteria.
    pub criteria: Vec<CriterionDone>,
}

/// One line of a record's history (steps on, steps back with their reason, settings).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryLine {
    /// `advance`, `revert` or `settings`.
    pub action: String,
    pub text: String,
    pub by: String,
    pub at: String,
    pub reason: Option<String>,
}

/// A unit's (or the commune's) certification for a year, as its page shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertPage {
    pub id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub subject: String,
    pub subject_label: String,
    pub name: String,
    pub excluded: bool,
    pub year: i32,
    pub step: String,
    pub step_label: String,
    /// The next step (None when decided, for an excluded unit, or for the commune after its self-assessment).
    pub next_step: Option<String>,
    pub next_action: Option<String>,
    /// The next step's form.
    pub next_fields: Vec<FieldSpec>,
    /// What the next step's form starts with (a registration: what the area's or unit's register
    /// already holds), so that a field marked required is not shown empty when the core would fill it.
    pub next_values: Value,
    /// Only the chief may do the next step (the proposal, the decision).
    pub next_needs_chief: bool,
    /// A step can be undone (with a reason), and whether that needs the chief.
    pub can_revert: bool,
    pub revert_needs_chief: bool,
    /// The bình xét step: the fields of the meeting recorded with it (the core names it and links it).
    pub meeting_fields: Vec<FieldSpec>,
    /// The criteria of the kind for the year (the self-assessment's list).
    pub criteria: Vec<CriterionItem>,
    pub period: PeriodView,
    /// "trên 50% số phiếu", and whether that rule is confirmed.
    pub rule: String,
    pub rule_confirmed: bool,
    /// Whose rule it is (the Thông tư sets none): [`crate::domain::cert::VoteRule::basis`].
    pub rule_basis: String,
    pub steps: Vec<StepDone>,
    pub history: Vec<HistoryLine>,
    pub warnings: Vec<WarningView>,
}

/// The values of a step's data as its form's fields read them.
fn values_of(d: &Names<'_>, fields: &[domain::Field], data: &Value) -> Vec<StepValue> {
    fields
        .iter()
        .filter_map(|f| {
            let v = data.get(&f.key).filter(|v| !v.is_null())?;
            let link = match (&f.ty, v) {
                (domain::FieldType::Link { kind }, Value::String(s)) => Uuid::parse_str(s).ok().map(|id| (kind, id)),
                _ => None,
            };
            Some(StepValue {
                label: f.label.clone(),
                text: d.value(f, v),
                link: link.map(|(k, id)| LinkRef { kind: *k, id, title: d.value(f, v) }),
            })
        })
        .collect()
}

fn plain(label: &str, text: impl Into<String>) -> StepValue {
    StepValue { label: label.into(), text: text.into(), link: None }
}

/// The steps done, in order, with who did them, when, and the values recorded.
pub fn steps_done(store: &Store, c: &Cert) -> Vec<StepDone> {
    let d = Names::new(store);
    let mut out = Vec::new();
    let mut push =
        |step: Step, stamp: &cert::Stamp, data: Value, extra: Vec<StepValue>, criteria: Vec<CriterionDone>| {
            let mut values = values_of(&d, &cert::step_fields(c.subject, step), &data);
            values.extend(extra);
            out.push(StepDone {
                step: step.code().into(),
                title: step.action().into(),
                by: stamp.by.clone(),
                at: date::display_stamp(&stamp.at),
                values,
                criteria,
            });
        };
    if let Some(r) = &c.registration {
        let extra = if r.late { vec![plain("Đăng ký sau quý I", "Có")] } else { Vec::new() };
        push(Step::DangKy, &r.stamp, serde_json::to_value(r).unwrap_or_default(), extra, Vec::new());
    }
    if let Some(a) = &c.assessment {
        let met = a.criteria.iter().filter(|x| x.met).count();
        let criteria = a
            .criteria
            .iter()
            .map(|x| CriterionDone {
                code: x.code.clone(),
                label: x.label.clone(),
                met: x.met,
                note: x.note.clone(),
                evidence: x.evidence.clone(),
            })
            .collect();
        let extra = vec![plain("Số tiêu chí đạt", format!("{met}/{}", a.criteria.len()))];
        push(Step::TuDanhGia, &a.stamp, serde_json::to_value(a).unwrap_or_default(), extra, criteria);
    }
    if let Some(r) = &c.review {
        let extra = vec![
            plain("Số phiếu tán thành", r.votes_for.to_string()),
            plain("Số phiếu không tán thành", r.votes_against.to_string()),
            plain("Số phiếu không biểu quyết", r.votes_abstain.to_string()),
            plain("Kết quả biểu quyết", r.describe()),
            plain("Tỷ lệ cần có", r.rule.describe()),
            plain("Đạt tỷ lệ", if r.passed { "Đạt" } else { "Chưa đạt" }),
        ];
        push(Step::BinhXet, &r.stamp, serde_json::to_value(r).unwrap_or_default(), extra, Vec::new());
    }
    if let Some(p) = &c.proposal {
        push(Step::DeNghi, &p.stamp, serde_json::to_value(p).unwrap_or_default(), Vec::new(), Vec::new());
    }
    if let Some(x) = &c.decision {
        let mut data = serde_json::to_value(x).unwrap_or_default();
        data["result"] = json!(if x.recognised { "dat" } else { "chua_dat" });
        push(Step::QuyetDinh, &x.stamp, data, Vec::new(), Vec::new());
    }
    out
}

/// The record's history, newest first: steps on, steps back with their reason, settings.
pub fn history(c: &Cert) -> Vec<HistoryLine> {
    c.history
        .iter()
        .rev()
        .map(|h| HistoryLine {
            action: h.action.clone(),
            text: match h.action.as_str() {
                "advance" => format!("Chuyển bước: {}", h.step.action()),
                "revert" => format!("Quay lại bước trước: bỏ «{}»", h.step.action()),
                "settings" => "Thiết lập của xã cho năm".into(),
                other => other.to_owned(),
            },
            by: h.by.clone(),
            at: date::display_stamp(&h.at),
            reason: h.reason.clone(),
        })
        .collect()
}

/// The meeting's fields the bình xét form asks for, in the order of the minutes.
const MEETING_FORM: [&str; 12] = [
    "starts_at",
    "ends_at",
    "place",
    "chair",
    "secretary",
    "attendee_count",
    "votes_for",
    "votes_against",
    "votes_abstain",
    "attendees",
    "agenda",
    "conclusions",
];

pub fn page(store: &Store, v: CertView) -> Result<CertPage> {
    let specs = |fields: &[domain::Field]| field_specs(store, fields);
    // A new meeting is titled, typed and linked to the unit by the core; its vote comes first.
    let meeting_fields: Vec<domain::Field> = if v.next_step == Some(Step::BinhXet) {
        let all = domain::fields(Kind::Meeting);
        MEETING_FORM
            .iter()
            .filter_map(|k| all.iter().find(|f| f.key == *k).cloned())
            // The minutes must give the vote (the step refuses a meeting without it): marked so.
            .map(|f| if cert::REVIEW_VOTES.contains(&f.key.as_str()) { f.required() } else { f })
            .collect()
    } else {
        Vec::new()
    };
    let next_values = match (v.next_step, v.subject_id) {
        (Some(Step::DangKy), Some(id)) => {
            let kind = if v.subject == cert::Subject::KhuDanCu { Kind::Area } else { Kind::Unit };
            Value::Object(cert::registration_defaults(v.subject, &store.get(kind, id)?.data, v.year))
        }
        _ => json!({}),
    };
    let mut next_fields = specs(&v.next_fields)?;
    for f in &mut next_fields {
        if let Some((_, key, value)) = cert::REQUIRED_IF.iter().find(|r| r.0 == f.key) {
            let label = v.next_fields.iter().find(|x| x.key == *key).map_or(String::new(), |x| x.label.to_lowercase());
            let shown =
                v.next_fields.iter().find(|x| x.key == *key).and_then(|x| x.option_label(value)).unwrap_or(value);
            f.required_if = Some(super::record::RequiredIf {
                key: (*key).into(),
                value: (*value).into(),
                text: format!("bắt buộc khi {label} là «{shown}»"),
            });
        }
    }
    Ok(CertPage {
        id: v.id,
        subject_id: v.subject_id,
        subject: v.subject.code().into(),
        subject_label: v.subject_label.into(),
        name: v.name.clone(),
        excluded: v.excluded,
        year: v.year,
        step: v.step.code().into(),
        step_label: v.step_label.into(),
        next_step: v.next_step.map(|s| s.code().into()),
        next_action: v.next_action.map(str::to_owned),
        next_fields,
        next_values,
        next_needs_chief: v.next_step.is_some_and(Step::needs_chief),
        can_revert: v.step.prev().is_some(),
        revert_needs_chief: v.step.needs_chief(),
        meeting_fields: specs(&meeting_fields)?,
        criteria: v
            .criteria
            .iter()
            .map(|c| CriterionItem {
                code: c.code.clone(),
                label: c.label.clone(),
                confirmed: c.data.get("confirmed").and_then(Value::as_bool).unwrap_or(true),
            })
            .collect(),
        period: (&v.period).into(),
        rule: v.rule.describe(),
        rule_confirmed: v.rule.confirmed,
        rule_basis: v.rule.basis().to_owned(),
        steps: steps_done(store, &v.cert),
        history: history(&v.cert),
        warnings: warnings(&v.warnings),
    })
}

/// The result of a step: the record, the step it is now at, and warnings to read.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepSaved {
    pub id: Uuid,
    pub step: String,
    pub step_label: String,
    pub warnings: Vec<String>,
}

impl From<CertSaved> for StepSaved {
    fn from(s: CertSaved) -> StepSaved {
        StepSaved { id: s.id, step: s.step.code().into(), step_label: s.step.label().into(), warnings: s.warnings }
    }
}

/// One check behind a commune criterion, with its counts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckView {
    pub label: String,
    /// `met`, `not_met` or `unknown` (Chưa đủ dữ liệu).
    pub verdict: String,
    pub verdict_label: String,
    pub count: Option<i32>,
    pub of: Option<i32>,
    pub explanation: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CriterionVerdictView {
    pub code: String,
    pub label: String,
    pub confirmed: bool,
    pub verdict: String,
    pub verdict_label: String,
    pub checks: Vec<CheckView>,
}

/// Counts of one kind of unit.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindCountsView {
    pub subject: String,
    pub label: String,
    pub total: i32,
    pub excluded: i32,
    pub registered: i32,
    pub registered_late: i32,
    pub recognised: i32,
    pub not_recognised: i32,
}

/// The chief's settings for the year as recorded, and the form to change them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SettingsView {
    /// The vote rule in force ("trên 50% số phiếu") and whether it is confirmed.
    pub rule: String,
    pub rule_confirmed: bool,
    /// Whose rule it is (the Thông tư sets none).
    pub rule_basis: String,
    /// "Có", "Không", or "Chưa ghi nhận".
    pub officer_disciplined: String,
    pub discipline_note: Option<String>,
    /// Who recorded them last, and when.
    pub by: Option<String>,
    pub at: Option<String>,
    pub fields: Vec<FieldSpec>,
    /// The recorded values, to fill the form.
    pub data: Value,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertResult {
    pub year: i32,
    pub verdict: String,
    pub verdict_label: String,
    pub criteria: Vec<CriterionVerdictView>,
    pub counts: Vec<KindCountsView>,
    pub settings: SettingsView,
}

fn verdict(v: Verdict) -> (String, String) {
    let code = match v {
        Verdict::Met => "met",
        Verdict::NotMet => "not_met",
        Verdict::Unknown => "unknown",
    };
    (code.into(), v.label().into())
}

fn n(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

pub fn result(store: &Store, year: i32) -> Result<CertResult> {
    let r = store.cert_result(year)?;
    let commune = store.cert_view(None, year)?;
    let s = commune.cert.settings.clone().unwrap_or_default();
    let (v, vl) = verdict(r.verdict);
    let fields = cert::settings_fields();
    Ok(CertResult {
        year,
        verdict: v,
        verdict_label: vl,
        criteria: r
            .criteria
            .into_iter()
            .map(|c| {
                let (v, vl) = verdict(c.verdict);
                CriterionVerdictView {
                    code: c.code,
                    label: c.label,
                    confirmed: c.confirmed,
                    verdict: v,
                    verdict_label: vl,
                    checks: c
                        .checks
                        .into_iter()
                        .map(|k| {
                            let (v, vl) = verdict(k.verdict);
                            CheckView {
                                label: k.label,
                                verdict: v,
                                verdict_label: vl,
                                count: k.count.map(n),
                                of: k.of.map(n),
                                explanation: k.explanation,
                                names: k.names,
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        counts: r
            .counts
            .into_iter()
            .map(|k| KindCountsView {
                subject: k.subject.code().into(),
                label: k.label.into(),
                total: n(k.total),
                excluded: n(k.excluded),
                registered: n(k.registered),
                registered_late: n(k.registered_late),
                recognised: n(k.recognised),
                not_recognised: n(k.not_recognised),
            })
            .collect(),
        settings: SettingsView {
            rule: commune.rule.describe(),
            rule_confirmed: commune.rule.confirmed,
            rule_basis: commune.rule.basis().to_owned(),
            officer_disciplined: match s.officer_disciplined {
                Some(true) => "Có",
                Some(false) => "Không",
                None => "Chưa ghi nhận",
            }
            .into(),
            discipline_note: s.discipline_note.clone(),
            by: s.stamp.as_ref().map(|x| x.by.clone()),
            at: s.stamp.as_ref().map(|x| date::display_stamp(&x.at)),
            fields: field_specs(store, &fields)?,
            data: json!({
                "vote_percent": commune.rule.percent,
                "vote_more_than": commune.rule.more_than,
                "officer_disciplined": s.officer_disciplined,
                "discipline_note": s.discipline_note,
            }),
        },
    })
}

//! The certification's dossier ("An toàn về an ninh, trật tự", Thông tư 124/2021/TT-BCA) filled from
//! its records: each form's input struct built from the certification records themselves
//! (`Store::cert_view`, `Store::cert_candidates`, `Store::cert_result`), and the whole dossier of a
//! unit (or of the commune) at its current step. Reads through the store's public API.
//!
//! Numbers and dates come from the records: the tờ trình carries the number recorded at the proposal
//! step (entered once in the register of issued documents, so the register never gives it again),
//! the quyết định and the giấy công nhận the UBND's numbers recorded at the decision step, and each
//! document the date of its step. Only the báo cáo kết quả takes the next number of the register.

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::fill::{self, Filled, PrintRequest, Printed};
use super::forms::{self, Agency, FormSpec};
use crate::domain::cert::{Cert, Review, Step, Subject};
use crate::domain::{DocExt, Kind};
use crate::error::{Error, Result};
use crate::store::{CertView, Store};

/// The forms of a unit's dossier, in the order of its steps, with the step each needs.
pub const UNIT_DOSSIER: &[(&str, Step)] = &[
    ("dang-ky-phan-dau", Step::DangKy),
    ("tu-cham-diem", Step::TuDanhGia),
    ("bien-ban-binh-xet", Step::BinhXet),
    ("to-trinh", Step::DeNghi),
    ("quyet-dinh-cong-nhan", Step::QuyetDinh),
    ("giay-cong-nhan", Step::QuyetDinh),
];

/// Fills a certification form from the records of `req.year` (default: the year of `req.date`):
/// a unit's documents need its id (`req.id`); the tờ trình and the quyết định are the year's only
/// ones, or the one that names the unit `req.id`; the báo cáo covers the whole year.
pub fn fill(store: &Store, spec: &FormSpec, req: &PrintRequest) -> Result<Filled> {
    let year = req.year.unwrap_or_else(|| req.date.year());
    let need_unit = || {
        req.id.ok_or_else(|| {
            Error::field(
                "id",
                "Mã bản ghi",
                format!(
                    "mẫu «{}» cần mã khu dân cư hoặc đơn vị (--id) và năm (--year), hoặc in mẫu trắng (--blank)",
                    spec.name
                ),
            )
        })
    };
    match spec.name {
        "dang-ky-phan-dau" => {
            let id = need_unit()?;
            let (p, date) = pledge(store, id, year)?;
            let name = p.unit.clone();
            Ok(Filled {
                date: Some(date),
                ..Filled::new(Some(id), Box::new(move |a, i| p.document(&unit_agency(a, &name), i)))
            })
        }
        "tu-cham-diem" => {
            let id = need_unit()?;
            let (s, date) = score_sheet(store, id, year)?;
            let name = s.unit.clone();
            Ok(Filled { date, ..Filled::new(Some(id), Box::new(move |a, i| s.document(&unit_agency(a, &name), i))) })
        }
        "bien-ban-binh-xet" => {
            let id = need_unit()?;
            let (m, date) = minutes(store, id, year)?;
            let name = m.unit.clone();
            Ok(Filled { date, ..Filled::new(Some(id), Box::new(move |a, i| m.document(&unit_agency(a, &name), i))) })
        }
        "giay-cong-nhan" => {
            let id = need_unit()?;
            let c = certificate(store, id, year)?;
            let date = c.decision_date;
            Ok(Filled { date, ..Filled::new(Some(id), Box::new(move |a, i| c.document(a, i))) })
        }
        "to-trinh" => {
            let (s, number, date) = submission(store, year, req.id)?;
            Ok(Filled {
                number: Some(number),
                date: Some(date),
                period: Some(year),
                ..Filled::new(None, Box::new(move |a, i| s.document(a, i)))
            })
        }
        "quyet-dinh-cong-nhan" => {
            let (d, number, date) = decision(store, year, req.id)?;
            Ok(Filled {
                number: Some(number),
                date: Some(date),
                ..Filled::new(None, Box::new(move |a, i| d.document(a, i)))
            })
        }
        "bao-cao-ket-qua-cong-nhan" => {
            let r = report(store, year)?;
            Ok(Filled { period: Some(year), ..Filled::new(None, Box::new(move |a, i| r.document(a, i))) })
        }
        other => Err(Error::Refused(format!("Mẫu «{other}» không điền được từ hồ sơ xét công nhận."))),
    }
}

/// The unit as the issuing agency of its own documents (under the commune's People's Committee).
fn unit_agency(a: &Agency, name: &str) -> Agency {
    Agency { issuing: name.to_owned(), short: "hồ sơ xét công nhận".to_owned(), ..a.clone() }
}

/// "Trưởng thôn", "Tổ trưởng tổ dân phố", "Hiệu trưởng", "Thủ trưởng cơ quan", "Giám đốc".
pub fn head_title(store: &Store, id: Uuid) -> Result<String> {
    Ok(head(store, id)?.0)
}

/// The title of the unit's head and the head's name as its record has it.
fn head(store: &Store, id: Uuid) -> Result<(String, Option<String>)> {
    let name = |d: &crate::domain::Doc| d.str_of("head").map(str::to_owned);
    if let Ok(a) = store.get(Kind::Area, id) {
        let kind = a.data.str_of("kind").unwrap_or_default();
        let label = crate::domain::registers::AREA_KINDS.iter().find(|k| k.0 == kind).map_or("khu dân cư", |k| k.1);
        let title = match kind {
            "to_dan_pho" => "Tổ trưởng tổ dân phố".to_owned(),
            _ => format!("Trưởng {}", label.to_lowercase()),
        };
        return Ok((title, name(&a.data)));
    }
    let u = store.get(Kind::Unit, id)?;
    let title = match (u.data.str_of("kind"), u.data.str_of("category")) {
        (_, Some("thcs" | "thpt")) => "Hiệu trưởng",
        (Some("co_so_giao_duc"), _) => "Thủ trưởng cơ sở giáo dục",
        (Some("doanh_nghiep"), _) => "Giám đốc",
        _ => "Thủ trưởng cơ quan",
    };
    Ok((title.to_owned(), name(&u.data)))
}

/// A unit's certification for `year`; refused while it has no record.
fn recorded(store: &Store, id: Uuid, year: i32) -> Result<CertView> {
    let view = store.cert_view(Some(id), year)?;
    if view.id.is_none() {
        return Err(Error::Refused(format!("{} chưa có hồ sơ công nhận năm {year}.", view.name)));
    }
    Ok(view)
}

/// "Thôn 3 chưa có bản đăng ký năm 2025 (hồ sơ đang ở bước «…»)."
fn not_yet(view: &CertView, what: &str) -> Error {
    Error::Refused(format!(
        "{} chưa có {what} năm {} (hồ sơ đang ở bước «{}»).",
        view.name,
        view.year,
        view.cert.step.label()
    ))
}

/// "số 05-NQ/CB ngày 10/01/2026", "số 05-NQ/CB", or empty.
fn numbered(number: Option<&str>, date: Option<NaiveDate>) -> String {
    match (number.map(str::trim).filter(|n| !n.is_empty()), date) {
        (Some(n), Some(d)) => format!("số {n} ngày {}", crate::date::display(d)),
        (Some(n), None) => format!("số {n}"),
        (None, Some(d)) => format!("ngày {}", crate::date::display(d)),
        (None, None) => String::new(),
    }
}

/// Bản đăng ký phấn đấu from the registration step, dated the day of registration.
pub fn pledge(store: &Store, id: Uuid, year: i32) -> Result<(forms::Pledge, NaiveDate)> {
    let v = recorded(store, id, year)?;
    let r = v.cert.registration.as_ref().ok_or_else(|| not_yet(&v, "bản đăng ký"))?;
    let (head_title, head) = head(store, id)?;
    let pledge = forms::Pledge {
        unit: v.name.clone(),
        year: Some(year),
        head_title,
        head: head.unwrap_or_default(),
        commitments: v.criteria.iter().map(|c| c.label.clone()).collect(),
        households: Vec::new(),
        resolution: numbered(r.resolution_number.as_deref(), r.resolution_date),
        plan: numbered(r.plan_number.as_deref(), r.plan_date),
        household_count: r.households,
        households_registered: r.households_registered,
        households_committed: r.households_committed,
        staff: r.staff,
        staff_briefed: r.staff_briefed,
    };
    Ok((pledge, r.registered_on))
}

/// Bảng tự chấm điểm from the self-assessment step, dated the day of assessment.
pub fn score_sheet(store: &Store, id: Uuid, year: i32) -> Result<(forms::SelfScore, Option<NaiveDate>)> {
    let v = recorded(store, id, year)?;
    let a = v.cert.assessment.as_ref().ok_or_else(|| not_yet(&v, "bảng tự chấm điểm"))?;
    let rows = a
        .criteria
        .iter()
        .map(|c| {
            let mut note: Vec<String> = c.note.iter().map(|n| n.trim().trim_end_matches('.').to_owned()).collect();
            if let Some(e) = c.evidence.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                note.push(format!("Minh chứng: {e}"));
            }
            forms::ScoreRow {
                criterion: c.label.clone(),
                result: if c.met { "Đạt" } else { "Chưa đạt" }.to_owned(),
                note: note.join(". "),
            }
        })
        .collect();
    let (head_title, head) = head(store, id)?;
    let sheet = forms::SelfScore {
        unit: v.name.clone(),
        year: Some(year),
        rows,
        head_title,
        head: head.unwrap_or_default(),
        score: Some(a.self_score),
        period: Some((v.period.start, v.period.end)),
    };
    Ok((sheet, a.assessed_on))
}

/// Biên bản bình xét from the bình xét step and its meeting, dated the day of the meeting.
pub fn minutes(store: &Store, id: Uuid, year: i32) -> Result<(forms::ReviewMinutes, Option<NaiveDate>)> {
    let v = recorded(store, id, year)?;
    let review = v.cert.review.as_ref().ok_or_else(|| not_yet(&v, "biên bản bình xét"))?;
    let m = match store.get(Kind::Meeting, review.meeting_id) {
        Ok(m) => m.data,
        Err(Error::NotFound { .. }) => return Err(not_yet(&v, "biên bản bình xét")),
        Err(e) => return Err(e),
    };
    let text = |k: &str| m.str_of(k).unwrap_or_default().to_owned();
    let c = store.commune()?;
    let police = Agency::police(&c.province, &c.commune);
    let starts_at = crate::date::parse_datetime(&text("starts_at")).ok();
    let meeting = forms::MeetingMinutes {
        title: text("title"),
        starts_at,
        ends_at: m.str_of("ends_at").and_then(|t| crate::date::parse_datetime(t).ok()),
        place: text("place"),
        attendees: match m.get("attendees") {
            Some(serde_json::Value::Array(a)) => a.iter().filter_map(|x| x.as_str()).map(str::to_owned).collect(),
            _ => Vec::new(),
        },
        attendee_count: m.int_of("attendee_count"),
        chair: text("chair"),
        secretary: text("secretary"),
        agenda: text("agenda"),
        conclusions: text("conclusions"),
        votes: Some(forms::Votes {
            for_: review.votes_for,
            against: review.votes_against,
            abstain: review.votes_abstain,
        }),
        recipients: vec![
            format!("{} (để tổng hợp)", police.police_name()),
            format!("{} (để báo cáo)", police.committee_name()),
        ],
    };
    let criteria = v
        .cert
        .assessment
        .iter()
        .flat_map(|a| &a.criteria)
        .map(|c| forms::ScoreRow {
            criterion: c.label.clone(),
            result: if c.met { "Đạt" } else { "Chưa đạt" }.to_owned(),
            note: String::new(),
        })
        .collect();
    let doc = forms::ReviewMinutes {
        unit: v.name.clone(),
        year: Some(year),
        meeting,
        criteria,
        rule: review.rule.describe(),
        passed: Some(review.passed),
    };
    Ok((doc, starts_at.map(|t| t.date())))
}

/// Giấy công nhận of a recognised unit.
pub fn certificate(store: &Store, id: Uuid, year: i32) -> Result<forms::Certificate> {
    let v = recorded(store, id, year)?;
    let d = v.cert.decision.as_ref().filter(|d| d.recognised).ok_or_else(|| not_yet(&v, "quyết định công nhận đạt"))?;
    Ok(forms::Certificate {
        unit: v.name.clone(),
        year: Some(year),
        decision: d.number.clone(),
        decision_date: Some(d.date),
        chairman: String::new(),
        number: d.certificate_number.clone().unwrap_or_default(),
    })
}

/// One unit's certification in the commune-wide documents (tờ trình, báo cáo, quyết định).
struct Line {
    id: Uuid,
    cert: Cert,
}

/// The year's units subject to certification, in overview order, each with its record (`with_none`:
/// also those without one, at their first step).
fn lines(store: &Store, year: i32, with_none: bool) -> Result<Vec<Line>> {
    Ok(store
        .cert_candidates(year)?
        .into_iter()
        .filter(|c| !c.excluded)
        .filter_map(|c| match c.cert {
            Some(cert) => Some(Line { id: c.id, cert }),
            None if with_none => Some(Line { id: c.id, cert: Cert::new(year, c.subject, Some(c.id), &c.name) }),
            None => None,
        })
        .collect())
}

/// The tờ trình or quyết định of one number: its date and the units it says yes and no to.
struct Numbered<'a> {
    number: String,
    date: NaiveDate,
    yes: Vec<&'a Line>,
    no: Vec<&'a Line>,
}

impl Numbered<'_> {
    fn names(&self, unit: Option<Uuid>) -> bool {
        self.yes.iter().chain(&self.no).any(|l| Some(l.id) == unit)
    }
}

/// The lines grouped by the number `of` reads from each record (number, date, yes or no), in the
/// order the numbers first appear.
fn by_number<'a>(lines: &'a [Line], of: impl Fn(&Cert) -> Option<(&str, NaiveDate, bool)>) -> Vec<Numbered<'a>> {
    let mut out: Vec<Numbered<'a>> = Vec::new();
    for line in lines {
        let Some((number, date, yes)) = of(&line.cert) else { continue };
        let i = match out.iter().position(|n| n.number == number) {
            Some(i) => i,
            None => {
                out.push(Numbered { number: number.to_owned(), date, yes: Vec::new(), no: Vec::new() });
                out.len() - 1
            }
        };
        if yes { out[i].yes.push(line) } else { out[i].no.push(line) }
    }
    out
}

fn submissions(lines: &[Line]) -> Vec<Numbered<'_>> {
    by_number(lines, |c| c.proposal.as_ref().map(|p| (p.number.as_str(), p.date, p.recommend)))
}

fn decisions(lines: &[Line]) -> Vec<Numbered<'_>> {
    by_number(lines, |c| c.decision.as_ref().map(|d| (d.number.as_str(), d.date, d.recognised)))
}

/// "25/30 (83,3%)": the votes of the bình xét, if held.
fn votes_cell(c: &Cert) -> String {
    c.review.as_ref().map(|r| Review::describe(r).replace(" phiếu tán thành", "")).unwrap_or_default()
}

/// One of the year's documents grouped by number: the one naming `unit`, or the only one.
fn choose<'a, T>(
    docs: &'a [T],
    unit: Option<Uuid>,
    what: &str,
    year: i32,
    number: impl Fn(&T) -> &str,
    names: impl Fn(&T) -> bool,
) -> Result<&'a T> {
    if let Some(u) = unit {
        return docs
            .iter()
            .find(|d| names(d))
            .ok_or_else(|| Error::Refused(format!("Đơn vị có mã {u} không có trong {what} nào năm {year}.")));
    }
    match docs {
        [] => Err(Error::Refused(format!("Năm {year} chưa có {what} nào trong hồ sơ xét công nhận."))),
        [one] => Ok(one),
        many => {
            let numbers: Vec<&str> = many.iter().map(&number).collect();
            Err(Error::Refused(format!(
                "Năm {year} có {} {what} ({}); hãy chọn bằng --id MÃ của một đơn vị có trong văn bản cần in.",
                many.len(),
                numbers.join(", ")
            )))
        }
    }
}

/// How many units registered in `year` (in the first quarter or after).
fn registered(store: &Store, year: i32) -> Result<i64> {
    Ok(store.cert_result(year)?.counts.iter().map(|k| k.registered + k.registered_late).sum())
}

/// The tờ trình of `year` naming `unit` (or the only one), with its recorded number and date.
pub fn submission(store: &Store, year: i32, unit: Option<Uuid>) -> Result<(forms::Submission, String, NaiveDate)> {
    let lines = lines(store, year, false)?;
    let all = submissions(&lines);
    let s = choose(&all, unit, "tờ trình đề nghị công nhận", year, |s| &s.number, |s| s.names(unit))?;
    let doc = forms::Submission {
        year: Some(year),
        registered: Some(registered(store, year)?),
        units: s
            .yes
            .iter()
            .map(|l| forms::SubmittedUnit {
                name: l.cert.name.clone(),
                kind: l.cert.subject.label().to_owned(),
                votes: votes_cell(&l.cert),
            })
            .collect(),
        not_recommended: s
            .no
            .iter()
            .map(|l| {
                let votes = l.cert.review.as_ref().map(Review::describe);
                format!("{}: {}", l.cert.name, votes.as_deref().unwrap_or("chưa bình xét"))
            })
            .collect(),
    };
    Ok((doc, s.number.clone(), s.date))
}

/// The quyết định công nhận of `year` naming `unit` (or the only one), with its number and date.
pub fn decision(
    store: &Store,
    year: i32,
    unit: Option<Uuid>,
) -> Result<(forms::RecognitionDecision, String, NaiveDate)> {
    let lines = lines(store, year, false)?;
    let all = decisions(&lines);
    let d = choose(&all, unit, "quyết định công nhận", year, |d| &d.number, |d| d.names(unit))?;
    if d.yes.is_empty() {
        return Err(Error::Refused(format!(
            "Quyết định số {} năm {year} không công nhận đơn vị nào: không có quyết định công nhận để in.",
            d.number
        )));
    }
    // The tờ trình it answers: the one that proposed its units.
    let ids: Vec<Uuid> = d.yes.iter().map(|l| l.id).collect();
    let mut answered: Vec<String> = submissions(&lines)
        .iter()
        .filter(|s| s.yes.iter().any(|l| ids.contains(&l.id)))
        .map(|s| format!("{} {}", s.number, super::date_words(s.date)))
        .collect();
    answered.dedup();
    let doc = forms::RecognitionDecision {
        year: Some(year),
        units: d.yes.iter().map(|l| l.cert.name.clone()).collect(),
        submission: answered.join(", "),
        chairman: String::new(),
    };
    Ok((doc, d.number.clone(), d.date))
}

/// The unit's state as the report's last column reads it.
fn result_cell(c: &Cert) -> String {
    let decision = c.decision.as_ref();
    let mut s = match (decision.map(|d| d.recognised), decision.map(|d| &d.number)) {
        (Some(true), Some(n)) => format!("Được công nhận\n({n})"),
        (Some(false), Some(n)) => format!("Chưa đạt\n({n})"),
        _ => c.step.label().to_owned(),
    };
    if c.registration.as_ref().is_some_and(|r| r.late) {
        s.push_str("\n(đăng ký sau quý I)");
    }
    s
}

/// The certification's báo cáo kết quả of `year`: counts by kind, every unit, the commune's result.
pub fn report(store: &Store, year: i32) -> Result<forms::CertReport> {
    let result = store.cert_result(year)?;
    Ok(forms::CertReport {
        year: Some(year),
        kinds: result
            .counts
            .iter()
            .filter(|k| k.subject != Subject::Xa)
            .map(|k| forms::KindRow {
                label: k.label.to_owned(),
                total: k.total,
                registered: k.registered,
                registered_late: k.registered_late,
                recognised: k.recognised,
                not_recognised: k.not_recognised,
            })
            .collect(),
        units: lines(store, year, true)?
            .iter()
            .map(|l| forms::ReportUnit {
                name: l.cert.name.clone(),
                kind: l.cert.subject.label().to_owned(),
                criteria: l
                    .cert
                    .assessment
                    .as_ref()
                    .map(|a| format!("{}/{}", a.criteria.iter().filter(|x| x.met).count(), a.criteria.len()))
                    .unwrap_or_default(),
                votes: votes_cell(&l.cert),
                result: result_cell(&l.cert),
            })
            .collect(),
        criteria: result
            .criteria
            .iter()
            .map(|c| forms::CommuneCriterion {
                label: c.label.clone(),
                verdict: c.verdict.label().to_owned(),
                checks: c.checks.iter().map(|k| k.explanation.clone()).collect(),
            })
            .collect(),
        verdict: result.verdict.label().to_owned(),
    })
}

/// One printed document of a dossier and the file name it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierFile {
    /// "01-dang-ky-phan-dau.pdf".
    pub file: String,
    pub printed: Printed,
}

/// A dossier as printed: its documents, and what its step has not reached (Vietnamese, one line each).
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    pub name: String,
    pub year: i32,
    pub step_label: &'static str,
    pub files: Vec<DossierFile>,
    pub missing: Vec<String>,
}

/// Prints every document of the dossier of `unit` (None: the commune's documents: the báo cáo kết
/// quả, every tờ trình and quyết định of the year) available at its current step. `date` dates the
/// documents that are dated when printed (the báo cáo). A unit that has not registered is refused.
pub fn dossier(store: &mut Store, unit: Option<Uuid>, year: i32, date: NaiveDate) -> Result<Dossier> {
    let view = store.cert_view(unit, year)?;
    let req = |form: &str, id: Option<Uuid>| PrintRequest {
        form: form.to_owned(),
        id,
        year: Some(year),
        date,
        ..PrintRequest::default()
    };
    let mut files = Vec::new();
    let mut missing = Vec::new();
    let Some(id) = unit else {
        let mut n = 0;
        let mut put = |store: &mut Store, form: &str, id: Option<Uuid>, suffix: String| -> Result<()> {
            n += 1;
            let printed = fill::print(store, &req(form, id))?;
            files.push(DossierFile { file: format!("{n:02}-{form}{suffix}.pdf"), printed });
            Ok(())
        };
        put(store, "bao-cao-ket-qua-cong-nhan", None, String::new())?;
        let lines = lines(store, year, false)?;
        let subs = submissions(&lines);
        let decs = decisions(&lines);
        if subs.is_empty() {
            missing.push(format!("Tờ trình đề nghị công nhận: năm {year} chưa có đơn vị nào được đề nghị."));
        }
        if !decs.iter().any(|d| !d.yes.is_empty()) {
            missing.push(format!("Quyết định công nhận: năm {year} chưa có đơn vị nào được công nhận."));
        }
        let many = |k: usize| k > 1;
        for s in &subs {
            let first = s.yes.iter().chain(&s.no).map(|l| l.id).next();
            let suffix = if many(subs.len()) { format!("-{}", file_part(&s.number)) } else { String::new() };
            put(store, "to-trinh", first, suffix)?;
        }
        let decs: Vec<_> = decs.into_iter().filter(|d| !d.yes.is_empty()).collect();
        for d in &decs {
            let first = d.yes.first().map(|l| l.id);
            let suffix = if many(decs.len()) { format!("-{}", file_part(&d.number)) } else { String::new() };
            put(store, "quyet-dinh-cong-nhan", first, suffix)?;
        }
        return Ok(Dossier { name: view.name, year, step_label: view.step_label, files, missing });
    };
    if view.excluded {
        return Err(Error::Refused(format!(
            "{} không thuộc diện xét công nhận “An toàn về an ninh, trật tự”: không có hồ sơ để in.",
            view.name
        )));
    }
    if view.step == Step::ChuaDangKy {
        return Err(Error::Refused(format!(
            "{} chưa đăng ký phấn đấu “An toàn về an ninh, trật tự” năm {year}: hồ sơ chưa có văn bản nào để in.",
            view.name
        )));
    }
    let recognised = view.cert.decision.as_ref().map(|d| d.recognised);
    for (i, (form, step)) in UNIT_DOSSIER.iter().enumerate() {
        let spec = fill::form(form)?;
        let title = spec.title.split(" “").next().unwrap_or(spec.title);
        if view.step < *step {
            missing.push(format!("{title}: chưa có, hồ sơ đang ở bước «{}».", view.step_label));
            continue;
        }
        if recognised == Some(false) && matches!(*form, "giay-cong-nhan" | "quyet-dinh-cong-nhan") {
            missing.push(format!("{title}: không có, vì {} không được công nhận.", view.name));
            continue;
        }
        let printed = fill::print(store, &req(form, Some(id)))?;
        files.push(DossierFile { file: format!("{:02}-{form}.pdf", i + 1), printed });
    }
    Ok(Dossier { name: view.name, year, step_label: view.step_label, files, missing })
}

/// "37" from "37/TTr-CAX": the number, for a file name.
fn file_part(number: &str) -> String {
    let n: String = number.split('/').next().unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).collect();
    if n.is_empty() { "x".to_owned() } else { n }
}

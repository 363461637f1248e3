//! Forms filled from the store, numbered from its register, and rendered: what `phongtrao print`
//! and the window's "In" call. Reads through the store's public API only (no SQL here).

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::forms::{self, Agency, FormSpec, Issue, Issuer, MeetingMinutes, Source, Votes};
use super::model::Document;
use crate::domain::cert::Subject;
use crate::domain::{DocExt, Kind, Record};
use crate::error::{Error, Result};
use crate::store::{DocTarget, IssuedDoc, Store};

/// How a filled form of the commune police is numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Numbering {
    /// A record's (or a year's) document printed again keeps its number and date; its first print
    /// takes the next number of the register.
    #[default]
    Keep,
    /// A new document: the next number, even when the record's document has one already.
    New,
    /// This entry of the register, printed again under its number and date.
    Reprint(Uuid),
    /// Only shown: no number taken, nothing recorded. Bears the number a `Keep` print would keep, or
    /// "Số: ……/BB-CAX" when the number will be given on saving.
    Preview,
}

/// What to print.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrintRequest {
    /// The form's name (see [`forms::FORMS`]).
    pub form: String,
    /// The record to fill it from (meeting, activity, team).
    pub id: Option<Uuid>,
    /// The year of a yearly report (default: the year of `date`).
    pub year: Option<i32>,
    /// The key of the key-registration form.
    pub key: Option<forms::KeyInput>,
    /// Print the blank form for handwriting: no record, no number.
    pub blank: bool,
    /// The date of issue (the place-date line and the year of the number) of a new document.
    pub date: NaiveDate,
    /// Keep the record's number, take a new one, reprint an entry of the register, or only preview.
    pub numbering: Numbering,
}

impl PrintRequest {
    /// Printing again the register's entry `doc` (its form, record or year), under its number.
    pub fn reprint(doc: &IssuedDoc, date: NaiveDate) -> Self {
        PrintRequest {
            form: doc.form.clone(),
            id: doc.record_id,
            year: doc.period,
            date,
            numbering: Numbering::Reprint(doc.id),
            ..PrintRequest::default()
        }
    }
}

/// A printed form.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub form: &'static FormSpec,
    pub pdf: Vec<u8>,
    /// The register's entry, when the document bears a number of the register (in a preview: the
    /// entry whose number it keeps).
    pub issued: Option<IssuedDoc>,
    /// The number printed on it ("01/BB-CAX"); `None` for a form without one, a blank form, and a
    /// preview whose number is given on saving.
    pub number: Option<String>,
    /// The document was printed before and keeps its number (in a preview: will keep it).
    pub reprint: bool,
    /// Only a preview: nothing was taken or recorded.
    pub preview: bool,
}

impl Printed {
    fn plain(form: &'static FormSpec, pdf: Vec<u8>, preview: bool) -> Self {
        Printed { form, pdf, issued: None, number: None, reprint: false, preview }
    }

    fn numbered(form: &'static FormSpec, pdf: Vec<u8>, issued: IssuedDoc, reprint: bool, preview: bool) -> Self {
        Printed { form, pdf, number: Some(issued.number_text()), issued: Some(issued), reprint, preview }
    }
}

/// Looks a form up by name, with a Vietnamese message naming the list command.
pub fn form(name: &str) -> Result<&'static FormSpec> {
    forms::find(name).ok_or_else(|| {
        Error::Refused(format!("Không có mẫu in «{}». Xem các mẫu: phongtrao print --list", name.trim()))
    })
}

/// The agency that issues `spec`, from the store's commune.
pub fn agency(store: &Store, spec: &FormSpec) -> Result<Agency> {
    let c = store.commune()?;
    Ok(match spec.issuer {
        Issuer::Police => Agency { chief: c.officer.clone(), ..Agency::police(&c.province, &c.commune) },
        Issuer::Committee => Agency::committee(&c.commune),
        Issuer::Unit => Agency::unit(&c.commune, ""),
    })
}

/// Fills, numbers (in the store's register) and renders a form. A blank form takes no number and
/// records nothing, nor does a preview. A filled form of the commune police keeps the number of the
/// record's document already issued (a reprint, under its number and date) or, the first time and
/// when a new document is asked for, takes the next number of its series and year in the
/// transaction that records it; if rendering fails, nothing is taken.
pub fn print(store: &mut Store, req: &PrintRequest) -> Result<Printed> {
    let spec = form(&req.form)?;
    let agency = agency(store, spec)?;
    let preview = req.numbering == Numbering::Preview;
    if req.blank {
        let issue = Issue { number: spec.blank_number(&agency), date: None };
        let doc = blank_document(store, spec, &agency, &issue)?;
        return Ok(Printed::plain(spec, super::render(&doc)?, preview));
    }
    let filled = fill(store, spec, req)?;
    let date = filled.date.unwrap_or(req.date);
    let render = |number: Option<String>, date: NaiveDate| -> Result<Vec<u8>> {
        Ok(super::render(&(filled.build)(&agency, &Issue { number, date: Some(date) }))?)
    };
    let series = spec.series(&agency);
    if !preview && (filled.number.is_some() || series.is_some()) {
        // Giving or recording a number writes the register: not for a read-only account.
        store.require(crate::Role::Officer, "in văn bản có số (cấp số trong sổ văn bản)")?;
    }
    if let Some(number) = filled.number.clone() {
        // A number recorded with the certification (tờ trình, quyết định): printed as recorded; a
        // police number of the form's own series is entered in the register (once).
        if req.numbering == Numbering::New {
            return Err(Error::Refused(format!(
                "«{}» mang số {number} đã ghi trong hồ sơ; muốn số khác, hãy sửa số ở bước đã ghi số đó.",
                spec.title
            )));
        }
        let given = series.as_ref().and_then(|series| parse_number(&number, series).map(|n| (series.clone(), n)));
        return match given {
            Some((series, n)) if !preview => {
                let target =
                    DocTarget { form: spec.name, series: &series, date, record: filled.record, period: filled.period };
                let (issued, pdf) = store.register_document(&target, n, |_| render(Some(number.clone()), date))?;
                Ok(Printed::numbered(spec, pdf, issued, false, false))
            }
            _ => Ok(Printed {
                number: Some(number.clone()),
                ..Printed::plain(spec, render(Some(number), date)?, preview)
            }),
        };
    }
    let Some(series) = series else {
        return Ok(Printed::plain(spec, render(spec.blank_number(&agency), date)?, preview));
    };
    let target = DocTarget { form: spec.name, series: &series, date, record: filled.record, period: filled.period };
    let again = |d: &IssuedDoc| render(Some(d.number_text()), d.issued_on);
    match req.numbering {
        Numbering::Preview => match store.issued_for(spec.name, filled.record, filled.period)? {
            Some(old) => {
                let pdf = again(&old)?;
                Ok(Printed::numbered(spec, pdf, old, true, true))
            }
            None => Ok(Printed::plain(spec, render(spec.blank_number(&agency), date)?, true)),
        },
        Numbering::Keep => {
            let (issued, pdf, reprint) = store.reprint_or_issue(&target, again)?;
            Ok(Printed::numbered(spec, pdf, issued, reprint, false))
        }
        Numbering::New => {
            let (issued, pdf) = store.issue_document(&target, again)?;
            Ok(Printed::numbered(spec, pdf, issued, false, false))
        }
        Numbering::Reprint(id) => {
            let old = store.issued_document(id)?;
            if old.form != spec.name || old.record_id != filled.record || old.period != filled.period {
                return Err(Error::Refused(format!(
                    "Văn bản số {} trong sổ là mẫu «{}» của bản ghi khác; hãy in lại từ sổ văn bản.",
                    old.number_text(),
                    old.form
                )));
            }
            let pdf = again(&old)?;
            Ok(Printed::numbered(spec, pdf, old, true, false))
        }
    }
}

/// 12 from "12/TTr-CAX" when the symbol is `series` (spaces and a leading 0 allowed).
fn parse_number(text: &str, series: &str) -> Option<u32> {
    let (n, s) = text.split_once('/')?;
    let n: u32 = n.trim().parse().ok()?;
    (n > 0 && s.trim() == series).then_some(n)
}

/// Builds a document once the agency and the issue (number, date) are known.
pub type Build = Box<dyn Fn(&Agency, &Issue) -> Document>;

/// A form's input, filled and ready to build once the number is known.
pub struct Filled {
    /// The record it comes from.
    pub record: Option<Uuid>,
    /// Builds the document with the agency and the issue (number, date).
    pub build: Build,
    /// The number the record gives the document ("12/TTr-CAX", "215/QĐ-UBND"), printed instead of
    /// a number from the register.
    pub number: Option<String>,
    /// The date the record gives the document (a step's date), instead of the date of printing.
    pub date: Option<NaiveDate>,
    /// The year the document covers when it is about a year, not a record (yearly reports): with
    /// the form, what a reprint finds its number by.
    pub period: Option<i32>,
}

impl Filled {
    /// A document numbered and dated at printing.
    pub fn new(record: Option<Uuid>, build: Build) -> Self {
        Filled { record, build, number: None, date: None, period: None }
    }
}

/// Reads what `spec` needs from the store (checking the record and its kind).
pub fn fill(store: &Store, spec: &FormSpec, req: &PrintRequest) -> Result<Filled> {
    let need_id = || {
        req.id.ok_or_else(|| {
            Error::field(
                "id",
                "Mã bản ghi",
                format!("mẫu «{}» cần mã bản ghi (--id), hoặc in mẫu trắng (--blank)", spec.name),
            )
        })
    };
    match spec.source {
        Source::Meeting => {
            let id = need_id()?;
            let m = meeting_minutes(store, id)?;
            Ok(Filled::new(Some(id), Box::new(move |a, i| m.document(a, i))))
        }
        Source::Key => {
            let key = req.key.clone().ok_or_else(|| {
                Error::field(
                    "key_file",
                    "Tệp khóa công khai",
                    "mẫu «dang-ky-khoa» cần tệp khóa (--key-file TỆP.pub), hoặc in mẫu trắng (--blank)",
                )
            })?;
            let c = store.commune()?;
            let k = forms::KeyRegistration {
                commune: c.commune.clone(),
                commune_code: c.commune_code.clone(),
                province: c.province.clone(),
                installation_id: c.installation_id.to_string(),
                officer: c.officer.clone(),
                replaces: store.key_replaced_by(&key.key_id)?.unwrap_or_default(),
                key,
            };
            Ok(Filled::new(None, Box::new(move |a, i| k.document(a, i))))
        }
        Source::Certification => super::fill_cert::fill(store, spec, req),
        Source::Activity(categories) => {
            let id = need_id()?;
            let r = store.get(Kind::Activity, id)?;
            let category = r.data.str_of("category").unwrap_or_default().to_owned();
            if !categories.contains(&category.as_str()) {
                let labels = store.ref_items("activity_category")?;
                let label =
                    |code: &str| labels.iter().find(|i| i.code == code).map_or(code.to_owned(), |i| i.label.clone());
                let wanted: Vec<String> = categories.iter().map(|c| label(c)).collect();
                return Err(Error::Refused(format!(
                    "Hoạt động «{}» thuộc loại «{}»; mẫu «{}» chỉ dùng cho: {}.",
                    r.title,
                    label(&category),
                    spec.name,
                    wanted.join(", ")
                )));
            }
            let build: Build = match spec.name {
                "ke-hoach" => {
                    let e = event(store, &r)?;
                    Box::new(move |a, i| e.document(a, i))
                }
                "giay-moi" => {
                    let inv = forms::Invitation { event: event(store, &r)?, ..forms::Invitation::default() };
                    Box::new(move |a, i| inv.document(a, i))
                }
                _ => {
                    let w = receipt(store, &r)?;
                    Box::new(move |a, i| w.document(a, i))
                }
            };
            Ok(Filled::new(Some(id), build))
        }
        Source::Team => {
            let id = need_id()?;
            let t = team_decision(store, id)?;
            Ok(Filled::new(Some(id), Box::new(move |a, i| t.document(a, i))))
        }
        Source::Inspection => super::fill_inspection::fill(store, spec, need_id()?),
        Source::Remedies => super::fill_inspection::table(store, req.id),
        Source::Plan => {
            let id = need_id()?;
            let p = year_plan(store, id)?;
            Ok(Filled::new(Some(id), Box::new(move |a, i| p.document(a, i))))
        }
        Source::Year => {
            let year = req.year.unwrap_or_else(|| req.date.year());
            let r = year_report(store, year)?;
            Ok(Filled { period: Some(year), ..Filled::new(None, Box::new(move |a, i| r.document(a, i))) })
        }
    }
}

/// The blank form.
pub fn blank_document(store: &Store, spec: &FormSpec, agency: &Agency, issue: &Issue) -> Result<Document> {
    let labels =
        |list: &str| -> Result<Vec<String>> { Ok(store.ref_items(list)?.into_iter().map(|i| i.label).collect()) };
    Ok(match spec.name {
        "bien-ban-hop" => MeetingMinutes::blank().document(agency, issue),
        "ke-hoach" => forms::EventPlan::blank(forms::EventKind::Propaganda).document(agency, issue),
        "giay-moi" => forms::Invitation::blank(forms::EventKind::Propaganda).document(agency, issue),
        "bien-ban-tiep-nhan" => forms::WeaponReceipt::blank().document(agency, issue),
        "quyet-dinh-thanh-lap-to" => forms::TeamDecision::blank().document(agency, issue),
        "ke-hoach-nam" => forms::YearPlan::blank(&labels("report_indicator")?).document(agency, issue),
        "bao-cao-ket-qua" => forms::YearReport::blank(
            &labels("report_indicator")?,
            &labels("activity_category")?,
            &labels("model_kind")?,
        )
        .document(agency, issue),
        "dang-ky-khoa" => forms::KeyRegistration::blank().document(agency, issue),
        "dang-ky-phan-dau" => forms::Pledge::blank(labels("criteria_khu_dan_cu")?).document(agency, issue),
        "tu-cham-diem" => forms::SelfScore::blank(labels("criteria_khu_dan_cu")?).document(agency, issue),
        "bien-ban-binh-xet" => forms::ReviewMinutes::blank(labels("criteria_khu_dan_cu")?).document(agency, issue),
        "to-trinh" => forms::Submission::blank().document(agency, issue),
        "bao-cao-ket-qua-cong-nhan" => {
            let kinds = [Subject::KhuDanCu, Subject::CoQuanDoanhNghiep, Subject::CoSoGiaoDuc].map(Subject::label);
            forms::CertReport::blank(&kinds, labels("criteria_xa")?).document(agency, issue)
        }
        "quyet-dinh-cong-nhan" => forms::RecognitionDecision::blank().document(agency, issue),
        "giay-cong-nhan" => forms::Certificate::blank().document(agency, issue),
        "bien-ban-kiem-tra" => forms::InspectionReport::blank().minutes(agency, issue),
        "thong-bao-ket-luan-kiem-tra" => forms::InspectionReport::blank().conclusion_notice(agency, issue),
        "danh-sach-khac-phuc" => forms::RemedyTable::blank().document(agency, issue),
        other => return Err(Error::Refused(format!("Mẫu «{other}» chưa có mẫu trắng."))),
    })
}

/// The displayed value of a field (option labels, dd/mm/yyyy), empty when unset.
fn shown(store: &Store, r: &Record, key: &str) -> Result<String> {
    let fields = store.fields_for(r.kind, &r.data)?;
    let Some(f) = fields.iter().find(|f| f.key == key) else { return Ok(String::new()) };
    Ok(store.describe(r)?.into_iter().find(|(l, _)| *l == f.label).map(|(_, v)| v).unwrap_or_default())
}

fn text(r: &Record, key: &str) -> String {
    r.data.str_of(key).unwrap_or_default().to_owned()
}

/// An activity as a plan or an invitation shows it.
pub fn event(store: &Store, r: &Record) -> Result<forms::EventPlan> {
    let festival = r.data.str_of("category") == Some("ngay_hoi");
    Ok(forms::EventPlan {
        kind: if festival { forms::EventKind::Festival } else { forms::EventKind::Propaganda },
        title: text(r, "title"),
        date: r.data.date_of("date"),
        end_date: r.data.date_of("end_date"),
        place: text(r, "place"),
        topic: text(r, "topic"),
        form: shown(store, r, "form")?,
        audience: text(r, "audience"),
        expected: r.data.int_of(if festival { "participants" } else { "attendances" }),
        sites: r.data.int_of("sites"),
        gifts: r.data.int_of("gifts"),
        awards: text(r, "awards"),
        notes: text(r, "notes"),
    })
}

/// A weapons hand-in as its receipt minutes show it.
pub fn receipt(store: &Store, r: &Record) -> Result<forms::WeaponReceipt> {
    Ok(forms::WeaponReceipt {
        date: r.data.date_of("date"),
        place: text(r, "place"),
        giver: text(r, "giver"),
        receiver: store.commune()?.officer.clone(),
        items: vec![forms::ReceivedItem {
            name: text(r, "item"),
            kind: shown(store, r, "item_type")?,
            measure: text(r, "measure"),
            quantity: r.data.int_of("quantity"),
            condition: String::new(),
        }],
        notes: text(r, "notes"),
    })
}

/// A team and its members, leaders first, as the decision lists them.
pub fn team_decision(store: &Store, id: Uuid) -> Result<forms::TeamDecision> {
    let team = store.get(Kind::Team, id)?;
    let areas =
        team.data.ids_of("area_ids").iter().filter_map(|a| store.get(Kind::Area, *a).ok().map(|r| r.title)).collect();
    let q = crate::store::ListQuery {
        filters: vec![crate::store::Filter {
            field: "team_id".into(),
            op: crate::store::Op::Eq,
            value: id.to_string(),
        }],
        ..Default::default()
    };
    let mut members = Vec::new();
    for m in store.list(Kind::Member, &q)?.records {
        let rank = match m.data.str_of("role") {
            Some("to_truong") => 0,
            Some("to_pho") => 1,
            _ => 2,
        };
        members.push((
            rank,
            forms::TeamMember {
                name: text(&m, "full_name"),
                born: m.data.date_of("date_of_birth"),
                residence: text(&m, "residence"),
                role: shown(store, &m, "role")?,
            },
        ));
    }
    members.sort_by_key(|(rank, _)| *rank);
    Ok(forms::TeamDecision {
        team: team.title.clone(),
        areas,
        members: members.into_iter().map(|(_, m)| m).collect(),
        chairman: String::new(),
    })
}

/// A plan record as the Kế hoạch shows it: every indicator of the report's list, with the plan's
/// target where it sets one.
pub fn year_plan(store: &Store, id: Uuid) -> Result<forms::YearPlan> {
    let r = store.get(Kind::Plan, id)?;
    let d = &r.data;
    let targets = store
        .ref_items("report_indicator")?
        .into_iter()
        .map(|i| {
            let percent = i.data.get("percent").and_then(|v| v.as_bool()) == Some(true);
            let value = d
                .int_of(&format!("{}{}", crate::domain::registers::TARGET_PREFIX, i.code))
                .map_or_else(String::new, |v| if percent { format!("{v}%") } else { crate::text::format_int(v) });
            forms::PlanTarget { label: i.label, value }
        })
        .collect();
    Ok(forms::YearPlan {
        year: d.int_of("year").and_then(|y| i32::try_from(y).ok()),
        goals: text(&r, "goals"),
        tasks: text(&r, "tasks"),
        targets,
        signer: text(&r, "signer"),
    })
}

/// The year's report from the store: the indicators of the year's reporting window with their
/// targets ([`crate::figures`], [`crate::steer`]), activities dated in `year` by quarter, models by
/// kind and status.
pub fn year_report(store: &Store, year: i32) -> Result<forms::YearReport> {
    use crate::store::{Filter, ListQuery, Op};
    let in_year = |field: &str| ListQuery {
        filters: vec![
            Filter { field: field.into(), op: Op::Ge, value: format!("{year}-01-01") },
            Filter { field: field.into(), op: Op::Le, value: format!("{year}-12-31") },
        ],
        ..ListQuery::default()
    };
    let acts = store.list(Kind::Activity, &in_year("date"))?.records;
    fn category<'a>(acts: &'a [Record], c: &'a str) -> impl Iterator<Item = &'a Record> + Clone + 'a {
        acts.iter().filter(move |r| r.data.str_of("category") == Some(c))
    }
    // The indicators as the figures compute them for the year's reporting window (the one
    // computation the dashboard and the province use), with the year's targets beside them.
    let period = crate::period::Period::year(year);
    let window = crate::period::Rules::from_items(&store.ref_items(crate::period::LIST)?).window(period);
    let computed = crate::figures::of_store(store, period)?;
    let (_, _, targets) = crate::steer::targets(store, year)?;
    let today = chrono::Local::now().date_naive().min(window.end);
    let progress = crate::steer::progress(&computed, &targets, &window, today);
    let figures = computed
        .indicators
        .iter()
        .map(|i| forms::Figure {
            label: i.label.clone(),
            value: Some(i.value),
            of: i.of,
            target: progress.iter().find(|p| p.code == i.code).map(|p| (p.target_text(), p.pace.label().to_owned())),
        })
        .collect();
    let quarters = store
        .ref_items("activity_category")?
        .into_iter()
        .map(|c| {
            let mut q = [0i64; 4];
            for r in category(&acts, &c.code) {
                if let Some(d) = r.data.date_of("date") {
                    q[(d.month0() / 3) as usize] += 1;
                }
            }
            forms::QuarterRow { label: c.label, quarters: q }
        })
        .collect();
    let year_end = format!("{year}-12-31");
    let models = store.list(Kind::Model, &ListQuery::default())?.records;
    let models = store
        .ref_items("model_kind")?
        .into_iter()
        .map(|k| {
            let mine = models.iter().filter(|m| {
                m.data.str_of("kind") == Some(k.code.as_str())
                    && m.data.str_of("founded_on").is_some_and(|f| f <= year_end.as_str())
            });
            let dissolved =
                mine.clone().filter(|m| m.data.str_of("dissolved_on").is_some_and(|d| d <= year_end.as_str())).count()
                    as i64;
            forms::ModelRow { kind: k.label, active: mine.count() as i64 - dissolved, dissolved }
        })
        .collect();
    Ok(forms::YearReport { year: Some(year), figures, quarters, models })
}

/// A meeting record as the Biên bản họp shows it.
pub fn meeting_minutes(store: &Store, id: Uuid) -> Result<MeetingMinutes> {
    let r = store.get(Kind::Meeting, id)?;
    let d = &r.data;
    let dt = |k: &str| d.str_of(k).and_then(|s| crate::date::parse_datetime(s).ok());
    let attendees = d
        .get("attendees")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let votes = match (d.int_of("votes_for"), d.int_of("votes_against"), d.int_of("votes_abstain")) {
        (None, None, None) => None,
        (f, a, x) => Some(Votes { for_: f.unwrap_or(0), against: a.unwrap_or(0), abstain: x.unwrap_or(0) }),
    };
    let c = store.commune()?;
    let police = Agency::police(&c.province, &c.commune);
    let mut recipients = vec![format!("{} (để báo cáo)", police.committee_name())];
    if let Some(area) = linked(store, &r, "area_id", Kind::Area)? {
        recipients.push(area);
    }
    if let Some(unit) = linked(store, &r, "unit_id", Kind::Unit)? {
        recipients.push(unit);
    }
    Ok(MeetingMinutes {
        title: d.str_of("title").unwrap_or_default().to_owned(),
        starts_at: dt("starts_at"),
        ends_at: dt("ends_at"),
        place: d.str_of("place").unwrap_or_default().to_owned(),
        attendees,
        attendee_count: d.int_of("attendee_count"),
        chair: d.str_of("chair").unwrap_or_default().to_owned(),
        secretary: d.str_of("secretary").unwrap_or_default().to_owned(),
        agenda: d.str_of("agenda").unwrap_or_default().to_owned(),
        conclusions: d.str_of("conclusions").unwrap_or_default().to_owned(),
        votes,
        recipients,
    })
}

/// The title of the record `field` links to.
fn linked(store: &Store, r: &Record, field: &str, kind: Kind) -> Result<Option<String>> {
    match r.data.ids_of(field).first() {
        Some(id) => Ok(store.get(kind, *id).ok().map(|x| x.title)),
        None => Ok(None),
    }
}

//! Forms filled from the store, numbered from its register, and rendered: what `phongtrao print`
//! and the window's "In" call. Reads through the store's public API only (no SQL here).

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::forms::{self, Agency, FormSpec, Issue, Issuer, MeetingMinutes, Source, Votes};
use super::model::Document;
use crate::domain::{DocExt, Kind, Record};
use crate::error::{Error, Result};
use crate::store::{IssuedDoc, Store};

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
    /// The date of issue (the place-date line and the year of the number).
    pub date: NaiveDate,
}

/// A printed form.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub form: &'static FormSpec,
    pub pdf: Vec<u8>,
    /// The register's entry, when the document took a number.
    pub issued: Option<IssuedDoc>,
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
        Issuer::Police => Agency::police(&c.province, &c.commune),
        Issuer::Committee => Agency::committee(&c.commune),
        Issuer::Unit => Agency::unit(&c.commune, ""),
    })
}

/// Fills, numbers (in the store's register) and renders a form. A blank form takes no number and
/// records nothing. A filled form of the commune police takes the next number of its series and
/// year in the transaction that records it; if rendering fails, nothing is taken.
pub fn print(store: &mut Store, req: &PrintRequest) -> Result<Printed> {
    let spec = form(&req.form)?;
    let agency = agency(store, spec)?;
    if req.blank {
        let issue = Issue { number: spec.blank_number(&agency), date: None };
        let doc = blank_document(store, spec, &agency, &issue)?;
        return Ok(Printed { form: spec, pdf: super::render(&doc)?, issued: None });
    }
    let filled = fill(store, spec, req)?;
    match spec.series(&agency) {
        Some(series) => {
            let (issued, pdf) = store.issue_document(spec.name, &series, req.date.year(), filled.record, |d| {
                let issue = Issue { number: Some(d.number_text()), date: Some(req.date) };
                Ok(super::render(&(filled.build)(&agency, &issue))?)
            })?;
            Ok(Printed { form: spec, pdf, issued: Some(issued) })
        }
        None => {
            let issue = Issue { number: spec.blank_number(&agency), date: Some(req.date) };
            Ok(Printed { form: spec, pdf: super::render(&(filled.build)(&agency, &issue))?, issued: None })
        }
    }
}

/// Builds a document once the agency and the issue (number, date) are known.
pub type Build = Box<dyn Fn(&Agency, &Issue) -> Document>;

/// A form's input, filled and ready to build once the number is known.
pub struct Filled {
    /// The record it comes from.
    pub record: Option<Uuid>,
    /// Builds the document with the agency and the issue (number, date).
    pub build: Build,
}

/// Reads what `spec` needs from the store (checking the record and its kind).
pub fn fill(store: &Store, spec: &FormSpec, req: &PrintRequest) -> Result<Filled> {
    let need_id = || {
        req.id.ok_or_else(|| {
            Error::field("id", "Mã bản ghi", format!("mẫu «{}» cần mã bản ghi (--id), hoặc in mẫu trắng (--blank)", spec.name))
        })
    };
    match spec.source {
        Source::Meeting => {
            let id = need_id()?;
            let m = meeting_minutes(store, id)?;
            Ok(Filled { record: Some(id), build: Box::new(move |a, i| m.document(a, i)) })
        }
        Source::Key => {
            let key = req.key.clone().ok_or_else(|| {
                Error::field("key_file", "Tệp khóa công khai", "mẫu «dang-ky-khoa» cần tệp khóa (--key-file TỆP.pub), hoặc in mẫu trắng (--blank)")
            })?;
            let c = store.commune()?;
            let k = forms::KeyRegistration {
                commune: c.commune.clone(),
                commune_code: c.commune_code.clone(),
                province: c.province.clone(),
                installation_id: c.installation_id.to_string(),
                officer: c.officer.clone(),
                key,
            };
            Ok(Filled { record: None, build: Box::new(move |a, i| k.document(a, i)) })
        }
        Source::Certification => Err(Error::Refused(format!(
            "Chưa có hồ sơ xét công nhận “An toàn về an ninh, trật tự” để điền mẫu «{}»; hãy in mẫu trắng: phongtrao print {} --blank -o TỆP.pdf",
            spec.name, spec.name
        ))),
        _ => Err(Error::Refused(format!("Mẫu «{}» chưa điền được từ dữ liệu; hãy in mẫu trắng (--blank).", spec.name))),
    }
}

/// The blank form.
pub fn blank_document(_store: &Store, spec: &FormSpec, agency: &Agency, issue: &Issue) -> Result<Document> {
    Ok(match spec.name {
        "bien-ban-hop" => MeetingMinutes::blank().document(agency, issue),
        "dang-ky-khoa" => forms::KeyRegistration::blank().document(agency, issue),
        other => return Err(Error::Refused(format!("Mẫu «{other}» chưa có mẫu trắng."))),
    })
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

//! The yearly "An toàn về ANTT" certification in the store: the step operations (each one
//! transaction through [`Tx::put`], so a step gets its sequence number, clock stamp and audit entry
//! and travels in sync bundles), the year overview and the commune's result. The printed dossier is built from these in
//! `crate::print::fill_cert`. The rules are in [`crate::domain::cert`].

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::{ListQuery, Reader, Store, Tx};
use crate::domain::account::Role;
use crate::domain::cert::{
    self, Candidate, Cert, CommuneResult, EffectiveModel, OverviewRow, Period, Stamp, Step, StepContext, Subject,
    VoteRule,
};
use crate::domain::{self, Checked, Doc, DocExt, Kind, Lookup, RefItem, RefSet};
use crate::error::{Error, Result};

/// The result of a step: the record's id, the step it is now at, and warnings to read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertSaved {
    pub id: Uuid,
    pub step: Step,
    pub warnings: Vec<String>,
}

/// A unit's certification for a year, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CertView {
    /// The record's id (None while the unit has no record for the year).
    pub id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub subject: Subject,
    pub subject_label: &'static str,
    pub name: String,
    pub excluded: bool,
    pub year: i32,
    pub step: Step,
    pub step_label: &'static str,
    /// The next step and its form (None when decided, or for the commune after self-assessment).
    pub next_step: Option<Step>,
    pub next_action: Option<&'static str>,
    pub next_fields: Vec<crate::domain::Field>,
    /// The criteria of the kind for the year (the self-assessment's list).
    pub criteria: Vec<RefItem>,
    pub period: Period,
    pub rule: VoteRule,
    pub cert: Cert,
    pub warnings: Vec<cert::Warning>,
}

/// Where the records of a unit come from and how they are titled.
struct Found {
    subject: Subject,
    name: String,
    excluded: bool,
    doc: Option<Doc>,
}

fn stamp_now(by: &str) -> Stamp {
    Stamp { by: by.to_owned(), at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false) }
}

/// Reference items of a list, falling back to the builtin set for a list an older store lacks.
fn ref_or_builtin(lookup: &dyn Lookup, list: &str) -> Result<Vec<RefItem>> {
    let items = lookup.ref_items(list)?;
    if !items.is_empty() {
        return Ok(items.to_vec());
    }
    Ok(RefSet::builtin().lists.into_iter().find(|l| l.list == list).map(|l| l.items).unwrap_or_default())
}

fn period(lookup: &dyn Lookup, subject: Subject, year: i32) -> Result<Period> {
    let items = ref_or_builtin(lookup, "cert_period")?;
    Ok(Period::from_item(items.iter().find(|i| i.code == subject.code()), subject, year))
}

fn default_rule(lookup: &dyn Lookup) -> Result<VoteRule> {
    let items = ref_or_builtin(lookup, "cert_setting")?;
    Ok(VoteRule::from_item(items.iter().find(|i| i.code == "vote_rule")))
}

fn criteria(lookup: &dyn Lookup, subject: Subject, year: i32) -> Result<Vec<RefItem>> {
    Ok(cert::criteria_for_year(&ref_or_builtin(lookup, &subject.criteria_list())?, year))
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2200).contains(&year) {
        Ok(())
    } else {
        Err(Error::field("year", "Năm", "phải từ 2000 đến 2200"))
    }
}

/// The area or unit `id` (None: the commune itself).
fn find_subject(lookup: &dyn Lookup, commune: &str, id: Option<Uuid>) -> Result<Found> {
    let Some(id) = id else {
        return Ok(Found { subject: Subject::Xa, name: commune.to_owned(), excluded: false, doc: None });
    };
    if let Some(a) = lookup.get(Kind::Area, id)? {
        let name = a.str_of("name").unwrap_or_default().to_owned();
        return Ok(Found { subject: Subject::KhuDanCu, name, excluded: false, doc: Some(a) });
    }
    if let Some(u) = lookup.get(Kind::Unit, id)? {
        let name = u.str_of("name").unwrap_or_default().to_owned();
        let excluded = u.get("certification_applies") == Some(&Value::Bool(false));
        return Ok(Found { subject: Subject::of_unit(&u), name, excluded, doc: Some(u) });
    }
    Err(Error::NotFound { kind: "khu dân cư, cơ quan, doanh nghiệp hay cơ sở giáo dục", id: id.to_string() })
}

/// The certification records of a year, by the area or unit they are for (None: the commune).
fn certs_of_year(r: &Reader<'_>, year: i32) -> Result<Vec<(Uuid, Cert)>> {
    r.find_records(Kind::Cert, "year", &year.to_string())?
        .into_iter()
        .map(|rec| Ok((rec.id, Cert::from_doc(&rec.data)?)))
        .collect()
}

/// The certification record of `subject` (None: the commune) in `year`, found through the subject's
/// link (the commune's through its subject) in `record_fact`: a seek, whatever the number of records.
fn cert_of(r: &Reader<'_>, subject: Option<Uuid>, year: i32) -> Result<Option<(Uuid, Cert)>> {
    let lookups = match subject {
        Some(id) => vec![("area_id", id.to_string()), ("unit_id", id.to_string())],
        None => vec![("subject", Subject::Xa.code().to_owned())],
    };
    for (field, value) in lookups {
        for rec in r.find_records(Kind::Cert, field, &value)? {
            let c = Cert::from_doc(&rec.data)?;
            if c.year == year && c.subject_id() == subject {
                return Ok(Some((rec.id, c)));
            }
        }
    }
    Ok(None)
}

impl Tx<'_> {
    fn cert_record(&self, subject: Option<Uuid>, year: i32, new_id: Uuid) -> Result<(Uuid, Cert, Found, bool)> {
        check_year(year)?;
        let found = find_subject(self, &self.commune.commune, subject)?;
        Ok(match cert_of(&self.reader(), subject, year)? {
            Some((id, c)) => (id, c, found, false),
            None => {
                let c = Cert::new(year, found.subject, subject, &found.name);
                (new_id, c, found, true)
            }
        })
    }

    fn put_cert(
        &mut self,
        id: Uuid,
        new: &Cert,
        old: Option<&Cert>,
        action: &str,
        warnings: Vec<String>,
    ) -> Result<()> {
        let doc = new.to_doc();
        // The same check the province runs on the record when it arrives in a bundle.
        let checked = domain::validate(Kind::Cert, id, &doc, true, self)?;
        let old = old.map(Cert::to_doc);
        self.put(Kind::Cert, id, &Checked { doc, title: checked.title, warnings }, action, old.as_ref())
    }

    /// Moves the certification of `subject` (an area or unit id; None for the commune) for `year` one
    /// step on, with the step's data. A new record takes `new_id`; `at` stamps the step (now if None).
    ///
    /// For the bình xét step, `input` names the meeting (`meeting_id`), or gives it whole
    /// (`meeting`: the fields of a meeting record), which is then created in the same transaction.
    pub fn cert_advance(
        &mut self,
        new_id: Uuid,
        subject: Option<Uuid>,
        year: i32,
        input: &Doc,
        at: Option<&str>,
    ) -> Result<CertSaved> {
        let (id, old, found, is_new) = self.cert_record(subject, year, new_id)?;
        if found.excluded {
            return Err(Error::Refused(format!(
                "{} không thuộc diện xét công nhận \"An toàn về an ninh, trật tự\" (Thông tư 124/2021/TT-BCA).",
                found.name
            )));
        }
        let mut stamp = stamp_now(self.actor);
        if let Some(at) = at {
            stamp.at = at.to_owned();
        }
        let mut input = input.clone();
        let mut warnings = Vec::new();
        if old.step == Step::TuDanhGia
            && let Some(m) = input.remove("meeting")
        {
            let Value::Object(mut m) = m else {
                return Err(Error::field("meeting", "Cuộc họp bình xét", "phải là các trường của cuộc họp dạng JSON"));
            };
            m.entry("kind").or_insert_with(|| Value::String("binh_xet".into()));
            m.entry("title").or_insert_with(|| {
                Value::String(format!("Bình xét \"An toàn về an ninh, trật tự\" năm {year} – {}", found.name))
            });
            let key = if found.subject == Subject::KhuDanCu { "area_id" } else { "unit_id" };
            if let Some(s) = subject {
                m.entry(key).or_insert_with(|| Value::String(s.to_string()));
            }
            let saved = self.create(Kind::Meeting, &m, false)?;
            warnings.extend(saved.warnings);
            input.insert("meeting_id".into(), Value::String(saved.id.to_string()));
        }
        let crit = criteria(self, found.subject, year)?;
        let commune = cert_of(&self.reader(), None, year)?.map(|x| x.1);
        let rule = match &commune {
            Some(c) => c.vote_rule(default_rule(self)?),
            None => default_rule(self)?,
        };
        let ctx = StepContext {
            stamp,
            subject: found.doc.as_ref(),
            criteria: &crit,
            rule,
            period: period(self, found.subject, year)?,
        };
        let (new, w) = cert::advance(&old, &input, &ctx, self)?;
        warnings.extend(w);
        // The registration's figures go to the area's (or unit's) own register in the same transaction,
        // so that the register, the dashboard and the certification say the same.
        if new.step == Step::DangKy
            && let (Some(sid), Some(doc), Some(reg)) = (subject, found.doc.as_ref(), new.registration.as_ref())
        {
            let patch = cert::register_back(reg, found.subject, year, doc);
            if !patch.is_empty() {
                let kind = if found.subject == Subject::KhuDanCu { Kind::Area } else { Kind::Unit };
                let saved = self.update(kind, sid, &patch).map_err(|e| match e {
                    Error::Invalid(i) => Error::Refused(format!(
                        "Không ghi được số liệu đăng ký vào sổ {} «{}»: {i}. Hãy sửa sổ {} (hoặc số liệu đăng ký) rồi đăng ký lại.",
                        kind.label(),
                        found.name,
                        kind.label()
                    )),
                    e => e,
                })?;
                warnings.extend(saved.warnings);
            }
        }
        self.put_cert(id, &new, (!is_new).then_some(&old), "cert_advance", warnings.clone())?;
        Ok(CertSaved { id, step: new.step, warnings })
    }

    /// Moves the certification one step back, with a reason (kept in its history and the audit log).
    pub fn cert_revert(
        &mut self,
        subject: Option<Uuid>,
        year: i32,
        reason: &str,
        at: Option<&str>,
    ) -> Result<CertSaved> {
        let (id, old, found, is_new) = self.cert_record(subject, year, Uuid::nil())?;
        if is_new {
            return Err(Error::Refused(format!(
                "{} chưa có hồ sơ công nhận năm {year}: không có bước nào để lùi.",
                found.name
            )));
        }
        let mut stamp = stamp_now(self.actor);
        if let Some(at) = at {
            stamp.at = at.to_owned();
        }
        let new = cert::revert(&old, reason, &stamp)?;
        self.put_cert(id, &new, Some(&old), "cert_revert", Vec::new())?;
        Ok(CertSaved { id, step: new.step, warnings: Vec::new() })
    }

    /// Records the commune's settings for a year (vote rule, officer disciplined) in its own record.
    pub fn cert_settings(&mut self, new_id: Uuid, year: i32, input: &Doc, at: Option<&str>) -> Result<CertSaved> {
        let (id, old, _, is_new) = self.cert_record(None, year, new_id)?;
        let mut stamp = stamp_now(self.actor);
        if let Some(at) = at {
            stamp.at = at.to_owned();
        }
        let new = cert::settings(&old, input, &stamp, self)?;
        self.put_cert(id, &new, (!is_new).then_some(&old), "cert_settings", Vec::new())?;
        Ok(CertSaved { id, step: new.step, warnings: Vec::new() })
    }
}

impl Store {
    /// Moves the certification of an area or unit (None: the commune) for `year` one step on with the
    /// step's data. Registration, self-assessment and bình xét need an officer; the proposal and the
    /// decision need the chief.
    pub fn cert_advance(&mut self, subject: Option<Uuid>, year: i32, input: &Doc) -> Result<CertSaved> {
        let step = self.cert_view(subject, year)?.step;
        if step.next().is_some_and(Step::needs_chief) {
            self.require(Role::Chief, "đề nghị hay ghi quyết định công nhận \"An toàn về ANTT\"")?;
        }
        self.write(|tx| tx.cert_advance(Uuid::now_v7(), subject, year, input, None))
    }

    /// Moves the certification one step back; the reason is required and audited. Undoing a proposal
    /// or a decision needs the chief.
    pub fn cert_revert(&mut self, subject: Option<Uuid>, year: i32, reason: &str) -> Result<CertSaved> {
        if self.cert_view(subject, year)?.step.needs_chief() {
            self.require(Role::Chief, "hủy đề nghị hay quyết định công nhận \"An toàn về ANTT\"")?;
        }
        self.write(|tx| tx.cert_revert(subject, year, reason, None))
    }

    /// The commune's settings for a year (chief only): `vote_percent`, `vote_more_than`,
    /// `officer_disciplined`, `discipline_note`.
    pub fn cert_settings(&mut self, year: i32, input: &Doc) -> Result<CertSaved> {
        self.require(Role::Chief, "thay đổi thiết lập xét công nhận và ghi nhận kỷ luật")?;
        self.write(|tx| tx.cert_settings(Uuid::now_v7(), year, input, None))
    }

    /// An area's or unit's (None: the commune's) certification for a year, with the next step's form.
    pub fn cert_view(&self, subject: Option<Uuid>, year: i32) -> Result<CertView> {
        check_year(year)?;
        let r = self.reader();
        let found = find_subject(&r, &self.commune()?.commune, subject)?;
        let (id, c) = match cert_of(&r, subject, year)? {
            Some((id, c)) => (Some(id), c),
            None => (None, Cert::new(year, found.subject, subject, &found.name)),
        };
        let commune = cert_of(&r, None, year)?.map(|x| x.1);
        let default = default_rule(&r)?;
        let rule = commune.as_ref().map_or(default, |x| x.vote_rule(default));
        let period = period(&r, found.subject, year)?;
        let next_step =
            c.step.next().filter(|n| !found.excluded && (found.subject != Subject::Xa || *n <= Step::TuDanhGia));
        Ok(CertView {
            id,
            subject_id: subject,
            subject: found.subject,
            subject_label: found.subject.label(),
            name: found.name,
            excluded: found.excluded,
            year,
            step: c.step,
            step_label: c.step.label(),
            next_step,
            next_action: next_step.map(Step::action),
            next_fields: next_step.map(|s| cert::step_fields(found.subject, s)).unwrap_or_default(),
            criteria: criteria(&r, found.subject, year)?,
            warnings: if found.excluded {
                Vec::new()
            } else {
                cert::warnings_for(found.subject, Some(&c), &period, super::today())
            },
            period,
            rule,
            cert: c,
        })
    }

    /// Every area and unit of the commune with its record for `year` (areas first, then units, each
    /// in Vietnamese order).
    pub fn cert_candidates(&self, year: i32) -> Result<Vec<Candidate>> {
        check_year(year)?;
        let certs = certs_of_year(&self.reader(), year)?;
        let mut out = Vec::new();
        for kind in [Kind::Area, Kind::Unit] {
            for rec in self.list(kind, &ListQuery::default())?.records {
                let (subject, excluded) = match kind {
                    Kind::Area => (Subject::KhuDanCu, false),
                    _ => (
                        Subject::of_unit(&rec.data),
                        rec.data.get("certification_applies") == Some(&Value::Bool(false)),
                    ),
                };
                let found = certs.iter().find(|(_, c)| c.subject_id() == Some(rec.id));
                out.push(Candidate {
                    id: rec.id,
                    subject,
                    name: rec.title.clone(),
                    excluded,
                    cert_id: found.map(|f| f.0),
                    cert: found.map(|f| f.1.clone()),
                });
            }
        }
        Ok(out)
    }

    /// The year overview relative to `today`: the commune first, then every area and unit with its
    /// step, period, deadlines and warnings (late, due soon).
    pub fn cert_overview(&self, year: i32, today: NaiveDate) -> Result<Vec<OverviewRow>> {
        let r = self.reader();
        let commune = cert_of(&r, None, year)?;
        let mut rows = Vec::new();
        let p = period(&r, Subject::Xa, year)?;
        let c = commune.as_ref().map(|x| &x.1);
        rows.push(row(None, Subject::Xa, &self.commune()?.commune, false, commune.as_ref().map(|x| x.0), c, p, today));
        for cand in self.cert_candidates(year)? {
            let p = period(&r, cand.subject, year)?;
            rows.push(row(
                Some(cand.id),
                cand.subject,
                &cand.name,
                cand.excluded,
                cand.cert_id,
                cand.cert.as_ref(),
                p,
                today,
            ));
        }
        Ok(rows)
    }

    /// Models with a review rated effective (hiệu quả) in the commune's period of `year`.
    pub fn cert_effective_models(&self, year: i32) -> Result<Vec<EffectiveModel>> {
        let p = period(&self.reader(), Subject::Xa, year)?;
        let mut out: Vec<EffectiveModel> = Vec::new();
        for rev in self.list(Kind::Review, &ListQuery::default())?.records {
            let Some(on) = rev.data.date_of("date") else { continue };
            if rev.data.str_of("rating") != Some("hieu_qua") || on < p.start || on > p.end {
                continue;
            }
            let Some(model) = rev.data.ids_of("model_id").first().copied() else { continue };
            let Ok(m) = self.get(Kind::Model, model) else { continue };
            match out.iter_mut().find(|e| e.id == model) {
                Some(e) => e.reviewed_on = e.reviewed_on.max(on),
                None => out.push(EffectiveModel { id: model, name: m.title, reviewed_on: on }),
            }
        }
        out.sort_by(|a, b| crate::text::compare(&a.name, &b.name));
        Ok(out)
    }

    /// The commune's own result for `year`, criterion by criterion, with the counts behind each.
    pub fn cert_result(&self, year: i32) -> Result<CommuneResult> {
        let r = self.reader();
        let candidates = self.cert_candidates(year)?;
        let commune = cert_of(&r, None, year)?.map(|x| x.1);
        let models = self.cert_effective_models(year)?;
        let crit = criteria(&r, Subject::Xa, year)?;
        let builtin =
            RefSet::builtin().lists.into_iter().find(|l| l.list == "criteria_xa").map(|l| l.items).unwrap_or_default();
        Ok(cert::commune_result(&cert::ResultInput {
            year,
            commune: commune.as_ref(),
            candidates: &candidates,
            effective_models: &models,
            criteria: &crit,
            builtin: &builtin,
        }))
    }
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: Option<Uuid>,
    subject: Subject,
    name: &str,
    excluded: bool,
    cert_id: Option<Uuid>,
    c: Option<&Cert>,
    period: Period,
    today: NaiveDate,
) -> OverviewRow {
    let step = c.map_or(Step::ChuaDangKy, |c| c.step);
    let next = step.next().filter(|n| !excluded && (subject != Subject::Xa || *n <= Step::TuDanhGia));
    OverviewRow {
        subject_id: id,
        subject,
        subject_label: subject.label(),
        name: name.to_owned(),
        excluded,
        cert_id,
        step,
        step_label: if excluded { "Không thuộc diện xét" } else { step.label() },
        next_action: next.map(Step::action),
        period,
        recognised: c.and_then(|c| c.decision.as_ref()).map(|d| d.recognised),
        warnings: if excluded { Vec::new() } else { cert::warnings_for(subject, c, &period, today) },
    }
}

/// The current certification year for a date: the year whose dossiers are being prepared.
pub fn current_year(today: NaiveDate) -> i32 {
    today.year()
}

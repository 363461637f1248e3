//! Steering the movement (Kết luận 44-KL/TW): the commune's yearly plan and its targets, with their
//! progress computed from the records, and the key, complex areas under transformation.
//!
//! A target is an indicator of the report's list (`report_indicator`) with a value for the year. The
//! commune's plan (`Kind::Plan`) holds its own; without one, the targets the province sent down in its
//! reference data (list [`PROVINCE_TARGETS`]) stand. Progress is never typed: what is done is the
//! indicator's value in [`crate::figures`] for the year's reporting window, the one computation the
//! yearly report and the province's console use too, and the pace compares it with the share of the
//! window gone by.
//!
//! No SQL here: the records come through the store's public API.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::registers::{KEY_AREA_OPEN, KEY_AREA_STATUS, TARGET_PREFIX};
use crate::domain::{DocExt, Kind, RefItem};
use crate::error::Result;
use crate::figures::Figures;
use crate::period::{Period, Window};
use crate::store::{ListQuery, Store};

/// The reference list of the targets the province sets: one item per commune (`"commune":
/// "23535"`, or `"*"` for every commune) and year, `{"targets": {"tuyen_truyen_buoi": 24, …}}`.
pub const PROVINCE_TARGETS: &str = "chi_tieu_tinh";

/// Where a year's targets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The commune's own plan for the year.
    Plan,
    /// The province's targets (the commune has no plan for the year yet).
    Province,
}

impl Source {
    /// As the console's «Theo» column reads it.
    pub fn label(self) -> &'static str {
        match self {
            Source::Plan => "Kế hoạch của xã",
            Source::Province => "Chỉ tiêu tỉnh giao",
        }
    }
}

/// How a target stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    /// Reached (or passed).
    Done,
    /// Not reached, but at least the share of the year gone by.
    OnTrack,
    /// Below the share of the year gone by (or not reached when the year is over).
    Behind,
    /// A share decided at the year's end (units recognised "An toàn về ANTT"): not known yet.
    Waiting,
}

impl Pace {
    /// The code the window styles a target's bar by (`done`, `on_track`, `behind`, `waiting`): the
    /// same as the JSON's.
    pub fn code(self) -> &'static str {
        match self {
            Pace::Done => "done",
            Pace::OnTrack => "on_track",
            Pace::Behind => "behind",
            Pace::Waiting => "waiting",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Pace::Done => "Đã đạt",
            Pace::OnTrack => "Đúng tiến độ",
            Pace::Behind => "Chậm tiến độ",
            Pace::Waiting => "Chờ kết quả xét cuối năm",
        }
    }
}

/// One target and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetProgress {
    /// The indicator's code (`tuyen_truyen_buoi`).
    pub code: String,
    pub label: String,
    pub target: i64,
    /// The target is a share in percent (units recognised of those registered).
    pub percent: bool,
    /// What the records give: a count, or for a share the units recognised.
    pub done: i64,
    /// For a share: out of how many (the units registered).
    pub of: Option<i64>,
    /// What should be done by the day at an even pace (a count; for a share, the target).
    pub expected: i64,
    pub pace: Pace,
}

impl TargetProgress {
    /// "12/24", or for a share "7/10 (70%)/80%".
    pub fn done_text(&self) -> String {
        use crate::text::format_int;
        match self.of {
            Some(of) if self.percent => {
                let share = if of > 0 { crate::text::percent(self.done, of) } else { "–".into() };
                format!("{}/{} đơn vị ({share})", format_int(self.done), format_int(of))
            }
            _ => format_int(self.done),
        }
    }

    /// "24" or "80%".
    pub fn target_text(&self) -> String {
        if self.percent { format!("{}%", self.target) } else { crate::text::format_int(self.target) }
    }
}

/// A year's targets and their progress on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub year: i32,
    pub source: Source,
    /// The plan the targets come from, and its title.
    pub plan: Option<(Uuid, String)>,
    /// The year's reporting window, `yyyy-mm-dd`.
    pub start: String,
    pub end: String,
    /// The share of the window gone by on the day, 0 to 100.
    pub elapsed: i64,
    pub targets: Vec<TargetProgress>,
}

impl Progress {
    /// Targets not on track.
    pub fn behind(&self) -> impl Iterator<Item = &TargetProgress> {
        self.targets.iter().filter(|t| t.pace == Pace::Behind)
    }
}

/// The targets of a province's list for `commune` and `year`: those for every commune (`"*"`), then
/// the commune's own over them. Codes and values as sent (a value that is not a whole number ≥ 0
/// is left out).
pub fn province_targets(items: &[RefItem], commune: &str, year: i32) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    let year = i64::from(year);
    for pass in ["*", commune] {
        for i in items.iter().filter(|i| {
            i.data.get("commune").and_then(Value::as_str) == Some(pass)
                && i.data.get("year").and_then(Value::as_i64) == Some(year)
        }) {
            let Some(Value::Object(t)) = i.data.get("targets") else { continue };
            for (code, v) in t {
                let Some(v) = v.as_i64().filter(|v| *v >= 0) else { continue };
                match out.iter_mut().find(|(c, _)| c == code) {
                    Some(slot) => slot.1 = v,
                    None => out.push((code.clone(), v)),
                }
            }
        }
    }
    out
}

/// The targets of a plan record (its `target_…` fields with a value), in the indicators' order.
pub fn plan_targets(plan: &crate::domain::Doc, indicators: &[RefItem]) -> Vec<(String, i64)> {
    indicators
        .iter()
        .filter_map(|i| plan.int_of(&format!("{TARGET_PREFIX}{}", i.code)).map(|v| (i.code.clone(), v)))
        .collect()
}

/// Where each target stands on `today` against the figures of the year's window `w`: the one pure
/// computation behind the dashboard, the yearly report and the province's console.
pub fn progress(figures: &Figures, targets: &[(String, i64)], w: &Window, today: NaiveDate) -> Vec<TargetProgress> {
    let days = (w.end - w.start).num_days() + 1;
    let gone = ((today - w.start).num_days() + 1).clamp(0, days);
    targets
        .iter()
        .filter(|(_, t)| *t > 0)
        .filter_map(|(code, target)| {
            let i = figures.indicators.iter().find(|i| &i.code == code)?;
            let target = *target;
            let percent = i.of.is_some();
            let (expected, pace) = if percent {
                let of = i.of.unwrap_or(0);
                let reached = of > 0 && i.value * 100 >= target * of;
                (
                    target,
                    if reached {
                        Pace::Done
                    } else if today <= w.end {
                        Pace::Waiting
                    } else {
                        Pace::Behind
                    },
                )
            } else {
                // Rounded up: a target of 12 a year expects 1 by the end of the first month.
                let expected = (target * gone + days - 1) / days;
                let pace = if i.value >= target {
                    Pace::Done
                } else if i.value >= expected && today <= w.end {
                    Pace::OnTrack
                } else {
                    Pace::Behind
                };
                (expected, pace)
            };
            Some(TargetProgress {
                code: code.clone(),
                label: i.label.clone(),
                target,
                percent,
                done: i.value,
                of: i.of,
                expected,
                pace,
            })
        })
        .collect()
}

/// The plan of `year` progress is counted against: the one issued last (then the last changed).
pub fn plan_of(store: &Store, year: i32) -> Result<Option<crate::domain::Record>> {
    let q = ListQuery {
        filters: vec![crate::store::Filter { field: "year".into(), op: crate::store::Op::Eq, value: year.to_string() }],
        ..ListQuery::default()
    };
    let plans = store.list(Kind::Plan, &q)?.records;
    Ok(plans
        .into_iter()
        .max_by(|a, b| (a.data.str_of("issued_on"), a.meta.hlc).cmp(&(b.data.str_of("issued_on"), b.meta.hlc))))
}

/// A year's targets: where they come from, the plan (if any), and (indicator, value) pairs.
pub type Targets = (Source, Option<crate::domain::Record>, Vec<(String, i64)>);

/// The commune's targets for `year`: its plan's, else the province's; with the plan.
pub fn targets(store: &Store, year: i32) -> Result<Targets> {
    if let Some(plan) = plan_of(store, year)? {
        let t = plan_targets(&plan.data, &store.ref_items("report_indicator")?);
        return Ok((Source::Plan, Some(plan), t));
    }
    let code = store.commune()?.commune_code.clone();
    Ok((Source::Province, None, province_targets(&store.ref_items(PROVINCE_TARGETS)?, &code, year)))
}

/// The values a new plan for `year` starts from: the year, and the province's targets.
pub fn plan_defaults(store: &Store, year: i32) -> Result<crate::domain::Doc> {
    let code = store.commune()?.commune_code.clone();
    let mut doc = crate::domain::Doc::new();
    doc.insert("year".into(), Value::from(year));
    doc.insert(
        "title".into(),
        Value::from(format!("Kế hoạch thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm {year}")),
    );
    for (c, v) in province_targets(&store.ref_items(PROVINCE_TARGETS)?, &code, year) {
        doc.insert(format!("{TARGET_PREFIX}{c}"), Value::from(v));
    }
    Ok(doc)
}

/// The progress of the commune's targets for `year` on `today`; `None` when the year has no target
/// (no plan, nothing from the province).
pub fn progress_of_store(store: &Store, year: i32, today: NaiveDate) -> Result<Option<Progress>> {
    let (source, plan, targets) = targets(store, year)?;
    if targets.iter().all(|(_, v)| *v == 0) && plan.is_none() {
        return Ok(None);
    }
    let period = Period::year(year);
    let rules = crate::period::Rules::from_items(&store.ref_items(crate::period::LIST)?);
    let w = rules.window(period);
    let figures = crate::figures::of_store(store, period)?;
    let days = (w.end - w.start).num_days() + 1;
    let gone = ((today - w.start).num_days() + 1).clamp(0, days);
    Ok(Some(Progress {
        year,
        source,
        plan: plan.map(|p| (p.id, p.title)),
        start: crate::date::iso(w.start),
        end: crate::date::iso(w.end),
        elapsed: gone * 100 / days,
        targets: progress(&figures, &targets, &w, today),
    }))
}

/// The plan year `today` falls in: the year whose reporting window holds it (from 15/12 by default,
/// the next year's).
pub fn current_year(store: &Store, today: NaiveDate) -> Result<i32> {
    let rules = crate::period::Rules::from_items(&store.ref_items(crate::period::LIST)?);
    let year = chrono::Datelike::year(&today);
    Ok(if today > rules.window(Period::year(year)).end { year + 1 } else { year })
}

/// Key areas by status, and those past their deadline still under transformation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyAreas {
    /// Each status of [`KEY_AREA_STATUS`] with its count.
    pub by_status: Vec<(String, String, i64)>,
    /// Under transformation past the deadline: id, name, deadline.
    pub overdue: Vec<(Uuid, String, NaiveDate)>,
    /// Not assessed for [`ASSESS_MONTHS`] months (or never) while under transformation.
    pub not_assessed: Vec<(Uuid, String)>,
}

/// Months after which a key area under transformation should have been assessed again.
pub const ASSESS_MONTHS: u32 = 3;

/// The commune's key areas on `today`; `None` when the officer may not read them (a viewer the
/// chief has not allowed).
pub fn key_areas(store: &Store, today: NaiveDate) -> Result<Option<KeyAreas>> {
    if !store.may_read(Kind::KeyArea)? {
        return Ok(None);
    }
    let areas = store.list(Kind::KeyArea, &ListQuery::default())?.records;
    let reviews = store.list(Kind::KeyAreaReview, &ListQuery::default())?.records;
    let mut by_status: Vec<(String, String, i64)> =
        KEY_AREA_STATUS.iter().map(|(c, l)| ((*c).to_owned(), (*l).to_owned(), 0)).collect();
    let mut overdue = Vec::new();
    let mut not_assessed = Vec::new();
    let since = today.checked_sub_months(chrono::Months::new(ASSESS_MONTHS)).unwrap_or(today);
    for a in &areas {
        let status = a.data.str_of("status").unwrap_or(KEY_AREA_OPEN);
        if let Some(row) = by_status.iter_mut().find(|r| r.0 == status) {
            row.2 += 1;
        }
        if status != KEY_AREA_OPEN {
            continue;
        }
        if let Some(deadline) = a.data.date_of("deadline")
            && deadline < today
        {
            overdue.push((a.id, a.title.clone(), deadline));
        }
        let last = reviews
            .iter()
            .filter(|r| r.data.ids_of("key_area_id").first() == Some(&a.id))
            .filter_map(|r| r.data.date_of("date"))
            .max();
        let listed = a.data.date_of("decision_date");
        if last.or(listed).is_some_and(|d| d < since) {
            not_assessed.push((a.id, a.title.clone()));
        }
    }
    Ok(Some(KeyAreas { by_status, overdue, not_assessed }))
}

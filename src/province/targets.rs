//! The targets the province sets for its communes by year, sent down in its reference bundles
//! (list [`crate::steer::PROVINCE_TARGETS`]), and every commune's progress against its targets: the
//! commune's own plan when the province has received it, else the province's targets, each counted
//! by [`crate::steer::progress`] over the figures of the records the commune sent (the same numbers
//! the commune's dashboard shows).

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::commune_name;
use crate::domain::account::Role;
use crate::domain::{Doc, DocExt, RefItem, RefList, RefSet};
use crate::error::{Error, Result};
use crate::period::Period;
use crate::steer::{PROVINCE_TARGETS, Source, TargetProgress};
use crate::sync::province::Province;

/// The province setting holding its targets (a JSON list of `chi_tieu_tinh` items).
const KEY: &str = "chi_tieu_tinh";
/// The province setting holding the version of the last reference set it sent.
const VERSION_KEY: &str = "reference_version";

/// Every target item the province set, all years.
pub fn items(p: &Province) -> Result<Vec<RefItem>> {
    match p.db().setting(KEY)? {
        Some(text) => serde_json::from_str(&text).map_err(|e| Error::Json(e.to_string())),
        None => Ok(Vec::new()),
    }
}

/// Sets the targets of `year` for `commune` (`None`: every commune, under their own), replacing
/// that item's: each key an indicator of the report's list, each value a whole number (a share at
/// most 100). Checked whole, audited; the next reference bundle carries them.
pub fn set(p: &mut Province, year: i32, commune: Option<&str>, targets: &Doc) -> Result<()> {
    p.db().require(Role::MANAGES, "giao chỉ tiêu cho các xã")?;
    if !(2000..=2100).contains(&year) {
        return Err(Error::field("year", "Năm", "phải từ 2000 đến 2100"));
    }
    let who = match commune.map(str::trim) {
        None | Some("*") => "*".to_owned(),
        Some(c) if c.len() == 5 && c.bytes().all(|b| b.is_ascii_digit()) => c.to_owned(),
        Some(c) => {
            return Err(Error::field(
                "commune",
                "Xã nhận chỉ tiêu",
                format!(
                    "«{}» không phải mã xã (5 chữ số, QĐ 19/2025/QĐ-TTg): hãy chọn một xã trong danh sách, hoặc để \
                     trống để giao chung cho mọi xã",
                    crate::text::printable(c.trim(), 40)
                ),
            ));
        }
    };
    let indicators = RefSet::builtin().lists.into_iter().find(|l| l.list == "report_indicator").map(|l| l.items);
    let indicators = indicators.unwrap_or_default();
    let mut errors = Vec::new();
    let mut clean = Map::new();
    for (code, v) in targets {
        let Some(i) = indicators.iter().find(|i| &i.code == code) else {
            let codes: Vec<&str> = indicators.iter().map(|i| i.code.as_str()).collect();
            errors.push(crate::error::FieldError {
                field: code.clone(),
                label: code.clone(),
                message: format!("không phải chỉ tiêu báo cáo; các chỉ tiêu: {}", codes.join(", ")),
            });
            continue;
        };
        let percent = i.data.get("percent").and_then(Value::as_bool) == Some(true);
        let max = if percent { 100 } else { 1_000_000_000 };
        match v.as_i64() {
            Some(n) if (0..=max).contains(&n) => {
                clean.insert(code.clone(), Value::from(n));
            }
            _ => errors.push(crate::error::FieldError {
                field: code.clone(),
                label: i.label.clone(),
                message: format!("phải là số nguyên từ 0 đến {}", crate::text::format_int(max)),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(crate::error::Invalid(errors)));
    }
    let mut all = items(p)?;
    let code = format!("{year}-{who}");
    all.retain(|i| i.code != code);
    let label = if who == "*" {
        format!("Chỉ tiêu năm {year} giao cho các xã")
    } else {
        format!("Chỉ tiêu năm {year} giao cho {}", commune_name(&p.db().commune_names()?, &who))
    };
    all.push(RefItem {
        code,
        label,
        data: serde_json::json!({"commune": who, "year": year, "targets": Value::Object(clean)}),
    });
    all.sort_by(|a, b| a.code.cmp(&b.code));
    let text = serde_json::to_string(&all).map_err(|e| Error::Json(e.to_string()))?;
    let who = p.db().who();
    p.db_mut().set_setting(KEY, &text, &who, &chrono::Utc::now().to_rfc3339())
}

/// As [`set`], from JSON as the window sends it (`{indicator: value}`).
pub fn set_value(p: &mut Province, year: i32, commune: Option<&str>, targets: &Value) -> Result<()> {
    match targets {
        Value::Object(t) => set(p, year, commune, t),
        _ => Err(Error::Refused(
            "Chỉ tiêu phải ghi dạng mã chỉ tiêu và giá trị, ví dụ {\"tuyen_truyen_buoi\": 24}.".into(),
        )),
    }
}

/// The reference set a bundle sends: `lists` (from a file) and the province's targets, under a
/// version above every set the province sent before (each commune installs a list only when its
/// version is newer than the one it holds).
pub fn reference_set(p: &mut Province, lists: Option<RefSet>) -> Result<Option<RefSet>> {
    let targets = items(p)?;
    if targets.is_empty() {
        return Ok(lists);
    }
    // Above both the targets sent before and the lists the console sent (`reference::send`).
    let mine: i64 = p.db().setting(VERSION_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(1);
    let last = mine.max(super::reference::last_sent(p)?.0.unwrap_or(1));
    let mut set = lists.unwrap_or(RefSet { version: 0, lists: Vec::new() });
    set.version = set.version.max(last + 1).max(RefSet::builtin().version + 1);
    set.lists.retain(|l| l.list != PROVINCE_TARGETS);
    set.lists.push(RefList {
        list: PROVINCE_TARGETS.into(),
        label: "Chỉ tiêu Công an tỉnh giao cho các xã".into(),
        items: targets,
    });
    let who = p.db().who();
    p.db_mut().set_setting(VERSION_KEY, &set.version.to_string(), &who, &chrono::Utc::now().to_rfc3339())?;
    Ok(Some(set))
}

/// One commune's progress for the year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommuneProgress {
    pub commune_code: String,
    pub commune: String,
    /// The commune's plan (received from it) or the province's targets.
    pub source: Source,
    pub targets: Vec<TargetProgress>,
}

impl CommuneProgress {
    pub fn behind(&self) -> usize {
        self.targets.iter().filter(|t| t.pace == crate::steer::Pace::Behind).count()
    }
}

/// The communes' progress searched by name or code (accents ignored) and ordered as `q` asks, as the
/// other tables of communes ([`super::drill::communes`]): `code` (the default), `name`, `source`
/// (by its name in Vietnamese order: «Chỉ tiêu tỉnh giao» before «Kế hoạch của xã»), `behind` (how
/// many targets are behind), `targets` (how many it has); `-` downwards.
pub fn order_progress(communes: Vec<CommuneProgress>, q: &super::drill::CommuneQuery) -> Result<Vec<CommuneProgress>> {
    let sources = super::drill::ranks([Source::Plan, Source::Province].map(|s| crate::text::sort_key(s.label())));
    super::drill::communes(communes, q, &["source", "behind", "targets"], |c| super::drill::CommuneRow {
        code: &c.commune_code,
        name: &c.commune,
        values: vec![sources[&crate::text::sort_key(c.source.label())], c.behind() as i64, c.targets.len() as i64],
    })
}

/// The communes' key areas searched and ordered the same way: `code`, `name`, `areas` (how many),
/// `overdue` (how many past their deadline), or a status's code (how many in it).
pub fn order_key_areas(communes: Vec<CommuneKeyAreas>, q: &super::drill::CommuneQuery) -> Result<Vec<CommuneKeyAreas>> {
    use crate::domain::registers::KEY_AREA_STATUS;
    let mut keys = vec!["areas", "overdue"];
    keys.extend(KEY_AREA_STATUS.iter().map(|(c, _)| *c));
    super::drill::communes(communes, q, &keys, |c| {
        let mut values = vec![c.by_status.iter().map(|s| s.2).sum(), c.overdue.len() as i64];
        values.extend(
            KEY_AREA_STATUS.iter().map(|(code, _)| c.by_status.iter().find(|s| s.0 == *code).map_or(0, |s| s.2)),
        );
        super::drill::CommuneRow { code: &c.commune_code, name: &c.commune, values }
    })
}

/// Every commune's progress against its targets for `year` on `today`, and the province's total
/// (the communes' figures summed against their targets summed, shares left out).
pub fn progress(p: &Province, year: i32, today: NaiveDate) -> Result<(Vec<CommuneProgress>, Vec<TargetProgress>)> {
    let period = Period::year(year);
    let window = super::rules(p)?.window(period);
    let all = super::figures::figures(p, period, None)?;
    let items = items(p)?;
    let indicators = RefSet::builtin().lists.into_iter().find(|l| l.list == "report_indicator").map(|l| l.items);
    let indicators = indicators.unwrap_or_default();
    // The plans the communes sent, the year's latest issued per commune.
    let mut plans: Vec<(String, Option<String>, Doc)> = Vec::new();
    p.db().each_record(None, &["plan"], &mut |row| {
        let Some(text) = row.data else { return Ok(()) };
        let Ok(doc) = serde_json::from_str::<Doc>(text) else { return Ok(()) };
        if doc.int_of("year") != Some(i64::from(year)) {
            return Ok(());
        }
        let issued = doc.str_of("issued_on").map(str::to_owned);
        match plans.iter_mut().find(|(c, _, _)| c == row.commune_code) {
            Some(slot) if slot.1 <= issued => *slot = (row.commune_code.to_owned(), issued, doc),
            Some(_) => {}
            None => plans.push((row.commune_code.to_owned(), issued, doc)),
        }
        Ok(())
    })?;
    let mut out = Vec::new();
    let mut summed: Vec<(String, i64)> = Vec::new();
    for c in &all.communes {
        let (source, targets) = match plans.iter().find(|(code, _, _)| code == &c.commune_code) {
            Some((_, _, doc)) => (Source::Plan, crate::steer::plan_targets(doc, &indicators)),
            None => (Source::Province, crate::steer::province_targets(&items, &c.commune_code, year)),
        };
        for (code, v) in &targets {
            match summed.iter_mut().find(|(x, _)| x == code) {
                Some(s) => s.1 += v,
                None => summed.push((code.clone(), *v)),
            }
        }
        out.push(CommuneProgress {
            commune_code: c.commune_code.clone(),
            commune: c.commune.clone(),
            source,
            targets: crate::steer::progress(&c.figures, &targets, &window, today),
        });
    }
    let shares: Vec<&str> = all.total.indicators.iter().filter(|i| i.of.is_some()).map(|i| i.code.as_str()).collect();
    summed.retain(|(code, _)| !shares.contains(&code.as_str()));
    let total = crate::steer::progress(&all.total, &summed, &window, today);
    Ok((out, total))
}

/// A commune's key areas as the province sees them (from the records the commune sent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommuneKeyAreas {
    pub commune_code: String,
    pub commune: String,
    /// Each status of the key-area register with its count.
    pub by_status: Vec<(String, String, i64)>,
    /// Under transformation past the deadline: name and deadline.
    pub overdue: Vec<(String, NaiveDate)>,
}

/// The key areas across the province on `today`, commune by commune (communes with none left out).
pub fn key_areas(p: &Province, today: NaiveDate) -> Result<Vec<CommuneKeyAreas>> {
    use crate::domain::registers::{KEY_AREA_OPEN, KEY_AREA_STATUS};
    p.db().require(Role::Officer, "xem địa bàn trọng điểm của các xã")?;
    let names = p.db().commune_names()?;
    // The latest state of each record (a commune may have sent it from two laptops).
    let mut latest: Vec<(String, String, i64, Option<String>)> = Vec::new();
    p.db().each_record(None, &["key_area"], &mut |row| {
        match latest.iter_mut().find(|(c, id, _, _)| c == row.commune_code && id == row.id) {
            Some(slot) if slot.2 < row.hlc => {
                *slot = (slot.0.clone(), slot.1.clone(), row.hlc, row.data.map(str::to_owned))
            }
            Some(_) => {}
            None => latest.push((row.commune_code.to_owned(), row.id.to_owned(), row.hlc, row.data.map(str::to_owned))),
        }
        Ok(())
    })?;
    let mut out: Vec<CommuneKeyAreas> = Vec::new();
    for (code, _, _, data) in latest {
        let Some(doc) = data.and_then(|d| serde_json::from_str::<Doc>(&d).ok()) else { continue };
        if out.last().is_none_or(|c| c.commune_code != code) {
            out.push(CommuneKeyAreas {
                commune: commune_name(&names, &code),
                commune_code: code.clone(),
                by_status: KEY_AREA_STATUS.iter().map(|(c, l)| ((*c).to_owned(), (*l).to_owned(), 0)).collect(),
                overdue: Vec::new(),
            });
        }
        let c = out.last_mut().expect("pushed above");
        let status = doc.str_of("status").unwrap_or(KEY_AREA_OPEN);
        if let Some(row) = c.by_status.iter_mut().find(|r| r.0 == status) {
            row.2 += 1;
        }
        if status == KEY_AREA_OPEN
            && let Some(deadline) = doc.date_of("deadline")
            && deadline < today
        {
            c.overdue.push((doc.str_of("name").unwrap_or_default().to_owned(), deadline));
        }
    }
    Ok(out)
}

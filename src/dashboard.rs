//! The commune's dashboard: what an officer shows at a meeting, computed from the store's public API
//! (no SQL here). Models by kind and status, activities per month of a year, members per security
//! team, and alerts derived from the data ("3 mô hình chưa sơ kết quá 12 tháng", "Tổ bảo vệ ANTT
//! Thôn 5 chưa có tổ phó").
//!
//! Every label and message is Vietnamese; numbers inside messages use Vietnamese separators.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::cert::{Level, OverviewRow, Subject};
use crate::domain::model::DISSOLVED;
use crate::domain::{DocExt, Kind, Record};
use crate::error::Result;
use crate::store::{Filter, ListQuery, Op, Store};
use crate::text::format_int;

/// How many records an alert names at most (its `count` is the full number).
pub const ALERT_ITEMS: usize = 50;

/// Months without a review after which an active model is flagged.
pub const REVIEW_MONTHS: u32 = 12;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// The day the dashboard was computed for, `yyyy-mm-dd`.
    pub today: String,
    /// The year of [`Dashboard::activities_by_month`].
    pub year: i32,
    /// Live records per register, in register order.
    pub totals: Vec<RegisterTotal>,
    /// Models by kind (reference list `model_kind`, in its order) and status.
    pub models_by_kind: Vec<ModelKindRow>,
    /// Activities per month of `year`: twelve entries, January first.
    pub activities_by_month: Vec<MonthCount>,
    /// Activities of `year` per category, in the reference list's order (categories with none left out).
    pub activities_by_category: Vec<CategoryCount>,
    /// Security teams with their members by role, in Vietnamese name order.
    pub members_by_team: Vec<TeamRow>,
    /// What needs the officer's attention, most pressing first.
    pub alerts: Vec<Alert>,
    /// Remediation tasks set by inspections, by state on `today`.
    pub remedies: crate::store::RemedyCounts,
    /// The year's targets and where they stand (`None`: no plan and no target from the province).
    pub plan: Option<crate::steer::Progress>,
    /// The key areas (`None`: a viewer the chief has not allowed to see them).
    pub key_areas: Option<crate::steer::KeyAreas>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterTotal {
    pub kind: Kind,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelKindRow {
    /// The `model_kind` code (`tu_quan`).
    pub kind: String,
    /// Its label (`Tự quản`).
    pub label: String,
    pub active: i64,
    pub dissolved: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    /// 1 to 12.
    pub month: u32,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub category: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub members: i64,
    pub leaders: i64,
    pub deputies: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// A stable code for the kind of alert (`model_not_reviewed`).
    pub code: &'static str,
    /// What the officer reads (`3 mô hình chưa sơ kết quá 12 tháng`).
    pub message: String,
    /// How many records the alert is about.
    pub count: i64,
    /// The records (at most [`ALERT_ITEMS`]), to open them.
    pub items: Vec<AlertItem>,
    /// A certification alert: its items open their certification page of this year.
    pub cert_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertItem {
    pub kind: Kind,
    pub id: Uuid,
    pub title: String,
}

fn all(store: &Store, kind: Kind, filters: Vec<Filter>) -> Result<Vec<Record>> {
    Ok(store.list(kind, &ListQuery { filters, ..ListQuery::default() })?.records)
}

/// The first [`ALERT_ITEMS`] of `ids`, with their titles.
fn items(store: &Store, kind: Kind, ids: &[Uuid]) -> Result<Vec<AlertItem>> {
    ids.iter().take(ALERT_ITEMS).map(|id| Ok(AlertItem { kind, id: *id, title: store.get(kind, *id)?.title })).collect()
}

/// An alert about the records `ids` of `kind` (counted by `many`); one record is named instead (`one`).
fn alert(
    store: &Store,
    code: &'static str,
    kind: Kind,
    ids: &[Uuid],
    many: impl Fn(&str) -> String,
    one: impl Fn(&str) -> String,
) -> Result<Option<Alert>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let items = items(store, kind, ids)?;
    let message = match ids {
        [_] => one(&items[0].title),
        _ => many(&format_int(ids.len() as i64)),
    };
    Ok(Some(Alert { code, message, count: ids.len() as i64, items, cert_year: None }))
}

/// `months` months before `d` (the day clamped to the month's end).
fn months_before(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_sub_months(chrono::Months::new(months)).unwrap_or(d)
}

/// The dashboard of the store as of `today`, for the year of `today`.
pub fn dashboard(store: &Store, today: NaiveDate) -> Result<Dashboard> {
    let year = today.year();
    let mut totals = Vec::new();
    for (kind, count) in store.counts()? {
        if store.may_read(kind)? {
            totals.push(RegisterTotal { kind, count });
        }
    }

    // Models by kind and status (counted by the store).
    let mut models_by_kind: Vec<ModelKindRow> = store
        .ref_items("model_kind")?
        .into_iter()
        .map(|i| ModelKindRow { kind: i.code, label: i.label, active: 0, dissolved: 0 })
        .collect();
    for g in store.group(Kind::Model, &["kind", "status"], None)? {
        let kind = g.keys[0].clone().unwrap_or_default();
        let row = match models_by_kind.iter().position(|r| r.kind == kind) {
            Some(i) => &mut models_by_kind[i],
            None => {
                // A kind the province withdrew: still counted, under its code.
                models_by_kind.push(ModelKindRow { label: kind.clone(), kind, active: 0, dissolved: 0 });
                models_by_kind.last_mut().expect("just pushed")
            }
        };
        if g.keys[1].as_deref() == Some(DISSOLVED) {
            row.dissolved += g.count as i64;
        } else {
            row.active += g.count as i64;
        }
    }
    // Every active model's founding date and areas, from the store's facts (no model is read whole).
    let active_models: Vec<(Uuid, Option<NaiveDate>, Vec<Uuid>)> = store
        .fact_rows(Kind::Model, &["status", "founded_on", "area_ids"])?
        .into_iter()
        .filter(|m| m.values[0].as_deref() != Some(DISSOLVED))
        .map(|m| {
            let founded = m.values[1].as_deref().and_then(|d| crate::date::parse_date(d).ok());
            let areas = m.values[2].as_deref().and_then(|a| serde_json::from_str(a).ok()).unwrap_or_default();
            (m.id, founded, areas)
        })
        .collect();

    // Activities of the year, per month and per category (counted by the store, not read one by one).
    let year_prefix = format!("{year:04}-");
    let mut by_month = [0i64; 12];
    let mut by_category: HashMap<String, i64> = HashMap::new();
    for g in store.group(Kind::Activity, &["date", "category"], None)? {
        let Some(date) = g.keys[0].as_deref().filter(|d| d.starts_with(&year_prefix)) else { continue };
        let Ok(d) = crate::date::parse_date(date.get(..10).unwrap_or(date)) else { continue };
        by_month[d.month0() as usize] += g.count as i64;
        *by_category.entry(g.keys[1].clone().unwrap_or_default()).or_default() += g.count as i64;
    }
    let activities_by_month =
        by_month.iter().enumerate().map(|(i, n)| MonthCount { month: i as u32 + 1, count: *n }).collect();
    let mut activities_by_category: Vec<CategoryCount> = store
        .ref_items("activity_category")?
        .into_iter()
        .filter_map(|i| {
            let count = by_category.remove(&i.code)?;
            Some(CategoryCount { category: i.code, label: i.label, count })
        })
        .collect();
    let mut rest: Vec<_> = by_category.into_iter().collect();
    rest.sort();
    activities_by_category.extend(rest.into_iter().map(|(c, count)| CategoryCount {
        label: c.clone(),
        category: c,
        count,
    }));

    // Members per team, by role.
    let teams = all(store, Kind::Team, Vec::new())?;
    let mut per_team: HashMap<Uuid, (i64, i64, i64)> = HashMap::new();
    for g in store.group(Kind::Member, &["team_id", "role"], None)? {
        let Some(team) = g.keys[0].as_deref().and_then(|t| Uuid::parse_str(t).ok()) else { continue };
        let e = per_team.entry(team).or_default();
        e.0 += g.count as i64;
        match g.keys[1].as_deref() {
            Some("to_truong") => e.1 += g.count as i64,
            Some("to_pho") => e.2 += g.count as i64,
            _ => {}
        }
    }
    let members_by_team: Vec<TeamRow> = teams
        .iter()
        .map(|t| {
            let (members, leaders, deputies) = per_team.get(&t.id).copied().unwrap_or_default();
            TeamRow { id: t.id, name: t.title.clone(), members, leaders, deputies }
        })
        .collect();

    // Alerts.
    let mut alerts = Vec::new();

    // Active models whose last review (or founding, if never reviewed) is more than 12 months ago.
    let mut last_review: HashMap<Uuid, NaiveDate> = HashMap::new();
    for g in store.group(Kind::Review, &["model_id"], Some("date"))? {
        if let (Some(m), Some(d)) = (
            g.keys[0].as_deref().and_then(|m| Uuid::parse_str(m).ok()),
            g.max.as_deref().and_then(|d| crate::date::parse_date(d).ok()),
        ) {
            last_review.insert(m, d);
        }
    }
    let limit = months_before(today, REVIEW_MONTHS);
    let stale: Vec<Uuid> = active_models
        .iter()
        .filter(|(id, founded, _)| match last_review.get(id) {
            Some(d) => *d < limit,
            None => founded.is_some_and(|f| f < limit),
        })
        .map(|m| m.0)
        .collect();
    alerts.extend(alert(
        store,
        "model_not_reviewed",
        Kind::Model,
        &stale,
        |n| format!("{n} mô hình chưa sơ kết quá {REVIEW_MONTHS} tháng"),
        |t| format!("Mô hình «{t}» chưa sơ kết quá {REVIEW_MONTHS} tháng"),
    )?);

    // Teams without a leader or a deputy.
    for (code, role, pick) in [
        ("team_without_leader", "tổ trưởng", (|r: &TeamRow| r.leaders == 0) as fn(&TeamRow) -> bool),
        ("team_without_deputy", "tổ phó", |r: &TeamRow| r.deputies == 0),
    ] {
        let lacking: Vec<Uuid> = members_by_team.iter().filter(|r| pick(r)).map(|r| r.id).collect();
        alerts.extend(alert(
            store,
            code,
            Kind::Team,
            &lacking,
            |n| format!("{n} tổ bảo vệ ANTT chưa có {role}"),
            |t| format!("{} chưa có {role}", crate::text::capitalise(t)),
        )?);
    }

    // Members older than 70 today (eligibility is 18–70).
    let born_by = crate::date::iso(months_before(today, 71 * 12));
    let old: Vec<Uuid> =
        all(store, Kind::Member, vec![Filter { field: "date_of_birth".into(), op: Op::Le, value: born_by }])?
            .iter()
            .filter(|m| m.data.date_of("date_of_birth").is_some_and(|b| crate::date::age_on(b, today) > 70))
            .map(|m| m.id)
            .collect();
    alerts.extend(alert(
        store,
        "member_over_age",
        Kind::Member,
        &old,
        |n| format!("{n} thành viên tổ bảo vệ ANTT đã quá 70 tuổi"),
        |t| format!("Thành viên {t} đã quá 70 tuổi"),
    )?);

    // Areas where not every household registered in the movement (criterion 1 asks for 100%).
    let areas = store.fact_rows(Kind::Area, &["households", "households_registered"])?;
    let int = |v: &Option<String>| v.as_deref().and_then(|n| n.parse::<i64>().ok());
    let short: Vec<Uuid> = areas
        .iter()
        .filter(|a| match (int(&a.values[0]), int(&a.values[1])) {
            (Some(total), Some(reg)) => reg < total,
            (Some(total), None) => total > 0,
            _ => false,
        })
        .map(|a| a.id)
        .collect();
    alerts.extend(alert(
        store,
        "area_not_fully_registered",
        Kind::Area,
        &short,
        |n| format!("{n} khu dân cư chưa đủ 100% hộ đăng ký tham gia phong trào"),
        |t| format!("{t} chưa đủ 100% hộ đăng ký tham gia phong trào"),
    )?);

    // Areas with no active model (the commune needs effective models everywhere).
    let with_model: HashSet<Uuid> = active_models.iter().flat_map(|m| m.2.iter().copied()).collect();
    let bare: Vec<Uuid> = areas.iter().map(|a| a.id).filter(|a| !with_model.contains(a)).collect();
    alerts.extend(alert(
        store,
        "area_without_model",
        Kind::Area,
        &bare,
        |n| format!("{n} khu dân cư chưa có mô hình tự quản đang hoạt động"),
        |t| format!("{t} chưa có mô hình tự quản đang hoạt động"),
    )?);

    // Certification deadlines of the year ("An toàn về ANTT") of the areas and units: passed, then
    // close (the commune's own are on the certification page).
    let cert_year = crate::store::cert::current_year(today);
    let mut rows = store.cert_overview(cert_year, today)?;
    rows.retain(|r| r.subject_id.is_some());
    for (code, level, many, one) in [
        (
            "cert_late",
            Level::Late,
            "đơn vị trễ hạn xét công nhận «An toàn về ANTT»",
            "trễ hạn xét công nhận «An toàn về ANTT»",
        ),
        (
            "cert_due_soon",
            Level::Soon,
            "đơn vị sắp đến hạn xét công nhận «An toàn về ANTT»",
            "sắp đến hạn xét công nhận «An toàn về ANTT»",
        ),
    ] {
        let hit: Vec<&OverviewRow> = rows.iter().filter(|r| r.warnings.iter().any(|w| w.level == level)).collect();
        if hit.is_empty() {
            continue;
        }
        let items: Vec<AlertItem> = hit
            .iter()
            .filter_map(|r| {
                let kind = if r.subject == Subject::KhuDanCu { Kind::Area } else { Kind::Unit };
                r.subject_id.map(|id| AlertItem { kind, id, title: r.name.clone() })
            })
            .take(ALERT_ITEMS)
            .collect();
        let message = match hit.as_slice() {
            [r] => format!("{} {one} (năm {cert_year})", r.name),
            _ => format!("{} {many} (năm {cert_year})", format_int(hit.len() as i64)),
        };
        alerts.push(Alert { code, message, count: hit.len() as i64, items, cert_year: Some(cert_year) });
    }

    // Remediation tasks past their deadline, most overdue first.
    let tasks = store.remedies(today)?;
    let mut late: Vec<&crate::store::RemedyRow> =
        tasks.iter().filter(|r| r.state.status == crate::domain::inspection::TaskStatus::Overdue).collect();
    late.sort_by_key(|r| std::cmp::Reverse(r.state.days));
    let late: Vec<Uuid> = late.iter().map(|r| r.task.id).collect();
    alerts.extend(alert(
        store,
        "remedy_overdue",
        Kind::Remedy,
        &late,
        |n| format!("{n} nhiệm vụ khắc phục sau kiểm tra đã quá hạn"),
        |t| format!("Nhiệm vụ khắc phục «{t}» đã quá hạn"),
    )?);
    let remedies = crate::store::RemedyCounts::of(&tasks);
    // The year's targets behind their pace, and key areas past their deadline or not assessed.
    let plan = crate::steer::progress_of_store(store, crate::steer::current_year(store, today)?, today)?;
    if let Some(p) = &plan {
        let behind: Vec<&crate::steer::TargetProgress> = p.behind().collect();
        if !behind.is_empty() {
            let items = p
                .plan
                .iter()
                .map(|(id, title)| AlertItem { kind: Kind::Plan, id: *id, title: title.clone() })
                .collect();
            let message = match behind.as_slice() {
                [t] => format!(
                    "Chỉ tiêu «{}» năm {} chậm tiến độ ({}/{})",
                    t.label,
                    p.year,
                    t.done_text(),
                    t.target_text()
                ),
                _ => format!("{} chỉ tiêu năm {} chậm tiến độ", format_int(behind.len() as i64), p.year),
            };
            alerts.push(Alert { code: "target_behind", message, count: behind.len() as i64, items, cert_year: None });
        }
    }
    let key_areas = crate::steer::key_areas(store, today)?;
    if let Some(k) = &key_areas {
        let overdue: Vec<Uuid> = k.overdue.iter().map(|o| o.0).collect();
        alerts.extend(alert(
            store,
            "key_area_overdue",
            Kind::KeyArea,
            &overdue,
            |n| format!("{n} địa bàn trọng điểm đã quá thời hạn chuyển hóa"),
            |t| format!("Địa bàn trọng điểm «{t}» đã quá thời hạn chuyển hóa"),
        )?);
        let stale: Vec<Uuid> = k.not_assessed.iter().map(|o| o.0).collect();
        let months = crate::steer::ASSESS_MONTHS;
        alerts.extend(alert(
            store,
            "key_area_not_assessed",
            Kind::KeyArea,
            &stale,
            |n| format!("{n} địa bàn trọng điểm chưa được đánh giá quá {months} tháng"),
            |t| format!("Địa bàn trọng điểm «{t}» chưa được đánh giá quá {months} tháng"),
        )?);
    }

    Ok(Dashboard {
        today: crate::date::iso(today),
        year,
        totals,
        models_by_kind,
        activities_by_month,
        activities_by_category,
        members_by_team,
        alerts,
        remedies,
        plan,
        key_areas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Doc;
    use serde_json::{Value, json};

    fn doc(v: Value) -> Doc {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn store() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        s.init(&crate::demo::demo_setup()).unwrap();
        s
    }

    fn today() -> NaiveDate {
        chrono::Local::now().date_naive()
    }

    #[test]
    fn empty_store_has_twelve_months_and_no_alerts() {
        let s = store();
        let d = dashboard(&s, today()).unwrap();
        assert_eq!(d.activities_by_month.len(), 12);
        assert!(d.activities_by_month.iter().all(|m| m.count == 0));
        assert_eq!(d.models_by_kind.len(), 4);
        assert!(d.alerts.is_empty(), "{:?}", d.alerts);
        assert!(d.totals.iter().all(|t| t.count == 0));
    }

    #[test]
    fn counts_and_alerts_follow_the_data() {
        let mut s = store();
        let t = today();
        let area = s
            .create(
                Kind::Area,
                &doc(json!({"name": "Thôn 5", "kind": "thon", "households": 100, "households_registered": 90, "population": 400})),
            )
            .unwrap()
            .id;
        let founded = crate::date::iso(months_before(t, 20));
        let model = s
            .create(
                Kind::Model,
                &doc(json!({"name": "Camera an ninh thôn 5", "kind": "tu_bao_ve", "area_ids": [area.to_string()], "founded_on": founded})),
            )
            .unwrap()
            .id;
        let d = dashboard(&s, t).unwrap();
        let tu_bao_ve = d.models_by_kind.iter().find(|r| r.kind == "tu_bao_ve").unwrap();
        assert_eq!((tu_bao_ve.active, tu_bao_ve.dissolved), (1, 0));
        // (The area's certification deadlines depend on the day: tested below with a fixed one.)
        let codes: Vec<&str> = d.alerts.iter().map(|a| a.code).filter(|c| !c.starts_with("cert_")).collect();
        assert_eq!(codes, ["model_not_reviewed", "area_not_fully_registered"]);
        assert_eq!(d.alerts[0].message, "Mô hình «Camera an ninh thôn 5» chưa sơ kết quá 12 tháng");
        assert_eq!(d.alerts[1].message, "Thôn 5 chưa đủ 100% hộ đăng ký tham gia phong trào");

        // A review today clears the first alert; a dissolution moves the model to "dissolved".
        s.review_model(model, &doc(json!({"date": crate::date::iso(t), "kind": "so_ket", "rating": "hieu_qua"})))
            .unwrap();
        let d = dashboard(&s, t).unwrap();
        assert!(d.alerts.iter().all(|a| a.code != "model_not_reviewed"));
        s.dissolve_model(model, &crate::date::iso(t), "Không còn hiệu quả").unwrap();
        let d = dashboard(&s, t).unwrap();
        let tu_bao_ve = d.models_by_kind.iter().find(|r| r.kind == "tu_bao_ve").unwrap();
        assert_eq!((tu_bao_ve.active, tu_bao_ve.dissolved), (0, 1));
        assert!(d.alerts.iter().any(|a| a.code == "area_without_model" && a.count == 1));

        // A team with no members lacks a leader and a deputy, named in the message.
        s.create(Kind::Team, &doc(json!({"name": "Tổ bảo vệ ANTT thôn 5", "area_ids": [area.to_string()]}))).unwrap();
        let d = dashboard(&s, t).unwrap();
        let deputy = d.alerts.iter().find(|a| a.code == "team_without_deputy").unwrap();
        assert_eq!(deputy.message, "Tổ bảo vệ ANTT thôn 5 chưa có tổ phó");
        assert_eq!(d.members_by_team.len(), 1);
        assert_eq!(d.members_by_team[0].members, 0);
    }

    #[test]
    fn demo_commune_dashboard_adds_up() {
        let mut s = store();
        crate::demo::generate(&mut s, &crate::demo::DemoOptions::default(), &mut |_, _| {}).unwrap();
        let t = today();
        let d = dashboard(&s, t).unwrap();
        let models: i64 = d.models_by_kind.iter().map(|r| r.active + r.dissolved).sum();
        let total = |k: Kind| d.totals.iter().find(|x| x.kind == k).unwrap().count;
        assert_eq!(models, total(Kind::Model));
        let members: i64 = d.members_by_team.iter().map(|r| r.members).sum();
        assert_eq!(members, total(Kind::Member));
        let by_month: i64 = d.activities_by_month.iter().map(|m| m.count).sum();
        let by_category: i64 = d.activities_by_category.iter().map(|m| m.count).sum();
        assert_eq!(by_month, by_category);
        // The store's grouped counts agree with reading the records.
        let year = d.year;
        let listed = s
            .list(
                Kind::Activity,
                &ListQuery {
                    filters: vec![
                        Filter { field: "date".into(), op: Op::Ge, value: format!("{year}-01-01") },
                        Filter { field: "date".into(), op: Op::Le, value: format!("{year}-12-31") },
                    ],
                    ..ListQuery::default()
                },
            )
            .unwrap()
            .total;
        assert_eq!(by_month, listed as i64);
        let reviews: u64 = s.group(Kind::Review, &["model_id"], Some("date")).unwrap().iter().map(|g| g.count).sum();
        assert_eq!(reviews as i64, total(Kind::Review));
        assert_eq!(s.group(Kind::Review, &[], None).unwrap()[0].count as i64, total(Kind::Review));
        for a in &d.alerts {
            assert!(a.count >= a.items.len() as i64 && !a.items.is_empty(), "{a:?}");
        }
    }

    #[test]
    fn certification_deadlines_are_under_attention() {
        let mut s = store();
        for name in ["Thôn 1", "Thôn 2"] {
            let area = json!({"name": name, "kind": "thon", "households": 10, "households_registered": 10,
                "households_committed": 10, "population": 40});
            s.create(Kind::Area, &doc(area)).unwrap();
        }
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        let cert = |d: &Dashboard| d.alerts.iter().filter(|a| a.code.starts_with("cert_")).cloned().collect::<Vec<_>>();
        // Mid-March: registration is due within the fortnight.
        let d = dashboard(&s, day(3, 20)).unwrap();
        let a = cert(&d);
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].code, "cert_due_soon");
        assert_eq!(a[0].message, "2 đơn vị sắp đến hạn xét công nhận «An toàn về ANTT» (năm 2025)");
        assert_eq!((a[0].count, a[0].items.len(), a[0].cert_year), (2, 2, Some(2025)));
        assert_eq!(a[0].items[0].kind, Kind::Area);
        // In May, it has passed; the commune's own registration is not counted here.
        let d = dashboard(&s, day(5, 5)).unwrap();
        let a = cert(&d);
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!((a[0].code, a[0].count), ("cert_late", 2));
        // A unit registered drops out of the list.
        let id = s.list(Kind::Area, &ListQuery::default()).unwrap().records[0].id;
        s.cert_advance(
            Some(id),
            2025,
            &doc(json!({"registered_on": "01/03/2025", "resolution_number": "1-NQ/CB",
            "resolution_date": "01/03/2025"})),
        )
        .unwrap();
        let a = cert(&dashboard(&s, day(5, 5)).unwrap());
        assert_eq!(a[0].message, format!("{} trễ hạn xét công nhận «An toàn về ANTT» (năm 2025)", a[0].items[0].title));
        assert_ne!(a[0].items[0].id, id);
    }

    #[test]
    fn months_before_clamps_to_the_end_of_month() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
        assert_eq!(months_before(d, 1), NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
        assert_eq!(months_before(d, 12), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
    }
}

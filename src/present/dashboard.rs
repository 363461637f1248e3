//! The dashboard as the window shows it: [`crate::dashboard`]'s figures, with each register named
//! as everywhere else and counts in the window's number type.

use serde::Serialize;
use uuid::Uuid;

use super::record::{LinkRef, RegisterInfo, count as n, register_info};
use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Dashboard {
    /// `yyyy-mm-dd`.
    pub today: String,
    pub year: i32,
    pub totals: Vec<RegisterInfo>,
    pub models_by_kind: Vec<ModelKindRow>,
    pub activities_by_month: Vec<u32>,
    pub activities_by_category: Vec<CategoryCount>,
    pub members_by_team: Vec<TeamRow>,
    pub alerts: Vec<Alert>,
    /// Remediation tasks after inspections: open, overdue, done; answers waiting for review.
    pub remedies: crate::store::RemedyCounts,
    /// The province's review of the recent reporting periods (the current one first).
    pub periods: Vec<super::review::ReviewPeriod>,
    /// Reasons of returns still to be done ("Công an tỉnh trả lại").
    pub returned_open: u32,
    /// The year's targets and their progress (`None`: no target this year).
    pub plan: Option<PlanProgress>,
    /// Key areas by status (`None`: not shown to this account).
    pub key_areas: Option<KeyAreas>,
}

/// The year's targets as the dashboard shows them: done / target and the pace.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanProgress {
    pub year: i32,
    /// "Theo Kế hoạch số 12/KH-CAX" or "Chỉ tiêu do Công an tỉnh giao (xã chưa lập kế hoạch năm 2026)".
    pub source: String,
    /// The plan to open, if any.
    pub plan: Option<LinkRef>,
    /// "Đã qua 95% thời gian của năm (15/12/2025 – 14/12/2026)".
    pub elapsed_text: String,
    pub elapsed: u32,
    pub targets: Vec<TargetRow>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetRow {
    pub code: String,
    pub label: String,
    /// "12" or "7/10 đơn vị (70%)".
    pub done: String,
    /// "24" or "80%".
    pub target: String,
    /// 0 to 100: how much of the target is done (a bar's length).
    pub share: u32,
    /// `done`, `on_track`, `behind`, `waiting`.
    pub pace: String,
    /// "Đã đạt", "Đúng tiến độ", "Chậm tiến độ (cần 22 đến nay)", "Chờ kết quả xét cuối năm".
    pub pace_text: String,
}

/// Key areas by status and what needs attention.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyAreas {
    pub by_status: Vec<StatusCount>,
    pub overdue: Vec<LinkRef>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCount {
    pub status: String,
    pub label: String,
    pub count: u32,
}

/// The progress as the window shows it.
pub fn plan_progress(p: &crate::steer::Progress) -> PlanProgress {
    use crate::steer::{Pace, Source};
    let date = |s: &str| crate::date::parse_date(s).map(crate::date::display).unwrap_or_default();
    PlanProgress {
        year: p.year,
        source: match (&p.source, &p.plan) {
            (Source::Plan, Some((_, title))) => format!("Theo {title}"),
            _ => format!("Chỉ tiêu do Công an tỉnh giao (xã chưa lập kế hoạch năm {})", p.year),
        },
        plan: p.plan.as_ref().map(|(id, title)| LinkRef {
            kind: crate::domain::Kind::Plan,
            id: *id,
            title: title.clone(),
        }),
        elapsed_text: format!("Đã qua {}% thời gian của năm ({} – {})", p.elapsed, date(&p.start), date(&p.end)),
        elapsed: n(p.elapsed),
        targets: p
            .targets
            .iter()
            .map(|t| {
                let share = match t.of {
                    Some(of) if t.percent => {
                        if of > 0 && t.target > 0 {
                            t.done * 100 * 100 / (of * t.target)
                        } else {
                            0
                        }
                    }
                    _ => {
                        if t.target > 0 {
                            t.done * 100 / t.target
                        } else {
                            0
                        }
                    }
                };
                TargetRow {
                    code: t.code.clone(),
                    label: t.label.clone(),
                    done: t.done_text(),
                    target: t.target_text(),
                    share: n(share.min(100)),
                    pace: t.pace.code().into(),
                    pace_text: match t.pace {
                        Pace::Behind if !t.percent && t.expected > t.done => {
                            format!("{} (cần {} đến nay)", t.pace.label(), crate::text::format_int(t.expected))
                        }
                        pace => pace.label().into(),
                    },
                }
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelKindRow {
    pub kind: String,
    pub label: String,
    pub active: u32,
    pub dissolved: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CategoryCount {
    pub category: String,
    pub label: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub members: u32,
    pub leaders: u32,
    pub deputies: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Alert {
    pub code: String,
    pub message: String,
    pub count: u32,
    pub items: Vec<LinkRef>,
    /// A certification alert: its items open their certification page of this year.
    pub cert_year: Option<i32>,
}

/// The dashboard of the commune's store on `today`.
pub fn dashboard(store: &Store, today: chrono::NaiveDate) -> Result<Dashboard> {
    let mut d: Dashboard = crate::dashboard::dashboard(store, today)?.into();
    d.periods = super::review::recent(store, today, 3)?;
    d.returned_open = super::review::commune(store)?.open;
    Ok(d)
}

impl From<crate::dashboard::Dashboard> for Dashboard {
    fn from(d: crate::dashboard::Dashboard) -> Dashboard {
        Dashboard {
            today: d.today,
            year: d.year,
            totals: d.totals.into_iter().map(|t| register_info(t.kind, t.count)).collect(),
            models_by_kind: d
                .models_by_kind
                .into_iter()
                .map(|r| ModelKindRow { kind: r.kind, label: r.label, active: n(r.active), dissolved: n(r.dissolved) })
                .collect(),
            activities_by_month: d.activities_by_month.into_iter().map(|m| n(m.count)).collect(),
            activities_by_category: d
                .activities_by_category
                .into_iter()
                .map(|c| CategoryCount { category: c.category, label: c.label, count: n(c.count) })
                .collect(),
            members_by_team: d
                .members_by_team
                .into_iter()
                .map(|t| TeamRow {
                    id: t.id,
                    name: t.name,
                    members: n(t.members),
                    leaders: n(t.leaders),
                    deputies: n(t.deputies),
                })
                .collect(),
            alerts: d
                .alerts
                .into_iter()
                .map(|a| Alert {
                    code: a.code.into(),
                    message: a.message,
                    count: n(a.count),
                    items: a.items.into_iter().map(|i| LinkRef { kind: i.kind, id: i.id, title: i.title }).collect(),
                    cert_year: a.cert_year,
                })
                .collect(),
            remedies: d.remedies,
            periods: Vec::new(),
            returned_open: 0,
            plan: d.plan.as_ref().map(plan_progress),
            key_areas: d.key_areas.map(|k| KeyAreas {
                by_status: k
                    .by_status
                    .into_iter()
                    .map(|(status, label, count)| StatusCount { status, label, count: n(count) })
                    .collect(),
                overdue: k
                    .overdue
                    .into_iter()
                    .map(|(id, title, _)| LinkRef { kind: crate::domain::Kind::KeyArea, id, title })
                    .collect(),
            }),
        }
    }
}

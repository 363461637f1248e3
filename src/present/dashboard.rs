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
        }
    }
}

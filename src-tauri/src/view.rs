//! What crosses IPC besides errors. What the window shows (register names, lists, records, forms,
//! links, whether a record is read-only) is decided by the core's presentation layer
//! (`phongtrao::present`), whose types derive `specta::Type`; this module adds the list's arguments
//! as the window sends them and converts the dashboard's figures to the window's number type.

pub use phongtrao::Kind;
use phongtrao::present::record::count as n;
pub use phongtrao::present::record::{
    Choice, Column, FieldSpec, Input, LinkRef, ListPage, ModelView, RecordView, RegisterInfo, Row, ValueView,
    field_spec, list_page, model_view, record_view, register_info,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ge,
    Le,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct FilterArg {
    pub field: String,
    pub op: FilterOp,
    pub value: String,
}

/// What a list asks for: search words (accents ignored), filters, a sort (`field` or `-field`) and a page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
pub struct ListArgs {
    pub search: Option<String>,
    pub filters: Vec<FilterArg>,
    pub sort: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl ListArgs {
    pub fn query(&self) -> phongtrao::store::ListQuery {
        use phongtrao::store::{Filter, Op};
        phongtrao::store::ListQuery {
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            filters: self
                .filters
                .iter()
                .map(|f| Filter {
                    field: f.field.clone(),
                    op: match f.op {
                        FilterOp::Eq => Op::Eq,
                        FilterOp::Ge => Op::Ge,
                        FilterOp::Le => Op::Le,
                    },
                    value: f.value.clone(),
                })
                .collect(),
            sort: self.sort.clone(),
            limit: Some(self.limit.clamp(1, 500)),
            offset: self.offset,
            include_deleted: false,
        }
    }
}

/// The result of a write: the record's id and warnings the officer should read.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Saved {
    pub id: Uuid,
    pub warnings: Vec<String>,
}

impl From<phongtrao::Saved> for Saved {
    fn from(s: phongtrao::Saved) -> Saved {
        Saved { id: s.id, warnings: s.warnings }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Hit {
    pub kind: Kind,
    pub id: Uuid,
    pub title: String,
    /// Why it matched: the fields holding a word of the query (label and value as written).
    pub matched: Vec<HitMatch>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct HitMatch {
    pub key: String,
    pub label: String,
    pub text: String,
}

impl From<phongtrao::store::Found> for Hit {
    fn from(f: phongtrao::store::Found) -> Hit {
        Hit {
            kind: f.hit.kind,
            id: f.hit.id,
            title: f.hit.title,
            matched: f.matched.into_iter().map(|m| HitMatch { key: m.key, label: m.label, text: m.text }).collect(),
        }
    }
}

// --- Dashboard (mirrors phongtrao::dashboard) ---

#[derive(Debug, Clone, Serialize, Type)]
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
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ModelKindRow {
    pub kind: String,
    pub label: String,
    pub active: u32,
    pub dissolved: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct CategoryCount {
    pub category: String,
    pub label: String,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub members: u32,
    pub leaders: u32,
    pub deputies: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Alert {
    pub code: String,
    pub message: String,
    pub count: u32,
    pub items: Vec<LinkRef>,
    /// A certification alert: its items open their certification page of this year.
    pub cert_year: Option<i32>,
}

impl From<phongtrao::dashboard::Dashboard> for Dashboard {
    fn from(d: phongtrao::dashboard::Dashboard) -> Dashboard {
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
        }
    }
}

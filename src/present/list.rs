//! What a list or a search asks for, and what it gets back, as the window sends and reads them: the
//! page size and the search's length are decided here, not in the shell.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Kind;
use crate::error::Result;
use crate::store::{Filter, ListQuery, Op, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ge,
    Le,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FilterArg {
    pub field: String,
    pub op: FilterOp,
    pub value: String,
}

/// What a list asks for: search words (accents ignored), filters, a sort (`field` or `-field`) and a page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListArgs {
    pub search: Option<String>,
    pub filters: Vec<FilterArg>,
    pub sort: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl ListArgs {
    /// The store's query: blank search words ask for nothing, a page holds 1 to 500 rows.
    pub fn query(&self) -> ListQuery {
        ListQuery {
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

/// A record found by the search across every register.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hit {
    pub kind: Kind,
    pub id: Uuid,
    pub title: String,
    /// Why it matched: the fields holding a word of the query (label and value as written).
    pub matched: Vec<HitMatch>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HitMatch {
    pub key: String,
    pub label: String,
    pub text: String,
}

impl From<crate::store::Found> for Hit {
    fn from(f: crate::store::Found) -> Hit {
        Hit {
            kind: f.hit.kind,
            id: f.hit.id,
            title: f.hit.title,
            matched: f.matched.into_iter().map(|m| HitMatch { key: m.key, label: m.label, text: m.text }).collect(),
        }
    }
}

/// The search across every register, accents ignored, each record with the fields that made it match:
/// `limit` records at the most (30 when not given, never more than 100).
pub fn search(store: &Store, text: &str, limit: Option<u32>) -> Result<Vec<Hit>> {
    Ok(store.search_explained(text, None, limit.unwrap_or(30).min(100))?.into_iter().map(Hit::from).collect())
}

/// The result of a write: the record's id and warnings the officer should read.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Saved {
    pub id: Uuid,
    pub warnings: Vec<String>,
}

impl From<crate::Saved> for Saved {
    fn from(s: crate::Saved) -> Saved {
        Saved { id: s.id, warnings: s.warnings }
    }
}

//! Lists (filter, sort, paging) and accent-insensitive search.

use rusqlite::Connection;
use rusqlite::types::ToSql;
use serde::Serialize;
use uuid::Uuid;

use super::{RECORD_COLUMNS, record_from_row};
use crate::domain::{self, FieldType, Kind, Record};
use crate::error::{Error, Result};
use crate::text;

pub use crate::domain::filter::{Filter, Labels, Op, Sort, SortBy, Wanted};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Accent-insensitive words that every record listed must contain.
    pub search: Option<String>,
    pub filters: Vec<Filter>,
    /// A field to sort by (`-field` for descending); default the title in Vietnamese order.
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub offset: u32,
    /// Include tombstones of deleted records.
    pub include_deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// How many records match, whatever the paging.
    pub total: u64,
    pub records: Vec<Record>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub id: Uuid,
    pub kind: Kind,
    pub title: String,
}

/// A search result and why it matched ([`Store::search_explained`](super::Store::search_explained)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    #[serde(flatten)]
    pub hit: Hit,
    /// The fields holding a word of the query, in the register's order; empty when only the title did.
    pub matched: Vec<crate::domain::SearchMatch>,
}

/// The FTS5 query matching records that contain every word of `s` as a word prefix, accents ignored.
fn fts_query(s: &str) -> Option<String> {
    let tokens = text::search_tokens(s);
    if tokens.is_empty() {
        return None;
    }
    // Tokens are folded alphanumerics only, so quoting them cannot break the FTS syntax.
    Some(tokens.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" "))
}

pub(super) fn list(conn: &Connection, kind: Kind, q: &ListQuery) -> Result<Page> {
    let mut wh = vec!["r.kind = ?".to_owned()];
    let mut args: Vec<Box<dyn ToSql>> = vec![Box::new(kind.code())];
    if !q.include_deleted {
        wh.push("r.deleted = 0".into());
    }
    if let Some(m) = q.search.as_deref().and_then(fts_query) {
        wh.push("r.rowid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH ?)".into());
        args.push(Box::new(m));
    }
    for f in &q.filters {
        let field = domain::filter::field_of(kind, &f.field)?;
        let wanted = f.wanted(field.as_ref())?;
        let op = match f.op {
            Op::Eq => "=",
            Op::Ge => ">=",
            Op::Le => "<=",
        };
        let ty = field.as_ref().map(|f| &f.ty);
        // A field kept in `record_fact` is compared there, without reading the records' JSON.
        let fact = match ty {
            Some(FieldType::Date | FieldType::DateTime | FieldType::Enum { .. } | FieldType::Ref { .. })
            | Some(FieldType::Link { .. }) => fact_column(kind, &f.field),
            _ => None,
        };
        let mut cond_args: Vec<Box<dyn ToSql>> = Vec::new();
        let v = match fact {
            Some(col) => format!("f.{col}"),
            None => {
                cond_args.push(Box::new(format!("$.{}", f.field)));
                "json_extract(r.data, ?)".to_owned()
            }
        };
        let listed = matches!(ty, Some(FieldType::Links { .. } | FieldType::Refs { .. } | FieldType::TextList));
        let cond = match wanted {
            Wanted::Raw(s) if listed => {
                cond_args.push(Box::new(s));
                format!("EXISTS (SELECT 1 FROM json_each(r.data, ?) j WHERE j.value {op} ?)")
            }
            Wanted::Int(n) => {
                cond_args.push(Box::new(n));
                format!("{v} {op} ?")
            }
            Wanted::Bool(b) => {
                cond_args.push(Box::new(b));
                format!("{v} {op} ?")
            }
            // Accent-insensitive "contains" for free text.
            Wanted::Contains(s) => {
                cond_args.push(Box::new(s));
                format!("instr(vi_fold({v}), ?) > 0")
            }
            Wanted::Date(d) => {
                let cond = format!("substr({v}, 1, {}) {op} ?", d.len());
                cond_args.push(Box::new(d));
                cond
            }
            Wanted::Code(c) => {
                cond_args.push(Box::new(c));
                format!("{v} {op} ?")
            }
            Wanted::Raw(s) => {
                cond_args.push(Box::new(s));
                format!("CAST({v} AS TEXT) {op} ?")
            }
        };
        match fact {
            Some(_) => {
                wh.push(format!("r.rowid IN (SELECT f.rid FROM record_fact f WHERE f.kind = ? AND {cond})"));
                args.push(Box::new(kind.code()));
            }
            None => wh.push(cond),
        }
        args.extend(cond_args);
    }
    let where_sql = wh.join(" AND ");
    let total: i64 = {
        let sql = format!("SELECT count(*) FROM record r WHERE {where_sql}");
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        conn.prepare_cached(&sql)?.query_row(params.as_slice(), |r| r.get(0))?
    };
    // The order is read by `domain::filter::Sort`, which the province's drill-down orders by too.
    let sort = Sort::parse(kind, q.sort.as_deref())?;
    let desc = if sort.desc { " DESC" } else { "" };
    let order = match sort.by {
        SortBy::Title => format!("r.sort_key{desc}, r.id{desc}"),
        SortBy::Changed => format!("r.seq{desc}"),
        SortBy::Field { name, vi } => {
            let collate = if vi { " COLLATE vi" } else { "" };
            args.push(Box::new(format!("$.{name}")));
            format!("json_extract(r.data, ?){collate}{desc}, r.sort_key, r.id")
        }
        // By what the code reads as (its label, in Vietnamese order), then the code itself (a code
        // the list lacks reads as nothing).
        SortBy::Label { name, labels } => {
            let path = format!("$.{name}");
            let read = match labels {
                Labels::Fixed(options) => {
                    args.push(Box::new(path.clone()));
                    let mut case = String::from("CASE json_extract(r.data, ?)");
                    for (code, label) in options {
                        args.push(Box::new(code));
                        args.push(Box::new(label));
                        case.push_str(" WHEN ? THEN ?");
                    }
                    case.push_str(" END");
                    case
                }
                Labels::List(list) => {
                    args.push(Box::new(list));
                    args.push(Box::new(path.clone()));
                    "(SELECT i.label FROM ref_item i WHERE i.list = ? AND i.code = json_extract(r.data, ?))".to_owned()
                }
            };
            args.push(Box::new(path));
            format!("{read} COLLATE vi{desc}, json_extract(r.data, ?){desc}, r.sort_key, r.id")
        }
    };
    let sql = format!(
        "SELECT {cols} FROM record r WHERE {where_sql} ORDER BY {order} LIMIT ? OFFSET ?",
        cols = RECORD_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ")
    );
    args.push(Box::new(q.limit.map_or(-1, i64::from)));
    args.push(Box::new(i64::from(q.offset)));
    let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params.as_slice(), record_from_row)?;
    let records = rows.collect::<rusqlite::Result<_>>()?;
    Ok(Page { total: total as u64, records })
}

pub(super) fn search(conn: &Connection, s: &str, kind: Option<Kind>, limit: u32) -> Result<Vec<Hit>> {
    let Some(m) = fts_query(s) else { return Ok(Vec::new()) };
    // Walk the covering index in Vietnamese order and keep what the full-text match found: a common
    // word stops after `limit` rows, a rare one reads only the small index (see migration 0003).
    let mut st = conn.prepare_cached(
        "SELECT r.id, r.kind, r.title FROM record r INDEXED BY record_search
         WHERE r.deleted = 0 AND (?2 IS NULL OR r.kind = ?2)
           AND r.rowid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH ?1)
         ORDER BY r.sort_key LIMIT ?3",
    )?;
    let rows = st.query_map(rusqlite::params![m, kind.map(Kind::code), limit], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    rows.map(|r| {
        let (id, k, title) = r?;
        Ok(Hit {
            id: Uuid::parse_str(&id).map_err(|e| Error::Json(e.to_string()))?,
            kind: Kind::parse(&k).ok_or_else(|| Error::Json(format!("unknown kind {k}")))?,
            title,
        })
    })
    .collect()
}

/// The fields of a kind kept in `record_fact` (migration 0007, kept by triggers), with their columns.
/// Grouping or filtering by them reads that narrow table instead of every record's JSON.
const FACTS: &[(Kind, &str, &str)] = &[
    (Kind::Activity, "date", "date"),
    (Kind::Activity, "category", "category"),
    (Kind::Member, "team_id", "team_id"),
    (Kind::Member, "role", "role"),
    (Kind::Member, "date_of_birth", "date_of_birth"),
    (Kind::Review, "date", "date"),
    (Kind::Review, "model_id", "model_id"),
    (Kind::Model, "kind", "model_kind"),
    (Kind::Model, "status", "status"),
    (Kind::Cert, "year", "year"),
    (Kind::Cert, "subject", "subject"),
    (Kind::Cert, "area_id", "area_id"),
    (Kind::Cert, "unit_id", "unit_id"),
    (Kind::Cert, "review.meeting_id", "meeting_id"),
    (Kind::Model, "founded_on", "founded_on"),
    (Kind::Area, "households", "households"),
    (Kind::Area, "households_registered", "households_registered"),
];

/// Fields kept in `record_fact` as JSON text (lists): read with [`fact_rows`], never compared whole.
const LIST_FACTS: &[(Kind, &str, &str)] = &[(Kind::Model, "area_ids", "area_ids")];

/// The `record_fact` column that keeps `field` of `kind`, if any.
pub(super) fn fact_column(kind: Kind, field: &str) -> Option<&'static str> {
    FACTS.iter().find(|(k, f, _)| *k == kind && *f == field).map(|(_, _, c)| *c)
}

/// One live record's facts: its id and the values asked for, as text (a list as its JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactRow {
    pub id: Uuid,
    pub values: Vec<Option<String>>,
}

/// The facts `fields` of every live record of `kind`, in Vietnamese title order, read from
/// `record_fact` and the kind-and-title index only (no record is read).
pub(super) fn fact_rows(conn: &Connection, kind: Kind, fields: &[&str]) -> Result<Vec<FactRow>> {
    let cols = fields
        .iter()
        .map(|f| {
            fact_column(kind, f)
                .or_else(|| LIST_FACTS.iter().find(|(k, n, _)| *k == kind && n == f).map(|(_, _, c)| *c))
                .map(|c| format!("f.{c}"))
                .ok_or_else(|| {
                    Error::Refused(format!("Trường «{f}» của {} không có trong bảng tổng hợp.", kind.label()))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let select = std::iter::once("f.id".to_owned()).chain(cols).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {select} FROM record r INDEXED BY record_kind_sort
         JOIN record_fact f ON f.kind = r.kind AND f.rid = r.rowid
         WHERE r.kind = ?1 AND r.deleted = 0 ORDER BY r.sort_key, f.id"
    );
    let n = fields.len();
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map([kind.code()], |r| {
        let id: String = r.get(0)?;
        let values = (1..=n).map(|i| r.get::<_, Option<String>>(i)).collect::<rusqlite::Result<_>>()?;
        Ok((id, values))
    })?;
    rows.map(|row| {
        let (id, values) = row?;
        Ok(FactRow { id: Uuid::parse_str(&id).map_err(|e| Error::Json(e.to_string()))?, values })
    })
    .collect()
}

/// [`group`] over `record_fact`: `cols` and `max_col` come from [`FACTS`], never from the caller.
fn group_facts(conn: &Connection, kind: Kind, cols: &[&str], max_col: Option<&str>) -> Result<Vec<Group>> {
    let mut select: Vec<String> = cols.iter().map(|c| (*c).to_owned()).collect();
    select.push("count(*)".into());
    select.push(max_col.map_or("NULL".to_owned(), |c| format!("max({c})")));
    let group_by = match cols.len() {
        0 => String::new(),
        n => format!(" GROUP BY {}", (1..=n).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")),
    };
    let sql = format!("SELECT {} FROM record_fact WHERE kind = ?1{group_by}", select.join(", "));
    groups(conn, &sql, &[&kind.code()], cols.len())
}

/// Runs a grouping query whose columns are `n` keys, the count and the maximum.
fn groups(conn: &Connection, sql: &str, params: &[&dyn ToSql], n: usize) -> Result<Vec<Group>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(params, |r| {
        let keys = (0..n).map(|i| r.get::<_, Option<String>>(i)).collect::<rusqlite::Result<_>>()?;
        Ok(Group { keys, count: r.get::<_, i64>(n)? as u64, max: r.get(n + 1)? })
    })?;
    let mut out: Vec<Group> = rows.collect::<rusqlite::Result<_>>()?;
    // An empty register still answers one group when nothing is grouped; none otherwise.
    out.retain(|g| g.count > 0);
    Ok(out)
}

/// One group of [`Store::group`](super::Store::group): the values of the grouped fields (as text, `None`
/// when absent), how many live records share them, and the greatest value of the `max_of` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub keys: Vec<Option<String>>,
    pub count: u64,
    pub max: Option<String>,
}

/// Live records of `kind` counted by the values of the fields `by` (for dashboards: no record is read
/// whole). `max_of` also gives each group's greatest value of that field (ISO dates compare as text).
pub(super) fn group(conn: &Connection, kind: Kind, by: &[&str], max_of: Option<&str>) -> Result<Vec<Group>> {
    for f in by.iter().chain(max_of.iter()) {
        domain::filter::field_of(kind, f)?;
    }
    let facts: Option<Vec<&str>> = by.iter().chain(max_of.iter()).map(|f| fact_column(kind, f)).collect();
    if let Some(cols) = facts {
        return group_facts(conn, kind, &cols[..by.len()], cols.get(by.len()).copied());
    }
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut cols: Vec<String> = Vec::new();
    for f in by {
        cols.push("CAST(json_extract(data, ?) AS TEXT)".into());
        args.push(Box::new(format!("$.{f}")));
    }
    cols.push("count(*)".into());
    match max_of {
        Some(f) => {
            cols.push("max(CAST(json_extract(data, ?) AS TEXT))".into());
            args.push(Box::new(format!("$.{f}")));
        }
        None => cols.push("NULL".into()),
    }
    args.push(Box::new(kind.code()));
    let group_by = match by.len() {
        0 => String::new(),
        n => format!(" GROUP BY {}", (1..=n).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")),
    };
    let sql = format!("SELECT {} FROM record WHERE kind = ? AND deleted = 0{group_by}", cols.join(", "));
    let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
    groups(conn, &sql, &params, by.len())
}

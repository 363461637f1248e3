//! The quarantine queue: records the province put aside on import, with their commune, the reason in
//! Vietnamese and the record itself; an officer accepts one after review (it is then merged like any
//! imported record: its latest state wins) or keeps it refused, with a note. Each decision is final
//! and audited (`province_audit`).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::store::province_console::{AcceptedRecord, QuarantineEntry};
use crate::sync::province::Province;

/// A quarantined record as the queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Short stable id to decide with (12 hex digits of SHA-256 of the bundle hash and record id).
    pub id: String,
    pub commune: String,
    pub kind_label: String,
    #[serde(flatten)]
    pub entry: QuarantineEntry,
}

fn short_id(e: &QuarantineEntry) -> String {
    let h = Sha256::digest(format!("{}/{}", e.bundle, e.record_id).as_bytes());
    h.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The queue narrowed to the communes whose name or code the search finds (accents ignored, as every
/// table of communes), in the queue's own order unless a column is asked (`code`, `name`; `-`
/// downwards, ties in the queue's order).
pub fn narrowed(items: Vec<Item>, q: &super::drill::CommuneQuery) -> Result<Vec<Item>> {
    fn row(i: &Item) -> super::drill::CommuneRow<'_> {
        super::drill::CommuneRow { code: &i.entry.commune_code, name: &i.commune, values: Vec::new() }
    }
    if q.sort.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return super::drill::communes(items, q, &[], row);
    }
    let search = q.search.as_deref().filter(|s| !crate::text::search_tokens(s).is_empty());
    Ok(items
        .into_iter()
        .filter(|i| {
            let r = row(i);
            search.is_none_or(|s| crate::text::finds(&format!("{} {}", r.code, r.name), s))
        })
        .collect())
}

/// The queue, undecided first, then by time (newest first).
pub fn queue(p: &Province) -> Result<Vec<Item>> {
    let names = p.db().commune_names()?;
    let mut items: Vec<Item> = p
        .db()
        .quarantine_queue()?
        .into_iter()
        .map(|entry| Item {
            id: short_id(&entry),
            commune: super::commune_name(&names, &entry.commune_code),
            kind_label: Kind::parse(&entry.kind).map_or_else(|| entry.kind.clone(), |k| k.label().to_owned()),
            entry,
        })
        .collect();
    items.sort_by_key(|i| i.entry.decision.is_some());
    Ok(items)
}

/// The record of a quarantined line, if it can be read as a change at all.
fn record_of(line: &str) -> Option<AcceptedRecord> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let id = uuid::Uuid::parse_str(v.get("id")?.as_str()?).ok()?;
    let kind = Kind::parse(v.get("kind")?.as_str()?)?;
    let hlc = v.get("hlc")?.as_u64()?;
    let origin = uuid::Uuid::parse_str(v.get("origin")?.as_str()?).ok()?;
    let data = match v.get("data") {
        None | Some(serde_json::Value::Null) => None,
        Some(d @ serde_json::Value::Object(_)) => Some(d.to_string()),
        Some(_) => return None,
    };
    Some(AcceptedRecord {
        id: id.to_string(),
        kind: kind.code().to_owned(),
        data,
        hlc: i64::try_from(hlc).ok()?,
        origin: origin.to_string(),
    })
}

/// Decides on quarantined record `id` (as [`queue`] shows it): accept after review, or keep refused.
/// The note is required. Returns the item as decided.
pub fn decide(p: &mut Province, id: &str, accept: bool, note: &str) -> Result<Item> {
    p.db().require(crate::domain::account::Role::WRITES, "quyết định bản ghi bị cách ly")?;
    let note = crate::text::clean(note);
    if note.is_empty() {
        return Err(Error::field("note", "Ghi chú", "không được để trống: hãy ghi lý do của quyết định"));
    }
    if note.chars().count() > 2000 {
        return Err(Error::field("note", "Ghi chú", "không quá 2.000 ký tự"));
    }
    let wanted = id.trim().to_lowercase();
    let item = queue(p)?
        .into_iter()
        .find(|i| i.id == wanted)
        .ok_or_else(|| Error::NotFound { kind: "bản ghi bị cách ly", id: id.trim().to_owned() })?;
    if let Some(d) = &item.entry.decision {
        return Err(Error::Refused(format!(
            "Bản ghi này đã được quyết định lúc {} ({}); mỗi bản ghi bị cách ly chỉ quyết định một lần.",
            d.decided_at,
            if d.decision == "accept" { "chấp nhận" } else { "giữ từ chối" }
        )));
    }
    let record = if accept {
        Some(item.entry.data.as_deref().and_then(record_of).ok_or_else(|| {
            Error::Refused(
                "Bản ghi này không đọc được (sai cấu trúc), nên không thể chấp nhận; chỉ có thể giữ từ chối. \
Hãy yêu cầu xã nhập lại bản ghi và gửi gói mới."
                    .into(),
            )
        })?)
    } else {
        None
    };
    let who = p.db().who();
    p.db_mut().decide_quarantine(&item.entry, record.as_ref(), &note, &who, &chrono::Utc::now().to_rfc3339())?;
    queue(p)?
        .into_iter()
        .find(|i| i.id == item.id)
        .ok_or(Error::NotFound { kind: "bản ghi bị cách ly", id: item.id })
}

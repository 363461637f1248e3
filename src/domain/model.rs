//! The life cycle of a self-management model: reviews, replication, dissolution.
//!
//! A model is created `hoat_dong` (active). Reviews (`Kind::Review`) record its sơ kết / tổng kết.
//! An effective model can be replicated to another area: the new model links to its origin with
//! `origin_id`. An ineffective one is dissolved with a date and a reason; it then stays, read-only,
//! with its reviews, so its history is never lost.

use chrono::NaiveDate;
use serde_json::Value;
use uuid::Uuid;

use super::Kind;
use super::field::{Doc, DocExt, Lookup};
use crate::date;
use crate::error::{Error, Result};

/// The `status` of a dissolved model.
pub const DISSOLVED: &str = "giai_the";

/// Whether a stored model is dissolved (and so read-only).
pub fn is_dissolved(model: &Doc) -> bool {
    model.str_of("status") == Some(DISSOLVED)
}

/// The refusal for any change to a dissolved model or its history.
pub fn read_only(model: &Doc) -> Error {
    let name = model.str_of("name").unwrap_or_default();
    let on = model.date_of("dissolved_on").map(date::display).unwrap_or_default();
    Error::Refused(format!(
        "Mô hình «{name}» đã giải thể ngày {on}: chỉ được xem, không được sửa, xóa hay thêm sơ kết."
    ))
}

/// The model after dissolution on `on` for `reason`.
pub fn dissolve(model: &Doc, on: &str, reason: &str, lookup: &dyn Lookup) -> Result<Doc> {
    if is_dissolved(model) {
        return Err(read_only(model));
    }
    let on = date::parse_date(on).map_err(|e| Error::field("dissolved_on", "Ngày giải thể", e))?;
    if on > lookup.today() {
        return Err(Error::field("dissolved_on", "Ngày giải thể", "không được sau ngày hôm nay"));
    }
    let reason = crate::text::clean(reason);
    if reason.is_empty() {
        return Err(Error::field("dissolution_reason", "Lý do giải thể", "không được để trống"));
    }
    let mut out = model.clone();
    out.insert("status".into(), Value::String(DISSOLVED.into()));
    out.insert("dissolved_on".into(), Value::String(date::iso(on)));
    out.insert("dissolution_reason".into(), Value::String(reason));
    Ok(out)
}

/// The input of a new model replicated from `origin` into `area`. `overrides` may set any editable
/// field (name, leader, founded_on…); by default the new model takes the origin's kind and type,
/// the area's name in its own name, and today's date as its founding date. `replicas` are the
/// origin's existing replicas: a model is replicated into an area once.
pub fn replicate(
    origin_id: Uuid,
    origin: &Doc,
    area_id: Uuid,
    overrides: &Doc,
    replicas: &[Doc],
    lookup: &dyn Lookup,
) -> Result<Doc> {
    if is_dissolved(origin) {
        return Err(read_only(origin));
    }
    let area = lookup
        .get(Kind::Area, area_id)?
        .ok_or_else(|| Error::NotFound { kind: Kind::Area.label(), id: area_id.to_string() })?;
    let already = origin.ids_of("area_ids").contains(&area_id)
        || replicas.iter().any(|r| r.ids_of("area_ids").contains(&area_id));
    if already {
        return Err(Error::field(
            "area_ids",
            "Khu dân cư",
            format!("mô hình đã có ở {}", area.str_of("name").unwrap_or_default()),
        ));
    }
    let mut out = Doc::new();
    for key in ["kind", "model_type"] {
        if let Some(v) = origin.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let name = format!("{} ({})", origin.str_of("name").unwrap_or_default(), area.str_of("name").unwrap_or_default());
    out.insert("name".into(), Value::String(name));
    out.insert("area_ids".into(), Value::Array(vec![Value::String(area_id.to_string())]));
    out.insert("founded_on".into(), Value::String(date::iso(lookup.today())));
    for (k, v) in overrides {
        out.insert(k.clone(), v.clone());
    }
    out.insert("origin_id".into(), Value::String(origin_id.to_string()));
    Ok(out)
}

/// The latest review date of a model's reviews, if any.
pub fn last_review(reviews: &[Doc]) -> Option<NaiveDate> {
    reviews.iter().filter_map(|r| r.date_of("date")).max()
}

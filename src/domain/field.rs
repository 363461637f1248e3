//! Field specifications and the validation engine.
//!
//! Every register is described by a list of [`Field`]s: the JSON key, the Vietnamese label, the type and
//! whether it is required. The same list drives validation (with messages naming the field), the CLI's
//! `show`, the UI's forms and the search text. Activity categories bring extra fields from reference data,
//! so the province can add a category without a new release.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::date;
use crate::domain::Kind;
use crate::error::FieldError;
use crate::text;

/// A JSON object: one record's fields.
pub type Doc = Map<String, Value>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    /// Free text; `multiline` for long contents (minutes, notes).
    Text {
        #[serde(default = "default_max")]
        max: usize,
        #[serde(default)]
        multiline: bool,
    },
    /// A whole number in `min..=max`.
    Int {
        #[serde(default)]
        min: i64,
        #[serde(default = "default_int_max")]
        max: i64,
    },
    Bool,
    /// A calendar date, stored `yyyy-mm-dd`.
    Date,
    /// A date and time, stored `yyyy-mm-ddTHH:MM`.
    DateTime,
    /// One of fixed options: (code, Vietnamese label).
    Enum {
        options: Vec<(String, String)>,
    },
    /// One code of a reference list kept in the store (model kinds, activity categories…).
    Ref {
        list: String,
    },
    /// One or more codes of a reference list (what makes a key area complex).
    Refs {
        list: String,
    },
    /// The id of a live record of another register.
    Link {
        kind: Kind,
    },
    /// One or more ids of live records of another register.
    Links {
        kind: Kind,
    },
    /// A list of short texts (attendees).
    TextList,
    /// Yearly grades of a security-team member: `[{"year": 2025, "grade": "tot"}]`.
    Grades,
}

fn default_max() -> usize {
    500
}
fn default_int_max() -> i64 {
    1_000_000_000
}

/// The options of a member's yearly grade.
pub const GRADES: &[(&str, &str)] = &[
    ("xuat_sac", "Hoàn thành xuất sắc nhiệm vụ"),
    ("tot", "Hoàn thành tốt nhiệm vụ"),
    ("hoan_thanh", "Hoàn thành nhiệm vụ"),
    ("khong_hoan_thanh", "Không hoàn thành nhiệm vụ"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub ty: FieldType,
    #[serde(default)]
    pub required: bool,
    /// Set only by an operation (dissolve, replicate), never by a create or an edit.
    #[serde(default)]
    pub system: bool,
}

impl Field {
    pub fn new(key: &str, label: &str, ty: FieldType) -> Field {
        Field { key: key.into(), label: label.into(), ty, required: false, system: false }
    }
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }
    pub fn system(mut self) -> Field {
        self.system = true;
        self
    }

    fn err(&self, message: impl Into<String>) -> FieldError {
        FieldError { field: self.key.clone(), label: self.label.clone(), message: message.into() }
    }

    /// The label of an option of an `Enum` field, or of a `Ref` code given the list's items.
    pub fn option_label<'a>(&'a self, code: &str) -> Option<&'a str> {
        match &self.ty {
            FieldType::Enum { options } => options.iter().find(|(c, _)| c == code).map(|(_, l)| l.as_str()),
            _ => None,
        }
    }
}

pub fn text(max: usize) -> FieldType {
    FieldType::Text { max, multiline: false }
}
pub fn long_text() -> FieldType {
    FieldType::Text { max: 20_000, multiline: true }
}
pub fn count() -> FieldType {
    FieldType::Int { min: 0, max: default_int_max() }
}
pub fn options(opts: &[(&str, &str)]) -> FieldType {
    FieldType::Enum { options: opts.iter().map(|(c, l)| ((*c).into(), (*l).into())).collect() }
}

/// What validation needs to know about the rest of the store.
pub trait Lookup {
    /// Today's date (the laptop's local calendar date).
    fn today(&self) -> NaiveDate;
    /// The active items of a reference list: (code, label). Shared, so that a lookup which keeps the
    /// lists (a transaction, the province's import) hands them out without copying.
    fn ref_items(&self, list: &str) -> crate::Result<Arc<[crate::domain::RefItem]>>;
    /// A live (not deleted) record's fields.
    fn get(&self, kind: Kind, id: Uuid) -> crate::Result<Option<Doc>>;
    /// Whether a live record of `kind` has this id (a link's check; the default reads the record).
    fn exists(&self, kind: Kind, id: Uuid) -> crate::Result<bool> {
        Ok(self.get(kind, id)?.is_some())
    }
    /// Live records of `kind` whose `field` equals `value` (or, for a list field, contains it).
    fn find(&self, kind: Kind, field: &str, value: &str) -> crate::Result<Vec<(Uuid, Doc)>>;
    /// What the province signed about record `id`: the fields of an inspection by the province or of
    /// one of its tasks, or the verdict fields it gave an answer (at a commune: as its signed bundles
    /// brought them; at the province: as it made them). `None`: nothing signed.
    fn signed(&self, _id: Uuid) -> crate::Result<Option<Doc>> {
        Ok(None)
    }
    /// Whether this lookup is the province making its own inspection (nothing signed to compare yet).
    fn signs(&self) -> bool {
        false
    }
}

/// Checks and normalises `input` against `fields`.
///
/// Text is NFC-normalised and trimmed, dates become ISO, empty strings and nulls become absent.
/// Unknown keys and system fields are refused. Every bad field is reported, not just the first.
pub fn check(
    fields: &[Field],
    input: &Doc,
    allow_system: bool,
    lookup: &dyn Lookup,
    errors: &mut Vec<FieldError>,
) -> crate::Result<Doc> {
    Ok(check_cow(fields, input, allow_system, lookup, errors)?.into_owned())
}

/// As [`check`], but a record that is already in its normalised form (every value as [`check`]
/// would make it, no blank value, keys in the form's order: a record as stored) comes back borrowed,
/// without being built again.
pub fn check_cow<'a>(
    fields: &[Field],
    input: &'a Doc,
    allow_system: bool,
    lookup: &dyn Lookup,
    errors: &mut Vec<FieldError>,
) -> crate::Result<Cow<'a, Doc>> {
    // Whether the keys come in the form's order (then the fields are read walking the record).
    let mut ordered = true;
    let mut last = None;
    for key in input.keys() {
        let at = fields.iter().position(|f| &f.key == key);
        match at.map(|i| &fields[i]) {
            None => errors.push(FieldError {
                field: key.clone(),
                label: key.clone(),
                message: "trường này không có trong biểu mẫu".into(),
            }),
            Some(f) if f.system && !allow_system => {
                errors.push(f.err("chỉ được thay đổi qua thao tác riêng (nhân rộng, giải thể)"))
            }
            Some(_) => {}
        }
        ordered &= at.is_some() && at > last;
        last = at;
    }
    let mut same = ordered;
    let mut values: Vec<(&Field, Cow<'a, Value>)> = Vec::with_capacity(input.len());
    let mut walk = input.iter().peekable();
    for f in fields {
        let raw = if ordered { walk.next_if(|(k, _)| **k == f.key).map(|(_, v)| v) } else { input.get(&f.key) };
        let present = raw.filter(|v| !is_blank(v));
        same &= raw.is_none() || present.is_some();
        match present {
            None if f.required => errors.push(f.err("không được để trống")),
            None => {}
            Some(v) => match check_value_cow(f, v, lookup)? {
                Ok(normal) => {
                    same &= matches!(normal, Cow::Borrowed(_)) || *normal == *v;
                    values.push((f, normal));
                }
                Err(msg) => {
                    same = false;
                    errors.push(f.err(msg));
                }
            },
        }
    }
    if same {
        return Ok(Cow::Borrowed(input));
    }
    Ok(Cow::Owned(values.into_iter().map(|(f, v)| (f.key.clone(), v.into_owned())).collect()))
}

/// [`check_value`], borrowing the value when it is already exactly what that check would return.
fn check_value_cow<'v>(f: &Field, v: &'v Value, lookup: &dyn Lookup) -> crate::Result<Result<Cow<'v, Value>, String>> {
    if is_normal(f, v, lookup)? {
        return Ok(Ok(Cow::Borrowed(v)));
    }
    Ok(check_value(f, v, lookup)?.map(Cow::Owned))
}

/// Whether [`check_value`] would accept `v` and return it unchanged (a value as the store keeps it).
/// Only ever says yes when sure; anything else takes the full check.
fn is_normal(f: &Field, v: &Value, lookup: &dyn Lookup) -> crate::Result<bool> {
    Ok(match (&f.ty, v) {
        (FieldType::Text { max, multiline }, Value::String(s)) => {
            text::is_clean(s) && (*multiline || !s.contains('\n')) && (s.len() <= *max || s.chars().count() <= *max)
        }
        (FieldType::Int { min, max }, Value::Number(n)) => n.as_i64().is_some_and(|n| (*min..=*max).contains(&n)),
        (FieldType::Bool, Value::Bool(_)) => true,
        (FieldType::Date, Value::String(s)) => date::is_iso(s),
        (FieldType::Enum { options }, Value::String(s)) => options.iter().any(|(code, _)| code == s),
        (FieldType::Ref { list }, Value::String(s)) => lookup.ref_items(list)?.iter().any(|i| i.code == *s),
        (FieldType::Refs { list }, Value::Array(items)) => {
            let known = lookup.ref_items(list)?;
            items
                .iter()
                .enumerate()
                .all(|(n, v)| v.as_str().is_some_and(|c| known.iter().any(|i| i.code == c) && !items[..n].contains(v)))
        }
        (FieldType::Link { kind }, Value::String(s)) => match canonical_id(s) {
            Some(id) => lookup.exists(*kind, id)?,
            None => false,
        },
        (FieldType::Links { kind }, Value::Array(items)) => {
            let mut ids = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str().and_then(canonical_id) {
                    Some(id) if !ids.contains(&id) && lookup.exists(*kind, id)? => ids.push(id),
                    _ => return Ok(false),
                }
            }
            true
        }
        _ => false,
    })
}

/// The id if `s` is written as the store writes ids (lower-case, hyphenated).
fn canonical_id(s: &str) -> Option<Uuid> {
    let id = Uuid::parse_str(s).ok()?;
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    (id.hyphenated().encode_lower(&mut buf) == s).then_some(id)
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The value normalised, or a Vietnamese reason. The outer `Result` is a store failure.
fn check_value(f: &Field, v: &Value, lookup: &dyn Lookup) -> crate::Result<Result<Value, String>> {
    Ok(match &f.ty {
        FieldType::Text { max, multiline } => match v {
            Value::String(s) => {
                let s = text::clean(s);
                if !multiline && s.contains('\n') {
                    Err("không được xuống dòng".into())
                } else if s.chars().count() > *max {
                    Err(format!("dài quá {} ký tự", text::format_int(*max as i64)))
                } else {
                    Ok(Value::String(s))
                }
            }
            Value::Number(n) => Ok(Value::String(n.to_string())),
            _ => Err("phải là chữ".into()),
        },
        FieldType::Int { min, max } => match as_int(v) {
            Some(n) if n < *min && *min == 0 => Err("phải là số nguyên không âm".into()),
            Some(n) if n < *min || n > *max => {
                Err(format!("phải từ {} đến {}", text::format_int(*min), text::format_int(*max)))
            }
            Some(n) => Ok(Value::from(n)),
            None if *min == 0 => Err("phải là số nguyên không âm".into()),
            None => Err("phải là số nguyên".into()),
        },
        FieldType::Bool => match v {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) => match text::fold(s).trim() {
                "co" | "true" | "1" | "x" => Ok(Value::Bool(true)),
                "khong" | "false" | "0" => Ok(Value::Bool(false)),
                _ => Err("phải là có hoặc không".into()),
            },
            _ => Err("phải là có hoặc không".into()),
        },
        FieldType::Date => match v.as_str().map(date::parse_date) {
            Some(Ok(d)) => Ok(Value::String(date::iso(d))),
            Some(Err(e)) => Err(e),
            None => Err("phải là ngày (dd/mm/yyyy)".into()),
        },
        FieldType::DateTime => match v.as_str().map(date::parse_datetime) {
            Some(Ok(d)) => Ok(Value::String(date::iso_datetime(d))),
            Some(Err(e)) => Err(e),
            None => Err("phải là ngày giờ (dd/mm/yyyy HH:MM)".into()),
        },
        FieldType::Enum { options } => {
            let choices: Vec<(&str, &str)> = options.iter().map(|(c, l)| (c.as_str(), l.as_str())).collect();
            pick_option(v, &choices)
        }
        FieldType::Ref { list } => {
            let items = lookup.ref_items(list)?;
            let choices: Vec<(&str, &str)> = items.iter().map(|i| (i.code.as_str(), i.label.as_str())).collect();
            pick_option(v, &choices)
        }
        FieldType::Refs { list } => {
            let items = lookup.ref_items(list)?;
            let choices: Vec<(&str, &str)> = items.iter().map(|i| (i.code.as_str(), i.label.as_str())).collect();
            // A list of codes or labels, or one text of them separated by ";" (a spreadsheet's cell).
            let given: Vec<Value> = match v {
                Value::String(s) => s.split(';').filter(|x| !x.trim().is_empty()).map(Value::from).collect(),
                Value::Array(a) => a.clone(),
                _ => return Ok(Err("phải là danh sách lựa chọn".into())),
            };
            let mut out: Vec<Value> = Vec::new();
            for g in &given {
                match pick_option(g, &choices) {
                    Ok(code) if out.contains(&code) => {}
                    Ok(code) => out.push(code),
                    Err(e) => return Ok(Err(e)),
                }
            }
            Ok(Value::Array(out))
        }
        FieldType::Link { kind } => match v.as_str() {
            Some(s) => check_link(*kind, s, lookup)?.map(Value::String),
            None => Err("phải là mã bản ghi".into()),
        },
        FieldType::Links { kind } => {
            let ids: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) if a.iter().all(Value::is_string) => a.iter().filter_map(Value::as_str).collect(),
                _ => return Ok(Err("phải là danh sách mã bản ghi".into())),
            };
            let mut out: Vec<Value> = Vec::new();
            for id in ids {
                match check_link(*kind, id, lookup)? {
                    Ok(id) if out.iter().any(|o| o.as_str() == Some(&id)) => {
                        return Ok(Err(format!("mã {id} bị lặp")));
                    }
                    Ok(id) => out.push(Value::String(id)),
                    Err(e) => return Ok(Err(e)),
                }
            }
            Ok(Value::Array(out))
        }
        FieldType::TextList => match v {
            Value::String(s) => Ok(text_list(s.lines().flat_map(|l| l.split(';')))),
            Value::Array(a) if a.iter().all(Value::is_string) => Ok(text_list(a.iter().filter_map(Value::as_str))),
            _ => Err("phải là danh sách tên".into()),
        },
        FieldType::Grades => check_grades(v),
    })
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        // Officers type "1.200" for one thousand two hundred.
        Value::String(s) => {
            let t = s.trim().replace(['.', ' '], "");
            if t.is_empty() || !t.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                t.parse().ok()
            }
        }
        _ => None,
    }
}

fn text_list<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    Value::Array(items.map(text::clean).filter(|s| !s.is_empty()).map(Value::String).collect())
}

/// Accepts a code (`to_dan_pho`) or its label typed with or without accents (`Tổ dân phố`, `to dan pho`).
fn pick_option(v: &Value, choices: &[(&str, &str)]) -> Result<Value, String> {
    let Some(s) = v.as_str() else {
        return Err("phải là chữ".into());
    };
    let s = s.trim();
    if let Some((code, _)) = choices.iter().find(|(code, _)| *code == s) {
        return Ok(Value::String((*code).to_owned()));
    }
    let folded = text::fold(s);
    // The label without accents, or the code in any case ("THCS" for thcs, "to dan pho" for to_dan_pho).
    let as_code = folded.replace(' ', "_");
    choices
        .iter()
        .find(|(code, label)| text::fold(label) == folded || *code == as_code)
        .map(|(code, _)| Value::String((*code).to_owned()))
        .ok_or_else(|| {
            let list: Vec<String> = choices.iter().map(|(c, l)| format!("{c} ({l})")).collect();
            format!("«{s}» không hợp lệ; chọn một trong: {}", list.join(", "))
        })
}

fn check_link(kind: Kind, s: &str, lookup: &dyn Lookup) -> crate::Result<Result<String, String>> {
    let Ok(id) = Uuid::parse_str(s.trim()) else {
        return Ok(Err(format!("«{s}» không phải là mã bản ghi")));
    };
    Ok(if lookup.exists(kind, id)? {
        Ok(id.to_string())
    } else {
        Err(format!("không tìm thấy {} có mã {id}", kind.label()))
    })
}

fn check_grades(v: &Value) -> Result<Value, String> {
    let Value::Array(items) = v else {
        return Err("phải là danh sách [{\"year\": năm, \"grade\": xếp loại}]".into());
    };
    let mut out = Vec::new();
    let mut years = Vec::new();
    let choices: Vec<(&str, &str)> = GRADES.to_vec();
    for item in items {
        let year = item.get("year").and_then(as_int).filter(|y| (1990..=2200).contains(y));
        let Some(year) = year else {
            return Err("mỗi xếp loại phải có năm hợp lệ".into());
        };
        if years.contains(&year) {
            return Err(format!("năm {year} bị xếp loại hai lần"));
        }
        years.push(year);
        let grade =
            pick_option(item.get("grade").unwrap_or(&Value::Null), &choices).map_err(|e| format!("năm {year}: {e}"))?;
        let mut m = Doc::new();
        m.insert("year".into(), Value::from(year));
        m.insert("grade".into(), grade);
        out.push(Value::Object(m));
    }
    out.sort_by_key(|g| g.get("year").and_then(Value::as_i64));
    Ok(Value::Array(out))
}

/// Typed reads of a validated document.
pub trait DocExt {
    fn str_of(&self, key: &str) -> Option<&str>;
    fn int_of(&self, key: &str) -> Option<i64>;
    fn date_of(&self, key: &str) -> Option<NaiveDate>;
    fn ids_of(&self, key: &str) -> Vec<Uuid>;
}

impl DocExt for Doc {
    fn str_of(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
    fn int_of(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Value::as_i64)
    }
    fn date_of(&self, key: &str) -> Option<NaiveDate> {
        self.str_of(key).and_then(|s| date::parse_date(s.get(..10).unwrap_or(s)).ok())
    }
    fn ids_of(&self, key: &str) -> Vec<Uuid> {
        match self.get(key) {
            Some(Value::String(s)) => Uuid::parse_str(s).into_iter().collect(),
            Some(Value::Array(a)) => {
                a.iter().filter_map(Value::as_str).filter_map(|s| Uuid::parse_str(s).ok()).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// A field's value as an officer reads it: dates dd/mm/yyyy, numbers with Vietnamese separators,
/// options by their labels. `name_of` gives the title of a linked record or the label of a reference
/// code (`None` when unknown; the raw value is shown then).
pub fn display_value(f: &Field, v: &Value, name_of: &dyn Fn(&FieldType, &str) -> Option<String>) -> String {
    let named = |s: &str| name_of(&f.ty, s).unwrap_or_else(|| s.to_owned());
    match (&f.ty, v) {
        (FieldType::Date, Value::String(s)) => date::parse_date(s).map(date::display).unwrap_or_else(|_| s.clone()),
        (FieldType::DateTime, Value::String(s)) => {
            date::parse_datetime(s).map(date::display_datetime).unwrap_or_else(|_| s.clone())
        }
        // A year (a plan's) reads 2026, not 2.026.
        (FieldType::Int { min, max }, Value::Number(n)) if *min >= 1900 && *max <= 2100 => n.to_string(),
        (FieldType::Int { .. }, Value::Number(n)) => n.as_i64().map(text::format_int).unwrap_or_else(|| n.to_string()),
        (FieldType::Bool, Value::Bool(b)) => if *b { "Có" } else { "Không" }.to_owned(),
        (FieldType::Enum { .. }, Value::String(s)) => f.option_label(s).unwrap_or(s).to_owned(),
        (FieldType::Ref { .. } | FieldType::Link { .. }, Value::String(s)) => named(s),
        (FieldType::Links { .. } | FieldType::Refs { .. } | FieldType::TextList, Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|s| if matches!(f.ty, FieldType::TextList) { s.to_owned() } else { named(s) })
            .collect::<Vec<_>>()
            .join("; "),
        (FieldType::Grades, Value::Array(a)) => a
            .iter()
            .map(|g| {
                let year = g.get("year").and_then(Value::as_i64).unwrap_or_default();
                let code = g.get("grade").and_then(Value::as_str).unwrap_or_default();
                let label = GRADES.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| l);
                format!("{year}: {label}")
            })
            .collect::<Vec<_>>()
            .join("; "),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoStore;

    impl Lookup for NoStore {
        fn today(&self) -> NaiveDate {
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
        }
        fn ref_items(&self, list: &str) -> crate::Result<Arc<[crate::domain::RefItem]>> {
            let item =
                crate::domain::RefItem {
                    code: "ho_gia_dinh".into(), label: "Hộ gia đình".into(), data: Value::Null
                };
            Ok(Arc::from(if list == "list" { vec![item] } else { Vec::new() }))
        }
        fn get(&self, kind: Kind, id: Uuid) -> crate::Result<Option<Doc>> {
            Ok((kind == Kind::Area && [KNOWN, OTHER].contains(&id)).then(Doc::new))
        }
        fn find(&self, _kind: Kind, _field: &str, _value: &str) -> crate::Result<Vec<(Uuid, Doc)>> {
            Ok(Vec::new())
        }
    }

    const KNOWN: Uuid = Uuid::from_u128(0x0190_abcd_ef00_7000_8000_0000_0000_0001);
    const OTHER: Uuid = Uuid::from_u128(0x0190_abcd_ef00_7000_8000_0000_0000_0002);

    #[test]
    fn a_value_taken_as_already_normal_is_exactly_what_the_full_check_returns() {
        use serde_json::json;
        let fields = [
            Field::new("t", "Chữ", text(12)),
            Field::new("m", "Nhiều dòng", long_text()),
            Field::new("n", "Số", count()),
            Field::new("y", "Năm", FieldType::Int { min: 2000, max: 2200 }),
            Field::new("b", "Có không", FieldType::Bool),
            Field::new("d", "Ngày", FieldType::Date),
            Field::new("e", "Loại", options(&[("thon", "Thôn")])),
            Field::new("r", "Danh mục", FieldType::Ref { list: "list".into() }),
            Field::new("l", "Khu", FieldType::Link { kind: Kind::Area }),
            Field::new("ls", "Các khu", FieldType::Links { kind: Kind::Area }),
        ];
        let (known, other) = (KNOWN.to_string(), OTHER.to_string());
        let values = [
            json!("Thôn Đắk Năng"),
            json!(" Thôn"),
            json!("a  b"),
            json!("dòng\nhai"),
            json!("Nguye\u{302}\u{303}n"),
            json!("mười ba ký tự"),
            json!("mười hai kýý"),
            json!(""),
            json!(12),
            json!(-1),
            json!(0),
            json!(2026),
            json!(1999),
            json!(1.5),
            json!("12"),
            json!(true),
            json!("có"),
            json!("2026-03-05"),
            json!("05/03/2026"),
            json!("2026-02-30"),
            json!("1899-01-01"),
            json!("thon"),
            json!("Thôn"),
            json!(" thon"),
            json!("ho_gia_dinh"),
            json!("Hộ gia đình"),
            json!(known),
            json!(known.to_uppercase()),
            json!(format!("{{{known}}}")),
            json!(KNOWN.simple().to_string()),
            json!(Uuid::nil().to_string()),
            json!([known]),
            json!([known, other]),
            json!([known, known]),
            json!([known, Uuid::nil().to_string()]),
            json!([known.to_uppercase()]),
            json!([1]),
            json!(null),
            json!({"a": 1}),
        ];
        let mut normal = 0;
        for f in &fields {
            for v in &values {
                if is_normal(f, v, &NoStore).unwrap() {
                    normal += 1;
                    assert_eq!(check_value(f, v, &NoStore).unwrap(), Ok(v.clone()), "{} {v}", f.key);
                }
            }
        }
        assert!(normal >= 12, "{normal}");
        let area = &fields[8];
        assert!(is_normal(area, &json!(known), &NoStore).unwrap());
        assert!(!is_normal(area, &json!(known.to_uppercase()), &NoStore).unwrap());
        assert!(!is_normal(&fields[0], &json!("mười ba ký tự"), &NoStore).unwrap());
    }

    fn doc(v: Value) -> Doc {
        match v {
            Value::Object(m) => m,
            _ => Doc::new(),
        }
    }

    fn fields() -> Vec<Field> {
        vec![
            Field::new("name", "Tên", text(200)).required(),
            Field::new("households", "Số hộ", count()),
            Field::new("on", "Ngày", FieldType::Date),
            Field::new("kind", "Loại", options(&[("thon", "Thôn"), ("to_dan_pho", "Tổ dân phố")])),
        ]
    }

    fn run(input: &Doc) -> (Cow<'_, Doc>, Vec<FieldError>) {
        let mut errors = Vec::new();
        let out = check_cow(&fields(), input, false, &NoStore, &mut errors).unwrap();
        (out, errors)
    }

    #[test]
    fn a_record_in_its_stored_form_is_checked_without_being_rebuilt() {
        let stored =
            doc(serde_json::json!({"name": "Thôn Đắk Năng", "households": 120, "on": "2026-03-05", "kind": "thon"}));
        let (out, errors) = run(&stored);
        assert!(errors.is_empty());
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(*out, stored);
        let mut errors = Vec::new();
        assert_eq!(check(&fields(), &stored, false, &NoStore, &mut errors).unwrap(), stored);
    }

    #[test]
    fn anything_not_in_stored_form_is_normalised() {
        let want = doc(
            serde_json::json!({"name": "Thôn Đắk Năng", "households": 1200, "on": "2026-03-05", "kind": "to_dan_pho"}),
        );
        for input in [
            serde_json::json!({"name": " Thôn  Đắk Năng ", "households": 1200, "on": "2026-03-05", "kind": "to_dan_pho"}),
            serde_json::json!({"name": "Thôn Đắk Năng", "households": "1.200", "on": "2026-03-05", "kind": "to_dan_pho"}),
            serde_json::json!({"name": "Thôn Đắk Năng", "households": 1200, "on": "05/03/2026", "kind": "to_dan_pho"}),
            serde_json::json!({"name": "Thôn Đắk Năng", "households": 1200, "on": "2026-03-05", "kind": "Tổ dân phố"}),
            serde_json::json!({"households": 1200, "name": "Thôn Đắk Năng", "on": "2026-03-05", "kind": "to_dan_pho"}),
        ] {
            let input = doc(input);
            let (out, errors) = run(&input);
            assert!(errors.is_empty(), "{errors:?}");
            assert!(matches!(out, Cow::Owned(_)), "{input:?}");
            assert_eq!(*out, want);
            assert_eq!(out.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "in the form's order");
        }
        let blank = doc(serde_json::json!({"name": "Thôn Một", "households": null, "on": ""}));
        let (out, errors) = run(&blank);
        assert!(errors.is_empty());
        assert_eq!(*out, doc(serde_json::json!({"name": "Thôn Một"})));
    }

    #[test]
    fn errors_are_reported_whatever_the_form() {
        let bad = doc(serde_json::json!({"name": "Thôn Một", "households": -1, "other": 1}));
        let (_, errors) = run(&bad);
        let keys: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(keys, ["other", "households"]);
        let (_, errors) = run(&doc(serde_json::json!({"households": 3})));
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["name"]);
    }
}

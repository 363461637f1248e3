//! A list's filter (`field=value`, `field>=value`, `field<=value`) and what its value means for the
//! field's type, read once: the commune's lists (the store turns a [`Wanted`] into SQL) and the
//! province's records behind a figure (matched against records in memory with [`Wanted::holds`])
//! take the same filters the same way. A list's order ([`Sort`]) likewise: the store turns it into
//! its `ORDER BY`, the province orders records in memory with [`Sort::order`], the same way.

use std::cmp::Ordering;

use serde_json::Value;

use super::{Field, FieldType, Kind};
use crate::error::{Error, Result};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ge,
    Le,
}

impl Op {
    /// Whether `found` compared with the wanted value (`found.cmp(wanted)`) passes.
    pub fn passes(self, found: Ordering) -> bool {
        match self {
            Op::Eq => found == Ordering::Equal,
            Op::Ge => found != Ordering::Less,
            Op::Le => found != Ordering::Greater,
        }
    }
}

/// `field=value`, `field>=value` or `field<=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: String,
    pub op: Op,
    pub value: String,
}

impl Filter {
    /// Parses `households>=100`, `kind=thon`, `area_ids=<id>`.
    pub fn parse(s: &str) -> Result<Filter> {
        let (field, op, value) = if let Some((f, v)) = s.split_once(">=") {
            (f, Op::Ge, v)
        } else if let Some((f, v)) = s.split_once("<=") {
            (f, Op::Le, v)
        } else if let Some((f, v)) = s.split_once('=') {
            (f, Op::Eq, v)
        } else {
            return Err(Error::Refused(format!(
                "Điều kiện lọc «{s}» không hợp lệ; viết theo dạng trường=giá trị, trường>=giá trị hoặc trường<=giá trị."
            )));
        };
        Ok(Filter { field: field.trim().to_owned(), op, value: value.trim().to_owned() })
    }

    /// What the value means for the field `field` of the register (`None`: a field of an activity's
    /// category, compared as text), or why it cannot be read.
    pub fn wanted(&self, field: Option<&Field>) -> Result<Wanted> {
        let v = &self.value;
        Ok(match field.map(|f| &f.ty) {
            Some(FieldType::Links { .. } | FieldType::Refs { .. } | FieldType::TextList) => Wanted::Raw(v.clone()),
            Some(FieldType::Int { .. }) => Wanted::Int(v.replace('.', "").parse().map_err(|_| {
                Error::Refused(format!("Giá trị lọc «{v}» của trường {} phải là số nguyên.", self.field))
            })?),
            Some(FieldType::Bool) => Wanted::Bool(matches!(text::fold(v).as_str(), "co" | "true" | "1")),
            Some(FieldType::Text { .. }) if self.op == Op::Eq => Wanted::Contains(text::fold(v)),
            Some(FieldType::Date | FieldType::DateTime) => {
                let d = crate::date::parse_date(v.get(..10).unwrap_or(v))
                    .map(crate::date::iso)
                    .map_err(|e| Error::Refused(format!("Giá trị lọc của trường {}: {e}", self.field)))?;
                Wanted::Date(if v.len() > 10 { format!("{d}{}", &v[10..]) } else { d })
            }
            Some(FieldType::Enum { options }) => {
                let folded = text::fold(v);
                Wanted::Code(
                    options
                        .iter()
                        .find(|(c, l)| c == v || text::fold(l) == folded)
                        .map_or(v.clone(), |(c, _)| c.clone()),
                )
            }
            _ => Wanted::Raw(v.clone()),
        })
    }
}

/// The field `name` of register `kind`: `Ok(None)` for a field of an activity's category (which
/// fields an activity has depends on its category), refused naming the register's fields otherwise.
pub fn field_of(kind: Kind, name: &str) -> Result<Option<Field>> {
    if let Some(f) = super::fields(kind).iter().find(|f| f.key == name) {
        return Ok(Some(f.clone()));
    }
    let plain = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if kind == Kind::Activity && plain {
        return Ok(None);
    }
    let keys: Vec<&str> = super::fields(kind).iter().map(|f| f.key.as_str()).collect();
    Err(Error::Refused(format!(
        "{} không có trường «{name}». Các trường: {}.",
        text::capitalise(kind.label()),
        keys.join(", ")
    )))
}

/// A filter's value as the field's type reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// A whole number ("1.200" reads 1200).
    Int(i64),
    /// Có / không ("co", "true", "1" read yes).
    Bool(bool),
    /// Free text, `=` only: the field holds it, accents and case ignored (folded here).
    Contains(String),
    /// A date typed `dd/mm/yyyy` or ISO, as ISO, with any time typed after it: compared on as many
    /// characters of the stored value.
    Date(String),
    /// An option's code, typed as its code or its label (accents ignored).
    Code(String),
    /// As typed: a link's id, a reference code, one element of a list.
    Raw(String),
}

impl Wanted {
    /// Whether the stored value `v` passes `op` with this value, as the store's SQL judges it; a list
    /// passes when one of its elements does, a missing value never does.
    pub fn holds(&self, op: Op, v: Option<&Value>) -> bool {
        match v {
            None | Some(Value::Null) => false,
            Some(Value::Array(items)) => items.iter().any(|i| self.holds(op, Some(i))),
            Some(v) => match self {
                Wanted::Int(n) => v.as_i64().is_some_and(|x| op.passes(x.cmp(n))),
                Wanted::Bool(b) => v.as_bool().is_some_and(|x| op.passes(x.cmp(b))),
                Wanted::Contains(t) => v.as_str().is_some_and(|s| text::fold(s).contains(t.as_str())),
                Wanted::Date(d) => v.as_str().is_some_and(|s| op.passes(s.get(..d.len()).unwrap_or(s).cmp(d.as_str()))),
                Wanted::Code(c) | Wanted::Raw(c) => {
                    let s = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    op.passes(s.as_str().cmp(c.as_str()))
                }
            },
        }
    }
}

/// A list's order: by title in Vietnamese order (the default), by the store's change sequence (a
/// commune's own lists only), or by a field, ascending or descending (`-field`). Ties, and records
/// without the field, then go by title and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    pub by: SortBy,
    pub desc: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortBy {
    /// The title in Vietnamese order (`title`, `name`, or nothing).
    Title,
    /// The order the store recorded its changes in (`changed`).
    Changed,
    /// A field's stored value, typed as SQLite orders it (nothing first, then numbers by value, then
    /// text); `vi`: text in Vietnamese order (free text, an activity category's own field), else by
    /// its bytes (codes, ISO dates).
    Field { name: String, vi: bool },
    /// A field whose values are codes of a list (fixed options, a reference list): by what each code
    /// reads as, the label the officer sees, in Vietnamese order — never by the code. A code the list
    /// does not have reads as nothing (first, then by its code); ties by title and id.
    Label { name: String, labels: Labels },
}

/// Where the labels of an option field's codes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Labels {
    /// The register's own options: (code, label).
    Fixed(Vec<(String, String)>),
    /// A reference list kept in the store (its `ref_item` rows; at the province, the lists sent).
    List(String),
}

impl Sort {
    /// Reads `title`, `-title`, `changed`, `households`, `-date`…; a field the register does not have
    /// is refused naming the register's fields.
    pub fn parse(kind: Kind, s: Option<&str>) -> Result<Sort> {
        let s = s.map_or("", str::trim);
        let (name, desc) = match s.strip_prefix('-') {
            Some(n) => (n.trim(), true),
            None => (s, false),
        };
        let by = match name {
            "" | "name" | "title" => SortBy::Title,
            "changed" => SortBy::Changed,
            _ => {
                let field = field_of(kind, name)?;
                match field.map(|f| f.ty) {
                    Some(FieldType::Enum { options }) => {
                        SortBy::Label { name: name.to_owned(), labels: Labels::Fixed(options) }
                    }
                    Some(FieldType::Ref { list }) => {
                        SortBy::Label { name: name.to_owned(), labels: Labels::List(list) }
                    }
                    ty => {
                        SortBy::Field { name: name.to_owned(), vi: matches!(ty, Some(FieldType::Text { .. }) | None) }
                    }
                }
            }
        };
        Ok(Sort { by, desc })
    }

    /// `items` in the order the store's list gives the same records: `doc` gives each one's fields,
    /// title and id; `label` what a code of a reference list reads as (for [`Labels::List`]; the
    /// register's own options are in the sort). [`SortBy::Changed`] keeps the order they came in
    /// (records held elsewhere than the commune's store have no change sequence of that store).
    pub fn order<T>(
        &self,
        items: Vec<T>,
        doc: impl Fn(&T) -> (&super::Doc, &str, &str),
        label: impl Fn(&T, &str) -> Option<String>,
    ) -> Vec<T> {
        let value = |t: &T| match &self.by {
            SortBy::Field { name, vi } => (SortValue::of(doc(t).0.get(name), *vi), SortValue::Null),
            SortBy::Label { name, labels } => {
                let code = doc(t).0.get(name);
                let read = match (labels, code) {
                    (Labels::Fixed(options), Some(Value::String(c))) => {
                        options.iter().find(|(o, _)| o == c).map(|(_, l)| l.clone())
                    }
                    (Labels::List(_), Some(Value::String(c))) => label(t, c),
                    _ => None,
                };
                let read = read.map_or(SortValue::Null, |l| SortValue::Text(text::sort_key(&l)));
                (read, SortValue::of(code, false))
            }
            _ => (SortValue::Null, SortValue::Null),
        };
        let title = match self.by {
            SortBy::Changed => return items,
            // Descending by title: titles and ids both go down (`sort_key DESC, id DESC`).
            SortBy::Title if self.desc => Ordering::reverse,
            // Ties of a field's value go by title and id upwards, whichever way the field goes.
            _ => std::convert::identity,
        };
        let field = if self.desc { Ordering::reverse } else { std::convert::identity };
        let mut keyed: Vec<(Key, Vec<u8>, String, T)> = items
            .into_iter()
            .map(|t| {
                let (_, title, id) = doc(&t);
                (value(&t), text::sort_key(title), id.to_owned(), t)
            })
            .collect();
        keyed.sort_by(|a, b| field(a.0.cmp(&b.0)).then_with(|| title(a.1.cmp(&b.1).then_with(|| a.2.cmp(&b.2)))));
        keyed.into_iter().map(|(_, _, _, t)| t).collect()
    }
}

/// What a record is ordered by before its title: the field's value, or an option's label then its
/// code.
type Key = (SortValue, SortValue);

/// A field's value as the store's `ORDER BY json_extract(…)` orders it: SQLite's storage classes
/// (NULL, then numbers by value, then text), JSON true and false as 1 and 0, a list or an object as
/// its JSON text.
#[derive(Debug, Clone, PartialEq)]
enum SortValue {
    Null,
    Int(i64),
    Real(f64),
    /// The text's collation key (Vietnamese or bytes).
    Text(Vec<u8>),
}

impl SortValue {
    fn of(v: Option<&Value>, vi: bool) -> SortValue {
        let text = |s: &str| SortValue::Text(if vi { text::sort_key(s) } else { s.as_bytes().to_vec() });
        match v {
            None | Some(Value::Null) => SortValue::Null,
            Some(Value::Bool(b)) => SortValue::Int(i64::from(*b)),
            Some(Value::Number(n)) => {
                n.as_i64().map_or_else(|| SortValue::Real(n.as_f64().unwrap_or(0.0)), SortValue::Int)
            }
            Some(Value::String(s)) => text(s),
            Some(other) => text(&other.to_string()),
        }
    }

    fn class(&self) -> u8 {
        match self {
            SortValue::Null => 0,
            SortValue::Int(_) | SortValue::Real(_) => 1,
            SortValue::Text(_) => 2,
        }
    }
}

impl Eq for SortValue {}

impl PartialOrd for SortValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortValue {
    fn cmp(&self, other: &Self) -> Ordering {
        use SortValue as V;
        match (self, other) {
            (V::Int(a), V::Int(b)) => a.cmp(b),
            (V::Int(a), V::Real(b)) => (*a as f64).total_cmp(b),
            (V::Real(a), V::Int(b)) => a.total_cmp(&(*b as f64)),
            (V::Real(a), V::Real(b)) => a.total_cmp(b),
            (V::Text(a), V::Text(b)) => a.cmp(b),
            (a, b) => a.class().cmp(&b.class()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn holds(kind: Kind, filter: &str, v: Value) -> bool {
        let f = Filter::parse(filter).unwrap();
        let w = f.wanted(field_of(kind, &f.field).unwrap().as_ref()).unwrap();
        w.holds(f.op, Some(&v))
    }

    #[test]
    fn a_filter_reads_its_value_as_the_fields_type() {
        // An option by its code or its label without accents.
        assert!(holds(Kind::Area, "kind=thon", json!("thon")));
        assert!(holds(Kind::Area, "kind=To dan pho", json!("to_dan_pho")));
        assert!(!holds(Kind::Area, "kind=thon", json!("to_dan_pho")));
        // Numbers with thousands dots, both ways.
        assert!(holds(Kind::Area, "households>=1.200", json!(1200)));
        assert!(!holds(Kind::Area, "households>=1.200", json!(1199)));
        assert!(holds(Kind::Area, "households<=10", json!(10)));
        // Dates typed as an officer types them, a date-time compared on its date.
        assert!(holds(Kind::Activity, "date>=01/03/2026", json!("2026-03-01")));
        assert!(!holds(Kind::Activity, "date<=28/02/2026", json!("2026-03-01")));
        assert!(holds(Kind::Meeting, "starts_at<=2026-03-01", json!("2026-03-01T08:30")));
        // Free text: contained, accents and case ignored (đ too).
        assert!(holds(Kind::Area, "head=dinh van", json!("Đinh Văn Hùng")));
        assert!(!holds(Kind::Area, "head=dinh thi", json!("Đinh Văn Hùng")));
        // A list passes when one element does.
        assert!(holds(Kind::Model, "area_ids=b", json!(["a", "b"])));
        assert!(!holds(Kind::Model, "area_ids=c", json!(["a", "b"])));
        // An activity category's own field: as text.
        assert!(holds(Kind::Activity, "attendance=40", json!(40)));
        // A field the register does not have, a number that is not one: refused, naming them.
        let bad = field_of(Kind::Area, "khong_co").unwrap_err().to_string();
        assert!(bad.contains("không có trường «khong_co»"), "{bad}");
        let f = Filter::parse("households=nhiều").unwrap();
        let bad = f.wanted(field_of(Kind::Area, "households").unwrap().as_ref()).unwrap_err().to_string();
        assert!(bad.contains("phải là số nguyên"), "{bad}");
        // A missing value passes nothing.
        let f = Filter::parse("kind=thon").unwrap();
        assert!(!f.wanted(field_of(Kind::Area, "kind").unwrap().as_ref()).unwrap().holds(Op::Eq, None));
    }
}

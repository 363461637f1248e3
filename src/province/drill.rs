//! The records behind a figure as the officer narrows them, with the commune's own search and filters:
//! every word of the search begins a word of the record's search text, accents and case ignored
//! (`text::finds`, the rule of the commune's index, over the same `domain::search_text`); each filter
//! (`field=value`, `field>=value`, `field<=value`) read by `domain::filter` as the commune's lists
//! read it. They are ordered as the commune's list orders them (`domain::filter::Sort`: by title in
//! Vietnamese order unless a column is asked, then by its typed value, ties by title).

use std::collections::HashMap;

use super::figures::Behind;
use crate::domain::filter::{Filter, Sort, SortBy, Wanted, field_of};
use crate::domain::{Doc, Kind};
use crate::error::{Error, Result};

/// The latest state of each live record of `kinds` that `commune` sent, across its installations (a
/// replaced laptop, or several laptops of one commune, may have sent the same record): (id, register,
/// fields), in no order. The records behind a figure and a period's records under review are read
/// from it.
pub fn latest(p: &crate::sync::province::Province, commune: &str, kinds: &[&str]) -> Result<Vec<(String, Kind, Doc)>> {
    // Per record: its (hlc, origin) stamp, its register, its fields as JSON (`None`: deleted).
    type Latest = ((i64, String), Kind, Option<String>);
    let mut latest: HashMap<String, Latest> = HashMap::new();
    p.db().each_record(Some(commune), kinds, &mut |row| {
        let Some(kind) = Kind::parse(row.kind) else { return Ok(()) };
        let stamp = (row.hlc, row.origin.to_owned());
        if latest.get(row.id).is_none_or(|(s, _, _)| *s < stamp) {
            latest.insert(row.id.to_owned(), (stamp, kind, row.data.map(str::to_owned)));
        }
        Ok(())
    })?;
    let mut out = Vec::with_capacity(latest.len());
    for (id, (_, kind, data)) in latest {
        // A deleted record's latest state holds no fields.
        let Some(text) = data else { continue };
        let doc: Doc = serde_json::from_str(&text).map_err(|e| Error::Json(format!("bản ghi {id}: {e}")))?;
        out.push((id, kind, doc));
    }
    Ok(out)
}

/// What the officer asks of the records behind a figure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Words every record shown must hold (accents ignored); blank: no search.
    pub search: Option<String>,
    /// Every filter must hold.
    pub filters: Vec<Filter>,
    /// A column to order by, as the commune's list takes it (`date`, `-households`); none: by title.
    pub sort: Option<String>,
}

impl Query {
    /// Nothing narrows: every record behind the figure (in whatever order asked).
    pub fn is_empty(&self) -> bool {
        self.search.as_deref().is_none_or(|s| crate::text::search_tokens(s).is_empty()) && self.filters.is_empty()
    }
}

/// The records of `records` the query keeps, in the order asked; a filter or a sort on a field the
/// records' register does not have, or a filter with a value its type cannot read, is refused
/// naming it.
pub fn narrow(records: Vec<Behind>, q: &Query) -> Result<Vec<Behind>> {
    let kept = keep(records, q)?;
    order(kept, q.sort.as_deref())
}

/// What a sort by the records' share of the figure is asked with (`value`, `-value`): the column
/// «Tính vào số», which the commune's lists do not have.
pub const BY_VALUE: &str = "value";

/// `records` in the order `sort` asks, as the commune's list of their register gives them; by their
/// share of the figure ([`BY_VALUE`]) with ties by title as the commune's columns have them.
pub fn order(records: Vec<Behind>, sort: Option<&str>) -> Result<Vec<Behind>> {
    let asked = sort.map_or("", str::trim);
    if asked.trim_start_matches('-') == BY_VALUE {
        let desc = asked.starts_with('-');
        let mut keyed: Vec<(i64, Vec<u8>, Behind)> =
            records.into_iter().map(|b| (b.value, crate::text::sort_key(&b.title), b)).collect();
        keyed.sort_by(|a, b| {
            let v = a.0.cmp(&b.0);
            (if desc { v.reverse() } else { v }).then_with(|| a.1.cmp(&b.1)).then_with(|| a.2.id.cmp(&b.2.id))
        });
        return Ok(keyed.into_iter().map(|(_, _, b)| b).collect());
    }
    // Read for each register the records are of: a field they do not all have is refused.
    let mut read: Option<Sort> = None;
    for r in &records {
        let s = Sort::parse(r.kind, sort)?;
        if read.is_none() {
            read = Some(s);
        }
    }
    let Some(sort) = read else { return Ok(records) };
    if sort.by == SortBy::Changed {
        return Err(Error::field(
            "sort",
            "Sắp xếp",
            "các bản ghi xã gửi lên không sắp xếp theo lần sửa được; chọn một cột của bảng",
        ));
    }
    // A code of a reference list reads as the record shows it (the lists sent to the communes); one
    // the lists lack is shown as the code itself and, as at the commune, reads as nothing (records
    // are checked against the lists on import, so it hardly ever reaches here).
    let label = |b: &Behind, code: &str| {
        let SortBy::Label { name, .. } = &sort.by else { return None };
        let named = b.named.iter().find(|n| &n.key == name)?;
        let (_, l) = named.values.iter().find(|(c, _)| c == code)?;
        (*l != crate::text::printable(code, 40)).then(|| l.clone())
    };
    Ok(sort.order(records, |b| (&b.doc, b.title.as_str(), b.id.as_str()), label))
}

fn keep(records: Vec<Behind>, q: &Query) -> Result<Vec<Behind>> {
    if q.is_empty() {
        return Ok(records);
    }
    // Each filter read once per register.
    let mut read: HashMap<Kind, Vec<Wanted>> = HashMap::new();
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let wanted = match read.entry(r.kind) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut wanted = Vec::new();
                for f in &q.filters {
                    wanted.push(f.wanted(field_of(r.kind, &f.field)?.as_ref())?);
                }
                e.insert(wanted)
            }
        };
        let found = q.search.as_deref().is_none_or(|s| crate::text::finds(&r.search, s));
        if found && q.filters.iter().zip(wanted).all(|(f, w)| w.holds(f.op, r.doc.get(&f.field))) {
            out.push(r);
        }
    }
    Ok(out)
}

/// What the officer asks of a table of communes (the figures by commune, a figure's communes): a
/// search by name or code (every word begins a word of "code name", accents, đ and case ignored, as
/// [`crate::text::finds`]) and a column to order by (`code`, the default; `name`, in Vietnamese
/// order; a figure's key; `-` before it: downwards).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommuneQuery {
    pub search: Option<String>,
    pub sort: Option<String>,
}

/// A row of a table of communes as it is searched and sorted: its code, its name and its figures,
/// in the order of the table's `keys`.
pub struct CommuneRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub values: Vec<i64>,
}

/// The rows the search keeps, in the order asked; ties (and the same name) by code. A sort by a
/// column the table does not have is refused naming the columns it has.
pub fn communes<T>(
    rows: Vec<T>,
    q: &CommuneQuery,
    keys: &[&str],
    row: impl Fn(&T) -> CommuneRow<'_>,
) -> Result<Vec<T>> {
    let asked = q.sort.as_deref().map_or("", str::trim);
    let (name, desc) = match asked.strip_prefix('-') {
        Some(n) => (n.trim(), true),
        None => (asked, false),
    };
    enum By {
        Code,
        Name,
        Value(usize),
    }
    let by = match name {
        "" | "code" => By::Code,
        "name" => By::Name,
        key => By::Value(keys.iter().position(|k| *k == key).ok_or_else(|| {
            let key = crate::text::printable(key, 40);
            Error::field(
                "sort",
                "Sắp xếp",
                if keys.is_empty() {
                    format!("«{key}» không có; chọn code (mã xã) hoặc name (tên xã)")
                } else {
                    format!(
                        "«{key}» không có; chọn code (mã xã), name (tên xã) hoặc một mã cột của bảng (ví dụ {})",
                        keys.iter().take(3).copied().collect::<Vec<_>>().join(", ")
                    )
                },
            )
        })?),
    };
    let search = q.search.as_deref().filter(|s| !crate::text::search_tokens(s).is_empty());
    let mut keyed: Vec<((i64, Vec<u8>), String, T)> = rows
        .into_iter()
        .filter_map(|t| {
            let r = row(&t);
            if search.is_some_and(|s| !crate::text::finds(&format!("{} {}", r.code, r.name), s)) {
                return None;
            }
            let key = match by {
                By::Code => (0, Vec::new()),
                By::Name => (0, crate::text::sort_key(r.name)),
                By::Value(i) => (r.values.get(i).copied().unwrap_or(0), Vec::new()),
            };
            Some((key, r.code.to_owned(), t))
        })
        .collect();
    keyed.sort_by(|a, b| {
        let first = a.0.cmp(&b.0);
        let first = if desc { first.reverse() } else { first };
        // Downwards by code or by name, the codes go down too; ties of a figure go by code upwards.
        let code = a.1.cmp(&b.1);
        first.then(if desc && !matches!(by, By::Value(_)) { code.reverse() } else { code })
    });
    Ok(keyed.into_iter().map(|(_, _, t)| t).collect())
}

/// Each value's place among `values` in order (equal values share a place): the number a table of
/// communes sorts a column of words or periods by ([`CommuneRow::values`]). A column of names (a
/// state, a source) is ranked by [`crate::text::sort_key`] so that it sorts in Vietnamese order of
/// what the officer reads, never by its code.
pub fn ranks<K: Ord>(values: impl IntoIterator<Item = K>) -> std::collections::BTreeMap<K, i64> {
    let set: std::collections::BTreeSet<K> = values.into_iter().collect();
    set.into_iter().zip(0..).collect()
}

/// The province's figures with their communes searched and ordered as `q` asks (the total stays the
/// province's).
pub fn figure_communes(
    mut f: super::figures::ProvinceFigures,
    q: &CommuneQuery,
) -> Result<super::figures::ProvinceFigures> {
    let keys: Vec<String> = super::figures::columns(&f.total).into_iter().map(|(c, _)| c.key).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let rows = std::mem::take(&mut f.communes);
    f.communes = communes(rows, q, &keys, |c| CommuneRow {
        code: &c.commune_code,
        name: &c.commune,
        values: super::figures::columns(&c.figures).into_iter().map(|(_, v)| v).collect(),
    })?;
    Ok(f)
}

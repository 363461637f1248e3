//! The lists the province sends down to its communes, edited from the console: the criteria of the
//! "An toàn về ANTT" certification by year, the report's indicators, the model kinds and types, the
//! reporting periods. What changed since the version last sent ([`diff`]), and the signed reference
//! bundle for every commune ([`send`]), whose lists the province then checks the communes' records
//! against (`Province::checked_refs`).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::domain::{RefItem, RefList, RefSet};
use crate::error::{Error, Result};
use crate::sync::province::Province;

/// The lists the console edits, in the order it shows them.
pub const EDITABLE: &[&str] = &[
    "criteria_khu_dan_cu",
    "criteria_xa",
    "criteria_co_quan_doanh_nghiep",
    "criteria_co_so_giao_duc",
    "report_indicator",
    "model_kind",
    "model_type",
    "reporting_period",
];

/// The version last sent to the communes (whole), else the lists this release ships; with its number
/// (`None`: nothing sent yet).
pub fn last_sent(p: &Province) -> Result<(Option<i64>, RefSet)> {
    match p.db().references_sent()?.pop() {
        Some((v, text)) => Ok((
            Some(v),
            serde_json::from_str(&text).map_err(|e| Error::Json(format!("danh mục phiên bản {v} đã gửi: {e}")))?,
        )),
        None => Ok((None, RefSet::builtin())),
    }
}

/// The editable lists as they stand: those last sent (or shipped), the reporting period being the
/// province's own rules.
pub fn editable(p: &Province) -> Result<Vec<RefList>> {
    let (_, set) = last_sent(p)?;
    let rules = super::rules(p)?;
    Ok(EDITABLE
        .iter()
        .filter_map(|code| {
            let mut l = set.lists.iter().find(|l| l.list == *code).cloned()?;
            if l.list == crate::period::LIST {
                l.items = vec![rules.to_item()];
            }
            Some(l)
        })
        .collect())
}

/// One change between two versions of the lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Change {
    Added {
        list: String,
        code: String,
        label: String,
    },
    /// Withdrawn: no longer offered; records that use it keep it.
    Withdrawn {
        list: String,
        code: String,
        label: String,
    },
    Renamed {
        list: String,
        code: String,
        old: String,
        new: String,
    },
    /// Its settings (years, rule, periods…) changed.
    Settings {
        list: String,
        code: String,
        label: String,
    },
}

impl Change {
    /// The change as an officer reads it, with the list's name.
    pub fn text(&self, list_label: &str) -> String {
        match self {
            Change::Added { code, label, .. } => format!("{list_label}: thêm «{label}» ({code})"),
            Change::Withdrawn { code, label, .. } => {
                format!("{list_label}: bỏ «{label}» ({code}); bản ghi cũ dùng mục này vẫn giữ")
            }
            Change::Renamed { code, old, new, .. } => format!("{list_label}: đổi tên {code} «{old}» thành «{new}»"),
            Change::Settings { code, label, .. } => format!("{list_label}: đổi thiết lập của «{label}» ({code})"),
        }
    }

    pub fn list(&self) -> &str {
        match self {
            Change::Added { list, .. }
            | Change::Withdrawn { list, .. }
            | Change::Renamed { list, .. }
            | Change::Settings { list, .. } => list,
        }
    }
}

/// What changed from `before` to `after`, list by list in `after`'s order, item by item.
pub fn diff(before: &[RefList], after: &[RefList]) -> Vec<Change> {
    let mut out = Vec::new();
    for l in after {
        let old: &[RefItem] = before.iter().find(|b| b.list == l.list).map_or(&[], |b| b.items.as_slice());
        for i in &l.items {
            match old.iter().find(|o| o.code == i.code) {
                None => out.push(Change::Added { list: l.list.clone(), code: i.code.clone(), label: i.label.clone() }),
                Some(o) => {
                    if o.label != i.label {
                        out.push(Change::Renamed {
                            list: l.list.clone(),
                            code: i.code.clone(),
                            old: o.label.clone(),
                            new: i.label.clone(),
                        });
                    }
                    if o.data != i.data {
                        out.push(Change::Settings {
                            list: l.list.clone(),
                            code: i.code.clone(),
                            label: i.label.clone(),
                        });
                    }
                }
            }
        }
        for o in old.iter().filter(|o| !l.items.iter().any(|i| i.code == o.code)) {
            out.push(Change::Withdrawn { list: l.list.clone(), code: o.code.clone(), label: o.label.clone() });
        }
    }
    out
}

/// Checks edited lists as typed: only editable lists, each item a code (lower-case letters without
/// accents, digits and `_`) and a label, codes once per list. Every problem at once, naming the row.
pub fn check(lists: &[RefList]) -> Result<Vec<RefList>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for l in lists {
        if !EDITABLE.contains(&l.list.as_str()) {
            return Err(Error::field(
                "list",
                "Danh mục",
                format!("«{}» không phải danh mục Công an tỉnh sửa được", crate::text::printable(&l.list, 40)),
            ));
        }
        let mut items = Vec::new();
        for (n, i) in l.items.iter().enumerate() {
            let row = format!("{}, dòng {}", l.label, n + 1);
            let code = i.code.trim().to_owned();
            let label = crate::text::clean(&i.label);
            if code.is_empty()
                || code.len() > 40
                || !code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                errors.push(crate::FieldError {
                    field: format!("{}.{n}.code", l.list),
                    label: row.clone(),
                    message: "mã phải gồm chữ thường không dấu, chữ số hoặc dấu _ (tối đa 40 ký tự)".into(),
                });
            } else if items.iter().any(|x: &RefItem| x.code == code) {
                errors.push(crate::FieldError {
                    field: format!("{}.{n}.code", l.list),
                    label: row.clone(),
                    message: format!("mã «{code}» đã có ở dòng trên"),
                });
            }
            // A criterion is the Thông tư's whole text (Điều 6 khoản 3 runs to some 1.300 characters).
            if label.is_empty() || label.chars().count() > 2000 {
                errors.push(crate::FieldError {
                    field: format!("{}.{n}.label", l.list),
                    label: row,
                    message: "tên không được để trống (tối đa 2.000 ký tự)".into(),
                });
            }
            items.push(RefItem { code, label, data: i.data.clone() });
        }
        if items.is_empty() {
            errors.push(crate::FieldError {
                field: format!("{}.items", l.list),
                label: l.label.clone(),
                message: "danh mục phải còn ít nhất một mục".into(),
            });
        }
        if l.list == crate::period::LIST {
            for i in &items {
                crate::period::Rules::from_item(Some(i)).check()?;
            }
        }
        out.push(RefList { list: l.list.clone(), label: l.label.clone(), items });
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(crate::error::Invalid(errors)));
    }
    Ok(out)
}

/// What sending would do: the changes from the version last sent.
pub fn preview(p: &Province, lists: &[RefList]) -> Result<Vec<Change>> {
    let edited = check(lists)?;
    Ok(diff(&editable(p)?, &edited))
}

/// What was sent.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    pub path: PathBuf,
    pub version: i64,
    pub changes: Vec<Change>,
}

/// Signs and writes the reference bundle for every commune into `dir`: the version last sent with the
/// edited lists laid over it, under the next version number (revoked keys go with it). Kept by the
/// province, audited. Chief only.
pub fn send(p: &mut Province, lists: &[RefList], dir: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<Sent> {
    p.db().require(crate::domain::account::Role::MANAGES, "gửi danh mục cho các xã")?;
    let edited = check(lists)?;
    let changes = diff(&editable(p)?, &edited);
    let (last, mut set) = last_sent(p)?;
    let version = last.unwrap_or(0).max(RefSet::builtin().version) + 1;
    // The reporting period sent is the province's own rule: edited here, it becomes the rule.
    if let Some(item) = edited.iter().find(|l| l.list == crate::period::LIST).and_then(|l| l.items.first()) {
        let rules = crate::period::Rules::from_item(Some(item));
        if rules != super::rules(p)? {
            super::set_rules(p, rules)?;
        }
    }
    for l in edited {
        match set.lists.iter_mut().find(|x| x.list == l.list) {
            Some(x) => *x = l,
            None => set.lists.push(l),
        }
    }
    set.version = version;
    // The targets the province set for its communes go down with every reference bundle.
    let set = super::targets::reference_set(p, Some(set))?.unwrap_or_else(|| RefSet { version, lists: Vec::new() });
    let version = set.version;
    let path = p.write_reference(Some(set), dir, now)?;
    Ok(Sent { path, version, changes })
}

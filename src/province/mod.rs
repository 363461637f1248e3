//! The province's console: what the officers of the Công an tỉnh do with the bundles their communes
//! send, on the province store that `crate::sync::province` keeps. Intake of many bundles at once
//! ([`intake`]), the roster of who sent what and when against the reporting periods ([`roster`],
//! rules in `crate::period`), the province's figures by commune ([`figures`], the same computation
//! as the commune's `crate::figures`; the records behind a figure narrowed by the commune's search
//! and filters, [`drill`]), the quarantine queue and its decisions ([`quarantine`]), and
//! a demo province ([`demo`]).
//!
//! No SQL here: the province store's reads and writes are in `src/store/province*.rs`.

pub mod demo;
pub mod drill;
pub mod export;
pub mod figures;
pub mod inspections;
pub mod intake;
pub mod quarantine;
pub mod reference;
pub mod report;
pub mod review;
pub mod roster;
pub mod targets;

use crate::domain::RefSet;
use crate::error::Result;
use crate::period::{LIST, Rules};
use crate::sync::province::Province;

/// The province setting holding its reporting rules (a `reporting_period` item as JSON).
const RULES_KEY: &str = "reporting_period";

/// The province's reporting rules: its own setting, else the reference list this release ships.
pub fn rules(p: &Province) -> Result<Rules> {
    if let Some(text) = p.db().setting(RULES_KEY)? {
        let item: crate::domain::RefItem =
            serde_json::from_str(&text).map_err(|e| crate::Error::Json(e.to_string()))?;
        return Ok(Rules::from_item(Some(&item)));
    }
    let set = RefSet::builtin();
    Ok(Rules::from_items(set.lists.iter().find(|l| l.list == LIST).map(|l| l.items.as_slice()).unwrap_or_default()))
}

/// Sets the province's reporting rules (checked, audited, one transaction).
pub fn set_rules(p: &mut Province, r: Rules) -> Result<()> {
    p.db().require(crate::domain::account::Role::MANAGES, "đặt quy định kỳ báo cáo")?;
    r.check()?;
    let text = serde_json::to_string(&r.to_item()).map_err(|e| crate::Error::Json(e.to_string()))?;
    let who = p.db().who();
    p.db_mut().set_setting(RULES_KEY, &text, &who, &chrono::Utc::now().to_rfc3339())
}

/// The items of the reference list `list` as the communes hold them now: those of the newest version
/// the province sent that carries the list, unless this release ships a newer one (a commune installs
/// whichever is newer, `Store::apply_reference`), else the release's own.
pub fn current_list(p: &Province, list: &str) -> Result<Vec<crate::domain::RefItem>> {
    let builtin = RefSet::builtin();
    let own = builtin.lists.iter().find(|l| l.list == list);
    for (version, text) in p.db().references_sent()?.into_iter().rev() {
        if version <= builtin.version && own.is_some() {
            break;
        }
        let set: RefSet = serde_json::from_str(&text)
            .map_err(|e| crate::Error::Json(format!("danh mục phiên bản {version} đã gửi: {e}")))?;
        if let Some(l) = set.lists.into_iter().find(|l| l.list == list) {
            return Ok(l.items);
        }
    }
    Ok(own.map(|l| l.items.clone()).unwrap_or_default())
}

/// The commune's name as the province knows it, else its name in the official list, else "Xã CODE".
pub fn commune_name(names: &[(String, String)], code: &str) -> String {
    names.iter().find(|(c, _)| c == code).map_or_else(
        || crate::units::Units::builtin().commune(code).map_or_else(|| format!("Xã {code}"), |c| c.full_name()),
        |(_, n)| n.clone(),
    )
}

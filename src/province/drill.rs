//! The records behind a figure as the officer narrows them, with the commune's own search and filters:
//! every word of the search begins a word of the record's search text, accents and case ignored
//! (`text::finds`, the rule of the commune's index, over the same `domain::search_text`); each filter
//! (`field=value`, `field>=value`, `field<=value`) read by `domain::filter` as the commune's lists
//! read it. The records keep their Vietnamese order.

use std::collections::HashMap;

use super::figures::Behind;
use crate::domain::Kind;
use crate::domain::filter::{Filter, Wanted, field_of};
use crate::error::Result;

/// What the officer asks of the records behind a figure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Words every record shown must hold (accents ignored); blank: no search.
    pub search: Option<String>,
    /// Every filter must hold.
    pub filters: Vec<Filter>,
}

impl Query {
    /// Nothing asked: every record behind the figure.
    pub fn is_empty(&self) -> bool {
        self.search.as_deref().is_none_or(|s| crate::text::search_tokens(s).is_empty()) && self.filters.is_empty()
    }
}

/// The records of `records` the query keeps, in the order they came; a filter on a field the
/// records' register does not have, or with a value its type cannot read, is refused naming it.
pub fn narrow(records: Vec<Behind>, q: &Query) -> Result<Vec<Behind>> {
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

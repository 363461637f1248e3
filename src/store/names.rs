//! Names of what a record points to: the labels of reference codes and the titles of linked
//! records, each read once and remembered. The one resolver behind every value shown (the window's
//! lists and pages, the CLI's `show`, the printed forms' values).

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;
use uuid::Uuid;

use super::Store;
use crate::domain::{self, Doc, DocExt, Field, FieldType, Kind, Record};
use crate::error::Result;

/// Shows values as an officer reads them, remembering reference lists and linked titles.
pub struct Names<'s> {
    store: &'s Store,
    refs: RefCell<HashMap<String, Vec<(String, String)>>>,
    titles: RefCell<HashMap<Uuid, Option<String>>>,
}

impl<'s> Names<'s> {
    pub fn new(store: &'s Store) -> Names<'s> {
        Names { store, refs: RefCell::default(), titles: RefCell::default() }
    }

    /// The title of a live record (None for an unknown or deleted one).
    pub fn title_of(&self, id: Uuid) -> Option<String> {
        if let Some(t) = self.titles.borrow().get(&id) {
            return t.clone();
        }
        let t = self.store.get_any(id).ok().flatten().filter(|r| !r.meta.deleted).map(|r| r.title);
        self.titles.borrow_mut().insert(id, t.clone());
        t
    }

    /// The label of `code` in the reference list `list` (None when the list has no such code).
    pub fn ref_label(&self, list: &str, code: &str) -> Option<String> {
        if !self.refs.borrow().contains_key(list) {
            let items = self.store.ref_items(list).unwrap_or_default().into_iter().map(|i| (i.code, i.label)).collect();
            self.refs.borrow_mut().insert(list.to_owned(), items);
        }
        self.refs.borrow()[list].iter().find(|(c, _)| c == code).map(|(_, l)| l.clone())
    }

    /// A field's value as an officer reads it (`domain::display_value` with these names).
    pub fn value(&self, f: &Field, v: &Value) -> String {
        let name_of = |ty: &FieldType, s: &str| -> Option<String> {
            match ty {
                FieldType::Ref { list } | FieldType::Refs { list } => self.ref_label(list, s),
                FieldType::Link { .. } | FieldType::Links { .. } => self.title_of(Uuid::parse_str(s).ok()?),
                _ => None,
            }
        };
        domain::display_value(f, v, &name_of)
    }

    /// The live records a link field of `doc` points to: kind, id and title.
    pub fn links(&self, f: &Field, doc: &Doc) -> Vec<(Kind, Uuid, String)> {
        let kind = match f.ty {
            FieldType::Link { kind } | FieldType::Links { kind } => kind,
            _ => return Vec::new(),
        };
        doc.ids_of(&f.key).into_iter().filter_map(|id| Some((kind, id, self.title_of(id)?))).collect()
    }

    /// Every field a record has, as label and value.
    pub fn describe(&self, record: &Record) -> Result<Vec<(String, String)>> {
        let fields = self.store.fields_for(record.kind, &record.data)?;
        Ok(fields.iter().filter_map(|f| Some((f.label.clone(), self.value(f, record.data.get(&f.key)?)))).collect())
    }
}

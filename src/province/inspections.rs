//! Inspections and remediation across the province: every commune's remediation tasks (they travel
//! up as ordinary records of the registers `inspection`, `remedy`, `remedy_report`), each with its
//! state judged by the same [`task_state`] the commune runs, so both ends show the same state.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::Province;
use crate::domain::inspection::{self, TaskState, TaskStatus, task_state};
use crate::domain::{Doc, DocExt};
use crate::error::{Error, Result};

/// One commune's task as the province lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceTask {
    pub commune_code: String,
    pub commune: String,
    /// "Công an tỉnh kiểm tra ngày 10/03/2026".
    pub inspection: String,
    /// `tinh` or `xa`: who inspected.
    pub by: String,
    pub content: String,
    pub responsible: String,
    pub deadline: Option<NaiveDate>,
    pub state: TaskState,
    /// "Quá hạn 3 ngày", "Đã báo cáo, chờ đánh giá"…
    pub state_text: String,
}

/// Every commune's tasks (or one commune's) with their state on `today`, by commune then deadline.
pub fn tasks(p: &Province, commune: Option<&str>, today: NaiveDate) -> Result<Vec<ProvinceTask>> {
    let db = p.db();
    let names = db.commune_names()?;
    // The latest state of each record of each commune (a commune's records may come from several
    // installations: a replaced laptop): the greatest (hlc, origin) wins, as on import.
    type Key = (String, String);
    /// A record's stamp (hlc, origin), kind and fields (`None`: deleted).
    type Seen = ((i64, String), String, Option<String>);
    let mut latest: BTreeMap<Key, Seen> = BTreeMap::new();
    db.each_record(commune, &["inspection", "remedy", "remedy_report"], &mut |row| {
        let stamp = (row.hlc, row.origin.to_owned());
        let key = (row.commune_code.to_owned(), row.id.to_owned());
        let newer = latest.get(&key).is_none_or(|(s, _, _)| stamp > *s);
        if newer {
            latest.insert(key, (stamp, row.kind.to_owned(), row.data.map(str::to_owned)));
        }
        Ok(())
    })?;
    let mut per_commune: BTreeMap<String, Vec<(String, String, Doc)>> = BTreeMap::new();
    for ((code, id), (_, kind, data)) in latest {
        let Some(text) = data else { continue };
        let doc: Doc = serde_json::from_str(&text).map_err(|e| Error::Json(format!("bản ghi {id}: {e}")))?;
        per_commune.entry(code).or_default().push((id, kind, doc));
    }
    let mut out = Vec::new();
    for (code, records) in per_commune {
        let of = |k: &'static str| records.iter().filter(move |(_, kind, _)| kind == k);
        let inspections: HashMap<&str, &Doc> = of("inspection").map(|(id, _, d)| (id.as_str(), d)).collect();
        let mut answers: HashMap<String, Vec<&Doc>> = HashMap::new();
        for (_, _, a) in of("remedy_report") {
            if let Some(t) = a.ids_of("remedy_id").first() {
                answers.entry(t.to_string()).or_default().push(a);
            }
        }
        let commune = super::commune_name(&names, &code);
        for (id, _, t) in of("remedy") {
            let mine = answers.get(id.as_str()).map(Vec::as_slice).unwrap_or_default();
            let state = task_state(t, mine, today);
            let i = t.ids_of("inspection_id").first().and_then(|i| inspections.get(i.to_string().as_str()).copied());
            let by = i.and_then(|i| i.str_of("by")).unwrap_or_default().to_owned();
            let by_label = inspection::BY.iter().find(|b| b.0 == by).map_or("", |b| b.1);
            let day = i.and_then(|i| i.date_of("starts_on")).map(crate::date::display).unwrap_or_default();
            out.push(ProvinceTask {
                commune_code: code.clone(),
                commune: commune.clone(),
                inspection: format!("{by_label} kiểm tra ngày {day}"),
                by,
                content: t.str_of("content").unwrap_or_default().to_owned(),
                responsible: t.str_of("responsible").unwrap_or_default().to_owned(),
                deadline: t.date_of("deadline"),
                state_text: state.text(),
                state,
            });
        }
    }
    out.sort_by(|a, b| (&a.commune_code, a.deadline, &a.content).cmp(&(&b.commune_code, b.deadline, &b.content)));
    Ok(out)
}

/// How many tasks stand in each state, per commune and for the province.
pub fn counts(tasks: &[ProvinceTask]) -> BTreeMap<TaskStatus, usize> {
    let mut c = BTreeMap::new();
    for t in tasks {
        *c.entry(t.state.status).or_insert(0) += 1;
    }
    c
}

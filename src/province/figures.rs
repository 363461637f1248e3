//! The province's figures for a period: each commune's, computed by `crate::figures` from the
//! records it sent (so that they equal what the commune computes from the same records), and their
//! sum for the province.

use std::collections::HashSet;

use serde::Serialize;

use super::commune_name;
use crate::domain::{Doc, Kind};
use crate::error::{Error, Result};
use crate::figures::{Builder, Figures, KINDS, Labels};
use crate::period::Period;
use crate::sync::province::Province;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommuneFigures {
    pub commune_code: String,
    pub commune: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvinceFigures {
    pub province_code: String,
    pub province: String,
    pub total: Figures,
    pub communes: Vec<CommuneFigures>,
}

/// The latest state of one record while the rows of its id go past (a commune's records may have
/// come from more than one installation: a replaced laptop).
struct Latest {
    id: String,
    kind: String,
    data: Option<String>,
    stamp: (i64, String),
}

/// The figures of every registered commune (or only `commune`) for `period`.
pub fn figures(p: &Province, period: Period, commune: Option<&str>) -> Result<ProvinceFigures> {
    let rules = super::rules(p)?;
    let window = rules.window(period);
    let labels = Labels::builtin();
    let db = p.db();
    let names = db.commune_names()?;
    let mut codes: Vec<String> = db.installations()?.into_iter().map(|i| i.commune_code).collect();
    codes.sort();
    codes.dedup();
    if let Some(c) = commune
        && !codes.iter().any(|x| x == c)
    {
        return Err(Error::NotFound { kind: "xã", id: c.to_owned() });
    }
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.code()).collect();
    let mut done: Vec<CommuneFigures> = Vec::new();
    let mut current: Option<(String, Builder<'_>)> = None;
    let mut latest: Option<Latest> = None;
    let mut bad = None;
    let flush = |latest: &mut Option<Latest>, b: &mut Builder<'_>, bad: &mut Option<Error>| {
        if let Some(l) = latest.take()
            && let (Some(kind), Some(text)) = (Kind::parse(&l.kind), l.data)
        {
            match serde_json::from_str::<Doc>(&text) {
                Ok(doc) => b.add(kind, &doc),
                Err(e) => *bad = Some(Error::Json(format!("bản ghi {}: {e}", l.id))),
            }
        }
    };
    db.each_record(commune, &kinds, &mut |row| {
        let (code, id, kind, data, hlc, origin) = (row.commune_code, row.id, row.kind, row.data, row.hlc, row.origin);
        if current.as_ref().is_none_or(|(c, _)| c != code) {
            if let Some((c, mut b)) = current.take() {
                flush(&mut latest, &mut b, &mut bad);
                done.push(CommuneFigures { commune: commune_name(&names, &c), commune_code: c, figures: b.finish() });
            }
            current = Some((code.to_owned(), Builder::new(window, &labels)));
        }
        let (_, b) = current.as_mut().expect("set above");
        let stamp = (hlc, origin.to_owned());
        match &mut latest {
            Some(l) if l.id == id => {
                if stamp > l.stamp {
                    *l = Latest { id: id.to_owned(), kind: kind.to_owned(), data: data.map(str::to_owned), stamp };
                }
            }
            _ => {
                flush(&mut latest, b, &mut bad);
                latest =
                    Some(Latest { id: id.to_owned(), kind: kind.to_owned(), data: data.map(str::to_owned), stamp });
            }
        }
        Ok(())
    })?;
    if let Some((c, mut b)) = current.take() {
        flush(&mut latest, &mut b, &mut bad);
        done.push(CommuneFigures { commune: commune_name(&names, &c), commune_code: c, figures: b.finish() });
    }
    if let Some(e) = bad {
        return Err(e);
    }
    // Registered communes that sent nothing yet count with zeros.
    let have: HashSet<String> = done.iter().map(|c| c.commune_code.clone()).collect();
    for c in codes.iter().filter(|c| commune.is_none_or(|x| x == c.as_str()) && !have.contains(*c)) {
        done.push(CommuneFigures {
            commune_code: c.clone(),
            commune: commune_name(&names, c),
            figures: Builder::new(window, &labels).finish(),
        });
    }
    done.sort_by(|a, b| a.commune_code.cmp(&b.commune_code));
    let mut total = Builder::new(window, &labels).finish();
    for c in &done {
        total.add(&c.figures);
    }
    let meta = p.meta();
    Ok(ProvinceFigures {
        province_code: meta.province_code.clone(),
        province: meta.province.clone(),
        total,
        communes: done,
    })
}

//! The province's figures for a period: each commune's, computed by `crate::figures` from the
//! records it sent (so that they equal what the commune computes from the same records), and their
//! sum for the province.

use std::collections::HashMap;

use serde::Serialize;

use super::commune_name;
use crate::domain::{Doc, Kind, Lookup};
use crate::error::{Error, Result};
use crate::figures::{Builder, CertKey, Figures, KINDS, Labels, Parsed, Sums};
use crate::period::{Period, Window};
use crate::store::province::ProvinceDb;
use crate::store::province_figures::{CountedRow, Seen};
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

/// The lists the figures name indicators and model kinds with: those the communes hold, the
/// province's own when it sent them (so a commune's figures read the same at both ends).
pub fn labels(p: &Province) -> Result<Labels> {
    Ok(Labels {
        indicators: super::current_list(p, "report_indicator")?,
        model_kinds: super::current_list(p, "model_kind")?,
    })
}

/// The figures of every registered commune (or only `commune`) for `period`.
pub fn figures(p: &Province, period: Period, commune: Option<&str>) -> Result<ProvinceFigures> {
    let window = super::rules(p)?.window(period);
    Ok(figures_of(p, &[window], commune)?.pop().expect("one window, one result"))
}

/// What counts the sums the province keeps ([`crate::figures::Sums`]): sums kept by another release
/// are counted again. Raise the number after the last `/` when the counting changes without a new
/// release.
const SUMS_MADE_BY: &str = concat!(env!("CARGO_PKG_VERSION"), "/1");

/// The figures of every registered commune (or only `commune`) for each of `windows`.
///
/// Each commune's sums for a window are kept in the store between reads (`figure_sums`, province
/// migration 0009) and dropped by the store itself whenever that commune's records change (an
/// import, a quarantined record accepted, a held change decided). So a read counts again only the
/// communes whose records changed since the last read, and only for the windows not kept; a
/// commune's records are then read once for all those windows.
fn figures_of(p: &Province, windows: &[Window], commune: Option<&str>) -> Result<Vec<ProvinceFigures>> {
    let labels = labels(p)?;
    let db = p.db();
    let names = db.commune_names()?;
    let installations = db.installations()?;
    let mut codes: Vec<String> = installations.iter().map(|i| i.commune_code.clone()).collect();
    codes.sort();
    codes.dedup();
    if let Some(c) = commune
        && !codes.iter().any(|x| x == c)
    {
        return Err(Error::NotFound { kind: "xã", id: c.to_owned() });
    }
    let days: Vec<(String, String)> =
        windows.iter().map(|w| (crate::date::iso(w.start), crate::date::iso(w.end))).collect();
    // Per window, every commune's figures, by code (a registered commune that sent nothing counts
    // with zeros).
    let mut done: Vec<Vec<CommuneFigures>> = windows.iter().map(|_| Vec::new()).collect();
    let several = |code: &str| installations.iter().filter(|i| i.commune_code == code).count() > 1;
    // A commune's installations, by their ids (the rows of its records are theirs).
    let installations_of = |code: &str| -> Vec<String> {
        let mut v: Vec<String> = installations
            .iter()
            .filter(|i| i.commune_code == code)
            .filter_map(|i| i.installation_id.map(|u| u.to_string()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    db.in_one_read(|db| {
        // The sums kept, by (commune, window), with what the store held when they were counted; a
        // row that does not read back is counted again.
        let mut rows: Vec<(String, usize, Sums, Seen)> = Vec::new();
        for (i, (first, last)) in days.iter().enumerate() {
            for row in db.figure_sums(first, last, commune, SUMS_MADE_BY)? {
                if let (Some(seen), Ok(sums)) = (row.seen, serde_json::from_str::<Sums>(&row.sums)) {
                    rows.push((row.commune_code, i, sums, seen));
                }
            }
        }
        // The last bundle imported since the oldest of them, by commune.
        let mut since: HashMap<String, i64> = HashMap::new();
        if let Some(oldest) = rows.iter().map(|r| r.3.bundles).min() {
            for (row, code, _) in db.bundles_since(oldest)? {
                since.insert(code, row);
            }
        }
        // Kept as they are (no bundle since), or to take what the bundles since changed (by commune
        // and snapshot: the windows kept together), or counted again (missing from `kept` and
        // `adds`: a commune with several installations, whose records' latest state is across them).
        let mut kept: HashMap<(String, usize), Sums> = HashMap::new();
        let mut adds: HashMap<(String, Seen), Vec<(usize, Sums)>> = HashMap::new();
        for (code, i, sums, seen) in rows {
            if since.get(&code).is_none_or(|last| *last <= seen.bundles) {
                kept.insert((code, i), sums);
            } else {
                adds.entry((code, seen)).or_default().push((i, sums));
            }
        }
        let mut fresh = Vec::new();
        let wanted: Vec<&String> = codes.iter().filter(|c| commune.is_none_or(|x| x == c.as_str())).collect();
        // What to count: each commune's windows to count again, and its kept sums that take the
        // records added since; counted together.
        let mut jobs: Vec<Job<'_>> = Vec::new();
        let mut slots: Vec<Vec<usize>> = Vec::new();
        for ((code, seen), list) in &mut adds {
            let (at, start): (Vec<usize>, Vec<Sums>) = list.drain(..).unzip();
            jobs.push(Job {
                code: codes.iter().find(|c| *c == code).map_or("", |c| c.as_str()),
                several: several(code),
                installations: installations_of(code),
                windows: at.iter().map(|i| windows[*i]).collect(),
                start,
                after: Some(*seen),
            });
            slots.push(at);
        }
        for code in &wanted {
            let missing: Vec<usize> = (0..windows.len())
                .filter(|i| {
                    !kept.contains_key(&((*code).clone(), *i))
                        && !slots.iter().zip(&jobs).any(|(s, j)| j.code == code.as_str() && s.contains(i))
                })
                .collect();
            if !missing.is_empty() {
                jobs.push(Job {
                    code: code.as_str(),
                    several: several(code),
                    installations: Vec::new(),
                    windows: missing.iter().map(|i| windows[*i]).collect(),
                    start: Vec::new(),
                    after: None,
                });
                slots.push(missing);
            }
        }
        for ((job, at), counted) in jobs.iter().zip(slots).zip(count_all(db, &jobs)?) {
            for (i, sums) in at.into_iter().zip(counted) {
                let json = serde_json::to_string(&sums).map_err(|e| Error::Json(e.to_string()))?;
                fresh.push((job.code.to_owned(), days[i].0.clone(), days[i].1.clone(), json));
                kept.insert((job.code.to_owned(), i), sums);
            }
        }
        for code in wanted {
            for (i, (w, d)) in windows.iter().zip(done.iter_mut()).enumerate() {
                let sums = kept.remove(&(code.clone(), i)).expect("every window counted or kept");
                d.push(CommuneFigures {
                    commune: commune_name(&names, code),
                    commune_code: code.clone(),
                    figures: Builder::with_sums(*w, &labels, sums).finish(),
                });
            }
        }
        db.keep_figure_sums_read(&fresh, SUMS_MADE_BY, &days, commune)?;
        Ok(())
    })?;
    let meta = p.meta();
    Ok(windows
        .iter()
        .zip(done)
        .map(|(window, done)| {
            let mut total = Builder::new(*window, &labels).finish();
            for c in &done {
                total.add(&c.figures);
            }
            ProvinceFigures {
                province_code: meta.province_code.clone(),
                province: meta.province.clone(),
                total,
                communes: done,
            }
        })
        .collect())
}

/// One commune to count: its windows, from zero (`after` `None`: all its records) or from the
/// sums `start` kept for them, counted from the snapshot `after` (then only what changed since:
/// [`count`]).
struct Job<'a> {
    code: &'a str,
    several: bool,
    /// The commune's installations (when `several` and counted from sums kept).
    installations: Vec<String>,
    windows: Vec<Window>,
    start: Vec<Sums>,
    after: Option<Seen>,
}

/// Counts the sums of every commune of `jobs`, in order. Many communes to count from zero (the first
/// read after a stick from all of them whose bundles changed records) are counted on two threads,
/// the second on its own connection to the store ([`ProvinceDb::reader`]), in its own read
/// transaction begun after this one's: if nothing was written since this one's began (the sums are
/// kept only then: [`ProvinceDb::keep_figure_sums`]), both read the same state.
fn count_all(db: &ProvinceDb, jobs: &[Job<'_>]) -> Result<Vec<Vec<Sums>>> {
    let one =
        |db: &ProvinceDb, jobs: &[&Job<'_>]| -> Result<Vec<Vec<Sums>>> { jobs.iter().map(|j| count(db, j)).collect() };
    let all: Vec<&Job<'_>> = jobs.iter().collect();
    // Below this a second connection costs more than it saves.
    const ALONE: usize = 8;
    let whole = jobs.iter().filter(|j| j.after.is_none()).count();
    let other = if whole >= ALONE { db.reader() } else { None };
    let Some(other) = other else { return one(db, &all) };
    // Every other commune counted from zero to each thread (neighbouring codes are alike in size);
    // the few records added since a kept count are read here.
    let second: Vec<bool> = {
        let mut k = 0;
        jobs.iter()
            .map(|j| {
                let theirs = j.after.is_none() && k % 2 == 1;
                k += j.after.is_none() as usize;
                theirs
            })
            .collect()
    };
    let mine: Vec<&Job<'_>> = all.iter().zip(&second).filter(|(_, s)| !**s).map(|(j, _)| *j).collect();
    let theirs: Vec<&Job<'_>> = all.iter().zip(&second).filter(|(_, s)| **s).map(|(j, _)| *j).collect();
    let (a, b) = std::thread::scope(|s| {
        let helper = s.spawn(move || other.in_one_read(|o| one(o, &theirs)));
        let a = one(db, &mine);
        (a, helper.join())
    });
    let stopped = || Error::Refused("Việc tính số liệu bị dừng giữa chừng; hãy mở lại trang.".into());
    let (mut a, mut b) = (a?.into_iter(), b.map_err(|_| stopped())??.into_iter());
    Ok(second.iter().map_while(|s| if *s { b.next() } else { a.next() }).collect())
}

/// Adds one live record of `kind` stored as `text` (`None`: its data was not read) to each of `bs`.
fn add_to(bs: &mut [Builder<'_>], kind: Kind, text: Option<&[u8]>, id: &dyn std::fmt::Display) -> Result<()> {
    let bad = |e: serde_json::Error| Error::Json(format!("bản ghi {id}: {e}"));
    let parsed = match (kind, text) {
        (Kind::Team | Kind::Member, _) => Parsed::Fields(Default::default()),
        (_, None) => return Ok(()),
        (Kind::Cert, Some(text)) => {
            // Most certification records are of other years: their year read first.
            if let Ok(k) = serde_json::from_slice::<CertKey>(text)
                && !bs.iter().any(|b| b.counts_cert(k.year, k.subject))
            {
                return Ok(());
            }
            Parsed::parse_bytes(kind, text).map_err(bad)?
        }
        (_, Some(text)) => Parsed::parse_bytes(kind, text).map_err(bad)?,
    };
    bs.iter_mut().for_each(|b| b.add_parsed(kind, &parsed));
    Ok(())
}

/// Counts the sums of `job`'s commune for each of its windows from its records, reading each record
/// once (its latest state across the commune's installations when it has several: a replaced
/// laptop, or several laptops of one commune, may have sent the same record).
///
/// From sums kept (`job.after`, a commune with one installation), only what changed since their
/// snapshot is read: every figure is a sum over records ([`Sums::subtract`]), so the sums now are
/// the kept ones, less what each record replaced since counted then (its state at the snapshot: the
/// first state replaced after it, province migration 0013), plus the state now of every record
/// replaced or added since, each once.
fn count(db: &ProvinceDb, job: &Job<'_>) -> Result<Vec<Sums>> {
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.code()).collect();
    // Teams and members are counted, not read.
    let unread = [Kind::Team.code(), Kind::Member.code()];
    // The labels name nothing here: only the sums are taken.
    let labels = Labels { indicators: Vec::new(), model_kinds: Vec::new() };
    let mut start = job.start.iter().cloned();
    let mut bs: Vec<Builder<'_>> = job
        .windows
        .iter()
        .map(|w| match start.next() {
            Some(sums) => Builder::with_sums(*w, &labels, sums),
            None => Builder::new(*w, &labels),
        })
        .collect();
    if let Some(seen) = job.after
        && job.several
    {
        return count_across(db, job, seen, bs);
    }
    if let Some(seen) = job.after {
        // What was counted of the records replaced since, and the rows to read again now.
        let mut was: Vec<Builder<'_>> = job.windows.iter().map(|w| Builder::new(*w, &labels)).collect();
        let mut touched: Vec<i64> = Vec::new();
        let mut first = std::collections::HashSet::new();
        let read: Vec<&str> = kinds.iter().filter(|k| !unread.contains(k)).copied().collect();
        db.each_replaced(job.code, seen.replaced, &read, &mut |r| {
            if !first.insert(r.row) || r.row > seen.records {
                // Replaced again, or added after the snapshot (read with the rows added below).
                return Ok(());
            }
            // Whatever its register now (read again below, if one the figures count).
            touched.push(r.row);
            match Kind::parse(r.kind) {
                Some(kind) if r.live && KINDS.contains(&kind) => {
                    add_to(&mut was, kind, r.data, &format_args!("dòng {}", r.row))
                }
                _ => Ok(()),
            }
        })?;
        let mut add = |row: &CountedRow<'_>| match Kind::parse(row.kind) {
            Some(kind) if row.live => add_to(&mut bs, kind, row.data, &row.id),
            _ => Ok(()),
        };
        db.each_record_at(job.code, &touched, &kinds, &unread, &mut add)?;
        db.each_counted_row(job.code, &kinds, &unread, false, Some(seen.records), &mut add)?;
        return Ok(now_less_then(bs, was));
    }
    let mut add = |kind: Kind, text: Option<&[u8]>, id: &str| add_to(&mut bs, kind, text, &id);
    if job.several {
        // The latest state of each record: its stamp, kind, whether live and its data.
        let mut latest: HashMap<String, Latest> = HashMap::new();
        db.each_counted_row(job.code, &kinds, &unread, true, None, &mut |row| {
            let stamp = (row.hlc, row.origin.to_owned());
            let Some(kind) = Kind::parse(row.kind) else { return Ok(()) };
            if latest.get(row.id).is_none_or(|l| l.0 < stamp) {
                latest.insert(row.id.to_owned(), (stamp, kind, row.live, row.data.map(<[u8]>::to_vec)));
            }
            Ok(())
        })?;
        for (id, (_, kind, live, data)) in &latest {
            if *live {
                add(*kind, data.as_deref(), id)?;
            }
        }
    } else {
        db.each_counted_row(job.code, &kinds, &unread, false, None, &mut |row| match Kind::parse(row.kind) {
            Some(kind) if row.live => add(kind, row.data, row.id),
            _ => Ok(()),
        })?;
    }
    Ok(bs.into_iter().map(Builder::into_sums).collect())
}

/// As [`count`] from sums kept, for a commune with several installations: a record counts in its
/// latest state across them (by stamp). So for each record one of whose rows was replaced or added
/// since the snapshot, the latest of its states then (each row's first state replaced after the
/// snapshot's mark, or the row as it is when not replaced since; rows added since were not there) is
/// taken away, and the latest of its states now added (province migrations 0013, 0014).
fn count_across(db: &ProvinceDb, job: &Job<'_>, seen: Seen, mut bs: Vec<Builder<'_>>) -> Result<Vec<Sums>> {
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.code()).collect();
    let read: Vec<&str> = KINDS.iter().filter(|k| !matches!(k, Kind::Team | Kind::Member)).map(|k| k.code()).collect();
    let labels = Labels { indicators: Vec::new(), model_kinds: Vec::new() };
    let counted = |kind: &str| Kind::parse(kind).filter(|k| KINDS.contains(k));
    let mut then: HashMap<i64, Option<Latest>> = HashMap::new();
    db.each_replaced(job.code, seen.replaced, &read, &mut |r| {
        if r.row <= seen.records && !then.contains_key(&r.row) {
            let state = counted(r.kind).map(|k| ((r.hlc, r.origin.to_owned()), k, r.live, r.data.map(<[u8]>::to_vec)));
            then.insert(r.row, state);
        }
        Ok(())
    })?;
    let touched: Vec<i64> = then.keys().copied().collect();
    let mut ids = db.record_ids_at(job.code, &touched)?;
    db.each_counted_row(job.code, &kinds, &[], false, Some(seen.records), &mut |row| {
        ids.push(row.id.to_owned());
        Ok(())
    })?;
    ids.sort();
    ids.dedup();
    let later = |best: &Option<Latest>, stamp: &(i64, String)| best.as_ref().is_none_or(|b| b.0 < *stamp);
    let mut was: Vec<Builder<'_>> = job.windows.iter().map(|w| Builder::new(*w, &labels)).collect();
    for id in &ids {
        let (mut now, mut before): (Option<Latest>, Option<Latest>) = (None, None);
        db.each_version(job.code, &job.installations, id, &read, &mut |v| {
            if let Some(kind) = counted(v.kind) {
                let stamp = (v.hlc, v.origin.to_owned());
                if later(&now, &stamp) {
                    now = Some((stamp, kind, v.live, v.data.map(<[u8]>::to_vec)));
                }
            }
            if v.row <= seen.records {
                let state = match then.get(&v.row) {
                    Some(replaced) => replaced.clone(),
                    None => {
                        counted(v.kind).map(|k| ((v.hlc, v.origin.to_owned()), k, v.live, v.data.map(<[u8]>::to_vec)))
                    }
                };
                if let Some(state) = state
                    && later(&before, &state.0)
                {
                    before = Some(state);
                }
            }
            Ok(())
        })?;
        if let Some((_, kind, true, data)) = &now {
            add_to(&mut bs, *kind, data.as_deref(), id)?;
        }
        if let Some((_, kind, true, data)) = &before {
            add_to(&mut was, *kind, data.as_deref(), id)?;
        }
    }
    Ok(now_less_then(bs, was))
}

/// Per window, the sums now: `now` holds the sums kept plus every record changed or added since their
/// snapshot as it is now, `then` what the changed records counted at the snapshot (every figure is a
/// sum over records: [`Sums::subtract`]).
fn now_less_then(now: Vec<Builder<'_>>, then: Vec<Builder<'_>>) -> Vec<Sums> {
    now.into_iter()
        .zip(then)
        .map(|(b, w)| {
            let mut sums = b.into_sums();
            sums.subtract(&w.into_sums());
            sums
        })
        .collect()
}

/// The latest state of one record as the count keeps it: its (hlc, origin) stamp, kind, whether
/// live, its data when read.
type Latest = ((i64, String), Kind, bool, Option<Vec<u8>>);

/// One figure of the province's table: its key, its label and the register its records are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// `ind:tuyen_truyen_buoi`, `model:an_ninh_trat_tu`, `teams`, `members`, `hh_total`,
    /// `hh_registered`, `hh_committed`, `antt:ho_gia_dinh`.
    pub key: String,
    pub label: String,
    pub kind: Kind,
}

/// Every figure of `f` as a column of the province's table, with its value.
pub fn columns(f: &Figures) -> Vec<(Column, i64)> {
    let col = |key: String, label: String, kind: Kind, v: i64| (Column { key, label, kind }, v);
    let mut out = Vec::new();
    for i in &f.indicators {
        let kind = match i.code.as_str() {
            "mo_hinh_theo_loai" => Kind::Model,
            "antt_cong_nhan" => Kind::Cert,
            _ => Kind::Activity,
        };
        out.push(col(format!("ind:{}", i.code), i.label.clone(), kind, i.value));
    }
    for m in &f.models {
        out.push(col(
            format!("model:{}", m.kind),
            format!("Mô hình {} (đang hoạt động)", m.label),
            Kind::Model,
            m.active,
        ));
    }
    out.push(col("teams".into(), "Tổ, đội".into(), Kind::Team, f.teams));
    out.push(col("members".into(), "Thành viên".into(), Kind::Member, f.members));
    out.push(col("hh_total".into(), "Hộ gia đình".into(), Kind::Area, f.households.total));
    out.push(col("hh_registered".into(), "Hộ đăng ký tham gia".into(), Kind::Area, f.households.registered));
    out.push(col("hh_committed".into(), "Hộ ký cam kết".into(), Kind::Activity, f.households.committed));
    for a in &f.antt {
        out.push(col(
            format!("antt:{}", a.subject),
            format!("{} đạt «An toàn về ANTT»", a.label),
            Kind::Cert,
            a.recognised,
        ));
    }
    out
}

/// The column `key` of `f` with its value, or refused naming the field and giving examples.
pub fn column(f: &Figures, key: &str) -> Result<(Column, i64)> {
    columns(f).into_iter().find(|(c, _)| c.key == key).ok_or_else(|| {
        Error::field(
            "column",
            "Số liệu",
            format!(
                "«{}» không có; chọn một mã cột của bảng số liệu (ví dụ members, teams, ind:tin_bao)",
                crate::text::printable(key, 40)
            ),
        )
    })
}

/// The province's total of the figure `key` (see [`columns`]) for each reporting period inside
/// `period` (the months of a year, by default): its trend.
pub fn trend(p: &Province, period: Period, key: &str) -> Result<Vec<(Period, i64)>> {
    let rules = super::rules(p)?;
    let windows = rules.expected_in(&rules.window(period));
    Ok(figures_of(p, &windows, None)?
        .into_iter()
        .zip(&windows)
        .map(|(f, w)| (w.period, columns(&f.total).into_iter().find(|(c, _)| c.key == key).map_or(0, |(_, v)| v)))
        .collect())
}

/// One of a commune's records behind a figure, read-only: what it adds to the figure, its title and
/// its fields as an officer reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Behind {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    /// What this record adds to the figure.
    pub value: i64,
    /// (label, value) in form order.
    pub fields: Vec<(String, String)>,
    /// Each field's value as a number or a date when it is one (for spreadsheets), beside `fields`.
    #[serde(skip)]
    pub typed: Vec<Typed>,
    /// The record's fields as stored (what filters compare).
    #[serde(skip)]
    pub doc: Doc,
    /// Its search text as the commune's index holds it ([`crate::domain::search_text`]).
    #[serde(skip)]
    pub search: String,
    /// Its option, list and link fields: each stored code with what it reads as.
    #[serde(skip)]
    pub named: Vec<Named>,
}

/// A field holding codes (an option, a reference list's item, a linked record): each code the record
/// holds with what an officer reads for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub key: String,
    pub label: String,
    pub values: Vec<(String, String)>,
}

impl Behind {
    /// A record read without its linked records (a review's model is then unnamed), counting 1.
    pub fn alone(id: String, kind: Kind, doc: Doc) -> Result<Behind> {
        let read = CommuneRecords { docs: HashMap::new(), refs: crate::domain::RefSet::builtin() };
        let form = crate::domain::fields_for(kind, &doc, &read)?;
        read_one(&read, id, kind, doc, 1, &form)
    }
}

/// A record as the drill-down shows it: title, fields, search text and named codes, read with the
/// fields of its form `form` (worked out once per register, and per category for activities).
fn read_one(
    read: &CommuneRecords,
    id: String,
    kind: Kind,
    doc: Doc,
    value: i64,
    form: &[crate::domain::Field],
) -> Result<Behind> {
    let title = crate::domain::registers::title(kind, &doc, read)?;
    let (fields, typed) = describe_typed(form, &doc, read).into_iter().map(|(l, v, t)| ((l, v), t)).unzip();
    let search = crate::domain::search_text(&title, &doc, form);
    let named = named(form, &doc, read);
    Ok(Behind { id, kind, title, value, fields, typed, doc, search, named })
}

/// A field's value as a spreadsheet keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// Shown as text (its `fields` value).
    Text,
    Int(i64),
    Date(chrono::NaiveDate),
    DateTime(chrono::NaiveDateTime),
}

fn typed(ty: &crate::domain::FieldType, v: &serde_json::Value) -> Typed {
    use crate::domain::FieldType as T;
    match (ty, v) {
        (T::Int { .. }, serde_json::Value::Number(n)) => n.as_i64().map_or(Typed::Text, Typed::Int),
        (T::Date, serde_json::Value::String(s)) => crate::date::parse_date(s).map_or(Typed::Text, Typed::Date),
        (T::DateTime, serde_json::Value::String(s)) => {
            crate::date::parse_datetime(s).map_or(Typed::Text, Typed::DateTime)
        }
        _ => Typed::Text,
    }
}

/// Reads a commune's records as the province holds them (for titles and linked names).
struct CommuneRecords {
    docs: HashMap<uuid::Uuid, (Kind, Doc)>,
    refs: crate::domain::RefSet,
}

impl crate::domain::Lookup for CommuneRecords {
    fn today(&self) -> chrono::NaiveDate {
        chrono::Local::now().date_naive()
    }
    fn ref_items(&self, list: &str) -> Result<std::sync::Arc<[crate::domain::RefItem]>> {
        Ok(self.refs.lists.iter().find(|l| l.list == list).map(|l| l.items.clone()).unwrap_or_default().into())
    }
    fn get(&self, kind: Kind, id: uuid::Uuid) -> Result<Option<Doc>> {
        Ok(self.docs.get(&id).filter(|(k, _)| *k == kind).map(|(_, d)| d.clone()))
    }
    fn find(&self, _kind: Kind, _field: &str, _value: &str) -> Result<Vec<(uuid::Uuid, Doc)>> {
        Ok(Vec::new())
    }
}

/// A record's fields as (label, value) lines an officer reads, in form order, then any field the form
/// does not have (as it came: a quarantined record may carry one).
fn describe_with(kind: Kind, doc: &Doc, read: &CommuneRecords) -> Result<Vec<(String, String)>> {
    let form = crate::domain::registers::fields_for(kind, doc, read)?;
    Ok(describe_typed(&form, doc, read).into_iter().map(|(l, v, _)| (l, v)).collect())
}

/// As [`describe_with`], with the record's form, each value also as a number or a date when it is one.
fn describe_typed(form: &[crate::domain::Field], doc: &Doc, read: &CommuneRecords) -> Vec<(String, String, Typed)> {
    let mut fields = Vec::new();
    for f in form {
        let Some(v) = doc.get(&f.key).filter(|v| !v.is_null()) else { continue };
        let name_of = |ty: &crate::domain::FieldType, s: &str| name_of(read, ty, s);
        fields.push((f.label.to_string(), crate::domain::display_value(f, v, &name_of), typed(&f.ty, v)));
    }
    for (k, v) in doc.iter().filter(|(k, v)| !v.is_null() && !form.iter().any(|f| &f.key == *k)) {
        fields.push((crate::text::printable(k, 40), crate::text::printable(&v.to_string(), 400), Typed::Text));
    }
    fields
}

/// What the code `s` of a field of type `ty` reads as: a list item's label, a linked record's title.
fn name_of(read: &CommuneRecords, ty: &crate::domain::FieldType, s: &str) -> Option<String> {
    use crate::domain::FieldType as T;
    match ty {
        T::Ref { list } | T::Refs { list } => {
            read.ref_items(list).ok()?.iter().find(|i| i.code == s).map(|i| i.label.clone())
        }
        T::Link { kind } | T::Links { kind } => {
            let id = uuid::Uuid::parse_str(s).ok()?;
            let d = read.get(*kind, id).ok()??;
            crate::domain::registers::title(*kind, &d, read).ok()
        }
        _ => None,
    }
}

/// The option, list and link fields of a record, each code with what it reads as (the code itself
/// when nothing names it: a withdrawn item, a record the province never received).
fn named(form: &[crate::domain::Field], doc: &Doc, read: &CommuneRecords) -> Vec<Named> {
    use crate::domain::FieldType as T;
    let mut out = Vec::new();
    for f in form {
        let codes: Vec<&str> = match (&f.ty, doc.get(&f.key)) {
            (T::Enum { .. } | T::Ref { .. } | T::Link { .. }, Some(serde_json::Value::String(s))) => vec![s.as_str()],
            (T::Refs { .. } | T::Links { .. }, Some(serde_json::Value::Array(a))) => {
                a.iter().filter_map(serde_json::Value::as_str).collect()
            }
            _ => continue,
        };
        let values = codes
            .into_iter()
            .map(|c| {
                let name = match &f.ty {
                    T::Enum { .. } => f.option_label(c).map(str::to_owned),
                    ty => name_of(read, ty, c),
                };
                (c.to_owned(), name.unwrap_or_else(|| crate::text::printable(c, 40)))
            })
            .collect();
        out.push(Named { key: f.key.clone(), label: f.label.clone(), values });
    }
    out
}

/// A record's fields as an officer reads them, without its linked records (a quarantined record).
pub fn describe(kind: Kind, doc: &Doc) -> Vec<(String, String)> {
    let read = CommuneRecords { docs: HashMap::new(), refs: crate::domain::RefSet::builtin() };
    describe_with(kind, doc, &read).unwrap_or_default()
}

/// A record's title without its linked records (a review's model is then unnamed).
pub fn title(kind: Kind, doc: &Doc) -> String {
    let read = CommuneRecords { docs: HashMap::new(), refs: crate::domain::RefSet::builtin() };
    crate::domain::registers::title(kind, doc, &read).unwrap_or_default()
}

/// The records of `commune` behind the figure `key` (see [`columns`]) for `period`: each live record
/// whose own contribution to that figure is not zero (every figure is a sum over records), in
/// Vietnamese order of their titles. `key` `None`: every record the figures read.
pub fn behind(p: &Province, period: Period, commune: &str, key: Option<&str>) -> Result<Vec<Behind>> {
    let rules = super::rules(p)?;
    let window = rules.window(period);
    let labels = labels(p)?;
    let kinds: Vec<&str> = KINDS.iter().map(|k| k.code()).collect();
    let docs = super::drill::latest(p, commune, &kinds)?
        .into_iter()
        .filter_map(|(id, kind, doc)| Some((uuid::Uuid::parse_str(&id).ok()?, (kind, doc))))
        .collect();
    // The lists the records were checked against: those sent to the communes over the release's own.
    let refs = crate::domain::RefSet {
        version: 0,
        lists: p
            .checked_refs()?
            .into_iter()
            .map(|(list, items)| crate::domain::RefList { list, label: String::new(), items: items.to_vec() })
            .collect(),
    };
    let read = CommuneRecords { docs, refs };
    let mut forms = crate::domain::registers::FieldCache::default();
    let mut out = Vec::new();
    for (id, (kind, doc)) in &read.docs {
        let value = match key {
            Some(key) => {
                let alone = crate::figures::compute(window, &labels, [(*kind, doc)]);
                columns(&alone).into_iter().find(|(c, _)| c.key == key).map_or(0, |(_, v)| v)
            }
            None => 1,
        };
        if value == 0 {
            continue;
        }
        let form = forms.fields_for(*kind, doc, &read)?;
        out.push(read_one(&read, id.to_string(), *kind, doc.clone(), value, form)?);
    }
    out.sort_by(|a, b| crate::text::compare(&a.title, &b.title).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

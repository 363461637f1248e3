//! The inspection's documents filled from the store: the Biên bản kiểm tra and the Thông báo kết
//! luận of an inspection (numbered in the commune police's register when the commune inspected; a
//! province inspection's documents are the province's: printed with the province's header and the
//! number left to write), and the list of remediation tasks with their state.

use uuid::Uuid;

use super::fill::{Build, Filled};
use super::forms::{self, Agency, FormSpec, InspectionReport, RemedyItem, RemedyTable};
use crate::domain::{DocExt, Kind};
use crate::error::Result;
use crate::store::{RemedyCounts, RemedyRow, Store};

fn text(r: &crate::domain::Record, key: &str) -> String {
    r.data.str_of(key).unwrap_or_default().to_owned()
}

fn item(r: &RemedyRow) -> RemedyItem {
    let result = match r.answers.last() {
        None => String::new(),
        Some(a) => {
            let day = a.data.date_of("date").map(crate::date::display).unwrap_or_default();
            let verdict = match a.data.str_of("verdict") {
                Some("dat") => "đạt".to_owned(),
                Some(_) => match a.data.str_of("verdict_reason") {
                    Some(why) => format!("chưa đạt: {why}"),
                    None => "chưa đạt".to_owned(),
                },
                None => "chờ đánh giá".to_owned(),
            };
            format!("Báo cáo ngày {day}: {} ({verdict})", text(a, "content"))
        }
    };
    RemedyItem {
        content: text(&r.task, "content"),
        responsible: text(&r.task, "responsible"),
        deadline: r.task.data.date_of("deadline"),
        state: r.state.text(),
        result,
    }
}

/// An inspection and its tasks as its documents show them.
pub fn report(store: &Store, id: Uuid) -> Result<InspectionReport> {
    let file = store.inspection_file(id, store.today())?;
    let r = &file.inspection;
    let c = store.commune()?;
    let subject = if r.data.contains_key("area_id") || r.data.contains_key("unit_id") {
        file.subject.clone()
    } else {
        Agency::police(&c.province, &c.commune).police_name()
    };
    let team = r
        .data
        .get("team")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let mut tasks: Vec<&RemedyRow> = file.tasks.iter().collect();
    tasks.sort_by_key(|t| t.task.id); // in the order they were set (UUIDv7)
    Ok(InspectionReport {
        subject,
        starts_on: r.data.date_of("starts_on"),
        ends_on: r.data.date_of("ends_on"),
        place: text(r, "place"),
        decision_number: text(r, "decision_number"),
        decision_date: r.data.date_of("decision_date"),
        leader: text(r, "leader"),
        team,
        representative: text(r, "representative"),
        scope: text(r, "scope"),
        strengths: text(r, "strengths"),
        shortcomings: text(r, "shortcomings"),
        conclusion: text(r, "conclusion"),
        tasks: tasks.into_iter().map(item).collect(),
    })
}

/// The Biên bản kiểm tra or the Thông báo kết luận of the inspection `id`.
pub fn fill(store: &Store, spec: &FormSpec, id: Uuid) -> Result<Filled> {
    let inspection = store.get(Kind::Inspection, id)?;
    let report = report(store, id)?;
    let minutes = spec.name == "bien-ban-kiem-tra";
    let build = move |a: &Agency, i: &forms::Issue| {
        if minutes { report.minutes(a, i) } else { report.conclusion_notice(a, i) }
    };
    if inspection.data.str_of("by") != Some("tinh") {
        return Ok(Filled::new(Some(id), Box::new(build)));
    }
    // The province's document: its header, its number to write by hand, dated as the inspection.
    let c = store.commune()?;
    let province = Agency::province_police(&c.province, &c.commune);
    let symbol = spec.symbol.unwrap_or("BB");
    let build: Build = Box::new(move |_, i| build(&province, i));
    let date = inspection.data.date_of("ends_on").or_else(|| inspection.data.date_of("starts_on"));
    Ok(Filled {
        number: Some(format!("……/{symbol}-{}", forms::PROVINCE_SHORT)), date, ..Filled::new(Some(id), build)
    })
}

/// The tasks with their state today: of the inspection `id`, or of every inspection.
pub fn table(store: &Store, id: Option<Uuid>) -> Result<Filled> {
    let today = store.today();
    let (inspection, rows) = match id {
        Some(id) => {
            let file = store.inspection_file(id, today)?;
            (file.inspection.title.clone(), file.tasks)
        }
        None => (String::new(), store.remedies(today)?),
    };
    let c = RemedyCounts::of(&rows);
    let t = RemedyTable {
        inspection,
        as_of: Some(today),
        tasks: rows.iter().map(item).collect(),
        summary: format!("{} đang thực hiện, {} quá hạn, {} đã hoàn thành", c.open, c.overdue, c.done),
    };
    Ok(Filled::new(id, Box::new(move |a, i| t.document(a, i))))
}

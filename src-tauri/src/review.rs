//! The review loop (issue 16) as the window reaches it: at the province, the state of each commune's
//! period, the records of a period to return, the decisions and their bundles, and the queue of
//! changes to approved periods; at the commune, its periods and the to-do list "Công an tỉnh trả
//! lại". The rules are the core's (`phongtrao::province::review`, the store's lock); what is said is
//! `phongtrao::present::review`'s. Each command parses, calls and maps the error.

use phongtrao::period::today;
use phongtrao::present::province as pp;
use phongtrao::present::review as present;
use phongtrao::province::{self as console, review};
use serde::Deserialize;
use specta::Type;
use tauri::State;

use crate::commands::{Shared, parse_period, with_province, with_store};
use crate::error::Result;

/// Every commune's periods inside `period` with the review's state, the communes searched and sorted
/// as `args` asks.
#[tauri::command]
#[specta::specta]
pub async fn province_review_rows(
    state: State<'_, Shared>,
    period: String,
    args: pp::CommunesArgs,
) -> Result<Vec<present::ReviewRow>> {
    let p_ = parse_period(&period)?;
    with_province(&state, |p| present::review_page(&console::roster::roster(p, p_, today())?, &args))
}

/// The records of `commune` that belong to `period` (the ones a return may name).
#[tauri::command]
#[specta::specta]
pub async fn province_review_records(
    state: State<'_, Shared>,
    period: String,
    commune: String,
) -> Result<Vec<pp::BehindLine>> {
    let p_ = parse_period(&period)?;
    with_province(&state, |p| Ok(review::records_of(p, p_, commune.trim())?.iter().map(pp::behind_line).collect()))
}

/// A reason of a return about one record.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct RecordReason {
    pub id: String,
    pub reason: String,
}

/// A decision as the window sends it.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct DecisionInput {
    pub commune: String,
    pub period: String,
    /// `approve`, `return` or `reopen`.
    pub action: String,
    pub note: String,
    pub records: Vec<RecordReason>,
    /// Where the decision bundle for the commune is written.
    pub folder: String,
}

/// Decides on a commune's period and writes its decision bundle into `folder`; returns what was done.
#[tauri::command]
#[specta::specta]
pub async fn province_review_decide(state: State<'_, Shared>, input: DecisionInput) -> Result<String> {
    let p_ = parse_period(&input.period)?;
    let dir = phongtrao::present::sync::chosen_folder(&input.folder)?;
    let records: Vec<(String, String)> = input.records.iter().map(|r| (r.id.clone(), r.reason.clone())).collect();
    let (action, ask) = present::decision_input(&input.action, &input.note, &records)?;
    let now = chrono::Utc::now();
    with_province(&state, |p| {
        let d = review::decide(p, &input.commune, p_, action, &ask, now)?;
        let file = p.write_decisions(input.commune.trim(), &dir, now)?;
        Ok(present::decided_and_sent(&d, input.commune.trim(), &file))
    })
}

/// The communes the province decided on (whose decision bundles can be sent), found by name or code
/// as `args` asks, with how many there are in all.
#[tauri::command]
#[specta::specta]
pub async fn province_review_decided(state: State<'_, Shared>, args: pp::CommunesArgs) -> Result<present::DecidedView> {
    with_province(&state, |p| present::decided_page(p, &args))
}

/// Writes the decision bundle of each commune in `communes` (every commune decided on when empty)
/// into `folder`, one file per commune; returns what was written.
#[tauri::command]
#[specta::specta]
pub async fn province_review_send(state: State<'_, Shared>, communes: Vec<String>, folder: String) -> Result<String> {
    let dir = phongtrao::present::sync::chosen_folder(&folder)?;
    with_province(&state, |p| Ok(present::sent(&review::send(p, &communes, &dir, chrono::Utc::now())?, &dir)))
}

/// The changes to approved periods ("sửa sau khi duyệt"), undecided first.
#[tauri::command]
#[specta::specta]
pub async fn province_held(state: State<'_, Shared>) -> Result<Vec<present::HeldLine>> {
    with_province(&state, |p| Ok(review::held(p)?.iter().map(present::held_line).collect()))
}

/// Accepts (the chief: reopens the period) or refuses a held change, with a note.
#[tauri::command]
#[specta::specta]
pub async fn province_held_decide(
    state: State<'_, Shared>,
    id: String,
    accept: bool,
    note: String,
) -> Result<present::HeldLine> {
    with_province(&state, |p| Ok(present::held_line(&review::decide_held(p, &id, accept, &note, chrono::Utc::now())?)))
}

/// The commune's periods the province decided on, and the to-do list of its returns.
#[tauri::command]
#[specta::specta]
pub async fn review_view(state: State<'_, Shared>) -> Result<present::CommuneReview> {
    with_store(&state, |s| present::commune(s))
}

/// Marks a reason of a return done by hand (a general reason).
#[tauri::command]
#[specta::specta]
pub async fn review_done(state: State<'_, Shared>, decision: i32, i: i32) -> Result<present::CommuneReview> {
    with_store(&state, |s| {
        s.mark_returned_done(decision.into(), i.into())?;
        present::commune(s)
    })
}

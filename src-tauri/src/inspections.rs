//! The province's inspections of its communes as the window reaches them (issue 17): the page «Kiểm
//! tra xã», an inspection made, opened, its answers judged, the commune's decision bundle written,
//! its documents printed. The rules are the core's (`phongtrao::province::inspections`); what is
//! shown is `phongtrao::present::province_inspection`'s. Each command parses, calls and maps the error.

use phongtrao::domain::inspection::Verdict;
use phongtrao::period::today;
use phongtrao::present::province_inspection as present;
use phongtrao::province::inspections;
use tauri::State;
use uuid::Uuid;

use crate::commands::{Shared, base64, with_province};
use crate::error::Result;

/// The page: every commune's tasks by state (the communes searched and sorted as `args` asks), the
/// inspections, the communes one may inspect.
#[tauri::command]
#[specta::specta]
pub async fn province_inspections(
    state: State<'_, Shared>,
    args: phongtrao::present::province::CommunesArgs,
) -> Result<present::ProvinceInspectionsView> {
    with_province(&state, |p| present::view_page(p, today(), &args))
}

/// One inspection with its tasks, the commune's answers and the verdicts.
#[tauri::command]
#[specta::specta]
pub async fn province_inspection(state: State<'_, Shared>, id: Uuid) -> Result<present::ProvinceInspectionView> {
    with_province(&state, |p| present::inspection(p, id, today()))
}

/// Records an inspection of `commune` with its tasks (`input`: the fields and `tasks`); its id.
#[tauri::command]
#[specta::specta]
pub async fn province_add_inspection(
    state: State<'_, Shared>,
    commune: String,
    input: serde_json::Value,
) -> Result<String> {
    let input = crate::commands::as_doc(input)?;
    with_province(&state, |p| Ok(inspections::create(p, &commune, &input, chrono::Utc::now())?.to_string()))
}

/// The province's verdict on an answer: accepted, or not enough with a reason; the inspection again.
#[tauri::command]
#[specta::specta]
pub async fn province_review_answer(
    state: State<'_, Shared>,
    inspection: Uuid,
    answer: Uuid,
    accept: bool,
    reason: String,
) -> Result<present::ProvinceInspectionView> {
    let verdict = if accept { Verdict::Accepted } else { Verdict::NotEnough };
    with_province(&state, |p| {
        inspections::review(p, answer, verdict, &reason, chrono::Utc::now())?;
        present::inspection(p, inspection, today())
    })
}

/// Writes the commune's decision bundle (its decisions, the province's inspections and verdicts)
/// into `folder`; its path.
#[tauri::command]
#[specta::specta]
pub async fn province_inspection_send(state: State<'_, Shared>, commune: String, folder: String) -> Result<String> {
    let dir = phongtrao::present::sync::chosen_folder(&folder)?;
    with_province(&state, |p| Ok(p.write_decisions(commune.trim(), &dir, chrono::Utc::now())?.display().to_string()))
}

/// A document of the inspection (`bien-ban-kiem-tra`, `thong-bao-ket-luan-kiem-tra`,
/// `danh-sach-khac-phuc`) as a PDF, base64, to preview: no number taken.
#[tauri::command]
#[specta::specta]
pub async fn province_inspection_pdf(state: State<'_, Shared>, id: Uuid, form: String) -> Result<String> {
    let printed =
        with_province(&state, |p| inspections::pdf(p, id, &form, today(), inspections::Numbering::Preview, None))?;
    Ok(base64(&printed.pdf))
}

/// «Lưu PDF»: the document saved at `out`, numbered from the province's register (printed again, it
/// keeps its number unless `new_number`); what was done.
#[tauri::command]
#[specta::specta]
pub async fn province_inspection_save(
    state: State<'_, Shared>,
    id: Uuid,
    form: String,
    out: String,
    new_number: bool,
) -> Result<String> {
    let path = phongtrao::present::sync::chosen_out(&out)?;
    let numbering = if new_number { inspections::Numbering::New } else { inspections::Numbering::Keep };
    with_province(&state, |p| {
        let printed = inspections::pdf(p, id, &form, today(), numbering, Some(&path))?;
        Ok(present::saved(&form, &printed, &path.display().to_string()))
    })
}

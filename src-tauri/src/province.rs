//! The province's console (Công an tỉnh) as the window shows it: first run, login, intake of the
//! communes' bundles from a USB stick, the roster, the quarantine queue, the figures and the summary
//! report. Everything is the core's (`phongtrao::province`, `phongtrao::sync::province`); what is
//! said about it is `phongtrao::present::province`'s. Each command parses, calls and maps the error.

use phongtrao::keyring::KdfParams;
use phongtrao::period::today;
use phongtrao::present::province as present;
use phongtrao::province::{self as console, intake, quarantine};
use phongtrao::sync::province::Province;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::commands::{AppInfo, Shared, Stage, base64, lock, parse_period, with_province};
use crate::error::{AppError, Result};

/// What the province's first run asks for: the province, and the chief's name, rank and password.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ProvinceSetupInput {
    pub province_code: String,
    pub province: String,
    pub officer: String,
    pub rank: String,
    pub password: String,
    pub password_again: String,
}

/// The province of an open province store.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ProvinceInfo {
    pub province_code: String,
    pub province: String,
    /// Where its store lives.
    pub dir: String,
}

pub fn info(p: &Province) -> ProvinceInfo {
    ProvinceInfo {
        province_code: p.meta().province_code.clone(),
        province: p.meta().province.clone(),
        dir: p.db().dir().display().to_string(),
    }
}

/// First run as the Công an tỉnh: creates the province store with its chief's account, logged in.
#[tauri::command]
#[specta::specta]
pub async fn province_setup(state: State<'_, Shared>, input: ProvinceSetupInput) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.expect(Stage::Setup)?;
    let chief = phongtrao::present::admin::chief(&input.officer, &input.rank, &input.password);
    let (code, name) = present::setup(&input.province_code, &input.province, &chief, &input.password_again)
        .map_err(AppError::invalid)?;
    let dir = app.province_dir.clone();
    let (p, _) = Province::create(&dir, &code, &name, &chief, KdfParams::default())?;
    Ok(app.opened_province(p))
}

/// First run, trying the console out: a demo province of a dozen communes, logged in as its chief
/// (`tinh`, password `phongtrao-demo`), with a folder of bundles to import (`usb-mau`).
#[tauri::command]
#[specta::specta]
pub async fn open_demo_province(state: State<'_, Shared>) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.expect(Stage::Setup)?;
    let dir = app.province_dir.clone();
    let opts = console::demo::DemoOptions { communes: 12, ..Default::default() };
    let r = console::demo::generate(&dir, phongtrao::demo::DEMO_PASSWORD, &opts, &mut |_, _| {})?;
    Ok(app.opened_province(r.province))
}

/// Opens the province store as `username` (lockout and audit by the core).
#[tauri::command]
#[specta::specta]
pub async fn province_login(state: State<'_, Shared>, username: String, password: String) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.expect(Stage::ProvinceLogin)?;
    let dir = app.province_dir.clone();
    let p = Province::open_as(&dir, &username, &password)?;
    Ok(app.opened_province(p))
}

/// Folders where a USB stick seems to be mounted (offered first), and the demo's stick if any.
#[tauri::command]
#[specta::specta]
pub async fn province_drives(state: State<'_, Shared>) -> Result<Vec<String>> {
    let demo = with_province(&state, |p| Ok(p.db().dir().join("usb-mau")))?;
    let mut out: Vec<String> = phongtrao::fsutil::removable_drives().iter().map(|p| p.display().to_string()).collect();
    if demo.is_dir() {
        out.push(demo.display().to_string());
    }
    Ok(out)
}

/// Every `.ptb` in `folder`, each checked by a dry run: nothing imported, no receipt written.
#[tauri::command]
#[specta::specta]
pub async fn province_scan(state: State<'_, Shared>, folder: String) -> Result<Vec<present::BundleLine>> {
    let dir = phongtrao::present::sync::chosen_folder(&folder)?;
    with_province(&state, |p| Ok(intake::scan(p, &[dir])?.iter().map(present::bundle_line).collect()))
}

/// «Xem trước» (`dry_run`) or «Nhập tất cả» of the stick at `folder`: the core's intake of the whole
/// stick (`intake::Stick`: in a real intake the province's own bundles on it are read first, see
/// `Province::recover_sent`), kept in the window's state; the page then calls
/// [`province_intake_next`] once per bundle (its progress bar) and [`province_intake_finish`], which
/// writes every receipt to `<folder>/bien-nhan/<commune>/` in one pass. An intake still going on
/// (the page left, the window reloaded) is finished first, its receipts written.
#[tauri::command]
#[specta::specta]
pub async fn province_intake_start(
    state: State<'_, Shared>,
    folder: String,
    dry_run: bool,
) -> Result<present::IntakeStart> {
    let root = phongtrao::present::sync::chosen_folder(&folder)?;
    let opts = intake::IntakeOptions { dry_run, receipt_root: Some(root.clone()) };
    let mut app = lock(&state)?;
    app.end_intake();
    // A new intake of the stick takes over what an interrupted one left.
    app.intake_cut = None;
    let p = app.province.as_mut().ok_or_else(AppError::logged_out)?;
    let stick = intake::Stick::open(p, &[root], opts)?;
    Ok(app.begin_intake(stick))
}

/// The next bundle of intake `id`, imported (or checked) and committed: its result, its receipt still
/// to write; none once every bundle is done.
#[tauri::command]
#[specta::specta]
pub async fn province_intake_next(state: State<'_, Shared>, id: u32) -> Result<Option<present::IntakeLine>> {
    let mut app = lock(&state)?;
    let (p, stick) = app.intake_mut(id)?;
    let dry_run = stick.dry_run();
    Ok(stick.step(p, chrono::Utc::now()).map(|o| present::intake_line(o, dry_run)))
}

/// Ends intake `id`: writes the receipts of every bundle it imported, in one pass, and returns each
/// bundle's result with its receipt (or why it could not be written).
#[tauri::command]
#[specta::specta]
pub async fn province_intake_finish(state: State<'_, Shared>, id: u32) -> Result<Vec<present::IntakeLine>> {
    let mut app = lock(&state)?;
    app.intake_mut(id)?;
    let stick = app.intake.take().map(|(_, s)| s).ok_or_else(over)?;
    Ok(present::intake_lines(&stick.finish()))
}

/// What became of an intake the idle lock or a logout interrupted (imported, not imported, what to do),
/// told once to the officer who logs in next; none when the last intake was not cut short.
#[tauri::command]
#[specta::specta]
pub async fn province_intake_cut(state: State<'_, Shared>) -> Result<Option<present::IntakeCut>> {
    let mut app = lock(&state)?;
    app.province.as_ref().ok_or_else(AppError::logged_out)?;
    Ok(app.intake_cut.take())
}

/// The error of a call naming an intake that is over.
pub(crate) fn over() -> AppError {
    AppError::new("intake_over", present::INTAKE_OVER)
}

/// The roster for `period` (`2026`, `2026-11`, `2026-Q3`, `2026-H1`).
#[tauri::command]
#[specta::specta]
pub async fn province_roster(
    state: State<'_, Shared>,
    period: String,
    args: present::CommunesArgs,
) -> Result<present::RosterView> {
    let p_ = parse_period(&period)?;
    with_province(&state, |p| present::roster_page(&console::roster::roster(p, p_, today())?, &args))
}

/// The enrolled communes (a key registered) that `search` finds (name or code, accents ignored), in
/// Vietnamese order of names: the pickers of a new inspection and of a commune's targets.
#[tauri::command]
#[specta::specta]
pub async fn province_enrolled(
    state: State<'_, Shared>,
    search: String,
) -> Result<Vec<phongtrao::present::admin::UnitChoice>> {
    with_province(&state, |p| present::enrolled(p, &search))
}

/// A key file's id and fingerprint, to read against the sealed paper form before registering it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct KeyCheck {
    pub key_id: String,
    pub fingerprint: String,
}

#[tauri::command]
#[specta::specta]
pub async fn province_key_check(file: String) -> Result<KeyCheck> {
    let path = phongtrao::present::sync::chosen_pubkey(&file)?;
    let text = std::fs::read_to_string(&path).map_err(|e| phongtrao::Error::io(&path, e))?;
    let k = phongtrao::crypto::PublicKey::parse(&text)?;
    Ok(KeyCheck { key_id: k.key_id(), fingerprint: k.fingerprint() })
}

/// Registers a commune's key from its `.pub` file (chief only).
#[tauri::command]
#[specta::specta]
pub async fn province_register(state: State<'_, Shared>, commune_code: String, file: String) -> Result<KeyCheck> {
    let path = phongtrao::present::sync::chosen_pubkey(&file)?;
    let text = std::fs::read_to_string(&path).map_err(|e| phongtrao::Error::io(&path, e))?;
    with_province(&state, |p| {
        let i = p.register(&commune_code, &text)?;
        let k = phongtrao::crypto::PublicKey::parse(&i.public_key)?;
        Ok(KeyCheck { key_id: k.key_id(), fingerprint: k.fingerprint() })
    })
}

/// Revokes a commune's key (chief only), with the reason kept in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn province_revoke(state: State<'_, Shared>, key_id: String, reason: String) -> Result<()> {
    with_province(&state, |p| p.revoke_because(&key_id, &reason).map(|_| ()))
}

/// Writes the enrollment bundle into `folder`; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn province_enrollment(state: State<'_, Shared>, folder: String) -> Result<String> {
    let dir = phongtrao::present::sync::chosen_folder(&folder)?;
    with_province(&state, |p| Ok(p.write_enrollment(&dir)?.display().to_string()))
}

/// Writes again the receipt of a commune's bundle `seq` into `<folder>/bien-nhan/<commune>/`.
#[tauri::command]
#[specta::specta]
pub async fn province_receipt(
    state: State<'_, Shared>,
    commune_code: String,
    seq: u32,
    folder: String,
) -> Result<String> {
    let dir = phongtrao::present::sync::chosen_folder(&folder)?;
    let dir = dir.join(intake::RECEIPTS).join(commune_code.trim());
    with_province(&state, |p| Ok(p.write_receipt(commune_code.trim(), seq.into(), None, &dir)?.display().to_string()))
}

/// One of the console's tables (`roster`, `late`, `figures`, `quarantine`) written as .xlsx to `out`;
/// for `figures`, `column` narrows it to one figure's communes and `commune` to that commune's records,
/// `args` to those the officer's search and filters keep.
#[tauri::command]
#[specta::specta]
pub async fn province_export(
    state: State<'_, Shared>,
    table: String,
    period: String,
    column: Option<String>,
    commune: Option<String>,
    out: String,
    args: Option<present::BehindArgs>,
) -> Result<String> {
    let p_ = parse_period(&period)?;
    let out = phongtrao::present::sync::chosen_out(&out)?;
    let narrowed = args.map(|a| a.query());
    let wanted = console::export::Wanted {
        table: &table,
        period: p_,
        column: column.as_deref(),
        commune: commune.as_deref(),
        narrowed: narrowed.as_ref(),
    };
    with_province(&state, |p| {
        console::export::write_table(p, &wanted, today(), &out)?;
        Ok(out.display().to_string())
    })
}

/// The quarantine queue, undecided first.
#[tauri::command]
#[specta::specta]
pub async fn province_quarantine(
    state: State<'_, Shared>,
    args: present::CommunesArgs,
) -> Result<present::QuarantineView> {
    with_province(&state, |p| present::quarantine_page(p, &args))
}

/// Decides on a quarantined record: accept after review, or keep refused; the note is required.
#[tauri::command]
#[specta::specta]
pub async fn province_decide(
    state: State<'_, Shared>,
    id: String,
    accept: bool,
    note: String,
) -> Result<present::QuarantineLine> {
    with_province(&state, |p| Ok(present::quarantine_line(&quarantine::decide(p, &id, accept, &note)?)))
}

/// The province's figures for `period`: totals and the table by commune.
#[tauri::command]
#[specta::specta]
pub async fn province_figures(
    state: State<'_, Shared>,
    period: String,
    args: present::CommunesArgs,
) -> Result<present::FiguresView> {
    let p_ = parse_period(&period)?;
    with_province(&state, |p| present::figures_page(p, p_, &args))
}

/// The records of `commune` behind the figure `key` for `period` (read-only), narrowed by the
/// officer's search and filters.
#[tauri::command]
#[specta::specta]
pub async fn province_behind(
    state: State<'_, Shared>,
    period: String,
    commune: String,
    key: String,
    args: present::BehindArgs,
) -> Result<present::BehindPage> {
    let p_ = parse_period(&period)?;
    with_province(&state, |p| present::behind_view(p, p_, &commune, &key, &args.query(), args.page()))
}

/// The year's targets across the province: every commune's progress, the total, what was set.
#[tauri::command]
#[specta::specta]
pub async fn province_targets(
    state: State<'_, Shared>,
    year: i32,
    args: present::CommunesArgs,
) -> Result<present::TargetsView> {
    with_province(&state, |p| present::targets_page(p, year, today(), &args))
}

/// Sets the targets of `year` for `commune` (none: every commune) from `{indicator: value}`.
#[tauri::command]
#[specta::specta]
pub async fn province_set_targets(
    state: State<'_, Shared>,
    year: i32,
    commune: Option<String>,
    targets: serde_json::Value,
) -> Result<present::TargetsView> {
    with_province(&state, |p| {
        console::targets::set_value(p, year, commune.as_deref().filter(|c| !c.trim().is_empty()), &targets)?;
        present::targets_view(p, year, today())
    })
}

/// Writes the reference bundle (the targets, the revoked keys) into `folder`; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn province_send_targets(state: State<'_, Shared>, folder: String) -> Result<String> {
    let dir = phongtrao::present::sync::chosen_folder(&folder)?;
    with_province(&state, |p| {
        let lists = console::targets::reference_set(p, None)?;
        Ok(p.write_reference(lists, &dir, chrono::Utc::now())?.display().to_string())
    })
}

/// The key areas across the province, commune by commune.
#[tauri::command]
#[specta::specta]
pub async fn province_key_areas(
    state: State<'_, Shared>,
    args: present::CommunesArgs,
) -> Result<Vec<present::KeyAreaLine>> {
    with_province(&state, |p| present::key_areas_page(p, today(), &args))
}

/// The summary report (báo cáo tổng hợp) of `period`, previewed: the PDF, base64.
#[tauri::command]
#[specta::specta]
pub async fn province_report_preview(state: State<'_, Shared>, period: String) -> Result<String> {
    let p_ = parse_period(&period)?;
    let pdf = with_province(&state, |p| {
        let f = console::figures::figures(p, p_, None)?;
        let r = console::roster::roster(p, p_, today())?;
        console::report::render(&f, &r, today(), None).map_err(phongtrao::Error::Print)
    })?;
    Ok(base64(&pdf))
}

/// The late list of `period`, one page, saved as a PDF at `out`; returns the PDF, base64, to preview.
#[tauri::command]
#[specta::specta]
pub async fn province_late_pdf(state: State<'_, Shared>, period: String, out: String) -> Result<String> {
    let p_ = parse_period(&period)?;
    let out = phongtrao::present::sync::chosen_out(&out)?;
    let (pdf, _) = with_province(&state, |p| console::report::late_pdf(p, p_, today(), &out))?;
    Ok(base64(&pdf))
}

/// The quarantine queue as a PDF saved at `out`; returns the PDF, base64, to preview.
#[tauri::command]
#[specta::specta]
pub async fn province_quarantine_pdf(state: State<'_, Shared>, out: String) -> Result<String> {
    let out = phongtrao::present::sync::chosen_out(&out)?;
    let pdf = with_province(&state, |p| console::report::quarantine_pdf(p, today(), &out))?;
    Ok(base64(&pdf))
}

/// The summary report printed under a number of the province's register.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ReportPrinted {
    /// Where the PDF was saved.
    pub path: String,
    /// "01/BC-CAT".
    pub number: String,
    /// What was done, as the officer reads it.
    pub message: String,
    /// The PDF, base64, to preview.
    pub pdf: String,
}

/// Prints the summary report of `period` under a number (the one already given to that period's
/// report, kept) into the province's folder, never replacing a file.
#[tauri::command]
#[specta::specta]
pub async fn province_report_print(state: State<'_, Shared>, period: String) -> Result<ReportPrinted> {
    let p_ = parse_period(&period)?;
    with_province(&state, |p| {
        let (pdf, doc, again) = console::report::issue(p, p_, false, today())?;
        let name = format!("bao-cao-tong-hop-{}-so-{:02}-{}.pdf", p_, doc.number, doc.year);
        let path = phongtrao::fsutil::write_new(&p.db().dir().join(&name), &pdf)?.display().to_string();
        Ok(ReportPrinted {
            message: present::issued_text(&doc, again, &path),
            number: doc.number_text(),
            pdf: base64(&pdf),
            path,
        })
    })
}

/// The lists the province sends down, to edit: as last sent, else as this release ships them.
#[tauri::command]
#[specta::specta]
pub async fn province_reference(state: State<'_, Shared>) -> Result<present::ReferenceView> {
    with_province(&state, |p| {
        let (sent, _) = console::reference::last_sent(p)?;
        Ok(present::reference_view(sent, &console::reference::editable(p)?))
    })
}

/// What sending the edited lists would change since the version last sent (nothing is written).
#[tauri::command]
#[specta::specta]
pub async fn province_reference_changes(
    state: State<'_, Shared>,
    lists: Vec<present::RefListEdit>,
) -> Result<Vec<String>> {
    let edited = present::lists_from(&lists)?;
    with_province(&state, |p| Ok(present::changes_text(&console::reference::preview(p, &edited)?, &lists)))
}

/// Signs and writes the reference bundle with the edited lists into `folder` (chief only); returns
/// what was done.
#[tauri::command]
#[specta::specta]
pub async fn province_reference_send(
    state: State<'_, Shared>,
    lists: Vec<present::RefListEdit>,
    folder: String,
) -> Result<present::ReferenceSent> {
    let dir = phongtrao::present::sync::chosen_folder(&folder)?;
    let edited = present::lists_from(&lists)?;
    with_province(&state, |p| {
        let sent = console::reference::send(p, &edited, &dir, chrono::Utc::now())?;
        Ok(present::reference_sent(&sent, &lists))
    })
}

/// The province's total of the figure `key` over the reporting periods inside `period` (a trend).
#[tauri::command]
#[specta::specta]
pub async fn province_trend(
    state: State<'_, Shared>,
    period: String,
    key: String,
    label: String,
) -> Result<present::TrendView> {
    let p_ = parse_period(&period)?;
    with_province(&state, |p| Ok(present::trend_view(&label, p_, &console::figures::trend(p, p_, &key)?)))
}

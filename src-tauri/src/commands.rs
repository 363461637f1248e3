//! The Tauri commands. Each one parses its input, calls the core and maps the error; nothing else.
//! Commands are `async` so that they run off the window's main thread.

use std::path::PathBuf;
use std::sync::Mutex;

use phongtrao::domain::Doc;
use phongtrao::domain::account::AccountBook;
use phongtrao::domain::inspection::Verdict;
use phongtrao::keyring::KdfParams;
use phongtrao::present::admin::UnitChoice;
use phongtrao::present::{self, cert, session};
use phongtrao::store::Store;
use phongtrao::units::Units;
use phongtrao::{backup, demo};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use tauri::State;
use uuid::Uuid;

use crate::error::{AppError, Result};
use crate::session::Officer;
use crate::view::{self, Kind};
use crate::{admin, print, sync};

/// The window's state: where the store lives, and the store while an officer is logged in (the core
/// knows who: [`Store::session`]). Logging out drops the store, and with it the key.
pub struct App {
    pub path: PathBuf,
    pub store: Option<Store>,
    /// Where the province's store lives (a Công an tỉnh computer), and that store while an officer is
    /// logged in to it.
    pub province_dir: PathBuf,
    pub province: Option<phongtrao::sync::province::Province>,
    /// The province's intake of a stick the window is going through, one bundle per call (with its
    /// number: a call naming another is refused), and the last number given.
    pub intake: Option<(u32, phongtrao::province::intake::Stick)>,
    intakes: u32,
    /// An intake that ended before its last bundle without the page ending it (the idle lock, a
    /// logout, a restore): what to tell the officer who logs in next, once.
    pub intake_cut: Option<present::province::IntakeCut>,
    /// Alive while the session that scheduled today's automatic backup lasts: a backup still
    /// waiting when the officer logs out is not taken (its copy of the key is dropped).
    backup_guard: Option<std::sync::Arc<()>>,
}

pub type Shared = Mutex<App>;

impl App {
    /// Nothing is open until an officer logs in; a missing store means first run.
    pub fn start(path: PathBuf, province_dir: PathBuf) -> App {
        App {
            path,
            store: None,
            province_dir,
            province: None,
            intake: None,
            intakes: 0,
            intake_cut: None,
            backup_guard: None,
        }
    }

    fn province_db(&self) -> PathBuf {
        phongtrao::store::province::ProvinceDb::db_path(&self.province_dir)
    }

    /// A commune's store wins when both exist (a commune laptop is the common case).
    fn stage(&self) -> Stage {
        if self.store.is_some() {
            Stage::Ready
        } else if self.province.is_some() {
            Stage::ProvinceReady
        } else if self.path.exists() {
            Stage::Login
        } else if self.province_db().exists() {
            Stage::ProvinceLogin
        } else {
            Stage::Setup
        }
    }

    pub(crate) fn info(&self) -> AppInfo {
        AppInfo {
            stage: self.stage(),
            commune: self.store.as_ref().and_then(|s| s.commune().ok()).map(|c| CommuneInfo {
                province_code: c.province_code.clone(),
                province: c.province.clone(),
                commune_code: c.commune_code.clone(),
                commune: c.commune.clone(),
                police: c.police_name(),
                officer: c.officer.clone(),
            }),
            schema_version: self.store.as_ref().and_then(|s| s.schema_version().ok()),
            officer: self
                .store
                .as_ref()
                .and_then(|s| s.session())
                .or_else(|| self.province.as_ref().and_then(|p| p.db().session()))
                .map(Officer::from),
            usernames: match self.stage() {
                Stage::Login => present::admin::usernames(&self.path),
                Stage::ProvinceLogin => present::admin::usernames(&self.province_db()),
                _ => Vec::new(),
            },
            province: self.province.as_ref().map(crate::province::info),
            officer_role_label: self
                .province
                .as_ref()
                .and_then(|p| p.db().session())
                .map(|a| a.role.province_label().to_owned()),
            store_path: self.path.display().to_string(),
            province_dir: self.province_dir.display().to_string(),
            ranks: present::admin::RANKS.iter().map(|r| (*r).to_owned()).collect(),
            version: env!("CARGO_PKG_VERSION").into(),
            units: Units::builtin().summary(),
            idle_lock_seconds: idle_lock_seconds(),
        }
    }

    /// Today's automatic backup, if none was taken today, in the background and a minute after login
    /// (`PHONGTRAO_BACKUP_DELAY_SECONDS`), so that it does not slow the first screens: the copy is
    /// read through a connection of its own while the officer works. Logging out before it starts
    /// cancels it.
    fn daily_backup(&mut self) {
        // The province store's backups go into its own folder (`sao-luu` inside it).
        let (snap, dir) = match &self.province {
            Some(p) => (p.db().snapshot().ok(), backup::province_dir(&self.province_dir)),
            None => (self.store.as_ref().and_then(|s| s.snapshot().ok()), backup::default_dir(&self.path)),
        };
        let Some(snap) = snap else { return };
        let guard = std::sync::Arc::new(());
        let alive = std::sync::Arc::downgrade(&guard);
        self.backup_guard = Some(guard);
        let delay = std::env::var("PHONGTRAO_BACKUP_DELAY_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(delay));
            if alive.upgrade().is_none() {
                return;
            }
            if let Err(e) = backup::daily(&snap, &dir, chrono::Local::now()) {
                eprintln!("{}", session::auto_backup_failed(&e));
            }
        });
    }

    /// The store just opened (setup, demo, login), with today's automatic backup scheduled.
    fn opened(&mut self, store: Store) -> AppInfo {
        self.store = Some(store);
        self.daily_backup();
        self.info()
    }

    /// The province store just opened (setup, demo, login), with today's automatic backup scheduled.
    pub(crate) fn opened_province(&mut self, p: phongtrao::sync::province::Province) -> AppInfo {
        self.province = Some(p);
        self.daily_backup();
        self.info()
    }

    /// An intake of a stick starts: kept until its end (see `province::province_intake_start`).
    pub(crate) fn begin_intake(&mut self, stick: phongtrao::province::intake::Stick) -> present::province::IntakeStart {
        self.intakes += 1;
        let start = present::province::intake_start(self.intakes, &stick);
        self.intake = Some((self.intakes, stick));
        start
    }

    /// The province and the intake `id` going on in it; refused when that intake is over.
    pub(crate) fn intake_mut(
        &mut self,
        id: u32,
    ) -> Result<(&mut phongtrao::sync::province::Province, &mut phongtrao::province::intake::Stick)> {
        let App { province, intake, .. } = self;
        let p = province.as_mut().ok_or_else(AppError::logged_out)?;
        match intake {
            Some((at, stick)) if *at == id => Ok((p, stick)),
            _ => Err(crate::province::over()),
        }
    }

    /// Ends an intake the page did not end (the officer logged out, a backup is restored, another intake
    /// starts, the window closes): the receipts of the bundles it imported are written to the stick;
    /// those it did not reach stay for the next intake. One that cannot be written is written by the
    /// next intake of the stick (a replay gets its missing receipt).
    pub(crate) fn end_intake(&mut self) {
        if let Some((_, stick)) = self.intake.take() {
            let (left, total) = (stick.left().to_vec(), stick.total());
            let done = stick.finish();
            if let Some(cut) = present::province::intake_cut(&done, &left, total) {
                self.intake_cut = Some(cut);
            }
        }
    }

    /// Closes the store (logout, restore): the key leaves memory with it; an intake going on ends
    /// first, its receipts written.
    fn close(&mut self) {
        self.end_intake();
        self.store = None;
        self.province = None;
        self.backup_guard = None;
    }

    /// The open store of a logged-in officer.
    fn ready(&mut self) -> Result<&mut Store> {
        self.store.as_mut().ok_or_else(AppError::logged_out)
    }

    /// The accounts of the store the officer is logged in to: the province's, else the commune's.
    fn account_book(&mut self) -> Result<&mut dyn AccountBook> {
        match (self.province.as_mut(), self.store.as_mut()) {
            (Some(p), _) => Ok(p.db_mut()),
            (None, Some(s)) => Ok(s),
            (None, None) => Err(AppError::logged_out()),
        }
    }

    /// Refuses unless the window is at `stage`.
    pub(crate) fn expect(&self, stage: Stage) -> Result<()> {
        match self.stage() {
            s if s == stage => Ok(()),
            Stage::Setup => Err(AppError::new("not_initialized", session::NOT_SET_UP)),
            Stage::Login | Stage::ProvinceLogin => Err(AppError::new("already_initialized", session::SET_UP_ALREADY)),
            Stage::Ready | Stage::ProvinceReady => {
                Err(AppError::new("already_initialized", session::LOGGED_IN_ALREADY))
            }
        }
    }
}

pub(crate) fn lock<'a>(state: &'a State<'_, Shared>) -> Result<std::sync::MutexGuard<'a, App>> {
    state.lock().map_err(|_| AppError::new("busy", session::BUSY))
}

/// Runs `f` on the store of a logged-in officer, mapping the core's error.
pub(crate) fn with_store<T>(
    state: &State<'_, Shared>,
    f: impl FnOnce(&mut Store) -> phongtrao::Result<T>,
) -> Result<T> {
    let mut app = lock(state)?;
    Ok(f(app.ready()?)?)
}

/// Runs `f` on the province store of a logged-in province officer, mapping the core's error.
pub(crate) fn with_province<T>(
    state: &State<'_, Shared>,
    f: impl FnOnce(&mut phongtrao::sync::province::Province) -> phongtrao::Result<T>,
) -> Result<T> {
    let mut app = lock(state)?;
    let p = app.province.as_mut().ok_or_else(AppError::logged_out)?;
    Ok(f(p)?)
}

/// A period as the window sends it (`2026`, `2026-11`, `2026-Q3`, `2026-H1`).
pub(crate) fn parse_period(text: &str) -> phongtrao::Result<phongtrao::period::Period> {
    text.trim().parse()
}

/// A PDF as the window previews it.
pub(crate) fn base64(pdf: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(pdf)
}

/// Where the window is: first-run setup (no store yet), the login screen, or the officer's work, at a
/// commune or at the province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Setup,
    Login,
    Ready,
    /// The login screen of the province's store (a Công an tỉnh computer).
    ProvinceLogin,
    /// The province's console.
    ProvinceReady,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct CommuneInfo {
    pub province_code: String,
    pub province: String,
    pub commune_code: String,
    pub commune: String,
    /// "Công an xã Ia Đal", from the commune's official kind and name (as the printed headers).
    pub police: String,
    pub officer: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub stage: Stage,
    /// The commune (only while the store is open: it is encrypted).
    pub commune: Option<CommuneInfo>,
    pub officer: Option<Officer>,
    /// The province (stage `province_ready`).
    pub province: Option<crate::province::ProvinceInfo>,
    /// The officer's role as the province reads it ("Lãnh đạo Công an tỉnh").
    pub officer_role_label: Option<String>,
    /// The accounts that may log in (stage `login`), from the keyring beside the store.
    pub usernames: Vec<String>,
    pub store_path: String,
    /// Where a province's store is kept (a Công an tỉnh computer).
    pub province_dir: String,
    /// The ranks the setup offers.
    pub ranks: Vec<String>,
    pub version: String,
    /// The store's schema version (the last migration applied), while it is open.
    pub schema_version: Option<i64>,
    /// The official list of units this version ships, for the About box.
    pub units: String,
    /// The window closes the store after this many idle seconds (15 minutes).
    pub idle_lock_seconds: u32,
}

/// 15 minutes; `PHONGTRAO_IDLE_LOCK_SECONDS` shortens it for the end-to-end test of the lock.
fn idle_lock_seconds() -> u32 {
    std::env::var("PHONGTRAO_IDLE_LOCK_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(phongtrao::domain::account::IDLE_LOCK_SECONDS)
}

/// What the first-run setup asks for: the commune, and the chief's name, rank and password (the login
/// name is made from the name: Nguyễn Văn An → nguyenvanan).
#[derive(Debug, Clone, Deserialize, Type)]
pub struct SetupInput {
    pub province_code: String,
    pub province: String,
    pub commune_code: String,
    pub commune: String,
    pub officer: String,
    pub rank: String,
    pub password: String,
    pub password_again: String,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, Shared>) -> Result<AppInfo> {
    Ok(lock(&state)?.info())
}

/// First run: creates the commune's encrypted store with the chief's account, logged in. Every bad
/// field is reported at once and nothing is written while one remains.
#[tauri::command]
#[specta::specta]
pub async fn setup(state: State<'_, Shared>, input: SetupInput) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.expect(Stage::Setup)?;
    let s = phongtrao::Setup {
        province_code: input.province_code,
        province: input.province,
        commune_code: input.commune_code,
        commune: input.commune,
        officer: input.officer.clone(),
    };
    let chief = present::admin::chief(&input.officer, &input.rank, &input.password);
    let errors = present::admin::setup_errors(&s, &chief, &input.password_again);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    // The official codes and names ("Xã Ia Đal"), whatever was typed.
    let s = s.official(Units::builtin())?;
    let store = Store::create_at(&app.path, &s, &chief, KdfParams::default())?;
    Ok(app.opened(store))
}

/// First run on another laptop of a commune: what the chief's invitation (a file on the stick) says.
#[tauri::command]
#[specta::specta]
pub async fn read_invitation(file: String) -> Result<view::InvitationView> {
    Ok(phongtrao::present::peer::invitation(&file)?)
}

/// First run on another laptop of a commune: its store made from the invitation, with the chief's
/// account and the password typed twice here; logged in. Its first exchange brings the records.
#[tauri::command]
#[specta::specta]
pub async fn join_commune(
    state: State<'_, Shared>,
    file: String,
    password: String,
    password_again: String,
) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.expect(Stage::Setup)?;
    let file = phongtrao::present::sync::chosen_bundle(&file)?;
    phongtrao::present::peer::join_password(&password, &password_again)?;
    let store = phongtrao::sync::peer::join(&app.path, &file, &password, KdfParams::default(), chrono::Utc::now())?;
    Ok(app.opened(store))
}

/// The provinces of the official list matching `query` (the core searches without accents).
#[tauri::command]
#[specta::specta]
pub async fn find_provinces(query: String) -> Result<Vec<UnitChoice>> {
    Ok(present::admin::find_provinces(&query))
}

/// The communes of a province matching `query` (the core searches without accents).
#[tauri::command]
#[specta::specta]
pub async fn find_communes(province_code: String, query: String) -> Result<Vec<UnitChoice>> {
    Ok(present::admin::find_communes(&province_code, &query))
}

/// First run, trying the app out: creates the demo commune, logged in as its chief (who logs in again
/// as nguyenvanan with the password phongtrao-demo).
#[tauri::command]
#[specta::specta]
pub async fn open_demo(state: State<'_, Shared>) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.expect(Stage::Setup)?;
    let chief = demo::demo_chief(demo::DEMO_PASSWORD);
    let mut store = Store::create_at(&app.path, &demo::demo_setup(), &chief, KdfParams::default())?;
    demo::generate(&mut store, &demo::DemoOptions::default(), &mut |_, _| {})?;
    Ok(app.opened(store))
}

/// Opens the store as `username`; a wrong password, a locked account or a removed one is refused by
/// the core, with its message.
#[tauri::command]
#[specta::specta]
pub async fn login(state: State<'_, Shared>, username: String, password: String) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.expect(Stage::Login)?;
    // A store made by an older version is backed up before it is migrated (the core does both).
    let store = backup::unlock(&app.path, &username, &password)?.0;
    Ok(app.opened(store))
}

/// Closes the store: its key leaves memory with it.
#[tauri::command]
#[specta::specta]
pub async fn logout(state: State<'_, Shared>) -> Result<AppInfo> {
    let mut app = lock(&state)?;
    app.close();
    Ok(app.info())
}

/// The registers with their names and how many records each holds.
#[tauri::command]
#[specta::specta]
pub async fn registers(state: State<'_, Shared>) -> Result<Vec<view::RegisterInfo>> {
    with_store(&state, |s| phongtrao::present::record::registers(s))
}

/// The form of a register for a record with these values (an activity's category adds fields).
#[tauri::command]
#[specta::specta]
pub async fn fields(state: State<'_, Shared>, kind: Kind, data: Option<Value>) -> Result<Vec<view::FieldSpec>> {
    let doc = as_doc(data.unwrap_or(Value::Null))?;
    with_store(&state, |s| phongtrao::present::record::register_fields(s, kind, &doc))
}

#[tauri::command]
#[specta::specta]
pub async fn list(state: State<'_, Shared>, kind: Kind, args: view::ListArgs) -> Result<view::ListPage> {
    with_store(&state, |s| view::list_page(s, kind, &args.query()))
}

#[tauri::command]
#[specta::specta]
pub async fn get_record(state: State<'_, Shared>, kind: Kind, id: Uuid) -> Result<view::RecordView> {
    with_store(&state, |s| view::record_view(s, &s.get(kind, id)?))
}

#[tauri::command]
#[specta::specta]
pub async fn create_record(state: State<'_, Shared>, kind: Kind, data: Value) -> Result<view::Saved> {
    let doc = as_doc(data)?;
    with_store(&state, |s| Ok(s.create(kind, &doc)?.into()))
}

/// A partial update: given keys replace stored values, `null` clears a field.
#[tauri::command]
#[specta::specta]
pub async fn update_record(state: State<'_, Shared>, kind: Kind, id: Uuid, patch: Value) -> Result<view::Saved> {
    let doc = as_doc(patch)?;
    with_store(&state, |s| Ok(s.update(kind, id, &doc)?.into()))
}

#[tauri::command]
#[specta::specta]
pub async fn delete_record(state: State<'_, Shared>, kind: Kind, id: Uuid) -> Result<()> {
    with_store(&state, |s| s.delete(kind, id))
}

#[tauri::command]
#[specta::specta]
pub async fn model_history(state: State<'_, Shared>, id: Uuid) -> Result<view::ModelView> {
    with_store(&state, |s| view::model_view(s, &s.model_history(id)?))
}

#[tauri::command]
#[specta::specta]
pub async fn review_model(state: State<'_, Shared>, id: Uuid, review: Value) -> Result<view::Saved> {
    let doc = as_doc(review)?;
    with_store(&state, |s| Ok(s.review_model(id, &doc)?.into()))
}

#[tauri::command]
#[specta::specta]
/// Replicates a model into `area`; `overrides` may set its name, founding date… before it is created
/// (left out: the core's defaults, the area's name in its name and today).
pub async fn replicate_model(state: State<'_, Shared>, id: Uuid, area: Uuid, overrides: Value) -> Result<view::Saved> {
    let doc = as_doc(overrides)?;
    with_store(&state, |s| Ok(s.replicate_model(id, area, &doc)?.into()))
}

/// Dissolves a model on `on` (dd/mm/yyyy or ISO) for `reason`.
#[tauri::command]
#[specta::specta]
pub async fn dissolve_model(state: State<'_, Shared>, id: Uuid, on: String, reason: String) -> Result<view::Saved> {
    with_store(&state, |s| Ok(s.dissolve_model(id, &on, &reason)?.into()))
}

/// An inspection's page: its fields and findings, its tasks with their state and answers.
#[tauri::command]
#[specta::specta]
pub async fn inspection_page(state: State<'_, Shared>, id: Uuid) -> Result<view::InspectionPage> {
    with_store(&state, |s| present::inspection::inspection_page(s, id))
}

/// Every remediation task with its state (or those of `status`), and the counts by state.
#[tauri::command]
#[specta::specta]
pub async fn remedy_list(state: State<'_, Shared>, status: Option<view::TaskStatus>) -> Result<view::RemedyList> {
    with_store(&state, |s| present::inspection::remedy_list(s, status))
}

/// Records what was done for the task `task`.
#[tauri::command]
#[specta::specta]
pub async fn answer_remedy(state: State<'_, Shared>, task: Uuid, answer: Value) -> Result<view::Saved> {
    let doc = as_doc(answer)?;
    with_store(&state, |s| Ok(s.answer_remedy(task, &doc)?.into()))
}

/// The reviewer's verdict on an answer: accepted, or not enough with `reason`.
#[tauri::command]
#[specta::specta]
pub async fn review_remedy(
    state: State<'_, Shared>,
    answer: Uuid,
    accept: bool,
    reason: String,
) -> Result<view::Saved> {
    let verdict = if accept { Verdict::Accepted } else { Verdict::NotEnough };
    with_store(&state, |s| Ok(s.review_remedy(answer, verdict, &reason)?.into()))
}

#[tauri::command]
#[specta::specta]
pub async fn dashboard(state: State<'_, Shared>) -> Result<view::Dashboard> {
    let today = chrono::Local::now().date_naive();
    with_store(&state, |s| present::dashboard::dashboard(s, today))
}

/// The values a new record of `kind` starts from (a plan: the year's targets the province sent).
#[tauri::command]
#[specta::specta]
pub async fn new_values(state: State<'_, Shared>, kind: Kind) -> Result<Value> {
    let today = chrono::Local::now().date_naive();
    with_store(&state, |s| Ok(Value::Object(phongtrao::present::record::new_values(s, kind, today)?)))
}

/// Whether viewers may see the key areas.
#[tauri::command]
#[specta::specta]
pub async fn key_areas_for_viewers(state: State<'_, Shared>) -> Result<bool> {
    with_store(&state, |s| s.key_areas_for_viewers())
}

/// The chief lets viewers see the key areas, or not.
#[tauri::command]
#[specta::specta]
pub async fn set_key_areas_for_viewers(state: State<'_, Shared>, allow: bool) -> Result<()> {
    with_store(&state, |s| s.set_key_areas_for_viewers(allow))
}

/// Search across every register, accents ignored, each record with the fields that made it match.
/// `limit`: at most this many (the top bar's list asks for a few as the officer types; at most 100).
#[tauri::command]
#[specta::specta]
pub async fn search(state: State<'_, Shared>, text: String, limit: Option<u32>) -> Result<Vec<view::Hit>> {
    with_store(&state, |s| present::list::search(s, &text, limit))
}

pub(crate) fn as_doc(v: Value) -> Result<Doc> {
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Doc::new()),
        _ => Err(AppError::new("json", session::NOT_AN_OBJECT)),
    }
}

/// The accounts of the store, for the accounts page.
#[tauri::command]
#[specta::specta]
pub async fn accounts(state: State<'_, Shared>) -> Result<Vec<admin::AccountView>> {
    Ok(admin::accounts(lock(&state)?.account_book()?)?)
}

/// Adds an officer's account (chief only); every bad field is reported at once.
#[tauri::command]
#[specta::specta]
pub async fn add_account(state: State<'_, Shared>, input: admin::NewAccountInput) -> Result<admin::AccountView> {
    admin::add_account(lock(&state)?.account_book()?, input)
}

#[tauri::command]
#[specta::specta]
pub async fn set_role(state: State<'_, Shared>, username: String, role: admin::RoleCode) -> Result<()> {
    Ok(lock(&state)?.account_book()?.set_role(&username, role.into())?)
}

/// Sets a password: one's own (with the current one), or another account's for the chief.
#[tauri::command]
#[specta::specta]
pub async fn change_password(
    state: State<'_, Shared>,
    username: String,
    current: Option<String>,
    password: String,
    password_again: String,
) -> Result<()> {
    let mut app = lock(&state)?;
    admin::change_password(app.account_book()?, &username, current.as_deref(), &password, &password_again)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_account(state: State<'_, Shared>, username: String) -> Result<()> {
    Ok(lock(&state)?.account_book()?.remove_account(&username)?)
}

/// The automatic backups and the USB sticks plugged in.
#[tauri::command]
#[specta::specta]
pub async fn backups(state: State<'_, Shared>) -> Result<admin::BackupsView> {
    let mut app = lock(&state)?;
    if app.province.is_some() {
        return admin::backups_in(&backup::province_dir(&app.province_dir));
    }
    let path = app.path.clone();
    app.ready()?;
    admin::backups(&path)
}

/// "Chọn thư mục…" / "Chọn tệp…": the computer's own file dialog (tauri-plugin-dialog, opened from
/// here, not from the page: the window has no dialog or file-system permission). It returns only the
/// path the officer chose (none if cancelled); the page puts it in the field, and the export, backup,
/// import or restore command takes it exactly as a typed path. Nothing is read or written here.
#[tauri::command]
#[specta::specta]
pub async fn pick_path(
    app: tauri::AppHandle,
    state: State<'_, Shared>,
    pick: phongtrao::fsutil::Pick,
) -> Result<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    // A logged-in officer's window only (a commune's or the province's).
    if lock(&state)?.province.is_none() {
        with_store(&state, |_| Ok(()))?;
    }
    let mut dialog = app.dialog().file().set_title(pick.title());
    if let Some((name, exts)) = pick.filter() {
        dialog = dialog.add_filter(name, exts);
    }
    if let Some(start) = pick.start() {
        dialog = dialog.set_directory(start);
    }
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        if pick.folder() { dialog.blocking_pick_folder() } else { dialog.blocking_pick_file() }
    })
    .await
    .map_err(|_| AppError::from(phongtrao::fsutil::Pick::unavailable()))?;
    Ok(chosen.and_then(|p| p.into_path().ok()).map(|p| p.display().to_string()))
}

/// "Sao lưu ra USB": a backup into `dir`.
#[tauri::command]
#[specta::specta]
pub async fn backup_to(state: State<'_, Shared>, dir: String) -> Result<admin::BackupFile> {
    let province = lock(&state)?.province.as_ref().map(|p| p.db().snapshot());
    let snap = match province {
        Some(snap) => snap?,
        None => with_store(&state, |s| s.snapshot())?,
    };
    admin::backup_to(&snap, &dir)
}

/// "Khôi phục": closes the store, restores the backup at `file` as the logged-in officer (with the
/// password the account had when the backup was taken), and opens the restored store.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup(state: State<'_, Shared>, file: String, password: String) -> Result<admin::RestoreDone> {
    let mut app = lock(&state)?;
    if app.province.is_some() {
        return restore_province(&mut app, file, password);
    }
    let store = app.ready()?;
    backup::may_restore(store)?;
    let username = store.session().map(|a| a.username.clone()).unwrap_or_default();
    let path = app.path.clone();
    let file = std::path::PathBuf::from(file.trim());
    // Checked while the store is still open: a wrong password or a damaged file changes nothing.
    let scratch = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    backup::check(&file, &scratch, &username, &password)?;
    // The store is closed for the restore (its files are moved); on failure it is opened again.
    app.close();
    match backup::restore(&file, &path, &username, &password) {
        Ok(done) => {
            app.store = Some(Store::unlock(&path, &username, &password)?);
            Ok(admin::restore_done(&done, app.info()))
        }
        Err(e) => {
            let reopened = Store::unlock(&path, &username, &password).ok();
            let logged_out = reopened.is_none();
            app.store = reopened;
            let mut err = AppError::from(e);
            if logged_out {
                err.message.push_str(session::RESTORE_LOG_IN_AGAIN);
            }
            Err(err)
        }
    }
}

/// "Khôi phục" at the province: the same steps on the province store (checked while still open, closed
/// for the restore, opened again as the same officer).
fn restore_province(app: &mut App, file: String, password: String) -> Result<admin::RestoreDone> {
    use phongtrao::sync::province::Province;
    backup::may_restore_province(app.province.as_ref().ok_or_else(AppError::logged_out)?.db())?;
    // An intake going on ends here, its receipts written, before the store it imports into is replaced.
    app.end_intake();
    let p = app.province.as_ref().ok_or_else(AppError::logged_out)?;
    let username = p.db().who();
    let dir = app.province_dir.clone();
    let file = std::path::PathBuf::from(file.trim());
    backup::check_province(&file, &dir, &username, &password)?;
    app.close();
    match backup::restore_province(&file, &dir, &username, &password) {
        Ok(done) => {
            app.province = Some(Province::open_as(&dir, &username, &password)?);
            Ok(admin::restore_done(&done, app.info()))
        }
        Err(e) => {
            let reopened = Province::open_as(&dir, &username, &password).ok();
            let logged_out = reopened.is_none();
            app.province = reopened;
            let mut err = AppError::from(e);
            if logged_out {
                err.message.push_str(session::RESTORE_LOG_IN_AGAIN);
            }
            Err(err)
        }
    }
}

/// Where this laptop's sync with the province stands.
#[tauri::command]
#[specta::specta]
pub async fn sync_view(state: State<'_, Shared>) -> Result<sync::SyncView> {
    with_store(&state, sync::view)
}

/// "Xuất gói đồng bộ" into `dir` (a USB stick): the changes not yet acknowledged, or all with `full`.
#[tauri::command]
#[specta::specta]
pub async fn export_bundle(state: State<'_, Shared>, dir: String, full: bool) -> Result<sync::BundleInfo> {
    let mut app = lock(&state)?;
    sync::export(app.ready()?, &dir, full)
}

/// Says who made a bundle, what is in it and whether it is intact, without importing it.
#[tauri::command]
#[specta::specta]
pub async fn verify_bundle(state: State<'_, Shared>, file: String) -> Result<sync::BundleInfo> {
    let mut app = lock(&state)?;
    sync::verify(app.ready()?, &file)
}

/// A receipt or reference data from the province.
#[tauri::command]
#[specta::specta]
pub async fn import_bundle(state: State<'_, Shared>, file: String) -> Result<String> {
    let mut app = lock(&state)?;
    sync::import(app.ready()?, &file)
}

/// The province's enrollment bundle.
#[tauri::command]
#[specta::specta]
pub async fn enroll(state: State<'_, Shared>, file: String) -> Result<String> {
    let mut app = lock(&state)?;
    sync::enroll(app.ready()?, &file)
}

/// "Trao đổi với máy khác": this laptop, the others it knows, who numbers documents, the conflicts.
#[tauri::command]
#[specta::specta]
pub async fn peers_view(state: State<'_, Shared>) -> Result<view::PeersView> {
    with_store(&state, phongtrao::present::peer::view)
}

/// "Mời máy mới" (the chief): writes an invitation for `officer`'s laptop into `dir`, copying the
/// accounts `accounts` (user names; no password); its path.
#[tauri::command]
#[specta::specta]
pub async fn peer_invite(
    state: State<'_, Shared>,
    dir: String,
    officer: String,
    accounts: Vec<String>,
) -> Result<String> {
    let dir = phongtrao::present::sync::chosen_dir(&dir)?;
    with_store(&state, |s| {
        Ok(phongtrao::sync::peer::invite(s, &dir, &officer, &accounts, chrono::Utc::now())?.display().to_string())
    })
}

/// "Trao đổi": takes in the other laptops' bundles in `dir`, writes this laptop's; what it did.
#[tauri::command]
#[specta::specta]
pub async fn peer_exchange(state: State<'_, Shared>, dir: String) -> Result<Vec<String>> {
    let dir = phongtrao::present::sync::chosen_dir(&dir)?;
    with_store(&state, |s| {
        let e = phongtrao::sync::peer::exchange(s, &dir, chrono::Utc::now())?;
        Ok(phongtrao::present::peer::exchange_lines(&e))
    })
}

/// The records in conflict between the commune's laptops, field by field.
#[tauri::command]
#[specta::specta]
pub async fn peer_conflicts(state: State<'_, Shared>) -> Result<Vec<view::ConflictView>> {
    with_store(&state, |s| phongtrao::present::peer::conflicts(s))
}

/// "Chuyển việc cấp số" (the chief, on the laptop that numbers): hands the numbering of documents
/// over to the laptop of `to` (its officer or short id); what happened.
#[tauri::command]
#[specta::specta]
pub async fn peer_hand_over(state: State<'_, Shared>, to: String) -> Result<String> {
    with_store(&state, |s| {
        Ok(phongtrao::present::peer::handed_over(&phongtrao::sync::peer::hand_over(s, &to, chrono::Utc::now())?))
    })
}

/// "Loại máy" (the chief): removes a lost or stolen laptop of the commune; what happened.
#[tauri::command]
#[specta::specta]
pub async fn peer_remove(state: State<'_, Shared>, laptop: String) -> Result<String> {
    with_store(&state, |s| {
        Ok(phongtrao::present::peer::removed(&phongtrao::sync::peer::remove(s, &laptop, chrono::Utc::now())?))
    })
}

/// «Sửa sau khi duyệt»: changes to records of approved periods taken in from other laptops.
#[tauri::command]
#[specta::specta]
pub async fn peer_locked_merges(state: State<'_, Shared>) -> Result<Vec<view::LockedView>> {
    with_store(&state, |s| phongtrao::present::peer::locked_merges(s))
}

/// A person's decision on a conflict: the version kept, and fields taken from the others.
#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(
    state: State<'_, Shared>,
    id: Uuid,
    keep: u32,
    take: Vec<view::TakeField>,
) -> Result<view::Saved> {
    let choice = phongtrao::present::peer::resolution(keep, &take)?;
    with_store(&state, |s| Ok(s.resolve_conflict(id, &choice)?.into()))
}

fn this_day() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// "Xét công nhận An toàn về ANTT": the commune and every area and unit for `year` (default: this
/// year), with their step, deadlines and warnings as of today.
#[tauri::command]
#[specta::specta]
pub async fn cert_overview(state: State<'_, Shared>, year: Option<i32>) -> Result<cert::CertOverview> {
    let today = this_day();
    let year = year.unwrap_or_else(|| phongtrao::store::cert::current_year(today));
    with_store(&state, |s| cert::overview(s, year, today))
}

/// A unit's certification for `year` (`subject` None: the commune's), with its next step's form.
#[tauri::command]
#[specta::specta]
pub async fn cert_view(state: State<'_, Shared>, subject: Option<Uuid>, year: i32) -> Result<cert::CertPage> {
    with_store(&state, |s| cert::page(s, s.cert_view(subject, year)?))
}

/// "Chuyển bước": the next step with its data; the core checks it and the role.
#[tauri::command]
#[specta::specta]
pub async fn cert_advance(
    state: State<'_, Shared>,
    subject: Option<Uuid>,
    year: i32,
    data: Value,
) -> Result<cert::StepSaved> {
    let doc = as_doc(data)?;
    with_store(&state, |s| Ok(s.cert_advance(subject, year, &doc)?.into()))
}

/// "Quay lại bước trước", with a reason.
#[tauri::command]
#[specta::specta]
pub async fn cert_revert(
    state: State<'_, Shared>,
    subject: Option<Uuid>,
    year: i32,
    reason: String,
) -> Result<cert::StepSaved> {
    with_store(&state, |s| Ok(s.cert_revert(subject, year, &reason)?.into()))
}

/// The chief's settings for the year (vote rule, officer disciplined).
#[tauri::command]
#[specta::specta]
pub async fn cert_settings(state: State<'_, Shared>, year: i32, data: Value) -> Result<cert::StepSaved> {
    let doc = as_doc(data)?;
    with_store(&state, |s| Ok(s.cert_settings(year, &doc)?.into()))
}

/// The commune's result for the year, criterion by criterion, and the chief's settings.
#[tauri::command]
#[specta::specta]
pub async fn cert_result(state: State<'_, Shared>, year: i32) -> Result<cert::CertResult> {
    with_store(&state, |s| cert::result(s, year))
}

/// The forms "In" offers on a record's page (`kind` and `id`), or every form for "Mẫu trắng".
#[tauri::command]
#[specta::specta]
pub async fn print_forms(
    state: State<'_, Shared>,
    kind: Option<Kind>,
    id: Option<Uuid>,
) -> Result<Vec<print::FormChoice>> {
    with_store(&state, |s| print::forms(s, kind.zip(id)))
}

/// The certification forms of a unit (`subject`; none: the commune) at its step in `year`.
#[tauri::command]
#[specta::specta]
pub async fn print_cert_forms(
    state: State<'_, Shared>,
    subject: Option<Uuid>,
    year: i32,
) -> Result<Vec<print::FormChoice>> {
    with_store(&state, |s| print::cert_forms(s, subject, year))
}

/// "Xem trước": the document as saving would print it; no number taken, nothing written.
#[tauri::command]
#[specta::specta]
pub async fn preview_form(state: State<'_, Shared>, input: print::PrintInput) -> Result<print::PreviewView> {
    with_store(&state, |s| print::preview(s, input))
}

/// The register of issued documents ("Sổ văn bản"), newest first.
#[tauri::command]
#[specta::specta]
pub async fn issued_documents(state: State<'_, Shared>) -> Result<Vec<print::IssuedView>> {
    with_store(&state, |s| print::issued(s))
}

/// "In lại" from the register: the document again, under its number and date, saved in the print folder.
#[tauri::command]
#[specta::specta]
pub async fn reprint_document(state: State<'_, Shared>, id: Uuid) -> Result<print::PrintedView> {
    with_store(&state, |s| print::reprint(s, id))
}

/// "In": prints the form (a reprint keeps its number; the first print or a new document takes the
/// next number of the core's register), saves the PDF in the print folder.
#[tauri::command]
#[specta::specta]
pub async fn print_form(state: State<'_, Shared>, input: print::PrintInput) -> Result<print::PrintedView> {
    with_store(&state, |s| print::print(s, input))
}

/// "Mở để in": opens a PDF of the print folder in the system's PDF viewer.
#[tauri::command]
#[specta::specta]
pub async fn open_printed(state: State<'_, Shared>, path: String) -> Result<()> {
    // A logged-in officer's window only; the store's lock is not held while the viewer starts.
    with_store(&state, |_| Ok(()))?;
    Ok(phongtrao::print::save::open_saved(&phongtrao::print::save::default_dir(), std::path::Path::new(&path))?)
}

/// "Nhập từ Excel": reads the officer's spreadsheet at `path` and previews it, or imports it all or
/// only its good rows (`options.mode`), as `phongtrao import` does.
#[tauri::command]
#[specta::specta]
pub async fn sheet_import(
    state: State<'_, Shared>,
    kind: Kind,
    path: String,
    options: phongtrao::sheet::import::ImportOptions,
) -> Result<phongtrao::present::sheet::ImportView> {
    with_store(&state, |s| phongtrao::present::sheet::import(s, kind, std::path::Path::new(&path), &options))
}

/// "Nhập từ Excel": the USB sticks and the spreadsheets on them, to offer before the file dialog.
#[tauri::command]
#[specta::specta]
pub async fn sheet_sources(state: State<'_, Shared>) -> Result<phongtrao::present::sheet::Sources> {
    with_store(&state, |_| Ok(phongtrao::present::sheet::sources()))
}

/// "Xuất Excel": the list as shown (search, filters, sort; every page) into the print folder, its
/// progress sent on `progress` as the core tells it (the window's progress bar).
#[tauri::command]
#[specta::specta]
pub async fn sheet_export(
    state: State<'_, Shared>,
    kind: Kind,
    args: view::ListArgs,
    progress: tauri::ipc::Channel<phongtrao::present::sheet::ExportProgress>,
) -> Result<String> {
    with_store(&state, |s| {
        let dir = phongtrao::print::save::default_dir();
        let path = phongtrao::present::sheet::export(s, kind, &args.query(), &dir, &mut |p| {
            // A window closed meanwhile does not stop the export.
            let _ = progress.send(p);
        })?;
        Ok(path.display().to_string())
    })
}

/// "Xuất Excel" of the commune's figures into the print folder: `dashboard` (the dashboard's tables as
/// of today) or `report` (the yearly report's figures of `year`).
#[tauri::command]
#[specta::specta]
pub async fn sheet_export_table(state: State<'_, Shared>, table: String, year: i32) -> Result<String> {
    use phongtrao::sheet::tables::{Table, write_to_folder};
    let table = match table.as_str() {
        "dashboard" => Table::Dashboard(chrono::Local::now().date_naive()),
        _ => Table::YearReport(year),
    };
    with_store(&state, |s| {
        let dir = phongtrao::print::save::default_dir();
        Ok(write_to_folder(s, table, &dir)?.display().to_string())
    })
}

/// "Tải mẫu Excel": the register's blank template into the print folder.
#[tauri::command]
#[specta::specta]
pub async fn sheet_template(state: State<'_, Shared>, kind: Kind) -> Result<String> {
    with_store(&state, |s| {
        let dir = phongtrao::print::save::default_dir();
        Ok(phongtrao::sheet::template::template_to_folder(s, kind, &dir)?.display().to_string())
    })
}

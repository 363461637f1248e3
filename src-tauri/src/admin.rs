//! Accounts and backups as the window shows them. The rules (who may do what, the password rules,
//! the backup format and rotation) and the forms' checks are the core's; this only shapes input and
//! output.

use std::path::Path;

use phongtrao::backup::{self, Restored};
use phongtrao::date;
use phongtrao::domain::account::{Account, AccountBook, Role};
use phongtrao::present::admin::{backup_dir, check_typed_twice, size};
use phongtrao::store::Snapshot;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::commands::AppInfo;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RoleCode {
    Chief,
    Officer,
    Viewer,
}

impl From<RoleCode> for Role {
    fn from(r: RoleCode) -> Role {
        match r {
            RoleCode::Chief => Role::Chief,
            RoleCode::Officer => Role::Officer,
            RoleCode::Viewer => Role::Viewer,
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct AccountView {
    pub username: String,
    pub name: String,
    pub rank: String,
    pub role: RoleCode,
    pub role_label: String,
    /// The logged-in officer's own account.
    pub me: bool,
    /// No password on this laptop yet (copied by the chief's invitation): the chief sets the first.
    pub awaiting_password: bool,
}

/// An account as the page shows it, its role named as its store names it (the commune's chief, the
/// province's leaders).
fn view(book: &dyn AccountBook, a: &Account) -> AccountView {
    AccountView {
        username: a.username.clone(),
        name: a.full_name.clone(),
        rank: a.rank.clone().unwrap_or_default(),
        role: match a.role {
            Role::Chief => RoleCode::Chief,
            Role::Officer => RoleCode::Officer,
            Role::Viewer => RoleCode::Viewer,
        },
        role_label: book.role_label(a.role).to_owned(),
        me: book.session().is_some_and(|s| s.username == a.username),
        awaiting_password: false,
    }
}

/// The accounts of the store the officer is logged in to (the commune's or the province's).
pub fn accounts(book: &dyn AccountBook) -> phongtrao::Result<Vec<AccountView>> {
    let awaiting = book.accounts_awaiting_password()?;
    Ok(book
        .accounts()?
        .iter()
        .map(|a| AccountView { awaiting_password: awaiting.contains(&a.username), ..view(book, a) })
        .collect())
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct NewAccountInput {
    pub username: String,
    pub name: String,
    pub rank: String,
    pub role: RoleCode,
    pub password: String,
    pub password_again: String,
}

/// Adds an account (the store's chief only).
pub fn add_account(book: &mut dyn AccountBook, input: NewAccountInput) -> Result<AccountView> {
    check_typed_twice(&input.password, &input.password_again)?;
    let new = phongtrao::present::admin::new_account(
        &input.username,
        &input.name,
        &input.rank,
        input.role.into(),
        &input.password,
    );
    let a = book.add_account(&new)?;
    Ok(view(book, &a))
}

/// Sets a password: one's own with the current one, another's for the chief.
pub fn change_password(
    book: &mut dyn AccountBook,
    username: &str,
    current: Option<&str>,
    password: &str,
    again: &str,
) -> Result<()> {
    check_typed_twice(password, again)?;
    Ok(book.change_password(username, current, password)?)
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct BackupFile {
    pub path: String,
    pub name: String,
    /// dd/mm/yyyy HH:MM
    pub taken_at: String,
    /// "1,2 MB"
    pub size: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct BackupsView {
    /// Where the daily automatic backups go.
    pub auto_dir: String,
    /// The automatic backups, newest first.
    pub backups: Vec<BackupFile>,
    /// Folders where a USB stick seems to be mounted.
    pub drives: Vec<String>,
    /// Backups (`.ptbak`) found on those sticks, newest first.
    pub on_drives: Vec<String>,
}

pub fn backups(db: &Path) -> Result<BackupsView> {
    backups_in(&backup::default_dir(db))
}

/// The backups page for the automatic backups in `dir` (the province store's: `sao-luu` in its folder).
pub fn backups_in(dir: &Path) -> Result<BackupsView> {
    let dir = dir.to_owned();
    let mut backups: Vec<BackupFile> = backup::list(&dir)?
        .into_iter()
        .map(|(at, p)| BackupFile {
            name: p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            size: size(std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0)),
            path: p.display().to_string(),
            taken_at: at.format("%d/%m/%Y %H:%M").to_string(),
        })
        .collect();
    backups.reverse();
    Ok(BackupsView {
        auto_dir: dir.display().to_string(),
        backups,
        drives: phongtrao::fsutil::removable_drives().iter().map(|p| p.display().to_string()).collect(),
        on_drives: phongtrao::fsutil::files_on_drives(&["ptbak"], 20).iter().map(|p| p.display().to_string()).collect(),
    })
}

pub fn backup_to(snap: &Snapshot, dir: &str) -> Result<BackupFile> {
    let dir = backup_dir(dir)?;
    let info = backup::create_from(snap, dir, chrono::Local::now())?;
    Ok(BackupFile {
        name: info.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        path: info.path.display().to_string(),
        taken_at: date::display_local(info.header.created_at),
        size: size(info.bytes),
    })
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct RestoreDone {
    pub info: AppInfo,
    /// dd/mm/yyyy HH:MM of the backup.
    pub taken_at: String,
    /// Where the replaced store was kept.
    pub aside: Option<String>,
    pub sync_epoch: u32,
    /// At the province: what the restore kept of what was sent to the communes, or what may be
    /// missing and what to do (`present::admin::province_restored`).
    pub notes: Vec<String>,
}

pub fn restore_done(r: &Restored, info: AppInfo) -> RestoreDone {
    RestoreDone {
        info,
        taken_at: date::display_local(r.info.header.created_at),
        aside: r.aside.as_ref().map(|p| p.display().to_string()),
        sync_epoch: r.sync_epoch as u32,
        notes: if r.info.header.store.province { phongtrao::present::admin::province_restored(r) } else { Vec::new() },
    }
}

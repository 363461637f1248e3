//! The officer's session, over the core's accounts.
//!
//! The store is encrypted; the core opens it with an officer's username and password
//! ([`Store::unlock`](phongtrao::Store::unlock)) and creates it with its chief's account
//! ([`Store::create_at`](phongtrao::Store::create_at)). Logging out drops the open store. The shell
//! keeps no password and no key: what is here only checks what the setup form adds to the core's own
//! checks (a rank from the list, the password typed twice), and names the accounts of the keyring for
//! the login form.

use std::path::Path;

use phongtrao::domain::account::{self, Account, NewAccount, Role, username_from};
use phongtrao::keyring::Keyring;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, FieldError};

/// Ranks of the People's Public Security an officer of a commune police may hold.
pub const RANKS: &[&str] = &[
    "Hạ sĩ",
    "Trung sĩ",
    "Thượng sĩ",
    "Thiếu úy",
    "Trung úy",
    "Thượng úy",
    "Đại úy",
    "Thiếu tá",
    "Trung tá",
    "Thượng tá",
    "Đại tá",
];

/// The logged-in officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Officer {
    pub username: String,
    pub name: String,
    pub rank: String,
    /// The role's Vietnamese label (Trưởng Công an xã, Cán bộ, Chỉ xem).
    pub role: String,
    /// What the window offers (the core checks again): `chief`, `officer` or `viewer`.
    pub role_code: String,
}

impl From<&Account> for Officer {
    fn from(a: &Account) -> Officer {
        Officer {
            username: a.username.clone(),
            name: a.full_name.clone(),
            rank: a.rank.clone().unwrap_or_default(),
            role: a.role.label().to_owned(),
            role_code: a.role.code().to_owned(),
        }
    }
}

/// The chief's account the first-run setup creates: the login name comes from the full name.
pub fn chief(full_name: &str, rank: &str, password: &str) -> NewAccount {
    NewAccount {
        username: username_from(full_name),
        full_name: full_name.to_owned(),
        rank: Some(rank.to_owned()).filter(|r| !r.trim().is_empty()),
        role: Role::Chief,
        password: password.to_owned(),
    }
}

/// Every bad field of the first-run setup at once: the core's checks of the commune (in the official
/// list) and of the chief's account, a rank from the list and the password typed twice the same.
pub fn setup_errors(setup: &phongtrao::Setup, chief: &NewAccount, again: &str) -> Vec<FieldError> {
    // The province and the commune must be in the official list, and match.
    let mut errors = match setup.official(phongtrao::units::Units::builtin()) {
        Err(e) => AppError::from(e).fields.unwrap_or_default(),
        Ok(_) => Vec::new(),
    };
    let named = !setup.officer.trim().is_empty();
    if let Err(e) = account::check(chief) {
        for f in AppError::from(e).fields.unwrap_or_default() {
            match f.field.as_str() {
                // The setup's own check already names an empty officer.
                "full_name" => {}
                "username" if named => errors.push(FieldError {
                    field: "officer".into(),
                    label: "Họ và tên".into(),
                    message: format!("tên đăng nhập «{}» {}", chief.username, f.message),
                }),
                "username" => {}
                _ => errors.push(f),
            }
        }
    }
    if !RANKS.contains(&chief.rank.as_deref().unwrap_or_default()) {
        errors.push(FieldError {
            field: "rank".into(),
            label: "Cấp bậc".into(),
            message: "hãy chọn cấp bậc trong danh sách".into(),
        });
    }
    if !errors.iter().any(|e| e.field == "password") && chief.password != again {
        errors.push(FieldError {
            field: "password_again".into(),
            label: "Nhập lại mật khẩu".into(),
            message: "không khớp với mật khẩu".into(),
        });
    }
    errors
}

/// The usernames that may log in to the store at `store`, from its keyring (which holds no secret in
/// the clear); empty when there is none.
pub fn usernames(store: &Path) -> Vec<String> {
    Keyring::load(&Keyring::path_for(store))
        .map(|ring| ring.slots.into_iter().map(|s| s.username).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(officer: &str) -> phongtrao::Setup {
        phongtrao::Setup { officer: officer.into(), ..phongtrao::demo::demo_setup() }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn setup_reports_every_bad_field() {
        let e = setup_errors(&setup(""), &chief("", "", "ngắn"), "ngắn");
        assert_eq!(fields(&e), ["officer", "password", "rank"]);
        let e = setup_errors(&setup("Nguyễn Văn An"), &chief("Nguyễn Văn An", "Đại úy", "mat-khau-1"), "mat-khau-2");
        assert_eq!(fields(&e), ["password_again"]);
        let e = setup_errors(&setup("Lê"), &chief("Lê", "Đại úy", "mat-khau-1"), "mat-khau-1");
        assert_eq!(fields(&e), ["officer"]);
        assert!(e[0].message.starts_with("tên đăng nhập «le»"));
        assert!(
            setup_errors(&setup("Nguyễn Văn An"), &chief("Nguyễn Văn An", "Đại úy", "mat-khau-1"), "mat-khau-1")
                .is_empty()
        );
    }

    #[test]
    fn created_store_names_its_chief_and_opens_with_the_password_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        assert!(usernames(&db).is_empty());
        let new = chief("Nguyễn Văn An", "Đại úy", "mat-khau-1");
        let store = phongtrao::Store::create_at(
            &db,
            &setup("Nguyễn Văn An"),
            &new,
            phongtrao::keyring::KdfParams::insecure_for_tests(),
        )
        .unwrap();
        let officer = Officer::from(store.session().unwrap());
        assert_eq!(officer.username, "nguyenvanan");
        assert_eq!(officer.rank, "Đại úy");
        drop(store);
        assert_eq!(usernames(&db), ["nguyenvanan"]);
        let e = AppError::from(phongtrao::Store::unlock(&db, "nguyenvanan", "mat-khau-2").err().unwrap());
        assert_eq!(e.code, "wrong_password");
        assert!(phongtrao::Store::unlock(&db, "nguyenvanan", "mat-khau-1").is_ok());
        // The shell writes nothing of its own beside the store.
        let mut files: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.retain(|f| !f.ends_with("-wal") && !f.ends_with("-shm"));
        files.sort();
        assert_eq!(files, ["x.db", "x.db.keys"]);
    }
}

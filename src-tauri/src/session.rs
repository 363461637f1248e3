//! The officer's session, over the core's accounts.
//!
//! The store is encrypted; the core opens it with an officer's username and password
//! ([`Store::unlock`](phongtrao::Store::unlock)) and creates it with its chief's account
//! ([`Store::create_at`](phongtrao::Store::create_at)). Logging out drops the open store. The shell
//! keeps no password and no key; the setup form's checks and the login form's account names are the
//! core's (`phongtrao::present::admin`).

use phongtrao::domain::account::Account;
use serde::{Deserialize, Serialize};
use specta::Type;

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
    /// The core's answer to "may this officer add, edit and delete records" (a viewer may not): the
    /// window offers no add, edit or delete button otherwise.
    pub may_write: bool,
    /// The core's answer to "may this officer do the chief's work" (accounts, decisions, settings).
    pub may_manage: bool,
}

impl From<&Account> for Officer {
    fn from(a: &Account) -> Officer {
        Officer {
            username: a.username.clone(),
            name: a.full_name.clone(),
            rank: a.rank.clone().unwrap_or_default(),
            role: a.role.label().to_owned(),
            role_code: a.role.code().to_owned(),
            may_write: a.role.may_write(),
            may_manage: a.role.may_manage(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use phongtrao::present::admin::{chief, usernames};

    fn setup(officer: &str) -> phongtrao::Setup {
        phongtrao::Setup { officer: officer.into(), ..phongtrao::demo::demo_setup() }
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

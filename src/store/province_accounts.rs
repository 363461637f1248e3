//! The province store's accounts (province migration 0004): who may open it and with which role,
//! as at the commune (chief, officer, viewer). The passwords wrap the store's data key in the keyring
//! file beside it; every change is in the province's audit log.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::province::ProvinceDb;
use super::province_console::audit;
use crate::domain::account::{self, Account, NewAccount, Role};
use crate::error::{Error, Result};
use crate::keyring::Keyring;

fn role_of(code: &str) -> rusqlite::Result<Role> {
    Role::parse(code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, format!("role {code}").into())
    })
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account { username: r.get(0)?, full_name: r.get(1)?, rank: r.get(2)?, role: role_of(&r.get::<_, String>(3)?)? })
}

/// The post of a province store's chief accounts, as refusals name it.
const CHIEF: &str = "lãnh đạo Công an tỉnh";

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

fn public(a: &Account) -> serde_json::Value {
    serde_json::json!({"username": a.username, "full_name": a.full_name, "rank": a.rank, "role": a.role.code()})
}

pub(super) fn get(conn: &Connection, username: &str) -> Result<Option<Account>> {
    Ok(conn
        .prepare_cached("SELECT username, full_name, rank, role FROM account WHERE username = ?1")?
        .query_row([username], from_row)
        .optional()?)
}

/// Inserts a checked account, audited as done by `who`.
pub(super) fn insert(tx: &Transaction<'_>, new: &NewAccount, who: &str) -> Result<()> {
    let at = now();
    tx.execute(
        "INSERT INTO account (username, full_name, rank, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new.username, new.full_name, new.rank, new.role.code(), at],
    )?;
    let a = new.account();
    audit(tx, &at, who, "account_create", Some(&a.username), &public(&a))
}

/// Audits a login and the failed attempts before it.
pub(super) fn login(conn: &mut Connection, username: &str, failures: &[chrono::DateTime<chrono::Utc>]) -> Result<()> {
    let tx = conn.transaction()?;
    for at in failures {
        audit(&tx, &at.to_rfc3339(), username, "login_failed", Some(username), &serde_json::json!({}))?;
    }
    audit(&tx, &now(), username, "login", Some(username), &serde_json::json!({}))?;
    tx.commit()?;
    Ok(())
}

impl ProvinceDb {
    /// The logged-in officer.
    pub fn session(&self) -> Option<&Account> {
        self.session.as_ref()
    }

    /// Who the audit log names for what this session does.
    pub fn who(&self) -> String {
        self.session.as_ref().map_or_else(|| super::province::PROVINCE_USER.to_owned(), |a| a.username.clone())
    }

    /// Refuses unless the logged-in officer has at least `role`.
    pub fn require(&self, role: Role, what: &str) -> Result<()> {
        account::require(self.session.as_ref(), role, what, Role::province_label)
    }

    /// Every account of the province store.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        super::all_rows(
            &self.conn,
            "SELECT username, full_name, rank, role FROM account ORDER BY username",
            [],
            from_row,
        )
    }

    fn account(&self, username: &str) -> Result<Account> {
        let username = username.trim().to_lowercase();
        get(&self.conn, &username)?.ok_or_else(|| Error::NotFound { kind: "tài khoản", id: username })
    }

    fn chiefs(&self) -> Result<usize> {
        Ok(self.accounts()?.iter().filter(|a| a.role == Role::Chief).count())
    }

    fn keyring_path(&self) -> std::path::PathBuf {
        Keyring::path_for(&Self::db_path(self.dir()))
    }

    /// Adds an officer's account (chief only).
    pub fn add_account(&mut self, new: &NewAccount) -> Result<Account> {
        self.require(Role::Chief, "tạo tài khoản")?;
        let new = account::check(new)?;
        if get(&self.conn, &new.username)?.is_some() {
            return Err(Error::field("username", "Tên đăng nhập", format!("«{}» đã có", new.username)));
        }
        let who = self.who();
        let keys = self.keyring_path();
        Keyring::add_then(&keys, &new.username, &new.password, &self.key, || {
            let tx = self.conn.transaction()?;
            insert(&tx, &new, &who)?;
            tx.commit()?;
            Ok(())
        })?;
        self.account(&new.username)
    }

    /// Changes an account's role (chief only). The last chief cannot be demoted.
    pub fn set_role(&mut self, username: &str, role: Role) -> Result<()> {
        self.require(Role::Chief, "đổi quyền tài khoản")?;
        let old = self.account(username)?;
        account::check_role_change(&old, role, || self.chiefs(), CHIEF)?;
        let who = self.who();
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE account SET role = ?2 WHERE username = ?1", params![old.username, role.code()])?;
        let new = Account { role, ..old.clone() };
        audit(
            &tx,
            &now(),
            &who,
            "role_change",
            Some(&old.username),
            &serde_json::json!({"old": public(&old), "new": public(&new)}),
        )?;
        tx.commit()?;
        account::follow_role(&mut self.session, &old.username, role);
        Ok(())
    }

    /// Sets an account's password: one's own, giving the `current` one (someone at a computer left
    /// open cannot take the account over), or anyone's for the chief. As the commune's store does.
    pub fn change_password(&mut self, username: &str, current: Option<&str>, new_password: &str) -> Result<()> {
        let target = self.account(username)?;
        account::may_set_password(self.session.as_ref(), &target, Role::province_label)?;
        if account::needs_current_password(self.session.as_ref(), &target) {
            Keyring::check_current(&self.keyring_path(), &target.username, current)?;
        }
        account::check_password(new_password)?;
        Keyring::set_password(&self.keyring_path(), &target.username, new_password, &self.key)?;
        let who = self.who();
        let tx = self.conn.transaction()?;
        audit(&tx, &now(), &who, "password_change", Some(&target.username), &serde_json::json!({}))?;
        tx.commit()?;
        Ok(())
    }

    /// Removes an account (chief only): it can no longer open the store. Not oneself, not the last chief.
    pub fn remove_account(&mut self, username: &str) -> Result<()> {
        self.require(Role::Chief, "xóa tài khoản")?;
        let target = self.account(username)?;
        account::check_removal(self.session.as_ref(), &target, || self.chiefs(), CHIEF)?;
        Keyring::remove_from(&self.keyring_path(), &target.username)?;
        let who = self.who();
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM account WHERE username = ?1", [&target.username])?;
        audit(&tx, &now(), &who, "account_remove", Some(&target.username), &public(&target))?;
        tx.commit()?;
        Ok(())
    }
}

impl account::AccountBook for ProvinceDb {
    fn session(&self) -> Option<&Account> {
        ProvinceDb::session(self)
    }

    fn role_label(&self, role: Role) -> &'static str {
        role.province_label()
    }

    fn accounts(&self) -> Result<Vec<Account>> {
        ProvinceDb::accounts(self)
    }

    /// None: a province account is only ever made with its password.
    fn accounts_awaiting_password(&self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn add_account(&mut self, new: &NewAccount) -> Result<Account> {
        ProvinceDb::add_account(self, new)
    }

    fn set_role(&mut self, username: &str, role: Role) -> Result<()> {
        ProvinceDb::set_role(self, username, role)
    }

    fn change_password(&mut self, username: &str, current: Option<&str>, new_password: &str) -> Result<()> {
        ProvinceDb::change_password(self, username, current, new_password)
    }

    fn remove_account(&mut self, username: &str) -> Result<()> {
        ProvinceDb::remove_account(self, username)
    }
}

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
    let a = Account {
        username: new.username.clone(),
        full_name: new.full_name.clone(),
        rank: new.rank.clone(),
        role: new.role,
    };
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
        match &self.session {
            Some(a) if a.role < role => Err(Error::Forbidden(format!(
                "Tài khoản {} ({}) không được {what}; cần quyền {}.",
                a.username,
                a.role.province_label().to_lowercase(),
                role.province_label().to_lowercase()
            ))),
            _ => Ok(()),
        }
    }

    /// Every account of the province store.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut st = self.conn.prepare("SELECT username, full_name, rank, role FROM account ORDER BY username")?;
        let rows = st.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
        let keys = self.keyring_path();
        let mut ring = Keyring::load(&keys)?;
        let kdf = ring.slots.first().map(|s| s.kdf).unwrap_or_default();
        ring.set(&new.username, &new.password, &self.key, kdf)?;
        // The key slot first: an account row without a slot could never log in.
        ring.save(&keys)?;
        let who = self.who();
        let added = (|| -> Result<()> {
            let tx = self.conn.transaction()?;
            insert(&tx, &new, &who)?;
            tx.commit()?;
            Ok(())
        })();
        if added.is_err() {
            ring.remove(&new.username);
            ring.save(&keys)?;
        }
        added?;
        self.account(&new.username)
    }

    /// Changes an account's role (chief only). The last chief cannot be demoted.
    pub fn set_role(&mut self, username: &str, role: Role) -> Result<()> {
        self.require(Role::Chief, "đổi quyền tài khoản")?;
        let old = self.account(username)?;
        if old.role == Role::Chief && role != Role::Chief && self.chiefs()? == 1 {
            return Err(Error::Refused(
                "Không đổi quyền được: đây là tài khoản lãnh đạo Công an tỉnh cuối cùng.".into(),
            ));
        }
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
        if let Some(me) = self.session.as_mut().filter(|a| a.username == old.username) {
            me.role = role;
        }
        Ok(())
    }

    /// Sets an account's password: one's own, or anyone's for the chief.
    pub fn change_password(&mut self, username: &str, new_password: &str) -> Result<()> {
        let target = self.account(username)?;
        if self.session.as_ref().is_some_and(|me| me.username != target.username) {
            self.require(Role::Chief, "đặt mật khẩu cho tài khoản khác")?;
        }
        account::check_password(new_password)?;
        let keys = self.keyring_path();
        let mut ring = Keyring::load(&keys)?;
        let kdf = ring.slot(&target.username).map(|s| s.kdf).unwrap_or_default();
        ring.set(&target.username, new_password, &self.key, kdf)?;
        ring.save(&keys)?;
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
        if self.session.as_ref().is_some_and(|me| me.username == target.username) {
            return Err(Error::Refused("Không tự xóa tài khoản đang đăng nhập.".into()));
        }
        if target.role == Role::Chief && self.chiefs()? == 1 {
            return Err(Error::Refused("Không xóa được tài khoản lãnh đạo Công an tỉnh cuối cùng.".into()));
        }
        let keys = self.keyring_path();
        let mut ring = Keyring::load(&keys)?;
        ring.remove(&target.username);
        ring.save(&keys)?;
        let who = self.who();
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM account WHERE username = ?1", [&target.username])?;
        audit(&tx, &now(), &who, "account_remove", Some(&target.username), &public(&target))?;
        tx.commit()?;
        Ok(())
    }
}

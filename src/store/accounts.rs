//! The `account` table: who may open the store and with which role.

use super::audit::Audited;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, Tx};
use crate::domain::account::{self, Account, NewAccount, Role};
use crate::error::{Error, Result};

fn role_of(code: &str) -> rusqlite::Result<Role> {
    Role::parse(code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, format!("role {code}").into())
    })
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account { username: r.get(0)?, full_name: r.get(1)?, rank: r.get(2)?, role: role_of(&r.get::<_, String>(3)?)? })
}

pub(super) fn get(conn: &Connection, username: &str) -> Result<Option<Account>> {
    Ok(conn
        .prepare_cached("SELECT username, full_name, rank, role FROM account WHERE username = ?1")?
        .query_row([username], from_row)
        .optional()?)
}

pub(super) fn all(conn: &Connection) -> Result<Vec<Account>> {
    super::all_rows(conn, "SELECT username, full_name, rank, role FROM account ORDER BY username", [], from_row)
}

fn public(a: &Account) -> Result<serde_json::Value> {
    serde_json::to_value(a).map_err(|e| Error::Json(e.to_string()))
}

pub(super) fn insert(tx: &mut Tx<'_>, new: &NewAccount) -> Result<()> {
    tx.tx.execute(
        "INSERT INTO account (username, full_name, rank, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new.username, new.full_name, new.rank, new.role.code(), chrono::Local::now().to_rfc3339()],
    )?;
    let a = new.account();
    tx.audit("account_create", Some(&public(&a)?))
}

pub(super) fn set_role(tx: &mut Tx<'_>, old: &Account, role: Role) -> Result<()> {
    tx.tx.execute("UPDATE account SET role = ?2 WHERE username = ?1", params![old.username, role.code()])?;
    let new = Account { role, ..old.clone() };
    let (old, new) = (public(old)?, public(&new)?);
    tx.audit_change("role_change", Audited { old: Some(&old), new: Some(&new), ..Audited::default() })
}

pub(super) fn remove(tx: &mut Tx<'_>, old: &Account) -> Result<()> {
    tx.tx.execute("DELETE FROM account WHERE username = ?1", [&old.username])?;
    tx.audit_change("account_remove", Audited { old: Some(&public(old)?), ..Audited::default() })
}

impl account::AccountBook for Store {
    fn session(&self) -> Option<&Account> {
        Store::session(self)
    }

    fn role_label(&self, role: Role) -> &'static str {
        role.label()
    }

    fn accounts(&self) -> Result<Vec<Account>> {
        Store::accounts(self)
    }

    fn accounts_awaiting_password(&self) -> Result<Vec<String>> {
        Store::accounts_awaiting_password(self)
    }

    fn add_account(&mut self, new: &NewAccount) -> Result<Account> {
        Store::add_account(self, new)
    }

    fn set_role(&mut self, username: &str, role: Role) -> Result<()> {
        Store::set_role(self, username, role)
    }

    fn change_password(&mut self, username: &str, current: Option<&str>, new_password: &str) -> Result<()> {
        Store::change_password(self, username, current, new_password)
    }

    fn remove_account(&mut self, username: &str) -> Result<()> {
        Store::remove_account(self, username)
    }
}

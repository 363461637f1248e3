//! Officer accounts and what each role may do. The store checks these on every call, so a rule
//! holds whether the window, the command line or a script is asking.

use serde::{Deserialize, Serialize};

/// Roles, from the least to the most trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Chỉ xem: reads only.
    Viewer,
    /// Cán bộ: edits the registers.
    Officer,
    /// Trưởng Công an xã: also manages accounts, approves and signs.
    Chief,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Chief, Role::Officer, Role::Viewer];

    pub fn code(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Officer => "officer",
            Role::Chief => "chief",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Viewer => "Chỉ xem",
            Role::Officer => "Cán bộ",
            Role::Chief => "Trưởng Công an xã",
        }
    }

    /// The role as the province's officers read it (the province store has the same roles).
    pub fn province_label(self) -> &'static str {
        match self {
            Role::Viewer => "Chỉ xem",
            Role::Officer => "Cán bộ",
            Role::Chief => "Lãnh đạo Công an tỉnh",
        }
    }

    /// The least role that may add, edit and delete records ([`Store::write`](crate::Store::write)
    /// requires it).
    pub const WRITES: Role = Role::Officer;
    /// The least role that may manage accounts, propose and decide certifications, change settings.
    pub const MANAGES: Role = Role::Chief;

    /// May add, edit and delete records: what the window offers a role follows this, the store checks it.
    pub fn may_write(self) -> bool {
        self >= Role::WRITES
    }

    /// May do the chief's work (accounts, certification proposals and decisions, settings).
    pub fn may_manage(self) -> bool {
        self >= Role::MANAGES
    }

    /// Accepts the code or the Vietnamese label, with or without accents.
    pub fn parse(s: &str) -> Option<Role> {
        let folded = crate::text::fold(s);
        Role::ALL.into_iter().find(|r| r.code() == s.trim() || crate::text::fold(r.label()) == folded)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub username: String,
    pub full_name: String,
    pub rank: Option<String>,
    pub role: Role,
}

/// The accounts of a store, as the accounts page and the command line use them: the commune's store
/// and the province's keep theirs apart (their own tables, key files and audit), under the same rules.
pub trait AccountBook {
    /// The logged-in officer.
    fn session(&self) -> Option<&Account>;
    /// How this store names a role: the commune's chief is the province's director.
    fn role_label(&self, role: Role) -> &'static str;
    /// Every account.
    fn accounts(&self) -> crate::Result<Vec<Account>>;
    /// The accounts that cannot log in yet: no password set for them on this computer (a laptop's
    /// accounts copied by the chief's invitation).
    fn accounts_awaiting_password(&self) -> crate::Result<Vec<String>>;
    /// Adds an officer's account (chief only).
    fn add_account(&mut self, new: &NewAccount) -> crate::Result<Account>;
    /// Changes an account's role (chief only); the last chief stays.
    fn set_role(&mut self, username: &str, role: Role) -> crate::Result<()>;
    /// Sets a password: one's own with the `current` one, or anyone's for the chief.
    fn change_password(&mut self, username: &str, current: Option<&str>, new_password: &str) -> crate::Result<()>;
    /// Removes an account (chief only): not oneself, not the last chief.
    fn remove_account(&mut self, username: &str) -> crate::Result<()>;
}

/// The window locks itself (closes the store) after this many seconds without a key press or a click.
pub const IDLE_LOCK_SECONDS: u32 = 15 * 60;

/// The password rule: at least 8 characters. Returns a Vietnamese reason when it is too weak.
pub fn check_password(password: &str) -> crate::Result<()> {
    if password.chars().count() < 8 {
        return Err(crate::Error::field("password", "Mật khẩu", "phải có ít nhất 8 ký tự"));
    }
    Ok(())
}

/// An account to create, with its first password.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct NewAccount {
    pub username: String,
    pub full_name: String,
    pub rank: Option<String>,
    pub role: Role,
    pub password: String,
}

/// Refuses to make `old` anything but a chief when it is the last chief (`chiefs` counts them, asked
/// only then); `chief` names the post ("Trưởng Công an xã").
pub fn check_role_change(
    old: &Account,
    role: Role,
    chiefs: impl FnOnce() -> crate::Result<usize>,
    chief: &str,
) -> crate::Result<()> {
    if old.role == Role::Chief && role != Role::Chief && chiefs()? == 1 {
        return Err(crate::Error::Refused(format!("Không đổi quyền được: đây là tài khoản {chief} cuối cùng.")));
    }
    Ok(())
}

/// Refuses to remove the logged-in account (`session`) or the last chief (`chiefs` counts them, asked
/// only then); `chief` names the post.
pub fn check_removal(
    session: Option<&Account>,
    target: &Account,
    chiefs: impl FnOnce() -> crate::Result<usize>,
    chief: &str,
) -> crate::Result<()> {
    if session.is_some_and(|me| me.username == target.username) {
        return Err(crate::Error::Refused("Không tự xóa tài khoản đang đăng nhập.".into()));
    }
    if target.role == Role::Chief && chiefs()? == 1 {
        return Err(crate::Error::Refused(format!("Không xóa được tài khoản {chief} cuối cùng.")));
    }
    Ok(())
}

/// The logged-in account (`session`) takes its new role when it is the one changed.
pub fn follow_role(session: &mut Option<Account>, username: &str, role: Role) {
    if let Some(me) = session.as_mut().filter(|a| a.username == username) {
        me.role = role;
    }
}

/// Refuses unless the logged-in account (`session`; none for the system's own acts) has at least
/// `role` to do `what`; `label` names the roles as the store's readers know them.
pub fn require(
    session: Option<&Account>,
    role: Role,
    what: &str,
    label: fn(Role) -> &'static str,
) -> crate::Result<()> {
    match session {
        Some(a) if a.role < role => Err(crate::Error::Forbidden(format!(
            "Tài khoản {} ({}) không được {what}; cần quyền {}.",
            a.username,
            label(a.role).to_lowercase(),
            label(role).to_lowercase()
        ))),
        _ => Ok(()),
    }
}

/// One's own password may be set by anyone; another's only by a chief.
pub fn may_set_password(
    session: Option<&Account>,
    target: &Account,
    label: fn(Role) -> &'static str,
) -> crate::Result<()> {
    if session.is_some_and(|me| me.username != target.username) {
        require(session, Role::Chief, "đặt mật khẩu cho tài khoản khác", label)?;
    }
    Ok(())
}

/// Setting one's own password needs the current one (someone at a laptop left open cannot take the
/// account over); the chief sets another's without it.
pub fn needs_current_password(session: Option<&Account>, target: &Account) -> bool {
    session.is_some_and(|me| me.username == target.username)
}

/// The current password was not given, or is wrong (the keyring checks it).
pub fn current_password_error(given: bool) -> crate::Error {
    let why = if given {
        "không đúng"
    } else {
        "hãy nhập mật khẩu đang dùng để đổi mật khẩu của mình"
    };
    crate::Error::field("current_password", "Mật khẩu hiện tại", why)
}

impl NewAccount {
    /// The account it makes (without its password).
    pub fn account(&self) -> Account {
        Account {
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            rank: self.rank.clone(),
            role: self.role,
        }
    }
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("username", &self.username)
            .field("full_name", &self.full_name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A login name from a full name: "Nguyễn Văn An" → "nguyenvanan".
pub fn username_from(full_name: &str) -> String {
    crate::text::fold(full_name).chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Checks and normalises an account before it is stored.
pub fn check(new: &NewAccount) -> crate::Result<NewAccount> {
    check_with(new, true)
}

/// Checks and normalises an account stored without a password yet (one the chief's invitation
/// copied to a new laptop: the chief sets its first password there).
pub fn check_awaiting_password(new: &NewAccount) -> crate::Result<NewAccount> {
    check_with(new, false)
}

fn check_with(new: &NewAccount, with_password: bool) -> crate::Result<NewAccount> {
    let mut errors = Vec::new();
    let username = new.username.trim().to_lowercase();
    let ok_name = (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
    if !ok_name {
        errors.push(crate::FieldError {
            field: "username".into(),
            label: "Tên đăng nhập".into(),
            message: "từ 3 đến 32 ký tự, chỉ gồm chữ không dấu, chữ số, dấu chấm hoặc gạch dưới".into(),
        });
    }
    let full_name = crate::text::clean(&new.full_name);
    if full_name.is_empty() {
        errors.push(crate::FieldError {
            field: "full_name".into(),
            label: "Họ và tên".into(),
            message: "không được để trống".into(),
        });
    }
    if with_password && let Err(crate::Error::Invalid(e)) = check_password(&new.password) {
        errors.extend(e.0);
    }
    if !errors.is_empty() {
        return Err(crate::Error::Invalid(crate::Invalid(errors)));
    }
    Ok(NewAccount {
        username,
        full_name,
        rank: new.rank.as_deref().map(crate::text::clean).filter(|r| !r.is_empty()),
        role: new.role,
        password: new.password.clone(),
    })
}

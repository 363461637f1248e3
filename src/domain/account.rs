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
    if let Err(crate::Error::Invalid(e)) = check_password(&new.password) {
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

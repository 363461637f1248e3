//! The one error shape that crosses IPC: `{code, message, fields?}`.

use serde::Serialize;
use specta::Type;

pub use phongtrao::FieldError;

/// What a command returns when it fails. `code` is stable: the core's `Error::code()` (e.g.
/// `wrong_password`, `locked`, `forbidden`) or one of the shell's (`logged_out`, `busy`). `message` is
/// Vietnamese and is what the officer reads; `fields` lists every bad field when the input was refused
/// (nothing was saved then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct AppError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub fields: Option<Vec<FieldError>>,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError { code: code.into(), message: message.into(), fields: None }
    }

    /// A refusal listing bad fields; the message sums them up.
    pub fn invalid(fields: Vec<FieldError>) -> AppError {
        let invalid = phongtrao::Invalid(fields);
        AppError { code: "invalid".into(), message: invalid.summary(), fields: Some(invalid.0) }
    }

    /// No officer is logged in (the store is closed).
    pub fn logged_out() -> AppError {
        AppError::new("logged_out", phongtrao::present::session::LOGGED_OUT)
    }
}

impl From<phongtrao::Error> for AppError {
    fn from(e: phongtrao::Error) -> AppError {
        match e {
            phongtrao::Error::Invalid(inv) => AppError::invalid(inv.0),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_field_errors_cross_as_fields() {
        let e: AppError = phongtrao::Error::field("households", "Số hộ gia đình", "phải là số nguyên không âm").into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["code"], "invalid");
        assert_eq!(v["message"], "Số hộ gia đình: phải là số nguyên không âm");
        assert_eq!(v["fields"][0]["field"], "households");
    }

    #[test]
    fn other_errors_have_no_fields() {
        let e: AppError = phongtrao::Error::Refused("Không xóa được.".into()).into();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v, serde_json::json!({"code": "refused", "message": "Không xóa được."}));
    }
}

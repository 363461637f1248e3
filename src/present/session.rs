//! What the window says about its own session: a command that comes at the wrong moment (before the
//! first-run setup, before or after login), a broken window state, a restore that failed.

/// A command that needs a store before the first-run setup made one.
pub const NOT_SET_UP: &str = "Chưa có kho dữ liệu; hãy thiết lập lần đầu.";
/// The first-run setup asked for again, while a store exists.
pub const SET_UP_ALREADY: &str = "Đã có kho dữ liệu; hãy đăng nhập.";
/// A login asked for while an officer is logged in.
pub const LOGGED_IN_ALREADY: &str = "Đã đăng nhập.";
/// A command that needs an officer logged in.
pub const LOGGED_OUT: &str = "Chưa đăng nhập, hoặc đã đăng xuất. Hãy đăng nhập lại.";
/// The window's state cannot be reached (a command failed halfway before).
pub const BUSY: &str = "Ứng dụng gặp lỗi nội bộ; hãy mở lại ứng dụng.";
/// Data sent by the window that is not a JSON object.
pub const NOT_AN_OBJECT: &str = "Dữ liệu gửi lên phải là một đối tượng JSON.";
/// Added to a failed restore's message when the officer must log in again.
pub const RESTORE_LOG_IN_AGAIN: &str = " Kho dữ liệu hiện tại không bị thay đổi; hãy đăng nhập lại.";

/// The day's automatic backup failed (written to the log; the officer's work goes on).
pub fn auto_backup_failed(e: &crate::Error) -> String {
    format!("Sao lưu tự động không thành công: {e}")
}

//! The crate's one error type. Every message is Vietnamese and is what an officer reads.

use std::fmt;

/// One bad field: the Vietnamese label of the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldError {
    /// The field's JSON key (`households`), for the UI to put the message next to the field.
    pub field: String,
    /// The field's Vietnamese label (`Số hộ gia đình`).
    pub label: String,
    /// What is wrong (`phải là số nguyên không âm`).
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.label, self.message)
    }
}

/// Every field that failed validation, in field order. Nothing was saved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    /// The refusal in one sentence: the field and its reason when there is one, else how many.
    pub fn summary(&self) -> String {
        match self.0.as_slice() {
            [one] => format!("{}: {}", one.label, one.message),
            many => {
                format!("Có {} trường chưa hợp lệ; chưa lưu gì. Hãy sửa các trường được đánh dấu.", many.len())
            }
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("Không tìm thấy {kind} có mã {id}.")]
    NotFound { kind: &'static str, id: String },
    #[error("{0}")]
    Refused(String),
    #[error(
        "Kho dữ liệu chưa được khởi tạo. Hãy chạy: phongtrao init --province-code … --province … --commune-code … --commune … --officer …, hoặc phongtrao demo để tạo xã mẫu."
    )]
    NotInitialized,
    #[error("Kho dữ liệu đã được khởi tạo cho {0}; không khởi tạo lại.")]
    AlreadyInitialized(String),
    #[error(
        "Kho dữ liệu được tạo bởi phiên bản phongtrao mới hơn (lược đồ {found}, phiên bản này chỉ đọc được đến lược đồ {known}). Hãy cập nhật phongtrao; dữ liệu không bị thay đổi."
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("Bản cập nhật lược đồ số {0} đã bị sửa sau khi phát hành; không mở kho để tránh hỏng dữ liệu.")]
    MigrationEdited(i64),
    #[error("{}", wrong_password(*remaining))]
    WrongPassword { remaining: Option<u32> },
    #[error(
        "Tài khoản đang bị khóa vì nhập sai mật khẩu nhiều lần; hãy thử lại sau {}.",
        until.with_timezone(&chrono::Local).format("%H:%M ngày %d/%m/%Y")
    )]
    Locked { until: chrono::DateTime<chrono::Utc> },
    #[error("{0}")]
    Forbidden(String),
    /// A write into a period the province approved (locked until the province reopens it).
    #[error("{0}")]
    PeriodLocked(String),
    #[error("Lỗi kho dữ liệu: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", io_message(path, source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("Dữ liệu JSON không hợp lệ: {0}")]
    Json(String),
    #[error("{0}")]
    Print(#[from] PrintError),
    /// A sync bundle refused: `code` says why (`bundle_damaged`, `bundle_signature`, `bundle_replay`…).
    #[error("{message}")]
    Bundle { code: &'static str, message: String },
}

impl Error {
    /// A stable machine code for the error, used across IPC (`{code, message}`) and in tests.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Refused(_) => "refused",
            Error::NotInitialized => "not_initialized",
            Error::AlreadyInitialized(_) => "already_initialized",
            Error::NewerSchema { .. } => "newer_schema",
            Error::MigrationEdited(_) => "migration_edited",
            Error::WrongPassword { .. } => "wrong_password",
            Error::Locked { .. } => "locked",
            Error::Forbidden(_) => "forbidden",
            Error::PeriodLocked(_) => "period_locked",
            Error::Sqlite(_) => "store",
            Error::Io { .. } => "io",
            Error::Json(_) => "json",
            Error::Print(_) => "print",
            Error::Bundle { code, .. } => code,
        }
    }

    /// A validation error on one field.
    pub fn field(field: &str, label: &str, message: impl Into<String>) -> Error {
        Error::Invalid(Invalid(vec![FieldError {
            field: field.to_owned(),
            label: label.to_owned(),
            message: message.into(),
        }]))
    }

    /// A sync bundle refused for the reason `code` (`bundle_damaged`, `bundle_signature`…).
    pub fn bundle(code: &'static str, message: impl Into<String>) -> Error {
        Error::Bundle { code, message: message.into() }
    }

    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

fn wrong_password(remaining: Option<u32>) -> String {
    match remaining {
        Some(n) => {
            format!("Tên đăng nhập hoặc mật khẩu không đúng. Còn {n} lần thử trước khi tài khoản bị khóa 5 phút.")
        }
        None => "Tên đăng nhập hoặc mật khẩu không đúng.".into(),
    }
}

/// What went wrong with a file, in words an officer can act on.
fn io_message(path: &str, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let why = match e.kind() {
        K::NotFound => "không tìm thấy tệp hoặc thư mục (USB đã được rút ra?)".to_owned(),
        K::PermissionDenied => "không có quyền ghi hoặc đọc (ổ đĩa chỉ đọc, hoặc USB bị khóa ghi?)".to_owned(),
        K::StorageFull => "ổ đĩa đã đầy; hãy giải phóng chỗ trống rồi thử lại".to_owned(),
        K::ReadOnlyFilesystem => "ổ đĩa chỉ cho phép đọc; hãy mở khóa ghi của USB rồi thử lại".to_owned(),
        K::QuotaExceeded => "đã hết dung lượng được phép trên ổ đĩa; hãy giải phóng chỗ trống rồi thử lại".to_owned(),
        K::FileTooLarge => "tệp quá lớn với ổ đĩa này (USB định dạng FAT32 chỉ nhận tệp dưới 4 GB)".to_owned(),
        K::AlreadyExists => "đã có tệp cùng tên".to_owned(),
        K::UnexpectedEof => "tệp bị cắt ngắn (USB bị rút ra khi đang chép?)".to_owned(),
        K::IsADirectory => "đây là một thư mục, không phải tệp".to_owned(),
        K::NotADirectory => "đường dẫn không phải là thư mục".to_owned(),
        // The system's own words are English: only its error number is shown.
        _ => match e.raw_os_error() {
            Some(n) => format!("lỗi hệ thống số {n}"),
            None => "lỗi hệ thống không rõ".to_owned(),
        },
    };
    format!("Không đọc/ghi được tệp {path}: {why}. Dữ liệu đã lưu không bị ảnh hưởng; có thể thử lại.")
}

/// Why a document could not be printed. Messages are Vietnamese, for the officer.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// A character the font cannot draw (it would print as an empty box).
    #[error("Phông chữ không có ký tự «{ch}» (U+{code:04X}) trong đoạn: «{text}». Hãy bỏ hoặc thay ký tự này.", code = u32::from(*ch))]
    MissingGlyph {
        /// The character.
        ch: char,
        /// The text it is in.
        text: String,
    },
    /// An embedded font could not be read (a broken build).
    #[error("Không đọc được phông chữ {0} đi kèm chương trình.")]
    Font(String),
    /// A table whose rows and columns do not match, or without columns.
    #[error("Bảng không hợp lệ: {0}.")]
    Table(String),
    /// A setting out of range (line spacing, font size).
    #[error("Thiết lập in không hợp lệ: {0}.")]
    Setting(String),
    /// Something that must stay on one page is taller than a page.
    #[error("Phần «{0}» dài hơn một trang giấy, không in được. Hãy rút ngắn nội dung.")]
    TooTall(&'static str),
    /// printpdf reported an error while writing.
    #[error("Lỗi tạo tệp PDF: {0}")]
    Pdf(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

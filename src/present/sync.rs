//! The commune's sync with the province as the window and the command line tell it: the province's
//! name, what a bundle holds, what an import did, and the file or folder field. The bundle format and
//! every check are `crate::sync`'s.

use std::path::PathBuf;

use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::store::ProvinceKeys;
use crate::sync::commune::Imported;
use crate::sync::province::gap_text;

/// "Công an tỉnh Quảng Ngãi (mã 51)".
pub fn province_name(p: &ProvinceKeys) -> String {
    format!("Công an tỉnh {} (mã {})", p.province, p.province_code)
}

/// What a bundle's count is of: a register (`khu dân cư`), or `bản ghi đã xóa` for the tombstones.
pub fn count_label(code: &str) -> String {
    match Kind::parse(code) {
        Some(k) => k.label().to_owned(),
        None if code == "deleted" => "bản ghi đã xóa".to_owned(),
        None => code.to_owned(),
    }
}

/// A file or folder as chosen or typed; refused when empty, naming the field.
pub fn chosen_path(field: &str, label: &str, value: &str) -> Result<PathBuf> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::field(field, label, "hãy chọn USB hoặc nhập đường dẫn"));
    }
    Ok(PathBuf::from(v))
}

/// The folder a bundle is written into, as chosen or typed.
pub fn chosen_dir(value: &str) -> Result<PathBuf> {
    chosen_path("dir", "Thư mục nhận gói", value)
}

/// A bundle file, as chosen or typed.
pub fn chosen_bundle(value: &str) -> Result<PathBuf> {
    chosen_path("file", "Tệp gói", value)
}

/// "Đã ghi danh với Công an tỉnh Quảng Ngãi (mã 51)."
pub fn enrolled(p: &ProvinceKeys) -> String {
    format!("Đã ghi danh với Công an tỉnh {} (mã {}).", p.province, p.province_code)
}

/// The first sentence of what an import did.
pub fn imported(i: &Imported) -> String {
    match i {
        // Not the acknowledged sequence number: it is internal, and after a restore from a backup it
        // jumps by 2³² (a new sync epoch), which an officer would read as 4.294.967.297 changes.
        Imported::Receipt { bundle_seq, pending: 0, .. } => {
            format!("Đã nhận biên nhận của gói số {bundle_seq}: Công an tỉnh đã nhận đủ mọi thay đổi của máy này.")
        }
        Imported::Receipt { bundle_seq, pending, .. } => format!(
            "Đã nhận biên nhận của gói số {bundle_seq}: Công an tỉnh đã nhận đủ gói này; còn {} thay đổi nhập, sửa sau đó sẽ đi trong gói xuất lần sau.",
            crate::text::format_int(*pending)
        ),
        Imported::Reference { lists, revoked } => {
            format!("Đã nhập dữ liệu dùng chung: {lists} danh mục mới, {revoked} khóa bị thu hồi mới.")
        }
    }
}

/// What an import did, in one paragraph: the first sentence, then the records the province
/// quarantined and the bundles it still lacks.
pub fn imported_summary(i: &Imported) -> String {
    let mut said = imported(i);
    if let Imported::Receipt { receipt, .. } = i {
        if !receipt.quarantined.is_empty() {
            said.push_str(&format!(" {} bản ghi bị cách ly (xem biên nhận).", receipt.quarantined.len()));
        }
        for (a, b) in &receipt.gaps {
            said.push_str(&format!(" Công an tỉnh còn thiếu {}.", gap_text(*a, *b)));
        }
    }
    said
}

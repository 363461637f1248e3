//! Signed sync bundles carried by USB stick: commune → province (record changes) and province →
//! commune (enrollment, receipts, reference data). No SQL here: the stores keep the state
//! (`store::bundles` for the commune, `store::province` for the province).
//!
//! - [`bundle`]: the file format (age ⊃ tar ⊃ manifest + signature + payload), writing and reading.
//! - [`commune`]: export, receipts and reference data, enrollment, verify.
//! - [`province`]: the province's store, registration, import with its checks, receipts, status.
//!
//! docs/SYNC.md specifies the format and the rules.

pub mod bundle;
pub mod commune;
pub mod province;

pub use bundle::{BundleKind, Manifest, Opened};

/// How long a bundle stays importable after it is made (a USB trip can take weeks).
pub const VALID_DAYS: i64 = 60;

/// `<province>-<commune>-<seq 6 digits>-<yyyymmdd>.ptb`
pub fn file_name(province_code: &str, commune_code: &str, seq: i64, at: chrono::DateTime<chrono::Utc>) -> String {
    format!("{province_code}-{commune_code}-{:06}-{}.ptb", seq, at.with_timezone(&chrono::Local).format("%Y%m%d"))
}

/// Reads a bundle file whole (bundles are bounded by [`bundle::MAX_ARCHIVE_BYTES`]).
pub(crate) fn read_file(path: &std::path::Path) -> crate::Result<Vec<u8>> {
    let len = std::fs::metadata(path).map_err(|e| crate::Error::io(path, e))?.len();
    if len > bundle::MAX_ARCHIVE_BYTES + (1 << 20) {
        return Err(bundle::damaged("tệp quá lớn"));
    }
    std::fs::read(path).map_err(|e| crate::Error::io(path, e))
}

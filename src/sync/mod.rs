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
pub mod peer;
pub mod province;

pub use bundle::{BundleKind, Manifest, Opened, Verified};

/// How long a bundle stays importable after it is made (a USB trip can take weeks).
pub const VALID_DAYS: i64 = 60;

/// How long a receipt or an enrollment bundle stays valid (they are kept and re-read for years).
pub const LONG_VALID_DAYS: i64 = 3650;

/// What a bundle's file name says, as [`file_name`] writes it: province code, commune code, epoch,
/// number, and the day it was made. Nothing of it is proven (anyone can rename a file): it is shown,
/// marked unverified, only when the bundle itself cannot be read.
pub fn parse_file_name(name: &str) -> Option<(String, String, i64, i64, chrono::NaiveDate)> {
    let stem = name.strip_suffix(".ptb").or_else(|| name.strip_suffix(".PTB"))?;
    let parts: Vec<&str> = stem.split('-').collect();
    let [province, commune, epoch, seq, day] = parts.as_slice() else { return None };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(province, 2) || !digits(commune, 5) || !digits(seq, 6) || !digits(day, 8) {
        return None;
    }
    let epoch =
        epoch.strip_prefix('k').filter(|e| !e.is_empty() && e.len() <= 9 && e.bytes().all(|b| b.is_ascii_digit()))?;
    Some((
        (*province).to_owned(),
        (*commune).to_owned(),
        epoch.parse().ok()?,
        seq.parse().ok()?,
        chrono::NaiveDate::parse_from_str(day, "%Y%m%d").ok()?,
    ))
}

/// `<province>-<commune>-k<epoch>-<seq 6 digits>-<yyyymmdd>.ptb`: the epoch (`k` for kỳ) tells apart
/// the bundles numbered again after a restore from a backup.
pub fn file_name(
    province_code: &str,
    commune_code: &str,
    epoch: i64,
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> String {
    format!(
        "{province_code}-{commune_code}-k{epoch}-{:06}-{}.ptb",
        seq,
        at.with_timezone(&chrono::Local).format("%Y%m%d")
    )
}

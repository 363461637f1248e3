//! The commune's sync with the province as the window shows it: enrollment, export to a USB stick,
//! receipts and reference data in, and checking a bundle without importing it. The bundle format and
//! every check are the core's (`phongtrao::sync`), and what is said about them (`phongtrao::present::sync`);
//! this only shapes input and output.

use phongtrao::present::sync as present;
pub use phongtrao::present::sync::{BundleInfo, CountLine, SyncView, view};
use phongtrao::store::Store;
use phongtrao::sync::commune::{self, ExportOptions};

use crate::error::Result;

/// "Xuất gói đồng bộ": the changes the province has not acknowledged (or all of them) into `dir`.
pub fn export(s: &mut Store, dir: &str, full: bool) -> Result<BundleInfo> {
    let dir = present::chosen_dir(dir)?;
    let e = commune::export(s, &dir, &ExportOptions { full, ..Default::default() }, &mut |_, _| {})?;
    verify(s, &e.path.display().to_string())
}

/// "Kiểm tra gói": a bundle checked without importing it, as the officer reads it.
pub fn verify(s: &mut Store, file: &str) -> Result<BundleInfo> {
    let file = present::chosen_bundle(file)?;
    Ok(present::bundle_info(&file, &commune::verify(s, &file)?))
}

/// A receipt or reference data from the province, taken in; what it did, in one sentence.
pub fn import(s: &mut Store, file: &str) -> Result<String> {
    let file = present::chosen_bundle(file)?;
    Ok(present::imported_summary(&commune::import(s, &file)?))
}

/// The province's enrollment bundle, taken in once.
pub fn enroll(s: &mut Store, file: &str) -> Result<String> {
    let file = present::chosen_bundle(file)?;
    Ok(present::enrolled(&commune::enroll(s, &file)?))
}

//! The commune's sync with the province as the window shows it: enrollment, export to a USB stick,
//! receipts and reference data in, and checking a bundle without importing it. The bundle format and
//! every check are the core's (`phongtrao::sync`), and what is said about them (`phongtrao::present::sync`);
//! this only shapes input and output.

use phongtrao::present::sync as present;
use phongtrao::store::Store;
use phongtrao::sync::Manifest;
use phongtrao::sync::commune::{self, ExportOptions};
use serde::Serialize;
use specta::Type;

use crate::error::Result;

#[derive(Debug, Clone, Serialize, Type)]
pub struct SyncView {
    /// The province this laptop is enrolled with, if any.
    pub province: Option<String>,
    /// Changes not yet acknowledged by the province (the next export's size).
    pub pending: u32,
    /// The number of the last bundle exported (0: none yet).
    pub last_bundle: u32,
    /// This laptop's signing key id and the fingerprint to read aloud.
    pub key_id: String,
    pub fingerprint: String,
    /// Folders where a USB stick seems to be mounted.
    pub drives: Vec<String>,
    /// Bundles (`.ptb`) found on those sticks, newest first: a receipt brought back, an enrollment.
    pub bundles: Vec<String>,
}

pub fn view(s: &mut Store) -> phongtrao::Result<SyncView> {
    let state = s.sync_state()?;
    let (key, _) = s.sync_keys()?;
    let pk = key.public_key()?;
    Ok(SyncView {
        province: state.province.as_ref().map(present::province_name),
        pending: s.pending_changes()?.clamp(0, u32::MAX as i64) as u32,
        last_bundle: state.bundle_seq.clamp(0, u32::MAX as i64) as u32,
        key_id: pk.key_id(),
        fingerprint: pk.fingerprint(),
        drives: phongtrao::fsutil::removable_drives().iter().map(|p| p.display().to_string()).collect(),
        bundles: phongtrao::fsutil::files_on_drives(&["ptb"], 20).iter().map(|p| p.display().to_string()).collect(),
    })
}

/// One line of what a bundle holds: a register and how many records.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CountLine {
    pub label: String,
    pub count: u32,
}

/// A bundle as the officer reads it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct BundleInfo {
    pub path: String,
    /// "gói dữ liệu của xã", "biên nhận của Công an tỉnh"…
    pub kind: String,
    pub number: u32,
    pub province_code: String,
    pub commune_code: String,
    /// dd/mm/yyyy HH:MM
    pub created_at: String,
    pub expires_at: String,
    pub full: bool,
    pub counts: Vec<CountLine>,
    pub signer: String,
    pub key_id: String,
    pub fingerprint: String,
    pub encrypted: bool,
}

fn counts(m: &Manifest) -> Vec<CountLine> {
    m.counts
        .iter()
        .map(|(code, n)| CountLine { label: present::count_label(code), count: (*n).min(u32::MAX as u64) as u32 })
        .collect()
}

/// "Xuất gói đồng bộ": the changes the province has not acknowledged (or all of them) into `dir`.
pub fn export(s: &mut Store, dir: &str, full: bool) -> Result<BundleInfo> {
    let dir = present::chosen_dir(dir)?;
    let e = commune::export(s, &dir, &ExportOptions { full, ..Default::default() }, &mut |_, _| {})?;
    verify(s, &e.path.display().to_string())
}

pub fn verify(s: &mut Store, file: &str) -> Result<BundleInfo> {
    let file = present::chosen_bundle(file)?;
    let v = commune::verify(s, &file)?;
    let m = &v.manifest;
    Ok(BundleInfo {
        path: file.display().to_string(),
        kind: m.kind.label().to_owned(),
        number: m.seq.clamp(0, u32::MAX as i64) as u32,
        province_code: m.province_code.clone(),
        commune_code: m.commune_code.clone(),
        created_at: phongtrao::date::display_local(m.created_at),
        expires_at: phongtrao::date::display_local(m.expires_at),
        full: m.full,
        counts: counts(m),
        signer: v.signer,
        key_id: v.key_id,
        fingerprint: v.fingerprint,
        encrypted: v.encrypted,
    })
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

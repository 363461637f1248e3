//! The commune's sync with the province as the window and the command line tell it: the sync page,
//! the province's name, what a bundle holds, what an import did, and the file or folder field. The bundle format and
//! every check are `crate::sync`'s.

use std::path::{Path, PathBuf};

use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::store::{ProvinceKeys, Store};
use crate::sync::Manifest;
use crate::sync::commune::{Imported, Verified};
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
fn chosen_path(field: &str, label: &str, value: &str) -> Result<PathBuf> {
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

/// A folder of the province's (a stick of bundles, where receipts or enrollments go), as chosen or typed.
pub fn chosen_folder(value: &str) -> Result<PathBuf> {
    chosen_path("folder", "Thư mục", value)
}

/// A commune installation's public key file (`.pub`), as chosen or typed.
pub fn chosen_pubkey(value: &str) -> Result<PathBuf> {
    chosen_path("pubkey", "Tệp khóa công khai", value)
}

/// The file a document or a table is written to, as chosen or typed.
pub fn chosen_out(value: &str) -> Result<PathBuf> {
    chosen_path("out", "Tệp ra", value)
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
        Imported::Decisions(d, i) => {
            let said = [decisions_said(&d.applied), inspections_said(i)]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if said.is_empty() {
                "Gói của Công an tỉnh không có gì mới: máy này đã nhận mọi quyết định và nội dung kiểm tra trong gói."
                    .to_owned()
            } else {
                said
            }
        }
    }
}

/// What the province's inspections brought: new inspections and tasks, and each verdict ("Công an
/// tỉnh đánh giá nhiệm vụ «…»: Chưa đạt, phải khắc phục tiếp (lý do: …).").
pub fn inspections_said(i: &crate::store::InspectionsApplied) -> String {
    let mut out = Vec::new();
    for title in &i.inspections {
        out.push(format!("Đã nhận cuộc kiểm tra: {title}."));
    }
    if i.tasks > 0 {
        out.push(format!(
            "{} nhiệm vụ khắc phục Công an tỉnh giao: xem mục «Nhiệm vụ khắc phục» và báo cáo kết quả trước thời hạn.",
            i.tasks
        ));
    }
    for (task, verdict, reason) in &i.verdicts {
        if reason.is_empty() {
            out.push(format!("Công an tỉnh đánh giá nhiệm vụ «{task}»: {verdict}."));
        } else {
            out.push(format!("Công an tỉnh đánh giá nhiệm vụ «{task}»: {verdict} (lý do: {reason})."));
        }
    }
    out.join(" ")
}

/// What the province decided, one sentence per decision ("Công an tỉnh đã duyệt kỳ Tháng 11/2026
/// (…), khóa số liệu của kỳ."), as a decision bundle or a receipt brings them.
pub fn decisions_said(applied: &[crate::domain::review::Decision]) -> String {
    use crate::domain::review::Action;
    applied
        .iter()
        .map(|d| match d.action {
            Action::Approve => {
                format!("Công an tỉnh đã duyệt kỳ {} ({}): số liệu của kỳ đã khóa, không sửa được nữa.", d.label, d.by)
            }
            Action::Return => format!(
                "Công an tỉnh trả lại kỳ {} ({}) với {} lý do: xem mục «Công an tỉnh trả lại» để sửa.",
                d.label,
                d.by,
                d.reasons.len() + usize::from(!d.note.is_empty())
            ),
            Action::Reopen => format!("Công an tỉnh đã mở lại kỳ {} ({}): {}", d.label, d.by, d.note),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What an import did, in one paragraph: the first sentence, then the records the province
/// quarantined and the bundles it still lacks.
pub fn imported_summary(i: &Imported) -> String {
    let mut said = imported(i);
    if let Imported::Receipt { receipt, decisions, inspections, .. } = i {
        if !decisions.is_empty() {
            said.push(' ');
            said.push_str(&decisions_said(decisions));
        }
        if !inspections.is_empty() {
            said.push(' ');
            said.push_str(&inspections_said(inspections));
        }
        if !receipt.quarantined.is_empty() {
            said.push_str(&format!(" {} bản ghi bị cách ly (xem biên nhận).", receipt.quarantined.len()));
        }
        for (a, b) in &receipt.gaps {
            said.push_str(&format!(" Công an tỉnh còn thiếu {}.", gap_text(*a, *b)));
        }
        let held = receipt.held.iter().filter(|h| h.get("decision").is_none_or(|d| d.is_null())).count();
        if held > 0 {
            said.push_str(&format!(
                " {held} thay đổi cho kỳ đã duyệt bị Công an tỉnh giữ lại chờ người duyệt xem xét (xem mục «Công an tỉnh trả lại»)."
            ));
        }
    }
    said
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

/// The sync page: who this laptop is enrolled with, what is pending, its key, the sticks and bundles on them.
pub fn view(s: &mut Store) -> Result<SyncView> {
    let state = s.sync_state()?;
    let (key, _) = s.sync_keys()?;
    let pk = key.public_key()?;
    Ok(SyncView {
        province: state.province.as_ref().map(province_name),
        pending: s.pending_changes()?.clamp(0, u32::MAX as i64) as u32,
        last_bundle: state.bundle_seq.clamp(0, u32::MAX as i64) as u32,
        key_id: pk.key_id(),
        fingerprint: pk.fingerprint(),
        drives: crate::fsutil::removable_drives().iter().map(|p| p.display().to_string()).collect(),
        bundles: crate::fsutil::files_on_drives(&["ptb"], 20).iter().map(|p| p.display().to_string()).collect(),
    })
}

/// One line of what a bundle holds: a register and how many records.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CountLine {
    pub label: String,
    pub count: u32,
}

/// A bundle as the officer reads it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
        .map(|(code, n)| CountLine { label: count_label(code), count: (*n).min(u32::MAX as u64) as u32 })
        .collect()
}

/// A checked bundle as the officer reads it.
pub fn bundle_info(file: &Path, v: &Verified) -> BundleInfo {
    let m = &v.manifest;
    BundleInfo {
        path: file.display().to_string(),
        kind: m.kind.label().to_owned(),
        number: m.seq.clamp(0, u32::MAX as i64) as u32,
        province_code: m.province_code.clone(),
        commune_code: m.commune_code.clone(),
        created_at: crate::date::display_local(m.created_at),
        expires_at: crate::date::display_local(m.expires_at),
        full: m.full,
        counts: counts(m),
        signer: v.signer.clone(),
        key_id: v.key_id.clone(),
        fingerprint: v.fingerprint.clone(),
        encrypted: v.encrypted,
    }
}

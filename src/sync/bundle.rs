//! The bundle file: an age file (or, for province → commune bundles, optionally a bare tar) holding a
//! tar archive with `manifest.json`, `manifest.json.minisig` and the payload files. docs/SYNC.md
//! specifies it for other readers. Reading is defensive: every length is bounded, every name checked,
//! and nothing in a bundle is trusted before its manifest's signature and hashes are.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crypto::{PublicKey, SigningKey, sha256_hex};
use crate::error::{Error, Result};

pub const FORMAT: &str = "phongtrao-bundle";
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.minisig";
/// The age file header's first line: an encrypted bundle starts with it.
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// At most this many files in a bundle, this many bytes in one file, in the whole archive, and in one
/// decompressed payload: a hostile file cannot make the reader run out of memory.
pub const MAX_FILES: usize = 16;
pub const MAX_FILE_BYTES: u64 = 1 << 30;
pub const MAX_ARCHIVE_BYTES: u64 = 1 << 31;
pub const MAX_PAYLOAD_BYTES: u64 = 1 << 31;
/// The manifest is small: a larger one is refused before parsing.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// Commune → province: record changes.
    Changes,
    /// Province → commune: what an import took.
    Receipt,
    /// Province → commune: reference lists and key revocations.
    Reference,
    /// Province → commune: the province's public keys.
    Enrollment,
}

impl BundleKind {
    pub fn label(self) -> &'static str {
        match self {
            BundleKind::Changes => "gói dữ liệu của xã",
            BundleKind::Receipt => "biên nhận của Công an tỉnh",
            BundleKind::Reference => "gói dữ liệu dùng chung của Công an tỉnh",
            BundleKind::Enrollment => "gói ghi danh của Công an tỉnh",
        }
    }
}

/// The change sequence numbers a bundle covers: every change with `after < seq <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqRange {
    pub after: i64,
    pub to: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// `manifest.json`. Its SHA-256 is the bundle's hash (what receipts and the hash chain name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The sender's store schema version.
    pub schema_version: i64,
    pub kind: BundleKind,
    pub province_code: String,
    /// The sending commune (changes) or the commune it is for (receipts); empty for every commune.
    pub commune_code: String,
    /// The sending installation (the province's id for province bundles).
    pub installation_id: Uuid,
    /// The signing key's minisign id.
    pub key_id: String,
    /// The sender's sync epoch (one more after each restore from a backup).
    pub epoch: i64,
    /// This bundle's number among the sender's bundles.
    pub seq: i64,
    /// A full snapshot rather than the changes not yet acknowledged.
    #[serde(default)]
    pub full: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<SeqRange>,
    /// The hash of the sender's previous bundle in this epoch (`null` for the first).
    pub prev_hash: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Records by kind code; `deleted` counts tombstones.
    pub counts: BTreeMap<String, u64>,
    pub files: Vec<FileEntry>,
}

/// Builds a bundle: signs the manifest (with its file list filled in) and wraps it with the payload
/// files in a tar archive, encrypted with age to `recipients` (none: a bare tar).
pub fn write(
    mut manifest: Manifest,
    files: &[(String, Vec<u8>)],
    signer: &SigningKey,
    recipients: &[age::x25519::Recipient],
) -> Result<(Vec<u8>, Manifest, String)> {
    manifest.files = files
        .iter()
        .map(|(path, bytes)| FileEntry { path: path.clone(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) })
        .collect();
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Json(e.to_string()))?;
    manifest_bytes.push(b'\n');
    let trusted = format!(
        "phongtrao {} {}-{} seq {} epoch {}",
        match manifest.kind {
            BundleKind::Changes => "changes",
            BundleKind::Receipt => "receipt",
            BundleKind::Reference => "reference",
            BundleKind::Enrollment => "enrollment",
        },
        manifest.province_code,
        manifest.commune_code,
        manifest.seq,
        manifest.epoch
    );
    let signature = signer.sign(&manifest_bytes, &trusted)?;
    let mtime = manifest.created_at.timestamp().max(0) as u64;
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8]| -> std::io::Result<()> {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(mtime);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, path, data)
    };
    let io = |e| Error::io("<bundle>", e);
    add(MANIFEST, &manifest_bytes).map_err(io)?;
    add(SIGNATURE, signature.as_bytes()).map_err(io)?;
    for (path, data) in files {
        add(path, data).map_err(io)?;
    }
    let archive = tar.into_inner().map_err(io)?;
    let hash = sha256_hex(&manifest_bytes);
    if recipients.is_empty() {
        return Ok((archive, manifest, hash));
    }
    let enc = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| Error::Refused(format!("Không mã hóa được gói: {e}")))?;
    let mut out = Vec::with_capacity(archive.len() + 1024);
    let mut w = enc.wrap_output(&mut out).map_err(io)?;
    w.write_all(&archive).map_err(io)?;
    w.finish().map_err(io)?;
    Ok((out, manifest, hash))
}

/// A bundle read and parsed, not yet trusted: call [`Opened::check`] with the signer's key.
#[derive(Debug, Clone)]
pub struct Opened {
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub signature: String,
    pub files: BTreeMap<String, Vec<u8>>,
    /// Whether the file was age-encrypted.
    pub encrypted: bool,
}

pub(crate) fn damaged(why: &str) -> Error {
    Error::bundle(
        "bundle_damaged",
        format!(
            "Tệp gói đồng bộ bị hỏng hoặc không đầy đủ ({why}); có thể USB bị rút ra khi đang chép. \
Không nhập gì, dữ liệu không bị thay đổi. Hãy chép lại tệp từ máy gửi rồi thử lại."
        ),
    )
}

fn not_for_us() -> Error {
    Error::bundle(
        "bundle_not_for_us",
        "Gói đồng bộ được mã hóa cho người nhận khác, không giải mã được bằng khóa ở đây. Không nhập gì. \
Hãy kiểm tra gói được xuất cho đúng Công an tỉnh (xã đã nhập đúng gói ghi danh chưa) rồi xuất lại.",
    )
}

/// Reads a bundle file's bytes: decrypts it with one of `identities` if it is an age file, unpacks
/// the tar archive with bounds on everything, and parses the manifest. Nothing is verified yet.
pub fn open(bytes: &[u8], identities: &[age::x25519::Identity]) -> Result<Opened> {
    let encrypted = bytes.starts_with(AGE_MAGIC);
    let plain;
    let archive: &[u8] = if encrypted {
        if identities.is_empty() {
            return Err(not_for_us());
        }
        let dec = age::Decryptor::new_buffered(bytes).map_err(|e| age_error(&e))?;
        let mut r = dec.decrypt(identities.iter().map(|i| i as &dyn age::Identity)).map_err(|e| age_error(&e))?;
        let mut buf = Vec::new();
        (&mut r)
            .take(MAX_ARCHIVE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|_| damaged("phần mã hóa bị cắt hoặc bị sửa"))?;
        if buf.len() as u64 > MAX_ARCHIVE_BYTES {
            return Err(damaged("quá lớn"));
        }
        plain = buf;
        &plain
    } else {
        bytes
    };
    let files = untar(archive)?;
    let manifest_bytes = files.get(MANIFEST).cloned().ok_or_else(|| damaged("thiếu manifest.json"))?;
    let signature = files.get(SIGNATURE).ok_or_else(|| damaged("thiếu chữ ký manifest.json.minisig"))?;
    let signature = String::from_utf8(signature.clone()).map_err(|_| damaged("chữ ký không đọc được"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&manifest_bytes).map_err(|_| damaged("manifest.json không đọc được"))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(damaged("không phải gói đồng bộ phongtrao"));
    }
    let version = value.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version != u64::from(FORMAT_VERSION) {
        return Err(Error::bundle(
            "bundle_version",
            format!(
                "Gói đồng bộ theo định dạng phiên bản {version}, phiên bản phongtrao này chỉ đọc được phiên bản {FORMAT_VERSION}. \
Không nhập gì. Hãy cập nhật phongtrao ở cả hai nơi cho cùng phiên bản."
            ),
        ));
    }
    let manifest: Manifest =
        serde_json::from_value(value).map_err(|_| damaged("manifest.json thiếu mục hoặc sai kiểu"))?;
    let files = files.into_iter().filter(|(k, _)| k != MANIFEST && k != SIGNATURE).collect();
    Ok(Opened { manifest, manifest_bytes, signature, files, encrypted })
}

fn age_error(e: &age::DecryptError) -> Error {
    match e {
        age::DecryptError::NoMatchingKeys => not_for_us(),
        _ => damaged("phần mã hóa bị cắt hoặc bị sửa"),
    }
}

fn untar(archive: &[u8]) -> Result<BTreeMap<String, Vec<u8>>> {
    let bad = |_| damaged("kho tar không đọc được");
    let mut out = BTreeMap::new();
    let mut ar = tar::Archive::new(archive);
    for entry in ar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(damaged("kho tar có mục không phải tệp"));
        }
        let path = entry.path().map_err(bad)?.to_string_lossy().into_owned();
        let plain = !path.is_empty()
            && path.len() <= 100
            && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            && !path.starts_with('.');
        if !plain {
            return Err(damaged("kho tar có tên tệp không hợp lệ"));
        }
        let size = entry.header().size().map_err(bad)?;
        let limit = if path == MANIFEST || path == SIGNATURE { MAX_MANIFEST_BYTES } else { MAX_FILE_BYTES };
        if size > limit {
            return Err(damaged("một tệp trong gói quá lớn"));
        }
        let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
        (&mut entry).take(limit + 1).read_to_end(&mut data).map_err(bad)?;
        if data.len() as u64 != size {
            return Err(damaged("một tệp trong gói bị cắt"));
        }
        if out.insert(path, data).is_some() {
            return Err(damaged("kho tar có hai tệp trùng tên"));
        }
        if out.len() > MAX_FILES {
            return Err(damaged("quá nhiều tệp trong gói"));
        }
    }
    Ok(out)
}

impl Opened {
    /// The bundle's hash: the SHA-256 of its manifest.
    pub fn hash(&self) -> String {
        sha256_hex(&self.manifest_bytes)
    }

    /// The key id the signature names (before checking it).
    pub fn signer_key_id(&self) -> Option<String> {
        crate::crypto::signature_key_id(&self.signature)
    }

    /// Checks the manifest's signature by `key` and every payload file against the manifest.
    pub fn check(&self, key: &PublicKey) -> Result<()> {
        if self.manifest.key_id != key.key_id() || key.verify(&self.manifest_bytes, &self.signature).is_err() {
            return Err(Error::bundle(
                "bundle_signature",
                format!(
                    "Chữ ký của {} không hợp lệ với khóa {}: bản kê đã bị sửa sau khi ký, hoặc gói bị làm giả. \
Không nhập gì, dữ liệu không bị thay đổi. Hãy yêu cầu nơi gửi xuất lại gói và chép trực tiếp.",
                    self.manifest.kind.label(),
                    key.key_id()
                ),
            ));
        }
        let listed: Vec<&str> = self.manifest.files.iter().map(|f| f.path.as_str()).collect();
        for f in &self.manifest.files {
            let ok = self
                .files
                .get(&f.path)
                .is_some_and(|data| data.len() as u64 == f.bytes && sha256_hex(data) == f.sha256);
            if !ok {
                return Err(Error::bundle(
                    "bundle_hash",
                    format!(
                        "Tệp {} trong gói không khớp với độ dài và mã băm SHA-256 ghi trong bản kê đã ký: gói đã bị sửa hoặc thiếu. \
Không nhập gì, dữ liệu không bị thay đổi. Hãy yêu cầu nơi gửi xuất lại gói.",
                        f.path
                    ),
                ));
            }
        }
        if let Some(extra) = self.files.keys().find(|k| !listed.contains(&k.as_str())) {
            return Err(Error::bundle(
                "bundle_hash",
                format!(
                    "Gói có tệp {extra} không ghi trong bản kê đã ký: gói đã bị thêm nội dung. Không nhập gì. \
Hãy yêu cầu nơi gửi xuất lại gói."
                ),
            ));
        }
        Ok(())
    }

    /// Refuses a bundle past its expiry time.
    pub fn check_expiry(&self, now: DateTime<Utc>) -> Result<()> {
        if now > self.manifest.expires_at {
            let local = |t: DateTime<Utc>| t.with_timezone(&chrono::Local).format("%d/%m/%Y").to_string();
            return Err(Error::bundle(
                "bundle_expired",
                format!(
                    "{} số {} đã hết hạn ngày {} (tạo ngày {}). Không nhập gì. Hãy xuất gói mới rồi chuyển lại.",
                    crate::text::capitalise(self.manifest.kind.label()),
                    self.manifest.seq,
                    local(self.manifest.expires_at),
                    local(self.manifest.created_at)
                ),
            ));
        }
        Ok(())
    }

    /// A payload file (after [`Opened::check`]).
    pub fn file(&self, path: &str) -> Result<&[u8]> {
        self.files.get(path).map(Vec::as_slice).ok_or_else(|| damaged(&format!("thiếu tệp {path}")))
    }
}

/// zstd-compresses a payload.
pub fn compress(data: &[u8]) -> Result<Vec<u8>> {
    zstd::bulk::compress(data, 3).map_err(|e| Error::io("<zstd>", e))
}

/// Decompresses a payload, refusing more than [`MAX_PAYLOAD_BYTES`].
pub fn decompress(data: &[u8]) -> Result<Vec<u8>> {
    let dec = zstd::stream::read::Decoder::new(data).map_err(|_| damaged("dữ liệu nén không đọc được"))?;
    let mut out = Vec::new();
    dec.take(MAX_PAYLOAD_BYTES + 1).read_to_end(&mut out).map_err(|_| damaged("dữ liệu nén không đọc được"))?;
    if out.len() as u64 > MAX_PAYLOAD_BYTES {
        return Err(damaged("dữ liệu giải nén quá lớn"));
    }
    Ok(out)
}

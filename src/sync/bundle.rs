//! The bundle file: an age file (or, for province → commune bundles, optionally a bare tar) holding a
//! tar archive with `manifest.json`, `manifest.json.minisig` and the payload files. docs/SYNC.md
//! specifies it for other readers. Reading is defensive: every length is bounded, every name checked,
//! and nothing in a bundle is trusted before its manifest's signature and hashes are.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

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

/// A bundle file larger than this is refused before anything of it is read. A full export of a
/// large commune (tens of thousands of records) is a few megabytes.
pub const MAX_BUNDLE_FILE_BYTES: u64 = 256 << 20;
/// At most this many files in a bundle, this many bytes in one (compressed) payload file, and in
/// one decompressed payload (streamed line by line, never held whole).
pub const MAX_FILES: usize = 16;
pub const MAX_FILE_BYTES: u64 = MAX_BUNDLE_FILE_BYTES;
pub const MAX_PAYLOAD_BYTES: u64 = 1 << 30;
/// One line of a payload (one record) at most; a longer line is skipped and quarantined by its length.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// The manifest and the signature are small: larger ones are refused before parsing. They are all
/// that is read before the signature is checked.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;
pub const MAX_SIGNATURE_BYTES: u64 = 4 << 10;

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
    /// Laptop ⇄ laptop of one commune: record versions, the installations known, acknowledgements.
    Peer,
    /// The chief's laptop → a new laptop of the same commune: the commune, its installations, a
    /// one-time token.
    Invitation,
    /// Province → commune: the province's decisions on the commune's periods (approve, return,
    /// reopen), and later other notices addressed to one commune (each a payload file of its own).
    Decision,
}

impl BundleKind {
    pub fn label(self) -> &'static str {
        match self {
            BundleKind::Changes => "gói dữ liệu của xã",
            BundleKind::Receipt => "biên nhận của Công an tỉnh",
            BundleKind::Reference => "gói dữ liệu dùng chung của Công an tỉnh",
            BundleKind::Enrollment => "gói ghi danh của Công an tỉnh",
            BundleKind::Peer => "gói trao đổi giữa các máy của xã",
            BundleKind::Invitation => "lời mời máy mới của xã",
            BundleKind::Decision => "gói quyết định của Công an tỉnh",
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

impl Manifest {
    /// A manifest of this format and the store's schema, made `now` and valid `days`, of no sender
    /// yet, with no range, chain, counts or files: each sender fills in what it has (struct update),
    /// and [`write`] the file list.
    pub fn new(kind: BundleKind, now: DateTime<Utc>, days: i64) -> Manifest {
        Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            schema_version: crate::store::latest_schema(),
            kind,
            province_code: String::new(),
            commune_code: String::new(),
            installation_id: Uuid::nil(),
            key_id: String::new(),
            epoch: 0,
            seq: 0,
            full: false,
            changes: None,
            prev_hash: None,
            created_at: now,
            expires_at: now + chrono::Duration::days(days),
            counts: BTreeMap::new(),
            files: Vec::new(),
        }
    }
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
    let trusted = trusted_comment(&manifest);
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

/// A bundle whose manifest and signature are read, not yet trusted: nothing of its payload is
/// read. [`Opened::verify`] checks the signature with the sender's key, then reads the payload files
/// against the signed manifest and gives a [`Verified`] bundle, the only way to reach them.
pub struct Opened<'r> {
    /// The manifest as the file says (not yet checked: use it only to find the signer's key).
    pub manifest: Manifest,
    manifest_bytes: Vec<u8>,
    signature: String,
    encrypted: bool,
    rest: Tar<Box<dyn Read + 'r>>,
}

impl std::fmt::Debug for Opened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened").field("manifest", &self.manifest).finish_non_exhaustive()
    }
}

/// A bundle whose signature (by the key given) and every payload file's length and SHA-256 were
/// checked against its manifest. Only a `Verified` bundle gives access to its payload.
#[derive(Debug, Clone)]
pub struct Verified {
    manifest: Manifest,
    hash: String,
    key_id: String,
    encrypted: bool,
    files: BTreeMap<String, Vec<u8>>,
}

/// The file was cut short or altered in transit (bit flips, truncation): the one case where the
/// stick being pulled out is the likely cause.
pub(crate) fn damaged(why: &str) -> Error {
    Error::bundle(
        "bundle_damaged",
        format!(
            "Tệp gói đồng bộ bị hỏng hoặc không đầy đủ ({why}); có thể USB bị rút ra khi đang chép. \
Không nhập gì, dữ liệu không bị thay đổi. Hãy chép lại tệp từ máy gửi rồi thử lại."
        ),
    )
}

/// Something phongtrao never writes into a bundle (a link, a folder, a name not allowed, a file
/// out of place): the file was made or altered by another tool.
pub(crate) fn forbidden(what: &str) -> Error {
    Error::bundle(
        "bundle_forbidden_entry",
        format!(
            "Gói có {what}: phongtrao không bao giờ tạo ra gói như vậy, tệp đã bị làm ra hoặc sửa bằng công cụ khác. \
Không nhập gì, dữ liệu không bị thay đổi. Đừng dùng tệp này; hãy yêu cầu nơi gửi xuất lại gói bằng phongtrao \
và báo cán bộ phụ trách nếu nghi bị giả mạo."
        ),
    )
}

/// More than a bundle may hold (a huge file, a compression bomb, too many records).
pub(crate) fn too_large(what: &str) -> Error {
    Error::bundle(
        "bundle_too_large",
        format!(
            "Gói quá lớn: {what}. Không nhập gì, dữ liệu không bị thay đổi. Một gói do phongtrao xuất không bao giờ lớn như vậy: \
hãy kiểm tra đã chọn đúng tệp .ptb chưa, rồi yêu cầu nơi gửi xuất lại gói."
        ),
    )
}

/// Not a phongtrao bundle at all (no manifest, another format).
fn not_a_bundle(why: &str) -> Error {
    Error::bundle(
        "bundle_not_bundle",
        format!(
            "Tệp này không phải gói đồng bộ phongtrao ({why}). Không nhập gì, dữ liệu không bị thay đổi. \
Hãy chọn đúng tệp .ptb do phongtrao xuất ra."
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

fn read_err(e: std::io::Error) -> Error {
    // An age chunk that fails its tag, or a file that ends too soon.
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => damaged("tệp bị cắt ngắn"),
        _ => damaged("phần mã hóa bị cắt hoặc bị sửa"),
    }
}

/// Opens a bundle file without reading it whole: refuses a file over [`MAX_BUNDLE_FILE_BYTES`]
/// before reading anything, then streams decryption and the archive.
pub fn open_file(path: &std::path::Path, identities: &[age::x25519::Identity]) -> Result<Opened<'static>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len > MAX_BUNDLE_FILE_BYTES {
        return Err(too_large(&format!(
            "tệp nặng {} MB, quá {} MB",
            crate::text::format_int((len >> 20) as i64),
            MAX_BUNDLE_FILE_BYTES >> 20
        )));
    }
    open_reader(Box::new(std::io::BufReader::with_capacity(1 << 16, file)), identities)
}

/// As [`open_file`] for a bundle already in memory.
pub fn open<'r>(bytes: &'r [u8], identities: &[age::x25519::Identity]) -> Result<Opened<'r>> {
    if bytes.len() as u64 > MAX_BUNDLE_FILE_BYTES {
        return Err(too_large(&format!("quá {} MB", MAX_BUNDLE_FILE_BYTES >> 20)));
    }
    open_reader(Box::new(bytes), identities)
}

/// Decrypts (if it is an age file) and reads the archive's first two entries, the manifest and its
/// signature, within bounds. Nothing else is read yet.
fn open_reader<'r>(mut input: Box<dyn BufRead + 'r>, identities: &[age::x25519::Identity]) -> Result<Opened<'r>> {
    let head = input.fill_buf().map_err(read_err)?;
    let encrypted = head.starts_with(AGE_MAGIC)
        || (head.len() < AGE_MAGIC.len() && AGE_MAGIC.starts_with(head) && !head.is_empty());
    let plain: Box<dyn Read + 'r> = if encrypted {
        if identities.is_empty() {
            return Err(not_for_us());
        }
        let dec = age::Decryptor::new_buffered(input).map_err(|e| age_error(&e))?;
        Box::new(dec.decrypt(identities.iter().map(|i| i as &dyn age::Identity)).map_err(|e| age_error(&e))?)
    } else {
        Box::new(input)
    };
    let mut rest = Tar { r: plain, read: 0 };
    let first = rest.next()?.ok_or_else(|| not_a_bundle("tệp rỗng"))?;
    if first.path != MANIFEST {
        return Err(not_a_bundle("không có bản kê manifest.json ở đầu"));
    }
    if first.size > MAX_MANIFEST_BYTES {
        return Err(too_large(&format!("bản kê manifest.json quá {} KB", MAX_MANIFEST_BYTES >> 10)));
    }
    let manifest_bytes = rest.data(first.size)?;
    let sig = rest.next()?.ok_or_else(|| {
        Error::bundle(
            "bundle_unsigned",
            "Gói không có chữ ký (manifest.json.minisig): phongtrao luôn ký gói, nên tệp này không do phongtrao tạo ra \
hoặc đã bị sửa. Không nhập gì, dữ liệu không bị thay đổi. Hãy yêu cầu nơi gửi xuất lại gói bằng phongtrao.",
        )
    })?;
    if sig.path != SIGNATURE {
        return Err(forbidden(&format!("tệp «{}» ở chỗ của chữ ký manifest.json.minisig", sig.path)));
    }
    if sig.size > MAX_SIGNATURE_BYTES {
        return Err(too_large("chữ ký manifest.json.minisig quá dài"));
    }
    let signature = String::from_utf8(rest.data(sig.size)?).map_err(|_| damaged("chữ ký không đọc được"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&manifest_bytes).map_err(|_| damaged("manifest.json không đọc được"))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(not_a_bundle("bản kê không phải của phongtrao"));
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
    let manifest: Manifest = serde_json::from_value(value).map_err(|_| {
        Error::bundle(
            "bundle_manifest",
            "Bản kê manifest.json của gói thiếu mục hoặc có mục sai kiểu. Không nhập gì, dữ liệu không bị thay đổi. \
Hãy yêu cầu nơi gửi xuất lại gói; nếu hai nơi dùng phiên bản phongtrao khác nhau, hãy cập nhật cho giống nhau.",
        )
    })?;
    Ok(Opened { manifest, manifest_bytes, signature, encrypted, rest })
}

fn age_error(e: &age::DecryptError) -> Error {
    match e {
        age::DecryptError::NoMatchingKeys => not_for_us(),
        _ => damaged("phần mã hóa bị cắt hoặc bị sửa"),
    }
}

/// One entry of the archive: a plain file's name and size.
struct Entry {
    path: String,
    size: u64,
}

/// A minimal ustar reader over a stream: regular files with plain names only, each 512-byte header
/// checked by its checksum; everything else is refused with what it is.
struct Tar<R> {
    r: R,
    /// Bytes of the current entry (with its padding) not yet read.
    read: u64,
}

fn octal(field: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(field).ok()?;
    let s = s.trim_matches(|c| c == '\0' || c == ' ');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

impl<R: Read> Tar<R> {
    fn block(&mut self) -> Result<Option<[u8; 512]>> {
        let mut b = [0u8; 512];
        let mut got = 0;
        while got < 512 {
            match self.r.read(&mut b[got..]) {
                Ok(0) if got == 0 => return Ok(None),
                Ok(0) => return Err(damaged("tệp bị cắt ngắn")),
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(read_err(e)),
            }
        }
        Ok(Some(b))
    }

    /// The next entry's header (after skipping what is left of the current one), `None` at the end.
    fn next(&mut self) -> Result<Option<Entry>> {
        if self.read > 0 {
            std::io::copy(&mut (&mut self.r).take(self.read), &mut std::io::sink()).map_err(read_err)?;
            self.read = 0;
        }
        let Some(h) = self.block()? else { return Err(damaged("kho tar không có phần kết thúc")) };
        if h.iter().all(|b| *b == 0) {
            return Ok(None);
        }
        let stored = octal(&h[148..156]).ok_or_else(|| damaged("kho tar không đọc được"))?;
        let sum: u64 =
            h.iter().enumerate().map(|(i, b)| if (148..156).contains(&i) { 32 } else { u64::from(*b) }).sum();
        if stored != sum {
            return Err(damaged("kho tar không đọc được"));
        }
        match h[156] {
            b'0' | 0 => {}
            b'1' | b'2' => return Err(forbidden("một liên kết (link) thay cho tệp")),
            b'5' => return Err(forbidden("một thư mục")),
            _ => return Err(forbidden("một mục không phải tệp thường (thiết bị, phần mở rộng tar…)")),
        }
        let name_end = h[..100].iter().position(|b| *b == 0).unwrap_or(100);
        let path = String::from_utf8_lossy(&h[..name_end]).into_owned();
        let prefix_empty = h[345..500].iter().all(|b| *b == 0);
        let plain = !path.is_empty()
            && prefix_empty
            && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            && !path.starts_with('.');
        if !plain {
            return Err(forbidden(&format!("tên tệp không được phép «{}»", crate::text::printable(&path, 60))));
        }
        if h[124] & 0x80 != 0 {
            return Err(too_large("một tệp trong gói quá lớn"));
        }
        let size = octal(&h[124..136]).ok_or_else(|| damaged("kho tar không đọc được"))?;
        self.read = size.div_ceil(512) * 512;
        Ok(Some(Entry { path, size }))
    }

    /// The current entry's data (the caller bounded `size`).
    fn data(&mut self, size: u64) -> Result<Vec<u8>> {
        let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
        (&mut self.r).take(size).read_to_end(&mut data).map_err(read_err)?;
        if data.len() as u64 != size {
            return Err(damaged("một tệp trong gói bị cắt"));
        }
        self.read -= size;
        Ok(data)
    }

    /// After the end-of-archive block: the rest must be padding, and (for an age file) reading to
    /// the end checks the last chunk, so a file cut after the archive is still caught.
    fn finish(&mut self) -> Result<()> {
        let mut buf = [0u8; 8192];
        let mut total = 0u64;
        loop {
            let n = match self.r.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_err(e)),
            };
            total += n as u64;
            if total > 1 << 20 || buf[..n].iter().any(|b| *b != 0) {
                return Err(forbidden("dữ liệu thừa sau phần kết thúc của kho tar"));
            }
        }
    }
}

/// Who to ask for a new bundle of `kind`, as the side reading it says it: a commune's changes are
/// read at the province, the province's bundles at a commune.
pub(crate) fn ask_again(kind: BundleKind) -> &'static str {
    match kind {
        BundleKind::Changes => "Hãy yêu cầu xã xuất lại gói",
        BundleKind::Peer => "Hãy trao đổi lại với máy gửi để có gói mới",
        BundleKind::Invitation => "Hãy nhờ Trưởng Công an xã lập lại lời mời",
        _ => "Hãy yêu cầu Công an tỉnh xuất lại gói",
    }
}

/// The trusted comment the signature of a bundle with manifest `m` carries (what `minisign -V`
/// prints): `phongtrao <kind> <province>-<commune> seq <n> epoch <e>`.
pub fn trusted_comment(m: &Manifest) -> String {
    format!(
        "phongtrao {} {}-{} seq {} epoch {}",
        match m.kind {
            BundleKind::Changes => "changes",
            BundleKind::Receipt => "receipt",
            BundleKind::Reference => "reference",
            BundleKind::Enrollment => "enrollment",
            BundleKind::Peer => "peer",
            BundleKind::Invitation => "invitation",
            BundleKind::Decision => "decision",
        },
        m.province_code,
        m.commune_code,
        m.seq,
        m.epoch
    )
}

impl<'r> Opened<'r> {
    /// The bundle's hash: the SHA-256 of its manifest.
    pub fn hash(&self) -> String {
        sha256_hex(&self.manifest_bytes)
    }

    /// Whether the file was age-encrypted.
    pub fn encrypted(&self) -> bool {
        self.encrypted
    }

    /// The key id the signature names (before checking it).
    pub fn signer_key_id(&self) -> Option<String> {
        crate::crypto::signature_key_id(&self.signature)
    }

    /// Checks the manifest's signature by `key` and that its trusted comment says what the manifest
    /// says, then reads every payload file against the signed manifest (length, SHA-256, nothing
    /// missing, nothing extra).
    pub fn verify(mut self, key: &PublicKey) -> Result<Verified> {
        self.check_signature(key)?;
        let files = self.read_payload(MAX_FILE_BYTES)?;
        self.finish(key, files)
    }

    /// For the province's enrollment bundle, signed by the key it carries: reads the (small) payload,
    /// takes the key from it with `key_of`, then checks as [`Opened::verify`] does.
    pub fn verify_self_signed(self, file: &str, key_of: impl FnOnce(&[u8]) -> Result<PublicKey>) -> Result<Verified> {
        self.verify_self_signed_within(file, MAX_MANIFEST_BYTES, key_of)
    }

    /// As [`Opened::verify_self_signed`], each payload file read within `limit` bytes (a new laptop's
    /// first peer bundle, whose key its own payload names).
    pub fn verify_self_signed_within(
        mut self,
        file: &str,
        limit: u64,
        key_of: impl FnOnce(&[u8]) -> Result<PublicKey>,
    ) -> Result<Verified> {
        let files = self.read_payload(limit)?;
        let key = key_of(files.get(file).ok_or_else(|| damaged(&format!("thiếu tệp {file}")))?)?;
        self.check_signature(&key)?;
        self.finish(&key, files)
    }

    fn check_signature(&self, key: &PublicKey) -> Result<()> {
        if self.manifest.key_id != key.key_id() || key.verify(&self.manifest_bytes, &self.signature).is_err() {
            return Err(Error::bundle(
                "bundle_signature",
                format!(
                    "Chữ ký của {} không hợp lệ với khóa {}: bản kê đã bị sửa sau khi ký, hoặc gói bị làm giả. \
Không nhập gì, dữ liệu không bị thay đổi. {} và chép trực tiếp.",
                    self.manifest.kind.label(),
                    key.key_id(),
                    ask_again(self.manifest.kind)
                ),
            ));
        }
        let comment = crate::crypto::signature_trusted_comment(&self.signature).unwrap_or_default();
        if comment != trusted_comment(&self.manifest) {
            return Err(Error::bundle(
                "bundle_comment",
                format!(
                    "Lời ghi đã ký trong chữ ký («{}») không khớp với bản kê của gói ({} số {}, kỳ {}): người kiểm tra bằng \
minisign sẽ bị đọc sai. Không nhập gì, dữ liệu không bị thay đổi. {} bằng phongtrao.",
                    crate::text::printable(&comment, 80),
                    self.manifest.kind.label(),
                    self.manifest.seq,
                    self.manifest.epoch,
                    ask_again(self.manifest.kind)
                ),
            ));
        }
        Ok(())
    }

    /// Reads the payload entries the manifest lists, each within `limit` and the size the manifest
    /// gives, in one pass over the stream; then the end of the archive.
    fn read_payload(&mut self, limit: u64) -> Result<BTreeMap<String, Vec<u8>>> {
        if self.manifest.files.len() > MAX_FILES {
            return Err(too_large("quá nhiều tệp trong gói"));
        }
        let mut files = BTreeMap::new();
        while let Some(e) = self.rest.next()? {
            if e.path == MANIFEST || e.path == SIGNATURE || files.contains_key(&e.path) {
                return Err(forbidden(&format!("hai tệp cùng tên «{}»", e.path)));
            }
            let Some(listed) = self.manifest.files.iter().find(|f| f.path == e.path) else {
                return Err(Error::bundle(
                    "bundle_hash",
                    format!(
                        "Gói có tệp {} không ghi trong bản kê đã ký: gói đã bị thêm nội dung. Không nhập gì. {}.",
                        e.path,
                        ask_again(self.manifest.kind)
                    ),
                ));
            };
            if e.size > limit || listed.bytes > limit {
                return Err(too_large(&format!("tệp {} quá {} MB", e.path, limit >> 20)));
            }
            if e.size != listed.bytes {
                return Err(hash_mismatch(&e.path, self.manifest.kind));
            }
            let data = self.rest.data(e.size)?;
            files.insert(e.path, data);
        }
        self.rest.finish()?;
        Ok(files)
    }

    fn finish(self, key: &PublicKey, files: BTreeMap<String, Vec<u8>>) -> Result<Verified> {
        for f in &self.manifest.files {
            let ok = files.get(&f.path).is_some_and(|d| d.len() as u64 == f.bytes && sha256_hex(d) == f.sha256);
            if !ok {
                return Err(hash_mismatch(&f.path, self.manifest.kind));
            }
        }
        Ok(Verified {
            hash: sha256_hex(&self.manifest_bytes),
            key_id: key.key_id(),
            encrypted: self.encrypted,
            manifest: self.manifest,
            files,
        })
    }
}

fn hash_mismatch(path: &str, kind: BundleKind) -> Error {
    Error::bundle(
        "bundle_hash",
        format!(
            "Tệp {path} trong gói không khớp với độ dài và mã băm SHA-256 ghi trong bản kê đã ký: gói đã bị sửa hoặc thiếu. \
Không nhập gì, dữ liệu không bị thay đổi. {}.",
            ask_again(kind)
        ),
    )
}

/// The longest a bundle may say it is valid for, by kind: a changes or reference bundle 60 days
/// ([`super::VALID_DAYS`]), a receipt or an enrollment ten years.
pub fn max_validity(kind: BundleKind) -> chrono::Duration {
    match kind {
        BundleKind::Changes | BundleKind::Reference | BundleKind::Peer => chrono::Duration::days(super::VALID_DAYS),
        BundleKind::Invitation => chrono::Duration::days(super::peer::INVITATION_DAYS),
        BundleKind::Receipt | BundleKind::Enrollment | BundleKind::Decision => {
            chrono::Duration::days(super::LONG_VALID_DAYS)
        }
    }
}

/// How far ahead of the reader's clock a bundle's creation time may be (laptop clocks drift).
pub const CLOCK_GRACE_HOURS: i64 = 24;

impl Verified {
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The bundle's hash: the SHA-256 of its manifest.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The key that signed it.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn encrypted(&self) -> bool {
        self.encrypted
    }

    /// A payload file, checked.
    pub fn file(&self, path: &str) -> Result<&[u8]> {
        self.files.get(path).map(Vec::as_slice).ok_or_else(|| {
            Error::bundle(
                "bundle_hash",
                format!(
                    "Bản kê đã ký của gói không ghi tệp {path} mà {} phải có. Không nhập gì, dữ liệu không bị thay đổi. {}.",
                    self.manifest.kind.label(),
                    ask_again(self.manifest.kind)
                ),
            )
        })
    }

    /// Refuses a bundle past its expiry, created too far in the future, or valid for longer than
    /// its kind may be ([`max_validity`]).
    pub fn check_time(&self, now: DateTime<Utc>) -> Result<()> {
        check_time(&self.manifest, now)
    }
}

/// See [`Verified::check_time`].
pub fn check_time(m: &Manifest, now: DateTime<Utc>) -> Result<()> {
    let local = |t: DateTime<Utc>| t.with_timezone(&chrono::Local).format("%d/%m/%Y").to_string();
    let what = crate::text::capitalise(m.kind.label());
    if m.created_at > now + chrono::Duration::hours(CLOCK_GRACE_HOURS) {
        return Err(Error::bundle(
            "bundle_future",
            format!(
                "{what} số {} ghi ngày tạo {}, sau hôm nay ({}): đồng hồ của máy tạo gói bị chỉnh sai, hoặc gói bị làm giả. \
Không nhập gì, dữ liệu không bị thay đổi. Hãy kiểm tra ngày giờ của máy tạo gói; {}.",
                m.seq,
                local(m.created_at),
                local(now),
                ask_again(m.kind).replacen("Hãy y", "y", 1)
            ),
        ));
    }
    if m.expires_at <= m.created_at || m.expires_at - m.created_at > max_validity(m.kind) + chrono::Duration::days(1) {
        return Err(Error::bundle(
            "bundle_validity",
            format!(
                "{what} số {} ghi thời hạn từ {} đến {}, dài hơn mức cho phép ({} ngày): phongtrao không tạo gói như vậy. \
Không nhập gì, dữ liệu không bị thay đổi. {} bằng phongtrao.",
                m.seq,
                local(m.created_at),
                local(m.expires_at),
                max_validity(m.kind).num_days(),
                ask_again(m.kind)
            ),
        ));
    }
    if now > m.expires_at {
        return Err(Error::bundle(
            "bundle_expired",
            format!(
                "{what} số {} đã hết hạn ngày {} (tạo ngày {}). Không nhập gì. {}",
                m.seq,
                local(m.expires_at),
                local(m.created_at),
                match m.kind {
                    BundleKind::Changes => "Hãy yêu cầu xã xuất gói mới rồi chuyển lại.",
                    BundleKind::Peer => "Hãy trao đổi lại với máy gửi: gói mới mang đủ mọi thay đổi.",
                    BundleKind::Invitation => "Hãy nhờ Trưởng Công an xã lập lời mời mới.",
                    _ => "Hãy yêu cầu Công an tỉnh xuất gói mới rồi chuyển lại.",
                }
            ),
        ));
    }
    Ok(())
}

/// zstd-compresses a payload.
pub fn compress(data: &[u8]) -> Result<Vec<u8>> {
    zstd::bulk::compress(data, 3).map_err(|e| Error::io("<zstd>", e))
}

/// Decompresses a payload whole, refusing more than `limit` bytes (small payloads only: receipts
/// and the tests; the province streams a commune's changes with [`lines`]).
pub fn decompress(data: &[u8], limit: u64) -> Result<Vec<u8>> {
    let dec = zstd::stream::read::Decoder::new(data).map_err(|_| damaged("dữ liệu nén không đọc được"))?;
    let mut out = Vec::new();
    dec.take(limit + 1).read_to_end(&mut out).map_err(|_| damaged("dữ liệu nén không đọc được"))?;
    if out.len() as u64 > limit {
        return Err(too_large(&format!("dữ liệu giải nén vượt quá {} MB", limit >> 20)));
    }
    Ok(out)
}

/// One line of a streamed payload.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    Text(String),
    /// A line longer than [`MAX_LINE_BYTES`] (skipped, not kept) or not UTF-8: how long it was.
    TooLong(u64),
    NotText,
}

/// Streams the lines of a zstd payload, never holding more than one line ([`MAX_LINE_BYTES`]), and
/// refusing more than [`MAX_PAYLOAD_BYTES`] in all (a compression bomb).
pub struct Lines<'a> {
    r: std::io::BufReader<zstd::stream::read::Decoder<'a, std::io::BufReader<&'a [u8]>>>,
    total: u64,
    limit: u64,
}

pub fn lines(data: &[u8]) -> Result<Lines<'_>> {
    let dec = zstd::stream::read::Decoder::new(data).map_err(|_| damaged("dữ liệu nén không đọc được"))?;
    let limit = (data.len() as u64).saturating_mul(MAX_RATIO).clamp(MIN_PAYLOAD_LIMIT, MAX_PAYLOAD_BYTES);
    Ok(Lines { r: std::io::BufReader::with_capacity(1 << 16, dec), total: 0, limit })
}

/// A payload may decompress to at most this many times its compressed size (change lines compress
/// about ten times; a compression bomb thousands of times), and never less than
/// [`MIN_PAYLOAD_LIMIT`]: a bomb is stopped after a few megabytes, not a gigabyte.
pub const MAX_RATIO: u64 = 200;
pub const MIN_PAYLOAD_LIMIT: u64 = 16 << 20;

impl Iterator for Lines<'_> {
    type Item = Result<Line>;

    fn next(&mut self) -> Option<Result<Line>> {
        let mut buf = Vec::new();
        let mut len = 0u64;
        loop {
            let chunk = match self.r.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return Some(Err(damaged("dữ liệu nén không đọc được"))),
            };
            if chunk.is_empty() {
                if len == 0 {
                    return None;
                }
                break;
            }
            let (take, end) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let keep = if end { take - 1 } else { take };
            if buf.len() + keep <= MAX_LINE_BYTES {
                buf.extend_from_slice(&chunk[..keep]);
            }
            len += keep as u64;
            self.r.consume(take);
            self.total += take as u64;
            if self.total > self.limit {
                return Some(Err(too_large(&format!(
                    "dữ liệu nén giải ra hơn {} MB, gấp hơn {MAX_RATIO} lần cỡ nén (một «quả bom nén»)",
                    self.limit >> 20
                ))));
            }
            if end {
                break;
            }
        }
        if len > MAX_LINE_BYTES as u64 {
            return Some(Ok(Line::TooLong(len)));
        }
        Some(Ok(String::from_utf8(buf).map_or(Line::NotText, Line::Text)))
    }
}

//! Hashes, signing keys in the standard minisign format, and the age X25519 identities bundles are
//! encrypted to. The store makes and keeps the keys (encrypted); `crate::sync` signs, encrypts and checks
//! bundles with them.
//!
//! An installation's (and the province's) signing key is an Ed25519 key kept as minisign's own text
//! files: the public key is exactly what `minisign -V -p FILE` reads, the secret key is minisign's
//! secret-key file without a password (it is only ever stored inside an encrypted store).

use base64::Engine;
use blake2::Blake2b512;
use blake2::Blake2bVar;
use blake2::digest::{Update, VariableOutput};
use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Lower-case hexadecimal digits of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes` as 64 lower-case hexadecimal digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A minisign key pair as the two texts of minisign's key files.
#[derive(Clone)]
pub struct SigningKey {
    /// minisign's `.pub` file text.
    pub public: String,
    /// minisign's secret-key file text (no password: the store that keeps it is encrypted).
    pub secret: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("public", &self.public).finish_non_exhaustive()
    }
}

fn bad_key(what: &str) -> Error {
    Error::Refused(format!(
        "{what} không phải là khóa minisign hợp lệ. Hãy lấy lại tệp khóa công khai (.pub) do phongtrao xuất ra."
    ))
}

impl SigningKey {
    pub fn generate() -> Result<SigningKey> {
        let kp = minisign::KeyPair::generate_unencrypted_keypair()
            .map_err(|e| Error::Refused(format!("Không tạo được khóa ký: {e}")))?;
        let public = kp.pk.to_box().map_err(|_| bad_key("Khóa công khai"))?.into_string();
        let secret = kp
            .sk
            .to_box(Some("phongtrao secret key (kept inside the encrypted store)"))
            .map_err(|_| bad_key("Khóa bí mật"))?
            .into_string();
        Ok(SigningKey { public, secret })
    }

    pub fn public_key(&self) -> Result<PublicKey> {
        PublicKey::parse(&self.public)
    }

    /// A minisign signature (`.minisig` file text) of `data`, with `trusted` as its trusted comment:
    /// minisign's prehashed form ("ED": Ed25519 over the BLAKE2b-512 of the data, then over the
    /// signature and the trusted comment), as `minisign -S -H` writes it.
    pub fn sign(&self, data: &[u8], trusted: &str) -> Result<String> {
        let (keynum, key) = self.ed25519()?;
        let sig = key.sign(&prehash(data)).to_bytes();
        let mut signed_comment = sig.to_vec();
        signed_comment.extend_from_slice(trusted.as_bytes());
        let global = key.sign(&signed_comment).to_bytes();
        let mut line = Vec::with_capacity(SIG_LINE_BYTES);
        line.extend_from_slice(SIGALG_PREHASHED);
        line.extend_from_slice(&keynum);
        line.extend_from_slice(&sig);
        Ok(format!(
            "{UNTRUSTED_PREFIX}phongtrao bundle signature\n{}\n{TRUSTED_PREFIX}{trusted}\n{}\n",
            B64.encode(line),
            B64.encode(global)
        ))
    }

    /// The key id and the Ed25519 key of minisign's secret-key text (unencrypted), its checksum and
    /// its public half checked.
    fn ed25519(&self) -> Result<([u8; 8], ed25519_dalek::SigningKey)> {
        let bad = || bad_key("Khóa bí mật lưu trong kho");
        let line = self.secret.lines().nth(1).ok_or_else(bad)?;
        let b = B64.decode(line.trim()).map_err(|_| bad())?;
        // sig_alg(2) kdf_alg(2) chk_alg(2) salt(32) opslimit(8) memlimit(8) keynum(8) sk(64) chk(32)
        if b.len() != 158 || &b[..2] != b"Ed" || b[2..4] != [0, 0] || &b[4..6] != b"B2" {
            return Err(bad());
        }
        let (keynum, sk, chk) = (&b[54..62], &b[62..126], &b[126..158]);
        let mut h = Blake2bVar::new(32).map_err(|_| bad())?;
        h.update(b"Ed");
        h.update(keynum);
        h.update(sk);
        let mut sum = [0u8; 32];
        h.finalize_variable(&mut sum).map_err(|_| bad())?;
        let seed: [u8; 32] = sk[..32].try_into().map_err(|_| bad())?;
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        if sum != chk || key.verifying_key().as_bytes() != &sk[32..] {
            return Err(bad());
        }
        Ok((keynum.try_into().map_err(|_| bad())?, key))
    }
}

/// A minisign public key.
#[derive(Clone)]
pub struct PublicKey {
    inner: minisign::PublicKey,
    /// The same key for checking signatures.
    ed: ed25519_dalek::VerifyingKey,
    text: String,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.key_id())
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        self.inner.to_bytes() == other.inner.to_bytes()
    }
}

impl PublicKey {
    /// Parses a minisign `.pub` file's text (or its bare base64 line).
    pub fn parse(text: &str) -> Result<PublicKey> {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .ok_or_else(|| bad_key("Tệp"))?;
        let inner = minisign::PublicKey::from_base64(line).map_err(|_| bad_key("Tệp"))?;
        let text = inner.to_box().map_err(|_| bad_key("Tệp"))?.into_string();
        // sig_alg(2) keynum(8) pk(32)
        let bytes = inner.to_bytes();
        let pk: [u8; 32] = bytes.get(10..42).and_then(|b| b.try_into().ok()).ok_or_else(|| bad_key("Tệp"))?;
        let ed = ed25519_dalek::VerifyingKey::from_bytes(&pk).map_err(|_| bad_key("Tệp"))?;
        Ok(PublicKey { inner, ed, text })
    }

    /// The `.pub` file text, as minisign writes it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// minisign's key id: 16 hexadecimal digits, as `minisign` prints it.
    pub fn key_id(&self) -> String {
        let b = self.inner.to_bytes();
        let mut id = [0u8; 8];
        id.copy_from_slice(&b[2..10]);
        format!("{:016X}", u64::from_le_bytes(id))
    }

    /// A fingerprint to read aloud or compare with the printed registration form: 8 groups of 5
    /// digits from the SHA-256 of the key. Digits only, so it reads aloud the same in any language.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.inner.to_bytes())
    }

    /// Checks a minisign signature (`.minisig` text) of `data` made by this key: its prehashed form
    /// only (minisign's legacy form is refused, as `minisign -V` does by default), the signature of
    /// the data and that of its trusted comment.
    pub fn verify(&self, data: &[u8], signature: &str) -> std::result::Result<(), String> {
        let sig = Minisig::parse(signature)?;
        if sig.alg != *SIGALG_PREHASHED {
            return Err("chữ ký dạng cũ (không băm trước) không được chấp nhận".into());
        }
        if sig.keynum != self.inner.keynum() {
            return Err(format!("chữ ký làm bằng khóa {}, không phải khóa {}", sig.key_id(), self.key_id()));
        }
        let check = |msg: &[u8], s: &[u8; 64]| self.ed.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(s));
        check(&prehash(data), &sig.sig).map_err(|_| "chữ ký không khớp với dữ liệu".to_owned())?;
        let mut signed_comment = sig.sig.to_vec();
        signed_comment.extend_from_slice(sig.trusted.as_bytes());
        check(&signed_comment, &sig.global).map_err(|_| "chữ ký của lời ghi đã ký không khớp".to_owned())
    }
}

/// The key id a signature says it was made with (16 hex digits), without checking it.
pub fn signature_key_id(signature: &str) -> Option<String> {
    Minisig::parse(signature).ok().map(|s| s.key_id())
}

/// The trusted comment of a signature (what `minisign -V` prints after "Trusted comment:"), unchecked.
pub fn signature_trusted_comment(signature: &str) -> Option<String> {
    Minisig::parse(signature).ok().map(|s| s.trusted)
}

const UNTRUSTED_PREFIX: &str = "untrusted comment: ";
const TRUSTED_PREFIX: &str = "trusted comment: ";
/// minisign's signature algorithm of a prehashed signature (BLAKE2b-512 of the data, then Ed25519).
const SIGALG_PREHASHED: &[u8; 2] = b"ED";
/// The signature line's bytes: algorithm, key number, signature.
const SIG_LINE_BYTES: usize = 2 + 8 + 64;
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What a signature is made over in minisign's prehashed form.
fn prehash(data: &[u8]) -> [u8; 64] {
    Blake2b512::digest(data).into()
}

/// A `.minisig` text read as minisign reads it (four lines; the trusted comment trimmed), unchecked.
struct Minisig {
    alg: [u8; 2],
    keynum: [u8; 8],
    sig: [u8; 64],
    trusted: String,
    global: [u8; 64],
}

impl Minisig {
    fn parse(text: &str) -> std::result::Result<Minisig, String> {
        let bad = |what: &str| format!("chữ ký không đọc được ({what})");
        let mut lines = text.lines();
        let mut next = |what: &str| lines.next().ok_or_else(|| bad(what));
        let untrusted = next("thiếu lời ghi")?;
        let line = next("thiếu chữ ký")?;
        let trusted = next("thiếu lời ghi đã ký")?;
        let global = next("thiếu chữ ký của lời ghi")?;
        if !untrusted.starts_with(UNTRUSTED_PREFIX) {
            return Err(bad("lời ghi"));
        }
        let line = B64.decode(line.trim()).map_err(|_| bad("chữ ký"))?;
        let trusted = trusted.strip_prefix(TRUSTED_PREFIX).ok_or_else(|| bad("lời ghi đã ký"))?;
        let global = B64.decode(global.trim()).map_err(|_| bad("chữ ký của lời ghi"))?;
        if line.len() != SIG_LINE_BYTES || global.len() != 64 {
            return Err(bad("độ dài"));
        }
        let part = |r: std::ops::Range<usize>| line[r].to_vec();
        Ok(Minisig {
            alg: [line[0], line[1]],
            keynum: part(2..10).try_into().map_err(|_| bad("mã khóa"))?,
            sig: part(10..74).try_into().map_err(|_| bad("chữ ký"))?,
            trusted: trusted.trim().to_owned(),
            global: global.try_into().map_err(|_| bad("chữ ký của lời ghi"))?,
        })
    }

    fn key_id(&self) -> String {
        format!("{:016X}", u64::from_le_bytes(self.keynum))
    }
}

/// Eight groups of five decimal digits from the SHA-256 of `bytes` (40 digits, 132 bits).
pub fn fingerprint(bytes: &[u8]) -> String {
    let h = Sha256::digest(bytes);
    h.chunks(4)
        .take(8)
        .map(|c| format!("{:05}", u32::from_be_bytes([c[0], c[1], c[2], c[3]]) % 100_000))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An age X25519 identity (secret) as its `AGE-SECRET-KEY-1…` text.
pub fn new_age_identity() -> (String, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    (id.to_string().expose_secret().to_owned(), id.to_public().to_string())
}

pub fn parse_age_identity(text: &str) -> Result<age::x25519::Identity> {
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| Error::Refused("Khóa giải mã (age) không hợp lệ.".into()))
}

pub fn parse_age_recipient(text: &str) -> Result<age::x25519::Recipient> {
    text.trim()
        .parse()
        .map_err(|_| Error::Refused(format!("«{}» không phải là khóa nhận age hợp lệ (age1…).", text.trim())))
}

/// 32 random bytes from the operating system, as 64 hex digits (a one-time invitation token).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    chacha20poly1305::aead::rand_core::RngCore::fill_bytes(&mut chacha20poly1305::aead::OsRng, &mut b);
    hex(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_its_key_only() {
        let a = SigningKey::generate().unwrap();
        let b = SigningKey::generate().unwrap();
        let sig = a.sign(b"du lieu", "phongtrao").unwrap();
        let pa = a.public_key().unwrap();
        assert!(pa.verify(b"du lieu", &sig).is_ok());
        assert!(pa.verify(b"du liet", &sig).is_err());
        assert!(b.public_key().unwrap().verify(b"du lieu", &sig).is_err());
        assert_eq!(signature_key_id(&sig).unwrap(), pa.key_id());
        assert!(a.public.contains(&pa.key_id()), "the .pub comment names the key id");
        assert_eq!(PublicKey::parse(&a.public).unwrap(), pa);
        let fp = pa.fingerprint();
        assert_eq!(fp.len(), 8 * 5 + 7);
        assert_ne!(fp, b.public_key().unwrap().fingerprint());
    }

    /// Our signatures are minisign's own format: the minisign crate checks ours, we check its, and
    /// a changed trusted comment, a legacy (not prehashed) signature or another key's are refused.
    #[test]
    fn signatures_are_minisigns_both_ways() {
        use std::io::Cursor;
        let a = SigningKey::generate().unwrap();
        let pk = minisign::PublicKey::from_base64(a.public.lines().nth(1).unwrap()).unwrap();
        let ours = a.sign(b"goi du lieu", "phongtrao changes 7").unwrap();
        let boxed = minisign::SignatureBox::from_string(&ours).unwrap();
        assert!(boxed.is_prehashed());
        assert_eq!(boxed.trusted_comment().unwrap(), "phongtrao changes 7");
        minisign::verify(&pk, &boxed, Cursor::new(b"goi du lieu"), true, false, false).unwrap();
        assert!(minisign::verify(&pk, &boxed, Cursor::new(b"goi du liet"), true, false, false).is_err());

        let sk =
            minisign::SecretKey::from_unencrypted_box(minisign::SecretKeyBox::from_string(&a.secret).unwrap()).unwrap();
        let theirs = minisign::sign(None, &sk, Cursor::new(b"goi du lieu"), Some("phongtrao changes 8"), None)
            .unwrap()
            .into_string();
        let pa = a.public_key().unwrap();
        pa.verify(b"goi du lieu", &theirs).unwrap();
        assert_eq!(signature_trusted_comment(&theirs).unwrap(), "phongtrao changes 8");
        assert!(pa.verify(b"goi du liet", &theirs).is_err());
        let forged = ours.replace("phongtrao changes 7", "phongtrao changes 9");
        assert!(pa.verify(b"goi du lieu", &forged).unwrap_err().contains("lời ghi"));
        // The same signature marked legacy ("Ed": Ed25519 over the data itself).
        let mut lines: Vec<String> = ours.lines().map(str::to_owned).collect();
        let mut raw = B64.decode(&lines[1]).unwrap();
        raw[1] = b'd';
        lines[1] = B64.encode(raw);
        assert!(pa.verify(b"goi du lieu", &lines.join("\n")).unwrap_err().contains("dạng cũ"));
        assert!(pa.verify(b"goi du lieu", "untrusted comment: x\nkhông phải base64\n").is_err());
        let b = SigningKey::generate().unwrap();
        assert!(b.public_key().unwrap().verify(b"goi du lieu", &ours).unwrap_err().contains(&pa.key_id()));
        // A secret key whose text was damaged is refused, never used.
        let mut damaged: Vec<String> = a.secret.lines().map(str::to_owned).collect();
        let mut raw = B64.decode(&damaged[1]).unwrap();
        raw[100] ^= 1;
        damaged[1] = B64.encode(raw);
        let damaged = SigningKey { public: a.public.clone(), secret: damaged.join("\n") };
        assert!(damaged.sign(b"x", "y").is_err());
    }

    #[test]
    fn age_identities_round_trip() {
        let (secret, public) = new_age_identity();
        let id = parse_age_identity(&secret).unwrap();
        assert_eq!(id.to_public().to_string(), public);
        assert!(parse_age_recipient(&public).is_ok());
        assert!(parse_age_recipient("age1xyz").is_err());
    }
}

//! Hashes, signing keys in the standard minisign format, and the age X25519 identities bundles are
//! encrypted to. The store makes and keeps the keys (encrypted); `crate::sync` signs, encrypts and checks
//! bundles with them.
//!
//! An installation's (and the province's) signing key is an Ed25519 key kept as minisign's own text
//! files: the public key is exactly what `minisign -V -p FILE` reads, the secret key is minisign's
//! secret-key file without a password (it is only ever stored inside an encrypted store).

use std::io::Cursor;

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

    /// A minisign signature (`.minisig` file text) of `data`, with `trusted` as its trusted comment.
    pub fn sign(&self, data: &[u8], trusted: &str) -> Result<String> {
        let sk = minisign::SecretKeyBox::from_string(&self.secret)
            .and_then(minisign::SecretKey::from_unencrypted_box)
            .map_err(|_| bad_key("Khóa bí mật lưu trong kho"))?;
        let sig = minisign::sign(None, &sk, Cursor::new(data), Some(trusted), Some("phongtrao bundle signature"))
            .map_err(|e| Error::Refused(format!("Không ký được: {e}")))?;
        Ok(sig.into_string())
    }
}

/// A minisign public key.
#[derive(Clone)]
pub struct PublicKey {
    inner: minisign::PublicKey,
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
        Ok(PublicKey { inner, text })
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

    /// Checks a minisign signature (`.minisig` text) of `data` made by this key.
    pub fn verify(&self, data: &[u8], signature: &str) -> std::result::Result<(), String> {
        let sig = minisign::SignatureBox::from_string(signature).map_err(|e| e.to_string())?;
        minisign::verify(&self.inner, &sig, Cursor::new(data), true, false, false).map_err(|e| e.to_string())
    }
}

/// The key id a signature says it was made with (16 hex digits), without checking it.
pub fn signature_key_id(signature: &str) -> Option<String> {
    let sig = minisign::SignatureBox::from_string(signature).ok()?;
    let k = sig.keynum();
    let mut id = [0u8; 8];
    id.copy_from_slice(k.get(..8)?);
    Some(format!("{:016X}", u64::from_le_bytes(id)))
}

/// The trusted comment of a signature (what `minisign -V` prints after "Trusted comment:"), unchecked.
pub fn signature_trusted_comment(signature: &str) -> Option<String> {
    minisign::SignatureBox::from_string(signature).ok()?.trusted_comment().ok()
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

    #[test]
    fn age_identities_round_trip() {
        let (secret, public) = new_age_identity();
        let id = parse_age_identity(&secret).unwrap();
        assert_eq!(id.to_public().to_string(), public);
        assert!(parse_age_recipient(&public).is_ok());
        assert!(parse_age_recipient("age1xyz").is_err());
    }
}

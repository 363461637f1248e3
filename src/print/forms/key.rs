//! The installation's key-registration form: the public key that signs its sync bundles, with its
//! fingerprint, to be signed and sealed on paper and sent to the province.

use base64::Engine;

use super::{Agency, Issue, line};
use crate::print::model::{Align, Column, Document, LabeledLine, Paragraph, Table, Title};

/// The key as the form prints it. Built by the signing-key module, or read from a minisign `.pub`
/// file with [`from_minisign_pub`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyInput {
    /// Key id (`4F1A…`, 16 hex digits).
    pub key_id: String,
    /// The fingerprint as read aloud and compared by hand: the one `phongtrao key show`, the sync
    /// page and the province's `register` show ([`crate::crypto::fingerprint`], docs/SYNC.md).
    pub fingerprint: String,
    /// The public key as text (minisign's base64 line).
    pub public_key: String,
}

/// What the key-registration form shows. Empty values print as dotted lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyRegistration {
    /// "Xã Ia Đal".
    pub commune: String,
    /// Commune code (5 digits).
    pub commune_code: String,
    /// "Gia Lai".
    pub province: String,
    /// The installation id.
    pub installation_id: String,
    /// The officer who manages the installation.
    pub officer: String,
    pub key: KeyInput,
    /// The key id of the key this one replaces (after `key rotate`); empty for a first key.
    pub replaces: String,
}

/// Reads a minisign public key file: line 1 a comment, line 2 base64 of 42 bytes: the algorithm
/// ("Ed"), the key id (8 bytes, little-endian) and the Ed25519 key (32 bytes). The key id prints
/// as 16 upper-case hex digits (the number, most significant first, as minisign shows it); the
/// fingerprint is [`crate::crypto::fingerprint`] of the 42 bytes, as the sync code shows it.
pub fn from_minisign_pub(text: &str) -> Result<KeyInput, String> {
    let line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .find(|l| !l.starts_with("untrusted comment:"))
        .ok_or("tệp khóa không có dòng khóa (dòng thứ hai của tệp .pub)")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(line)
        .map_err(|_| "dòng khóa không phải base64 hợp lệ".to_owned())?;
    if bytes.len() != 42 || &bytes[..2] != b"Ed" {
        return Err(format!(
            "dòng khóa phải gồm 42 byte bắt đầu bằng «Ed» (khóa Ed25519 của minisign), đang có {} byte",
            bytes.len()
        ));
    }
    let id = u64::from_le_bytes(bytes[2..10].try_into().expect("8 bytes"));
    Ok(KeyInput {
        key_id: format!("{id:016X}"),
        fingerprint: crate::crypto::fingerprint(&bytes),
        public_key: line.to_owned(),
    })
}

impl KeyRegistration {
    /// The blank form.
    pub fn blank() -> Self {
        KeyRegistration::default()
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let fp = self.key.fingerprint.clone();
        let mut doc = Document::new("Phiếu đăng ký khóa công khai của bản cài đặt")
            .with(issue.header(agency, true))
            .with(
                Title::new("Phiếu đăng ký")
                    .subject("Khóa công khai của bản cài đặt phần mềm\nphong trào toàn dân bảo vệ an ninh Tổ quốc"),
            )
            .with(Paragraph::new(format!("Kính gửi: {}.", agency.parent)).centered())
            .with(line("Đơn vị", &self.commune_unit(agency)))
            .with(line("Mã đơn vị hành chính", &self.commune_code))
            .with(line("Mã bản cài đặt", &self.installation_id))
            .with(line("Cán bộ quản lý bản cài đặt", &self.officer))
            .with(line("Mã khóa (key id)", &self.key.key_id));
        if !self.replaces.trim().is_empty() {
            doc.push(line("Thay khóa cũ (đề nghị thu hồi)", &self.replaces));
        }
        if fp.trim().is_empty() {
            doc.push(LabeledLine::dotted("Dấu vân tay SHA-256 của khóa"));
            doc.push(LabeledLine::dotted(""));
        } else {
            doc.push(LabeledLine::heading("Dấu vân tay SHA-256 của khóa"));
            doc.push(Paragraph::new(fp).bold().centered());
        }
        if self.key.public_key.trim().is_empty() {
            doc.push(LabeledLine::dotted("Khóa công khai"));
            doc.push(LabeledLine::dotted(""));
        } else {
            doc.push(LabeledLine::heading("Khóa công khai"));
            doc.push(Paragraph::new(self.key.public_key.trim()).centered());
        }
        doc.push(Paragraph::new(format!(
            "{} đề nghị {} đăng ký khóa công khai trên để xác thực các gói dữ liệu do bản cài đặt này gửi lên. Khi nhận gói dữ liệu, cán bộ tiếp nhận đối chiếu mã khóa và từng nhóm của dấu vân tay với phiếu này; nếu khác, không nhập gói dữ liệu và báo lại cho đơn vị.",
            agency.police_name(),
            agency.parent
        )).end_mark());
        // The signature and seal boxes.
        doc.push(
            Table::new(vec![
                Column::new("Cán bộ quản lý bản cài đặt\n(Ký, ghi rõ họ tên)", 1.0, Align::Center),
                Column::new("Trưởng Công an xã\n(Ký tên, đóng dấu)", 1.0, Align::Center),
            ])
            // Less room to sign in when the key replaces another: the form stays on one page even
            // when the public key's line wraps.
            .row(if self.replaces.trim().is_empty() {
                [format!("\n\n\n\n\n\n{}", self.officer.trim()), "\n\n\n\n\n\n".to_owned()]
            } else {
                [format!("\n\n\n\n{}", self.officer.trim()), "\n\n\n\n".to_owned()]
            }),
        );
        doc.push(Paragraph::new("Phần xác nhận của Công an tỉnh:").bold().indent_mm(0.0).keep_with_next());
        doc.push(
            Table::new(vec![
                Column::new("Ngày tiếp nhận, đăng ký", 1.0, Align::Center),
                Column::new("Cán bộ tiếp nhận\n(Ký, ghi rõ họ tên, đóng dấu)", 1.0, Align::Center),
            ])
            .row(["\n\n\n\n\n".to_owned(), String::new()]),
        );
        doc
    }

    fn commune_unit(&self, agency: &Agency) -> String {
        if self.commune.trim().is_empty() { String::new() } else { agency.police_name() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minisign_key_gives_its_id_and_fingerprint() {
        let mut raw = b"Ed".to_vec();
        raw.extend_from_slice(&[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
        // A point of the curve (the base point): minisign keys always are one.
        raw.push(0x58);
        raw.extend_from_slice(&[0x66; 31]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
        let k =
            from_minisign_pub(&format!("untrusted comment: minisign public key 0807060504030201\n{b64}\n")).unwrap();
        assert_eq!(k.key_id, "0807060504030201");
        assert_eq!(k.public_key, b64);
        // The fingerprint the sync code shows for the same key (key show, the province's register).
        assert_eq!(k.fingerprint, crate::crypto::PublicKey::parse(&b64).unwrap().fingerprint());
        assert_eq!(k.fingerprint.split(' ').map(str::len).collect::<Vec<_>>(), [5; 8]);
        assert!(from_minisign_pub("untrusted comment: x\nAAAA\n").unwrap_err().contains("42 byte"));
        assert!(from_minisign_pub("untrusted comment: x\n%%%\n").is_err());
    }
}

//! The forms the app prints: a registry ([`FORMS`]) and, for each form, a plain input struct whose
//! `document` method builds the [`Document`](super::Document). Every input struct has a `blank()`
//! variant (empty values print as dotted lines for handwriting), so a form can be printed before the
//! records it is filled from exist. Filling the structs from the store is in [`super::fill`].

mod activity;
mod certification;
mod inspection;
mod key;
mod meeting;
mod plan;
mod report;
mod team;

use chrono::{NaiveDate, NaiveDateTime, Timelike};

pub use activity::{EventKind, EventPlan, Invitation, ReceivedItem, WeaponReceipt};
pub use certification::{
    CertReport, Certificate, CommuneCriterion, KindRow, Pledge, RecognitionDecision, ReportUnit, ReviewMinutes,
    ScoreRow, SelfScore, Submission, SubmittedUnit,
};
pub use inspection::{InspectionReport, RemedyItem, RemedyTable};
pub use key::{KeyInput, KeyRegistration, from_minisign_pub};
pub use meeting::{MeetingMinutes, Votes};
pub use plan::{PlanTarget, YearPlan};
pub use report::{Figure, ModelRow, QuarterRow, YearReport};
pub use team::{TeamDecision, TeamMember};

use super::format::date_words;
use super::model::{Header, LabeledLine, Paragraph, Recipients, Signatures, Signer, Table};

/// What a form is filled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A `meeting` record.
    Meeting,
    /// An `activity` record of one of these categories.
    Activity(&'static [&'static str]),
    /// A `team` record and its members.
    Team,
    /// The store's figures for a year.
    Year,
    /// A `plan` record (the commune's plan and targets for a year).
    Plan,
    /// The installation's public key (a minisign `.pub` file for now).
    Key,
    /// Certification records ("An toàn về ANTT"): a unit's (`--id`, with `--year`) or the
    /// commune's documents of a year (`--year`).
    Certification,
    /// An `inspection` record and its remediation tasks.
    Inspection,
    /// The remediation tasks with their state: of one inspection (`--id`) or of all.
    Remedies,
}

/// Who issues a form, which decides its header and whether the commune police number it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issuer {
    /// Công an xã: numbered from the store's register (`05/BB-CAX`).
    Police,
    /// Ủy ban nhân dân xã: drafted by the police for the chairman to sign; the UBND's registry gives
    /// the number, so the app prints "Số: ……/QĐ-UBND" and takes none.
    Committee,
    /// The khu dân cư, agency or school itself (pledge, self-scoring sheet): no number.
    Unit,
}

/// One printable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormSpec {
    /// The name passed to `phongtrao print` (`bien-ban-hop`).
    pub name: &'static str,
    /// The Vietnamese title.
    pub title: &'static str,
    /// The symbol before the agency's (`BB` in `05/BB-CAX`); `None` for forms without "Số".
    pub symbol: Option<&'static str>,
    pub issuer: Issuer,
    pub source: Source,
}

impl FormSpec {
    /// The numbering series: `BB-CAX` for the police of a xã; `None` when the police take no number.
    pub fn series(&self, agency: &Agency) -> Option<String> {
        match self.symbol {
            Some(s) if self.numbered() => Some(format!("{s}-{}", agency.short)),
            _ => None,
        }
    }

    /// Whether printing it (filled, not blank) takes the next number of the commune police's register.
    pub fn numbered(&self) -> bool {
        self.issuer == Issuer::Police && self.symbol.is_some()
    }

    /// The "Số" text of an unnumbered or blank document: `……/BB-CAX`, `……/QĐ-UBND`; `None` without "Số".
    pub fn blank_number(&self, agency: &Agency) -> Option<String> {
        let s = self.symbol?;
        Some(match self.issuer {
            Issuer::Committee => format!("……/{s}-UBND"),
            _ => format!("……/{s}-{}", agency.short),
        })
    }
}

const PROPAGANDA_OR_FESTIVAL: &[&str] = &["tuyen_truyen", "ngay_hoi"];

/// Every form, in the order `phongtrao print --list` shows them.
pub const FORMS: &[FormSpec] = &[
    FormSpec {
        name: "bien-ban-hop",
        title: "Biên bản họp (Mẫu 1.9), kể cả biên bản bình xét",
        symbol: Some("BB"),
        issuer: Issuer::Police,
        source: Source::Meeting,
    },
    FormSpec {
        name: "ke-hoach",
        title: "Kế hoạch tổ chức tuyên truyền, Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        symbol: Some("KH"),
        issuer: Issuer::Police,
        source: Source::Activity(PROPAGANDA_OR_FESTIVAL),
    },
    FormSpec {
        name: "giay-moi",
        title: "Giấy mời dự buổi tuyên truyền, Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        symbol: Some("GM"),
        issuer: Issuer::Police,
        source: Source::Activity(PROPAGANDA_OR_FESTIVAL),
    },
    FormSpec {
        name: "bien-ban-tiep-nhan",
        title: "Biên bản tiếp nhận vũ khí, vật liệu nổ, công cụ hỗ trợ",
        symbol: Some("BB"),
        issuer: Issuer::Police,
        source: Source::Activity(&["thu_hoi_vu_khi"]),
    },
    FormSpec {
        name: "quyet-dinh-thanh-lap-to",
        title: "Quyết định thành lập Tổ bảo vệ an ninh, trật tự và phân công tổ viên",
        symbol: Some("QĐ"),
        issuer: Issuer::Committee,
        source: Source::Team,
    },
    FormSpec {
        name: "ke-hoach-nam",
        title: "Kế hoạch thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm (chỉ tiêu năm)",
        symbol: Some("KH"),
        issuer: Issuer::Police,
        source: Source::Plan,
    },
    FormSpec {
        name: "bao-cao-ket-qua",
        title: "Báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc trong năm",
        symbol: Some("BC"),
        issuer: Issuer::Police,
        source: Source::Year,
    },
    FormSpec {
        name: "dang-ky-khoa",
        title: "Phiếu đăng ký khóa công khai của bản cài đặt",
        symbol: None,
        issuer: Issuer::Police,
        source: Source::Key,
    },
    FormSpec {
        name: "dang-ky-phan-dau",
        title: "Bản đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” và danh sách hộ ký cam kết",
        symbol: None,
        issuer: Issuer::Unit,
        source: Source::Certification,
    },
    FormSpec {
        name: "tu-cham-diem",
        title: "Bảng tự chấm điểm “An toàn về an ninh, trật tự”",
        symbol: None,
        issuer: Issuer::Unit,
        source: Source::Certification,
    },
    FormSpec {
        name: "bien-ban-binh-xet",
        title: "Biên bản họp bình xét “An toàn về an ninh, trật tự”",
        symbol: None,
        issuer: Issuer::Unit,
        source: Source::Certification,
    },
    FormSpec {
        name: "to-trinh",
        title: "Tờ trình đề nghị công nhận “An toàn về an ninh, trật tự”",
        symbol: Some("TTr"),
        issuer: Issuer::Police,
        source: Source::Certification,
    },
    FormSpec {
        name: "bao-cao-ket-qua-cong-nhan",
        title: "Báo cáo kết quả xây dựng, xét công nhận “An toàn về an ninh, trật tự” trong năm",
        symbol: Some("BC"),
        issuer: Issuer::Police,
        source: Source::Certification,
    },
    FormSpec {
        name: "quyet-dinh-cong-nhan",
        title: "Quyết định công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        symbol: Some("QĐ"),
        issuer: Issuer::Committee,
        source: Source::Certification,
    },
    FormSpec {
        name: "giay-cong-nhan",
        title: "Giấy công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
        symbol: None,
        issuer: Issuer::Committee,
        source: Source::Certification,
    },
    FormSpec {
        name: "bien-ban-kiem-tra",
        title: "Biên bản kiểm tra công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc",
        symbol: Some("BB"),
        issuer: Issuer::Police,
        source: Source::Inspection,
    },
    FormSpec {
        name: "thong-bao-ket-luan-kiem-tra",
        title: "Thông báo kết luận kiểm tra",
        symbol: Some("TB"),
        issuer: Issuer::Police,
        source: Source::Inspection,
    },
    FormSpec {
        name: "danh-sach-khac-phuc",
        title: "Danh sách nhiệm vụ khắc phục sau kiểm tra và tình trạng thực hiện",
        symbol: None,
        issuer: Issuer::Police,
        source: Source::Remedies,
    },
];

/// The form named `name` (case and surrounding spaces ignored).
pub fn find(name: &str) -> Option<&'static FormSpec> {
    let name = name.trim().to_lowercase();
    FORMS.iter().find(|f| f.name == name)
}

/// The agencies in a header, the place in the date line and the agency's short symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Parent agency ("Công an tỉnh Gia Lai"); empty for none.
    pub parent: String,
    /// Issuing agency ("Công an xã Ia Đal"); a `\n` breaks the line there.
    pub issuing: String,
    /// The place of the date line ("Ia Đal").
    pub place: String,
    /// The agency's symbol after the document symbol ("CAX", "CAP", "CAĐK").
    pub short: String,
    /// The commune as it reads in a sentence ("xã Ia Đal").
    pub commune: String,
    /// "xã", "phường" or "đặc khu".
    pub kind: String,
    /// The head of the commune police, who signs the police's documents; empty to write by hand.
    pub chief: String,
}

/// ("xã", "Ia Đal") from "Xã Ia Đal", "phường Hòa Cường", "Đặc khu Lý Sơn" or a bare "Ia Đal" (a xã):
/// the same kind and name as the window's "Công an xã Ia Đal" (`units::police_name`).
fn split_commune(commune: &str) -> (&'static str, String) {
    let (kind, name) = crate::units::CommuneKind::split(commune);
    (kind.word(), name.to_owned())
}

/// "tỉnh Gia Lai" or "thành phố Huế" from "Gia Lai", "Tỉnh Gia Lai", "Huế" (the official list's kind).
fn province_words(province: &str) -> String {
    crate::units::province_in_sentence(province)
}

impl Agency {
    /// The commune police: "Công an tỉnh …" over "Công an xã …".
    pub fn police(province: &str, commune: &str) -> Agency {
        let (kind, name) = split_commune(commune);
        let short = crate::units::CommuneKind::split(commune).0.police_short();
        Agency {
            parent: format!("Công an {}", province_words(province)),
            issuing: format!("Công an {kind} {name}"),
            place: name.clone(),
            short: short.to_owned(),
            commune: format!("{kind} {name}"),
            kind: kind.to_owned(),
            chief: String::new(),
        }
    }

    /// The commune's People's Committee (no parent agency in the header).
    pub fn committee(commune: &str) -> Agency {
        let (kind, name) = split_commune(commune);
        Agency {
            parent: String::new(),
            issuing: format!("Ủy ban nhân dân\n{kind} {name}"),
            place: name.clone(),
            short: "UBND".to_owned(),
            commune: format!("{kind} {name}"),
            kind: kind.to_owned(),
            chief: String::new(),
        }
    }

    /// A khu dân cư or unit under the commune's People's Committee.
    pub fn unit(commune: &str, unit: &str) -> Agency {
        let c = Agency::committee(commune);
        Agency {
            parent: format!("Ủy ban nhân dân\n{}", c.commune),
            issuing: if unit.trim().is_empty() {
                "……………………".to_owned()
            } else {
                unit.trim().to_owned()
            },
            ..c
        }
    }

    /// The province police, inspecting the commune (a document the province issues and numbers:
    /// printed at the commune with its number left to write).
    pub fn province_police(province: &str, commune: &str) -> Agency {
        let c = Agency::police(province, commune);
        let words = province_words(province);
        let place = ["tỉnh ", "thành phố "].iter().find_map(|k| words.strip_prefix(k)).unwrap_or(&words).to_owned();
        Agency {
            parent: "Bộ Công an".to_owned(),
            issuing: c.parent.clone(),
            place,
            short: PROVINCE_SHORT.to_owned(),
            ..c
        }
    }

    /// "Trưởng Công an xã": the title of the police's signer ("Giám đốc" of the province police).
    pub fn head_title(&self) -> String {
        if self.short == PROVINCE_SHORT {
            return "Giám đốc".to_owned();
        }
        format!("Trưởng Công an {}", self.kind)
    }

    /// The agency "in a sentence": the commune police, or the province police.
    pub fn own_name(&self) -> String {
        if self.short == PROVINCE_SHORT { self.issuing.clone() } else { self.police_name() }
    }

    /// The police of the commune in a sentence ("Công an xã Ia Đal").
    pub fn police_name(&self) -> String {
        format!("Công an {}", self.commune)
    }

    /// The commune's People's Committee in a sentence.
    pub fn committee_name(&self) -> String {
        format!("Ủy ban nhân dân {}", self.commune)
    }

    /// Where the police's reports go: the parent agency, and the commune's Party committee and
    /// People's Committee.
    pub(crate) fn reported_to(&self) -> [String; 2] {
        [format!("{} (để báo cáo)", self.parent), format!("Đảng ủy, {}", self.committee_name())]
    }

    /// The police's signature block: the head's title over `name`, sent to `recipients`, a copy kept
    /// by the police.
    pub(crate) fn signs_as<I, S>(&self, recipients: I, name: &str) -> Signatures
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Signatures::with_recipients(
            Recipients::new(recipients).archive(self.short.clone()),
            signer(&[&self.head_title()], name),
        )
    }

    /// [`Agency::signs_as`] the police's chief.
    pub(crate) fn chief_signs<I, S>(&self, recipients: I) -> Signatures
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.signs_as(recipients, &self.chief)
    }
}

/// The symbol of the province police after a document's symbol (`BB-CAT`).
pub const PROVINCE_SHORT: &str = "CAT";

/// The number and date a document is issued with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Issue {
    /// What follows "Số: " (`05/BB-CAX`, or `……/BB-CAX` to write by hand); `None` prints no "Số".
    pub number: Option<String>,
    /// The date of the place-date line; `None` prints it blank.
    pub date: Option<NaiveDate>,
}

impl Issue {
    /// The header: agencies, number, and (if `dated`) the place-date line, blank when no date.
    pub(crate) fn header(&self, agency: &Agency, dated: bool) -> Header {
        let mut h = Header::new(agency.parent.clone(), agency.issuing.clone());
        if let Some(n) = &self.number {
            h = h.number(n.clone());
        }
        if dated {
            h = match self.date {
                Some(d) => h.place_date(agency.place.clone(), d),
                None => h.date_line(format!("{}, ngày …… tháng …… năm 20……", agency.place)),
            };
        }
        h
    }
}

/// Dots for a value to write by hand.
pub(crate) const DOTS: &str = "…………………………";

/// `s` trimmed, or dots when empty.
pub(crate) fn or_dots(s: &str) -> String {
    if s.trim().is_empty() { DOTS.to_owned() } else { s.trim().to_owned() }
}

/// "label: value", or "label: ……" to the end of the line when the value is empty.
pub(crate) fn line(label: &str, value: &str) -> LabeledLine {
    if value.trim().is_empty() { LabeledLine::dotted(label) } else { LabeledLine::new(label, value.trim()) }
}

/// `n` lines of dots to write on.
pub(crate) fn dotted_lines(n: usize) -> Vec<LabeledLine> {
    (0..n).map(|_| LabeledLine::dotted("")).collect()
}

/// "08 giờ 00 phút, ngày 05 tháng 01 năm 2026", or its blank.
pub(crate) fn time_words(t: Option<NaiveDateTime>) -> String {
    match t {
        Some(t) => format!("{:02} giờ {:02} phút, {}", t.hour(), t.minute(), date_words(t.date())),
        None => "…… giờ …… phút, ngày …… tháng …… năm ……".to_owned(),
    }
}

/// "ngày 05 tháng 01 năm 2026", or its blank.
pub(crate) fn day_words(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "ngày …… tháng …… năm ……".to_owned(), date_words)
}

/// "năm 2025", or "năm 20……".
pub(crate) fn year_words(y: Option<i32>) -> String {
    y.map_or_else(|| "năm 20……".to_owned(), |y| format!("năm {y}"))
}

/// A signer with the usual note under a blank name.
pub(crate) fn signer(titles: &[&str], name: &str) -> Signer {
    let s = Signer::new(titles.iter().copied(), name.trim());
    if name.trim().is_empty() { s.note("(Ký, ghi rõ họ tên)") } else { s }
}

/// `t` with a numbered row for each line (its label, then its values written by `cell`), then a row
/// «Cộng» with each column's sum; the sums are returned with the table.
pub(crate) fn rows_with_total<const N: usize>(
    mut t: Table,
    lines: impl IntoIterator<Item = (String, [i64; N])>,
    cell: impl Fn(i64) -> String,
) -> (Table, [i64; N]) {
    let mut sum = [0i64; N];
    for (i, (label, values)) in lines.into_iter().enumerate() {
        for (s, x) in sum.iter_mut().zip(values) {
            *s += x;
        }
        let mut row = vec![(i + 1).to_string(), label];
        row.extend(values.iter().map(|x| cell(*x)));
        t = t.row(row);
    }
    let mut row = vec![String::new(), "Cộng".to_owned()];
    row.extend(sum.iter().map(|x| cell(*x)));
    (t.row(row), sum)
}

/// A bold heading paragraph ("I. MỤC ĐÍCH, YÊU CẦU") kept with what follows.
pub(crate) fn heading(text: &str) -> Paragraph {
    Paragraph::new(text).bold().keep_with_next()
}

/// Splits stored multi-line text into paragraphs (blank lines dropped).
pub(crate) fn paragraphs(text: &str) -> Vec<Paragraph> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(Paragraph::new).collect()
}

/// First letter lower case ("Tuyên truyền…" → "tuyên truyền…"), except a proper name's first word
/// is kept when the second letter is upper case too.
pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.trim().chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "1.234" (Vietnamese thousands separator).
pub(crate) fn int(n: i64) -> String {
    crate::text::format_int(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agencies_from_the_commune_setup() {
        let a = Agency::police("Gia Lai", "Xã Ia Đal");
        assert_eq!(
            (a.parent.as_str(), a.issuing.as_str(), a.place.as_str(), a.short.as_str()),
            ("Công an tỉnh Gia Lai", "Công an xã Ia Đal", "Ia Đal", "CAX")
        );
        let p = Agency::police("Thành phố Đà Nẵng", "phường Hòa Cường");
        assert_eq!(
            (p.parent.as_str(), p.issuing.as_str(), p.short.as_str()),
            ("Công an thành phố Đà Nẵng", "Công an phường Hòa Cường", "CAP")
        );
        let d = Agency::police("Tỉnh Quảng Ngãi", "Đặc khu Lý Sơn");
        assert_eq!(
            (d.parent.as_str(), d.issuing.as_str(), d.short.as_str()),
            ("Công an tỉnh Quảng Ngãi", "Công an đặc khu Lý Sơn", "CAĐK")
        );
        assert_eq!(Agency::committee("Ia Đal").issuing, "Ủy ban nhân dân\nxã Ia Đal");
    }

    #[test]
    fn registry_names_are_unique_and_series_follow_the_issuer() {
        let mut names: Vec<&str> = FORMS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FORMS.len());
        let police = Agency::police("Gia Lai", "Xã Ia Đal");
        assert_eq!(find(" Bien-Ban-Hop ").and_then(|f| f.series(&police)).as_deref(), Some("BB-CAX"));
        let qd = find("quyet-dinh-thanh-lap-to").unwrap();
        assert_eq!(qd.series(&police), None, "the UBND numbers its own decisions");
        assert_eq!(qd.blank_number(&police).as_deref(), Some("……/QĐ-UBND"));
        assert_eq!(find("dang-ky-khoa").unwrap().blank_number(&police), None);
        assert!(find("khong-co").is_none());
    }
}

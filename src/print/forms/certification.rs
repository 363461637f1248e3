//! The dossier of the yearly certification "An toàn về an ninh, trật tự" (Thông tư 124/2021/TT-BCA):
//! bản đăng ký phấn đấu with the household commitment list, bảng tự chấm điểm, biên bản bình xét,
//! tờ trình, quyết định công nhận and giấy công nhận. Each is a plain input struct with a blank
//! variant; the certification records will fill them.

use chrono::NaiveDate;

use super::meeting::{MeetingMinutes, percent};
use super::{Agency, DOTS, Issue, dotted_lines, int, line, or_dots, signer, year_words};
use crate::print::model::{
    Align, Column, Document, LabeledLine, List, ListStyle, Paragraph, Recipients, Signatures, Span, Table, Title,
};

/// "Thôn Đắk Năng", or dots.
fn unit_or_dots(s: &str) -> String {
    or_dots(s)
}

/// Bản đăng ký phấn đấu đạt tiêu chuẩn "An toàn về an ninh, trật tự", with the list of households
/// that sign the commitment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pledge {
    /// "Thôn Đắk Năng".
    pub unit: String,
    pub year: Option<i32>,
    /// The head's title ("Trưởng thôn") and name.
    pub head_title: String,
    pub head: String,
    /// What the unit pledges (the criteria of its kind).
    pub commitments: Vec<String>,
    /// Households: (head of household, address); empty rows print for handwriting when none.
    pub households: Vec<(String, String)>,
}

impl Pledge {
    /// The blank pledge with the criteria to pledge.
    pub fn blank(commitments: Vec<String>) -> Self {
        Pledge { commitments, ..Pledge::default() }
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let unit = unit_or_dots(&self.unit);
        let mut doc = Document::new(format!("Bản đăng ký phấn đấu {unit} {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Bản đăng ký").subject(format!("Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”\n{year}")))
            .with(Paragraph::new(format!("Kính gửi: {}.", agency.committee_name())).centered())
            .with(Paragraph::new(format!(
                "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ trưởng Bộ Công an quy định về khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự”, {unit} đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year} với các nội dung sau:"
            )));
        let items: Vec<String> = self.commitments.iter().map(|c| format!("{};", c.trim().trim_end_matches(['.', ';']))).collect();
        if items.is_empty() {
            for l in dotted_lines(4) {
                doc.push(l);
            }
        } else {
            doc.push(List::new(ListStyle::Numbered, items));
        }
        doc.push(Paragraph::new(format!("{unit} cam kết tổ chức thực hiện đầy đủ các nội dung đã đăng ký.")).end_mark());
        let title = if self.head_title.trim().is_empty() { "Người đứng đầu" } else { self.head_title.trim() };
        doc.push(Signatures::single(signer(&[title], &self.head)));
        doc.push(crate::print::model::Block::PageBreak);
        doc.push(Paragraph::new("DANH SÁCH HỘ GIA ĐÌNH KÝ CAM KẾT").bold().centered().space_after(0.0));
        doc.push(Paragraph::new(format!("thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year} – {unit}")).bold().centered());
        let mut t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Họ và tên chủ hộ", 2.8, Align::Left),
            Column::new("Địa chỉ", 2.6, Align::Left),
            Column::new("Ký tên", 1.6, Align::Center),
        ]);
        if self.households.is_empty() {
            for i in 1..=20 {
                t = t.row([i.to_string(), String::new(), String::new(), String::new()]);
            }
        }
        for (i, (name, address)) in self.households.iter().enumerate() {
            t = t.row([(i + 1).to_string(), name.clone(), address.clone(), String::new()]);
        }
        doc.with(t)
    }
}

/// One criterion of the self-scoring sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScoreRow {
    pub criterion: String,
    /// "Đạt", "Chưa đạt", or empty to write by hand.
    pub result: String,
    pub note: String,
}

/// Bảng tự chấm điểm: each criterion and the unit's own assessment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelfScore {
    pub unit: String,
    pub year: Option<i32>,
    pub rows: Vec<ScoreRow>,
    pub head_title: String,
    pub head: String,
}

impl SelfScore {
    /// The blank sheet over a list of criteria.
    pub fn blank(criteria: Vec<String>) -> Self {
        SelfScore { rows: criteria.into_iter().map(|c| ScoreRow { criterion: c, ..ScoreRow::default() }).collect(), ..SelfScore::default() }
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let unit = unit_or_dots(&self.unit);
        let mut t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Tiêu chí", 5.0, Align::Left),
            Column::new("Tự đánh giá\n(Đạt/Chưa đạt)", 1.6, Align::Center),
            Column::new("Ghi chú", 1.3, Align::Left),
        ]);
        for (i, r) in self.rows.iter().enumerate() {
            t = t.row([(i + 1).to_string(), r.criterion.clone(), r.result.clone(), r.note.clone()]);
        }
        let met = self.rows.iter().filter(|r| r.result == "Đạt").count();
        let all_scored = !self.rows.is_empty() && self.rows.iter().all(|r| !r.result.is_empty());
        let summary = if all_scored {
            format!("Tổng hợp: đạt {}/{} tiêu chí. Tự đánh giá: {}.", met, self.rows.len(), if met == self.rows.len() { "đạt tiêu chuẩn" } else { "chưa đạt tiêu chuẩn" })
        } else {
            format!("Tổng hợp: đạt …… /{} tiêu chí. Tự đánh giá: {DOTS}", self.rows.len())
        };
        let title = if self.head_title.trim().is_empty() { "Người đứng đầu" } else { self.head_title.trim() };
        Document::new(format!("Bảng tự chấm điểm {unit} {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Bảng tự chấm điểm").subject(format!("Tiêu chuẩn “An toàn về an ninh, trật tự” {year}\n{unit}")))
            .with(Paragraph::new("Kỳ đánh giá: khu dân cư từ 01/11 năm trước đến 31/10; cơ quan, doanh nghiệp, cơ sở giáo dục từ 16/11 năm trước đến 15/11.").italic())
            .with(t)
            .with(Paragraph::new(summary).end_mark())
            .with(Signatures::single(signer(&[title], &self.head)))
    }
}

/// Biên bản họp bình xét: the meeting, each criterion's result, and the vote.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewMinutes {
    pub unit: String,
    pub year: Option<i32>,
    /// The meeting itself (time, place, attendees, chair, secretary, discussion, votes).
    pub meeting: MeetingMinutes,
    /// Criteria and the meeting's assessment.
    pub criteria: Vec<ScoreRow>,
    /// The vote share the province requires (a setting), e.g. 0.7; `None` if not stated.
    pub required_share: Option<f64>,
}

impl ReviewMinutes {
    /// The blank minutes over a list of criteria.
    pub fn blank(criteria: Vec<String>) -> Self {
        ReviewMinutes { criteria: SelfScore::blank(criteria).rows, ..ReviewMinutes::default() }
    }

    /// The document: a Biên bản (Mẫu 1.9) with the criteria table and the vote.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let mut m = self.meeting.clone();
        if m.title.trim().is_empty() {
            m.title = format!("Họp bình xét “An toàn về an ninh, trật tự” {} – {}", year_words(self.year), unit_or_dots(&self.unit));
        }
        let base = m.document(agency, issue);
        // Insert the criteria table and the vote before the closing line.
        let close = base.blocks.iter().position(|b| matches!(b, crate::print::model::Block::Signatures(_))).map_or(base.blocks.len(), |i| i - 1);
        let mut blocks = base.blocks[..close].to_vec();
        blocks.push(LabeledLine::heading("Kết quả đối chiếu tiêu chí").bold_label().into());
        let mut t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Tiêu chí", 5.0, Align::Left),
            Column::new("Kết quả\n(Đạt/Chưa đạt)", 1.6, Align::Center),
        ]);
        for (i, r) in self.criteria.iter().enumerate() {
            t = t.row([(i + 1).to_string(), r.criterion.clone(), r.result.clone()]);
        }
        blocks.push(t.into());
        if m.votes.is_none() {
            blocks.push(line("Số người dự họp", "").into());
            blocks.push(line("Số phiếu tán thành công nhận", "").into());
            blocks.push(line("Số phiếu không tán thành", "").into());
        }
        if let Some(share) = self.required_share {
            let needed = format!("Tỷ lệ tán thành cần đạt theo quy định: {}.", percent((share * 1000.0).round() as i64, 1000));
            blocks.push(Paragraph::new(needed).italic().into());
        }
        blocks.extend_from_slice(&base.blocks[close..]);
        Document { blocks, ..base }
    }
}

/// A unit proposed for recognition in a Tờ trình.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubmittedUnit {
    pub name: String,
    /// "Khu dân cư", "Cơ quan", "Doanh nghiệp", "Cơ sở giáo dục".
    pub kind: String,
    /// "45/47 (95,7%)".
    pub votes: String,
}

/// Tờ trình đề nghị công nhận.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Submission {
    pub year: Option<i32>,
    /// Units registered in the movement, and proposed ones.
    pub registered: Option<i64>,
    pub units: Vec<SubmittedUnit>,
}

impl Submission {
    /// The blank submission.
    pub fn blank() -> Self {
        Submission::default()
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let mut t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Tên khu dân cư, cơ quan,\ndoanh nghiệp, cơ sở giáo dục", 3.8, Align::Left),
            Column::new("Loại", 1.6, Align::Left),
            Column::new("Kết quả bình xét\n(tán thành)", 1.8, Align::Center),
        ]);
        if self.units.is_empty() {
            for i in 1..=6 {
                t = t.row([i.to_string(), String::new(), String::new(), String::new()]);
            }
        }
        for (i, u) in self.units.iter().enumerate() {
            t = t.row([(i + 1).to_string(), u.name.clone(), u.kind.clone(), u.votes.clone()]);
        }
        let counts = match (self.registered, self.units.len()) {
            (Some(r), n) if n > 0 => format!("Năm {}, trên địa bàn có {} khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đăng ký; qua bình xét, có {} đơn vị đủ điều kiện đề nghị công nhận, cụ thể như sau:", self.year.unwrap_or_default(), int(r), int(n as i64)),
            _ => format!("Trên địa bàn có {DOTS} khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đăng ký; qua bình xét, có {DOTS} đơn vị đủ điều kiện đề nghị công nhận, cụ thể như sau:"),
        };
        Document::new(format!("Tờ trình đề nghị công nhận “An toàn về an ninh, trật tự” {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Tờ trình").subject(format!("Đề nghị công nhận khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục\nđạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}")))
            .with(Paragraph::new(format!("Kính gửi: Chủ tịch {}.", agency.committee_name())).centered())
            .with(Paragraph::new("Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ trưởng Bộ Công an quy định về khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự”;"))
            .with(Paragraph::new(counts))
            .with(t)
            .with(Paragraph::new(format!(
                "{} kính trình Chủ tịch {} xem xét, quyết định công nhận các đơn vị trên đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}.",
                agency.police_name(),
                agency.committee_name()
            )).end_mark())
            .with(Signatures::with_recipients(
                Recipients::new(["Như trên"]).archive(agency.short.clone()),
                signer(&[&agency.head_title()], &agency.chief),
            ))
    }
}

/// Quyết định công nhận.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecognitionDecision {
    pub year: Option<i32>,
    /// The units recognised.
    pub units: Vec<String>,
    /// The submission it answers ("03/TTr-CAX ngày 05 tháng 12 năm 2025").
    pub submission: String,
    pub chairman: String,
}

impl RecognitionDecision {
    /// The blank decision.
    pub fn blank() -> Self {
        RecognitionDecision::default()
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let n = if self.units.is_empty() { "……".to_owned() } else { format!("{:02}", self.units.len()) };
        let mut doc = Document::new(format!("Quyết định công nhận “An toàn về an ninh, trật tự” {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Quyết định").subject(format!("Về việc công nhận khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục\nđạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}")))
            .with(Paragraph::new(format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {}", agency.commune.to_uppercase())).bold().centered())
            .with(Paragraph::new("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;").italic())
            .with(Paragraph::new("Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ trưởng Bộ Công an quy định về khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự”;").italic())
            .with(Paragraph::new(format!("Theo đề nghị của Trưởng {} tại Tờ trình số {}.", agency.police_name(), or_dots(&self.submission))).italic())
            .with(Paragraph::new("QUYẾT ĐỊNH:").bold().centered().keep_with_next())
            .with(Paragraph::from_spans(vec![
                Span::bold("Điều 1."),
                Span::regular(format!(" Công nhận {n} khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}, gồm:")),
            ]));
        if self.units.is_empty() {
            for l in dotted_lines(4) {
                doc.push(l);
            }
        } else {
            let k = self.units.len();
            doc.push(List::new(ListStyle::Numbered, self.units.iter().enumerate().map(|(i, u)| format!("{}{}", u.trim(), if i + 1 == k { "." } else { ";" }))));
        }
        doc.push(Paragraph::from_spans(vec![
            Span::bold("Điều 2."),
            Span::regular(" Các đơn vị được công nhận được cấp Giấy công nhận; có trách nhiệm duy trì, phát huy kết quả đạt được."),
        ]));
        doc.push(Paragraph::from_spans(vec![
            Span::bold("Điều 3."),
            Span::regular(format!(
                " Quyết định này có hiệu lực kể từ ngày ký. Văn phòng Ủy ban nhân dân xã, Trưởng {} và các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
                agency.police_name()
            )),
        ]).end_mark());
        doc.with(Signatures::with_recipients(
            Recipients::new(["Như Điều 3", "Công an tỉnh (để báo cáo)", "Đảng ủy xã"]).archive("CAX"),
            signer(&["TM. Ủy ban nhân dân", "Chủ tịch"], &self.chairman),
        ))
    }
}

/// Giấy công nhận.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Certificate {
    pub unit: String,
    pub year: Option<i32>,
    /// "15/QĐ-UBND".
    pub decision: String,
    pub decision_date: Option<NaiveDate>,
    pub chairman: String,
}

impl Certificate {
    /// The blank certificate.
    pub fn blank() -> Self {
        Certificate::default()
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        Document::new(format!("Giấy công nhận “An toàn về an ninh, trật tự” {year}"))
            .with(issue.header(agency, false))
            .with(crate::print::model::Block::Space(15.0))
            .with(Paragraph::new(format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {}", agency.commune.to_uppercase())).bold().centered().size(16.0))
            .with(Paragraph::new("CÔNG NHẬN").bold().centered().size(22.0).space_after(18.0))
            .with(Paragraph::new(unit_or_dots(&self.unit)).bold().centered().size(20.0).space_after(12.0))
            .with(Paragraph::new(format!("Đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}")).bold().centered().size(16.0))
            .with(Paragraph::new(format!(
                "(Kèm theo Quyết định số {} {} của Chủ tịch {})",
                or_dots(&self.decision),
                super::day_words(self.decision_date),
                agency.committee_name()
            )).italic().centered())
            .with(crate::print::model::Block::Space(10.0))
            .with(Signatures::single(signer(&["TM. Ủy ban nhân dân", "Chủ tịch"], &self.chairman)))
            .with(Paragraph::new("Số vào sổ: ……").size(12.0).indent_mm(0.0))
    }
}

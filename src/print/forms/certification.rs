//! The dossier of the yearly certification "An toàn về an ninh, trật tự" (Thông tư 124/2021/TT-BCA):
//! bản đăng ký phấn đấu with the household commitment list, bảng tự chấm điểm, biên bản bình xét,
//! tờ trình, quyết định công nhận and giấy công nhận. Each is a plain input struct with a blank
//! variant; the certification records will fill them.

use chrono::NaiveDate;

use super::meeting::MeetingMinutes;
use super::{Agency, DOTS, Issue, dotted_lines, heading, int, line, or_dots, rows_with_total, signer, year_words};
use crate::print::model::{
    Align, Column, Document, LabeledLine, List, ListStyle, Paragraph, Recipients, Signatures, Span, Table, Title,
};
use crate::text::percent;

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
    /// What the registration recorded, each printed only when known: the Party cell's resolution
    /// ("số 05-NQ/CB ngày 10/01/2026") and the unit's plan, households in the area (all, registered,
    /// signing the commitment) and staff (all, briefed) of an agency, enterprise or school.
    pub resolution: String,
    pub plan: String,
    pub household_count: Option<i64>,
    pub households_registered: Option<i64>,
    pub households_committed: Option<i64>,
    pub staff: Option<i64>,
    pub staff_briefed: Option<i64>,
}

/// "225 (97,8%)" of `whole`, or just the count.
fn count_of(n: i64, whole: Option<i64>) -> String {
    match whole {
        Some(w) if w > 0 => format!("{} ({})", int(n), percent(n, w)),
        _ => int(n),
    }
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
        let items: Vec<String> =
            self.commitments.iter().map(|c| format!("{};", c.trim().trim_end_matches(['.', ';']))).collect();
        if items.is_empty() {
            for l in dotted_lines(4) {
                doc.push(l);
            }
        } else {
            doc.push(List::new(ListStyle::Numbered, items));
        }
        let mut facts = Vec::new();
        if !self.resolution.trim().is_empty() {
            facts.push(format!("Nghị quyết của chi bộ: {}", self.resolution.trim()));
        }
        if !self.plan.trim().is_empty() {
            facts.push(format!("Kế hoạch thực hiện: {}", self.plan.trim()));
        }
        if let Some(n) = self.household_count {
            facts.push(format!("Tổng số hộ gia đình: {}", int(n)));
        }
        if let Some(n) = self.households_registered {
            facts.push(format!("Số hộ gia đình đăng ký thực hiện: {}", count_of(n, self.household_count)));
        }
        if let Some(n) = self.households_committed {
            facts.push(format!("Số hộ gia đình ký cam kết: {}", count_of(n, self.household_count)));
        }
        if let Some(n) = self.staff {
            facts.push(format!("Tổng số cán bộ, nhân viên: {}", int(n)));
        }
        if let Some(n) = self.staff_briefed {
            facts.push(format!("Số cán bộ, nhân viên được quán triệt: {}", count_of(n, self.staff)));
        }
        if !facts.is_empty() {
            let k = facts.len();
            doc.push(heading("Tình hình đăng ký:"));
            doc.push(List::new(
                ListStyle::Dash,
                facts.into_iter().enumerate().map(|(i, f)| format!("{f}{}", if i + 1 == k { "." } else { ";" })),
            ));
        }
        doc.push(
            Paragraph::new(format!("{unit} cam kết tổ chức thực hiện đầy đủ các nội dung đã đăng ký.")).end_mark(),
        );
        let title = if self.head_title.trim().is_empty() { "Người đứng đầu" } else { self.head_title.trim() };
        doc.push(Signatures::single(signer(&[title], &self.head)));
        doc.push(crate::print::model::Block::PageBreak);
        doc.push(Paragraph::new("DANH SÁCH HỘ GIA ĐÌNH KÝ CAM KẾT").bold().centered().space_after(0.0));
        let committed = self.households_committed.map(|n| format!(" ({} hộ)", int(n))).unwrap_or_default();
        doc.push(
            Paragraph::new(format!("thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year}"))
                .bold()
                .centered()
                .space_after(0.0),
        );
        doc.push(Paragraph::new(format!("{unit}{committed}")).bold().centered());
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
    /// The unit's own score ("điểm tự chấm"), when recorded.
    pub score: Option<i64>,
    /// The assessment period (first and last day), when known.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl SelfScore {
    /// The blank sheet over a list of criteria.
    pub fn blank(criteria: Vec<String>) -> Self {
        SelfScore {
            rows: criteria.into_iter().map(|c| ScoreRow { criterion: c, ..ScoreRow::default() }).collect(),
            ..SelfScore::default()
        }
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let unit = unit_or_dots(&self.unit);
        let mut t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Tiêu chí", 4.4, Align::Left),
            Column::new("Tự đánh giá\n(Đạt/\nChưa đạt)", 1.3, Align::Center),
            Column::new("Ghi chú, minh chứng", 2.2, Align::Left),
        ])
        .size(13.0);
        for (i, r) in self.rows.iter().enumerate() {
            t = t.row([(i + 1).to_string(), r.criterion.clone(), r.result.clone(), r.note.clone()]);
        }
        let met = self.rows.iter().filter(|r| r.result == "Đạt").count();
        let all_scored = !self.rows.is_empty() && self.rows.iter().all(|r| !r.result.is_empty());
        let score = self.score.map(|n| format!("; điểm tự chấm: {} điểm", int(n))).unwrap_or_default();
        let summary = if all_scored {
            format!(
                "Tổng hợp: đạt {}/{} tiêu chí{score}. Tự đánh giá: {}.",
                met,
                self.rows.len(),
                if met == self.rows.len() { "đạt tiêu chuẩn" } else { "chưa đạt tiêu chuẩn" }
            )
        } else {
            format!("Tổng hợp: đạt …… /{} tiêu chí. Tự đánh giá: {DOTS}", self.rows.len())
        };
        let title = if self.head_title.trim().is_empty() { "Người đứng đầu" } else { self.head_title.trim() };
        Document::new(format!("Bảng tự chấm điểm {unit} {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Bảng tự chấm điểm").subject(format!("Tiêu chuẩn “An toàn về an ninh, trật tự” {year}\n{unit}")))
            .with(Paragraph::new(match self.period {
                Some((from, to)) => format!("Kỳ đánh giá: từ ngày {} đến ngày {}.", crate::date::display(from), crate::date::display(to)),
                None => "Kỳ đánh giá: khu dân cư từ 01/11 năm trước đến 31/10; cơ quan, doanh nghiệp, cơ sở giáo dục từ 16/11 năm trước đến 15/11.".to_owned(),
            }).italic())
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
    /// The vote share required, as it reads ("trên 50% số phiếu"); empty if not stated.
    pub rule: String,
    /// Whether the vote reached it (`None`: not concluded, written by hand).
    pub passed: Option<bool>,
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
            m.title = format!(
                "Họp bình xét “An toàn về an ninh, trật tự” {} – {}",
                year_words(self.year),
                unit_or_dots(&self.unit)
            );
        }
        let base = MeetingMinutes { votes: None, ..m.clone() }.document(agency, issue);
        // Insert the criteria table and the vote before the closing line.
        let close = base
            .blocks
            .iter()
            .position(|b| matches!(b, crate::print::model::Block::Signatures(_)))
            .map_or(base.blocks.len(), |i| i - 1);
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
        match m.votes {
            Some(v) => {
                let cast = v.for_ + v.against + v.abstain;
                blocks.push(Paragraph::new(format!(
                    "Kết quả biểu quyết: {}/{} phiếu tán thành ({}); {} phiếu không tán thành; {} phiếu không biểu quyết.",
                    v.for_, cast, percent(v.for_, cast), v.against, v.abstain
                )).into());
            }
            None => {
                blocks.push(line("Số người dự họp", "").into());
                blocks.push(line("Số phiếu tán thành công nhận", "").into());
                blocks.push(line("Số phiếu không tán thành", "").into());
            }
        }
        if !self.rule.trim().is_empty() {
            blocks.push(
                Paragraph::new(format!(
                    "Tỷ lệ tán thành cần đạt theo quy định của địa phương (Thông tư số 124/2021/TT-BCA không quy định tỷ lệ này): {}.",
                    self.rule.trim()
                ))
                .italic()
                .into(),
            );
        }
        let unit = unit_or_dots(&self.unit);
        let year = year_words(self.year);
        match self.passed {
            Some(true) => blocks.push(Paragraph::new(format!(
                "Kết luận: {unit} đủ điều kiện; hội nghị thống nhất đề nghị {} công nhận {unit} đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}.",
                agency.committee_name()
            )).into()),
            Some(false) => blocks.push(Paragraph::new(format!(
                "Kết luận: tỷ lệ tán thành chưa đạt quy định; {unit} chưa đủ điều kiện đề nghị công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}."
            )).into()),
            None => {}
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
    /// Units reviewed but not proposed ("Thôn Plei Ngol (bình xét chưa đạt)").
    pub not_recommended: Vec<String>,
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
            (Some(r), n) if n > 0 => format!(
                "Năm {}, trên địa bàn có {} khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đăng ký; qua bình xét, có {} đơn vị đủ điều kiện đề nghị công nhận, cụ thể như sau:",
                self.year.unwrap_or_default(),
                int(r),
                int(n as i64)
            ),
            _ => format!(
                "Trên địa bàn có {DOTS} khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đăng ký; qua bình xét, có {DOTS} đơn vị đủ điều kiện đề nghị công nhận, cụ thể như sau:"
            ),
        };
        let mut doc = Document::new(format!("Tờ trình đề nghị công nhận “An toàn về an ninh, trật tự” {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Tờ trình").subject(format!("Đề nghị công nhận khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục\nđạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}")))
            .with(Paragraph::new(format!("Kính gửi: Chủ tịch {}.", agency.committee_name())).centered())
            .with(Paragraph::new("Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ trưởng Bộ Công an quy định về khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự”;"))
            .with(Paragraph::new(counts))
            .with(t);
        if !self.not_recommended.is_empty() {
            doc.push(Paragraph::new(format!(
                "Các đơn vị chưa đủ điều kiện đề nghị công nhận: {}.",
                self.not_recommended.join("; ")
            )));
        }
        doc.with(Paragraph::new(format!(
                "{} kính trình Chủ tịch {} xem xét, quyết định công nhận các đơn vị trên đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}.",
                agency.police_name(),
                agency.committee_name()
            )).end_mark())
            .with(agency.chief_signs(["Như trên"]))
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
            doc.push(List::new(
                ListStyle::Numbered,
                self.units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| format!("{}{}", u.trim(), if i + 1 == k { "." } else { ";" })),
            ));
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
    /// The certificate's number in the UBND's book ("001/GCN-UBND"); empty to write by hand.
    pub number: String,
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
            .with(
                Paragraph::new(format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {}", agency.commune.to_uppercase()))
                    .bold()
                    .centered()
                    .size(16.0),
            )
            .with(Paragraph::new("CÔNG NHẬN").bold().centered().size(22.0).space_after(18.0))
            .with(Paragraph::new(unit_or_dots(&self.unit)).bold().centered().size(20.0).space_after(12.0))
            .with(
                Paragraph::new(format!("Đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}"))
                    .bold()
                    .centered()
                    .size(16.0),
            )
            .with(
                Paragraph::new(format!(
                    "(Kèm theo Quyết định số {} {} của Chủ tịch {})",
                    or_dots(&self.decision),
                    super::day_words(self.decision_date),
                    agency.committee_name()
                ))
                .italic()
                .centered(),
            )
            .with(crate::print::model::Block::Space(10.0))
            .with(
                Paragraph::new(match self.decision_date {
                    Some(d) => crate::print::place_date(&agency.place, d),
                    None => format!("{}, ngày …… tháng …… năm 20……", agency.place),
                })
                .italic()
                .align(Align::Right)
                .indent_mm(0.0)
                .space_after(0.0),
            )
            .with(Signatures::single(signer(&["TM. Ủy ban nhân dân", "Chủ tịch"], &self.chairman)))
            .with(
                Paragraph::new(format!(
                    "Số vào sổ: {}",
                    if self.number.trim().is_empty() { "……" } else { self.number.trim() }
                ))
                .size(12.0)
                .indent_mm(0.0),
            )
    }
}

/// One kind of unit in the certification report: how many are subject to it, registered, recognised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KindRow {
    /// "Khu dân cư".
    pub label: String,
    pub total: i64,
    pub registered: i64,
    pub registered_late: i64,
    pub recognised: i64,
    pub not_recognised: i64,
}

/// One unit's line in the certification report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportUnit {
    pub name: String,
    /// "Khu dân cư", "Cơ quan, doanh nghiệp", "Cơ sở giáo dục".
    pub kind: String,
    /// "5/5" criteria met at the self-assessment, or empty.
    pub criteria: String,
    /// "25/30 (83,3%)", or empty before the bình xét.
    pub votes: String,
    /// "Được công nhận (215/QĐ-UBND)", "Chưa đạt", "Đã đề nghị công nhận", "Chưa đăng ký"…
    pub result: String,
}

/// One criterion of the commune's own result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommuneCriterion {
    pub label: String,
    /// "Đạt", "Chưa đạt", "Chưa đủ dữ liệu".
    pub verdict: String,
    /// What the verdict rests on, one line each ("Khu dân cư đăng ký: 9/10").
    pub checks: Vec<String>,
}

/// Báo cáo kết quả xây dựng, xét công nhận "An toàn về an ninh, trật tự" of a year (the
/// certification's report, not the movement's yearly report [`super::YearReport`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertReport {
    pub year: Option<i32>,
    pub kinds: Vec<KindRow>,
    pub units: Vec<ReportUnit>,
    pub criteria: Vec<CommuneCriterion>,
    /// The commune's verdict ("Đạt", "Chưa đạt", "Chưa đủ dữ liệu"); empty to write by hand.
    pub verdict: String,
}

impl CertReport {
    /// The blank report over the unit kinds and the commune's criteria.
    pub fn blank(kinds: &[&str], criteria: Vec<String>) -> Self {
        CertReport {
            kinds: kinds.iter().map(|k| KindRow { label: (*k).to_owned(), ..KindRow::default() }).collect(),
            criteria: criteria
                .into_iter()
                .map(|label| CommuneCriterion { label, ..CommuneCriterion::default() })
                .collect(),
            ..CertReport::default()
        }
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let blank = self.year.is_none();
        let cell = |n: i64| if blank { String::new() } else { int(n) };
        let mut doc = Document::new(format!("Báo cáo kết quả xét công nhận “An toàn về an ninh, trật tự” {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Báo cáo").subject(format!(
                "Kết quả xây dựng, xét công nhận khu dân cư, xã, cơ quan, doanh nghiệp,\ncơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}"
            )))
            .with(Paragraph::new(format!(
                "Thực hiện Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ trưởng Bộ Công an, {} báo cáo kết quả xây dựng, xét công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year} trên địa bàn {} như sau:",
                agency.police_name(),
                agency.commune
            )))
            .with(heading("I. KẾT QUẢ ĐĂNG KÝ VÀ CÔNG NHẬN THEO LOẠI ĐƠN VỊ"));
        let t = Table::new(vec![
            Column::new("TT", 0.5, Align::Center),
            Column::new("Loại đơn vị", 2.2, Align::Left),
            Column::new("Thuộc diện xét", 1.0, Align::Right),
            Column::new("Đăng ký quý I", 1.0, Align::Right),
            Column::new("Đăng ký sau quý I", 1.0, Align::Right),
            Column::new("Được công nhận", 1.0, Align::Right),
            Column::new("Chưa đạt", 0.9, Align::Right),
        ])
        .size(12.0);
        let lines = self
            .kinds
            .iter()
            .map(|k| (k.label.clone(), [k.total, k.registered, k.registered_late, k.recognised, k.not_recognised]));
        let (t, sum) = rows_with_total(t, lines, cell);
        doc.push(t);
        if !blank && sum[0] > 0 {
            doc.push(Paragraph::new(format!(
                "Tỷ lệ được công nhận: {}/{} đơn vị thuộc diện xét ({}).",
                int(sum[3]),
                int(sum[0]),
                percent(sum[3], sum[0])
            )));
        }
        doc.push(heading("II. KẾT QUẢ CỦA TỪNG ĐƠN VỊ"));
        let mut t = Table::new(vec![
            Column::new("TT", 0.5, Align::Center),
            Column::new("Tên đơn vị", 2.5, Align::Left),
            Column::new("Loại", 1.4, Align::Left),
            Column::new("Tiêu chí đạt", 0.9, Align::Center),
            Column::new("Bình xét (tán thành)", 1.3, Align::Center),
            Column::new("Kết quả", 2.2, Align::Left),
        ])
        .size(12.0);
        if self.units.is_empty() {
            for i in 1..=6 {
                t = t.row([i.to_string(), String::new(), String::new(), String::new(), String::new(), String::new()]);
            }
        }
        for (i, u) in self.units.iter().enumerate() {
            t = t.row([
                (i + 1).to_string(),
                u.name.clone(),
                u.kind.clone(),
                u.criteria.clone(),
                u.votes.clone(),
                u.result.clone(),
            ]);
        }
        doc.push(t);
        doc.push(heading(&format!("III. KẾT QUẢ TỰ ĐÁNH GIÁ CỦA {}", agency.commune.to_uppercase())));
        let mut t = Table::new(vec![
            Column::new("TT", 0.5, Align::Center),
            Column::new("Tiêu chí", 4.6, Align::Left),
            Column::new("Căn cứ", 2.9, Align::Left),
            Column::new("Kết quả", 1.1, Align::Center),
        ])
        .size(12.0);
        for (i, c) in self.criteria.iter().enumerate() {
            t = t.row([(i + 1).to_string(), c.label.clone(), c.checks.join("\n"), c.verdict.clone()]);
        }
        doc.push(t);
        let commune = &agency.commune;
        doc.push(Paragraph::new(match self.verdict.trim() {
            "" => format!("Tự đánh giá: {commune} {DOTS} tiêu chuẩn “An toàn về an ninh, trật tự” {year}."),
            "Đạt" => format!("Tự đánh giá: {commune} đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}."),
            "Chưa đạt" => format!("Tự đánh giá: {commune} chưa đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year}."),
            _ => format!("Tự đánh giá: chưa đủ dữ liệu để kết luận {commune} đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year} (xem các tiêu chí ghi “{}” ở trên).", self.verdict.trim()),
        }));
        doc.push(heading("IV. ĐỀ XUẤT, KIẾN NGHỊ"));
        for l in dotted_lines(3) {
            doc.push(l);
        }
        doc.push(Paragraph::new(format!(
            "Trên đây là báo cáo kết quả xây dựng, xét công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự” {year} của {}.",
            agency.police_name()
        )).end_mark());
        doc.with(agency.chief_signs(agency.reported_to()))
    }
}

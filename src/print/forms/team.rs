//! Quyết định thành lập Tổ bảo vệ an ninh, trật tự ở cơ sở and phân công tổ viên (Luật Lực lượng
//! tham gia bảo vệ an ninh, trật tự ở cơ sở 2023): issued by the commune chairman on the police's
//! proposal.

use chrono::NaiveDate;

use super::{Agency, DOTS, Issue, signer};
use crate::print::model::{
    Align, Column, Document, List, ListStyle, Paragraph, Recipients, Signatures, Span, Table, Title,
};

/// A member as the decision lists it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeamMember {
    pub name: String,
    pub born: Option<NaiveDate>,
    pub residence: String,
    /// "Tổ trưởng", "Tổ phó", "Tổ viên".
    pub role: String,
}

/// What the decision shows. Empty values print as dotted lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeamDecision {
    /// "Tổ bảo vệ an ninh, trật tự Thôn Đắk Năng".
    pub team: String,
    /// The areas it serves ("Thôn Đắk Năng", "Thôn Ia Bang").
    pub areas: Vec<String>,
    pub members: Vec<TeamMember>,
    /// The chairman's name; empty to write by hand.
    pub chairman: String,
}

impl TeamDecision {
    /// The blank decision.
    pub fn blank() -> Self {
        TeamDecision::default()
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let team = if self.team.trim().is_empty() {
            format!("Tổ bảo vệ an ninh, trật tự {DOTS}")
        } else {
            self.team.trim().to_owned()
        };
        let areas = if self.areas.is_empty() { DOTS.to_owned() } else { self.areas.join(", ") };
        let mut doc = Document::new(format!("Quyết định thành lập {team}"))
            .with(issue.header(agency, true))
            .with(Title::new("Quyết định").subject(format!("Về việc thành lập {team}\nvà phân công tổ viên")))
            .with(
                Paragraph::new(format!("CHỦ TỊCH ỦY BAN NHÂN DÂN {}", agency.commune.to_uppercase())).bold().centered(),
            )
            .with(Paragraph::new("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;").italic())
            .with(
                Paragraph::new(
                    "Căn cứ Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở ngày 28 tháng 11 năm 2023;",
                )
                .italic(),
            )
            .with(Paragraph::new(format!("Theo đề nghị của Trưởng {}.", agency.police_name())).italic())
            .with(Paragraph::new("QUYẾT ĐỊNH:").bold().centered().keep_with_next())
            .with(Paragraph::from_spans(vec![
                Span::bold("Điều 1."),
                Span::regular(format!(
                    " Thành lập {team}, phụ trách địa bàn {areas}, và phân công các ông (bà) có tên sau đây:"
                )),
            ]));
        let mut table = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Họ và tên", 2.6, Align::Left),
            Column::new("Ngày sinh", 1.5, Align::Center),
            Column::new("Nơi cư trú", 2.8, Align::Left),
            Column::new("Chức danh", 1.4, Align::Left),
        ]);
        if self.members.is_empty() {
            for (i, role) in ["Tổ trưởng", "Tổ phó", "Tổ viên", "Tổ viên"].iter().enumerate() {
                table =
                    table.row([(i + 1).to_string(), String::new(), String::new(), String::new(), (*role).to_owned()]);
            }
        }
        for (i, m) in self.members.iter().enumerate() {
            table = table.row([
                (i + 1).to_string(),
                m.name.clone(),
                m.born.map(crate::date::display).unwrap_or_default(),
                m.residence.clone(),
                m.role.clone(),
            ]);
        }
        doc.push(table);
        doc.push(Paragraph::from_spans(vec![Span::bold("Điều 2."), Span::regular(format!(" {team} có nhiệm vụ:"))]));
        doc.push(List::new(ListStyle::Dash, [
            "Hỗ trợ Công an cấp xã nắm tình hình an ninh, trật tự; tham gia xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc;",
            "Tham gia tuần tra, bảo vệ an ninh, trật tự; phòng cháy, chữa cháy, cứu nạn, cứu hộ; tuyên truyền, vận động Nhân dân chấp hành pháp luật;",
            "Các nhiệm vụ khác theo quy định của Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở.",
        ]));
        doc.push(Paragraph::from_spans(vec![
            Span::bold("Điều 3."),
            Span::regular(format!(
                " Quyết định này có hiệu lực kể từ ngày ký. Văn phòng Ủy ban nhân dân xã, Trưởng {}, Trưởng {areas} và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
                agency.police_name()
            )),
        ]).end_mark());
        doc.with(Signatures::with_recipients(
            Recipients::new(["Như Điều 3", "Công an tỉnh (để báo cáo)", "Đảng ủy xã (để báo cáo)"]).archive("CAX"),
            signer(&["TM. Ủy ban nhân dân", "Chủ tịch"], &self.chairman),
        ))
    }
}

//! The commune police's Kế hoạch for a year (Nghị định 30/2020/NĐ-CP, Phụ lục III, Mẫu 1.4): its
//! aims, the year's targets on the report's indicators, the tasks, and who carries it out.

use super::{Agency, Issue, dotted_lines, heading, paragraphs, year_words};
use crate::print::model::{Align, Column, Document, List, ListStyle, Paragraph, Table, Title};

/// One target of the plan: the indicator and the year's value as printed ("24", "80%"); empty to
/// write by hand.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanTarget {
    pub label: String,
    pub value: String,
}

/// A yearly plan as printed. Empty texts print as dotted lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct YearPlan {
    pub year: Option<i32>,
    /// "Mục đích, yêu cầu", one paragraph per line.
    pub goals: String,
    /// "Nhiệm vụ, giải pháp", one paragraph per line.
    pub tasks: String,
    pub targets: Vec<PlanTarget>,
    /// Who signs (the head of the commune police); empty: the agency's chief, or by hand.
    pub signer: String,
}

impl YearPlan {
    /// The blank plan over the indicators' labels.
    pub fn blank(indicators: &[String]) -> Self {
        YearPlan {
            targets: indicators.iter().map(|l| PlanTarget { label: l.clone(), value: String::new() }).collect(),
            ..YearPlan::default()
        }
    }

    /// The Kế hoạch.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let mut doc = Document::new(format!("Kế hoạch thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Kế hoạch").subject(format!("Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year}")))
            .with(Paragraph::new(format!(
                "Thực hiện Chỉ thị số 09-CT/TW ngày 01/12/2011 của Ban Bí thư về tăng cường sự lãnh đạo của Đảng đối với phong trào toàn dân bảo vệ an ninh Tổ quốc trong tình hình mới, Kết luận số 44-KL/TW ngày 22/01/2019 của Ban Bí thư về tiếp tục thực hiện Chỉ thị số 09-CT/TW và hướng dẫn của Công an tỉnh, {} xây dựng kế hoạch thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year} trên địa bàn {} như sau:",
                agency.police_name(),
                agency.commune
            )))
            .with(heading("I. MỤC ĐÍCH, YÊU CẦU"));
        push_text(&mut doc, &self.goals);
        doc.push(heading(&format!("II. CHỈ TIÊU {}", year.to_uppercase())));
        let mut t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Chỉ tiêu", 5.0, Align::Left),
            Column::new("Cả năm", 1.4, Align::Right),
        ]);
        for (i, target) in self.targets.iter().enumerate() {
            t = t.row([(i + 1).to_string(), target.label.clone(), target.value.clone()]);
        }
        doc.push(t);
        doc.push(heading("III. NHIỆM VỤ, GIẢI PHÁP"));
        push_text(&mut doc, &self.tasks);
        doc.push(heading("IV. TỔ CHỨC THỰC HIỆN"));
        doc.push(List::new(
            ListStyle::Dash,
            [
                format!(
                    "{} chủ trì, tham mưu Đảng ủy, {} lãnh đạo, chỉ đạo; phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam {}, các đoàn thể và khu dân cư tổ chức thực hiện kế hoạch;",
                    agency.police_name(),
                    agency.committee_name(),
                    agency.commune
                ),
                "Cán bộ Công an phụ trách địa bàn, các tổ bảo vệ an ninh, trật tự ở cơ sở triển khai đến từng khu dân cư; định kỳ hằng tháng báo cáo kết quả;".to_owned(),
                "Sơ kết 6 tháng, tổng kết năm; đánh giá kết quả thực hiện từng chỉ tiêu, kịp thời đề xuất giải pháp đối với chỉ tiêu chậm tiến độ.".to_owned(),
            ],
        ));
        doc.push(
            Paragraph::new(format!(
                "Trên đây là Kế hoạch thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year} của {}; đề nghị các đơn vị, cá nhân liên quan triển khai thực hiện.",
                agency.police_name()
            ))
            .end_mark(),
        );
        doc.with(agency.signs_as(
            [
                format!("{} (để báo cáo)", agency.parent),
                format!("Đảng ủy, {} (để báo cáo)", agency.committee_name()),
                "Các thôn, tổ dân phố".to_owned(),
            ],
            if self.signer.trim().is_empty() { &agency.chief } else { &self.signer },
        ))
    }
}

/// The paragraphs of a text, or dotted lines to write on when it is empty.
fn push_text(doc: &mut Document, text: &str) {
    let ps = paragraphs(text);
    if ps.is_empty() {
        for l in dotted_lines(3) {
            doc.push(l);
        }
    }
    for p in ps {
        doc.push(p);
    }
}

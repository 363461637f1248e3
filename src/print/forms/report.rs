//! Báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc in a year, with tables of
//! the year's figures.

use super::{Agency, Issue, dotted_lines, heading, int, rows_with_total, year_words};
use crate::print::model::{Align, Column, Document, Paragraph, Table, Title};

/// One indicator and its value for the year (`None`: to write by hand).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figure {
    pub label: String,
    pub value: Option<i64>,
    /// Out of how many (units recognised of those registered).
    pub of: Option<i64>,
    /// The year's target ("24", "80%") and where the result stands ("Đã đạt", "Chậm tiến độ"), when
    /// the commune has one for this indicator.
    pub target: Option<(String, String)>,
}

/// Activities of one category by quarter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuarterRow {
    pub label: String,
    pub quarters: [i64; 4],
}

/// Models of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelRow {
    pub kind: String,
    pub active: i64,
    pub dissolved: i64,
}

/// The report's figures. Empty tables print with blank cells for handwriting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct YearReport {
    pub year: Option<i32>,
    pub figures: Vec<Figure>,
    pub quarters: Vec<QuarterRow>,
    pub models: Vec<ModelRow>,
}

impl YearReport {
    /// The blank report: the indicators' labels with empty values.
    pub fn blank(indicators: &[String], categories: &[String], model_kinds: &[String]) -> Self {
        YearReport {
            year: None,
            figures: indicators.iter().map(|l| Figure { label: l.clone(), ..Figure::default() }).collect(),
            quarters: categories.iter().map(|l| QuarterRow { label: l.clone(), quarters: [0; 4] }).collect(),
            models: model_kinds.iter().map(|k| ModelRow { kind: k.clone(), ..ModelRow::default() }).collect(),
        }
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let year = year_words(self.year);
        let blank = self.year.is_none();
        let cell = |n: i64| if blank { String::new() } else { int(n) };
        let mut doc = Document::new(format!("Báo cáo kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc {year}"))
            .with(issue.header(agency, true))
            .with(Title::new("Báo cáo").subject(format!("Kết quả thực hiện phong trào toàn dân\nbảo vệ an ninh Tổ quốc {year}")))
            .with(Paragraph::new(format!(
                "Thực hiện Chỉ thị số 09-CT/TW ngày 01/12/2011 của Ban Bí thư và hướng dẫn của Công an tỉnh, {} báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year} trên địa bàn {} như sau:",
                agency.police_name(),
                agency.commune
            )))
            .with(heading("I. CÁC CHỈ TIÊU CHỦ YẾU"));
        let value = |f: &Figure| match (f.value, f.of) {
            (Some(v), Some(of)) => format!("{}/{}", int(v), int(of)),
            (v, _) => v.map(int).unwrap_or_default(),
        };
        // With the year's targets (the commune's plan, or the province's), each beside its result.
        let t = if self.figures.iter().any(|f| f.target.is_some()) {
            let mut t = Table::new(vec![
                Column::new("TT", 0.6, Align::Center),
                Column::new("Chỉ tiêu", 3.6, Align::Left),
                Column::new("Kết quả", 1.2, Align::Right),
                Column::new("Chỉ tiêu năm", 1.1, Align::Right),
                Column::new("Đánh giá", 1.5, Align::Left),
            ])
            .size(12.0);
            for (i, f) in self.figures.iter().enumerate() {
                let (target, pace) = f.target.clone().unwrap_or_default();
                t = t.row([(i + 1).to_string(), f.label.clone(), value(f), target, pace]);
            }
            t
        } else {
            let mut t = Table::new(vec![
                Column::new("TT", 0.6, Align::Center),
                Column::new("Chỉ tiêu", 5.0, Align::Left),
                Column::new("Kết quả", 1.4, Align::Right),
            ]);
            for (i, f) in self.figures.iter().enumerate() {
                t = t.row([(i + 1).to_string(), f.label.clone(), value(f)]);
            }
            t
        };
        doc.push(t);
        doc.push(heading("II. HOẠT ĐỘNG THEO LOẠI VÀ THEO QUÝ"));
        let t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Loại hoạt động", 3.4, Align::Left),
            Column::new("Quý I", 0.8, Align::Right),
            Column::new("Quý II", 0.8, Align::Right),
            Column::new("Quý III", 0.8, Align::Right),
            Column::new("Quý IV", 0.8, Align::Right),
            Column::new("Cả năm", 0.9, Align::Right),
        ])
        .size(12.0);
        // The year's column is the quarters' sum, so its total is the total of the quarters.
        let lines = self.quarters.iter().map(|r| {
            let [q1, q2, q3, q4] = r.quarters;
            (r.label.clone(), [q1, q2, q3, q4, q1 + q2 + q3 + q4])
        });
        doc.push(rows_with_total(t, lines, cell).0);
        doc.push(heading("III. MÔ HÌNH TỰ QUẢN VỀ AN NINH, TRẬT TỰ"));
        let mut t = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Loại mô hình", 3.4, Align::Left),
            Column::new("Đang hoạt động", 1.5, Align::Right),
            Column::new("Đã giải thể", 1.5, Align::Right),
        ]);
        for (i, m) in self.models.iter().enumerate() {
            t = t.row([(i + 1).to_string(), m.kind.clone(), cell(m.active), cell(m.dissolved)]);
        }
        doc.push(t);
        doc.push(heading("IV. NHẬN XÉT, PHƯƠNG HƯỚNG"));
        for l in dotted_lines(4) {
            doc.push(l);
        }
        doc.push(
            Paragraph::new(format!(
                "Trên đây là báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {year} của {}.",
                agency.police_name()
            ))
            .end_mark(),
        );
        doc.with(agency.chief_signs(agency.reported_to()))
    }
}

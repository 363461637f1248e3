//! The documents of an inspection (Nghị định 30): the Biên bản kiểm tra (Mẫu 1.9's shape), the
//! Thông báo kết luận kiểm tra, and the list of remediation tasks with their state.

use chrono::NaiveDate;

use super::{Agency, DOTS, Issue, day_words, dotted_lines, heading, line, lower_first, or_dots, paragraphs, signer};
use crate::print::model::{Align, Column, Document, LabeledLine, List, ListStyle, Paragraph, Signatures, Table, Title};

/// A remediation task as the documents list it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemedyItem {
    pub content: String,
    pub responsible: String,
    pub deadline: Option<NaiveDate>,
    /// "Quá hạn 3 ngày", "Đã hoàn thành (06/05/2026)" (the task list only).
    pub state: String,
    /// The last answer and its verdict, in a few words (the task list only).
    pub result: String,
}

impl RemedyItem {
    /// "Nội dung (chịu trách nhiệm: …; thời hạn: 30/04/2026)."
    fn sentence(&self) -> String {
        let deadline = self.deadline.map_or_else(|| DOTS.to_owned(), crate::date::display);
        format!(
            "{} (chịu trách nhiệm: {}; thời hạn hoàn thành: {deadline})",
            self.content.trim().trim_end_matches(['.', ';']),
            or_dots(&self.responsible)
        )
    }
}

/// What the Biên bản kiểm tra and the Thông báo kết luận show. Empty values print as dotted lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InspectionReport {
    /// The unit inspected ("Thôn Đắk Năng", "Công an xã Ia Đal").
    pub subject: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub place: String,
    pub decision_number: String,
    pub decision_date: Option<NaiveDate>,
    pub leader: String,
    pub team: Vec<String>,
    pub representative: String,
    /// One paragraph per line.
    pub scope: String,
    /// One item per line.
    pub strengths: String,
    pub shortcomings: String,
    pub conclusion: String,
    pub tasks: Vec<RemedyItem>,
}

impl InspectionReport {
    pub fn blank() -> Self {
        InspectionReport::default()
    }

    fn subject_words(&self) -> String {
        or_dots(&self.subject)
    }

    fn days(&self) -> String {
        match (self.starts_on, self.ends_on) {
            (Some(a), Some(b)) if a != b => format!("từ {} đến {}", day_words(Some(a)), day_words(Some(b))),
            (a, _) => day_words(a),
        }
    }

    /// "Thực hiện Quyết định số 12/QĐ-CAX ngày 01/03/2026 về việc thành lập Đoàn kiểm tra, "
    fn decision(&self) -> String {
        if self.decision_number.trim().is_empty() {
            return String::new();
        }
        let on = self.decision_date.map(|d| format!(" ngày {}", crate::date::display(d))).unwrap_or_default();
        format!("Thực hiện Quyết định số {}{on} về việc thành lập Đoàn kiểm tra, ", self.decision_number.trim())
    }

    /// A finding's lines as a dashed list, or dotted lines to write on.
    fn findings(&self, doc: &mut Document, text: &str) {
        let items: Vec<String> = text
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '+', '•']).trim())
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if items.is_empty() {
            for l in dotted_lines(3) {
                doc.push(l);
            }
            return;
        }
        let n = items.len();
        let items: Vec<String> = items
            .into_iter()
            .enumerate()
            .map(|(i, s)| format!("{}{}", s.trim_end_matches(['.', ';']), if i + 1 == n { "." } else { ";" }))
            .collect();
        doc.push(List::new(ListStyle::Dash, items));
    }

    fn tasks_list(&self, doc: &mut Document) {
        if self.tasks.is_empty() {
            for l in dotted_lines(3) {
                doc.push(l);
            }
            return;
        }
        let n = self.tasks.len();
        let items: Vec<String> = self
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{}{}", t.sentence(), if i + 1 == n { "." } else { ";" }))
            .collect();
        doc.push(List::new(ListStyle::Numbered, items));
    }

    /// Biên bản kiểm tra.
    pub fn minutes(&self, agency: &Agency, issue: &Issue) -> Document {
        let subject = self.subject_words();
        let mut doc = Document::new(format!("Biên bản kiểm tra: {subject}"))
            .with(issue.header(agency, false))
            .with(Title::new("Biên bản").subject(format!(
                "Kiểm tra công tác xây dựng phong trào toàn dân\nbảo vệ an ninh Tổ quốc tại {subject}"
            )))
            .with(LabeledLine::new("Thời gian", format!("{}.", self.days())))
            .with(line("Địa điểm", &self.place));
        if !self.decision_number.trim().is_empty() {
            let d = self.decision();
            doc.push(Paragraph::new(format!(
                "{}Đoàn kiểm tra của {} tiến hành kiểm tra tại {subject}.",
                crate::text::capitalise(&d),
                agency.own_name()
            )));
        }
        doc.push(heading("I. THÀNH PHẦN"));
        doc.push(LabeledLine::heading("1. Đoàn kiểm tra"));
        let mut members = vec![format!("{} – Trưởng đoàn;", or_dots(&self.leader))];
        members.extend(self.team.iter().map(|m| format!("{} – Thành viên;", m.trim().trim_end_matches([';', '.']))));
        if self.team.is_empty() && self.leader.trim().is_empty() {
            members.push(format!("{DOTS} – Thành viên;"));
        }
        if let Some(last) = members.last_mut() {
            *last = format!("{}.", last.trim_end_matches(';'));
        }
        doc.push(List::new(ListStyle::Dash, members));
        doc.push(line("2. Đại diện đơn vị được kiểm tra", &self.representative));
        doc.push(heading("II. NỘI DUNG KIỂM TRA"));
        let scope = paragraphs(&self.scope);
        if scope.is_empty() {
            for l in dotted_lines(3) {
                doc.push(l);
            }
        }
        for p in scope {
            doc.push(p);
        }
        doc.push(heading("III. KẾT QUẢ KIỂM TRA"));
        doc.push(LabeledLine::heading("1. Ưu điểm"));
        self.findings(&mut doc, &self.strengths);
        doc.push(LabeledLine::heading("2. Khuyết điểm, hạn chế"));
        self.findings(&mut doc, &self.shortcomings);
        doc.push(heading("IV. KIẾN NGHỊ, YÊU CẦU KHẮC PHỤC"));
        self.tasks_list(&mut doc);
        for p in paragraphs(&self.conclusion) {
            doc.push(p);
        }
        doc.push(
            Paragraph::new(
                "Biên bản được lập thành 02 bản có giá trị như nhau, Đoàn kiểm tra giữ 01 bản, đơn vị được kiểm tra giữ 01 bản; đã đọc lại cho những người có tên trên cùng nghe, nhất trí và ký tên.",
            )
            .end_mark(),
        );
        doc.with(Signatures::pair(
            signer(&["Đại diện đơn vị được kiểm tra"], &self.representative),
            signer(&["Trưởng đoàn kiểm tra"], &self.leader),
        ))
    }

    /// Thông báo kết luận kiểm tra.
    pub fn conclusion_notice(&self, agency: &Agency, issue: &Issue) -> Document {
        let subject = self.subject_words();
        let scope = self
            .scope
            .lines()
            .map(|l| lower_first(l.trim().trim_end_matches(['.', ';'])))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let scope = if scope.is_empty() { DOTS.to_owned() } else { scope };
        let mut doc = Document::new(format!("Thông báo kết luận kiểm tra: {subject}"))
            .with(issue.header(agency, true))
            .with(Title::new("Thông báo").subject(format!(
                "Kết luận kiểm tra công tác xây dựng phong trào toàn dân\nbảo vệ an ninh Tổ quốc tại {subject}"
            )))
            .with(Paragraph::new(crate::text::capitalise(&format!(
                "{}{}, Đoàn kiểm tra do đồng chí {} làm Trưởng đoàn đã kiểm tra tại {subject} về {scope}. Trên cơ sở kết quả kiểm tra và báo cáo của đơn vị, {} thông báo kết luận như sau:",
                self.decision(),
                self.days(),
                or_dots(&self.leader),
                agency.own_name()
            ))))
            .with(heading("1. Ưu điểm"));
        self.findings(&mut doc, &self.strengths);
        doc.push(heading("2. Khuyết điểm, hạn chế"));
        self.findings(&mut doc, &self.shortcomings);
        doc.push(heading("3. Yêu cầu khắc phục"));
        doc.push(Paragraph::new(format!("{subject} có trách nhiệm thực hiện các nội dung sau:")));
        self.tasks_list(&mut doc);
        for p in paragraphs(&self.conclusion) {
            doc.push(p);
        }
        doc.push(
            Paragraph::new(format!(
                "Kết quả khắc phục từng nội dung được báo cáo về {} trước thời hạn nêu trên, kèm tài liệu chứng minh.",
                agency.own_name()
            ))
            .end_mark(),
        );
        let [parent, committee] = agency.reported_to();
        doc.with(agency.chief_signs([subject.clone(), parent, committee]))
    }
}

/// The list of remediation tasks with their state on a day.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemedyTable {
    /// The inspection the tasks come from ("Công an tỉnh kiểm tra Công an xã – 12/03/2026"); empty:
    /// every inspection's.
    pub inspection: String,
    pub as_of: Option<NaiveDate>,
    pub tasks: Vec<RemedyItem>,
    /// "2 đang thực hiện, 1 quá hạn, 3 đã hoàn thành".
    pub summary: String,
}

impl RemedyTable {
    pub fn blank() -> Self {
        RemedyTable::default()
    }

    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let of = if self.inspection.trim().is_empty() {
            "sau các cuộc kiểm tra".to_owned()
        } else {
            format!("sau cuộc kiểm tra:\n{}", self.inspection.trim())
        };
        let mut doc = Document::new(format!("Danh sách nhiệm vụ khắc phục {}", of.replace('\n', " ")))
            .with(issue.header(agency, true))
            .with(Title::new("Danh sách").subject(format!(
                "Nhiệm vụ khắc phục {of}\nvà tình trạng thực hiện (tính đến {})",
                day_words(self.as_of)
            )));
        let mut t = Table::new(vec![
            Column::new("TT", 0.55, Align::Center),
            Column::new("Nội dung phải khắc phục", 2.6, Align::Left),
            Column::new("Chịu trách nhiệm", 1.5, Align::Left),
            Column::new("Thời hạn", 1.35, Align::Center),
            Column::new("Tình trạng", 1.45, Align::Left),
            Column::new("Kết quả, đánh giá", 2.25, Align::Left),
        ])
        .size(11.0);
        if self.tasks.is_empty() {
            for i in 1..=5 {
                t = t.row([i.to_string(), String::new(), String::new(), String::new(), String::new(), String::new()]);
            }
        }
        for (i, r) in self.tasks.iter().enumerate() {
            t = t.row([
                (i + 1).to_string(),
                r.content.clone(),
                r.responsible.clone(),
                r.deadline.map(crate::date::display).unwrap_or_default(),
                r.state.clone(),
                r.result.clone(),
            ]);
        }
        doc.push(t);
        if !self.summary.is_empty() {
            doc.push(Paragraph::new(format!("Tổng cộng {} nhiệm vụ: {}.", self.tasks.len(), self.summary)).end_mark());
        }
        doc.with(Signatures::single(signer(&[&agency.head_title()], &agency.chief)))
    }
}

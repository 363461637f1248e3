//! Biên bản họp (Nghị định 30, Mẫu 1.9): any meeting, including the bình xét of the yearly review.

use chrono::NaiveDateTime;

use super::{Agency, Issue, dotted_lines, heading, line, or_dots, paragraphs, signer, time_words};
use crate::print::model::{Document, LabeledLine, List, ListStyle, Paragraph, Recipients, Signatures};

/// Votes at a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Votes {
    pub for_: i64,
    pub against: i64,
    pub abstain: i64,
}

/// What a Biên bản họp shows. Empty values print as dotted lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MeetingMinutes {
    /// The meeting's name, printed under BIÊN BẢN.
    pub title: String,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub place: String,
    /// Who attended, one per line ("Ông Rơ Mah Hlim – Trưởng thôn").
    pub attendees: Vec<String>,
    pub attendee_count: Option<i64>,
    pub chair: String,
    pub secretary: String,
    /// The meeting's course (one paragraph per line).
    pub agenda: String,
    /// Conclusions (one paragraph per line).
    pub conclusions: String,
    pub votes: Option<Votes>,
    /// Who receives a copy ("Ủy ban nhân dân xã (để báo cáo)").
    pub recipients: Vec<String>,
}

impl MeetingMinutes {
    /// The blank form, to fill in by hand.
    pub fn blank() -> Self {
        MeetingMinutes::default()
    }

    /// "Kết quả biểu quyết: …" from the votes and the attendance.
    pub fn votes_text(&self) -> Option<String> {
        let v = self.votes?;
        let cast = v.for_ + v.against + v.abstain;
        let total = self.attendee_count.filter(|n| *n >= cast && *n > 0).unwrap_or(cast);
        let share = if total > 0 { format!(" ({})", crate::text::percent(v.for_, total)) } else { String::new() };
        Some(format!(
            "Kết quả biểu quyết: {}/{} người dự họp tán thành{share}; {} không tán thành; {} không biểu quyết.",
            v.for_, total, v.against, v.abstain
        ))
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let mut doc = Document::new(if self.title.is_empty() {
            "Biên bản họp".to_owned()
        } else {
            format!("Biên bản: {}", self.title)
        })
        .with(issue.header(agency, false))
        .with(crate::print::model::Title::new("Biên bản").subject(or_dots(&self.title)))
        .with(LabeledLine::new("Thời gian bắt đầu", format!("{}.", time_words(self.starts_at))))
        .with(line("Địa điểm", &self.place));
        if self.attendees.is_empty() {
            doc.push(LabeledLine::dotted("Thành phần tham dự"));
            for l in dotted_lines(2) {
                doc.push(l);
            }
        } else {
            let count = self.attendee_count.map(|n| format!(" (tổng số {} người)", super::int(n))).unwrap_or_default();
            doc.push(LabeledLine::new("Thành phần tham dự", count.trim_start().to_owned()).bold_label());
            let items: Vec<String> = self
                .attendees
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let end = if i + 1 == self.attendees.len() { "." } else { ";" };
                    format!("{}{end}", a.trim().trim_end_matches([';', '.']))
                })
                .collect();
            doc.push(List::new(ListStyle::Dash, items));
        }
        doc.push(line("Chủ trì (chủ tọa)", &self.chair));
        doc.push(line("Thư ký (người ghi biên bản)", &self.secretary));
        doc.push(LabeledLine::heading("Nội dung (theo diễn biến cuộc họp)"));
        let agenda = paragraphs(&self.agenda);
        let conclusions = paragraphs(&self.conclusions);
        if agenda.is_empty() && conclusions.is_empty() {
            for l in dotted_lines(14) {
                doc.push(l);
            }
        } else {
            for p in agenda {
                doc.push(p);
            }
            if !conclusions.is_empty() {
                doc.push(heading("Kết luận của chủ trì:").indent_mm(10.0));
                for p in conclusions {
                    doc.push(p);
                }
            }
        }
        if let Some(v) = self.votes_text() {
            doc.push(Paragraph::new(v));
        }
        let end = match self.ends_at {
            Some(t) => format!("Cuộc họp kết thúc vào {}.", time_words(Some(t))),
            None => format!("Cuộc họp kết thúc vào {}.", time_words(None)),
        };
        doc.push(Paragraph::new(end).end_mark());
        doc.push(Signatures::pair(signer(&["Thư ký"], &self.secretary), signer(&["Chủ tọa"], &self.chair)));
        let to = if self.recipients.is_empty() {
            vec![format!("{} (để báo cáo)", agency.committee_name())]
        } else {
            self.recipients.clone()
        };
        doc.with(Recipients::new(to).archive(agency.short.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_read_as_a_sentence() {
        let m = MeetingMinutes {
            votes: Some(Votes { for_: 45, against: 2, abstain: 0 }),
            attendee_count: Some(47),
            ..MeetingMinutes::blank()
        };
        assert_eq!(
            m.votes_text().unwrap(),
            "Kết quả biểu quyết: 45/47 người dự họp tán thành (95,7%); 2 không tán thành; 0 không biểu quyết."
        );
        assert_eq!(MeetingMinutes::blank().votes_text(), None);
    }
}

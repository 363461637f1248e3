//! Forms filled from an activity: the Kế hoạch and Giấy mời of a propaganda session or of the
//! Ngày hội toàn dân bảo vệ an ninh Tổ quốc (19/8), and the Biên bản tiếp nhận of weapons,
//! explosives and support tools handed in.

use chrono::NaiveDate;

use super::{Agency, DOTS, Issue, day_words, heading, int, line, lower_first, or_dots, signer, year_words};
use crate::print::model::{Align, Column, Document, LabeledLine, List, ListStyle, Paragraph, Signatures, Table, Title};

/// Which event a plan or an invitation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventKind {
    /// A propaganda session (tuyên truyền).
    #[default]
    Propaganda,
    /// Ngày hội toàn dân bảo vệ an ninh Tổ quốc.
    Festival,
}

/// An event as a plan and an invitation show it. Empty values print as dotted lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventPlan {
    pub kind: EventKind,
    /// "Tuyên truyền phòng, chống lừa đảo qua mạng tại Thôn Đắk Năng".
    pub title: String,
    pub date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub place: String,
    /// Topic (propaganda).
    pub topic: String,
    /// Form: "Họp dân", "Loa truyền thanh"… (propaganda).
    pub form: String,
    /// Audience ("Đồng bào dân tộc thiểu số").
    pub audience: String,
    /// Expected attendances or participants.
    pub expected: Option<i64>,
    /// Sites (festival).
    pub sites: Option<i64>,
    /// Gifts (festival).
    pub gifts: Option<i64>,
    /// Awards (festival).
    pub awards: String,
    pub notes: String,
}

impl EventPlan {
    /// The blank plan of a kind.
    pub fn blank(kind: EventKind) -> Self {
        EventPlan { kind, ..EventPlan::default() }
    }

    fn name(&self) -> String {
        match (self.kind, self.title.trim().is_empty()) {
            (_, false) => self.title.trim().to_owned(),
            (EventKind::Festival, true) => format!(
                "Ngày hội toàn dân bảo vệ an ninh Tổ quốc {}",
                year_words(self.date.map(|d| chrono::Datelike::year(&d)))
            ),
            (EventKind::Propaganda, true) => format!("tuyên truyền {DOTS}"),
        }
    }

    fn when(&self) -> String {
        match (self.date, self.end_date) {
            (Some(a), Some(b)) if b != a => format!("Từ {} đến {}.", day_words(Some(a)), day_words(Some(b))),
            (d, _) => format!("{}.", crate::text::capitalise(&day_words(d))),
        }
    }

    /// The Kế hoạch.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let name = self.name();
        let festival = self.kind == EventKind::Festival;
        let mut doc = Document::new(format!("Kế hoạch tổ chức {}", lower_first(&name)))
            .with(issue.header(agency, true))
            .with(Title::new("Kế hoạch").subject(format!("Tổ chức {}", lower_first(&name))))
            .with(Paragraph::new(format!(
                "Thực hiện Chỉ thị số 09-CT/TW ngày 01/12/2011 của Ban Bí thư về tăng cường sự lãnh đạo của Đảng đối với phong trào toàn dân bảo vệ an ninh Tổ quốc trong tình hình mới và Kết luận số 44-KL/TW ngày 22/01/2019 của Ban Bí thư về tiếp tục thực hiện Chỉ thị số 09-CT/TW, {} xây dựng kế hoạch tổ chức {} như sau:",
                agency.police_name(),
                lower_first(&name)
            )))
            .with(heading("I. MỤC ĐÍCH, YÊU CẦU"));
        let aims: Vec<&str> = if festival {
            vec![
                "Tôn vinh, biểu dương tập thể, cá nhân có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc; phát huy sức mạnh của khối đại đoàn kết toàn dân tộc;",
                "Tổ chức trang trọng, thiết thực, tiết kiệm; phần lễ và phần hội phù hợp với phong tục, tập quán của địa phương, bảo đảm an ninh, trật tự, an toàn.",
            ]
        } else {
            vec![
                "Nâng cao nhận thức, ý thức cảnh giác của Nhân dân; vận động Nhân dân tích cực tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc, tố giác tội phạm;",
                "Nội dung tuyên truyền ngắn gọn, dễ hiểu, phù hợp với đối tượng; hình thức linh hoạt, bảo đảm an toàn.",
            ]
        };
        doc.push(List::new(ListStyle::Dash, aims));
        doc.push(heading("II. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN, NỘI DUNG"));
        doc.push(LabeledLine::new("1. Thời gian", self.when()).bold_label());
        doc.push(line("2. Địa điểm", &self.place).bold_label());
        if festival {
            let sites = self
                .sites
                .map(|n| {
                    format!("{} điểm, gồm phần lễ tại {} và phần hội tại các khu dân cư", int(n), or_dots(&self.place))
                })
                .unwrap_or_default();
            doc.push(line("3. Số điểm tổ chức", &sites).bold_label());
            let who = self.expected.map(|n| format!("khoảng {} người, gồm đại diện lãnh đạo xã, các ban, ngành, đoàn thể và Nhân dân các khu dân cư", int(n))).unwrap_or_default();
            doc.push(line("4. Thành phần", &who).bold_label());
            doc.push(LabeledLine::heading("5. Nội dung").bold_label());
            let mut items = vec![
                "Phần lễ: báo cáo kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc trong năm; khen thưởng tập thể, cá nhân có thành tích xuất sắc;".to_owned(),
                "Phần hội: các hoạt động văn hóa, văn nghệ, thể dục, thể thao;".to_owned(),
            ];
            if let Some(g) = self.gifts {
                items.push(format!("Trao {} suất quà cho hộ nghèo, gia đình chính sách;", int(g)));
            }
            if !self.awards.trim().is_empty() {
                items.push(format!("Khen thưởng: {}", self.awards.trim()));
            }
            finish_items(&mut items);
            doc.push(List::new(ListStyle::Dash, items));
        } else {
            let who = match (self.audience.trim(), self.expected) {
                ("", None) => String::new(),
                (a, Some(n)) if !a.is_empty() => format!("{a}; dự kiến {} lượt người nghe", int(n)),
                (a, None) => a.to_owned(),
                (_, Some(n)) => format!("dự kiến {} lượt người nghe", int(n)),
            };
            doc.push(line("3. Đối tượng", &who).bold_label());
            doc.push(line("4. Nội dung", &self.topic).bold_label());
            doc.push(line("5. Hình thức", &self.form).bold_label());
        }
        if !self.notes.trim().is_empty() {
            doc.push(Paragraph::new(self.notes.trim()));
        }
        doc.push(heading("III. TỔ CHỨC THỰC HIỆN"));
        doc.push(List::new(ListStyle::Dash, [
            format!("{} chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam {}, các đoàn thể và khu dân cư tổ chức thực hiện kế hoạch; bảo đảm an ninh, trật tự tại nơi tổ chức;", agency.police_name(), agency.commune),
            "Trưởng các thôn, tổ dân phố thông báo, vận động Nhân dân tham gia đầy đủ; chuẩn bị địa điểm, âm thanh, ánh sáng;".to_owned(),
            "Kinh phí thực hiện từ nguồn kinh phí bảo đảm cho phong trào toàn dân bảo vệ an ninh Tổ quốc và nguồn xã hội hóa theo quy định.".to_owned(),
        ]));
        doc.push(
            Paragraph::new(format!(
                "Trên đây là Kế hoạch tổ chức {} của {}; đề nghị các đơn vị, cá nhân liên quan triển khai thực hiện.",
                lower_first(&name),
                agency.police_name()
            ))
            .end_mark(),
        );
        doc.with(agency.chief_signs([
            format!("{} (để báo cáo)", agency.committee_name()),
            format!("Ủy ban Mặt trận Tổ quốc Việt Nam {}", agency.commune),
            "Các thôn, tổ dân phố".to_owned(),
        ]))
    }
}

/// List items end with ";" and the last with ".".
fn finish_items(items: &mut [String]) {
    let n = items.len();
    for (i, it) in items.iter_mut().enumerate() {
        let t = it.trim_end().trim_end_matches([';', '.']).to_owned();
        *it = format!("{t}{}", if i + 1 == n { "." } else { ";" });
    }
}

/// A Giấy mời to an event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Invitation {
    pub event: EventPlan,
    /// The invitee ("Ông Siu Đen, Bí thư Chi bộ Thôn Đắk Năng"); empty for a line to write on.
    pub invitee: String,
    /// The hour ("07 giờ 30 phút"); empty for dots.
    pub hour: String,
}

impl Invitation {
    /// The blank invitation of a kind.
    pub fn blank(kind: EventKind) -> Self {
        Invitation { event: EventPlan::blank(kind), ..Invitation::default() }
    }

    /// The Giấy mời.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let e = &self.event;
        let name = e.name();
        let mut doc = Document::new(format!("Giấy mời dự {}", lower_first(&name)))
            .with(issue.header(agency, true))
            .with(Title::new("Giấy mời"))
            .with(Paragraph::new(format!("{} trân trọng kính mời:", agency.police_name())).indent_mm(10.0));
        doc.push(line("", &self.invitee));
        let hour = if self.hour.trim().is_empty() {
            "…… giờ …… phút".to_owned()
        } else {
            self.hour.trim().to_owned()
        };
        doc.push(LabeledLine::new("Tới dự", format!("{}.", name.trim_end_matches('.'))).bold_label());
        doc.push(LabeledLine::new("Thời gian", format!("{hour}, {}.", day_words(e.date))).bold_label());
        doc.push(line("Địa điểm", &e.place).bold_label());
        if e.kind == EventKind::Propaganda && !e.topic.trim().is_empty() {
            doc.push(LabeledLine::new("Nội dung", e.topic.trim()).bold_label());
        }
        doc.push(
            Paragraph::new(format!(
                "Rất mong Quý vị quan tâm, tham dự đúng thời gian và địa điểm. Mọi chi tiết xin liên hệ {}.",
                agency.police_name()
            ))
            .end_mark(),
        );
        doc.with(agency.chief_signs(["Như trên"]))
    }
}

/// One item handed in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReceivedItem {
    /// "Súng tự chế".
    pub name: String,
    /// "Vũ khí", "Vật liệu nổ", "Công cụ hỗ trợ".
    pub kind: String,
    /// "khẩu", "quả", "kg".
    pub measure: String,
    pub quantity: Option<i64>,
    /// "Đã hoen gỉ, không còn sử dụng được".
    pub condition: String,
}

/// Biên bản tiếp nhận vũ khí, vật liệu nổ, công cụ hỗ trợ.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeaponReceipt {
    pub date: Option<NaiveDate>,
    pub place: String,
    /// Who hands in ("Ông Rơ Châm Ngơl, trú tại Thôn Đắk Năng").
    pub giver: String,
    /// The officer who receives.
    pub receiver: String,
    pub items: Vec<ReceivedItem>,
    pub notes: String,
}

impl WeaponReceipt {
    /// The blank minutes.
    pub fn blank() -> Self {
        WeaponReceipt::default()
    }

    /// The giver's name alone, for the signature ("Rơ Châm Ngơl").
    fn giver_name(&self) -> String {
        let g = self.giver.split(',').next().unwrap_or("").trim();
        let g = g.strip_prefix("Ông ").or_else(|| g.strip_prefix("Bà ")).unwrap_or(g);
        g.to_owned()
    }

    /// The document.
    pub fn document(&self, agency: &Agency, issue: &Issue) -> Document {
        let mut doc = Document::new("Biên bản tiếp nhận vũ khí, vật liệu nổ, công cụ hỗ trợ")
            .with(issue.header(agency, false))
            .with(Title::new("Biên bản").subject("Tiếp nhận vũ khí, vật liệu nổ, công cụ hỗ trợ"))
            .with(Paragraph::new(format!("Hôm nay, {}, tại {}, chúng tôi gồm:", day_words(self.date), or_dots(&self.place))))
            .with(LabeledLine::heading("1. Bên giao nộp").bold_label())
            .with(line("Ông (bà)", &self.giver))
            .with(LabeledLine::heading("2. Bên tiếp nhận").bold_label())
            .with(line("Đồng chí", &if self.receiver.trim().is_empty() { String::new() } else { format!("{}, cán bộ {}", self.receiver.trim(), agency.police_name()) }))
            .with(Paragraph::new("Tiến hành giao, nhận vũ khí, vật liệu nổ, công cụ hỗ trợ do người dân tự nguyện giao nộp, cụ thể như sau:"));
        let mut table = Table::new(vec![
            Column::new("TT", 0.6, Align::Center),
            Column::new("Tên vũ khí, vật liệu nổ,\ncông cụ hỗ trợ", 3.0, Align::Left),
            Column::new("Loại", 1.6, Align::Left),
            Column::new("Đơn vị\ntính", 1.0, Align::Center),
            Column::new("Số\nlượng", 0.9, Align::Right),
            Column::new("Tình trạng", 2.0, Align::Left),
        ]);
        if self.items.is_empty() {
            for i in 1..=4 {
                table = table.row([
                    i.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        for (i, it) in self.items.iter().enumerate() {
            table = table.row([
                (i + 1).to_string(),
                it.name.clone(),
                it.kind.clone(),
                it.measure.clone(),
                it.quantity.map(int).unwrap_or_default(),
                it.condition.clone(),
            ]);
        }
        doc.push(table);
        if self.notes.trim().is_empty() {
            doc.push(LabeledLine::dotted("Ghi chú"));
        } else {
            doc.push(LabeledLine::new("Ghi chú", self.notes.trim()));
        }
        doc.push(Paragraph::new(
            "Bên tiếp nhận có trách nhiệm bảo quản và bàn giao số vũ khí, vật liệu nổ, công cụ hỗ trợ trên cho cơ quan có thẩm quyền theo quy định. Biên bản được lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản; đã đọc lại cho các bên cùng nghe, nhất trí và ký tên.",
        ).end_mark());
        doc.push(Signatures::pair(
            signer(&["Người giao nộp"], &self.giver_name()),
            signer(&["Người tiếp nhận"], &self.receiver),
        ));
        doc
    }
}

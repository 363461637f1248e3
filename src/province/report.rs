//! The province's summary report (Báo cáo tổng hợp kết quả phong trào toàn dân bảo vệ an ninh Tổ
//! quốc) for a period, in the Nghị định 30/2020/NĐ-CP format with the Công an tỉnh's header: the
//! province's indicators, a table by commune with the totals, and who sent their figures on time.
//! The number is left for the registry to write by hand (the province store keeps no register of
//! issued documents yet).

use chrono::NaiveDate;

use super::figures::ProvinceFigures;
use super::roster::Roster;
use crate::print::{
    Align, Column, Document, Header, Paragraph, PrintError, Recipients, Signatures, Signer, Table, Title,
};
use crate::text::format_int;

fn heading(text: &str) -> Paragraph {
    Paragraph::new(text).bold().keep_with_next()
}

fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{}%", p.to_string().replace('.', ",")))
}

/// The report's document.
pub fn document(f: &ProvinceFigures, roster: &Roster, date: NaiveDate) -> Document {
    let t = &f.total;
    let period = t.label.clone();
    let lower = {
        let mut c = period.chars();
        c.next().map(|x| x.to_lowercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    let mut doc = Document::new(format!("Báo cáo tổng hợp kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc {lower}"))
        .with(
            Header::new("BỘ CÔNG AN", format!("CÔNG AN TỈNH {}", f.province.to_uppercase()))
                .number("……/BC-CAT")
                .place_date(f.province.clone(), date),
        )
        .with(
            Title::new("Báo cáo")
                .subject(format!("Tổng hợp kết quả phong trào toàn dân\nbảo vệ an ninh Tổ quốc {lower}")),
        )
        .with(Paragraph::new(format!(
            "Thực hiện Chỉ thị số 09-CT/TW ngày 01/12/2011 của Ban Bí thư và hướng dẫn của Bộ Công an, Công an tỉnh {} \
tổng hợp kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {lower} từ số liệu của {} xã, phường, đặc khu \
như sau:",
            f.province,
            f.communes.len()
        )))
        .with(heading("I. CÁC CHỈ TIÊU CHỦ YẾU TOÀN TỈNH"));
    let mut table = Table::new(vec![
        Column::new("TT", 0.6, Align::Center),
        Column::new("Chỉ tiêu", 5.0, Align::Left),
        Column::new("Kết quả", 1.4, Align::Right),
    ]);
    for (i, x) in t.indicators.iter().enumerate() {
        let v = match x.of {
            Some(of) => format!("{} / {}", format_int(x.value), format_int(of)),
            None => format_int(x.value),
        };
        table = table.row([(i + 1).to_string(), x.label.clone(), v]);
    }
    doc.push(table);
    doc.push(heading("II. KẾT QUẢ THEO XÃ, PHƯỜNG, ĐẶC KHU"));
    let codes = ["tuyen_truyen_buoi", "tin_bao", "ho_cam_ket", "mo_hinh_theo_loai"];
    let mut table = Table::new(vec![
        Column::new("TT", 0.5, Align::Center),
        Column::new("Xã (mã)", 2.6, Align::Left),
        Column::new("Buổi tuyên truyền", 1.0, Align::Right),
        Column::new("Tin báo", 0.9, Align::Right),
        Column::new("Hộ ký cam kết", 1.0, Align::Right),
        Column::new("Mô hình hoạt động", 1.0, Align::Right),
        Column::new("Công nhận ANTT / đăng ký", 1.2, Align::Right),
    ])
    .size(11.0);
    let line = |x: &crate::figures::Figures| -> Vec<String> {
        let mut v: Vec<String> = codes.iter().map(|c| format_int(x.value(c))).collect();
        let (reg, rec) = x.antt.iter().fold((0, 0), |(a, b), r| (a + r.registered, b + r.recognised));
        v.push(format!("{} / {}", format_int(rec), format_int(reg)));
        v
    };
    for (i, c) in f.communes.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), format!("{} ({})", c.commune, c.commune_code)];
        row.extend(line(&c.figures));
        table = table.row(row);
    }
    let mut row = vec![String::new(), "Cộng toàn tỉnh".to_owned()];
    row.extend(line(t));
    doc.push(table.row(row));
    doc.push(heading("III. TÌNH HÌNH GỬI SỐ LIỆU"));
    doc.push(Paragraph::new(format!(
        "{}: phải gửi {} kỳ, đã nhận {} ({}), đúng hạn {} ({}).",
        roster.rules.describe(),
        roster.expected,
        roster.received,
        pct(roster.received_rate),
        roster.on_time,
        pct(roster.on_time_rate)
    )));
    let late: Vec<String> = roster
        .late()
        .iter()
        .map(|c| {
            let periods: Vec<String> = c
                .periods
                .iter()
                .filter(|p| matches!(p.state, super::roster::State::Late | super::roster::State::Missing))
                .map(|p| format!("{} {}", p.period.label().to_lowercase(), p.state_label.to_lowercase()))
                .collect();
            format!("{} ({}): {}", c.commune, c.commune_code, periods.join(", "))
        })
        .collect();
    if late.is_empty() {
        doc.push(Paragraph::new("Các xã đều gửi số liệu đúng hạn."));
    } else {
        doc.push(Paragraph::new("Các xã gửi muộn hoặc chưa gửi:"));
        for l in late {
            doc.push(Paragraph::new(format!("- {l};")));
        }
    }
    doc.push(heading("IV. NHẬN XÉT, PHƯƠNG HƯỚNG"));
    for _ in 0..3 {
        doc.push(Paragraph::new("………………………………………………………………………………………………"));
    }
    doc.push(
        Paragraph::new(format!(
            "Trên đây là báo cáo tổng hợp kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc {lower} của Công an tỉnh {}.",
            f.province
        ))
        .end_mark(),
    );
    doc.with(Signatures::with_recipients(
        Recipients::new([
            "Bộ Công an (Cục Xây dựng phong trào bảo vệ an ninh Tổ quốc) (để báo cáo)".to_owned(),
            format!("Tỉnh ủy, Ủy ban nhân dân tỉnh {} (để báo cáo)", f.province),
            "Công an các xã, phường, đặc khu".to_owned(),
        ])
        .archive("CAT"),
        Signer::new(["GIÁM ĐỐC"], "").note("(Ký, ghi rõ họ tên, đóng dấu)"),
    ))
}

/// The report as a PDF.
pub fn render(f: &ProvinceFigures, roster: &Roster, date: NaiveDate) -> Result<Vec<u8>, PrintError> {
    crate::print::render(&document(f, roster, date))
}

/// The late list of a period, one page: each commune with a period late or still missing.
pub fn late_document(province: &str, roster: &Roster, date: NaiveDate) -> Document {
    let late = roster.late();
    let mut doc = Document::new(format!("Danh sách xã gửi số liệu muộn hoặc chưa gửi – {}", roster.label))
        .with(
            Header::new("BỘ CÔNG AN", format!("CÔNG AN TỈNH {}", province.to_uppercase()))
                .place_date(province.to_owned(), date),
        )
        .with(Title::new("Danh sách").subject(format!("Các xã gửi số liệu muộn hoặc chưa gửi\n{}", roster.label)))
        .with(Paragraph::new(format!(
            "{} trên {} xã có kỳ báo cáo gửi muộn hoặc chưa gửi (tính đến ngày {}).",
            late.len(),
            roster.communes.len(),
            crate::date::display(date)
        )));
    let mut table = Table::new(vec![
        Column::new("TT", 0.5, Align::Center),
        Column::new("Mã xã", 0.9, Align::Center),
        Column::new("Xã", 2.2, Align::Left),
        Column::new("Gửi muộn", 2.2, Align::Left),
        Column::new("Chưa gửi", 2.2, Align::Left),
    ]);
    for (i, c) in late.iter().enumerate() {
        let of = |s: super::roster::State| {
            c.periods.iter().filter(|p| p.state == s).map(|p| p.period.label()).collect::<Vec<_>>().join(", ")
        };
        table = table.row([
            (i + 1).to_string(),
            c.commune_code.clone(),
            c.commune.clone(),
            of(super::roster::State::Late),
            of(super::roster::State::Missing),
        ]);
    }
    doc.push(table);
    doc
}

/// The late list as a PDF.
pub fn render_late(province: &str, roster: &Roster, date: NaiveDate) -> Result<Vec<u8>, PrintError> {
    crate::print::render(&late_document(province, roster, date))
}

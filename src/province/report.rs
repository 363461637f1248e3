//! The province's summary report (Báo cáo tổng hợp kết quả phong trào toàn dân bảo vệ an ninh Tổ
//! quốc) for a period, in the Nghị định 30/2020/NĐ-CP format with the Công an tỉnh's header: the
//! province's indicators, a table by commune with the totals, and who sent their figures on time.
//! Numbered through the province's register of issued documents ([`issue`],
//! `store::province_documents`): printing the same period's report again keeps its number and date;
//! a preview takes no number.

use std::path::Path;

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

/// The report's form name in the province's register, and its series.
pub const FORM: &str = "bao-cao-tong-hop";
pub const SERIES: &str = "BC-CAT";

/// The report's document; `number` `None` (a preview): "……/BC-CAT", to write by hand.
pub fn document(f: &ProvinceFigures, roster: &Roster, date: NaiveDate, number: Option<&str>) -> Document {
    let t = &f.total;
    let period = t.label.clone();
    let lower = {
        let mut c = period.chars();
        c.next().map(|x| x.to_lowercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    let mut doc = Document::new(format!("Báo cáo tổng hợp kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc {lower}"))
        .with(
            Header::new("BỘ CÔNG AN", format!("CÔNG AN TỈNH {}", f.province.to_uppercase()))
                .number(number.map_or_else(|| format!("……/{SERIES}"), str::to_owned))
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
pub fn render(
    f: &ProvinceFigures,
    roster: &Roster,
    date: NaiveDate,
    number: Option<&str>,
) -> Result<Vec<u8>, PrintError> {
    crate::print::render(&document(f, roster, date, number))
}

/// The summary report of `period` printed under a number of the province's register: the number
/// and date it was first given, unless `new` (the officer's explicit "Cấp số mới"). The PDF, the
/// register's entry, and whether it was a reprint.
pub fn issue(
    p: &mut crate::sync::province::Province,
    period: crate::period::Period,
    new: bool,
    today: NaiveDate,
) -> crate::Result<(Vec<u8>, crate::store::province_documents::ProvinceDoc, bool)> {
    let f = super::figures::figures(p, period, None)?;
    let r = super::roster::roster(p, period, today)?;
    let period_text = period.to_string();
    let target = crate::store::province_documents::ProvinceTarget {
        form: FORM,
        series: SERIES,
        period: &period_text,
        date: today,
    };
    let now = chrono::Utc::now().to_rfc3339();
    let (doc, pdf, again) = p.db_mut().issue_or_reprint(&target, new, &now, |doc| {
        render(&f, &r, doc.issued_on, Some(&doc.number_text())).map_err(crate::Error::Print)
    })?;
    Ok((pdf, doc, again))
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

/// The late list of `period` as it stands on `today`, rendered to PDF and written at `out` atomically:
/// the same bytes for the window's preview and «Lưu PDF» and for the command line's
/// `province print danh-sach-gui-muon`. The PDF, and the period's label.
pub fn late_pdf(
    p: &crate::sync::province::Province,
    period: crate::period::Period,
    today: NaiveDate,
    out: &Path,
) -> crate::Result<(Vec<u8>, String)> {
    let r = super::roster::roster(p, period, today)?;
    let pdf = render_late(&p.meta().province, &r, today).map_err(crate::Error::Print)?;
    crate::fsutil::write_atomic(out, &pdf)?;
    Ok((pdf, r.label))
}

/// The quarantine queue as a document: each record a commune sent that broke the rules, with its
/// commune, the reason and the decision taken (or none yet).
pub fn quarantine_document(province: &str, items: &[super::quarantine::Item], date: NaiveDate) -> Document {
    let waiting = items.iter().filter(|i| i.entry.decision.is_none()).count();
    let mut doc = Document::new(format!("Danh sách bản ghi bị cách ly – Công an tỉnh {province}"))
        .with(
            Header::new("BỘ CÔNG AN", format!("CÔNG AN TỈNH {}", province.to_uppercase()))
                .place_date(province.to_owned(), date),
        )
        .with(Title::new("Danh sách").subject("Các bản ghi bị cách ly khi nhận số liệu của xã"))
        .with(Paragraph::new(format!(
            "Đến ngày {}, có {} bản ghi sai quy định được giữ riêng, chưa tính vào số liệu toàn tỉnh; {} bản ghi chờ quyết định.",
            crate::date::display(date),
            format_int(items.len() as i64),
            format_int(waiting as i64)
        )));
    if items.is_empty() {
        doc.push(Paragraph::new("Không có bản ghi nào bị cách ly."));
        return doc;
    }
    let mut table = Table::new(vec![
        Column::new("TT", 0.5, Align::Center),
        Column::new("Xã (mã)", 1.6, Align::Left),
        Column::new("Loại bản ghi", 1.1, Align::Left),
        Column::new("Lý do", 2.6, Align::Left),
        Column::new("Nhận lúc", 1.1, Align::Center),
        Column::new("Quyết định", 1.8, Align::Left),
    ])
    .size(11.0);
    for (n, i) in items.iter().enumerate() {
        let decision = match &i.entry.decision {
            None => "Chờ quyết định".to_owned(),
            Some(d) => format!(
                "{} ({}, {}): {}",
                if d.decision == "accept" { "Chấp nhận" } else { "Giữ từ chối" },
                crate::date::display_stamp(&d.decided_at),
                d.decided_by,
                d.note
            ),
        };
        table = table.row([
            (n + 1).to_string(),
            format!("{} ({})", i.commune, i.entry.commune_code),
            crate::text::capitalise(&i.kind_label),
            // The whole reason is in the spreadsheet and on the screen; a line of the list stays short.
            crate::text::printable(&i.entry.reason, 240),
            crate::date::display_stamp(&i.entry.at),
            decision,
        ]);
    }
    doc.push(table);
    doc
}

/// The quarantine queue as a PDF.
pub fn render_quarantine(
    province: &str,
    items: &[super::quarantine::Item],
    date: NaiveDate,
) -> Result<Vec<u8>, PrintError> {
    crate::print::render(&quarantine_document(province, items, date))
}

/// The quarantine queue as it stands on `today`, rendered to PDF and written at `out` atomically: the
/// same bytes for the window's preview and «Lưu PDF» and for the command line's
/// `province print danh-sach-cach-ly`.
pub fn quarantine_pdf(p: &crate::sync::province::Province, today: NaiveDate, out: &Path) -> crate::Result<Vec<u8>> {
    let q = super::quarantine::queue(p)?;
    let pdf = render_quarantine(&p.meta().province, &q, today).map_err(crate::Error::Print)?;
    crate::fsutil::write_atomic(out, &pdf)?;
    Ok(pdf)
}

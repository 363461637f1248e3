//! The console's tables as .xlsx spreadsheets: the roster, the figures by commune, the quarantine
//! queue. Vietnamese headers, a column for the province and one for the commune with its code,
//! numbers as numbers, dates as dates (in Vietnam's time).

use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::figures::ProvinceFigures;
use super::quarantine::Item;
use super::roster::Roster;
use crate::error::{Error, Result};
use crate::period::vietnam;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// Shown in Vietnam's time.
    Time(DateTime<Utc>),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn int(n: impl Into<i64>) -> Cell {
        Cell::Number(n.into() as f64)
    }

    fn opt_rate(p: Option<f64>) -> Cell {
        p.map_or(Cell::Empty, Cell::Number)
    }

    fn iso_day(s: &str) -> Cell {
        NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").map_or(Cell::Empty, Cell::Date)
    }

    fn rfc3339(s: Option<&str>) -> Cell {
        s.and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map_or(Cell::Empty, |t| Cell::Time(t.with_timezone(&Utc)))
    }
}

/// One worksheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| (*s).to_owned()).collect()
}

/// The roster: one row per commune, and one per commune and period.
pub fn roster_sheets(province: &str, r: &Roster) -> Vec<Sheet> {
    let summary = Sheet {
        name: "Các xã".into(),
        headers: headers(&[
            "Tỉnh",
            "Mã xã",
            "Xã",
            "Kỳ báo cáo",
            "Số kỳ phải gửi",
            "Đã nhận",
            "Đúng hạn",
            "Tỷ lệ đã nhận (%)",
            "Tỷ lệ đúng hạn (%)",
            "Gói cuối (số)",
            "Gói cuối tạo lúc",
            "Nhập lần cuối lúc",
            "Gói còn thiếu",
            "Bản ghi bị cách ly",
            "Khóa bị thu hồi",
        ]),
        rows: r
            .communes
            .iter()
            .map(|c| {
                vec![
                    Cell::text(province),
                    Cell::text(&c.commune_code),
                    Cell::text(&c.commune),
                    Cell::text(r.period.label()),
                    Cell::int(c.expected),
                    Cell::int(c.received),
                    Cell::int(c.on_time),
                    Cell::opt_rate(c.received_rate),
                    Cell::opt_rate(c.on_time_rate),
                    c.last_bundle_seq.map_or(Cell::Empty, Cell::int),
                    Cell::rfc3339(c.last_bundle_at.as_deref()),
                    Cell::rfc3339(c.last_import_at.as_deref()),
                    Cell::text(c.gaps.iter().map(|g| format!("{}–{}", g.first, g.last)).collect::<Vec<_>>().join(", ")),
                    Cell::int(c.quarantined as i64),
                    Cell::text(if c.revoked { "Có" } else { "Không" }),
                ]
            })
            .collect(),
    };
    let periods = Sheet {
        name: "Theo kỳ".into(),
        headers: headers(&[
            "Tỉnh",
            "Mã xã",
            "Xã",
            "Kỳ",
            "Ngày chốt số liệu",
            "Hạn gửi",
            "Tình trạng",
            "Gói số",
            "Gói tạo lúc",
            "Nhập lúc",
        ]),
        rows: r
            .communes
            .iter()
            .flat_map(|c| {
                c.periods.iter().map(move |p| {
                    vec![
                        Cell::text(province),
                        Cell::text(&c.commune_code),
                        Cell::text(&c.commune),
                        Cell::text(p.period.label()),
                        Cell::iso_day(&p.end),
                        Cell::iso_day(&p.due),
                        Cell::text(p.state_label),
                        p.bundle_seq.map_or(Cell::Empty, Cell::int),
                        Cell::rfc3339(p.bundle_created_at.as_deref()),
                        Cell::rfc3339(p.bundle_imported_at.as_deref()),
                    ]
                })
            })
            .collect(),
    };
    vec![summary, periods]
}

/// The figures: one row per commune and the province's total, one column per number.
pub fn figures_sheet(f: &ProvinceFigures) -> Sheet {
    let t = &f.total;
    let mut h: Vec<String> = headers(&["Tỉnh", "Mã xã", "Xã"]);
    h.extend(t.indicators.iter().map(|i| i.label.clone()));
    h.extend(t.models.iter().flat_map(|m| {
        [
            format!("Mô hình {}: đang hoạt động", m.label.to_lowercase()),
            format!("Mô hình {}: đã giải thể", m.label.to_lowercase()),
        ]
    }));
    h.extend(headers(&["Tổ bảo vệ ANTT", "Thành viên tổ", "Số hộ", "Hộ đăng ký tham gia", "Hộ ký cam kết trong kỳ"]));
    h.extend(t.antt.iter().flat_map(|a| {
        [
            format!("{}: đăng ký \"An toàn về ANTT\"", a.label),
            format!("{}: được công nhận", a.label),
            format!("{}: tỷ lệ (%)", a.label),
        ]
    }));
    let row = |code: &str, name: &str, x: &crate::figures::Figures| {
        let mut r = vec![Cell::text(&f.province), Cell::text(code), Cell::text(name)];
        r.extend(x.indicators.iter().map(|i| Cell::int(i.value)));
        r.extend(x.models.iter().flat_map(|m| [Cell::int(m.active), Cell::int(m.dissolved)]));
        r.extend([
            Cell::int(x.teams),
            Cell::int(x.members),
            Cell::int(x.households.total),
            Cell::int(x.households.registered),
            Cell::int(x.households.committed),
        ]);
        r.extend(
            x.antt.iter().flat_map(|a| [Cell::int(a.registered), Cell::int(a.recognised), Cell::opt_rate(a.percent)]),
        );
        r
    };
    let mut rows: Vec<Vec<Cell>> = f.communes.iter().map(|c| row(&c.commune_code, &c.commune, &c.figures)).collect();
    rows.push(row("", "Toàn tỉnh", t));
    Sheet { name: "Số liệu".into(), headers: h, rows }
}

/// The quarantine queue.
pub fn quarantine_sheet(province: &str, items: &[Item]) -> Sheet {
    Sheet {
        name: "Bản ghi bị cách ly".into(),
        headers: headers(&[
            "Tỉnh",
            "Mã xã",
            "Xã",
            "Mã",
            "Loại bản ghi",
            "Mã bản ghi",
            "Lý do",
            "Cách ly lúc",
            "Quyết định",
            "Ghi chú",
            "Quyết định lúc",
        ]),
        rows: items
            .iter()
            .map(|i| {
                let d = i.entry.decision.as_ref();
                vec![
                    Cell::text(province),
                    Cell::text(&i.entry.commune_code),
                    Cell::text(&i.commune),
                    Cell::text(&i.id),
                    Cell::text(&i.kind_label),
                    Cell::text(&i.entry.record_id),
                    Cell::text(&i.entry.reason),
                    Cell::rfc3339(Some(&i.entry.at)),
                    Cell::text(match d.map(|d| d.decision.as_str()) {
                        None => "Chờ quyết định",
                        Some("accept") => "Chấp nhận",
                        Some(_) => "Giữ từ chối",
                    }),
                    d.map_or(Cell::Empty, |d| Cell::text(&d.note)),
                    Cell::rfc3339(d.map(|d| d.decided_at.as_str())),
                ]
            })
            .collect(),
    }
}

fn failed() -> Error {
    Error::Refused("Không tạo được bảng tính (.xlsx) từ số liệu này; không ghi tệp nào.".into())
}

/// Writes the sheets as one .xlsx file (atomically).
pub fn write_xlsx(sheets: &[Sheet], out: &Path) -> Result<()> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let time = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let pct = Format::new().set_num_format("0.0");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(|_| failed())?;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(|_| failed())?;
            ws.set_column_width(c as u16, (h.chars().count() as f64 * 0.9).clamp(8.0, 28.0)).map_err(|_| failed())?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                let is_pct = s.headers.get(c as usize).is_some_and(|h| h.contains("(%)"));
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        ws.write_string(r, c, t).map_err(|_| failed())?;
                    }
                    Cell::Number(n) if is_pct => {
                        ws.write_number_with_format(r, c, *n, &pct).map_err(|_| failed())?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c, *n).map_err(|_| failed())?;
                    }
                    Cell::Date(d) => {
                        let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(|_| failed())?;
                        ws.write_datetime_with_format(r, c, &x, &date).map_err(|_| failed())?;
                    }
                    Cell::Time(t) => {
                        let l = t.with_timezone(&vietnam());
                        let x = ExcelDateTime::from_ymd(l.year() as u16, l.month() as u8, l.day() as u8)
                            .and_then(|x| x.and_hms(l.hour() as u16, l.minute() as u8, l.second() as f64))
                            .map_err(|_| failed())?;
                        ws.write_datetime_with_format(r, c, &x, &time).map_err(|_| failed())?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(|_| failed())?;
        if !s.rows.is_empty() {
            ws.autofilter(0, 0, s.rows.len() as u32, s.headers.len().saturating_sub(1) as u16).map_err(|_| failed())?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(|_| failed())?;
    crate::fsutil::write_atomic(out, &bytes)
}

/// The late list: one row per commune with a period late or missing.
pub fn late_sheet(province: &str, r: &Roster) -> Sheet {
    use super::roster::State;
    let of = |c: &super::roster::CommuneRow, s: State| {
        c.periods.iter().filter(|p| p.state == s).map(|p| p.period.label()).collect::<Vec<_>>().join(", ")
    };
    Sheet {
        name: "Gửi muộn".into(),
        headers: headers(&["Tỉnh", "Mã xã", "Xã", "Kỳ báo cáo", "Gửi muộn", "Chưa gửi", "Đã nhận", "Đúng hạn"]),
        rows: r
            .late()
            .into_iter()
            .map(|c| {
                vec![
                    Cell::text(province),
                    Cell::text(&c.commune_code),
                    Cell::text(&c.commune),
                    Cell::text(r.period.label()),
                    Cell::text(of(c, State::Late)),
                    Cell::text(of(c, State::Missing)),
                    Cell::int(c.received),
                    Cell::int(c.on_time),
                ]
            })
            .collect(),
    }
}

/// Writes one of the console's tables (`roster`, `late`, `figures`, `quarantine`) for `period` to `out`.
pub fn write_table(
    p: &crate::sync::province::Province,
    table: &str,
    period: crate::period::Period,
    today: chrono::NaiveDate,
    out: &Path,
) -> Result<()> {
    let province = p.meta().province.clone();
    let sheets = match table {
        "roster" => roster_sheets(&province, &super::roster::roster(p, period, today)?),
        "late" => vec![late_sheet(&province, &super::roster::roster(p, period, today)?)],
        "figures" => vec![figures_sheet(&super::figures::figures(p, period, None)?)],
        "quarantine" => vec![quarantine_sheet(&province, &super::quarantine::queue(p)?)],
        other => {
            return Err(crate::Error::field(
                "table",
                "Bảng",
                format!("«{}» không có; chọn roster, late, figures hoặc quarantine", crate::text::printable(other, 20)),
            ));
        }
    };
    write_xlsx(&sheets, out)
}

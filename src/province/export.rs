//! The console's tables as .xlsx spreadsheets: the roster, the figures by commune, the quarantine
//! queue. Vietnamese headers, a column for the province and one for the commune with its code,
//! numbers as numbers, dates as dates (in Vietnam's time).

use super::figures::ProvinceFigures;
use super::quarantine::Item;
use super::roster::Roster;
use std::path::Path;

use crate::error::Result;
pub use crate::sheet::{Cell, Sheet, write_xlsx};

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

/// The communes behind one figure of the province's table (the drill-down's first level): each
/// commune whose figure is not zero, then the province's total.
pub fn figure_communes_sheet(f: &ProvinceFigures, key: &str) -> Result<Sheet> {
    let (column, total) = super::figures::column(&f.total, key)?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for c in &f.communes {
        let v = value_of(&c.figures, key);
        if v != 0 {
            rows.push(vec![
                Cell::text(&f.province),
                Cell::text(&c.commune_code),
                Cell::text(&c.commune),
                Cell::text(&f.total.label),
                Cell::int(v),
            ]);
        }
    }
    rows.push(vec![
        Cell::text(&f.province),
        Cell::Empty,
        Cell::text("Toàn tỉnh"),
        Cell::text(&f.total.label),
        Cell::int(total),
    ]);
    Ok(Sheet {
        name: "Các xã".into(), headers: headers(&["Tỉnh", "Mã xã", "Xã", "Kỳ báo cáo", &column.label]), rows
    })
}

fn value_of(f: &crate::figures::Figures, key: &str) -> i64 {
    super::figures::columns(f).into_iter().find(|(c, _)| c.key == key).map_or(0, |(_, v)| v)
}

/// The records of one commune behind one figure (the drill-down's second level): the register, the
/// record's title, what it adds to the figure, then every field the records have (numbers as numbers,
/// dates as dates), and the record's id.
pub fn behind_sheet(f: &ProvinceFigures, key: &str, records: &[super::figures::Behind]) -> Result<Sheet> {
    use super::figures::Typed;
    let (column, _) = super::figures::column(&f.total, key)?;
    let commune = f.communes.first();
    let mut labels: Vec<String> = Vec::new();
    for r in records {
        for (l, _) in &r.fields {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
    }
    let mut h =
        headers(&["Tỉnh", "Mã xã", "Xã", "Kỳ báo cáo", "Sổ", "Tên", &format!("Tính vào số «{}»", column.label)]);
    h.extend(labels.iter().cloned());
    h.push(crate::sheet::import::ID_HEADER.into());
    let rows = records
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::text(&f.province),
                Cell::text(commune.map_or("", |c| c.commune_code.as_str())),
                Cell::text(commune.map_or("", |c| c.commune.as_str())),
                Cell::text(&f.total.label),
                Cell::text(crate::text::capitalise(r.kind.label())),
                Cell::text(&r.title),
                Cell::int(r.value),
            ];
            for l in &labels {
                let at = r.fields.iter().position(|(x, _)| x == l);
                row.push(match at {
                    None => Cell::Empty,
                    Some(i) => match r.typed.get(i) {
                        Some(Typed::Int(n)) => Cell::int(*n),
                        Some(Typed::Date(d)) => Cell::Date(*d),
                        Some(Typed::DateTime(t)) => Cell::Local(*t),
                        _ => Cell::text(&r.fields[i].1),
                    },
                });
            }
            row.push(Cell::text(&r.id));
            row
        })
        .collect();
    Ok(Sheet { name: "Bản ghi".into(), headers: h, rows })
}

/// Which of the console's tables, and how far down a figure.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// `roster`, `late`, `figures`, `quarantine`.
    pub table: &'a str,
    pub period: crate::period::Period,
    /// For `figures`: one figure's communes (see `figures::columns` for the keys)…
    pub column: Option<&'a str>,
    /// …and with it, one commune's records behind that figure…
    pub commune: Option<&'a str>,
    /// …narrowed by the officer's search and filters (the table as the window shows it); without a
    /// commune, its search and sort apply to the communes.
    pub narrowed: Option<&'a super::drill::Query>,
}

/// The sheets of one of the console's tables.
pub fn sheets(p: &crate::sync::province::Province, w: &Wanted<'_>, today: chrono::NaiveDate) -> Result<Vec<Sheet>> {
    let province = p.meta().province.clone();
    Ok(match (w.table, w.column, w.commune) {
        ("roster", _, _) => roster_sheets(&province, &super::roster::roster(p, w.period, today)?),
        ("late", _, _) => vec![late_sheet(&province, &super::roster::roster(p, w.period, today)?)],
        // The communes as the window shows them: searched and ordered as asked.
        ("figures", None, None) => vec![figures_sheet(&communes_of(p, w)?)],
        ("figures", Some(key), None) => vec![figure_communes_sheet(&communes_of(p, w)?, key)?],
        ("figures", Some(key), Some(commune)) => {
            let f = super::figures::figures(p, w.period, Some(commune))?;
            super::figures::column(&f.total, key)?;
            let records = super::figures::behind(p, w.period, commune, Some(key))?;
            let records = match w.narrowed {
                Some(q) => super::drill::narrow(records, q)?,
                None => records,
            };
            vec![behind_sheet(&f, key, &records)?]
        }
        ("figures", None, Some(_)) => {
            return Err(crate::Error::field(
                "column",
                "Số liệu",
                "các bản ghi của một xã đứng sau một số liệu: hãy chọn cả số liệu (--column)",
            ));
        }
        ("quarantine", _, _) => vec![quarantine_sheet(&province, &super::quarantine::queue(p)?)],
        (other, _, _) => {
            return Err(crate::Error::field(
                "table",
                "Bảng",
                format!("«{}» không có; chọn roster, late, figures hoặc quarantine", crate::text::printable(other, 20)),
            ));
        }
    })
}

/// The province's figures for `w`'s period, the communes searched and ordered by `w.narrowed`.
fn communes_of(p: &crate::sync::province::Province, w: &Wanted<'_>) -> Result<ProvinceFigures> {
    let f = super::figures::figures(p, w.period, None)?;
    match w.narrowed {
        Some(q) => super::drill::figure_communes(
            f,
            &super::drill::CommuneQuery { search: q.search.clone(), sort: q.sort.clone() },
        ),
        None => Ok(f),
    }
}

/// Writes one of the console's tables to `out` (atomically).
pub fn write_table(
    p: &crate::sync::province::Province,
    w: &Wanted<'_>,
    today: chrono::NaiveDate,
    out: &Path,
) -> Result<()> {
    write_xlsx(&sheets(p, w, today)?, out)
}

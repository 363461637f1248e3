//! The commune's figures as spreadsheets: the dashboard's tables and the yearly report's figures,
//! each row opening with the province and the commune with its code (so that the province can put
//! many communes' files together). Numbers as numbers; the same figures the window and the printed
//! report show (`crate::dashboard`, `crate::print::fill::year_report`).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Cell, Sheet, write_xlsx, write_xlsx_new};
use crate::dashboard::Dashboard;
use crate::error::Result;
use crate::print::forms::YearReport;
use crate::store::{Commune, Store};

fn place(c: &Commune) -> Vec<Cell> {
    vec![Cell::text(&c.province), Cell::text(&c.commune_code), Cell::text(&c.commune)]
}

fn sheet(name: &str, c: &Commune, rest: &[&str], rows: Vec<Vec<Cell>>) -> Sheet {
    let mut headers: Vec<String> = ["Tỉnh", "Mã xã", "Xã"].iter().map(|s| (*s).to_owned()).collect();
    headers.extend(rest.iter().map(|s| (*s).to_owned()));
    Sheet {
        name: name.into(),
        headers,
        rows: rows
            .into_iter()
            .map(|r| {
                let mut row = place(c);
                row.extend(r);
                row
            })
            .collect(),
    }
}

/// The dashboard's tables: records per register, models by kind and status, activities by month
/// and by category for its year, members by team, and what needs attention.
pub fn dashboard_sheets(c: &Commune, d: &Dashboard) -> Vec<Sheet> {
    let year = d.year.to_string();
    vec![
        sheet(
            "Số bản ghi",
            c,
            &["Sổ", "Số bản ghi"],
            d.totals
                .iter()
                .map(|t| vec![Cell::text(crate::text::capitalise(t.kind.label())), Cell::int(t.count)])
                .collect(),
        ),
        sheet(
            "Mô hình theo loại",
            c,
            &["Loại mô hình", "Đang hoạt động", "Đã giải thể"],
            d.models_by_kind
                .iter()
                .map(|m| vec![Cell::text(&m.label), Cell::int(m.active), Cell::int(m.dissolved)])
                .collect(),
        ),
        sheet(
            "Hoạt động theo tháng",
            c,
            &["Năm", "Tháng", "Số hoạt động"],
            d.activities_by_month
                .iter()
                .map(|m| vec![Cell::int(d.year), Cell::int(m.month), Cell::int(m.count)])
                .collect(),
        ),
        sheet(
            "Hoạt động theo loại",
            c,
            &["Năm", "Loại hoạt động", "Số hoạt động"],
            d.activities_by_category
                .iter()
                .map(|a| vec![Cell::text(&year), Cell::text(&a.label), Cell::int(a.count)])
                .collect(),
        ),
        sheet(
            "Thành viên theo tổ",
            c,
            &["Tổ bảo vệ ANTT", "Thành viên", "Tổ trưởng", "Tổ phó"],
            d.members_by_team
                .iter()
                .map(|t| vec![Cell::text(&t.name), Cell::int(t.members), Cell::int(t.leaders), Cell::int(t.deputies)])
                .collect(),
        ),
        sheet(
            "Cần chú ý",
            c,
            &["Nội dung", "Số bản ghi", "Các bản ghi"],
            d.alerts
                .iter()
                .map(|a| {
                    let names: Vec<&str> = a.items.iter().map(|i| i.title.as_str()).collect();
                    vec![Cell::text(&a.message), Cell::int(a.count), Cell::text(names.join("; "))]
                })
                .collect(),
        ),
    ]
}

/// The yearly report's figures: the main indicators, activities by category and quarter, models by
/// kind at the year's end.
pub fn year_report_sheets(c: &Commune, r: &YearReport) -> Vec<Sheet> {
    let year = r.year.map_or(Cell::Empty, Cell::int);
    vec![
        sheet(
            "Chỉ tiêu",
            c,
            &["Năm", "TT", "Chỉ tiêu", "Kết quả"],
            r.figures
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    vec![
                        year.clone(),
                        Cell::int(i as i64 + 1),
                        Cell::text(&f.label),
                        f.value.map_or(Cell::Empty, Cell::int),
                    ]
                })
                .collect(),
        ),
        sheet(
            "Hoạt động theo quý",
            c,
            &["Năm", "Loại hoạt động", "Quý I", "Quý II", "Quý III", "Quý IV", "Cả năm"],
            r.quarters
                .iter()
                .map(|q| {
                    let mut row = vec![year.clone(), Cell::text(&q.label)];
                    row.extend(q.quarters.iter().map(|n| Cell::int(*n)));
                    row.push(Cell::int(q.quarters.iter().sum::<i64>()));
                    row
                })
                .collect(),
        ),
        sheet(
            "Mô hình",
            c,
            &["Năm", "Loại mô hình", "Đang hoạt động", "Đã giải thể"],
            r.models
                .iter()
                .map(|m| vec![year.clone(), Cell::text(&m.kind), Cell::int(m.active), Cell::int(m.dissolved)])
                .collect(),
        ),
    ]
}

/// Which of the commune's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// The dashboard as of a day (its year's activities).
    Dashboard(NaiveDate),
    /// The yearly report of a year.
    YearReport(i32),
}

impl Table {
    /// The file's name in the print folder ("tong-quan-phong-trao_2026-12-06.xlsx").
    fn what(self) -> String {
        match self {
            Table::Dashboard(_) => "Tổng quan phong trào".into(),
            Table::YearReport(y) => format!("Số liệu báo cáo năm {y}"),
        }
    }
}

/// The sheets of `table`.
pub fn sheets(store: &Store, table: Table) -> Result<Vec<Sheet>> {
    let c = store.commune()?;
    Ok(match table {
        Table::Dashboard(today) => dashboard_sheets(c, &crate::dashboard::dashboard(store, today)?),
        Table::YearReport(year) => year_report_sheets(c, &crate::print::fill::year_report(store, year)?),
    })
}

/// Writes `table` to `out` (atomically).
pub fn write(store: &Store, table: Table, out: &Path) -> Result<()> {
    write_xlsx(&sheets(store, table)?, out)
}

/// "Xuất Excel" in the window: `table` into `dir` (the print folder), never replacing a file;
/// returns the path written.
pub fn write_to_folder(store: &Store, table: Table, dir: &Path) -> Result<PathBuf> {
    let name = super::file_name(&table.what(), chrono::Local::now().date_naive());
    write_xlsx_new(&sheets(store, table)?, dir, &name)
}

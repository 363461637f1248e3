//! "Tải mẫu Excel": a blank .xlsx for one register, ready to fill and import. Vietnamese headers
//! (required columns marked `*`), a drop-down list on every option, yes/no and link column (the lists
//! on a hidden sheet), date cells formatted dd/mm/yyyy, and a sheet that explains each column.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Formula, Workbook};

use super::export::sheet_name;
use super::import::importable_fields;
use crate::domain::{Field, FieldType, Kind};
use crate::error::{Error, Result};
use crate::store::{ListQuery, Store};
use crate::text;

/// Rows of the template that carry the drop-down lists and formats.
const ROWS: u32 = 2_000;

fn failed() -> Error {
    Error::Refused("Không tạo được tệp mẫu Excel; không ghi tệp nào.".into())
}

/// The values a column accepts, for its drop-down list (`None`: free input).
fn choices(store: &Store, f: &Field) -> Result<Option<Vec<String>>> {
    Ok(match &f.ty {
        FieldType::Enum { options } => Some(options.iter().map(|(_, l)| l.clone()).collect()),
        FieldType::Ref { list } => Some(store.ref_items(list)?.iter().map(|i| i.label.clone()).collect()),
        FieldType::Bool => Some(vec!["Có".into(), "Không".into()]),
        FieldType::Link { kind } => {
            let mut titles: Vec<String> =
                store.list(*kind, &ListQuery::default())?.records.into_iter().map(|r| r.title).collect();
            titles.dedup();
            Some(titles).filter(|t| !t.is_empty())
        }
        _ => None,
    })
}

/// How a column is written, for the explanations sheet.
fn how(f: &Field) -> String {
    match &f.ty {
        FieldType::Text { max, multiline } => {
            format!(
                "Chữ, tối đa {} ký tự{}",
                text::format_int(*max as i64),
                if *multiline { ", được xuống dòng" } else { "" }
            )
        }
        FieldType::Int { min, .. } if *min == 0 => "Số nguyên không âm (viết 1200 hoặc 1.200)".into(),
        FieldType::Int { .. } => "Số nguyên".into(),
        FieldType::Bool => "Có hoặc Không".into(),
        FieldType::Date => "Ngày, dạng dd/mm/yyyy (ô ngày của Excel hoặc chữ)".into(),
        FieldType::DateTime => "Ngày giờ, dạng dd/mm/yyyy HH:MM (giờ viết 8h30, 8 giờ 30 cũng được)".into(),
        FieldType::Enum { .. } | FieldType::Ref { .. } => {
            "Chọn trong danh sách (có dấu hoặc không dấu đều được)".into()
        }
        FieldType::Link { kind } => format!("Tên {} đã có trong phần mềm (chọn trong danh sách)", kind.label()),
        FieldType::Links { kind } => {
            format!("Tên {} đã có trong phần mềm; nhiều tên cách nhau bằng dấu chấm phẩy (;)", kind.label())
        }
        FieldType::Refs { .. } => "Một hoặc nhiều lựa chọn trong danh sách, cách nhau bằng dấu chấm phẩy (;)".into(),
        FieldType::TextList => "Danh sách tên, cách nhau bằng dấu chấm phẩy (;) hoặc xuống dòng".into(),
        FieldType::Grades => {
            "Từng năm: năm: xếp loại; ví dụ 2025: Hoàn thành tốt nhiệm vụ; 2024: Hoàn thành nhiệm vụ".into()
        }
    }
}

/// Writes the template of `kind` to `out` (atomically).
pub fn write_template(store: &Store, kind: Kind, out: &Path) -> Result<()> {
    crate::fsutil::write_atomic(out, &template(store, kind)?)
}

/// "Tải mẫu Excel" in the window: the template into `dir`, never replacing a file; returns its path.
pub fn template_to_folder(store: &Store, kind: Kind, dir: &Path) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = super::file_name(&format!("mau {}", kind.label()), chrono::Local::now().date_naive());
    crate::fsutil::write_new(&dir.join(name), &template(store, kind)?)
}

/// The template of `kind` as the bytes of an .xlsx file.
fn template(store: &Store, kind: Kind) -> Result<Vec<u8>> {
    let fields: Vec<Field> = importable_fields(store, kind)?.into_iter().filter(|f| !f.system).collect();
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_text_wrap().set_border(FormatBorder::Thin);
    let required = head.clone().set_font_color(rust_xlsxwriter::Color::RGB(0xB0_0000));
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let time = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();

    let name = sheet_name(kind);
    let mut lists: Vec<(usize, Vec<String>)> = Vec::new();
    for (c, f) in fields.iter().enumerate() {
        if let Some(values) = choices(store, f)? {
            lists.push((c, values));
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(&name).map_err(|_| failed())?;
        for (c, f) in fields.iter().enumerate() {
            let c16 = c as u16;
            let header = if f.required { format!("{} *", f.label) } else { f.label.clone() };
            ws.write_string_with_format(0, c16, &header, if f.required { &required } else { &head })
                .map_err(|_| failed())?;
            ws.set_column_width(c16, (f.label.chars().count() as f64 * 0.9).clamp(12.0, 32.0)).map_err(|_| failed())?;
            match f.ty {
                FieldType::Date => {
                    ws.set_column_format(c16, &date).map_err(|_| failed())?;
                }
                FieldType::DateTime => {
                    ws.set_column_format(c16, &time).map_err(|_| failed())?;
                }
                _ => {}
            }
        }
        for (i, (c, values)) in lists.iter().enumerate() {
            let col = column_letters(i);
            let formula = format!("='Danh mục'!${col}$2:${col}${}", values.len() + 1);
            let f = &fields[*c];
            let mut dv = DataValidation::new().allow_list_formula(Formula::new(formula)).ignore_blank(true);
            if !matches!(f.ty, FieldType::Link { .. }) {
                dv = dv
                    .set_error_title("Giá trị không có trong danh sách")
                    .and_then(|d| d.set_error_message(format!("Chọn «{}» trong danh sách thả xuống.", f.label)))
                    .map_err(|_| failed())?;
            }
            ws.add_data_validation(1, *c as u16, ROWS, *c as u16, &dv).map_err(|_| failed())?;
        }
        ws.set_freeze_panes(1, 0).map_err(|_| failed())?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Hướng dẫn").map_err(|_| failed())?;
        let heads = ["Cột", "Bắt buộc", "Cách ghi", "Giá trị được nhận"];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold).map_err(|_| failed())?;
        }
        for (c, w) in [34.0, 10.0, 60.0, 60.0].iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(|_| failed())?;
        }
        for (r, f) in fields.iter().enumerate() {
            let r = r as u32 + 1;
            let values = lists.iter().find(|(c, _)| fields[*c].key == f.key).map(|(_, v)| v.join("; "));
            ws.write_string(r, 0, &f.label).map_err(|_| failed())?;
            ws.write_string(r, 1, if f.required { "Có" } else { "" }).map_err(|_| failed())?;
            ws.write_string_with_format(r, 2, how(f), &wrap).map_err(|_| failed())?;
            ws.write_string_with_format(r, 3, values.unwrap_or_default(), &wrap).map_err(|_| failed())?;
        }
        let note = fields.len() as u32 + 2;
        ws.write_string(
            note,
            0,
            format!(
                "Dòng đầu của trang «{name}» là tiêu đề cột, giữ nguyên. Cột có dấu * là bắt buộc. Nhập lại cùng một tệp không tạo bản ghi trùng."
            ),
        )
        .map_err(|_| failed())?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Danh mục").map_err(|_| failed())?;
        for (i, (c, values)) in lists.iter().enumerate() {
            let col = i as u16;
            ws.write_string_with_format(0, col, &fields[*c].label, &bold).map_err(|_| failed())?;
            for (r, v) in values.iter().enumerate() {
                ws.write_string(r as u32 + 1, col, v).map_err(|_| failed())?;
            }
        }
        ws.set_hidden(true);
    }
    wb.save_to_buffer().map_err(|_| failed())
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub(crate) fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::column_letters(0), "A");
        assert_eq!(super::column_letters(25), "Z");
        assert_eq!(super::column_letters(26), "AA");
        assert_eq!(super::column_letters(27), "AB");
        assert_eq!(super::column_letters(701), "ZZ");
        assert_eq!(super::column_letters(702), "AAA");
    }
}

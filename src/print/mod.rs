//! Official-format Vietnamese A4 documents as PDF (Nghị định 30/2020/NĐ-CP, Phụ lục I).
//!
//! A form builds a [`Document`] from blocks — [`Header`], [`Title`], [`Paragraph`], [`LabeledLine`],
//! [`List`], [`Table`], [`Signatures`], [`Recipients`] — and calls [`render`], which measures the text
//! with the embedded Liberation Serif faces (metric-compatible with Times New Roman), breaks lines and
//! pages, and writes a PDF with the fonts embedded as subsets.
//!
//! ```no_run
//! use phongtrao::print::*;
//!
//! let doc = Document::new("Biên bản họp")
//!     .with(Header::new("Công an tỉnh Gia Lai", "Công an xã Ia Đal").number(doc_number(5, "BB-CAX")))
//!     .with(Title::new("Biên bản").subject("Họp bình xét khu dân cư an toàn về an ninh, trật tự"))
//!     .with(LabeledLine::new("Thời gian bắt đầu", "08 giờ 00, ngày 05 tháng 01 năm 2026"))
//!     .with(LabeledLine::heading("Nội dung"))
//!     .with(Paragraph::new("Đồng chí Trưởng Công an xã thông qua kết quả …"))
//!     .with(Paragraph::new("Cuộc họp kết thúc vào 10 giờ 30, cùng ngày.").end_mark())
//!     .with(Signatures::pair(Signer::new(["Thư ký"], "Trần Thị Bình"), Signer::new(["Chủ tọa"], "Nguyễn Văn An")))
//!     .with(Recipients::new(["Công an tỉnh (để báo cáo)"]).archive("CAX"));
//! let pdf: Vec<u8> = render(&doc)?;
//! # Ok::<(), PrintError>(())
//! ```
//!
//! Page: A4, margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; page numbers (14 pt) centred in
//! the top margin from page 2. Body text 14 pt (13 allowed), justified, first line indented 1 cm,
//! 6 pt after each paragraph. Lines break only between words (a word is cut only if wider than a
//! line); justified lines stretch their spaces, except the last line of a paragraph. Pages break
//! between lines with widow and orphan control; titles and headings stay with what follows; a
//! signature row is never split nor left alone at the top of a page; table header rows repeat on
//! every page. All text is normalised to NFC, so copying text out of the PDF gives correct Vietnamese.

pub mod fill;
pub mod fill_cert;
pub mod fill_inspection;
mod fonts;
mod format;
pub mod forms;
mod layout;
mod lines;
mod model;
mod paginate;
mod pdf;
pub mod save;
mod unhint;

pub use crate::error::PrintError;
pub use crate::store::doc_number;
pub use format::{date_words, place_date};
pub use model::{
    Align, Block, BodySize, Column, Document, END_MARK, Header, LabeledLine, List, ListStyle, Paragraph, Recipients,
    SignatureSlot, Signatures, Signer, Span, Style, Table, Title,
};

/// Lays out `doc` and writes it as a PDF.
pub fn render(doc: &Document) -> Result<Vec<u8>, PrintError> {
    let fonts = fonts::Fonts::shared()?;
    let rows = layout::layout(doc, fonts)?;
    let boxes: Vec<paginate::RowBox> = rows.iter().map(|r| r.boxed).collect();
    let pages = paginate::paginate(&boxes, layout::TEXT_H)
        .map_err(|i| PrintError::TooTall(rows.get(i).map_or("văn bản", |r| r.what)))?;
    pdf::write(&doc.title, fonts, &rows, &pages)
}

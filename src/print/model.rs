//! The blocks a printed document is made of. Forms build a [`Document`] from these and call
//! [`render`](super::render); all measuring and page breaking happens there.

use chrono::NaiveDate;

pub use super::fonts::Style;

/// Body text size. Nghị định 30 allows 13 or 14 pt; 14 is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodySize {
    /// 13 pt.
    Pt13,
    /// 14 pt.
    #[default]
    Pt14,
}

impl BodySize {
    /// The size in points.
    pub fn points(self) -> f32 {
        match self {
            BodySize::Pt13 => 13.0,
            BodySize::Pt14 => 14.0,
        }
    }
}

/// Horizontal alignment of text in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
    /// Both edges flush; the last line of a paragraph is flush left.
    #[default]
    Justify,
}

/// A document: settings and the blocks in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Title stored in the PDF's metadata (shown in a viewer's title bar), e.g. "Biên bản họp".
    pub title: String,
    /// Size of body text (paragraphs, labelled lines, lists, signatures).
    pub body_size: BodySize,
    /// Line spacing as a multiple of single spacing, from 1.0 to 1.5 (the decree's range).
    pub line_spacing: f32,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
}

impl Document {
    /// An empty document: 14 pt body, single line spacing.
    pub fn new(title: impl Into<String>) -> Self {
        Document { title: title.into(), body_size: BodySize::Pt14, line_spacing: 1.0, blocks: Vec::new() }
    }

    /// Sets the body size.
    pub fn body_size(mut self, size: BodySize) -> Self {
        self.body_size = size;
        self
    }

    /// Sets the line spacing (1.0 to 1.5; [`render`](super::render) refuses other values).
    pub fn line_spacing(mut self, spacing: f32) -> Self {
        self.line_spacing = spacing;
        self
    }

    /// Appends a block (builder style).
    pub fn with(mut self, block: impl Into<Block>) -> Self {
        self.blocks.push(block.into());
        self
    }

    /// Appends a block.
    pub fn push(&mut self, block: impl Into<Block>) -> &mut Self {
        self.blocks.push(block.into());
        self
    }
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The two-column heading: agencies and number left, national name and motto right.
    Header(Header),
    /// Document type and subject, centred.
    Title(Title),
    /// A paragraph of body text.
    Paragraph(Paragraph),
    /// "Label: value", or "Label: ……" with a dotted line to fill in by hand.
    LabeledLine(LabeledLine),
    /// Items marked "-", "+", "1.", "a)".
    List(List),
    /// A ruled table whose header row repeats on every page.
    Table(Table),
    /// Signature columns; never split across pages and never alone at the top of a page.
    Signatures(Signatures),
    /// "Nơi nhận:" in the left half of the page.
    Recipients(Recipients),
    /// Vertical space, in millimetres (dropped at the top of a page).
    Space(f32),
    /// Starts a new page.
    PageBreak,
}

macro_rules! into_block {
    ($($t:ident),*) => {$(
        impl From<$t> for Block {
            fn from(b: $t) -> Block {
                Block::$t(b)
            }
        }
    )*};
}
into_block!(Header, Title, Paragraph, LabeledLine, List, Table, Signatures, Recipients);

/// The heading of an administrative document (Nghị định 30, Phụ lục I).
///
/// Left column: parent agency (upright, upper case, 13 pt), issuing agency (bold, upper case, 13 pt,
/// short rule below), "Số: …" (13 pt). Right column: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold),
/// "Độc lập - Tự do - Hạnh phúc" (bold, rule below as long as the line), and the place and date
/// (italic 14 pt) on the line of "Số". A `\n` in an agency name forces a line break there.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Direct parent agency, e.g. "Công an tỉnh Gia Lai" (printed upper case); `None` when there is none.
    pub parent_agency: Option<String>,
    /// Issuing agency, e.g. "Công an xã Ia Đal" (printed upper case).
    pub issuing_agency: String,
    /// What follows "Số: ", e.g. "05/BB-CAX" (see [`doc_number`](super::doc_number)); `None` prints no
    /// "Số" line. For a number to be written by hand pass e.g. `"      /BB-CAX"`.
    pub number: Option<String>,
    /// Place and date, printed "Ia Đal, ngày 05 tháng 01 năm 2026"; `None` for forms without it
    /// (Biên bản, Mẫu 1.9).
    pub place_date: Option<(String, NaiveDate)>,
    /// A place-date line printed as written when `place_date` is `None`, e.g. for a blank form
    /// "Ia Đal, ngày …… tháng …… năm ……".
    pub date_line: Option<String>,
}

impl Header {
    /// A header with a parent and an issuing agency, no number and no place-date.
    pub fn new(parent_agency: impl Into<String>, issuing_agency: impl Into<String>) -> Self {
        let parent: String = parent_agency.into();
        Header {
            parent_agency: if parent.trim().is_empty() { None } else { Some(parent) },
            issuing_agency: issuing_agency.into(),
            number: None,
            place_date: None,
            date_line: None,
        }
    }

    /// Sets the number ("05/BB-CAX").
    pub fn number(mut self, number: impl Into<String>) -> Self {
        self.number = Some(number.into());
        self
    }

    /// Sets the place and date.
    pub fn place_date(mut self, place: impl Into<String>, date: NaiveDate) -> Self {
        self.place_date = Some((place.into(), date));
        self
    }

    /// Sets a place-date line written as is (a blank date to fill in by hand).
    pub fn date_line(mut self, line: impl Into<String>) -> Self {
        self.date_line = Some(line.into());
        self
    }
}

/// Document type (bold, upper case, 14 pt, centred) and subject (trích yếu: bold 14 pt, centred,
/// a short rule below).
#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    /// "Biên bản", "Quyết định", "Báo cáo", "Tờ trình"… (printed upper case).
    pub doc_type: String,
    /// "Họp bình xét …", "Về việc …"; a `\n` forces a line break.
    pub subject: Option<String>,
}

impl Title {
    /// A title without a subject.
    pub fn new(doc_type: impl Into<String>) -> Self {
        Title { doc_type: doc_type.into(), subject: None }
    }

    /// Sets the subject.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text; a `\n` forces a line break.
    pub text: String,
    /// Its face.
    pub style: Style,
}

impl Span {
    /// Upright text.
    pub fn regular(text: impl Into<String>) -> Self {
        Span { text: text.into(), style: Style::Regular }
    }
    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Self {
        Span { text: text.into(), style: Style::Bold }
    }
    /// Italic text.
    pub fn italic(text: impl Into<String>) -> Self {
        Span { text: text.into(), style: Style::Italic }
    }
    /// Bold italic text.
    pub fn bold_italic(text: impl Into<String>) -> Self {
        Span { text: text.into(), style: Style::BoldItalic }
    }
}

/// The end mark of an administrative text (Nghị định 30): "./." right after the last word.
pub const END_MARK: &str = "./.";

/// A paragraph. Defaults follow Nghị định 30: body size, justified, first line indented 1 cm,
/// 6 pt after.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    /// The text, in styled runs.
    pub spans: Vec<Span>,
    /// Alignment.
    pub align: Align,
    /// First-line indent in millimetres (10 or 12.7 per the decree; 0 for none).
    pub indent_mm: f32,
    /// Size in points; `None` for the document's body size.
    pub size: Option<f32>,
    /// Space after the paragraph, in points.
    pub space_after: f32,
    /// Keep on the same page as the start of the next block (for headings such as "I. KẾT QUẢ").
    pub keep_with_next: bool,
}

impl Paragraph {
    /// An upright paragraph.
    pub fn new(text: impl Into<String>) -> Self {
        Paragraph::from_spans(vec![Span::regular(text)])
    }

    /// A paragraph of styled runs.
    pub fn from_spans(spans: Vec<Span>) -> Self {
        Paragraph { spans, align: Align::Justify, indent_mm: 10.0, size: None, space_after: 6.0, keep_with_next: false }
    }

    /// Makes every run bold.
    pub fn bold(mut self) -> Self {
        for s in &mut self.spans {
            s.style = match s.style {
                Style::Italic | Style::BoldItalic => Style::BoldItalic,
                _ => Style::Bold,
            };
        }
        self
    }

    /// Makes every run italic.
    pub fn italic(mut self) -> Self {
        for s in &mut self.spans {
            s.style = match s.style {
                Style::Bold | Style::BoldItalic => Style::BoldItalic,
                _ => Style::Italic,
            };
        }
        self
    }

    /// Sets the alignment.
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    /// Centres the paragraph and removes the indent.
    pub fn centered(self) -> Self {
        self.align(Align::Center).indent_mm(0.0)
    }

    /// Sets the first-line indent in millimetres.
    pub fn indent_mm(mut self, mm: f32) -> Self {
        self.indent_mm = mm;
        self
    }

    /// Sets the size in points.
    pub fn size(mut self, pt: f32) -> Self {
        self.size = Some(pt);
        self
    }

    /// Sets the space after, in points.
    pub fn space_after(mut self, pt: f32) -> Self {
        self.space_after = pt;
        self
    }

    /// Keeps the paragraph on the page of what follows it.
    pub fn keep_with_next(mut self) -> Self {
        self.keep_with_next = true;
        self
    }

    /// Ends the text with the end mark "./." (a final full stop becomes its first dot), unless it
    /// already ends with it.
    pub fn end_mark(mut self) -> Self {
        while self.spans.last().is_some_and(|s| s.text.trim().is_empty()) {
            self.spans.pop();
        }
        match self.spans.last_mut() {
            Some(s) => {
                let trimmed = s.text.trim_end().len();
                s.text.truncate(trimmed);
                if !s.text.ends_with(END_MARK) {
                    s.text.push_str(if s.text.ends_with('.') { "/." } else { END_MARK });
                }
            }
            None => self.spans.push(Span::regular(END_MARK)),
        }
        self
    }
}

/// "Thời gian bắt đầu: 08 giờ 00" — a label, a colon and a value, laid out as a body paragraph.
///
/// With [`LabeledLine::dotted`] the rest of the line is filled with dots to write on by hand. With
/// neither value nor dots ("Nội dung:") the line is a heading and stays with what follows.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledLine {
    /// The label without the colon ("Địa điểm").
    pub label: String,
    /// The value; empty for none.
    pub value: String,
    /// Fill the rest of the last line with dots.
    pub fill_dots: bool,
    /// Print the label bold.
    pub bold_label: bool,
}

impl LabeledLine {
    /// "label: value".
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        LabeledLine { label: label.into(), value: value.into(), fill_dots: false, bold_label: false }
    }

    /// "label: ……………" to the end of the line; with an empty label, a line of dots from margin to
    /// margin (a line to write on).
    pub fn dotted(label: impl Into<String>) -> Self {
        LabeledLine { fill_dots: true, ..LabeledLine::new(label, "") }
    }

    /// "label:" alone, kept with the next block.
    pub fn heading(label: impl Into<String>) -> Self {
        LabeledLine::new(label, "")
    }

    /// Prints the label bold.
    pub fn bold_label(mut self) -> Self {
        self.bold_label = true;
        self
    }
}

/// How list items are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// "- item" (the usual mark in administrative texts).
    Dash,
    /// "+ item" (second level).
    Plus,
    /// "1. item", "2. item"…
    Numbered,
    /// "a) item", "b) item"… (Vietnamese alphabet: a, b, c, d, đ, e…).
    Lettered,
}

/// A list: each item is a paragraph (first-line indent, justified) starting with its mark.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The mark.
    pub style: ListStyle,
    /// Number of the first item for numbered and lettered lists (1 = "1." or "a)").
    pub start: u32,
    /// The items.
    pub items: Vec<Paragraph>,
}

impl List {
    /// A list of plain text items.
    pub fn new<I, S>(style: ListStyle, items: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        List { style, start: 1, items: items.into_iter().map(|s| Paragraph::new(s)).collect() }
    }

    /// A list of formatted items.
    pub fn from_paragraphs(style: ListStyle, items: Vec<Paragraph>) -> Self {
        List { style, start: 1, items }
    }

    /// Sets the first number.
    pub fn start(mut self, start: u32) -> Self {
        self.start = start;
        self
    }
}

/// A table column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header text (bold, centred); a `\n` forces a line break.
    pub title: String,
    /// Width relative to the other columns (e.g. 1, 6, 2).
    pub width: f32,
    /// Alignment of the body cells.
    pub align: Align,
}

impl Column {
    /// A column.
    pub fn new(title: impl Into<String>, width: f32, align: Align) -> Self {
        Column { title: title.into(), width, align }
    }
}

/// A ruled table across the text width. Rows break between pages and the header row is repeated at
/// the top of each page; a row taller than a page is cut between its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The body rows: one string per column.
    pub rows: Vec<Vec<String>>,
    /// Text size in points (default 13).
    pub size: f32,
}

impl Table {
    /// A table without rows.
    pub fn new(columns: Vec<Column>) -> Self {
        Table { columns, rows: Vec::new(), size: 13.0 }
    }

    /// Appends a row.
    pub fn row<I, S>(mut self, cells: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the text size.
    pub fn size(mut self, pt: f32) -> Self {
        self.size = pt;
        self
    }
}

/// Who signs: title lines, an optional italic note, space to sign, the name.
#[derive(Debug, Clone, PartialEq)]
pub struct Signer {
    /// Title lines, printed bold upper case: `["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]`, `["THƯ KÝ"]`.
    pub titles: Vec<String>,
    /// Italic note under the titles, e.g. "(Ký, ghi rõ họ tên)".
    pub note: Option<String>,
    /// Full name, printed bold; empty to leave it for handwriting.
    pub name: String,
}

impl Signer {
    /// A signer.
    pub fn new<I, S>(titles: I, name: impl Into<String>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Signer { titles: titles.into_iter().map(Into::into).collect(), note: None, name: name.into() }
    }

    /// Sets the note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// What one half of a signature row holds.
#[derive(Debug, Clone, PartialEq)]
pub enum SignatureSlot {
    /// Nothing.
    Empty,
    /// A signature.
    Signer(Signer),
    /// "Nơi nhận:" beside the signature, as in decisions and official letters.
    Recipients(Recipients),
}

/// The signature row: a left and a right half of the text width.
#[derive(Debug, Clone, PartialEq)]
pub struct Signatures {
    /// Left half.
    pub left: SignatureSlot,
    /// Right half.
    pub right: SignatureSlot,
}

impl Signatures {
    /// One signature, on the right.
    pub fn single(signer: Signer) -> Self {
        Signatures { left: SignatureSlot::Empty, right: SignatureSlot::Signer(signer) }
    }

    /// Two signatures, e.g. THƯ KÝ left and CHỦ TỌA right.
    pub fn pair(left: Signer, right: Signer) -> Self {
        Signatures { left: SignatureSlot::Signer(left), right: SignatureSlot::Signer(right) }
    }

    /// "Nơi nhận" left, signature right.
    pub fn with_recipients(recipients: Recipients, signer: Signer) -> Self {
        Signatures { left: SignatureSlot::Recipients(recipients), right: SignatureSlot::Signer(signer) }
    }
}

/// "Nơi nhận:" (bold italic 12 pt) and one line per recipient (11 pt): "- Công an tỉnh;" … and last
/// "- Lưu: VT, …." (VT = văn thư, the registry).
#[derive(Debug, Clone, PartialEq)]
pub struct Recipients {
    /// Recipients, e.g. "Công an tỉnh (để báo cáo)"; the "- " and ";" are added.
    pub to: Vec<String>,
    /// Who else keeps a copy after "VT", e.g. `["CAX"]` gives "- Lưu: VT, CAX.".
    pub archive: Vec<String>,
}

impl Recipients {
    /// Recipients archived by the registry only ("- Lưu: VT.").
    pub fn new<I, S>(to: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Recipients { to: to.into_iter().map(Into::into).collect(), archive: Vec::new() }
    }

    /// Adds a unit keeping a copy.
    pub fn archive(mut self, unit: impl Into<String>) -> Self {
        self.archive.push(unit.into());
        self
    }

    /// The lines as printed, without "Nơi nhận:".
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .to
            .iter()
            .map(|r| {
                let r = r.trim().trim_start_matches(['-', '–']).trim_start();
                if r.ends_with([';', '.', ':', ',']) { format!("- {r}") } else { format!("- {r};") }
            })
            .collect();
        let mut keep = String::from("VT");
        for a in &self.archive {
            keep.push_str(", ");
            keep.push_str(a.trim().trim_end_matches('.'));
        }
        out.push(format!("- Lưu: {keep}."));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_text(p: &Paragraph) -> String {
        p.spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn end_mark_is_added_once() {
        assert_eq!(last_text(&Paragraph::new("Cuộc họp kết thúc").end_mark()), "Cuộc họp kết thúc./.");
        assert_eq!(last_text(&Paragraph::new("Cuộc họp kết thúc. ").end_mark()), "Cuộc họp kết thúc./.");
        assert_eq!(last_text(&Paragraph::new("năm 2026./.").end_mark()), "năm 2026./.");
        let p = Paragraph::from_spans(vec![Span::bold("Kết luận"), Span::regular("  ")]).end_mark();
        assert_eq!(p.spans, [Span::bold("Kết luận./.")]);
    }

    #[test]
    fn recipient_lines() {
        let r = Recipients::new(["Công an tỉnh (để báo cáo)", "- Đảng ủy xã;", "Lưu hồ sơ."]).archive("CAX");
        assert_eq!(r.lines(), ["- Công an tỉnh (để báo cáo);", "- Đảng ủy xã;", "- Lưu hồ sơ.", "- Lưu: VT, CAX."]);
        assert_eq!(Recipients::new(Vec::<String>::new()).lines(), ["- Lưu: VT."]);
    }

    #[test]
    fn builders() {
        let p = Paragraph::from_spans(vec![Span::regular("a"), Span::italic("b")]).bold();
        assert_eq!(p.spans.iter().map(|s| s.style).collect::<Vec<_>>(), [Style::Bold, Style::BoldItalic]);
        assert_eq!(Header::new(" ", "Công an xã").parent_agency, None);
        let doc = Document::new("t").with(Title::new("Biên bản")).with(Block::PageBreak);
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(BodySize::default().points(), 14.0);
    }
}

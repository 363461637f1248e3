//! Blocks into rows: measured, positioned slices of the page that the paginator places.
//!
//! Coordinates inside a row are points, `x` from the left margin and `y` downward from the row's top.
//! All text is NFC-normalised and checked against the font here, before anything is drawn.

use unicode_normalization::UnicodeNormalization;

use super::PrintError;
use super::fonts::{ASCENT, DESCENT, Fonts, SINGLE_LINE, Style};
use super::format::place_date;
use super::lines::{Line, Measure, Word, break_lines, place, tokenize};
use super::model::*;
use super::paginate::{RowBox, paragraph_keeps};

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;
/// A4 width, in points.
pub(crate) const PAGE_W: f32 = 210.0 * MM;
/// A4 height, in points.
pub(crate) const PAGE_H: f32 = 297.0 * MM;
/// Top margin (Nghị định 30: 20–25 mm).
pub(crate) const MARGIN_TOP: f32 = 20.0 * MM;
/// Bottom margin (20–25 mm).
pub(crate) const MARGIN_BOTTOM: f32 = 20.0 * MM;
/// Left margin (30–35 mm).
pub(crate) const MARGIN_LEFT: f32 = 30.0 * MM;
/// Right margin (15–20 mm).
pub(crate) const MARGIN_RIGHT: f32 = 15.0 * MM;
/// Width of the text area.
pub(crate) const TEXT_W: f32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
/// Height of the text area.
pub(crate) const TEXT_H: f32 = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM;

/// Thickness of rules and table borders, in points.
pub(crate) const RULE: f32 = 0.5;
/// Size of the header's agency names and "Số".
const HEADER_SIZE: f32 = 13.0;
/// Size of the document type and subject.
const TITLE_SIZE: f32 = 14.0;
/// Horizontal padding inside header and signature columns and table cells.
const PAD: f32 = 4.0;
/// Vertical padding inside table cells.
const CELL_PAD_V: f32 = 2.0;
/// Room left for a handwritten signature and seal.
const SIGN_SPACE: f32 = 25.0 * MM;
/// Fraction of a line's width that the rule under an issuing agency or a subject spans (decree: 1/3–1/2).
const SHORT_RULE: f32 = 0.4;

/// A piece of a text run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// Text in one face.
    Text(Style, String),
    /// Extra space, in points (justification).
    Gap(f32),
}

/// Text drawn from one starting point along one baseline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextRun {
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    pub items: Vec<Item>,
}

/// Something drawn in a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Text(TextRun),
    /// A straight line from `(x1, y1)` to `(x2, y2)`.
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

/// A row: its pagination metrics, what it draws, and what it belongs to (for error messages).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub boxed: RowBox,
    pub pieces: Vec<Piece>,
    pub what: &'static str,
}

/// Advance widths of the embedded fonts at one size.
struct Metric<'a> {
    fonts: &'a Fonts,
    size: f32,
}

impl Measure for Metric<'_> {
    fn advance(&self, style: Style, ch: char) -> f32 {
        self.fonts.advance_milli(style, ch) as f32 * self.size / 1000.0
    }
}

/// Line pitch at `size` with `spacing` times single spacing.
fn pitch(size: f32, spacing: f32) -> f32 {
    size * SINGLE_LINE * spacing
}

/// Baseline offset from the top of a line box of `pitch`; extra spacing is shared above and below.
fn baseline_in(size: f32, pitch: f32) -> f32 {
    (pitch - size * (ASCENT + DESCENT)) / 2.0 + size * ASCENT
}

/// Where a rule goes under a line of text: clear of descenders and dots below (ạ, ộ), with a gap an
/// eye sees (1.5 pt looked like an underline touching «g», «p», «ạ» under the commune's name and the
/// subject of a Biên bản).
fn rule_below(baseline: f32, size: f32) -> f32 {
    text_bottom(baseline, size) + RULE_GAP
}

/// Where the space below a line of text starts (what follows a ruled line is placed from here, so the
/// rule takes room already left free and no page grows).
fn text_bottom(baseline: f32, size: f32) -> f32 {
    baseline + size * DESCENT + 1.5
}

/// The gap between the lowest descender and a rule under the line, in points.
const RULE_GAP: f32 = 2.0;

/// Text ready to break: `(style, NFC text)` runs.
type Spans = Vec<(Style, String)>;

/// Text laid out in a box.
struct Boxed {
    pieces: Vec<Piece>,
    /// `y` under the last line box.
    bottom: f32,
    /// Baseline of the last line.
    last_baseline: f32,
    /// Width of the widest line.
    widest: f32,
}

struct Layout<'a> {
    fonts: &'a Fonts,
    body: f32,
    spacing: f32,
    rows: Vec<Row>,
    pending_break: bool,
}

/// Lays out a document's blocks into rows.
pub(crate) fn layout(doc: &Document, fonts: &Fonts) -> Result<Vec<Row>, PrintError> {
    if !(1.0..=1.5).contains(&doc.line_spacing) {
        return Err(PrintError::Setting(format!(
            "giãn dòng phải từ 1,0 đến 1,5 lần dòng đơn (đang là {})",
            doc.line_spacing
        )));
    }
    let mut l = Layout {
        fonts,
        body: doc.body_size.points(),
        spacing: doc.line_spacing,
        rows: Vec::new(),
        pending_break: false,
    };
    for block in &doc.blocks {
        match block {
            Block::Header(h) => l.header(h)?,
            Block::Title(t) => l.title(t)?,
            Block::Paragraph(p) => l.paragraph(p, None)?,
            Block::LabeledLine(ll) => l.labeled_line(ll)?,
            Block::List(list) => l.list(list)?,
            Block::Table(t) => l.table(t)?,
            Block::Signatures(s) => l.signatures(s)?,
            Block::Recipients(r) => l.recipients(r)?,
            Block::Space(mm) => l.space(mm * MM),
            Block::PageBreak => l.pending_break = true,
        }
    }
    Ok(l.rows)
}

impl Layout<'_> {
    fn metric(&self, size: f32) -> Metric<'_> {
        Metric { fonts: self.fonts, size }
    }

    /// NFC-normalises `text` and checks that the face has every character.
    fn clean(&self, text: &str, style: Style) -> Result<String, PrintError> {
        let text: String = text.nfc().collect();
        if let Some(ch) = text.chars().find(|&c| !c.is_control() && !self.fonts.has_glyph(style, c)) {
            return Err(PrintError::MissingGlyph { ch, text });
        }
        Ok(text)
    }

    /// Upper case, then NFC (upper-casing can decompose).
    fn upper(&self, text: &str, style: Style) -> Result<String, PrintError> {
        self.clean(&text.to_uppercase(), style)
    }

    fn check_size(size: f32) -> Result<f32, PrintError> {
        if size.is_finite() && (6.0..=28.0).contains(&size) {
            Ok(size)
        } else {
            Err(PrintError::Setting(format!("cỡ chữ {size} pt nằm ngoài khoảng 6–28 pt")))
        }
    }

    fn push(&mut self, mut row: Row) {
        if std::mem::take(&mut self.pending_break) {
            row.boxed.break_before = true;
        }
        self.rows.push(row);
    }

    /// Adds vertical space after the last row (dropped at a page end).
    fn space(&mut self, pt: f32) {
        let pt = pt.max(0.0);
        match self.rows.last_mut() {
            Some(r) => r.boxed.space_after += pt,
            None => self.push(Row {
                boxed: RowBox { height: pt.min(TEXT_H), ..RowBox::default() },
                pieces: Vec::new(),
                what: "khoảng trống",
            }),
        }
    }

    /// Ensures at least `pt` of space after the last row.
    fn space_at_least(&mut self, pt: f32) {
        if let Some(r) = self.rows.last_mut() {
            r.boxed.space_after = r.boxed.space_after.max(pt);
        }
    }

    /// Breaks styled text into lines `width` wide (the first `indent` narrower).
    fn lines(&self, spans: &Spans, size: f32, width: f32, indent: f32) -> Vec<Line> {
        let m = self.metric(size);
        let refs: Vec<(Style, &str)> = spans.iter().map(|(s, t)| (*s, t.as_str())).collect();
        break_lines(tokenize(&refs, &m), width - indent, width, &m)
    }

    /// The text run of one line in a box starting at `x0`, `width` wide.
    fn run(line: &Line, x0: f32, width: f32, align: Align, baseline: f32, size: f32) -> TextRun {
        let placed = place(line, width, align);
        let mut items: Vec<Item> = Vec::new();
        let text = |items: &mut Vec<Item>, style: Style, s: &str| match items.last_mut() {
            Some(Item::Text(st, t)) if *st == style => t.push_str(s),
            _ => items.push(Item::Text(style, s.to_string())),
        };
        let n = line.words.len();
        for (i, w) in line.words.iter().enumerate() {
            for f in &w.frags {
                text(&mut items, f.style, &f.text);
            }
            if i + 1 < n {
                if w.space > 0.0 {
                    text(&mut items, w.space_style, " ");
                }
                if placed.extra > 0.0 {
                    items.push(Item::Gap(placed.extra));
                }
            }
        }
        TextRun { x: x0 + placed.x.first().copied().unwrap_or(0.0), baseline, size, items }
    }

    /// Breaks centred text into lines of even length: as many lines as at `width`, each as short as
    /// possible, so that a title never ends with a lone word.
    fn balanced_lines(&self, spans: &Spans, size: f32, width: f32) -> Vec<Line> {
        let lines = self.lines(spans, size, width, 0.0);
        let n = lines.len();
        if n < 2 {
            return lines;
        }
        let (mut lo, mut hi) = (width / n as f32, width);
        let mut best = lines;
        for _ in 0..16 {
            let mid = (lo + hi) / 2.0;
            let attempt = self.lines(spans, size, mid, 0.0);
            if attempt.len() <= n {
                hi = mid;
                best = attempt;
            } else {
                lo = mid;
            }
        }
        best
    }

    /// Lays out text in a box from `top`, one line every `pitch` points. Centred text is balanced.
    #[allow(clippy::too_many_arguments)]
    fn boxed(&self, spans: &Spans, size: f32, x0: f32, width: f32, align: Align, top: f32, pitch: f32) -> Boxed {
        let lines = if align == Align::Center {
            self.balanced_lines(spans, size, width)
        } else {
            self.lines(spans, size, width, 0.0)
        };
        let mut pieces = Vec::new();
        let mut y = top;
        let mut last_baseline = top + baseline_in(size, pitch);
        let mut widest = 0.0f32;
        for line in &lines {
            last_baseline = y + baseline_in(size, pitch);
            widest = widest.max(line.natural_width());
            if !line.words.is_empty() {
                pieces.push(Piece::Text(Self::run(line, x0, width, align, last_baseline, size)));
            }
            y += pitch;
        }
        Boxed { pieces, bottom: y, last_baseline, widest }
    }

    /// Centred text whose line `k` has its baseline at `top + k * pitch + baseline`, whatever its size.
    #[allow(clippy::too_many_arguments)]
    fn on_grid(&self, spans: &Spans, size: f32, x0: f32, width: f32, top: f32, pitch: f32, baseline: f32) -> Boxed {
        let b = self.boxed(spans, size, x0, width, Align::Center, top, pitch);
        let dy = baseline - baseline_in(size, pitch);
        Boxed {
            pieces: b.pieces.into_iter().map(|p| shift_piece(p, dy)).collect(),
            bottom: b.bottom,
            last_baseline: b.last_baseline + dy,
            widest: b.widest,
        }
    }

    fn spans(&self, spans: &[Span]) -> Result<Spans, PrintError> {
        spans.iter().map(|s| Ok((s.style, self.clean(&s.text, s.style)?))).collect()
    }

    // ---- header ------------------------------------------------------------------------------

    fn header(&mut self, h: &Header) -> Result<(), PrintError> {
        const NATION: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
        const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
        let place_date = match (&h.place_date, &h.date_line) {
            (Some((place, date)), _) => Some(self.clean(&place_date(place, *date), Style::Italic)?),
            (None, Some(line)) => Some(self.clean(line, Style::Italic)?),
            (None, None) => None,
        };
        // National name 13 pt and motto 14 pt when they leave the agencies a third of the width,
        // else 12 and 13 (both allowed by the decree).
        let widths =
            |n: f32, m: f32| (self.fonts.width(Style::Bold, NATION, n), self.fonts.width(Style::Bold, MOTTO, m));
        let (mut nation_size, mut motto_size) = (13.0, 14.0);
        let (mut nation_w, mut motto_w) = widths(nation_size, motto_size);
        if nation_w.max(motto_w) + 2.0 * PAD > TEXT_W * 2.0 / 3.0 {
            (nation_size, motto_size) = (12.0, 13.0);
            (nation_w, motto_w) = widths(nation_size, motto_size);
        }
        let right_w = nation_w.max(motto_w) + 2.0 * PAD;
        let left_w = TEXT_W - right_w;
        let mut pieces = Vec::new();

        // Both columns on one grid of lines, so that facing lines share a baseline.
        let grid = pitch(motto_size, 1.0);
        let grid_baseline = baseline_in(motto_size, grid);
        let cell = |text: String, style: Style, size: f32, x0: f32, width: f32, top: f32| {
            self.on_grid(&vec![(style, text)], size, x0 + PAD, width - 2.0 * PAD, top, grid, grid_baseline)
        };

        // Left: parent agency, issuing agency, short rule.
        let mut y = 0.0;
        if let Some(parent) = &h.parent_agency {
            let b = cell(self.upper(parent, Style::Regular)?, Style::Regular, HEADER_SIZE, 0.0, left_w, y);
            pieces.extend(b.pieces);
            y = b.bottom;
        }
        let issuing = cell(self.upper(&h.issuing_agency, Style::Bold)?, Style::Bold, HEADER_SIZE, 0.0, left_w, y);
        pieces.extend(issuing.pieces);
        let left_rule = rule_below(issuing.last_baseline, HEADER_SIZE);
        let len = issuing.widest * SHORT_RULE;
        pieces.push(Piece::Rule { x1: (left_w - len) / 2.0, y1: left_rule, x2: (left_w + len) / 2.0, y2: left_rule });

        // Right: national name, motto, rule as long as the motto.
        let nation = cell(NATION.to_string(), Style::Bold, nation_size, left_w, right_w, 0.0);
        pieces.extend(nation.pieces);
        let motto = cell(MOTTO.to_string(), Style::Bold, motto_size, left_w, right_w, nation.bottom);
        pieces.extend(motto.pieces);
        let right_rule = rule_below(motto.last_baseline, motto_size);
        let mid = left_w + right_w / 2.0;
        pieces.push(Piece::Rule {
            x1: mid - motto.widest / 2.0,
            y1: right_rule,
            x2: mid + motto.widest / 2.0,
            y2: right_rule,
        });

        // "Số" left and the place-date right, on one baseline.
        let below = text_bottom(issuing.last_baseline, HEADER_SIZE).max(text_bottom(motto.last_baseline, motto_size));
        let mut bottom = (below + 2.0).max(left_rule.max(right_rule) + 0.5);
        if h.number.is_some() || place_date.is_some() {
            let top = below + 6.0;
            if let Some(number) = &h.number {
                let text = self.clean(&format!("Số: {}", number.trim()), Style::Regular)?;
                let b = cell(text, Style::Regular, HEADER_SIZE, 0.0, left_w, top);
                pieces.extend(b.pieces);
                bottom = bottom.max(b.bottom);
            }
            if let Some(pd) = place_date {
                let b = cell(pd, Style::Italic, 14.0, left_w, right_w, top);
                pieces.extend(b.pieces);
                bottom = bottom.max(b.bottom);
            }
        }
        self.push(Row {
            boxed: RowBox { height: bottom, space_after: 18.0, keep_with_next: true, ..RowBox::default() },
            pieces,
            what: "đầu văn bản",
        });
        Ok(())
    }

    // ---- title -------------------------------------------------------------------------------

    fn title(&mut self, t: &Title) -> Result<(), PrintError> {
        let p = pitch(TITLE_SIZE, 1.0);
        let doc_type = self.boxed(
            &vec![(Style::Bold, self.upper(&t.doc_type, Style::Bold)?)],
            TITLE_SIZE,
            0.0,
            TEXT_W,
            Align::Center,
            0.0,
            p,
        );
        let mut pieces = doc_type.pieces;
        let (mut bottom, mut last_baseline, mut widest) = (doc_type.bottom, doc_type.last_baseline, doc_type.widest);
        if let Some(subject) = &t.subject {
            let s = self.boxed(
                &vec![(Style::Bold, self.clean(subject, Style::Bold)?)],
                TITLE_SIZE,
                0.0,
                TEXT_W,
                Align::Center,
                bottom,
                p,
            );
            pieces.extend(s.pieces);
            (bottom, last_baseline, widest) = (s.bottom, s.last_baseline, s.widest);
        }
        let y = rule_below(last_baseline, TITLE_SIZE);
        let len = widest * SHORT_RULE;
        pieces.push(Piece::Rule { x1: (TEXT_W - len) / 2.0, y1: y, x2: (TEXT_W + len) / 2.0, y2: y });
        let below = text_bottom(last_baseline, TITLE_SIZE) + 2.0;
        self.push(Row {
            boxed: RowBox {
                height: bottom.max(below).max(y + 0.5),
                space_after: 12.0,
                keep_with_next: true,
                ..RowBox::default()
            },
            pieces,
            what: "tên văn bản",
        });
        Ok(())
    }

    // ---- paragraphs --------------------------------------------------------------------------

    /// Lays out a paragraph, one row per line. `prefix` is a list mark.
    fn paragraph(&mut self, p: &Paragraph, prefix: Option<String>) -> Result<(), PrintError> {
        let mut spans = self.spans(&p.spans)?;
        if let Some(mark) = prefix {
            spans.insert(0, (Style::Regular, mark));
        }
        let size = Self::check_size(p.size.unwrap_or(self.body))?;
        if !(p.indent_mm.is_finite() && (0.0..=50.0).contains(&p.indent_mm)) {
            return Err(PrintError::Setting(format!("thụt đầu dòng {} mm nằm ngoài khoảng 0–50 mm", p.indent_mm)));
        }
        if !(p.space_after.is_finite() && (0.0..=72.0).contains(&p.space_after)) {
            return Err(PrintError::Setting(format!(
                "khoảng cách sau đoạn {} pt nằm ngoài khoảng 0–72 pt",
                p.space_after
            )));
        }
        self.flow(spans, size, p.align, p.indent_mm * MM, p.space_after, p.keep_with_next, false);
        Ok(())
    }

    /// Rows of a body-text flow across the text width.
    #[allow(clippy::too_many_arguments)]
    fn flow(
        &mut self,
        spans: Spans,
        size: f32,
        align: Align,
        indent: f32,
        space_after: f32,
        keep_with_next: bool,
        dots: bool,
    ) {
        let mut lines = self.lines(&spans, size, TEXT_W, indent);
        if dots {
            self.fill_dots(&mut lines, size, indent);
        }
        let pitch = pitch(size, self.spacing);
        let keeps = paragraph_keeps(lines.len());
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let x0 = if i == 0 { indent } else { 0.0 };
            let run = Self::run(line, x0, TEXT_W - x0, align, baseline_in(size, pitch), size);
            let last = i + 1 == n;
            self.push(Row {
                boxed: RowBox {
                    height: pitch,
                    space_after: if last { space_after } else { 0.0 },
                    keep_with_next: keeps[i] || (last && keep_with_next),
                    ..RowBox::default()
                },
                pieces: if line.words.is_empty() { Vec::new() } else { vec![Piece::Text(run)] },
                what: "đoạn văn",
            });
        }
    }

    /// Fills the rest of the last line with dots (a new line of dots if fewer than 5 fit).
    fn fill_dots(&self, lines: &mut Vec<Line>, size: f32, indent: f32) {
        let m = self.metric(size);
        let dot = m.advance(Style::Regular, '.');
        if dot <= 0.0 {
            return;
        }
        let word = |n: usize| {
            let text = ".".repeat(n);
            Word {
                frags: vec![super::lines::Frag { style: Style::Regular, width: dot * n as f32, text }],
                width: dot * n as f32,
                space_style: Style::Regular,
                space: m.advance(Style::Regular, ' '),
            }
        };
        let n_lines = lines.len();
        let Some(last) = lines.last_mut() else { return };
        let avail = if n_lines == 1 { TEXT_W - indent } else { TEXT_W };
        let used = last.natural_width() + last.words.last().map_or(0.0, |w| w.space);
        let fit = ((avail - used) / dot).floor().max(0.0) as usize;
        if fit >= 5 || last.words.is_empty() {
            last.words.push(word(fit));
        } else {
            last.last = false;
            let full = (TEXT_W / dot).floor() as usize;
            lines.push(Line { words: vec![word(full)], last: true });
        }
    }

    fn labeled_line(&mut self, ll: &LabeledLine) -> Result<(), PrintError> {
        let label_style = if ll.bold_label { Style::Bold } else { Style::Regular };
        let label = ll.label.trim();
        let value = ll.value.trim();
        let mut spans = Vec::new();
        if !label.is_empty() {
            let label = if label.ends_with(':') { label.to_string() } else { format!("{label}:") };
            spans.push((label_style, self.clean(&label, label_style)?));
        }
        if !value.is_empty() {
            let value = if spans.is_empty() { value.to_string() } else { format!(" {value}") };
            spans.push((Style::Regular, self.clean(&value, Style::Regular)?));
        }
        // A line of dots alone starts at the margin; a label starts at the paragraph indent.
        let indent = if spans.is_empty() { 0.0 } else { 10.0 * MM };
        let heading = value.is_empty() && !ll.fill_dots;
        self.flow(spans, self.body, Align::Justify, indent, 6.0, heading, ll.fill_dots);
        Ok(())
    }

    fn list(&mut self, list: &List) -> Result<(), PrintError> {
        for (i, item) in list.items.iter().enumerate() {
            let n = list.start as usize + i;
            let mark = match list.style {
                ListStyle::Dash => "- ".to_string(),
                ListStyle::Plus => "+ ".to_string(),
                ListStyle::Numbered => format!("{n}. "),
                ListStyle::Lettered => format!("{}) ", letter(n)),
            };
            self.paragraph(item, Some(mark))?;
        }
        Ok(())
    }

    // ---- tables ------------------------------------------------------------------------------

    fn table(&mut self, t: &Table) -> Result<(), PrintError> {
        let cols = t.columns.len();
        let total: f32 = t.columns.iter().map(|c| c.width).sum();
        if cols == 0 || t.columns.iter().any(|c| !(c.width.is_finite() && c.width > 0.0)) || !total.is_finite() {
            return Err(PrintError::Table("cần ít nhất một cột, độ rộng mỗi cột phải lớn hơn 0".into()));
        }
        if let Some((i, r)) = t.rows.iter().enumerate().find(|(_, r)| r.len() != cols) {
            return Err(PrintError::Table(format!("dòng {} có {} ô, bảng có {} cột", i + 1, r.len(), cols)));
        }
        let size = Self::check_size(t.size)?;
        let widths: Vec<f32> = t.columns.iter().map(|c| c.width / total * TEXT_W).collect();
        let xs: Vec<f32> = std::iter::once(0.0)
            .chain(widths.iter().scan(0.0, |x, w| {
                *x += w;
                Some(*x)
            }))
            .collect();
        let pitch = pitch(size, 1.0);

        // Header row: bold, centred, each cell centred vertically.
        let mut cells = Vec::with_capacity(cols);
        for (c, col) in t.columns.iter().enumerate() {
            let spans = vec![(Style::Bold, self.clean(&col.title, Style::Bold)?)];
            cells.push(self.lines(&spans, size, widths[c] - 2.0 * PAD, 0.0));
        }
        let header_lines = cells.iter().map(Vec::len).max().unwrap_or(1);
        let header_h = header_lines as f32 * pitch + 2.0 * CELL_PAD_V;
        let mut pieces = Vec::new();
        for (c, lines) in cells.iter().enumerate() {
            let top = CELL_PAD_V + (header_lines - lines.len()) as f32 * pitch / 2.0;
            for (k, line) in lines.iter().enumerate() {
                let baseline = top + k as f32 * pitch + baseline_in(size, pitch);
                pieces.push(Piece::Text(Self::run(
                    line,
                    xs[c] + PAD,
                    widths[c] - 2.0 * PAD,
                    Align::Center,
                    baseline,
                    size,
                )));
            }
        }
        pieces.extend(borders(&xs, header_h));
        let header_index = self.rows.len();
        self.push(Row {
            boxed: RowBox { height: header_h, keep_with_next: !t.rows.is_empty(), ..RowBox::default() },
            pieces,
            what: "dòng tiêu đề của bảng",
        });

        // Body rows, cut between lines when taller than a page under the header.
        let max_lines = (((TEXT_H - header_h - 2.0 * CELL_PAD_V) / pitch).floor() as usize).max(1);
        for row in &t.rows {
            let mut cells = Vec::with_capacity(cols);
            for (c, text) in row.iter().enumerate() {
                let spans = vec![(Style::Regular, self.clean(text, Style::Regular)?)];
                cells.push(self.lines(&spans, size, widths[c] - 2.0 * PAD, 0.0));
            }
            let n = cells.iter().map(Vec::len).max().unwrap_or(1);
            let mut from = 0;
            while from < n {
                let to = (from + max_lines).min(n);
                let height = (to - from) as f32 * pitch + 2.0 * CELL_PAD_V;
                let mut pieces = Vec::new();
                for (c, lines) in cells.iter().enumerate() {
                    for (k, line) in lines.iter().enumerate().take(to).filter(|(k, _)| *k >= from) {
                        if line.words.is_empty() {
                            continue;
                        }
                        let baseline = CELL_PAD_V + (k - from) as f32 * pitch + baseline_in(size, pitch);
                        let w = widths[c] - 2.0 * PAD;
                        pieces.push(Piece::Text(Self::run(line, xs[c] + PAD, w, t.columns[c].align, baseline, size)));
                    }
                }
                pieces.extend(borders(&xs, height));
                self.push(Row {
                    boxed: RowBox { height, repeat: Some(header_index), ..RowBox::default() },
                    pieces,
                    what: "dòng của bảng",
                });
                from = to;
            }
        }
        self.space(6.0);
        Ok(())
    }

    // ---- signatures and recipients -----------------------------------------------------------

    /// A signer centred in a column; returns the pieces and the height.
    fn signer(&self, s: &Signer, x0: f32, width: f32) -> Result<(Vec<Piece>, f32), PrintError> {
        let size = self.body;
        let p = pitch(size, 1.0);
        let mut pieces = Vec::new();
        let mut y = 0.0;
        for title in &s.titles {
            let b =
                self.boxed(&vec![(Style::Bold, self.upper(title, Style::Bold)?)], size, x0, width, Align::Center, y, p);
            pieces.extend(b.pieces);
            y = b.bottom;
        }
        if let Some(note) = &s.note {
            let b = self.boxed(
                &vec![(Style::Italic, self.clean(note, Style::Italic)?)],
                size,
                x0,
                width,
                Align::Center,
                y,
                p,
            );
            pieces.extend(b.pieces);
            y = b.bottom;
        }
        y += SIGN_SPACE;
        let name = s.name.trim();
        if !name.is_empty() {
            let b =
                self.boxed(&vec![(Style::Bold, self.clean(name, Style::Bold)?)], size, x0, width, Align::Center, y, p);
            pieces.extend(b.pieces);
            y = b.bottom;
        } else {
            y += p;
        }
        Ok((pieces, y))
    }

    /// "Nơi nhận:" and its lines, flush left in a column; returns the pieces and the height.
    fn recipient_lines(&self, r: &Recipients, x0: f32, width: f32) -> Result<(Vec<Piece>, f32), PrintError> {
        let heading = self.clean("Nơi nhận:", Style::BoldItalic)?;
        let b = self.boxed(&vec![(Style::BoldItalic, heading)], 12.0, x0, width, Align::Left, 0.0, pitch(12.0, 1.0));
        let mut pieces = b.pieces;
        let mut y = b.bottom;
        for line in r.lines() {
            let b = self.boxed(
                &vec![(Style::Regular, self.clean(&line, Style::Regular)?)],
                11.0,
                x0,
                width,
                Align::Left,
                y,
                pitch(11.0, 1.0),
            );
            pieces.extend(b.pieces);
            y = b.bottom;
        }
        Ok((pieces, y))
    }

    fn slot(&self, slot: &SignatureSlot, x0: f32, width: f32) -> Result<(Vec<Piece>, f32), PrintError> {
        match slot {
            SignatureSlot::Empty => Ok((Vec::new(), 0.0)),
            SignatureSlot::Signer(s) => self.signer(s, x0 + PAD, width - 2.0 * PAD),
            SignatureSlot::Recipients(r) => self.recipient_lines(r, x0, width - PAD),
        }
    }

    fn signatures(&mut self, s: &Signatures) -> Result<(), PrintError> {
        let half = TEXT_W / 2.0;
        let (mut pieces, left_h) = self.slot(&s.left, 0.0, half)?;
        let (right, right_h) = self.slot(&s.right, half, half)?;
        pieces.extend(right);
        // The signature never starts a page alone: it stays with the end of the text above.
        if let Some(prev) = self.rows.last_mut() {
            prev.boxed.keep_with_next = true;
        }
        self.space_at_least(12.0);
        self.push(Row {
            boxed: RowBox { height: left_h.max(right_h), space_after: 12.0, ..RowBox::default() },
            pieces,
            what: "chữ ký",
        });
        Ok(())
    }

    fn recipients(&mut self, r: &Recipients) -> Result<(), PrintError> {
        let (pieces, height) = self.recipient_lines(r, 0.0, TEXT_W / 2.0)?;
        self.space_at_least(12.0);
        self.push(Row { boxed: RowBox { height, ..RowBox::default() }, pieces, what: "nơi nhận" });
        Ok(())
    }
}

/// Moves a piece down by `dy`.
fn shift_piece(p: Piece, dy: f32) -> Piece {
    match p {
        Piece::Text(mut t) => {
            t.baseline += dy;
            Piece::Text(t)
        }
        Piece::Rule { x1, y1, x2, y2 } => Piece::Rule { x1, y1: y1 + dy, x2, y2: y2 + dy },
    }
}

/// The borders of a table row `height` high with column edges at `xs`.
fn borders(xs: &[f32], height: f32) -> Vec<Piece> {
    let (left, right) = (xs.first().copied().unwrap_or(0.0), xs.last().copied().unwrap_or(0.0));
    let mut out = vec![
        Piece::Rule { x1: left, y1: 0.0, x2: right, y2: 0.0 },
        Piece::Rule { x1: left, y1: height, x2: right, y2: height },
    ];
    out.extend(xs.iter().map(|&x| Piece::Rule { x1: x, y1: 0.0, x2: x, y2: height }));
    out
}

/// The `n`-th letter of a lettered list (1 = a): the Vietnamese alphabet, "đ" included, without
/// f, j, w, z; beyond "y" the number.
pub(crate) fn letter(n: usize) -> String {
    const LETTERS: [&str; 23] = [
        "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "x",
        "y",
    ];
    match n.checked_sub(1).and_then(|i| LETTERS.get(i)) {
        Some(l) => (*l).to_string(),
        None => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn fonts() -> Fonts {
        Fonts::load().expect("fonts")
    }

    fn texts(row: &Row) -> Vec<String> {
        row.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Text(t) => Some(
                    t.items
                        .iter()
                        .filter_map(|i| if let Item::Text(_, s) = i { Some(s.as_str()) } else { None })
                        .collect(),
                ),
                Piece::Rule { .. } => None,
            })
            .collect()
    }

    fn run_width(f: &Fonts, t: &TextRun) -> f32 {
        t.items
            .iter()
            .map(|i| match i {
                Item::Text(s, text) => f.width(*s, text, t.size),
                Item::Gap(g) => *g,
            })
            .sum()
    }

    #[test]
    fn vietnamese_letters() {
        assert_eq!(letter(1), "a");
        assert_eq!(letter(5), "đ");
        assert_eq!(letter(6), "e");
        assert_eq!(letter(23), "y");
        assert_eq!(letter(24), "24");
    }

    #[test]
    fn justified_paragraph_lines_reach_the_right_margin_and_measure_real_widths() {
        let f = fonts();
        let text = "Công an xã đã phối hợp với Ban Công tác Mặt trận thôn Đắk Năng tổ chức tuyên truyền, vận động nhân dân tích cực tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc, tố giác tội phạm và giao nộp vũ khí, vật liệu nổ.";
        let doc = Document::new("t").with(Paragraph::new(text));
        let rows = layout(&doc, &f).expect("layout");
        assert!(rows.len() >= 3, "{}", rows.len());
        let indent = 10.0 * MM;
        for (i, row) in rows.iter().enumerate() {
            let Some(Piece::Text(run)) = row.pieces.first() else { panic!("no text") };
            let start = if i == 0 { indent } else { 0.0 };
            assert!((run.x - start).abs() < 1e-3, "line {i} starts at {}", run.x);
            let end = run.x + run_width(&f, run);
            if i + 1 < rows.len() {
                assert!((end - TEXT_W).abs() < 0.05, "line {i} ends at {end}, not {TEXT_W}");
                assert!(run.items.iter().any(|it| matches!(it, Item::Gap(g) if *g > 0.0)));
            } else {
                assert!(end < TEXT_W, "last line is not stretched");
                assert!(!run.items.iter().any(|it| matches!(it, Item::Gap(_))));
            }
        }
        // No word is split: the lines, joined with spaces, give back the text.
        assert_eq!(rows.iter().flat_map(texts).collect::<Vec<_>>().join(" "), text);
        assert_eq!(rows.last().map(|r| r.boxed.space_after), Some(6.0));
    }

    #[test]
    fn text_is_normalised_to_nfc_and_checked_against_the_font() {
        let f = fonts();
        let nfd: String = "Nguyễn Văn An".nfd().collect();
        assert_ne!(nfd, "Nguyễn Văn An");
        let rows = layout(&Document::new("t").with(Paragraph::new(nfd)), &f).expect("layout");
        assert_eq!(texts(&rows[0]), ["Nguyễn Văn An"]);
        let err = layout(&Document::new("t").with(Paragraph::new("xin chào 😀")), &f).expect_err("emoji");
        assert!(matches!(err, PrintError::MissingGlyph { ch: '😀', .. }), "{err:?}");
    }

    #[test]
    fn header_columns_rules_and_place_date() {
        let f = fonts();
        let date = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
        let h = Header::new("Công an tỉnh Gia Lai", "Công an xã Ia Đal").number("05/BB-CAX").place_date("Ia Đal", date);
        let rows = layout(&Document::new("t").with(h), &f).expect("layout");
        let t = texts(&rows[0]);
        assert_eq!(
            t,
            [
                "CÔNG AN TỈNH GIA LAI",
                "CÔNG AN XÃ IA ĐAL",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Số: 05/BB-CAX",
                "Ia Đal, ngày 05 tháng 01 năm 2026"
            ]
        );
        let runs: Vec<&TextRun> =
            rows[0].pieces.iter().filter_map(|p| if let Piece::Text(t) = p { Some(t) } else { None }).collect();
        assert_eq!(runs[4].baseline, runs[5].baseline, "Số and the date share a line");
        assert_eq!(runs[5].items[0], Item::Text(Style::Italic, t[5].clone()));
        let rules: Vec<(f32, f32, f32)> = rows[0]
            .pieces
            .iter()
            .filter_map(|p| if let Piece::Rule { x1, x2, y1, .. } = p { Some((*x1, *x2, *y1)) } else { None })
            .collect();
        assert_eq!(rules.len(), 2);
        // Agency rule: 1/3–1/2 of the agency line, under it; motto rule: as long as the motto.
        let agency_w = run_width(&f, runs[1]);
        let (x1, x2, y) = rules[0];
        assert!((x2 - x1) >= agency_w / 3.0 && (x2 - x1) <= agency_w / 2.0);
        assert!(y > runs[1].baseline + 2.5 && y < runs[4].baseline - 10.0);
        // A gap below the lowest descender, not an underline touching the letters.
        assert!(y >= runs[1].baseline + HEADER_SIZE * DESCENT + 3.5, "{y} {}", runs[1].baseline);
        let motto_w = run_width(&f, runs[3]);
        let (x1, x2, y) = rules[1];
        assert!(((x2 - x1) - motto_w).abs() < 0.01);
        assert!((x1 - runs[3].x).abs() < 0.01);
        assert!(y > runs[3].baseline + 3.0);
        // Columns do not overlap.
        assert!(runs[0].x + run_width(&f, runs[0]) < runs[2].x);
    }

    #[test]
    fn dotted_line_reaches_the_margin() {
        let f = fonts();
        let rows = layout(&Document::new("t").with(LabeledLine::dotted("Thời gian bắt đầu")), &f).expect("layout");
        assert_eq!(rows.len(), 1);
        let Some(Piece::Text(run)) = rows[0].pieces.first() else { panic!() };
        let end = run.x + run_width(&f, run);
        assert!(end <= TEXT_W + 0.01 && end > TEXT_W - 4.0, "{end}");
        assert!(texts(&rows[0])[0].starts_with("Thời gian bắt đầu: ....."));
        // Without a label: dots from margin to margin.
        let rows = layout(&Document::new("t").with(LabeledLine::dotted("")), &f).expect("layout");
        let Some(Piece::Text(run)) = rows[0].pieces.first() else { panic!() };
        assert_eq!(run.x, 0.0);
        assert!(run_width(&f, run) > TEXT_W - 4.0 && run_width(&f, run) <= TEXT_W + 0.01);
        assert!(texts(&rows[0])[0].chars().all(|c| c == '.'));
        // A heading label stays with what follows.
        let rows = layout(&Document::new("t").with(LabeledLine::heading("Nội dung")), &f).expect("layout");
        assert!(rows[0].boxed.keep_with_next);
        assert_eq!(texts(&rows[0]), ["Nội dung:"]);
    }

    #[test]
    fn table_rows_repeat_their_header_and_long_rows_are_cut() {
        let f = fonts();
        let long = "chữ ".repeat(2000);
        let t = Table::new(vec![Column::new("TT", 1.0, Align::Center), Column::new("Nội dung", 6.0, Align::Left)])
            .row(["1", "ngắn"])
            .row(["2", long.as_str()]);
        let rows = layout(&Document::new("t").with(t), &f).expect("layout");
        assert!(rows[0].boxed.keep_with_next);
        assert!(rows.len() > 3, "the long row is cut: {}", rows.len());
        assert!(rows[1..].iter().all(|r| r.boxed.repeat == Some(0)));
        assert!(rows.iter().all(|r| r.boxed.height + rows[0].boxed.height <= TEXT_H));
        let bad = Table::new(vec![Column::new("A", 1.0, Align::Left)]).row(["1", "2"]);
        let err = layout(&Document::new("t").with(bad), &f).expect_err("shape");
        assert_eq!(err.to_string(), "Bảng không hợp lệ: dòng 1 có 2 ô, bảng có 1 cột.");
    }

    #[test]
    fn signatures_keep_with_the_text_above() {
        let f = fonts();
        let doc = Document::new("t").with(Paragraph::new("Cuộc họp kết thúc.").end_mark()).with(Signatures::pair(
            Signer::new(["Thư ký"], "Trần Thị Bình"),
            Signer::new(["Chủ tọa"], "Nguyễn Văn An"),
        ));
        let rows = layout(&doc, &f).expect("layout");
        assert_eq!(texts(&rows[0]), ["Cuộc họp kết thúc./."]);
        assert!(rows[0].boxed.keep_with_next);
        assert_eq!(rows.len(), 2, "the signature block is one unbreakable row");
        assert_eq!(texts(&rows[1]), ["THƯ KÝ", "Trần Thị Bình", "CHỦ TỌA", "Nguyễn Văn An"]);
    }

    #[test]
    fn bad_settings_are_refused() {
        let f = fonts();
        assert!(matches!(layout(&Document::new("t").line_spacing(2.0), &f), Err(PrintError::Setting(_))));
        assert!(matches!(
            layout(&Document::new("t").with(Paragraph::new("a").size(100.0)), &f),
            Err(PrintError::Setting(_))
        ));
        assert!(matches!(
            layout(&Document::new("t").with(Paragraph::new("a").indent_mm(300.0)), &f),
            Err(PrintError::Setting(_))
        ));
        assert!(matches!(
            layout(&Document::new("t").with(Paragraph::new("a").space_after(f32::NAN)), &f),
            Err(PrintError::Setting(_))
        ));
    }
}

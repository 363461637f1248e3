//! Placed rows into PDF content through printpdf: one text object per run, fonts embedded as subsets.

use printpdf::{
    FontId, Line, LinePoint, Mm, OffsetDateTime, Op, PdfDocument, PdfFontHandle, PdfPage, PdfParseErrorSeverity,
    PdfSaveOptions, Point, Pt, TextItem, TextMatrix,
};
use unicode_normalization::UnicodeNormalization;

use super::PrintError;
use super::fonts::{Fonts, Style};
use super::layout::{Item, MARGIN_LEFT, MARGIN_TOP, PAGE_H, Piece, RULE, Row, TEXT_W, TextRun};
use super::paginate::Placement;

/// Size of page numbers (decree: 13–14).
const PAGE_NUMBER_SIZE: f32 = 14.0;
/// Baseline of page numbers, from the top edge of the page: in the middle of the top margin.
const PAGE_NUMBER_BASELINE: f32 = 12.0 * super::layout::MM;

/// Writes the pages. `pages` holds, per page, the rows placed on it.
pub(crate) fn write(title: &str, fonts: &Fonts, rows: &[Row], pages: &[Vec<Placement>]) -> Result<Vec<u8>, PrintError> {
    let mut doc = PdfDocument::new(&title.nfc().collect::<String>());
    let now = OffsetDateTime::now();
    let info = &mut doc.metadata.info;
    (info.creation_date, info.modification_date, info.metadata_date) = (now, now, now);
    info.creator = "phongtrao".into();
    info.producer = "phongtrao (printpdf)".into();
    // Register only the faces in use (page numbers are upright).
    let used = |s: Style| {
        (s == Style::Regular && pages.len() > 1)
            || rows.iter().flat_map(|r| &r.pieces).any(|p| match p {
                Piece::Text(t) => t.items.iter().any(|i| matches!(i, Item::Text(st, _) if *st == s)),
                Piece::Rule { .. } => false,
            })
    };
    let ids: Vec<Option<FontId>> = Style::ALL.iter().map(|&s| used(s).then(|| doc.add_font(fonts.parsed(s)))).collect();
    let fallback = ids.iter().flatten().next().cloned();
    let font = |s: Style| -> PdfFontHandle {
        let id = Style::ALL.iter().position(|&x| x == s).and_then(|i| ids[i].clone());
        // Every style drawn was registered above; the fallback only keeps this total.
        PdfFontHandle::External(id.or_else(|| fallback.clone()).unwrap_or_else(FontId::new))
    };

    let mut pdf_pages = Vec::with_capacity(pages.len());
    for (n, placements) in pages.iter().enumerate() {
        let mut ops = vec![Op::SetOutlineThickness { pt: Pt(RULE) }];
        for pl in placements {
            let Some(row) = rows.get(pl.row) else { continue };
            let top = PAGE_H - MARGIN_TOP - pl.y;
            for piece in &row.pieces {
                match piece {
                    Piece::Text(run) => text_ops(&mut ops, run, MARGIN_LEFT, top, &font),
                    Piece::Rule { x1, y1, x2, y2 } => ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint { p: Point { x: Pt(MARGIN_LEFT + x1), y: Pt(top - y1) }, bezier: false },
                                LinePoint { p: Point { x: Pt(MARGIN_LEFT + x2), y: Pt(top - y2) }, bezier: false },
                            ],
                            is_closed: false,
                        },
                    }),
                }
            }
        }
        if n > 0 {
            // Page numbers from page 2, centred over the text in the top margin.
            let label = (n + 1).to_string();
            let w = fonts.width(Style::Regular, &label, PAGE_NUMBER_SIZE);
            let run = TextRun {
                x: (TEXT_W - w) / 2.0,
                baseline: PAGE_NUMBER_BASELINE,
                size: PAGE_NUMBER_SIZE,
                items: vec![Item::Text(Style::Regular, label)],
            };
            text_ops(&mut ops, &run, MARGIN_LEFT, PAGE_H, &font);
        }
        pdf_pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
    }

    let mut warnings = Vec::new();
    // printpdf's own save() compresses every stream (Flate, best) but writes each small object
    // (fonts' dictionaries, widths, pages) uncompressed with a classic xref table. Saving its lopdf
    // document ourselves with object streams and a cross-reference stream (PDF 1.5) compresses those
    // too: about 4 KB less for a 3-page Biên bản, nothing lost.
    let mut lo = doc.with_pages(pdf_pages).to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    lo.compress();
    let mut bytes = Vec::new();
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(9)
        .max_objects_per_stream(1000)
        .build();
    lo.save_with_options(&mut bytes, options).map_err(|e| PrintError::Pdf(e.to_string()))?;
    let errors: Vec<String> =
        warnings.into_iter().filter(|w| w.severity == PdfParseErrorSeverity::Error).map(|w| w.msg).collect();
    if !errors.is_empty() {
        return Err(PrintError::Pdf(errors.join("; ")));
    }
    if bytes.is_empty() {
        return Err(PrintError::Pdf("printpdf trả về tệp rỗng".into()));
    }
    Ok(bytes)
}

/// One text object: `run` placed relative to (`left`, `top`) in page coordinates.
fn text_ops(ops: &mut Vec<Op>, run: &TextRun, left: f32, top: f32, font: &impl Fn(Style) -> PdfFontHandle) {
    ops.push(Op::StartTextSection);
    ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(left + run.x), Pt(top - run.baseline)) });
    let mut current: Option<Style> = None;
    let mut items: Vec<TextItem> = Vec::new();
    for item in &run.items {
        match item {
            Item::Text(style, text) => {
                if current != Some(*style) {
                    if !items.is_empty() {
                        ops.push(Op::ShowText { items: std::mem::take(&mut items) });
                    }
                    ops.push(Op::SetFont { font: font(*style), size: Pt(run.size) });
                    current = Some(*style);
                }
                items.push(TextItem::Text(text.clone()));
            }
            // A TJ number moves the next glyph left by thousandths of the font size.
            Item::Gap(g) => items.push(TextItem::Offset(-g * 1000.0 / run.size)),
        }
    }
    if !items.is_empty() {
        ops.push(Op::ShowText { items });
    }
    ops.push(Op::EndTextSection);
}

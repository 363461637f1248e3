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
    // too: about 3 KB less for a 3-page Biên bản, nothing lost.
    let mut lo = doc.with_pages(pdf_pages).to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    unhint_fonts(&mut lo);
    compress(&mut lo).map_err(|e| PrintError::Pdf(e.to_string()))?;
    let mut bytes = Vec::new();
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(COMPRESSION)
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

/// Drops the hinting of every embedded TrueType font program (`FontFile2`): see [`super::unhint`].
fn unhint_fonts(doc: &mut lopdf::Document) {
    let programs: Vec<lopdf::ObjectId> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|n| n == b"FontDescriptor"))
        .filter_map(|d| d.get(b"FontFile2").and_then(|r| r.as_reference()).ok())
        .collect();
    for id in programs {
        if let Some(lopdf::Object::Stream(s)) = doc.objects.get_mut(&id)
            && s.dict.get(b"Filter").is_err()
            && let Some(plain) = super::unhint::strip(&s.content)
        {
            s.dict.set("Length1", plain.len() as i64);
            s.set_content(plain);
        }
    }
}

/// Flate level of every stream. lopdf's own `compress` uses the best (9), which spent half the time
/// of a printed page in deflate for 1% smaller files; the default level (6) is what zlib and most
/// PDF writers (LibreOffice among them) use.
const COMPRESSION: u32 = 6;

/// Compresses every stream that may be compressed and is not yet (content streams, font programs,
/// ToUnicode maps) with Flate at [`COMPRESSION`], keeping the raw data when compressing does not help.
fn compress(doc: &mut lopdf::Document) -> std::io::Result<()> {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(COMPRESSION));
            z.write_all(&stream.content)?;
            let packed = z.finish()?;
            if packed.len() < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(packed);
            }
        }
    }
    Ok(())
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

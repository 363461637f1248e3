//! The four embedded Liberation Serif faces and their advance widths.
//!
//! Liberation Serif is metric-compatible with Times New Roman, the face Nghị định 30/2020/NĐ-CP asks for.
//! Widths come from the font's own `hmtx` table (through the parser printpdf itself uses) and are rounded
//! exactly as printpdf writes them into the PDF's `/W` array, so the positions computed here are the
//! positions a viewer draws.

use std::sync::OnceLock;

use printpdf::ParsedFont;

use super::PrintError;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-Italic.ttf");
static BOLD_ITALIC: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-BoldItalic.ttf");

/// Distance from the top of a line box of single spacing to the baseline, in em (hhea ascender
/// 1825 / 2048, the same as Times New Roman).
pub(crate) const ASCENT: f32 = 1825.0 / 2048.0;
/// Depth below the baseline, in em (hhea descender 443 / 2048).
pub(crate) const DESCENT: f32 = 443.0 / 2048.0;
/// Single line spacing, in em: ascender + descender + line gap (87 / 2048). Word's "single" for
/// Times New Roman.
pub(crate) const SINGLE_LINE: f32 = (1825.0 + 443.0 + 87.0) / 2048.0;

/// A face of the document font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Style {
    /// Upright (chữ đứng).
    #[default]
    Regular,
    /// Bold (chữ đậm).
    Bold,
    /// Italic (chữ nghiêng).
    Italic,
    /// Bold italic (chữ đậm nghiêng), e.g. "Nơi nhận:".
    BoldItalic,
}

impl Style {
    /// Every face, in the order [`Fonts`] stores them.
    pub(crate) const ALL: [Style; 4] = [Style::Regular, Style::Bold, Style::Italic, Style::BoldItalic];

    fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Bold => 1,
            Style::Italic => 2,
            Style::BoldItalic => 3,
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Style::Regular => "LiberationSerif-Regular.ttf",
            Style::Bold => "LiberationSerif-Bold.ttf",
            Style::Italic => "LiberationSerif-Italic.ttf",
            Style::BoldItalic => "LiberationSerif-BoldItalic.ttf",
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Style::Regular => REGULAR,
            Style::Bold => BOLD,
            Style::Italic => ITALIC,
            Style::BoldItalic => BOLD_ITALIC,
        }
    }
}

/// One parsed face.
struct Face {
    font: ParsedFont,
    units_per_em: f32,
}

/// The four parsed faces.
pub(crate) struct Fonts {
    faces: Vec<Face>,
}

/// The faces, parsed once per process.
static SHARED: OnceLock<Fonts> = OnceLock::new();

impl Fonts {
    /// The faces, parsed on first use (about 2 ms) and kept for the life of the process.
    pub(crate) fn shared() -> Result<&'static Fonts, PrintError> {
        if let Some(fonts) = SHARED.get() {
            return Ok(fonts);
        }
        let fonts = Fonts::load()?;
        Ok(SHARED.get_or_init(|| fonts))
    }

    /// Parses the embedded faces.
    pub(crate) fn load() -> Result<Fonts, PrintError> {
        let mut faces = Vec::with_capacity(4);
        for style in Style::ALL {
            let mut warnings = Vec::new();
            let font = ParsedFont::from_bytes(style.bytes(), 0, &mut warnings)
                .ok_or_else(|| PrintError::Font(style.file_name().to_string()))?;
            let units_per_em = f32::from(font.pdf_font_metrics.units_per_em);
            if units_per_em <= 0.0 {
                return Err(PrintError::Font(style.file_name().to_string()));
            }
            faces.push(Face { font, units_per_em });
        }
        Ok(Fonts { faces })
    }

    fn face(&self, style: Style) -> &Face {
        &self.faces[style.index()]
    }

    /// The parsed face, to register with the PDF document.
    pub(crate) fn parsed(&self, style: Style) -> &ParsedFont {
        &self.face(style).font
    }

    /// Whether the face has a glyph for `ch`.
    pub(crate) fn has_glyph(&self, style: Style, ch: char) -> bool {
        self.face(style).font.lookup_glyph_index(u32::from(ch)).is_some()
    }

    /// Advance width of `ch` in thousandths of an em, truncated to an integer exactly as printpdf
    /// writes the glyph's entry of the `/W` array. A character without a glyph measures 0; callers
    /// check coverage first with [`Fonts::has_glyph`].
    pub(crate) fn advance_milli(&self, style: Style, ch: char) -> u32 {
        let face = self.face(style);
        match face.font.lookup_glyph_index(u32::from(ch)) {
            // Same arithmetic as printpdf's `get_scaled_glyph_width` (f32, then truncation).
            Some(gid) => (f32::from(face.font.get_horizontal_advance(gid)) * 1000.0 / face.units_per_em) as u32,
            None => 0,
        }
    }

    /// Width of `text` at `size` points, in points.
    pub(crate) fn width(&self, style: Style, text: &str, size: f32) -> f32 {
        let milli: u32 = text.chars().map(|c| self.advance_milli(style, c)).sum();
        milli as f32 * size / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertical_metrics_match_the_font() {
        let fonts = Fonts::load().expect("fonts");
        for style in Style::ALL {
            let m = &fonts.parsed(style).pdf_font_metrics;
            assert_eq!(m.units_per_em, 2048);
            assert_eq!(f32::from(m.ascender) / 2048.0, ASCENT, "{style:?}");
            assert_eq!(-f32::from(m.descender) / 2048.0, DESCENT, "{style:?}");
            assert_eq!(f32::from(m.line_gap), 87.0, "{style:?}");
        }
    }

    #[test]
    fn widths_are_times_metrics() {
        let fonts = Fonts::load().expect("fonts");
        // Times New Roman's widths (space 512/2048 em, "a" 909, "M" 1821, bold "M" 1933), truncated to
        // thousandths as printpdf writes them: 250, 443, 889, 943.
        assert_eq!(fonts.advance_milli(Style::Regular, ' '), 250);
        assert_eq!(fonts.advance_milli(Style::Regular, 'a'), 443);
        assert_eq!(fonts.advance_milli(Style::Regular, 'M'), 889);
        assert_eq!(fonts.advance_milli(Style::Bold, 'M'), 943);
        assert!((fonts.width(Style::Regular, "aM", 10.0) - 13.32).abs() < 1e-4);
    }

    #[test]
    fn every_vietnamese_letter_has_a_glyph_and_the_advance_printpdf_writes() {
        let fonts = Fonts::load().expect("fonts");
        let letters = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";
        for style in Style::ALL {
            let font = fonts.parsed(style);
            for ch in letters.chars().chain(letters.to_uppercase().chars()).chain("…–“”‘’0123456789".chars())
            {
                assert!(fonts.has_glyph(style, ch), "{style:?} lacks {ch}");
                let gid = font.lookup_glyph_index(u32::from(ch)).expect("glyph");
                // printpdf fills /W from the decoded glyph's advance; ours comes from hmtx.
                let decoded = font.get_or_decode_glyph(gid).map(|g| g.horz_advance);
                assert_eq!(decoded, Some(font.get_horizontal_advance(gid)), "{style:?} {ch}");
            }
        }
        assert!(!fonts.has_glyph(Style::Regular, '\u{1F600}'));
    }
}

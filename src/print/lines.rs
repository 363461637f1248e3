//! Line breaking: styled text into words, words into lines (greedy first fit), lines into positions.
//!
//! Vietnamese separates syllables with spaces, so a line may break only at a space (or a `\n`, which
//! forces a break). A word is never split unless it alone is wider than the line; then it is cut
//! between characters, never before a combining mark. Widths come from a [`Measure`], so the rules
//! are tested here with a monospaced stand-in and used with the real font metrics.

use unicode_normalization::char::is_combining_mark;

use super::fonts::Style;
use super::model::Align;

/// Tolerance for "fits", in points: rounding must not push a word that exactly fits to the next line.
const EPSILON: f32 = 0.01;

/// Advance widths at one font size.
pub(crate) trait Measure {
    /// Advance width of `ch` in `style`, in points.
    fn advance(&self, style: Style, ch: char) -> f32;
}

/// A piece of a word in one style.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Frag {
    pub style: Style,
    pub text: String,
    pub width: f32,
}

/// A word: what lies between two spaces. It may change style inside ("(**bold**),").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub frags: Vec<Frag>,
    /// Width of the word, in points.
    pub width: f32,
    /// Style of the space that follows the word (the style of the span it was typed in).
    pub space_style: Style,
    /// Width of that space, in points (0 for the first pieces of a force-broken word).
    pub space: f32,
}

impl Word {
    /// The word's text, all fragments joined.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.frags.iter().map(|f| f.text.as_str()).collect()
    }
}

/// A word, or a forced line break (`\n`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    Word(Word),
    Break,
}

/// Characters that look like a space but join words (no break there).
fn is_breakable_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}' | '\n')
}

/// Splits styled text into words and forced breaks. Runs of spaces count as one space; control
/// characters other than `\n` are dropped.
pub(crate) fn tokenize(spans: &[(Style, &str)], m: &impl Measure) -> Vec<Token> {
    struct Builder {
        frags: Vec<Frag>,
    }
    impl Builder {
        fn push(&mut self, style: Style, c: char, w: f32) {
            match self.frags.last_mut() {
                Some(f) if f.style == style => {
                    f.text.push(c);
                    f.width += w;
                }
                _ => self.frags.push(Frag { style, text: c.to_string(), width: w }),
            }
        }
        fn finish(&mut self, space_style: Style, m: &impl Measure) -> Option<Word> {
            if self.frags.is_empty() {
                return None;
            }
            let frags = std::mem::take(&mut self.frags);
            let width = frags.iter().map(|f| f.width).sum();
            Some(Word { frags, width, space_style, space: m.advance(space_style, ' ') })
        }
    }

    let mut out = Vec::new();
    let mut b = Builder { frags: Vec::new() };
    let mut last_style = Style::Regular;
    for &(style, text) in spans {
        for c in text.chars() {
            if c == '\n' {
                if let Some(w) = b.finish(style, m) {
                    out.push(Token::Word(w));
                }
                out.push(Token::Break);
            } else if is_breakable_space(c) {
                if let Some(w) = b.finish(style, m) {
                    out.push(Token::Word(w));
                }
            } else if c.is_control() {
                continue;
            } else {
                b.push(style, c, m.advance(style, c));
            }
            last_style = style;
        }
    }
    if let Some(w) = b.finish(last_style, m) {
        out.push(Token::Word(w));
    }
    out
}

/// One line of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub words: Vec<Word>,
    /// The last line of the paragraph, or a line ended by `\n`: never stretched.
    pub last: bool,
}

impl Line {
    /// Width with normal spaces, in points.
    pub fn natural_width(&self) -> f32 {
        let n = self.words.len();
        self.words.iter().enumerate().map(|(i, w)| w.width + if i + 1 < n { w.space } else { 0.0 }).sum()
    }

    /// The text of the line with single spaces.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.words.iter().map(Word::text).collect::<Vec<_>>().join(" ")
    }
}

/// Cuts a word wider than `max` into pieces that fit (each at least one character with its marks).
fn force_break(word: Word, max: f32, m: &impl Measure) -> Vec<Word> {
    let mut pieces: Vec<Word> = Vec::new();
    let mut cur: Vec<Frag> = Vec::new();
    let mut cur_w = 0.0f32;
    // Characters with their style, grouped into clusters (base + combining marks).
    let mut clusters: Vec<(Style, String, f32)> = Vec::new();
    for f in &word.frags {
        for c in f.text.chars() {
            let w = m.advance(f.style, c);
            match clusters.last_mut() {
                Some((s, text, cw)) if is_combining_mark(c) && *s == f.style => {
                    text.push(c);
                    *cw += w;
                }
                _ => clusters.push((f.style, c.to_string(), w)),
            }
        }
    }
    let flush = |cur: &mut Vec<Frag>, cur_w: &mut f32, pieces: &mut Vec<Word>| {
        let frags = std::mem::take(cur);
        pieces.push(Word { frags, width: *cur_w, space_style: word.space_style, space: 0.0 });
        *cur_w = 0.0;
    };
    for (style, text, w) in clusters {
        if !cur.is_empty() && cur_w + w > max + EPSILON {
            flush(&mut cur, &mut cur_w, &mut pieces);
        }
        match cur.last_mut() {
            Some(f) if f.style == style => {
                f.text.push_str(&text);
                f.width += w;
            }
            _ => cur.push(Frag { style, text, width: w }),
        }
        cur_w += w;
    }
    if !cur.is_empty() {
        flush(&mut cur, &mut cur_w, &mut pieces);
    }
    if let Some(last) = pieces.last_mut() {
        last.space = word.space;
    }
    pieces
}

/// Breaks tokens into lines: the first line is `first` points wide (after a first-line indent), the
/// others `rest`. Greedy first fit, as word processors do. An empty paragraph gives one empty line.
pub(crate) fn break_lines(tokens: Vec<Token>, first: f32, rest: f32, m: &impl Measure) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut cur: Vec<Word> = Vec::new();
    let mut cur_w = 0.0f32;
    let avail = |lines: &Vec<Line>| if lines.is_empty() { first } else { rest };

    for token in tokens {
        let word = match token {
            Token::Break => {
                lines.push(Line { words: std::mem::take(&mut cur), last: true });
                cur_w = 0.0;
                continue;
            }
            Token::Word(w) => w,
        };
        if let Some(prev) = cur.last() {
            if cur_w + prev.space + word.width <= avail(&lines) + EPSILON {
                cur_w += prev.space + word.width;
                cur.push(word);
                continue;
            }
            lines.push(Line { words: std::mem::take(&mut cur), last: false });
            cur_w = 0.0;
        }
        // The word starts a line.
        if word.width <= avail(&lines) + EPSILON {
            cur_w = word.width;
            cur.push(word);
        } else {
            let mut pieces = force_break(word, avail(&lines).min(rest), m);
            let tail = pieces.pop();
            for p in pieces {
                lines.push(Line { words: vec![p], last: false });
            }
            if let Some(t) = tail {
                cur_w = t.width;
                cur.push(t);
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(Line { words: cur, last: true });
    } else if let Some(l) = lines.last_mut() {
        l.last = true;
    }
    lines
}

/// Where the words of a line go.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    /// Left edge of each word, from the left edge of the line's box, in points.
    pub x: Vec<f32>,
    /// Space added to each gap between words (justification), in points.
    pub extra: f32,
}

/// Places a line in a box `width` points wide. Justified lines other than the last stretch their
/// spaces evenly to fill the box; a line that is too wide (one forced word) starts at the left.
pub(crate) fn place(line: &Line, width: f32, align: Align) -> Placed {
    let natural = line.natural_width();
    let slack = (width - natural).max(0.0);
    let gaps = line.words.len().saturating_sub(1);
    let (start, extra) = match align {
        Align::Left => (0.0, 0.0),
        Align::Center => (slack / 2.0, 0.0),
        Align::Right => (slack, 0.0),
        Align::Justify if line.last || gaps == 0 => (0.0, 0.0),
        Align::Justify => (0.0, slack / gaps as f32),
    };
    let mut x = Vec::with_capacity(line.words.len());
    let mut pos = start;
    for w in &line.words {
        x.push(pos);
        pos += w.width + w.space + extra;
    }
    Placed { x, extra }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every character 1 pt wide, bold ones 2 pt, spaces 1 pt.
    pub(crate) struct Mono;
    impl Measure for Mono {
        fn advance(&self, style: Style, _ch: char) -> f32 {
            match style {
                Style::Bold | Style::BoldItalic => 2.0,
                _ => 1.0,
            }
        }
    }

    fn lines(text: &str, first: f32, rest: f32) -> Vec<Line> {
        break_lines(tokenize(&[(Style::Regular, text)], &Mono), first, rest, &Mono)
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(Line::text).collect()
    }

    #[test]
    fn breaks_only_between_words() {
        // "Công an xã" = 3 + 1 + 2 + 1 + 2.
        let l = lines("Công an xã Ia Đal tổ chức họp", 10.0, 10.0);
        assert_eq!(texts(&l), ["Công an xã", "Ia Đal tổ", "chức họp"]);
        assert_eq!(l[0].natural_width(), 10.0);
        assert!(!l[0].last && !l[1].last && l[2].last);
    }

    #[test]
    fn first_line_indent_narrows_only_the_first_line() {
        let l = lines("aaa bbb ccc ddd", 4.0, 8.0);
        assert_eq!(texts(&l), ["aaa", "bbb ccc", "ddd"]);
    }

    #[test]
    fn spaces_collapse_and_newline_forces_a_break() {
        let l = lines("  một   hai\nba  ", 100.0, 100.0);
        assert_eq!(texts(&l), ["một hai", "ba"]);
        assert!(l[0].last, "a line ended by \\n is not justified");
        assert_eq!(texts(&lines("", 10.0, 10.0)), [""]);
    }

    #[test]
    fn non_breaking_space_joins_words() {
        let l = lines("Số: 05/BB\u{A0}CAX xin", 10.0, 10.0);
        assert_eq!(texts(&l), ["Số:", "05/BB\u{A0}CAX", "xin"]);
    }

    #[test]
    fn only_a_word_wider_than_the_line_is_cut() {
        let l = lines("ab cdefghijk lm", 4.0, 4.0);
        assert_eq!(texts(&l), ["ab", "cdef", "ghij", "k lm"]);
        // The cut pieces carry no space; the tail keeps the word's space.
        assert_eq!(l[1].words[0].space, 0.0);
        assert_eq!(l[3].words[0].space, 1.0);
    }

    #[test]
    fn a_cut_never_separates_a_combining_mark() {
        // "e" + combining circumflex + combining acute (NFD "ế") stay together.
        let l = lines("abe\u{302}\u{301}cd", 3.0, 3.0);
        for line in &l {
            let t = line.text();
            assert!(!t.starts_with(|c: char| is_combining_mark(c)), "{t:?}");
        }
        assert_eq!(texts(&l).concat(), "abe\u{302}\u{301}cd");
    }

    #[test]
    fn widths_follow_the_style_of_each_fragment() {
        let spans = [(Style::Bold, "Chủ trì:"), (Style::Regular, " ông (An),"), (Style::Bold, "x")];
        let t = tokenize(&spans, &Mono);
        let words: Vec<&Word> = t.iter().filter_map(|t| if let Token::Word(w) = t { Some(w) } else { None }).collect();
        assert_eq!(words.len(), 4);
        assert_eq!((words[0].width, words[0].space_style, words[0].space), (6.0, Style::Bold, 2.0));
        assert_eq!((words[1].width, words[1].space_style, words[1].space), (8.0, Style::Regular, 1.0));
        // A word across a style change keeps both fragments: "(An)," regular + "x" bold.
        assert_eq!(words[3].frags.len(), 2);
        assert_eq!(words[3].width, 5.0 + 2.0);
        // "Chủ trì: ông" = 6 + 2 + 8 + 1 + 3 = 20.
        let l = break_lines(tokenize(&spans, &Mono), 20.0, 20.0, &Mono);
        assert_eq!(texts(&l), ["Chủ trì: ông", "(An),x"]);
        assert_eq!(l[0].natural_width(), 20.0);
        let l = break_lines(tokenize(&spans, &Mono), 19.9, 19.9, &Mono);
        assert_eq!(texts(&l), ["Chủ trì:", "ông (An),x"]);
    }

    #[test]
    fn justified_lines_stretch_spaces_except_the_last() {
        let l = lines("aa bb cc dd ee", 10.0, 10.0);
        assert_eq!(texts(&l), ["aa bb cc", "dd ee"]);
        let p = place(&l[0], 10.0, Align::Justify);
        assert_eq!(p.extra, 1.0, "2 pt of slack over 2 gaps");
        assert_eq!(p.x, [0.0, 4.0, 8.0]);
        let last_word = l[0].words.last().expect("word");
        assert_eq!(p.x[2] + last_word.width, 10.0, "ends exactly at the right edge");
        let p = place(&l[1], 10.0, Align::Justify);
        assert_eq!((p.extra, p.x.as_slice()), (0.0, [0.0, 3.0].as_slice()));
    }

    #[test]
    fn a_line_within_the_tolerance_fits_and_is_not_stretched_past_the_box() {
        // Found by the property test: 12 + 1 + 4 + 1 + 2 = 20 in a box of 19.9918 pt.
        let l = lines("aưaơươơđưaơư aơưa đđ a", 19.991837, 19.991837);
        assert_eq!(texts(&l), ["aưaơươơđưaơư aơưa đđ", "a"]);
        let p = place(&l[0], 19.991837, Align::Justify);
        assert_eq!(p.extra, 0.0);
    }

    #[test]
    fn other_alignments() {
        let l = lines("aa bb", 9.0, 9.0);
        assert_eq!(place(&l[0], 9.0, Align::Center).x, [2.0, 5.0]);
        assert_eq!(place(&l[0], 9.0, Align::Right).x, [4.0, 7.0]);
        assert_eq!(place(&l[0], 9.0, Align::Left).x, [0.0, 3.0]);
        // A single word on a justified non-last line is not stretched.
        let l = lines("aaaa bbbb", 5.0, 5.0);
        assert_eq!(place(&l[0], 5.0, Align::Justify).extra, 0.0);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            // Failures print their input; nothing is written outside src/print.
            #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn lines_keep_every_word_whole_and_fit(
                words in proptest::collection::vec("[a-zđơư]{1,12}", 1..40),
                width in 12.0f32..60.0,
            ) {
                let text = words.join(" ");
                let l = lines(&text, width, width);
                // Nothing lost or reordered, and no word split (all words ≤ 12 < width).
                let joined: Vec<String> = l.iter().flat_map(|l| l.words.iter().map(Word::text)).collect();
                prop_assert_eq!(&joined, &words);
                for (i, line) in l.iter().enumerate() {
                    prop_assert!(line.natural_width() <= width + EPSILON);
                    // Greedy: the next line's first word would not have fitted.
                    if let Some(next) = l.get(i + 1) {
                        let w = line.natural_width() + 1.0 + next.words[0].width;
                        prop_assert!(w > width);
                    }
                    let p = place(line, width, Align::Justify);
                    if !line.last && line.words.len() > 1 {
                        let end = p.x.last().copied().unwrap_or(0.0) + line.words.last().map_or(0.0, |w| w.width);
                        // A line may overrun by the fit tolerance (0.01 pt), never more.
                        prop_assert!((end - width).abs() <= EPSILON + 1e-4, "justified line ends at {} not {}", end, width);
                    }
                }
            }
        }
    }
}

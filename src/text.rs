//! Vietnamese text: cleaning stored fields, accent-insensitive search, collation and number formatting.
//!
//! Every function accepts text in any Unicode normalisation form. Vietnamese arrives both precomposed
//! (NFC, what most keyboards send: `ễ` is one code point) and decomposed (NFD, what macOS file names
//! and some input methods send: `e` + `◌̂` + `◌̃`); the two must behave identically everywhere.
//!
//! * [`clean`] is applied to every stored text field: NFC, no stray control characters, single spaces.
//! * [`fold`] and [`search_tokens`] make search insensitive to accents and case
//!   (`"Nguyễn"` and `"NGUYEN"` both fold to `"nguyen"`).
//! * [`sort_key`] and [`compare`] sort the way a Vietnamese reader expects.
//! * [`format_int`] writes numbers with the Vietnamese thousands separator (`1.234.567`).
//!
//! # Collation
//!
//! The order follows CLDR's Vietnamese tailoring of the Unicode Collation Algorithm (UCA). A string is
//! read as a sequence of *collation elements* and compared at several levels; a later level is only
//! looked at when all earlier levels are equal.
//!
//! 1. **Primary: base letters.** The alphabet is
//!    `a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z`; the foreign letters
//!    `f j w z` sit where they do in the Latin alphabet. `ă â đ ê ô ơ ư` are letters of their own, so
//!    `"Ăn" > "Anh"` and `"Đào" > "Dũng"`. Letters compare one by one: `ch`, `ng`, `nh`, `th`… are
//!    not treated as single letters (CLDR's Vietnamese tailoring does not contract them either).
//!    Other elements:
//!    * **Word boundaries.** A run of spaces and/or punctuation (`, . - / ( ) « » …`, see
//!      `is_separator`) is one boundary element, lower than every letter and digit, so
//!      `"An Bình" < "Anh"` and a shorter word comes first. *Decision:* punctuation is not ignored but
//!      treated exactly like a space (`"Hồ-Chí-Minh"` = `"Hồ Chí Minh"` up to the last level), and
//!      boundaries at the very start or end are dropped. Which separator it was only matters at the
//!      final, identical level.
//!    * **Numbers.** A run of ASCII digits is one element compared by numeric value (natural order):
//!      `"Thôn 2" < "Thôn 10" < "Thôn 10A" < "Thôn 11"`. Numbers sort after boundaries and before
//!      letters, as in the UCA. Leading zeros do not change the value (`"02"` = `"2"` here).
//!    * **Everything else** (letters of other scripts, `ß`, `ø`, symbols such as `₫` or `°`, other
//!      kinds of digits) sorts after `z`, by code point (lowercased where Unicode has a simple
//!      lowercase), so the order is stable if not linguistically meaningful.
//!    * **Ignorable** format characters (zero-width space and joiners, soft hyphen, BOM, variation
//!      selectors, bidi controls) are skipped until the final level.
//! 2. **Secondary: tones** (and any other diacritics). The six tones order as
//!    ngang (none) < huyền (`à`) < hỏi (`ả`) < ngã (`ã`) < sắc (`á`) < nặng (`ạ`), so
//!    `ma < mà < mả < mã < má < mạ`, all before `mă`. A tone never outweighs a letter: `"mà" < "mb"`.
//!    The tone belongs to the letter that carries it, so `"hoà"` and `"hòa"` (old and new spelling)
//!    are neighbours but not equal; [`fold`] makes them equal for search. Diacritics that are not
//!    Vietnamese (`ü`, `ç`, a circumflex on `c`…) rank after the tones of the same letter.
//! 3. **Tertiary: case**, lowercase before uppercase (`"đào" < "Đào"`), compared only when letters and
//!    tones are equal: `"Ma" < "mà"`. At this level numbers with fewer leading zeros come first:
//!    `"Tổ 2" < "Tổ 02" < "Tổ 3"`.
//! 4. **Identical: the NFC text** itself, byte by byte, so that two strings compare equal only when
//!    they are canonically equivalent (the same text in different normalisation forms). This makes
//!    [`compare`] deterministic (`"Hồ-Chí-Minh"` vs `"Hồ Chí Minh"`, `"Thôn  2"` vs `"Thôn 2"`) and
//!    usable for keys of ordered maps.
//!
//! # Sort key layout
//!
//! [`sort_key`] writes the four levels one after the other, separated by the byte `0x00`:
//!
//! ```text
//! primary weights 00 secondary weights 00 tertiary weights 00 NFC UTF-8 bytes
//! ```
//!
//! No weight byte of the first three levels is `0x00`, so when one string's elements run out at some
//! level while the other's continue, the shorter one sorts first ("prefix-safe"), and a level is never
//! confused with the next. Each element's weights are self-delimiting (a digit run is prefixed with its
//! length), so plain `memcmp` of two keys gives exactly the multi-level comparison described above.
//! That is what makes keys usable as an SQLite `BLOB` column with `ORDER BY`.
//!
//! The key layout is part of the storage format: any change to it requires recomputing stored keys.

use std::cmp::Ordering;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

// ---------------------------------------------------------------------------------------------------
// Cleaning

/// Normalises a text field for storage.
///
/// * NFC-normalises (the stored form is always precomposed).
/// * Keeps line breaks: `\r\n`, `\r`, NEL, U+2028 and U+2029 all become `\n`.
/// * Within each line, collapses every run of other whitespace (spaces, tabs, no-break spaces,
///   ideographic spaces…) to a single space and trims both ends of the line.
/// * Trims blank lines from the start and end of the text; blank lines inside it (paragraph breaks)
///   are kept.
/// * Drops control characters other than line breaks and tabs (NUL, escape, …) and byte order marks
///   (U+FEFF), which are never meant to be stored.
///
/// `clean(clean(s)) == clean(s)`.
///
/// ```
/// use phongtrao::text::clean;
/// assert_eq!(clean("  Thôn\t\tĐắk   Năng \r\n  xã  Ea Tiêu  "), "Thôn Đắk Năng\nxã Ea Tiêu");
/// ```
pub fn clean(s: &str) -> String {
    if is_clean(s) {
        // Most stored text (and every record a commune's bundle carries) is clean already.
        return s.to_owned();
    }
    clean_slow(s)
}

/// Whether [`clean`] would return `s` unchanged: only single spaces between words, no space at either
/// end of a line, no blank line at either end, no control character but `\n`, and NFC (by the quick
/// check, which answers yes only when it is sure).
pub(crate) fn is_clean(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(|b| *b == b' ' || *b == b'\n')
        || bytes.last().is_some_and(|b| *b == b' ' || *b == b'\n')
    {
        return false;
    }
    let mut prev = '\0';
    let mut composed = true;
    for c in s.chars() {
        let ok = match c {
            ' ' => prev != ' ' && prev != '\n',
            '\n' => prev != ' ',
            '!'..='~' => true,
            c if c.is_ascii() => false,
            c => {
                composed &= is_plain_composed(c);
                !c.is_whitespace() && !c.is_control() && c != '\u{FEFF}'
            }
        };
        if !ok {
            return false;
        }
        prev = c;
    }
    composed || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// Latin letters, Latin-1 and Latin Extended-A/B (below the combining marks at U+0300) and the
/// precomposed Vietnamese letters (U+1EA0–U+1EF9): NFC quick-check "yes" with combining class 0,
/// so a text made only of them is NFC whatever their order (checked by a test against the tables).
fn is_plain_composed(c: char) -> bool {
    c < '\u{300}' || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
}

fn clean_slow(s: &str) -> String {
    // Control characters are removed before normalising, so that removing them can never leave a
    // base letter and a combining mark side by side un-composed.
    let mut flat = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                flat.push('\n');
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => flat.push('\n'),
            '\u{FEFF}' => {}
            // Tab, vertical tab and form feed are both whitespace and control: they become spaces below.
            c if c.is_whitespace() => flat.push(c),
            c if c.is_control() => {}
            c => flat.push(c),
        }
    }
    let nfc: String = flat.nfc().collect();

    let mut out = String::with_capacity(nfc.len());
    for (i, line) in nfc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split_whitespace().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    let trimmed = out.trim_matches('\n');
    if trimmed.len() == out.len() { out } else { trimmed.to_owned() }
}

// ---------------------------------------------------------------------------------------------------
// Search

/// Folds text for accent- and case-insensitive search.
///
/// Accepts any normalisation form. Lowercases, removes every diacritic (all Vietnamese tone and vowel
/// marks: the text is decomposed and the combining diacritical marks are dropped) and maps `đ`/`Đ` to
/// `d`. Everything else — digits, spaces, punctuation — is kept as it is.
///
/// *Decisions:* the capital eth `Ð` (U+00D0), which legacy Vietnamese encodings converted as Latin-1
/// often produce instead of `Đ` (U+0110), is folded to `d` too. Only the combining *diacritical* mark
/// blocks are dropped; the vowel signs of other scripts (Thai, Khmer, Devanagari…), which are
/// combining marks but not accents, are kept so that such text stays searchable.
///
/// `fold(fold(s)) == fold(s)`, and the result is NFC.
///
/// ```
/// use phongtrao::text::fold;
/// assert_eq!(fold("Thôn Đắk Năng"), "thon dak nang");
/// assert_eq!(fold("Nguyễn Văn Ánh"), "nguyen van anh");
/// ```
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    // Lowercase first, then decompose: lowercasing never produces a mark that would survive below.
    let mut lower = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'đ' | 'Đ' | 'Ð' => lower.push('d'),
            c => lower.extend(c.to_lowercase()),
        }
    }
    let stripped: String = lower.nfd().filter(|&c| !is_diacritic(c)).collect();
    // Recompose what is left (Hangul syllables, marks of other scripts) so the output is NFC.
    stripped.nfc().collect()
}

/// Splits text into folded search words.
///
/// Applies [`fold`], then splits on every character that is not alphanumeric; there are no empty
/// tokens. Tokens therefore contain only alphanumeric characters, which makes them safe to quote in
/// an SQLite FTS5 query.
///
/// ```
/// use phongtrao::text::search_tokens;
/// assert_eq!(search_tokens("Tổ dân phố 3"), ["to", "dan", "pho", "3"]);
/// ```
pub fn search_tokens(s: &str) -> Vec<String> {
    fold(s).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The search's rule, as the store's index applies it to a commune's lists: every word of `query`
/// begins a word of `text`, accents and case ignored (`text` may be folded already, as
/// [`crate::domain::search_text`] gives it). A query without words finds everything.
///
/// ```
/// use phongtrao::text::finds;
/// assert!(finds("Nguyễn Văn Đông, thôn Đắk Năng", "dong dak"));
/// assert!(!finds("Nguyễn Văn Đông", "ong"));
/// ```
pub fn finds(text: &str, query: &str) -> bool {
    let words = search_tokens(text);
    search_tokens(query).iter().all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
}

// ---------------------------------------------------------------------------------------------------
// Collation

/// Compares two strings in Vietnamese order; see the [module documentation](self) for the rules.
///
/// Gives exactly the order of comparing [`sort_key`]s, and returns [`Ordering::Equal`] only for
/// canonically equivalent strings. Every call builds two keys: to sort many strings, prefer
/// `v.sort_by_cached_key(|s| sort_key(s))`.
///
/// ```
/// use phongtrao::text::compare;
/// use std::cmp::Ordering;
/// assert_eq!(compare("Thôn 2", "Thôn 10"), Ordering::Less);
/// assert_eq!(compare("mà", "mb"), Ordering::Less);
/// ```
pub fn compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    sort_key(a).cmp(&sort_key(b))
}

/// Vietnamese collation key: comparing two keys byte by byte (`memcmp`, `Vec<u8>`'s `Ord`, SQLite's
/// `BLOB` ordering) gives the Vietnamese order of the strings. See the [module documentation](self)
/// for the levels and the layout.
///
/// Accepts any normalisation form: canonically equivalent strings have equal keys, and only they do.
///
/// ```
/// use phongtrao::text::sort_key;
/// let mut v = vec!["Đào", "Ánh", "Anh", "Dũng", "Ăn"];
/// v.sort_by_cached_key(|s| sort_key(s));
/// assert_eq!(v, ["Anh", "Ánh", "Ăn", "Dũng", "Đào"]);
/// ```
pub fn sort_key(s: &str) -> Vec<u8> {
    let elements = elements(s);

    let mut primary = Vec::with_capacity(s.len() + 4);
    let mut secondary = Vec::with_capacity(elements.len() + 1);
    let mut tertiary = Vec::with_capacity(elements.len() + 1);
    for e in &elements {
        e.write_weights(&mut primary, &mut secondary, &mut tertiary);
    }

    let mut key = primary;
    key.reserve(secondary.len() + tertiary.len() + s.len() + 3);
    key.push(LEVEL_SEPARATOR);
    key.extend_from_slice(&secondary);
    key.push(LEVEL_SEPARATOR);
    key.extend_from_slice(&tertiary);
    key.push(LEVEL_SEPARATOR);
    // The identical level needs no terminator: it is the last one.
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        key.extend_from_slice(s.as_bytes());
    } else {
        key.extend(s.nfc().collect::<String>().bytes());
    }
    key
}

/// Separates the levels of a key; lower than every weight.
const LEVEL_SEPARATOR: u8 = 0x00;

// Primary weights: the first byte of each element's primary weight says what kind of element it is.
/// A word boundary (run of spaces and punctuation).
const P_BOUNDARY: u8 = 0x01;
/// A digit run; followed by the number of significant digits and the digits.
const P_NUMBER: u8 = 0x02;
/// The first letter of [`ALPHABET`]; the others follow consecutively (`0x10..=0x30`).
const P_LETTER: u8 = 0x10;
/// Any other character; followed by its code point in three bytes.
const P_OTHER: u8 = 0x40;

/// The Vietnamese alphabet with the foreign letters f, j, w, z, in collation order.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p', 'q',
    'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

// Secondary weights.
/// No tone (ngang); huyền, hỏi, ngã, sắc and nặng follow as `S_NO_TONE + 1..=5`.
const S_NO_TONE: u8 = 0x05;
/// A diacritic that is neither a tone nor makes a Vietnamese letter; followed by its code point.
const S_OTHER_MARK: u8 = 0x0B;

// Tertiary weights.
const T_LOWER: u8 = 0x05;
const T_UPPER: u8 = 0x06;
/// A number without leading zeros; each leading zero adds one, up to `0xFF`.
const T_NUMBER: u8 = 0x05;

// Combining marks that matter in Vietnamese.
const GRAVE: char = '\u{0300}'; // huyền
const ACUTE: char = '\u{0301}'; // sắc
const CIRCUMFLEX: char = '\u{0302}'; // â ê ô
const TILDE: char = '\u{0303}'; // ngã
const BREVE: char = '\u{0306}'; // ă
const HOOK_ABOVE: char = '\u{0309}'; // hỏi
const HORN: char = '\u{031B}'; // ơ ư
const DOT_BELOW: char = '\u{0323}'; // nặng

/// What an element is at the primary level.
#[derive(Debug)]
enum Primary {
    Boundary,
    /// The digits as written, leading zeros included.
    Number(String),
    /// A letter of [`ALPHABET`], lowercase.
    Letter(char),
    /// Anything else, lowercased where possible.
    Other(char),
}

/// One collation element.
#[derive(Debug)]
struct Element {
    primary: Primary,
    /// 0 for none, then huyền, hỏi, ngã, sắc, nặng.
    tone: u8,
    /// Whether a mark already turned the letter into ă, â, ê, ô, ơ or ư.
    modified: bool,
    /// Diacritics that are neither a tone nor a Vietnamese vowel mark, in NFD order.
    other_marks: Vec<char>,
    upper: bool,
}

impl Element {
    fn new(primary: Primary, upper: bool) -> Element {
        Element { primary, tone: 0, modified: false, other_marks: Vec::new(), upper }
    }

    /// Applies a combining diacritic that follows this element's base character.
    fn add_mark(&mut self, mark: char) {
        if let Primary::Letter(letter) = self.primary
            && !self.modified
            && let Some(modified) = vowel_with_mark(letter, mark)
        {
            self.primary = Primary::Letter(modified);
            self.modified = true;
        } else if let (0, Some(tone)) = (self.tone, tone_of(mark)) {
            self.tone = tone;
        } else {
            self.other_marks.push(mark);
        }
    }

    fn write_weights(&self, primary: &mut Vec<u8>, secondary: &mut Vec<u8>, tertiary: &mut Vec<u8>) {
        match &self.primary {
            Primary::Boundary => {
                primary.push(P_BOUNDARY);
                tertiary.push(T_LOWER);
            }
            Primary::Number(digits) => {
                let significant = digits.trim_start_matches('0');
                primary.push(P_NUMBER);
                push_length(primary, significant.len());
                primary.extend_from_slice(significant.as_bytes());
                let zeros = digits.len() - significant.len();
                tertiary.push(T_NUMBER.saturating_add(u8::try_from(zeros).unwrap_or(u8::MAX)));
            }
            Primary::Letter(letter) => {
                primary.push(letter_weight(*letter));
                tertiary.push(if self.upper { T_UPPER } else { T_LOWER });
            }
            Primary::Other(c) => {
                primary.push(P_OTHER);
                push_code_point(primary, *c);
                tertiary.push(if self.upper { T_UPPER } else { T_LOWER });
            }
        }
        secondary.push(S_NO_TONE + self.tone);
        for &mark in &self.other_marks {
            secondary.push(S_OTHER_MARK);
            push_code_point(secondary, mark);
        }
    }
}

/// Splits a string (any normalisation form) into collation elements.
fn elements(s: &str) -> Vec<Element> {
    let mut out: Vec<Element> = Vec::with_capacity(s.len());
    for c in s.nfd() {
        if is_ignorable(c) {
            continue;
        }
        if is_diacritic(c) {
            match out.last_mut() {
                Some(e) if !matches!(e.primary, Primary::Boundary) => e.add_mark(c),
                // A mark with nothing to sit on is a character of its own.
                _ => out.push(Element::new(Primary::Other(c), false)),
            }
            continue;
        }
        if is_separator(c) {
            if out.last().is_some_and(|e| !matches!(e.primary, Primary::Boundary)) {
                out.push(Element::new(Primary::Boundary, false));
            }
            continue;
        }
        if c.is_ascii_digit() {
            if let Some(Element { primary: Primary::Number(digits), .. }) = out.last_mut() {
                digits.push(c);
            } else {
                out.push(Element::new(Primary::Number(c.to_string()), false));
            }
            continue;
        }
        let element = match c {
            'a'..='z' => Element::new(Primary::Letter(c), false),
            'A'..='Z' => Element::new(Primary::Letter(c.to_ascii_lowercase()), true),
            'đ' => Element::new(Primary::Letter('đ'), false),
            // Ð (U+00D0, capital eth) is what Đ often becomes after a legacy-encoding mix-up.
            'Đ' | 'Ð' => Element::new(Primary::Letter('đ'), true),
            c => {
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) if l != c => Element::new(Primary::Other(l), true),
                    _ => Element::new(Primary::Other(c), false),
                }
            }
        };
        out.push(element);
    }
    if out.last().is_some_and(|e| matches!(e.primary, Primary::Boundary)) {
        out.pop();
    }
    out
}

/// The Vietnamese letter made by putting `mark` on `letter`, if it is one (`a` + breve = `ă`).
fn vowel_with_mark(letter: char, mark: char) -> Option<char> {
    match (letter, mark) {
        ('a', BREVE) => Some('ă'),
        ('a', CIRCUMFLEX) => Some('â'),
        ('e', CIRCUMFLEX) => Some('ê'),
        ('o', CIRCUMFLEX) => Some('ô'),
        ('o', HORN) => Some('ơ'),
        ('u', HORN) => Some('ư'),
        _ => None,
    }
}

/// The tone a combining mark stands for, in collation order (huyền = 1 … nặng = 5).
fn tone_of(mark: char) -> Option<u8> {
    match mark {
        GRAVE => Some(1),
        HOOK_ABOVE => Some(2),
        TILDE => Some(3),
        ACUTE => Some(4),
        DOT_BELOW => Some(5),
        _ => None,
    }
}

fn letter_weight(letter: char) -> u8 {
    let index = ALPHABET.iter().position(|&l| l == letter).expect("only letters of ALPHABET are Primary::Letter");
    // ALPHABET has 33 letters: the index always fits.
    P_LETTER + index as u8
}

/// Writes the number of significant digits so that a shorter number sorts first.
/// Up to 253 digits take one byte (`0x01..=0xFE`); longer runs take `0xFF` and ten 7-bit groups.
fn push_length(buf: &mut Vec<u8>, len: usize) {
    match u8::try_from(len + 1) {
        Ok(b) if b < 0xFF => buf.push(b),
        _ => {
            let len = len as u64;
            buf.push(0xFF);
            for group in (0..10).rev() {
                buf.push(((len >> (7 * group)) & 0x7F) as u8 + 1);
            }
        }
    }
}

/// Writes a code point (21 bits) as three 7-bit groups plus one: order-preserving and never `0x00`.
fn push_code_point(buf: &mut Vec<u8>, c: char) {
    let cp = u32::from(c);
    for shift in [14, 7, 0] {
        buf.push(((cp >> shift) & 0x7F) as u8 + 1);
    }
}

/// Combining diacritical marks (accents, tones, vowel marks): dropped by [`fold`], secondary weights
/// in [`sort_key`]. The marks of other scripts (Thai vowels…) are not in these blocks.
fn is_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Invisible format characters (Unicode's default ignorables, in practice): skipped by the collation
/// until the identical level.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' // soft hyphen
            | '\u{034F}' // combining grapheme joiner
            | '\u{061C}' // Arabic letter mark
            | '\u{180B}'..='\u{180F}' // Mongolian variation selectors
            | '\u{200B}'..='\u{200F}' // zero-width space, joiners, direction marks
            | '\u{202A}'..='\u{202E}' // bidi embeddings
            | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{FEFF}' // byte order mark
            | '\u{E0000}'..='\u{E0FFF}' // tags, variation selectors supplement
    )
}

/// Spaces and punctuation: a run of them is one word boundary in the collation.
///
/// ASCII punctuation includes the ASCII symbols (`$ + < = > ^ \` | ~`) as well; other symbols
/// (`©`, `°`, `₫`…) are not separators but "other" characters.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || c.is_ascii_punctuation()
        || matches!(
            c,
            '¡' | '§' | '«' | '¶' | '·' | '»' | '¿'
                | '\u{2010}'..='\u{2027}' // dashes, quotes, bullets, ellipsis
                | '\u{2030}'..='\u{205E}' // per mille, primes, angle quotes, …
                | '\u{3001}'..='\u{3003}' // CJK comma and full stop
                | '\u{3008}'..='\u{3011}' // CJK brackets
                | '\u{3014}'..='\u{301F}' // CJK brackets and quotes
                | '\u{FF01}'..='\u{FF0F}' // fullwidth ASCII punctuation
                | '\u{FF1A}'..='\u{FF20}'
                | '\u{FF3B}'..='\u{FF40}'
                | '\u{FF5B}'..='\u{FF65}'
        )
}

/// A value from outside (a bundle, a file) made safe to print in a message or on a terminal: control
/// characters (escape sequences, NUL, BEL, line breaks) and invisible format characters are shown as
/// `\u{…}`, and the text is cut to `max` characters with "…".
///
/// ```
/// use phongtrao::text::printable;
/// assert_eq!(printable("a\u{1b}[2Jb", 20), "a\\u{1b}[2Jb");
/// assert_eq!(printable("Thôn Một", 4), "Thôn…");
/// ```
pub fn printable(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        let hidden = c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
        if hidden {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Numbers

/// Writes an integer with the Vietnamese thousands separator `.`.
///
/// ```
/// use phongtrao::text::format_int;
/// assert_eq!(format_int(1234567), "1.234.567");
/// assert_eq!(format_int(-1200), "-1.200");
/// assert_eq!(format_int(999), "999");
/// ```
pub fn format_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(d);
    }
    out
}

/// The first letter upper case (`tổ bảo vệ…` → `Tổ bảo vệ…`, `ngày …` → `Ngày …`).
///
/// ```
/// assert_eq!(phongtrao::text::capitalise("đội"), "Đội");
/// assert_eq!(phongtrao::text::capitalise(""), "");
/// ```
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A share as a percentage with one decimal and the Vietnamese comma: "83,3%", "50%" ("0%" of nothing).
///
/// ```
/// use phongtrao::text::percent;
/// assert_eq!(percent(25, 30), "83,3%");
/// assert_eq!(percent(1, 2), "50%");
/// assert_eq!(percent(3, 0), "0%");
/// ```
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0%".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    if tenths % 10 == 0 { format!("{}%", tenths / 10) } else { format!("{},{}%", tenths / 10, tenths % 10) }
}

// ---------------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    fn nfc(s: &str) -> String {
        s.nfc().collect()
    }

    /// Sorts with the Vietnamese collation.
    fn vi_sorted(v: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        out.sort_by_cached_key(|s| sort_key(s));
        out
    }

    /// Asserts that `expected` is strictly increasing, and that sorting a reversed / shuffled copy
    /// gives it back.
    fn assert_order(expected: &[&str]) {
        for w in expected.windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less, "{:?} should sort before {:?}", w[0], w[1]);
            assert_eq!(compare(w[1], w[0]), Ordering::Greater, "{:?} should sort after {:?}", w[1], w[0]);
            assert!(sort_key(w[0]) < sort_key(w[1]), "keys of {:?} and {:?}", w[0], w[1]);
        }
        let mut reversed: Vec<&str> = expected.to_vec();
        reversed.reverse();
        assert_eq!(vi_sorted(&reversed), expected);
        // A fixed "shuffle": every third element first.
        let mut shuffled: Vec<&str> = Vec::new();
        for phase in 0..3 {
            shuffled.extend(expected.iter().enumerate().filter(|(i, _)| i % 3 == phase).map(|(_, s)| *s));
        }
        assert_eq!(vi_sorted(&shuffled), expected);
        // Also through NFD input.
        let decomposed: Vec<String> = reversed.iter().map(|s| nfd(s)).collect();
        let mut decomposed: Vec<&str> = decomposed.iter().map(String::as_str).collect();
        decomposed.sort_by_cached_key(|s| sort_key(s));
        let recomposed: Vec<String> = decomposed.iter().map(|s| nfc(s)).collect();
        assert_eq!(recomposed, expected);
    }

    fn naive_sorted(v: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        out.sort();
        out
    }

    // --- clean -------------------------------------------------------------------------------------

    #[test]
    fn clean_collapses_spaces_and_keeps_lines() {
        assert_eq!(clean("  Thôn   Đắk Năng  "), "Thôn Đắk Năng");
        assert_eq!(clean("Tổ\tdân \t phố 3"), "Tổ dân phố 3");
        assert_eq!(clean("Dòng một  \n   dòng hai"), "Dòng một\ndòng hai");
        assert_eq!(clean("Một\r\nHai\rBa"), "Một\nHai\nBa");
        assert_eq!(clean("Đoạn một\n\nĐoạn hai"), "Đoạn một\n\nĐoạn hai");
        assert_eq!(clean("\n\n  Xã Ea Tiêu \n \n"), "Xã Ea Tiêu");
        assert_eq!(clean("Ấp\u{00A0}3"), "Ấp 3");
        assert_eq!(clean("   \t \n "), "");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn plain_composed_letters_are_nfc_alone_and_together() {
        let plain: Vec<char> = ('\0'..='\u{1EF9}').filter(|c| is_plain_composed(*c)).collect();
        assert!(plain.len() > 800);
        for c in &plain {
            assert_eq!(is_nfc_quick(std::iter::once(*c)), IsNormalized::Yes, "U+{:04X}", *c as u32);
            assert_eq!(unicode_normalization::char::canonical_combining_class(*c), 0, "U+{:04X}", *c as u32);
        }
        let all: String = plain.iter().collect();
        assert_eq!(all.nfc().collect::<String>(), all);
        let reversed: String = plain.iter().rev().collect();
        assert_eq!(reversed.nfc().collect::<String>(), reversed);
        assert!(!is_plain_composed('\u{300}') && !is_plain_composed('\u{1EFA}') && !is_plain_composed('\u{1E9F}'));
    }

    #[test]
    fn clean_text_is_recognised_as_clean() {
        for s in ["Thôn Đắk Năng", "Đoạn một\n\nĐoạn hai", "Nguyễn Văn Ánh, sinh 1985", "a", ""] {
            assert!(is_clean(s), "{s:?}");
            assert_eq!(clean_slow(s), s);
        }
        for s in [
            " a",
            "a ",
            "a  b",
            "a \nb",
            "a\n b",
            "\na",
            "a\n",
            "a\tb",
            "Ấp\u{00A0}3",
            "a\u{0001}",
            "\u{FEFF}a",
            "a\rb",
        ] {
            assert!(!is_clean(s), "{s:?}");
            assert_ne!(clean(s), s);
        }
        let decomposed = "Nguye\u{0302}\u{0303}n";
        assert!(!is_clean(decomposed));
        assert_eq!(clean(decomposed), "Nguyễn");
    }

    #[test]
    fn clean_normalises_to_nfc_and_drops_controls() {
        let decomposed = "Nguye\u{0302}\u{0303}n Va\u{0306}n A\u{0301}nh";
        assert_eq!(clean(decomposed), "Nguyễn Văn Ánh");
        assert_eq!(clean("\u{FEFF}Hà\u{0000} Nội\u{001B}"), "Hà Nội");
        // Removing a control character between a letter and its mark still yields NFC.
        assert_eq!(clean("a\u{0001}\u{0301}"), "á");
    }

    // --- fold and search_tokens --------------------------------------------------------------------

    #[test]
    fn fold_removes_tones_vowel_marks_and_case() {
        assert_eq!(fold("Thôn Đắk Năng"), "thon dak nang");
        assert_eq!(fold("Nguyễn Văn Ánh"), "nguyen van anh");
        assert_eq!(fold("TỔ DÂN PHỐ 3"), "to dan pho 3");
        assert_eq!(fold("Trương Thị Hường"), "truong thi huong");
        assert_eq!(fold("Đường Lê Lợi, P. Ỷ La"), "duong le loi, p. y la");
        assert_eq!(fold("ĐẶNG ĐỨC ĐẠT"), "dang duc dat");
        assert_eq!(fold("hoà"), fold("hòa"));
        assert_eq!(fold("Số 12/3 - Ngõ 45"), "so 12/3 - ngo 45");
        assert_eq!(fold("ABC xyz"), "abc xyz");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn fold_accepts_nfd() {
        assert_eq!(fold("Nguye\u{0302}\u{0303}n"), "nguyen");
        assert_eq!(fold(&nfd("Thôn Đắk Năng")), "thon dak nang");
        // Legacy-encoding Ð (U+00D0) instead of Đ (U+0110).
        assert_eq!(fold("\u{00D0}ào"), "dao");
    }

    #[test]
    fn fold_keeps_other_scripts_readable() {
        assert_eq!(fold("한국"), "한국");
        assert_eq!(fold("ภาษาไทย"), "ภาษาไทย");
        assert_eq!(fold("Müller Straße"), "muller straße");
    }

    #[test]
    fn search_tokens_split_on_non_alphanumerics() {
        assert_eq!(search_tokens("Tổ dân phố 3"), ["to", "dan", "pho", "3"]);
        assert_eq!(search_tokens("  Nguyễn-Văn   Ánh, (thôn 10A) "), ["nguyen", "van", "anh", "thon", "10a"]);
        assert_eq!(search_tokens("Số 12/3"), ["so", "12", "3"]);
        assert!(search_tokens(" -- ,. ").is_empty());
        assert!(search_tokens("").is_empty());
    }

    // --- collation ---------------------------------------------------------------------------------

    #[test]
    fn names_and_places_sort_in_vietnamese_order() {
        let expected = [
            "An",
            "An Bình",
            "Anh",
            "Ánh",
            "Ăn",
            "Ấp 3",
            "Bình",
            "Cao",
            "Chánh",
            "Cường",
            "Dũng",
            "Duy",
            "Đào",
            "Đức",
            "Em",
            "Êban",
            "Giang",
            "Hà",
            "Hải",
            "Hạnh",
            "Nga",
            "Ngô",
            "Ông",
            "Ơn",
            "Phương",
            "Thôn 2",
            "Thôn 10",
            "Thôn 10A",
            "Thủy",
            "Thúy",
            "Uyên",
            "Ưng",
            "Vân",
            "Yến",
        ];
        assert_order(&expected);
        assert_ne!(naive_sorted(&expected), expected, "byte order would be wrong here");
    }

    #[test]
    fn full_names_sort_letter_by_letter() {
        let expected = [
            "Đặng Thị Hoa",
            "Đỗ Văn Nam",
            "Lê Thị Thu Hà",
            "Lê Văn Tám",
            "Ngô Quang Huy",
            "Nguyễn Thị Bích",
            "Nguyễn Văn An",
            "Nguyễn Văn Anh",
            "Nguyễn Văn Ánh",
            "Nguyễn Văn Ân",
            "Phạm Minh Châu",
            "Trần Đức Thắng",
            "Trần Quốc Toản",
            "Trương Thị Mỹ",
            "Vũ Hoàng Long",
        ];
        assert_order(&expected);
        assert_ne!(naive_sorted(&expected), expected, "byte order would be wrong here");
    }

    #[test]
    fn place_names_sort_with_natural_numbers() {
        let expected = [
            "Ấp Bắc",
            "Buôn Đôn",
            "Đắk Mil",
            "Đắk Năng",
            "Ea Tiêu",
            "Thôn 1",
            "Thôn 2",
            "Thôn 9",
            "Thôn 10",
            "Thôn An Bình",
            "Thôn Anh Dũng",
            "Tổ 9",
            "Tổ 10",
            "Tổ 10A",
            "Tổ 10B",
            "Tổ 11",
            "Tổ dân phố 3",
            "Xã Ea Kao",
        ];
        assert_order(&expected);
        assert_ne!(naive_sorted(&expected), expected, "byte order would be wrong here");
    }

    #[test]
    fn tones_are_secondary_in_cldr_order() {
        assert_order(&["ma", "mà", "mả", "mã", "má", "mạ", "mă", "mằ", "mặ", "mâ", "mb"]);
        // A tone never beats a letter difference.
        assert_order(&["mà", "mb"]);
        assert_order(&["má", "mác", "mạc"]);
        assert_order(&["Thủy", "Thúy", "Thụy"]);
        // The tone is compared where it sits: old-style "hoà" is next to, not equal to, "hòa".
        assert_order(&["hoa", "hoà", "hoá", "hòa"]);
    }

    #[test]
    fn vietnamese_letters_are_primary() {
        assert_order(&["a", "ả", "ă", "ẳ", "â", "ẩ", "b"]);
        assert_order(&["ăz", "âa"]);
        assert_order(&["dz", "đa", "e"]);
        assert_order(&["ez", "êa", "f"]);
        assert_order(&["oz", "ôa", "ơa", "p"]);
        assert_order(&["uz", "ưa", "v"]);
        assert_order(&["Uyên", "Ứng"]);
        // Letters compare one by one: no digraphs.
        assert_order(&["cao", "chu", "cu"]);
        assert_order(&["nam", "nga", "nha", "no"]);
    }

    #[test]
    fn word_boundaries_sort_first_and_punctuation_acts_like_space() {
        assert_order(&["Thôn An", "Thôn An Bình", "Thôn Anh", "Thôn Ánh"]);
        assert_order(&["Hồ Chí Minh", "Hồ-Chí-Minh", "HồChí"]);
        // Punctuation and space runs are the same at the first three levels …
        let levels = |s: &str| {
            let k = sort_key(s);
            let mut parts = k.splitn(4, |&b| b == LEVEL_SEPARATOR);
            (parts.next().unwrap().to_vec(), parts.next().unwrap().to_vec(), parts.next().unwrap().to_vec())
        };
        assert_eq!(levels("Hồ-Chí-Minh"), levels("Hồ Chí Minh"));
        assert_eq!(levels("Thôn  An"), levels("Thôn An"));
        assert_eq!(levels(" (Thôn An) "), levels("Thôn An"));
        // … but only canonically equivalent strings are equal.
        assert_ne!(compare("Hồ-Chí-Minh", "Hồ Chí Minh"), Ordering::Equal);
        assert_ne!(compare("Thôn  An", "Thôn An"), Ordering::Equal);
    }

    #[test]
    fn numbers_sort_by_value() {
        assert_order(&["Thôn 2", "Thôn 10"]);
        assert_order(&["Tổ 9", "Tổ 10", "Tổ 10A", "Tổ 11", "Tổ 100"]);
        assert_order(&["0", "1", "2", "9", "10", "99", "100", "1000", "a"]);
        assert_order(&["12/3", "12/10", "13/1"]);
        assert_order(&["Số 5 Ngõ 2", "Số 5 Ngõ 10", "Số 50"]);
        // Digits sort after a word boundary and before letters.
        assert_order(&["Tổ", "Tổ 2", "Tổ A", "Tổ2"]);
        assert_ne!(naive_sorted(&["Thôn 10", "Thôn 2"]), vi_sorted(&["Thôn 10", "Thôn 2"]));
    }

    #[test]
    fn leading_zeros_only_break_ties() {
        let primary = |s: &str| sort_key(s).split(|&b| b == LEVEL_SEPARATOR).next().unwrap().to_vec();
        assert_eq!(primary("Tổ 02"), primary("Tổ 2"));
        assert_eq!(primary("000"), primary("0"));
        assert_order(&["Tổ 2", "Tổ 02", "Tổ 002", "Tổ 3"]);
        assert_order(&["0", "00", "1"]);
    }

    #[test]
    fn long_numbers_keep_natural_order() {
        let n = |digits: usize, first: char| format!("{first}{}", "0".repeat(digits - 1));
        let (a, b, c, d) = (n(252, '9'), n(253, '1'), n(254, '1'), n(300, '1'));
        let e = format!("{}1", "0".repeat(400));
        assert_order(&["1", &e, &a, &b, &c, &d]);
    }

    #[test]
    fn case_is_only_a_tie_break() {
        assert_order(&["an", "An", "AN"]);
        assert_order(&["đào", "Đào", "ĐÀO"]);
        assert_order(&["bình", "Bình", "bính"]);
        assert_order(&["Ma", "mà", "Mà"]);
        assert_order(&["Anh", "ánh", "Ánh", "ăn"]);
        // The legacy Ð sorts as Đ, only the identical level tells them apart.
        assert_order(&["Dũng", "\u{00D0}ào", "\u{0110}ào", "Đức"]);
    }

    #[test]
    fn accepts_any_normalisation_form() {
        for s in ["Nguyễn Văn Ánh", "Thôn Đắk Năng", "TỔ DÂN PHỐ 3", "Trương Thị Hường", "ậ ợ ữ ỷ"]
        {
            assert_eq!(sort_key(s), sort_key(&nfd(s)), "{s}");
            assert_eq!(compare(s, &nfd(s)), Ordering::Equal, "{s}");
        }
        assert_eq!(compare("Nguye\u{0302}\u{0303}n", "Nguyễn"), Ordering::Equal);
        // Marks typed in a non-canonical order still give the Vietnamese letter and tone.
        assert_order(&["ă", "ằ", "\u{E1}\u{0306}", "ắ", "ặ"]);
    }

    #[test]
    fn other_characters_sort_after_z_by_code_point() {
        assert_order(&["z", "ß", "ø", "α", "Α", "β", "б", "中", "😀"]);
        assert_order(&["Muller", "Müller", "Mullez"]);
        assert_order(&["u", "ü", "ư"]);
        // A mark with no base and ignorable format characters.
        assert_eq!(compare("\u{0301}", "\u{0301}"), Ordering::Equal);
        assert_order(&["Thôn An", "Thôn\u{200B} An"]);
        let primary = |s: &str| sort_key(s).split(|&b| b == LEVEL_SEPARATOR).next().unwrap().to_vec();
        assert_eq!(primary("Ph\u{00AD}ương"), primary("Phương"));
    }

    #[test]
    fn keys_are_prefix_safe() {
        for (a, b) in
            [("", "a"), ("", " "), ("An", "An Bình"), ("An", "Anh"), ("Tổ 10", "Tổ 10A"), ("1", "10"), ("a", "à")]
        {
            assert!(sort_key(a) < sort_key(b), "{a:?} < {b:?}");
        }
        // The level separator is lower than every weight of the first three levels.
        let key = sort_key("Nguyễn Văn Ánh, Tổ 10 – 中 ü");
        let parts: Vec<&[u8]> = key.splitn(4, |&b| b == LEVEL_SEPARATOR).collect();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[3], "Nguyễn Văn Ánh, Tổ 10 – 中 ü".as_bytes());
    }

    // --- format_int --------------------------------------------------------------------------------

    #[test]
    fn format_int_uses_dots() {
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(7), "7");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_int(1000), "1.000");
        assert_eq!(format_int(1234567), "1.234.567");
        assert_eq!(format_int(-1200), "-1.200");
        assert_eq!(format_int(-999), "-999");
        assert_eq!(format_int(100_000), "100.000");
        assert_eq!(format_int(i64::MAX), "9.223.372.036.854.775.807");
        assert_eq!(format_int(i64::MIN), "-9.223.372.036.854.775.808");
    }

    // --- properties --------------------------------------------------------------------------------

    const BASES: &[char] = &[
        'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'g', 'h', 'i', 'k', 'n', 'o', 'ô', 'ơ', 'u', 'ư', 'y', 'A', 'Ă',
        'Â', 'Đ', 'Ê', 'O', 'Ô', 'Ơ', 'Ư', 'N', 'G', '0', '1', '2', '9', ' ', '-',
    ];
    const TONES: &[&str] = &["", "", "", "\u{0300}", "\u{0309}", "\u{0303}", "\u{0301}", "\u{0323}"];

    /// Vietnamese-looking strings in NFC: letters with and without tones, digits, spaces, hyphens.
    fn vi_string() -> impl Strategy<Value = String> {
        vi_string_of(0..10)
    }

    fn vi_string_of(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
        prop::collection::vec((prop::sample::select(BASES), prop::sample::select(TONES)), len).prop_map(|parts| {
            let mut s = String::new();
            for (base, tone) in parts {
                s.push(base);
                if base.is_alphabetic() {
                    s.push_str(tone);
                }
            }
            nfc(&s)
        })
    }

    proptest! {
        #[test]
        fn compare_is_antisymmetric_and_matches_keys(a in vi_string(), b in vi_string()) {
            let ab = compare(&a, &b);
            prop_assert_eq!(ab, compare(&b, &a).reverse());
            prop_assert_eq!(ab, sort_key(&a).cmp(&sort_key(&b)));
            prop_assert_eq!(ab == Ordering::Equal, a == b);
        }

        #[test]
        fn compare_is_transitive(a in vi_string(), b in vi_string(), c in vi_string()) {
            let mut v = [a, b, c];
            v.sort_by(|x, y| compare(x, y));
            prop_assert_ne!(compare(&v[0], &v[1]), Ordering::Greater);
            prop_assert_ne!(compare(&v[1], &v[2]), Ordering::Greater);
            prop_assert_ne!(compare(&v[0], &v[2]), Ordering::Greater);
            if compare(&v[0], &v[1]) == Ordering::Less || compare(&v[1], &v[2]) == Ordering::Less {
                prop_assert_eq!(compare(&v[0], &v[2]), Ordering::Less);
            }
        }

        #[test]
        fn sort_key_ignores_normalisation_form(s in vi_string()) {
            prop_assert_eq!(sort_key(&s), sort_key(&nfd(&s)));
            prop_assert_eq!(compare(&s, &nfd(&s)), Ordering::Equal);
        }

        #[test]
        fn appending_makes_a_greater_key(a in vi_string(), b in vi_string_of(1..6)) {
            let ab = nfc(&format!("{a}{b}"));
            prop_assert!(sort_key(&a) < sort_key(&ab), "{:?} < {:?}", a, ab);
        }

        #[test]
        fn fold_is_idempotent_and_form_insensitive(s in vi_string()) {
            let f = fold(&s);
            prop_assert_eq!(fold(&f), f.clone());
            prop_assert_eq!(fold(&nfd(&s)), f.clone());
            prop_assert_eq!(fold(&s.to_uppercase()), f.clone());
            prop_assert!(f.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == ' ' || c == '-'));
        }

        #[test]
        fn clean_shortcut_agrees_with_the_full_path(s in any::<String>(), v in vi_string()) {
            for t in [s.clone(), v.clone(), nfd(&v), format!(" {v}"), format!("{v}\n\n{s}"), format!("{v}  {v}"), format!("{v} \n{v}")] {
                let full = clean_slow(&t);
                prop_assert_eq!(clean(&t), full.clone());
                prop_assert!(!is_clean(&t) || t == full, "{:?}", t);
            }
        }

        #[test]
        fn fold_and_clean_are_idempotent_on_any_text(s in any::<String>()) {
            let f = fold(&s);
            prop_assert_eq!(fold(&f), f.clone());
            let c = clean(&s);
            prop_assert_eq!(clean(&c), c.clone());
            prop_assert_eq!(nfc(&c), c);
        }

        #[test]
        fn any_text_gets_a_consistent_key(a in any::<String>(), b in any::<String>()) {
            prop_assert_eq!(sort_key(&a), sort_key(&nfd(&a)));
            prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
            prop_assert_eq!(compare(&a, &b) == Ordering::Equal, nfc(&a) == nfc(&b));
        }

        #[test]
        fn format_int_round_trips(n in any::<i64>()) {
            let s = format_int(n);
            prop_assert_eq!(s.replace('.', "").parse::<i64>().unwrap(), n);
            let digits = s.trim_start_matches('-');
            prop_assert!(digits.split('.').enumerate().all(|(i, g)| i == 0 || g.len() == 3));
            prop_assert!((1..=3).contains(&digits.split('.').next().unwrap().len()));
        }
    }
}

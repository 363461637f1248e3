//! Removes TrueType hinting from an embedded font subset: the `fpgm`, `prep` and `cvt ` tables
//! (and the device-metric tables `hdmx`, `LTSH`, `VDMX` if any) and every glyph's instructions.
//!
//! Hinting adjusts outlines to the pixel grid of screens at small sizes; a printed A4 page (300–600
//! dpi) and PDF viewers (which scale outlines themselves) do not use it. It was about a third of each
//! embedded Liberation Serif subset. Outlines, metrics, `cmap`, `name` (with the font's copyright
//! and licence) and every other table are kept byte for byte. Like subsetting, this changes only the
//! copy embedded in a document, never the font files shipped with the program.

/// Tables dropped: the hinting programs and values, and device metrics computed from hinting.
const DROPPED: [&[u8; 4]; 6] = [b"fpgm", b"prep", b"cvt ", b"hdmx", b"LTSH", b"VDMX"];

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The font without hinting, or `None` if it is not a TrueType font this understands (then the
/// caller keeps the font as it is).
pub(crate) fn strip(font: &[u8]) -> Option<Vec<u8>> {
    if u32_at(font, 0)? != 0x0001_0000 {
        return None;
    }
    let count = usize::from(u16_at(font, 4)?);
    let mut tables: Vec<([u8; 4], &[u8])> = Vec::with_capacity(count);
    for i in 0..count {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        tables.push((tag, font.get(off..off.checked_add(len)?)?));
    }
    let find = |t: &[u8; 4]| tables.iter().find(|(tag, _)| tag == t).map(|(_, d)| *d);
    let (head, maxp, loca, glyf) = (find(b"head")?, find(b"maxp")?, find(b"loca")?, find(b"glyf")?);
    let glyphs = usize::from(u16_at(maxp, 4)?);
    let long = match u16_at(head, 50)? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let offset = |i: usize| -> Option<usize> {
        if long { u32_at(loca, i * 4).map(|o| o as usize) } else { u16_at(loca, i * 2).map(|o| usize::from(o) * 2) }
    };

    // glyf without instructions, and its new loca (long offsets).
    let mut new_glyf = Vec::with_capacity(glyf.len());
    let mut new_loca = Vec::with_capacity((glyphs + 1) * 4);
    for i in 0..glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let (start, end) = (offset(i)?, offset(i + 1)?);
        if end <= start {
            continue;
        }
        new_glyf.extend_from_slice(&glyph(glyf.get(start..end)?)?);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());

    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.copy_from_slice(&[0; 4]); // checkSumAdjustment, set below
    new_head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes()); // indexToLocFormat: long
    let mut new_maxp = maxp.to_vec();
    if new_maxp.len() >= 32 {
        // Version 1.0: no zones, storage, functions or instructions any more.
        // maxZones 1 (no twilight zone); twilight points, storage, function and instruction
        // definitions, stack elements and size of instructions 0.
        new_maxp.get_mut(14..16)?.copy_from_slice(&1u16.to_be_bytes());
        for at in (16..=26).step_by(2) {
            new_maxp.get_mut(at..at + 2)?.copy_from_slice(&0u16.to_be_bytes());
        }
    }

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for (tag, data) in &tables {
        if DROPPED.contains(&tag) {
            continue;
        }
        let data = match tag {
            b"glyf" => std::mem::take(&mut new_glyf),
            b"loca" => std::mem::take(&mut new_loca),
            b"head" => std::mem::take(&mut new_head),
            b"maxp" => std::mem::take(&mut new_maxp),
            _ => data.to_vec(),
        };
        out_tables.push((*tag, data));
    }
    out_tables.sort_by_key(|(tag, _)| *tag);
    Some(assemble(&out_tables))
}

/// One glyph without its instructions.
fn glyph(g: &[u8]) -> Option<Vec<u8>> {
    let contours = i16::from_be_bytes(g.get(0..2)?.try_into().ok()?);
    if contours >= 0 {
        let n = usize::from(contours as u16);
        let at = 10 + 2 * n; // after the bounding box and the contours' end points
        let len = usize::from(u16_at(g, at)?);
        let mut out = g.get(..at)?.to_vec();
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(g.get(at + 2 + len..)?);
        return Some(out);
    }
    // A composite: clear WE_HAVE_INSTRUCTIONS and drop the instructions after the last component.
    let mut out = g.to_vec();
    let mut at = 10;
    loop {
        let flags = u16_at(&out, at)?;
        out.get_mut(at..at + 2)?.copy_from_slice(&(flags & !0x0100).to_be_bytes());
        at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        at += if flags & 0x0008 != 0 {
            2
        } else if flags & 0x0040 != 0 {
            4
        } else if flags & 0x0080 != 0 {
            8
        } else {
            0
        };
        if flags & 0x0020 == 0 {
            break;
        }
    }
    out.truncate(at);
    Some(out)
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// An sfnt file from its tables (sorted by tag), with checksums and `head.checkSumAdjustment`.
fn assemble(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let entry_selector = 15 - n.max(1).leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, search_range, entry_selector, n * 16 - search_range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(h) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[h + 8..h + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(font: &[u8]) -> Vec<String> {
        let n = usize::from(u16_at(font, 4).unwrap());
        (0..n).map(|i| String::from_utf8_lossy(&font[12 + 16 * i..16 + 16 * i]).into_owned()).collect()
    }

    fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> &'a [u8] {
        let n = usize::from(u16_at(font, 4).unwrap());
        let i = (0..n).find(|i| &font[12 + 16 * i..16 + 16 * i] == tag).unwrap();
        let off = u32_at(font, 12 + 16 * i + 8).unwrap() as usize;
        let len = u32_at(font, 12 + 16 * i + 12).unwrap() as usize;
        &font[off..off + len]
    }

    #[test]
    fn hinting_goes_and_everything_else_stays() {
        let font = include_bytes!("../../assets/fonts/LiberationSerif-Regular.ttf");
        let plain = strip(font).unwrap();
        assert!(plain.len() < font.len() * 3 / 4, "{} → {}", font.len(), plain.len());
        for t in ["fpgm", "prep", "cvt "] {
            assert!(tags(font).contains(&t.to_owned()) && !tags(&plain).contains(&t.to_owned()), "{t}");
        }
        for t in ["cmap", "hmtx", "name", "post", "OS/2", "hhea"] {
            assert_eq!(
                table(font, t.as_bytes().try_into().unwrap()),
                table(&plain, t.as_bytes().try_into().unwrap()),
                "{t} kept"
            );
        }
        // The whole file sums to the magic number, as the sfnt format requires.
        assert_eq!(checksum(&plain), 0xB1B0_AFBA);
        // Stripping again changes nothing; every glyph is still there.
        assert_eq!(strip(&plain).unwrap(), plain);
        assert_eq!(u16_at(table(&plain, b"maxp"), 4), u16_at(table(font, b"maxp"), 4), "glyph count");
    }

    #[test]
    fn what_is_not_truetype_is_left_alone() {
        assert_eq!(strip(b"OTTO\0\0\0\0"), None);
        assert_eq!(strip(b""), None);
        assert_eq!(strip(&[0, 1, 0, 0, 0, 9]), None);
    }
}

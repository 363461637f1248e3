//! Calendar dates and times as officers write them.
//!
//! Input accepts `dd/mm/yyyy` (what officers type) and ISO `yyyy-mm-dd` (what programs send).
//! Storage and JSON use ISO, which sorts correctly as text; display uses `dd/mm/yyyy`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

/// Parses a calendar date. Returns a Vietnamese reason on failure.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    // The stored form, `yyyy-mm-dd`, read without going through a format string.
    if let Some(d) = iso_digits(s) {
        return Ok(d);
    }
    let parsed = if s.contains('/') {
        NaiveDate::parse_from_str(s, "%d/%m/%Y")
    } else {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
    };
    match parsed {
        Ok(d) if (1900..=2200).contains(&d.year()) => Ok(d),
        Ok(_) => Err(format!("năm của ngày «{s}» không hợp lệ")),
        Err(_) => Err(format!("«{s}» không phải là ngày hợp lệ (viết theo dạng dd/mm/yyyy)")),
    }
}

/// Parses a date and time as officers write it: the date (`dd/mm/yyyy`) and the time in either order,
/// with "ngày" / "lúc" between or not ("08:30 05/03/2026", "8h30 ngày 05/03/2026", "05/03/2026 8 giờ
/// 30"), or as programs send it (`yyyy-mm-ddTHH:MM`, seconds optional). The time: see [`parse_time`].
pub fn parse_datetime(s: &str) -> Result<NaiveDateTime, String> {
    let s = s.trim();
    if let Some((d, t)) = s.split_once('T')
        && let Some(date) = iso_digits(d)
    {
        return Ok(date.and_time(parse_time(t)?));
    }
    let filler = |w: &str| matches!(crate::text::fold(w).as_str(), "ngay" | "luc" | "vao" | "," | "-");
    let words: Vec<&str> = s.split_whitespace().map(|w| w.trim_matches(',')).filter(|w| !w.is_empty()).collect();
    let is_date = |w: &&str| w.contains('/') || (w.len() >= 8 && w.matches('-').count() == 2);
    let Some(at) = words.iter().position(is_date) else {
        return Err(format!("«{s}» thiếu ngày (viết theo dạng dd/mm/yyyy HH:MM, ví dụ 05/03/2026 08:30)"));
    };
    let date = parse_date(words[at])?;
    let time: Vec<&str> = words.iter().enumerate().filter(|&(i, w)| i != at && !filler(w)).map(|(_, w)| *w).collect();
    if time.is_empty() {
        return Err(format!("«{s}» thiếu giờ (viết theo dạng dd/mm/yyyy HH:MM, ví dụ 05/03/2026 08:30)"));
    }
    Ok(date.and_time(parse_time(&time.join(" "))?))
}

/// Parses a time of day as officers write it: `08:30`, `8:30`, `8h30`, `8h`, `8g30`, `8.30`, `8 giờ 30`,
/// `8 giờ 30 phút`, `08:30:00`; "chiều" or "tối" after an hour before 12 adds 12 ("2 giờ chiều" is 14:00),
/// "sáng" and "trưa" change nothing. Returns a Vietnamese reason on failure.
pub fn parse_time(t: &str) -> Result<NaiveTime, String> {
    let t = t.trim();
    let bad = || format!("giờ «{t}» không hợp lệ (viết theo dạng HH:MM, ví dụ 08:30 hoặc 8h30)");
    let folded = crate::text::fold(t);
    let mut afternoon = false;
    let mut clock = String::new();
    for word in folded.split_whitespace() {
        match word {
            "chieu" | "toi" => afternoon = true,
            "sang" | "trua" => {}
            w => {
                let w = w.trim_end_matches("phut").trim_end_matches('\'');
                let w = w.replace("gio", ":").replace(['h', 'g', '.'], ":");
                clock.push_str(&w);
            }
        }
    }
    let clock = clock.trim_end_matches(':');
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts.iter().any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let n = |i: usize| parts.get(i).map_or(Ok(0), |p| p.parse::<u32>().map_err(|_| bad()));
    let (mut hour, minute, second) = (n(0)?, n(1)?, n(2)?);
    if afternoon && hour < 12 {
        hour += 12;
    }
    NaiveTime::from_hms_opt(hour, minute, second).ok_or_else(bad)
}

/// Whether `s` is a date as the store keeps it: `yyyy-mm-dd`, a real date in 1900–2200.
pub(crate) fn is_iso(s: &str) -> bool {
    iso_digits(s).is_some()
}

/// `yyyy-mm-dd` exactly, a real date in 1900–2200, else `None` (then [`parse_date`] takes its long way).
fn iso_digits(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(0..4)? as i32;
    let d = NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)?;
    (1900..=2200).contains(&year).then_some(d)
}

/// ISO text for storage: `2026-03-05`.
pub fn iso(d: NaiveDate) -> String {
    if (0..=9999).contains(&d.year()) {
        format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// ISO text for storage: `2026-03-05T08:30`.
pub fn iso_datetime(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M").to_string()
}

/// What an officer reads: `05/03/2026`.
pub fn display(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// What an officer reads: `08:30 ngày 05/03/2026`.
pub fn display_datetime(dt: NaiveDateTime) -> String {
    format!("{} ngày {}", dt.format("%H:%M"), display(dt.date()))
}

/// What an officer reads of a moment stamped in RFC 3339: `05/03/2026 08:30`, in the time zone it
/// was stamped in (the text unchanged when it is not such a stamp).
pub fn display_stamp(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

/// What an officer reads of a moment, in this computer's time: `05/03/2026 08:30`.
pub fn display_local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M").to_string()
}

/// Whole months from `from` to `to`, a month counted once its day is reached (01/07 to 14/11 is 4;
/// 14/02 to 14/11 is 9; 15/02 to 14/11 is 8): how the 9-month grading rule counts service.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 - i32::from(to.day() < from.day())
}

/// Full years between `born` and `on` (the age on that day).
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

/// The same day `years` years later (29/02 becomes 28/02 in a common year).
pub fn add_years(d: NaiveDate, years: i32) -> NaiveDate {
    let y = d.year() + years;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), 28))
        .expect("28th exists in every month")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_vietnamese_and_iso_dates() {
        assert_eq!(parse_date("05/03/2026"), Ok(d(2026, 3, 5)));
        assert_eq!(parse_date("5/3/2026"), Ok(d(2026, 3, 5)));
        assert_eq!(parse_date("2026-03-05"), Ok(d(2026, 3, 5)));
        assert!(parse_date("31/02/2026").unwrap_err().contains("không phải là ngày hợp lệ"));
        assert!(parse_date("03/05").is_err());
        assert!(parse_date("01/01/1800").unwrap_err().contains("năm"));
        assert_eq!(display(d(2026, 3, 5)), "05/03/2026");
    }

    #[test]
    fn iso_shortcut_agrees_with_the_format_strings() {
        let mut day = d(1899, 12, 1);
        while day < d(2201, 2, 1) {
            let text = day.format("%Y-%m-%d").to_string();
            assert_eq!(iso(day), text);
            let slow = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().filter(|x| (1900..=2200).contains(&x.year()));
            assert_eq!(iso_digits(&text), slow, "{text}");
            assert_eq!(parse_date(&text).ok(), slow, "{text}");
            day += chrono::Duration::days(13);
        }
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "1899-12-31",
            "2201-01-01",
            "2026-3-05",
            "2026/03/05",
            "20260305",
            "2026-03-0x",
            "２０26-03-05",
        ] {
            assert_eq!(iso_digits(bad), None, "{bad}");
        }
        assert_eq!(parse_date(" 2026-03-05 "), Ok(d(2026, 3, 5)));
        assert!(parse_date("2026-02-30").unwrap_err().contains("không phải là ngày hợp lệ"));
        assert!(parse_date("1899-12-31").unwrap_err().contains("năm"));
        assert_eq!(iso(d(10000, 1, 1)), "+10000-01-01");
    }

    #[test]
    fn parses_times() {
        let dt = parse_datetime("05/03/2026 08:30").unwrap();
        assert_eq!(iso_datetime(dt), "2026-03-05T08:30");
        assert_eq!(parse_datetime("2026-03-05T08:30:00").unwrap(), dt);
        assert_eq!(display_datetime(dt), "08:30 ngày 05/03/2026");
        assert!(parse_datetime("05/03/2026").unwrap_err().contains("thiếu giờ"));
        assert!(parse_datetime("05/03/2026 25:00").unwrap_err().contains("giờ"));
        assert!(parse_datetime("8h30").unwrap_err().contains("thiếu ngày"));
    }

    #[test]
    fn accepts_the_ways_officers_write_times() {
        let at = |h, m| d(2026, 3, 5).and_hms_opt(h, m, 0).unwrap();
        for (text, h, m) in [
            ("05/03/2026 08:30", 8, 30),
            ("05/03/2026 8:30", 8, 30),
            ("05/03/2026 8h30", 8, 30),
            ("05/03/2026 8H30", 8, 30),
            ("05/03/2026 8h", 8, 0),
            ("05/03/2026 8g30", 8, 30),
            ("05/03/2026 8.30", 8, 30),
            ("05/03/2026 8 giờ 30", 8, 30),
            ("05/03/2026 8 giờ 30 phút", 8, 30),
            ("05/03/2026 8 gio 30", 8, 30),
            ("05/03/2026 8 giờ", 8, 0),
            ("05/03/2026 14h00", 14, 0),
            ("05/03/2026 2 giờ chiều", 14, 0),
            ("05/03/2026 7 giờ 30 tối", 19, 30),
            ("05/03/2026 9 giờ sáng", 9, 0),
            ("8h30 ngày 05/03/2026", 8, 30),
            ("08:30 ngày 05/03/2026", 8, 30),
            ("lúc 8 giờ 30, ngày 05/03/2026", 8, 30),
            ("2026-03-05 08:30", 8, 30),
            ("2026-03-05T08:30", 8, 30),
        ] {
            assert_eq!(parse_datetime(text), Ok(at(h, m)), "{text}");
        }
        // What the window shows reads back as itself.
        let dt = at(8, 30);
        assert_eq!(parse_datetime(&display_datetime(dt)), Ok(dt));
        for bad in ["05/03/2026 25h", "05/03/2026 8h60", "05/03/2026 sáng", "05/03/2026 8h30x", "05/03/2026 123"] {
            let e = parse_datetime(bad).unwrap_err();
            assert!(e.contains("không hợp lệ") && e.contains("8h30"), "{bad}: {e}");
        }
    }

    #[test]
    fn ages_count_full_years() {
        assert_eq!(age_on(d(2008, 3, 6), d(2026, 3, 5)), 17);
        assert_eq!(age_on(d(2008, 3, 5), d(2026, 3, 5)), 18);
        assert_eq!(add_years(d(2024, 2, 29), 1), d(2025, 2, 28));
    }
}

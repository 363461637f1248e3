//! Reporting periods: what `2026`, `2026-11`, `2026-Q3` and `2026-H1` mean, as the province sets them.
//!
//! By default a month's report covers the 15th of the month before to the 14th of the month (Nghị
//! định 09/2019/NĐ-CP, Điều 12: "thời gian chốt số liệu"); a quarter, a half-year and a year are
//! made of those months (a year: 15/12 of the year before to 14/12). The province may move the
//! cut-off day (31: calendar months), the reporting frequency and the grace period after the
//! cut-off within which a bundle still counts as sent on time. These rules are the reference list
//! `reporting_period` (assets/reference/reference.json); the province keeps its own copy.
//!
//! Pure: no store, no clock. Times are judged in Vietnam's time (UTC+7), whatever the computer's zone.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Doc, DocExt, Kind, RefItem};
use crate::error::{Error, Result};

/// The reference list holding the rules, and its one item.
pub const LIST: &str = "reporting_period";

/// How often a commune is expected to send its bundle (one per period of this span).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Month,
    Quarter,
    Half,
    Year,
}

impl Frequency {
    pub fn parse(s: &str) -> Option<Frequency> {
        match s.trim().to_lowercase().as_str() {
            "month" | "thang" | "tháng" => Some(Frequency::Month),
            "quarter" | "quy" | "quý" => Some(Frequency::Quarter),
            "half" | "6thang" | "6 tháng" => Some(Frequency::Half),
            "year" | "nam" | "năm" => Some(Frequency::Year),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Month => "hằng tháng",
            Frequency::Quarter => "hằng quý",
            Frequency::Half => "6 tháng một lần",
            Frequency::Year => "hằng năm",
        }
    }

    fn months(self) -> u32 {
        match self {
            Frequency::Month => 1,
            Frequency::Quarter => 3,
            Frequency::Half => 6,
            Frequency::Year => 12,
        }
    }
}

/// The province's reporting rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub frequency: Frequency,
    /// The cut-off day of each month (1 to 31; a month shorter than it ends on its last day).
    pub end_day: u32,
    /// Days after the cut-off within which a bundle is still on time.
    pub grace_days: u32,
}

impl Default for Rules {
    /// Monthly, cut-off on the 14th (Nghị định 09/2019/NĐ-CP), five days of grace.
    fn default() -> Rules {
        Rules { frequency: Frequency::Month, end_day: 14, grace_days: 5 }
    }
}

/// The longest grace period a province may set.
pub const MAX_GRACE_DAYS: u32 = 60;

impl Rules {
    /// The rules of a `reporting_period` item; missing or wrong values fall back to the defaults.
    pub fn from_item(item: Option<&RefItem>) -> Rules {
        let d = Rules::default();
        let Some(item) = item else { return d };
        let get = |k: &str| item.data.get(k);
        Rules {
            frequency: get("frequency").and_then(|v| v.as_str()).and_then(Frequency::parse).unwrap_or(d.frequency),
            end_day: get("end_day").and_then(|v| v.as_u64()).filter(|n| (1..=31).contains(n)).unwrap_or(14) as u32,
            grace_days: get("grace_days").and_then(|v| v.as_u64()).filter(|n| *n <= MAX_GRACE_DAYS as u64).unwrap_or(5)
                as u32,
        }
    }

    /// The rules the province sends down (`reporting_period`), else the defaults.
    pub fn from_items(items: &[RefItem]) -> Rules {
        Rules::from_item(items.first())
    }

    /// Checks rules an officer typed; every bad value is named.
    pub fn check(&self) -> Result<()> {
        let mut errors = Vec::new();
        if !(1..=31).contains(&self.end_day) {
            errors.push(crate::FieldError {
                field: "end_day".into(),
                label: "Ngày chốt số liệu".into(),
                message: "phải từ 1 đến 31 (31: hết tháng)".into(),
            });
        }
        if self.grace_days > MAX_GRACE_DAYS {
            errors.push(crate::FieldError {
                field: "grace_days".into(),
                label: "Số ngày gia hạn".into(),
                message: format!("không quá {MAX_GRACE_DAYS} ngày"),
            });
        }
        if errors.is_empty() { Ok(()) } else { Err(Error::Invalid(crate::Invalid(errors))) }
    }

    /// The rules as a `reporting_period` reference item.
    pub fn to_item(&self) -> RefItem {
        RefItem {
            code: "mac_dinh".into(),
            label: self.describe(),
            data: serde_json::json!({
                "frequency": self.frequency,
                "end_day": self.end_day,
                "grace_days": self.grace_days,
            }),
        }
    }

    /// The rules in a sentence ("Báo cáo hằng tháng, chốt số liệu ngày 14, gia hạn 5 ngày").
    pub fn describe(&self) -> String {
        let day = if self.end_day >= 31 { "ngày cuối tháng".to_owned() } else { format!("ngày {}", self.end_day) };
        format!(
            "Báo cáo {}, chốt số liệu {day} (Nghị định 09/2019/NĐ-CP), gửi chậm nhất {} ngày sau ngày chốt",
            self.frequency.label(),
            self.grace_days
        )
    }

    /// The cut-off day of month `m` of year `y`.
    fn end_of(&self, y: i32, m: u32) -> NaiveDate {
        let last = last_day(y, m);
        NaiveDate::from_ymd_opt(y, m, self.end_day.min(last)).expect("a day of the month")
    }

    /// The window of months `first..=last` of year `y` (months may run past 12 or below 1).
    fn months_window(&self, y: i32, first: u32, last: u32) -> (NaiveDate, NaiveDate) {
        let (py, pm) = if first == 1 { (y - 1, 12) } else { (y, first - 1) };
        let start = self.end_of(py, pm) + Duration::days(1);
        (start, self.end_of(y, last))
    }

    /// The reporting window of `p`.
    pub fn window(&self, p: Period) -> Window {
        let (first, last) = p.span.months();
        let (start, end) = self.months_window(p.year, first, last);
        Window { period: p, start, end, due: end + Duration::days(self.grace_days as i64) }
    }

    /// The periods of the reporting frequency whose cut-off falls inside `w` (what a commune is
    /// expected to send for it), in order.
    pub fn expected_in(&self, w: &Window) -> Vec<Window> {
        let step = self.frequency.months();
        let mut out = Vec::new();
        for year in [w.start.year(), w.end.year()] {
            for i in 0..(12 / step) {
                let last = (i + 1) * step;
                let span = match self.frequency {
                    Frequency::Month => Span::Month(last as u8),
                    Frequency::Quarter => Span::Quarter((i + 1) as u8),
                    Frequency::Half => Span::Half((i + 1) as u8),
                    Frequency::Year => Span::Year,
                };
                let sub = self.window(Period { year, span });
                if sub.end >= w.start && sub.end <= w.end && !out.contains(&sub) {
                    out.push(sub);
                }
            }
        }
        out.sort_by_key(|s| s.end);
        out
    }

    /// The period of the reporting frequency that `d` falls in.
    pub fn period_of(&self, d: NaiveDate) -> Window {
        // The window of a month ends on its cut-off day: a day after it belongs to the next month.
        let (mut y, mut m) = (d.year(), d.month());
        if d > self.end_of(y, m) {
            if m == 12 {
                y += 1;
                m = 1;
            } else {
                m += 1;
            }
        }
        let span = match self.frequency {
            Frequency::Month => Span::Month(m as u8),
            Frequency::Quarter => Span::Quarter(m.div_ceil(3) as u8),
            Frequency::Half => Span::Half(m.div_ceil(6) as u8),
            Frequency::Year => Span::Year,
        };
        self.window(Period { year: y, span })
    }
}

fn last_day(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (NaiveDate::from_ymd_opt(ny, nm, 1).expect("first of a month") - Duration::days(1)).day()
}

/// What a period spans within its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Span {
    Year,
    /// 1 or 2.
    Half(u8),
    /// 1 to 4.
    Quarter(u8),
    /// 1 to 12.
    Month(u8),
}

impl Span {
    /// The first and last month (1 to 12).
    fn months(self) -> (u32, u32) {
        match self {
            Span::Year => (1, 12),
            Span::Half(h) => (6 * h as u32 - 5, 6 * h as u32),
            Span::Quarter(q) => (3 * q as u32 - 2, 3 * q as u32),
            Span::Month(m) => (m as u32, m as u32),
        }
    }
}

/// A reporting period as written: `2026`, `2026-11`, `2026-Q3`, `2026-H1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub span: Span,
}

impl Period {
    pub fn year(year: i32) -> Period {
        Period { year, span: Span::Year }
    }

    /// The same period a year before ("the same figures last year beside them").
    pub fn year_before(&self) -> Period {
        Period { year: self.year - 1, ..*self }
    }

    /// The period's name as an officer reads it ("Tháng 11/2026", "Quý III/2026").
    pub fn label(&self) -> String {
        let roman = ["I", "II", "III", "IV"];
        match self.span {
            Span::Year => format!("Năm {}", self.year),
            Span::Half(1) => format!("6 tháng đầu năm {}", self.year),
            Span::Half(_) => format!("6 tháng cuối năm {}", self.year),
            Span::Quarter(q) => format!("Quý {}/{}", roman[(q as usize - 1).min(3)], self.year),
            Span::Month(m) => format!("Tháng {m}/{}", self.year),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Span::Year => write!(f, "{}", self.year),
            Span::Half(h) => write!(f, "{}-H{h}", self.year),
            Span::Quarter(q) => write!(f, "{}-Q{q}", self.year),
            Span::Month(m) => write!(f, "{}-{m:02}", self.year),
        }
    }
}

fn bad_period(s: &str) -> Error {
    Error::field(
        "period",
        "Kỳ báo cáo",
        format!(
            "«{s}» không phải kỳ báo cáo; hãy viết năm (2026), tháng (2026-11), quý (2026-Q3) hoặc 6 tháng (2026-H1)"
        ),
    )
}

impl FromStr for Period {
    type Err = Error;

    fn from_str(s: &str) -> Result<Period> {
        let t = s.trim();
        let (y, rest) = t.split_once('-').map_or((t, None), |(y, r)| (y, Some(r)));
        let year: i32 = y.parse().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| bad_period(s))?;
        if y.len() != 4 {
            return Err(bad_period(s));
        }
        let num = |r: &str, max: u8| r.parse::<u8>().ok().filter(|n| (1..=max).contains(n));
        let span = match rest {
            None => Span::Year,
            Some(r) => match r.as_bytes().first() {
                Some(b'Q' | b'q') => Span::Quarter(num(&r[1..], 4).ok_or_else(|| bad_period(s))?),
                Some(b'H' | b'h') => Span::Half(num(&r[1..], 2).ok_or_else(|| bad_period(s))?),
                Some(b'0'..=b'9') if r.len() <= 2 => Span::Month(num(r, 12).ok_or_else(|| bad_period(s))?),
                _ => return Err(bad_period(s)),
            },
        };
        Ok(Period { year, span })
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Period, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| serde::de::Error::custom(format!("kỳ báo cáo không hợp lệ: {s}")))
    }
}

/// A period's reporting window: its first and last day (both included) and the last day a bundle
/// for it is on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    pub period: Period,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due: NaiveDate,
}

impl Window {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// Whether an ISO date or date-time (`yyyy-mm-dd…`) falls inside the window.
    pub fn contains_iso(&self, s: &str) -> bool {
        s.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| self.contains(d))
    }

    /// "Tháng 11/2026 (15/10/2026 – 14/11/2026)".
    pub fn label(&self) -> String {
        format!("{} ({} – {})", self.period.label(), crate::date::display(self.start), crate::date::display(self.end))
    }
}

/// Which records belong to a period: the one rule both ends apply (docs/SYNC.md, "Which records
/// belong to a period"). A record of a dated register belongs to the period its own date falls in;
/// a certification record has one dated part per step it recorded (the registration, the
/// self-assessment, the bình xét, the proposal, the decision, the commune's settings), each
/// belonging to the period of its own date; the registers without a date (areas, units, teams,
/// members, models) belong to no period: they are reviewed as they stood at the end of the period
/// and stay editable; so do inspections and their remediation (follow-up across periods).
pub fn record_days(kind: Kind, doc: &Doc) -> Vec<(&'static str, NaiveDate)> {
    let own = |key: &str| doc.date_of(key).map(|d| vec![("", d)]).unwrap_or_default();
    match kind {
        Kind::Review | Kind::Activity | Kind::Commendation => own("date"),
        Kind::Meeting => own("starts_at"),
        Kind::Cert => CERT_PARTS.iter().filter_map(|part| cert_part_day(doc.get(*part)).map(|d| (*part, d))).collect(),
        // Inspections and their remediation run across periods (a task is answered months later):
        // they are the commune's follow-up, not a period's figures, and stay editable.
        Kind::Area
        | Kind::Unit
        | Kind::Model
        | Kind::Team
        | Kind::Member
        | Kind::Inspection
        | Kind::Remedy
        | Kind::RemedyReport
        // Plans and key areas steer the year and the transformation across periods: the same.
        | Kind::Plan
        | Kind::KeyArea
        | Kind::KeyAreaReview => Vec::new(),
    }
}

/// Whether the register's records belong to periods by their own dates.
pub fn is_dated(kind: Kind) -> bool {
    matches!(kind, Kind::Review | Kind::Activity | Kind::Commendation | Kind::Meeting | Kind::Cert)
}

/// The parts of a certification record that its steps write, each dated on its own.
const CERT_PARTS: [&str; 6] = ["registration", "assessment", "review", "proposal", "decision", "settings"];

/// A certification step's day: the date it names (registration, self-assessment, proposal,
/// decision), else the day its stamp was written.
fn cert_part_day(part: Option<&serde_json::Value>) -> Option<NaiveDate> {
    let part = part?.as_object()?;
    ["registered_on", "assessed_on", "date"]
        .iter()
        .find_map(|k| part.date_of(k))
        .or_else(|| part.get("stamp").and_then(|s| s.as_object()).and_then(|s| s.date_of("at")))
}

/// Whether a record (as stored) belongs to the period of `w`.
pub fn belongs(kind: Kind, doc: &Doc, w: &Window) -> bool {
    record_days(kind, doc).iter().any(|(_, d)| w.contains(*d))
}

/// Whether changing a record from `old` to `new` (`None`: not there, or deleted) writes into the
/// period of `w`: the record (or, for a certification, a step that changed) belongs to it before or
/// after. The lock of an approved period refuses exactly these writes, at the commune and, for
/// changes arriving after the approval, at the province.
pub fn touches(kind: Kind, old: Option<&Doc>, new: Option<&Doc>, w: &Window) -> bool {
    if !is_dated(kind) {
        return false;
    }
    if kind != Kind::Cert {
        return old.is_some_and(|d| belongs(kind, d, w)) || new.is_some_and(|d| belongs(kind, d, w));
    }
    CERT_PARTS.iter().any(|part| {
        let before = old.and_then(|d| d.get(*part));
        let after = new.and_then(|d| d.get(*part));
        before != after && [before, after].iter().any(|p| cert_part_day(*p).is_some_and(|d| w.contains(d)))
    })
}

/// Vietnam's time (UTC+7), in which reporting days are counted.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("a valid offset")
}

/// The day (in Vietnam) of an instant.
pub fn day_of(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&vietnam()).date_naive()
}

/// Today in Vietnam: the day the province's pages, lists and reports are as of.
pub fn today() -> NaiveDate {
    day_of(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn w(p: &str, r: &Rules) -> (NaiveDate, NaiveDate) {
        let w = r.window(p.parse().unwrap());
        (w.start, w.end)
    }

    #[test]
    fn periods_parse_and_print_back() {
        for s in ["2026", "2026-11", "2026-01", "2026-Q3", "2026-H1", "2026-H2", "2026-Q1"] {
            assert_eq!(s.parse::<Period>().unwrap().to_string(), s);
        }
        assert_eq!("2026-q3".parse::<Period>().unwrap().span, Span::Quarter(3));
        assert_eq!("2026-3".parse::<Period>().unwrap().span, Span::Month(3));
        for bad in ["", "26", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026-H3", "2026-X1", "abcd", "2026-", "1999"]
        {
            let e = bad.parse::<Period>().unwrap_err();
            assert!(e.to_string().contains("Kỳ báo cáo"), "{bad}: {e}");
        }
    }

    #[test]
    fn default_windows_follow_decree_09_2019() {
        let r = Rules::default();
        assert_eq!(w("2026-11", &r), (d("2026-10-15"), d("2026-11-14")));
        assert_eq!(w("2026-01", &r), (d("2025-12-15"), d("2026-01-14")));
        assert_eq!(w("2026-Q1", &r), (d("2025-12-15"), d("2026-03-14")));
        assert_eq!(w("2026-Q3", &r), (d("2026-06-15"), d("2026-09-14")));
        assert_eq!(w("2026-H1", &r), (d("2025-12-15"), d("2026-06-14")));
        assert_eq!(w("2026-H2", &r), (d("2026-06-15"), d("2026-12-14")));
        assert_eq!(w("2026", &r), (d("2025-12-15"), d("2026-12-14")));
        assert_eq!(r.window("2026-11".parse().unwrap()).due, d("2026-11-19"));
    }

    #[test]
    fn calendar_months_and_short_months() {
        let r = Rules { end_day: 31, ..Rules::default() };
        assert_eq!(w("2026", &r), (d("2026-01-01"), d("2026-12-31")));
        assert_eq!(w("2024-02", &r), (d("2024-02-01"), d("2024-02-29")));
        assert_eq!(w("2026-Q2", &r), (d("2026-04-01"), d("2026-06-30")));
        // A cut-off on the 30th: February ends on its last day, March starts the day after.
        let r = Rules { end_day: 30, ..Rules::default() };
        assert_eq!(w("2026-03", &r), (d("2026-03-01"), d("2026-03-30")));
        assert_eq!(w("2026-04", &r), (d("2026-03-31"), d("2026-04-30")));
    }

    #[test]
    fn months_tile_the_year_without_gap_or_overlap() {
        for end_day in [1, 14, 28, 29, 30, 31] {
            let r = Rules { end_day, ..Rules::default() };
            let year = r.window(Period::year(2028));
            let mut next = year.start;
            for m in 1..=12 {
                let w = r.window(Period { year: 2028, span: Span::Month(m) });
                assert_eq!(w.start, next, "end_day {end_day} month {m}");
                next = w.end + Duration::days(1);
            }
            assert_eq!(next - Duration::days(1), year.end);
        }
    }

    #[test]
    fn expected_sub_periods_and_the_period_of_a_day() {
        let r = Rules::default();
        let q3 = r.window("2026-Q3".parse().unwrap());
        let subs: Vec<String> = r.expected_in(&q3).iter().map(|s| s.period.to_string()).collect();
        assert_eq!(subs, ["2026-07", "2026-08", "2026-09"]);
        assert_eq!(r.expected_in(&r.window(Period::year(2026))).len(), 12);
        let quarterly = Rules { frequency: Frequency::Quarter, ..Rules::default() };
        assert!(quarterly.expected_in(&quarterly.window("2026-11".parse().unwrap())).is_empty());
        assert_eq!(quarterly.expected_in(&quarterly.window(Period::year(2026))).len(), 4);
        assert_eq!(r.period_of(d("2026-11-14")).period.to_string(), "2026-11");
        assert_eq!(r.period_of(d("2026-11-15")).period.to_string(), "2026-12");
        assert_eq!(r.period_of(d("2026-12-20")).period.to_string(), "2027-01");
        assert_eq!(quarterly.period_of(d("2026-09-15")).period.to_string(), "2026-Q4");
    }

    #[test]
    fn rules_from_reference_data_and_their_checks() {
        let items = &crate::domain::RefSet::builtin().lists.into_iter().find(|l| l.list == LIST).unwrap().items;
        assert_eq!(Rules::from_items(items), Rules::default());
        let r = Rules { frequency: Frequency::Quarter, end_day: 31, grace_days: 10 };
        assert_eq!(Rules::from_item(Some(&r.to_item())), r);
        assert_eq!(Rules::from_item(None), Rules::default());
        let e = Rules { end_day: 0, grace_days: 90, ..Rules::default() }.check().unwrap_err();
        let text = e.to_string();
        assert!(text.contains("Ngày chốt số liệu") && text.contains("Số ngày gia hạn"), "{text}");
    }

    #[test]
    fn days_are_counted_in_vietnam() {
        let t = DateTime::parse_from_rfc3339("2026-11-14T18:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(day_of(t), d("2026-11-15"));
    }
}

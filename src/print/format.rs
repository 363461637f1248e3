//! Dates as Nghị định 30 writes them (its document numbers: `store::doc_number`).

use chrono::{Datelike, NaiveDate};

/// "ngày 05 tháng 01 năm 2026": day and month under 10 are written with a leading 0.
pub fn date_words(date: NaiveDate) -> String {
    format!("ngày {:02} tháng {:02} năm {}", date.day(), date.month(), date.year())
}

/// "Ia Đal, ngày 05 tháng 01 năm 2026": the place-date line of the header.
pub fn place_date(place: &str, date: NaiveDate) -> String {
    format!("{}, {}", place.trim(), date_words(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn day_and_month_under_ten_are_padded() {
        assert_eq!(place_date("Ia Đal", d(2026, 1, 5)), "Ia Đal, ngày 05 tháng 01 năm 2026");
        assert_eq!(date_words(d(2025, 2, 9)), "ngày 09 tháng 02 năm 2025");
        assert_eq!(date_words(d(2025, 9, 30)), "ngày 30 tháng 09 năm 2025");
        assert_eq!(date_words(d(2025, 12, 31)), "ngày 31 tháng 12 năm 2025");
        assert_eq!(date_words(d(2024, 10, 10)), "ngày 10 tháng 10 năm 2024");
        assert_eq!(place_date("  Ia Đal ", d(2024, 2, 29)), "Ia Đal, ngày 29 tháng 02 năm 2024");
    }
}

//! The first-run setup and the accounts' forms: what a form checks besides the domain's rules (a rank
//! from the list, a password typed twice the same), every bad field at once, and the names of the
//! accounts that may log in. The rules themselves (the password rule, login names, roles) are the
//! domain's (`crate::domain::account`).

use std::path::Path;

use crate::domain::account::{self, NewAccount, Role, username_from};
use crate::error::{Error, FieldError, Invalid, Result};
use crate::keyring::Keyring;
use crate::store::Setup;
use crate::units::Units;

/// Ranks of the People's Public Security an officer of a commune police may hold.
pub const RANKS: &[&str] = &[
    "Hạ sĩ",
    "Trung sĩ",
    "Thượng sĩ",
    "Thiếu úy",
    "Trung úy",
    "Thượng úy",
    "Đại úy",
    "Thiếu tá",
    "Trung tá",
    "Thượng tá",
    "Đại tá",
];

/// An account to add: the login name, when left empty, comes from the full name as at the setup
/// (Nguyễn Văn An → nguyenvanan).
pub fn new_account(username: &str, full_name: &str, rank: &str, role: Role, password: &str) -> NewAccount {
    let username = username.trim();
    NewAccount {
        username: if username.is_empty() { username_from(full_name) } else { username.to_owned() },
        full_name: full_name.to_owned(),
        rank: Some(rank.to_owned()).filter(|r| !r.trim().is_empty()),
        role,
        password: password.to_owned(),
    }
}

/// A province or a commune of the official list, as the setup offers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnitChoice {
    pub code: String,
    /// Its official name with its kind: "Tỉnh Quảng Ngãi", "Xã Ia Đal".
    pub name: String,
}

/// The provinces of the official list matching `query` without accents (empty: all 34), best first.
pub fn find_provinces(query: &str) -> Vec<UnitChoice> {
    Units::builtin()
        .search_provinces(query)
        .into_iter()
        .map(|f| UnitChoice { code: f.unit.code.clone(), name: f.unit.full_name() })
        .collect()
}

/// At most 50 communes of the province `province_code` matching `query` without accents (or the start
/// of a code), best first.
pub fn find_communes(province_code: &str, query: &str) -> Vec<UnitChoice> {
    Units::builtin()
        .search_communes(Some(province_code), query, 50)
        .into_iter()
        .map(|f| UnitChoice { code: f.unit.code.clone(), name: f.unit.full_name() })
        .collect()
}

/// The fields of an error that names fields (none for any other error).
fn fields_of(e: Error) -> Vec<FieldError> {
    match e {
        Error::Invalid(Invalid(fields)) => fields,
        _ => Vec::new(),
    }
}

/// The password typed a second time differs from the first.
pub fn password_mismatch() -> FieldError {
    FieldError {
        field: "password_again".into(),
        label: "Nhập lại mật khẩu".into(),
        message: "không khớp với mật khẩu".into(),
    }
}

/// Refuses a password typed twice differently, naming the second field.
pub fn check_typed_twice(password: &str, again: &str) -> Result<()> {
    if password != again {
        return Err(Error::Invalid(Invalid(vec![password_mismatch()])));
    }
    Ok(())
}

/// The chief's account the first-run setup creates: the login name comes from the full name.
pub fn chief(full_name: &str, rank: &str, password: &str) -> NewAccount {
    NewAccount {
        username: username_from(full_name),
        full_name: full_name.to_owned(),
        rank: Some(rank.to_owned()).filter(|r| !r.trim().is_empty()),
        role: Role::Chief,
        password: password.to_owned(),
    }
}

/// Every bad field of the first-run setup at once: the checks of the commune (in the official list,
/// `Setup::official`) and of the chief's account, a rank from the list and the password typed twice
/// the same.
pub fn setup_errors(setup: &Setup, chief: &NewAccount, again: &str) -> Vec<FieldError> {
    let mut errors = match setup.official(Units::builtin()) {
        Err(e) => fields_of(e),
        Ok(_) => Vec::new(),
    };
    let named = !setup.officer.trim().is_empty();
    if let Err(e) = account::check(chief) {
        for f in fields_of(e) {
            match f.field.as_str() {
                // The setup's own check already names an empty officer.
                "full_name" => {}
                "username" if named => errors.push(FieldError {
                    field: "officer".into(),
                    label: "Họ và tên".into(),
                    message: format!("tên đăng nhập «{}» {}", chief.username, f.message),
                }),
                "username" => {}
                _ => errors.push(f),
            }
        }
    }
    if !RANKS.contains(&chief.rank.as_deref().unwrap_or_default()) {
        errors.push(FieldError {
            field: "rank".into(),
            label: "Cấp bậc".into(),
            message: "hãy chọn cấp bậc trong danh sách".into(),
        });
    }
    if !errors.iter().any(|e| e.field == "password") && chief.password != again {
        errors.push(password_mismatch());
    }
    errors
}

/// The folder a backup is written to, as typed or chosen (refused when empty, naming the field).
pub fn backup_dir(dir: &str) -> Result<&Path> {
    let dir = dir.trim();
    if dir.is_empty() {
        return Err(Error::field("dir", "Thư mục nhận bản sao lưu", "hãy chọn USB hoặc nhập đường dẫn thư mục"));
    }
    Ok(Path::new(dir))
}

/// A file size as an officer reads it: "1,2 MB".
pub fn size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6).replace('.', ",")
}

/// The usernames that may log in to the store at `store`, from its keyring (which holds no secret in
/// the clear); empty when there is none.
pub fn usernames(store: &Path) -> Vec<String> {
    Keyring::load(&Keyring::path_for(store))
        .map(|ring| ring.slots.into_iter().map(|s| s.username).collect())
        .unwrap_or_default()
}

/// What was carried back of what the province sent: "2 quyết định về kỳ báo cáo (xã 23535: số 2, 3),
/// 1 cuộc kiểm tra, …".
fn kept_what(k: &crate::store::province_restore::Kept) -> String {
    let mut what = Vec::new();
    let n: usize = k.decisions.iter().map(|(_, ns)| ns.len()).sum();
    if n > 0 {
        let per: Vec<String> = k
            .decisions
            .iter()
            .map(|(c, ns)| {
                let ns: Vec<String> = ns.iter().map(i64::to_string).collect();
                format!("xã {c}: số {}", ns.join(", "))
            })
            .collect();
        what.push(format!("{n} quyết định về kỳ báo cáo ({})", per.join("; ")));
    }
    for (count, label) in [
        (k.inspections, "cuộc kiểm tra"),
        (k.tasks, "nhiệm vụ khắc phục"),
        (k.verdicts, "kết luận đánh giá báo cáo khắc phục"),
    ] {
        if count > 0 {
            what.push(format!("{count} {label}"));
        }
    }
    if !k.references.is_empty() {
        let v: Vec<String> = k.references.iter().map(i64::to_string).collect();
        what.push(format!("danh mục phiên bản {}", v.join(", ")));
    }
    if k.documents > 0 {
        what.push(format!("{} báo cáo đã cấp số", k.documents));
    }
    what.join(", ")
}

/// What reading back the province's own bundles did ([`crate::sync::province::Province::recover_sent`]),
/// line by line; `None` when there was nothing to take back (no bundle of the province, or all of it
/// already in the store).
pub fn province_recovered(r: &crate::sync::province::Recovery) -> Option<Vec<String>> {
    let k = &r.kept;
    let raised = k.out_seq > k.out_seq_before;
    if !k.carried_anything() && !raised && k.diverged.is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    if k.carried_anything() {
        lines.push(format!(
            "Đã lấy lại từ {} gói Công an tỉnh đã ký những gì kho dữ liệu chưa có: {}.",
            r.read,
            kept_what(k)
        ));
    }
    if raised {
        lines.push(format!("Số thứ tự gói gửi xã tiếp tục từ số {} (cao hơn mọi gói đã gửi tìm thấy).", k.out_seq + 1));
    }
    for c in &k.diverged {
        lines.push(format!(
            "Các quyết định về xã {c} trong gói đã gửi khác với các quyết định trong kho dữ liệu: không lấy lại quyết định nào của xã này. \
Hãy xem mục «Duyệt số liệu» và hỏi xã đã nhận những quyết định nào."
        ));
    }
    Some(lines)
}

/// What a restore of the province store did, line by line, as the window and the command line say it:
/// what was carried over from the replaced store (what the province had sent its communes after the
/// backup), or, when it could not be read, what may be missing and what to do; then the bundles to
/// take in again.
pub fn province_restored(r: &crate::backup::Restored) -> Vec<String> {
    let taken = crate::date::display_local(r.info.header.created_at);
    let mut lines = Vec::new();
    match (&r.kept, &r.replaced_unread) {
        (Some(k), _) => {
            if k.carried_anything() {
                lines.push(format!(
                    "Đã giữ lại những gì Công an tỉnh đã gửi các xã sau lúc {taken} (thời điểm sao lưu), đọc từ kho dữ liệu bị thay: {}.",
                    kept_what(k)
                ));
            } else {
                lines.push(format!(
                    "Sau lúc {taken} (thời điểm sao lưu) Công an tỉnh không gửi các xã quyết định, cuộc kiểm tra, danh mục hay báo cáo đã cấp số nào mới: không có gì phải giữ lại."
                ));
            }
            for c in &k.diverged {
                lines.push(format!(
                    "Các quyết định về xã {c} trong bản sao lưu khác với kho dữ liệu bị thay (bản sao lưu không phải bản cũ hơn của kho đó): \
không giữ lại quyết định nào của xã này. Hãy xem mục «Duyệt số liệu» và hỏi xã đã nhận những quyết định nào."
                ));
            }
            lines.push(format!("Số thứ tự gói gửi xã tiếp tục từ số {} (không dùng lại số đã gửi).", k.out_seq + 1));
        }
        (None, Some(why)) => {
            if let Some(back) = r.recovered.as_ref().and_then(province_recovered) {
                lines.push(format!("Không mở được kho dữ liệu bị thay ({why})."));
                lines.extend(back);
                lines.push(format!(
                    "Những gì Công an tỉnh đã gửi sau lúc {taken} (thời điểm sao lưu) mà thư mục của tỉnh không còn gói nào mang theo \
sẽ được lấy lại khi nhận USB của các xã (mục «Nhận gói từ USB»; dòng lệnh: phongtrao province --dir THƯ_MỤC recover USB)."
                ));
                lines.push(
                    "Các gói của xã nhập sau thời điểm sao lưu cần được nhập lại (từ USB, hoặc xã xuất lại): danh sách các xã sẽ báo gói còn thiếu."
                        .to_owned(),
                );
                return lines;
            }
            lines.push(format!(
                "Không mở được kho dữ liệu bị thay ({why}). Những gì Công an tỉnh đã gửi các xã sau lúc {taken} (thời điểm sao lưu): \
quyết định duyệt, trả lại, mở lại kỳ báo cáo; cuộc kiểm tra, nhiệm vụ khắc phục và kết luận đánh giá; danh mục; báo cáo đã cấp số, \
không có trong kho đã khôi phục."
            ));
            lines.push(format!(
                "Các gói gửi xã từ nay thuộc kỳ gửi {} nên không bị nhầm với gói đã gửi trước đây. Trước khi ra quyết định mới, kiểm tra mới \
hay gửi danh mục mới, hãy lấy lại những gì đã gửi từ các gói Công an tỉnh đã ký: thư mục quyet-dinh của tỉnh, biên nhận và gói \
quyết định trên USB của các xã (mục «Nhận gói từ USB» tự đọc lại các gói đó; dòng lệnh: phongtrao province --dir THƯ_MỤC recover \
THƯ_MỤC_HOẶC_USB). Nếu kho bị thay mở được bằng mật khẩu cũ, khôi phục lại bằng mật khẩu đó cũng giữ lại được tất cả.",
                r.sync_epoch
            ));
        }
        (None, None) => {}
    }
    lines.push(
        "Các gói của xã nhập sau thời điểm sao lưu cần được nhập lại (từ USB, hoặc xã xuất lại): danh sách các xã sẽ báo gói còn thiếu."
            .to_owned(),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_left_without_a_login_name_gets_one_from_the_full_name() {
        let a = new_account("  ", "Lê Văn Xem", "", Role::Viewer, "mk-xem-12345");
        assert_eq!((a.username.as_str(), a.rank), ("levanxem", None));
        let a = new_account("xem2", "Lê Văn Xem", "Trung úy", Role::Viewer, "mk-xem-12345");
        assert_eq!((a.username.as_str(), a.rank.as_deref()), ("xem2", Some("Trung úy")));
    }

    fn setup(officer: &str) -> Setup {
        Setup { officer: officer.into(), ..crate::demo::demo_setup() }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn the_setup_offers_the_official_list() {
        assert_eq!(find_provinces("").len(), 34);
        assert_eq!(find_provinces("quang ngai"), [UnitChoice { code: "51".into(), name: "Tỉnh Quảng Ngãi".into() }]);
        assert_eq!(find_communes("51", "ia dal")[0], UnitChoice { code: "23535".into(), name: "Xã Ia Đal".into() });
        assert_eq!(find_communes("51", "").len(), 50);
        assert!(find_communes("99", "").is_empty());
    }

    #[test]
    fn setup_reports_every_bad_field() {
        let e = setup_errors(&setup(""), &chief("", "", "ngắn"), "ngắn");
        assert_eq!(fields(&e), ["officer", "password", "rank"]);
        let e = setup_errors(&setup("Nguyễn Văn An"), &chief("Nguyễn Văn An", "Đại úy", "mat-khau-1"), "mat-khau-2");
        assert_eq!(fields(&e), ["password_again"]);
        let e = setup_errors(&setup("Lê"), &chief("Lê", "Đại úy", "mat-khau-1"), "mat-khau-1");
        assert_eq!(fields(&e), ["officer"]);
        assert!(e[0].message.starts_with("tên đăng nhập «le»"));
        assert!(
            setup_errors(&setup("Nguyễn Văn An"), &chief("Nguyễn Văn An", "Đại úy", "mat-khau-1"), "mat-khau-1")
                .is_empty()
        );
        // The commune must be in the official list: 23430 is Xã Kon Đào, not Ia Đal.
        let wrong = Setup { commune_code: "23430".into(), ..setup("Nguyễn Văn An") };
        let e = setup_errors(&wrong, &chief("Nguyễn Văn An", "Đại úy", "mat-khau-1"), "mat-khau-1");
        assert_eq!(fields(&e), ["commune"]);
        assert!(e[0].message.contains("«Xã Ia Đal» có mã 23535, không phải 23430"), "{}", e[0].message);
    }
}

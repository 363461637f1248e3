//! The printed forms (`phongtrao::print::forms`, `print::fill`): each filled from a store with fixed
//! data and fixed dates, and blank; checked with poppler-utils and qpdf, and compared with reviewed
//! reference renderings in `tests/it/print_ref/` (40 dpi, grey).
//!
//! `PHONGTRAO_UPDATE_REFS=1` rewrites the reference images (look at every one before committing);
//! `PHONGTRAO_PRINT_OUT=<dir>` keeps the PDFs (docs/print is rendered from them).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use phongtrao::print::fill::{self, PrintRequest};
use phongtrao::print::forms;
use phongtrao::store::Setup;
use phongtrao::{Kind, Store};
use serde_json::{Value, json};
use uuid::Uuid;

use super::print::{arg, page_count, page_text, save, squash, stdout, tool};

const REF_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/print_ref");
/// Mean absolute difference (0–255 grey levels) allowed between a rendering and its reference:
/// room for another poppler's anti-aliasing, far below a moved line of text (several units).
const MAX_MEAN_DIFF: f64 = 1.5;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// A commune store in memory with fixed records.
pub(crate) fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    s.init(&Setup {
        province_code: "64".into(),
        province: "Gia Lai".into(),
        commune_code: "24610".into(),
        commune: "Xã Ia Đal".into(),
        officer: "Nguyễn Văn An".into(),
    })
    .expect("init");
    s
}

fn add(s: &mut Store, kind: Kind, v: Value) -> Uuid {
    let Value::Object(doc) = v else { panic!("object") };
    s.create(kind, &doc).expect("create").id
}

pub(crate) fn area(s: &mut Store) -> Uuid {
    add(
        s,
        Kind::Area,
        json!({"name": "Thôn Đắk Năng", "kind": "thon", "households": 230, "population": 1012, "head": "Rơ Mah Hlim"}),
    )
}

pub(crate) fn meeting(s: &mut Store, area: Uuid) -> Uuid {
    add(
        s,
        Kind::Meeting,
        json!({
            "title": "Bình xét khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025 – Thôn Đắk Năng",
            "kind": "binh_xet",
            "starts_at": "2025-11-05T19:00",
            "ends_at": "2025-11-05T21:30",
            "place": "Nhà văn hóa Thôn Đắk Năng",
            "chair": "Rơ Mah Hlim",
            "secretary": "Nay H’Blơi",
            "attendees": [
                "Ông Rơ Mah Hlim – Trưởng thôn",
                "Ông Siu Đen – Bí thư chi bộ",
                "Bà Ksor H’Luyến – Trưởng ban công tác Mặt trận",
                "Đồng chí Trần Thị Bình – Công an phụ trách địa bàn",
                "Đại diện các hộ gia đình trong khu dân cư"
            ],
            "attendee_count": 47,
            "agenda": "1. Trưởng thôn khai mạc, thông qua mục đích, yêu cầu của cuộc họp.\n2. Thông qua báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc của thôn từ 01/11/2024 đến 31/10/2025.\n3. Đối chiếu từng tiêu chí theo Thông tư số 124/2021/TT-BCA; khu dân cư tự chấm điểm.\n4. Thảo luận, biểu quyết đề nghị công nhận.",
            "conclusions": "Khu dân cư đạt đủ 5 tiêu chí theo quy định; trong kỳ không xảy ra hoạt động chống Đảng, chính quyền, không có tội phạm nghiêm trọng. Hội nghị thống nhất đề nghị Ủy ban nhân dân xã Ia Đal công nhận Thôn Đắk Năng đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025.",
            "votes_for": 45,
            "votes_against": 2,
            "votes_abstain": 0,
            "area_id": area.to_string()
        }),
    )
}

fn request(form: &str, id: Option<Uuid>, date: NaiveDate) -> PrintRequest {
    PrintRequest { form: form.into(), id, date, ..PrintRequest::default() }
}

// ---- checks every form goes through -----------------------------------------------------------

/// Decodes a grey PNG: (width, height, pixels).
fn grey_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(channels).map(|c| c[0]).collect();
    (info.width, info.height, pixels)
}

/// Renders every page at 40 dpi in grey and compares it with `tests/it/print_ref/<name>-<page>.png`.
fn compare_with_reference(pdf: &Path, name: &str, pages: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let prefix = dir.path().join(name);
    stdout("pdftoppm", "poppler-utils", &["-r", "40", "-gray", "-png", arg(pdf), arg(&prefix)]);
    let update = std::env::var_os("PHONGTRAO_UPDATE_REFS").is_some_and(|v| v == "1");
    let width = pages.to_string().len();
    for page in 1..=pages {
        let got = dir.path().join(format!("{name}-{page:0width$}.png"));
        let reference = PathBuf::from(REF_DIR).join(format!("{name}-{page}.png"));
        if update {
            std::fs::create_dir_all(REF_DIR).expect("ref dir");
            std::fs::copy(&got, &reference).expect("update reference");
            continue;
        }
        assert!(
            reference.exists(),
            "no reference image {}: run with PHONGTRAO_UPDATE_REFS=1, look at it, and commit it",
            reference.display()
        );
        let (w1, h1, a) = grey_png(&got);
        let (w2, h2, b) = grey_png(&reference);
        assert_eq!((w1, h1), (w2, h2), "{name} page {page}: size differs from the reference");
        let diff: u64 = a.iter().zip(&b).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
        let mean = diff as f64 / a.len() as f64;
        assert!(
            mean < MAX_MEAN_DIFF,
            "{name} page {page}: mean difference {mean:.2} from the reference (max {MAX_MEAN_DIFF})"
        );
    }
    if !update {
        let extra = PathBuf::from(REF_DIR).join(format!("{name}-{}.png", pages + 1));
        assert!(!extra.exists(), "{name}: the reference has more pages than {pages}");
    }
}

/// The checks every printed form passes; returns its text (whitespace squashed) and page count.
pub(crate) fn check(pdf: &[u8], name: &str) -> (String, usize) {
    let (_dir, path) = save(pdf, &format!("{name}.pdf"));
    let pages = page_count(&path);
    // Fonts: every one an embedded subset of Liberation Serif with a ToUnicode map.
    let fonts = stdout("pdffonts", "poppler-utils", &[arg(&path)]);
    // Below the header line ("name type …") and its dashed rule, one line per font.
    let rows: Vec<Vec<&str>> = fonts
        .lines()
        .filter(|l| !l.starts_with("name ") && !l.starts_with("---"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(!rows.is_empty(), "{name}: no fonts\n{fonts}");
    for r in &rows {
        let (tag, face) = r[0].split_once('+').unwrap_or_else(|| panic!("{name}: not a subset: {fonts}"));
        assert!(tag.len() == 6 && face.starts_with("LiberationSerif"), "{name}: {fonts}");
        let n = r.len();
        assert_eq!(&r[n - 5..n - 2], ["yes", "yes", "yes"], "{name}: emb sub uni\n{fonts}");
    }
    let check = tool("qpdf", "qpdf", &["--check", arg(&path)]);
    assert!(check.status.success(), "{name}: qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    let text: String = (1..=pages).map(|p| page_text(&path, p)).collect();
    compare_with_reference(&path, name, pages);
    (squash(&text), pages)
}

fn assert_has(text: &str, name: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{name}: missing «{e}» in:\n{text}");
    }
}

// ---- Biên bản họp --------------------------------------------------------------------------------

#[test]
fn bien_ban_hop_is_filled_from_a_meeting_and_numbered() {
    let mut s = store();
    let a = area(&mut s);
    let m = meeting(&mut s, a);
    let printed = fill::print(&mut s, &request("bien-ban-hop", Some(m), d(2025, 11, 6))).expect("print");
    assert_eq!(printed.issued.as_ref().map(|i| i.number_text()).as_deref(), Some("01/BB-CAX"));
    let (text, _) = check(&printed.pdf, "bien-ban-hop");
    assert_has(
        &text,
        "bien-ban-hop",
        &[
            "CÔNG AN TỈNH GIA LAI",
            "CÔNG AN XÃ IA ĐAL",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 01/BB-CAX",
            "BIÊN BẢN",
            "Bình xét khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025 – Thôn Đắk Năng",
            "Thời gian bắt đầu: 19 giờ 00 phút, ngày 05 tháng 11 năm 2025.",
            "Địa điểm: Nhà văn hóa Thôn Đắk Năng",
            "Thành phần tham dự: (tổng số 47 người)",
            "- Bà Ksor H’Luyến – Trưởng ban công tác Mặt trận;",
            "Chủ trì (chủ tọa): Rơ Mah Hlim",
            "Thư ký (người ghi biên bản): Nay H’Blơi",
            "Nội dung (theo diễn biến cuộc họp):",
            "3. Đối chiếu từng tiêu chí theo Thông tư số 124/2021/TT-BCA",
            "Kết luận của chủ trì:",
            "Kết quả biểu quyết: 45/47 người dự họp tán thành (95,7%); 2 không tán thành; 0 không biểu quyết.",
            "Cuộc họp kết thúc vào 21 giờ 30 phút, ngày 05 tháng 11 năm 2025./.",
            "THƯ KÝ",
            "CHỦ TỌA",
            "Nơi nhận:",
            "- Ủy ban nhân dân xã Ia Đal (để báo cáo);",
            "- Thôn Đắk Năng;",
            "- Lưu: VT, CAX.",
        ],
    );
    // A Biên bản has no place-date line.
    assert!(!text.contains("Ia Đal, ngày"), "{text}");

    // The register: printing it again keeps 01 (and its date); a new document takes 02; another
    // year starts again at 01; the audit log names it.
    let again = fill::print(&mut s, &request("bien-ban-hop", Some(m), d(2025, 12, 1))).expect("print");
    assert_eq!((again.issued.unwrap().number_text(), again.reprint), ("01/BB-CAX".to_owned(), true));
    let new = |date| PrintRequest { numbering: fill::Numbering::New, ..request("bien-ban-hop", Some(m), date) };
    let second = fill::print(&mut s, &new(d(2025, 12, 1))).expect("print");
    assert_eq!((second.issued.unwrap().number_text(), second.reprint), ("02/BB-CAX".to_owned(), false));
    let next_year = fill::print(&mut s, &new(d(2026, 1, 2))).expect("print");
    assert_eq!(next_year.issued.unwrap().number_text(), "01/BB-CAX");
    let register = s.issued_documents(10).expect("register");
    assert_eq!(register.len(), 3);
    assert!(
        register.iter().all(|r| r.form == "bien-ban-hop" && r.record_id == Some(m) && r.issued_by == "Nguyễn Văn An")
    );
    let audit = s.audit_tail(1).expect("audit");
    assert_eq!(audit[0].action, "issue");
    assert!(audit[0].new.as_deref().is_some_and(|n| n.contains("01/BB-CAX")), "{:?}", audit[0]);
    assert!(s.audit_verify().expect("verify").problems.is_empty());
}

#[test]
fn bien_ban_hop_blank_takes_no_number() {
    let mut s = store();
    let mut req = request("bien-ban-hop", None, d(2025, 11, 6));
    req.blank = true;
    let printed = fill::print(&mut s, &req).expect("print");
    assert!(printed.issued.is_none());
    let (text, pages) = check(&printed.pdf, "bien-ban-hop-trang");
    assert_eq!(pages, 2, "room to write: the closing line and the signatures on page 2");
    assert_has(
        &text,
        "bien-ban-hop-trang",
        &[
            "Số: ……/BB-CAX",
            "BIÊN BẢN",
            "Thời gian bắt đầu: …… giờ …… phút, ngày …… tháng …… năm …….",
            "Địa điểm: .....",
            "Thành phần tham dự: .....",
            "Chủ trì (chủ tọa): .....",
            "Cuộc họp kết thúc vào …… giờ …… phút, ngày …… tháng …… năm ……./.",
            "(Ký, ghi rõ họ tên)",
        ],
    );
    assert!(s.issued_documents(10).expect("register").is_empty());
    // The first filled one still takes 01.
    let a = area(&mut s);
    let m = meeting(&mut s, a);
    let printed = fill::print(&mut s, &request("bien-ban-hop", Some(m), d(2025, 11, 6))).expect("print");
    assert_eq!(printed.issued.unwrap().number, 1);
}

#[test]
fn a_failed_rendering_takes_no_number_and_bad_requests_are_explained() {
    let mut s = store();
    let a = area(&mut s);
    let bad = add(
        &mut s,
        Kind::Meeting,
        json!({
            "title": "Họp ☃", "kind": "hoi_nghi", "starts_at": "2025-11-05T08:00", "place": "Hội trường",
            "chair": "Nguyễn Văn An", "secretary": "Trần Thị Bình"
        }),
    );
    let e = fill::print(&mut s, &request("bien-ban-hop", Some(bad), d(2025, 11, 6))).unwrap_err();
    assert!(e.to_string().starts_with("Phông chữ không có ký tự «☃»"), "{e}");
    assert!(s.issued_documents(10).unwrap().is_empty(), "nothing recorded");
    let m = meeting(&mut s, a);
    let ok = fill::print(&mut s, &request("bien-ban-hop", Some(m), d(2025, 11, 6))).unwrap();
    assert_eq!(ok.issued.unwrap().number, 1, "the failed one took no number");

    let e = fill::print(&mut s, &request("bien-ban-hop", Some(a), d(2025, 11, 6))).unwrap_err();
    assert_eq!(e.to_string(), format!("Không tìm thấy cuộc họp có mã {a}."));
    let e = fill::print(&mut s, &request("bien-ban-hop", None, d(2025, 11, 6))).unwrap_err();
    assert_eq!(e.to_string(), "Mã bản ghi: mẫu «bien-ban-hop» cần mã bản ghi (--id), hoặc in mẫu trắng (--blank)");
    let e = fill::print(&mut s, &request("khong-co", None, d(2025, 11, 6))).unwrap_err();
    assert_eq!(e.to_string(), "Không có mẫu in «khong-co». Xem các mẫu: phongtrao print --list");
    assert_eq!(s.issued_documents(10).unwrap().len(), 1);
}

// ---- the key-registration form -----------------------------------------------------------------

/// A minisign public key file with a known key id.
fn minisign_pub() -> String {
    use base64::Engine;
    let mut raw = b"Ed".to_vec();
    raw.extend_from_slice(&0x4F1A_2B3C_4D5E_6F70u64.to_le_bytes());
    raw.extend((0u8..32).map(|i| i.wrapping_mul(37)));
    format!(
        "untrusted comment: minisign public key 4F1A2B3C4D5E6F70\n{}\n",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

#[test]
fn dang_ky_khoa_after_a_rotation_names_the_old_key_on_one_page() {
    // The widest key line there can be (it wraps), and the line of the key it replaces.
    let key = forms::KeyInput {
        key_id: "7A3027635DB64CD5".into(),
        fingerprint: "59800 90880 41800 41449 59591 19390 28383 50217".into(),
        public_key: "RW".to_owned() + &"W".repeat(54),
    };
    let form = forms::KeyRegistration {
        commune: "Xã Ia Đal".into(),
        commune_code: "24610".into(),
        province: "Gia Lai".into(),
        installation_id: "0192f1a0-7c3e-7d4a-9b1c-2e3f4a5b6c7d".into(),
        officer: "Nguyễn Văn An".into(),
        key,
        replaces: "DEB8B201F97BD252".into(),
    };
    let agency = forms::Agency::police("Gia Lai", "Xã Ia Đal");
    let doc = form.document(&agency, &forms::Issue { number: None, date: Some(d(2026, 1, 5)) });
    let (text, pages) = check(&phongtrao::print::render(&doc).expect("render"), "dang-ky-khoa-thay-khoa");
    assert_eq!(pages, 1, "{text}");
    assert_has(&text, "dang-ky-khoa-thay-khoa", &["Thay khóa cũ (đề nghị thu hồi): DEB8B201F97BD252"]);
}

#[test]
fn dang_ky_khoa_prints_the_key_and_its_fingerprint_and_blank() {
    let mut s = store();
    let key = forms::from_minisign_pub(&minisign_pub()).expect("key");
    let mut req = request("dang-ky-khoa", None, d(2026, 1, 5));
    req.key = Some(key.clone());
    let printed = fill::print(&mut s, &req).expect("print");
    assert!(printed.issued.is_none(), "a registration form takes no number");
    // The installation id differs per store: compare the rendering of a fixed one.
    let fixed = forms::KeyRegistration {
        commune: "Xã Ia Đal".into(),
        commune_code: "24610".into(),
        province: "Gia Lai".into(),
        installation_id: "0192f1a0-7c3e-7d4a-9b1c-2e3f4a5b6c7d".into(),
        officer: "Nguyễn Văn An".into(),
        key: key.clone(),
        replaces: String::new(),
    };
    let agency = forms::Agency::police("Gia Lai", "Xã Ia Đal");
    let doc = fixed.document(&agency, &forms::Issue { number: None, date: Some(d(2026, 1, 5)) });
    let (text, pages) = check(&phongtrao::print::render(&doc).expect("render"), "dang-ky-khoa");
    assert_eq!(pages, 1);
    assert_has(
        &text,
        "dang-ky-khoa",
        &[
            "CÔNG AN XÃ IA ĐAL",
            "Ia Đal, ngày 05 tháng 01 năm 2026",
            "PHIẾU ĐĂNG KÝ",
            "Kính gửi: Công an tỉnh Gia Lai.",
            "Đơn vị: Công an xã Ia Đal",
            "Mã đơn vị hành chính: 24610",
            "Mã bản cài đặt: 0192f1a0-7c3e-7d4a-9b1c-2e3f4a5b6c7d",
            "Mã khóa (key id): 4F1A2B3C4D5E6F70",
            &key.fingerprint,
            &key.public_key,
            "(Ký tên, đóng dấu)",
            "Phần xác nhận của Công an tỉnh:",
        ],
    );
    let filled = squash(&{
        let (_d, p) = save(&printed.pdf, "k.pdf");
        page_text(&p, 1)
    });
    assert!(filled.contains(&s.commune().unwrap().installation_id.to_string()), "{filled}");

    let mut blank = request("dang-ky-khoa", None, d(2026, 1, 5));
    blank.blank = true;
    let (text, _) = check(&fill::print(&mut s, &blank).expect("blank").pdf, "dang-ky-khoa-trang");
    assert_has(
        &text,
        "dang-ky-khoa-trang",
        &["Ia Đal, ngày …… tháng …… năm 20……", "Mã khóa (key id): .....", "Dấu vân tay SHA-256 của khóa: ....."],
    );
    let e = fill::print(&mut s, &request("dang-ky-khoa", None, d(2026, 1, 5))).unwrap_err();
    assert!(e.to_string().contains("--key-file"), "{e}");
}

// ---- the command line ----------------------------------------------------------------------------

/// `phongtrao --db DB ARGS…` as the officer with `password` would type it.
pub(crate) fn cli_as(db: &Path, password: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_phongtrao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PHONGTRAO_DB")
        .env_remove("PHONGTRAO_USER")
        .env("PHONGTRAO_PASSWORD", password)
        .output()
        .expect("run phongtrao")
}

/// [`cli_as`], which must succeed; its standard output.
pub(crate) fn cli_ok_as(db: &Path, password: &str, args: &[&str]) -> String {
    let o = cli_as(db, password, args);
    assert!(o.status.success(), "phongtrao {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    cli_as(db, "mat-khau-dung", args)
}

fn cli_ok(db: &Path, args: &[&str]) -> String {
    cli_ok_as(db, "mat-khau-dung", args)
}

#[test]
fn cli_lists_forms_prints_numbers_and_keeps_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    // --list needs no store.
    let list = cli_ok(&db, &["print", "--list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), forms::FORMS.len());
    for (line, f) in lines.iter().zip(forms::FORMS) {
        assert_eq!(*line, format!("{}\t{}", f.name, f.title));
    }
    assert!(lines[0].starts_with("bien-ban-hop\tBiên bản họp"));
    assert!(!db.exists());

    cli_ok(&db, crate::cli::INIT);
    let m = cli_ok(
        &db,
        &[
            "add",
            "meeting",
            "--json",
            r#"{"title": "Sơ kết 6 tháng đầu năm 2026", "kind": "so_ket", "starts_at": "2026-07-05T08:00", "place": "Hội trường Ủy ban nhân dân xã", "chair": "Rơ Châm Tuyên", "secretary": "Trần Thị Bình"}"#,
        ],
    );
    let id = m.lines().last().unwrap().split_whitespace().last().unwrap().to_owned();
    let out = dir.path().join("bien ban.pdf");
    let said = cli_ok(&db, &["print", "bien-ban-hop", "--id", &id, "--date", "06/07/2026", "-o", arg(&out)]);
    assert!(said.starts_with("Đã in Biên bản họp (Mẫu 1.9), kể cả biên bản bình xét số 01/BB-CAX ra "), "{said}");
    let text = squash(&page_text(&out, 1));
    assert!(text.contains("Số: 01/BB-CAX") && text.contains("Sơ kết 6 tháng đầu năm 2026"), "{text}");
    // Printed again: the same document, its number and date kept.
    let said = cli_ok(&db, &["print", "bien-ban-hop", "--id", &id, "--date", "07/07/2026", "-o", arg(&out)]);
    assert!(
        said.starts_with("Đã in lại Biên bản họp (Mẫu 1.9), kể cả biên bản bình xét số 01/BB-CAX (giữ số đã cấp) ra "),
        "{said}"
    );
    assert!(squash(&page_text(&out, 1)).contains("Số: 01/BB-CAX"));
    // A preview takes nothing; a new document (--new) takes the next number.
    let o = cli(&db, &["print", "bien-ban-hop", "--id", &id, "--preview", "--new", "-o", arg(&out)]);
    assert!(!o.status.success(), "--preview and --new do not go together");
    let said = cli_ok(&db, &["print", "bien-ban-hop", "--id", &id, "--preview", "-o", arg(&out)]);
    assert!(said.contains("(in lại sẽ giữ số 01/BB-CAX)"), "{said}");
    let said = cli_ok(&db, &["print", "bien-ban-hop", "--id", &id, "--new", "--date", "07/07/2026", "-o", arg(&out)]);
    assert!(said.contains(" số 02/BB-CAX ra "), "{said}");
    assert!(squash(&page_text(&out, 1)).contains("Số: 02/BB-CAX"));

    // A file that cannot be written: the error names it, and the number stays taken.
    let nowhere = dir.path().join("khong-co-thu-muc").join("x.pdf");
    let o = cli(&db, &["print", "bien-ban-hop", "--id", &id, "--new", "-o", arg(&nowhere)]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Không đọc/ghi được tệp"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let register = cli_ok(&db, &["print", "--issued"]);
    assert_eq!(register.lines().count(), 3, "{register}");
    assert!(
        register.lines().nth(1).unwrap().starts_with("02/BB-CAX\t07/07/2026\tbien-ban-hop\tNguyễn Văn An\tbản ghi "),
        "{register}"
    );
    // --reprint MÃ (the last column) prints that entry again, under its number and date.
    let second = register.lines().nth(1).unwrap().rsplit('\t').next().unwrap().to_owned();
    let again = dir.path().join("in lai.pdf");
    let said = cli_ok(&db, &["print", "--reprint", &second, "-o", arg(&again)]);
    assert!(said.contains(" số 02/BB-CAX (giữ số đã cấp) ra "), "{said}");
    let text = squash(&page_text(&again, 1));
    assert!(text.contains("Số: 02/BB-CAX"), "{text}");
    assert_eq!(cli_ok(&db, &["print", "--issued"]).lines().count(), 3, "a reprint takes no number");

    let blank = dir.path().join("trang.pdf");
    let said = cli_ok(&db, &["print", "bien-ban-hop", "--blank", "-o", arg(&blank)]);
    assert!(said.starts_with("Đã in Biên bản họp"), "{said}");
    assert!(squash(&page_text(&blank, 1)).contains("Số: ……/BB-CAX"));
    assert_eq!(cli_ok(&db, &["print", "--issued"]).lines().count(), 3, "a blank takes no number");

    let o = cli(&db, &["print", "khong-co", "-o", arg(&blank)]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "Lỗi: Không có mẫu in «khong-co». Xem các mẫu: phongtrao print --list"
    );
    let o = cli(&db, &["print", "bien-ban-hop", "--id", &id]);
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("Lỗi: thiếu"), "{}", String::from_utf8_lossy(&o.stderr));
}

// ---- forms filled from activities, teams and the year's figures ---------------------------------

fn activities(s: &mut Store, area: Uuid) -> (Uuid, Uuid, Uuid) {
    let propaganda = add(
        s,
        Kind::Activity,
        json!({
            "category": "tuyen_truyen", "date": "2025-08-05",
            "title": "Tuyên truyền phòng, chống lừa đảo chiếm đoạt tài sản qua mạng tại Thôn Đắk Năng",
            "area_id": area.to_string(), "place": "Nhà văn hóa Thôn Đắk Năng", "form": "hop_dan",
            "topic": "Nhận diện thủ đoạn giả danh cơ quan công an, ngân hàng để lừa đảo qua điện thoại và mạng xã hội",
            "audience": "Đồng bào dân tộc thiểu số", "attendances": 120
        }),
    );
    let festival = add(
        s,
        Kind::Activity,
        json!({
            "category": "ngay_hoi", "date": "2025-08-19",
            "title": "Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2025",
            "place": "Sân vận động trung tâm xã Ia Đal", "sites": 9, "participants": 2400, "gifts": 80,
            "awards": "Ủy ban nhân dân xã tặng giấy khen cho 02 tập thể và 02 cá nhân có thành tích xuất sắc."
        }),
    );
    let weapons = add(
        s,
        Kind::Activity,
        json!({
            "category": "thu_hoi_vu_khi", "date": "2025-09-12",
            "title": "Tiếp nhận súng tự chế do người dân giao nộp", "area_id": area.to_string(),
            "place": "Trụ sở Công an xã Ia Đal", "giver": "Ông Rơ Châm Ngơl, trú tại Thôn Đắk Năng",
            "item_type": "vu_khi", "item": "Súng kíp tự chế", "quantity": 2, "measure": "khẩu"
        }),
    );
    (propaganda, festival, weapons)
}

fn team(s: &mut Store, area: Uuid) -> Uuid {
    let t =
        add(s, Kind::Team, json!({"name": "Tổ bảo vệ an ninh, trật tự Thôn Đắk Năng", "area_ids": [area.to_string()]}));
    for (name, born, role) in [
        ("Ksor Y Bla", "1990-03-14", "to_vien"),
        ("A Blưm", "1978-06-02", "to_truong"),
        ("Siu H’Nhi", "1995-11-20", "to_pho"),
    ] {
        add(
            s,
            Kind::Member,
            json!({
                "team_id": t.to_string(), "full_name": name, "date_of_birth": born,
                "residence": "Thôn Đắk Năng, xã Ia Đal", "resident_since": "2010-01-01",
                "education": "thcs", "role": role, "appointed_on": "2024-07-15"
            }),
        );
    }
    t
}

#[test]
fn plans_and_invitations_are_filled_from_activities() {
    let mut s = store();
    let a = area(&mut s);
    let (propaganda, festival, weapons) = activities(&mut s, a);
    let date = d(2025, 7, 25);

    let p = fill::print(&mut s, &request("ke-hoach", Some(propaganda), date)).expect("plan");
    assert_eq!(p.issued.unwrap().number_text(), "01/KH-CAX");
    let (text, _) = check(&p.pdf, "ke-hoach");
    assert_has(
        &text,
        "ke-hoach",
        &[
            "Số: 01/KH-CAX",
            "Ia Đal, ngày 25 tháng 07 năm 2025",
            "KẾ HOẠCH",
            "Tổ chức tuyên truyền phòng, chống lừa đảo chiếm đoạt tài sản qua mạng tại Thôn Đắk Năng",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Thời gian: Ngày 05 tháng 08 năm 2025.",
            "2. Địa điểm: Nhà văn hóa Thôn Đắk Năng",
            "3. Đối tượng: Đồng bào dân tộc thiểu số; dự kiến 120 lượt người nghe",
            "5. Hình thức: Họp dân",
            "III. TỔ CHỨC THỰC HIỆN",
            "TRƯỞNG CÔNG AN XÃ",
            "Nguyễn Văn An",
            "- Lưu: VT, CAX.",
        ],
    );

    let f = fill::print(&mut s, &request("ke-hoach", Some(festival), date)).expect("festival plan");
    assert_eq!(f.issued.unwrap().number_text(), "02/KH-CAX");
    let (text, _) = check(&f.pdf, "ke-hoach-ngay-hoi");
    assert_has(
        &text,
        "ke-hoach-ngay-hoi",
        &[
            "Tổ chức ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2025",
            "3. Số điểm tổ chức: 9 điểm",
            "4. Thành phần: khoảng 2.400 người",
            "Trao 80 suất quà cho hộ nghèo",
            "tặng giấy khen cho 02 tập thể",
        ],
    );

    let g = fill::print(&mut s, &request("giay-moi", Some(festival), d(2025, 8, 10))).expect("invitation");
    assert_eq!(g.issued.unwrap().number_text(), "01/GM-CAX");
    let (text, _) = check(&g.pdf, "giay-moi");
    assert_has(
        &text,
        "giay-moi",
        &[
            "Số: 01/GM-CAX",
            "GIẤY MỜI",
            "Công an xã Ia Đal trân trọng kính mời:",
            "Tới dự: Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2025.",
            "Thời gian: …… giờ …… phút, ngày 19 tháng 08 năm 2025.",
            "Địa điểm: Sân vận động trung tâm xã Ia Đal",
            "- Như trên;",
        ],
    );

    // A weapons hand-in is not a propaganda event: refused, naming both categories.
    let e = fill::print(&mut s, &request("giay-moi", Some(weapons), date)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Hoạt động «Tiếp nhận súng tự chế do người dân giao nộp» thuộc loại «Thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ»; mẫu «giay-moi» chỉ dùng cho: Tuyên truyền, Ngày hội toàn dân bảo vệ an ninh Tổ quốc."
    );
}

#[test]
fn weapons_receipt_team_decision_and_year_report() {
    let mut s = store();
    let a = area(&mut s);
    let (_, _, weapons) = activities(&mut s, a);
    let m = meeting(&mut s, a);
    fill::print(&mut s, &request("bien-ban-hop", Some(m), d(2025, 9, 1))).expect("a first biên bản");

    let w = fill::print(&mut s, &request("bien-ban-tiep-nhan", Some(weapons), d(2025, 9, 12))).expect("receipt");
    assert_eq!(w.issued.unwrap().number_text(), "02/BB-CAX", "biên bản share the BB series");
    let (text, pages) = check(&w.pdf, "bien-ban-tiep-nhan");
    assert_eq!(pages, 1);
    assert_has(
        &text,
        "bien-ban-tiep-nhan",
        &[
            "Số: 02/BB-CAX",
            "BIÊN BẢN",
            "Tiếp nhận vũ khí, vật liệu nổ, công cụ hỗ trợ",
            "Hôm nay, ngày 12 tháng 09 năm 2025, tại Trụ sở Công an xã Ia Đal, chúng tôi gồm:",
            "Ông (bà): Ông Rơ Châm Ngơl, trú tại Thôn Đắk Năng",
            "Đồng chí: Nguyễn Văn An, cán bộ Công an xã Ia Đal",
            "1 Súng kíp tự chế Vũ khí khẩu 2",
            "NGƯỜI GIAO NỘP",
            "NGƯỜI TIẾP NHẬN",
            "Rơ Châm Ngơl",
        ],
    );

    let t = team(&mut s, a);
    let q = fill::print(&mut s, &request("quyet-dinh-thanh-lap-to", Some(t), d(2025, 9, 20))).expect("decision");
    assert!(q.issued.is_none(), "the UBND numbers its own decisions");
    let (text, _) = check(&q.pdf, "quyet-dinh-thanh-lap-to");
    assert_has(
        &text,
        "quyet-dinh-thanh-lap-to",
        &[
            "ỦY BAN NHÂN DÂN",
            "XÃ IA ĐAL",
            "Số: ……/QĐ-UBND",
            "Ia Đal, ngày 20 tháng 09 năm 2025",
            "QUYẾT ĐỊNH",
            "Về việc thành lập Tổ bảo vệ an ninh, trật tự Thôn Đắk Năng",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ IA ĐAL",
            "Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
            "phụ trách địa bàn Thôn Đắk Năng",
            "1 A Blưm 02/06/1978",
            "Tổ trưởng",
            "2 Siu H’Nhi 20/11/1995",
            "Tổ phó",
            "3 Ksor Y Bla",
            "Tổ viên",
            "chịu trách nhiệm thi hành Quyết định này./.",
            "TM. ỦY BAN NHÂN DÂN",
            "CHỦ TỊCH",
            "- Như Điều 3;",
        ],
    );

    let mut req = request("bao-cao-ket-qua", None, d(2025, 12, 10));
    req.year = Some(2025);
    let r = fill::print(&mut s, &req).expect("report");
    assert_eq!(r.issued.unwrap().number_text(), "01/BC-CAX");
    let (text, _) = check(&r.pdf, "bao-cao-ket-qua");
    assert_has(
        &text,
        "bao-cao-ket-qua",
        &[
            "Số: 01/BC-CAX",
            "BÁO CÁO",
            "Kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2025",
            "1 Số buổi tuyên truyền 1",
            "2 Số lượt người nghe tuyên truyền 120",
            "6 Số mô hình theo loại 0",
            "7 Số vũ khí thu hồi 2",
            "15 Số người tham gia Ngày hội 19/8 2.400",
            "16 Số đơn vị được công nhận \"An toàn về ANTT\" / số đăng ký 0/0",
            "Quý I",
            "Cả năm",
            "1 Tuyên truyền 0 0 1 0 1",
            "Cộng 0 0 3 0 3",
            "Tự quản",
            "- Công an tỉnh Gia Lai (để báo cáo);",
        ],
    );
}

// ---- every form, blank ------------------------------------------------------------------------

#[test]
fn every_form_prints_blank() {
    let mut s = store();
    for f in forms::FORMS {
        let mut req = request(f.name, None, d(2026, 1, 5));
        req.blank = true;
        let printed = fill::print(&mut s, &req).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert!(printed.issued.is_none());
        let name = format!("{}-trang", f.name);
        let (text, _) = check(&printed.pdf, &name);
        assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{name}: {text}");
        let expect = match f.name {
            "bien-ban-hop" | "bien-ban-tiep-nhan" | "bien-ban-binh-xet" | "bien-ban-kiem-tra" => "BIÊN BẢN",
            "thong-bao-ket-luan-kiem-tra" => "THÔNG BÁO",
            "danh-sach-khac-phuc" => "DANH SÁCH",
            "ke-hoach" | "ke-hoach-nam" => "KẾ HOẠCH",
            "giay-moi" => "GIẤY MỜI",
            "quyet-dinh-thanh-lap-to" | "quyet-dinh-cong-nhan" => "QUYẾT ĐỊNH",
            "bao-cao-ket-qua" | "bao-cao-ket-qua-cong-nhan" => "BÁO CÁO",
            "dang-ky-khoa" => "PHIẾU ĐĂNG KÝ",
            "dang-ky-phan-dau" => "DANH SÁCH HỘ GIA ĐÌNH KÝ CAM KẾT",
            "tu-cham-diem" => "BẢNG TỰ CHẤM ĐIỂM",
            "to-trinh" => "TỜ TRÌNH",
            "giay-cong-nhan" => "CÔNG NHẬN",
            other => panic!("no expectation for {other}"),
        };
        assert!(text.contains(expect), "{name}: «{expect}» missing in {text}");
        if let Some(symbol) = f.symbol {
            assert!(text.contains(&format!("Số: ……/{symbol}-")), "{name}: a number to write by hand: {text}");
        }
    }
    assert!(s.issued_documents(10).unwrap().is_empty());
    // Without certification records, filling is refused in Vietnamese.
    let e = fill::print(&mut s, &request("to-trinh", None, d(2026, 1, 5))).unwrap_err();
    assert_eq!(e.to_string(), "Năm 2026 chưa có tờ trình đề nghị công nhận nào trong hồ sơ xét công nhận.");
    let e = fill::print(&mut s, &request("tu-cham-diem", None, d(2026, 1, 5))).unwrap_err();
    assert!(e.to_string().contains("cần mã khu dân cư hoặc đơn vị (--id)"), "{e}");
}

// ---- certification forms over their input structs ---------------------------------------------

#[test]
fn certification_forms_fill_from_their_input_structs() {
    use forms::*;
    let police = Agency { chief: "Nguyễn Văn An".into(), ..Agency::police("Gia Lai", "Xã Ia Đal") };
    let ubnd = Agency::committee("Xã Ia Đal");
    let unit = Agency::unit("Xã Ia Đal", "Thôn Đắk Năng");
    let issue = |n: Option<&str>| Issue { number: n.map(str::to_owned), date: Some(d(2025, 12, 5)) };
    let criteria = [
        "Trong quý I, chi bộ ra nghị quyết, khu dân cư đăng ký phấn đấu; 100% hộ gia đình đăng ký thực hiện",
        "Thực hiện đầy đủ chủ trương, chính sách của Đảng, pháp luật của Nhà nước",
        "Không xảy ra hoạt động chống Đảng, chính quyền",
    ];
    let scored: Vec<ScoreRow> = criteria
        .iter()
        .map(|c| ScoreRow { criterion: (*c).into(), result: "Đạt".into(), note: String::new() })
        .collect();

    let pledge = Pledge {
        unit: "Thôn Đắk Năng".into(),
        year: Some(2025),
        head_title: "Trưởng thôn".into(),
        head: "Rơ Mah Hlim".into(),
        commitments: criteria.iter().map(|c| (*c).to_owned()).collect(),
        households: vec![("Rơ Châm Ngơl".into(), "Thôn Đắk Năng".into()), ("Siu Đen".into(), "Thôn Đắk Năng".into())],
        ..Pledge::default()
    };
    let score = SelfScore {
        unit: "Thôn Đắk Năng".into(),
        year: Some(2025),
        rows: scored.clone(),
        head_title: "Trưởng thôn".into(),
        head: "Rơ Mah Hlim".into(),
        ..SelfScore::default()
    };
    let minutes = ReviewMinutes {
        unit: "Thôn Đắk Năng".into(),
        year: Some(2025),
        criteria: scored,
        rule: "từ 70% số phiếu trở lên".into(),
        passed: None,
        meeting: MeetingMinutes {
            chair: "Rơ Mah Hlim".into(),
            secretary: "Nay H’Blơi".into(),
            votes: Some(Votes { for_: 45, against: 2, abstain: 0 }),
            attendee_count: Some(47),
            ..MeetingMinutes::blank()
        },
    };
    let submission = Submission {
        year: Some(2025),
        registered: Some(12),
        units: vec![SubmittedUnit {
            name: "Thôn Đắk Năng".into(),
            kind: "Khu dân cư".into(),
            votes: "45/47 (95,7%)".into(),
        }],
        ..Submission::default()
    };
    let decision = RecognitionDecision {
        year: Some(2025),
        units: vec!["Thôn Đắk Năng".into(), "Trường Trung học cơ sở Ia Đal".into()],
        submission: "03/TTr-CAX ngày 05 tháng 12 năm 2025".into(),
        chairman: "Rơ Châm Tuyên".into(),
    };
    let certificate = Certificate {
        unit: "Thôn Đắk Năng".into(),
        year: Some(2025),
        decision: "15/QĐ-UBND".into(),
        decision_date: Some(d(2025, 12, 15)),
        chairman: "Rơ Châm Tuyên".into(),
        ..Certificate::default()
    };

    let cases: Vec<(&str, phongtrao::print::Document, Vec<&str>)> = vec![
        (
            "dang-ky-phan-dau",
            pledge.document(&unit, &issue(None)),
            vec![
                "ỦY BAN NHÂN DÂN",
                "THÔN ĐẮK NĂNG",
                "BẢN ĐĂNG KÝ",
                "Thôn Đắk Năng đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025",
                "1. Trong quý I",
                "TRƯỞNG THÔN",
                "Rơ Mah Hlim",
                "1 Rơ Châm Ngơl Thôn Đắk Năng",
            ],
        ),
        (
            "tu-cham-diem",
            score.document(&unit, &issue(None)),
            vec!["BẢNG TỰ CHẤM ĐIỂM", "Tổng hợp: đạt 3/3 tiêu chí. Tự đánh giá: đạt tiêu chuẩn./."],
        ),
        (
            "bien-ban-binh-xet",
            minutes.document(&unit, &issue(None)),
            vec![
                "Họp bình xét “An toàn về an ninh, trật tự” năm 2025 – Thôn Đắk Năng",
                "Kết quả đối chiếu tiêu chí:",
                "Kết quả biểu quyết: 45/47 phiếu tán thành (95,7%); 2 phiếu không tán thành; 0 phiếu không biểu quyết.",
                "Tỷ lệ tán thành cần đạt theo quy định của địa phương (Thông tư số 124/2021/TT-BCA không quy định tỷ lệ này): từ 70% số phiếu trở lên.",
                "THƯ KÝ",
                "CHỦ TỌA",
            ],
        ),
        (
            "to-trinh",
            submission.document(&police, &issue(Some("03/TTr-CAX"))),
            vec![
                "Số: 03/TTr-CAX",
                "TỜ TRÌNH",
                "Kính gửi: Chủ tịch Ủy ban nhân dân xã Ia Đal.",
                "có 12 khu dân cư",
                "1 Thôn Đắk Năng Khu dân cư 45/47 (95,7%)",
                "kính trình Chủ tịch",
            ],
        ),
        (
            "quyet-dinh-cong-nhan",
            decision.document(&ubnd, &issue(Some("……/QĐ-UBND"))),
            vec![
                "Công nhận 02 khu dân cư",
                "1. Thôn Đắk Năng;",
                "2. Trường Trung học cơ sở Ia Đal.",
                "Tờ trình số 03/TTr-CAX ngày 05 tháng 12 năm 2025",
                "Rơ Châm Tuyên",
            ],
        ),
        (
            "giay-cong-nhan",
            certificate.document(&ubnd, &issue(None)),
            vec![
                "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ IA ĐAL",
                "CÔNG NHẬN",
                "Thôn Đắk Năng",
                "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025",
                "Quyết định số 15/QĐ-UBND ngày 15 tháng 12 năm 2025",
            ],
        ),
    ];
    for (name, doc, expected) in cases {
        let pdf = phongtrao::print::render(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (text, _) = check(&pdf, name);
        assert_has(&text, name, &expected);
    }
}

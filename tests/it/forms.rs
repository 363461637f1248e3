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
use serde_json::{json, Value};
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
    add(s, Kind::Area, json!({"name": "Thôn Đắk Năng", "kind": "thon", "households": 230, "population": 1012, "head": "Rơ Mah Hlim"}))
}

pub(crate) fn meeting(s: &mut Store, area: Uuid) -> Uuid {
    add(s, Kind::Meeting, json!({
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
    }))
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
        assert!(mean < MAX_MEAN_DIFF, "{name} page {page}: mean difference {mean:.2} from the reference (max {MAX_MEAN_DIFF})");
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
    let rows: Vec<Vec<&str>> = fonts.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
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
    assert_has(&text, "bien-ban-hop", &[
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
    ]);
    // A Biên bản has no place-date line.
    assert!(!text.contains("Ia Đal, ngày"), "{text}");

    // The register: the next one takes 02; another year starts again at 01; the audit log names it.
    let again = fill::print(&mut s, &request("bien-ban-hop", Some(m), d(2025, 12, 1))).expect("print");
    assert_eq!(again.issued.unwrap().number_text(), "02/BB-CAX");
    let next_year = fill::print(&mut s, &request("bien-ban-hop", Some(m), d(2026, 1, 2))).expect("print");
    assert_eq!(next_year.issued.unwrap().number_text(), "01/BB-CAX");
    let register = s.issued_documents(10).expect("register");
    assert_eq!(register.len(), 3);
    assert!(register.iter().all(|r| r.form == "bien-ban-hop" && r.record_id == Some(m) && r.issued_by == "Nguyễn Văn An"));
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
    assert_has(&text, "bien-ban-hop-trang", &[
        "Số: ……/BB-CAX",
        "BIÊN BẢN",
        "Thời gian bắt đầu: …… giờ …… phút, ngày …… tháng …… năm …….",
        "Địa điểm: .....",
        "Thành phần tham dự: .....",
        "Chủ trì (chủ tọa): .....",
        "Cuộc họp kết thúc vào …… giờ …… phút, ngày …… tháng …… năm ……./.",
        "(Ký, ghi rõ họ tên)",
    ]);
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
    let bad = add(&mut s, Kind::Meeting, json!({
        "title": "Họp ☃", "kind": "hoi_nghi", "starts_at": "2025-11-05T08:00", "place": "Hội trường",
        "chair": "Nguyễn Văn An", "secretary": "Trần Thị Bình"
    }));
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
    format!("untrusted comment: minisign public key 4F1A2B3C4D5E6F70\n{}\n", base64::engine::general_purpose::STANDARD.encode(raw))
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
    };
    let agency = forms::Agency::police("Gia Lai", "Xã Ia Đal");
    let doc = fixed.document(&agency, &forms::Issue { number: None, date: Some(d(2026, 1, 5)) });
    let (text, pages) = check(&phongtrao::print::render(&doc).expect("render"), "dang-ky-khoa");
    assert_eq!(pages, 1);
    let fp: Vec<&str> = key.fingerprint.lines().collect();
    assert_has(&text, "dang-ky-khoa", &[
        "CÔNG AN XÃ IA ĐAL",
        "Ia Đal, ngày 05 tháng 01 năm 2026",
        "PHIẾU ĐĂNG KÝ",
        "Kính gửi: Công an tỉnh Gia Lai.",
        "Đơn vị: Công an xã Ia Đal",
        "Mã đơn vị hành chính: 24610",
        "Mã bản cài đặt: 0192f1a0-7c3e-7d4a-9b1c-2e3f4a5b6c7d",
        "Mã khóa (key id): 4F1A2B3C4D5E6F70",
        fp[0],
        fp[1],
        &key.public_key,
        "(Ký tên, đóng dấu)",
        "Phần xác nhận của Công an tỉnh:",
    ]);
    let filled = squash(&{
        let (_d, p) = save(&printed.pdf, "k.pdf");
        page_text(&p, 1)
    });
    assert!(filled.contains(&s.commune().unwrap().installation_id.to_string()), "{filled}");

    let mut blank = request("dang-ky-khoa", None, d(2026, 1, 5));
    blank.blank = true;
    let (text, _) = check(&fill::print(&mut s, &blank).expect("blank").pdf, "dang-ky-khoa-trang");
    assert_has(&text, "dang-ky-khoa-trang", &["Ia Đal, ngày …… tháng …… năm 20……", "Mã khóa (key id): .....", "Dấu vân tay SHA-256 của khóa: ....."]);
    let e = fill::print(&mut s, &request("dang-ky-khoa", None, d(2026, 1, 5))).unwrap_err();
    assert!(e.to_string().contains("--key-file"), "{e}");
}

// ---- the command line ----------------------------------------------------------------------------

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_phongtrao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PHONGTRAO_DB")
        .env_remove("PHONGTRAO_USER")
        .env("PHONGTRAO_PASSWORD", "mat-khau-dung")
        .output()
        .expect("run phongtrao")
}

fn cli_ok(db: &Path, args: &[&str]) -> String {
    let o = cli(db, args);
    assert!(o.status.success(), "phongtrao {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8")
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

    cli_ok(&db, &[
        "init", "--province-code", "64", "--province", "Gia Lai", "--commune-code", "24610",
        "--commune", "Xã Ia Đal", "--officer", "Nguyễn Văn An",
    ]);
    let m = cli_ok(&db, &["add", "meeting", "--json", r#"{"title": "Sơ kết 6 tháng đầu năm 2026", "kind": "so_ket", "starts_at": "2026-07-05T08:00", "place": "Hội trường Ủy ban nhân dân xã", "chair": "Rơ Châm Tuyên", "secretary": "Trần Thị Bình"}"#]);
    let id = m.lines().last().unwrap().split_whitespace().last().unwrap().to_owned();
    let out = dir.path().join("bien ban.pdf");
    let said = cli_ok(&db, &["print", "bien-ban-hop", "--id", &id, "--date", "06/07/2026", "-o", arg(&out)]);
    assert!(said.starts_with("Đã in Biên bản họp (Mẫu 1.9), kể cả biên bản bình xét số 01/BB-CAX ra "), "{said}");
    let text = squash(&page_text(&out, 1));
    assert!(text.contains("Số: 01/BB-CAX") && text.contains("Sơ kết 6 tháng đầu năm 2026"), "{text}");
    cli_ok(&db, &["print", "bien-ban-hop", "--id", &id, "--date", "07/07/2026", "-o", arg(&out)]);
    assert!(squash(&page_text(&out, 1)).contains("Số: 02/BB-CAX"));

    // A file that cannot be written: the error names it, and the number stays taken.
    let nowhere = dir.path().join("khong-co-thu-muc").join("x.pdf");
    let o = cli(&db, &["print", "bien-ban-hop", "--id", &id, "-o", arg(&nowhere)]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("Không đọc/ghi được tệp"), "{}", String::from_utf8_lossy(&o.stderr));
    let register = cli_ok(&db, &["print", "--issued"]);
    assert_eq!(register.lines().count(), 3, "{register}");
    assert!(register.lines().nth(1).unwrap().starts_with("02/BB-CAX\t"), "{register}");

    let blank = dir.path().join("trang.pdf");
    let said = cli_ok(&db, &["print", "bien-ban-hop", "--blank", "-o", arg(&blank)]);
    assert!(said.starts_with("Đã in Biên bản họp"), "{said}");
    assert!(squash(&page_text(&blank, 1)).contains("Số: ……/BB-CAX"));
    assert_eq!(cli_ok(&db, &["print", "--issued"]).lines().count(), 3, "a blank takes no number");

    let o = cli(&db, &["print", "khong-co", "-o", arg(&blank)]);
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim(), "Lỗi: Không có mẫu in «khong-co». Xem các mẫu: phongtrao print --list");
    let o = cli(&db, &["print", "bien-ban-hop", "--id", &id]);
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("Lỗi: thiếu"), "{}", String::from_utf8_lossy(&o.stderr));
}

//! The certification dossier printed from its records (`print::fill_cert`): each form filled from a
//! store whose certifications went through their steps with fixed data and dates, checked with
//! poppler-utils and qpdf and compared with reviewed references (`tests/it/print_ref/ho-so-*`);
//! the numbers recorded at the steps and the register; `phongtrao cert dossier` on the demo commune.

use std::path::Path;

use chrono::NaiveDate;
use phongtrao::print::fill::{self, PrintRequest};
use phongtrao::print::fill_cert;
use phongtrao::store::DocTarget;
use phongtrao::{Doc, Kind, Store};
use serde_json::{Value, json};
use uuid::Uuid;

use super::forms::{check, store};
use super::print::{arg, page_count, page_text, squash};

const Y: i32 = 2025;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn doc(v: Value) -> Doc {
    let Value::Object(d) = v else { panic!("object") };
    d
}

fn add(s: &mut Store, kind: Kind, v: Value) -> Uuid {
    s.create(kind, &doc(v)).expect("create").id
}

fn assert_has(text: &str, name: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{name}: missing «{e}» in:\n{text}");
    }
}

/// The self-assessment: every criterion of the unit's kind, `failing` (0-based) not met.
fn assessment(s: &Store, id: Uuid, failing: Option<usize>, score: i64) -> Doc {
    let v = s.cert_view(Some(id), Y).expect("view");
    let criteria: Vec<Value> = v
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let met = failing != Some(i);
            json!({"code": c.code, "met": met, "note": if met { "Đạt yêu cầu" } else { "Xảy ra vụ việc phức tạp" },
                   "evidence": "Báo cáo của chi bộ"})
        })
        .collect();
    doc(json!({"criteria": criteria, "self_score": score, "assessed_on": "01/11/2025"}))
}

fn meeting(chair: &str, votes: (i64, i64, i64)) -> Value {
    json!({"starts_at": "05/11/2025 19:00", "ends_at": "05/11/2025 21:00", "place": "Nhà văn hóa thôn", "chair": chair,
           "secretary": "Nay H’Blơi", "attendees": ["Bí thư chi bộ", "Trưởng ban công tác Mặt trận", "Công an phụ trách địa bàn"],
           "attendee_count": votes.0 + votes.1 + votes.2, "votes_for": votes.0, "votes_against": votes.1, "votes_abstain": votes.2,
           "agenda": "Đối chiếu từng tiêu chí theo Thông tư số 124/2021/TT-BCA; biểu quyết đề nghị công nhận."})
}

struct Commune {
    s: Store,
    /// Thôn Đắk Năng: recognised.
    area: Uuid,
    /// Làng Plei Ngol: the vote failed, not recognised.
    failed: Uuid,
    /// The school: recognised.
    school: Uuid,
    /// Thôn Ia Lang: registered only.
    registered: Uuid,
    /// Buôn Chư Knông: not registered.
    none: Uuid,
}

/// A commune whose certifications for 2025 went through their steps with fixed dates.
fn commune() -> Commune {
    let mut s = store();
    s.set_actor("Nguyễn Văn An");
    let area = add(
        &mut s,
        Kind::Area,
        json!({"name": "Thôn Đắk Năng", "kind": "thon", "households": 230, "population": 1012, "head": "Rơ Mah Hlim"}),
    );
    let failed = add(
        &mut s,
        Kind::Area,
        json!({"name": "Làng Plei Ngol", "kind": "lang", "households": 180, "population": 800, "head": "Siu Đen"}),
    );
    let registered =
        add(&mut s, Kind::Area, json!({"name": "Thôn Ia Lang", "kind": "thon", "households": 150, "population": 600}));
    let none =
        add(&mut s, Kind::Area, json!({"name": "Buôn Chư Knông", "kind": "buon", "households": 90, "population": 400}));
    let school = add(
        &mut s,
        Kind::Unit,
        json!({"name": "Trường Trung học cơ sở Ia Đal", "kind": "co_so_giao_duc", "category": "thcs",
                                                 "head": "Trần Thị Lan", "staff_count": 42}),
    );
    s.cert_advance(
        None,
        Y,
        &doc(json!({"registered_on": "10/02/2025", "resolution_number": "07-NQ/ĐU", "resolution_date": "20/01/2025",
                                         "plan_number": "25/KH-UBND", "plan_date": "05/02/2025"})),
    )
    .expect("commune");
    s.cert_settings(Y, &doc(json!({"officer_disciplined": false}))).expect("settings");
    let reg = |hh: i64| {
        doc(json!({"registered_on": "15/01/2025", "resolution_number": "05-NQ/CB", "resolution_date": "10/01/2025",
                                  "households": hh, "households_registered": hh, "households_committed": hh - 5}))
    };
    s.cert_advance(Some(area), Y, &reg(230)).expect("register");
    s.cert_advance(Some(failed), Y, &reg(180)).expect("register");
    s.cert_advance(Some(registered), Y, &reg(150)).expect("register");
    s.cert_advance(
        Some(school),
        Y,
        &doc(json!({"registered_on": "20/02/2025", "plan_number": "03/KH-THCS", "plan_date": "18/02/2025",
                                                 "staff": 42, "staff_briefed": 42})),
    )
    .expect("register");
    let a = assessment(&s, area, None, 92);
    s.cert_advance(Some(area), Y, &a).expect("assess");
    let a = assessment(&s, failed, Some(2), 64);
    s.cert_advance(Some(failed), Y, &a).expect("assess");
    let a = assessment(&s, school, None, 95);
    s.cert_advance(Some(school), Y, &a).expect("assess");
    s.cert_advance(Some(area), Y, &doc(json!({"meeting": meeting("Rơ Mah Hlim", (45, 2, 0))}))).expect("review");
    s.cert_advance(Some(failed), Y, &doc(json!({"meeting": meeting("Siu Đen", (10, 25, 3))}))).expect("review");
    s.cert_advance(Some(school), Y, &doc(json!({"meeting": meeting("Trần Thị Lan", (38, 0, 2))}))).expect("review");
    for (id, recommend) in [(area, true), (failed, false), (school, true)] {
        s.cert_advance(
            Some(id),
            Y,
            &doc(json!({"number": "12/TTr-CAX", "date": "21/11/2025", "recommend": recommend})),
        )
        .expect("propose");
    }
    for (id, cert) in [(area, Some("001/GCN-UBND")), (failed, None), (school, Some("002/GCN-UBND"))] {
        let mut dec = json!({"result": if cert.is_some() { "dat" } else { "chua_dat" }, "number": "150/QĐ-UBND", "date": "05/12/2025"});
        if let Some(c) = cert {
            dec["certificate_number"] = json!(c);
        }
        s.cert_advance(Some(id), Y, &doc(dec)).expect("decide");
    }
    Commune { s, area, failed, school, registered, none }
}

fn req(form: &str, id: Option<Uuid>) -> PrintRequest {
    PrintRequest { form: form.into(), id, year: Some(Y), date: d(2025, 12, 10), ..PrintRequest::default() }
}

#[test]
fn a_units_documents_are_filled_from_its_record() {
    let Commune { mut s, area, school, .. } = commune();

    let p = fill::print(&mut s, &req("dang-ky-phan-dau", Some(area))).expect("pledge");
    assert!(p.issued.is_none(), "the unit's own documents take no police number");
    let (text, pages) = check(&p.pdf, "ho-so-dang-ky-phan-dau");
    // The criteria in the Thông tư's own words fill two pages before the household list.
    assert_eq!(pages, 3, "the pledge, then the household list");
    assert_has(
        &text,
        "dang-ky-phan-dau",
        &[
            "ỦY BAN NHÂN DÂN",
            "XÃ IA ĐAL",
            "THÔN ĐẮK NĂNG",
            "Ia Đal, ngày 15 tháng 01 năm 2025",
            "BẢN ĐĂNG KÝ",
            "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025",
            "Kính gửi: Ủy ban nhân dân xã Ia Đal.",
            "Thôn Đắk Năng đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025",
            "1. Quý I hằng năm, chi bộ có nghị quyết, khu dân cư có đăng ký phấn đấu",
            "g) Kích động, xúi giục, cưỡng ép, dụ dỗ, mua chuộc, lôi kéo người khác tập trung đông người khiếu nại",
            "5. Lực lượng tham gia bảo đảm an ninh, trật tự ở cơ sở được đánh giá hoàn thành nhiệm vụ trở lên",
            "Tình hình đăng ký:",
            "- Nghị quyết của chi bộ: số 05-NQ/CB ngày 10/01/2025;",
            "- Tổng số hộ gia đình: 230;",
            "- Số hộ gia đình đăng ký thực hiện: 230 (100%);",
            "- Số hộ gia đình ký cam kết: 225 (97,8%).",
            "TRƯỞNG THÔN",
            "Rơ Mah Hlim",
            "DANH SÁCH HỘ GIA ĐÌNH KÝ CAM KẾT",
            "bảo vệ an ninh Tổ quốc năm 2025 Thôn Đắk Năng (225 hộ)",
        ],
    );

    let p = fill::print(&mut s, &req("dang-ky-phan-dau", Some(school))).expect("school pledge");
    let (_d, path) = super::print::save(&p.pdf, "t.pdf");
    // The six criteria of Điều 7 in the Thông tư's words run onto a second page.
    let text = squash(&format!("{} {}", page_text(&path, 1), page_text(&path, 2)));
    assert_has(
        &text,
        "school pledge",
        &[
            "TRƯỜNG TRUNG HỌC CƠ SỞ IA ĐAL",
            "Ia Đal, ngày 20 tháng 02 năm 2025",
            "6. 70% trở lên số đầu mối trực thuộc (khoa, phòng, ban, tổ chuyên môn)",
            "- Kế hoạch thực hiện: số 03/KH-THCS ngày 18/02/2025;",
            "- Tổng số cán bộ, nhân viên: 42;",
            "- Số cán bộ, nhân viên được quán triệt: 42 (100%).",
            "HIỆU TRƯỞNG",
            "Trần Thị Lan",
        ],
    );

    let p = fill::print(&mut s, &req("tu-cham-diem", Some(area))).expect("score sheet");
    let (text, _) = check(&p.pdf, "ho-so-tu-cham-diem");
    assert_has(
        &text,
        "tu-cham-diem",
        &[
            "THÔN ĐẮK NĂNG",
            "Ia Đal, ngày 01 tháng 11 năm 2025",
            "BẢNG TỰ CHẤM ĐIỂM",
            "năm 2025",
            "Thôn Đắk Năng",
            "Kỳ đánh giá: từ ngày 01/11/2024 đến ngày 31/10/2025.",
            "Đạt yêu cầu. Minh",
            "Tổng hợp: đạt 5/5 tiêu chí; điểm tự chấm: 92 điểm. Tự đánh giá: đạt tiêu chuẩn./.",
            "TRƯỞNG THÔN",
        ],
    );

    let p = fill::print(&mut s, &req("bien-ban-binh-xet", Some(area))).expect("minutes");
    let (text, _) = check(&p.pdf, "ho-so-bien-ban-binh-xet");
    assert_has(
        &text,
        "bien-ban-binh-xet",
        &[
            "THÔN ĐẮK NĂNG",
            "BIÊN BẢN",
            "Bình xét \"An toàn về an ninh, trật tự\" năm 2025 – Thôn Đắk Năng",
            "Thời gian bắt đầu: 19 giờ 00 phút, ngày 05 tháng 11 năm 2025.",
            "Địa điểm: Nhà văn hóa thôn",
            "(tổng số 47 người)",
            "Chủ trì (chủ tọa): Rơ Mah Hlim",
            "Kết quả đối chiếu tiêu chí:",
            "Kết quả biểu quyết: 45/47 phiếu tán thành (95,7%); 2 phiếu không tán thành; 0 phiếu không biểu quyết.",
            "Tỷ lệ tán thành cần đạt theo quy định của địa phương (Thông tư số 124/2021/TT-BCA không quy định tỷ lệ này): trên 50% số phiếu.",
            "Kết luận: Thôn Đắk Năng đủ điều kiện; hội nghị thống nhất đề nghị Ủy ban nhân dân xã Ia Đal công nhận Thôn Đắk Năng",
            "Cuộc họp kết thúc vào 21 giờ 00 phút, ngày 05 tháng 11 năm 2025./.",
            "THƯ KÝ",
            "CHỦ TỌA",
            "Nay H’Blơi",
            "- Công an xã Ia Đal (để tổng hợp);",
        ],
    );
    // Only the column header (repeated on each page of the table): every criterion met.
    assert_eq!(
        text.matches("Chưa đạt").count(),
        text.matches("(Đạt/Chưa đạt)").count(),
        "only the column header: every criterion met: {text}"
    );

    let p = fill::print(&mut s, &req("giay-cong-nhan", Some(area))).expect("certificate");
    assert!(p.issued.is_none(), "the UBND numbers its certificates");
    let (text, pages) = check(&p.pdf, "ho-so-giay-cong-nhan");
    assert_eq!(pages, 1);
    assert_has(
        &text,
        "giay-cong-nhan",
        &[
            "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ IA ĐAL",
            "CÔNG NHẬN",
            "Thôn Đắk Năng",
            "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025",
            "(Kèm theo Quyết định số 150/QĐ-UBND ngày 05 tháng 12 năm 2025 của Chủ tịch Ủy ban nhân dân xã Ia Đal)",
            "Ia Đal, ngày 05 tháng 12 năm 2025",
            "Số vào sổ: 001/GCN-UBND",
        ],
    );
    assert!(s.issued_documents(10).unwrap().is_empty(), "nothing numbered so far");
}

#[test]
fn the_failed_vote_and_the_commune_documents() {
    let Commune { mut s, area, failed, school, registered, .. } = commune();

    // The failed bình xét: its criterion and the vote read "Chưa đạt".
    let p = fill::print(&mut s, &req("bien-ban-binh-xet", Some(failed))).expect("minutes");
    let (_d, path) = super::print::save(&p.pdf, "f.pdf");
    let text: String = squash(&(1..=page_count(&path)).map(|n| page_text(&path, n)).collect::<String>());
    assert_has(
        &text,
        "failed minutes",
        &[
            "LÀNG PLEI NGOL",
            "Chưa đạt",
            "Kết quả biểu quyết: 10/38 phiếu tán thành (26,3%); 25 phiếu không tán thành; 3 phiếu không biểu quyết.",
            "Kết luận: tỷ lệ tán thành chưa đạt quy định; Làng Plei Ngol chưa đủ điều kiện đề nghị công nhận",
            "CHỦ TỌA",
            "Siu Đen",
        ],
    );
    let e = fill::print(&mut s, &req("giay-cong-nhan", Some(failed))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Làng Plei Ngol chưa có quyết định công nhận đạt năm 2025 (hồ sơ đang ở bước «Đã có quyết định»)."
    );

    // Tờ trình: the number recorded at the proposal step, entered once in the register.
    let p = fill::print(&mut s, &req("to-trinh", None)).expect("submission");
    assert_eq!(p.issued.as_ref().map(|i| i.number_text()).as_deref(), Some("12/TTr-CAX"));
    let (text, _) = check(&p.pdf, "ho-so-to-trinh");
    assert_has(
        &text,
        "to-trinh",
        &[
            "CÔNG AN TỈNH GIA LAI",
            "CÔNG AN XÃ IA ĐAL",
            "Số: 12/TTr-CAX",
            "Ia Đal, ngày 21 tháng 11 năm 2025",
            "TỜ TRÌNH",
            "Kính gửi: Chủ tịch Ủy ban nhân dân xã Ia Đal.",
            "Năm 2025, trên địa bàn có 4 khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục đăng ký; qua bình xét, có 2 đơn vị",
            "1 Thôn Đắk Năng Khu dân cư 45/47 (95,7%)",
            "2 Trường Trung học cơ sở Ia Đal Cơ sở giáo dục 38/40 (95%)",
            "Các đơn vị chưa đủ điều kiện đề nghị công nhận: Làng Plei Ngol: 10/38 phiếu tán thành (26,3%).",
            "TRƯỞNG CÔNG AN XÃ",
            "Nguyễn Văn An",
        ],
    );
    let again = fill::print(&mut s, &req("to-trinh", Some(school))).expect("reprint");
    assert_eq!(again.issued.as_ref().map(|i| i.id), p.issued.as_ref().map(|i| i.id), "a reprint keeps its entry");
    assert_eq!(s.issued_documents(10).unwrap().len(), 1);
    let target = DocTarget { form: "to-trinh", series: "TTr-CAX", date: d(2025, 12, 1), record: None, period: None };
    let next = s.issue_document(&target, |_| Ok(())).unwrap().0;
    assert_eq!(next.number, 13, "the register never gives 12 again");
    let e = fill::print(&mut s, &req("to-trinh", Some(registered))).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("Đơn vị có mã {registered} không có trong tờ trình đề nghị công nhận nào năm 2025.")
    );

    // Quyết định: the UBND's number and date from the record; only the recognised units.
    let p = fill::print(&mut s, &req("quyet-dinh-cong-nhan", Some(area))).expect("decision");
    assert!(p.issued.is_none());
    let (text, _) = check(&p.pdf, "ho-so-quyet-dinh-cong-nhan");
    assert_has(
        &text,
        "quyet-dinh-cong-nhan",
        &[
            "ỦY BAN NHÂN DÂN",
            "Số: 150/QĐ-UBND",
            "Ia Đal, ngày 05 tháng 12 năm 2025",
            "QUYẾT ĐỊNH",
            "Theo đề nghị của Trưởng Công an xã Ia Đal tại Tờ trình số 12/TTr-CAX ngày 21 tháng 11 năm 2025.",
            "Công nhận 02 khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục",
            "1. Thôn Đắk Năng;",
            "2. Trường Trung học cơ sở Ia Đal.",
        ],
    );
    assert!(!text.contains("Plei Ngol"), "{text}");

    // Báo cáo kết quả of the certification: numbered from the register, every unit, the commune's result.
    let p = fill::print(&mut s, &req("bao-cao-ket-qua-cong-nhan", None)).expect("report");
    assert_eq!(p.issued.as_ref().map(|i| i.number_text()).as_deref(), Some("01/BC-CAX"));
    let (text, _) = check(&p.pdf, "ho-so-bao-cao-ket-qua-cong-nhan");
    assert_has(
        &text,
        "bao-cao-ket-qua-cong-nhan",
        &[
            "Số: 01/BC-CAX",
            "Ia Đal, ngày 10 tháng 12 năm 2025",
            "BÁO CÁO",
            "Kết quả xây dựng, xét công nhận khu dân cư, xã",
            "I. KẾT QUẢ ĐĂNG KÝ VÀ CÔNG NHẬN THEO LOẠI ĐƠN VỊ",
            "1 Khu dân cư 4 3 0 1 1",
            "3 Cơ sở giáo dục 1 1 0 1 0",
            "Cộng 5 4 0 2 1",
            "Tỷ lệ được công nhận: 2/5 đơn vị thuộc diện xét (40%).",
            "II. KẾT QUẢ CỦA TỪNG ĐƠN VỊ",
            "1 Buôn Chư Knông Khu dân cư Chưa đăng ký",
            "2 Làng Plei Ngol Khu dân cư 4/5 10/38 Chưa đạt (26,3%) (150/QĐ-UBND)",
            "3 Thôn Đắk Năng Khu dân cư 5/5 45/47 Được công nhận (95,7%) (150/QĐ-UBND)",
            "4 Thôn Ia Lang Khu dân cư Đã đăng ký",
            "Nghị quyết số 07-NQ/ĐU",
            "Chưa đạt",
            "III. KẾT QUẢ TỰ ĐÁNH GIÁ CỦA XÃ IA ĐAL",
            "Tự đánh giá: xã Ia Đal chưa đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025.",
            "- Công an tỉnh Gia Lai (để báo cáo);",
        ],
    );

    // The movement's yearly report is another form, still there under its own name.
    let p = fill::print(&mut s, &req("bao-cao-ket-qua", None)).expect("movement report");
    assert_eq!(p.issued.unwrap().number_text(), "02/BC-CAX");
}

#[test]
fn a_dossier_prints_what_its_step_reached_and_refuses_the_rest() {
    let Commune { mut s, area, registered, none, .. } = commune();
    let date = d(2025, 12, 10);
    let full = fill_cert::dossier(&mut s, Some(area), Y, date).expect("dossier");
    let files: Vec<&str> = full.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "01-dang-ky-phan-dau.pdf",
            "02-tu-cham-diem.pdf",
            "03-bien-ban-binh-xet.pdf",
            "04-to-trinh.pdf",
            "05-quyet-dinh-cong-nhan.pdf",
            "06-giay-cong-nhan.pdf",
        ]
    );
    assert!(full.missing.is_empty(), "{:?}", full.missing);

    let part = fill_cert::dossier(&mut s, Some(registered), Y, date).expect("registered only");
    assert_eq!(part.files.len(), 1);
    assert_eq!(part.missing[0], "Bảng tự chấm điểm: chưa có, hồ sơ đang ở bước «Đã đăng ký».");
    assert_eq!(part.missing.len(), 5);
    let e = fill::print(&mut s, &req("tu-cham-diem", Some(registered))).unwrap_err();
    assert_eq!(e.to_string(), "Thôn Ia Lang chưa có bảng tự chấm điểm năm 2025 (hồ sơ đang ở bước «Đã đăng ký»).");

    let e = fill_cert::dossier(&mut s, Some(none), Y, date).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Buôn Chư Knông chưa đăng ký phấn đấu “An toàn về an ninh, trật tự” năm 2025: hồ sơ chưa có văn bản nào để in."
    );

    let xa = fill_cert::dossier(&mut s, None, Y, date).expect("commune");
    let files: Vec<&str> = xa.files.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(files, ["01-bao-cao-ket-qua-cong-nhan.pdf", "02-to-trinh.pdf", "03-quyet-dinh-cong-nhan.pdf"]);
}

#[test]
fn a_recorded_number_the_register_gave_to_another_document_is_refused() {
    let Commune { mut s, .. } = commune();
    let target = DocTarget { form: "bien-ban-hop", series: "TTr-CAX", date: d(2025, 6, 1), record: None, period: None };
    s.register_document(&target, 12, |_| Ok(())).expect("another document takes 12");
    let e = fill::print(&mut s, &req("to-trinh", None)).unwrap_err();
    assert!(e.to_string().starts_with("Số 12/TTr-CAX năm 2025 đã cấp cho văn bản khác (mẫu «bien-ban-hop»"), "{e}");
    assert_eq!(s.issued_documents(10).unwrap().len(), 1);
}

// ---- the command line on the demo commune -------------------------------------------------------

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    crate::forms::cli_as(db, phongtrao::demo::DEMO_PASSWORD, args)
}

fn cli_ok(db: &Path, args: &[&str]) -> String {
    crate::forms::cli_ok_as(db, phongtrao::demo::DEMO_PASSWORD, args)
}

#[test]
fn cli_prints_the_demo_communes_dossier() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    cli_ok(&db, &["demo"]);
    let year = chrono::Datelike::year(&chrono::Local::now().date_naive()).to_string();
    let rows: Vec<Value> =
        serde_json::from_str(&cli_ok(&db, &["cert", "list", "--year", &year, "--json"])).expect("json");
    let decided = rows
        .iter()
        .find(|r| r["step"] == "quyet_dinh" && r["recognised"] == true && r["subject"] == "khu_dan_cu")
        .expect("a recognised area in the demo");
    let id = decided["subject_id"].as_str().unwrap();
    let name = decided["name"].as_str().unwrap();
    let out = dir.path().join("ho so");
    let said = cli_ok(&db, &["cert", "dossier", id, "--year", &year, "--out", arg(&out)]);
    assert!(
        said.starts_with(&format!(
            "Hồ sơ công nhận “An toàn về an ninh, trật tự” năm {year} – {name} (đã có quyết định):"
        )),
        "{said}"
    );
    for (file, title) in [
        ("01-dang-ky-phan-dau.pdf", "Bản đăng ký phấn đấu"),
        ("02-tu-cham-diem.pdf", "Bảng tự chấm điểm"),
        ("03-bien-ban-binh-xet.pdf", "Biên bản họp bình xét"),
        ("04-to-trinh.pdf", "Tờ trình đề nghị công nhận"),
        ("05-quyet-dinh-cong-nhan.pdf", "Quyết định công nhận"),
        ("06-giay-cong-nhan.pdf", "Giấy công nhận"),
    ] {
        let path = out.join(file);
        assert!(said.contains(&format!("{}\t{title}", path.display())), "{file}: {said}");
        let text = squash(&(1..=page_count(&path)).map(|n| page_text(&path, n)).collect::<String>());
        assert!(text.contains(name) || text.contains(&name.to_uppercase()), "{file} names {name}: {text}");
    }
    assert!(!said.contains("Chưa in"), "{said}");
    let files = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(files, 6, "no temporary files left");

    // A unit whose step has not reached the end: what is missing is named, in Vietnamese.
    if let Some(r) = rows.iter().find(|r| r["step"] == "dang_ky" && r["subject_id"].is_string()) {
        let said = cli_ok(
            &db,
            &[
                "cert",
                "dossier",
                r["subject_id"].as_str().unwrap(),
                "--year",
                &year,
                "--out",
                arg(&dir.path().join("dk")),
            ],
        );
        assert!(said.contains("Chưa in: Bảng tự chấm điểm: chưa có, hồ sơ đang ở bước «Đã đăng ký»."), "{said}");
    }
    let unregistered = rows
        .iter()
        .find(|r| r["step"] == "chua_dang_ky" && r["excluded"] == false && r["subject_id"].is_string())
        .expect("an unregistered unit");
    let o = cli(
        &db,
        &[
            "cert",
            "dossier",
            unregistered["subject_id"].as_str().unwrap(),
            "--year",
            &year,
            "--out",
            arg(&dir.path().join("x")),
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("Lỗi: ") && err.contains("chưa đăng ký phấn đấu"), "{err}");

    // The commune's documents.
    let xa = dir.path().join("xa");
    let said = cli_ok(&db, &["cert", "dossier", "xa", "--year", &year, "--out", arg(&xa), "--date", "01/12/2026"]);
    assert!(said.contains("01-bao-cao-ket-qua-cong-nhan.pdf\tBáo cáo kết quả xây dựng, xét công nhận"), "{said}");
    assert!(said.contains("to-trinh") && said.contains("quyet-dinh-cong-nhan"), "{said}");
    let report = squash(&page_text(&xa.join("01-bao-cao-ket-qua-cong-nhan.pdf"), 1));
    assert!(report.contains("BÁO CÁO") && report.contains(&format!("năm {year}")), "{report}");

    // print FORM --id/--year works on the same records.
    let pdf = dir.path().join("gcn.pdf");
    cli_ok(&db, &["print", "giay-cong-nhan", "--id", id, "--year", &year, "-o", arg(&pdf)]);
    assert!(squash(&page_text(&pdf, 1)).contains(name));
}

/// The window's "In hồ sơ" offers the documents `cert dossier` would print, one by one.
#[test]
fn the_window_offers_the_forms_the_dossier_prints() {
    let Commune { mut s, area, failed, registered, none, .. } = commune();
    let names = |s: &Store, id| {
        phongtrao::print::save::cert_forms(s, id, Y).unwrap().iter().map(|f| f.name).collect::<Vec<_>>()
    };
    let date = d(2025, 12, 10);
    for unit in [area, failed, registered] {
        let dossier: Vec<String> = fill_cert::dossier(&mut s, Some(unit), Y, date)
            .unwrap()
            .files
            .iter()
            .map(|f| f.printed.form.name.to_owned())
            .collect();
        assert_eq!(names(&s, Some(unit)), dossier, "{unit}");
    }
    assert_eq!(names(&s, Some(failed)).len(), 4, "not recognised: no decision, no certificate");
    assert!(names(&s, Some(none)).is_empty(), "not registered: nothing yet");
    assert_eq!(names(&s, None), ["bao-cao-ket-qua-cong-nhan"]);
}

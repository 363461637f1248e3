//! Inspections and remediation: an inspection with its tasks (all or nothing), answers and verdicts,
//! the task states on given days, the guards of a closed task and a judged answer, the dashboard's
//! counts and alert, the printed documents, and the whole flow through the command line.

use chrono::{NaiveDate, TimeZone};
use phongtrao::domain::inspection::{TaskStatus, Verdict};
use phongtrao::keyring::KdfParams;
use phongtrao::print::fill::{self, PrintRequest};
use phongtrao::province::inspections;
use phongtrao::sync::commune::{self, Imported};
use phongtrao::sync::province::Province;
use phongtrao::{Kind, Store};
use serde_json::{Value, json};
use uuid::Uuid;

fn doc(v: Value) -> phongtrao::domain::Doc {
    let Value::Object(d) = v else { panic!("object") };
    d
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// Fixes the store's day (Vietnam's morning).
fn on(s: &mut Store, day: NaiveDate) {
    let t = chrono::Local.from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap()).unwrap();
    s.set_clock(Some(t.with_timezone(&chrono::Utc)));
}

fn inspection_json(area: Uuid) -> Value {
    json!({
        "by": "xa",
        "area_id": area.to_string(),
        "starts_on": "10/03/2026",
        "ends_on": "11/03/2026",
        "decision_number": "15/QĐ-CAX",
        "decision_date": "05/03/2026",
        "leader": "Lê Văn Hùng",
        "team": ["Trần Thị Bình", "Nguyễn Văn Cường"],
        "place": "Nhà văn hóa Thôn Đắk Năng",
        "scope": "Việc xây dựng, duy trì mô hình tự quản và hoạt động của Tổ bảo vệ an ninh, trật tự.\nViệc ghi chép sổ sách theo dõi phong trào.",
        "representative": "Rơ Mah Hlim",
        "strengths": "Cấp ủy, chi bộ quan tâm lãnh đạo phong trào\nTổ bảo vệ an ninh, trật tự tuần tra đều đặn",
        "shortcomings": "Sổ theo dõi tin báo ghi chép chưa đầy đủ\nChưa sơ kết mô hình \"Camera an ninh\" quý IV",
        "conclusion": "Thôn Đắk Năng cơ bản thực hiện tốt phong trào; cần khắc phục ngay các hạn chế nêu trên.",
        "tasks": [
            {"content": "Bổ sung đầy đủ sổ theo dõi tin báo, tố giác từ tháng 10/2025", "responsible": "Trưởng thôn Rơ Mah Hlim", "deadline": "31/03/2026"},
            {"content": "Tổ chức sơ kết mô hình \"Camera an ninh\", có biên bản", "responsible": "Tổ bảo vệ an ninh, trật tự Thôn Đắk Năng", "deadline": "15/04/2026"}
        ]
    })
}

/// A store with an area, an activity to give as evidence, and an inspection of the area with two tasks.
fn setup() -> (Store, Uuid, Uuid, Vec<Uuid>) {
    let mut s = super::forms::store();
    on(&mut s, d(2026, 3, 12));
    let area = super::forms::area(&mut s);
    let act = s
        .create(
            Kind::Activity,
            &doc(json!({"category": "tuyen_truyen", "date": "2026-03-11", "title": "Họp dân bổ sung sổ tin báo", "area_id": area.to_string(), "attendances": 40, "form": "hop_dan", "topic": "Sổ theo dõi tin báo, tố giác"})),
        )
        .expect("activity")
        .id;
    let saved = s.add_inspection(&doc(inspection_json(area))).expect("inspection");
    let tasks: Vec<Uuid> = s.remedies(s.today()).unwrap().iter().map(|r| r.task.id).collect();
    (s, saved.id, act, tasks)
}

#[test]
fn an_inspection_its_tasks_answers_and_verdicts() {
    let (mut s, id, act, tasks) = setup();
    let file = s.inspection_file(id, s.today()).unwrap();
    assert_eq!(file.inspection.title, "Công an xã kiểm tra Thôn Đắk Năng – 10/03/2026");
    assert_eq!(file.subject, "Thôn Đắk Năng");
    assert_eq!(file.tasks.len(), 2);
    assert!(file.tasks.iter().all(|t| t.state.status == TaskStatus::Open && !t.state.waiting));
    let first = tasks[0];
    assert_eq!(s.get(Kind::Remedy, first).unwrap().data["deadline"], "2026-03-31");

    // An answer with an activity as evidence waits for the reviewer.
    on(&mut s, d(2026, 3, 21));
    let answer = s
        .answer_remedy(
            first,
            &doc(json!({"date": "21/03/2026", "content": "Đã bổ sung sổ, họp dân thông báo", "activity_ids": [act.to_string()]})),
        )
        .expect("answer")
        .id;
    let row = |s: &Store, t: Uuid| s.remedies(s.today()).unwrap().into_iter().find(|r| r.task.id == t).unwrap();
    let r = row(&s, first);
    assert_eq!((r.state.status, r.state.waiting, r.answers.len()), (TaskStatus::Open, true, 1));
    assert_eq!(r.state.text(), "Đã báo cáo, chờ đánh giá");

    // Not enough needs a reason; a verdict is written only by the review, never by an edit.
    let e = s.review_remedy(answer, Verdict::NotEnough, " ").unwrap_err();
    assert!(e.to_string().contains("phải ghi lý do"), "{e}");
    let e = s.update(Kind::RemedyReport, answer, &doc(json!({"verdict": "dat"}))).unwrap_err();
    assert!(e.to_string().contains("chỉ được ghi khi đánh giá kết quả khắc phục"), "{e}");
    let e = s
        .create(
            Kind::RemedyReport,
            &doc(json!({"remedy_id": first.to_string(), "date": "2026-03-21", "content": "x", "verdict": "dat"})),
        )
        .unwrap_err();
    assert!(e.to_string().contains("Kết quả đánh giá"), "{e}");
    s.review_remedy(answer, Verdict::NotEnough, "Sổ còn thiếu tin báo tháng 12/2025").expect("review");
    let r = row(&s, first);
    assert_eq!((r.state.status, r.state.returned, r.state.waiting), (TaskStatus::Open, 1, false));
    assert_eq!(r.state.text(), "Chưa đạt, còn 10 ngày");
    // A judged answer can only be read; its verdict is final.
    let e = s.update(Kind::RemedyReport, answer, &doc(json!({"content": "khác"}))).unwrap_err();
    assert!(e.to_string().contains("đã được đánh giá"), "{e}");
    assert!(s.delete(Kind::RemedyReport, answer).is_err());
    let e = s.review_remedy(answer, Verdict::Accepted, "").unwrap_err();
    assert!(e.to_string().contains("không sửa được"), "{e}");

    // A second answer, accepted: the task is done and closed.
    on(&mut s, d(2026, 3, 28));
    let second = s
        .answer_remedy(first, &doc(json!({"date": "2026-03-28", "content": "Đã bổ sung đủ tin báo tháng 12/2025"})))
        .unwrap()
        .id;
    s.review_remedy(second, Verdict::Accepted, "").expect("accept");
    let r = row(&s, first);
    assert_eq!((r.state.status, r.state.done_on), (TaskStatus::Done, Some(d(2026, 3, 28))));
    let reviewed = s.get(Kind::RemedyReport, second).unwrap();
    assert_eq!(reviewed.data["reviewed_by"], "Nguyễn Văn An");
    let e = s.update(Kind::Remedy, first, &doc(json!({"deadline": "2026-04-30"}))).unwrap_err();
    assert!(e.to_string().contains("đã được đánh giá hoàn thành"), "{e}");
    let e = s.answer_remedy(first, &doc(json!({"date": "2026-03-28", "content": "thêm"}))).unwrap_err();
    assert!(e.to_string().contains("đã được đánh giá hoàn thành"), "{e}");
    assert!(s.delete(Kind::Remedy, first).is_err());
    // An inspection with tasks cannot be deleted from under them.
    let e = s.delete(Kind::Inspection, id).unwrap_err();
    assert!(e.to_string().contains("nhiệm vụ khắc phục"), "{e}");

    // The other task: open, then overdue after its deadline; the dashboard counts and warns.
    on(&mut s, d(2026, 4, 20));
    let r = row(&s, tasks[1]);
    assert_eq!((r.state.status, r.state.days, r.state.text().as_str()), (TaskStatus::Overdue, 5, "Quá hạn 5 ngày"));
    let dash = phongtrao::dashboard::dashboard(&s, s.today()).unwrap();
    assert_eq!((dash.remedies.open, dash.remedies.overdue, dash.remedies.done), (0, 1, 1));
    let alert = dash.alerts.iter().find(|a| a.code == "remedy_overdue").expect("overdue alert");
    assert_eq!(alert.items[0].id, tasks[1]);
    assert!(alert.message.contains("đã quá hạn"), "{}", alert.message);

    // Every change took a sequence number and an audit entry; the chain holds.
    assert!(s.audit_verify().unwrap().problems.is_empty());
    let changes = s.changes_since(0, 1000).unwrap();
    for k in [Kind::Inspection, Kind::Remedy, Kind::RemedyReport] {
        assert!(changes.iter().any(|c| c.kind == k), "{k} not recorded for sync");
    }
}

#[test]
fn an_inspection_with_a_bad_task_saves_nothing_and_names_every_error() {
    let mut s = super::forms::store();
    on(&mut s, d(2026, 3, 12));
    let area = super::forms::area(&mut s);
    let before = (s.counts().unwrap(), s.last_seq().unwrap(), s.audit_tail(1).unwrap());
    let mut bad = inspection_json(area);
    bad["ends_on"] = json!("01/03/2026");
    bad["tasks"][1]["deadline"] = json!("01/02/2026");
    bad["tasks"][0]["responsible"] = json!("");
    let e = s.add_inspection(&doc(bad)).unwrap_err();
    let phongtrao::Error::Invalid(inv) = &e else { panic!("{e}") };
    let fields: Vec<&str> = inv.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["ends_on", "tasks.1.responsible", "tasks.2.deadline"], "{e}");
    assert!(e.to_string().contains("Nhiệm vụ 2 – Thời hạn hoàn thành: không được trước ngày bắt đầu kiểm tra"), "{e}");
    assert_eq!((s.counts().unwrap(), s.last_seq().unwrap(), s.audit_tail(1).unwrap()), before);

    // The commune inspects its own units: one of them must be named, and only one.
    let mut none = inspection_json(area);
    none.as_object_mut().unwrap().remove("area_id");
    let e = s.add_inspection(&doc(none)).unwrap_err();
    assert!(e.to_string().contains("hãy chọn đơn vị được kiểm tra"), "{e}");
    // The province's inspections come only in its signed bundle: the commune cannot make one.
    let mut province = inspection_json(area);
    province["by"] = json!("tinh");
    province.as_object_mut().unwrap().remove("area_id");
    let before = (s.counts().unwrap(), s.last_seq().unwrap());
    let e = s.add_inspection(&doc(province)).unwrap_err();
    assert!(e.to_string().contains("Cấp kiểm tra: cuộc kiểm tra của Công an tỉnh chỉ đến qua gói đã ký"), "{e}");
    assert_eq!((s.counts().unwrap(), s.last_seq().unwrap()), before);
}

#[test]
fn the_documents_of_an_inspection_and_the_task_list() {
    let (mut s, id, _, tasks) = setup();
    on(&mut s, d(2026, 3, 28));
    let a = s.answer_remedy(tasks[0], &doc(json!({"date": "2026-03-28", "content": "Đã bổ sung sổ tin báo"}))).unwrap();
    s.review_remedy(a.id, Verdict::Accepted, "").unwrap();
    on(&mut s, d(2026, 4, 20));
    let req = |form: &str, id: Option<Uuid>| PrintRequest {
        form: form.into(),
        id,
        date: d(2026, 3, 12),
        ..PrintRequest::default()
    };
    let printed = fill::print(&mut s, &req("bien-ban-kiem-tra", Some(id))).expect("biên bản");
    assert_eq!(printed.number.as_deref(), Some("01/BB-CAX"));
    let (text, _) = super::forms::check(&printed.pdf, "bien-ban-kiem-tra");
    for e in [
        "CÔNG AN XÃ IA ĐAL",
        "Số: 01/BB-CAX",
        "BIÊN BẢN",
        "Kiểm tra công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc tại Thôn Đắk Năng",
        "Thời gian: từ ngày 10 tháng 03 năm 2026 đến ngày 11 tháng 03 năm 2026.",
        "Thực hiện Quyết định số 15/QĐ-CAX ngày 05/03/2026 về việc thành lập Đoàn kiểm tra",
        "- Lê Văn Hùng – Trưởng đoàn;",
        "2. Đại diện đơn vị được kiểm tra: Rơ Mah Hlim",
        "- Sổ theo dõi tin báo ghi chép chưa đầy đủ;",
        "IV. KIẾN NGHỊ, YÊU CẦU KHẮC PHỤC",
        "1. Bổ sung đầy đủ sổ theo dõi tin báo, tố giác từ tháng 10/2025 (chịu trách nhiệm: Trưởng thôn Rơ Mah Hlim; thời hạn hoàn thành: 31/03/2026);",
        "ĐẠI DIỆN ĐƠN VỊ",
        "ĐƯỢC KIỂM TRA",
        "TRƯỞNG ĐOÀN KIỂM TRA",
    ] {
        assert!(text.contains(e), "biên bản: missing «{e}» in\n{text}");
    }
    let printed = fill::print(&mut s, &req("thong-bao-ket-luan-kiem-tra", Some(id))).expect("thông báo");
    assert_eq!(printed.number.as_deref(), Some("01/TB-CAX"));
    let (text, _) = super::forms::check(&printed.pdf, "thong-bao-ket-luan-kiem-tra");
    for e in [
        "Số: 01/TB-CAX",
        "Ia Đal, ngày 12 tháng 03 năm 2026",
        "THÔNG BÁO",
        "Kết luận kiểm tra công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc tại Thôn Đắk Năng",
        "Đoàn kiểm tra do đồng chí Lê Văn Hùng làm Trưởng đoàn",
        "1. Ưu điểm",
        "2. Khuyết điểm, hạn chế",
        "3. Yêu cầu khắc phục",
        "Công an xã Ia Đal thông báo kết luận như sau:",
        "TRƯỞNG CÔNG AN XÃ",
        "Nơi nhận:",
        "- Thôn Đắk Năng;",
        "- Lưu: VT, CAX.",
    ] {
        assert!(text.contains(e), "thông báo: missing «{e}» in\n{text}");
    }
    // Printing again keeps the numbers; the register holds both documents.
    let again = fill::print(&mut s, &req("bien-ban-kiem-tra", Some(id))).unwrap();
    assert!(again.reprint && again.number.as_deref() == Some("01/BB-CAX"));
    assert_eq!(s.issued_documents(10).unwrap().len(), 2);

    let list = PrintRequest { date: d(2026, 4, 20), ..req("danh-sach-khac-phuc", Some(id)) };
    let printed = fill::print(&mut s, &list).expect("danh sách");
    assert_eq!(printed.number, None);
    let (text, _) = super::forms::check(&printed.pdf, "danh-sach-khac-phuc");
    for e in [
        "DANH SÁCH",
        "Ia Đal, ngày 20 tháng 04 năm 2026",
        "sau cuộc kiểm tra: Công an xã kiểm tra Thôn Đắk Năng – 10/03/2026",
        "tính đến ngày 20 tháng 04 năm 2026",
        "(28/03/2026)",
        "31/03/2026",
        "Quá hạn 5",
        "Tổng cộng 2 nhiệm vụ: 0 đang thực hiện, 1 quá hạn, 1 đã hoàn thành./.",
    ] {
        assert!(text.contains(e), "danh sách: missing «{e}» in\n{text}");
    }
    assert_eq!(s.issued_documents(10).unwrap().len(), 2, "the list takes no number");
}

const PW: &str = "mat-khau-dung";

/// A province for the store `s` (its province's code and name), the commune enrolled and registered.
fn province_of(s: &mut Store) -> (tempfile::TempDir, Province) {
    let dir = tempfile::tempdir().unwrap();
    let c = s.commune().unwrap().clone();
    let (mut p, enrollment) =
        Province::init(&dir.path().join("tinh"), PW, &c.province_code, &c.province, KdfParams::insecure_for_tests())
            .unwrap();
    commune::enroll(s, &enrollment).unwrap();
    let (key, _) = s.sync_keys().unwrap();
    p.register(&c.commune_code, &key.public).unwrap();
    (dir, p)
}

/// The province writes the commune's decision bundle; the commune imports it.
fn down(p: &mut Province, s: &mut Store, dir: &std::path::Path) -> Imported {
    let code = s.commune().unwrap().commune_code.clone();
    let f = p.write_decisions(&code, dir, chrono::Utc::now()).unwrap();
    commune::import(s, &f).unwrap()
}

#[test]
fn a_province_inspection_prints_with_the_province_header_and_takes_no_commune_number() {
    let mut s = super::forms::store();
    on(&mut s, d(2026, 3, 12));
    let area = super::forms::area(&mut s);
    let mut v = inspection_json(area);
    v.as_object_mut().unwrap().remove("area_id");
    v.as_object_mut().unwrap().remove("by");
    v["decision_number"] = json!("120/QĐ-CAT-PV05");
    let (dir, mut p) = province_of(&mut s);
    let id = inspections::create(&mut p, "24610", &doc(v), chrono::Utc::now()).unwrap();
    down(&mut p, &mut s, dir.path());
    assert_eq!(s.get(Kind::Inspection, id).unwrap().title, "Công an tỉnh kiểm tra Công an xã – 10/03/2026");
    let req = PrintRequest {
        form: "thong-bao-ket-luan-kiem-tra".into(),
        id: Some(id),
        date: d(2026, 3, 20),
        ..PrintRequest::default()
    };
    let printed = fill::print(&mut s, &req).expect("print");
    let (text, _) = super::forms::check(&printed.pdf, "thong-bao-ket-luan-kiem-tra-tinh");
    for e in [
        "BỘ CÔNG AN",
        "CÔNG AN TỈNH GIA LAI",
        "Số: ……/TB-CAT",
        "Gia Lai, ngày 11 tháng 03 năm 2026",
        "tại Công an xã Ia Đal",
        "GIÁM ĐỐC",
        "- Công an xã Ia Đal;",
    ] {
        assert!(text.contains(e), "missing «{e}» in\n{text}");
    }
    assert!(s.issued_documents(10).unwrap().is_empty(), "the province's document is not in the commune's register");
}

#[test]
fn the_whole_flow_through_the_command_line() {
    use super::cli::{INIT, phongtrao, phongtrao_ok};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    let db = db.to_str().unwrap();
    let run = |args: &[&str]| phongtrao_ok(&[&["--db", db], args].concat(), "mat-khau-dung");
    run(INIT);
    let area = run(&[
        "add",
        "area",
        "--json",
        r#"{"name": "Thôn Đắk Năng", "kind": "thon", "households": 230, "population": 1012}"#,
    ]);
    let today = chrono::Local::now().date_naive();
    let past = (today - chrono::Days::new(20)).format("%d/%m/%Y").to_string();
    let soon = (today + chrono::Days::new(10)).format("%d/%m/%Y").to_string();
    let late = (today - chrono::Days::new(3)).format("%d/%m/%Y").to_string();
    let json = json!({
        "by": "xa", "area_id": area.trim(), "starts_on": past, "leader": "Lê Văn Hùng",
        "scope": "Hoạt động của Tổ bảo vệ an ninh, trật tự",
        "shortcomings": "Sổ tuần tra ghi chép chưa đầy đủ",
        "tasks": [
            {"content": "Bổ sung sổ tuần tra", "responsible": "Tổ trưởng", "deadline": soon},
            {"content": "Tổ chức họp tổ rút kinh nghiệm", "responsible": "Tổ trưởng", "deadline": late}
        ]
    })
    .to_string();
    let id = run(&["inspection", "add", "--json", &json]);
    let id = id.trim();
    let shown = run(&["inspection", "show", id]);
    assert!(shown.contains("Khuyết điểm, hạn chế: Sổ tuần tra ghi chép chưa đầy đủ"), "{shown}");
    assert!(shown.contains("[Còn 10 ngày] Bổ sung sổ tuần tra"), "{shown}");
    assert!(shown.contains("[Quá hạn 3 ngày] Tổ chức họp tổ rút kinh nghiệm"), "{shown}");
    assert!(shown.contains("1 đang thực hiện, 1 quá hạn, 0 đã hoàn thành; 0 báo cáo chờ đánh giá."), "{shown}");
    let list: Value = serde_json::from_str(&run(&["inspection", "tasks", "--json"])).unwrap();
    let task = list["rows"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list["rows"][0]["status"], "overdue");
    let overdue = run(&["inspection", "tasks", "--status", "quá hạn"]);
    assert!(overdue.contains("Tổ chức họp tổ") && !overdue.contains("Bổ sung sổ tuần tra"), "{overdue}");

    let today_s = today.format("%d/%m/%Y").to_string();
    let answer = json!({"date": today_s, "content": "Đã họp tổ ngày hôm nay"}).to_string();
    let a = run(&["inspection", "answer", &task, "--json", &answer]);
    let o = phongtrao(&["--db", db, "inspection", "review", a.trim()], "mat-khau-dung");
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("--accept"));
    let o = phongtrao(&["--db", db, "inspection", "review", a.trim(), "--not-enough"], "mat-khau-dung");
    assert!(String::from_utf8_lossy(&o.stderr).contains("phải ghi lý do"), "{o:?}");
    let said = run(&["inspection", "review", a.trim(), "--accept"]);
    assert!(said.contains("Nhiệm vụ đã hoàn thành"), "{said}");
    let shown = run(&["inspection", "show", id]);
    assert!(shown.contains("[Đã hoàn thành ("), "{shown}");
    assert!(shown.contains("Đạt, đã khắc phục xong (Nguyễn Văn An,"), "{shown}");
    let o = phongtrao(&["--db", db, "edit", "remedy", &task, "--json", r#"{"responsible": "Khác"}"#], "mat-khau-dung");
    assert!(String::from_utf8_lossy(&o.stderr).contains("đã được đánh giá hoàn thành"), "{o:?}");

    // The documents from the command line.
    let pdf = dir.path().join("bb.pdf");
    run(&["print", "bien-ban-kiem-tra", "--id", id, "-o", pdf.to_str().unwrap()]);
    let text = super::print::stdout("pdftotext", "poppler-utils", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("BIÊN BẢN") && text.contains("Bổ sung sổ tuần tra"), "{text}");

    // Only the chief reviews: an officer answers, and is refused the verdict.
    let cmd = |user: Option<&str>, password: &str, new: Option<&str>, args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_phongtrao"));
        c.args(["--db", db]).args(args).env_remove("PHONGTRAO_DB").env_remove("PHONGTRAO_USER");
        c.env("PHONGTRAO_PASSWORD", password);
        if let Some(u) = user {
            c.args(["--user", u]);
        }
        if let Some(n) = new {
            c.env("PHONGTRAO_NEW_PASSWORD", n);
        }
        c.output().unwrap()
    };
    let o = cmd(
        None,
        "mat-khau-dung",
        Some("mk-binh-1234"),
        &["account", "add", "--username", "tranthibinh", "--name", "Trần Thị Bình", "--role", "officer"],
    );
    assert!(o.status.success(), "{o:?}");
    let other = list["rows"][1]["id"].as_str().unwrap().to_owned();
    let o = cmd(Some("tranthibinh"), "mk-binh-1234", None, &["inspection", "answer", &other, "--json", &answer]);
    assert!(o.status.success(), "{o:?}");
    let a = String::from_utf8(o.stdout).unwrap();
    let o = cmd(Some("tranthibinh"), "mk-binh-1234", None, &["inspection", "review", a.trim(), "--accept"]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && e.contains("đánh giá kết quả khắc phục"), "{e}");
}

/// An inspection of the commune by the province, with a task due in ten days and one overdue by two.
pub fn province_inspection(today: NaiveDate) -> Value {
    let iso = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    json!({
        "starts_on": iso(today - chrono::Days::new(10)), "ends_on": iso(today - chrono::Days::new(9)),
        "decision_number": "120/QĐ-CAT-PV05", "leader": "Thượng tá Lê Văn Cường",
        "team": ["Thiếu tá Phạm Thị Dung"], "scope": "Công tác xây dựng phong trào năm 2026",
        "strengths": "Duy trì tốt các mô hình tự quản", "shortcomings": "Hồ sơ Tổ bảo vệ an ninh, trật tự chưa đầy đủ",
        "conclusion": "Xã cần khắc phục các hạn chế nêu trên.",
        "tasks": [
            {"content": "Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3", "responsible": "Trưởng Công an xã",
             "deadline": iso(today + chrono::Days::new(10))},
            {"content": "Bổ sung hồ sơ các Tổ bảo vệ an ninh, trật tự", "responsible": "Phó Trưởng Công an xã",
             "deadline": iso(today - chrono::Days::new(2))}
        ]
    })
}

#[test]
fn a_province_inspection_goes_down_its_answers_up_and_its_verdicts_down() {
    use super::sync::world;
    let mut w = world();
    let mut a = w.commune("23535", true);
    let today = chrono::Local::now().date_naive();
    let usb = w.usb();

    // At the province: every error of the inspection and its tasks at once, nothing kept.
    let mut bad = province_inspection(today);
    bad["area_id"] = json!(Uuid::now_v7().to_string());
    bad["leader"] = json!("");
    bad["tasks"][1]["deadline"] = json!("01/01/2020");
    let e = inspections::create(&mut w.province, "23535", &doc(bad), chrono::Utc::now()).unwrap_err();
    let phongtrao::Error::Invalid(inv) = &e else { panic!("{e}") };
    let fields: Vec<&str> = inv.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["area_id", "leader", "tasks.2.deadline"], "{e}");
    assert!(e.to_string().contains("Công an tỉnh kiểm tra Công an xã"), "{e}");
    let e = inspections::create(&mut w.province, "99999", &doc(province_inspection(today)), chrono::Utc::now());
    assert!(e.unwrap_err().to_string().contains("chưa đăng ký khóa"));
    assert!(w.province.db().sent_inspections(None).unwrap().is_empty());

    let id = inspections::create(&mut w.province, "23535", &doc(province_inspection(today)), chrono::Utc::now())
        .expect("inspection");
    let at_province = inspections::tasks(&w.province, None, today).unwrap();
    assert_eq!(at_province.len(), 2);
    assert_eq!(
        at_province.iter().map(|t| t.state_text.as_str()).collect::<Vec<_>>(),
        ["Quá hạn 2 ngày", "Còn 10 ngày"]
    );

    // Down in the decision bundle: the commune sees the inspection and its tasks, as the province does.
    let got = down(&mut w.province, &mut a, &usb);
    let said = phongtrao::present::sync::imported(&got);
    assert!(said.contains("Đã nhận cuộc kiểm tra: Công an tỉnh kiểm tra Công an xã –"), "{said}");
    assert!(said.contains("2 nhiệm vụ khắc phục Công an tỉnh giao"), "{said}");
    let file = a.inspection_file(id, today).unwrap();
    assert_eq!(file.inspection.data["leader"], "Thượng tá Lê Văn Cường");
    let states: Vec<String> = file.tasks.iter().map(|t| t.state.text()).collect();
    assert_eq!(states, ["Quá hạn 2 ngày", "Còn 10 ngày"]);
    let (late, task) = (file.tasks[0].task.id, file.tasks[1].task.id);
    // The same bundle again brings nothing new.
    let again = down(&mut w.province, &mut a, &usb);
    assert!(phongtrao::present::sync::imported(&again).contains("không có gì mới"));

    // The commune neither edits, nor deletes, nor adds to what the province set.
    let e = a.update(Kind::Remedy, task, &doc(json!({"deadline": "2030-01-01"}))).unwrap_err();
    assert!(e.to_string().contains("do Công an tỉnh giao: Công an xã không sửa, không xóa được"), "{e}");
    assert!(a.delete(Kind::Remedy, task).is_err());
    let e = a.update(Kind::Inspection, id, &doc(json!({"conclusion": "Tốt"}))).unwrap_err();
    assert!(e.to_string().contains("do Công an tỉnh lập"), "{e}");
    let e = a
        .create(
            Kind::Remedy,
            &doc(json!({"inspection_id": id.to_string(), "content": "Thêm", "responsible": "X", "deadline": "2030-01-01"})),
        )
        .unwrap_err();
    assert!(e.to_string().contains("chỉ đến qua gói đã ký của Công an tỉnh"), "{e}");

    // The commune answers; its chief cannot judge a province task.
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let first = a
        .answer_remedy(task, &doc(json!({"date": iso(today), "content": "Đã họp kiện toàn tổ, chưa có quyết định"})))
        .unwrap()
        .id;
    let e = a.review_remedy(first, Verdict::Accepted, "").unwrap_err();
    assert!(e.to_string().contains("do Công an tỉnh đánh giá"), "{e}");

    // Up: the answer and the commune's copies of the inspection and its tasks, none put aside.
    let r = w.import(&w.export(&mut a)).unwrap();
    assert!(r.quarantined.is_empty(), "{:?}", r.quarantined);
    let t = inspections::tasks(&w.province, Some("23535"), today).unwrap();
    assert_eq!(t.len(), 2, "the commune's copies are not counted twice");
    let mine = t.iter().find(|t| t.id == task).unwrap();
    assert_eq!((mine.state_text.as_str(), mine.answers.len()), ("Đã báo cáo, chờ đánh giá", 1));
    assert_eq!(mine.answers[0].verdict_label, "Chờ đánh giá");

    // The province judges: not enough needs a reason; a verdict is final.
    let e = inspections::review(&mut w.province, first, Verdict::NotEnough, " ", chrono::Utc::now()).unwrap_err();
    assert!(e.to_string().contains("phải ghi lý do"), "{e}");
    inspections::review(
        &mut w.province,
        first,
        Verdict::NotEnough,
        "Chưa có quyết định kiện toàn tổ",
        chrono::Utc::now(),
    )
    .unwrap();
    let e = inspections::review(&mut w.province, first, Verdict::Accepted, "", chrono::Utc::now()).unwrap_err();
    assert!(e.to_string().contains("không sửa được"), "{e}");
    let mine =
        inspections::tasks(&w.province, Some("23535"), today).unwrap().into_iter().find(|t| t.id == task).unwrap();
    assert_eq!(mine.state_text, "Chưa đạt, còn 10 ngày");

    // Down: the commune sees the verdict and its reason on its answer; the task stays open.
    let got = down(&mut w.province, &mut a, &usb);
    let said = phongtrao::present::sync::imported(&got);
    assert!(
        said.contains("Công an tỉnh đánh giá nhiệm vụ «Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3»: Chưa đạt, phải khắc phục tiếp (lý do: Chưa có quyết định kiện toàn tổ)."),
        "{said}"
    );
    let answer = a.get(Kind::RemedyReport, first).unwrap();
    assert_eq!(
        (answer.data["verdict"].as_str(), answer.data["reviewed_by"].as_str()),
        (Some("chua_dat"), Some("Công an tỉnh"))
    );
    let row = a.remedies(today).unwrap().into_iter().find(|r| r.task.id == task).unwrap();
    assert_eq!(row.state.text(), "Chưa đạt, còn 10 ngày");

    // A second answer, up (the judged one comes back up with the verdict as signed: not put aside),
    // accepted at the province, down: the task is done at both ends, and closed at the commune.
    let second = a
        .answer_remedy(
            task,
            &doc(json!({"date": iso(today), "content": "Đã có quyết định kiện toàn tổ số 12/QĐ-UBND"})),
        )
        .unwrap()
        .id;
    let r = w.import(&w.export(&mut a)).unwrap();
    assert!(r.quarantined.is_empty(), "{:?}", r.quarantined);
    inspections::review(&mut w.province, second, Verdict::Accepted, "", chrono::Utc::now()).unwrap();
    let e = inspections::review(&mut w.province, first, Verdict::Accepted, "", chrono::Utc::now()).unwrap_err();
    assert!(e.to_string().contains("không sửa được") || e.to_string().contains("hoàn thành"), "{e}");
    down(&mut w.province, &mut a, &usb);
    let row = a.remedies(today).unwrap().into_iter().find(|r| r.task.id == task).unwrap();
    assert_eq!(row.state.status, TaskStatus::Done);
    let e = a.answer_remedy(task, &doc(json!({"date": iso(today), "content": "thêm"}))).unwrap_err();
    assert!(e.to_string().contains("đã được đánh giá hoàn thành"), "{e}");
    let at_province = inspections::tasks(&w.province, Some("23535"), today).unwrap();
    let both: Vec<(Uuid, TaskStatus)> = at_province.iter().map(|t| (t.id, t.state.status)).collect();
    assert_eq!(both, [(late, TaskStatus::Overdue), (task, TaskStatus::Done)]);
    let r = w.import(&w.export(&mut a)).unwrap();
    assert!(r.quarantined.is_empty(), "{:?}", r.quarantined);

    // The province prints its documents under its own header, the number left to write; the task
    // list with each task's state as both ends see it.
    let out = std::env::var_os("PHONGTRAO_PRINT_OUT").map(std::path::PathBuf::from);
    for (form, name, expected) in [
        (
            "thong-bao-ket-luan-kiem-tra",
            "tinh-thong-bao-ket-luan-kiem-tra",
            &[
                "BỘ CÔNG AN\nCÔNG AN TỈNH\nQUẢNG NGÃI",
                "Số: ……/TB-CAT",
                "tại Công an xã Ia Đal",
                "GIÁM ĐỐC",
                "Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3 (chịu trách nhiệm",
                "- Lưu: VT, CAT.",
            ][..],
        ),
        ("bien-ban-kiem-tra", "tinh-bien-ban-kiem-tra", &["BIÊN BẢN", "Số: ……/BB-CAT", "Lê Văn Cường"][..]),
        (
            "danh-sach-khac-phuc",
            "tinh-danh-sach-khac-phuc",
            &["DANH SÁCH", "Quá hạn 2", "0 đang thực hiện, 1 quá hạn, 1 đã hoàn thành./."][..],
        ),
    ] {
        let doc = inspections::document(&w.province, id, form, today, None).unwrap();
        let pdf = phongtrao::print::render(&doc).unwrap();
        let path = usb.join(format!("{name}.pdf"));
        std::fs::write(&path, &pdf).unwrap();
        if let Some(o) = &out {
            std::fs::create_dir_all(o).unwrap();
            std::fs::write(o.join(format!("{name}.pdf")), &pdf).unwrap();
        }
        let text = super::print::stdout("pdftotext", "poppler-utils", &[path.to_str().unwrap(), "-"]);
        for e in expected {
            assert!(text.contains(e), "{form}: missing «{e}» in\n{text}");
        }
    }
    let e = inspections::document(&w.province, id, "to-trinh", today, None).unwrap_err();
    assert!(e.to_string().contains("không có biểu mẫu"), "{e}");

    // The receipt carries the same: a second commune laptop's view is made good by any of them.
    let i = inspections::inspection(&w.province, id, today).unwrap();
    assert_eq!(
        i.title,
        "Công an tỉnh kiểm tra Công an xã Ia Đal – ".to_owned()
            + &phongtrao::date::display(today - chrono::Days::new(10))
    );
    assert_eq!(i.tasks.len(), 2);
    assert!(a.audit_verify().unwrap().problems.is_empty());
}

#[test]
fn a_province_task_closed_by_the_commune_or_a_forged_bundle_is_refused() {
    use super::sync::{reseal_and_import, world};
    use super::sync_attacks::{lines_of, unpack};
    let mut w = world();
    let mut a = w.commune("23535", true);
    let today = chrono::Local::now().date_naive();
    let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let usb = w.usb();
    let id =
        inspections::create(&mut w.province, "23535", &doc(province_inspection(today)), chrono::Utc::now()).unwrap();
    let genuine = w.province.write_decisions("23535", &usb, chrono::Utc::now()).unwrap();
    commune::import(&mut a, &genuine).unwrap();
    let task = a.inspection_file(id, today).unwrap().tasks[1].task.id;
    let answer = a
        .answer_remedy(task, &doc(json!({"date": iso(today), "content": "Đã kiện toàn tổ, có quyết định"})))
        .unwrap()
        .id;
    // The commune's chief cannot close a task the province set: only the province judges it.
    let e = a.review_remedy(answer, Verdict::Accepted, "").unwrap_err();
    assert!(e.to_string().contains("do Công an tỉnh đánh giá"), "{e}");
    assert_eq!(a.remedies(today).unwrap()[1].state.status, TaskStatus::Open);

    // A bundle signed with the commune's key whose answer says "accepted" (a forged closure), and
    // whose copy of the task has a later deadline: both put aside at the province, the rest imported.
    let f = w.export(&mut a);
    let (key, _) = a.sync_keys().unwrap();
    let bytes = std::fs::read(&f).unwrap();
    let (manifest, _) = unpack(&w, &bytes);
    let mut lines = lines_of(&w, &bytes);
    let i = lines.iter().position(|l| l.contains("\"kind\":\"remedy_report\"")).expect("the answer travels");
    let forged =
        format!("\"verdict\":\"dat\",\"reviewed_by\":\"Giả danh Công an tỉnh\",\"reviewed_on\":\"{}\",", iso(today));
    lines[i] = lines[i].replacen("\"content\":", &format!("{forged}\"content\":"), 1);
    assert!(lines[i].contains("\"verdict\":\"dat\""), "{}", lines[i]);
    let j = lines.iter().position(|l| l.contains(&task.to_string()) && l.contains("\"kind\":\"remedy\"")).unwrap();
    lines[j] = lines[j].replace(&iso(today + chrono::Days::new(10)), "2030-12-31");
    let r = reseal_and_import(&mut w, &manifest, &key, &(lines.join("\n") + "\n"));
    let mut put_aside: Vec<(&str, &str)> = r.quarantined.iter().map(|q| (q.kind.as_str(), q.reason.as_str())).collect();
    put_aside.sort();
    assert_eq!(put_aside.len(), 2, "{put_aside:?}");
    assert_eq!(put_aside[0].0, "remedy");
    assert!(put_aside[0].1.contains("giữ đúng như Công an tỉnh đã gửi"), "{}", put_aside[0].1);
    assert_eq!(put_aside[1].0, "remedy_report");
    assert!(put_aside[1].1.contains("chỉ đến qua gói đã ký của Công an tỉnh"), "{}", put_aside[1].1);
    // The province sees the task as the commune does: not closed, its deadline as set.
    let tasks = inspections::tasks(&w.province, None, today).unwrap();
    let t = tasks.iter().find(|t| t.id == task).unwrap();
    assert_eq!((t.state.status, t.deadline), (TaskStatus::Open, Some(today + chrono::Days::new(10))));
    assert!(t.inspection.starts_with("Công an tỉnh kiểm tra ngày"), "{}", t.inspection);

    // A province bundle whose verdict closes the task, signed by another key: refused, nothing changes.
    let (m, files) = super::sync::unpack_tar(&std::fs::read(&genuine).unwrap());
    let mut signed: phongtrao::domain::inspection::Signed = serde_json::from_slice(&files["inspections.json"]).unwrap();
    signed.verdicts.push(phongtrao::domain::inspection::SignedVerdict {
        answer_id: answer,
        remedy_id: task,
        fields: doc(json!({"verdict": "dat", "reviewed_by": "Công an tỉnh", "reviewed_on": iso(today)})),
    });
    let payload = serde_json::to_vec(&signed).unwrap();
    let (forger, _) =
        Province::init(&w.dir.path().join("gia"), PW, "51", "Quảng Ngãi", KdfParams::insecure_for_tests()).unwrap();
    let before = (a.last_seq().unwrap(), a.get(Kind::RemedyReport, answer).unwrap().data);
    let forge = |key: &phongtrao::crypto::SigningKey, files: &[(String, Vec<u8>)], name: &str| {
        let (bytes, _, _) = phongtrao::sync::bundle::write(m.clone(), files, key, &[]).unwrap();
        let path = usb.join(name);
        phongtrao::fsutil::write_atomic(&path, &bytes).unwrap();
        path
    };
    let f = forge(&forger.meta().signing, &[("inspections.json".into(), payload.clone())], "gia.ptb");
    let e = commune::import(&mut a, &f).unwrap_err();
    assert_eq!(e.code(), "bundle_unknown_key", "{e}");
    // The genuine bundle with its inspections.json swapped under the genuine signature: the hash fails.
    let mut swapped = std::fs::read(&genuine).unwrap();
    let at = swapped.windows(6).position(|w| w == b"\"tasks").unwrap();
    swapped[at + 2] = b'T';
    let path = usb.join("sua.ptb");
    std::fs::write(&path, &swapped).unwrap();
    let e = commune::import(&mut a, &path).unwrap_err();
    assert!(["bundle_hash", "bundle_damaged"].contains(&e.code()), "{e}");
    // An unknown payload file is refused whole.
    let f = forge(
        &w.province.meta().signing,
        &[("inspections.json".into(), payload), ("lạ.json".into(), b"{}".to_vec())],
        "la.ptb",
    );
    assert!(commune::import(&mut a, &f).is_err());
    assert_eq!((a.last_seq().unwrap(), a.get(Kind::RemedyReport, answer).unwrap().data), before);
    assert_eq!(a.remedies(today).unwrap()[1].state.status, TaskStatus::Open);
}

#[test]
fn the_province_inspects_judges_and_sends_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (tinh, db, usb) = (p("tinh"), p("xa.db"), p("usb"));
    let run = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_phongtrao"));
        c.args(args).env_remove("PHONGTRAO_DB").env_remove("PHONGTRAO_USER").env("PHONGTRAO_PASSWORD", PW);
        c.output().unwrap()
    };
    let ok = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let init = ok(&["province", "init", "--dir", &tinh, "--province-code", "51", "--province", "Quảng Ngãi"]);
    let enrollment = init.lines().find(|l| l.ends_with(".ptb")).unwrap().trim().to_owned();
    ok(&["--db", &db, "init", "--province-code", "51", "--commune-code", "23535", "--officer", "Nguyễn Văn An"]);
    ok(&["--db", &db, "enroll", &enrollment]);
    ok(&["--db", &db, "key", "export-pub", "--out", &p("xa.pub")]);
    ok(&["province", "--dir", &tinh, "register", "--commune-code", "23535", "--pubkey", &p("xa.pub")]);
    let today = chrono::Local::now().date_naive();
    let json = province_inspection(today).to_string();
    // A bad one first: the field is named, nothing is kept.
    let o =
        run(&["province", "--dir", &tinh, "inspections", "add", "--commune", "23535", "--json", r#"{"leader": ""}"#]);
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && e.contains("Trưởng đoàn kiểm tra") && e.contains("Ngày bắt đầu kiểm tra"), "{e}");
    let out =
        ok(&["province", "--dir", &tinh, "inspections", "add", "--commune", "23535", "--json", &json, "--out", &usb]);
    let id = out.lines().next().unwrap().trim().to_owned();
    let file = out.lines().find_map(|l| l.strip_prefix("Đã ghi gói quyết định cho xã: ")).unwrap().to_owned();
    let imported = ok(&["--db", &db, "bundle", "import", &file]);
    assert!(imported.contains("Đã nhận cuộc kiểm tra: Công an tỉnh kiểm tra Công an xã"), "{imported}");
    let shown = ok(&["--db", &db, "inspection", "show", &id]);
    assert!(shown.contains("[Quá hạn 2 ngày] Bổ sung hồ sơ các Tổ bảo vệ an ninh, trật tự"), "{shown}");
    let list: Value = serde_json::from_str(&ok(&["--db", &db, "inspection", "tasks", "--json"])).unwrap();
    let task = list["rows"][1]["id"].as_str().unwrap().to_owned();
    let answer = json!({"date": today.format("%d/%m/%Y").to_string(), "content": "Đã kiện toàn tổ"}).to_string();
    let a = ok(&["--db", &db, "inspection", "answer", &task, "--json", &answer]);
    let bundle = ok(&["--db", &db, "bundle", "export", "--out", &usb]);
    ok(&["province", "--dir", &tinh, "import", bundle.trim(), "--receipt-out", &usb]);
    let listed = ok(&["province", "--dir", &tinh, "inspections", "--commune", "23535"]);
    assert!(listed.contains("[Đã báo cáo, chờ đánh giá] Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3"), "{listed}");
    let shown = ok(&["province", "--dir", &tinh, "inspections", "show", &id]);
    assert!(shown.contains("Báo cáo ngày") && shown.contains("Đã kiện toàn tổ  [Chờ đánh giá]"), "{shown}");
    // The province prints the inspection's Thông báo to a file; it reads back in Vietnamese.
    let pdf = dir.path().join("thong-bao.pdf");
    let printed = ok(&[
        "province",
        "--dir",
        &tinh,
        "inspections",
        "print",
        &id,
        "--form",
        "thong-bao-ket-luan-kiem-tra",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        printed.contains("Đã cấp số 01/TB-CAT ngày") && printed.contains("Thông báo kết luận kiểm tra"),
        "{printed}"
    );
    let text = crate::print::page_text(&pdf, 1);
    assert!(text.contains("THÔNG BÁO") && text.contains("Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3"), "{text}");
    assert!(text.contains("Số: 01/TB-CAT"), "{text}");
    // Printed again it keeps its number; --new takes the next; --preview takes none; the Biên bản
    // has its own series; the task list is not numbered.
    let print = |form: &str, extra: &[&str]| {
        let mut args = vec!["province", "--dir", &tinh, "inspections", "print", &id, "--form", form];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["-o", pdf.to_str().unwrap()]);
        (ok(&args), crate::print::page_text(&pdf, 1))
    };
    let (said, text) = print("thong-bao-ket-luan-kiem-tra", &[]);
    assert!(
        said.contains("Đã in lại Thông báo kết luận kiểm tra số 01/TB-CAT") && text.contains("Số: 01/TB-CAT"),
        "{said}"
    );
    let (said, text) = print("thong-bao-ket-luan-kiem-tra", &["--new"]);
    assert!(said.contains("Đã cấp số 02/TB-CAT") && text.contains("Số: 02/TB-CAT"), "{said}");
    let (said, text) = print("bien-ban-kiem-tra", &["--preview"]);
    assert!(said.contains("Đã lưu tệp PDF") && text.contains("Số: ……/BB-CAT"), "{said}\n{text}");
    let (said, text) = print("bien-ban-kiem-tra", &[]);
    assert!(said.contains("Đã cấp số 01/BB-CAT") && text.contains("Số: 01/BB-CAT"), "{said}");
    let (said, text) = print("bien-ban-kiem-tra", &["--preview"]);
    assert!(
        said.contains("Đã lưu tệp PDF") && text.contains("Số: 01/BB-CAT"),
        "the preview bears the number given: {text}"
    );
    let (said, _) = print("danh-sach-khac-phuc", &[]);
    assert!(said.contains("Đã lưu tệp PDF"), "{said}");
    let said = ok(&["province", "--dir", &tinh, "inspections", "review", a.trim(), "--accept", "--out", &usb]);
    assert!(said.contains("Đã đánh giá: đạt"), "{said}");
    let file = said.lines().find_map(|l| l.strip_prefix("Đã ghi gói quyết định cho xã: ")).unwrap().to_owned();
    let imported = ok(&["--db", &db, "bundle", "import", &file]);
    assert!(imported.contains("Đạt, đã khắc phục xong"), "{imported}");
    let shown = ok(&["--db", &db, "inspection", "show", &id]);
    assert!(shown.contains("[Đã hoàn thành ("), "{shown}");
}

//! The command line's contract, run as a process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// `phongtrao init` of the test commune (Xã Ia Đal, Quảng Ngãi; its chief Nguyễn Văn An).
pub(crate) const INIT: &[&str] = &[
    "init",
    "--province-code",
    "51",
    "--province",
    "Quảng Ngãi",
    "--commune-code",
    "23535",
    "--commune",
    "Xã Ia Đal",
    "--officer",
    "Nguyễn Văn An",
];

/// `phongtrao ARGS` with `password` (`PHONGTRAO_PASSWORD`), not the store or the user of the test's
/// own environment.
pub(crate) fn phongtrao(args: &[&str], password: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_phongtrao"))
        .args(args)
        .env_remove("PHONGTRAO_DB")
        .env_remove("PHONGTRAO_USER")
        .env("PHONGTRAO_PASSWORD", password)
        .output()
        .unwrap()
}

/// As [`phongtrao`], expecting success; its standard output.
pub(crate) fn phongtrao_ok(args: &[&str], password: &str) -> String {
    let o = phongtrao(args, password);
    assert!(o.status.success(), "phongtrao {args:?} failed: {}", err(&o));
    out(&o)
}

struct Cli {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("du-lieu").join("xa.db");
        Cli { _dir: dir, db }
    }

    fn raw(&self, args: &[&str]) -> Output {
        let db = self.db.to_string_lossy();
        phongtrao(&[&["--db", &db], args].concat(), "mat-khau-dung")
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.raw(args);
        assert!(o.status.success(), "phongtrao {args:?} failed: {}", err(&o));
        out(&o)
    }

    /// Runs and expects failure; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let o = self.raw(args);
        assert!(!o.status.success(), "phongtrao {args:?} should fail; printed {}", out(&o));
        err(&o)
    }

    fn init(&self) {
        self.ok(INIT);
    }

    fn list(&self, kind: &str, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["list", kind, "--json"];
        args.extend_from_slice(extra);
        serde_json::from_str::<Value>(&self.ok(&args)).unwrap().as_array().unwrap().clone()
    }
}

fn titles(items: &[Value]) -> Vec<String> {
    items.iter().map(|v| v["name"].as_str().unwrap_or(v["title"].as_str().unwrap()).to_owned()).collect()
}

#[test]
fn init_add_show_list_edit_delete() {
    let c = Cli::new();
    assert!(c.fails(&["list", "area"]).starts_with("Lỗi: Kho dữ liệu chưa được khởi tạo"));
    assert!(!Path::new(&c.db).exists(), "a read does not create a store");
    c.init();
    let again = c.fails(INIT);
    assert!(again.contains("Đã có kho dữ liệu tại"), "{again}");

    let id = c.ok(&[
        "add",
        "area",
        "--json",
        r#"{"name":"Thôn Đắk Năng","kind":"thon","households":120,"population":480,"q1_resolution_date":"2026-02-10"}"#,
    ]);
    let id = id.trim().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
    c.ok(&[
        "add",
        "area",
        "--json",
        r#"{"name":"Tổ dân phố 3","kind":"to_dan_pho","households":300,"population":1200}"#,
    ]);
    c.ok(&["add", "area", "--json", r#"{"name":"Ấp Bình An","kind":"ap","households":90,"population":300}"#]);

    let shown = c.ok(&["show", "area", &id]);
    assert!(shown.contains("Khu dân cư: Thôn Đắk Năng"), "{shown}");
    assert!(shown.contains("Loại khu dân cư: Thôn"));
    assert!(shown.contains("Ngày nghị quyết của chi bộ (quý I): 10/02/2026"), "dates read dd/mm/yyyy: {shown}");
    let json: Value = serde_json::from_str(&c.ok(&["show", "area", &id, "--json"])).unwrap();
    assert_eq!(json["households"], 120);
    assert_eq!(json["id"], id.as_str());

    assert_eq!(titles(&c.list("area", &[])), ["Ấp Bình An", "Thôn Đắk Năng", "Tổ dân phố 3"]);
    assert_eq!(titles(&c.list("area", &["--search", "dak nang"])), ["Thôn Đắk Năng"]);
    assert_eq!(titles(&c.list("area", &["--search", "to dan pho 3"])), ["Tổ dân phố 3"]);
    assert_eq!(titles(&c.list("area", &["--sort", "-households", "--limit", "1"])), ["Tổ dân phố 3"]);
    assert_eq!(titles(&c.list("area", &["--filter", "households<=100"])), ["Ấp Bình An"]);
    let plain = c.ok(&["list", "area"]);
    assert!(plain.lines().next().unwrap().ends_with("Ấp Bình An"));

    c.ok(&["edit", "area", &id, "--json", r#"{"households":130}"#]);
    let json: Value = serde_json::from_str(&c.ok(&["show", "area", &id, "--json"])).unwrap();
    assert_eq!((json["households"].as_i64(), json["population"].as_i64()), (Some(130), Some(480)));

    let hits = c.ok(&["search", "DAK"]);
    assert!(hits.contains("Thôn Đắk Năng"));

    c.ok(&["delete", "area", &id]);
    assert!(c.fails(&["show", "area", &id]).contains("Không tìm thấy khu dân cư"));
    assert_eq!(c.list("area", &[]).len(), 2);
    assert_eq!(c.list("area", &["--deleted"]).len(), 3);
    // init, account, login ×9 (one per command after init), 3 creates, 1 edit, 1 delete: every one logged.
    let verified = c.ok(&["audit", "verify"]);
    assert!(verified.starts_with("Nhật ký kiểm tra nguyên vẹn:"), "{verified}");
}

#[test]
fn bad_input_is_refused_in_vietnamese_and_saves_nothing() {
    let c = Cli::new();
    c.init();
    let e = c.fails(&["add", "area", "--json", r#"{"name":"Thôn 1","kind":"thon","households":-1,"population":10}"#]);
    assert_eq!(e.trim(), "Lỗi: Số hộ gia đình: phải là số nguyên không âm");
    let e = c.fails(&["add", "area", "--json", "{name: 1}"]);
    assert!(e.starts_with("Lỗi: Dữ liệu JSON không hợp lệ: dòng 1, cột 2"), "{e}");
    let e = c.fails(&["add", "xom", "--json", "{}"]);
    assert!(e.contains("loại bản ghi «xom» không có; chọn một trong: area, unit, model"), "{e}");
    let e = c.fails(&["show", "area", "123"]);
    assert!(e.contains("«123» không phải là mã bản ghi"), "{e}");
    let e = c.fails(&["lisst"]);
    assert!(e.starts_with("Lỗi: không có lệnh «lisst»"), "{e}");
    let e = c.fails(&["list", "area", "--colour"]);
    assert!(e.starts_with("Lỗi: không có tùy chọn «--colour»"), "{e}");
    let e = c.fails(&["init", "--province-code", "51"]);
    assert!(e.starts_with("Lỗi: thiếu"), "{e}");
    assert!(c.list("area", &["--deleted"]).is_empty());
}

#[test]
fn help_works_at_every_level_in_vietnamese() {
    let c = Cli::new();
    let top = c.ok(&["--help"]);
    assert!(top.contains("Cách dùng: phongtrao"), "{top}");
    assert!(top.contains("Lệnh"), "{top}");
    assert_eq!(c.ok(&["where"]).trim(), c.db.display().to_string(), "where needs no login");
    for cmd in [
        "init", "units", "demo", "add", "edit", "show", "list", "delete", "search", "audit", "model", "fields", "ref",
        "info", "account", "where",
    ] {
        let h = c.ok(&[cmd, "--help"]);
        assert!(h.contains("Cách dùng: phongtrao"), "{cmd}: {h}");
        for english in ["Print help", "Options:", "Arguments:", "[OPTIONS]", "[default:"] {
            assert!(!h.contains(english), "{cmd} help is Vietnamese, found {english}: {h}");
        }
    }
    for sub in [["audit", "verify"], ["model", "review"], ["model", "replicate"], ["model", "dissolve"]] {
        let h = c.ok(&[sub[0], sub[1], "--help"]);
        assert!(h.contains("Cách dùng"), "{sub:?}: {h}");
    }
}

#[test]
fn model_life_cycle_from_the_command_line() {
    let c = Cli::new();
    c.init();
    let a =
        c.ok(&["add", "area", "--json", r#"{"name":"Thôn Đắk Năng","kind":"thon","households":120,"population":480}"#]);
    let b =
        c.ok(&["add", "area", "--json", r#"{"name":"Làng Kon Klor","kind":"lang","households":80,"population":400}"#]);
    let (a, b) = (a.trim(), b.trim());
    let m = c.ok(&[
        "add",
        "model",
        "--json",
        &format!(r#"{{"name":"Camera an ninh","kind":"tự quản","area_ids":["{a}"],"founded_on":"01/03/2021"}}"#),
    ]);
    let m = m.trim();
    c.ok(&["model", "review", m, "--json", r#"{"date":"15/12/2023","kind":"tong_ket","rating":"hieu_qua"}"#]);
    let r = c.ok(&["model", "replicate", m, "--area", b]);
    let r = r.trim();
    c.ok(&["model", "dissolve", m, "--date", "01/06/2024", "--reason", "Không còn kinh phí duy trì"]);
    let shown = c.ok(&["show", "model", m]);
    assert!(shown.contains("Trạng thái: Đã giải thể"), "{shown}");
    assert!(shown.contains("Lý do giải thể: Không còn kinh phí duy trì"));
    assert!(shown.contains("Tổng kết ngày 15/12/2023 – Camera an ninh: Hiệu quả"), "{shown}");
    assert!(shown.contains(&format!("Camera an ninh (Làng Kon Klor) ({r})")), "{shown}");
    let e = c.fails(&["edit", "model", m, "--json", r#"{"leader":"X"}"#]);
    assert!(e.contains("đã giải thể ngày 01/06/2024"), "{e}");
    let replica = c.ok(&["show", "model", r]);
    assert!(replica.contains("Nhân rộng từ: Camera an ninh"), "{replica}");
}

#[test]
fn demo_makes_a_commune_and_the_audit_check_catches_an_edit() {
    let c = Cli::new();
    let o = c.ok(&["demo", "--seed", "7"]);
    assert!(o.contains("Đã tạo xã mẫu"), "{o}");
    let areas = c.list("area", &[]);
    assert!(areas.len() >= 10, "{}", areas.len());
    assert!(c.ok(&["audit", "verify"]).starts_with("Nhật ký kiểm tra nguyên vẹn"));
    let conn = crate::store::raw(&c.db);
    conn.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
    conn.execute("UPDATE audit SET actor = 'Người lạ' WHERE n = 5", []).unwrap();
    drop(conn);
    let e = c.fails(&["audit", "verify"]);
    assert!(e.contains("Mục nhật ký số 5"), "{e}");
    assert!(e.contains("Lỗi: Nhật ký kiểm tra đã bị can thiệp"), "{e}");
}

#[test]
fn the_db_path_comes_from_the_environment_too() {
    let c = Cli::new();
    let o = Command::new(env!("CARGO_BIN_EXE_phongtrao"))
        .args(INIT)
        .env("PHONGTRAO_DB", &c.db)
        .env("PHONGTRAO_PASSWORD", "mat-khau-dung")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    assert!(c.db.exists());
    assert!(c.ok(&["info"]).starts_with("Xã Ia Đal (23535), Quảng Ngãi (51)"));
}

#[test]
fn cert_workflow_of_an_area_and_a_school() {
    let c = Cli::new();
    c.init();
    let area = c.ok(&[
        "add",
        "area",
        "--json",
        r#"{"name": "Thôn Đắk Năng", "kind": "thon", "households": 120, "population": 480,
        "households_registered": 120, "households_committed": 118, "q1_resolution_number": "05-NQ/CB",
        "q1_resolution_date": "10/01/2025", "registered_on": "15/01/2025"}"#,
    ]);
    let area = area.trim();
    let school = c.ok(&[
        "add",
        "unit",
        "--json",
        r#"{"name": "Trường THCS Lê Lợi", "kind": "co_so_giao_duc", "category": "thcs"}"#,
    ]);
    let school = school.trim();
    let list = c.ok(&["cert", "list", "--year", "2025"]);
    assert!(list.contains("Thôn Đắk Năng") && list.contains("Chưa đăng ký"), "{list}");

    // A step with data missing is refused with the field named, in Vietnamese.
    let e = c.fails(&["cert", "advance", school, "--year", "2025", "--data", r#"{"plan_number": "01/KH"}"#]);
    assert_eq!(e.trim(), "Lỗi: Ngày đăng ký phấn đấu: không được để trống");
    let criteria = |codes: &[&str]| {
        let items: Vec<String> =
            codes.iter().map(|c| format!(r#"{{"code": "{c}", "met": true, "note": "Đạt"}}"#)).collect();
        format!(r#"{{"criteria": [{}], "self_score": 92}}"#, items.join(", "))
    };
    let meeting = r#"{"meeting": {"starts_at": "05/11/2025 19:00", "place": "Nhà văn hóa", "chair": "Y Bhin Niê",
        "secretary": "H Lan Êban", "votes_for": 25, "votes_against": 3, "votes_abstain": 2}}"#;
    for (unit, register, codes) in [
        (area, "{}", &["kdc_1", "kdc_2", "kdc_3", "kdc_4", "kdc_5"][..]),
        (
            school,
            r#"{"registered_on": "10/03/2025", "plan_number": "01/KH"}"#,
            &["gd_1", "gd_2", "gd_3", "gd_4", "gd_5", "gd_6"][..],
        ),
    ] {
        assert!(c.ok(&["cert", "advance", unit, "--year", "2025", "--data", register]).contains("Đã đăng ký"));
        let shown = c.ok(&["cert", "show", unit, "--year", "2025"]);
        assert!(shown.contains("Bước tiếp theo: Tự đánh giá, chấm điểm"), "{shown}");
        let advance = |data: &str| c.ok(&["cert", "advance", unit, "--year", "2025", "--data", data]);
        assert!(advance(&criteria(codes)).contains("Đã tự đánh giá"));
        assert!(advance(meeting).contains("Đã bình xét"));
        advance(r#"{"number": "12/TTr-CAX", "date": "21/11/2025", "recommend": true}"#);
        let done = advance(
            r#"{"result": "dat", "number": "150/QĐ-UBND", "date": "05/12/2025", "certificate_number": "07/GCN"}"#,
        );
        assert!(done.contains("Đã có quyết định"), "{done}");
    }
    let shown = c.ok(&["cert", "show", area, "--year", "2025"]);
    // The steps in the window's words (present::cert::steps_done), one per line.
    for line in [
        "   Kết quả biểu quyết: 25/30 phiếu tán thành (83,3%)\n   Tỷ lệ cần có: trên 50% số phiếu\n   Đạt tỷ lệ: Đạt\n",
        "5. Quyết định công nhận (",
        "   Kết quả: Đạt\n   Số quyết định: 150/QĐ-UBND\n   Ngày quyết định: 05/12/2025\n   Số giấy công nhận: 07/GCN\n",
    ] {
        assert!(shown.contains(line), "{line} in {shown}");
    }
    let json: Value = serde_json::from_str(&c.ok(&["cert", "show", school, "--year", "2025", "--json"])).unwrap();
    assert_eq!(json["cert"]["decision"]["recognised"], true);

    // Going back needs a reason, and is in the audit log.
    let e = c.fails(&["cert", "revert", area, "--year", "2025", "--reason", " "]);
    assert_eq!(e.trim(), "Lỗi: Lý do lùi bước: không được để trống");
    let out = c.ok(&["cert", "revert", area, "--year", "2025", "--reason", "Sai số quyết định"]);
    assert!(out.contains("về bước: Đã đề nghị công nhận"), "{out}");
    assert!(c.ok(&["audit", "log", "--limit", "3"]).contains("cert_revert"));
    assert!(c.ok(&["cert", "show", area, "--year", "2025"]).contains("lý do: Sai số quyết định"));

    // The commune's own result, explained.
    c.ok(&["cert", "settings", "--year", "2025", "--data", r#"{"officer_disciplined": false}"#]);
    let result = c.ok(&["cert", "result", "--year", "2025"]);
    assert!(result.contains("Kết quả \"An toàn về an ninh, trật tự\" năm 2025 của Xã Ia Đal: CHƯA ĐẠT"), "{result}");
    assert!(
        result.contains("1/2 đơn vị được công nhận (50%); cần ít nhất 70%. Còn 1 đơn vị chưa có quyết định."),
        "{result}"
    );
    assert!(result.contains("✓ Không có cán bộ Công an xã bị kỷ luật"), "{result}");
    let overview = c.ok(&["cert", "overview", "--year", "2025", "--today", "25/11/2025"]);
    assert!(overview.contains("tính đến ngày 25/11/2025"), "{overview}");
    // The generic commands do not change a certification.
    let id = json["id"].as_str().unwrap();
    assert!(c.fails(&["delete", "cert", id]).contains("chỉ thay đổi qua từng bước"));
}

#[test]
fn plans_and_key_areas_from_the_command_line() {
    let c = Cli::new();
    c.init();
    let e = c.fails(&["plan", "progress", "--year", "2026"]);
    assert!(e.contains("Năm 2026 chưa có kế hoạch, chỉ tiêu"), "{e}");
    let made =
        c.ok(&["plan", "new", "--year", "2026", "--json", r#"{"number": "05/KH-CAX", "target_tuyen_truyen_buoi": 4}"#]);
    assert!(made.contains("Đã lập kế hoạch năm 2026 (1 chỉ tiêu)."), "{made}");
    c.ok(&[
        "add",
        "activity",
        "--json",
        r#"{"category": "tuyen_truyen", "date": "10/03/2026", "form": "Họp dân", "topic": "Phòng, chống ma túy"}"#,
    ]);
    let shown = c.ok(&["plan", "progress", "--year", "2026", "--today", "30/06/2026"]);
    assert!(shown.contains("Theo Kế hoạch thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2026"), "{shown}");
    assert!(shown.contains("Số buổi tuyên truyền: 1/4 — Chậm tiến độ (cần 3 đến nay)"), "{shown}");
    let json: Value =
        serde_json::from_str(&c.ok(&["plan", "progress", "--year", "2026", "--today", "30/06/2026", "--json"]))
            .unwrap();
    assert_eq!(json["targets"][0]["done"], 1);

    let area =
        c.ok(&["add", "area", "--json", r#"{"name": "Thôn 1", "kind": "thon", "households": 10, "population": 40}"#]);
    let area = area.trim();
    let ka = c.ok(&[
        "add",
        "key_area",
        "--json",
        &format!(
            r#"{{"name": "Bãi sông", "area_ids": ["{area}"], "reasons": "Ma túy; tranh chấp, khiếu kiện kéo dài",
            "decision_number": "12/QĐ-UBND", "decision_date": "15/01/2026", "decided_by": "Chủ tịch UBND xã",
            "officer": "Trần Thị Bình", "deadline": "30/06/2026"}}"#
        ),
    ]);
    let ka = ka.trim();
    let assessed = c.ok(&[
        "key-area",
        "assess",
        ka,
        "--json",
        r#"{"date": "01/04/2026", "progress": "chua_chuyen_bien", "findings": "Còn tụ điểm."}"#,
    ]);
    assert!(assessed.contains("Đã ghi đánh giá địa bàn"), "{assessed}");
    let o = c.ok(&["key-area", "overview", "--today", "01/09/2026"]);
    assert!(o.contains("Đang chuyển hóa: 1"), "{o}");
    assert!(o.contains("Quá thời hạn chuyển hóa (30/06/2026): Bãi sông"), "{o}");
    assert!(c.ok(&["key-area", "viewers"]).contains("không được xem"));
    assert!(c.ok(&["key-area", "viewers", "--allow"]).contains("được xem địa bàn trọng điểm"));
}

//! Spreadsheets in and out (issue 18): every register exported and imported back into a fresh store,
//! officers' files with title lines, accents left out and bad rows, re-imports that change nothing,
//! files written by other programs, hostile files, and the command line.

use std::collections::BTreeMap;
use std::path::Path;

use phongtrao::demo::{DemoOptions, demo_setup, generate};
use phongtrao::domain::{self, Kind};
use phongtrao::keyring::KdfParams;
use phongtrao::sheet::export::{export_all, export_register, export_register_with, kinds};
use phongtrao::sheet::import::{ImportMode, ImportOptions, ImportReport, import_file};
use phongtrao::sheet::{Progress, Stage};
use phongtrao::store::{ListQuery, Store};
use phongtrao::{NewAccount, Role};
use serde_json::Value;

use super::forms::{cli_as, cli_ok_as};

const PW: &str = phongtrao::demo::DEMO_PASSWORD;

fn demo_store(dir: &Path) -> Store {
    let mut store = Store::create_at(
        &dir.join("demo.db"),
        &demo_setup(),
        &phongtrao::demo::demo_chief(PW),
        KdfParams::insecure_for_tests(),
    )
    .unwrap();
    generate(&mut store, &DemoOptions { seed: 7, scale: 1 }, &mut |_, _| {}).unwrap();
    store
}

fn empty_store(dir: &Path, name: &str) -> Store {
    Store::create_at(&dir.join(name), &demo_setup(), &phongtrao::demo::demo_chief(PW), KdfParams::insecure_for_tests())
        .unwrap()
}

fn opts(mode: ImportMode) -> ImportOptions {
    ImportOptions { mode, ..ImportOptions::default() }
}

/// Every live record of a register by id, system fields left out (a spreadsheet does not carry a
/// model's life cycle: replication and dissolution go through their own operations).
fn records(store: &Store, kind: Kind) -> BTreeMap<String, BTreeMap<String, Value>> {
    let system: Vec<&str> = domain::fields(kind).iter().filter(|f| f.system).map(|f| f.key.as_str()).collect();
    store
        .list(kind, &ListQuery::default())
        .unwrap()
        .records
        .into_iter()
        .map(|r| {
            let data = r.data.into_iter().filter(|(k, _)| !system.contains(&k.as_str())).collect();
            (r.id.to_string(), data)
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn problems(r: &ImportReport) -> Vec<String> {
    r.problems.iter().map(ToString::to_string).collect()
}

#[test]
fn every_register_round_trips_through_xlsx_into_a_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo_store(dir.path());
    let mut fresh = empty_store(dir.path(), "fresh.db");
    for kind in kinds() {
        let file = dir.path().join(format!("{}.xlsx", kind.code()));
        let n = export_register(&demo, kind, &ListQuery::default(), &file).unwrap();
        assert!(n > 0, "the demo has {}", kind.label());
        let r = import_file(&mut fresh, kind, &file, &opts(ImportMode::All)).unwrap();
        assert!(r.problems.is_empty(), "{}: {:?}", kind.label(), problems(&r));
        assert!(r.unknown.is_empty(), "{}: every exported column is recognised: {:?}", kind.label(), r.unknown);
        assert_eq!((r.created as usize, r.updated, r.unchanged, r.saved), (n, 0, 0, true), "{}", kind.label());
        assert_eq!(records(&fresh, kind), records(&demo, kind), "{} came back the same", kind.label());
        // The same file again changes nothing, not even the change counter.
        let seq = fresh.last_seq().unwrap();
        let again = import_file(&mut fresh, kind, &file, &opts(ImportMode::All)).unwrap();
        assert_eq!((again.created, again.updated, again.unchanged as usize), (0, 0, n), "{}", kind.label());
        assert_eq!(fresh.last_seq().unwrap(), seq);
    }
    assert!(fresh.audit_verify().unwrap().ok(), "every imported row was audited");
    // Every register at once: one sheet each, the same counts.
    let all = dir.path().join("tat-ca.xlsx");
    let counts = export_all(&demo, &all).unwrap();
    for (kind, n) in counts {
        assert_eq!(n, records(&demo, kind).len());
    }
}

#[test]
fn an_officers_csv_with_a_title_line_and_no_accents_is_read_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = empty_store(dir.path(), "xa.db");
    let areas = write(
        dir.path(),
        "thon.csv",
        "DANH SÁCH KHU DÂN CƯ XÃ MẪU;;;;\n\
         ten khu dan cu;Loai khu dan cu;SO HO GIA DINH;Số nhân khẩu *;Ngày đăng ký phong trào\n\
         Thôn Kon Rốc;thon;120;480;05/01/2026\n\
         Tổ dân phố 3;To dan pho;1.200;4.100;2026-01-07\n",
    );
    let r = import_file(&mut store, Kind::Area, &areas, &opts(ImportMode::All)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", problems(&r));
    assert_eq!((r.rows, r.created, r.saved), (2, 2, true));
    let list = store.list(Kind::Area, &ListQuery::default()).unwrap().records;
    let to3 = list.iter().find(|a| a.title == "Tổ dân phố 3").unwrap();
    assert_eq!(to3.data["kind"], "to_dan_pho");
    assert_eq!(to3.data["households"], 1200);
    assert_eq!(to3.data["registered_on"], "2026-01-07");

    // A team linked to its areas by name (accents left out, several names), and its members by the
    // team's name; the members' file corrects one area's households on the way (an update by name).
    let teams =
        write(dir.path(), "to.csv", "Tên tổ,Địa bàn phụ trách\nTổ bảo vệ ANTT số 1,\"thon kon roc; To dan pho 3\"\n");
    let r = import_file(&mut store, Kind::Team, &teams, &opts(ImportMode::All)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", problems(&r));
    let team = &store.list(Kind::Team, &ListQuery::default()).unwrap().records[0];
    assert_eq!(team.data["area_ids"].as_array().unwrap().len(), 2);

    let fix = write(dir.path(), "sua.csv", "Tên khu dân cư;Số hộ gia đình\nthôn kon rốc;125\nTổ dân phố 3;1200\n");
    let r = import_file(&mut store, Kind::Area, &fix, &opts(ImportMode::All)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", problems(&r));
    assert_eq!((r.created, r.updated, r.unchanged), (0, 1, 1), "matched by name, without accents");
    let kon = store.list(Kind::Area, &ListQuery::default()).unwrap().records;
    let kon = kon.iter().find(|a| a.title == "Thôn Kon Rốc").unwrap();
    assert_eq!((kon.data["households"].clone(), kon.data["population"].clone()), (125.into(), 480.into()));
}

#[test]
fn bad_rows_are_named_by_line_and_column_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let team = store.list(Kind::Team, &ListQuery::default()).unwrap().records[0].title.clone();
    let before = (store.last_seq().unwrap(), store.counts().unwrap(), store.audit_tail(1).unwrap());
    let header =
        "Tổ bảo vệ ANTT;Họ và tên;Ngày sinh;Nơi cư trú;Cư trú từ ngày;Trình độ học vấn;Chức danh;Ngày phân công";
    let good = |name: &str| format!("{team};{name};12/03/1985;Thôn 1;01/01/2010;THCS;Tổ viên;01/02/2024");
    let text = [
        header.to_owned(),
        good("Nguyễn Văn Một"),
        format!("{team};Trần Thị Hai;31/02/1985;Thôn 1;01/01/2010;THCS;Tổ viên;01/02/2024"),
        good("Lê Văn Ba"),
        "Tổ không có;Phạm Văn Bốn;12/03/1985;Thôn 1;01/01/2010;THCS;Tổ viên;01/02/2024".to_owned(),
        format!("{team};Võ Văn Năm;12/03/1985;Thôn 1;01/01/2010;Tiến sĩ;Đội trưởng;01/02/2024"),
    ]
    .join("\n");
    let file = write(dir.path(), "thanh-vien.csv", &text);

    let r = import_file(&mut store, Kind::Member, &file, &opts(ImportMode::All)).unwrap();
    let p = problems(&r);
    assert!(!r.saved);
    assert!(p.iter().any(|s| s.starts_with("dòng 3, cột Ngày sinh:")), "{p:?}");
    assert!(p.iter().any(|s| s.starts_with("dòng 5, cột Tổ bảo vệ ANTT: không tìm thấy")), "{p:?}");
    assert!(p.iter().any(|s| s.starts_with("dòng 6, cột Trình độ học vấn:")), "{p:?}");
    assert!(p.iter().any(|s| s.starts_with("dòng 6, cột Chức danh:")), "every bad cell of a row: {p:?}");
    assert_eq!(r.created, 2, "the good rows are counted as they would be saved");
    let after = (store.last_seq().unwrap(), store.counts().unwrap(), store.audit_tail(1).unwrap());
    assert_eq!(after, before, "a refused import changes nothing");

    let preview = import_file(&mut store, Kind::Member, &file, &opts(ImportMode::Preview)).unwrap();
    assert_eq!((preview.created, preview.saved, preview.problems.len()), (2, false, r.problems.len()));
    assert_eq!(store.last_seq().unwrap(), before.0, "a preview saves nothing");

    let good_only = import_file(&mut store, Kind::Member, &file, &opts(ImportMode::GoodRows)).unwrap();
    assert!(good_only.saved);
    assert_eq!(good_only.created, 2);
    let names: Vec<String> =
        store.list(Kind::Member, &ListQuery::default()).unwrap().records.into_iter().map(|m| m.title).collect();
    assert!(names.contains(&"Nguyễn Văn Một".to_owned()) && names.contains(&"Lê Văn Ba".to_owned()));
    assert!(!names.contains(&"Trần Thị Hai".to_owned()));
    assert!(store.audit_verify().unwrap().ok());

    // The corrected file: the two saved rows are recognised (name and date of birth), the others added.
    let fixed = text
        .replace("31/02/1985", "28/02/1985")
        .replace("Tổ không có", &team)
        .replace("Tiến sĩ;Đội trưởng", "Đại học trở lên;to truong");
    let file = write(dir.path(), "thanh-vien-sua.csv", &fixed);
    let r = import_file(&mut store, Kind::Member, &file, &opts(ImportMode::All)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", problems(&r));
    assert_eq!((r.created, r.updated, r.unchanged, r.saved), (3, 0, 2, true));
}

#[test]
fn duplicates_in_the_file_and_ambiguous_names_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = empty_store(dir.path(), "xa.db");
    let file = write(
        dir.path(),
        "thon.csv",
        "Tên khu dân cư,Loại khu dân cư,Số hộ gia đình,Số nhân khẩu\nThôn 1,Thôn,10,40\nthon 1,Thôn,12,44\n",
    );
    let r = import_file(&mut store, Kind::Area, &file, &opts(ImportMode::All)).unwrap();
    assert_eq!(problems(&r), vec!["dòng 3: trùng với dòng 2 của tệp (cùng tên khu dân cư)"]);
    assert!(!r.saved);
    assert_eq!(store.counts().unwrap().iter().find(|(k, _)| *k == Kind::Area).map_or(0, |c| c.1), 0);

    // Two areas of the same name (typed in the window): a link by that name is ambiguous.
    for _ in 0..2 {
        let doc = serde_json::json!({"name": "Thôn 2", "kind": "thon", "households": 5, "population": 9});
        store.create(Kind::Area, doc.as_object().unwrap()).unwrap();
    }
    let teams = write(dir.path(), "to.csv", "Tên tổ,Địa bàn phụ trách\nTổ 1,Thôn 2\n");
    let r = import_file(&mut store, Kind::Team, &teams, &opts(ImportMode::All)).unwrap();
    let p = problems(&r);
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("dòng 2, cột Địa bàn phụ trách: có 2 khu dân cư cùng tên «Thôn 2»"), "{p:?}");
}

#[test]
fn files_that_cannot_be_read_are_refused_with_a_reason_and_save_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = empty_store(dir.path(), "xa.db");
    let seq = store.last_seq().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("anh.xlsx", b"\x89PNG\r\n\x1a\nnot a sheet".to_vec(), "không phải là bảng tính"),
        ("hong.xlsx", b"PK\x03\x04 broken zip".to_vec(), "không phải là bảng tính"),
        ("trong.csv", Vec::new(), "trống"),
        ("chi-tieu-de.csv", "Tên khu dân cư,Số hộ gia đình\n".as_bytes().to_vec(), "không có dòng dữ liệu"),
        ("la.csv", "Cột A,Cột B\n1,2\n".as_bytes().to_vec(), "Không nhận ra cột nào"),
        (
            "gop.csv",
            "Tên khu dân cư,,Số nhân khẩu\nThôn 1,Thôn,40\n".as_bytes().to_vec(),
            "Cột B có dữ liệu (dòng 2) nhưng ô tiêu đề",
        ),
    ];
    for (name, bytes, says) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = import_file(&mut store, Kind::Area, &p, &opts(ImportMode::All)).unwrap_err().to_string();
        assert!(e.contains(says), "{name}: {e}");
    }
    let mut big = String::from("Tên khu dân cư,Loại khu dân cư,Số hộ gia đình,Số nhân khẩu\n");
    for i in 0..100_000 {
        big.push_str(&format!("Thôn {i},Thôn,1,1\n"));
    }
    let p = write(dir.path(), "100000.csv", &big);
    let e = import_file(&mut store, Kind::Area, &p, &opts(ImportMode::All)).unwrap_err().to_string();
    assert!(e.contains("tối đa 20.000 dòng") && e.contains("Chưa lưu gì"), "{e}");
    let e = import_file(&mut store, Kind::Cert, &p, &opts(ImportMode::All)).unwrap_err().to_string();
    assert!(e.contains("chỉ thay đổi qua từng bước xét"), "{e}");

    // The same as workbooks: an .xlsx whose sheet is empty, one with a header and no row, and one of
    // 100,000 rows (read as a stream: refused when the limit is passed, not after holding it all).
    let book = |name: &str, rows: usize| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Danh sách").unwrap();
        if rows > 0 {
            for (c, h) in ["Tên khu dân cư", "Loại khu dân cư", "Số hộ gia đình", "Số nhân khẩu"].iter().enumerate()
            {
                ws.write_string(0, c as u16, *h).unwrap();
            }
        }
        for r in 1..rows as u32 {
            ws.write_string(r, 0, format!("Thôn {r}")).unwrap();
            ws.write_string(r, 1, "Thôn").unwrap();
            ws.write_number(r, 2, 1.0).unwrap();
            ws.write_number(r, 3, 1.0).unwrap();
        }
        let p = dir.path().join(name);
        wb.save(&p).unwrap();
        p
    };
    for (p, says) in [
        (book("trang-trong.xlsx", 0), "Trang tính «Danh sách» của tệp «trang-trong.xlsx» không có dòng dữ liệu nào"),
        (book("chi-tieu-de.xlsx", 1), "không có dòng dữ liệu nào"),
        (book("100000.xlsx", 100_001), "tối đa 20.000 dòng"),
    ] {
        let e = import_file(&mut store, Kind::Area, &p, &opts(ImportMode::All)).unwrap_err().to_string();
        assert!(e.contains(says), "{}: {e}", p.display());
    }
    assert_eq!(store.last_seq().unwrap(), seq);
    assert!(store.list(Kind::Area, &ListQuery::default()).unwrap().records.is_empty(), "nothing saved");
}

#[test]
fn a_viewer_may_export_but_not_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    store
        .add_account(&NewAccount {
            username: "xem".into(),
            full_name: "Người Xem".into(),
            rank: None,
            role: Role::Viewer,
            password: "mat-khau-xem-123".into(),
        })
        .unwrap();
    drop(store);
    let mut viewer = Store::unlock(&dir.path().join("demo.db"), "xem", "mat-khau-xem-123").unwrap();
    let file = dir.path().join("khu.xlsx");
    export_register(&viewer, Kind::Area, &ListQuery::default(), &file).unwrap();
    let e = import_file(&mut viewer, Kind::Area, &file, &opts(ImportMode::Preview)).unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
}

#[test]
fn the_command_line_imports_exports_and_writes_templates() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let db = dir.path().join("demo.db");
    let out = dir.path().join("thon.xlsx");
    let o = cli_ok_as(
        &db,
        PW,
        &["export", "area", "--search", "thon", "--sort", "-households", "-o", out.to_str().unwrap()],
    );
    assert!(o.starts_with("Đã xuất "), "{o}");
    let tpl = dir.path().join("mau.xlsx");
    let o = cli_ok_as(&db, PW, &["template", "member", "-o", tpl.to_str().unwrap()]);
    assert!(o.contains("Đã ghi mẫu Excel"), "{o}");

    let bad = write(dir.path(), "bad.csv", "Tên khu dân cư;Số hộ gia đình\nThôn Mới;nhiều\n");
    let o = cli_as(&db, PW, &["import", "area", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("dòng 2, cột Số hộ gia đình: phải là số nguyên không âm"), "{stdout}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("chưa lưu gì"));

    let o = cli_ok_as(&db, PW, &["import", "area", out.to_str().unwrap(), "--dry-run"]);
    assert!(o.starts_with("Xem trước (chưa lưu gì):") && o.contains("sửa 0"), "{o}");
    let o = cli_ok_as(&db, PW, &["import", "area", out.to_str().unwrap(), "--json"]);
    let v: Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v["created"], 0);
    assert!(v["unchanged"].as_u64().unwrap() > 0);

    // A column headed in the officer's own words is left out, and named, until `--map` says what it is.
    let own = write(
        dir.path(),
        "thon-moi.csv",
        "Tên khu dân cư;Loại khu dân cư;Số hộ gia đình;Số nhân khẩu;Người đứng đầu thôn\nThôn Mới Lập;Thôn;30;120;Y Blông\n",
    );
    let o = cli_ok_as(&db, PW, &["import", "area", own.to_str().unwrap(), "--dry-run"]);
    assert!(o.contains("Cột không nhận ra (bỏ qua): «Người đứng đầu thôn»"), "{o}");
    let o = cli_ok_as(&db, PW, &["import", "area", own.to_str().unwrap(), "--map", "nguoi dung dau thon=head"]);
    assert!(o.starts_with("Đã nhập 1 dòng") && !o.contains("không nhận ra"), "{o}");
    let o = cli_ok_as(&db, PW, &["list", "area", "--search", "Thôn Mới Lập", "--json"]);
    let v: Value = serde_json::from_str(&o).unwrap();
    assert_eq!(v[0]["head"], "Y Blông", "{o}");
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/sheet_ref").join(name)
}

#[test]
fn files_written_by_other_programs_are_read() {
    // scripts/sheet-fixtures.py wrote these with Debian's openpyxl and odfpy.
    for name in ["khu-dan-cu-openpyxl.xlsx", "khu-dan-cu-odfpy.ods"] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = empty_store(dir.path(), "xa.db");
        let r = import_file(&mut store, Kind::Area, &fixture(name), &opts(ImportMode::All)).unwrap();
        assert!(r.problems.is_empty(), "{name}: {:?}", problems(&r));
        assert_eq!((r.rows, r.created), (3, 3), "{name}");
        let areas = store.list(Kind::Area, &ListQuery::default()).unwrap().records;
        let kon = areas.iter().find(|a| a.title == "Thôn Kon Rốc").unwrap_or_else(|| panic!("{name}"));
        assert_eq!(kon.data["registered_on"], "2026-01-05", "{name}: a real date cell");
        assert_eq!(kon.data["households"], 120, "{name}: a number cell");
        let lang = areas.iter().find(|a| a.title == "Làng Plei Bông").unwrap();
        assert_eq!(lang.data["kind"], "lang");
        let to = areas.iter().find(|a| a.title == "Tổ dân phố 3").unwrap();
        assert_eq!((to.data["kind"].clone(), to.data.get("registered_on")), ("to_dan_pho".into(), None));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = empty_store(dir.path(), "xa.db");
    let e = import_file(&mut store, Kind::Area, &fixture("o-gop-openpyxl.xlsx"), &opts(ImportMode::All)).unwrap_err();
    assert!(e.to_string().contains("Cột C có dữ liệu (dòng 2) nhưng ô tiêu đề của nó ở dòng 1"), "{e}");
    let e =
        import_file(&mut store, Kind::Area, &fixture("mat-khau-msoffcrypto.xlsx"), &opts(ImportMode::All)).unwrap_err();
    assert!(e.to_string().contains("được đặt mật khẩu"), "{e}");
}

/// Debian's openpyxl reads an export back: the sheet, the headers, labels, real dates, numbers, ids.
#[test]
fn an_export_reads_back_in_openpyxl() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let file = dir.path().join("thanh-vien.xlsx");
    let n = export_register(&store, Kind::Member, &ListQuery::default(), &file).unwrap();
    let script = r#"
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = list(ws.iter_rows(values_only=True))
print(ws.title)
print(ws.freeze_panes)
print("|".join(rows[0]))
print(len(rows) - 1)
r = rows[1]
print(type(r[rows[0].index("Ngày sinh")]).__name__)
print(type(r[rows[0].index("Mức hỗ trợ hằng tháng (đồng)")]).__name__)
print(r[rows[0].index("Trình độ học vấn")])
print(r[-1])
"#;
    let o = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .expect("Debian's python3 with python3-openpyxl (scripts/deps.sh test installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Thành viên tổ bảo vệ an ninh", "31 characters at most");
    assert_eq!(lines[1], "A2", "the header row is frozen");
    assert!(
        lines[2].starts_with("Tổ bảo vệ ANTT|Họ và tên|Ngày sinh|") && lines[2].ends_with("|Mã bản ghi"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], n.to_string());
    assert_eq!(lines[4], "datetime", "dates are dates");
    assert!(matches!(lines[5], "int" | "float" | "NoneType"), "numbers are numbers: {}", lines[5]);
    assert!(
        ["Tiểu học", "Trung học cơ sở", "Trung học phổ thông", "Trung cấp", "Cao đẳng", "Đại học trở lên"]
            .contains(&lines[6]),
        "labels, not codes: {}",
        lines[6]
    );
    assert!(uuid::Uuid::parse_str(lines[7]).is_ok(), "{}", lines[7]);
}

/// The template: headers marked, drop-down lists, date formats, the explanations sheet; filled in, it imports.
#[test]
fn a_filled_template_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let file = dir.path().join("mau.xlsx");
    phongtrao::sheet::template::write_template(&store, Kind::Member, &file).unwrap();
    let script = r#"
import sys, openpyxl, datetime
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
print("|".join(c.value for c in ws[1]))
print(wb.sheetnames)
print(wb["Danh mục"].sheet_state)
print(len(ws.data_validations.dataValidation))
col = [c.value for c in ws[1]].index("Ngày sinh *") + 1
print(ws.column_dimensions[openpyxl.utils.get_column_letter(col)].number_format)
team = wb["Danh mục"]["A2"].value
ws.append([team, "Đinh Văn Mẫu", datetime.datetime(1990, 5, 4), None, "Thôn 1", datetime.datetime(2015, 1, 1), "Đại học trở lên", "Tổ viên", None, datetime.datetime(2025, 3, 1)])
wb.save(sys.argv[2])
"#;
    let filled = dir.path().join("da-dien.xlsx");
    let o = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script, file.to_str().unwrap(), filled.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Tổ bảo vệ ANTT *|Họ và tên *|Ngày sinh *|Giới tính|"), "{}", lines[0]);
    assert_eq!(lines[1], "['Thành viên tổ bảo vệ an ninh', 'Hướng dẫn', 'Danh mục']");
    assert_eq!(lines[2], "hidden");
    assert_eq!(lines[3], "4", "drop-down lists: team, gender, education, role");
    assert_eq!(lines[4], "dd/mm/yyyy");
    let r = import_file(&mut store, Kind::Member, &filled, &opts(ImportMode::All)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", problems(&r));
    assert_eq!(r.created, 1);
}

/// Yearly grades are read by the register's own check: "hoàn thành nhiệm vụ" is that grade, not the
/// first label that contains those words ("Hoàn thành xuất sắc nhiệm vụ").
#[test]
fn yearly_grades_are_read_by_their_whole_label() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_store(dir.path());
    let team = store.list(Kind::Team, &ListQuery::default()).unwrap().records[0].title.clone();
    let file = write(
        dir.path(),
        "xep-loai.csv",
        &format!(
            "Tổ bảo vệ ANTT;Họ và tên;Ngày sinh;Nơi cư trú;Cư trú từ ngày;Trình độ học vấn;Chức danh;Ngày phân công;Xếp loại hằng năm\n\
             {team};Đinh Văn Xếp;04/05/1990;Thôn 1;01/01/2010;thcs;to_vien;01/02/2024;\"2025: hoan thanh nhiem vu; 2024: Hoàn thành tốt nhiệm vụ\"\n"
        ),
    );
    let r = import_file(&mut store, Kind::Member, &file, &opts(ImportMode::All)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", problems(&r));
    let m = store.list(Kind::Member, &ListQuery::default()).unwrap().records;
    let m = m.iter().find(|m| m.title == "Đinh Văn Xếp").unwrap();
    assert_eq!(
        m.data["grades"],
        serde_json::json!([{"year": 2024, "grade": "tot"}, {"year": 2025, "grade": "hoan_thanh"}])
    );
    // "Hoàn thành" is the grade whose code it spells (hoan_thanh), not the first label that holds
    // those words ("Hoàn thành xuất sắc nhiệm vụ").
    let short = write(
        dir.path(),
        "xep-loai-ngan.csv",
        &format!(
            "Tổ bảo vệ ANTT;Họ và tên;Ngày sinh;Nơi cư trú;Cư trú từ ngày;Trình độ học vấn;Chức danh;Ngày phân công;Xếp loại hằng năm\n\
             {team};Đinh Văn Ngắn;04/05/1991;Thôn 1;01/01/2010;thcs;to_vien;01/02/2024;2025: Hoàn thành\n"
        ),
    );
    let r = import_file(&mut store, Kind::Member, &short, &opts(ImportMode::All)).unwrap();
    assert!(r.problems.is_empty(), "{:?}", problems(&r));
    let m = store.list(Kind::Member, &ListQuery::default()).unwrap().records;
    let m = m.iter().find(|m| m.title == "Đinh Văn Ngắn").unwrap();
    assert_eq!(m.data["grades"], serde_json::json!([{"year": 2025, "grade": "hoan_thanh"}]));
}

/// The dashboard's tables and the yearly report's figures go to Excel too (issue 18), each row with
/// the province and the commune with its code, numbers as numbers; the same numbers the window and
/// the printed report show.
#[test]
fn the_dashboard_and_the_yearly_report_export_to_xlsx() {
    use calamine::{Data, Reader};
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let today = chrono::Local::now().date_naive();
    let year = chrono::Datelike::year(&today);
    let d = phongtrao::dashboard::dashboard(&store, today).unwrap();
    let report = phongtrao::print::fill::year_report(&store, year).unwrap();
    drop(store);
    let db = dir.path().join("demo.db");
    let sheet = |file: &Path, name: &str| {
        let mut wb = calamine::open_workbook_auto(file).unwrap();
        wb.worksheet_range(name).unwrap()
    };
    let out = dir.path().join("tong-quan.xlsx");
    let o = cli_ok_as(&db, PW, &["export", "dashboard", "-o", out.to_str().unwrap()]);
    assert!(o.contains("Đã xuất tổng quan phong trào"), "{o}");
    let models = sheet(&out, "Mô hình theo loại");
    let rows: Vec<_> = models.rows().collect();
    let head: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(head, ["Tỉnh", "Mã xã", "Xã", "Loại mô hình", "Đang hoạt động", "Đã giải thể"]);
    assert_eq!(rows.len() - 1, d.models_by_kind.len());
    for (row, m) in rows[1..].iter().zip(&d.models_by_kind) {
        assert_eq!(
            row[..3],
            [Data::String("Quảng Ngãi".into()), Data::String("23535".into()), Data::String("Xã Ia Đal".into())]
        );
        assert_eq!(
            (row[3].to_string(), &row[4], &row[5]),
            (m.label.clone(), &Data::Float(m.active as f64), &Data::Float(m.dissolved as f64))
        );
    }
    let months = sheet(&out, "Hoạt động theo tháng");
    let sum: f64 = months.rows().skip(1).map(|r| if let Data::Float(n) = r[5] { n } else { 0.0 }).sum();
    assert_eq!(sum as i64, d.activities_by_month.iter().map(|m| m.count).sum::<i64>());
    let teams = sheet(&out, "Thành viên theo tổ");
    assert_eq!(teams.rows().count() - 1, d.members_by_team.len());

    let out = dir.path().join("bao-cao.xlsx");
    let o = cli_ok_as(&db, PW, &["export", "report", "--year", &year.to_string(), "-o", out.to_str().unwrap()]);
    assert!(o.contains(&format!("số liệu báo cáo năm {year}")), "{o}");
    let ind = sheet(&out, "Chỉ tiêu");
    let rows: Vec<_> = ind.rows().collect();
    assert_eq!(rows.len() - 1, report.figures.len());
    for (row, f) in rows[1..].iter().zip(&report.figures) {
        assert_eq!(row[3], Data::Float(year as f64));
        assert_eq!(row[5].to_string(), f.label);
        assert_eq!(row[6], Data::Float(f.value.unwrap() as f64));
    }
    assert!(report.figures.iter().any(|f| f.value.unwrap() > 0), "the demo has figures to compare");
    let q = sheet(&out, "Hoạt động theo quý");
    for (row, r) in q.rows().skip(1).zip(&report.quarters) {
        assert_eq!(row[4].to_string(), r.label);
        assert_eq!(row[9], Data::Float(r.quarters.iter().sum::<i64>() as f64));
    }
}

/// A long export tells its progress: reading, each row made, each row written, then saving; the rows
/// counted up to the list's size, about a hundred reports a stage however long the list; the window's
/// bar (`present::sheet`) only moves forward and says the rows in Vietnamese; an empty list too.
#[test]
fn an_export_reports_its_progress_stage_by_stage() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let mut seen: Vec<Progress> = Vec::new();
    let file = dir.path().join("hoat-dong.xlsx");
    let n = export_register_with(&store, Kind::Activity, &ListQuery::default(), &file, &mut |p| seen.push(p)).unwrap();
    assert!(n > 200, "the demo's activities: {n}");
    let stages: Vec<Stage> = seen.iter().map(|p| p.stage).collect();
    assert!(stages.windows(2).all(|w| w[0] <= w[1]), "stages in order: {stages:?}");
    assert_eq!((stages.first(), stages.last()), (Some(&Stage::Reading), Some(&Stage::Saving)));
    for stage in [Stage::Preparing, Stage::Writing] {
        let rows: Vec<&Progress> = seen.iter().filter(|p| p.stage == stage).collect();
        assert!(rows.iter().all(|p| p.total == n), "{stage:?}");
        assert!(rows.windows(2).all(|w| w[0].done < w[1].done), "{stage:?} counts up");
        assert_eq!(rows.last().unwrap().done, n, "{stage:?} ends at the last row");
        assert!((50..=101).contains(&rows.len()), "{stage:?}: {} reports for {n} rows", rows.len());
    }

    let shown: Vec<_> = seen.iter().map(|p| phongtrao::present::sheet::export_progress(Kind::Activity, *p)).collect();
    assert!(shown.windows(2).all(|w| w[0].permille <= w[1].permille), "the bar never goes back");
    assert!(shown.last().unwrap().permille < 1000, "full only once the file is written");
    assert_eq!(shown[0].text, "Đang đọc sổ hoạt động…");
    let total = phongtrao::text::format_int(n as i64);
    assert!(shown.iter().any(|v| v.text == format!("Đang chuẩn bị {total} / {total} dòng…")), "{shown:?}");
    assert!(shown.iter().any(|v| v.text == format!("Đang ghi {total} / {total} dòng vào bảng tính…")));
    assert_eq!(shown.last().unwrap().text, "Đang nén và lưu tệp…");

    // The window's export: the same reports, into the print folder; a search that finds nothing
    // reads and saves, with no row to count.
    let mut window = Vec::new();
    let q = ListQuery { search: Some("không có hoạt động nào tên này".into()), ..ListQuery::default() };
    let out =
        phongtrao::present::sheet::export(&store, Kind::Activity, &q, dir.path(), &mut |v| window.push(v)).unwrap();
    assert!(out.exists());
    let texts: Vec<&str> = window.iter().map(|v| v.text.as_str()).collect();
    assert_eq!(texts, ["Đang đọc sổ hoạt động…", "Đang nén và lưu tệp…"]);
}

//! The official list of provinces and communes after 1 July 2025 (assets/reference/units.tsv): its
//! counts and form, search without accents, the setup's checks, and its update by a province's
//! reference bundle.

use std::collections::HashSet;

use phongtrao::domain::{RefItem, RefSet};
use phongtrao::units::{COMMUNE_LIST, CommuneKind, PROVINCE_LIST, ProvinceKind, Units};
use phongtrao::{Error, Setup};
use unicode_normalization::UnicodeNormalization;

fn setup(province_code: &str, province: &str, commune_code: &str, commune: &str) -> Setup {
    Setup {
        province_code: province_code.into(),
        province: province.into(),
        commune_code: commune_code.into(),
        commune: commune.into(),
        officer: "Nguyễn Văn An".into(),
    }
}

fn resolve(u: &Units, s: &Setup) -> phongtrao::Result<Setup> {
    s.official(u)
}

/// The messages of a refused setup, by field.
fn field_errors(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Invalid(inv) => inv.0.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn the_list_has_34_provinces_and_3321_communes() {
    let u = Units::builtin();
    assert_eq!(u.provinces().len(), 34);
    assert_eq!(u.communes().len(), 3321);
    let codes: HashSet<&str> = u.communes().iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes.len(), 3321, "commune codes are unique");
    let pcodes: HashSet<&str> = u.provinces().iter().map(|p| p.code.as_str()).collect();
    assert_eq!(pcodes.len(), 34, "province codes are unique");
    for p in u.provinces() {
        assert!(p.code.len() == 2 && p.code.bytes().all(|b| b.is_ascii_digit()), "{p:?}");
        assert_eq!(p.name.nfc().collect::<String>(), p.name, "NFC: {p:?}");
        assert_eq!(phongtrao::text::clean(&p.name), p.name);
    }
    for c in u.communes() {
        assert!(c.code.len() == 5 && c.code.bytes().all(|b| b.is_ascii_digit()), "{c:?}");
        assert_eq!(c.name.nfc().collect::<String>(), c.name, "NFC: {c:?}");
        assert_eq!(phongtrao::text::clean(&c.name), c.name);
        assert!(u.province(&c.province_code).is_some(), "{c:?}");
    }
    let count = |k: CommuneKind| u.communes().iter().filter(|c| c.kind == k).count();
    assert_eq!((count(CommuneKind::Xa), count(CommuneKind::Phuong), count(CommuneKind::DacKhu)), (2621, 687, 13));
    let cities = u.provinces().iter().filter(|p| p.kind == ProvinceKind::ThanhPho).count();
    assert_eq!(cities, 6, "Hà Nội, Hải Phòng, Huế, Đà Nẵng, Hồ Chí Minh, Cần Thơ");
    // Every commune is in exactly one province's slice.
    let total: usize = u.provinces().iter().map(|p| u.communes_of(&p.code).len()).sum();
    assert_eq!(total, 3321);
    assert_eq!(u.version, 1);
    assert_eq!(u.summary(), "34 tỉnh, thành phố và 3.321 xã, phường, đặc khu từ 01/07/2025 (phiên bản 1)");
    assert_eq!(u.effective, "2025-07-01");
    assert!(u.source.iter().any(|s| s.contains("vietnamadminunits==1.0.4") && s.contains("MIT")), "{:?}", u.source);
}

#[test]
fn known_units() {
    let u = Units::builtin();
    let ia_dal = u.commune("23535").unwrap();
    assert_eq!((ia_dal.full_name().as_str(), ia_dal.province_code.as_str()), ("Xã Ia Đal", "51"));
    assert_eq!(ia_dal.police_name(), "Công an xã Ia Đal");
    assert_eq!(u.province("51").unwrap().full_name(), "Tỉnh Quảng Ngãi");
    assert_eq!(u.province("46").unwrap().full_name(), "Thành phố Huế");
    assert_eq!(u.commune("00004").unwrap().full_name(), "Phường Ba Đình");
    // The package's wardType column says "Xã" here; the official name says phường (the name wins).
    assert_eq!(u.commune("10543").unwrap().kind, CommuneKind::Phuong);
    assert_eq!(u.commune("31299").unwrap().kind, CommuneKind::Xa);
    let special: Vec<&str> =
        u.communes().iter().filter(|c| c.kind == CommuneKind::DacKhu).map(|c| c.name.as_str()).collect();
    assert!(special.contains(&"Phú Quốc") && special.contains(&"Lý Sơn") && special.contains(&"Côn Đảo"));
}

#[test]
fn search_ignores_accents_and_case() {
    let u = Units::builtin();
    let found = u.search_communes(Some("51"), "ia dal", 10);
    assert_eq!(found[0].unit.code, "23535");
    assert_eq!(found[0].rank, 0);
    // Decomposed input (NFD) finds the same.
    let nfd: String = "Ia Đal".nfd().collect();
    assert_eq!(u.search_communes(Some("51"), &nfd, 10)[0].unit.code, "23535");
    assert_eq!(u.search_communes(Some("51"), "XA IA DAL", 10)[0].unit.code, "23535");
    // A start of a word finds every commune with a word starting so, within the province only.
    let ia = u.search_communes(Some("52"), "ia", 200);
    assert!(ia.len() > 10 && ia.iter().all(|f| f.unit.province_code == "52"), "{}", ia.len());
    assert!(ia.iter().all(|f| phongtrao::text::fold(&f.unit.name).split(' ').any(|w| w.starts_with("ia"))));
    // Codes: a prefix finds the codes that start so.
    let by_code = u.search_communes(None, "2353", 50);
    assert!(by_code.iter().any(|f| f.unit.code == "23535") && by_code.iter().all(|f| f.unit.code.starts_with("2353")));
    // Provinces.
    assert_eq!(u.search_provinces("hue")[0].unit.code, "46");
    assert_eq!(u.search_provinces("tp ho chi minh").len(), 0, "«tp» is no word of the name");
    assert_eq!(u.search_provinces("ho chi minh")[0].unit.code, "79");
    assert_eq!(u.search_provinces("thanh pho").len(), 6);
    assert_eq!(u.search_provinces("").len(), 34);
    // Best matches first: "Gia Lai" itself before names that only contain the words.
    assert_eq!(u.search_provinces("gia lai")[0].rank, 0);
    // Results come in Vietnamese order within a rank.
    let all = u.search_communes(Some("51"), "", 1000);
    assert_eq!(all.len(), u.communes_of("51").len());
    assert!(all.windows(2).all(|w| phongtrao::text::compare(&w[0].unit.name, &w[1].unit.name).is_le()));
}

#[test]
fn setup_takes_codes_or_names_and_writes_the_official_ones() {
    let u = Units::builtin();
    let official = setup("51", "Quảng Ngãi", "23535", "Xã Ia Đal");
    // By codes only, by names only (without accents), by the commune's code in the name field.
    for s in [
        setup("51", "", "23535", ""),
        setup("", "quang ngai", "", "ia dal"),
        setup("", "Tỉnh Quảng Ngãi", "", "xã Ia Đal"),
        setup("", "51", "", "23535"),
        setup("51", "Quảng Ngãi", "23535", "Ia Đal"),
    ] {
        assert_eq!(resolve(u, &s).unwrap(), official, "{s:?}");
    }
}

#[test]
fn setup_refuses_what_is_not_in_the_list_and_suggests_close_names() {
    let u = Units::builtin();
    // The demo's old code 23430 is Xã Kon Đào: a code and a name that disagree are refused.
    let e = field_errors(resolve(u, &setup("51", "Quảng Ngãi", "23430", "Xã Ia Đal")).unwrap_err());
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, "commune");
    assert!(e[0].1.contains("23535") && e[0].1.contains("23430"), "{}", e[0].1);

    // A commune of another province names the province it belongs to.
    let e = field_errors(resolve(u, &setup("52", "", "23535", "")).unwrap_err());
    assert_eq!(e[0].0, "commune_code");
    assert!(e[0].1.contains("Xã Ia Đal") && e[0].1.contains("Tỉnh Quảng Ngãi") && e[0].1.contains("Tỉnh Gia Lai"));

    // A misspelt name: the closest names, with their codes.
    let e = field_errors(resolve(u, &setup("51", "", "", "Ia Dai")).unwrap_err());
    assert_eq!(e[0].0, "commune");
    assert!(e[0].1.contains("có phải") && e[0].1.contains("Xã Ia Đal (23535)"), "{}", e[0].1);
    let e = field_errors(resolve(u, &setup("", "Quang Ngai x", "", "Ia Đal")).unwrap_err());
    assert_eq!(e[0].0, "province");
    assert!(e[0].1.contains("Tỉnh Quảng Ngãi (51)"), "{}", e[0].1);

    // Unknown codes, empty fields, and every bad field at once.
    let e = field_errors(resolve(u, &setup("99", "", "", "")).unwrap_err());
    assert_eq!(e[0].0, "province_code");
    assert!(e[0].1.contains("99") && e[0].1.contains("34 tỉnh") && e[0].1.contains("01/07/2025"), "{}", e[0].1);
    let mut empty = setup("", "", "", "");
    empty.officer = " ".into();
    let e = field_errors(resolve(u, &empty).unwrap_err());
    let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["province", "officer"], "{e:?}");
    let e = field_errors(resolve(u, &setup("51", "", "", "")).unwrap_err());
    assert_eq!(e[0], ("commune".into(), "chưa chọn xã, phường, đặc khu".into()));

    // Names equal without accents in one province (Sơn Hà and Sơn Hạ in Quảng Ngãi): the accents typed
    // decide; without them, both are named with their codes.
    let e = field_errors(resolve(u, &setup("51", "", "", "son ha")).unwrap_err());
    assert!(e[0].1.contains("Xã Sơn Hà (21289)") && e[0].1.contains("Xã Sơn Hạ (21292)"), "{}", e[0].1);
    assert!(e[0].1.contains("hãy gõ đủ dấu hoặc ghi mã"), "{}", e[0].1);
    assert_eq!(resolve(u, &setup("51", "", "", "Sơn Hạ")).unwrap().commune_code, "21292");
    assert_eq!(resolve(u, &setup("51", "", "", "xã sơn hà")).unwrap().commune_code, "21289");
    assert_eq!(resolve(u, &setup("51", "", "21292", "son ha")).unwrap().commune, "Xã Sơn Hạ");
    // A xã and a phường of one name: the bare name is refused, the full name or the code settles it.
    let two =
        Units::parse("# version: 2\nP\t01\tTỉnh\tAn\nC\t00001\t01\tXã\tBình\nC\t00002\t01\tPhường\tBình\n").unwrap();
    let e = field_errors(resolve(&two, &setup("01", "", "", "binh")).unwrap_err());
    assert_eq!(e[0].0, "commune");
    assert!(
        e[0].1.contains("ghi mã") && e[0].1.contains("Xã Bình (00001)") && e[0].1.contains("Phường Bình (00002)"),
        "{}",
        e[0].1
    );
    assert_eq!(resolve(&two, &setup("01", "", "00002", "Bình")).unwrap().commune, "Phường Bình");
    assert_eq!(resolve(&two, &setup("01", "", "", "phuong binh")).unwrap().commune_code, "00002");
    // A province's partial name lists the provinces it could be.
    let e = field_errors(resolve(u, &setup("", "quang", "", "")).unwrap_err());
    assert!(e[0].1.contains("Tỉnh Quảng Ngãi (51)") && e[0].1.contains("Tỉnh Quảng Ninh (22)"), "{}", e[0].1);
}

fn item(code: &str, label: &str, data: serde_json::Value) -> RefItem {
    RefItem { code: code.into(), label: label.into(), data }
}

/// Quảng Ngãi's list as its province would send it, with Ia Đal become a phường and a new commune.
fn quang_ngai_update(version: i64) -> RefSet {
    let u = Units::builtin();
    let mut lists = u.ref_lists();
    lists[0].items.retain(|i| i.code == "51");
    lists[1].items.retain(|i| i.data["province"] == "51");
    for i in &mut lists[1].items {
        if i.code == "23535" {
            i.data["kind"] = "Phường".into();
        }
    }
    lists[1].items.push(item("99999", "Tân Mới", serde_json::json!({"kind": "Xã", "province": "51"})));
    RefSet { version, lists }
}

#[test]
fn a_province_bundle_updates_the_list_without_a_release() {
    let mut s = crate::store::new_store();
    assert_eq!(s.units().unwrap().communes().len(), 3321);
    assert_eq!(s.units().unwrap().commune("23535").unwrap().kind, CommuneKind::Xa);

    // The built-in list is version 1: a province's list of the same version changes nothing.
    s.apply_reference(&quang_ngai_update(1)).unwrap();
    assert!(s.units().unwrap().commune("99999").is_none());

    assert_eq!(s.apply_reference(&quang_ngai_update(2)).unwrap(), 2);
    let u = s.units().unwrap();
    assert_eq!(u.version, 2);
    assert_eq!(u.commune("23535").unwrap().full_name(), "Phường Ia Đal");
    assert_eq!(u.commune("99999").unwrap().province_code, "51");
    assert_eq!(u.communes().len(), 3322, "other provinces are kept from the built-in list");
    assert_eq!(u.communes_of("52").len(), Units::builtin().communes_of("52").len());
    assert!(s.audit_tail(1).unwrap()[0].action == "reference");
}

#[test]
fn a_bad_province_list_changes_nothing() {
    let mut s = crate::store::new_store();
    let before = s.ref_lists().unwrap();
    let seq = s.last_seq().unwrap();
    let mut bad = quang_ngai_update(3);
    bad.lists[1].items.push(item("123", "Mã ngắn", serde_json::json!({"kind": "Xã", "province": "51"})));
    let e = s.apply_reference(&bad).unwrap_err().to_string();
    assert!(e.contains("5 chữ số"), "{e}");
    let mut bad = quang_ngai_update(3);
    bad.lists[1].items.push(item("88888", "Lạ", serde_json::json!({"kind": "Thôn", "province": "51"})));
    assert!(s.apply_reference(&bad).unwrap_err().to_string().contains("không rõ loại"));
    let mut bad = quang_ngai_update(3);
    bad.lists[1].items.push(item("88887", "Ngoài", serde_json::json!({"kind": "Xã", "province": "52"})));
    assert!(s.apply_reference(&bad).unwrap_err().to_string().contains("không có trong gói"));
    let mut bad = quang_ngai_update(3);
    bad.lists[1].items.push(item("23535", "Trùng", serde_json::json!({"kind": "Xã", "province": "51"})));
    assert!(s.apply_reference(&bad).unwrap_err().to_string().contains("hai lần"));
    let mut half = quang_ngai_update(3);
    half.lists.retain(|l| l.list == COMMUNE_LIST);
    assert!(s.apply_reference(&half).unwrap_err().to_string().contains("một nửa"));
    assert!(!half.lists.iter().any(|l| l.list == PROVINCE_LIST));
    assert_eq!(s.ref_lists().unwrap(), before);
    assert_eq!(s.last_seq().unwrap(), seq);
    assert_eq!(s.units().unwrap().version, 1);
}

#[test]
fn the_data_file_is_what_the_script_writes() {
    // The generated file starts with its source and licence, and every line is a unit or a note.
    let tsv = include_str!("../../assets/reference/units.tsv");
    assert!(tsv.starts_with("# Danh mục đơn vị hành chính"));
    assert!(tsv.contains("# wheel sha256: 737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35"));
    assert_eq!(tsv.lines().filter(|l| l.starts_with("P\t")).count(), 34);
    assert_eq!(tsv.lines().filter(|l| l.starts_with("C\t")).count(), 3321);
    assert!(tsv.lines().all(|l| l.starts_with('#') || l.starts_with("P\t") || l.starts_with("C\t")));
    // A damaged file is refused with its line.
    let e = Units::parse("P\t01\tTỉnh\tA\nC\t0001\t01\tXã\tB\n").unwrap_err().to_string();
    assert!(e.contains("5 chữ số"), "{e}");
    let e = Units::parse("P\t01\tTỉnh\n").unwrap_err().to_string();
    assert!(e.contains("dòng 1"), "{e}");
}

fn phongtrao(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_phongtrao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PHONGTRAO_DB")
        .env_remove("PHONGTRAO_USER")
        .env("PHONGTRAO_PASSWORD", "mat-khau-dung")
        .output()
        .unwrap()
}

#[test]
fn init_on_the_command_line_takes_names_without_accents_and_refuses_what_is_not_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let stdout = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();

    // A code that is another commune's: refused before any password is asked, nothing created.
    let o = phongtrao(
        &db,
        &["init", "--province", "51", "--commune-code", "23430", "--commune", "Ia Đal", "--officer", "Nguyễn Văn An"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("«Ia Đal» có mã 23535, không phải 23430"), "{}", stderr(&o));
    assert!(!db.exists());
    // A misspelt name: the closest ones.
    let o = phongtrao(&db, &["init", "--province", "quang ngai", "--commune", "ia dai", "--officer", "Nguyễn Văn An"]);
    assert!(stderr(&o).contains("có phải: Xã Ia Đal (23535)"), "{}", stderr(&o));
    assert!(!db.exists());

    // Names without accents: the official codes and names are stored.
    let o = phongtrao(&db, &["init", "--province", "quang ngai", "--commune", "ia dal", "--officer", "Nguyễn Văn An"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Mã tỉnh 51, mã xã 23535"), "{}", stdout(&o));
    let info = stdout(&phongtrao(&db, &["info"]));
    assert!(info.starts_with("Xã Ia Đal (23535), Quảng Ngãi (51)"), "{info}");
    assert!(info.contains(&format!("cấu trúc dữ liệu {}", phongtrao::store::latest_schema())), "{info}");
    assert!(info.contains(&format!("Tệp dữ liệu: {}", db.display())), "{info}");
}

#[test]
fn the_units_command_lists_and_searches_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    let out = |args: &[&str]| {
        let o = phongtrao(&db, args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(out(&["units"]).lines().count(), 34);
    assert_eq!(out(&["units", "hue"]), "46\tThành phố Huế\n");
    assert_eq!(out(&["units", "--province", "51", "ia dal"]).lines().next(), Some("23535\tXã Ia Đal"));
    assert_eq!(out(&["units", "--province", "quang ngai"]).lines().count(), Units::builtin().communes_of("51").len());
    let o = phongtrao(&db, &["units", "--province", "99"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("mã «99» không có trong danh mục 34 tỉnh"));
    // A read of the list creates no store.
    assert!(!db.exists());
    // The version.
    let v = out(&["--version"]);
    assert_eq!(v.trim(), format!("phongtrao {}", env!("CARGO_PKG_VERSION")));
}

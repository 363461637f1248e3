//! Printing from the window (`print::save`): the forms a record fills, the saved files and their
//! names, the numbering (the same register as `phongtrao print`), roles, and which files may be
//! opened in the system viewer.

use chrono::NaiveDate;
use phongtrao::print::fill::PrintRequest;
use phongtrao::print::save;
use phongtrao::{Error, Kind, NewAccount, Role, Store};
use serde_json::json;

use super::forms::{area, meeting, store};
use super::print::{arg, squash, stdout};

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
}

fn req(form: &str, id: Option<uuid::Uuid>, blank: bool) -> PrintRequest {
    PrintRequest { form: form.into(), id, blank, date: date(), ..PrintRequest::default() }
}

fn text_of(path: &std::path::Path) -> String {
    squash(&stdout("pdftotext", "poppler-utils", &[arg(path), "-"]))
}

#[test]
fn a_meeting_prints_numbered_into_the_folder_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store();
    let a = area(&mut s);
    let m = meeting(&mut s, a);
    let names: Vec<&str> = save::forms_for(&s, Kind::Meeting, m).unwrap().iter().map(|f| f.name).collect();
    assert_eq!(names, ["bien-ban-hop"]);

    let first = save::print_to(&mut s, &req("bien-ban-hop", Some(m), false), dir.path()).unwrap();
    assert_eq!(first.path, dir.path().join("bien-ban-hop_01-bb-cax_2026.pdf"));
    assert_eq!(first.printed.issued.as_ref().unwrap().number_text(), "01/BB-CAX");
    assert_eq!(std::fs::read(&first.path).unwrap(), first.printed.pdf, "the file is the PDF returned");
    let text = text_of(&first.path);
    for want in ["BIÊN BẢN", "Số: 01/BB-CAX", "Bình xét khu dân cư đạt tiêu chuẩn", "Thôn Đắk Năng"]
    {
        assert!(text.contains(want), "missing «{want}» in {text}");
    }
    assert_eq!(
        first.message(),
        format!("Đã lưu Biên bản họp (Mẫu 1.9), kể cả biên bản bình xét số 01/BB-CAX vào tệp {}", first.path.display())
    );

    let second = save::print_to(&mut s, &req("bien-ban-hop", Some(m), false), dir.path()).unwrap();
    assert_eq!(second.path, dir.path().join("bien-ban-hop_02-bb-cax_2026.pdf"));
    assert!(text_of(&second.path).contains("Số: 02/BB-CAX"));
    // The register holds both, as the command line's `print --issued` shows them.
    let issued: Vec<String> = s.issued_documents(10).unwrap().iter().map(|d| d.number_text()).collect();
    assert_eq!(issued, ["02/BB-CAX", "01/BB-CAX"]);
    assert!(first.path.exists(), "the first file is kept");
}

#[test]
fn blank_forms_take_no_number_and_get_a_free_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store();
    let one = save::print_to(&mut s, &req("bien-ban-hop", None, true), dir.path()).unwrap();
    let two = save::print_to(&mut s, &req("bien-ban-hop", None, true), dir.path()).unwrap();
    assert_eq!(one.path, dir.path().join("bien-ban-hop_mau-trang.pdf"));
    assert_eq!(two.path, dir.path().join("bien-ban-hop_mau-trang (2).pdf"));
    assert!(one.printed.issued.is_none() && two.printed.issued.is_none());
    assert!(s.issued_documents(10).unwrap().is_empty());
    assert!(text_of(&one.path).contains("Số: ……/BB-CAX"));
    assert_eq!(
        one.message(),
        format!("Đã lưu Biên bản họp (Mẫu 1.9), kể cả biên bản bình xét vào tệp {}", one.path.display())
    );
    // A folder that does not exist yet is made.
    let nested = dir.path().join("moi").join("thu-muc");
    assert!(save::print_to(&mut s, &req("dang-ky-khoa", None, true), &nested).unwrap().path.starts_with(&nested));
}

#[test]
fn teams_and_activities_offer_their_forms_and_others_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store();
    let a = area(&mut s);
    let team = s
        .create(
            Kind::Team,
            json!({"name": "Tổ bảo vệ an ninh, trật tự Thôn Đắk Năng", "area_ids": [a.to_string()]})
                .as_object()
                .unwrap(),
        )
        .unwrap()
        .id;
    let names = |s: &Store, k, id| save::forms_for(s, k, id).unwrap().iter().map(|f| f.name).collect::<Vec<_>>();
    assert_eq!(names(&s, Kind::Team, team), ["quyet-dinh-thanh-lap-to"]);
    assert!(names(&s, Kind::Area, a).is_empty());
    let propaganda = s
        .create(Kind::Activity, json!({"category": "tuyen_truyen", "date": "2025-08-05", "title": "Tuyên truyền phòng, chống lừa đảo", "place": "Nhà văn hóa", "form": "hop_dan", "topic": "Lừa đảo qua mạng", "attendances": 120}).as_object().unwrap())
        .unwrap()
        .id;
    assert_eq!(names(&s, Kind::Activity, propaganda), ["ke-hoach", "giay-moi"]);
    // The UBND numbers its decisions: printed "Số: ……/QĐ-UBND", named by the date, no number taken.
    let d = save::print_to(&mut s, &req("quyet-dinh-thanh-lap-to", Some(team), false), dir.path()).unwrap();
    assert_eq!(d.path, dir.path().join("quyet-dinh-thanh-lap-to_2026-01-05.pdf"));
    assert!(d.printed.issued.is_none());
    assert!(text_of(&d.path).contains("QUYẾT ĐỊNH"));
}

#[test]
fn the_key_form_prints_this_installations_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store();
    let key = save::own_key(&mut s).unwrap();
    let (k, _) = s.sync_keys().unwrap();
    assert_eq!(key.key_id, k.public_key().unwrap().key_id());
    let r = PrintRequest { key: Some(key.clone()), ..req("dang-ky-khoa", None, false) };
    let saved = save::print_to(&mut s, &r, dir.path()).unwrap();
    let text = text_of(&saved.path);
    assert!(text.contains(&key.key_id), "{text}");
    // The fingerprint the sync page shows beside «đối chiếu với phiếu đăng ký khóa».
    assert_eq!(key.fingerprint, k.public_key().unwrap().fingerprint());
    assert!(text.contains(&key.fingerprint), "{text}");
}

#[test]
fn a_viewer_prints_blank_forms_but_takes_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut chief) = super::store::file_store(dir.path());
    let a = area(&mut chief);
    let m = meeting(&mut chief, a);
    chief
        .add_account(&NewAccount {
            username: "xem".into(),
            full_name: "Người xem".into(),
            rank: None,
            role: Role::Viewer,
            password: "mk-xem-123".into(),
        })
        .unwrap();
    drop(chief);
    let mut viewer = Store::unlock(&path, "xem", "mk-xem-123").unwrap();
    let out = dir.path().join("in");
    let e = save::print_to(&mut viewer, &req("bien-ban-hop", Some(m), false), &out).unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    assert!(e.to_string().contains("không được in văn bản có số"), "{e}");
    assert!(!out.exists(), "nothing written");
    assert!(viewer.issued_documents(10).unwrap().is_empty(), "no number taken");
    let blank = save::print_to(&mut viewer, &req("bien-ban-hop", None, true), &out).unwrap();
    assert!(blank.path.exists());
}

#[test]
fn only_pdfs_in_the_print_folder_may_be_opened() {
    let dir = tempfile::tempdir().unwrap();
    let print_dir = dir.path().join("in");
    std::fs::create_dir_all(&print_dir).unwrap();
    let outside = dir.path().join("khac.pdf");
    std::fs::write(&outside, b"%PDF-1.5").unwrap();
    let script = print_dir.join("chay.sh");
    std::fs::write(&script, b"#!/bin/sh\n").unwrap();
    for bad in [outside.clone(), script, print_dir.join("..").join("khac.pdf"), print_dir.join("khong-co.pdf")] {
        let e = save::open_saved(&print_dir, &bad).unwrap_err();
        assert!(matches!(e, Error::Refused(_) | Error::Io { .. }), "{bad:?}: {e:?}");
    }
    let e = save::open_saved(&print_dir.join("khong-co-thu-muc"), &outside).unwrap_err();
    assert!(e.to_string().contains("Chỉ mở được tệp PDF đã in"), "{e}");
}

//! Printing from the window (`print::save`): the forms a record fills, the saved files and their
//! names, the numbering (the same register as `phongtrao print`), roles, and which files may be
//! opened in the system viewer.

use chrono::NaiveDate;
use phongtrao::print::fill::{Numbering, PrintRequest};
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

    // Printed again (a later day): the same document, its number and date kept, a new file beside.
    let later =
        PrintRequest { date: NaiveDate::from_ymd_opt(2026, 2, 10).unwrap(), ..req("bien-ban-hop", Some(m), false) };
    let again = save::print_to(&mut s, &later, dir.path()).unwrap();
    assert_eq!(again.path, dir.path().join("bien-ban-hop_01-bb-cax_2026 (2).pdf"));
    assert!(again.printed.reprint);
    assert_eq!(again.printed.issued, first.printed.issued, "the same entry of the register");
    let text = text_of(&again.path);
    assert!(text.contains("Số: 01/BB-CAX"), "{text}");
    assert_eq!(
        again.message(),
        format!(
            "Đã lưu bản in lại Biên bản họp (Mẫu 1.9), kể cả biên bản bình xét số 01/BB-CAX ngày 05/01/2026 (giữ số đã cấp, không lấy số mới) vào tệp {}",
            again.path.display()
        )
    );
    assert_eq!(s.issued_documents(10).unwrap().len(), 1, "a reprint takes no number");
    assert!(first.path.exists(), "the first file is kept");
}

#[test]
fn a_preview_takes_no_number_a_reprint_keeps_it_a_new_document_takes_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store();
    let a = area(&mut s);
    let m = meeting(&mut s, a);
    let other = meeting(&mut s, a);

    // Before the first print: the preview shows "Số: ……/BB-CAX", takes nothing, writes no file.
    let p = save::preview(&mut s, &req("bien-ban-hop", Some(m), false)).unwrap();
    assert!(p.preview && !p.reprint && p.issued.is_none() && p.number.is_none());
    assert_eq!(
        save::preview_note(&p, false),
        "Bản xem trước, chưa lấy số: số tiếp theo trong sổ văn bản chỉ được cấp khi lưu."
    );
    let pdf = dir.path().join("xem-truoc.pdf");
    std::fs::write(&pdf, &p.pdf).unwrap();
    assert!(text_of(&pdf).contains("Số: ……/BB-CAX"));
    assert!(s.issued_documents(10).unwrap().is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the file this test wrote");

    let first = save::print_to(&mut s, &req("bien-ban-hop", Some(m), false), dir.path()).unwrap();
    assert_eq!(first.printed.number.as_deref(), Some("01/BB-CAX"), "the preview took no number");

    // Now the preview shows the number a reprint keeps.
    let p = save::preview(&mut s, &req("bien-ban-hop", Some(m), false)).unwrap();
    assert!(p.reprint && p.preview);
    assert_eq!(p.number.as_deref(), Some("01/BB-CAX"));
    assert!(save::preview_note(&p, false).starts_with(
        "Văn bản này đã cấp số 01/BB-CAX ngày 05/01/2026 (Nguyễn Văn An): lưu lại là in lại đúng số và ngày đó"
    ));

    // The officer asks for a new document: the next number, and from then on it is the one kept.
    let new = PrintRequest { numbering: Numbering::New, ..req("bien-ban-hop", Some(m), false) };
    let second = save::print_to(&mut s, &new, dir.path()).unwrap();
    assert_eq!(second.printed.number.as_deref(), Some("02/BB-CAX"));
    assert!(!second.printed.reprint);
    let kept = save::print_to(&mut s, &req("bien-ban-hop", Some(m), false), dir.path()).unwrap();
    assert_eq!(kept.printed.number.as_deref(), Some("02/BB-CAX"));
    // Another record's document takes the next number: 03 (no number lost to previews or reprints).
    let p = save::preview(&mut s, &req("bien-ban-hop", Some(other), false)).unwrap();
    assert!(p.number.is_none());
    let third = save::print_to(&mut s, &req("bien-ban-hop", Some(other), false), dir.path()).unwrap();
    assert_eq!(third.printed.number.as_deref(), Some("03/BB-CAX"));

    // The register, newest first, and a reprint of its oldest entry under 01.
    let lines = save::register(&s, 10).unwrap();
    let numbers: Vec<&str> = lines.iter().map(|l| l.number.as_str()).collect();
    assert_eq!(numbers, ["03/BB-CAX", "02/BB-CAX", "01/BB-CAX"]);
    let l = &lines[2];
    assert_eq!(
        (l.form, l.about.as_str(), l.record, l.issued_by.as_str(), l.issued_on.as_str()),
        (
            "bien-ban-hop",
            "Bình xét khu dân cư đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2025 – Thôn Đắk Năng",
            Some((Kind::Meeting, m)),
            "Nguyễn Văn An",
            "05/01/2026"
        )
    );
    let again = save::reprint_to(&mut s, l.id, dir.path()).unwrap();
    assert_eq!(again.printed.number.as_deref(), Some("01/BB-CAX"));
    assert!(again.printed.reprint);
    assert!(text_of(&again.path).contains("Số: 01/BB-CAX"));
    assert_eq!(s.issued_documents(10).unwrap().len(), 3, "a reprint takes no number");
    // An entry reprinted under another record is refused.
    let wrong = PrintRequest { numbering: Numbering::Reprint(l.id), ..req("bien-ban-hop", Some(other), false) };
    let e = save::print_to(&mut s, &wrong, dir.path()).unwrap_err();
    assert!(e.to_string().starts_with("Văn bản số 01/BB-CAX trong sổ là mẫu «bien-ban-hop» của bản ghi khác"), "{e}");
}

#[test]
fn the_yearly_report_is_filled_and_a_reprint_of_its_year_keeps_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store();
    s.create(
        Kind::Activity,
        json!({"category": "tuyen_truyen", "date": "2025-08-05", "title": "Tuyên truyền phòng, chống lừa đảo", "place": "Nhà văn hóa", "form": "hop_dan", "topic": "Lừa đảo qua mạng", "attendances": 120})
            .as_object()
            .unwrap(),
    )
    .unwrap();
    let year = |y| PrintRequest { year: Some(y), ..req("bao-cao-ket-qua", None, false) };
    let r2025 = save::print_to(&mut s, &year(2025), dir.path()).unwrap();
    assert_eq!(r2025.printed.number.as_deref(), Some("01/BC-CAX"));
    let text = text_of(&r2025.path);
    // The indicators' column, then their values: 1 talk, 120 listeners.
    for want in
        ["Số: 01/BC-CAX", "Tổ quốc năm 2025", "Số buổi tuyên truyền Số lượt người nghe tuyên truyền", "1 120 0 0"]
    {
        assert!(text.contains(want), "«{want}» missing in {text}");
    }
    assert!(save::print_to(&mut s, &year(2025), dir.path()).unwrap().printed.reprint);
    let r2024 = save::print_to(&mut s, &year(2024), dir.path()).unwrap();
    assert_eq!(r2024.printed.number.as_deref(), Some("02/BC-CAX"), "another year is another report");
    let lines = save::register(&s, 10).unwrap();
    assert_eq!(lines.iter().map(|l| l.about.as_str()).collect::<Vec<_>>(), ["Năm 2024", "Năm 2025"]);
    assert_eq!(lines[1].record, None);
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

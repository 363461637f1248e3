//! The review loop (issue 16): the province approves, returns or reopens a commune's period; an
//! approved period is locked at both ends; decisions travel in signed decision bundles, and every
//! forged, foreign, replayed or rolled-back one is refused and changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Utc;
use phongtrao::Error;
use phongtrao::domain::review::{Action, State};
use phongtrao::domain::{Doc, Kind};
use phongtrao::keyring::KdfParams;
use phongtrao::period::Period;
use phongtrao::province::review::{self, Ask};
use phongtrao::store::Store;
use phongtrao::sync::bundle::{self, BundleKind, Manifest};
use phongtrao::sync::commune::{self, ExportOptions, Imported};
use phongtrao::sync::province::{ImportOptions, Province};
use serde_json::json;
use uuid::Uuid;

use crate::sync::{PW, activity, doc, enrolled_in_memory, ok, run, unpack_tar};

struct World {
    dir: tempfile::TempDir,
    province: Province,
    enrollment: PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let (province, enrollment) =
        Province::init(&dir.path().join("tinh"), PW, "51", "Quảng Ngãi", KdfParams::insecure_for_tests()).unwrap();
    World { dir, province, enrollment }
}

fn nov() -> Period {
    "2026-11".parse().unwrap()
}

impl World {
    fn usb(&self) -> PathBuf {
        let p = self.dir.path().join("usb");
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    fn commune(&mut self, code: &str) -> Store {
        enrolled_in_memory(&mut self.province, &self.enrollment, code, |_| {})
    }

    /// The commune sends everything new; the province imports it. Returns the receipt.
    fn send(&mut self, s: &mut Store) -> PathBuf {
        let f = commune::export(s, &self.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap().path;
        let opts = ImportOptions { dry_run: false, receipt_dir: Some(self.dir.path().join("receipts")) };
        self.province.import(&f, &opts).unwrap().receipt.unwrap()
    }

    fn decide(&mut self, code: &str, action: Action, ask: Ask) -> PathBuf {
        review::decide(&mut self.province, code, nov(), action, &ask, Utc::now()).unwrap();
        self.province.write_decisions(code, &self.usb(), Utc::now()).unwrap()
    }
}

fn note(s: &str) -> Ask {
    Ask { note: s.into(), records: Vec::new() }
}

/// Everything a refused write or import must leave as it was.
fn snapshot(s: &Store) -> (i64, Vec<(Kind, i64)>, usize, usize, usize) {
    (
        s.last_seq().unwrap(),
        s.counts().unwrap(),
        s.audit_tail(10_000).unwrap().len(),
        s.review_decisions().unwrap().len(),
        s.returned_items().unwrap().len(),
    )
}

fn locked(e: &Error) {
    assert_eq!(e.code(), "period_locked", "{e}");
    let m = e.to_string();
    assert!(m.contains("Tháng 11/2026 (15/10/2026 – 14/11/2026)"), "{m}");
    assert!(m.contains("đã được Công an tỉnh duyệt") && m.contains("Chỉ Công an tỉnh mới mở lại"), "{m}");
}

#[test]
fn approve_locks_the_period_at_the_commune_and_reopen_unlocks_it() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "Tuyên truyền tháng 11");
    let b = activity(&mut s, "2026-11-20", "Tuyên truyền tháng 12");
    let area = s
        .create(Kind::Area, &doc(json!({"name": "Thôn Một", "kind": "thon", "households": 10, "population": 40})))
        .unwrap()
        .id;
    w.send(&mut s);
    assert_eq!(review::state(&w.province, "23430", nov()).unwrap().state, State::Sent);

    let file = w.decide("23430", Action::Approve, note("Số liệu đầy đủ"));
    assert_eq!(review::state(&w.province, "23430", nov()).unwrap().state, State::Approved);
    let Imported::Decisions(d, _) = commune::import(&mut s, &file).unwrap() else { panic!("a decision bundle") };
    assert_eq!(d.applied.len(), 1);
    assert_eq!(s.locked_periods().unwrap().len(), 1);

    // Every write into the period is refused, and changes nothing.
    let before = snapshot(&s);
    locked(&s.update(Kind::Activity, a, &doc(json!({"title": "Sửa"}))).unwrap_err());
    locked(&s.delete(Kind::Activity, a).unwrap_err());
    locked(&activity_err(&mut s, "2026-11-01"));
    locked(&s.update(Kind::Activity, b, &doc(json!({"date": "2026-11-10"}))).unwrap_err());
    assert_eq!(snapshot(&s), before);
    // Outside the period, and registers without a date, stay editable.
    s.update(Kind::Activity, b, &doc(json!({"title": "Sửa tháng 12"}))).unwrap();
    s.update(Kind::Area, area, &doc(json!({"households": 12}))).unwrap();
    activity(&mut s, "2026-11-15", "Tháng 12");

    // The province's chief reopens it: the commune can write again.
    let file = w.decide("23430", Action::Reopen, note("Xã xin sửa số người dự"));
    commune::import(&mut s, &file).unwrap();
    assert!(s.locked_periods().unwrap().is_empty());
    s.update(Kind::Activity, a, &doc(json!({"title": "Sửa sau khi mở lại"}))).unwrap();
    let audit: Vec<String> = s.audit_tail(100).unwrap().into_iter().map(|e| e.action).collect();
    assert!(audit.contains(&"review_approve".to_owned()) && audit.contains(&"review_reopen".to_owned()), "{audit:?}");
    let actions: Vec<String> = w.province.db().audit_log().unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"review_approve".into()) && actions.contains(&"review_reopen".into()), "{actions:?}");
}

fn activity_err(s: &mut Store, date: &str) -> Error {
    s.create(
        Kind::Activity,
        &doc(json!({"category": "tuyen_truyen", "date": date, "form": "hop_dan", "topic": "Lừa đảo"})),
    )
    .unwrap_err()
}

#[test]
fn the_lock_holds_for_certification_steps_sync_merges_and_spreadsheet_rows() {
    let mut w = world();
    let mut s = w.commune("23430");
    let meeting = s
        .create(
            Kind::Meeting,
            &doc(json!({"title": "Họp bình xét", "kind": "binh_xet", "starts_at": "2026-11-02T08:00",
                "place": "Nhà văn hóa", "chair": "Nguyễn Văn An", "secretary": "Lê Thị Hoa"})),
        )
        .unwrap()
        .id;
    // An area registered for "An toàn về ANTT" on a day of the period.
    let unit = s
        .create(Kind::Area, &doc(json!({"name": "Thôn Hai", "kind": "thon", "households": 10, "population": 40})))
        .unwrap()
        .id;
    s.cert_advance(
        Some(unit),
        2026,
        &doc(json!({"registered_on": "20/10/2026", "resolution_number": "05/NQ-CB", "resolution_date": "15/10/2026",
            "households_registered": 10, "households_committed": 9})),
    )
    .unwrap();
    let reg = s.cert_view(Some(unit), 2026).unwrap();
    assert!(format!("{reg:?}").contains("2026-10-20"), "registered on a day of November's period: {reg:?}");
    w.send(&mut s);
    let file = w.decide("23430", Action::Approve, note(""));
    commune::import(&mut s, &file).unwrap();
    let before = snapshot(&s);
    // Undoing the registration step writes into the period: refused.
    locked(&s.cert_revert(Some(unit), 2026, "Đăng ký nhầm").unwrap_err());
    // A merge from another laptop of the commune into the locked period.
    let mut change = s.changes_since(0, 100).unwrap().into_iter().find(|c| c.id == meeting).unwrap();
    change.hlc = phongtrao::hlc::Hlc(change.hlc.0 + 1_000_000);
    change.origin = Uuid::now_v7();
    change.data.as_mut().unwrap().insert("title".into(), json!("Họp sửa từ máy khác"));
    locked(&s.apply_changes(&[change]).unwrap_err());
    // A spreadsheet row dated in the period.
    let csv = w.dir.path().join("hd.csv");
    std::fs::write(&csv, "Loại hoạt động,Ngày,Tên hoạt động,Hình thức tuyên truyền,Chủ đề\nTuyên truyền,05/11/2026,Từ Excel,Họp dân,Lừa đảo\n").unwrap();
    let e = phongtrao::sheet::import::import_file(
        &mut s,
        Kind::Activity,
        &csv,
        &phongtrao::sheet::import::ImportOptions::default(),
    );
    match e {
        Err(e) => assert!(e.to_string().contains("đã được Công an tỉnh duyệt"), "{e}"),
        Ok(r) => assert!(format!("{r:?}").contains("đã được Công an tỉnh duyệt"), "{r:?}"),
    }
    assert_eq!(snapshot(&s), before);
    // A step of its own day after the period goes through: the lock is per step.
    let v = s.cert_view(Some(unit), 2026).unwrap();
    let criteria: Vec<serde_json::Value> =
        v.criteria.iter().map(|c| json!({"code": c.code, "met": true, "note": "Đạt", "evidence": "Báo cáo"})).collect();
    s.cert_advance(
        Some(unit),
        2026,
        &doc(json!({"criteria": criteria, "self_score": 95, "assessed_on": "02/12/2026"})),
    )
    .unwrap();
}

#[test]
fn return_with_three_reasons_becomes_a_todo_list_then_corrected_then_approved() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "Tuyên truyền A");
    let b = activity(&mut s, "2026-10-25", "Tuyên truyền B");
    w.send(&mut s);
    let ask = Ask {
        note: "Thiếu báo cáo hội nghị sơ kết".into(),
        records: vec![(a, "Thiếu số người dự".into()), (b, "Sai ngày tổ chức".into())],
    };
    let file = w.decide("23430", Action::Return, ask);
    assert_eq!(review::state(&w.province, "23430", nov()).unwrap().state, State::Returned);
    commune::import(&mut s, &file).unwrap();
    let view = phongtrao::present::review::commune(&s).unwrap();
    assert_eq!(view.todo.len(), 3, "{:?}", view.todo);
    assert_eq!(view.open, 3);
    let item_a = view.todo.iter().find(|t| t.record_id == Some(a)).unwrap();
    assert_eq!(item_a.title, "Tuyên truyền A");
    assert_eq!(item_a.reason, "Thiếu số người dự");
    assert_eq!(view.periods[0].state, State::Returned);

    // Editing a record marks its reason done; the general one is ticked by hand.
    s.update(Kind::Activity, a, &doc(json!({"notes": "120 người dự"}))).unwrap();
    s.update(Kind::Activity, b, &doc(json!({"date": "2026-10-26"}))).unwrap();
    let general = phongtrao::present::review::commune(&s).unwrap().todo.into_iter().find(|t| !t.done).unwrap();
    assert!(general.record_id.is_none());
    s.mark_returned_done(general.decision as i64, general.i as i64).unwrap();
    let view = phongtrao::present::review::commune(&s).unwrap();
    assert_eq!(view.open, 0);
    assert_eq!(view.periods[0].state, State::Corrected);

    // The corrections reach the province: "Đã sửa"; it approves.
    w.send(&mut s);
    assert_eq!(review::state(&w.province, "23430", nov()).unwrap().state, State::Corrected);
    let file = w.decide("23430", Action::Approve, note(""));
    commune::import(&mut s, &file).unwrap();
    assert_eq!(phongtrao::present::review::commune(&s).unwrap().periods[0].state, State::Approved);
    assert!(phongtrao::present::review::commune(&s).unwrap().todo.is_empty(), "an approved period has no to-do");
}

#[test]
fn decisions_are_checked_at_the_province() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "A");
    // Nothing received yet: nothing to approve.
    let e = review::decide(&mut w.province, "23430", nov(), Action::Approve, &note(""), Utc::now()).unwrap_err();
    assert!(e.to_string().contains("Chưa nhận gói nào"), "{e}");
    w.send(&mut s);
    // A return needs a reason; a record must be the commune's.
    let e = review::decide(&mut w.province, "23430", nov(), Action::Return, &note(""), Utc::now()).unwrap_err();
    assert!(e.to_string().contains("Lý do"), "{e}");
    let ask = Ask { note: String::new(), records: vec![(Uuid::now_v7(), "x".into())] };
    let e = review::decide(&mut w.province, "23430", nov(), Action::Return, &ask, Utc::now()).unwrap_err();
    assert!(e.to_string().contains("không có bản ghi"), "{e}");
    // Not a period of the province's frequency; reopening what is not approved.
    let q: Period = "2026-Q4".parse().unwrap();
    let e = review::decide(&mut w.province, "23430", q, Action::Approve, &note(""), Utc::now()).unwrap_err();
    assert!(e.to_string().contains("không phải một kỳ báo cáo"), "{e}");
    let e = review::decide(&mut w.province, "23430", nov(), Action::Reopen, &note("x"), Utc::now()).unwrap_err();
    assert!(e.to_string().contains("chưa được duyệt"), "{e}");
    review::decide(&mut w.province, "23430", nov(), Action::Approve, &note(""), Utc::now()).unwrap();
    let e = review::decide(&mut w.province, "23430", nov(), Action::Approve, &note(""), Utc::now()).unwrap_err();
    assert!(e.to_string().contains("đã được duyệt"), "{e}");
    // Reopening needs a reason.
    let e = review::decide(&mut w.province, "23430", nov(), Action::Reopen, &note(" "), Utc::now()).unwrap_err();
    assert!(e.to_string().contains("Lý do"), "{e}");
    let _ = a;
}

#[test]
fn a_change_to_an_approved_period_waits_in_the_queue_until_the_reviewer_decides() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "Tuyên truyền A");
    w.send(&mut s);
    w.decide("23430", Action::Approve, note(""));
    // The commune has not imported the approval (or an old backup was restored): it edits A.
    s.update(Kind::Activity, a, &doc(json!({"title": "Tuyên truyền A (sửa)"}))).unwrap();
    let fresh = activity(&mut s, "2026-11-25", "Tháng 12");
    w.send(&mut s);
    let q = review::held(&w.province).unwrap();
    assert_eq!(q.len(), 1, "only the change to the approved period is held");
    let h = &q[0];
    assert_eq!(h.entry.row.record_id, a.to_string());
    assert!(
        h.changes.iter().any(|c| c.approved == "Tuyên truyền A" && c.sent == "Tuyên truyền A (sửa)"),
        "{:?}",
        h.changes
    );
    // The province still holds the approved version; the record of December went in.
    let inst = s.commune().unwrap().installation_id;
    let title_at_province = |w: &World| {
        let doc = w.province.db().live(inst, Kind::Activity, a).unwrap().unwrap();
        doc["title"].as_str().unwrap().to_owned()
    };
    assert_eq!(title_at_province(&w), "Tuyên truyền A");
    assert!(w.province.db().live(inst, Kind::Activity, fresh).unwrap().is_some());
    // Refused: kept aside. A second bundle with another change: accepted, which reopens the period.
    review::decide_held(&mut w.province, &h.id, false, "Giữ số liệu đã duyệt", Utc::now()).unwrap();
    assert_eq!(title_at_province(&w), "Tuyên truyền A");
    s.update(Kind::Activity, a, &doc(json!({"title": "Tuyên truyền A (sửa lần 2)", "attendances": 77}))).unwrap();
    w.send(&mut s);
    // The figures count the approved version while the change is held (read, and kept between reads).
    let figures_at_province = |w: &World| {
        phongtrao::province::figures::figures(&w.province, nov(), Some("23430")).unwrap().communes[0].figures.clone()
    };
    let own = phongtrao::figures::of_store(&s, nov()).unwrap();
    assert_eq!(own.value("tuyen_truyen_luot"), 77);
    assert_eq!(figures_at_province(&w).value("tuyen_truyen_luot"), 0);
    let open = review::held(&w.province).unwrap().into_iter().find(|h| h.entry.decision.is_none()).unwrap();
    let e = review::decide_held(&mut w.province, &open.id, true, "", Utc::now()).unwrap_err();
    assert!(e.to_string().contains("Ghi chú"), "{e}");
    review::decide_held(&mut w.province, &open.id, true, "Xã sửa đúng", Utc::now()).unwrap();
    assert_eq!(title_at_province(&w), "Tuyên truyền A (sửa lần 2)");
    // Accepted: the figures (their sums kept dropped with the decision) are the commune's own.
    assert_eq!(figures_at_province(&w), own, "the accepted change counts");
    assert_eq!(review::state(&w.province, "23430", nov()).unwrap().state, State::Sent);
    let e = review::decide_held(&mut w.province, &open.id, false, "lại", Utc::now()).unwrap_err();
    assert!(e.to_string().contains("một lần"), "{e}");
    let actions: Vec<String> = w.province.db().audit_log().unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"held_change_refuse".into()) && actions.contains(&"held_change_accept".into()));
}

// ---- Trust: every forged, foreign, replayed or rolled-back decision is refused, changing nothing.

/// The files of a province bundle (bare tar).
fn unpack(bytes: &[u8]) -> (Manifest, BTreeMap<String, Vec<u8>>) {
    unpack_tar(bytes)
}

/// Signs `decisions.json` under `m` with `key` into a file on the stick.
fn forge(w: &World, m: Manifest, payload: Vec<u8>, key: &phongtrao::crypto::SigningKey, name: &str) -> PathBuf {
    let (bytes, _, _) = bundle::write(m, &[("decisions.json".into(), payload)], key, &[]).unwrap();
    let path = w.usb().join(name);
    phongtrao::fsutil::write_atomic(&path, &bytes).unwrap();
    path
}

fn refused(s: &mut Store, f: &Path, code: &str, words: &str) {
    let before = snapshot(s);
    let e = commune::import(s, f).unwrap_err();
    assert_eq!(e.code(), code, "{e}");
    assert!(e.to_string().contains(words), "{e}");
    assert!(e.to_string().contains("Không nhập gì") || e.to_string().contains("Không thay đổi gì"), "{e}");
    assert_eq!(snapshot(s), before, "the store is unchanged");
}

struct Trust {
    w: World,
    s: Store,
    /// The genuine decision bundle (an approval).
    file: PathBuf,
    a: Uuid,
}

fn trust() -> Trust {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "A");
    w.send(&mut s);
    let file = w.decide("23430", Action::Return, Ask { note: String::new(), records: vec![(a, "Sai".into())] });
    Trust { w, s, file, a }
}

#[test]
fn a_decision_signed_by_another_key_is_refused() {
    let Trust { w, mut s, file, .. } = trust();
    let (forger, _) =
        Province::init(&w.dir.path().join("gia"), PW, "51", "Quảng Ngãi", KdfParams::insecure_for_tests()).unwrap();
    let (m, files) = unpack(&std::fs::read(&file).unwrap());
    let f = forge(&w, m, files["decisions.json"].clone(), &forger.meta().signing, "gia.ptb");
    refused(&mut s, &f, "bundle_unknown_key", "không được ký bằng khóa của Công an tỉnh");
}

#[test]
fn a_decision_for_another_commune_is_refused() {
    let Trust { mut w, mut s, .. } = trust();
    let mut other = w.commune("23437");
    activity(&mut other, "2026-10-21", "B");
    w.send(&mut other);
    let f = w.decide("23437", Action::Approve, note(""));
    refused(&mut s, &f, "bundle_commune", "dành cho xã có mã 23437");
    // The manifest says ours, the signed payload another's: refused as well.
    let (mut m, files) = unpack(&std::fs::read(&f).unwrap());
    m.commune_code = "23430".into();
    let f = forge(&w, m, files["decisions.json"].clone(), &w.province.meta().signing, "lai.ptb");
    refused(&mut s, &f, "bundle_commune", "dành cho xã có mã 23437");
}

#[test]
fn a_decision_for_another_province_is_refused() {
    let Trust { w, mut s, file, .. } = trust();
    let (mut m, files) = unpack(&std::fs::read(&file).unwrap());
    m.province_code = "52".into();
    let f = forge(&w, m, files["decisions.json"].clone(), &w.province.meta().signing, "tinh-khac.ptb");
    refused(&mut s, &f, "bundle_other_province", "tỉnh có mã 52");
}

#[test]
fn an_older_decision_bundle_is_refused_replay_and_rollback() {
    let Trust { mut w, mut s, file, a } = trust();
    commune::import(&mut s, &file).unwrap();
    // The same bundle again: a replay.
    refused(&mut s, &file, "decision_replay", "đã được nhập trước đây");
    // The commune corrects, the province approves: the old bundle (the return alone) is a rollback.
    s.update(Kind::Activity, a, &doc(json!({"title": "A sửa"}))).unwrap();
    w.send(&mut s);
    let newer = w.decide("23430", Action::Approve, note(""));
    commune::import(&mut s, &newer).unwrap();
    refused(&mut s, &file, "decision_rollback", "cũ hơn");
    refused(&mut s, &newer, "decision_replay", "đã được nhập trước đây");
    // A bundle that rewrites a decision already applied (same number, another decision).
    let (m, files) = unpack(&std::fs::read(&newer).unwrap());
    let mut payload: serde_json::Value = serde_json::from_slice(&files["decisions.json"]).unwrap();
    payload["decisions"][0]["action"] = json!("approve");
    payload["decisions"][0]["reasons"] = json!([]);
    let mut third = payload["decisions"][1].clone();
    third["n"] = json!(3);
    third["id"] = json!(Uuid::now_v7());
    third["action"] = json!("reopen");
    payload["decisions"].as_array_mut().unwrap().push(third);
    let f = forge(&w, m, serde_json::to_vec(&payload).unwrap(), &w.province.meta().signing, "sua-lich-su.ptb");
    refused(&mut s, &f, "decision_conflict", "khác với quyết định số 1");
    assert_eq!(s.locked_periods().unwrap().len(), 1, "still approved");
}

#[test]
fn a_decision_naming_records_the_commune_does_not_have_is_refused() {
    let Trust { w, mut s, file, .. } = trust();
    let (m, files) = unpack(&std::fs::read(&file).unwrap());
    let mut payload: serde_json::Value = serde_json::from_slice(&files["decisions.json"]).unwrap();
    payload["decisions"][0]["reasons"][0]["record_id"] = json!(Uuid::now_v7());
    let f = forge(&w, m, serde_json::to_vec(&payload).unwrap(), &w.province.meta().signing, "la.ptb");
    refused(&mut s, &f, "decision_unknown_record", "mà máy này không có");
}

#[test]
fn a_receipt_carries_the_decisions_and_a_decision_bundle_with_an_unknown_file_is_refused() {
    let Trust { mut w, mut s, file, a } = trust();
    // The next receipt carries the return.
    s.update(Kind::Activity, a, &doc(json!({"notes": "x"}))).unwrap();
    let receipt = w.send(&mut s);
    let Imported::Receipt { decisions, .. } = commune::import(&mut s, &receipt).unwrap() else { panic!() };
    assert_eq!(decisions.len(), 1);
    assert_eq!(s.review_decisions().unwrap().len(), 1);
    let _ = BundleKind::Decision;
    let (m, files) = unpack(&std::fs::read(&file).unwrap());
    let (bytes, _, _) = bundle::write(
        m,
        &[("decisions.json".into(), files["decisions.json"].clone()), ("khen-thuong.json".into(), b"[]".to_vec())],
        &w.province.meta().signing,
        &[],
    )
    .unwrap();
    let f = w.usb().join("moi.ptb");
    phongtrao::fsutil::write_atomic(&f, &bytes).unwrap();
    refused(&mut s, &f, "bundle_version", "Hãy cập nhật phongtrao");
}

// ---- The command line, both ends.

#[test]
fn the_command_line_approves_locks_reopens_and_returns() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (tinh, db, usb) = (p("tinh"), p("xa.db"), p("usb"));
    let init = ok(&["province", "init", "--dir", &tinh, "--province-code", "51", "--province", "Quảng Ngãi"]);
    let enrollment = init.lines().find(|l| l.ends_with(".ptb")).unwrap().trim().to_owned();
    ok(&["--db", &db, "init", "--province-code", "51", "--commune-code", "23430", "--officer", "Nguyễn Văn An"]);
    ok(&["--db", &db, "enroll", &enrollment]);
    ok(&["--db", &db, "key", "export-pub", "--out", &p("xa.pub")]);
    ok(&["province", "--dir", &tinh, "register", "--commune-code", "23430", "--pubkey", &p("xa.pub")]);
    let id = ok(&[
        "--db",
        &db,
        "add",
        "activity",
        "--json",
        r#"{"category": "tuyen_truyen", "date": "2026-10-20", "title": "Tuyên truyền", "form": "hop_dan", "topic": "Lừa đảo"}"#,
    ]);
    let id = id.trim().to_owned();
    std::fs::create_dir_all(&usb).unwrap();
    let bundle = ok(&["--db", &db, "bundle", "export", "--out", &usb]);
    ok(&["province", "--dir", &tinh, "import", bundle.trim(), "--receipt-out", &usb]);

    let list = ok(&["province", "--dir", &tinh, "review", "--period", "2026", "--state", "sent"]);
    assert!(list.contains("2026-11") && list.contains("Đã gửi"), "{list}");
    let out = ok(&[
        "province",
        "--dir",
        &tinh,
        "review",
        "approve",
        "--commune",
        "23430",
        "--period",
        "2026-11",
        "--out",
        &usb,
    ]);
    assert!(out.contains("Đã duyệt kỳ Tháng 11/2026"), "{out}");
    let file = out.lines().find_map(|l| l.strip_prefix("Gói quyết định cho xã: ")).unwrap().to_owned();
    let imported = ok(&["--db", &db, "bundle", "import", &file]);
    assert!(imported.contains("Công an tỉnh đã duyệt kỳ Tháng 11/2026"), "{imported}");
    // Locked: the edit is refused by the core, with the period, who and when.
    let e = run(&["--db", &db, "edit", "activity", &id, "--json", r#"{"title": "Sửa"}"#]);
    assert!(!e.status.success());
    let err = String::from_utf8_lossy(&e.stderr);
    assert!(err.contains("Tháng 11/2026") && err.contains("Chỉ Công an tỉnh mới mở lại"), "{err}");
    let review = ok(&["--db", &db, "review"]);
    assert!(review.contains("Đã duyệt"), "{review}");
    // Replayed: refused.
    let again = run(&["--db", &db, "bundle", "import", &file]);
    assert!(!again.status.success());
    // Reopened with a reason; the edit goes through.
    let no_reason = run(&["province", "--dir", &tinh, "review", "reopen", "--commune", "23430", "--period", "2026-11"]);
    assert!(!no_reason.status.success());
    let out = ok(&[
        "province",
        "--dir",
        &tinh,
        "review",
        "reopen",
        "--commune",
        "23430",
        "--period",
        "2026-11",
        "--reason",
        "Xã xin sửa",
        "--out",
        &usb,
    ]);
    let file = out.lines().find_map(|l| l.strip_prefix("Gói quyết định cho xã: ")).unwrap().to_owned();
    ok(&["--db", &db, "bundle", "import", &file]);
    ok(&["--db", &db, "edit", "activity", &id, "--json", r#"{"title": "Sửa"}"#]);
    // Returned with a reason on the record: the commune's to-do list.
    let bundle = ok(&["--db", &db, "bundle", "export", "--out", &usb]);
    ok(&["province", "--dir", &tinh, "import", bundle.trim(), "--receipt-out", &usb]);
    let out = ok(&[
        "province",
        "--dir",
        &tinh,
        "review",
        "return",
        "--commune",
        "23430",
        "--period",
        "2026-11",
        "--record",
        &format!("{id}=Thiếu số người dự"),
        "--out",
        &usb,
    ]);
    let file = out.lines().find_map(|l| l.strip_prefix("Gói quyết định cho xã: ")).unwrap().to_owned();
    ok(&["--db", &db, "bundle", "import", &file]);
    let todo = ok(&["--db", &db, "review"]);
    assert!(todo.contains("[ ]") && todo.contains("Thiếu số người dự"), "{todo}");
    ok(&["--db", &db, "edit", "activity", &id, "--json", r#"{"notes": "120 người"}"#]);
    assert!(ok(&["--db", &db, "review"]).contains("[x]"));
    let sent = ok(&["province", "--dir", &tinh, "review", "send", "--out", &p("gui")]);
    assert_eq!(sent.lines().count(), 1, "{sent}");
}

// ---- The commune's answers: its next bundle says which reasons of a return it answered.

/// What the province holds of one commune's review, to compare before and after a refusal.
fn province_snapshot(w: &World) -> (usize, usize, usize, usize) {
    let db = w.province.db();
    (
        db.bundles().unwrap().len(),
        db.review_answers(None).unwrap().len(),
        db.audit_log().unwrap().len(),
        db.held_changes().unwrap().len(),
    )
}

/// The commune's next bundle, exported, its files as the province decrypts them.
fn exported_files(w: &World, s: &mut Store) -> (Manifest, BTreeMap<String, Vec<u8>>) {
    let f = commune::export(s, &w.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap().path;
    let id: age::x25519::Identity = w.province.meta().age_identity.parse().unwrap();
    let plain = age::decrypt(&id, &std::fs::read(&f).unwrap()[..]).unwrap();
    std::fs::remove_file(&f).unwrap();
    unpack(&plain)
}

/// The same bundle with `files` as its payload, signed by the commune's own key: what a laptop
/// holding the key (or a bug) could send.
fn reseal(w: &World, s: &mut Store, m: Manifest, files: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    let (key, _) = s.sync_keys().unwrap();
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    bundle::write(m, &files, &key, &[recipient]).unwrap().0
}

fn rows_of(w: &World) -> Vec<phongtrao::present::review::ReviewRow> {
    let today = phongtrao::period::day_of(Utc::now());
    let r = phongtrao::province::roster::roster(&w.province, "2026".parse().unwrap(), today).unwrap();
    phongtrao::present::review::review_rows(&r)
}

#[test]
fn the_next_bundle_says_which_returned_items_it_answers_and_the_province_counts_them() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "Tuyên truyền A");
    let b = activity(&mut s, "2026-10-25", "Tuyên truyền B");
    // Before any decision a bundle carries no answers.json: as older versions made them.
    let (_, files) = exported_files(&w, &mut s);
    assert!(!files.contains_key(commune::ANSWERS_FILE), "{:?}", files.keys());
    w.send(&mut s);
    let ask = Ask {
        note: "Thiếu báo cáo sơ kết".into(),
        records: vec![(a, "Thiếu số người dự".into()), (b, "Sai ngày tổ chức".into())],
    };
    let file = w.decide("23430", Action::Return, ask);
    // A bundle the commune made before it took the return in answers nothing: still returned
    // (before, any bundle after a return made it "Đã sửa").
    activity(&mut s, "2026-11-20", "Tháng 12");
    w.send(&mut s);
    let st = review::state(&w.province, "23430", nov()).unwrap();
    assert_eq!((st.state, st.answered.len()), (State::Returned, 0));

    // The commune corrects one record: the next bundle answers that reason only.
    commune::import(&mut s, &file).unwrap();
    s.update(Kind::Activity, a, &doc(json!({"notes": "120 người dự"}))).unwrap();
    let (_, files) = exported_files(&w, &mut s);
    let answers: commune::Answers = serde_json::from_slice(&files[commune::ANSWERS_FILE]).unwrap();
    assert_eq!(answers.commune_code, "23430");
    assert_eq!(answers.decisions_applied, 1);
    assert_eq!(answers.answers.iter().map(|x| (x.decision, x.i, x.record_id)).collect::<Vec<_>>(), [(1, 0, Some(a))]);
    w.send(&mut s);
    let st = review::state(&w.province, "23430", nov()).unwrap();
    assert_eq!((st.state, st.answered.clone()), (State::Returned, vec![0]));
    let row = rows_of(&w).into_iter().find(|r| r.period == "2026-11").unwrap();
    assert_eq!(row.progress, "1/3 lý do đã sửa");
    let said: Vec<(String, bool, &str)> =
        row.reasons.iter().map(|l| (l.text.clone(), l.answered, l.status.as_str())).collect();
    assert_eq!(
        said,
        [
            ("Lý do chung: Thiếu báo cáo sơ kết".to_owned(), false, "chưa sửa"),
            ("Hoạt động «Tuyên truyền A»: Thiếu số người dự".to_owned(), true, "đã sửa"),
            ("Hoạt động «Tuyên truyền B»: Sai ngày tổ chức".to_owned(), false, "chưa sửa"),
        ]
    );
    assert!(row.note.is_empty(), "a return's general reason is one of its reasons, not its note");

    // The rest: the other record, the general reason ticked by hand. Every reason answered: Đã sửa.
    s.update(Kind::Activity, b, &doc(json!({"date": "2026-10-26"}))).unwrap();
    s.mark_returned_done(1, -1).unwrap();
    w.send(&mut s);
    let st = review::state(&w.province, "23430", nov()).unwrap();
    assert_eq!((st.state, st.answered.clone()), (State::Corrected, vec![-1, 0, 1]));
    assert_eq!(rows_of(&w).into_iter().find(|r| r.period == "2026-11").unwrap().progress, "3/3 lý do đã sửa");
    // Every bundle repeats the answers; the province keeps each once, from the first that said it.
    w.send(&mut s);
    let kept = w.province.db().review_answers(Some("23430")).unwrap();
    assert_eq!(kept.len(), 3);
    assert!(kept.iter().all(|x| x.answer.decision == 1));
    // The command line says the same.
    review::decide(&mut w.province, "23430", nov(), Action::Approve, &note(""), Utc::now()).unwrap();
    assert_eq!(review::state(&w.province, "23430", nov()).unwrap().answered, Vec::<i64>::new());
}

#[test]
fn a_hostile_answers_file_refuses_the_bundle_and_changes_nothing() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "Tuyên truyền A");
    w.send(&mut s);
    let mut other = w.commune("23437");
    let b = activity(&mut other, "2026-10-21", "Của xã khác");
    w.send(&mut other);
    w.decide("23437", Action::Return, Ask { note: String::new(), records: vec![(b, "Sai".into())] });
    w.decide("23437", Action::Approve, note(""));
    let file = w.decide("23430", Action::Return, Ask { note: String::new(), records: vec![(a, "Sai".into())] });
    commune::import(&mut s, &file).unwrap();
    s.update(Kind::Activity, a, &doc(json!({"notes": "Đã sửa"}))).unwrap();
    let (m, files) = exported_files(&w, &mut s);
    let changes = files[commune::CHANGES_FILE].clone();
    let done = "2026-12-06T03:00:00Z";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "another commune's answers",
            serde_json::to_vec(&json!({"commune_code": "23437", "decisions_applied": 1,
                "answers": [{"decision": 1, "i": 0, "record_id": b, "done_at": done}]}))
            .unwrap(),
            "xã có mã 23437",
        ),
        (
            "a decision the province never made on this commune (the other commune's second)",
            serde_json::to_vec(&json!({"commune_code": "23430", "decisions_applied": 1,
                "answers": [{"decision": 2, "i": 0, "record_id": a, "done_at": done}]}))
            .unwrap(),
            "quyết định số 2 mà Công an tỉnh không có",
        ),
        (
            "a reason the return does not have",
            serde_json::to_vec(&json!({"commune_code": "23430", "decisions_applied": 1,
                "answers": [{"decision": 1, "i": 4, "done_at": done}]}))
            .unwrap(),
            "lý do số 5 của quyết định số 1",
        ),
        (
            "the general reason of a return that has none",
            serde_json::to_vec(&json!({"commune_code": "23430", "decisions_applied": 1,
                "answers": [{"decision": 1, "i": -1, "done_at": done}]}))
            .unwrap(),
            "mà quyết định không có",
        ),
        (
            "another record than the reason names",
            serde_json::to_vec(&json!({"commune_code": "23430", "decisions_applied": 1,
                "answers": [{"decision": 1, "i": 0, "record_id": b, "done_at": done}]}))
            .unwrap(),
            "bản ghi khác",
        ),
        (
            "decisions the province never sent",
            serde_json::to_vec(&json!({"commune_code": "23430", "decisions_applied": 5, "answers": []})).unwrap(),
            "mới có 1 quyết định",
        ),
        (
            "a reason answered twice",
            serde_json::to_vec(&json!({"commune_code": "23430", "decisions_applied": 1,
                "answers": [{"decision": 1, "i": 0, "record_id": a, "done_at": done},
                            {"decision": 1, "i": 0, "record_id": a, "done_at": done}]}))
            .unwrap(),
            "hai lần",
        ),
        ("not JSON", b"{\"commune_code\": \"23430\", \"answ".to_vec(), "không đọc được"),
        ("too long", vec![b' '; (1 << 20) + 1], "quá giới hạn"),
    ];
    let before = province_snapshot(&w);
    let opts = ImportOptions { dry_run: false, receipt_dir: Some(w.usb()) };
    for (what, answers, words) in cases {
        let bytes = reseal(
            &w,
            &mut s,
            m.clone(),
            vec![(commune::CHANGES_FILE.into(), changes.clone()), (commune::ANSWERS_FILE.into(), answers)],
        );
        let e = w.province.import_bytes(&bytes, &opts, Utc::now()).unwrap_err();
        assert_eq!(e.code(), "bundle_answers", "{what}: {e}");
        let text = e.to_string();
        assert!(text.contains(words) && text.contains("Không nhập gì"), "{what}: {text}");
        assert_eq!(province_snapshot(&w), before, "{what}: the province store is unchanged");
    }
    // A payload file this version does not know (a newer commune's): refused, not half read.
    let bytes = reseal(
        &w,
        &mut s,
        m.clone(),
        vec![(commune::CHANGES_FILE.into(), changes.clone()), ("inspections.json".into(), b"{}".to_vec())],
    );
    let e = w.province.import_bytes(&bytes, &opts, Utc::now()).unwrap_err();
    assert_eq!(e.code(), "bundle_version", "{e}");
    assert!(e.to_string().contains("inspections.json") && e.to_string().contains("cập nhật phongtrao"), "{e}");
    assert_eq!(province_snapshot(&w), before);
    // The genuine answers go through.
    let payload = files.into_iter().filter(|(k, _)| !k.starts_with("manifest.json")).collect();
    let bytes = reseal(&w, &mut s, m, payload);
    w.province.import_bytes(&bytes, &opts, Utc::now()).unwrap();
    assert_eq!(review::state(&w.province, "23430", nov()).unwrap().state, State::Corrected);
}

#[test]
fn a_record_the_bundle_carries_twice_is_held_once_as_its_latest_version() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "Tuyên truyền A");
    w.send(&mut s);
    w.decide("23430", Action::Approve, note(""));
    // Not imported at the commune: it edits A, and the bundle carries A twice (an older line first).
    s.update(Kind::Activity, a, &doc(json!({"title": "Sửa lần 1"}))).unwrap();
    let (m, files) = exported_files(&w, &mut s);
    let text = String::from_utf8(zstd::decode_all(&files[commune::CHANGES_FILE][..]).unwrap()).unwrap();
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mut newer = line.clone();
    newer["hlc"] = json!(line["hlc"].as_u64().unwrap() + 1);
    newer["data"]["title"] = json!("Sửa lần 2");
    let mut m = m;
    for (first, second) in [(&line, &newer), (&newer, &line)] {
        let payload = bundle::compress(format!("{first}\n{second}\n").as_bytes()).unwrap();
        m.counts = [("activity".to_owned(), 2u64)].into_iter().collect();
        let bytes = reseal(&w, &mut s, m.clone(), vec![(commune::CHANGES_FILE.into(), payload)]);
        let opts = ImportOptions { dry_run: false, receipt_dir: Some(w.usb()) };
        let r = w.province.import_bytes(&bytes, &opts, Utc::now()).unwrap();
        assert_eq!(r.held.len(), 1);
        assert_eq!(r.total().held, 1);
        let new: Doc = serde_json::from_str(r.held[0].new_data.as_deref().unwrap()).unwrap();
        assert_eq!(new["title"], "Sửa lần 2", "the latest version is held, whatever the order");
        m.seq += 1;
        m.prev_hash = Some(r.hash.clone());
    }
    let q = review::held(&w.province).unwrap();
    assert_eq!(q.len(), 2);
    assert!(q.iter().all(|h| h.changes.iter().any(|c| c.sent == "Sửa lần 2")), "{q:?}");
}

#[test]
fn decisions_for_many_communes_go_to_a_stick_at_once_and_each_commune_takes_its_own() {
    let mut w = world();
    let mut s1 = w.commune("23430");
    let mut s2 = w.commune("23437");
    let a = activity(&mut s1, "2026-10-20", "A");
    activity(&mut s2, "2026-10-21", "B");
    w.send(&mut s1);
    w.send(&mut s2);
    w.decide("23430", Action::Return, Ask { note: String::new(), records: vec![(a, "Sai".into())] });
    w.decide("23437", Action::Approve, note(""));
    let listed = review::decided_communes(&w.province).unwrap();
    let lines: Vec<_> = listed.iter().map(phongtrao::present::review::decided_line).collect();
    assert_eq!(lines.iter().map(|l| l.commune_code.as_str()).collect::<Vec<_>>(), ["23430", "23437"]);
    assert!(lines[0].summary.starts_with("1 quyết định; mới nhất: trả lại kỳ Tháng 11/2026"), "{:?}", lines[0]);
    // A commune without a decision among those picked: nothing is written at all.
    let stick = w.dir.path().join("stick");
    let e = review::send(&mut w.province, &["23430".into(), "23999".into()], &stick, Utc::now()).unwrap_err();
    assert!(e.to_string().contains("23999") && e.to_string().contains("bỏ chọn"), "{e}");
    assert!(!stick.exists() || std::fs::read_dir(&stick).unwrap().next().is_none(), "nothing written");
    // None picked: every commune decided on, one file each.
    let files = review::send(&mut w.province, &[], &stick, Utc::now()).unwrap();
    assert_eq!(files.len(), 2);
    let said = phongtrao::present::review::sent(&files, &stick);
    assert!(said.starts_with("Đã ghi 2 gói quyết định vào"), "{said}");
    // Each commune takes its own and refuses the other's.
    let mine = |code: &str| files.iter().find(|f| f.to_string_lossy().contains(&format!("51-{code}-"))).unwrap();
    match commune::import(&mut s1, mine("23430")).unwrap() {
        Imported::Decisions(d, _) => assert_eq!(d.applied.len(), 1),
        other => panic!("{other:?}"),
    }
    refused(&mut s1, mine("23437"), "bundle_commune", "dành cho xã có mã 23437");
    commune::import(&mut s2, mine("23437")).unwrap();
    assert_eq!(s2.locked_periods().unwrap().len(), 1);
}

#[test]
fn the_commune_sees_which_of_its_changes_the_province_holds_and_what_the_reviewer_decided() {
    let mut w = world();
    let mut s = w.commune("23430");
    let a = activity(&mut s, "2026-10-20", "Tuyên truyền A");
    w.send(&mut s);
    let approval = w.decide("23430", Action::Approve, note(""));
    // The commune edits A before it takes the approval in (a second laptop, an old backup).
    s.update(Kind::Activity, a, &doc(json!({"title": "Tuyên truyền A (sửa)"}))).unwrap();
    let receipt = w.send(&mut s);
    commune::import(&mut s, &receipt).unwrap();
    let view = phongtrao::present::review::commune(&s).unwrap();
    assert_eq!(view.held.len(), 1, "{:?}", view.held);
    let h = &view.held[0];
    assert_eq!((h.record_id, h.decision.as_deref()), (a, None));
    assert_eq!(h.what, "Hoạt động «Tuyên truyền A (sửa)»");
    assert!(h.why.contains("Tháng 11/2026 (15/10/2026 – 14/11/2026) đã được Công an tỉnh duyệt"), "{}", h.why);
    assert!(h.why.contains("gói số 2"), "{}", h.why);
    assert!(h.advice.contains("báo Công an tỉnh để chấp nhận"), "{}", h.advice);
    assert_eq!(h.decision_label, "Chờ Công an tỉnh xem xét");
    // The receipt carried the approval too: the period is locked now.
    assert_eq!(s.locked_periods().unwrap().len(), 1);
    assert_eq!(commune::import(&mut s, &approval).unwrap_err().code(), "decision_replay");
    // The reviewer refuses; the next receipt (or one written again) says so, with the note.
    let id = review::held(&w.province).unwrap()[0].id.clone();
    review::decide_held(&mut w.province, &id, false, "Giữ số liệu đã duyệt", Utc::now()).unwrap();
    let again = w.province.write_receipt("23430", 2, None, &w.usb()).unwrap();
    let before = s.audit_tail(10_000).unwrap().len();
    commune::import(&mut s, &again).unwrap();
    let view = phongtrao::present::review::commune(&s).unwrap();
    assert_eq!(view.held.len(), 1);
    let h = &view.held[0];
    assert_eq!((h.decision.as_deref(), h.decision_label.as_str()), (Some("refuse"), "Đã từ chối"));
    assert!(h.advice.contains("Giữ số liệu đã duyệt") && h.advice.contains("mở lại kỳ"), "{}", h.advice);
    assert!(s.audit_tail(10_000).unwrap().len() > before, "recorded with an audit entry");
    // A decision once known stays: an older receipt listing it undecided changes nothing.
    commune::import(&mut s, &receipt).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(phongtrao::present::review::commune(&s).unwrap().held[0].decision.as_deref(), Some("refuse"));
}

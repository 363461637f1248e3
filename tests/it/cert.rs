//! The yearly "An toàn về ANTT" certification through the library: the whole workflow of a
//! residential area and a school, refusals naming the field, revert, roles, sync, the overview's
//! warnings and the commune's result with its edge cases.

use chrono::NaiveDate;
use phongtrao::domain::cert::{Level, Step, Subject, Verdict};
use phongtrao::print::fill_cert;
use phongtrao::{Doc, Error, Kind, NewAccount, Role, Store};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::store::{doc, file_store, new_store};

const Y: i32 = 2025;

fn area(s: &mut Store, name: &str) -> Uuid {
    s.create(
        Kind::Area,
        &doc(json!({"name": name, "kind": "thon", "households": 120, "population": 480,
                    "households_registered": 120, "households_committed": 118, "head": "Y Bhin Niê",
                    "q1_resolution_number": "05-NQ/CB", "q1_resolution_date": "10/01/2025",
                    "registered_on": "15/01/2025"})),
    )
    .unwrap()
    .id
}

fn unit(s: &mut Store, name: &str, category: &str) -> Uuid {
    let kind = if ["thcs", "tieu_hoc", "mam_non"].contains(&category) { "co_so_giao_duc" } else { "doanh_nghiep" };
    s.create(
        Kind::Unit,
        &doc(json!({"name": name, "kind": kind, "category": category, "head": "Trần Thị Lan", "staff_count": 40})),
    )
    .unwrap()
    .id
}

fn all_met(s: &Store, id: Uuid) -> Doc {
    let v = s.cert_view(Some(id), Y).unwrap();
    let criteria: Vec<Value> = v
        .criteria
        .iter()
        .map(|c| json!({"code": c.code, "met": true, "note": "Đạt", "evidence": "Báo cáo năm"}))
        .collect();
    doc(json!({"criteria": criteria, "self_score": 95, "assessed_on": "01/11/2025"}))
}

fn meeting(votes_for: i64, against: i64) -> Value {
    json!({"starts_at": "05/11/2025 19:00", "place": "Nhà văn hóa", "chair": "Y Bhin Niê", "secretary": "H Lan Êban",
           "attendees": ["Bí thư chi bộ", "Trưởng ban công tác Mặt trận"], "attendee_count": votes_for + against,
           "votes_for": votes_for, "votes_against": against, "votes_abstain": 0})
}

/// Takes a unit through every step; `recognised` decides the decision.
fn full(s: &mut Store, id: Uuid, recognised: bool) {
    let register = doc(json!({"registered_on": "20/02/2025", "plan_number": "01/KH"}));
    let v = s.cert_view(Some(id), Y).unwrap();
    let reg = if v.subject == Subject::KhuDanCu { Doc::new() } else { register };
    s.cert_advance(Some(id), Y, &reg).unwrap();
    s.cert_advance(Some(id), Y, &all_met(s, id)).unwrap();
    s.cert_advance(Some(id), Y, &doc(json!({"meeting": meeting(20, 2)}))).unwrap();
    s.cert_advance(Some(id), Y, &doc(json!({"number": "12/TTr-CAX", "date": "21/11/2025", "recommend": recognised})))
        .unwrap();
    let decision = if recognised {
        json!({"result": "dat", "number": "150/QĐ-UBND", "date": "05/12/2025", "certificate_number": format!("GCN-{id}")})
    } else {
        json!({"result": "chua_dat", "number": "150/QĐ-UBND", "date": "05/12/2025"})
    };
    s.cert_advance(Some(id), Y, &doc(decision)).unwrap();
}

fn fields(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Invalid(i) => i.0.into_iter().map(|f| (f.field.clone(), f.to_string())).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn registration_figures_are_written_to_the_areas_register_in_the_same_transaction() {
    let mut s = new_store();
    let a = s
        .create(
            Kind::Area,
            &doc(json!({"name": "Thôn Kon Rốc", "kind": "thon", "households": 100, "population": 400,
                        "households_registered": 80})),
        )
        .unwrap()
        .id;
    let before = s.last_seq().unwrap();
    // A registration the area's register cannot hold (more households than people) changes nothing.
    let too_many = doc(json!({"registered_on": "10/02/2025", "resolution_number": "03-NQ/CB",
        "resolution_date": "05/02/2025", "households": 500, "households_registered": 500, "households_committed": 500}));
    let e = s.cert_advance(Some(a), Y, &too_many).unwrap_err().to_string();
    assert!(
        e.contains("Không ghi được số liệu đăng ký vào sổ khu dân cư «Thôn Kon Rốc»") && e.contains("số nhân khẩu"),
        "{e}"
    );
    assert_eq!(s.last_seq().unwrap(), before, "nothing saved");
    assert_eq!(s.cert_view(Some(a), Y).unwrap().step, Step::ChuaDangKy);

    let saved = s
        .cert_advance(
            Some(a),
            Y,
            &doc(json!({"registered_on": "10/02/2025", "resolution_number": "03-NQ/CB",
                "resolution_date": "05/02/2025", "households": 102, "households_registered": 102, "households_committed": 101})),
        )
        .unwrap();
    // No warning that the area is short of 100%: the register now holds the registration's figures.
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    let area = s.get(Kind::Area, a).unwrap();
    for (k, v) in [
        ("households", json!(102)),
        ("households_registered", json!(102)),
        ("households_committed", json!(101)),
        ("q1_resolution_number", json!("03-NQ/CB")),
        ("q1_resolution_date", json!("2025-02-05")),
        ("registered_on", json!("2025-02-10")),
        ("population", json!(400)),
    ] {
        assert_eq!(area.data.get(k), Some(&v), "{k}");
    }
    // One write for the area, one for the certification, both audited and numbered for sync.
    assert_eq!(s.last_seq().unwrap(), before + 2);
    let kinds: Vec<Kind> = s.changes_since(before, 10).unwrap().iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [Kind::Area, Kind::Cert]);
}

#[test]
fn a_residential_area_goes_through_every_step() {
    let mut s = new_store();
    s.set_actor("Nguyễn Văn An");
    let a = area(&mut s, "Thôn Đắk Năng");
    assert_eq!(s.cert_view(Some(a), Y).unwrap().step, Step::ChuaDangKy);

    // Registration: what the area's register knows fills the pledge.
    let saved = s.cert_advance(Some(a), Y, &Doc::new()).unwrap();
    assert_eq!(saved.step, Step::DangKy);
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    let v = s.cert_view(Some(a), Y).unwrap();
    let r = v.cert.registration.as_ref().unwrap();
    assert_eq!((r.resolution_number.as_deref(), r.households_registered, r.late), (Some("05-NQ/CB"), Some(120), false));
    assert_eq!(r.stamp.by, "Nguyễn Văn An");
    assert_eq!(v.next_step, Some(Step::TuDanhGia));
    assert_eq!(v.next_fields[0].key, "self_score");

    // Self-assessment with a criterion missing is refused, naming it; nothing is saved.
    let seq = s.last_seq().unwrap();
    let mut partial = all_met(&s, a);
    partial.get_mut("criteria").unwrap().as_array_mut().unwrap().pop();
    partial.remove("self_score");
    let e = fields(s.cert_advance(Some(a), Y, &partial).unwrap_err());
    assert_eq!(
        e,
        vec![
            ("self_score".into(), "Điểm tự chấm (thang 100): không được để trống".into()),
            (
                "criteria.kdc_5".into(),
                "Tiêu chí 5 (kdc_5): chưa đánh giá: ghi \"met\": true (đạt) hoặc false (không đạt)".into()
            ),
        ]
    );
    // An empty list of criteria is no assessment either.
    let mut empty = all_met(&s, a);
    empty.insert("criteria".into(), json!([]));
    let e = fields(s.cert_advance(Some(a), Y, &empty).unwrap_err());
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, "criteria");
    assert!(
        e[0].1.starts_with("Tiêu chí: không được để trống: cần ghi đạt hay không đạt cho đủ 5 tiêu chí"),
        "{}",
        e[0].1
    );
    // The score is out of 100: 150 is refused with the scale named.
    let mut over = all_met(&s, a);
    over.insert("self_score".into(), json!(150));
    let e = fields(s.cert_advance(Some(a), Y, &over).unwrap_err());
    assert_eq!(e, vec![("self_score".into(), "Điểm tự chấm (thang 100): phải từ 0 đến 100".into())]);
    assert_eq!(s.last_seq().unwrap(), seq, "a refused step saves nothing");
    let saved = s.cert_advance(Some(a), Y, &all_met(&s, a)).unwrap();
    assert_eq!(saved.step, Step::TuDanhGia);
    // Every criterion is the Thông tư's own text now: none is flagged unconfirmed.
    assert!(!saved.warnings.iter().any(|w| w.contains("chưa được xác nhận")), "{:?}", saved.warnings);

    // Bình xét: the meeting is created with the step, linked to the area, and its vote checked.
    let e = fields(
        s.cert_advance(
            Some(a),
            Y,
            &doc(json!({"meeting": {"starts_at": "05/11/2025 19:00", "place": "Nhà văn hóa",
        "chair": "Y Bhin Niê", "secretary": "H Lan Êban"}})),
        )
        .unwrap_err(),
    );
    assert_eq!(
        e[0],
        (
            "votes_for".into(),
            "Số phiếu tán thành: không được để trống: biên bản bình xét phải ghi kết quả biểu quyết".into()
        )
    );
    assert_eq!(
        s.counts().unwrap().iter().find(|k| k.0 == Kind::Meeting).unwrap().1,
        0,
        "the meeting went with the refused step"
    );
    let saved = s.cert_advance(Some(a), Y, &doc(json!({"meeting": meeting(25, 5)}))).unwrap();
    assert_eq!(saved.step, Step::BinhXet);
    let v = s.cert_view(Some(a), Y).unwrap();
    let review = v.cert.review.as_ref().unwrap();
    assert!(review.passed, "25/30 is above the default 50%");
    let m = s.get(Kind::Meeting, review.meeting_id).unwrap();
    assert_eq!(m.data["kind"], "binh_xet");
    assert_eq!(m.data["area_id"], a.to_string());
    // The meeting the bình xét stands on cannot be deleted while the step holds it.
    let e = s.delete(Kind::Meeting, m.id).unwrap_err();
    assert_eq!(e.code(), "refused");
    assert!(e.to_string().contains("vì còn 1 hồ sơ công nhận"), "{e}");
    assert!(s.get(Kind::Meeting, m.id).is_ok());

    s.cert_advance(Some(a), Y, &doc(json!({"number": "12/TTr-CAX", "date": "21/11/2025", "recommend": true}))).unwrap();
    let e = fields(
        s.cert_advance(Some(a), Y, &doc(json!({"result": "dat", "number": "150/QĐ-UBND", "date": "05/12/2025"})))
            .unwrap_err(),
    );
    assert_eq!(
        e,
        vec![("certificate_number".into(), "Số giấy công nhận: không được để trống khi kết quả là đạt".into())]
    );
    let saved = s
        .cert_advance(
            Some(a),
            Y,
            &doc(
                json!({"result": "dat", "number": "150/QĐ-UBND", "date": "05/12/2025", "certificate_number": "07/GCN"}),
            ),
        )
        .unwrap();
    assert_eq!(saved.step, Step::QuyetDinh);
    let e = s.cert_advance(Some(a), Y, &Doc::new()).unwrap_err();
    assert!(e.to_string().contains("đã có quyết định; không còn bước nào"), "{e}");

    // The dossier's forms read what was recorded.
    let (minutes, _) = fill_cert::minutes(&s, a, Y).unwrap();
    let votes = minutes.meeting.votes_text().unwrap();
    assert!(votes.contains("25/30 người dự họp tán thành (83,3%)"), "{votes}");
    assert_eq!((minutes.rule.as_str(), minutes.passed), ("trên 50% số phiếu", Some(true)));
    let (sheet, _) = fill_cert::score_sheet(&s, a, Y).unwrap();
    assert_eq!(
        (sheet.rows.iter().filter(|r| r.result == "Đạt").count(), sheet.rows.len(), sheet.score),
        (5, 5, Some(95))
    );
    assert!(sheet.rows[0].note.contains("Minh chứng: Báo cáo năm"), "{:?}", sheet.rows[0]);
    let (pledge, _) = fill_cert::pledge(&s, a, Y).unwrap();
    assert_eq!(pledge.commitments.len(), 5);
    assert_eq!(pledge.head, "Y Bhin Niê");
    let gcn = fill_cert::certificate(&s, a, Y).unwrap();
    assert_eq!((gcn.number.as_str(), gcn.decision.as_str()), ("07/GCN", "150/QĐ-UBND"));
    let (submission, number, _) = fill_cert::submission(&s, Y, None).unwrap();
    assert_eq!((number.as_str(), submission.units.len()), ("12/TTr-CAX", 1));
    let (decision, number, _) = fill_cert::decision(&s, Y, Some(a)).unwrap();
    assert_eq!((number.as_str(), decision.units.len()), ("150/QĐ-UBND", 1));
    let v = s.cert_view(Some(a), Y).unwrap();
    assert_eq!(
        v.cert.history.iter().map(|h| h.step).collect::<Vec<_>>(),
        [Step::DangKy, Step::TuDanhGia, Step::BinhXet, Step::DeNghi, Step::QuyetDinh]
    );
}

#[test]
fn a_school_goes_through_every_step_with_an_existing_meeting() {
    let mut s = new_store();
    let school = unit(&mut s, "Trường THCS Lê Lợi", "thcs");
    let e = fields(s.cert_advance(Some(school), Y, &doc(json!({"plan_number": "01/KH-THCS"}))).unwrap_err());
    assert_eq!(e, vec![("registered_on".into(), "Ngày đăng ký phấn đấu: không được để trống".into())]);
    s.cert_advance(
        Some(school),
        Y,
        &doc(json!({"registered_on": "10/03/2025", "plan_number": "01/KH-THCS", "staff_briefed": 40})),
    )
    .unwrap();
    let v = s.cert_view(Some(school), Y).unwrap();
    assert_eq!(v.subject, Subject::CoSoGiaoDuc);
    assert_eq!(
        v.criteria.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
        ["gd_1", "gd_2", "gd_3", "gd_4", "gd_5", "gd_6"]
    );
    s.cert_advance(Some(school), Y, &all_met(&s, school)).unwrap();
    // A meeting of another kind, or of another unit, is not this school's bình xét.
    let other = unit(&mut s, "Công ty TNHH Cà phê Ia Đal", "doanh_nghiep_vua_lon");
    let mut m = doc(meeting(30, 1));
    m.insert("title".into(), json!("Bình xét năm 2025"));
    m.insert("kind".into(), json!("binh_xet"));
    m.insert("unit_id".into(), json!(other.to_string()));
    let foreign = s.create(Kind::Meeting, &m).unwrap().id;
    let e = fields(s.cert_advance(Some(school), Y, &doc(json!({"meeting_id": foreign.to_string()}))).unwrap_err());
    assert_eq!(e[0].0, "meeting_id");
    m.insert("unit_id".into(), json!(school.to_string()));
    let own = s.create(Kind::Meeting, &m).unwrap().id;
    s.cert_advance(Some(school), Y, &doc(json!({"meeting_id": own.to_string()}))).unwrap();
    s.cert_advance(Some(school), Y, &doc(json!({"number": "13/TTr-CAX", "date": "01/12/2025", "recommend": "có"})))
        .unwrap();
    s.cert_advance(
        Some(school),
        Y,
        &doc(json!({"result": "Đạt", "number": "151/QĐ-UBND", "date": "10/12/2025", "certificate_number": "08/GCN"})),
    )
    .unwrap();
    assert!(s.cert_view(Some(school), Y).unwrap().cert.recognised());
}

#[test]
fn a_failed_vote_cannot_be_proposed_and_the_vote_rule_is_a_setting() {
    let mut s = new_store();
    let a = area(&mut s, "Thôn 3");
    s.cert_advance(Some(a), Y, &Doc::new()).unwrap();
    s.cert_advance(Some(a), Y, &all_met(&s, a)).unwrap();
    // 15 of 30 is not "more than 50%".
    let saved = s.cert_advance(Some(a), Y, &doc(json!({"meeting": meeting(15, 15)}))).unwrap();
    assert!(
        saved.warnings.iter().any(|w| w.contains("chưa đạt tỷ lệ cần có (trên 50% số phiếu)")),
        "{:?}",
        saved.warnings
    );
    let e = fields(
        s.cert_advance(Some(a), Y, &doc(json!({"number": "1/TTr", "date": "21/11/2025", "recommend": true})))
            .unwrap_err(),
    );
    assert_eq!(e[0].0, "recommend");
    assert!(e[0].1.contains("15/30 phiếu tán thành (50%)"), "{}", e[0].1);
    // The chief sets "từ 50% trở lên" for the year; the review done again passes.
    s.cert_settings(Y, &doc(json!({"vote_percent": 50, "vote_more_than": false}))).unwrap();
    s.cert_revert(Some(a), Y, "Áp dụng lại tỷ lệ biểu quyết theo thiết lập mới").unwrap();
    let m = s.cert_view(Some(a), Y).unwrap().cert.history.last().unwrap().undone.clone().unwrap();
    s.cert_advance(Some(a), Y, &doc(json!({"meeting_id": m["meeting_id"]}))).unwrap();
    let review = s.cert_view(Some(a), Y).unwrap().cert.review.unwrap();
    assert!(review.passed && !review.rule.more_than && review.rule.confirmed);
}

#[test]
fn revert_needs_a_reason_and_is_audited() {
    let mut s = new_store();
    let a = area(&mut s, "Thôn 4");
    s.cert_advance(Some(a), Y, &Doc::new()).unwrap();
    s.cert_advance(Some(a), Y, &all_met(&s, a)).unwrap();
    let e = fields(s.cert_revert(Some(a), Y, "  ").unwrap_err());
    assert_eq!(e, vec![("reason".into(), "Lý do lùi bước: không được để trống".into())]);
    let saved = s.cert_revert(Some(a), Y, "Chấm lại tiêu chí 3 theo ý kiến của Công an xã").unwrap();
    assert_eq!(saved.step, Step::DangKy);
    let c = s.cert_view(Some(a), Y).unwrap().cert;
    assert!(c.assessment.is_none());
    let last = c.history.last().unwrap();
    assert_eq!((last.action.as_str(), last.step), ("revert", Step::TuDanhGia));
    assert_eq!(last.reason.as_deref(), Some("Chấm lại tiêu chí 3 theo ý kiến của Công an xã"));
    assert_eq!(last.undone.as_ref().unwrap()["self_score"], 95, "what was undone is kept");
    let entry = &s.audit_tail(1).unwrap()[0];
    assert_eq!((entry.action.as_str(), entry.record_id.clone()), ("cert_revert", Some(saved.id.to_string())));
    assert!(s.audit_verify().unwrap().ok());
    // Back to "not registered", and no further.
    s.cert_revert(Some(a), Y, "Đăng ký nhầm năm").unwrap();
    assert!(
        s.cert_revert(Some(a), Y, "Lần nữa")
            .unwrap_err()
            .to_string()
            .contains("chưa đăng ký: không có bước nào để lùi")
    );
    // The record changes only through its steps.
    let e = s.update(Kind::Cert, saved.id, &doc(json!({"step": "quyet_dinh"}))).unwrap_err();
    assert_eq!(e.code(), "refused");
    assert_eq!(s.delete(Kind::Cert, saved.id).unwrap_err().code(), "refused");
}

#[test]
fn an_excluded_unit_cannot_register() {
    let mut s = new_store();
    let primary = unit(&mut s, "Trường Tiểu học Kim Đồng", "tieu_hoc");
    let e =
        s.cert_advance(Some(primary), Y, &doc(json!({"registered_on": "01/02/2025", "plan_number": "1"}))).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Trường Tiểu học Kim Đồng không thuộc diện xét công nhận \"An toàn về an ninh, trật tự\" (Thông tư 124/2021/TT-BCA)."
    );
}

#[test]
fn certification_records_travel_in_sync_bundles() {
    let mut a = new_store();
    let area_id = area(&mut a, "Thôn 5");
    a.cert_advance(Some(area_id), Y, &Doc::new()).unwrap();
    a.cert_advance(Some(area_id), Y, &all_met(&a, area_id)).unwrap();
    let mut b = new_store();
    let changes = a.changes_since(0, 10_000).unwrap();
    assert!(changes.iter().any(|c| c.kind == Kind::Cert));
    b.apply_changes(&changes).unwrap();
    let (va, vb) = (a.cert_view(Some(area_id), Y).unwrap(), b.cert_view(Some(area_id), Y).unwrap());
    assert_eq!(va.cert, vb.cert);
    assert_eq!(vb.step, Step::TuDanhGia);
}

#[test]
fn roles_are_checked_in_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut chief) = file_store(dir.path());
    let a = area(&mut chief, "Thôn 6");
    for (u, role) in [("canbo", Role::Officer), ("xem", Role::Viewer)] {
        chief
            .add_account(&NewAccount {
                username: u.into(),
                full_name: format!("Cán bộ {u}"),
                rank: None,
                role,
                password: format!("mk-{u}-123"),
            })
            .unwrap();
    }
    drop(chief);
    let mut viewer = Store::unlock(&path, "xem", "mk-xem-123").unwrap();
    let e = viewer.cert_advance(Some(a), Y, &Doc::new()).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().starts_with("Tài khoản xem (chỉ xem) không được"), "{e}");
    assert_eq!(viewer.cert_view(Some(a), Y).unwrap().step, Step::ChuaDangKy, "a viewer reads");
    drop(viewer);
    let mut officer = Store::unlock(&path, "canbo", "mk-canbo-123").unwrap();
    officer.cert_advance(Some(a), Y, &Doc::new()).unwrap();
    officer.cert_advance(Some(a), Y, &all_met(&officer, a)).unwrap();
    officer.cert_advance(Some(a), Y, &doc(json!({"meeting": meeting(20, 1)}))).unwrap();
    let e = officer
        .cert_advance(Some(a), Y, &doc(json!({"number": "1/TTr", "date": "21/11/2025", "recommend": true})))
        .unwrap_err();
    assert_eq!(e.code(), "forbidden", "the proposal is the chief's");
    assert_eq!(officer.cert_settings(Y, &doc(json!({"officer_disciplined": false}))).unwrap_err().code(), "forbidden");
    drop(officer);
    let mut chief = Store::unlock(&path, "nguyenvanan", "mat-khau-dung").unwrap();
    chief.cert_advance(Some(a), Y, &doc(json!({"number": "1/TTr", "date": "21/11/2025", "recommend": true}))).unwrap();
    chief.cert_settings(Y, &doc(json!({"officer_disciplined": false}))).unwrap();
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_overview_warns_about_late_and_due_soon_relative_to_the_given_day() {
    let mut s = new_store();
    let registered = area(&mut s, "Thôn 1");
    let silent = area(&mut s, "Thôn 2");
    let school = unit(&mut s, "Trường THCS Lê Lợi", "thcs");
    let primary = unit(&mut s, "Trường Tiểu học Kim Đồng", "tieu_hoc");
    s.cert_advance(Some(registered), Y, &Doc::new()).unwrap();
    s.cert_advance(Some(school), Y, &doc(json!({"registered_on": "10/03/2025", "plan_number": "01/KH"}))).unwrap();
    let find = |rows: &[phongtrao::domain::cert::OverviewRow], id: Uuid| {
        rows.iter().find(|r| r.subject_id == Some(id)).unwrap().clone()
    };

    let rows = s.cert_overview(Y, ymd(2025, 11, 10)).unwrap();
    assert_eq!(rows[0].subject, Subject::Xa, "the commune comes first");
    let r = find(&rows, registered);
    assert_eq!(r.period.dossier_due, ymd(2025, 11, 20));
    assert_eq!(r.period.start, ymd(2024, 11, 1));
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(
        (r.warnings[0].level, r.warnings[0].message.as_str()),
        (Level::Soon, "Còn 10 ngày đến hạn nộp hồ sơ chấm điểm (20/11/2025).")
    );
    let r = find(&rows, silent);
    assert_eq!(r.warnings[0].level, Level::Late);
    assert_eq!(
        r.warnings[0].message,
        "Chưa đăng ký; hạn đăng ký là quý I (trước 31/03/2025). Vẫn đăng ký được: mở dòng này, bấm «Đăng ký phấn đấu» (ghi là đăng ký sau quý I)."
    );
    let r = find(&rows, school);
    assert_eq!(r.period.dossier_due, ymd(2025, 11, 30));
    assert!(r.warnings.is_empty(), "20 days before the 30/11 deadline: {:?}", r.warnings);
    let r = find(&rows, primary);
    assert!(r.excluded && r.warnings.is_empty() && r.next_action.is_none());

    let rows = s.cert_overview(Y, ymd(2025, 11, 25)).unwrap();
    assert_eq!(find(&rows, registered).warnings[0].message, "Quá hạn nộp hồ sơ chấm điểm 5 ngày (hạn 20/11/2025).");
    // A unit not registered has one warning, with what to do; not also a dossier it cannot prepare yet.
    assert_eq!(find(&rows, silent).warnings.len(), 1, "{:?}", find(&rows, silent).warnings);
    // The commune has no scoring dossier (its column shows «—»): no warning names a dossier deadline.
    assert!(rows[0].warnings.iter().all(|w| !w.message.contains("hồ sơ")), "{:?}", rows[0].warnings);
    assert_eq!(rows[0].warnings.len(), 1, "only its registration: {:?}", rows[0].warnings);

    // The window's overview: the five steps, how many units have done each, and each row's next step.
    let o = phongtrao::present::cert::overview(&s, Y, ymd(2025, 11, 25)).unwrap();
    let steps: Vec<(&str, u32, u32, u32)> = o.steps.iter().map(|t| (t.label.as_str(), t.done, t.next, t.of)).collect();
    assert_eq!(
        steps,
        [
            ("1. Đăng ký phấn đấu", 2, 1, 3),
            ("2. Tự đánh giá, chấm điểm", 0, 2, 3),
            ("3. Bình xét tại cuộc họp", 0, 0, 3),
            ("4. Công an xã đề nghị công nhận", 0, 0, 3),
            ("5. Quyết định công nhận", 0, 0, 3),
        ],
        "three units subject to it (the primary school is not); two registered"
    );
    let row = |id: Uuid| o.rows.iter().find(|r| r.subject_id == Some(id)).unwrap();
    assert_eq!(row(silent).next_text, "Bước tiếp: Đăng ký phấn đấu (bước 1/5)");
    assert_eq!((row(silent).steps_done, row(silent).steps_total), (0, 5));
    assert_eq!(row(school).next_text, "Bước tiếp: Tự đánh giá, chấm điểm (bước 2/5)");
    assert_eq!((row(school).steps_done, row(school).steps_total), (1, 5));
    assert_eq!(row(primary).next_text, "Không thuộc diện xét công nhận: không có bước nào.");
    assert_eq!(o.rows[0].next_text, "Bước tiếp: Đăng ký phấn đấu (bước 1/2)");
    assert_eq!(find(&rows, school).warnings[0].level, Level::Soon);
    // Early in the year, registration is only due soon.
    let rows = s.cert_overview(2026, ymd(2026, 3, 20)).unwrap();
    assert_eq!(find(&rows, silent).warnings[0].message, "Còn 11 ngày đến hạn đăng ký (31/03/2026).");
}

/// Ten units subject to certification (nine areas and a secondary school), a primary school that is
/// excluded, an effective model, the commune registered, no officer disciplined.
fn commune_of_ten(recognised: usize) -> (Store, Vec<Uuid>) {
    let mut s = new_store();
    let mut ids: Vec<Uuid> = (1..=9).map(|i| area(&mut s, &format!("Thôn {i}"))).collect();
    ids.push(unit(&mut s, "Trường THCS Lê Lợi", "thcs"));
    unit(&mut s, "Trường Tiểu học Kim Đồng", "tieu_hoc");
    for (i, id) in ids.iter().enumerate() {
        full(&mut s, *id, i < recognised);
    }
    s.cert_advance(
        None,
        Y,
        &doc(json!({"registered_on": "15/02/2025", "resolution_number": "10-NQ/ĐU",
        "resolution_date": "20/01/2025", "plan_number": "25/KH-UBND", "plan_date": "05/02/2025"})),
    )
    .unwrap();
    s.cert_settings(Y, &doc(json!({"officer_disciplined": false}))).unwrap();
    let model = s
        .create(Kind::Model, &doc(json!({"name": "Camera an ninh thôn 1", "kind": "tu_quan", "area_ids": [ids[0].to_string()], "founded_on": "01/03/2022"})))
        .unwrap()
        .id;
    s.review_model(model, &doc(json!({"date": "20/06/2025", "kind": "danh_gia", "rating": "hieu_qua"}))).unwrap();
    // Khoản 2 of Điều 5 (the areas' criteria 2 to 4, for the whole commune) is the commune's own
    // assessment; the others are computed from the records.
    let criteria: Vec<Value> = s
        .cert_view(None, Y)
        .unwrap()
        .criteria
        .iter()
        .map(|c| json!({"code": c.code, "met": true, "note": "Đạt"}))
        .collect();
    s.cert_advance(None, Y, &doc(json!({"criteria": criteria, "self_score": 90, "assessed_on": "16/11/2025"})))
        .unwrap();
    (s, ids)
}

fn criterion(r: &phongtrao::domain::cert::CommuneResult, code: &str) -> phongtrao::domain::cert::CriterionVerdict {
    r.criteria.iter().find(|c| c.code == code).unwrap().clone()
}

#[test]
fn the_commune_meets_its_criteria_with_exactly_seventy_percent_recognised() {
    let (s, _) = commune_of_ten(7);
    let r = s.cert_result(Y).unwrap();
    let units = criterion(&r, "xa_4");
    assert_eq!(units.verdict, Verdict::Met);
    assert_eq!((units.checks[0].count, units.checks[0].of), (Some(10), Some(10)));
    assert_eq!((units.checks[1].count, units.checks[1].of), (Some(7), Some(10)));
    assert_eq!(
        units.checks[1].explanation,
        "7/10 đơn vị được công nhận (70%); cần ít nhất 70%. Không tính 1 đơn vị không thuộc diện xét công nhận."
    );
    // Khoản 1 of Điều 5: the first quarter's registration and at least one effective model.
    let first = criterion(&r, "xa_1");
    assert_eq!(first.checks.len(), 2);
    assert_eq!(first.checks[1].count, Some(1));
    assert_eq!(first.verdict, Verdict::Met);
    assert_eq!(criterion(&r, "xa_2").verdict, Verdict::Met, "the commune's own assessment");
    assert_eq!(criterion(&r, "xa_3").verdict, Verdict::Met);
    assert_eq!(r.verdict, Verdict::Met);
    let schools = r.counts.iter().find(|k| k.subject == Subject::CoSoGiaoDuc).unwrap();
    assert_eq!((schools.total, schools.excluded, schools.not_recognised), (1, 1, 1));
    let report = fill_cert::report(&s, Y).unwrap();
    assert_eq!(report.units.len(), 10, "the excluded school is not in the report's list");
}

#[test]
fn sixty_percent_recognised_is_not_enough() {
    let (s, _) = commune_of_ten(6);
    let r = s.cert_result(Y).unwrap();
    assert_eq!(criterion(&r, "xa_4").checks[1].verdict, Verdict::NotMet);
    assert_eq!(r.verdict, Verdict::NotMet);
}

#[test]
fn a_unit_registered_after_the_first_quarter_breaks_the_hundred_percent() {
    let (mut s, _) = commune_of_ten(8);
    let late = unit(&mut s, "Công ty TNHH Cà phê Ia Đal", "doanh_nghiep_vua_lon");
    let saved =
        s.cert_advance(Some(late), Y, &doc(json!({"registered_on": "15/04/2025", "plan_number": "02/KH"}))).unwrap();
    assert!(saved.warnings[0].starts_with("Đăng ký ngày 15/04/2025 là sau quý I"), "{:?}", saved.warnings);
    let r = s.cert_result(Y).unwrap();
    let reg = &criterion(&r, "xa_4").checks[0];
    assert_eq!((reg.verdict, reg.count, reg.of), (Verdict::NotMet, Some(10), Some(11)));
    assert_eq!(reg.names, ["Công ty TNHH Cà phê Ia Đal (đăng ký sau quý I)"]);
    // 8 of 11 recognised (72,7%) is still enough, and the undecided one cannot change that.
    assert_eq!(criterion(&r, "xa_4").checks[1].verdict, Verdict::Met);
    assert_eq!(r.verdict, Verdict::NotMet);
    let overview = s.cert_overview(Y, ymd(2025, 11, 1)).unwrap();
    let row = overview.iter().find(|o| o.subject_id == Some(late)).unwrap();
    assert!(row.warnings.iter().any(|w| w.message == "Đăng ký sau quý I (ngày 15/04/2025)."), "{:?}", row.warnings);
}

#[test]
fn without_the_discipline_entry_the_result_is_not_concluded() {
    let mut s = new_store();
    let a = area(&mut s, "Thôn 1");
    full(&mut s, a, true);
    let r = s.cert_result(Y).unwrap();
    assert_eq!(criterion(&r, "xa_3").verdict, Verdict::Unknown);
    let first = criterion(&r, "xa_1");
    assert_eq!(first.verdict, Verdict::NotMet, "the commune did not register");
    assert_eq!(first.checks[1].verdict, Verdict::NotMet, "no effective model");
    assert_eq!(criterion(&r, "xa_2").verdict, Verdict::Unknown, "not assessed by the commune");
    s.cert_settings(Y, &doc(json!({"officer_disciplined": true, "discipline_note": "01 cán bộ bị khiển trách"})))
        .unwrap();
    let r = s.cert_result(Y).unwrap();
    assert_eq!(
        criterion(&r, "xa_3").checks[0].explanation,
        "Có cán bộ bị kỷ luật trong năm (01 cán bộ bị khiển trách)."
    );
}

#[test]
fn criteria_are_versioned_by_year_in_reference_data() {
    let mut s = new_store();
    let mut set = phongtrao::domain::RefSet::builtin();
    set.version += 1;
    let list = set.lists.iter_mut().find(|l| l.list == "criteria_khu_dan_cu").unwrap();
    for item in list.items.iter_mut().filter(|i| i.code == "kdc_5") {
        item.data["to_year"] = json!(2025);
    }
    list.items.push(phongtrao::domain::RefItem {
        code: "kdc_6".into(),
        label: "Tiêu chí mới từ năm 2026".into(),
        data: json!({"confirmed": true, "from_year": 2026}),
    });
    set.lists.retain(|l| l.list == "criteria_khu_dan_cu");
    s.apply_reference(&set).unwrap();
    let a = area(&mut s, "Thôn 1");
    let codes = |y| s.cert_view(Some(a), y).unwrap().criteria.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(2025), ["kdc_1", "kdc_2", "kdc_3", "kdc_4", "kdc_5"]);
    assert_eq!(codes(2026), ["kdc_1", "kdc_2", "kdc_3", "kdc_4", "kdc_6"]);
}

/// The unit form offers what the rules accept: a category belongs to a unit kind, and «Thuộc diện xét
/// công nhận» starts as the core decides when it is left out (a secondary school: yes; a preschool: no).
/// What a form shows is checked against what a save without the field does.
#[test]
fn the_unit_form_follows_the_rules_it_will_be_checked_by() {
    let mut s = new_store();
    let fields = phongtrao::present::record::register_fields(&s, Kind::Unit, &Doc::new()).unwrap();
    let category = fields.iter().find(|f| f.key == "category").unwrap();
    assert_eq!(category.choices_follow.as_deref(), Some("kind"));
    let parent = |code: &str| category.choices.iter().find(|c| c.code == code).unwrap().parent.clone();
    assert_eq!(parent("tieu_hoc").as_deref(), Some("co_so_giao_duc"));
    assert_eq!(parent("co_quan_nha_nuoc").as_deref(), Some("co_quan"));
    // A category offered under another kind would be refused at save.
    let e =
        s.create(Kind::Unit, &doc(json!({"name": "UBND xã", "kind": "co_quan", "category": "tieu_hoc"}))).unwrap_err();
    assert!(e.to_string().contains("không thuộc loại cơ quan"), "{e}");

    let applies = fields.iter().find(|f| f.key == "certification_applies").unwrap().bool_default.clone().unwrap();
    assert_eq!((applies.value, applies.follows.as_str()), (true, "category"));
    for code in ["thcs", "mam_non"] {
        let shown = applies.by.iter().find(|b| b.code == code).unwrap().value;
        let id = unit(&mut s, &format!("Trường {code}"), code);
        let saved = s.get(Kind::Unit, id).unwrap().data.get("certification_applies").cloned();
        assert_eq!(saved, Some(Value::Bool(shown)), "{code}: the form starts as the core decides");
    }
}

//! The store through its library API: every register, validation, life cycle, tombstones, audit,
//! migrations and merging two installations.

use phongtrao::domain::{Doc, DocExt, Kind};
use phongtrao::store::{Filter, ListQuery, Store};
use phongtrao::{Error, Setup};
use serde_json::{Value, json};
use uuid::Uuid;

/// The test commune: the demo's (Xã Ia Đal, Quảng Ngãi; officer Nguyễn Văn An).
pub fn setup() -> Setup {
    phongtrao::demo::demo_setup()
}

pub fn new_store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.init(&setup()).unwrap();
    s
}

pub fn doc(v: Value) -> Doc {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

fn area(s: &mut Store, name: &str) -> Uuid {
    s.create(Kind::Area, &doc(json!({"name": name, "kind": "thon", "households": 120, "population": 480}))).unwrap().id
}

fn model(s: &mut Store, name: &str, area: Uuid) -> Uuid {
    s.create(
        Kind::Model,
        &doc(json!({"name": name, "kind": "tu_quan", "model_type": "camera_an_ninh",
                    "area_ids": [area.to_string()], "founded_on": "15/03/2021", "leader": "Lê Thị Hoa"})),
    )
    .unwrap()
    .id
}

fn team(s: &mut Store, area: Uuid) -> Uuid {
    s.create(
        Kind::Team,
        &doc(json!({"name": "Tổ bảo vệ ANTT thôn Đắk Năng", "area_ids": [area.to_string()],
                    "decision_number": "12/QĐ-UBND", "decision_date": "01/07/2024"})),
    )
    .unwrap()
    .id
}

fn member_input(team: Uuid) -> Doc {
    doc(json!({
        "team_id": team.to_string(), "full_name": "Y Blông Niê", "date_of_birth": "12/05/1980",
        "gender": "nam", "residence": "Thôn Đắk Năng", "resident_since": "01/01/2000",
        "education": "thcs", "role": "to_vien", "appointed_on": "01/08/2024",
        "monthly_allowance": 1200000
    }))
}

fn invalid_fields(e: Error) -> Vec<(String, String)> {
    match e {
        Error::Invalid(i) => i.0.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn count_rows(s: &Store, kind: Kind) -> u64 {
    s.list(kind, &ListQuery { include_deleted: true, ..Default::default() }).unwrap().total
}

/// One valid input per register, built on the records it needs.
fn one_of_each(s: &mut Store) -> Vec<(Kind, Doc)> {
    let a = area(s, "Thôn Đắk Năng");
    let m = model(s, "Camera an ninh thôn Đắk Năng", a);
    let t = team(s, a);
    let u = s
        .create(Kind::Unit, &doc(json!({"name": "Trường THCS Ia Đal", "kind": "co_so_giao_duc", "category": "thcs"})))
        .unwrap()
        .id;
    let key = json!({"name": "Khu vực bến sông", "area_ids": [a.to_string()], "reasons": ["ma_tuy", "tranh_chap"],
        "situation": "Tụ điểm sử dụng ma túy", "decision_number": "12/QĐ-UBND", "decision_date": "15/01/2026",
        "decided_by": "Chủ tịch UBND xã", "officer": "Trần Thị Bình", "goals": "Xóa tụ điểm",
        "measures": "Tuần tra, vận động", "deadline": "31/12/2026"});
    let k = s.create(Kind::KeyArea, &doc(key.clone())).unwrap().id;
    vec![
        (
            Kind::Plan,
            doc(json!({"year": 2026, "title": "Kế hoạch năm 2026", "number": "05/KH-CAX", "issued_on": "10/01/2026",
            "goals": "Nâng cao chất lượng phong trào", "tasks": "Tuyên truyền", "signer": "Nguyễn Văn An",
            "target_tuyen_truyen_buoi": 24, "target_antt_cong_nhan": 80})),
        ),
        (Kind::KeyArea, doc(key)),
        (
            Kind::KeyAreaReview,
            doc(json!({"key_area_id": k.to_string(), "date": "15/04/2026", "progress": "chuyen_bien_tot",
            "findings": "Không phát sinh tụ điểm mới", "next_steps": "Duy trì tuần tra", "assessed_by": "Trần Thị Bình"})),
        ),
        (
            Kind::Area,
            doc(json!({"name": "Tổ dân phố 3", "kind": "to_dan_pho", "households": 250,
            "households_registered": 250, "households_committed": 240, "population": 1010,
            "head": "Trần Văn Bình", "officer": "Đại úy Phạm Minh Tuấn",
            "q1_resolution_number": "05-NQ/CB", "q1_resolution_date": "2026-02-10", "registered_on": "15/02/2026",
            "notes": "Giáp ranh xã Ia Tơi"})),
        ),
        (
            Kind::Unit,
            doc(json!({"name": "Công ty TNHH Cà phê Ia Đal", "kind": "doanh_nghiep",
            "category": "doanh_nghiep_vua_lon", "address": "Thôn Đắk Năng", "area_id": a.to_string(),
            "head": "Hoàng Thị Mai", "staff_count": 85, "phone": "0260 3812 345"})),
        ),
        (
            Kind::Model,
            doc(json!({"name": "Nhóm liên gia tự quản số 2", "kind": "tu_quan",
            "model_type": "nhom_lien_gia", "area_ids": [a.to_string()], "founded_on": "01/06/2020",
            "leader": "Đinh Văn Thắng", "members": 12, "households": 30})),
        ),
        (
            Kind::Review,
            doc(json!({"model_id": m.to_string(), "date": "20/06/2024", "kind": "so_ket",
            "rating": "hieu_qua", "notes": "Lắp thêm 4 camera"})),
        ),
        (
            Kind::Team,
            doc(json!({"name": "Tổ bảo vệ ANTT tổ dân phố 3", "area_ids": [a.to_string()],
            "decision_number": "30/QĐ-UBND"})),
        ),
        (Kind::Member, member_input(t)),
        (
            Kind::Activity,
            doc(json!({"category": "tuyen_truyen", "date": "19/08/2025", "place": "Nhà văn hóa thôn",
            "area_id": a.to_string(), "form": "hop_dan", "topic": "Phòng chống lừa đảo qua mạng",
            "audience": "Đồng bào dân tộc thiểu số", "attendances": 145})),
        ),
        (
            Kind::Meeting,
            doc(json!({"title": "Bình xét khu dân cư an toàn về ANTT năm 2025", "kind": "binh_xet",
            "starts_at": "25/10/2025 08:00", "ends_at": "25/10/2025 10:30", "place": "Nhà văn hóa thôn Đắk Năng",
            "chair": "Trần Văn Bình", "secretary": "Lê Thị Hoa", "attendees": ["Bí thư chi bộ", "Trưởng thôn"],
            "attendee_count": 25, "agenda": "Bình xét kết quả năm 2025", "conclusions": "Đề nghị công nhận",
            "votes_for": 23, "votes_against": 1, "votes_abstain": 1, "area_id": a.to_string(), "unit_id": u.to_string()})),
        ),
        (
            Kind::Commendation,
            doc(json!({"recipient": "Tổ tự quản thôn Đắk Năng", "recipient_kind": "tap_the",
            "form": "giay_khen", "issuer": "Chủ tịch UBND xã Ia Đal", "decision_number": "45/QĐ-UBND",
            "date": "20/08/2025", "achievement": "Thành tích xuất sắc trong Ngày hội 19/8", "model_id": m.to_string()})),
        ),
    ]
}

#[test]
fn every_register_round_trips() {
    let mut s = new_store();
    for (kind, input) in one_of_each(&mut s) {
        let id = s.create(kind, &input).unwrap_or_else(|e| panic!("{kind}: {e}")).id;
        assert_eq!(id.get_version_num(), 7, "ids are UUIDv7");
        let r = s.get(kind, id).unwrap();
        assert_eq!(r.kind, kind);
        for (k, v) in &input {
            let stored = r.data.get(k).unwrap_or_else(|| panic!("{kind}.{k} was not stored"));
            let as_date =
                v.as_str().filter(|t| t.contains('/')).and_then(|t| t.get(..10)).map(phongtrao::date::parse_date);
            if let Some(Ok(d)) = as_date {
                // dd/mm/yyyy comes back as ISO, the same day.
                assert!(stored.as_str().unwrap().starts_with(&phongtrao::date::iso(d)), "{kind}.{k}");
            } else {
                assert_eq!(stored, v, "{kind}.{k}");
            }
        }
        // A partial edit changes only what it names.
        let before = r.data.clone();
        let (key, value) = match kind {
            Kind::Area => ("households", json!(260)),
            Kind::Unit => ("staff_count", json!(90)),
            Kind::Model | Kind::Team | Kind::Member | Kind::Commendation | Kind::Review | Kind::Activity => {
                ("notes", json!("Đã cập nhật"))
            }
            Kind::Meeting => ("conclusions", json!("Thống nhất đề nghị công nhận")),
            Kind::Plan => ("tasks", json!("Tuyên truyền, vận động")),
            Kind::KeyArea => ("notes", json!("Đã cập nhật")),
            Kind::KeyAreaReview => ("next_steps", json!("Tiếp tục tuần tra")),
            Kind::Cert => unreachable!("a certification is not a register with a create form"),
            Kind::Inspection | Kind::Remedy | Kind::RemedyReport => unreachable!("tested in tests/it/inspection.rs"),
        };
        let key = if kind == Kind::Commendation { "achievement" } else { key };
        s.update(kind, id, &doc(json!({ key: value }))).unwrap();
        let after = s.get(kind, id).unwrap();
        assert_eq!(after.data.get(key), Some(&value), "{kind}.{key}");
        for (k, v) in &before {
            if k != key {
                assert_eq!(after.data.get(k), Some(v), "{kind}.{k} changed by an unrelated edit");
            }
        }
        assert!(after.meta.hlc > r.meta.hlc && after.meta.seq > r.meta.seq);
    }
}

#[test]
fn bad_values_name_the_field_and_save_nothing() {
    let mut s = new_store();
    let before = s.last_seq().unwrap();
    let e = s
        .create(Kind::Area, &doc(json!({"name": "Thôn 5", "kind": "thon", "households": -3, "population": "nhiều"})))
        .unwrap_err();
    assert_eq!(e.to_string(), "Số hộ gia đình: phải là số nguyên không âm\nSố nhân khẩu: phải là số nguyên không âm");
    let e = s.create(Kind::Area, &doc(json!({"kind": "xom", "households": 10, "population": 40}))).unwrap_err();
    let fields = invalid_fields(e);
    assert_eq!(fields[0], ("name".into(), "không được để trống".into()));
    assert_eq!(fields[1].0, "kind");
    assert!(fields[1].1.contains("to_dan_pho (Tổ dân phố)"), "{}", fields[1].1);
    let e = s
        .create(
            Kind::Area,
            &doc(json!({"name": "Thôn 6", "kind": "thon", "households": 10, "population": 40, "hamlet": 1})),
        )
        .unwrap_err();
    assert_eq!(invalid_fields(e), vec![("hamlet".into(), "trường này không có trong biểu mẫu".into())]);
    let e = s
        .create(Kind::Area, &doc(json!({"name": "Thôn 7", "kind": "thon", "households": 100, "households_registered": 120, "population": 400})))
        .unwrap_err();
    assert_eq!(e.to_string(), "Số hộ đăng ký tham gia phong trào: không được lớn hơn số hộ gia đình (100)");
    // A rule across fields is reported with the errors of single fields, all at once.
    let e = s
        .create(
            Kind::Area,
            &doc(json!({"kind": "thon", "households": 100, "households_registered": 120, "population": "nhiều"})),
        )
        .unwrap_err();
    assert_eq!(
        invalid_fields(e),
        vec![
            ("name".into(), "không được để trống".into()),
            ("population".into(), "phải là số nguyên không âm".into()),
            ("households_registered".into(), "không được lớn hơn số hộ gia đình (100)".into()),
        ]
    );
    let e = s
        .create(Kind::Area, &doc(json!({"name": "Thôn 8", "kind": "thon", "households": 10, "population": 40, "registered_on": "31/02/2026"})))
        .unwrap_err();
    assert!(e.to_string().starts_with("Ngày đăng ký phong trào: «31/02/2026» không phải là ngày hợp lệ"), "{e}");
    assert_eq!(s.last_seq().unwrap(), before, "nothing was written");
    assert_eq!(count_rows(&s, Kind::Area), 0);
    assert!(s.audit_tail(10).unwrap().iter().all(|e| e.action == "init"));
}

#[test]
fn labels_and_accentless_words_pick_options() {
    let mut s = new_store();
    let id = s
        .create(
            Kind::Area,
            &doc(json!({"name": "Tổ dân phố 1", "kind": "To dan pho", "households": "1.200", "population": 4000})),
        )
        .unwrap()
        .id;
    let r = s.get(Kind::Area, id).unwrap();
    assert_eq!(r.data.str_of("kind"), Some("to_dan_pho"));
    assert_eq!(r.data.int_of("households"), Some(1200), "officers type 1.200");
    let lines = s.describe(&r).unwrap();
    assert!(lines.contains(&("Loại khu dân cư".into(), "Tổ dân phố".into())));
    assert!(lines.contains(&("Số hộ gia đình".into(), "1.200".into())));
}

#[test]
fn links_must_point_to_live_records_of_the_right_register() {
    let mut s = new_store();
    let a = area(&mut s, "Thôn 1");
    let t = team(&mut s, a);
    let e = s
        .create(
            Kind::Model,
            &doc(json!({"name": "X", "kind": "tu_phong", "area_ids": [t.to_string()], "founded_on": "01/01/2020"})),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), format!("Khu dân cư: không tìm thấy khu dân cư có mã {t}"));
    let e = s
        .create(
            Kind::Model,
            &doc(json!({"name": "X", "kind": "tu_ve", "area_ids": [a.to_string()], "founded_on": "01/01/2020"})),
        )
        .unwrap_err();
    assert!(
        e.to_string().starts_with("Loại mô hình: «tu_ve» không hợp lệ; chọn một trong: tu_phong (Tự phòng)"),
        "{e}"
    );
}

#[test]
fn member_eligibility_follows_the_law() {
    let mut s = new_store();
    let a = area(&mut s, "Thôn 1");
    let t = team(&mut s, a);
    let mut young = member_input(t);
    young.insert("date_of_birth".into(), json!("02/08/2006"));
    young.insert("resident_since".into(), json!("02/08/2006"));
    let e = s.create(Kind::Member, &young).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Ngày sinh: vào ngày phân công 01/08/2024 người này 17 tuổi; thành viên tổ bảo vệ ANTT phải từ đủ 18 đến 70 tuổi"
    );
    let mut eighteen = member_input(t);
    eighteen.insert("date_of_birth".into(), json!("01/08/2006"));
    eighteen.insert("resident_since".into(), json!("01/08/2006"));
    s.create(Kind::Member, &eighteen).expect("18 on the day of appointment is eligible");
    let mut old = member_input(t);
    old.insert("date_of_birth".into(), json!("31/07/1953"));
    let e = s.create(Kind::Member, &old).unwrap_err();
    assert!(e.to_string().contains("71 tuổi"), "{e}");
    let mut newcomer = member_input(t);
    newcomer.insert("resident_since".into(), json!("02/08/2023"));
    let e = s.create(Kind::Member, &newcomer).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Cư trú từ ngày: phải cư trú tại địa phương ít nhất 1 năm trước ngày phân công 01/08/2024"
    );
    let mut primary = member_input(t);
    primary.insert("education".into(), json!("tieu_hoc"));
    let saved = s.create(Kind::Member, &primary).unwrap();
    assert_eq!(saved.warnings.len(), 1);
    assert!(saved.warnings[0].starts_with("Trình độ học vấn: tiêu chuẩn là tốt nghiệp trung học cơ sở"));
    // A grade needs 9 months of service in the year 15/11–14/11: appointed 01/08/2024 → no 2024 grade.
    let e = s.update(Kind::Member, saved.id, &doc(json!({"grades": [{"year": 2024, "grade": "tot"}]}))).unwrap_err();
    assert_eq!(e.to_string(), "Xếp loại hằng năm: năm 2024: chưa đủ 9 tháng công tác nên không xếp loại");
    s.update(Kind::Member, saved.id, &doc(json!({"grades": [{"year": 2025, "grade": "tot"}]}))).unwrap();
    // Xuất sắc beyond 20% of tốt is a warning to the officer.
    let saved = s.create(Kind::Member, &member_input(t)).unwrap();
    let w = s.update(Kind::Member, saved.id, &doc(json!({"grades": [{"year": 2025, "grade": "xuat_sac"}]}))).unwrap();
    assert_eq!(w.warnings.len(), 1, "{:?}", w.warnings);
    assert!(w.warnings[0].contains("không quá 20%"));
}

#[test]
fn model_life_cycle_keeps_history_and_a_dissolved_model_is_read_only() {
    let mut s = new_store();
    let a = area(&mut s, "Thôn Đắk Năng");
    let b = area(&mut s, "Làng Kon Klor");
    let m = model(&mut s, "Camera an ninh", a);
    assert_eq!(s.get(Kind::Model, m).unwrap().data.str_of("status"), Some("hoat_dong"));
    s.review_model(m, &doc(json!({"date": "20/12/2022", "kind": "so_ket", "rating": "hieu_qua"}))).unwrap();
    s.review_model(m, &doc(json!({"date": "15/12/2023", "kind": "tong_ket", "rating": "hieu_qua"}))).unwrap();
    let e = s.review_model(m, &doc(json!({"date": "01/01/2020", "kind": "so_ket", "rating": "hieu_qua"}))).unwrap_err();
    assert_eq!(e.to_string(), "Ngày sơ kết, tổng kết: trước ngày thành lập mô hình (15/03/2021)");

    let replica = s.replicate_model(m, b, &doc(json!({"leader": "A Thút"}))).unwrap().id;
    let r = s.get(Kind::Model, replica).unwrap();
    assert_eq!(r.title, "Camera an ninh (Làng Kon Klor)");
    assert_eq!(r.data.ids_of("origin_id"), vec![m]);
    assert_eq!(r.data.ids_of("area_ids"), vec![b]);
    assert_eq!(r.data.str_of("kind"), Some("tu_quan"));
    let e = s.replicate_model(m, a, &Doc::new()).unwrap_err();
    assert!(e.to_string().contains("mô hình đã có ở Thôn Đắk Năng"), "{e}");
    let e = s.replicate_model(m, b, &Doc::new()).unwrap_err();
    assert!(e.to_string().contains("mô hình đã có ở Làng Kon Klor"), "a second replica into the same area: {e}");

    let e = s.update(Kind::Model, m, &doc(json!({"status": "giai_the"}))).unwrap_err();
    assert!(e.to_string().starts_with("Trạng thái: chỉ được thay đổi qua thao tác riêng"), "{e}");
    let e = s.dissolve_model(m, "01/01/2024", " ").unwrap_err();
    assert_eq!(e.to_string(), "Lý do giải thể: không được để trống");
    s.dissolve_model(m, "01/01/2024", "Hoạt động không hiệu quả, camera hỏng").unwrap();

    let h = s.model_history(m).unwrap();
    assert_eq!(h.model.data.str_of("status"), Some("giai_the"));
    assert_eq!(h.model.data.str_of("dissolved_on"), Some("2024-01-01"));
    assert_eq!(h.reviews.len(), 2);
    assert_eq!(h.reviews[0].data.str_of("date"), Some("2022-12-20"));
    assert_eq!(h.replicas.len(), 1);
    assert_eq!(s.model_history(replica).unwrap().origin.unwrap().id, m);

    let seq = s.last_seq().unwrap();
    for e in [
        s.update(Kind::Model, m, &doc(json!({"leader": "Người khác"}))).unwrap_err(),
        s.review_model(m, &doc(json!({"date": "01/02/2024", "kind": "so_ket", "rating": "hieu_qua"}))).unwrap_err(),
        s.delete(Kind::Model, m).unwrap_err(),
        s.delete(Kind::Review, h.reviews[0].id).unwrap_err(),
        s.dissolve_model(m, "02/01/2024", "lần nữa").unwrap_err(),
    ] {
        assert!(e.to_string().contains("đã giải thể ngày 01/01/2024: chỉ được xem"), "{e}");
    }
    assert_eq!(s.last_seq().unwrap(), seq, "no refused change wrote anything");
}

#[test]
fn deletes_leave_tombstones_with_a_new_sequence_number_for_every_kind() {
    let mut s = new_store();
    for (kind, input) in one_of_each(&mut s) {
        let id = s.create(kind, &input).unwrap().id;
        let live = s.get(kind, id).unwrap();
        s.delete(kind, id).unwrap();
        let err = s.get(kind, id).unwrap_err();
        assert_eq!(err.code(), "not_found");
        let tomb = s.get_any(id).unwrap().expect("a tombstone stays");
        assert!(tomb.meta.deleted && tomb.data.is_empty() && tomb.title.is_empty(), "{kind}: no personal data kept");
        assert!(tomb.meta.seq > live.meta.seq && tomb.meta.hlc > live.meta.hlc);
        let changes = s.changes_since(live.meta.seq, 100).unwrap();
        let c = changes.iter().find(|c| c.id == id).expect("the deletion is a change");
        assert_eq!(c.data, None);
        assert!(s.search(&live.title, Some(kind), 10).unwrap().iter().all(|h| h.id != id));
        assert!(s.list(kind, &ListQuery::default()).unwrap().records.iter().all(|r| r.id != id));
    }
}

#[test]
fn a_delete_that_would_orphan_records_is_refused_but_owned_reviews_go_along() {
    let mut s = new_store();
    let a = area(&mut s, "Thôn Đắk Năng");
    let t = team(&mut s, a);
    s.create(Kind::Member, &member_input(t)).unwrap();
    let e = s.delete(Kind::Team, t).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Không xóa được tổ bảo vệ an ninh, trật tự «Tổ bảo vệ ANTT thôn Đắk Năng» vì còn 1 thành viên tổ bảo vệ an ninh, trật tự gắn với bản ghi này. Hãy xóa hoặc chuyển các bản ghi đó trước."
    );
    let e = s.delete(Kind::Area, a).unwrap_err();
    assert!(e.to_string().contains("1 tổ bảo vệ an ninh, trật tự"), "{e}");
    let m = model(&mut s, "Tổ tự quản", a);
    let r = s.review_model(m, &doc(json!({"date": "01/06/2023", "kind": "so_ket", "rating": "hieu_qua"}))).unwrap().id;
    s.delete(Kind::Model, m).unwrap();
    assert!(s.get_any(r).unwrap().unwrap().meta.deleted, "the model's reviews are deleted with it");
}

#[test]
fn sequence_numbers_and_clock_stamps_only_grow() {
    let mut s = new_store();
    let mut last = (0, phongtrao::hlc::Hlc(0));
    for i in 0..50 {
        let id = area(&mut s, &format!("Thôn {i}"));
        let r = s.get(Kind::Area, id).unwrap();
        assert!(r.meta.seq > last.0 && r.meta.hlc > last.1);
        assert_eq!(r.meta.origin, s.commune().unwrap().installation_id);
        last = (r.meta.seq, r.meta.hlc);
    }
    let changes = s.changes_since(10, 1000).unwrap();
    assert_eq!(changes.len(), 40);
    assert!(changes.windows(2).all(|w| w[0].seq < w[1].seq));
}

#[test]
fn search_ignores_accents_and_case_across_registers() {
    let mut s = new_store();
    let dak = area(&mut s, "Thôn Đắk Năng");
    let tdp = s
        .create(
            Kind::Area,
            &doc(json!({"name": "Tổ dân phố 3", "kind": "to_dan_pho", "households": 10, "population": 40})),
        )
        .unwrap()
        .id;
    area(&mut s, "Tổ dân phố 13");
    let t = team(&mut s, dak);
    let mut m = member_input(t);
    m.insert("full_name".into(), json!("Nguyễn Văn Hùng"));
    let hung = s.create(Kind::Member, &m).unwrap().id;
    let ids = |q: &str, k: Option<Kind>| s.search(q, k, 50).unwrap().into_iter().map(|h| h.id).collect::<Vec<_>>();
    assert!(ids("dak nang", None).contains(&dak));
    assert!(ids("ĐẮK NĂNG", Some(Kind::Area)).contains(&dak));
    assert_eq!(ids("to dan pho 3", Some(Kind::Area)), vec![tdp], "3 is a word: 13 does not match");
    assert_eq!(ids("nguyen van", None), vec![hung]);
    assert_eq!(ids("nguyen hung", None), vec![hung], "words in any order");
    assert!(ids("dak", None).len() >= 2, "the team's name contains Đắk Năng too");
    assert!(ids("\"*^OR", None).is_empty(), "search syntax in the input is harmless");
    let page = s.list(Kind::Area, &ListQuery { search: Some("dan pho".into()), ..Default::default() }).unwrap();
    assert_eq!(page.total, 2);
}

#[test]
fn search_says_which_field_matched() {
    let mut s = new_store();
    let dak = area(&mut s, "Thôn Đắk Năng");
    let t = team(&mut s, dak);
    let mut m = member_input(t);
    m.insert("full_name".into(), json!("Nguyễn Văn Hùng"));
    let hung = s.create(Kind::Member, &m).unwrap().id;
    let why = |q: &str, id: Uuid| {
        let found = s.search_explained(q, None, 50).unwrap();
        let f = found.iter().find(|f| f.hit.id == id).unwrap_or_else(|| panic!("{q}: {id} not found"));
        f.matched.iter().map(|m| (m.key.as_str().to_owned(), m.label.clone(), m.text.clone())).collect::<Vec<_>>()
    };
    // The member is found by his name, written as the officer wrote it; the residence is another field.
    assert_eq!(why("hung", hung), [("full_name".into(), "Họ và tên".into(), "Nguyễn Văn Hùng".into())]);
    assert_eq!(why("dak nang", hung), [("residence".into(), "Nơi cư trú".into(), "Thôn Đắk Năng".into())]);
    // An option matches by its label: the member's education.
    let by_label = why("trung hoc co so", hung);
    assert!(by_label.iter().any(|(k, _, _)| k == "education"), "{by_label:?}");
    // The same hits as the plain search, in the same order.
    let plain: Vec<Uuid> = s.search("dak", None, 50).unwrap().into_iter().map(|h| h.id).collect();
    let explained: Vec<Uuid> = s.search_explained("dak", None, 50).unwrap().into_iter().map(|f| f.hit.id).collect();
    assert_eq!(plain, explained);
}

#[test]
fn lists_sort_in_vietnamese_order_filter_and_page() {
    let mut s = new_store();
    let names =
        ["Thôn Ông Đức", "Thôn Ấp Mới", "Thôn An Phú", "Thôn Đắk Năng", "Thôn Dầu", "Thôn 10", "Thôn 2", "Thôn Ân Hòa"];
    for (i, n) in names.iter().enumerate() {
        s.create(Kind::Area, &doc(json!({"name": n, "kind": "thon", "households": 100 + i * 10, "population": 1000})))
            .unwrap();
    }
    let titles =
        |q: ListQuery| s.list(Kind::Area, &q).unwrap().records.into_iter().map(|r| r.title).collect::<Vec<_>>();
    assert_eq!(
        titles(ListQuery::default()),
        ["Thôn 2", "Thôn 10", "Thôn An Phú", "Thôn Ân Hòa", "Thôn Ấp Mới", "Thôn Dầu", "Thôn Đắk Năng", "Thôn Ông Đức"]
    );
    let mut bytes = names.to_vec();
    bytes.sort();
    assert_ne!(bytes, titles(ListQuery::default()), "byte order would differ");
    assert_eq!(
        titles(ListQuery { limit: Some(3), offset: 2, ..Default::default() }),
        ["Thôn An Phú", "Thôn Ân Hòa", "Thôn Ấp Mới"]
    );
    assert_eq!(
        titles(ListQuery { sort: Some("-name".into()), limit: Some(1), ..Default::default() }),
        ["Thôn Ông Đức"]
    );
    let f = |s: &str| vec![Filter::parse(s).unwrap()];
    let q = ListQuery { filters: f("households>=150"), sort: Some("-households".into()), ..Default::default() };
    assert_eq!(titles(q), ["Thôn Ân Hòa", "Thôn 2", "Thôn 10"]);
    let page = s.list(Kind::Area, &ListQuery { filters: f("households<=110"), ..Default::default() }).unwrap();
    assert_eq!(page.total, 2);
    let e = s.list(Kind::Area, &ListQuery { filters: f("hamlet=1"), ..Default::default() }).unwrap_err();
    assert!(e.to_string().starts_with("Khu dân cư không có trường «hamlet»"), "{e}");
}

#[test]
fn text_sorts_by_other_fields_use_vietnamese_order_too() {
    let mut s = new_store();
    for (n, head) in [("Thôn 1", "Đinh Văn Ba"), ("Thôn 2", "Dương Thị Hà"), ("Thôn 3", "Ân Văn Tư")] {
        s.create(Kind::Area, &doc(json!({"name": n, "kind": "thon", "households": 1, "population": 3, "head": head})))
            .unwrap();
    }
    let page = s.list(Kind::Area, &ListQuery { sort: Some("head".into()), ..Default::default() }).unwrap();
    let heads: Vec<_> = page.records.iter().map(|r| r.data.str_of("head").unwrap().to_owned()).collect();
    assert_eq!(heads, ["Ân Văn Tư", "Dương Thị Hà", "Đinh Văn Ba"]);
}

pub fn chief(password: &str) -> phongtrao::NewAccount {
    phongtrao::NewAccount {
        username: "nguyenvanan".into(),
        full_name: "Nguyễn Văn An".into(),
        rank: Some("Thiếu tá".into()),
        role: phongtrao::Role::Chief,
        password: password.into(),
    }
}

/// A new encrypted store in a temporary folder, with cheap key derivation for the test's speed.
pub fn file_store(dir: &std::path::Path) -> (std::path::PathBuf, Store) {
    let path = dir.join("xa.db");
    let s =
        Store::create_at(&path, &setup(), &chief("mat-khau-dung"), phongtrao::keyring::KdfParams::insecure_for_tests())
            .unwrap();
    (path, s)
}

/// The store's file opened directly with its data key: what someone holding a password could do.
pub fn raw(path: &std::path::Path) -> rusqlite::Connection {
    let mut ring = phongtrao::keyring::Keyring::load(&phongtrao::keyring::Keyring::path_for(path)).unwrap();
    let key = ring.unlock("nguyenvanan", "mat-khau-dung", chrono::Utc::now()).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", &*key.sqlcipher_pragma()).unwrap();
    conn
}

fn reopen(path: &std::path::Path) -> phongtrao::Result<Store> {
    Store::unlock(path, "nguyenvanan", "mat-khau-dung")
}

#[test]
fn the_audit_log_records_old_and_new_values_and_catches_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = file_store(dir.path());
    let a = area(&mut s, "Thôn 1");
    s.update(Kind::Area, a, &doc(json!({"households": 130}))).unwrap();
    let last = &s.audit_tail(1).unwrap()[0];
    assert_eq!((last.actor.as_str(), last.action.as_str()), ("Nguyễn Văn An", "update"));
    assert!(last.old.as_deref().unwrap().contains("\"households\":120"));
    assert!(last.new.as_deref().unwrap().contains("\"households\":130"));
    assert!(s.audit_verify().unwrap().ok());
    let n = last.n;
    drop(s);

    // The log cannot be edited through SQL while its triggers stand…
    let conn = raw(&path);
    let e = conn.execute("UPDATE audit SET actor = 'Ai đó' WHERE n = 2", []).unwrap_err();
    assert!(e.to_string().contains("append-only"));
    // …and someone who drops them is found out.
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").unwrap();
    conn.execute("UPDATE audit SET new = replace(new, '130', '999') WHERE n = ?1", [n]).unwrap();
    let report = reopen(&path).unwrap().audit_verify().unwrap();
    assert!(!report.ok());
    assert!(report.problems[0].starts_with(&format!("Mục nhật ký số {n} (update lúc")), "{:?}", report.problems);

    conn.execute("UPDATE audit SET new = replace(new, '999', '130') WHERE n = ?1", [n]).unwrap();
    assert!(reopen(&path).unwrap().audit_verify().unwrap().ok(), "restored entry verifies again");
    conn.execute("DELETE FROM audit WHERE n = 2", []).unwrap();
    let report = reopen(&path).unwrap().audit_verify().unwrap();
    assert!(report.problems.iter().any(|p| p.contains("Thiếu mục nhật ký số 2")), "{:?}", report.problems);
    // Cutting off the tail is found too: the next entry no longer follows the recorded head.
    let last: i64 = conn.query_row("SELECT max(n) FROM audit", [], |r| r.get(0)).unwrap();
    conn.execute("DELETE FROM audit WHERE n >= ?1", [last - 1]).unwrap();
    let report = reopen(&path).unwrap().audit_verify().unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains(&format!("Thiếu mục nhật ký số {}", last - 1))),
        "{:?}",
        report.problems
    );
}

#[test]
fn migrations_build_an_empty_store_and_refuse_a_newer_or_edited_one() {
    let s = Store::open_in_memory().unwrap();
    assert_eq!(s.commune().unwrap_err().code(), "not_initialized");
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = file_store(dir.path());
    drop(s);
    let conn = raw(&path);
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, phongtrao::store::latest_schema());
    let applied: i64 = conn.query_row("SELECT count(*) FROM schema_migration", [], |r| r.get(0)).unwrap();
    assert_eq!(applied, phongtrao::store::MIGRATIONS.len() as i64);
    conn.pragma_update(None, "user_version", v + 1).unwrap();
    let e = reopen(&path).err().unwrap();
    assert_eq!(e.code(), "newer_schema");
    assert!(e.to_string().contains("phiên bản phongtrao mới hơn"));

    conn.pragma_update(None, "user_version", v).unwrap();
    conn.execute("UPDATE schema_migration SET sha256 = 'x' WHERE version = 1", []).unwrap();
    assert_eq!(reopen(&path).err().unwrap().code(), "migration_edited");
}

/// Shipped migrations are never edited: their checksums are frozen here when they ship.
#[test]
fn shipped_migrations_are_unchanged() {
    // Line i is the checksum of the i-th migration of MIGRATIONS (versions may skip numbers while
    // branches that each add one are merged).
    let frozen: Vec<&str> = include_str!("migrations.sha256").lines().map(str::trim).collect();
    assert_eq!(frozen.len(), phongtrao::store::MIGRATIONS.len(), "freeze the checksum of a new migration here");
    assert!(phongtrao::store::MIGRATIONS.windows(2).all(|w| w[0].0 < w[1].0), "versions increase");
    for ((_, name, sql), sum) in phongtrao::store::MIGRATIONS.iter().zip(&frozen) {
        assert_eq!(&phongtrao::store::migration_checksum(sql), sum, "migration {name} was edited after shipping");
    }
}

#[test]
fn init_checks_codes_and_happens_once() {
    let mut s = Store::open_in_memory().unwrap();
    let mut bad = setup();
    bad.province_code = "5".into();
    bad.commune_code = "2343A".into();
    let e = s.init(&bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Mã tỉnh: phải gồm 2 chữ số (QĐ 19/2025/QĐ-TTg)\nMã xã: phải gồm 5 chữ số (QĐ 19/2025/QĐ-TTg)"
    );
    s.init(&setup()).unwrap();
    assert_eq!(s.init(&setup()).unwrap_err().code(), "already_initialized");
}

#[test]
fn reference_data_is_in_the_store_and_a_newer_set_replaces_it() {
    let mut s = new_store();
    let kinds: Vec<String> = s.ref_items("model_kind").unwrap().into_iter().map(|i| i.label).collect();
    assert_eq!(kinds, ["Tự phòng", "Tự quản", "Tự bảo vệ", "Tự hòa giải"]);
    let criteria = s.ref_items("criteria_khu_dan_cu").unwrap();
    assert_eq!(criteria.len(), 5);
    // Điều 4 of Thông tư 124/2021/TT-BCA in its own words: khoản 3 with its points a) to g).
    assert!(criteria[2].label.starts_with("Không để xảy ra một trong các trường hợp sau: a) Hoạt động chống Đảng"));
    assert!(criteria[2].label.contains(
        "g) Kích động, xúi giục, cưỡng ép, dụ dỗ, mua chuộc, lôi kéo người khác tập trung đông người khiếu nại"
    ));
    assert_eq!(criteria[3].data["source"], json!("Điều 4 khoản 4 Thông tư 124/2021/TT-BCA"));
    assert!(criteria.iter().all(|c| !c.label.contains("chưa xác nhận") && c.data.get("confirmed").is_none()));
    let mut set = phongtrao::domain::RefSet::builtin();
    set.version += 1;
    let list = set.lists.iter_mut().find(|l| l.list == "model_kind").unwrap();
    list.items.push(phongtrao::domain::RefItem {
        code: "tu_giam_sat".into(),
        label: "Tự giám sát".into(),
        data: Value::Null,
    });
    assert_eq!(s.apply_reference(&set).unwrap(), set.lists.len());
    assert_eq!(s.apply_reference(&set).unwrap(), 0, "the same version twice changes nothing");
    let a = area(&mut s, "Thôn 1");
    s.create(
        Kind::Model,
        &doc(json!({"name": "Mới", "kind": "Tự giám sát", "area_ids": [a.to_string()], "founded_on": "01/01/2025"})),
    )
    .expect("a kind sent by the province is usable without a new release");
}

#[test]
fn activity_categories_bring_their_own_fields_from_reference_data() {
    let mut s = new_store();
    let e = s
        .create(Kind::Activity, &doc(json!({"category": "thu_hoi_vu_khi", "date": "01/03/2025", "giver": "Rơ Châm Khâm", "item_type": "vu_khi", "item": "Súng kíp", "quantity": 0})))
        .unwrap_err();
    assert_eq!(e.to_string(), "Số lượng: phải từ 1 đến 1.000.000");
    let id = s
        .create(Kind::Activity, &doc(json!({"category": "thu_hoi_vu_khi", "date": "01/03/2025", "giver": "Rơ Châm Khâm", "item_type": "Vũ khí", "item": "Súng kíp", "quantity": 2})))
        .unwrap()
        .id;
    let r = s.get(Kind::Activity, id).unwrap();
    assert_eq!(r.title, "Thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ ngày 01/03/2025");
    assert_eq!(r.data.str_of("item_type"), Some("vu_khi"));
    let e = s
        .create(Kind::Activity, &doc(json!({"category": "tuyen_truyen", "date": "01/03/2025", "giver": "X"})))
        .unwrap_err();
    let fields = invalid_fields(e);
    assert!(fields.contains(&("giver".into(), "trường này không có trong biểu mẫu".into())));
    assert!(fields.contains(&("topic".into(), "không được để trống".into())));
}

/// Two installations of one commune edit the same records; exchanging changes in any order
/// ends with the same state on both (last writer wins by clock, ties by installation id).
#[test]
fn two_installations_converge_whatever_the_order() {
    let mut a = new_store();
    let mut b = new_store();
    let id = area(&mut a, "Thôn 1");
    b.apply_changes(&a.changes_since(0, 1000).unwrap()).unwrap();
    assert_eq!(b.get(Kind::Area, id).unwrap().title, "Thôn 1");

    a.update(Kind::Area, id, &doc(json!({"head": "Ông A"}))).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(3));
    b.update(Kind::Area, id, &doc(json!({"head": "Bà B"}))).unwrap();
    let only_b = area(&mut b, "Thôn 2");
    let gone = area(&mut a, "Thôn 3");
    a.delete(Kind::Area, gone).unwrap();

    let from_a = a.changes_since(0, 1000).unwrap();
    let from_b = b.changes_since(0, 1000).unwrap();
    let rb = b.apply_changes(&from_a).unwrap();
    let ra = a.apply_changes(&from_b).unwrap();
    assert!(rb.applied >= 1 && ra.applied >= 1);
    for s in [&a, &b] {
        assert_eq!(s.get(Kind::Area, id).unwrap().data.str_of("head"), Some("Bà B"), "the later edit wins");
        assert_eq!(s.get(Kind::Area, only_b).unwrap().title, "Thôn 2");
        assert!(s.get_any(gone).unwrap().unwrap().meta.deleted, "the delete travelled");
    }
    // Applying the same changes again changes nothing.
    let again = b.apply_changes(&from_a).unwrap();
    assert_eq!(again.applied, 0);
    // After the exchange both agree on every record's state and stamp.
    let state = |s: &Store| {
        let mut v: Vec<_> =
            s.changes_since(0, 1000).unwrap().into_iter().map(|c| (c.id, c.hlc, c.origin, c.data)).collect();
        v.sort_by_key(|x| x.0);
        v
    };
    assert_eq!(state(&a), state(&b));
    // A later local edit is stamped after everything received.
    let max_seen = b.changes_since(0, 1000).unwrap().into_iter().map(|c| c.hlc).max().unwrap();
    b.update(Kind::Area, id, &doc(json!({"head": "Bà C"}))).unwrap();
    assert!(b.get(Kind::Area, id).unwrap().meta.hlc > max_seen);
}

#[test]
fn equal_clock_stamps_are_broken_by_installation_id() {
    let mut a = new_store();
    let mut b = new_store();
    let id = area(&mut a, "Thôn 1");
    b.apply_changes(&a.changes_since(0, 100).unwrap()).unwrap();
    let base = a.changes_since(0, 100).unwrap().pop().unwrap();
    let stamp = phongtrao::hlc::Hlc(base.hlc.0 + 1_000_000);
    let mk = |origin: Uuid, head: &str| phongtrao::store::Change {
        id,
        kind: Kind::Area,
        hlc: stamp,
        origin,
        seq: 99,
        data: Some(doc(json!({"name": "Thôn 1", "kind": "thon", "households": 120, "population": 480, "head": head}))),
    };
    let (lo, hi) = (Uuid::from_u128(1), Uuid::from_u128(2));
    a.apply_changes(&[mk(lo, "thấp"), mk(hi, "cao")]).unwrap();
    b.apply_changes(&[mk(hi, "cao"), mk(lo, "thấp")]).unwrap();
    for s in [&a, &b] {
        assert_eq!(s.get(Kind::Area, id).unwrap().data.str_of("head"), Some("cao"));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON value an officer or a script might send, good or bad.
    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-1_000i64..100_000).prop_map(|n| json!(n)),
            "[0-9]{1,3}\\.[0-9]{3}".prop_map(Value::String),
            "(thon|to_dan_pho|Tổ dân phố|xóm|ấp|)".prop_map(Value::String),
            "[0-3][0-9]/[01][0-9]/(19|20)[0-9]{2}".prop_map(Value::String),
            "[a-zA-ZàáạảãăắằặâấầđêếềôốơớưứỳÀÁĐƯ 0-9]{0,30}".prop_map(Value::String),
            prop::collection::vec("[a-z]{0,5}".prop_map(Value::String), 0..3).prop_map(Value::Array),
        ]
    }

    fn input(keys: &'static [&'static str]) -> impl Strategy<Value = Doc> {
        prop::collection::btree_map(prop::sample::select(keys), value(), 0..keys.len())
            .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    const AREA_KEYS: &[&str] = &[
        "name",
        "kind",
        "households",
        "households_registered",
        "households_committed",
        "population",
        "head",
        "q1_resolution_date",
        "registered_on",
        "notes",
        "bogus",
    ];
    const MEETING_KEYS: &[&str] = &[
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "place",
        "chair",
        "secretary",
        "attendees",
        "attendee_count",
        "votes_for",
        "votes_against",
        "area_id",
    ];

    fn state(s: &Store) -> (i64, Vec<(Kind, i64)>, i64) {
        let audit = s.audit_tail(1).unwrap()[0].n;
        (s.last_seq().unwrap(), s.counts().unwrap(), audit)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// A refused create leaves no trace; an accepted one stores exactly what validation kept.
        #[test]
        fn a_create_is_all_or_nothing(area in input(AREA_KEYS), meeting in input(MEETING_KEYS)) {
            let mut s = new_store();
            for (kind, doc) in [(Kind::Area, area), (Kind::Meeting, meeting)] {
                let before = state(&s);
                match s.create(kind, &doc) {
                    Err(Error::Invalid(errors)) => {
                        prop_assert!(!errors.0.is_empty());
                        for e in &errors.0 {
                            prop_assert!(!e.label.is_empty() && !e.message.is_empty());
                        }
                        prop_assert_eq!(state(&s), before);
                    }
                    Err(other) => prop_assert!(false, "unexpected error {other}"),
                    Ok(saved) => {
                        let after = state(&s);
                        prop_assert_eq!(after.0, before.0 + 1, "one change");
                        prop_assert_eq!(after.2, before.2 + 1, "one audit entry");
                        let r = s.get(kind, saved.id).unwrap();
                        for (k, v) in &r.data {
                            prop_assert!(doc.contains_key(k) || k == "status", "{} appeared", k);
                            prop_assert!(!v.is_null());
                        }
                    }
                }
            }
        }

        /// The same for a partial edit of a stored record.
        #[test]
        fn an_edit_is_all_or_nothing(patch in input(AREA_KEYS)) {
            let mut s = new_store();
            let id = s.create(Kind::Area, &doc(json!({"name": "Thôn 1", "kind": "thon", "households": 10, "population": 40}))).unwrap().id;
            let before = (state(&s), s.get(Kind::Area, id).unwrap());
            match s.update(Kind::Area, id, &patch) {
                Err(Error::Invalid(_)) => {
                    prop_assert_eq!((state(&s), s.get(Kind::Area, id).unwrap()), before);
                }
                Err(other) => prop_assert!(false, "unexpected error {other}"),
                Ok(_) => {
                    let r = s.get(Kind::Area, id).unwrap();
                    for (k, v) in &patch {
                        if v.is_null() || v.as_str().is_some_and(|t| t.trim().is_empty()) || v.as_array().is_some_and(|a| a.is_empty()) {
                            prop_assert!(!r.data.contains_key(k), "{} cleared", k);
                        } else {
                            prop_assert!(r.data.contains_key(k), "{} set", k);
                        }
                    }
                }
            }
        }
    }
}

/// The dashboard's groups, computed the slow way: every live record read whole.
fn groups_from_records(
    s: &Store,
    kind: Kind,
    by: &[&str],
    max_of: Option<&str>,
) -> Vec<(Vec<Option<String>>, u64, Option<String>)> {
    let mut out: std::collections::BTreeMap<Vec<Option<String>>, (u64, Option<String>)> = Default::default();
    for r in s.list(kind, &ListQuery::default()).unwrap().records {
        let text = |f: &str| r.data.get(f).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
        let e = out.entry(by.iter().map(|f| text(f)).collect()).or_default();
        e.0 += 1;
        if let Some(m) = max_of.and_then(text) {
            e.1 = e.1.take().max(Some(m));
        }
    }
    out.into_iter().map(|(k, (n, m))| (k, n, m)).collect()
}

fn groups(s: &Store, kind: Kind, by: &[&str], max_of: Option<&str>) -> Vec<(Vec<Option<String>>, u64, Option<String>)> {
    let mut g: Vec<_> = s.group(kind, by, max_of).unwrap().into_iter().map(|g| (g.keys, g.count, g.max)).collect();
    g.sort();
    g
}

fn assert_facts_agree(s: &Store, when: &str) {
    for (kind, by, max_of) in [
        (Kind::Activity, &["date", "category"][..], None),
        (Kind::Member, &["team_id", "role"][..], Some("date_of_birth")),
        (Kind::Review, &["model_id"][..], Some("date")),
        (Kind::Model, &["kind", "status"][..], None),
    ] {
        assert_eq!(groups(s, kind, by, max_of), groups_from_records(s, kind, by, max_of), "{when}: {kind:?} by {by:?}");
    }
    for (kind, n) in s.counts().unwrap() {
        assert_eq!(n as u64, s.list(kind, &ListQuery::default()).unwrap().total, "{when}: count of {kind:?}");
    }
    for (kind, fields) in [
        (Kind::Model, &["status", "founded_on", "area_ids"][..]),
        (Kind::Area, &["households", "households_registered"][..]),
    ] {
        let rows: Vec<(Uuid, Vec<Option<String>>)> =
            s.fact_rows(kind, fields).unwrap().into_iter().map(|r| (r.id, r.values)).collect();
        let expected: Vec<(Uuid, Vec<Option<String>>)> = s
            .list(kind, &ListQuery::default())
            .unwrap()
            .records
            .iter()
            .map(|r| {
                let text = |f: &str| r.data.get(f).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
                (r.id, fields.iter().map(|f| text(f)).collect())
            })
            .collect();
        assert_eq!(rows, expected, "{when}: facts of {kind:?}, in title order");
    }
    assert_eq!(s.fact_rows(Kind::Unit, &["name"]).unwrap_err().code(), "refused");
    let born_by =
        ListQuery { filters: vec![Filter::parse("date_of_birth<=31/12/1969").unwrap()], ..Default::default() };
    let found: Vec<Uuid> = s.list(Kind::Member, &born_by).unwrap().records.iter().map(|r| r.id).collect();
    let expected: Vec<Uuid> = s
        .list(Kind::Member, &ListQuery::default())
        .unwrap()
        .records
        .iter()
        .filter(|r| r.data.str_of("date_of_birth").is_some_and(|d| d <= "1969-12-31"))
        .map(|r| r.id)
        .collect();
    assert_eq!(found, expected, "{when}: members born by 1969");
}

/// The dashboard counts from `record_fact` (migration 0007): its triggers follow every create, edit,
/// dissolution and delete, and the migration fills it for records stored before it.
#[test]
fn dashboard_facts_follow_every_write_and_the_migration_fills_them() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = file_store(dir.path());
    let a = area(&mut s, "Thôn Đắk Năng");
    let teams = [team(&mut s, a), team(&mut s, a)];
    let models: Vec<Uuid> = (0..4).map(|i| model(&mut s, &format!("Mô hình số {i}"), a)).collect();
    let roles = ["to_truong", "to_pho", "to_vien"];
    let mut members = Vec::new();
    for i in 0..12 {
        let mut m = member_input(teams[i % 2]);
        m.insert("role".into(), json!(roles[i % 3]));
        m.insert("full_name".into(), json!(format!("Thành viên số {i}")));
        m.insert("date_of_birth".into(), json!(format!("0{}/05/19{}", 1 + i % 9, 60 + i * 3)));
        members.push(s.create(Kind::Member, &m).unwrap().id);
    }
    let mut activities = Vec::new();
    for i in 0..10 {
        let (cat, extra) = if i % 2 == 0 {
            ("tuyen_truyen", json!({"form": "hop_dan", "topic": "Phòng chống lừa đảo", "attendances": 40 + i}))
        } else {
            ("cam_ket", json!({"households": 30 + i}))
        };
        let mut d = doc(
            json!({"category": cat, "date": format!("{:02}/{:02}/2025", 1 + i, 1 + i % 12), "area_id": a.to_string()}),
        );
        d.extend(doc(extra));
        activities.push(s.create(Kind::Activity, &d).map(|r| r.id).unwrap_or_else(|e| panic!("{cat}: {e:?}")));
    }
    for (i, m) in models.iter().enumerate() {
        for y in 0..=i {
            s.review_model(
                *m,
                &doc(json!({"date": format!("20/06/202{}", 1 + y), "kind": "so_ket", "rating": "hieu_qua"})),
            )
            .unwrap();
        }
    }
    assert_facts_agree(&s, "after creating");

    // Edits move records between groups; deletes and a dissolution take them out or change their status.
    s.update(Kind::Member, members[0], &doc(json!({"team_id": teams[1].to_string(), "role": "to_pho"}))).unwrap();
    s.update(Kind::Member, members[1], &doc(json!({"date_of_birth": "02/02/1950"}))).unwrap_err(); // over 70: refused
    s.update(Kind::Member, members[2], &doc(json!({"date_of_birth": "02/02/1966"}))).unwrap();
    s.delete(Kind::Member, members[3]).unwrap();
    s.update(Kind::Activity, activities[0], &doc(json!({"date": "05/12/2025"}))).unwrap();
    s.delete(Kind::Activity, activities[1]).unwrap();
    s.dissolve_model(models[3], "01/10/2025", "Không còn hiệu quả").unwrap();
    s.delete(Kind::Model, models[0]).unwrap(); // its reviews go along
    assert_facts_agree(&s, "after edits and deletes");
    drop(s);

    // A store made before migration 0007 (so before 0008 to 0011 too): the migration fills the facts
    // from the stored records.
    let conn = raw(&path);
    conn.execute_batch(
        "DROP TABLE record_sibling; DROP TABLE peer; DROP TABLE peer_invite; DROP TABLE peer_import;
         ALTER TABLE record DROP COLUMN vv;
         DROP TRIGGER record_fact_insert; DROP TRIGGER record_fact_update; DROP TRIGGER record_fact_delete;
         DROP VIEW record_fact_of; DROP TABLE record_fact; DROP TABLE record_count;
         DROP INDEX issued_doc_subject; ALTER TABLE issued_doc DROP COLUMN period;
         ALTER TABLE issued_doc DROP COLUMN issued_on;
         DROP TABLE returned_item; DROP TABLE review_decision;
         DROP TABLE locked_merge; DROP TABLE decision_relay; DROP TABLE province_signed; DROP TABLE province_held;
         DELETE FROM schema_migration WHERE version >= 7; PRAGMA user_version = 6;",
    )
    .unwrap();
    drop(conn);
    let s = reopen(&path).unwrap();
    assert_facts_agree(&s, "after migrating");
    let filled: i64 = raw(&path).query_row("SELECT count(*) FROM record_fact", [], |r| r.get(0)).unwrap();
    assert_eq!(filled, 11 + 9 + (2 + 3 + 4) + 3 + 1, "members, activities, reviews of the 3 models left, models, area");
}

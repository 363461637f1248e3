//! Steering the movement: a plan's targets and their progress computed from records written by hand
//! (the reporting window's edges, the pace on a day, shares waiting for the year's end), the
//! province's targets when the commune has no plan, and the key areas (their end, their
//! assessments, who may read them).

use chrono::NaiveDate;
use phongtrao::domain::Kind;
use phongtrao::steer::{self, Pace, Source};
use phongtrao::{NewAccount, Role, Store};
use serde_json::json;
use uuid::Uuid;

use crate::store::{doc, file_store, new_store};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn activity(s: &mut Store, category: &str, date: &str, extra: serde_json::Value) -> Uuid {
    let mut d = doc(json!({"category": category, "date": date}));
    d.extend(doc(extra));
    s.create(Kind::Activity, &d).unwrap().id
}

fn propaganda(s: &mut Store, date: &str) -> Uuid {
    activity(s, "tuyen_truyen", date, json!({"form": "hop_dan", "topic": "Phòng, chống lừa đảo", "attendances": 40}))
}

fn target<'a>(p: &'a steer::Progress, code: &str) -> &'a steer::TargetProgress {
    p.targets.iter().find(|t| t.code == code).unwrap_or_else(|| panic!("no target {code}: {:?}", p.targets))
}

#[test]
fn progress_is_counted_from_the_records_of_the_year_s_window_and_paced_by_the_day() {
    let mut s = new_store();
    assert_eq!(steer::progress_of_store(&s, 2026, ymd(2026, 6, 30)).unwrap(), None, "no plan, no target");
    let plan = s
        .create(
            Kind::Plan,
            &doc(json!({"year": 2026, "number": "05/KH-CAX", "issued_on": "10/01/2026",
                "goals": "Nâng cao chất lượng phong trào.",
                "target_tuyen_truyen_buoi": 12, "target_ho_cam_ket": 100, "target_antt_cong_nhan": 80})),
        )
        .unwrap()
        .id;
    // The year 2026 reports from 15/12/2025 to 14/12/2026: the 14th before is last year's, the
    // 15th this year's.
    propaganda(&mut s, "14/12/2025");
    propaganda(&mut s, "15/12/2025");
    for d in ["10/02/2026", "05/03/2026", "20/04/2026", "18/05/2026"] {
        propaganda(&mut s, d);
    }
    activity(&mut s, "cam_ket", "01/03/2026", json!({"households": 60}));
    activity(&mut s, "cam_ket", "01/04/2026", json!({"households": 45}));

    let p = steer::progress_of_store(&s, 2026, ymd(2026, 6, 30)).unwrap().unwrap();
    assert_eq!((p.source, p.plan.as_ref().map(|x| x.0)), (Source::Plan, Some(plan)));
    assert_eq!((p.start.as_str(), p.end.as_str()), ("2025-12-15", "2026-12-14"));
    // 198 of 365 days gone: 12 a year expects ⌈12 × 198 / 365⌉ = 7 by 30/06.
    assert_eq!(p.elapsed, 54);
    let t = target(&p, "tuyen_truyen_buoi");
    assert_eq!((t.done, t.target, t.expected, t.pace), (5, 12, 7, Pace::Behind));
    let h = target(&p, "ho_cam_ket");
    assert_eq!((h.done, h.pace), (105, Pace::Done), "households are summed, and 105 ≥ 100");
    let a = target(&p, "antt_cong_nhan");
    assert!(a.percent);
    assert_eq!((a.done, a.of, a.pace), (0, Some(0), Pace::Waiting), "recognition comes at the year's end");
    assert_eq!(p.targets.len(), 3, "only the indicators the plan sets");

    // Two more sessions: on track.
    propaganda(&mut s, "10/06/2026");
    propaganda(&mut s, "25/06/2026");
    let p = steer::progress_of_store(&s, 2026, ymd(2026, 6, 30)).unwrap().unwrap();
    assert_eq!(target(&p, "tuyen_truyen_buoi").pace, Pace::OnTrack);
    // After the window, what is not reached is behind, the share too.
    let p = steer::progress_of_store(&s, 2026, ymd(2026, 12, 20)).unwrap().unwrap();
    assert_eq!(target(&p, "tuyen_truyen_buoi").pace, Pace::Behind);
    assert_eq!(target(&p, "antt_cong_nhan").pace, Pace::Behind);
    assert_eq!(p.elapsed, 100);

    // The same numbers as the figures the province counts.
    let f = phongtrao::figures::of_store(&s, phongtrao::period::Period::year(2026)).unwrap();
    assert_eq!(f.value("tuyen_truyen_buoi"), 7);
}

#[test]
fn without_a_plan_the_province_s_targets_stand_and_a_new_plan_starts_from_them() {
    let mut s = new_store();
    let code = s.commune().unwrap().commune_code.clone();
    let mut set = phongtrao::domain::RefSet::builtin();
    set.version += 1;
    set.lists = vec![phongtrao::domain::RefList {
        list: steer::PROVINCE_TARGETS.into(),
        label: "Chỉ tiêu".into(),
        items: vec![
            phongtrao::domain::RefItem {
                code: "2026-*".into(),
                label: "Chung".into(),
                data: json!({"commune": "*", "year": 2026, "targets": {"tuyen_truyen_buoi": 10, "ho_cam_ket": 50}}),
            },
            phongtrao::domain::RefItem {
                code: format!("2026-{code}"),
                label: "Riêng".into(),
                data: json!({"commune": code, "year": 2026, "targets": {"tuyen_truyen_buoi": 24}}),
            },
            phongtrao::domain::RefItem {
                code: "2026-99999".into(),
                label: "Xã khác".into(),
                data: json!({"commune": "99999", "year": 2026, "targets": {"tuyen_truyen_buoi": 99}}),
            },
        ],
    }];
    s.apply_reference(&set).unwrap();
    propaganda(&mut s, "10/02/2026");
    let p = steer::progress_of_store(&s, 2026, ymd(2026, 3, 1)).unwrap().unwrap();
    assert_eq!((p.source, &p.plan), (Source::Province, &None));
    assert_eq!(target(&p, "tuyen_truyen_buoi").target, 24, "the commune's own target over the common one");
    assert_eq!(target(&p, "ho_cam_ket").target, 50);
    assert_eq!(steer::progress_of_store(&s, 2027, ymd(2026, 3, 1)).unwrap(), None, "nothing set for 2027");

    let start = steer::plan_defaults(&s, 2026).unwrap();
    assert_eq!((start["year"].clone(), start["target_tuyen_truyen_buoi"].clone()), (json!(2026), json!(24)));
    let mut own = start.clone();
    own.insert("target_tuyen_truyen_buoi".into(), json!(30));
    s.create(Kind::Plan, &own).unwrap();
    let p = steer::progress_of_store(&s, 2026, ymd(2026, 3, 1)).unwrap().unwrap();
    assert_eq!((p.source, target(&p, "tuyen_truyen_buoi").target), (Source::Plan, 30));
    // The dashboard shows it; a target behind is an alert.
    let d = phongtrao::dashboard::dashboard(&s, ymd(2026, 11, 1)).unwrap();
    assert_eq!(d.plan.as_ref().map(|p| p.year), Some(2026));
    let alert = d.alerts.iter().find(|a| a.code == "target_behind").expect("an alert");
    assert_eq!(alert.message, "2 chỉ tiêu năm 2026 chậm tiến độ");
    // A second plan of the year is saved with a warning (it may come from another laptop).
    let again = s.create(Kind::Plan, &doc(json!({"year": 2026}))).unwrap();
    assert!(again.warnings[0].contains("đã có kế hoạch năm 2026"), "{:?}", again.warnings);
}

fn key_area(s: &mut Store, extra: serde_json::Value) -> phongtrao::Result<phongtrao::Saved> {
    let area = s
        .create(Kind::Area, &doc(json!({"name": "Thôn Kon Rốc", "kind": "thon", "households": 80, "population": 300})))
        .unwrap()
        .id;
    let mut d = doc(json!({"name": "Khu vực chợ Kon Rốc", "area_ids": [area.to_string()],
        "reasons": ["Ma túy", "toi_pham"], "decision_number": "12/QĐ-UBND", "decision_date": "15/01/2026",
        "decided_by": "Chủ tịch UBND xã", "officer": "Trần Thị Bình", "deadline": "31/12/2026"}));
    d.extend(doc(extra));
    s.create(Kind::KeyArea, &d)
}

#[test]
fn a_key_area_ends_transformed_by_decision_or_still_complex_at_its_deadline_and_keeps_its_assessments() {
    let mut s = new_store();
    let id = key_area(&mut s, json!({})).unwrap().id;
    let r = s.get(Kind::KeyArea, id).unwrap();
    assert_eq!(r.data["reasons"], json!(["ma_tuy", "toi_pham"]), "labels or codes, stored as codes");
    assert_eq!(r.data["status"], json!("dang_chuyen_hoa"));
    let shown = s.describe(&r).unwrap();
    assert!(shown.contains(&("Tính chất phức tạp".into(), "Ma túy; Tội phạm, tệ nạn xã hội".into())), "{shown:?}");
    // A reason not in the list is refused, naming the list.
    let e = s.update(Kind::KeyArea, id, &doc(json!({"reasons": ["buôn lậu"]}))).unwrap_err();
    assert!(e.to_string().contains("Tính chất phức tạp: «buôn lậu» không hợp lệ"), "{e}");

    // Assessments: kept, dated after the listing.
    let review = |s: &mut Store, date: &str| {
        s.create(
            Kind::KeyAreaReview,
            &doc(json!({"key_area_id": id.to_string(), "date": date, "progress": "chuyen_bien_tot",
                "findings": "Không phát sinh điểm phức tạp mới."})),
        )
    };
    let e = review(&mut s, "10/01/2026").unwrap_err();
    assert!(e.to_string().contains("trước ngày quyết định đưa vào diện trọng điểm (15/01/2026)"), "{e}");
    review(&mut s, "15/04/2026").unwrap();
    review(&mut s, "15/07/2026").unwrap();

    // Transformed: the decision and the day are needed.
    let e = s.update(Kind::KeyArea, id, &doc(json!({"status": "da_chuyen_hoa"}))).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("Ngày kết thúc: không được để trống khi địa bàn đã chuyển hóa"), "{text}");
    assert!(text.contains("Số quyết định công nhận đã chuyển hóa: không được để trống"), "{text}");
    // Still complex cannot be said before the deadline.
    let e =
        s.update(Kind::KeyArea, id, &doc(json!({"status": "chua_chuyen_hoa", "ended_on": "01/08/2026"}))).unwrap_err();
    assert!(e.to_string().contains("chưa đến thời hạn chuyển hóa (31/12/2026)"), "{e}");
    s.update(
        Kind::KeyArea,
        id,
        &doc(json!({"status": "da_chuyen_hoa", "ended_on": "01/08/2026", "end_decision_number": "88/QĐ-UBND"})),
    )
    .unwrap();
    let kept = s
        .list(
            Kind::KeyAreaReview,
            &phongtrao::ListQuery {
                filters: vec![phongtrao::store::Filter::parse(&format!("key_area_id={id}")).unwrap()],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(kept.total, 2, "the history stays");
    // An ended listing's file is closed: neither the listing nor its assessments change; an
    // assessment kept on paper may still be added up to the end, none after it.
    let before = (s.last_seq().unwrap(), s.counts().unwrap());
    let e = s.update(Kind::KeyArea, id, &doc(json!({"end_note": "Sửa lại"}))).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("đã kết thúc diện trọng điểm ngày 01/08/2026 (đã chuyển hóa)")
            && text.contains("không được sửa hay xóa"),
        "{text}"
    );
    assert!(s.delete(Kind::KeyArea, id).unwrap_err().to_string().contains("đã kết thúc diện trọng điểm"));
    let first = kept.records[0].id;
    let e = s.update(Kind::KeyAreaReview, first, &doc(json!({"findings": "Khác"}))).unwrap_err();
    assert!(e.to_string().contains("đã kết thúc diện trọng điểm"), "{e}");
    assert!(s.delete(Kind::KeyAreaReview, first).is_err());
    let e = review(&mut s, "20/08/2026").unwrap_err();
    assert!(e.to_string().contains("sau ngày địa bàn kết thúc diện trọng điểm (01/08/2026): hồ sơ đã kết thúc"), "{e}");
    assert_eq!((s.last_seq().unwrap(), s.counts().unwrap()), before, "nothing written");
    review(&mut s, "30/07/2026").expect("the history kept on paper, added later");

    // The overview: one transformed; another past its deadline is overdue.
    let late = key_area(&mut s, json!({"name": "Bãi sông Đắk Bla", "deadline": "30/06/2026"})).unwrap().id;
    let k = steer::key_areas(&s, ymd(2026, 9, 1)).unwrap().unwrap();
    let count = |code: &str| k.by_status.iter().find(|r| r.0 == code).unwrap().2;
    assert_eq!((count("dang_chuyen_hoa"), count("da_chuyen_hoa"), count("chua_chuyen_hoa")), (1, 1, 0));
    assert_eq!(k.overdue.iter().map(|o| o.0).collect::<Vec<_>>(), [late]);
    let d = phongtrao::dashboard::dashboard(&s, ymd(2026, 9, 1)).unwrap();
    assert!(d.alerts.iter().any(|a| a.code == "key_area_overdue"
        && a.message == "Địa bàn trọng điểm «Bãi sông Đắk Bla» đã quá thời hạn chuyển hóa"));
}

#[test]
fn viewers_read_key_areas_only_when_the_chief_allows_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut chief) = file_store(dir.path());
    let id = key_area(&mut chief, json!({})).unwrap().id;
    chief
        .add_account(&NewAccount {
            username: "xem".into(),
            full_name: "Cán bộ xem".into(),
            rank: None,
            role: Role::Viewer,
            password: "mk-xem-123".into(),
        })
        .unwrap();
    drop(chief);

    let viewer = Store::unlock(&path, "xem", "mk-xem-123").unwrap();
    assert_eq!(viewer.get(Kind::KeyArea, id).unwrap_err().code(), "forbidden");
    assert_eq!(viewer.list(Kind::KeyAreaReview, &Default::default()).unwrap_err().code(), "forbidden");
    assert!(viewer.get_any(id).unwrap().is_none());
    assert!(viewer.search("chợ Kon Rốc", None, 50).unwrap().is_empty(), "search leaves them out");
    assert!(!viewer.search("Kon Rốc", None, 50).unwrap().is_empty(), "the area itself is found");
    let d = phongtrao::dashboard::dashboard(&viewer, ymd(2026, 9, 1)).unwrap();
    assert!(d.key_areas.is_none() && d.totals.iter().all(|t| !t.kind.sensitive()));
    let regs = phongtrao::present::record::registers(&viewer).unwrap();
    assert!(!regs.iter().any(|r| r.kind == Kind::KeyArea));
    let mut viewer = viewer;
    assert_eq!(viewer.set_key_areas_for_viewers(true).unwrap_err().code(), "forbidden", "the chief's setting");
    drop(viewer);

    let mut chief = Store::unlock(&path, "nguyenvanan", "mat-khau-dung").unwrap();
    chief.set_key_areas_for_viewers(true).unwrap();
    assert_eq!(chief.audit_tail(1).unwrap()[0].action, "key_areas_for_viewers");
    drop(chief);
    let viewer = Store::unlock(&path, "xem", "mk-xem-123").unwrap();
    assert_eq!(viewer.get(Kind::KeyArea, id).unwrap().title, "Khu vực chợ Kon Rốc");
    assert!(phongtrao::dashboard::dashboard(&viewer, ymd(2026, 9, 1)).unwrap().key_areas.is_some());
}

#[test]
fn the_province_sends_targets_down_and_counts_each_commune_s_progress_as_the_commune_does() {
    use phongtrao::sync::commune::{self, Imported};
    let mut w = crate::sync::world();
    let mut a = w.commune("23535", true);
    let mut b = w.commune("23536", true);
    // Bad targets are refused whole, each named.
    let e = phongtrao::province::targets::set(
        &mut w.province,
        2026,
        None,
        &doc(json!({"tuyen_truyen_buoi": -1, "khong_co": 3, "antt_cong_nhan": 120})),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("khong_co: không phải chỉ tiêu báo cáo"), "{text}");
    assert!(text.contains("phải là số nguyên từ 0 đến 100"), "{text}");
    phongtrao::province::targets::set(&mut w.province, 2026, None, &doc(json!({"tuyen_truyen_buoi": 12}))).unwrap();
    phongtrao::province::targets::set(&mut w.province, 2026, Some("23536"), &doc(json!({"tuyen_truyen_buoi": 6})))
        .unwrap();
    let set = phongtrao::province::targets::reference_set(&mut w.province, None).unwrap();
    let f = w.province.write_reference(set, &w.usb(), chrono::Utc::now()).unwrap();
    for s in [&mut a, &mut b] {
        match commune::import(s, &f).unwrap() {
            Imported::Reference { lists, .. } => assert_eq!(lists, 1),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(steer::plan_defaults(&a, 2026).unwrap()["target_tuyen_truyen_buoi"], json!(12));
    assert_eq!(steer::plan_defaults(&b, 2026).unwrap()["target_tuyen_truyen_buoi"], json!(6));
    // A second export sends a newer version: the communes install it again.
    let again = phongtrao::province::targets::reference_set(&mut w.province, None).unwrap().unwrap();
    assert!(again.version > phongtrao::domain::RefSet::builtin().version + 1);

    // Commune A plans its own 20 and holds 3 sessions; B keeps the province's 6 and holds 2.
    let mut own = steer::plan_defaults(&a, 2026).unwrap();
    own.insert("target_tuyen_truyen_buoi".into(), json!(20));
    a.create(Kind::Plan, &own).unwrap();
    for d in ["10/02/2026", "05/03/2026", "20/04/2026"] {
        propaganda(&mut a, d);
    }
    for d in ["10/02/2026", "05/03/2026"] {
        propaganda(&mut b, d);
    }
    for s in [&mut a, &mut b] {
        let file = w.export(s);
        w.import(&file).unwrap();
    }
    let today = ymd(2026, 6, 30);
    let (communes, total) = phongtrao::province::targets::progress(&w.province, 2026, today).unwrap();
    let of = |code: &str| communes.iter().find(|c| c.commune_code == code).unwrap();
    assert_eq!(of("23535").source, Source::Plan);
    assert_eq!(of("23536").source, Source::Province);
    // Each commune's numbers are the ones its own store computes.
    for (code, s) in [("23535", &a), ("23536", &b)] {
        let own = steer::progress_of_store(s, 2026, today).unwrap().unwrap();
        assert_eq!(of(code).targets, own.targets, "{code}");
    }
    let t = &total[0];
    assert_eq!((t.code.as_str(), t.done, t.target), ("tuyen_truyen_buoi", 5, 26));
}

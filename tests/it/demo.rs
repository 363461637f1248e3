//! The demo commune: contents, determinism, refusal on a used store, Vietnamese names.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Datelike;
use phongtrao::Record;
use phongtrao::demo::{DemoOptions, DemoReport, demo_setup, generate};
use phongtrao::domain::{DocExt, Kind};
use phongtrao::store::{ListQuery, Store};
use serde_json::Value;
use unicode_normalization::is_nfc;

struct Demo {
    _dir: tempfile::TempDir,
    store: Store,
    report: DemoReport,
}

fn demo(seed: u64, scale: u32) -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create_at(
        &dir.path().join("xa-mau.db"),
        &demo_setup(),
        &phongtrao::demo::demo_chief(phongtrao::demo::DEMO_PASSWORD),
        phongtrao::keyring::KdfParams::insecure_for_tests(),
    )
    .unwrap();
    let mut calls = Vec::new();
    let report = generate(&mut store, &DemoOptions { seed, scale }, &mut |done, total| calls.push((done, total)))
        .unwrap_or_else(|e| panic!("demo seed {seed} scale {scale}: {e}"));
    let (last, total) = *calls.last().unwrap();
    assert_eq!(last, total, "progress ends at the total");
    assert_eq!(calls.first().unwrap().0, 0);
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "progress only grows: {calls:?}");
    Demo { _dir: dir, store, report }
}

fn all(store: &Store, kind: Kind) -> Vec<Record> {
    store.list(kind, &ListQuery::default()).unwrap().records
}

fn count(report: &DemoReport, kind: Kind) -> usize {
    report.counts.iter().find(|(k, _)| *k == kind).map(|(_, n)| *n).unwrap()
}

fn s<'a>(r: &'a Record, key: &str) -> &'a str {
    r.data.str_of(key).unwrap_or_else(|| panic!("{} «{}» has no {key}", r.kind, r.title))
}

#[test]
fn a_scale_one_demo_is_a_whole_commune() {
    let Demo { store, report, .. } = demo(1, 1);
    assert!(report.warnings.is_empty(), "the demo trips no rule: {:?}", report.warnings);
    for (kind, lo, hi) in [
        (Kind::Area, 15, 15),
        (Kind::Unit, 10, 10),
        (Kind::Model, 40, 40),
        (Kind::Review, 150, 500),
        (Kind::Team, 10, 10),
        (Kind::Member, 25, 50),
        (Kind::Activity, 200, 450),
        (Kind::Meeting, 80, 200),
        (Kind::Commendation, 12, 40),
    ] {
        let n = count(&report, kind);
        assert!((lo..=hi).contains(&n), "{kind}: {n} not in {lo}..={hi}");
        assert_eq!(all(&store, kind).len(), n, "{kind}");
    }
    assert!(store.audit_verify().unwrap().ok());
    let today = chrono::Local::now().date_naive();

    // Areas: a mix of kinds, consistent counts.
    let areas = all(&store, Kind::Area);
    let kinds: BTreeSet<&str> = areas.iter().map(|a| s(a, "kind")).collect();
    assert!(kinds.len() >= 4, "{kinds:?}");
    for a in &areas {
        let hh = a.data.int_of("households").unwrap();
        assert!((80..=600).contains(&hh), "{}: {hh}", a.title);
        assert!(a.data.int_of("households_registered").unwrap() <= hh);
        assert!(a.data.int_of("households_committed").unwrap() <= hh);
        let pop = a.data.int_of("population").unwrap();
        assert!((3 * hh..=5 * hh).contains(&pop), "{}: {pop} people in {hh} households", a.title);
        for key in ["head", "officer", "q1_resolution_number", "q1_resolution_date", "registered_on"] {
            s(a, key);
        }
        assert!(a.data.date_of("q1_resolution_date").unwrap().month0() < 3);
    }

    // Units: agencies, enterprises and schools; the excluded ones are not certified.
    let units = all(&store, Kind::Unit);
    let unit_kinds: BTreeSet<&str> = units.iter().map(|u| s(u, "kind")).collect();
    assert_eq!(unit_kinds.len(), 3);
    for u in &units {
        let excluded = matches!(s(u, "category"), "mam_non" | "tieu_hoc" | "doanh_nghiep_nho" | "luc_luong_vu_trang");
        assert_eq!(u.data.get("certification_applies"), Some(&Value::Bool(!excluded)), "{}", u.title);
    }
    assert!(units.iter().any(|u| s(u, "category") == "tieu_hoc"));
    assert!(units.iter().any(|u| s(u, "category") == "mam_non"));

    // Models: every kind, replicas, dissolved ones, reviews for each.
    let models = all(&store, Kind::Model);
    let model_kinds: BTreeSet<&str> = models.iter().map(|m| s(m, "kind")).collect();
    assert_eq!(model_kinds, BTreeSet::from(["tu_bao_ve", "tu_hoa_giai", "tu_phong", "tu_quan"]));
    let types: BTreeSet<&str> = models.iter().filter_map(|m| m.data.str_of("model_type")).collect();
    assert!(types.len() >= 4, "{types:?}");
    let replicas: Vec<&Record> = models.iter().filter(|m| m.data.get("origin_id").is_some()).collect();
    let dissolved: Vec<&Record> = models.iter().filter(|m| s(m, "status") == "giai_the").collect();
    assert!(replicas.len() >= 3, "{} replicas", replicas.len());
    assert!(dissolved.len() >= 2, "{} dissolved", dissolved.len());
    for m in &dissolved {
        s(m, "dissolution_reason");
        assert!(m.data.date_of("dissolved_on").unwrap() < today);
    }
    for r in &replicas {
        let h = store.model_history(r.id).unwrap();
        let origin = h.origin.expect("a replica's origin is there");
        assert!(origin.data.date_of("founded_on") < r.data.date_of("founded_on"));
        assert_ne!(origin.data.ids_of("area_ids"), r.data.ids_of("area_ids"));
    }
    let founded: Vec<_> = models.iter().map(|m| m.data.date_of("founded_on").unwrap()).collect();
    assert!(founded.iter().any(|d| (today - *d).num_days() > 7 * 365), "some models are old");
    assert!(founded.iter().all(|d| (today - *d).num_days() <= 8 * 365 + 2));
    let reviews = all(&store, Kind::Review);
    let mut per_model: HashMap<uuid::Uuid, usize> = HashMap::new();
    for r in &reviews {
        *per_model.entry(r.data.ids_of("model_id")[0]).or_default() += 1;
        assert!(r.data.date_of("date").unwrap() < today);
    }
    for m in &models {
        assert!(per_model.get(&m.id).copied().unwrap_or(0) >= 1, "«{}» has no review", m.title);
    }
    let review_kinds: BTreeSet<&str> = reviews.iter().map(|r| s(r, "kind")).collect();
    assert!(review_kinds.contains("so_ket") && review_kinds.contains("tong_ket"), "{review_kinds:?}");
    let ratings: BTreeSet<&str> = reviews.iter().map(|r| s(r, "rating")).collect();
    assert_eq!(ratings.len(), 3, "{ratings:?}");

    // Teams serve one or two areas; each has one leader and one or two deputies.
    let teams = all(&store, Kind::Team);
    for t in &teams {
        assert!((1..=2).contains(&t.data.ids_of("area_ids").len()));
        s(t, "decision_number");
    }
    let served: BTreeSet<_> = teams.iter().flat_map(|t| t.data.ids_of("area_ids")).collect();
    assert_eq!(served.len(), areas.len(), "every area is served by a team");
    let members = all(&store, Kind::Member);
    let mut roles: BTreeMap<uuid::Uuid, Vec<&str>> = BTreeMap::new();
    for m in &members {
        roles.entry(m.data.ids_of("team_id")[0]).or_default().push(s(m, "role"));
    }
    assert_eq!(roles.len(), teams.len());
    for r in roles.values() {
        assert_eq!(r.iter().filter(|x| **x == "to_truong").count(), 1, "{r:?}");
        assert!((1..=2).contains(&r.iter().filter(|x| **x == "to_pho").count()), "{r:?}");
    }
    assert!(members.iter().any(|m| m.data.get("grades").is_some()), "some members are graded");

    // Activities of every category of the reference data; the Ngày hội on 19/8.
    let activities = all(&store, Kind::Activity);
    let categories: BTreeSet<&str> = activities.iter().map(|a| s(a, "category")).collect();
    for item in store.ref_items("activity_category").unwrap() {
        assert!(categories.contains(item.code.as_str()), "no activity «{}»", item.label);
    }
    let days: Vec<_> = activities.iter().map(|a| a.data.date_of("date").unwrap()).collect();
    assert!(days.iter().all(|d| *d < today && (today - *d).num_days() <= 5 * 366));
    let festivals: Vec<&Record> = activities.iter().filter(|a| s(a, "category") == "ngay_hoi").collect();
    assert!((4..=6).contains(&festivals.len()), "{}", festivals.len());
    assert!(festivals.iter().all(|f| s(f, "date").ends_with("-08-19")));
    let talks: Vec<&Record> = activities.iter().filter(|a| s(a, "category") == "tuyen_truyen").collect();
    assert!(talks.iter().all(|t| t.data.int_of("attendances").is_some() && t.data.str_of("topic").is_some()));

    // Meetings of every kind, with minutes; reviews (bình xét) with votes.
    let meetings = all(&store, Kind::Meeting);
    let meeting_kinds: BTreeSet<&str> = meetings.iter().map(|m| s(m, "kind")).collect();
    assert!(
        ["so_ket", "tong_ket", "binh_xet", "hoi_nghi"].iter().all(|k| meeting_kinds.contains(k)),
        "{meeting_kinds:?}"
    );
    for m in &meetings {
        for key in ["place", "chair", "secretary", "agenda", "conclusions"] {
            s(m, key);
        }
        assert!(m.data.get("attendees").and_then(Value::as_array).is_some_and(|a| a.len() >= 3));
        if s(m, "kind") == "binh_xet" {
            assert!(m.data.int_of("votes_for").is_some(), "{}", m.title);
        }
    }
    let commendations = all(&store, Kind::Commendation);
    let forms: BTreeSet<&str> = commendations.iter().map(|c| s(c, "recipient_kind")).collect();
    assert_eq!(forms.len(), 2, "collectives and individuals");
}

/// Every record of every register as JSON, without the sync stamps.
fn snapshot(store: &Store) -> Vec<Value> {
    Kind::ALL
        .iter()
        .flat_map(|k| all(store, *k))
        .map(|r| {
            let mut v = serde_json::to_value(&r).unwrap();
            v.as_object_mut().unwrap().remove("_meta");
            v
        })
        .collect()
}

#[test]
fn the_seed_decides_everything() {
    let a = demo(42, 1);
    let b = demo(42, 1);
    let c = demo(43, 1);
    let (sa, sb, sc) = (snapshot(&a.store), snapshot(&b.store), snapshot(&c.store));
    assert_eq!(sa.len(), sb.len());
    for (x, y) in sa.iter().zip(&sb) {
        assert_eq!(x, y);
    }
    assert_eq!(a.report, b.report);
    assert_ne!(sa, sc);
    let ids = |s: &[Value]| s.iter().map(|v| v["id"].as_str().unwrap().to_owned()).collect::<BTreeSet<_>>();
    assert!(ids(&sa).is_disjoint(&ids(&sc)), "another seed gives other ids");
    // (Not through the JSON: a record's `kind` is shadowed there by an area's own `kind` field.)
    let names = |s: &Store| all(s, Kind::Area).into_iter().map(|r| r.title).collect::<Vec<_>>();
    assert_ne!(names(&a.store), names(&c.store));
    assert!(sa.iter().all(|v| uuid::Uuid::parse_str(v["id"].as_str().unwrap()).unwrap().get_version_num() == 7));
}

#[test]
fn a_store_with_records_is_refused() {
    let mut fresh = Store::open_in_memory().unwrap();
    let e = generate(&mut fresh, &DemoOptions::default(), &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "not_initialized");

    let mut used = Store::open_in_memory().unwrap();
    used.init(&demo_setup()).unwrap();
    let mut area = phongtrao::Doc::new();
    area.insert("name".into(), "Thôn Đắk Năng".into());
    area.insert("kind".into(), "thon".into());
    area.insert("households".into(), 120.into());
    area.insert("population".into(), 480.into());
    used.create(Kind::Area, &area).unwrap();
    let mut called = false;
    let e = generate(&mut used, &DemoOptions::default(), &mut |_, _| called = true).unwrap_err();
    assert_eq!(e.code(), "refused");
    assert!(e.to_string().contains("đã có bản ghi"), "{e}");
    assert!(!called, "nothing was started");
    assert_eq!(used.counts().unwrap().iter().map(|(_, n)| n).sum::<i64>(), 1, "nothing was written");

    let mut d = demo(5, 1);
    let before = d.store.last_seq().unwrap();
    let e = generate(&mut d.store, &DemoOptions { seed: 6, scale: 1 }, &mut |_, _| {}).unwrap_err();
    assert_eq!(e.code(), "refused");
    assert_eq!(d.store.last_seq().unwrap(), before);
}

fn has_diacritics(s: &str) -> bool {
    !s.is_ascii()
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn names_are_vietnamese_nfc_and_unique() {
    let Demo { store, report, .. } = demo(3, 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let mut all_text = Vec::new();
    for v in snapshot(&store) {
        strings(&v, &mut all_text);
    }
    let bad: Vec<&String> = all_text.iter().filter(|s| !is_nfc(s)).collect();
    assert!(bad.is_empty(), "not NFC: {bad:?}");

    for (kind, key) in [
        (Kind::Area, "name"),
        (Kind::Area, "head"),
        (Kind::Area, "officer"),
        (Kind::Unit, "name"),
        (Kind::Unit, "head"),
        (Kind::Model, "name"),
        (Kind::Model, "leader"),
        (Kind::Team, "name"),
        (Kind::Member, "full_name"),
        (Kind::Meeting, "chair"),
        (Kind::Commendation, "recipient"),
    ] {
        let values: Vec<String> = all(&store, kind).iter().map(|r| s(r, key).to_owned()).collect();
        let with = values.iter().filter(|v| has_diacritics(v)).count();
        assert!(with * 10 >= values.len() * 8, "{kind}.{key}: {with}/{} have diacritics", values.len());
        if key == "name" {
            let unique: BTreeSet<&String> = values.iter().collect();
            assert_eq!(unique.len(), values.len(), "{kind} names are unique");
        }
    }
    // Person names: two to four words, each capitalised.
    for m in all(&store, Kind::Member) {
        let name = s(&m, "full_name");
        let words: Vec<&str> = name.split(' ').collect();
        assert!((2..=4).contains(&words.len()), "{name}");
        assert!(words.iter().all(|w| w.chars().next().unwrap().is_uppercase()), "{name}");
    }
    // Twice the scale, twice the records.
    let counts: BTreeMap<Kind, i64> = store.counts().unwrap().into_iter().collect();
    assert_eq!(counts[&Kind::Area], 30);
    assert_eq!(counts[&Kind::Model], 80);
    assert_eq!(counts[&Kind::Team], 20);
}

#[test]
fn the_demo_has_this_years_certifications_in_various_steps() {
    let Demo { store, .. } = demo(1, 1);
    let today = chrono::Local::now().date_naive();
    let year = chrono::Datelike::year(&today);
    let rows = store.cert_overview(year, today).unwrap();
    let steps: BTreeSet<phongtrao::domain::cert::Step> = rows.iter().filter(|r| !r.excluded).map(|r| r.step).collect();
    // Every record is readable and follows its steps' order; how far they got depends on the day.
    for r in rows.iter().filter(|r| r.cert_id.is_some()) {
        let v = store.cert_view(r.subject_id, year).unwrap();
        assert_eq!(v.cert.history.iter().filter(|h| h.action == "advance").count(), v.step as usize, "{}", r.name);
    }
    if today >= chrono::NaiveDate::from_ymd_opt(year, 12, 1).unwrap() {
        assert!(steps.len() >= 4, "{steps:?}");
        assert!(rows.iter().any(|r| r.recognised.is_some()), "some unit has a decision");
    }
    if today > chrono::NaiveDate::from_ymd_opt(year, 4, 10).unwrap() {
        assert!(steps.contains(&phongtrao::domain::cert::Step::ChuaDangKy), "one area never registered");
        assert!(rows.iter().any(|r| r.warnings.iter().any(|w| w.message.starts_with("Đăng ký sau quý I"))));
    }
}

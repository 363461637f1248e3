//! The province's console (issue 15): intake of many bundles, the roster against the reporting
//! periods, the province's figures equal to each commune's own, the quarantine queue and its
//! audited decisions, the demo province, and all of it through the command line.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, Utc};
use phongtrao::domain::{Doc, Kind};
use phongtrao::figures::{self, Labels};
use phongtrao::keyring::KdfParams;
use phongtrao::period::{Period, Rules, day_of};
use phongtrao::province::intake::{self, IntakeOptions, Status};
use phongtrao::province::roster::{self, State};
use phongtrao::province::{demo, quarantine};
use phongtrao::store::Store;
use phongtrao::sync::commune::{self, ExportOptions};
use phongtrao::sync::province::{ImportOptions, Province};
use phongtrao::{ListQuery, Setup};
use serde_json::json;

use crate::sync::{PW, doc, enrolled_in_memory, ok, run};

fn setup(code: &str, name: &str) -> Setup {
    Setup {
        province_code: "51".into(),
        province: "Quảng Ngãi".into(),
        commune_code: code.into(),
        commune: name.into(),
        officer: "Nguyễn Văn An".into(),
    }
}

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

impl World {
    fn usb(&self) -> PathBuf {
        let p = self.dir.path().join("usb");
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    /// An enrolled, registered commune store in memory; a demo commune of `seed` unless `seed` is 0.
    fn commune(&mut self, code: &str, seed: u64) -> Store {
        enrolled_in_memory(&mut self.province, &self.enrollment, code, |s| {
            if seed > 0 {
                phongtrao::demo::generate(s, &phongtrao::demo::DemoOptions { seed, scale: 1 }, &mut |_, _| {}).unwrap();
            }
        })
    }

    /// Exports a bundle made at `at`.
    fn export_at(&self, s: &mut Store, at: DateTime<Utc>) -> PathBuf {
        commune::export(s, &self.usb(), &ExportOptions { now: at, ..Default::default() }, &mut |_, _| {}).unwrap().path
    }

    fn import(&mut self, f: &Path) {
        self.import_at(f, Utc::now());
    }

    /// Imports at the province's moment `at` (every check judged then).
    fn import_at(&mut self, f: &Path, at: DateTime<Utc>) {
        let opts = ImportOptions { dry_run: false, receipt_dir: Some(self.dir.path().join("receipts")) };
        self.province.import_at(f, &opts, at).unwrap();
    }

    /// The commune writes an area on its clock of an hour before `made`, makes a bundle then, and the
    /// province imports it at `imported`.
    fn send(&mut self, s: &mut Store, name: &str, made: DateTime<Utc>, imported: DateTime<Utc>) {
        s.set_clock(Some(made - Duration::hours(1)));
        s.create(Kind::Area, &doc(json!({"name": name, "kind": "thon", "households": 10, "population": 40}))).unwrap();
        let f = self.export_at(s, made);
        self.import_at(&f, imported);
    }
}

fn vn(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}+07:00")).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Figures of the commune's store, made with `rules` (the commune's own `of_store` uses its reference data).
fn commune_figures(s: &Store, rules: &Rules, p: Period) -> figures::Figures {
    let mut records = Vec::new();
    for k in figures::KINDS {
        for r in s.list(k, &ListQuery::default()).unwrap().records {
            records.push((k, r.data));
        }
    }
    figures::compute(rules.window(p), &Labels::builtin(), records.iter().map(|(k, d)| (*k, d)))
}

#[test]
fn the_provinces_figures_equal_each_communes_own_commune_by_commune() {
    let mut w = world();
    let mut communes: Vec<(String, Store)> = [("23430", 1), ("23437", 2), ("23444", 3)]
        .iter()
        .map(|(c, seed)| (c.to_string(), w.commune(c, *seed)))
        .collect();
    // A fourth commune registered but silent counts with zeros.
    w.commune("23451", 0);
    for (_, s) in &mut communes {
        let f = w.export_at(s, Utc::now());
        w.import(&f);
    }
    // Later edits and a deletion reach the province in a second bundle.
    let (_, s) = &mut communes[1];
    let victim = s.list(Kind::Activity, &ListQuery::default()).unwrap().records[0].id;
    s.delete(Kind::Activity, victim).unwrap();
    let today = chrono::Local::now().date_naive();
    s.create(
        Kind::Activity,
        &doc(json!({"category": "cam_ket", "date": phongtrao::date::iso(today), "households": 17})),
    )
    .unwrap();
    let f = w.export_at(s, Utc::now());
    w.import(&f);

    let year = day_of(Utc::now()).format("%Y").to_string().parse::<i32>().unwrap();
    let periods: Vec<Period> =
        [format!("{year}"), format!("{year}-H1"), format!("{year}-Q3"), format!("{year}-11"), format!("{}", year - 1)]
            .iter()
            .map(|p| p.parse().unwrap())
            .collect();
    let mut nonzero = 0;
    for p in &periods {
        let province = phongtrao::province::figures::figures(&w.province, *p, None).unwrap();
        assert_eq!(province.communes.len(), 4);
        let mut sum = figures::compute(Rules::default().window(*p), &Labels::builtin(), std::iter::empty());
        for (code, s) in &communes {
            let at_commune = figures::of_store(s, *p).unwrap();
            let at_province = phongtrao::province::figures::figures(&w.province, *p, Some(code)).unwrap();
            assert_eq!(at_province.communes.len(), 1);
            // The same JSON, byte for byte.
            assert_eq!(
                serde_json::to_string_pretty(&at_province.communes[0].figures).unwrap(),
                serde_json::to_string_pretty(&at_commune).unwrap(),
                "commune {code}, period {p}"
            );
            nonzero += at_commune.indicators.iter().filter(|i| i.value > 0).count();
            sum.add(&at_commune);
        }
        assert_eq!(province.total, sum, "the province's total is the sum of its communes, period {p}");
        let silent = province.communes.iter().find(|c| c.commune_code == "23451").unwrap();
        assert!(silent.figures.indicators.iter().all(|i| i.value == 0));
    }
    assert!(nonzero > 20, "the demo communes have figures to compare ({nonzero})");

    // The yearly report's indicators are the commune's figures of the year's reporting window (one
    // computation); with calendar periods, its models (counted at the year's end) are the figures' too.
    let calendar = Rules { end_day: 31, ..Rules::default() };
    for (_, s) in &communes {
        for y in [year - 1, year] {
            let own = phongtrao::figures::of_store(s, Period::year(y)).unwrap();
            let f = commune_figures(s, &calendar, Period::year(y));
            let report = phongtrao::print::fill::year_report(s, y).unwrap();
            assert_eq!(report.figures.len(), own.indicators.len());
            for (fig, i) in report.figures.iter().zip(&own.indicators) {
                assert_eq!((&fig.label, fig.value, fig.of), (&i.label, Some(i.value), i.of), "{y}");
            }
            for m in &report.models {
                let r = f.models.iter().find(|r| r.label == m.kind).unwrap();
                assert_eq!((r.active, r.dissolved), (m.active, m.dissolved), "{} {y}", m.kind);
            }
            // And the dashboard's models and members agree with the figures of the current period.
            if y == year {
                let dash = phongtrao::dashboard::dashboard(s, chrono::Local::now().date_naive()).unwrap();
                let members: i64 = dash.members_by_team.iter().map(|t| t.members).sum();
                assert_eq!(members, f.members);
                assert_eq!(dash.members_by_team.len() as i64, f.teams);
            }
        }
    }
}

#[test]
fn the_roster_judges_each_period_by_the_signed_creation_time() {
    let mut w = world();
    // Monthly, cut-off on the 14th, five days of grace: 2026-09 is 15/08–14/09, due 19/09.
    let mut a = w.commune("23430", 0);
    let mut b = w.commune("23437", 0);
    for (s, key) in [(&mut a, "a"), (&mut b, "b")] {
        let (k, _) = s.sync_keys().unwrap();
        let id = phongtrao::crypto::PublicKey::parse(&k.public).unwrap().key_id();
        let reg = if key == "a" { "2026-01-05T08:00:00+07:00" } else { "2026-08-20T08:00:00+07:00" };
        w.province.db_mut().backdate_installation(&id, reg, None).unwrap();
    }
    // a: on time in 2026-07 (made on the cut-off day), within grace in 2026-08, late for 2026-09
    // (made 25/09, covering it), nothing since but one bundle made "after" its import (clock ahead).
    let h = Duration::hours;
    w.send(&mut a, "Thôn 1", vn("2026-07-14T16:00:00"), vn("2026-07-16T09:00:00"));
    w.send(&mut a, "Thôn 2", vn("2026-08-19T23:00:00"), vn("2026-08-20T10:00:00"));
    w.send(&mut a, "Thôn 3", vn("2026-09-25T10:00:00"), vn("2026-09-25T10:00:00") + h(30));
    w.send(&mut a, "Thôn 4", vn("2026-11-03T10:00:00"), vn("2026-11-03T10:00:00") - h(5));
    // b: registered 20/08, on time for 2026-09 (made 14/09 08:00 Vietnam = 13/09 in UTC), then revoked.
    w.send(&mut b, "Thôn A", vn("2026-09-14T08:00:00"), vn("2026-09-15T08:00:00"));
    let (k, _) = b.sync_keys().unwrap();
    let bid = phongtrao::crypto::PublicKey::parse(&k.public).unwrap().key_id();
    w.province.revoke(&bid).unwrap();
    w.province
        .db_mut()
        .backdate_installation(&bid, "2026-08-20T08:00:00+07:00", Some("2026-10-02T08:00:00+07:00"))
        .unwrap();

    let today = d("2026-11-16");
    let r = roster::roster(&w.province, "2026-Q3".parse().unwrap(), today).unwrap();
    let ca = r.communes.iter().find(|c| c.commune_code == "23430").unwrap();
    let states: Vec<State> = ca.periods.iter().map(|p| p.state).collect();
    assert_eq!(states, [State::OnTime, State::OnTime, State::Late]);
    assert_eq!((ca.expected, ca.received, ca.on_time), (3, 3, 2));
    assert_eq!(ca.on_time_rate, Some(66.7));
    let cb = r.communes.iter().find(|c| c.commune_code == "23437").unwrap();
    let states: Vec<State> = cb.periods.iter().map(|p| p.state).collect();
    // Not registered at the cut-off of 2026-07 (14/07) nor of 2026-08 (14/08): counted only for 2026-09.
    assert_eq!(states, [State::Inactive, State::Inactive, State::OnTime]);
    assert_eq!((cb.expected, cb.received, cb.on_time, cb.on_time_rate), (1, 1, 1, Some(100.0)));
    assert!(cb.revoked);
    assert_eq!((r.expected, r.received, r.on_time), (4, 4, 3));

    // The year: a's later months are covered by the bundle "made" in the future; b counts nothing after
    // its revocation, so no rate exceeds 100%.
    let year = roster::roster(&w.province, "2026".parse().unwrap(), today).unwrap();
    for c in &year.communes {
        assert!(c.received <= c.expected && c.on_time <= c.received, "{c:?}");
        assert!(c.on_time_rate.unwrap_or(0.0) <= 100.0);
    }
    let ca = year.communes.iter().find(|c| c.commune_code == "23430").unwrap();
    let by: std::collections::HashMap<String, State> =
        ca.periods.iter().map(|p| (p.period.to_string(), p.state)).collect();
    assert_eq!(by["2026-01"], State::Late, "registered 05/01, first bundle in July");
    assert_eq!(by["2026-10"], State::Late);
    assert_eq!(by["2026-12"], State::Open);
    let cb = year.communes.iter().find(|c| c.commune_code == "23437").unwrap();
    let by: std::collections::HashMap<String, State> =
        cb.periods.iter().map(|p| (p.period.to_string(), p.state)).collect();
    assert_eq!(by["2026-10"], State::Inactive, "revoked on 02/10, before the cut-off of 14/10");
    // The bundle made after its own import is flagged, with its import time beside it.
    assert_eq!(ca.clock_flags.len(), 1, "{:?}", ca.clock_flags);
    assert!(ca.clock_flags[0].message.contains("đồng hồ"), "{}", ca.clock_flags[0].message);
    assert!(year.late().iter().any(|c| c.commune_code == "23430"));
}

/// The roster reads a year's bundles, decisions and answers by the store's indexes (province
/// migration 0012) and keeps the clock flags as bundles come: over more than two years of bundles
/// (late ones, one made after its own import, a laptop's clock set back, a gap filled late that
/// changes which bundle comes before which, a key revoked, approvals), every year's, quarter's and
/// some months' roster equals the one judged from every bundle the province holds.
#[test]
fn a_roster_of_many_years_reads_by_index_what_it_judged_from_every_bundle() {
    let mut w = world();
    let mut a = w.commune("23430", 0);
    let mut b = w.commune("23437", 0);
    let mut c = w.commune("23444", 0);
    let key = |s: &mut Store| {
        let (k, _) = s.sync_keys().unwrap();
        phongtrao::crypto::PublicKey::parse(&k.public).unwrap().key_id()
    };
    for s in [&mut a, &mut b, &mut c] {
        w.province.db_mut().backdate_installation(&key(s), "2022-12-01T08:00:00+07:00", None).unwrap();
    }
    let h = Duration::hours;
    let month = |y: i32, m: u32, day: u32| vn(&format!("{y}-{m:02}-{day:02}T10:00:00"));
    let months: Vec<(i32, u32)> = (0..26u32).map(|k| (2023 + (k / 12) as i32, 1 + k % 12)).collect();
    let mut held_back = None;
    for (k, (y, m)) in months.iter().copied().enumerate() {
        // a: on time most months, late every fifth, once made "after" its own import.
        let made = month(y, m, if k % 5 == 4 { 25 } else { 16 });
        let imported = if k == 7 { made - h(3) } else { made + h(20) };
        w.send(&mut a, &format!("Thôn A{k}"), made, imported);
        // b: its clock set back once (month 9 made before month 8's); months 19 and 20 imported in
        // the other order (a gap, filled late), month 20's made before month 19's.
        let made_b = match k {
            9 => month(y, m, 1) - Duration::days(40),
            20 => month(y, m, 16) - Duration::days(45),
            _ => month(y, m, 16),
        };
        b.set_clock(Some(made_b - h(1)));
        b.create(
            Kind::Area,
            &doc(json!({"name": format!("Thôn B{k}"), "kind": "thon", "households": 5, "population": 20})),
        )
        .unwrap();
        let f = w.export_at(&mut b, made_b);
        match k {
            19 => held_back = Some(f),
            20 => {
                w.import_at(&f, month(y, m, 20));
                w.import_at(&held_back.take().unwrap(), month(y, m, 21));
            }
            _ => w.import_at(&f, made_b + h(30)),
        }
        // c: until mid-2024, then its key is revoked.
        if k < 18 {
            w.send(&mut c, &format!("Thôn C{k}"), month(y, m, 17), month(y, m, 18));
        }
    }
    let kc = key(&mut c);
    w.province.revoke(&kc).unwrap();
    w.province
        .db_mut()
        .backdate_installation(&kc, "2022-12-01T08:00:00+07:00", Some("2024-07-20T08:00:00+07:00"))
        .unwrap();
    // Approvals of a's months, two years apart.
    let ask = phongtrao::province::review::Ask { note: "Đạt".into(), records: Vec::new() };
    for period in ["2023-03", "2023-04", "2024-05", "2025-01"] {
        phongtrao::province::review::decide(
            &mut w.province,
            "23430",
            period.parse().unwrap(),
            phongtrao::domain::review::Action::Approve,
            &ask,
            Utc::now(),
        )
        .unwrap();
    }

    let today = d("2025-03-20");
    let mut flags = (0, 0);
    for period in ["2023", "2024", "2025", "2023-Q2", "2024-Q3", "2024-H2", "2023-10", "2024-09", "2025-02"] {
        let period: Period = period.parse().unwrap();
        let read = roster::roster(&w.province, period, today).unwrap();
        let whole = roster::roster_reading_everything(&w.province, period, today).unwrap();
        assert_eq!(read, whole, "the roster of {period}");
        for c in &read.communes {
            flags.0 += c.clock_flags.iter().filter(|f| f.message.contains("sau lúc")).count();
            flags.1 += c.clock_flags.iter().filter(|f| f.message.contains("trước gói")).count();
        }
    }
    assert!(flags.0 > 0 && flags.1 > 0, "both kinds of clock flags judged: {flags:?}");
    let year = roster::roster(&w.province, "2024".parse().unwrap(), today).unwrap();
    let states = |code: &str| -> Vec<State> {
        year.communes.iter().find(|c| c.commune_code == code).unwrap().periods.iter().map(|p| p.state).collect()
    };
    assert!(states("23430").contains(&State::Late) && states("23430").contains(&State::OnTime));
    assert!(states("23444").contains(&State::Inactive), "revoked in July 2024");
}

#[test]
fn the_roster_lists_the_provinces_official_communes_not_yet_enrolled() {
    let mut w = world();
    let official = phongtrao::units::Units::builtin().communes_of("51");
    assert!(official.len() > 50, "{}", official.len());
    let mut a = w.commune("23535", 0);
    let today = d("2026-11-16");
    let r = roster::roster(&w.province, "2026".parse().unwrap(), today).unwrap();
    assert_eq!(r.official as usize, official.len());
    assert_eq!(r.communes.len(), 1);
    // Every official commune is either in the roster or listed as not enrolled, once, in code order,
    // with its official name and kind.
    assert_eq!(r.not_enrolled.len(), official.len() - 1);
    assert!(r.not_enrolled.iter().all(|c| c.commune_code != "23535"));
    for (listed, unit) in r.not_enrolled.iter().zip(official.iter().filter(|c| c.code != "23535")) {
        assert_eq!((listed.commune_code.as_str(), listed.commune.clone()), (unit.code.as_str(), unit.full_name()));
    }
    assert!(r.not_enrolled.windows(2).all(|p| p[0].commune_code < p[1].commune_code));
    assert!(r.not_enrolled.iter().all(|c| c.commune.starts_with("Xã ")
        || c.commune.starts_with("Phường ")
        || c.commune.starts_with("Đặc khu ")));
    // Nothing is expected of them: the totals are the enrolled commune's, the late list has only it.
    let ia_dal = &r.communes[0];
    assert_eq!((r.expected, r.received), (ia_dal.expected, ia_dal.received));
    assert!(r.late().iter().all(|c| c.commune_code == "23535"));
    let v = phongtrao::present::province::roster_view(&r);
    assert_eq!(
        v.enrolled_summary,
        format!(
            "Đã ghi danh 1/{} xã, phường, đặc khu của tỉnh theo danh mục chính thức; {} chưa đăng ký khóa.",
            official.len(),
            official.len() - 1
        )
    );
    assert_eq!(v.not_enrolled.len(), official.len() - 1);
    assert_eq!(v.communes.len(), 1);

    // A second commune registers: one fewer to enrol. A revoked key leaves its commune enrolled (it was;
    // it shows in the roster as revoked), never back among those not enrolled.
    let other = official.iter().find(|c| c.code != "23535").unwrap();
    let _b = w.commune(&other.code, 0);
    let r = roster::roster(&w.province, "2026".parse().unwrap(), today).unwrap();
    assert_eq!(r.not_enrolled.len(), official.len() - 2);
    assert!(r.not_enrolled.iter().all(|c| c.commune_code != other.code));
    let (k, _) = a.sync_keys().unwrap();
    w.province.revoke(&phongtrao::crypto::PublicKey::parse(&k.public).unwrap().key_id()).unwrap();
    let r = roster::roster(&w.province, "2026".parse().unwrap(), today).unwrap();
    assert_eq!(r.not_enrolled.len(), official.len() - 2);
    assert!(r.communes.iter().any(|c| c.commune_code == "23535" && c.revoked));
}

#[test]
fn a_whole_stick_is_imported_bundle_by_bundle_and_receipts_go_home_in_a_folder_per_commune() {
    let mut w = world();
    let usb = w.usb();
    let mut a = w.commune("23430", 0);
    let mut b = w.commune("23437", 0);
    let area = |s: &mut Store, n: &str| {
        s.create(Kind::Area, &doc(json!({"name": n, "kind": "thon", "households": 10, "population": 40}))).unwrap();
    };
    area(&mut a, "Thôn 1");
    let a1 = w.export_at(&mut a, Utc::now());
    area(&mut a, "Thôn 2");
    let a2 = w.export_at(&mut a, Utc::now());
    area(&mut a, "Thôn 3");
    let a3 = w.export_at(&mut a, Utc::now());
    std::fs::remove_file(&a2).unwrap(); // lost: a gap
    area(&mut b, "Thôn A");
    let b1 = w.export_at(&mut b, Utc::now());
    // A damaged copy of b's bundle under another name, and the province's own enrollment bundle.
    let mut bytes = std::fs::read(&b1).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(usb.join("51-23437-000009-20261101.ptb"), &bytes).unwrap();
    std::fs::copy(&w.enrollment, usb.join(w.enrollment.file_name().unwrap())).unwrap();
    let state = |p: &Province| format!("{:?}{:?}", p.db().bundles().unwrap(), p.db().installations().unwrap());

    // A dry run changes nothing and writes no receipt.
    let before = state(&w.province);
    let dry = intake::import_paths(
        &mut w.province,
        std::slice::from_ref(&usb),
        &IntakeOptions { dry_run: true, receipt_root: None },
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(state(&w.province), before);
    assert!(!usb.join(intake::RECEIPTS).exists());
    assert_eq!(dry.count(Status::Skipped), 1);
    assert_eq!(dry.count(Status::Refused), 1);

    let mut seen = Vec::new();
    let done =
        intake::import_paths(&mut w.province, std::slice::from_ref(&usb), &IntakeOptions::default(), &mut |d, t| {
            seen.push((d, t))
        })
        .unwrap();
    assert_eq!(seen.last(), Some(&(5, 5)));
    let by_file = |f: &Path| done.outcomes.iter().find(|o| o.file == f).unwrap();
    assert_eq!(by_file(&a1).status, Status::Imported);
    assert!(
        by_file(&a1).message.starts_with("Đã nhập gói số 1 của xã 23430: 1 mới, 0 sửa, 0 xóa"),
        "{}",
        by_file(&a1).message
    );
    assert_eq!(by_file(&a3).status, Status::Imported);
    assert!(by_file(&a3).message.contains("thiếu gói số 2"), "{}", by_file(&a3).message);
    assert_eq!(by_file(&b1).status, Status::Imported);
    let bad = by_file(&usb.join("51-23437-000009-20261101.ptb"));
    assert_eq!(bad.status, Status::Refused);
    assert!(bad.message.starts_with("Bị từ chối: "), "{}", bad.message);
    assert!(!done.all_ok());
    // Receipts in a folder per commune, on the stick.
    for (code, n) in [("23430", 2), ("23437", 1)] {
        let folder = usb.join(intake::RECEIPTS).join(code);
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), n, "{code}");
    }
    let receipt = by_file(&a1).receipt.clone().unwrap();
    assert!(receipt.starts_with(usb.join("bien-nhan").join("23430")));
    assert!(matches!(commune::import(&mut a, &receipt).unwrap(), commune::Imported::Receipt { .. }));

    // Again: every good bundle is a replay; only the damaged one is refused.
    let again = intake::import_paths(
        &mut w.province,
        &[a1.clone(), a3.clone(), b1.clone()],
        &IntakeOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert!(again.all_ok());
    assert_eq!(again.count(Status::Replay), 3);
    assert!(again.outcomes[0].message.contains("đã được nhập lúc"), "{}", again.outcomes[0].message);
}

#[test]
fn the_demo_province_has_something_true_for_every_screen_and_quarantine_decisions_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let opts =
        demo::DemoOptions { communes: 8, seed: 1, months: 6, province: "51", kdf: KdfParams::insecure_for_tests() };
    let r = demo::generate(&dir.path().join("tinh"), PW, &opts, &mut |_, _| {}).unwrap();
    eprintln!("demo province of 8 communes, 6 months: {:?}", started.elapsed());
    let mut p = r.province;
    assert_eq!(r.communes, 8);
    assert_eq!(r.quarantined, 3);
    let today = day_of(Utc::now());
    let rules = Rules::default();
    // The six months the demo made bundles for, whatever today is (the latest one ended 13 days ago).
    let mut last = rules.period_of(rules.period_of(today).start - Duration::days(1));
    if last.end + Duration::days(13) > today {
        last = rules.period_of(last.start - Duration::days(1));
    }
    let mut months = vec![last];
    for _ in 1..6 {
        months.push(rules.period_of(months.last().unwrap().start - Duration::days(1)));
    }
    let mut seen = std::collections::HashMap::new();
    for m in &months {
        let ro = roster::roster(&p, m.period, today).unwrap();
        for c in &ro.communes {
            for pr in &c.periods {
                seen.entry(c.commune_code.clone()).or_insert_with(Vec::new).push(pr.state);
            }
        }
    }
    // The demo's communes are Quảng Ngãi's own, by their official codes and names, Xã Ia Đal first.
    let list = demo::communes("51", 8).unwrap();
    assert_eq!(list[0], ("23535".to_owned(), "Xã Ia Đal".to_owned()));
    for (code, name) in &list {
        assert_eq!(&phongtrao::units::Units::builtin().commune(code).unwrap().full_name(), name);
    }
    let code = |i: usize| list[i].0.as_str();
    let at = |i: usize| &seen[code(i)];
    assert!(at(0).iter().all(|s| *s == State::OnTime), "{:?}", at(0));
    // The month before the demo's first is not counted: the communes registered after its cut-off.
    let before = rules.period_of(months.last().unwrap().start - Duration::days(1));
    let ro = roster::roster(&p, before.period, today).unwrap();
    assert!(ro.communes.iter().all(|c| c.periods.iter().all(|p| p.state == State::Inactive)), "{ro:?}");
    assert!(at(2).contains(&State::Inactive), "revoked half-way: {:?}", at(2));
    assert!(at(3).contains(&State::Inactive) && at(3).contains(&State::OnTime), "joined half-way: {:?}", at(3));
    assert!(at(5).contains(&State::Late) || at(5).contains(&State::Missing), "stopped: {:?}", at(5));
    assert!(seen.values().flatten().any(|s| *s == State::Late));
    let year = roster::roster(&p, months[0].period, today).unwrap();
    let row = |code: &str| year.communes.iter().find(|c| c.commune_code == code).unwrap().clone();
    assert!(!row(code(1)).gaps.is_empty(), "commune 2 lost a bundle");
    assert!(row(code(2)).revoked);
    assert_eq!(row(code(4)).quarantined, 3);
    assert_eq!(row(code(6)).clock_flags.len(), 1, "{:?}", row(code(6)).clock_flags);
    assert_eq!(row("23535").commune, "Xã Ia Đal");
    assert_eq!(row(code(4)).commune, list[4].1);
    // The stick of the intake screen: a new bundle, a replay and a damaged one.
    let stick = intake::import_paths(
        &mut p,
        std::slice::from_ref(&r.usb),
        &IntakeOptions { dry_run: true, receipt_root: None },
        &mut |_, _| {},
    )
    .unwrap();
    let mut states: Vec<Status> = stick.outcomes.iter().map(|o| o.status).collect();
    states.sort_by_key(|s| format!("{s:?}"));
    assert_eq!(states, [Status::Imported, Status::Refused, Status::Replay]);

    // The quarantine queue: three records of commune 5, with their reasons in Vietnamese.
    let q = quarantine::queue(&p).unwrap();
    assert_eq!(q.len(), 3);
    assert!(q.iter().all(|i| i.entry.commune_code == code(4) && i.commune == list[4].1 && i.entry.decision.is_none()));
    assert!(q.iter().all(|i| !i.entry.reason.is_empty() && i.entry.data.is_some()));
    let negative = q.iter().find(|i| i.entry.data.as_deref().unwrap().contains("\"attendances\":-5")).unwrap();
    let other = q.iter().find(|i| i.id != negative.id).unwrap();
    let e = quarantine::decide(&mut p, &negative.id, true, "  ").unwrap_err();
    assert!(e.to_string().contains("Ghi chú"), "{e}");
    let e = quarantine::decide(&mut p, "000000000000", true, "xem").unwrap_err();
    assert_eq!(e.code(), "not_found");
    let period = months[0].period;
    let f = |p: &Province| {
        phongtrao::province::figures::figures(p, period, Some(code(4))).unwrap().communes[0].figures.clone()
    };
    let before = f(&p);
    let records_before = p.db().counts().unwrap();
    let done = quarantine::decide(
        &mut p,
        &negative.id,
        true,
        "Đã gọi điện xác minh với xã: số lượt người nghe ghi nhầm dấu; chấp nhận để xã sửa sau.",
    )
    .unwrap();
    assert_eq!(done.entry.decision.as_ref().unwrap().decision, "accept");
    assert_ne!(p.db().counts().unwrap(), records_before, "the accepted record joined the commune's records");
    let after = f(&p);
    assert_eq!(after.value("tuyen_truyen_buoi"), before.value("tuyen_truyen_buoi") + 1, "the accepted record counts");
    assert_eq!(after.value("tuyen_truyen_luot"), before.value("tuyen_truyen_luot") - 5);
    quarantine::decide(&mut p, &other.id, false, "Không rõ loại hoạt động; giữ từ chối.").unwrap();
    let e = quarantine::decide(&mut p, &other.id, true, "đổi ý").unwrap_err();
    assert!(e.to_string().contains("đã được quyết định"), "{e}");
    let mut log = p.db().audit_log().unwrap();
    assert_eq!(log[0].action, "account_create", "the chief's account made with the store");
    log.remove(0);
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["quarantine_accept", "quarantine_refuse"]);
    assert!(log[0].detail.contains("chấp nhận để xã sửa sau"));
    assert!(p.db().audit_intact().unwrap());
    let q = quarantine::queue(&p).unwrap();
    assert_eq!(q.iter().filter(|i| i.entry.decision.is_none()).count(), 1);
    assert!(q[0].entry.decision.is_none(), "undecided first");
    assert_eq!(
        roster::roster(&p, months[0].period, today)
            .unwrap()
            .communes
            .iter()
            .find(|c| c.commune_code == code(4))
            .unwrap()
            .quarantined,
        1
    );
}

#[test]
fn the_command_line_province_console() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let tinh = p("tinh");
    // A demo province, small enough for a test.
    let made = ok(&["province", "--dir", &tinh, "demo", "--communes", "6", "--months", "2"]);
    assert!(made.contains("6 xã") && made.contains("3 bản ghi bị cách ly"), "{made}");
    let usb = made.lines().find_map(|l| l.trim().strip_prefix("Các gói chờ nhập (như ổ USB): ")).unwrap().to_owned();

    // The roster, as text and JSON.
    let text = ok(&["province", "--dir", &tinh, "roster"]);
    assert!(
        text.contains("Xã Ia Đal") && text.contains("Đã thu hồi khóa") && text.contains("Toàn tỉnh: Đã nhận"),
        "{text}"
    );
    // In the words the window shows (`present::province::roster_view`), commune by commune: its state,
    // rate, last bundle, gaps, quarantined records and each late or missing period by its label.
    let view = {
        let p = Province::open(Path::new(&tinh), PW).unwrap();
        let today = phongtrao::period::today();
        let year = phongtrao::province::rules(&p).unwrap().period_of(today).end.year();
        phongtrao::present::province::roster_view(&roster::roster(&p, Period::year(year), today).unwrap())
    };
    assert!(text.contains(&format!("Toàn tỉnh: {}", view.summary)), "{text}");
    let mut late = 0;
    for c in &view.communes {
        let row = text.lines().find(|l| l.trim_start().starts_with(&c.code)).unwrap();
        assert!(row.contains(&c.name) && row.contains(&c.on_time_rate) && row.ends_with(&c.status), "{row}");
        assert!(text.contains(&format!("Gói cuối: {}", c.last_bundle)), "{text}");
        assert!(c.gaps.is_empty() || text.contains(&format!("Còn thiếu: {}", c.gaps)), "{text}");
        for p in c.periods.iter().filter(|p| p.late) {
            assert!(text.contains(&format!("{}: {}", p.label, p.state_text)), "{text}");
            late += 1;
        }
    }
    assert!(late > 0 && text.contains("có kỳ muộn"), "the demo has late periods: {text}");
    assert!(!text.contains(" gửi muộn,") && !text.contains("-0"), "no period codes: {text}");
    let json: serde_json::Value = serde_json::from_str(&ok(&["province", "--dir", &tinh, "roster", "--json"])).unwrap();
    assert_eq!(json["communes"].as_array().unwrap().len(), 6);
    // The official communes not yet enrolled are listed after the roster, by code, with their names.
    let official = phongtrao::units::Units::builtin().communes_of("51");
    let missing = json["not_enrolled"].as_array().unwrap();
    assert_eq!(json["official"].as_u64().unwrap() as usize, official.len());
    let enrolled: Vec<&str> =
        json["communes"].as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(missing.len(), official.iter().filter(|c| !enrolled.contains(&c.code.as_str())).count());
    let first = &missing[0];
    let line = format!("  {:<7} {}", first["commune_code"].as_str().unwrap(), first["commune"].as_str().unwrap());
    assert!(text.contains("chưa đăng ký khóa.\nChưa đăng ký khóa:\n") && text.contains(&line), "{text}");
    let bad = run(&["province", "--dir", &tinh, "roster", "--period", "2026-13"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Kỳ báo cáo: «2026-13» không phải kỳ báo cáo"));

    // The stick: one new bundle, a replay, a damaged one: exit status 1, each explained.
    let dry = run(&["province", "--dir", &tinh, "import", "--dry-run", &usb]);
    let out = String::from_utf8_lossy(&dry.stdout);
    assert!(!dry.status.success());
    assert!(out.contains("Chạy thử: chưa nhập gì") && out.contains("đã được nhập lúc"), "{out}");
    let done = run(&["province", "--dir", &tinh, "import", &usb]);
    let out = String::from_utf8_lossy(&done.stdout);
    assert!(!done.status.success());
    assert!(out.contains("1 đã nhập, 1 đã nhập trước đây, 1 bị từ chối"), "{out}");
    assert!(String::from_utf8_lossy(&done.stderr).contains("Bị từ chối"));
    assert!(Path::new(&usb).join("bien-nhan").join("23535").is_dir());

    // Figures: the province, one commune, and the quarantine decided through the command line.
    let period = day_of(Utc::now()).format("%Y").to_string();
    let all: serde_json::Value =
        serde_json::from_str(&ok(&["province", "--dir", &tinh, "figures", "--period", &period, "--json"])).unwrap();
    assert_eq!(all["communes"].as_array().unwrap().len(), 6);
    assert!(all["total"]["indicators"][0]["value"].as_i64().unwrap() > 0);
    let text = ok(&["province", "--dir", &tinh, "figures", "--period", &period]);
    assert!(text.contains("Số buổi tuyên truyền") && text.contains("An toàn về ANTT"), "{text}");
    let q: serde_json::Value =
        serde_json::from_str(&ok(&["province", "--dir", &tinh, "quarantine", "--json"])).unwrap();
    let id = q[0]["id"].as_str().unwrap().to_owned();
    let refused =
        ok(&["province", "--dir", &tinh, "quarantine", "decide", &id, "--refuse", "--note", "Sai loại hoạt động"]);
    assert!(refused.contains("Giữ từ chối bản ghi"), "{refused}");
    let no_note = run(&["province", "--dir", &tinh, "quarantine", "decide", &id, "--accept"]);
    assert!(!no_note.status.success());
    let list = ok(&["province", "--dir", &tinh, "quarantine"]);
    assert!(list.contains("giữ từ chối (Sai loại hoạt động)") && list.contains("CHỜ QUYẾT ĐỊNH"), "{list}");

    // Every table to .xlsx: Vietnamese headers, the province and the commune with its code, numbers as
    // numbers, dates as dates.
    use calamine::{Data, DataType, Reader};
    let sheet = |file: &str, name: &str| {
        let mut wb = calamine::open_workbook_auto(file).unwrap();
        wb.worksheet_range(name).unwrap()
    };
    let xlsx = p("roster.xlsx");
    ok(&["province", "--dir", &tinh, "export", "roster", "--out", &xlsx]);
    let r = sheet(&xlsx, "Các xã");
    let head: Vec<String> = r.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(&head[..6], ["Tỉnh", "Mã xã", "Xã", "Kỳ báo cáo", "Số kỳ phải gửi", "Đã nhận"]);
    let ia_dal = r.rows().find(|row| row[1] == Data::String("23535".into())).unwrap();
    assert_eq!(ia_dal[0], Data::String("Quảng Ngãi".into()));
    assert_eq!(ia_dal[2], Data::String("Xã Ia Đal".into()));
    assert!(matches!(ia_dal[4], Data::Float(n) if n >= 1.0), "{:?}", ia_dal[4]);
    assert!(ia_dal[10].is_datetime(), "the last bundle's time is a date: {:?}", ia_dal[10]);
    let by_period = sheet(&xlsx, "Theo kỳ");
    assert!(by_period.rows().collect::<Vec<_>>()[1..].iter().all(|row| row[4].is_datetime() && row[5].is_datetime()));
    let xlsx = p("figures.xlsx");
    ok(&["province", "--dir", &tinh, "export", "figures", "--period", &period, "--out", &xlsx]);
    let f = sheet(&xlsx, "Số liệu");
    let last = f.rows().next_back().unwrap();
    assert_eq!(last[2], Data::String("Toàn tỉnh".into()));
    assert_eq!(last[3], Data::Float(all["total"]["indicators"][0]["value"].as_f64().unwrap()));
    assert_eq!(f.rows().count(), 1 + 6 + 1);
    let xlsx = p("quarantine.xlsx");
    ok(&["province", "--dir", &tinh, "export", "quarantine", "--out", &xlsx]);
    let q = sheet(&xlsx, "Bản ghi bị cách ly");
    assert_eq!(q.rows().count(), 1 + 3);
    assert!(
        q.rows().collect::<Vec<_>>()[1..]
            .iter()
            .any(|row| row[8] == Data::String("Giữ từ chối".into()) && row[10].is_datetime())
    );
    let no_period = run(&["province", "--dir", &tinh, "export", "figures", "--out", &xlsx]);
    assert!(String::from_utf8_lossy(&no_period.stderr).contains("Kỳ báo cáo: bảng số liệu cần kỳ báo cáo"));

    // A figure drilled down: its communes, then one commune's records behind it, each with the
    // province and the commune's code, numbers as numbers and dates as dates.
    let members = all["total"]["members"].as_f64().unwrap();
    let xlsx = p("members.xlsx");
    ok(&["province", "--dir", &tinh, "export", "figures", "--period", &period, "--column", "members", "--out", &xlsx]);
    let by = sheet(&xlsx, "Các xã");
    let rows: Vec<_> = by.rows().collect();
    assert_eq!(rows[0].last().unwrap(), &Data::String("Thành viên".into()));
    assert_eq!(rows.last().unwrap()[2], Data::String("Toàn tỉnh".into()));
    assert_eq!(rows.last().unwrap()[4], Data::Float(members));
    let sum: f64 = rows[1..rows.len() - 1].iter().map(|r| r[4].get_float().unwrap()).sum();
    assert_eq!(sum, members, "the communes add up to the province's figure");
    let (code, first) = (rows[1][1].to_string(), rows[1][4].get_float().unwrap());
    ok(&[
        "province",
        "--dir",
        &tinh,
        "export",
        "figures",
        "--period",
        &period,
        "--column",
        "members",
        "--commune",
        &code,
        "--out",
        &xlsx,
    ]);
    let recs = sheet(&xlsx, "Bản ghi");
    let rows: Vec<_> = recs.rows().collect();
    let head: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(&head[..6], ["Tỉnh", "Mã xã", "Xã", "Kỳ báo cáo", "Sổ", "Tên"]);
    assert_eq!(head.last().unwrap(), "Mã bản ghi");
    assert_eq!((rows.len() - 1) as f64, first, "one row per member of the commune");
    assert!(rows[1..].iter().all(|r| r[1] == Data::String(code.clone()) && r[6] == Data::Float(1.0)));
    let born = head.iter().position(|h| h == "Ngày sinh").unwrap();
    assert!(rows[1..].iter().any(|r| r[born].is_datetime()), "a date of birth is a date");
    let wrong = run(&[
        "province", "--dir", &tinh, "export", "figures", "--period", &period, "--column", "khong", "--out", &xlsx,
    ]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("Số liệu: «khong» không có"));
    let late = p("late.xlsx");
    ok(&["province", "--dir", &tinh, "export", "late", "--out", &late]);
    assert!(sheet(&late, "Gửi muộn").rows().count() > 1);

    // The province's summary report, as a PDF.
    let pdf = p("bao-cao.pdf");
    let printed = ok(&["province", "--dir", &tinh, "print", "bao-cao-tong-hop", "--period", &period, "-o", &pdf]);
    assert!(printed.contains("Đã in báo cáo tổng hợp Năm"), "{printed}");
    let text = super::print::squash(&super::print::page_text(Path::new(&pdf), 1));
    assert!(
        text.contains("CÔNG AN TỈNH")
            && text.contains("BC-CAT")
            && text.contains("Tổng hợp kết quả phong trào toàn dân"),
        "{text}"
    );
    assert!(
        text.contains("Xã Ia Đal (23535)")
            || super::print::squash(&super::print::page_text(Path::new(&pdf), 2)).contains("Xã Ia Đal (23535)")
    );
    // Numbered through the province's register: the same period's report printed again keeps its
    // number and date; only --new takes another; a preview takes none.
    assert!(printed.contains("số 01/BC-CAT"), "{printed}");
    assert!(text.contains("01/BC-CAT"), "{text}");
    let again = ok(&["province", "--dir", &tinh, "print", "bao-cao-tong-hop", "--period", &period, "-o", &pdf]);
    assert!(again.contains("Đã in lại báo cáo tổng hợp") && again.contains("số 01/BC-CAT"), "{again}");
    let other = format!("{period}-Q1");
    let q1 = ok(&["province", "--dir", &tinh, "print", "bao-cao-tong-hop", "--period", &other, "-o", &pdf]);
    assert!(q1.contains("số 02/BC-CAT"), "{q1}");
    let renewed =
        ok(&["province", "--dir", &tinh, "print", "bao-cao-tong-hop", "--period", &period, "--new", "-o", &pdf]);
    assert!(renewed.contains("số 03/BC-CAT") && !renewed.contains("lại"), "{renewed}");
    let preview =
        ok(&["province", "--dir", &tinh, "print", "bao-cao-tong-hop", "--period", &period, "--preview", "-o", &pdf]);
    assert!(preview.contains("chưa lấy số"), "{preview}");
    assert!(super::print::squash(&super::print::page_text(Path::new(&pdf), 1)).contains("……/BC-CAT"));
    let again = ok(&["province", "--dir", &tinh, "print", "bao-cao-tong-hop", "--period", &period, "-o", &pdf]);
    assert!(again.contains("số 03/BC-CAT"), "the last one issued for the period is the one printed again: {again}");
    {
        let p = Province::open_as(Path::new(&tinh), "tinh", PW).unwrap();
        let register = p.db().issued_documents().unwrap();
        let numbers: Vec<String> = register.iter().map(|d| d.number_text()).collect();
        assert_eq!(numbers, ["03/BC-CAT", "02/BC-CAT", "01/BC-CAT"]);
        let log = p.db().audit_log().unwrap();
        assert_eq!(log.iter().filter(|e| e.action == "document_issue").count(), 3);
        assert!(p.db().audit_intact().unwrap());
    }

    // The late list and the quarantine list, as PDFs.
    let pdf = p("cach-ly.pdf");
    let printed = ok(&["province", "--dir", &tinh, "print", "danh-sach-cach-ly", "-o", &pdf]);
    assert!(printed.contains("Đã in danh sách bản ghi bị cách ly"), "{printed}");
    let text = super::print::squash(&super::print::page_text(Path::new(&pdf), 1));
    assert!(
        text.contains("CÔNG AN TỈNH") && text.contains("QUẢNG NGÃI") && text.contains("3 bản ghi sai quy định"),
        "{text}"
    );
    assert!(text.contains("Giữ từ chối") && text.contains("Sai loại hoạt"), "{text}");
    let pdf = p("muon.pdf");
    ok(&["province", "--dir", &tinh, "print", "danh-sach-gui-muon", "-o", &pdf]);
    assert!(super::print::squash(&super::print::page_text(Path::new(&pdf), 1)).contains("gửi số liệu muộn"));
    let no_period = run(&["province", "--dir", &tinh, "print", "bao-cao-tong-hop", "-o", &pdf]);
    assert!(String::from_utf8_lossy(&no_period.stderr).contains("báo cáo tổng hợp cần kỳ báo cáo"));

    // Reporting rules: shown, set, checked.
    let shown = ok(&["province", "--dir", &tinh, "periods"]);
    assert!(shown.contains("chốt số liệu ngày 14") && shown.contains("hạn gửi"), "{shown}");
    let set = ok(&["province", "--dir", &tinh, "periods", "--grace", "7"]);
    assert!(set.contains("gửi chậm nhất 7 ngày") && set.contains("đã lưu"), "{set}");
    let wrong = run(&["province", "--dir", &tinh, "periods", "--end-day", "40"]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("Ngày chốt số liệu"));

    // At a commune: `figures` prints the same JSON as the province's `figures --commune`.
    let (db, usb2) = (p("xa.db"), p("usb2"));
    std::fs::create_dir_all(&usb2).unwrap();
    let tinh2 = p("tinh2");
    let enrollment2 = ok(&["province", "init", "--dir", &tinh2, "--province-code", "51", "--province", "Quảng Ngãi"]);
    ok(&["--db", &db, "demo"]);
    ok(&["--db", &db, "enroll", enrollment2.trim()]);
    ok(&["--db", &db, "key", "export-pub", "--out", &p("xa.pub")]);
    ok(&["province", "--dir", &tinh2, "register", "--commune-code", "23535", "--pubkey", &p("xa.pub")]);
    let file = ok(&["--db", &db, "bundle", "export", "--out", &usb2]).trim().to_owned();
    ok(&["province", "--dir", &tinh2, "import", &file]);
    for period in [period.clone(), format!("{period}-Q2"), format!("{period}-11")] {
        let here = ok(&["--db", &db, "figures", "--period", &period, "--json"]);
        let there = ok(&["province", "--dir", &tinh2, "figures", "--period", &period, "--commune", "23535", "--json"]);
        assert_eq!(here, there, "{period}");
    }
    let text = ok(&["--db", &db, "figures", "--period", &period]);
    assert!(text.starts_with("Xã Ia Đal (23535) — Năm"), "{text}");
}

/// The province's shipped migrations are frozen like the commune's (`migrations.sha256`).
/// `phongtrao province --dir DIR backup create | list | verify | restore`, as the commune's `backup`.
#[test]
fn the_command_line_backs_up_and_restores_the_province_store() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let tinh = p("tinh");
    ok(&["province", "init", "--dir", &tinh, "--province-code", "51", "--province", "Quảng Ngãi"]);
    let none = ok(&["province", "--dir", &tinh, "backup", "list"]);
    assert!(none.contains("Chưa có bản sao lưu nào"), "{none}");
    let made = ok(&["province", "--dir", &tinh, "backup", "create"]);
    assert!(made.contains("Đã sao lưu kho dữ liệu của Công an tỉnh") && made.contains("sao-luu"), "{made}");
    let file = made.trim().rsplit(" vào ").next().unwrap().to_owned();
    assert!(Path::new(&file).file_name().unwrap().to_string_lossy().starts_with("phongtrao-51-tinh-"));
    let usb = p("usb");
    let copied = ok(&["province", "--dir", &tinh, "backup", "create", "--out", &usb]);
    assert!(copied.contains(&usb), "{copied}");
    let listed = ok(&["province", "--dir", &tinh, "backup", "list"]);
    assert!(listed.contains(&file), "{listed}");
    let checked = ok(&["province", "--dir", &tinh, "backup", "verify", &file]);
    assert!(
        checked.contains("Bản sao lưu tốt") && checked.contains("Kho dữ liệu của Công an tỉnh, mã tỉnh 51"),
        "{checked}"
    );
    // A commune's command refuses it, naming what it is.
    let xa = run(&["--db", &p("xa.db"), "--user", "tinh", "backup", "restore", &file]);
    assert!(!xa.status.success());
    assert!(String::from_utf8_lossy(&xa.stderr).contains("bản sao lưu kho dữ liệu của Công an tỉnh"));
    // A key registered after the backup is gone once restored; the replaced store is kept.
    let pubkey = dir.path().join("xa.pub");
    let key = phongtrao::crypto::SigningKey::generate().unwrap();
    std::fs::write(&pubkey, &key.public).unwrap();
    ok(&["province", "--dir", &tinh, "register", "--commune-code", "23535", "--pubkey", pubkey.to_str().unwrap()]);
    assert!(ok(&["province", "--dir", &tinh, "status"]).contains("23535"));
    // A version of the lists sent after the backup: kept by the restore, and its number too.
    let mut lists = phongtrao::domain::RefSet::builtin();
    lists.version += 1;
    lists.lists.retain(|l| l.list == "activity_category");
    let lists_file = dir.path().join("lists.json");
    std::fs::write(&lists_file, serde_json::to_string(&lists).unwrap()).unwrap();
    ok(&["province", "--dir", &tinh, "export-reference", "--out", &usb, "--lists", lists_file.to_str().unwrap()]);
    let restored = ok(&["province", "--dir", &tinh, "backup", "restore", &file]);
    assert!(
        restored.contains("Đã khôi phục kho dữ liệu của Công an tỉnh")
            && restored.contains("province.db.truoc-khoi-phuc-")
            && restored.contains("gói còn thiếu"),
        "{restored}"
    );
    assert!(
        restored.contains("Đã giữ lại những gì Công an tỉnh đã gửi các xã sau lúc")
            && restored.contains(&format!("danh mục phiên bản {}", lists.version))
            && restored.contains("Số thứ tự gói gửi xã tiếp tục từ số 3 (không dùng lại số đã gửi)"),
        "{restored}"
    );
    assert!(!ok(&["province", "--dir", &tinh, "status"]).contains("23535"));
    // A replaced store that does not open: said, and the province's own bundles on the stick give
    // its word back.
    std::fs::write(Path::new(&tinh).join("province.db"), b"hong").unwrap();
    let restored = ok(&["province", "--dir", &tinh, "backup", "restore", &file]);
    assert!(restored.contains("Không mở được kho dữ liệu bị thay") && restored.contains("recover"), "{restored}");
    let back = ok(&["province", "--dir", &tinh, "recover", &usb]);
    assert!(
        back.contains("Đã lấy lại từ") && back.contains(&format!("danh mục phiên bản {}", lists.version)),
        "{back}"
    );
    let again = ok(&["province", "--dir", &tinh, "recover", &usb]);
    assert!(again.contains("không có gì phải lấy lại"), "{again}");
    // The same as JSON, in the shape of `import --json`'s `recovered`: what was read, nothing new kept.
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["province", "--dir", &tinh, "recover", &usb, "--json"])).unwrap();
    assert!(json["files"].as_u64().unwrap() >= 1 && json["read"].as_u64().unwrap() >= 1, "{json}");
    assert_eq!(json["kept"]["references"], serde_json::json!([]), "{json}");
    assert_eq!(json["kept"]["decisions"], serde_json::json!([]), "{json}");
    assert_eq!(json["kept"]["out_seq"], json["kept"]["out_seq_before"], "{json}");
    let stick: serde_json::Value =
        serde_json::from_str(&ok(&["province", "--dir", &tinh, "import", &usb, "--json"])).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&stick["recovered"]), keys(&json), "{stick}");
    assert_eq!(keys(&stick["recovered"]["kept"]), keys(&json["kept"]));
    let wrong = crate::cli::phongtrao(&["province", "--dir", &tinh, "backup", "restore", &file], "sai-mat-khau");
    assert!(!wrong.status.success());
}

#[test]
fn shipped_province_migrations_are_unchanged() {
    let frozen: Vec<&str> = include_str!("province_migrations.sha256").lines().map(str::trim).collect();
    let list = phongtrao::store::PROVINCE_MIGRATIONS;
    assert_eq!(frozen.len(), list.len(), "freeze the checksum of a new province migration here");
    assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "versions increase");
    for ((_, name, sql), sum) in list.iter().zip(&frozen) {
        assert_eq!(&phongtrao::store::migration_checksum(sql), sum, "migration {name} was edited after shipping");
    }
}

fn new_account(name: &str, role: phongtrao::domain::account::Role, pw: &str) -> phongtrao::domain::account::NewAccount {
    phongtrao::domain::account::NewAccount {
        username: phongtrao::domain::account::username_from(name),
        full_name: name.into(),
        rank: Some("Thiếu tá".into()),
        role,
        password: pw.into(),
    }
}

/// The province store has the commune's accounts and roles: a chief named at creation, officers and
/// viewers added by the chief, what each role may do checked in the core, lockout after five wrong
/// passwords, and every login and change in the province's audit log.
#[test]
fn the_province_store_has_accounts_roles_and_lockout_like_a_communes() {
    use phongtrao::domain::account::Role;
    let dir = tempfile::tempdir().unwrap();
    let tinh = dir.path().join("tinh");
    // Every bad field at once, nothing created.
    let bad = new_account("", Role::Chief, "ngan");
    let e = Province::create(&tinh, "5", "", &bad, KdfParams::insecure_for_tests()).err().unwrap();
    let text = e.to_string();
    for label in ["Mã tỉnh", "Tên tỉnh, thành phố", "Họ và tên", "Mật khẩu"] {
        assert!(text.contains(label), "{label} missing from {text}");
    }
    assert!(!tinh.join("province.db").exists());

    let chief = new_account("Trần Văn Bình", Role::Viewer, "mat-khau-lanh-dao");
    let (mut p, enrollment) =
        Province::create(&tinh, "51", "Quảng Ngãi", &chief, KdfParams::insecure_for_tests()).unwrap();
    assert!(enrollment.exists());
    // The creator is the chief whatever the form said.
    assert_eq!(p.db().session().unwrap().role, Role::Chief);
    assert_eq!(p.db().session().unwrap().username, "tranvanbinh");
    p.db_mut().add_account(&new_account("Lê Thị Cúc", Role::Officer, "mat-khau-can-bo")).unwrap();
    p.db_mut().add_account(&new_account("Phạm Văn Dũng", Role::Viewer, "mat-khau-chi-xem")).unwrap();
    let e = p.db_mut().add_account(&new_account("Lê Thị Cúc", Role::Viewer, "mat-khau-khac-1")).unwrap_err();
    assert!(e.to_string().contains("«lethicuc» đã có"), "{e}");
    // The last chief stays a chief.
    assert_eq!(p.db_mut().set_role("tranvanbinh", Role::Officer).unwrap_err().code(), "refused");
    drop(p);

    // A viewer reads but neither imports, decides nor registers.
    let mut viewer = Province::open_as(&tinh, "phamvandung", "mat-khau-chi-xem").unwrap();
    assert_eq!(viewer.db().session().unwrap().role, Role::Viewer);
    assert!(viewer.status().unwrap().is_empty());
    let pubkey = phongtrao::crypto::SigningKey::generate().unwrap().public;
    let e = viewer.register("23432", &pubkey).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("cần quyền lãnh đạo công an tỉnh"), "{e}");
    let e = viewer.import(&enrollment, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("không được nhập gói dữ liệu của xã"), "{e}");
    assert_eq!(quarantine::decide(&mut viewer, "abc", true, "ghi chú").unwrap_err().code(), "forbidden");
    assert_eq!(
        viewer.db_mut().add_account(&new_account("Võ Văn Em", Role::Viewer, "mat-khau-em-12")).unwrap_err().code(),
        "forbidden"
    );
    drop(viewer);

    // An officer may not register keys (the chief's work) but is past the role check for imports.
    let mut officer = Province::open_as(&tinh, "lethicuc", "mat-khau-can-bo").unwrap();
    assert_eq!(officer.register("23432", &pubkey).unwrap_err().code(), "forbidden");
    let e = officer.import(&enrollment, &ImportOptions::default()).unwrap_err();
    assert_ne!(e.code(), "forbidden");
    // One's own password needs the current one: none, or a wrong one, is refused naming the field.
    let e = officer.db_mut().change_password("lethicuc", None, "mat-khau-moi-cua-cuc").unwrap_err();
    assert!(e.to_string().contains("Mật khẩu hiện tại"), "{e}");
    let e = officer.db_mut().change_password("lethicuc", Some("doan-thu"), "mat-khau-moi-cua-cuc").unwrap_err();
    assert!(e.to_string().contains("Mật khẩu hiện tại: không đúng"), "{e}");
    officer.db_mut().change_password("lethicuc", Some("mat-khau-can-bo"), "mat-khau-moi-cua-cuc").unwrap();
    assert_eq!(
        officer.db_mut().change_password("tranvanbinh", None, "mat-khau-chiem-quyen").unwrap_err().code(),
        "forbidden"
    );
    drop(officer);
    assert_eq!(Province::open_as(&tinh, "lethicuc", "mat-khau-can-bo").err().unwrap().code(), "wrong_password");
    Province::open_as(&tinh, "lethicuc", "mat-khau-moi-cua-cuc").unwrap();

    // Five wrong passwords lock the account, even with the right one after.
    for _ in 0..4 {
        assert_eq!(Province::open_as(&tinh, "phamvandung", "sai-mat-khau").err().unwrap().code(), "wrong_password");
    }
    assert_eq!(Province::open_as(&tinh, "phamvandung", "sai-mat-khau").err().unwrap().code(), "locked");
    assert_eq!(Province::open_as(&tinh, "phamvandung", "mat-khau-chi-xem").err().unwrap().code(), "locked");

    // A removed account can no longer open the store; the audit log tells all of it.
    let mut chief = Province::open_as(&tinh, "tranvanbinh", "mat-khau-lanh-dao").unwrap();
    chief.db_mut().remove_account("phamvandung").unwrap();
    assert_eq!(chief.db_mut().remove_account("tranvanbinh").unwrap_err().code(), "refused");
    let log = chief.db().audit_log().unwrap();
    let actions: Vec<&str> = log.iter().map(|a| a.action.as_str()).collect();
    for a in ["account_create", "login", "login_failed", "password_change", "account_remove"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    // The failures are told at the next good login: lethicuc's one (phamvandung never came back).
    assert_eq!(log.iter().filter(|a| a.action == "login_failed").count(), 1, "{actions:?}");
    drop(chief);
    assert!(Province::open_as(&tinh, "phamvandung", "mat-khau-chi-xem").is_err());
}

/// The intake's list: every bundle on the stick with its commune, number, period and whether it is
/// intact, checked by a dry run that changes nothing; a replay is intact, a tampered copy is not.
#[test]
fn the_stick_is_listed_before_import_without_changing_anything() {
    let mut w = world();
    let usb = w.usb();
    let mut a = w.commune("23430", 0);
    let area = |s: &mut Store, n: &str| {
        s.create(Kind::Area, &doc(json!({"name": n, "kind": "thon", "households": 10, "population": 40}))).unwrap();
    };
    area(&mut a, "Thôn 1");
    let a1 = w.export_at(&mut a, Utc::now());
    area(&mut a, "Thôn 2");
    area(&mut a, "Thôn 3");
    let a2 = w.export_at(&mut a, Utc::now());
    w.import(&a1);
    let mut bytes = std::fs::read(&a2).unwrap();
    let last = bytes.len() - 40;
    bytes[last] ^= 1;
    // A copy damaged from its first bytes, under a name that says nothing.
    let mut head = bytes.clone();
    head[30] ^= 1;
    std::fs::write(usb.join("51-23430-k0-000099-20261101.ptb"), &bytes).unwrap();
    std::fs::write(usb.join("51-23430-k0-000098-20261101.ptb"), &head).unwrap();
    std::fs::write(usb.join("gói hỏng.ptb"), &head).unwrap();
    let before = format!("{:?}", w.province.db().bundles().unwrap());
    let listed = intake::scan(&mut w.province, std::slice::from_ref(&usb)).unwrap();
    assert_eq!(format!("{:?}", w.province.db().bundles().unwrap()), before, "a scan imports nothing");
    assert!(!usb.join(intake::RECEIPTS).exists(), "a scan writes no receipt");
    let by = |f: &Path| listed.iter().find(|l| l.file == f).unwrap();
    let replay = by(&a1);
    assert_eq!((replay.status, replay.intact, replay.seq), (Status::Replay, true, Some(1)));
    assert_eq!(replay.commune_code.as_deref(), Some("23430"));
    let next = by(&a2);
    assert_eq!((next.status, next.intact, next.seq), (Status::Imported, true, Some(2)));
    // Thôn 1 again (the commune has no receipt for bundle 1 yet), unchanged.
    assert_eq!(next.holds.as_deref(), Some("2 mới, 0 sửa, 0 xóa, 1 không đổi"));
    assert!(next.period.as_deref().is_some_and(|p| p.starts_with("Tháng ")), "{:?}", next.period);
    assert!(next.created_at.is_some());
    let bad = by(&usb.join("51-23430-k0-000099-20261101.ptb"));
    assert_eq!((bad.status, bad.intact), (Status::Refused, false), "{}", bad.message);
    // What can be read of it is shown, marked unverified.
    assert_eq!(bad.commune_code.as_deref(), Some("23430"));
    assert!(bad.unverified.is_some());
    // The views say it in Vietnamese.
    let line = phongtrao::present::province::bundle_line(bad);
    assert_eq!(line.intact_text, "Hỏng hoặc bị sửa");
    // The province has no name of its own for it: the official list's.
    let official = phongtrao::units::Units::builtin().commune("23430").unwrap().full_name();
    assert!(line.commune.starts_with(&format!("23430 – {official} (")), "{}", line.commune);
    assert!(line.commune.contains("chưa xác minh"), "{}", line.commune);
    assert!(!line.verified);
    // Nothing of it opens: its file name alone names the commune, its number and its period.
    let unread = by(&usb.join("51-23430-k0-000098-20261101.ptb"));
    assert_eq!((unread.status, unread.intact), (Status::Refused, false), "{}", unread.message);
    assert_eq!((unread.unverified, unread.seq), (Some(intake::Unverified::FileName), Some(98)));
    assert!(unread.created_at.is_none(), "a file name holds no time of creation");
    assert!(unread.period.as_deref().is_some_and(|p| p.starts_with("Tháng 11/2026")), "{:?}", unread.period);
    let line = phongtrao::present::province::bundle_line(unread);
    assert_eq!(line.commune, format!("23430 – {official} (theo tên tệp, chưa xác minh)"));
    let nameless = phongtrao::present::province::bundle_line(by(&usb.join("gói hỏng.ptb")));
    assert_eq!((nameless.commune.as_str(), nameless.verified), ("—", false));
    assert!(phongtrao::present::province::bundle_line(replay).verified);
    assert_eq!(phongtrao::present::province::bundle_line(next).status_text, "Nhập được");
}

/// Every figure drills down to records: the records behind a commune's figure add up to exactly that
/// figure, for every column, and each record reads as the commune's window shows it.
#[test]
fn the_records_behind_every_figure_add_up_to_it() {
    let mut w = world();
    let mut a = w.commune("23430", 3);
    let now = Utc::now();
    let f = w.export_at(&mut a, now);
    w.import(&f);
    let period: Period = chrono::Datelike::year(&day_of(now)).to_string().parse().unwrap();
    let pf = phongtrao::province::figures::figures(&w.province, period, Some("23430")).unwrap();
    let cols = phongtrao::province::figures::columns(&pf.communes[0].figures);
    let mut nonzero = 0;
    for (c, v) in &cols {
        let behind = phongtrao::province::figures::behind(&w.province, period, "23430", Some(&c.key)).unwrap();
        assert_eq!(behind.iter().map(|b| b.value).sum::<i64>(), *v, "{}", c.key);
        assert!(behind.iter().all(|b| b.kind == c.kind), "{}", c.key);
        nonzero += (*v != 0) as usize;
    }
    assert!(nonzero >= 5, "the demo commune has figures to drill into: {nonzero}");
    let members = phongtrao::province::figures::behind(&w.province, period, "23430", Some("members")).unwrap();
    let m = &members[0];
    assert!(!m.title.is_empty());
    assert!(m.fields.iter().any(|(l, _)| l == "Họ và tên"), "{:?}", m.fields);
    // In Vietnamese order of their titles.
    let titles: Vec<&str> = members.iter().map(|b| b.title.as_str()).collect();
    let mut sorted = titles.clone();
    sorted.sort_by(|x, y| phongtrao::text::compare(x, y));
    assert_eq!(titles, sorted);
    // The province's table has the same columns, and the total row sums the communes'.
    let view = phongtrao::present::province::figures_view(&pf, None);
    assert_eq!(view.columns.len(), cols.len());
    assert_eq!(view.total.values, view.communes[0].values);
    // The same figures a year before, beside the total, column by column (members and teams are the
    // registers as they stood at that period's end: none yet a year ago, for records dated this year).
    assert_eq!(period.year_before().to_string(), format!("{}", period.year - 1));
    let before = phongtrao::province::figures::figures(&w.province, period.year_before(), None).unwrap();
    let view = phongtrao::present::province::figures_view(&pf, Some(&before.total));
    let last = view.last_year.as_ref().unwrap();
    assert!(last.name.starts_with("Cùng kỳ năm trước (Năm "), "{}", last.name);
    let expected: Vec<i64> = phongtrao::province::figures::columns(&before.total).into_iter().map(|(_, v)| v).collect();
    assert_eq!(last.values, expected);
    assert_eq!(view.change.len(), view.columns.len());
    // The trend: a figure counted over the period (sessions held) adds up, month by month, to the year's.
    let trend = phongtrao::province::figures::trend(&w.province, period, "ind:tuyen_truyen_buoi").unwrap();
    assert_eq!(trend.len(), 12, "the months of the year");
    let year_value = pf.total.value("tuyen_truyen_buoi");
    assert!(year_value > 0);
    assert_eq!(trend.iter().map(|(_, v)| v).sum::<i64>(), year_value);
    for (month, v) in &trend {
        let alone = phongtrao::province::figures::figures(&w.province, *month, None).unwrap();
        assert_eq!(*v, alone.total.value("tuyen_truyen_buoi"), "{month}: the month's own figures");
    }
    let shown = phongtrao::present::province::trend_view("Số buổi tuyên truyền", period, &trend);
    assert_eq!(shown.labels.first().map(String::as_str), Some("T1"));
    assert!(shown.title.starts_with("Số buổi tuyên truyền theo kỳ báo cáo, Năm "), "{}", shown.title);
    for ((now, was), said) in view.total.values.iter().zip(&last.values).zip(&view.change) {
        match now - was {
            0 => assert_eq!(said, "Bằng cùng kỳ năm trước"),
            d if d > 0 => assert!(said.starts_with('+'), "{said}"),
            _ => assert!(said.starts_with('−'), "{said}"),
        }
    }
}

/// A key is revoked with a reason kept in the audit log; the late list exports and prints on one page.
#[test]
fn a_key_is_revoked_with_its_reason_and_the_late_list_prints_on_one_page() {
    let mut w = world();
    let mut a = w.commune("23430", 0);
    let _b = w.commune("23437", 0);
    w.send(&mut a, "Thôn 1", vn("2026-10-16T08:00:00"), vn("2026-10-20T08:00:00"));
    let key = w.province.db().installations().unwrap().into_iter().find(|i| i.commune_code == "23437").unwrap().key_id;
    let e = w.province.revoke_because(&key, "  ").unwrap_err();
    assert_eq!(e.to_string(), "Lý do thu hồi: không được để trống");
    w.province.revoke_because(&key, "Máy của xã bị mất").unwrap();
    assert_eq!(w.province.revoke_because(&key, "lần nữa").unwrap_err().code(), "refused");
    let log = w.province.db().audit_log().unwrap();
    let entry = log.iter().find(|e| e.action == "key_revoke").unwrap();
    assert_eq!(entry.subject.as_deref(), Some(key.as_str()));
    assert!(entry.detail.contains("Máy của xã bị mất"));

    let period: Period = "2026".parse().unwrap();
    let r = roster::roster(&w.province, period, d("2026-12-20")).unwrap();
    assert!(!r.late().is_empty());
    let out = w.dir.path().join("muon.xlsx");
    let wanted =
        |table| phongtrao::province::export::Wanted { table, period, column: None, commune: None, narrowed: None };
    phongtrao::province::export::write_table(&w.province, &wanted("late"), d("2026-12-20"), &out).unwrap();
    assert!(std::fs::metadata(&out).unwrap().len() > 1000);
    let e = phongtrao::province::export::write_table(&w.province, &wanted("khac"), d("2026-12-20"), &out).unwrap_err();
    assert!(e.to_string().starts_with("Bảng: «khac» không có"), "{e}");
    let pdf = phongtrao::province::report::render_late("Quảng Ngãi", &r, d("2026-12-20")).unwrap();
    let file = w.dir.path().join("muon.pdf");
    std::fs::write(&file, &pdf).unwrap();
    assert_eq!(crate::print::page_count(&file), 1, "one page");
}

/// The province checks the records its communes send against the lists it sent them (every version
/// kept), not only against the lists this release ships: a category it added is accepted, one it
/// later withdrew stays valid for the records made while it was offered, and a code it never sent
/// is still put aside.
#[test]
fn incoming_records_are_checked_against_the_lists_the_province_sent() {
    use phongtrao::domain::{RefItem, RefSet};
    let mut w = world();
    let mut a = w.commune("23535", 0);
    let patrol = RefItem {
        code: "tuan_tra".into(),
        label: "Tuần tra an ninh".into(),
        data: json!({"fields": [{"key": "participants", "label": "Số người tham gia", "type": "int", "min": 0}]}),
    };
    let categories = |set: &RefSet| set.lists.iter().find(|l| l.list == "activity_category").unwrap().items.clone();
    // Versions above the one this release ships.
    let base = RefSet::builtin().version;
    let mut v2 = RefSet::builtin();
    v2.version = base + 1;
    v2.lists.retain(|l| l.list == "activity_category");
    v2.lists[0].items.push(patrol.clone());
    let act = |category: &str, extra: serde_json::Value| {
        let mut d = doc(json!({"category": category, "date": "2026-11-20"}));
        d.extend(doc(extra));
        d
    };
    let opts = ImportOptions { dry_run: false, receipt_dir: Some(w.dir.path().join("receipts")) };
    // Lists the province never sent (laid on the commune's store by hand): its record is put aside.
    a.apply_reference(&v2).unwrap();
    let id = a.create(Kind::Activity, &act("tuan_tra", json!({"participants": 6}))).unwrap().id;
    let f = w.export_at(&mut a, Utc::now());
    let r = w.province.import(&f, &opts).unwrap();
    assert_eq!(r.quarantined.len(), 1, "a category the province never sent");
    // Once the province sent them, the same record (edited) is accepted.
    let sent = w.province.write_reference(Some(v2.clone()), &w.usb(), Utc::now()).unwrap();
    commune::import(&mut a, &sent).unwrap();
    a.update(Kind::Activity, id, &act("tuan_tra", json!({"participants": 7}))).unwrap();
    let f = w.export_at(&mut a, Utc::now());
    let r = w.province.import(&f, &opts).unwrap();
    assert!(r.quarantined.is_empty(), "a category the province sent is accepted: {:?}", r.quarantined);
    assert_eq!(r.by_kind["activity"].updated + r.by_kind["activity"].new, 1, "{:?}", r.by_kind);

    // Version 3 withdraws it: the record made under version 2, sent again, is still accepted.
    let mut v3 = v2.clone();
    v3.version = base + 2;
    v3.lists[0].items.retain(|i| i.code != "tuan_tra");
    assert_eq!(categories(&v3).len(), categories(&RefSet::builtin()).len());
    let sent = w.province.write_reference(Some(v3.clone()), &w.usb(), Utc::now()).unwrap();
    commune::import(&mut a, &sent).unwrap();
    let refs = w.province.checked_refs().unwrap();
    let codes: Vec<&str> = refs["activity_category"].iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes.last(), Some(&"tuan_tra"), "withdrawn, kept last for old records: {codes:?}");
    let f = commune::export(&mut a, &w.usb(), &ExportOptions { full: true, ..Default::default() }, &mut |_, _| {})
        .unwrap()
        .path;
    let r = w.province.import(&f, &opts).unwrap();
    assert!(r.quarantined.is_empty(), "{:?}", r.quarantined);

    // The versions are kept as sent: the same version again with other lists is refused, an older
    // one too, and one not newer than the release's own.
    let mut clash = v3.clone();
    clash.lists[0].items.push(patrol.clone());
    let e = w.province.write_reference(Some(clash), &w.usb(), Utc::now()).unwrap_err();
    assert!(e.to_string().contains(&format!("phiên bản {} đã gửi các xã với nội dung khác", base + 2)), "{e}");
    let mut old = v2.clone();
    old.version = base + 1;
    w.province.write_reference(Some(old), &w.usb(), Utc::now()).unwrap();
    let mut older = v3.clone();
    older.version = base;
    let e = w.province.write_reference(Some(older), &w.usb(), Utc::now()).unwrap_err();
    assert!(e.to_string().contains("Phiên bản danh mục"), "{e}");
    let log = w.province.db().audit_log().unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "reference_send").count(), 2);
}

/// The province reads only the fields the figures need (`figures::Parsed`), the commune whole records:
/// the same figures, also for records whose fields have another type than their register's (the
/// light read fails and the whole record is read). And a trend's months are each the figures of that
/// month (one scan for all of them).
#[test]
fn the_light_read_of_the_figures_counts_as_the_whole_record() {
    use phongtrao::figures::{Builder, Parsed};
    let mut s = Store::open_in_memory().unwrap();
    s.init(&setup("23535", "Xã Ia Đal")).unwrap();
    phongtrao::demo::generate(&mut s, &phongtrao::demo::DemoOptions { seed: 3, scale: 1 }, &mut |_, _| {}).unwrap();
    let mut records: Vec<(Kind, Doc)> = Vec::new();
    for k in figures::KINDS {
        for r in s.list(k, &ListQuery::default()).unwrap().records {
            records.push((k, r.data));
        }
    }
    let odd = |v: serde_json::Value| doc(v);
    records.push((Kind::Activity, odd(json!({"category": "tuyen_truyen", "date": "2026-03-01", "attendances": "12"}))));
    records.push((
        Kind::Activity,
        odd(json!({"category": "tin_bao", "date": "2026-03-01", "useful": 1, "case_solved": true})),
    ));
    records.push((Kind::Model, odd(json!({"kind": 7, "founded_on": "2020-01-01"}))));
    records.push((Kind::Area, odd(json!({"households": 12.5, "households_registered": 3}))));
    let rules = Rules::default();
    let labels = Labels::builtin();
    for period in ["2026", "2025", "2026-Q1", "2026-03"] {
        let w = rules.window(period.parse().unwrap());
        let (mut whole, mut light) = (Builder::new(w, &labels), Builder::new(w, &labels));
        for (k, d) in &records {
            whole.add(*k, d);
            let text = serde_json::to_string(d).unwrap();
            light.add_parsed(*k, &Parsed::parse(*k, &text).unwrap());
        }
        assert_eq!(light.finish(), whole.finish(), "{period}");
    }
    assert!(Parsed::parse(Kind::Activity, "[1, 2]").is_err());
}

/// The province names its figures with the lists it sent (not the release's): a renamed indicator,
/// a new model kind, an indicator withdrawn; a commune that took those lists prints the same JSON.
#[test]
fn the_provinces_figures_are_named_with_the_lists_it_sent() {
    use phongtrao::domain::{RefItem, RefSet};
    let mut w = world();
    let mut a = w.commune("23535", 1);
    let f = w.export_at(&mut a, Utc::now());
    w.import(&f);
    let year = Period::year(day_of(Utc::now()).format("%Y").to_string().parse().unwrap());
    let before = phongtrao::province::figures::figures(&w.province, year, Some("23535")).unwrap();
    assert_eq!(before.total.indicators[0].label, Labels::builtin().indicators[0].label);

    let mut set = RefSet::builtin();
    set.version += 1;
    set.lists.retain(|l| l.list == "report_indicator" || l.list == "model_kind");
    let indicators = set.lists.iter_mut().find(|l| l.list == "report_indicator").unwrap();
    let first = indicators.items[0].code.clone();
    indicators.items[0].label = "Số buổi tuyên truyền (theo danh mục của tỉnh)".into();
    let withdrawn = indicators.items.pop().unwrap();
    set.lists.iter_mut().find(|l| l.list == "model_kind").unwrap().items.push(RefItem {
        code: "tu_giam_sat".into(),
        label: "Tự giám sát".into(),
        data: serde_json::Value::Null,
    });
    let sent = w.province.write_reference(Some(set), &w.usb(), Utc::now()).unwrap();
    commune::import(&mut a, &sent).unwrap();

    let after = phongtrao::province::figures::figures(&w.province, year, Some("23535")).unwrap();
    let own = figures::of_store(&a, year).unwrap();
    assert_eq!(
        serde_json::to_string_pretty(&after.communes[0].figures).unwrap(),
        serde_json::to_string_pretty(&own).unwrap(),
        "the same JSON at both ends, with the lists sent"
    );
    let label =
        |f: &figures::Figures, code: &str| f.indicators.iter().find(|i| i.code == code).map(|i| i.label.clone());
    assert_eq!(label(&after.total, &first).as_deref(), Some("Số buổi tuyên truyền (theo danh mục của tỉnh)"));
    assert_eq!(label(&after.total, &withdrawn.code), None, "a withdrawn indicator is no longer a figure");
    assert!(after.total.models.iter().any(|m| m.kind == "tu_giam_sat" && m.label == "Tự giám sát"));
    // Its columns (the page, the exports, the report) carry the same names.
    let columns = phongtrao::province::figures::columns(&after.total);
    assert!(columns.iter().any(|(c, _)| c.label == "Mô hình Tự giám sát (đang hoạt động)"));
    // A province that sent nothing keeps the release's lists.
    let other = world();
    assert_eq!(phongtrao::province::figures::labels(&other.province).unwrap().indicators, Labels::builtin().indicators);
}

/// The province store is backed up and restored like a commune's: an encrypted `.ptbak` named for
/// the province, verified, restored with the replaced store kept aside and the restore audited;
/// bundles imported after the backup come back as a gap, filled by importing them again. A commune's
/// backup is not a province's, nor the other way round; a damaged or foreign backup changes nothing.
#[test]
fn the_province_store_is_backed_up_and_restored_like_a_communes() {
    use phongtrao::backup;
    let mut w = world();
    let tinh = w.dir.path().join("tinh");
    let mut a = w.commune("23535", 0);
    let area = |s: &mut Store, n: &str| {
        s.create(Kind::Area, &doc(json!({"name": n, "kind": "thon", "households": 10, "population": 40}))).unwrap();
    };
    area(&mut a, "Thôn 1");
    let first = w.export_at(&mut a, Utc::now());
    w.import(&first);
    let saved = backup::create_province(w.province.db(), &backup::province_dir(&tinh)).unwrap();
    let name = saved.path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("phongtrao-51-tinh-") && name.ends_with(".ptbak"), "{name}");
    assert_eq!(backup::list(&backup::province_dir(&tinh)).unwrap().len(), 1);
    assert!(saved.header.store.province && saved.header.store.commune_code.is_empty());
    // Encrypted like the store: no commune record's text in the file.
    let bytes = std::fs::read(&saved.path).unwrap();
    assert!(!bytes.windows(6).any(|x| x == "Thôn 1".as_bytes()));
    let checked = backup::check_province(&saved.path, w.dir.path(), "tinh", PW).unwrap();
    assert_eq!(checked.records, 1);
    let e = backup::check_province(&saved.path, w.dir.path(), "tinh", "sai-mat-khau").unwrap_err();
    assert_eq!(e.code(), "wrong_password", "{e}");

    // Two more bundles after the backup.
    area(&mut a, "Thôn 2");
    let second = w.export_at(&mut a, Utc::now());
    w.import(&second);
    area(&mut a, "Thôn 3");
    let third = w.export_at(&mut a, Utc::now());

    // Not a commune's backup, nor a commune's restored as the province's; a damaged one is refused.
    let commune_db = w.dir.path().join("xa").join("phongtrao.db");
    let e = backup::restore(&saved.path, &commune_db, "tinh", PW).unwrap_err();
    assert!(e.to_string().contains("bản sao lưu kho dữ liệu của Công an tỉnh"), "{e}");
    let mut c = Store::create_at(
        &commune_db,
        &setup("23437", "Xã số 23437"),
        &phongtrao::demo::demo_chief(PW),
        KdfParams::insecure_for_tests(),
    )
    .unwrap();
    area(&mut c, "Thôn của xã");
    let commune_backup = backup::create(&c, &w.dir.path().join("xa-sao-luu")).unwrap();
    drop(c);
    let e = backup::restore_province(&commune_backup.path, &tinh, "tinh", PW).unwrap_err();
    assert!(e.to_string().contains("không phải kho dữ liệu của Công an tỉnh"), "{e}");
    let broken = w.dir.path().join("hong.ptbak");
    let mut b = bytes.clone();
    let mid = b.len() / 2;
    b[mid] ^= 1;
    std::fs::write(&broken, &b).unwrap();
    let e = backup::restore_province(&broken, &tinh, "tinh", PW).unwrap_err();
    assert!(e.to_string().contains("bị hỏng"), "{e}");
    let other = world();
    let foreign = backup::create_province(other.province.db(), &other.dir.path().join("sao-luu")).unwrap();
    let e = backup::restore_province(&foreign.path, &tinh, "tinh", PW).unwrap_err();
    assert!(e.to_string().contains("kho dữ liệu Công an tỉnh khác"), "{e}");
    assert_eq!(w.province.db().bundles().unwrap().len(), 2, "nothing changed by the refusals");

    // The restore: the store goes back to the backup, the replaced one is kept, the restore audited.
    let World { dir, province, enrollment: _ } = w;
    drop(province);
    let e = backup::restore_province(&saved.path, &tinh, "tinh", "sai-mat-khau").unwrap_err();
    assert_eq!(e.code(), "wrong_password", "{e}");
    let r = backup::restore_province(&saved.path, &tinh, "tinh", PW).unwrap();
    let aside = r.aside.unwrap();
    assert!(aside.file_name().unwrap().to_string_lossy().starts_with("province.db.truoc-khoi-phuc-"));
    assert!(aside.exists());
    let mut p = Province::open(&tinh, PW).unwrap();
    assert_eq!(p.db().bundles().unwrap().len(), 1);
    assert!(p.db().audit_intact().unwrap());
    assert!(p.db().audit_log().unwrap().iter().any(|e| e.action == "restore" && e.detail.contains(&name)));
    // The bundle made after the one lost: a gap; the lost one, imported again, fills it.
    let opts = ImportOptions { dry_run: false, receipt_dir: Some(dir.path().join("receipts")) };
    let r = p.import(&third, &opts).unwrap();
    assert!(r.gap.is_some(), "the bundle imported after the backup is missing again");
    let r = p.import(&second, &opts).unwrap();
    assert!(r.filled_gap);
    assert_eq!(p.db().bundles().unwrap().len(), 3);
}

/// The number and epoch of a province bundle, read from its manifest.
fn numbered(f: &Path) -> (i64, i64) {
    let m = phongtrao::sync::bundle::open_file(f, &[]).unwrap().manifest;
    (m.epoch, m.seq)
}

/// The restore tests' story up to the restore, and what it sent after the backup.
struct AfterBackup {
    saved: phongtrao::backup::BackupInfo,
    /// The decision bundle (November approved, an inspection with one task).
    down: PathBuf,
    /// The reference bundle of the lists' next version.
    refs: PathBuf,
    lists: phongtrao::domain::RefSet,
}

/// The commune `a` sends an activity of November; the province in `tinh` is backed up; then
/// November is approved, an inspection with one task made and version +1 of the lists sent, each
/// written to `usb` and applied at the commune.
fn backup_then_send(w: &mut World, a: &mut Store, usb: &Path, tinh: &Path) -> AfterBackup {
    use phongtrao::backup;
    use phongtrao::domain::RefSet;
    use phongtrao::domain::review::Action;
    use phongtrao::province::review::{self as rv, Ask};
    let activity =
        doc(json!({"category": "tuyen_truyen", "date": "2026-11-01", "title": "Tuyên truyền phòng chống lừa đảo",
        "form": "hop_dan", "topic": "Lừa đảo qua mạng"}));
    a.create(Kind::Activity, &activity).unwrap();
    let f = w.export_at(a, Utc::now());
    w.import(&f);
    let saved = backup::create_province(w.province.db(), &backup::province_dir(tinh)).unwrap();
    let nov: Period = "2026-11".parse().unwrap();
    let approve = Ask { note: String::new(), records: Vec::new() };
    rv::decide(&mut w.province, "23535", nov, Action::Approve, &approve, Utc::now()).unwrap();
    let today = chrono::Local::now().date_naive();
    let iso = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let inspection = doc(json!({
        "starts_on": iso(today - Duration::days(3)), "leader": "Thượng tá Lê Văn Cường",
        "scope": "Công tác xây dựng phong trào năm 2026",
        "tasks": [{"content": "Kiện toàn Tổ bảo vệ an ninh, trật tự thôn 3", "responsible": "Trưởng Công an xã",
                   "deadline": iso(today + Duration::days(20))}]
    }));
    phongtrao::province::inspections::create(&mut w.province, "23535", &inspection, Utc::now()).unwrap();
    let down = w.province.write_decisions("23535", usb, Utc::now()).unwrap();
    commune::import(a, &down).unwrap();
    let mut lists = RefSet::builtin();
    lists.version += 1;
    lists.lists.retain(|l| l.list == "activity_category");
    let refs = w.province.write_reference(Some(lists.clone()), usb, Utc::now()).unwrap();
    commune::import(a, &refs).unwrap();
    AfterBackup { saved, down, refs, lists }
}

/// A restore of an older backup of the province store keeps what the province sent its communes
/// after the backup (a decision on a period, an inspection with its task, a version of the lists),
/// read from the store it replaces; its outgoing numbers never go back. The commune's next bundle
/// is taken in (its answers name a decision the province still has, its copy of the task equals
/// the province's), its receipt and the province's next decision are taken at the commune, and no
/// bundle number is given twice. A replaced store that does not open is said plainly, with what to do.
#[test]
fn a_restore_keeps_what_the_province_sent_the_communes_after_the_backup() {
    use phongtrao::backup;
    use phongtrao::domain::review::Action;
    use phongtrao::province::review::{self as rv, Ask};
    let mut w = world();
    let tinh = w.dir.path().join("tinh");
    let usb = w.usb();
    let mut a = w.commune("23535", 0);
    let mut sent = vec![numbered(&w.enrollment)];
    let AfterBackup { saved, down, refs, lists } = backup_then_send(&mut w, &mut a, &usb, &tinh);
    sent.push(numbered(&down));
    sent.push(numbered(&refs));
    let nov: Period = "2026-11".parse().unwrap();
    let ask = |note: &str| Ask { note: note.into(), records: Vec::new() };
    assert_eq!(a.review_decisions().unwrap().len(), 1);

    // The restore reads the replaced store and keeps all of it.
    let World { dir, province, enrollment: _ } = w;
    drop(province);
    let r = backup::restore_province(&saved.path, &tinh, "tinh", PW).unwrap();
    let kept = r.kept.clone().expect("the replaced store was read");
    assert_eq!(r.replaced_unread, None);
    assert_eq!(kept.decisions, vec![("23535".to_owned(), vec![1])]);
    assert_eq!((kept.inspections, kept.tasks, kept.verdicts), (1, 1, 0));
    assert_eq!(kept.references, vec![lists.version]);
    assert!(kept.diverged.is_empty());
    let high = sent.iter().map(|(_, s)| *s).max().unwrap();
    assert!(kept.out_seq_before < high && kept.out_seq == high, "{kept:?} {sent:?}");
    assert_eq!((kept.epoch, r.sync_epoch), (1, 1));
    let said = phongtrao::present::admin::province_restored(&r).join("\n");
    for e in [
        "Đã giữ lại những gì Công an tỉnh đã gửi các xã sau lúc",
        "1 quyết định về kỳ báo cáo (xã 23535: số 1), 1 cuộc kiểm tra, 1 nhiệm vụ khắc phục",
        &format!("danh mục phiên bản {}", lists.version),
        &format!("Số thứ tự gói gửi xã tiếp tục từ số {}", high + 1),
        "Các gói của xã nhập sau thời điểm sao lưu cần được nhập lại",
    ] {
        assert!(said.contains(e), "missing «{e}» in\n{said}");
    }
    let mut p = Province::open(&tinh, PW).unwrap();
    assert!(p.db().audit_intact().unwrap());
    assert!(p.db().audit_log().unwrap().iter().any(|e| e.action == "restore_keep"));
    assert_eq!(p.db().review_decisions(Some("23535")).unwrap().len(), 1);
    assert_eq!(p.db().sent_inspections(Some("23535")).unwrap().len(), 1);
    assert_eq!(p.db().references_sent().unwrap().last().map(|(v, _)| *v), Some(lists.version));

    // The commune's next bundle carries its answers (1 decision applied) and its copy of the
    // province's task: taken in, nothing put aside; its receipt is taken at the commune.
    a.create(Kind::Area, &doc(json!({"name": "Thôn Mới", "kind": "thon", "households": 10, "population": 40})))
        .unwrap();
    let f = commune::export(&mut a, &usb, &ExportOptions::default(), &mut |_, _| {}).unwrap().path;
    let opts = ImportOptions { dry_run: false, receipt_dir: Some(dir.path().join("receipts")) };
    let got = p.import(&f, &opts).unwrap();
    assert!(got.quarantined.is_empty(), "{:?}", got.quarantined);
    let receipt = got.receipt.unwrap();
    sent.push(numbered(&receipt));
    commune::import(&mut a, &receipt).unwrap();
    // The province's next decision (November reopened) is decision 2 at the commune too.
    rv::decide(&mut p, "23535", nov, Action::Reopen, &ask("Xã bổ sung hoạt động tháng 11"), Utc::now()).unwrap();
    let next = p.write_decisions("23535", &usb, Utc::now()).unwrap();
    sent.push(numbered(&next));
    match commune::import(&mut a, &next).unwrap() {
        commune::Imported::Decisions(applied, _) => {
            assert_eq!(applied.applied.iter().map(|d| d.n).collect::<Vec<_>>(), [2])
        }
        other => panic!("{other:?}"),
    }
    let mut numbers: Vec<i64> = sent.iter().map(|(_, s)| *s).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), sent.len(), "a province bundle number given twice: {sent:?}");
    assert_eq!(sent.last().unwrap().0, 1, "bundles after the restore are of the new epoch");
    // The version of the lists sent after the backup cannot be sent again with other lists.
    let mut other = lists.clone();
    other.lists[0].items.pop();
    let e = p.write_reference(Some(other), &usb, Utc::now()).unwrap_err();
    assert!(e.to_string().contains("đã gửi các xã với nội dung khác"), "{e}");
    let r = backup::create_province(p.db(), &backup::province_dir(&tinh)).unwrap();
    // November approved again after that backup, its bundle left in the province's own folder.
    rv::decide(&mut p, "23535", nov, Action::Approve, &ask(""), Utc::now()).unwrap();
    let third = p.write_decisions("23535", &tinh.join("quyet-dinh"), Utc::now()).unwrap();
    drop(p);

    // A replaced store that does not open: the restore goes on, says so and what to do, and starts
    // a new epoch above the copy's.
    let db = phongtrao::store::province::ProvinceDb::db_path(&tinh);
    std::fs::write(&db, b"not a database").unwrap();
    let again = backup::restore_province(&r.path, &tinh, "tinh", PW).unwrap();
    assert!(again.kept.is_none() && again.replaced_unread.is_some());
    assert_eq!(again.sync_epoch, 2);
    // What the province's own folder holds is taken back at once: decision 3 and its number.
    let back = again.recovered.clone().expect("the province's folder was read");
    assert_eq!(back.kept.decisions, vec![("23535".to_owned(), vec![3])]);
    assert_eq!(back.kept.out_seq, numbered(&third).1);
    let said = phongtrao::present::admin::province_restored(&again).join("\n");
    assert!(said.contains("Không mở được kho dữ liệu bị thay"), "{said}");
    assert!(said.contains("Đã lấy lại từ") && said.contains("(xã 23535: số 3)"), "{said}");
    assert!(said.contains("sẽ được lấy lại khi nhận USB của các xã"), "{said}");
    let p = Province::open(&tinh, PW).unwrap();
    assert_eq!(p.db().review_decisions(Some("23535")).unwrap().len(), 3);
}

/// After a restore whose replaced store does not open, the province takes its word back from its
/// own signed bundles (its decision bundles, the receipts and reference bundles on the communes'
/// sticks): until then a commune whose answers name a decision it lost is refused; after, the
/// commune's bundle is taken in, the next decision follows the commune's, and no number is reused.
#[test]
fn after_a_restore_without_the_replaced_store_the_province_takes_back_its_word_from_its_own_bundles() {
    use phongtrao::backup;
    use phongtrao::domain::review::Action;
    use phongtrao::province::review::{self as rv, Ask};
    let mut w = world();
    let tinh = w.dir.path().join("tinh");
    let usb = w.usb();
    let receipts = w.dir.path().join("receipts");
    let mut a = w.commune("23535", 0);
    let AfterBackup { saved, lists, .. } = backup_then_send(&mut w, &mut a, &usb, &tinh);
    let nov: Period = "2026-11".parse().unwrap();
    let ask = |note: &str| Ask { note: note.into(), records: Vec::new() };
    // One more trip: the receipt (on the stick, in bien-nhan/) carries the decision too.
    a.create(Kind::Area, &doc(json!({"name": "Thôn Hai", "kind": "thon", "households": 10, "population": 40})))
        .unwrap();
    let f = w.export_at(&mut a, Utc::now());
    let opts = ImportOptions { dry_run: false, receipt_dir: Some(receipts.clone()) };
    let receipt = w.province.import(&f, &opts).unwrap().receipt.unwrap();
    commune::import(&mut a, &receipt).unwrap();
    let high = numbered(&receipt).1;

    // The store is damaged; the restore cannot read it and says what to do.
    let World { dir: _dir, province, enrollment: _ } = w;
    drop(province);
    std::fs::write(phongtrao::store::province::ProvinceDb::db_path(&tinh), b"hong").unwrap();
    let r = backup::restore_province(&saved.path, &tinh, "tinh", PW).unwrap();
    assert!(r.kept.is_none() && r.replaced_unread.is_some());
    let said = phongtrao::present::admin::province_restored(&r).join("\n");
    assert!(said.contains("Không mở được kho dữ liệu bị thay") && said.contains("recover"), "{said}");
    let mut p = Province::open(&tinh, PW).unwrap();
    // Until the province has its word back, the commune's bundle names a decision it lost: refused.
    a.create(Kind::Area, &doc(json!({"name": "Thôn Ba", "kind": "thon", "households": 10, "population": 40}))).unwrap();
    let next = commune::export(&mut a, &usb, &ExportOptions::default(), &mut |_, _| {}).unwrap().path;
    let e = p.import(&next, &opts).unwrap_err();
    assert_eq!(e.code(), "bundle_answers", "{e}");

    // The whole stick taken in, as «Nhập tất cả» and `province import` do: the province's own
    // bundles on it (and in the receipts' folder) give its word back first, then the commune's
    // bundles are taken in (the one lost in the restore again, then the new one).
    let io = IntakeOptions { dry_run: false, receipt_root: Some(receipts.clone()) };
    let done = intake::import_paths(&mut p, &[usb.clone(), receipts.clone()], &io, &mut |_, _| {}).unwrap();
    let got = done.recovered.clone().expect("a real intake of folders reads the province's own bundles");
    assert!(got.read >= 3, "{got:?}");
    assert_eq!(got.kept.decisions, vec![("23535".to_owned(), vec![1])]);
    assert_eq!((got.kept.inspections, got.kept.tasks), (1, 1));
    assert_eq!(got.kept.references, vec![lists.version]);
    assert_eq!(got.kept.out_seq, high);
    let said = phongtrao::present::admin::province_recovered(&got).unwrap().join("\n");
    assert!(
        said.contains("1 quyết định về kỳ báo cáo (xã 23535: số 1), 1 cuộc kiểm tra, 1 nhiệm vụ khắc phục"),
        "{said}"
    );
    assert!(said.contains(&format!("tiếp tục từ số {}", high + 1)), "{said}");
    assert!(p.db().audit_log().unwrap().iter().any(|e| e.action == "restore_recover"));
    assert!(done.all_ok(), "{:?}", done.outcomes.iter().map(|o| &o.message).collect::<Vec<_>>());
    let o = done.outcomes.iter().find(|o| o.file == next).unwrap();
    assert_eq!(o.status, Status::Imported, "{}", o.message);
    assert!(o.report.as_ref().unwrap().quarantined.is_empty());
    // Read again: nothing more to take; a dry run reads nothing.
    assert!(
        phongtrao::present::admin::province_recovered(&p.recover_sent(std::slice::from_ref(&usb)).unwrap()).is_none()
    );
    let dry = IntakeOptions { dry_run: true, receipt_root: None };
    assert!(
        intake::import_paths(&mut p, std::slice::from_ref(&usb), &dry, &mut |_, _| {}).unwrap().recovered.is_none()
    );

    // The receipt and the next decision are taken at the commune, under numbers never given before.
    let receipt = o.receipt.clone().unwrap();
    assert!(numbered(&receipt).1 > high);
    commune::import(&mut a, &receipt).unwrap();
    rv::decide(&mut p, "23535", nov, Action::Reopen, &ask("Xã bổ sung hoạt động tháng 11"), Utc::now()).unwrap();
    let again = p.write_decisions("23535", &usb, Utc::now()).unwrap();
    assert_eq!(numbered(&again), (1, numbered(&receipt).1 + 1));
    match commune::import(&mut a, &again).unwrap() {
        commune::Imported::Decisions(applied, _) => {
            assert_eq!(applied.applied.iter().map(|d| d.n).collect::<Vec<_>>(), [2])
        }
        other => panic!("{other:?}"),
    }
}

/// The lists the province sends, edited from the console: what changed since the version last sent,
/// each bad row named, the next version written and kept, the reporting period becoming the rule.
#[test]
fn the_lists_sent_to_the_communes_are_edited_compared_and_sent() {
    use phongtrao::domain::RefItem;
    use phongtrao::province::reference::{self, Change};
    let mut w = world();
    let usb = w.usb();
    let mut lists = reference::editable(&w.province).unwrap();
    let names: Vec<&str> = lists.iter().map(|l| l.list.as_str()).collect();
    assert_eq!(names, reference::EDITABLE);
    assert!(reference::preview(&w.province, &lists).unwrap().is_empty(), "nothing edited, nothing changed");
    let kinds = lists.iter_mut().find(|l| l.list == "model_kind").unwrap();
    kinds.items.push(RefItem { code: "tu_giac".into(), label: "Tự giác".into(), data: serde_json::Value::Null });
    kinds.items.retain(|i| i.code != "tu_phong");
    kinds.items[0].label = "Tự quản (sửa tên)".into();
    let period = lists.iter_mut().find(|l| l.list == "reporting_period").unwrap();
    period.items[0].data["grace_days"] = json!(9);
    let changes = reference::preview(&w.province, &lists).unwrap();
    assert!(changes.contains(&Change::Added {
        list: "model_kind".into(),
        code: "tu_giac".into(),
        label: "Tự giác".into()
    }));
    assert!(changes.iter().any(|c| matches!(c, Change::Withdrawn { code, .. } if code == "tu_phong")));
    assert!(changes.iter().any(|c| matches!(c, Change::Renamed { new, .. } if new == "Tự quản (sửa tên)")));
    assert!(changes.iter().any(|c| matches!(c, Change::Settings { list, .. } if list == "reporting_period")));
    let text = changes[0].text("Loại mô hình");
    assert!(text.starts_with("Loại mô hình: "), "{text}");

    // Bad rows: every one named at once, nothing sent.
    let mut bad = lists.clone();
    bad[0].items.push(RefItem { code: "Có Dấu".into(), label: "".into(), data: serde_json::Value::Null });
    let e = reference::send(&mut w.province, &bad, &usb, Utc::now()).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(
        e.to_string().contains("mã phải gồm chữ thường") && e.to_string().contains("tên không được để trống"),
        "{e}"
    );
    assert!(w.province.db().references_sent().unwrap().is_empty());

    let sent = reference::send(&mut w.province, &lists, &usb, Utc::now()).unwrap();
    let base = phongtrao::domain::RefSet::builtin().version;
    assert_eq!(sent.version, base + 1, "the first version sent is above the release's own");
    assert!(sent.path.exists());
    assert_eq!(sent.changes, changes);
    assert_eq!(phongtrao::province::rules(&w.province).unwrap().grace_days, 9, "the period sent is the rule");
    // Sent: the lists now start from it, and nothing has changed since.
    let again = reference::editable(&w.province).unwrap();
    assert!(again.iter().find(|l| l.list == "model_kind").unwrap().items.iter().any(|i| i.code == "tu_giac"));
    assert!(reference::preview(&w.province, &again).unwrap().is_empty());
    // The lists the communes' records are checked against keep the withdrawn kind.
    let refs = w.province.checked_refs().unwrap();
    let codes: Vec<&str> = refs["model_kind"].iter().map(|i| i.code.as_str()).collect();
    assert!(codes.contains(&"tu_giac") && codes.contains(&"tu_phong"), "{codes:?}");
    // A commune takes the bundle: the new kind is offered, the withdrawn one no longer.
    let mut a = w.commune("23535", 0);
    commune::import(&mut a, &sent.path).unwrap();
    let offered: Vec<String> = a.ref_items("model_kind").unwrap().into_iter().map(|i| i.code).collect();
    assert!(offered.contains(&"tu_giac".to_owned()) && !offered.contains(&"tu_phong".to_owned()), "{offered:?}");
    let next = reference::send(&mut w.province, &again, &usb, Utc::now()).unwrap();
    assert_eq!((next.version, next.changes.len()), (base + 2, 0));
}

/// The figures' sums the province keeps per commune and window between reads (province migration
/// 0009) follow every change to the records: a read keeps them, a bundle of one commune drops that
/// commune's only (the store's triggers, in the import's transaction), a replay and a revoked key drop
/// nothing and change nothing, a rotated key's bundle drops its commune's; at every step the figures
/// equal each commune's own, and the total their sum. Sums read back exactly, and sums counted from a
/// snapshot another connection wrote after are not kept.
#[test]
fn the_figures_kept_between_reads_follow_every_change_to_a_communes_records() {
    let mut w = world();
    let mut communes: Vec<(String, Store)> =
        [("23430", 1), ("23437", 2)].iter().map(|(c, seed)| (c.to_string(), w.commune(c, *seed))).collect();
    for (_, s) in &mut communes {
        let f = w.export_at(s, Utc::now());
        w.import(&f);
    }
    let today = day_of(Utc::now());
    let rules = Rules::default();
    let now = rules.period_of(today);
    let year = now.end.year();
    let periods = [Period::year(year), now.period, format!("{year}-H1").parse().unwrap(), Period::year(year - 1)];
    let same = |w: &World, communes: &[(String, Store)], what: &str| {
        for p in &periods {
            let all = phongtrao::province::figures::figures(&w.province, *p, None).unwrap();
            let mut sum = figures::compute(rules.window(*p), &Labels::builtin(), std::iter::empty());
            for (code, s) in communes {
                let own = figures::of_store(s, *p).unwrap();
                let one = phongtrao::province::figures::figures(&w.province, *p, Some(code)).unwrap();
                assert_eq!(one.communes[0].figures, own, "{what}: commune {code} alone, period {p}");
                let among = all.communes.iter().find(|c| &c.commune_code == code).unwrap();
                assert_eq!(among.figures, own, "{what}: commune {code} among all, period {p}");
                sum.add(&own);
            }
            assert_eq!(all.total, sum, "{what}: the total, period {p}");
        }
    };
    let kept = |w: &World, code: &str| {
        w.province.db().figure_sums_kept().unwrap().into_iter().filter(|(c, _, _)| c == code).count()
    };
    assert_eq!(w.province.db().figure_sums_kept().unwrap(), [], "nothing kept before a read");
    same(&w, &communes, "first read");
    assert_eq!((kept(&w, "23430"), kept(&w, "23437")), (4, 4), "one row per commune and window read");
    same(&w, &communes, "read again from the sums kept");

    // A new bundle of the first commune drops its sums only.
    let date = phongtrao::date::iso(today);
    communes[0].1.create(Kind::Activity, &doc(json!({"category": "cam_ket", "date": date, "households": 23}))).unwrap();
    let victim = communes[0].1.list(Kind::Activity, &ListQuery::default()).unwrap().records[0].id;
    communes[0].1.delete(Kind::Activity, victim).unwrap();
    let second = w.export_at(&mut communes[0].1, Utc::now());
    w.import(&second);
    assert_eq!((kept(&w, "23430"), kept(&w, "23437")), (4, 4), "an import drops nothing: the next read finds it");
    same(&w, &communes, "after the first commune's second bundle (a deletion: counted again)");
    same(&w, &communes, "read again");
    // A bundle that only adds records: the sums kept take them (province migration 0011).
    for (name, households) in [("Thôn Mới Lập", 31), ("Tổ dân phố 9", 58)] {
        communes[1]
            .1
            .create(Kind::Area, &doc(json!({"name": name, "kind": "thon", "households": households, "population": 90})))
            .unwrap();
    }
    communes[1].1.create(Kind::Activity, &doc(json!({"category": "cam_ket", "date": date, "households": 12}))).unwrap();
    let adds = w.export_at(&mut communes[1].1, Utc::now());
    w.import(&adds);
    same(&w, &communes, "after a bundle of new records only");
    same(&w, &communes, "read again after it");
    // A replay changes no record: nothing is dropped.
    let before = w.province.db().figure_sums_kept().unwrap();
    let opts = ImportOptions { dry_run: false, receipt_dir: Some(w.dir.path().join("receipts")) };
    let e = w.province.import(&second, &opts).unwrap_err();
    assert_eq!(e.code(), "bundle_replay", "{e}");
    assert_eq!(w.province.db().figure_sums_kept().unwrap(), before, "a replay drops nothing");
    same(&w, &communes, "after a replay");

    // The second commune's key is revoked: its records stay its own, nothing is dropped; it rotates
    // its key and its next bundle (under the new key) drops its sums.
    let old = communes[1].1.sync_keys().unwrap().0.public_key().unwrap().key_id();
    w.province.revoke(&old).unwrap();
    assert_eq!(w.province.db().figure_sums_kept().unwrap(), before, "a revocation drops nothing");
    same(&w, &communes, "after a revocation");
    let (new, _) = communes[1].1.rotate_sync_key().unwrap();
    w.province.register("23437", &new.public).unwrap();
    communes[1]
        .1
        .create(
            Kind::Activity,
            &doc(json!({"category": "tuyen_truyen", "date": date, "title": "Họp dân", "form": "hop_dan",
                        "topic": "Lừa đảo qua mạng", "attendances": 35})),
        )
        .unwrap();
    let f = w.export_at(&mut communes[1].1, Utc::now());
    w.import(&f);
    assert_eq!((kept(&w, "23430"), kept(&w, "23437")), (4, 4));
    same(&w, &communes, "after the rotated key's bundle (two keys: counted again)");

    // The sums read back exactly (what the store keeps is what was counted).
    let (_, s) = &communes[0];
    let labels = Labels::builtin();
    let mut b = figures::Builder::new(rules.window(periods[0]), &labels);
    for k in figures::KINDS {
        for r in s.list(k, &ListQuery::default()).unwrap().records {
            b.add(k, &r.data);
        }
    }
    let sums = b.into_sums();
    let back: figures::Sums = serde_json::from_str(&serde_json::to_string(&sums).unwrap()).unwrap();
    assert_eq!(back, sums);
    let f = figures::Builder::with_sums(rules.window(periods[0]), &labels, back).finish();
    assert_eq!(f, figures::of_store(s, periods[0]).unwrap());
    assert!(f.antt.iter().any(|a| a.registered > 0), "certification sums read back too");

    // Sums counted from a snapshot that another connection changed after are not kept.
    let other = Province::open(&w.dir.path().join("tinh"), PW).unwrap();
    communes[0]
        .1
        .create(Kind::Area, &doc(json!({"name": "Thôn Mới", "kind": "thon", "households": 7, "population": 30})))
        .unwrap();
    let third = w.export_at(&mut communes[0].1, Utc::now());
    let kept_now = other
        .db()
        .in_one_read(|db| {
            let read = db.figure_sums(&phongtrao::date::iso(now.start), &phongtrao::date::iso(now.end), None, "x")?;
            assert!(read.is_empty());
            w.import(&third);
            db.keep_figure_sums(&[("23430".into(), "2000-01-01".into(), "2000-01-31".into(), "{}".into())], "x")
        })
        .unwrap();
    assert!(!kept_now, "the snapshot is stale: nothing kept");
    assert!(w.province.db().figure_sums_kept().unwrap().iter().all(|(_, first, _)| first != "2000-01-01"));
    same(&w, &communes, "after a bundle imported during another connection's read");
}

/// A small deterministic generator of choices for the sequences below.
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    pub(crate) fn below(&mut self, n: usize) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

/// One random change an officer makes to a commune's records: a new activity or area, an edit that
/// moves an activity in or out of a period or changes what it counts, an area's households, a
/// deletion (activity, area, member), a model dissolved, a record edited twice, a new one edited
/// at once. A change the commune refuses (a rule, a link) changes nothing and is skipped.
pub(crate) fn random_change(
    d: &mut Dice,
    s: &mut Store,
    recent: &mut Vec<(Kind, uuid::Uuid)>,
    from: chrono::NaiveDate,
    days: i64,
) {
    let day = |d: &mut Dice| phongtrao::date::iso(from + Duration::days(d.below(days as usize + 1) as i64));
    let pick = |d: &mut Dice, s: &Store, kind: Kind, recent: &[(Kind, uuid::Uuid)]| {
        let mine: Vec<uuid::Uuid> = recent.iter().filter(|(k, _)| *k == kind).map(|(_, id)| *id).collect();
        if !mine.is_empty() && d.below(4) > 0 {
            return Some(mine[d.below(mine.len())]);
        }
        let all = s.list(kind, &ListQuery::default()).unwrap().records;
        (!all.is_empty()).then(|| all[d.below(all.len())].id)
    };
    let edit = |d: &mut Dice, s: &mut Store, id: uuid::Uuid, date: String| {
        let Ok(r) = s.get(Kind::Activity, id) else { return };
        let mut patch = json!({"date": date});
        match r.data.get("category").and_then(|c| c.as_str()) {
            Some("tuyen_truyen") => patch["attendances"] = json!(d.below(90)),
            Some("cam_ket") => patch["households"] = json!(1 + d.below(40)),
            Some("tin_bao") => patch["useful"] = json!(d.below(2) == 0),
            _ => {}
        }
        let _ = s.update(Kind::Activity, id, &doc(patch));
    };
    match d.below(9) {
        0 | 1 => {
            let date = day(d);
            let input = match d.below(3) {
                0 => json!({"category": "tuyen_truyen", "date": date, "form": "hop_dan",
                            "topic": "Phòng, chống lừa đảo qua mạng", "attendances": d.below(90)}),
                1 => json!({"category": "cam_ket", "date": date, "households": 1 + d.below(40)}),
                _ => {
                    json!({"category": "tin_bao", "date": date, "subject": "Trộm cắp tài sản", "useful": d.below(2) == 0})
                }
            };
            if let Ok(saved) = s.create(Kind::Activity, &doc(input)) {
                recent.push((Kind::Activity, saved.id));
                if d.below(3) == 0 {
                    // Made and edited before the bundle leaves.
                    let date = day(d);
                    edit(d, s, saved.id, date);
                }
            }
        }
        2 | 3 => {
            if let Some(id) = pick(d, s, Kind::Activity, recent) {
                let date = day(d);
                edit(d, s, id, date);
                if d.below(3) == 0 {
                    let date = day(d);
                    edit(d, s, id, date);
                }
                recent.push((Kind::Activity, id));
            }
        }
        4 => {
            if let Some(id) = pick(d, s, Kind::Activity, recent) {
                let _ = s.delete(Kind::Activity, id);
            }
        }
        5 => {
            if let Some(id) = pick(d, s, Kind::Area, recent) {
                let total = 10 + d.below(300);
                let registered = d.below(total + 1);
                let patch = json!({"households": total, "households_registered": registered});
                if s.update(Kind::Area, id, &doc(patch)).is_ok() {
                    recent.push((Kind::Area, id));
                }
            }
        }
        6 => {
            let name = format!("Thôn Mới {}", d.below(1_000_000));
            let households = 5 + d.below(200);
            let input = json!({"name": name, "kind": "thon", "households": households, "population": 4 * households});
            if let Ok(saved) = s.create(Kind::Area, &doc(input)) {
                recent.push((Kind::Area, saved.id));
            }
        }
        7 => {
            let kind = [Kind::Area, Kind::Member][d.below(2)];
            if let Some(id) = pick(d, s, kind, recent) {
                let _ = s.delete(kind, id);
            }
        }
        _ => {
            if let Some(id) = pick(d, s, Kind::Model, recent) {
                let _ = s.dissolve_model(id, &day(d), "Không còn hiệu quả");
                recent.push((Kind::Model, id));
            }
        }
    }
}

/// The sums kept between reads take what bundles replaced and deleted without counting the commune
/// again (province migration 0013): over random sequences of bundles (new records, records edited,
/// deleted, edited twice between reads, made and edited between reads, areas deleted, models
/// dissolved), read after one bundle or several, for the whole province or one commune, for windows
/// read every time or now and then, the replaced states no sums need pruned now and then, the
/// figures equal each commune's own (what its store counts from nothing), the total their sum; and,
/// the sums forgotten, the figures counted again from every record are the same.
#[test]
fn the_figures_kept_follow_any_sequence_of_bundles_that_add_edit_and_delete_records() {
    let rules = Rules::default();
    let today = day_of(Utc::now());
    let now = rules.period_of(today);
    let year = now.end.year();
    let periods = [Period::year(year), now.period, Period::year(year - 1), format!("{year}-H1").parse().unwrap()];
    // Dates from the start of last year's window to today: in and out of every period read.
    let from = rules.window(Period::year(year - 1)).start;
    let days = (today - from).num_days();
    let labels = Labels::builtin();
    let same = |w: &World, communes: &[(String, Store)], ps: &[Period], one: Option<&str>, what: &str| {
        for p in ps {
            let read = phongtrao::province::figures::figures(&w.province, *p, one).unwrap();
            let mut sum = figures::compute(rules.window(*p), &labels, std::iter::empty());
            for (code, s) in communes.iter().filter(|(c, _)| one.is_none_or(|o| o == c)) {
                let own = figures::of_store(s, *p).unwrap();
                let theirs = read.communes.iter().find(|c| &c.commune_code == code).unwrap();
                assert_eq!(theirs.figures, own, "{what}: commune {code}, period {p}");
                sum.add(&own);
            }
            assert_eq!(read.total, sum, "{what}: the total, period {p}");
        }
    };
    let (mut replaced, mut pruned) = (0, 0);
    for seed in 1..=3u64 {
        let mut d = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut w = world();
        let mut communes: Vec<(String, Store)> =
            vec![("23430".into(), w.commune("23430", seed)), ("23437".into(), w.commune("23437", 0))];
        for (_, s) in &mut communes {
            let f = w.export_at(s, Utc::now());
            w.import(&f);
        }
        same(&w, &communes, &periods, None, &format!("seed {seed}: first read"));
        let mut recent: Vec<Vec<(Kind, uuid::Uuid)>> = vec![Vec::new(), Vec::new()];
        for round in 0..16 {
            let c = d.below(2);
            for _ in 0..1 + d.below(6) {
                random_change(&mut d, &mut communes[c].1, &mut recent[c], from, days);
            }
            let f = w.export_at(&mut communes[c].1, Utc::now());
            w.import(&f);
            // Read now and then: several bundles may come between two reads.
            if d.below(2) == 0 {
                let ps: Vec<Period> = periods.iter().copied().filter(|_| d.below(4) > 0).collect();
                let one = (d.below(4) == 0).then(|| communes[d.below(2)].0.clone());
                let what = format!("seed {seed}, round {round}");
                same(&w, &communes, &ps, one.as_deref(), &what);
                same(&w, &communes, &ps, one.as_deref(), &format!("{what}, read again"));
                recent.iter_mut().for_each(Vec::clear);
            }
            // Now and then the states no sums need are forgotten, and sums too far behind dropped
            // (with small bounds: a read keeps them with bounds of thousands).
            if d.below(3) == 0 {
                let before = w.province.db().replaced_kept().unwrap();
                w.province.db().prune_replaced_states(d.below(8) as i64, 1).unwrap();
                pruned += before - w.province.db().replaced_kept().unwrap();
            }
        }
        same(&w, &communes, &periods, None, &format!("seed {seed}: last read"));
        replaced += w.province.db().replaced_kept().unwrap();
        w.province.db().forget_figure_sums().unwrap();
        same(&w, &communes, &periods, None, &format!("seed {seed}: counted again from every record"));
    }
    assert!(replaced + pruned > 30, "records were replaced: the sums kept took them ({replaced}, {pruned} pruned)");
    assert!(pruned > 0, "states no sums needed were forgotten");
}

/// The first read after a stick from many communes counts them on two threads, each on its own
/// connection: every commune's figures (alone and among all) still equal its own, for the year, the
/// current period and the year before (whose certification records the count skips unread), and the
/// sums kept from that read give the same figures again.
#[test]
fn the_figures_of_many_communes_counted_on_two_threads_equal_each_communes_own() {
    let mut w = world();
    let codes = ["23430", "23437", "23444", "23452", "23455", "23458", "23461", "23467", "23473"];
    let mut communes: Vec<(String, Store)> =
        codes.iter().enumerate().map(|(i, c)| (c.to_string(), w.commune(c, 1 + i as u64))).collect();
    for (_, s) in &mut communes {
        let f = w.export_at(s, Utc::now());
        w.import(&f);
    }
    let rules = Rules::default();
    let now = rules.period_of(day_of(Utc::now()));
    let year = now.end.year();
    for p in [Period::year(year), now.period, Period::year(year - 1)] {
        for read in ["counted", "kept"] {
            let all = phongtrao::province::figures::figures(&w.province, p, None).unwrap();
            assert_eq!(all.communes.len(), codes.len());
            let mut sum = figures::compute(rules.window(p), &Labels::builtin(), std::iter::empty());
            for (code, s) in &communes {
                let own = figures::of_store(s, p).unwrap();
                let among = all.communes.iter().find(|c| &c.commune_code == code).unwrap();
                assert_eq!(among.figures, own, "{read}: commune {code}, period {p}");
                sum.add(&own);
            }
            assert_eq!(all.total, sum, "{read}: the total, period {p}");
        }
    }
    assert!(
        communes.iter().any(|(_, s)| figures::of_store(s, Period::year(year))
            .unwrap()
            .antt
            .iter()
            .any(|a| a.registered > 0)),
        "the year's certification records are counted"
    );
    assert_eq!(w.province.db().figure_sums_kept().unwrap().len(), 3 * codes.len());
}

/// The records behind a figure are searched and filtered as the commune's own list searches and
/// filters them: the same words (accents, đ/Đ and case ignored), the same `field=value`, `>=`, `<=`,
/// alone and together, giving the records the commune's list gives among those behind the figure,
/// in Vietnamese order; the page offers the filters the records can take and counts what is shown
/// against the figure.
#[test]
fn the_records_behind_a_figure_are_searched_and_filtered_like_the_communes_list() {
    use phongtrao::domain::filter::Filter;
    use phongtrao::province::drill::{Query, narrow};
    use phongtrao::province::figures::behind;

    let mut w = world();
    let mut a = w.commune("23430", 3);
    let today = day_of(Utc::now());
    let rules = phongtrao::province::rules(&w.province).unwrap();
    // The year whose window holds today (after its cut-off, today belongs to the next one).
    let period: Period = [today.year(), today.year() + 1]
        .iter()
        .map(|y| y.to_string().parse::<Period>().unwrap())
        .find(|p| {
            let win = rules.window(*p);
            win.start <= today && today <= win.end
        })
        .unwrap();
    let win = rules.window(period);
    // Propaganda sessions in a hamlet whose name is full of đ/Đ, and one elsewhere.
    let area = a
        .create(Kind::Area, &doc(json!({"name": "Thôn Đồng Đuôn", "kind": "thon", "households": 20, "population": 80})))
        .unwrap()
        .id;
    let other = a
        .create(Kind::Area, &doc(json!({"name": "Làng Kon Rbàng", "kind": "lang", "households": 20, "population": 80})))
        .unwrap()
        .id;
    let session = |title: &str, at: &str, day: chrono::NaiveDate| {
        json!({"category": "tuyen_truyen", "date": day.to_string(), "title": title, "area_id": at,
               "form": "hop_dan", "topic": "Phòng, chống ma túy", "attendances": 40})
    };
    let (first, last) = (win.start, today.min(win.end));
    for (title, at, day) in [
        ("Đêm tuyên truyền ở Đồng Đuôn", area.to_string(), first),
        ("Họp dân Đồng Đuôn về đường điện", area.to_string(), last),
        ("Tuyên truyền pháp luật cho đồng bào", other.to_string(), last),
    ] {
        a.create(Kind::Activity, &doc(session(title, &at, day))).unwrap();
    }
    let f = w.export_at(&mut a, Utc::now());
    w.import(&f);

    let key = "ind:tuyen_truyen_buoi";
    let all = behind(&w.province, period, "23430", Some(key)).unwrap();
    assert!(all.len() >= 3, "{}", all.len());
    let ids = |v: &[phongtrao::province::figures::Behind]| v.iter().map(|b| b.id.clone()).collect::<Vec<_>>();
    // What the commune's own list gives for the same search and filters, among the records behind.
    let communes = |search: Option<&str>, filters: &[&str]| -> Vec<String> {
        let q = ListQuery {
            search: search.map(str::to_owned),
            filters: filters.iter().map(|f| Filter::parse(f).unwrap()).collect(),
            ..Default::default()
        };
        let listed: Vec<String> =
            a.list(Kind::Activity, &q).unwrap().records.iter().map(|r| r.id.to_string()).collect();
        ids(&all).into_iter().filter(|id| listed.contains(id)).collect()
    };
    let ours = |search: Option<&str>, filters: &[&str]| -> Vec<String> {
        let q = Query {
            search: search.map(str::to_owned),
            filters: filters.iter().map(|f| Filter::parse(f).unwrap()).collect(),
            sort: None,
        };
        ids(&narrow(all.clone(), &q).unwrap())
    };
    let titles = |search: &str| -> Vec<String> {
        let q = Query { search: Some(search.into()), ..Query::default() };
        narrow(all.clone(), &q).unwrap().into_iter().map(|b| b.title).collect()
    };

    // The search, with and without accents, đ/Đ and case ignored; every word begins a word.
    let dong_duon = titles("Đồng Đuôn");
    assert_eq!(dong_duon, ["Đêm tuyên truyền ở Đồng Đuôn", "Họp dân Đồng Đuôn về đường điện"]);
    for typed in ["dong duon", "DONG DUON", "đồng đuôn", "ĐỒNG ĐUÔN", "đong đuon", "Dong Duo"] {
        assert_eq!(titles(typed), dong_duon, "«{typed}»");
    }
    assert_eq!(titles("duon duong dien"), ["Họp dân Đồng Đuôn về đường điện"]);
    assert!(titles("uon duon").is_empty(), "a word is matched from its beginning");
    // A word the search text holds beyond the title: the topic, the form's label.
    assert_eq!(titles("ma tuy duon").len(), 2);
    assert_eq!(titles("hop dan duon").len(), 2);
    for typed in ["dong duon", "dong", "ma tuy", "khong co chu nay", "  "] {
        assert_eq!(ours(Some(typed), &[]), communes(Some(typed), &[]), "«{typed}»");
    }

    // Each filter: a link, an option of the category, a date range typed as officers type it.
    let in_area = format!("area_id={area}");
    assert_eq!(ours(None, &[&in_area]).len(), 2);
    let from = format!("date>={}", (first + Duration::days(1)).format("%d/%m/%Y"));
    let to = format!("date<={}", last.format("%d/%m/%Y"));
    for filters in [
        vec![in_area.as_str()],
        vec!["form=hop_dan"],
        vec!["category=tuyen_truyen"],
        vec![from.as_str()],
        vec![to.as_str()],
        vec![from.as_str(), to.as_str()],
    ] {
        let got = ours(None, &filters);
        assert_eq!(got, communes(None, &filters), "{filters:?}");
        assert!(!got.is_empty(), "{filters:?}");
    }
    // Together: the search, the hamlet and the range leave one session.
    let both = ours(Some("dong duon"), &[&in_area, &from, &to]);
    assert_eq!(both, communes(Some("dong duon"), &[&in_area, &from, &to]));
    assert_eq!(both.len(), 1);
    assert!(ours(Some("dong bao"), &[&in_area]).is_empty());
    // Still in Vietnamese order.
    let kept =
        narrow(all.clone(), &Query { filters: vec![Filter::parse(&from).unwrap()], ..Query::default() }).unwrap();
    let t: Vec<&str> = kept.iter().map(|b| b.title.as_str()).collect();
    let mut sorted = t.clone();
    sorted.sort_by(|x, y| phongtrao::text::compare(x, y));
    assert_eq!(t, sorted);

    // A field the register does not have, a date that is not one: refused, naming them.
    let bad = |f: &str| {
        narrow(all.clone(), &Query { filters: vec![Filter::parse(f).unwrap()], ..Query::default() })
            .unwrap_err()
            .to_string()
    };
    assert!(bad("Số hộ=3").contains("Hoạt động không có trường «Số hộ»"), "{}", bad("Số hộ=3"));
    assert!(bad("date>=32/13/2026").contains("Giá trị lọc của trường date"), "{}", bad("date>=32/13/2026"));

    // The page: the filters the records can take (the hamlet by its name, with its count), the date
    // range, and what is shown counted against the figure the officer clicked.
    let asked = Query { search: Some("dong duon".into()), filters: vec![Filter::parse(&in_area).unwrap()], sort: None };
    let every = phongtrao::present::province::page_of(None, 0);
    let page = phongtrao::present::province::behind_view(&w.province, period, "23430", key, &asked, every).unwrap();
    let figure = phongtrao::province::figures::figures(&w.province, period, Some("23430")).unwrap();
    let value = figure.total.value("tuyen_truyen_buoi");
    assert_eq!(page.total as usize, all.len());
    assert_eq!(page.shown, 2);
    assert_eq!(page.rows.len(), 2);
    assert_eq!(
        page.summary,
        format!("Đang hiện 2/{} bản ghi: 2 trong số {} của «Số buổi tuyên truyền».", all.len(), value)
    );
    let by_area = page.filters.iter().find(|f| f.key == "area_id").expect("a filter by hamlet");
    assert_eq!(by_area.label, "Khu dân cư");
    assert!(
        by_area.choices.iter().any(|c| c.code == area.to_string() && c.label == "Thôn Đồng Đuôn (2)"),
        "{:?}",
        by_area.choices
    );
    // Every record is a propaganda session: nothing to choose there.
    assert!(!page.filters.iter().any(|f| f.key == "category"));
    assert_eq!((page.date_key.as_deref(), page.date_label.as_str()), (Some("date"), "Ngày"));
    // The columns of the commune's list of activities, each row's cells as that list shows them.
    let labels: Vec<&str> = page.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Loại hoạt động", "Ngày", "Khu dân cư", "Địa điểm"]);
    for r in &page.rows {
        assert_eq!(r.cells.len(), 4);
        assert_eq!(
            (r.cells[0].as_str(), r.cells[2].as_str(), r.cells[3].as_str()),
            ("Tuyên truyền", "Thôn Đồng Đuôn", "")
        );
    }
    assert_eq!(page.rows[0].cells[1], first.format("%d/%m/%Y").to_string());
    let whole =
        phongtrao::present::province::behind_view(&w.province, period, "23430", key, &Query::default(), every).unwrap();
    assert_eq!(
        whole.summary,
        format!("{} bản ghi, cộng lại đúng số «Số buổi tuyên truyền» của xã: {value}.", all.len())
    );
    // A figure that is not one: refused, naming it.
    let err =
        phongtrao::present::province::behind_view(&w.province, period, "23430", "khong-co", &Query::default(), every);
    assert!(err.unwrap_err().to_string().contains("«khong-co» không có"));

    // The command line: the same page as JSON, as text, and the table as filtered to .xlsx.
    let World { dir, province, .. } = w;
    drop(province);
    let tinh = dir.path().join("tinh").to_string_lossy().into_owned();
    let period = period.to_string();
    let records = |more: &[&str]| -> Vec<String> {
        let mut args = vec!["province", "--dir", &tinh, "figures", "--period", &period, "--commune", "23430"];
        args.extend(["--records", key]);
        args.extend(more);
        args.iter().map(|a| a.to_string()).collect()
    };
    fn argv(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&argv(&records(&["--search", "dong duon", "--filter", &in_area, "--json"])))).unwrap();
    assert_eq!(json["shown"], 2);
    assert_eq!(json["total"].as_u64().unwrap() as usize, all.len());
    assert_eq!(json["rows"][0]["title"], "Đêm tuyên truyền ở Đồng Đuôn");
    assert_eq!(json["summary"], page.summary);
    let text = ok(&argv(&records(&["--search", "ĐỒNG ĐUÔN", "--filter", &from, "--filter", &to])));
    assert!(text.starts_with(&format!("Đang hiện 1/{} bản ghi", all.len())), "{text}");
    assert!(text.contains("Họp dân Đồng Đuôn về đường điện") && !text.contains("Đêm tuyên truyền"), "{text}");
    let refused = run(&argv(&records(&["--filter", "Số hộ=3"])));
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Hoạt động không có trường «Số hộ»"));
    let xlsx = dir.path().join("loc.xlsx").to_string_lossy().into_owned();
    ok(&[
        "province",
        "--dir",
        &tinh,
        "export",
        "figures",
        "--period",
        &period,
        "--column",
        key,
        "--commune",
        "23430",
        "--search",
        "dong duon",
        "--filter",
        &in_area,
        "--out",
        &xlsx,
    ]);
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = wb.worksheet_range("Bản ghi").unwrap();
    let rows: Vec<&[calamine::Data]> = sheet.rows().collect();
    let titles: Vec<String> = rows[1..].iter().map(|r| r[5].to_string()).collect();
    assert_eq!(titles, ["Đêm tuyên truyền ở Đồng Đuôn", "Họp dân Đồng Đuôn về đường điện"]);
}

/// The records behind a figure sort by any column of the commune's list as that list sorts them:
/// for each column, up and down, the province gives the commune's own `Store::list` order of the same
/// records (numbers by value, dates, codes, free text in Vietnamese order with its diacritics, records
/// without the value first going up and last going down, ties by title); and they page as that list
/// pages.
#[test]
fn the_records_behind_a_figure_sort_and_page_as_the_communes_list() {
    use phongtrao::province::drill::{Query, narrow};
    use phongtrao::province::figures::behind;

    let mut w = world();
    let mut a = w.commune("23430", 5);
    // Hamlets whose names and heads differ only by their marks, tied numbers, missing values.
    for (name, households, registered, head) in [
        ("Thôn Đắk Năng", 50, Some(20), Some("Đinh Văn Ánh")),
        ("Thôn Dak Nang", 50, None, Some("Đinh Văn Anh")),
        ("Thôn Đăk Năng", 7, Some(7), None),
        ("Tổ dân phố Ấp Bắc", 120, Some(100), Some("Bùi Thị Ân")),
        ("Thôn Ea Kly", 50, None, Some("dương văn ba")),
        ("Làng Kon Rbàng", 1_200, Some(1_000), Some("Y Đăk")),
    ] {
        let mut d = json!({"name": name, "kind": "thon", "households": households, "population": households * 4});
        if let Some(r) = registered {
            d["households_registered"] = json!(r);
        }
        if let Some(h) = head {
            d["head"] = json!(h);
        }
        a.create(Kind::Area, &doc(d)).unwrap();
    }
    let f = w.export_at(&mut a, Utc::now());
    w.import(&f);
    let today = day_of(Utc::now());
    let period: Period = today.year().to_string().parse().unwrap();

    let ids = |v: &[phongtrao::province::figures::Behind]| v.iter().map(|b| b.id.clone()).collect::<Vec<_>>();
    let mut compared = 0;
    for (key, kind, columns) in [
        ("hh_total", Kind::Area, &["kind", "households", "households_registered", "population", "head", "title"][..]),
        ("members", Kind::Member, &["role", "education", "date_of_birth", "appointed_on", "title"][..]),
        ("ind:tuyen_truyen_buoi", Kind::Activity, &["date", "category", "place", "attendances", "title"][..]),
        ("ind:mo_hinh_theo_loai", Kind::Model, &["kind", "title"][..]),
    ] {
        let all = behind(&w.province, period, "23430", Some(key)).unwrap();
        assert!(all.len() >= 5, "{key}: {}", all.len());
        for column in columns {
            for sort in [column.to_string(), format!("-{column}")] {
                let q = ListQuery { sort: Some(sort.clone()), ..Default::default() };
                let listed: Vec<String> = a.list(kind, &q).unwrap().records.iter().map(|r| r.id.to_string()).collect();
                let theirs: Vec<String> = listed.into_iter().filter(|id| all.iter().any(|b| &b.id == id)).collect();
                let ours = ids(&narrow(all.clone(), &Query { sort: Some(sort.clone()), ..Query::default() }).unwrap());
                assert_eq!(ours, theirs, "{key} sorted by {sort}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 36);

    // An option column sorts by what it reads as, not by its code, at both ends (the commune's list
    // gave the same orders above): education's codes `thcs` < `trung_cap` read «Trung học cơ sở» and
    // «Trung cấp», so by label «Trung cấp» comes first; a model's kind (a reference list) the same way.
    let read = |b: &phongtrao::province::figures::Behind, label: &str| {
        b.fields.iter().find(|(l, _)| l == label).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    for (key, label, column) in
        [("members", "Trình độ học vấn", "education"), ("ind:mo_hinh_theo_loai", "Loại mô hình", "kind")]
    {
        let all = behind(&w.province, period, "23430", Some(key)).unwrap();
        for desc in [false, true] {
            let sort = if desc { format!("-{column}") } else { column.to_owned() };
            let shown: Vec<String> = narrow(all.clone(), &Query { sort: Some(sort.clone()), ..Query::default() })
                .unwrap()
                .iter()
                .map(|b| read(b, label))
                .collect();
            assert!(shown.iter().all(|s| !s.is_empty()), "{key}: {shown:?}");
            let mut want = shown.clone();
            want.sort_by(|a, b| if desc { phongtrao::text::compare(b, a) } else { phongtrao::text::compare(a, b) });
            assert_eq!(shown, want, "{key} by {sort}");
            let mut distinct = shown.clone();
            distinct.dedup();
            assert!(distinct.len() >= 2, "{key}: {distinct:?}");
        }
    }
    let educations: Vec<String> = narrow(
        behind(&w.province, period, "23430", Some("members")).unwrap(),
        &Query { sort: Some("education".into()), ..Query::default() },
    )
    .unwrap()
    .iter()
    .map(|b| read(b, "Trình độ học vấn"))
    .collect();
    // By code `thcs` < `trung_cap`; by what they read as «Trung cấp» < «Trung học cơ sở».
    let at =
        |label: &str| educations.iter().position(|e| e == label).unwrap_or_else(|| panic!("{label}: {educations:?}"));
    assert!(at("Trung cấp") < at("Trung học cơ sở"), "{educations:?}");

    // What the hamlets above show: numbers by value, ties by title; heads in Vietnamese order with
    // those without one first; downwards, those without one last.
    let areas = behind(&w.province, period, "23430", Some("hh_total")).unwrap();
    let by = |sort: &str| -> Vec<String> {
        narrow(areas.clone(), &Query { sort: Some(sort.into()), ..Query::default() })
            .unwrap()
            .into_iter()
            .map(|b| b.title)
            .filter(|t| {
                ["Đắk Năng", "Dak Nang", "Đăk Năng", "Ấp Bắc", "Ea Kly", "Kon Rbàng"].iter().any(|n| t.ends_with(n))
            })
            .collect()
    };
    assert_eq!(
        by("households"),
        ["Thôn Đăk Năng", "Thôn Dak Nang", "Thôn Đắk Năng", "Thôn Ea Kly", "Tổ dân phố Ấp Bắc", "Làng Kon Rbàng"]
    );
    assert_eq!(
        by("-households"),
        ["Làng Kon Rbàng", "Tổ dân phố Ấp Bắc", "Thôn Dak Nang", "Thôn Đắk Năng", "Thôn Ea Kly", "Thôn Đăk Năng"]
    );
    let heads: Vec<Option<String>> = narrow(areas.clone(), &Query { sort: Some("head".into()), ..Query::default() })
        .unwrap()
        .into_iter()
        .map(|b| b.doc.get("head").and_then(|v| v.as_str()).map(str::to_owned))
        .collect();
    let blank = heads.iter().take_while(|h| h.is_none()).count();
    assert!(blank >= 1 && heads[blank..].iter().all(Option::is_some), "{heads:?}");
    let named: Vec<&str> = heads[blank..].iter().map(|h| h.as_deref().unwrap()).collect();
    let at = |h: &str| named.iter().position(|x| *x == h).unwrap();
    assert!(at("Bùi Thị Ân") < at("dương văn ba") && at("dương văn ba") < at("Đinh Văn Anh"), "{named:?}");
    assert_eq!(at("Đinh Văn Anh") + 1, at("Đinh Văn Ánh"), "{named:?}");
    let down: Vec<bool> = narrow(areas.clone(), &Query { sort: Some("-head".into()), ..Query::default() })
        .unwrap()
        .iter()
        .map(|b| b.doc.get("head").is_some())
        .collect();
    assert!(down.ends_with(&vec![false; blank]) && !down[0..down.len() - blank].contains(&false));
    // By the share of the figure («Tính vào số»): a hamlet's households, ties by title.
    for (value, field) in [("value", "households"), ("-value", "-households")] {
        let sorted =
            |sort: &str| ids(&narrow(areas.clone(), &Query { sort: Some(sort.into()), ..Query::default() }).unwrap());
        assert_eq!(sorted(value), sorted(field));
    }
    // A column the register does not have, the change order (no change sequence at the province):
    // refused, naming them.
    let refused = |sort: &str| {
        narrow(areas.clone(), &Query { sort: Some(sort.into()), ..Query::default() }).unwrap_err().to_string()
    };
    assert!(refused("so_ho").contains("Khu dân cư không có trường «so_ho»"), "{}", refused("so_ho"));
    assert!(refused("-changed").contains("Sắp xếp"), "{}", refused("-changed"));

    // Pages of the same size as the commune's list: the same records on each page, the pager's line.
    let sort = Some("-population".to_string());
    let asked = Query { sort: sort.clone(), ..Query::default() };
    let total = areas.len();
    let size = 4u32;
    let mut seen = Vec::new();
    for offset in (0..total as u32).step_by(size as usize) {
        let paged = phongtrao::present::province::page_of(Some(size), offset);
        let page =
            phongtrao::present::province::behind_view(&w.province, period, "23430", "hh_total", &asked, paged).unwrap();
        let q = ListQuery { sort: sort.clone(), limit: Some(size), offset, ..Default::default() };
        let listed: Vec<String> = a.list(Kind::Area, &q).unwrap().records.iter().map(|r| r.id.to_string()).collect();
        let rows: Vec<String> = page.rows.iter().map(|r| r.id.clone()).collect();
        assert_eq!(rows, listed, "page at {offset}");
        assert_eq!(page.offset, offset);
        assert_eq!(page.shown as usize, total);
        let last = (offset as usize + rows.len()).to_string();
        assert_eq!(page.range, format!("{}–{last} / {total} bản ghi", offset + 1));
        seen.extend(rows);
    }
    assert_eq!(seen, ids(&narrow(areas.clone(), &asked).unwrap()));
    // The columns say which sort (not the links to other records, as at the commune).
    let page = phongtrao::present::province::behind_view(
        &w.province,
        period,
        "23430",
        "members",
        &Query::default(),
        phongtrao::present::province::page_of(Some(50), 0),
    )
    .unwrap();
    let cols: Vec<(&str, bool)> = page.columns.iter().map(|c| (c.key.as_str(), c.sortable)).collect();
    assert_eq!(cols, [("team_id", false), ("role", true), ("date_of_birth", true), ("appointed_on", true)]);

    // The command line: sorted downwards and paged, as text and JSON.
    let down: Vec<String> = narrow(areas.clone(), &Query { sort: Some("-households".into()), ..Query::default() })
        .unwrap()
        .into_iter()
        .map(|b| b.title)
        .collect();
    let World { dir, province, .. } = w;
    drop(province);
    let tinh = dir.path().join("tinh").to_string_lossy().into_owned();
    let period = period.to_string();
    let base =
        ["province", "--dir", &tinh, "figures", "--period", &period, "--commune", "23430", "--records", "hh_total"];
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["--sort", "households", "--desc", "--limit", "2", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
    assert_eq!(json["rows"][0]["title"], down[0].as_str());
    assert_eq!(json["rows"][0]["title"], "Làng Kon Rbàng");
    assert_eq!(json["rows"].as_array().unwrap().len(), 2);
    assert_eq!(json["range"], format!("1–2 / {total} bản ghi"));
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["--sort", "-households", "--limit", "2", "--offset", "1"]);
    let text = ok(&args);
    assert!(text.contains(&format!("2–3 / {total} bản ghi")), "{text}");
    let at = |t: &str| text.find(&format!("  {t}  (")).unwrap_or(usize::MAX);
    assert!(at(&down[1]) < at(&down[2]) && at(&down[2]) < usize::MAX && at(&down[0]) == usize::MAX, "{text}");
    let mut args: Vec<&str> = base.to_vec();
    args.extend(["--sort", "so_ho"]);
    let refused = run(&args);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Khu dân cư không có trường «so_ho»"));
}

/// A demo province of six communes of Quảng Ngãi with `months` of their bundles imported, in a
/// folder of its own (`tinh` inside it).
fn six_communes(seed: u64, months: u32) -> (tempfile::TempDir, Province) {
    let dir = tempfile::tempdir().unwrap();
    let opts = demo::DemoOptions { communes: 6, seed, months, province: "51", kdf: KdfParams::insecure_for_tests() };
    let p = demo::generate(&dir.path().join("tinh"), PW, &opts, &mut |_, _| {}).unwrap().province;
    (dir, p)
}

/// What the window asks of a table of communes: a search, a column to sort by.
fn communes_args(search: Option<&str>, sort: Option<&str>) -> phongtrao::present::province::CommunesArgs {
    phongtrao::present::province::CommunesArgs { search: search.map(Into::into), sort: sort.map(Into::into) }
}

/// The tables of communes (the figures by commune, a figure's communes, their exports) are searched
/// by name or code as the commune's lists are searched (accents, đ and case ignored, every word
/// begins a word) and sort by any column: the code, the name in Vietnamese order, any figure up or
/// down, ties by code; the same in the window's page, the command line and the spreadsheet.
#[test]
fn the_tables_of_communes_are_searched_without_accents_and_sort_by_any_column() {
    use phongtrao::present::province::figures_page;

    let (dir, p) = six_communes(2, 2);
    let period: Period = day_of(Utc::now()).year().to_string().parse().unwrap();
    let page = |search: Option<&str>, sort: Option<&str>| figures_page(&p, period, &communes_args(search, sort));
    let codes =
        |v: &phongtrao::present::province::FiguresView| v.communes.iter().map(|c| c.code.clone()).collect::<Vec<_>>();

    // By code unless asked.
    let plain = page(None, None).unwrap();
    assert_eq!(plain.communes_total, 6);
    let mut by_code = codes(&plain);
    by_code.sort();
    assert_eq!(codes(&plain), by_code);
    assert_eq!(codes(&page(None, Some("-code")).unwrap()), by_code.iter().rev().cloned().collect::<Vec<_>>());
    // By name in Vietnamese order, both ways.
    let names: Vec<String> = page(None, Some("name")).unwrap().communes.iter().map(|c| c.name.clone()).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| phongtrao::text::compare(a, b));
    assert_eq!(names, sorted);
    let down: Vec<String> = page(None, Some("-name")).unwrap().communes.iter().map(|c| c.name.clone()).collect();
    assert_eq!(down, sorted.iter().rev().cloned().collect::<Vec<_>>());
    // By every figure, both ways; ties by code upwards.
    for (i, col) in plain.columns.iter().enumerate() {
        for (sort, desc) in [(col.key.clone(), false), (format!("-{}", col.key), true)] {
            let v = page(None, Some(&sort)).unwrap();
            let pairs: Vec<(i64, &str)> = v.communes.iter().map(|c| (c.values[i], c.code.as_str())).collect();
            let mut want = pairs.clone();
            want.sort_by(|a, b| if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }.then(a.1.cmp(b.1)));
            assert_eq!(pairs, want, "{sort}");
            // The province's total stays the province's.
            assert_eq!(v.total.values, plain.total.values);
        }
    }

    // The search: a name with marks typed without them, in capitals, by a word's beginning, by code.
    let marked = plain.communes.iter().find(|c| !c.name.is_ascii()).expect("a name with marks").clone();
    let last = marked.name.split_whitespace().last().unwrap().to_owned();
    let typed = phongtrao::text::fold(&last);
    for q in [typed.clone(), last.to_uppercase(), typed[..typed.len().min(3)].to_owned(), marked.code.clone()] {
        let found = page(Some(&q), None).unwrap();
        assert!(codes(&found).contains(&marked.code), "«{q}»: {:?}", codes(&found));
        assert!(found.communes.iter().all(|c| phongtrao::text::finds(&format!("{} {}", c.code, c.name), &q)));
        assert_eq!(found.communes_total, 6);
        assert_eq!(found.communes_found, format!("{}/6 xã khớp «{q}».", found.communes.len()));
    }
    assert_eq!(codes(&page(Some(&marked.name), None).unwrap()), std::slice::from_ref(&marked.code));
    assert!(page(Some("khong co xa nay"), None).unwrap().communes.is_empty());
    assert_eq!(page(Some("   "), None).unwrap().communes.len(), 6);
    assert_eq!(page(Some("   "), None).unwrap().communes_found, "");
    // A column that is not one: refused, naming the field.
    let bad = page(None, Some("so_xa")).unwrap_err().to_string();
    assert!(bad.contains("Sắp xếp") && bad.contains("«so_xa» không có"), "{bad}");

    // The roster («Các xã») the same way: by a count up and down (ties by code), by name, searched.
    let ro = roster::roster(&p, period, day_of(Utc::now())).unwrap();
    let roster_page = |search: Option<&str>, sort: Option<&str>| {
        phongtrao::present::province::roster_page(&ro, &communes_args(search, sort))
    };
    for (sort, desc) in [("received", false), ("-received", true), ("on_time", false), ("-expected", true)] {
        let key = sort.trim_start_matches('-');
        let lines = roster_page(None, Some(sort)).unwrap().communes;
        let got: Vec<(u32, String)> = lines
            .iter()
            .map(|c| {
                (
                    match key {
                        "received" => c.received,
                        "on_time" => c.on_time,
                        _ => c.expected,
                    },
                    c.code.clone(),
                )
            })
            .collect();
        let mut want = got.clone();
        want.sort_by(|a, b| if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }.then(a.1.cmp(&b.1)));
        assert_eq!(got, want, "{sort}");
        assert_eq!(lines.len(), 6);
    }
    let names: Vec<String> = roster_page(None, Some("name")).unwrap().communes.into_iter().map(|c| c.name).collect();
    assert_eq!(names, sorted);
    let found = roster_page(Some(&typed), None).unwrap().communes;
    assert!(found.iter().any(|c| c.code == marked.code), "{typed}");
    assert!(found.iter().all(|c| phongtrao::text::finds(&format!("{} {}", c.code, c.name), &typed)));
    assert!(roster_page(Some("khong co xa nay"), None).unwrap().communes.is_empty());
    assert!(roster_page(None, Some("so_xa")).unwrap_err().to_string().contains("«so_xa» không có"));

    // The command line: the same order and search, as JSON and as text; the spreadsheet as shown.
    let members = page(None, Some("-members")).unwrap();
    drop(p);
    let tinh = dir.path().join("tinh").to_string_lossy().into_owned();
    let period = period.to_string();
    let base = ["province", "--dir", &tinh, "figures", "--period", &period];
    let mut args = base.to_vec();
    args.extend(["--sort", "members", "--desc", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
    let cli: Vec<&str> =
        json["communes"].as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(cli, codes(&members));
    let mut args = base.to_vec();
    args.extend(["--search", &typed]);
    let text = ok(&args);
    assert!(text.contains(&marked.name) && text.contains("(6 xã)"), "{text}");
    for c in plain.communes.iter().filter(|c| !phongtrao::text::finds(&format!("{} {}", c.code, c.name), &typed)) {
        assert!(!text.contains(&format!("  {} ", c.code)), "{} shown: {text}", c.code);
    }
    let mut args = base.to_vec();
    args.extend(["--sort", "so_xa"]);
    let refused = run(&args);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("«so_xa» không có"));
    let xlsx = dir.path().join("xa.xlsx").to_string_lossy().into_owned();
    ok(&[
        "province", "--dir", &tinh, "export", "figures", "--period", &period, "--column", "members", "--sort",
        "-members", "--out", &xlsx,
    ]);
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = wb.worksheet_range("Các xã").unwrap();
    let all: Vec<&[calamine::Data]> = sheet.rows().collect();
    let (_header, body) = all.split_first().expect("a header row");
    let rows: Vec<String> = body.iter().map(|r| r[1].to_string()).filter(|c| !c.is_empty()).collect();
    let nonzero: Vec<String> = codes(&members)
        .into_iter()
        .filter(|c| {
            members
                .communes
                .iter()
                .any(|r| &r.code == c && r.values[plain.columns.iter().position(|k| k.key == "members").unwrap()] != 0)
        })
        .collect();
    assert_eq!(rows, nonzero);
}

/// The other tables of communes of the console — the review's periods («Duyệt»), the targets and
/// key areas («Chỉ đạo»), the communes' tasks («Kiểm tra») — are searched and sorted by the same
/// rule as the roster and the figures: a column of words (a state, a source) in Vietnamese order of
/// what the officer reads, not by its code; the command line the same.
#[test]
fn the_review_steer_and_inspection_tables_are_searched_and_sorted_as_the_roster() {
    use phongtrao::domain::review::Action;
    use phongtrao::province::review;

    let (dir, mut p) = six_communes(3, 3);
    let today = day_of(Utc::now());
    let period: Period = today.year().to_string().parse().unwrap();
    let args = communes_args;

    // The review: a few periods approved and returned, so that the states differ.
    let sent: Vec<_> = phongtrao::present::review::review_rows(&roster::roster(&p, period, today).unwrap())
        .into_iter()
        .filter(|r| r.state == phongtrao::domain::review::State::Sent)
        .collect();
    assert!(sent.len() >= 3, "{}", sent.len());
    let ask = |note: &str| review::Ask { note: note.into(), records: Vec::new() };
    review::decide(
        &mut p,
        &sent[0].commune_code,
        sent[0].period.parse().unwrap(),
        Action::Approve,
        &ask(""),
        Utc::now(),
    )
    .unwrap();
    review::decide(
        &mut p,
        &sent[2].commune_code,
        sent[2].period.parse().unwrap(),
        Action::Return,
        &ask("Thiếu số liệu"),
        Utc::now(),
    )
    .unwrap();
    let ro = roster::roster(&p, period, today).unwrap();
    let all = phongtrao::present::review::review_rows(&ro);
    let page =
        |search: Option<&str>, sort: Option<&str>| phongtrao::present::review::review_page(&ro, &args(search, sort));
    // By code unless asked, each commune's periods in order.
    let keys = |rows: &[phongtrao::present::review::ReviewRow]| {
        rows.iter().map(|r| (r.commune_code.clone(), r.period.clone())).collect::<Vec<_>>()
    };
    let mut by_code = keys(&all);
    by_code.sort();
    assert_eq!(keys(&page(None, None).unwrap()), by_code);
    // By the state's name in Vietnamese order (Bị trả lại, Chưa gửi, Đã duyệt, Đã gửi), not by its
    // code (approved, not_sent, returned, sent), both ways; ties by code, then periods in order.
    for (sort, desc) in [("state", false), ("-state", true)] {
        let rows = page(None, Some(sort)).unwrap();
        assert_eq!(rows.len(), all.len());
        let got: Vec<(&str, &str, &str)> =
            rows.iter().map(|r| (r.state_label.as_str(), r.commune_code.as_str(), r.period.as_str())).collect();
        let mut want = got.clone();
        want.sort_by(|a, b| {
            let s = phongtrao::text::compare(a.0, b.0);
            if desc { s.reverse() } else { s }.then(a.1.cmp(b.1)).then(a.2.cmp(b.2))
        });
        assert_eq!(got, want, "{sort}");
        let mut seen: Vec<&str> = got.iter().map(|g| g.0).collect();
        seen.dedup();
        let expect: Vec<&str> = if desc {
            vec!["Đã gửi", "Đã duyệt", "Chưa gửi", "Bị trả lại"]
        } else {
            vec!["Bị trả lại", "Chưa gửi", "Đã duyệt", "Đã gửi"]
        };
        assert_eq!(seen, expect, "{sort}");
    }
    // By period, then code; by name.
    let rows = page(None, Some("-period")).unwrap();
    let got: Vec<(&str, &str)> = rows.iter().map(|r| (r.period.as_str(), r.commune_code.as_str())).collect();
    let mut want = got.clone();
    want.sort_by(|a, b| b.0.cmp(a.0).then(a.1.cmp(b.1)));
    assert_eq!(got, want);
    let names: Vec<String> = page(None, Some("name")).unwrap().into_iter().map(|r| r.commune).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| phongtrao::text::compare(a, b));
    assert_eq!(names, sorted);
    // Searched without accents, by code.
    let marked = all.iter().find(|r| !r.commune.is_ascii()).expect("a name with marks").clone();
    let typed = phongtrao::text::fold(marked.commune.split_whitespace().last().unwrap());
    for q in [typed.clone(), marked.commune_code.clone()] {
        let found = page(Some(&q), None).unwrap();
        assert!(found.iter().any(|r| r.commune_code == marked.commune_code), "«{q}»");
        assert!(found.iter().all(|r| phongtrao::text::finds(&format!("{} {}", r.commune_code, r.commune), &q)));
        assert!(found.len() < all.len());
    }
    assert!(page(None, Some("so_xa")).unwrap_err().to_string().contains("«so_xa» không có"));

    // «Chỉ đạo»: the targets by commune. The province sets targets for every commune, more for one;
    // a commune's plan (demo) shows as its source.
    use phongtrao::province::targets;
    targets::set_value(&mut p, today.year(), None, &json!({"tuyen_truyen_buoi": 400})).unwrap();
    let one = &all.last().unwrap().commune_code;
    // A commune typed in the window's picker but not picked is refused, never taken for every commune.
    let typed_only = targets::set_value(&mut p, today.year(), Some("ba dinh"), &json!({"tuyen_truyen_buoi": 3}));
    let said = typed_only.unwrap_err().to_string();
    assert!(said.contains("Xã nhận chỉ tiêu") && said.contains("«ba dinh» không phải mã xã"), "{said}");
    targets::set_value(&mut p, today.year(), Some(one), &json!({"tuyen_truyen_buoi": 1, "tin_bao": 500})).unwrap();
    let progress = |sort: Option<&str>, search: Option<&str>| {
        let (communes, _) = targets::progress(&p, today.year(), today).unwrap();
        targets::order_progress(communes, &args(search, sort).query())
    };
    let plain_t = progress(None, None).unwrap();
    assert!(plain_t.len() >= 6, "{}", plain_t.len());
    let codes_t: Vec<&str> = plain_t.iter().map(|c| c.commune_code.as_str()).collect();
    let mut sorted_t = codes_t.clone();
    sorted_t.sort();
    assert_eq!(codes_t, sorted_t);
    for (sort, desc) in [("behind", false), ("-behind", true), ("targets", false), ("-targets", true)] {
        let got: Vec<(usize, String)> = progress(Some(sort), None)
            .unwrap()
            .iter()
            .map(|c| (if sort.ends_with("behind") { c.behind() } else { c.targets.len() }, c.commune_code.clone()))
            .collect();
        let mut want = got.clone();
        want.sort_by(|a, b| if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }.then(a.1.cmp(&b.1)));
        assert_eq!(got, want, "{sort}");
    }
    let slow = progress(Some("-behind"), None).unwrap();
    assert!(slow[0].behind() > slow.last().unwrap().behind(), "the paces differ");
    // The source by what the officer reads: «Chỉ tiêu tỉnh giao» before «Kế hoạch của xã» (every demo
    // commune sent a plan: a commune without one, here by hand, follows the province's targets).
    let mut mixed = progress(None, None).unwrap();
    for c in mixed.iter_mut().step_by(2) {
        c.source = phongtrao::steer::Source::Province;
    }
    for (sort, desc) in [("source", false), ("-source", true)] {
        let got: Vec<(&str, String)> = targets::order_progress(mixed.clone(), &args(None, Some(sort)).query())
            .unwrap()
            .iter()
            .map(|c| (c.source.label(), c.commune_code.clone()))
            .collect();
        let first = if desc { "Kế hoạch của xã" } else { "Chỉ tiêu tỉnh giao" };
        assert_eq!(got[0].0, first, "{sort}");
        let mut want = got.clone();
        want.sort_by(|a, b| {
            let s = phongtrao::text::compare(a.0, b.0);
            if desc { s.reverse() } else { s }.then(a.1.cmp(&b.1))
        });
        assert_eq!(got, want, "{sort}");
    }
    let found_t = progress(None, Some(&typed)).unwrap();
    assert!(found_t.iter().any(|c| c.commune_code == marked.commune_code));
    assert!(found_t.iter().all(|c| phongtrao::text::finds(&format!("{} {}", c.commune_code, c.commune), &typed)));
    assert!(progress(Some("so_xa"), None).unwrap_err().to_string().contains("«so_xa» không có"));

    // The key areas by commune: by how many, how many overdue, by a status; searched.
    let areas = |sort: Option<&str>, search: Option<&str>| {
        phongtrao::present::province::key_areas_page(&p, today, &args(search, sort))
    };
    let all_areas = targets::key_areas(&p, today).unwrap();
    assert!(all_areas.len() >= 3, "{}", all_areas.len());
    for (sort, desc) in [("areas", false), ("-areas", true), ("overdue", false), ("-overdue", true)] {
        let lines = areas(Some(sort), None).unwrap();
        let got: Vec<(i64, String)> = lines
            .iter()
            .map(|l| {
                let c = all_areas.iter().find(|c| c.commune_code == l.commune_code).unwrap();
                let n = if sort.ends_with("areas") {
                    c.by_status.iter().map(|s| s.2).sum()
                } else {
                    c.overdue.len() as i64
                };
                (n, l.commune_code.clone())
            })
            .collect();
        let mut want = got.clone();
        want.sort_by(|a, b| if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }.then(a.1.cmp(&b.1)));
        assert_eq!(got, want, "{sort}");
        assert_eq!(lines.len(), all_areas.len());
    }
    let names_a: Vec<String> = areas(Some("-name"), None).unwrap().into_iter().map(|l| l.commune).collect();
    let mut sorted_a = names_a.clone();
    sorted_a.sort_by(|a, b| phongtrao::text::compare(b, a));
    assert_eq!(names_a, sorted_a);
    let found_a = areas(None, Some(&typed)).unwrap();
    assert!(found_a.iter().all(|l| phongtrao::text::finds(&format!("{} {}", l.commune_code, l.commune), &typed)));
    assert!(found_a.len() < all_areas.len());
    assert!(areas(Some("so_xa"), None).unwrap_err().to_string().contains("«so_xa» không có"));
    let want_areas: Vec<String> = areas(Some("-overdue"), None).unwrap().into_iter().map(|l| l.commune_code).collect();
    // «Kiểm tra xã»: inspections of three communes, with tasks overdue and open in different numbers.
    use phongtrao::present::province_inspection as pi;
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let inspected: Vec<String> = all
        .iter()
        .map(|r| r.commune_code.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(3)
        .collect();
    for (i, code) in inspected.iter().enumerate() {
        let tasks: Vec<serde_json::Value> = (0..=i)
            .map(|k| {
                let deadline = if k % 2 == 0 { today - Duration::days(5) } else { today + Duration::days(30) };
                json!({"content": format!("Khắc phục việc {k}"), "responsible": "Trưởng Công an xã", "deadline": iso(deadline)})
            })
            .chain((i == 0).then(|| json!({"content": "Bổ sung sổ sách", "responsible": "Phó Trưởng Công an xã", "deadline": iso(today + Duration::days(9))})))
            .collect();
        let input = doc(json!({"starts_on": iso(today - Duration::days(40)), "leader": "Thượng tá Lê Văn C",
            "scope": "Kiểm tra việc thực hiện phong trào", "tasks": tasks}));
        phongtrao::province::inspections::create(&mut p, code, &input, Utc::now()).unwrap();
    }
    let tasks_page = |search: Option<&str>, sort: Option<&str>| pi::view_page(&p, today, &args(search, sort));
    let plain_i = tasks_page(None, None).unwrap();
    assert_eq!(plain_i.communes.iter().map(|c| c.commune_code.clone()).collect::<Vec<_>>(), inspected);
    for key in ["open", "overdue", "done", "waiting"] {
        for desc in [false, true] {
            let sort = if desc { format!("-{key}") } else { key.to_owned() };
            let v = tasks_page(None, Some(&sort)).unwrap();
            let got: Vec<(u32, String)> = v
                .communes
                .iter()
                .map(|c| {
                    let n = &c.counts;
                    (
                        match key {
                            "open" => n.open,
                            "overdue" => n.overdue,
                            "done" => n.done,
                            _ => n.waiting,
                        },
                        c.commune_code.clone(),
                    )
                })
                .collect();
            let mut want = got.clone();
            want.sort_by(|a, b| if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }.then(a.1.cmp(&b.1)));
            assert_eq!(got, want, "{sort}");
            assert_eq!(v.total, plain_i.total);
        }
    }
    let overdue_down: Vec<String> =
        tasks_page(None, Some("-overdue")).unwrap().communes.into_iter().map(|c| c.commune_code).collect();
    assert_eq!(overdue_down[0], inspected[2], "two overdue");
    let open_down: Vec<String> =
        tasks_page(None, Some("-open")).unwrap().communes.into_iter().map(|c| c.commune_code).collect();
    assert_eq!(open_down[0], inspected[0], "first open by code among ties of one");
    // The picker of a new inspection: every enrolled commune in Vietnamese order of names; found
    // without accents, by a code's beginning; nothing found.
    let choices = phongtrao::present::province::enrolled(&p, "").unwrap();
    assert_eq!(choices.len(), plain_t.len());
    let names_c: Vec<&str> = choices.iter().map(|c| c.name.as_str()).collect();
    let mut sorted_c = names_c.clone();
    sorted_c.sort_by(|a, b| phongtrao::text::compare(a, b));
    assert_eq!(names_c, sorted_c);
    assert_eq!(pi::view(&p, today).unwrap().choices, choices);
    let picked = phongtrao::present::province::enrolled(&p, &typed).unwrap();
    assert!(picked.iter().any(|c| c.code == marked.commune_code) && picked.len() < choices.len(), "{typed}");
    assert!(picked.iter().all(|c| phongtrao::text::finds(&format!("{} {}", c.code, c.name), &typed)));
    assert_eq!(phongtrao::present::province::enrolled(&p, &marked.commune_code).unwrap().len(), 1);
    assert!(phongtrao::present::province::enrolled(&p, "khong co xa nay").unwrap().is_empty());
    let want_tasks = tasks_page(Some(&inspected[1][..3]), Some("-overdue")).unwrap().communes;
    let want_targets: Vec<String> = slow.iter().map(|c| c.commune_code.clone()).collect();

    // The quarantine queue narrowed by commune, in the queue's order; the counts stay the queue's.
    let queue = quarantine::queue(&p).unwrap();
    assert!(!queue.is_empty(), "the demo has quarantined records");
    let one_q = queue[0].entry.commune_code.clone();
    let qv = phongtrao::present::province::quarantine_page(&p, &args(Some(&one_q), None)).unwrap();
    let want_q: Vec<String> = queue.iter().filter(|i| i.entry.commune_code == one_q).map(|i| i.id.clone()).collect();
    assert_eq!(qv.lines.iter().map(|l| l.id.clone()).collect::<Vec<_>>(), want_q);
    // A card's heading starts with the register's name, capitalised («Hoạt động — 21040 – Xã Bình Sơn»).
    assert!(qv.lines.iter().all(|l| l.kind.chars().next().is_some_and(char::is_uppercase)), "{:?}", qv.lines[0].kind);
    assert_eq!(qv.found, format!("{}/{} bản ghi của các xã khớp «{one_q}».", want_q.len(), queue.len()));
    let waiting = queue.iter().filter(|i| i.entry.decision.is_none()).count();
    assert_eq!(
        qv.summary,
        format!(
            "{} bản ghi sai quy định được giữ riêng, chưa tính vào số liệu; {waiting} bản ghi chờ quyết định.",
            queue.len()
        )
    );
    let none_q = phongtrao::present::province::quarantine_page(&p, &args(Some("khong co xa nay"), None)).unwrap();
    assert!(none_q.lines.is_empty());
    let plain_q = phongtrao::present::province::quarantine_page(&p, &args(None, None)).unwrap();
    assert_eq!(plain_q.lines.len(), queue.len());
    assert_eq!(plain_q.found, "");

    // `province roster --search --sort --desc` as the window's «Các xã».
    let want_roster: Vec<String> = phongtrao::present::province::roster_page(&ro, &args(None, Some("-received")))
        .unwrap()
        .communes
        .into_iter()
        .map(|c| c.code)
        .collect();
    let want_roster_found: Vec<String> = phongtrao::present::province::roster_page(&ro, &args(Some(&typed), None))
        .unwrap()
        .communes
        .into_iter()
        .map(|c| c.code)
        .collect();

    // The command line: `province review --search --sort --desc`, as JSON and as text.
    let want_state = keys(&page(None, Some("-state")).unwrap());
    let want_found = keys(&page(Some(&typed), None).unwrap());
    drop(p);
    let tinh = dir.path().join("tinh").to_string_lossy().into_owned();
    let year = period.to_string();
    let base = ["province", "--dir", &tinh, "review", "--period", &year];
    let mut a = base.to_vec();
    a.extend(["--sort", "state", "--desc", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&a)).unwrap();
    let cli: Vec<(String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["commune_code"].as_str().unwrap().into(), r["period"].as_str().unwrap().into()))
        .collect();
    assert_eq!(cli, want_state);
    let mut a = base.to_vec();
    a.extend(["--search", &typed]);
    let text = ok(&a);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("  ") && !l.starts_with("      ")).collect();
    assert_eq!(lines.len(), want_found.len(), "{text}");
    assert!(lines.iter().all(|l| l.contains(&marked.commune)), "{text}");
    let mut a = base.to_vec();
    a.extend(["--sort", "so_xa"]);
    let refused = run(&a);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("«so_xa» không có"));
    // `province targets` and `province key-areas` the same way.
    let y = today.year().to_string();
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "province", "--dir", &tinh, "targets", "--year", &y, "--sort", "behind", "--desc", "--json",
    ]))
    .unwrap();
    let cli: Vec<&str> =
        json["communes"].as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(cli, want_targets);
    let text = ok(&["province", "--dir", &tinh, "targets", "--year", &y, "--search", &typed]);
    assert!(text.contains(&marked.commune), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["province", "--dir", &tinh, "key-areas", "--sort", "-overdue", "--json"])).unwrap();
    let cli: Vec<&str> = json.as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(cli, want_areas);
    let refused = run(&["province", "--dir", &tinh, "key-areas", "--sort", "so_xa"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("«so_xa» không có"));
    // `province inspections --communes`: the table by commune, searched and sorted.
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "province",
        "--dir",
        &tinh,
        "inspections",
        "--communes",
        "--search",
        &inspected[1][..3],
        "--sort",
        "overdue",
        "--desc",
        "--json",
    ]))
    .unwrap();
    let cli: Vec<&str> = json.as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(cli, want_tasks.iter().map(|c| c.commune_code.as_str()).collect::<Vec<_>>());
    let text = ok(&["province", "--dir", &tinh, "inspections", "--communes", "--sort", "-overdue"]);
    let first = text.lines().nth(2).unwrap();
    assert!(first.contains(&inspected[2]), "{text}");
    assert!(text.contains("Toàn tỉnh"), "{text}");
    let refused = run(&["province", "--dir", &tinh, "inspections", "--search", "ba"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("thêm --communes"));
    // `province quarantine --search`.
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["province", "--dir", &tinh, "quarantine", "--search", &one_q, "--json"])).unwrap();
    let cli: Vec<&str> = json.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(cli, want_q);
    // `province roster`: the JSON and the text in the order and with the communes the window shows.
    let roster = ["province", "--dir", &tinh, "roster", "--period", &year];
    let mut a = roster.to_vec();
    a.extend(["--sort", "received", "--desc", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&a)).unwrap();
    let cli: Vec<&str> =
        json["communes"].as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(cli, want_roster);
    let mut a = roster.to_vec();
    a.extend(["--search", &typed]);
    let text = ok(&a);
    let shown: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Toàn tỉnh"))
        .filter_map(|l| l.strip_prefix("  ").and_then(|l| l.split_whitespace().next()))
        .filter(|w| w.len() == 5 && w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(shown, want_roster_found, "{text}");
}

/// «Gửi quyết định cho các xã» and «Chưa đăng ký khóa» are found as every table of communes: by name
/// or code, accents ignored, in the core; the search only narrows what is shown: with no commune
/// ticked the decision bundles still go to every commune decided on, and the province's counts stay.
#[test]
fn the_decisions_to_send_and_the_communes_without_a_key_are_searched_as_the_roster() {
    use phongtrao::domain::review::{Action, State as Rs};
    use phongtrao::present::province::roster_page;
    use phongtrao::present::review::decided_page;
    use phongtrao::province::review;

    let (dir, mut p) = six_communes(5, 3);
    let today = day_of(Utc::now());
    let period: Period = today.year().to_string().parse().unwrap();
    let args = communes_args;
    let codes = |v: &phongtrao::present::review::DecidedView| {
        v.communes.iter().map(|c| c.commune_code.clone()).collect::<Vec<_>>()
    };

    // Nothing decided yet: nothing to send, whatever is typed.
    let none = decided_page(&p, &args(Some("ia"), None)).unwrap();
    assert_eq!((none.total, none.communes.len()), (0, 0));
    // Every commune that sent a period gets a decision.
    let rows = phongtrao::present::review::review_rows(&roster::roster(&p, period, today).unwrap());
    let mut decided: Vec<(String, String)> = Vec::new();
    for r in rows.iter().filter(|r| r.state == Rs::Sent) {
        if decided.iter().all(|(c, _)| c != &r.commune_code) {
            decided.push((r.commune_code.clone(), r.commune.clone()));
            let ask = review::Ask { note: String::new(), records: Vec::new() };
            review::decide(&mut p, &r.commune_code, r.period.parse().unwrap(), Action::Approve, &ask, Utc::now())
                .unwrap();
        }
    }
    assert!(decided.len() >= 4, "{decided:?}");
    decided.sort();
    let all = decided_page(&p, &args(None, None)).unwrap();
    assert_eq!(all.total as usize, decided.len());
    assert_eq!(codes(&all), decided.iter().map(|d| d.0.clone()).collect::<Vec<_>>());
    assert_eq!(all.found, "");
    assert!(all.communes.iter().all(|c| c.summary.starts_with("1 quyết định; mới nhất: duyệt kỳ")), "{:?}", all);
    // A name with marks typed without them, in lower case; a code; nothing found.
    let (code, name) = decided.iter().find(|(_, n)| !n.is_ascii()).expect("a name with marks").clone();
    let typed = phongtrao::text::fold(name.split_whitespace().last().unwrap());
    let found = decided_page(&p, &args(Some(&typed), None)).unwrap();
    assert!(codes(&found).contains(&code), "«{typed}»");
    assert!(
        found.communes.iter().all(|c| phongtrao::text::finds(&format!("{} {}", c.commune_code, c.commune), &typed))
    );
    assert!(found.communes.len() < decided.len(), "«{typed}» narrows");
    assert_eq!(found.total, all.total, "the total stays every commune decided on");
    assert_eq!(found.found, format!("{}/{} xã khớp «{typed}».", found.communes.len(), decided.len()));
    assert_eq!(codes(&decided_page(&p, &args(Some(&code), None)).unwrap()), vec![code.clone()]);
    let nothing = decided_page(&p, &args(Some("khong co xa nay"), None)).unwrap();
    assert!(nothing.communes.is_empty());
    assert_eq!(nothing.found, format!("0/{} xã khớp «khong co xa nay».", decided.len()));
    // By name in Vietnamese order, codes downwards; a column it does not have refused in plain words.
    let names: Vec<String> =
        decided_page(&p, &args(None, Some("name"))).unwrap().communes.into_iter().map(|c| c.commune).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| phongtrao::text::compare(a, b));
    assert_eq!(names, sorted);
    let mut down = codes(&all);
    down.reverse();
    assert_eq!(codes(&decided_page(&p, &args(None, Some("-code"))).unwrap()), down);
    let refused = decided_page(&p, &args(None, Some("expected"))).unwrap_err().to_string();
    assert!(refused.contains("«expected» không có; chọn code (mã xã) hoặc name (tên xã)"), "{refused}");
    // No commune ticked still means every commune decided on: one file each.
    let out = dir.path().join("usb");
    assert_eq!(review::send(&mut p, &[], &out, Utc::now()).unwrap().len(), decided.len());

    // «Chưa đăng ký khóa»: the province's official communes never enrolled, narrowed by the roster's search.
    let ro = roster::roster(&p, period, today).unwrap();
    let plain = roster_page(&ro, &args(None, None)).unwrap();
    let missing = ro.not_enrolled.len();
    assert!(missing > 50, "Quảng Ngãi has about a hundred communes: {missing}");
    assert_eq!((plain.not_enrolled.len(), plain.not_enrolled_total as usize), (missing, missing));
    assert_eq!(plain.not_enrolled_found, "");
    let some = ro.not_enrolled.iter().find(|c| !c.commune.is_ascii()).unwrap();
    let word = phongtrao::text::fold(some.commune.split_whitespace().last().unwrap());
    let narrowed = roster_page(&ro, &args(Some(&word), None)).unwrap();
    assert!(narrowed.not_enrolled.iter().any(|u| u.code == some.commune_code), "«{word}»");
    assert!(narrowed.not_enrolled.iter().all(|u| phongtrao::text::finds(&format!("{} {}", u.code, u.name), &word)));
    assert!(narrowed.not_enrolled.len() < missing);
    assert!(narrowed.not_enrolled.windows(2).all(|w| w[0].code < w[1].code), "in code order");
    assert_eq!(narrowed.not_enrolled_total as usize, missing);
    assert_eq!(narrowed.not_enrolled_found, format!("{}/{missing} xã khớp «{word}».", narrowed.not_enrolled.len()));
    assert_eq!(narrowed.enrolled_summary, plain.enrolled_summary, "the province's count stays");
    // An enrolled commune's code finds no commune without a key; by name, the names in order.
    let enrolled = roster_page(&ro, &args(Some(&code), None)).unwrap();
    assert!(enrolled.not_enrolled.is_empty() && enrolled.communes.len() == 1);
    let by_name: Vec<String> =
        roster_page(&ro, &args(None, Some("name"))).unwrap().not_enrolled.into_iter().map(|u| u.name).collect();
    let mut sorted = by_name.clone();
    sorted.sort_by(|a, b| phongtrao::text::compare(a, b));
    assert_eq!(by_name, sorted);
    let by_received = roster_page(&ro, &args(None, Some("-received"))).unwrap().not_enrolled;
    assert_eq!(by_received, plain.not_enrolled, "a column of figures leaves them in code order");
    let want_missing: Vec<String> = narrowed.not_enrolled.iter().map(|u| u.code.clone()).collect();
    let want_found = codes(&found);
    drop(p);

    // The command line: `province review decided`, `province roster --search`.
    let tinh = dir.path().join("tinh").to_string_lossy().into_owned();
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["province", "--dir", &tinh, "review", "decided", "--search", &typed, "--json"]))
            .unwrap();
    let cli: Vec<&str> =
        json["communes"].as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(cli, want_found);
    assert_eq!(json["total"].as_u64().unwrap() as usize, decided.len());
    let text = ok(&["province", "--dir", &tinh, "review", "decided", "--search", &typed]);
    assert!(text.starts_with(&format!("{} xã có quyết định", decided.len())), "{text}");
    assert!(text.contains(&format!("xã khớp «{typed}».")) && text.contains(&name), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("  ")).count(), want_found.len(), "{text}");
    let refused = run(&["province", "--dir", &tinh, "review", "decided", "--sort", "so_xa"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("«so_xa» không có"));
    let year = period.to_string();
    let json: serde_json::Value = serde_json::from_str(&ok(&[
        "province", "--dir", &tinh, "roster", "--period", &year, "--search", &word, "--json",
    ]))
    .unwrap();
    let cli: Vec<&str> =
        json["not_enrolled"].as_array().unwrap().iter().map(|c| c["commune_code"].as_str().unwrap()).collect();
    assert_eq!(cli, want_missing);
    assert_eq!(json["official"].as_u64().unwrap() as usize, missing + 6);
    let text = ok(&["province", "--dir", &tinh, "roster", "--period", &year, "--search", &word]);
    assert!(
        text.contains(&format!("Chưa đăng ký khóa — {}/{missing} xã khớp «{word}».\n", want_missing.len())),
        "{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    let heading = lines.iter().position(|l| l.starts_with("Chưa đăng ký khóa")).expect("the list's heading");
    let listed = lines.len() - heading - 1;
    assert_eq!(listed, want_missing.len(), "{text}");
    assert!(text.contains(&format!("{missing} chưa đăng ký khóa.")), "the province's count: {text}");
}

//! The demo province: a province store with a few dozen demo communes (each made by `crate::demo`)
//! that enrolled and sent bundles month after month, so that every screen of the console has
//! something true to show. Every bundle is a real one (made by the commune's export, signed with its
//! key, imported through every check); only the keys' registration and revocation are dated back.
//!
//! Each commune is made as it stood before its first bundle (`demo::generate_as_of`), its store's
//! clock set to the past months as they go (`Store::set_clock`), and each bundle is imported at the
//! province's moment of then: every check of docs/SYNC.md applies as it would have.
//!
//! Its communes are the province's own in the official list ([`communes`]). What it holds (with at
//! least 7 communes): commune 1 always on time; commune 2 lost one bundle (a
//! gap); commune 3's key was revoked half-way; commune 4 joined half-way; commune 5's last bundle
//! carries three records that break the rules (quarantined); commune 6 stopped sending two months
//! ago; commune 7's laptop clock ran fast once (a bundle "made" after its import). Every fourth
//! commune sends late now and then; the rest within the grace period. A folder `usb-mau` holds bundles
//! still to import: two new ones, a replay and a damaged one.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::json;

use crate::demo::{DemoOptions as CommuneDemo, Rng};
use crate::domain::{Doc, Kind};
use crate::error::{Error, Result};
use crate::keyring::KdfParams;
use crate::period::{Rules, Window, day_of, vietnam};
use crate::store::{Setup, Store};
use crate::sync::bundle;
use crate::sync::commune::{self, CHANGES_FILE, ExportOptions};
use crate::sync::province::{ImportOptions, Province};

/// What `phongtrao province demo` asks for.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub communes: usize,
    pub seed: u64,
    /// Months of bundles before the current one.
    pub months: u32,
    /// The province's code in the official list (default 51, Quảng Ngãi).
    pub province: &'static str,
    pub kdf: KdfParams,
}

impl Default for DemoOptions {
    fn default() -> DemoOptions {
        DemoOptions { communes: 30, seed: 1, months: 6, province: "51", kdf: KdfParams::default() }
    }
}

/// The most communes a demo province has (the province of the issue has about 100; the largest
/// in the official list, 168).
pub const MAX_COMMUNES: usize = 200;

pub struct DemoReport {
    pub province: Province,
    pub enrollment: PathBuf,
    pub communes: usize,
    pub bundles: usize,
    pub quarantined: usize,
    /// Bundles waiting to be imported (the intake screen's stick).
    pub usb: PathBuf,
}

/// The demo province's communes: the first `n` of the province's official list (`crate::units`), the
/// demo commune's own (Xã Ia Đal, 23535, when the province is Quảng Ngãi) first. Their codes and
/// names are the official ones, so the console's names and the communes' own setups agree.
pub fn communes(province: &str, n: usize) -> Result<Vec<(String, String)>> {
    let official = crate::units::Units::builtin().communes_of(province);
    if official.is_empty() {
        return Err(Error::field(
            "province",
            "Tỉnh",
            format!("không có tỉnh mã «{}» trong danh mục", crate::text::printable(province, 10)),
        ));
    }
    if n == 0 || n > official.len().min(MAX_COMMUNES) {
        return Err(Error::field(
            "communes",
            "Số xã",
            format!("phải từ 1 đến {} (số xã, phường, đặc khu của tỉnh)", official.len().min(MAX_COMMUNES)),
        ));
    }
    let own = crate::demo::demo_setup().commune_code;
    let mut list: Vec<&crate::units::Commune> = official.iter().filter(|c| c.code == own).collect();
    list.extend(official.iter().filter(|c| c.code != own));
    Ok(list.into_iter().take(n).map(|c| (c.code.clone(), c.full_name())).collect())
}

/// A moment of day `d` in Vietnam.
fn at(d: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let t = d.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("a time of day"));
    vietnam().from_local_datetime(&t).single().expect("a fixed offset has one time").with_timezone(&Utc)
}

fn doc(v: serde_json::Value) -> Doc {
    match v {
        serde_json::Value::Object(m) => m,
        _ => Doc::new(),
    }
}

/// One demo commune while it is being made.
struct Commune {
    store: Store,
    key_id: String,
}

/// Makes the demo province in `dir` (which must not hold one). `progress(done, total)` per commune.
pub fn generate(
    dir: &Path,
    password: &str,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<DemoReport> {
    let list = communes(opts.province, opts.communes)?;
    let province = crate::units::Units::builtin().province(opts.province).map(|p| p.name.clone()).unwrap_or_default();
    if opts.months == 0 || opts.months > 24 {
        return Err(Error::field("months", "Số tháng", "phải từ 1 đến 24"));
    }
    let (mut p, enrollment) = Province::init(dir, password, opts.province, &province, opts.kdf)?;
    let rules = Rules::default();
    let now = Utc::now();
    let today = crate::period::day_of(now);
    // The closed monthly periods, oldest first, and the open one.
    let current = rules.period_of(today);
    let mut periods: Vec<Window> = Vec::new();
    let mut w = current;
    // The latest month whose every bundle (made up to 12 days after its cut-off) is in the past.
    if rules.period_of(current.start - Duration::days(1)).end + Duration::days(13) > today {
        w = rules.period_of(w.start - Duration::days(1));
    }
    for _ in 0..opts.months {
        w = rules.period_of(w.start - Duration::days(1));
        periods.push(w);
    }
    periods.reverse();
    let work = dir.join(".demo-tmp");
    let usb = dir.join("usb-mau");
    std::fs::create_dir_all(&work).map_err(|e| Error::io(&work, e))?;
    std::fs::create_dir_all(&usb).map_err(|e| Error::io(&usb, e))?;
    let mut rng = Rng::unmixed(opts.seed ^ 0x005E_ED0F_7A11);
    let mut bundles = 0;
    let mut quarantined = 0;
    let n = opts.communes;
    let half = periods.len() / 2;
    progress(0, n);
    for (i, (commune_code, commune_name)) in list.iter().cloned().enumerate() {
        let setup = Setup {
            province_code: opts.province.into(),
            province: province.clone(),
            commune_code,
            commune: commune_name,
            officer: "Nguyễn Văn An".into(),
        };
        let joins = if i == 3 { half } else { 0 };
        // The commune as it stood the day before its first bundle, its clock set to then.
        let start = at(periods[joins].end - Duration::days(1), 8, 0);
        let mut store = Store::open_in_memory()?;
        store.set_clock(Some(start));
        store.init(&setup)?;
        crate::demo::generate_as_of(
            &mut store,
            &CommuneDemo { seed: opts.seed + i as u64, scale: 1 },
            day_of(start),
            &mut |_, _| {},
        )?;
        commune::enroll(&mut store, &enrollment)?;
        let (signing, _) = store.sync_keys()?;
        let inst = p.register(&setup.commune_code, &signing.public)?;
        p.db_mut().set_commune_name(&setup.commune_code, &setup.commune)?;
        // Registered on the first day of its first month (after the month before's cut-off: that
        // month is not expected of it).
        let registered = at(periods[joins].start, 8, 30);
        let registered = registered.min(now);
        p.db_mut().backdate_installation(&inst.key_id, &registered.to_rfc3339(), None)?;
        let mut c = Commune { store, key_id: inst.key_id.clone() };
        for (k, period) in periods.iter().enumerate() {
            if k < joins || (i == 5 && k + 2 >= periods.len()) {
                continue;
            }
            if i == 2 && k > half {
                break;
            }
            let late = i % 4 == 2 && k % 2 == 1 && i != 2;
            let offset = if i == 0 {
                0
            } else if late {
                8 + rng.modulo(5)
            } else {
                rng.modulo(5)
            };
            let made = at(period.end + Duration::days(offset as i64), 9 + rng.modulo(7) as u32, rng.modulo(60) as u32);
            if made > now {
                continue;
            }
            // A few new activities in the month (the first bundle carries the whole commune), written
            // on the commune's clock of an hour before the bundle.
            c.store.set_clock(Some(made - Duration::hours(1)));
            if k > joins {
                add_activities(&mut c.store, period, day_of(made), &mut rng)?;
            }
            let exported = commune::export(
                &mut c.store,
                &work,
                &ExportOptions { now: made, ..Default::default() },
                &mut |_, _| {},
            )?;
            let lost = i == 1 && k == 2;
            if lost {
                std::fs::remove_file(&exported.path).map_err(|e| Error::io(&exported.path, e))?;
                continue;
            }
            let last = k + 1 == periods.len();
            let bytes = if i == 4 && last {
                with_bad_records(&p, &mut c.store, &exported.path)?
            } else {
                std::fs::read(&exported.path).map_err(|e| Error::io(&exported.path, e))?
            };
            // Imported a few hours or days later, at the province's clock of then (every check is judged
            // at that moment: validity, clocks, "not after today").
            let mut imported = made + Duration::hours(2 + rng.modulo(60) as i64);
            if i == 6 && last {
                // The laptop's clock ran five hours fast: the bundle says it was made after its import.
                imported = made - Duration::hours(5);
            }
            let imported = imported.min(now);
            let r =
                p.import_bytes(&bytes, &ImportOptions { dry_run: false, receipt_dir: Some(work.clone()) }, imported)?;
            bundles += 1;
            quarantined += r.quarantined.len();
            if let Some(receipt) = &r.receipt {
                // The commune takes its receipt home (not for an edited bundle: it did not make it).
                if !(i == 4 && last) {
                    commune::import(&mut c.store, receipt)?;
                }
                let _ = std::fs::remove_file(receipt);
            }
            if i == 0 && last {
                // A copy of a bundle already imported, brought again on the stick: a replay.
                std::fs::copy(&exported.path, usb.join(exported.path.file_name().unwrap_or_default()))
                    .map_err(|e| Error::io(&usb, e))?;
            }
            let _ = std::fs::remove_file(&exported.path);
        }
        if i == 2 {
            p.revoke(&c.key_id)?;
            let revoked = at(periods[half].end + Duration::days(8), 15, 0).min(now).to_rfc3339();
            p.db_mut().backdate_installation(&c.key_id, &registered.to_rfc3339(), Some(&revoked))?;
        }
        // Bundles of the current month still on the stick: from the first commune (new records) and
        // another one (then damaged on the way).
        if i == 0 || i == n.min(8) - 1 {
            c.store.set_clock(None);
            add_activities(&mut c.store, &current, today, &mut rng)?;
            let e = commune::export(&mut c.store, &usb, &ExportOptions::default(), &mut |_, _| {})?;
            if i != 0 {
                let mut bytes = std::fs::read(&e.path).map_err(|err| Error::io(&e.path, err))?;
                let at = bytes.len() / 2;
                bytes[at] ^= 0x20;
                crate::fsutil::write_atomic(&e.path, &bytes)?;
            }
        }
        progress(i + 1, n);
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(DemoReport { province: p, enrollment, communes: n, bundles, quarantined, usb })
}

/// Two or three activities dated inside `w` (not after today).
fn add_activities(store: &mut Store, w: &Window, today: NaiveDate, rng: &mut Rng) -> Result<()> {
    let last = w.end.min(today);
    let days = (last - w.start).num_days().max(0) as u64;
    for n in 0..(2 + rng.modulo(2)) {
        let date = w.start + Duration::days(rng.modulo(days + 1) as i64);
        let input = if n % 2 == 0 {
            json!({
                "category": "tuyen_truyen",
                "date": crate::date::iso(date),
                "form": "hop_dan",
                "topic": "Phòng, chống tội phạm và tệ nạn xã hội",
                "attendances": 40 + rng.modulo(80),
            })
        } else {
            json!({
                "category": "tin_bao",
                "date": crate::date::iso(date),
                "subject": "Trộm cắp tài sản",
                "useful": rng.modulo(2) == 0,
            })
        };
        store.create(Kind::Activity, &doc(input))?;
    }
    Ok(())
}

/// The bundle at `path`, with three records added that break the rules (as a commune laptop with a
/// damaged store might send), signed again by the commune's own key.
fn with_bad_records(p: &Province, store: &mut Store, path: &Path) -> Result<Vec<u8>> {
    let (signing, age_secret) = store.sync_keys()?;
    let own = crate::crypto::parse_age_identity(&age_secret)?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let opened = bundle::open(&bytes, std::slice::from_ref(&own))?.verify(&signing.public_key()?)?;
    let text = String::from_utf8(bundle::decompress(opened.file(CHANGES_FILE)?, bundle::MAX_PAYLOAD_BYTES)?)
        .map_err(|_| bundle::damaged("dữ liệu không phải UTF-8"))?;
    let template: serde_json::Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["kind"] == "activity" && !v["data"].is_null())
        .ok_or_else(|| Error::Refused("gói mẫu không có hoạt động nào".into()))?;
    let mut lines = text.clone();
    let bad = [json!({"attendances": -5}), json!({"date": null}), json!({"category": "khong_ro"})];
    for (n, change) in bad.iter().enumerate() {
        let mut v = template.clone();
        v["id"] = json!(
            uuid::Uuid::from_u128(
                template["id"].as_str().and_then(|s| uuid::Uuid::parse_str(s).ok()).unwrap_or_default().as_u128()
                    ^ (n as u128 + 1)
            )
            .to_string()
        );
        if let (Some(data), Some(change)) = (v["data"].as_object_mut(), change.as_object()) {
            for (k, x) in change {
                if x.is_null() {
                    data.remove(k);
                } else {
                    data.insert(k.clone(), x.clone());
                }
            }
        }
        lines.push_str(&v.to_string());
        lines.push('\n');
    }
    let mut m = opened.manifest().clone();
    *m.counts.entry("activity".into()).or_default() += bad.len() as u64;
    let to_province = crate::crypto::parse_age_recipient(&p.meta().age_recipient)?;
    let (bytes, _, _) = bundle::write(
        m,
        &[(CHANGES_FILE.into(), bundle::compress(lines.as_bytes())?)],
        &signing,
        &[to_province, own.to_public()],
    )?;
    Ok(bytes)
}

//! The province's console at scale (issue 15), each comparison measured side by side in one run:
//! `cargo bench --bench province` prints the tables for docs/PERFORMANCE.md.
//!
//! A province of 100 communes (the official communes of Hà Nội, code 01), each a `demo` commune
//! (scale 1) that sent a bundle every month for a year: the first carries the whole commune, the
//! others the month's new activities, as the demo province makes them (`province::demo`). Every bundle
//! is a real one, made by the commune's export, at its month's time; making them (and the province
//! that took them in once, to give the communes their receipts) is not timed.
//!
//! 1. Importing every bundle, one after another, as the stick's intake does (`province::intake::Run`:
//!    read the file, decrypt, check the signature and hashes, check every record, merge, one
//!    transaction each; the receipts signed and written to the stick in one pass at the end) into the
//!    province as it stood before the first, and the same into a store without province migration
//!    0013's triggers (the import as before them), beside plain rusqlite inserts of the same rows (already
//!    decoded) into the same `record` table of a fresh SQLCipher file, one transaction per bundle, with
//!    the store's journal settings; and, third, our store's own writes alone (the same rows and the
//!    import's bookkeeping through `ProvinceDb::write_import`, nothing read, decrypted, checked or
//!    signed): the floor of the import's own thread. `cargo bench --bench province -- import`
//!    measures only this.
//! 2. The province's figures for the year (`province::figures::figures`: every commune's figures
//!    and the total, the "Tổng hợp toàn tỉnh" page) warm (every commune's sums kept, province
//!    migration 0009), cold after one commune's bundle, cold after a bundle of every commune that
//!    adds records and after one that edits and deletes them (written as the import's merge writes
//!    them, so that province migration 0013's trigger keeps what each replaced), and every commune
//!    counted again (the sums dropped: the first read after an upgrade), beside the
//!    same aggregates written as plain SQL (`json_extract`, `GROUP BY`) over the same store
//!    with a bare connection; the totals are checked equal, and the figures counted again equal to
//!    the ones kept.
//! 3. The roster for the year (`province::roster::roster`), and a figure's trend over the year's 12
//!    months (`province::figures::trend`), warm and cold, beside the year's figures.
//! 4. The same province with a second installation registered for every commune (province migration
//!    0014's path: a record's latest state across installations): the year's figures cold after a
//!    stick of edits from every commune, beside every commune counted again.
//!
//! PHONGTRAO_BENCH_COMMUNES (default 100) and PHONGTRAO_BENCH_MONTHS (default 12, at most 24) change
//! the province (how the work grows with the months: run with 24).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use common::{PlainRow, copy_dir, ms, pct, plain_connection, plain_province, plain_rows, secs};
use phongtrao::demo::{DemoOptions, generate_as_of};
use phongtrao::domain::{Doc, Kind};
use phongtrao::keyring::{KdfParams, Keyring};
use phongtrao::period::{Period, Rules, Window, day_of, vietnam};
use phongtrao::province::intake::{self, IntakeOptions};
use phongtrao::province::{figures, roster};
use phongtrao::store::province::{ImportWrite, ProvinceDb, RecordWrite};
use phongtrao::store::{Setup, Store};
use phongtrao::sync::bundle;
use phongtrao::sync::commune::{self, ExportOptions};
use phongtrao::sync::province::{ImportOptions, Province};
use rusqlite::params;
use serde_json::json;

const PW: &str = "mat-khau-tinh-bench";
const PROVINCE: &str = "01";

fn main() {
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
    let n = env("PHONGTRAO_BENCH_COMMUNES", 100);
    let months = env("PHONGTRAO_BENCH_MONTHS", 12).clamp(1, 24);
    // The province and its bundles are kept between runs (`target/tmp/bench/province-N-M/`): making
    // them takes minutes.
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench").join(format!("province-{n}-{months}"));
    let made = Instant::now();
    let cache = work.join("made.json");
    let Made { tinh, empty, bundles, year } = match std::fs::read(&cache) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap(),
        Err(_) => {
            let _ = std::fs::remove_dir_all(&work);
            std::fs::create_dir_all(&work).unwrap();
            let m = make(&work, n, months);
            std::fs::write(&cache, serde_json::to_vec(&m).unwrap()).unwrap();
            m
        }
    };
    let year = Period::year(year);
    let records: usize = bundles.iter().map(|b| b.rows.len()).sum();
    println!(
        "Province: {n} communes (demo --scale 1 each), {months} months, {} bundles, {records} records in them; made in {:.0} s",
        bundles.len(),
        made.elapsed().as_secs_f64()
    );

    // 1. Import every bundle into the province as it stood before the first, beside plain inserts
    // (`-- pages`: not at all, only the pages of sections 2–3 are measured).
    let runs = if std::env::args().any(|a| a == "pages") { 0 } else { 3 };
    let receipts = work.join("receipts");
    let into = work.join("import");
    let plain_db = work.join("plain.db");
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    // Time on a CPU (Linux: the thread's schedstat), beside the wall time: on a busy machine the
    // wall time is mostly waiting for a turn on a CPU, in proportion to the CPU time.
    let (mut ours_cpu, mut plain_cpu) = (Vec::new(), Vec::new());
    // Our store's own writes alone: what the import's transaction writes for each bundle (its records
    // as plain inserts write them, and the bundle's row with its summary and receipt, the roster's
    // indexes and clock flags, the chain's head, the receipt's number), through
    // `ProvinceDb::write_import`, with nothing read, decrypted, checked or signed: the floor of the
    // import's own thread, whatever runs beside it.
    let writes_into = work.join("import-writes");
    let (mut writes, mut writes_cpu) = (Vec::new(), Vec::new());
    let mut imports: Vec<phongtrao::store::province::Imported> = Vec::new();
    // Of ours, the time writing the stick's receipts at the end (`Stick::finish`).
    let mut ours_receipts = Vec::new();
    // Ours into a store without province migration 0013's triggers (the state of a record each
    // update replaces, kept for the figures' sums): the import as it was before them, the same
    // intake as ours.
    let before_into = work.join("import-before");
    let (mut before, mut before_cpu) = (Vec::new(), Vec::new());
    // How many record rows the import replaced (province migration 0013's trigger at work).
    let mut replaced_by_import = 0;
    let intake_before = |k: usize| -> (Duration, Duration) {
        copy_dir(&empty, &before_into);
        // Migrated as ours, then the triggers dropped through a bare connection.
        drop(Province::open(&before_into, PW).unwrap());
        let key = Keyring::load(&Keyring::path_for(&ProvinceDb::db_path(&before_into)))
            .unwrap()
            .unlock("tinh", PW, Utc::now())
            .unwrap();
        plain_connection(&ProvinceDb::db_path(&before_into), Some(&key))
            .execute_batch("DROP TRIGGER record_replaced_on_update; DROP TRIGGER figure_sums_on_commune_move;")
            .unwrap();
        let mut p = Province::open(&before_into, PW).unwrap();
        let opts = IntakeOptions { dry_run: false, receipt_root: Some(receipts.join(format!("before-{k}"))) };
        let paths: Vec<PathBuf> = bundles.iter().map(|b| b.path.clone()).collect();
        let cpu = cpu_time();
        let t = Instant::now();
        let mut stick = intake::Stick::open(&mut p, &paths, opts).unwrap();
        for b in &bundles {
            let o = stick.step(&mut p, b.imported).unwrap();
            assert!(o.report.as_ref().is_some_and(|r| r.quarantined.is_empty()), "{}", o.message);
        }
        let done = stick.finish();
        let out = (t.elapsed(), cpu_time() - cpu);
        assert!(done.all_ok() && done.outcomes.iter().all(|o| o.receipt.is_some()));
        out
    };
    let _ = std::fs::remove_dir_all(&receipts);
    for k in 0..runs {
        copy_dir(&empty, &into);
        let mut p = Province::open(&into, PW).unwrap();
        // The stick's intake ("Nhập tất cả", `province import FOLDER`), each bundle at its own time.
        // Each run's receipts go to a folder of their own, all deleted at the end (files deleted just
        // before make the file system's next file creations slower).
        let root = receipts.join(k.to_string());
        let opts = IntakeOptions { dry_run: false, receipt_root: Some(root) };
        let paths: Vec<PathBuf> = bundles.iter().map(|b| b.path.clone()).collect();
        let cpu = cpu_time();
        let t = Instant::now();
        // As "Nhập tất cả" and `province import` do (`intake::Stick`): the next bundle read
        // (decrypted, checked, parsed) on another thread while one is imported.
        let mut stick = intake::Stick::open(&mut p, &paths, opts).unwrap();
        for b in &bundles {
            let o = stick.step(&mut p, b.imported).unwrap();
            assert!(o.report.as_ref().is_some_and(|r| r.quarantined.is_empty()), "{}", o.message);
        }
        let writing = Instant::now();
        let done = stick.finish();
        ours_receipts.push(writing.elapsed());
        ours.push(t.elapsed());
        ours_cpu.push(cpu_time() - cpu);
        assert!(done.all_ok() && done.outcomes.iter().all(|o| o.receipt.is_some()));
        if imports.is_empty() {
            imports = bundles.iter().map(|b| p.db().imported(&b.hash).unwrap().unwrap()).collect();
        }
        replaced_by_import = p.db().replaced_kept().unwrap();
        drop(p);

        let (wall, cpu) = intake_before(k);
        before.push(wall);
        before_cpu.push(cpu);

        copy_dir(&empty, &writes_into);
        let mut w = Province::open(&writes_into, PW).unwrap();
        let decoded: Vec<Vec<RecordWrite<'_>>> = bundles
            .iter()
            .map(|b| {
                b.rows
                    .iter()
                    .map(|(id, kind, data, hlc, origin, _)| RecordWrite {
                        id: uuid::Uuid::parse_str(id).unwrap(),
                        kind: Kind::parse(kind).unwrap(),
                        data: data.as_deref(),
                        hlc: *hlc as u64,
                        origin: uuid::Uuid::parse_str(origin).unwrap(),
                    })
                    .collect()
            })
            .collect();
        let cpu = cpu_time();
        let t = Instant::now();
        for ((b, i), apply) in bundles.iter().zip(&imports).zip(decoded) {
            w.db_mut()
                .write_import(&ImportWrite {
                    key_id: &i.key_id,
                    installation_id: uuid::Uuid::parse_str(&b.installation).unwrap(),
                    commune_code: &b.commune,
                    hash: &b.hash,
                    epoch: i.epoch,
                    seq: i.seq,
                    bundle_created_at: &i.imported_at,
                    now: &i.imported_at,
                    apply,
                    quarantine: Vec::new(),
                    held: Vec::new(),
                    answers: &[],
                    head: true,
                    new_gap: None,
                    fills_gap: None,
                    summary: i.summary.clone(),
                    receipt: i.receipt.as_deref(),
                })
                .unwrap();
        }
        writes.push(t.elapsed());
        writes_cpu.push(cpu_time() - cpu);
        drop(w);

        let mut c = plain_province(&plain_db);
        let cpu = cpu_time();
        let t = Instant::now();
        for b in &bundles {
            let tx = c.transaction().unwrap();
            {
                let mut put = tx
                    .prepare_cached(
                        "INSERT INTO record (installation_id, id, commune_code, kind, data, hlc, origin, deleted, bundle)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                         ON CONFLICT (installation_id, id) DO UPDATE SET
                           kind = excluded.kind, data = excluded.data, hlc = excluded.hlc, origin = excluded.origin,
                           deleted = excluded.deleted, bundle = excluded.bundle",
                    )
                    .unwrap();
                for (id, kind, data, hlc, origin, deleted) in &b.rows {
                    put.execute(params![b.installation, id, b.commune, kind, data, hlc, origin, deleted, b.hash])
                        .unwrap();
                }
            }
            tx.commit().unwrap();
        }
        plain.push(t.elapsed());
        plain_cpu.push(cpu_time() - cpu);
        let _ = std::fs::remove_file(Keyring::path_for(&plain_db));
    }
    if runs > 0 {
        let med = |v: &[Duration]| pct(v, 0.5);
        let rate = |d: Duration| records as f64 / d.as_secs_f64();
        println!();
        println!(
            "1. Import of {} bundles ({records} records, none quarantined) beside plain inserts of the same rows, median of {runs} runs, alternating:",
            bundles.len()
        );
        println!();
        println!("| | median time | records/s | median time on a CPU |");
        println!("|---|---|---|---|");
        println!(
            "| phongtrao: each bundle read, decrypted, verified, every record checked, merged, one transaction; the receipts signed, written to the stick at the end in one pass | {} | {:.0} | {} |",
            secs(med(&ours)),
            rate(med(&ours)),
            secs(med(&ours_cpu))
        );
        println!(
            "| the same into a store without province migration 0013's triggers (as before them) | {} | {:.0} | {} |",
            secs(med(&before)),
            rate(med(&before)),
            secs(med(&before_cpu))
        );
        println!(
            "| ours / without migration 0013's triggers: time | {:.2}× | | {:.2}× |",
            med(&ours).as_secs_f64() / med(&before).as_secs_f64(),
            med(&ours_cpu).as_secs_f64() / med(&before_cpu).as_secs_f64().max(1e-9)
        );
        println!(
            "| plain rusqlite: the same rows into the same table, one transaction per bundle, prepared statement | {} | {:.0} | {} |",
            secs(med(&plain)),
            rate(med(&plain)),
            secs(med(&plain_cpu))
        );
        println!(
            "| our store's writes alone: the same rows and the import's bookkeeping (the bundle's row, the roster's indexes and clock flags, the chain's head, the receipt's number) through `ProvinceDb::write_import`, one transaction per bundle, nothing read, decrypted, checked or signed | {} | {:.0} | {} |",
            secs(med(&writes)),
            rate(med(&writes)),
            secs(med(&writes_cpu))
        );
        println!(
            "| our store's writes alone / plain rate | {:.0}% | | {:.0}% |",
            100.0 * rate(med(&writes)) / rate(med(&plain)),
            100.0 * med(&plain_cpu).as_secs_f64() / med(&writes_cpu).as_secs_f64().max(1e-9)
        );
        println!(
            "| ours / plain rate | {:.0}% | | {:.0}% |",
            100.0 * rate(med(&ours)) / rate(med(&plain)),
            100.0 * med(&plain_cpu).as_secs_f64() / med(&ours_cpu).as_secs_f64().max(1e-9)
        );
        println!();
        println!("Of ours, writing the {} receipts at the end (median): {}", bundles.len(), secs(med(&ours_receipts)));
        println!(
            "Record rows the import replaced (states kept by province migration 0013's trigger): {replaced_by_import}"
        );
    }
    // `-- import`: only the import was wanted (the program's own path is never that word).
    if std::env::args().any(|a| a == "import") {
        for d in [into, receipts, plain_db, writes_into, before_into.clone()] {
            let _ = std::fs::remove_dir_all(&d);
            let _ = std::fs::remove_file(&d);
        }
        return;
    }

    // 2. The year's figures beside plain SQL over the same store (a copy of it: the pages' runs add
    // records to it).
    let tinh = {
        let copy = work.join("tinh-pages");
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&tinh, &copy);
        copy
    };
    let mut p = Province::open(&tinh, PW).unwrap();
    let key =
        Keyring::load(&Keyring::path_for(&ProvinceDb::db_path(&tinh))).unwrap().unlock("tinh", PW, Utc::now()).unwrap();
    let bare = plain_connection(&ProvinceDb::db_path(&tinh), Some(&key));
    let rules = Rules::default();
    let window = rules.window(year);
    let ours_total = figures::figures(&p, year, None).unwrap().total;
    let sql_total = plain_figures(&bare, &window);
    for (code, v) in &sql_total {
        let mine = match code.as_str() {
            "teams" => ours_total.teams,
            "members" => ours_total.members,
            "hh_total" => ours_total.households.total,
            "hh_registered" => ours_total.households.registered,
            "hh_committed" => ours_total.households.committed,
            c if c.starts_with("model:") => ours_total.models.iter().find(|m| m.kind == c[6..]).map_or(0, |m| m.active),
            c if c.starts_with("antt:") => {
                ours_total.antt.iter().find(|a| a.subject == c[5..]).map_or(0, |a| a.recognised)
            }
            c => ours_total.value(c),
        };
        assert_eq!(mine, *v, "{code}: ours {mine}, plain SQL {v}");
    }
    println!();
    println!(
        "Figures of {} ({}): {} propaganda sessions, {} members, {} households; plain SQL gives the same {} totals.",
        year,
        window.label(),
        ours_total.value("tuyen_truyen_buoi"),
        ours_total.members,
        ours_total.households.total,
        sql_total.len()
    );
    let pages = pages(&p, &bare, year, &window);
    println!();
    println!("2–3. The year's pages, 20 runs each after 2 warm-up runs, interleaved:");
    println!();
    println!("| work | p50 | p95 | ratio p95 |");
    println!("|---|---|---|---|");
    let row = |what: &str, v: &[Duration], to: Option<(&[Duration], &str)>| {
        let ratio = to.map_or(String::new(), |(o, unit)| {
            format!("{:.2}{unit}", pct(v, 0.95).as_secs_f64() / pct(o, 0.95).as_secs_f64())
        });
        println!("| {what} | {} | {} | {ratio} |", ms(pct(v, 0.5)), ms(pct(v, 0.95)));
    };
    let sql = Some((pages.sql.as_slice(), " × plain SQL"));
    row(
        &format!(
            "the province's figures for the year, {n} communes and the total (`province figures --period {year}`): warm, every commune's sums kept"
        ),
        &pages.warm,
        sql,
    );
    row("the same, cold after one commune's bundle (that commune counted again)", &pages.cold_one, sql);
    row(
        "the same, cold after a bundle of every commune that only adds records (three activities each: the sums kept take them, province migration 0011)",
        &pages.cold_adds,
        sql,
    );
    row(
        "the same, cold after a bundle of every commune that edits and deletes records (each: 2 new activities, 3 edited, 1 deleted, an area's households and a certification record rewritten, as the import's merge writes them: the sums kept take away what each replaced and add what it is now, province migration 0013)",
        &pages.cold_changes,
        sql,
    );
    row(
        "the same, every commune counted again from all its records (the sums dropped: the first read after an upgrade, or after a quarantined record or held change accepted)",
        &pages.cold_all,
        sql,
    );
    row("the same aggregates in plain SQL (`json_extract`, `GROUP BY` commune) over the same store", &pages.sql, None);
    row(
        &format!(
            "the roster for the year (`province roster --period {year}`): the year's bundles, decisions and answers read by index, the clock flags kept (province migration 0012)"
        ),
        &pages.roster,
        Some((pages.roster_all.as_slice(), " × judged from every row")),
    );
    row(
        "the same roster judged from every bundle, decision and answer the province holds (as before)",
        &pages.roster_all,
        None,
    );
    row(
        "a figure's trend over the year's months (the drill-down's chart), warm",
        &pages.trend_warm,
        Some((pages.warm.as_slice(), " × the figures, warm")),
    );
    row(
        "the same trend, every commune counted again (sums dropped)",
        &pages.trend_cold,
        Some((pages.cold_all.as_slice(), " × the figures, cold")),
    );
    row(
        &format!(
            "the year's figures, warm, among ten years of windows kept ({} rows: every month and year of ten years, every commune)",
            pages.kept_decade
        ),
        &pages.warm_decade,
        Some((pages.warm.as_slice(), " × warm with one year kept")),
    );
    row(
        "the year's trend, warm, among the same ten years",
        &pages.trend_decade,
        Some((pages.trend_warm.as_slice(), " × warm with one year kept")),
    );
    // 4. Every commune with two installations (province migration 0014's path).
    let (across, recount) = several_pages(&mut p, &bare, year, &window);
    println!();
    println!(
        "4. Every commune with a second installation registered (a second laptop's key, which has sent nothing yet: the communes' records are the first laptop's), 20 runs each after 2 warm-up runs, interleaved:"
    );
    println!();
    println!("| work | p50 | p95 | ratio p95 |");
    println!("|---|---|---|---|");
    row(
        "the year's figures, cold after a stick of edits from every commune (the same stick as above): each record touched, its latest state across the installations then taken away and now added (province migration 0014)",
        &across,
        Some((recount.as_slice(), " × counted again")),
    );
    row(
        "the same, every commune counted again from all its records (latest state across installations)",
        &recount,
        sql,
    );
    let size = std::fs::metadata(ProvinceDb::db_path(&tinh)).unwrap().len();
    println!();
    println!(
        "Province store: {:.0} MB; replaced states kept (province migration 0013) after the runs: {} ({:.1} MB of data)",
        size as f64 / 1e6,
        p.db().replaced_kept().unwrap(),
        bare.query_row("SELECT coalesce(sum(length(data)), 0) FROM record_replaced", [], |r| r.get::<_, i64>(0))
            .unwrap() as f64
            / 1e6
    );
    drop((p, bare));
    for d in [into, receipts, plain_db, tinh, writes_into, before_into] {
        let _ = std::fs::remove_dir_all(&d);
        let _ = std::fs::remove_file(&d);
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Bundle {
    path: PathBuf,
    imported: DateTime<Utc>,
    hash: String,
    installation: String,
    commune: String,
    rows: Vec<PlainRow>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Made {
    /// The province after every bundle (for the pages).
    tinh: PathBuf,
    /// The province with every commune registered and nothing imported.
    empty: PathBuf,
    bundles: Vec<Bundle>,
    /// The year the last month ends in.
    year: i32,
}

/// A moment of day `d` in Vietnam.
fn at(d: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let t = d.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap());
    vietnam().from_local_datetime(&t).single().unwrap().with_timezone(&Utc)
}

/// The province, its communes and their bundles, as `province::demo` makes them (without its
/// exceptions: every commune sends every month, on time).
fn make(work: &Path, n: usize, months: usize) -> Made {
    let tinh = work.join("tinh");
    let (mut p, enrollment) = Province::init(&tinh, PW, PROVINCE, "Hà Nội", KdfParams::insecure_for_tests()).unwrap();
    let rules = Rules::default();
    let now = Utc::now();
    // The last `months` monthly periods whose bundles (made up to 5 days after the cut-off, imported
    // up to 3 days later) are all in the past.
    let mut w = rules.period_of(day_of(now));
    let mut periods: Vec<Window> = Vec::new();
    while periods.len() < months {
        w = rules.period_of(w.start - chrono::Duration::days(1));
        if at(w.end + chrono::Duration::days(9), 0, 0) < now {
            periods.push(w);
        }
    }
    periods.reverse();
    let units = phongtrao::units::Units::builtin();
    let province = units.province(PROVINCE).unwrap().name.clone();
    let list = units.communes_of(PROVINCE);
    assert!(list.len() >= n, "{PROVINCE} has {} communes", list.len());
    let mut communes = Vec::new();
    let start = at(periods[0].end - chrono::Duration::days(1), 8, 0);
    for (i, c) in list.iter().take(n).enumerate() {
        let setup = Setup {
            province_code: PROVINCE.into(),
            province: province.clone(),
            commune_code: c.code.clone(),
            commune: c.full_name(),
            officer: "Nguyễn Văn An".into(),
        };
        let mut store = Store::open_in_memory().unwrap();
        store.set_clock(Some(start));
        store.init(&setup).unwrap();
        generate_as_of(&mut store, &DemoOptions { seed: 1 + i as u64, scale: 1 }, day_of(start), &mut |_, _| {})
            .unwrap();
        commune::enroll(&mut store, &enrollment).unwrap();
        let (signing, _) = store.sync_keys().unwrap();
        let inst = p.register(&setup.commune_code, &signing.public).unwrap();
        p.db_mut().set_commune_name(&setup.commune_code, &setup.commune).unwrap();
        p.db_mut().backdate_installation(&inst.key_id, &at(periods[0].start, 8, 30).to_rfc3339(), None).unwrap();
        communes.push((store, signing.public_key().unwrap()));
    }
    drop(p);
    let empty = work.join("tinh-empty");
    copy_dir(&tinh, &empty);
    let mut p = Province::open(&tinh, PW).unwrap();
    let identity = phongtrao::crypto::parse_age_identity(&p.meta().age_identity).unwrap();
    let out = work.join("usb");
    let receipts = work.join("receipts-made");
    std::fs::create_dir_all(&out).unwrap();
    let mut bundles = Vec::new();
    let mut seed = 7u64;
    let mut next = |m: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    for (k, period) in periods.iter().enumerate() {
        for (store, key) in communes.iter_mut() {
            let made = at(period.end + chrono::Duration::days(next(5) as i64), 9 + next(7) as u32, next(60) as u32);
            store.set_clock(Some(made - chrono::Duration::hours(1)));
            if k > 0 {
                for a in 0..(2 + next(2)) {
                    let date = period.start
                        + chrono::Duration::days(next((period.end - period.start).num_days() as u64 + 1) as i64);
                    let input = if a % 2 == 0 {
                        json!({"category": "tuyen_truyen", "date": date.to_string(), "form": "hop_dan",
                               "topic": "Phòng, chống tội phạm và tệ nạn xã hội", "attendances": 40 + next(80)})
                    } else {
                        json!({"category": "tin_bao", "date": date.to_string(), "subject": "Trộm cắp tài sản",
                               "useful": next(2) == 0})
                    };
                    let d: Doc = input.as_object().unwrap().clone();
                    store.create(Kind::Activity, &d).unwrap();
                }
            }
            let e = commune::export(store, &out, &ExportOptions { now: made, ..Default::default() }, &mut |_, _| {})
                .unwrap();
            let bytes = std::fs::read(&e.path).unwrap();
            let opened = bundle::open(&bytes, std::slice::from_ref(&identity)).unwrap().verify(key).unwrap();
            let (installation, commune, hash, rows) = plain_rows(&opened);
            let imported = (made + chrono::Duration::hours(2 + next(60) as i64)).min(now);
            let r = p
                .import_at(&e.path, &ImportOptions { dry_run: false, receipt_dir: Some(receipts.clone()) }, imported)
                .unwrap();
            commune::import(store, r.receipt.as_ref().unwrap()).unwrap();
            bundles.push(Bundle { path: e.path, imported, hash, installation, commune, rows });
        }
    }
    let last = periods.last().unwrap();
    Made { tinh, empty, bundles, year: last.end.format("%Y").to_string().parse().unwrap() }
}

/// The figures' aggregates, province total, in plain SQL: the latest state of each record (a commune
/// may have sent a record from two installations: a window function over the commune and id), then
/// one `GROUP BY` per register over the JSON (`json_extract`).
fn plain_figures(c: &rusqlite::Connection, w: &Window) -> Vec<(String, i64)> {
    let (start, end) = (w.start.to_string(), w.end.to_string());
    let year = w.end.format("%Y").to_string().parse::<i64>().unwrap();
    let latest = "WITH latest AS (
        SELECT commune_code, data FROM (
            SELECT commune_code, data,
                   row_number() OVER (PARTITION BY commune_code, id ORDER BY hlc DESC, origin DESC) AS n
            FROM record WHERE kind = ?1)
        WHERE n = 1 AND data IS NOT NULL)";
    let mut out: Vec<(String, i64)> = Vec::new();
    let mut put = |code: &str, v: i64| match out.iter_mut().find(|(c, _)| c == code) {
        Some((_, x)) => *x += v,
        None => out.push((code.to_owned(), v)),
    };
    // Activities dated in the period, by category (and item type), with their sums.
    let sql = format!(
        "{latest}
        SELECT commune_code, json_extract(data, '$.category') AS cat, json_extract(data, '$.item_type'),
               count(*), sum(coalesce(json_extract(data, '$.attendances'), 0)),
               sum(json_extract(data, '$.useful') IS 1), sum(json_extract(data, '$.case_solved') IS 1),
               sum(coalesce(json_extract(data, '$.quantity'), 0)), sum(coalesce(json_extract(data, '$.households'), 0)),
               sum(coalesce(json_extract(data, '$.sites'), 0)), sum(coalesce(json_extract(data, '$.participants'), 0))
        FROM latest WHERE substr(json_extract(data, '$.date'), 1, 10) BETWEEN ?2 AND ?3
        GROUP BY commune_code, cat, 3"
    );
    let mut st = c.prepare_cached(&sql).unwrap();
    let mut rows = st.query(params!["activity", start, end]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let cat: Option<String> = r.get(1).unwrap();
        let item: Option<String> = r.get(2).unwrap();
        let v = |i: usize| r.get::<_, i64>(i).unwrap();
        match cat.as_deref() {
            Some("tuyen_truyen") => {
                put("tuyen_truyen_buoi", v(3));
                put("tuyen_truyen_luot", v(4));
            }
            Some("tin_bao") => {
                put("tin_bao", v(3));
                put("tin_bao_gia_tri", v(5));
                put("vu_viec_giai_quyet", v(6));
            }
            Some("thu_hoi_vu_khi") => {
                if let Some(t @ ("vu_khi" | "vat_lieu_no" | "cong_cu_ho_tro")) = item.as_deref() {
                    put(t, v(7))
                }
            }
            Some("cam_ket") => {
                put("ho_cam_ket", v(8));
                put("hh_committed", v(8));
            }
            Some("giao_duc_cong_dong") => put("giao_duc_tiep_nhan", v(3)),
            Some("kiem_diem") => put("kiem_diem", v(3)),
            Some("ngay_hoi") => {
                put("ngay_hoi_diem", v(9));
                put("ngay_hoi_nguoi", v(10));
            }
            _ => {}
        }
    }
    drop(rows);
    let one = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Vec<(Option<String>, i64, i64)> {
        let mut st = c.prepare_cached(&format!("{latest} {sql}")).unwrap();
        st.query_map(args, |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(Result::unwrap).collect()
    };
    for (_, n, _) in one(
        "SELECT commune_code, NULL, count(*), 0 FROM latest
         WHERE json_extract(data, '$.category') = 'giao_duc_cong_dong'
           AND substr(json_extract(data, '$.end_date'), 1, 10) BETWEEN ?2 AND ?3 GROUP BY commune_code",
        &[&"activity", &start, &end],
    ) {
        put("giao_duc_ket_thuc", n);
    }
    // Models founded by the end of the period, active or dissolved by then, by kind.
    for (kind, active, _) in one(
        "SELECT commune_code, json_extract(data, '$.kind') AS k,
                sum(NOT coalesce(json_extract(data, '$.dissolved_on') <= ?2, 0)), 0 FROM latest
         WHERE json_extract(data, '$.founded_on') <= ?2 GROUP BY commune_code, k",
        &[&"model", &end],
    ) {
        put(&format!("model:{}", kind.unwrap_or_default()), active);
        put("mo_hinh_theo_loai", active);
    }
    for (name, kind) in [("teams", "team"), ("members", "member")] {
        for (_, n, _) in one("SELECT commune_code, NULL, count(*), 0 FROM latest GROUP BY commune_code", &[&kind]) {
            put(name, n);
        }
    }
    for (_, total, registered) in one(
        "SELECT commune_code, NULL, sum(coalesce(json_extract(data, '$.households'), 0)),
                sum(coalesce(json_extract(data, '$.households_registered'), 0)) FROM latest GROUP BY commune_code",
        &[&"area"],
    ) {
        put("hh_total", total);
        put("hh_registered", registered);
    }
    // "An toàn về ANTT": the certification year the period ends in, by subject.
    for (subject, registered, recognised) in one(
        "SELECT commune_code, json_extract(data, '$.subject') AS s,
                sum(json_extract(data, '$.step') <> 'chua_dang_ky' AND json_extract(data, '$.registration') IS NOT NULL),
                sum(json_extract(data, '$.step') <> 'chua_dang_ky' AND json_extract(data, '$.registration') IS NOT NULL
                    AND json_extract(data, '$.decision.recognised') IS 1)
         FROM latest WHERE json_extract(data, '$.year') = ?2 AND s <> 'xa' GROUP BY commune_code, s",
        &[&"cert", &year],
    ) {
        put(&format!("antt:{}", subject.unwrap_or_default()), recognised);
        put("antt_cong_nhan", recognised);
        put("antt_registered", registered);
    }
    out.retain(|(c, _)| c != "antt_registered");
    out
}

/// The pages' times, interleaved run by run.
struct Pages {
    warm: Vec<Duration>,
    cold_one: Vec<Duration>,
    cold_adds: Vec<Duration>,
    cold_changes: Vec<Duration>,
    cold_all: Vec<Duration>,
    sql: Vec<Duration>,
    roster: Vec<Duration>,
    roster_all: Vec<Duration>,
    trend_warm: Vec<Duration>,
    trend_cold: Vec<Duration>,
    /// Warm, with ten years of windows kept (`kept_decade` rows).
    warm_decade: Vec<Duration>,
    trend_decade: Vec<Duration>,
    kept_decade: usize,
}

/// The year's figures warm (every commune's sums kept), cold after one commune's bundle and cold
/// after a bundle of every commune, the plain SQL, the roster and the trend, 20 runs each after 2
/// warm-up runs, interleaved. A bundle's import is stood in for by what it does to the sums: the
/// store's trigger on `bundle_import` drops the commune's (here through the bare connection).
fn pages(p: &Province, bare: &rusqlite::Connection, year: Period, window: &Window) -> Pages {
    let mut communes: Vec<String> = p.db().installations().unwrap().into_iter().map(|i| i.commune_code).collect();
    communes.sort();
    communes.dedup();
    let touch = |code: Option<&str>| {
        bare.execute("DELETE FROM figure_sums WHERE ?1 IS NULL OR commune_code = ?1", [code]).unwrap();
    };
    let time = |v: &mut Vec<Duration>, keep: bool, f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        if keep {
            v.push(t.elapsed());
        }
    };
    let mut out = Pages {
        warm: Vec::new(),
        cold_one: Vec::new(),
        cold_adds: Vec::new(),
        cold_changes: Vec::new(),
        cold_all: Vec::new(),
        sql: Vec::new(),
        roster: Vec::new(),
        roster_all: Vec::new(),
        trend_warm: Vec::new(),
        trend_cold: Vec::new(),
        warm_decade: Vec::new(),
        trend_decade: Vec::new(),
        kept_decade: 0,
    };
    let today = day_of(Utc::now());
    let whole = figures::figures(p, year, None).unwrap();
    // Ten years of reads: every month's sums (a trend) and the year's of the nine years before kept
    // too, then the year's page and its trend read warm among them.
    let key = "ind:tuyen_truyen_buoi";
    let y = whole.total.cert_year;
    for before in (y - 9..y).map(Period::year) {
        figures::trend(p, before, key).unwrap();
        figures::figures(p, before, None).unwrap();
    }
    figures::trend(p, year, key).unwrap();
    out.kept_decade = p.db().figure_sums_kept().unwrap().len();
    for i in 0..22 {
        time(&mut out.warm_decade, i >= 2, &mut || {
            std::hint::black_box(figures::figures(p, year, None).unwrap());
        });
        time(&mut out.trend_decade, i >= 2, &mut || {
            std::hint::black_box(figures::trend(p, year, key).unwrap());
        });
    }
    // A stick of every commune whose bundles only add records, stood in for by what its import
    // writes (through the bare connection): three new activities of the year and the bundle's row,
    // its summary counting them new, one transaction per commune.
    let installations: Vec<(String, String, String)> = p
        .db()
        .installations()
        .unwrap()
        .into_iter()
        .filter_map(|i| Some((i.commune_code, i.installation_id?.to_string(), i.key_id)))
        .collect();
    let mut added = 0u64;
    let mut stick_of_adds = || {
        let now = Utc::now().to_rfc3339();
        for (code, inst, key) in &installations {
            added += 1;
            let hash = format!("bench-adds-{added:08}");
            bare.execute_batch("BEGIN").unwrap();
            for k in 0..3 {
                let date = window.start + chrono::Duration::days(((added * 7 + k) % 300) as i64);
                let data = json!({"category": "tuyen_truyen", "date": date.to_string(), "form": "hop_dan",
                                  "topic": "Phòng, chống lừa đảo qua mạng", "attendances": 30 + k});
                bare.execute(
                    "INSERT INTO record (installation_id, id, commune_code, kind, data, hlc, origin, deleted, bundle)
                     VALUES (?1, ?2, ?3, 'activity', ?4, ?5, ?1, 0, ?6)",
                    params![
                        inst,
                        uuid::Uuid::now_v7().to_string(),
                        code,
                        data.to_string(),
                        (added * 10 + k) as i64,
                        hash
                    ],
                )
                .unwrap();
            }
            bare.execute(
                "INSERT INTO bundle_import (hash, key_id, installation_id, commune_code, epoch, seq, imported_at, summary, created_at)
                 VALUES (?1, ?2, ?3, ?4, 9, ?5, ?6, ?7, ?6)",
                params![hash, key, inst, code, added as i64, now,
                        json!({"activity": {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0}}).to_string()],
            )
            .unwrap();
            bare.execute_batch("COMMIT").unwrap();
        }
    };
    // A stick of every commune whose bundles edit and delete records, written as the import's merge
    // writes them (the same upsert, `store::province::MERGE_RECORD`, so that the store's trigger
    // keeps each state replaced) with the bundle's row, one transaction per commune: two new
    // activities, three activities edited (what they count), one deleted, an area's households
    // changed and one certification record of the year written again (its JSON in another key
    // order: the same content, a new text).
    let mut changed = 0u64;
    let mut stick_of_changes = || stick_of_changes(bare, &installations, window, &mut changed);
    for i in 0..22 {
        let keep = i >= 2;
        figures::figures(p, year, None).unwrap();
        stick_of_adds();
        let mut added_up = None;
        time(&mut out.cold_adds, keep, &mut || added_up = Some(figures::figures(p, year, None).unwrap()));
        stick_of_changes();
        let mut changed_up = None;
        time(&mut out.cold_changes, keep, &mut || changed_up = Some(figures::figures(p, year, None).unwrap()));
        assert_ne!(changed_up, added_up, "the changes change the figures");
        touch(None);
        time(&mut out.trend_cold, keep, &mut || {
            std::hint::black_box(figures::trend(p, year, "ind:tuyen_truyen_buoi").unwrap());
        });
        time(&mut out.trend_warm, keep, &mut || {
            std::hint::black_box(figures::trend(p, year, "ind:tuyen_truyen_buoi").unwrap());
        });
        touch(None);
        let mut cold = None;
        time(&mut out.cold_all, keep, &mut || cold = Some(figures::figures(p, year, None).unwrap()));
        assert_eq!(
            cold, changed_up,
            "the figures counted again equal the kept ones that took the records added, replaced and deleted"
        );
        time(&mut out.warm, keep, &mut || {
            std::hint::black_box(figures::figures(p, year, None).unwrap());
        });
        touch(Some(&communes[i % communes.len()]));
        time(&mut out.cold_one, keep, &mut || {
            std::hint::black_box(figures::figures(p, year, None).unwrap());
        });
        time(&mut out.sql, keep, &mut || {
            std::hint::black_box(plain_figures(bare, window));
        });
        touch(Some(&communes[(i + 1) % communes.len()]));
        let mut read = None;
        time(&mut out.roster, keep, &mut || read = Some(roster::roster(p, year, today).unwrap()));
        touch(Some(&communes[(i + 2) % communes.len()]));
        let mut whole = None;
        time(&mut out.roster_all, keep, &mut || {
            whole = Some(roster::roster_reading_everything(p, year, today).unwrap())
        });
        assert_eq!(read, whole, "the roster read by index is the one judged from every row");
    }
    out
}

/// The time this process has spent on a CPU (Linux; zero elsewhere).
fn cpu_time() -> Duration {
    // Every thread of the process (the import reads the next bundle on a second thread): user and
    // system time from /proc/self/stat, in the kernel's USER_HZ ticks (100 a second on Linux).
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|t| {
            let after = t.rsplit_once(')')?.1;
            let f: Vec<&str> = after.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(Duration::from_millis(ticks * 10))
        })
        .unwrap_or(Duration::ZERO)
}

/// A stick of every commune whose bundles edit and delete records, written as the import's merge
/// writes them (the same upsert, `store::province::MERGE_RECORD`, so that the store's trigger keeps
/// each state replaced) with the bundle's row, one transaction per commune: two new activities,
/// three activities edited (what they count), one deleted, an area's households changed and one
/// certification record of the year written again (its JSON in another key order: the same
/// content, a new text). `installations`: (commune, installation id, key id).
fn stick_of_changes(
    bare: &rusqlite::Connection,
    installations: &[(String, String, String)],
    window: &Window,
    changed: &mut u64,
) {
    let cert_year = window.end.format("%Y").to_string();
    let now = Utc::now().to_rfc3339();
    for (code, inst, key) in installations {
        *changed += 1;
        let changed = *changed;
        let hash = format!("bench-changes-{changed:08}");
        bare.execute_batch("BEGIN").unwrap();
        let live = |kind: &str, n: u64, skip: u64, cond: &str| -> Vec<(String, String, i64)> {
            let mut st = bare
                .prepare_cached(&format!(
                    "SELECT id, data, hlc FROM record WHERE commune_code = ?1 AND installation_id = ?2
                       AND kind = ?3 AND deleted = 0 {cond} ORDER BY rowid LIMIT ?4 OFFSET ?5"
                ))
                .unwrap();
            st.query_map(params![code, inst, kind, n as i64, skip as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        // The bundle's row first, as `ProvinceDb::write_import` writes it: the merge reads its place.
        bare.execute(
            "INSERT INTO bundle_import (hash, key_id, installation_id, commune_code, epoch, seq, imported_at, summary, created_at)
             VALUES (?1, ?2, ?3, ?4, 9, ?5, ?6, ?7, ?6)",
            params![hash, key, inst, code, 1_000_000 + changed as i64, now,
                    json!({"activity": {"new": 2, "updated": 4, "unchanged": 0, "rejected": 0},
                           "area": {"new": 0, "updated": 1, "unchanged": 0, "rejected": 0},
                           "cert": {"new": 0, "updated": 1, "unchanged": 0, "rejected": 0}}).to_string()],
        )
        .unwrap();
        let put = |id: &str, kind: &str, data: Option<String>, hlc: i64| {
            bare.execute(
                phongtrao::store::province::MERGE_RECORD,
                params![inst, id, code, kind, data, hlc, inst, data.is_none(), hash],
            )
            .unwrap();
        };
        let later = 1_000_000_000 + changed as i64;
        let acts = live("activity", 4, (changed * 5) % 40, "");
        for (k, (id, data, hlc)) in acts.iter().enumerate() {
            let mut d: serde_json::Value = serde_json::from_str(data).unwrap();
            if k == 3 {
                put(id, "activity", None, hlc + later);
                continue;
            }
            for (field, v) in [("attendances", json!(20 + changed % 50)), ("households", json!(1 + changed % 9))] {
                if d.get(field).is_some() {
                    d[field] = v;
                }
            }
            if let Some(u) = d.get("useful").and_then(|u| u.as_bool()) {
                d["useful"] = json!(!u);
            }
            if let Some(date) = d.get("date").and_then(|x| x.as_str()).and_then(|x| x.get(..10)) {
                let moved = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap() + chrono::Duration::days(9);
                d["date"] = json!(moved.to_string());
            }
            put(id, "activity", Some(d.to_string()), hlc + later);
        }
        for (id, data, hlc) in live("area", 1, changed % 5, "") {
            let mut d: serde_json::Value = serde_json::from_str(&data).unwrap();
            d["households"] = json!(d["households"].as_i64().unwrap_or(0) + 1);
            put(&id, "area", Some(d.to_string()), hlc + later);
        }
        let of_year = format!("AND json_extract(data, '$.year') = {cert_year}");
        for (id, data, hlc) in live("cert", 1, changed % 7, &of_year) {
            let d: serde_json::Value = serde_json::from_str(&data).unwrap();
            put(&id, "cert", Some(d.to_string()), hlc + later);
        }
        for k in 0..2 {
            let date = window.start + chrono::Duration::days(((changed * 11 + k) % 300) as i64);
            let data = json!({"category": "tin_bao", "date": date.to_string(), "subject": "Trộm cắp tài sản",
                              "useful": k == 0});
            put(&uuid::Uuid::now_v7().to_string(), "activity", Some(data.to_string()), later);
        }
        bare.execute_batch("COMMIT").unwrap();
    }
}

/// The year's figures of a province whose every commune has two installations: cold after a stick
/// of edits from every commune, and every commune counted again, 20 runs each after 2 warm-up runs,
/// interleaved; the two checked equal each time.
fn several_pages(
    p: &mut Province,
    bare: &rusqlite::Connection,
    year: Period,
    window: &Window,
) -> (Vec<Duration>, Vec<Duration>) {
    let installations: Vec<(String, String, String)> = p
        .db()
        .installations()
        .unwrap()
        .into_iter()
        .filter_map(|i| Some((i.commune_code, i.installation_id?.to_string(), i.key_id)))
        .collect();
    for (code, _, _) in &installations {
        let second = phongtrao::crypto::SigningKey::generate().unwrap();
        p.register(code, &second.public).unwrap();
    }
    let (mut across, mut recount) = (Vec::new(), Vec::new());
    let mut changed = 1_000_000u64;
    for i in 0..22 {
        figures::figures(p, year, None).unwrap();
        stick_of_changes(bare, &installations, window, &mut changed);
        let t = Instant::now();
        let kept = figures::figures(p, year, None).unwrap();
        let took = t.elapsed();
        bare.execute("DELETE FROM figure_sums", []).unwrap();
        let t = Instant::now();
        let again = figures::figures(p, year, None).unwrap();
        let whole = t.elapsed();
        assert_eq!(kept, again, "the sums kept across installations equal every commune counted again");
        if i >= 2 {
            across.push(took);
            recount.push(whole);
        }
    }
    (across, recount)
}

//! Sync-bundle benchmarks, each measured side by side in one run: `cargo bench --bench sync` prints
//! the tables for docs/PERFORMANCE.md.
//!
//! 1. Export of 100 changes from a `demo --scale 100` store beside the same export from a
//!    `demo --scale 1` store: the cost must follow the changes, not the store's size.
//! 2. A full export beside the hand-made pipeline `sqlite3 DB .dump | zstd | age -r … | minisign -S`
//!    on the same store. Debian's `sqlite3` cannot read SQLCipher, so the pipeline dumps an
//!    unencrypted copy of the store made for the bench (`sqlcipher_export`); making that copy is not
//!    timed. Needs `sqlite3`, `zstd`, `age`, `minisign` (scripts/deps.sh installs them).
//! 3. The province's import of that full bundle (decryption, signature, hashes, per-record checks,
//!    merge, receipt) beside plain rusqlite inserts of the same rows into the same table.
//!
//! Set PHONGTRAO_BENCH_SCALE to use another scale for the large store (e.g. 10 for a quick run).
//! `cargo bench --bench sync -- import` measures only the import (3.), after the same full export.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    bench_store, copy_dir, copy_store, decrypted_copy, demo_key, ms, pct, plain_province, plain_rows, secs,
    side_by_side,
};
use phongtrao::crypto;
use phongtrao::demo::DEMO_PASSWORD;
use phongtrao::domain::{Doc, Kind};
use phongtrao::keyring::{KdfParams, Keyring};
use phongtrao::store::Store;
use phongtrao::sync::bundle;
use phongtrao::sync::commune::{self, ExportOptions, Exported};
use phongtrao::sync::province::{ImportOptions, Province};
use rusqlite::params;
use serde_json::json;

const PW: &str = "mat-khau-tinh-bench";
const TOOLS: [&str; 4] = ["sqlite3", "zstd", "age", "minisign"];

fn main() {
    for tool in TOOLS {
        let found = Command::new(tool).arg(if tool == "minisign" { "-v" } else { "--version" }).output().is_ok();
        assert!(found, "{tool} is missing: run scripts/deps.sh");
    }
    let scale: u32 = std::env::var("PHONGTRAO_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    // `cargo bench --bench sync -- import`: only the province import (cargo passes `--bench` too).
    let only_import = std::env::args().any(|a| a == "import");
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench").join("sync");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let out = work.join("usb");
    std::fs::create_dir_all(&out).unwrap();

    // A province, and two commune stores enrolled with it and registered there: copies of the cached
    // demo stores, so the cache stays as built.
    let tinh = work.join("tinh");
    let (mut province, enrollment) =
        Province::init(&tinh, PW, "51", "Quảng Ngãi", KdfParams::insecure_for_tests()).unwrap();
    let open = |scale: u32, name: &str, province: &mut Province| -> (PathBuf, Store) {
        let path = work.join(name);
        copy_store(&bench_store(scale), &path);
        let mut s = Store::unlock(&path, "nguyenvanan", DEMO_PASSWORD).unwrap();
        commune::enroll(&mut s, &enrollment).unwrap();
        let (key, _) = s.sync_keys().unwrap();
        let code = s.commune().unwrap().commune_code.clone();
        province.register(&code, &key.public).unwrap();
        (path, s)
    };
    let (big_path, mut big) = open(scale, "large.db", &mut province);
    let (_, mut small) = open(1, "small.db", &mut province);
    let recipient = province.meta().age_recipient.clone();
    let identity = crypto::parse_age_identity(&province.meta().age_identity).unwrap();
    drop(province);
    let snapshot = work.join("tinh-snapshot");
    copy_dir(&tinh, &snapshot);
    let live = |s: &Store| s.counts().unwrap().iter().map(|c| c.1).sum::<i64>();
    println!(
        "Stores: demo --scale {scale} ({} live records, {} MB), demo --scale 1 ({} live records, {} MB)",
        live(&big),
        std::fs::metadata(&big_path).unwrap().len() / 1_000_000,
        live(&small),
        std::fs::metadata(work.join("small.db")).unwrap().len() / 1_000_000,
    );

    // The first full export of each store (the large one is kept for the import), acknowledged as a
    // receipt would, then 100 new records: what a normal export carries.
    let full = |s: &mut Store| {
        commune::export(s, &out, &ExportOptions { full: true, ..Default::default() }, &mut |_, _| {}).unwrap()
    };
    let first = full(&mut big);
    let first_bytes = std::fs::read(&first.path).unwrap();
    let runs = 3;
    let med = |v: &[Duration]| pct(v, 0.5);
    if !only_import {
        let first_small = full(&mut small);
        for (s, e) in [(&mut big, &first), (&mut small, &first_small)] {
            s.acknowledge(&e.hash, &chrono::Utc::now().to_rfc3339()).unwrap();
            for i in 0..100 {
                let d =
                    json!({"name": format!("Thôn Bench {i}"), "kind": "thon", "households": 120, "population": 480});
                let d: Doc = d.as_object().unwrap().clone();
                s.create(Kind::Area, &d).unwrap();
            }
        }
        std::fs::remove_file(&first_small.path).unwrap();

        // 1. 100 changes from the large store and from the small one.
        let export100 = |s: &mut Store| {
            let e = commune::export(s, &out, &ExportOptions::default(), &mut |_, _| {}).unwrap();
            assert_eq!(e.changes, 100);
            std::fs::remove_file(&e.path).unwrap();
        };
        let (l, sm) = side_by_side(40, |_| export100(&mut big), |_| export100(&mut small));
        println!();
        println!(
            "1. Export of 100 changes (age-encrypted, signed, written with fsync), 40 runs each after 4 warm-up runs:"
        );
        println!();
        println!("| store | p50 | p95 |");
        println!("|---|---|---|");
        println!("| demo --scale {scale} | {} | {} |", ms(pct(&l, 0.5)), ms(pct(&l, 0.95)));
        println!("| demo --scale 1 | {} | {} |", ms(pct(&sm, 0.5)), ms(pct(&sm, 0.95)));
        println!(
            "| ratio | {:.2} | {:.2} |",
            pct(&l, 0.5).as_secs_f64() / pct(&sm, 0.5).as_secs_f64(),
            pct(&l, 0.95).as_secs_f64() / pct(&sm, 0.95).as_secs_f64()
        );

        // 2. Full export beside the hand-made pipeline, on the same store (its unencrypted copy).
        let key = demo_key(&big_path);
        let clear = decrypted_copy(&big_path, &key);
        let own = {
            let (_, age_secret) = big.sync_keys().unwrap();
            crypto::parse_age_identity(&age_secret).unwrap().to_public().to_string()
        };
        let (msk, mpk) = (work.join("minisign.key"), work.join("minisign.pub"));
        let made = Command::new("minisign")
            .args(["-G", "-W", "-f", "-q"])
            .arg("-s")
            .arg(&msk)
            .arg("-p")
            .arg(&mpk)
            .status()
            .unwrap();
        assert!(made.success(), "minisign -G -W failed");
        let pipeline = |what: &str, tag: &str| -> (Duration, u64) {
            let file = work.join(format!("dump-{tag}.sql.zst.age"));
            let t = Instant::now();
            let ok = Command::new("sh")
                .arg("-c")
                .arg(r#"set -e; sqlite3 "$1" "$2" | zstd -q -3 | age -r "$3" -r "$4" > "$5"; minisign -S -q -s "$6" -m "$5" -x "$5.minisig""#)
                .args(["sh", clear.to_str().unwrap(), what, &recipient, &own, file.to_str().unwrap(), msk.to_str().unwrap()])
                .status()
                .unwrap();
            let took = t.elapsed();
            assert!(ok.success(), "pipeline failed");
            let size = std::fs::metadata(&file).unwrap().len()
                + std::fs::metadata(format!("{}.minisig", file.display())).unwrap().len();
            std::fs::remove_file(&file).unwrap();
            (took, size)
        };
        let (mut ours, mut dump_all, mut dump_record) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ours_size, mut all_size, mut record_size, mut ours_changes) = (0, 0, 0, 0);
        for _ in 0..runs {
            let t = Instant::now();
            let e: Exported = full(&mut big);
            ours.push(t.elapsed());
            ours_size = std::fs::metadata(&e.path).unwrap().len();
            ours_changes = e.changes;
            std::fs::remove_file(&e.path).unwrap();
            let (d, n) = pipeline(".dump", "all");
            dump_all.push(d);
            all_size = n;
            let (d, n) = pipeline(".dump record", "record");
            dump_record.push(d);
            record_size = n;
        }
        let mb = |n: u64| format!("{:.1} MB", n as f64 / 1e6);
        println!();
        println!(
            "2. Full export ({ours_changes} changes) beside `sqlite3 DB .dump | zstd -3 | age -r … -r … | minisign -S` on an unencrypted copy ({}), median of {runs} runs, alternating:",
            mb(std::fs::metadata(&clear).unwrap().len())
        );
        println!();
        println!("| | median time | file size | ours: time ratio | ours: size ratio |");
        println!("|---|---|---|---|---|");
        println!("| phongtrao bundle export --full | {} | {} | | |", secs(med(&ours)), mb(ours_size));
        for (name, d, n) in [
            ("`.dump` (whole database)", &dump_all, all_size),
            ("`.dump record` (the records table only)", &dump_record, record_size),
        ] {
            println!(
                "| pipeline, {name} | {} | {} | {:.2} | {:.2} |",
                secs(med(d)),
                mb(n),
                med(&ours).as_secs_f64() / med(d).as_secs_f64(),
                ours_size as f64 / n as f64
            );
        }
    }

    // 3. The province's import of the first full bundle beside plain inserts of its rows.
    let big_key = phongtrao::crypto::PublicKey::parse(&big.sync_keys().unwrap().0.public).unwrap();
    let opened = bundle::open(&first_bytes, &[identity]).unwrap().verify(&big_key).unwrap();
    let (inst, commune_code, hash, rows) = plain_rows(&opened);
    let receipts = work.join("receipts");
    let plain_db = work.join("plain-province.db");
    let mut quarantined = 0;
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        copy_dir(&snapshot, &tinh);
        let mut p = Province::open(&tinh, PW).unwrap();
        let opts = ImportOptions { dry_run: false, receipt_dir: Some(receipts.clone()) };
        let t = Instant::now();
        let report = p.import_bytes(&first_bytes, &opts, chrono::Utc::now()).unwrap();
        ours.push(t.elapsed());
        let total = report.total();
        assert_eq!((total.new + total.rejected) as usize, rows.len());
        quarantined = total.rejected;
        drop(p);

        let c = plain_province(&plain_db);
        let t = Instant::now();
        c.execute_batch("BEGIN").unwrap();
        {
            let mut put = c
                .prepare_cached(
                    "INSERT INTO record (installation_id, id, commune_code, kind, data, hlc, origin, deleted, bundle)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .unwrap();
            for (id, kind, data, hlc, origin, deleted) in &rows {
                put.execute(params![inst, id, commune_code, kind, data, hlc, origin, deleted, hash]).unwrap();
            }
        }
        c.execute_batch("COMMIT").unwrap();
        plain.push(t.elapsed());
    }
    let rate = |d: Duration| rows.len() as f64 / d.as_secs_f64();
    println!();
    println!(
        "3. Province import of the full bundle ({} records, {} quarantined by the checks) beside plain inserts of the same rows, median of {runs} runs, alternating:",
        rows.len(),
        quarantined
    );
    println!();
    println!("| | median time | records/s |");
    println!("|---|---|---|");
    println!(
        "| phongtrao province import (decrypt, verify, check each record, merge, receipt) | {} | {:.0} |",
        secs(med(&ours)),
        rate(med(&ours))
    );
    println!(
        "| plain rusqlite: the same rows into the same table, one transaction, prepared statement | {} | {:.0} |",
        secs(med(&plain)),
        rate(med(&plain))
    );
    println!("| ours / plain rate | {:.0}% | |", 100.0 * rate(med(&ours)) / rate(med(&plain)));

    let _ = std::fs::remove_file(Keyring::path_for(&plain_db));
    drop((big, small));
    std::fs::remove_dir_all(&work).unwrap();
}

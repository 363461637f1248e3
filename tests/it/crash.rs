//! Crash safety: a process killed with SIGKILL at random moments, a hundred times, while it writes
//! records, takes backups, exports sync bundles and prints PDFs (each moment counted from the
//! process's own reports, so that what the test asks does not depend on the machine's speed). After each kill: the store opens, `PRAGMA integrity_check`
//! is ok, the audit chain holds, every record the process reported as committed is there, and every
//! file under a final name is whole.
//!
//! The process is this test binary itself, re-run on [`workload`] with `PHONGTRAO_CRASH_DIR` set: it
//! then works until it is killed, reporting each commit on stdout after it returns.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use phongtrao::sync::commune::{self, ExportOptions};
use phongtrao::sync::province::Province;
use phongtrao::{Kind, Store, backup};
use serde_json::json;

use crate::store::{doc, file_store};

const PW: &str = "mat-khau-dung";
const ENV: &str = "PHONGTRAO_CRASH_DIR";

/// What the killed process does, by round: 0 writes, 1 backups, 2 bundle exports, 3 prints, 4 all
/// mixed.
fn work(db: &Path, round: u64, mut report: impl FnMut(&str), stop_after: Option<u64>) {
    let mut s = Store::unlock(db, "nguyenvanan", PW).unwrap();
    let out = db.parent().unwrap().join("out");
    let mut i = 0u64;
    loop {
        if stop_after.is_some_and(|n| i >= n) {
            return;
        }
        let phase = if round % 5 == 4 { i % 4 } else { round % 5 };
        match phase {
            0 => {
                let saved = s
                    .create(
                        Kind::Area,
                        &doc(json!({"name": format!("Thôn {round}-{i}"), "kind": "thon", "households": 10 + i, "population": 40 + i})),
                    )
                    .unwrap();
                report(&format!("W {}", saved.id));
            }
            1 => {
                let info = backup::create(&s, &out).unwrap();
                report(&format!("B {}", info.path.display()));
            }
            2 => {
                // A few changes, then a bundle of everything (a large, slow write).
                s.create(Kind::Area, &doc(json!({"name": format!("Thôn gói {round}-{i}"), "kind": "thon", "households": 5, "population": 20})))
                    .unwrap();
                let opts = ExportOptions { full: true, ..Default::default() };
                let done = commune::export(&mut s, &out, &opts, &mut |_, _| {}).unwrap();
                report(&format!("E {}", done.path.display()));
            }
            _ => {
                let path = out.join(format!("bien-ban-{round}-{i}.pdf"));
                std::fs::create_dir_all(&out).unwrap();
                let pdf = sample_pdf(40);
                phongtrao::fsutil::write_atomic(&path, &pdf).unwrap();
                report(&format!("P {}", path.display()));
            }
        }
        i += 1;
    }
}

/// A minutes-like document of `n` paragraphs (a few pages).
fn sample_pdf(n: usize) -> Vec<u8> {
    use phongtrao::print::*;
    let mut doc = Document::new("Biên bản")
        .with(Header::new("Công an tỉnh Quảng Ngãi", "Công an xã Ia Đal").number(doc_number(5, "BB-CAX")))
        .with(Title::new("Biên bản").subject("Họp Tổ bảo vệ an ninh, trật tự"));
    for i in 0..n {
        doc.push(Paragraph::new(format!("Đoạn {i}: nội dung cuộc họp được ghi lại đầy đủ, đúng diễn biến.")));
    }
    render(&doc).unwrap()
}

/// In a killed process: works until killed. Run as a test: a few rounds of each kind of work,
/// checked like the crash test checks what a killed process left.
#[test]
fn workload() {
    if let Ok(dir) = std::env::var(ENV) {
        let dir = PathBuf::from(dir);
        let round: u64 = std::env::var("PHONGTRAO_CRASH_ROUND").unwrap().parse().unwrap();
        let stdout = std::io::stdout();
        work(
            &dir.join("xa.db"),
            round,
            |line| {
                let mut o = stdout.lock();
                writeln!(o, "{line}").unwrap();
                o.flush().unwrap();
            },
            None,
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = enrolled_store(dir.path());
    let mut reported = Vec::new();
    for round in 0..5 {
        work(&db, round, |l| reported.push(l.to_owned()), Some(3));
    }
    assert_eq!(reported.len(), 15);
    assert_eq!(reported.iter().filter(|l| l.starts_with("E ")).count(), 4, "3 in the exports' round, 1 mixed");
    check(&db, &reported);
}

/// A store enrolled with a province (so that it can export bundles).
fn enrolled_store(dir: &Path) -> PathBuf {
    let (db, mut s) = file_store(dir);
    let (_, enrollment) =
        Province::init(&dir.join("tinh"), PW, "51", "Quảng Ngãi", phongtrao::keyring::KdfParams::insecure_for_tests())
            .unwrap();
    commune::enroll(&mut s, &enrollment).unwrap();
    db
}

/// What a process left: the store is sound and holds every reported record; final files are whole.
fn check(db: &Path, reported: &[String]) -> usize {
    let mut s = Store::unlock(db, "nguyenvanan", PW).expect("the store opens after a crash");
    assert_eq!(s.integrity_check().unwrap(), "ok");
    assert!(s.audit_verify().unwrap().ok(), "the audit chain holds");
    let mut committed = 0;
    for line in reported {
        if let Some(id) = line.strip_prefix("W ") {
            let id = uuid::Uuid::parse_str(id).unwrap();
            assert!(s.get_any(id).unwrap().is_some(), "record {id} was reported committed and is gone");
            committed += 1;
        }
    }
    let out = db.parent().unwrap().join("out");
    if out.exists() {
        for entry in std::fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue; // a temporary name: never taken for a finished file
            }
            if name.ends_with(".ptb") {
                commune::verify(&mut s, &path)
                    .unwrap_or_else(|e| panic!("{name} is under a final name but broken: {e}"));
            } else if name.ends_with(".ptbak") {
                backup::verify(&path).unwrap_or_else(|e| panic!("{name} is under a final name but broken: {e}"));
            } else if name.ends_with(".pdf") {
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    bytes.starts_with(b"%PDF-") && bytes.trim_ascii_end().ends_with(b"%%EOF"),
                    "{name} is cut short"
                );
            } else {
                panic!("unexpected file {name}");
            }
        }
    }
    committed
}

/// A line of the killed process's output as it reported it: the test harness writes
/// «test crash::workload ... » before the first report, on the same line.
fn report(line: String) -> String {
    match line.split_once(" ... ") {
        Some((_, r)) => r.to_owned(),
        None => line,
    }
}

/// xorshift64*: random moments that a failure's seed reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing_committed() {
    let seed = std::env::var("PHONGTRAO_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    eprintln!("PHONGTRAO_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let db = enrolled_store(dir.path());
    let exe = std::env::current_exe().unwrap();
    let mut all_reported: Vec<String> = Vec::new();
    let mut kills = 0;
    let mut waited_for = 0;
    for round in 0..100u64 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash::workload", "--nocapture", "--test-threads", "1"])
            .env(ENV, dir.path())
            .env("PHONGTRAO_CRASH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok).map(report) {
                if ["W ", "B ", "E ", "P "].iter().any(|p| line.starts_with(p)) && tx.send(line).is_err() {
                    return;
                }
            }
        });
        // A random moment, whatever the machine's speed: after the child has reported 0 to 3 commits
        // (at least one in the first round of each kind of work), then 0–150 ms more (0–300 ms from the
        // start when no commit is waited for: during the unlock or the first write). No count of
        // commits depends on how fast the child runs.
        let commits = if round < 5 { 1 } else { rng.next() % 4 };
        let mut reported = Vec::new();
        for _ in 0..commits {
            match rx.recv() {
                Ok(line) => reported.push(line),
                Err(_) => panic!("the workload ended by itself in round {round}"),
            }
        }
        waited_for += commits as usize;
        let more = if commits == 0 { 300 } else { 150 };
        std::thread::sleep(Duration::from_millis(rng.next() % (more + 1)));
        assert!(child.try_wait().unwrap().is_none(), "the workload ended by itself in round {round}");
        child.kill().unwrap(); // SIGKILL on Unix, TerminateProcess on Windows
        child.wait().unwrap();
        kills += 1;
        reader.join().unwrap();
        reported.extend(rx.try_iter());
        all_reported.extend(reported);
        // Every round checks everything reported so far: nothing committed earlier is lost either.
        check(&db, &all_reported);
    }
    let committed = check(&db, &all_reported);
    assert_eq!(kills, 100);
    assert!(all_reported.len() >= waited_for, "every commit waited for was reported");
    assert!(committed >= 1, "records were written in the writes' round");
    assert!(all_reported.iter().any(|l| l.starts_with("B ")), "a backup finished in the backups' round");
    assert!(all_reported.iter().any(|l| l.starts_with("E ")), "an export finished in the exports' round");
    assert!(all_reported.iter().any(|l| l.starts_with("P ")), "a PDF was written in the prints' round");
    let cut_short = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with('.'))
        .count();
    eprintln!(
        "{kills} kills, {committed} committed records, {cut_short} files cut short (left under a temporary name)"
    );
}

const INTAKE_ENV: &str = "PHONGTRAO_CRASH_INTAKE";

/// The communes of the stick test, each with four bundles on the stick.
const COMMUNES: [&str; 3] = ["23430", "23437", "23535"];

/// A province on disk (`tinh`) and a stick (`usb`) holding four bundles of each of three enrolled
/// communes (their stores, in memory, returned to take their receipts home).
fn stick_world(dir: &Path) -> (PathBuf, PathBuf, Vec<Store>) {
    let tinh = dir.join("tinh");
    let usb = dir.join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let (mut p, enrollment) =
        Province::init(&tinh, PW, "51", "Quảng Ngãi", phongtrao::keyring::KdfParams::insecure_for_tests()).unwrap();
    let mut communes = Vec::new();
    for code in COMMUNES {
        let mut s = crate::sync::enrolled_in_memory(&mut p, &enrollment, code, |_| {});
        for n in 1..=4 {
            s.create(
                Kind::Area,
                &doc(json!({"name": format!("Thôn {n}"), "kind": "thon", "households": 10, "population": 40})),
            )
            .unwrap();
            commune::export(&mut s, &usb, &ExportOptions::default(), &mut |_, _| {}).unwrap();
        }
        communes.push(s);
    }
    (tinh, usb, communes)
}

/// The province takes in the stick, reporting each bundle's hash once its import is committed (`I`),
/// and the end, once every receipt is written (`F`).
fn take_in(tinh: &Path, usb: &Path, mut report: impl FnMut(&str)) {
    use phongtrao::province::intake::{IntakeOptions, Status, Stick};
    let mut p = Province::open(tinh, PW).unwrap();
    let mut stick = Stick::open(&mut p, &[usb.to_path_buf()], IntakeOptions::default()).unwrap();
    while let Some(o) = stick.step(&mut p, chrono::Utc::now()) {
        if o.status == Status::Imported {
            report(&format!("I {}", o.report.as_ref().unwrap().hash));
        }
    }
    assert!(stick.finish().all_ok());
    report("F");
}

/// In a killed process: takes in the stick of [`INTAKE_ENV`]'s folder. Run as a test: one whole
/// intake, checked like the crash test checks what a killed one left.
#[test]
fn intake_workload() {
    let stdout = std::io::stdout();
    let print = |line: &str| {
        let mut o = stdout.lock();
        writeln!(o, "{line}").unwrap();
        o.flush().unwrap();
    };
    if let Ok(dir) = std::env::var(INTAKE_ENV) {
        let dir = PathBuf::from(dir);
        // After each report, waits for the test's word on stdin to go on (none once stdin is closed).
        let mut word = String::new();
        take_in(&dir.join("tinh"), &dir.join("usb"), |line| {
            print(line);
            word.clear();
            std::io::stdin().read_line(&mut word).unwrap();
        });
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (tinh, usb, mut communes) = stick_world(dir.path());
    let mut reported = Vec::new();
    take_in(&tinh, &usb, |l| reported.push(l.to_owned()));
    assert_eq!(reported.len(), 13, "{reported:?}");
    check_intake(&tinh, &usb, &reported);
    for (s, code) in communes.iter_mut().zip(COMMUNES) {
        assert_eq!(take_receipts_home(s, &usb, code), (1..=4).collect::<Vec<i64>>());
    }
}

/// What a killed intake left: the province store is sound, every import reported as committed is
/// there, and no receipt on the stick is for a bundle the province has not imported (each commune
/// folder holds at most as many receipts, under final names, as the province imported of its bundles).
fn check_intake(tinh: &Path, usb: &Path, reported: &[String]) {
    let p = Province::open(tinh, PW).expect("the province's store opens after a crash");
    assert_eq!(p.db().integrity_check().unwrap(), "ok");
    assert!(p.db().audit_intact().unwrap(), "the audit chain holds");
    let imported = p.db().bundles().unwrap();
    for line in reported {
        if let Some(hash) = line.strip_prefix("I ") {
            assert!(imported.iter().any(|b| b.hash == hash), "bundle {hash} was reported imported and is gone");
        }
    }
    for code in COMMUNES {
        let on_stick = final_receipts(usb, code).len();
        let of_commune = imported.iter().filter(|b| b.commune_code == code).count();
        assert!(on_stick <= of_commune, "{code}: {on_stick} receipts on the stick for {of_commune} bundles imported");
    }
}

/// The receipts under a final name in a commune's folder on the stick (a temporary name, `.…tmp-…`,
/// is never taken for one).
fn final_receipts(usb: &Path, code: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(usb.join("bien-nhan").join(code)) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    out.sort();
    out
}

/// Every receipt of the commune's folder taken home: the bundles they acknowledge, in order; each
/// once, and the commune's sync state acknowledges its last change.
fn take_receipts_home(s: &mut Store, usb: &Path, code: &str) -> Vec<i64> {
    let mut seqs = Vec::new();
    for path in final_receipts(usb, code) {
        match commune::import(s, &path).unwrap_or_else(|e| panic!("{} is broken: {e}", path.display())) {
            commune::Imported::Receipt { bundle_seq, .. } => seqs.push(bundle_seq),
            other => panic!("{other:?}"),
        }
    }
    seqs.sort();
    let n = seqs.len();
    seqs.dedup();
    assert_eq!(seqs.len(), n, "one receipt a bundle");
    assert_eq!(s.sync_state().unwrap().acked_seq, s.last_seq().unwrap());
    seqs
}

/// The province's program killed with SIGKILL at random moments of a stick's intake (while bundles
/// are imported, or while the receipts are written at the end), a dozen times over the same stick:
/// no import reported committed is lost, no receipt is on the stick before its import is on the
/// province's disk; then one intake to its end imports what is left, each bundle once, and writes
/// every missing receipt: each commune takes home one receipt for each of its bundles.
#[test]
fn sigkill_during_a_stick_intake_loses_no_import_and_the_next_intake_writes_every_receipt() {
    let seed = std::env::var("PHONGTRAO_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    eprintln!("PHONGTRAO_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let (tinh, usb, mut communes) = stick_world(dir.path());
    let exe = std::env::current_exe().unwrap();
    let mut all_reported: Vec<String> = Vec::new();
    let (mut killed, mut ended) = (0, 0);
    for round in 0..12u64 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash::intake_workload", "--nocapture", "--test-threads", "1"])
            .env(INTAKE_ENV, dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok).map(report) {
                if (line.starts_with("I ") || line == "F") && tx.send(line).is_err() {
                    return;
                }
            }
        });
        // The child waits for a word after each report. Even rounds: killed while it waits after 1 to 3
        // bundles imported in this round (between two bundles, for sure, while any is left to import).
        // Odd rounds: let go after 0 to 3 (stdin closed), killed 0–60 ms later: in a transaction, while
        // a replay gets its receipt, while the receipts are written, or after the end.
        let mut go = child.stdin.take();
        let between = round % 2 == 0;
        let wanted = if between { 1 + rng.next() % 3 } else { rng.next() % 4 };
        let mut reported = Vec::new();
        for n in 1..=wanted {
            match rx.recv() {
                Ok(line) => reported.push(line),
                Err(_) => break, // the intake ended by itself
            }
            if !(between && n == wanted) {
                let _ = go.as_mut().map(|w| w.write_all(b"go\n"));
            }
        }
        if !between {
            drop(go.take());
            std::thread::sleep(Duration::from_millis(rng.next() % 61));
        }
        match child.try_wait().unwrap() {
            Some(_) => ended += 1,
            None => {
                child.kill().unwrap(); // SIGKILL on Unix, TerminateProcess on Windows
                killed += 1;
            }
        }
        child.wait().unwrap();
        drop(go);
        reader.join().unwrap();
        reported.extend(rx.try_iter());
        eprintln!("round {round}: {} reported", reported.len());
        all_reported.extend(reported);
        check_intake(&tinh, &usb, &all_reported);
    }
    assert!(killed >= 1, "the first round's intake was killed between two bundles ({killed} killed, {ended} ended)");
    // Once more, to the end: what is left imported, every missing receipt written.
    let mut last = Vec::new();
    take_in(&tinh, &usb, |l| last.push(l.to_owned()));
    check_intake(&tinh, &usb, &last);
    let p = Province::open(&tinh, PW).unwrap();
    assert_eq!(p.db().bundles().unwrap().len(), 12, "each bundle imported once");
    drop(p);
    for (s, code) in communes.iter_mut().zip(COMMUNES) {
        assert_eq!(take_receipts_home(s, &usb, code), (1..=4).collect::<Vec<i64>>(), "{code}");
    }
    eprintln!("{killed} intakes killed, {ended} ended by themselves");
}

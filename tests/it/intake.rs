//! The stick's intake (`province::intake`): every bundle imported in its own transaction, the
//! receipts written after the imports in one pass, and a stick interrupted half-way (the program
//! killed, the stick pulled, the stick full) recovered by importing it again: the bundles already
//! imported are replays, and each one whose receipt is not on the stick gets it written again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use phongtrao::domain::Kind;
use phongtrao::keyring::KdfParams;
use phongtrao::province::intake::{self, IntakeOptions, Status};
use phongtrao::store::Store;
use phongtrao::sync::commune::{self, ExportOptions};
use phongtrao::sync::province::Province;
use serde_json::json;

use crate::sync::{PW, doc, enrolled_in_memory};

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

    /// An enrolled, registered, empty commune store.
    fn commune(&mut self, code: &str) -> Store {
        enrolled_in_memory(&mut self.province, &self.enrollment, code, |_| {})
    }

    /// The commune adds an area and exports a bundle onto the stick.
    fn send(&self, s: &mut Store, name: &str) -> PathBuf {
        s.create(Kind::Area, &doc(json!({"name": name, "kind": "thon", "households": 10, "population": 40}))).unwrap();
        commune::export(s, &self.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap().path
    }

    /// The province program started again (after it was killed): the store opened anew.
    fn restart(&mut self) {
        self.province = Province::open(&self.dir.path().join("tinh"), PW).unwrap();
    }

    fn intake(&mut self) -> intake::Intake {
        let usb = self.usb();
        intake::import_paths(&mut self.province, &[usb], &IntakeOptions::default(), &mut |_, _| {}).unwrap()
    }
}

/// The receipts in a commune's folder on the stick, by file name.
fn receipts(usb: &Path, code: &str) -> BTreeSet<String> {
    match std::fs::read_dir(usb.join(intake::RECEIPTS).join(code)) {
        Ok(d) => d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => BTreeSet::new(),
    }
}

/// Takes every receipt of its folder home to the commune; returns the bundles they acknowledged.
fn take_home(s: &mut Store, usb: &Path, code: &str) -> BTreeSet<i64> {
    let mut seqs = BTreeSet::new();
    for name in receipts(usb, code) {
        assert!(!name.starts_with('.'), "no temporary file left on the stick: {name}");
        match commune::import(s, &usb.join(intake::RECEIPTS).join(code).join(&name)).unwrap() {
            commune::Imported::Receipt { bundle_seq, .. } => assert!(seqs.insert(bundle_seq), "one receipt a bundle"),
            other => panic!("{other:?}"),
        }
    }
    seqs
}

#[test]
fn every_bundle_of_a_stick_gets_its_receipt_written_after_all_the_imports() {
    let mut w = world();
    let mut a = w.commune("23430");
    let mut b = w.commune("23437");
    for n in 1..=3 {
        w.send(&mut a, &format!("Thôn {n}"));
    }
    w.send(&mut b, "Thôn A");
    let mut seen = Vec::new();
    let usb = w.usb();
    let done = intake::import_paths(&mut w.province, &[usb], &IntakeOptions::default(), &mut |d, t| seen.push((d, t)))
        .unwrap();
    assert_eq!(seen.last(), Some(&(4, 4)));
    assert!(done.all_ok(), "{:?}", done.outcomes.iter().map(|o| &o.message).collect::<Vec<_>>());
    assert_eq!(done.count(Status::Imported), 4);
    for o in &done.outcomes {
        let r = o.receipt.as_ref().expect("a receipt for every bundle imported");
        assert!(r.is_file(), "{}", r.display());
        assert_eq!(o.report.as_ref().unwrap().receipt.as_ref(), Some(r), "the report names it too");
        assert!(r.starts_with(w.usb().join("bien-nhan").join(o.commune_code.as_deref().unwrap())));
    }
    assert_eq!(take_home(&mut a, &w.usb(), "23430"), BTreeSet::from([1, 2, 3]));
    assert_eq!(take_home(&mut b, &w.usb(), "23437"), BTreeSet::from([1]));
    assert_eq!(a.sync_state().unwrap().acked_seq, a.last_seq().unwrap());
    assert_eq!(b.sync_state().unwrap().acked_seq, b.last_seq().unwrap());

    // Again: every bundle is a replay, and its receipt is on the stick already: none written.
    let again = w.intake();
    assert!(again.all_ok());
    assert_eq!(again.count(Status::Replay), 4);
    assert!(again.outcomes.iter().all(|o| o.receipt.is_none()), "no receipt written twice");
    assert_eq!(receipts(&w.usb(), "23430").len(), 3);
    assert_eq!(receipts(&w.usb(), "23437").len(), 1);
    assert!(again.outcomes.iter().all(|o| !o.message.contains("ghi lại")), "{:?}", again.outcomes[0].message);
}

/// The program killed between two bundles of a stick (here: the intake dropped before its end, as a
/// killed process leaves it): the bundles imported stay imported, no receipt nor temporary file is
/// on the stick; importing the stick again imports the rest and writes every missing receipt.
#[test]
fn a_stick_interrupted_between_bundles_is_recovered_by_importing_it_again() {
    let mut w = world();
    let mut a = w.commune("23430");
    let mut b = w.commune("23437");
    for n in 1..=3 {
        w.send(&mut a, &format!("Thôn {n}"));
    }
    for n in 1..=2 {
        w.send(&mut b, &format!("Thôn {n}"));
    }
    let files = intake::collect(&[w.usb()]).unwrap();
    assert_eq!(files.len(), 5);
    {
        let mut run = intake::Run::new(IntakeOptions::default());
        for f in &files[..3] {
            assert_eq!(run.import_at(&mut w.province, f, chrono::Utc::now()).status, Status::Imported);
        }
        // Killed here: `finish` never runs.
    }
    w.restart();
    assert_eq!(w.province.db().bundles().unwrap().len(), 3, "the three imports are committed");
    assert!(!w.usb().join(intake::RECEIPTS).exists(), "nothing written on the stick yet");

    let done = w.intake();
    assert!(done.all_ok(), "{:?}", done.outcomes.iter().map(|o| &o.message).collect::<Vec<_>>());
    assert_eq!((done.count(Status::Replay), done.count(Status::Imported)), (3, 2));
    for o in done.outcomes.iter().filter(|o| o.status == Status::Replay) {
        assert!(o.message.contains("đã ghi lại"), "{}", o.message);
        assert!(o.receipt.as_ref().is_some_and(|r| r.is_file()));
    }
    assert_eq!(w.province.db().bundles().unwrap().len(), 5, "each bundle imported once");
    assert_eq!(take_home(&mut a, &w.usb(), "23430"), BTreeSet::from([1, 2, 3]));
    assert_eq!(take_home(&mut b, &w.usb(), "23437"), BTreeSet::from([1, 2]));
    assert_eq!(a.sync_state().unwrap().acked_seq, a.last_seq().unwrap());
    assert_eq!(b.sync_state().unwrap().acked_seq, b.last_seq().unwrap());

    // A receipt the commune mislaid (deleted from the stick) is written again, only that one.
    let folder = w.usb().join(intake::RECEIPTS).join("23437");
    let lost = receipts(&w.usb(), "23437").into_iter().next().unwrap();
    std::fs::remove_file(folder.join(&lost)).unwrap();
    let again = w.intake();
    assert!(again.all_ok());
    assert_eq!(again.count(Status::Replay), 5);
    assert_eq!(again.outcomes.iter().filter(|o| o.receipt.is_some()).count(), 1);
    assert_eq!(receipts(&w.usb(), "23437").len(), 2);
    assert_eq!(receipts(&w.usb(), "23430").len(), 3);
}

/// A stick that fills up while the receipts are written: the imports are committed and said so,
/// the officer is told the receipts are missing and how to get them; nothing half-written is left;
/// importing the stick again (with room on it) writes them.
#[test]
fn receipts_that_could_not_be_written_are_written_at_the_next_intake_of_the_stick() {
    let mut w = world();
    let mut a = w.commune("23430");
    w.send(&mut a, "Thôn 1");
    w.send(&mut a, "Thôn 2");
    phongtrao::fsutil::inject_write_error(Some(std::io::ErrorKind::StorageFull));
    let done = w.intake();
    phongtrao::fsutil::inject_write_error(None);
    assert!(!done.all_ok());
    assert_eq!(done.count(Status::Imported), 2);
    for o in &done.outcomes {
        assert_eq!(o.code.as_deref(), Some(intake::RECEIPT_NOT_WRITTEN));
        assert!(o.receipt.is_none());
        assert!(
            o.message.starts_with("Đã nhập gói số")
                && o.message.contains("chưa ghi được biên nhận")
                && o.message.contains("đầy")
                && o.message.contains("nhập lại gói này"),
            "{}",
            o.message
        );
    }
    assert!(receipts(&w.usb(), "23430").is_empty(), "no file, not even a temporary one");
    assert_eq!(w.province.db().bundles().unwrap().len(), 2, "the imports are committed");

    let again = w.intake();
    assert!(again.all_ok(), "{:?}", again.outcomes.iter().map(|o| &o.message).collect::<Vec<_>>());
    assert_eq!(again.count(Status::Replay), 2);
    assert_eq!(take_home(&mut a, &w.usb(), "23430"), BTreeSet::from([1, 2]));
    assert_eq!(a.sync_state().unwrap().acked_seq, a.last_seq().unwrap());
}

/// A dry run writes nothing, not even the receipt of a replay whose receipt is missing.
#[test]
fn a_dry_run_of_a_stick_writes_no_receipt() {
    let mut w = world();
    let mut a = w.commune("23430");
    let f = w.send(&mut a, "Thôn 1");
    let mut run = intake::Run::new(IntakeOptions::default());
    run.import_at(&mut w.province, &f, chrono::Utc::now());
    drop(run);
    let usb = w.usb();
    let dry = intake::import_paths(
        &mut w.province,
        &[usb],
        &IntakeOptions { dry_run: true, receipt_root: None },
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(dry.count(Status::Replay), 1);
    assert!(!w.usb().join(intake::RECEIPTS).exists());
}

/// The window's intake, one bundle per call (`intake::Stick`): stopped half-way and finished (the
/// officer logged out, the window closed) the bundles done have their receipts and the others wait
/// untouched; stopped half-way and dropped (the program killed) nothing is on the stick. Either way
/// importing the stick again imports the rest, each bundle once, and every receipt ends on the stick.
#[test]
fn a_stick_taken_one_bundle_at_a_time_and_stopped_half_way_ends_with_every_receipt() {
    let mut w = world();
    let mut a = w.commune("23430");
    let mut b = w.commune("23437");
    for n in 1..=3 {
        w.send(&mut a, &format!("Thôn {n}"));
    }
    for n in 1..=3 {
        w.send(&mut b, &format!("Thôn {n}"));
    }
    let usb = w.usb();
    let mut stick = intake::Stick::open(&mut w.province, std::slice::from_ref(&usb), IntakeOptions::default()).unwrap();
    assert_eq!((stick.done(), stick.total()), (0, 6));
    assert!(stick.recovered().is_some_and(|r| r.read == 0), "nothing of the province's own on the stick");
    for n in 1..=2 {
        let o = stick.step(&mut w.province, chrono::Utc::now()).unwrap();
        assert_eq!(o.status, Status::Imported, "{}", o.message);
        assert!(o.receipt.is_none(), "the receipt waits for the end");
        assert_eq!(stick.done(), n);
    }
    assert!(!usb.join(intake::RECEIPTS).exists());
    // Stopped here and finished: the two receipts written, the other bundles not imported.
    let (left, total) = (stick.left().to_vec(), stick.total());
    assert_eq!(left.len(), 4);
    let first = stick.finish();
    assert_eq!(first.outcomes.len(), 2);
    // What the officer who logs in next is told (the idle lock or a logout ended it): how far it
    // went, what was not imported, that the receipts are on the stick, what to do.
    let cut = phongtrao::present::province::intake_cut(&first, &left, total).expect("cut short");
    assert!(
        cut.message.contains(
            "đã xử lý 2/6 gói — 2 gói nhập mới, 0 gói đã nhập trước đây, 0 gói bị từ chối; còn 4 gói chưa nhập"
        ),
        "{}",
        cut.message
    );
    assert!(
        cut.message.contains("biên nhận của chúng đã ghi vào USB") && cut.message.contains("«Nhập tất cả»"),
        "{}",
        cut.message
    );
    assert_eq!(cut.lines.len(), 2);
    assert!(cut.lines.iter().all(|l| l.status == "imported" && l.receipt.is_some()));
    let names: Vec<String> = left.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(cut.left, names);
    assert!(phongtrao::present::province::intake_cut(&first, &[], total).is_none(), "every bundle reached");
    assert!(first.all_ok() && first.outcomes.iter().all(|o| o.receipt.as_ref().is_some_and(|r| r.is_file())));
    assert_eq!(w.province.db().bundles().unwrap().len(), 2);

    // Again, stepped to the fifth bundle and dropped (killed): three more imported, no receipt.
    let mut stick = intake::Stick::open(&mut w.province, std::slice::from_ref(&usb), IntakeOptions::default()).unwrap();
    let statuses: Vec<Status> =
        (0..5).map(|_| stick.step(&mut w.province, chrono::Utc::now()).unwrap().status).collect();
    assert_eq!(statuses, [Status::Replay, Status::Replay, Status::Imported, Status::Imported, Status::Imported]);
    drop(stick);
    w.restart();
    assert_eq!(w.province.db().bundles().unwrap().len(), 5);
    assert_eq!(receipts(&usb, "23430").len(), 2);
    assert!(receipts(&usb, "23437").is_empty());

    // The whole stick again: the last bundle imported, the three missing receipts written again.
    let mut stick = intake::Stick::open(&mut w.province, std::slice::from_ref(&usb), IntakeOptions::default()).unwrap();
    while stick.step(&mut w.province, chrono::Utc::now()).is_some() {}
    assert_eq!(stick.done(), 6);
    let done = stick.finish();
    assert!(done.all_ok(), "{:?}", done.outcomes.iter().map(|o| &o.message).collect::<Vec<_>>());
    assert_eq!((done.count(Status::Replay), done.count(Status::Imported)), (5, 1));
    let again: Vec<_> = done.outcomes.iter().filter(|o| o.message.contains("đã ghi lại")).collect();
    assert_eq!(again.len(), 3, "the receipts lost with the killed run, and only those");
    assert_eq!(w.province.db().bundles().unwrap().len(), 6, "each bundle imported once");
    assert_eq!(take_home(&mut a, &usb, "23430"), BTreeSet::from([1, 2, 3]));
    assert_eq!(take_home(&mut b, &usb, "23437"), BTreeSet::from([1, 2, 3]));
    assert_eq!(a.sync_state().unwrap().acked_seq, a.last_seq().unwrap());
    assert_eq!(b.sync_state().unwrap().acked_seq, b.last_seq().unwrap());
}

/// A stick's bundles are read ahead on another thread while the one before is imported
/// (`intake::Stick`, `sync::province::Reader`): each bundle must come out exactly as when imported one by one, whatever
/// is wrong with it. The same stick, from the same province, both ways: good bundles, a replay, a
/// gap, a damaged file, a file that is not encrypted, an empty file, a key never registered, a
/// revoked key; then the province's records, chains and gaps compared.
#[test]
fn a_stick_read_ahead_gives_every_bundle_what_one_by_one_gives() {
    let mut w = crate::sync::world();
    let mut a = w.commune("23430", true);
    let mut b = w.commune("23437", true);
    let mut c = w.commune("23440", false);
    let mut d = w.commune("23443", true);
    let area = |s: &mut Store, name: &str| {
        s.create(Kind::Area, &doc(json!({"name": name, "kind": "thon", "households": 10, "population": 40}))).unwrap();
    };
    let mut made = Vec::new();
    for (s, n) in [(&mut a, 3), (&mut b, 3), (&mut c, 1), (&mut d, 1)] {
        for k in 1..=n {
            area(s, &format!("Thôn {k}"));
            made.push(w.export(s));
        }
    }
    // Bundle 1 of 23430 was imported at an earlier intake (a replay now); 23437's bundle 2 is not on
    // the stick (a gap); 23443's key was revoked after it sent.
    w.import(&made[0]).unwrap();
    std::fs::remove_file(&made[4]).unwrap();
    let revoked = w.province.db().installations().unwrap().into_iter().find(|i| i.commune_code == "23443").unwrap();
    w.province.revoke_because(&revoked.key_id, "Máy bị mất").unwrap();
    let usb = w.usb();
    let mut damaged = std::fs::read(&made[1]).unwrap();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x20;
    std::fs::write(&made[1], damaged).unwrap();
    std::fs::write(usb.join("51-23450-000001-20261120.ptb"), "không phải gói").unwrap();
    std::fs::write(usb.join("51-23451-000001-20261120.ptb"), "").unwrap();

    let tinh = w.dir.path().join("tinh");
    let copy = |to: &str| {
        let to = w.dir.path().join(to);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(&tinh).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
        Province::open(&to, crate::sync::PW).unwrap()
    };
    let (mut ahead, mut one_by_one) = (copy("tinh-1"), copy("tinh-2"));
    let root = w.dir.path().to_owned();
    let opts = |to: &str| IntakeOptions { dry_run: false, receipt_root: Some(root.join(to)) };

    let read = intake::import_paths(&mut ahead, std::slice::from_ref(&usb), &opts("bn-1"), &mut |_, _| {}).unwrap();
    let mut run = intake::Run::new(opts("bn-2"));
    for f in intake::collect(std::slice::from_ref(&usb)).unwrap() {
        run.import_at(&mut one_by_one, &f, chrono::Utc::now());
    }
    let sequential = run.finish();

    // What the officer sees of each bundle: file, status, code, number, message.
    let seen = |i: &intake::Intake| -> Vec<String> {
        i.outcomes
            .iter()
            .map(|o| format!("{} {:?} {:?} {:?} {}", o.file.display(), o.status, o.code, o.seq, o.message))
            .collect()
    };
    assert_eq!(seen(&read), seen(&sequential));
    let codes: BTreeSet<String> = read.outcomes.iter().filter_map(|o| o.code.clone()).collect();
    for code in ["bundle_replay", "bundle_damaged", "bundle_unencrypted", "bundle_unknown_key", "bundle_revoked"] {
        assert!(codes.contains(code), "{code} in {codes:?}");
    }
    assert_eq!(read.count(Status::Imported), 3, "23430's 3, 23437's 1 and 3: {:?}", seen(&read));
    assert!(read.outcomes.iter().any(|o| o.message.contains("thiếu gói số 2")), "the gap is said");
    let state = |p: &Province| {
        let db = p.db();
        db.installations()
            .unwrap()
            .into_iter()
            .map(|i| {
                let records = i.installation_id.map(|id| db.records(id).unwrap());
                (
                    i.key_id.clone(),
                    i.epoch,
                    i.last_seq,
                    i.head_hash,
                    db.gaps(&i.key_id).unwrap(),
                    format!("{records:?}"),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(state(&ahead), state(&one_by_one));
    let written = |i: &intake::Intake| i.outcomes.iter().filter(|o| o.receipt.is_some()).count();
    // The three imported, and the replay's (its receipt is not in this stick's folder).
    assert_eq!((written(&read), written(&sequential)), (4, 4));

    // A key registered after the reader was made: the bundle it read is read again with it.
    let reader = ahead.reader().unwrap();
    let mut e = w.commune("23446", false);
    area(&mut e, "Thôn Mới");
    let file = w.export(&mut e);
    let read = reader.read(&file);
    let (key, _) = e.sync_keys().unwrap();
    ahead.register("23446", &key.public).unwrap();
    let mut run = intake::Run::new(opts("bn-3"));
    let o = run.import_read(&mut ahead, &file, read, chrono::Utc::now());
    assert_eq!(o.status, Status::Imported, "{}", o.message);
}

/// The records of a small bundle have their fields parsed and looked at by the reader, ahead of
/// the import: a bundle with records breaking rules (a rule of the register, a link to nothing, a
/// key given twice, a control character, fields that are not JSON) puts aside the same records
/// with the same reasons read ahead as read in turn.
#[test]
fn records_read_ahead_are_put_aside_as_when_read_in_turn() {
    use phongtrao::sync::bundle;
    let mut w = crate::sync::world();
    let mut s = crate::sync::demo_commune(&mut w);
    let e = crate::sync::full_export(&w, &mut s);
    let (key, _) = s.sync_keys().unwrap();
    let bytes = std::fs::read(&e.path).unwrap();
    let (manifest, _) = crate::sync_attacks::unpack(&w, &bytes);
    let mut lines: Vec<serde_json::Value> =
        crate::sync_attacks::lines_of(&w, &bytes).iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let first = |lines: &[serde_json::Value], kind: &str, has: &str| {
        lines.iter().position(|l| l["kind"] == kind && !l["data"][has].is_null()).unwrap()
    };
    let area = first(&lines, "area", "households");
    let households = lines[area]["data"]["households"].as_i64().unwrap();
    lines[area]["data"]["population"] = json!(households - 1);
    let member = first(&lines, "member", "team_id");
    lines[member]["data"]["team_id"] = json!(uuid::Uuid::now_v7().to_string());
    let team = first(&lines, "team", "name");
    lines[team]["data"]["name"] = json!("Tổ\u{7}An ninh");
    let mut text: String = lines.iter().map(|l| l.to_string() + "\n").collect();
    let twice_at = first(&lines, "commendation", "recipient");
    let line = lines[twice_at].to_string();
    text = text.replace(&line, &line.replacen("\"recipient\":", "\"recipient\":\"Tên khác\",\"recipient\":", 1));
    let payload = bundle::compress(text.as_bytes()).unwrap();
    assert!(payload.len() < 2 << 20, "a bundle small enough to be parsed ahead");
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let (sealed, _, _) =
        bundle::write(manifest.clone(), &[("changes.jsonl.zst".into(), payload)], &key, &[recipient]).unwrap();
    let usb = w.usb();
    std::fs::remove_file(&e.path).unwrap();
    let file = usb.join("51-23430-000001-20261120.ptb");
    std::fs::write(&file, sealed).unwrap();

    let tinh = w.dir.path().join("tinh");
    let other = w.dir.path().join("tinh-2");
    std::fs::create_dir_all(&other).unwrap();
    for f in std::fs::read_dir(&tinh).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), other.join(f.file_name())).unwrap();
    }
    let mut in_turn = Province::open(&other, crate::sync::PW).unwrap();
    let opts = IntakeOptions { dry_run: false, receipt_root: Some(w.dir.path().join("bn")) };
    let ahead = intake::import_paths(&mut w.province, std::slice::from_ref(&usb), &opts, &mut |_, _| {}).unwrap();
    let mut run = intake::Run::new(IntakeOptions { receipt_root: Some(w.dir.path().join("bn-2")), ..opts });
    run.import_at(&mut in_turn, &file, chrono::Utc::now());
    let in_turn = run.finish();
    let put_aside = |i: &intake::Intake| -> BTreeSet<String> {
        let r = i.outcomes[0].report.as_ref().expect("imported");
        r.quarantined.iter().map(|q| format!("{} {}: {}", q.kind, q.record_id, q.reason)).collect()
    };
    assert_eq!(put_aside(&ahead), put_aside(&in_turn));
    assert_eq!(put_aside(&ahead).len(), 4, "{:#?}", put_aside(&ahead));
    assert!(put_aside(&ahead).iter().any(|r| r.contains("hai lần")), "{:#?}", put_aside(&ahead));
    assert_eq!(ahead.outcomes[0].message, in_turn.outcomes[0].message);
}

//! Backups and restore: the file, its checks, the rotation, the new sync epoch, the command line.

use std::path::{Path, PathBuf};

use chrono::{Local, TimeZone};
use phongtrao::backup;
use phongtrao::{Kind, Store};
use serde_json::json;

use crate::cli::{INIT, phongtrao, phongtrao_ok};
use crate::store::{doc, file_store};

const PW: &str = "mat-khau-dung";

fn add_area(s: &mut Store, name: &str) -> uuid::Uuid {
    s.create(Kind::Area, &doc(json!({"name": name, "kind": "thon", "households": 120, "population": 480}))).unwrap().id
}

fn titles(s: &Store) -> Vec<String> {
    s.list(Kind::Area, &Default::default()).unwrap().records.into_iter().map(|r| r.title).collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn a_backup_verifies_and_restores_what_was_saved_then() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut s) = file_store(dir.path());
    add_area(&mut s, "Thôn Một");
    let seq_at_backup = s.last_seq().unwrap();
    let out = dir.path().join("usb");
    let info = backup::create(&s, &out).unwrap();
    assert!(info.path.starts_with(&out));
    assert_eq!(info.header.store.last_seq, seq_at_backup);
    assert_eq!(info.header.store.sync_epoch, 0);
    // Only the backup itself is in the folder: no temporary left over.
    assert_eq!(files_in(&out), vec![info.path.file_name().unwrap().to_string_lossy().into_owned()]);
    // The store keeps going after the backup; these changes are not in it.
    add_area(&mut s, "Thôn Hai");
    let sent_seq = s.last_seq().unwrap();
    drop(s);

    let checked = backup::check(&info.path, dir.path(), "nguyenvanan", PW).unwrap();
    assert_eq!(checked.records, 1);
    assert_eq!(checked.integrity, "ok");

    let restored = backup::restore(&info.path, &db, "nguyenvanan", PW).unwrap();
    assert_eq!(restored.sync_epoch, 1);
    let aside = restored.aside.clone().expect("the replaced store is kept");
    // The replaced store still opens, with both areas.
    let old = Store::unlock(&aside, "nguyenvanan", PW).unwrap();
    assert_eq!(titles(&old), ["Thôn Hai", "Thôn Một"]);
    drop(old);

    let mut s = Store::unlock(&db, "nguyenvanan", PW).unwrap();
    assert_eq!(titles(&s), ["Thôn Một"]);
    assert_eq!(s.sync_epoch().unwrap(), 1);
    // The new epoch's sequence numbers are above every number issued before, even after the backup.
    assert!(s.last_seq().unwrap() >= 1 << 32);
    add_area(&mut s, "Thôn Ba");
    let new_seq = s.changes_since(0, 100).unwrap().iter().map(|c| c.seq).max().unwrap();
    assert!(new_seq > sent_seq && new_seq > 1 << 32, "{new_seq}");
    let log = s.audit_tail(10).unwrap();
    assert!(log.iter().any(|e| e.action == "restore"), "the restore is audited");
    assert!(s.audit_verify().unwrap().ok());
    assert_eq!(s.integrity_check().unwrap(), "ok");
    // No scratch folder or temporary is left beside the store.
    let names = files_in(dir.path());
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn a_damaged_backup_is_refused_and_the_store_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut s) = file_store(dir.path());
    add_area(&mut s, "Thôn Một");
    let info = backup::create(&s, &dir.path().join("usb")).unwrap();
    add_area(&mut s, "Thôn Hai");
    drop(s);
    let good = std::fs::read(&info.path).unwrap();
    let before = std::fs::read(&db).unwrap();
    let bad = dir.path().join("hong.ptbak");

    // Bit flips across the file, and truncations.
    let len = good.len();
    for at in [0, 9, 14, 40, len / 3, len / 2, len - 40, len - 1] {
        let mut b = good.clone();
        b[at] ^= 0x10;
        std::fs::write(&bad, &b).unwrap();
        let e = backup::restore(&bad, &db, "nguyenvanan", PW).unwrap_err().to_string();
        assert!(
            e.contains("bị hỏng hoặc không đầy đủ") || e.contains("không phải là bản sao lưu"),
            "flip at {at}: {e}"
        );
    }
    for cut in [0, 5, 12, 100, len / 2, len - 1] {
        std::fs::write(&bad, &good[..cut]).unwrap();
        let e = backup::verify(&bad).unwrap_err().to_string();
        assert!(e.contains("bị hỏng hoặc không đầy đủ") || e.contains("không phải là bản sao lưu"), "cut {cut}: {e}");
    }
    // A wrong password opens nothing.
    let e = backup::restore(&info.path, &db, "nguyenvanan", "sai-mat-khau").unwrap_err();
    assert_eq!(e.code(), "wrong_password");

    assert_eq!(std::fs::read(&db).unwrap(), before, "the store file is unchanged");
    let s = Store::unlock(&db, "nguyenvanan", PW).unwrap();
    assert_eq!(titles(&s), ["Thôn Hai", "Thôn Một"]);
    assert_eq!(s.sync_epoch().unwrap(), 0);
    let names = files_in(dir.path());
    assert!(names.iter().all(|n| !n.starts_with('.') && !n.contains("truoc-khoi-phuc")), "{names:?}");
}

#[test]
fn another_installations_backup_is_refused() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (_, sa) = file_store(a.path());
    let (db_b, sb) = file_store(b.path());
    let info = backup::create(&sa, &a.path().join("usb")).unwrap();
    drop((sa, sb));
    let e = backup::restore(&info.path, &db_b, "nguyenvanan", PW).unwrap_err().to_string();
    assert!(e.contains("thuộc một cài đặt khác"), "{e}");
    // Onto a new laptop (no store yet) it restores.
    let fresh = b.path().join("may-moi").join("xa.db");
    let r = backup::restore(&info.path, &fresh, "nguyenvanan", PW).unwrap();
    assert!(r.aside.is_none());
    assert!(Store::unlock(&fresh, "nguyenvanan", PW).is_ok());
}

#[test]
fn the_daily_backup_happens_once_a_day_and_the_folder_is_thinned() {
    let dir = tempfile::tempdir().unwrap();
    let (_, s) = file_store(dir.path());
    let snap = s.snapshot().unwrap();
    let out = backup::default_dir(&dir.path().join("xa.db"));
    let at = |d: u32, m: u32, h: u32| Local.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap();
    // Thirty days of use, twice a day.
    let mut made = 0;
    for day in 1..=30 {
        for hour in [8, 17] {
            if backup::daily(&snap, &out, at(day, 10, hour)).unwrap().is_some() {
                made += 1;
            }
        }
    }
    assert_eq!(made, 30, "one a day");
    // 7 days kept (24th–30th October) and October's newest is one of them.
    let left: Vec<PathBuf> = backup::list(&out).unwrap().into_iter().map(|(_, p)| p).collect();
    assert_eq!(left.len(), 7, "{left:?}");
    // A month later: October keeps one, November its last 7 days.
    for day in 1..=30 {
        backup::daily(&snap, &out, at(day, 11, 9)).unwrap();
    }
    let left = backup::list(&out).unwrap();
    assert_eq!(left.len(), 8, "{left:?}");
    assert_eq!(left[0].0.format("%d/%m").to_string(), "30/10");
    for (_, p) in &left {
        backup::verify(p).unwrap();
    }
}

/// `strings` finds no name of the demo commune's people or places in a backup file.
#[test]
fn strings_finds_no_names_in_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let (_, s, probes) = crate::security::demo_store_and_probes(dir.path());
    let info = backup::create(&s, &dir.path().join("usb")).unwrap();
    let text = crate::security::strings(&info.path);
    assert!(text.contains("installation_id"), "strings read the header: the probe works");
    for p in &probes {
        assert!(!text.contains(p.as_str()), "the backup reveals «{p}»");
    }
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("du-lieu").join("xa.db");
    let db_arg = db.to_string_lossy().into_owned();
    let run = |args: &[&str]| phongtrao(&[&["--db", &db_arg], args].concat(), PW);
    let ok = |args: &[&str]| phongtrao_ok(&[&["--db", &db_arg], args].concat(), PW);
    ok(INIT);
    ok(&["add", "area", "--json", r#"{"name": "Thôn Một", "kind": "thon", "households": 10, "population": 40}"#]);
    let usb = dir.path().join("usb");
    let said = ok(&["backup", "create", "--out", usb.to_str().unwrap()]);
    assert!(said.starts_with("Đã sao lưu ("), "{said}");
    let file = said.trim().rsplit(" vào ").next().unwrap().to_owned();
    assert!(Path::new(&file).exists(), "{file}");
    let said = ok(&["backup", "create"]);
    assert!(said.contains("sao-luu"), "{said}");
    assert_eq!(ok(&["backup", "list"]).lines().count(), 1);
    let said = ok(&["backup", "verify", &file]);
    assert!(said.contains("Bản sao lưu tốt") && said.contains("1 bản ghi"), "{said}");
    ok(&["add", "area", "--json", r#"{"name": "Thôn Hai", "kind": "thon", "households": 10, "population": 40}"#]);
    let said = ok(&["backup", "restore", &file]);
    assert!(
        said.contains("Đã khôi phục") && said.contains("được giữ lại tại") && said.contains("Kỳ đồng bộ mới: 1"),
        "{said}"
    );
    let listed = ok(&["list", "area", "--json"]);
    assert!(listed.contains("Thôn Một") && !listed.contains("Thôn Hai"), "{listed}");
    // A file that is not a backup.
    let o = run(&["backup", "restore", db.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("không phải là bản sao lưu của phongtrao"));
}

//! Encryption at rest, accounts and roles, through the library and the command line.

use std::process::Command;

use phongtrao::keyring::{KdfParams, Keyring};
use phongtrao::{Error, Kind, NewAccount, Role, Store};
use serde_json::json;

use crate::cli::INIT;
use crate::store::{chief, doc, file_store, setup};

fn officer(username: &str, role: Role) -> NewAccount {
    NewAccount {
        username: username.into(),
        full_name: format!("Cán bộ {username}"),
        rank: Some("Thượng úy".into()),
        role,
        password: format!("mk-{username}-123"),
    }
}

fn area_input() -> phongtrao::Doc {
    doc(json!({"name": "Thôn Đắk Năng", "kind": "thon", "households": 120, "population": 480}))
}

#[test]
fn a_wrong_password_opens_nothing_and_five_lock_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = file_store(dir.path());
    drop(s);
    for left in [4, 3] {
        let e = Store::unlock(&path, "nguyenvanan", "sai-mat-khau").err().unwrap();
        assert_eq!(
            e.to_string(),
            format!("Tên đăng nhập hoặc mật khẩu không đúng. Còn {left} lần thử trước khi tài khoản bị khóa 5 phút.")
        );
    }
    assert_eq!(Store::unlock(&path, "ai-do", "x").err().unwrap().code(), "wrong_password");
    // The failures are in the audit log after the next successful login.
    let s = Store::unlock(&path, "nguyenvanan", "mat-khau-dung").unwrap();
    let actions: Vec<String> = s.audit_tail(3).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["login", "login_failed", "login_failed"]);
    drop(s);
    for _ in 0..4 {
        assert_eq!(Store::unlock(&path, "nguyenvanan", "sai").err().unwrap().code(), "wrong_password");
    }
    let e = Store::unlock(&path, "nguyenvanan", "sai").err().unwrap();
    assert_eq!(e.code(), "locked");
    assert!(e.to_string().starts_with("Tài khoản đang bị khóa vì nhập sai mật khẩu nhiều lần; hãy thử lại sau"), "{e}");
    let e = Store::unlock(&path, "nguyenvanan", "mat-khau-dung").err().unwrap();
    assert_eq!(e.code(), "locked", "even the right password waits for the lock to end");
}

#[test]
fn the_store_file_is_unreadable_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = file_store(dir.path());
    s.create(Kind::Area, &area_input()).unwrap();
    drop(s);
    let plain = rusqlite::Connection::open(&path).unwrap();
    let e = plain.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(e.to_string().contains("not a database"), "{e}");
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"), "no plain SQLite header");
    // A keyring from another store does not open this one.
    let other = tempfile::tempdir().unwrap();
    let (other_path, o) = file_store(other.path());
    drop(o);
    std::fs::copy(Keyring::path_for(&other_path), Keyring::path_for(&path)).unwrap();
    let e = Store::unlock(&path, "nguyenvanan", "mat-khau-dung").err().unwrap();
    assert!(e.to_string().contains("Không giải mã được kho dữ liệu"), "{e}");
    std::fs::remove_file(Keyring::path_for(&path)).unwrap();
    let e = Store::unlock(&path, "nguyenvanan", "mat-khau-dung").err().unwrap();
    assert!(e.to_string().contains("Không tìm thấy tệp khóa"), "{e}");
}

#[test]
fn roles_are_checked_in_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut chief_store) = file_store(dir.path());
    let id = chief_store.create(Kind::Area, &area_input()).unwrap().id;
    chief_store.add_account(&officer("xem", Role::Viewer)).unwrap();
    chief_store.add_account(&officer("canbo", Role::Officer)).unwrap();
    drop(chief_store);

    let mut viewer = Store::unlock(&path, "xem", "mk-xem-123").unwrap();
    assert_eq!(viewer.get(Kind::Area, id).unwrap().title, "Thôn Đắk Năng", "a viewer reads");
    let seq = viewer.last_seq().unwrap();
    for e in [
        viewer.create(Kind::Area, &area_input()).unwrap_err(),
        viewer.update(Kind::Area, id, &doc(json!({"households": 1}))).unwrap_err(),
        viewer.delete(Kind::Area, id).unwrap_err(),
        viewer.add_account(&officer("khac", Role::Chief)).unwrap_err(),
        viewer.set_role("xem", Role::Chief).unwrap_err(),
    ] {
        assert_eq!(e.code(), "forbidden", "{e}");
    }
    assert_eq!(
        viewer.create(Kind::Area, &area_input()).unwrap_err().to_string(),
        "Tài khoản xem (chỉ xem) không được thêm, sửa hay xóa dữ liệu; cần quyền cán bộ."
    );
    assert_eq!(viewer.last_seq().unwrap(), seq, "nothing written");
    drop(viewer);

    let mut officer_store = Store::unlock(&path, "canbo", "mk-canbo-123").unwrap();
    officer_store.update(Kind::Area, id, &doc(json!({"households": 130}))).unwrap();
    assert_eq!(officer_store.audit_tail(1).unwrap()[0].actor, "Cán bộ canbo", "two officers, each named in the log");
    assert_eq!(officer_store.set_role("canbo", Role::Chief).unwrap_err().code(), "forbidden");
    assert_eq!(officer_store.change_password("xem", None, "mat-khau-moi").unwrap_err().code(), "forbidden");
    drop(officer_store);

    let mut c = Store::unlock(&path, "nguyenvanan", "mat-khau-dung").unwrap();
    c.set_role("xem", Role::Officer).unwrap();
    let last = &c.audit_tail(1).unwrap()[0];
    assert_eq!(last.action, "role_change");
    assert!(
        last.old.as_deref().unwrap().contains("\"viewer\"") && last.new.as_deref().unwrap().contains("\"officer\"")
    );
    let e = c.set_role("nguyenvanan", Role::Officer).unwrap_err();
    assert!(e.to_string().contains("Trưởng Công an xã cuối cùng"), "{e}");
    drop(c);
    let mut promoted = Store::unlock(&path, "xem", "mk-xem-123").unwrap();
    promoted.create(Kind::Area, &area_input()).expect("the new role applies at the next login");
}

#[test]
fn a_password_change_keeps_the_data_and_other_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = file_store(dir.path());
    let id = s.create(Kind::Area, &area_input()).unwrap().id;
    s.add_account(&officer("canbo", Role::Officer)).unwrap();
    // One's own password: only with the current one (a laptop left open is not an account taken over).
    let e = s.change_password("nguyenvanan", None, "mat-khau-chiem-quyen").unwrap_err();
    assert_eq!(e.to_string(), "Mật khẩu hiện tại: hãy nhập mật khẩu đang dùng để đổi mật khẩu của mình");
    let e = s.change_password("nguyenvanan", Some("doan-thu-xem"), "mat-khau-chiem-quyen").unwrap_err();
    assert_eq!(e.to_string(), "Mật khẩu hiện tại: không đúng");
    s.change_password("nguyenvanan", Some("mat-khau-dung"), "mat-khau-moi-2026").unwrap();
    assert_eq!(
        s.change_password("nguyenvanan", Some("mat-khau-moi-2026"), "ngan").unwrap_err().to_string(),
        "Mật khẩu: phải có ít nhất 8 ký tự"
    );
    drop(s);
    assert_eq!(Store::unlock(&path, "nguyenvanan", "mat-khau-dung").err().unwrap().code(), "wrong_password");
    let s = Store::unlock(&path, "nguyenvanan", "mat-khau-moi-2026").unwrap();
    assert_eq!(s.get(Kind::Area, id).unwrap().title, "Thôn Đắk Năng");
    assert!(s.audit_tail(5).unwrap().iter().any(|e| e.action == "password_change"));
    drop(s);
    Store::unlock(&path, "canbo", "mk-canbo-123").expect("another officer's password still works");
}

#[test]
fn a_removed_account_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = file_store(dir.path());
    s.add_account(&officer("canbo", Role::Officer)).unwrap();
    assert!(s.remove_account("nguyenvanan").unwrap_err().to_string().contains("Không tự xóa"));
    s.remove_account("canbo").unwrap();
    drop(s);
    assert_eq!(Store::unlock(&path, "canbo", "mk-canbo-123").err().unwrap().code(), "wrong_password");
}

#[test]
fn creating_over_an_existing_store_or_with_bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = file_store(dir.path());
    drop(s);
    let before = std::fs::read(Keyring::path_for(&path)).unwrap();
    let e = Store::create_at(&path, &setup(), &chief("mat-khau-khac"), KdfParams::insecure_for_tests()).err().unwrap();
    assert!(e.to_string().starts_with("Đã có kho dữ liệu tại"), "{e}");
    assert_eq!(std::fs::read(Keyring::path_for(&path)).unwrap(), before);
    let fresh = dir.path().join("moi.db");
    let e = Store::create_at(&fresh, &setup(), &chief("ngan"), KdfParams::insecure_for_tests()).err().unwrap();
    assert!(matches!(e, Error::Invalid(_)), "{e}");
    assert!(!fresh.exists() && !Keyring::path_for(&fresh).exists(), "nothing created");
}

/// The demo commune in an encrypted file store, and the words `strings` must not find in any file
/// made from it: each person's and place's longest name word (ASCII-folded words would match too many
/// things) and the commune's own names, as UTF-8 and as ASCII.
pub fn demo_store_and_probes(dir: &std::path::Path) -> (std::path::PathBuf, Store, Vec<String>) {
    let db = dir.join("xa-mau.db");
    let mut s = Store::create_at(
        &db,
        &phongtrao::demo::demo_setup(),
        &phongtrao::demo::demo_chief("mat-khau-dung"),
        KdfParams::insecure_for_tests(),
    )
    .unwrap();
    phongtrao::demo::generate(&mut s, &phongtrao::demo::DemoOptions::default(), &mut |_, _| {}).unwrap();
    let names: Vec<String> = s
        .list(Kind::Member, &Default::default())
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.title)
        .chain(s.list(Kind::Area, &Default::default()).unwrap().records.into_iter().map(|r| r.title))
        .collect();
    assert!(names.len() > 40);
    let mut probes: Vec<String> = names
        .iter()
        .filter_map(|n| n.split(' ').max_by_key(|w| w.len()).map(str::to_owned))
        .filter(|w| w.len() >= 5)
        .collect();
    probes.extend(["Ia Đal".to_owned(), "Nguyễn Văn An".to_owned(), "Quảng Ngãi".to_owned(), "thon".to_owned()]);
    (db, s, probes)
}

/// What `strings -n 4 -e S` (binutils) reads in a file.
pub fn strings(file: &std::path::Path) -> String {
    let out = Command::new("strings").args(["-n", "4", "-e", "S"]).arg(file).output().expect("strings (binutils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `strings` (binutils), the tool a thief would try first, finds no demo name in the store, its
/// write-ahead log or its keyring.
#[test]
fn strings_finds_no_names_in_the_store_files() {
    let dir = tempfile::tempdir().unwrap();
    let (db, s, probes) = demo_store_and_probes(dir.path());
    let mut files = vec![db.clone(), Keyring::path_for(&db)];
    let wal = dir.path().join("xa-mau.db-wal");
    if wal.exists() {
        files.push(wal);
    }
    for f in &files {
        let text = strings(f);
        for p in &probes {
            assert!(!text.contains(p.as_str()), "{} reveals «{p}»", f.display());
        }
    }
    drop(s);
}

/// Wrong password, locked account, a viewer refused, a password change and two officers on one
/// laptop, through the command line as an officer types it.
#[test]
fn accounts_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    let run = |user: Option<&str>, pw: &str, new_pw: Option<&str>, args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_phongtrao"));
        c.arg("--db").arg(&db).args(args).env_remove("PHONGTRAO_DB").env_remove("PHONGTRAO_USER");
        c.env("PHONGTRAO_PASSWORD", pw).env_remove("PHONGTRAO_NEW_PASSWORD");
        if let Some(u) = user {
            c.env("PHONGTRAO_USER", u);
        }
        if let Some(n) = new_pw {
            c.env("PHONGTRAO_NEW_PASSWORD", n);
        }
        let o = c.output().unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let chief = Some("nguyenvanan");
    let (ok, _, e) = run(chief, "mk-truong-123", None, INIT);
    assert!(ok, "{e}");
    // The chief adds an officer and a viewer.
    let (ok, out, e) = run(
        chief,
        "mk-truong-123",
        Some("mk-binh-1234"),
        &["account", "add", "--username", "tranthibinh", "--name", "Trần Thị Bình", "--role", "officer"],
    );
    assert!(ok && out.contains("Đã tạo tài khoản tranthibinh (Cán bộ)"), "{out}{e}");
    let (ok, _, e) = run(
        chief,
        "mk-truong-123",
        Some("mk-xem-12345"),
        &["account", "add", "--username", "levanxem", "--name", "Lê Văn Xem", "--role", "chỉ xem"],
    );
    assert!(ok, "{e}");
    // With several accounts, the command line asks which one.
    let (ok, _, e) = run(None, "mk-truong-123", None, &["list", "area"]);
    assert!(!ok && e.contains("--user"), "{e}");
    // Two officers: each works under their own name, and the audit log says who.
    let area = r#"{"name": "Thôn Plei Bông", "kind": "thon", "households": 90, "population": 400}"#;
    let (ok, _, e) = run(Some("tranthibinh"), "mk-binh-1234", None, &["add", "area", "--json", area]);
    assert!(ok, "{e}");
    let (_, log, _) = run(chief, "mk-truong-123", None, &["audit", "log", "--limit", "20"]);
    assert!(log.contains("Trần Thị Bình"), "{log}");
    // The viewer reads, and is refused a write by the core.
    let (ok, out, _) = run(Some("levanxem"), "mk-xem-12345", None, &["list", "area"]);
    assert!(ok && out.contains("Thôn Plei Bông"), "{out}");
    let (ok, _, e) = run(Some("levanxem"), "mk-xem-12345", None, &["add", "area", "--json", area]);
    assert!(!ok && e.contains("không được") && e.contains("chỉ xem"), "{e}");
    let (ok, _, e) = run(Some("tranthibinh"), "mk-binh-1234", None, &["account", "role", "levanxem", "chief"]);
    assert!(!ok && e.contains("cần quyền trưởng công an xã"), "{e}");
    // A password change: the old one no longer opens, the new one does; others are unaffected.
    let (ok, _, e) = run(Some("tranthibinh"), "mk-binh-1234", Some("mk-binh-moi-99"), &["account", "passwd"]);
    assert!(ok, "{e}");
    let (ok, _, e) = run(Some("tranthibinh"), "mk-binh-1234", None, &["info"]);
    assert!(!ok && e.contains("không đúng"), "{e}");
    assert!(run(Some("tranthibinh"), "mk-binh-moi-99", None, &["info"]).0);
    assert!(run(chief, "mk-truong-123", None, &["info"]).0);
    // Five wrong passwords lock the viewer's account, even for the right password, and only theirs.
    for i in 0..5 {
        let (ok, _, e) = run(Some("levanxem"), &format!("sai-{i}-mk"), None, &["info"]);
        // The fifth failure already answers that the account is locked.
        assert!(!ok && (e.contains("không đúng") || (i == 4 && e.contains("đang bị khóa"))), "{i}: {e}");
    }
    let (ok, _, e) = run(Some("levanxem"), "mk-xem-12345", None, &["info"]);
    assert!(!ok && e.contains("đang bị khóa"), "{e}");
    assert!(run(chief, "mk-truong-123", None, &["info"]).0);
}

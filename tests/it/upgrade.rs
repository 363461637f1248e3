//! Upgrades keep the data: a store made by the previous version (its schema one migration behind)
//! opens with this build, which backs it up first, then migrates it; records, the audit chain and the
//! backup are checked.

use std::path::Path;

use phongtrao::backup;
use phongtrao::keyring::KdfParams;
use phongtrao::store::{Store, latest_schema};
use phongtrao::{Kind, demo};
use serde_json::json;

use crate::store::doc;

const PW: &str = "mat-khau-dung";

/// The previous release's store: this build's code writing into the schema it had.
fn old_store(db: &Path, schema: i64) -> Store {
    let chief = demo::demo_chief(PW);
    let mut s =
        Store::create_at_schema(db, &demo::demo_setup(), &chief, KdfParams::insecure_for_tests(), schema).unwrap();
    assert_eq!(s.schema_version().unwrap(), schema);
    let area = s
        .create(
            Kind::Area,
            &doc(json!({"name": "Thôn Đắk Năng", "kind": "thon", "households": 120, "population": 480})),
        )
        .unwrap()
        .id;
    let gone = s
        .create(Kind::Area, &doc(json!({"name": "Thôn Tạm", "kind": "thon", "households": 10, "population": 40})))
        .unwrap()
        .id;
    s.update(Kind::Area, area, &doc(json!({"households": 130}))).unwrap();
    // A deletion from another installation (this build's own delete looks for links in the facts
    // table of migration 0007): a tombstone in the old store.
    let mut tomb = s.changes_since(0, 100).unwrap().into_iter().find(|c| c.id == gone).unwrap();
    tomb.hlc = phongtrao::hlc::Hlc(tomb.hlc.0 + 1_000_000);
    tomb.origin = uuid::Uuid::now_v7();
    tomb.data = None;
    assert_eq!(s.apply_changes(&[tomb]).unwrap().applied, 1);
    s.create(
        Kind::Model,
        &doc(json!({"name": "Camera an ninh thôn Đắk Năng", "kind": "tu_quan", "model_type": "camera_an_ninh",
            "area_ids": [area.to_string()], "founded_on": "15/03/2024", "leader": "Y Blir"})),
    )
    .unwrap();
    s
}

#[test]
fn a_store_of_the_previous_schema_is_backed_up_then_migrated_keeping_everything() {
    let previous = latest_schema() - 1;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    let old = old_store(&db, previous);
    let changes = old.changes_since(0, 1000).unwrap();
    let seq = old.last_seq().unwrap();
    let audit = old.audit_verify().unwrap();
    assert!(audit.ok());
    drop(old);

    let (s, taken) = backup::unlock(&db, "nguyenvanan", PW).unwrap();
    assert_eq!(s.schema_version().unwrap(), latest_schema());
    // Every record, tombstone, clock stamp and sequence number is as it was.
    assert_eq!(s.changes_since(0, 1000).unwrap(), changes);
    assert_eq!(s.last_seq().unwrap(), seq);
    let counts = s.counts().unwrap();
    assert_eq!(counts.iter().find(|(k, _)| *k == Kind::Area).unwrap().1, 1);
    assert_eq!(counts.iter().find(|(k, _)| *k == Kind::Model).unwrap().1, 1);
    let area = s.list(Kind::Area, &Default::default()).unwrap().records;
    assert_eq!(area[0].data["households"], json!(130));
    // The audit chain goes on unbroken, with the upgrade and the login on top.
    let report = s.audit_verify().unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.entries, audit.entries + 2);
    let tail = s.audit_tail(2).unwrap();
    assert_eq!((tail[1].action.as_str(), tail[0].action.as_str()), ("upgrade", "login"));
    let note: serde_json::Value = serde_json::from_str(tail[1].new.as_deref().unwrap()).unwrap();
    assert_eq!(note, json!({"from": previous, "to": latest_schema(), "backup": true}));

    // The backup was taken before: it holds the old schema, out of the rotation's reach.
    let b = taken.expect("a backup before the upgrade");
    let name = b.path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("phongtrao-51-23535-") && name.ends_with("-truoc-nang-cap.ptbak"), "{name}");
    assert_eq!(b.path.parent().unwrap(), backup::default_dir(&db));
    assert_eq!(b.header.store.schema_version, previous);
    assert_eq!(b.header.store.last_seq, seq);
    backup::verify(&b.path).unwrap();
    drop(s);
    // It opens (in a scratch folder) with the same password, with the same records.
    let checked = backup::check(&b.path, dir.path(), "nguyenvanan", PW).unwrap();
    assert_eq!(checked.records, 2);
    // The daily rotation never deletes it, even a year later.
    let later = chrono::Local::now().date_naive() + chrono::Duration::days(400);
    assert!(backup::prune(&backup::default_dir(&db), later).unwrap().is_empty());
    assert!(b.path.exists());

    // The next login has nothing to migrate: no second backup, no second upgrade entry.
    let (s, again) = backup::unlock(&db, "nguyenvanan", PW).unwrap();
    assert!(again.is_none());
    assert_eq!(s.audit_tail(1).unwrap()[0].action, "login");
    assert_eq!(std::fs::read_dir(backup::default_dir(&db)).unwrap().count(), 1);
}

#[test]
fn no_backup_no_upgrade() {
    let previous = latest_schema() - 1;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("xa.db");
    drop(old_store(&db, previous));
    // A file where the backups' folder should be: the backup cannot be written.
    let blocker = backup::default_dir(&db);
    std::fs::write(&blocker, b"not a folder").unwrap();
    let e = backup::unlock(&db, "nguyenvanan", PW).err().unwrap().to_string();
    assert!(e.contains("chưa sao lưu được trước khi nâng cấp") && e.contains("chưa bị thay đổi"), "{e}");
    std::fs::remove_file(&blocker).unwrap();
    // Nothing was migrated: the next login still upgrades, and backs up first.
    let (s, taken) = backup::unlock(&db, "nguyenvanan", PW).unwrap();
    assert_eq!(taken.unwrap().header.store.schema_version, previous);
    assert_eq!(s.schema_version().unwrap(), latest_schema());
}

#[test]
fn a_current_store_is_not_backed_up_at_login() {
    let dir = tempfile::tempdir().unwrap();
    let (db, s) = crate::store::file_store(dir.path());
    drop(s);
    let (s, taken) = backup::unlock(&db, "nguyenvanan", PW).unwrap();
    assert!(taken.is_none());
    assert!(!backup::default_dir(&db).exists());
    assert_eq!(s.schema_version().unwrap(), latest_schema());
}

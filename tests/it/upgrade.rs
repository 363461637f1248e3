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

/// What a migration added, taken away again (the migrations after 0008 whose tables this build's
/// code writes on every change): a store of this build becomes one of the schema before.
const UNDO: &[(i64, &str)] = &[
    (
        9,
        "DROP TABLE record_sibling; DROP TABLE peer; DROP TABLE peer_invite; DROP TABLE peer_import;
     ALTER TABLE record DROP COLUMN vv;",
    ),
    (10, "DROP TABLE returned_item; DROP TABLE review_decision;"),
    (11, "DROP TABLE locked_merge; DROP TABLE decision_relay;"),
    (12, "DROP TABLE province_signed;"),
    (13, "ALTER TABLE peer DROP COLUMN removed_by; ALTER TABLE peer DROP COLUMN removed_at;"),
    (14, "DROP TABLE province_held;"),
];

/// The previous release's store: this build's code writing its records, then the migrations after
/// `schema` undone (`UNDO`), as that release would have left them. What it held: its changes, last
/// sequence number and audit report.
fn old_store(db: &Path, schema: i64) -> (Vec<phongtrao::store::Change>, i64, phongtrao::store::AuditReport) {
    let s = written_store(db);
    let held = (s.changes_since(0, 1000).unwrap(), s.last_seq().unwrap(), s.audit_verify().unwrap());
    drop(s);
    let conn = crate::store::raw(db);
    for (version, sql) in UNDO.iter().rev().filter(|(v, _)| *v > schema) {
        conn.execute_batch(sql).unwrap_or_else(|e| panic!("undo {version}: {e}"));
    }
    conn.execute("DELETE FROM schema_migration WHERE version > ?1", [schema]).unwrap();
    conn.pragma_update(None, "user_version", schema).unwrap();
    held
}

fn written_store(db: &Path) -> Store {
    let chief = demo::demo_chief(PW);
    let schema = latest_schema();
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
    let (changes, seq, audit) = old_store(&db, previous);
    assert!(audit.ok());

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
    old_store(&db, previous);
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

/// The stores earlier releases left on officers' laptops and at the province (`tests/it/upgrade_ref/
/// <version>/`, each written by that version's own command line with `scripts/upgrade-fixture.sh`, not by
/// this build's code) open with this build: backed up first when their schema is older, migrated, the
/// same records, the audit chain unbroken; then the work goes on as before: the year's report keeps its
/// number, the next bundle follows the last one sent and the province (its store as old) imports it
/// without a gap.
#[test]
fn stores_of_earlier_releases_are_backed_up_migrated_and_carry_on() {
    use crate::cli::phongtrao_ok;

    let refs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/upgrade_ref");
    let mut versions = Vec::new();
    for entry in std::fs::read_dir(&refs).unwrap() {
        let from = entry.unwrap().path();
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(from.join("manifest.json")).unwrap()).unwrap();
        let version = m["version"].as_str().unwrap().to_owned();
        let dir = tempfile::tempdir().unwrap();
        let tinh = dir.path().join("tinh");
        std::fs::create_dir_all(&tinh).unwrap();
        for f in ["xa.db", "xa.db.keys", "tinh/province.db", "tinh/province.db.keys"] {
            std::fs::copy(from.join(f), dir.path().join(f)).unwrap();
        }
        let db = dir.path().join("xa.db");
        let (user, pw) = (m["user"].as_str().unwrap(), m["password"].as_str().unwrap());
        let schema = m["schema"].as_i64().unwrap();
        assert!(schema <= latest_schema(), "{version}: a store from the future");

        let (s, taken) = backup::unlock(&db, user, pw).unwrap();
        assert_eq!(s.schema_version().unwrap(), latest_schema(), "{version}");
        assert_eq!(taken.is_some(), schema < latest_schema(), "{version}: a backup exactly when migrating");
        if let Some(b) = &taken {
            assert_eq!(b.header.store.schema_version, schema);
            backup::verify(&b.path).unwrap();
        }
        for (kind, n) in s.counts().unwrap() {
            // A register the earlier release did not have is empty after the upgrade.
            let had = m["counts"][kind.code()].as_u64().unwrap_or(0);
            assert_eq!(n as u64, had, "{version}: {}", kind.code());
        }
        let report = s.audit_verify().unwrap();
        assert!(report.ok(), "{version}: {:?}", report.problems);
        let area = &m["area"];
        let id: uuid::Uuid = area["id"].as_str().unwrap().parse().unwrap();
        let r = s.get(Kind::Area, id).unwrap();
        for field in ["name", "kind", "households", "population"] {
            assert_eq!(r.data[field], area[field], "{version}: {field}");
        }
        let model: uuid::Uuid = m["dissolved_model"].as_str().unwrap().parse().unwrap();
        assert_eq!(s.get(Kind::Model, model).unwrap().data["status"], json!("giai_the"), "{version}");
        drop(s);

        // The command line goes on from there.
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let (db_s, tinh_s) = (path(&db), path(&tinh));
        let xa = |args: &[&str]| phongtrao_ok(&[&["--db", db_s.as_str(), "--user", user], args].concat(), pw);
        let info = xa(&["info"]);
        assert!(info.contains(&format!("cấu trúc dữ liệu {}", latest_schema())), "{version}: {info}");
        let year = m["year"].to_string();
        let certs: serde_json::Value = serde_json::from_str(&xa(&["cert", "list", "--year", &year, "--json"])).unwrap();
        let cert = certs.as_array().unwrap().iter().find(|c| c["subject_id"] == m["cert"]["subject_id"]).unwrap();
        assert_eq!(cert["step"], m["cert"]["step"], "{version}: the certification step");
        let issued = m["issued"].as_str().unwrap();
        let pdf = path(&dir.path().join("bao-cao.pdf"));
        let printed = xa(&["print", "bao-cao-ket-qua", "--year", &year, "-o", &pdf]);
        assert!(printed.contains(issued), "{version}: the year's report keeps its number {issued}: {printed}");
        xa(&[
            "add",
            "area",
            "--json",
            r#"{"name": "Thôn Sau Nâng Cấp", "kind": "thon", "households": 5, "population": 20}"#,
        ]);
        let usb = dir.path().join("usb");
        std::fs::create_dir_all(&usb).unwrap();
        let next = m["last_bundle"].as_u64().unwrap() + 1;
        let file = xa(&["bundle", "export", "--out", &path(&usb)]).trim().lines().last().unwrap().to_owned();
        assert!(file.contains(&format!("51-23535-k0-{next:06}-")), "{version}: {file}");
        // It carries only what changed since the last receipt: the area added after the trip, and this one.
        let done = phongtrao_ok(&["province", "--dir", &tinh_s, "import", &file], pw);
        assert!(done.contains(&format!("Đã nhập gói số {next} của xã 23535: 2 mới, 0 sửa")), "{version}: {done}");
        assert!(!done.contains("thiếu"), "{version}: {done}");
        let status = phongtrao_ok(&["province", "--dir", &tinh_s, "status"], pw);
        assert!(status.contains(&format!("Gói cuối: số {next}")), "{version}: {status}");
        versions.push(version);
    }
    assert!(!versions.is_empty(), "no store of an earlier release in {}", refs.display());
}

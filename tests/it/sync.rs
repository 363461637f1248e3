//! Signed sync bundles: round trips commune → province → receipt → commune, the tamper matrix (every
//! case refused with its own message, both stores unchanged), Debian's `age` and `minisign` reading
//! a real bundle, and a lost USB stick revealing no names.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{Duration, Utc};
use phongtrao::crypto::SigningKey;
use phongtrao::domain::{Doc, Kind};
use phongtrao::keyring::KdfParams;
use phongtrao::store::Store;
use phongtrao::sync::bundle::{self, BundleKind, Manifest};
use phongtrao::sync::commune::{self, ExportOptions, Imported};
use phongtrao::sync::province::{ImportOptions, ImportReport, Province};
use phongtrao::{Error, NewAccount, Role, Setup};
use serde_json::json;
use uuid::Uuid;

use crate::cli::{INIT, phongtrao, phongtrao_ok};

pub(crate) const PW: &str = "mat-khau-dung";

pub(crate) struct World {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) province: Province,
    pub(crate) enrollment: PathBuf,
}

pub(crate) fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let (province, enrollment) =
        Province::init(&dir.path().join("tinh"), PW, "51", "Quảng Ngãi", KdfParams::insecure_for_tests()).unwrap();
    World { dir, province, enrollment }
}

pub(crate) fn doc(v: serde_json::Value) -> Doc {
    v.as_object().unwrap().clone()
}

impl World {
    pub(crate) fn usb(&self) -> PathBuf {
        let p = self.dir.path().join("usb");
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    /// A commune store, enrolled with the province, its key registered there (unless `register` is false).
    pub(crate) fn commune(&mut self, code: &str, register: bool) -> Store {
        self.commune_in("51", code, register)
    }

    pub(crate) fn commune_in(&mut self, province: &str, code: &str, register: bool) -> Store {
        let setup = Setup {
            province_code: province.into(),
            province: "Quảng Ngãi".into(),
            commune_code: code.into(),
            commune: format!("Xã số {code}"),
            officer: "Nguyễn Văn An".into(),
        };
        let chief = NewAccount {
            username: "nguyenvanan".into(),
            full_name: "Nguyễn Văn An".into(),
            rank: None,
            role: Role::Chief,
            password: PW.into(),
        };
        let path = self.dir.path().join(format!("xa-{code}.db"));
        let mut s = Store::create_at(&path, &setup, &chief, KdfParams::insecure_for_tests()).unwrap();
        if province == "51" {
            commune::enroll(&mut s, &self.enrollment).unwrap();
        }
        if register {
            let (key, _) = s.sync_keys().unwrap();
            self.province.register(code, &key.public).unwrap();
        }
        s
    }

    pub(crate) fn export(&self, s: &mut Store) -> PathBuf {
        commune::export(s, &self.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap().path
    }

    pub(crate) fn import(&mut self, file: &Path) -> phongtrao::Result<ImportReport> {
        let opts = ImportOptions { dry_run: false, receipt_dir: Some(self.usb().join("bien-nhan")) };
        self.province.import(file, &opts)
    }

    /// Everything the province store holds that an import could change.
    pub(crate) fn province_state(&self) -> String {
        let db = self.province.db();
        let mut out = format!("{:?}", db.installations().unwrap());
        for i in db.installations().unwrap() {
            out += &format!("{:?}", db.gaps(&i.key_id).unwrap());
            if let Some(id) = i.installation_id {
                out += &format!("{:?}{:?}", db.records(id).unwrap(), db.quarantined(id).unwrap());
            }
        }
        out + &format!("{:?}", db.counts().unwrap())
    }
}

/// A commune store in memory ("Xã số CODE" of Quảng Ngãi): `fill` runs on it, then it is enrolled with
/// the province and its key registered there. The test worlds of the console and the review use it.
pub(crate) fn enrolled_in_memory(
    province: &mut Province,
    enrollment: &Path,
    code: &str,
    fill: impl FnOnce(&mut Store),
) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.init(&Setup {
        province_code: "51".into(),
        province: "Quảng Ngãi".into(),
        commune_code: code.into(),
        commune: format!("Xã số {code}"),
        officer: "Nguyễn Văn An".into(),
    })
    .unwrap();
    fill(&mut s);
    commune::enroll(&mut s, enrollment).unwrap();
    let (key, _) = s.sync_keys().unwrap();
    province.register(code, &key.public).unwrap();
    s
}

/// The files of a bare (decrypted) tar archive, in its order.
pub(crate) fn tar_files(plain: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for e in tar::Archive::new(plain).entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        files.push((path, data));
    }
    files
}

/// The files of a bare (decrypted) bundle by name, and its manifest.
pub(crate) fn unpack_tar(plain: &[u8]) -> (Manifest, std::collections::BTreeMap<String, Vec<u8>>) {
    let files: std::collections::BTreeMap<String, Vec<u8>> = tar_files(plain).into_iter().collect();
    (serde_json::from_slice(&files["manifest.json"]).unwrap(), files)
}

/// An activity (a propaganda session) of `date`.
pub(crate) fn activity(s: &mut Store, date: &str, title: &str) -> Uuid {
    s.create(
        Kind::Activity,
        &doc(json!({"category": "tuyen_truyen", "date": date, "title": title, "form": "hop_dan", "topic": "Lừa đảo"})),
    )
    .unwrap()
    .id
}

/// The command line with the tests' password (the shared runner of tests/it/cli.rs).
pub(crate) fn run(args: &[&str]) -> std::process::Output {
    phongtrao(args, PW)
}

/// As [`run`], expecting success; its standard output.
pub(crate) fn ok(args: &[&str]) -> String {
    phongtrao_ok(args, PW)
}

pub(crate) fn area(s: &mut Store, name: &str) -> Uuid {
    s.create(Kind::Area, &doc(json!({"name": name, "kind": "thon", "households": 120, "population": 480}))).unwrap().id
}

pub(crate) fn code(e: &Error) -> &'static str {
    e.code()
}

#[test]
fn commune_to_province_to_receipt_and_back_sends_only_new_changes() {
    let mut w = world();
    let mut a = w.commune("23535", true);
    let ids: Vec<Uuid> = ["Thôn Đắk Năng", "Thôn Ia Kla", "Thôn Plei Ring"].iter().map(|n| area(&mut a, n)).collect();

    let first = w.export(&mut a);
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("51-23535-k0-000001-") && name.ends_with(".ptb"), "{name}");
    let dry = w.province.import(&first, &ImportOptions { dry_run: true, receipt_dir: None }).unwrap();
    assert_eq!(dry.total().new, 3);
    assert!(dry.receipt.is_none());
    let inst = a.commune().unwrap().installation_id;
    assert!(w.province.db().records(inst).unwrap().is_empty(), "a dry run writes nothing");

    let r = w.import(&first).unwrap();
    assert_eq!((r.total().new, r.total().updated, r.total().rejected), (3, 0, 0));
    assert_eq!(w.province.db().records(inst).unwrap().len(), 3);
    let receipt = r.receipt.unwrap();

    // The receipt makes the next export smaller.
    let before = a.sync_state().unwrap().acked_seq;
    match commune::import(&mut a, &receipt).unwrap() {
        ref i @ Imported::Receipt { bundle_seq, acked_seq, .. } => {
            assert_eq!(
                phongtrao::present::sync::imported(i),
                "Đã nhận biên nhận của gói số 1: Công an tỉnh đã nhận đủ mọi thay đổi của máy này."
            );
            assert_eq!(a.pending_changes().unwrap(), 0);
            assert_eq!(bundle_seq, 1);
            assert!(acked_seq > before);
            assert_eq!(acked_seq, a.last_seq().unwrap());
        }
        other => panic!("{other:?}"),
    }
    // A receipt seen twice changes nothing more.
    commune::import(&mut a, &receipt).unwrap();

    // An edit after the export, a delete and a new record arrive in the next bundle, and nothing else.
    a.update(Kind::Area, ids[0], &doc(json!({"households": 130}))).unwrap();
    a.delete(Kind::Area, ids[1]).unwrap();
    let fresh = area(&mut a, "Thôn Mới");
    let second = commune::export(&mut a, &w.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!(second.changes, 3);
    assert_eq!(second.manifest.seq, 2);
    assert!(second.manifest.prev_hash.is_some());
    let r = w.import(&second.path).unwrap();
    let t = r.total();
    // The edit and the delete update records the province has; the new record is new.
    assert_eq!((t.new, t.updated, t.unchanged), (1, 2, 0), "{:?}", r.by_kind);
    assert_eq!(r.by_kind["deleted"].updated, 1);
    let rows = w.province.db().records(inst).unwrap();
    let row = |id: Uuid| rows.iter().find(|r| r.0 == id).unwrap().clone();
    assert!(row(ids[0]).2.unwrap().contains("130"));
    assert!(row(ids[1]).4 && row(ids[1]).2.is_none(), "the delete travelled as a tombstone");
    assert!(!row(fresh).4);

    // A full export holds everything again, and imports as unchanged.
    let full =
        commune::export(&mut a, &w.usb(), &ExportOptions { full: true, ..Default::default() }, &mut |_, _| {}).unwrap();
    assert!(full.manifest.full);
    let r = w.import(&full.path).unwrap();
    assert_eq!(r.total().unchanged, 4);
    assert_eq!(r.total().new + r.total().updated, 0);
}

#[test]
fn two_communes_into_one_province_stay_apart() {
    let mut w = world();
    let mut a = w.commune("23535", true);
    let mut b = w.commune("23536", true);
    area(&mut a, "Thôn Một");
    area(&mut b, "Thôn Hai");
    area(&mut b, "Thôn Ba");
    let fa = w.export(&mut a);
    let fb = w.export(&mut b);
    w.import(&fb).unwrap();
    w.import(&fa).unwrap();
    let counts = w.province.db().counts().unwrap();
    assert_eq!(counts, vec![("23535".into(), "area".into(), 1), ("23536".into(), "area".into(), 2)]);
    let status = w.province.status().unwrap();
    assert_eq!(status.len(), 2);
    assert!(status.iter().all(|s| s.installation.last_seq == Some(1) && s.gaps.is_empty()));
}

#[test]
fn a_missing_bundle_is_flagged_and_filled_later_and_a_new_epoch_starts_a_new_chain() {
    let mut w = world();
    let mut a = w.commune("23535", true);
    area(&mut a, "Thôn Một");
    let b1 = w.export(&mut a);
    area(&mut a, "Thôn Hai");
    let b2 = w.export(&mut a);
    let r = w.import(&b2).unwrap();
    let gap = r.gap.expect("bundle 1 is missing");
    assert_eq!((gap.first, gap.last), (1, 1));
    assert_eq!(r.total().new, 2, "bundle 2 holds every unacknowledged change");
    let key = w.province.db().installations().unwrap()[0].key_id.clone();
    assert_eq!(w.province.db().gaps(&key).unwrap().len(), 1);
    let r = w.import(&b1).unwrap();
    assert!(r.filled_gap);
    assert_eq!(r.total().unchanged, 1);
    assert!(w.province.db().gaps(&key).unwrap().is_empty());

    // A restore from a backup moves the commune to a new epoch: the province takes it as a new chain,
    // and then refuses the old epoch's bundles as a rollback.
    area(&mut a, "Thôn Ba");
    let old_epoch = w.export(&mut a);
    a.begin_sync_epoch(&json!({"test": true})).unwrap();
    area(&mut a, "Thôn Bốn");
    let new_epoch = commune::export(&mut a, &w.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap();
    assert_eq!(new_epoch.manifest.epoch, 1);
    assert_eq!(new_epoch.manifest.prev_hash, None);
    // What waits for the province is counted, not read off the sequence numbers (which jumped by 2³²).
    // No receipt taken in yet: the four areas.
    assert_eq!(a.pending_changes().unwrap(), 4, "last seq {}", a.last_seq().unwrap());
    let r = w.import(&new_epoch.path).unwrap();
    assert!(r.new_chain);
    // The receipt of the new epoch's bundle: the officer reads what is left, never a sequence number
    // (an earlier version said «đã nhận đến thay đổi số 4294967297»).
    area(&mut a, "Thôn Năm");
    let imported = commune::import(&mut a, &r.receipt.unwrap()).unwrap();
    let said = phongtrao::present::sync::imported(&imported);
    assert_eq!(
        said,
        "Đã nhận biên nhận của gói số 4: Công an tỉnh đã nhận đủ gói này; còn 1 thay đổi nhập, sửa sau đó sẽ đi trong gói xuất lần sau."
    );
    assert_eq!(a.pending_changes().unwrap(), 1);
    let before = w.province_state();
    let e = w.import(&old_epoch).unwrap_err();
    assert_eq!(code(&e), "bundle_rollback", "{e}");
    assert!(e.to_string().contains("kỳ đồng bộ 0"), "{e}");
    assert_eq!(w.province_state(), before);
}

/// Rewrites a bundle as the province reads it: decrypt, let `edit` change the files, re-tar, re-encrypt.
pub(crate) fn rewrite(w: &World, file: &Path, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let id: age::x25519::Identity = w.province.meta().age_identity.parse().unwrap();
    let bytes = std::fs::read(file).unwrap();
    let plain = age::decrypt(&id, &bytes).unwrap();
    let mut files = tar_files(&plain);
    edit(&mut files);
    let mut t = tar::Builder::new(Vec::new());
    for (path, data) in &files {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        t.append_data(&mut h, path, &data[..]).unwrap();
    }
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    age::encrypt(&recipient, &t.into_inner().unwrap()).unwrap()
}

#[test]
fn tamper_matrix_every_case_is_refused_and_changes_nothing() {
    let mut w = world();
    let mut a = w.commune("23535", true);
    for n in ["Thôn Một", "Thôn Hai", "Thôn Ba", "Thôn Bốn"] {
        area(&mut a, n);
    }
    // An older bundle kept aside for the rollback case, then the one the matrix alters.
    let good = w.export(&mut a);
    let bytes = std::fs::read(&good).unwrap();
    let province_before = w.province_state();
    let mut tried = 0;
    let mut refuse = |w: &mut World, data: &[u8], expect: &[&str], what: &str| {
        let e = w
            .province
            .import_bytes(data, &ImportOptions { dry_run: false, receipt_dir: None }, Utc::now())
            .expect_err(what);
        assert!(expect.contains(&code(&e)), "{what}: {} ({e})", code(&e));
        let msg = e.to_string();
        assert!(
            msg.contains("Không nhập gì") || msg.contains("không thay đổi"),
            "{what}: says nothing was imported: {msg}"
        );
        super::sync_attacks::says_the_right_thing(code(&e), &msg);
        assert_eq!(w.province_state(), province_before, "{what}: the province store is unchanged");
        tried += 1;
    };

    // Bit flips at many offsets: in the age header, the stanza, the payload, the last chunk's tag.
    let n = bytes.len();
    let mut offsets: Vec<usize> = (0..n).step_by((n / 60).max(1)).collect();
    offsets.extend([0, 5, 22, 30, 60, 100, n / 2, n - 17, n - 1]);
    for off in offsets {
        for bit in [0, 7] {
            let mut b = bytes.clone();
            b[off] ^= 1 << bit;
            refuse(
                &mut w,
                &b,
                &["bundle_damaged", "bundle_not_for_us", "bundle_unencrypted"],
                &format!("bit {bit} at {off}"),
            );
        }
    }
    // Truncation at many lengths, down to nothing.
    for len in [0, 1, 21, 22, 50, 100, 200, n / 3, n / 2, n - 100, n - 17, n - 1] {
        refuse(
            &mut w,
            &bytes[..len],
            &["bundle_damaged", "bundle_not_for_us", "bundle_unencrypted"],
            &format!("cut at {len}"),
        );
    }
    // A manifest whose hash does not match its payload (payload swapped, manifest and signature kept).
    let swapped = rewrite(&w, &good, |files| {
        let z = files.iter_mut().find(|f| f.0 == "changes.jsonl.zst").unwrap();
        z.1 = zstd::bulk::compress(b"{}\n", 3).unwrap();
    });
    refuse(&mut w, &swapped, &["bundle_hash"], "payload swapped");
    // An altered manifest (more records claimed) with the old signature.
    let edited = rewrite(&w, &good, |files| {
        let m = files.iter_mut().find(|f| f.0 == "manifest.json").unwrap();
        m.1 = String::from_utf8(m.1.clone()).unwrap().replace("\"seq\": 1", "\"seq\": 9").into_bytes();
    });
    refuse(&mut w, &edited, &["bundle_signature"], "manifest edited");
    // A file slipped in beside the signed ones.
    let extra = rewrite(&w, &good, |files| files.push(("them.txt".into(), b"x".to_vec())));
    refuse(&mut w, &extra, &["bundle_hash"], "extra file");

    // A bundle for another province: signed by the commune's own key, encrypted to this province.
    let (key, _) = a.sync_keys().unwrap();
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let (mut m, files) = super::sync_attacks::unpack(&w, &bytes);
    m.province_code = "52".into();
    let files: Vec<(String, Vec<u8>)> = files.into_iter().filter(|(p, _)| p == "changes.jsonl.zst").collect();
    let (other, _, _) = bundle::write(m, &files, &key, std::slice::from_ref(&recipient)).unwrap();
    refuse(&mut w, &other, &["bundle_other_province"], "another province");

    // A signature by an unknown key (a commune not registered).
    let mut stranger = w.commune("23499", false);
    area(&mut stranger, "Thôn Lạ");
    let s = w.export(&mut stranger);
    refuse(&mut w, &std::fs::read(&s).unwrap(), &["bundle_unknown_key"], "unknown key");

    // An expired bundle.
    let old = commune::export(
        &mut a,
        &w.usb(),
        &ExportOptions { now: Utc::now() - Duration::days(100), ..Default::default() },
        &mut |_, _| {},
    )
    .unwrap();
    refuse(&mut w, &std::fs::read(&old.path).unwrap(), &["bundle_expired"], "expired");

    // Not encrypted at all.
    let plain =
        age::decrypt(&w.province.meta().age_identity.parse::<age::x25519::Identity>().unwrap(), &bytes).unwrap();
    refuse(&mut w, &plain, &["bundle_unencrypted"], "bare tar");

    // The good bundle still imports after all that; then a replay is refused and names the first import.
    w.import(&good).unwrap();
    let province_before = w.province_state();
    let e = w.import(&good).unwrap_err();
    assert_eq!(code(&e), "bundle_replay");
    assert!(e.to_string().contains("đã được nhập lúc"), "{e}");
    assert_eq!(w.province_state(), province_before);

    // A revoked key is refused from then on.
    let commune_key = phongtrao::crypto::PublicKey::parse(&a.sync_keys().unwrap().0.public).unwrap().key_id();
    area(&mut a, "Thôn Năm");
    let next = w.export(&mut a);
    w.province.revoke(&commune_key).unwrap();
    let province_before = w.province_state();
    let e = w.import(&next).unwrap_err();
    assert_eq!(code(&e), "bundle_revoked", "{e}");
    assert!(e.to_string().contains("thu hồi"), "{e}");
    assert_eq!(w.province_state(), province_before);
    assert!(tried > 100, "{tried} cases");
}

#[test]
fn forged_or_foreign_receipts_change_nothing_at_the_commune() {
    let mut w = world();
    let mut a = w.commune("23535", true);
    area(&mut a, "Thôn Một");
    let f = w.export(&mut a);
    let receipt = w.import(&f).unwrap().receipt.unwrap();
    let before = a.sync_state().unwrap();

    // Re-signed by another province's key (same province code): refused as not the province's.
    let (forger, _) =
        Province::init(&w.dir.path().join("gia"), PW, "51", "Quảng Ngãi", KdfParams::insecure_for_tests()).unwrap();
    let (manifest, all) = super::sync_attacks::unpack(&w, &std::fs::read(&receipt).unwrap());
    assert_eq!(manifest.kind, BundleKind::Receipt);
    let files: Vec<(String, Vec<u8>)> = all.clone().into_iter().filter(|(p, _)| p == "receipt.json").collect();
    let (forged, _, _) = bundle::write(manifest.clone(), &files, &forger.meta().signing, &[]).unwrap();
    let path = w.usb().join("gia.ptb");
    phongtrao::fsutil::write_atomic(&path, &forged).unwrap();
    let e = commune::import(&mut a, &path).unwrap_err();
    assert_eq!(code(&e), "bundle_unknown_key", "{e}");
    assert!(e.to_string().contains("làm giả") || e.to_string().contains("gói giả"), "{e}");

    // The receipt's content altered (manifest kept): refused by its hash.
    let mut files2 = files.clone();
    let r = files2.iter_mut().find(|f| f.0 == "receipt.json").unwrap();
    r.1 = String::from_utf8(r.1.clone()).unwrap().replace("\"bundle_seq\": 1", "\"bundle_seq\": 7").into_bytes();
    let mut t = tar::Builder::new(Vec::new());
    for (p, d) in [
        ("manifest.json".to_owned(), all["manifest.json"].clone()),
        ("manifest.json.minisig".to_owned(), all["manifest.json.minisig"].clone()),
    ]
    .into_iter()
    .chain(files2)
    {
        let mut h = tar::Header::new_ustar();
        h.set_size(d.len() as u64);
        h.set_mode(0o644);
        t.append_data(&mut h, p, &d[..]).unwrap();
    }
    phongtrao::fsutil::write_atomic(&path, &t.into_inner().unwrap()).unwrap();
    let e = commune::import(&mut a, &path).unwrap_err();
    assert_eq!(code(&e), "bundle_hash", "{e}");
    assert!(e.to_string().contains("Hãy yêu cầu Công an tỉnh xuất lại gói"), "advice for the commune: {e}");

    // A genuine receipt for another commune's installation.
    let mut b = w.commune("23536", true);
    area(&mut b, "Thôn Hai");
    let fb = w.export(&mut b);
    let rb = w.import(&fb).unwrap().receipt.unwrap();
    let e = commune::import(&mut a, &rb).unwrap_err();
    assert_eq!(code(&e), "bundle_unknown_receipt", "{e}");

    // A commune's own bundle is no receipt.
    let e = commune::import(&mut a, &f).unwrap_err();
    assert_eq!(code(&e), "bundle_wrong_kind", "{e}");
    assert_eq!(a.sync_state().unwrap(), before, "the commune store is unchanged");
}

#[test]
fn reference_data_and_revocations_reach_the_commune() {
    let mut w = world();
    let mut a = w.commune("23535", true);
    let mut b = w.commune("23536", true);
    area(&mut b, "Thôn Hai");
    let bkey = phongtrao::crypto::PublicKey::parse(&b.sync_keys().unwrap().0.public).unwrap().key_id();
    w.province.revoke(&bkey).unwrap();
    let mut set = phongtrao::domain::RefSet::builtin();
    set.version += 1;
    set.lists.truncate(1);
    let f = w.province.write_reference(Some(set), &w.usb(), Utc::now()).unwrap();
    match commune::import(&mut a, &f).unwrap() {
        Imported::Reference { lists, revoked } => assert_eq!((lists, revoked), (1, 1)),
        other => panic!("{other:?}"),
    }
    assert_eq!(a.sync_state().unwrap().revoked, vec![bkey]);
    let v = commune::verify(&mut a, &f).unwrap();
    assert!(v.signer.contains("Công an tỉnh"), "{}", v.signer);
}

#[test]
fn enrollment_is_checked_and_happens_once() {
    let mut w = world();
    let mut other = w.commune_in("52", "24001", false);
    let e = commune::enroll(&mut other, &w.enrollment).unwrap_err();
    assert_eq!(code(&e), "bundle_other_province", "{e}");
    assert!(other.sync_state().unwrap().province.is_none());

    let mut a = w.commune("23535", false);
    commune::enroll(&mut a, &w.enrollment).unwrap();
    let (_, enrollment2) =
        Province::init(&w.dir.path().join("tinh2"), PW, "51", "Quảng Ngãi", KdfParams::insecure_for_tests()).unwrap();
    let e = commune::enroll(&mut a, &enrollment2).unwrap_err();
    assert_eq!(code(&e), "bundle_enrolled", "{e}");
    // Exporting before enrollment is explained.
    let mut none = w.commune_in("52", "24002", false);
    let e = commune::export(&mut none, &w.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap_err();
    assert_eq!(code(&e), "not_enrolled");
    assert!(e.to_string().contains("phongtrao enroll"), "{e}");
}

/// Signs `changes` (JSON lines) with the commune's `key` under the manifest of `opened`, encrypts the
/// bundle to the province and imports it there: a bundle the commune really signed, with edited records.
pub(crate) fn reseal_and_import(w: &mut World, manifest: &Manifest, key: &SigningKey, changes: &str) -> ImportReport {
    let payload = bundle::compress(changes.as_bytes()).unwrap();
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let (bytes, _, _) =
        bundle::write(manifest.clone(), &[("changes.jsonl.zst".into(), payload)], key, &[recipient]).unwrap();
    w.province.import_bytes(&bytes, &ImportOptions { dry_run: false, receipt_dir: Some(w.usb()) }, Utc::now()).unwrap()
}

#[test]
fn a_bad_record_is_quarantined_and_the_rest_imported() {
    let mut w = world();
    let mut a = w.commune("23535", true);
    area(&mut a, "Thôn Một");
    area(&mut a, "Thôn Hai");
    let f = w.export(&mut a);
    // The commune signs a bundle in which one record breaks its register's rules.
    let (key, _) = a.sync_keys().unwrap();
    let bytes = std::fs::read(&f).unwrap();
    let (manifest, _) = super::sync_attacks::unpack(&w, &bytes);
    let mut lines = super::sync_attacks::lines_of(&w, &bytes);
    lines[0] = lines[0].replace("\"households\":120", "\"households\":-5");
    let r = reseal_and_import(&mut w, &manifest, &key, &(lines.join("\n") + "\n"));
    assert_eq!(r.total().new, 1);
    assert_eq!(r.total().rejected, 1);
    assert_eq!(r.quarantined.len(), 1);
    assert!(r.quarantined[0].reason.contains("Số hộ"), "{}", r.quarantined[0].reason);
    let inst = a.commune().unwrap().installation_id;
    assert_eq!(w.province.db().quarantined(inst).unwrap().len(), 1);
    assert_eq!(w.province.status().unwrap()[0].quarantined, 1);
    // The receipt lists it for the commune (this test's bundle is not one the commune wrote, so the
    // commune refuses the receipt itself: it acknowledges only bundles it exported).
    let (_, receipt) = super::sync_attacks::unpack(&w, &std::fs::read(r.receipt.as_ref().unwrap()).unwrap());
    let body: commune::Receipt = serde_json::from_slice(&receipt["receipt.json"]).unwrap();
    assert_eq!(body.quarantined.len(), 1);
    assert_eq!(body.quarantined[0]["id"], r.quarantined[0].record_id.as_str());
    let e = commune::import(&mut a, r.receipt.as_ref().unwrap()).unwrap_err();
    assert_eq!(code(&e), "bundle_unknown_receipt");
}

pub(crate) fn tool(cmd: &mut Command) -> std::process::Output {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (install with scripts/deps.sh test)"));
    assert!(o.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn debian_age_and_minisign_read_a_real_bundle_and_it_reveals_no_names() {
    let mut w = world();
    let mut s = demo_commune(&mut w);
    let (key, _) = s.sync_keys().unwrap();
    let pubfile = w.dir.path().join("xa.pub");
    std::fs::write(&pubfile, &key.public).unwrap();
    let exported = commune::export(&mut s, &w.usb(), &ExportOptions::default(), &mut |_, _| {}).unwrap();
    let idfile = w.dir.path().join("province-identity.txt");
    w.province.export_identity(&idfile).unwrap();

    // age -d -i province-identity.txt FILE.ptb | tar -x
    let plain = tool(Command::new("age").arg("-d").arg("-i").arg(&idfile).arg(&exported.path)).stdout;
    let out = w.dir.path().join("mo-goi");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("bundle.tar"), &plain).unwrap();
    tool(Command::new("tar").arg("-xf").arg("bundle.tar").current_dir(&out));
    // minisign -Vm manifest.json -p commune.pub
    let v = tool(Command::new("minisign").arg("-Vm").arg("manifest.json").arg("-p").arg(&pubfile).current_dir(&out));
    assert!(String::from_utf8_lossy(&v.stdout).contains("Signature and comment signature verified"));
    // The trusted comment minisign shows says what the manifest says (the reader refuses otherwise).
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let shown = format!("Trusted comment: {}", bundle::trusted_comment(&manifest));
    assert!(String::from_utf8_lossy(&v.stdout).contains(&shown), "{}", String::from_utf8_lossy(&v.stdout));
    // sha256sum of each payload file against the manifest
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    for f in manifest["files"].as_array().unwrap() {
        let o = tool(Command::new("sha256sum").arg(f["path"].as_str().unwrap()).current_dir(&out));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).split_whitespace().next().unwrap(),
            f["sha256"].as_str().unwrap()
        );
    }
    // minisign refuses an altered manifest.
    let m = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    std::fs::write(out.join("manifest.json"), m.replace("\"seq\": 1", "\"seq\": 2")).unwrap();
    let o = Command::new("minisign")
        .arg("-Vm")
        .arg("manifest.json")
        .arg("-p")
        .arg(&pubfile)
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(!o.status.success(), "minisign must refuse an edited manifest");
    // A key that is not the commune's is refused by age.
    let o = Command::new("age").arg("-d").arg("-i").arg(&pubfile).arg(&exported.path).output().unwrap();
    assert!(!o.status.success());

    // A lost stick reveals nothing: no name of the demo in `strings`, nor anywhere in the raw bytes.
    let raw = std::fs::read(&exported.path).unwrap();
    let strings =
        String::from_utf8(tool(Command::new("strings").arg("-n").arg("5").arg(&exported.path)).stdout).unwrap();
    let mut names = Vec::new();
    for kind in Kind::ALL {
        for r in s.list(kind, &Default::default()).unwrap().records {
            names.push(r.title.clone());
            for v in r.data.values().filter_map(|v| v.as_str()).filter(|v| v.chars().count() >= 6) {
                names.push(v.to_owned());
            }
        }
    }
    assert!(names.len() > 100, "{}", names.len());
    assert!(names.iter().any(|n| n.contains("Nguyễn")));
    for n in &names {
        assert!(!strings.contains(n.as_str()), "strings shows «{n}»");
        assert!(!raw.windows(n.len()).any(|w| w == n.as_bytes()), "the bundle holds «{n}» in clear");
        let ascii: String = phongtrao::text::fold(n);
        if ascii.len() >= 8 {
            assert!(!strings.to_lowercase().contains(&ascii), "strings shows «{ascii}»");
        }
    }
    for word in ["households", "\"name\"", "manifest", "Xã Ia Đal", "23535"] {
        assert!(!raw.windows(word.len()).any(|w| w == word.as_bytes()), "«{word}» in clear");
    }
}

/// The whole trip through the real binary, as officers type it.
#[test]
fn the_command_line_carries_a_bundle_there_and_a_receipt_back() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| phongtrao(args, PW);
    let ok = |args: &[&str]| phongtrao_ok(args, PW);
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (tinh, db, usb) = (p("tinh"), p("xa.db"), p("usb"));
    std::fs::create_dir_all(&usb).unwrap();
    let enrollment = ok(&["province", "init", "--dir", &tinh, "--province-code", "51", "--province", "Quảng Ngãi"]);
    ok(&[&["--db", db.as_str()], INIT].concat());
    let shown = ok(&["--db", &db, "key", "show"]);
    assert!(shown.contains("Mã khóa:") && shown.contains("Dấu vân tay:"), "{shown}");
    ok(&["--db", &db, "key", "export-pub", "--out", &p("xa.pub")]);
    assert!(std::fs::read_to_string(p("xa.pub")).unwrap().starts_with("untrusted comment: minisign public key"));
    let enrolled = ok(&["--db", &db, "enroll", enrollment.trim()]);
    assert!(enrolled.contains("Đã ghi danh với Công an tỉnh Quảng Ngãi"), "{enrolled}");
    ok(&["province", "--dir", &tinh, "register", "--commune-code", "23535", "--pubkey", &p("xa.pub")]);
    ok(&[
        "--db",
        &db,
        "add",
        "area",
        "--json",
        r#"{"name": "Thôn Đắk Năng", "kind": "thon", "households": 120, "population": 480}"#,
    ]);
    let file = ok(&["--db", &db, "bundle", "export", "--out", &usb]).trim().to_owned();
    let verified = ok(&["--db", &db, "bundle", "verify", &file]);
    assert!(verified.contains("Gói còn nguyên vẹn") && verified.contains("máy này"), "{verified}");
    let dry = ok(&["province", "--dir", &tinh, "import", &file, "--dry-run"]);
    assert!(dry.contains("Chạy thử: chưa nhập gì") && dry.contains("khu dân cư"), "{dry}");
    let done = ok(&["province", "--dir", &tinh, "import", &file, "--receipt-out", &usb]);
    let receipt = done.lines().find_map(|l| l.strip_prefix("Biên nhận cho xã: ")).unwrap().to_owned();
    // A replay changes nothing and is no failure (issue 15: exit 0 when every bundle was imported or a replay).
    let again = ok(&["province", "--dir", &tinh, "import", &file]);
    assert!(again.contains("đã được nhập lúc") && again.contains("1 đã nhập trước đây"), "{again}");
    let status = ok(&["province", "--dir", &tinh, "status"]);
    assert!(status.contains("Xã 23535") && status.contains("Gói cuối: số 1"), "{status}");
    // Times as an officer reads them, never `2026-12-06T10:25:02.576587522+00:00`.
    let raw_time = |s: &str| {
        s.as_bytes()
            .windows(11)
            .any(|w| w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-' && w[7] == b'-' && w[10] == b'T')
    };
    assert!(!raw_time(&status) && status.contains(" ngày "), "{status}");
    // Any past receipt can be written again.
    let again = ok(&["province", "--dir", &tinh, "receipt", "--commune", "23535", "--seq", "1", "--out", &usb]);
    assert!(again.contains("Đã ghi lại biên nhận của gói số 1"), "{again}");
    let took = ok(&["--db", &db, "bundle", "import", &receipt]);
    assert!(took.contains("Đã nhận biên nhận của gói số 1"), "{took}");
    // Nothing new: the next bundle is empty.
    let next = ok(&["--db", &db, "bundle", "export", "--out", &usb]).trim().to_owned();
    assert!(ok(&["--db", &db, "bundle", "verify", &next]).contains("Không có thay đổi mới"));
    // A damaged file is explained in Vietnamese.
    let mut bytes = std::fs::read(&next).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(p("hong.ptb"), bytes).unwrap();
    let bad = run(&["province", "--dir", &tinh, "import", &p("hong.ptb")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bị hỏng hoặc không đầy đủ"));
    ok(&["province", "--dir", &tinh, "export-identity", "--out", &p("id.txt")]);
    assert!(std::fs::read_to_string(p("id.txt")).unwrap().contains("AGE-SECRET-KEY-1"));
}

/// The fuzzer's seeds (fuzz/seeds/) must stay valid bundles that open with the fuzz target's fixed
/// identity: otherwise the fuzzer never gets past decryption and the manifest, and its runs recorded
/// in docs/SYNC.md would no longer mean what they say.
#[test]
fn fuzz_seeds_still_open_with_the_fuzz_targets_identity() {
    // The same identity as fuzz/fuzz_targets/bundle_open.rs.
    let id: age::x25519::Identity =
        "AGE-SECRET-KEY-1PH0NP946Y85TEZVKLJRF95P8YSVVRJVCE9X7W7ADGCAMA5PNPWMSPXNK0U".parse().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut kinds = Vec::new();
    for (name, encrypted) in [("changes-age.ptb", true), ("changes-plain.tar", false), ("enrollment.ptb", false)] {
        let bytes = std::fs::read(root.join("seeds").join(name)).unwrap();
        let opened = bundle::open(&bytes, std::slice::from_ref(&id)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(opened.encrypted(), encrypted, "{name}");
        let kind = opened.manifest.kind;
        let file = if kind == BundleKind::Changes { "changes.jsonl.zst" } else { "enrollment.json" };
        // The target reaches the payload as `verify_self_signed` does: every entry read, then the key.
        let mut payload = None;
        let _ = opened.verify_self_signed(file, |data| {
            payload = Some(data.to_vec());
            Err(phongtrao::Error::Refused("la clé du test".into()))
        });
        let payload = payload.unwrap_or_else(|| panic!("{name}: the payload was read"));
        if kind == BundleKind::Changes {
            // The seeds' payload is a valid zstd frame (of no change lines: the seeds were made from an
            // export with nothing new).
            assert_eq!(bundle::lines(&payload).unwrap().count(), 0, "{name}");
        }
        kinds.push(kind);
    }
    assert_eq!(kinds, [BundleKind::Changes, BundleKind::Changes, BundleKind::Enrollment]);
}

/// A demo commune (scale 1), enrolled with the world's province and registered there.
pub(crate) fn demo_commune(w: &mut World) -> Store {
    let path = w.dir.path().join("demo.db");
    let mut s = Store::create_at(
        &path,
        &phongtrao::demo::demo_setup(),
        &phongtrao::demo::demo_chief(PW),
        KdfParams::insecure_for_tests(),
    )
    .unwrap();
    phongtrao::demo::generate(&mut s, &phongtrao::demo::DemoOptions { seed: 1, scale: 1 }, &mut |_, _| {}).unwrap();
    commune::enroll(&mut s, &w.enrollment).unwrap();
    let (key, _) = s.sync_keys().unwrap();
    w.province.register("23535", &key.public).unwrap();
    s
}

pub(crate) fn full_export(w: &World, s: &mut Store) -> commune::Exported {
    commune::export(s, &w.usb(), &ExportOptions { full: true, ..Default::default() }, &mut |_, _| {}).unwrap()
}

/// What the province quarantined, by kind and reason (to show in a failed assertion).
fn reasons(r: &ImportReport) -> Vec<String> {
    r.quarantined.iter().map(|q| format!("{} {}: {}", q.kind, q.record_id, q.reason)).collect()
}

#[test]
fn a_full_export_of_the_demo_imports_at_the_province_with_nothing_quarantined() {
    let mut w = world();
    let mut s = demo_commune(&mut w);
    let e = full_export(&w, &mut s);
    let live: i64 = s.counts().unwrap().iter().map(|c| c.1).sum();
    let certs = s.list(Kind::Cert, &Default::default()).unwrap().total;
    assert!(certs > 10, "the demo has certification records in every step ({certs})");
    let r = w.import(&e.path).unwrap();
    assert!(r.quarantined.is_empty(), "{} quarantined: {:#?}", r.quarantined.len(), reasons(&r));
    let t = r.total();
    assert_eq!((t.rejected, t.updated, t.unchanged), (0, 0, 0));
    assert_eq!(t.new as usize, e.changes);
    let inst = s.commune().unwrap().installation_id;
    let rows = w.province.db().records(inst).unwrap();
    assert_eq!(rows.iter().filter(|r| !r.4).count() as i64, live);
    assert_eq!(rows.iter().filter(|r| r.1 == "cert").count() as u64, certs);
    // The province keeps each record's fields as the commune sent them.
    for c in s.list(Kind::Cert, &Default::default()).unwrap().records {
        let row = rows.iter().find(|r| r.0 == c.id).unwrap();
        let stored: serde_json::Value = serde_json::from_str(row.2.as_deref().unwrap()).unwrap();
        assert_eq!(stored, serde_json::Value::Object(c.data.clone()));
    }
    assert_eq!(w.province.status().unwrap()[0].quarantined, 0);
    // The export copies each record's stored JSON text: byte for byte the line a parsed `Change` makes,
    // tombstones included.
    let victim = s.list(Kind::Commendation, &Default::default()).unwrap().records[0].id;
    s.delete(Kind::Commendation, victim).unwrap();
    let parsed: Vec<String> =
        s.changes_since(0, u32::MAX).unwrap().iter().map(|c| serde_json::to_string(c).unwrap()).collect();
    let copied: Vec<String> =
        s.change_lines_since(0, u32::MAX).unwrap().iter().map(|c| serde_json::to_string(c).unwrap()).collect();
    assert_eq!(copied.len(), e.changes, "the deleted record is now its tombstone");
    assert!(copied.last().unwrap().ends_with("\"data\":null}"), "{}", copied.last().unwrap());
    assert_eq!(parsed, copied);
}

#[test]
fn a_demo_bundle_with_genuinely_bad_records_quarantines_them_and_imports_the_rest() {
    let mut w = world();
    let mut s = demo_commune(&mut w);
    let e = full_export(&w, &mut s);
    let (key, _) = s.sync_keys().unwrap();
    let bytes = std::fs::read(&e.path).unwrap();
    let (manifest, _) = super::sync_attacks::unpack(&w, &bytes);
    let mut lines: Vec<serde_json::Value> =
        super::sync_attacks::lines_of(&w, &bytes).iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let first = |lines: &[serde_json::Value], kind: &str, has: &str| {
        lines.iter().position(|l| l["kind"] == kind && !l["data"][has].is_null()).unwrap()
    };
    // An area with more households than people: the commune refuses it, so must the province.
    let area = first(&lines, "area", "households");
    let households = lines[area]["data"]["households"].as_i64().unwrap();
    lines[area]["data"]["population"] = json!(households - 1);
    // A certification whose registration step lost its date.
    let cert = first(&lines, "cert", "registration");
    lines[cert]["data"]["registration"].as_object_mut().unwrap().remove("registered_on");
    // A member whose team does not exist.
    let member = first(&lines, "member", "team_id");
    lines[member]["data"]["team_id"] = json!(Uuid::now_v7().to_string());
    let bad: Vec<String> = [area, cert, member].iter().map(|i| lines[*i]["id"].as_str().unwrap().to_owned()).collect();
    let mut text: String = lines.iter().map(|l| l.to_string() + "\n").collect();
    // A commendation whose recipient is given twice: what the checks read must be all that the
    // stored text says. (No record links to a commendation: a record that does not parse is not at
    // the province, so the records linking to it would be put aside too.)
    let twice_at = first(&lines, "commendation", "recipient");
    let twice_id = lines[twice_at]["id"].as_str().unwrap().to_owned();
    let line = lines[twice_at].to_string();
    let twice = line.replacen("\"recipient\":", "\"recipient\":\"Tên khác\",\"recipient\":", 1);
    assert_ne!(twice, line);
    text = text.replace(&line, &twice);

    let r = reseal_and_import(&mut w, &manifest, &key, &text);
    let mut got: Vec<&str> = r.quarantined.iter().map(|q| q.record_id.as_str()).collect();
    got.sort();
    let mut want: Vec<&str> = bad.iter().map(String::as_str).chain([twice_id.as_str()]).collect();
    want.sort();
    assert_eq!(got, want, "{:#?}", reasons(&r));
    let why = |id: &str| r.quarantined.iter().find(|q| q.record_id == id).unwrap().reason.clone();
    assert!(why(&bad[0]).contains("Số hộ gia đình: không được lớn hơn số nhân khẩu"), "{}", why(&bad[0]));
    assert!(why(&bad[1]).contains("registered_on"), "{}", why(&bad[1]));
    assert!(why(&bad[2]).contains("không tìm thấy tổ bảo vệ"), "{}", why(&bad[2]));
    assert!(why(&twice_id).ends_with("trường «recipient» có hai lần"), "{}", why(&twice_id));
    assert_eq!(r.total().rejected, 4);
    assert_eq!(r.total().new as usize, e.changes - 4);
    let inst = s.commune().unwrap().installation_id;
    let stored = w.province.db().records(inst).unwrap();
    assert_eq!(stored.len(), e.changes - 4);
    assert!(stored.iter().all(|row| !want.contains(&row.0.to_string().as_str())));
    assert_eq!(w.province.db().quarantined(inst).unwrap().len(), 4);
}

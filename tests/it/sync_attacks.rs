//! Attacks a hostile review of the bundles found (issue 14): each test failed before its fix. The
//! attacker holds a registered commune key (or none), Debian's tools, and hand-built archives.

use std::collections::BTreeMap;

use chrono::Utc;
use phongtrao::crypto::SigningKey;
use phongtrao::store::Store;
use phongtrao::sync::bundle::{self, Manifest};
use phongtrao::sync::province::ImportOptions;
use uuid::Uuid;

use super::sync::{World, area, code, unpack_tar, world};

/// A commune bundle as the province decrypts it: its manifest and every file of the archive.
pub(crate) fn unpack(w: &World, bytes: &[u8]) -> (Manifest, BTreeMap<String, Vec<u8>>) {
    let id: age::x25519::Identity = w.province.meta().age_identity.parse().unwrap();
    let plain = if bytes.starts_with(bundle::AGE_MAGIC) { age::decrypt(&id, bytes).unwrap() } else { bytes.to_vec() };
    unpack_tar(&plain)
}

/// The change lines of a commune bundle file.
pub(crate) fn lines_of(w: &World, bytes: &[u8]) -> Vec<String> {
    let (_, files) = unpack(w, bytes);
    let text = zstd::decode_all(&files["changes.jsonl.zst"][..]).unwrap();
    String::from_utf8(text).unwrap().lines().map(str::to_owned).collect()
}

/// Signs a bundle of `lines` under `m` with `key`, encrypted to the province: what a commune holding
/// that key can make. The counts are set from the lines, as an honest exporter would.
pub(crate) fn seal(w: &World, mut m: Manifest, key: &SigningKey, lines: &[String]) -> Vec<u8> {
    let mut counts = BTreeMap::new();
    for l in lines {
        // By the line's text, as an exporter knows its own lines (some of these lines do not parse).
        let kind = l.split("\"kind\":\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("?");
        let k = if l.contains("\"data\":{") { kind.to_owned() } else { "deleted".to_owned() };
        *counts.entry(k).or_insert(0) += 1;
    }
    m.counts = counts;
    m.key_id = key.public_key().unwrap().key_id();
    let payload = bundle::compress((lines.join("\n") + "\n").as_bytes()).unwrap();
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    bundle::write(m, &[("changes.jsonl.zst".into(), payload)], key, &[recipient]).unwrap().0
}

fn import_bytes(w: &mut World, bytes: &[u8]) -> phongtrao::Result<phongtrao::sync::province::ImportReport> {
    let opts = ImportOptions { dry_run: false, receipt_dir: Some(w.usb().join("bien-nhan")) };
    w.province.import_bytes(bytes, &opts, Utc::now())
}

fn installation(s: &Store) -> Uuid {
    s.commune().unwrap().installation_id
}

/// Must fix 1: commune A's key claims commune B's installation id (it travels in clear in B's
/// receipts) and sends B's records, edited. Before the fix they overwrote B's rows and relabelled
/// them as A's; now the bundle is refused, loudly, and B's rows never change commune.
#[test]
fn a_key_cannot_write_another_communes_installation() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    let mut b = w.commune("23431", true);
    area(&mut a, "Thôn Của A");
    area(&mut b, "Thôn Của B");
    let fb = w.export(&mut b);
    w.import(&fb).unwrap();
    let b_rows = w.province.db().records(installation(&b)).unwrap();
    assert_eq!(b_rows.len(), 1);

    // A's first bundle, but claiming B's installation, carrying B's record with a newer clock.
    let fa = w.export(&mut a);
    let (mut m, _) = unpack(&w, &std::fs::read(&fa).unwrap());
    m.installation_id = installation(&b);
    let forged: Vec<String> = lines_of(&w, &std::fs::read(&fb).unwrap())
        .iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["hlc"] = serde_json::json!(v["hlc"].as_u64().unwrap() + 1000);
            v["data"]["name"] = serde_json::json!("Thôn Bị Chiếm");
            v.to_string()
        })
        .collect();
    let (a_key, _) = a.sync_keys().unwrap();
    let bytes = seal(&w, m, &a_key, &forged);
    let before = w.province_state();
    let e = import_bytes(&mut w, &bytes).unwrap_err();
    assert_eq!(code(&e), "bundle_installation_taken", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("23431") && msg.contains("23430"), "names both communes: {msg}");
    assert!(msg.contains("Không nhập gì"), "{msg}");
    assert_eq!(w.province.db().records(installation(&b)).unwrap(), b_rows, "B's rows are untouched");
    assert_eq!(w.province_state(), before, "nothing imported");
    // Said loudly: the attempt is kept and `status` shows it.
    let alerts = w.province.alerts().unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].commune_code, "23430");
    assert!(alerts[0].message.contains("23431"), "{}", alerts[0].message);

    // A's honest bundle and B's later edits still import, each under its own commune.
    w.import(&fa).unwrap();
    area(&mut b, "Thôn Mới Của B");
    let fb2 = w.export(&mut b);
    assert_eq!(w.import(&fb2).unwrap().total().new, 1);
    let counts = w.province.db().counts().unwrap();
    assert_eq!(counts, vec![("23430".into(), "area".into(), 1), ("23431".into(), "area".into(), 2)]);

    // Once A's key has sent from its own installation it can never claim another one.
    let (mut m, _) = unpack(&w, &std::fs::read(&fa).unwrap());
    m.installation_id = Uuid::now_v7();
    m.seq = 2;
    let bytes = seal(&w, m, &a_key, &lines_of(&w, &std::fs::read(&fa).unwrap()));
    let e = import_bytes(&mut w, &bytes).unwrap_err();
    assert_eq!(code(&e), "bundle_installation", "{e}");
    assert_eq!(w.province.alerts().unwrap().len(), 2);
}

/// Must fix 1, the store's own guard: a record row at the province never changes commune, and an
/// installation's id never changes once learned, whatever the caller.
#[test]
fn the_province_store_refuses_to_move_a_record_to_another_commune() {
    use phongtrao::store::province::{ImportWrite, RecordWrite};
    let mut w = world();
    let mut b = w.commune("23431", true);
    area(&mut b, "Thôn Của B");
    let fb = w.export(&mut b);
    w.import(&fb).unwrap();
    let inst = installation(&b);
    let (id, kind, data, hlc, _) = w.province.db().records(inst).unwrap()[0].clone();
    let key = w.province.db().installations().unwrap()[0].key_id.clone();
    let data = data.unwrap();
    let write = ImportWrite {
        key_id: &key,
        installation_id: inst,
        commune_code: "23430",
        hash: "ff",
        epoch: 0,
        seq: 2,
        bundle_created_at: "2026-01-01T00:00:00Z",
        now: "2026-01-01T00:00:00Z",
        apply: vec![RecordWrite {
            id,
            kind: phongtrao::domain::Kind::parse(&kind).unwrap(),
            data: Some(&data),
            hlc: hlc + 1,
            origin: inst,
        }],
        quarantine: vec![],
        held: vec![],
        answers: &[],
        head: true,
        new_gap: None,
        fills_gap: None,
        summary: serde_json::json!({}),
        receipt: None,
    };
    let before = w.province_state();
    assert!(w.province.db_mut().write_import(&write).is_err(), "a row changing commune is refused by the store");
    assert_eq!(w.province_state(), before);
}

/// A manifest and change lines signed by `a`'s key, for `a`'s installation: what a commune with a
/// hostile or broken laptop can send.
fn signed_by(w: &World, a: &mut Store, seq: i64, lines: &[String]) -> Vec<u8> {
    let f = w.export(a);
    let (mut m, _) = unpack(w, &std::fs::read(&f).unwrap());
    std::fs::remove_file(&f).unwrap();
    m.seq = seq;
    m.prev_hash = None;
    let (key, _) = a.sync_keys().unwrap();
    seal(w, m, &key, lines)
}

fn area_line(a: &Store, name: &str) -> String {
    let origin = installation(a);
    serde_json::json!({"id": Uuid::now_v7(), "kind": "area", "hlc": 1u64 << 20, "origin": origin, "seq": 1,
        "data": {"name": name, "kind": "thon", "households": 10, "population": 40}})
    .to_string()
}

/// Must fix 2: a few hundred signed bytes that decompress to 200,000 junk lines grew the store by
/// 74 MB and made a 35 MB receipt. Now a bundle with more bad lines than a laptop can make is refused
/// whole, a manifest claiming more records than a bundle may hold is refused before decompressing,
/// and the counts must match the payload kind by kind.
#[test]
fn junk_lines_and_false_counts_are_refused_and_keep_nothing() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    let junk: Vec<String> = (0..200_000).map(|i| format!("x{i}")).collect();
    let bytes = signed_by(&w, &mut a, 1, &junk);
    assert!(bytes.len() < 1_000_000, "a small file: {}", bytes.len());
    let before = w.province_state();
    let e = import_bytes(&mut w, &bytes).unwrap_err();
    assert_eq!(code(&e), "bundle_too_many_bad", "{e}");
    assert!(e.to_string().contains("Không nhập gì"), "{e}");
    assert_eq!(w.province_state(), before);
    assert!(!w.usb().join("bien-nhan").exists() || std::fs::read_dir(w.usb().join("bien-nhan")).unwrap().count() == 0);

    // Claimed counts beyond what a bundle may hold: refused before the payload is read.
    let f = w.export(&mut a);
    let (mut m, _) = unpack(&w, &std::fs::read(&f).unwrap());
    std::fs::remove_file(&f).unwrap();
    let (key, _) = a.sync_keys().unwrap();
    m.key_id = key.public_key().unwrap().key_id();
    m.counts = [("area".to_owned(), u64::MAX / 2), ("member".to_owned(), u64::MAX / 2)].into();
    let payload = bundle::compress(b"").unwrap();
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let big = bundle::write(m, &[("changes.jsonl.zst".into(), payload)], &key, &[recipient]).unwrap().0;
    let e = import_bytes(&mut w, &big).unwrap_err();
    assert_eq!(code(&e), "bundle_too_large", "{e}");

    // Counts that add up but not kind by kind: two areas said to be a deletion and an area.
    let lines = [area_line(&a, "Thôn Một"), area_line(&a, "Thôn Hai")];
    let f = w.export(&mut a);
    let (mut m, _) = unpack(&w, &std::fs::read(&f).unwrap());
    std::fs::remove_file(&f).unwrap();
    m.key_id = key.public_key().unwrap().key_id();
    m.counts = [("area".to_owned(), 1), ("deleted".to_owned(), 1)].into();
    let payload = bundle::compress((lines.join("\n") + "\n").as_bytes()).unwrap();
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let wrong = bundle::write(m, &[("changes.jsonl.zst".into(), payload)], &key, &[recipient]).unwrap().0;
    let e = import_bytes(&mut w, &wrong).unwrap_err();
    assert_eq!(code(&e), "bundle_counts", "{e}");
    assert!(e.to_string().contains("khu dân cư"), "names the kind: {e}");
    assert_eq!(w.province_state(), before);
}

/// Must fix 2: a line longer than a record may be is put aside by its length (not kept), the rest
/// imported; what is kept of a quarantined line is bounded.
#[test]
fn an_overlong_line_is_quarantined_by_its_length_and_not_kept() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    let long = format!("{{\"id\":\"{}\",\"pad\":\"{}\"}}", Uuid::now_v7(), "a".repeat(bundle::MAX_LINE_BYTES + 10));
    let lines = vec![area_line(&a, "Thôn Một"), long];
    let bytes = signed_by(&w, &mut a, 1, &lines);
    let r = import_bytes(&mut w, &bytes).unwrap();
    assert_eq!((r.total().new, r.total().rejected), (1, 1));
    assert!(r.quarantined[0].reason.contains("quá giới hạn"), "{}", r.quarantined[0].reason);
    assert!(r.quarantined[0].data.as_deref().unwrap_or("").len() <= 4096);
    let receipt = std::fs::metadata(r.receipt.unwrap()).unwrap().len();
    assert!(receipt < 20_000, "receipt of {receipt} bytes");
}

/// Must fix 2: a compression bomb (one line of a gigabyte) is refused as too large, in bounded memory.
#[test]
fn a_compression_bomb_is_refused() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    let f = w.export(&mut a);
    let (mut m, _) = unpack(&w, &std::fs::read(&f).unwrap());
    std::fs::remove_file(&f).unwrap();
    let (key, _) = a.sync_keys().unwrap();
    m.key_id = key.public_key().unwrap().key_id();
    m.counts = [("area".to_owned(), 1)].into();
    let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 19).unwrap();
    let zeros = vec![b'a'; 1 << 20];
    for _ in 0..(bundle::MIN_PAYLOAD_LIMIT >> 20) + 2 {
        std::io::Write::write_all(&mut enc, &zeros).unwrap();
    }
    let payload = enc.finish().unwrap();
    assert!(payload.len() < 1 << 20, "a small bomb: {}", payload.len());
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let bomb = bundle::write(m, &[("changes.jsonl.zst".into(), payload)], &key, &[recipient]).unwrap().0;
    let before = w.province_state();
    let e = import_bytes(&mut w, &bomb).unwrap_err();
    assert_eq!(code(&e), "bundle_too_large", "{e}");
    assert!(!e.to_string().contains("USB"), "not blamed on the stick: {e}");
    assert_eq!(w.province_state(), before);
}

/// The peak memory of this process so far (Linux), in bytes.
#[cfg(target_os = "linux")]
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// Must fix 3: an oversize file is refused before it is read (a sparse file of 300 MB costs nothing
/// to make), and an unsigned file anyone can make (the province's recipient is public) is refused at
/// its signature before its payload is read: it costs a few megabytes, not three times its size.
#[test]
fn an_oversize_or_unsigned_file_costs_no_memory() {
    let mut w = world();
    let big = w.usb().join("lon.ptb");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(bundle::MAX_BUNDLE_FILE_BYTES + 1).unwrap();
    std::fs::write(&big, b"").ok();
    let f = std::fs::OpenOptions::new().write(true).open(&big).unwrap();
    std::io::Write::write_all(&mut &f, bundle::AGE_MAGIC).unwrap();
    f.set_len(bundle::MAX_BUNDLE_FILE_BYTES + 1).unwrap();
    drop(f);
    let e = w.import(&big).unwrap_err();
    assert_eq!(code(&e), "bundle_too_large", "{e}");
    assert!(e.to_string().contains("MB"), "{e}");

    // 120 MB of payload behind a manifest signed by nobody registered.
    let mut a = w.commune("23430", true);
    let fa = w.export(&mut a);
    let (m, files) = unpack(&w, &std::fs::read(&fa).unwrap());
    let stranger = SigningKey::generate().unwrap();
    let mut m2 = m.clone();
    m2.key_id = a.sync_keys().unwrap().0.public_key().unwrap().key_id();
    let manifest = serde_json::to_vec_pretty(&m2).unwrap();
    let sig = stranger.sign(&manifest, &bundle::trusted_comment(&m2)).unwrap();
    let _ = files;
    let path = w.usb().join("khong-ky.ptb");
    {
        let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
        let out = std::fs::File::create(&path).unwrap();
        let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).unwrap();
        let mut wr = enc.wrap_output(std::io::BufWriter::new(out)).unwrap();
        let mut t = tar::Builder::new(&mut wr);
        for (name, data) in [("manifest.json", &manifest[..]), ("manifest.json.minisig", sig.as_bytes())] {
            let mut h = tar::Header::new_ustar();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            t.append_data(&mut h, name, data).unwrap();
        }
        let n = 120u64 << 20;
        let mut h = tar::Header::new_ustar();
        h.set_size(n);
        h.set_mode(0o644);
        t.append_data(&mut h, "changes.jsonl.zst", std::io::Read::take(std::io::repeat(7), n)).unwrap();
        t.finish().unwrap();
        drop(t);
        wr.finish().unwrap();
    }
    #[cfg(target_os = "linux")]
    let before = peak_rss();
    let state = w.province_state();
    let e = w.import(&path).unwrap_err();
    assert!(["bundle_unknown_key", "bundle_signature"].contains(&code(&e)), "{e}");
    assert_eq!(w.province_state(), state);
    #[cfg(target_os = "linux")]
    {
        let grew = peak_rss().saturating_sub(before);
        assert!(grew < 32 << 20, "an unsigned 120 MB file raised the peak memory by {} MB", grew >> 20);
    }
}

/// Must fix 5: control characters and escape sequences never reach the province's records, and no
/// value from a bundle is echoed raw (a quarantine reason cannot hide or fake the summary).
#[test]
fn control_characters_are_refused_and_never_echoed() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    let origin = installation(&a);
    let line = |name: &str| {
        serde_json::json!({"id": Uuid::now_v7(), "kind": "area", "hlc": 1u64 << 20, "origin": origin, "seq": 1,
            "data": {"name": name, "kind": "thon", "households": 10, "population": 40}})
        .to_string()
    };
    let deep = format!(
        "{{\"id\":\"{}\",\"kind\":\"area\",\"hlc\":1,\"origin\":\"{origin}\",\"seq\":1,\"data\":{{\"name\":{}1{}}}}}",
        Uuid::now_v7(),
        "[".repeat(200),
        "]".repeat(200)
    );
    let lines = vec![
        line("Thôn Một"),
        line("Thôn\u{1b}[2J\u{1b}[H Đã nhập 999 bản ghi"),
        line("Thôn\u{0}Hai\u{7}"),
        line("  Thôn   Ba "),
        format!("{{\"id\":\"\u{1b}]0;gia\u{7}\",\"kind\":\"\u{1b}[31mx\"}}"),
        deep,
    ];
    let bytes = signed_by(&w, &mut a, 1, &lines);
    let r = import_bytes(&mut w, &bytes).unwrap();
    assert_eq!((r.total().new, r.total().rejected), (1, 5), "{:#?}", r.quarantined);
    for q in &r.quarantined {
        for s in [&q.reason, &q.record_id, &q.kind] {
            assert!(!s.chars().any(char::is_control), "printed raw: {s:?}");
        }
        assert!(!q.reason.contains("recursion") && !q.reason.contains("limit"), "English: {}", q.reason);
    }
    let reasons: Vec<&str> = r.quarantined.iter().map(|q| q.reason.as_str()).collect();
    assert!(reasons.iter().filter(|r| r.contains("ký tự điều khiển")).count() == 2, "{reasons:#?}");
    assert!(reasons.iter().any(|r| r.contains("«Tên") && r.contains("không ở dạng")), "{reasons:#?}");
    assert!(reasons.iter().any(|r| r.contains("lồng nhau quá sâu")), "{reasons:#?}");
    let rows = w.province.db().records(origin).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].2.as_deref().unwrap().chars().any(char::is_control));
}

/// Must fix 6: a bundle "made" years ahead, or valid for a hundred years, is refused.
#[test]
fn the_validity_window_is_bounded() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    let (key, _) = a.sync_keys().unwrap();
    let lines = vec![area_line(&a, "Thôn Một")];
    let f = w.export(&mut a);
    let (m, _) = unpack(&w, &std::fs::read(&f).unwrap());
    let before = w.province_state();
    let mut future = m.clone();
    future.created_at = Utc::now() + chrono::Duration::days(3 * 365);
    future.expires_at = future.created_at + chrono::Duration::days(36_500);
    let b = seal(&w, future, &key, &lines);
    let e = import_bytes(&mut w, &b).unwrap_err();
    assert_eq!(code(&e), "bundle_future", "{e}");
    assert!(e.to_string().contains("ngày giờ"), "{e}");
    let mut long = m.clone();
    long.expires_at = long.created_at + chrono::Duration::days(36_500);
    let b = seal(&w, long, &key, &lines);
    let e = import_bytes(&mut w, &b).unwrap_err();
    assert_eq!(code(&e), "bundle_validity", "{e}");
    assert!(e.to_string().contains("60 ngày"), "{e}");
    assert_eq!(w.province_state(), before);
    // Within the window (an hour ahead: clocks drift) it imports.
    let mut ok = m;
    ok.created_at = Utc::now() + chrono::Duration::hours(1);
    ok.expires_at = ok.created_at + chrono::Duration::days(60);
    let b = seal(&w, ok, &key, &lines);
    import_bytes(&mut w, &b).unwrap();
}

/// Must fix 7: a commune whose key was revoked refuses to export with it; it makes a new key, the
/// province registers it and revokes the old one, and the installation goes on under the new key
/// (same records, no gap); a new key for a live one is refused until the old one is revoked.
#[test]
fn a_revoked_key_is_replaced_by_rotation() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    area(&mut a, "Thôn Một");
    let f1 = w.export(&mut a);
    w.import(&f1).unwrap();
    let old = a.sync_keys().unwrap().0.public_key().unwrap().key_id();
    w.province.revoke(&old).unwrap();
    let reference = w.province.write_reference(None, &w.usb(), Utc::now()).unwrap();
    phongtrao::sync::commune::import(&mut a, &reference).unwrap();
    area(&mut a, "Thôn Hai");
    let state = a.sync_state().unwrap();
    let e = phongtrao::sync::commune::export(&mut a, &w.usb(), &Default::default(), &mut |_, _| {}).unwrap_err();
    assert_eq!(code(&e), "key_revoked", "{e}");
    assert!(e.to_string().contains("key rotate"), "{e}");
    assert_eq!(a.sync_state().unwrap(), state, "nothing recorded");

    let (new, replaced) = a.rotate_sync_key().unwrap();
    assert_eq!(replaced, old);
    assert_eq!(a.replaced_sync_key().unwrap().as_deref(), Some(old.as_str()));
    let new_id = new.public_key().unwrap().key_id();
    assert_ne!(new_id, old);
    // The new registration form names the new key and the one it replaces.
    let form = phongtrao::print::fill::PrintRequest {
        form: "dang-ky-khoa".into(),
        key: Some(phongtrao::print::save::own_key(&mut a).unwrap()),
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        ..Default::default()
    };
    let saved = phongtrao::print::save::print_to(&mut a, &form, &w.usb().join("in")).unwrap();
    let text = std::process::Command::new("pdftotext").arg(&saved.path).arg("-").output().unwrap().stdout;
    let text = String::from_utf8_lossy(&text).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&new_id) && text.contains("Thay khóa cũ") && text.contains(&old), "{text}");
    w.province.register("23430", &new.public).unwrap();
    let f2 = w.export(&mut a);
    let r = w.import(&f2).unwrap();
    assert_eq!(r.key_id, new_id);
    assert_eq!(r.total().new, 1);
    assert!(r.gap.is_none(), "numbering goes on from the old key's bundles: {:?}", r.gap);
    assert_eq!(w.province.db().records(installation(&a)).unwrap().len(), 2);

    // Rotating again without the province revoking the previous key: refused, with the advice.
    let (newer, _) = a.rotate_sync_key().unwrap();
    w.province.register("23430", &newer.public).unwrap();
    area(&mut a, "Thôn Ba");
    let f3 = w.export(&mut a);
    let e = w.import(&f3).unwrap_err();
    assert_eq!(code(&e), "bundle_installation_taken", "{e}");
    assert!(e.to_string().contains(&format!("revoke --key-id {new_id}")), "{e}");
    w.province.revoke(&new_id).unwrap();
    assert_eq!(w.import(&f3).unwrap().total().new, 1);
}

/// Must fix 8: after a restore the bundle numbers start again; the epoch is in the name, and a file
/// already on the stick is never replaced by a different bundle.
#[test]
fn no_bundle_on_the_stick_is_ever_overwritten() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    area(&mut a, "Thôn Một");
    let first = w.export(&mut a);
    let kept = std::fs::read(&first).unwrap();
    // The name the next bundle would take, already used by another file.
    let c = a.commune().unwrap().clone();
    let next = w.usb().join(phongtrao::sync::file_name(&c.province_code, &c.commune_code, 0, 2, Utc::now()));
    std::fs::write(&next, b"mot goi khac").unwrap();
    area(&mut a, "Thôn Hai");
    let second = w.export(&mut a);
    assert_ne!(second, next);
    assert_eq!(std::fs::read(&next).unwrap(), b"mot goi khac");
    assert!(second.to_string_lossy().ends_with("-2.ptb"), "{}", second.display());
    // A restore: a new epoch, numbers from the backup's, a name of its own.
    a.begin_sync_epoch(&serde_json::json!({"test": true})).unwrap();
    area(&mut a, "Thôn Ba");
    // Progress counts the changes, not the jump of 2³² in the sequence numbers.
    let mut totals = Vec::new();
    let opts = phongtrao::sync::commune::ExportOptions { full: true, ..Default::default() };
    let full = phongtrao::sync::commune::export(&mut a, &w.usb(), &opts, &mut |_, t| totals.push(t)).unwrap();
    assert_eq!(totals, [3], "progress 1/4.294.967.293 no more");
    std::fs::remove_file(&full.path).unwrap();
    let third = w.export(&mut a);
    let name = third.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("51-23430-k1-"), "{name}");
    assert_eq!(std::fs::read(&first).unwrap(), kept);
    assert_eq!(a.exports().unwrap()[0].file, name, "the store records the name written");
}

/// Must fix 10: a signature whose trusted comment (what `minisign -V` shows) does not say what the
/// manifest says is refused.
#[test]
fn the_trusted_comment_must_match_the_manifest() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    area(&mut a, "Thôn Một");
    let f = w.export(&mut a);
    let (m, files) = unpack(&w, &std::fs::read(&f).unwrap());
    let (key, _) = a.sync_keys().unwrap();
    let manifest = &files["manifest.json"];
    let mut lying = m.clone();
    lying.commune_code = "23431".into();
    lying.seq = 9;
    let sig = key.sign(manifest, &bundle::trusted_comment(&lying)).unwrap();
    let mut t = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("manifest.json", &manifest[..]),
        ("manifest.json.minisig", sig.as_bytes()),
        ("changes.jsonl.zst", &files["changes.jsonl.zst"][..]),
    ] {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        t.append_data(&mut h, name, data).unwrap();
    }
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let bytes = age::encrypt(&recipient, &t.into_inner().unwrap()).unwrap();
    let before = w.province_state();
    let e = import_bytes(&mut w, &bytes).unwrap_err();
    assert_eq!(code(&e), "bundle_comment", "{e}");
    assert!(e.to_string().contains("51-23431 seq 9"), "shows the comment: {e}");
    assert_eq!(w.province_state(), before);
}

/// Must fix 4: a receipt that cannot be written after a committed import says so (the import is
/// done, do not import again) and any past receipt can be written again.
#[test]
fn a_receipt_that_could_not_be_written_is_written_again() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    area(&mut a, "Thôn Một");
    let f = w.export(&mut a);
    let full = w.usb().join("bien-nhan");
    phongtrao::fsutil::inject_write_error(Some(std::io::ErrorKind::StorageFull));
    let r = w.province.import(&f, &ImportOptions { dry_run: false, receipt_dir: Some(full.clone()) });
    phongtrao::fsutil::inject_write_error(None);
    let r = r.unwrap();
    assert!(r.receipt.is_none());
    let why = r.receipt_error.unwrap();
    assert!(
        why.contains("Đã nhập gói số 1") && why.contains("đầy") && why.contains("receipt --commune 23430 --seq 1"),
        "{why}"
    );
    assert_eq!(w.province.db().records(installation(&a)).unwrap().len(), 1, "the import is committed");
    assert_eq!(std::fs::read_dir(&full).map(|d| d.count()).unwrap_or(0), 0, "no file left behind");
    assert_eq!(code(&w.import(&f).unwrap_err()), "bundle_replay");
    let path = w.province.write_receipt("23430", 1, None, &full).unwrap();
    match phongtrao::sync::commune::import(&mut a, &path).unwrap() {
        phongtrao::sync::commune::Imported::Receipt { bundle_seq, acked_seq, .. } => {
            assert_eq!((bundle_seq, acked_seq), (1, a.last_seq().unwrap()));
        }
        other => panic!("{other:?}"),
    }
    let e = w.province.write_receipt("23430", 7, None, &full).unwrap_err();
    assert!(e.to_string().contains("Chưa nhập gói số 7"), "{e}");
}

/// Must fix 9: a stick that fills up or turns read-only during an export, a backup or a print:
/// a message that says so, no file under its final name (nor a temporary one), the store unchanged.
#[test]
fn a_full_or_read_only_stick_leaves_nothing_and_says_why() {
    use std::io::ErrorKind::{ReadOnlyFilesystem, StorageFull};
    let mut w = world();
    let mut a = w.commune("23430", true);
    area(&mut a, "Thôn Một");
    let stick = w.usb().join("the-nho");
    std::fs::create_dir_all(&stick).unwrap();
    let files = |d: &std::path::Path| std::fs::read_dir(d).unwrap().count();
    for (kind, words) in [(StorageFull, "đầy"), (ReadOnlyFilesystem, "chỉ cho phép đọc")] {
        let state = a.sync_state().unwrap();
        let audit = a.audit_verify().unwrap().entries;
        let form = phongtrao::print::fill::PrintRequest {
            form: "dang-ky-khoa".into(),
            blank: true,
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            ..Default::default()
        };
        phongtrao::fsutil::inject_write_error(Some(kind));
        let export = phongtrao::sync::commune::export(&mut a, &stick, &Default::default(), &mut |_, _| {});
        let backup = phongtrao::backup::create(&a, &stick);
        let print = phongtrao::print::save::print_to(&mut a, &form, &stick);
        phongtrao::fsutil::inject_write_error(None);
        for (what, e) in [
            ("export", export.map(|_| ()).unwrap_err()),
            ("backup", backup.map(|_| ()).unwrap_err()),
            ("print", print.map(|_| ()).unwrap_err()),
        ] {
            let msg = e.to_string();
            assert!(msg.contains(words) && msg.contains("thử lại"), "{what}: {msg}");
        }
        assert_eq!(files(&stick), 0, "nothing left on the stick");
        assert_eq!(a.sync_state().unwrap(), state, "the store is unchanged");
        assert_eq!(a.audit_verify().unwrap().entries, audit);
    }
}

/// What each refusal must say: its cause (words naming it) and advice that fits it. `USB` (the stick
/// pulled out while copying) only for a file cut short or altered in transit.
const SAYS: &[(&str, &[&str])] = &[
    ("bundle_damaged", &["bị hỏng hoặc không đầy đủ", "chép lại tệp"]),
    ("bundle_forbidden_entry", &["công cụ khác", "xuất lại gói bằng phongtrao"]),
    ("bundle_too_large", &["quá lớn", "đúng tệp .ptb"]),
    ("bundle_not_bundle", &["không phải gói đồng bộ phongtrao", "đúng tệp .ptb"]),
    ("bundle_unsigned", &["không có chữ ký", "xuất lại gói"]),
    ("bundle_signature", &["Chữ ký", "xuất lại gói"]),
    ("bundle_unencrypted", &["mã hóa", "đúng tệp .ptb"]),
    ("bundle_not_for_us", &["mã hóa cho người nhận khác", "xuất lại"]),
    ("bundle_other_province", &["tỉnh", "đúng Công an tỉnh"]),
    ("bundle_unknown_key", &["chưa được đăng ký", "phiếu đăng ký khóa"]),
    ("bundle_expired", &["hết hạn", "xuất gói mới"]),
    ("bundle_replay", &["đã được nhập lúc", "Không cần làm gì thêm"]),
    ("bundle_rollback", &["cũ hơn", "xuất gói mới"]),
    ("bundle_chain", &["hai máy dùng chung một khóa", "liên hệ xã"]),
    ("bundle_installation", &["mã cài đặt khác", "liên hệ xã"]),
    ("bundle_wrong_kind", &["không phải gói dữ liệu của xã", "đúng tệp"]),
    ("bundle_version", &["phiên bản", "cập nhật"]),
    ("bundle_manifest", &["Bản kê manifest.json", "xuất lại gói"]),
    ("bundle_commune", &["đăng ký cho xã", "kiểm tra lại việc đăng ký khóa"]),
    ("bundle_revoked", &["thu hồi", "khóa mới"]),
    ("bundle_future", &["sau hôm nay", "ngày giờ"]),
    ("bundle_validity", &["thời hạn", "xuất lại gói"]),
    ("bundle_counts", &["Số bản ghi", "xuất lại gói"]),
    ("bundle_comment", &["Lời ghi đã ký", "xuất lại gói"]),
    ("bundle_hash", &["bản kê đã ký", "xuất lại gói"]),
    ("bundle_installation_taken", &["mã cài đặt", "thu hồi"]),
    ("bundle_too_many_bad", &["không hợp lệ", "liên hệ xã"]),
];

/// Checks a refusal's message: Vietnamese, no English, no raw time, nothing changed said, its cause
/// named and the advice for it.
pub(crate) fn says_the_right_thing(code: &str, msg: &str) {
    let words = SAYS.iter().find(|(c, _)| *c == code).unwrap_or_else(|| panic!("no wording for {code}: {msg}")).1;
    for w in words {
        assert!(msg.contains(w), "{code}: «{w}» missing in: {msg}");
    }
    assert!(msg.contains("Không nhập gì") || msg.contains("không thay đổi"), "{code}: says nothing changed: {msg}");
    assert!(msg.chars().any(|c| "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵ".contains(c)), "{code}: {msg}");
    let lower = msg.to_lowercase();
    for english in
        ["error", "failed", "invalid", "unexpected", "recursion", "limit", "header", "checksum", "stream", " eof"]
    {
        assert!(!lower.contains(english), "{code}: English «{english}»: {msg}");
    }
    let raw_time = msg
        .as_bytes()
        .windows(11)
        .any(|w| w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-' && w[7] == b'-' && w[10] == b'T');
    assert!(!raw_time, "{code}: raw time: {msg}");
    assert_eq!(code == "bundle_damaged", msg.contains("USB"), "{code}: the stick is blamed only for damage: {msg}");
    assert!(!msg.contains("đến 3 ") || !msg.contains("số 3 đến 3"), "{msg}");
}

/// A ustar header written by hand (the tar crate refuses to write the hostile ones).
fn raw_entry(name: &str, kind: u8, data: &[u8]) -> Vec<u8> {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[156] = kind;
    if kind == b'2' {
        h[157..163].copy_from_slice(b"/etc/x");
    }
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut out = h.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

/// Every refusal of hand-built hostile files, at the province, with its own cause and advice.
#[test]
fn every_refusal_says_the_right_thing() {
    let mut w = world();
    let mut a = w.commune("23430", true);
    area(&mut a, "Thôn Một");
    let f = w.export(&mut a);
    let bytes = std::fs::read(&f).unwrap();
    let (m, files) = unpack(&w, &bytes);
    let (manifest, sig, payload) =
        (files["manifest.json"].clone(), files["manifest.json.minisig"].clone(), files["changes.jsonl.zst"].clone());
    let recipient: age::x25519::Recipient = w.province.meta().age_recipient.parse().unwrap();
    let seal_tar = |entries: Vec<Vec<u8>>| {
        let mut t: Vec<u8> = entries.concat();
        t.extend_from_slice(&[0u8; 1024]);
        age::encrypt(&recipient, &t).unwrap()
    };
    let good = || vec![raw_entry("manifest.json", b'0', &manifest), raw_entry("manifest.json.minisig", b'0', &sig)];
    let with = |extra: Vec<u8>| {
        let mut e = good();
        e.push(extra);
        e
    };
    let stranger = SigningKey::generate().unwrap();
    let (own_key, _) = a.sync_keys().unwrap();
    let mut huge = m.clone();
    huge.files = vec![];
    let mut big_manifest = serde_json::to_vec(&huge).unwrap();
    big_manifest.resize(2 << 20, b' ');
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("cut short", bytes[..bytes.len() - 40].to_vec(), "bundle_damaged"),
        ("a link", seal_tar(with(raw_entry("changes.jsonl.zst", b'2', b""))), "bundle_forbidden_entry"),
        ("a hard link", seal_tar(with(raw_entry("changes.jsonl.zst", b'1', b""))), "bundle_forbidden_entry"),
        ("a folder", seal_tar(with(raw_entry("thu-muc", b'5', b""))), "bundle_forbidden_entry"),
        ("path traversal", seal_tar(with(raw_entry("../../etc/passwd", b'0', b"x"))), "bundle_forbidden_entry"),
        (
            "a pax header",
            seal_tar(with(raw_entry("pax", b'x', b"30 path=changes.jsonl.zst\n"))),
            "bundle_forbidden_entry",
        ),
        (
            "twice the payload",
            seal_tar({
                let mut e = with(raw_entry("changes.jsonl.zst", b'0', &payload));
                e.push(raw_entry("changes.jsonl.zst", b'0', &payload));
                e
            }),
            "bundle_forbidden_entry",
        ),
        (
            "the signature elsewhere",
            seal_tar(vec![
                raw_entry("manifest.json", b'0', &manifest),
                raw_entry("changes.jsonl.zst", b'0', &payload),
                raw_entry("manifest.json.minisig", b'0', &sig),
            ]),
            "bundle_forbidden_entry",
        ),
        ("unsigned", seal_tar(vec![raw_entry("manifest.json", b'0', &manifest)]), "bundle_unsigned"),
        (
            "signed by a stranger",
            seal_tar(vec![
                raw_entry("manifest.json", b'0', &manifest),
                raw_entry(
                    "manifest.json.minisig",
                    b'0',
                    stranger.sign(&manifest, &bundle::trusted_comment(&m)).unwrap().as_bytes(),
                ),
                raw_entry("changes.jsonl.zst", b'0', &payload),
            ]),
            "bundle_unknown_key",
        ),
        (
            "a signature of something else",
            seal_tar(vec![
                raw_entry("manifest.json", b'0', &manifest),
                raw_entry(
                    "manifest.json.minisig",
                    b'0',
                    own_key.sign(b"khac", &bundle::trusted_comment(&m)).unwrap().as_bytes(),
                ),
                raw_entry("changes.jsonl.zst", b'0', &payload),
            ]),
            "bundle_signature",
        ),
        ("an oversize manifest", seal_tar(vec![raw_entry("manifest.json", b'0', &big_manifest)]), "bundle_too_large"),
        ("not a bundle", seal_tar(vec![raw_entry("thu.txt", b'0', b"xin chao")]), "bundle_not_bundle"),
        ("an empty archive", seal_tar(vec![]), "bundle_not_bundle"),
        (
            "a bare tar",
            [good(), vec![raw_entry("changes.jsonl.zst", b'0', &payload), vec![0; 1024]]].concat().concat(),
            "bundle_unencrypted",
        ),
        (
            "junk after the archive",
            {
                let mut t = [good(), vec![raw_entry("changes.jsonl.zst", b'0', &payload)]].concat().concat();
                t.extend_from_slice(&[0u8; 1024]);
                t.extend_from_slice(b"tep an sau kho tar");
                age::encrypt(&recipient, &t).unwrap()
            },
            "bundle_forbidden_entry",
        ),
    ];
    let before = w.province_state();
    for (what, data, want) in &cases {
        let e = import_bytes(&mut w, data).unwrap_err();
        assert_eq!(code(&e), *want, "{what}: {e}");
        says_the_right_thing(want, &e.to_string());
        assert_eq!(w.province_state(), before, "{what}");
    }
    // The genuine file, rebuilt by hand the same way, imports: the reader is not merely refusing.
    let rebuilt = seal_tar(with(raw_entry("changes.jsonl.zst", b'0', &payload)));
    assert_eq!(import_bytes(&mut w, &rebuilt).unwrap().total().new, 1);
    // Then the chain's refusals.
    let e = import_bytes(&mut w, &bytes).unwrap_err();
    says_the_right_thing(code(&e), &e.to_string());
    let mut same_number = m.clone();
    same_number.created_at = Utc::now() - chrono::Duration::minutes(1);
    let (key, _) = a.sync_keys().unwrap();
    let b = seal(&w, same_number, &key, &[area_line(&a, "Thôn Khác")]);
    let e = import_bytes(&mut w, &b).unwrap_err();
    assert_eq!(code(&e), "bundle_chain", "{e}");
    says_the_right_thing("bundle_chain", &e.to_string());
    assert!(!e.to_string().contains("cũ hơn gói số 1"), "{e}");
}

//! Helpers shared by the bench targets (`mod common;`): the cached demo stores, side-by-side timing,
//! percentiles, bare rusqlite connections for the comparisons, and the province fixtures (a bundle's
//! rows as plain inserts take them, a fresh plain province file, a province folder copied).
#![allow(dead_code)] // each bench target uses a part of it

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use phongtrao::demo::{DEMO_PASSWORD, DemoOptions, demo_chief, demo_setup, generate};
use phongtrao::keyring::{DataKey, KdfParams, Keyring};
use phongtrao::store::{Change, Store};
use phongtrao::sync::bundle::{self, Verified};
use phongtrao::sync::commune::CHANGES_FILE;
use rusqlite::Connection;

/// A `demo --scale {scale}` store (SQLCipher, its keyring beside it), built once and kept in
/// `target/tmp/bench/`. Benches that change a store work on a copy ([`copy_store`]).
pub fn bench_store(scale: u32) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("demo-scale-{scale}-encrypted.db"));
    if !path.exists() {
        let tmp = dir.join(format!("demo-scale-{scale}-encrypted.tmp.db"));
        let _ = std::fs::remove_file(&tmp);
        let t = Instant::now();
        let _ = std::fs::remove_file(Keyring::path_for(&tmp));
        let mut s = Store::create_at(&tmp, &demo_setup(), &demo_chief(DEMO_PASSWORD), KdfParams::default()).unwrap();
        generate(&mut s, &DemoOptions { seed: 1, scale }, &mut |_, _| {}).unwrap();
        drop(s);
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
        }
        std::fs::rename(Keyring::path_for(&tmp), Keyring::path_for(&path)).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        eprintln!("built demo --scale {scale} in {:.1} s", t.elapsed().as_secs_f64());
    }
    path
}

/// Copies a store and its keyring to `to` (replacing what was there).
pub fn copy_store(from: &Path, to: &Path) {
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", to.display()));
    }
    std::fs::copy(from, to).unwrap();
    std::fs::copy(Keyring::path_for(from), Keyring::path_for(to)).unwrap();
}

/// The data key of a demo store (to open it with a bare connection).
pub fn demo_key(path: &Path) -> DataKey {
    Keyring::load(&Keyring::path_for(path)).unwrap().unlock("nguyenvanan", DEMO_PASSWORD, chrono::Utc::now()).unwrap()
}

/// A bare rusqlite connection with the store's pragmas (key, WAL, 64 MiB page cache, FULL sync).
pub fn plain_connection(path: &Path, key: Option<&DataKey>) -> Connection {
    let c = Connection::open(path).unwrap();
    if let Some(k) = key {
        c.pragma_update(None, "key", &*k.sqlcipher_pragma()).unwrap();
    }
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "cache_size", -65_536).unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c
}

/// An unencrypted copy of the store made by SQLCipher's own `sqlcipher_export` (kept if present).
pub fn decrypted_copy(path: &Path, key: &DataKey) -> PathBuf {
    let out = path.with_extension("clear.db");
    if !out.exists() {
        let c = plain_connection(path, Some(key));
        c.execute("ATTACH DATABASE ?1 AS clear KEY ''", [out.to_str().unwrap()]).unwrap();
        c.query_row("SELECT sqlcipher_export('clear')", [], |_| Ok(())).unwrap();
        c.execute_batch("DETACH DATABASE clear").unwrap();
    }
    out
}

/// Runs the two alternately, `n` times each (after `n / 10` warm-up rounds), so both see the same
/// machine state.
pub fn side_by_side(
    n: usize,
    mut ours: impl FnMut(usize),
    mut plain: impl FnMut(usize),
) -> (Vec<Duration>, Vec<Duration>) {
    for i in 0..n / 10 {
        ours(i);
        plain(i);
    }
    let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let t = Instant::now();
        ours(i);
        a.push(t.elapsed());
        let t = Instant::now();
        plain(i);
        b.push(t.elapsed());
    }
    (a, b)
}

pub fn pct(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Replaces `to` with a copy of the files of `from` (a province store: the database and its keys).
pub fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A province `record` row as plain inserts take it: id, kind, data, clock, origin, deleted.
pub type PlainRow = (String, String, Option<String>, i64, String, bool);

/// A verified commune bundle's changes as plain inserts take them, with what every row of it shares:
/// (installation, commune, bundle hash, rows).
pub fn plain_rows(opened: &Verified) -> (String, String, String, Vec<PlainRow>) {
    let lines = bundle::decompress(opened.file(CHANGES_FILE).unwrap(), bundle::MAX_PAYLOAD_BYTES).unwrap();
    let rows = lines
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let c: Change = serde_json::from_slice(l).unwrap();
            let data = c.data.as_ref().map(|d| serde_json::to_string(d).unwrap());
            (c.id.to_string(), c.kind.code().to_owned(), data, c.hlc.0 as i64, c.origin.to_string(), c.data.is_none())
        })
        .collect();
    let m = opened.manifest();
    (m.installation_id.to_string(), m.commune_code.clone(), opened.hash().to_owned(), rows)
}

/// A fresh SQLCipher file at `path` (any earlier one and its WAL removed) with the province's first
/// schema, for plain inserts.
pub fn plain_province(path: &Path) -> Connection {
    for f in [path.to_path_buf(), PathBuf::from(format!("{}-wal", path.display()))] {
        let _ = std::fs::remove_file(f);
    }
    let c = plain_connection(path, Some(&DataKey::generate()));
    c.execute_batch(include_str!("../../src/store/migrations/province/0001_init.sql")).unwrap();
    c
}

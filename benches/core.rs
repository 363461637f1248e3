//! Store benchmarks on a `demo --scale 100` commune: our layer beside the same work in plain rusqlite,
//! measured side by side in one run. `cargo bench --bench core` prints the table for docs/PERFORMANCE.md.
//!
//! Set PHONGTRAO_BENCH_SCALE to use another scale (e.g. 10 for a quick run).

mod common;

use std::path::Path;
use std::time::Duration;

use common::{bench_store, decrypted_copy, ms, pct, side_by_side};
use phongtrao::demo::DEMO_PASSWORD;
use phongtrao::domain::{Doc, Kind};
use phongtrao::keyring::{DataKey, Keyring};
use phongtrao::store::{ListQuery, Store};
use rusqlite::{Connection, params};
use serde_json::json;

fn main() {
    let scale: u32 = std::env::var("PHONGTRAO_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let path = bench_store(scale);
    let mut store = Store::unlock(&path, "nguyenvanan", DEMO_PASSWORD).unwrap();
    let key = Keyring::load(&Keyring::path_for(&path))
        .unwrap()
        .unlock("nguyenvanan", DEMO_PASSWORD, chrono::Utc::now())
        .unwrap();
    let raw = plain_connection(&path, Some(&key));
    let clear_path = decrypted_copy(&path, &key);
    let clear = plain_connection(&clear_path, None);
    let counts = store.counts().unwrap();
    let total: i64 = counts.iter().map(|c| c.1).sum();
    println!(
        "Store: demo --scale {scale}, {total} live records, file {} MB",
        std::fs::metadata(&path).unwrap().len() / 1_000_000
    );
    println!();
    println!("| work | ours p50 | ours p95 | plain rusqlite p50 | plain p95 | ratio p95 (ours/plain) |");
    println!("|---|---|---|---|---|---|");
    let mut cipher_rows = Vec::new();

    let queries = [
        "nguyen van",
        "dak nang",
        "to dan pho 3",
        "camera",
        "thon",
        "tuyen truyen",
        "le thi",
        "binh xet",
        "hoa",
        "kon",
    ];
    let (ours, plain) = side_by_side(
        400,
        |i| {
            let q = queries[i % queries.len()];
            let hits = store.search(q, None, 50).unwrap();
            std::hint::black_box(hits);
        },
        |i| {
            let q = queries[i % queries.len()];
            std::hint::black_box(plain_search(&raw, q));
        },
    );
    row("search across all registers (50 hits)", &ours, &plain);
    let (enc, dec) = side_by_side(
        400,
        |i| {
            std::hint::black_box(plain_search(&raw, queries[i % queries.len()]));
        },
        |i| {
            std::hint::black_box(plain_search(&clear, queries[i % queries.len()]));
        },
    );
    cipher_rows.push(("search across all registers", enc, dec));

    let pages = counts.iter().find(|c| c.0 == Kind::Member).unwrap().1 as usize / 50;
    let (ours, plain) = side_by_side(
        400,
        |i| {
            let q = ListQuery { limit: Some(50), offset: ((i * 37) % pages.max(1) * 50) as u32, ..Default::default() };
            std::hint::black_box(store.list(Kind::Member, &q).unwrap());
        },
        |i| {
            std::hint::black_box(plain_page(&raw, ((i * 37) % pages.max(1) * 50) as i64));
        },
    );
    row("one page of 50 members (with total)", &ours, &plain);
    let (enc, dec) = side_by_side(
        400,
        |i| {
            std::hint::black_box(plain_page(&raw, ((i * 37) % pages.max(1) * 50) as i64));
        },
        |i| {
            std::hint::black_box(plain_page(&clear, ((i * 37) % pages.max(1) * 50) as i64));
        },
    );
    cipher_rows.push(("one page of 50 members", enc, dec));

    // The dashboard's three big groupings: from `record_fact` (ours) and from every record's JSON, as
    // before migration 0007 (plain), on the same encrypted store.
    let (ours, plain) = side_by_side(
        10,
        |_| {
            std::hint::black_box(store.group(Kind::Activity, &["date", "category"], None).unwrap());
            std::hint::black_box(store.group(Kind::Member, &["team_id", "role"], None).unwrap());
            std::hint::black_box(store.group(Kind::Review, &["model_id"], Some("date")).unwrap());
        },
        |_| {
            std::hint::black_box(plain_groups(&raw));
        },
    );
    row("dashboard groups (activities, members, reviews): facts vs every record's JSON", &ours, &plain);
    let today = chrono::Local::now().date_naive();
    let (ours, plain) = side_by_side(
        10,
        |_| {
            std::hint::black_box(phongtrao::dashboard::dashboard(&store, today).unwrap());
        },
        |_| {
            std::hint::black_box(plain_groups(&raw));
        },
    );
    row("whole dashboard (groups, models, alerts) vs the JSON groups alone", &ours, &plain);

    let area = json!({"name": "Thôn Bench", "kind": "thon", "households": 120, "households_registered": 100,
        "population": 480, "head": "Nguyễn Văn Bình", "registered_on": "15/02/2026"});
    let area_input: Doc = area.as_object().unwrap().clone();
    let (ours, plain) = side_by_side(
        200,
        |_| {
            std::hint::black_box(store.create(Kind::Area, &area_input).unwrap());
        },
        |i| {
            plain_insert(&raw, i);
        },
    );
    row("one validated write (area) vs the same rows by hand", &ours, &plain);
    let (ours, floor) = side_by_side(
        200,
        |_| {
            std::hint::black_box(store.create(Kind::Area, &area_input).unwrap());
        },
        |i| plain_row(&raw, i),
    );
    row("one validated write (area) vs one row in a bare table", &ours, &floor);
    let (enc, dec) = side_by_side(200, |i| plain_row(&raw, i), |i| plain_row(&clear, i));
    cipher_rows.push(("one durable insert", enc, dec));

    println!();
    println!("Encryption at rest: the same plain-rusqlite work on the SQLCipher store and on a decrypted copy.");
    println!();
    println!("| work | SQLCipher p50 | SQLCipher p95 | unencrypted p50 | unencrypted p95 | ratio p50 | ratio p95 |");
    println!("|---|---|---|---|---|---|---|");
    for (name, enc, dec) in cipher_rows {
        let (e50, e95, d50, d95) = (pct(&enc, 0.5), pct(&enc, 0.95), pct(&dec, 0.5), pct(&dec, 0.95));
        println!(
            "| {name} | {} | {} | {} | {} | {:.2} | {:.2} |",
            ms(e50),
            ms(e95),
            ms(d50),
            ms(d95),
            e50.as_secs_f64() / d50.as_secs_f64(),
            e95.as_secs_f64() / d95.as_secs_f64()
        );
    }
}

fn row(name: &str, ours: &[Duration], plain: &[Duration]) {
    let (o50, o95, p50, p95) = (pct(ours, 0.5), pct(ours, 0.95), pct(plain, 0.5), pct(plain, 0.95));
    println!(
        "| {name} | {} | {} | {} | {} | {:.2} |",
        ms(o50),
        ms(o95),
        ms(p50),
        ms(p95),
        o95.as_secs_f64() / p95.as_secs_f64()
    );
}

/// A bare connection to the store, with a table of its own for the floor of a write.
fn plain_connection(path: &Path, key: Option<&DataKey>) -> Connection {
    let c = common::plain_connection(path, key);
    c.execute_batch("CREATE TABLE IF NOT EXISTS plain_area (id TEXT PRIMARY KEY, name TEXT, data TEXT)").unwrap();
    c
}

/// The dashboard's groups read out of every live record's JSON (the way before migration 0007).
fn plain_groups(c: &Connection) -> usize {
    [
        "SELECT CAST(json_extract(data, '$.date') AS TEXT), CAST(json_extract(data, '$.category') AS TEXT), count(*)
         FROM record WHERE kind = 'activity' AND deleted = 0 GROUP BY 1, 2",
        "SELECT CAST(json_extract(data, '$.team_id') AS TEXT), CAST(json_extract(data, '$.role') AS TEXT), count(*)
         FROM record WHERE kind = 'member' AND deleted = 0 GROUP BY 1, 2",
        "SELECT CAST(json_extract(data, '$.model_id') AS TEXT), count(*), max(CAST(json_extract(data, '$.date') AS TEXT))
         FROM record WHERE kind = 'review' AND deleted = 0 GROUP BY 1",
    ]
    .iter()
    .map(|sql| c.prepare_cached(sql).unwrap().query_map([], |_| Ok(())).unwrap().count())
    .sum()
}

/// The same FTS query, join, order and limit, with the query string built by hand.
fn plain_search(c: &Connection, q: &str) -> Vec<(String, String, String)> {
    let m: Vec<String> = q.split(' ').map(|t| format!("\"{t}\"*")).collect();
    let mut st = c
        .prepare_cached(
            "SELECT r.id, r.kind, r.title FROM record r INDEXED BY record_search
             WHERE r.deleted = 0 AND r.rowid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH ?1)
             ORDER BY r.sort_key LIMIT 50",
        )
        .unwrap();
    st.query_map([m.join(" ")], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// The same page and total, rows parsed from JSON.
fn plain_page(c: &Connection, offset: i64) -> (i64, Vec<(String, String, serde_json::Value)>) {
    let total: i64 = c
        .prepare_cached("SELECT count(*) FROM record WHERE kind = 'member' AND deleted = 0")
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap();
    let mut st = c
        .prepare_cached(
            "SELECT id, title, data FROM record WHERE kind = 'member' AND deleted = 0
             ORDER BY sort_key, id LIMIT 50 OFFSET ?1",
        )
        .unwrap();
    let rows = st
        .query_map([offset], |r| {
            let data: String = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, serde_json::from_str(&data).unwrap()))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (total, rows)
}

/// The same rows our write makes (the record, its search text, its audit entry, the counters), in one
/// durable transaction, with the values prepared by hand: what our layer costs beyond the SQL itself.
fn plain_insert(c: &Connection, i: usize) {
    use sha2::Digest;
    let id = uuid::Uuid::now_v7().to_string();
    let data =
        json!({"name": format!("Thôn Bench {i}"), "kind": "thon", "households": 120, "population": 480}).to_string();
    c.execute_batch("BEGIN").unwrap();
    let seq: i64 = c
        .prepare_cached("UPDATE counter SET value = value + 1 WHERE name = 'seq' RETURNING value")
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap();
    c.prepare_cached("UPDATE counter SET value = value + 1 WHERE name = 'hlc'").unwrap().execute([]).unwrap();
    let rowid: i64 = c
        .prepare_cached(
            "INSERT INTO record (id, kind, data, title, sort_key, hlc, origin, seq, deleted)
             VALUES (?1, 'area', ?2, ?3, ?4, ?5, ?6, ?7, 0) RETURNING rowid",
        )
        .unwrap()
        .query_row(
            params![id, data, format!("Thôn Bench {i}"), format!("thon bench {i}").into_bytes(), seq, id, seq],
            |r| r.get(0),
        )
        .unwrap();
    c.prepare_cached("INSERT INTO record_fts (rowid, folded) VALUES (?1, ?2)")
        .unwrap()
        .execute(params![rowid, format!("thon bench {i} thon")])
        .unwrap();
    let n: i64 = c.prepare_cached("SELECT max(n) + 1 FROM audit").unwrap().query_row([], |r| r.get(0)).unwrap();
    let hash: String = sha2::Sha256::digest(data.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    c.prepare_cached(
        "INSERT INTO audit (n, at, actor, action, kind, record_id, old, new, prev_hash, hash)
         VALUES (?1, 'now', 'bench', 'create', 'area', ?2, NULL, ?3, ?4, ?4)",
    )
    .unwrap()
    .execute(params![n, id, data, hash])
    .unwrap();
    c.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'audit_head'")
        .unwrap()
        .execute([format!("{n}:{hash}")])
        .unwrap();
    c.execute_batch("COMMIT").unwrap();
}

/// One row into a table of its own, as durable: the floor of any write.
fn plain_row(c: &Connection, i: usize) {
    let data = json!({"name": "Thôn Bench", "kind": "thon", "households": 120, "population": 480}).to_string();
    c.execute_batch("BEGIN").unwrap();
    c.execute(
        "INSERT INTO plain_area (id, name, data) VALUES (?1, ?2, ?3)",
        params![uuid::Uuid::now_v7().to_string(), format!("Thôn Bench {i}"), data],
    )
    .unwrap();
    c.execute_batch("COMMIT").unwrap();
}

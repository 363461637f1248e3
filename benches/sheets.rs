//! Spreadsheets (issue 18), side by side in one run:
//! - importing 10,000 members from an .xlsx (reading, matching columns and names, checking, writing)
//!   against writing the same records through the store's API alone, in one transaction: the rate
//!   ratio must be ≥ 50%;
//! - exporting every register of a `demo --scale 100` store to .xlsx against `sqlite3 -csv` of the
//!   same rows from a decrypted copy (the plain shell dump), as a time ratio.
//!
//! `cargo bench --bench sheets`; `PHONGTRAO_BENCH_SCALE` changes the demo's scale.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{bench_store, copy_store, decrypted_copy, demo_key};
use phongtrao::demo::{DEMO_PASSWORD, demo_chief, demo_setup};
use phongtrao::domain::{Doc, Kind};
use phongtrao::keyring::KdfParams;
use phongtrao::sheet::import::{ImportMode, ImportOptions, import_file};
use phongtrao::sheet::{Cell, Sheet, write_xlsx};
use phongtrao::store::Store;
use serde_json::json;

const MEMBERS: usize = 10_000;
const TEAMS: usize = 20;
const ROUNDS: usize = 3;

fn main() {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench").join("sheets");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();

    // A commune with one area and its teams, encrypted as every store is.
    let base = work.join("base.db");
    let mut s = Store::create_at(&base, &demo_setup(), &demo_chief(DEMO_PASSWORD), KdfParams::default()).unwrap();
    let area = s
        .create(
            Kind::Area,
            &doc(json!({"name": "Thôn Đắk Năng", "kind": "thon", "households": 900, "population": 4000})),
        )
        .unwrap()
        .id;
    let teams: Vec<(String, String)> = (0..TEAMS)
        .map(|t| {
            let name = format!("Tổ bảo vệ ANTT số {}", t + 1);
            let id = s.create(Kind::Team, &doc(json!({"name": name, "area_ids": [area.to_string()]}))).unwrap().id;
            (name, id.to_string())
        })
        .collect();
    drop(s);

    // The same members as an officer's .xlsx (team by name, real date cells) and as the store's docs.
    let headers = [
        "Tổ bảo vệ ANTT",
        "Họ và tên",
        "Ngày sinh",
        "Nơi cư trú",
        "Cư trú từ ngày",
        "Trình độ học vấn",
        "Chức danh",
        "Ngày phân công",
        "Số điện thoại",
    ];
    let date = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let member = |i: usize| {
        let (team, team_id) = &teams[i % TEAMS];
        let born = date(1960 + (i % 40) as i32, 1 + (i % 12) as u32, 1 + (i % 28) as u32);
        (team.clone(), team_id.clone(), format!("Nguyễn Văn Thành Viên {i}"), born)
    };
    let rows: Vec<Vec<Cell>> = (0..MEMBERS)
        .map(|i| {
            let (team, _, name, born) = member(i);
            vec![
                Cell::Text(team),
                Cell::Text(name),
                Cell::Date(born),
                Cell::Text("Thôn Đắk Năng".into()),
                Cell::Date(date(2010, 1, 1)),
                Cell::Text("Trung học cơ sở".into()),
                Cell::Text(if i < TEAMS { "Tổ trưởng" } else { "Tổ viên" }.into()),
                Cell::Date(date(2024, 2, 1)),
                Cell::Text(format!("09{:08}", i)),
            ]
        })
        .collect();
    let file = work.join("thanh-vien.xlsx");
    write_xlsx(
        &[Sheet { name: "Thành viên".into(), headers: headers.iter().map(|h| (*h).to_owned()).collect(), rows }],
        &file,
    )
    .unwrap();
    let docs: Vec<Doc> = (0..MEMBERS)
        .map(|i| {
            let (_, team_id, name, born) = member(i);
            doc(json!({
                "team_id": team_id, "full_name": name, "date_of_birth": born.to_string(), "residence": "Thôn Đắk Năng",
                "resident_since": "2010-01-01", "education": "thcs", "role": if i < TEAMS { "to_truong" } else { "to_vien" },
                "appointed_on": "2024-02-01", "phone": format!("09{:08}", i),
            }))
        })
        .collect();

    let (mut ours, mut api) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let a = work.join(format!("import-{round}.db"));
        copy_store(&base, &a);
        let mut s = Store::unlock(&a, "nguyenvanan", DEMO_PASSWORD).unwrap();
        let t = Instant::now();
        let r = import_file(
            &mut s,
            Kind::Member,
            &file,
            &ImportOptions { mode: ImportMode::All, ..ImportOptions::default() },
        )
        .unwrap();
        ours.push(t.elapsed());
        assert!(r.problems.is_empty(), "{:?}", &r.problems[..r.problems.len().min(3)]);
        assert_eq!(r.created as usize, MEMBERS);
        drop(s);

        let b = work.join(format!("api-{round}.db"));
        copy_store(&base, &b);
        let mut s = Store::unlock(&b, "nguyenvanan", DEMO_PASSWORD).unwrap();
        let t = Instant::now();
        s.write(|tx| {
            for d in &docs {
                tx.create(Kind::Member, d, false)?;
            }
            Ok(())
        })
        .unwrap();
        api.push(t.elapsed());
    }
    let (o, p) = (median(&ours), median(&api));
    println!("import {MEMBERS} members from .xlsx: {} s; the store's API alone: {} s", secs(o), secs(p));
    println!("  import rate = {:.0}% of the API's (target ≥ 50%)", 100.0 * p.as_secs_f64() / o.as_secs_f64());

    // Export every register of the demo store, beside sqlite3 -csv of the same rows.
    let scale: u32 = std::env::var("PHONGTRAO_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let demo = bench_store(scale);
    let clear = decrypted_copy(&demo, &demo_key(&demo));
    let store = Store::unlock(&demo, "nguyenvanan", DEMO_PASSWORD).unwrap();
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    let mut records = 0;
    let (mut xlsx_size, mut csv_size) = (0, 0);
    for round in 0..ROUNDS {
        let out = work.join(format!("tat-ca-{round}.xlsx"));
        let t = Instant::now();
        let counts = phongtrao::sheet::export::export_all(&store, &out).unwrap();
        ours.push(t.elapsed());
        records = counts.iter().map(|(_, n)| n).sum::<usize>();
        xlsx_size = std::fs::metadata(&out).unwrap().len();

        let csv = work.join(format!("tat-ca-{round}.csv"));
        let t = Instant::now();
        let o = Command::new("sqlite3")
            .args(["-csv", "-header", clear.to_str().unwrap()])
            .arg(
                "SELECT kind, id, title, data FROM record WHERE deleted = 0 AND kind <> 'cert' ORDER BY kind, sort_key",
            )
            .output()
            .expect("sqlite3 (scripts/deps.sh)");
        std::fs::write(&csv, &o.stdout).unwrap();
        plain.push(t.elapsed());
        assert!(o.status.success());
        csv_size = o.stdout.len() as u64;
    }
    let (o, p) = (median(&ours), median(&plain));
    println!(
        "export every register of demo --scale {scale} ({records} records): .xlsx {} s ({} KB); sqlite3 -csv of the same rows {} s ({} KB)",
        secs(o),
        xlsx_size / 1024,
        secs(p),
        csv_size / 1024
    );
    println!("  export time = {:.1}× sqlite3 -csv", o.as_secs_f64() / p.as_secs_f64());
}

fn doc(v: serde_json::Value) -> Doc {
    v.as_object().unwrap().clone()
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

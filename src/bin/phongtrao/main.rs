//! `phongtrao`: the command line. Glue only: parse, call the core library, print.
//! Every message is Vietnamese; errors go to stderr and exit non-zero.

mod cli;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use phongtrao::domain::{Doc, Kind};
use phongtrao::store::{Filter, ListQuery, Store};
use phongtrao::{Error, Result};
use serde_json::Value;
use uuid::Uuid;

use cli::{AuditCmd, Cli, Command, ModelCmd};

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Lỗi: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The store file: `--db`, else `PHONGTRAO_DB`, else the platform's data folder.
fn db_path(cli: &Cli) -> Result<PathBuf> {
    if let Some(p) = &cli.db {
        return Ok(p.clone());
    }
    let dirs = directories::ProjectDirs::from("vn", "phongtrao", "phongtrao").ok_or_else(|| {
        Error::Refused("Không xác định được thư mục dữ liệu của người dùng; hãy chỉ định --db.".into())
    })?;
    Ok(dirs.data_dir().join("phongtrao.db"))
}

fn run(cli: Cli) -> Result<()> {
    let path = db_path(&cli)?;
    let mut out = std::io::stdout().lock();
    let w = &mut out;
    match cli.command {
        Command::Init(args) => {
            let mut store = Store::open(&path)?;
            let c = store.init(&args.into_setup())?.clone();
            say(w, format!("Đã khởi tạo kho dữ liệu cho {}, {} tại {}", c.commune, c.province, path.display()))?;
            say(w, format!("Mã cài đặt: {}", c.installation_id))?;
        }
        Command::Demo { seed, scale } => {
            let mut store = Store::open(&path)?;
            if store.commune().is_err() {
                store.init(&phongtrao::demo::demo_setup())?;
            }
            let opts = phongtrao::demo::DemoOptions { seed, scale };
            let report = phongtrao::demo::generate(&mut store, &opts, &mut |done, total| {
                if scale > 1 {
                    eprint!("\rĐang tạo dữ liệu mẫu: {done}/{total}");
                }
            })?;
            if scale > 1 {
                eprintln!();
            }
            say(w, format!("Đã tạo xã mẫu tại {}:", path.display()))?;
            for (kind, n) in report.counts {
                say(w, format!("  {}: {}", kind.label(), phongtrao::text::format_int(n as i64)))?;
            }
        }
        Command::Add { kind, json } => {
            let mut store = Store::open_existing(&path)?;
            let saved = store.create(kind, &read_json(&json)?)?;
            warn(&saved.warnings);
            say(w, saved.id)?;
        }
        Command::Edit { kind, id, json } => {
            let mut store = Store::open_existing(&path)?;
            let saved = store.update(kind, id, &read_json(&json)?)?;
            warn(&saved.warnings);
            say(w, format!("Đã lưu {} {}", kind.label(), saved.id))?;
        }
        Command::Show { kind, id, json } => {
            let store = Store::open_existing(&path)?;
            show(w, &store, kind, id, json)?;
        }
        Command::List { kind, search, filter, sort, limit, offset, deleted, json } => {
            let store = Store::open_existing(&path)?;
            let q = ListQuery {
                search,
                filters: filter.iter().map(|f| Filter::parse(f)).collect::<Result<_>>()?,
                sort,
                limit,
                offset,
                include_deleted: deleted,
            };
            let page = store.list(kind, &q)?;
            if json {
                say(w, to_json(&page.records)?)?;
            } else {
                for r in &page.records {
                    let mark = if r.meta.deleted { "  (đã xóa)" } else { "" };
                    say(w, format!("{}  {}{mark}", r.id, r.title))?;
                }
                eprintln!(
                    "{} {} / {} bản ghi.",
                    phongtrao::text::format_int(page.records.len() as i64),
                    kind.label(),
                    phongtrao::text::format_int(page.total as i64)
                );
            }
        }
        Command::Delete { kind, id } => {
            let mut store = Store::open_existing(&path)?;
            store.delete(kind, id)?;
            say(w, format!("Đã xóa {} {id}", kind.label()))?;
        }
        Command::Search { text, kind, limit, json } => {
            let store = Store::open_existing(&path)?;
            let hits = store.search(&text, kind, limit)?;
            if json {
                say(w, to_json(&hits)?)?;
            } else {
                for h in &hits {
                    say(w, format!("{}  {:<12}  {}", h.id, h.kind.code(), h.title))?;
                }
            }
        }
        Command::Model(cmd) => {
            let mut store = Store::open_existing(&path)?;
            match cmd {
                ModelCmd::Review { id, json } => {
                    let saved = store.review_model(id, &read_json(&json)?)?;
                    warn(&saved.warnings);
                    say(w, saved.id)?;
                }
                ModelCmd::Replicate { id, area, json } => {
                    let overrides = json.as_deref().map(read_json).transpose()?.unwrap_or_default();
                    let saved = store.replicate_model(id, area, &overrides)?;
                    warn(&saved.warnings);
                    say(w, saved.id)?;
                }
                ModelCmd::Dissolve { id, date, reason } => {
                    store.dissolve_model(id, &date, &reason)?;
                    say(w, format!("Đã giải thể mô hình {id}"))?;
                }
            }
        }
        Command::Audit(AuditCmd::Verify) => {
            let store = Store::open_existing(&path)?;
            let report = store.audit_verify()?;
            if report.ok() {
                say(w, format!("Nhật ký kiểm tra nguyên vẹn: {} mục.", phongtrao::text::format_int(report.entries)))?;
            } else {
                for p in &report.problems {
                    eprintln!("{p}");
                }
                return Err(Error::Refused(format!(
                    "Nhật ký kiểm tra đã bị can thiệp: phát hiện {} vấn đề.",
                    report.problems.len()
                )));
            }
        }
        Command::Audit(AuditCmd::Log { limit }) => {
            let store = Store::open_existing(&path)?;
            for e in store.audit_tail(limit)? {
                let what = match (&e.kind, &e.record_id) {
                    (Some(k), Some(id)) => format!(" {k} {id}"),
                    _ => String::new(),
                };
                say(w, format!("#{} {} {} {}{what}", e.n, e.at, e.actor, e.action))?;
            }
        }
        Command::Fields { kind, category } => {
            let store = Store::open_existing(&path)?;
            let mut doc = Doc::new();
            if let Some(c) = category {
                doc.insert("category".into(), Value::String(c));
            }
            for f in store.fields_for(kind, &doc)? {
                let req = if f.required { " (bắt buộc)" } else { "" };
                let sys = if f.system { " (chỉ đổi qua thao tác)" } else { "" };
                say(w, format!("{:<24} {}{req}{sys}", f.key, f.label))?;
            }
        }
        Command::Reference { list } => {
            let store = Store::open_existing(&path)?;
            match list {
                None => {
                    for (name, label, version) in store.ref_lists()? {
                        say(w, format!("{name:<32} {label} (phiên bản {version})"))?;
                    }
                }
                Some(list) => {
                    for item in store.ref_items(&list)? {
                        say(w, format!("{:<24} {}", item.code, item.label))?;
                    }
                }
            }
        }
        Command::Info => {
            let store = Store::open_existing(&path)?;
            let c = store.commune()?;
            say(w, format!("{} ({}), {} ({})", c.commune, c.commune_code, c.province, c.province_code))?;
            say(w, format!("Cán bộ: {}", c.officer))?;
            say(w, format!("Mã cài đặt: {}", c.installation_id))?;
            say(w, format!("Tệp dữ liệu: {}", path.display()))?;
            for (kind, n) in store.counts()? {
                say(w, format!("  {}: {}", kind.label(), phongtrao::text::format_int(n)))?;
            }
        }
    }
    Ok(())
}

fn show(w: &mut impl Write, store: &Store, kind: Kind, id: Uuid, json: bool) -> Result<()> {
    let record = store.get(kind, id)?;
    if json {
        if kind == Kind::Model {
            return say(w, to_json(&store.model_history(id)?)?);
        }
        return say(w, to_json(&record)?);
    }
    say(w, format!("{}: {}", capitalise(kind.label()), record.title))?;
    say(w, format!("Mã: {}", record.id))?;
    for (label, value) in store.describe(&record)? {
        say(w, format!("{label}: {value}"))?;
    }
    if kind == Kind::Model {
        let h = store.model_history(id)?;
        if let Some(o) = &h.origin {
            say(w, format!("Nhân rộng từ: {} ({})", o.title, o.id))?;
        }
        say(w, format!("Sơ kết, tổng kết ({}):", h.reviews.len()))?;
        for r in &h.reviews {
            let rating = store.describe(r)?.into_iter().find(|(l, _)| l == "Đánh giá").map(|x| x.1);
            say(w, format!("  - {}: {}", r.title, rating.unwrap_or_default()))?;
        }
        if !h.replicas.is_empty() {
            say(w, format!("Đã nhân rộng ra ({}):", h.replicas.len()))?;
            for r in &h.replicas {
                say(w, format!("  - {} ({})", r.title, r.id))?;
            }
        }
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// `--json` takes the JSON itself, `@FILE` to read it from a file, or `-` for standard input.
fn read_json(arg: &str) -> Result<Doc> {
    let text = if arg == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| Error::io("<stdin>", e))?
    } else if let Some(file) = arg.strip_prefix('@') {
        std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?
    } else {
        arg.to_owned()
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::Json("cần một đối tượng JSON dạng {\"trường\": giá trị}".into())),
        Err(e) => Err(Error::Json(format!("dòng {}, cột {}: sai cú pháp JSON", e.line(), e.column()))),
    }
}

fn to_json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string_pretty(v).map_err(|e| Error::Json(e.to_string()))
}

fn say(w: &mut impl Write, line: impl std::fmt::Display) -> Result<()> {
    writeln!(w, "{line}").map_err(|e| Error::io("<stdout>", e))
}

fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("Lưu ý: {w}");
    }
}

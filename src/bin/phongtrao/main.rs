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

use cli::{AccountCmd, AuditCmd, BackupCmd, Cli, Command, ModelCmd};
use phongtrao::NewAccount;
use phongtrao::keyring::KdfParams;

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

/// The password: `PHONGTRAO_PASSWORD` when set (scripts, tests), else asked on the terminal without echo.
fn password(var: &str, prompt: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    rpassword::prompt_password(prompt).map_err(|_| {
        Error::Refused(format!("Thiếu mật khẩu: hãy chạy trong cửa sổ dòng lệnh để nhập, hoặc đặt biến {var}."))
    })
}

/// A new password, typed twice on the terminal (or taken from `var`).
fn new_password(var: &str, whose: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        return Ok(p);
    }
    let first = password(var, &format!("Mật khẩu mới cho {whose}: "))?;
    let again = password(var, "Nhập lại mật khẩu mới: ")?;
    if first != again {
        return Err(Error::Refused("Hai lần nhập mật khẩu không giống nhau; chưa lưu gì.".into()));
    }
    Ok(first)
}

/// Logs in: `--user` (or `PHONGTRAO_USER`), or the only account of the store.
fn open(path: &std::path::Path, user: Option<&str>) -> Result<Store> {
    if !path.exists() {
        return Err(Error::NotInitialized);
    }
    let user = match user {
        Some(u) => u.to_owned(),
        None => {
            let ring = phongtrao::keyring::Keyring::load(&phongtrao::keyring::Keyring::path_for(path))?;
            match ring.slots.as_slice() {
                [only] => only.username.clone(),
                _ => {
                    return Err(Error::Refused(
                        "Kho dữ liệu có nhiều tài khoản: hãy chọn tài khoản bằng --user TÊN_ĐĂNG_NHẬP.".into(),
                    ));
                }
            }
        }
    };
    let pw = password("PHONGTRAO_PASSWORD", &format!("Mật khẩu của {user}: "))?;
    Store::unlock(path, &user, &pw)
}

fn run(cli: Cli) -> Result<()> {
    let path = db_path(&cli)?;
    let user = cli.user.clone();
    let user = user.as_deref();
    let mut out = std::io::stdout().lock();
    let w = &mut out;
    match cli.command {
        Command::Init(args) => {
            let (setup, mut chief) = args.into_setup();
            if let Some(u) = user {
                chief.username = u.to_owned();
            }
            chief.password = new_password("PHONGTRAO_PASSWORD", &chief.username)?;
            let store = Store::create_at(&path, &setup, &chief, KdfParams::default())?;
            let c = store.commune()?.clone();
            say(w, format!("Đã khởi tạo kho dữ liệu cho {}, {} tại {}", c.commune, c.province, path.display()))?;
            say(w, format!("Mã cài đặt: {}", c.installation_id))?;
            say(w, format!("Tài khoản Trưởng Công an xã: {}", chief.username))?;
        }
        Command::Demo { seed, scale } => {
            let mut store = if path.exists() {
                open(&path, user)?
            } else {
                let pw = std::env::var("PHONGTRAO_PASSWORD")
                    .unwrap_or_else(|_| phongtrao::demo::DEMO_PASSWORD.to_owned());
                let chief = phongtrao::demo::demo_chief(&pw);
                Store::create_at(&path, &phongtrao::demo::demo_setup(), &chief, KdfParams::default())?
            };
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
            let mut store = open(&path, user)?;
            let saved = store.create(kind, &read_json(&json)?)?;
            warn(&saved.warnings);
            say(w, saved.id)?;
        }
        Command::Edit { kind, id, json } => {
            let mut store = open(&path, user)?;
            let saved = store.update(kind, id, &read_json(&json)?)?;
            warn(&saved.warnings);
            say(w, format!("Đã lưu {} {}", kind.label(), saved.id))?;
        }
        Command::Show { kind, id, json } => {
            let store = open(&path, user)?;
            show(w, &store, kind, id, json)?;
        }
        Command::List { kind, search, filter, sort, limit, offset, deleted, json } => {
            let store = open(&path, user)?;
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
            let mut store = open(&path, user)?;
            store.delete(kind, id)?;
            say(w, format!("Đã xóa {} {id}", kind.label()))?;
        }
        Command::Search { text, kind, limit, json } => {
            let store = open(&path, user)?;
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
            let mut store = open(&path, user)?;
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
            let store = open(&path, user)?;
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
            let store = open(&path, user)?;
            for e in store.audit_tail(limit)? {
                let what = match (&e.kind, &e.record_id) {
                    (Some(k), Some(id)) => format!(" {k} {id}"),
                    _ => String::new(),
                };
                say(w, format!("#{} {} {} {}{what}", e.n, e.at, e.actor, e.action))?;
            }
        }
        Command::Fields { kind, category } => {
            let store = open(&path, user)?;
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
            let store = open(&path, user)?;
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
        Command::Account(cmd) => {
            let mut store = open(&path, user)?;
            match cmd {
                AccountCmd::List => {
                    for a in store.accounts()? {
                        let rank = a.rank.as_deref().map(|r| format!("{r} ")).unwrap_or_default();
                        say(w, format!("{:<20} {rank}{} – {}", a.username, a.full_name, a.role.label()))?;
                    }
                }
                AccountCmd::Add { username, name, rank, role } => {
                    let pw = new_password("PHONGTRAO_NEW_PASSWORD", &username)?;
                    let a = store.add_account(&NewAccount { username, full_name: name, rank, role, password: pw })?;
                    say(w, format!("Đã tạo tài khoản {} ({}).", a.username, a.role.label()))?;
                }
                AccountCmd::Role { username, role } => {
                    store.set_role(&username, role)?;
                    say(w, format!("Tài khoản {username} nay có quyền {}.", role.label()))?;
                }
                AccountCmd::Passwd { username } => {
                    let me = store.session().map(|a| a.username.clone()).unwrap_or_default();
                    let target = username.unwrap_or(me);
                    let pw = new_password("PHONGTRAO_NEW_PASSWORD", &target)?;
                    store.change_password(&target, &pw)?;
                    say(w, format!("Đã đổi mật khẩu của {target}."))?;
                }
                AccountCmd::Remove { username } => {
                    store.remove_account(&username)?;
                    say(w, format!("Đã xóa tài khoản {username}."))?;
                }
            }
        }
        Command::Backup(cmd) => backup(w, cmd, &path, user)?,
        Command::Where => {
            say(w, path.display())?;
        }
        Command::Info => {
            let store = open(&path, user)?;
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

fn backup(w: &mut impl Write, cmd: BackupCmd, path: &std::path::Path, user: Option<&str>) -> Result<()> {
    use phongtrao::backup;
    let mb = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1e6).replace('.', ",");
    match cmd {
        BackupCmd::Create { out } => {
            let store = open(path, user)?;
            let info = match &out {
                Some(dir) => backup::create(&store, dir)?,
                None => {
                    let dir = backup::default_dir(path);
                    let info = backup::create(&store, &dir)?;
                    backup::prune(&dir, chrono::Local::now().date_naive())?;
                    info
                }
            };
            say(w, format!("Đã sao lưu ({}) vào {}", mb(info.bytes), info.path.display()))?;
        }
        BackupCmd::List => {
            let dir = backup::default_dir(path);
            let all = backup::list(&dir)?;
            if all.is_empty() {
                say(w, format!("Chưa có bản sao lưu nào trong {}.", dir.display()))?;
            }
            for (at, file) in all {
                say(w, format!("{}  {}", at.format("%d/%m/%Y %H:%M:%S"), file.display()))?;
            }
        }
        BackupCmd::Verify { file } => {
            let user = restore_user(path, user)?;
            let pw = password("PHONGTRAO_PASSWORD", &format!("Mật khẩu của {user}: "))?;
            let scratch = std::env::temp_dir();
            let c = backup::check(&file, &scratch, &user, &pw)?;
            let h = &c.info.header;
            say(w, format!("Bản sao lưu tốt: {}", file.display()))?;
            say(w, format!("  Tạo lúc: {}", h.created_at.with_timezone(&chrono::Local).format("%H:%M:%S ngày %d/%m/%Y")))?;
            say(w, format!("  Xã mã {}, tỉnh mã {}; cài đặt {}", h.store.commune_code, h.store.province_code, h.store.installation_id))?;
            say(w, format!("  {} bản ghi; kiểm tra toàn vẹn: {}; {}", phongtrao::text::format_int(c.records), c.integrity, mb(c.info.bytes)))?;
        }
        BackupCmd::Restore { file } => {
            let user = restore_user(path, user)?;
            let pw = password("PHONGTRAO_PASSWORD", &format!("Mật khẩu của {user} (trong bản sao lưu): "))?;
            let r = backup::restore(&file, path, &user, &pw)?;
            say(w, format!("Đã khôi phục kho dữ liệu từ {} (tạo lúc {}).", file.display(),
                r.info.header.created_at.with_timezone(&chrono::Local).format("%H:%M:%S ngày %d/%m/%Y")))?;
            if let Some(aside) = &r.aside {
                say(w, format!("Kho dữ liệu trước khi khôi phục được giữ lại tại {}", aside.display()))?;
            }
            say(w, format!("Kỳ đồng bộ mới: {} (số thứ tự thay đổi đã gửi lên tỉnh không bị dùng lại).", r.sync_epoch))?;
        }
    }
    Ok(())
}

/// Who logs into a backup: `--user`, or the only account of the current store.
fn restore_user(path: &std::path::Path, user: Option<&str>) -> Result<String> {
    if let Some(u) = user {
        return Ok(u.to_owned());
    }
    let keys = phongtrao::keyring::Keyring::path_for(path);
    if let Ok(ring) = phongtrao::keyring::Keyring::load(&keys)
        && let [only] = ring.slots.as_slice()
    {
        return Ok(only.username.clone());
    }
    Err(Error::Refused("Hãy chọn tài khoản để mở bản sao lưu bằng --user TÊN_ĐĂNG_NHẬP.".into()))
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

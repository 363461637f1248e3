//! `phongtrao`: the command line. Glue only: parse, call the core library, print. `main` parses and
//! `run` dispatches each command to one function (ripgrep's shape).
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

use cli::{
    AccountCmd, AuditCmd, BackupCmd, BundleCmd, CertCmd, Cli, Command, InspectionCmd, KeyCmd, ModelCmd, ProvinceCmd,
};
use phongtrao::NewAccount;
use phongtrao::keyring::KdfParams;
use phongtrao::units::Units;

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
    phongtrao::fsutil::default_store_path()
        .ok_or_else(|| Error::Refused("Không xác định được thư mục dữ liệu của người dùng; hãy chỉ định --db.".into()))
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
    // A store made by an older version is backed up before it is migrated.
    let (store, upgrade) = phongtrao::backup::unlock(path, &user, &pw)?;
    if let Some(b) = upgrade {
        eprintln!(
            "Đã nâng cấp kho dữ liệu lên phiên bản cấu trúc {} (từ {}); bản sao lưu trước khi nâng cấp: {}",
            store.schema_version()?,
            b.header.store.schema_version,
            b.path.display()
        );
    }
    Ok(store)
}

fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx { path: db_path(&cli)?, user: cli.user.clone() };
    let mut out = std::io::stdout().lock();
    let w = &mut out;
    match cli.command {
        Command::Init(args) => init(w, &ctx, args),
        Command::Demo { seed, scale } => demo(w, &ctx, seed, scale),
        Command::Add { kind, json } => add(w, &ctx, kind, json),
        Command::Edit { kind, id, json } => edit(w, &ctx, kind, id, json),
        Command::Show { kind, id, json } => show(w, &ctx.open()?, kind, id, json),
        Command::List { kind, search, filter, sort, limit, offset, deleted, json } => {
            let filters = filter.iter().map(|f| Filter::parse(f)).collect::<Result<_>>()?;
            let q = ListQuery { search, filters, sort, limit, offset, include_deleted: deleted };
            list(w, &ctx, kind, &q, json)
        }
        Command::Delete { kind, id } => delete(w, &ctx, kind, id),
        Command::Search { text, kind, limit, json } => search(w, &ctx, text, kind, limit, json),
        Command::Model(cmd) => model(w, &ctx, cmd),
        Command::Cert(cmd) => cert(w, &ctx.path, ctx.user.as_deref(), cmd),
        Command::Inspection(cmd) => inspection(w, &ctx, cmd),
        Command::Plan(cmd) => plan(w, &ctx, cmd),
        Command::KeyArea(cmd) => key_area(w, &ctx, cmd),
        Command::Audit(AuditCmd::Verify) => audit_verify(w, &ctx),
        Command::Audit(AuditCmd::Log { limit }) => audit_log(w, &ctx, limit),
        Command::Fields { kind, category } => fields(w, &ctx, kind, category),
        Command::Reference { list } => reference(w, &ctx, list),
        Command::Account(cmd) => account(w, &ctx, cmd),
        Command::Backup(cmd) => backup(w, cmd, &ctx.path, ctx.user.as_deref()),
        Command::Print(args) => print(w, &ctx.path, ctx.user.as_deref(), args),
        Command::Where => say(w, ctx.path.display()),
        Command::Units { province, search } => units(w, province, search.unwrap_or_default()),
        Command::Key(cmd) => key(w, &ctx, cmd),
        Command::Enroll { file } => enroll(w, &ctx, file),
        Command::Peer(cmd) => peer(w, &ctx, cmd),
        Command::Bundle(cmd) => bundle(w, &ctx, cmd),
        Command::Province(args) => province(w, args, ctx.user.as_deref()),
        Command::Info => info(w, &ctx),
        Command::Figures { period, json } => figures(w, &ctx, &period, json),
        Command::Review { done, json } => commune_review(w, &ctx, done.as_deref(), json),
        Command::Import { kind, file, dry_run, good_rows, sheet, mapping, json } => {
            let mode = match (dry_run, good_rows) {
                (true, _) => phongtrao::sheet::import::ImportMode::Preview,
                (_, true) => phongtrao::sheet::import::ImportMode::GoodRows,
                _ => phongtrao::sheet::import::ImportMode::All,
            };
            let mapping = mapping.iter().map(|m| parse_mapping(m)).collect::<Result<_>>()?;
            import(w, &ctx, kind, &file, &phongtrao::sheet::import::ImportOptions { mode, sheet, mapping }, json)
        }
        Command::Export { kind, year, search, filter, sort, out } => {
            let filters = filter.iter().map(|f| Filter::parse(f)).collect::<Result<_>>()?;
            let q = ListQuery { search, filters, sort, ..ListQuery::default() };
            export(w, &ctx, kind, year, &q, &out)
        }
        Command::Template { kind, out } => template(w, &ctx, kind, &out),
    }
}

/// What every command needs: the store file and the account to log in with (`--user`).
struct Ctx {
    path: PathBuf,
    user: Option<String>,
}

impl Ctx {
    fn open(&self) -> Result<Store> {
        open(&self.path, self.user.as_deref())
    }
}

fn init(w: &mut impl Write, ctx: &Ctx, args: cli::InitArgs) -> Result<()> {
    let (setup, mut chief) = args.into_setup();
    // The codes written are the official ones: checked before the password is asked.
    let setup = setup.official(Units::builtin())?;
    if let Some(u) = ctx.user.as_deref() {
        chief.username = u.to_owned();
    }
    chief.password = new_password("PHONGTRAO_PASSWORD", &chief.username)?;
    let store = Store::create_at(&ctx.path, &setup, &chief, KdfParams::default())?;
    let c = store.commune()?.clone();
    say(w, format!("Đã khởi tạo kho dữ liệu cho {}, {} tại {}", c.commune, c.province, ctx.path.display()))?;
    say(
        w,
        format!(
            "Mã tỉnh {}, mã xã {} (danh mục từ {})",
            c.province_code,
            c.commune_code,
            Units::builtin().effective_display()
        ),
    )?;
    say(w, format!("Mã cài đặt: {}", c.installation_id))?;
    say(w, format!("Tài khoản Trưởng Công an xã: {}", chief.username))?;
    Ok(())
}

fn demo(w: &mut impl Write, ctx: &Ctx, seed: u64, scale: u32) -> Result<()> {
    let mut store = if ctx.path.exists() {
        ctx.open()?
    } else {
        let pw = std::env::var("PHONGTRAO_PASSWORD").unwrap_or_else(|_| phongtrao::demo::DEMO_PASSWORD.to_owned());
        let chief = phongtrao::demo::demo_chief(&pw);
        Store::create_at(&ctx.path, &phongtrao::demo::demo_setup(), &chief, KdfParams::default())?
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
    say(w, format!("Đã tạo xã mẫu tại {}:", ctx.path.display()))?;
    for (kind, n) in report.counts {
        say(w, format!("  {}: {}", kind.label(), phongtrao::text::format_int(n as i64)))?;
    }
    Ok(())
}

fn add(w: &mut impl Write, ctx: &Ctx, kind: Kind, json: String) -> Result<()> {
    let mut store = ctx.open()?;
    let saved = store.create(kind, &read_json(&json)?)?;
    warn(&saved.warnings);
    say(w, saved.id)?;
    Ok(())
}

fn edit(w: &mut impl Write, ctx: &Ctx, kind: Kind, id: Uuid, json: String) -> Result<()> {
    let mut store = ctx.open()?;
    let saved = store.update(kind, id, &read_json(&json)?)?;
    warn(&saved.warnings);
    say(w, format!("Đã lưu {} {}", kind.label(), saved.id))?;
    Ok(())
}

fn list(w: &mut impl Write, ctx: &Ctx, kind: Kind, q: &ListQuery, json: bool) -> Result<()> {
    let store = ctx.open()?;
    let page = store.list(kind, q)?;
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
    Ok(())
}

fn parse_mapping(m: &str) -> Result<(String, String)> {
    m.split_once('=').map(|(h, f)| (h.trim().to_owned(), f.trim().to_owned())).ok_or_else(|| {
        Error::Refused(format!(
            "Ghép cột «{m}» không hợp lệ; viết dạng \"Tiêu đề cột=mã trường\" (ví dụ \"Tên thôn=name\")."
        ))
    })
}

fn import(
    w: &mut impl Write,
    ctx: &Ctx,
    kind: Kind,
    file: &std::path::Path,
    opts: &phongtrao::sheet::import::ImportOptions,
    json: bool,
) -> Result<()> {
    let mut store = ctx.open()?;
    let report = phongtrao::sheet::import::import_file(&mut store, kind, file, opts)?;
    if json {
        say(w, to_json(&report)?)?;
    } else {
        for line in phongtrao::present::sheet::import_summary(&report) {
            say(w, line)?;
        }
    }
    if !report.problems.is_empty() && !report.saved {
        return Err(Error::Refused(format!(
            "Tệp có {} lỗi; chưa lưu gì.",
            phongtrao::text::format_int(report.problems.len() as i64)
        )));
    }
    Ok(())
}

fn export(
    w: &mut impl Write,
    ctx: &Ctx,
    kind: cli::ExportKind,
    year: Option<i32>,
    q: &ListQuery,
    out: &std::path::Path,
) -> Result<()> {
    use phongtrao::sheet::tables::{self, Table};
    let store = ctx.open()?;
    let today = chrono::Local::now().date_naive();
    match kind {
        cli::ExportKind::Dashboard => {
            // The dashboard of a past year: as it stood at that year's end.
            let day = match year {
                Some(y) if y < chrono::Datelike::year(&today) => {
                    chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(today)
                }
                _ => today,
            };
            tables::write(&store, Table::Dashboard(day), out)?;
            say(w, format!("Đã xuất tổng quan phong trào ra {}", out.display()))
        }
        cli::ExportKind::YearReport => {
            let y = year.unwrap_or_else(|| chrono::Datelike::year(&today));
            tables::write(&store, Table::YearReport(y), out)?;
            say(w, format!("Đã xuất số liệu báo cáo năm {y} ra {}", out.display()))
        }
        cli::ExportKind::One(kind) => {
            // On a terminal, the export's progress on one line of stderr (scripts and pipes get none).
            let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let n = phongtrao::sheet::export::export_register_with(&store, kind, q, out, &mut |p| {
                if tty {
                    eprint!("\r{:<60}", phongtrao::present::sheet::export_progress(kind, p).text);
                }
            })?;
            if tty {
                eprint!("\r{:<60}\r", "");
            }
            say(w, format!("Đã xuất {} {} ra {}", phongtrao::text::format_int(n as i64), kind.label(), out.display()))
        }
        cli::ExportKind::All => {
            let counts = phongtrao::sheet::export::export_all(&store, out)?;
            say(w, format!("Đã xuất mọi sổ ra {}:", out.display()))?;
            for (kind, n) in counts {
                say(w, format!("  {}: {}", kind.label(), phongtrao::text::format_int(n as i64)))?;
            }
            Ok(())
        }
    }
}

fn template(w: &mut impl Write, ctx: &Ctx, kind: Kind, out: &std::path::Path) -> Result<()> {
    let store = ctx.open()?;
    phongtrao::sheet::template::write_template(&store, kind, out)?;
    say(w, format!("Đã ghi mẫu Excel của sổ {} ra {}", kind.label(), out.display()))
}

fn delete(w: &mut impl Write, ctx: &Ctx, kind: Kind, id: Uuid) -> Result<()> {
    let mut store = ctx.open()?;
    store.delete(kind, id)?;
    say(w, format!("Đã xóa {} {id}", kind.label()))?;
    Ok(())
}

fn search(w: &mut impl Write, ctx: &Ctx, text: String, kind: Option<Kind>, limit: u32, json: bool) -> Result<()> {
    let store = ctx.open()?;
    let found = store.search_explained(&text, kind, limit)?;
    if json {
        say(w, to_json(&found)?)?;
    } else {
        for f in &found {
            let h = &f.hit;
            let why = f.matched.iter().map(|m| format!("{}: {}", m.label, m.text)).collect::<Vec<_>>();
            let why = if why.is_empty() { String::new() } else { format!("  (khớp {})", why.join("; ")) };
            say(w, format!("{}  {:<12}  {}{why}", h.id, h.kind.code(), h.title))?;
        }
    }
    Ok(())
}

fn model(w: &mut impl Write, ctx: &Ctx, cmd: ModelCmd) -> Result<()> {
    let mut store = ctx.open()?;
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
    Ok(())
}

/// The province's inspections: make one, show one, judge a commune's answer. After a change the
/// commune's decision bundle is written, carrying it down.
fn province_inspection(
    w: &mut impl Write,
    p: &mut phongtrao::sync::province::Province,
    cmd: cli::ProvinceInspectionCmd,
) -> Result<()> {
    use cli::ProvinceInspectionCmd as C;
    use phongtrao::domain::inspection::Verdict;
    use phongtrao::province::inspections;
    let now = chrono::Utc::now();
    let send = |p: &mut phongtrao::sync::province::Province, commune: &str, out: Option<PathBuf>| {
        let dir = out.unwrap_or_else(|| p.db().dir().join("quyet-dinh"));
        p.write_decisions(commune, &dir, now).map(|f| format!("Đã ghi gói quyết định cho xã: {}", f.display()))
    };
    match cmd {
        C::Add { commune, json, out } => {
            let id = inspections::create(p, &commune, &read_json(&json)?, now)?;
            say(w, id)?;
            say(w, send(p, commune.trim(), out)?)?;
        }
        C::Print { id, form, new, preview, out } => {
            let numbering = match (preview, new) {
                (true, _) => inspections::Numbering::Preview,
                (_, true) => inspections::Numbering::New,
                _ => inspections::Numbering::Keep,
            };
            let printed = inspections::pdf(p, id, &form, chrono::Local::now().date_naive(), numbering, Some(&out))?;
            say(w, phongtrao::present::province_inspection::saved(&form, &printed, &out.display().to_string()))?;
        }
        C::Show { id, json } => {
            let today = chrono::Local::now().date_naive();
            let i = inspections::inspection(p, id, today)?;
            if json {
                return say(w, to_json(&i)?);
            }
            say(w, format!("{} ({}, mã {})", i.title, i.commune, i.commune_code))?;
            let fields = phongtrao::province::figures::describe(phongtrao::Kind::Inspection, &i.fields);
            for (label, value) in fields {
                say(w, format!("{label}: {value}"))?;
            }
            say(w, format!("Nhiệm vụ khắc phục ({}):", i.tasks.len()))?;
            for t in &i.tasks {
                let deadline = t.deadline.map(phongtrao::date::display).unwrap_or_default();
                say(w, format!("- [{}] {}  (hạn {deadline}; {})", t.state_text, t.content, t.responsible))?;
                for a in &t.answers {
                    let day = a.date.map(phongtrao::date::display).unwrap_or_default();
                    say(w, format!("    Báo cáo ngày {day}: {}  [{}]", a.content, a.verdict_label))?;
                    if !a.reason.is_empty() {
                        say(w, format!("      Nhận xét: {}", a.reason))?;
                    }
                    if !a.evidence.is_empty() {
                        say(w, format!("      Minh chứng: {}", a.evidence.join("; ")))?;
                    }
                    say(w, format!("      Mã báo cáo: {}", a.id))?;
                }
            }
        }
        C::Review { answer, accept, not_enough, reason, out } => {
            let verdict = verdict_flags(accept, not_enough)?;
            let v = inspections::review(p, answer, verdict, &reason, now)?;
            say(
                w,
                match verdict {
                    Verdict::Accepted => "Đã đánh giá: đạt. Nhiệm vụ đã hoàn thành.",
                    Verdict::NotEnough => "Đã đánh giá: chưa đạt. Xã phải khắc phục tiếp và báo cáo lại.",
                },
            )?;
            say(w, send(p, &v.commune_code, out)?)?;
        }
    }
    Ok(())
}

fn inspection(w: &mut impl Write, ctx: &Ctx, cmd: InspectionCmd) -> Result<()> {
    use phongtrao::domain::inspection::Verdict;
    use phongtrao::present::inspection::{RemedyView, inspection_page, remedy_list};
    let mut store = ctx.open()?;
    fn task_lines(w: &mut impl Write, t: &RemedyView) -> Result<()> {
        say(w, format!("- [{}] {}  (hạn {}; {})", t.state, t.content, t.deadline, t.responsible))?;
        say(w, format!("    Mã nhiệm vụ: {}", t.id))?;
        for a in &t.answers {
            say(w, format!("    Báo cáo ngày {}: {}  [{}]", a.date, a.content, a.verdict_text))?;
            if !a.verdict_reason.is_empty() {
                say(w, format!("      Nhận xét: {}", a.verdict_reason))?;
            }
            if !a.evidence.is_empty() {
                let titles: Vec<&str> = a.evidence.iter().map(|e| e.title.as_str()).collect();
                say(w, format!("      Minh chứng: {}", titles.join("; ")))?;
            }
            say(w, format!("      Mã báo cáo: {}", a.record.id))?;
        }
        Ok(())
    }
    fn counts(w: &mut impl Write, c: &phongtrao::store::RemedyCounts) -> Result<()> {
        say(
            w,
            format!(
                "{} đang thực hiện, {} quá hạn, {} đã hoàn thành; {} báo cáo chờ đánh giá.",
                c.open, c.overdue, c.done, c.waiting
            ),
        )
    }
    match cmd {
        InspectionCmd::Add { json } => {
            let saved = store.add_inspection(&read_json(&json)?)?;
            warn(&saved.warnings);
            say(w, saved.id)?;
        }
        InspectionCmd::Show { id, json } => {
            let page = inspection_page(&store, id)?;
            if json {
                return say(w, to_json(&page)?);
            }
            say(w, &page.inspection.title)?;
            for v in &page.inspection.values {
                if !v.links.is_empty() || v.key.ends_with("_id") {
                    continue;
                }
                say(w, format!("{}: {}", v.label, v.text))?;
            }
            say(w, format!("Đơn vị được kiểm tra: {}", page.subject))?;
            say(w, format!("Nhiệm vụ khắc phục ({}):", page.tasks.len()))?;
            for t in &page.tasks {
                task_lines(w, t)?;
            }
            counts(w, &page.counts)?;
        }
        InspectionCmd::Tasks { status, json } => {
            let list = remedy_list(&store, status)?;
            if json {
                return say(w, to_json(&list)?);
            }
            say(w, format!("Nhiệm vụ khắc phục (tình trạng tính đến ngày {}):", list.today))?;
            for t in &list.rows {
                task_lines(w, t)?;
                if let Some(i) = &t.inspection {
                    say(w, format!("    Cuộc kiểm tra: {}", i.title))?;
                }
            }
            counts(w, &list.counts)?;
        }
        InspectionCmd::Answer { task, json } => {
            let saved = store.answer_remedy(task, &read_json(&json)?)?;
            warn(&saved.warnings);
            say(w, saved.id)?;
        }
        InspectionCmd::Review { answer, accept, not_enough, reason } => {
            let verdict = verdict_flags(accept, not_enough)?;
            store.review_remedy(answer, verdict, &reason)?;
            say(
                w,
                match verdict {
                    Verdict::Accepted => "Đã đánh giá: đạt. Nhiệm vụ đã hoàn thành.",
                    Verdict::NotEnough => "Đã đánh giá: chưa đạt. Đơn vị phải khắc phục tiếp và báo cáo lại.",
                },
            )?;
        }
    }
    Ok(())
}

fn audit_verify(w: &mut impl Write, ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
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
    Ok(())
}

fn audit_log(w: &mut impl Write, ctx: &Ctx, limit: u32) -> Result<()> {
    let store = ctx.open()?;
    for e in store.audit_tail(limit)? {
        let what = match (&e.kind, &e.record_id) {
            (Some(k), Some(id)) => format!(" {k} {id}"),
            _ => String::new(),
        };
        say(w, format!("#{} {} {} {}{what}", e.n, e.at, e.actor, e.action))?;
    }
    Ok(())
}

fn fields(w: &mut impl Write, ctx: &Ctx, kind: Kind, category: Option<String>) -> Result<()> {
    let store = ctx.open()?;
    let mut doc = Doc::new();
    if let Some(c) = category {
        doc.insert("category".into(), Value::String(c));
    }
    for f in store.fields_for(kind, &doc)? {
        let req = if f.required { " (bắt buộc)" } else { "" };
        let sys = if f.system { " (chỉ đổi qua thao tác)" } else { "" };
        say(w, format!("{:<24} {}{req}{sys}", f.key, f.label))?;
    }
    Ok(())
}

fn reference(w: &mut impl Write, ctx: &Ctx, list: Option<String>) -> Result<()> {
    let store = ctx.open()?;
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
    Ok(())
}

fn account(w: &mut impl Write, ctx: &Ctx, cmd: AccountCmd) -> Result<()> {
    let mut store = ctx.open()?;
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
            let target = username.unwrap_or(me.clone());
            // One's own: the current password again (PHONGTRAO_PASSWORD in scripts).
            let current =
                if target == me { Some(password("PHONGTRAO_PASSWORD", "Mật khẩu hiện tại: ")?) } else { None };
            let pw = new_password("PHONGTRAO_NEW_PASSWORD", &target)?;
            store.change_password(&target, current.as_deref(), &pw)?;
            say(w, format!("Đã đổi mật khẩu của {target}."))?;
        }
        AccountCmd::Remove { username } => {
            store.remove_account(&username)?;
            say(w, format!("Đã xóa tài khoản {username}."))?;
        }
    }
    Ok(())
}

fn key(w: &mut impl Write, ctx: &Ctx, cmd: KeyCmd) -> Result<()> {
    let mut store = ctx.open()?;
    if let KeyCmd::Rotate = cmd {
        let (new, old) = store.rotate_sync_key()?;
        let pk = new.public_key()?;
        say(w, format!("Đã đổi khóa ký: khóa mới {} thay khóa {old}.", pk.key_id()))?;
        say(w, format!("Dấu vân tay của khóa mới: {}", pk.fingerprint()))?;
        say(
            w,
            "Hãy in phiếu đăng ký khóa mới, ký, đóng dấu và gửi Công an tỉnh (ghi rõ thay khóa cũ) để tỉnh đăng ký khóa mới \
và thu hồi khóa cũ; các gói xuất từ nay được ký bằng khóa mới.",
        )?;
        return Ok(());
    }
    let (key, _) = store.sync_keys()?;
    let pk = key.public_key()?;
    match cmd {
        KeyCmd::Rotate => unreachable!("handled above"),
        KeyCmd::ExportPub { out } => {
            phongtrao::fsutil::write_atomic(&out, pk.text().as_bytes())?;
            say(w, format!("Đã ghi khóa công khai {} vào {}", pk.key_id(), out.display()))?;
        }
        KeyCmd::Show => {
            let c = store.commune()?;
            say(
                w,
                format!("Máy: {} ({}), {} — mã cài đặt {}", c.commune, c.commune_code, c.province, c.installation_id),
            )?;
            say(w, format!("Mã khóa: {}", pk.key_id()))?;
            say(w, format!("Dấu vân tay: {}", pk.fingerprint()))?;
            match store.sync_state()?.province {
                Some(p) => say(
                    w,
                    format!(
                        "Đã ghi danh với Công an tỉnh {} lúc {}",
                        p.province,
                        phongtrao::sync::province::local(&p.enrolled_at)
                    ),
                )?,
                None => say(w, "Chưa ghi danh với Công an tỉnh.")?,
            }
        }
    }
    Ok(())
}

fn peer(w: &mut impl Write, ctx: &Ctx, cmd: cli::PeerCmd) -> Result<()> {
    use phongtrao::present::peer as present;
    use phongtrao::sync::peer;
    let now = chrono::Utc::now();
    if let cli::PeerCmd::Join { file } = &cmd {
        let (inv, fp) = peer::read_invitation(file, now)?;
        let pw = new_password("PHONGTRAO_PASSWORD", &inv.chief.username)?;
        let store = peer::join(&ctx.path, file, &pw, KdfParams::default(), now)?;
        let c = store.commune()?;
        say(w, format!("Đã tạo kho dữ liệu của máy mới cho {}, {} tại {}", c.commune, c.province, ctx.path.display()))?;
        say(w, format!("Lời mời của máy của {}: dấu vân tay {fp}", inv.inviter.officer))?;
        say(w, "Hãy đối chiếu dấu vân tay này với dấu vân tay máy của Trưởng Công an xã hiện ra.")?;
        say(w, format!("Tài khoản: {} · máy cấp số văn bản: {}", inv.chief.username, inv.numbering_by))?;
        for line in present::awaiting_password(&store)? {
            say(w, line)?;
        }
        say(w, "Lần trao đổi đầu tiên (phongtrao peer exchange THƯ_MỤC) sẽ mang dữ liệu của xã về máy này.")?;
        return Ok(());
    }
    let mut store = ctx.open()?;
    match cmd {
        cli::PeerCmd::Join { .. } => {}
        cli::PeerCmd::Invite { officer, out, accounts } => {
            let path = peer::invite(&mut store, &out, &officer, &accounts, now)?;
            let (key, _) = store.sync_keys()?;
            eprintln!(
                "Lời mời dùng được một lần, trong {} ngày. Dấu vân tay của máy này: {}",
                peer::INVITATION_DAYS,
                key.public_key()?.fingerprint()
            );
            say(w, path.display())?;
        }
        cli::PeerCmd::Exchange { dir } => {
            let e = peer::exchange(&mut store, &dir, now)?;
            for line in present::exchange_lines(&e) {
                say(w, line)?;
            }
            let n = store.conflicts()?.len();
            if n > 0 {
                say(w, format!("Có {n} bản ghi xung đột cần giải quyết: phongtrao peer conflicts"))?;
            }
            if e.imported.iter().any(|(_, r)| r.is_err()) {
                return Err(Error::Refused("Có gói không nhập được (xem từng dòng ở trên).".into()));
            }
        }
        cli::PeerCmd::List => {
            let v = present::view(&mut store)?;
            say(w, format!("Máy này: {} ({}), dấu vân tay {}", v.officer, v.short_id, v.fingerprint))?;
            say(w, format!("Máy cấp số văn bản: {}", v.numbering))?;
            for p in &v.peers {
                say(
                    w,
                    format!(
                        "Máy của {} ({}): trao đổi gần nhất {}; dấu vân tay {}",
                        p.officer, p.short_id, p.last_seen, p.fingerprint
                    ),
                )?;
            }
            say(w, format!("Xung đột chưa giải quyết: {}", v.conflicts))?;
        }
        cli::PeerCmd::Conflicts { json } => {
            let all = present::conflicts(&store)?;
            if json {
                return say(w, serde_json::to_string_pretty(&all).map_err(|e| Error::Json(e.to_string()))?);
            }
            if all.is_empty() {
                say(w, "Không có xung đột nào.")?;
            }
            let locked = present::locked_merges(&store)?;
            if !locked.is_empty() {
                say(
                    w,
                    "Sửa sau khi duyệt (máy khác sửa khi chưa biết kỳ đã khóa; Công an tỉnh sẽ xem xét khi nhận gói dữ liệu):",
                )?;
            }
            for m in &locked {
                say(w, format!("  {}: kỳ {}. {}.", m.title, m.period, m.from))?;
                for f in &m.fields {
                    say(w, format!("    {} ({}): «{}» → «{}»", f.label, f.key, f.values[0], f.values[1]))?;
                }
            }
            for c in &all {
                say(w, format!("{}  {}", c.title, c.id))?;
                for v in &c.versions {
                    say(
                        w,
                        format!(
                            "  Phiên bản {}: {}, lúc {}{}{}",
                            v.number,
                            v.who,
                            v.when,
                            if v.deleted { ", đã xóa" } else { "" },
                            if v.shown { " (đang hiện)" } else { "" }
                        ),
                    )?;
                }
                for f in c.fields.iter().filter(|f| f.differs) {
                    say(
                        w,
                        format!(
                            "  {} ({}): {}",
                            f.label,
                            f.key,
                            f.values.iter().map(|v| format!("«{v}»")).collect::<Vec<_>>().join(" / ")
                        ),
                    )?;
                }
            }
        }
        cli::PeerCmd::Remove { laptop } => {
            let r = peer::remove(&mut store, &laptop, now)?;
            say(w, present::removed(&r))?;
        }
        cli::PeerCmd::Numbering { to } => {
            let h = peer::hand_over(&mut store, &to, now)?;
            say(w, present::handed_over(&h))?;
        }
        cli::PeerCmd::Resolve { id, keep, take } => {
            let base = (keep.max(1) - 1) as usize;
            let mut fields = std::collections::BTreeMap::new();
            for t in &take {
                let (k, n) = t
                    .split_once('=')
                    .ok_or_else(|| Error::field("take", "--take", "viết TRƯỜNG=M, ví dụ --take households=2"))?;
                let n: usize = n
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| Error::field("take", "--take", "M là số thứ tự phiên bản (1, 2, …)"))?;
                fields.insert(k.trim().to_owned(), n - 1);
            }
            let choice = if fields.is_empty() {
                phongtrao::store::Resolution::Keep(base)
            } else {
                phongtrao::store::Resolution::Combine { base, take: fields }
            };
            store.resolve_conflict(id, &choice)?;
            say(w, "Đã giải quyết xung đột; quyết định sẽ đến các máy khác ở lần trao đổi sau.")?;
        }
    }
    Ok(())
}

fn enroll(w: &mut impl Write, ctx: &Ctx, file: PathBuf) -> Result<()> {
    let mut store = ctx.open()?;
    let p = phongtrao::sync::commune::enroll(&mut store, &file)?;
    let key = phongtrao::crypto::PublicKey::parse(&p.sign_key)?;
    say(w, phongtrao::present::sync::enrolled(&p))?;
    say(w, format!("Khóa ký của tỉnh: {}  dấu vân tay: {}", key.key_id(), key.fingerprint()))?;
    say(w, "Hãy đối chiếu dấu vân tay này với dấu vân tay Công an tỉnh đọc hoặc in ra.")?;
    Ok(())
}

fn bundle(w: &mut impl Write, ctx: &Ctx, cmd: BundleCmd) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        BundleCmd::Export { out, full } => {
            let opts = phongtrao::sync::commune::ExportOptions { full, ..Default::default() };
            let e = phongtrao::sync::commune::export(&mut store, &out, &opts, &mut |done, total| {
                if total >= 10_000 {
                    eprint!(
                        "\rĐang xuất: {}/{}",
                        phongtrao::text::format_int(done as i64),
                        phongtrao::text::format_int(total as i64)
                    );
                }
            })?;
            if e.changes >= 10_000 {
                eprintln!();
            }
            eprintln!("Gói số {} chứa {} thay đổi.", e.manifest.seq, phongtrao::text::format_int(e.changes as i64));
            say(w, e.path.display())?;
        }
        BundleCmd::Import { file } => {
            let imported = phongtrao::sync::commune::import(&mut store, &file)?;
            say(w, phongtrao::present::sync::imported(&imported))?;
            if let phongtrao::sync::commune::Imported::Receipt { receipt, .. } = imported {
                let shown = |v: &serde_json::Value| phongtrao::text::printable(v.as_str().unwrap_or(""), 200);
                for q in &receipt.quarantined {
                    say(
                        w,
                        format!(
                            "  Bản ghi bị cách ly: {} {}: {}",
                            shown(&q["kind"]),
                            shown(&q["id"]),
                            shown(&q["reason"])
                        ),
                    )?;
                }
                for (a, b) in &receipt.gaps {
                    say(
                        w,
                        format!(
                            "  Công an tỉnh còn thiếu {}: hãy chuyển các gói đó (hoặc xuất gói mới).",
                            phongtrao::sync::province::gap_text(*a, *b)
                        ),
                    )?;
                }
            }
        }
        BundleCmd::Verify { file } => {
            let v = phongtrao::sync::commune::verify(&mut store, &file)?;
            print_manifest(w, &v.manifest)?;
            say(w, format!("Người ký: {} — khóa {} (dấu vân tay {})", v.signer, v.key_id, v.fingerprint))?;
            say(w, format!("Mã hóa: {}", if v.encrypted { "có (age)" } else { "không" }))?;
            say(w, format!("Mã băm: {}", v.hash))?;
            say(w, "Gói còn nguyên vẹn: chữ ký và mã băm của mọi tệp đều đúng.")?;
        }
    }
    Ok(())
}

/// The official list: the provinces, or a province's communes, matching `search` without accents.
fn units(w: &mut impl Write, province: Option<String>, search: String) -> Result<()> {
    let units = Units::builtin();
    match province {
        None => {
            for f in units.search_provinces(&search) {
                say(w, format!("{}\t{}", f.unit.code, f.unit.full_name()))?;
            }
        }
        Some(p) => {
            let p = units.find_province(&p).map_err(|m| Error::field("province", "Tỉnh, thành phố", m))?;
            for f in units.search_communes(Some(&p.code), &search, usize::MAX) {
                say(w, format!("{}\t{}", f.unit.code, f.unit.full_name()))?;
            }
        }
    }
    Ok(())
}

fn info(w: &mut impl Write, ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let c = store.commune()?;
    say(w, format!("{} ({}), {} ({})", c.commune, c.commune_code, c.province, c.province_code))?;
    say(w, format!("Cán bộ: {}", c.officer))?;
    say(w, format!("Mã cài đặt: {}", c.installation_id))?;
    say(w, format!("Tệp dữ liệu: {}", ctx.path.display()))?;
    say(w, format!("Phiên bản phongtrao {}, cấu trúc dữ liệu {}", env!("CARGO_PKG_VERSION"), store.schema_version()?))?;
    for (kind, n) in store.counts()? {
        say(w, format!("  {}: {}", kind.label(), phongtrao::text::format_int(n)))?;
    }
    Ok(())
}

fn day_or_today(d: Option<String>) -> Result<chrono::NaiveDate> {
    match d {
        Some(d) => phongtrao::date::parse_date(&d).map_err(|e| Error::field("today", "Ngày", e)),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

fn plan(w: &mut impl Write, ctx: &Ctx, cmd: cli::PlanCmd) -> Result<()> {
    match cmd {
        cli::PlanCmd::New { year, json } => {
            let mut store = ctx.open()?;
            let mut doc = phongtrao::steer::plan_defaults(&store, year)?;
            doc.extend(read_json(&json)?);
            let from_province = doc.keys().filter(|k| k.starts_with("target_")).count();
            let saved = store.create(Kind::Plan, &doc)?;
            warn(&saved.warnings);
            say(w, format!("Đã lập kế hoạch năm {year} ({from_province} chỉ tiêu)."))?;
            say(w, format!("Mã kế hoạch: {}", saved.id))
        }
        cli::PlanCmd::Progress { year, today, json } => {
            let store = ctx.open()?;
            let today = day_or_today(today)?;
            let Some(p) = phongtrao::steer::progress_of_store(&store, year, today)? else {
                return Err(Error::Refused(format!(
                    "Năm {year} chưa có kế hoạch, chỉ tiêu: hãy lập kế hoạch (phongtrao plan new --year {year}) hoặc nhập chỉ tiêu Công an tỉnh giao."
                )));
            };
            if json {
                return say(w, to_json(&p)?);
            }
            let v = phongtrao::present::dashboard::plan_progress(&p);
            say(w, format!("Tiến độ chỉ tiêu năm {year} — {}", v.source))?;
            say(w, &v.elapsed_text)?;
            for t in &v.targets {
                say(w, format!("  {}: {}/{} — {}", t.label, t.done, t.target, t.pace_text))?;
            }
            Ok(())
        }
    }
}

fn key_area(w: &mut impl Write, ctx: &Ctx, cmd: cli::KeyAreaCmd) -> Result<()> {
    match cmd {
        cli::KeyAreaCmd::Overview { today, json } => {
            let store = ctx.open()?;
            let today = day_or_today(today)?;
            let Some(k) = phongtrao::steer::key_areas(&store, today)? else {
                return Err(Error::Forbidden(
                    "Tài khoản chỉ xem không được xem địa bàn trọng điểm: Trưởng Công an xã chưa cho phép.".into(),
                ));
            };
            if json {
                return say(w, to_json(&k)?);
            }
            say(w, "Địa bàn trọng điểm, phức tạp về an ninh, trật tự:")?;
            for (_, label, n) in &k.by_status {
                say(w, format!("  {label}: {n}"))?;
            }
            for (id, name, deadline) in &k.overdue {
                say(w, format!("  Quá thời hạn chuyển hóa ({}): {name}\t{id}", phongtrao::date::display(*deadline)))?;
            }
            for (id, name) in &k.not_assessed {
                say(w, format!("  Chưa đánh giá quá {} tháng: {name}\t{id}", phongtrao::steer::ASSESS_MONTHS))?;
            }
            Ok(())
        }
        cli::KeyAreaCmd::Assess { id, json } => {
            let mut store = ctx.open()?;
            let mut doc = read_json(&json)?;
            doc.insert("key_area_id".into(), serde_json::Value::String(id.to_string()));
            let saved = store.create(Kind::KeyAreaReview, &doc)?;
            warn(&saved.warnings);
            say(w, format!("Đã ghi đánh giá địa bàn. Mã: {}", saved.id))
        }
        cli::KeyAreaCmd::Viewers { allow, deny } => {
            let mut store = ctx.open()?;
            if allow || deny {
                store.set_key_areas_for_viewers(allow)?;
            }
            say(
                w,
                if store.key_areas_for_viewers()? {
                    "Tài khoản chỉ xem được xem địa bàn trọng điểm."
                } else {
                    "Tài khoản chỉ xem không được xem địa bàn trọng điểm."
                },
            )
        }
    }
}

fn figures(w: &mut impl Write, ctx: &Ctx, period: &str, json: bool) -> Result<()> {
    let store = ctx.open()?;
    let period: phongtrao::period::Period = period.parse()?;
    let f = phongtrao::figures::of_store(&store, period)?;
    if json {
        return say(w, to_json(&f)?);
    }
    let c = store.commune()?;
    say(w, format!("{} ({}) — {}", c.commune, c.commune_code, f.label))?;
    print_figures(w, &f)
}

/// The province's decisions on this commune's periods and the returned to-do list.
fn commune_review(w: &mut impl Write, ctx: &Ctx, done: Option<&str>, json: bool) -> Result<()> {
    let mut store = ctx.open()?;
    if let Some(id) = done {
        let bad = || {
            Error::field(
                "done",
                "Mã lý do",
                format!("«{id}» không đúng dạng SỐ_QUYẾT_ĐỊNH.SỐ_LÝ_DO (ví dụ 3.1; 3.0 là lý do chung)"),
            )
        };
        let (d, i) = id.split_once('.').ok_or_else(bad)?;
        let i: i64 = i.trim().parse().map_err(|_| bad())?;
        store.mark_returned_done(d.trim().parse().map_err(|_| bad())?, i - 1)?;
        say(w, "Đã đánh dấu lý do trả lại là đã xử lý.")?;
    }
    let v = phongtrao::present::review::commune(&store)?;
    if json {
        return say(w, to_json(&v)?);
    }
    if !v.held.is_empty() {
        say(w, "Công an tỉnh giữ lại (sửa sau khi duyệt):")?;
        for h in &v.held {
            say(w, format!("  [{}] {} ({})", h.decision_label, h.what, h.record_id))?;
            say(w, format!("      {}", h.why))?;
            say(w, format!("      {}", h.advice))?;
        }
    }
    if v.periods.is_empty() {
        return say(w, "Công an tỉnh chưa có quyết định nào về các kỳ báo cáo của xã.");
    }
    say(w, "Các kỳ báo cáo Công an tỉnh đã xem xét:")?;
    for p in &v.periods {
        say(w, format!("  {} — {} ({}, {})", p.label, p.state_label, p.by, p.at))?;
        if !p.note.is_empty() {
            say(w, format!("      {}", p.note))?;
        }
    }
    if !v.todo.is_empty() {
        say(w, "Công an tỉnh trả lại — việc cần sửa:")?;
        for t in &v.todo {
            let mark = if t.done { "[x]" } else { "[ ]" };
            let what = match &t.record_id {
                Some(id) => format!("{} «{}» ({id})", t.kind_label, t.title),
                None => "Chung".to_owned(),
            };
            say(w, format!("  {mark} {}  {} — {what}: {}", t.id, t.period_label, t.reason))?;
        }
    }
    Ok(())
}

fn backup(w: &mut impl Write, cmd: BackupCmd, path: &std::path::Path, user: Option<&str>) -> Result<()> {
    use phongtrao::backup;
    match cmd {
        BackupCmd::Create { out } => {
            let store = open(path, user)?;
            let info = create_backup(out, &backup::default_dir(path), |dir| backup::create(&store, dir))?;
            say(w, format!("Đã sao lưu ({}) vào {}", megabytes(info.bytes), info.path.display()))?;
        }
        BackupCmd::List => list_backups(w, &backup::default_dir(path))?,
        BackupCmd::Verify { file } => {
            let user = restore_user(path, user)?;
            let pw = password("PHONGTRAO_PASSWORD", &format!("Mật khẩu của {user}: "))?;
            let scratch = std::env::temp_dir();
            let c = backup::check(&file, &scratch, &user, &pw)?;
            let h = &c.info.header;
            say(w, format!("Bản sao lưu tốt: {}", file.display()))?;
            say(w, format!("  Tạo lúc: {}", backup_time(h)))?;
            say(
                w,
                format!(
                    "  Xã mã {}, tỉnh mã {}; cài đặt {}",
                    h.store.commune_code, h.store.province_code, h.store.installation_id
                ),
            )?;
            say(
                w,
                format!(
                    "  {} bản ghi; kiểm tra toàn vẹn: {}; {}",
                    phongtrao::text::format_int(c.records),
                    c.integrity,
                    megabytes(c.info.bytes)
                ),
            )?;
        }
        BackupCmd::Restore { file } => {
            let user = restore_user(path, user)?;
            let pw = password("PHONGTRAO_PASSWORD", &format!("Mật khẩu của {user} (trong bản sao lưu): "))?;
            let r = backup::restore(&file, path, &user, &pw)?;
            say(
                w,
                format!("Đã khôi phục kho dữ liệu từ {} (tạo lúc {}).", file.display(), backup_time(&r.info.header)),
            )?;
            if let Some(aside) = &r.aside {
                say(w, format!("Kho dữ liệu trước khi khôi phục được giữ lại tại {}", aside.display()))?;
            }
            say(
                w,
                format!("Kỳ đồng bộ mới: {} (số thứ tự thay đổi đã gửi lên tỉnh không bị dùng lại).", r.sync_epoch),
            )?;
        }
    }
    Ok(())
}

/// `phongtrao province --dir DIR backup …`: the province store's backups, as the commune's.
fn province_backup(
    w: &mut impl Write,
    cmd: BackupCmd,
    dir: &std::path::Path,
    user: Option<&str>,
    open: impl Fn() -> Result<phongtrao::sync::province::Province>,
) -> Result<()> {
    use phongtrao::backup;
    use phongtrao::store::province::{PROVINCE_USER, ProvinceDb};
    let login = || -> Result<(String, String)> {
        let user = restore_user(&ProvinceDb::db_path(dir), user).unwrap_or_else(|_| PROVINCE_USER.to_owned());
        let pw = password("PHONGTRAO_PASSWORD", &format!("Mật khẩu của {user} (trong bản sao lưu): "))?;
        Ok((user, pw))
    };
    match cmd {
        BackupCmd::Create { out } => {
            let p = open()?;
            let info = create_backup(out, &backup::province_dir(dir), |to| backup::create_province(p.db(), to))?;
            say(
                w,
                format!(
                    "Đã sao lưu kho dữ liệu của Công an tỉnh ({}) vào {}",
                    megabytes(info.bytes),
                    info.path.display()
                ),
            )?;
        }
        BackupCmd::List => list_backups(w, &backup::province_dir(dir))?,
        BackupCmd::Verify { file } => {
            let (user, pw) = login()?;
            let c = backup::check_province(&file, &std::env::temp_dir(), &user, &pw)?;
            let h = &c.info.header;
            say(w, format!("Bản sao lưu tốt: {}", file.display()))?;
            say(w, format!("  Tạo lúc: {}", backup_time(h)))?;
            say(
                w,
                format!(
                    "  Kho dữ liệu của Công an tỉnh, mã tỉnh {}; mã kho {}",
                    h.store.province_code, h.store.installation_id
                ),
            )?;
            say(
                w,
                format!(
                    "  {} bản ghi của các xã; kiểm tra toàn vẹn: {}; {}",
                    phongtrao::text::format_int(c.records),
                    c.integrity,
                    megabytes(c.info.bytes)
                ),
            )?;
        }
        BackupCmd::Restore { file } => {
            let (user, pw) = login()?;
            let r = backup::restore_province(&file, dir, &user, &pw)?;
            say(
                w,
                format!(
                    "Đã khôi phục kho dữ liệu của Công an tỉnh từ {} (tạo lúc {}).",
                    file.display(),
                    backup_time(&r.info.header)
                ),
            )?;
            if let Some(aside) = &r.aside {
                say(w, format!("Kho dữ liệu trước khi khôi phục được giữ lại tại {}", aside.display()))?;
            }
            for line in phongtrao::present::admin::province_restored(&r) {
                say(w, line)?;
            }
        }
    }
    Ok(())
}

/// `--accept` or `--not-enough` on a remediation answer (commune or province), exactly one of them.
fn verdict_flags(accept: bool, not_enough: bool) -> Result<phongtrao::domain::inspection::Verdict> {
    use phongtrao::domain::inspection::Verdict;
    match (accept, not_enough) {
        (true, false) => Ok(Verdict::Accepted),
        (false, true) => Ok(Verdict::NotEnough),
        _ => Err(Error::field(
            "verdict",
            "Kết quả đánh giá",
            "chọn một: --accept (đạt) hoặc --not-enough (chưa đạt, kèm --reason)",
        )),
    }
}

/// A backup made where `--out` says, or in the store's own backup folder, whose old backups are then
/// thinned out (the commune's and the province's alike).
fn create_backup(
    out: Option<std::path::PathBuf>,
    default_dir: &std::path::Path,
    create: impl FnOnce(&std::path::Path) -> Result<phongtrao::backup::BackupInfo>,
) -> Result<phongtrao::backup::BackupInfo> {
    match out {
        Some(dir) => create(&dir),
        None => {
            let info = create(default_dir)?;
            phongtrao::backup::prune(default_dir, chrono::Local::now().date_naive())?;
            Ok(info)
        }
    }
}

/// `backup list`: the backups of a folder, newest as `backup::list` orders them.
fn list_backups(w: &mut impl Write, dir: &std::path::Path) -> Result<()> {
    let all = phongtrao::backup::list(dir)?;
    if all.is_empty() {
        say(w, format!("Chưa có bản sao lưu nào trong {}.", dir.display()))?;
    }
    for (at, file) in all {
        say(w, format!("{}  {}", at.format("%d/%m/%Y %H:%M:%S"), file.display()))?;
    }
    Ok(())
}

/// A backup's size as the messages give it: "1,5 MB".
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6).replace('.', ",")
}

/// When a backup was made, in the local time: "08:30:00 ngày 05/03/2026".
fn backup_time(h: &phongtrao::backup::Header) -> impl std::fmt::Display {
    h.created_at.with_timezone(&chrono::Local).format("%H:%M:%S ngày %d/%m/%Y")
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

/// `phongtrao print`: the list of forms, the register of issued documents, or one form to a PDF.
fn print(w: &mut impl Write, path: &std::path::Path, user: Option<&str>, args: cli::PrintArgs) -> Result<()> {
    use phongtrao::print::{fill, forms};
    if args.list {
        for f in forms::FORMS {
            say(w, format!("{}\t{}", f.name, f.title))?;
        }
        return Ok(());
    }
    if args.issued {
        let store = open(path, user)?;
        for d in store.issued_documents(200)? {
            let about = match (d.record_id, d.period) {
                (Some(r), _) => format!("bản ghi {r}"),
                (None, Some(y)) => format!("năm {y}"),
                (None, None) => "—".to_owned(),
            };
            let day = phongtrao::date::display(d.issued_on);
            say(w, format!("{}\t{day}\t{}\t{}\t{about}\t{}", d.number_text(), d.form, d.issued_by, d.id))?;
        }
        return Ok(());
    }
    let Some(output) = args.output else {
        return Err(Error::Refused("Thiếu tệp ra (-o TỆP.pdf).".into()));
    };
    let date = match &args.date {
        Some(d) => phongtrao::date::parse_date(d).map_err(|m| Error::field("date", "Ngày ban hành", m))?,
        None => chrono::Local::now().date_naive(),
    };
    let mut store = open(path, user)?;
    let req = if let Some(id) = args.reprint {
        fill::PrintRequest::reprint(&store.issued_document(id)?, date)
    } else {
        let Some(name) = args.form else {
            return Err(Error::Refused("Thiếu tên mẫu (xem các mẫu: phongtrao print --list).".into()));
        };
        let key = match &args.key_file {
            Some(f) => {
                let text = std::fs::read_to_string(f).map_err(|e| Error::io(f, e))?;
                Some(forms::from_minisign_pub(&text).map_err(|m| Error::field("key_file", "Tệp khóa công khai", m))?)
            }
            None => None,
        };
        let numbering = match (args.new, args.preview) {
            (_, true) => fill::Numbering::Preview,
            (true, _) => fill::Numbering::New,
            _ => fill::Numbering::Keep,
        };
        let form = fill::form(&name)?.name.to_owned();
        fill::PrintRequest { form, id: args.id, year: args.year, key, blank: args.blank, date, numbering }
    };
    let printed = fill::print(&mut store, &req)?;
    // The number is taken: a failed write below leaves it in the register (print again).
    phongtrao::fsutil::write_atomic(&output, &printed.pdf)?;
    let title = printed.form.title;
    let out = output.display();
    say(
        w,
        match (&printed.number, printed.preview, printed.reprint) {
            (None, true, _) if printed.form.numbered() && !req.blank => {
                format!("Đã in bản xem trước {title} ra {out} (chưa lấy số: số sẽ cấp khi in thật).")
            }
            (Some(n), true, true) => format!("Đã in bản xem trước {title} ra {out} (in lại sẽ giữ số {n})."),
            (_, true, _) => format!("Đã in bản xem trước {title} ra {out}."),
            (Some(n), false, true) => format!("Đã in lại {title} số {n} (giữ số đã cấp) ra {out}"),
            (Some(n), false, false) => format!("Đã in {title} số {n} ra {out}"),
            (None, false, _) => format!("Đã in {title} ra {out}"),
        },
    )?;
    Ok(())
}

fn province(w: &mut impl Write, args: cli::ProvinceArgs, user: Option<&str>) -> Result<()> {
    use phongtrao::sync::province::Province;
    let dir = args
        .dir
        .ok_or_else(|| Error::Refused("Thiếu thư mục dữ liệu của Công an tỉnh: hãy thêm --dir THƯ_MỤC.".into()))?;
    let open = || -> Result<Province> {
        // The account: --user, else the store's only one, else the chief `tinh` of `province init`.
        let user = match user {
            Some(u) => u.to_owned(),
            None => {
                let keys =
                    phongtrao::keyring::Keyring::path_for(&phongtrao::store::province::ProvinceDb::db_path(&dir));
                match phongtrao::keyring::Keyring::load(&keys).ok().as_ref().map(|r| r.slots.as_slice()) {
                    Some([only]) => only.username.clone(),
                    _ => phongtrao::store::province::PROVINCE_USER.to_owned(),
                }
            }
        };
        let pw = password("PHONGTRAO_PASSWORD", "Mật khẩu kho dữ liệu của Công an tỉnh: ")?;
        Province::open_as(&dir, &user, &pw)
    };
    match args.command {
        ProvinceCmd::Init { province_code, province } => {
            let pw = new_password("PHONGTRAO_PASSWORD", "kho dữ liệu của Công an tỉnh")?;
            let (p, enrollment) = Province::init(&dir, &pw, &province_code, &province, KdfParams::default())?;
            let pk = p.public_key()?;
            eprintln!("Đã tạo kho dữ liệu của Công an tỉnh {} tại {}", p.meta().province, dir.display());
            eprintln!("Khóa ký của tỉnh: {}  dấu vân tay: {}", pk.key_id(), pk.fingerprint());
            eprintln!("Gói ghi danh cho các xã (phongtrao enroll TỆP):");
            say(w, enrollment.display())?;
        }
        ProvinceCmd::Register { commune_code, pubkey } => {
            let text = std::fs::read_to_string(&pubkey).map_err(|e| Error::io(&pubkey, e))?;
            let mut p = open()?;
            let i = p.register(&commune_code, &text)?;
            let key = phongtrao::crypto::PublicKey::parse(&i.public_key)?;
            say(w, format!("Đã đăng ký khóa {} cho xã {}.", i.key_id, i.commune_code))?;
            say(w, format!("Dấu vân tay: {} (phải giống trên phiếu đăng ký khóa)", key.fingerprint()))?;
        }
        ProvinceCmd::Revoke { key_id } => {
            let i = open()?.revoke(&key_id)?;
            say(
                w,
                format!(
                    "Đã thu hồi khóa {} của xã {}. Hãy gửi gói dữ liệu dùng chung mới cho các xã (province export-reference).",
                    i.key_id, i.commune_code
                ),
            )?;
        }
        ProvinceCmd::Import { paths, dry_run, receipt_out, json } => {
            use phongtrao::province::intake::{self, IntakeOptions, Status};
            let mut p = open()?;
            let opts = IntakeOptions { dry_run, receipt_root: receipt_out };
            let total = intake::collect(&paths)?.len();
            let done = intake::import_paths(&mut p, &paths, &opts, &mut |done, total| {
                if total > 1 && !json {
                    eprint!("\rĐang {} gói: {done}/{total}", if dry_run { "kiểm tra" } else { "nhập" });
                }
            })?;
            if total > 1 && !json {
                eprintln!();
            }
            if json {
                say(w, to_json(&done)?)?;
            } else {
                for line in
                    done.recovered.as_ref().and_then(phongtrao::present::admin::province_recovered).unwrap_or_default()
                {
                    say(w, line)?;
                }
                for o in &done.outcomes {
                    say(w, format!("{}:", o.file.display()))?;
                    if let Some(r) = &o.report {
                        print_import(w, r)?;
                    }
                    say(w, format!("  {}", o.message))?;
                    if o.status == Status::Refused || o.code.as_deref() == Some("receipt_not_written") {
                        eprintln!("{}: {}", o.file.display(), o.message);
                    }
                    if let Some(r) = &o.receipt {
                        say(w, format!("Biên nhận cho xã: {}", r.display()))?;
                    }
                }
                if dry_run {
                    say(w, "Chạy thử: chưa nhập gì.")?;
                }
                say(
                    w,
                    format!(
                        "Tổng cộng {} gói: {} {}, {} đã nhập trước đây, {} bị từ chối, {} bỏ qua.",
                        done.outcomes.len(),
                        done.count(Status::Imported),
                        if dry_run { "có thể nhập" } else { "đã nhập" },
                        done.count(Status::Replay),
                        done.count(Status::Refused),
                        done.count(Status::Skipped)
                    ),
                )?;
            }
            if total == 0 {
                return Err(Error::Refused("Không tìm thấy gói .ptb nào ở đường dẫn đã cho.".into()));
            }
            if !done.all_ok() {
                return Err(Error::Refused(format!(
                    "{} gói bị từ chối, {} gói đã nhập nhưng chưa ghi được biên nhận (xem lý do ở trên); các gói khác vẫn được xử lý.",
                    done.count(Status::Refused),
                    done.outcomes.iter().filter(|o| o.code.as_deref() == Some("receipt_not_written")).count()
                )));
            }
        }
        ProvinceCmd::Demo { communes, seed, months, province } => {
            let pw = std::env::var("PHONGTRAO_PASSWORD").unwrap_or_else(|_| phongtrao::demo::DEMO_PASSWORD.to_owned());
            let province = phongtrao::units::Units::builtin()
                .find_province(&province)
                .map_err(|m| Error::field("province", "Tỉnh", m))?
                .code
                .as_str();
            let opts =
                phongtrao::province::demo::DemoOptions { communes, seed, months, province, kdf: KdfParams::default() };
            let r = phongtrao::province::demo::generate(&dir, &pw, &opts, &mut |done, total| {
                eprint!("\rĐang tạo tỉnh mẫu: {done}/{total} xã");
            })?;
            eprintln!();
            say(w, format!("Đã tạo tỉnh mẫu {} tại {}:", r.province.meta().province, dir.display()))?;
            say(w, format!("  {} xã, {} gói đã nhập, {} bản ghi bị cách ly", r.communes, r.bundles, r.quarantined))?;
            say(w, format!("  Gói ghi danh cho các xã: {}", r.enrollment.display()))?;
            say(w, format!("  Các gói chờ nhập (như ổ USB): {}", r.usb.display()))?;
        }
        ProvinceCmd::Print { form, period, new, preview, out } => {
            use phongtrao::province::report;
            let mut p = open()?;
            let today = phongtrao::period::today();
            let what = match form.as_str() {
                "danh-sach-cach-ly" => {
                    report::quarantine_pdf(&p, today, &out)?;
                    "danh sách bản ghi bị cách ly".to_owned()
                }
                "danh-sach-gui-muon" => {
                    let period = roster_period(&p, period, today)?;
                    let (_, label) = report::late_pdf(&p, period, today, &out)?;
                    format!("danh sách gửi muộn {label}")
                }
                _ => {
                    let period: phongtrao::period::Period = period
                        .ok_or_else(|| {
                            Error::field("period", "Kỳ báo cáo", "báo cáo tổng hợp cần kỳ báo cáo: --period 2026")
                        })?
                        .parse()?;
                    let label = phongtrao::province::rules(&p)?.window(period).label();
                    let (pdf, what) = if preview {
                        let f = phongtrao::province::figures::figures(&p, period, None)?;
                        let r = phongtrao::province::roster::roster(&p, period, today)?;
                        (
                            report::render(&f, &r, today, None).map_err(Error::Print)?,
                            format!("bản xem trước báo cáo tổng hợp {label} (chưa lấy số)"),
                        )
                    } else {
                        let (pdf, doc, again) = report::issue(&mut p, period, new, today)?;
                        let what = format!(
                            "{}báo cáo tổng hợp {label}, số {} ngày {}{}",
                            if again { "lại " } else { "" },
                            doc.number_text(),
                            phongtrao::date::display(doc.issued_on),
                            if again { " (giữ số đã cấp; cấp số mới: --new)" } else { "" }
                        );
                        (pdf, what)
                    };
                    phongtrao::fsutil::write_atomic(&out, &pdf)?;
                    what
                }
            };
            say(w, format!("Đã in {what} ra {}", out.display()))?;
        }
        ProvinceCmd::Export { table, period, column, commune, search, filter, sort, out } => {
            use phongtrao::province::export;
            let p = open()?;
            let today = phongtrao::period::today();
            let period = match (table.as_str(), period) {
                ("figures", None) => {
                    return Err(Error::field("period", "Kỳ báo cáo", "bảng số liệu cần kỳ báo cáo: --period 2026"));
                }
                (_, period) => roster_period(&p, period, today)?,
            };
            let narrowed = phongtrao::province::drill::Query {
                search,
                filters: filter.iter().map(|f| Filter::parse(f)).collect::<Result<_>>()?,
                sort,
            };
            let wanted = export::Wanted {
                table: &table,
                period,
                column: column.as_deref(),
                commune: commune.as_deref(),
                narrowed: Some(&narrowed),
            };
            export::write_table(&p, &wanted, today, &out)?;
            say(w, format!("Đã ghi bảng tính {}", out.display()))?;
        }
        ProvinceCmd::Roster { period, communes, json } => {
            let p = open()?;
            let today = phongtrao::period::today();
            let period = roster_period(&p, period, today)?;
            let r = phongtrao::province::roster::roster(&p, period, today)?;
            let asked = communes.args();
            if json {
                say(w, to_json(&phongtrao::present::province::roster_ordered(r, &asked)?)?)?;
            } else {
                print_roster(w, &phongtrao::present::province::roster_page(&r, &asked)?, &r.rules)?;
            }
        }
        ProvinceCmd::Review { command, period, state, communes, json } => {
            province_review(w, &mut open()?, command, period, (state, communes.args()), json)?;
        }
        ProvinceCmd::Inspections { command: Some(cmd), .. } => province_inspection(w, &mut open()?, cmd)?,
        ProvinceCmd::Inspections { command: None, communes: true, order, json, .. } => {
            let p = open()?;
            let v = phongtrao::present::province_inspection::view_page(&p, phongtrao::period::today(), &order.args())?;
            if json {
                return say(w, to_json(&v.communes)?);
            }
            say(w, format!("Nhiệm vụ khắc phục theo xã (tính đến ngày {}):", v.today))?;
            say(w, format!("  {:<7} {:<24} {:>6} {:>6} {:>6} {:>6}", "Mã xã", "Xã", "Đang", "Quá", "Xong", "Chờ"))?;
            for c in &v.communes {
                let n = &c.counts;
                say(
                    w,
                    format!(
                        "  {:<7} {:<24} {:>6} {:>6} {:>6} {:>6}",
                        c.commune_code, c.commune, n.open, n.overdue, n.done, n.waiting
                    ),
                )?;
            }
            let n = &v.total;
            say(w, format!("  {:<32} {:>6} {:>6} {:>6} {:>6}", "Toàn tỉnh", n.open, n.overdue, n.done, n.waiting))?;
        }
        ProvinceCmd::Inspections { command: None, commune, status, order, json, .. } => {
            if order.search.is_some() || order.sort.is_some() {
                return Err(Error::field(
                    "search",
                    "Tìm, sắp xếp các xã",
                    "--search và --sort dùng cho bảng theo xã: thêm --communes",
                ));
            }
            let p = open()?;
            let today = chrono::Local::now().date_naive();
            let all = phongtrao::province::inspections::tasks(&p, commune.as_deref(), today)?;
            let counts = phongtrao::province::inspections::counts(&all);
            let shown: Vec<_> = all.iter().filter(|t| status.is_none_or(|s| t.state.status == s)).collect();
            if json {
                return say(w, to_json(&shown)?);
            }
            say(
                w,
                format!(
                    "Nhiệm vụ khắc phục sau kiểm tra (tình trạng tính đến ngày {}):",
                    phongtrao::date::display(today)
                ),
            )?;
            for t in &shown {
                let deadline = t.deadline.map(phongtrao::date::display).unwrap_or_default();
                say(
                    w,
                    format!(
                        "- {} ({}) [{}] {} (hạn {deadline}; {}) — {}",
                        t.commune, t.commune_code, t.state_text, t.content, t.responsible, t.inspection
                    ),
                )?;
            }
            use phongtrao::domain::inspection::TaskStatus;
            let n = |s| counts.get(&s).copied().unwrap_or(0);
            say(
                w,
                format!(
                    "Toàn tỉnh: {} đang thực hiện, {} quá hạn, {} đã hoàn thành.",
                    n(TaskStatus::Open),
                    n(TaskStatus::Overdue),
                    n(TaskStatus::Done)
                ),
            )?;
        }
        ProvinceCmd::Figures {
            period,
            commune: Some(commune),
            records: Some(key),
            search,
            filter,
            sort,
            desc,
            limit,
            offset,
            json,
        } => {
            let p = open()?;
            let period: phongtrao::period::Period = period.parse()?;
            let sort = sort.map(|s| if desc && !s.starts_with('-') { format!("-{s}") } else { s });
            let asked = phongtrao::province::drill::Query {
                search,
                filters: filter.iter().map(|f| Filter::parse(f)).collect::<Result<_>>()?,
                sort,
            };
            let paged = phongtrao::present::province::page_of(limit, offset);
            let page = phongtrao::present::province::behind_view(&p, period, &commune, &key, &asked, paged)?;
            if json {
                say(w, to_json(&page)?)?;
            } else {
                say(w, &page.summary)?;
                if page.rows.len() < page.shown as usize {
                    say(w, &page.range)?;
                }
                for r in &page.rows {
                    say(w, format!("  {:>5}  {}  {}  ({})", r.value, r.register, r.title, r.id))?;
                }
            }
        }
        ProvinceCmd::Figures { period, commune, search, sort, desc, json, .. } => {
            let p = open()?;
            let period: phongtrao::period::Period = period.parse()?;
            let f = phongtrao::province::figures::figures(&p, period, commune.as_deref())?;
            let all = f.communes.len();
            // The communes searched and ordered as the window's table of communes.
            let sort = sort.map(|s| if desc && !s.starts_with('-') { format!("-{s}") } else { s });
            let f = match commune {
                Some(_) => f,
                None => phongtrao::province::drill::figure_communes(
                    f,
                    &phongtrao::province::drill::CommuneQuery { search, sort },
                )?,
            };
            match (json, commune.is_some()) {
                (true, true) => say(w, to_json(&f.communes[0].figures)?)?,
                (true, false) => say(w, to_json(&f)?)?,
                (false, true) => {
                    let c = &f.communes[0];
                    say(w, format!("{} ({}) — {}", c.commune, c.commune_code, c.figures.label))?;
                    print_figures(w, &c.figures)?;
                }
                (false, false) => {
                    say(w, format!("Toàn tỉnh {} ({all} xã) — {}", f.province, f.total.label))?;
                    print_figures(w, &f.total)?;
                    say(w, "")?;
                    say(w, "Theo xã:")?;
                    let head: Vec<&str> = f.total.indicators.iter().map(|i| i.code.as_str()).collect();
                    say(w, format!("  {:<7} {:<20} {}", "Mã xã", "Xã", head.join(" ")))?;
                    for c in &f.communes {
                        let vals: Vec<String> = c
                            .figures
                            .indicators
                            .iter()
                            .map(|i| format!("{:>w$}", i.value, w = i.code.chars().count()))
                            .collect();
                        say(w, format!("  {:<7} {:<20} {}", c.commune_code, c.commune, vals.join(" ")))?;
                    }
                }
            }
        }
        ProvinceCmd::Backup { command } => province_backup(w, command, &dir, user, open)?,
        ProvinceCmd::Quarantine { command, communes, json } => match command {
            None => {
                let q = phongtrao::province::quarantine::queue(&open()?)?;
                let q = phongtrao::province::quarantine::narrowed(q, &communes.args().query())?;
                if json {
                    say(w, to_json(&q)?)?;
                } else if q.is_empty() {
                    say(w, "Không có bản ghi nào bị cách ly.")?;
                } else {
                    for i in &q {
                        let state = match &i.entry.decision {
                            None => "CHỜ QUYẾT ĐỊNH".to_owned(),
                            Some(d) if d.decision == "accept" => format!("đã chấp nhận ({})", d.note),
                            Some(d) => format!("giữ từ chối ({})", d.note),
                        };
                        say(
                            w,
                            format!(
                                "{}  {} ({}) — {} {}: {}",
                                i.id, i.commune, i.entry.commune_code, i.kind_label, i.entry.record_id, state
                            ),
                        )?;
                        say(w, format!("    Lý do: {}", i.entry.reason))?;
                    }
                }
            }
            Some(cli::QuarantineCmd::Decide { id, accept, refuse: _, note }) => {
                let mut p = open()?;
                let i = phongtrao::province::quarantine::decide(&mut p, &id, accept, &note)?;
                if json {
                    say(w, to_json(&i)?)?;
                } else if accept {
                    say(
                        w,
                        format!(
                            "Đã chấp nhận bản ghi {} của {}: bản ghi được đưa vào số liệu.",
                            i.entry.record_id, i.commune
                        ),
                    )?;
                } else {
                    say(w, format!("Giữ từ chối bản ghi {} của {}.", i.entry.record_id, i.commune))?;
                }
            }
        },
        ProvinceCmd::Periods { frequency, end_day, grace, json } => {
            let mut p = open()?;
            let mut r = phongtrao::province::rules(&p)?;
            let change = frequency.is_some() || end_day.is_some() || grace.is_some();
            if let Some(f) = frequency {
                r.frequency = phongtrao::period::Frequency::parse(&f).ok_or_else(|| {
                    Error::field("frequency", "Tần suất báo cáo", "chọn month, quarter, half hoặc year")
                })?;
            }
            r.end_day = end_day.unwrap_or(r.end_day);
            r.grace_days = grace.unwrap_or(r.grace_days);
            if change {
                phongtrao::province::set_rules(&mut p, r)?;
            }
            if json {
                say(w, to_json(&r)?)?;
            } else {
                say(w, format!("{}{}", r.describe(), if change { " (đã lưu)" } else { "" }))?;
                let year = chrono::Datelike::year(&phongtrao::period::today());
                for s in r.expected_in(&r.window(phongtrao::period::Period::year(year))) {
                    say(w, format!("  {} — hạn gửi {}", s.label(), phongtrao::date::display(s.due)))?;
                }
            }
        }
        ProvinceCmd::Targets { year, set, commune, today, communes: asked, json } => {
            let mut p = open()?;
            if let Some(set) = set {
                phongtrao::province::targets::set(&mut p, year, commune.as_deref(), &read_json(&set)?)?;
                say(w, format!("Đã giao chỉ tiêu năm {year}; gói dữ liệu dùng chung tiếp theo sẽ mang xuống các xã."))?;
            }
            let today = day_or_today(today)?;
            let (communes, total) = phongtrao::province::targets::progress(&p, year, today)?;
            let communes = phongtrao::province::targets::order_progress(communes, &asked.args().query())?;
            if json {
                return say(w, to_json(&serde_json::json!({"year": year, "communes": communes, "total": total}))?);
            }
            say(w, format!("Tiến độ chỉ tiêu năm {year} đến ngày {}:", phongtrao::date::display(today)))?;
            for c in &communes {
                let from = match c.source {
                    phongtrao::steer::Source::Plan => "kế hoạch của xã",
                    phongtrao::steer::Source::Province => "chỉ tiêu tỉnh giao",
                };
                say(
                    w,
                    format!("{} ({}) — theo {from}, {} chỉ tiêu chậm tiến độ", c.commune, c.commune_code, c.behind()),
                )?;
                for t in &c.targets {
                    say(w, format!("  {}: {}/{} — {}", t.label, t.done_text(), t.target_text(), t.pace.label()))?;
                }
            }
            say(w, "Toàn tỉnh:")?;
            for t in &total {
                say(w, format!("  {}: {}/{} — {}", t.label, t.done_text(), t.target_text(), t.pace.label()))?;
            }
        }
        ProvinceCmd::KeyAreas { today, communes: asked, json } => {
            let p = open()?;
            let today = day_or_today(today)?;
            let all = phongtrao::province::targets::key_areas(&p, today)?;
            let all = phongtrao::province::targets::order_key_areas(all, &asked.args().query())?;
            if json {
                return say(w, to_json(&all)?);
            }
            if all.is_empty() {
                say(w, "Chưa xã nào gửi địa bàn trọng điểm.")?;
            }
            for c in &all {
                let counts: Vec<String> = c.by_status.iter().map(|(_, l, n)| format!("{l}: {n}")).collect();
                say(w, format!("{} ({}) — {}", c.commune, c.commune_code, counts.join(", ")))?;
                for (name, deadline) in &c.overdue {
                    say(w, format!("  Quá thời hạn chuyển hóa ({}): {name}", phongtrao::date::display(*deadline)))?;
                }
            }
        }
        ProvinceCmd::Status => {
            let p = open()?;
            let all = p.status()?;
            if all.is_empty() {
                say(w, "Chưa đăng ký xã nào.")?;
            }
            let when = phongtrao::sync::province::local;
            for a in p.alerts()? {
                say(w, format!("CẢNH BÁO lúc {}: khóa {} của xã {}:", when(&a.at), a.key_id, a.commune_code))?;
                say(w, format!("  {}", phongtrao::text::printable(&a.message, 600)))?;
            }
            for s in all {
                let i = &s.installation;
                let revoked =
                    i.revoked_at.as_ref().map(|t| format!(" (ĐÃ THU HỒI lúc {})", when(t))).unwrap_or_default();
                say(w, format!("Xã {} — khóa {}{revoked}", i.commune_code, i.key_id))?;
                match (i.last_seq, &i.last_import_at) {
                    (Some(seq), Some(at)) => say(
                        w,
                        format!(
                            "  Gói cuối: số {seq} (kỳ {}), tạo lúc {}; nhập lúc {}",
                            i.epoch.unwrap_or(0),
                            i.last_bundle_at.as_deref().map_or_else(|| "(không rõ)".to_owned(), when),
                            when(at)
                        ),
                    )?,
                    _ => say(w, "  Chưa nhận gói nào.")?,
                }
                for g in &s.gaps {
                    say(
                        w,
                        format!("  Thiếu {} (kỳ {})", phongtrao::sync::province::gap_text(g.first, g.last), g.epoch),
                    )?;
                }
                if s.quarantined > 0 {
                    say(w, format!("  Bản ghi bị cách ly: {}", s.quarantined))?;
                }
            }
        }
        ProvinceCmd::Receipt { commune, seq, epoch, out } => {
            let mut p = open()?;
            let dir = out.unwrap_or_else(|| dir.join("receipts"));
            let path = p.write_receipt(&commune, seq, epoch, &dir)?;
            say(w, format!("Đã ghi lại biên nhận của gói số {seq} của xã {commune}:"))?;
            say(w, path.display())?;
        }
        ProvinceCmd::Recover { paths, json } => {
            let r = open()?.recover_sent(&paths)?;
            if json {
                return say(w, to_json(&r)?);
            }
            match phongtrao::present::admin::province_recovered(&r) {
                Some(lines) => {
                    for line in lines {
                        say(w, line)?;
                    }
                }
                None => say(
                    w,
                    format!(
                        "Đã đọc {} gói Công an tỉnh đã ký (trong {} tệp .ptb): kho dữ liệu đã có tất cả, không có gì phải lấy lại.",
                        r.read, r.files
                    ),
                )?,
            }
        }
        ProvinceCmd::ExportIdentity { out } => {
            open()?.export_identity(&out)?;
            say(w, format!("Đã ghi khóa giải mã của tỉnh vào {} — hãy giữ bí mật tệp này.", out.display()))?;
        }
        ProvinceCmd::ExportReference { out, lists } => {
            let lists = match lists {
                Some(f) => {
                    let text = std::fs::read_to_string(&f).map_err(|e| Error::io(&f, e))?;
                    Some(serde_json::from_str(&text).map_err(|e| Error::Json(format!("{}: {e}", f.display())))?)
                }
                None => None,
            };
            let mut p = open()?;
            // The targets the province set go down with every reference bundle.
            let lists = phongtrao::province::targets::reference_set(&mut p, lists)?;
            let path = p.write_reference(lists, &out, chrono::Utc::now())?;
            say(w, path.display())?;
        }
        ProvinceCmd::ExportEnrollment { out } => {
            let path = open()?.write_enrollment(&out)?;
            say(w, path.display())?;
        }
    }
    Ok(())
}

fn print_import(w: &mut impl Write, r: &phongtrao::sync::province::ImportReport) -> Result<()> {
    say(w, format!("Gói số {} (kỳ {}) của xã {}, khóa {}", r.seq, r.epoch, r.commune_code, r.key_id))?;
    if r.new_chain {
        say(w, "  Kỳ đồng bộ mới (xã đã khôi phục từ bản sao lưu): bắt đầu chuỗi gói mới.")?;
    }
    if let Some(g) = r.gap {
        say(
            w,
            format!(
                "  CHÚ Ý: thiếu {}; vẫn nhập gói này. Hãy yêu cầu xã chuyển các gói thiếu.",
                phongtrao::sync::province::gap_text(g.first, g.last)
            ),
        )?;
    }
    if r.filled_gap {
        say(w, "  Gói này bù vào chỗ thiếu đã ghi nhận.")?;
    }
    say(w, format!("  {:>8} {:>8} {:>10} {:>9}  Loại", "Mới", "Sửa", "Không đổi", "Từ chối"))?;
    for (kind, c) in &r.by_kind {
        let label = Kind::parse(kind).map_or_else(
            || if kind == "deleted" { "đã xóa".to_owned() } else { kind.clone() },
            |k| k.label().to_owned(),
        );
        say(w, format!("  {:>8} {:>8} {:>10} {:>9}  {label}", c.new, c.updated, c.unchanged, c.rejected))?;
    }
    for q in &r.quarantined {
        let p = |s: &str| phongtrao::text::printable(s, 200);
        say(w, format!("  Cách ly {} {}: {}", p(&q.kind), p(&q.record_id), p(&q.reason)))?;
    }
    Ok(())
}

/// The period asked, else the reporting year of today.
fn province_review(
    w: &mut impl Write,
    p: &mut phongtrao::sync::province::Province,
    command: Option<cli::ReviewCmd>,
    period: Option<String>,
    (state, asked): (Option<String>, phongtrao::present::province::CommunesArgs),
    json: bool,
) -> Result<()> {
    use phongtrao::domain::review::{Action, State};
    use phongtrao::province::review;
    let now = chrono::Utc::now();
    let decided = |w: &mut dyn FnMut(String) -> Result<()>,
                   p: &mut phongtrao::sync::province::Province,
                   t: cli::ReviewTarget,
                   action: Action,
                   ask: review::Ask|
     -> Result<()> {
        let period: phongtrao::period::Period = t.period.parse()?;
        let d = review::decide(p, &t.commune, period, action, &ask, now)?;
        let dir = t.out.unwrap_or_else(|| p.db().dir().join("quyet-dinh"));
        let file = p.write_decisions(t.commune.trim(), &dir, now)?;
        if json {
            return w(to_json(&d)?);
        }
        w(phongtrao::present::review::decided(&d, t.commune.trim()))?;
        w(phongtrao::present::review::sent_to(&file))
    };
    match command {
        None => {
            let today = phongtrao::period::day_of(now);
            let period = roster_period(p, period, today)?;
            let wanted = state
                .map(|s| {
                    State::parse(&s).ok_or_else(|| {
                        Error::field(
                            "state",
                            "Tình trạng",
                            format!("«{s}» không có; hãy dùng not_sent, sent, approved, returned hoặc corrected"),
                        )
                    })
                })
                .transpose()?;
            let r = phongtrao::province::roster::roster(p, period, today)?;
            let rows: Vec<_> = phongtrao::present::review::review_page(&r, &asked)?
                .into_iter()
                .filter(|x| wanted.is_none_or(|s| x.state == s))
                .collect();
            if json {
                return say(w, to_json(&rows)?);
            }
            say(w, format!("{} — tình trạng duyệt số liệu", r.label))?;
            for x in rows {
                let progress = if x.progress.is_empty() { String::new() } else { format!(" — {}", x.progress) };
                let by = if x.decided.is_empty() { String::new() } else { format!(" ({})", x.decided) };
                say(
                    w,
                    format!(
                        "  {:<7} {:<24} {:<10} {}{progress}{by}",
                        x.commune_code, x.commune, x.period, x.state_label
                    ),
                )?;
                if !x.note.is_empty() {
                    say(w, format!("      {}", x.note))?;
                }
                for l in &x.reasons {
                    say(w, format!("      • {} — {}", l.text, l.status))?;
                }
            }
            Ok(())
        }
        Some(cli::ReviewCmd::Approve { target, note }) => {
            decided(&mut |t| say(w, t), p, target, Action::Approve, review::Ask { note, records: Vec::new() })
        }
        Some(cli::ReviewCmd::Return { target, reason, records }) => {
            let records = records
                .iter()
                .map(|r| {
                    let bad = || {
                        Error::field("record", "Lý do theo bản ghi", format!("«{r}» không đúng dạng MÃ_BẢN_GHI=LÝ DO"))
                    };
                    let (id, why) = r.split_once('=').ok_or_else(bad)?;
                    Ok((uuid::Uuid::parse_str(id.trim()).map_err(|_| bad())?, why.to_owned()))
                })
                .collect::<Result<Vec<_>>>()?;
            decided(&mut |t| say(w, t), p, target, Action::Return, review::Ask { note: reason, records })
        }
        Some(cli::ReviewCmd::Reopen { target, reason }) => {
            decided(&mut |t| say(w, t), p, target, Action::Reopen, review::Ask { note: reason, records: Vec::new() })
        }
        Some(cli::ReviewCmd::Decided { order, json }) => {
            let v = phongtrao::present::review::decided_page(p, &order.args())?;
            if json {
                return say(w, to_json(&v)?);
            }
            if v.total == 0 {
                return say(w, "Chưa có quyết định nào để gửi.");
            }
            say(w, format!("{} xã có quyết định hay cuộc kiểm tra của Công an tỉnh để gửi.", v.total))?;
            if !v.found.is_empty() {
                say(w, &v.found)?;
            }
            for c in &v.communes {
                say(w, format!("  {:<7} {} — {}", c.commune_code, c.commune, c.summary))?;
            }
            Ok(())
        }
        Some(cli::ReviewCmd::Send { out, communes }) => {
            let files = review::send(p, &communes, &out, now)?;
            if files.is_empty() {
                return say(w, "Chưa có quyết định nào để gửi.");
            }
            for f in files {
                say(w, f.display())?;
            }
            Ok(())
        }
        Some(cli::ReviewCmd::Changes) => {
            let q = review::held(p)?;
            if json {
                return say(w, to_json(&q)?);
            }
            if q.is_empty() {
                return say(w, "Không có thay đổi nào gửi sau khi duyệt.");
            }
            for h in &q {
                let state = match h.entry.decision.as_deref() {
                    None => "CHỜ QUYẾT ĐỊNH".to_owned(),
                    Some("accept") => format!("đã chấp nhận ({})", h.entry.note.clone().unwrap_or_default()),
                    Some(_) => format!("đã từ chối ({})", h.entry.note.clone().unwrap_or_default()),
                };
                say(
                    w,
                    format!("{}  {} — {} «{}», kỳ {}: {state}", h.id, h.commune, h.kind_label, h.title, h.period_label),
                )?;
                for c in &h.changes {
                    say(w, format!("    {}: «{}» → «{}»", c.label, c.approved, c.sent))?;
                }
            }
            Ok(())
        }
        Some(cli::ReviewCmd::Change { id, accept, refuse: _, note }) => {
            let h = review::decide_held(p, &id, accept, &note, now)?;
            if json {
                return say(w, to_json(&h)?);
            }
            if accept {
                say(
                    w,
                    format!(
                        "Đã chấp nhận thay đổi của {} «{}»: kỳ {} được mở lại, thay đổi đưa vào số liệu.",
                        h.kind_label, h.title, h.period_label
                    ),
                )
            } else {
                say(w, format!("Đã từ chối thay đổi của {} «{}»: giữ số liệu đã duyệt.", h.kind_label, h.title))
            }
        }
    }
}

fn roster_period(
    p: &phongtrao::sync::province::Province,
    period: Option<String>,
    today: chrono::NaiveDate,
) -> Result<phongtrao::period::Period> {
    match period {
        Some(s) => s.parse(),
        None => Ok(phongtrao::period::Period::year(chrono::Datelike::year(
            &phongtrao::province::rules(p)?.period_of(today).end,
        ))),
    }
}

fn print_figures(w: &mut impl Write, f: &phongtrao::figures::Figures) -> Result<()> {
    use phongtrao::text::format_int;
    say(w, "Chỉ tiêu:")?;
    for (n, i) in f.indicators.iter().enumerate() {
        let of = i.of.map(|o| format!(" / {}", format_int(o))).unwrap_or_default();
        say(w, format!("  {:>2}. {}: {}{of}", n + 1, i.label, format_int(i.value)))?;
    }
    say(w, format!("Mô hình (đến {}):", f.end))?;
    for m in &f.models {
        say(
            w,
            format!("  {}: {} đang hoạt động, {} đã giải thể", m.label, format_int(m.active), format_int(m.dissolved)),
        )?;
    }
    say(w, format!("Tổ bảo vệ ANTT: {}, thành viên: {}", format_int(f.teams), format_int(f.members)))?;
    let h = &f.households;
    say(
        w,
        format!(
            "Hộ gia đình: {}, đăng ký tham gia: {}, ký cam kết trong kỳ: {}",
            format_int(h.total),
            format_int(h.registered),
            format_int(h.committed)
        ),
    )?;
    say(w, format!("\"An toàn về ANTT\" năm {}:", f.cert_year))?;
    for a in &f.antt {
        let pct = a.percent.map(|p| format!(" ({}%)", p.to_string().replace('.', ","))).unwrap_or_default();
        say(w, format!("  {}: {} đăng ký, {} được công nhận{pct}", a.label, a.registered, a.recognised))?;
    }
    Ok(())
}

/// The roster as the window's «Các xã» shows it (`present::province::roster_page`: the same words,
/// the same communes found), a line per commune, then what the window shows of it on opening it: its
/// last bundle, gaps, records in quarantine, each late or missing period, and the bundles whose signed
/// time looks wrong; last the communes never enrolled that the search finds.
fn print_roster(
    w: &mut impl Write,
    v: &phongtrao::present::province::RosterView,
    rules: &phongtrao::period::Rules,
) -> Result<()> {
    say(w, format!("{} — {}", v.label, rules.describe()))?;
    say(
        w,
        format!(
            "  {:<7} {:<20} {:>8} {:>8} {:>8} {:>14}  Tình trạng",
            "Mã xã", "Xã", "Phải gửi", "Đã nhận", "Đúng hạn", "Tỷ lệ đúng hạn"
        ),
    )?;
    for c in &v.communes {
        say(
            w,
            format!(
                "  {:<7} {:<20} {:>8} {:>8} {:>8} {:>14}  {}",
                c.code, c.name, c.expected, c.received, c.on_time, c.on_time_rate, c.status
            ),
        )?;
        say(w, format!("            Gói cuối: {}; nhập lần cuối: {}", c.last_bundle, c.last_import))?;
        if !c.gaps.is_empty() {
            say(w, format!("            Còn thiếu: {}", c.gaps))?;
        }
        if c.quarantined > 0 {
            say(w, format!("            Cách ly: {} bản ghi", c.quarantined))?;
        }
        for p in c.periods.iter().filter(|p| p.late) {
            let bundle = if p.bundle == "—" { String::new() } else { format!(" — {}", p.bundle) };
            say(w, format!("            {}: {}{bundle}", p.label, p.state_text))?;
        }
        for f in &c.clock_flags {
            say(w, format!("            {f}"))?;
        }
    }
    say(w, format!("Toàn tỉnh: {}", v.summary))?;
    if !v.enrolled_summary.is_empty() {
        say(w, &v.enrolled_summary)?;
    }
    if v.not_enrolled_total > 0 {
        say(
            w,
            match v.not_enrolled_found.as_str() {
                "" => "Chưa đăng ký khóa:".to_owned(),
                found => format!("Chưa đăng ký khóa — {found}"),
            },
        )?;
        for c in &v.not_enrolled {
            say(w, format!("  {:<7} {}", c.code, c.name))?;
        }
    }
    Ok(())
}

fn print_manifest(w: &mut impl Write, m: &phongtrao::sync::Manifest) -> Result<()> {
    say(w, format!("Loại: {}", m.kind.label()))?;
    say(
        w,
        format!(
            "Tỉnh {} — xã {} — mã cài đặt {}",
            m.province_code,
            if m.commune_code.is_empty() { "(mọi xã)" } else { &m.commune_code },
            m.installation_id
        ),
    )?;
    say(w, format!("Gói số {} (kỳ {}){}", m.seq, m.epoch, if m.full { ", toàn bộ dữ liệu" } else { "" }))?;
    match m.changes {
        Some(r) if r.to > r.after => say(w, format!("Thay đổi số {} đến {}", r.after + 1, r.to))?,
        Some(_) => say(w, "Không có thay đổi mới.")?,
        None => {}
    }
    let t =
        |d: chrono::DateTime<chrono::Utc>| d.with_timezone(&chrono::Local).format("%H:%M ngày %d/%m/%Y").to_string();
    say(w, format!("Tạo lúc {}, hết hạn {}", t(m.created_at), t(m.expires_at)))?;
    for (kind, n) in &m.counts {
        say(w, format!("  {}: {n}", phongtrao::present::sync::count_label(kind)))?;
    }
    Ok(())
}

fn show(w: &mut impl Write, store: &Store, kind: Kind, id: Uuid, json: bool) -> Result<()> {
    use phongtrao::present::record::{model_view, record_view};
    let record = store.get(kind, id)?;
    if json {
        if kind == Kind::Model {
            return say(w, to_json(&store.model_history(id)?)?);
        }
        return say(w, to_json(&record)?);
    }
    say(w, format!("{}: {}", phongtrao::text::capitalise(kind.label()), record.title))?;
    say(w, format!("Mã: {}", record.id))?;
    for v in record_view(store, &record)?.values {
        say(w, format!("{}: {}", v.label, v.text))?;
    }
    if kind == Kind::Model {
        let m = model_view(store, &store.model_history(id)?)?;
        if let Some(o) = &m.origin {
            say(w, format!("Nhân rộng từ: {} ({})", o.title, o.id))?;
        }
        say(w, format!("Sơ kết, tổng kết ({}):", m.reviews.len()))?;
        for r in &m.reviews {
            let rating = r.values.iter().find(|v| v.key == "rating").map(|v| v.text.as_str());
            say(w, format!("  - {}: {}", r.title, rating.unwrap_or_default()))?;
        }
        if !m.replicas.is_empty() {
            say(w, format!("Đã nhân rộng ra ({}):", m.replicas.len()))?;
            for r in &m.replicas {
                say(w, format!("  - {} ({})", r.title, r.id))?;
            }
        }
    }
    Ok(())
}

fn cert(w: &mut impl Write, path: &std::path::Path, user: Option<&str>, cmd: CertCmd) -> Result<()> {
    use phongtrao::date;
    use phongtrao::domain::cert::{Level, Verdict};
    let mut store = open(path, user)?;
    let unit_arg = |id: Option<Uuid>| id.map_or("xa".to_owned(), |i| i.to_string());
    match cmd {
        CertCmd::List { year, json } => {
            let rows = store.cert_overview(year, chrono::Local::now().date_naive())?;
            if json {
                return say(w, to_json(&rows)?);
            }
            for r in &rows {
                say(
                    w,
                    format!(
                        "{:<36}  {:<22}  {:<22}  {}",
                        unit_arg(r.subject_id),
                        r.subject_label,
                        r.step_label,
                        r.name
                    ),
                )?;
            }
        }
        CertCmd::Overview { year, today, json } => {
            let today = match today {
                Some(t) => date::parse_date(&t).map_err(|e| Error::field("today", "Ngày tính cảnh báo", e))?,
                None => chrono::Local::now().date_naive(),
            };
            let rows = store.cert_overview(year, today)?;
            if json {
                return say(w, to_json(&rows)?);
            }
            say(
                w,
                format!(
                    "Xét công nhận \"An toàn về an ninh, trật tự\" năm {year} (tính đến ngày {}):",
                    date::display(today)
                ),
            )?;
            for r in &rows {
                say(w, format!("- {} ({}): {}", r.name, r.subject_label.to_lowercase(), r.step_label))?;
                if !r.excluded {
                    say(
                        w,
                        format!(
                            "    Kỳ đánh giá {} – {}; hạn nộp hồ sơ {}",
                            date::display(r.period.start),
                            date::display(r.period.end),
                            date::display(r.period.dossier_due)
                        ),
                    )?;
                }
                for x in &r.warnings {
                    let tag = match x.level {
                        Level::Late => "TRỄ HẠN",
                        Level::Soon => "SẮP ĐẾN HẠN",
                        Level::Info => "Lưu ý",
                    };
                    say(w, format!("    [{tag}] {}", x.message))?;
                }
            }
            let late = rows.iter().filter(|r| r.warnings.iter().any(|x| x.level == Level::Late)).count();
            let soon = rows.iter().filter(|r| r.warnings.iter().any(|x| x.level == Level::Soon)).count();
            say(w, format!("{late} đơn vị trễ hạn, {soon} đơn vị sắp đến hạn."))?;
        }
        CertCmd::Show { unit, year, json } => {
            let v = store.cert_view(unit.0, year)?;
            if json {
                return say(w, to_json(&v)?);
            }
            cert_show(w, &store, &v)?;
        }
        CertCmd::Advance { unit, year, data } => {
            let saved = store.cert_advance(unit.0, year, &read_json(&data)?)?;
            warn(&saved.warnings);
            let v = store.cert_view(unit.0, year)?;
            say(w, format!("Đã ghi: {} năm {year} – {}.", v.name, saved.step.label()))?;
            say(w, format!("Mã hồ sơ: {}", saved.id))?;
        }
        CertCmd::Revert { unit, year, reason } => {
            let saved = store.cert_revert(unit.0, year, &reason)?;
            let v = store.cert_view(unit.0, year)?;
            say(w, format!("Đã lùi hồ sơ {} năm {year} về bước: {}.", v.name, saved.step.label()))?;
        }
        CertCmd::Settings { year, data } => {
            store.cert_settings(year, &read_json(&data)?)?;
            let v = store.cert_view(None, year)?;
            say(
                w,
                format!(
                    "Đã lưu thiết lập năm {year}: tỷ lệ phiếu tán thành cần đạt {} ({}).",
                    v.rule.describe(),
                    v.rule.basis()
                ),
            )?;
            if let Some(d) = v.cert.settings.as_ref().and_then(|s| s.officer_disciplined) {
                say(
                    w,
                    if d {
                        "Ghi nhận: có cán bộ Công an xã bị kỷ luật trong năm."
                    } else {
                        "Ghi nhận: không có cán bộ Công an xã bị kỷ luật trong năm."
                    },
                )?;
            }
        }
        CertCmd::Dossier { unit, year, out, date } => {
            let date = match date {
                Some(d) => date::parse_date(&d).map_err(|e| Error::field("date", "Ngày ban hành", e))?,
                None => chrono::Local::now().date_naive(),
            };
            let d = phongtrao::print::fill_cert::dossier(&mut store, unit.0, year, date)?;
            std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
            say(
                w,
                format!(
                    "Hồ sơ công nhận “An toàn về an ninh, trật tự” năm {year} – {} ({}):",
                    d.name,
                    d.step_label.to_lowercase()
                ),
            )?;
            for f in &d.files {
                let path = out.join(&f.file);
                phongtrao::fsutil::write_atomic(&path, &f.printed.pdf)?;
                let number = f.printed.issued.as_ref().map(|i| format!(" số {}", i.number_text())).unwrap_or_default();
                say(w, format!("  {}\t{}{number}", path.display(), f.printed.form.title))?;
            }
            for m in &d.missing {
                say(w, format!("  Chưa in: {m}"))?;
            }
        }
        CertCmd::Result { year, json } => {
            let r = store.cert_result(year)?;
            if json {
                return say(w, to_json(&r)?);
            }
            let c = store.commune()?.commune.clone();
            say(
                w,
                format!(
                    "Kết quả \"An toàn về an ninh, trật tự\" năm {year} của {c}: {}",
                    r.verdict.label().to_uppercase()
                ),
            )?;
            for (i, k) in r.criteria.iter().enumerate() {
                let unconfirmed = if k.confirmed { "" } else { " (tiêu chí chưa xác nhận)" };
                say(w, format!("{}. {}{unconfirmed}: {}", i + 1, k.label, k.verdict.label()))?;
                for ch in &k.checks {
                    let mark = match ch.verdict {
                        Verdict::Met => "✓",
                        Verdict::NotMet => "✗",
                        Verdict::Unknown => "?",
                    };
                    say(w, format!("   {mark} {}: {}", ch.label, ch.explanation))?;
                    for n in &ch.names {
                        say(w, format!("       - {n}"))?;
                    }
                }
            }
            say(w, "Số liệu theo loại đơn vị:")?;
            for k in &r.counts {
                say(
                    w,
                    format!(
                        "  {}: {} thuộc diện xét, {} đăng ký trong quý I, {} đăng ký sau quý I, {} được công nhận, {} chưa đạt{}",
                        k.label,
                        k.total,
                        k.registered,
                        k.registered_late,
                        k.recognised,
                        k.not_recognised,
                        if k.excluded > 0 {
                            format!(" (không tính {} đơn vị không thuộc diện xét)", k.excluded)
                        } else {
                            String::new()
                        }
                    ),
                )?;
            }
        }
    }
    Ok(())
}

fn cert_show(w: &mut impl Write, store: &Store, v: &phongtrao::store::CertView) -> Result<()> {
    use phongtrao::date;
    let c = &v.cert;
    say(
        w,
        format!(
            "Hồ sơ \"An toàn về an ninh, trật tự\" năm {}: {} ({})",
            v.year,
            v.name,
            v.subject_label.to_lowercase()
        ),
    )?;
    if let Some(id) = v.id {
        say(w, format!("Mã hồ sơ: {id}"))?;
    }
    if v.excluded {
        say(w, "Không thuộc diện xét công nhận (Thông tư 124/2021/TT-BCA).")?;
        return Ok(());
    }
    say(w, format!("Bước hiện tại: {}", v.step_label))?;
    say(
        w,
        format!(
            "Kỳ đánh giá: {} – {}; hạn đăng ký {}; hạn nộp hồ sơ {}",
            date::display(v.period.start),
            date::display(v.period.end),
            date::display(v.period.register_by),
            date::display(v.period.dossier_due)
        ),
    )?;
    // The steps done as the window shows them (one wording: `present::cert::steps_done`).
    for (n, step) in phongtrao::present::cert::steps_done(store, c).iter().enumerate() {
        say(w, format!("{}. {} ({}, {})", n + 1, step.title, step.by, step.at))?;
        for x in &step.values {
            say(w, format!("   {}: {}", x.label, x.text))?;
        }
        for x in &step.criteria {
            let note = x.note.as_deref().map(|n| format!(" – {n}")).unwrap_or_default();
            let ev = x.evidence.as_deref().map(|n| format!(" [minh chứng: {n}]")).unwrap_or_default();
            say(w, format!("   {} {}: {}{note}{ev}", if x.met { "✓" } else { "✗" }, x.code, x.label))?;
        }
    }
    for x in &v.warnings {
        say(w, format!("Cảnh báo: {}", x.message))?;
    }
    if let (Some(step), Some(action)) = (v.next_step, v.next_action) {
        say(w, format!("Bước tiếp theo: {action} (phongtrao cert advance … --data JSON). Các trường:"))?;
        for f in &v.next_fields {
            say(w, format!("   {:<24} {}{}", f.key, f.label, if f.required { " (bắt buộc)" } else { "" }))?;
        }
        if step == phongtrao::domain::cert::Step::TuDanhGia {
            say(
                w,
                "   criteria                 Danh sách [{\"code\": …, \"met\": true/false, \"note\": …, \"evidence\": …}] cho các tiêu chí:",
            )?;
            for i in &v.criteria {
                let unconfirmed = if i.data.get("confirmed").and_then(Value::as_bool) == Some(false) {
                    " (chưa xác nhận)"
                } else {
                    ""
                };
                say(w, format!("     {}: {}{unconfirmed}", i.code, i.label))?;
            }
        }
        if step == phongtrao::domain::cert::Step::BinhXet {
            say(w, "   meeting                  (thay cho meeting_id) các trường của cuộc họp bình xét, kèm số phiếu")?;
        }
    }
    let history = phongtrao::present::cert::history(c);
    if !history.is_empty() {
        say(w, "Lịch sử (mới nhất trước):")?;
        for h in &history {
            let reason = h.reason.as_deref().map(|r| format!(" – lý do: {r}")).unwrap_or_default();
            say(w, format!("  {} {}: {}{reason}", h.at, h.by, h.text))?;
        }
    }
    Ok(())
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

//! Intake: many bundles at once, from files or folders (a USB stick). Each bundle is imported in its
//! own transaction by `Province::import` (every check of docs/SYNC.md), so one bad bundle never stops
//! the others; each gets its result in plain Vietnamese, and its signed receipt is written back in a
//! folder per commune (`bien-nhan/<commune code>/` beside the bundle) for the commune to take home.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ahead::Ahead;
use crate::error::{Error, Result};
use crate::fsutil::NewFiles;
use crate::sync::commune::{RECEIPT_FILE, Receipt};
use crate::sync::province::{ImportOptions, ImportReport, Outgoing, Province, ReadAhead, Reader};

/// Where receipts go under the stick (or `--receipt-out`): one folder per commune inside it.
pub const RECEIPTS: &str = "bien-nhan";

#[derive(Debug, Clone, Default)]
pub struct IntakeOptions {
    /// Check and summarise without changing anything.
    pub dry_run: bool,
    /// The folder receipts go under (default: the bundle's own folder).
    pub receipt_root: Option<PathBuf>,
}

/// What became of one bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Imported (or, in a dry run, would be).
    Imported,
    /// Imported before: nothing to do.
    Replay,
    /// Refused: nothing of it was imported.
    Refused,
    /// Not a commune's bundle (a receipt, reference or enrollment bundle of the province): left alone.
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub file: PathBuf,
    pub status: Status,
    /// The refusal's stable code (`bundle_replay`, `bundle_hash`, …).
    pub code: Option<String>,
    pub commune_code: Option<String>,
    pub seq: Option<i64>,
    /// The result in plain Vietnamese.
    pub message: String,
    pub report: Option<ImportReport>,
    pub receipt: Option<PathBuf>,
}

/// The outcome of a whole intake.
#[derive(Debug, Clone, Serialize)]
pub struct Intake {
    pub dry_run: bool,
    pub outcomes: Vec<Outcome>,
    /// What the province took back from its own signed bundles in the folders (a real intake of
    /// folders only): after a restore that could not read the replaced store, its decisions,
    /// inspections, lists and numbers, before any commune's bundle is imported.
    pub recovered: Option<crate::sync::province::Recovery>,
}

impl Intake {
    /// Every bundle was imported or had been before (skipped files do not count), and every receipt
    /// was written.
    pub fn all_ok(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| o.status != Status::Refused && o.report.as_ref().is_none_or(|r| r.receipt_error.is_none()))
    }

    pub fn count(&self, s: Status) -> usize {
        self.outcomes.iter().filter(|o| o.status == s).count()
    }
}

/// Whether a file name is one of the province's own bundles (`…-bien-nhan-…`, `-danh-muc-`, `-ghi-danh-`,
/// `-quyet-dinh-`).
fn provinces_own(name: &str) -> bool {
    ["-bien-nhan-", "-danh-muc-", "-ghi-danh-", "-quyet-dinh-"].iter().any(|m| name.contains(m))
}

/// The `.ptb` files named: files as given, folders' `.ptb` files (not their subfolders) in name
/// order, which is each commune's bundles in number order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x.eq_ignore_ascii_case("ptb")))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// One bundle on the stick as the intake lists it before anything is imported: what its manifest
/// says and what a dry run (every check, nothing changed) found.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub file: PathBuf,
    pub name: String,
    pub commune_code: Option<String>,
    /// The commune's name as the province knows it.
    pub commune: Option<String>,
    /// Where the commune, number and time shown come from when the bundle was not proven: its
    /// manifest read but its signature not checked, or only its file name (a damaged bundle).
    pub unverified: Option<Unverified>,
    pub seq: Option<i64>,
    /// When the bundle was made (RFC 3339), as its manifest says.
    pub created_at: Option<String>,
    /// The reporting period its creation falls in ("Tháng 11/2026 (15/10/2026 – 14/11/2026)").
    pub period: Option<String>,
    /// Whether it opened, decrypted and passed its signature and hash checks (a replay is intact).
    pub intact: bool,
    /// What importing it would do.
    pub status: Status,
    pub code: Option<String>,
    /// The dry run's result in plain Vietnamese.
    pub message: String,
    /// What it holds: "12 mới, 3 sửa, 1 xóa" (only when it can be imported).
    pub holds: Option<String>,
}

/// Where an unproven bundle's commune, number and time were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unverified {
    /// Its manifest, decrypted but not proven (signature or later checks failed).
    Manifest,
    /// Only its file name: the bundle could not be opened at all.
    FileName,
}

/// The refusals that mean the file itself is not intact (damaged, tampered, not a bundle).
const NOT_INTACT: &[&str] = &[
    "bundle_damaged",
    "bundle_hash",
    "bundle_signature",
    "bundle_unsigned",
    "bundle_manifest",
    "bundle_not_bundle",
    "bundle_comment",
    "bundle_forbidden_entry",
    "bundle_too_large",
    "bundle_unencrypted",
    "bundle_not_for_us",
    "bundle_counts",
];

/// Lists every `.ptb` named by `paths` with a dry run of each: nothing is imported, no receipt written.
pub fn scan(p: &mut Province, paths: &[PathBuf]) -> Result<Vec<Listed>> {
    let rules = super::rules(p)?;
    let names = p.db().commune_names()?;
    let mut out = Vec::new();
    let dry = IntakeOptions { dry_run: true, receipt_root: None };
    for file in collect(paths)? {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if provinces_own(&name) {
            out.push(Listed {
                file,
                name,
                commune_code: None,
                commune: None,
                unverified: None,
                seq: None,
                created_at: None,
                period: None,
                intact: true,
                status: Status::Skipped,
                code: None,
                message: SKIPPED.into(),
                holds: None,
            });
            continue;
        }
        let peeked = p.peek(&file).ok();
        let o = one(p, &file, &dry);
        let named = crate::sync::parse_file_name(&name);
        let (code, seq, created, unverified) = match (&o.report, &peeked, named.clone()) {
            (Some(r), _, _) => (Some(r.commune_code.clone()), Some(r.seq), Some(r.created_at), None),
            // A replay passed the signature check before it was found to be one.
            (None, Some(m), _) => (
                Some(crate::text::printable(&m.commune_code, 10)),
                Some(m.seq),
                Some(m.created_at),
                (o.status != Status::Replay).then_some(Unverified::Manifest),
            ),
            // The name's day is only a day: no time of creation is shown, the period is.
            (None, None, Some((_, commune, _, seq, _))) => (Some(commune), Some(seq), None, Some(Unverified::FileName)),
            (None, None, None) => (None, None, None, None),
        };
        let day = created
            .map(|t| t.with_timezone(&crate::period::vietnam()).date_naive())
            .or_else(|| named.as_ref().map(|n| n.4).filter(|_| unverified == Some(Unverified::FileName)));
        out.push(Listed {
            name,
            commune: code.as_deref().map(|c| super::commune_name(&names, c)),
            commune_code: code,
            unverified,
            seq,
            created_at: created.map(|t| t.to_rfc3339()),
            period: day.map(|d| rules.period_of(d).label()),
            intact: !o.code.as_deref().is_some_and(|c| NOT_INTACT.contains(&c)),
            holds: o.report.as_ref().map(counts),
            status: o.status,
            code: o.code,
            message: o.message,
            file,
        });
    }
    Ok(out)
}

const SKIPPED: &str = "Bỏ qua: đây là gói do Công an tỉnh gửi xã (biên nhận, danh mục hoặc ghi danh).";

/// "12 mới, 3 sửa, 1 xóa".
fn counts(r: &ImportReport) -> String {
    let (mut new, mut updated, mut deleted, mut unchanged) = (0, 0, 0, 0);
    for (kind, c) in &r.by_kind {
        if kind == "deleted" {
            deleted += c.new + c.updated;
        } else {
            new += c.new;
            updated += c.updated;
        }
        unchanged += c.unchanged;
    }
    let mut s = format!("{new} mới, {updated} sửa, {deleted} xóa");
    if unchanged > 0 {
        s += &format!(", {unchanged} không đổi");
    }
    s
}

/// The result of an import in plain Vietnamese.
pub fn describe(r: &ImportReport) -> String {
    let head = if r.dry_run {
        format!("Có thể nhập gói số {} của xã {}: {}", r.seq, r.commune_code, counts(r))
    } else {
        format!("Đã nhập gói số {} của xã {}: {}", r.seq, r.commune_code, counts(r))
    };
    let mut parts = vec![head];
    if !r.quarantined.is_empty() {
        parts.push(format!(
            "{} bản ghi bị cách ly (sai quy định, chưa đưa vào số liệu; xem «province quarantine»)",
            r.quarantined.len()
        ));
    }
    if let Some(g) = r.gap {
        let which = if g.first == g.last {
            format!("gói số {}", g.first)
        } else {
            format!("gói số {} đến {}", g.first, g.last)
        };
        parts.push(format!("thiếu {which}: hãy yêu cầu xã chuyển gói còn thiếu"));
    }
    if r.filled_gap {
        parts.push("gói này bù vào chỗ thiếu trước đây".into());
    }
    if r.new_chain {
        parts.push("xã đã khôi phục dữ liệu từ bản sao lưu: bắt đầu chuỗi gói mới".into());
    }
    parts.join("; ") + "."
}

/// Imports (or checks, in a dry run) every bundle named by `paths`, one after another, each in its own
/// transaction, then writes their receipts (see [`Run`]). `progress(done, total)` after each bundle.
pub fn import_paths(
    p: &mut Province,
    paths: &[PathBuf],
    opts: &IntakeOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Intake> {
    let mut stick = Stick::open(p, paths, opts.clone())?;
    progress(0, stick.total());
    while stick.step(p, Utc::now()).is_some() {
        progress(stick.done(), stick.total());
    }
    Ok(stick.finish())
}

/// A whole intake of the bundles named by `paths` (files, or folders such as a USB stick), taken one
/// bundle at a time: what [`import_paths`] does in one call, for a caller that shows each bundle's
/// result as it comes and keeps the intake between calls (the window: start, one bundle per call,
/// finish). The province's own bundles found in folders are skipped; its receipts wait for
/// [`Stick::finish`] (see [`Run`]). Dropping a `Stick` unfinished loses only receipts, never imports:
/// importing the stick again writes them.
#[derive(Debug)]
pub struct Stick {
    files: Vec<PathBuf>,
    /// The files named one by one (imported even when their name says they are the province's own).
    explicit: Vec<PathBuf>,
    next: usize,
    run: Run,
    recovered: Option<crate::sync::province::Recovery>,
    /// The bundles to import (the files not skipped), read ahead on another thread (see
    /// [`Stick::open`]), and how many of them were taken.
    ahead: Ahead<ReadAhead>,
    read: usize,
    reader: Reader,
}

impl Stick {
    /// Lists the bundles and, in a real intake of folders, first takes back from the province's own
    /// bundles in them what its store lacks (`Province::recover_sent`): a commune's bundle may name a
    /// decision the province lost in a restore, which they give back.
    pub fn open(p: &mut Province, paths: &[PathBuf], opts: IntakeOptions) -> Result<Stick> {
        let files = collect(paths)?;
        let explicit: Vec<PathBuf> = paths.iter().filter(|p| !p.is_dir()).cloned().collect();
        let folders: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
        let recovered = if opts.dry_run || folders.is_empty() { None } else { Some(p.recover_sent(&folders)?) };
        let reader = p.reader()?;
        let to_read: Vec<PathBuf> = files.iter().filter(|f| !skipped(&explicit, f)).cloned().collect();
        // While a bundle is imported, the next are opened, decrypted, their signatures and hashes
        // checked and their changes parsed on another thread ([`Reader`]); the import then makes the
        // checks that ask the store, in their usual order (`Province::import_read`). See `crate::ahead`
        // for what happens on a busy machine, and the memory it takes (a few bundles at most).
        let ahead = {
            let reader = reader.clone();
            Ahead::start(to_read.len(), "doc-truoc-goi", move |i| reader.read(&to_read[i]))
        };
        Ok(Stick { files, explicit, next: 0, run: Run::new(opts), recovered, ahead, read: 0, reader })
    }

    /// How many bundle files the intake goes through.
    pub fn total(&self) -> usize {
        self.files.len()
    }

    /// How many of them are done.
    pub fn done(&self) -> usize {
        self.next
    }

    /// Whether this intake only checks (a dry run).
    pub fn dry_run(&self) -> bool {
        self.run.opts.dry_run
    }

    /// The bundle files not reached yet (all reached: none).
    pub fn left(&self) -> &[PathBuf] {
        &self.files[self.next.min(self.files.len())..]
    }

    /// What the province took back before the first bundle (see [`Stick::open`]).
    pub fn recovered(&self) -> Option<&crate::sync::province::Recovery> {
        self.recovered.as_ref()
    }

    /// Imports (or checks, or skips) the next bundle at `now`, committed before this returns; `None`
    /// once every bundle is done.
    pub fn step(&mut self, p: &mut Province, now: DateTime<Utc>) -> Option<&Outcome> {
        let file = self.files.get(self.next)?.clone();
        self.next += 1;
        if skipped(&self.explicit, &file) {
            self.run.outcomes.push(Outcome {
                file,
                status: Status::Skipped,
                code: None,
                commune_code: None,
                seq: None,
                message: SKIPPED.into(),
                report: None,
                receipt: None,
            });
            self.run.outcomes.last()
        } else {
            let read = self.ahead.take(self.read, || self.reader.read(&file));
            self.read += 1;
            Some(self.run.import_read(p, &file, read, now))
        }
    }

    /// Writes every receipt kept aside in one pass and returns what became of each bundle done (all of
    /// them, unless the caller stopped early).
    pub fn finish(self) -> Intake {
        Intake { recovered: self.recovered, ..self.run.finish() }
    }
}

/// Whether `file` is one of the province's own bundles found in a folder: left alone.
fn skipped(explicit: &[PathBuf], file: &PathBuf) -> bool {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    provinces_own(&name) && !explicit.contains(file)
}

/// One intake of a stick, bundle after bundle: each imported in its own transaction, committed
/// durably before the next is read (one bad bundle never stops the others; nothing is partial), its
/// signed receipt kept aside; [`Run::finish`] then writes every receipt in one pass
/// (`fsutil::NewFiles`: each file complete under a temporary name, all flushed to disk together,
/// then named, each folder flushed once). A receipt is thus never on the stick before its import is
/// on the province's disk, and the stick's receipts cost one flush for all instead of two each.
///
/// A crash or a pulled stick before the end loses receipts, never imports: importing the stick
/// again finds the bundles already imported (replays), and writes the receipt of each one whose
/// commune folder on the stick holds none for it (as `province receipt` would).
#[derive(Debug)]
pub struct Run {
    opts: IntakeOptions,
    outcomes: Vec<Outcome>,
    receipts: NewFiles,
    /// Which outcome each receipt waiting in `receipts` belongs to.
    owners: Vec<usize>,
    /// Per commune folder of the stick: the bundles its receipts are for (hashes), as read from the
    /// stick on the first replay of the commune, plus those written by this run.
    on_stick: HashMap<PathBuf, HashSet<String>>,
}

impl Run {
    pub fn new(opts: IntakeOptions) -> Run {
        Run { opts, outcomes: Vec::new(), receipts: NewFiles::default(), owners: Vec::new(), on_stick: HashMap::new() }
    }

    /// Imports (or checks) one bundle file at `now`; its receipt waits for [`Run::finish`].
    pub fn import_at(&mut self, p: &mut Province, file: &Path, now: DateTime<Utc>) -> &Outcome {
        let (receipts, io) = self.options_for(file);
        let result = p.import_unwritten(file, &io, now);
        self.take(p, file, &receipts, result)
    }

    /// As [`Run::import_at`] for a bundle a [`Reader`] read ahead of `file` (on another thread).
    pub fn import_read(&mut self, p: &mut Province, file: &Path, read: ReadAhead, now: DateTime<Utc>) -> &Outcome {
        let (receipts, io) = self.options_for(file);
        let result = p.import_read(read, &io, now);
        self.take(p, file, &receipts, result)
    }

    /// Where `file`'s receipt goes (its commune's folder is under it), and the import's options.
    fn options_for(&self, file: &Path) -> (PathBuf, ImportOptions) {
        let root =
            self.opts.receipt_root.clone().unwrap_or_else(|| file.parent().map(Path::to_path_buf).unwrap_or_default());
        let receipts = root.join(RECEIPTS);
        let io = ImportOptions { dry_run: self.opts.dry_run, receipt_dir: Some(receipts.clone()) };
        (receipts, io)
    }

    fn take(
        &mut self,
        p: &mut Province,
        file: &Path,
        receipts: &Path,
        result: Result<(ImportReport, Option<Outgoing>)>,
    ) -> &Outcome {
        let at = self.outcomes.len();
        let outcome = match result {
            Ok((mut r, receipt)) => {
                // The receipt goes into the commune's own folder, ready to take home.
                if let Some(mut out) = receipt {
                    let folder = receipts.join(&r.commune_code);
                    if let Some(name) = out.path.file_name() {
                        out.path = folder.join(name);
                    }
                    self.queue(out, folder, &r.hash);
                }
                r.receipt = None;
                Outcome {
                    file: file.to_owned(),
                    status: Status::Imported,
                    code: r.receipt_error.as_ref().map(|_| RECEIPT_NOT_WRITTEN.to_owned()),
                    commune_code: Some(r.commune_code.clone()),
                    seq: Some(r.seq),
                    message: describe(&r),
                    receipt: None,
                    report: Some(r),
                }
            }
            Err(e) => {
                let replay = e.code() == "bundle_replay";
                let mut o = Outcome {
                    file: file.to_owned(),
                    status: if replay { Status::Replay } else { Status::Refused },
                    code: Some(e.code().to_owned()),
                    commune_code: None,
                    seq: None,
                    message: if replay { e.to_string() } else { format!("Bị từ chối: {e}") },
                    report: None,
                    receipt: None,
                };
                if replay && !self.opts.dry_run {
                    self.receipt_again(p, file, receipts, &mut o);
                }
                o
            }
        };
        self.outcomes.push(outcome);
        &self.outcomes[at]
    }

    fn queue(&mut self, out: Outgoing, folder: PathBuf, hash: &str) {
        self.receipts.add(out.path, out.bytes);
        self.owners.push(self.outcomes.len());
        self.on_stick.entry(folder).or_default().insert(hash.to_owned());
    }

    /// A replay whose commune folder on the stick holds no receipt for it gets one again (a receipt
    /// lost by a crash or a pulled stick during an earlier intake, or one the commune mislaid).
    fn receipt_again(&mut self, p: &mut Province, file: &Path, receipts: &Path, o: &mut Outcome) {
        let Ok(hash) = p.bundle_hash(file) else { return };
        let Ok(Some(first)) = p.db().imported(&hash) else { return };
        o.commune_code = Some(first.commune_code.clone());
        o.seq = Some(first.seq);
        let folder = receipts.join(&first.commune_code);
        if !self.on_stick.contains_key(&folder) {
            let found = receipts_in(p, &folder);
            self.on_stick.insert(folder.clone(), found);
        }
        if self.on_stick[&folder].contains(&hash) {
            return;
        }
        match p.receipt_of(&first, &folder) {
            Ok(out) => {
                self.queue(out, folder, &hash);
                o.message = format!("{} {RECEIPT_AGAIN}", o.message);
            }
            Err(e) => {
                o.code = Some(RECEIPT_NOT_WRITTEN.to_owned());
                o.message = format!("{} Chưa ghi lại được biên nhận còn thiếu trên USB: {e}", o.message);
            }
        }
    }

    /// Writes every receipt kept aside (one pass, see [`Run`]) and returns what became of each bundle.
    pub fn finish(self) -> Intake {
        let Run { opts, mut outcomes, receipts, owners, .. } = self;
        for (written, at) in receipts.write().into_iter().zip(owners) {
            let o = &mut outcomes[at];
            match written {
                Ok(path) => {
                    if let Some(r) = &mut o.report {
                        r.receipt = Some(path.clone());
                    }
                    o.receipt = Some(path);
                }
                Err(e) => {
                    o.code = Some(RECEIPT_NOT_WRITTEN.to_owned());
                    match &mut o.report {
                        Some(r) => {
                            let why = crate::sync::province::receipt_not_written(r, &e);
                            r.receipt_error = Some(why);
                        }
                        None => {
                            o.message = format!("{} Chưa ghi lại được biên nhận còn thiếu trên USB: {e}", o.message)
                        }
                    }
                }
            }
        }
        for o in &mut outcomes {
            if let Some(why) = o.report.as_ref().and_then(|r| r.receipt_error.as_ref()) {
                o.message = format!("{} {why}", describe(o.report.as_ref().expect("a report")));
            }
        }
        Intake { dry_run: opts.dry_run, outcomes, recovered: None }
    }
}

/// The code of an outcome whose import is committed but whose receipt is not on the stick.
pub const RECEIPT_NOT_WRITTEN: &str = "receipt_not_written";

const RECEIPT_AGAIN: &str = "Biên nhận của gói này chưa có trên USB: đã ghi lại.";

/// The bundles (hashes) the province's receipts in `folder` are for: each receipt read and its
/// signature checked with the province's own key (a file that is not one is not counted).
fn receipts_in(p: &Province, folder: &Path) -> HashSet<String> {
    let Ok(key) = p.public_key() else { return HashSet::new() };
    let Ok(entries) = std::fs::read_dir(folder) else { return HashSet::new() };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|f| f.extension().is_some_and(|x| x.eq_ignore_ascii_case("ptb")))
        .take(MAX_RECEIPTS_READ)
        .filter_map(|f| {
            let opened = crate::sync::bundle::open_file(&f, &[]).ok()?;
            let verified = opened.verify(&key).ok()?;
            let r: Receipt = serde_json::from_slice(verified.file(RECEIPT_FILE).ok()?).ok()?;
            Some(r.bundle_hash)
        })
        .collect()
}

/// At most this many files of a commune's receipt folder are read to find which bundles they are for.
const MAX_RECEIPTS_READ: usize = 2_000;

fn one(p: &mut Province, file: &Path, opts: &IntakeOptions) -> Outcome {
    let mut run = Run::new(opts.clone());
    run.import_at(p, file, Utc::now());
    run.finish().outcomes.pop().expect("one outcome")
}

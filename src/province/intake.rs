//! Intake: many bundles at once, from files or folders (a USB stick). Each bundle is imported in its
//! own transaction by `Province::import` (every check of docs/SYNC.md), so one bad bundle never stops
//! the others; each gets its result in plain Vietnamese, and its signed receipt is written back in a
//! folder per commune (`bien-nhan/<commune code>/` beside the bundle) for the commune to take home.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::sync::province::{ImportOptions, ImportReport, Province};

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
/// transaction. `progress(done, total)` after each bundle.
pub fn import_paths(
    p: &mut Province,
    paths: &[PathBuf],
    opts: &IntakeOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Intake> {
    let files = collect(paths)?;
    let explicit: Vec<&PathBuf> = paths.iter().filter(|p| !p.is_dir()).collect();
    // The province's own bundles on the stick first: a commune's bundle may name a decision the
    // province lost in a restore, which they give back.
    let folders: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    let recovered = if opts.dry_run || folders.is_empty() { None } else { Some(p.recover_sent(&folders)?) };
    let total = files.len();
    let mut outcomes = Vec::with_capacity(total);
    progress(0, total);
    for (i, file) in files.iter().enumerate() {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let outcome = if provinces_own(&name) && !explicit.contains(&file) {
            Outcome {
                file: file.clone(),
                status: Status::Skipped,
                code: None,
                commune_code: None,
                seq: None,
                message: SKIPPED.into(),
                report: None,
                receipt: None,
            }
        } else {
            one(p, file, opts)
        };
        outcomes.push(outcome);
        progress(i + 1, total);
    }
    Ok(Intake { dry_run: opts.dry_run, outcomes, recovered })
}

fn one(p: &mut Province, file: &Path, opts: &IntakeOptions) -> Outcome {
    let root = opts.receipt_root.clone().unwrap_or_else(|| file.parent().map(Path::to_path_buf).unwrap_or_default());
    let receipts = root.join(RECEIPTS);
    let io = ImportOptions { dry_run: opts.dry_run, receipt_dir: Some(receipts.clone()) };
    match p.import(file, &io) {
        Ok(mut r) => {
            // The receipt goes into the commune's own folder, ready to take home.
            if let Some(written) = r.receipt.take() {
                let folder = receipts.join(&r.commune_code);
                let moved = written.file_name().map(|n| folder.join(n));
                r.receipt = match moved {
                    Some(to) if std::fs::create_dir_all(&folder).is_ok() && std::fs::rename(&written, &to).is_ok() => {
                        Some(to)
                    }
                    _ => Some(written),
                };
            }
            let mut message = describe(&r);
            if let Some(why) = &r.receipt_error {
                message = format!("{message} {why}");
            }
            Outcome {
                file: file.to_owned(),
                status: Status::Imported,
                code: r.receipt_error.as_ref().map(|_| "receipt_not_written".to_owned()),
                commune_code: Some(r.commune_code.clone()),
                seq: Some(r.seq),
                message,
                receipt: r.receipt.clone(),
                report: Some(r),
            }
        }
        Err(e) => {
            let replay = e.code() == "bundle_replay";
            Outcome {
                file: file.to_owned(),
                status: if replay { Status::Replay } else { Status::Refused },
                code: Some(e.code().to_owned()),
                commune_code: None,
                seq: None,
                message: if replay { e.to_string() } else { format!("Bị từ chối: {e}") },
                report: None,
                receipt: None,
            }
        }
    }
}

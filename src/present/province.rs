//! The province's console as the window shows it: the bundles on a stick before and after intake,
//! the roster of communes with the late list, the quarantine queue, the figures table by commune and
//! the records behind a figure. Every text an officer reads is decided here; the rules are
//! `crate::province`'s.

use serde::Serialize;

use crate::date::display_stamp;
use crate::province::figures::{self as pf, Behind, ProvinceFigures};
use crate::province::intake::{Intake, Listed, Outcome, Status, Stick, Unverified};
use crate::province::quarantine::Item;
use crate::province::roster::{Roster, State};
use crate::sync::province::gap_text;
use crate::text::{format_int, percent};

fn stamp(s: Option<&str>) -> String {
    s.map(display_stamp).unwrap_or_else(|| "—".into())
}

/// What importing a bundle does, in a word or two.
pub fn status_text(s: Status, dry_run: bool) -> &'static str {
    match (s, dry_run) {
        (Status::Imported, true) => "Nhập được",
        (Status::Imported, false) => "Đã nhập",
        (Status::Replay, _) => "Đã nhập trước đây",
        (Status::Refused, _) => "Bị từ chối",
        (Status::Skipped, _) => "Bỏ qua",
    }
}

fn status_code(s: Status) -> String {
    match s {
        Status::Imported => "imported",
        Status::Replay => "replay",
        Status::Refused => "refused",
        Status::Skipped => "skipped",
    }
    .into()
}

/// One bundle on the stick, before anything is imported.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BundleLine {
    pub file: String,
    pub name: String,
    /// "23535 – Xã Ia Đal"; "… (theo tên tệp, chưa xác minh)" when only the file's name could be read,
    /// "… (chưa xác minh)" when its manifest was read but not proven; "—" when nothing could be.
    pub commune: String,
    /// The commune, number and period shown were proven by the bundle's signature.
    pub verified: bool,
    pub seq: String,
    pub period: String,
    pub created: String,
    pub intact: bool,
    /// "Nguyên vẹn" or "Hỏng hoặc bị sửa".
    pub intact_text: String,
    /// "12 mới, 3 sửa, 1 xóa".
    pub holds: String,
    /// `imported` (would be), `replay`, `refused`, `skipped`.
    pub status: String,
    pub status_text: String,
    pub message: String,
}

pub fn bundle_line(l: &Listed) -> BundleLine {
    BundleLine {
        file: l.file.display().to_string(),
        name: l.name.clone(),
        commune: {
            let named = match (&l.commune_code, &l.commune) {
                (Some(c), Some(n)) => format!("{c} – {n}"),
                (Some(c), None) => c.clone(),
                _ => "—".into(),
            };
            match l.unverified {
                None => named,
                Some(Unverified::Manifest) => format!("{named} (chưa xác minh)"),
                Some(Unverified::FileName) => format!("{named} (theo tên tệp, chưa xác minh)"),
            }
        },
        verified: l.unverified.is_none() && l.commune_code.is_some(),
        seq: l.seq.map_or_else(|| "—".into(), |s| s.to_string()),
        period: l.period.clone().unwrap_or_else(|| "—".into()),
        created: stamp(l.created_at.as_deref()),
        intact: l.intact,
        intact_text: if l.status == Status::Skipped {
            "—".into()
        } else if l.intact {
            "Nguyên vẹn".into()
        } else {
            "Hỏng hoặc bị sửa".into()
        },
        holds: l.holds.clone().unwrap_or_else(|| "—".into()),
        status: status_code(l.status),
        status_text: status_text(l.status, true).into(),
        message: l.message.clone(),
    }
}

/// What became of one bundle.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IntakeLine {
    pub file: String,
    pub name: String,
    pub status: String,
    pub status_text: String,
    /// The result in plain Vietnamese.
    pub message: String,
    /// Where the receipt for the commune was written.
    pub receipt: Option<String>,
}

pub fn intake_line(o: &Outcome, dry_run: bool) -> IntakeLine {
    IntakeLine {
        file: o.file.display().to_string(),
        name: o.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        status: status_code(o.status),
        status_text: status_text(o.status, dry_run).into(),
        message: o.message.clone(),
        receipt: o.receipt.as_ref().map(|r| r.display().to_string()),
    }
}

/// An intake of a stick as the window starts it (one bundle per call after this, then its end).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IntakeStart {
    /// Which intake this is: the calls that go on with it name it.
    pub id: u32,
    /// How many bundle files it goes through.
    pub total: u32,
    pub dry_run: bool,
    /// What the province took back first from its own bundles on the stick; none when nothing.
    pub recovered: Vec<String>,
    /// What becomes of the intake if the officer leaves the page, logs out or closes the window.
    pub note: String,
}

pub fn intake_start(id: u32, s: &Stick) -> IntakeStart {
    IntakeStart {
        id,
        total: u32::try_from(s.total()).unwrap_or(u32::MAX),
        dry_run: s.dry_run(),
        recovered: s.recovered().and_then(super::admin::province_recovered).unwrap_or_default(),
        note: if s.dry_run() { INTAKE_DRY_NOTE } else { INTAKE_NOTE }.into(),
    }
}

const INTAKE_NOTE: &str = "Mỗi gói được lưu ngay khi nhập xong. Có thể chuyển sang trang khác: việc nhập vẫn \
     tiếp tục, quay lại trang này để xem kết quả. Biên nhận được ghi vào USB một lần khi nhập xong cả USB (hoặc khi \
     đăng xuất, khi đóng cửa sổ): đừng rút USB trước đó. Nếu máy tắt đột ngột giữa chừng, các gói đã nhập vẫn \
     được giữ; nhập lại USB này sẽ nhập các gói còn lại và ghi lại biên nhận còn thiếu.";

const INTAKE_DRY_NOTE: &str = "Xem trước không thay đổi gì và không ghi biên nhận.";

/// Every bundle's result once the intake's receipts are written.
pub fn intake_lines(i: &Intake) -> Vec<IntakeLine> {
    i.outcomes.iter().map(|o| intake_line(o, i.dry_run)).collect()
}

/// An intake the window goes on with after it ended without it (the officer logged out, a backup was
/// restored, another intake began).
pub const INTAKE_OVER: &str = "Lần nhập này đã kết thúc trước khi nhập hết (đăng xuất, khôi phục bản sao lưu \
     hoặc đã bắt đầu lần nhập khác): các gói đã nhập vẫn được giữ và biên nhận của chúng đã ghi vào USB. Hãy \
     đọc lại danh sách gói rồi bấm «Nhập tất cả» để nhập các gói còn lại.";

/// An intake that ended before the last bundle of its stick (the idle lock or a logout closed the
/// store while it ran, a backup was restored), as the officer who logs in next is told: what was
/// imported, what was not, what to do. Its receipts were written when it ended.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IntakeCut {
    /// The headline: how far it went, that the receipts of those done are on the stick, what to do.
    pub message: String,
    /// Each bundle done, with its result and its receipt.
    pub lines: Vec<IntakeLine>,
    /// The file names of the bundles not reached.
    pub left: Vec<String>,
}

/// What to tell of an intake that stopped with `left` bundle files of `total` not reached; none for a
/// dry run (nothing was changed) or one that reached every bundle.
pub fn intake_cut(i: &Intake, left: &[std::path::PathBuf], total: usize) -> Option<IntakeCut> {
    if i.dry_run || left.is_empty() {
        return None;
    }
    let done = total.saturating_sub(left.len());
    let message = format!(
        "Lần nhập USB trước bị ngắt giữa chừng (máy tự khóa sau một thời gian không sử dụng, đăng xuất hoặc khôi \
         phục bản sao lưu): đã xử lý {done}/{total} gói — {} gói nhập mới, {} gói đã nhập trước đây, {} gói bị từ \
         chối; còn {} gói chưa nhập. Các gói đã nhập được giữ và biên nhận của chúng đã ghi vào USB. Hãy cắm lại \
         USB này, bấm «Đọc danh sách gói» rồi «Nhập tất cả» để nhập nốt các gói còn lại (các gói đã nhập sẽ được \
         nhận ra và bỏ qua).",
        format_int(i.count(Status::Imported) as i64),
        format_int(i.count(Status::Replay) as i64),
        format_int(i.count(Status::Refused) as i64),
        format_int(left.len() as i64),
    );
    Some(IntakeCut {
        message,
        lines: intake_lines(i),
        left: left
            .iter()
            .map(|f| f.file_name().map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned()))
            .collect(),
    })
}

/// One registered key of a commune.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyLine {
    pub key_id: String,
    pub fingerprint: String,
    pub registered: String,
    /// "Thu hồi lúc 06/12/2026 10:25", or empty.
    pub revoked: String,
}

/// One reporting period of one commune.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeriodLine {
    pub label: String,
    /// `on_time`, `late`, `missing`, `open`, `inactive`.
    pub state: String,
    pub state_text: String,
    /// "Gói số 4, tạo 16/11/2026 08:30, nhập 20/11/2026 14:00", or "—".
    pub bundle: String,
    /// Sent late, or not at all though due.
    pub late: bool,
}

/// One commune of the roster.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommuneLine {
    pub code: String,
    pub name: String,
    pub expected: u32,
    pub received: u32,
    pub on_time: u32,
    pub received_rate: String,
    pub on_time_rate: String,
    /// "Đang gửi", "Đã thu hồi khóa".
    pub state: String,
    /// The state as the roster's last column says it: "Đang gửi · có kỳ muộn".
    pub status: String,
    pub revoked: bool,
    pub keys: Vec<KeyLine>,
    pub last_bundle: String,
    pub last_import: String,
    /// "thiếu gói số 3; thiếu các gói số 5 đến 6", or empty.
    pub gaps: String,
    pub quarantined: u32,
    /// Bundles whose signed time looks wrong.
    pub clock_flags: Vec<String>,
    pub periods: Vec<PeriodLine>,
    /// A period late or missing.
    pub late: bool,
    /// The last bundle number imported (to write its receipt again).
    pub last_seq: Option<u32>,
}

/// The roster for a period.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RosterView {
    pub period: String,
    pub label: String,
    /// "Đã nhận 45/50 kỳ (90%), đúng hạn 40 (80%)".
    pub summary: String,
    pub communes: Vec<CommuneLine>,
    /// "Đã ghi danh 12/96 xã, phường, đặc khu của tỉnh theo danh mục chính thức; 84 chưa đăng ký khóa.",
    /// or empty when the province's code is not in the official list.
    pub enrolled_summary: String,
    /// The province's communes in the official list that never had a key registered, in code order
    /// (by name when the table is sorted by name); only those the search finds ([`roster_page`]).
    pub not_enrolled: Vec<super::admin::UnitChoice>,
    /// How many of the province's communes never had a key registered, found or not.
    pub not_enrolled_total: u32,
    /// "3/84 xã khớp «ia»." when a search narrows [`RosterView::not_enrolled`], else empty.
    pub not_enrolled_found: String,
}

fn state_code(s: State) -> String {
    match s {
        State::OnTime => "on_time",
        State::Late => "late",
        State::Missing => "missing",
        State::Open => "open",
        State::Inactive => "inactive",
    }
    .into()
}

/// A rate as an officer reads it: "83,3%", or "—" when nothing was expected (a commune registered
/// after the period's cut-off has no period to send: it is neither 0% nor 100%).
pub fn rate_text(part: u32, whole: u32) -> String {
    if whole == 0 { "—".into() } else { percent(part.into(), whole.into()) }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub fn roster_view(r: &Roster) -> RosterView {
    let communes = r
        .communes
        .iter()
        .map(|c| {
            (
                c,
                if c.revoked { "Đã thu hồi khóa" } else { "Đang gửi" },
                c.periods.iter().any(|p| matches!(p.state, State::Late | State::Missing)),
            )
        })
        .map(|(c, state, late)| CommuneLine {
            code: c.commune_code.clone(),
            name: c.commune.clone(),
            expected: c.expected,
            received: c.received,
            on_time: c.on_time,
            received_rate: rate_text(c.received, c.expected),
            on_time_rate: rate_text(c.on_time, c.expected),
            state: state.into(),
            status: if late { format!("{state} · có kỳ muộn") } else { state.into() },
            revoked: c.revoked,
            keys: c
                .keys
                .iter()
                .map(|k| KeyLine {
                    key_id: k.key_id.clone(),
                    fingerprint: k.fingerprint.clone(),
                    registered: display_stamp(&k.registered_at),
                    revoked: k
                        .revoked_at
                        .as_deref()
                        .map(|t| format!("Thu hồi lúc {}", display_stamp(t)))
                        .unwrap_or_default(),
                })
                .collect(),
            last_bundle: match (c.last_bundle_seq, &c.last_bundle_at) {
                (Some(n), Some(t)) => format!("Gói số {n}, tạo {}", display_stamp(t)),
                (Some(n), None) => format!("Gói số {n}"),
                _ => "Chưa gửi gói nào".into(),
            },
            last_import: stamp(c.last_import_at.as_deref()),
            gaps: c.gaps.iter().map(|g| format!("thiếu {}", gap_text(g.first, g.last))).collect::<Vec<_>>().join("; "),
            quarantined: clamp(c.quarantined),
            clock_flags: c.clock_flags.iter().map(|f| f.message.clone()).collect(),
            periods: c
                .periods
                .iter()
                .map(|p| PeriodLine {
                    label: p.label.clone(),
                    state: state_code(p.state),
                    state_text: p.state_label.into(),
                    bundle: match (p.bundle_seq, &p.bundle_created_at, &p.bundle_imported_at) {
                        (Some(n), Some(made), Some(at)) => {
                            format!("Gói số {n}, tạo {}, nhập {}", display_stamp(made), display_stamp(at))
                        }
                        (Some(n), _, _) => format!("Gói số {n}"),
                        _ => "—".into(),
                    },
                    late: matches!(p.state, State::Late | State::Missing),
                })
                .collect(),
            late,
            last_seq: c.last_bundle_seq.and_then(|n| u32::try_from(n).ok()),
        })
        .collect();
    RosterView {
        period: r.period.to_string(),
        label: r.label.clone(),
        summary: if r.expected == 0 {
            "Không có kỳ báo cáo nào phải gửi trong kỳ này (chưa đến hạn, hoặc chưa có xã nào đăng ký trước ngày chốt số liệu).".into()
        } else {
            format!(
                "Đã nhận {}/{} kỳ báo cáo ({}), đúng hạn {} ({}).",
                r.received,
                r.expected,
                rate_text(r.received, r.expected),
                r.on_time,
                rate_text(r.on_time, r.expected)
            )
        },
        communes,
        enrolled_summary: enrolled_summary(r),
        not_enrolled: unit_choices(&r.not_enrolled),
        not_enrolled_total: clamp(r.not_enrolled.len()),
        not_enrolled_found: String::new(),
    }
}

fn unit_choices(list: &[crate::province::roster::NotEnrolled]) -> Vec<super::admin::UnitChoice> {
    list.iter().map(|c| super::admin::UnitChoice { code: c.commune_code.clone(), name: c.commune.clone() }).collect()
}

/// The roster with its communes searched by name or code and ordered as `asked` (`code`, `name`,
/// `expected`, `received`, `on_time`, `quarantined`; `-` downwards), as the tables of figures are
/// ([`crate::province::drill::communes`]).
pub fn roster_page(r: &Roster, asked: &CommunesArgs) -> crate::Result<RosterView> {
    let mut view = roster_view(r);
    let rows = std::mem::take(&mut view.communes);
    let keys = ["expected", "received", "on_time", "quarantined"];
    view.communes =
        crate::province::drill::communes(rows, &asked.query(), &keys, |c| crate::province::drill::CommuneRow {
            code: &c.code,
            name: &c.name,
            values: vec![c.expected.into(), c.received.into(), c.on_time.into(), c.quarantined.into()],
        })?;
    // The communes not yet enrolled, beside the table, narrowed by the same search.
    let q = asked.query();
    let found = r.not_enrolled_found(&q)?;
    view.not_enrolled_found = communes_found(found.len(), r.not_enrolled.len(), &q);
    view.not_enrolled = unit_choices(&found);
    Ok(view)
}

/// The roster itself with its communes searched and ordered as [`roster_page`] shows them, and the
/// communes never enrolled narrowed by the same search (the CLI's `province roster --search --sort
/// --json`); the totals (`official` too) stay the province's.
pub fn roster_ordered(mut r: Roster, asked: &CommunesArgs) -> crate::Result<Roster> {
    let order: Vec<String> = roster_page(&r, asked)?.communes.into_iter().map(|c| c.code).collect();
    r.not_enrolled = r.not_enrolled_found(&asked.query())?;
    let mut rows = std::mem::take(&mut r.communes);
    r.communes = order
        .iter()
        .filter_map(|code| rows.iter().position(|c| &c.commune_code == code).map(|i| rows.swap_remove(i)))
        .collect();
    Ok(r)
}

/// The enrolled communes (a key registered: the ones the province may inspect or set targets for)
/// whose name or code the officer's words find (every word begins a word of "code name", accents
/// ignored; nothing typed: all), in Vietnamese order of their names: the pickers of a new inspection
/// and of a commune's targets.
pub fn enrolled(p: &crate::sync::province::Province, search: &str) -> crate::Result<Vec<super::admin::UnitChoice>> {
    let names = p.db().commune_names()?;
    let all: Vec<super::admin::UnitChoice> = p
        .db()
        .installations()?
        .into_iter()
        .map(|i| i.commune_code)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|code| super::admin::UnitChoice { name: crate::province::commune_name(&names, &code), code })
        .collect();
    let q = crate::province::drill::CommuneQuery { search: Some(search.to_owned()), sort: Some("name".into()) };
    crate::province::drill::communes(all, &q, &[], |c| crate::province::drill::CommuneRow {
        code: &c.code,
        name: &c.name,
        values: Vec::new(),
    })
}

/// How many of the province's official communes are enrolled, and how many are not yet.
pub fn enrolled_summary(r: &Roster) -> String {
    if r.official == 0 {
        return String::new();
    }
    let missing = clamp(r.not_enrolled.len());
    let done = r.official.saturating_sub(missing);
    if missing == 0 {
        format!("Đã ghi danh cả {} xã, phường, đặc khu của tỉnh theo danh mục chính thức.", r.official)
    } else {
        format!(
            "Đã ghi danh {done}/{} xã, phường, đặc khu của tỉnh theo danh mục chính thức; {missing} chưa đăng ký khóa.",
            r.official
        )
    }
}

/// A (label, value) line of a record.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldLine {
    pub label: String,
    pub value: String,
}

/// A quarantined record as the queue shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarantineLine {
    pub id: String,
    pub commune: String,
    pub kind: String,
    pub reason: String,
    pub at: String,
    /// The record as it came, field by field (its raw text when it could not be read).
    pub fields: Vec<FieldLine>,
    /// "Chấp nhận lúc … (nguyenvana): ghi chú", or `None` while undecided.
    pub decision: Option<String>,
}

/// The quarantine page: the queue narrowed by the officer's search by commune (name or code, accents
/// ignored), with the whole queue's counts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarantineView {
    pub lines: Vec<QuarantineLine>,
    /// "12 bản ghi sai quy định được giữ riêng, chưa tính vào số liệu; 3 bản ghi chờ quyết định."
    pub summary: String,
    /// "2/12 bản ghi của các xã khớp «ba dinh»." when a search narrows them, else empty.
    pub found: String,
}

/// The quarantine queue as the window shows it, narrowed as `asked` ([`crate::province::quarantine::narrowed`]).
pub fn quarantine_page(p: &crate::sync::province::Province, asked: &CommunesArgs) -> crate::Result<QuarantineView> {
    let all = crate::province::quarantine::queue(p)?;
    let (total, waiting) = (all.len(), all.iter().filter(|i| i.entry.decision.is_none()).count());
    let q = asked.query();
    let shown = crate::province::quarantine::narrowed(all, &q)?;
    let found = match q.search.filter(|s| !crate::text::search_tokens(s).is_empty()) {
        Some(s) => format!(
            "{}/{} bản ghi của các xã khớp «{}».",
            format_int(shown.len() as i64),
            format_int(total as i64),
            crate::text::printable(s.trim(), 60)
        ),
        None => String::new(),
    };
    Ok(QuarantineView {
        lines: shown.iter().map(quarantine_line).collect(),
        summary: format!(
            "{} bản ghi sai quy định được giữ riêng, chưa tính vào số liệu; {} bản ghi chờ quyết định.",
            format_int(total as i64),
            format_int(waiting as i64)
        ),
        found,
    })
}

pub fn quarantine_line(i: &Item) -> QuarantineLine {
    let e = &i.entry;
    let parsed = e.data.as_deref().map(serde_json::from_str::<serde_json::Value>);
    let fields = match parsed {
        Some(Ok(v)) => {
            let body = v.get("data").filter(|d| d.is_object()).unwrap_or(&v);
            match (crate::domain::Kind::parse(&e.kind), body.as_object()) {
                (Some(kind), Some(doc)) => {
                    pf::describe(kind, doc).into_iter().map(|(label, value)| FieldLine { label, value }).collect()
                }
                _ => vec![FieldLine {
                    label: "Nội dung".into(),
                    value: crate::text::printable(&body.to_string(), 2000),
                }],
            }
        }
        Some(Err(_)) => vec![FieldLine {
            label: "Nội dung (không đọc được)".into(),
            value: crate::text::printable(e.data.as_deref().unwrap_or_default(), 2000),
        }],
        None => Vec::new(),
    };
    QuarantineLine {
        id: i.id.clone(),
        commune: format!("{} – {}", e.commune_code, i.commune),
        kind: crate::text::capitalise(&i.kind_label),
        reason: e.reason.clone(),
        at: display_stamp(&e.at),
        fields,
        decision: e.decision.as_ref().map(|d| {
            format!(
                "{} lúc {} ({}): {}",
                if d.decision == "accept" { "Đã chấp nhận" } else { "Giữ từ chối" },
                display_stamp(&d.decided_at),
                d.decided_by,
                d.note
            )
        }),
    }
}

/// A column of the figures table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FigureColumn {
    pub key: String,
    pub label: String,
}

/// One commune's row of the figures table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FigureRow {
    pub code: String,
    pub name: String,
    pub values: Vec<i64>,
    /// The same values as an officer reads them (1.234).
    pub shown: Vec<String>,
}

/// The province's figures for a period: totals and a table by commune.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FiguresView {
    pub period: String,
    pub label: String,
    pub columns: Vec<FigureColumn>,
    pub total: FigureRow,
    /// The province's same figures for the same period a year before, column by column.
    pub last_year: Option<FigureRow>,
    /// Each total against last year's: "+12 so với cùng kỳ năm trước", "Bằng cùng kỳ năm trước".
    pub change: Vec<String>,
    /// The communes the officer's search keeps, in the order asked ([`CommunesArgs`]).
    pub communes: Vec<FigureRow>,
    /// How many communes the province has in the table, searched or not.
    pub communes_total: u32,
    /// "2/96 xã khớp «ba dinh»." when a search narrows the communes, else empty.
    pub communes_found: String,
}

/// What the officer asks of a table of communes: a search by name or code (accents ignored) and a
/// column to order by (`code`, `name`, a figure's key; `-key` downwards).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommunesArgs {
    pub search: Option<String>,
    pub sort: Option<String>,
}

impl CommunesArgs {
    pub fn query(&self) -> crate::province::drill::CommuneQuery {
        crate::province::drill::CommuneQuery {
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            sort: self.sort.clone().filter(|s| !s.trim().is_empty()),
        }
    }
}

/// The province's figures for `period` with last year's beside them, the communes searched and
/// ordered as `asked`: the window's «Tổng hợp toàn tỉnh».
pub fn figures_page(
    p: &crate::sync::province::Province,
    period: crate::period::Period,
    asked: &CommunesArgs,
) -> crate::Result<FiguresView> {
    let now = pf::figures(p, period, None)?;
    let all = now.communes.len();
    let before = pf::figures(p, period.year_before(), None)?;
    let shown = crate::province::drill::figure_communes(now, &asked.query())?;
    let mut view = figures_view(&shown, Some(&before.total));
    view.communes_total = clamp(all);
    view.communes_found = communes_found(shown.communes.len(), all, &asked.query());
    Ok(view)
}

/// "2/96 xã khớp «ba dinh»." when the search of `q` narrows a table of `all` communes to `found`,
/// else empty (no search, or only spaces and marks typed).
pub fn communes_found(found: usize, all: usize, q: &crate::province::drill::CommuneQuery) -> String {
    match q.search.as_deref().filter(|s| !crate::text::search_tokens(s).is_empty()) {
        Some(s) => format!(
            "{}/{} xã khớp «{}».",
            format_int(found as i64),
            format_int(all as i64),
            crate::text::printable(s.trim(), 60)
        ),
        None => String::new(),
    }
}

/// The figures by commune, with the province's same figures a year before (`last`) beside its total.
pub fn figures_view(f: &ProvinceFigures, last: Option<&crate::figures::Figures>) -> FiguresView {
    let cols = pf::columns(&f.total);
    let row = |code: &str, name: &str, fig: &crate::figures::Figures| {
        let values: Vec<i64> = pf::columns(fig).into_iter().map(|(_, v)| v).collect();
        FigureRow {
            code: code.into(),
            name: name.into(),
            shown: values.iter().map(|v| format_int(*v)).collect(),
            values,
        }
    };
    let last_year = last.map(|l| {
        // By the column's key: a list that changed in between leaves a figure of this year at 0.
        let before = pf::columns(l);
        let values: Vec<i64> =
            cols.iter().map(|(c, _)| before.iter().find(|(b, _)| b.key == c.key).map_or(0, |(_, v)| *v)).collect();
        FigureRow {
            code: f.province_code.clone(),
            // "Năm 2025", not its window's dates: the row's name stays short beside the figures.
            name: format!(
                "Cùng kỳ năm trước ({})",
                l.period.parse::<crate::period::Period>().map_or_else(|_| l.label.clone(), |p| p.label())
            ),
            shown: values.iter().map(|v| format_int(*v)).collect(),
            values,
        }
    });
    let change = last_year.as_ref().map_or_else(Vec::new, |l| {
        cols.iter()
            .zip(&l.values)
            .map(|((_, now), before)| match now - before {
                0 => "Bằng cùng kỳ năm trước".to_owned(),
                d if d > 0 => format!("+{} so với cùng kỳ năm trước", format_int(d)),
                d => format!("−{} so với cùng kỳ năm trước", format_int(-d)),
            })
            .collect()
    });
    FiguresView {
        period: f.total.period.clone(),
        label: f.total.label.clone(),
        columns: cols.iter().map(|(c, _)| FigureColumn { key: c.key.clone(), label: c.label.clone() }).collect(),
        total: row(&f.province_code, &format!("Toàn tỉnh {}", f.province), &f.total),
        last_year,
        change,
        communes: f.communes.iter().map(|c| row(&c.commune_code, &c.commune, &c.figures)).collect(),
        communes_total: clamp(f.communes.len()),
        communes_found: String::new(),
    }
}

/// A figure of the province over the reporting periods inside the one shown.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrendView {
    /// "Thành viên theo kỳ báo cáo, Năm 2026".
    pub title: String,
    /// Short names under the bars: "T1" … "T12", "Q1" … "Q4", "6T1", "6T2".
    pub labels: Vec<String>,
    pub values: Vec<i64>,
}

pub fn trend_view(label: &str, period: crate::period::Period, points: &[(crate::period::Period, i64)]) -> TrendView {
    use crate::period::Span;
    TrendView {
        title: format!("{label} theo kỳ báo cáo, {}", period.label()),
        labels: points
            .iter()
            .map(|(p, _)| match p.span {
                Span::Month(m) => format!("T{m}"),
                Span::Quarter(q) => format!("Q{q}"),
                Span::Half(h) => format!("6T{h}"),
                Span::Year => p.year.to_string(),
            })
            .collect(),
        values: points.iter().map(|(_, v)| *v).collect(),
    }
}

/// A record behind a figure, read-only.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BehindLine {
    pub id: String,
    /// The register's name ("Hoạt động").
    pub register: String,
    pub title: String,
    pub value: String,
    pub fields: Vec<FieldLine>,
    /// The cells of the columns the commune's list of its register shows ([`behind_columns`]), as
    /// displayed; empty where the record has no value.
    pub cells: Vec<String>,
}

pub fn behind_line(b: &Behind) -> BehindLine {
    let cells = list_fields(b.kind)
        .iter()
        .map(|f| b.fields.iter().find(|(l, _)| *l == f.label).map(|(_, v)| v.clone()).unwrap_or_default())
        .collect();
    BehindLine {
        id: b.id.clone(),
        register: crate::present::register_title(b.kind).to_owned(),
        title: b.title.clone(),
        value: format_int(b.value),
        fields: b.fields.iter().map(|(l, v)| FieldLine { label: l.clone(), value: v.clone() }).collect(),
        cells,
    }
}

/// The fields the commune's list of `kind` shows as columns, in its order.
fn list_fields(kind: crate::domain::Kind) -> Vec<&'static crate::domain::Field> {
    let all = crate::domain::fields(kind);
    super::record::list_columns(kind).iter().filter_map(|k| all.iter().find(|f| f.key == *k)).collect()
}

/// A column of the records behind a figure: one the commune's list of the register shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BehindColumn {
    /// The field's key: what a sort by this column asks (`date`, `-date`).
    pub key: String,
    pub label: String,
    /// Numbers are right-aligned.
    pub numeric: bool,
    /// Whether the commune's list sorts by it (not a link to other records).
    pub sortable: bool,
}

/// The columns of the commune's list of `kind`, as [`BehindLine::cells`] fills them.
pub fn behind_columns(kind: crate::domain::Kind) -> Vec<BehindColumn> {
    use crate::domain::FieldType as T;
    list_fields(kind)
        .into_iter()
        .map(|f| BehindColumn {
            key: f.key.clone(),
            label: f.label.clone(),
            numeric: matches!(f.ty, T::Int { .. }),
            sortable: super::record::sortable(&f.ty),
        })
        .collect()
}

/// What the officer asks of the records behind a figure: the search, filters, sort and page of the
/// commune's lists (`field` `eq` a code; a date `ge` / `le`; `sort` a column's key, `-key` downwards).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BehindArgs {
    pub search: Option<String>,
    pub filters: Vec<super::list::FilterArg>,
    pub sort: Option<String>,
    /// A page of 1 to 500 rows, as the commune's lists; none: every record (the command line, an export).
    pub limit: Option<u32>,
    pub offset: u32,
}

impl BehindArgs {
    /// The core's query (the same reading as a commune list's [`super::list::ListArgs::query`]).
    pub fn query(&self) -> crate::province::drill::Query {
        let list = super::list::ListArgs {
            search: self.search.clone(),
            filters: self.filters.clone(),
            sort: self.sort.clone(),
            ..Default::default()
        };
        let q = list.query();
        crate::province::drill::Query { search: q.search, filters: q.filters, sort: q.sort }
    }

    /// The page asked: (offset, how many at most).
    pub fn page(&self) -> (usize, usize) {
        page_of(self.limit, self.offset)
    }
}

/// A page of the records behind a figure: from `offset`, `limit` rows (1 to 500, as a commune's
/// list pages) or every one.
pub fn page_of(limit: Option<u32>, offset: u32) -> (usize, usize) {
    (offset as usize, limit.map_or(usize::MAX, |l| l.clamp(1, 500) as usize))
}

/// One value a filter of the records behind a figure offers, with how many of them hold it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BehindChoice {
    pub code: String,
    /// "Tổ viên (12)".
    pub label: String,
}

/// A select of the records behind a figure: one of the list's option, list or link columns.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BehindFilter {
    pub key: String,
    pub label: String,
    pub choices: Vec<BehindChoice>,
}

/// The records behind one commune's figure, narrowed as asked, with what can narrow them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BehindPage {
    /// The columns of the commune's list of the records' register (none when they are of several).
    pub columns: Vec<BehindColumn>,
    /// The page asked of the records the search and filters keep, in the order asked.
    pub rows: Vec<BehindLine>,
    /// Where the page starts among them (0: the first).
    pub offset: u32,
    /// "51–100 / 120 bản ghi", or "0 bản ghi": the pager's line, as the commune's list writes it.
    pub range: String,
    /// The selects, in the list's column order; only values the records hold (none when every record
    /// holds the same one).
    pub filters: Vec<BehindFilter>,
    /// The date field a range (from, to) applies to, and its label ("Ngày"); none for a register
    /// without a date column.
    pub date_key: Option<String>,
    pub date_label: String,
    /// How many records stand behind the commune's figure, and how many are shown.
    pub total: u32,
    pub shown: u32,
    /// "40 bản ghi, cộng lại đúng số «Thành viên» của xã: 40." or, narrowed, "Đang hiện 12/40 bản
    /// ghi: 12 trong số 40 của «Thành viên»."
    pub summary: String,
}

/// The page of the records behind the figure `label` of a commune: `all` of them, `shown` those the
/// officer's search and filters kept, `rows` the page of those shown starting at `offset`.
pub fn behind_page(label: &str, all: &[Behind], shown: &[Behind], (offset, limit): (usize, usize)) -> BehindPage {
    use crate::domain::FieldType as T;
    let mut kinds: Vec<crate::domain::Kind> = Vec::new();
    for b in all {
        if !kinds.contains(&b.kind) {
            kinds.push(b.kind);
        }
    }
    let mut filters: Vec<BehindFilter> = Vec::new();
    let mut date: Option<(String, String)> = None;
    for kind in &kinds {
        let fields = crate::domain::fields(*kind);
        for key in super::record::list_columns(*kind) {
            let Some(f) = fields.iter().find(|f| f.key == *key) else { continue };
            match f.ty {
                T::Date | T::DateTime if date.is_none() && f.key != "date_of_birth" => {
                    date = Some((f.key.clone(), f.label.clone()));
                }
                T::Enum { .. } | T::Ref { .. } | T::Refs { .. } | T::Link { .. } | T::Links { .. } => {
                    // Each value the records hold, in the order met, with its count.
                    let mut seen: Vec<(String, String, u32)> = Vec::new();
                    for n in all.iter().flat_map(|b| &b.named).filter(|n| n.key == f.key) {
                        for (code, name) in &n.values {
                            match seen.iter_mut().find(|(c, _, _)| c == code) {
                                Some(s) => s.2 += 1,
                                None => seen.push((code.clone(), name.clone(), 1)),
                            }
                        }
                    }
                    // Nothing to choose: no value, or one value every record holds.
                    let one_for_all = seen.len() == 1 && seen[0].2 as usize == all.len();
                    if seen.is_empty() || one_for_all || filters.iter().any(|x| x.key == f.key) {
                        continue;
                    }
                    // Options in the form's order; names of lists and records in Vietnamese order.
                    match &f.ty {
                        T::Enum { options } => {
                            seen.sort_by_key(|(c, _, _)| options.iter().position(|(o, _)| o == c).unwrap_or(usize::MAX))
                        }
                        _ => seen.sort_by(|a, b| crate::text::compare(&a.1, &b.1)),
                    }
                    filters.push(BehindFilter {
                        key: f.key.clone(),
                        label: f.label.clone(),
                        choices: seen
                            .into_iter()
                            .map(|(code, name, n)| BehindChoice {
                                code,
                                label: format!("{name} ({})", format_int(n.into())),
                            })
                            .collect(),
                    });
                }
                _ => {}
            }
        }
    }
    let sum = |r: &[Behind]| r.iter().map(|b| b.value).sum::<i64>();
    let (total, figure) = (all.len(), sum(all));
    let rows = shown.get(offset..).unwrap_or_default();
    let rows = &rows[..rows.len().min(limit)];
    let summary = if shown.len() == all.len() {
        format!("{} bản ghi, cộng lại đúng số «{label}» của xã: {}.", format_int(total as i64), format_int(figure))
    } else {
        format!(
            "Đang hiện {}/{} bản ghi: {} trong số {} của «{label}».",
            format_int(shown.len() as i64),
            format_int(total as i64),
            format_int(sum(shown)),
            format_int(figure)
        )
    };
    BehindPage {
        columns: match kinds.as_slice() {
            [one] => behind_columns(*one),
            _ => Vec::new(),
        },
        rows: rows.iter().map(behind_line).collect(),
        offset: clamp(offset.min(shown.len())),
        range: if rows.is_empty() {
            format!("{} bản ghi", format_int(shown.len() as i64))
        } else {
            format!(
                "{}–{} / {} bản ghi",
                format_int(offset as i64 + 1),
                format_int((offset + rows.len()) as i64),
                format_int(shown.len() as i64)
            )
        },
        filters,
        date_label: date.as_ref().map(|(_, l)| l.clone()).unwrap_or_default(),
        date_key: date.map(|(k, _)| k),
        total: clamp(total),
        shown: clamp(shown.len()),
        summary,
    }
}

/// The records of `commune` behind the figure `key` for `period`, narrowed, ordered and paged as
/// `asked`: what the window's drill-down and the command line's `province figures --records` show.
pub fn behind_view(
    p: &crate::sync::province::Province,
    period: crate::period::Period,
    commune: &str,
    key: &str,
    asked: &crate::province::drill::Query,
    page: (usize, usize),
) -> crate::Result<BehindPage> {
    let f = pf::figures(p, period, Some(commune))?;
    let (column, _) = pf::column(&f.total, key)?;
    let all = pf::behind(p, period, commune, Some(key))?;
    let shown = crate::province::drill::narrow(all.clone(), asked)?;
    Ok(behind_page(&column.label, &all, &shown, page))
}

/// What printing the summary report did: "Đã in báo cáo tổng hợp số 01/BC-CAT ngày 06/12/2026 ra …",
/// or, printed again, that it kept its number and date.
pub fn issued_text(doc: &crate::store::province_documents::ProvinceDoc, again: bool, path: &str) -> String {
    if again {
        format!(
            "Đã in lại báo cáo tổng hợp số {} ngày {} (giữ số đã cấp) ra {path}",
            doc.number_text(),
            crate::date::display(doc.issued_on)
        )
    } else {
        format!(
            "Đã cấp số {} ngày {} và in báo cáo tổng hợp ra {path}",
            doc.number_text(),
            crate::date::display(doc.issued_on)
        )
    }
}

/// One setting of a reference item (a criterion's years, the reporting period's cut-off day…), as a
/// field of the window's form.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RefSetting {
    pub key: String,
    pub label: String,
    /// `number`, `bool` or `text`.
    pub kind: String,
    pub value: String,
}

/// One item of a list the province sends, as the window edits it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RefItemEdit {
    pub code: String,
    pub label: String,
    pub settings: Vec<RefSetting>,
    /// The item's other settings as they were (JSON), kept as they are.
    pub rest: String,
}

/// One list the province sends, as the window edits it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RefListEdit {
    pub list: String,
    pub label: String,
    pub items: Vec<RefItemEdit>,
}

/// The lists the province sends, to edit.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReferenceView {
    /// "Đã gửi các xã phiên bản 2." or "Chưa gửi danh mục nào: đang dùng danh mục có sẵn (phiên bản 1)."
    pub version: String,
    pub lists: Vec<RefListEdit>,
}

fn setting_label(key: &str) -> &str {
    match key {
        "from_year" => "Áp dụng từ năm",
        "to_year" => "Đến năm",
        "confirmed" => "Đã có văn bản xác nhận",
        "rule" => "Quy tắc tính",
        "frequency" => "Tần suất (month, quarter, half, year)",
        "end_day" => "Ngày chốt số liệu",
        "grace_days" => "Số ngày gia hạn",
        "min_share" => "Tỷ lệ tối thiểu",
        other => other,
    }
}

/// The lists as the window edits them: each item's scalar settings as fields.
pub fn reference_view(sent: Option<i64>, lists: &[crate::domain::RefList]) -> ReferenceView {
    let lists = lists
        .iter()
        .map(|l| RefListEdit {
            list: l.list.clone(),
            label: l.label.clone(),
            items: l
                .items
                .iter()
                .map(|i| {
                    let mut settings = Vec::new();
                    let mut rest = serde_json::Map::new();
                    if let Some(data) = i.data.as_object() {
                        for (k, v) in data {
                            let (kind, value) = match v {
                                serde_json::Value::Number(n) => ("number", n.to_string()),
                                serde_json::Value::Bool(b) => ("bool", b.to_string()),
                                serde_json::Value::String(s) => ("text", s.clone()),
                                _ => {
                                    rest.insert(k.clone(), v.clone());
                                    continue;
                                }
                            };
                            settings.push(RefSetting {
                                key: k.clone(),
                                label: setting_label(k).to_owned(),
                                kind: kind.into(),
                                value,
                            });
                        }
                    }
                    RefItemEdit {
                        code: i.code.clone(),
                        label: i.label.clone(),
                        settings,
                        rest: serde_json::Value::Object(rest).to_string(),
                    }
                })
                .collect(),
        })
        .collect();
    ReferenceView {
        version: match sent {
            Some(v) => format!("Đã gửi các xã phiên bản {v}; lần gửi tới là phiên bản {}.", v + 1),
            None => format!(
                "Chưa gửi danh mục nào: các xã đang dùng danh mục có sẵn trong phần mềm (phiên bản {}).",
                crate::domain::RefSet::builtin().version
            ),
        },
        lists,
    }
}

/// The lists the window sent back, as reference lists (each setting read as its kind), or every bad
/// setting at once naming its list, row and setting.
pub fn lists_from(edits: &[RefListEdit]) -> crate::Result<Vec<crate::domain::RefList>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for l in edits {
        let mut items = Vec::new();
        for (n, i) in l.items.iter().enumerate() {
            let mut data: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&i.rest)
                .ok()
                .and_then(|v: serde_json::Value| v.as_object().cloned())
                .unwrap_or_default();
            for s in &i.settings {
                let v = s.value.trim();
                let value = match s.kind.as_str() {
                    "number" if v.is_empty() => continue,
                    "number" => match (v.parse::<i64>(), v.replace(',', ".").parse::<f64>()) {
                        (Ok(x), _) => serde_json::Value::from(x),
                        (_, Ok(x)) if x.is_finite() => serde_json::Value::from(x),
                        _ => {
                            errors.push(crate::FieldError {
                                field: format!("{}.{n}.{}", l.list, s.key),
                                label: format!("{}, dòng {}, {}", l.label, n + 1, s.label),
                                message: format!("«{}» không phải là số", crate::text::printable(v, 20)),
                            });
                            continue;
                        }
                    },
                    "bool" => serde_json::Value::Bool(matches!(v, "true" | "có" | "Có" | "1")),
                    _ if v.is_empty() => continue,
                    _ => serde_json::Value::String(v.to_owned()),
                };
                data.insert(s.key.clone(), value);
            }
            items.push(crate::domain::RefItem {
                code: i.code.clone(),
                label: i.label.clone(),
                data: if data.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(data) },
            });
        }
        out.push(crate::domain::RefList { list: l.list.clone(), label: l.label.clone(), items });
    }
    if errors.is_empty() { Ok(out) } else { Err(crate::Error::Invalid(crate::Invalid(errors))) }
}

/// The changes as the officer reads them.
pub fn changes_text(changes: &[crate::province::reference::Change], lists: &[RefListEdit]) -> Vec<String> {
    changes
        .iter()
        .map(|c| c.text(lists.iter().find(|l| l.list == c.list()).map_or(c.list(), |l| l.label.as_str())))
        .collect()
}

/// What sending the lists did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReferenceSent {
    /// "Đã ký và ghi gói danh mục phiên bản 2 cho các xã: …".
    pub message: String,
    pub path: String,
    pub changes: Vec<String>,
}

pub fn reference_sent(s: &crate::province::reference::Sent, lists: &[RefListEdit]) -> ReferenceSent {
    ReferenceSent {
        message: format!(
            "Đã ký và ghi gói danh mục phiên bản {} cho các xã ({} thay đổi): {}. Mang gói này đến từng xã \
(phongtrao bundle import); từ nay Công an tỉnh đối chiếu số liệu các xã gửi với danh mục này.",
            s.version,
            s.changes.len(),
            s.path.display()
        ),
        path: s.path.display().to_string(),
        changes: changes_text(&s.changes, lists),
    }
}

/// The province's first-run setup checked: the province from the official list (by its code, else
/// its name as typed, without accents), the chief's account (name, rank, password) and the password
/// typed twice the same. Its code and official name, or every bad field at once.
pub fn setup(
    province_code: &str,
    province: &str,
    chief: &crate::domain::account::NewAccount,
    again: &str,
) -> std::result::Result<(String, String), Vec<crate::FieldError>> {
    let units = crate::units::Units::builtin();
    let typed = if province_code.trim().is_empty() { province } else { province_code };
    let found = units.find_province(typed.trim());
    // The chief's account is judged as at a commune's setup, with a commune of the list standing in.
    let (code, name, commune) = match &found {
        Ok(p) => (p.code.clone(), p.name.clone(), units.communes_of(&p.code).first().map(|c| c.code.clone())),
        Err(_) => (String::new(), String::new(), None),
    };
    let stand_in = crate::Setup {
        province_code: code.clone(),
        province: String::new(),
        commune_code: commune.unwrap_or_default(),
        commune: String::new(),
        officer: chief.full_name.clone(),
    };
    let mut errors: Vec<crate::FieldError> = super::admin::setup_errors(&stand_in, chief, again)
        .into_iter()
        .filter(|e| !matches!(e.field.as_str(), "commune_code" | "commune" | "province_code" | "province"))
        .collect();
    if let Err(message) = found {
        errors.insert(0, crate::FieldError { field: "province".into(), label: "Tỉnh, thành phố".into(), message });
    }
    if errors.is_empty() { Ok((code, name)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_province_setup_reports_every_bad_field_and_no_commune_field() {
        let fields = |r: std::result::Result<(String, String), Vec<crate::FieldError>>| -> Vec<String> {
            r.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
        };
        let chief = super::super::admin::chief("", "", "ngắn");
        assert_eq!(fields(setup("", "", &chief, "khác")), ["province", "officer", "password", "rank"]);
        let chief = super::super::admin::chief("Trần Văn Bình", "Đại tá", "mat-khau-tinh");
        // By code, or by name typed without accents: the official name.
        assert_eq!(setup("51", "", &chief, "mat-khau-tinh").unwrap(), ("51".into(), "Quảng Ngãi".into()));
        assert_eq!(setup("", "quang ngai", &chief, "mat-khau-tinh").unwrap().0, "51");
        assert_eq!(fields(setup("51", "", &chief, "mat-khau-khac")), ["password_again"]);
        assert_eq!(fields(setup("", "khong co tinh nay", &chief, "mat-khau-tinh")), ["province"]);
    }
}

/// One target of a commune (or of the province's total) as the console shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetCell {
    pub code: String,
    pub label: String,
    /// "3" or "7/10 đơn vị (70%)".
    pub done: String,
    /// "12" or "80%".
    pub target: String,
    /// `done`, `on_track`, `behind`, `waiting`.
    pub pace: String,
    pub pace_text: String,
}

fn target_cell(t: &crate::steer::TargetProgress) -> TargetCell {
    TargetCell {
        code: t.code.clone(),
        label: t.label.clone(),
        done: t.done_text(),
        target: t.target_text(),
        pace: t.pace.code().into(),
        pace_text: t.pace.label().into(),
    }
}

/// A commune's targets and where they stand.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommuneTargets {
    pub commune_code: String,
    pub commune: String,
    /// "Kế hoạch của xã" or "Chỉ tiêu tỉnh giao".
    pub source: String,
    pub behind: u32,
    pub targets: Vec<TargetCell>,
}

/// An indicator a target may be set on.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IndicatorChoice {
    pub code: String,
    pub label: String,
    /// A share in percent (at most 100).
    pub percent: bool,
}

/// The year's targets across the province.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetsView {
    pub year: i32,
    pub communes: Vec<CommuneTargets>,
    /// The province's total (shares left out).
    pub total: Vec<TargetCell>,
    pub indicators: Vec<IndicatorChoice>,
    /// What the province set for the year, one line each ("Mọi xã: Số buổi tuyên truyền 12; …").
    pub set: Vec<String>,
}

/// Every commune's progress for `year` on `today`, and what the province set.
pub fn targets_view(
    p: &crate::sync::province::Province,
    year: i32,
    today: chrono::NaiveDate,
) -> crate::Result<TargetsView> {
    targets_page(p, year, today, &CommunesArgs::default())
}

/// [`targets_view`] with the communes searched by name or code and ordered as `asked`
/// ([`crate::province::targets::order_progress`]: `code`, `name`, `source`, `behind`, `targets`); the
/// province's total stays the province's.
pub fn targets_page(
    p: &crate::sync::province::Province,
    year: i32,
    today: chrono::NaiveDate,
    asked: &CommunesArgs,
) -> crate::Result<TargetsView> {
    let (communes, total) = crate::province::targets::progress(p, year, today)?;
    let communes = crate::province::targets::order_progress(communes, &asked.query())?;
    let indicators: Vec<crate::domain::RefItem> = crate::domain::RefSet::builtin()
        .lists
        .into_iter()
        .find(|l| l.list == "report_indicator")
        .map(|l| l.items)
        .unwrap_or_default();
    let label = |code: &str| indicators.iter().find(|i| i.code == code).map_or(code.to_owned(), |i| i.label.clone());
    let names = p.db().commune_names()?;
    let set = crate::province::targets::items(p)?
        .into_iter()
        .filter(|i| i.data.get("year").and_then(serde_json::Value::as_i64) == Some(i64::from(year)))
        .map(|i| {
            let who = i.data.get("commune").and_then(serde_json::Value::as_str).unwrap_or("*");
            let who = if who == "*" { "Mọi xã".to_owned() } else { crate::province::commune_name(&names, who) };
            let values: Vec<String> = i
                .data
                .get("targets")
                .and_then(serde_json::Value::as_object)
                .map(|t| t.iter().map(|(c, v)| format!("{} {}", label(c), v)).collect())
                .unwrap_or_default();
            format!("{who}: {}", values.join("; "))
        })
        .collect();
    Ok(TargetsView {
        year,
        communes: communes
            .iter()
            .map(|c| CommuneTargets {
                commune_code: c.commune_code.clone(),
                commune: c.commune.clone(),
                source: c.source.label().into(),
                behind: c.behind() as u32,
                targets: c.targets.iter().map(target_cell).collect(),
            })
            .collect(),
        total: total.iter().map(target_cell).collect(),
        indicators: indicators
            .iter()
            .map(|i| IndicatorChoice {
                code: i.code.clone(),
                label: i.label.clone(),
                percent: i.data.get("percent").and_then(serde_json::Value::as_bool) == Some(true),
            })
            .collect(),
        set,
    })
}

/// A commune's key areas as the console lists them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyAreaLine {
    pub commune_code: String,
    pub commune: String,
    /// "Đang chuyển hóa: 2 · Đã chuyển hóa: 1 · Hết thời hạn, chưa chuyển hóa: 0".
    pub counts: String,
    /// "Bãi sông Đắk Bla (hạn 30/06/2026)".
    pub overdue: Vec<String>,
}

pub fn key_area_line(c: &crate::province::targets::CommuneKeyAreas) -> KeyAreaLine {
    KeyAreaLine {
        commune_code: c.commune_code.clone(),
        commune: c.commune.clone(),
        counts: c.by_status.iter().map(|(_, l, n)| format!("{l}: {}", format_int(*n))).collect::<Vec<_>>().join(" · "),
        overdue: c.overdue.iter().map(|(name, d)| format!("{name} (hạn {})", crate::date::display(*d))).collect(),
    }
}

/// The key areas across the province on `today`, the communes searched by name or code and ordered
/// as `asked` ([`crate::province::targets::order_key_areas`]: `code`, `name`, `areas`, `overdue`).
pub fn key_areas_page(
    p: &crate::sync::province::Province,
    today: chrono::NaiveDate,
    asked: &CommunesArgs,
) -> crate::Result<Vec<KeyAreaLine>> {
    let all = crate::province::targets::key_areas(p, today)?;
    Ok(crate::province::targets::order_key_areas(all, &asked.query())?.iter().map(key_area_line).collect())
}

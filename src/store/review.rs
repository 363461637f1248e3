//! The commune's side of the province's review (migration 0009): the decisions the province sent,
//! the lock of an approved period, and the returned to-do list. The lock lives here, in the one
//! place every record write passes ([`Tx::write_version`]): a Store write, a certification step, a
//! model's life cycle, a spreadsheet row and a sync merge alike are refused when they write into an
//! approved period (`crate::period::touches`). The decision bundle itself is read in
//! `crate::sync::commune`.

use rusqlite::{Connection, params};
use serde::Serialize;
use uuid::Uuid;

use super::{Store, Tx};
use crate::domain::review::{self, Action, Decision, Reason};
use crate::domain::{Doc, Kind};
use crate::error::{Error, Result};

/// One reason of a return, as the commune's to-do list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnedItem {
    /// The decision's number and the reason's place in it (what marks it done by hand).
    pub decision: i64,
    pub i: i64,
    pub period: String,
    pub period_label: String,
    pub decided_by: String,
    pub decided_at: String,
    pub record_id: Option<Uuid>,
    pub kind: Option<Kind>,
    pub title: String,
    pub reason: String,
    /// When the record was next written (or the officer marked a general reason done).
    pub done_at: Option<String>,
}

/// A change of this laptop the province holds for its reviewer (it touches a period the province
/// approved), as its receipts list it: `decision` once a later receipt says what the reviewer decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceHeld {
    /// The hash of the bundle that carried the change.
    pub bundle: String,
    pub record_id: Uuid,
    pub kind: Kind,
    pub period: String,
    /// `accept` (the period reopened, the change in the province's figures) or `refuse`.
    pub decision: Option<String>,
    pub note: Option<String>,
    pub decided_at: Option<String>,
    pub received_at: String,
    /// The number of this laptop's bundle (from its exports), if it knows the hash.
    pub bundle_seq: Option<i64>,
}

/// The review's state one transaction reads once (`Tx::review_state`).
#[derive(Debug, Clone, Default)]
pub(super) struct ReviewCache {
    locks: Vec<Decision>,
    open_items: bool,
}

/// What applying a decision bundle did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionsApplied {
    /// The new decisions, in order (those already applied are not repeated).
    pub applied: Vec<Decision>,
}

const COLUMNS: &str = "n, id, period, label, start, end, action, decided_by, decided_at, note";

fn decision_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Decision> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.to_owned().into())
    };
    let id: String = r.get(1)?;
    let period: String = r.get(2)?;
    let start: String = r.get(4)?;
    let end: String = r.get(5)?;
    let action: String = r.get(6)?;
    let at: String = r.get(8)?;
    Ok(Decision {
        n: r.get(0)?,
        id: Uuid::parse_str(&id).map_err(|_| bad(1, "id"))?,
        period: period.parse().map_err(|_| bad(2, "period"))?,
        label: r.get(3)?,
        start: chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").map_err(|_| bad(4, "start"))?,
        end: chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d").map_err(|_| bad(5, "end"))?,
        action: Action::parse(&action).ok_or_else(|| bad(6, "action"))?,
        by: r.get(7)?,
        at: chrono::DateTime::parse_from_rfc3339(&at).map_err(|_| bad(8, "at"))?.with_timezone(&chrono::Utc),
        note: r.get(9)?,
        reasons: Vec::new(),
    })
}

/// Every decision, in order, with its reasons.
fn decisions(conn: &Connection) -> Result<Vec<Decision>> {
    let mut out: Vec<Decision> =
        super::all_rows(conn, &format!("SELECT {COLUMNS} FROM review_decision ORDER BY n"), [], decision_row)?;
    let reasons: Vec<(i64, Reason)> = super::all_rows(
        conn,
        "SELECT decision, record_id, kind, title, reason FROM returned_item WHERE i >= 0 ORDER BY decision, i",
        [],
        |r| {
            let id: Option<String> = r.get(1)?;
            let kind: Option<String> = r.get(2)?;
            Ok((
                r.get(0)?,
                Reason {
                    record_id: id.and_then(|s| Uuid::parse_str(&s).ok()),
                    kind: kind.and_then(|k| Kind::parse(&k)),
                    title: r.get(3)?,
                    reason: r.get(4)?,
                },
            ))
        },
    )?;
    for (n, reason) in reasons {
        if let Some(d) = out.iter_mut().find(|d| d.n == n) {
            d.reasons.push(reason);
        }
    }
    Ok(out)
}

/// The approved periods (without reasons: the lock needs only the window and who approved).
fn locks(conn: &Connection) -> Result<Vec<Decision>> {
    let all: Vec<Decision> =
        super::all_rows(conn, &format!("SELECT {COLUMNS} FROM review_decision ORDER BY n"), [], decision_row)?;
    Ok(review::locks(&all).into_iter().cloned().collect())
}

impl Store {
    /// Every decision the province sent on this commune's periods, in order.
    pub fn review_decisions(&self) -> Result<Vec<Decision>> {
        decisions(&self.conn)
    }

    /// The periods the province approved: no record of them can be written.
    pub fn locked_periods(&self) -> Result<Vec<Decision>> {
        locks(&self.conn)
    }

    /// Keeps the province bundle that brought `n` decisions (as the province signed it) in place
    /// of the one kept (`crate::sync::commune` decides which is newer): every peer bundle carries it
    /// to the commune's other laptops.
    pub fn keep_decision_bundle(&mut self, n: usize, bytes: &[u8]) -> Result<()> {
        self.write(|tx| {
            tx.tx.execute(
                "INSERT INTO decision_relay (one, n, bytes, received_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (one) DO UPDATE SET n = excluded.n, bytes = excluded.bytes, received_at = excluded.received_at",
                params![n as i64, bytes, chrono::Utc::now().to_rfc3339()],
            )?;
            Ok(())
        })
    }

    /// The province bundle kept for the commune's other laptops, as the province signed it.
    pub fn decision_bundle(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.kept_decision_bundle()?.map(|(_, bytes)| bytes))
    }

    /// The province bundle kept for the other laptops and how many decisions it carries.
    pub fn kept_decision_bundle(&self) -> Result<Option<(usize, Vec<u8>)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT n, bytes FROM decision_relay WHERE one = 1", [], |r| {
                Ok((r.get::<_, i64>(0)?.max(0) as usize, r.get(1)?))
            })
            .optional()?)
    }

    /// The reasons of every return, the open ones first, then by decision.
    pub fn returned_items(&self) -> Result<Vec<ReturnedItem>> {
        let mut items = super::all_rows(
            &self.conn,
            "SELECT i.decision, i.i, d.period, d.label, d.decided_by, d.decided_at, i.record_id, i.kind, i.title,
                    i.reason, i.done_at
             FROM returned_item i JOIN review_decision d ON d.n = i.decision
             ORDER BY i.done_at IS NOT NULL, i.decision DESC, i.i",
            [],
            |r| {
                let id: Option<String> = r.get(6)?;
                let kind: Option<String> = r.get(7)?;
                Ok(ReturnedItem {
                    decision: r.get(0)?,
                    i: r.get(1)?,
                    period: r.get(2)?,
                    period_label: r.get(3)?,
                    decided_by: r.get(4)?,
                    decided_at: r.get(5)?,
                    record_id: id.and_then(|s| Uuid::parse_str(&s).ok()),
                    kind: kind.and_then(|k| Kind::parse(&k)),
                    title: r.get(8)?,
                    reason: r.get(9)?,
                    done_at: r.get(10)?,
                })
            },
        )?;
        // A reason of a period approved or reopened since is no longer to be done.
        let all = decisions(&self.conn)?;
        let last = review::last_per_period(&all);
        items.retain(|it| last.iter().any(|d| d.period.to_string() == it.period && d.n == it.decision));
        Ok(items)
    }

    /// What the next bundle to the province says of the review (`answers.json`): the number of the
    /// last decision this store applied, and every reason of a return still standing (its period's
    /// last decision) that is done. Each bundle repeats them all: a lost bundle loses no answer.
    pub fn review_answers(&self) -> Result<(i64, Vec<review::Answer>)> {
        let applied: i64 = self.conn.query_row("SELECT coalesce(max(n), 0) FROM review_decision", [], |r| r.get(0))?;
        let answers = self
            .returned_items()?
            .into_iter()
            .filter_map(|t| {
                let done_at = chrono::DateTime::parse_from_rfc3339(t.done_at.as_deref()?).ok()?;
                Some(review::Answer {
                    decision: t.decision,
                    i: t.i,
                    record_id: t.record_id,
                    done_at: done_at.with_timezone(&chrono::Utc),
                })
            })
            .collect();
        Ok((applied, answers))
    }

    /// Records what a receipt says of this laptop's changes the province holds: new ones added, a
    /// decision the reviewer took since filled in (once). One transaction.
    pub fn record_province_held(&mut self, rows: &[ProvinceHeld]) -> Result<usize> {
        if rows.is_empty() {
            return Ok(0);
        }
        self.write(|tx| {
            let now = chrono::Utc::now().to_rfc3339();
            let mut n = 0;
            for h in rows {
                n += tx.tx.execute(
                    "INSERT INTO province_held (bundle, record_id, kind, period, decision, note, decided_at, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (bundle, record_id) DO UPDATE SET decision = excluded.decision, note = excluded.note,
                        decided_at = excluded.decided_at
                     WHERE province_held.decision IS NULL AND excluded.decision IS NOT NULL",
                    params![
                        h.bundle,
                        h.record_id.to_string(),
                        h.kind.code(),
                        h.period,
                        h.decision,
                        h.note,
                        h.decided_at,
                        now
                    ],
                )?;
            }
            if n > 0 {
                tx.audit("province_held", Some(&serde_json::json!({"rows": n})))?;
            }
            Ok(n)
        })
    }

    /// This laptop's changes the province holds or held for its reviewer, undecided first, newest first.
    pub fn province_held(&self) -> Result<Vec<ProvinceHeld>> {
        super::all_rows(
            &self.conn,
            "SELECT h.bundle, h.record_id, h.kind, h.period, h.decision, h.note, h.decided_at, h.received_at,
                    (SELECT e.seq FROM sync_export e WHERE e.hash = h.bundle)
             FROM province_held h ORDER BY h.decision IS NOT NULL, h.received_at DESC, h.record_id",
            [],
            |r| {
                let bad =
                    |i: usize| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, "held".into());
                let id: String = r.get(1)?;
                let kind: String = r.get(2)?;
                Ok(ProvinceHeld {
                    bundle: r.get(0)?,
                    record_id: Uuid::parse_str(&id).map_err(|_| bad(1))?,
                    kind: Kind::parse(&kind).ok_or_else(|| bad(2))?,
                    period: r.get(3)?,
                    decision: r.get(4)?,
                    note: r.get(5)?,
                    decided_at: r.get(6)?,
                    received_at: r.get(7)?,
                    bundle_seq: r.get(8)?,
                })
            },
        )
    }

    /// Marks a reason of a return done by hand (a general reason, or one the officer answered
    /// without editing the record).
    pub fn mark_returned_done(&mut self, decision: i64, i: i64) -> Result<()> {
        self.write(|tx| {
            let now = chrono::Utc::now().to_rfc3339();
            let n = tx.tx.execute(
                "UPDATE returned_item SET done_at = ?3 WHERE decision = ?1 AND i = ?2 AND done_at IS NULL",
                params![decision, i, now],
            )?;
            if n == 0 {
                return Err(Error::NotFound {
                    kind: "lý do trả lại chưa xử lý", id: format!("{decision}.{i}")
                });
            }
            tx.audit("review_item_done", Some(&serde_json::json!({"decision": decision, "i": i})))
        })
    }

    /// Applies the decisions of a verified decision bundle (`crate::sync::commune` checked who signed
    /// it, for whom and when): the bundle carries every decision on this commune, numbered 1…N. Those
    /// already applied must be the same (else the bundle rewrites the province's history: refused);
    /// the new ones are applied in order, each audited. With `strict`, a bundle bringing nothing new
    /// (a replay, or an older bundle after a newer one) is refused; a receipt carrying decisions is
    /// not strict. Every record a reason names must be one of this commune's. One transaction.
    pub fn apply_decisions(&mut self, bundle_seq: i64, all: &[Decision], strict: bool) -> Result<DecisionsApplied> {
        self.require(crate::Role::WRITES, "nhập quyết định của Công an tỉnh")?;
        let have = decisions(&self.conn)?;
        for (i, d) in all.iter().enumerate() {
            if d.n != i as i64 + 1 {
                return Err(Error::bundle(
                    "decision_numbering",
                    "Gói quyết định có số thứ tự quyết định không liền nhau: Công an tỉnh không tạo ra gói như vậy, có thể gói bị sửa. \
Không nhập gì. Hãy nhận lại gói trực tiếp từ Công an tỉnh.",
                ));
            }
        }
        for (old, new) in have.iter().zip(all) {
            if old.id != new.id || old.action != new.action || old.period != new.period {
                return Err(Error::bundle(
                    "decision_conflict",
                    format!(
                        "Quyết định số {} trong gói khác với quyết định số {} máy này đã nhận ({} kỳ {}). Không nhập gì. \
Hãy báo Công an tỉnh: gói có thể không phải của Công an tỉnh đã ghi danh, hoặc đã bị sửa.",
                        new.n,
                        old.n,
                        old.action.label(),
                        old.label
                    ),
                ));
            }
        }
        if all.len() <= have.len() {
            if !strict {
                return Ok(DecisionsApplied { applied: Vec::new() });
            }
            let last = have.last();
            return Err(if all.len() == have.len() {
                Error::bundle(
                    "decision_replay",
                    format!(
                        "Gói quyết định này đã được nhập trước đây (quyết định mới nhất: số {}, {} kỳ {}). Không thay đổi gì.",
                        last.map_or(0, |d| d.n),
                        last.map_or("", |d| d.action.label()),
                        last.map_or("", |d| d.label.as_str())
                    ),
                )
            } else {
                Error::bundle(
                    "decision_rollback",
                    format!(
                        "Gói quyết định này cũ hơn gói máy đã nhập: nó dừng ở quyết định số {}, máy đã có đến số {} ({} kỳ {}). \
Không nhập gì, để không quay lui quyết định của Công an tỉnh. Hãy dùng gói quyết định mới nhất.",
                        all.len(),
                        have.len(),
                        last.map_or("", |d| d.action.label()),
                        last.map_or("", |d| d.label.as_str())
                    ),
                )
            });
        }
        let new: Vec<Decision> = all[have.len()..].to_vec();
        self.write(|tx| {
            for d in &new {
                for r in &d.reasons {
                    let Some(id) = r.record_id else { continue };
                    let found = tx.record_any(id)?;
                    if found.is_none() || r.kind.is_some_and(|k| found.as_ref().is_some_and(|f| f.kind != k)) {
                        return Err(Error::bundle(
                            "decision_unknown_record",
                            format!(
                                "Quyết định số {} ({} kỳ {}) nêu bản ghi «{}» ({}) mà máy này không có. Không nhập gì. \
Gói có thể dành cho xã khác hoặc đã bị sửa; hãy báo Công an tỉnh.",
                                d.n,
                                d.action.label(),
                                d.label,
                                crate::text::printable(&r.title, 80),
                                id
                            ),
                        ));
                    }
                }
                tx.apply_decision(d, bundle_seq)?;
            }
            Ok(())
        })?;
        Ok(DecisionsApplied { applied: new })
    }
}

impl Tx<'_> {
    fn apply_decision(&mut self, d: &Decision, bundle_seq: i64) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339();
        let text = |s: &str, max: usize| crate::text::printable(&crate::text::clean(s), max);
        self.tx.execute(
            &format!("INSERT INTO review_decision ({COLUMNS}, bundle_seq, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
            params![
                d.n,
                d.id.to_string(),
                d.period.to_string(),
                text(&d.label, 200),
                d.start.to_string(),
                d.end.to_string(),
                d.action.code(),
                text(&d.by, 200),
                d.at.to_rfc3339(),
                text(&d.note, 2000),
                bundle_seq,
                now
            ],
        )?;
        // The general reason of a return is on the to-do list too (place -1: not one of `reasons`).
        let general = (d.action == Action::Return && !d.note.trim().is_empty())
            .then(|| (-1, Reason { record_id: None, kind: None, title: String::new(), reason: d.note.clone() }));
        for (i, r) in general.into_iter().chain(d.reasons.iter().cloned().enumerate().map(|(i, r)| (i as i64, r))) {
            self.tx.execute(
                "INSERT INTO returned_item (decision, i, record_id, kind, title, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    d.n,
                    i,
                    r.record_id.map(|id| id.to_string()),
                    r.kind.map(|k| k.code()),
                    text(&r.title, 200),
                    text(&r.reason, 2000)
                ],
            )?;
        }
        self.audit(
            &format!("review_{}", d.action.code()),
            Some(&serde_json::json!({
                "n": d.n, "period": d.period, "by": d.by, "at": d.at, "note": d.note, "reasons": d.reasons.len()
            })),
        )
    }

    /// What the review holds for this transaction, read once: the approved periods and whether any
    /// reason of a return is still open. A store of an older schema (before migration 0009) has none.
    fn review_state(&self) -> Result<ReviewCache> {
        if let Some(c) = self.review.borrow().as_ref() {
            return Ok(c.clone());
        }
        let exists = self
            .tx
            .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'review_decision'")?
            .exists([])?;
        let c = if exists {
            ReviewCache {
                locks: locks(&self.tx)?,
                open_items: self.tx.prepare_cached("SELECT 1 FROM returned_item WHERE done_at IS NULL")?.exists([])?,
            }
        } else {
            ReviewCache::default()
        };
        *self.review.borrow_mut() = Some(c.clone());
        Ok(c)
    }

    /// Refuses a write of record `id` (now `new`, `None` for a deletion) into an approved period:
    /// the lock, checked where every record write passes.
    pub(super) fn check_lock(&self, kind: Kind, id: Uuid, new: Option<(&Doc, &str)>) -> Result<()> {
        if !crate::period::is_dated(kind) {
            return Ok(());
        }
        let locks = self.review_state()?.locks;
        if locks.is_empty() {
            return Ok(());
        }
        let old = self.reader().record(id)?.filter(|r| !r.meta.deleted);
        for lock in &locks {
            if crate::period::touches(kind, old.as_ref().map(|r| &r.data), new.map(|(d, _)| d), &lock.window()) {
                let title = new
                    .map_or_else(|| old.as_ref().map(|r| r.title.clone()).unwrap_or_default(), |(_, t)| t.to_owned());
                return Err(Error::PeriodLocked(review::locked_message(kind, &title, lock)));
            }
        }
        Ok(())
    }

    /// The approval a change of record `id` from `old` to `new` writes into, if any (the same rule as
    /// [`Tx::check_lock`]).
    pub(super) fn lock_touched(&self, kind: Kind, old: Option<&Doc>, new: Option<&Doc>) -> Result<Option<Decision>> {
        if !crate::period::is_dated(kind) {
            return Ok(None);
        }
        Ok(self.review_state()?.locks.into_iter().find(|lock| crate::period::touches(kind, old, new, &lock.window())))
    }

    /// The record was written as change `seq`: the open reasons of a return naming it are done.
    pub(super) fn answer_returned(&self, id: Uuid, seq: i64) -> Result<()> {
        if !self.review_state()?.open_items {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "UPDATE returned_item SET done_at = ?2, done_seq = ?3 WHERE record_id = ?1 AND done_at IS NULL",
            )?
            .execute(params![id.to_string(), chrono::Utc::now().to_rfc3339(), seq])?;
        Ok(())
    }
}

//! The province console's reads and writes on the province store (migration province 0003): the
//! bundles imported with their signed creation times, the communes' names, the records by commune
//! for the figures, the quarantine queue and its decisions, the reporting rules and the province's
//! audit log. The rules are in `crate::province`; this module only reads and writes.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::province::ProvinceDb;
use crate::error::{Error, Result};

/// One record row as [`ProvinceDb::each_record`] passes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredRecord<'a> {
    pub commune_code: &'a str,
    pub id: &'a str,
    pub kind: &'a str,
    /// `None` for a tombstone.
    pub data: Option<&'a str>,
    pub hlc: i64,
    pub origin: &'a str,
}

/// One imported bundle as the roster judges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleRow {
    pub hash: String,
    pub key_id: String,
    pub installation_id: String,
    pub commune_code: String,
    pub epoch: i64,
    pub seq: i64,
    /// The signed creation time (RFC 3339); `None` for bundles imported before the console existed.
    pub created_at: Option<String>,
    pub imported_at: String,
}

/// A quarantined record with its commune and the decision taken on it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineEntry {
    pub bundle: String,
    pub installation_id: String,
    pub commune_code: String,
    pub record_id: String,
    pub kind: String,
    pub reason: String,
    /// The record's line as it came in the bundle.
    pub data: Option<String>,
    pub at: String,
    pub decision: Option<Decision>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// `accept` or `refuse`.
    pub decision: String,
    pub note: String,
    pub decided_by: String,
    pub decided_at: String,
}

/// A record a decision brings into the communes' records (its latest state wins as on import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedRecord {
    pub id: String,
    pub kind: String,
    pub data: Option<String>,
    pub hlc: i64,
    pub origin: String,
}

/// One entry of the province's audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceAudit {
    pub n: i64,
    pub at: String,
    pub who: String,
    pub action: String,
    pub subject: Option<String>,
    pub detail: String,
    pub prev: String,
    pub hash: String,
}

fn audit_hash(prev: &str, at: &str, who: &str, action: &str, subject: Option<&str>, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, at, who, action, subject.unwrap_or(""), detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    crate::crypto::hex(&h.finalize())
}

pub(super) fn audit(
    tx: &rusqlite::Transaction<'_>,
    at: &str,
    who: &str,
    action: &str,
    subject: Option<&str>,
    detail: &serde_json::Value,
) -> Result<()> {
    let prev: String = tx
        .query_row("SELECT hash FROM province_audit ORDER BY n DESC LIMIT 1", [], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let detail = detail.to_string();
    let hash = audit_hash(&prev, at, who, action, subject, &detail);
    tx.execute(
        "INSERT INTO province_audit (at, who, action, subject, detail, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![at, who, action, subject, detail, prev, hash],
    )?;
    Ok(())
}

const QUEUE: &str =
    "SELECT q.bundle, q.installation_id, coalesce(b.commune_code, ''), q.record_id, q.kind, q.reason, q.data, q.at,
        d.decision, d.note, d.decided_by, d.decided_at
 FROM quarantine q
 LEFT JOIN bundle_import b ON b.hash = q.bundle
 LEFT JOIN quarantine_decision d ON d.bundle = q.bundle AND d.record_id = q.record_id
 ORDER BY q.at DESC, b.commune_code, q.record_id";

/// What a [`BundleRow`] is read from.
const BUNDLE_COLUMNS: &str = "hash, key_id, installation_id, commune_code, epoch, seq, created_at, imported_at";

fn bundle_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BundleRow> {
    Ok(BundleRow {
        hash: r.get(0)?,
        key_id: r.get(1)?,
        installation_id: r.get(2)?,
        commune_code: r.get(3)?,
        epoch: r.get(4)?,
        seq: r.get(5)?,
        created_at: r.get(6)?,
        imported_at: r.get(7)?,
    })
}

/// One entry of the quarantine queue, as [`QUEUE`] reads it.
fn queue_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<QuarantineEntry> {
    let decision: Option<String> = r.get(8)?;
    Ok(QuarantineEntry {
        bundle: r.get(0)?,
        installation_id: r.get(1)?,
        commune_code: r.get(2)?,
        record_id: r.get(3)?,
        kind: r.get(4)?,
        reason: r.get(5)?,
        data: r.get(6)?,
        at: r.get(7)?,
        decision: match decision {
            Some(decision) => {
                Some(Decision { decision, note: r.get(9)?, decided_by: r.get(10)?, decided_at: r.get(11)? })
            }
            None => None,
        },
    })
}

impl ProvinceDb {
    /// A setting of the province (kept in `province_meta`), e.g. the reporting rules as JSON.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM province_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Sets a setting, with an audit entry, in one transaction.
    pub fn set_setting(&mut self, key: &str, value: &str, who: &str, now: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let old: Option<String> =
            tx.query_row("SELECT value FROM province_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?;
        tx.execute(
            "INSERT INTO province_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        audit(&tx, now, who, "setting", Some(key), &serde_json::json!({"old": old, "new": value}))?;
        tx.commit()?;
        Ok(())
    }

    /// Every version of the reference lists the province sent, oldest first: (version, the set as JSON).
    pub fn references_sent(&self) -> Result<Vec<(i64, String)>> {
        super::all_rows(&self.conn, "SELECT version, lists FROM province_reference ORDER BY version", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }

    /// How many versions of the reference lists were sent, and the newest: the kept versions are
    /// never changed nor deleted (triggers), so this names what [`ProvinceDb::references_sent`] returns.
    pub fn references_mark(&self) -> Result<(i64, i64)> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*), coalesce(max(version), 0) FROM province_reference")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// Keeps a version of the reference lists as sent, with an audit entry, in one transaction. A
    /// version already kept with the same lists is not kept twice; with other lists it is refused.
    pub fn keep_reference(&mut self, version: i64, lists: &str, who: &str, now: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let kept: Option<String> = tx
            .query_row("SELECT lists FROM province_reference WHERE version = ?1", [version], |r| r.get(0))
            .optional()?;
        match kept {
            Some(k) if k == lists => return Ok(()),
            Some(_) => {
                return Err(crate::Error::field(
                    "version",
                    "Phiên bản danh mục",
                    format!("phiên bản {version} đã gửi các xã với nội dung khác; hãy tăng số phiên bản"),
                ));
            }
            None => {}
        }
        tx.execute(
            "INSERT INTO province_reference (version, lists, written_at, written_by) VALUES (?1, ?2, ?3, ?4)",
            params![version, lists, now, who],
        )?;
        audit(&tx, now, who, "reference_send", Some(&version.to_string()), &serde_json::json!({"version": version}))?;
        tx.commit()?;
        Ok(())
    }

    /// The communes' names by code.
    pub fn commune_names(&self) -> Result<Vec<(String, String)>> {
        super::all_rows(&self.conn, "SELECT code, name FROM commune ORDER BY code", [], |r| Ok((r.get(0)?, r.get(1)?)))
    }

    /// Names a commune (or renames it).
    pub fn set_commune_name(&mut self, code: &str, name: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO commune (code, name) VALUES (?1, ?2) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            params![code, name],
        )?;
        Ok(())
    }

    /// Every imported bundle, by commune, installation and number.
    pub fn bundles(&self) -> Result<Vec<BundleRow>> {
        super::all_rows(
            &self.conn,
            &format!("SELECT {BUNDLE_COLUMNS} FROM bundle_import ORDER BY commune_code, installation_id, epoch, seq"),
            [],
            bundle_row,
        )
    }

    /// The bundles of commune `code` made at or after `from` (RFC 3339 in UTC, as the import writes
    /// the times: their text sorts as the instants do), in the order they were made, until `more`
    /// says no (the province migration 0012's index: what a year's roster judges, not every bundle).
    pub fn bundles_made_from(&self, code: &str, from: &str, more: &mut dyn FnMut(BundleRow) -> bool) -> Result<()> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {BUNDLE_COLUMNS} FROM bundle_import WHERE commune_code = ?1 AND created_at >= ?2 ORDER BY created_at"
        ))?;
        let mut rows = st.query(params![code, from])?;
        while let Some(r) = rows.next()? {
            if !more(bundle_row(r)?) {
                break;
            }
        }
        Ok(())
    }

    /// The bundle of commune `code` imported last (of two imported at the same time, the later in
    /// its chain, as the roster took it from every bundle).
    pub fn last_imported(&self, code: &str) -> Result<Option<BundleRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {BUNDLE_COLUMNS} FROM bundle_import WHERE commune_code = ?1
                 ORDER BY imported_at DESC, installation_id DESC, epoch DESC, seq DESC LIMIT 1"
            ))?
            .query_row([code], bundle_row)
            .optional()?)
    }

    /// The clock flags kept of commune `code`'s bundles (province migration 0012), in the order of
    /// its chains: (the bundle, whether made after its import (else before the previous one), the
    /// previous one's number).
    pub fn clock_flags(&self, code: &str) -> Result<Vec<(BundleRow, bool, Option<i64>)>> {
        let cols: Vec<String> = BUNDLE_COLUMNS.split(", ").map(|c| format!("b.{c}")).collect();
        super::all_rows(
            &self.conn,
            &format!(
                "SELECT {}, f.kind = 'after_import', p.seq FROM bundle_clock_flag f
                 JOIN bundle_import b ON b.hash = f.hash LEFT JOIN bundle_import p ON p.hash = f.previous
                 WHERE f.commune_code = ?1
                 ORDER BY b.installation_id, b.epoch, b.seq, f.kind = 'before_previous'",
                cols.join(", ")
            ),
            [code],
            |r| Ok((bundle_row(r)?, r.get(8)?, r.get(9)?)),
        )
    }

    /// Per commune, the quarantined records and the changes to approved periods not yet decided.
    pub fn waiting_counts(&self) -> Result<std::collections::HashMap<String, (usize, usize)>> {
        let mut out: std::collections::HashMap<String, (usize, usize)> = std::collections::HashMap::new();
        for (code, n) in super::all_rows(
            &self.conn,
            "SELECT coalesce(b.commune_code, ''), count(*) FROM quarantine q
             LEFT JOIN bundle_import b ON b.hash = q.bundle
             WHERE NOT EXISTS (SELECT 1 FROM quarantine_decision d WHERE d.bundle = q.bundle AND d.record_id = q.record_id)
             GROUP BY 1",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )? {
            out.entry(code).or_default().0 = usize::try_from(n).unwrap_or(0);
        }
        for (code, n) in super::all_rows(
            &self.conn,
            "SELECT commune_code, count(*) FROM held_change WHERE decision IS NULL GROUP BY commune_code",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )? {
            out.entry(code).or_default().1 = usize::try_from(n).unwrap_or(0);
        }
        Ok(out)
    }

    /// Streams every record of the given kinds (tombstones included), commune by commune and by id.
    /// Nothing is held in memory but one row.
    pub fn each_record(
        &self,
        commune: Option<&str>,
        kinds: &[&str],
        f: &mut dyn FnMut(&StoredRecord<'_>) -> Result<()>,
    ) -> Result<()> {
        let marks = vec!["?"; kinds.len()].join(", ");
        let sql = format!(
            "SELECT commune_code, id, kind, data, hlc, origin FROM record
             WHERE kind IN ({marks}) AND (?{n} IS NULL OR commune_code = ?{n})
             ORDER BY commune_code, id",
            n = kinds.len() + 1
        );
        let mut st = self.conn.prepare(&sql)?;
        let args: Vec<Option<&str>> = kinds.iter().map(|k| Some(*k)).chain(std::iter::once(commune)).collect();
        let mut rows = st.query(rusqlite::params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            let id: String = r.get(1)?;
            let kind: String = r.get(2)?;
            let data: Option<String> = r.get(3)?;
            let origin: String = r.get(5)?;
            f(&StoredRecord {
                commune_code: &code,
                id: &id,
                kind: &kind,
                data: data.as_deref(),
                hlc: r.get(4)?,
                origin: &origin,
            })?;
        }
        Ok(())
    }

    /// Every record of the given kinds of one commune (tombstones included), in no set order, each
    /// row read where it lies (nothing copied): what the figures read. The index on commune and kind
    /// finds them; nothing is sorted.
    pub fn each_record_in(
        &self,
        commune: &str,
        kinds: &[&str],
        f: &mut dyn FnMut(&StoredRecord<'_>) -> Result<()>,
    ) -> Result<()> {
        let marks: Vec<String> = (0..kinds.len()).map(|i| format!("?{}", i + 2)).collect();
        let sql = format!(
            "SELECT commune_code, id, kind, data, hlc, origin FROM record WHERE commune_code = ?1 AND kind IN ({})",
            marks.join(", ")
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(std::iter::once(commune).chain(kinds.iter().copied())))?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str()?) };
            f(&StoredRecord {
                commune_code: text(0)?,
                id: text(1)?,
                kind: text(2)?,
                data: r.get_ref(3)?.as_str_or_null().map_err(rusqlite::Error::from)?,
                hlc: r.get(4)?,
                origin: text(5)?,
            })?;
        }
        Ok(())
    }

    /// The quarantine queue: every record put aside, with its commune and decision, newest first.
    pub fn quarantine_queue(&self) -> Result<Vec<QuarantineEntry>> {
        super::all_rows(&self.conn, QUEUE, [], queue_entry)
    }

    /// Records a decision on a quarantined record, merges the record if it is accepted (its latest
    /// state wins, as on import) and writes the audit entry, all in one transaction.
    pub fn decide_quarantine(
        &mut self,
        entry: &QuarantineEntry,
        accept: Option<&AcceptedRecord>,
        note: &str,
        who: &str,
        now: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let decision = if accept.is_some() { "accept" } else { "refuse" };
        let done = tx.execute(
            "INSERT INTO quarantine_decision (bundle, record_id, decision, note, decided_by, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![entry.bundle, entry.record_id, decision, note, who, now],
        )?;
        if done == 0 {
            return Err(Error::Refused(format!(
                "Bản ghi {} đã được quyết định trước đây; mỗi bản ghi bị cách ly chỉ quyết định một lần.",
                entry.record_id
            )));
        }
        if let Some(r) = accept {
            super::province::merge_record(
                &tx,
                &super::province::MergedState {
                    installation_id: &entry.installation_id,
                    id: &r.id,
                    commune_code: &entry.commune_code,
                    kind: &r.kind,
                    data: r.data.as_deref(),
                    hlc: r.hlc,
                    origin: &r.origin,
                    bundle: &entry.bundle,
                },
            )?;
        }
        audit(
            &tx,
            now,
            who,
            &format!("quarantine_{decision}"),
            Some(&entry.record_id),
            &serde_json::json!({"bundle": entry.bundle, "commune": entry.commune_code, "kind": entry.kind, "note": note}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The province's audit log, oldest first.
    pub fn audit_log(&self) -> Result<Vec<ProvinceAudit>> {
        super::all_rows(
            &self.conn,
            "SELECT n, at, who, action, subject, detail, prev, hash FROM province_audit ORDER BY n",
            [],
            |r| {
                Ok(ProvinceAudit {
                    n: r.get(0)?,
                    at: r.get(1)?,
                    who: r.get(2)?,
                    action: r.get(3)?,
                    subject: r.get(4)?,
                    detail: r.get(5)?,
                    prev: r.get(6)?,
                    hash: r.get(7)?,
                })
            },
        )
    }

    /// Whether every audit entry's hash and link are right.
    pub fn audit_intact(&self) -> Result<bool> {
        let mut prev = String::new();
        for e in self.audit_log()? {
            if e.prev != prev
                || e.hash != audit_hash(&e.prev, &e.at, &e.who, &e.action, e.subject.as_deref(), &e.detail)
            {
                return Ok(false);
            }
            prev = e.hash;
        }
        Ok(true)
    }

    /// The demo province only: back-dates a commune key's registration and revocation.
    pub fn backdate_installation(&mut self, key_id: &str, registered_at: &str, revoked_at: Option<&str>) -> Result<()> {
        self.conn.execute(
            "UPDATE installation SET registered_at = ?2, revoked_at = coalesce(?3, revoked_at) WHERE key_id = ?1",
            params![key_id, registered_at, revoked_at],
        )?;
        Ok(())
    }
}

impl ProvinceDb {
    /// Revokes a key with the reason, audited, in one transaction. Returns whether it was live.
    pub fn revoke_noted(&mut self, key_id: &str, reason: &str, who: &str, now: &str) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE installation SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at IS NULL",
            params![key_id, now],
        )?;
        if n == 1 {
            audit(&tx, now, who, "key_revoke", Some(key_id), &serde_json::json!({"reason": reason}))?;
        }
        tx.commit()?;
        Ok(n == 1)
    }
}

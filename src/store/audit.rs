//! The append-only audit log, chained by SHA-256.
//!
//! Entry `n` stores `hash = sha256(canonical JSON of [n, at, actor, action, kind, record_id, old, new,
//! prev_hash])` where `prev_hash` is entry `n-1`'s hash (64 zeros for the first). Triggers refuse
//! UPDATE and DELETE; `meta.audit_head` holds the last entry's `n:hash`, so an edited entry, a removed
//! entry and a cut-off tail are all found by [`verify`].

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::crypto::sha256_hex;
use crate::domain::Kind;
use crate::error::Result;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub n: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub kind: Option<String>,
    pub record_id: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    fn compute_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.n,
            self.at,
            self.actor,
            self.action,
            self.kind,
            self.record_id,
            self.old,
            self.new,
            self.prev_hash
        ]);
        sha256_hex(canonical.to_string().as_bytes())
    }
}

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    pub entries: i64,
    /// Vietnamese descriptions of every break found; empty when the log is intact.
    pub problems: Vec<String>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What an audit entry says changed: the record (its kind and id), if any, and its values before and
/// after. An event about no record (a login, an export) has only `new`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Audited<'a> {
    pub kind: Option<Kind>,
    pub id: Option<Uuid>,
    pub old: Option<&'a Value>,
    pub new: Option<&'a Value>,
}

pub(super) fn append(conn: &Connection, actor: &str, action: &str, change: Audited<'_>) -> Result<()> {
    let Audited { kind, id, old, new } = change;
    let head: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'audit_head'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let (n, prev_hash) = match head.as_deref().and_then(|h| h.split_once(':')) {
        Some((n, h)) => (n.parse::<i64>().unwrap_or(0) + 1, h.to_owned()),
        None => (1, GENESIS.to_owned()),
    };
    let mut e = Entry {
        n,
        at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        actor: actor.to_owned(),
        action: action.to_owned(),
        kind: kind.map(|k| k.code().to_owned()),
        record_id: id.map(|i| i.to_string()),
        old: old.map(Value::to_string),
        new: new.map(Value::to_string),
        prev_hash,
        hash: String::new(),
    };
    e.hash = e.compute_hash();
    conn.prepare_cached(
        "INSERT INTO audit (n, at, actor, action, kind, record_id, old, new, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![e.n, e.at, e.actor, e.action, e.kind, e.record_id, e.old, e.new, e.prev_hash, e.hash])?;
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([format!("{}:{}", e.n, e.hash)])?;
    Ok(())
}

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        n: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        kind: r.get(4)?,
        record_id: r.get(5)?,
        old: r.get(6)?,
        new: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

const COLUMNS: &str = "n, at, actor, action, kind, record_id, old, new, prev_hash, hash";

pub(super) fn verify(conn: &Connection) -> Result<AuditReport> {
    let mut st = conn.prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY n"))?;
    let mut rows = st.query([])?;
    let mut problems = Vec::new();
    let mut expected_n = 1;
    let mut prev = GENESIS.to_owned();
    let mut count = 0;
    while let Some(row) = rows.next()? {
        let e = entry_from_row(row)?;
        count += 1;
        if e.n != expected_n {
            problems.push(format!("Thiếu mục nhật ký số {expected_n} đến {} (đã bị xóa).", e.n - 1));
        }
        if e.prev_hash != prev {
            problems.push(format!("Mục nhật ký số {} không nối tiếp mục trước (chuỗi băm bị đứt).", e.n));
        }
        if e.compute_hash() != e.hash {
            problems.push(format!("Mục nhật ký số {} ({} lúc {}) đã bị sửa sau khi ghi.", e.n, e.action, e.at));
        }
        prev = e.hash.clone();
        expected_n = e.n + 1;
    }
    let head: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0)).optional()?;
    let last = format!("{}:{}", expected_n - 1, prev);
    match head {
        Some(h) if h != last => problems.push(format!(
            "Các mục cuối của nhật ký đã bị xóa hoặc thay (mục cuối ghi nhận là số {}, hiện còn đến số {}).",
            h.split(':').next().unwrap_or("?"),
            expected_n - 1
        )),
        None if count > 0 => problems.push("Không tìm thấy dấu mục cuối của nhật ký.".into()),
        _ => {}
    }
    Ok(AuditReport { entries: count, problems })
}

pub(super) fn tail(conn: &Connection, limit: u32) -> Result<Vec<Entry>> {
    super::all_rows(conn, &format!("SELECT {COLUMNS} FROM audit ORDER BY n DESC LIMIT ?1"), [limit], entry_from_row)
}

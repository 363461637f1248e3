//! The province store's side of its inspections of the communes (province migration 0008): each
//! inspection with its tasks, and the province's verdict on each answer a commune sent up. The rules
//! are in `crate::province::inspections` and `crate::domain::inspection`; this module only reads and
//! writes.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::province::ProvinceDb;
use super::province_console::audit;
use crate::domain::{Doc, Kind};
use crate::error::{Error, Result};

/// An inspection the province made, with its tasks (by deadline, then as made).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentInspection {
    pub id: Uuid,
    pub commune_code: String,
    pub fields: Doc,
    pub username: String,
    pub created_at: String,
    pub tasks: Vec<(Uuid, Doc)>,
}

/// A verdict the province gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredVerdict {
    pub answer_id: Uuid,
    pub remedy_id: Uuid,
    pub commune_code: String,
    /// verdict, verdict_reason, reviewed_by, reviewed_on.
    pub fields: Doc,
    pub username: String,
    pub decided_at: String,
}

fn doc(s: &str) -> Result<Doc> {
    serde_json::from_str(s).map_err(|e| Error::Json(e.to_string()))
}

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap_or_default()
}

fn json(d: &Doc) -> Result<String> {
    serde_json::to_string(d).map_err(|e| Error::Json(e.to_string()))
}

impl ProvinceDb {
    /// Records an inspection of `commune_code` and its tasks with the audit entry, in one transaction.
    pub fn add_inspection(
        &mut self,
        commune_code: &str,
        id: Uuid,
        fields: &Doc,
        tasks: &[(Uuid, Doc)],
        username: &str,
        now: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO inspection_sent (id, commune_code, data, username, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), commune_code, json(fields)?, username, now],
        )?;
        for (t, d) in tasks {
            tx.execute(
                "INSERT INTO remedy_sent (id, inspection_id, commune_code, data) VALUES (?1, ?2, ?3, ?4)",
                params![t.to_string(), id.to_string(), commune_code, json(d)?],
            )?;
        }
        audit(
            &tx,
            now,
            username,
            "inspection_add",
            Some(commune_code),
            &serde_json::json!({"id": id, "fields": fields, "tasks": tasks.len()}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The province's inspections (one commune's with `commune`), oldest first, with their tasks.
    pub fn sent_inspections(&self, commune: Option<&str>) -> Result<Vec<SentInspection>> {
        let rows: Vec<(String, String, String, String, String)> = super::all_rows(
            &self.conn,
            "SELECT id, commune_code, data, username, created_at FROM inspection_sent
             WHERE ?1 IS NULL OR commune_code = ?1 ORDER BY created_at, id",
            [commune],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let tasks: Vec<(String, String, String)> = super::all_rows(
            &self.conn,
            "SELECT id, inspection_id, data FROM remedy_sent WHERE ?1 IS NULL OR commune_code = ?1
             ORDER BY json_extract(data, '$.deadline'), rowid",
            [commune],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        rows.into_iter()
            .map(|(id, commune_code, data, username, created_at)| {
                let mine = tasks
                    .iter()
                    .filter(|(_, i, _)| *i == id)
                    .map(|(t, _, d)| Ok((uuid(t), doc(d)?)))
                    .collect::<Result<Vec<_>>>()?;
                Ok(SentInspection {
                    id: uuid(&id),
                    commune_code,
                    fields: doc(&data)?,
                    username,
                    created_at,
                    tasks: mine,
                })
            })
            .collect()
    }

    /// The province's verdicts (one commune's with `commune`), in the order given.
    pub fn verdicts(&self, commune: Option<&str>) -> Result<Vec<StoredVerdict>> {
        let rows: Vec<(String, String, String, String, String, String)> = super::all_rows(
            &self.conn,
            "SELECT answer_id, remedy_id, commune_code, data, username, decided_at FROM remedy_verdict
             WHERE ?1 IS NULL OR commune_code = ?1 ORDER BY decided_at, answer_id",
            [commune],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
        rows.into_iter()
            .map(|(a, t, commune_code, data, username, decided_at)| {
                Ok(StoredVerdict {
                    answer_id: uuid(&a),
                    remedy_id: uuid(&t),
                    commune_code,
                    fields: doc(&data)?,
                    username,
                    decided_at,
                })
            })
            .collect()
    }

    /// Records the province's verdict on an answer with its audit entry, in one transaction (the
    /// table refuses a second verdict on the same answer).
    pub fn add_verdict(&mut self, v: &StoredVerdict) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO remedy_verdict (answer_id, remedy_id, commune_code, data, username, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                v.answer_id.to_string(),
                v.remedy_id.to_string(),
                v.commune_code,
                json(&v.fields)?,
                v.username,
                v.decided_at
            ],
        )?;
        audit(
            &tx,
            &v.decided_at,
            &v.username,
            "remedy_verdict",
            Some(&v.commune_code),
            &serde_json::json!({"answer": v.answer_id, "remedy": v.remedy_id, "fields": v.fields}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// What the province signed about record `id`: an inspection's or task's fields as made, or the
    /// verdict's fields it gave an answer.
    pub fn signed_doc(&self, id: Uuid) -> Result<Option<Doc>> {
        let data: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT data FROM inspection_sent WHERE id = ?1 UNION ALL SELECT data FROM remedy_sent WHERE id = ?1
                 UNION ALL SELECT data FROM remedy_verdict WHERE answer_id = ?1 LIMIT 1",
            )?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?;
        data.map(|s| doc(&s)).transpose()
    }

    /// An inspection or task the province made, as made (a commune's answer links to it).
    pub fn sent_doc(&self, kind: Kind, id: Uuid) -> Result<Option<Doc>> {
        let sql = match kind {
            Kind::Inspection => "SELECT data FROM inspection_sent WHERE id = ?1",
            Kind::Remedy => "SELECT data FROM remedy_sent WHERE id = ?1",
            _ => return Ok(None),
        };
        let data: Option<String> =
            self.conn.prepare_cached(sql)?.query_row([id.to_string()], |r| r.get(0)).optional()?;
        data.map(|s| doc(&s)).transpose()
    }

    /// A commune's record by id, whatever the commune: the latest state across installations
    /// (commune code, kind, fields; `None` fields: deleted).
    pub fn record_by_id(&self, id: Uuid) -> Result<Option<(String, String, Option<Doc>)>> {
        let row: Option<(String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT commune_code, kind, data FROM record WHERE id = ?1 ORDER BY hlc DESC, origin DESC LIMIT 1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(c, k, d)| Ok((c, k, d.map(|d| doc(&d)).transpose()?))).transpose()
    }
}

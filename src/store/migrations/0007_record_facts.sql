-- 0007: record facts and counts: what the store counts or looks up often, kept out of the records' JSON.
--
-- The dashboard counts live records per register, groups activities by date and category, members by
-- team and role (and finds them by birth date), reviews by model with their latest date, models by kind
-- and status, and checks every model's founding date and areas and every area's households. Reading
-- those out of `record.data` read, and in an encrypted store decrypted, most of the file (at demo --scale
-- 100: 2.4 s from launch to the dashboard and 251 MB resident). The certification finds a unit's record
-- of a year by its subject, which scanned every certification record's JSON for each step taken; and
-- a meeting a certification's bình xét stands on must not be deleted.
--
-- `record_fact` keeps those fields of every live record of these kinds in a narrow table clustered by
-- kind, and `record_count` the number of live records per kind, so that the dashboard reads a few
-- hundred kilobytes and a lookup is a seek.
--
-- Triggers keep both: every insert, update and delete of a record changes them in the same statement,
-- whatever path wrote it (the store's write transaction, a restore, a sync import), so they can never
-- disagree with the records. Tombstones have no facts and are not counted. The view `record_fact_of`
-- says once which field goes to which column; each column is used only for the kinds noted
-- (src/store/query.rs, FACTS, maps a kind's field to its column).
CREATE TABLE record_fact (
    kind          TEXT NOT NULL,
    rid           INTEGER NOT NULL,   -- record.rowid
    id            TEXT NOT NULL,      -- record.id
    date          TEXT,               -- activity, review: date
    category      TEXT,               -- activity: category
    team_id       TEXT,               -- member: team_id
    role          TEXT,               -- member: role
    date_of_birth TEXT,               -- member: date_of_birth
    model_id      TEXT,               -- review: model_id
    model_kind    TEXT,               -- model: kind
    status        TEXT,               -- model: status
    founded_on    TEXT,               -- model: founded_on
    area_ids      TEXT,               -- model: area_ids (a JSON array)
    households    TEXT,               -- area: households
    households_registered TEXT,       -- area: households_registered
    year          TEXT,               -- cert: year
    subject       TEXT,               -- cert: subject (khu_dan_cu, …, xa)
    area_id       TEXT,               -- cert: area_id
    unit_id       TEXT,               -- cert: unit_id
    meeting_id    TEXT,               -- cert: review.meeting_id (the bình xét meeting it stands on)
    PRIMARY KEY (kind, rid)
) STRICT, WITHOUT ROWID;

CREATE VIEW record_fact_of AS
SELECT
    kind, rowid AS rid, id,
    CASE WHEN kind IN ('activity', 'review') THEN CAST(json_extract(data, '$.date') AS TEXT) END AS date,
    CASE WHEN kind = 'activity' THEN CAST(json_extract(data, '$.category') AS TEXT) END AS category,
    CASE WHEN kind = 'member' THEN CAST(json_extract(data, '$.team_id') AS TEXT) END AS team_id,
    CASE WHEN kind = 'member' THEN CAST(json_extract(data, '$.role') AS TEXT) END AS role,
    CASE WHEN kind = 'member' THEN CAST(json_extract(data, '$.date_of_birth') AS TEXT) END AS date_of_birth,
    CASE WHEN kind = 'review' THEN CAST(json_extract(data, '$.model_id') AS TEXT) END AS model_id,
    CASE WHEN kind = 'model' THEN CAST(json_extract(data, '$.kind') AS TEXT) END AS model_kind,
    CASE WHEN kind = 'model' THEN CAST(json_extract(data, '$.status') AS TEXT) END AS status,
    CASE WHEN kind = 'model' THEN CAST(json_extract(data, '$.founded_on') AS TEXT) END AS founded_on,
    CASE WHEN kind = 'model' THEN json_extract(data, '$.area_ids') END AS area_ids,
    CASE WHEN kind = 'area' THEN CAST(json_extract(data, '$.households') AS TEXT) END AS households,
    CASE WHEN kind = 'area' THEN CAST(json_extract(data, '$.households_registered') AS TEXT) END AS households_registered,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.year') AS TEXT) END AS year,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.subject') AS TEXT) END AS subject,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.area_id') AS TEXT) END AS area_id,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.unit_id') AS TEXT) END AS unit_id,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.review.meeting_id') AS TEXT) END AS meeting_id
FROM record
WHERE deleted = 0 AND kind IN ('activity', 'member', 'review', 'model', 'area', 'cert');

CREATE TABLE record_count (
    kind TEXT PRIMARY KEY,
    live INTEGER NOT NULL CHECK (live >= 0)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER record_fact_insert AFTER INSERT ON record
BEGIN
    INSERT INTO record_fact SELECT * FROM record_fact_of WHERE rid = new.rowid;
    INSERT INTO record_count (kind, live) SELECT new.kind, 1 WHERE new.deleted = 0
        ON CONFLICT (kind) DO UPDATE SET live = live + 1;
END;

CREATE TRIGGER record_fact_delete AFTER DELETE ON record
BEGIN
    DELETE FROM record_fact WHERE kind = old.kind AND rid = old.rowid;
    UPDATE record_count SET live = live - 1 WHERE kind = old.kind AND old.deleted = 0;
END;

-- An update is the removal of the old facts and count and the addition of the new ones.
CREATE TRIGGER record_fact_update AFTER UPDATE OF kind, data, deleted ON record
BEGIN
    DELETE FROM record_fact WHERE kind = old.kind AND rid = old.rowid;
    INSERT INTO record_fact SELECT * FROM record_fact_of WHERE rid = new.rowid;
    UPDATE record_count SET live = live - 1 WHERE kind = old.kind AND old.deleted = 0;
    INSERT INTO record_count (kind, live) SELECT new.kind, 1 WHERE new.deleted = 0
        ON CONFLICT (kind) DO UPDATE SET live = live + 1;
END;

-- The facts and counts of the records already stored.
INSERT INTO record_fact SELECT * FROM record_fact_of;
INSERT INTO record_count (kind, live) SELECT kind, count(*) FROM record WHERE deleted = 0 GROUP BY kind;

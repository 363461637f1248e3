-- 0007: record facts, the few fields the store counts or looks up often, out of the records' JSON.
--
-- The dashboard groups activities by date and category, members by team and role (and finds them by
-- birth date), reviews by model with their latest date, and models by kind and status. Grouping those out
-- of `record.data` read, and in an encrypted store decrypted, most of the file (at demo --scale 100: 2.4 s
-- from launch to the dashboard and 251 MB resident). The certification finds a unit's record of a year
-- by its year and subject, which scanned every certification record's JSON for each step taken.
-- `record_fact` keeps those fields of every live record of these kinds in a narrow table, clustered by
-- kind, so that counting reads a few hundred kilobytes and a lookup is a seek.
--
-- Triggers keep it: every insert, update and delete of a record changes its facts in the same statement,
-- whatever path wrote it (the store's write transaction, a restore, a sync import), so the facts can never
-- disagree with the records. Tombstones have no facts. Columns hold text as stored in the JSON; each is
-- used only for the kinds noted (src/store/query.rs, FACTS, maps a kind's field to its column).
CREATE TABLE record_fact (
    kind          TEXT NOT NULL,
    rid           INTEGER NOT NULL,   -- record.rowid
    date          TEXT,               -- activity, review: date
    category      TEXT,               -- activity: category
    team_id       TEXT,               -- member: team_id
    role          TEXT,               -- member: role
    date_of_birth TEXT,               -- member: date_of_birth
    model_id      TEXT,               -- review: model_id
    model_kind    TEXT,               -- model: kind
    status        TEXT,               -- model: status
    year          TEXT,               -- cert: year
    subject       TEXT,               -- cert: subject (khu_dan_cu, …, xa)
    area_id       TEXT,               -- cert: area_id
    unit_id       TEXT,               -- cert: unit_id
    PRIMARY KEY (kind, rid)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER record_fact_insert AFTER INSERT ON record
WHEN new.deleted = 0 AND new.kind IN ('activity', 'member', 'review', 'model', 'cert')
BEGIN
    INSERT INTO record_fact (kind, rid, date, category, team_id, role, date_of_birth, model_id, model_kind, status, year, subject, area_id, unit_id)
    VALUES (
        new.kind, new.rowid,
        CASE WHEN new.kind IN ('activity', 'review') THEN CAST(json_extract(new.data, '$.date') AS TEXT) END,
        CASE WHEN new.kind = 'activity' THEN CAST(json_extract(new.data, '$.category') AS TEXT) END,
        CASE WHEN new.kind = 'member' THEN CAST(json_extract(new.data, '$.team_id') AS TEXT) END,
        CASE WHEN new.kind = 'member' THEN CAST(json_extract(new.data, '$.role') AS TEXT) END,
        CASE WHEN new.kind = 'member' THEN CAST(json_extract(new.data, '$.date_of_birth') AS TEXT) END,
        CASE WHEN new.kind = 'review' THEN CAST(json_extract(new.data, '$.model_id') AS TEXT) END,
        CASE WHEN new.kind = 'model' THEN CAST(json_extract(new.data, '$.kind') AS TEXT) END,
        CASE WHEN new.kind = 'model' THEN CAST(json_extract(new.data, '$.status') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.year') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.subject') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.area_id') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.unit_id') AS TEXT) END
    );
END;

CREATE TRIGGER record_fact_delete AFTER DELETE ON record
BEGIN
    DELETE FROM record_fact WHERE kind = old.kind AND rid = old.rowid;
END;

-- An update is the delete of the old facts and the insert of the new ones (a tombstone has none).
CREATE TRIGGER record_fact_update AFTER UPDATE OF kind, data, deleted ON record
BEGIN
    DELETE FROM record_fact WHERE kind = old.kind AND rid = old.rowid;
    INSERT INTO record_fact (kind, rid, date, category, team_id, role, date_of_birth, model_id, model_kind, status, year, subject, area_id, unit_id)
    SELECT
        new.kind, new.rowid,
        CASE WHEN new.kind IN ('activity', 'review') THEN CAST(json_extract(new.data, '$.date') AS TEXT) END,
        CASE WHEN new.kind = 'activity' THEN CAST(json_extract(new.data, '$.category') AS TEXT) END,
        CASE WHEN new.kind = 'member' THEN CAST(json_extract(new.data, '$.team_id') AS TEXT) END,
        CASE WHEN new.kind = 'member' THEN CAST(json_extract(new.data, '$.role') AS TEXT) END,
        CASE WHEN new.kind = 'member' THEN CAST(json_extract(new.data, '$.date_of_birth') AS TEXT) END,
        CASE WHEN new.kind = 'review' THEN CAST(json_extract(new.data, '$.model_id') AS TEXT) END,
        CASE WHEN new.kind = 'model' THEN CAST(json_extract(new.data, '$.kind') AS TEXT) END,
        CASE WHEN new.kind = 'model' THEN CAST(json_extract(new.data, '$.status') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.year') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.subject') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.area_id') AS TEXT) END,
        CASE WHEN new.kind = 'cert' THEN CAST(json_extract(new.data, '$.unit_id') AS TEXT) END
    WHERE new.deleted = 0 AND new.kind IN ('activity', 'member', 'review', 'model', 'cert');
END;

-- The facts of the records already stored.
INSERT INTO record_fact (kind, rid, date, category, team_id, role, date_of_birth, model_id, model_kind, status, year, subject, area_id, unit_id)
SELECT
    kind, rowid,
    CASE WHEN kind IN ('activity', 'review') THEN CAST(json_extract(data, '$.date') AS TEXT) END,
    CASE WHEN kind = 'activity' THEN CAST(json_extract(data, '$.category') AS TEXT) END,
    CASE WHEN kind = 'member' THEN CAST(json_extract(data, '$.team_id') AS TEXT) END,
    CASE WHEN kind = 'member' THEN CAST(json_extract(data, '$.role') AS TEXT) END,
    CASE WHEN kind = 'member' THEN CAST(json_extract(data, '$.date_of_birth') AS TEXT) END,
    CASE WHEN kind = 'review' THEN CAST(json_extract(data, '$.model_id') AS TEXT) END,
    CASE WHEN kind = 'model' THEN CAST(json_extract(data, '$.kind') AS TEXT) END,
    CASE WHEN kind = 'model' THEN CAST(json_extract(data, '$.status') AS TEXT) END,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.year') AS TEXT) END,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.subject') AS TEXT) END,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.area_id') AS TEXT) END,
    CASE WHEN kind = 'cert' THEN CAST(json_extract(data, '$.unit_id') AS TEXT) END
FROM record
WHERE deleted = 0 AND kind IN ('activity', 'member', 'review', 'model', 'cert');

-- Province store 0008: the province's inspections of its communes (issue 17): each inspection, the
-- remediation tasks it set, and the province's verdict on each answer a commune sent up. They travel
-- down in the commune's decision bundle (`inspections.json`) and in its receipts; the communes'
-- copies that come back up must equal them. Shipped: never edit; add a new numbered file instead.

-- An inspection of one commune by the province: its fields as the commune stores them (by: tinh).
-- Final once recorded, like a document sent.
CREATE TABLE inspection_sent (
    id           TEXT PRIMARY KEY,         -- UUIDv7, the record's id at the commune too
    commune_code TEXT NOT NULL,
    data         TEXT NOT NULL,            -- JSON: the inspection's fields
    username     TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX inspection_sent_commune ON inspection_sent (commune_code, created_at);

-- Its remediation tasks.
CREATE TABLE remedy_sent (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspection_sent (id),
    commune_code  TEXT NOT NULL,
    data          TEXT NOT NULL            -- JSON: the task's fields (inspection_id included)
) STRICT;
CREATE INDEX remedy_sent_inspection ON remedy_sent (inspection_id);

-- The province's verdict on a commune's answer to one of its tasks: accepted (the task is done) or
-- not enough, with a reason. Final.
CREATE TABLE remedy_verdict (
    answer_id    TEXT PRIMARY KEY,
    remedy_id    TEXT NOT NULL REFERENCES remedy_sent (id),
    commune_code TEXT NOT NULL,
    data         TEXT NOT NULL,            -- JSON: verdict, verdict_reason, reviewed_by, reviewed_on
    username     TEXT NOT NULL,
    decided_at   TEXT NOT NULL
) STRICT;
CREATE INDEX remedy_verdict_remedy ON remedy_verdict (remedy_id);

CREATE TRIGGER inspection_sent_no_update BEFORE UPDATE ON inspection_sent
BEGIN SELECT RAISE(ABORT, 'an inspection sent is kept as it was sent'); END;
CREATE TRIGGER inspection_sent_no_delete BEFORE DELETE ON inspection_sent
BEGIN SELECT RAISE(ABORT, 'an inspection sent is kept as it was sent'); END;
CREATE TRIGGER remedy_sent_no_update BEFORE UPDATE ON remedy_sent
BEGIN SELECT RAISE(ABORT, 'a task sent is kept as it was sent'); END;
CREATE TRIGGER remedy_sent_no_delete BEFORE DELETE ON remedy_sent
BEGIN SELECT RAISE(ABORT, 'a task sent is kept as it was sent'); END;
CREATE TRIGGER remedy_verdict_no_update BEFORE UPDATE ON remedy_verdict
BEGIN SELECT RAISE(ABORT, 'a verdict is final'); END;
CREATE TRIGGER remedy_verdict_no_delete BEFORE DELETE ON remedy_verdict
BEGIN SELECT RAISE(ABORT, 'a verdict is final'); END;

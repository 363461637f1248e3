-- Province store 0003: what the province's console keeps beside the imports (issue 15).
-- Shipped: never edit; add a new numbered file instead.

-- When each imported bundle was made: its signed creation time (RFC 3339), judged by the roster.
-- NULL for bundles imported before this migration.
ALTER TABLE bundle_import ADD COLUMN created_at TEXT;

-- The communes' names, as the province knows them (a bundle carries only the code).
CREATE TABLE commune (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;

-- An officer's decision on a quarantined record: accepted after review (the record is then merged
-- like any other), or kept refused, with a note. One decision per quarantined record.
CREATE TABLE quarantine_decision (
    bundle     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    decision   TEXT NOT NULL CHECK (decision IN ('accept', 'refuse')),
    note       TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (bundle, record_id),
    FOREIGN KEY (bundle, record_id) REFERENCES quarantine (bundle, record_id)
) STRICT;

-- The province's audit log: append-only, each entry chained to the one before by SHA-256.
CREATE TABLE province_audit (
    n       INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    who     TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT,
    detail  TEXT NOT NULL,         -- JSON
    prev    TEXT NOT NULL,         -- hash of the entry before ('' for the first)
    hash    TEXT NOT NULL          -- SHA-256 of prev, at, who, action, subject and detail
) STRICT;
CREATE TRIGGER province_audit_no_update BEFORE UPDATE ON province_audit
BEGIN SELECT RAISE(ABORT, 'province_audit is append-only'); END;
CREATE TRIGGER province_audit_no_delete BEFORE DELETE ON province_audit
BEGIN SELECT RAISE(ABORT, 'province_audit is append-only'); END;
CREATE TRIGGER quarantine_decision_no_update BEFORE UPDATE ON quarantine_decision
BEGIN SELECT RAISE(ABORT, 'a decision is final'); END;
CREATE TRIGGER quarantine_decision_no_delete BEFORE DELETE ON quarantine_decision
BEGIN SELECT RAISE(ABORT, 'a decision is final'); END;

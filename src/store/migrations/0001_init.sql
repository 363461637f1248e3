-- 0001: the commune store. Shipped: never edit; add a new numbered file instead.

-- Installation and commune settings: installation_id, province_code, province, commune_code, commune,
-- officer, created_at, audit_head ("n:hash" of the last audit entry).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Monotonic counters: seq (last change sequence number issued), hlc (last clock stamp).
CREATE TABLE counter (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counter (name, value) VALUES ('seq', 0), ('hlc', 0);

-- Every register's records, one row each, latest state. A delete leaves a tombstone (deleted = 1,
-- data NULL) so the deletion travels in sync bundles.
CREATE TABLE record (
    rowid    INTEGER PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,          -- UUIDv7
    kind     TEXT NOT NULL,
    data     TEXT,                          -- JSON object; NULL for a tombstone
    title    TEXT NOT NULL,
    sort_key BLOB NOT NULL,                 -- Vietnamese collation key of title
    hlc      INTEGER NOT NULL,              -- hybrid logical clock of the last change
    origin   TEXT NOT NULL,                 -- installation that made the last change
    seq      INTEGER NOT NULL UNIQUE,       -- this installation's change sequence number
    deleted  INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    CHECK ((deleted = 1) = (data IS NULL))
) STRICT;
CREATE INDEX record_kind_sort ON record (kind, deleted, sort_key);

-- Accent-folded text of live records, for search; rowid = record.rowid.
CREATE VIRTUAL TABLE record_fts USING fts5 (folded, tokenize = 'unicode61 remove_diacritics 0');

-- Reference lists the province can update (model kinds, activity categories, criteria, indicators).
CREATE TABLE ref_list (
    list    TEXT PRIMARY KEY,
    label   TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;
CREATE TABLE ref_item (
    list     TEXT NOT NULL REFERENCES ref_list (list),
    code     TEXT NOT NULL,
    label    TEXT NOT NULL,
    position INTEGER NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1,
    data     TEXT,
    PRIMARY KEY (list, code)
) STRICT;

-- Append-only audit log, chained by SHA-256: hash = sha256(canonical entry including prev_hash).
CREATE TABLE audit (
    n         INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    kind      TEXT,
    record_id TEXT,
    old       TEXT,
    new       TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

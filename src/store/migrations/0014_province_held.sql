-- 0014: the changes of this laptop the province holds for its reviewer because they touch a period it
-- approved ("sửa sau khi duyệt" at the province, docs/SYNC.md), as its receipts list them, with the
-- reviewer's decision once a later receipt brings it. Shipped: never edit; add a new numbered file instead.
CREATE TABLE province_held (
    bundle      TEXT NOT NULL,             -- the hash of this laptop's bundle that carried the change
    record_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    period      TEXT NOT NULL,             -- 2026-11…
    decision    TEXT CHECK (decision IN ('accept', 'refuse')),
    note        TEXT,
    decided_at  TEXT,
    received_at TEXT NOT NULL,             -- when the receipt that first listed it was imported
    PRIMARY KEY (bundle, record_id)
) STRICT;
-- A decision, once known, is kept.
CREATE TRIGGER province_held_decided_once BEFORE UPDATE ON province_held
WHEN OLD.decision IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the province decided once'); END;
CREATE TRIGGER province_held_no_delete BEFORE DELETE ON province_held
BEGIN SELECT RAISE(ABORT, 'kept'); END;

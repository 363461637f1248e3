-- 0012: what the province signed about its inspections of this commune (issue 17), as its signed
-- decision bundles (or receipts) brought it: each inspection by the province, each remediation task
-- it set, and each verdict it gave on one of the commune's answers. Shipped: never edit; add a new
-- numbered file instead.
--
-- The records themselves live in `record` like every register (so they show, print and travel);
-- these rows are the province's word on them: a record of a province inspection or task must equal
-- its row here, and an answer may carry a verdict only as its row here says
-- (`domain::inspection::signed_rule`). Kept as they came: no update, no delete.
CREATE TABLE province_signed (
    id          TEXT PRIMARY KEY,          -- the record's id (an answer's id for a verdict)
    kind        TEXT NOT NULL CHECK (kind IN ('inspection', 'remedy', 'verdict')),
    data        TEXT NOT NULL,             -- JSON: the record's fields, or the verdict's fields
    bundle_seq  INTEGER NOT NULL,          -- the province bundle that brought it
    received_at TEXT NOT NULL
) STRICT;
CREATE TRIGGER province_signed_no_update BEFORE UPDATE ON province_signed
BEGIN SELECT RAISE(ABORT, 'what the province signed is kept as it came'); END;
CREATE TRIGGER province_signed_no_delete BEFORE DELETE ON province_signed
BEGIN SELECT RAISE(ABORT, 'what the province signed is kept as it came'); END;

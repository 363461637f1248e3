-- 0010: the province's review of the commune's reporting periods (issue 16). Shipped: never edit; add
-- a new numbered file instead.

-- Every decision of the province on one of this commune's periods, as its signed decision bundles
-- brought them, numbered by the province 1, 2, 3… for this commune (a bundle carries them all; only
-- the new ones are applied). The last decision on a period is its state: an approved period is locked
-- (`Store` refuses every write into it, docs/SYNC.md); a returned one has its reasons below.
CREATE TABLE review_decision (
    n           INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    period      TEXT NOT NULL,             -- 2026-11, 2026-Q3…
    label       TEXT NOT NULL,             -- "Tháng 11/2026 (15/10/2026 – 14/11/2026)"
    start       TEXT NOT NULL,             -- the period's first and last day, yyyy-mm-dd
    end         TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('approve', 'return', 'reopen')),
    decided_by  TEXT NOT NULL,
    decided_at  TEXT NOT NULL,             -- RFC 3339
    note        TEXT NOT NULL,
    bundle_seq  INTEGER NOT NULL,          -- the province bundle that brought it
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX review_decision_period ON review_decision (period, n);
CREATE TRIGGER review_decision_no_update BEFORE UPDATE ON review_decision
BEGIN SELECT RAISE(ABORT, 'a decision of the province is kept as it came'); END;
CREATE TRIGGER review_decision_no_delete BEFORE DELETE ON review_decision
BEGIN SELECT RAISE(ABORT, 'a decision of the province is kept as it came'); END;

-- The reasons of a return: a general one (no record) or one per record, each done when the record
-- is next written (the commune's to-do list "Công an tỉnh trả lại").
CREATE TABLE returned_item (
    decision  INTEGER NOT NULL REFERENCES review_decision (n),
    i         INTEGER NOT NULL,
    record_id TEXT,
    kind      TEXT,
    title     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    done_at   TEXT,
    done_seq  INTEGER,                     -- the change that answered it
    PRIMARY KEY (decision, i)
) STRICT;
CREATE INDEX returned_item_open ON returned_item (record_id) WHERE done_at IS NULL;

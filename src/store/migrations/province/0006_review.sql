-- Province store 0006: the review of the communes' reporting periods (issue 16).
-- Shipped: never edit; add a new numbered file instead.

-- Every decision on a commune's period: approved (locked at both ends), returned with reasons,
-- reopened (the chief, with a reason). Numbered per commune 1, 2, 3… with no gap; a commune's
-- decision bundle carries all of them. Final: no update, no delete.
CREATE TABLE review_decision (
    commune_code TEXT NOT NULL,
    n            INTEGER NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    period       TEXT NOT NULL,
    label        TEXT NOT NULL,
    start        TEXT NOT NULL,
    end          TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('approve', 'return', 'reopen')),
    decided_by   TEXT NOT NULL,            -- rank and name, as the commune reads it
    username     TEXT NOT NULL,            -- the province account
    decided_at   TEXT NOT NULL,
    note         TEXT NOT NULL,
    reasons      TEXT NOT NULL,            -- JSON: [{record_id, kind, title, reason}]
    figures      TEXT,                     -- JSON: the commune's figures for the period when approved
    PRIMARY KEY (commune_code, n)
) STRICT;
CREATE TRIGGER review_decision_no_update BEFORE UPDATE ON review_decision
BEGIN SELECT RAISE(ABORT, 'a review decision is final'); END;
CREATE TRIGGER review_decision_no_delete BEFORE DELETE ON review_decision
BEGIN SELECT RAISE(ABORT, 'a review decision is final'); END;

-- "Sửa sau khi duyệt": a change a commune sent to a record of a period already approved. Not applied:
-- it waits, with the record as the province holds it and as it came, for the reviewer to accept it
-- (the period is reopened and the change merged) or refuse it (kept aside).
CREATE TABLE held_change (
    bundle          TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    period          TEXT NOT NULL,
    old_data        TEXT,                  -- the record as approved (NULL: it did not exist)
    new_data        TEXT,                  -- the record as it came (NULL: a deletion)
    hlc             INTEGER NOT NULL,
    origin          TEXT NOT NULL,
    at              TEXT NOT NULL,
    decision        TEXT CHECK (decision IN ('accept', 'refuse')),
    note            TEXT,
    decided_by      TEXT,
    decided_at      TEXT,
    PRIMARY KEY (bundle, record_id)
) STRICT;
CREATE TRIGGER held_change_decided_once BEFORE UPDATE ON held_change
WHEN OLD.decision IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a held change is decided once'); END;
CREATE TRIGGER held_change_no_delete BEFORE DELETE ON held_change
BEGIN SELECT RAISE(ABORT, 'a held change is kept'); END;

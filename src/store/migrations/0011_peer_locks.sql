-- 0011: the province's decisions travel between the laptops of one commune, and a change to an
-- approved period taken in from another laptop is listed for a person (docs/SYNC.md, "Several laptops
-- of one commune", "Approved periods"). Shipped: never edit; add a new numbered file instead.

-- The newest province bundle carrying this commune's decisions (a decision bundle or a receipt), as
-- the province signed it: every peer bundle carries it, and each other laptop checks the province's
-- signature again before it applies the decisions. One row; n is how many decisions it carries.
CREATE TABLE decision_relay (
    one         INTEGER PRIMARY KEY CHECK (one = 1),
    n           INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    received_at TEXT NOT NULL
) STRICT;

-- Changes to records of a period approved here, taken in from another laptop that made them before
-- it knew of the approval ("sửa sau khi duyệt" at the commune): the record as it was shown here and
-- as it came, which approval, from which laptop. The province holds the same change when a bundle
-- brings it there and its reviewer decides; this list tells the officers. Kept for ever.
CREATE TABLE locked_merge (
    n            INTEGER PRIMARY KEY,
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    decision     INTEGER NOT NULL,         -- review_decision.n of the approval
    from_id      TEXT NOT NULL,            -- the installation whose bundle brought it
    from_officer TEXT NOT NULL,
    old          TEXT,                     -- JSON fields shown before (NULL: no record or deleted)
    new          TEXT,                     -- JSON fields taken in (NULL: a deletion)
    at           TEXT NOT NULL
) STRICT;

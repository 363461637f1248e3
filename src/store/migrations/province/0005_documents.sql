-- Province store 0005: the province's register of issued documents (its summary reports), as the
-- commune's (store migration 0006): a number of a series and year is taken once and never again;
-- printing the same report of the same period again keeps its number and its date. And every
-- version of the reference lists the province sent (below).
-- Shipped: never edit; add a new numbered file instead.

CREATE TABLE province_doc_counter (
    series TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (series, year)
) STRICT;

CREATE TABLE province_issued_doc (
    id        TEXT PRIMARY KEY,    -- UUIDv7
    form      TEXT NOT NULL,       -- bao-cao-tong-hop
    series    TEXT NOT NULL,       -- BC-CAT
    year      INTEGER NOT NULL,    -- the number's year: the year of issued_on
    number    INTEGER NOT NULL,
    period    TEXT NOT NULL,       -- the reporting period it covers: 2026, 2026-11, 2026-Q3, 2026-H1
    issued_on TEXT NOT NULL,       -- the date printed on it, yyyy-mm-dd
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,       -- RFC 3339
    UNIQUE (series, year, number)
) STRICT;
CREATE INDEX province_issued_doc_period ON province_issued_doc (form, period);

CREATE TRIGGER province_issued_doc_no_update BEFORE UPDATE ON province_issued_doc
BEGIN SELECT RAISE(ABORT, 'an issued document keeps its number'); END;
CREATE TRIGGER province_issued_doc_no_delete BEFORE DELETE ON province_issued_doc
BEGIN SELECT RAISE(ABORT, 'an issued document keeps its number'); END;

-- Every version of the reference lists the province sent its communes (a reference bundle's lists),
-- kept so that the records the communes send are checked against the lists they were given, not
-- only against the lists this release ships.
CREATE TABLE province_reference (
    version    INTEGER PRIMARY KEY,
    lists      TEXT NOT NULL,      -- JSON: the reference set as sent
    written_at TEXT NOT NULL,      -- RFC 3339
    written_by TEXT NOT NULL
) STRICT;
CREATE TRIGGER province_reference_no_update BEFORE UPDATE ON province_reference
BEGIN SELECT RAISE(ABORT, 'a version of the lists sent is kept as sent'); END;
CREATE TRIGGER province_reference_no_delete BEFORE DELETE ON province_reference
BEGIN SELECT RAISE(ABORT, 'a version of the lists sent is kept as sent'); END;

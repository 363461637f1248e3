-- 0006: the register of issued documents (sổ đăng ký văn bản đi) and its numbering.
-- Each issued document takes the next number of its series (symbol such as 'BB-CAX') and year in
-- the same transaction that records who issued it, when, from which record and under which form.
-- A number once taken is never given again, even if writing the PDF file fails afterwards: the row
-- stays and the officer reprints. Local to the installation (not synced): the commune office that
-- issues documents keeps its own register, as a văn thư does on paper.
CREATE TABLE doc_counter (
    series TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL CHECK (last > 0),
    PRIMARY KEY (series, year)
) STRICT;

CREATE TABLE issued_doc (
    id         TEXT PRIMARY KEY,
    form       TEXT NOT NULL,
    series     TEXT NOT NULL,
    year       INTEGER NOT NULL,
    number     INTEGER NOT NULL CHECK (number > 0),
    record_id  TEXT,
    issued_by  TEXT NOT NULL,
    issued_at  TEXT NOT NULL,
    UNIQUE (series, year, number)
) STRICT;

-- The register is append-only, like the audit log.
CREATE TRIGGER issued_doc_no_update BEFORE UPDATE ON issued_doc
BEGIN SELECT RAISE(ABORT, 'issued_doc is append-only'); END;
CREATE TRIGGER issued_doc_no_delete BEFORE DELETE ON issued_doc
BEGIN SELECT RAISE(ABORT, 'issued_doc is append-only'); END;

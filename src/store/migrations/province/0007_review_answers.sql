-- Province store 0007: which reasons of a return the commune answered (issue 16). Shipped: never edit;
-- add a new numbered file instead.

-- A commune's bundle carries `answers.json` (docs/SYNC.md): the reasons of the province's returns it
-- marked done. The first bundle that says so is kept; a reason is answered once (no update, no
-- delete). "2/3 đã sửa", and a return whose every reason is answered is Đã sửa.
CREATE TABLE review_answer (
    commune_code    TEXT NOT NULL,
    decision        INTEGER NOT NULL,      -- review_decision.n of that commune (a return)
    i               INTEGER NOT NULL,      -- -1: the general reason; 0…: the reason per record
    record_id       TEXT,
    done_at         TEXT NOT NULL,         -- when the commune marked it done (RFC 3339)
    bundle          TEXT NOT NULL,         -- the hash of the bundle that first said so
    installation_id TEXT NOT NULL,
    at              TEXT NOT NULL,         -- imported
    PRIMARY KEY (commune_code, decision, i),
    FOREIGN KEY (commune_code, decision) REFERENCES review_decision (commune_code, n)
) STRICT;
CREATE TRIGGER review_answer_no_update BEFORE UPDATE ON review_answer
BEGIN SELECT RAISE(ABORT, 'an answer is kept as it came'); END;
CREATE TRIGGER review_answer_no_delete BEFORE DELETE ON review_answer
BEGIN SELECT RAISE(ABORT, 'an answer is kept as it came'); END;

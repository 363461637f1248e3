-- 0008: reprints keep their number. A record's document printed again is the same document: it
-- keeps the number and the date it was issued under, so the register needs to know what each
-- document is about and which date it bears.
--   period     the year a yearly report covers (báo cáo kết quả, báo cáo công nhận), which have no
--              record; NULL for a record's document.
--   issued_on  the date printed on the document (yyyy-mm-dd); NULL for documents issued before this
--              migration (their date is the day of issued_at).
-- The register stays append-only (triggers of 0006): a reprint writes nothing.
ALTER TABLE issued_doc ADD COLUMN period INTEGER;
ALTER TABLE issued_doc ADD COLUMN issued_on TEXT;
CREATE INDEX issued_doc_subject ON issued_doc (form, record_id, period);

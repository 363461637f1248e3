-- 0003: fast search across registers in Vietnamese order. Shipped: never edit; add a new numbered
-- file instead.

-- A search walks this small index in sort_key order and keeps the rows the full-text match returned,
-- stopping at the page size, instead of reading and sorting every matching record.
CREATE INDEX record_search ON record (sort_key, kind, title, id) WHERE deleted = 0;

-- Prefix indexes for words of 1 to 3 letters: "to dan pho 3" no longer walks every term that starts
-- with "to" or "3". The folded text is copied from the old index (it is stored there).
CREATE VIRTUAL TABLE record_fts_new USING fts5 (
    folded, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3'
);
INSERT INTO record_fts_new (rowid, folded) SELECT rowid, folded FROM record_fts;
DROP TABLE record_fts;
ALTER TABLE record_fts_new RENAME TO record_fts;

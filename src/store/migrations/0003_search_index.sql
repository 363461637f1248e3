-- 0003: search across registers in Vietnamese order without reading whole records.
-- Shipped: never edit; add a new numbered file instead.
-- A search walks this small index in sort_key order and keeps the rows the full-text match returned,
-- stopping at the page size, instead of sorting every matching record.
CREATE INDEX record_search ON record (sort_key, kind, title, id) WHERE deleted = 0;

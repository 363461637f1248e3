-- Province store 0011: the figures' sums kept (migration 0009) follow an import of new records
-- without being counted again (issue 15).
-- Shipped: never edit; add a new numbered file instead.

-- What the store held when a commune's sums were counted: the last imported bundle's row and the
-- last record's row (rowids: an import adds a bundle row after every other, and a record it adds
-- after every other; neither table's rows are ever deleted). A read finds the bundles the commune
-- sent since; when none of them replaced a record (their summaries count no `updated`), the sums
-- are the kept ones plus the commune's records added since, read by the commune-and-kind index;
-- otherwise the commune is counted again.
ALTER TABLE figure_sums ADD COLUMN bundles_seen INTEGER;
ALTER TABLE figure_sums ADD COLUMN records_seen INTEGER;

-- The sums kept before have no such marks: counted again at the next read.
DELETE FROM figure_sums;

-- So an import no longer drops the commune's sums. A quarantined record accepted and a held change
-- accepted still do (migration 0010's triggers): they may replace a record.
DROP TRIGGER figure_sums_on_import;

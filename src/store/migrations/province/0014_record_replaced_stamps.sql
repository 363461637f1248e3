-- Province store 0014: the replaced states of records (migration 0013) keep their stamps, so that the
-- figures' sums of a commune with several installations follow its bundles too (issue 15).
-- Shipped: never edit; add a new numbered file instead.

-- The stamp (hlc, origin) of the state replaced: of a commune with several installations, a record
-- counts in its latest state across them, chosen by stamp, at the sums' snapshot as now.
ALTER TABLE record_replaced ADD COLUMN hlc INTEGER;
ALTER TABLE record_replaced ADD COLUMN origin TEXT;

-- Every update is kept now, a newer stamp over the same data too: it may change which installation's
-- state is the latest.
DROP TRIGGER record_replaced_on_update;
CREATE TRIGGER record_replaced_on_update AFTER UPDATE ON record
WHEN OLD.data IS NOT NEW.data OR OLD.kind IS NOT NEW.kind OR OLD.hlc IS NOT NEW.hlc OR OLD.origin IS NOT NEW.origin
BEGIN
    INSERT INTO record_replaced (record_row, commune_code, kind, data, hlc, origin)
    VALUES (OLD.rowid, OLD.commune_code, OLD.kind, OLD.data, OLD.hlc, OLD.origin);
END;

-- The sums kept were marked before the states had stamps: counted again at the next read (every
-- mark after it is past the states without stamps).
DELETE FROM figure_sums;

-- Province store 0013: the figures' sums kept (migrations 0009, 0011) follow a bundle that replaced
-- or deleted records without counting its commune again (issue 15).
-- Shipped: never edit; add a new numbered file instead.

-- Every state of a record that an update of its row replaced (an import's merge of a newer state,
-- a quarantined record or a held change accepted), as it was before: its row in `record`, its
-- commune, register and data (NULL: it was a tombstone). A new record is an insert and writes
-- nothing here: an import's cost for new records does not change. Ids only grow (AUTOINCREMENT: an
-- id is never used again, even once the entries before it are no longer needed and deleted).
--
-- A commune's sums counted when the last entry was N take, at a later read, the entries after N:
-- the first entry of a record row counted then is the state that was counted (subtracted), then the
-- current state of every row touched or added since is added once (`province::figures`).
CREATE TABLE record_replaced (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    record_row   INTEGER NOT NULL,        -- rowid of the record's row in `record`
    commune_code TEXT NOT NULL,
    kind         TEXT NOT NULL,
    data         TEXT                     -- NULL: the state replaced was a tombstone
) STRICT;
-- A commune's entries after a mark: a range of (commune_code, id).
CREATE INDEX record_replaced_commune ON record_replaced (commune_code);

-- Only a change of what the figures could read (the data, tombstone or not, the register) is kept:
-- a newer stamp over the same data changes no sum.
CREATE TRIGGER record_replaced_on_update AFTER UPDATE ON record
WHEN OLD.data IS NOT NEW.data OR OLD.kind IS NOT NEW.kind
BEGIN
    INSERT INTO record_replaced (record_row, commune_code, kind, data)
    VALUES (OLD.rowid, OLD.commune_code, OLD.kind, OLD.data);
END;

-- A record row never moves to another commune (an installation belongs to one commune for ever);
-- if one ever did, both communes' sums are dropped (counted again at the next read).
CREATE TRIGGER figure_sums_on_commune_move AFTER UPDATE OF commune_code ON record
WHEN OLD.commune_code IS NOT NEW.commune_code
BEGIN
    DELETE FROM figure_sums WHERE commune_code IN (OLD.commune_code, NEW.commune_code);
END;

-- What the store held when sums were counted now includes the last entry above; the sums kept
-- before have no such mark: counted again at the next read.
ALTER TABLE figure_sums ADD COLUMN replaced_seen INTEGER;
DELETE FROM figure_sums;

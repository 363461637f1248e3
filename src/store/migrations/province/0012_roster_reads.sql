-- Province store 0012: the roster reads what it judges, not every bundle ever imported (issue 15).
-- Shipped: never edit; add a new numbered file instead.

-- The bundles a commune made from a day on (a year's periods: its bundles of the year and the first
-- after), and its last import. The times are RFC 3339 in UTC as the import writes them (`+00:00`,
-- 0, 3, 6 or 9 decimals): their text sorts as the instants do. The last import's ties go to the
-- later in its chain.
-- The first holds every column the roster takes of a bundle: read without the bundle's row (its
-- summary and receipt make it wide).
CREATE INDEX bundle_import_made
    ON bundle_import (commune_code, created_at, imported_at, installation_id, epoch, seq, key_id, hash);
CREATE INDEX bundle_import_imported ON bundle_import (commune_code, imported_at, installation_id, epoch, seq);
-- A bundle's neighbours in its installation's chain.
CREATE INDEX bundle_import_chain ON bundle_import (installation_id, epoch, seq);

-- A bundle whose signed creation time cannot be right (the roster's clock flags): made after its
-- own import (`after_import`), or before the bundle before it in its chain (`before_previous`,
-- `previous` that bundle). Kept by the trigger below as bundles come, whatever their order.
CREATE TABLE bundle_clock_flag (
    hash         TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('after_import', 'before_previous')),
    previous     TEXT,
    PRIMARY KEY (hash, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX bundle_clock_flag_commune ON bundle_clock_flag (commune_code);

INSERT INTO bundle_clock_flag (hash, commune_code, kind, previous)
SELECT hash, commune_code, 'after_import', NULL FROM bundle_import
WHERE created_at IS NOT NULL AND created_at > imported_at;

INSERT INTO bundle_clock_flag (hash, commune_code, kind, previous)
SELECT hash, commune_code, 'before_previous', prev_hash FROM (
    SELECT hash, commune_code, created_at,
           lag(created_at) OVER chain AS prev_created, lag(hash) OVER chain AS prev_hash
    FROM bundle_import WHERE created_at IS NOT NULL
    WINDOW chain AS (PARTITION BY installation_id, epoch ORDER BY seq))
WHERE prev_created > created_at;

-- A new bundle: its own flags, and the flag of the bundle after it in its chain (a gap filled late
-- becomes that one's previous bundle).
CREATE TRIGGER bundle_clock_flags AFTER INSERT ON bundle_import
WHEN NEW.created_at IS NOT NULL
BEGIN
    INSERT INTO bundle_clock_flag (hash, commune_code, kind, previous)
    SELECT NEW.hash, NEW.commune_code, 'after_import', NULL WHERE NEW.created_at > NEW.imported_at;

    INSERT INTO bundle_clock_flag (hash, commune_code, kind, previous)
    SELECT NEW.hash, NEW.commune_code, 'before_previous', p.hash
    FROM (SELECT hash, created_at FROM bundle_import
          WHERE installation_id = NEW.installation_id AND epoch = NEW.epoch AND seq < NEW.seq
            AND created_at IS NOT NULL
          ORDER BY seq DESC LIMIT 1) p
    WHERE p.created_at > NEW.created_at;

    DELETE FROM bundle_clock_flag
    WHERE kind = 'before_previous' AND hash = (
        SELECT hash FROM bundle_import
        WHERE installation_id = NEW.installation_id AND epoch = NEW.epoch AND seq > NEW.seq
          AND created_at IS NOT NULL
        ORDER BY seq LIMIT 1);

    INSERT INTO bundle_clock_flag (hash, commune_code, kind, previous)
    SELECT n.hash, n.commune_code, 'before_previous', NEW.hash
    FROM (SELECT hash, commune_code, created_at FROM bundle_import
          WHERE installation_id = NEW.installation_id AND epoch = NEW.epoch AND seq > NEW.seq
            AND created_at IS NOT NULL
          ORDER BY seq LIMIT 1) n
    WHERE n.created_at < NEW.created_at;
END;

-- A commune's decisions on the periods asked (a year's), not every decision since it enrolled.
CREATE INDEX review_decision_period ON review_decision (commune_code, period);

-- The changes to approved periods still waiting for the reviewer, counted without the decided ones.
CREATE INDEX held_change_waiting ON held_change (commune_code) WHERE decision IS NULL;

-- Province store 0002: an installation belongs to one commune and one live key for ever; attempts to
-- break that are kept; receipts can be written again.
-- Shipped: never edit; add a new numbered file instead.

-- What the province refused loudly (a key claiming another commune's installation…), for `status`.
CREATE TABLE alert (
    at           TEXT NOT NULL,
    key_id       TEXT NOT NULL,           -- the key that signed the refused bundle
    commune_code TEXT NOT NULL,           -- the commune that key is registered for
    code         TEXT NOT NULL,           -- the refusal's code (`bundle_installation_taken`…)
    message      TEXT NOT NULL            -- the Vietnamese message the officer saw
) STRICT;

-- A record row never changes commune: its installation's rows all have one commune code.
CREATE TRIGGER record_commune_fixed BEFORE UPDATE OF commune_code ON record
WHEN NEW.commune_code IS NOT OLD.commune_code
BEGIN
    SELECT RAISE(ABORT, 'record_commune_fixed: a record never changes commune');
END;

CREATE TRIGGER record_one_commune BEFORE INSERT ON record
WHEN (SELECT commune_code FROM record WHERE installation_id = NEW.installation_id LIMIT 1) <> NEW.commune_code
BEGIN
    SELECT RAISE(ABORT, 'record_one_commune: an installation belongs to one commune');
END;

-- A key's installation id, once learned, never changes; an installation id is never taken by a key
-- of another commune, nor by a second live (unrevoked) key. (A trigger, not a unique index: a store
-- where an attack already succeeded must still open, so that it can be seen and repaired.)
CREATE TRIGGER installation_id_fixed BEFORE UPDATE OF installation_id ON installation
WHEN (OLD.installation_id IS NOT NULL AND NEW.installation_id IS NOT OLD.installation_id)
  OR EXISTS (SELECT 1 FROM installation o WHERE o.installation_id = NEW.installation_id
             AND o.key_id <> NEW.key_id
             AND (o.commune_code <> NEW.commune_code OR (o.revoked_at IS NULL AND NEW.revoked_at IS NULL)))
BEGIN
    SELECT RAISE(ABORT, 'installation_id_fixed: an installation id is bound to one commune and one live key');
END;

-- The receipt each import wrote (its JSON payload), so that `province receipt` can write it again.
ALTER TABLE bundle_import ADD COLUMN receipt TEXT;

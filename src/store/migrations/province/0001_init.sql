-- Province store 0001: what the provincial police (Công an tỉnh) keeps of its communes' bundles.
-- Shipped: never edit; add a new numbered file instead.

-- province_id, province_code, province, created_at, sign_public and sign_secret (its minisign key),
-- age_identity and age_recipient (what commune bundles are encrypted to), out_seq (last bundle it sent).
CREATE TABLE province_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Every commune installation's registered signing key, and where its chain of bundles stands.
CREATE TABLE installation (
    key_id          TEXT PRIMARY KEY,        -- minisign key id, 16 hex digits
    public_key      TEXT NOT NULL,           -- minisign .pub text
    commune_code    TEXT NOT NULL,
    registered_at   TEXT NOT NULL,
    revoked_at      TEXT,
    installation_id TEXT,                    -- learned from its first bundle
    epoch           INTEGER,                 -- epoch of the last bundle imported
    last_seq        INTEGER,                 -- highest bundle number imported in that epoch
    head_hash       TEXT,                    -- hash of that bundle
    last_bundle_at  TEXT,                    -- when that bundle was made
    last_import_at  TEXT
) STRICT;

-- Every bundle imported, so a replay is recognised and its first import named.
CREATE TABLE bundle_import (
    hash            TEXT PRIMARY KEY,
    key_id          TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    epoch           INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    imported_at     TEXT NOT NULL,
    summary         TEXT NOT NULL            -- JSON: counts new/updated/unchanged/quarantined by kind
) STRICT;

-- Bundle numbers that never arrived (a range per gap), until they do.
CREATE TABLE gap (
    key_id        TEXT NOT NULL,
    epoch         INTEGER NOT NULL,
    first_missing INTEGER NOT NULL,
    last_missing  INTEGER NOT NULL,
    found_at      TEXT NOT NULL,
    PRIMARY KEY (key_id, epoch, first_missing)
) STRICT;

-- The communes' records, latest state per (installation, record): an installation can only ever
-- change its own rows. Merged last writer wins by (hlc, origin); deletes are tombstones.
CREATE TABLE record (
    installation_id TEXT NOT NULL,
    id              TEXT NOT NULL,
    commune_code    TEXT NOT NULL,
    kind            TEXT NOT NULL,
    data            TEXT,
    hlc             INTEGER NOT NULL,
    origin          TEXT NOT NULL,
    deleted         INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    bundle          TEXT NOT NULL,           -- hash of the bundle that brought this state
    PRIMARY KEY (installation_id, id),
    CHECK ((deleted = 1) = (data IS NULL))
) STRICT;
CREATE INDEX record_commune_kind ON record (commune_code, kind);

-- Records that failed validation: kept aside and listed, the rest of their bundle imported.
CREATE TABLE quarantine (
    bundle          TEXT NOT NULL,
    installation_id TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    data            TEXT,
    at              TEXT NOT NULL,
    PRIMARY KEY (bundle, record_id)
) STRICT;

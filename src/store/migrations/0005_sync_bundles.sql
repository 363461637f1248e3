-- 0005: signed sync bundles, the commune side. Shipped: never edit; add a new numbered file instead.

-- This installation's keys, kept only here (the store is encrypted): 'signing' is its minisign key
-- (public: the .pub file text, secret: minisign's secret-key file text); 'age' is the age identity its
-- own bundles are also encrypted to, so that it can check a bundle it wrote (public: age1…, secret:
-- AGE-SECRET-KEY-1…).
CREATE TABLE sync_key (
    name       TEXT PRIMARY KEY,
    public     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Sync settings and counters: province_sign_key (the province's minisign .pub text),
-- province_recipient (age1…), province_id, enrolled_at, acked_seq (changes the province has
-- acknowledged), bundle_seq (last bundle number), last_hash and last_epoch (of the last bundle).
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Every bundle this installation exported, and when the province acknowledged it.
CREATE TABLE sync_export (
    epoch        INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    change_after INTEGER NOT NULL,
    change_to    INTEGER NOT NULL,
    full         INTEGER NOT NULL CHECK (full IN (0, 1)),
    file         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    acked_at     TEXT,
    PRIMARY KEY (epoch, seq)
) STRICT;

-- Signing keys the province revoked (sent down with reference data): bundles they sign are refused.
CREATE TABLE sync_revoked (
    key_id     TEXT PRIMARY KEY,
    revoked_at TEXT NOT NULL
) STRICT;

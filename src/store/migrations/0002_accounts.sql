-- 0002: officer accounts and their roles. Shipped: never edit; add a new numbered file instead.
-- The password-wrapped data keys are not here (the store cannot be read without one): they are in
-- the keyring file beside the store. This table is the authority for who has which role.
CREATE TABLE account (
    username   TEXT PRIMARY KEY,
    full_name  TEXT NOT NULL,
    rank       TEXT,
    role       TEXT NOT NULL CHECK (role IN ('chief', 'officer', 'viewer')),
    created_at TEXT NOT NULL
) STRICT;

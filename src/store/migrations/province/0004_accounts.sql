-- Province store 0004: officers' accounts, as the commune's (chief, officer, viewer). Each account's
-- password wraps the store's data key in the keyring file beside it (`province.db.keys`).
-- Shipped: never edit; add a new numbered file instead.

CREATE TABLE account (
    username   TEXT PRIMARY KEY,
    full_name  TEXT NOT NULL,
    rank       TEXT,
    role       TEXT NOT NULL CHECK (role IN ('chief', 'officer', 'viewer')),
    created_at TEXT NOT NULL
) STRICT;

-- A store made before accounts had one key slot, `tinh`: it becomes the chief's account. (A store
-- being created has no province_meta rows yet: its chief is inserted by the code that creates it.)
INSERT INTO account (username, full_name, rank, role, created_at)
SELECT 'tinh', 'Công an tỉnh', NULL, 'chief', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
WHERE EXISTS (SELECT 1 FROM province_meta);

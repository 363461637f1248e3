-- 0009: several installations (laptops) of one commune exchanging their work by USB (docs/SYNC.md,
-- "Several laptops of one commune"). Shipped: never edit; add a new numbered file instead.

-- Each record version carries a version vector: for each installation, the clock stamp of the latest
-- change made there that this version includes (JSON object {installation id: stamp}). NULL for a
-- version written before 0009: it is {origin: hlc}.
ALTER TABLE record ADD COLUMN vv TEXT;

-- The other versions of a record two installations changed concurrently (neither had seen the
-- other's change): the conflict queue. The record row holds the version shown (the edit over a
-- delete, then the later clock stamp); these rows hold the others until a person decides.
-- data NULL: a deletion.
CREATE TABLE record_sibling (
    id     TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    origin TEXT NOT NULL,
    vv     TEXT NOT NULL,
    data   TEXT,
    PRIMARY KEY (id, hlc, origin)
) STRICT;

-- The commune's other installations this one knows (from an invitation, a join, or a peer's roster):
-- their signing key (minisign .pub text) and age recipient, the officer they belong to.
-- sent_ack: the highest of this installation's change numbers the peer said it holds (what the next
-- bundle need not carry again), from its bundle (ack_epoch, ack_bundle); recv_seq: the highest of the
-- peer's own change numbers this installation imported without a hole.
CREATE TABLE peer (
    installation_id TEXT PRIMARY KEY,
    officer         TEXT NOT NULL,
    sign_key        TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    added_at        TEXT NOT NULL,
    sent_ack        INTEGER NOT NULL DEFAULT 0,
    ack_epoch       INTEGER NOT NULL DEFAULT -1,
    ack_bundle      INTEGER NOT NULL DEFAULT 0,
    recv_seq        INTEGER NOT NULL DEFAULT 0,
    last_seen_at    TEXT
) STRICT;

-- Invitations this installation wrote: the SHA-256 of the one-time token each carries, until a new
-- installation's first bundle shows it (then used_by is that installation).
CREATE TABLE peer_invite (
    token_hash TEXT PRIMARY KEY,
    officer    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    TEXT,
    used_at    TEXT
) STRICT;

-- Peer bundles taken in, by hash: the same bundle found again on a stick is skipped.
CREATE TABLE peer_import (
    hash            TEXT PRIMARY KEY,
    installation_id TEXT NOT NULL,
    epoch           INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    imported_at     TEXT NOT NULL
) STRICT;

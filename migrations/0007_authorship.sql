-- Terrain store, schema 7: authorship. Who may write in a study (its roster) and the
-- signatures that prove who wrote each change. See docs/design/authorship.md.

-- The founder's public key of each study this laptop knows: the anchor every roster entry's
-- chain goes back to. Pinned when the study is created here, or from its join file.
CREATE TABLE study_anchors (
    study      TEXT PRIMARY KEY,
    founder    BLOB NOT NULL CHECK (length(founder) = 32)
) STRICT;

-- A study's roster: a grow-only set of signed entries, each kept as the exact bytes that were
-- signed (its meaning is computed from the set: changes/roster_rules.rs). Synced with the study.
CREATE TABLE roster_entries (
    -- SHA-256 of body and signature.
    id         BLOB PRIMARY KEY CHECK (length(id) = 32),
    study      TEXT NOT NULL,
    body       BLOB NOT NULL,
    signature  BLOB NOT NULL CHECK (length(signature) = 64)
) STRICT;
CREATE INDEX roster_entries_study ON roster_entries(study);

-- Signed segments: the changes of one origin in one scope written by one transaction, signed
-- by the origin. Kept by every replica and sent with the changes they cover, so a relay
-- forwards the origin's proof, never its own.
CREATE TABLE change_segments (
    -- scopes.idx, as in change_log.
    scope      INTEGER NOT NULL,
    node       INTEGER NOT NULL,
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    signature  BLOB NOT NULL CHECK (length(signature) = 64),
    PRIMARY KEY (scope, node, first_seq)
) STRICT, WITHOUT ROWID;

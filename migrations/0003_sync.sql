-- Terrain store, schema 3: what sync needs besides the change log.

-- Per study scope ('' = shared records carried by every study's sync) and origin node, the
-- highest seq held here. Exports and imports keep the held changes of each (scope, node) a
-- prefix of that node's changes in that scope, so one number says what is held.
CREATE TABLE scope_vector (
    scope   TEXT NOT NULL,
    node    INTEGER NOT NULL,
    max_seq INTEGER NOT NULL,
    PRIMARY KEY (scope, node)
) STRICT, WITHOUT ROWID;
INSERT INTO scope_vector(scope, node, max_seq)
    SELECT coalesce(study, ''), node, max(seq) FROM changes GROUP BY 1, 2;

-- Exports read one study's changes of one node above a seq.
CREATE INDEX changes_scope ON changes(study, node, seq);

-- What a peer holds, as last learned from its bundles or syncs: per peer, scope and origin.
CREATE TABLE peer_vector (
    peer    TEXT NOT NULL,
    scope   TEXT NOT NULL,
    node    INTEGER NOT NULL,
    max_seq INTEGER NOT NULL,
    PRIMARY KEY (peer, scope, node)
) STRICT, WITHOUT ROWID;

-- Study keys (32 random bytes each). Local: never synced, shared only by join files.
CREATE TABLE study_keys (
    study      TEXT PRIMARY KEY,
    key        BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Devices this laptop has heard from: their signing key (trusted on first use), last sync and
-- how far their clock was from ours then. Local.
CREATE TABLE devices (
    node_id         TEXT PRIMARY KEY,
    label           TEXT,
    public_key      BLOB,
    last_sync_ms    INTEGER,
    clock_offset_ms INTEGER,
    flagged         INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Bundles imported to the end, so replaying one is refused rather than silently re-read.
CREATE TABLE imported_bundles (
    digest      BLOB PRIMARY KEY,
    study       TEXT NOT NULL,
    sender      TEXT NOT NULL,
    imported_at INTEGER NOT NULL
) STRICT;

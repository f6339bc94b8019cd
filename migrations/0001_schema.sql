-- Terrain store, schema 1.
-- Synced entity tables carry no foreign keys: sync may deliver a participant before its
-- session. References are checked by the write path for local edits instead.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value ANY
) STRICT;

-- Local integer handles for node ids; they never leave this database.
CREATE TABLE nodes (
    idx     INTEGER PRIMARY KEY,
    node_id TEXT NOT NULL UNIQUE
) STRICT;

-- One row per field change, local or received. (node, seq) is the change's global identity.
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY,
    node      INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    -- The study whose sync carries this change (NULL: every study's, e.g. a user-added place).
    study     TEXT,
    entity    TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     ANY,
    hlc       INTEGER NOT NULL,
    prev_hlc  INTEGER,
    prev_node INTEGER
) STRICT;
CREATE UNIQUE INDEX changes_origin ON changes(node, seq);
CREATE INDEX changes_field ON changes(row_id, field, hlc, node);

-- Per origin node, the highest seq held here.
CREATE TABLE version_vector (
    node    INTEGER PRIMARY KEY,
    max_seq INTEGER NOT NULL
) STRICT;

-- Changes that some later change was written on top of (its prev): they were seen, not lost.
CREATE TABLE superseded (
    row_id TEXT NOT NULL,
    field  TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    node   INTEGER NOT NULL,
    PRIMARY KEY (row_id, field, hlc, node)
) STRICT, WITHOUT ROWID;

-- Values overwritten by a concurrent edit that did not know them. Derived from the set of
-- changes held, so replicas holding the same changes hold the same conflicts.
CREATE TABLE conflicts (
    row_id      TEXT NOT NULL,
    field       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    loser_hlc   INTEGER NOT NULL,
    loser_node  INTEGER NOT NULL,
    loser_value ANY,
    PRIMARY KEY (row_id, field, loser_hlc, loser_node)
) STRICT, WITHOUT ROWID;

-- A supervisor's decision on a conflict; synced like any record (id = conflict key).
CREATE TABLE resolution (
    id       TEXT PRIMARY KEY,
    picked   TEXT,
    deleted  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE study (
    id           TEXT PRIMARY KEY,
    title        TEXT,
    organisation TEXT,
    donor        TEXT,
    theme        TEXT,
    description  TEXT,
    start_date   TEXT,
    end_date     TEXT,
    status       TEXT,
    deleted      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE place (
    id            TEXT PRIMARY KEY,
    name          TEXT,
    kind          TEXT,
    parent_id     TEXT,
    pcode         TEXT,
    iso_code      TEXT,
    national_code TEXT,
    map_version   TEXT,
    country       TEXT,
    code_verified INTEGER,
    deleted       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX place_parent ON place(parent_id);

CREATE TABLE session (
    id               TEXT PRIMARY KEY,
    study_id         TEXT,
    session_type     TEXT,
    title            TEXT,
    date             TEXT,
    duration_minutes INTEGER,
    place_id         TEXT,
    languages        TEXT,
    facilitators     TEXT,
    note_taker       TEXT,
    woman_facilitator INTEGER,
    women_only       INTEGER,
    interpreter      INTEGER,
    consent_level    TEXT,
    consent_form     TEXT,
    consent_recording INTEGER,
    consent_quotes   INTEGER,
    consent_photos   INTEGER,
    notes            TEXT,
    deleted          INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX session_study ON session(study_id, date);
CREATE INDEX session_place ON session(place_id);

CREATE TABLE participant (
    id              TEXT PRIMARY KEY,
    session_id      TEXT,
    code            TEXT,
    sex             TEXT,
    age             INTEGER,
    age_band        TEXT,
    actor_group     TEXT,
    institution     TEXT,
    role            TEXT,
    home_commune_id TEXT,
    consent         TEXT,
    name            TEXT,
    phone           TEXT,
    deleted         INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX participant_session ON participant(session_id);

CREATE TABLE tally (
    id          TEXT PRIMARY KEY,
    session_id  TEXT,
    sex         TEXT,
    age_band    TEXT,
    actor_group TEXT,
    count       INTEGER,
    deleted     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX tally_session ON tally(session_id);

CREATE TABLE finding (
    id               TEXT PRIMARY KEY,
    session_id       TEXT,
    theme            TEXT,
    text             TEXT,
    speaker_category TEXT,
    deleted          INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX finding_session ON finding(session_id);

CREATE TABLE recommendation (
    id                 TEXT PRIMARY KEY,
    study_id           TEXT,
    text               TEXT,
    theme              TEXT,
    target_institution TEXT,
    level              TEXT,
    status             TEXT,
    source_sessions    TEXT,
    validated_at       TEXT,
    deleted            INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX recommendation_study ON recommendation(study_id);

-- Terrain store, schema 4: analysis (dashboards, exports).

-- The record of each export (who, when, what, which filters); synced like any record so a
-- study's coordinators see every copy of its data that left a laptop.
CREATE TABLE export (
    id          TEXT PRIMARY KEY,
    study_id    TEXT,
    format      TEXT,
    exported_at TEXT,
    node_id     TEXT,
    user_name   TEXT,
    filters     TEXT,
    hxl         INTEGER,
    anonymised  INTEGER,
    min_cell    INTEGER,
    row_counts  TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX export_study ON export(study_id);

-- Dashboards count people per session by sex, actor group and age band: a covering index
-- lets SQLite group 100,000 participants without touching the table.
CREATE INDEX participant_stats ON participant(session_id, sex, actor_group, age_band, institution, deleted);
-- Possible duplicates: the same profile (sex, age, institution, role) twice in a session.
CREATE INDEX participant_profile ON participant(session_id, sex, age, institution, role, id)
    WHERE deleted = 0 AND age IS NOT NULL AND (institution IS NOT NULL OR role IS NOT NULL);
-- Possible duplicates: the same pseudonymous code seen twice.
CREATE INDEX participant_code ON participant(code) WHERE deleted = 0;
-- "Per device" and "possible duplicate sessions" need the origin node of each record's first
-- change, found without scanning the whole change log.
CREATE INDEX changes_entity ON changes(entity, field, row_id, hlc, node);

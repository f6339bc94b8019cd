-- Terrain store, schema 6: the change log names scopes, entities and fields by small integers.
--
-- Every run stored the study id (36 characters) and the entity name in its row, and again in
-- its record-index entry, and each change its field's name: half of the log's bytes for a
-- participant. Stored as numbers (scopes as handles local to this file, like node handles),
-- the log takes about a sixth less time to write (the write path of `terrain bench sync`).
-- The `changes` view reads exactly as before.

-- A study's scope in the log; 0 is the scope of shared records (user-added places).
CREATE TABLE scopes (
    idx   INTEGER PRIMARY KEY,
    study TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO scopes(idx, study) VALUES (0, '');
INSERT INTO scopes(study) SELECT DISTINCT scope FROM change_log WHERE scope <> '' ORDER BY scope;

-- The codes of `Entity::code` in schema.rs (a test holds the two together).
CREATE TABLE entities (
    code INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;
INSERT INTO entities(code, name) VALUES
    (1, 'study'), (2, 'place'), (3, 'session'), (4, 'participant'), (5, 'tally'),
    (6, 'finding'), (7, 'recommendation'), (8, 'resolution'), (9, 'export');

-- A field's number in its entity: 0 for the tombstone, else its position (from 1) in its
-- entity's list in schema.rs (a test holds the two together). A migration that adds a field
-- adds it at the end of the list and here.
CREATE TABLE field_numbers (
    entity INTEGER NOT NULL,
    no     INTEGER NOT NULL,
    name   TEXT NOT NULL,
    PRIMARY KEY (entity, no),
    UNIQUE (entity, name)
) STRICT, WITHOUT ROWID;
INSERT INTO field_numbers(entity, no, name) VALUES
    (1, 0, 'deleted'), (1, 1, 'title'), (1, 2, 'organisation'), (1, 3, 'donor'),
    (1, 4, 'theme'), (1, 5, 'description'), (1, 6, 'start_date'), (1, 7, 'end_date'),
    (1, 8, 'status'),
    (2, 0, 'deleted'), (2, 1, 'name'), (2, 2, 'kind'), (2, 3, 'parent_id'), (2, 4, 'pcode'),
    (2, 5, 'iso_code'), (2, 6, 'national_code'), (2, 7, 'map_version'), (2, 8, 'country'),
    (2, 9, 'code_verified'),
    (3, 0, 'deleted'), (3, 1, 'study_id'), (3, 2, 'session_type'), (3, 3, 'title'),
    (3, 4, 'date'), (3, 5, 'duration_minutes'), (3, 6, 'place_id'), (3, 7, 'languages'),
    (3, 8, 'facilitators'), (3, 9, 'note_taker'), (3, 10, 'woman_facilitator'),
    (3, 11, 'women_only'), (3, 12, 'interpreter'), (3, 13, 'consent_level'),
    (3, 14, 'consent_form'), (3, 15, 'consent_recording'), (3, 16, 'consent_quotes'),
    (3, 17, 'consent_photos'), (3, 18, 'notes'),
    (4, 0, 'deleted'), (4, 1, 'session_id'), (4, 2, 'code'), (4, 3, 'sex'), (4, 4, 'age'),
    (4, 5, 'age_band'), (4, 6, 'actor_group'), (4, 7, 'institution'), (4, 8, 'role'),
    (4, 9, 'home_commune_id'), (4, 10, 'consent'), (4, 11, 'name'), (4, 12, 'phone'),
    (5, 0, 'deleted'), (5, 1, 'session_id'), (5, 2, 'sex'), (5, 3, 'age_band'),
    (5, 4, 'actor_group'), (5, 5, 'count'),
    (6, 0, 'deleted'), (6, 1, 'session_id'), (6, 2, 'theme'), (6, 3, 'text'),
    (6, 4, 'speaker_category'),
    (7, 0, 'deleted'), (7, 1, 'study_id'), (7, 2, 'text'), (7, 3, 'theme'),
    (7, 4, 'target_institution'), (7, 5, 'level'), (7, 6, 'status'), (7, 7, 'source_sessions'),
    (7, 8, 'validated_at'),
    (8, 0, 'deleted'), (8, 1, 'picked'),
    (9, 0, 'deleted'), (9, 1, 'study_id'), (9, 2, 'format'), (9, 3, 'exported_at'),
    (9, 4, 'node_id'), (9, 5, 'user_name'), (9, 6, 'filters'), (9, 7, 'hxl'),
    (9, 8, 'anonymised'), (9, 9, 'min_cell'), (9, 10, 'row_counts');

-- Every stored change has a known entity and field (writes and imports check them against the
-- schema); should one not, stop here rather than drop it.
CREATE TEMP TABLE migration_6_check (
    unknown_entity_or_field_in_change_log TEXT CHECK (unknown_entity_or_field_in_change_log IS NULL)
);
INSERT INTO migration_6_check
SELECT l.entity || '.' || (j.value ->> 0)
  FROM change_log l
  LEFT JOIN entities e ON e.name = l.entity, json_each(l.fields) j
  LEFT JOIN field_numbers f ON f.entity = e.code AND f.name = j.value ->> 0
 WHERE f.no IS NULL
 LIMIT 1;
DROP TABLE migration_6_check;

CREATE TABLE change_log_6 (
    -- scopes.idx: the study whose sync carries the run (0: every study's).
    scope     INTEGER NOT NULL,
    node      INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    -- entities.code
    entity    INTEGER NOT NULL,
    row_id    TEXT NOT NULL,
    -- The smallest stamp of the run: a record's first run tells who created it and when.
    hlc       INTEGER NOT NULL,
    -- JSON array, in seq order, of [field number, value, hlc minus the run's hlc] for a change
    -- that replaced nothing, [field number, value, hlc minus the run's hlc, prev_hlc,
    -- prev_node] otherwise.
    fields    TEXT NOT NULL,
    -- Exports read one scope's runs of one node in seq order; seqs identify changes, so runs
    -- of one node never overlap. Keyed so, the table is its own export index.
    PRIMARY KEY (scope, node, first_seq)
) STRICT, WITHOUT ROWID;

INSERT INTO change_log_6(scope, node, first_seq, last_seq, entity, row_id, hlc, fields)
SELECT s.idx, l.node, l.first_seq, l.last_seq, e.code, l.row_id, l.hlc,
       (SELECT json_group_array(json_set(j.value, '$[0]', f.no) ORDER BY j.key)
          FROM json_each(l.fields) j
          JOIN field_numbers f ON f.entity = e.code AND f.name = j.value ->> 0)
  FROM change_log l JOIN scopes s ON s.study = l.scope JOIN entities e ON e.name = l.entity;

DROP VIEW changes;
DROP TABLE change_log;
ALTER TABLE change_log_6 RENAME TO change_log;

-- A record's runs (merge, history); per entity in creation order (dashboards' origins).
CREATE INDEX change_log_record ON change_log(entity, row_id, hlc, node);

CREATE VIEW changes(node, seq, study, entity, row_id, field, value, hlc, prev_hlc, prev_node) AS
SELECT l.node, l.first_seq + j.key, nullif(s.study, ''), e.name, l.row_id,
       f.name, j.value ->> 1, l.hlc + (j.value ->> 2), j.value ->> 3, j.value ->> 4
  FROM change_log l
  JOIN scopes s ON s.idx = l.scope
  JOIN entities e ON e.code = l.entity,
       json_each(l.fields) j
  JOIN field_numbers f ON f.entity = l.entity AND f.no = j.value ->> 0;

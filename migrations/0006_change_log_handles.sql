-- Terrain store, schema 6: the change log names its scope and entity by small integers.
--
-- Every run stored the study id (36 characters) and the entity name in its row, and again in
-- its record-index entry: a third of the log's bytes for a participant. Stored as handles,
-- local to this file like node handles, the log takes about a tenth less time to write (the
-- write path of `terrain bench sync`). The `changes` view reads exactly as before.

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
    -- JSON array, in seq order, of [field, value, hlc minus the run's hlc] for a change that
    -- replaced nothing, [field, value, hlc minus the run's hlc, prev_hlc, prev_node] otherwise.
    fields    TEXT NOT NULL,
    -- Exports read one scope's runs of one node in seq order; seqs identify changes, so runs
    -- of one node never overlap. Keyed so, the table is its own export index.
    PRIMARY KEY (scope, node, first_seq)
) STRICT, WITHOUT ROWID;

INSERT INTO change_log_6(scope, node, first_seq, last_seq, entity, row_id, hlc, fields)
SELECT s.idx, l.node, l.first_seq, l.last_seq, e.code, l.row_id, l.hlc, l.fields
  FROM change_log l JOIN scopes s ON s.study = l.scope JOIN entities e ON e.name = l.entity;

DROP VIEW changes;
DROP TABLE change_log;
ALTER TABLE change_log_6 RENAME TO change_log;

-- A record's runs (merge, history); per entity in creation order (dashboards' origins).
CREATE INDEX change_log_record ON change_log(entity, row_id, hlc, node);

CREATE VIEW changes(node, seq, study, entity, row_id, field, value, hlc, prev_hlc, prev_node) AS
SELECT l.node, l.first_seq + j.key, nullif(s.study, ''), e.name, l.row_id,
       j.value ->> 0, j.value ->> 1, l.hlc + (j.value ->> 2), j.value ->> 3, j.value ->> 4
  FROM change_log l
  JOIN scopes s ON s.idx = l.scope
  JOIN entities e ON e.code = l.entity,
       json_each(l.fields) j;

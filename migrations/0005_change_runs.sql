-- Terrain store, schema 5: the change log stored in runs.
--
-- A run is the consecutive changes (by seq) of one origin node to one record in one scope:
-- the fields of a record saved together. Stored as one row per run instead of one row per
-- field, the log costs one table row and two index entries per record written, not five
-- B-tree entries per field. Each change keeps its own field, value, stamp and seq
-- (first_seq + its position in `fields`); the view `changes` shows one row per change.
CREATE TABLE change_log (
    -- The study whose sync carries the run ('' for every study's, e.g. a user-added place).
    scope     TEXT NOT NULL,
    node      INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    entity    TEXT NOT NULL,
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

-- Consecutive seqs of one (node, scope, record) become one run (gaps and islands).
INSERT INTO change_log(scope, node, entity, row_id, first_seq, last_seq, hlc, fields)
SELECT coalesce(study, ''), node, entity, row_id, min(seq), max(seq), base,
       json_group_array(CASE WHEN prev_hlc IS NULL THEN json_array(field, value, hlc - base)
                             ELSE json_array(field, value, hlc - base, prev_hlc, prev_node) END
                        ORDER BY seq)
  FROM (SELECT i.*, min(i.hlc) OVER (PARTITION BY i.node, i.study, i.entity, i.row_id, i.island) AS base
          FROM (SELECT c.*, c.seq - row_number() OVER (
                              PARTITION BY c.node, c.study, c.entity, c.row_id ORDER BY c.seq) AS island
                  FROM changes c) i)
 GROUP BY node, study, entity, row_id, island;

DROP TABLE changes;

-- A record's runs (merge, history); per entity in creation order (dashboards' origins).
CREATE INDEX change_log_record ON change_log(entity, row_id, hlc, node);

CREATE VIEW changes(node, seq, study, entity, row_id, field, value, hlc, prev_hlc, prev_node) AS
SELECT l.node, l.first_seq + j.key, nullif(l.scope, ''), l.entity, l.row_id,
       j.value ->> 0, j.value ->> 1, l.hlc + (j.value ->> 2), j.value ->> 3, j.value ->> 4
  FROM change_log l, json_each(l.fields) j;

-- Terrain store, schema 8: repairs. A repair is a change a supervisor or coordinator writes to
-- take a field's value stamped far in the future (a laptop whose clock ran years ahead) out of
-- the competition for that field: it is stamped more than a day below the stamp its `prev`
-- names (docs/sync-protocol.md, "Repairs"). The change log says it all; this table repeats
-- the repairs held so that checking a received change and planning a sync find them without
-- reading the log. Filled by the merge when a repair is first held; never emptied.
CREATE TABLE repairs (
    -- The repair itself: its scope (the study, '' for shared records), origin and seq.
    scope          TEXT NOT NULL,
    node           TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    -- The field repaired and the stamp that no longer competes for it.
    entity         TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    field          TEXT NOT NULL,
    repaired_hlc   INTEGER NOT NULL,
    repaired_node  TEXT NOT NULL,
    PRIMARY KEY (scope, node, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX repairs_target ON repairs(entity, row_id, field, repaired_hlc, repaired_node);

-- Terrain store, schema 10: exports that cannot single anyone out (issue 13).
--
-- A session's notes, a finding's and a recommendation's free text go into an anonymised
-- export only once a supervisor has reviewed them: `reviewed` holds the fingerprint of the
-- text as reviewed (see crates/core/src/export/review.rs), so an edit made after the review,
-- here or on another laptop, takes the text out again. Written through the write path: it
-- syncs, has history and only supervisors and coordinators may set it.
ALTER TABLE session ADD COLUMN reviewed TEXT;
ALTER TABLE finding ADD COLUMN reviewed TEXT;
ALTER TABLE recommendation ADD COLUMN reviewed TEXT;
INSERT INTO field_numbers(entity, no, name) VALUES
    (3, 19, 'reviewed'), (6, 5, 'reviewed'), (7, 9, 'reviewed');

-- The anonymised exports made on this laptop, so that a new one whose sessions overlap an
-- earlier one (some in common, not the same set) warns: the difference of two overlapping
-- aggregates can single a person out. Local: never synced.
CREATE TABLE anonymised_exports (
    id          INTEGER PRIMARY KEY,
    study       TEXT,
    -- The session filter as JSON (read::SessionFilter::to_json).
    filter      TEXT NOT NULL,
    min_cell    INTEGER NOT NULL,
    exported_at TEXT NOT NULL,
    node        TEXT NOT NULL,
    -- The ids of the sessions exported, a JSON array sorted.
    sessions    TEXT NOT NULL
) STRICT;

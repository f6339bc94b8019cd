-- Terrain store, schema 13: questionnaires (docs/design/forms.md, "Records"). A form version
-- imported into a study, the responses filled with it, and one record per answered question,
-- so that answers sync, merge and conflict per question like every other field.

CREATE TABLE form (
    id             TEXT PRIMARY KEY,
    study_id       TEXT,
    form_id        TEXT,
    version        TEXT,
    title          TEXT,
    session_type   TEXT,
    definition     TEXT,
    file_name      TEXT,
    question_count INTEGER,
    deleted        INTEGER NOT NULL DEFAULT 0
) STRICT;
-- A study's forms, and the versions of one form_id (its latest, a version already held).
CREATE INDEX form_study ON form(study_id, form_id);

CREATE TABLE response (
    id             TEXT PRIMARY KEY,
    study_id       TEXT,
    form_ref       TEXT,
    session_id     TEXT,
    participant_id TEXT,
    status         TEXT,
    deleted        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX response_form ON response(form_ref);
CREATE INDEX response_session ON response(session_id);
CREATE INDEX response_study ON response(study_id);

-- Not unique on (response_id, path): the id is made from the two (UUID v5 of the path in the
-- response's namespace, checked on receipt), so the primary key already holds one record per
-- question, a removed and restored one included (a soft delete keeps the row); and sync may
-- write a row's fields before others arrive.
CREATE TABLE answer (
    id          TEXT PRIMARY KEY,
    response_id TEXT,
    path        TEXT,
    value       TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX answer_response ON answer(response_id, path);

INSERT INTO entities(code, name) VALUES (10, 'form'), (11, 'response'), (12, 'answer');
INSERT INTO field_numbers(entity, no, name) VALUES
    (10, 0, 'deleted'), (10, 1, 'study_id'), (10, 2, 'form_id'), (10, 3, 'version'),
    (10, 4, 'title'), (10, 5, 'session_type'), (10, 6, 'definition'), (10, 7, 'file_name'),
    (10, 8, 'question_count'),
    (11, 0, 'deleted'), (11, 1, 'study_id'), (11, 2, 'form_ref'), (11, 3, 'session_id'),
    (11, 4, 'participant_id'), (11, 5, 'status'),
    (12, 0, 'deleted'), (12, 1, 'response_id'), (12, 2, 'path'), (12, 3, 'value');

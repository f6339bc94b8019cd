-- Terrain store, schema 11: names and phone numbers sealed to headquarters (issue 13, slice 4
-- of docs/design/protection.md).
--
-- A study lists, in its own record, the extra fields it seals to its HQ key ("participant.role",
-- "session.notes"...): synced like its title. Participant names and phones are always sealed
-- once the study has an HQ key (a signed roster entry, kind 6).
ALTER TABLE study ADD COLUMN sealed_fields TEXT;
INSERT INTO field_numbers(entity, no, name) VALUES (1, 9, 'sealed_fields');

-- The HQ key pairs made here (`terrain hq keygen`): the private half opens the values sealed
-- to the public half. Old pairs are kept: values sealed under a replaced key stay sealed to
-- it. Local: never synced (the store itself is encrypted at rest).
CREATE TABLE hq_keys (
    public     BLOB PRIMARY KEY CHECK (length(public) = 32),
    secret     BLOB NOT NULL CHECK (length(secret) = 32),
    created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Terrain store, schema 9: study keys have versions. Revoking a device re-keys its study: a
-- coordinator makes a new key, hands it to the remaining members sealed to each one's device
-- key (a "rekey" roster entry), and bundles and hub payloads are sealed with the newest
-- version; an older one is refused for anything new. Local: never synced.
CREATE TABLE study_key_versions (
    study      TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    key        BLOB NOT NULL CHECK (length(key) = 32),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (study, version, key)
) STRICT, WITHOUT ROWID;

INSERT INTO study_key_versions(study, version, key, created_at)
    SELECT study, 1, key, created_at FROM study_keys;
DROP TABLE study_keys;

-- The invitation keys this laptop joined studies with (from their join files). A re-key made
-- before the coordinator heard of this laptop's joining is sealed to the invitation key too,
-- so the laptop still opens it. Local: never synced.
CREATE TABLE held_invitations (
    study      TEXT NOT NULL,
    secret     BLOB NOT NULL CHECK (length(secret) = 32),
    PRIMARY KEY (study, secret)
) STRICT, WITHOUT ROWID;

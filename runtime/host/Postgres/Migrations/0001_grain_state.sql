-- Grain state: one row per (grain type, state name, grain key), the serialized state and a random ETag that every
-- write replaces. Writes are conditional on the ETag (see PostgresGrainStorage), never read-then-write.
-- COLLATE "C" on the key columns makes ORDER BY and the primary-key index compare bytes (UTF-8 byte order is code
-- point order), whatever the database's default collation, so a key-prefix scan is an index range.
CREATE TABLE memos_grain_state (
    grain_type text COLLATE "C" NOT NULL,
    state_name text COLLATE "C" NOT NULL,
    grain_key  text COLLATE "C" NOT NULL,
    payload    bytea NOT NULL,
    etag       text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (grain_type, state_name, grain_key)
);

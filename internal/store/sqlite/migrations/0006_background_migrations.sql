-- Progress of changes that touch every row of a large table; they run in
-- batches in the background while the server serves (see background.go).
CREATE TABLE background_migrations (
    name       TEXT PRIMARY KEY,
    last_id    INTEGER NOT NULL DEFAULT 0,
    -- rows from this id on are written in the new shape by the new release
    until_id   INTEGER NOT NULL DEFAULT 0,
    rows_done  INTEGER NOT NULL DEFAULT 0,
    done       INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL DEFAULT 0
);

-- 0002: sync state. A context mirrored from (or uploaded to) a sync server
-- keeps its pull cursor and the caller's access level; refused pushes are
-- kept with the server's reason so they are never dropped silently.

ALTER TABLE contexts ADD COLUMN sync_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contexts ADD COLUMN owner_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE contexts ADD COLUMN access_level TEXT NOT NULL DEFAULT '';

CREATE TABLE sync_refused (
    op_id        TEXT PRIMARY KEY,
    op           TEXT NOT NULL,
    context_id   TEXT NOT NULL,
    context_name TEXT NOT NULL,
    memory_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    content      TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    refused_at   INTEGER NOT NULL
) WITHOUT ROWID;

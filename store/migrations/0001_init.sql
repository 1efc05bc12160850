-- 0001: contexts, memories with history, full-text index, outbox, state.
-- A migration that has landed is never edited: add a new numbered file instead.

CREATE TABLE contexts (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description  TEXT NOT NULL DEFAULT '',
    visibility   TEXT NOT NULL DEFAULT 'private'
                 CHECK (visibility IN ('private', 'team', 'org', 'public')),
    sync_enabled INTEGER NOT NULL DEFAULT 0,
    remote_id    TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE memories (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    context_id   TEXT NOT NULL REFERENCES contexts (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('note', 'command', 'fact', 'snippet')),
    content      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    metadata     TEXT NOT NULL DEFAULT '{}',
    tags         TEXT NOT NULL DEFAULT '[]',
    source       TEXT NOT NULL,
    author       TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    deleted_at   INTEGER
);

CREATE INDEX memories_context_created ON memories (context_id, created_at);
CREATE INDEX memories_created ON memories (created_at);
CREATE INDEX memories_live_hash ON memories (context_id, content_hash) WHERE deleted_at IS NULL;

-- Every change to a memory first copies the row as it was into history.
CREATE TABLE memory_history (
    memory_id  TEXT NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    context_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    content    TEXT NOT NULL,
    metadata   TEXT NOT NULL,
    tags       TEXT NOT NULL,
    source     TEXT NOT NULL,
    author     TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    PRIMARY KEY (memory_id, version)
) WITHOUT ROWID;

-- The full-text index reads its text from memories (external content) and is
-- kept in step by triggers, so no code path can forget it.
CREATE VIRTUAL TABLE memories_fts USING fts5 (
    content,
    tags,
    content = 'memories',
    content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, content, tags) VALUES (new.seq, new.content, new.tags);
END;

CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, content, tags)
    VALUES ('delete', old.seq, old.content, old.tags);
END;

CREATE TRIGGER memories_fts_update AFTER UPDATE OF content, tags ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, content, tags)
    VALUES ('delete', old.seq, old.content, old.tags);
    INSERT INTO memories_fts (rowid, content, tags) VALUES (new.seq, new.content, new.tags);
END;

-- Changes waiting to be pushed to a sync server, in order. Only contexts with
-- sync_enabled get entries, so purely local use never grows this table.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id      TEXT NOT NULL UNIQUE,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    context_id TEXT NOT NULL,
    memory_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);

-- Small pieces of local state (current context, recording context).
CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

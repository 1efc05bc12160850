-- 0003: embeddings for semantic search. Only used once an embedder is
-- configured: until then (state key embed_model unset) the triggers below
-- add nothing, so purely local use pays one indexed lookup per write.

-- One vector per memory, for the model named in state embed_model. rev
-- orders the writes so the vector index file can catch up incrementally.
CREATE TABLE embeddings (
    memory_seq   INTEGER PRIMARY KEY REFERENCES memories (seq) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,   -- memories.content_hash the vector was made from
    rev          INTEGER NOT NULL,
    vector       BLOB NOT NULL    -- little-endian float32, unit length
);

CREATE INDEX embeddings_rev ON embeddings (rev);

-- Memories whose text has no current vector yet.
CREATE TABLE embed_pending (
    seq INTEGER PRIMARY KEY
);

CREATE TRIGGER memories_embed_insert AFTER INSERT ON memories
WHEN EXISTS (SELECT 1 FROM state WHERE key = 'embed_model') BEGIN
    INSERT OR IGNORE INTO embed_pending (seq) VALUES (new.seq);
END;

-- A changed text loses its vector at once (an old vector must never rank
-- the new text), and waits for a new one.
CREATE TRIGGER memories_embed_update AFTER UPDATE OF content ON memories
WHEN new.content_hash IS NOT old.content_hash BEGIN
    DELETE FROM embeddings WHERE memory_seq = new.seq;
    INSERT OR IGNORE INTO embed_pending (seq)
    SELECT new.seq WHERE EXISTS (SELECT 1 FROM state WHERE key = 'embed_model');
END;

CREATE TRIGGER memories_embed_delete AFTER DELETE ON memories BEGIN
    DELETE FROM embed_pending WHERE seq = old.seq;
END;

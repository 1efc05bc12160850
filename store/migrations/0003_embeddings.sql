-- 0003: embeddings for semantic search. Only used once an embedder is
-- configured: until then (state key embed_model unset) the triggers below
-- add nothing, so purely local use pays one indexed lookup per write.

-- One vector per memory, for the model named in state embed_model. Every
-- vector stored and every vector dropped takes the next tick of
-- embed_clock as its rev, so the vector index file (a copy laid out for
-- the scan) can catch up with both incrementally.
CREATE TABLE embed_clock (
    n INTEGER NOT NULL
);

INSERT INTO embed_clock (n) VALUES (0);

CREATE TABLE embeddings (
    memory_seq   INTEGER PRIMARY KEY REFERENCES memories (seq) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,   -- memories.content_hash the vector was made from
    rev          INTEGER NOT NULL,
    vector       BLOB NOT NULL    -- little-endian float32, unit length
);

CREATE INDEX embeddings_rev ON embeddings (rev);

-- Vectors dropped (a memory edited or purged), for the index file to
-- forget them.
CREATE TABLE embedding_deaths (
    rev INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL
);

CREATE TRIGGER embeddings_delete AFTER DELETE ON embeddings BEGIN
    UPDATE embed_clock SET n = n + 1;
    INSERT INTO embedding_deaths (rev, seq) SELECT n, old.memory_seq FROM embed_clock;
END;

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

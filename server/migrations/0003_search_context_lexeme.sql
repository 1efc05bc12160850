-- 0003: the search vector also holds one lexeme naming the memory's context
-- ('c' + the context id's 32 hex digits). A search ANDs the user's query
-- with the OR of the caller's readable contexts, so the GIN index returns
-- only rows the caller may read instead of every user's matches.
-- ts_rank (normalisation 0) is unchanged by the extra lexeme.
ALTER TABLE memories DROP COLUMN tsv;
ALTER TABLE memories ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', content) || array_to_tsvector(ARRAY['c' || replace(context_id::text, '-', '')])
) STORED;
CREATE INDEX memories_tsv ON memories USING gin (tsv);

package mcp

import (
	"time"

	"github.com/mem0dev/mem0/store"
)

// Tool arguments. Names follow the hosted mem0 MCP tools where they overlap
// (text, query, memory_id, filters, top_k, metadata), so prompts written for
// it work here; context, kind and tags are mem0's own.

// identity holds the hosted mem0 tools' identity arguments. They are
// accepted so that prompts written for those tools do not fail, and
// ignored: the server's configuration decides the scope.
type identity struct {
	UserID  string `json:"user_id,omitempty" jsonschema:"ignored (accepted for compatibility): the server's configuration decides whose memories these are"`
	AgentID string `json:"agent_id,omitempty" jsonschema:"ignored (accepted for compatibility)"`
	AppID   string `json:"app_id,omitempty" jsonschema:"ignored (accepted for compatibility)"`
	RunID   string `json:"run_id,omitempty" jsonschema:"ignored (accepted for compatibility)"`
}

type addInput struct {
	Text     string         `json:"text" jsonschema:"what to remember, in plain words: one fact, decision, note, command or code snippet per memory"`
	Kind     string         `json:"kind,omitempty" jsonschema:"what the text is: note (default), fact, snippet or command"`
	Tags     []string       `json:"tags,omitempty" jsonschema:"short labels to find it by, e.g. [\"db\", \"staging\"]"`
	Metadata map[string]any `json:"metadata,omitempty" jsonschema:"extra key/value data to keep with the memory (a JSON object)"`
	Context  string         `json:"context,omitempty" jsonschema:"context to add to; leave out to use the server's context"`
	Infer    bool           `json:"infer,omitempty" jsonschema:"true: send the text (or a JSON array of chat messages) to the LLM the user configured for mem0 and store the durable facts it finds, each as a fact linked to the text; facts already known are skipped"`
	identity
}

// filters narrow searches and listings. The same fields are accepted at the
// top level of the arguments.
type filters struct {
	Context string   `json:"context,omitempty" jsonschema:"context to look in; \"*\" for every context this server may use; leave out for the server's context"`
	Kind    string   `json:"kind,omitempty" jsonschema:"only this kind: note, fact, snippet or command"`
	Tags    []string `json:"tags,omitempty" jsonschema:"only memories carrying all of these tags"`
	Since   string   `json:"since,omitempty" jsonschema:"only memories created at or after this time: RFC 3339 (2026-11-01T14:30:00Z), a date (2026-11-01) or a span back from now (12h, 7d, 2w)"`
	Until   string   `json:"until,omitempty" jsonschema:"only memories created before this time (same forms as since)"`
	identity
}

type searchInput struct {
	Query   string   `json:"query" jsonschema:"words to look for; every word must appear (word forms count: deploying finds deploy); a trailing * matches a prefix (kube*)"`
	TopK    int      `json:"top_k,omitempty" jsonschema:"how many results at most (1-100, default 10)"`
	Filters *filters `json:"filters,omitempty" jsonschema:"narrow the search (context, kind, tags, since, until)"`
	Context string   `json:"context,omitempty" jsonschema:"same as filters.context"`
	Kind    string   `json:"kind,omitempty" jsonschema:"same as filters.kind"`
	Tags    []string `json:"tags,omitempty" jsonschema:"same as filters.tags"`
	identity
}

type getMemoriesInput struct {
	Filters        *filters `json:"filters,omitempty" jsonschema:"narrow the list (context, kind, tags, since, until)"`
	Page           int      `json:"page,omitempty" jsonschema:"page number, from 1 (default 1)"`
	PageSize       int      `json:"page_size,omitempty" jsonschema:"memories per page (1-100, default 20)"`
	IncludeDeleted bool     `json:"include_deleted,omitempty" jsonschema:"also list deleted memories"`
	Context        string   `json:"context,omitempty" jsonschema:"same as filters.context"`
	Kind           string   `json:"kind,omitempty" jsonschema:"same as filters.kind"`
	Tags           []string `json:"tags,omitempty" jsonschema:"same as filters.tags"`
	identity
}

type memoryIDInput struct {
	MemoryID string `json:"memory_id" jsonschema:"the memory's id, as search_memories or get_memories return it (a unique prefix of 8 or more characters also works)"`
}

type updateInput struct {
	MemoryID string         `json:"memory_id" jsonschema:"the memory's id, as search_memories or get_memories return it"`
	Text     *string        `json:"text,omitempty" jsonschema:"the new text; leave out to keep it"`
	Kind     *string        `json:"kind,omitempty" jsonschema:"the new kind: note, fact, snippet or command"`
	Tags     *[]string      `json:"tags,omitempty" jsonschema:"the new tags, replacing the old ones ([] removes all)"`
	Metadata map[string]any `json:"metadata,omitempty" jsonschema:"keys to set; a key set to null is removed; other keys stay"`
}

type noInput struct{}

// Tool results.

// Memory is a memory as tools and resources return it.
type Memory struct {
	ID        string         `json:"id" jsonschema:"the memory's id (memory_id in other tools)"`
	Context   string         `json:"context"`
	Kind      string         `json:"kind"`
	Content   string         `json:"content" jsonschema:"the remembered text"`
	Tags      []string       `json:"tags"`
	Metadata  map[string]any `json:"metadata"`
	Source    string         `json:"source" jsonschema:"where it came from: cli, shell, mcp, api, llm or import"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Version   int            `json:"version" jsonschema:"1 when new; each change adds one (see memory_history)"`
	Deleted   bool           `json:"deleted,omitempty"`
}

func memoryOut(m *store.Memory) Memory {
	out := Memory{ID: m.ID, Context: m.Context, Kind: m.Kind, Content: m.Content, Tags: m.Tags, Metadata: m.Metadata,
		Source: m.Source, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, Version: m.Version, Deleted: m.Deleted()}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Metadata == nil {
		out.Metadata = map[string]any{}
	}
	return out
}

type addOutput struct {
	Memory    Memory `json:"memory"`
	Duplicate bool   `json:"duplicate" jsonschema:"true when the context already held this text: nothing new was stored and memory is the existing one"`
	// Facts is set with infer only.
	Facts []inferredFact `json:"facts,omitempty" jsonschema:"with infer: each fact the LLM found and what became of it"`
}

type inferredFact struct {
	Text        string   `json:"text"`
	Status      string   `json:"status" jsonschema:"stored: a new fact memory; duplicate: the context holds this fact already; similar: it holds one meaning the same"`
	ID          string   `json:"id,omitempty" jsonschema:"the new fact memory's id (stored only)"`
	DuplicateOf string   `json:"duplicate_of,omitempty" jsonschema:"the id of the memory already holding it (duplicate, similar)"`
	Contradicts []string `json:"contradicts,omitempty" jsonschema:"ids of known facts this one contradicts; they are kept, not changed"`
}

type searchHit struct {
	Memory
	Score        float64 `json:"score" jsonschema:"relevance: BM25 in keyword mode, the fused reciprocal-rank score in hybrid mode; higher is better"`
	KeywordRank  int     `json:"keyword_rank,omitempty" jsonschema:"place in the word ranking (hybrid mode; absent: not found by words)"`
	SemanticRank int     `json:"semantic_rank,omitempty" jsonschema:"place in the meaning ranking (hybrid mode; absent: not found by meaning)"`
	Similarity   float64 `json:"similarity,omitempty" jsonschema:"cosine similarity with the query (hybrid mode)"`
}

type searchOutput struct {
	Results []searchHit `json:"results"`
	Match   string      `json:"match" jsonschema:"all: every word matched; any: no memory held every word, so these hold some; none: the query had no words"`
	Mode    string      `json:"mode" jsonschema:"keyword: ranked by words (BM25); hybrid: words and meaning fused"`
	Note    string      `json:"note,omitempty" jsonschema:"why the search fell back to words, when it did"`
}

type listOutput struct {
	Memories []Memory `json:"memories"`
	Page     int      `json:"page"`
	PageSize int      `json:"page_size"`
	HasMore  bool     `json:"has_more" jsonschema:"true when the next page has more"`
}

type memoryOutput struct {
	Memory Memory `json:"memory"`
}

type updateOutput struct {
	Memory  Memory `json:"memory"`
	Changed bool   `json:"changed" jsonschema:"false when the arguments matched what was stored already"`
}

type deleteOutput struct {
	MemoryID string `json:"memory_id"`
	Deleted  bool   `json:"deleted"`
	Version  int    `json:"version"`
	Note     string `json:"note"`
}

type contextOut struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Memories    int    `json:"memories" jsonschema:"live memories in it"`
	Default     bool   `json:"default" jsonschema:"true for the context used when a call names none"`
}

type contextsOutput struct {
	Contexts    []contextOut `json:"contexts"`
	ReadOnly    bool         `json:"read_only"`
	AnyContext  bool         `json:"any_context" jsonschema:"true when every context may be named"`
	DefaultName string       `json:"default_context"`
}

type versionOut struct {
	Version   int            `json:"version"`
	Kind      string         `json:"kind"`
	Content   string         `json:"content"`
	Tags      []string       `json:"tags"`
	Metadata  map[string]any `json:"metadata"`
	Source    string         `json:"source"`
	UpdatedAt time.Time      `json:"updated_at"`
	Deleted   bool           `json:"deleted"`
	Current   bool           `json:"current"`
}

type historyOutput struct {
	MemoryID string       `json:"memory_id"`
	Versions []versionOut `json:"versions" jsonschema:"every version, oldest first; the last is the current state"`
}

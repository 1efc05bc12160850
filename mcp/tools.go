package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/semantic"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// Limits on what one call returns, so an answer fits a model's context.
const (
	defaultTopK     = 10
	defaultPageSize = 20
	maxPage         = 100
)

// ReadTools and WriteTools name the tools; a read-only server has only the
// first.
var (
	ReadTools  = []string{"search_memories", "get_memories", "get_memory", "list_contexts", "memory_history"}
	WriteTools = []string{"add_memory", "update_memory", "delete_memory"}
)

func (srv *Server) addTools(s *sdk.Server) {
	closed := false // every tool works on the local store only
	readOnly := &sdk.ToolAnnotations{ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: &closed}
	yes, no := true, false

	sdk.AddTool(s, &sdk.Tool{
		Name:  "search_memories",
		Title: "Search memories",
		Description: `Find memories by the words in them, best match first (BM25 ranking; among equal
matches the newer first). Every word must appear, in any form (deploying finds
deploy); when no memory holds every word, memories holding some are returned
and "match" says "any". When the user configured an embedder, the search is
hybrid ("mode": "hybrid"): memories are also found by meaning, so a question
in other words than the memory's still finds it. Use it before answering questions about the project,
its infrastructure, commands the user ran, or their preferences.`,
		InputSchema: schemaFor[searchInput](withKindEnum("kind"), withFilters),
		Annotations: readOnly,
	}, srv.searchMemories)

	sdk.AddTool(s, &sdk.Tool{
		Name:  "get_memories",
		Title: "List memories",
		Description: `List memories newest first, a page at a time, optionally narrowed by context,
kind, tags and creation time. Use it to browse recent memories or to find ids;
use search_memories to find memories about something.`,
		InputSchema: schemaFor[getMemoriesInput](withKindEnum("kind"), withFilters),
		Annotations: readOnly,
	}, srv.getMemories)

	sdk.AddTool(s, &sdk.Tool{
		Name:        "get_memory",
		Title:       "Get a memory",
		Description: "Return one memory by its id, with its tags, metadata and version.",
		Annotations: readOnly,
	}, srv.getMemory)

	sdk.AddTool(s, &sdk.Tool{
		Name:  "list_contexts",
		Title: "List contexts",
		Description: `List the contexts (named buckets of memories) this server may use, with how many
memories each holds and which one calls use when they name none.`,
		Annotations: readOnly,
	}, srv.listContexts)

	sdk.AddTool(s, &sdk.Tool{
		Name:        "memory_history",
		Title:       "Memory history",
		Description: "Return every version of a memory, oldest first; the last one is its current state. Updates and deletes never lose the earlier text.",
		Annotations: readOnly,
	}, srv.memoryHistory)

	if srv.scope.ReadOnly {
		return
	}

	sdk.AddTool(s, &sdk.Tool{
		Name:  "add_memory",
		Title: "Remember",
		Description: `Remember a piece of text: a fact the user stated, a decision, a command that
worked, a code snippet. One thing per memory, in plain words that a later
search will match. Adding text the context already holds stores nothing new
and returns the existing memory (duplicate: true).

With infer: true, the text - or a conversation given as a JSON array of
{"role","content"} messages - goes to the LLM the user configured for mem0,
which picks out its durable facts: each new one is stored as a fact memory
linked to the text (kept as a note, returned as memory), facts the context
holds already are skipped, and "facts" says what became of each. Nothing is
deleted or changed. It takes one model request or more, and fails when no LLM
is configured: then add without infer.`,
		InputSchema: schemaFor[addInput](withKindEnum("kind")),
		Annotations: &sdk.ToolAnnotations{DestructiveHint: &no, IdempotentHint: true, OpenWorldHint: &closed},
	}, srv.addMemory)

	sdk.AddTool(s, &sdk.Tool{
		Name:  "update_memory",
		Title: "Change a memory",
		Description: `Change a memory's text, kind, tags or metadata. The previous version is kept in
its history (memory_history). Only change a memory when the user asks or a
fact it holds is now wrong.`,
		Annotations: &sdk.ToolAnnotations{DestructiveHint: &yes, IdempotentHint: true, OpenWorldHint: &closed},
	}, srv.updateMemory)

	sdk.AddTool(s, &sdk.Tool{
		Name:  "delete_memory",
		Title: "Delete a memory",
		Description: `Delete a memory. It disappears from searches and listings; the user can bring it
back with mem0 restore. Only delete when the user asks.`,
		Annotations: &sdk.ToolAnnotations{DestructiveHint: &yes, IdempotentHint: true, OpenWorldHint: &closed},
	}, srv.deleteMemory)
}

// schemaFor infers T's input schema and applies tweaks (enums) that struct
// tags cannot express.
func schemaFor[T any](tweaks ...func(*jsonschema.Schema)) *jsonschema.Schema {
	s, err := jsonschema.For[T](nil)
	if err != nil {
		panic(fmt.Sprintf("mcp: input schema: %v", err))
	}
	for _, t := range tweaks {
		t(s)
	}
	return s
}

func withKindEnum(prop string) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		if p := s.Properties[prop]; p != nil {
			for _, k := range content.Kinds {
				p.Enum = append(p.Enum, k)
			}
		}
	}
}

func withFilters(s *jsonschema.Schema) {
	if p := s.Properties["filters"]; p != nil {
		withKindEnum("kind")(p)
	}
}

func (srv *Server) addMemory(ctx context.Context, _ *sdk.CallToolRequest, in addInput) (*sdk.CallToolResult, addOutput, error) {
	name, err := srv.pick(ctx, in.Context)
	if err != nil {
		return nil, addOutput{}, srv.explain(err)
	}
	if err := srv.checkMetadata(in.Metadata); err != nil {
		return nil, addOutput{}, err
	}
	if in.Infer {
		return srv.addInferred(ctx, name, in)
	}
	var m *store.Memory
	var dup bool
	err = srv.s.WithTx(ctx, func(tx *store.Tx) error {
		m, dup, err = tx.AddMemory(ctx, store.NewMemory{
			Context: name, Kind: in.Kind, Content: in.Text, Metadata: in.Metadata, Tags: in.Tags, Source: content.SourceMCP,
		})
		return err
	})
	if err != nil {
		return nil, addOutput{}, srv.explain(err)
	}
	return nil, addOutput{Memory: memoryOut(m), Duplicate: dup}, nil
}

// addInferred is add_memory with infer: the LLM's facts, stored beside
// the text.
func (srv *Server) addInferred(ctx context.Context, name string, in addInput) (*sdk.CallToolResult, addOutput, error) {
	if srv.infer == nil {
		return nil, addOutput{}, errors.New(`fact extraction (infer) is not available in this server; add the text without "infer"`)
	}
	if in.Kind != "" && in.Kind != content.KindNote {
		return nil, addOutput{}, fmt.Errorf(`kind %q does not go with infer: the text is kept as a note and the facts found in it as facts; leave kind out`, in.Kind)
	}
	res, err := srv.infer(ctx, srv.s, infer.Request{Context: name, Text: in.Text, Source: content.SourceMCP, Tags: in.Tags, Metadata: in.Metadata})
	if err != nil {
		if storeError(err) {
			return nil, addOutput{}, srv.explain(err)
		}
		// The LLM's and the input's problems come worded for people, with
		// what to do about them.
		return nil, addOutput{}, fmt.Errorf(`fact extraction failed: %v (add_memory without "infer" stores the text as it is)`, err)
	}
	out := addOutput{Memory: memoryOut(res.Source), Duplicate: res.SourceDuplicate, Facts: []inferredFact{}}
	for _, f := range res.Facts {
		out.Facts = append(out.Facts, inferredFact{Text: f.Text, Status: f.Status, ID: f.ID, DuplicateOf: f.DuplicateOf, Contradicts: f.Contradicts})
	}
	return nil, out, nil
}

// storeError reports whether err came from the store or the content rules,
// which explain words.
func storeError(err error) bool {
	for _, e := range []error{store.ErrBusy, store.ErrCorrupt, store.ErrUnwritable, store.ErrTooNew, store.ErrInvalid,
		store.ErrConflict, store.ErrNotFound, store.ErrTooLarge, content.ErrEmpty, content.ErrTooLarge, content.ErrInvalidUTF8, content.ErrNUL} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func (srv *Server) searchMemories(ctx context.Context, _ *sdk.CallToolRequest, in searchInput) (*sdk.CallToolResult, searchOutput, error) {
	if strings.TrimSpace(in.Query) == "" {
		return nil, searchOutput{}, errors.New(`"query" is empty; give the words to search for`)
	}
	topK, err := bounded("top_k", in.TopK, defaultTopK)
	if err != nil {
		return nil, searchOutput{}, err
	}
	flt, err := srv.filter(ctx, in.Filters, filters{Context: in.Context, Kind: in.Kind, Tags: in.Tags})
	if err != nil {
		return nil, searchOutput{}, srv.explain(err)
	}
	flt.Limit = topK
	engine := &semantic.Engine{Store: srv.s}
	if srv.search != nil {
		engine = srv.search(srv.s)
	}
	hits, ex, err := engine.Search(ctx, in.Query, flt, semantic.Auto, false)
	if err != nil {
		return nil, searchOutput{}, srv.explain(err)
	}
	if ex.Mode == semantic.Keyword && ex.Match == store.NoWords {
		return nil, searchOutput{}, fmt.Errorf("the query %q has no words to search for (only punctuation); give words", in.Query)
	}
	out := searchOutput{Results: make([]searchHit, len(hits)), Match: string(ex.Match), Mode: string(ex.Mode)}
	if ex.Mode == semantic.Keyword && srv.search != nil && engine.Embedder != nil {
		out.Note = ex.Reason
	}
	for i, h := range hits {
		out.Results[i] = searchHit{Memory: memoryOut(h.Memory), Score: h.Score, KeywordRank: h.KeywordRank, SemanticRank: h.SemanticRank, Similarity: h.Similarity}
	}
	return nil, out, nil
}

func (srv *Server) getMemories(ctx context.Context, _ *sdk.CallToolRequest, in getMemoriesInput) (*sdk.CallToolResult, listOutput, error) {
	size, err := bounded("page_size", in.PageSize, defaultPageSize)
	if err != nil {
		return nil, listOutput{}, err
	}
	page := in.Page
	if page == 0 {
		page = 1
	}
	if page < 1 || page > 1_000_000 {
		return nil, listOutput{}, fmt.Errorf("page %d: pages are numbered from 1", in.Page)
	}
	flt, err := srv.filter(ctx, in.Filters, filters{Context: in.Context, Kind: in.Kind, Tags: in.Tags})
	if err != nil {
		return nil, listOutput{}, srv.explain(err)
	}
	if in.IncludeDeleted {
		flt.Deleted = store.LiveAndDeleted
	}
	flt.Limit, flt.Offset = size+1, (page-1)*size
	ms, err := srv.s.ListMemories(ctx, flt)
	if err != nil {
		return nil, listOutput{}, srv.explain(err)
	}
	out := listOutput{Memories: []Memory{}, Page: page, PageSize: size, HasMore: len(ms) > size}
	for _, m := range ms[:min(len(ms), size)] {
		out.Memories = append(out.Memories, memoryOut(m))
	}
	return nil, out, nil
}

func (srv *Server) getMemory(ctx context.Context, _ *sdk.CallToolRequest, in memoryIDInput) (*sdk.CallToolResult, memoryOutput, error) {
	m, err := srv.find(ctx, srv.s, in.MemoryID)
	if err != nil {
		return nil, memoryOutput{}, err
	}
	return nil, memoryOutput{Memory: memoryOut(m)}, nil
}

func (srv *Server) updateMemory(ctx context.Context, _ *sdk.CallToolRequest, in updateInput) (*sdk.CallToolResult, updateOutput, error) {
	if in.Text == nil && in.Kind == nil && in.Tags == nil && in.Metadata == nil {
		return nil, updateOutput{}, errors.New(`nothing to change: give "text", "kind", "tags" or "metadata" with the new values`)
	}
	if err := srv.checkMetadata(in.Metadata); err != nil {
		return nil, updateOutput{}, err
	}
	var m *store.Memory
	var changed bool
	err := srv.s.WithTx(ctx, func(tx *store.Tx) error {
		old, err := srv.find(ctx, tx, in.MemoryID)
		if err != nil {
			return err
		}
		if old.Deleted() {
			return phrased{fmt.Errorf("memory %s is deleted, so it cannot be changed; the user can bring it back with `mem0 restore %s`", old.ID, old.ID)}
		}
		m, changed, err = tx.UpdateMemory(ctx, old.ID, store.Patch{Content: in.Text, Kind: in.Kind, Tags: in.Tags, Metadata: in.Metadata})
		return err
	})
	if err != nil {
		return nil, updateOutput{}, srv.explain(err)
	}
	return nil, updateOutput{Memory: memoryOut(m), Changed: changed}, nil
}

func (srv *Server) deleteMemory(ctx context.Context, _ *sdk.CallToolRequest, in memoryIDInput) (*sdk.CallToolResult, deleteOutput, error) {
	var m *store.Memory
	err := srv.s.WithTx(ctx, func(tx *store.Tx) error {
		old, err := srv.find(ctx, tx, in.MemoryID)
		if err != nil {
			return err
		}
		if old.Deleted() {
			return phrased{fmt.Errorf("memory %s is already deleted", old.ID)}
		}
		m, err = tx.DeleteMemory(ctx, old.ID)
		return err
	})
	if err != nil {
		return nil, deleteOutput{}, srv.explain(err)
	}
	return nil, deleteOutput{MemoryID: m.ID, Deleted: true, Version: m.Version,
		Note: "deleted; the user can bring it back with `mem0 restore " + m.ID + "`"}, nil
}

func (srv *Server) listContexts(ctx context.Context, _ *sdk.CallToolRequest, _ noInput) (*sdk.CallToolResult, contextsOutput, error) {
	home, err := srv.home(ctx)
	if err != nil {
		return nil, contextsOutput{}, srv.explain(err)
	}
	reach, err := srv.pickRead(ctx, AnyContext)
	if err != nil {
		return nil, contextsOutput{}, srv.explain(err)
	}
	cs, err := srv.s.ListContexts(ctx)
	if err != nil {
		return nil, contextsOutput{}, srv.explain(err)
	}
	out := contextsOutput{Contexts: []contextOut{}, ReadOnly: srv.scope.ReadOnly, AnyContext: reach == nil, DefaultName: home}
	listed := map[string]bool{}
	for _, c := range cs {
		if reach != nil && !slices.ContainsFunc(reach, func(n string) bool { return strings.EqualFold(n, c.Name) }) {
			continue
		}
		listed[strings.ToLower(c.Name)] = true
		out.Contexts = append(out.Contexts, contextOut{Name: c.Name, Description: c.Description, Memories: c.Memories,
			Default: strings.EqualFold(c.Name, home)})
	}
	// Contexts come into being with their first memory; still list the
	// ones the scope names.
	for _, n := range append([]string{home}, reach...) {
		if !listed[strings.ToLower(n)] {
			listed[strings.ToLower(n)] = true
			out.Contexts = append(out.Contexts, contextOut{Name: n, Default: strings.EqualFold(n, home)})
		}
	}
	return nil, out, nil
}

func (srv *Server) memoryHistory(ctx context.Context, _ *sdk.CallToolRequest, in memoryIDInput) (*sdk.CallToolResult, historyOutput, error) {
	m, err := srv.find(ctx, srv.s, in.MemoryID)
	if err != nil {
		return nil, historyOutput{}, err
	}
	vs, err := srv.s.History(ctx, m.ID)
	if err != nil {
		return nil, historyOutput{}, srv.explain(err)
	}
	out := historyOutput{MemoryID: m.ID, Versions: make([]versionOut, len(vs))}
	for i, v := range vs {
		out.Versions[i] = versionOut{Version: v.Version, Kind: v.Kind, Content: v.Content, Tags: v.Tags, Metadata: v.Metadata,
			Source: v.Source, UpdatedAt: v.UpdatedAt, Deleted: v.Deleted, Current: v.Current}
	}
	return nil, out, nil
}

// reader is what both *store.Store and *store.Tx offer for finding a memory.
type reader interface {
	stateReader
	ResolveID(ctx context.Context, prefix string) (string, error)
	GetMemory(ctx context.Context, id string) (*store.Memory, error)
}

// find resolves an id (or unique prefix) to a memory the scope reaches.
// Memories outside the scope are "not found", like missing ones.
func (srv *Server) find(ctx context.Context, r reader, id string) (*store.Memory, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, phrased{errors.New(`"memory_id" is empty; give the id of a memory, as search_memories or get_memories return it`)}
	}
	full, err := r.ResolveID(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, phrased{notFound(id)}
	case errors.Is(err, store.ErrAmbiguous):
		// The candidates' ids are not shown: some may lie outside the scope.
		return nil, phrased{fmt.Errorf("the id prefix %q matches several memories; give the full id", id)}
	case errors.Is(err, store.ErrInvalid):
		return nil, phrased{fmt.Errorf("%q is not a memory id (ids look like 019ac9f2-7c1b-7d3e-9a41-5f0e2b7c8d90); find ids with search_memories or get_memories", id)}
	case err != nil:
		return nil, phrased{srv.explain(err)}
	}
	m, err := r.GetMemory(ctx, full)
	if err != nil {
		return nil, phrased{srv.explain(err)}
	}
	ok, err := srv.permits(ctx, r, m.Context)
	if err != nil {
		return nil, phrased{srv.explain(err)}
	}
	if !ok {
		return nil, phrased{notFound(id)}
	}
	return m, nil
}

// filter builds a store filter from the "filters" object and the same
// fields given at the top level; the two may not disagree.
func (srv *Server) filter(ctx context.Context, nested *filters, top filters) (store.Filter, error) {
	f := top
	if nested != nil {
		for _, p := range []struct {
			name     string
			dst      *string
			from, to string
		}{{"context", &f.Context, nested.Context, top.Context}, {"kind", &f.Kind, nested.Kind, top.Kind}} {
			if p.from != "" && p.to != "" && p.from != p.to {
				return store.Filter{}, phrased{fmt.Errorf("%q is %q at the top level but %q in filters; give it once", p.name, p.to, p.from)}
			}
			if p.from != "" {
				*p.dst = p.from
			}
		}
		f.Tags = append(slices.Clone(top.Tags), nested.Tags...)
		f.Since, f.Until = nested.Since, nested.Until
	}
	if f.Kind != "" && !content.ValidKind(f.Kind) {
		return store.Filter{}, phrased{fmt.Errorf("kind %q: use one of %s", f.Kind, strings.Join(content.Kinds, ", "))}
	}
	contexts, err := srv.pickRead(ctx, f.Context)
	if err != nil {
		return store.Filter{}, err
	}
	flt := store.Filter{Contexts: contexts, Kind: f.Kind}
	for _, t := range f.Tags {
		if t = strings.TrimSpace(t); t != "" {
			flt.Tags = append(flt.Tags, t)
		}
	}
	now := srv.now()
	if flt.Since, err = parseTime("since", f.Since, now); err != nil {
		return store.Filter{}, err
	}
	if flt.Until, err = parseTime("until", f.Until, now); err != nil {
		return store.Filter{}, err
	}
	return flt, nil
}

// parseTime reads an RFC 3339 time, a date, or a span back from now
// ("90m", "12h", "7d", "2w").
func parseTime(field, s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		if num, err := strconv.Atoi(s[:n-1]); err == nil && num >= 0 && num <= 36500 {
			if s[n-1] == 'w' {
				num *= 7
			}
			return now.AddDate(0, 0, -num), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, phrased{fmt.Errorf("%s %q is not a time: give RFC 3339 (2026-11-01T14:30:00Z), a date (2026-11-01) or a span back from now (12h, 7d, 2w)", field, s)}
}

// checkMetadata keeps metadata within the content limit: the store takes
// any JSON object, and a model could send a large one.
func (srv *Server) checkMetadata(meta map[string]any) error {
	if len(meta) == 0 {
		return nil
	}
	limit := srv.s.MaxContentBytes()
	if limit <= 0 {
		limit = content.DefaultMaxBytes
	}
	b, err := json.Marshal(meta)
	if err != nil {
		return phrased{fmt.Errorf("metadata cannot be stored: %v", err)}
	}
	if len(b) > limit {
		return phrased{fmt.Errorf("metadata is %d bytes of JSON, over the limit of %d; keep it to a few short keys", len(b), limit)}
	}
	return nil
}

// bounded checks a count argument: 0 means the default.
func bounded(name string, n, def int) (int, error) {
	if n == 0 {
		return def, nil
	}
	if n < 1 || n > maxPage {
		return 0, fmt.Errorf("%s %d is out of range: give 1 to %d (or leave it out for %d)", name, n, maxPage, def)
	}
	return n, nil
}

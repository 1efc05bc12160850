package mcp_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mem0dev/mem0/mcp"
	"github.com/mem0dev/mem0/store"
)

// harness is a server over a fresh store with a client connected to it
// through the SDK's in-memory transport.
type harness struct {
	t  *testing.T
	s  *store.Store
	cs *sdk.ClientSession
}

func newHarness(t *testing.T, scope mcp.Scope) *harness {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "mem0.db"), store.Options{MaxContentBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return connect(t, s, scope)
}

func connect(t *testing.T, s *store.Store, scope mcp.Scope) *harness {
	t.Helper()
	return connectWith(t, mcp.Options{Store: s, Scope: scope, Version: "test"})
}

// connectWith starts a server with opts and connects a client to it.
func connectWith(t *testing.T, opts mcp.Options) *harness {
	t.Helper()
	ctx := context.Background()
	server := mcp.New(opts)
	st, ct := sdk.NewInMemoryTransports()
	ss, err := server.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close(); ss.Wait() })
	return &harness{t: t, s: opts.Store, cs: cs}
}

// call runs a tool and returns its result; a protocol error fails the test.
func (h *harness) call(name string, args map[string]any) *sdk.CallToolResult {
	h.t.Helper()
	res, err := h.cs.CallTool(context.Background(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		h.t.Fatalf("%s(%v): protocol error %v", name, args, err)
	}
	return res
}

// ok runs a tool that must succeed and decodes its structured result.
func (h *harness) ok(name string, args map[string]any, out any) {
	h.t.Helper()
	res := h.call(name, args)
	if res.IsError {
		h.t.Fatalf("%s(%v): tool error %q", name, args, text(res))
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		h.t.Fatalf("%s: decode %s: %v", name, b, err)
	}
}

// fails runs a tool that must return a tool error mentioning want.
func (h *harness) fails(name string, args map[string]any, want string) {
	h.t.Helper()
	res := h.call(name, args)
	if !res.IsError {
		h.t.Fatalf("%s(%v): want a tool error mentioning %q, got success %s", name, args, want, text(res))
	}
	if !strings.Contains(text(res), want) {
		h.t.Fatalf("%s(%v): error %q does not mention %q", name, args, text(res), want)
	}
}

func text(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(*sdk.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

type memory struct {
	ID       string         `json:"id"`
	Context  string         `json:"context"`
	Kind     string         `json:"kind"`
	Content  string         `json:"content"`
	Tags     []string       `json:"tags"`
	Metadata map[string]any `json:"metadata"`
	Source   string         `json:"source"`
	Version  int            `json:"version"`
	Deleted  bool           `json:"deleted"`
}

type addResult struct {
	Memory    memory `json:"memory"`
	Duplicate bool   `json:"duplicate"`
}

func (h *harness) add(args map[string]any) memory {
	h.t.Helper()
	var r addResult
	h.ok("add_memory", args, &r)
	return r.Memory
}

func TestToolsAndAnnotations(t *testing.T) {
	h := newHarness(t, mcp.Scope{Context: "work"})
	res, err := h.cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil || tool.OutputSchema == nil || tool.Annotations == nil {
			t.Errorf("%s lacks a description, a schema or annotations", tool.Name)
			continue
		}
		a := tool.Annotations
		read := slices.Contains(mcp.ReadTools, tool.Name)
		if a.ReadOnlyHint != read {
			t.Errorf("%s: readOnlyHint %v", tool.Name, a.ReadOnlyHint)
		}
		destructive := tool.Name == "update_memory" || tool.Name == "delete_memory"
		if !read && (a.DestructiveHint == nil || *a.DestructiveHint != destructive) {
			t.Errorf("%s: destructiveHint %v, want %v", tool.Name, a.DestructiveHint, destructive)
		}
		if !a.IdempotentHint {
			t.Errorf("%s: idempotentHint false", tool.Name)
		}
	}
	want := append(slices.Clone(mcp.ReadTools), mcp.WriteTools...)
	slices.Sort(want)
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Fatalf("tools %v, want %v", names, want)
	}
}

func TestReadOnlyOffersOnlyReadingTools(t *testing.T) {
	h := newHarness(t, mcp.Scope{Context: "work", ReadOnly: true})
	res, err := h.cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if !slices.Contains(mcp.ReadTools, tool.Name) || !tool.Annotations.ReadOnlyHint {
			t.Errorf("read-only server offers %s", tool.Name)
		}
	}
	if len(res.Tools) != len(mcp.ReadTools) {
		t.Errorf("%d tools, want %d", len(res.Tools), len(mcp.ReadTools))
	}
	// Calling a write tool anyway changes nothing.
	r, err := h.cs.CallTool(context.Background(), &sdk.CallToolParams{Name: "add_memory", Arguments: map[string]any{"text": "x"}})
	if err == nil && !r.IsError {
		t.Fatal("add_memory worked on a read-only server")
	}
	if n, _ := h.s.ListMemories(context.Background(), store.Filter{}); len(n) != 0 {
		t.Fatal("a read-only server wrote")
	}
}

func TestEveryTool(t *testing.T) {
	h := newHarness(t, mcp.Scope{Context: "work"})
	m := h.add(map[string]any{"text": "The staging database is pg-staging-2 on port 6432", "kind": "fact",
		"tags": []string{"db", "staging"}, "metadata": map[string]any{"owner": "ana"}, "user_id": "ignored"})
	if m.Context != "work" || m.Kind != "fact" || m.Source != "mcp" || m.Version != 1 || m.Metadata["owner"] != "ana" {
		t.Fatalf("added %+v", m)
	}
	var dup addResult
	h.ok("add_memory", map[string]any{"text": "The staging database is pg-staging-2 on port 6432\n"}, &dup)
	if !dup.Duplicate || dup.Memory.ID != m.ID {
		t.Fatalf("re-adding: %+v", dup)
	}
	h.add(map[string]any{"text": "deploy with make publish", "kind": "command"})

	var found struct {
		Results []struct {
			memory
			Score float64 `json:"score"`
		} `json:"results"`
		Match string `json:"match"`
	}
	h.ok("search_memories", map[string]any{"query": "staging databases", "top_k": 5}, &found)
	if found.Match != "all" || len(found.Results) != 1 || found.Results[0].ID != m.ID || found.Results[0].Score <= 0 {
		t.Fatalf("search: %+v", found)
	}
	h.ok("search_memories", map[string]any{"query": "deploy", "filters": map[string]any{"kind": "fact"}}, &found)
	if len(found.Results) != 0 {
		t.Fatalf("kind filter ignored: %+v", found)
	}
	h.ok("search_memories", map[string]any{"query": "staging", "tags": []string{"db"}, "filters": map[string]any{"since": "1h"}}, &found)
	if len(found.Results) != 1 {
		t.Fatalf("tag and since filters: %+v", found)
	}

	var list struct {
		Memories []memory `json:"memories"`
		Page     int      `json:"page"`
		HasMore  bool     `json:"has_more"`
	}
	h.ok("get_memories", map[string]any{"page_size": 1}, &list)
	if len(list.Memories) != 1 || !list.HasMore || list.Memories[0].Content != "deploy with make publish" {
		t.Fatalf("page 1: %+v", list)
	}
	h.ok("get_memories", map[string]any{"page_size": 1, "page": 2}, &list)
	if len(list.Memories) != 1 || list.HasMore || list.Memories[0].ID != m.ID {
		t.Fatalf("page 2: %+v", list)
	}

	var got struct{ Memory memory }
	h.ok("get_memory", map[string]any{"memory_id": m.ID[:13]}, &got)
	if got.Memory.ID != m.ID {
		t.Fatalf("get by prefix: %+v", got)
	}

	var upd struct {
		Memory  memory `json:"memory"`
		Changed bool   `json:"changed"`
	}
	h.ok("update_memory", map[string]any{"memory_id": m.ID, "text": "The staging database is pg-staging-3",
		"tags": []string{"db"}, "metadata": map[string]any{"owner": nil, "moved": "2026-11"}}, &upd)
	if !upd.Changed || upd.Memory.Version != 2 || upd.Memory.Content != "The staging database is pg-staging-3" ||
		!slices.Equal(upd.Memory.Tags, []string{"db"}) || upd.Memory.Metadata["owner"] != nil || upd.Memory.Metadata["moved"] != "2026-11" {
		t.Fatalf("update: %+v", upd)
	}
	h.ok("update_memory", map[string]any{"memory_id": m.ID, "text": "The staging database is pg-staging-3"}, &upd)
	if upd.Changed || upd.Memory.Version != 2 {
		t.Fatalf("no-op update: %+v", upd)
	}

	var hist struct {
		Versions []struct {
			Version int    `json:"version"`
			Content string `json:"content"`
			Current bool   `json:"current"`
		} `json:"versions"`
	}
	h.ok("memory_history", map[string]any{"memory_id": m.ID}, &hist)
	if len(hist.Versions) != 2 || hist.Versions[0].Content != m.Content || !hist.Versions[1].Current {
		t.Fatalf("history: %+v", hist)
	}

	var del struct {
		Deleted bool `json:"deleted"`
		Version int  `json:"version"`
	}
	h.ok("delete_memory", map[string]any{"memory_id": m.ID}, &del)
	if !del.Deleted || del.Version != 3 {
		t.Fatalf("delete: %+v", del)
	}
	h.ok("search_memories", map[string]any{"query": "staging"}, &found)
	if len(found.Results) != 0 {
		t.Fatal("a deleted memory is still found")
	}
	h.ok("get_memories", map[string]any{"include_deleted": true}, &list)
	if len(list.Memories) != 2 || !list.Memories[1].Deleted {
		t.Fatalf("include_deleted: %+v", list)
	}

	var cs struct {
		Contexts []struct {
			Name     string `json:"name"`
			Memories int    `json:"memories"`
			Default  bool   `json:"default"`
		} `json:"contexts"`
		DefaultContext string `json:"default_context"`
	}
	h.ok("list_contexts", nil, &cs)
	if cs.DefaultContext != "work" || len(cs.Contexts) != 1 || cs.Contexts[0].Memories != 1 || !cs.Contexts[0].Default {
		t.Fatalf("contexts: %+v", cs)
	}
}

func TestBadArguments(t *testing.T) {
	h := newHarness(t, mcp.Scope{Context: "work"})
	m := h.add(map[string]any{"text": "a memory to change"})
	gone := h.add(map[string]any{"text": "a memory to delete"})
	h.ok("delete_memory", map[string]any{"memory_id": gone.ID}, &struct{}{})
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"add_memory", map[string]any{}, `missing properties: ["text"]`},
		{"add_memory", map[string]any{"text": "  "}, "the text is empty"},
		{"add_memory", map[string]any{"text": 42}, "text"},
		{"add_memory", map[string]any{"text": strings.Repeat("x", 1001)}, "over this database's limit of 1000 bytes"},
		{"add_memory", map[string]any{"text": "x", "kind": "poem"}, "kind"},
		{"add_memory", map[string]any{"text": "x", "tags": []string{"a,b"}}, "tags cannot contain commas"},
		{"add_memory", map[string]any{"text": "x", "context": "no slash/"}, "not a valid context name"},
		{"add_memory", map[string]any{"text": "x", "context": "private"}, `context "private" is outside what this mem0 server may use`},
		{"add_memory", map[string]any{"text": "x", "colour": "red"}, "colour"},
		{"add_memory", map[string]any{"text": "x\x00y"}, "NUL"},
		{"add_memory", map[string]any{"text": "x", "metadata": map[string]any{"blob": strings.Repeat("y", 1000)}}, "metadata is 1011 bytes of JSON, over the limit of 1000"},
		{"update_memory", map[string]any{"memory_id": m.ID, "metadata": map[string]any{"blob": strings.Repeat("y", 1000)}}, "metadata is 1011 bytes"},
		{"search_memories", map[string]any{"query": ""}, `"query" is empty`},
		{"search_memories", map[string]any{"query": "?!"}, "no words"},
		{"search_memories", map[string]any{"query": "x", "top_k": 1000}, "top_k 1000 is out of range"},
		{"search_memories", map[string]any{"query": "x", "filters": map[string]any{"since": "last tuesday"}}, "since \"last tuesday\" is not a time"},
		{"search_memories", map[string]any{"query": "x", "kind": "note", "filters": map[string]any{"kind": "fact"}}, "give it once"},
		{"search_memories", map[string]any{"query": "x", "filters": map[string]any{"AND": []any{}}}, "AND"},
		{"get_memories", map[string]any{"page": -1}, "pages are numbered from 1"},
		{"get_memories", map[string]any{"page_size": 500}, "page_size 500 is out of range"},
		{"get_memory", map[string]any{"memory_id": ""}, `"memory_id" is empty`},
		{"get_memory", map[string]any{"memory_id": "hello world"}, "is not a memory id"},
		{"get_memory", map[string]any{"memory_id": "0000000-0000"}, "no memory has the id"},
		{"memory_history", map[string]any{"memory_id": "ffff"}, "no memory has the id"},
		{"update_memory", map[string]any{"memory_id": m.ID}, "nothing to change"},
		{"update_memory", map[string]any{"memory_id": m.ID, "text": ""}, "the text is empty"},
		{"update_memory", map[string]any{"memory_id": m.ID, "kind": "poem"}, "kind \"poem\""},
		{"update_memory", map[string]any{"memory_id": gone.ID, "text": "new"}, "is deleted, so it cannot be changed"},
		{"delete_memory", map[string]any{"memory_id": gone.ID}, "already deleted"},
		{"delete_memory", map[string]any{}, `missing properties: ["memory_id"]`},
	} {
		h.fails(c.tool, c.args, c.want)
	}
	// Nothing above changed the memory that was there.
	var got struct{ Memory memory }
	h.ok("get_memory", map[string]any{"memory_id": m.ID}, &got)
	if got.Memory.Version != 1 || got.Memory.Content != "a memory to change" {
		t.Fatalf("bad calls changed %+v", got.Memory)
	}
}

func TestScopeIsTheServersNotTheModels(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, mcp.Scope{Context: "work", Allowed: []string{"team"}})
	var private *store.Memory
	if err := h.s.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		private, _, err = tx.AddMemory(ctx, store.NewMemory{Context: "private", Content: "my bank pin hint"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"get_memory", "memory_history", "delete_memory"} {
		h.fails(tool, map[string]any{"memory_id": private.ID}, "no memory has the id")
	}
	h.fails("update_memory", map[string]any{"memory_id": private.ID, "text": "x"}, "no memory has the id")
	h.fails("search_memories", map[string]any{"query": "bank", "context": "private"}, "outside what this mem0 server may use")

	h.add(map[string]any{"text": "team standup is at 9:30", "context": "team"})
	h.add(map[string]any{"text": "standup notes live in the wiki"})
	var found struct {
		Results []memory `json:"results"`
	}
	h.ok("search_memories", map[string]any{"query": "standup"}, &found)
	if len(found.Results) != 1 || found.Results[0].Context != "work" {
		t.Fatalf("default scope: %+v", found)
	}
	h.ok("search_memories", map[string]any{"query": "standup", "context": "*"}, &found)
	if len(found.Results) != 2 {
		t.Fatalf("every allowed context: %+v", found)
	}
	h.ok("search_memories", map[string]any{"query": "bank", "context": "*"}, &found)
	if len(found.Results) != 0 {
		t.Fatalf("* reached outside the scope: %+v", found)
	}
	var cs struct {
		Contexts []struct{ Name string } `json:"contexts"`
	}
	h.ok("list_contexts", nil, &cs)
	if len(cs.Contexts) != 2 {
		t.Fatalf("list_contexts shows %+v", cs)
	}

	// Any context, when the configuration says so.
	all := connect(t, h.s, mcp.Scope{Context: "work", Allowed: []string{mcp.AnyContext}})
	all.ok("search_memories", map[string]any{"query": "bank", "context": "*"}, &found)
	if len(found.Results) != 1 {
		t.Fatalf("any context: %+v", found)
	}
}

func TestFollowsTheCurrentContext(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, mcp.Scope{})
	if m := h.add(map[string]any{"text": "one"}); m.Context != store.DefaultContext {
		t.Fatalf("without a current context: %s", m.Context)
	}
	if err := h.s.WithTx(ctx, func(tx *store.Tx) error { return tx.SetState(ctx, store.StateCurrentContext, "proj") }); err != nil {
		t.Fatal(err)
	}
	if m := h.add(map[string]any{"text": "two"}); m.Context != "proj" {
		t.Fatalf("after mem0 context use proj: %s", m.Context)
	}
}

func TestResources(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, mcp.Scope{Context: "work", Allowed: []string{"team"}})
	m := h.add(map[string]any{"text": "first line of a note\nsecond line", "tags": []string{"x"}})
	h.add(map[string]any{"text": "a team note", "context": "team"})
	var other *store.Memory
	if err := h.s.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		other, _, err = tx.AddMemory(ctx, store.NewMemory{Context: "private", Content: "hidden"})
		return err
	}); err != nil {
		t.Fatal(err)
	}

	list, err := h.cs.ListResources(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range list.Resources {
		uris = append(uris, r.URI)
	}
	if !slices.Contains(uris, mcp.RecentURI) || !slices.Contains(uris, mcp.MemoryURI(m.ID)) || len(uris) != 2 {
		t.Fatalf("resources: %v", uris)
	}
	tmpl, err := h.cs.ListResourceTemplates(ctx, nil)
	if err != nil || len(tmpl.ResourceTemplates) != 2 {
		t.Fatalf("templates: %v %v", tmpl, err)
	}

	read := func(uri string) string {
		t.Helper()
		r, err := h.cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: uri})
		if err != nil {
			t.Fatalf("read %s: %v", uri, err)
		}
		return r.Contents[0].Text
	}
	if got := read(mcp.MemoryURI(m.ID)); got != m.Content {
		t.Fatalf("memory resource: %q", got)
	}
	if got := read(mcp.RecentURI); !strings.Contains(got, "second line") || !strings.Contains(got, "#x") || strings.Contains(got, "team note") {
		t.Fatalf("recent: %q", got)
	}
	if got := read("mem0://contexts/team/recent"); !strings.Contains(got, "a team note") {
		t.Fatalf("team recent: %q", got)
	}
	for _, uri := range []string{mcp.MemoryURI(other.ID), "mem0://contexts/private/recent", mcp.MemoryURI("nope")} {
		if _, err := h.cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: uri}); err == nil {
			t.Errorf("%s was readable", uri)
		}
	}
}

// TestCallsAreShortTransactions checks that a server holds no lock between
// calls: another writer gets in at once.
func TestCallsAreShortTransactions(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, mcp.Scope{Context: "work"})
	h.add(map[string]any{"text": "from the server"})
	other, err := store.Open(ctx, h.s.Path(), store.Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.WithTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.AddMemory(ctx, store.NewMemory{Context: "work", Content: "from another process"})
		return err
	}); err != nil {
		t.Fatalf("a second writer waited: %v", err)
	}
	var found struct {
		Results []memory `json:"results"`
	}
	h.ok("search_memories", map[string]any{"query": "another process"}, &found)
	if len(found.Results) != 1 {
		t.Fatal("the server does not see another writer's memory")
	}
}

// TestConcurrentCallsFromOneClient sends many writes at once on one session
// (the SDK handles requests concurrently) while the server follows the
// current context: a call inside a transaction must not wait for a second
// pooled connection held by calls queued behind it.
func TestConcurrentCallsFromOneClient(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "mem0.db"), store.Options{BusyTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h := connect(t, s, mcp.Scope{})
	const n = 16
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.add(map[string]any{"text": "memory " + strconv.Itoa(i)}).ID
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan string, 2*n)
	for i, id := range ids {
		wg.Go(func() {
			for _, c := range []struct {
				tool string
				args map[string]any
			}{
				{"update_memory", map[string]any{"memory_id": id, "text": "changed " + strconv.Itoa(i)}},
				{"delete_memory", map[string]any{"memory_id": id}},
			} {
				res, err := h.cs.CallTool(ctx, &sdk.CallToolParams{Name: c.tool, Arguments: c.args})
				if err != nil {
					errs <- err.Error()
				} else if res.IsError {
					errs <- text(res)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("%d concurrent updates and deletes took %v", n, d)
	}
}

// TestUnusableDatabase: the server still starts and lists its tools, and
// every call says what is wrong instead of failing the protocol.
func TestUnusableDatabase(t *testing.T) {
	ctx := context.Background()
	calls := 0
	h := connectWith(t, mcp.Options{Scope: mcp.Scope{Context: "work"}, Open: func() (*store.Store, error) {
		calls++
		_, err := store.Open(ctx, t.TempDir(), store.Options{}) // a folder, not a database file
		return nil, err
	}})
	cs := h.cs
	if tools, err := cs.ListTools(ctx, nil); err != nil || len(tools.Tools) != 8 {
		t.Fatalf("tools/list: %v", err)
	}
	h.fails("search_memories", map[string]any{"query": "x"}, "the memory database cannot be used")
	h.fails("add_memory", map[string]any{"text": "x"}, "mem0 doctor")
	if calls != 1 {
		t.Errorf("opened %d times, want once", calls)
	}
}

// TestSharedContexts: a context shared through the sync server (named
// ORG/TEAM/NAME) can be the server's context or an allowed one, and writes
// to it enter the outbox like the CLI's.
func TestSharedContexts(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "mem0.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var name string
	if err := s.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		name, err = tx.AddSyncedContext(ctx, store.SyncedContext{ID: "019ac9f2-0000-7000-8000-000000000001", Name: "acme/platform/notes",
			Visibility: "team", OwnerKind: "team", Level: "write"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	h := connect(t, s, mcp.Scope{Context: "work", Allowed: []string{name}})
	m := h.add(map[string]any{"text": "the platform team deploys on Tuesdays", "context": name})
	if m.Context != name {
		t.Fatalf("added to %q", m.Context)
	}
	if n, err := s.PendingCount(ctx); err != nil || n != 1 {
		t.Fatalf("outbox: %d %v", n, err)
	}
	h.fails("add_memory", map[string]any{"text": "x", "context": "acme/other/notes"}, "outside what this mem0 server may use")
	home := connect(t, s, mcp.Scope{Context: name})
	var found struct {
		Results []memory `json:"results"`
	}
	home.ok("search_memories", map[string]any{"query": "deploys"}, &found)
	if len(found.Results) != 1 {
		t.Fatalf("search in the shared context: %+v", found)
	}
}

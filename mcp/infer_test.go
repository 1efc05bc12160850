package mcp_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/infer/infertest"
	"github.com/mem0dev/mem0/mcp"
	"github.com/mem0dev/mem0/store"
)

// inferHarness is a server whose add_memory can infer, with the real
// OpenAI client speaking to a fake LLM (or none, when fake is nil).
func inferHarness(t *testing.T, fake *infertest.Fake) *harness {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "mem0.db"), store.Options{MaxContentBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	opts := mcp.Options{Store: s, Scope: mcp.Scope{Context: "work"}, Version: "test"}
	if fake != nil {
		llm := ai.NewOpenAI(ai.Config{BaseURL: fake.BaseURL(), Model: "m", APIKey: infertest.Key, Timeout: 5 * time.Second, BaseDelay: time.Millisecond})
		opts.Infer = func(ctx context.Context, s *store.Store, req infer.Request) (infer.Result, error) {
			req.Model = "openai/m"
			return infer.Add(ctx, s, llm, req)
		}
	}
	return connectWith(t, opts)
}

type inferResult struct {
	Memory    memory `json:"memory"`
	Duplicate bool   `json:"duplicate"`
	Facts     []struct {
		Text        string   `json:"text"`
		Status      string   `json:"status"`
		ID          string   `json:"id"`
		DuplicateOf string   `json:"duplicate_of"`
		Contradicts []string `json:"contradicts"`
	} `json:"facts"`
}

func TestAddMemoryInfer(t *testing.T) {
	fake := infertest.New(ai.OpenAI, infertest.Fenced(infertest.Canned))
	t.Cleanup(fake.Close)
	h := inferHarness(t, fake)

	var r inferResult
	h.ok("add_memory", map[string]any{"text": "Ana owns billing, and pg-staging-2 is the staging db.", "infer": true, "tags": []string{"infra"}}, &r)
	if r.Memory.Kind != "note" || r.Memory.Source != "mcp" || r.Duplicate || len(r.Facts) != 2 {
		t.Fatalf("%+v", r)
	}
	for _, f := range r.Facts {
		if f.Status != "stored" || f.ID == "" {
			t.Fatalf("%+v", f)
		}
		var got struct{ Memory memory }
		h.ok("get_memory", map[string]any{"memory_id": f.ID}, &got)
		m := got.Memory
		if m.Kind != "fact" || m.Source != "llm" || m.Metadata["derived_from"] != r.Memory.ID || m.Metadata["model"] != "openai/m" || m.Tags[0] != "infra" {
			t.Fatalf("fact %+v", m)
		}
	}

	// The same again: known facts, nothing new.
	var again inferResult
	h.ok("add_memory", map[string]any{"text": "Ana owns billing, and pg-staging-2 is the staging db.", "infer": true}, &again)
	if !again.Duplicate || again.Memory.ID != r.Memory.ID || len(again.Facts) != 2 || again.Facts[0].Status != "duplicate" || again.Facts[0].DuplicateOf == "" {
		t.Fatalf("%+v", again)
	}

	// A contradiction is stored and linked; a chat array works.
	var bob inferResult
	h.ok("add_memory", map[string]any{"infer": true,
		"text": `[{"role":"user","content":"Bob took over billing from Ana."},{"role":"assistant","content":"Noted."}]`}, &bob)
	if len(bob.Facts) != 1 || bob.Facts[0].Status != "stored" || len(bob.Facts[0].Contradicts) != 1 || bob.Memory.Metadata["format"] != "chat" {
		t.Fatalf("%+v", bob)
	}

	// Without infer, add_memory is as before and has no facts.
	res := h.call("add_memory", map[string]any{"text": "plain note"})
	if res.IsError || text(res) == "" {
		t.Fatalf("%v", text(res))
	}
	if m, ok := res.StructuredContent.(map[string]any); !ok || m["facts"] != nil {
		t.Fatalf("%#v", res.StructuredContent)
	}

	h.fails("add_memory", map[string]any{"text": "x", "infer": true, "kind": "snippet"}, "does not go with infer")
	h.fails("add_memory", map[string]any{"text": `[{"role":"user","content":"x"},`, "infer": true}, "offset")
	h.fails("add_memory", map[string]any{"text": "this is garbage", "infer": true}, "not the JSON asked for")
}

func TestAddMemoryInferWithoutLLM(t *testing.T) {
	h := inferHarness(t, nil)
	h.fails("add_memory", map[string]any{"text": "Ana owns billing", "infer": true}, "not available")
	var list struct{ Memories []memory }
	h.ok("get_memories", map[string]any{}, &list)
	if len(list.Memories) != 0 {
		t.Fatalf("stored %+v", list.Memories)
	}
}

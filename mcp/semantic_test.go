package mcp_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/ai/aitest"
	"github.com/mem0dev/mem0/mcp"
	"github.com/mem0dev/mem0/semantic"
	"github.com/mem0dev/mem0/store"
)

func TestSearchIsHybridWithAnEmbedder(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "mem0.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ts := httptest.NewServer(&aitest.Embedder{Dims: 64})
	t.Cleanup(ts.Close)
	engine := func(s *store.Store) *semantic.Engine {
		return &semantic.Engine{Store: s, IndexPath: semantic.IndexPath(s.Path()), Model: "stub",
			Embedder: ai.NewOpenAI(ai.Config{BaseURL: ts.URL + "/v1", Model: "stub"})}
	}
	h := connectWith(t, mcp.Options{Store: s, Scope: mcp.Scope{}, Version: "test", Search: engine})
	h.add(map[string]any{"text": "deploy with make publish"})
	h.add(map[string]any{"text": "buy milk on the way home"})
	var out struct {
		Results []struct {
			Content      string  `json:"content"`
			SemanticRank int     `json:"semantic_rank"`
			Similarity   float64 `json:"similarity"`
		} `json:"results"`
		Mode string `json:"mode"`
	}
	h.ok("search_memories", map[string]any{"query": "how do I ship a release"}, &out)
	if out.Mode != "hybrid" || len(out.Results) != 1 || out.Results[0].Content != "deploy with make publish" || out.Results[0].SemanticRank != 1 {
		t.Errorf("hybrid search over MCP: %+v", out)
	}
}

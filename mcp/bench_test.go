package mcp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mem0dev/mem0/mcp"
	"github.com/mem0dev/mem0/store"
)

// benchStore holds 10,000 generated memories (bench/gen) in context bench.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	ctx := context.Background()
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "run", "../bench/gen", "-n", "10000").Output()
	if err != nil {
		b.Fatalf("bench/gen: %v", err)
	}
	path := filepath.Join(b.TempDir(), "mem0.db")
	s, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	f, err := os.CreateTemp(b.TempDir(), "gen")
	if err != nil {
		b.Fatal(err)
	}
	f.Write(out)
	f.Seek(0, 0)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		for sc.Scan() {
			var m struct {
				Kind    string   `json:"kind"`
				Content string   `json:"content"`
				Tags    []string `json:"tags"`
			}
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				return err
			}
			if _, _, err := tx.AddMemory(ctx, store.NewMemory{Context: "bench", Kind: m.Kind, Content: m.Content, Tags: m.Tags, AllowDuplicate: true}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// benchClient connects a client to a server over s through the SDK's
// in-memory transport.
func benchClient(b *testing.B, s *store.Store) *sdk.ClientSession {
	b.Helper()
	ctx := context.Background()
	server := mcp.New(mcp.Options{Store: s, Scope: mcp.Scope{Context: "bench"}})
	st, ct := sdk.NewInMemoryTransports()
	if _, err := server.Connect(ctx, st, nil); err != nil {
		b.Fatal(err)
	}
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "bench", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cs.Close() })
	return cs
}

// BenchmarkSearchTool10k is one search_memories call through the SDK
// (in-memory transport) over 10,000 memories; BenchmarkStoreSearch10k is
// the store's part of it.
func BenchmarkSearchTool10k(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	cs := benchClient(b, s)
	b.ResetTimer()
	for b.Loop() {
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "search_memories", Arguments: map[string]any{"query": "staging database"}})
		if err != nil || res.IsError {
			b.Fatal(err, res)
		}
	}
}

func BenchmarkStoreSearch10k(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := s.Search(ctx, "staging database", store.Filter{Contexts: []string{"bench"}, Limit: 10}, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddTool is one add_memory call through the SDK (in-memory
// transport): one short write transaction.
func BenchmarkAddTool(b *testing.B) {
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(b.TempDir(), "mem0.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	cs := benchClient(b, s)
	i := 0
	for b.Loop() {
		i++
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "add_memory", Arguments: map[string]any{"text": "memory number " + strconv.Itoa(i), "tags": []string{"bench"}}})
		if err != nil || res.IsError {
			b.Fatal(err, res)
		}
	}
}

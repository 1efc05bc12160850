package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// benchRecords makes n varied memory records for the import benchmark.
func benchRecords(n int) []Record {
	words := []string{"deploy", "staging", "database", "migration", "docker", "build", "cache", "queue", "restart", "rollback", "billing", "checkout", "timeout", "pool", "replica"}
	recs := make([]Record, n)
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range recs {
		text := fmt.Sprintf("note %d: %s the %s %s after the %s %s", i, words[i%15], words[(i/15)%15], words[(i/225)%15], words[(i/7)%15], words[(i/11)%15])
		recs[i] = Record{Type: "memory", Memory: &Memory{
			ID: fmt.Sprintf("01941f29-%04x-7000-8000-%012x", i>>16&0xffff, i), Context: "default", Kind: "note",
			Content: text, Source: "cli", CreatedAt: at.Add(time.Duration(i) * time.Minute), Version: 1,
		}}
	}
	return recs
}

func BenchmarkImport10k(b *testing.B) {
	ctx := context.Background()
	recs := benchRecords(10000)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "mem0.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		batch := make([]Record, len(recs))
		copy(batch, recs)
		b.StartTimer()
		for j := range batch {
			if err := s.CheckRecord(&batch[j]); err != nil {
				b.Fatal(err)
			}
		}
		var res ImportResult
		for start := 0; start < len(batch); start += 2000 {
			if err := s.WithTx(ctx, func(tx *Tx) error { return tx.ImportRecords(ctx, batch[start:start+2000], &res) }); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		s.Close()
	}
}

func BenchmarkAdd(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "mem0.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := s.WithTx(ctx, func(tx *Tx) error {
			_, _, err := tx.AddMemory(ctx, NewMemory{Content: fmt.Sprintf("benchmark note %d about the staging database", i)})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch10k(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "mem0.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	recs := benchRecords(10000)
	var res ImportResult
	for j := range recs {
		s.CheckRecord(&recs[j])
	}
	if err := s.WithTx(ctx, func(tx *Tx) error { return tx.ImportRecords(ctx, recs, &res) }); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := s.Search(ctx, "staging database", Filter{Contexts: []string{"default"}, Limit: 10}, false); err != nil {
			b.Fatal(err)
		}
	}
}

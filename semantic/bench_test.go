package semantic

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// writeRandomIndex writes n unit vectors of dims dimensions the way
// rebuildIndex does, without a database.
func writeRandomIndex(b *testing.B, n, dims int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.vectors")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := rand.New(rand.NewPCG(1, 2))
	w := &recordWriter{f: f, buf: make([]byte, headerSize, writeBlock+64<<10)}
	v := make([]float32, dims)
	raw := make([]byte, 4*dims)
	for i := range n {
		for j := range v {
			v[j] = float32(r.NormFloat64())
		}
		normalize(v)
		for j, x := range v {
			binary.LittleEndian.PutUint32(raw[4*j:], math.Float32bits(x))
		}
		if err := w.add(int64(i+1), int64(i+1), raw); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.flush(true); err != nil {
		b.Fatal(err)
	}
	if err := writeHeader(f, dims, w.count, w.rev, "bench"); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkScan100kx768 is the exact scan a search does: map the index
// file, take the 64 vectors most similar to a query, unmap. Each
// iteration maps the file afresh, as a new mem0 process does.
func BenchmarkScan100kx768(b *testing.B) {
	path := writeRandomIndex(b, 100_000, 768)
	q := make([]float32, 768)
	for i := range q {
		q[i] = float32(i%7) - 3
	}
	normalize(q)
	b.Run("map-scan-unmap", func(b *testing.B) {
		for b.Loop() {
			ix, err := openIndex(path)
			if err != nil {
				b.Fatal(err)
			}
			if c := ix.top(q, 64, nil); len(c) != 64 {
				b.Fatal(len(c))
			}
			ix.close()
		}
	})
	b.Run("scan", func(b *testing.B) {
		ix, err := openIndex(path)
		if err != nil {
			b.Fatal(err)
		}
		defer ix.close()
		for b.Loop() {
			ix.top(q, 64, nil)
		}
	})
}

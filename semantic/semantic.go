// Package semantic adds meaning to mem0's search: it keeps a vector per
// memory (made by the configured embedder, stored in the database and
// copied into a mapped index file for the scan), and fuses full-text (BM25)
// and vector rankings with reciprocal rank fusion. Without an embedder it
// is plain BM25 and says so.
package semantic

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/store"
)

// Engine searches one store. Only Store is required.
type Engine struct {
	Store *store.Store
	// Embedder makes vectors; nil when none is configured.
	Embedder ai.Embedder
	// Model names the embedder (provider, model and endpoint): vectors of
	// another model are never compared with its own.
	Model string
	// Unavailable says why an embedder that is configured cannot be used
	// (a missing key, say); search then falls back to words.
	Unavailable error
	// IndexPath is the vector index file (next to the database).
	IndexPath string
	// Background starts embedding the backlog in another process (mem0
	// reindex); nil embeds only what fits in the request a search makes.
	Background func()
	// Inline is how many waiting memories a search embeds together with
	// the query, in the same request (DefaultInline when zero).
	Inline int
	// MinSimilarity is the cosine below which a memory found only by
	// meaning is not shown (DefaultMinSimilarity when zero).
	MinSimilarity float64
}

const (
	DefaultInline        = 64
	DefaultMinSimilarity = 0.3
	// BatchSize is how many texts one embedding request carries.
	BatchSize = 128
	// maxEmbedChars cuts long memories: embedding models read a few
	// thousand tokens at most, and the start says what a text is about.
	maxEmbedChars = 8000
)

// IndexPath is where the vector index of the database at dbPath lives.
func IndexPath(dbPath string) string {
	return strings.TrimSuffix(dbPath, ".db") + ".vectors"
}

func (e *Engine) inline() int {
	if e.Inline > 0 {
		return e.Inline
	}
	return DefaultInline
}

func (e *Engine) minSimilarity() float64 {
	if e.MinSimilarity > 0 {
		return e.MinSimilarity
	}
	return DefaultMinSimilarity
}

// ErrNoEmbedder is returned when vectors are needed and no embedder is set.
var ErrNoEmbedder = errors.New("no embedder is configured: set one with `mem0 config set embedder.provider openai|ollama` (see docs/ai.md)")

// usable reports whether vectors can be made, and why not.
func (e *Engine) usable() error {
	if e.Unavailable != nil {
		return e.Unavailable
	}
	if e.Embedder == nil {
		return ErrNoEmbedder
	}
	return nil
}

// prepare makes sure the stored vectors belong to e.Model: when the
// embedder changed (or is new), every stored vector is dropped and every
// memory queued. It reports whether it reset.
func (e *Engine) prepare(ctx context.Context) (bool, error) {
	cur, err := e.Store.State(ctx, store.StateEmbedModel)
	if err != nil || cur == e.Model {
		return false, err
	}
	err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
		if cur, err := tx.State(ctx, store.StateEmbedModel); err != nil || cur == e.Model {
			return err
		}
		return tx.ResetEmbeddings(ctx, e.Model)
	})
	if err == nil && e.IndexPath != "" {
		os.Remove(e.IndexPath)
	}
	return err == nil, err
}

// Progress is told how far an indexing run has come.
type Progress func(done, total int)

// Reindex embeds every memory waiting for a vector, BatchSize at a time,
// and brings the index file up to date. reset starts over with every
// memory. It stops at the first failed request; what was stored stays.
func (e *Engine) Reindex(ctx context.Context, reset bool, progress Progress) (int, error) {
	if err := e.usable(); err != nil {
		return 0, err
	}
	if reset {
		if err := e.Store.WithTx(ctx, func(tx *store.Tx) error { return tx.ResetEmbeddings(ctx, e.Model) }); err != nil {
			return 0, err
		}
		if e.IndexPath != "" {
			os.Remove(e.IndexPath)
		}
	} else if _, err := e.prepare(ctx); err != nil {
		return 0, err
	}
	total, err := e.Store.EmbeddingBacklog(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	for {
		if progress != nil {
			progress(done, max(total, done))
		}
		batch, err := e.Store.PendingEmbeddings(ctx, BatchSize)
		if err != nil || len(batch) == 0 {
			if err == nil {
				err = e.syncFile(ctx)
			}
			return done, err
		}
		n, _, err := e.embedPending(ctx, batch, nil)
		done += n
		if err != nil {
			return done, err
		}
	}
}

// syncFile brings the index file up to date.
func (e *Engine) syncFile(ctx context.Context) error {
	if e.IndexPath == "" {
		return nil
	}
	ix, err := syncIndex(ctx, e.Store, e.IndexPath, e.Model)
	ix.close()
	return err
}

// embedPending embeds the waiting memories and extra texts in one request
// and stores the memories' vectors. It returns how many were stored and
// the vectors of extra.
func (e *Engine) embedPending(ctx context.Context, batch []store.PendingText, extra []string) (int, [][]float32, error) {
	texts := append([]string(nil), extra...)
	for _, p := range batch {
		texts = append(texts, embedText(p.Content))
	}
	if len(texts) == 0 {
		return 0, nil, nil
	}
	vecs, err := e.Embedder.Embed(ctx, texts)
	if err != nil {
		return 0, nil, err
	}
	if len(vecs) != len(texts) {
		return 0, nil, fmt.Errorf("the embedder returned %d vectors for %d texts", len(vecs), len(texts))
	}
	for _, v := range vecs {
		normalize(v)
	}
	if len(batch) == 0 {
		return 0, vecs, nil
	}
	es := make([]store.Embedding, len(batch))
	for i, p := range batch {
		es[i] = store.Embedding{Seq: p.Seq, Hash: p.Hash, Vector: vecs[len(extra)+i]}
	}
	var stored int
	err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = tx.PutEmbeddings(ctx, es)
		return err
	})
	return stored, vecs[:len(extra)], err
}

// EmbedBacklog embeds what is waiting when it fits in one request, and
// starts the background run when it does not. Write commands call it so
// that new memories are found by meaning at once. It returns how many it
// embedded and how many are left.
func (e *Engine) EmbedBacklog(ctx context.Context) (embedded, left int, err error) {
	if err := e.usable(); err != nil {
		return 0, 0, err
	}
	if _, err := e.prepare(ctx); err != nil {
		return 0, 0, err
	}
	batch, err := e.Store.PendingEmbeddings(ctx, e.inline()+1)
	if err != nil || len(batch) == 0 {
		return 0, 0, err
	}
	if len(batch) > e.inline() {
		left, err := e.Store.EmbeddingBacklog(ctx)
		if e.Background != nil {
			e.Background()
		}
		return 0, left, err
	}
	n, _, err := e.embedPending(ctx, batch, nil)
	return n, len(batch) - n, err
}

// embedText is what is sent for a memory: valid UTF-8, cut to a length
// every embedding model accepts.
func embedText(s string) string {
	if len(s) <= maxEmbedChars {
		return s
	}
	n := maxEmbedChars
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

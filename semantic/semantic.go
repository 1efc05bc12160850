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

// OtherModelError says the stored vectors were made by another embedder
// than the configured one. Searches then rank by words rather than drop
// every vector on their own: two programs with different settings (the
// MCP server started before a change, say) would otherwise take turns
// re-embedding everything.
type OtherModelError struct{ Stored, Configured string }

func (e *OtherModelError) Error() string {
	return fmt.Sprintf("the stored vectors were made by %s, not the configured %s: run `mem0 reindex` to make them again", e.Stored, e.Configured)
}

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

// Policy says what Reindex does when the stored vectors belong to another
// embedder.
type Policy int

const (
	CatchUp Policy = iota // embed what waits; another embedder's vectors: OtherModelError
	Adopt                 // another embedder's vectors are dropped and every memory embedded again
	Reset                 // drop every vector and embed every memory again
)

// checkModel makes sure the stored vectors belong to e.Model. The first
// embedder of a database is adopted by any caller; a different one only
// under Adopt or Reset. It reports whether it reset.
func (e *Engine) checkModel(ctx context.Context, p Policy) (bool, error) {
	cur, err := e.Store.State(ctx, store.StateEmbedModel)
	if err != nil || (cur == e.Model && p != Reset) {
		return false, err
	}
	if cur != "" && cur != e.Model && p == CatchUp {
		return false, &OtherModelError{Stored: cur, Configured: e.Model}
	}
	err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
		if cur, err := tx.State(ctx, store.StateEmbedModel); err != nil || (cur == e.Model && p != Reset) {
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

// ReindexResult is what a run did.
type ReindexResult struct {
	Embedded int  `json:"embedded"`
	Skipped  int  `json:"skipped"` // texts the provider refused; they get no vector
	Reset    bool `json:"reset"`   // every vector was dropped first
}

// Reindex embeds every memory waiting for a vector, BatchSize at a time,
// and brings the index file up to date. It stops at the first request
// that fails (what was stored stays); a text the provider refuses as such
// is skipped and counted.
func (e *Engine) Reindex(ctx context.Context, p Policy, progress Progress) (ReindexResult, error) {
	var res ReindexResult
	if err := e.usable(); err != nil {
		return res, err
	}
	reset, err := e.checkModel(ctx, p)
	if err != nil {
		return res, err
	}
	res.Reset = reset
	total, err := e.Store.EmbeddingBacklog(ctx)
	if err != nil {
		return res, err
	}
	for {
		if progress != nil {
			progress(res.Embedded+res.Skipped, max(total, res.Embedded+res.Skipped))
		}
		batch, err := e.Store.PendingEmbeddings(ctx, BatchSize)
		if err != nil {
			return res, err
		}
		if len(batch) == 0 {
			return res, e.syncFile(ctx)
		}
		n, skipped, err := e.embedBatch(ctx, batch)
		res.Embedded += n
		res.Skipped += skipped
		if err != nil {
			return res, err
		}
	}
}

// embedBatch embeds and stores the waiting memories of batch. When the
// provider refuses the request as such, each text is sent alone and the
// ones it refuses are skipped (taken off the queue), so that one text the
// model cannot take does not stop every later run.
func (e *Engine) embedBatch(ctx context.Context, batch []store.PendingText) (stored, skipped int, err error) {
	_, stored, err = e.embed(ctx, batch, nil)
	if !errors.Is(err, ai.ErrBadRequest) || len(batch) == 1 {
		if errors.Is(err, ai.ErrBadRequest) {
			return 0, 1, e.skip(ctx, batch)
		}
		return stored, 0, err
	}
	for _, p := range batch {
		_, n, err := e.embed(ctx, []store.PendingText{p}, nil)
		switch {
		case errors.Is(err, ai.ErrBadRequest):
			if err := e.skip(ctx, []store.PendingText{p}); err != nil {
				return stored, skipped, err
			}
			skipped++
		case err != nil:
			return stored, skipped, err
		}
		stored += n
	}
	return stored, skipped, nil
}

func (e *Engine) skip(ctx context.Context, batch []store.PendingText) error {
	seqs := make([]int64, len(batch))
	for i, p := range batch {
		seqs[i] = p.Seq
	}
	return e.Store.WithTx(ctx, func(tx *store.Tx) error { return tx.DropPending(ctx, seqs) })
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

// embed sends the extra texts and the waiting memories of batch in one
// request, stores the memories' vectors, and returns the extra texts'
// vectors. With extra texts, the batch is a passenger: if the combined
// request fails the extra texts are sent alone, and if storing fails the
// memories stay queued; only a failure to embed the extra texts is an
// error. Without extra texts, any failure is.
func (e *Engine) embed(ctx context.Context, batch []store.PendingText, extra []string) ([][]float32, int, error) {
	texts := append([]string(nil), extra...)
	for _, p := range batch {
		texts = append(texts, embedText(p.Content))
	}
	if len(texts) == 0 {
		return nil, 0, nil
	}
	vecs, err := e.request(ctx, texts)
	if err != nil && len(extra) > 0 && len(batch) > 0 && ctx.Err() == nil {
		batch = nil
		vecs, err = e.request(ctx, extra)
	}
	if err != nil {
		return nil, 0, err
	}
	if len(batch) == 0 {
		return vecs, 0, nil
	}
	stored, err := e.store(ctx, batch, vecs[len(extra):])
	if err != nil && len(extra) > 0 {
		err = nil // the memories stay queued for the next request
	}
	return vecs[:len(extra)], stored, err
}

// request embeds texts and makes each vector unit length.
func (e *Engine) request(ctx context.Context, texts []string) ([][]float32, error) {
	vecs, err := e.Embedder.Embed(ctx, texts)
	if err != nil {
		return nil, err
	}
	if len(vecs) != len(texts) {
		return nil, fmt.Errorf("the embedder returned %d vectors for %d texts", len(vecs), len(texts))
	}
	for i, v := range vecs {
		if len(v) == 0 || len(v) != len(vecs[0]) {
			return nil, fmt.Errorf("the embedder returned vectors of %d and %d dimensions", len(vecs[0]), len(v))
		}
		normalize(vecs[i])
	}
	return vecs, nil
}

// store saves the vectors of batch. Vectors of another size than the
// stored ones mean the model changed under the same name (a re-pulled
// Ollama tag, say): every vector is dropped and every memory queued again.
func (e *Engine) store(ctx context.Context, batch []store.PendingText, vecs [][]float32) (int, error) {
	es := make([]store.Embedding, len(batch))
	for i, p := range batch {
		es[i] = store.Embedding{Seq: p.Seq, Hash: p.Hash, Vector: vecs[i]}
	}
	var stored int
	err := e.Store.WithTx(ctx, func(tx *store.Tx) error {
		dims, err := tx.EmbeddingDims(ctx)
		if err != nil {
			return err
		}
		if dims != 0 && dims != len(vecs[0]) {
			if err := tx.ResetEmbeddings(ctx, e.Model); err != nil {
				return err
			}
		}
		stored, err = tx.PutEmbeddings(ctx, es)
		return err
	})
	return stored, err
}

// backlog returns the memories waiting for a vector when they fit in one
// request with a query (Inline of them); a longer backlog is left to the
// background run, which it starts, and waiting says how long it is.
func (e *Engine) backlog(ctx context.Context) (batch []store.PendingText, waiting int, background bool, err error) {
	batch, err = e.Store.PendingEmbeddings(ctx, e.inline()+1)
	if err != nil || len(batch) <= e.inline() {
		return batch, 0, false, err
	}
	if waiting, err = e.Store.EmbeddingBacklog(ctx); err != nil {
		return nil, 0, false, err
	}
	if e.Background != nil {
		e.Background()
	}
	return nil, waiting, e.Background != nil, nil
}

// EmbedBacklog embeds what is waiting when it fits in one request, and
// starts the background run when it does not. Write commands call it so
// that new memories are found by meaning at once. It returns how many it
// embedded and how many are left.
func (e *Engine) EmbedBacklog(ctx context.Context) (embedded, left int, err error) {
	if err := e.usable(); err != nil {
		return 0, 0, err
	}
	if _, err := e.checkModel(ctx, CatchUp); err != nil {
		return 0, 0, err
	}
	batch, waiting, _, err := e.backlog(ctx)
	if err != nil || len(batch) == 0 {
		return 0, waiting, err
	}
	_, n, err := e.embed(ctx, batch, nil)
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

package semantic

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// Mode is how a search ranks.
type Mode string

const (
	Auto     Mode = ""         // hybrid when an embedder is usable, else keyword
	Hybrid   Mode = "hybrid"   // words and meaning, fused
	Keyword  Mode = "keyword"  // BM25 only
	Semantic Mode = "semantic" // vectors only
)

// rrfK is reciprocal rank fusion's constant: 60, as in Cormack et al.,
// so that the top few of either list count about equally.
const rrfK = 60

// Hit is one search result and how it was found.
type Hit struct {
	store.Result
	// KeywordRank and SemanticRank are 1-based places in each ranking
	// (0: not in it); Similarity is the cosine with the query.
	KeywordRank  int     `json:"keyword_rank,omitempty"`
	SemanticRank int     `json:"semantic_rank,omitempty"`
	Similarity   float64 `json:"similarity,omitempty"`
}

// Explanation says how a search was done, for --explain.
type Explanation struct {
	Asked  Mode             `json:"asked"`
	Mode   Mode             `json:"mode"`             // what ran
	Reason string           `json:"reason,omitempty"` // why it is not what was asked or hybrid
	Match  store.SearchMode `json:"match,omitempty"`  // how the words matched
	Model  string           `json:"model,omitempty"`
	// Indexed memories have a vector; Waiting ones do not yet.
	Indexed     int  `json:"indexed"`
	Waiting     int  `json:"waiting"`
	EmbeddedNow int  `json:"embedded_now"` // embedded with the query
	Background  bool `json:"background"`   // a background run was started
	// Err is why vectors could not be used, when the search fell back.
	Err    error   `json:"-"`
	MinSim float64 `json:"min_similarity,omitempty"`
}

// Search ranks the live memories passing f for query. In hybrid mode it
// fuses the BM25 ranking with the vector ranking; a memory found by
// meaning alone must reach MinSimilarity. When vectors cannot be had (no
// embedder, the provider down) an Auto search falls back to words and the
// explanation says why; a Semantic one fails.
func (e *Engine) Search(ctx context.Context, query string, f store.Filter, mode Mode, highlight bool) ([]Hit, *Explanation, error) {
	ex := &Explanation{Asked: mode, Mode: mode, Model: e.Model}
	if f.Limit <= 0 {
		f.Limit = 10
	}
	if mode == Auto || mode == Hybrid {
		ex.Mode = Hybrid
		if err := e.usable(); err != nil {
			if mode == Hybrid {
				return nil, ex, err
			}
			ex.Mode, ex.Reason = Keyword, err.Error()
		}
	}
	if ex.Mode == Keyword {
		return e.keyword(ctx, query, f, highlight, ex)
	}
	if err := e.usable(); err != nil {
		return nil, ex, err
	}
	want := f.Offset + f.Limit
	// Each list is ranked deeper than the page, so that a memory second
	// in one and tenth in the other can still come out on top.
	depth := max(want*3, 30)
	// The words are ranked while the embedder works on the query: a
	// provider's answer takes longer than the full-text search.
	var words []store.Result
	var wordsErr error
	wordsDone := make(chan struct{})
	if ex.Mode == Hybrid {
		go func() {
			defer close(wordsDone)
			kf := f
			kf.Offset, kf.Limit = 0, depth
			words, ex.Match, wordsErr = e.Store.Search(ctx, query, kf, highlight)
		}()
	} else {
		close(wordsDone)
	}
	qv, err := e.queryVector(ctx, query, ex)
	if err != nil {
		<-wordsDone
		if mode != Auto {
			return nil, ex, err
		}
		ex.Mode, ex.Reason, ex.Err = Keyword, fallbackReason(err), err
		return page(wordHits(words), f.Offset, f.Limit), ex, wordsErr
	}
	ex.MinSim = e.minSimilarity()
	if ex.Mode == Semantic {
		hits, err := e.vector(ctx, qv, f, want, ex)
		if err != nil {
			return nil, ex, err
		}
		return page(hits, f.Offset, f.Limit), ex, nil
	}
	meaning, err := e.vector(ctx, qv, f, depth, ex)
	<-wordsDone
	if wordsErr != nil {
		return nil, ex, wordsErr
	}
	if err != nil && mode == Auto && ctx.Err() == nil {
		// The vectors are a copy; a search still answers by words.
		ex.Mode, ex.Reason, ex.Err = Keyword, "the vector index could not be read, so only words were matched: "+err.Error(), err
		return page(wordHits(words), f.Offset, f.Limit), ex, nil
	}
	if err != nil {
		return nil, ex, err
	}
	wordWeight := 1.0
	if ex.Match == store.MatchAny {
		// No memory holds every word: the matches on some words (often
		// the least telling ones) count half.
		wordWeight = 0.5
	}
	return page(fuse(words, meaning, wordWeight, ex.MinSim), f.Offset, f.Limit), ex, nil
}

func (e *Engine) keyword(ctx context.Context, query string, f store.Filter, highlight bool, ex *Explanation) ([]Hit, *Explanation, error) {
	res, match, err := e.Store.Search(ctx, query, f, highlight)
	ex.Match = match
	hits := wordHits(res)
	for i := range hits {
		hits[i].KeywordRank += f.Offset
	}
	return hits, ex, err
}

// wordHits are the word ranking's results as hits, ranked from 1.
func wordHits(res []store.Result) []Hit {
	hits := make([]Hit, len(res))
	for i, r := range res {
		hits[i] = Hit{Result: r, KeywordRank: i + 1}
	}
	return hits
}

// queryVector embeds the query, together with the memories waiting for a
// vector when they fit in the same request; a longer backlog goes to the
// background run and this search uses the vectors there are.
func (e *Engine) queryVector(ctx context.Context, query string, ex *Explanation) ([]float32, error) {
	if _, err := e.checkModel(ctx, CatchUp); err != nil {
		return nil, err
	}
	batch, waiting, background, err := e.backlog(ctx)
	if err != nil {
		return nil, err
	}
	ex.Waiting, ex.Background = waiting, background
	vecs, n, err := e.embed(ctx, batch, []string{embedText(query)})
	if err != nil {
		return nil, err
	}
	ex.EmbeddedNow = n
	return vecs[0], nil
}

// fallbackReason says why a search that wanted vectors ranked by words.
func fallbackReason(err error) string {
	var other *OtherModelError
	var aerr *ai.Error
	switch {
	case errors.As(err, &other):
		return err.Error()
	case errors.As(err, &aerr):
		return "the embedder failed, so only words were matched: " + err.Error()
	}
	return "vectors could not be used, so only words were matched: " + err.Error()
}

// vector returns up to want memories passing f, most similar first. The
// scan first takes the best few times want and checks them against the
// database (still current, passing the filters); when the filters drop too
// many, it scans again over just the memories that pass them.
func (e *Engine) vector(ctx context.Context, qv []float32, f store.Filter, want int, ex *Explanation) ([]Hit, error) {
	ix, err := syncIndex(ctx, e.Store, e.IndexPath, e.Model)
	if err != nil {
		return nil, err
	}
	defer ix.close()
	if ix == nil || ix.dims != len(qv) {
		return nil, nil
	}
	k := max(4*want, 64)
	cands := ix.top(qv, k, nil)
	ex.Indexed = ix.live
	hits, err := e.verify(ctx, cands, f)
	if err != nil || len(hits) >= want || len(cands) < k {
		return cut(hits, want), err
	}
	allowed, err := e.Store.SeqsMatching(ctx, f)
	if err != nil {
		return nil, err
	}
	ok := make(map[int64]struct{}, len(allowed))
	for _, s := range allowed {
		ok[s] = struct{}{}
	}
	cands = ix.top(qv, 2*want, func(seq int64) bool { _, in := ok[seq]; return in })
	hits, err = e.verify(ctx, cands, f)
	return cut(hits, want), err
}

// verify keeps the candidates that are live and pass f, best first. The
// index file has marked every dropped or replaced vector dead, so only the
// memories are read, not their vectors' rows.
func (e *Engine) verify(ctx context.Context, cands []candidate, f store.Filter) ([]Hit, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	score := make(map[int64]float64, len(cands))
	seqs := make([]int64, 0, len(cands))
	for _, c := range cands {
		if _, dup := score[c.seq]; !dup {
			score[c.seq] = float64(c.score)
			seqs = append(seqs, c.seq)
		}
	}
	res, err := e.Store.ResultsFor(ctx, seqs, score, f)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, len(res))
	for i, r := range res {
		hits[i] = Hit{Result: r, SemanticRank: i + 1, Similarity: r.Score}
	}
	return hits, nil
}

// fuse merges the two rankings by reciprocal rank fusion: each memory
// scores the sum of weight/(rrfK+rank) over the lists it is in. The vector
// ranking only counts for memories at least minSim similar: the nearest
// neighbours of a query always exist, relevant or not.
func fuse(words []store.Result, meaning []Hit, wordWeight, minSim float64) []Hit {
	byID := map[string]*Hit{}
	var out []*Hit
	for i, r := range words {
		h := &Hit{Result: r, KeywordRank: i + 1}
		h.Score = wordWeight / float64(rrfK+i+1)
		byID[r.ID] = h
		out = append(out, h)
	}
	for i, m := range meaning {
		if h := byID[m.ID]; h != nil {
			h.SemanticRank, h.Similarity = i+1, m.Similarity
			if m.Similarity >= minSim {
				h.Score += 1.0 / float64(rrfK+i+1)
			}
			continue
		}
		if m.Similarity < minSim {
			continue
		}
		h := m
		h.SemanticRank = i + 1
		h.Score = 1.0 / float64(rrfK+i+1)
		out = append(out, &h)
	}
	slices.SortStableFunc(out, func(a, b *Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	hits := make([]Hit, len(out))
	for i, h := range out {
		hits[i] = *h
	}
	return hits
}

func page(h []Hit, offset, limit int) []Hit {
	if offset >= len(h) {
		return nil
	}
	return h[offset:min(len(h), offset+limit)]
}

func cut(h []Hit, n int) []Hit { return h[:min(len(h), n)] }

// DefaultDuplicateSimilarity is the cosine from which two texts are taken
// to say the same thing.
const DefaultDuplicateSimilarity = 0.92

// Similar finds, for each text, a live memory of the named context that
// says the same thing (similarity at least threshold; DefaultDuplicate-
// Similarity when zero), or "" when none does. The texts are embedded in
// one request; nothing is written (memories still waiting for a vector are
// not compared).
func (e *Engine) Similar(ctx context.Context, contextName string, texts []string, threshold float64) ([]string, error) {
	if err := e.usable(); err != nil {
		return nil, err
	}
	if threshold <= 0 {
		threshold = DefaultDuplicateSimilarity
	}
	if _, err := e.checkModel(ctx, CatchUp); err != nil {
		return nil, err
	}
	// Only the texts are sent, and nothing is stored: a dry run may ask.
	extra := make([]string, len(texts))
	for i, t := range texts {
		extra[i] = embedText(t)
	}
	vecs, err := e.request(ctx, extra)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(texts))
	// Facts are compared with facts, as the text comparison does.
	f := store.Filter{Contexts: []string{contextName}, Kind: content.KindFact, Limit: 1}
	for i, v := range vecs {
		hits, err := e.vector(ctx, v, f, 1, &Explanation{})
		if err != nil {
			return nil, err
		}
		if len(hits) > 0 && hits[0].Similarity >= threshold {
			out[i] = hits[0].ID
		}
	}
	return out, nil
}

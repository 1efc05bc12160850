package semantic

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/ai/aitest"
	"github.com/mem0dev/mem0/store"
)

// labelled is a small set where words alone fail: no query shares a word
// with the memory it is looking for.
var labelled = []struct{ query, want string }{
	{"how do I ship a release", "deploy with make publish"},
	{"postgres connection details", "the staging db is pg-staging-2, port 6432"},
	{"why is everything sluggish", "p99 latency regressed after the redis cache change: slow"},
	{"who maintains invoicing", "Ana owns the billing service"},
}

var distractors = []string{
	"buy milk on the way home",
	"the docker image is built by CI on every push",
	"run go test ./... before pushing",
	"login uses SSO via okta",
	"standup moved to 10:15 on Mondays",
	"vim: use :noh to clear the search highlight",
}

type fixture struct {
	s   *store.Store
	emb *aitest.Embedder
	e   *Engine
	ids map[string]string // content -> id
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, filepath.Join(dir, "mem0.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	emb := &aitest.Embedder{Dims: 64}
	ts := httptest.NewServer(emb)
	t.Cleanup(ts.Close)
	fx := &fixture{s: s, emb: emb, ids: map[string]string{}}
	fx.e = &Engine{
		Store:     s,
		Embedder:  ai.NewOpenAI(ai.Config{BaseURL: ts.URL + "/v1", Model: "stub", MaxRetries: -1}),
		Model:     "openai:stub@" + ts.URL,
		IndexPath: IndexPath(s.Path()),
	}
	return fx
}

func (fx *fixture) add(t *testing.T, contextName string, texts ...string) {
	t.Helper()
	fx.addKind(t, contextName, "note", texts...)
}

func (fx *fixture) addKind(t *testing.T, contextName, kind string, texts ...string) {
	t.Helper()
	ctx := context.Background()
	err := fx.s.WithTx(ctx, func(tx *store.Tx) error {
		for _, text := range texts {
			m, _, err := tx.AddMemory(ctx, store.NewMemory{Context: contextName, Kind: kind, Content: text})
			if err != nil {
				return err
			}
			fx.ids[text] = m.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (fx *fixture) search(t *testing.T, q string, mode Mode, f store.Filter) ([]Hit, *Explanation) {
	t.Helper()
	hits, ex, err := fx.e.Search(context.Background(), q, f, mode, false)
	if err != nil {
		t.Fatalf("search %q (%s): %v", q, mode, err)
	}
	return hits, ex
}

func top(h []Hit) string {
	if len(h) == 0 {
		return "(nothing)"
	}
	return h[0].Content
}

func TestHybridFindsByMeaningWhereWordsFail(t *testing.T) {
	fx := newFixture(t)
	for _, l := range labelled {
		fx.add(t, "work", l.want)
	}
	fx.add(t, "work", distractors...)
	for _, l := range labelled {
		words, _ := fx.search(t, l.query, Keyword, store.Filter{})
		if top(words) == l.want {
			t.Errorf("the labelled set is too easy: words alone find %q for %q", l.want, l.query)
		}
		for _, mode := range []Mode{Auto, Hybrid, Semantic} {
			hits, ex := fx.search(t, l.query, mode, store.Filter{})
			if top(hits) != l.want {
				t.Errorf("%s search %q: top hit %q, want %q", mode, l.query, top(hits), l.want)
			}
			if ex.Mode == Keyword {
				t.Errorf("%s search fell back to words: %s", mode, ex.Reason)
			}
		}
	}
	// A word match still counts: an exact term ranks its memory first.
	hits, ex := fx.search(t, "okta", Auto, store.Filter{})
	if top(hits) != "login uses SSO via okta" || hits[0].KeywordRank != 1 {
		t.Errorf("hybrid search okta: %+v", hits)
	}
	if ex.Mode != Hybrid || ex.Indexed != len(labelled)+len(distractors) {
		t.Errorf("explanation: %+v", ex)
	}
}

func TestSearchEmbedsTheBacklogWithTheQueryInOneRequest(t *testing.T) {
	fx := newFixture(t)
	fx.add(t, "work", distractors...)
	fx.search(t, "anything", Auto, store.Filter{}) // the first search queues and embeds all
	before := fx.emb.Requests.Load()
	fx.add(t, "work", "deploy with make publish")
	hits, ex := fx.search(t, "ship a release", Auto, store.Filter{})
	if got := fx.emb.Requests.Load() - before; got != 1 {
		t.Errorf("a search with one memory waiting made %d requests, want 1", got)
	}
	if ex.EmbeddedNow != 1 || top(hits) != "deploy with make publish" {
		t.Errorf("embedded now %d, top %q", ex.EmbeddedNow, top(hits))
	}
}

func TestEditedAndDeletedMemoriesLeaveTheVectorRanking(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.add(t, "work", distractors...)
	if hits, _ := fx.search(t, "ship a release", Semantic, store.Filter{}); top(hits) != "deploy with make publish" {
		t.Fatalf("before the edit: %q", top(hits))
	}
	text := "bake sourdough bread on sunday"
	err := fx.s.WithTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.UpdateMemory(ctx, fx.ids["deploy with make publish"], store.Patch{Content: &text})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	hits, _ := fx.search(t, "ship a release", Semantic, store.Filter{})
	for _, h := range hits {
		if h.Content == text && h.Similarity > 0.5 {
			t.Errorf("the edited memory still ranks by its old text: %+v", h)
		}
	}
	if hits, _ := fx.search(t, "sourdough", Semantic, store.Filter{}); top(hits) != text {
		t.Errorf("the new text is not found by its vector: %q", top(hits))
	}
	err = fx.s.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.DeleteMemory(ctx, fx.ids["deploy with make publish"])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range mustHits(fx.search(t, "sourdough bread", Semantic, store.Filter{})) {
		if h.Content == text {
			t.Errorf("a deleted memory was returned")
		}
	}
}

func mustHits(h []Hit, _ *Explanation) []Hit { return h }

func TestFiltersKeepTheirMeaningInASmallContext(t *testing.T) {
	fx := newFixture(t)
	// Many close matches elsewhere, so the first round of candidates holds
	// none of the small context's memories.
	var many []string
	for i := range 300 {
		many = append(many, "release train "+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	fx.add(t, "big", many...)
	fx.add(t, "small", "deploy with make publish", "buy milk on the way home")
	if _, err := fx.e.Reindex(context.Background(), CatchUp, nil); err != nil {
		t.Fatal(err)
	}
	hits, _ := fx.search(t, "ship a release", Semantic, store.Filter{Contexts: []string{"small"}, Limit: 1})
	if top(hits) != "deploy with make publish" {
		t.Errorf("context filter: top %q", top(hits))
	}
}

func TestNoEmbedderIsKeywordAndSaysWhy(t *testing.T) {
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.e.Embedder = nil
	hits, ex := fx.search(t, "publish", Auto, store.Filter{})
	if ex.Mode != Keyword || ex.Reason == "" || top(hits) != "deploy with make publish" {
		t.Errorf("no embedder: mode %s reason %q hits %v", ex.Mode, ex.Reason, hits)
	}
	if _, _, err := fx.e.Search(context.Background(), "publish", store.Filter{}, Semantic, false); err == nil {
		t.Error("a semantic search without an embedder did not fail")
	}
}

func TestAProviderFailureFallsBackToWords(t *testing.T) {
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.emb.Fail.Store(500)
	hits, ex := fx.search(t, "publish", Auto, store.Filter{})
	if ex.Mode != Keyword || top(hits) != "deploy with make publish" {
		t.Errorf("provider down: mode %s hits %v", ex.Mode, hits)
	}
	if _, _, err := fx.e.Search(context.Background(), "publish", store.Filter{}, Semantic, false); err == nil {
		t.Error("a semantic search with the provider down did not fail")
	}
}

func TestAnotherModelIsNotAdoptedBySearches(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.add(t, "work", distractors...)
	fx.search(t, "docker", Auto, store.Filter{}) // the first embedder is adopted
	texts := fx.emb.Texts.Load()
	first := fx.e.Model
	fx.e.Model += "-v2"
	hits, ex := fx.search(t, "docker", Auto, store.Filter{})
	if ex.Mode != Keyword || !strings.Contains(ex.Reason, "run `mem0 reindex`") || len(hits) == 0 {
		t.Errorf("search with another embedder: %+v", ex)
	}
	if _, err := fx.e.Reindex(ctx, CatchUp, nil); err == nil {
		t.Error("a catch-up run adopted another embedder")
	}
	if got := fx.emb.Texts.Load() - texts; got != 0 {
		t.Errorf("%d texts sent to an embedder whose vectors cannot be compared with the stored ones", got)
	}
	res, err := fx.e.Reindex(ctx, Adopt, nil)
	if err != nil || !res.Reset || res.Embedded != len(distractors) {
		t.Fatalf("reindex adopting the new embedder: %+v %v", res, err)
	}
	if _, ex := fx.search(t, "docker", Auto, store.Filter{}); ex.Mode != Hybrid || ex.Indexed != len(distractors) {
		t.Errorf("after adopting: %+v", ex)
	}
	// And the other program, still set to the first embedder, now ranks
	// by words without dropping anything.
	fx.e.Model = first
	if _, ex := fx.search(t, "docker", Auto, store.Filter{}); ex.Mode != Keyword {
		t.Errorf("the first embedder took the vectors back: %+v", ex)
	}
}

func TestAModelChangingSizeUnderTheSameNameStartsOver(t *testing.T) {
	fx := newFixture(t)
	fx.add(t, "work", distractors...)
	fx.search(t, "docker", Semantic, store.Filter{})
	fx.emb.Dims = 32 // the same name, another model (a re-pulled tag)
	fx.add(t, "work", "deploy with make publish")
	hits, ex := fx.search(t, "ship a release", Semantic, store.Filter{})
	// The new vector does not fit the stored ones: they were dropped and
	// queued again, and the next run (here, inline) makes them anew.
	if ex.Mode != Semantic {
		t.Fatalf("%+v", ex)
	}
	if _, err := fx.e.Reindex(context.Background(), CatchUp, nil); err != nil {
		t.Fatal(err)
	}
	hits, ex = fx.search(t, "ship a release", Semantic, store.Filter{})
	if top(hits) != "deploy with make publish" || ex.Indexed != len(distractors)+1 {
		t.Errorf("after the size change: top %q, %+v", top(hits), ex)
	}
}

func TestAnEditedMemoryNeverRanksByItsOldTextEvenWhileQueued(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.add(t, "work", distractors...)
	fx.search(t, "ship", Semantic, store.Filter{})
	fx.e.Inline = 1
	fx.add(t, "work", "one more", "and another") // a backlog the search does not take
	text := "bake sourdough bread"
	if err := fx.s.WithTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.UpdateMemory(ctx, fx.ids["deploy with make publish"], store.Patch{Content: &text})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	hits, _ := fx.search(t, "how do I ship a release", Semantic, store.Filter{})
	for _, h := range hits {
		if h.Content == text {
			t.Errorf("the edited memory ranks by its old vector: %+v", h)
		}
	}
}

func TestTheQueryIsEmbeddedAloneWhenTheBacklogCannotBe(t *testing.T) {
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.search(t, "ship", Semantic, store.Filter{})
	fx.add(t, "work", "a text the provider refuses")
	fx.emb.Refuse = "refuses"
	hits, ex := fx.search(t, "ship a release", Auto, store.Filter{})
	if ex.Mode != Hybrid || top(hits) != "deploy with make publish" {
		t.Errorf("a refused backlog text broke the search: %+v", ex)
	}
	res, err := fx.e.Reindex(context.Background(), CatchUp, nil)
	if err != nil || res.Skipped != 1 || res.Embedded != 0 {
		t.Errorf("reindex with a refused text: %+v %v", res, err)
	}
	if n, _ := fx.s.EmbeddingBacklog(context.Background()); n != 0 {
		t.Errorf("%d still waiting after the refused text was skipped", n)
	}
}

func TestABusyDatabaseDoesNotLoseTheQueryVector(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.search(t, "ship", Semantic, store.Filter{})
	fx.add(t, "work", "waiting for its vector")
	// Another process holds the write lock for longer than this search
	// waits: the waiting memory's vector cannot be stored, the query's is
	// still used.
	other, err := store.Open(ctx, fx.s.Path(), store.Options{BusyTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s2, err := store.Open(ctx, fx.s.Path(), store.Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	e2 := *fx.e
	e2.Store = s2
	held := make(chan struct{})
	release := make(chan struct{})
	go other.WithTx(ctx, func(*store.Tx) error { close(held); <-release; return nil })
	<-held
	hits, ex, err := e2.Search(ctx, "ship a release", store.Filter{}, Semantic, false)
	close(release)
	if err != nil || top(hits) != "deploy with make publish" || ex.EmbeddedNow != 0 {
		t.Errorf("busy database: %v %q %+v", err, top(hits), ex)
	}
}

func TestADamagedIndexFileIsRebuilt(t *testing.T) {
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.add(t, "work", distractors...)
	fx.search(t, "ship", Auto, store.Filter{})
	if err := os.WriteFile(fx.e.IndexPath, []byte("MEM0VEC2 but torn"), 0o600); err != nil {
		t.Fatal(err)
	}
	hits, ex := fx.search(t, "ship a release", Semantic, store.Filter{})
	if top(hits) != "deploy with make publish" || ex.Indexed != len(distractors)+1 {
		t.Errorf("after damage: top %q indexed %d", top(hits), ex.Indexed)
	}
}

func TestBigBacklogGoesToTheBackground(t *testing.T) {
	fx := newFixture(t)
	fx.e.Inline = 2
	started := 0
	fx.e.Background = func() { started++ }
	fx.add(t, "work", distractors...)
	_, ex := fx.search(t, "docker", Auto, store.Filter{})
	if started != 1 || !ex.Background || ex.Waiting != len(distractors) {
		t.Errorf("background %d, explanation %+v", started, ex)
	}
	res, err := fx.e.Reindex(context.Background(), CatchUp, nil)
	if err != nil || res.Embedded != len(distractors) {
		t.Fatalf("reindex: %+v, %v", res, err)
	}
	hits, ex := fx.search(t, "container image", Semantic, store.Filter{})
	if top(hits) != "the docker image is built by CI on every push" || ex.Indexed != len(distractors) {
		t.Errorf("after reindex: %q, %+v", top(hits), ex)
	}
}

func TestSimilarFindsTheSameThingSaidOtherwise(t *testing.T) {
	fx := newFixture(t)
	fx.addKind(t, "work", "fact", "Ana owns the billing service")
	fx.add(t, "work", "the billing service is written in Go") // a note: facts compare with facts
	fx.add(t, "work", distractors...)
	fx.addKind(t, "other", "fact", "deploy with make publish")
	if _, err := fx.e.Reindex(context.Background(), CatchUp, nil); err != nil {
		t.Fatal(err)
	}
	requests := fx.emb.Requests.Load()
	ids, err := fx.e.Similar(context.Background(), "work", []string{"the billing service is owned by Ana", "buy bread", "publish with make deploy", "billing service written in Go"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 4 || ids[0] != fx.ids["Ana owns the billing service"] || ids[1] != "" || ids[2] != "" || ids[3] != "" {
		t.Errorf("similar: %q", ids)
	}
	if got := fx.emb.Requests.Load() - requests; got != 1 {
		t.Errorf("Similar made %d requests, want 1", got)
	}
}

func TestAResetNeverLetsAnOldIndexFilePass(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.add(t, "work", distractors...)
	fx.search(t, "ship", Auto, store.Filter{})
	old, err := os.ReadFile(fx.e.IndexPath)
	if err != nil {
		t.Fatal(err)
	}
	// The memory's text changes to one the provider refuses, then a reset
	// (which forgets which vectors were dropped before it) embeds the
	// others again: this memory has no vector now.
	fx.emb.Refuse = "sourdough"
	text := "bake sourdough bread on sunday"
	if err := fx.s.WithTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.UpdateMemory(ctx, fx.ids["deploy with make publish"], store.Patch{Content: &text})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.e.Reindex(ctx, Reset, nil); err != nil {
		t.Fatal(err)
	}
	// A copy made before the reset comes back (another process had it
	// open where files cannot be replaced while in use, say): its record
	// of the old text must not rank the memory.
	if err := os.WriteFile(fx.e.IndexPath, old, 0o600); err != nil {
		t.Fatal(err)
	}
	hits, ex := fx.search(t, "ship a release", Semantic, store.Filter{})
	for _, h := range hits {
		if h.Content == text {
			t.Errorf("the old index file's vector ranks the edited memory: %+v", h)
		}
	}
	if ex.Indexed != len(distractors) {
		t.Errorf("indexed %d, want %d (the file was not rebuilt)", ex.Indexed, len(distractors))
	}
}

func TestAnUnreadableIndexFallsBackToWords(t *testing.T) {
	fx := newFixture(t)
	fx.add(t, "work", "deploy with make publish")
	fx.search(t, "ship", Auto, store.Filter{})
	// A folder where the file should be: it can be neither read nor replaced.
	os.Remove(fx.e.IndexPath)
	if err := os.MkdirAll(filepath.Join(fx.e.IndexPath, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	fx.add(t, "work", "buy milk on the way home")
	hits, ex := fx.search(t, "publish", Auto, store.Filter{})
	if ex.Mode != Keyword || !strings.Contains(ex.Reason, "vector index") || top(hits) != "deploy with make publish" {
		t.Errorf("unreadable index: mode %s reason %q hits %v", ex.Mode, ex.Reason, hits)
	}
}

func TestAnEmptyIndexIsRebuiltNotAppendedTo(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.add(t, "work", distractors...)
	fx.add(t, "work", "deploy with make publish")
	fx.search(t, "ship", Semantic, store.Filter{})
	// A reset with a backlog too long for a search: the next search finds
	// no vector at all and writes an empty index file.
	fx.e.Inline = 2
	if err := fx.s.WithTx(ctx, func(tx *store.Tx) error { return tx.ResetEmbeddings(ctx, fx.e.Model) }); err != nil {
		t.Fatal(err)
	}
	if hits, _ := fx.search(t, "ship a release", Semantic, store.Filter{}); len(hits) != 0 {
		t.Fatalf("vectors after a reset: %v", hits)
	}
	if _, err := fx.e.Reindex(ctx, CatchUp, nil); err != nil {
		t.Fatal(err)
	}
	if hits, ex := fx.search(t, "ship a release", Semantic, store.Filter{}); top(hits) != "deploy with make publish" || ex.Indexed != len(distractors)+1 {
		t.Errorf("after reindex: %q %+v", top(hits), ex)
	}
}

func TestARemovedContextsVectorsAreMarkedDeadInTheFile(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.add(t, "gone", "deploy with make publish")
	fx.add(t, "work", distractors...)
	fx.search(t, "ship", Semantic, store.Filter{})
	if err := fx.s.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.DeleteContext(ctx, "gone", true)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	hits, _ := fx.search(t, "ship a release", Semantic, store.Filter{})
	for _, h := range hits {
		if h.Context == "gone" {
			t.Errorf("a removed memory was found: %+v", h)
		}
	}
	// The file itself no longer offers it: the scan returns no dead record.
	ix, err := openIndex(fx.e.IndexPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	for _, c := range ix.top(aitestVector("ship a release"), ix.count, nil) {
		if c.seq == 0 {
			t.Errorf("a dead record was offered: %+v", c)
		}
	}
	if n := len(ix.top(aitestVector("ship a release"), ix.count, nil)); n != len(distractors) {
		t.Errorf("%d live records, want %d", n, len(distractors))
	}
}

func aitestVector(s string) []float32 { return aitest.Vector(s, 64) }

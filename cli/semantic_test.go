package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mem0dev/mem0/ai/aitest"
	"github.com/mem0dev/mem0/semantic"
)

// withEmbedder points the embedder settings at a stand-in OpenAI-compatible
// embeddings endpoint that puts texts about the same thing close together.
func withEmbedder(t *testing.T) *aitest.Embedder {
	t.Helper()
	emb := &aitest.Embedder{Dims: 64}
	ts := httptest.NewServer(emb)
	t.Cleanup(ts.Close)
	t.Setenv("MEM0_EMBEDDER_PROVIDER", "openai")
	t.Setenv("MEM0_EMBEDDER_BASE_URL", ts.URL+"/v1")
	return emb
}

func TestSearchModeFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *SearchOptions
	cmd := NewCmdSearch(tf.Factory, func(_ context.Context, o *SearchOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"ship", "it", "--semantic", "--explain"})
	if err := cmd.Execute(); err != nil || got.mode() != semantic.Semantic || !got.Explain || got.Query != "ship it" {
		t.Fatalf("%v %+v", err, got)
	}
	if code := tf.run(t, "search", "x", "--semantic", "--keyword"); code != ExitUsage {
		t.Errorf("--semantic with --keyword: exit %d", code)
	}
	if code := tf.run(t, "reindex", "extra"); code != ExitUsage {
		t.Errorf("reindex with an argument: exit %d", code)
	}
}

func TestSearchFindsByMeaningWithAnEmbedder(t *testing.T) {
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		emb := withEmbedder(t)
		tf.mustRun(t, "add", "deploy with make publish")
		if emb.Requests.Load() != 1 {
			t.Errorf("tty=%v: adding made %d embedding requests, want 1 (embedded on write)", tty, emb.Requests.Load())
		}
		tf.mustRun(t, "add", "buy milk on the way home")
		tf.mustRun(t, "add", "the docker image is built by CI")
		out := tf.mustRun(t, "search", "how", "do", "I", "ship", "a", "release")
		if !strings.Contains(out, "deploy with make publish") || strings.Contains(out, "milk") {
			t.Errorf("tty=%v: hybrid search:\n%s", tty, out)
		}
		tf.mustRun(t, "search", "how", "do", "I", "ship", "a", "release", "--keyword")
		if strings.Contains(tf.out.String(), "deploy") {
			t.Errorf("tty=%v: --keyword found by meaning:\n%s", tty, tf.out)
		}
	}
}

func TestSearchJSONAndExplainTellHowEachHitRanked(t *testing.T) {
	tf := newTestFactory(t, false)
	withEmbedder(t)
	tf.mustRun(t, "add", "deploy with make publish")
	tf.mustRun(t, "add", "publish the docs on friday")
	out := tf.mustRun(t, "search", "ship", "a", "release", "--json", "--explain")
	var hits []map[string]any
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(hits) == 0 || hits[0]["content"] != "deploy with make publish" || hits[0]["semantic_rank"] != 1.0 || hits[0]["similarity"] == nil {
		t.Errorf("json: %s", out)
	}
	e := tf.errOut.String()
	for _, want := range []string{"Search: hybrid", "reciprocal rank", "sent to http://127.0.0.1", "for search", "[1] ship a release", "meaning #1"} {
		if !strings.Contains(e, want) {
			t.Errorf("--explain lacks %q:\n%s", want, e)
		}
	}
	// The AI log has the request too.
	tf.mustRun(t, "ai", "log", "--json")
	if !strings.Contains(tf.out.String(), `"purpose": "search"`) && !strings.Contains(tf.out.String(), `"purpose":"search"`) {
		t.Errorf("ai log:\n%s", tf.out)
	}
}

func TestSearchWithoutEmbedderIsWordsAndSaysSo(t *testing.T) {
	tf := newTestFactory(t, false)
	tf.mustRun(t, "add", "deploy with make publish")
	tf.mustRun(t, "search", "publish", "--explain")
	if e := tf.errOut.String(); !strings.Contains(e, "words only") || !strings.Contains(e, "no embedder is configured") || !strings.Contains(e, "Nothing was sent") {
		t.Errorf("--explain without an embedder:\n%s", e)
	}
	if code := tf.run(t, "search", "publish", "--semantic"); code != ExitError || !strings.Contains(tf.errOut.String(), "embedder.provider") {
		t.Errorf("--semantic without an embedder: exit %d\n%s", code, tf.errOut)
	}
	if code := tf.run(t, "reindex"); code != ExitError || !strings.Contains(tf.errOut.String(), "no embedder") {
		t.Errorf("reindex without an embedder: exit %d\n%s", code, tf.errOut)
	}
}

func TestEmbedderDownFallsBackToWordsAndLosesNothing(t *testing.T) {
	tf := newTestFactory(t, false)
	emb := withEmbedder(t)
	emb.Fail.Store(401)
	tf.mustRun(t, "add", "deploy with make publish")
	if !strings.Contains(tf.errOut.String(), "not embedded yet") {
		t.Errorf("add with the embedder refusing: %s", tf.errOut)
	}
	out := tf.mustRun(t, "search", "publish")
	if !strings.Contains(out, "deploy with make publish") || !strings.Contains(tf.errOut.String(), "only words were matched") {
		t.Errorf("search with the embedder refusing:\n%s\n%s", out, tf.errOut)
	}
	emb.Fail.Store(0)
	tf.mustRun(t, "reindex")
	if !strings.Contains(tf.errOut.String(), "Embedded 1 memory") {
		t.Errorf("reindex: %s", tf.errOut)
	}
	if out := tf.mustRun(t, "search", "ship", "a", "release", "--semantic"); !strings.Contains(out, "deploy with make publish") {
		t.Errorf("after reindex:\n%s", out)
	}
}

func TestSecretsAreMaskedBeforeEmbedding(t *testing.T) {
	tf := newTestFactory(t, false)
	emb := withEmbedder(t)
	var seen []string
	emb.Seen = func(s string) { seen = append(seen, s) }
	tf.mustRun(t, "add", "--kind", "command", "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	for _, s := range seen {
		if strings.Contains(s, "wJalrXUtnFEMI") {
			t.Errorf("a secret was sent to the embedder: %q", s)
		}
	}
	if len(seen) != 1 {
		t.Errorf("sent %d texts", len(seen))
	}
}

func TestInferSkipsFactsKnownInOtherWords(t *testing.T) {
	tf := newTestFactory(t, false)
	withLLM(t, tf, "openai", nil)
	withEmbedder(t)
	tf.mustRun(t, "add", "--kind", "fact", "the billing service is owned by Ana")
	out := tf.mustRun(t, "add", "--infer", "--json", "Ana owns billing, and we deploy billing with make publish")
	var res struct {
		Facts []struct {
			Text, Status, DuplicateOf string `json:",omitempty"`
		} `json:"facts"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]string{}
	for _, f := range res.Facts {
		got[f.Text] = f.Status
	}
	if got["Ana owns the billing service"] != "similar" || got["The billing service is deployed with `make publish`."] != "stored" {
		t.Errorf("facts: %s", out)
	}
}

func TestStatusShowsHowManyMemoriesHaveVectors(t *testing.T) {
	tf := newTestFactory(t, false)
	tf.mustRun(t, "add", "before any embedder")
	if out := tf.mustRun(t, "status"); strings.Contains(out, "vectors") {
		t.Errorf("status without an embedder mentions vectors:\n%s", out)
	}
	emb := withEmbedder(t)
	if out := tf.mustRun(t, "status"); !strings.Contains(out, "0 memories embedded") || !strings.Contains(out, "1 waiting") {
		t.Errorf("status before the first embedding:\n%s", out)
	}
	tf.mustRun(t, "add", "deploy with make publish") // embeds both
	out := tf.mustRun(t, "status", "--json")
	var v struct {
		Vectors struct{ Embedded, Waiting int } `json:"vectors"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.Vectors.Embedded != 2 || v.Vectors.Waiting != 0 || emb.Requests.Load() != 1 {
		t.Errorf("status --json: %v %s (requests %d)", err, out, emb.Requests.Load())
	}
}

func TestABigBacklogIsEmbeddedInTheBackground(t *testing.T) {
	tf := newTestFactory(t, false)
	var spawned [][]string
	tf.Spawn = func(args ...string) { spawned = append(spawned, args) }
	emb := withEmbedder(t)
	var lines []string
	for i := range 100 {
		lines = append(lines, `{"type":"memory","id":"01941f29-7c00-7d2b-8b4b-`+fmt.Sprintf("%012d", i)+`","context":"default","kind":"note","content":"note number `+fmt.Sprint(i)+`","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z","version":1}`)
	}
	file := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tf.mustRun(t, "import", file)
	if len(spawned) != 1 || strings.Join(spawned[0], " ") != "reindex --catch-up --quiet" || emb.Requests.Load() != 0 {
		t.Fatalf("import of 100: spawned %v, %d requests", spawned, emb.Requests.Load())
	}
	// A search meanwhile: words only for the backlog, the query embedded,
	// and no second background run within the minute.
	tf.mustRun(t, "search", "note", "--explain")
	if len(spawned) != 1 || !strings.Contains(tf.errOut.String(), "100 waiting") {
		t.Errorf("search during the backlog: spawned %v\n%s", spawned, tf.errOut)
	}
	// What the background run does.
	tf.mustRun(t, "reindex", "--catch-up", "--quiet")
	if tf.errOut.Len() != 0 {
		t.Errorf("a quiet run printed: %s", tf.errOut)
	}
	tf.mustRun(t, "status", "--json")
	if !strings.Contains(tf.out.String(), `"embedded": 100`) {
		t.Errorf("status after the background run:\n%s", tf.out)
	}
}

func TestExplainCoversTheEmbeddingAfterAWriteAndADryRunSendsNothingMore(t *testing.T) {
	tf := newTestFactory(t, false)
	withLLM(t, tf, "openai", nil)
	emb := withEmbedder(t)
	tf.mustRun(t, "add", "--infer", "--explain", "Ana owns billing")
	e := tf.errOut.String()
	if !strings.Contains(e, "for infer") || !strings.Contains(e, "for index") {
		t.Errorf("--explain does not show every request sent:\n%s", e)
	}
	if strings.Contains(e, "Nothing was sent") {
		t.Errorf("--explain says nothing was sent:\n%s", e)
	}
	// A backlog waits (the embedder refused it); a dry run must not send it.
	emb.Fail.Store(500)
	tf.mustRun(t, "add", "a note that waits for its vector")
	emb.Fail.Store(0)
	before := emb.Requests.Load()
	tf.mustRun(t, "add", "--infer", "--dry-run", "--explain", "Go 1.26 everywhere")
	if got := emb.Requests.Load() - before; got != 1 {
		// One request: the similarity check of the facts, nothing else.
		t.Errorf("a dry run made %d embedding requests, want 1 (the similarity check)\n%s", got, tf.errOut)
	}
	if out := tf.mustRun(t, "status", "--json"); !strings.Contains(out, `"waiting": 1`) {
		t.Errorf("a dry run embedded the backlog:\n%s", out)
	}
}

// Package aitest holds a stand-in embedding provider for tests and
// benchmarks: an HTTP server speaking OpenAI's POST /v1/embeddings and
// Ollama's POST /api/embed, answering with deterministic vectors that put
// texts about the same thing close together (a small thesaurus maps words
// like deploy, ship and publish to one concept). No real provider is
// reachable where mem0's tests run; this lets them run the real clients.
package aitest

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"unicode"
)

// concepts maps words (after stemming) to the concept they stand for.
var concepts = func() map[string]string {
	groups := map[string][]string{
		"release":   {"deploy", "release", "ship", "publish", "rollout", "launch", "deliver"},
		"database":  {"db", "database", "postgres", "postgresql", "sql", "pg", "sqlite", "mysql"},
		"failure":   {"fail", "error", "crash", "broken", "bug", "exception", "panic", "outage"},
		"test":      {"test", "spec", "check", "verify"},
		"container": {"docker", "container", "image", "kubernetes", "k8s", "pod", "helm"},
		"secret":    {"password", "secret", "credential", "token", "key", "apikey"},
		"config":    {"config", "setting", "configuration", "option", "env"},
		"build":     {"build", "compile", "make", "makefile"},
		"meeting":   {"meeting", "standup", "call", "sync", "retro"},
		"person":    {"owner", "own", "owns", "owned", "maintainer", "maintain", "maintains", "lead", "responsible"},
		"speed":     {"slow", "sluggish", "latency", "performance", "fast", "speed", "perf"},
		"money":     {"billing", "bill", "invoice", "invoic", "invoicing", "payment", "pay"},
		"login":     {"login", "signin", "auth", "authentication", "sso", "oauth"},
		"cache":     {"cache", "redis", "memcached"},
	}
	m := map[string]string{}
	for c, ws := range groups {
		for _, w := range ws {
			m[w] = c
		}
	}
	return m
}()

var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "how": true, "do": true, "i": true, "we": true, "to": true,
	"with": true, "of": true, "in": true, "on": true, "is": true, "are": true, "it": true, "what": true,
	"and": true, "or": true, "for": true, "my": true, "our": true, "you": true, "can": true, "where": true, "by": true, "be": true, "was": true,
}

func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return strings.TrimSuffix(w, suf)
		}
	}
	return w
}

// Vector is the embedding of text in dims dimensions, unit length: each
// word adds to the dimension its concept (or the word itself) hashes to.
func Vector(text string, dims int) []float32 {
	v := make([]float32, dims)
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, w := range words {
		if stopWords[w] {
			continue
		}
		s := stem(w)
		if c, ok := concepts[s]; ok {
			add(v, "concept:"+c, 1)
			add(v, s, 0.3)
		} else if c, ok := concepts[w]; ok {
			add(v, "concept:"+c, 1)
			add(v, w, 0.3)
		} else {
			add(v, s, 1)
		}
	}
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		v[0] = 1
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}

func add(v []float32, feature string, weight float32) {
	h := fnv.New64a()
	h.Write([]byte(feature))
	x := h.Sum64()
	sign := float32(1)
	if x&1 == 1 {
		sign = -1
	}
	v[(x>>1)%uint64(len(v))] += sign * weight
}

// Embedder serves embeddings of Dims dimensions.
type Embedder struct {
	Dims int
	// Requests and Texts count what was asked, for tests.
	Requests atomic.Int64
	Texts    atomic.Int64
	// Fail, when set, answers every request with this status.
	Fail atomic.Int32
	// Seen receives every text embedded, when set (tests check masking).
	Seen func(text string)
	// Refuse, when set, makes a request holding a text that contains it
	// fail with 400, as providers refuse inputs they cannot take.
	Refuse string
}

// ServeHTTP answers POST /v1/embeddings, /embeddings and /api/embed.
func (e *Embedder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if st := e.Fail.Load(); st != 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(int(st))
		w.Write([]byte(`{"error":{"message":"failing on purpose","type":"server_error"}}`))
		return
	}
	var req struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad json"}}`, http.StatusBadRequest)
		return
	}
	var texts []string
	if err := json.Unmarshal(req.Input, &texts); err != nil {
		var one string
		if err := json.Unmarshal(req.Input, &one); err != nil {
			http.Error(w, `{"error":{"message":"input must be a string or an array of strings"}}`, http.StatusBadRequest)
			return
		}
		texts = []string{one}
	}
	e.Requests.Add(1)
	if e.Refuse != "" {
		for _, t := range texts {
			if strings.Contains(t, e.Refuse) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"error":{"message":"this input cannot be embedded","type":"invalid_request_error"}}`))
				return
			}
		}
	}
	e.Texts.Add(int64(len(texts)))
	vecs := make([][]float32, len(texts))
	for i, t := range texts {
		if e.Seen != nil {
			e.Seen(t)
		}
		vecs[i] = Vector(t, e.Dims)
	}
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/api/embed") {
		json.NewEncoder(w).Encode(map[string]any{"model": req.Model, "embeddings": vecs})
		return
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	data := make([]item, len(vecs))
	for i, v := range vecs {
		data[i] = item{Object: "embedding", Index: i, Embedding: v}
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": req.Model, "data": data,
		"usage": map[string]int{"prompt_tokens": len(texts), "total_tokens": len(texts)}})
}

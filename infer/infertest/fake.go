// Package infertest is a fake LLM for tests of fact extraction: an HTTP
// server speaking the documented chat APIs of OpenAI (POST
// /v1/chat/completions), Anthropic (POST /v1/messages) and Ollama (POST
// /api/chat), answering with canned facts for known inputs.
package infertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Key is the API key the fake wants (as a bearer token, or x-api-key for
// Anthropic); requests without it get a 401 like the real APIs'.
const Key = "sk-fake-llm-0123456789"

// Input is what the fake understood of one request.
type Input struct {
	Model string
	Text  string   // between <input> and </input>
	Known []string // the known facts listed in the prompt
	Chat  bool     // the prompt says the input is a conversation
	Retry bool     // the request follows an answer that was not JSON
	// ByNumber: the instructions ask for a contradicted known fact by its
	// number in the list (else by its text, copied).
	ByNumber bool
}

// Fake is a running fake LLM.
type Fake struct {
	Provider string
	srv      *httptest.Server
	answer   func(Input) string

	mu       sync.Mutex
	inputs   []Input
	fail     []int // statuses to answer with before answering properly
	requests int
}

// New starts a fake of provider (openai, anthropic or ollama) answering
// with answer, or Canned when nil. Close it when done.
func New(provider string, answer func(Input) string) *Fake {
	if answer == nil {
		answer = Canned
	}
	f := &Fake{Provider: provider, answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Close stops the server.
func (f *Fake) Close() { f.srv.Close() }

// BaseURL is the address to configure as llm.base_url: with /v1 for the
// OpenAI-compatible API, without for Anthropic and Ollama.
func (f *Fake) BaseURL() string {
	if f.Provider == "openai" {
		return f.srv.URL + "/v1"
	}
	return f.srv.URL
}

// FailNext makes the next requests fail with these statuses, in order
// (429 with Retry-After: 0, others with the provider's error body).
func (f *Fake) FailNext(status ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, status...)
}

// Inputs returns what each answered request asked.
func (f *Fake) Inputs() []Input {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Input(nil), f.inputs...)
}

// Requests counts every request, failed ones included.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	path := map[string]string{"openai": "/v1/chat/completions", "anthropic": "/v1/messages", "ollama": "/api/chat"}[f.Provider]
	if r.Method != http.MethodPost || r.URL.Path != path {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":"404 page not found"}`)
		return
	}
	auth := r.Header.Get("Authorization") == "Bearer "+Key
	if f.Provider == "anthropic" {
		auth = r.Header.Get("x-api-key") == Key && r.Header.Get("anthropic-version") != ""
	}
	if !auth {
		f.error(w, http.StatusUnauthorized, "invalid api key")
		return
	}
	f.mu.Lock()
	var status int
	if len(f.fail) > 0 {
		status, f.fail = f.fail[0], f.fail[1:]
	}
	f.mu.Unlock()
	if status != 0 {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
		}
		f.error(w, status, http.StatusText(status))
		return
	}
	var req struct {
		Model    string    `json:"model"`
		System   string    `json:"system"`
		Messages []message `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
		f.error(w, http.StatusBadRequest, "cannot read the request")
		return
	}
	in := Input{Model: req.Model}
	system := req.System
	for i, m := range req.Messages {
		if m.Role == "system" {
			system += m.Content
		}
		if m.Role == "user" && i == firstUser(req.Messages) {
			in.Text, in.Known, in.Chat = parsePrompt(m.Content)
		}
	}
	in.ByNumber = strings.Contains(system, "known fact's number")
	in.Retry = req.Messages[len(req.Messages)-1].Role == "user" && firstUser(req.Messages) != len(req.Messages)-1
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	f.mu.Unlock()
	text := f.answer(in)
	w.Header().Set("Content-Type", "application/json")
	var body any
	switch f.Provider {
	case "openai":
		body = map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": text}, "finish_reason": "stop"}}}
	case "anthropic":
		body = map[string]any{"id": "msg_1", "type": "message", "role": "assistant", "model": req.Model,
			"content": []any{map[string]any{"type": "text", "text": text}}, "stop_reason": "end_turn"}
	case "ollama":
		body = map[string]any{"model": req.Model, "message": map[string]any{"role": "assistant", "content": text}, "done": true}
	}
	json.NewEncoder(w).Encode(body)
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func firstUser(msgs []message) int {
	for i, m := range msgs {
		if m.Role == "user" {
			return i
		}
	}
	return -1
}

func (f *Fake) error(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if f.Provider == "ollama" {
		fmt.Fprintf(w, `{"error":%q}`, msg)
		return
	}
	fmt.Fprintf(w, `{"type":"error","error":{"type":"api_error","message":%q}}`, msg)
}

// parsePrompt reads the user message infer.Prompt builds.
func parsePrompt(p string) (text string, known []string, chat bool) {
	head, rest, _ := strings.Cut(p, "<input>\n")
	text, _, _ = strings.Cut(rest, "\n</input>")
	chat = strings.Contains(head, "is a conversation")
	for _, line := range strings.Split(head, "\n") {
		if n, k, ok := strings.Cut(line, ". "); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			known = append(known, k)
		}
	}
	return text, known, chat
}

// Canned answers as recorded from a model for the inputs the tests use:
// each phrase found in the input adds its facts. "Bob took over billing"
// contradicts "Ana owns the billing service" when that is known, and "we
// rotated the deploy token" any known fact starting "The deploy token is";
// the contradicted fact is given by its number in the list, or its text
// as shown when the instructions ask for that (Input.ByNumber). Input
// holding "garbage" gets prose instead of JSON. Fenced dresses answers the
// way chatty models write them.
func Canned(in Input) string {
	if strings.Contains(in.Text, "garbage") {
		return "I'm sorry, but I can't find any facts worth remembering here."
	}
	type fact struct {
		Text        string `json:"text"`
		Contradicts any    `json:"contradicts,omitempty"` // a number, or a known fact's text
	}
	contradicting := func(text string, known func(string) bool) fact {
		f := fact{Text: text}
		for i, k := range in.Known {
			if known(k) {
				f.Contradicts = k
				if in.ByNumber {
					f.Contradicts = i + 1
				}
			}
		}
		return f
	}
	facts := []fact{}
	for _, c := range []struct{ phrase, fact string }{
		{"Ana owns billing", "Ana owns the billing service"},
		{"deploy billing with make publish", "The billing service is deployed with `make publish`."},
		{"pg-staging-2", "The staging database is pg-staging-2, port 6432"},
		{"tabs over spaces", "The user prefers tabs over spaces"},
		{"Go 1.26", "The project uses Go 1.26"},
	} {
		if strings.Contains(in.Text, c.phrase) {
			facts = append(facts, fact{Text: c.fact})
		}
	}
	if strings.Contains(in.Text, "Bob took over billing") {
		facts = append(facts, contradicting("Bob owns the billing service",
			func(k string) bool { return k == "Ana owns the billing service" }))
	}
	if strings.Contains(in.Text, "we rotated the deploy token") {
		facts = append(facts, contradicting("The deploy token is kept in Vault",
			func(k string) bool { return strings.HasPrefix(k, "The deploy token is ") }))
	}
	b, _ := json.Marshal(map[string]any{"facts": facts})
	return string(b)
}

// Fenced wraps an answer in a code fence with a line of prose before it and
// a trailing comma inside, the way chatty models answer.
func Fenced(answer func(Input) string) func(Input) string {
	return func(in Input) string {
		a := answer(in)
		if strings.HasSuffix(a, "]}") && !strings.HasSuffix(a, "[]}") {
			a = strings.TrimSuffix(a, "]}") + ",]}"
		}
		return "Here are the facts:\n```json\n" + a + "\n```\n"
	}
}

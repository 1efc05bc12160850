package ai

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "sk-test-0123456789abcdef"

// provider describes one API's wire format as its documentation gives it.
type provider struct {
	name      string
	chatPath  string
	embedPath string // "" when the provider has no embeddings
	chatOK    string
	embedOK   string
	noModel   func(model string) (int, string)
	authBody  string // echoes the key, as some APIs do, to prove it is scrubbed
	checkAuth func(*http.Request) bool
	new       func(Config) Chatter
}

func providers() []provider {
	bearer := func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+testKey }
	return []provider{
		{
			name: OpenAI, chatPath: "/v1/chat/completions", embedPath: "/v1/embeddings",
			chatOK:  `{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"pong"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}`,
			embedOK: `{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,0.25]},{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}`,
			noModel: func(m string) (int, string) {
				return 404, `{"error":{"message":"The model ` + "`" + m + "`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`
			},
			authBody:  `{"error":{"message":"Incorrect API key provided: ` + testKey + `.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
			checkAuth: bearer,
			new:       func(c Config) Chatter { c.BaseURL += "/v1"; return NewOpenAI(c) },
		},
		{
			name: Ollama, chatPath: "/api/chat", embedPath: "/api/embed",
			chatOK:  `{"model":"m","created_at":"2026-11-28T12:00:00Z","message":{"role":"assistant","content":"pong"},"done":true,"done_reason":"stop"}`,
			embedOK: `{"model":"m","embeddings":[[0.1,0.2],[0.5,0.25]]}`,
			noModel: func(m string) (int, string) {
				return 404, `{"error":"model \"` + m + `\" not found, try pulling it first"}`
			},
			authBody:  `{"error":"unauthorized: ` + testKey + `"}`,
			checkAuth: bearer,
			new:       func(c Config) Chatter { return NewOllama(c) },
		},
		{
			name: Anthropic, chatPath: "/v1/messages",
			chatOK: `{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"pong"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":1}}`,
			noModel: func(m string) (int, string) {
				return 404, `{"type":"error","error":{"type":"not_found_error","message":"model: ` + m + `"}}`
			},
			authBody: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`,
			checkAuth: func(r *http.Request) bool {
				return r.Header.Get("x-api-key") == testKey && r.Header.Get("anthropic-version") == anthropicVersion
			},
			new: func(c Config) Chatter { return NewAnthropic(c) },
		},
	}
}

func fastConfig(url string) Config {
	return Config{BaseURL: url, Model: "m", APIKey: testKey, Timeout: 2 * time.Second, BaseDelay: time.Millisecond, MaxRetries: 2}
}

func hello() []Message {
	return []Message{{Role: "system", Content: "be brief"}, {Role: "user", Content: "ping"}}
}

func TestChatSuccessSpeaksTheWireFormat(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			var got map[string]any
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != p.chatPath || !p.checkAuth(r) || r.Header.Get("Content-Type") != "application/json" {
					t.Errorf("%s %s, headers %v", r.Method, r.URL.Path, r.Header)
				}
				b, _ := io.ReadAll(r.Body)
				_ = json.Unmarshal(b, &got)
				io.WriteString(w, p.chatOK)
			}))
			defer ts.Close()
			out, err := p.new(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{MaxTokens: 1})
			if err != nil || out != "pong" {
				t.Fatalf("chat: %q %v", out, err)
			}
			if got["model"] != "m" {
				t.Errorf("model: %v", got["model"])
			}
			msgs, _ := got["messages"].([]any)
			switch p.name {
			case Anthropic:
				if got["system"] != "be brief" || len(msgs) != 1 || got["max_tokens"] != 1.0 {
					t.Errorf("anthropic request: %v", got)
				}
			case Ollama:
				opts, _ := got["options"].(map[string]any)
				if got["stream"] != false || len(msgs) != 2 || opts["num_predict"] != 1.0 {
					t.Errorf("ollama request: %v", got)
				}
			case OpenAI:
				if len(msgs) != 2 || got["max_tokens"] != 1.0 {
					t.Errorf("openai request: %v", got)
				}
			}
		})
	}
}

func TestEmbedSuccess(t *testing.T) {
	for _, p := range providers() {
		if p.embedPath == "" {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var in struct {
					Model string   `json:"model"`
					Input []string `json:"input"`
				}
				_ = json.NewDecoder(r.Body).Decode(&in)
				if r.URL.Path != p.embedPath || !p.checkAuth(r) || in.Model != "m" || len(in.Input) != 2 {
					t.Errorf("%s %+v", r.URL.Path, in)
				}
				io.WriteString(w, p.embedOK)
			}))
			defer ts.Close()
			vecs, err := p.new(fastConfig(ts.URL)).(Embedder).Embed(context.Background(), []string{"a", "b"})
			if err != nil || len(vecs) != 2 || vecs[0][0] != 0.1 || vecs[1][1] != 0.25 {
				t.Fatalf("embed: %v %v", vecs, err)
			}
		})
	}
	if _, ok := Chatter(NewAnthropic(Config{})).(Embedder); ok {
		t.Error("Anthropic has no embeddings API")
	}
}

// errorServer answers each request with the next of answers (the last
// one repeats) and counts requests.
func errorServer(t *testing.T, answers ...func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w)
	}))
	t.Cleanup(ts.Close)
	return ts, &n
}

func answer(status int, body string, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func checkErr(t *testing.T, err error, kind error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, kind) {
		t.Fatalf("got %v, want %v", err, kind)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Fatalf("the key is in the error: %v", err)
	}
	return e
}

func TestBadKey(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			ts, n := errorServer(t, answer(401, p.authBody))
			_, err := p.new(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{})
			checkErr(t, err, ErrAuth)
			if n.Load() != 1 {
				t.Errorf("a refused key was retried: %d requests", n.Load())
			}
		})
	}
}

func TestUnknownModel(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			ts, _ := errorServer(t, answer(p.noModel("no-such-model")))
			cfg := fastConfig(ts.URL)
			cfg.Model = "no-such-model"
			_, err := p.new(cfg).Chat(context.Background(), hello(), ChatOptions{})
			e := checkErr(t, err, ErrModelNotFound)
			if !strings.Contains(e.Error(), "no-such-model") {
				t.Errorf("the error does not name the model: %v", e)
			}
		})
	}
	// A 404 that is not about a model is a wrong base URL.
	ts, _ := errorServer(t, answer(404, "404 page not found"))
	_, err := NewOpenAI(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{})
	checkErr(t, err, ErrNotFound)
}

func TestRateLimitedThenSuccessHonoursRetryAfter(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			ts, n := errorServer(t,
				answer(429, `{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}`, "Retry-After", "1"),
				answer(200, p.chatOK))
			start := time.Now()
			out, err := p.new(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{})
			if err != nil || out != "pong" {
				t.Fatalf("chat: %q %v", out, err)
			}
			if n.Load() != 2 {
				t.Errorf("%d requests, want 2", n.Load())
			}
			if d := time.Since(start); d < 900*time.Millisecond {
				t.Errorf("Retry-After: 1 not honoured: retried after %s", d)
			}
		})
	}
}

func TestRateLimitedAfterRetries(t *testing.T) {
	ts, n := errorServer(t, answer(429, `{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}`))
	_, err := NewOpenAI(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{})
	e := checkErr(t, err, ErrRateLimited)
	if n.Load() != 3 || e.Attempts != 3 {
		t.Errorf("%d requests, %d attempts; want 3", n.Load(), e.Attempts)
	}
	// A Retry-After longer than MaxDelay is not waited for.
	ts, n = errorServer(t, answer(429, `{}`, "Retry-After", "3600"))
	start := time.Now()
	_, err = NewOllama(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{})
	e = checkErr(t, err, ErrRateLimited)
	if n.Load() != 1 || e.RetryAfter != time.Hour || time.Since(start) > time.Second {
		t.Errorf("%d requests, retry after %s", n.Load(), e.RetryAfter)
	}
}

func TestServerErrorRetriesExhausted(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			ts, n := errorServer(t, answer(500, `{"error":{"message":"internal error","type":"api_error"}}`))
			_, err := p.new(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{})
			e := checkErr(t, err, ErrServer)
			if n.Load() != 3 || e.Status != 500 || !strings.Contains(e.Error(), "after 3 attempts") {
				t.Errorf("%d requests: %v", n.Load(), e)
			}
		})
	}
	// 5xx then success: retried.
	ts, n := errorServer(t, answer(503, `overloaded`), answer(529, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`), answer(200, providers()[2].chatOK))
	out, err := NewAnthropic(fastConfig(ts.URL)).Chat(context.Background(), hello(), ChatOptions{})
	if err != nil || out != "pong" || n.Load() != 3 {
		t.Fatalf("%q %v after %d requests", out, err, n.Load())
	}
}

func TestTimeout(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			release := make(chan struct{})
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			defer ts.Close()
			defer close(release)
			cfg := fastConfig(ts.URL)
			cfg.Timeout = 100 * time.Millisecond
			start := time.Now()
			_, err := p.new(cfg).Chat(context.Background(), hello(), ChatOptions{})
			checkErr(t, err, ErrTimeout)
			if time.Since(start) > 2*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			_, err := p.new(fastConfig(url)).Chat(context.Background(), hello(), ChatOptions{})
			e := checkErr(t, err, ErrUnreachable)
			if !strings.HasPrefix(e.Host, "http://127.0.0.1:") {
				t.Errorf("host: %q", e.Host)
			}
		})
	}
}

func TestCancelledIsNotAProviderError(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := NewOpenAI(fastConfig(ts.URL)).Chat(ctx, hello(), ChatOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/store"
)

const cannedSummary = "- Ran `make test`: it failed (exit 2) on TestSync.\n- Fixed the race in sync and `make test` passed."

// fakeLLM speaks the chat APIs of OpenAI (/v1/chat/completions),
// Anthropic (/v1/messages) and Ollama (/api/chat) with a canned summary,
// wanting aiTestKey; it keeps the request bodies it was sent.
type fakeLLM struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newFakeLLM(t *testing.T) *fakeLLM {
	fl := &fakeLLM{}
	fl.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fl.mu.Lock()
		fl.bodies = append(fl.bodies, string(b))
		fl.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		answer, _ := json.Marshal(cannedSummary)
		switch r.URL.Path {
		case "/v1/chat/completions", "/api/chat":
			if r.Header.Get("Authorization") != "Bearer "+aiTestKey {
				w.WriteHeader(401)
				io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`)
				return
			}
			if r.URL.Path == "/api/chat" {
				io.WriteString(w, `{"model":"m","created_at":"2026-11-28T12:00:00Z","message":{"role":"assistant","content":`+string(answer)+`},"done":true}`)
				return
			}
			io.WriteString(w, `{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":`+string(answer)+`},"finish_reason":"stop"}]}`)
		case "/v1/messages":
			if r.Header.Get("x-api-key") != aiTestKey || r.Header.Get("anthropic-version") == "" {
				w.WriteHeader(401)
				io.WriteString(w, `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`)
				return
			}
			io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":`+string(answer)+`}],"stop_reason":"end_turn"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(fl.Close)
	return fl
}

func (fl *fakeLLM) requests() []string {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return append([]string(nil), fl.bodies...)
}

// useLLM configures provider at fl for tf.
func useLLM(t *testing.T, tf *testFactory, fl *fakeLLM, provider string) {
	t.Setenv("MEM0_LLM_PROVIDER", provider)
	base := fl.URL
	if provider == ai.OpenAI {
		base += "/v1"
	}
	t.Setenv("MEM0_LLM_BASE_URL", base)
	t.Setenv("MEM0_LLM_MODEL", "test-model")
	tf.env["MEM0_LLM_API_KEY"] = aiTestKey
}

// seedRecording stores a short recorded session in the context rec, a
// minute or more apart; the notes hold secrets the shell never saw.
func seedRecording(t *testing.T, tf *testFactory) {
	t.Helper()
	clock := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	tf.Now = func() time.Time { return clock }
	ctx := context.Background()
	s, err := tf.Store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cmd := func(text string, exit int, ms int) store.NewMemory {
		return store.NewMemory{Context: "rec", Kind: "command", Content: text, Source: "shell", AllowDuplicate: true,
			Metadata: map[string]any{"exit": exit, "duration_ms": ms, "cwd": "/src/api", "git_branch": "fix-login", "shell": "bash"}}
	}
	for _, m := range []store.NewMemory{
		cmd("make test", 2, 12300),
		{Context: "rec", Kind: "note", Content: "the flaky test is TestSync; the fixture uses password=hunter2"},
		{Context: "rec", Kind: "note", Content: "CI key AKIAIOSFODNN7EXAMPLE rotated"},
		cmd("go test ./sync -run TestSync", 1, 4100),
		cmd("git commit -am 'sync: fix the race'", 0, 300),
		cmd("make test", 0, 8000),
	} {
		if err := s.WithTx(ctx, func(tx *store.Tx) error { _, _, err := tx.AddMemory(ctx, m); return err }); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(2 * time.Minute)
	}
	tf.Now = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
}

// summaries lists the stored summaries of rec.
func summaries(t *testing.T, tf *testFactory) []*store.Memory {
	t.Helper()
	var ms []*store.Memory
	if err := json.Unmarshal([]byte(tf.mustRun(t, "list", "-c", "rec", "--tag", "summary", "--json")), &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

// Layer 1: flags and arguments to options.

func TestContextSummarizeFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *ContextSummarizeOptions
	cmd := NewCmdContextSummarize(tf.Factory, func(_ context.Context, o *ContextSummarizeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"incident-42", "--since", "2h", "--until", "today", "--last", "50", "--dry-run", "--force", "--explain", "--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Name != "incident-42" || got.Since != "2h" || got.Until != "today" || got.Last != 50 || !got.DryRun || !got.Force || !got.Explain || !got.JSON {
		t.Fatalf("%+v", got)
	}
	for _, args := range [][]string{{"a", "b"}, {"--last", "-1"}, {"--since", "soon"}, {"--key", "x"}} {
		cmd = NewCmdContextSummarize(tf.Factory, func(context.Context, *ContextSummarizeOptions) error { t.Errorf("%v ran", args); return nil })
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if code := tf.run(t, "context", "summarize", "a", "b"); code != ExitUsage {
		t.Errorf("two names: exit %d", code)
	}
}

// Layer 2: behaviour, with each provider's client and the terminal on and off.

func TestContextSummarizeWithEachProvider(t *testing.T) {
	fl := newFakeLLM(t)
	for _, provider := range []string{ai.OpenAI, ai.Anthropic, ai.Ollama} {
		for _, tty := range []bool{false, true} {
			tf := newTestFactory(t, tty)
			useLLM(t, tf, fl, provider)
			seedRecording(t, tf)
			before := len(fl.requests())
			out := tf.mustRun(t, "context", "summarize", "rec")
			if out != cannedSummary+"\n" {
				t.Fatalf("%s tty=%v: stdout %q", provider, tty, out)
			}
			if !strings.Contains(tf.errOut.String(), "Stored in rec as ") {
				t.Errorf("%s: stderr %q", provider, tf.errOut)
			}
			reqs := fl.requests()[before:]
			if len(reqs) != 1 {
				t.Fatalf("%s: %d requests", provider, len(reqs))
			}
			var req map[string]any
			if err := json.Unmarshal([]byte(reqs[0]), &req); err != nil {
				t.Fatal(err)
			}
			sent := reqs[0]
			for _, want := range []string{
				`in /src/api (branch fix-login)`,
				`09:00 $ make test  [exit 2, 12.3s]`,
				`09:06 $ go test ./sync -run TestSync  [exit 1, 4.1s]`,
				`09:10 $ make test  [ok, 8.0s]`,
				`09:02 note: the flaky test is TestSync`,
				`[REDACTED]`,
			} {
				if !strings.Contains(req["messages"].([]any)[len(req["messages"].([]any))-1].(map[string]any)["content"].(string), want) {
					t.Errorf("%s: the transcript lacks %q:\n%s", provider, want, sent)
				}
			}
			if strings.Contains(sent, "hunter2") || strings.Contains(sent, "AKIAIOSFODNN7EXAMPLE") {
				t.Errorf("%s: a secret was sent:\n%s", provider, sent)
			}
			if req["model"] != "test-model" {
				t.Errorf("%s: model %v", provider, req["model"])
			}

			ms := summaries(t, tf)
			if len(ms) != 1 {
				t.Fatalf("%s: %d summaries", provider, len(ms))
			}
			m := ms[0]
			if m.Kind != "note" || m.Source != "llm" || m.Content != cannedSummary || m.Metadata["model"] != "test-model" ||
				m.Metadata["provider"] != provider || m.Metadata["items"] != 6.0 || m.Metadata["from"] != "2026-11-28T09:00:00Z" ||
				m.Metadata["to"] != "2026-11-28T09:10:00Z" || m.Metadata["from_id"] == "" || m.Metadata["to_id"] == m.Metadata["from_id"] {
				t.Errorf("%s: stored %+v", provider, m)
			}

			// The same range again: the stored summary, nothing sent.
			out = tf.mustRun(t, "context", "summarize", "rec")
			if out != cannedSummary+"\n" || !strings.Contains(tf.errOut.String(), "Already summarised as "+m.ID) {
				t.Errorf("%s: again: %q %q", provider, out, tf.errOut)
			}
			if n := len(fl.requests()) - before; n != 1 || len(summaries(t, tf)) != 1 {
				t.Errorf("%s: again: %d requests", provider, n)
			}
			// The request is in the AI log.
			var logged []ai.Sent
			if err := json.Unmarshal([]byte(tf.mustRun(t, "ai", "log", "--json")), &logged); err != nil || len(logged) != 1 {
				t.Fatalf("%s: ai log: %v %v", provider, logged, err)
			}
			if l := logged[0]; l.Purpose != "summarize" || l.Provider != provider || l.Masked != 2 || l.Items != 2 || l.Error != "" ||
				strings.Contains(strings.Join(l.Texts, ""), "hunter2") {
				t.Errorf("%s: logged %+v", provider, l)
			}
		}
	}
}

func TestContextSummarizeDryRunExplainJSON(t *testing.T) {
	fl := newFakeLLM(t)
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		useLLM(t, tf, fl, ai.OpenAI)
		seedRecording(t, tf)
		tf.mustRun(t, "context", "use", "rec")
		out := tf.mustRun(t, "context", "summarize", "--dry-run", "--json", "--explain", "--last", "2")
		var res summaryResult
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if res.ID != "" || res.Stored || res.Summary != cannedSummary || res.Items != 2 || res.LeftOut || res.Context != "rec" ||
			res.Model != "test-model" || !res.From.Equal(time.Date(2026, 11, 28, 9, 8, 0, 0, time.UTC)) {
			t.Errorf("tty=%v: %+v", tty, res)
		}
		errOut := tf.errOut.String()
		if !strings.Contains(errOut, "sent to "+strings.ToLower(fl.URL)+" (openai, test-model) for summarize: 2 texts, ") ||
			!strings.Contains(errOut, "0 secrets masked") || !strings.Contains(errOut, "  [2] <transcript>") ||
			!strings.Contains(errOut, "git commit -am") {
			t.Errorf("tty=%v: --explain:\n%s", tty, errOut)
		}
		if len(summaries(t, tf)) != 0 {
			t.Errorf("--dry-run stored a summary")
		}
		// Text output of a dry run.
		out = tf.mustRun(t, "context", "summarize", "--dry-run")
		if out != cannedSummary+"\n" || !strings.Contains(tf.errOut.String(), "Not stored (--dry-run)") || len(summaries(t, tf)) != 0 {
			t.Errorf("tty=%v: %q %q", tty, out, tf.errOut)
		}
	}
}

func TestContextSummarizeStoresNothingOnFailure(t *testing.T) {
	fl := newFakeLLM(t)
	for _, tty := range []bool{false, true} {
		// No LLM configured.
		tf := newTestFactory(t, tty)
		seedRecording(t, tf)
		t.Setenv("MEM0_LLM_PROVIDER", "")
		code := tf.run(t, "context", "summarize", "rec", "--explain")
		if code != ExitError || !strings.Contains(tf.errOut.String(), "no LLM is configured") || !strings.Contains(tf.errOut.String(), "Nothing was sent") {
			t.Errorf("no LLM: exit %d %q", code, tf.errOut)
		}
		if len(summaries(t, tf)) != 0 {
			t.Error("no LLM: stored")
		}
		tf.mustRun(t, "ai", "log")
		if !strings.Contains(tf.errOut.String(), "Nothing has been sent") {
			t.Errorf("no LLM: ai log %q", tf.errOut)
		}

		// A refused key: the provider's error and its fix, nothing stored.
		useLLM(t, tf, fl, ai.OpenAI)
		tf.env["MEM0_LLM_API_KEY"] = "sk-wrong-key-0000000000"
		code = tf.run(t, "context", "summarize", "rec")
		errOut := tf.errOut.String()
		if code != ExitError || !strings.Contains(errOut, "API key was refused") || !strings.Contains(errOut, "MEM0_LLM_API_KEY") ||
			!strings.Contains(errOut, "nothing was stored") || strings.Contains(errOut, "sk-wrong") || tf.out.Len() != 0 {
			t.Errorf("401: exit %d %q", code, errOut)
		}
		if len(summaries(t, tf)) != 0 {
			t.Error("401: stored")
		}
		var logged []ai.Sent
		_ = json.Unmarshal([]byte(tf.mustRun(t, "ai", "log", "--json")), &logged)
		if len(logged) != 1 || !strings.Contains(logged[0].Error, "API key was refused") {
			t.Errorf("401: logged %+v", logged)
		}

		// An empty context: nothing sent.
		tf.env["MEM0_LLM_API_KEY"] = aiTestKey
		tf.mustRun(t, "context", "create", "empty")
		before := len(fl.requests())
		code = tf.run(t, "context", "summarize", "empty")
		if code != ExitError || !strings.Contains(tf.errOut.String(), "holds no commands or notes") || len(fl.requests()) != before {
			t.Errorf("empty: exit %d %q", code, tf.errOut)
		}
		// A range with nothing in it, and a context that does not exist.
		if code = tf.run(t, "context", "summarize", "rec", "--since", "1h"); code != ExitError || !strings.Contains(tf.errOut.String(), "in that time range") {
			t.Errorf("empty range: exit %d %q", code, tf.errOut)
		}
		if code = tf.run(t, "context", "summarize", "nope"); code == ExitOK || len(fl.requests()) != before {
			t.Errorf("missing context: exit %d %q", code, tf.errOut)
		}
	}
}

func TestContextSummarizeSaysWhatWasLeftOut(t *testing.T) {
	saved := summaryLimits
	summaryLimits.MaxItems = 4
	t.Cleanup(func() { summaryLimits = saved })
	fl := newFakeLLM(t)
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		useLLM(t, tf, fl, ai.Ollama)
		seedRecording(t, tf)
		tf.mustRun(t, "context", "summarize", "rec")
		if !strings.Contains(tf.errOut.String(), "Summarising the newest 4 memories of rec; older ones are left out") {
			t.Errorf("tty=%v: %q", tty, tf.errOut)
		}
		ms := summaries(t, tf)
		if len(ms) != 1 || ms[0].Metadata["items"] != 4.0 || ms[0].Metadata["left_out"] != true || ms[0].Metadata["from"] != "2026-11-28T09:04:00Z" {
			t.Errorf("tty=%v: %+v", tty, ms)
		}
		// --last chooses fewer on purpose: nothing to warn about.
		tf.mustRun(t, "context", "summarize", "rec", "--last", "2", "--dry-run")
		if strings.Contains(tf.errOut.String(), "left out") {
			t.Errorf("tty=%v: --last: %q", tty, tf.errOut)
		}
	}
}

func TestContextSummarizeALongKeyHidesNothingElse(t *testing.T) {
	fl := newFakeLLM(t)
	tf := newTestFactory(t, false)
	useLLM(t, tf, fl, ai.OpenAI)
	clock := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	tf.Now = func() time.Time { return clock }
	ctx := context.Background()
	s, err := tf.Store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for i := range 45 {
		body = append(body, fmt.Sprintf("b3Bl%02d", i)+strings.Repeat(string(rune('a'+i%26)), 60))
	}
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\n" + strings.Join(body, "\n") + "\n-----END OPENSSH PRIVATE KEY-----"
	for _, m := range []store.NewMemory{
		{Context: "rec", Kind: "note", Content: "the deploy key:\n" + key},
		{Context: "rec", Kind: "command", Content: "ssh-add ~/.ssh/deploy", Source: "shell", Metadata: map[string]any{"exit": 0}},
		{Context: "rec", Kind: "command", Content: "make deploy", Source: "shell", Metadata: map[string]any{"exit": 0}},
	} {
		if err := s.WithTx(ctx, func(tx *store.Tx) error { _, _, err := tx.AddMemory(ctx, m); return err }); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Minute)
	}
	tf.mustRun(t, "context", "summarize", "rec", "--dry-run", "--explain")
	reqs := fl.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, cmd := range []string{"ssh-add ~/.ssh/deploy", "make deploy"} {
		if !strings.Contains(reqs[0], cmd) {
			t.Errorf("the command %q was not sent:\n%s", cmd, reqs[0])
		}
	}
	for _, line := range body {
		if strings.Contains(reqs[0], line) {
			t.Fatalf("a line of the key was sent: %q", line)
		}
	}
	if e := tf.errOut.String(); !strings.Contains(e, "1 secret masked in long memories") {
		t.Errorf("--explain:\n%s", e)
	}
}

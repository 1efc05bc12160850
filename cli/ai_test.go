package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const aiTestKey = "sk-cli-test-9876543210"

// fakeAI speaks OpenAI's /v1/chat/completions and /v1/embeddings and
// Ollama's /api/embed; it wants aiTestKey as a bearer token.
func fakeAI(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+aiTestKey {
			w.WriteHeader(401)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided: `+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+`","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		switch r.URL.Path {
		case "/v1/chat/completions":
			io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"p"},"finish_reason":"length"}]}`)
		case "/v1/embeddings":
			io.WriteString(w, `{"data":[{"index":0,"embedding":[0.1,0.2]}]}`)
		case "/api/embed":
			io.WriteString(w, `{"embeddings":[[0.1,0.2]]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

// Layer 1: flags and arguments to options.

func TestAICommandsFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var doc *AIDoctorOptions
	cmd := NewCmdAIDoctor(tf.Factory, func(_ context.Context, o *AIDoctorOptions) error { doc = o; return nil })
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil || !doc.JSON {
		t.Fatalf("doctor: %v %+v", err, doc)
	}
	var key *AIKeyOptions
	cmd = NewCmdAIKeySet(tf.Factory, func(_ context.Context, o *AIKeyOptions) error { key = o; return nil })
	cmd.SetArgs([]string{"openai", "--base-url", "http://localhost:1234/v1"})
	if err := cmd.Execute(); err != nil || key.Provider != "openai" || key.BaseURL != "http://localhost:1234/v1" {
		t.Fatalf("key set: %v %+v", err, key)
	}
	for _, args := range [][]string{{"gemini"}, {}, {"openai", "--base-url", "ftp://x"}} {
		cmd = NewCmdAIKeyRm(tf.Factory, func(context.Context, *AIKeyOptions) error { return nil })
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); ExitCode(err) != ExitUsage {
			t.Errorf("key rm %v: %v", args, err)
		}
	}
	// No key from a flag.
	if code := tf.run(t, "ai", "key", "set", "openai", "--key", "x"); code != ExitUsage {
		t.Errorf("--key accepted: exit %d", code)
	}
}

// Layer 2: behaviour, with the terminal on and off.

func TestAIDoctorNothingConfigured(t *testing.T) {
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		out := tf.mustRun(t, "ai", "doctor")
		if !strings.Contains(out, "llm") || !strings.Contains(out, "off") || !strings.Contains(out, "nothing is sent") {
			t.Errorf("tty=%v:\n%s", tty, out)
		}
		if tty == strings.Contains(out, "\t") {
			t.Errorf("tty=%v: wrong table form:\n%s", tty, out)
		}
	}
}

func TestAIDoctorChecksEachProvider(t *testing.T) {
	useKeyring(t, &memKeyring{})
	ts := fakeAI(t)
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		t.Setenv("MEM0_LLM_PROVIDER", "openai")
		t.Setenv("MEM0_LLM_BASE_URL", ts.URL+"/v1")
		t.Setenv("MEM0_EMBEDDER_PROVIDER", "ollama")
		t.Setenv("MEM0_EMBEDDER_BASE_URL", ts.URL)
		tf.env["MEM0_LLM_API_KEY"] = aiTestKey
		tf.env["MEM0_EMBEDDER_API_KEY"] = aiTestKey
		tf.env["OPENAI_API_KEY"] = "sk-must-not-be-sent-elsewhere"
		out := tf.mustRun(t, "ai", "doctor", "--json")
		var checks []aiCheck
		if err := json.Unmarshal([]byte(out), &checks); err != nil || len(checks) != 2 {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, c := range checks {
			if c.Status != "ok" || c.LatencyMS <= 0 || !strings.HasPrefix(c.Key, "env MEM0_") {
				t.Errorf("%+v", c)
			}
		}
		if checks[0].Model != "gpt-4o-mini" || checks[1].Model != "nomic-embed-text" {
			t.Errorf("default models: %+v", checks)
		}
		out = tf.mustRun(t, "ai", "doctor")
		if !strings.Contains(out, "answered in") || strings.Contains(out, aiTestKey) {
			t.Errorf("tty=%v:\n%s", tty, out)
		}

		// A wrong key: exit 1, the fix named, the key nowhere.
		tf.env["MEM0_LLM_API_KEY"] = "sk-wrong-key-123456"
		code := tf.run(t, "ai", "doctor", "--json")
		all := tf.out.String() + tf.errOut.String()
		if code != ExitError || !strings.Contains(all, "API key was refused") || !strings.Contains(all, "MEM0_LLM_API_KEY") {
			t.Errorf("wrong key: exit %d\n%s", code, all)
		}
		if strings.Contains(all, "sk-wrong-key-123456") || strings.Contains(all, "sk-must-not") {
			t.Errorf("a key was printed:\n%s", all)
		}
	}
}

func TestAIDoctorNoKeyForAHostedAPI(t *testing.T) {
	useKeyring(t, &memKeyring{})
	tf := newTestFactory(t, false)
	t.Setenv("MEM0_LLM_PROVIDER", "anthropic")
	code := tf.run(t, "ai", "doctor", "--json")
	var checks []aiCheck
	_ = json.Unmarshal(tf.out.Bytes(), &checks)
	if code != ExitError || len(checks) != 2 || checks[0].Problem != "no API key" || !strings.Contains(checks[0].Fix, "ANTHROPIC_API_KEY") {
		t.Fatalf("exit %d: %+v", code, checks)
	}
}

func TestAIKeySetAndRm(t *testing.T) {
	for _, tty := range []bool{false, true} {
		kr := useKeyring(t, &memKeyring{})
		ts := fakeAI(t)
		tf := newTestFactory(t, tty)
		t.Setenv("MEM0_LLM_PROVIDER", "openai")
		t.Setenv("MEM0_LLM_BASE_URL", ts.URL+"/v1")
		tf.in.WriteString(aiTestKey + "\n")
		tf.mustRun(t, "ai", "key", "set", "openai")
		if !strings.Contains(tf.errOut.String(), "Saved the openai key for "+ts.URL) {
			t.Errorf("set: %s", tf.errOut)
		}
		if v := kr.m["mem0/ai/openai@"+ts.URL]; !strings.Contains(v, aiTestKey) {
			t.Fatalf("keyring: %v", kr.m)
		}
		out := tf.mustRun(t, "ai", "doctor", "--json")
		if !strings.Contains(out, `"key": "keyring"`) || !strings.Contains(out, `"status": "ok"`) || strings.Contains(out, aiTestKey) {
			t.Errorf("doctor with the saved key:\n%s", out)
		}
		tf.mustRun(t, "ai", "key", "rm", "openai")
		if len(kr.m) != 0 {
			t.Errorf("rm left %v", kr.m)
		}
		// Without a key, the local endpoint refuses: reported, not hidden.
		if code := tf.run(t, "ai", "doctor", "--json"); code != ExitError || !strings.Contains(tf.out.String(), "no key was sent") {
			t.Errorf("exit %d\n%s", code, tf.out)
		}
	}
}

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/infer/infertest"
)

// Layer 1: flags to options, and the flags that do not go together.

func TestAddInferFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *AddOptions
	cmd := NewCmdAdd(tf.Factory, func(_ context.Context, o *AddOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--infer", "--dry-run", "--explain", "--json", "-t", "x", "some", "text"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Infer || !got.DryRun || !got.Explain || !got.JSON || strings.Join(got.Args, " ") != "some text" {
		t.Fatalf("options: %+v", got)
	}
	for _, args := range [][]string{
		{"--dry-run", "x"}, {"--explain", "x"}, {"--infer", "--kind", "snippet", "x"}, {"--infer", "--allow-duplicate", "x"},
	} {
		tf := newTestFactory(t, false)
		if code := tf.run(t, append([]string{"add"}, args...)...); code != ExitUsage {
			t.Errorf("add %v: exit %d, want %d\n%s", args, code, ExitUsage, tf.errOut)
		}
		if n := countMemories(t, tf, ""); n != 0 {
			t.Errorf("add %v stored %d memories", args, n)
		}
	}
}

// Layer 2: behaviour, against a fake provider.

// withLLM points the factory at a fake of provider with the fake's key.
func withLLM(t *testing.T, tf *testFactory, provider string, answer func(infertest.Input) string) *infertest.Fake {
	t.Helper()
	useKeyring(t, &memKeyring{})
	fk := infertest.New(provider, answer)
	t.Cleanup(fk.Close)
	t.Setenv("MEM0_LLM_PROVIDER", provider)
	t.Setenv("MEM0_LLM_BASE_URL", fk.BaseURL())
	t.Setenv("MEM0_LLM_MODEL", "fake-model")
	tf.env["MEM0_LLM_API_KEY"] = infertest.Key
	return fk
}

func countMemories(t *testing.T, tf *testFactory, kind string) int {
	t.Helper()
	args := []string{"list", "--json", "--all-contexts", "--limit", "1000"}
	if kind != "" {
		args = append(args, "--kind", kind)
	}
	if code := tf.run(t, args...); code != 0 {
		t.Fatalf("list: exit %d: %s", code, tf.errOut)
	}
	var ms []json.RawMessage
	if err := json.Unmarshal(tf.out.Bytes(), &ms); err != nil {
		t.Fatalf("list: %v\n%s", err, tf.out)
	}
	return len(ms)
}

func TestAddInferNoLLM(t *testing.T) {
	useKeyring(t, &memKeyring{})
	tf := newTestFactory(t, false)
	t.Setenv("MEM0_LLM_PROVIDER", "none")
	code := tf.run(t, "add", "--infer", "Ana owns billing")
	if code != ExitError || !strings.Contains(tf.errOut.String(), "no LLM is configured") ||
		!strings.Contains(tf.errOut.String(), "mem0 config set llm.provider") {
		t.Fatalf("exit %d: %s", code, tf.errOut)
	}
	if n := countMemories(t, tf, ""); n != 0 {
		t.Fatalf("%d memories stored without an LLM", n)
	}
}

func TestAddInferStoresFacts(t *testing.T) {
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		fk := withLLM(t, tf, "openai", nil)
		out := tf.mustRun(t, "add", "--infer", "-c", "work", "-t", "team", "Ana owns billing. To ship, deploy billing with make publish.")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 {
			t.Fatalf("tty=%v:\n%s", tty, out)
		}
		if tty {
			if !strings.HasPrefix(lines[0], "source ") || !strings.HasPrefix(lines[1], "+ ") || !strings.Contains(lines[1], "Ana owns the billing service") ||
				strings.Contains(out, "\t") {
				t.Fatalf("tty:\n%s", out)
			}
		} else if !strings.HasPrefix(lines[0], "source\t") || !strings.HasPrefix(lines[1], "stored\t") || !strings.HasSuffix(lines[1], "\tAna owns the billing service") {
			t.Fatalf("piped:\n%q", out)
		}
		if e := tf.errOut.String(); !strings.Contains(e, "Stored 2 facts from the text as note") || !strings.Contains(e, "Created context work") {
			t.Fatalf("stderr: %s", e)
		}
		if n := countMemories(t, tf, "fact"); n != 2 {
			t.Fatalf("%d facts", n)
		}
		if in := fk.Inputs(); len(in) != 1 || in[0].Model != "fake-model" {
			t.Fatalf("%+v", in)
		}

		// Again, as JSON: nothing new.
		out = tf.mustRun(t, "add", "--infer", "-c", "work", "--json", "Ana owns billing. To ship, deploy billing with make publish.")
		var res infer.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if res.Source == nil || !res.SourceDuplicate || res.Count(infer.Duplicate) != 2 || res.Facts[0].DuplicateOf == "" {
			t.Fatalf("%+v", res)
		}
		for _, field := range []string{`"source":`, `"source_duplicate": true`, `"facts":`, `"status": "duplicate"`, `"duplicate_of":`, `"dry_run": false`} {
			if !strings.Contains(out, field) {
				t.Errorf("--json lacks %s:\n%s", field, out)
			}
		}
		if n := countMemories(t, tf, ""); n != 3 {
			t.Fatalf("%d memories after the second run", n)
		}
		// The facts link to the note.
		out = tf.mustRun(t, "list", "--json", "--kind", "fact", "-c", "work")
		if !strings.Contains(out, `"derived_from": "`+res.Source.ID+`"`) || !strings.Contains(out, `"model": "openai/fake-model"`) ||
			!strings.Contains(out, `"source": "llm"`) {
			t.Fatalf("facts:\n%s", out)
		}
	}
}

func TestAddInferDryRunExplain(t *testing.T) {
	tf := newTestFactory(t, false)
	fk := withLLM(t, tf, "ollama", nil)
	const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
	tf.in.WriteString("The staging db is pg-staging-2; the deploy token is " + token + "\n")
	out := tf.mustRun(t, "add", "--infer", "--dry-run", "--explain")
	if out != "new\t-\tThe staging database is pg-staging-2, port 6432\n" {
		t.Fatalf("stdout %q", out)
	}
	e := tf.errOut.String()
	if !strings.Contains(e, "sent to "+strings.TrimSuffix(fk.BaseURL(), "/")) || !strings.Contains(e, "for infer") ||
		!strings.Contains(e, "1 secret masked") || !strings.Contains(e, "Dry run: 1 fact would be stored") || strings.Contains(e, token) {
		t.Fatalf("stderr:\n%s", e)
	}
	if in := fk.Inputs(); len(in) != 1 || strings.Contains(in[0].Text, token) || !strings.Contains(in[0].Text, "[REDACTED]") {
		t.Fatalf("sent %+v", in)
	}
	if n := countMemories(t, tf, ""); n != 0 {
		t.Fatalf("a dry run stored %d memories", n)
	}
}

func TestAddInferProviderRefusesTheKey(t *testing.T) {
	tf := newTestFactory(t, false)
	withLLM(t, tf, "anthropic", nil)
	tf.env["MEM0_LLM_API_KEY"] = "sk-ant-wrong-key-0000000000"
	code := tf.run(t, "add", "--infer", "Ana owns billing")
	e := tf.errOut.String()
	if code != ExitError || !strings.Contains(e, "API key was refused") || !strings.Contains(e, "MEM0_LLM_API_KEY") ||
		!strings.Contains(e, "nothing was stored") || strings.Contains(e, "sk-ant-wrong") {
		t.Fatalf("exit %d: %s", code, e)
	}
	if n := countMemories(t, tf, ""); n != 0 {
		t.Fatalf("%d memories stored", n)
	}
}

func TestAddInferChatOnStdin(t *testing.T) {
	tf := newTestFactory(t, false)
	fk := withLLM(t, tf, "anthropic", infertest.Fenced(infertest.Canned))
	tf.in.WriteString(`[{"role":"user","content":"I like tabs over spaces, remember that."},{"role":"assistant","content":"Got it."}]`)
	out := tf.mustRun(t, "add", "--infer", "--json")
	var res infer.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Source == nil || res.Source.Metadata["format"] != "chat" || len(res.Facts) != 1 || res.Facts[0].Text != "The user prefers tabs over spaces" {
		t.Fatalf("%s", out)
	}
	if in := fk.Inputs(); !in[0].Chat {
		t.Fatalf("%+v", in)
	}

	// Broken JSON that looks like a chat: a clear error, nothing sent.
	tf.in.Reset()
	tf.in.WriteString(`[{"role":"user","content":"hi"},]`)
	code := tf.run(t, "add", "--infer")
	if e := tf.errOut.String(); code != ExitError || !strings.Contains(e, "offset 32") || !strings.Contains(e, "nothing was sent or stored") {
		t.Fatalf("exit %d: %s", code, e)
	}
	if len(fk.Inputs()) != 1 {
		t.Fatal("broken input was sent")
	}
}

func TestAddInferBadAnswer(t *testing.T) {
	tf := newTestFactory(t, false)
	withLLM(t, tf, "openai", func(infertest.Input) string { return "Sure! Ana owns billing." })
	code := tf.run(t, "add", "--infer", "Ana owns billing")
	if e := tf.errOut.String(); code != ExitError || !strings.Contains(e, "not the JSON asked for") || !strings.Contains(e, "Sure! Ana") ||
		!strings.Contains(e, "llm.model") {
		t.Fatalf("exit %d: %s", code, e)
	}
	if n := countMemories(t, tf, ""); n != 0 {
		t.Fatalf("%d memories stored", n)
	}
}

// keyInLog is about 10.5 KB of log lines and, in the same paragraph, an
// RSA private key that the cut into 12,000-byte requests splits; body
// holds the key's lines.
func keyInLog() (text string, body []string) {
	var b strings.Builder
	b.WriteString("Ana owns billing.\n")
	for i := 0; b.Len() < 10_500; i++ {
		fmt.Fprintf(&b, "2026-11-28T09:%02d:00Z INFO deploy step %d finished without trouble\n", i%60, i)
	}
	for i := range 45 {
		body = append(body, fmt.Sprintf("K%02d", i)+strings.Repeat(string(rune('A'+i%26)), 61))
	}
	b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n" + strings.Join(body, "\n") + "\n-----END RSA PRIVATE KEY-----\n")
	return b.String(), append(body, "END RSA PRIVATE KEY")
}

func TestInferMasksTheWholeInputBeforeCuttingIt(t *testing.T) {
	text, body := keyInLog()
	leaked := func(fk *infertest.Fake) string {
		for _, in := range fk.Inputs() {
			for _, line := range body {
				if strings.Contains(in.Text, line) {
					return line
				}
			}
		}
		return ""
	}

	// mem0 add --infer
	tf := newTestFactory(t, false)
	fk := withLLM(t, tf, "openai", nil)
	tf.in.WriteString(text)
	tf.mustRun(t, "add", "--infer", "-c", "work")
	if line := leaked(fk); line != "" || len(fk.Inputs()) == 0 {
		t.Fatalf("add --infer sent %d requests, with the key line %q", len(fk.Inputs()), line)
	}

	// The MCP add_memory tool's infer.
	tf = newTestFactory(t, false)
	fk = withLLM(t, tf, "openai", nil)
	s, err := tf.Store(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, err := mcpInfer(tf.Factory)(context.Background(), s, infer.Request{Context: "work", Text: text, Source: "mcp"})
	if err != nil || res.Count(infer.Stored) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	if line := leaked(fk); line != "" {
		t.Fatalf("mcp infer sent the key line %q", line)
	}
}

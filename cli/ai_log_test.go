package cli

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mem0dev/mem0/ai"
)

// Layer 1: flags to options.

func TestAILogFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *AILogOptions
	cmd := NewCmdAILog(tf.Factory, func(_ context.Context, o *AILogOptions) error { got = o; return nil })
	cmd.SetArgs([]string{})
	if err := cmd.Execute(); err != nil || got.Limit != 20 || got.Full || got.JSON || got.Clear {
		t.Fatalf("defaults: %v %+v", err, got)
	}
	cmd = NewCmdAILog(tf.Factory, func(_ context.Context, o *AILogOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-n", "5", "--full", "--json"})
	if err := cmd.Execute(); err != nil || got.Limit != 5 || !got.Full || !got.JSON {
		t.Fatalf("%v %+v", err, got)
	}
	cmd = NewCmdAILog(tf.Factory, func(_ context.Context, o *AILogOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--clear"})
	if err := cmd.Execute(); err != nil || !got.Clear {
		t.Fatalf("%v %+v", err, got)
	}
	for _, args := range [][]string{{"--clear", "--full"}, {"--clear", "-n", "3"}, {"--limit", "-1"}, {"extra"}} {
		cmd = NewCmdAILog(tf.Factory, func(context.Context, *AILogOptions) error { t.Errorf("%v ran", args); return nil })
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); ExitCode(err) != ExitUsage {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// Layer 2: behaviour, with the terminal on and off.

// logRequests writes three requests to tf's AI log, the last one failed.
func logRequests(t *testing.T, tf *testFactory) string {
	t.Helper()
	path, err := tf.aiLogPath()
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 28, 11, 0, 0, 0, time.UTC)
	for i, s := range []ai.Sent{
		{Role: "llm", Purpose: "summarize", Provider: "openai", Host: "https://api.openai.com", Model: "gpt-4o-mini", Op: "chat",
			Texts: []string{"system words", "<transcript>\n09:00 $ make test  [exit 2]\n</transcript>"}, Items: 2, Bytes: 60, Masked: 1, LatencyMS: 840},
		{Role: "embedder", Purpose: "index", Provider: "ollama", Host: "http://localhost:11434", Model: "nomic-embed-text", Op: "embed",
			Texts: []string{"deploy with make publish"}, Items: 1, Bytes: 24, LatencyMS: 35},
		{Role: "llm", Purpose: "infer", Provider: "anthropic", Host: "https://api.anthropic.com", Model: "claude-3-5-haiku-latest", Op: "chat",
			Texts: []string{"Ana owns billing"}, Items: 1, Bytes: 16, LatencyMS: 120, Error: "anthropic at https://api.anthropic.com: the API key was refused (HTTP 401)"},
	} {
		s.Time = base.Add(time.Duration(i) * 10 * time.Minute)
		if err := ai.AppendLog(path, s); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestAILogEmpty(t *testing.T) {
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		if out := tf.mustRun(t, "ai", "log"); out != "" || !strings.Contains(tf.errOut.String(), "Nothing has been sent to an AI provider.") {
			t.Errorf("tty=%v: %q %q", tty, out, tf.errOut)
		}
		if out := tf.mustRun(t, "ai", "log", "--json"); strings.TrimSpace(out) != "[]" {
			t.Errorf("tty=%v: json %q", tty, out)
		}
	}
}

func TestAILogShowsTheLastRequests(t *testing.T) {
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		logRequests(t, tf)
		out := tf.mustRun(t, "ai", "log")
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if tty {
			if len(lines) != 4 || !strings.HasPrefix(lines[0], "TIME") || !strings.Contains(lines[0], "MASKED") ||
				!strings.Contains(lines[1], "40 minutes ago") || !strings.Contains(lines[1], "  the API key was") ||
				!strings.Contains(lines[3], "1 hour ago") || !strings.Contains(lines[3], "840 ms") || strings.Contains(out, "\t") {
				t.Errorf("tty:\n%s", out)
			}
		} else {
			want := "2026-11-28T11:00:00Z\tllm\tsummarize\topenai\thttps://api.openai.com\tgpt-4o-mini\t2\t60\t1\t840\t"
			if len(lines) != 3 || lines[2] != want || !strings.HasPrefix(lines[0], "2026-11-28T11:20:00Z\tllm\tinfer\tanthropic\t") ||
				!strings.HasSuffix(lines[0], "the API key was refused (HTTP 401)") {
				t.Errorf("piped:\n%s", out)
			}
		}
		if strings.Contains(out, "make test") {
			t.Errorf("tty=%v: texts without --full:\n%s", tty, out)
		}

		out = tf.mustRun(t, "ai", "log", "-n", "1", "--full")
		if !strings.Contains(out, "llm sent to https://api.anthropic.com (anthropic, claude-3-5-haiku-latest) for infer: 1 text, 16 bytes, 0 secrets masked, 120 ms; failed: ") ||
			!strings.Contains(out, "  [1] Ana owns billing") || strings.Contains(out, "openai") {
			t.Errorf("tty=%v: --full:\n%s", tty, out)
		}
		out = tf.mustRun(t, "ai", "log", "--full")
		if !strings.Contains(out, "  [2] <transcript>\n      09:00 $ make test  [exit 2]\n      </transcript>") {
			t.Errorf("tty=%v: --full texts:\n%s", tty, out)
		}

		var got []ai.Sent
		if err := json.Unmarshal([]byte(tf.mustRun(t, "ai", "log", "--json", "-n", "2")), &got); err != nil || len(got) != 2 {
			t.Fatalf("tty=%v: %v %v", tty, got, err)
		}
		if got[0].Purpose != "infer" || got[1].Purpose != "index" || got[1].Host != "http://localhost:11434" || got[1].Texts[0] != "deploy with make publish" {
			t.Errorf("tty=%v: json %+v", tty, got)
		}
	}
}

func TestAILogClear(t *testing.T) {
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		path := logRequests(t, tf)
		if err := os.WriteFile(path+".1", []byte("{}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		tf.mustRun(t, "ai", "log", "--clear")
		if !strings.Contains(tf.errOut.String(), "Cleared the AI log (4 requests).") {
			t.Errorf("tty=%v: %q", tty, tf.errOut)
		}
		for _, p := range []string{path, path + ".1"} {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("%s is still there: %v", p, err)
			}
		}
		tf.mustRun(t, "ai", "log")
		if !strings.Contains(tf.errOut.String(), "Nothing has been sent") {
			t.Errorf("tty=%v: after clear %q", tty, tf.errOut)
		}
		tf.mustRun(t, "ai", "log", "--clear") // nothing to clear is fine
	}
}

package infer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
)

func summarMem(i int, kind, text string, meta map[string]any, tags ...string) *store.Memory {
	if meta == nil {
		meta = map[string]any{}
	}
	return &store.Memory{ID: fmt.Sprintf("id-%03d", i), Kind: kind, Content: text, Metadata: meta, Tags: tags, Source: "shell",
		CreatedAt: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)}
}

func TestSummaryTranscript(t *testing.T) {
	where := map[string]any{"cwd": "/src/api", "git_branch": "main"}
	fail := map[string]any{"exit": 2.0, "duration_ms": 125000.0, "cwd": "/src/api", "git_branch": "main"}
	summary := summarMem(3, "note", "- an old summary", nil, SummaryTag)
	summary.Source = "llm"
	ms := []*store.Memory{ // newest first, as the store lists them
		summarMem(1440, "command", "make test", map[string]any{"exit": 0.0, "duration_ms": 340.0, "cwd": "/src/web"}),
		summary,
		summarMem(2, "fact", "Ana owns billing", nil),
		summarMem(1, "command", "make test", fail),
		summarMem(0, "command", "git pull", where),
		summarMem(4, "note", "line one\nline two", nil),
	}
	tr := NewSummaryTranscript("rec", ms, SummaryLimits{}, nil)
	if len(tr.Items) != 5 || tr.Left != 0 || tr.From().ID != "id-000" || tr.To().ID != "id-1440" {
		t.Fatalf("items %d, left %d", len(tr.Items), tr.Left)
	}
	want := `Recording of the context "rec": 5 items from 2026-11-28 09:00 to 2026-11-29 09:00 (times in UTC).
== 2026-11-28
in /src/api (branch main)
09:00 $ git pull
09:01 $ make test  [exit 2, 2m05s]
09:02 fact: Ana owns billing
09:04 note: line one
      line two
== 2026-11-29
in /src/web
09:00 $ make test  [ok, 340ms]
`
	if tr.Text != want {
		t.Errorf("got:\n%s\nwant:\n%s", tr.Text, want)
	}
	msgs := SummaryPrompt(tr)
	if len(msgs) != 2 || msgs[0].Role != "system" || !strings.Contains(msgs[0].Content, "what failed") ||
		msgs[1].Content != "<transcript>\n"+want+"</transcript>" {
		t.Errorf("prompt: %+v", msgs)
	}
}

func TestSummaryTranscriptKeepsTheNewestThatFit(t *testing.T) {
	var ms []*store.Memory
	for i := 0; i < 50; i++ {
		ms = append(ms, summarMem(i, "command", fmt.Sprintf("echo %02d %s", i, strings.Repeat("x", 80)), nil))
	}
	tr := NewSummaryTranscript("rec", ms, SummaryLimits{MaxItems: 10}, nil)
	if len(tr.Items) != 10 || tr.Left != 40 || tr.From().ID != "id-040" || !strings.Contains(tr.Text, "(40 older items are left out.)") {
		t.Errorf("by items: %d left %d from %s", len(tr.Items), tr.Left, tr.From().ID)
	}
	tr = NewSummaryTranscript("rec", ms, SummaryLimits{MaxBytes: 1000}, nil)
	if len(tr.Items) == 0 || len(tr.Items) >= 50 || tr.To().ID != "id-049" || tr.Left != 50-len(tr.Items) {
		t.Errorf("by bytes: %d items, left %d", len(tr.Items), tr.Left)
	}
	if body := tr.Text[strings.Index(tr.Text, "== "):]; len(body) > 1000 {
		t.Errorf("by bytes: %d bytes", len(body))
	}
	long := []*store.Memory{summarMem(0, "snippet", strings.Repeat("é", 1000), nil)}
	tr = NewSummaryTranscript("rec", long, SummaryLimits{MaxItemBytes: 101}, nil)
	if !strings.Contains(tr.Text, strings.Repeat("é", 50)+" … [1900 more bytes cut]") {
		t.Errorf("long item:\n%s", tr.Text)
	}
	if tr := NewSummaryTranscript("rec", nil, SummaryLimits{}, nil); len(tr.Items) != 0 || tr.Text != "" {
		t.Errorf("empty: %+v", tr)
	}
}

func TestCleanSummary(t *testing.T) {
	for in, want := range map[string]string{
		"  - a\n- b\n\n":                "- a\n- b",
		"```markdown\n- a\n- b\n```":    "- a\n- b",
		"```\n- a\n```":                 "- a",
		"- uses `x` and ```y``` inline": "- uses `x` and ```y``` inline",
		"":                              "",
	} {
		if got := CleanSummary(in); got != want {
			t.Errorf("CleanSummary(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSummaryTranscriptMasksALongKeyBeforeCuttingIt(t *testing.T) {
	flt, err := shell.NewFilter("", "", "")
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for i := range 45 {
		body = append(body, fmt.Sprintf("b3Bl%02d", i)+strings.Repeat(string(rune('a'+i%26)), 60))
	}
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\n" + strings.Join(body, "\n") + "\n-----END OPENSSH PRIVATE KEY-----"
	ms := []*store.Memory{
		summarMem(2, "command", "make deploy", map[string]any{"exit": 0.0}),
		summarMem(1, "command", "ssh-add ~/.ssh/deploy", map[string]any{"exit": 0.0}),
		summarMem(0, "note", "the deploy key:\n"+key, nil),
	}
	tr := NewSummaryTranscript("rec", ms, SummaryLimits{}, flt.Mask)
	// What the provider gets: the prompt, masked again by the AI guard.
	sent, _ := flt.Mask(SummaryPrompt(tr)[1].Content)
	for _, cmd := range []string{"$ ssh-add ~/.ssh/deploy", "$ make deploy"} {
		if !strings.Contains(sent, cmd) {
			t.Errorf("the command %q is not sent:\n%s", cmd, sent)
		}
	}
	for _, line := range body {
		if strings.Contains(sent, line) {
			t.Fatalf("a line of the key is sent: %q", line)
		}
	}
	if tr.Masked != 1 || !strings.Contains(sent, "the deploy key:\n      [REDACTED]") {
		t.Errorf("masked %d:\n%s", tr.Masked, sent)
	}
}

package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/mem0dev/mem0/ai"
)

func TestExplainAIPrintsEachRequest(t *testing.T) {
	tf := newTestFactory(t, false)
	var seen int
	tf.AISent = func(ai.Sent) { seen++ } // an earlier watcher still sees requests
	var w bytes.Buffer
	done := tf.explainAI(&w)
	long := strings.Repeat("line\n", 100)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tf.AISent(ai.Sent{Purpose: "infer", Provider: "ollama", Host: "http://localhost:11434", Model: "llama3.2",
				Texts: []string{"one", long}, Items: 3, Bytes: 503, Masked: 1, LatencyMS: 12})
		}()
	}
	wg.Wait()
	done()
	out := w.String()
	head := "sent to http://localhost:11434 (ollama, llama3.2) for infer: 3 texts, 503 bytes, 1 secret masked, 12 ms\n  [1] one\n  [2] line\n      line\n"
	if strings.Count(out, head) != 4 || seen != 4 {
		t.Fatalf("seen %d:\n%s", seen, out)
	}
	if !strings.Contains(out, "      … (300 bytes more)\n  (1 more not kept)\n") || strings.Contains(out, "Nothing was sent") {
		t.Errorf("cut:\n%s", out)
	}

	var none bytes.Buffer
	newTestFactory(t, false).explainAI(&none)()
	if none.String() != "Nothing was sent to an AI provider.\n" {
		t.Errorf("nothing sent: %q", none.String())
	}
}

func TestCutText(t *testing.T) {
	for _, c := range []struct {
		in          string
		lines, size int
		want        string
	}{
		{"short", 3, 100, "short"},
		{"a\nb\nc\nd", 2, 0, "a\nb\n… (4 bytes more)"},
		{"ééé", 0, 3, "é\n… (4 bytes more)"},
		{"trailing\n\n", 0, 0, "trailing"},
	} {
		if got := cutText(c.in, c.lines, c.size); got != c.want {
			t.Errorf("cutText(%q, %d, %d) = %q, want %q", c.in, c.lines, c.size, got, c.want)
		}
	}
}

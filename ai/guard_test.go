package ai

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mem0dev/mem0/shell"
)

// Secrets the shell's filters know, in text a user might send.
const (
	awsKeyID    = "AKIAIOSFODNN7EXAMPLE"
	hunter2Text = "deploy with password=hunter2 then check"
)

// recorder is a Guard.Record that keeps what it is given.
type recorder struct {
	mu   sync.Mutex
	sent []Sent
}

func (r *recorder) record(s Sent) { r.mu.Lock(); r.sent = append(r.sent, s); r.mu.Unlock() }

// stepClock advances by step on every call, so latencies are known.
func stepClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := t
		t = t.Add(step)
		return now
	}
}

func shellMask(t *testing.T) Masker {
	t.Helper()
	flt, err := shell.NewFilter("", "", `internal-(?P<s>\w+)`)
	if err != nil {
		t.Fatal(err)
	}
	return flt.Mask
}

// bodyServer answers ok on path and keeps the request bodies it saw.
func bodyServer(t *testing.T, path, ok string) (*httptest.Server, func() string) {
	var mu sync.Mutex
	var bodies strings.Builder
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies.Write(b)
		mu.Unlock()
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, ok)
	}))
	t.Cleanup(ts.Close)
	return ts, func() string { mu.Lock(); defer mu.Unlock(); return bodies.String() }
}

func TestGuardMasksBeforeTheProviderSeesTheText(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			ts, body := bodyServer(t, p.chatPath, p.chatOK)
			rec := &recorder{}
			g := Guard{Role: "llm", Purpose: "summarize", Provider: p.name, Host: ts.URL, Model: "m",
				Mask: shellMask(t), Record: rec.record, Now: stepClock(250 * time.Millisecond)}
			msgs := []Message{
				{Role: "system", Content: "be brief"},
				{Role: "user", Content: "aws s3 ls --profile x # key " + awsKeyID + "\n" + hunter2Text + "\nuse internal-abc123"},
			}
			out, err := g.Chatter(p.new(fastConfig(ts.URL))).Chat(context.Background(), msgs, ChatOptions{})
			if err != nil || out != "pong" {
				t.Fatalf("chat: %q %v", out, err)
			}
			sent := body()
			for _, secret := range []string{awsKeyID, "hunter2", "abc123"} {
				if strings.Contains(sent, secret) {
					t.Errorf("the provider received %q:\n%s", secret, sent)
				}
			}
			if !strings.Contains(sent, "[REDACTED]") || !strings.Contains(sent, "be brief") {
				t.Errorf("the masked text was not sent:\n%s", sent)
			}
			if strings.Contains(msgs[1].Content, "[REDACTED]") {
				t.Error("the caller's messages were changed")
			}
			if len(rec.sent) != 1 {
				t.Fatalf("%d records", len(rec.sent))
			}
			s := rec.sent[0]
			if s.Role != "llm" || s.Purpose != "summarize" || s.Provider != p.name || s.Host != ts.URL || s.Model != "m" ||
				s.Op != "chat" || s.Items != 2 || s.Masked != 3 || s.LatencyMS != 250 || s.Error != "" ||
				!s.Time.Equal(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)) {
				t.Errorf("record: %+v", s)
			}
			if len(s.Texts) != 2 || s.Texts[0] != "be brief" || strings.Contains(s.Texts[1], "hunter2") || !strings.Contains(s.Texts[1], "[REDACTED]") {
				t.Errorf("recorded texts: %q", s.Texts)
			}
			if s.Bytes != len(s.Texts[0])+len(s.Texts[1]) {
				t.Errorf("bytes %d for %q", s.Bytes, s.Texts)
			}
		})
	}
}

func TestGuardMasksEmbeddings(t *testing.T) {
	for _, p := range providers() {
		if p.embedPath == "" {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			ts, body := bodyServer(t, p.embedPath, p.embedOK)
			rec := &recorder{}
			g := Guard{Role: "embedder", Purpose: "index", Provider: p.name, Host: ts.URL, Model: "m", Mask: shellMask(t), Record: rec.record}
			e := p.new(fastConfig(ts.URL)).(Embedder)
			vecs, err := g.Embedder(e).Embed(context.Background(), []string{hunter2Text, "export GITHUB_TOKEN=abcdef123456"})
			if err != nil || len(vecs) != 2 {
				t.Fatalf("embed: %v %v", vecs, err)
			}
			if sent := body(); strings.Contains(sent, "hunter2") || strings.Contains(sent, "abcdef123456") {
				t.Errorf("the provider received a secret:\n%s", sent)
			}
			if len(rec.sent) != 1 || rec.sent[0].Op != "embed" || rec.sent[0].Items != 2 || rec.sent[0].Masked != 2 || rec.sent[0].Role != "embedder" {
				t.Errorf("record: %+v", rec.sent)
			}
		})
	}
}

func TestGuardRecordsErrors(t *testing.T) {
	for _, p := range providers() {
		t.Run(p.name, func(t *testing.T) {
			ts, n := errorServer(t, answer(401, p.authBody))
			rec := &recorder{}
			g := Guard{Role: "llm", Purpose: "infer", Provider: p.name, Host: ts.URL, Model: "m", Mask: shellMask(t), Record: rec.record}
			_, err := g.Chatter(p.new(fastConfig(ts.URL))).Chat(context.Background(), hello(), ChatOptions{})
			checkErr(t, err, ErrAuth)
			if n.Load() != 1 || len(rec.sent) != 1 {
				t.Fatalf("%d requests, %d records", n.Load(), len(rec.sent))
			}
			s := rec.sent[0]
			if !strings.Contains(s.Error, "API key was refused") || strings.Contains(s.Error, testKey) || s.Items != 2 {
				t.Errorf("record: %+v", s)
			}
		})
	}
}

func TestGuardWithoutMaskOrRecord(t *testing.T) {
	p := providers()[0]
	ts, body := bodyServer(t, p.chatPath, p.chatOK)
	out, err := Guard{}.Chatter(p.new(fastConfig(ts.URL))).Chat(context.Background(), []Message{{Role: "user", Content: "plain text"}}, ChatOptions{})
	if err != nil || out != "pong" || !strings.Contains(body(), "plain text") {
		t.Fatalf("%q %v %s", out, err, body())
	}
}

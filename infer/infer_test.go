package infer_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/infer/infertest"
	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "mem0.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// client is the real client of the fake's provider, with quick retries.
func client(f *infertest.Fake) ai.Chatter {
	cfg := ai.Config{BaseURL: f.BaseURL(), Model: "test-model", APIKey: infertest.Key, Timeout: 5 * time.Second,
		BaseDelay: time.Millisecond, MaxRetries: 2}
	switch f.Provider {
	case ai.OpenAI:
		return ai.NewOpenAI(cfg)
	case ai.Anthropic:
		return ai.NewAnthropic(cfg)
	}
	return ai.NewOllama(cfg)
}

func fake(t *testing.T, provider string, answer func(infertest.Input) string) *infertest.Fake {
	f := infertest.New(provider, answer)
	t.Cleanup(f.Close)
	return f
}

func live(t *testing.T, s *store.Store, kind string) []*store.Memory {
	t.Helper()
	ms, err := s.ListMemories(context.Background(), store.Filter{Contexts: []string{"work"}, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func statuses(r infer.Result) string {
	var b []string
	for _, f := range r.Facts {
		b = append(b, f.Status+":"+f.Text)
	}
	return strings.Join(b, " | ")
}

const billing = "Ana owns billing. To ship, deploy billing with make publish."

func TestAddStoresLinkedFactsWithEachProvider(t *testing.T) {
	ctx := context.Background()
	for _, provider := range []string{ai.OpenAI, ai.Anthropic, ai.Ollama} {
		t.Run(provider, func(t *testing.T) {
			s := openStore(t)
			f := fake(t, provider, infertest.Fenced(infertest.Canned))
			req := infer.Request{Context: "work", Text: billing, Source: content.SourceCLI, Tags: []string{"team"},
				Model: provider + "/test-model", Metadata: map[string]any{"repo": "api"}}
			res, err := infer.Add(ctx, s, client(f), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Source == nil || res.SourceDuplicate || res.Requests != 1 || res.Count(infer.Stored) != 2 {
				t.Fatalf("%+v: %s", res, statuses(res))
			}
			note := res.Source
			if note.Kind != content.KindNote || note.Content != billing || note.Source != content.SourceCLI ||
				note.Metadata["inferred_facts"] != float64(2) && note.Metadata["inferred_facts"] != 2 || note.Metadata["repo"] != "api" {
				t.Fatalf("source note %+v", note)
			}
			facts := live(t, s, content.KindFact)
			if len(facts) != 2 {
				t.Fatalf("%d facts stored", len(facts))
			}
			for _, m := range facts {
				if m.Source != content.SourceLLM || m.Metadata["derived_from"] != note.ID || m.Metadata["model"] != provider+"/test-model" ||
					!slices.Equal(m.Tags, []string{"team"}) || m.Metadata["contradicts"] != nil {
					t.Fatalf("fact %+v", m)
				}
			}
			// What was sent: the input, the model asked for.
			in := f.Inputs()
			if len(in) != 1 || in[0].Text != billing || in[0].Model != "test-model" || in[0].Chat || len(in[0].Known) != 0 {
				t.Fatalf("sent %+v", in)
			}

			// Again: nothing new. The note is recognised, each fact too,
			// and the known facts were shown to the model.
			res, err = infer.Add(ctx, s, client(f), req)
			if err != nil {
				t.Fatal(err)
			}
			if !res.SourceDuplicate || res.Source.ID != note.ID || res.Count(infer.Duplicate) != 2 || res.Count(infer.Stored) != 0 {
				t.Fatalf("second run: %+v %s", res, statuses(res))
			}
			for _, fo := range res.Facts {
				if fo.DuplicateOf == "" || fo.ID != "" {
					t.Fatalf("%+v", fo)
				}
			}
			if in := f.Inputs(); len(in[1].Known) != 2 {
				t.Fatalf("known facts not shown: %+v", in[1])
			}
			if n := len(live(t, s, "")); n != 3 {
				t.Fatalf("%d memories after the second run, want 3", n)
			}
		})
	}
}

func TestAddDryRunStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	res, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != nil || !res.DryRun || len(res.Facts) != 1 || res.Facts[0].Status != infer.New || res.Facts[0].ID != "" {
		t.Fatalf("%+v", res)
	}
	if n := len(live(t, s, "")); n != 0 {
		t.Fatalf("a dry run stored %d memories", n)
	}
	// A known fact shows as a duplicate in a dry run too.
	if _, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing"}); err != nil {
		t.Fatal(err)
	}
	res, err = infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing; pg-staging-2 is the db", DryRun: true})
	if err != nil || statuses(res) != "duplicate:Ana owns the billing service | new:The staging database is pg-staging-2, port 6432" {
		t.Fatalf("%v %s", err, statuses(res))
	}
}

func TestAddContradictionIsStoredAndLinked(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.Anthropic, nil)
	first, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing"})
	if err != nil {
		t.Fatal(err)
	}
	ana := first.Facts[0].ID
	res, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "News: Bob took over billing last week."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Facts) != 1 || res.Facts[0].Status != infer.Stored || !slices.Equal(res.Facts[0].Contradicts, []string{ana}) {
		t.Fatalf("%+v", res.Facts)
	}
	bob, err := s.GetMemory(ctx, res.Facts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := bob.Metadata["contradicts"].([]any); len(c) != 1 || c[0] != ana {
		t.Fatalf("metadata %+v", bob.Metadata)
	}
	// The contradicted fact is untouched.
	old, err := s.GetMemory(ctx, ana)
	if err != nil || old.Deleted() || old.Version != 1 {
		t.Fatalf("%v %+v", err, old)
	}
}

func TestAddRetriesThenSucceeds(t *testing.T) {
	for _, provider := range []string{ai.OpenAI, ai.Anthropic, ai.Ollama} {
		for _, status := range []int{500, 429} {
			s := openStore(t)
			f := fake(t, provider, nil)
			f.FailNext(status, status)
			res, err := infer.Add(context.Background(), s, client(f), infer.Request{Context: "work", Text: "Ana owns billing"})
			if err != nil || res.Count(infer.Stored) != 1 || f.Requests() != 3 {
				t.Fatalf("%s %d: %v %+v after %d requests", provider, status, err, res, f.Requests())
			}
		}
	}
}

func TestAddProviderFailureStoresNothing(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	c := ai.NewOpenAI(ai.Config{BaseURL: f.BaseURL(), APIKey: "sk-wrong", MaxRetries: -1})
	_, err := infer.Add(ctx, s, c, infer.Request{Context: "work", Text: "Ana owns billing"})
	if !errors.Is(err, ai.ErrAuth) {
		t.Fatalf("err %v", err)
	}
	// Retries run out on a chunk after the first: nothing at all is stored.
	long := "Ana owns billing.\n\n" + strings.Repeat("filler text ", infer.ChunkBytes/12) + "\n\npg-staging-2 is the db"
	calls := 0
	failing := chatFunc(func(ctx context.Context, msgs []ai.Message, o ai.ChatOptions) (string, error) {
		calls++
		if calls == 2 {
			return "", &ai.Error{Provider: "openai", Kind: ai.ErrServer, Status: 500}
		}
		return client(f).Chat(ctx, msgs, o)
	})
	if _, err := infer.Add(ctx, s, failing, infer.Request{Context: "work", Text: long}); !errors.Is(err, ai.ErrServer) || calls != 2 {
		t.Fatalf("%d calls: %v", calls, err)
	}
	if n := len(live(t, s, "")); n != 0 {
		t.Fatalf("%d memories stored after a failure", n)
	}
}

type chatFunc func(context.Context, []ai.Message, ai.ChatOptions) (string, error)

func (f chatFunc) Chat(ctx context.Context, m []ai.Message, o ai.ChatOptions) (string, error) {
	return f(ctx, m, o)
}

func TestAddBadAnswer(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	_, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "this is garbage"})
	if !errors.Is(err, infer.ErrBadAnswer) || !strings.Contains(err.Error(), "I'm sorry") {
		t.Fatalf("%v", err)
	}
	// One reminder was sent before giving up.
	if in := f.Inputs(); len(in) != 2 || in[0].Retry || !in[1].Retry {
		t.Fatalf("%+v", in)
	}
	if n := len(live(t, s, "")); n != 0 {
		t.Fatalf("%d memories stored", n)
	}
	// A model that gets it right on the reminder is fine.
	first := true
	f2 := fake(t, ai.OpenAI, func(in infertest.Input) string {
		if first {
			first = false
			return "Facts: Ana owns billing"
		}
		return infertest.Canned(in)
	})
	res, err := infer.Add(ctx, s, client(f2), infer.Request{Context: "work", Text: "Ana owns billing"})
	if err != nil || res.Requests != 2 || res.Count(infer.Stored) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestAddBrokenChatStoresNothing(t *testing.T) {
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	_, err := infer.Add(context.Background(), s, client(f), infer.Request{Context: "work", Text: `[{"role":"user","content":"I like tabs over spaces"},`})
	if !errors.Is(err, infer.ErrBadChat) || f.Requests() != 0 {
		t.Fatalf("%v after %d requests", err, f.Requests())
	}
	if n := len(live(t, s, "")); n != 0 {
		t.Fatalf("%d memories stored", n)
	}
}

func TestAddChat(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.Anthropic, nil)
	chat := `[{"role":"system","content":"You are helpful."},{"role":"user","content":"Remember: I prefer tabs over spaces."},{"role":"assistant","content":"Noted!"}]`
	res, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: chat, Source: content.SourceMCP})
	if err != nil {
		t.Fatal(err)
	}
	if statuses(res) != "stored:The user prefers tabs over spaces" || res.Source.Source != content.SourceMCP ||
		res.Source.Metadata["format"] != "chat" || !strings.HasPrefix(res.Source.Content, "system: You are helpful.\n\nuser: Remember") {
		t.Fatalf("%s %+v", statuses(res), res.Source)
	}
	if in := f.Inputs(); !in[0].Chat || !strings.Contains(in[0].Text, "assistant: Noted!") {
		t.Fatalf("%+v", in)
	}
	// Messages given directly are the same conversation.
	res, err = infer.Add(ctx, s, client(f), infer.Request{Context: "work", Messages: []ai.Message{
		{Role: "system", Content: "You are helpful."}, {Role: "user", Content: "Remember: I prefer tabs over spaces."}, {Role: "assistant", Content: "Noted!"}}})
	if err != nil || !res.SourceDuplicate || statuses(res) != "duplicate:The user prefers tabs over spaces" {
		t.Fatalf("%v %s", err, statuses(res))
	}
}

func TestAddLongInputIsChunked(t *testing.T) {
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	text := "Ana owns billing.\n\n" + strings.Repeat("Some filler about the weather today.\n\n", infer.ChunkBytes/38+1) + "The staging db is pg-staging-2.\n\nAna owns billing."
	res, err := infer.Add(context.Background(), s, client(f), infer.Request{Context: "work", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests < 2 || statuses(res) != "stored:Ana owns the billing service | stored:The staging database is pg-staging-2, port 6432" {
		t.Fatalf("%d requests: %s", res.Requests, statuses(res))
	}
	for _, in := range f.Inputs() {
		if len(in.Text) > infer.ChunkBytes {
			t.Fatalf("a chunk of %d bytes", len(in.Text))
		}
	}
}

func TestAddSimilarHook(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	var asked []string
	similar := func(_ context.Context, name string, texts []string) ([]string, error) {
		if name != "work" {
			t.Errorf("context %q", name)
		}
		asked = texts
		out := make([]string, len(texts))
		for i, tx := range texts {
			if strings.Contains(tx, "staging") {
				out[i] = "0193-existing"
			}
		}
		return out, nil
	}
	res, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing; pg-staging-2", Similar: similar})
	if err != nil || statuses(res) != "stored:Ana owns the billing service | similar:The staging database is pg-staging-2, port 6432" ||
		res.Facts[1].DuplicateOf != "0193-existing" || len(asked) != 2 || res.Source.Metadata["inferred_facts"] != 1 {
		t.Fatalf("%v %s %+v", err, statuses(res), res)
	}
	// A failing check is a warning: facts are compared by text alone.
	res, err = infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Go 1.26 it is", DryRun: true,
		Similar: func(context.Context, string, []string) ([]string, error) { return nil, errors.New("embedder down") }})
	if err != nil || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "embedder down") || statuses(res) != "new:The project uses Go 1.26" {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestAddNoFactsStillStoresTheSource(t *testing.T) {
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	res, err := infer.Add(context.Background(), s, client(f), infer.Request{Context: "work", Text: "nothing here worth keeping"})
	if err != nil || len(res.Facts) != 0 || res.Source == nil || res.Source.Metadata["inferred_facts"] != 0 {
		t.Fatalf("%v %+v", err, res)
	}
	if _, err := infer.Add(context.Background(), s, client(f), infer.Request{Context: "work", Text: "  "}); !errors.Is(err, infer.ErrNoInput) {
		t.Fatalf("%v", err)
	}
}

// privateKey is an RSA private key block of about 3 KB whose body lines
// are each distinct, so a leaked line can be told.
func privateKey() (block string, body []string) {
	for i := range 45 {
		body = append(body, fmt.Sprintf("K%02d", i)+strings.Repeat(string(rune('A'+i%26)), 61))
	}
	return "-----BEGIN RSA PRIVATE KEY-----\n" + strings.Join(body, "\n") + "\n-----END RSA PRIVATE KEY-----", body
}

func secretMask(t *testing.T) func(string) (string, int) {
	t.Helper()
	flt, err := shell.NewFilter("", "", "")
	if err != nil {
		t.Fatal(err)
	}
	return flt.Mask
}

func TestAddMasksASecretSpanningChunks(t *testing.T) {
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	var b strings.Builder
	b.WriteString("Ana owns billing.\n")
	for i := 0; b.Len() < 10_500; i++ {
		fmt.Fprintf(&b, "2026-11-28T09:%02d:00Z INFO deploy step %d finished without trouble\n", i%60, i)
	}
	key, body := privateKey()
	b.WriteString(key) // the same paragraph: the key is cut between two chunks
	text := b.String()
	if len(text) <= infer.ChunkBytes {
		t.Fatalf("the text (%d bytes) fits one chunk", len(text))
	}
	mask := secretMask(t)
	// The guard masks every request too, as in mem0 itself.
	llm := ai.Guard{Mask: mask}.Chatter(client(f))
	res, err := infer.Add(context.Background(), s, llm, infer.Request{Context: "work", Text: text, Mask: mask})
	if err != nil {
		t.Fatal(err)
	}
	if statuses(res) != "stored:Ana owns the billing service" {
		t.Fatalf("%s", statuses(res))
	}
	for _, in := range f.Inputs() {
		for _, line := range append(body, "END RSA PRIVATE KEY") {
			if strings.Contains(in.Text, line) {
				t.Fatalf("sent a line of the key: %q", line)
			}
		}
	}
	// The note keeps the text as given.
	if res.Source.Content != strings.TrimSpace(text) {
		t.Fatal("the stored note was masked")
	}
}

func TestAddConcurrentCallsStoreAFactOnce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	// The model answers only once both requests are in flight, so both
	// calls compare their fact with the store before either has written.
	var mu sync.Mutex
	inFlight := 0
	both := make(chan struct{})
	llm := chatFunc(func(ctx context.Context, _ []ai.Message, _ ai.ChatOptions) (string, error) {
		mu.Lock()
		if inFlight++; inFlight == 2 {
			close(both)
		}
		mu.Unlock()
		select {
		case <-both:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		return `{"facts":["Ana owns the billing service"]}`, nil
	})
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	results := make([]infer.Result, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, text := range []string{"Ana owns billing.", "As agreed, Ana owns billing."} {
		wg.Go(func() {
			results[i], errs[i] = infer.Add(ctx, s, llm, infer.Request{Context: "work", Text: text})
		})
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if n := len(live(t, s, content.KindFact)); n != 1 {
		t.Fatalf("%d facts stored: %s / %s", n, statuses(results[0]), statuses(results[1]))
	}
	got := statuses(results[0]) + " / " + statuses(results[1])
	if results[0].Count(infer.Stored)+results[1].Count(infer.Stored) != 1 || results[0].Count(infer.Duplicate)+results[1].Count(infer.Duplicate) != 1 {
		t.Fatalf("%s", got)
	}
	for _, r := range results {
		want := r.Count(infer.Stored)
		if r.Source.Metadata["inferred_facts"] != want {
			t.Fatalf("the note says %v facts, %d stored", r.Source.Metadata["inferred_facts"], want)
		}
	}
}

func TestAddContradictionIsNotSimilar(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	first, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing"})
	if err != nil {
		t.Fatal(err)
	}
	ana := first.Facts[0].ID
	// The embedder finds the contradicted fact near in meaning, as it will.
	var asked []string
	similar := func(_ context.Context, _ string, texts []string) ([]string, error) {
		asked = append(asked, texts...)
		out := make([]string, len(texts))
		for i := range out {
			out[i] = ana
		}
		return out, nil
	}
	res, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Bob took over billing; Go 1.26 it is", Similar: similar})
	if err != nil {
		t.Fatal(err)
	}
	if statuses(res) != "similar:The project uses Go 1.26 | stored:Bob owns the billing service" ||
		!slices.Equal(res.Facts[1].Contradicts, []string{ana}) || !slices.Equal(asked, []string{"The project uses Go 1.26"}) {
		t.Fatalf("%s %+v, asked %q", statuses(res), res.Facts, asked)
	}
}

func TestAddOtherJSONIsPlainText(t *testing.T) {
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	text := `[{"role":"admin","members":["ana"]}]`
	res, err := infer.Add(context.Background(), s, client(f), infer.Request{Context: "work", Text: text})
	if err != nil || res.Source == nil || res.Source.Content != text || res.Source.Metadata["format"] != nil {
		t.Fatalf("%v %+v", err, res)
	}
	if in := f.Inputs(); len(in) != 1 || in[0].Chat || in[0].Text != text {
		t.Fatalf("sent %+v", in)
	}
}

func TestAddSourceIsANote(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	// The same words, stored before as a fact and as a command.
	var fact *store.Memory
	err := s.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if fact, _, err = tx.AddMemory(ctx, store.NewMemory{Context: "work", Kind: content.KindFact, Content: "Ana owns billing"}); err != nil {
			return err
		}
		_, _, err = tx.AddMemory(ctx, store.NewMemory{Context: "work", Kind: content.KindCommand, Content: "Ana owns billing", AllowDuplicate: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source.Kind != content.KindNote || res.SourceDuplicate || res.Source.ID == fact.ID || res.Source.Metadata["inferred_facts"] != 1 {
		t.Fatalf("source %+v (duplicate %v)", res.Source, res.SourceDuplicate)
	}
	stored, err := s.GetMemory(ctx, res.Facts[0].ID)
	if err != nil || stored.Metadata["derived_from"] != res.Source.ID {
		t.Fatalf("%v %+v", err, stored)
	}
	// Again: that note is found.
	again, err := infer.Add(ctx, s, client(f), infer.Request{Context: "work", Text: "Ana owns billing"})
	if err != nil || !again.SourceDuplicate || again.Source.ID != res.Source.ID {
		t.Fatalf("%v %+v", err, again.Source)
	}
}

func TestAddContradictionOfAFactHoldingASecret(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	f := fake(t, ai.OpenAI, nil)
	var old *store.Memory
	err := s.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		old, _, err = tx.AddMemory(ctx, store.NewMemory{Context: "work", Kind: content.KindFact,
			Content: "The deploy token is ghp_0123456789abcdefghijABCDEFGHIJ012345"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The model sees the known fact masked, so it cannot copy its text.
	llm := ai.Guard{Mask: secretMask(t)}.Chatter(client(f))
	res, err := infer.Add(ctx, s, llm, infer.Request{Context: "work", Text: "FYI we rotated the deploy token: it is in Vault now."})
	if err != nil {
		t.Fatal(err)
	}
	if in := f.Inputs(); len(in) != 1 || len(in[0].Known) != 1 || strings.Contains(in[0].Known[0], "ghp_") {
		t.Fatalf("sent %+v", in)
	}
	if statuses(res) != "stored:The deploy token is kept in Vault" || !slices.Equal(res.Facts[0].Contradicts, []string{old.ID}) {
		t.Fatalf("%s %+v", statuses(res), res.Facts)
	}

	// A model that copies the known fact's text is still understood.
	s = openStore(t)
	byText := fake(t, ai.OpenAI, func(in infertest.Input) string {
		in.ByNumber = false
		return infertest.Canned(in)
	})
	first, err := infer.Add(ctx, s, client(byText), infer.Request{Context: "work", Text: "Ana owns billing"})
	if err != nil {
		t.Fatal(err)
	}
	res, err = infer.Add(ctx, s, client(byText), infer.Request{Context: "work", Text: "Bob took over billing"})
	if err != nil || !slices.Equal(res.Facts[0].Contradicts, []string{first.Facts[0].ID}) {
		t.Fatalf("%v %+v", err, res.Facts)
	}
}

// Package infer turns text or a conversation into durable facts with an
// LLM and stores them beside their source: the source as a note, each new
// fact as a fact memory linked to it. It is ADD-only, like mem0's own
// design: nothing existing is deleted or changed on the model's say-so. A
// fact the context already holds is skipped; one that contradicts a known
// fact is stored anyway, with a link to the fact it contradicts.
//
// Both front ends (mem0 add --infer and the MCP add_memory tool) call Add.
package infer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// What became of each fact.
const (
	Stored    = "stored"    // a new fact memory
	New       = "new"       // dry run: would be stored
	Duplicate = "duplicate" // the context holds the same fact (DuplicateOf)
	Similar   = "similar"   // the context holds a fact of the same meaning (DuplicateOf)
)

// Metadata keys written on the memories.
const (
	MetaDerivedFrom   = "derived_from"   // on a fact: the source note's id
	MetaModel         = "model"          // on a fact: provider/model that extracted it
	MetaContradicts   = "contradicts"    // on a fact: ids of known facts it contradicts
	MetaInferredFacts = "inferred_facts" // on the source note: how many facts were stored from it
	MetaFormat        = "format"         // on the source note: "chat" for a conversation
)

// Request is one text or conversation to learn from.
type Request struct {
	Context string // the context's name; created when missing
	// Text is plain text, or a JSON array of chat messages (recognised by
	// ParseChat). Messages, when set, is used instead.
	Text     string
	Messages []ai.Message
	Source   string         // source of the note: content.SourceCLI, SourceMCP …
	Tags     []string       // on the note and on every fact
	Metadata map[string]any // on the note
	DryRun   bool           // ask the model, store nothing
	Model    string         // "provider/model", recorded on each fact
	// Similar, when set, finds near-duplicates by meaning (embeddings):
	// for each text, the id of a live memory of the context that says the
	// same thing, or "". Nil compares facts by normalised text only.
	Similar func(ctx context.Context, contextName string, texts []string) ([]string, error)
	// Mask, when set, hides secrets in an input too long for one request
	// before it is cut into chunks (each message of a conversation on its
	// own), so a secret spanning two chunks is still seen whole. The
	// stored note keeps the text as given. Nil masks nothing here; the
	// provider's ai.Guard still masks each request (masking twice is
	// harmless). Input that fits one request is left to the guard, which
	// then counts what it masks in the AI log.
	Mask func(string) (string, int)
}

// FactOutcome is one extracted fact and what became of it.
type FactOutcome struct {
	Text        string   `json:"text"`
	Status      string   `json:"status"`                 // stored, new (dry run), duplicate or similar
	ID          string   `json:"id,omitempty"`           // the stored fact (stored only)
	DuplicateOf string   `json:"duplicate_of,omitempty"` // the existing memory (duplicate, similar)
	Contradicts []string `json:"contradicts,omitempty"`  // ids of known facts it contradicts
}

// Result is what Add did.
type Result struct {
	// Source is the note holding the input (an existing one when the
	// context held the same text already); nil in a dry run.
	Source          *store.Memory `json:"source"`
	SourceDuplicate bool          `json:"source_duplicate"`
	Facts           []FactOutcome `json:"facts"`
	DryRun          bool          `json:"dry_run"`
	Requests        int           `json:"requests"` // chat requests made
	// Masked counts the secrets Request.Mask hid in the input before it
	// was cut into requests (the requests' own counts, in the AI log,
	// leave them out).
	Masked int `json:"masked"`
	// Warnings are problems that did not stop the work, e.g. a failed
	// similarity check (facts were then compared by text only).
	Warnings []string `json:"warnings,omitempty"`
}

// Count returns how many facts have status.
func (r *Result) Count(status string) int {
	n := 0
	for _, f := range r.Facts {
		if f.Status == status {
			n++
		}
	}
	return n
}

// ErrNoInput is an empty text or conversation.
var ErrNoInput = errors.New("nothing to learn from: the text is empty")

// Add asks llm for the facts in req's input and stores them. The model is
// asked first, once per chunk of about ChunkBytes; only when every answer
// has been read is anything written, in one transaction, so a failing
// provider leaves the store as it was.
func Add(ctx context.Context, s *store.Store, llm ai.Chatter, req Request) (Result, error) {
	res := Result{DryRun: req.DryRun, Facts: []FactOutcome{}}
	if llm == nil {
		return res, errors.New("fact extraction needs an LLM, and none is configured")
	}
	if req.Source == "" {
		req.Source = content.SourceCLI
	}
	msgs := req.Messages
	if msgs == nil {
		m, ok, err := ParseChat(req.Text)
		if err != nil {
			return res, err
		}
		if ok {
			msgs = m
		}
	}
	chat := msgs != nil
	var source string
	var chunks []string
	if chat {
		source, chunks = Transcript(msgs), chunkChat(msgs, ChunkBytes)
		if len(chunks) > 1 && req.Mask != nil {
			var masked []ai.Message
			masked, res.Masked = maskMessages(msgs, req.Mask)
			chunks = chunkChat(masked, ChunkBytes)
		}
	} else {
		source, chunks = strings.TrimSpace(req.Text), chunkText(req.Text, ChunkBytes)
		if len(chunks) > 1 && req.Mask != nil {
			var masked string
			masked, res.Masked = req.Mask(req.Text)
			chunks = chunkText(masked, ChunkBytes)
		}
	}
	if len(chunks) == 0 {
		return res, ErrNoInput
	}
	if err := content.Validate(source, s.MaxContentBytes()); err != nil {
		return res, err
	}

	known, err := s.ListMemories(ctx, store.Filter{Contexts: []string{req.Context}, Kind: content.KindFact})
	if err != nil {
		return res, err
	}
	byNorm := make(map[string]*store.Memory, len(known))
	for _, m := range known {
		if h := NormHash(m.Content); byNorm[h] == nil {
			byNorm[h] = m // newest first: the newest of equal facts
		}
	}

	// Ask, chunk by chunk; gather the facts, each once.
	seen := map[string]bool{}
	for _, chunk := range chunks {
		shown := relevant(known, chunk, MaxKnown)
		facts, n, err := ask(ctx, llm, chunk, chat, shown)
		res.Requests += n
		if err != nil {
			return res, err
		}
		for _, f := range facts {
			if content.Validate(f.Text, s.MaxContentBytes()) != nil {
				continue
			}
			h := NormHash(f.Text)
			if seen[h] {
				continue
			}
			seen[h] = true
			out := FactOutcome{Text: f.Text}
			if m := byNorm[h]; m != nil {
				out.Status, out.DuplicateOf = Duplicate, m.ID
			} else if id := contradicted(f, shown, byNorm); id != "" {
				out.Contradicts = []string{id}
			}
			res.Facts = append(res.Facts, out)
		}
	}

	// Near-duplicates by meaning, when the caller can tell. A fact that
	// contradicts a known one is left out: it is near in meaning by nature
	// ("Bob owns billing" against "Ana owns billing"), and is stored and
	// linked.
	if req.Similar != nil {
		var idx []int
		var texts []string
		for i, f := range res.Facts {
			if f.Status == "" && len(f.Contradicts) == 0 {
				idx, texts = append(idx, i), append(texts, f.Text)
			}
		}
		if len(texts) > 0 {
			ids, err := req.Similar(ctx, req.Context, texts)
			switch {
			case err != nil:
				res.Warnings = append(res.Warnings, fmt.Sprintf("the similarity check failed (%v): facts were compared by their text only", err))
			case len(ids) != len(texts):
				res.Warnings = append(res.Warnings, fmt.Sprintf("the similarity check gave %d answers for %d facts: facts were compared by their text only", len(ids), len(texts)))
			default:
				for j, id := range ids {
					if id != "" {
						res.Facts[idx[j]].Status, res.Facts[idx[j]].DuplicateOf = Similar, id
					}
				}
			}
		}
	}
	for i := range res.Facts {
		if res.Facts[i].Status == "" {
			res.Facts[i].Status = Stored
			if req.DryRun {
				res.Facts[i].Status = New
			}
		}
	}
	if req.DryRun {
		return res, nil
	}

	meta := make(map[string]any, len(req.Metadata)+2)
	for k, v := range req.Metadata {
		meta[k] = v
	}
	if chat {
		meta[MetaFormat] = "chat"
	}
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		// Another Add may have stored some of these facts while the model
		// was answering: compare with the context's facts again, now that
		// the transaction holds the write lock.
		now, err := tx.ListMemories(ctx, store.Filter{Contexts: []string{req.Context}, Kind: content.KindFact})
		if err != nil {
			return err
		}
		nowByNorm := make(map[string]*store.Memory, len(now))
		for _, m := range now {
			if h := NormHash(m.Content); nowByNorm[h] == nil {
				nowByNorm[h] = m
			}
		}
		fresh := 0
		for i := range res.Facts {
			f := &res.Facts[i]
			if f.Status != Stored {
				continue
			}
			if m := nowByNorm[NormHash(f.Text)]; m != nil {
				f.Status, f.DuplicateOf, f.Contradicts = Duplicate, m.ID, nil
				continue
			}
			fresh++
		}
		meta[MetaInferredFacts] = fresh
		note, dup, err := sourceNote(ctx, tx, store.NewMemory{Context: req.Context, Kind: content.KindNote, Content: source,
			Metadata: meta, Tags: req.Tags, Source: req.Source})
		if err != nil {
			return err
		}
		res.Source, res.SourceDuplicate = note, dup
		for i := range res.Facts {
			f := &res.Facts[i]
			if f.Status != Stored {
				continue
			}
			fm := map[string]any{MetaDerivedFrom: note.ID}
			if req.Model != "" {
				fm[MetaModel] = req.Model
			}
			if len(f.Contradicts) > 0 {
				fm[MetaContradicts] = f.Contradicts
			}
			// Facts were compared with the context's facts just above, by
			// normalised text; the same words as a note (the source itself,
			// when it is one sentence) do not make a fact a duplicate.
			m, _, err := tx.AddMemory(ctx, store.NewMemory{Context: req.Context, Kind: content.KindFact, Content: f.Text,
				Metadata: fm, Tags: req.Tags, Source: content.SourceLLM, AllowDuplicate: true})
			if err != nil {
				return fmt.Errorf("store fact %q: %w", head(f.Text, 60), err)
			}
			f.ID = m.ID
		}
		return nil
	})
	if err != nil {
		for i := range res.Facts {
			res.Facts[i].ID = ""
		}
		res.Source = nil
		return res, err
	}
	return res, nil
}

// sourceNote stores the note in (the input), or finds the context's live
// note of the same text. The store's own check finds the same text in any
// kind, but the source must be a note: the same words stored as a fact or
// a command are not one, and a new note is stored beside them.
func sourceNote(ctx context.Context, tx *store.Tx, in store.NewMemory) (*store.Memory, bool, error) {
	m, dup, err := tx.AddMemory(ctx, in)
	if err != nil || !dup || m.Kind == content.KindNote {
		return m, dup, err
	}
	notes, err := tx.ListMemories(ctx, store.Filter{Contexts: []string{in.Context}, Kind: content.KindNote})
	if err != nil {
		return nil, false, err
	}
	for _, n := range notes {
		if n.Content == in.Content {
			return n, true, nil
		}
	}
	in.AllowDuplicate = true
	return tx.AddMemory(ctx, in)
}

// maskMessages returns msgs with each content masked by mask (msgs itself
// when mask is nil), and how many secrets it hid.
func maskMessages(msgs []ai.Message, mask func(string) (string, int)) ([]ai.Message, int) {
	if mask == nil {
		return msgs, 0
	}
	out := make([]ai.Message, len(msgs))
	total := 0
	for i, m := range msgs {
		var n int
		m.Content, n = mask(m.Content)
		out[i] = m
		total += n
	}
	return out, total
}

// ask sends one chunk and reads the answer; an answer that is not the JSON
// asked for gets one more try with a reminder. It returns how many
// requests were made.
func ask(ctx context.Context, llm ai.Chatter, chunk string, chat bool, shown []*store.Memory) ([]Fact, int, error) {
	texts := make([]string, len(shown))
	for i, m := range shown {
		texts[i] = m.Content
	}
	msgs := Prompt(chunk, chat, texts)
	zero := 0.0
	opts := ai.ChatOptions{MaxTokens: 4096, Temperature: &zero}
	answer, err := llm.Chat(ctx, msgs, opts)
	if err != nil {
		return nil, 1, err
	}
	facts, err := ParseAnswer(answer)
	if !errors.Is(err, ErrBadAnswer) {
		return facts, 1, err
	}
	msgs = append(msgs, ai.Message{Role: "assistant", Content: answer}, ai.Message{Role: "user", Content: reminder})
	again, err2 := llm.Chat(ctx, msgs, opts)
	if err2 != nil {
		return nil, 2, err2
	}
	facts, err2 = ParseAnswer(again)
	if err2 != nil {
		return nil, 2, err // the first answer's problem: the reminder did not help
	}
	return facts, 2, nil
}

// contradicted resolves the fact the model says f contradicts to its id:
// by number in the list shown, else by its text among all known facts.
func contradicted(f Fact, shown []*store.Memory, byNorm map[string]*store.Memory) string {
	if f.ContradictsN >= 1 && f.ContradictsN <= len(shown) {
		return shown[f.ContradictsN-1].ID
	}
	if strings.TrimSpace(f.Contradicts) == "" {
		return ""
	}
	c := strings.TrimSpace(f.Contradicts)
	// "3. Ana owns billing" or "3": the model numbered its reference.
	if n, rest, ok := leadingNumber(c); ok {
		if rest == "" && n >= 1 && n <= len(shown) {
			return shown[n-1].ID
		}
		if m := byNorm[NormHash(rest)]; m != nil {
			return m.ID
		}
	}
	if m := byNorm[NormHash(c)]; m != nil {
		return m.ID
	}
	return ""
}

func leadingNumber(s string) (n int, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 0 || i > 4 {
		return 0, "", false
	}
	rest = strings.TrimSpace(strings.TrimLeft(s[i:], ".)"))
	return n, rest, true
}

// relevant picks at most max known facts to show the model with a chunk:
// those sharing the most words with it first, then the newest.
func relevant(known []*store.Memory, chunk string, max int) []*store.Memory {
	if len(known) <= max {
		return known
	}
	words := map[string]bool{}
	for _, w := range wordsOf(chunk) {
		words[w] = true
	}
	type scored struct {
		m     *store.Memory
		score int
		order int
	}
	all := make([]scored, len(known))
	for i, m := range known {
		n := 0
		for _, w := range wordsOf(m.Content) {
			if words[w] {
				n++
			}
		}
		all[i] = scored{m, n, i}
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.order, b.order))
	})
	out := make([]*store.Memory, 0, max)
	for _, s := range all[:max] {
		out = append(out, s.m)
	}
	return out
}

// wordsOf lists the lower-cased words of s of three letters or more (short
// words match too much to tell what a fact is about).
func wordsOf(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if len([]rune(w)) >= 3 {
			out = append(out, w)
		}
	}
	return out
}

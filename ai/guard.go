package ai

import (
	"context"
	"time"
)

// Masker hides secrets in a text before it leaves the machine. It returns
// the text to send and how many secrets it masked.
type Masker func(string) (string, int)

// Sent is one request as it left the machine: what was sent (after
// masking), to whom and for what. `mem0 ai log` and --explain show these.
type Sent struct {
	Time      time.Time `json:"time"`
	Role      string    `json:"role"`    // llm or embedder
	Purpose   string    `json:"purpose"` // infer, summarize, search, index, doctor
	Provider  string    `json:"provider"`
	Host      string    `json:"host"` // scheme://host the request went to
	Model     string    `json:"model"`
	Op        string    `json:"op"`    // chat or embed
	Texts     []string  `json:"texts"` // the texts sent, after masking
	Items     int       `json:"items"` // messages or texts in the request
	Bytes     int       `json:"bytes"` // bytes of text sent
	Masked    int       `json:"masked"`
	LatencyMS int64     `json:"latency_ms"`
	Error     string    `json:"error,omitempty"`
}

// Guard sits between mem0 and a provider: every text sent goes through
// Mask first, and every request is passed to Record once it is answered
// (or failed), so that nothing leaves unmasked or unrecorded.
type Guard struct {
	Role, Purpose, Provider, Host, Model string

	Mask   Masker     // nil sends texts as they are
	Record func(Sent) // nil records nothing
	Now    func() time.Time
}

// Chatter wraps c.
func (g Guard) Chatter(c Chatter) Chatter { return guardedChat{g: g, c: c} }

// Embedder wraps e.
func (g Guard) Embedder(e Embedder) Embedder { return guardedEmbed{g: g, e: e} }

func (g Guard) mask(texts []string) ([]string, int) {
	if g.Mask == nil {
		return texts, 0
	}
	out := make([]string, len(texts))
	total := 0
	for i, t := range texts {
		var n int
		out[i], n = g.Mask(t)
		total += n
	}
	return out, total
}

func (g Guard) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g Guard) record(op string, texts []string, masked int, start time.Time, err error) {
	if g.Record == nil {
		return
	}
	s := Sent{Time: start.UTC(), Role: g.Role, Purpose: g.Purpose, Provider: g.Provider, Host: g.Host, Model: g.Model,
		Op: op, Texts: texts, Items: len(texts), Masked: masked, LatencyMS: g.now().Sub(start).Milliseconds()}
	for _, t := range texts {
		s.Bytes += len(t)
	}
	if err != nil {
		s.Error = err.Error()
	}
	g.Record(s)
}

type guardedChat struct {
	g Guard
	c Chatter
}

func (gc guardedChat) Chat(ctx context.Context, msgs []Message, opts ChatOptions) (string, error) {
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = m.Content
	}
	texts, masked := gc.g.mask(texts)
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		out[i] = Message{Role: m.Role, Content: texts[i]}
	}
	start := gc.g.now()
	answer, err := gc.c.Chat(ctx, out, opts)
	gc.g.record("chat", texts, masked, start, err)
	return answer, err
}

type guardedEmbed struct {
	g Guard
	e Embedder
}

func (ge guardedEmbed) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	texts, masked := ge.g.mask(texts)
	start := ge.g.now()
	vecs, err := ge.e.Embed(ctx, texts)
	ge.g.record("embed", texts, masked, start, err)
	return vecs, err
}

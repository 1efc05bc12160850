package cli

import (
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/mem0dev/mem0/ai"
)

// errNoLLM is returned by the commands that need an LLM when none is set.
var errNoLLM = errors.New("no LLM is configured: set one with `mem0 config set llm.provider openai|ollama|anthropic` (see docs/ai.md); nothing was sent or stored")

// aiRequestTimeout bounds one provider request of a command; the client
// retries 429/5xx within the command's context.
const aiRequestTimeout = 60 * time.Second

// LLM returns the configured chat model, wrapped so that everything sent is
// masked for secrets and recorded in the AI log. purpose names why it is
// used (infer, summarize …) in the log. errNoLLM when llm.provider is none;
// a missing key the provider needs is reported before anything is sent.
func (f *Factory) LLM(purpose string) (ai.Chatter, *aiRole, error) {
	r, err := f.aiRole("llm")
	if err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, errNoLLM
	}
	if r.key == "" && r.needsKey() {
		return nil, r, errors.New("the LLM needs an API key: " + aiKeyHow(r))
	}
	g, err := f.aiGuard(r, purpose)
	if err != nil {
		return nil, r, err
	}
	return g.Chatter(r.client(f, aiRequestTimeout, 0).(ai.Chatter)), r, nil
}

// Embedder returns the configured embedding model, guarded like LLM, or
// nil (and no error) when embedder.provider is none.
func (f *Factory) Embedder(purpose string) (ai.Embedder, *aiRole, error) {
	r, err := f.aiRole("embedder")
	if err != nil || r == nil {
		return nil, nil, err
	}
	if r.key == "" && r.needsKey() {
		return nil, r, errors.New("the embedder needs an API key: " + aiKeyHow(r))
	}
	// A search or a write waits for the embedder only briefly and falls
	// back to words (or leaves the memory queued); mem0 reindex, which is
	// there to embed, waits and retries like the LLM's commands.
	timeout, retries := 15*time.Second, -1
	if purpose == "reindex" {
		timeout, retries = aiRequestTimeout, 0
	}
	e, ok := r.client(f, timeout, retries).(ai.Embedder)
	if !ok {
		return nil, r, errors.New(r.Provider + " has no embeddings API: set embedder.provider to openai or ollama")
	}
	g, err := f.aiGuard(r, purpose)
	if err != nil {
		return nil, r, err
	}
	return g.Embedder(e), r, nil
}

// aiGuard masks with the shell's secret rules (and shell.redact_pattern)
// and records each request in the AI log and to f.AISent.
func (f *Factory) aiGuard(r *aiRole, purpose string) (ai.Guard, error) {
	cfg, err := f.Config()
	if err != nil {
		return ai.Guard{}, err
	}
	flt, err := cfg.ShellFilter()
	if err != nil {
		return ai.Guard{}, err
	}
	logPath, err := f.aiLogPath()
	if err != nil {
		return ai.Guard{}, err
	}
	return ai.Guard{
		Role: r.Role, Purpose: purpose, Provider: r.Provider, Host: aiHost(r.endpoint()), Model: r.Model,
		Mask: flt.Mask, Now: f.Now,
		Record: func(s ai.Sent) {
			if f.AISent != nil {
				f.AISent(s)
			}
			if err := ai.AppendLog(logPath, s); err != nil {
				slog.Warn("could not record the request in the AI log", "err", err)
			}
		},
	}, nil
}

// aiLogPath is the AI log in the state folder.
func (f *Factory) aiLogPath() (string, error) {
	p, err := f.Paths()
	if err != nil {
		return "", err
	}
	return filepath.Join(p.State, "ai.log"), nil
}

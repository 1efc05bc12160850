package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/semantic"
	"github.com/mem0dev/mem0/store"
)

// vectorModel names the embedding space of r: vectors made by another
// provider, model or endpoint are never compared with its own.
func (r *aiRole) vectorModel() string {
	return r.Provider + ":" + r.Model + "@" + aiHost(r.endpoint())
}

// stateReindexStarted is when a command last started a background reindex.
const stateReindexStarted = "reindex_started"

// Semantic returns the search engine over the store: hybrid when an
// embedder is configured, words only (and saying why) otherwise. purpose
// names its requests in the AI log.
func (f *Factory) Semantic(ctx context.Context, purpose string) (*semantic.Engine, error) {
	s, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	return f.semanticOver(s, purpose)
}

// semanticOver is Semantic over a store already open (the MCP server's).
func (f *Factory) semanticOver(s *store.Store, purpose string) (*semantic.Engine, error) {
	e := &semantic.Engine{Store: s, IndexPath: semantic.IndexPath(s.Path())}
	emb, r, err := f.Embedder(purpose)
	if r == nil && err != nil {
		return nil, err
	}
	if r == nil {
		return e, nil
	}
	e.Model = r.vectorModel()
	e.Embedder, e.Unavailable = emb, err
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	if x, err := strconv.ParseFloat(cfg.Get("embedder.min_similarity"), 64); err == nil && x > 0 {
		e.MinSimilarity = x
	}
	e.Background = func() { f.startReindex(context.Background(), s) }
	return e, nil
}

// similarHook lets fact extraction skip facts the context already holds in
// other words, when an embedder is usable; nil otherwise (facts are then
// compared by their normalised text only).
func (f *Factory) similarHook(s *store.Store) func(context.Context, string, []string) ([]string, error) {
	e, err := f.semanticOver(s, "infer")
	if err != nil || e.Embedder == nil || e.Unavailable != nil {
		return nil
	}
	return func(ctx context.Context, contextName string, texts []string) ([]string, error) {
		return e.Similar(ctx, contextName, texts, 0)
	}
}

// startReindex starts a detached `mem0 reindex --catch-up`, unless one was
// started within the last minute (a run holds reindex.lock; another one
// started meanwhile leaves at once).
func (f *Factory) startReindex(ctx context.Context, s *store.Store) {
	f.startBackground(ctx, s, stateReindexStarted, time.Minute, "reindex", "--catch-up", "--quiet")
}

// embedCommands write memories: after them, new text is embedded.
var embedCommands = map[string]bool{"add": true, "edit": true, "restore": true, "import": true, "ingest": true}

// maybeEmbed embeds what the command wrote when an embedder is configured:
// a few memories at once (one request), a big backlog in the background.
// A failure is a note, never an error: the memory is stored and will be
// embedded by the next search or reindex.
func (f *Factory) maybeEmbed(ctx context.Context, command string) {
	if !embedCommands[command] || f.store == nil {
		return
	}
	if cfg, err := f.Config(); err != nil || cfg.Get("embedder.provider") == "" || cfg.Get("embedder.provider") == "none" {
		return
	}
	e, err := f.Semantic(ctx, "index")
	if err != nil || e.Embedder == nil {
		return
	}
	if _, _, err := e.EmbedBacklog(ctx); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "Note: not embedded yet (%v); a later search or `mem0 reindex` will.\n", f.withEmbedderFix(err))
	}
}

// withEmbedderFix adds what to do to a provider error of the embedder
// (start Ollama, replace the key …); other errors are returned as they are.
func (f *Factory) withEmbedderFix(err error) error {
	var aerr *ai.Error
	if !errors.As(err, &aerr) {
		return err
	}
	r, rerr := f.aiRole("embedder")
	if rerr != nil || r == nil {
		return err
	}
	return fmt.Errorf("%w; %s", err, aiFix(r, err))
}

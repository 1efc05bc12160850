package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// ReindexOptions is what `mem0 reindex` was asked to do.
type ReindexOptions struct {
	f *Factory

	Reset bool
	Quiet bool
	JSON  bool
}

// NewCmdReindex builds `mem0 reindex`.
func NewCmdReindex(f *Factory, runF func(context.Context, *ReindexOptions) error) *cobra.Command {
	opts := &ReindexOptions{f: f}
	cmd := &cobra.Command{
		Use:   "reindex",
		Short: "Embed the memories that have no vector yet, for search by meaning",
		Long: `Send the memories that have no vector yet to the configured embedder
(embedder.provider), a batch of texts per request, store the vectors and
bring the vector index file up to date. Searches embed a few waiting
memories themselves; big backlogs (an import, a new or changed embedder)
are embedded by this command, which searches and writes also start in the
background. Stopping it loses nothing: what was stored stays, the rest
waits. --reset embeds every memory again.

What is sent goes through the secret filters first and is listed by
mem0 ai log. Without an embedder there is nothing to do.`,
		Example: `  mem0 config set embedder.provider ollama
  mem0 reindex
  mem0 reindex --reset     # after changing embedder.model`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return reindexRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Reset, "reset", false, "drop every vector and embed every memory again")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing unless it fails")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

type reindexResult struct {
	Embedded int    `json:"embedded"`
	Waiting  int    `json:"waiting"`
	Model    string `json:"model"`
	Seconds  string `json:"seconds"`
}

func reindexRun(ctx context.Context, opts *ReindexOptions) error {
	f := opts.f
	e, err := f.Semantic(ctx, "index")
	if err != nil {
		return err
	}
	if e.Embedder == nil && e.Unavailable == nil {
		return errors.New("no embedder is configured, so there is nothing to index: set one with `mem0 config set embedder.provider openai|ollama` (see docs/ai.md)")
	}
	p, err := f.Paths()
	if err != nil {
		return err
	}
	// One run at a time; a second waits for the first, then finds little left.
	unlock, err := lockFile(ctx, p.State, "reindex.lock", 10*time.Minute)
	if err != nil {
		return err
	}
	defer unlock()
	var bar *progress
	start := f.Now()
	n, err := e.Reindex(ctx, opts.Reset, func(done, total int) {
		if opts.Quiet {
			return
		}
		if bar == nil {
			bar = newProgress(f.IO, "Embedding", total)
		}
		bar.total = max(total, 1)
		bar.set(done)
	})
	if bar != nil {
		bar.done()
	}
	s, _ := f.Store(ctx)
	left, _ := s.EmbeddingBacklog(ctx)
	if err != nil {
		return fmt.Errorf("embedded %d memories, then: %w (%d still waiting; run mem0 reindex again)", n, err, left)
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, reindexResult{Embedded: n, Waiting: left, Model: e.Model, Seconds: fmt.Sprintf("%.1f", f.Now().Sub(start).Seconds())})
	}
	if !opts.Quiet {
		fmt.Fprintf(f.IO.ErrOut, "Embedded %d memor%s with %s in %.1fs.\n", n, map[bool]string{true: "y", false: "ies"}[n == 1], e.Model, f.Now().Sub(start).Seconds())
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/semantic"
	"github.com/mem0dev/mem0/store"
)

// ReindexOptions is what `mem0 reindex` was asked to do.
type ReindexOptions struct {
	f *Factory

	Reset   bool
	CatchUp bool // started in the background by a search or a write
	Quiet   bool
	JSON    bool
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
waits. Vectors made by another embedder (after embedder.* changed) are
dropped and made again; --reset embeds every memory again in any case.

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
	// The background run: it never drops vectors made by another embedder
	// (another program may be configured differently), and leaves at once
	// when a run is already going.
	cmd.Flags().BoolVar(&opts.CatchUp, "catch-up", false, "embed only what waits, for the embedder the vectors were made with")
	_ = cmd.Flags().MarkHidden("catch-up")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing unless it fails")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

type reindexResult struct {
	semantic.ReindexResult
	Waiting int    `json:"waiting"`
	Model   string `json:"model"`
	Seconds string `json:"seconds"`
}

// stateReindexError is the last background run's failure, for mem0 status.
const stateReindexError = "reindex_error"

func reindexRun(ctx context.Context, opts *ReindexOptions) error {
	f := opts.f
	e, err := f.Semantic(ctx, "reindex")
	if err != nil {
		return err
	}
	if e.Embedder == nil && e.Unavailable == nil {
		return semantic.ErrNoEmbedder
	}
	p, err := f.Paths()
	if err != nil {
		return err
	}
	// One run at a time. A background run leaves at once when one is
	// going; a run by hand waits for it, then finds little left.
	wait := 10 * time.Minute
	if opts.CatchUp {
		wait = 0
	}
	unlock, err := lockFile(ctx, p.State, "reindex.lock", wait)
	if opts.CatchUp && errors.Is(err, errLocked) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unlock()
	policy := semantic.Adopt
	switch {
	case opts.Reset:
		policy = semantic.Reset
	case opts.CatchUp:
		policy = semantic.CatchUp
	}
	var bar *progress
	start := f.Now()
	res, err := e.Reindex(ctx, policy, func(done, total int) {
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
	left, _ := e.Store.EmbeddingBacklog(ctx)
	if opts.CatchUp {
		// Nobody sees a background run's output: keep its failure for
		// mem0 status, and clear it once a run succeeds.
		_ = e.Store.WithTx(ctx, func(tx *store.Tx) error {
			if err != nil {
				return tx.SetState(ctx, stateReindexError, f.Now().UTC().Format(time.RFC3339)+" "+err.Error())
			}
			return tx.DeleteState(ctx, stateReindexError)
		})
	}
	if err != nil {
		return fmt.Errorf("embedded %d memories, then: %w (%d still waiting; run mem0 reindex again)", res.Embedded, f.withEmbedderFix(err), left)
	}
	secs := f.Now().Sub(start).Seconds()
	if opts.JSON {
		return writeJSON(f.IO.Out, reindexResult{ReindexResult: res, Waiting: left, Model: e.Model, Seconds: fmt.Sprintf("%.1f", secs)})
	}
	if !opts.Quiet {
		if res.Reset {
			fmt.Fprintf(f.IO.ErrOut, "Dropped the vectors of the previous embedder.\n")
		}
		fmt.Fprintf(f.IO.ErrOut, "Embedded %d memor%s with %s in %.1fs.\n", res.Embedded, map[bool]string{true: "y", false: "ies"}[res.Embedded == 1], e.Model, secs)
		if res.Skipped > 0 {
			fmt.Fprintf(f.IO.ErrOut, "The embedder refused %d text%s; %s no vector and %s found by words only.\n",
				res.Skipped, map[bool]string{true: "", false: "s"}[res.Skipped == 1],
				map[bool]string{true: "it has", false: "they have"}[res.Skipped == 1], map[bool]string{true: "is", false: "are"}[res.Skipped == 1])
		}
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// ContextSummarizeOptions is what `mem0 context summarize` was asked to do.
type ContextSummarizeOptions struct {
	f *Factory

	Name    string
	Since   string
	Until   string
	Last    int
	DryRun  bool
	Force   bool
	Explain bool
	JSON    bool
}

// summaryLimits bound what one summary reads and sends.
var summaryLimits = infer.SummaryLimits{MaxItems: 400, MaxBytes: 24_000, MaxItemBytes: 1_500}

// NewCmdContextSummarize builds `mem0 context summarize`.
func NewCmdContextSummarize(f *Factory, runF func(context.Context, *ContextSummarizeOptions) error) *cobra.Command {
	opts := &ContextSummarizeOptions{f: f}
	cmd := &cobra.Command{
		Use:     "summarize [NAME]",
		Aliases: []string{"summarise"},
		Short:   "Summarise a context with the LLM: what was done, what failed, how it was fixed",
		Long: `Send a context's recording (the current context by default) to the configured
LLM and store its short summary as a note in the context, tagged summary.

The model reads the commands (with exit status, duration, folder and git
branch), notes, facts and snippets, oldest first: the newest 400 of them, at
most 24,000 bytes (older ones are left out and the output says so; choose the
range with --since, --until or --last). Secrets are masked before anything
is sent (docs/ai.md). Summarising a range already summarised shows the stored
summary and sends nothing (--force asks again).

Needs llm.provider (docs/ai.md). The summary is printed on stdout; its id on
stderr, or both with --json.`,
		Example: `  mem0 context summarize incident-42
  mem0 context summarize --since today --dry-run
  mem0 context summarize --last 50 --explain`,
		Args:              rangeArgs(0, 1, "at most one context name"),
		ValidArgsFunction: completeContexts(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if opts.Last < 0 {
				return usageErrorf("--last %d: give a positive number", opts.Last)
			}
			for _, t := range []struct{ flag, val string }{{"--since", opts.Since}, {"--until", opts.Until}} {
				if _, err := parseTimeSpec(t.val, f.Now()); err != nil {
					return usageErrorf("%s: %v", t.flag, err)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextSummarizeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "", "only what was recorded since (7d, 12h, 2026-11-01, today)")
	cmd.Flags().StringVar(&opts.Until, "until", "", "only what was recorded before (same forms as --since)")
	cmd.Flags().IntVar(&opts.Last, "last", 0, "only the last N memories")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print the summary without storing it")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "ask the LLM again even when this range was summarised before")
	cmd.Flags().BoolVar(&opts.Explain, "explain", false, "print to stderr what is sent, and to whom")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// summaryResult is the JSON output of `mem0 context summarize`.
type summaryResult struct {
	ID       string    `json:"id,omitempty"` // empty with --dry-run
	Context  string    `json:"context"`
	Summary  string    `json:"summary"`
	Provider string    `json:"provider,omitempty"`
	Model    string    `json:"model"`
	Items    int       `json:"items"`
	LeftOut  bool      `json:"left_out"` // older memories were left out to fit
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	FromID   string    `json:"from_id"`
	ToID     string    `json:"to_id"`
	Stored   bool      `json:"stored"`   // a new summary was stored
	Existing bool      `json:"existing"` // this range was summarised before: that summary, nothing sent
}

func contextSummarizeRun(ctx context.Context, opts *ContextSummarizeOptions) error {
	f := opts.f
	if opts.Explain {
		done := f.explainAI(f.IO.ErrOut)
		defer done()
	}
	name, _, err := f.CurrentContext(ctx, opts.Name)
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	if _, err := s.GetContext(ctx, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w; `mem0 context list` shows the contexts", err)
		}
		return err
	}
	// Before reading anything: with no LLM there is nothing to do.
	chat, role, err := f.LLM("summarize")
	if err != nil {
		return err
	}

	lim := summaryLimits
	if opts.Last > 0 && opts.Last < lim.MaxItems {
		lim.MaxItems = opts.Last
	}
	ms, more, err := summaryInput(ctx, s, name, opts, lim.MaxItems)
	if err != nil {
		return err
	}
	mask, err := f.inferMask()
	if err != nil {
		return err
	}
	t := infer.NewSummaryTranscript(name, ms, lim, mask)
	if len(t.Items) == 0 {
		what := name + " holds no commands or notes to summarise"
		if opts.Since != "" || opts.Until != "" {
			what += " in that time range"
		}
		return errors.New(what + "; nothing was sent")
	}
	res := summaryResult{
		Context: name, Provider: role.Provider, Model: role.Model, Items: len(t.Items),
		LeftOut: t.Left > 0 || (more && (opts.Last == 0 || opts.Last > summaryLimits.MaxItems)),
		From:    t.From().CreatedAt.UTC(), To: t.To().CreatedAt.UTC(), FromID: t.From().ID, ToID: t.To().ID,
	}
	if res.LeftOut {
		fmt.Fprintf(f.IO.ErrOut, "Summarising the newest %d memories of %s; older ones are left out (at most %d memories and %d bytes are sent: choose the range with --since, --until or --last).\n",
			res.Items, name, summaryLimits.MaxItems, summaryLimits.MaxBytes)
	}

	if !opts.Force {
		old, err := findSummary(ctx, s, name, res)
		if err != nil {
			return err
		}
		if old != nil {
			res.ID, res.Summary, res.Existing = old.ID, old.Content, true
			if m, _ := old.Metadata["model"].(string); m != "" {
				res.Model = m
			}
			if p, _ := old.Metadata["provider"].(string); p != "" {
				res.Provider = p
			}
			if opts.JSON {
				return writeJSON(f.IO.Out, res)
			}
			fmt.Fprintf(f.IO.ErrOut, "Already summarised as %s; nothing was sent (--force asks again).\n", old.ID)
			_, err = fmt.Fprintln(f.IO.Out, old.Content)
			return err
		}
	}

	if opts.Explain && t.Masked > 0 {
		// Masked before long memories were cut: the request's own count
		// leaves these out.
		fmt.Fprintf(f.IO.ErrOut, "%s masked in long memories before they were cut and sent\n", plural(t.Masked, "secret"))
	}
	answer, err := chat.Chat(ctx, infer.SummaryPrompt(t), ai.ChatOptions{MaxTokens: 1024})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w; %s; nothing was stored", err, aiFix(role, err))
	}
	res.Summary = infer.CleanSummary(answer)
	if res.Summary == "" {
		return fmt.Errorf("%s (%s) gave an empty summary; nothing was stored", role.Provider, role.Model)
	}

	if !opts.DryRun {
		meta := map[string]any{
			"provider": res.Provider, "model": res.Model, "items": res.Items,
			"from": stamp(res.From), "to": stamp(res.To), "from_id": res.FromID, "to_id": res.ToID,
		}
		if res.LeftOut {
			meta["left_out"] = true
		}
		var m *store.Memory
		var dup bool
		err = s.WithTx(ctx, func(tx *store.Tx) error {
			m, dup, err = tx.AddMemory(ctx, store.NewMemory{
				Context: name, Kind: content.KindNote, Content: res.Summary, Metadata: meta,
				Tags: []string{infer.SummaryTag}, Source: content.SourceLLM,
			})
			return err
		})
		if err != nil {
			return err
		}
		res.ID, res.Stored = m.ID, !dup
		if lvl, _ := s.ContextLevel(ctx, name); lvl == "read" && res.Stored {
			fmt.Fprintf(f.IO.ErrOut, "Note: you can only read %s on the server; this summary stays on this machine (the server will refuse it).\n", name)
		}
	}

	if opts.JSON {
		return writeJSON(f.IO.Out, res)
	}
	if _, err := fmt.Fprintln(f.IO.Out, res.Summary); err != nil {
		return err
	}
	noun := "memories"
	if res.Items == 1 {
		noun = "memory"
	}
	span := fmt.Sprintf("%d %s, %s to %s", res.Items, noun, stamp(res.From), stamp(res.To))
	switch {
	case opts.DryRun:
		fmt.Fprintf(f.IO.ErrOut, "Not stored (--dry-run); summary of %s.\n", span)
	case !res.Stored:
		fmt.Fprintf(f.IO.ErrOut, "Already remembered in %s as %s.\n", name, res.ID)
	default:
		fmt.Fprintf(f.IO.ErrOut, "Stored in %s as %s (summary of %s).\n", name, res.ID, span)
	}
	return nil
}

// summaryInput reads the newest memories of a context to summarise (at
// most want, stored summaries skipped), newest first, and whether older
// ones were left.
func summaryInput(ctx context.Context, s *store.Store, name string, opts *ContextSummarizeOptions, want int) ([]*store.Memory, bool, error) {
	flt := store.Filter{Contexts: []string{name}}
	flt.Since, _ = parseTimeSpec(opts.Since, opts.f.Now())
	flt.Until, _ = parseTimeSpec(opts.Until, opts.f.Now())
	flt.Limit = want + 32
	var out []*store.Memory
	for {
		page, err := s.ListMemories(ctx, flt)
		if err != nil {
			return nil, false, err
		}
		for _, m := range page {
			if infer.IsSummary(m) {
				continue
			}
			if len(out) == want {
				return out, true, nil
			}
			out = append(out, m)
		}
		if len(page) < flt.Limit {
			return out, false, nil
		}
		flt.Offset += flt.Limit
	}
}

// findSummary is the stored summary of exactly the range of res, if any.
func findSummary(ctx context.Context, s *store.Store, name string, res summaryResult) (*store.Memory, error) {
	ms, err := s.ListMemories(ctx, store.Filter{Contexts: []string{name}, Kind: content.KindNote, Tags: []string{infer.SummaryTag}, Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		items, _ := m.Metadata["items"].(float64)
		if infer.IsSummary(m) && m.Metadata["from_id"] == res.FromID && m.Metadata["to_id"] == res.ToID && int(items) == res.Items {
			return m, nil
		}
	}
	return nil, nil
}

package cli

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/semantic"
	"github.com/mem0dev/mem0/store"
)

// SearchOptions is what `mem0 search` was asked to do.
type SearchOptions struct {
	f *Factory
	filterFlags

	Query    string
	Semantic bool
	Keyword  bool
	Explain  bool
	JSON     bool
}

// mode is the ranking asked for.
func (o *SearchOptions) mode() semantic.Mode {
	switch {
	case o.Semantic:
		return semantic.Semantic
	case o.Keyword:
		return semantic.Keyword
	}
	return semantic.Auto
}

// NewCmdSearch builds `mem0 search`.
func NewCmdSearch(f *Factory, runF func(context.Context, *SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{f: f}
	cmd := &cobra.Command{
		Use:     "search QUERY...",
		Aliases: []string{"recall", "find"},
		Short:   "Find memories by the words in them, and by meaning when an embedder is set",
		Long: `Find memories in the current context (or every context with --all-contexts),
best match first (BM25 ranking; among equally good matches, the newer first).

With an embedder configured (embedder.provider), search is hybrid: the
word ranking and a ranking by meaning (cosine similarity of embeddings)
are fused by reciprocal rank fusion, so "how do I ship a release" finds
"deploy with make publish". --keyword or --semantic use one ranking only;
--explain says which ran, why, what was sent to the embedder and where
each hit ranked. If the embedder cannot be reached, search falls back to
words and says so. See docs/ai.md.

Type plain words: every word must appear (word forms count, so "deploying"
finds "deploy"); a trailing * matches a prefix ("kube*"). Quotes, dashes,
colons, parentheses and words like NEAR or OR are searched for as written,
never read as query syntax. When no memory holds every word, memories holding
any of them are shown instead, and a note on stderr says so (in a hybrid
search they count half, and --explain says so).`,
		Example: `  mem0 search staging database
  mem0 recall "docker compose" --all-contexts
  mem0 search deploy --kind command --since 7d
  mem0 search kube* --tag infra --json | jq '.[0].content'
  mem0 search how do I ship a release --explain
  mem0 search --semantic flaky tests`,
		Args: minArgs(1, "words to search for"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = strings.Join(args, " ")
			if opts.Semantic && opts.Keyword {
				return usageErrorf("--semantic and --keyword cannot be used together")
			}
			if err := opts.validate(f); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return searchRun(cmd.Context(), opts)
		},
	}
	opts.register(cmd, f, 10)
	cmd.Flags().BoolVar(&opts.Semantic, "semantic", false, "rank by meaning only (needs an embedder)")
	cmd.Flags().BoolVar(&opts.Keyword, "keyword", false, "rank by words only (BM25), even with an embedder")
	cmd.Flags().BoolVar(&opts.Explain, "explain", false, "say how the search ran, what was sent where, and why each hit ranks")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func searchRun(ctx context.Context, opts *SearchOptions) error {
	f := opts.f
	flt, err := opts.build(ctx, f)
	if err != nil {
		return err
	}
	if opts.Explain {
		defer f.explainAI(f.IO.ErrOut)()
	}
	e, err := f.Semantic(ctx, "search")
	if err != nil {
		return err
	}
	s := e.Store
	tty := f.IO.IsStdoutTTY() && !opts.JSON
	hits, ex, err := e.Search(ctx, opts.Query, flt, opts.mode(), tty)
	if err != nil {
		return f.withEmbedderFix(err)
	}
	if opts.Explain {
		explainSearch(ctx, f, s, ex, hits)
	} else if ex.Asked == semantic.Auto && ex.Mode == semantic.Keyword && e.Model != "" {
		// An embedder is configured but could not be used: say so once,
		// with what to do about it.
		fmt.Fprintf(f.IO.ErrOut, "Note: %s.\n", strings.TrimSuffix(ex.Reason, "."))
		if ex.Err != nil {
			if fixed := f.withEmbedderFix(ex.Err); fixed != ex.Err {
				fmt.Fprintf(f.IO.ErrOut, "To use the embedder: %s.\n", strings.TrimPrefix(fixed.Error(), ex.Err.Error()+"; "))
			}
		}
	}
	res := make([]store.Result, len(hits))
	for i, h := range hits {
		res[i] = h.Result
	}
	if ex.Mode != semantic.Semantic && ex.Match == store.MatchAny && len(res) > 0 && ex.Mode == semantic.Keyword {
		fmt.Fprintln(f.IO.ErrOut, "No memory holds every word; showing those that hold some.")
	}
	switch {
	case ex.Match == store.NoWords && ex.Mode == semantic.Keyword:
		fmt.Fprintf(f.IO.ErrOut, "The query %q has no words to search for.\n", opts.Query)
	case len(res) == 0:
		fmt.Fprintf(f.IO.ErrOut, "No memories match %q%s.\n", opts.Query, scopeNote(flt))
		if len(flt.Contexts) > 0 {
			flt.Contexts, flt.Limit = nil, 1
			if other, _, err := s.Search(ctx, opts.Query, flt, false); err == nil && len(other) > 0 {
				fmt.Fprintln(f.IO.ErrOut, "Other contexts have matches: add --all-contexts.")
			}
		}
	}
	if opts.JSON {
		if hits == nil {
			hits = []semantic.Hit{}
		}
		return writeJSON(f.IO.Out, hits)
	}
	if !tty {
		ms := make([]*store.Memory, len(res))
		for i := range res {
			ms[i] = res[i].Memory
		}
		return f.printMemories(ms, nil, func(i int) string { return fmt.Sprintf("%.3f", res[i].Score) })
	}
	return printSearchResults(ctx, f, s, res)
}

// explainSearch tells, on stderr, how the search ran and where each hit
// ranked in the word and meaning rankings.
func explainSearch(ctx context.Context, f *Factory, s *store.Store, ex *semantic.Explanation, hits []semantic.Hit) {
	w := f.IO.ErrOut
	ms := make([]*store.Memory, len(hits))
	for i := range hits {
		ms[i] = hits[i].Memory
	}
	short, err := f.shortIDs(ctx, s, ms)
	if err != nil {
		short = map[string]string{}
	}
	switch ex.Mode {
	case semantic.Hybrid:
		fmt.Fprintf(w, "Search: hybrid: words (BM25, %s) and meaning (%s), fused by reciprocal rank (k=60); memories found by meaning alone need similarity >= %.2f.\n", matchWords(ex.Match, true), ex.Model, ex.MinSim)
	case semantic.Semantic:
		fmt.Fprintf(w, "Search: meaning only (%s), by cosine similarity.\n", ex.Model)
	default:
		fmt.Fprintf(w, "Search: words only (BM25, %s)", matchWords(ex.Match, false))
		if ex.Reason != "" {
			fmt.Fprintf(w, ", because %s", ex.Reason)
		}
		fmt.Fprintln(w, ".")
	}
	if ex.Mode != semantic.Keyword {
		fmt.Fprintf(w, "Vectors: %d memories indexed", ex.Indexed)
		if ex.EmbeddedNow > 0 {
			fmt.Fprintf(w, ", %d embedded with the query", ex.EmbeddedNow)
		}
		if ex.Waiting > 0 {
			fmt.Fprintf(w, ", %d waiting", ex.Waiting)
			if ex.Background {
				fmt.Fprint(w, " (being embedded in the background)")
			}
		}
		fmt.Fprintln(w, ".")
	}
	for i, h := range hits {
		fmt.Fprintf(w, "  %2d. %s  score %.4f", i+1, cmp.Or(short[h.ID], h.ID), h.Score)
		if ex.Mode != semantic.Keyword {
			fmt.Fprintf(w, "  words %s  meaning %s", rankText(h.KeywordRank), rankText(h.SemanticRank))
			if h.Similarity != 0 {
				fmt.Fprintf(w, " (similarity %.3f)", h.Similarity)
			}
		}
		fmt.Fprintln(w)
	}
}

func matchWords(m store.SearchMode, hybrid bool) string {
	switch m {
	case store.MatchAll:
		return "every word matched"
	case store.MatchAny:
		if hybrid {
			return "no memory holds every word, so any word counted, at half weight"
		}
		return "no memory holds every word, so any word counted"
	case store.NoWords:
		return "no words to match"
	}
	return "not run"
}

func rankText(r int) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("#%d", r)
}

func scopeNote(flt store.Filter) string {
	if len(flt.Contexts) == 1 {
		return " in context " + flt.Contexts[0]
	}
	return ""
}

// printSearchResults shows each hit as a header line and its text, matched
// words highlighted, at most a few lines of it.
func printSearchResults(ctx context.Context, f *Factory, s *store.Store, res []store.Result) error {
	st := f.Styles()
	ms := make([]*store.Memory, len(res))
	for i := range res {
		ms[i] = res[i].Memory
	}
	short, err := f.shortIDs(ctx, s, ms)
	if err != nil {
		return err
	}
	now := f.Now()
	width := f.IO.TerminalWidth()
	var b strings.Builder
	for i, r := range res {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s  %s  %s  %s", st.ID.Render(short[r.ID]), st.Context.Render(r.Context),
			st.Kind.Render(r.Kind), st.Dim.Render(ago(now, r.CreatedAt)))
		if len(r.Tags) > 0 {
			b.WriteString("  " + st.Dim.Render("#"+strings.Join(r.Tags, " #")))
		}
		b.WriteByte('\n')
		text := r.Highlight
		if text == "" {
			text = r.Content
		}
		lines := strings.Split(text, "\n")
		const maxLines = 4
		for j, line := range lines {
			if j == maxLines {
				b.WriteString(st.Dim.Render(fmt.Sprintf("    … %d more lines", len(lines)-maxLines)) + "\n")
				break
			}
			b.WriteString("    " + renderMarks(truncateMarked(line, width-4), st) + "\n")
		}
	}
	_, err = fmt.Fprint(f.IO.Out, b.String())
	return err
}

// renderMarks replaces the store's highlight markers with the match style.
func renderMarks(s string, st styles) string {
	var b strings.Builder
	for {
		i := strings.Index(s, store.MarkStart)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+len(store.MarkStart):]
		j := strings.Index(s, store.MarkEnd)
		if j < 0 {
			j = len(s)
		}
		b.WriteString(st.Match.Render(s[:j]))
		s = strings.TrimPrefix(s[j:], store.MarkEnd)
	}
}

// truncateMarked cuts a line to width visible runes, ignoring the markers.
func truncateMarked(s string, width int) string {
	visible := 0
	for i, r := range s {
		if string(r) == store.MarkStart || string(r) == store.MarkEnd {
			continue
		}
		visible++
		if visible > width {
			return s[:i] + "…"
		}
	}
	return s
}

package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// SearchOptions is what `mem0 search` was asked to do.
type SearchOptions struct {
	f *Factory
	filterFlags

	Query string
	JSON  bool
}

// NewCmdSearch builds `mem0 search`.
func NewCmdSearch(f *Factory, runF func(context.Context, *SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{f: f}
	cmd := &cobra.Command{
		Use:     "search QUERY...",
		Aliases: []string{"recall", "find"},
		Short:   "Find memories by the words in them",
		Long: `Find memories in the current context (or every context with --all-contexts),
best match first (BM25 ranking; among equally good matches, the newer first).

Type plain words: every word must appear (word forms count, so "deploying"
finds "deploy"); a trailing * matches a prefix ("kube*"). Quotes, dashes,
colons, parentheses and words like NEAR or OR are searched for as written,
never read as query syntax. When no memory holds every word, memories holding
any of them are shown instead, and a note on stderr says so.`,
		Example: `  mem0 search staging database
  mem0 recall "docker compose" --all-contexts
  mem0 search deploy --kind command --since 7d
  mem0 search kube* --tag infra --json | jq '.[0].content'`,
		Args: minArgs(1, "words to search for"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = strings.Join(args, " ")
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
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func searchRun(ctx context.Context, opts *SearchOptions) error {
	f := opts.f
	flt, err := opts.build(ctx, f)
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	tty := f.IO.IsStdoutTTY() && !opts.JSON
	res, mode, err := s.Search(ctx, opts.Query, flt, tty)
	if err != nil {
		return err
	}
	if mode == store.MatchAny && len(res) > 0 {
		fmt.Fprintln(f.IO.ErrOut, "No memory holds every word; showing those that hold some.")
	}
	switch {
	case mode == store.NoWords:
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
		if res == nil {
			res = []store.Result{}
		}
		return writeJSON(f.IO.Out, res)
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

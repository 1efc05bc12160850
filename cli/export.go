package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ExportOptions is what `mem0 export` was asked to do.
type ExportOptions struct {
	f         *Factory
	Format    string
	Contexts  []string
	Output    string
	NoHistory bool
}

// NewCmdExport builds `mem0 export`.
func NewCmdExport(f *Factory, runF func(context.Context, *ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{f: f}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write memories out as JSONL (lossless) or Markdown",
		Long: `Write every context's memories (or those of --context) to stdout or --output.

JSONL is lossless: one JSON object per line, first the contexts
({"type":"context",...}) then the memories ({"type":"memory",...}) with ids,
timestamps, versions, deleted ones and their history. mem0 import reads it
back, and importing the same file twice changes nothing.

Markdown is for reading: live memories grouped by context.`,
		Example: `  mem0 export > backup.jsonl
  mem0 export --context billing --format markdown -o billing.md
  mem0 export --no-history | gzip > memories.jsonl.gz`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch opts.Format {
			case "jsonl", "markdown", "md":
			default:
				return usageErrorf("--format %q: use jsonl or markdown", opts.Format)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "jsonl", "jsonl or markdown")
	cmd.Flags().StringArrayVarP(&opts.Contexts, "context", "c", nil, "only this context (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("context", completeContexts(f))
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to this file instead of stdout")
	cmd.Flags().BoolVar(&opts.NoHistory, "no-history", false, "JSONL: leave out earlier versions and deleted memories")
	return cmd
}

func exportRun(ctx context.Context, opts *ExportOptions) (err error) {
	f := opts.f
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	for _, c := range opts.Contexts {
		if _, err := s.GetContext(ctx, c); err != nil {
			return err
		}
	}
	out := f.IO.Out
	var file *os.File
	if opts.Output != "" {
		// Write beside the target and rename, so a failed export never
		// leaves a truncated file where a good one was.
		file, err = os.CreateTemp(filepath.Dir(opts.Output), ".mem0-export-*")
		if err != nil {
			return fmt.Errorf("create %s: %w", opts.Output, err)
		}
		defer func() {
			if err != nil {
				file.Close()
				os.Remove(file.Name())
			}
		}()
		out = file
	}
	w := bufio.NewWriterSize(out, 64<<10)
	n := 0
	if opts.Format == "jsonl" {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		err = s.Export(ctx, store.ExportFilter{Contexts: opts.Contexts, IncludeDeleted: !opts.NoHistory, WithHistory: !opts.NoHistory},
			func(r store.Record) error {
				if r.Type == "memory" {
					n++
				}
				return enc.Encode(r)
			})
	} else {
		n, err = exportMarkdown(ctx, s, opts.Contexts, w)
	}
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return fmt.Errorf("write %s: %w", opts.Output, err)
		}
		if err := os.Rename(file.Name(), opts.Output); err != nil {
			return fmt.Errorf("write %s: %w", opts.Output, err)
		}
	}
	fmt.Fprintf(f.IO.ErrOut, "Exported %d memories.\n", n)
	return nil
}

func exportMarkdown(ctx context.Context, s *store.Store, contexts []string, w io.Writer) (int, error) {
	type group struct {
		desc string
		ms   []*store.Memory
	}
	groups := map[string]*group{}
	var names []string
	n := 0
	err := s.Export(ctx, store.ExportFilter{Contexts: contexts}, func(r store.Record) error {
		if r.Type == "context" {
			groups[r.Name] = &group{desc: r.Description}
			names = append(names, r.Name)
			return nil
		}
		g := groups[r.Context]
		g.ms = append(g.ms, r.Memory)
		n++
		return nil
	})
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	fmt.Fprintln(w, "# mem0 export")
	for _, name := range names {
		g := groups[name]
		if len(g.ms) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n## %s\n", name)
		if g.desc != "" {
			fmt.Fprintf(w, "\n%s\n", g.desc)
		}
		for _, m := range g.ms {
			fmt.Fprintf(w, "\n### %s · %s · %s\n\n", m.CreatedAt.UTC().Format("2006-01-02 15:04"), m.Kind, m.ID)
			if len(m.Tags) > 0 {
				fmt.Fprintf(w, "Tags: %s\n\n", strings.Join(m.Tags, ", "))
			}
			switch m.Kind {
			case "snippet", "command":
				fence := "```"
				for strings.Contains(m.Content, fence) {
					fence += "`"
				}
				fmt.Fprintf(w, "%s\n%s\n%s\n", fence, m.Content, fence)
			default:
				fmt.Fprintln(w, m.Content)
			}
		}
	}
	return n, nil
}

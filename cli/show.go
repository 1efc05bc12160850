package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// ShowOptions is what `mem0 show` was asked to do.
type ShowOptions struct {
	f *Factory

	ID   string
	Raw  bool
	JSON bool
}

// NewCmdShow builds `mem0 show`.
func NewCmdShow(f *Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one memory in full",
		Long: `Show a memory with all its fields. ID may be any unique prefix of the id,
as with git's short hashes.`,
		Example: `  mem0 show 0193a5e2-7c1b
  mem0 show 0193a5e2-7c1b --raw > snippet.go
  mem0 show 0193a5e2-7c1b --json`,
		Args:              exactArgs(1, "one memory id"),
		ValidArgsFunction: completeMemoryIDs(f, false),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if opts.Raw && opts.JSON {
				return usageErrorf("--raw and --json cannot be used together")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "print only the content")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	f := opts.f
	s, id, err := f.storeAndID(ctx, opts.ID)
	if err != nil {
		return err
	}
	m, err := s.GetMemory(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case opts.JSON:
		return writeJSON(f.IO.Out, m)
	case opts.Raw:
		_, err := fmt.Fprintln(f.IO.Out, m.Content)
		return err
	}
	st := f.Styles()
	fl := fields{key: st.Dim}
	fl.add("id", st.ID.Render(m.ID))
	fl.add("context", st.Context.Render(m.Context))
	fl.add("kind", st.Kind.Render(m.Kind))
	if len(m.Tags) > 0 {
		fl.add("tags", strings.Join(m.Tags, ", "))
	}
	if len(m.Metadata) > 0 {
		keys := make([]string, 0, len(m.Metadata))
		for k := range m.Metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fl.add("meta", fmt.Sprintf("%s=%v", k, m.Metadata[k]))
		}
	}
	fl.add("source", m.Source)
	if m.Author != "" {
		fl.add("author", m.Author)
	}
	fl.add("created", stamp(m.CreatedAt))
	fl.add("updated", fmt.Sprintf("%s (version %d)", stamp(m.UpdatedAt), m.Version))
	if m.Deleted() {
		fl.add("deleted", st.Warn.Render(stamp(*m.DeletedAt)+" - `mem0 restore "+m.ID+"` brings it back"))
	}
	_, err = fmt.Fprint(f.IO.Out, fl.String()+"\n"+m.Content+"\n")
	return err
}

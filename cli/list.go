package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ListOptions is what `mem0 list` was asked to do.
type ListOptions struct {
	f *Factory
	filterFlags

	Deleted bool
	JSON    bool
}

// NewCmdList builds `mem0 list`.
func NewCmdList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List memories, newest first",
		Long: `List the memories of the current context (or of every context with
--all-contexts), newest first. On a terminal ids are shortened to the fewest
characters that are unique; piped, each memory is one tab-separated line with
its full id: id, context, kind, created (RFC 3339), content.`,
		Example: `  mem0 list
  mem0 ls --all-contexts --kind fact --limit 50
  mem0 list --since yesterday --tag release
  mem0 list --deleted          # what mem0 rm removed (mem0 restore brings it back)
  mem0 list --json | jq -r '.[].id'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(f); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	opts.register(cmd, f, 20)
	cmd.Flags().BoolVar(&opts.Deleted, "deleted", false, "list deleted memories instead")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	f := opts.f
	flt, err := opts.build(ctx, f)
	if err != nil {
		return err
	}
	if opts.Deleted {
		flt.Deleted = store.DeletedOnly
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	ms, err := s.ListMemories(ctx, flt)
	if err != nil {
		return err
	}
	if opts.JSON {
		if ms == nil {
			ms = []*store.Memory{}
		}
		return writeJSON(f.IO.Out, ms)
	}
	if len(ms) == 0 {
		fmt.Fprintf(f.IO.ErrOut, "No memories%s.\n", scopeNote(flt))
		return nil
	}
	short, err := f.shortIDs(ctx, s, ms)
	if err != nil {
		return err
	}
	return f.printMemories(ms, short, nil)
}

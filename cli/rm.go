package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// RmOptions is what `mem0 rm` was asked to do.
type RmOptions struct {
	f   *Factory
	IDs []string
}

// NewCmdRm builds `mem0 rm`.
func NewCmdRm(f *Factory, runF func(context.Context, *RmOptions) error) *cobra.Command {
	opts := &RmOptions{f: f}
	cmd := &cobra.Command{
		Use:     "rm ID...",
		Aliases: []string{"forget", "delete"},
		Short:   "Delete memories (recoverable with mem0 restore)",
		Long: `Delete memories. They disappear from search and listings but are kept,
with their history, so mem0 restore can bring them back; mem0 list --deleted
shows them. Either every id is deleted or, if one cannot be, none is.`,
		Example: `  mem0 rm 0193a5e2-7c1b
  mem0 rm 0193a5e2-7c1b 0193a5e3-01aa
  mem0 list --tag temp --json | jq -r '.[].id' | xargs mem0 rm`,
		Args:              minArgs(1, "at least one memory id"),
		ValidArgsFunction: completeMemoryIDs(f, false),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return rmRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func rmRun(ctx context.Context, opts *RmOptions) error {
	f := opts.f
	var ids []string
	for _, p := range opts.IDs {
		id, err := f.resolveID(ctx, p)
		if err != nil {
			return err
		}
		// The same memory named twice (or by two prefixes) is deleted once.
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if _, err := tx.DeleteMemory(ctx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		fmt.Fprintf(f.IO.ErrOut, "Deleted %s (mem0 restore %s brings it back).\n", id, id)
	}
	return nil
}

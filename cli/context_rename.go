package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextRenameOptions is what `mem0 context rename` was asked to do.
type ContextRenameOptions struct {
	f        *Factory
	From, To string
}

// NewCmdContextRename builds `mem0 context rename`.
func NewCmdContextRename(f *Factory, runF func(context.Context, *ContextRenameOptions) error) *cobra.Command {
	opts := &ContextRenameOptions{f: f}
	cmd := &cobra.Command{
		Use:               "rename OLD NEW",
		Aliases:           []string{"mv"},
		Short:             "Rename a context, keeping its memories",
		Example:           `  mem0 context rename incident-42 incident-42-checkout`,
		Args:              exactArgs(2, "the old and the new name"),
		ValidArgsFunction: completeContexts(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.From, opts.To = args[0], args[1]
			if err := store.ValidateContextName(opts.To); err != nil {
				return &FlagError{err: err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextRenameRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func contextRenameRun(ctx context.Context, opts *ContextRenameOptions) error {
	s, err := opts.f.Store(ctx)
	if err != nil {
		return err
	}
	if err := s.WithTx(ctx, func(tx *store.Tx) error { return tx.RenameContext(ctx, opts.From, opts.To) }); err != nil {
		return err
	}
	fmt.Fprintf(opts.f.IO.ErrOut, "Renamed context %s to %s.\n", opts.From, opts.To)
	return nil
}

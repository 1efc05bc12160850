package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextRmOptions is what `mem0 context rm` was asked to do.
type ContextRmOptions struct {
	f     *Factory
	Name  string
	Force bool
}

// NewCmdContextRm builds `mem0 context rm`.
func NewCmdContextRm(f *Factory, runF func(context.Context, *ContextRmOptions) error) *cobra.Command {
	opts := &ContextRmOptions{f: f}
	cmd := &cobra.Command{
		Use:   "rm NAME",
		Short: "Delete a context",
		Long: `Delete a context. A context that still holds memories is only deleted with
--force, and then its memories and their history go with it for good:
export them first (mem0 export --context NAME > NAME.jsonl) to keep a copy.`,
		Example: `  mem0 context rm scratch
  mem0 export --context old-project > old-project.jsonl && mem0 context rm old-project --force`,
		Args:              exactArgs(1, "a context name"),
		ValidArgsFunction: completeContexts(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextRmRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "also delete the memories it holds")
	return cmd
}

func contextRmRun(ctx context.Context, opts *ContextRmOptions) error {
	s, err := opts.f.Store(ctx)
	if err != nil {
		return err
	}
	var n int
	var id string
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		c, err := tx.GetContext(ctx, opts.Name)
		if err != nil {
			return err
		}
		id = c.ID
		n, err = tx.DeleteContext(ctx, opts.Name, opts.Force)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.f.IO.ErrOut, "Deleted context %s and %d memories.\n", opts.Name, n)
	// Shells recording into it stop; what they had spooled is dropped.
	p, err := opts.f.Paths()
	if err != nil {
		return err
	}
	if stopped, err := p.Sessions().Stop(id); err != nil {
		return err
	} else if stopped > 0 {
		fmt.Fprintf(opts.f.IO.ErrOut, "Stopped recording in %s.\n", plural(stopped, "shell"))
	}
	return nil
}

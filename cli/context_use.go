package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextUseOptions is what `mem0 context use` was asked to do.
type ContextUseOptions struct {
	f    *Factory
	Name string
}

// NewCmdContextUse builds `mem0 context use`.
func NewCmdContextUse(f *Factory, runF func(context.Context, *ContextUseOptions) error) *cobra.Command {
	opts := &ContextUseOptions{f: f}
	cmd := &cobra.Command{
		Use:   "use NAME",
		Short: "Make a context the current one",
		Long: `Make NAME the context that commands use when neither --context nor
$MEM0_CONTEXT says otherwise. The context must exist (mem0 context create).`,
		Example: `  mem0 context use billing
  mem0 context use default`,
		Args:              exactArgs(1, "a context name"),
		ValidArgsFunction: completeContexts(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextUseRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func contextUseRun(ctx context.Context, opts *ContextUseOptions) error {
	f := opts.f
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	var name string
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		c, err := tx.GetContext(ctx, opts.Name)
		if err != nil {
			if opts.Name != store.DefaultContext {
				return fmt.Errorf("%w; create it with `mem0 context create %s`", err, opts.Name)
			}
			if c, _, err = tx.EnsureContext(ctx, opts.Name); err != nil {
				return err
			}
		}
		name = c.Name
		return tx.SetState(ctx, store.StateCurrentContext, c.Name)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Now using context %s.\n", name)
	if env := f.Getenv("MEM0_CONTEXT"); env != "" {
		fmt.Fprintf(f.IO.ErrOut, "Note: MEM0_CONTEXT=%s is set in this shell and takes precedence.\n", env)
	}
	return nil
}

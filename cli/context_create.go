package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextCreateOptions is what `mem0 context create` was asked to do.
type ContextCreateOptions struct {
	f           *Factory
	Name        string
	Description string
	Use         bool
}

// NewCmdContextCreate builds `mem0 context create`.
func NewCmdContextCreate(f *Factory, runF func(context.Context, *ContextCreateOptions) error) *cobra.Command {
	opts := &ContextCreateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a context",
		Long: `Create a context. Names are 1-64 letters, digits, '.', '_' or '-', start
with a letter or digit, and are unique regardless of case.`,
		Example: `  mem0 context create billing
  mem0 context create incident-42 --description "checkout 500s" --use`,
		Args: exactArgs(1, "a context name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := store.ValidateContextName(opts.Name); err != nil {
				return &FlagError{err: err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextCreateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Description, "description", "d", "", "what the context is for")
	cmd.Flags().BoolVar(&opts.Use, "use", false, "make it the current context")
	return cmd
}

func contextCreateRun(ctx context.Context, opts *ContextCreateOptions) error {
	s, err := opts.f.Store(ctx)
	if err != nil {
		return err
	}
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.CreateContext(ctx, opts.Name, opts.Description); err != nil {
			return err
		}
		if opts.Use {
			return tx.SetState(ctx, store.StateCurrentContext, opts.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.f.IO.ErrOut, "Created context %s.\n", opts.Name)
	return nil
}

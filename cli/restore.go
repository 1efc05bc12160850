package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// RestoreOptions is what `mem0 restore` was asked to do.
type RestoreOptions struct {
	f       *Factory
	ID      string
	Version int
	JSON    bool
}

// NewCmdRestore builds `mem0 restore`.
func NewCmdRestore(f *Factory, runF func(context.Context, *RestoreOptions) error) *cobra.Command {
	opts := &RestoreOptions{f: f}
	cmd := &cobra.Command{
		Use:     "restore ID",
		Aliases: []string{"undelete"},
		Short:   "Bring back a deleted memory or an earlier version",
		Long: `Without --version, bring back a memory that mem0 rm deleted. With
--version N, make version N (see mem0 history) the current text again. Either
way the restored state is saved as a new version: history is never rewritten.`,
		Example: `  mem0 restore 0193a5e2-7c1b
  mem0 restore 0193a5e2-7c1b --version 2`,
		Args:              exactArgs(1, "one memory id"),
		ValidArgsFunction: completeMemoryIDs(f, true),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if opts.Version < 0 {
				return usageErrorf("--version %d: versions start at 1", opts.Version)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return restoreRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Version, "version", 0, "the version to bring back (see mem0 history)")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func restoreRun(ctx context.Context, opts *RestoreOptions) error {
	f := opts.f
	s, id, err := f.storeAndID(ctx, opts.ID)
	if err != nil {
		return err
	}
	var m *store.Memory
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		m, err = tx.RestoreMemory(ctx, id, opts.Version)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Restored %s as version %d.\n", m.ID, m.Version)
	if opts.JSON {
		return writeJSON(f.IO.Out, m)
	}
	return nil
}

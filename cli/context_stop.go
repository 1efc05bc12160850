package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextStopOptions is what `mem0 context stop` was asked to do.
type ContextStopOptions struct {
	f *Factory
}

// NewCmdContextStop builds `mem0 context stop`.
func NewCmdContextStop(f *Factory, runF func(context.Context, *ContextStopOptions) error) *cobra.Command {
	opts := &ContextStopOptions{f: f}
	cmd := &cobra.Command{
		Use:     "stop",
		Short:   "Stop recording",
		Example: `  mem0 context stop`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextStopRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func contextStopRun(ctx context.Context, opts *ContextStopOptions) error {
	f := opts.f
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	var was string
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		if was, err = tx.State(ctx, store.StateRecordingContext); err != nil {
			return err
		}
		if err := tx.DeleteState(ctx, store.StateRecordingContext); err != nil {
			return err
		}
		return tx.DeleteState(ctx, store.StateRecordingSince)
	})
	if err != nil {
		return err
	}
	if was == "" {
		fmt.Fprintln(f.IO.ErrOut, "Nothing was recording.")
	} else {
		fmt.Fprintf(f.IO.ErrOut, "Stopped recording into %s.\n", was)
	}
	return nil
}

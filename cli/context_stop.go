package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextStopOptions is what `mem0 context stop` was asked to do.
type ContextStopOptions struct {
	f   *Factory
	All bool
}

// NewCmdContextStop builds `mem0 context stop`.
func NewCmdContextStop(f *Factory, runF func(context.Context, *ContextStopOptions) error) *cobra.Command {
	opts := &ContextStopOptions{f: f}
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop recording",
		Long: `Stop recording. In a shell with the hook loaded, this stops that shell;
shells started afterwards no longer record into its context either. With
--all, or run where no hook is loaded (a script, an editor), every shell
stops recording.`,
		Example: `  mem0 context stop
  mem0 context stop --all`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextStopRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "stop every shell, not only this one")
	return cmd
}

func contextStopRun(ctx context.Context, opts *ContextStopOptions) error {
	f := opts.f
	p, err := f.Paths()
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	sessions := p.Sessions()
	session := f.shellSession()
	if session != "" && !opts.All {
		sess, _, err := sessions.Get(session)
		if err != nil {
			return err
		}
		if sess.Context == "" {
			fmt.Fprintln(f.IO.ErrOut, "This shell was not recording.")
			return nil
		}
		if err := sessions.Set(session, ""); err != nil {
			return err
		}
		name := sess.Context
		if c, err := s.GetContextByID(ctx, sess.Context); err == nil {
			name = c.Name
			// New shells no longer take up what this one stopped.
			if err := clearRecording(ctx, s, c.Name); err != nil {
				return err
			}
		}
		fmt.Fprintf(f.IO.ErrOut, "Stopped recording this shell into %s.\n", name)
		return nil
	}
	was, err := s.State(ctx, store.StateRecordingContext)
	if err != nil {
		return err
	}
	if err := clearRecording(ctx, s, ""); err != nil {
		return err
	}
	n, err := sessions.Stop()
	if err != nil {
		return err
	}
	switch {
	case was == "" && n == 0:
		fmt.Fprintln(f.IO.ErrOut, "Nothing was recording.")
	case was == "":
		fmt.Fprintf(f.IO.ErrOut, "Stopped recording in %s.\n", plural(n, "shell"))
	default:
		fmt.Fprintf(f.IO.ErrOut, "Stopped recording into %s (%s stopped).\n", was, plural(n, "shell"))
	}
	return nil
}

// clearRecording forgets the context new shells record into; with name set,
// only when it is that context.
func clearRecording(ctx context.Context, s *store.Store, name string) error {
	return s.WithTx(ctx, func(tx *store.Tx) error {
		was, err := tx.State(ctx, store.StateRecordingContext)
		if err != nil || was == "" || name != "" && !strings.EqualFold(was, name) {
			return err
		}
		if err := tx.DeleteState(ctx, store.StateRecordingContext); err != nil {
			return err
		}
		return tx.DeleteState(ctx, store.StateRecordingSince)
	})
}

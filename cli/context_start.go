package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextStartOptions is what `mem0 context start` was asked to do.
type ContextStartOptions struct {
	f    *Factory
	Name string
}

// NewCmdContextStart builds `mem0 context start`.
func NewCmdContextStart(f *Factory, runF func(context.Context, *ContextStartOptions) error) *cobra.Command {
	opts := &ContextStartOptions{f: f}
	cmd := &cobra.Command{
		Use:   "start [NAME]",
		Short: "Start recording into a context (created if missing)",
		Long: `Start recording into NAME (the current context when NAME is omitted),
creating it if needed. Run in a shell with the hook loaded (mem0 init), it
makes that shell remember every command typed, with its exit status,
duration, folder and git branch; other open shells are not affected, so two
terminals can record into different contexts. Shells started afterwards
record into NAME too (unless shell.inherit is false).`,
		Example: `  mem0 context start incident-42
  mem0 context start          # record into the current context`,
		Args:              rangeArgs(0, 1, "at most one context name"),
		ValidArgsFunction: completeContexts(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
				if err := store.ValidateContextName(opts.Name); err != nil {
					return &FlagError{err: err}
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextStartRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func contextStartRun(ctx context.Context, opts *ContextStartOptions) error {
	f := opts.f
	name, _, err := f.CurrentContext(ctx, opts.Name)
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	var created bool
	var id string
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		c, made, err := tx.EnsureContext(ctx, name)
		if err != nil {
			return err
		}
		created, name, id = made, c.Name, c.ID
		if err := tx.SetState(ctx, store.StateRecordingContext, c.Name); err != nil {
			return err
		}
		return tx.SetState(ctx, store.StateRecordingSince, strconv.FormatInt(f.Now().UnixMilli(), 10))
	})
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(f.IO.ErrOut, "Created context %s.\n", name)
	}
	session := f.shellSession()
	if session == "" {
		fmt.Fprintf(f.IO.ErrOut, "Shells started from now on with the hook loaded record into %s (this one has no hook: see mem0 init).\n", name)
		return nil
	}
	p, err := f.Paths()
	if err != nil {
		return err
	}
	if err := p.Sessions().Set(session, id); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Recording this shell into %s; `mem0 context stop` ends it.\n", name)
	return nil
}

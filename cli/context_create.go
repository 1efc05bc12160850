package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
	syncapi "github.com/mem0dev/mem0/sync"
)

// ContextCreateOptions is what `mem0 context create` was asked to do.
type ContextCreateOptions struct {
	f           *Factory
	Name        string
	Description string
	Use         bool
	Server      string
	Team        string // ORG/TEAM: create it on the server, owned by the team
	Org         string // create it on the server, owned by the org
}

// NewCmdContextCreate builds `mem0 context create`.
func NewCmdContextCreate(f *Factory, runF func(context.Context, *ContextCreateOptions) error) *cobra.Command {
	opts := &ContextCreateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a context",
		Long: `Create a context. Names are 1-64 letters, digits, '.', '_' or '-', start
with a letter or digit, and are unique regardless of case.

With --team ORG/TEAM or --org ORG the context is created on the team server,
owned by that team or org, and synced: on this machine (and on every member's,
after their next "mem0 sync") it is named ORG/TEAM/NAME or ORG/NAME.`,
		Example: `  mem0 context create billing
  mem0 context create incident-42 --description "checkout 500s" --use
  mem0 context create runbook --team acme/backend`,
		Args: exactArgs(1, "a context name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := store.ValidateLocalContextName(opts.Name); err != nil {
				return &FlagError{err: err}
			}
			if opts.Team != "" && opts.Org != "" {
				return usageErrorf("--team and --org cannot be used together")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Team != "" || opts.Org != "" {
				return contextCreateRemoteRun(cmd.Context(), opts)
			}
			return contextCreateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Description, "description", "d", "", "what the context is for")
	cmd.Flags().BoolVar(&opts.Use, "use", false, "make it the current context")
	cmd.Flags().StringVar(&opts.Team, "team", "", "create it on the server for a team (ORG/TEAM)")
	cmd.Flags().StringVar(&opts.Org, "org", "", "create it on the server for an org")
	addServerFlag(cmd, &opts.Server)
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

// contextCreateRemoteRun creates a team's or org's context on the server
// and records it here as synced, under ORG/TEAM/NAME or ORG/NAME.
func contextCreateRemoteRun(ctx context.Context, opts *ContextCreateOptions) error {
	f := opts.f
	e, err := f.syncEngine(ctx, opts.Server)
	if err != nil {
		return err
	}
	req := syncapi.CreateContextRequest{ID: newContextID(), Name: opts.Name, Description: opts.Description}
	var prefix string
	if opts.Team != "" {
		t, err := e.Client.LookupTeam(ctx, opts.Team)
		if err != nil {
			return err
		}
		req.Owner = &syncapi.ContextOwner{Kind: "team", ID: t.ID}
		org, _, _ := strings.Cut(opts.Team, "/")
		if t.Org != "" {
			org = t.Org
		}
		prefix = store.SyncSegment(org) + "/" + store.SyncSegment(t.Name)
	} else {
		o, err := e.Client.LookupOrg(ctx, opts.Org)
		if err != nil {
			return err
		}
		req.Owner = &syncapi.ContextOwner{Kind: "org", ID: o.ID}
		prefix = store.SyncSegment(o.Name)
	}
	info, err := e.Client.CreateContext(ctx, req)
	if err != nil {
		return err
	}
	var name string
	err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		name, err = tx.AddSyncedContext(ctx, store.SyncedContext{ID: info.ID, Name: prefix + "/" + opts.Name,
			Description: info.Description, Visibility: info.Visibility, OwnerKind: info.OwnerKind, Level: info.Level})
		if err != nil {
			return err
		}
		if opts.Use {
			return tx.SetState(ctx, store.StateCurrentContext, name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Created context %s on %s.\n", name, e.Client.BaseURL())
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
	syncapi "github.com/mem0dev/mem0/sync"
)

// shareTarget is who `mem0 share` and `mem0 unshare` name.
type shareTarget struct {
	Team, Org, User string
	Public          bool
}

func addShareTargetFlags(cmd *cobra.Command, t *shareTarget) {
	cmd.Flags().StringVar(&t.Team, "team", "", "a team, as ORG/TEAM")
	cmd.Flags().StringVar(&t.Org, "org", "", "every member of an org")
	cmd.Flags().StringVar(&t.User, "user", "", "one user, by username")
	cmd.Flags().BoolVar(&t.Public, "public", false, "everyone (read only)")
}

func (t *shareTarget) check() error {
	n := 0
	for _, set := range []bool{t.Team != "", t.Org != "", t.User != "", t.Public} {
		if set {
			n++
		}
	}
	if n != 1 {
		return usageErrorf("name exactly one of --team ORG/TEAM, --org ORG, --user NAME or --public")
	}
	return nil
}

// grantee resolves the target to the server's grantee reference.
func (t *shareTarget) grantee(ctx context.Context, c *syncapi.Client) (syncapi.ContextOwner, string, error) {
	switch {
	case t.Team != "":
		team, err := c.LookupTeam(ctx, t.Team)
		if err != nil {
			return syncapi.ContextOwner{}, "", err
		}
		return syncapi.ContextOwner{Kind: "team", ID: team.ID}, "team " + team.Display, nil
	case t.Org != "":
		return syncapi.ContextOwner{Kind: "org", Name: t.Org}, "org " + t.Org, nil
	default:
		return syncapi.ContextOwner{Kind: "user", Name: t.User}, "user " + t.User, nil
	}
}

// ShareOptions is what `mem0 share` was asked to do.
type ShareOptions struct {
	f          *Factory
	Server     string
	Context    string
	Target     shareTarget
	Permission string
}

// NewCmdShare builds `mem0 share`.
func NewCmdShare(f *Factory, runF func(context.Context, *ShareOptions) error) *cobra.Command {
	opts := &ShareOptions{f: f}
	cmd := &cobra.Command{
		Use:   "share CONTEXT (--team ORG/TEAM | --org ORG | --user NAME | --public)",
		Short: "Share a context with a team, an org, a user or everyone",
		Long: `Give a team, an org, a user or everyone access to a context. A personal
context is uploaded first (it becomes synced: later changes go to the server
with "mem0 sync"). --permission is read (the default) or write; --public
always means read.

You need admin on the context (you own your personal contexts).`,
		Example: `  mem0 share runbook --team acme/backend --permission write
  mem0 share acme/backend/runbook --user alice
  mem0 share snippets --public`,
		Args: exactArgs(1, "a context"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = args[0]
			if err := store.ValidateContextRef(opts.Context); err != nil {
				return &FlagError{err: err}
			}
			if err := opts.Target.check(); err != nil {
				return err
			}
			if opts.Permission != "read" && opts.Permission != "write" {
				return usageErrorf("--permission is read or write")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return shareRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addShareTargetFlags(cmd, &opts.Target)
	cmd.Flags().StringVar(&opts.Permission, "permission", "read", "read or write")
	return cmd
}

// uploadContext makes sure a local context exists on the server and is
// synced; a personal context is created there under its own id and its
// memories are pushed.
func uploadContext(ctx context.Context, f *Factory, e *syncapi.Engine, name, visibility string) (*store.Context, error) {
	c, err := e.Store.GetContext(ctx, name)
	if err != nil {
		return nil, err
	}
	if c.Synced {
		return c, nil
	}
	info, err := e.Client.CreateContext(ctx, syncapi.CreateContextRequest{ID: c.ID, Name: c.Name, Description: c.Description, Visibility: visibility})
	if errors.Is(err, syncapi.ErrConflict) {
		// Created by an earlier attempt that stopped before recording it.
		info, err = e.Client.GetContext(ctx, c.ID)
	}
	if err != nil {
		return nil, err
	}
	var queued int
	err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		queued, err = tx.MarkContextSynced(ctx, c.ID, info.Visibility, info.OwnerKind, info.Level)
		return err
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f.IO.ErrOut, "Uploading context %s (%s)...\n", c.Name, memoriesN(queued))
	unlock, err := lockSync(ctx, f, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	sum, err := e.Run(ctx)
	if err != nil {
		return nil, fmt.Errorf("upload %s: %w (the memories stay queued; run `mem0 sync`)", c.Name, err)
	}
	reportSync(f, sum)
	c.Synced = true
	return c, nil
}

func shareRun(ctx context.Context, opts *ShareOptions) error {
	f := opts.f
	e, err := f.syncEngine(ctx, opts.Server)
	if err != nil {
		return err
	}
	visibility := "private"
	if opts.Target.Public {
		visibility = "public"
	}
	c, err := uploadContext(ctx, f, e, opts.Context, visibility)
	if err != nil {
		return err
	}
	if opts.Target.Public {
		if err := setVisibility(ctx, e, c.ID, "public"); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.ErrOut, "Context %s is public: everyone can read it.\n", c.Name)
		return nil
	}
	who, label, err := opts.Target.grantee(ctx, e.Client)
	if err != nil {
		return err
	}
	g, err := e.Client.Share(ctx, c.ID, who, opts.Permission)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Shared %s with %s (%s). They see it after their next `mem0 sync`.\n", c.Name, label, g.Level)
	return nil
}

// UnshareOptions is what `mem0 unshare` was asked to do.
type UnshareOptions struct {
	f       *Factory
	Server  string
	Context string
	Target  shareTarget
}

// NewCmdUnshare builds `mem0 unshare`.
func NewCmdUnshare(f *Factory, runF func(context.Context, *UnshareOptions) error) *cobra.Command {
	opts := &UnshareOptions{f: f}
	cmd := &cobra.Command{
		Use:   "unshare CONTEXT (--team ORG/TEAM | --org ORG | --user NAME | --public)",
		Short: "Take back a share of a context",
		Long: `Remove a share made with "mem0 share". --public makes the context private
again. Whoever loses access has the context removed from their machine at
their next "mem0 sync". See "mem0 context access CONTEXT" for the shares.`,
		Example: `  mem0 unshare runbook --team acme/backend
  mem0 unshare snippets --public`,
		Args: exactArgs(1, "a context"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = args[0]
			if err := store.ValidateContextRef(opts.Context); err != nil {
				return &FlagError{err: err}
			}
			if err := opts.Target.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return unshareRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addShareTargetFlags(cmd, &opts.Target)
	return cmd
}

// syncedContext finds a local context that is synced with the server.
func syncedContext(ctx context.Context, s *store.Store, name string) (*store.Context, error) {
	c, err := s.GetContext(ctx, name)
	if err != nil {
		return nil, err
	}
	if !c.Synced {
		return nil, fmt.Errorf("%w: context %s is not shared (it lives on this machine only)", store.ErrInvalid, c.Name)
	}
	return c, nil
}

func unshareRun(ctx context.Context, opts *UnshareOptions) error {
	f := opts.f
	e, err := f.syncEngine(ctx, opts.Server)
	if err != nil {
		return err
	}
	c, err := syncedContext(ctx, e.Store, opts.Context)
	if err != nil {
		return err
	}
	if opts.Target.Public {
		if err := setVisibility(ctx, e, c.ID, "private"); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.ErrOut, "Context %s is no longer public.\n", c.Name)
		return nil
	}
	who, label, err := opts.Target.grantee(ctx, e.Client)
	if err != nil {
		return err
	}
	access, err := e.Client.Access(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, a := range access {
		if a.Source != "grant" || a.SubjectKind != who.Kind {
			continue
		}
		if (who.ID != "" && a.SubjectID == who.ID) || (who.ID == "" && strings.EqualFold(a.SubjectName, who.Name)) {
			if err := e.Client.Unshare(ctx, c.ID, a.GrantID); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "Unshared %s from %s.\n", c.Name, label)
			return nil
		}
	}
	return fmt.Errorf("%w: %s is not shared with %s", store.ErrNotFound, c.Name, label)
}

// newContextID makes a context id (UUIDv7) for a context created here.
// setVisibility changes a synced context's visibility on the server, then
// records what the server says it now is.
func setVisibility(ctx context.Context, e *syncapi.Engine, id, visibility string) error {
	info, err := e.Client.UpdateContext(ctx, id, syncapi.ContextPatch{Visibility: &visibility})
	if err != nil {
		return err
	}
	return e.Store.WithTx(ctx, func(tx *store.Tx) error { return tx.SetContextVisibility(ctx, id, info.Visibility, "") })
}

func newContextID() string { return uuid.Must(uuid.NewV7()).String() }

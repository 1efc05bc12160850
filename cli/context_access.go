package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextAccessOptions is what `mem0 context access` was asked to do.
type ContextAccessOptions struct {
	f       *Factory
	Server  string
	Context string
	JSON    bool
}

// NewCmdContextAccess builds `mem0 context access`.
func NewCmdContextAccess(f *Factory, runF func(context.Context, *ContextAccessOptions) error) *cobra.Command {
	opts := &ContextAccessOptions{f: f}
	cmd := &cobra.Command{
		Use:   "access CONTEXT",
		Short: "Show who can see a shared context, and why",
		Long: `Ask the server who can reach a shared context and through what: ownership,
a team or org role, a share (grant) or its visibility. Needs admin on the
context.`,
		Example: `  mem0 context access acme/backend/runbook
  mem0 context access runbook --json`,
		Args: exactArgs(1, "a context"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = args[0]
			if err := store.ValidateContextRef(opts.Context); err != nil {
				return &FlagError{err: err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextAccessRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func contextAccessRun(ctx context.Context, opts *ContextAccessOptions) error {
	f := opts.f
	e, err := f.syncEngine(ctx, opts.Server)
	if err != nil {
		return err
	}
	c, err := syncedContext(ctx, e.Store, opts.Context)
	if err != nil {
		return err
	}
	access, err := e.Client.Access(ctx, c.ID)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, access)
	}
	why := map[string]string{"owner": "owner", "team_role": "team role", "org_admin": "org admin", "org_role": "org role",
		"grant": "shared", "visibility": "visibility"}
	t := newTable(f.IO, "who", "kind", "level", "why")
	for _, a := range access {
		reason := why[a.Source]
		if reason == "" {
			reason = a.Source
		}
		t.row(plain(a.SubjectName), plain(a.SubjectKind), plain(a.Level), plain(reason))
	}
	return t.render(f.Styles())
}

package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// OrgListOptions is what `mem0 org list` was asked to do.
type OrgListOptions struct {
	f      *Factory
	Server string
	JSON   bool
}

// NewCmdOrgList builds `mem0 org list`.
func NewCmdOrgList(f *Factory, runF func(context.Context, *OrgListOptions) error) *cobra.Command {
	opts := &OrgListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the orgs you belong to",
		Long: `List the orgs you belong to, with your role in each. Piped, each org is one
tab-separated line: name, your role, id, created (RFC 3339).`,
		Example: `  mem0 org list
  mem0 org list --json | jq -r '.[] | select(.role == "owner") | .name'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return orgListRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func orgListRun(ctx context.Context, opts *OrgListOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	orgs, err := c.ListOrgs(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		if orgs == nil {
			orgs = []syncapi.Org{}
		}
		return writeJSON(f.IO.Out, orgs)
	}
	tty := f.IO.IsStdoutTTY()
	if tty && len(orgs) == 0 {
		_, err := fmt.Fprintln(f.IO.ErrOut, "You are in no org; create one with `mem0 org create NAME`.")
		return err
	}
	st := f.Styles()
	tb := newTable(f.IO, "name", "role", "id", "created")
	for _, o := range orgs {
		created := stamp(o.CreatedAt)
		if tty {
			created = ago(f.Now(), o.CreatedAt)
		}
		tb.row(styled(o.Name, st.Bold), styled(o.Role, roleStyle(st, o.Role)), styled(o.ID, st.Dim), plain(created))
	}
	return tb.render(st)
}

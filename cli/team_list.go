package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// TeamListOptions is what `mem0 team list` was asked to do.
type TeamListOptions struct {
	f      *Factory
	Server string
	Org    group
	JSON   bool
}

// NewCmdTeamList builds `mem0 team list`.
func NewCmdTeamList(f *Factory, runF func(context.Context, *TeamListOptions) error) *cobra.Command {
	opts := &TeamListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list [ORG]",
		Aliases: []string{"ls"},
		Short:   "List an org's teams, or the teams of all your orgs",
		Long: `List the teams of ORG, or of every org you are in, with your role in each
team ("none" when you are in the org but not the team). Piped, each team is
one tab-separated line: ORG/TEAM, your role, id, created (RFC 3339).`,
		Example: `  mem0 team list acme
  mem0 team list
  mem0 team list --json | jq -r '.[] | select(.role != "none") | .org + "/" + .name'`,
		Args: rangeArgs(0, 1, "at most an org name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				g, err := parseOrg(args[0])
				if err != nil {
					return err
				}
				opts.Org = g
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return teamListRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func teamListRun(ctx context.Context, opts *TeamListOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	orgs := []string{opts.Org.Org}
	if opts.Org.Org == "" {
		all, err := c.ListOrgs(ctx)
		if err != nil {
			return err
		}
		orgs = orgs[:0]
		for _, o := range all {
			orgs = append(orgs, o.Name)
		}
	}
	teams := []syncapi.Team{}
	for _, o := range orgs {
		ts, err := c.ListTeams(ctx, o)
		if err != nil {
			return adminError(err, group{Org: o}, "see the teams of", "")
		}
		teams = append(teams, ts...)
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, teams)
	}
	tty := f.IO.IsStdoutTTY()
	if tty && len(teams) == 0 {
		msg := "No teams in your orgs."
		if opts.Org.Org != "" {
			msg = fmt.Sprintf("No teams in %s; create one with `mem0 team create %s/TEAM`.", opts.Org.Org, opts.Org.Org)
		}
		_, err := fmt.Fprintln(f.IO.ErrOut, msg)
		return err
	}
	st := f.Styles()
	tb := newTable(f.IO, "team", "role", "id", "created")
	for _, t := range teams {
		created := stamp(t.CreatedAt)
		if tty {
			created = ago(f.Now(), t.CreatedAt)
		}
		tb.row(styled(t.Org+"/"+t.Name, st.Bold), styled(t.Role, roleStyle(st, t.Role)), styled(t.ID, st.Dim), plain(created))
	}
	return tb.render(st)
}

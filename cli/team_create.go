package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// TeamCreateOptions is what `mem0 team create` was asked to do.
type TeamCreateOptions struct {
	f      *Factory
	Server string
	Team   group
	JSON   bool
}

// NewCmdTeamCreate builds `mem0 team create`.
func NewCmdTeamCreate(f *Factory, runF func(context.Context, *TeamCreateOptions) error) *cobra.Command {
	opts := &TeamCreateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create ORG/TEAM",
		Short: "Create a team in an org (org admins); you become its owner",
		Long: `Create the team TEAM in the org ORG; you become the team's owner. It takes
the org's admin or owner role. Team names follow the rules of org names and
are unique within their org.`,
		Example: `  mem0 team create acme/backend
  mem0 team create acme/sre --json | jq -r .id`,
		Args: exactArgs(1, "ORG/TEAM"),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := parseTeam(args[0])
			if err != nil {
				return err
			}
			opts.Team = g
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return teamCreateRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func teamCreateRun(ctx context.Context, opts *TeamCreateOptions) error {
	f, g := opts.f, opts.Team
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	t, err := c.CreateTeam(ctx, g.Org, g.Team)
	if err != nil {
		return adminError(err, group{Org: g.Org}, "create teams in", needRole(group{Org: g.Org}, "admin"))
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, t)
	}
	fmt.Fprintf(f.IO.ErrOut, "Created team %s/%s; you are its owner.\n", t.Org, t.Name)
	return nil
}

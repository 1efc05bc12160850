package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// TeamRmOptions is what `mem0 team rm` was asked to do.
type TeamRmOptions struct {
	f      *Factory
	Server string
	Team   group
	Yes    bool
}

// NewCmdTeamRm builds `mem0 team rm`.
func NewCmdTeamRm(f *Factory, runF func(context.Context, *TeamRmOptions) error) *cobra.Command {
	opts := &TeamRmOptions{f: f}
	cmd := &cobra.Command{
		Use:   "rm ORG/TEAM",
		Short: "Delete a team (its owners, or org admins)",
		Long: `Delete a team, its memberships and the contexts it owns, on the server.
It takes the team's owner role, or the org's admin or owner role. On a
terminal mem0 asks you to type the team's name; otherwise give --yes.`,
		Example: `  mem0 team rm acme/backend
  mem0 team rm acme/backend --yes`,
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
			return teamRmRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func teamRmRun(ctx context.Context, opts *TeamRmOptions) error {
	f, g := opts.f, opts.Team
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	t, err := findTeam(ctx, c, g)
	if err != nil {
		return err
	}
	name := t.Org + "/" + t.Name
	if err := confirmDelete(f, opts.Yes, "team "+name+" and the contexts it owns", name); err != nil {
		return err
	}
	if err := c.DeleteTeam(ctx, t.ID); err != nil {
		return adminError(err, g, "delete", "the team's owner role or the org's admin role")
	}
	fmt.Fprintf(f.IO.ErrOut, "Deleted team %s.\n", name)
	return nil
}

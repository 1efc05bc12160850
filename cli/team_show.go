package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// TeamShowOptions is what `mem0 team show` was asked to do.
type TeamShowOptions struct {
	f      *Factory
	Server string
	Team   group
	JSON   bool
}

// NewCmdTeamShow builds `mem0 team show`.
func NewCmdTeamShow(f *Factory, runF func(context.Context, *TeamShowOptions) error) *cobra.Command {
	opts := &TeamShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show ORG/TEAM",
		Short: "Show a team and its members",
		Long: `Show a team of an org you are in: its id, your role in it and its members.
Piped, one "field<TAB>value" line per field (members comma-separated, as
name:role).`,
		Example: `  mem0 team show acme/backend
  mem0 team show acme/backend --json | jq -r '.members[].username'`,
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
			return teamShowRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// teamView is `team show --json`.
type teamView struct {
	syncapi.Team
	Members []syncapi.Member `json:"members"`
}

func teamShowRun(ctx context.Context, opts *TeamShowOptions) error {
	f, g := opts.f, opts.Team
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	t, err := findTeam(ctx, c, g)
	if err != nil {
		return err
	}
	v := teamView{Team: *t, Members: []syncapi.Member{}}
	if ms, err := c.ListTeamMembers(ctx, t.ID); err != nil {
		return adminError(err, g, "see the members of", "")
	} else if ms != nil {
		v.Members = ms
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	members := make([]string, len(v.Members))
	for i, m := range v.Members {
		members[i] = m.Username + ":" + m.Role
	}
	if !f.IO.IsStdoutTTY() {
		_, err := fmt.Fprintf(f.IO.Out, "name\t%s/%s\nid\t%s\nrole\t%s\ncreated\t%s\nmembers\t%s\n",
			t.Org, t.Name, t.ID, t.Role, stamp(t.CreatedAt), strings.Join(members, ","))
		return err
	}
	st := f.Styles()
	fl := &fields{key: st.Dim}
	fl.add("team", st.Bold.Render(t.Org+"/"+t.Name))
	fl.add("id", st.ID.Render(t.ID))
	fl.add("your role", roleStyle(st, t.Role).Render(t.Role))
	fl.add("created", ago(f.Now(), t.CreatedAt))
	for i, m := range v.Members {
		members[i] = m.Username + " (" + m.Role + ")"
	}
	fl.add("members", fmt.Sprintf("%d: %s", len(members), strings.Join(members, ", ")))
	_, err = fmt.Fprint(f.IO.Out, fl.String())
	return err
}

package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// OrgShowOptions is what `mem0 org show` was asked to do.
type OrgShowOptions struct {
	f      *Factory
	Server string
	Org    group
	JSON   bool
}

// NewCmdOrgShow builds `mem0 org show`.
func NewCmdOrgShow(f *Factory, runF func(context.Context, *OrgShowOptions) error) *cobra.Command {
	opts := &OrgShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show ORG",
		Short: "Show an org, its teams and its members",
		Long: `Show an org you belong to: its id, your role, its teams and its members.
Piped, one "field<TAB>value" line per field (teams and members
comma-separated, members as name:role).`,
		Example: `  mem0 org show acme
  mem0 org show acme --json | jq -r '.members[] | select(.role == "owner") | .username'`,
		Args: exactArgs(1, "an org name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := parseOrg(args[0])
			if err != nil {
				return err
			}
			opts.Org = g
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return orgShowRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// orgView is `org show --json`.
type orgView struct {
	syncapi.Org
	Teams   []syncapi.Team   `json:"teams"`
	Members []syncapi.Member `json:"members"`
}

func orgShowRun(ctx context.Context, opts *OrgShowOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	o, err := c.GetOrg(ctx, opts.Org.Org)
	if err != nil {
		return adminError(err, opts.Org, "see", "")
	}
	v := orgView{Org: *o, Teams: []syncapi.Team{}, Members: []syncapi.Member{}}
	if ts, err := c.ListTeams(ctx, o.Name); err != nil {
		return adminError(err, opts.Org, "see the teams of", "")
	} else if ts != nil {
		v.Teams = ts
	}
	if ms, err := c.ListOrgMembers(ctx, o.Name); err != nil {
		return adminError(err, opts.Org, "see the members of", "")
	} else if ms != nil {
		v.Members = ms
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	teams := make([]string, len(v.Teams))
	for i, t := range v.Teams {
		teams[i] = t.Name
	}
	members := make([]string, len(v.Members))
	for i, m := range v.Members {
		members[i] = m.Username + ":" + m.Role
	}
	if !f.IO.IsStdoutTTY() {
		_, err := fmt.Fprintf(f.IO.Out, "name\t%s\nid\t%s\nrole\t%s\ncreated\t%s\nteams\t%s\nmembers\t%s\n",
			o.Name, o.ID, o.Role, stamp(o.CreatedAt), strings.Join(teams, ","), strings.Join(members, ","))
		return err
	}
	st := f.Styles()
	fl := &fields{key: st.Dim}
	fl.add("org", st.Bold.Render(o.Name))
	fl.add("id", st.ID.Render(o.ID))
	fl.add("your role", roleStyle(st, o.Role).Render(o.Role))
	fl.add("created", ago(f.Now(), o.CreatedAt))
	if len(teams) == 0 {
		fl.add("teams", st.Dim.Render("none"))
	} else {
		fl.add("teams", strings.Join(teams, ", "))
	}
	for i, m := range v.Members {
		members[i] = m.Username + " (" + m.Role + ")"
	}
	fl.add("members", fmt.Sprintf("%d: %s", len(members), strings.Join(members, ", ")))
	_, err = fmt.Fprint(f.IO.Out, fl.String())
	return err
}

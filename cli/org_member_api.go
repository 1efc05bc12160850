package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// The member commands of orgs (`mem0 org member …`) and teams (`mem0 team
// member …`) are the same commands over a different group, so each verb
// has one options struct and one run function for both.

// groupMembers is the member API of one org or team.
type groupMembers struct {
	list   func(context.Context) ([]syncapi.Member, error)
	set    func(ctx context.Context, user, role string) (*syncapi.Member, error)
	remove func(ctx context.Context, user string) error
	leave  func(context.Context) error
}

// membersOf resolves g (a team by its name) to its member API.
// groupMembersAt connects to the server (--server, or the configured one)
// and returns g's member API.
func groupMembersAt(ctx context.Context, f *Factory, server string, g group) (*groupMembers, error) {
	c, err := serverClient(f, server)
	if err != nil {
		return nil, err
	}
	return membersOf(ctx, c, g)
}

func membersOf(ctx context.Context, c *syncapi.Client, g group) (*groupMembers, error) {
	if g.Team == "" {
		return &groupMembers{
			list: func(ctx context.Context) ([]syncapi.Member, error) { return c.ListOrgMembers(ctx, g.Org) },
			set: func(ctx context.Context, u, r string) (*syncapi.Member, error) {
				return c.SetOrgMember(ctx, g.Org, u, r)
			},
			remove: func(ctx context.Context, u string) error { return c.RemoveOrgMember(ctx, g.Org, u) },
			leave:  func(ctx context.Context) error { return c.LeaveOrg(ctx, g.Org) },
		}, nil
	}
	t, err := findTeam(ctx, c, g)
	if err != nil {
		return nil, err
	}
	return &groupMembers{
		list: func(ctx context.Context) ([]syncapi.Member, error) { return c.ListTeamMembers(ctx, t.ID) },
		set: func(ctx context.Context, u, r string) (*syncapi.Member, error) {
			return c.SetTeamMember(ctx, t.ID, u, r)
		},
		remove: func(ctx context.Context, u string) error { return c.RemoveTeamMember(ctx, t.ID, u) },
		leave:  func(ctx context.Context) error { return c.LeaveTeam(ctx, t.ID) },
	}, nil
}

// groupArg parses the ORG or ORG/TEAM argument of a member command.
func groupArg(kind, arg string) (group, error) {
	if kind == "team" {
		return parseTeam(arg)
	}
	return parseOrg(arg)
}

// groupUse is the name of the group argument in usage lines.
func groupUse(kind string) string {
	if kind == "team" {
		return "ORG/TEAM"
	}
	return "ORG"
}

// usernameArg checks a username argument.
func usernameArg(arg string) (string, error) {
	u := strings.TrimSpace(arg)
	if u == "" || strings.ContainsAny(u, "/ \t") {
		return "", usageErrorf("%q is not a username", arg)
	}
	return u, nil
}

// memberCmdText is the help of one member verb for orgs and for teams.
type memberCmdText struct{ short, long, example string }

func memberCmd(kind, use string, args cobra.PositionalArgs, text map[string]memberCmdText) *cobra.Command {
	t := text[kind]
	return &cobra.Command{
		Use:     strings.ReplaceAll(use, "GROUP", groupUse(kind)),
		Short:   t.short,
		Long:    t.long,
		Example: t.example,
		Args:    args,
	}
}

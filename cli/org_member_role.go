package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// MemberRoleOptions is what `mem0 org member role` or `mem0 team member
// role` was asked to do.
type MemberRoleOptions struct {
	f        *Factory
	Server   string
	Group    group
	Username string
	Role     string
	JSON     bool
}

var memberRoleText = map[string]memberCmdText{
	"org": {
		short: "Change an org member's role (org admins)",
		long: `Give USER the role ROLE (owner, admin, member or viewer) in the org. Takes
the admin role; promoting or demoting an owner takes an owner. The last
owner cannot be demoted: make someone else an owner first.`,
		example: `  mem0 org member role acme bob admin
  mem0 org member role acme carol viewer`,
	},
	"team": {
		short: "Change a team member's role",
		long: `Give USER the role ROLE (owner, admin, member or viewer) in the team. Takes
the team's admin role, or org admin; promoting or demoting an owner takes
an owner. The last owner cannot be demoted.`,
		example: `  mem0 team member role acme/backend bob admin`,
	},
}

// NewCmdOrgMemberRole builds `mem0 org member role`.
func NewCmdOrgMemberRole(f *Factory, runF func(context.Context, *MemberRoleOptions) error) *cobra.Command {
	return newCmdMemberRole(f, "org", runF)
}

func newCmdMemberRole(f *Factory, kind string, runF func(context.Context, *MemberRoleOptions) error) *cobra.Command {
	opts := &MemberRoleOptions{f: f}
	cmd := memberCmd(kind, "role GROUP USER ROLE", exactArgs(3, groupUse(kind)+", a username and a role"), memberRoleText)
	cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 2 {
			return []string{"owner", "admin", "member", "viewer"}, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if opts.Group, err = groupArg(kind, args[0]); err != nil {
			return err
		}
		if opts.Username, err = usernameArg(args[1]); err != nil {
			return err
		}
		opts.Role = args[2]
		if err := checkRole(opts.Role); err != nil {
			return usageErrorf("role %q: use owner, admin, member or viewer", opts.Role)
		}
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return memberRoleRun(cmd.Context(), opts)
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func memberRoleRun(ctx context.Context, opts *MemberRoleOptions) error {
	f, g := opts.f, opts.Group
	ms, err := groupMembersAt(ctx, f, opts.Server, g)
	if err != nil {
		return err
	}
	// The server's PUT adds as well as changes: a role change of someone
	// who is not in would add them, which is what `add` is for.
	list, err := ms.list(ctx)
	if err != nil {
		return adminError(err, g, "see the members of", "")
	}
	from := ""
	for _, m := range list {
		if m.Username == opts.Username {
			from = m.Role
		}
	}
	if from == "" {
		return fmt.Errorf("%s is not a member of %s %s; add them with `mem0 %s member add %s %s --role %s`",
			opts.Username, g.kind(), g, g.kind(), g, opts.Username, opts.Role)
	}
	need := "admin"
	if opts.Role == "owner" || from == "owner" {
		need = "owner"
	}
	m, err := ms.set(ctx, opts.Username, opts.Role)
	if err != nil {
		return adminError(err, g, "change roles in", needRole(g, need))
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, m)
	}
	if from == m.Role {
		fmt.Fprintf(f.IO.ErrOut, "%s was already %s of %s %s.\n", m.Username, article(m.Role), g.kind(), g)
		return nil
	}
	fmt.Fprintf(f.IO.ErrOut, "%s is now %s of %s %s (was %s).\n", m.Username, article(m.Role), g.kind(), g, from)
	return nil
}

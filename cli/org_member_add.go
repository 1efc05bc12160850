package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// MemberAddOptions is what `mem0 org member add` or `mem0 team member add`
// was asked to do.
type MemberAddOptions struct {
	f        *Factory
	Server   string
	Group    group
	Username string
	Role     string
	JSON     bool
}

var memberAddText = map[string]memberCmdText{
	"org": {
		short: "Add someone to an org by username (org admins)",
		long: `Add the account USER to the org with --role (default member); they are in
at once. Adding an owner takes the owner role; anything else the admin
role. Adding someone who is already in changes their role.`,
		example: `  mem0 org member add acme bob
  mem0 org member add acme carol --role viewer`,
	},
	"team": {
		short: "Add a member of the org to one of its teams",
		long: `Add the account USER to the team with --role (default member). USER must
already be in the team's org (mem0 org member add first). Takes the team's
admin role, or org admin; adding an owner takes an owner.`,
		example: `  mem0 team member add acme/backend bob
  mem0 team member add acme/backend carol --role viewer`,
	},
}

// NewCmdOrgMemberAdd builds `mem0 org member add`.
func NewCmdOrgMemberAdd(f *Factory, runF func(context.Context, *MemberAddOptions) error) *cobra.Command {
	return newCmdMemberAdd(f, "org", runF)
}

func newCmdMemberAdd(f *Factory, kind string, runF func(context.Context, *MemberAddOptions) error) *cobra.Command {
	opts := &MemberAddOptions{f: f}
	cmd := memberCmd(kind, "add GROUP USER", exactArgs(2, groupUse(kind)+" and a username"), memberAddText)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if opts.Group, err = groupArg(kind, args[0]); err != nil {
			return err
		}
		if opts.Username, err = usernameArg(args[1]); err != nil {
			return err
		}
		if err := checkRole(opts.Role); err != nil {
			return err
		}
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return memberAddRun(cmd.Context(), opts)
	}
	cmd.Flags().StringVarP(&opts.Role, "role", "r", "member", "role: owner, admin, member or viewer")
	_ = cmd.RegisterFlagCompletionFunc("role", cobra.FixedCompletions([]string{"owner", "admin", "member", "viewer"}, cobra.ShellCompDirectiveNoFileComp))
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func memberAddRun(ctx context.Context, opts *MemberAddOptions) error {
	f, g := opts.f, opts.Group
	ms, err := groupMembersAt(ctx, f, opts.Server, g)
	if err != nil {
		return err
	}
	need := "admin"
	if opts.Role == "owner" {
		need = "owner"
	}
	m, err := ms.set(ctx, opts.Username, opts.Role)
	if err != nil {
		return adminError(err, g, "add members to", needRole(g, need))
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, m)
	}
	fmt.Fprintf(f.IO.ErrOut, "%s is now %s of %s %s.\n", m.Username, article(m.Role), g.kind(), g)
	return nil
}

// article puts "a" or "an" before a role.
func article(role string) string {
	if role == "owner" || role == "admin" {
		return "an " + role
	}
	return "a " + role
}

package cli

import (
	"context"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// MemberListOptions is what `mem0 org member list` or `mem0 team member
// list` was asked to do.
type MemberListOptions struct {
	f      *Factory
	Server string
	Group  group
	JSON   bool
}

var memberListText = map[string]memberCmdText{
	"org": {
		short: "List an org's members and their roles",
		long: `List the members of an org you are in, owners first. Piped, each member is
one tab-separated line: username, role, user id.`,
		example: `  mem0 org member list acme
  mem0 org member list acme --json | jq -r '.[] | select(.role == "admin") | .username'`,
	},
	"team": {
		short: "List a team's members and their roles",
		long: `List the members of a team, owners first. Anyone in the team's org can.
Piped, each member is one tab-separated line: username, role, user id.`,
		example: `  mem0 team member list acme/backend
  mem0 team member list acme/backend --json`,
	},
}

// NewCmdOrgMemberList builds `mem0 org member list`.
func NewCmdOrgMemberList(f *Factory, runF func(context.Context, *MemberListOptions) error) *cobra.Command {
	return newCmdMemberList(f, "org", runF)
}

func newCmdMemberList(f *Factory, kind string, runF func(context.Context, *MemberListOptions) error) *cobra.Command {
	opts := &MemberListOptions{f: f}
	cmd := memberCmd(kind, "list GROUP", exactArgs(1, groupUse(kind)), memberListText)
	cmd.Aliases = []string{"ls"}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if opts.Group, err = groupArg(kind, args[0]); err != nil {
			return err
		}
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return memberListRun(cmd.Context(), opts)
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func memberListRun(ctx context.Context, opts *MemberListOptions) error {
	f, g := opts.f, opts.Group
	ms, err := groupMembersAt(ctx, f, opts.Server, g)
	if err != nil {
		return err
	}
	list, err := ms.list(ctx)
	if err != nil {
		return adminError(err, g, "see the members of", "")
	}
	if opts.JSON {
		if list == nil {
			list = []syncapi.Member{}
		}
		return writeJSON(f.IO.Out, list)
	}
	return printMembers(f, list, "No members.")
}

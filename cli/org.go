package cli

import (
	"github.com/spf13/cobra"
)

// NewCmdOrg builds `mem0 org` and its verbs.
func NewCmdOrg(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "org",
		Short: "Create, list, show and delete organisations and manage their members",
		Long: `An organisation (org) groups people and teams on the team server. Whoever
creates an org is its owner. Roles, highest first: owner, admin, member,
viewer. Org admins and owners manage teams, members and roles and read the
org's audit log; only owners add, remove, promote or demote owners and
delete the org; the last owner cannot leave or be demoted.

An org you are not in looks the same as one that does not exist.`,
		Example: `  mem0 org create acme
  mem0 org member add acme bob --role admin
  mem0 org list
  mem0 org show acme`,
	}
	cmd.AddCommand(
		NewCmdOrgCreate(f, nil),
		NewCmdOrgList(f, nil),
		NewCmdOrgShow(f, nil),
		NewCmdOrgRm(f, nil),
		NewCmdOrgMember(f),
	)
	return cmd
}

// NewCmdOrgMember builds `mem0 org member` and its verbs.
func NewCmdOrgMember(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "member",
		Short: "Add, remove and list an org's members and change their roles",
		Long: `Manage who is in an org. Adding someone takes their username on the
server (they are added at once) and the org admin role; adding, removing,
promoting or demoting owners takes the owner role. Removing yourself leaves
the org (and its teams).`,
		Example: `  mem0 org member add acme bob
  mem0 org member role acme bob viewer
  mem0 org member list acme
  mem0 org member rm acme bob`,
	}
	cmd.AddCommand(
		NewCmdOrgMemberAdd(f, nil),
		NewCmdOrgMemberRm(f, nil),
		NewCmdOrgMemberRole(f, nil),
		NewCmdOrgMemberList(f, nil),
	)
	return cmd
}

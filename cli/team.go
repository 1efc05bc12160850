package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// NewCmdTeam builds `mem0 team` and its verbs.
func NewCmdTeam(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "team",
		Short: "Create, list, show and delete an org's teams and manage their members",
		Long: `Teams belong to an org and are named ORG/TEAM, e.g. acme/backend. Org admins
and owners create teams and manage every team of their org; whoever creates
a team is its owner. Team roles, highest first: owner, admin, member,
viewer. Team members must be in the team's org. Everyone in the org can see
its teams and their members.`,
		Example: `  mem0 team create acme/backend
  mem0 team member add acme/backend bob
  mem0 team list acme
  mem0 team show acme/backend`,
	}
	cmd.AddCommand(
		NewCmdTeamCreate(f, nil),
		NewCmdTeamList(f, nil),
		NewCmdTeamShow(f, nil),
		NewCmdTeamRm(f, nil),
		NewCmdTeamMember(f),
	)
	return cmd
}

// NewCmdTeamMember builds `mem0 team member` and its verbs.
func NewCmdTeamMember(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "member",
		Short: "Add, remove and list a team's members and change their roles",
		Long: `Manage who is in a team. Members must be in the team's org first. It takes
the team's admin role or org admin; owners are added, removed, promoted
and demoted only by owners. Removing yourself leaves the team.`,
		Example: `  mem0 team member add acme/backend bob --role admin
  mem0 team member list acme/backend`,
	}
	cmd.AddCommand(
		NewCmdTeamMemberAdd(f, nil),
		NewCmdTeamMemberRm(f, nil),
		NewCmdTeamMemberRole(f, nil),
		NewCmdTeamMemberList(f, nil),
	)
	return cmd
}

// NewCmdTeamMemberAdd builds `mem0 team member add`.
func NewCmdTeamMemberAdd(f *Factory, runF func(context.Context, *MemberAddOptions) error) *cobra.Command {
	return newCmdMemberAdd(f, "team", runF)
}

// NewCmdTeamMemberRm builds `mem0 team member rm`.
func NewCmdTeamMemberRm(f *Factory, runF func(context.Context, *MemberRmOptions) error) *cobra.Command {
	return newCmdMemberRm(f, "team", runF)
}

// NewCmdTeamMemberRole builds `mem0 team member role`.
func NewCmdTeamMemberRole(f *Factory, runF func(context.Context, *MemberRoleOptions) error) *cobra.Command {
	return newCmdMemberRole(f, "team", runF)
}

// NewCmdTeamMemberList builds `mem0 team member list`.
func NewCmdTeamMemberList(f *Factory, runF func(context.Context, *MemberListOptions) error) *cobra.Command {
	return newCmdMemberList(f, "team", runF)
}

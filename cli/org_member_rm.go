package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// MemberRmOptions is what `mem0 org member rm` or `mem0 team member rm`
// was asked to do.
type MemberRmOptions struct {
	f        *Factory
	Server   string
	Group    group
	Username string
}

var memberRmText = map[string]memberCmdText{
	"org": {
		short: "Remove someone from an org (org admins), or leave it",
		long: `Remove USER from the org and from all its teams. Takes the admin role;
removing an owner takes an owner. Give your own username to leave the org
(any role can). The last owner cannot leave, and nobody can leave an org
while they are the last owner of one of its teams.`,
		example: `  mem0 org member rm acme bob
  mem0 org member rm acme "$(mem0 whoami --json | jq -r .user.username)"   # leave`,
	},
	"team": {
		short: "Remove someone from a team, or leave it",
		long: `Remove USER from the team (they stay in the org). Takes the team's admin
role, or org admin; removing an owner takes an owner. Give your own username
to leave the team. The last owner cannot leave.`,
		example: `  mem0 team member rm acme/backend bob`,
	},
}

// NewCmdOrgMemberRm builds `mem0 org member rm`.
func NewCmdOrgMemberRm(f *Factory, runF func(context.Context, *MemberRmOptions) error) *cobra.Command {
	return newCmdMemberRm(f, "org", runF)
}

func newCmdMemberRm(f *Factory, kind string, runF func(context.Context, *MemberRmOptions) error) *cobra.Command {
	opts := &MemberRmOptions{f: f}
	cmd := memberCmd(kind, "rm GROUP USER", exactArgs(2, groupUse(kind)+" and a username"), memberRmText)
	cmd.Aliases = []string{"remove"}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if opts.Group, err = groupArg(kind, args[0]); err != nil {
			return err
		}
		if opts.Username, err = usernameArg(args[1]); err != nil {
			return err
		}
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		return memberRmRun(cmd.Context(), opts)
	}
	addServerFlag(cmd, &opts.Server)
	return cmd
}

func memberRmRun(ctx context.Context, opts *MemberRmOptions) error {
	f, g := opts.f, opts.Group
	r, err := f.Remote(opts.Server)
	if err != nil {
		return err
	}
	c, err := r.Client()
	if err != nil {
		return err
	}
	ms, err := membersOf(ctx, c, g)
	if err != nil {
		return err
	}
	// Removing others takes admin, but anyone may remove themselves: that
	// is leaving, a route of its own. A login knows its username; with an
	// API key, ask the server when the removal is refused.
	self := r.Creds.Username != "" && strings.EqualFold(r.Creds.Username, opts.Username)
	if self {
		err = ms.leave(ctx)
	} else {
		err = ms.remove(ctx, opts.Username)
		if errors.Is(err, syncapi.ErrForbidden) && r.Creds.Username == "" {
			if me, merr := c.Me(ctx); merr == nil && strings.EqualFold(me.User.Username, opts.Username) {
				err, self = ms.leave(ctx), true
			}
		}
	}
	if err != nil {
		if self {
			return adminError(err, g, "leave", "")
		}
		return adminError(err, g, "remove members from", needRole(g, "admin"))
	}
	if self {
		fmt.Fprintf(f.IO.ErrOut, "You left %s %s.\n", g.kind(), g)
		return nil
	}
	fmt.Fprintf(f.IO.ErrOut, "Removed %s from %s %s.\n", opts.Username, g.kind(), g)
	return nil
}

package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// OrgRmOptions is what `mem0 org rm` was asked to do.
type OrgRmOptions struct {
	f      *Factory
	Server string
	Org    group
	Yes    bool
}

// NewCmdOrgRm builds `mem0 org rm`.
func NewCmdOrgRm(f *Factory, runF func(context.Context, *OrgRmOptions) error) *cobra.Command {
	opts := &OrgRmOptions{f: f}
	cmd := &cobra.Command{
		Use:   "rm ORG",
		Short: "Delete an org with its teams (owners)",
		Long: `Delete an org, its teams and its memberships, and with them the contexts
the org and its teams own, on the server. Only owners can. On a terminal
mem0 asks you to type the org's name; otherwise give --yes.`,
		Example: `  mem0 org rm acme
  mem0 org rm acme --yes`,
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
			return orgRmRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func orgRmRun(ctx context.Context, opts *OrgRmOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	// Check first that it is there to delete, so nobody confirms for nothing.
	o, err := c.GetOrg(ctx, opts.Org.Org)
	if err != nil {
		return adminError(err, opts.Org, "delete", needRole(opts.Org, "owner"))
	}
	if err := confirmDelete(f, opts.Yes, "org "+o.Name+" with its teams and the contexts they own", o.Name); err != nil {
		return err
	}
	if err := c.DeleteOrg(ctx, o.ID); err != nil {
		return adminError(err, opts.Org, "delete", needRole(opts.Org, "owner"))
	}
	fmt.Fprintf(f.IO.ErrOut, "Deleted org %s.\n", o.Name)
	return nil
}

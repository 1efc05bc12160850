package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// OrgCreateOptions is what `mem0 org create` was asked to do.
type OrgCreateOptions struct {
	f      *Factory
	Server string
	Org    group
	JSON   bool
}

// NewCmdOrgCreate builds `mem0 org create`.
func NewCmdOrgCreate(f *Factory, runF func(context.Context, *OrgCreateOptions) error) *cobra.Command {
	opts := &OrgCreateOptions{f: f}
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an org; you become its owner",
		Long: `Create an organisation on the team server; you become its owner. Names are
1-63 letters, digits, '.', '_' or '-', starting with a letter or digit,
and unique on the server.`,
		Example: `  mem0 org create acme
  mem0 org create acme --json | jq -r .id`,
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
			return orgCreateRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func orgCreateRun(ctx context.Context, opts *OrgCreateOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	o, err := c.CreateOrg(ctx, opts.Org.Org)
	if err != nil {
		return adminError(err, opts.Org, "create", "")
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, o)
	}
	fmt.Fprintf(f.IO.ErrOut, "Created org %s; you are its owner.\n", o.Name)
	return nil
}

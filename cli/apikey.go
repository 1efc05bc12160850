package cli

import (
	"github.com/spf13/cobra"
)

// NewCmdAPIKey builds `mem0 apikey` and its verbs.
func NewCmdAPIKey(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "apikey",
		Short: "Create, list and revoke API keys for scripts and CI",
		Long: `API keys let scripts, CI jobs and servers use the team server without a
password: set MEM0_API_KEY=KEY (it wins over a login), or store one with
mem0 login --with-token. A key acts as your account, capped at its scope
(read or write); it cannot manage keys, passwords or org owners. Managing
keys needs a password login.`,
		Example: `  mem0 apikey create ci --scope write
  mem0 apikey list
  mem0 apikey revoke 0193a1c2`,
	}
	cmd.AddCommand(
		NewCmdAPIKeyCreate(f, nil),
		NewCmdAPIKeyList(f, nil),
		NewCmdAPIKeyRevoke(f, nil),
	)
	return cmd
}

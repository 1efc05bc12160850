package cli

import (
	"github.com/spf13/cobra"
)

// NewCmdConfig builds `mem0 config` and its verbs.
func NewCmdConfig(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Read and change settings",
		Long: `Read and change settings in the config file (config.yaml in the config
folder; see mem0 status). Each setting can also come from the environment as
MEM0_ plus its name in capitals with dots as underscores
(content.max_bytes -> MEM0_CONTENT_MAX_BYTES), which wins over the file.`,
		Example: `  mem0 config list
  mem0 config set content.max_bytes 131072
  mem0 config get db.busy_timeout
  mem0 config unset color`,
	}
	cmd.AddCommand(NewCmdConfigGet(f, nil), NewCmdConfigSet(f, nil), NewCmdConfigUnset(f, nil), NewCmdConfigList(f, nil))
	return cmd
}

// configKeyArg checks the KEY argument against the known settings.
func configKeyArg(key string) error {
	if _, ok := configKeys[key]; !ok {
		return usageErrorf("unknown setting %q; `mem0 config list` shows them all", key)
	}
	return nil
}

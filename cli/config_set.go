package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// ConfigSetOptions is what `mem0 config set` was asked to do.
type ConfigSetOptions struct {
	f          *Factory
	Key, Value string
}

// NewCmdConfigSet builds `mem0 config set`.
func NewCmdConfigSet(f *Factory, runF func(context.Context, *ConfigSetOptions) error) *cobra.Command {
	opts := &ConfigSetOptions{f: f}
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Change a setting in the config file",
		Example: `  mem0 config set content.max_bytes 131072
  mem0 config set editor "code --wait"`,
		Args: exactArgs(2, "a setting name and a value"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key, opts.Value = args[0], args[1]
			if err := configKeyArg(opts.Key); err != nil {
				return err
			}
			if _, err := configKeys[opts.Key].check(opts.Value); err != nil {
				return usageErrorf("%s: %v", opts.Key, err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return configSetRun(cmd.Context(), opts)
		},
	}
}

func configSetRun(_ context.Context, opts *ConfigSetOptions) error {
	p, err := opts.f.Paths()
	if err != nil {
		return err
	}
	if err := SetInFile(p.ConfigFile(), opts.Key, opts.Value); err != nil {
		return err
	}
	fmt.Fprintf(opts.f.IO.ErrOut, "Set %s to %s in %s.\n", opts.Key, opts.Value, p.ConfigFile())
	return nil
}

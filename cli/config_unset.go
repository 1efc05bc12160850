package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// ConfigUnsetOptions is what `mem0 config unset` was asked to do.
type ConfigUnsetOptions struct {
	f   *Factory
	Key string
}

// NewCmdConfigUnset builds `mem0 config unset`.
func NewCmdConfigUnset(f *Factory, runF func(context.Context, *ConfigUnsetOptions) error) *cobra.Command {
	opts := &ConfigUnsetOptions{f: f}
	return &cobra.Command{
		Use:     "unset KEY",
		Short:   "Remove a setting from the config file (back to its default)",
		Example: `  mem0 config unset content.max_bytes`,
		Args:    exactArgs(1, "a setting name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if err := configKeyArg(opts.Key); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			p, err := opts.f.Paths()
			if err != nil {
				return err
			}
			if err := UnsetInFile(p.ConfigFile(), opts.Key); err != nil {
				return err
			}
			fmt.Fprintf(opts.f.IO.ErrOut, "Removed %s from %s.\n", opts.Key, p.ConfigFile())
			return nil
		},
	}
}

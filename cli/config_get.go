package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// ConfigGetOptions is what `mem0 config get` was asked to do.
type ConfigGetOptions struct {
	f   *Factory
	Key string
}

// NewCmdConfigGet builds `mem0 config get`.
func NewCmdConfigGet(f *Factory, runF func(context.Context, *ConfigGetOptions) error) *cobra.Command {
	opts := &ConfigGetOptions{f: f}
	return &cobra.Command{
		Use:     "get KEY",
		Short:   "Print a setting's value",
		Example: `  mem0 config get content.max_bytes`,
		Args:    exactArgs(1, "a setting name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Key = args[0]
			if err := configKeyArg(opts.Key); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			cfg, err := opts.f.Config()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(opts.f.IO.Out, cfg.Get(opts.Key))
			return err
		},
	}
}

package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// ConfigListOptions is what `mem0 config list` was asked to do.
type ConfigListOptions struct {
	f    *Factory
	JSON bool
}

// NewCmdConfigList builds `mem0 config list`.
func NewCmdConfigList(f *Factory, runF func(context.Context, *ConfigListOptions) error) *cobra.Command {
	opts := &ConfigListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List every setting, its value and where the value comes from",
		Long: `List every setting with its value and its source (default, file, or the
environment variable that set it). Piped: key, value, source, description,
tab-separated.`,
		Example: `  mem0 config list
  mem0 config list --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return configListRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

type settingView struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Source      string `json:"source"`
	Description string `json:"description"`
}

func configListRun(_ context.Context, opts *ConfigListOptions) error {
	f := opts.f
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	var views []settingView
	for _, k := range Keys() {
		views = append(views, settingView{Key: k, Value: cfg.Get(k), Source: cfg.Source(k), Description: configKeys[k].help})
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, views)
	}
	st := f.Styles()
	t := newTable(f.IO, "key", "value", "source", "description")
	for _, v := range views {
		t.row(styled(v.Key, st.Bold), plain(v.Value), styled(v.Source, st.Dim), styled(v.Description, st.Dim))
	}
	return t.render(st)
}

package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// VersionOptions is what `mem0 version` was asked to do.
type VersionOptions struct {
	f    *Factory
	JSON bool
}

// NewCmdVersion builds `mem0 version`. It reads no config and opens no
// database, so it measures the binary's bare start-up.
func NewCmdVersion(f *Factory, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{f: f}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Example: `  mem0 version
  mem0 version --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

type versionView struct {
	BuildInfo
	Go   string `json:"go"`
	OS   string `json:"os"`
	Arch string `json:"arch"`
}

func versionRun(_ context.Context, opts *VersionOptions) error {
	v := versionView{BuildInfo: opts.f.Build, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if opts.JSON {
		return writeJSON(opts.f.IO.Out, v)
	}
	line := "mem0 " + v.Version
	if v.Commit != "" {
		line += " (" + v.Commit
		if v.Date != "" {
			line += ", " + v.Date
		}
		line += ")"
	}
	_, err := fmt.Fprintf(opts.f.IO.Out, "%s %s %s/%s\n", line, v.Go, v.OS, v.Arch)
	return err
}

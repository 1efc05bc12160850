package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// StatusOptions is what `mem0 status` was asked to do.
type StatusOptions struct {
	f    *Factory
	JSON bool
}

// NewCmdStatus builds `mem0 status`.
func NewCmdStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{f: f}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show where mem0 keeps things, what it holds and what it records",
		Example: `  mem0 status
  mem0 status --json | jq .memories`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

type statusView struct {
	ConfigFile     string     `json:"config_file"`
	Database       string     `json:"database"`
	StateDir       string     `json:"state_dir"`
	SchemaVersion  int        `json:"schema_version"`
	CurrentContext string     `json:"current_context"`
	ContextSource  string     `json:"current_context_source"`
	Recording      string     `json:"recording_context"`
	RecordingSince *time.Time `json:"recording_since,omitempty"`
	*store.Stats
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	f := opts.f
	p, err := f.Paths()
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	v := statusView{ConfigFile: p.ConfigFile(), Database: s.Path(), StateDir: p.State, Stats: st}
	if v.SchemaVersion, err = s.SchemaVersion(ctx); err != nil {
		return err
	}
	if v.CurrentContext, v.ContextSource, err = f.CurrentContext(ctx, ""); err != nil {
		return err
	}
	if v.Recording, err = s.State(ctx, store.StateRecordingContext); err != nil {
		return err
	}
	if since, _ := s.State(ctx, store.StateRecordingSince); since != "" && v.Recording != "" {
		if ms, err := strconv.ParseInt(since, 10, 64); err == nil {
			t := time.UnixMilli(ms).UTC()
			v.RecordingSince = &t
		}
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	sty := f.Styles()
	fl := fields{key: sty.Dim}
	fl.add("context", sty.Context.Render(v.CurrentContext)+sty.Dim.Render(" ("+v.ContextSource+")"))
	if v.Recording != "" {
		rec := sty.Warn.Render(v.Recording)
		if v.RecordingSince != nil {
			rec += sty.Dim.Render(" (since " + ago(f.Now(), *v.RecordingSince) + ")")
		}
		fl.add("recording", rec)
	} else {
		fl.add("recording", "off")
	}
	fl.add("memories", fmt.Sprintf("%d in %d contexts (%d deleted, %d earlier versions)", st.Memories, st.Contexts, st.Deleted, st.Versions))
	if st.Pending > 0 {
		fl.add("to sync", fmt.Sprint(st.Pending))
	}
	fl.add("database", fmt.Sprintf("%s (%s)", v.Database, sizeText(st.Bytes)))
	fl.add("config", v.ConfigFile)
	fl.add("state", v.StateDir)
	_, err = fmt.Fprint(f.IO.Out, fl.String())
	return err
}

// sizeText renders a byte count for people (KiB, MiB, GiB).
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}

package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// HistoryOptions is what `mem0 history` was asked to do.
type HistoryOptions struct {
	f    *Factory
	ID   string
	JSON bool
}

// NewCmdHistory builds `mem0 history`.
func NewCmdHistory(f *Factory, runF func(context.Context, *HistoryOptions) error) *cobra.Command {
	opts := &HistoryOptions{f: f}
	cmd := &cobra.Command{
		Use:   "history ID",
		Short: "Show every version of a memory",
		Long: `Show every version of a memory, oldest first. The last one is the current
state; mem0 restore ID --version N makes an earlier one current again.`,
		Example: `  mem0 history 0193a5e2-7c1b
  mem0 history 0193a5e2-7c1b --json | jq '.[-2].content'`,
		Args:              exactArgs(1, "one memory id"),
		ValidArgsFunction: completeMemoryIDs(f, false),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return historyRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func historyRun(ctx context.Context, opts *HistoryOptions) error {
	f := opts.f
	s, id, err := f.storeAndID(ctx, opts.ID)
	if err != nil {
		return err
	}
	versions, err := s.History(ctx, id)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, versions)
	}
	st := f.Styles()
	t := newTable(f.IO, "version", "updated", "state", "kind", "content")
	tty := f.IO.IsStdoutTTY()
	for _, v := range versions {
		state := "old"
		switch {
		case v.Current && v.Deleted:
			state = "deleted"
		case v.Current:
			state = "current"
		case v.Deleted:
			state = "deleted"
		}
		when := stamp(v.UpdatedAt)
		if tty {
			when = ago(f.Now(), v.UpdatedAt)
		}
		stateStyle := st.Dim
		if v.Current {
			stateStyle = st.OK
		}
		t.row(plain(fmt.Sprint(v.Version)), styled(when, st.Dim), styled(state, stateStyle), styled(v.Kind, st.Kind), plain(v.Content))
	}
	return t.render(st)
}

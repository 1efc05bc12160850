package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextListOptions is what `mem0 context list` was asked to do.
type ContextListOptions struct {
	f    *Factory
	JSON bool
}

// NewCmdContextList builds `mem0 context list`.
func NewCmdContextList(f *Factory, runF func(context.Context, *ContextListOptions) error) *cobra.Command {
	opts := &ContextListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List contexts with their memory counts",
		Long: `List contexts by name with how many memories each holds. The current context
is marked with *, and the one being recorded into with "recording". Piped,
each context is one tab-separated line: name, memories, flags, description.`,
		Example: `  mem0 context list
  mem0 context list --json | jq -r '.[] | select(.memories > 0) | .name'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextListRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// contextView is a context as listings show it.
type contextView struct {
	*store.Context
	Current   bool `json:"current"`
	Recording bool `json:"recording"`
}

func contextListRun(ctx context.Context, opts *ContextListOptions) error {
	f := opts.f
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	cs, err := s.ListContexts(ctx)
	if err != nil {
		return err
	}
	current, _, err := f.CurrentContext(ctx, "")
	if err != nil {
		return err
	}
	recording, err := s.State(ctx, store.StateRecordingContext)
	if err != nil {
		return err
	}
	views := make([]contextView, 0, len(cs)+1)
	seenCurrent := false
	for _, c := range cs {
		v := contextView{Context: c, Current: strings.EqualFold(c.Name, current), Recording: strings.EqualFold(c.Name, recording)}
		seenCurrent = seenCurrent || v.Current
		views = append(views, v)
	}
	if !seenCurrent {
		// The current context exists as soon as something is added to it.
		views = append([]contextView{{Context: &store.Context{Name: current, Visibility: "private"}, Current: true}}, views...)
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, views)
	}
	st := f.Styles()
	t := newTable(f.IO, "", "name", "memories", "recording", "description")
	tty := f.IO.IsStdoutTTY()
	for _, v := range views {
		mark, rec := "", ""
		if v.Current {
			mark = "*"
		}
		if v.Recording {
			rec = "recording"
		}
		cells := []cell{styled(v.Name, st.Context), plain(fmt.Sprint(v.Memories)), styled(rec, st.Warn), plain(v.Description)}
		if tty {
			cells = append([]cell{styled(mark, st.OK)}, cells...)
		} else {
			flags := strings.TrimSpace(strings.Join([]string{map[bool]string{true: "current"}[v.Current], rec}, " "))
			cells = []cell{plain(v.Name), plain(fmt.Sprint(v.Memories)), plain(flags), plain(v.Description)}
		}
		t.row(cells...)
	}
	return t.render(st)
}

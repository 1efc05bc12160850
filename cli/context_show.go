package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ContextShowOptions is what `mem0 context show` was asked to do.
type ContextShowOptions struct {
	f    *Factory
	Name string
	JSON bool
}

// NewCmdContextShow builds `mem0 context show`.
func NewCmdContextShow(f *Factory, runF func(context.Context, *ContextShowOptions) error) *cobra.Command {
	opts := &ContextShowOptions{f: f}
	cmd := &cobra.Command{
		Use:   "show [NAME]",
		Short: "Show a context (the current one by default)",
		Example: `  mem0 context show
  mem0 context show billing --json`,
		Args:              rangeArgs(0, 1, "at most one context name"),
		ValidArgsFunction: completeContexts(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return contextShowRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func contextShowRun(ctx context.Context, opts *ContextShowOptions) error {
	f := opts.f
	name, source, err := f.CurrentContext(ctx, opts.Name)
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	c, err := s.GetContext(ctx, name)
	if err != nil {
		return err
	}
	if err := s.CountMemories(ctx, c); err != nil {
		return err
	}
	recording, err := s.State(ctx, store.StateRecordingContext)
	if err != nil {
		return err
	}
	current, _, err := f.CurrentContext(ctx, "")
	if err != nil {
		return err
	}
	v := contextView{Context: c, Current: strings.EqualFold(current, c.Name), Recording: strings.EqualFold(recording, c.Name)}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	st := f.Styles()
	fl := fields{key: st.Dim}
	fl.add("name", st.Context.Render(c.Name))
	if c.Description != "" {
		fl.add("description", c.Description)
	}
	fl.add("memories", fmt.Sprint(c.Memories))
	fl.add("visibility", c.Visibility)
	fl.add("created", stamp(c.CreatedAt))
	if v.Current {
		if opts.Name == "" {
			fl.add("current", "yes (chosen by "+source+")")
		} else {
			fl.add("current", "yes")
		}
	}
	if v.Recording {
		fl.add("recording", "yes")
	}
	_, err = fmt.Fprint(f.IO.Out, fl.String())
	return err
}

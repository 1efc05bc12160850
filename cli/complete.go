package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// completeContexts offers context names, with their descriptions, for
// arguments and --context flags.
func completeContexts(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		s, err := f.openStore(cmd.Context()) // no ingest: TAB must be quick
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cs, err := s.ListContexts(cmd.Context())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, c := range cs {
			if strings.HasPrefix(strings.ToLower(c.Name), strings.ToLower(toComplete)) {
				out = append(out, cobra.CompletionWithDesc(c.Name, c.Description))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeMemoryIDs offers the ids of recent memories (deleted ones for
// restore), each described by the start of its text.
func completeMemoryIDs(f *Factory, deleted bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		s, err := f.openStore(cmd.Context()) // no ingest: TAB must be quick
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		flt := store.Filter{Limit: 50}
		if deleted {
			flt.Deleted = store.DeletedOnly
		}
		ms, err := s.ListMemories(cmd.Context(), flt)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, m := range ms {
			if strings.HasPrefix(m.ID, strings.ToLower(toComplete)) {
				desc := oneLine(m.Content)
				if len(desc) > 60 {
					desc = desc[:60] + "…"
				}
				out = append(out, cobra.CompletionWithDesc(m.ID, desc))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

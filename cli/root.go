package cli

import (
	"github.com/spf13/cobra"
)

// NewCmdRoot builds the whole command tree. Nothing here opens files: each
// command asks the factory for what it needs when it runs.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "mem0",
		Short: "Local-first memory for developers and their AI tools",
		Long: `mem0 keeps what you know - notes, snippets, facts, commands - in a local
SQLite database and finds it again in milliseconds. No account, server or
network is needed.`,
		Example: `  mem0 add "deploy with make publish"
  mem0 search deploy
  mem0 list --all-contexts
  mem0 context start debugging`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Version:           f.Build.Version,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
	}
	root.SetVersionTemplate("mem0 {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err: err} })
	root.AddGroup(
		&cobra.Group{ID: "memory", Title: "Memories:"},
		&cobra.Group{ID: "context", Title: "Contexts:"},
		&cobra.Group{ID: "data", Title: "Data and settings:"},
		&cobra.Group{ID: "shell", Title: "Shell:"},
		&cobra.Group{ID: "team", Title: "Team:"},
	)
	for _, c := range []*cobra.Command{
		NewCmdAdd(f, nil), NewCmdSearch(f, nil), NewCmdList(f, nil), NewCmdShow(f, nil),
		NewCmdEdit(f, nil), NewCmdRm(f, nil), NewCmdHistory(f, nil), NewCmdRestore(f, nil),
	} {
		c.GroupID = "memory"
		root.AddCommand(c)
	}
	ctxCmd := NewCmdContext(f)
	ctxCmd.GroupID = "context"
	root.AddCommand(ctxCmd)
	for _, c := range []*cobra.Command{
		NewCmdExport(f, nil), NewCmdImport(f, nil), NewCmdStatus(f, nil), NewCmdDoctor(f, nil),
		NewCmdConfig(f), NewCmdVersion(f, nil), NewCmdMCP(f, nil), NewCmdAI(f), NewCmdReindex(f, nil),
	} {
		c.GroupID = "data"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{NewCmdInit(f, nil), NewCmdIngest(f, nil)} {
		c.GroupID = "shell"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{
		NewCmdRegister(f, nil), NewCmdLogin(f, nil), NewCmdLogout(f, nil), NewCmdWhoami(f, nil),
		NewCmdAPIKey(f), NewCmdServer(f, nil),
		NewCmdSync(f, nil), NewCmdShare(f, nil), NewCmdUnshare(f, nil),
		NewCmdOrg(f), NewCmdTeam(f), NewCmdAudit(f, nil),
	} {
		c.GroupID = "team"
		root.AddCommand(c)
	}
	return root
}

// Flag helpers shared by the commands that take them.

func addContextFlag(cmd *cobra.Command, f *Factory, p *string) {
	cmd.Flags().StringVarP(p, "context", "c", "", "context to use (default: $MEM0_CONTEXT, then the one set by mem0 context use, then \"default\")")
	_ = cmd.RegisterFlagCompletionFunc("context", completeContexts(f))
}

func addJSONFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "json", false, "print JSON (stable field names) instead of text")
}

// exactArgs and friends report wrong argument counts as usage errors (exit 2).
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

func rangeArgs(lo, hi int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usageErrorf("%s takes %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

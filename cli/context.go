package cli

import (
	"github.com/spf13/cobra"
)

// NewCmdContext builds `mem0 context` and its verbs.
func NewCmdContext(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "context",
		Aliases: []string{"ctx"},
		Short:   "Create, choose and record into contexts",
		Long: `A context is a named bucket of memories (a project, a task, an incident).

Commands work in the current context, chosen by, in order: the --context flag,
$MEM0_CONTEXT, the last "mem0 context use", and finally "default".

"mem0 context start NAME" turns recording on: with the shell hooks loaded
(mem0 init), each command you type is remembered in NAME until
"mem0 context stop".`,
		Example: `  mem0 context create billing --description "billing service"
  mem0 context use billing
  mem0 context list
  mem0 context start incident-42
  mem0 context stop`,
	}
	cmd.AddCommand(
		NewCmdContextCreate(f, nil),
		NewCmdContextList(f, nil),
		NewCmdContextShow(f, nil),
		NewCmdContextUse(f, nil),
		NewCmdContextRename(f, nil),
		NewCmdContextRm(f, nil),
		NewCmdContextStart(f, nil),
		NewCmdContextStop(f, nil),
		NewCmdContextAccess(f, nil),
		NewCmdContextSummarize(f, nil),
	)
	return cmd
}

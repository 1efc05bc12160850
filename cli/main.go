package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
)

// Main runs the CLI with the process's arguments and returns the exit code.
func Main(build BuildInfo) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	f := NewFactory(build)
	return Run(ctx, f, os.Args[1:])
}

// Run executes one command line against f and reports any error on f's
// stderr. Tests call it with in-memory streams.
func Run(ctx context.Context, f *Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	f.inRun = true
	cmd, err := root.ExecuteContextC(ctx)
	// A dry run wrote nothing: nothing to embed or push, and nothing may be
	// sent on its behalf.
	if err == nil && cmd != nil && !dryRun(cmd) {
		f.maybeEmbed(ctx, cmd.Name())
		f.maybeAutoSync(ctx, cmd.Name())
	}
	// What --explain prints ends here, so that it covers what the hooks
	// above sent too (the new memory's embedding, say).
	for _, fn := range f.atEnd {
		fn()
	}
	f.inRun, f.atEnd = false, nil
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		return ExitOK
	}
	if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") {
		err = &FlagError{err: err}
	}
	if !errors.Is(err, ErrSilent) {
		dbPath := ""
		if p, perr := f.Paths(); perr == nil {
			dbPath = p.Database()
		}
		fmt.Fprintf(f.IO.ErrOut, "mem0: %s\n", Explain(err, dbPath))
		var fe *FlagError
		if errors.As(err, &fe) && cmd != nil {
			fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return ExitCode(err)
}

// dryRun reports whether cmd was asked for a dry run.
func dryRun(cmd *cobra.Command) bool {
	fl := cmd.Flags().Lookup("dry-run")
	return fl != nil && fl.Value.String() == "true"
}

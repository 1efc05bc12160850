package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
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
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil && cmd != nil {
		f.maybeEmbed(ctx, cmd.Name())
		f.maybeAutoSync(ctx, cmd.Name())
	}
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

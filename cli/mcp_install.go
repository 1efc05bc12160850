package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/mcp/clientconfig"
)

// MCPInstallOptions is what `mem0 mcp install` was asked to do.
type MCPInstallOptions struct {
	f *Factory

	Client        string
	Name          string
	Project       bool
	Dir           string // the project folder; the working directory when empty
	Print         bool
	Force         bool
	Context       string
	AllowContexts []string
	ReadOnly      bool
	// Executable finds the mem0 binary to run; os.Executable when nil.
	Executable func() (string, error)
	GOOS       string // runtime.GOOS when empty
}

// NewCmdMCPInstall builds `mem0 mcp install`.
func NewCmdMCPInstall(f *Factory, runF func(context.Context, *MCPInstallOptions) error) *cobra.Command {
	opts := &MCPInstallOptions{f: f}
	cmd := &cobra.Command{
		Use:   "install CLIENT",
		Short: "Add mem0 to an AI client's MCP configuration",
		Long: `Add a "mem0" server entry to an AI client's MCP configuration file, so the
client starts mem0 mcp itself. The entry runs this mem0 binary by its absolute
path; it holds no secrets. Every other server and setting in the file stays as
it was; the previous file is kept as FILE.bak, and the new one replaces it in
one step. A file with comments is left alone: add the entry shown by --print
by hand.

Clients: ` + strings.Join(clientconfig.Names(), ", ") + `.
Without --project the user-level file is changed; with --project the
workspace file in the current folder (.mcp.json for Claude Code,
.cursor/mcp.json for Cursor, .vscode/mcp.json for VS Code). See docs/mcp.md
for every path.`,
		Example: `  mem0 mcp install claude-desktop
  mem0 mcp install claude-code --project --context myproject
  mem0 mcp install vscode --project --read-only
  mem0 mcp install cursor --print        # show the file, write nothing`,
		Args:      exactArgs(1, "one client: "+strings.Join(clientconfig.Names(), ", ")),
		ValidArgs: clientconfig.Names(),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Client = args[0]
			if _, ok := clientconfig.Lookup(opts.Client); !ok {
				return usageErrorf("unknown client %q: use one of %s", opts.Client, strings.Join(clientconfig.Names(), ", "))
			}
			if opts.Context != "" {
				if err := checkContextFlag(opts.Context); err != nil {
					return err
				}
			}
			for _, a := range opts.AllowContexts {
				if err := checkAllowContext(a); err != nil {
					return &FlagError{err: err}
				}
			}
			if opts.Name == "" || strings.ContainsAny(opts.Name, "\"\\\n") {
				return usageErrorf("--name %q: give a plain name for the entry", opts.Name)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return mcpInstallRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "mem0", "name of the entry in the client's configuration")
	cmd.Flags().BoolVar(&opts.Project, "project", false, "change the workspace file in the current folder instead of the user's")
	cmd.Flags().BoolVar(&opts.Print, "print", false, "print the resulting file instead of writing it")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an entry of the same name that runs another program")
	cmd.Flags().StringVarP(&opts.Context, "context", "c", "", "make the server use this context (--context in the entry)")
	_ = cmd.RegisterFlagCompletionFunc("context", completeContexts(f))
	cmd.Flags().StringArrayVar(&opts.AllowContexts, "allow-context", nil, "let the model name this context too (repeatable; * for all)")
	cmd.Flags().BoolVar(&opts.ReadOnly, "read-only", false, "offer the client only the tools that read")
	return cmd
}

func checkContextFlag(name string) error {
	if err := checkAllowContext(name); err != nil || name == "*" {
		return usageErrorf("--context %q: give one context name (1-64 letters, digits, '.', '_' or '-')", name)
	}
	return nil
}

// mcpEntryArgs are the arguments an entry passes to mem0.
func mcpEntryArgs(context string, allow []string, readOnly bool) []string {
	args := []string{"mcp"}
	if context != "" {
		args = append(args, "--context", context)
	}
	for _, a := range allow {
		args = append(args, "--allow-context", a)
	}
	if readOnly {
		args = append(args, "--read-only")
	}
	return args
}

// mcpConfigPath is the client's file for the chosen scope.
func mcpConfigPath(f *Factory, c clientconfig.Client, project bool, dir, goos string) (string, error) {
	if !project {
		return c.UserPath(clientconfig.Env{GOOS: goos, Getenv: f.Getenv})
	}
	if c.Project == "" {
		return "", usageErrorf("%s has no workspace configuration file; leave out --project to change the user-level one", c.Title)
	}
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("find the current folder: %w", err)
		}
		dir = wd
	}
	return filepath.Join(dir, c.Project), nil
}

// mem0Executable is the absolute path of the running binary, with
// symlinks resolved so that the entry survives a package manager
// re-pointing its links.
func mem0Executable(find func() (string, error)) (string, error) {
	if find == nil {
		find = os.Executable
	}
	exe, err := find()
	if err != nil {
		return "", fmt.Errorf("find the mem0 binary: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Abs(exe)
}

func mcpInstallRun(ctx context.Context, opts *MCPInstallOptions) error {
	f := opts.f
	c, _ := clientconfig.Lookup(opts.Client)
	goos := opts.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	path, err := mcpConfigPath(f, c, opts.Project, opts.Dir, goos)
	if err != nil {
		return err
	}
	exe, err := mem0Executable(opts.Executable)
	if err != nil {
		return err
	}
	entry := c.EntryFor(exe, mcpEntryArgs(opts.Context, opts.AllowContexts, opts.ReadOnly))
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if !opts.Force {
		// An entry of that name that runs something else (the hosted mem0's
		// own MCP server is often named "mem0" too) is not ours to replace.
		entries, _ := clientconfig.Entries(old, c.Key)
		for _, e := range entries {
			if e.Name == opts.Name && e.Err == nil && !runsMem0(e.Entry.Command) && e.Entry.Command != exe {
				return fmt.Errorf("%s already has an entry %q that runs %q, not this mem0; give another name "+
					"(--name mem0-local), or --force to replace it", path, opts.Name, e.Entry.Command)
			}
		}
	}
	doc, change, err := clientconfig.Merge(old, c.Key, opts.Name, entry)
	if errors.Is(err, clientconfig.ErrNotPlainJSON) {
		fmt.Fprintf(f.IO.ErrOut, "%s %v; mem0 does not rewrite it. Add this under %q by hand:\n", path, err, c.Key)
		one, _, _ := clientconfig.Merge(nil, c.Key, opts.Name, entry)
		fmt.Fprint(f.IO.Out, string(one))
		return ErrSilent
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if opts.Print {
		_, err := f.IO.Out.Write(doc)
		fmt.Fprintf(f.IO.ErrOut, "This is what %s would hold; nothing was written.\n", path)
		return err
	}
	if change == clientconfig.Unchanged {
		fmt.Fprintf(f.IO.ErrOut, "%s already runs %s in %s; nothing to do.\n", c.Title, opts.Name, path)
		return nil
	}
	backup, err := clientconfig.WriteFile(path, doc)
	if err != nil {
		return err
	}
	verb := "Added"
	if change == clientconfig.Replaced {
		verb = "Updated"
	}
	fmt.Fprintf(f.IO.ErrOut, "%s %q in %s", verb, opts.Name, path)
	if backup != "" {
		fmt.Fprintf(f.IO.ErrOut, " (the previous file is %s)", backup)
	}
	fmt.Fprintf(f.IO.ErrOut, ".\nIt runs: %s %s\nRestart %s to load it; `mem0 mcp doctor` checks it.\n",
		exe, strings.Join(entry.Args, " "), c.Title)
	return nil
}

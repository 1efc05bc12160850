package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
)

// InitOptions is what `mem0 init` was asked to do.
type InitOptions struct {
	f            *Factory
	Shell        string
	NoCompletion bool
	root         *cobra.Command // for the completion script
}

// NewCmdInit builds `mem0 init`.
func NewCmdInit(f *Factory, runF func(context.Context, *InitOptions) error) *cobra.Command {
	opts := &InitOptions{f: f}
	cmd := &cobra.Command{
		Use:   "init SHELL",
		Short: "Print the shell hook that records commands (bash, zsh, fish, powershell)",
		Long: `Print the code that hooks mem0 into a shell, and its completion. Add the
line for your shell to its startup file:

  bash        ~/.bashrc                     eval "$(mem0 init bash)"
  zsh         ~/.zshrc                      eval "$(mem0 init zsh)"
  fish        ~/.config/fish/config.fish    mem0 init fish | source
  PowerShell  $PROFILE                      mem0 init powershell | Out-String | Invoke-Expression

With the hook loaded, "mem0 context start NAME" makes that shell record each
command typed into NAME: the command line, exit status, duration, folder, git
branch and repository, shell, host and time. "mem0 context stop" ends it. A
shell started later records into the context most recently started, unless
shell.inherit is false. Commands starting with a space are never recorded;
secrets (tokens, keys, passwords, credentials in URLs) are masked before
anything is stored; shell.ignore_commands and shell.ignore_pattern leave
more out.

The hook runs no program between two prompts: it writes each command to a
spool file with shell builtins and mem0 stores it the next time it runs.
It keeps $? (fish: $status, PowerShell: $LASTEXITCODE), never prints, and
loading it twice changes nothing. bash needs 4.4 or later. PowerShell's hook
is not tested in CI. See docs/shell.md.`,
		Example: `  eval "$(mem0 init zsh)"            # in ~/.zshrc
  mem0 init fish | source            # in ~/.config/fish/config.fish
  mem0 init bash --no-completion     # the hook only`,
		Args:      exactArgs(1, "the shell: bash, zsh, fish or powershell"),
		ValidArgs: shell.Shells,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Shell = args[0]
			if opts.Shell == "pwsh" {
				opts.Shell = "powershell"
			}
			if _, err := shell.Render(opts.Shell, shell.Params{}); err != nil {
				return &FlagError{err: err}
			}
			opts.root = cmd.Root()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return initRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoCompletion, "no-completion", false, "print the hook without the completion script")
	return cmd
}

func initRun(ctx context.Context, opts *InitOptions) error {
	f := opts.f
	p, err := f.Paths()
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	bin, err := binaryPath()
	if err != nil {
		return err
	}
	spool, sessions := p.Spool(), p.Sessions()
	for _, dir := range []string{spool.Dir, sessions.Dir} {
		if err := ensureDir(dir); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	// Sessions of shells long gone are forgotten here, once per shell
	// start; failing to is no reason to fail the start.
	if err := sessions.Prune(f.Now(), sessionMaxAge); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "mem0: %v\n", err)
	}
	params := shell.Params{Version: f.Build.Version, Bin: bin, Spool: spool.Dir, Sessions: sessions.Dir}
	if cfg.ShellInherit() {
		// The hook must load even when the database cannot be read: a
		// broken shell start-up is worse than a shell that does not record.
		if params.Context, err = inheritedContext(ctx, f); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "mem0: this shell does not record: %s\n", Explain(err, p.Database()))
		}
	}
	if !opts.NoCompletion {
		var b bytes.Buffer
		if err := genCompletion(opts.root, opts.Shell, &b); err != nil {
			return err
		}
		params.Completion = b.String()
	}
	out, err := shell.Render(opts.Shell, params)
	if err != nil {
		return err
	}
	_, err = f.IO.Out.Write(out)
	return err
}

// binaryPath is the path the hook calls mem0 by: the one the user reached it
// by (through $PATH, or as typed), not the file links lead to. Package
// managers link a stable name to a versioned file that an upgrade deletes.
func binaryPath() (string, error) {
	if arg := os.Args[0]; arg != "" {
		if !strings.ContainsAny(arg, `/\`) {
			if p, err := exec.LookPath(arg); err == nil {
				arg = p
			}
		}
		if abs, err := filepath.Abs(arg); err == nil {
			if info, err := os.Stat(abs); err == nil && !info.IsDir() {
				return abs, nil
			}
		}
	}
	bin, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the mem0 binary: %w", err)
	}
	return bin, nil
}

// sessionMaxAge is how long a shell session's state outlives its last
// change before it is taken for a shell that is gone.
const sessionMaxAge = 30 * 24 * time.Hour

// inheritedContext is the id of the context most recently started, which a
// new shell records into; "" when nothing records.
func inheritedContext(ctx context.Context, f *Factory) (string, error) {
	s, err := f.openStore(ctx) // a shell start-up is no time to ingest
	if err != nil {
		return "", err
	}
	name, err := s.State(ctx, store.StateRecordingContext)
	if err != nil || name == "" {
		return "", err
	}
	c, err := s.GetContext(ctx, name)
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// genCompletion writes cobra's completion script for shell.
func genCompletion(root *cobra.Command, sh string, w *bytes.Buffer) error {
	switch sh {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return fmt.Errorf("no completion for %s", sh)
}

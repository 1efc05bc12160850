package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/mcp/clientconfig"
)

// MCPDoctorOptions is what `mem0 mcp doctor` was asked to do.
type MCPDoctorOptions struct {
	f *Factory

	NoStart bool
	Dir     string // the project folder; the working directory when empty
	JSON    bool
	GOOS    string // runtime.GOOS when empty
	Timeout time.Duration
}

// NewCmdMCPDoctor builds `mem0 mcp doctor`.
func NewCmdMCPDoctor(f *Factory, runF func(context.Context, *MCPDoctorOptions) error) *cobra.Command {
	opts := &MCPDoctorOptions{f: f, Timeout: 10 * time.Second}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the mem0 entries in AI clients' MCP configuration",
		Long: `Look through every supported client's user-level MCP configuration file, and
the workspace files in the current folder, for entries that run mem0, and
check each: the binary exists and can run, the arguments are valid, and
(unless --no-start) the server starts and answers an MCP initialize with its
tools. Exits 1 when an entry has a problem; the fix is usually to run
mem0 mcp install CLIENT again.`,
		Example: `  mem0 mcp doctor
  mem0 mcp doctor --no-start --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return mcpDoctorRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoStart, "no-start", false, "do not start the servers, only check the files")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// mcpFinding is one configuration file (and the mem0 entry in it).
type mcpFinding struct {
	Client  string   `json:"client"`
	Scope   string   `json:"scope"` // user or project
	Path    string   `json:"path"`
	Entry   string   `json:"entry"` // "" when the file has no mem0 entry
	Command string   `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	OK      bool     `json:"ok"`
	Detail  string   `json:"detail"`
}

func mcpDoctorRun(ctx context.Context, opts *MCPDoctorOptions) error {
	f := opts.f
	goos := opts.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	self, _ := mem0Executable(nil)
	findings := []mcpFinding{}
	for _, c := range clientconfig.Clients() {
		for _, project := range []bool{false, true} {
			if project && c.Project == "" {
				continue
			}
			path, err := mcpConfigPath(f, c, project, opts.Dir, goos)
			if err != nil {
				continue // no home folder: nothing to look at
			}
			doc, err := os.ReadFile(path)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			scope := map[bool]string{false: "user", true: "project"}[project]
			base := mcpFinding{Client: c.Name, Scope: scope, Path: path}
			if err != nil {
				base.Detail = err.Error()
				findings = append(findings, base)
				continue
			}
			entries, err := clientconfig.Entries(doc, c.Key)
			if err != nil {
				base.Detail = fmt.Sprintf("cannot be read: %v", err)
				findings = append(findings, base)
				continue
			}
			found := false
			for _, e := range entries {
				if !isMem0Entry(e, self) {
					continue
				}
				found = true
				fd := base
				fd.Entry, fd.Command, fd.Args = e.Name, e.Entry.Command, e.Entry.Args
				fd.Detail = checkMCPEntry(ctx, f, e, opts)
				fd.OK = strings.HasPrefix(fd.Detail, "ok")
				findings = append(findings, fd)
			}
			if !found {
				base.OK, base.Detail = true, "no mem0 entry (mem0 mcp install "+c.Name+" adds one)"
				findings = append(findings, base)
			}
		}
	}
	bad := 0
	for _, fd := range findings {
		if !fd.OK {
			bad++
		}
	}
	if opts.JSON {
		if err := writeJSON(f.IO.Out, findings); err != nil {
			return err
		}
	} else if len(findings) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "No MCP client configuration found; `mem0 mcp install CLIENT` makes one.")
	} else {
		st := f.Styles()
		t := newTable(f.IO, "client", "scope", "entry", "state", "detail", "file")
		for _, fd := range findings {
			state, style := "ok", st.OK
			if !fd.OK {
				state, style = "problem", st.Warn
			}
			t.row(plain(fd.Client), plain(fd.Scope), plain(fd.Entry), styled(state, style), plain(fd.Detail), styled(fd.Path, st.Dim))
		}
		if err := t.render(st); err != nil {
			return err
		}
	}
	if bad > 0 {
		fmt.Fprintf(f.IO.ErrOut, "%d mem0 entr%s with a problem; `mem0 mcp install CLIENT` rewrites an entry.\n", bad, map[bool]string{true: "y", false: "ies"}[bad == 1])
		return ErrSilent
	}
	return nil
}

// isMem0Entry recognises entries that run mem0 (a mem0 binary, or this
// very binary), whatever they are named.
// An entry named "mem0" that runs another program (the hosted mem0's MCP
// server, say) is someone else's.
func isMem0Entry(e clientconfig.Named, self string) bool {
	if e.Err != nil {
		return e.Name == "mem0"
	}
	return runsMem0(e.Entry.Command) || e.Entry.Command == self
}

// runsMem0 reports whether command is a mem0 binary.
func runsMem0(command string) bool {
	return strings.TrimSuffix(strings.ToLower(filepath.Base(command)), ".exe") == "mem0"
}

// checkMCPEntry returns "ok…" or what is wrong with an entry.
func checkMCPEntry(ctx context.Context, f *Factory, e clientconfig.Named, opts *MCPDoctorOptions) string {
	if e.Err != nil {
		return e.Err.Error()
	}
	cmdPath := e.Entry.Command
	if cmdPath == "" {
		return `the entry has no "command"`
	}
	if !filepath.IsAbs(cmdPath) {
		return fmt.Sprintf("command %q is not an absolute path; desktop clients start servers without your shell's PATH", cmdPath)
	}
	fi, err := os.Stat(cmdPath)
	if err != nil {
		return fmt.Sprintf("command %s does not exist (moved or uninstalled?)", cmdPath)
	}
	if fi.IsDir() || (runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0) {
		return fmt.Sprintf("command %s is not an executable file", cmdPath)
	}
	if len(e.Entry.Args) == 0 || e.Entry.Args[0] != "mcp" {
		return fmt.Sprintf("args %q do not start with \"mcp\", so mem0 would not serve MCP", e.Entry.Args)
	}
	if err := checkMCPArgs(f, e.Entry.Args[1:]); err != nil {
		return fmt.Sprintf("args %q: %s", e.Entry.Args, Explain(err, ""))
	}
	if opts.NoStart {
		return "ok (not started)"
	}
	return startMCPEntry(ctx, e.Entry, opts.Timeout)
}

// checkMCPArgs parses an entry's arguments with mem0 mcp's own flags.
func checkMCPArgs(f *Factory, args []string) error {
	for _, a := range args {
		if a == "install" || a == "doctor" {
			return fmt.Errorf("%q is a subcommand, not a server option", a)
		}
	}
	cmd := NewCmdMCP(f, func(context.Context, *MCPOptions) error { return nil })
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SetArgs(args)
	return cmd.Execute()
}

// startMCPEntry runs the entry as a client would and asks for its tools.
func startMCPEntry(ctx context.Context, e clientconfig.Entry, timeout time.Duration) string {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.Command(e.Command, e.Args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	client := sdk.NewClient(&sdk.Implementation{Name: "mem0-doctor", Version: "1"}, nil)
	start := time.Now()
	session, err := client.Connect(ctx, &sdk.CommandTransport{Command: cmd, TerminateDuration: time.Second}, nil)
	if err != nil {
		return fmt.Sprintf("the server did not start: %v %s", err, lastLine(stderr.String()))
	}
	defer session.Close()
	initMS := time.Since(start).Milliseconds()
	tools, err := session.ListTools(ctx, nil)
	if err != nil {
		return fmt.Sprintf("the server started but did not list its tools: %v %s", err, lastLine(stderr.String()))
	}
	return fmt.Sprintf("ok: started, %d tools, initialize answered in %d ms", len(tools.Tools), initMS)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// testFactory is a factory over in-memory streams and a private MEM0_HOME.
type testFactory struct {
	*Factory
	in, out, errOut *bytes.Buffer
	env             map[string]string
}

func newTestFactory(t *testing.T, tty bool) *testFactory {
	t.Helper()
	ios, in, out, errOut := TestIO()
	ios.SetTTY(tty)
	ios.SetColor(false)
	env := map[string]string{"MEM0_HOME": t.TempDir()}
	f := &Factory{IO: ios, Build: BuildInfo{Version: "1.2.3"}, Getenv: func(k string) string { return env[k] },
		Now: func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }}
	// viper reads the process environment for MEM0_* settings.
	t.Setenv("MEM0_HOME", env["MEM0_HOME"])
	t.Cleanup(func() { f.Close() })
	return &testFactory{Factory: f, in: in, out: out, errOut: errOut, env: env}
}

// run executes a command line and resets the output buffers first.
func (tf *testFactory) run(t *testing.T, args ...string) int {
	t.Helper()
	tf.out.Reset()
	tf.errOut.Reset()
	return Run(context.Background(), tf.Factory, args)
}

func (tf *testFactory) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	if code := tf.run(t, args...); code != 0 {
		t.Fatalf("mem0 %s: exit %d\nstderr: %s", strings.Join(args, " "), code, tf.errOut)
	}
	return tf.out.String()
}

// Layer 1: flags and arguments become options, without running anything.

func TestAddFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *AddOptions
	cmd := NewCmdAdd(tf.Factory, func(_ context.Context, o *AddOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-c", "work", "--kind", "fact", "-t", "a", "--tag", "b", "-m", "k=v", "--allow-duplicate", "--json", "some", "text"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Context != "work" || got.Kind != "fact" || strings.Join(got.Tags, ",") != "a,b" ||
		strings.Join(got.Meta, ",") != "k=v" || !got.AllowDuplicate || !got.JSON || strings.Join(got.Args, " ") != "some text" {
		t.Fatalf("options: %+v", got)
	}
}

func TestSearchFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *SearchOptions
	cmd := NewCmdSearch(tf.Factory, func(_ context.Context, o *SearchOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--all-contexts", "-k", "command", "--since", "7d", "--until", "2026-12-01", "-n", "3", "docker", "build"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Query != "docker build" || !got.AllContexts || got.Kind != "command" || got.Limit != 3 || got.Since != "7d" {
		t.Fatalf("options: %+v", got)
	}
}

func TestUsageErrorsBeforeRunning(t *testing.T) {
	cases := []struct {
		cmd  func(*Factory) *cobra.Command
		args []string
		want string
	}{
		{func(f *Factory) *cobra.Command { return NewCmdAdd(f, nil) }, []string{"--kind", "memo", "x"}, `--kind "memo"`},
		{func(f *Factory) *cobra.Command { return NewCmdSearch(f, nil) }, []string{"--limit", "-2", "x"}, "--limit -2"},
		{func(f *Factory) *cobra.Command { return NewCmdSearch(f, nil) }, []string{"-c", "a", "-a", "x"}, "cannot be used together"},
		{func(f *Factory) *cobra.Command { return NewCmdList(f, nil) }, []string{"--since", "soon"}, `cannot read time "soon"`},
		{func(f *Factory) *cobra.Command { return NewCmdRestore(f, nil) }, []string{"--version", "-1", "abcd"}, "versions start at 1"},
		{func(f *Factory) *cobra.Command { return NewCmdExport(f, nil) }, []string{"--format", "csv"}, `--format "csv"`},
		{func(f *Factory) *cobra.Command { return NewCmdConfigSet(f, nil) }, []string{"color", "pink"}, `"pink" is not one of`},
	}
	for _, c := range cases {
		tf := newTestFactory(t, false)
		cmd := c.cmd(tf.Factory)
		cmd.SetArgs(c.args)
		cmd.SetOut(tf.out)
		cmd.SetErr(tf.errOut)
		cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err: err} })
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: got %v, want %q", cmd.Name(), c.args, err, c.want)
		}
		if ExitCode(err) != ExitUsage {
			t.Errorf("%s %v: exit %d, want %d", cmd.Name(), c.args, ExitCode(err), ExitUsage)
		}
	}
}

// Layer 2: options to behaviour, with the terminal on and off.

func TestListAndSearchOutputWithAndWithoutTTY(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(map[bool]string{false: "piped", true: "tty"}[tty], func(t *testing.T) {
			tf := newTestFactory(t, tty)
			id := strings.TrimSpace(tf.mustRun(t, "add", "--tag", "ops", "the staging database is pg-staging-2"))
			tf.mustRun(t, "add", "--kind", "command", "docker compose logs -f api")

			out := tf.mustRun(t, "list")
			if tty {
				if !strings.HasPrefix(out, "ID ") || !strings.Contains(out, "CONTENT") {
					t.Fatalf("tty list has no header:\n%s", out)
				}
				if strings.Contains(out, id) || !strings.Contains(out, id[:8]) {
					t.Fatalf("tty list should show short ids:\n%s", out)
				}
				if strings.Contains(out, "\t") {
					t.Fatal("tty output should be aligned, not tab-separated")
				}
			} else {
				lines := strings.Split(strings.TrimSpace(out), "\n")
				if len(lines) != 2 || strings.Count(lines[1], "\t") != 4 || !strings.HasPrefix(lines[1], id+"\t") {
					t.Fatalf("piped list should be TSV with full ids:\n%s", out)
				}
			}

			out = tf.mustRun(t, "search", "staging")
			if tty {
				if !strings.Contains(out, "the staging database") || !strings.Contains(out, "#ops") {
					t.Fatalf("tty search:\n%s", out)
				}
				if strings.Contains(out, "\uE000") {
					t.Fatal("highlight markers leaked into output")
				}
			} else if !strings.HasPrefix(out, id+"\tdefault\tnote\t") {
				t.Fatalf("piped search:\n%s", out)
			}

			// --json is the same document either way.
			var ms []map[string]any
			if err := json.Unmarshal([]byte(tf.mustRun(t, "list", "--json")), &ms); err != nil || len(ms) != 2 {
				t.Fatalf("list --json: %v %v", err, ms)
			}
		})
	}
}

func TestColorOnlyWhenEnabled(t *testing.T) {
	tf := newTestFactory(t, true)
	tf.mustRun(t, "add", "colourful staging note")
	ansi := regexp.MustCompile("\x1b\\[")
	if out := tf.mustRun(t, "search", "staging"); ansi.MatchString(out) {
		t.Fatalf("colour off but ANSI codes printed:\n%q", out)
	}
	tf.IO.SetColor(true)
	if out := tf.mustRun(t, "search", "staging"); !ansi.MatchString(out) {
		t.Fatalf("colour on but no ANSI codes:\n%q", out)
	}
	// The config file can turn it off again.
	tf.mustRun(t, "config", "set", "color", "never")
	tf.config = nil
	if out := tf.mustRun(t, "search", "staging"); ansi.MatchString(out) {
		t.Fatalf("color=never ignored:\n%q", out)
	}
}

func TestAddReadsStdinOnlyWhenPiped(t *testing.T) {
	tf := newTestFactory(t, false)
	tf.in.WriteString("from stdin\n")
	id := strings.TrimSpace(tf.mustRun(t, "add"))
	if got := tf.mustRun(t, "show", "--raw", id); got != "from stdin\n" {
		t.Fatalf("stdin content %q", got)
	}
	tf.IO.SetStdinTTY(true)
	if code := tf.run(t, "add"); code != ExitUsage || !strings.Contains(tf.errOut.String(), "give the text to remember") {
		t.Fatalf("add with a terminal on stdin and no text: %d %s", code, tf.errOut)
	}
}

func TestEditWithEditor(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("needs /bin/sh to run the editor command")
	}
	tf := newTestFactory(t, true)
	id := strings.TrimSpace(tf.mustRun(t, "add", "--json", "old text"))
	var m map[string]any
	json.Unmarshal([]byte(id), &m)
	full := m["id"].(string)
	script := filepath.Join(t.TempDir(), "ed.sh")
	os.WriteFile(script, []byte("#!/bin/sh\nprintf 'new text from the editor\\n' > \"$1\"\n"), 0o755)
	tf.env["EDITOR"] = script
	tf.mustRun(t, "edit", full)
	if got := tf.mustRun(t, "show", "--raw", full); got != "new text from the editor\n" {
		t.Fatalf("after editor: %q", got)
	}
	// An editor that empties the file changes nothing.
	os.WriteFile(script, []byte("#!/bin/sh\n: > \"$1\"\n"), 0o755)
	if code := tf.run(t, "edit", full); code != ExitError || !strings.Contains(tf.errOut.String(), "the edited text is empty") {
		t.Fatalf("empty edit: %d %s", code, tf.errOut)
	}
	// A failing editor changes nothing either.
	tf.env["EDITOR"] = "false"
	if code := tf.run(t, "edit", full); code != ExitError || !strings.Contains(tf.errOut.String(), "exited with status 1; the memory is unchanged") {
		t.Fatalf("failing editor: %d %s", code, tf.errOut)
	}
	if got := tf.mustRun(t, "show", "--raw", full); got != "new text from the editor\n" {
		t.Fatalf("changed by failed edits: %q", got)
	}
}

func TestVersionTouchesNothing(t *testing.T) {
	tf := newTestFactory(t, false)
	out := tf.mustRun(t, "version")
	if !strings.HasPrefix(out, "mem0 1.2.3 go") {
		t.Fatalf("version: %q", out)
	}
	if tf.store != nil || tf.config != nil {
		t.Fatal("version opened the store or read the config")
	}
	if _, err := os.Stat(filepath.Join(tf.env["MEM0_HOME"], "data")); !os.IsNotExist(err) {
		t.Fatal("version created the data folder")
	}
}

func TestExitCodes(t *testing.T) {
	tf := newTestFactory(t, false)
	if code := tf.run(t, "nosuchcommand"); code != ExitUsage {
		t.Fatalf("unknown command: exit %d", code)
	}
	if code := tf.run(t, "show", "0000aaaa"); code != ExitError {
		t.Fatalf("unknown id: exit %d", code)
	}
	if ExitCode(context.Canceled) != ExitUsage || ExitCode(ErrAuth) != ExitAuth || ExitCode(nil) != ExitOK {
		t.Fatal("exit code mapping")
	}
}

func TestParseTimeSpec(t *testing.T) {
	now := time.Date(2026, 11, 28, 15, 30, 0, 0, time.UTC)
	cases := map[string]time.Time{
		"7d":               now.Add(-7 * 24 * time.Hour),
		"2w":               now.Add(-14 * 24 * time.Hour),
		"90m":              now.Add(-90 * time.Minute),
		"today":            time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
		"yesterday":        time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC),
		"2026-11-01":       time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"2026-11-01 14:30": time.Date(2026, 11, 1, 14, 30, 0, 0, time.UTC),
	}
	for in, want := range cases {
		got, err := parseTimeSpec(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: got %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"soon", "-3d", "2026-13-01"} {
		if _, err := parseTimeSpec(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestResolvePaths(t *testing.T) {
	env := map[string]string{"HOME": "/home/ana", "XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "relative/ignored"}
	p, err := ResolvePaths(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if os.PathSeparator == '/' && (p.Config != "/cfg/mem0" && p.Config != "/home/ana/Library/Application Support/mem0") {
		t.Fatalf("config dir %q", p.Config)
	}
	env["MEM0_HOME"] = t.TempDir()
	p, _ = ResolvePaths(func(k string) string { return env[k] })
	if p.Database() != filepath.Join(env["MEM0_HOME"], "data", "mem0.db") {
		t.Fatalf("MEM0_HOME database %q", p.Database())
	}
	if strings.Contains(p.Config, ".mem0"+string(os.PathSeparator)) {
		t.Fatal("never use ~/.mem0")
	}
}

// TestCompletionsAreCurrent fails when completions/ is stale: run
// `make completions` and commit the result.
func TestCompletionsAreCurrent(t *testing.T) {
	for shell, file := range map[string]string{"bash": "mem0.bash", "zsh": "_mem0", "fish": "mem0.fish", "powershell": "mem0.ps1"} {
		want, err := os.ReadFile(filepath.Join("..", "completions", file))
		if err != nil {
			t.Fatalf("%v: run `make completions`", err)
		}
		tf := newTestFactory(t, false)
		if got := tf.mustRun(t, "completion", shell); got != string(want) {
			t.Errorf("completions/%s is stale: run `make completions` and commit it", file)
		}
	}
}

func TestImportShowsProgressOnlyOnATerminal(t *testing.T) {
	var lines strings.Builder
	for i := 0; i < 6000; i++ {
		lines.WriteString(`{"content": "imported note number ` + strings.Repeat("x", i%7) + `", "tags": ["n"], "metadata": {"i": "` + string(rune('a'+i%26)) + `"}, "kind": "note", "context": "imp", "id": ""}` + "\n")
	}
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		tf.IO.SetStdinTTY(false)
		tf.in.WriteString(lines.String())
		tf.mustRun(t, "import", "-")
		hasBar := strings.Contains(tf.errOut.String(), "Importing [")
		if hasBar != tty {
			t.Fatalf("tty=%v: progress bar shown=%v\n%q", tty, hasBar, tf.errOut.String())
		}
		if !strings.Contains(tf.errOut.String(), "7 added, 0 updated, 5993 unchanged") {
			t.Fatalf("import summary: %s", tf.errOut)
		}
	}
}

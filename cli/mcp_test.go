package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMCPFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *MCPOptions
	cmd := NewCmdMCP(tf.Factory, func(_ context.Context, o *MCPOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-c", "work", "--allow-context", "team", "--allow-context", "*", "--read-only", "-v"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Context != "work" || strings.Join(got.AllowContexts, ",") != "team,*" || !got.ReadOnly || !got.ReadOnlySet || !got.Verbose {
		t.Fatalf("options: %+v", got)
	}
	for _, bad := range [][]string{{"mcp", "--context", "a/b/c/d"}, {"mcp", "--allow-context", "no way"}, {"mcp", "extra"}} {
		if code := tf.run(t, bad...); code != ExitUsage {
			t.Errorf("mem0 %v: exit %d, want 2 (%s)", bad, code, tf.errOut)
		}
	}
}

func TestMCPScopePrecedence(t *testing.T) {
	tf := newTestFactory(t, false)
	scope := func(o *MCPOptions) (string, []string, bool) {
		t.Helper()
		tf.Factory.config = nil // settings are read again
		sc, err := mcpScope(o)
		if err != nil {
			t.Fatal(err)
		}
		return sc.Context, sc.Allowed, sc.ReadOnly
	}
	if c, a, ro := scope(&MCPOptions{f: tf.Factory}); c != "" || a != nil || ro {
		t.Fatalf("defaults: %q %v %v (want: follow the current context)", c, a, ro)
	}
	tf.env["MEM0_CONTEXT"] = "fromenv"
	if c, _, _ := scope(&MCPOptions{f: tf.Factory}); c != "fromenv" {
		t.Fatalf("MEM0_CONTEXT: %q", c)
	}
	t.Setenv("MEM0_MCP_CONTEXT", "fromsetting")
	t.Setenv("MEM0_MCP_ALLOW_CONTEXTS", "team, notes")
	t.Setenv("MEM0_MCP_READ_ONLY", "true")
	if c, a, ro := scope(&MCPOptions{f: tf.Factory}); c != "fromsetting" || strings.Join(a, ",") != "team,notes" || !ro {
		t.Fatalf("settings: %q %v %v", c, a, ro)
	}
	if c, a, ro := scope(&MCPOptions{f: tf.Factory, Context: "flag", AllowContexts: []string{"x"}, ReadOnlySet: true}); c != "flag" || strings.Join(a, ",") != "x" || ro {
		t.Fatalf("flags: %q %v %v", c, a, ro)
	}
}

// installEnv gives the factory a home folder and returns it.
func installEnv(t *testing.T, tf *testFactory) string {
	home := t.TempDir()
	tf.env["HOME"] = home
	tf.env["XDG_CONFIG_HOME"] = ""
	return home
}

func readServers(t *testing.T, path, key string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, b)
	}
	var servers map[string]map[string]any
	if err := json.Unmarshal(doc[key], &servers); err != nil {
		t.Fatal(err)
	}
	return servers
}

func TestMCPInstallIntoExistingConfig(t *testing.T) {
	tf := newTestFactory(t, false)
	home := installEnv(t, tf)
	path := filepath.Join(home, ".config", "Claude", "claude_desktop_config.json")
	fixture, err := os.ReadFile(filepath.Join("..", "mcp", "clientconfig", "testdata", "claude_desktop_other.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, fixture, 0o644); err != nil {
		t.Fatal(err)
	}

	// --print shows the result and writes nothing.
	out := tf.mustRun(t, "mcp", "install", "claude-desktop", "--print")
	if !strings.Contains(out, `"filesystem"`) || !strings.Contains(out, `"mem0"`) {
		t.Fatalf("--print: %s", out)
	}
	if b, _ := os.ReadFile(path); string(b) != string(fixture) {
		t.Fatal("--print changed the file")
	}
	if _, err := os.Stat(path + ".bak"); err == nil {
		t.Fatal("--print made a backup")
	}

	tf.mustRun(t, "mcp", "install", "claude-desktop", "--context", "work", "--read-only")
	servers := readServers(t, path, "mcpServers")
	exe, _ := mem0Executable(nil)
	m := servers["mem0"]
	if m["command"] != exe || !filepath.IsAbs(exe) {
		t.Fatalf("command %v, want %s", m["command"], exe)
	}
	if args, _ := json.Marshal(m["args"]); string(args) != `["mcp","--context","work","--read-only"]` {
		t.Fatalf("args %s", args)
	}
	if len(servers) != 3 || servers["github"]["command"] != "docker" {
		t.Fatalf("other servers lost: %v", servers)
	}
	if b, _ := os.ReadFile(path + ".bak"); string(b) != string(fixture) {
		t.Fatal("the backup is not the previous file")
	}
	if !strings.Contains(tf.errOut.String(), "Restart Claude Desktop") {
		t.Errorf("stderr: %s", tf.errOut)
	}

	// Installing the same again changes nothing.
	before, _ := os.ReadFile(path)
	tf.mustRun(t, "mcp", "install", "claude-desktop", "--context", "work", "--read-only")
	if after, _ := os.ReadFile(path); string(after) != string(before) || !strings.Contains(tf.errOut.String(), "nothing to do") {
		t.Fatalf("a second install changed the file: %s", tf.errOut)
	}

	// doctor finds it and, without starting it, finds it sound.
	out = tf.mustRun(t, "mcp", "doctor", "--no-start", "--json")
	var findings []mcpFinding
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || !findings[0].OK || findings[0].Client != "claude-desktop" || findings[0].Entry != "mem0" {
		t.Fatalf("doctor: %+v", findings)
	}
}

func TestMCPInstallWithNoConfig(t *testing.T) {
	tf := newTestFactory(t, false)
	home := installEnv(t, tf)
	tf.mustRun(t, "mcp", "install", "cursor")
	path := filepath.Join(home, ".cursor", "mcp.json")
	if servers := readServers(t, path, "mcpServers"); len(servers) != 1 || servers["mem0"] == nil {
		t.Fatalf("servers: %v", servers)
	}
	if _, err := os.Stat(path + ".bak"); err == nil {
		t.Fatal("a backup of nothing")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	// --print with no file writes no file.
	tf.mustRun(t, "mcp", "install", "windsurf", "--print")
	if _, err := os.Stat(filepath.Join(home, ".codeium")); err == nil {
		t.Fatal("--print created a folder")
	}
}

func TestMCPInstallProject(t *testing.T) {
	tf := newTestFactory(t, false)
	installEnv(t, tf)
	dir := t.TempDir()
	t.Chdir(dir)
	tf.mustRun(t, "mcp", "install", "vscode", "--project", "--context", "api")
	servers := readServers(t, filepath.Join(dir, ".vscode", "mcp.json"), "servers")
	if servers["mem0"]["type"] != "stdio" {
		t.Fatalf("vscode entry: %v", servers["mem0"])
	}
	tf.mustRun(t, "mcp", "install", "claude-code", "--project")
	if servers := readServers(t, filepath.Join(dir, ".mcp.json"), "mcpServers"); servers["mem0"] == nil {
		t.Fatal("claude-code project entry missing")
	}
	if code := tf.run(t, "mcp", "install", "windsurf", "--project"); code != ExitUsage {
		t.Fatalf("windsurf --project: exit %d", code)
	}
	if code := tf.run(t, "mcp", "install", "notepad"); code != ExitUsage || !strings.Contains(tf.errOut.String(), "claude-desktop") {
		t.Fatalf("unknown client: exit %d %s", code, tf.errOut)
	}
}

func TestMCPInstallLeavesCommentedFilesAlone(t *testing.T) {
	tf := newTestFactory(t, false)
	installEnv(t, tf)
	fixture, _ := os.ReadFile(filepath.Join("..", "mcp", "clientconfig", "testdata", "vscode_comments.json"))
	if fixture == nil {
		t.Fatal("fixture missing")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	path := filepath.Join(dir, ".vscode", "mcp.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, fixture, 0o600)
	if code := tf.run(t, "mcp", "install", "vscode", "--project"); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	if b, _ := os.ReadFile(path); string(b) != string(fixture) {
		t.Fatal("a file with comments was rewritten")
	}
	if !strings.Contains(tf.out.String(), `"servers"`) || !strings.Contains(tf.errOut.String(), "by hand") {
		t.Fatalf("no entry to copy: %s / %s", tf.out, tf.errOut)
	}
}

func TestMCPDoctorFindsBrokenEntries(t *testing.T) {
	tf := newTestFactory(t, false)
	home := installEnv(t, tf)
	path := filepath.Join(home, ".cursor", "mcp.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	exe, _ := mem0Executable(nil)
	doc := `{"mcpServers": {
		"mem0": {"command": "/nowhere/mem0", "args": ["mcp"]},
		"mem0-work": {"command": "` + exe + `", "args": ["mcp", "--context", "bad name!"]},
		"mem0-old": {"command": "` + exe + `", "args": ["serve"]},
		"other": {"command": "npx", "args": ["x"]}}}`
	os.WriteFile(path, []byte(doc), 0o600)
	if code := tf.run(t, "mcp", "doctor", "--no-start", "--json"); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	var findings []mcpFinding
	if err := json.Unmarshal(tf.out.Bytes(), &findings); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fd := range findings {
		names = append(names, fd.Entry)
		if fd.OK {
			t.Errorf("%s passed: %s", fd.Entry, fd.Detail)
		}
	}
	// mem0-work and mem0-old run this very binary, so they count as mem0's;
	// "other" does not.
	if strings.Join(names, ",") != "mem0,mem0-work,mem0-old" {
		t.Fatalf("findings: %+v", findings)
	}
	for i, want := range []string{"does not exist", `context name "bad name!"`, `do not start with "mcp"`} {
		if !strings.Contains(findings[i].Detail, want) {
			t.Errorf("%s: detail %q does not mention %q", findings[i].Entry, findings[i].Detail, want)
		}
	}
	for _, args := range [][]string{{"--context", "bad name!"}, {"install"}, {"--bogus"}} {
		if err := checkMCPArgs(tf.Factory, args); err == nil {
			t.Errorf("args %v accepted", args)
		}
	}
	if err := checkMCPArgs(tf.Factory, []string{"--context", "ok", "--read-only"}); err != nil {
		t.Errorf("valid args refused: %v", err)
	}
}

func TestMCPInstallKeepsSomeoneElsesEntry(t *testing.T) {
	tf := newTestFactory(t, false)
	home := installEnv(t, tf)
	path := filepath.Join(home, ".cursor", "mcp.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	hosted := `{"mcpServers": {"mem0": {"command": "uvx", "args": ["mem0-mcp-server"]}}}`
	os.WriteFile(path, []byte(hosted), 0o600)
	if code := tf.run(t, "mcp", "install", "cursor"); code != ExitError || !strings.Contains(tf.errOut.String(), "--name mem0-local") {
		t.Fatalf("exit %d: %s", code, tf.errOut)
	}
	if b, _ := os.ReadFile(path); string(b) != hosted {
		t.Fatal("another program's entry was replaced")
	}
	tf.mustRun(t, "mcp", "install", "cursor", "--name", "mem0-local")
	if servers := readServers(t, path, "mcpServers"); servers["mem0"]["command"] != "uvx" || servers["mem0-local"] == nil {
		t.Fatalf("servers: %v", servers)
	}
	// doctor does not count the other program's entry as mem0's.
	tf.mustRun(t, "mcp", "doctor", "--no-start")
	tf.mustRun(t, "mcp", "install", "cursor", "--force")
	if servers := readServers(t, path, "mcpServers"); servers["mem0"]["command"] == "uvx" {
		t.Fatal("--force did not replace it")
	}
}

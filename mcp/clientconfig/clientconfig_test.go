package clientconfig

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestUserPaths(t *testing.T) {
	env := map[string]map[string]string{
		"linux":   {"HOME": "/home/ana"},
		"darwin":  {"HOME": "/Users/ana"},
		"windows": {"USERPROFILE": `C:\Users\ana`, "APPDATA": `C:\Users\ana\AppData\Roaming`},
	}
	want := map[string]map[string]string{
		"claude-desktop": {"linux": "/home/ana/.config/Claude/claude_desktop_config.json",
			"darwin": "/Users/ana/Library/Application Support/Claude/claude_desktop_config.json", "windows": `C:\Users\ana\AppData\Roaming/Claude/claude_desktop_config.json`},
		"claude-code": {"linux": "/home/ana/.claude.json", "darwin": "/Users/ana/.claude.json", "windows": `C:\Users\ana/.claude.json`},
		"cursor":      {"linux": "/home/ana/.cursor/mcp.json", "darwin": "/Users/ana/.cursor/mcp.json", "windows": `C:\Users\ana/.cursor/mcp.json`},
		"vscode": {"linux": "/home/ana/.config/Code/User/mcp.json", "darwin": "/Users/ana/Library/Application Support/Code/User/mcp.json",
			"windows": `C:\Users\ana\AppData\Roaming/Code/User/mcp.json`},
		"windsurf": {"linux": "/home/ana/.codeium/windsurf/mcp_config.json", "darwin": "/Users/ana/.codeium/windsurf/mcp_config.json",
			"windows": `C:\Users\ana/.codeium/windsurf/mcp_config.json`},
	}
	for _, c := range Clients() {
		for goos, vars := range env {
			got, err := c.UserPath(Env{GOOS: goos, Getenv: func(k string) string { return vars[k] }})
			// Joined with this machine's separator; compare with slashes.
			if err != nil || filepath.ToSlash(got) != filepath.ToSlash(want[c.Name][goos]) {
				t.Errorf("%s on %s: %q, %v; want %q", c.Name, goos, got, err, want[c.Name][goos])
			}
		}
	}
	xdg := Env{GOOS: "linux", Getenv: vars{"HOME": "/h", "XDG_CONFIG_HOME": "/x"}.get}
	if p, _ := Clients()[0].UserPath(xdg); p != "/x/Claude/claude_desktop_config.json" {
		t.Errorf("XDG_CONFIG_HOME ignored: %s", p)
	}
	if _, err := Clients()[1].UserPath(Env{GOOS: "linux", Getenv: func(string) string { return "" }}); err == nil {
		t.Error("no HOME: no error")
	}
}

type vars map[string]string

func (v vars) get(k string) string { return v[k] }

// decode reads a document for comparisons that ignore layout.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return m
}

func TestMergeKeepsEverythingElse(t *testing.T) {
	entry := Entry{Command: "/usr/local/bin/mem0", Args: []string{"mcp"}}
	for _, fixture := range []string{"claude_desktop_other.json", "vscode_other.json", "claude_code_state.json"} {
		old, err := os.ReadFile(filepath.Join("testdata", fixture))
		if err != nil {
			t.Fatal(err)
		}
		key := "mcpServers"
		if strings.HasPrefix(fixture, "vscode") {
			key = "servers"
		}
		out, change, err := Merge(old, key, "mem0", entry)
		if err != nil {
			t.Fatalf("%s: %v", fixture, err)
		}
		before, after := decode(t, old), decode(t, out)
		servers := after[key].(map[string]any)
		if got := servers["mem0"].(map[string]any); got["command"] != entry.Command {
			t.Errorf("%s: mem0 entry %v", fixture, got)
		}
		// Every other member is unchanged.
		delete(servers, "mem0")
		if bs, ok := before[key].(map[string]any); ok {
			delete(bs, "mem0")
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("%s: other members changed:\nbefore %v\nafter  %v", fixture, before, after)
		}
		wantChange := Added
		if fixture == "claude_code_state.json" {
			wantChange = Replaced
		}
		if change != wantChange {
			t.Errorf("%s: change %v, want %v", fixture, change, wantChange)
		}
		// Order and indentation are kept: the first member is still first.
		firstKey := strings.SplitN(strings.TrimSpace(string(old)), "\"", 3)[1]
		if !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(string(out), "{")), `"`+firstKey+`"`) {
			t.Errorf("%s: order changed:\n%s", fixture, out)
		}
		if indentOf(old) != indentOf(out) {
			t.Errorf("%s: indentation %q became %q", fixture, indentOf(old), indentOf(out))
		}
		// Merging again changes nothing.
		again, change, err := Merge(out, key, "mem0", entry)
		if err != nil || change != Unchanged || string(again) != string(out) {
			t.Errorf("%s: second merge: %v %v", fixture, change, err)
		}
	}
}

func TestMergeIntoNothing(t *testing.T) {
	for _, doc := range []string{"", "  \n", "{}", `{"mcpServers": null}`} {
		out, change, err := Merge([]byte(doc), "mcpServers", "mem0", Entry{Command: "/bin/mem0", Args: []string{"mcp"}})
		if err != nil || change != Added {
			t.Fatalf("%q: %v %v", doc, change, err)
		}
		want := "{\n  \"mcpServers\": {\n    \"mem0\": {\n      \"command\": \"/bin/mem0\",\n      \"args\": [\n        \"mcp\"\n      ]\n    }\n  }\n}\n"
		if string(out) != want {
			t.Fatalf("%q became\n%s", doc, out)
		}
	}
}

func TestMergeRefusesWhatItWouldDamage(t *testing.T) {
	comments, err := os.ReadFile(filepath.Join("testdata", "vscode_comments.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{string(comments), "[1]", `{"a": 1} {"b": 2}`, `{"mcpServers": []}`, `{"mcpServers": "x"}`} {
		if _, _, err := Merge([]byte(doc), "mcpServers", "mem0", Entry{Command: "x"}); !errors.Is(err, ErrNotPlainJSON) {
			t.Errorf("%q: %v, want ErrNotPlainJSON", doc, err)
		}
	}
}

func TestEntries(t *testing.T) {
	doc, _ := os.ReadFile(filepath.Join("testdata", "claude_desktop_other.json"))
	es, err := Entries(doc, "mcpServers")
	if err != nil || len(es) != 2 || es[0].Name != "filesystem" || es[1].Entry.Command != "docker" {
		t.Fatalf("%+v %v", es, err)
	}
	es, err = Entries([]byte(`{"mcpServers": {"bad": 3}}`), "mcpServers")
	if err != nil || len(es) != 1 || es[0].Err == nil {
		t.Fatalf("a bad entry: %+v %v", es, err)
	}
}

func TestWriteFileBacksUpAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "mcp.json")
	backup, err := WriteFile(path, []byte("{}\n"))
	if err != nil || backup != "" {
		t.Fatalf("new file: %q %v", backup, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v", fi.Mode())
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	backup, err = WriteFile(path, []byte(`{"a": 1}`+"\n"))
	if err != nil || backup != path+".bak" {
		t.Fatalf("existing file: %q %v", backup, err)
	}
	if b, _ := os.ReadFile(backup); string(b) != "{}\n" {
		t.Errorf("backup holds %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode not kept: %v", fi.Mode())
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sub", ".*tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

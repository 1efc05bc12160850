// Package clientconfig knows where AI clients keep their MCP server
// configuration and how to add an entry to it without disturbing the rest:
// other servers and settings stay, in their order; the file is backed up and
// replaced atomically. It depends on the standard library only.
package clientconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Client is one AI client whose MCP configuration mem0 can edit.
type Client struct {
	Name  string // as typed on the command line: claude-desktop, cursor …
	Title string // as people call it
	// Key is the top-level member holding the servers: "mcpServers", or
	// "servers" for VS Code.
	Key string
	// Project is the workspace file, relative to the project folder; empty
	// when the client has none.
	Project string
	// StdioType adds "type": "stdio" to entries (VS Code asks for it).
	StdioType bool
	user      func(Env) (string, error)
}

// Env is what locating user-level files depends on, so tests can ask for
// another platform's paths.
type Env struct {
	GOOS   string // runtime.GOOS
	Getenv func(string) string
}

func (e Env) home() (string, error) {
	v := "HOME"
	if e.GOOS == "windows" {
		v = "USERPROFILE"
	}
	if h := e.Getenv(v); h != "" {
		return h, nil
	}
	return "", fmt.Errorf("$%s is not set, so the home folder is unknown", v)
}

// appConfig is the per-user folder where desktop apps keep settings:
// %APPDATA% on Windows, ~/Library/Application Support on macOS,
// $XDG_CONFIG_HOME (~/.config) elsewhere.
func (e Env) appConfig() (string, error) {
	switch e.GOOS {
	case "windows":
		if a := e.Getenv("APPDATA"); a != "" {
			return a, nil
		}
		h, err := e.home()
		return filepath.Join(h, "AppData", "Roaming"), err
	case "darwin":
		h, err := e.home()
		return filepath.Join(h, "Library", "Application Support"), err
	default:
		if x := e.Getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
			return x, nil
		}
		h, err := e.home()
		return filepath.Join(h, ".config"), err
	}
}

func inHome(parts ...string) func(Env) (string, error) {
	return func(e Env) (string, error) {
		h, err := e.home()
		return filepath.Join(append([]string{h}, parts...)...), err
	}
}

func inAppConfig(parts ...string) func(Env) (string, error) {
	return func(e Env) (string, error) {
		a, err := e.appConfig()
		return filepath.Join(append([]string{a}, parts...)...), err
	}
}

// Clients lists the supported clients.
func Clients() []Client {
	return []Client{
		{Name: "claude-desktop", Title: "Claude Desktop", Key: "mcpServers",
			user: inAppConfig("Claude", "claude_desktop_config.json")},
		{Name: "claude-code", Title: "Claude Code", Key: "mcpServers", Project: ".mcp.json",
			user: inHome(".claude.json")},
		{Name: "cursor", Title: "Cursor", Key: "mcpServers", Project: filepath.Join(".cursor", "mcp.json"),
			user: inHome(".cursor", "mcp.json")},
		{Name: "vscode", Title: "VS Code", Key: "servers", Project: filepath.Join(".vscode", "mcp.json"), StdioType: true,
			user: inAppConfig("Code", "User", "mcp.json")},
		{Name: "windsurf", Title: "Windsurf", Key: "mcpServers",
			user: inHome(".codeium", "windsurf", "mcp_config.json")},
	}
}

// Names lists the clients' names.
func Names() []string {
	var out []string
	for _, c := range Clients() {
		out = append(out, c.Name)
	}
	return out
}

// Lookup finds a client by name.
func Lookup(name string) (Client, bool) {
	for _, c := range Clients() {
		if c.Name == name {
			return c, true
		}
	}
	return Client{}, false
}

// UserPath is the client's user-level configuration file.
func (c Client) UserPath(e Env) (string, error) { return c.user(e) }

// Entry is the server entry written into a client's configuration.
type Entry struct {
	Type    string   `json:"type,omitempty"`
	Command string   `json:"command"`
	Args    []string `json:"args"`
}

// EntryFor is the entry that runs command with args for client c.
func (c Client) EntryFor(command string, args []string) Entry {
	e := Entry{Command: command, Args: args}
	if e.Args == nil {
		e.Args = []string{}
	}
	if c.StdioType {
		e.Type = "stdio"
	}
	return e
}

// member is one name/value pair of a JSON object, kept in file order.
type member struct {
	key string
	val json.RawMessage
}

// ErrNotPlainJSON means the file holds comments, trailing commas or other
// things that a rewrite would lose; mem0 leaves such files alone.
var ErrNotPlainJSON = errors.New("is not plain JSON")

func parseObject(b []byte) ([]member, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotPlainJSON, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%w: it is not a JSON object", ErrNotPlainJSON)
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w (%v)", ErrNotPlainJSON, err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w (%v)", ErrNotPlainJSON, err)
		}
		out = append(out, member{key, raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotPlainJSON, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: something follows the closing brace", ErrNotPlainJSON)
	}
	return out, nil
}

func renderObject(ms []member) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.val)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// indentOf guesses the file's indentation from its first indented line.
func indentOf(doc []byte) string {
	for _, line := range strings.Split(string(doc), "\n")[1:] {
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed != "" && len(trimmed) < len(line) {
			return line[:len(line)-len(trimmed)]
		}
	}
	return "  "
}

// Change says what Merge did.
type Change int

const (
	Unchanged Change = iota // the same entry was there already
	Added                   // a new entry
	Replaced                // an entry of that name was different
)

// Merge puts entry under doc[key][name] and returns the new document.
// Every other member keeps its value and place; the output is indented the
// way doc was. An empty doc counts as {}.
func Merge(doc []byte, key, name string, entry Entry) ([]byte, Change, error) {
	top, err := parseObject(doc)
	if err != nil {
		return nil, Unchanged, err
	}
	newVal, err := json.Marshal(entry)
	if err != nil {
		return nil, Unchanged, err
	}
	ti := -1
	for i, m := range top {
		if m.key == key {
			ti = i
		}
	}
	var servers []member
	if ti >= 0 && string(bytes.TrimSpace(top[ti].val)) != "null" {
		if servers, err = parseObject(top[ti].val); err != nil {
			return nil, Unchanged, fmt.Errorf("%q is not an object of servers: %w", key, ErrNotPlainJSON)
		}
	}
	change := Added
	si := -1
	for i, m := range servers {
		if m.key == name {
			si = i
		}
	}
	if si >= 0 {
		var a, b bytes.Buffer
		_ = json.Compact(&a, servers[si].val)
		_ = json.Compact(&b, newVal)
		if bytes.Equal(a.Bytes(), b.Bytes()) {
			return doc, Unchanged, nil
		}
		servers[si].val, change = newVal, Replaced
	} else {
		servers = append(servers, member{name, newVal})
	}
	if ti >= 0 {
		top[ti].val = renderObject(servers)
	} else {
		top = append(top, member{key, renderObject(servers)})
	}
	var out bytes.Buffer
	if err := json.Indent(&out, renderObject(top), "", indentOf(doc)); err != nil {
		return nil, Unchanged, err
	}
	out.WriteByte('\n')
	return out.Bytes(), change, nil
}

// Named is an entry found in a configuration file.
type Named struct {
	Name  string
	Entry Entry
	Err   error // the entry is not an object with a command and args
}

// Entries returns the servers under doc[key], in file order.
func Entries(doc []byte, key string) ([]Named, error) {
	top, err := parseObject(doc)
	if err != nil {
		return nil, err
	}
	var out []Named
	for _, m := range top {
		if m.key != key {
			continue
		}
		servers, err := parseObject(m.val)
		if err != nil {
			return nil, fmt.Errorf("%q is not an object of servers: %w", key, err)
		}
		for _, s := range servers {
			n := Named{Name: s.key}
			if err := json.Unmarshal(s.val, &n.Entry); err != nil {
				n.Err = fmt.Errorf("entry %q is not an object with command and args: %v", s.key, err)
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// WriteFile replaces path with data atomically (a temporary file in the same
// folder, then a rename), keeping the old file's permissions; a new file is
// private to the user. When the file existed, its previous content is kept
// in path + ".bak" first, which WriteFile returns.
func WriteFile(path string, data []byte) (backup string, err error) {
	mode := os.FileMode(0o600)
	old, err := os.ReadFile(path)
	switch {
	case err == nil:
		if fi, err := os.Stat(path); err == nil {
			mode = fi.Mode().Perm()
		}
		backup = path + ".bak"
		if err := os.WriteFile(backup, old, mode); err != nil {
			return "", fmt.Errorf("back up %s: %w", path, err)
		}
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return "", fmt.Errorf("create the folder of %s: %w", path, err)
		}
	default:
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up after a failure
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("replace %s: %w", path, err)
	}
	return backup, nil
}

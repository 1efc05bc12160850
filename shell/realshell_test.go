package shell_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/mem0dev/mem0/shell/shelltest"
)

// These tests drive real interactive shells, with no rc files besides the
// hook, through a recording session, and then check exactly what mem0 holds.

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// mem0Bin builds the real binary once for all tests of this package.
func mem0Bin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "mem0-shelltest-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, "mem0"), "github.com/mem0dev/mem0/cmd/mem0")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			binDir = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build mem0: %v\n%s", buildErr, binDir)
	}
	return binDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" && buildErr == nil {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

type world struct {
	t    *testing.T
	bin  string
	home string // $HOME of the shells
	mem0 string // $MEM0_HOME
	repo string // a git repository (a .git folder, no git needed)
}

func newWorld(t *testing.T) *world {
	if runtime.GOOS == "windows" {
		t.Skip("the hooks of POSIX shells")
	}
	dir := t.TempDir()
	w := &world{t: t, bin: mem0Bin(t), home: filepath.Join(dir, "home"), mem0: filepath.Join(dir, "mem0 home")}
	w.repo = filepath.Join(w.home, "repo")
	if err := os.MkdirAll(filepath.Join(w.repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.repo, ".git", "HEAD"), []byte("ref: refs/heads/feature-x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A worktree: its .git is a file naming the real git folder (relative).
	wtGit := filepath.Join(w.repo, ".git", "worktrees", "wt")
	if err := os.MkdirAll(wtGit, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(wtGit, "HEAD"), []byte("ref: refs/heads/wt-branch\n"), 0o644)
	os.MkdirAll(filepath.Join(w.home, "wt", "sub"), 0o755)
	os.WriteFile(filepath.Join(w.home, "wt", ".git"), []byte("gitdir: ../repo/.git/worktrees/wt\n"), 0o644)
	return w
}

func (w *world) env() []string {
	return []string{"HOME=" + w.home, "MEM0_HOME=" + w.mem0, "PATH=" + w.bin + ":/usr/local/bin:/usr/bin:/bin",
		"LANG=C.UTF-8", "TERM=xterm-256color", "ZDOTDIR=" + w.home, "XDG_CONFIG_HOME=" + filepath.Join(w.home, ".config")}
}

// mem0 runs the real binary outside the shells.
func (w *world) mem0Cmd(args ...string) []byte {
	w.t.Helper()
	cmd := exec.Command(filepath.Join(w.bin, "mem0"), args...)
	cmd.Env = append(w.env(), "NO_COLOR=1")
	out, err := cmd.Output()
	if err != nil {
		w.t.Fatalf("mem0 %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

type command struct {
	Content  string         `json:"content"`
	Context  string         `json:"context"`
	Kind     string         `json:"kind"`
	Source   string         `json:"source"`
	Metadata map[string]any `json:"metadata"`
}

// commands lists the recorded commands of a context, oldest first.
func (w *world) commands(ctx string) []command {
	w.t.Helper()
	var got []command
	if err := json.Unmarshal(w.mem0Cmd("list", "-c", ctx, "--kind", "command", "--json", "--limit", "0"), &got); err != nil {
		w.t.Fatal(err)
	}
	for i, j := 0, len(got)-1; i < j; i, j = i+1, j-1 {
		got[i], got[j] = got[j], got[i]
	}
	return got
}

type want struct {
	content string
	exit    int
}

func (w *world) check(ctx string, wants []want) []command {
	w.t.Helper()
	got := w.commands(ctx)
	var texts []string
	for _, c := range got {
		texts = append(texts, c.Content)
	}
	if len(got) != len(wants) {
		w.t.Fatalf("context %s holds %d commands, want %d:\n%q", ctx, len(got), len(wants), texts)
	}
	for i, wt := range wants {
		c := got[i]
		if c.Content != wt.content {
			w.t.Errorf("command %d = %q, want %q", i, c.Content, wt.content)
		}
		if exit, _ := c.Metadata["exit"].(float64); int(exit) != wt.exit {
			w.t.Errorf("command %q: exit %v, want %d", c.Content, c.Metadata["exit"], wt.exit)
		}
		if c.Kind != "command" || c.Source != "shell" {
			w.t.Errorf("command %q: kind %s source %s", c.Content, c.Kind, c.Source)
		}
		for _, k := range []string{"cwd", "shell", "session", "host"} {
			if c.Metadata[k] == nil || c.Metadata[k] == "" {
				w.t.Errorf("command %q lacks %s: %v", c.Content, k, c.Metadata)
			}
		}
	}
	return got
}

// byContent finds a recorded command.
func byContent(cs []command, content string) command {
	for _, c := range cs {
		if c.Content == content {
			return c
		}
	}
	return command{}
}

const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"

// session is what each shell is put through; the differences between
// shells are in the lines they are given.
type session struct {
	shell     string
	argv      []string
	setPrompt string
	existing  string   // installs a prompt hook of the user's own, before mem0's
	load      string   // the line from mem0 init --help
	multiline []string // a loop typed over three lines
	fail3     string   // a command exiting with status 3
	status    string   // prints the last status as status=N
	strict    string   // turns on set -u/-e style strictness ("" if none)
	tabbed    string   // what the shell runs when "echo 'a<TAB>b'" is pasted
	options   string   // user options the hook must live with, set before loading it
	reply     []string // sets REPLY, then prints it as R=…
}

var sessions = []session{
	{
		shell: "bash", argv: []string{"bash", "--norc", "--noprofile", "-i"},
		setPrompt: `PS1='READY''> '`,
		existing:  `PROMPT_COMMAND='echo mine >> ~/prompt.log'`,
		load:      `eval "$(mem0 init bash)"`,
		multiline: []string{`for i in 1 2; do`, `echo "n=$i"`, `done`},
		fail3:     `(exit 3)`, status: `echo "status=$?"`, strict: `set -eu`,
		tabbed:  "echo 'a\tb'",
		options: `set -o noclobber; shopt -s nullglob extglob`,
		reply:   []string{`REPLY=mine`, `echo "R=$REPLY"`},
	},
	{
		shell: "zsh", argv: []string{"zsh", "-f", "-i"},
		setPrompt: `PROMPT='READY''> '`,
		existing:  `precmd() { echo mine >> ~/prompt.log }`,
		load:      `eval "$(mem0 init zsh)"`,
		multiline: []string{`for i in 1 2; do`, `echo "n=$i"`, `done`},
		fail3:     `(exit 3)`, status: `echo "status=$?"`, strict: `set -eu`,
		tabbed:  "echo 'a\tb'",
		options: `setopt ksh_arrays sh_word_split noclobber`,
		reply:   []string{`REPLY=mine`, `echo "R=$REPLY"`},
	},
	{
		shell: "fish", argv: []string{"fish", "--no-config", "-i"},
		// --no-config implies private mode, in which the hook records nothing.
		setPrompt: `set -e fish_private_mode; function fish_prompt; printf 'READY''> '; end`,
		existing:  `function mine --on-event fish_prompt; echo mine >> ~/prompt.log; end`,
		load:      `mem0 init fish | source`,
		multiline: []string{`for i in 1 2`, `echo "n=$i"`, `end`},
		fail3:     `sh -c 'exit 3'`, status: `echo "status=$status"`,
		// No tab: fish's editor takes a pasted tab for completion.
	},
}

func TestRealShellsRecord(t *testing.T) {
	for _, s := range sessions {
		t.Run(s.shell, func(t *testing.T) {
			t.Parallel()
			shelltest.Need(t, s.argv[0])
			w := newWorld(t)
			tm := shelltest.StartTerm(t, w.home, w.env(), s.setPrompt, s.argv...)
			tm.Type(s.existing)
			if s.options != "" {
				tm.Type(s.options)
			}
			tm.Type(s.load)
			tm.Type(s.load) // loading twice changes nothing
			tm.Type("mem0 context start demo")
			tm.Type("echo hello world")
			tm.Type("mem0 search 'hello world' -c demo --json > ~/search.json")
			tm.Type("false")
			tm.Type(" echo starts-with-a-space")
			tm.Type("export GITHUB_TOKEN=" + token)
			tm.Type(`echo "it's \"quoted\" \\ back" 'lit\n' $HOME`)
			if s.tabbed != "" {
				tm.Paste("echo 'a\tb'")
			}
			tm.TypeLines(s.multiline...)
			tm.Type("echo 'héllo wörld ✓'")
			tm.Type(s.fail3)
			tm.Type(s.status)
			tm.Type("cd ~/repo")
			tm.Type("echo in-repo")
			tm.Type("cd ~/wt/sub")
			tm.Type("echo in-worktree")
			tm.Type("cd")
			for _, l := range s.reply {
				tm.Type(l)
			}
			if s.strict != "" {
				tm.Type(s.strict)
				tm.Type("[ -f /nope ] && echo yes") // fails, and set -e does not end a list
				tm.Type("echo strict-ok")
			}
			tm.Type("mem0 context stop")
			tm.Type("echo after-stop")
			screen := tm.Screen()

			wants := []want{
				{"echo hello world", 0},
				{"false", 1},
				{"export GITHUB_TOKEN=[REDACTED]", 0},
				{`echo "it's \"quoted\" \\ back" 'lit\n' $HOME`, 0},
				{strings.Join(s.multiline, "\n"), 0},
				{"echo 'héllo wörld ✓'", 0},
				{s.fail3, 3},
				{s.status, 0},
				{"echo in-repo", 0},
				{"echo in-worktree", 0},
			}
			if s.tabbed != "" {
				wants = append(wants[:4], append([]want{{s.tabbed, 0}}, wants[4:]...)...)
			}
			for _, l := range s.reply {
				wants = append(wants, want{l, 0})
			}
			if s.strict != "" {
				wants = append(wants, want{s.strict, 0}, want{"[ -f /nope ] && echo yes", 1}, want{"echo strict-ok", 0})
			}
			got := w.check("demo", wants)

			// $? survives the hook: the shell printed the status of (exit 3).
			if !strings.Contains(screen, "status=3") {
				t.Errorf("the status after the hook ran is not 3; screen:\n%s", screen)
			}
			if len(s.reply) > 0 && !strings.Contains(screen, "R=mine") {
				t.Errorf("the hook changed $REPLY; screen:\n%s", screen)
			}
			if strings.Contains(screen, "mem0:") || strings.Contains(screen, "__mem0") {
				t.Errorf("the hook printed something; screen:\n%s", screen)
			}
			// The user's own prompt hook still ran at every prompt.
			log, _ := os.ReadFile(filepath.Join(w.home, "prompt.log"))
			if n := strings.Count(string(log), "mine"); n < len(wants) {
				t.Errorf("the existing prompt hook ran %d times, want at least %d", n, len(wants))
			}
			// Capture to searchable: the search right after found the command.
			if found, _ := os.ReadFile(filepath.Join(w.home, "search.json")); !strings.Contains(string(found), `"echo hello world"`) {
				t.Errorf("mem0 search right after the command did not return it: %s", found)
			}
			// Secrets never reach the database, not even in metadata.
			if raw := w.mem0Cmd("export"); strings.Contains(string(raw), token) || strings.Contains(string(raw), "starts-with-a-space") {
				t.Error("a secret or a space-prefixed command reached the database")
			}
			in := byContent(got, "echo in-repo")
			if in.Metadata["git_branch"] != "feature-x" || in.Metadata["git_root"] != w.repo || in.Metadata["cwd"] != w.repo {
				t.Errorf("git metadata of a command in the repository: %v", in.Metadata)
			}
			if wt := byContent(got, "echo in-worktree"); wt.Metadata["git_branch"] != "wt-branch" || wt.Metadata["git_root"] != filepath.Join(w.home, "wt") {
				t.Errorf("git metadata in a worktree: %v", wt.Metadata)
			}
			if hello := byContent(got, "echo hello world"); hello.Metadata["shell"] != s.shell || hello.Metadata["cwd"] != w.home {
				t.Errorf("metadata: %v", hello.Metadata)
			}
			// Only --failed, and --cwd.
			var failed []command
			json.Unmarshal(w.mem0Cmd("list", "-c", "demo", "--failed", "--json"), &failed)
			nonzero := 0
			for _, w := range wants {
				if w.exit != 0 {
					nonzero++
				}
			}
			if len(failed) != nonzero {
				t.Errorf("--failed listed %d commands, want %d", len(failed), nonzero)
			}
			var inRepo []command
			json.Unmarshal(w.mem0Cmd("list", "-c", "demo", "--cwd", w.repo, "--json"), &inRepo)
			if len(inRepo) != 1 || inRepo[0].Content != "echo in-repo" {
				t.Errorf("--cwd listed %v", inRepo)
			}
			// Nothing left in the spool.
			if left, _ := os.ReadDir(filepath.Join(w.mem0, "state", "spool")); len(left) != 0 {
				t.Errorf("%d records left in the spool", len(left))
			}
		})
	}
}

// TestShellsRecordIntoTheirOwnContexts: two terminals record into
// different contexts at once, and a shell started later takes up the
// context most recently started.
func TestShellsRecordIntoTheirOwnContexts(t *testing.T) {
	shelltest.Need(t, "bash")
	w := newWorld(t)
	s := sessions[0]
	start := func() *shelltest.Term {
		tm := shelltest.StartTerm(t, w.home, w.env(), s.setPrompt, s.argv...)
		tm.Type(s.load)
		return tm
	}
	a := start()
	a.Type("mem0 context start alpha")
	b := start() // takes up alpha, the most recent
	b.Type("echo b-inherited")
	b.Type("mem0 context start beta")
	a.Type("echo from-a")
	b.Type("echo from-b")
	c := start() // takes up beta
	c.Type("echo from-c")
	b.Type("mem0 status --json > ~/status-b.json")
	b.Type("bash --norc -c 'mem0 status --json; true' > ~/status-child.json")
	b.Type("mem0 context stop")
	b.Type("echo b-stopped")
	a.Type("echo a-still")
	d := start() // b stopped beta for new shells: d does not record
	d.Type("echo from-d")

	w.check("alpha", []want{{"echo b-inherited", 0}, {"echo from-a", 0}, {"echo a-still", 0}})
	w.check("beta", []want{{"echo from-b", 0}, {"echo from-c", 0}, {"bash --norc -c 'mem0 status --json; true' > ~/status-child.json", 0}})
	var st struct {
		Shell struct{ Session, Recording string } `json:"shell"`
	}
	data, _ := os.ReadFile(filepath.Join(w.home, "status-b.json"))
	if err := json.Unmarshal(data, &st); err != nil || st.Shell.Recording != "beta" || !strings.HasPrefix(st.Shell.Session, "bash-") {
		t.Errorf("mem0 status in shell b: %s (%v)", data, err)
	}
	// A process the shell started, without the hook, is not that shell.
	data, _ = os.ReadFile(filepath.Join(w.home, "status-child.json"))
	st.Shell.Session, st.Shell.Recording = "x", "x"
	if err := json.Unmarshal(data, &st); err != nil || st.Shell.Session != "" || st.Shell.Recording != "" {
		t.Errorf("mem0 status in a child of shell b: %s (%v)", data, err)
	}
}

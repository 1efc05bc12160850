package shelltest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Prompt is the prompt the driven shells are given, so Term can tell when
// a command has finished.
const Prompt = "READY> "

// Term is an interactive shell running in a private tmux server: keys go
// in as a person types them, the screen comes back as text.
type Term struct {
	t       testing.TB
	tmux    string
	sock    string
	prompts int
}

// StartTerm starts argv (an interactive shell) in dir with exactly env in
// a new tmux server of its own, and sets its prompt with setPrompt, a
// command line for that shell.
func StartTerm(t testing.TB, dir string, env []string, setPrompt string, argv ...string) *Term {
	t.Helper()
	tm := &Term{t: t, tmux: Need(t, "tmux"), sock: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"-S", tm.sock, "-f", os.DevNull, "new-session", "-d", "-x", "200", "-y", "50", "-c", dir, "--", "env", "-i"}
	args = append(append(args, env...), argv...)
	if out, err := exec.Command(tm.tmux, args...).CombinedOutput(); err != nil {
		t.Fatalf("start tmux: %v\n%s", err, out)
	}
	t.Cleanup(tm.close)
	// The shell's own first prompt, whatever it looks like, then ours.
	tm.waitFor(func(s string) bool { return strings.TrimSpace(s) != "" }, "the shell to start")
	tm.Type(setPrompt)
	return tm
}

// close ends the shell and waits for it to be gone: a shell killed instead
// would still be saving its history file while the test's folders are
// removed.
func (tm *Term) close() {
	exec.Command(tm.tmux, "-S", tm.sock, "send-keys", "-l", "exit").Run()
	exec.Command(tm.tmux, "-S", tm.sock, "send-keys", "Enter").Run()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if exec.Command(tm.tmux, "-S", tm.sock, "has-session").Run() != nil {
			return // the shell exited and its session with it
		}
		time.Sleep(20 * time.Millisecond)
	}
	exec.Command(tm.tmux, "-S", tm.sock, "kill-server").Run()
}

func (tm *Term) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command(tm.tmux, append([]string{"-S", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s\nscreen:\n%s", args[0], err, out, tm.screenQuiet())
	}
	return string(out)
}

// Screen is everything the terminal has shown, scrollback included.
func (tm *Term) Screen() string {
	tm.t.Helper()
	return tm.run("capture-pane", "-p", "-J", "-S", "-")
}

func (tm *Term) screenQuiet() string {
	out, _ := exec.Command(tm.tmux, "-S", tm.sock, "capture-pane", "-p", "-J", "-S", "-").CombinedOutput()
	return string(out)
}

// Type types line and Enter, and waits for the next prompt.
func (tm *Term) Type(line string) {
	tm.t.Helper()
	tm.run("send-keys", "-l", "--", line)
	tm.Enter()
}

// TypeLines types a multi-line command a line at a time (the shell shows
// its continuation prompt between them) and waits for the prompt after it.
func (tm *Term) TypeLines(lines ...string) {
	tm.t.Helper()
	for _, l := range lines[:len(lines)-1] {
		tm.run("send-keys", "-l", "--", l)
		tm.run("send-keys", "Enter")
	}
	tm.Type(lines[len(lines)-1])
}

// Paste pastes text as a terminal does (bracketed paste: tabs and
// newlines arrive as text, not as keys), then presses Enter and waits.
func (tm *Term) Paste(text string) {
	tm.t.Helper()
	buf := filepath.Join(tm.t.TempDir(), "paste")
	if err := os.WriteFile(buf, []byte(text), 0o600); err != nil {
		tm.t.Fatal(err)
	}
	tm.run("load-buffer", buf)
	tm.run("paste-buffer", "-p", "-d")
	tm.Enter()
}

// Enter presses Enter and waits for the next prompt.
func (tm *Term) Enter() {
	tm.t.Helper()
	want := tm.prompts + 1
	tm.run("send-keys", "Enter")
	tm.waitFor(func(s string) bool { return strings.Count(s, Prompt) >= want }, fmt.Sprintf("prompt %d", want))
	tm.prompts = want
}

func (tm *Term) waitFor(ok func(string) bool, what string) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screenQuiet()
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waited 20s for %s; screen:\n%s", what, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

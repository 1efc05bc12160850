package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mem0dev/mem0/shell/shelltest"
)

// awkward is a folder name that breaks any hook that does not quote.
const awkward = `it's a "dir" with $HOME, \back and spaces`

func renderFor(t *testing.T, sh string) (string, Params) {
	t.Helper()
	root := filepath.Join(t.TempDir(), awkward)
	p := Params{Version: "test", Bin: filepath.Join(root, "bin", "mem0"), Spool: filepath.Join(root, "spool"),
		Sessions: filepath.Join(root, "sessions"), Context: "ctx-'1'"}
	for _, d := range []string{p.Spool, p.Sessions} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	out, err := Render(sh, p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hook."+sh)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, p
}

func TestRenderUnknownShell(t *testing.T) {
	if _, err := Render("tcsh", Params{}); err == nil || !strings.Contains(err.Error(), "bash, zsh, fish, powershell") {
		t.Fatalf("err = %v", err)
	}
}

// TestHooksLoadTwiceAndQuote loads each hook twice in its real shell and
// checks that paths survive quoting and that nothing is installed twice.
func TestHooksLoadTwiceAndQuote(t *testing.T) {
	for _, tc := range []struct {
		shell, bin string
		args       func(hook string) []string
		want       string
	}{
		{"bash", "bash", func(h string) []string {
			return []string{"--norc", "--noprofile", "-c", `PROMPT_COMMAND='echo mine'; . "$1"; . "$1"; ` +
				`printf '%s\n' "$__mem0_bin" "${PROMPT_COMMAND[*]}" "$PS0" "$MEM0_SESSION"`, "bash", h}
		}, ""},
		{"zsh", "zsh", func(h string) []string {
			return []string{"-f", "-c", `precmd_functions=(mine); . "$1"; . "$1"; ` +
				`printf '%s\n' "$__mem0_bin" "${precmd_functions[*]}" "${preexec_functions[*]}" "$MEM0_SESSION"`, "zsh", h}
		}, ""},
		{"fish", "fish", func(h string) []string {
			return []string{"--no-config", "-c", `source $argv[1]; set -l first $MEM0_SESSION; source $argv[1]; ` +
				`printf '%s\n' $__mem0_bin (functions --handlers-type generic | string match -e __mem0_postexec | count) "$MEM0_SESSION" $first`, h}
		}, ""},
	} {
		t.Run(tc.shell, func(t *testing.T) {
			bin := shelltest.Need(t, tc.bin)
			hook, p := renderFor(t, tc.shell)
			out, err := exec.Command(bin, tc.args(hook)...).CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if lines[0] != p.Bin {
				t.Fatalf("binary path came out as %q, want %q\n%s", lines[0], p.Bin, out)
			}
			switch tc.shell {
			case "bash":
				if lines[1] != "__mem0_precmd\necho mine" && lines[1] != "__mem0_precmd" {
					// The string form spans two lines.
					if !(lines[1] == "__mem0_precmd" && lines[2] == "echo mine") {
						t.Errorf("PROMPT_COMMAND = %q", lines[1:3])
					}
				}
				if n := strings.Count(string(out), "__mem0_ps0["); n != 1 {
					t.Errorf("PS0 holds the hook %d times", n)
				}
			case "zsh":
				if lines[1] != "__mem0_precmd mine" || lines[2] != "__mem0_preexec" {
					t.Errorf("hooks = %q, %q", lines[1], lines[2])
				}
			case "fish":
				if lines[1] != "1" {
					t.Errorf("%s postexec handlers, want 1", lines[1])
				}
				if lines[2] != lines[3] {
					t.Errorf("loading again made a new session: %q then %q", lines[3], lines[2])
				}
			}
			sess := lines[len(lines)-1]
			data, err := os.ReadFile(filepath.Join(p.Sessions, sess))
			if err != nil || strings.TrimSpace(string(data)) != p.Context {
				t.Errorf("session file of %s holds %q, %v; want the inherited context %q", sess, data, err, p.Context)
			}
		})
	}
}

func TestHookSyntax(t *testing.T) {
	t.Run("shellcheck", func(t *testing.T) {
		sc := shelltest.Need(t, "shellcheck")
		// A plain folder: the awkward one holds a literal $HOME, which
		// shellcheck rightly notes and which TestHooksLoadTwiceAndQuote covers.
		out, err := Render("bash", Params{Bin: "/opt/mem0/bin/mem0", Spool: "/s", Sessions: "/t", Completion: "# completion"})
		if err != nil {
			t.Fatal(err)
		}
		hook := filepath.Join(t.TempDir(), "hook.bash")
		if err := os.WriteFile(hook, out, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(sc, "--shell=bash", "--severity=style", hook).CombinedOutput(); err != nil {
			t.Fatalf("shellcheck: %v\n%s", err, out)
		}
	})
	for _, sh := range []string{"zsh", "fish"} {
		t.Run(sh, func(t *testing.T) {
			bin := shelltest.Need(t, sh)
			hook, _ := renderFor(t, sh)
			if out, err := exec.Command(bin, "-n", hook).CombinedOutput(); err != nil {
				t.Fatalf("%s -n: %v\n%s", sh, err, out)
			}
		})
	}
	t.Run("powershell", func(t *testing.T) {
		// pwsh cannot be installed here: check what can be checked as text.
		hook, p := renderFor(t, "powershell")
		data, _ := os.ReadFile(hook)
		s := string(data)
		want := "'" + strings.ReplaceAll(p.Bin, "'", "''") + "'"
		if !strings.Contains(s, "$global:__mem0_bin = "+want) {
			t.Errorf("binary path not quoted for PowerShell: want %s", want)
		}
		if strings.Count(s, "{") != strings.Count(s, "}") || strings.Count(s, "(") != strings.Count(s, ")") {
			t.Error("unbalanced braces or parentheses")
		}
		for _, must := range []string{"$global:LASTEXITCODE = $code", "if (-not $global:__mem0_loaded)", "Get-History -Count 1"} {
			if !strings.Contains(s, must) {
				t.Errorf("hook lacks %q", must)
			}
		}
	})
}

package shell

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed templates
var templates embed.FS

// Shells are the shells mem0 has hooks for, in the order help shows them.
var Shells = []string{"bash", "zsh", "fish", "powershell"}

var templateFile = map[string]string{
	"bash":       "templates/bash.sh",
	"zsh":        "templates/zsh.zsh",
	"fish":       "templates/fish.fish",
	"powershell": "templates/powershell.ps1",
}

// Params is what a hook is rendered with.
type Params struct {
	Version    string // mem0's version, for the header
	Bin        string // absolute path of the mem0 binary
	Spool      string // folder the hook writes records into
	Sessions   string // folder of the per-shell recording state
	Context    string // id of the context a new shell records into ("": none)
	Completion string // completion script to append ("": none)
}

// Render writes the hook of shell with p. Paths are quoted for that shell,
// so folders with spaces or quotes in their names work.
func Render(shell string, p Params) ([]byte, error) {
	name, ok := templateFile[shell]
	if !ok {
		return nil, fmt.Errorf("no hook for shell %q: use one of %s", shell, strings.Join(Shells, ", "))
	}
	src, err := templates.ReadFile(name)
	if err != nil {
		return nil, err
	}
	quote := quoters[shell]
	t, err := template.New(shell).Parse(string(src))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = t.Execute(&b, map[string]string{
		"Version":    p.Version,
		"Bin":        quote(p.Bin),
		"Spool":      quote(p.Spool),
		"Sessions":   quote(p.Sessions),
		"Context":    quote(p.Context),
		"Completion": strings.TrimRight(p.Completion, "\n"),
	})
	if err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

var quoters = map[string]func(string) string{
	// POSIX single quotes: nothing inside is special but the quote itself.
	"bash": posixQuote,
	"zsh":  posixQuote,
	// fish single quotes: \\ and \' are the only escapes.
	"fish": func(s string) string {
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
	},
	// PowerShell single quotes: a quote is doubled (typographic ones too).
	"powershell": func(s string) string {
		return "'" + strings.NewReplacer(`'`, `''`, "\u2018", "\u2018\u2018", "\u2019", "\u2019\u2019").Replace(s) + "'"
	},
}

func posixQuote(s string) string {
	return "'" + strings.ReplaceAll(s, `'`, `'\''`) + "'"
}

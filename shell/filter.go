package shell

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Redacted replaces every secret the filters find.
const Redacted = "[REDACTED]"

// quoted matches one shell word: double- or single-quoted or bare.
const quoted = `(?:"[^"]*"|'[^']*'|[^\s'"]+)`

// secretName matches a variable or option name that says it holds a secret:
// the keyword ends the name or a part of it (GITHUB_TOKEN, DB_PASSWORD_FILE),
// so MAX_TOKENS and TOKENIZERS_PARALLELISM are left alone.
const secretName = `[A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIALS?|AUTH)(?:_[A-Za-z0-9_]*)?`

// builtinRules find the secrets people type most. A rule masks its group
// named s, or the whole match without one. They err towards masking: a
// masked word that was not a secret costs little, a kept secret a lot.
var builtinRules = []string{
	// Private key blocks.
	`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`,
	// Passwords in URLs: scheme://user:PASSWORD@host.
	`[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'"]*:(?P<s>[^\s/@'"]+)@`,
	// Tokens recognisable by their shape, wherever they appear.
	`\b(?:AKIA|ASIA|AROA|AIDA|ANPA|ANVA|AGPA)[0-9A-Z]{16}\b`,           // AWS access key ids
	`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})`,    // GitHub
	`\bgl(?:pat|dt|ptt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}`,                 // GitLab
	`\bxox[abposr]-[A-Za-z0-9-]{10,}`,                                  // Slack tokens
	`https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+`,               // Slack webhooks
	`\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}`,                       // Stripe
	`\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}`,                           // OpenAI, Anthropic
	`\bnpm_[A-Za-z0-9]{36}\b`,                                          // npm
	`\bAIza[0-9A-Za-z_-]{35}`,                                          // Google API keys
	`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}`, // JWTs
	// Secrets by their place.
	`(?i)aws_?secret_?access_?key["']?\s*[=:]\s*(?P<s>` + quoted + `)`,
	`(?i)\bbearer\s+(?P<s>[A-Za-z0-9._~+/=-]{8,})`,
	`(?i)\b(?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|private-token|cookie)\s*:\s*(?:basic\s+|bearer\s+|token\s+)?(?P<s>[^'"]+?)\s*(?:['"]|$)`,
	`(?i)--?(?:password|passwd|pass|token|secret|api-?key|access-?token|auth-?token)(?:=|\s+)(?P<s>` + quoted + `)`,
	`(?i)\b` + secretName + `\s*=\s*(?P<s>` + quoted + `)`,                     // NAME=value (sh, env, .env)
	`(?i)\bset\s+(?:-[A-Za-z]+\s+)*` + secretName + `\s+(?P<s>` + quoted + `)`, // fish: set -x NAME value
	`(?:\s-u\s*|\s--user[=\s]+)['"]?[^\s:'"]+:(?P<s>[^\s'"]+)`,                 // curl -u user:password
	`\bmysql(?:dump|admin)?\b[^|;&\n]*?\s-p(?P<s>` + quoted + `)`,              // mysql -pPASSWORD
	`\b(?:sshpass\s+|docker\s+login\b[^|;&\n]*?\s)-p\s*(?P<s>` + quoted + `)`,  // sshpass -p, docker login -p
	`\bredis-cli\b[^|;&\n]*?\s-a\s+(?P<s>` + quoted + `)`,                      // redis-cli -a
}

var (
	compileOnce   sync.Once
	compiledRules []*regexp.Regexp
)

// rules compiles the built-in rules on first use: compiling them at package
// init would cost every mem0 invocation, most of which ingest nothing.
func rules() []*regexp.Regexp {
	compileOnce.Do(func() {
		for _, r := range builtinRules {
			compiledRules = append(compiledRules, regexp.MustCompile(r))
		}
	})
	return compiledRules
}

// Filter decides what of a captured command is kept.
type Filter struct {
	// IgnoreCommands are program names whose commands are not recorded
	// (`ls`, `cd`, …): a command is ignored when its first word is one.
	IgnoreCommands []string
	// Ignore drops every command it matches (nil: none).
	Ignore *regexp.Regexp
	// Redact masks what it matches in addition to the built-in rules
	// (the group named s when it has one, else the whole match).
	Redact *regexp.Regexp
}

// NewFilter builds a filter from settings: a comma- or space-separated list
// of command names and two regular expressions ("" for none).
func NewFilter(ignoreCommands, ignore, redact string) (*Filter, error) {
	f := &Filter{IgnoreCommands: strings.FieldsFunc(ignoreCommands, func(r rune) bool { return r == ',' || r == ' ' })}
	var err error
	if ignore != "" {
		if f.Ignore, err = regexp.Compile(ignore); err != nil {
			return nil, fmt.Errorf("shell.ignore_pattern: %w", err)
		}
	}
	if redact != "" {
		if f.Redact, err = regexp.Compile(redact); err != nil {
			return nil, fmt.Errorf("shell.redact_pattern: %w", err)
		}
	}
	return f, nil
}

// Apply returns the command as it may be stored, how many secrets were
// masked, and false when the command must not be recorded at all.
func (f *Filter) Apply(cmd string) (string, int, bool) {
	if strings.TrimSpace(cmd) == "" || strings.HasPrefix(cmd, " ") || strings.HasPrefix(cmd, "\t") {
		return "", 0, false
	}
	if word := firstWord(cmd); word != "" {
		for _, ig := range f.IgnoreCommands {
			if word == ig {
				return "", 0, false
			}
		}
	}
	if f.Ignore != nil && f.Ignore.MatchString(cmd) {
		return "", 0, false
	}
	n := 0
	for _, re := range rules() {
		cmd = mask(re, cmd, &n)
	}
	if f.Redact != nil {
		cmd = mask(f.Redact, cmd, &n)
	}
	return cmd, n, true
}

// firstWord is the program a command runs: the first word after any
// VAR=value assignments, without its folder.
func firstWord(cmd string) string {
	for _, w := range strings.Fields(cmd) {
		if strings.Contains(w, "=") && !strings.HasPrefix(w, "=") {
			continue
		}
		if i := strings.LastIndexAny(w, `/\`); i >= 0 {
			w = w[i+1:]
		}
		return w
	}
	return ""
}

// reference reports whether a value names a secret rather than holding it:
// $VAR, ${VAR}, $(command), `command`.
func reference(v string) bool {
	v = strings.TrimLeft(v, `"'`)
	return strings.HasPrefix(v, "$") || strings.HasPrefix(v, "`")
}

// mask replaces the secret part of every match of re in s.
func mask(re *regexp.Regexp, s string, n *int) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	group := re.SubexpIndex("s")
	var b strings.Builder
	last := 0
	for _, m := range idx {
		start, end := m[0], m[1]
		if group > 0 && m[2*group] >= 0 {
			start, end = m[2*group], m[2*group+1]
		}
		if start < last || start == end || strings.Contains(s[start:end], Redacted) || reference(s[start:end]) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(Redacted)
		last = end
		*n++
	}
	b.WriteString(s[last:])
	return b.String()
}

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

// A rule finds one kind of secret: its expression masks the group named s,
// or the whole match without one. Hints are lower-case words one of which
// any match contains: a command holding none skips the expression, which
// makes filtering several times faster (most commands hold no secret).
type rule struct {
	re    string
	hints []string
}

// builtinRules find the secrets people type most. They err towards masking:
// a masked word that was not a secret costs little, a kept secret a lot.
var builtinRules = []rule{
	// Private key blocks.
	{`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`, []string{"private key-----"}},
	// Passwords in URLs: scheme://user:PASSWORD@host.
	{`[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'"]*:(?P<s>[^\s/@'"]+)@`, []string{"://"}},
	// Tokens recognisable by their shape, wherever they appear.
	{`\b(?:AKIA|ASIA|AROA|AIDA|ANPA|ANVA|AGPA)[0-9A-Z]{16}\b`, []string{"akia", "asia", "aroa", "aida", "anpa", "anva", "agpa"}}, // AWS access key ids
	{`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})`, []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
	{`\bgl(?:pat|dt|ptt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}`, []string{"glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "gloas-"}}, // GitLab
	{`\bxox[abposr]-[A-Za-z0-9-]{10,}`, []string{"xox"}},                                                                     // Slack tokens
	{`https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+`, []string{"hooks.slack.com"}},                                      // Slack webhooks
	{`\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}`, []string{"_live_", "_test_"}},                                             // Stripe
	{`\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}`, []string{"sk-"}},                                                              // OpenAI, Anthropic
	{`\bnpm_[A-Za-z0-9]{36}\b`, []string{"npm_"}},                                                                            // npm
	{`\bAIza[0-9A-Za-z_-]{35}`, []string{"aiza"}},                                                                            // Google API keys
	{`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}`, []string{"eyj"}},                                    // JWTs
	// Secrets by their place.
	{`(?i)aws_?secret_?access_?key["']?\s*[=:]\s*(?P<s>` + quoted + `)`, []string{"secret"}},
	{`(?i)\bbearer\s+(?P<s>[A-Za-z0-9._~+/=-]{8,})`, []string{"bearer"}},
	{`(?i)\b(?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|private-token|cookie)\s*:\s*(?:basic\s+|bearer\s+|token\s+)?(?P<s>[^'"]+?)\s*(?:['"]|$)`,
		[]string{"authorization", "api-key", "x-auth-token", "private-token", "cookie"}},
	{`(?i)--?(?:password|passwd|pass|token|secret|api-?key|access-?token|auth-?token)(?:=|\s+)(?P<s>` + quoted + `)`, []string{"pass", "token", "secret", "key"}},
	{`(?i)\b` + secretName + `\s*=\s*(?P<s>` + quoted + `)`, secretWords},                     // NAME=value (sh, env, .env)
	{`(?i)\bset\s+(?:-[A-Za-z]+\s+)*` + secretName + `\s+(?P<s>` + quoted + `)`, secretWords}, // fish: set -x NAME value
	{`(?:\s-u\s*|\s--user[=\s]+)['"]?[^\s:'"]+:(?P<s>[^\s'"]+)`, []string{"-u", "--user"}},    // curl -u user:password
	{`\bmysql(?:dump|admin)?\b[^|;&\n]*?\s-p(?P<s>` + quoted + `)`, []string{"mysql"}},        // mysql -pPASSWORD
	{`\b(?:sshpass\s+|docker\s+login\b[^|;&\n]*?\s)-p\s*(?P<s>` + quoted + `)`, []string{"sshpass", "docker"}},
	{`\bredis-cli\b[^|;&\n]*?\s-a\s+(?P<s>` + quoted + `)`, []string{"redis-cli"}},
}

// secretWords are the hints of the rules built on secretName.
var secretWords = []string{"password", "passwd", "secret", "token", "api_key", "apikey", "private_key", "credential", "auth"}

var (
	compileOnce   sync.Once
	compiledRules []*regexp.Regexp // builtinRules, in order
)

// rules compiles the built-in rules on first use: compiling them at package
// init would cost every mem0 invocation, most of which ingest nothing.
func rules() []*regexp.Regexp {
	compileOnce.Do(func() {
		for _, r := range builtinRules {
			compiledRules = append(compiledRules, regexp.MustCompile(r.re))
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
	cmd, n := f.Mask(cmd)
	return cmd, n, true
}

// Mask hides the secrets the built-in rules and Redact find in text, and
// says how many it hid. Text sent to an AI provider goes through it too.
func (f *Filter) Mask(text string) (string, int) {
	n := 0
	lower := strings.ToLower(text)
	for i, re := range rules() {
		if hinted(lower, builtinRules[i].hints) {
			text = mask(re, text, &n)
		}
	}
	if f.Redact != nil {
		text = mask(f.Redact, text, &n)
	}
	return text, n
}

// hinted reports whether s contains one of hints.
func hinted(s string, hints []string) bool {
	for _, h := range hints {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
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

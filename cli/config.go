package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/viper"

	"github.com/mem0dev/mem0/server"
	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// configKey describes one setting: its default, what it means and how a
// value is checked before `mem0 config set` writes it.
type configKey struct {
	def   any
	help  string
	check func(string) (any, error)
}

var configKeys = map[string]configKey{
	"content.max_bytes": {content.DefaultMaxBytes, "largest memory content accepted, in bytes", checkPositiveInt},
	"db.busy_timeout":   {"10s", "how long a write waits for another process's lock", checkDuration},
	"editor":            {"", "editor for `mem0 edit` (unset: $VISUAL, then $EDITOR, then vi/notepad)", checkAny},
	"color":             {"auto", "colour output: auto (on a terminal, unless NO_COLOR is set), always or never", checkEnum("auto", "always", "never")},

	// mem0 mcp: which contexts the MCP server reads and writes.
	"mcp.context":        {"", "mem0 mcp: context tools use (unset: the current context)", checkContextName},
	"mcp.allow_contexts": {"", "mem0 mcp: further contexts tools may name, comma-separated (* for all)", checkAny},
	"mcp.read_only":      {"false", "mem0 mcp: expose only the tools that read", checkEnum("true", "false")},

	// Shell hooks (mem0 init): what they record.
	"shell.inherit":         {"true", "a new shell records into the context most recently started with mem0 context start", checkEnum("true", "false")},
	"shell.ignore_commands": {"ls,cd,pwd,clear,exit,history,mem0", "programs whose commands are never recorded, comma-separated", checkAny},
	"shell.ignore_pattern":  {"", "commands matching this regular expression are never recorded", checkRegexp},
	"shell.redact_pattern":  {"", "recorded commands have what this regular expression matches masked, besides the built-in secret filters", checkRegexp},

	// AI providers (mem0 ai doctor, docs/ai.md). Nothing is sent anywhere
	// while a provider is none. Keys are never kept here: they come from
	// the environment or the OS keyring (mem0 ai key set).
	"llm.provider":            {"none", "LLM provider: openai (or any OpenAI-compatible endpoint), ollama, anthropic or none", checkEnum("none", "openai", "ollama", "anthropic")},
	"llm.model":               {"", "LLM model (unset: a small default of the provider)", checkAny},
	"llm.base_url":            {"", "LLM API address (unset: the provider's; e.g. http://localhost:11434/v1 for Ollama's OpenAI-compatible API)", checkBaseURL},
	"embedder.provider":       {"none", "embedding provider: openai (or any OpenAI-compatible endpoint), ollama or none", checkEnum("none", "openai", "ollama")},
	"embedder.model":          {"", "embedding model (unset: a small default of the provider)", checkAny},
	"embedder.base_url":       {"", "embedding API address (unset: the provider's)", checkBaseURL},
	"embedder.min_similarity": {"0.3", "cosine similarity a memory found only by meaning must reach to be shown (model-dependent)", checkUnitFloat},

	// The team server the CLI talks to (mem0 login, mem0 sync, ...);
	// MEM0_SERVER and --server win over it. Tokens are never kept here.
	"remote.url":        {defaultRemoteURL, "team server the CLI logs in and syncs to ($MEM0_SERVER and --server win)", checkRemoteURL},
	"sync.auto":         {"true", "after a write to a shared context, push it in the background (mem0 sync --quiet)", checkEnum("true", "false")},
	"sync.interval":     {"5m", "background syncs start at most this often", checkDuration},
	"sync.personal":     {"false", "mem0 sync also keeps your personal contexts on the server, private to you, to share them between your machines", checkEnum("true", "false")},
	"credentials.store": {"auto", "where login tokens are kept: auto (the OS keyring, else a 0600 file) or file", checkEnum("auto", "file")},

	// mem0 server; the database URL and the signing key are secrets and
	// come only from the environment (MEM0_DATABASE_URL, MEM0_JWT_KEY) or a
	// key file, never from this file.
	"server.listen":       {server.DefaultListen, "mem0 server: address to listen on", checkAny},
	"server.registration": {server.RegistrationClosed, "mem0 server: who may register: open, closed or invite", checkEnum(server.RegistrationOpen, server.RegistrationClosed, server.RegistrationInvite)},
	"server.tls_cert":     {"", "mem0 server: TLS certificate file (with server.tls_key)", checkAny},
	"server.tls_key":      {"", "mem0 server: TLS key file (with server.tls_cert)", checkAny},
	"server.jwt_key_file": {"", "mem0 server: file holding the token signing key", checkAny},
	"server.trust_proxy":  {"false", "mem0 server: trust X-Forwarded-For from a reverse proxy", checkEnum("true", "false")},
}

func checkAny(s string) (any, error) { return s, nil }

func checkBaseURL(s string) (any, error) {
	if s == "" {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http:// or https:// address", s)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q holds a user or password; keys come from the environment or `mem0 ai key set`, never from the config file", s)
	}
	return s, nil
}

func checkContextName(s string) (any, error) {
	if s == "" {
		return s, nil
	}
	if err := store.ValidateContextRef(s); err != nil {
		return nil, fmt.Errorf("%q is not a context name: use 1-64 letters, digits, '.', '_' or '-' (shared contexts: ORG/TEAM/NAME)", s)
	}
	return s, nil
}

func checkRegexp(s string) (any, error) {
	if _, err := regexp.Compile(s); err != nil {
		return nil, fmt.Errorf("%q is not a regular expression: %v", s, err)
	}
	return s, nil
}

func checkUnitFloat(s string) (any, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x < 0 || x > 1 {
		return nil, fmt.Errorf("%q is not a number from 0 to 1", s)
	}
	return s, nil
}

func checkPositiveInt(s string) (any, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("%q is not a positive whole number", s)
	}
	return n, nil
}

func checkDuration(s string) (any, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return nil, fmt.Errorf("%q is not a duration like 5s or 500ms", s)
	}
	return s, nil
}

func checkEnum(values ...string) func(string) (any, error) {
	return func(s string) (any, error) {
		for _, v := range values {
			if s == v {
				return s, nil
			}
		}
		return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(values, ", "))
	}
}

// Config is the merged configuration: MEM0_* environment variables over
// the config file over defaults (flags are applied by each command).
type Config struct {
	v    *viper.Viper
	path string
}

// LoadConfig reads path if it exists. A file that exists but cannot be
// parsed is an error: silently ignoring it would hide the user's settings.
func LoadConfig(path string) (*Config, error) {
	v := viper.New()
	for k, d := range configKeys {
		v.SetDefault(k, d.def)
	}
	v.SetEnvPrefix("MEM0")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil && !isNotExist(err) {
		return nil, fmt.Errorf("config file %s cannot be read: %v; fix it (see `mem0 config list`) or move it aside", path, err)
	}
	c := &Config{v: v, path: path}
	for k, d := range configKeys {
		if _, err := d.check(v.GetString(k)); err != nil {
			return nil, fmt.Errorf("setting %s: %v (from %s)", k, err, c.Source(k))
		}
	}
	return c, nil
}

func isNotExist(err error) bool {
	var nf viper.ConfigFileNotFoundError
	// A config folder that cannot exist (a file in the way) holds no
	// config file either; opening the database reports the real problem.
	return errors.As(err, &nf) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// Path is the config file's path.
func (c *Config) Path() string { return c.path }

// Get returns a setting as text.
func (c *Config) Get(key string) string { return c.v.GetString(key) }

// Source says where a setting's value comes from.
func (c *Config) Source(key string) string {
	env := "MEM0_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
	if _, ok := os.LookupEnv(env); ok {
		return "env " + env
	}
	if c.v.InConfig(key) {
		return "file"
	}
	return "default"
}

// MaxContentBytes is content.max_bytes.
func (c *Config) MaxContentBytes() int { return c.v.GetInt("content.max_bytes") }

// BusyTimeout is db.busy_timeout.
func (c *Config) BusyTimeout() time.Duration { return c.v.GetDuration("db.busy_timeout") }

// ShellFilter is what decides which recorded commands are kept.
func (c *Config) ShellFilter() (*shell.Filter, error) {
	return shell.NewFilter(c.Get("shell.ignore_commands"), c.Get("shell.ignore_pattern"), c.Get("shell.redact_pattern"))
}

// ShellInherit reports whether new shells record into the most recently
// started context.
func (c *Config) ShellInherit() bool { return c.v.GetBool("shell.inherit") }

// Keys lists the known settings, sorted.
func Keys() []string {
	keys := make([]string, 0, len(configKeys))
	for k := range configKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SetInFile validates value and writes key into the config file only,
// leaving every other setting in the file as it was and never copying
// environment values or defaults into it.
func SetInFile(path, key, value string) error {
	k, ok := configKeys[key]
	if !ok {
		return fmt.Errorf("unknown setting %q; known settings: %s", key, strings.Join(Keys(), ", "))
	}
	typed, err := k.check(value)
	if err != nil {
		return fmt.Errorf("setting %s: %v", key, err)
	}
	return editFile(path, func(v *viper.Viper) { v.Set(key, typed) })
}

// UnsetInFile removes key from the config file.
func UnsetInFile(path, key string) error {
	if _, ok := configKeys[key]; !ok {
		return fmt.Errorf("unknown setting %q; known settings: %s", key, strings.Join(Keys(), ", "))
	}
	return editFile(path, func(v *viper.Viper) {
		all := v.AllSettings()
		deleteKey(all, strings.Split(key, "."))
		fresh := viper.New()
		for k, val := range flatten("", all) {
			fresh.Set(k, val)
		}
		*v = *fresh
	})
}

func editFile(path string, change func(*viper.Viper)) error {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil && !isNotExist(err) {
		return fmt.Errorf("config file %s cannot be read: %v; fix it or move it aside", path, err)
	}
	change(v)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create config folder: %w", err)
	}
	// Write beside the file and rename, so a crash never leaves half a file.
	tmp := strings.TrimSuffix(path, filepath.Ext(path)) + ".tmp.yaml"
	if err := v.WriteConfigAs(tmp); err != nil {
		return fmt.Errorf("write config file: %w", err)
	}
	return os.Rename(tmp, path)
}

func deleteKey(m map[string]any, parts []string) {
	if len(parts) == 1 {
		delete(m, parts[0])
		return
	}
	if sub, ok := m[parts[0]].(map[string]any); ok {
		deleteKey(sub, parts[1:])
		if len(sub) == 0 {
			delete(m, parts[0])
		}
	}
}

func flatten(prefix string, m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok {
			for kk, vv := range flatten(key, sub) {
				out[kk] = vv
			}
		} else {
			out[key] = v
		}
	}
	return out
}

package cli

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/ai"
)

// NewCmdAI builds `mem0 ai` and its verbs.
func NewCmdAI(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ai",
		Short: "Check the LLM and embedding providers and keep their keys",
		Long: `mem0 works without any AI provider. When llm.provider or embedder.provider
is set (mem0 config set llm.provider openai), mem0 can use an OpenAI or
OpenAI-compatible endpoint (Ollama's /v1, vLLM, LM Studio, GitHub Models),
Ollama's own API, or Anthropic. Keys never come from a flag or the config
file: from the environment (MEM0_LLM_API_KEY, MEM0_EMBEDDER_API_KEY,
OPENAI_API_KEY, ANTHROPIC_API_KEY) or the OS keyring (mem0 ai key set).
See docs/ai.md.`,
		Example: `  mem0 config set llm.provider anthropic
  mem0 ai key set anthropic
  mem0 ai doctor`,
	}
	cmd.AddCommand(NewCmdAIDoctor(f, nil), NewCmdAIKey(f), NewCmdAILog(f, nil))
	return cmd
}

// aiRole is one configured use of a provider: the llm or the embedder,
// with its key and where the key came from. The key is never printed.
type aiRole struct {
	Role      string // llm or embedder
	Provider  string
	Model     string
	BaseURL   string // as configured ("" for the provider's own)
	key       string
	KeySource string // "env NAME", "keyring", "file" or ""
}

// endpoint is the base URL requests go to.
func (r *aiRole) endpoint() string {
	if r.BaseURL != "" {
		return r.BaseURL
	}
	return ai.DefaultBaseURL(r.Provider)
}

// needsKey reports whether requests cannot succeed without a key: the
// hosted APIs need one; a local or self-hosted endpoint may not.
func (r *aiRole) needsKey() bool {
	return r.Provider == ai.Anthropic || (r.Provider == ai.OpenAI && aiHost(r.endpoint()) == aiHost(ai.DefaultBaseURL(ai.OpenAI)))
}

// aiHost is scheme://host of an address: the unit keys are kept for.
func aiHost(address string) string {
	u, err := url.Parse(address)
	if err != nil || u.Host == "" {
		return address
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// aiKeyEntry names a provider's key in the keyring (or credentials file):
// per host, so a key saved for one endpoint is never sent to another.
func aiKeyEntry(provider, endpoint string) string {
	return "ai/" + provider + "@" + aiHost(endpoint)
}

// providerKeyEnv is the provider's own environment variable, honoured
// only for the provider's own API, so OPENAI_API_KEY never goes to a
// third-party endpoint.
func providerKeyEnv(provider string) string {
	switch provider {
	case ai.OpenAI:
		return "OPENAI_API_KEY"
	case ai.Anthropic:
		return "ANTHROPIC_API_KEY"
	}
	return ""
}

// aiRole reads role's settings and finds its key: MEM0_<ROLE>_API_KEY,
// then the provider's variable (for its own API only), then the keyring.
// It returns nil when the role's provider is none.
func (f *Factory) aiRole(role string) (*aiRole, error) {
	r, err := f.aiSettings(role)
	if err != nil || r == nil {
		return nil, err
	}
	env := "MEM0_" + strings.ToUpper(role) + "_API_KEY"
	if k := f.Getenv(env); k != "" {
		r.key, r.KeySource = k, "env "+env
		return r, nil
	}
	if pe := providerKeyEnv(r.Provider); pe != "" && aiHost(r.endpoint()) == aiHost(ai.DefaultBaseURL(r.Provider)) {
		if k := f.Getenv(pe); k != "" {
			r.key, r.KeySource = k, "env "+pe
			return r, nil
		}
	}
	cs, err := f.credentialStore()
	if err != nil {
		return nil, err
	}
	c, where, err := cs.Load(aiKeyEntry(r.Provider, r.endpoint()))
	if err != nil {
		return nil, err
	}
	if c != nil && c.APIKey != "" {
		r.key, r.KeySource = c.APIKey, where
	}
	return r, nil
}

// aiSettings reads role's settings without looking for its key (no
// keyring access): for what only names the provider. Nil when none.
func (f *Factory) aiSettings(role string) (*aiRole, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	r := &aiRole{Role: role, Provider: cfg.Get(role + ".provider"), Model: cfg.Get(role + ".model"), BaseURL: cfg.Get(role + ".base_url")}
	if r.Provider == "" || r.Provider == ai.None {
		return nil, nil
	}
	if r.Model == "" {
		r.Model = ai.DefaultModel(r.Provider, role == "embedder")
	}
	return r, nil
}

// client builds the provider's client for r.
func (r *aiRole) client(f *Factory, timeout time.Duration, retries int) any {
	cfg := ai.Config{BaseURL: r.BaseURL, Model: r.Model, APIKey: r.key, Timeout: timeout, MaxRetries: retries, UserAgent: f.userAgent()}
	switch r.Provider {
	case ai.OpenAI:
		return ai.NewOpenAI(cfg)
	case ai.Ollama:
		return ai.NewOllama(cfg)
	case ai.Anthropic:
		return ai.NewAnthropic(cfg)
	}
	return nil
}

// aiKeyHow says how to give role r a key.
func aiKeyHow(r *aiRole) string {
	env := "MEM0_" + strings.ToUpper(r.Role) + "_API_KEY"
	if pe := providerKeyEnv(r.Provider); pe != "" && aiHost(r.endpoint()) == aiHost(ai.DefaultBaseURL(r.Provider)) {
		env = pe
	}
	return fmt.Sprintf("set %s or run `mem0 ai key set %s`", env, r.Provider)
}

// aiFix says what to do about a provider error of role r.
func aiFix(r *aiRole, err error) string {
	keyHow := aiKeyHow(r)
	switch {
	case errors.Is(err, ai.ErrAuth):
		if r.KeySource == "" {
			return "no key was sent: " + keyHow
		}
		return fmt.Sprintf("the key from %s was refused: check it, or replace it (%s)", r.KeySource, keyHow)
	case errors.Is(err, ai.ErrModelNotFound):
		fix := fmt.Sprintf("choose a model the provider has: `mem0 config set %s.model NAME`", r.Role)
		if r.Provider == ai.Ollama {
			fix += fmt.Sprintf(", or fetch it with `ollama pull %s`", r.Model)
		}
		return fix
	case errors.Is(err, ai.ErrNotFound):
		return fmt.Sprintf("check %s.base_url: OpenAI-compatible endpoints end in /v1; Ollama's own API and Anthropic's do not", r.Role)
	case errors.Is(err, ai.ErrUnreachable):
		if r.Provider == ai.Ollama {
			return fmt.Sprintf("is Ollama running? start it with `ollama serve`, or set %s.base_url", r.Role)
		}
		return fmt.Sprintf("check the network and %s.base_url", r.Role)
	case errors.Is(err, ai.ErrTimeout):
		return "the provider is slow or unreachable; try again, or check the network"
	case errors.Is(err, ai.ErrRateLimited):
		return "wait a moment and try again; check your plan's rate limits"
	case errors.Is(err, ai.ErrServer):
		return "the provider failed; try again later"
	}
	return "see the provider's message above"
}

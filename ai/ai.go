// Package ai holds clients for the LLM and embedding providers mem0 can
// use: OpenAI and any OpenAI-compatible endpoint, Ollama's native API, and
// Anthropic's Messages API. Each is written against the provider's
// documented HTTP API with the standard library only.
//
// Nothing here decides whether a provider is used: the caller builds a
// client only when the user configured one.
package ai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Provider names, as the settings llm.provider and embedder.provider
// spell them.
const (
	OpenAI    = "openai"
	Ollama    = "ollama"
	Anthropic = "anthropic"
	None      = "none"
)

// Message is one turn of a conversation.
type Message struct {
	Role    string `json:"role"` // system, user or assistant
	Content string `json:"content"`
}

// ChatOptions tune one chat request. Zero values leave the provider's
// defaults, except MaxTokens, which Anthropic requires (1024 when zero).
type ChatOptions struct {
	MaxTokens   int
	Temperature *float64
}

// Chatter answers a conversation with the model's text.
type Chatter interface {
	Chat(ctx context.Context, msgs []Message, opts ChatOptions) (string, error)
}

// Embedder turns texts into vectors, one per text, in order.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// Config is what every client needs. Only BaseURL and Model are usually
// set by callers; the rest have sensible defaults.
type Config struct {
	BaseURL string // the provider's default when empty
	Model   string // DefaultModel when empty
	APIKey  string // never printed, logged or put in an error

	HTTPClient *http.Client  // http.DefaultClient's transport when nil
	Timeout    time.Duration // per attempt; 60s when zero
	MaxRetries int           // retries after a 429 or 5xx; 3 when zero, none when negative
	BaseDelay  time.Duration // first backoff; 500ms when zero, doubled each retry
	MaxDelay   time.Duration // longest wait between attempts, Retry-After included; 30s when zero
	UserAgent  string
}

// DefaultBaseURL is where a provider's API lives when base_url is unset.
func DefaultBaseURL(provider string) string {
	switch provider {
	case OpenAI:
		return "https://api.openai.com/v1"
	case Ollama:
		return "http://localhost:11434"
	case Anthropic:
		return "https://api.anthropic.com"
	}
	return ""
}

// DefaultModel is the model used when none is configured: small, cheap
// ones. embed chooses the embedding model.
func DefaultModel(provider string, embed bool) string {
	switch {
	case provider == OpenAI && embed:
		return "text-embedding-3-small"
	case provider == OpenAI:
		return "gpt-4o-mini"
	case provider == Ollama && embed:
		return "nomic-embed-text"
	case provider == Ollama:
		return "llama3.2"
	case provider == Anthropic && !embed:
		return "claude-3-5-haiku-latest"
	}
	return ""
}

// HasEmbeddings reports whether a provider offers an embeddings API
// (Anthropic does not).
func HasEmbeddings(provider string) bool { return provider == OpenAI || provider == Ollama }

// Kinds of failure; *Error matches them with errors.Is.
var (
	ErrAuth          = errors.New("the API key was refused")
	ErrModelNotFound = errors.New("the model is not known to the provider")
	ErrNotFound      = errors.New("the endpoint was not found")
	ErrUnreachable   = errors.New("the provider cannot be reached")
	ErrTimeout       = errors.New("the provider did not answer in time")
	ErrRateLimited   = errors.New("rate limited by the provider")
	ErrServer        = errors.New("the provider failed")
	ErrBadRequest    = errors.New("the provider refused the request")
	ErrBadResponse   = errors.New("the provider's answer cannot be read")
)

// Error is a failed request to a provider. Its text never holds the API
// key: messages from the provider are scrubbed of it.
type Error struct {
	Provider   string
	Host       string // scheme://host of the endpoint
	Kind       error  // one of the Err… values above
	Status     int    // HTTP status, 0 when there was no answer
	Message    string // the provider's own words, if any
	Model      string
	Attempts   int
	RetryAfter time.Duration // from the last 429/503, if given
	Err        error         // the transport error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s: %s", e.Provider, e.Host, e.Kind)
	if e.Kind == ErrModelNotFound && e.Model != "" {
		fmt.Fprintf(&b, " (model %q)", e.Model)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.Attempts > 1 {
			fmt.Fprintf(&b, " after %d attempts", e.Attempts)
		}
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

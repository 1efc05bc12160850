package ai

import (
	"context"
	"net/http"
	"strings"
)

// anthropicVersion is the API version mem0 is written against.
const anthropicVersion = "2023-06-01"

// AnthropicClient speaks Anthropic's Messages API (POST /v1/messages).
// Anthropic has no embeddings API.
type AnthropicClient struct{ c client }

// NewAnthropic returns a client; cfg.BaseURL defaults to
// https://api.anthropic.com.
func NewAnthropic(cfg Config) *AnthropicClient {
	return &AnthropicClient{c: newClient(Anthropic, cfg)}
}

func (a *AnthropicClient) header(h http.Header) {
	h.Set("x-api-key", a.c.cfg.APIKey)
	h.Set("anthropic-version", anthropicVersion)
}

// Chat sends POST /v1/messages. System messages become the request's
// top-level system prompt, as the API wants.
func (a *AnthropicClient) Chat(ctx context.Context, msgs []Message, opts ChatOptions) (string, error) {
	var system []string
	turns := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		if m.Role == "system" {
			system = append(system, m.Content)
			continue
		}
		turns = append(turns, m)
	}
	maxTokens := opts.MaxTokens
	if maxTokens <= 0 {
		maxTokens = 1024
	}
	req := map[string]any{"model": a.c.cfg.Model, "max_tokens": maxTokens, "messages": turns}
	if len(system) > 0 {
		req["system"] = strings.Join(system, "\n\n")
	}
	if opts.Temperature != nil {
		req["temperature"] = *opts.Temperature
	}
	var resp struct {
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	}
	if err := a.c.post(ctx, "/v1/messages", req, &resp, a.header); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, c := range resp.Content {
		if c.Type == "text" {
			b.WriteString(c.Text)
		}
	}
	return b.String(), nil
}

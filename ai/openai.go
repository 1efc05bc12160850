package ai

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// OpenAIClient speaks the OpenAI API (POST /chat/completions and
// /embeddings under the base URL, which ends in /v1), and so any
// OpenAI-compatible endpoint: Ollama's /v1, vLLM, LM Studio, GitHub Models.
type OpenAIClient struct{ c client }

// NewOpenAI returns a client; cfg.BaseURL defaults to OpenAI's own API.
func NewOpenAI(cfg Config) *OpenAIClient { return &OpenAIClient{c: newClient(OpenAI, cfg)} }

func (o *OpenAIClient) header(h http.Header) {
	if o.c.cfg.APIKey != "" {
		h.Set("Authorization", "Bearer "+o.c.cfg.APIKey)
	}
}

// Chat sends POST /chat/completions and returns the first choice's text.
func (o *OpenAIClient) Chat(ctx context.Context, msgs []Message, opts ChatOptions) (string, error) {
	req := map[string]any{"model": o.c.cfg.Model, "messages": msgs}
	if opts.MaxTokens > 0 {
		// OpenAI's own API wants max_completion_tokens (its reasoning
		// models refuse max_tokens); compatible servers know max_tokens.
		if strings.HasPrefix(o.c.base, "https://api.openai.com/") {
			req["max_completion_tokens"] = opts.MaxTokens
		} else {
			req["max_tokens"] = opts.MaxTokens
		}
	}
	if opts.Temperature != nil {
		req["temperature"] = *opts.Temperature
	}
	var resp struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := o.c.post(ctx, "/chat/completions", req, &resp, o.header); err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", &Error{Provider: OpenAI, Host: o.c.host(), Kind: ErrBadResponse, Status: 200, Message: "no choices in the answer"}
	}
	return resp.Choices[0].Message.Content, nil
}

// Embed sends POST /embeddings with all texts in one request.
func (o *OpenAIClient) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	req := map[string]any{"model": o.c.cfg.Model, "input": texts, "encoding_format": "float"}
	var resp struct {
		Data []struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := o.c.post(ctx, "/embeddings", req, &resp, o.header); err != nil {
		return nil, err
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(out) {
			return nil, &Error{Provider: OpenAI, Host: o.c.host(), Kind: ErrBadResponse, Status: 200, Message: fmt.Sprintf("embedding index %d out of range", d.Index)}
		}
		out[d.Index] = d.Embedding
	}
	for i, v := range out {
		if len(v) == 0 {
			return nil, &Error{Provider: OpenAI, Host: o.c.host(), Kind: ErrBadResponse, Status: 200, Message: fmt.Sprintf("no embedding for input %d", i)}
		}
	}
	return out, nil
}

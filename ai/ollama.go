package ai

import (
	"context"
	"fmt"
	"net/http"
)

// OllamaClient speaks Ollama's native API (POST /api/chat and /api/embed
// under the base URL, http://localhost:11434 by default). Ollama needs no
// key; one is sent as a bearer token when given (for a proxy in front).
type OllamaClient struct{ c client }

// NewOllama returns a client.
func NewOllama(cfg Config) *OllamaClient { return &OllamaClient{c: newClient(Ollama, cfg)} }

func (o *OllamaClient) header(h http.Header) {
	if o.c.cfg.APIKey != "" {
		h.Set("Authorization", "Bearer "+o.c.cfg.APIKey)
	}
}

// Chat sends POST /api/chat without streaming.
func (o *OllamaClient) Chat(ctx context.Context, msgs []Message, opts ChatOptions) (string, error) {
	req := map[string]any{"model": o.c.cfg.Model, "messages": msgs, "stream": false}
	options := map[string]any{}
	if opts.MaxTokens > 0 {
		options["num_predict"] = opts.MaxTokens
	}
	if opts.Temperature != nil {
		options["temperature"] = *opts.Temperature
	}
	if len(options) > 0 {
		req["options"] = options
	}
	var resp struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
	}
	if err := o.c.post(ctx, "/api/chat", req, &resp, o.header); err != nil {
		return "", err
	}
	return resp.Message.Content, nil
}

// Embed sends POST /api/embed with all texts in one request.
func (o *OllamaClient) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	req := map[string]any{"model": o.c.cfg.Model, "input": texts}
	var resp struct {
		Embeddings [][]float32 `json:"embeddings"`
	}
	if err := o.c.post(ctx, "/api/embed", req, &resp, o.header); err != nil {
		return nil, err
	}
	if len(resp.Embeddings) != len(texts) {
		return nil, &Error{Provider: Ollama, Host: o.c.host(), Kind: ErrBadResponse, Status: 200,
			Message: fmt.Sprintf("%d embeddings for %d inputs", len(resp.Embeddings), len(texts))}
	}
	return resp.Embeddings, nil
}

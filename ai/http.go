package ai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxResponse bounds what is read of an answer (a batch of embeddings
// of a few thousand dimensions fits easily).
const maxResponse = 64 << 20

// client is what the three providers share: one JSON POST with a
// per-attempt timeout, retried with exponential backoff on 429 and 5xx.
type client struct {
	provider string
	cfg      Config
	base     string
}

func newClient(provider string, cfg Config) client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL(provider)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 3
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 500 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 30 * time.Second
	}
	return client{provider: provider, cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}
}

// host is the endpoint's scheme and host, for messages.
func (c *client) host() string {
	u, err := url.Parse(c.base)
	if err != nil || u.Host == "" {
		return c.base
	}
	return u.Scheme + "://" + u.Host
}

// post sends in as JSON to path and decodes a 2xx answer into out.
// header adds the provider's own headers (the key among them).
func (c *client) post(ctx context.Context, path string, in, out any, header func(http.Header)) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode %s request: %w", c.provider, err)
	}
	for attempt := 1; ; attempt++ {
		status, resp, retryAfter, err := c.once(ctx, path, body, header)
		if err != nil {
			if ctx.Err() == context.Canceled {
				return ctx.Err()
			}
			kind := ErrUnreachable
			var ne net.Error
			if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
				kind = ErrTimeout
			}
			return &Error{Provider: c.provider, Host: c.host(), Kind: kind, Model: c.cfg.Model, Attempts: attempt, Err: err}
		}
		if status >= 200 && status < 300 {
			if err := json.Unmarshal(resp, out); err != nil {
				return &Error{Provider: c.provider, Host: c.host(), Kind: ErrBadResponse, Status: status, Attempts: attempt, Err: err}
			}
			return nil
		}
		e := c.classify(status, resp)
		e.Attempts, e.RetryAfter = attempt, retryAfter
		if !retryable(status) || attempt > c.cfg.MaxRetries || retryAfter > c.cfg.MaxDelay {
			return e
		}
		wait := min(c.cfg.BaseDelay<<(attempt-1), c.cfg.MaxDelay)
		if retryAfter > 0 {
			wait = retryAfter
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			if ctx.Err() == context.Canceled {
				return ctx.Err()
			}
			return e
		case <-t.C:
		}
	}
}

// once makes one attempt.
func (c *client) once(ctx context.Context, path string, body []byte, header func(http.Header)) (int, []byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	header(req.Header)
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		// The URL is in Error.Host already; keep the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return 0, nil, 0, err
	}
	return res.StatusCode, b, retryAfter(res.Header), nil
}

func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout ||
		status >= 500 && status != http.StatusNotImplemented
}

// retryAfter reads Retry-After (seconds or an HTTP date) or OpenAI's
// retry-after-ms.
func retryAfter(h http.Header) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// classify turns an error answer into an *Error. The three providers'
// error bodies are read by one decoder: OpenAI and Anthropic send
// {"error": {"message", "type", "code"}}, Ollama {"error": "…"}.
func (c *client) classify(status int, body []byte) *Error {
	msg, code := errorMessage(body)
	msg = c.scrub(msg)
	e := &Error{Provider: c.provider, Host: c.host(), Status: status, Message: msg, Model: c.cfg.Model}
	lower := strings.ToLower(msg)
	mentionsModel := code == "model_not_found" ||
		strings.Contains(lower, "model") && (strings.Contains(lower, "not found") || strings.Contains(lower, "does not exist") || strings.Contains(lower, "not exist"))
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = ErrAuth
	case status == http.StatusNotFound && (mentionsModel || strings.Contains(lower, "model")):
		e.Kind = ErrModelNotFound
	case status == http.StatusNotFound:
		e.Kind = ErrNotFound
	case status == http.StatusTooManyRequests:
		e.Kind = ErrRateLimited
	case status >= 500:
		e.Kind = ErrServer
	case mentionsModel:
		e.Kind = ErrModelNotFound
	default:
		e.Kind = ErrBadRequest
	}
	return e
}

// scrub removes the API key from text that came from the provider, and
// keeps it to one short line.
func (c *client) scrub(s string) string {
	if k := c.cfg.APIKey; k != "" {
		s = strings.ReplaceAll(s, k, "[key]")
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func errorMessage(body []byte) (msg, code string) {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &v) != nil {
		return strings.TrimSpace(string(body[:min(len(body), 300)])), ""
	}
	var s string
	if json.Unmarshal(v.Error, &s) == nil {
		return s, ""
	}
	var o struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    any    `json:"code"`
	}
	if json.Unmarshal(v.Error, &o) == nil && (o.Message != "" || o.Type != "") {
		code, _ := o.Code.(string)
		if o.Message == "" {
			o.Message = o.Type
		}
		return o.Message, code
	}
	return v.Message, ""
}

package sync

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
	"strings"
	stdsync "sync"
	"time"
)

// Errors of the client. An *APIError from the server wraps the one that
// fits its status, so callers test with errors.Is and show the server's
// own words.
var (
	// ErrUnauthorized: no valid credential (401), including a session that
	// ended and could not be refreshed.
	ErrUnauthorized = errors.New("not authenticated")
	// ErrForbidden: the credential is valid but not allowed to do this (403).
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: no such thing, or not readable by the caller (404).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request clashes with what exists (409).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the server refused the request as malformed (400, 413, 422).
	ErrInvalid = errors.New("invalid request")
	// ErrRateLimited: too many requests (429); APIError.RetryAfter says when to retry.
	ErrRateLimited = errors.New("rate limited")
	// ErrUpgradeRequired: the server does not speak this client's protocol (426).
	ErrUpgradeRequired = errors.New("upgrade required")
	// ErrServer: the server failed (5xx) or answered something that is not the API.
	ErrServer = errors.New("server error")
	// ErrUnreachable: no answer at all (connection refused, DNS, timeout).
	ErrUnreachable = errors.New("server unreachable")
)

// Credential kinds, as APIError.Credential reports them.
const (
	CredentialNone    = "none"
	CredentialSession = "session"
	CredentialAPIKey  = "api_key"
)

// APIError is an error answer of the server: its status and its
// {"error": {"code", "message"}} body. It never holds a token.
type APIError struct {
	Status    int
	Code      string // the server's stable code, e.g. "invalid_token"
	Message   string // the server's words, safe to show
	RequestID string
	// Server is the client's base URL; Credential is what the request was
	// sent with (CredentialNone, CredentialSession or CredentialAPIKey).
	Server     string
	Credential string
	// RetryAfter is the server's Retry-After for 429 and 503 answers.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s (HTTP %d)", msg, e.Status)
}

// Unwrap returns the sentinel error of the status.
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.Status == http.StatusForbidden:
		return ErrForbidden
	case e.Status == http.StatusNotFound:
		return ErrNotFound
	case e.Status == http.StatusConflict:
		return ErrConflict
	case e.Status == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.Status == http.StatusUpgradeRequired:
		return ErrUpgradeRequired
	case e.Status >= 400 && e.Status < 500:
		return ErrInvalid
	default:
		return ErrServer
	}
}

// UnreachableError is a request that got no answer from the server.
type UnreachableError struct {
	Server string
	Err    error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the mem0 server at %s: %v", e.Server, e.Err)
}

func (e *UnreachableError) Unwrap() []error { return []error{ErrUnreachable, e.Err} }

// Tokens are a login session's pair. The server rotates the refresh token
// on every refresh: the old one must never be sent again.
type Tokens struct {
	AccessToken  string
	RefreshToken string
}

// ClientOptions configure a Client.
type ClientOptions struct {
	// BaseURL is the server, e.g. http://127.0.0.1:13370 (no /api/v1).
	BaseURL string
	// UserAgent is sent on every request, e.g. "mem0/1.2.3".
	UserAgent string
	// HTTPClient defaults to one with the timeouts below.
	HTTPClient *http.Client
	// Timeout bounds each request, including reading the answer; default 30s.
	Timeout time.Duration

	// The credential: an API key, or a login's tokens (or neither).
	APIKey string
	Tokens Tokens
	// OnRefresh receives the new pair after a silent refresh, so the caller
	// can store it: the refresh token it replaces is now spent.
	OnRefresh func(Tokens)
	// Reload, if set, is asked for the stored pair just before a refresh:
	// when another process has refreshed already, the client takes its
	// pair instead of spending a refresh token that is already spent.
	Reload func() (Tokens, bool)
	// LockRefresh, if set, is held around reload, refresh and OnRefresh:
	// an inter-process lock, so that two processes sharing stored tokens
	// never both spend the same refresh token (the server would take the
	// second use for theft and end the session).
	LockRefresh func(context.Context) (unlock func(), err error)
}

// Client calls the mem0 server's API. It is safe for concurrent use.
type Client struct {
	base      string
	userAgent string
	http      *http.Client
	apiKey    string
	onRefresh func(Tokens)
	reload    func() (Tokens, bool)
	lock      func(context.Context) (func(), error)

	mu     stdsync.Mutex
	tokens Tokens
}

// NewClient checks the base URL and returns a client.
func NewClient(o ClientOptions) (*Client, error) {
	base, err := NormalizeURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	hc := o.HTTPClient
	if hc == nil {
		timeout := o.Timeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		tr.TLSHandshakeTimeout = 5 * time.Second
		tr.ResponseHeaderTimeout = timeout
		hc = &http.Client{Transport: tr, Timeout: timeout}
	}
	ua := o.UserAgent
	if ua == "" {
		ua = "mem0"
	}
	return &Client{base: base, userAgent: ua, http: hc, apiKey: o.APIKey, tokens: o.Tokens,
		onRefresh: o.OnRefresh, reload: o.Reload, lock: o.LockRefresh}, nil
}

// NormalizeURL checks a server URL and returns it without a trailing
// slash. A bare host:port gets http:// (the server's default is plain HTTP
// on loopback).
func NormalizeURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("no server URL")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("%q is not a server URL such as http://127.0.0.1:13370 or https://mem0.example.com", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("the server URL must not hold a user name or password")
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimRight(u.Path, "/")
	return u.String(), nil
}

// BaseURL is the server the client talks to.
func (c *Client) BaseURL() string { return c.base }

// Tokens returns the current pair (after any refresh).
func (c *Client) Tokens() Tokens {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokens
}

func (c *Client) credential() (kind, value string) {
	if c.apiKey != "" {
		return CredentialAPIKey, c.apiKey
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokens.AccessToken != "" || c.tokens.RefreshToken != "" {
		return CredentialSession, c.tokens.AccessToken
	}
	return CredentialNone, ""
}

// request describes one call.
type request struct {
	method, path string
	body         any  // JSON-encoded when not nil
	auth         bool // send the credential (and refresh on 401)
	sync         bool // send the protocol header
}

// do sends r and decodes a 2xx answer into out (when not nil). A 401 on a
// login session is answered by one refresh and one retry.
func (c *Client) do(ctx context.Context, r request, out any) error {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
	}
	kind, tok := CredentialNone, ""
	if r.auth {
		kind, tok = c.credential()
	}
	if kind == CredentialSession && tok == "" {
		// A stored refresh token without an access token: get one first.
		if err := c.refresh(ctx, ""); err != nil {
			return err
		}
		_, tok = c.credential()
	}
	res, err := c.send(ctx, r, body, tok)
	if err != nil {
		return err
	}
	if res.StatusCode == http.StatusUnauthorized && kind == CredentialSession {
		drain(res)
		if err := c.refresh(ctx, tok); err != nil {
			return err
		}
		_, tok = c.credential()
		if res, err = c.send(ctx, r, body, tok); err != nil {
			return err
		}
	}
	return c.decode(res, kind, out)
}

func (c *Client) send(ctx context.Context, r request, body []byte, token string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.base+r.path, rd)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if r.sync {
		req.Header.Set(ProtocolHeader, fmt.Sprint(ProtocolVersion))
	}
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// *url.Error repeats the method and URL; the cause is enough.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &UnreachableError{Server: c.base, Err: err}
	}
	return res, nil
}

func drain(res *http.Response) {
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
}

// decode reads an answer: 2xx into out, anything else into an *APIError.
func (c *Client) decode(res *http.Response, kind string, out any) error {
	defer res.Body.Close()
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		if out == nil || res.StatusCode == http.StatusNoContent {
			io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
			return nil
		}
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			return &APIError{Status: http.StatusBadGateway, Code: "bad_response", Server: c.base, Credential: kind,
				Message: fmt.Sprintf("the server's answer could not be read (%v); is %s a mem0 server?", err, c.base)}
		}
		return nil
	}
	ae := &APIError{Status: res.StatusCode, RequestID: res.Header.Get("X-Request-Id"), Server: c.base, Credential: kind}
	if s := res.Header.Get("Retry-After"); s != "" {
		var secs int
		if _, err := fmt.Sscan(s, &secs); err == nil && secs >= 0 {
			ae.RetryAfter = time.Duration(secs) * time.Second
		}
	}
	var eb struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(raw, &eb) == nil && eb.Error.Code != "" {
		ae.Code, ae.Message = eb.Error.Code, eb.Error.Message
	} else {
		// Not the API's error shape: a proxy or another program answered.
		ae.Code = "bad_response"
		ae.Message = fmt.Sprintf("unexpected answer %q from %s; is it a mem0 server?", res.Status, c.base)
	}
	return ae
}

// refresh trades the refresh token for a new pair. spent is the access
// token the failed request carried: when the pair has changed since (a
// concurrent call refreshed), there is nothing to do.
func (c *Client) refresh(ctx context.Context, spent string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokens.AccessToken != spent && c.tokens.AccessToken != "" {
		return nil
	}
	if c.lock != nil {
		unlock, err := c.lock(ctx)
		if err != nil {
			return err
		}
		defer unlock()
	}
	if c.reload != nil {
		if t, ok := c.reload(); ok && t.RefreshToken != "" && t.RefreshToken != c.tokens.RefreshToken {
			// Another process refreshed: its pair is the live one.
			c.tokens = t
			if t.AccessToken != spent && t.AccessToken != "" {
				return nil
			}
		}
	}
	if c.tokens.RefreshToken == "" {
		return &APIError{Status: http.StatusUnauthorized, Code: "invalid_token", Message: "the session has ended; log in again",
			Server: c.base, Credential: CredentialSession}
	}
	var s Session
	body, _ := json.Marshal(map[string]string{"refresh_token": c.tokens.RefreshToken})
	res, err := c.send(ctx, request{method: "POST", path: "/api/v1/auth/refresh"}, body, "")
	if err != nil {
		return err
	}
	if err := c.decode(res, CredentialSession, &s); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
			ae.Credential = CredentialSession
		}
		return err
	}
	if s.AccessToken == "" || s.RefreshToken == "" {
		return &APIError{Status: http.StatusBadGateway, Code: "bad_response", Server: c.base, Credential: CredentialSession,
			Message: "the server's refresh answer holds no tokens"}
	}
	c.tokens = Tokens{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken}
	if c.onRefresh != nil {
		c.onRefresh(c.tokens)
	}
	return nil
}

// ---- accounts ----

// User is an account.
type User struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	IsAdmin   bool      `json:"is_admin"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Session is the answer to register, login and refresh.
type Session struct {
	User         User   `json:"user"`
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// Tokens returns the session's pair.
func (s *Session) Tokens() Tokens {
	return Tokens{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken}
}

// OrgMembership is one org of the caller and their role in it.
type OrgMembership struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// Me is the answer of GET /api/v1/me.
type Me struct {
	User User            `json:"user"`
	Orgs []OrgMembership `json:"orgs"`
	// Auth is "session" or "api_key"; Scope is the API key's scope.
	Auth  string `json:"auth"`
	Scope string `json:"scope,omitempty"`
}

// APIKey is an API key's record. Key is set only in the answer to its creation.
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scope      string     `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Key        string     `json:"key,omitempty"`
}

// RegisterRequest creates an account. Invite is needed when the server's
// registration mode is "invite".
type RegisterRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Invite   string `json:"invite,omitempty"`
}

// CreateKeyRequest creates an API key; Scope is "read" or "write".
type CreateKeyRequest struct {
	Name      string     `json:"name"`
	Scope     string     `json:"scope"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// Capabilities asks what the server supports (no credential needed).
func (c *Client) Capabilities(ctx context.Context) (*Capabilities, error) {
	var out Capabilities
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/capabilities"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Register creates an account and starts a session. The client does not
// adopt the session: the caller stores it and builds a client over it.
func (c *Client) Register(ctx context.Context, r RegisterRequest) (*Session, error) {
	var out Session
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/auth/register", body: r}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Login starts a session with a password.
func (c *Client) Login(ctx context.Context, username, password string) (*Session, error) {
	var out Session
	body := map[string]string{"username": username, "password": password}
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/auth/login", body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Refresh rotates the refresh token now (calls refresh silently otherwise).
func (c *Client) Refresh(ctx context.Context) (Tokens, error) {
	c.mu.Lock()
	spent := c.tokens.AccessToken
	c.mu.Unlock()
	if err := c.refresh(ctx, spent); err != nil {
		return Tokens{}, err
	}
	return c.Tokens(), nil
}

// Logout ends the current session on the server.
func (c *Client) Logout(ctx context.Context) error {
	return c.do(ctx, request{method: "POST", path: "/api/v1/auth/logout", auth: true}, nil)
}

// Me returns the caller's account.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var out Me
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/me", auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListKeys lists the caller's API keys, revoked ones included.
func (c *Client) ListKeys(ctx context.Context) ([]APIKey, error) {
	var out struct {
		Keys []APIKey `json:"keys"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/me/keys", auth: true}, &out); err != nil {
		return nil, err
	}
	return out.Keys, nil
}

// CreateKey creates an API key; the answer's Key is the secret, shown once.
func (c *Client) CreateKey(ctx context.Context, r CreateKeyRequest) (*APIKey, error) {
	var out APIKey
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/me/keys", body: r, auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RevokeKey revokes one of the caller's API keys by id.
func (c *Client) RevokeKey(ctx context.Context, id string) error {
	return c.do(ctx, request{method: "DELETE", path: "/api/v1/me/keys/" + url.PathEscape(id), auth: true}, nil)
}

// ---- sync ----

// ListContexts lists the contexts the caller can read.
func (c *Client) ListContexts(ctx context.Context) ([]ContextInfo, error) {
	var out struct {
		Contexts []ContextInfo `json:"contexts"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/contexts", auth: true}, &out); err != nil {
		return nil, err
	}
	return out.Contexts, nil
}

// Push sends a batch of operations. It is safe to send the same batch
// again: the server answers replayed op ids with their first result.
func (c *Client) Push(ctx context.Context, r PushRequest) (*PushResponse, error) {
	var out PushResponse
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/sync/push", body: r, auth: true, sync: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Pull asks for the changes after the client's cursors.
func (c *Client) Pull(ctx context.Context, r PullRequest) (*PullResponse, error) {
	var out PullResponse
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/sync/pull", body: r, auth: true, sync: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

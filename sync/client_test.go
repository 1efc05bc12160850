package sync

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeAuth is a server that accepts one access token at a time and rotates
// refresh tokens like the real one: a spent refresh token is refused.
type fakeAuth struct {
	mu        stdsync.Mutex
	access    string
	refresh   string
	gen       int
	refreshes atomic.Int32
	dead      bool // refresh always fails
	lastUA    string
	lastProto string
}

func (f *fakeAuth) handler(t *testing.T) http.Handler {
	mux := http.NewServeMux()
	apiErr := func(w http.ResponseWriter, status int, code, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	}
	authed := func(r *http.Request) bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.lastUA = r.Header.Get("User-Agent")
		f.lastProto = r.Header.Get(ProtocolHeader)
		return r.Header.Get("Authorization") == "Bearer "+f.access || r.Header.Get("Authorization") == "Bearer mem0_key"
	}
	mux.HandleFunc("POST /api/v1/auth/refresh", func(w http.ResponseWriter, r *http.Request) {
		f.refreshes.Add(1)
		var req map[string]string
		json.NewDecoder(r.Body).Decode(&req)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.dead || req["refresh_token"] != f.refresh {
			apiErr(w, 401, "invalid_token", "the session has ended; log in again")
			return
		}
		f.gen++
		f.access = "access-" + string(rune('a'+f.gen))
		f.refresh = "mem0r_refresh-" + string(rune('a'+f.gen))
		json.NewEncoder(w).Encode(map[string]any{"user": map[string]string{"id": "u1", "username": "alice"},
			"access_token": f.access, "refresh_token": f.refresh, "token_type": "Bearer", "expires_in": 900})
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		if !authed(r) {
			apiErr(w, 401, "invalid_token", "the access token has expired; refresh it")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"user": map[string]string{"id": "u1", "username": "alice"}, "orgs": []any{}, "auth": "session"})
	})
	mux.HandleFunc("POST /api/v1/sync/pull", func(w http.ResponseWriter, r *http.Request) {
		if !authed(r) {
			apiErr(w, 401, "invalid_token", "expired")
			return
		}
		json.NewEncoder(w).Encode(PullResponse{})
	})
	return mux
}

func newFake(t *testing.T) (*fakeAuth, *httptest.Server) {
	f := &fakeAuth{access: "access-a", refresh: "mem0r_refresh-a"}
	ts := httptest.NewServer(f.handler(t))
	t.Cleanup(ts.Close)
	return f, ts
}

func TestRefreshOn401RotatesAndRetries(t *testing.T) {
	f, ts := newFake(t)
	f.access = "access-z" // the client's access token has expired
	var got []Tokens
	c, err := NewClient(ClientOptions{BaseURL: ts.URL + "/", UserAgent: "mem0/1.2.3",
		Tokens:    Tokens{AccessToken: "access-old", RefreshToken: "mem0r_refresh-a"},
		OnRefresh: func(t Tokens) { got = append(got, t) }})
	if err != nil {
		t.Fatal(err)
	}
	me, err := c.Me(context.Background())
	if err != nil {
		t.Fatalf("Me: %v", err)
	}
	if me.User.Username != "alice" {
		t.Fatalf("me: %+v", me)
	}
	if n := f.refreshes.Load(); n != 1 {
		t.Fatalf("refreshes: %d, want 1", n)
	}
	if len(got) != 1 || got[0].AccessToken != "access-b" || got[0].RefreshToken != "mem0r_refresh-b" {
		t.Fatalf("rotation callback got %+v", got)
	}
	if c.Tokens() != got[0] {
		t.Fatalf("client holds %+v", c.Tokens())
	}
	// The new pair is used without another refresh.
	if _, err := c.Me(context.Background()); err != nil || f.refreshes.Load() != 1 {
		t.Fatalf("second call: %v, refreshes %d", err, f.refreshes.Load())
	}
	if f.lastUA != "mem0/1.2.3" {
		t.Fatalf("User-Agent %q", f.lastUA)
	}
	if f.lastProto != "" {
		t.Fatalf("protocol header on a non-sync call: %q", f.lastProto)
	}
	if _, err := c.Pull(context.Background(), PullRequest{}); err != nil {
		t.Fatal(err)
	}
	if f.lastProto != "1" {
		t.Fatalf("sync call without %s: %q", ProtocolHeader, f.lastProto)
	}
}

func TestRefreshFailureIsUnauthorized(t *testing.T) {
	f, ts := newFake(t)
	f.access, f.dead = "access-z", true
	refreshed := false
	c, _ := NewClient(ClientOptions{BaseURL: ts.URL, Tokens: Tokens{AccessToken: "access-secret-1", RefreshToken: "mem0r_secret-2"},
		OnRefresh: func(Tokens) { refreshed = true }})
	_, err := c.Me(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("got %v, want ErrUnauthorized", err)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Credential != CredentialSession || ae.Server != ts.URL || ae.Code != "invalid_token" {
		t.Fatalf("APIError: %+v", ae)
	}
	if refreshed || f.refreshes.Load() != 1 {
		t.Fatalf("refreshed=%v refreshes=%d", refreshed, f.refreshes.Load())
	}
	if s := err.Error(); strings.Contains(s, "secret") {
		t.Fatalf("error leaks a token: %s", s)
	}
}

func TestAPIKeyIsNeverRefreshed(t *testing.T) {
	f, ts := newFake(t)
	c, _ := NewClient(ClientOptions{BaseURL: ts.URL, APIKey: "mem0_wrongkey"})
	_, err := c.Me(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || !errors.Is(err, ErrUnauthorized) || ae.Credential != CredentialAPIKey {
		t.Fatalf("got %v", err)
	}
	if f.refreshes.Load() != 0 {
		t.Fatal("an API key must not trigger a refresh")
	}
	if strings.Contains(err.Error(), "wrongkey") {
		t.Fatalf("error leaks the key: %v", err)
	}
	c, _ = NewClient(ClientOptions{BaseURL: ts.URL, APIKey: "mem0_key"})
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrent401sRefreshOnce(t *testing.T) {
	f, ts := newFake(t)
	f.access = "access-z"
	var calls atomic.Int32
	c, _ := NewClient(ClientOptions{BaseURL: ts.URL, Tokens: Tokens{AccessToken: "old", RefreshToken: "mem0r_refresh-a"},
		OnRefresh: func(Tokens) { calls.Add(1) }})
	var wg stdsync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Me(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if f.refreshes.Load() != 1 || calls.Load() != 1 {
		t.Fatalf("refreshes %d, callbacks %d; want 1 each (a second refresh would spend a rotated token)", f.refreshes.Load(), calls.Load())
	}
}

func TestReloadAdoptsAnotherProcesssPair(t *testing.T) {
	f, ts := newFake(t)
	// Another process already rotated: the server holds b, this client a.
	f.access, f.refresh, f.gen = "access-b", "mem0r_refresh-b", 1
	c, _ := NewClient(ClientOptions{BaseURL: ts.URL, Tokens: Tokens{AccessToken: "access-a", RefreshToken: "mem0r_refresh-a"},
		Reload: func() (Tokens, bool) { return Tokens{AccessToken: "access-b", RefreshToken: "mem0r_refresh-b"}, true }})
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.refreshes.Load() != 0 {
		t.Fatalf("refreshed %d times with a pair another process had already rotated", f.refreshes.Load())
	}
}

func TestErrorMapping(t *testing.T) {
	cases := []struct {
		status int
		body   string
		header string
		want   error
		msg    string
	}{
		{403, `{"error":{"code":"forbidden","message":"API keys cannot do this; log in with a password"}}`, "", ErrForbidden, "API keys cannot do this"},
		{404, `{"error":{"code":"not_found","message":"not found"}}`, "", ErrNotFound, "not found"},
		{409, `{"error":{"code":"conflict","message":"that username is taken"}}`, "", ErrConflict, "that username is taken"},
		{400, `{"error":{"code":"invalid_request","message":"password must be at least 8 characters"}}`, "", ErrInvalid, "at least 8"},
		{429, `{"error":{"code":"rate_limited","message":"slow down"}}`, "7", ErrRateLimited, "slow down"},
		{426, `{"error":{"code":"upgrade_required","message":"protocol 2 needed"}}`, "", ErrUpgradeRequired, "protocol 2"},
		{500, `{"error":{"code":"internal","message":"internal server error"}}`, "", ErrServer, "internal server error"},
		{502, `<html>bad gateway</html>`, "", ErrServer, "is it a mem0 server?"},
	}
	for _, tc := range cases {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.header != "" {
				w.Header().Set("Retry-After", tc.header)
			}
			w.Header().Set("X-Request-Id", "req-1")
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		c, _ := NewClient(ClientOptions{BaseURL: ts.URL, APIKey: "mem0_k"})
		_, err := c.ListKeys(context.Background())
		ts.Close()
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%d: got %v, want %v with %q", tc.status, err, tc.want, tc.msg)
			continue
		}
		var ae *APIError
		errors.As(err, &ae)
		if ae.Status != tc.status || ae.RequestID != "req-1" {
			t.Errorf("%d: %+v", tc.status, ae)
		}
		if tc.header != "" && ae.RetryAfter != 7*time.Second {
			t.Errorf("Retry-After: %v", ae.RetryAfter)
		}
	}
}

func TestUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	c, _ := NewClient(ClientOptions{BaseURL: url, Tokens: Tokens{AccessToken: "tok-secret", RefreshToken: "mem0r_secret"}})
	_, err := c.Me(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "cannot reach the mem0 server at "+url+": ") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("message: %v", err)
	}
	// A cancelled call is the caller's doing, not an unreachable server.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Me(ctx); !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer ts.Close()
	defer close(block)
	c, _ := NewClient(ClientOptions{BaseURL: ts.URL, Timeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := c.Capabilities(context.Background())
	if !errors.Is(err, ErrUnreachable) || time.Since(start) > 5*time.Second {
		t.Fatalf("got %v after %v", err, time.Since(start))
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:13370/":     "http://127.0.0.1:13370",
		"localhost:13370":             "http://localhost:13370",
		"https://mem0.example.com/x/": "https://mem0.example.com/x",
	} {
		if got, err := NormalizeURL(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://x", "http://user:pw@host", "http://"} {
		if _, err := NormalizeURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

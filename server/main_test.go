package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mem0dev/mem0/server/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, Migrate)) }

const testKey = "test-signing-key-0123456789-abcdefghijklmnop"

func testConfig(url string) Config {
	return Config{
		DatabaseURL:   url,
		JWTKey:        testKey,
		Registration:  RegistrationOpen,
		BcryptCost:    4, // bcrypt.MinCost: tests only
		RequestRate:   100000,
		RequestBurst:  100000,
		AuthPerMinute: 100000,
		MaxConns:      8,
	}
}

// env is one test's server over a fresh database.
type env struct {
	t   testing.TB
	s   *Server
	ts  *httptest.Server
	url string // database URL
}

func newEnv(t testing.TB, mutate ...func(*Config)) *env {
	t.Helper()
	url := pgtest.NewDatabase(t)
	return newEnvOn(t, url, mutate...)
}

func newEnvOn(t testing.TB, url string, mutate ...func(*Config)) *env {
	t.Helper()
	cfg := testConfig(url)
	for _, f := range mutate {
		f(&cfg)
	}
	s, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return &env{t: t, s: s, ts: ts, url: url}
}

// resp is a decoded response.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(v any) {
	if err := json.Unmarshal(r.body, v); err != nil {
		panic(fmt.Sprintf("decode %s: %v", r.body, err))
	}
}

func (r resp) m() map[string]any {
	var v map[string]any
	json.Unmarshal(r.body, &v)
	return v
}

func (r resp) str(path ...string) string {
	var cur any = r.m()
	for _, p := range path {
		mm, _ := cur.(map[string]any)
		cur = mm[p]
	}
	switch v := cur.(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func (r resp) errCode() string { return r.str("error", "code") }

// do sends a request; body may be nil, a string/[]byte (sent raw) or a value
// (sent as JSON). token "" sends no Authorization header.
func (e *env) do(method, path, token string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func (e *env) must(want int, method, path, token string, body any) resp {
	e.t.Helper()
	r := e.do(method, path, token, body)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

type user struct {
	id, name, token, refresh string
}

var userSeq atomic.Int64

func (e *env) register(name string) user {
	e.t.Helper()
	r := e.must(201, "POST", "/api/v1/auth/register", "", map[string]string{"username": name, "password": "password-" + name})
	return user{id: r.str("user", "id"), name: name, token: r.str("access_token"), refresh: r.str("refresh_token")}
}

func (e *env) newUser(prefix string) user {
	return e.register(fmt.Sprintf("%s%d", prefix, userSeq.Add(1)))
}

func waitFor(t testing.TB, d time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func newRequest(method, url string) (*http.Request, error) { return http.NewRequest(method, url, nil) }

func bodyOf(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func (e *env) send(req *http.Request) resp {
	e.t.Helper()
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

func pgtestDB(t testing.TB) string { return pgtest.NewDatabase(t) }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

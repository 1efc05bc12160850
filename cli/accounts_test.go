package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// memKeyring is an OS keyring in memory; fail makes every call fail like a
// machine without one, block makes every call hang like a stuck D-Bus.
type memKeyring struct {
	mu    sync.Mutex
	m     map[string]string
	fail  error
	block chan struct{}
}

func (k *memKeyring) Get(service, user string) (string, error) {
	if err := k.wait(); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"/"+user]
	if !ok {
		return "", errors.New("secret not found in keyring")
	}
	return v, nil
}

func (k *memKeyring) Set(service, user, secret string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[service+"/"+user] = secret
	return nil
}

func (k *memKeyring) Delete(service, user string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, service+"/"+user)
	return nil
}

func (k *memKeyring) wait() error {
	if k.block != nil {
		<-k.block
	}
	return k.fail
}

func useKeyring(t *testing.T, k *memKeyring) *memKeyring {
	t.Helper()
	if k.m == nil {
		k.m = map[string]string{}
	}
	saved := osKeyring
	osKeyring = k
	t.Cleanup(func() { osKeyring = saved })
	return k
}

// fakeServer is the part of the team server's API the account commands
// use, in memory: one user, rotating refresh tokens, API keys.
type fakeServer struct {
	mu        sync.Mutex
	ts        *httptest.Server
	password  string
	access    map[string]bool
	refresh   map[string]bool
	keys      []map[string]any
	secrets   map[string]bool
	seq       int
	refreshes int
	mode      string // registration mode; "open" when empty
	invite    string // the invite code the last registration sent
}

func newFakeServer(t *testing.T) *fakeServer {
	fs := &fakeServer{password: "s3cret-pass", access: map[string]bool{}, refresh: map[string]bool{}, secrets: map[string]bool{}}
	fail := func(w http.ResponseWriter, status int, code, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	}
	session := func(w http.ResponseWriter, status int) {
		fs.seq++
		a, r := fmt.Sprintf("access-%d", fs.seq), fmt.Sprintf("mem0r_refresh-%d", fs.seq)
		fs.access[a], fs.refresh[r] = true, true
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"user": map[string]any{"id": "u1", "username": "alice", "is_admin": true},
			"access_token": a, "refresh_token": r, "token_type": "Bearer", "expires_in": 900})
	}
	caller := func(r *http.Request) string {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch {
		case fs.access[tok]:
			return "session"
		case fs.secrets[tok]:
			return "api_key"
		}
		return ""
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/capabilities", func(w http.ResponseWriter, r *http.Request) {
		mode := fs.mode
		if mode == "" {
			mode = "open"
		}
		json.NewEncoder(w).Encode(map[string]any{"registration": mode})
	})
	mux.HandleFunc("POST /api/v1/auth/register", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		var req map[string]string
		json.NewDecoder(r.Body).Decode(&req)
		if fs.mode == "invite" && req["invite"] != "mem0i_good" {
			fail(w, 403, "forbidden", "the invite code is not valid, used or expired")
			return
		}
		fs.password, fs.invite = req["password"], req["invite"]
		session(w, 201)
	})
	mux.HandleFunc("POST /api/v1/auth/login", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		var req map[string]string
		json.NewDecoder(r.Body).Decode(&req)
		if req["username"] != "alice" || req["password"] != fs.password {
			fail(w, 401, "unauthorized", "wrong username or password")
			return
		}
		session(w, 200)
	})
	mux.HandleFunc("POST /api/v1/auth/refresh", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		fs.refreshes++
		var req map[string]string
		json.NewDecoder(r.Body).Decode(&req)
		if !fs.refresh[req["refresh_token"]] {
			fail(w, 401, "invalid_token", "the session has ended; log in again")
			return
		}
		delete(fs.refresh, req["refresh_token"])
		session(w, 200)
	})
	mux.HandleFunc("POST /api/v1/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if caller(r) != "session" {
			fail(w, 401, "invalid_token", "the session has ended; log in again")
			return
		}
		fs.access, fs.refresh = map[string]bool{}, map[string]bool{}
		w.WriteHeader(204)
	})
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		c := caller(r)
		if c == "" {
			fail(w, 401, "invalid_token", "the access token has expired; refresh it")
			return
		}
		out := map[string]any{"user": map[string]any{"id": "u1", "username": "alice", "is_admin": true},
			"orgs": []any{map[string]string{"id": "o1", "name": "acme", "role": "owner"}}, "auth": c}
		if c == "api_key" {
			out["scope"] = "read"
		}
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /api/v1/me/keys", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		switch caller(r) {
		case "":
			fail(w, 401, "invalid_token", "the access token has expired; refresh it")
		case "api_key":
			fail(w, 403, "forbidden", "API keys cannot do this; log in with a password")
		default:
			json.NewEncoder(w).Encode(map[string]any{"keys": fs.keys})
		}
	})
	mux.HandleFunc("POST /api/v1/me/keys", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if caller(r) != "session" {
			fail(w, 401, "invalid_token", "expired")
			return
		}
		var req map[string]any
		json.NewDecoder(r.Body).Decode(&req)
		fs.seq++
		secret := fmt.Sprintf("mem0_secretkey%d", fs.seq)
		fs.secrets[secret] = true
		k := map[string]any{"id": fmt.Sprintf("0193aaaa-0000-7000-8000-%012d", fs.seq), "name": req["name"], "prefix": secret[:11],
			"scope": req["scope"], "created_at": "2026-11-28T11:00:00Z", "expires_at": req["expires_at"]}
		fs.keys = append(fs.keys, k)
		out := map[string]any{"key": secret}
		for kk, v := range k {
			out[kk] = v
		}
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("DELETE /api/v1/me/keys/{id}", func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		for _, k := range fs.keys {
			if k["id"] == r.PathValue("id") {
				k["revoked_at"] = "2026-11-28T11:30:00Z"
				w.WriteHeader(204)
				return
			}
		}
		fail(w, 404, "not_found", "not found")
	})
	fs.ts = httptest.NewServer(mux)
	t.Cleanup(fs.ts.Close)
	return fs
}

// expireAll makes every access token invalid, as time does.
func (fs *fakeServer) expireAll() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.access = map[string]bool{}
}

// endSessions ends every session, as a logout elsewhere does.
func (fs *fakeServer) endSessions() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.access, fs.refresh = map[string]bool{}, map[string]bool{}
}

func credsPath(tf *testFactory) string { return filepath.Join(tf.env["MEM0_HOME"], "credentials.json") }

// Layer 1: flags and arguments become options.

func TestAccountFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var lo *LoginOptions
	cmd := NewCmdLogin(tf.Factory, func(_ context.Context, o *LoginOptions) error { lo = o; return nil })
	cmd.SetArgs([]string{"--server", "https://mem0.example.com", "-u", "alice", "--password-stdin"})
	if err := cmd.Execute(); err != nil || lo.Server != "https://mem0.example.com" || lo.Username != "alice" || !lo.PasswordStdin || lo.WithToken {
		t.Fatalf("login: %v %+v", err, lo)
	}
	var ro *RegisterOptions
	cmd = NewCmdRegister(tf.Factory, func(_ context.Context, o *RegisterOptions) error { ro = o; return nil })
	cmd.SetArgs([]string{"-u", "bob", "--invite", "mem0i_x"})
	if err := cmd.Execute(); err != nil || ro.Username != "bob" || ro.Invite != "mem0i_x" || ro.PasswordStdin {
		t.Fatalf("register: %v %+v", err, ro)
	}
	var co *APIKeyCreateOptions
	cmd = NewCmdAPIKeyCreate(tf.Factory, func(_ context.Context, o *APIKeyCreateOptions) error { co = o; return nil })
	cmd.SetArgs([]string{"ci", "--expires", "30d", "--json"})
	if err := cmd.Execute(); err != nil || co.Name != "ci" || co.Scope != "read" || co.Expires != 30*24*time.Hour || !co.JSON {
		t.Fatalf("apikey create: %v %+v", err, co)
	}
	var vo *APIKeyRevokeOptions
	cmd = NewCmdAPIKeyRevoke(tf.Factory, func(_ context.Context, o *APIKeyRevokeOptions) error { vo = o; return nil })
	cmd.SetArgs([]string{"0193aaaa"})
	if err := cmd.Execute(); err != nil || vo.ID != "0193aaaa" {
		t.Fatalf("apikey revoke: %v %+v", err, vo)
	}
	var wo *WhoamiOptions
	cmd = NewCmdWhoami(tf.Factory, func(_ context.Context, o *WhoamiOptions) error { wo = o; return nil })
	cmd.SetArgs([]string{"--json", "--server", "localhost:1"})
	if err := cmd.Execute(); err != nil || !wo.JSON || wo.Server != "localhost:1" {
		t.Fatalf("whoami: %v %+v", err, wo)
	}
}

func TestAccountUsageErrors(t *testing.T) {
	cases := []struct {
		cmd  func(*Factory) *cobra.Command
		args []string
		want string
	}{
		{func(f *Factory) *cobra.Command { return NewCmdLogin(f, nil) }, []string{"--with-token", "-u", "a"}, "takes no --username"},
		{func(f *Factory) *cobra.Command { return NewCmdLogin(f, nil) }, []string{"--password-stdin"}, "needs --username"},
		{func(f *Factory) *cobra.Command { return NewCmdLogin(f, nil) }, []string{"--password", "x"}, "unknown flag: --password"},
		{func(f *Factory) *cobra.Command { return NewCmdRegister(f, nil) }, []string{"--password-stdin"}, "needs --username"},
		{func(f *Factory) *cobra.Command { return NewCmdAPIKeyCreate(f, nil) }, []string{"ci", "--scope", "admin"}, `--scope "admin"`},
		{func(f *Factory) *cobra.Command { return NewCmdAPIKeyCreate(f, nil) }, []string{"ci", "--expires", "soon"}, `--expires "soon"`},
		{func(f *Factory) *cobra.Command { return NewCmdAPIKeyCreate(f, nil) }, nil, "one key name"},
		{func(f *Factory) *cobra.Command { return NewCmdAPIKeyRevoke(f, nil) }, nil, "one key id"},
	}
	for _, c := range cases {
		tf := newTestFactory(t, false)
		cmd := c.cmd(tf.Factory)
		cmd.SetArgs(c.args)
		cmd.SetOut(tf.out)
		cmd.SetErr(tf.errOut)
		cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{err: err} })
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), c.want) || ExitCode(err) != ExitUsage {
			t.Errorf("%s %v: got %v (exit %d), want %q and exit 2", cmd.Name(), c.args, err, ExitCode(err), c.want)
		}
	}
}

// Layer 2: options to behaviour, with the terminal on and off.

func TestLoginWhoamiLogoutWithKeyring(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(map[bool]string{false: "piped", true: "tty"}[tty], func(t *testing.T) {
			kr := useKeyring(t, &memKeyring{})
			fs := newFakeServer(t)
			tf := newTestFactory(t, tty)
			if tty {
				tf.in.WriteString("alice\ns3cret-pass\n")
				if code := tf.run(t, "login", "--server", fs.ts.URL); code != 0 {
					t.Fatalf("login: %d %s", code, tf.errOut)
				}
				if !strings.Contains(tf.errOut.String(), "Username: Password: ") {
					t.Fatalf("prompts: %q", tf.errOut)
				}
			} else {
				tf.in.WriteString("s3cret-pass\n")
				if code := tf.run(t, "login", "--server", fs.ts.URL, "-u", "alice", "--password-stdin"); code != 0 {
					t.Fatalf("login: %d %s", code, tf.errOut)
				}
			}
			if !strings.Contains(tf.errOut.String(), "Logged in to "+fs.ts.URL+" as alice.") || tf.out.Len() != 0 {
				t.Fatalf("login output: %q / %q", tf.out, tf.errOut)
			}
			if strings.Contains(tf.errOut.String(), "keyring is not available") {
				t.Fatal("fallback notice with a working keyring")
			}
			if _, err := os.Stat(credsPath(tf)); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("a credentials file was written although the keyring works")
			}
			if len(kr.m) != 1 || !strings.Contains(kr.m["mem0/"+fs.ts.URL], "mem0r_refresh-1") {
				t.Fatalf("keyring: %v", kr.m)
			}
			tf.config = nil // login wrote remote.url

			out := tf.mustRun(t, "whoami")
			if tty {
				if !strings.Contains(out, "alice (server admin)") || !strings.Contains(out, "OS keyring") || !strings.Contains(out, "acme (owner)") {
					t.Fatalf("whoami tty:\n%s", out)
				}
			} else if out != "alice\t"+fs.ts.URL+"\tsession\tacme (owner)\n" {
				t.Fatalf("whoami piped: %q", out)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(tf.mustRun(t, "whoami", "--json")), &v); err != nil || v["credentials"] != "keyring" || v["server"] != fs.ts.URL {
				t.Fatalf("whoami --json: %v %v", err, v)
			}

			// An expired access token: refreshed silently, the new pair stored.
			fs.expireAll()
			tf.mustRun(t, "whoami")
			if tf.errOut.Len() != 0 || fs.refreshes != 1 || !strings.Contains(kr.m["mem0/"+fs.ts.URL], "mem0r_refresh-2") {
				t.Fatalf("refresh: stderr %q, refreshes %d, keyring %v", tf.errOut, fs.refreshes, kr.m)
			}

			tf.mustRun(t, "logout")
			if len(kr.m) != 0 || !strings.Contains(tf.errOut.String(), "Logged out of") {
				t.Fatalf("logout: %q, keyring %v", tf.errOut, kr.m)
			}
			if code := tf.run(t, "whoami"); code != ExitAuth || !strings.Contains(tf.errOut.String(), "not logged in to "+fs.ts.URL) {
				t.Fatalf("whoami after logout: %d %q", code, tf.errOut)
			}
			if code := tf.run(t, "logout"); code != 0 || !strings.Contains(tf.errOut.String(), "nothing to do") {
				t.Fatalf("logout twice: %d %q", code, tf.errOut)
			}
		})
	}
}

func TestKeyringUnavailableFallsBackToFile(t *testing.T) {
	useKeyring(t, &memKeyring{fail: errors.New("The name org.freedesktop.secrets was not provided by any .service files")})
	fs := newFakeServer(t)
	tf := newTestFactory(t, false)
	tf.in.WriteString("s3cret-pass\n")
	if code := tf.run(t, "login", "--server", fs.ts.URL, "-u", "alice", "--password-stdin"); code != 0 {
		t.Fatalf("login: %d %s", code, tf.errOut)
	}
	if n := strings.Count(tf.errOut.String(), "the OS keyring is not available"); n != 1 || !strings.Contains(tf.errOut.String(), credsPath(tf)) {
		t.Fatalf("want the fallback notice once, naming the file: %q", tf.errOut)
	}
	st, err := os.Stat(credsPath(tf))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	tf.config = nil
	// Later commands read the file and say nothing about the keyring.
	fs.expireAll()
	tf.mustRun(t, "whoami")
	if tf.errOut.Len() != 0 {
		t.Fatalf("whoami stderr: %q", tf.errOut)
	}
	b, _ := os.ReadFile(credsPath(tf))
	if !strings.Contains(string(b), "mem0r_refresh-2") {
		t.Fatalf("refreshed pair not in the file: %s", b)
	}
	tf.mustRun(t, "logout")
	if _, err := os.Stat(credsPath(tf)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("credentials file left after logout")
	}
}

func TestKeyringThatHangsIsGivenUp(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	useKeyring(t, &memKeyring{block: block})
	saved := keyringTimeout
	keyringTimeout = 100 * time.Millisecond
	t.Cleanup(func() { keyringTimeout = saved; keyringHung.Store(false) })
	fs := newFakeServer(t)
	tf := newTestFactory(t, false)
	tf.in.WriteString("s3cret-pass\n")
	start := time.Now()
	if code := tf.run(t, "login", "--server", fs.ts.URL, "-u", "alice", "--password-stdin"); code != 0 {
		t.Fatalf("login: %d %s", code, tf.errOut)
	}
	if d := time.Since(start); d > 150*time.Millisecond+time.Second {
		// One wait, not one per call: the first timeout is remembered.
		t.Fatalf("login took %v with a hung keyring", d)
	}
	if !strings.Contains(tf.errOut.String(), "did not answer in time") {
		t.Fatalf("stderr: %q", tf.errOut)
	}
	tf.config = nil
	tf.mustRun(t, "whoami") // from the file, without asking the keyring
}

func TestAPIKeyCommandsWithAndWithoutTTY(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(map[bool]string{false: "piped", true: "tty"}[tty], func(t *testing.T) {
			useKeyring(t, &memKeyring{})
			fs := newFakeServer(t)
			tf := newTestFactory(t, tty)
			tf.env["MEM0_SERVER"] = fs.ts.URL
			tf.in.WriteString("s3cret-pass\n")
			if code := tf.run(t, "login", "-u", "alice", "--password-stdin"); code != 0 {
				t.Fatalf("login: %d %s", code, tf.errOut)
			}
			if code := tf.run(t, "apikey", "list"); code != 0 || tf.out.Len() != 0 {
				t.Fatalf("empty list: %d %q", code, tf.out)
			}
			key := strings.TrimSpace(tf.mustRun(t, "apikey", "create", "ci"))
			if !strings.HasPrefix(key, "mem0_secretkey") || !strings.Contains(tf.errOut.String(), "shown only this once") || strings.Contains(tf.errOut.String(), key) {
				t.Fatalf("create: stdout %q stderr %q", key, tf.errOut)
			}
			out := tf.mustRun(t, "apikey", "list")
			if strings.Contains(out, key) {
				t.Fatal("list shows the key")
			}
			if tty {
				if !strings.HasPrefix(out, "ID ") || !strings.Contains(out, "active") || !strings.Contains(out, "never") {
					t.Fatalf("tty list:\n%s", out)
				}
			} else if !strings.HasPrefix(out, "0193aaaa-0000-7000-8000-000000000002\tci\tmem0_secret\tread\tactive\t2026-11-28T11:00:00Z\t\n") {
				t.Fatalf("piped list: %q", out)
			}
			var keys []map[string]any
			if err := json.Unmarshal([]byte(tf.mustRun(t, "apikey", "list", "--json")), &keys); err != nil || len(keys) != 1 || keys[0]["key"] != nil {
				t.Fatalf("list --json: %v %v", err, keys)
			}

			// MEM0_API_KEY wins over the login; keys cannot manage keys (exit 4).
			tf.env["MEM0_API_KEY"] = key
			if out := tf.mustRun(t, "whoami", "--json"); !strings.Contains(out, `"auth": "api_key"`) || !strings.Contains(out, `"credentials": "env"`) {
				t.Fatalf("whoami with MEM0_API_KEY: %s", out)
			}
			if code := tf.run(t, "apikey", "list"); code != ExitAuth || !strings.Contains(tf.errOut.String(), "API keys cannot do this") {
				t.Fatalf("list with a key: %d %q", code, tf.errOut)
			}
			delete(tf.env, "MEM0_API_KEY")

			tf.mustRun(t, "apikey", "revoke", "0193aaaa-0000-7000-8000-000000000002")
			if !strings.Contains(tf.errOut.String(), `Revoked API key "ci"`) {
				t.Fatalf("revoke: %q", tf.errOut)
			}
			if code := tf.run(t, "apikey", "revoke", "ffff"); code != 1 || !strings.Contains(tf.errOut.String(), "no API key with id ffff") {
				t.Fatalf("revoke unknown: %d %q", code, tf.errOut)
			}
		})
	}
}

func TestEndedSessionAndDeadServer(t *testing.T) {
	useKeyring(t, &memKeyring{})
	fs := newFakeServer(t)
	tf := newTestFactory(t, false)
	tf.in.WriteString("s3cret-pass\n")
	if code := tf.run(t, "login", "--server", fs.ts.URL, "-u", "alice", "--password-stdin"); code != 0 {
		t.Fatalf("login: %d %s", code, tf.errOut)
	}
	tf.config = nil
	fs.endSessions()
	code := tf.run(t, "whoami")
	want := "mem0: your session on " + fs.ts.URL + " has ended (expired, revoked or logged out); run `mem0 login`\n"
	if code != ExitAuth || tf.errOut.String() != want {
		t.Fatalf("ended session: exit %d, stderr %q", code, tf.errOut)
	}
	for _, args := range [][]string{{"apikey", "list"}, {"apikey", "create", "x"}} {
		if code := tf.run(t, args...); code != ExitAuth {
			t.Fatalf("%v: exit %d", args, code)
		}
	}
	// No token in anything printed.
	if strings.Contains(tf.errOut.String(), "access-") || strings.Contains(tf.errOut.String(), "mem0r_") {
		t.Fatalf("token printed: %q", tf.errOut)
	}

	fs.ts.Close()
	code = tf.run(t, "whoami")
	if code != ExitError || !strings.HasPrefix(tf.errOut.String(), "mem0: cannot reach the mem0 server at "+fs.ts.URL+": ") ||
		!strings.Contains(tf.errOut.String(), "is it running?") {
		t.Fatalf("dead server: exit %d, stderr %q", code, tf.errOut)
	}
	// A logout still forgets the tokens, and says the session lives on.
	if code := tf.run(t, "logout"); code != 0 || !strings.Contains(tf.errOut.String(), "could not be ended on the server") {
		t.Fatalf("logout with a dead server: %d %q", code, tf.errOut)
	}
}

func TestServerURLPrecedence(t *testing.T) {
	tf := newTestFactory(t, false)
	if u, _ := tf.ServerURL(""); u != defaultRemoteURL {
		t.Fatalf("default: %s", u)
	}
	tf.mustRun(t, "config", "set", "remote.url", "mem0.example.com:8080/")
	tf.config = nil
	if u, _ := tf.ServerURL(""); u != "http://mem0.example.com:8080" {
		t.Fatalf("remote.url: %s", u)
	}
	tf.env["MEM0_SERVER"] = "https://env.example.com"
	if u, _ := tf.ServerURL(""); u != "https://env.example.com" {
		t.Fatalf("MEM0_SERVER: %s", u)
	}
	if u, _ := tf.ServerURL("https://flag.example.com/"); u != "https://flag.example.com" {
		t.Fatalf("--server: %s", u)
	}
	if _, err := tf.ServerURL("ftp://x"); ExitCode(err) != ExitUsage {
		t.Fatalf("bad URL: %v", err)
	}
	if code := tf.run(t, "config", "set", "remote.url", "ftp://x"); code == 0 {
		t.Fatal("config set accepted a bad remote.url")
	}
}

func TestRegisterAsksForThePasswordTwice(t *testing.T) {
	useKeyring(t, &memKeyring{})
	fs := newFakeServer(t)
	tf := newTestFactory(t, true)
	tf.in.WriteString("alice\nfirst-pass\nother-pass\n")
	if code := tf.run(t, "register", "--server", fs.ts.URL); code != ExitUsage || !strings.Contains(tf.errOut.String(), "the passwords do not match") {
		t.Fatalf("mismatch: %d %q", code, tf.errOut)
	}
	tf.in.WriteString("alice\nfirst-pass\nfirst-pass\n")
	if code := tf.run(t, "register", "--server", fs.ts.URL); code != 0 {
		t.Fatalf("register: %d %q", code, tf.errOut)
	}
	if !strings.Contains(tf.errOut.String(), "Password: Password (again): ") || !strings.Contains(tf.errOut.String(), "(the first account: server admin)") {
		t.Fatalf("register: %q", tf.errOut)
	}
	if fs.password != "first-pass" {
		t.Fatalf("server got password %q", fs.password)
	}
	// Without a terminal and without --password-stdin there is nobody to ask.
	tf.IO.SetStdinTTY(false)
	if code := tf.run(t, "register", "-u", "bob"); code != ExitUsage || !strings.Contains(tf.errOut.String(), "--password-stdin") {
		t.Fatalf("no tty: %d %q", code, tf.errOut)
	}
}

// Two processes holding the same stored session refresh it at the same
// moment: one refreshes, the other waits and takes the stored new pair,
// because a spent refresh token sent again ends the session on the server.
func TestConcurrentRefreshesSpendTheTokenOnce(t *testing.T) {
	useKeyring(t, &memKeyring{fail: errors.New("no keyring")})
	fs := newFakeServer(t)
	tf := newTestFactory(t, false)
	tf.in.WriteString("s3cret-pass\n")
	if code := tf.run(t, "login", "--server", fs.ts.URL, "-u", "alice", "--password-stdin"); code != 0 {
		t.Fatalf("login: %d %s", code, tf.errOut)
	}
	fs.expireAll()
	const n = 4
	codes := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		other := newTestFactory(t, false)
		other.env["MEM0_HOME"] = tf.env["MEM0_HOME"]
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := Run(context.Background(), other.Factory, []string{"whoami"})
			codes <- fmt.Sprintf("%d %s", code, other.errOut)
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != "0 " {
			t.Errorf("whoami: %s", c)
		}
	}
	if fs.refreshes != 1 {
		t.Fatalf("%d refreshes, want 1", fs.refreshes)
	}
}

func TestRegisterWithAnInvite(t *testing.T) {
	useKeyring(t, &memKeyring{})
	fs := newFakeServer(t)
	fs.mode = "invite"
	tf := newTestFactory(t, true)
	// On a terminal the code is asked for after the password.
	tf.in.WriteString("alice\nfirst-pass\nfirst-pass\nmem0i_good\n")
	if code := tf.run(t, "register", "--server", fs.ts.URL); code != 0 || fs.invite != "mem0i_good" {
		t.Fatalf("register: %d %q, invite %q", code, tf.errOut, fs.invite)
	}
	if !strings.Contains(tf.errOut.String(), "Invite code") {
		t.Fatalf("no invite prompt: %q", tf.errOut)
	}
	// Piped, --invite gives it; a bad one is the server's refusal, exit 4.
	tf = newTestFactory(t, false)
	tf.in.WriteString("first-pass\n")
	if code := tf.run(t, "register", "--server", fs.ts.URL, "-u", "bob", "--password-stdin", "--invite", "mem0i_bad"); code != ExitAuth ||
		!strings.Contains(tf.errOut.String(), "the invite code is not valid") {
		t.Fatalf("bad invite: %d %q", code, tf.errOut)
	}
}

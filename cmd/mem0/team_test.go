package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mem0dev/mem0/server/pgtest"
)

const teamJWTKey = "team-test-signing-key-0123456789-abcdefghijkl"

// teamServer starts the real `mem0 server` (this test binary acting as
// mem0) on a fresh PostgreSQL database and returns its URL.
func teamServer(t *testing.T) (url string, stop func()) {
	t.Helper()
	dbURL := pgtest.NewDatabase(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	bin, err := exec.LookPath("mem0")
	if err != nil {
		t.Fatalf("mem0 is not on PATH (testscript.Main puts it there): %v", err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(bin, "server", "--listen", addr, "--registration", "open", "--log-level", "warn")
	cmd.Env = append(os.Environ(), "MEM0_HOME="+t.TempDir(), "MEM0_DATABASE_URL="+dbURL, "MEM0_JWT_KEY="+teamJWTKey)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stop = func() {
		select {
		case <-done:
			return
		default:
		}
		if runtime.GOOS == "windows" {
			cmd.Process.Kill()
		} else {
			cmd.Process.Signal(syscall.SIGTERM)
		}
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	url = "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return url, stop
			}
		}
		select {
		case <-done:
			t.Fatalf("mem0 server exited:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mem0 server not ready after 30s: %v\n%s", err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// machine is one user's computer: its own MEM0_HOME.
type machine struct {
	t    *testing.T
	home string
	env  []string
}

func newMachine(t *testing.T) *machine {
	home := t.TempDir()
	env := []string{"MEM0_HOME=" + home, "NO_COLOR=1", "TERM=dumb", "MEM0_SERVER=", "MEM0_API_KEY=", "MEM0_REMOTE_URL=", "MEM0_CREDENTIALS_STORE="}
	if runtime.GOOS == "linux" {
		// A session bus that is not there: the Secret Service is
		// unreachable, as on a headless machine, and mem0 must fall back
		// to its file.
		env = append(env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(home, "no-bus"))
	} else {
		// Never touch the developer's real Keychain or Credential Manager.
		env = append(env, "MEM0_CREDENTIALS_STORE=file")
	}
	return &machine{t: t, home: home, env: env}
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs mem0 with stdin and extra environment (KEY=VALUE).
func (m *machine) run(stdin string, extraEnv []string, args ...string) result {
	m.t.Helper()
	cmd := exec.Command("mem0", args...)
	cmd.Env = append(append(os.Environ(), m.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		m.t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

func (m *machine) must(stdin string, extraEnv []string, args ...string) result {
	m.t.Helper()
	r := m.run(stdin, extraEnv, args...)
	if r.code != 0 {
		m.t.Fatalf("mem0 %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func (m *machine) fails(code int, want string, stdin string, extraEnv []string, args ...string) result {
	m.t.Helper()
	r := m.run(stdin, extraEnv, args...)
	if r.code != code || !strings.Contains(r.stderr, want) {
		m.t.Fatalf("mem0 %s: exit %d, want %d with %q\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, code, want, r.stdout, r.stderr)
	}
	return r
}

func (m *machine) credsFile() string { return filepath.Join(m.home, "credentials.json") }

type storedCreds struct {
	Servers map[string]struct {
		Username     string `json:"username"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		APIKey       string `json:"api_key"`
	} `json:"servers"`
}

func (m *machine) creds() storedCreds {
	m.t.Helper()
	b, err := os.ReadFile(m.credsFile())
	if err != nil {
		m.t.Fatal(err)
	}
	var sc storedCreds
	if err := json.Unmarshal(b, &sc); err != nil {
		m.t.Fatal(err)
	}
	return sc
}

// TestTeamAccounts runs the account commands of the real binary against a
// real server and PostgreSQL, from two machines.
func TestTeamAccounts(t *testing.T) {
	url, stop := teamServer(t)
	a := newMachine(t)
	const pw = "correct horse battery"

	// Not logged in: exit 4 and what to do.
	a.fails(4, "not logged in to http://127.0.0.1:13370; run `mem0 login`", "", nil, "whoami")

	// Register: the first account is the server's admin; --server becomes
	// the default; the keyring is unreachable, so the file is used and the
	// user is told.
	a.fails(2, "no terminal to ask for the password", "", nil, "register", "--server", url, "-u", "alice")
	r := a.must(pw+"\n", nil, "register", "--server", url, "-u", "alice", "--password-stdin")
	if !strings.Contains(r.stderr, "Registered alice on "+url+" (the first account: server admin)") || r.stdout != "" {
		t.Fatalf("register: %+v", r)
	}
	if runtime.GOOS == "linux" && !strings.Contains(r.stderr, "the OS keyring is not available") {
		t.Fatalf("no fallback notice: %s", r.stderr)
	}
	st, err := os.Stat(a.credsFile())
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(a.credsFile())
	if bytes.Contains(raw, []byte(pw)) {
		t.Fatal("the password was stored")
	}
	if r := a.must("", nil, "config", "get", "remote.url"); strings.TrimSpace(r.stdout) != url {
		t.Fatalf("remote.url = %q", r.stdout)
	}

	// whoami, piped and as JSON; no token ever printed.
	r = a.must("", nil, "whoami")
	if !strings.HasPrefix(r.stdout, "alice\t"+url+"\tsession\t") {
		t.Fatalf("whoami: %q", r.stdout)
	}
	var who struct {
		Server      string `json:"server"`
		User        struct{ Username string }
		Auth        string `json:"auth"`
		Credentials string `json:"credentials"`
	}
	json.Unmarshal([]byte(a.must("", nil, "whoami", "--json").stdout), &who)
	if who.User.Username != "alice" || who.Auth != "session" || who.Credentials != "file" || who.Server != url {
		t.Fatalf("whoami --json: %+v", who)
	}

	// Wrong password: exit 4 and the server's words. Then log in again.
	a.fails(4, "wrong username or password", "not the password\n", nil, "login", "-u", "alice", "--password-stdin")
	old := a.creds().Servers[url]
	a.must(pw+"\n", nil, "login", "-u", "alice", "--password-stdin")
	if a.creds().Servers[url].RefreshToken == old.RefreshToken {
		t.Fatal("login kept the old session")
	}

	// API keys: created (printed once, on stdout), listed, used through
	// MEM0_API_KEY, refused for key management, revoked.
	r = a.must("", nil, "apikey", "create", "ci", "--scope", "write")
	key := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(key, "mem0_") || !strings.Contains(r.stderr, "shown only this once") {
		t.Fatalf("apikey create: %+v", r)
	}
	r = a.must("", nil, "apikey", "list")
	fields := strings.Split(strings.TrimRight(r.stdout, "\n"), "\t")
	if len(fields) != 7 || fields[1] != "ci" || fields[3] != "write" || fields[4] != "active" || strings.Contains(r.stdout, key) {
		t.Fatalf("apikey list: %q", r.stdout)
	}
	keyID := fields[0]
	var keys []map[string]any
	if err := json.Unmarshal([]byte(a.must("", nil, "apikey", "list", "--json").stdout), &keys); err != nil || len(keys) != 1 {
		t.Fatalf("apikey list --json: %v %v", err, keys)
	}
	withKey := []string{"MEM0_API_KEY=" + key}
	json.Unmarshal([]byte(a.must("", withKey, "whoami", "--json").stdout), &who)
	if who.Auth != "api_key" || who.Credentials != "env" {
		t.Fatalf("whoami with MEM0_API_KEY: %+v", who)
	}
	a.fails(4, "API keys cannot do this", "", withKey, "apikey", "list")

	// Another machine logs in with the key (--with-token).
	b := newMachine(t)
	b.must(key+"\n", nil, "login", "--server", url, "--with-token")
	if r := b.must("", nil, "whoami"); !strings.HasPrefix(r.stdout, "alice\t"+url+"\tapi_key") {
		t.Fatalf("whoami with a stored key: %q", r.stdout)
	}
	if r := b.must("", nil, "logout"); !strings.Contains(r.stderr, "stays valid") {
		t.Fatalf("logout of a key: %+v", r)
	}
	if _, err := os.Stat(b.credsFile()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("credentials file left after logout: %v", err)
	}

	// An expired access token is refreshed silently, and the rotated pair
	// is stored.
	before := a.creds().Servers[url]
	expireAccessToken(t, a, url)
	r = a.must("", nil, "whoami")
	if !strings.HasPrefix(r.stdout, "alice\t") || r.stderr != "" {
		t.Fatalf("whoami after expiry: %+v", r)
	}
	after := a.creds().Servers[url]
	if after.RefreshToken == before.RefreshToken || after.AccessToken == before.AccessToken {
		t.Fatal("the refreshed tokens were not stored")
	}
	if st, _ := os.Stat(a.credsFile()); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file mode %v after refresh", st.Mode().Perm())
	}

	// Revoke the key by the start of its id; it stops working at once.
	a.must("", nil, "apikey", "revoke", keyID[:13])
	if r := a.must("", nil, "apikey", "list"); !strings.Contains(r.stdout, "\trevoked\t") {
		t.Fatalf("after revoke: %q", r.stdout)
	}
	a.fails(4, "refused the API key", "", withKey, "whoami")

	// A revoked session: a copy of alice's tokens logs out elsewhere; her
	// next command says to log in again, with exit 4.
	c := newMachine(t)
	raw, _ = os.ReadFile(a.credsFile())
	os.WriteFile(c.credsFile(), raw, 0o600)
	c.must("", nil, "logout", "--server", url)
	r = a.fails(4, "has ended (expired, revoked or logged out); run `mem0 login`", "", nil, "whoami")
	if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("more than one line: %q", r.stderr)
	}

	// Logout forgets the tokens even though the session had ended.
	a.must("", nil, "logout")
	if _, err := os.Stat(a.credsFile()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("credentials file left after logout: %v", err)
	}
	a.fails(4, "not logged in to "+url, "", nil, "whoami")

	// A dead server: exit 1 and a sentence that says which and what to check.
	stop()
	a.fails(1, "cannot reach the mem0 server at "+url+": ", "", withKey, "whoami")
	a.fails(1, "is it running?", "", withKey, "whoami")
}

// expireAccessToken replaces the machine's stored access token with one
// for the same session that expired an hour ago, signed with the server's
// key: what the CLI holds after a long pause.
func expireAccessToken(t *testing.T, m *machine, url string) {
	t.Helper()
	b, err := os.ReadFile(m.credsFile())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	entry := doc["servers"][url]
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(entry["access_token"].(string), claims); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claims["iat"] = now.Add(-2 * time.Hour).Unix()
	claims["nbf"] = now.Add(-2 * time.Hour).Unix()
	claims["exp"] = now.Add(-time.Hour).Unix()
	claims["jti"] = fmt.Sprint(now.UnixNano())
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(teamJWTKey))
	if err != nil {
		t.Fatal(err)
	}
	entry["access_token"] = tok
	out, _ := json.Marshal(doc)
	if err := os.WriteFile(m.credsFile(), out, 0o600); err != nil {
		t.Fatal(err)
	}
}

package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	wire "github.com/mem0dev/mem0/sync"
)

func TestOpenAPIListsEveryRoute(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	e.must(200, "GET", "/api/v1/openapi.json", "", nil).json(&doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	n := 0
	for _, rt := range e.s.routes {
		if _, ok := doc.Paths[rt.pattern][strings.ToLower(rt.method)]; !ok {
			t.Errorf("%s %s is not in the OpenAPI document", rt.method, rt.pattern)
		}
		n++
		// And the route really is served: a request to it is not the
		// catch-all's "no such route".
		p := strings.NewReplacer("{id}", newUUID(), "{org}", "x", "{team}", newUUID(), "{user}", "x", "{grant}", newUUID()).Replace(rt.pattern)
		if r := e.do(rt.method, p, "", nil); strings.Contains(string(r.body), "no such route") {
			t.Errorf("%s %s is documented but not served", rt.method, rt.pattern)
		}
	}
	total := 0
	for _, ops := range doc.Paths {
		total += len(ops)
	}
	if total != n {
		t.Errorf("the document has %d operations, the server %d routes", total, n)
	}
	t.Logf("%d routes, all documented", n)
}

func TestMetricsAndHealth(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	e.must(200, "GET", "/api/v1/me", a.token, nil)
	e.do("GET", "/api/v1/me", "bad", nil)
	e.must(200, "POST", "/api/v1/sync/push", a.token, wire.PushRequest{DeviceID: "d", Ops: []wire.Op{{OpID: "x", Type: "upsert"}}})
	body := string(e.must(200, "GET", "/metrics", "", nil).body)
	for _, want := range []string{
		`mem0_http_requests_total{route="GET /api/v1/me",status="200"} 1`,
		`mem0_http_request_duration_seconds_bucket{route="GET /api/v1/me"`,
		`mem0_auth_failures_total{kind="token"}`,
		`mem0_sync_ops_total{status="refused"} 1`,
		`mem0_db_pool_total_conns`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if r := e.must(200, "GET", "/readyz", "", nil); r.str("status") != "ready" {
		t.Fatal(r.body)
	}
	// A schema behind the binary is not ready.
	e.s.db.Exec(t.Context(), "DELETE FROM schema_migrations")
	e.must(503, "GET", "/readyz", "", nil)
	e.must(200, "GET", "/healthz", "", nil)
	// Capabilities tell old clients to upgrade instead of guessing.
	var caps wire.Capabilities
	e.must(200, "GET", "/api/v1/capabilities", "", nil).json(&caps)
	if caps.SyncProtocols[0] != wire.ProtocolVersion || caps.MaxContentBytes != 64<<10 {
		t.Fatalf("capabilities: %+v", caps)
	}
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/sync/pull", strings.NewReader(`{"cursors":{}}`))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set(wire.ProtocolHeader, "99")
	if r := e.send(req); r.status != 426 || r.errCode() != "upgrade_required" {
		t.Fatalf("old protocol: %d %s", r.status, r.body)
	}
}

// Two server instances on one database serve the same clients consistently:
// a token from one works on the other, writes through both converge, and a
// logout on one is honoured by the other at once.
func TestTwoInstancesOneDatabase(t *testing.T) {
	e1 := newEnv(t)
	e2 := newEnvOn(t, e1.url)
	a := e1.newUser("a")
	cid := e2.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	c1, c2 := newClient(e1, a, "one"), newClient(e2, a, "two")
	var wg sync.WaitGroup
	for _, c := range []*syncClient{c1, c2} {
		wg.Add(1)
		go func(c *syncClient) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				c.push(upsert(cid, newUUID(), c.device, 0))
			}
		}(c)
	}
	wg.Wait()
	c1.sync()
	c2.sync()
	live := e1.serverLive(cid)
	if len(live) != 40 {
		t.Fatalf("%d memories, want 40", len(live))
	}
	sameMemories(t, "client of instance 1", c1.mems, live)
	sameMemories(t, "client of instance 2", c2.mems, live)
	// A push replayed against the other instance is still applied once.
	op := upsert(cid, newUUID(), "once", 0)
	op.OpID, op.ClientTime = newUUID(), time.Now()
	r1, r2 := c1.push(op), c2.push(op)
	if r1[0].Replayed || !r2[0].Replayed {
		t.Fatalf("replay across instances: %+v %+v", r1, r2)
	}
	// Unsharing on one instance: the other's cached readable set goes when
	// the trigger's notice arrives, so its search stops finding the memory.
	bob := e1.newUser("bob")
	gid := e1.must(201, "POST", "/api/v1/contexts/"+cid+"/grants", a.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": bob.name}, "level": "read"}).str("id")
	found := func() int {
		var out struct{ Results []any }
		e2.must(200, "GET", "/api/v1/search?q=once", bob.token, nil).json(&out)
		return len(out.Results)
	}
	if !waitFor(t, 2*time.Second, func() bool { return found() == 1 }) {
		t.Fatal("the other instance never saw the share")
	}
	e1.must(204, "DELETE", "/api/v1/contexts/"+cid+"/grants/"+gid, a.token, nil)
	if !waitFor(t, 2*time.Second, func() bool { return found() == 0 }) {
		t.Fatal("the other instance still searches an unshared context")
	}
	// Logout on one instance: the other has the session cached and drops it
	// when the revocation notice arrives, milliseconds later.
	e2.must(200, "GET", "/api/v1/me", a.token, nil)
	e1.must(204, "POST", "/api/v1/auth/logout", a.token, nil)
	start := time.Now()
	if !waitFor(t, 2*time.Second, func() bool { return e2.do("GET", "/api/v1/me", a.token, nil).status == 401 }) {
		t.Fatal("the other instance still accepts the logged-out session")
	}
	t.Logf("logout reached the other instance within %v", time.Since(start))
	// A password change ends every session of the user on every instance.
	b := e1.newUser("b")
	b2 := e2.login(b)
	e2.must(200, "GET", "/api/v1/me", b2.token, nil)
	e1.must(200, "POST", "/api/v1/me/password", b.token, map[string]string{"current_password": "password-" + b.name, "new_password": "a-new-password"})
	if !waitFor(t, 2*time.Second, func() bool { return e2.do("GET", "/api/v1/me", b2.token, nil).status == 401 }) {
		t.Fatal("the other instance still accepts a session ended by a password change")
	}
}

// Several instances starting at once apply each migration exactly once.
func TestConcurrentMigrate(t *testing.T) {
	url := pgtestDB(t)
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Start from an empty schema (the template is already migrated).
	if _, err := conn.Exec(t.Context(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- Migrate(t.Context(), url) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n, v int
	conn.QueryRow(t.Context(), "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &v)
	if n != latestVersion() || v != latestVersion() {
		t.Fatalf("schema_migrations has %d rows up to %d", n, v)
	}
}

func TestRunConfigErrorsAndGracefulShutdown(t *testing.T) {
	ctx := t.Context()
	for name, cfg := range map[string]Config{
		"no database":      {JWTKey: testKey},
		"no key":           {DatabaseURL: "postgres://127.0.0.1:1/x"},
		"short key":        {DatabaseURL: "postgres://127.0.0.1:1/x", JWTKey: "short"},
		"bad registration": {DatabaseURL: "postgres://127.0.0.1:1/x", JWTKey: testKey, Registration: "maybe"},
		"half TLS":         {DatabaseURL: "postgres://127.0.0.1:1/x", JWTKey: testKey, TLSCert: "c.pem"},
		"unreachable":      {DatabaseURL: "postgres://mem0:s3cret@127.0.0.1:1/x?connect_timeout=2", JWTKey: testKey},
	} {
		err := Run(ctx, cfg, nil)
		if err == nil {
			t.Errorf("%s: Run succeeded", name)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error leaks the password: %v", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
	// A key file is created only when asked, with mode 0600.
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "jwt.key")
	cfg := Config{DatabaseURL: "x", JWTKeyFile: keyFile}
	if _, err := cfg.signingKey(); err == nil {
		t.Fatal("missing key file accepted")
	}
	cfg.GenerateJWTKey = true
	k1, err := cfg.signingKey()
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(keyFile)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode())
	}
	if k2, _ := cfg.signingKey(); string(k1) != string(k2) {
		t.Fatal("key file not reused")
	}

	// Serve, start a slow request, cancel: the request still completes.
	url := pgtestDB(t)
	c := testConfig(url)
	s, err := New(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	started := make(chan struct{})
	s.mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- s.Serve(runCtx, ln) }()
	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel()
	if g := <-got; g != "done" {
		t.Fatalf("in-flight request during shutdown: %q", g)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

// Run migrates an empty database and serves it.
func TestRunEndToEnd(t *testing.T) {
	url := pgtestDB(t)
	conn, _ := pgx.Connect(t.Context(), url)
	conn.Exec(t.Context(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
	conn.Close(t.Context())
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cfg := testConfig(url)
	cfg.Listen = addr
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, nil) }()
	ok := waitFor(t, 10*time.Second, func() bool {
		res, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		res.Body.Close()
		return res.StatusCode == 200
	})
	cancel()
	if err := <-done; err != nil || !ok {
		t.Fatalf("Run: ready=%v err=%v", ok, err)
	}
}

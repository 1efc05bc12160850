package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mem0dev/mem0/server/pgtest"
)

// syncServer is a real `mem0 server` on one PostgreSQL database and one
// address, which a test can stop and start again (an outage).
type syncServer struct {
	t     *testing.T
	url   string
	addr  string
	dbURL string
	cmd   *exec.Cmd
	done  chan struct{}
	logs  bytes.Buffer
}

func newSyncServer(t *testing.T) *syncServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &syncServer{t: t, addr: l.Addr().String(), dbURL: pgtest.NewDatabase(t)}
	l.Close()
	s.url = "http://" + s.addr
	s.start()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	return s
}

func (s *syncServer) start() {
	s.t.Helper()
	bin, err := exec.LookPath("mem0")
	if err != nil {
		s.t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "server", "--listen", s.addr, "--registration", "open", "--log-level", "warn")
	s.cmd.Env = append(os.Environ(), "MEM0_HOME="+s.t.TempDir(), "MEM0_DATABASE_URL="+s.dbURL, "MEM0_JWT_KEY="+teamJWTKey)
	s.cmd.Stdout, s.cmd.Stderr = &s.logs, &s.logs
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	done := make(chan struct{})
	s.done = done
	go func(c *exec.Cmd) { c.Wait(); close(done) }(s.cmd)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case <-done:
			s.t.Fatalf("mem0 server exited:\n%s", s.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("mem0 server not ready: %v", err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (s *syncServer) stop() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	if runtime.GOOS == "windows" {
		s.cmd.Process.Kill()
	} else {
		s.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// api calls the server as m's user (its stored access token).
func (s *syncServer) api(m *machine, method, path string, body any) (int, []byte) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+m.creds().Servers[s.url].AccessToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func (s *syncServer) mustAPI(m *machine, method, path string, body any, out any) {
	s.t.Helper()
	code, b := s.api(m, method, path, body)
	if code/100 != 2 {
		s.t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatal(err)
		}
	}
}

// setupTeam makes org acme with team backend: owner is its owner, the
// others members with the given roles.
func (s *syncServer) setupTeam(owner *machine, roles map[string]*machine, roleOf map[string]string) string {
	s.t.Helper()
	s.mustAPI(owner, "POST", "/api/v1/orgs", map[string]string{"name": "acme"}, nil)
	var team struct{ ID string }
	s.mustAPI(owner, "POST", "/api/v1/orgs/acme/teams", map[string]string{"name": "backend"}, &team)
	for name := range roles {
		s.mustAPI(owner, "PUT", "/api/v1/orgs/acme/members/"+name, map[string]string{"role": "member"}, nil)
		s.mustAPI(owner, "PUT", "/api/v1/teams/"+team.ID+"/members/"+name, map[string]string{"role": roleOf[name]}, nil)
	}
	return team.ID
}

// memState is a memory as a machine or the server holds it.
type memState struct {
	Content string
	Version int
}

// view reads a machine's live memories of a context from its database.
func (m *machine) view(ctxName string) map[string]memState {
	m.t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(m.home, "data", "mem0.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		m.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT m.id, m.content, m.version FROM memories m JOIN contexts c ON c.id = m.context_id
		WHERE c.name = ? AND m.deleted_at IS NULL`, ctxName)
	if err != nil {
		m.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]memState{}
	for rows.Next() {
		var id string
		var st memState
		if err := rows.Scan(&id, &st.Content, &st.Version); err != nil {
			m.t.Fatal(err)
		}
		out[id] = st
	}
	return out
}

func (m *machine) count(query string, args ...any) int {
	m.t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(m.home, "data", "mem0.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		m.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		m.t.Fatal(err)
	}
	return n
}

// serverView reads the server's live memories of a context.
func (s *syncServer) serverView(m *machine, ctxID string) map[string]memState {
	s.t.Helper()
	out := map[string]memState{}
	before := ""
	for {
		var page struct {
			Memories []struct {
				ID      string `json:"id"`
				Content string `json:"content"`
				Version int    `json:"version"`
				Deleted bool   `json:"deleted"`
			} `json:"memories"`
			NextBefore string `json:"next_before"`
		}
		path := "/api/v1/contexts/" + ctxID + "/memories?limit=500"
		if before != "" {
			path += "&before=" + before
		}
		s.mustAPI(m, "GET", path, nil, &page)
		for _, mm := range page.Memories {
			if !mm.Deleted {
				out[mm.ID] = memState{mm.Content, mm.Version}
			}
		}
		if page.NextBefore == "" || len(page.Memories) == 0 {
			return out
		}
		before = page.NextBefore
	}
}

func sameView(a, b map[string]memState) string {
	var diffs []string
	for id, x := range a {
		if y, ok := b[id]; !ok || x != y {
			diffs = append(diffs, fmt.Sprintf("%s: %+v vs %+v", id, x, b[id]))
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: missing vs %+v", id, b[id]))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "\n")
}

func memoryID(t *testing.T, v map[string]memState, content string) string {
	t.Helper()
	for id, st := range v {
		if st.Content == content {
			return id
		}
	}
	t.Fatalf("no memory %q in %v", content, v)
	return ""
}

// TestSyncTeam: sharing, a viewer's refused write, an outage, a conflict,
// kill -9 in the middle of a push, and revocation, with the real binary, a
// real server and PostgreSQL.
func TestSyncTeam(t *testing.T) {
	srv := newSyncServer(t)
	const pw = "correct horse battery"
	alice, bob, carol := newMachine(t), newMachine(t), newMachine(t)
	for _, u := range []struct {
		m    *machine
		name string
	}{{alice, "alice"}, {bob, "bob"}, {carol, "carol"}} {
		u.m.must(pw+"\n", nil, "register", "--server", srv.url, "-u", u.name, "--password-stdin")
		// Background syncs would race with the steps below; one is tested at the end.
		u.m.must("", nil, "config", "set", "sync.auto", "false")
	}
	teamID := srv.setupTeam(alice, map[string]*machine{"bob": bob, "carol": carol}, map[string]string{"bob": "member", "carol": "viewer"})

	// A personal context shared with the team is uploaded; the teammate
	// sees it after a sync.
	alice.must("", nil, "add", "alice's personal note", "--context", "notes")
	r := alice.must("", nil, "share", "notes", "--team", "acme/backend")
	if !strings.Contains(r.stderr, "Shared notes with team acme/backend (read)") {
		t.Fatalf("share: %+v", r)
	}
	r = bob.must("", nil, "sync")
	if !strings.Contains(r.stderr, "New shared context @shared/notes.") {
		t.Fatalf("bob's sync: %+v", r)
	}
	if r := bob.must("", nil, "list", "--context", "@shared/notes"); !strings.Contains(r.stdout, "alice's personal note") {
		t.Fatalf("bob's list: %+v", r)
	}

	// A team context, written by two members.
	r = alice.must("", nil, "context", "create", "runbook", "--team", "acme/backend")
	if !strings.Contains(r.stderr, "Created context acme/backend/runbook") {
		t.Fatalf("context create: %+v", r)
	}
	const rb = "acme/backend/runbook"
	alice.must("", nil, "add", "restart with systemctl", "--context", rb)
	alice.must("", nil, "sync")
	bob.must("", nil, "sync")
	bob.must("", nil, "add", "check the logs first", "--context", rb)
	bob.must("", nil, "sync")
	alice.must("", nil, "sync")
	if d := sameView(alice.view(rb), bob.view(rb)); d != "" || len(alice.view(rb)) != 2 {
		t.Fatalf("alice and bob differ:\n%s", d)
	}
	if r := alice.must("", nil, "search", "logs", "--all-contexts"); !strings.Contains(r.stdout, "check the logs first") {
		t.Fatalf("search: %+v", r)
	}
	if r := alice.must("", nil, "search", "logs", "--scope", "team"); !strings.Contains(r.stdout, rb+"\t") {
		t.Fatalf("search --scope team: %+v", r)
	}
	if r := alice.must("", nil, "search", "note", "--scope", "personal"); !strings.Contains(r.stdout, "notes\t") || strings.Contains(r.stdout, rb) {
		t.Fatalf("search --scope personal: %+v", r)
	}
	if r := alice.must("", nil, "search", "logs", "--scope", "public"); r.stdout != "" {
		t.Fatalf("search --scope public: %+v", r)
	}

	// A viewer's write is kept locally, refused by the server with a clear
	// message, and listed by sync --status.
	carol.must("", nil, "sync")
	if r := carol.must("", nil, "add", "viewer's idea", "--context", rb); !strings.Contains(r.stderr, "you can only read "+rb) {
		t.Fatalf("no note for a read-only context: %+v", r)
	}
	carol.fails(1, "forbidden", "", nil, "sync")
	if r := carol.must("", nil, "list", "--context", rb); !strings.Contains(r.stdout, "viewer's idea") {
		t.Fatalf("the refused memory is gone: %+v", r)
	}
	r = carol.must("", nil, "sync", "--status")
	if !strings.Contains(r.stdout, "refused changes (kept on this machine): 1") || !strings.Contains(r.stdout, "viewer's idea") ||
		!strings.Contains(r.stdout, "forbidden") {
		t.Fatalf("sync --status: %s", r.stdout)
	}
	var st struct {
		Pending int
		Refused []struct{ Reason, Content string }
	}
	json.Unmarshal([]byte(carol.must("", nil, "sync", "--status", "--json").stdout), &st)
	if st.Pending != 0 || len(st.Refused) != 1 || st.Refused[0].Reason != "forbidden" {
		t.Fatalf("sync --status --json: %+v", st)
	}
	carol.must("", nil, "sync")

	// An outage: both edit one memory, alice adds more; nothing is lost and
	// everyone converges on one winner, the loser in history.
	mID := memoryID(t, alice.view(rb), "check the logs first")
	srv.stop()
	alice.must("", nil, "edit", mID, "--content", "alice: check the api logs first")
	for i := 0; i < 10; i++ {
		alice.must("", nil, "add", fmt.Sprintf("offline note %d", i), "--context", rb)
	}
	time.Sleep(20 * time.Millisecond)
	bob.must("", nil, "edit", mID, "--content", "bob: check the logs, then restart")
	alice.fails(1, "cannot reach the mem0 server", "", nil, "sync")
	r = alice.must("", nil, "sync", "--status")
	if !strings.Contains(r.stdout, "pending changes: 11") || !strings.Contains(r.stdout, "last error:") {
		t.Fatalf("status while offline: %s", r.stdout)
	}
	srv.start()
	alice.must("", nil, "sync")
	r = bob.must("", nil, "sync")
	if !strings.Contains(r.stderr, "conflicts 1") {
		t.Fatalf("bob's sync: %+v", r)
	}
	alice.must("", nil, "sync")
	carol.must("", nil, "sync")
	teamCtx := alice.count(`SELECT count(*) FROM contexts WHERE name = ?`, rb)
	if teamCtx != 1 {
		t.Fatal("no team context")
	}
	var rbID string
	{
		db, _ := sql.Open("sqlite", filepath.Join(alice.home, "data", "mem0.db"))
		db.QueryRow(`SELECT id FROM contexts WHERE name = ?`, rb).Scan(&rbID)
		db.Close()
	}
	want := srv.serverView(alice, rbID)
	for name, m := range map[string]*machine{"alice": alice, "bob": bob} {
		if d := sameView(want, m.view(rb)); d != "" {
			t.Fatalf("%s differs from the server:\n%s", name, d)
		}
	}
	if got := want[mID].Content; got != "bob: check the logs, then restart" {
		t.Fatalf("winner %q, want bob's later edit", got)
	}
	if len(want) != 12 {
		t.Fatalf("server holds %d memories, want 12", len(want))
	}
	if r := alice.must("", nil, "history", mID); !strings.Contains(r.stdout, "alice: check the api logs first") {
		t.Fatalf("the losing edit is not in alice's history: %s", r.stdout)
	}
	// carol holds the server's memories plus her refused one.
	cv := carol.view(rb)
	delete(cv, memoryID(t, cv, "viewer's idea"))
	if d := sameView(want, cv); d != "" {
		t.Fatalf("carol differs:\n%s", d)
	}

	// kill -9 in the middle of a big push, then sync again: no loss, no
	// duplicates.
	const bulk = 3000
	var jl strings.Builder
	for i := 0; i < bulk; i++ {
		fmt.Fprintf(&jl, `{"type":"memory","context":%q,"content":"bulk %d"}`+"\n", rb, i)
	}
	alice.must(jl.String(), nil, "import", "-")
	if n := alice.count(`SELECT count(*) FROM outbox`); n != bulk {
		t.Fatalf("outbox %d, want %d", n, bulk)
	}
	cmd := exec.Command("mem0", "sync")
	cmd.Env = append(os.Environ(), alice.env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	killed := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			deadline = time.Time{}
			continue
		default:
		}
		if n := alice.count(`SELECT count(*) FROM outbox`); n < bulk {
			cmd.Process.Kill()
			killed = true
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	<-exited
	left := alice.count(`SELECT count(*) FROM outbox`)
	t.Logf("killed=%v with %d of %d changes left in the outbox", killed, left, bulk)
	alice.must("", nil, "sync")
	if n := alice.count(`SELECT count(*) FROM outbox`); n != 0 {
		t.Fatalf("outbox %d after sync", n)
	}
	bob.must("", nil, "sync")
	want = srv.serverView(alice, rbID)
	if len(want) != 12+bulk {
		t.Fatalf("server holds %d, want %d", len(want), 12+bulk)
	}
	seen := map[string]bool{}
	for _, st := range want {
		if seen[st.Content] {
			t.Fatalf("duplicate %q on the server", st.Content)
		}
		seen[st.Content] = true
	}
	if d := sameView(want, bob.view(rb)); d != "" {
		t.Fatalf("bob differs after the bulk push:\n%.2000s", d)
	}

	// A write to a shared context starts a background sync (at most every
	// sync.interval); the command itself does not wait for it.
	bob.must("", nil, "config", "set", "sync.auto", "true")
	bob.must("", nil, "config", "set", "sync.interval", "1h")
	start := time.Now()
	bob.must("", nil, "add", "pushed in the background", "--context", rb)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("add took %s", d)
	}
	for deadline := time.Now().Add(15 * time.Second); ; {
		if _, ok := srv.serverView(alice, rbID)[memoryID2(srv.serverView(alice, rbID), "pushed in the background")]; ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the background sync did not push: %s", bob.must("", nil, "sync", "--status").stdout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	bob.must("", nil, "add", "not pushed yet", "--context", rb)
	time.Sleep(500 * time.Millisecond)
	if n := bob.count(`SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("a second background sync started within sync.interval (outbox %d)", n)
	}
	bob.must("", nil, "config", "set", "sync.auto", "false")
	bob.must("", nil, "sync")

	// Revocation: bob leaves the team; his next sync removes the team's
	// contexts and says so.
	srv.mustAPI(alice, "DELETE", "/api/v1/teams/"+teamID+"/members/bob", nil, nil)
	srv.mustAPI(alice, "DELETE", "/api/v1/orgs/acme/members/bob", nil, nil)
	r = bob.must("", nil, "sync")
	if !strings.Contains(r.stderr, "Removed context "+rb) || !strings.Contains(r.stderr, "you no longer have access") {
		t.Fatalf("revocation: %+v", r)
	}
	if n := bob.count(`SELECT count(*) FROM contexts WHERE name IN (?, ?)`, rb, "@shared/notes"); n != 0 {
		t.Fatalf("bob still holds %d revoked contexts", n)
	}
	bob.fails(2, rb, "", nil, "list", "--context", rb)
}

// TestSyncConvergence: three writers make random adds, edits and deletes,
// partly while the server is down, and sync in random order; afterwards every
// one of them holds exactly the server's memories.
func TestSyncConvergence(t *testing.T) {
	srv := newSyncServer(t)
	const pw = "correct horse battery"
	a, b, c := newMachine(t), newMachine(t), newMachine(t)
	ms := []*machine{a, b, c}
	for i, name := range []string{"ann", "ben", "cat"} {
		ms[i].must(pw+"\n", nil, "register", "--server", srv.url, "-u", name, "--password-stdin")
		ms[i].must("", nil, "config", "set", "sync.auto", "false")
	}
	srv.setupTeam(a, map[string]*machine{"ben": b, "cat": c}, map[string]string{"ben": "admin", "cat": "admin"})
	const rb = "acme/backend/shared"
	a.must("", nil, "context", "create", "shared", "--team", "acme/backend")
	for _, m := range ms[1:] {
		m.must("", nil, "sync")
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	n := 0
	for round := 0; round < 4; round++ {
		offline := round == 1 || round == 2
		if round == 1 {
			srv.stop()
		}
		if round == 3 {
			srv.start()
		}
		for _, m := range ms {
			for k := 0; k < 4; k++ {
				live := m.view(rb)
				ids := make([]string, 0, len(live))
				for id := range live {
					ids = append(ids, id)
				}
				sort.Strings(ids)
				switch op := rng.IntN(10); {
				case op < 5 || len(ids) == 0:
					n++
					m.must("", nil, "add", fmt.Sprintf("memory %d", n), "--context", rb)
				case op < 8:
					n++
					m.run("", nil, "edit", ids[rng.IntN(len(ids))], "--content", fmt.Sprintf("edit %d", n))
				default:
					m.run("", nil, "rm", ids[rng.IntN(len(ids))])
				}
			}
		}
		order := rng.Perm(len(ms))
		for _, i := range order {
			r := ms[i].run("", nil, "sync")
			if !offline && r.code != 0 {
				t.Fatalf("sync: %+v", r)
			}
		}
	}
	for pass := 0; pass < 2; pass++ {
		for _, m := range ms {
			m.must("", nil, "sync")
		}
	}
	var id string
	{
		db, _ := sql.Open("sqlite", filepath.Join(a.home, "data", "mem0.db"))
		db.QueryRow(`SELECT id FROM contexts WHERE name = ?`, rb).Scan(&id)
		db.Close()
	}
	want := srv.serverView(a, id)
	if len(want) == 0 {
		t.Fatal("the server holds nothing")
	}
	for i, m := range ms {
		if d := sameView(want, m.view(rb)); d != "" {
			t.Fatalf("client %d differs from the server:\n%s", i, d)
		}
	}
}

func memoryID2(v map[string]memState, content string) string {
	for id, st := range v {
		if st.Content == content {
			return id
		}
	}
	return ""
}

package server

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	wire "github.com/mem0dev/mem0/sync"
)

// Pull, list and history answers stop at the byte budget and say where to
// continue; pulling on from the returned cursors misses nothing. Content
// full of '<' and '&' is sent as is, not as \u003c.
func TestResponsesStayWithinByteBudget(t *testing.T) {
	const budget = 200 << 10
	e := newEnv(t, func(c *Config) { c.MaxResponseBytes = budget })
	a := e.newUser("a")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "big"}).str("id")
	cid2 := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "small"}).str("id")
	c := newClient(e, a, "d")
	big := strings.Repeat("<a&b>", 4000) // 20,000 bytes; 100,000 if HTML-escaped
	var ops []wire.Op
	for i := 0; i < 24; i++ {
		ops = append(ops, upsert(cid, newUUID(), fmt.Sprintf("%d %s", i, big), 0))
	}
	for i := 0; i < 5; i++ {
		ops = append(ops, upsert(cid2, newUUID(), fmt.Sprintf("small %d", i), 0))
	}
	for _, r := range c.push(ops...) {
		if r.Status != wire.StatusApplied {
			t.Fatalf("push: %+v", r)
		}
	}

	// Pull page by page, checking every answer's size and cursors.
	pulls, sawMore := 0, false
	for {
		pulls++
		if pulls > 50 {
			t.Fatal("pull never finished")
		}
		before := map[string]int64{}
		for k, v := range c.cursors {
			before[k] = v
		}
		raw := e.must(200, "POST", "/api/v1/sync/pull", c.tok, wire.PullRequest{Cursors: c.cursors})
		if len(raw.body) > budget {
			t.Fatalf("pull answer is %d bytes, budget %d", len(raw.body), budget)
		}
		if bytes.Contains(raw.body, []byte(`\u003c`)) || (pulls == 1 && !bytes.Contains(raw.body, []byte("<a&b>"))) {
			t.Fatal("pull answer is HTML-escaped")
		}
		var pr wire.PullResponse
		raw.json(&pr)
		more := pr.More
		for _, g := range pr.Gained {
			if _, ok := c.cursors[g.ID]; !ok {
				c.cursors[g.ID] = 0
			}
		}
		for _, pc := range pr.Contexts {
			more = more || pc.More
			last := before[pc.ID]
			for _, m := range pc.Changes {
				if m.Seq <= last {
					t.Fatalf("change seq %d not after %d", m.Seq, last)
				}
				last = m.Seq
				c.mems[m.ID] = m
			}
			if pc.More && pc.Cursor != last {
				t.Fatalf("context %s: cursor %d, but the last change returned is %d", pc.ID, pc.Cursor, last)
			}
			c.cursors[pc.ID] = pc.Cursor
		}
		if pr.More {
			sawMore = true
		}
		if !more {
			break
		}
	}
	if !sawMore || pulls < 3 {
		t.Fatalf("expected the budget to split the pull (pulls %d, more %v)", pulls, sawMore)
	}
	sameMemories(t, "client", c.mems, e.serverLive(cid, cid2))
	if c.cursors[cid] != 24 || c.cursors[cid2] != 5 {
		t.Fatalf("final cursors %v", c.cursors)
	}

	// Memory list: limit 500 still stops at the budget; next_before pages on.
	seen := map[string]bool{}
	next := ""
	for page := 0; ; page++ {
		if page > 20 {
			t.Fatal("list never finished")
		}
		path := "/api/v1/contexts/" + cid + "/memories?limit=500"
		if next != "" {
			path += "&before=" + next
		}
		r := e.must(200, "GET", path, a.token, nil)
		if len(r.body) > budget {
			t.Fatalf("list answer is %d bytes, budget %d", len(r.body), budget)
		}
		var lr struct {
			Memories   []wire.Memory `json:"memories"`
			NextBefore string        `json:"next_before"`
		}
		r.json(&lr)
		for _, m := range lr.Memories {
			seen[m.ID] = true
		}
		if lr.NextBefore == "" {
			break
		}
		next = lr.NextBefore
	}
	if len(seen) != 24 {
		t.Fatalf("list pages returned %d memories, want 24", len(seen))
	}

	// History: 24 versions of one memory, paged by size.
	mid := ops[0].MemoryID
	for v := 1; v <= 24; v++ {
		e.must(200, "PATCH", "/api/v1/memories/"+mid, a.token, map[string]any{"content": fmt.Sprintf("v%d %s", v, big)})
	}
	versions := map[int]bool{}
	hnext := ""
	for page := 0; ; page++ {
		if page > 20 {
			t.Fatal("history never finished")
		}
		path := "/api/v1/memories/" + mid + "/history"
		if hnext != "" {
			path += "?before=" + hnext
		}
		r := e.must(200, "GET", path, a.token, nil)
		if len(r.body) > budget {
			t.Fatalf("history answer is %d bytes, budget %d", len(r.body), budget)
		}
		var hr struct {
			History []struct {
				Version int `json:"version"`
			} `json:"history"`
			NextBefore *int64 `json:"next_before"`
		}
		r.json(&hr)
		for _, h := range hr.History {
			versions[h.Version] = true
		}
		if hr.NextBefore == nil {
			break
		}
		hnext = fmt.Sprint(*hr.NextBefore)
	}
	if len(versions) != 24 {
		t.Fatalf("history pages returned %d versions, want 24", len(versions))
	}
}

// Two pushes create one memory id in different contexts at the same time:
// the second must not overwrite the first's memory (it is refused), and the
// second context's counter does not move.
func TestConcurrentCreateOfOneIDInTwoContexts(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	x := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "x"}).str("id")
	y := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "y"}).str("id")
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	var once sync.Once
	e.s.pushHook = func(ctx context.Context) {
		first := false
		once.Do(func() { first = true })
		if first {
			entered <- struct{}{}
			<-release
		}
	}
	mid := newUUID()
	c1, c2 := newClient(e, a, "one"), newClient(e, a, "two")
	var r1, r2 []wire.OpResult
	done1, done2 := make(chan struct{}), make(chan struct{})
	go func() { r1 = c1.push(upsert(x, mid, "in x", 0)); close(done1) }()
	<-entered // the create in x is written, not committed
	go func() { r2 = c2.push(upsert(y, mid, "from y", 0)); close(done2) }()
	// Wait until the second push waits on the first's row.
	waitFor(t, 3*time.Second, func() bool {
		var n int
		e.s.db.QueryRow(context.Background(), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&n)
		return n > 0
	})
	close(release)
	<-done1
	<-done2
	e.s.pushHook = nil
	if r1[0].Status != wire.StatusApplied {
		t.Fatalf("first create: %+v", r1[0])
	}
	if r2[0].Status != wire.StatusRefused || r2[0].Reason != wire.ReasonContextMismatch {
		t.Fatalf("second create in another context: %+v, want refused context_mismatch", r2[0])
	}
	var ctxID, content string
	var version int
	e.s.db.QueryRow(context.Background(), "SELECT context_id::text, content, version FROM memories WHERE id = $1", mid).Scan(&ctxID, &content, &version)
	if ctxID != x || content != "in x" || version != 1 {
		t.Fatalf("memory is now in %s, %q v%d; want %s, \"in x\" v1", ctxID, content, version, x)
	}
	var seqY int64
	e.s.db.QueryRow(context.Background(), "SELECT seq FROM contexts WHERE id = $1", y).Scan(&seqY)
	if seqY != 0 {
		t.Fatalf("context y's counter moved to %d", seqY)
	}
}

// A memory id taken in a context the caller cannot read answers like an
// unknown context, on push and on REST create: nothing says it exists.
func TestMemoryOfUnreadableContextDoesNotLeak(t *testing.T) {
	e := newEnv(t)
	a, b := e.newUser("a"), e.newUser("b")
	x := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "x"}).str("id")
	y := e.must(201, "POST", "/api/v1/contexts", b.token, map[string]any{"name": "y"}).str("id")
	mid := newUUID()
	if r := newClient(e, a, "a").push(upsert(x, mid, "secret", 0)); r[0].Status != wire.StatusApplied {
		t.Fatalf("create: %+v", r[0])
	}
	r := newClient(e, b, "b").push(upsert(y, mid, "probe", 0))
	if r[0].Status != wire.StatusRefused || r[0].Reason != wire.ReasonNotFound {
		t.Fatalf("push of a taken id to b's own context: %+v, want refused not_found", r[0])
	}
	e.must(404, "POST", "/api/v1/contexts/"+y+"/memories", b.token, map[string]any{"id": mid, "content": "probe"})
	// The owner of both contexts learns where it lives.
	y2 := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "y2"}).str("id")
	if r := newClient(e, a, "a").push(upsert(y2, mid, "moved?", 0)); r[0].Reason != wire.ReasonContextMismatch {
		t.Fatalf("owner: %+v, want context_mismatch", r[0])
	}
}

// Bad credentials are charged to the client IP: after AuthPerMinute
// failures the next requests with a credential get 429 with Retry-After,
// whatever the credential, and cost no lookup.
func TestBadCredentialsAreRateLimited(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AuthPerMinute = 3 })
	a := e.newUser("a")
	creds := []string{"not-a-jwt", "mem0_notakey0123456789", a.token + "x"}
	for i, c := range creds {
		if r := e.do("GET", "/api/v1/me", c, nil); r.status != 401 {
			t.Fatalf("bad credential %d: %d, want 401: %s", i, r.status, r.body)
		}
	}
	for i, c := range []string{"mem0_another0123456789", "still-bad"} {
		r := e.do("GET", "/api/v1/me", c, nil)
		if r.status != 429 || r.header.Get("Retry-After") == "" || r.errCode() != "rate_limited" {
			t.Fatalf("bad credential after the limit (%d): %d %v %s, want 429 with Retry-After", i, r.status, r.header, r.body)
		}
	}
	// Anonymous requests are not credential guesses.
	e.must(401, "GET", "/api/v1/me", "", nil)
}

// An op id is one op whatever its spelling (upper case, braces, urn:uuid:):
// a second spelling in the same batch or a later push is a replay.
func TestOpIDSpellingsAreOneOp(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	c := newClient(e, a, "d")
	op := upsert(cid, newUUID(), "once", 0)
	id := newUUID()
	op.OpID = "{" + strings.ToUpper(id) + "}"
	again := op
	again.OpID = "urn:uuid:" + id
	r := c.push(op, again)
	if r[0].Status != wire.StatusApplied || r[0].Replayed || r[0].OpID != op.OpID {
		t.Fatalf("first: %+v", r[0])
	}
	if !r[1].Replayed || r[1].Status != wire.StatusApplied || r[1].OpID != again.OpID {
		t.Fatalf("same op id in another spelling in one batch: %+v, want a replay", r[1])
	}
	for _, spelling := range []string{id, strings.ToUpper(id), "urn:uuid:" + strings.ToUpper(id), strings.ReplaceAll(id, "-", "")} {
		o := op
		o.OpID = spelling
		r := c.push(o)
		if !r[0].Replayed || r[0].Status != wire.StatusApplied || r[0].Version != 1 {
			t.Fatalf("replay spelled %q: %+v", spelling, r[0])
		}
	}
	var versions, recorded int
	e.s.db.QueryRow(context.Background(), "SELECT version FROM memories WHERE id = $1", op.MemoryID).Scan(&versions)
	e.s.db.QueryRow(context.Background(), "SELECT count(*) FROM sync_ops").Scan(&recorded)
	if versions != 1 || recorded != 1 {
		t.Fatalf("memory at version %d and %d op records; want 1 and 1", versions, recorded)
	}
}

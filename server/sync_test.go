package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	wire "github.com/mem0dev/mem0/sync"
)

// syncClient is a minimal client holding what a CLI would: memories and a
// cursor per context.
type syncClient struct {
	e       *env
	tok     string
	device  string
	cursors map[string]int64
	mems    map[string]wire.Memory // by id
	pulls   int
}

func newClient(e *env, u user, device string) *syncClient {
	return &syncClient{e: e, tok: u.token, device: device, cursors: map[string]int64{}, mems: map[string]wire.Memory{}}
}

func (c *syncClient) push(ops ...wire.Op) []wire.OpResult {
	c.e.t.Helper()
	for i := range ops {
		if ops[i].OpID == "" {
			ops[i].OpID = newUUID()
		}
		if ops[i].ClientTime.IsZero() {
			ops[i].ClientTime = time.Now()
		}
	}
	r := c.e.must(200, "POST", "/api/v1/sync/push", c.tok, wire.PushRequest{DeviceID: c.device, Ops: ops})
	var pr wire.PushResponse
	r.json(&pr)
	return pr.Results
}

func (c *syncClient) pullOnce(limit int) wire.PullResponse {
	c.e.t.Helper()
	c.pulls++
	r := c.e.must(200, "POST", "/api/v1/sync/pull", c.tok, wire.PullRequest{Cursors: c.cursors, Limit: limit})
	var pr wire.PullResponse
	r.json(&pr)
	for _, id := range pr.Lost {
		delete(c.cursors, id)
		for mid, m := range c.mems {
			if m.ContextID == id {
				delete(c.mems, mid)
			}
		}
	}
	for _, g := range pr.Gained {
		if _, ok := c.cursors[g.ID]; !ok {
			c.cursors[g.ID] = 0
		}
	}
	for _, pc := range pr.Contexts {
		for _, m := range pc.Changes {
			if m.Deleted {
				delete(c.mems, m.ID)
			} else {
				c.mems[m.ID] = m
			}
		}
		c.cursors[pc.ID] = pc.Cursor
	}
	return pr
}

// sync pulls until nothing more is waiting.
func (c *syncClient) sync() {
	for i := 0; i < 100; i++ {
		pr := c.pullOnce(0)
		more := false
		for _, pc := range pr.Contexts {
			more = more || pc.More
		}
		if !more {
			return
		}
	}
	c.e.t.Fatal("pull never finished")
}

// serverLive is the server's live memories of the contexts, read directly.
func (e *env) serverLive(ctxIDs ...string) map[string]wire.Memory {
	e.t.Helper()
	rows, err := e.s.db.Query(context.Background(), `SELECT `+memCols+` FROM memories m WHERE m.context_id::text = ANY($1) AND NOT m.deleted`, ctxIDs)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]wire.Memory{}
	for rows.Next() {
		m := &memState{}
		if err := rows.Scan(m.scanArgs()...); err != nil {
			e.t.Fatal(err)
		}
		out[m.id.String()] = m.wire("")
	}
	return out
}

func sameMemories(t *testing.T, who string, got, want map[string]wire.Memory) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s holds %d memories, server has %d", who, len(got), len(want))
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			t.Errorf("%s misses %s", who, id)
			continue
		}
		if g.Content != w.Content || g.Version != w.Version || g.Deleted != w.Deleted {
			t.Errorf("%s holds %s v%d %q, server v%d %q", who, id, g.Version, g.Content, w.Version, w.Content)
		}
	}
}

func upsert(ctxID, memID, text string, base int) wire.Op {
	return wire.Op{Type: wire.OpUpsert, ContextID: ctxID, MemoryID: memID, Kind: "note", Content: text, BaseVersion: base}
}

// Contract 1 (convergence) and 6 (conflicts), over two users and devices.
func TestSyncConvergenceAndConflicts(t *testing.T) {
	e := newEnv(t)
	a, b := e.newUser("a"), e.newUser("b")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "shared"}).str("id")
	e.must(201, "POST", "/api/v1/contexts/"+cid+"/grants", a.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": b.name}, "level": "write"})
	ca, cb := newClient(e, a, "laptop"), newClient(e, b, "desktop")
	ca.sync()
	cb.sync()
	if _, ok := cb.cursors[cid]; !ok {
		t.Fatalf("b did not gain the shared context")
	}
	ids := make([]string, 30)
	var ops []wire.Op
	for i := range ids {
		ids[i] = newUUID()
		ops = append(ops, upsert(cid, ids[i], fmt.Sprintf("memory %d", i), 0))
	}
	for _, r := range ca.push(ops...) {
		if r.Status != wire.StatusApplied || r.Version != 1 {
			t.Fatalf("create: %+v", r)
		}
	}
	cb.sync()
	// b edits its own new memory and deletes one of a's? b only has write:
	// deleting a's memory is refused (needs admin) and reported, not dropped.
	own := newUUID()
	res := cb.push(upsert(cid, own, "b's note", 0), wire.Op{Type: wire.OpDelete, ContextID: cid, MemoryID: ids[0], BaseVersion: 1})
	if res[0].Status != wire.StatusApplied || res[1].Status != wire.StatusRefused || res[1].Reason != wire.ReasonForbidden {
		t.Fatalf("b's push: %+v", res)
	}
	// Concurrent edits by one user on two devices, both from version 1.
	laptop, desktop := ca, newClient(e, a, "desktop")
	desktop.sync()
	t0 := time.Now().Add(-time.Minute)
	at := func(op wire.Op, d time.Duration) wire.Op { op.ClientTime = t0.Add(d); return op }
	// ids[1]: the later edit arrives first; the earlier one loses.
	if r := laptop.push(at(upsert(cid, ids[1], "later 1", 1), 2*time.Second)); r[0].Status != wire.StatusApplied {
		t.Fatalf("later edit: %+v", r)
	}
	r := desktop.push(at(upsert(cid, ids[1], "earlier 1", 1), time.Second))
	if r[0].Status != wire.StatusConflictResolved || r[0].Winner != "server" || r[0].Memory == nil || r[0].Memory.Content != "later 1" {
		t.Fatalf("earlier edit arriving second: %+v", r)
	}
	// ids[2]: the earlier edit arrives first (applied), the later one wins.
	if r := desktop.push(at(upsert(cid, ids[2], "earlier 2", 1), time.Second)); r[0].Status != wire.StatusApplied {
		t.Fatalf("earlier edit: %+v", r)
	}
	if r := laptop.push(at(upsert(cid, ids[2], "later 2", 1), 2*time.Second)); r[0].Status != wire.StatusConflictResolved || r[0].Winner != "client" {
		t.Fatalf("later edit arriving second: %+v", r)
	}
	// ids[3]: same timestamp; the device id breaks the tie (laptop > desktop).
	desktop.push(at(upsert(cid, ids[3], "desktop 3", 1), time.Second))
	laptop.push(at(upsert(cid, ids[3], "laptop 3", 1), time.Second))
	// ids[4]: an edit racing a delete; the later (the delete) wins.
	laptop.push(at(upsert(cid, ids[4], "edit 4", 1), time.Second))
	desktop.push(at(wire.Op{Type: wire.OpDelete, ContextID: cid, MemoryID: ids[4], BaseVersion: 1}, 2*time.Second))

	for _, c := range []*syncClient{laptop, desktop, cb} {
		c.sync()
	}
	live := e.serverLive(cid)
	for want, id := range map[string]string{"later 1": ids[1], "later 2": ids[2], "laptop 3": ids[3]} {
		if live[id].Content != want {
			t.Errorf("memory %s: %q, want %q", id, live[id].Content, want)
		}
	}
	if _, ok := live[ids[4]]; ok {
		t.Errorf("the later delete lost to an earlier edit")
	}
	sameMemories(t, "laptop", laptop.mems, live)
	sameMemories(t, "desktop", desktop.mems, live)
	sameMemories(t, "b", cb.mems, live)

	// The losers are in history and restorable.
	for id, loser := range map[string]string{ids[1]: "earlier 1", ids[2]: "earlier 2", ids[3]: "desktop 3"} {
		h := e.must(200, "GET", "/api/v1/memories/"+id+"/history", a.token, nil)
		var hist struct {
			History []struct {
				HistoryID int64 `json:"history_id"`
				Content   string
				Reason    string
			}
		}
		h.json(&hist)
		var hid int64
		for _, x := range hist.History {
			if x.Content == loser && x.Reason == "conflict" {
				hid = x.HistoryID
			}
		}
		if hid == 0 {
			t.Fatalf("loser %q of %s not in history: %s", loser, id, h.body)
		}
		if id == ids[1] {
			m := e.must(200, "POST", "/api/v1/memories/"+id+"/restore", a.token, map[string]any{"history_id": hid})
			if m.str("content") != loser {
				t.Fatalf("restore: %s", m.body)
			}
		}
	}
	laptop.sync()
	cb.sync()
	live = e.serverLive(cid)
	sameMemories(t, "laptop after restore", laptop.mems, live)
	sameMemories(t, "b after restore", cb.mems, live)
}

// Contract 3: a push sent twice (or twice at once) applies once.
func TestSyncIdempotentPush(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	c := newClient(e, a, "dev")
	m1, m2 := newUUID(), newUUID()
	ops := []wire.Op{upsert(cid, m1, "one", 0), upsert(cid, m2, "two", 0), upsert(cid, m1, "one, edited", 1)}
	for i := range ops {
		ops[i].OpID = newUUID()
		ops[i].ClientTime = time.Now().Add(time.Duration(i) * time.Millisecond)
	}
	first := c.push(ops...)
	state := func() (seq int64, hist int, ver int) {
		ctx := context.Background()
		e.s.db.QueryRow(ctx, "SELECT seq FROM contexts WHERE id = $1", cid).Scan(&seq)
		e.s.db.QueryRow(ctx, "SELECT count(*) FROM memory_history").Scan(&hist)
		e.s.db.QueryRow(ctx, "SELECT version FROM memories WHERE id = $1", m1).Scan(&ver)
		return
	}
	s1, h1, v1 := state()
	if v1 != 2 || s1 != 3 || h1 != 1 {
		t.Fatalf("after first push: seq %d history %d version %d", s1, h1, v1)
	}
	second := c.push(ops...)
	for i := range first {
		if !second[i].Replayed || second[i].Status != first[i].Status || second[i].Version != first[i].Version {
			t.Errorf("replay %d: %+v, first %+v", i, second[i], first[i])
		}
	}
	// The same batch sent by 4 clients at once (a retry racing a slow answer).
	var wg sync.WaitGroup
	fresh := []wire.Op{upsert(cid, newUUID(), "three", 0)}
	fresh[0].OpID, fresh[0].ClientTime = newUUID(), time.Now()
	var applied atomic.Int32
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.do("POST", "/api/v1/sync/push", a.token, wire.PushRequest{DeviceID: "dev", Ops: fresh})
			var pr wire.PushResponse
			json.Unmarshal(r.body, &pr)
			if r.status == 200 && !pr.Results[0].Replayed {
				applied.Add(1)
			}
		}()
	}
	wg.Wait()
	s2, h2, v2 := state()
	if s2 != s1+1 || h2 != h1 || v2 != v1 || applied.Load() != 1 {
		t.Fatalf("after replays: seq %d→%d history %d→%d version %d→%d, applied %d times", s1, s2, h1, h2, v1, v2, applied.Load())
	}
	var n int
	e.s.db.QueryRow(context.Background(), "SELECT count(*) FROM memories WHERE context_id = $1", cid).Scan(&n)
	if n != 3 {
		t.Fatalf("%d memories, want 3", n)
	}
}

// Contract 4: a writer that took a counter but has not committed holds the
// context lock, so a later writer cannot commit first and a pull never
// skips a change.
func TestSyncNoMissedChangesOutOfOrder(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	reader := newClient(e, a, "reader")
	reader.sync()

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
	w1, w2 := newClient(e, a, "w1"), newClient(e, a, "w2")
	m1, m2 := newUUID(), newUUID()
	done1, done2 := make(chan struct{}), make(chan struct{})
	go func() { w1.push(upsert(cid, m1, "first writer", 0)); close(done1) }()
	<-entered // w1 holds counter 1, uncommitted
	go func() { w2.push(upsert(cid, m2, "second writer", 0)); close(done2) }()
	select {
	case <-done2:
		t.Fatal("the second writer committed while the first held the context")
	case <-time.After(300 * time.Millisecond):
	}
	pr := reader.pullOnce(0)
	if len(pr.Contexts) != 0 || reader.cursors[cid] != 0 {
		t.Fatalf("pull during the slow write: %+v (cursor %d)", pr, reader.cursors[cid])
	}
	close(release)
	<-done1
	<-done2
	reader.sync()
	if len(reader.mems) != 2 || reader.cursors[cid] != 2 {
		t.Fatalf("after both commits the reader holds %d memories, cursor %d", len(reader.mems), reader.cursors[cid])
	}
	e.s.pushHook = nil

	// Stress: concurrent writers while a reader pulls continuously.
	const writers, per = 4, 25
	var wg sync.WaitGroup
	want := map[string]bool{m1: true, m2: true}
	var mu sync.Mutex
	for w := 0; w < writers; w++ {
		wc := newClient(e, a, fmt.Sprintf("w%d", w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				id := newUUID()
				mu.Lock()
				want[id] = true
				mu.Unlock()
				wc.push(upsert(cid, id, "stress", 0))
			}
		}()
	}
	stop := make(chan struct{})
	go func() { wg.Wait(); close(stop) }()
	seen := map[string]bool{}
	var lastCursor int64
	for running := true; running; {
		select {
		case <-stop:
			running = false
		default:
		}
		pr := reader.pullOnce(10)
		for _, pc := range pr.Contexts {
			if pc.Cursor < lastCursor {
				t.Fatalf("cursor went back from %d to %d", lastCursor, pc.Cursor)
			}
			lastCursor = pc.Cursor
			for _, m := range pc.Changes {
				seen[m.ID] = true
			}
		}
	}
	reader.sync()
	for id := range reader.mems {
		seen[id] = true
	}
	mu.Lock()
	defer mu.Unlock()
	for id := range want {
		if !seen[id] {
			t.Errorf("the reader never saw %s", id)
		}
	}
	if len(reader.mems) != len(want) {
		t.Errorf("reader holds %d memories, want %d", len(reader.mems), len(want))
	}
	t.Logf("%d writers × %d pushes, reader pulled %d times, saw all %d memories", writers, per, reader.pulls, len(want))
}

// Contract 5 (revocation) and 2 (refused writes are reported, not dropped).
func TestSyncRevocation(t *testing.T) {
	e := newEnv(t)
	a, b := e.newUser("a"), e.newUser("b")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	gid := e.must(201, "POST", "/api/v1/contexts/"+cid+"/grants", a.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": b.name}, "level": "write"}).str("id")
	ca, cb := newClient(e, a, "a"), newClient(e, b, "b")
	mid := newUUID()
	ca.push(upsert(cid, mid, "secret plan", 0))
	cb.sync()
	if len(cb.mems) != 1 {
		t.Fatalf("b holds %d memories", len(cb.mems))
	}
	e.must(204, "DELETE", "/api/v1/contexts/"+cid+"/grants/"+gid, a.token, nil)
	pr := cb.pullOnce(0)
	if len(pr.Lost) != 1 || pr.Lost[0] != cid || len(cb.mems) != 0 {
		t.Fatalf("after unshare: %+v, b holds %d", pr, len(cb.mems))
	}
	e.must(404, "GET", "/api/v1/memories/"+mid, b.token, nil)
	e.must(404, "GET", "/api/v1/contexts/"+cid+"/memories", b.token, nil)
	if r := e.must(200, "GET", "/api/v1/search?q=secret", b.token, nil); len(r.m()["results"].([]any)) != 0 {
		t.Fatalf("search still finds it: %s", r.body)
	}
	res := cb.push(upsert(cid, newUUID(), "written offline", 0))
	if res[0].Status != wire.StatusRefused || res[0].Reason != wire.ReasonNotFound {
		t.Fatalf("push after revocation: %+v", res)
	}
	// Deleting the context is a loss for every client.
	ca.sync()
	e.must(204, "DELETE", "/api/v1/contexts/"+cid, a.token, nil)
	if pr := ca.pullOnce(0); len(pr.Lost) != 1 || len(ca.mems) != 0 {
		t.Fatalf("after delete: %+v", pr)
	}
}

// Contract 7: a no-op pull is one small round trip.
func TestSyncNoopPullIsCheap(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	c := newClient(e, a, "d")
	for i := 0; i < 20; i++ {
		cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": fmt.Sprint("c", i)}).str("id")
		c.push(upsert(cid, newUUID(), "x", 0))
	}
	c.sync()
	best := time.Hour
	var size int
	for i := 0; i < 20; i++ {
		start := time.Now()
		r := e.must(200, "POST", "/api/v1/sync/pull", a.token, wire.PullRequest{Cursors: c.cursors})
		if d := time.Since(start); d < best {
			best = d
		}
		size = len(r.body)
		var pr wire.PullResponse
		json.Unmarshal(r.body, &pr)
		if len(pr.Contexts)+len(pr.Gained)+len(pr.Lost) != 0 {
			t.Fatalf("no-op pull returned changes: %s", r.body)
		}
	}
	t.Logf("no-op pull over 20 contexts: %d bytes, best %v round trip", size, best)
	if size > 64 || best > 50*time.Millisecond {
		t.Fatalf("no-op pull: %d bytes, %v", size, best)
	}
}

// Paging: a pull limited to fewer changes than waiting says More and
// continues from its cursor without skipping.
func TestSyncPullPaging(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	c := newClient(e, a, "d")
	var ops []wire.Op
	for i := 0; i < 25; i++ {
		ops = append(ops, upsert(cid, newUUID(), fmt.Sprint("m", i), 0))
	}
	c.push(ops...)
	r := newClient(e, a, "r")
	pages := 0
	for {
		pr := r.pullOnce(7)
		pages++
		more := false
		for _, pc := range pr.Contexts {
			more = more || pc.More
		}
		if !more {
			break
		}
	}
	if len(r.mems) != 25 || pages != 4 {
		t.Fatalf("paged pull: %d memories in %d pages", len(r.mems), pages)
	}
}

package server

import (
	"context"
	"testing"
	"time"

	wire "github.com/mem0dev/mem0/sync"
)

// Contract 2 and 3 across a crash: a push cut off before its commit leaves
// nothing behind, the client's retry applies it exactly once, and a new
// server process on the same database recognises every op id it acknowledged.
func TestSyncPushInterruptedAndServerRestart(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	ops := []wire.Op{upsert(cid, newUUID(), "one", 0), upsert(cid, newUUID(), "two", 0)}
	for i := range ops {
		ops[i].OpID, ops[i].ClientTime = newUUID(), time.Now()
	}
	// The first attempt dies inside its transaction (the client gives up,
	// as on a crash or a timeout): nothing may be written.
	entered := make(chan struct{})
	e.s.pushHook = func(ctx context.Context) {
		close(entered)
		<-ctx.Done() // hold until the request is cancelled
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := newRequest("POST", e.ts.URL+"/api/v1/sync/push")
		req = req.WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+a.token)
		req.Body = bodyOf(mustJSON(wire.PushRequest{DeviceID: "d", Ops: ops}))
		_, err := e.ts.Client().Do(req)
		done <- err
	}()
	<-entered
	cancel()
	<-done
	e.s.pushHook = nil
	// The server notices the cancellation and rolls back; give it a moment.
	var n, ops0 int
	waitFor(t, 2*time.Second, func() bool {
		var busy int
		e.s.db.QueryRow(context.Background(), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'").Scan(&busy)
		return busy == 0
	})
	e.s.db.QueryRow(context.Background(), "SELECT count(*) FROM memories WHERE context_id = $1", cid).Scan(&n)
	e.s.db.QueryRow(context.Background(), "SELECT count(*) FROM sync_ops").Scan(&ops0)
	if n != 0 || ops0 != 0 {
		t.Fatalf("an interrupted push left %d memories and %d op records", n, ops0)
	}
	// The retry applies; a second retry is a replay.
	c := newClient(e, a, "d")
	if r := c.push(ops...); r[0].Replayed || r[0].Status != wire.StatusApplied {
		t.Fatalf("retry: %+v", r)
	}
	// The server process goes away and a new one starts on the same database.
	e.ts.Close()
	e.s.Close()
	e2 := newEnvOn(t, e.url)
	c2 := newClient(e2, a, "d")
	r := c2.push(ops...)
	if !r[0].Replayed || !r[1].Replayed {
		t.Fatalf("after restart the op ids were not recognised: %+v", r)
	}
	c2.sync()
	if len(c2.mems) != 2 {
		t.Fatalf("after restart the client pulls %d memories", len(c2.mems))
	}
}

package server

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestSessionCacheGenerations(t *testing.T) {
	c := newSessionCache()
	sid, uid := uuid.New(), uuid.New()
	cs := cachedSession{uid: uid, until: time.Now().Add(time.Minute)}
	c.put(sid, cs, c.begin())
	if _, ok := c.get(sid); ok {
		t.Fatal("cached while not listening")
	}
	c.setHealthy(true)
	gen := c.begin()
	c.evict("session:" + uuid.NewString()) // any revocation between the read and the put
	c.put(sid, cs, gen)
	if _, ok := c.get(sid); ok {
		t.Fatal("a lookup that raced a revocation was cached")
	}
	c.put(sid, cs, c.begin())
	if _, ok := c.get(sid); !ok {
		t.Fatal("not cached")
	}
	c.evict("user:" + uid.String())
	if _, ok := c.get(sid); ok {
		t.Fatal("user revocation did not evict")
	}
	c.put(sid, cachedSession{uid: uid, until: time.Now().Add(-time.Second)}, c.begin())
	if _, ok := c.get(sid); ok {
		t.Fatal("expired entry served")
	}
}

// When the revocation listener's connection dies, nothing is cached, so a
// revocation the instance could not hear about still takes effect at once.
func TestSessionCacheListenerOutage(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	healthy := func() bool { e.s.sessions.mu.Lock(); defer e.s.sessions.mu.Unlock(); return e.s.sessions.healthy }
	if !waitFor(t, 5*time.Second, healthy) {
		t.Fatal("listener never started")
	}
	e.must(200, "GET", "/api/v1/me", a.token, nil) // now cached
	e.s.db.Exec(t.Context(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`)
	if !waitFor(t, 5*time.Second, func() bool { return !healthy() }) {
		t.Fatal("listener outage not noticed")
	}
	// Revoke behind the server's back (no notice): refused at once.
	e.s.db.Exec(t.Context(), "UPDATE sessions SET revoked_at = now() WHERE user_id = $1", a.id)
	e.must(401, "GET", "/api/v1/me", a.token, nil)
	if !waitFor(t, 5*time.Second, healthy) {
		t.Fatal("listener did not reconnect")
	}
}

package server

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Every request with an access token checks that its session is still live,
// so that logout and password changes take effect at once. To save that
// query on the hot path, live sessions are cached for a few seconds — but
// only while this instance is LISTENing on the revocation channel: every
// revocation NOTIFYs all instances in its transaction, and each evicts the
// session (or all of a user's sessions) when the notice arrives,
// milliseconds after the commit. When the listening connection is down
// nothing is cached.

const (
	revokeChannel = "mem0_sessions"
	sessionTTL    = 10 * time.Second
)

type cachedSession struct {
	uid      uuid.UUID
	username string
	isAdmin  bool
	until    time.Time
}

type sessionCache struct {
	mu       sync.Mutex
	m        map[uuid.UUID]cachedSession
	readable map[uuid.UUID]cachedReadable // by user id; uuid.Nil for anonymous
	gen      uint64                       // bumped by every eviction, so a lookup racing one is not cached
	healthy  bool
}

// cachedReadable is the set of contexts a caller can read (search uses it).
type cachedReadable struct {
	ids   []uuid.UUID
	until time.Time
}

func newSessionCache() *sessionCache {
	return &sessionCache{m: map[uuid.UUID]cachedSession{}, readable: map[uuid.UUID]cachedReadable{}}
}

func (c *sessionCache) getReadable(uid uuid.UUID) ([]uuid.UUID, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.readable[uid]
	if !ok || !c.healthy || time.Now().After(r.until) {
		return nil, false
	}
	return r.ids, true
}

func (c *sessionCache) putReadable(uid uuid.UUID, ids []uuid.UUID, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.healthy || gen != c.gen {
		return
	}
	if len(c.readable) > 100_000 {
		clear(c.readable)
	}
	c.readable[uid] = cachedReadable{ids: ids, until: time.Now().Add(sessionTTL)}
}

func (c *sessionCache) get(sid uuid.UUID) (cachedSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs, ok := c.m[sid]
	if !ok || !c.healthy || time.Now().After(cs.until) {
		return cachedSession{}, false
	}
	return cs, true
}

// begin returns the generation to pass to put after reading the database.
func (c *sessionCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *sessionCache) put(sid uuid.UUID, cs cachedSession, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.healthy || gen != c.gen {
		return
	}
	if len(c.m) > 100_000 {
		clear(c.m)
	}
	c.m[sid] = cs
}

// evict handles a notice: "session:<id>", "user:<id>", or "acl" (someone's
// access changed: every cached readable set goes).
func (c *sessionCache) evict(payload string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if payload == "acl" {
		clear(c.readable)
		return
	}
	kind, id, _ := strings.Cut(payload, ":")
	u, err := uuid.Parse(id)
	switch {
	case err != nil:
		clear(c.m)
	case kind == "session":
		delete(c.m, u)
	default:
		for sid, cs := range c.m {
			if cs.uid == u {
				delete(c.m, sid)
			}
		}
	}
}

func (c *sessionCache) setHealthy(ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.healthy = ok
	c.gen++
	clear(c.m)
	clear(c.readable)
}

// notifyRevoked tells every instance (this one included) in tx's commit.
func notifyRevoked(ctx context.Context, tx execer, payload string) error {
	_, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", revokeChannel, payload)
	return err
}

// listenRevocations keeps a connection LISTENing until ctx ends.
func (s *Server) listenRevocations(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, s.db.Config().ConnConfig.Copy())
		if err == nil {
			if _, err = conn.Exec(ctx, "LISTEN "+revokeChannel); err == nil {
				s.sessions.setHealthy(true)
				for {
					n, err := conn.WaitForNotification(ctx)
					if err != nil {
						break
					}
					s.sessions.evict(n.Payload)
				}
			}
			s.sessions.setHealthy(false)
			conn.Close(context.Background())
		}
		if ctx.Err() == nil && err != nil {
			s.log.Warn("session revocation listener down; not caching sessions", "error", err.Error())
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// readableContexts is the caller's readable set: their sync set
// (mem0_member_contexts) and every public context; anonymous callers get the
// public ones. Cached like sessions.
func (s *Server) readableContexts(ctx context.Context, p *Principal) ([]uuid.UUID, error) {
	key := uuid.Nil
	if p != nil {
		key = p.UserID
	}
	if ids, ok := s.sessions.getReadable(key); ok {
		return ids, nil
	}
	gen := s.sessions.begin()
	rows, err := s.db.Query(ctx, `SELECT context_id FROM mem0_member_contexts($1) WHERE $1::uuid IS NOT NULL AND level > 0
		UNION SELECT id FROM contexts WHERE visibility = 'public'`, uidOf(p))
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, err
	}
	s.sessions.putReadable(key, ids, gen)
	return ids, nil
}

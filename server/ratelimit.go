package server

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters holds one token bucket per key (credential, IP or account name).
// Idle buckets are swept on use, so no goroutine is needed.
type limiters struct {
	mu        sync.Mutex
	m         map[string]*limiterEntry
	lastSweep time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiters() *limiters { return &limiters{m: map[string]*limiterEntry{}, lastSweep: time.Now()} }

// allow takes one token from key's bucket (r per second, burst b) or returns
// a 429 error carrying Retry-After.
func (l *limiters) allow(key string, r float64, b int) error {
	now := time.Now()
	l.mu.Lock()
	if now.Sub(l.lastSweep) > time.Minute {
		for k, e := range l.m {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(l.m, k)
			}
		}
		l.lastSweep = now
	}
	e := l.m[key]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(rate.Limit(r), b)}
		l.m[key] = e
	}
	e.seen = now
	l.mu.Unlock()
	res := e.lim.ReserveN(now, 1)
	if !res.OK() {
		return retryAfter(time.Minute)
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return retryAfter(d)
	}
	return nil
}

// chargeAuthFailure counts one failed authentication against ip; the
// failure that passes the limit is answered 429 instead of 401.
func (s *Server) chargeAuthFailure(ip string) error {
	if err := s.limits.allow("authfail:"+ip, float64(s.cfg.AuthPerMinute)/60, s.cfg.AuthPerMinute); err != nil {
		s.metrics.GetOrCreateCounter(`mem0_rate_limited_total{kind="auth"}`).Inc()
		return err
	}
	return nil
}

// allowAuth applies the login/registration limit to every key given (the
// client IP and the account name).
func (s *Server) allowAuth(keys ...string) error {
	perSec := float64(s.cfg.AuthPerMinute) / 60
	for _, k := range keys {
		if err := s.limits.allow("auth:"+k, perSec, s.cfg.AuthPerMinute); err != nil {
			s.metrics.GetOrCreateCounter(`mem0_rate_limited_total{kind="auth"}`).Inc()
			return err
		}
	}
	return nil
}

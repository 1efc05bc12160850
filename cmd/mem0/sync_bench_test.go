package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSyncFigures measures the sync figures of docs/benchmarks.md with the
// real binary, a real server and PostgreSQL. It runs only with
// MEM0_SYNC_BENCH=1 (make bench sets it).
func TestSyncFigures(t *testing.T) {
	if os.Getenv("MEM0_SYNC_BENCH") == "" {
		t.Skip("set MEM0_SYNC_BENCH=1 to measure (make bench)")
	}
	// Time the real binary (make bench passes bin/mem0), not this test
	// binary acting as mem0.
	if bin := os.Getenv("MEM0_BENCH_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", filepath.Dir(abs)+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	srv := newSyncServer(t)
	// Every request goes through a counting proxy.
	var requests atomic.Int64
	target, _ := url.Parse(srv.url)
	proxy := httputil.NewSingleHostReverseProxy(target)
	px := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		proxy.ServeHTTP(w, r)
	}))
	defer px.Close()

	const pw = "correct horse battery"
	a, b := newMachine(t), newMachine(t)
	for _, u := range []struct {
		m    *machine
		name string
	}{{a, "alice"}, {b, "bob"}} {
		u.m.must(pw+"\n", nil, "register", "--server", px.URL, "-u", u.name, "--password-stdin")
		u.m.must("", nil, "config", "set", "sync.auto", "false")
	}
	srv.url = px.URL // API calls of the setup go through the proxy too
	srv.setupTeam(a, map[string]*machine{"bob": b}, map[string]string{"bob": "member"})
	const rb = "acme/backend/bench"
	a.must("", nil, "context", "create", "bench", "--team", "acme/backend")
	a.must("", nil, "add", "personal warm-up")

	const n = 10000
	var jl strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&jl, `{"type":"memory","context":%q,"content":"benchmark memory %d: restart the api with make restart and check the logs"}`+"\n", rb, i)
	}
	a.must(jl.String(), nil, "import", "-")
	timed := func(m *machine, args ...string) (time.Duration, int64) {
		before := requests.Load()
		start := time.Now()
		m.must("", nil, args...)
		return time.Since(start), requests.Load() - before
	}
	push, pushReq := timed(a, "sync")
	first, firstReq := timed(b, "sync")
	if got := len(b.view(rb)); got != n {
		t.Fatalf("bob holds %d memories, want %d", got, n)
	}
	var noop []time.Duration
	var noopReq int64
	for i := 0; i < 20; i++ {
		d, r := timed(b, "sync")
		noop = append(noop, d)
		noopReq = max(noopReq, r)
	}
	median := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	addTimes := func(ctxName string) time.Duration {
		var ds []time.Duration
		for i := 0; i < 30; i++ {
			start := time.Now()
			a.must("", nil, "add", fmt.Sprintf("add timing %s %d", ctxName, i), "--context", ctxName)
			ds = append(ds, time.Since(start))
		}
		return median(ds)
	}
	personal := addTimes("default")
	shared := addTimes(rb)
	// With background sync on (it starts at most once per interval).
	a.must("", nil, "config", "set", "sync.auto", "true")
	a.must("", nil, "config", "set", "sync.interval", "1h")
	sharedAuto := addTimes(rb)
	t.Logf("push of %d offline writes: %s, %d requests", n, push.Round(time.Millisecond), pushReq)
	t.Logf("first sync of %d memories to a fresh machine: %s, %d requests", n, first.Round(time.Millisecond), firstReq)
	t.Logf("no-op sync: median %s, %d request(s)", median(noop).Round(100*time.Microsecond), noopReq)
	t.Logf("mem0 add (median of 30): personal %s, shared %s, shared with background sync on %s",
		personal.Round(100*time.Microsecond), shared.Round(100*time.Microsecond), sharedAuto.Round(100*time.Microsecond))
}

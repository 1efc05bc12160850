package server

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

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

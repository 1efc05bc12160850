package server

import "testing"

func TestSmoke(t *testing.T) {
	e := newEnv(t)
	e.must(200, "GET", "/healthz", "", nil)
	e.must(200, "GET", "/readyz", "", nil)
	a := e.register("alice")
	me := e.must(200, "GET", "/api/v1/me", a.token, nil)
	if me.str("user", "is_admin") != "true" {
		t.Fatalf("first user should be admin: %s", me.body)
	}
	c := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "notes"})
	cid := c.str("id")
	m := e.must(201, "POST", "/api/v1/contexts/"+cid+"/memories", a.token, map[string]any{"content": "deploy with make release", "tags": []string{"ops"}})
	mid := m.str("id")
	e.must(200, "GET", "/api/v1/memories/"+mid, a.token, nil)
	e.must(200, "PATCH", "/api/v1/memories/"+mid, a.token, map[string]any{"content": "deploy with make ship"})
	h := e.must(200, "GET", "/api/v1/memories/"+mid+"/history", a.token, nil)
	t.Logf("history: %s", h.body)
	s := e.must(200, "GET", "/api/v1/search?q=deploy", a.token, nil)
	t.Logf("search: %s", s.body)
	l := e.must(200, "GET", "/api/v1/contexts/"+cid+"/memories", a.token, nil)
	t.Logf("list: %s", l.body)
	p := e.must(200, "POST", "/api/v1/sync/pull", a.token, map[string]any{"cursors": map[string]int{}})
	t.Logf("pull: %s", p.body)
	e.must(204, "DELETE", "/api/v1/memories/"+mid, a.token, nil)
	e.must(404, "GET", "/api/v1/memories/"+mid, a.token, nil)
	b := e.register("bob")
	e.must(404, "GET", "/api/v1/contexts/"+cid, b.token, nil)
	e.must(200, "GET", "/metrics", "", nil)
	e.must(200, "GET", "/api/v1/openapi.json", "", nil)
}

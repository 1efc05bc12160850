package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// tableCounts is the row count of every table, to prove a refused request
// wrote nothing.
func (e *env) tableCounts() string {
	e.t.Helper()
	rows, err := e.s.db.Query(context.Background(), `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		e.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	var b strings.Builder
	for _, tb := range tables {
		var n int
		e.s.db.QueryRow(context.Background(), "SELECT count(*) FROM "+tb).Scan(&n)
		fmt.Fprintf(&b, "%s=%d ", tb, n)
	}
	var seq int64
	e.s.db.QueryRow(context.Background(), "SELECT COALESCE(sum(seq), 0) FROM contexts").Scan(&seq)
	fmt.Fprintf(&b, "seq=%d", seq)
	return b.String()
}

// wrongType returns a JSON value of another type than v.
func wrongType(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case float64, int:
		return "not a number"
	case bool:
		return "yes"
	default:
		return "not an object"
	}
}

func TestBadInputEveryRoute(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	b := e.newUser("b")
	org := "acme"
	e.must(201, "POST", "/api/v1/orgs", a.token, map[string]string{"name": org})
	e.must(200, "PUT", "/api/v1/orgs/acme/members/"+b.name, a.token, map[string]string{"role": "member"})
	team := e.must(201, "POST", "/api/v1/orgs/acme/teams", a.token, map[string]string{"name": "core"}).str("id")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	mid := e.must(201, "POST", "/api/v1/contexts/"+cid+"/memories", a.token, map[string]any{"content": "hello"}).str("id")
	grant := e.must(201, "POST", "/api/v1/contexts/"+cid+"/grants", a.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": b.name}, "level": "read"}).str("id")
	key := e.must(201, "POST", "/api/v1/me/keys", a.token, map[string]any{"name": "k", "scope": "read"}).str("id")
	path := func(p string) string {
		return strings.NewReplacer("{id}", cid, "{org}", org, "{team}", team, "{user}", b.name, "{grant}", grant).Replace(p)
	}
	// A valid body per route; each field in turn gets a wrong type.
	samples := map[string]map[string]any{
		"POST /api/v1/auth/register":              {"username": "zed", "password": "password-zed"},
		"POST /api/v1/auth/login":                 {"username": a.name, "password": "password-" + a.name},
		"POST /api/v1/auth/refresh":               {"refresh_token": a.refresh},
		"POST /api/v1/invites":                    {"expires_in_hours": 2},
		"POST /api/v1/me/password":                {"current_password": "password-" + a.name, "new_password": "password-new"},
		"POST /api/v1/me/keys":                    {"name": "k2", "scope": "write"},
		"POST /api/v1/orgs":                       {"name": "other"},
		"PATCH /api/v1/orgs/{org}":                {"name": "acme2"},
		"PUT /api/v1/orgs/{org}/members/{user}":   {"role": "viewer"},
		"POST /api/v1/orgs/{org}/teams":           {"name": "t2"},
		"PATCH /api/v1/teams/{team}":              {"name": "t3"},
		"PUT /api/v1/teams/{team}/members/{user}": {"role": "viewer"},
		"POST /api/v1/contexts":                   {"name": "n", "visibility": "private"},
		"PATCH /api/v1/contexts/{id}":             {"name": "n2"},
		"POST /api/v1/contexts/{id}/transfer":     {"owner": map[string]any{"kind": "user"}},
		"POST /api/v1/contexts/{id}/grants":       {"grantee": map[string]any{"kind": "user", "name": b.name}, "level": "write"},
		"POST /api/v1/contexts/{id}/memories":     {"content": "x", "kind": "note", "tags": []any{"a"}},
		"PATCH /api/v1/memories/{id}":             {"content": "y"},
		"POST /api/v1/memories/{id}/restore":      {"history_id": 1},
		"POST /api/v1/sync/push":                  {"device_id": "d", "ops": []any{}},
		"POST /api/v1/sync/pull":                  {"cursors": map[string]any{}, "limit": 10},
	}
	checks := 0
	expect4xx := func(what string, r resp) {
		t.Helper()
		checks++
		if r.status < 400 || r.status >= 500 || r.errCode() == "" || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", what, r.status, r.body)
		}
	}
	before := e.tableCounts()
	for _, rt := range e.s.routes {
		name := rt.method + " " + rt.pattern
		p := path(rt.pattern)
		if strings.HasPrefix(rt.pattern, "/api/v1/memories/") {
			p = strings.Replace(rt.pattern, "{id}", mid, 1)
		}
		if strings.HasPrefix(rt.pattern, "/api/v1/me/keys/") {
			p = strings.Replace(rt.pattern, "{id}", key, 1)
		}
		if !rt.body {
			// Malformed ids are not found, never a 500.
			if strings.Contains(rt.pattern, "{") {
				bad := strings.NewReplacer("{id}", "not-a-uuid", "{team}", "xyz", "{grant}", "%ff", "{org}", "no-such-org", "{user}", "nobody").Replace(rt.pattern)
				expect4xx(name+" malformed id", e.do(rt.method, bad, a.token, nil))
			}
			continue
		}
		sample, ok := samples[name]
		if !ok {
			t.Errorf("no sample body for %s", name)
			continue
		}
		raw := map[string]string{
			"malformed JSON": `{"name": `,
			"array":          `[1, 2]`,
			"string":         `"x"`,
			"empty":          ``,
			"two documents":  `{} {}`,
			"unknown field":  `{"definitely_not_a_field": 1}`,
			"invalid UTF-8":  "{\"name\": \"\xff\xfe\", \"content\": \"\xc3\x28\"}",
			"oversize":       `{"content": "` + strings.Repeat("x", int(e.s.cfg.MaxBodyBytes)*17) + `"}`,
			"null":           `null`,
		}
		for what, body := range raw {
			if what == "null" && name == "POST /api/v1/invites" {
				continue // every field of an invite is optional
			}
			expect4xx(name+" "+what, e.do(rt.method, p, a.token, []byte(body)))
		}
		for field, v := range sample {
			mutated := map[string]any{}
			for k, v2 := range sample {
				mutated[k] = v2
			}
			mutated[field] = wrongType(v)
			expect4xx(fmt.Sprintf("%s field %s of the wrong type", name, field), e.do(rt.method, p, a.token, mutated))
		}
	}
	// Query parameters.
	for _, q := range []string{"limit=-1", "limit=0", "limit=100000000", "limit=abc", "limit=1e3", "before=zzz"} {
		for _, u := range []string{"/api/v1/contexts/" + cid + "/memories", "/api/v1/me/audit", "/api/v1/orgs/acme/audit"} {
			if q == "before=zzz" && strings.Contains(u, "audit") {
				continue
			}
			expect4xx("GET "+u+"?"+q, e.do("GET", u+"?"+q, a.token, nil))
		}
		if !strings.HasPrefix(q, "before") {
			expect4xx("search "+q, e.do("GET", "/api/v1/search?q=hello&"+q, a.token, nil))
		}
	}
	expect4xx("search without q", e.do("GET", "/api/v1/search", a.token, nil))
	expect4xx("search huge q", e.do("GET", "/api/v1/search?q="+strings.Repeat("a", 2000), a.token, nil))
	for _, body := range []string{`{"cursors":{}, "limit": -1}`, `{"cursors":{}, "limit": 99999999}`, `{"cursors":{"` + cid + `": -5}}`} {
		expect4xx("pull "+body, e.do("POST", "/api/v1/sync/pull", a.token, body))
	}
	// Content rules identical to the CLI's (store/content).
	for what, body := range map[string]any{
		"empty content":     map[string]any{"content": "   "},
		"NUL in content":    map[string]any{"content": "a\u0000b"},
		"content too large": map[string]any{"content": strings.Repeat("x", 64<<10+1)},
		"unknown kind":      map[string]any{"content": "x", "kind": "poem"},
		"unknown source":    map[string]any{"content": "x", "source": "telepathy"},
		"metadata array":    map[string]any{"content": "x", "metadata": []int{1}},
		"bad id":            map[string]any{"content": "x", "id": "123"},
	} {
		expect4xx("create memory: "+what, e.do("POST", "/api/v1/contexts/"+cid+"/memories", a.token, body))
	}
	for what, body := range map[string]any{
		"bad visibility":           map[string]any{"name": "n", "visibility": "secret"},
		"team visibility for user": map[string]any{"name": "n", "visibility": "team"},
		"empty name":               map[string]any{"name": ""},
		"bad owner kind":           map[string]any{"name": "n", "owner": map[string]string{"kind": "planet"}},
	} {
		expect4xx("create context: "+what, e.do("POST", "/api/v1/contexts", a.token, body))
	}
	expect4xx("too many ops", e.do("POST", "/api/v1/sync/push", a.token, map[string]any{"device_id": "d", "ops": make([]map[string]any, e.s.cfg.MaxPushOps+1)}))
	expect4xx("bad role", e.do("PUT", "/api/v1/orgs/acme/members/"+b.name, a.token, map[string]any{"role": "emperor"}))
	expect4xx("bad grant level", e.do("POST", "/api/v1/contexts/"+cid+"/grants", a.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": b.name}, "level": "owner"}))
	expect4xx("wrong content type", e.doCT("POST", "/api/v1/contexts", a.token, "text/plain", `{"name":"n"}`))
	expect4xx("unknown route", e.do("GET", "/api/v1/nope", a.token, nil))

	if after := e.tableCounts(); after != before {
		t.Errorf("refused requests wrote something:\nbefore %s\nafter  %s", before, after)
	}
	// Invalid operations inside a well-formed push are refused one by one,
	// recorded (so a replay answers the same) and nothing else is written.
	r := e.must(200, "POST", "/api/v1/sync/push", a.token, map[string]any{"device_id": "d", "ops": []map[string]any{
		{"op_id": newUUID(), "type": "upsert", "context_id": cid, "memory_id": newUUID(), "client_time": nowRFC(), "kind": "note", "content": ""},
		{"op_id": "nope", "type": "upsert", "context_id": cid, "memory_id": newUUID(), "client_time": nowRFC(), "kind": "note", "content": "x"},
		{"op_id": newUUID(), "type": "explode", "context_id": cid, "memory_id": newUUID(), "client_time": nowRFC()},
		{"op_id": newUUID(), "type": "upsert", "context_id": cid, "memory_id": newUUID(), "kind": "note", "content": "no time"},
	}})
	checks++
	if strings.Count(string(r.body), `"refused"`) != 4 {
		t.Errorf("invalid ops: %s", r.body)
	}
	t.Logf("%d bad-input checks over %d routes", checks, len(e.s.routes))
}

func (e *env) doCT(method, path, token, ct, body string) resp {
	req, _ := newRequest(method, e.ts.URL+path)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ct)
	req.Body = bodyOf(body)
	return e.send(req)
}

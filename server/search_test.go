package server

import (
	"net/url"
	"testing"
)

func TestSearch(t *testing.T) {
	e := newEnv(t)
	a, b := e.newUser("a"), e.newUser("b")
	mine := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "mine"}).str("id")
	other := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "other"}).str("id")
	theirs := e.must(201, "POST", "/api/v1/contexts", b.token, map[string]any{"name": "theirs"}).str("id")
	public := e.must(201, "POST", "/api/v1/contexts", b.token, map[string]any{"name": "pub", "visibility": "public"}).str("id")
	add := func(tok, cid, text string) {
		e.must(201, "POST", "/api/v1/contexts/"+cid+"/memories", tok, map[string]any{"content": text})
	}
	add(a.token, mine, "deploy deploy deploy the service with make")
	add(a.token, mine, "deploy once")
	add(a.token, other, "rollback the deploy")
	add(a.token, mine, "nothing relevant")
	add(b.token, theirs, "deploy b's private service")
	add(b.token, public, "deploy docs are public")
	search := func(tok, q string, extra string) []map[string]any {
		t.Helper()
		r := e.must(200, "GET", "/api/v1/search?q="+url.QueryEscape(q)+extra, tok, nil)
		var out struct{ Results []map[string]any }
		r.json(&out)
		return out.Results
	}
	res := search(a.token, "deploy", "")
	if len(res) != 4 { // 3 of a's + the public one, never b's private one
		t.Fatalf("a's search: %d results: %v", len(res), res)
	}
	if res[0]["content"] != "deploy deploy deploy the service with make" {
		t.Errorf("ranking: first is %q", res[0]["content"])
	}
	if n := len(search(a.token, "deploy", "&context="+other)); n != 1 {
		t.Errorf("context filter: %d results", n)
	}
	if n := len(search(a.token, "deploy -rollback", "")); n != 3 {
		t.Errorf("negation: %d results", n)
	}
	if n := len(search(a.token, `"deploy once"`, "")); n != 1 {
		t.Errorf("phrase: %d results", n)
	}
	// A query with no words matches nothing (not everything).
	if n := len(search(a.token, "!!! ---", "")); n != 0 {
		t.Errorf("empty query: %d results", n)
	}
	if n := len(search(a.token, "-deploy", "")); n != 1 {
		t.Errorf("pure negation: %d results", n)
	}
	if n := len(search("", "deploy", "")); n != 1 {
		t.Errorf("anonymous: %d results (only the public one)", n)
	}
	e.must(404, "GET", "/api/v1/search?q=deploy&context="+theirs, a.token, nil)
	if n := len(search(b.token, "deploy", "")); n != 2 {
		t.Errorf("b's search: %d results", n)
	}
}

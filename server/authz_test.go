package server

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"net/url"
	"testing"
)

// The authorization matrix: every context route × every role × every owner
// kind × every visibility the owner kind allows, checked against a model of
// the permission table of ARCHITECTURE.md written independently of the SQL
// (mem0_level) and of policy.go.

type fixtureUsers struct {
	owner, admin, member, viewer, orgadmin, peer, outsider, writer, dummy, dummy2 user
	org, team                                                                     string
}

func setupOrg(e *env) fixtureUsers {
	var f fixtureUsers
	f.owner = e.newUser("owner")
	f.admin = e.newUser("admin")
	f.member = e.newUser("member")
	f.viewer = e.newUser("viewer")
	f.orgadmin = e.newUser("orgadmin")
	f.peer = e.newUser("peer")
	f.outsider = e.newUser("outsider")
	f.writer = e.newUser("writer")
	f.dummy = e.newUser("dummy")
	f.dummy2 = e.newUser("dummytwo")
	f.org = e.must(201, "POST", "/api/v1/orgs", f.owner.token, map[string]string{"name": "acme" + f.owner.id[30:]}).str("id")
	for _, m := range []struct {
		u    user
		role string
	}{{f.admin, "admin"}, {f.member, "member"}, {f.viewer, "viewer"}, {f.orgadmin, "admin"}, {f.peer, "member"}, {f.writer, "member"}} {
		e.must(200, "PUT", "/api/v1/orgs/"+f.org+"/members/"+m.u.name, f.owner.token, map[string]string{"role": m.role})
	}
	f.team = e.must(201, "POST", "/api/v1/orgs/"+f.org+"/teams", f.owner.token, map[string]string{"name": "core"}).str("id")
	for _, m := range []struct {
		u    user
		role string
	}{{f.admin, "admin"}, {f.member, "member"}, {f.viewer, "viewer"}, {f.writer, "member"}} {
		e.must(200, "PUT", "/api/v1/teams/"+f.team+"/members/"+m.u.name, f.owner.token, map[string]string{"role": m.role})
	}
	return f
}

// The owner's API keys are roles too: a key's scope caps the owner's level.
var matrixRoles = []string{"owner", "admin", "member", "viewer", "orgadmin", "peer", "outsider", "anonymous", "ownerkey-read", "ownerkey-write"}

// modelLevel is the permission table: the level a role has on a context.
func modelLevel(kind, vis, role string) Level {
	switch role {
	case "ownerkey-read":
		return min(modelLevel(kind, vis, "owner"), LevelRead)
	case "ownerkey-write":
		return min(modelLevel(kind, vis, "owner"), LevelWrite)
	}
	l := LevelNone
	switch kind {
	case "user": // the owner is a user; others reach it by grants only
		switch role {
		case "owner":
			l = LevelOwner
		case "member": // has a write grant
			l = LevelWrite
		case "viewer": // has a read grant
			l = LevelRead
		}
	case "team": // roles are team roles; org admins are admins of team contexts
		switch role {
		case "owner":
			l = LevelOwner
		case "admin", "orgadmin":
			l = LevelAdmin
		case "member":
			l = LevelWrite
		case "viewer":
			l = LevelRead
		case "peer": // in the org, not in the team
			if vis == "org" {
				l = LevelRead
			}
		}
	case "org": // roles are org roles
		switch role {
		case "owner":
			l = LevelOwner
		case "admin", "orgadmin":
			l = LevelAdmin
		case "member", "peer":
			l = LevelWrite
		case "viewer":
			l = LevelRead
		}
	}
	if vis == "public" && l < LevelRead {
		l = LevelRead
	}
	return l
}

// want is the status a caller at level l gets for an action needing need:
// success, 403 when they can read, 404 when they cannot (denied reads look
// like "not found"), 401 for anonymous callers on routes needing a login.
func want(l, need Level, anon, authRequired bool, ok int) int {
	if anon && authRequired {
		return 401
	}
	if anon && l > LevelRead {
		l = LevelRead
	}
	if l >= need {
		return ok
	}
	if l >= LevelRead {
		return 403
	}
	return 404
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	f := setupOrg(e)
	users := map[string]user{"owner": f.owner, "admin": f.admin, "member": f.member, "viewer": f.viewer,
		"orgadmin": f.orgadmin, "peer": f.peer, "outsider": f.outsider}
	for _, scope := range []string{"read", "write"} {
		k := e.must(201, "POST", "/api/v1/me/keys", f.owner.token, map[string]any{"name": "matrix-" + scope, "scope": scope}).str("key")
		users["ownerkey-"+scope] = user{name: "key", token: k}
	}
	combos := []struct{ kind, vis string }{
		{"user", "private"}, {"user", "public"},
		{"team", "private"}, {"team", "team"}, {"team", "org"}, {"team", "public"},
		{"org", "private"}, {"org", "org"}, {"org", "public"},
	}
	checks, cases := 0, 0
	for _, cb := range combos {
		for _, role := range matrixRoles {
			cases++
			name := fmt.Sprintf("%s-%s-%s", cb.kind, cb.vis, role)
			t.Run(name, func(t *testing.T) {
				e := &env{t: t, s: e.s, ts: e.ts, url: e.url}
				// Fixture: a context, a memory by someone else (writer), a grant to dummy.
				owner := map[string]any{"kind": cb.kind}
				switch cb.kind {
				case "team":
					owner["id"] = f.team
				case "org":
					owner["id"] = f.org
				}
				word := fmt.Sprintf("zq%dx", cases)
				cid := e.must(201, "POST", "/api/v1/contexts", f.owner.token, map[string]any{"name": name, "owner": owner, "visibility": cb.vis}).str("id")
				if cb.kind == "user" {
					for _, g := range []struct {
						u   user
						lvl string
					}{{f.member, "write"}, {f.viewer, "read"}, {f.writer, "write"}} {
						e.must(201, "POST", "/api/v1/contexts/"+cid+"/grants", f.owner.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": g.u.name}, "level": g.lvl})
					}
				}
				grant := e.must(201, "POST", "/api/v1/contexts/"+cid+"/grants", f.owner.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": f.dummy.name}, "level": "read"}).str("id")
				mid := e.must(201, "POST", "/api/v1/contexts/"+cid+"/memories", f.writer.token, map[string]any{"content": "fixture " + word}).str("id")

				l := modelLevel(cb.kind, cb.vis, role)
				anon := role == "anonymous"
				tok := users[role].token
				check := func(what string, wantStatus int, method, path string, body any) resp {
					t.Helper()
					checks++
					r := e.do(method, path, tok, body)
					if r.status != wantStatus {
						t.Errorf("%s (%s %s) as %s at level %s: status %d, want %d: %s", what, method, path, role, l, r.status, wantStatus, r.body)
					}
					if r.status >= 400 && r.errCode() == "" {
						t.Errorf("%s: error without a JSON error body: %s", what, r.body)
					}
					return r
				}
				// Reads.
				check("get context", want(l, LevelRead, anon, false, 200), "GET", "/api/v1/contexts/"+cid, nil)
				check("list memories", want(l, LevelRead, anon, false, 200), "GET", "/api/v1/contexts/"+cid+"/memories", nil)
				check("get memory", want(l, LevelRead, anon, false, 200), "GET", "/api/v1/memories/"+mid, nil)
				check("history", want(l, LevelRead, anon, false, 200), "GET", "/api/v1/memories/"+mid+"/history", nil)
				check("search in context", want(l, LevelRead, anon, false, 200), "GET", "/api/v1/search?q="+word+"&context="+cid, nil)
				r := check("search everywhere", 200, "GET", "/api/v1/search?q="+url.QueryEscape(word), nil)
				var sr struct{ Results []map[string]any }
				r.json(&sr)
				if got, wantN := len(sr.Results), map[bool]int{true: 1, false: 0}[l >= LevelRead]; got != wantN {
					t.Errorf("search everywhere as %s: %d results, want %d", role, got, wantN)
				}
				pr := check("pull", want(LevelRead, LevelRead, anon, true, 200), "POST", "/api/v1/sync/pull", map[string]any{"cursors": map[string]int{cid: 0}})
				if pr.status == 200 {
					var p struct {
						Contexts []struct{ ID string }
						Lost     []string
					}
					pr.json(&p)
					got := false
					for _, c := range p.Contexts {
						got = got || c.ID == cid
					}
					lost := len(p.Lost) == 1 && p.Lost[0] == cid
					if got != (l >= LevelRead) || lost != (l < LevelRead) {
						t.Errorf("pull as %s at %s: served=%v lost=%v", role, l, got, lost)
					}
				}
				// Writes.
				cr := check("add memory", want(l, LevelWrite, anon, true, 201), "POST", "/api/v1/contexts/"+cid+"/memories", map[string]any{"content": "mine"})
				if cr.status == 201 {
					own := cr.str("id")
					check("edit own memory", want(l, LevelWrite, anon, true, 200), "PATCH", "/api/v1/memories/"+own, map[string]any{"content": "mine, edited"})
					check("delete own memory", want(l, LevelWrite, anon, true, 204), "DELETE", "/api/v1/memories/"+own, nil)
				}
				check("edit others' memory", want(l, LevelAdmin, anon, true, 200), "PATCH", "/api/v1/memories/"+mid, map[string]any{"content": "edited " + word})
				// Sync pushes answer 200 with a result per operation.
				pushOne := func(what string, op map[string]any, need Level) {
					t.Helper()
					op["op_id"], op["context_id"], op["client_time"] = newUUID(), cid, nowRFC()
					r := check(what, want(LevelRead, LevelRead, anon, true, 200), "POST", "/api/v1/sync/push", map[string]any{"device_id": "d1", "ops": []any{op}})
					if r.status != 200 {
						return
					}
					var pr struct {
						Results []struct{ Status, Reason string }
					}
					r.json(&pr)
					got := pr.Results[0]
					switch {
					case l >= need:
						if got.Status == "refused" {
							t.Errorf("%s as %s at %s: refused (%s), want applied", what, role, l, got.Reason)
						}
					case l >= LevelRead:
						if got.Status != "refused" || got.Reason != "forbidden" {
							t.Errorf("%s as %s at %s: %+v, want refused/forbidden", what, role, l, got)
						}
					default:
						if got.Status != "refused" || got.Reason != "not_found" {
							t.Errorf("%s as %s at %s: %+v, want refused/not_found", what, role, l, got)
						}
					}
				}
				pushOne("push new memory", map[string]any{"type": "upsert", "memory_id": newUUID(), "kind": "note", "content": "pushed"}, LevelWrite)
				pushOne("push edit of others' memory", map[string]any{"type": "upsert", "memory_id": mid, "kind": "note", "content": "pushed edit " + word}, LevelAdmin)
				check("access list", want(l, LevelAdmin, anon, true, 200), "GET", "/api/v1/contexts/"+cid+"/access", nil)
				check("rename", want(l, LevelAdmin, anon, true, 200), "PATCH", "/api/v1/contexts/"+cid, map[string]any{"name": name + "-renamed"})
				check("share", want(l, LevelAdmin, anon, true, 201), "POST", "/api/v1/contexts/"+cid+"/grants", map[string]any{"grantee": map[string]string{"kind": "user", "name": f.dummy2.name}, "level": "read"})
				check("unshare", want(l, LevelAdmin, anon, true, 204), "DELETE", "/api/v1/contexts/"+cid+"/grants/"+grant, nil)
				check("change visibility", want(l, LevelAdmin, anon, true, 200), "PATCH", "/api/v1/contexts/"+cid, map[string]any{"visibility": cb.vis})
				check("delete others' memory", want(l, LevelAdmin, anon, true, 204), "DELETE", "/api/v1/memories/"+mid, nil)
				check("transfer", want(l, LevelOwner, anon, true, 200), "POST", "/api/v1/contexts/"+cid+"/transfer", map[string]any{"owner": owner})
				check("delete context", want(l, LevelOwner, anon, true, 204), "DELETE", "/api/v1/contexts/"+cid, nil)
			})
		}
	}
	t.Logf("authorization matrix: %d cases (owner kind × visibility × role), %d checks", cases, checks)
}

func newUUID() string { return uuid.Must(uuid.NewV7()).String() }
func nowRFC() string  { return time.Now().UTC().Format(time.RFC3339Nano) }

package server

import (
	"strings"
	"testing"
)

func TestOrgOwnerRulesAndAudit(t *testing.T) {
	e := newEnv(t)
	o, adm, m, v, x := e.newUser("o"), e.newUser("adm"), e.newUser("m"), e.newUser("v"), e.newUser("x")
	org := e.must(201, "POST", "/api/v1/orgs", o.token, map[string]string{"name": "acme"}).str("id")
	set := func(who user, as user, role string, want int) {
		t.Helper()
		e.must(want, "PUT", "/api/v1/orgs/acme/members/"+who.name, as.token, map[string]string{"role": role})
	}
	set(adm, o, "admin", 200)
	set(m, adm, "member", 200) // admins manage members
	set(v, adm, "viewer", 200)
	set(x, m, "member", 403)   // members do not
	set(x, adm, "owner", 403)  // only owners add owners
	set(o, adm, "member", 403) // nor demote them
	e.must(404, "GET", "/api/v1/orgs/acme", x.token, nil)
	e.must(404, "GET", "/api/v1/orgs/"+org+"/members", x.token, nil)
	e.must(200, "GET", "/api/v1/orgs/acme/members", v.token, nil)
	// The last owner can neither leave nor be demoted.
	e.must(409, "POST", "/api/v1/orgs/acme/leave", o.token, nil)
	set(o, o, "admin", 409)
	set(adm, o, "owner", 200)
	set(o, o, "admin", 200) // now there is another owner
	e.must(409, "POST", "/api/v1/orgs/acme/leave", adm.token, nil)
	e.must(403, "DELETE", "/api/v1/orgs/acme", o.token, nil) // o is admin now
	// Teams: org admins manage them; viewers of the org see but do not manage.
	team := e.must(201, "POST", "/api/v1/orgs/acme/teams", o.token, map[string]string{"name": "core"}).str("id")
	e.must(403, "POST", "/api/v1/orgs/acme/teams", m.token, map[string]string{"name": "t2"})
	e.must(200, "PUT", "/api/v1/teams/"+team+"/members/"+m.name, o.token, map[string]string{"role": "admin"})
	e.must(400, "PUT", "/api/v1/teams/"+team+"/members/"+x.name, o.token, map[string]string{"role": "member"}) // not in the org
	e.must(403, "PUT", "/api/v1/teams/"+team+"/members/"+v.name, v.token, map[string]string{"role": "admin"})
	e.must(200, "GET", "/api/v1/teams/"+team, v.token, nil)
	e.must(404, "GET", "/api/v1/teams/"+team, x.token, nil)
	e.must(204, "POST", "/api/v1/teams/"+team+"/leave", m.token, nil)
	// Leaving the org leaves its teams; removing members is audited.
	e.must(200, "PUT", "/api/v1/teams/"+team+"/members/"+v.name, o.token, map[string]string{"role": "member"})
	e.must(204, "DELETE", "/api/v1/orgs/acme/members/"+v.name, adm.token, nil)
	var n int
	e.s.db.QueryRow(t.Context(), "SELECT count(*) FROM team_members WHERE team_id = $1", team).Scan(&n)
	if n != 1 { // the creator (o) remains
		t.Fatalf("team has %d members after v left the org", n)
	}
	// Audit log: org admins only.
	audit := e.must(200, "GET", "/api/v1/orgs/acme/audit", adm.token, nil)
	for _, action := range []string{"org.create", "org.member_add", "org.role_change", "team.create", "team.member_add", "team.leave", "org.member_remove"} {
		if !strings.Contains(string(audit.body), `"`+action+`"`) {
			t.Errorf("org audit lacks %s", action)
		}
	}
	e.must(403, "GET", "/api/v1/orgs/acme/audit", m.token, nil)
	e.must(404, "GET", "/api/v1/orgs/acme/audit", x.token, nil)
	// Sharing and deletions land in the org's audit log too.
	cid := e.must(201, "POST", "/api/v1/contexts", o.token, map[string]any{"name": "c", "owner": map[string]string{"kind": "org", "id": org}}).str("id")
	g := e.must(201, "POST", "/api/v1/contexts/"+cid+"/grants", o.token, map[string]any{"grantee": map[string]string{"kind": "user", "name": x.name}, "level": "read"}).str("id")
	acc := e.must(200, "GET", "/api/v1/contexts/"+cid+"/access", o.token, nil)
	for _, want := range []string{`"source":"org_role"`, `"source":"grant"`, x.name} {
		if !strings.Contains(string(acc.body), want) {
			t.Errorf("access list lacks %s: %s", want, acc.body)
		}
	}
	mid := e.must(201, "POST", "/api/v1/contexts/"+cid+"/memories", o.token, map[string]any{"content": "c"}).str("id")
	e.must(204, "DELETE", "/api/v1/memories/"+mid, o.token, nil)
	e.must(204, "DELETE", "/api/v1/contexts/"+cid+"/grants/"+g, o.token, nil)
	e.must(204, "DELETE", "/api/v1/contexts/"+cid, adm.token, nil) // org owner → context owner
	audit = e.must(200, "GET", "/api/v1/orgs/acme/audit?limit=500", adm.token, nil)
	for _, action := range []string{"context.share", "context.unshare", "memory.delete", "context.delete"} {
		if !strings.Contains(string(audit.body), `"`+action+`"`) {
			t.Errorf("org audit lacks %s", action)
		}
	}
	// My audit: my own actions and what was done to my account.
	mine := e.must(200, "GET", "/api/v1/me/audit", v.token, nil)
	if !strings.Contains(string(mine.body), "org.member_remove") || strings.Contains(string(mine.body), "context.share") {
		t.Errorf("v's audit: %s", mine.body)
	}
	e.must(204, "DELETE", "/api/v1/orgs/acme", adm.token, nil)
}

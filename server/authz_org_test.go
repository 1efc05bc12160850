package server

import (
	"fmt"
	"testing"
)

// The org and team half of the authorization matrix: every org and team
// route × org role (owner/admin/member/viewer), outsider, anonymous and a
// write-scoped API key of the org's owner. Expected levels follow
// ARCHITECTURE.md: viewing needs any role, org management (teams, members,
// roles) needs admin, deleting the org needs owner; org admins and owners
// manage every team; members and viewers outside a team only see it.
func TestAuthorizationMatrixOrgs(t *testing.T) {
	e := newEnv(t)
	roles := []string{"owner", "admin", "member", "viewer", "outsider", "anonymous", "ownerkey-write"}
	checks := 0
	for i, role := range roles {
		t.Run(role, func(t *testing.T) {
			e := &env{t: t, s: e.s, ts: e.ts, url: e.url}
			owner := e.newUser("oo")
			org := fmt.Sprintf("org%d", i)
			e.must(201, "POST", "/api/v1/orgs", owner.token, map[string]string{"name": org})
			team := e.must(201, "POST", "/api/v1/orgs/"+org+"/teams", owner.token, map[string]string{"name": "t"}).str("id")
			target := e.newUser("tt") // the member added and removed by the checks
			e.must(200, "PUT", "/api/v1/orgs/"+org+"/members/"+target.name, owner.token, map[string]string{"role": "member"})
			var tok string
			switch role {
			case "owner":
				tok = owner.token
			case "admin", "member", "viewer":
				u := e.newUser(role)
				e.must(200, "PUT", "/api/v1/orgs/"+org+"/members/"+u.name, owner.token, map[string]string{"role": role})
				tok = u.token
			case "outsider":
				tok = e.newUser("out").token
			case "ownerkey-write":
				tok = e.must(201, "POST", "/api/v1/me/keys", owner.token, map[string]any{"name": "k", "scope": "write"}).str("key")
			}
			lvl := map[string]Level{"owner": LevelOwner, "admin": LevelAdmin, "member": LevelWrite, "viewer": LevelRead, "ownerkey-write": LevelWrite}[role]
			anon := role == "anonymous"
			// Team management: org admins and owners act as team owners;
			// other org members only see the team.
			teamLvl := LevelRead
			if lvl >= LevelAdmin {
				teamLvl = LevelOwner
			}
			if lvl == LevelNone {
				teamLvl = LevelNone
			}
			check := func(what string, need Level, lv Level, ok int, method, path string, body any) {
				t.Helper()
				checks++
				w := want(lv, need, anon, true, ok)
				if r := e.do(method, path, tok, body); r.status != w {
					t.Errorf("%s as %s: %d, want %d: %s", what, role, r.status, w, r.body)
				}
			}
			o := "/api/v1/orgs/" + org
			tm := "/api/v1/teams/" + team
			check("show org", LevelRead, lvl, 200, "GET", o, nil)
			check("list members", LevelRead, lvl, 200, "GET", o+"/members", nil)
			check("list teams", LevelRead, lvl, 200, "GET", o+"/teams", nil)
			check("show team", LevelRead, teamLvl, 200, "GET", tm, nil)
			check("team members", LevelRead, teamLvl, 200, "GET", tm+"/members", nil)
			check("add team member", LevelAdmin, teamLvl, 200, "PUT", tm+"/members/"+target.name, map[string]string{"role": "member"})
			check("remove team member", LevelAdmin, teamLvl, 204, "DELETE", tm+"/members/"+target.name, nil)
			check("rename team", LevelAdmin, teamLvl, 200, "PATCH", tm, map[string]string{"name": "t2"})
			check("change member role", LevelAdmin, lvl, 200, "PUT", o+"/members/"+target.name, map[string]string{"role": "viewer"})
			check("make an owner", LevelOwner, lvl, 200, "PUT", o+"/members/"+target.name, map[string]string{"role": "owner"})
			if lvl >= LevelOwner && !anon {
				e.must(200, "PUT", o+"/members/"+target.name, owner.token, map[string]string{"role": "member"})
			}
			check("remove member", LevelAdmin, lvl, 204, "DELETE", o+"/members/"+target.name, nil)
			check("create team", LevelAdmin, lvl, 201, "POST", o+"/teams", map[string]string{"name": "new"})
			check("org audit", LevelAdmin, lvl, 200, "GET", o+"/audit", nil)
			check("rename org", LevelAdmin, lvl, 200, "PATCH", o, map[string]string{"name": org + "x"})
			// After a rename the old name is gone; address the org by id.
			oid := e.must(200, "GET", "/api/v1/orgs", owner.token, nil).m()["orgs"].([]any)[0].(map[string]any)["id"].(string)
			o = "/api/v1/orgs/" + oid
			check("delete team", LevelOwner, teamLvl, 204, "DELETE", tm, nil)
			check("delete org", LevelOwner, lvl, 204, "DELETE", o, nil)
		})
	}
	t.Logf("org/team authorization matrix: %d roles, %d checks", len(roles), checks)
}

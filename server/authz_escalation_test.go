package server

import "testing"

// Findings of a security review, each a way around the permission table.
func TestNoEscalation(t *testing.T) {
	e := newEnv(t)
	owner := e.newUser("esc-owner")
	admin := e.newUser("esc-admin")
	e.must(201, "POST", "/api/v1/orgs", owner.token, map[string]string{"name": "escorg"})
	e.must(200, "PUT", "/api/v1/orgs/escorg/members/"+admin.name, owner.token, map[string]string{"role": "admin"})
	team := e.must(201, "POST", "/api/v1/orgs/escorg/teams", owner.token, map[string]string{"name": "t"}).str("id")

	// An org admin is an admin of every team, not an owner: promoting
	// themselves to team owner would make them owner of the team's contexts.
	if r := e.do("PUT", "/api/v1/teams/"+team+"/members/"+admin.name, admin.token, map[string]string{"role": "owner"}); r.status != 403 {
		t.Fatalf("org admin made themselves team owner: %d %s", r.status, r.body)
	}
	e.must(200, "PUT", "/api/v1/teams/"+team+"/members/"+admin.name, admin.token, map[string]string{"role": "admin"})
	// Org admins still delete teams (org management).
	other := e.must(201, "POST", "/api/v1/orgs/escorg/teams", owner.token, map[string]string{"name": "gone"}).str("id")
	e.must(204, "DELETE", "/api/v1/teams/"+other, admin.token, nil)

	// A read-only API key may neither create contexts nor leave.
	key := e.must(201, "POST", "/api/v1/me/keys", admin.token, map[string]any{"name": "ro", "scope": "read"}).str("key")
	if r := e.do("POST", "/api/v1/contexts", key, map[string]string{"name": "by-read-key"}); r.status != 403 {
		t.Fatalf("read key created a context: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/teams/"+team+"/leave", key, nil); r.status != 403 {
		t.Fatalf("read key left a team: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/orgs/escorg/leave", key, nil); r.status != 403 {
		t.Fatalf("read key left the org: %d %s", r.status, r.body)
	}
	// The account itself still can.
	e.must(204, "POST", "/api/v1/teams/"+team+"/leave", admin.token, nil)
}

// A share puts a context into every grantee member's sync, so only orgs
// and teams the sharer belongs to can be named; others look unknown.
func TestShareOnlyToOwnOrgsAndTeams(t *testing.T) {
	e := newEnv(t)
	owner := e.newUser("share-owner")
	stranger := e.newUser("share-stranger")
	e.must(201, "POST", "/api/v1/orgs", owner.token, map[string]string{"name": "shareorg"})
	team := e.must(201, "POST", "/api/v1/orgs/shareorg/teams", owner.token, map[string]string{"name": "t"}).str("id")

	mine := e.must(201, "POST", "/api/v1/contexts", stranger.token, map[string]string{"name": "spam"}).str("id")
	for _, g := range []map[string]string{{"kind": "org", "name": "shareorg"}, {"kind": "team", "id": team}} {
		if r := e.do("POST", "/api/v1/contexts/"+mine+"/grants", stranger.token, map[string]any{"grantee": g, "level": "read"}); r.status != 404 {
			t.Fatalf("stranger shared into %v: %d %s", g, r.status, r.body)
		}
	}
	ours := e.must(201, "POST", "/api/v1/contexts", owner.token, map[string]string{"name": "runbook"}).str("id")
	e.must(201, "POST", "/api/v1/contexts/"+ours+"/grants", owner.token, map[string]any{"grantee": map[string]string{"kind": "org", "name": "shareorg"}, "level": "read"})
	e.must(201, "POST", "/api/v1/contexts/"+ours+"/grants", owner.token, map[string]any{"grantee": map[string]string{"kind": "team", "id": team}, "level": "write"})
}

// Leaving an org leaves its teams; the last owner of a team must hand it
// on first, as for the org itself.
func TestLeavingOrgKeepsTeamOwners(t *testing.T) {
	e := newEnv(t)
	owner := e.newUser("lv-owner")
	lead := e.newUser("lv-lead")
	e.must(201, "POST", "/api/v1/orgs", owner.token, map[string]string{"name": "lvorg"})
	e.must(200, "PUT", "/api/v1/orgs/lvorg/members/"+lead.name, owner.token, map[string]string{"role": "member"})
	team := e.must(201, "POST", "/api/v1/orgs/lvorg/teams", owner.token, map[string]string{"name": "t"}).str("id")
	e.must(200, "PUT", "/api/v1/teams/"+team+"/members/"+lead.name, owner.token, map[string]string{"role": "owner"})
	// The org owner may also own the team (creators do): make the lead the only one.
	e.do("DELETE", "/api/v1/teams/"+team+"/members/"+owner.name, owner.token, nil)
	if r := e.do("POST", "/api/v1/orgs/lvorg/leave", lead.token, nil); r.status != 409 {
		t.Fatalf("last team owner left the org: %d %s", r.status, r.body)
	}
	e.must(200, "PUT", "/api/v1/teams/"+team+"/members/"+owner.name, owner.token, map[string]string{"role": "owner"})
	e.must(204, "POST", "/api/v1/orgs/lvorg/leave", lead.token, nil)
}

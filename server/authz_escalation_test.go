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

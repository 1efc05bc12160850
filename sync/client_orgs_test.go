package sync

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestOrgClientPathsAndShapes(t *testing.T) {
	var seen []string
	mux := http.NewServeMux()
	reply := func(pattern string, status int, body string) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer mem0_key" {
				t.Errorf("%s: no credential", pattern)
			}
			seen = append(seen, r.Method+" "+r.URL.RequestURI())
			if r.Method == "PUT" {
				var b map[string]string
				json.NewDecoder(r.Body).Decode(&b)
				body = strings.Replace(body, "ROLE", b["role"], 1)
			}
			w.WriteHeader(status)
			w.Write([]byte(body))
		})
	}
	reply("GET /api/v1/orgs/{org}/teams", 200, `{"teams":[{"id":"t1","org_id":"o1","org":"acme","name":"Backend","role":"none"},`+
		`{"id":"t2","org":"acme","name":"ops"},{"id":"t3","org":"acme","name":"Ops"}]}`)
	reply("PUT /api/v1/teams/{team}/members/{user}", 200, `{"user_id":"u2","username":"bob","role":"ROLE"}`)
	reply("GET /api/v1/orgs/{org}/audit", 200, `{"events":[{"id":7,"actor":"alice","action":"org.create","detail":{"name":"a b"}}],"next_before":"7"}`)
	reply("GET /api/v1/orgs/{org}", 404, `{"error":{"code":"not_found","message":"not found"}}`)
	reply("DELETE /api/v1/orgs/{org}/members/{user}", 409, `{"error":{"code":"conflict","message":"the last owner cannot leave or be demoted; make someone else an owner first"}}`)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c, err := NewClient(ClientOptions{BaseURL: ts.URL, APIKey: "mem0_key"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	team, err := c.FindTeam(ctx, "a b", "backend") // names match without regard to case
	if err != nil || team.ID != "t1" {
		t.Fatalf("FindTeam: %v %+v", err, team)
	}
	for name, want := range map[string]string{"frontend": "", "Ops": "t3", "ops": "t2", "OPS": ""} {
		team, err := c.FindTeam(ctx, "acme", name)
		if want == "" && (!errors.Is(err, ErrNoTeam) || !errors.Is(err, ErrNotFound)) || want != "" && (err != nil || team.ID != want) {
			t.Fatalf("FindTeam %s: %v %+v, want %q", name, err, team, want)
		}
	}
	if m, err := c.SetTeamMember(ctx, team.ID, "bob", "admin"); err != nil || m.Role != "admin" {
		t.Fatalf("SetTeamMember: %v %+v", err, m)
	}
	if _, err := c.SetTeamMember(ctx, team.ID, "bob", "boss"); err == nil {
		t.Fatal("a role the server does not know was sent")
	}
	page, err := c.OrgAudit(ctx, "acme", AuditQuery{Limit: 20, Before: 99})
	if err != nil || len(page.Events) != 1 || page.NextBefore != "7" || page.Events[0].Actor != "alice" || string(page.Events[0].Detail) != `{"name":"a b"}` {
		t.Fatalf("OrgAudit: %v %+v", err, page)
	}
	if _, err := c.GetOrg(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetOrg: %v", err)
	}
	var ae *APIError
	if err := c.RemoveOrgMember(ctx, "acme", "alice"); !errors.Is(err, ErrConflict) || !errors.As(err, &ae) || !strings.Contains(ae.Message, "last owner") {
		t.Fatalf("RemoveOrgMember: %v", err)
	}
	want := []string{
		"GET /api/v1/orgs/a%20b/teams",
		"GET /api/v1/orgs/acme/teams",
		"GET /api/v1/orgs/acme/teams",
		"GET /api/v1/orgs/acme/teams",
		"GET /api/v1/orgs/acme/teams",
		"PUT /api/v1/teams/t1/members/bob",
		"GET /api/v1/orgs/acme/audit?before=99&limit=20",
		"GET /api/v1/orgs/nope",
		"DELETE /api/v1/orgs/acme/members/alice",
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

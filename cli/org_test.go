package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// orgServer is the org, team and audit part of the team server's API in
// memory, for one caller (alice) whose role in org acme a test sets.
type orgServer struct {
	mu      sync.Mutex
	ts      *httptest.Server
	role    string            // alice's role in acme; "" means she is not in it
	members map[string]string // acme's members and roles, alice included
	teams   map[string]bool   // acme's team names (ids are "t-"+name)
	events  int               // how many audit events there are
	deleted []string
}

func newOrgServer(t *testing.T, role string) *orgServer {
	s := &orgServer{role: role, members: map[string]string{"alice": role, "bob": "member"}, teams: map[string]bool{"backend": true}, events: 120}
	fail := func(w http.ResponseWriter, status int, code, msg string) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	}
	ok := func(w http.ResponseWriter, v any) { json.NewEncoder(w).Encode(v) }
	created := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	org := func(w http.ResponseWriter, r *http.Request, need string) bool {
		if r.Header.Get("Authorization") != "Bearer access-1" {
			fail(w, 401, "invalid_token", "the access token has expired")
			return false
		}
		if (r.PathValue("org") != "acme" && r.PathValue("org") != "o1") || s.role == "" {
			fail(w, 404, "not_found", "not found")
			return false
		}
		rank := map[string]int{"viewer": 1, "member": 2, "admin": 3, "owner": 4}
		if rank[s.role] < rank[need] {
			fail(w, 403, "forbidden", "you do not have permission to do that")
			return false
		}
		return true
	}
	teamJSON := func(name string) map[string]any {
		return map[string]any{"id": "t-" + name, "org_id": "o1", "org": "acme", "name": name, "created_at": created, "role": "none"}
	}
	mux := http.NewServeMux()
	handle := func(pattern string, h func(http.ResponseWriter, *http.Request)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			defer s.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			h(w, r)
		})
	}
	handle("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		ok(w, map[string]any{"user": map[string]any{"id": "u1", "username": "alice"}, "auth": "session"})
	})
	handle("GET /api/v1/orgs", func(w http.ResponseWriter, r *http.Request) {
		orgs := []any{}
		if s.role != "" {
			orgs = append(orgs, map[string]any{"id": "o1", "name": "acme", "created_at": created, "role": s.role})
		}
		ok(w, map[string]any{"orgs": orgs})
	})
	handle("POST /api/v1/orgs", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]string
		json.NewDecoder(r.Body).Decode(&req)
		if req["name"] == "acme" {
			fail(w, 409, "conflict", "an org with that name exists")
			return
		}
		w.WriteHeader(201)
		ok(w, map[string]any{"id": "o2", "name": req["name"], "created_at": created, "role": "owner"})
	})
	handle("GET /api/v1/orgs/{org}", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "viewer") {
			ok(w, map[string]any{"id": "o1", "name": "acme", "created_at": created, "role": s.role})
		}
	})
	handle("DELETE /api/v1/orgs/{org}", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "owner") {
			s.deleted = append(s.deleted, "org "+r.PathValue("org"))
			w.WriteHeader(204)
		}
	})
	handle("GET /api/v1/orgs/{org}/members", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "viewer") {
			ms := []any{}
			for _, u := range []string{"alice", "bob", "carol"} {
				if role, in := s.members[u]; in {
					ms = append(ms, map[string]string{"user_id": "u-" + u, "username": u, "role": role})
				}
			}
			ok(w, map[string]any{"members": ms})
		}
	})
	handle("PUT /api/v1/orgs/{org}/members/{user}", func(w http.ResponseWriter, r *http.Request) {
		if !org(w, r, "admin") {
			return
		}
		var req map[string]string
		json.NewDecoder(r.Body).Decode(&req)
		u := r.PathValue("user")
		if u == "nobody" {
			fail(w, 404, "not_found", "no user with that name")
			return
		}
		if u == "alice" && req["role"] != "owner" {
			fail(w, 409, "conflict", "the last owner cannot leave or be demoted; make someone else an owner first")
			return
		}
		s.members[u] = req["role"]
		ok(w, map[string]string{"user_id": "u-" + u, "username": u, "role": req["role"]})
	})
	handle("DELETE /api/v1/orgs/{org}/members/{user}", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "admin") {
			delete(s.members, r.PathValue("user"))
			w.WriteHeader(204)
		}
	})
	handle("POST /api/v1/orgs/{org}/leave", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "viewer") {
			delete(s.members, "alice")
			s.deleted = append(s.deleted, "left")
			w.WriteHeader(204)
		}
	})
	handle("GET /api/v1/orgs/{org}/teams", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "viewer") {
			ts := []any{}
			for name := range s.teams {
				ts = append(ts, teamJSON(name))
			}
			ok(w, map[string]any{"teams": ts})
		}
	})
	handle("POST /api/v1/orgs/{org}/teams", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "admin") {
			var req map[string]string
			json.NewDecoder(r.Body).Decode(&req)
			s.teams[req["name"]] = true
			w.WriteHeader(201)
			tj := teamJSON(req["name"])
			tj["role"] = "owner"
			ok(w, tj)
		}
	})
	handle("GET /api/v1/teams/{team}/members", func(w http.ResponseWriter, r *http.Request) {
		ok(w, map[string]any{"members": []any{map[string]string{"user_id": "u-bob", "username": "bob", "role": "owner"}}})
	})
	handle("DELETE /api/v1/teams/{team}", func(w http.ResponseWriter, r *http.Request) {
		s.deleted = append(s.deleted, "team "+r.PathValue("team"))
		w.WriteHeader(204)
	})
	audit := func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		before, _ := strconv.Atoi(r.URL.Query().Get("before"))
		if before == 0 {
			before = s.events + 1
		}
		events := []any{}
		for id := before - 1; id >= 1 && len(events) < limit; id-- {
			// One event an hour back from noon.
			at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC).Add(-time.Duration(s.events-id) * time.Hour)
			events = append(events, map[string]any{"id": id, "at": at, "actor": "alice", "action": "org.role_change",
				"target_type": "user", "target_id": "u-bob", "ip": "127.0.0.1",
				"detail": map[string]any{"org": "o1", "username": "bob", "from": "member", "to": "admin"}})
		}
		out := map[string]any{"events": events}
		if len(events) == limit {
			out["next_before"] = fmt.Sprint(before - limit)
		}
		ok(w, out)
	}
	handle("GET /api/v1/me/audit", audit)
	handle("GET /api/v1/orgs/{org}/audit", func(w http.ResponseWriter, r *http.Request) {
		if org(w, r, "admin") {
			audit(w, r)
		}
	})
	s.ts = httptest.NewServer(mux)
	t.Cleanup(s.ts.Close)
	return s
}

// loggedIn is a test factory holding a session for the org server.
func loggedIn(t *testing.T, s *orgServer, tty bool) *testFactory {
	t.Helper()
	useKeyring(t, &memKeyring{})
	tf := newTestFactory(t, tty)
	tf.env["MEM0_SERVER"] = s.ts.URL
	cs, err := tf.credentialStore()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cs.Save(&Credentials{Server: s.ts.URL, Username: "alice", AccessToken: "access-1", RefreshToken: "mem0r_1"}); err != nil {
		t.Fatal(err)
	}
	return tf
}

// Layer 1: flags and arguments become options.

func TestOrgTeamFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	run := func(cmd *cobra.Command, args ...string) {
		t.Helper()
		cmd.SetArgs(append([]string{}, args...)) // never nil: cobra would read os.Args
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%s %v: %v", cmd.Name(), args, err)
		}
	}
	var ma *MemberAddOptions
	run(NewCmdOrgMemberAdd(tf.Factory, func(_ context.Context, o *MemberAddOptions) error { ma = o; return nil }), "acme", "bob")
	if ma.Group != (group{Org: "acme"}) || ma.Username != "bob" || ma.Role != "member" || ma.JSON {
		t.Fatalf("org member add: %+v", ma)
	}
	run(NewCmdTeamMemberAdd(tf.Factory, func(_ context.Context, o *MemberAddOptions) error { ma = o; return nil }), "acme/backend", "carol", "-r", "viewer", "--json", "--server", "h:1")
	if ma.Group != (group{Org: "acme", Team: "backend"}) || ma.Username != "carol" || ma.Role != "viewer" || !ma.JSON || ma.Server != "h:1" {
		t.Fatalf("team member add: %+v", ma)
	}
	var mr *MemberRoleOptions
	run(NewCmdTeamMemberRole(tf.Factory, func(_ context.Context, o *MemberRoleOptions) error { mr = o; return nil }), "acme/backend", "bob", "admin")
	if mr.Group.Team != "backend" || mr.Username != "bob" || mr.Role != "admin" {
		t.Fatalf("team member role: %+v", mr)
	}
	var mx *MemberRmOptions
	run(NewCmdOrgMemberRm(tf.Factory, func(_ context.Context, o *MemberRmOptions) error { mx = o; return nil }), "acme", "bob")
	if mx.Group.Org != "acme" || mx.Username != "bob" {
		t.Fatalf("org member rm: %+v", mx)
	}
	var ml *MemberListOptions
	run(NewCmdTeamMemberList(tf.Factory, func(_ context.Context, o *MemberListOptions) error { ml = o; return nil }), "acme/backend", "--json")
	if ml.Group.Team != "backend" || !ml.JSON {
		t.Fatalf("team member list: %+v", ml)
	}
	var orm *OrgRmOptions
	run(NewCmdOrgRm(tf.Factory, func(_ context.Context, o *OrgRmOptions) error { orm = o; return nil }), "acme", "-y")
	if orm.Org.Org != "acme" || !orm.Yes {
		t.Fatalf("org rm: %+v", orm)
	}
	var trm *TeamRmOptions
	run(NewCmdTeamRm(tf.Factory, func(_ context.Context, o *TeamRmOptions) error { trm = o; return nil }), "acme/backend")
	if trm.Team != (group{Org: "acme", Team: "backend"}) || trm.Yes {
		t.Fatalf("team rm: %+v", trm)
	}
	var tl *TeamListOptions
	run(NewCmdTeamList(tf.Factory, func(_ context.Context, o *TeamListOptions) error { tl = o; return nil }))
	if tl.Org.Org != "" {
		t.Fatalf("team list: %+v", tl)
	}
	var ao *AuditOptions
	run(NewCmdAudit(tf.Factory, func(_ context.Context, o *AuditOptions) error { ao = o; return nil }), "--org", "acme", "-n", "7", "--since", "2d", "--json")
	if ao.Org != "acme" || ao.Limit != 7 || !ao.Since.Equal(tf.Now().AddDate(0, 0, -2)) || !ao.JSON {
		t.Fatalf("audit: %+v", ao)
	}
	run(NewCmdAudit(tf.Factory, func(_ context.Context, o *AuditOptions) error { ao = o; return nil }))
	if ao.Org != "" || ao.Limit != 50 || !ao.Since.IsZero() {
		t.Fatalf("audit defaults: %+v", ao)
	}
}

func TestOrgTeamUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"org", "create"}, "takes an org name"},
		{[]string{"org", "show", "acme/backend"}, "is not an org name"},
		{[]string{"team", "show", "acme"}, "name it ORG/TEAM"},
		{[]string{"team", "create", "acme/"}, "name it ORG/TEAM"},
		{[]string{"team", "rm", "a/b/c"}, "name it ORG/TEAM"},
		{[]string{"org", "member", "add", "acme", "bob", "--role", "boss"}, `--role "boss": use owner, admin, member or viewer`},
		{[]string{"team", "member", "role", "acme/backend", "bob", "chief"}, `role "chief"`},
		{[]string{"org", "member", "add", "acme"}, "takes ORG and a username"},
		{[]string{"audit", "--limit", "0"}, "--limit 0"},
		{[]string{"audit", "--since", "soon"}, `cannot read time "soon"`},
		{[]string{"audit", "acme"}, "name an org with --org"},
	}
	for _, c := range cases {
		tf := newTestFactory(t, false)
		if code := tf.run(t, c.args...); code != ExitUsage || !strings.Contains(tf.errOut.String(), c.want) {
			t.Errorf("mem0 %s: exit %d, %q; want exit 2 and %q", strings.Join(c.args, " "), code, tf.errOut, c.want)
		}
	}
}

// Layer 2: behaviour against the fake server, terminal on and off.

func TestOrgCommandsWithAndWithoutTTY(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(map[bool]string{false: "piped", true: "tty"}[tty], func(t *testing.T) {
			s := newOrgServer(t, "owner")
			tf := loggedIn(t, s, tty)

			out := tf.mustRun(t, "org", "list")
			if tty {
				if !strings.HasPrefix(out, "NAME  ROLE") || !strings.Contains(out, "acme  owner") || !strings.Contains(out, "2 hours ago") {
					t.Fatalf("tty org list:\n%s", out)
				}
			} else if out != "acme\towner\to1\t2026-11-28T10:00:00Z\n" {
				t.Fatalf("piped org list: %q", out)
			}
			var orgs []map[string]any
			if err := json.Unmarshal([]byte(tf.mustRun(t, "org", "list", "--json")), &orgs); err != nil || len(orgs) != 1 || orgs[0]["role"] != "owner" {
				t.Fatalf("org list --json: %v %v", err, orgs)
			}

			tf.mustRun(t, "org", "create", "globex")
			if tf.errOut.String() != "Created org globex; you are its owner.\n" {
				t.Fatalf("org create: %q", tf.errOut)
			}
			if code := tf.run(t, "org", "create", "acme"); code != 1 || tf.errOut.String() != "mem0: an org with that name exists\n" {
				t.Fatalf("org create taken: %d %q", code, tf.errOut)
			}

			out = tf.mustRun(t, "org", "show", "acme")
			if tty {
				if !strings.Contains(out, "your role: owner") || !strings.Contains(out, "teams:     backend") || !strings.Contains(out, "members:   2: alice (owner), bob (member)") {
					t.Fatalf("tty org show:\n%s", out)
				}
			} else if !strings.Contains(out, "name\tacme\n") || !strings.Contains(out, "members\talice:owner,bob:member\n") {
				t.Fatalf("piped org show: %q", out)
			}

			tf.mustRun(t, "org", "member", "add", "acme", "carol", "--role", "admin")
			if tf.errOut.String() != "carol is now an admin of org acme.\n" {
				t.Fatalf("member add: %q", tf.errOut)
			}
			tf.mustRun(t, "org", "member", "role", "acme", "carol", "viewer")
			if tf.errOut.String() != "carol is now a viewer of org acme (was admin).\n" {
				t.Fatalf("member role: %q", tf.errOut)
			}
			out = tf.mustRun(t, "org", "member", "list", "acme")
			if tty {
				if !strings.HasPrefix(out, "USERNAME  ROLE") || !strings.Contains(out, "carol     viewer  u-carol") {
					t.Fatalf("tty member list:\n%s", out)
				}
			} else if out != "alice\towner\tu-alice\nbob\tmember\tu-bob\ncarol\tviewer\tu-carol\n" {
				t.Fatalf("piped member list: %q", out)
			}
			if code := tf.run(t, "org", "member", "role", "acme", "alice", "admin"); code != 1 ||
				tf.errOut.String() != "mem0: the last owner cannot leave or be demoted; make someone else an owner first\n" {
				t.Fatalf("demote the last owner: %d %q", code, tf.errOut)
			}
			if code := tf.run(t, "org", "member", "add", "acme", "nobody"); code != 1 || !strings.Contains(tf.errOut.String(), "no user with that name") {
				t.Fatalf("add nobody: %d %q", code, tf.errOut)
			}
			tf.mustRun(t, "org", "member", "rm", "acme", "carol")
			if tf.errOut.String() != "Removed carol from org acme.\n" {
				t.Fatalf("member rm: %q", tf.errOut)
			}

			// Not there, or not visible: the same sentence.
			if code := tf.run(t, "org", "show", "initech"); code != 1 || tf.errOut.String() != "mem0: no org initech, or you cannot see it\n" {
				t.Fatalf("org show unknown: %d %q", code, tf.errOut)
			}
		})
	}
}

func TestOrgForbiddenExitsFour(t *testing.T) {
	s := newOrgServer(t, "member")
	tf := loggedIn(t, s, false)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"org", "member", "add", "acme", "carol"}, "mem0: you cannot add members to org acme: that takes the org's admin role\n"},
		{[]string{"team", "create", "acme/frontend"}, "mem0: you cannot create teams in org acme: that takes the org's admin role\n"},
		{[]string{"audit", "--org", "acme"}, "mem0: you cannot read the audit log of org acme: that takes the org's admin role\n"},
		{[]string{"org", "rm", "acme", "--yes"}, "mem0: you cannot delete org acme: that takes the org's owner role\n"},
	} {
		if code := tf.run(t, c.args...); code != ExitAuth || tf.errOut.String() != c.want {
			t.Errorf("mem0 %s: exit %d %q, want 4 %q", strings.Join(c.args, " "), code, tf.errOut, c.want)
		}
	}
	// Removing yourself is leaving, which a member may do.
	tf.mustRun(t, "org", "member", "rm", "acme", "alice")
	if tf.errOut.String() != "You left org acme.\n" || s.deleted[len(s.deleted)-1] != "left" {
		t.Fatalf("leave: %q %v", tf.errOut, s.deleted)
	}
	// With an API key mem0 does not know the username: the refusal of the
	// removal makes it ask the server, and then leave.
	tf.env["MEM0_API_KEY"] = "access-1"
	s.members["alice"] = "member"
	tf.mustRun(t, "org", "member", "rm", "acme", "alice")
	if tf.errOut.String() != "You left org acme.\n" || s.members["alice"] != "" {
		t.Fatalf("leave with a key: %q %v", tf.errOut, s.members)
	}
	if code := tf.run(t, "org", "member", "add", "acme", "carol"); code != ExitAuth || !strings.Contains(tf.errOut.String(), "(this is an API key: ") {
		t.Fatalf("forbidden with a key: %d %q", code, tf.errOut)
	}
	delete(tf.env, "MEM0_API_KEY")
	// Not in the org at all: not found, exit 1.
	s.role = ""
	if code := tf.run(t, "team", "list", "acme"); code != 1 || tf.errOut.String() != "mem0: no org acme, or you cannot see it\n" {
		t.Fatalf("team list of a hidden org: %d %q", code, tf.errOut)
	}
}

func TestTeamCommandsWithAndWithoutTTY(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(map[bool]string{false: "piped", true: "tty"}[tty], func(t *testing.T) {
			s := newOrgServer(t, "admin")
			tf := loggedIn(t, s, tty)
			tf.mustRun(t, "team", "create", "acme/frontend")
			if tf.errOut.String() != "Created team acme/frontend; you are its owner.\n" {
				t.Fatalf("team create: %q", tf.errOut)
			}
			var teams []map[string]any
			if err := json.Unmarshal([]byte(tf.mustRun(t, "team", "list", "--json")), &teams); err != nil || len(teams) != 2 {
				t.Fatalf("team list --json: %v %v", err, teams)
			}
			out := tf.mustRun(t, "team", "show", "acme/Backend")
			if tty {
				if !strings.Contains(out, "team:      acme/backend") || !strings.Contains(out, "members:   1: bob (owner)") {
					t.Fatalf("tty team show:\n%s", out)
				}
			} else if !strings.Contains(out, "id\tt-backend\n") || !strings.Contains(out, "members\tbob:owner\n") {
				t.Fatalf("piped team show: %q", out)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(tf.mustRun(t, "team", "show", "acme/backend", "--json")), &v); err != nil || v["org"] != "acme" || len(v["members"].([]any)) != 1 {
				t.Fatalf("team show --json: %v %v", err, v)
			}
			if code := tf.run(t, "team", "show", "acme/nope"); code != 1 || tf.errOut.String() != "mem0: no team acme/nope, or you cannot see it\n" {
				t.Fatalf("unknown team: %d %q", code, tf.errOut)
			}

			// rm: typed confirmation on a terminal, --yes otherwise.
			if tty {
				tf.in.WriteString("acme/back\n")
				if code := tf.run(t, "team", "rm", "acme/backend"); code != ExitUsage || !strings.Contains(tf.errOut.String(), "Type acme/backend to confirm: ") ||
					!strings.Contains(tf.errOut.String(), "not deleted") || len(s.deleted) != 0 {
					t.Fatalf("rm not confirmed: %d %q %v", code, tf.errOut, s.deleted)
				}
				tf.in.WriteString("acme/backend\n")
				tf.mustRun(t, "team", "rm", "acme/backend")
			} else {
				if code := tf.run(t, "team", "rm", "acme/backend"); code != ExitUsage || !strings.Contains(tf.errOut.String(), "needs --yes") || len(s.deleted) != 0 {
					t.Fatalf("rm without --yes: %d %q", code, tf.errOut)
				}
				tf.mustRun(t, "team", "rm", "acme/backend", "--yes")
			}
			if tf.errOut.String() != "Deleted team acme/backend.\n" && !strings.HasSuffix(tf.errOut.String(), "Deleted team acme/backend.\n") || s.deleted[0] != "team t-backend" {
				t.Fatalf("team rm: %q %v", tf.errOut, s.deleted)
			}
		})
	}
}

func TestAuditPagesLimitsAndSince(t *testing.T) {
	for _, tty := range []bool{false, true} {
		s := newOrgServer(t, "admin")
		tf := loggedIn(t, s, tty)
		out := tf.mustRun(t, "audit")
		if n := strings.Count(out, "\n"); (tty && n != 51) || (!tty && n != 50) {
			t.Fatalf("tty=%v: default limit gave %d lines", tty, n)
		}
		if tty {
			if !strings.Contains(out, "just now      alice  org.role_change  user bob  member → admin\n") {
				t.Fatalf("tty audit:\n%s", out)
			}
		} else if !strings.HasPrefix(out, "2026-11-28T12:00:00Z\talice\torg.role_change\tuser bob\t"+
			`{"from":"member","org":"o1","to":"admin","username":"bob"}`+"\t127.0.0.1\n") {
			t.Fatalf("piped audit: %q", out)
		}
	}
	s := newOrgServer(t, "admin")
	tf := loggedIn(t, s, true)
	// On a terminal, team ids in an org's log become names.
	e := syncapiAuditEvent(`{"team": "t-backend", "username": "bob", "from": "none", "to": "viewer", "org": "o1"}`)
	if got := auditDetail(e, map[string]string{"t-backend": "acme/backend"}); got != "role viewer team=acme/backend" {
		t.Fatalf("auditDetail: %q", got)
	}
	if out := tf.mustRun(t, "audit", "--org", "acme", "-n", "1"); !strings.Contains(out, "user bob  member → admin\n") {
		t.Fatalf("tty org audit:\n%s", out)
	}
	tf = loggedIn(t, s, false)
	// More than one page of the server (500 at most): all 120 come.
	var events []map[string]any
	if err := json.Unmarshal([]byte(tf.mustRun(t, "audit", "--org", "acme", "--limit", "1000", "--json")), &events); err != nil || len(events) != 120 {
		t.Fatalf("audit --limit 1000: %v %d", err, len(events))
	}
	// --since stops at the first older event: noon back to 02:00 is 11 hourly events.
	if err := json.Unmarshal([]byte(tf.mustRun(t, "audit", "--since", "10h", "--json")), &events); err != nil || len(events) != 11 {
		t.Fatalf("audit --since 10h: %v %d", err, len(events))
	}
}

func syncapiAuditEvent(detail string) syncapi.AuditEvent {
	return syncapi.AuditEvent{Action: "team.member_add", TargetType: "user", Detail: json.RawMessage(detail)}
}

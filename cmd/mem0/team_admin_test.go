package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTeamAdministration runs the org, team and audit commands of the real
// binary against a real server and PostgreSQL: an owner, a member and a
// viewer, each on their own machine.
func TestTeamAdministration(t *testing.T) {
	url, _ := teamServer(t)
	const pw = "correct horse battery"
	owner, bob, carol := newMachine(t), newMachine(t), newMachine(t)
	for m, name := range map[*machine]string{owner: "alice", bob: "bob", carol: "carol"} {
		m.must(pw+"\n", nil, "register", "--server", url, "-u", name, "--password-stdin")
	}

	// The owner creates an org and a team.
	r := owner.must("", nil, "org", "create", "acme")
	if !strings.Contains(r.stderr, "Created org acme; you are its owner.") {
		t.Fatalf("org create: %+v", r)
	}
	owner.fails(1, "an org with that name exists", "", nil, "org", "create", "acme")
	owner.fails(2, "not an org name", "", nil, "org", "create", "acme/x")
	var team struct{ ID, Org, Name, Role string }
	if err := json.Unmarshal([]byte(owner.must("", nil, "team", "create", "acme/backend", "--json").stdout), &team); err != nil ||
		team.Org != "acme" || team.Name != "backend" || team.Role != "owner" || team.ID == "" {
		t.Fatalf("team create --json: %v %+v", err, team)
	}

	// Members: bob as a member, carol as a viewer; roles checked before
	// any request; then both in the team.
	owner.fails(2, `--role "boss"`, "", nil, "org", "member", "add", "acme", "bob", "--role", "boss")
	owner.fails(1, "no user with that name", "", nil, "org", "member", "add", "acme", "nobody")
	owner.fails(1, "carol is not a member of the team's org", "", nil, "team", "member", "add", "acme/backend", "carol")
	owner.must("", nil, "org", "member", "add", "acme", "bob")
	r = owner.must("", nil, "org", "member", "add", "acme", "carol", "--role", "viewer")
	if !strings.Contains(r.stderr, "carol is now a viewer of org acme.") {
		t.Fatalf("member add: %+v", r)
	}
	owner.must("", nil, "team", "member", "add", "acme/backend", "bob")
	owner.must("", nil, "team", "member", "add", "acme/backend", "carol", "--role", "viewer")
	if r := owner.must("", nil, "org", "member", "list", "acme"); !strings.HasPrefix(r.stdout, "alice\towner\t") ||
		!strings.Contains(r.stdout, "\nbob\tmember\t") || !strings.Contains(r.stdout, "\ncarol\tviewer\t") {
		t.Fatalf("org member list: %q", r.stdout)
	}

	// What each of them sees.
	if r := bob.must("", nil, "org", "list"); !strings.HasPrefix(r.stdout, "acme\tmember\t") {
		t.Fatalf("bob's org list: %q", r.stdout)
	}
	if r := carol.must("", nil, "team", "list"); !strings.HasPrefix(r.stdout, "acme/backend\tviewer\t"+team.ID+"\t") {
		t.Fatalf("carol's team list: %q", r.stdout)
	}
	var shown struct {
		Name    string
		Role    string
		Teams   []struct{ Name string }
		Members []struct{ Username, Role string }
	}
	if err := json.Unmarshal([]byte(bob.must("", nil, "org", "show", "acme", "--json").stdout), &shown); err != nil ||
		shown.Name != "acme" || shown.Role != "member" || len(shown.Teams) != 1 || len(shown.Members) != 3 {
		t.Fatalf("org show --json: %v %+v", err, shown)
	}
	if r := carol.must("", nil, "team", "show", "acme/backend"); !strings.Contains(r.stdout, "name\tacme/backend\n") ||
		!strings.Contains(r.stdout, "members\talice:owner,bob:member,carol:viewer\n") {
		t.Fatalf("team show: %q", r.stdout)
	}
	var ms []struct{ Username, Role string }
	if err := json.Unmarshal([]byte(carol.must("", nil, "team", "member", "list", "acme/backend", "--json").stdout), &ms); err != nil || len(ms) != 3 {
		t.Fatalf("team member list --json: %v %v", err, ms)
	}

	// Role changes, by the owner.
	r = owner.must("", nil, "org", "member", "role", "acme", "carol", "member")
	if !strings.Contains(r.stderr, "carol is now a member of org acme (was viewer).") {
		t.Fatalf("member role: %+v", r)
	}
	owner.must("", nil, "team", "member", "role", "acme/backend", "bob", "admin")
	owner.fails(1, "nobody is not a member of org acme", "", nil, "org", "member", "role", "acme", "nobody", "admin")

	// A member tries admin actions: exit 4 and one sentence each.
	bob.fails(4, "you cannot add members to org acme: that takes the org's admin role", "", nil, "org", "member", "add", "acme", "dave")
	bob.fails(4, "you cannot change roles in org acme", "", nil, "org", "member", "role", "acme", "carol", "admin")
	bob.fails(4, "you cannot create teams in org acme", "", nil, "team", "create", "acme/frontend")
	bob.fails(4, "you cannot read the audit log of org acme", "", nil, "audit", "--org", "acme")
	bob.fails(4, "you cannot delete org acme", "", nil, "org", "rm", "acme", "--yes")
	carol.fails(4, "you cannot add members to team acme/backend", "", nil, "team", "member", "add", "acme/backend", "bob", "--role", "viewer")
	// bob is a team admin: he manages the team, but not its owners.
	bob.must("", nil, "team", "member", "role", "acme/backend", "carol", "member")
	bob.fails(4, "only owners can add, remove, promote or demote owners", "", nil, "team", "member", "role", "acme/backend", "alice", "member")
	// An org nobody let you see looks like one that does not exist.
	dave := newMachine(t)
	dave.must(pw+"\n", nil, "register", "--server", url, "-u", "dave", "--password-stdin")
	dave.fails(1, "no org acme, or you cannot see it", "", nil, "org", "show", "acme")
	dave.fails(1, "no team acme/backend, or you cannot see it", "", nil, "team", "show", "acme/backend")
	dave.fails(1, "no org nope, or you cannot see it", "", nil, "org", "member", "list", "nope")
	owner.fails(1, "no team acme/nope, or you cannot see it", "", nil, "team", "show", "acme/nope")

	// The last owner can neither be demoted nor leave: the server's words.
	owner.fails(1, "the last owner cannot leave or be demoted", "", nil, "org", "member", "role", "acme", "alice", "admin")
	owner.fails(1, "the last owner cannot leave or be demoted", "", nil, "org", "member", "rm", "acme", "alice")
	owner.fails(1, "the last owner cannot leave or be demoted", "", nil, "team", "member", "rm", "acme/backend", "alice")
	// A member leaves a team by removing themselves.
	if r := carol.must("", nil, "team", "member", "rm", "acme/backend", "carol"); !strings.Contains(r.stderr, "You left team acme/backend.") {
		t.Fatalf("leave: %+v", r)
	}

	// The audit log: the org's for its owner, one's own for everyone.
	r = owner.must("", nil, "audit", "--org", "acme")
	for _, want := range []string{"\talice\torg.create\torg acme\t", "\talice\tteam.create\tteam backend\t",
		"\talice\torg.member_add\tuser carol\t", "\talice\torg.role_change\tuser carol\t", "\tcarol\tteam.leave\tuser carol\t"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("audit --org misses %q:\n%s", want, r.stdout)
		}
	}
	var events []struct {
		Action string
		Actor  string
		Detail map[string]any
	}
	if err := json.Unmarshal([]byte(owner.must("", nil, "audit", "--org", "acme", "--json", "--limit", "2").stdout), &events); err != nil ||
		len(events) != 2 || events[0].Action != "team.leave" {
		t.Fatalf("audit --json --limit 2: %v %+v", err, events)
	}
	if r := owner.must("", nil, "audit", "--org", "acme", "--since", "2000-01-01"); strings.Count(r.stdout, "\n") < 8 {
		t.Fatalf("audit --since: %q", r.stdout)
	}
	if r := bob.must("", nil, "audit", "--since", "1h"); !strings.Contains(r.stdout, "\talice\torg.member_add\tuser bob\t") ||
		!strings.Contains(r.stdout, "\tbob\tuser.register\t") {
		t.Fatalf("bob's own audit: %q", r.stdout)
	}

	// rm: --yes needed without a terminal; a team, then the org.
	owner.fails(2, "needs --yes when there is no terminal", "", nil, "team", "rm", "acme/backend")
	if r := owner.must("", nil, "team", "rm", "acme/backend", "--yes"); !strings.Contains(r.stderr, "Deleted team acme/backend.") {
		t.Fatalf("team rm: %+v", r)
	}
	owner.fails(1, "no team acme/backend, or you cannot see it", "", nil, "team", "show", "acme/backend")
	owner.fails(2, "needs --yes", "", nil, "org", "rm", "acme")
	owner.must("", nil, "org", "rm", "acme", "--yes")
	if r := bob.must("", nil, "org", "list", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("org list after rm: %q", r.stdout)
	}
}

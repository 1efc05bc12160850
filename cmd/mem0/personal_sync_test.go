package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// TestPersonalSync: with sync.personal on, one user's machines share their
// personal contexts through the server, each context once ("default" is one
// context everywhere, not one per machine), and nobody else sees them.
func TestPersonalSync(t *testing.T) {
	srv := newSyncServer(t)
	const pw = "correct horse battery"
	laptop, desktop, eve := newMachine(t), newMachine(t), newMachine(t)
	laptop.must(pw+"\n", nil, "register", "--server", srv.url, "-u", "dana", "--password-stdin")
	desktop.must(pw+"\n", nil, "login", "--server", srv.url, "-u", "dana", "--password-stdin")
	eve.must(pw+"\n", nil, "register", "--server", srv.url, "-u", "eve", "--password-stdin")
	for _, m := range []*machine{laptop, desktop, eve} {
		m.must("", nil, "config", "set", "sync.auto", "false")
	}
	// Without sync.personal nothing personal leaves the machine.
	laptop.must("", nil, "add", "laptop note")
	laptop.must("", nil, "sync")
	desktop.must("", nil, "sync")
	if v := desktop.view("default"); len(v) != 0 {
		t.Fatalf("a personal memory reached another machine with sync.personal off: %v", v)
	}

	for _, m := range []*machine{laptop, desktop} {
		m.must("", nil, "config", "set", "sync.personal", "true")
	}
	laptop.must("", nil, "add", "work from the laptop", "--context", "work")
	desktop.must("", nil, "add", "desktop note")
	laptop.must("", nil, "sync")
	r := desktop.must("", nil, "sync")
	if !strings.Contains(r.stderr, "Merged personal context default") {
		t.Fatalf("desktop's first personal sync: %+v", r)
	}
	laptop.must("", nil, "sync")

	for _, m := range []*machine{laptop, desktop} {
		if d := sameView(laptop.view("default"), desktop.view("default")); d != "" {
			t.Fatalf("default differs between the machines:\n%s", d)
		}
		var got []string
		for _, st := range m.view("default") {
			got = append(got, st.Content)
		}
		sort.Strings(got)
		if strings.Join(got, "|") != "desktop note|laptop note" {
			t.Fatalf("default holds %q", got)
		}
		if v := m.view("work"); len(v) != 1 {
			t.Fatalf("work holds %d memories", len(v))
		}
		var cs []struct{ Name string }
		if err := json.Unmarshal([]byte(m.must("", nil, "context", "list", "--json").stdout), &cs); err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if strings.Contains(c.Name, "-2") || strings.Contains(c.Name, "/") {
				t.Fatalf("a duplicate or foreign context appeared: %+v", cs)
			}
		}
	}
	// Private to dana: eve's sync gains nothing.
	if r := eve.must("", nil, "sync"); strings.Contains(r.stderr, "New shared context") {
		t.Fatalf("eve gained dana's personal contexts: %+v", r)
	}
	if v := eve.view("default"); len(v) != 0 {
		t.Fatalf("eve sees %v", v)
	}
}

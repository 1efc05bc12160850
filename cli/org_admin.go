package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/charmbracelet/lipgloss"

	syncapi "github.com/mem0dev/mem0/sync"
)

// What the org and team commands share: naming an org or a team, getting
// an authenticated client, wording the server's refusals, and confirming
// deletions.

// group names an org ("acme") or a team of an org ("acme/backend").
type group struct {
	Org  string
	Team string // empty for an org
}

func (g group) kind() string {
	if g.Team != "" {
		return "team"
	}
	return "org"
}

func (g group) String() string {
	if g.Team != "" {
		return g.Org + "/" + g.Team
	}
	return g.Org
}

// parseOrg checks an org name argument.
func parseOrg(arg string) (group, error) {
	s := strings.TrimSpace(arg)
	if s == "" || strings.Contains(s, "/") {
		return group{}, usageErrorf("%q is not an org name (teams are ORG/TEAM and have their own commands: mem0 team)", arg)
	}
	return group{Org: s}, nil
}

// parseTeam reads ORG/TEAM.
func parseTeam(arg string) (group, error) {
	org, team, ok := strings.Cut(strings.TrimSpace(arg), "/")
	org, team = strings.TrimSpace(org), strings.TrimSpace(team)
	if !ok || org == "" || team == "" || strings.Contains(team, "/") {
		return group{}, usageErrorf("%q is not a team: name it ORG/TEAM, e.g. acme/backend", arg)
	}
	return group{Org: org, Team: team}, nil
}

// checkRole refuses a role the server would not know, before any request.
func checkRole(role string) error {
	if !syncapi.ValidRole(role) {
		return usageErrorf("--role %q: use owner, admin, member or viewer", role)
	}
	return nil
}

// serverClient is a client of the team server (--server, or the configured
// one) with the credential held for it.
func serverClient(f *Factory, server string) (*syncapi.Client, error) {
	r, err := f.Remote(server)
	if err != nil {
		return nil, err
	}
	return r.Client()
}

// findTeam resolves ORG/TEAM to the server's team.
func findTeam(ctx context.Context, c *syncapi.Client, g group) (*syncapi.Team, error) {
	t, err := c.FindTeam(ctx, g.Org, g.Team)
	if err != nil {
		return nil, adminError(err, g, "see the team", "")
	}
	return t, nil
}

// needRole words the role an action on g takes: role in an org; in a
// team, role there or (org management includes teams) in the org.
func needRole(g group, role string) string {
	switch {
	case g.Team == "":
		return "the org's " + role + " role"
	case role == "owner":
		return "the team's or the org's owner role"
	}
	return "the team's " + role + " role or the org's admin role"
}

// forbiddenError is a refusal worded for the user; it exits with code 4.
type forbiddenError struct{ msg string }

func (e *forbiddenError) Error() string        { return e.msg }
func (e *forbiddenError) Is(target error) bool { return target == ErrAuth }

// adminError words an error of an org or team request on g. doing says
// what was refused ("add members to"), need the role it takes (see
// needRole).
// A denied read looks like not found on the server, so "not found" says
// both: there is no such org, or the caller may not see it.
func adminError(err error, g group, doing, need string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, syncapi.ErrNoTeam) {
		return fmt.Errorf("no team %s, or you cannot see it", g)
	}
	var ae *syncapi.APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Status {
	case http.StatusNotFound:
		switch ae.Message {
		case "no user with that name":
			return errors.New("no user with that name on the server (usernames are as `mem0 whoami` shows them)")
		case "not a member":
			return fmt.Errorf("not a member of %s %s", g.kind(), g)
		}
		return fmt.Errorf("no %s %s, or you cannot see it", g.kind(), g)
	case http.StatusForbidden:
		var msg string
		switch {
		case ae.Message != "" && ae.Message != "you do not have permission to do that":
			// The server said why (only owners touch owners, …).
			msg = fmt.Sprintf("you cannot %s %s %s: %s", doing, g.kind(), g, ae.Message)
		case need != "":
			msg = fmt.Sprintf("you cannot %s %s %s: that takes %s", doing, g.kind(), g, need)
		default:
			msg = fmt.Sprintf("you cannot %s %s %s", doing, g.kind(), g)
		}
		if ae.Credential == syncapi.CredentialAPIKey {
			msg += " (this is an API key: it acts at most as a member; log in with a password to manage orgs and teams)"
		}
		return &forbiddenError{msg: msg}
	}
	return err
}

// confirmDelete asks on a terminal for the name of what is deleted; with
// no terminal it takes --yes, so a script never deletes by accident.
func confirmDelete(f *Factory, yes bool, what, name string) error {
	if yes {
		return nil
	}
	if !f.IO.IsStdinTTY() || !f.IO.IsStderrTTY() {
		return usageErrorf("deleting %s needs --yes when there is no terminal to confirm on", what)
	}
	answer, err := newPrompter(f.IO).Ask(fmt.Sprintf("Delete %s? This cannot be undone. Type %s to confirm: ", what, name))
	if err != nil {
		return err
	}
	if answer != name {
		return errNotConfirmed
	}
	return nil
}

// errNotConfirmed: the user did not confirm; exit 2 like any cancel.
var errNotConfirmed error = notConfirmed{}

type notConfirmed struct{}

func (notConfirmed) Error() string        { return "not deleted: the name typed did not match" }
func (notConfirmed) Is(target error) bool { return target == context.Canceled }

// printMembers prints members: a table on a terminal, "username role id"
// lines when piped.
func printMembers(f *Factory, ms []syncapi.Member, none string) error {
	st := f.Styles()
	tb := newTable(f.IO, "username", "role", "id")
	for _, m := range ms {
		tb.row(styled(m.Username, st.Bold), styled(m.Role, roleStyle(st, m.Role)), styled(m.UserID, st.Dim))
	}
	if f.IO.IsStdoutTTY() && len(ms) == 0 {
		_, err := fmt.Fprintln(f.IO.ErrOut, none)
		return err
	}
	return tb.render(st)
}

func roleStyle(st styles, role string) lipgloss.Style {
	switch role {
	case "owner":
		return st.OK
	case "admin":
		return st.Warn
	case "none":
		return st.Dim
	}
	return st.Kind
}

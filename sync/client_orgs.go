package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Roles in an org or a team, lowest first.
var Roles = []string{"viewer", "member", "admin", "owner"}

// ValidRole says whether s is one of Roles.
func ValidRole(s string) bool {
	for _, r := range Roles {
		if s == r {
			return true
		}
	}
	return false
}

// Org is an organisation and the caller's role in it.
type Org struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Role      string    `json:"role"`
}

// Team is a team of an org and the caller's role in the team ("none" when
// the caller sees it as a member of its org only).
type Team struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Org       string    `json:"org"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Role      string    `json:"role"`
}

// Member is one member of an org or a team.
type Member struct {
	UserID   string `json:"user_id"`
	Username string `json:"username"`
	Role     string `json:"role"`
}

// AuditEvent is one line of an audit log.
type AuditEvent struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *string         `json:"actor_id"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action"`
	OrgID      *string         `json:"org_id,omitempty"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	IP         string          `json:"ip"`
	Detail     json.RawMessage `json:"detail"`
}

// AuditPage is one page of an audit log, newest first. NextBefore, when
// set, is the Before of the next (older) page.
type AuditPage struct {
	Events     []AuditEvent `json:"events"`
	NextBefore string       `json:"next_before,omitempty"`
}

// AuditQuery pages an audit log: at most Limit events (the server allows
// 1-500; 0 means its default), older than the event id Before (0: the newest).
type AuditQuery struct {
	Limit  int
	Before int64
}

func (q AuditQuery) encode() string {
	v := url.Values{}
	if q.Limit > 0 {
		v.Set("limit", fmt.Sprint(q.Limit))
	}
	if q.Before > 0 {
		v.Set("before", fmt.Sprint(q.Before))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func orgPath(org string) string { return "/api/v1/orgs/" + url.PathEscape(org) }

func teamPath(id string) string { return "/api/v1/teams/" + url.PathEscape(id) }

// ---- orgs ----

// ListOrgs lists the orgs the caller belongs to.
func (c *Client) ListOrgs(ctx context.Context) ([]Org, error) {
	var out struct {
		Orgs []Org `json:"orgs"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/orgs", auth: true}, &out); err != nil {
		return nil, err
	}
	return out.Orgs, nil
}

// CreateOrg creates an org; the caller becomes its owner.
func (c *Client) CreateOrg(ctx context.Context, name string) (*Org, error) {
	var out Org
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/orgs", body: map[string]string{"name": name}, auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetOrg shows an org by name or id.
func (c *Client) GetOrg(ctx context.Context, org string) (*Org, error) {
	var out Org
	if err := c.do(ctx, request{method: "GET", path: orgPath(org), auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteOrg deletes an org with its teams (owners only).
func (c *Client) DeleteOrg(ctx context.Context, org string) error {
	return c.do(ctx, request{method: "DELETE", path: orgPath(org), auth: true}, nil)
}

// ListOrgMembers lists an org's members, owners first.
func (c *Client) ListOrgMembers(ctx context.Context, org string) ([]Member, error) {
	return c.members(ctx, orgPath(org)+"/members")
}

// SetOrgMember adds username to an org with role, or changes their role.
func (c *Client) SetOrgMember(ctx context.Context, org, username, role string) (*Member, error) {
	return c.setMember(ctx, orgPath(org)+"/members/"+url.PathEscape(username), role)
}

// RemoveOrgMember removes username from an org (and its teams).
func (c *Client) RemoveOrgMember(ctx context.Context, org, username string) error {
	return c.do(ctx, request{method: "DELETE", path: orgPath(org) + "/members/" + url.PathEscape(username), auth: true}, nil)
}

// LeaveOrg removes the caller from an org (and its teams).
func (c *Client) LeaveOrg(ctx context.Context, org string) error {
	return c.do(ctx, request{method: "POST", path: orgPath(org) + "/leave", auth: true}, nil)
}

// OrgAudit reads a page of an org's audit log (org admins).
func (c *Client) OrgAudit(ctx context.Context, org string, q AuditQuery) (*AuditPage, error) {
	var out AuditPage
	if err := c.do(ctx, request{method: "GET", path: orgPath(org) + "/audit" + q.encode(), auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// MyAudit reads a page of the caller's own audit log.
func (c *Client) MyAudit(ctx context.Context, q AuditQuery) (*AuditPage, error) {
	var out AuditPage
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/me/audit" + q.encode(), auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ---- teams ----

// ListTeams lists an org's teams.
func (c *Client) ListTeams(ctx context.Context, org string) ([]Team, error) {
	var out struct {
		Teams []Team `json:"teams"`
	}
	if err := c.do(ctx, request{method: "GET", path: orgPath(org) + "/teams", auth: true}, &out); err != nil {
		return nil, err
	}
	return out.Teams, nil
}

// CreateTeam creates a team in an org (org admins); the caller becomes its owner.
func (c *Client) CreateTeam(ctx context.Context, org, name string) (*Team, error) {
	var out Team
	if err := c.do(ctx, request{method: "POST", path: orgPath(org) + "/teams", body: map[string]string{"name": name}, auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ErrNoTeam is FindTeam's answer when the org has no team of that name.
var ErrNoTeam = fmt.Errorf("no such team: %w", ErrNotFound)

// FindTeam finds a team by org and team name, the way people name them
// (ORG/TEAM): the server addresses teams by id. An org the caller cannot
// see is an *APIError wrapping ErrNotFound; a team the org does not have is
// ErrNoTeam. Names match exactly, or without regard to case when only one
// team's does.
func (c *Client) FindTeam(ctx context.Context, org, name string) (*Team, error) {
	teams, err := c.ListTeams(ctx, org)
	if err != nil {
		return nil, err
	}
	// Names are case-sensitive on the server, but people type them as
	// they remember them: an exact match first, else the one team whose
	// name differs only in case.
	var fold *Team
	folds := 0
	for i := range teams {
		if teams[i].Name == name {
			return &teams[i], nil
		}
		if strings.EqualFold(teams[i].Name, name) {
			fold = &teams[i]
			folds++
		}
	}
	if folds == 1 {
		return fold, nil
	}
	return nil, ErrNoTeam
}

// GetTeam shows a team by id.
func (c *Client) GetTeam(ctx context.Context, id string) (*Team, error) {
	var out Team
	if err := c.do(ctx, request{method: "GET", path: teamPath(id), auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteTeam deletes a team by id.
func (c *Client) DeleteTeam(ctx context.Context, id string) error {
	return c.do(ctx, request{method: "DELETE", path: teamPath(id), auth: true}, nil)
}

// ListTeamMembers lists a team's members, owners first.
func (c *Client) ListTeamMembers(ctx context.Context, id string) ([]Member, error) {
	return c.members(ctx, teamPath(id)+"/members")
}

// SetTeamMember adds username (already in the team's org) to a team with
// role, or changes their role.
func (c *Client) SetTeamMember(ctx context.Context, id, username, role string) (*Member, error) {
	return c.setMember(ctx, teamPath(id)+"/members/"+url.PathEscape(username), role)
}

// RemoveTeamMember removes username from a team.
func (c *Client) RemoveTeamMember(ctx context.Context, id, username string) error {
	return c.do(ctx, request{method: "DELETE", path: teamPath(id) + "/members/" + url.PathEscape(username), auth: true}, nil)
}

// LeaveTeam removes the caller from a team.
func (c *Client) LeaveTeam(ctx context.Context, id string) error {
	return c.do(ctx, request{method: "POST", path: teamPath(id) + "/leave", auth: true}, nil)
}

func (c *Client) members(ctx context.Context, path string) ([]Member, error) {
	var out struct {
		Members []Member `json:"members"`
	}
	if err := c.do(ctx, request{method: "GET", path: path, auth: true}, &out); err != nil {
		return nil, err
	}
	return out.Members, nil
}

func (c *Client) setMember(ctx context.Context, path, role string) (*Member, error) {
	if !ValidRole(role) {
		return nil, errors.New("role must be owner, admin, member or viewer")
	}
	var out Member
	if err := c.do(ctx, request{method: "PUT", path: path, body: map[string]string{"role": role}, auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

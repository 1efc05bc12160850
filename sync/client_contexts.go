package sync

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// ContextOwner names who owns a context being created: a team (by id) or an
// org (by id or name); nil or Kind "user" for the caller.
type ContextOwner struct {
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// CreateContextRequest is the body of POST /api/v1/contexts. ID may be
// client-made (the CLI keeps its local ids).
type CreateContextRequest struct {
	ID          string        `json:"id,omitempty"`
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Owner       *ContextOwner `json:"owner,omitempty"`
	Visibility  string        `json:"visibility,omitempty"`
}

// Grant is one share of a context.
type Grant struct {
	ID          string    `json:"id"`
	GranteeKind string    `json:"grantee_kind"`
	GranteeID   string    `json:"grantee_id"`
	GranteeName string    `json:"grantee_name"`
	Level       string    `json:"level"`
	CreatedAt   time.Time `json:"created_at"`
}

// AccessEntry says who can reach a context and why.
type AccessEntry struct {
	SubjectKind string `json:"subject_kind"`
	SubjectID   string `json:"subject_id,omitempty"`
	SubjectName string `json:"subject_name"`
	Level       string `json:"level"`
	Source      string `json:"source"`
	GrantID     string `json:"grant_id,omitempty"`
}

// ContextPatch is the body of PATCH /api/v1/contexts/{id}.
type ContextPatch struct {
	Visibility *string `json:"visibility,omitempty"`
}

func contextPath(id string) string { return "/api/v1/contexts/" + url.PathEscape(id) }

// CreateContext creates a context on the server.
func (c *Client) CreateContext(ctx context.Context, r CreateContextRequest) (*ContextInfo, error) {
	var out ContextInfo
	if err := c.do(ctx, request{method: "POST", path: "/api/v1/contexts", body: r, auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetContext shows a context the caller can read.
func (c *Client) GetContext(ctx context.Context, id string) (*ContextInfo, error) {
	var out ContextInfo
	if err := c.do(ctx, request{method: "GET", path: contextPath(id), auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateContext changes a context (admin).
func (c *Client) UpdateContext(ctx context.Context, id string, p ContextPatch) (*ContextInfo, error) {
	var out ContextInfo
	if err := c.do(ctx, request{method: "PATCH", path: contextPath(id), body: p, auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Share grants level (read or write) on a context to a user, team or org;
// who is a ContextOwner naming the grantee (a user by Name, a team by ID,
// an org by ID or Name).
func (c *Client) Share(ctx context.Context, id string, who ContextOwner, level string) (*Grant, error) {
	var out Grant
	body := map[string]any{"grantee": who, "level": level}
	if err := c.do(ctx, request{method: "POST", path: contextPath(id) + "/grants", body: body, auth: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Unshare removes a grant.
func (c *Client) Unshare(ctx context.Context, id, grantID string) error {
	return c.do(ctx, request{method: "DELETE", path: contextPath(id) + "/grants/" + url.PathEscape(grantID), auth: true}, nil)
}

// Access lists who can reach a context and why (admin).
func (c *Client) Access(ctx context.Context, id string) ([]AccessEntry, error) {
	var out struct {
		Access []AccessEntry `json:"access"`
	}
	if err := c.do(ctx, request{method: "GET", path: contextPath(id) + "/access", auth: true}, &out); err != nil {
		return nil, err
	}
	return out.Access, nil
}

// OwnerRef is an org or team as the context commands need it.
type OwnerRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Org     string `json:"org,omitempty"`
	OrgID   string `json:"org_id,omitempty"`
	Kind    string `json:"-"`
	Display string `json:"-"`
}

// LookupOrg finds an org by id or name.
func (c *Client) LookupOrg(ctx context.Context, ref string) (*OwnerRef, error) {
	var out OwnerRef
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/orgs/" + url.PathEscape(ref), auth: true}, &out); err != nil {
		return nil, err
	}
	out.Kind, out.Display = "org", out.Name
	return &out, nil
}

// LookupTeamByID finds a team by id.
func (c *Client) LookupTeamByID(ctx context.Context, id string) (*OwnerRef, error) {
	var out OwnerRef
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/teams/" + url.PathEscape(id), auth: true}, &out); err != nil {
		return nil, err
	}
	out.Kind, out.Display = "team", out.Org+"/"+out.Name
	return &out, nil
}

// LookupTeam finds a team by ORG/TEAM.
func (c *Client) LookupTeam(ctx context.Context, orgTeam string) (*OwnerRef, error) {
	org, team, ok := strings.Cut(orgTeam, "/")
	if !ok || org == "" || team == "" || strings.Contains(team, "/") {
		return nil, &APIError{Status: 400, Code: "invalid", Message: "a team is named ORG/TEAM", Server: c.base}
	}
	var out struct {
		Teams []OwnerRef `json:"teams"`
	}
	if err := c.do(ctx, request{method: "GET", path: "/api/v1/orgs/" + url.PathEscape(org) + "/teams", auth: true}, &out); err != nil {
		return nil, err
	}
	for _, t := range out.Teams {
		if strings.EqualFold(t.Name, team) {
			t.Kind, t.Display = "team", t.Org+"/"+t.Name
			if t.Org == "" {
				t.Display = org + "/" + t.Name
			}
			return &t, nil
		}
	}
	return nil, &APIError{Status: 404, Code: "not_found", Message: "no team " + orgTeam, Server: c.base}
}

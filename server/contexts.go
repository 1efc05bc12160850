package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	wire "github.com/mem0dev/mem0/sync"
)

// ctxRow is a context with the caller's effective level on it.
type ctxRow struct {
	id          uuid.UUID
	name        string
	description string
	ownerUser   *uuid.UUID
	ownerTeam   *uuid.UUID
	ownerOrg    *uuid.UUID
	visibility  string
	seq         int64
	createdAt   time.Time
	updatedAt   time.Time
	level       Level
}

const ctxCols = `c.id, c.name, c.description, c.owner_user, c.owner_team, c.owner_org, c.visibility, c.seq, c.created_at, c.updated_at`

func scanCtx(row pgx.Row, c *ctxRow) error {
	return row.Scan(&c.id, &c.name, &c.description, &c.ownerUser, &c.ownerTeam, &c.ownerOrg, &c.visibility, &c.seq, &c.createdAt, &c.updatedAt, &c.level)
}

func (c *ctxRow) owner() (kind string, id uuid.UUID) {
	switch {
	case c.ownerUser != nil:
		return "user", *c.ownerUser
	case c.ownerTeam != nil:
		return "team", *c.ownerTeam
	default:
		return "org", *c.ownerOrg
	}
}

func (c *ctxRow) info(p *Principal) wire.ContextInfo {
	kind, id := c.owner()
	return wire.ContextInfo{ID: c.id.String(), Name: c.name, Description: c.description, OwnerKind: kind, OwnerID: id.String(),
		Visibility: c.visibility, Level: capLevel(p, c.level).String(), Seq: c.seq, CreatedAt: c.createdAt, UpdatedAt: c.updatedAt}
}

func uidOf(p *Principal) *uuid.UUID {
	if p == nil {
		return nil
	}
	return &p.UserID
}

// loadContext reads a context the caller can at least read; the query
// itself is constrained by mem0_level, so an unreadable context is simply
// not found.
func (s *Server) loadContext(ctx context.Context, q querier, id uuid.UUID, p *Principal) (*ctxRow, error) {
	c := &ctxRow{}
	err := scanCtx(q.QueryRow(ctx, `SELECT `+ctxCols+`, l.level FROM contexts c, LATERAL (SELECT mem0_level(c.id, $2) AS level) l
		WHERE c.id = $1 AND l.level > 0`, id, uidOf(p)), c)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return c, err
}

// contextFor loads the {id} context and checks the caller may do a on it.
func (s *Server) contextFor(r *http.Request, a Action) (*ctxRow, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p := principal(r)
	c, err := s.loadContext(r.Context(), s.db, id, p)
	if err != nil {
		return nil, err
	}
	if err := authorize(p, c.level, a); err != nil {
		return nil, err
	}
	return c, nil
}

type ownerRef struct {
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type createContextRequest struct {
	ID          string    `json:"id,omitempty"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Owner       *ownerRef `json:"owner,omitempty"`
	Visibility  string    `json:"visibility,omitempty"`
}

// resolveOwner checks the caller may create (or receive) a context owned by
// ref: themselves, or a team/org where they are at least a member.
func (s *Server) resolveOwner(ctx context.Context, q querier, p *Principal, ref *ownerRef) (kind string, id uuid.UUID, org uuid.UUID, err error) {
	if ref == nil || ref.Kind == "" || ref.Kind == "user" {
		if ref != nil && ref.ID != "" && ref.ID != p.UserID.String() {
			return "", uuid.Nil, uuid.Nil, forbidden("a context can only be owned by yourself, a team or an org")
		}
		// Creating is a write: a read-only API key may not, even for its owner.
		if err := authorize(p, LevelOwner, ActWrite); err != nil {
			return "", uuid.Nil, uuid.Nil, forbidden("a read-only API key cannot create contexts")
		}
		return "user", p.UserID, uuid.Nil, nil
	}
	switch ref.Kind {
	case "team":
		t, err := s.loadTeam(ctx, q, ref.ID, p, false)
		if err != nil {
			return "", uuid.Nil, uuid.Nil, err
		}
		if err := authorize(p, max(t.teamRole, min(t.mgmt(), LevelAdmin)), ActWrite); err != nil {
			return "", uuid.Nil, uuid.Nil, forbidden("you need to be at least a member of the team")
		}
		return "team", t.id, t.orgID, nil
	case "org":
		ref2 := ref.ID
		if ref2 == "" {
			ref2 = ref.Name
		}
		o, err := s.loadOrgQ(ctx, q, ref2, p, false)
		if err != nil {
			return "", uuid.Nil, uuid.Nil, err
		}
		if err := authorize(p, o.role, ActWrite); err != nil {
			return "", uuid.Nil, uuid.Nil, forbidden("you need to be at least a member of the org")
		}
		return "org", o.id, o.id, nil
	}
	return "", uuid.Nil, uuid.Nil, badRequest("owner kind must be user, team or org")
}

func checkVisibility(ownerKind, v string) error {
	switch v {
	case "private", "public":
		return nil
	case "team":
		if ownerKind == "team" {
			return nil
		}
	case "org":
		if ownerKind == "team" || ownerKind == "org" {
			return nil
		}
	default:
		return badRequest("visibility must be private, team, org or public")
	}
	return badRequest("visibility %q needs a context owned by a %s", v, map[string]string{"team": "team", "org": "team or an org"}[v])
}

func checkContextName(name string) error {
	if strings.TrimSpace(name) == "" || len(name) > 200 || strings.ContainsAny(name, "\x00\n\r") {
		return badRequest("name must be 1-200 characters on one line")
	}
	return nil
}

func (s *Server) handleCreateContext(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	var req createContextRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := checkContextName(req.Name); err != nil {
		return err
	}
	if len(req.Description) > 4000 {
		return badRequest("description must be at most 4000 bytes")
	}
	if req.Visibility == "" {
		req.Visibility = "private"
	}
	id := uuid.Must(uuid.NewV7())
	if req.ID != "" {
		var err error
		if id, err = uuid.Parse(req.ID); err != nil {
			return badRequest("id must be a UUID")
		}
	}
	var c *ctxRow
	err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		kind, owner, org, err := s.resolveOwner(r.Context(), tx, p, req.Owner)
		if err != nil {
			return err
		}
		if err := checkVisibility(kind, req.Visibility); err != nil {
			return err
		}
		_, err = tx.Exec(r.Context(), `INSERT INTO contexts (id, name, description, owner_`+kind+`, visibility) VALUES ($1, $2, $3, $4, $5)`,
			id, req.Name, req.Description, owner, req.Visibility)
		if isUniqueViolation(err) {
			return conflict("a context with that id exists")
		}
		if err != nil {
			return err
		}
		if err := s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "context.create", org: org,
			targetType: "context", targetID: id.String(), ip: info(r.Context()).ip, detail: map[string]any{"name": req.Name, "owner": kind}}); err != nil {
			return err
		}
		c, err = s.loadContext(r.Context(), tx, id, p)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c.info(p))
}

// memberContexts returns the caller's sync set (see mem0_member_contexts)
// plus the readable contexts among extra.
func (s *Server) memberContexts(ctx context.Context, q pgxQuerier, p *Principal, extra []uuid.UUID) ([]*ctxRow, error) {
	rows, err := q.Query(ctx, `WITH acc AS (
			SELECT context_id, level FROM mem0_member_contexts($1) WHERE level > 0
			UNION
			SELECT id, mem0_level(id, $1) FROM contexts WHERE id = ANY($2) AND mem0_level(id, $1) > 0)
		SELECT `+ctxCols+`, max(acc.level) FROM acc JOIN contexts c ON c.id = acc.context_id
		GROUP BY c.id ORDER BY c.name, c.id`, p.UserID, extra)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ctxRow
	for rows.Next() {
		c := &ctxRow{}
		if err := scanCtx(rows, c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (s *Server) handleListContexts(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	cs, err := s.memberContexts(r.Context(), s.db, p, nil)
	if err != nil {
		return err
	}
	out := make([]wire.ContextInfo, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.info(p))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"contexts": out})
}

func (s *Server) handleGetContext(w http.ResponseWriter, r *http.Request) error {
	c, err := s.contextFor(r, ActRead)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c.info(principal(r)))
}

type updateContextRequest struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Visibility  *string `json:"visibility,omitempty"`
}

func (s *Server) handleUpdateContext(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	c, err := s.contextFor(r, ActManage)
	if err != nil {
		return err
	}
	var req updateContextRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	kind, _ := c.owner()
	if req.Name != nil {
		if err := checkContextName(*req.Name); err != nil {
			return err
		}
	}
	if req.Description != nil && len(*req.Description) > 4000 {
		return badRequest("description must be at most 4000 bytes")
	}
	if req.Visibility != nil {
		if err := checkVisibility(kind, *req.Visibility); err != nil {
			return err
		}
	}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(r.Context(), `UPDATE contexts SET name = COALESCE($2, name), description = COALESCE($3, description),
			visibility = COALESCE($4, visibility), updated_at = now() WHERE id = $1`, c.id, req.Name, req.Description, req.Visibility); err != nil {
			return err
		}
		org, _ := s.contextOrg(r.Context(), tx, c)
		if err := s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "context.update", org: org,
			targetType: "context", targetID: c.id.String(), ip: info(r.Context()).ip,
			detail: map[string]any{"name": req.Name, "description_changed": req.Description != nil, "visibility": req.Visibility}}); err != nil {
			return err
		}
		c, err = s.loadContext(r.Context(), tx, c.id, p)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c.info(p))
}

// contextOrg is the org a context belongs to (for the audit log).
func (s *Server) contextOrg(ctx context.Context, q querier, c *ctxRow) (uuid.UUID, error) {
	switch {
	case c.ownerOrg != nil:
		return *c.ownerOrg, nil
	case c.ownerTeam != nil:
		var org uuid.UUID
		err := q.QueryRow(ctx, "SELECT org_id FROM teams WHERE id = $1", *c.ownerTeam).Scan(&org)
		return org, err
	}
	return uuid.Nil, nil
}

func (s *Server) handleDeleteContext(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	c, err := s.contextFor(r, ActDelete)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		org, err := s.contextOrg(r.Context(), tx, c)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(r.Context(), "DELETE FROM contexts WHERE id = $1", c.id); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "context.delete", org: org,
			targetType: "context", targetID: c.id.String(), ip: info(r.Context()).ip, detail: map[string]any{"name": c.name}})
	})
	if err != nil {
		return err
	}
	return noContent(w)
}

type transferRequest struct {
	Owner ownerRef `json:"owner"`
}

func (s *Server) handleTransferContext(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	c, err := s.contextFor(r, ActTransfer)
	if err != nil {
		return err
	}
	var req transferRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		kind, owner, org, err := s.resolveOwner(r.Context(), tx, p, &req.Owner)
		if err != nil {
			return err
		}
		vis := c.visibility
		if checkVisibility(kind, vis) != nil {
			vis = "private"
		}
		if _, err := tx.Exec(r.Context(), `UPDATE contexts SET
				owner_user = CASE WHEN $2 = 'user' THEN $3::uuid END,
				owner_team = CASE WHEN $2 = 'team' THEN $3::uuid END,
				owner_org = CASE WHEN $2 = 'org' THEN $3::uuid END,
				visibility = $4, updated_at = now() WHERE id = $1`, c.id, kind, owner, vis); err != nil {
			return err
		}
		oldKind, oldID := c.owner()
		if err := s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "context.transfer", org: org,
			targetType: "context", targetID: c.id.String(), ip: info(r.Context()).ip,
			detail: map[string]any{"from_kind": oldKind, "from": oldID.String(), "to_kind": kind, "to": owner.String()}}); err != nil {
			return err
		}
		c, err = s.loadContext(r.Context(), tx, c.id, p)
		if errors.Is(err, ErrNotFound) {
			c = nil
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if c == nil {
		return noContent(w)
	}
	return writeJSON(w, http.StatusOK, c.info(p))
}

// ---- sharing ----

type grantRequest struct {
	Grantee ownerRef `json:"grantee"`
	Level   string   `json:"level"`
}

type grantJSON struct {
	ID          string    `json:"id"`
	GranteeKind string    `json:"grantee_kind"`
	GranteeID   string    `json:"grantee_id"`
	GranteeName string    `json:"grantee_name"`
	Level       string    `json:"level"`
	CreatedAt   time.Time `json:"created_at"`
}

// resolveGrantee finds the user, team or org a share names.
// resolveGrantee finds who a share names. Teams and orgs must be ones the
// sharer belongs to (for a team, its org): a grant puts the context into
// every member's sync, which strangers must not be able to do. Others
// look like "no such" so membership does not leak.
func (s *Server) resolveGrantee(ctx context.Context, q querier, p *Principal, ref ownerRef) (uuid.UUID, string, error) {
	var (
		id   uuid.UUID
		name string
		err  error
	)
	switch ref.Kind {
	case "user":
		if ref.Name != "" {
			err = q.QueryRow(ctx, "SELECT id, username FROM users WHERE username = $1", strings.ToLower(ref.Name)).Scan(&id, &name)
		} else {
			err = q.QueryRow(ctx, "SELECT id, username FROM users WHERE id::text = $1", ref.ID).Scan(&id, &name)
		}
	case "team":
		err = q.QueryRow(ctx, `SELECT t.id, o.name || '/' || t.name FROM teams t JOIN orgs o ON o.id = t.org_id
			WHERE t.id::text = $1 AND EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = o.id AND m.user_id = $2)`,
			ref.ID, p.UserID).Scan(&id, &name)
	case "org":
		err = q.QueryRow(ctx, `SELECT o.id, o.name FROM orgs o WHERE (o.id::text = $1 OR o.name = $2)
			AND EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = o.id AND m.user_id = $3)`,
			ref.ID, ref.Name, p.UserID).Scan(&id, &name)
	default:
		return uuid.Nil, "", badRequest("grantee kind must be user, team or org")
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, "", &apiError{status: http.StatusNotFound, code: "not_found", message: "no such " + ref.Kind}
	}
	return id, name, err
}

func (s *Server) handleShare(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	c, err := s.contextFor(r, ActManage)
	if err != nil {
		return err
	}
	var req grantRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	lvl, err := parseGrantLevel(req.Level)
	if err != nil {
		return err
	}
	g := grantJSON{ID: uuid.Must(uuid.NewV7()).String(), GranteeKind: req.Grantee.Kind, Level: lvl.String()}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		gid, name, err := s.resolveGrantee(r.Context(), tx, p, req.Grantee)
		if err != nil {
			return err
		}
		g.GranteeID, g.GranteeName = gid.String(), name
		if err := tx.QueryRow(r.Context(), `INSERT INTO grants (id, context_id, grantee_kind, grantee_id, level, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (context_id, grantee_kind, grantee_id) DO UPDATE SET level = EXCLUDED.level
			RETURNING id, created_at`, g.ID, c.id, g.GranteeKind, gid, lvl, p.UserID).Scan(&g.ID, &g.CreatedAt); err != nil {
			return err
		}
		org, err := s.contextOrg(r.Context(), tx, c)
		if err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "context.share", org: org,
			targetType: "context", targetID: c.id.String(), ip: info(r.Context()).ip,
			detail: map[string]any{"grantee_kind": g.GranteeKind, "grantee": g.GranteeID, "grantee_name": name, "level": g.Level}})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, g)
}

func (s *Server) handleUnshare(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	c, err := s.contextFor(r, ActManage)
	if err != nil {
		return err
	}
	gid, err := pathID(r, "grant")
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		var kind string
		var grantee uuid.UUID
		err := tx.QueryRow(r.Context(), "DELETE FROM grants WHERE id = $1 AND context_id = $2 RETURNING grantee_kind, grantee_id", gid, c.id).Scan(&kind, &grantee)
		if err != nil {
			return err
		}
		org, err := s.contextOrg(r.Context(), tx, c)
		if err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "context.unshare", org: org,
			targetType: "context", targetID: c.id.String(), ip: info(r.Context()).ip,
			detail: map[string]any{"grant": gid.String(), "grantee_kind": kind, "grantee": grantee.String()}})
	})
	if err != nil {
		return err
	}
	return noContent(w)
}

type accessJSON struct {
	SubjectKind string `json:"subject_kind"` // user, team, org, everyone
	SubjectID   string `json:"subject_id,omitempty"`
	SubjectName string `json:"subject_name"`
	Level       string `json:"level"`
	// Source says why: owner, team_role, org_admin, org_role, grant,
	// visibility.
	Source  string `json:"source"`
	GrantID string `json:"grant_id,omitempty"`
}

func (s *Server) handleAccess(w http.ResponseWriter, r *http.Request) error {
	c, err := s.contextFor(r, ActManage)
	if err != nil {
		return err
	}
	rows, err := s.db.Query(r.Context(), `
		SELECT 'user', u.id::text, u.username, 4, 'owner', '' FROM contexts c JOIN users u ON u.id = c.owner_user WHERE c.id = $1
		UNION ALL
		SELECT 'user', u.id::text, u.username, m.role, 'team_role', '' FROM contexts c JOIN team_members m ON m.team_id = c.owner_team
			JOIN users u ON u.id = m.user_id WHERE c.id = $1
		UNION ALL
		SELECT 'user', u.id::text, u.username, 3, 'org_admin', '' FROM contexts c JOIN teams t ON t.id = c.owner_team
			JOIN org_members m ON m.org_id = t.org_id JOIN users u ON u.id = m.user_id WHERE c.id = $1 AND m.role >= 3
		UNION ALL
		SELECT 'user', u.id::text, u.username, m.role, 'org_role', '' FROM contexts c JOIN org_members m ON m.org_id = c.owner_org
			JOIN users u ON u.id = m.user_id WHERE c.id = $1
		UNION ALL
		SELECT g.grantee_kind, g.grantee_id::text,
			COALESCE((SELECT username FROM users WHERE id = g.grantee_id), (SELECT o.name || '/' || t.name FROM teams t JOIN orgs o ON o.id = t.org_id WHERE t.id = g.grantee_id),
				(SELECT name FROM orgs WHERE id = g.grantee_id), ''),
			g.level, 'grant', g.id::text FROM grants g WHERE g.context_id = $1
		UNION ALL
		SELECT 'org', o.id::text, o.name, 1, 'visibility', '' FROM contexts c LEFT JOIN teams t ON t.id = c.owner_team
			JOIN orgs o ON o.id = COALESCE(c.owner_org, t.org_id) WHERE c.id = $1 AND c.visibility = 'org'
		UNION ALL
		SELECT 'everyone', '', 'everyone', 1, 'visibility', '' FROM contexts c WHERE c.id = $1 AND c.visibility = 'public'
		ORDER BY 5, 3`, c.id)
	if err != nil {
		return err
	}
	out := []accessJSON{}
	for rows.Next() {
		var a accessJSON
		var lvl Level
		if err := rows.Scan(&a.SubjectKind, &a.SubjectID, &a.SubjectName, &lvl, &a.Source, &a.GrantID); err != nil {
			return err
		}
		a.Level = lvl.String()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"context_id": c.id.String(), "access": out})
}

package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

func checkName(what, name string) error {
	if !validName(name, 1, 63, true) {
		return badRequest("%s name must be 1-63 characters: letters, digits, '.', '_' or '-', starting with a letter or digit", what)
	}
	return nil
}

type org struct {
	id        uuid.UUID
	name      string
	createdAt time.Time
	role      Level // the caller's role
}

type orgJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Role      string    `json:"role"`
}

func (o *org) json() orgJSON {
	return orgJSON{ID: o.id.String(), Name: o.name, CreatedAt: o.createdAt, Role: o.role.RoleName()}
}

// loadOrg reads the {org} path value (id or name) with the caller's role;
// a caller who is not a member gets ErrNotFound.
func (s *Server) loadOrg(r *http.Request, p *Principal) (*org, error) {
	return s.loadOrgQ(r.Context(), s.db, r.PathValue("org"), p, false)
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Server) loadOrgQ(ctx context.Context, q querier, ref string, p *Principal, lock bool) (*org, error) {
	o := &org{}
	where := "o.name = $1"
	var arg any = ref
	if id, err := uuid.Parse(ref); err == nil {
		where, arg = "o.id = $1", id
	}
	sql := `SELECT o.id, o.name, o.created_at, COALESCE((SELECT role FROM org_members m WHERE m.org_id = o.id AND m.user_id = $2), 0)
		FROM orgs o WHERE ` + where
	if lock {
		sql += " FOR UPDATE OF o"
	}
	err := q.QueryRow(ctx, sql, arg, p.UserID).Scan(&o.id, &o.name, &o.createdAt, &o.role)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := authorize(p, o.role, ActOrgView); err != nil {
		return nil, err
	}
	return o, nil
}

type nameRequest struct {
	Name string `json:"name"`
}

// renameGroup renames an org or a team (kind; the table is kind+"s") from
// the request body and audits it, returning the new name. The caller has
// authorized the change; taken is the answer when the name is in use.
func (s *Server) renameGroup(r *http.Request, p *Principal, kind string, id, org uuid.UUID, from, taken string) (string, error) {
	var req nameRequest
	if err := decode(r, &req); err != nil {
		return from, err
	}
	if err := checkName(kind, req.Name); err != nil {
		return from, err
	}
	err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		_, err := tx.Exec(r.Context(), "UPDATE "+kind+"s SET name = $2 WHERE id = $1", id, req.Name)
		if isUniqueViolation(err) {
			return conflict("%s", taken)
		}
		if err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: kind + ".rename", org: org,
			targetType: kind, targetID: id.String(), ip: info(r.Context()).ip, detail: map[string]any{"from": from, "to": req.Name}})
	})
	if err != nil {
		return from, err
	}
	return req.Name, nil
}

func (s *Server) handleCreateOrg(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if err := requireLogin(p); err != nil {
		return err
	}
	var req nameRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := checkName("org", req.Name); err != nil {
		return err
	}
	o := &org{id: uuid.Must(uuid.NewV7()), name: req.Name, role: LevelOwner}
	err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(r.Context(), "INSERT INTO orgs (id, name) VALUES ($1, $2) RETURNING created_at", o.id, o.name).Scan(&o.createdAt)
		if isUniqueViolation(err) {
			return conflict("an org with that name exists")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(r.Context(), "INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 4)", o.id, p.UserID); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "org.create", org: o.id,
			targetType: "org", targetID: o.id.String(), ip: info(r.Context()).ip, detail: map[string]any{"name": o.name}})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o.json())
}

func (s *Server) handleListOrgs(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	rows, err := s.db.Query(r.Context(), `SELECT o.id, o.name, o.created_at, m.role FROM orgs o
		JOIN org_members m ON m.org_id = o.id WHERE m.user_id = $1 ORDER BY o.name`, p.UserID)
	if err != nil {
		return err
	}
	out := []orgJSON{}
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.id, &o.name, &o.createdAt, &o.role); err != nil {
			return err
		}
		out = append(out, o.json())
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"orgs": out})
}

func (s *Server) handleGetOrg(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrg(r, principal(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o.json())
}

func (s *Server) handleRenameOrg(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	o, err := s.loadOrg(r, p)
	if err != nil {
		return err
	}
	if err := authorize(p, o.role, ActOrgManage); err != nil {
		return err
	}
	if o.name, err = s.renameGroup(r, p, "org", o.id, o.id, o.name, "an org with that name exists"); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o.json())
}

func (s *Server) handleDeleteOrg(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	o, err := s.loadOrg(r, p)
	if err != nil {
		return err
	}
	if err := authorize(p, o.role, ActOrgDelete); err != nil {
		return err
	}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(r.Context(), "DELETE FROM orgs WHERE id = $1", o.id); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "org.delete", org: o.id,
			targetType: "org", targetID: o.id.String(), ip: info(r.Context()).ip, detail: map[string]any{"name": o.name}})
	})
	if err != nil {
		return err
	}
	return noContent(w)
}

type memberJSON struct {
	UserID   string `json:"user_id"`
	Username string `json:"username"`
	Role     string `json:"role"`
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, table, col string, id uuid.UUID) error {
	rows, err := s.db.Query(r.Context(), `SELECT u.id, u.username, m.role FROM `+table+` m JOIN users u ON u.id = m.user_id
		WHERE m.`+col+` = $1 ORDER BY m.role DESC, u.username`, id)
	if err != nil {
		return err
	}
	out := []memberJSON{}
	for rows.Next() {
		var m memberJSON
		var role Level
		if err := rows.Scan(&m.UserID, &m.Username, &role); err != nil {
			return err
		}
		m.Role = role.RoleName()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"members": out})
}

func (s *Server) handleOrgMembers(w http.ResponseWriter, r *http.Request) error {
	o, err := s.loadOrg(r, principal(r))
	if err != nil {
		return err
	}
	return s.listMembers(w, r, "org_members", "org_id", o.id)
}

type roleRequest struct {
	Role string `json:"role"`
}

func (s *Server) userByName(ctx context.Context, q querier, name string) (uuid.UUID, error) {
	var id uuid.UUID
	err := q.QueryRow(ctx, "SELECT id FROM users WHERE username = $1", strings.ToLower(name)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, &apiError{status: http.StatusNotFound, code: "not_found", message: "no user with that name"}
	}
	return id, err
}

// membership describes the group whose members change: an org or a team.
type membership struct {
	table, col string
	id         uuid.UUID
	org        uuid.UUID // for the audit log
	kind       string    // "org" or "team"
	mgmt       Level     // the caller's management level on the group
}

// setRole adds username to the group or changes their role, applying the
// owner rules: only owners touch owners, the last owner stays an owner.
func (s *Server) setRole(ctx context.Context, tx pgx.Tx, p *Principal, g membership, username string, role Level, ip string) (memberJSON, error) {
	if err := authorize(p, g.mgmt, ActOrgManage); err != nil {
		return memberJSON{}, err
	}
	uid, err := s.userByName(ctx, tx, username)
	if err != nil {
		return memberJSON{}, err
	}
	if g.kind == "team" {
		var inOrg bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM org_members WHERE org_id = $1 AND user_id = $2)", g.org, uid).Scan(&inOrg); err != nil {
			return memberJSON{}, err
		}
		if !inOrg {
			return memberJSON{}, badRequest("%s is not a member of the team's org; add them to the org first", username)
		}
	}
	var cur Level
	err = tx.QueryRow(ctx, "SELECT role FROM "+g.table+" WHERE "+g.col+" = $1 AND user_id = $2", g.id, uid).Scan(&cur)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return memberJSON{}, err
	}
	if cur == LevelOwner || role == LevelOwner {
		if err := authorize(p, g.mgmt, ActOrgManageOwners); err != nil {
			return memberJSON{}, forbidden("only owners can add, remove, promote or demote owners")
		}
	}
	if cur == LevelOwner && role < LevelOwner {
		if err := s.keepOwner(ctx, tx, g); err != nil {
			return memberJSON{}, err
		}
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+g.table+" ("+g.col+", user_id, role) VALUES ($1, $2, $3) ON CONFLICT ("+g.col+", user_id) DO UPDATE SET role = EXCLUDED.role",
		g.id, uid, role); err != nil {
		return memberJSON{}, err
	}
	action := g.kind + ".member_add"
	if cur != LevelNone {
		action = g.kind + ".role_change"
	}
	if err := s.audit(ctx, tx, auditEvent{actor: p.UserID, actorName: p.Username, action: action, org: g.org,
		targetType: "user", targetID: uid.String(), ip: ip,
		detail: map[string]any{g.kind: g.id.String(), "username": username, "from": cur.RoleName(), "to": role.RoleName()}}); err != nil {
		return memberJSON{}, err
	}
	return memberJSON{UserID: uid.String(), Username: username, Role: role.RoleName()}, nil
}

// keepOwner fails when the group has one owner left. The caller holds the
// group's row lock, so two demotions cannot both pass.
func (s *Server) keepOwner(ctx context.Context, tx pgx.Tx, g membership) error {
	var owners int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+g.table+" WHERE "+g.col+" = $1 AND role = 4", g.id).Scan(&owners); err != nil {
		return err
	}
	if owners <= 1 {
		return conflict("the last owner cannot leave or be demoted; make someone else an owner first")
	}
	return nil
}

// removeMember removes uid from the group (self is a leave).
func (s *Server) removeMember(ctx context.Context, tx pgx.Tx, p *Principal, g membership, uid uuid.UUID, username, ip string) error {
	self := uid == p.UserID
	if self {
		// Leaving is a change to one's own account: a read-only API key may not.
		if err := authorize(p, LevelOwner, ActWrite); err != nil {
			return forbidden("a read-only API key cannot leave an org or team")
		}
	} else {
		if err := authorize(p, g.mgmt, ActOrgManage); err != nil {
			return err
		}
	}
	var cur Level
	err := tx.QueryRow(ctx, "SELECT role FROM "+g.table+" WHERE "+g.col+" = $1 AND user_id = $2", g.id, uid).Scan(&cur)
	if errors.Is(err, pgx.ErrNoRows) {
		return &apiError{status: http.StatusNotFound, code: "not_found", message: "not a member"}
	}
	if err != nil {
		return err
	}
	if cur == LevelOwner {
		if !self {
			if err := authorize(p, g.mgmt, ActOrgManageOwners); err != nil {
				return forbidden("only owners can remove owners")
			}
		}
		if err := s.keepOwner(ctx, tx, g); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, "DELETE FROM "+g.table+" WHERE "+g.col+" = $1 AND user_id = $2", g.id, uid); err != nil {
		return err
	}
	if g.kind == "org" {
		// Leaving an org leaves its teams too, but must not leave a team
		// without an owner.
		var team string
		err := tx.QueryRow(ctx, `SELECT t.name FROM team_members tm JOIN teams t ON t.id = tm.team_id
			WHERE tm.user_id = $1 AND t.org_id = $2 AND tm.role = 4
			AND NOT EXISTS (SELECT 1 FROM team_members o WHERE o.team_id = tm.team_id AND o.role = 4 AND o.user_id <> $1)
			LIMIT 1`, uid, g.id).Scan(&team)
		if err == nil {
			return conflict("the last owner of team %s cannot leave the org; make someone else an owner of the team first", team)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM team_members WHERE user_id = $1 AND team_id IN (SELECT id FROM teams WHERE org_id = $2)", uid, g.id); err != nil {
			return err
		}
	}
	action := g.kind + ".member_remove"
	if self {
		action = g.kind + ".leave"
	}
	return s.audit(ctx, tx, auditEvent{actor: p.UserID, actorName: p.Username, action: action, org: g.org,
		targetType: "user", targetID: uid.String(), ip: ip,
		detail: map[string]any{g.kind: g.id.String(), "username": username, "role": cur.RoleName()}})
}

func (s *Server) orgGroup(ctx context.Context, tx pgx.Tx, r *http.Request, p *Principal) (membership, error) {
	o, err := s.loadOrgQ(ctx, tx, r.PathValue("org"), p, true)
	if err != nil {
		return membership{}, err
	}
	return membership{table: "org_members", col: "org_id", id: o.id, org: o.id, kind: "org", mgmt: o.role}, nil
}

// ---- teams ----

type team struct {
	id, orgID uuid.UUID
	name      string
	orgName   string
	createdAt time.Time
	teamRole  Level
	orgRole   Level
}

// mgmt is the caller's level for managing the team: their team role, or
// owner-equivalent for org admins and owners (org management, teams
// included, needs org admin).
func (t *team) mgmt() Level {
	// Org owners may do anything in their org. Org admins are admins of
	// every team, not owners: otherwise one could promote themselves to
	// team owner and so to owner of every context the team owns.
	switch t.orgRole {
	case LevelOwner:
		return LevelOwner
	case LevelAdmin:
		return max(t.teamRole, LevelAdmin)
	}
	if t.teamRole == LevelNone && t.orgRole > LevelNone {
		return LevelRead // sees the team (an org member), manages nothing
	}
	return t.teamRole
}

type teamJSON struct {
	ID        string    `json:"id"`
	OrgID     string    `json:"org_id"`
	Org       string    `json:"org"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Role      string    `json:"role"`
}

func (t *team) json() teamJSON {
	return teamJSON{ID: t.id.String(), OrgID: t.orgID.String(), Org: t.orgName, Name: t.name, CreatedAt: t.createdAt, Role: t.teamRole.RoleName()}
}

// loadTeam reads {team}; members of the team's org (any role) may see it.
func (s *Server) loadTeam(ctx context.Context, q querier, ref string, p *Principal, lock bool) (*team, error) {
	id, err := uuid.Parse(ref)
	if err != nil {
		return nil, ErrNotFound
	}
	t := &team{}
	sql := `SELECT t.id, t.org_id, t.name, o.name, t.created_at,
			COALESCE((SELECT role FROM team_members m WHERE m.team_id = t.id AND m.user_id = $2), 0),
			COALESCE((SELECT role FROM org_members m WHERE m.org_id = t.org_id AND m.user_id = $2), 0)
		FROM teams t JOIN orgs o ON o.id = t.org_id WHERE t.id = $1`
	if lock {
		sql += " FOR UPDATE OF t"
	}
	err = q.QueryRow(ctx, sql, id, p.UserID).Scan(&t.id, &t.orgID, &t.name, &t.orgName, &t.createdAt, &t.teamRole, &t.orgRole)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := authorize(p, max(t.teamRole, t.orgRole), ActOrgView); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Server) handleCreateTeam(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	var req nameRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := checkName("team", req.Name); err != nil {
		return err
	}
	var t *team
	err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		o, err := s.loadOrgQ(r.Context(), tx, r.PathValue("org"), p, false)
		if err != nil {
			return err
		}
		if err := authorize(p, o.role, ActOrgManage); err != nil {
			return err
		}
		t = &team{id: uuid.Must(uuid.NewV7()), orgID: o.id, orgName: o.name, name: req.Name, teamRole: LevelOwner, orgRole: o.role}
		err = tx.QueryRow(r.Context(), "INSERT INTO teams (id, org_id, name) VALUES ($1, $2, $3) RETURNING created_at", t.id, o.id, t.name).Scan(&t.createdAt)
		if isUniqueViolation(err) {
			return conflict("the org has a team with that name")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(r.Context(), "INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 4)", t.id, p.UserID); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "team.create", org: o.id,
			targetType: "team", targetID: t.id.String(), ip: info(r.Context()).ip, detail: map[string]any{"name": t.name}})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t.json())
}

func (s *Server) handleListTeams(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	o, err := s.loadOrg(r, p)
	if err != nil {
		return err
	}
	rows, err := s.db.Query(r.Context(), `SELECT t.id, t.name, t.created_at,
		COALESCE((SELECT role FROM team_members m WHERE m.team_id = t.id AND m.user_id = $2), 0)
		FROM teams t WHERE t.org_id = $1 ORDER BY t.name`, o.id, p.UserID)
	if err != nil {
		return err
	}
	out := []teamJSON{}
	for rows.Next() {
		t := team{orgID: o.id, orgName: o.name}
		if err := rows.Scan(&t.id, &t.name, &t.createdAt, &t.teamRole); err != nil {
			return err
		}
		out = append(out, t.json())
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"teams": out})
}

func (s *Server) handleGetTeam(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTeam(r.Context(), s.db, r.PathValue("team"), principal(r), false)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t.json())
}

func (s *Server) handleRenameTeam(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	t, err := s.loadTeam(r.Context(), s.db, r.PathValue("team"), p, false)
	if err != nil {
		return err
	}
	if err := authorize(p, t.mgmt(), ActOrgManage); err != nil {
		return err
	}
	if t.name, err = s.renameGroup(r, p, "team", t.id, t.orgID, t.name, "the org has a team with that name"); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t.json())
}

func (s *Server) handleDeleteTeam(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	t, err := s.loadTeam(r.Context(), s.db, r.PathValue("team"), p, false)
	if err != nil {
		return err
	}
	// Deleting a team is org management, which org admins have; inside the
	// team it takes its owner.
	lvl := t.mgmt()
	if t.orgRole >= LevelAdmin {
		lvl = LevelOwner
	}
	if err := authorize(p, lvl, ActOrgDelete); err != nil {
		return err
	}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(r.Context(), "DELETE FROM teams WHERE id = $1", t.id); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "team.delete", org: t.orgID,
			targetType: "team", targetID: t.id.String(), ip: info(r.Context()).ip, detail: map[string]any{"name": t.name}})
	})
	if err != nil {
		return err
	}
	return noContent(w)
}

func (s *Server) handleTeamMembers(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTeam(r.Context(), s.db, r.PathValue("team"), principal(r), false)
	if err != nil {
		return err
	}
	return s.listMembers(w, r, "team_members", "team_id", t.id)
}

func (s *Server) teamGroup(ctx context.Context, tx pgx.Tx, r *http.Request, p *Principal) (membership, error) {
	t, err := s.loadTeam(ctx, tx, r.PathValue("team"), p, true)
	if err != nil {
		return membership{}, err
	}
	return membership{table: "team_members", col: "team_id", id: t.id, org: t.orgID, kind: "team", mgmt: t.mgmt()}, nil
}

// groupLoader finds the org or team a membership route names, with the
// caller's management level in it.
type groupLoader func(ctx context.Context, tx pgx.Tx, r *http.Request, p *Principal) (membership, error)

// handleSetMember adds a member or changes a role, in an org or a team.
func (s *Server) handleSetMember(load groupLoader) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r)
		var req roleRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		role, err := parseRole(req.Role)
		if err != nil {
			return err
		}
		var m memberJSON
		err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
			g, err := load(r.Context(), tx, r, p)
			if err != nil {
				return err
			}
			m, err = s.setRole(r.Context(), tx, p, g, r.PathValue("user"), role, info(r.Context()).ip)
			return err
		})
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, m)
	}
}

// handleRemoveMember removes someone else from an org or a team.
func (s *Server) handleRemoveMember(load groupLoader) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r)
		err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
			g, err := load(r.Context(), tx, r, p)
			if err != nil {
				return err
			}
			if err := authorize(p, g.mgmt, ActOrgManage); err != nil {
				return err
			}
			uid, err := s.userByName(r.Context(), tx, r.PathValue("user"))
			if err != nil {
				return err
			}
			return s.removeMember(r.Context(), tx, p, g, uid, r.PathValue("user"), info(r.Context()).ip)
		})
		if err != nil {
			return err
		}
		return noContent(w)
	}
}

// handleLeave removes the caller from an org or a team.
func (s *Server) handleLeave(load groupLoader) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r)
		err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
			g, err := load(r.Context(), tx, r, p)
			if err != nil {
				return err
			}
			return s.removeMember(r.Context(), tx, p, g, p.UserID, p.Username, info(r.Context()).ip)
		})
		if err != nil {
			return err
		}
		return noContent(w)
	}
}

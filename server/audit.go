package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// auditEvent is one line of the audit log: who did what, when, from where.
type auditEvent struct {
	actor      uuid.UUID // uuid.Nil when unknown (a failed login for no such user)
	actorName  string
	action     string
	org        uuid.UUID // the org the event belongs to, if any
	targetType string
	targetID   string
	ip         string
	detail     map[string]any
}

// audit records ev through q (the pool or the transaction making the change,
// so the record commits with it).
func (s *Server) audit(ctx context.Context, q execer, ev auditEvent) error {
	detail := ev.detail
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	var actor, org *uuid.UUID
	if ev.actor != uuid.Nil {
		actor = &ev.actor
	}
	if ev.org != uuid.Nil {
		org = &ev.org
	}
	_, err = q.Exec(ctx, `INSERT INTO audit_events (actor_id, actor_name, action, org_id, target_type, target_id, ip, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, actor, ev.actorName, ev.action, org, ev.targetType, ev.targetID, ev.ip, b)
	return err
}

type auditJSON struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorID    *uuid.UUID      `json:"actor_id"`
	ActorName  string          `json:"actor"`
	Action     string          `json:"action"`
	OrgID      *uuid.UUID      `json:"org_id,omitempty"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	IP         string          `json:"ip"`
	Detail     json.RawMessage `json:"detail"`
}

// listAudit pages the log newest first; before is the id to continue from.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, where string, arg any) error {
	limit, err := queryInt(r, "limit", 100, 1, 500)
	if err != nil {
		return err
	}
	before, err := queryInt(r, "before", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	rows, err := s.db.Query(r.Context(), `SELECT id, at, actor_id, actor_name, action, org_id, target_type, target_id, ip, detail
		FROM audit_events WHERE `+where+` AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`, arg, before, limit)
	if err != nil {
		return err
	}
	events := []auditJSON{}
	for rows.Next() {
		var e auditJSON
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.OrgID, &e.TargetType, &e.TargetID, &e.IP, &e.Detail); err != nil {
			return err
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	out := map[string]any{"events": events}
	if len(events) == limit {
		out["next_before"] = strconv.FormatInt(events[len(events)-1].ID, 10)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleMyAudit(w http.ResponseWriter, r *http.Request) error {
	return s.listAudit(w, r, "(actor_id = $1 OR (target_type = 'user' AND target_id = $1::text))", principal(r).UserID)
}

func (s *Server) handleOrgAudit(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	org, err := s.loadOrg(r, p)
	if err != nil {
		return err
	}
	if err := authorize(p, org.role, ActAudit); err != nil {
		return err
	}
	return s.listAudit(w, r, "org_id = $1", org.id)
}

package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	wire "github.com/mem0dev/mem0/sync"
)

// REST memory writes go through applyOps, the same path as sync pushes, so
// they advance the change counter and keep history identically.

func (s *Server) device(r *http.Request) string {
	if d := r.Header.Get("Mem0-Device-Id"); d != "" && len(d) <= 100 && isPrintableASCII(d) {
		return d
	}
	return "api"
}

type createMemoryRequest struct {
	ID       string          `json:"id,omitempty"`
	Kind     string          `json:"kind,omitempty"`
	Content  string          `json:"content"`
	Metadata json.RawMessage `json:"metadata,omitempty"`
	Tags     []string        `json:"tags,omitempty"`
	Source   string          `json:"source,omitempty"`
}

func (s *Server) handleCreateMemory(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	c, err := s.contextFor(r, ActWrite)
	if err != nil {
		return err
	}
	var req createMemoryRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	id := uuid.Must(uuid.NewV7())
	if req.ID != "" {
		if id, err = uuid.Parse(req.ID); err != nil {
			return badRequest("id must be a UUID")
		}
	}
	if req.Kind == "" {
		req.Kind = "note"
	}
	op := wire.Op{Type: wire.OpUpsert, ContextID: c.id.String(), MemoryID: id.String(), ClientTime: time.Now(),
		Kind: req.Kind, Content: req.Content, Metadata: req.Metadata, Tags: req.Tags, Source: req.Source}
	res, err := s.applyOps(r.Context(), p, s.device(r), []wire.Op{op}, applyMode{strict: true})
	if err != nil {
		return err
	}
	if res[0].Status == wire.StatusRefused {
		return refusal(res[0])
	}
	if res[0].Version != 1 {
		return conflict("a memory with that id exists")
	}
	m, err := s.loadMemory(r, id, true)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

func refusal(r wire.OpResult) error {
	switch r.Reason {
	case wire.ReasonNotFound:
		return ErrNotFound
	case wire.ReasonForbidden:
		return forbidden(r.Message)
	case wire.ReasonContextMismatch:
		return conflict("%s", r.Message)
	}
	return badRequest("%s", r.Message)
}

// loadMemory reads a memory the caller can read (the query is constrained
// by mem0_level), with the caller's level on its context.
func (s *Server) loadMemoryState(r *http.Request, id uuid.UUID) (*memState, string, Level, error) {
	m := &memState{}
	var author string
	var lvl Level
	args := append(m.scanArgs(), &author, &lvl)
	err := s.db.QueryRow(r.Context(), `SELECT `+memCols+`, COALESCE(u.username, ''), l.level
		FROM memories m LEFT JOIN users u ON u.id = m.author_id, LATERAL (SELECT mem0_level(m.context_id, $2) AS level) l
		WHERE m.id = $1 AND l.level > 0`, id, uidOf(principal(r))).Scan(args...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", 0, ErrNotFound
	}
	if err != nil {
		return nil, "", 0, err
	}
	if err := authorize(principal(r), lvl, ActRead); err != nil {
		return nil, "", 0, err
	}
	return m, author, lvl, nil
}

func (s *Server) loadMemory(r *http.Request, id uuid.UUID, withDeleted bool) (*wire.Memory, error) {
	m, author, _, err := s.loadMemoryState(r, id)
	if err != nil {
		return nil, err
	}
	if m.deleted && !withDeleted {
		return nil, ErrNotFound
	}
	w := m.wire(author)
	return &w, nil
}

// liveMemory loads the memory the path names for a change: deleted ones
// are not found (restore them first).
func (s *Server) liveMemory(r *http.Request) (uuid.UUID, *memState, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return uuid.Nil, nil, err
	}
	cur, _, _, err := s.loadMemoryState(r, id)
	if err != nil {
		return uuid.Nil, nil, err
	}
	if cur.deleted {
		return uuid.Nil, nil, ErrNotFound
	}
	return id, cur, nil
}

func (s *Server) handleGetMemory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.loadMemory(r, id, r.URL.Query().Get("include_deleted") == "true")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

type updateMemoryRequest struct {
	Kind        *string          `json:"kind,omitempty"`
	Content     *string          `json:"content,omitempty"`
	Metadata    *json.RawMessage `json:"metadata,omitempty"`
	Tags        *[]string        `json:"tags,omitempty"`
	BaseVersion *int             `json:"base_version,omitempty"`
}

func (s *Server) handleUpdateMemory(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	id, cur, err := s.liveMemory(r)
	if err != nil {
		return err
	}
	var req updateMemoryRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	op := wire.Op{Type: wire.OpUpsert, ContextID: cur.contextID.String(), MemoryID: id.String(), ClientTime: time.Now(),
		BaseVersion: cur.version, Kind: cur.kind, Content: cur.content, Metadata: cur.metadata, Tags: cur.tags, Source: cur.source}
	if req.BaseVersion != nil {
		op.BaseVersion = *req.BaseVersion
	}
	if req.Kind != nil {
		op.Kind = *req.Kind
	}
	if req.Content != nil {
		op.Content = *req.Content
	}
	if req.Metadata != nil {
		op.Metadata = *req.Metadata
	}
	if req.Tags != nil {
		op.Tags = *req.Tags
	}
	return s.applyOne(w, r, p, op, applyMode{strict: true})
}

func (s *Server) applyOne(w http.ResponseWriter, r *http.Request, p *Principal, op wire.Op, mode applyMode) error {
	res, err := s.applyOps(r.Context(), p, s.device(r), []wire.Op{op}, mode)
	if err != nil {
		return err
	}
	if res[0].Status == wire.StatusRefused {
		return refusal(res[0])
	}
	if op.Type == wire.OpDelete {
		return noContent(w)
	}
	m, err := s.loadMemory(r, uuid.MustParse(op.MemoryID), true)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleDeleteMemory(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	id, cur, err := s.liveMemory(r)
	if err != nil {
		return err
	}
	op := wire.Op{Type: wire.OpDelete, ContextID: cur.contextID.String(), MemoryID: id.String(), ClientTime: time.Now(), BaseVersion: cur.version}
	return s.applyOne(w, r, p, op, applyMode{strict: true})
}

type historyJSON struct {
	HistoryID  int64           `json:"history_id"`
	Version    int             `json:"version"`
	Kind       string          `json:"kind"`
	Content    string          `json:"content"`
	Metadata   json.RawMessage `json:"metadata"`
	Tags       []string        `json:"tags"`
	Source     string          `json:"source"`
	AuthorID   *uuid.UUID      `json:"author_id"`
	UpdatedAt  time.Time       `json:"updated_at"`
	DeviceID   string          `json:"device_id"`
	Deleted    bool            `json:"deleted"`
	Reason     string          `json:"reason"`
	RecordedAt time.Time       `json:"recorded_at"`
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.loadMemory(r, id, true)
	if err != nil {
		return err
	}
	// Newest first, in pages: at most limit versions and about
	// MaxResponseBytes; next_before (a history_id) asks for the next page.
	limit, err := queryInt(r, "limit", 1000, 1, 1000)
	if err != nil {
		return err
	}
	var before *int64
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return badRequest("before must be a history_id")
		}
		before = &n
	}
	rows, err := s.db.Query(r.Context(), `SELECT id, version, kind, content, metadata, tags, source, author_id, updated_at, device_id, deleted, reason, recorded_at
		FROM memory_history WHERE memory_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`, id, before, limit+1)
	if err != nil {
		return err
	}
	defer rows.Close()
	out := []historyJSON{}
	used := memoryJSONSize(m)
	more := false
	for rows.Next() {
		var h historyJSON
		if err := rows.Scan(&h.HistoryID, &h.Version, &h.Kind, &h.Content, &h.Metadata, &h.Tags, &h.Source, &h.AuthorID,
			&h.UpdatedAt, &h.DeviceID, &h.Deleted, &h.Reason, &h.RecordedAt); err != nil {
			return err
		}
		if len(out) == limit {
			more = true
			break
		}
		size := memoryOverhead + jsonStringLen(h.Content) + len(h.Metadata) + tagsJSONSize(h.Tags) +
			jsonStringLen(h.Kind) + jsonStringLen(h.Source) + jsonStringLen(h.DeviceID) + jsonStringLen(h.Reason)
		if len(out) > 0 && used+size > s.cfg.MaxResponseBytes {
			more = true
			break
		}
		used += size
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	resp := map[string]any{"current": m, "history": out}
	if more {
		resp["next_before"] = out[len(out)-1].HistoryID
	}
	return writeJSON(w, http.StatusOK, resp)
}

type restoreRequest struct {
	HistoryID int64 `json:"history_id"`
}

// handleRestore makes an old (or losing) version current again; the
// version it replaces goes to history.
func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cur, _, _, err := s.loadMemoryState(r, id)
	if err != nil {
		return err
	}
	var req restoreRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	var h historyJSON
	err = s.db.QueryRow(r.Context(), `SELECT kind, content, metadata, tags, source FROM memory_history WHERE id = $1 AND memory_id = $2`,
		req.HistoryID, id).Scan(&h.Kind, &h.Content, &h.Metadata, &h.Tags, &h.Source)
	if errors.Is(err, pgx.ErrNoRows) {
		return &apiError{status: http.StatusNotFound, code: "not_found", message: "no such history entry"}
	}
	if err != nil {
		return err
	}
	op := wire.Op{Type: wire.OpUpsert, ContextID: cur.contextID.String(), MemoryID: id.String(), ClientTime: time.Now(),
		BaseVersion: cur.version, Kind: h.Kind, Content: h.Content, Metadata: h.Metadata, Tags: h.Tags, Source: h.Source}
	return s.applyOne(w, r, p, op, applyMode{strict: true, reason: "restore"})
}

func (s *Server) handleListMemories(w http.ResponseWriter, r *http.Request) error {
	c, err := s.contextFor(r, ActRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := queryInt(r, "limit", 50, 1, 500)
	if err != nil {
		return err
	}
	var before *uuid.UUID
	if v := q.Get("before"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return badRequest("before must be a memory id")
		}
		before = &id
	}
	kind, tag, author := q.Get("kind"), q.Get("tag"), q.Get("author")
	for _, v := range []string{kind, tag, author} {
		if len(v) > 200 || strings.ContainsRune(v, 0) {
			return badRequest("filter values must be at most 200 bytes")
		}
	}
	withDeleted := q.Get("include_deleted") == "true"
	rows, err := s.db.Query(r.Context(), `SELECT `+memCols+`, COALESCE(u.username, '') FROM memories m LEFT JOIN users u ON u.id = m.author_id
		WHERE m.context_id = $1 AND ($2::uuid IS NULL OR m.id < $2) AND ($3 = '' OR m.kind = $3) AND ($4 = '' OR $4 = ANY(m.tags))
			AND ($5 = '' OR u.username = $5) AND ($6 OR NOT m.deleted)
		ORDER BY m.id DESC LIMIT $7`, c.id, before, kind, tag, author, withDeleted, limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	// A page also stops at about MaxResponseBytes; next_before continues it.
	out := []wire.Memory{}
	used, cut := 64, false
	for rows.Next() {
		m := &memState{}
		var a string
		if err := rows.Scan(append(m.scanArgs(), &a)...); err != nil {
			return err
		}
		mw := m.wire(a)
		size := memoryJSONSize(&mw)
		if len(out) > 0 && used+size > s.cfg.MaxResponseBytes {
			cut = true
			break
		}
		used += size
		out = append(out, mw)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	resp := map[string]any{"memories": out}
	if len(out) == limit || cut {
		resp["next_before"] = out[len(out)-1].ID
	}
	return writeJSON(w, http.StatusOK, resp)
}

type searchHit struct {
	wire.Memory
	Rank float32 `json:"rank"`
}

// handleSearch searches every context the caller can read: their sync set
// and public contexts (anonymous callers: public contexts only).
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	q := r.URL.Query()
	text := strings.TrimSpace(q.Get("q"))
	if text == "" || len(text) > 1000 {
		return badRequest("q must be 1-1000 bytes of search text")
	}
	limit, err := queryInt(r, "limit", 20, 1, 200)
	if err != nil {
		return err
	}
	var only *uuid.UUID
	if v := q.Get("context"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return ErrNotFound
		}
		c, err := s.loadContext(r.Context(), s.db, id, p)
		if err != nil {
			return err
		}
		only = &c.id
	}
	ids := []uuid.UUID{}
	if only != nil {
		ids = append(ids, *only) // loadContext checked it is readable
	} else if ids, err = s.readableContexts(r.Context(), p); err != nil {
		return err
	}
	out := []searchHit{}
	if len(ids) == 0 {
		return writeJSON(w, http.StatusOK, map[string]any{"results": out})
	}
	// The search vector carries a lexeme per context (migration 0003): the
	// query is ANDed with the readable contexts so the index yields only
	// readable rows; the = ANY filter stays as the authoritative check.
	// "IS TRUE" keeps the planner from also scanning the context's whole
	// btree range into a BitmapAnd (5x slower on a 10,000-memory context).
	rows, err := s.db.Query(r.Context(), `WITH q AS (
			SELECT uq, uq && string_agg(quote_literal('c' || replace(id::text, '-', '')), ' | ')::tsquery AS fq
			FROM unnest($1::uuid[]) id, websearch_to_tsquery('simple', $2) uq GROUP BY uq)
		SELECT `+memCols+`, COALESCE(u.username, ''), ts_rank(m.tsv, q.uq) AS rank
		FROM q, memories m LEFT JOIN users u ON u.id = m.author_id
		WHERE numnode(q.uq) > 0 AND m.tsv @@ q.fq AND NOT m.deleted AND (m.context_id = ANY($1)) IS TRUE
		ORDER BY rank DESC, m.id DESC LIMIT $3`, ids, text, limit)
	if err != nil {
		return err
	}
	for rows.Next() {
		m := &memState{}
		var a string
		var rank float32
		if err := rows.Scan(append(m.scanArgs(), &a, &rank)...); err != nil {
			return err
		}
		out = append(out, searchHit{Memory: m.wire(a), Rank: rank})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mem0dev/mem0/store/content"
	wire "github.com/mem0dev/mem0/sync"
)

// memState is a memory as stored, used while applying operations.
type memState struct {
	id, contextID uuid.UUID
	kind          string
	content       string
	metadata      json.RawMessage
	tags          []string
	source        string
	authorID      *uuid.UUID
	createdAt     time.Time
	updatedAt     time.Time
	deviceID      string
	version       int
	deleted       bool
	seq           int64
}

const memCols = `m.id, m.context_id, m.kind, m.content, m.metadata, m.tags, m.source, m.author_id, m.created_at, m.updated_at, m.device_id, m.version, m.deleted, m.seq`

func (m *memState) scanArgs() []any {
	return []any{&m.id, &m.contextID, &m.kind, &m.content, &m.metadata, &m.tags, &m.source, &m.authorID,
		&m.createdAt, &m.updatedAt, &m.deviceID, &m.version, &m.deleted, &m.seq}
}

func (m *memState) wire(author string) wire.Memory {
	w := wire.Memory{ID: m.id.String(), ContextID: m.contextID.String(), Kind: m.kind, Content: m.content,
		Metadata: m.metadata, Tags: m.tags, Source: m.source, Author: author, CreatedAt: m.createdAt.UTC(),
		UpdatedAt: m.updatedAt.UTC(), DeviceID: m.deviceID, Version: m.version, Deleted: m.deleted, Seq: m.seq}
	if m.authorID != nil {
		w.AuthorID = m.authorID.String()
	}
	if w.Tags == nil {
		w.Tags = []string{}
	}
	if len(w.Metadata) == 0 {
		w.Metadata = json.RawMessage("{}")
	}
	return w
}

// wins reports whether the write (ts, device) is later than the stored
// version: last writer by (client timestamp, device id) wins, so every
// server and client orders two edits the same way.
func wins(ts time.Time, device string, m *memState) bool {
	if !ts.Equal(m.updatedAt) {
		return ts.After(m.updatedAt)
	}
	return device > m.deviceID
}

// applyMode says how the caller wants operations applied.
type applyMode struct {
	record bool // record op ids for idempotency (sync push)
	strict bool // a conflict fails the request with 409 (REST edits)
	reason string
}

// checkOp validates an operation's shape; the message goes back to the client.
func checkOp(op *wire.Op, record bool) string {
	if record {
		if _, err := uuid.Parse(op.OpID); err != nil {
			return "op_id must be a UUID"
		}
	}
	if _, err := uuid.Parse(op.MemoryID); err != nil {
		return "memory_id must be a UUID"
	}
	if _, err := uuid.Parse(op.ContextID); err != nil {
		return "context_id must be a UUID"
	}
	if op.ClientTime.IsZero() {
		return "client_time is required"
	}
	if op.BaseVersion < 0 {
		return "base_version must not be negative"
	}
	switch op.Type {
	case wire.OpDelete:
		return ""
	case wire.OpUpsert:
	default:
		return "type must be upsert or delete"
	}
	if err := content.Validate(op.Content, content.DefaultMaxBytes); err != nil {
		return err.Error()
	}
	if !content.ValidKind(op.Kind) {
		return "kind must be one of " + strings.Join(content.Kinds, ", ")
	}
	if op.Source == "" {
		op.Source = content.SourceAPI
	}
	if !content.ValidSource(op.Source) {
		return "source must be one of " + strings.Join(content.Sources, ", ")
	}
	if len(op.Metadata) == 0 || string(op.Metadata) == "null" {
		op.Metadata = json.RawMessage("{}")
	}
	var obj map[string]any
	if json.Unmarshal(op.Metadata, &obj) != nil || obj == nil {
		return "metadata must be a JSON object"
	}
	if len(op.Metadata) > 16<<10 {
		return "metadata must be at most 16 KiB"
	}
	if len(op.Tags) > 64 {
		return "at most 64 tags"
	}
	for _, t := range op.Tags {
		if strings.TrimSpace(t) == "" || len(t) > 100 || strings.ContainsRune(t, 0) {
			return "each tag must be 1-100 bytes"
		}
	}
	if op.Tags == nil {
		op.Tags = []string{}
	}
	return ""
}

// applyOps applies operations for p in one transaction, in order. Each
// context written takes its row lock (ids sorted, so batches cannot
// deadlock) and its change counter advances once per change, so counter
// order is commit order within a context and a pull cursor never skips.
func (s *Server) applyOps(ctx context.Context, p *Principal, device string, ops []wire.Op, mode applyMode) ([]wire.OpResult, error) {
	for attempt := 0; ; attempt++ {
		res, err := s.applyOpsOnce(ctx, p, device, ops, mode)
		// Two pushes carrying the same new op id race on sync_ops; the loser
		// retries and finds the winner's result.
		if err != nil && mode.record && isUniqueViolation(err) && attempt < 3 {
			continue
		}
		// Two creates of one memory id in different contexts raced and the
		// other committed first: the retry sees its memory and refuses.
		if errors.Is(err, errMemoryRaced) && attempt < 3 {
			continue
		}
		return res, err
	}
}

// errMemoryRaced: an upsert found the memory id taken, since the memories
// were read, by a memory of another context.
var errMemoryRaced = errors.New("the memory id was created in another context concurrently")

func (s *Server) applyOpsOnce(ctx context.Context, p *Principal, device string, ops []wire.Op, mode applyMode) ([]wire.OpResult, error) {
	results := make([]wire.OpResult, len(ops))
	todo := make([]bool, len(ops))
	firstOf := map[string]int{} // op id → first index in this batch
	var opIDs []uuid.UUID
	for i := range ops {
		op := &ops[i]
		results[i] = wire.OpResult{OpID: op.OpID, MemoryID: op.MemoryID}
		if mode.record && op.OpID != "" {
			if j, ok := firstOf[op.OpID]; ok {
				results[i].Replayed = true
				results[i].Status = "dup:" + fmt.Sprint(j)
				continue
			}
			firstOf[op.OpID] = i
		}
		if msg := checkOp(op, mode.record); msg != "" {
			results[i].Status, results[i].Reason, results[i].Message = wire.StatusRefused, wire.ReasonInvalid, msg
			if mode.record {
				if id, err := uuid.Parse(op.OpID); err == nil {
					opIDs = append(opIDs, id)
				}
			}
			continue
		}
		// Timestamps are stored with microsecond precision; compare what is stored.
		op.ClientTime = op.ClientTime.UTC().Truncate(time.Microsecond)
		todo[i] = true
		if mode.record {
			opIDs = append(opIDs, uuid.MustParse(op.OpID))
		}
	}
	if mode.strict {
		for i := range results {
			if results[i].Status == wire.StatusRefused {
				return nil, badRequest("%s", results[i].Message)
			}
		}
	}

	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.Background())

	if mode.record && len(opIDs) > 0 {
		rows, err := tx.Query(ctx, "SELECT op_id, result FROM sync_ops WHERE user_id = $1 AND op_id = ANY($2)", p.UserID, opIDs)
		if err != nil {
			return nil, err
		}
		seen := map[string]wire.OpResult{}
		for rows.Next() {
			var id uuid.UUID
			var r wire.OpResult
			if err := rows.Scan(&id, &r); err != nil {
				return nil, err
			}
			seen[id.String()] = r
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for i := range ops {
			if r, ok := seen[ops[i].OpID]; ok && !results[i].Replayed { // op ids are canonical (handlePush)
				r.OpID, r.Replayed = ops[i].OpID, true
				results[i], todo[i] = r, false
			}
		}
	}

	// Lock the contexts (sorted) and read the caller's level on each.
	ctxIDs := map[uuid.UUID]bool{}
	memIDs := map[uuid.UUID]bool{}
	for i := range ops {
		if todo[i] {
			ctxIDs[uuid.MustParse(ops[i].ContextID)] = true
			memIDs[uuid.MustParse(ops[i].MemoryID)] = true
		}
	}
	type ctxState struct {
		seq, start int64
		level      Level
		org        uuid.UUID
	}
	ctxs := map[uuid.UUID]*ctxState{}
	if len(ctxIDs) > 0 {
		ids := make([]uuid.UUID, 0, len(ctxIDs))
		for id := range ctxIDs {
			ids = append(ids, id)
		}
		rows, err := tx.Query(ctx, `SELECT c.id, c.seq, mem0_level(c.id, $2), COALESCE(c.owner_org, t.org_id)
			FROM contexts c LEFT JOIN teams t ON t.id = c.owner_team WHERE c.id = ANY($1) ORDER BY c.id FOR UPDATE OF c`, ids, p.UserID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id uuid.UUID
			var org *uuid.UUID
			st := &ctxState{}
			if err := rows.Scan(&id, &st.seq, &st.level, &org); err != nil {
				return nil, err
			}
			if org != nil {
				st.org = *org
			}
			st.start = st.seq
			ctxs[id] = st
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	mems := map[uuid.UUID]*memState{}
	memLevel := map[uuid.UUID]Level{} // the caller's level on each memory's own context
	if len(memIDs) > 0 {
		ids := make([]uuid.UUID, 0, len(memIDs))
		for id := range memIDs {
			ids = append(ids, id)
		}
		rows, err := tx.Query(ctx, `SELECT `+memCols+`, mem0_level(m.context_id, $2) FROM memories m WHERE m.id = ANY($1) FOR UPDATE OF m`, ids, p.UserID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			m := &memState{}
			var lvl Level
			if err := rows.Scan(append(m.scanArgs(), &lvl)...); err != nil {
				return nil, err
			}
			mems[m.id] = m
			memLevel[m.id] = lvl
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}

	batch := &pgx.Batch{}
	history := func(m *memState, reason string) {
		batch.Queue(`INSERT INTO memory_history (memory_id, version, kind, content, metadata, tags, source, author_id, updated_at, device_id, deleted, reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			m.id, m.version, m.kind, m.content, m.metadata, m.tags, m.source, m.authorID, m.updatedAt, m.deviceID, m.deleted, reason)
	}
	// write inserts or updates a memory of the op's context. A memory of
	// another context with the same id (created by a concurrent push since
	// the read above) is never touched: no row is written, and the batch
	// fails with errMemoryRaced so applyOps retries and refuses the op.
	write := func(m *memState) {
		batch.Queue(`INSERT INTO memories (id, context_id, kind, content, metadata, tags, source, author_id, created_at, updated_at, device_id, version, deleted, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, content = EXCLUDED.content, metadata = EXCLUDED.metadata,
				tags = EXCLUDED.tags, source = EXCLUDED.source, author_id = EXCLUDED.author_id, updated_at = EXCLUDED.updated_at,
				device_id = EXCLUDED.device_id, version = EXCLUDED.version, deleted = EXCLUDED.deleted, seq = EXCLUDED.seq
			WHERE memories.context_id = EXCLUDED.context_id`,
			m.id, m.contextID, m.kind, m.content, m.metadata, m.tags, m.source, m.authorID, m.createdAt, m.updatedAt, m.deviceID, m.version, m.deleted, m.seq,
		).Exec(func(ct pgconn.CommandTag) error {
			if ct.RowsAffected() == 0 {
				return errMemoryRaced
			}
			return nil
		})
	}
	refuse := func(i int, reason, msg string) {
		results[i].Status, results[i].Reason, results[i].Message = wire.StatusRefused, reason, msg
	}
	var deletes []auditEvent
	ip := ""
	if ri, ok := ctx.Value(ctxKey{}).(*reqInfo); ok {
		ip = ri.ip
	}

	for i := range ops {
		if !todo[i] {
			continue
		}
		op := &ops[i]
		cid, mid := uuid.MustParse(op.ContextID), uuid.MustParse(op.MemoryID)
		cs := ctxs[cid]
		lvl := LevelNone
		if cs != nil {
			lvl = cs.level
		}
		cur := mems[mid]
		if cur != nil && cur.contextID != cid {
			// Only a caller who can read both contexts learns where the
			// memory lives; to anyone else it is the same answer as an
			// unknown context.
			if authorize(p, lvl, ActRead) != nil || authorize(p, memLevel[mid], ActRead) != nil {
				refuse(i, wire.ReasonNotFound, "no such context")
			} else {
				refuse(i, wire.ReasonContextMismatch, "the memory belongs to another context")
			}
			continue
		}
		act := ActWrite
		if cur != nil {
			act = ActEditOthers
			if cur.authorID != nil && *cur.authorID == p.UserID {
				act = ActEditOwn
			}
		}
		if err := authorize(p, lvl, act); err != nil {
			if errors.Is(err, ErrNotFound) {
				refuse(i, wire.ReasonNotFound, "no such context")
			} else if act == ActEditOthers {
				refuse(i, wire.ReasonForbidden, "editing someone else's memory needs admin on the context")
			} else {
				refuse(i, wire.ReasonForbidden, "you cannot write to this context")
			}
			if mode.strict {
				return nil, err
			}
			continue
		}
		res := &results[i]
		if cur == nil {
			if op.Type == wire.OpDelete {
				res.Status = wire.StatusApplied // nothing to delete
				continue
			}
			cs.seq++
			created := op.CreatedAt
			if created.IsZero() {
				created = op.ClientTime
			}
			uid := p.UserID
			m := &memState{id: mid, contextID: cid, kind: op.Kind, content: op.Content, metadata: op.Metadata, tags: op.Tags,
				source: op.Source, authorID: &uid, createdAt: created.UTC().Truncate(time.Microsecond), updatedAt: op.ClientTime,
				deviceID: device, version: 1, seq: cs.seq}
			write(m)
			mems[mid] = m
			memLevel[mid] = lvl
			res.Status, res.Version = wire.StatusApplied, 1
			continue
		}
		concurrent := op.BaseVersion != cur.version
		if concurrent && mode.strict {
			return nil, conflict("the memory changed since version %d (now %d); fetch it and retry", op.BaseVersion, cur.version)
		}
		if op.Type == wire.OpDelete && cur.deleted && !concurrent {
			res.Status, res.Version = wire.StatusApplied, cur.version
			continue
		}
		if !concurrent || wins(op.ClientTime, device, cur) {
			reason := mode.reason
			switch {
			case concurrent:
				reason = "conflict"
			case reason != "":
			case op.Type == wire.OpDelete:
				reason = "delete"
			default:
				reason = "update"
			}
			history(cur, reason)
			next := *cur
			cs.seq++
			next.version, next.seq, next.updatedAt, next.deviceID = cur.version+1, cs.seq, op.ClientTime, device
			if op.Type == wire.OpDelete {
				next.deleted = true
				deletes = append(deletes, auditEvent{actor: p.UserID, actorName: p.Username, action: "memory.delete", org: cs.org,
					targetType: "memory", targetID: mid.String(), ip: ip, detail: map[string]any{"context": cid.String()}})
			} else {
				next.kind, next.content, next.metadata, next.tags, next.source, next.deleted = op.Kind, op.Content, op.Metadata, op.Tags, op.Source, false
			}
			write(&next)
			mems[mid] = &next
			res.Status, res.Version = wire.StatusApplied, next.version
			if concurrent {
				res.Status, res.Winner = wire.StatusConflictResolved, "client"
			}
			continue
		}
		// The stored version wins: keep the client's edit in history so it
		// stays visible and restorable.
		loser := *cur
		loser.version, loser.updatedAt, loser.deviceID = op.BaseVersion, op.ClientTime, device
		uid := p.UserID
		loser.authorID = &uid
		if op.Type == wire.OpDelete {
			loser.deleted = true
		} else {
			loser.kind, loser.content, loser.metadata, loser.tags, loser.source, loser.deleted = op.Kind, op.Content, op.Metadata, op.Tags, op.Source, false
		}
		history(&loser, "conflict")
		w := cur.wire("")
		res.Status, res.Winner, res.Version, res.Memory = wire.StatusConflictResolved, "server", cur.version, &w
	}
	for i := range results {
		if strings.HasPrefix(results[i].Status, "dup:") {
			var j int
			fmt.Sscan(strings.TrimPrefix(results[i].Status, "dup:"), &j)
			r := results[j]
			r.Replayed, r.Memory = true, nil
			results[i] = r
		}
	}
	for id, cs := range ctxs {
		if cs.seq != cs.start {
			batch.Queue("UPDATE contexts SET seq = $2 WHERE id = $1", id, cs.seq)
		}
	}
	if mode.record {
		var ids []uuid.UUID
		var recs [][]byte
		for i := range ops {
			if results[i].Replayed || !(todo[i] || results[i].Status == wire.StatusRefused) {
				continue
			}
			id, err := uuid.Parse(ops[i].OpID)
			if err != nil {
				continue
			}
			r := results[i]
			r.Memory = nil
			b, _ := json.Marshal(r)
			ids = append(ids, id)
			recs = append(recs, b)
		}
		if len(ids) > 0 {
			batch.Queue(`INSERT INTO sync_ops (user_id, op_id, result) SELECT $1, u.id, u.r::jsonb FROM unnest($2::uuid[], $3::text[]) AS u(id, r)`,
				p.UserID, ids, bytesToStrings(recs))
		}
	}
	for _, ev := range deletes {
		b, _ := json.Marshal(ev.detail)
		batch.Queue(`INSERT INTO audit_events (actor_id, actor_name, action, org_id, target_type, target_id, ip, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ev.actor, ev.actorName, ev.action, nullUUID(ev.org), ev.targetType, ev.targetID, ev.ip, b)
	}
	if batch.Len() > 0 {
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return nil, err
		}
	}
	if s.pushHook != nil {
		s.pushHook(ctx)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	if mode.record {
		counts := map[string]int{}
		for _, r := range results {
			if r.Replayed {
				counts["replayed"]++
			} else {
				counts[r.Status]++
			}
		}
		for k, n := range counts {
			s.countSyncOps(k, n)
		}
	}
	return results, nil
}

func bytesToStrings(b [][]byte) []string {
	out := make([]string, len(b))
	for i := range b {
		out[i] = string(b[i])
	}
	return out
}

func nullUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mem0dev/mem0/store/content"
)

// State keys used by sync.
const (
	StateDeviceID        = "sync_device_id"
	StateSyncLastSuccess = "sync_last_success" // RFC 3339
	StateSyncLastError   = "sync_last_error"
	StateSyncLastAttempt = "sync_last_attempt" // RFC 3339
)

// SyncedContext is a context mirrored with a sync server. Its local id is
// the server's id.
type SyncedContext struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Visibility  string `json:"visibility"`
	OwnerKind   string `json:"owner_kind"`
	Level       string `json:"level"`
	Cursor      int64  `json:"cursor"`
}

// RemoteMemory is a memory as the sync server holds it.
type RemoteMemory struct {
	ID        string
	ContextID string
	Kind      string
	Content   string
	Metadata  json.RawMessage
	Tags      []string
	Source    string
	Author    string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
	Deleted   bool
}

// PendingOp is an outbox entry with the memory's state at the entry's
// version (nil when the memory is gone).
type PendingOp struct {
	OutboxEntry
	Memory *Memory
}

// RefusedOp is a change the server refused; the local data is kept.
type RefusedOp struct {
	OpID      string    `json:"op_id"`
	Op        string    `json:"op"`
	ContextID string    `json:"context_id"`
	Context   string    `json:"context"`
	MemoryID  string    `json:"memory_id"`
	Version   int       `json:"version"`
	Content   string    `json:"content"`
	Reason    string    `json:"reason"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	RefusedAt time.Time `json:"refused_at"`
}

// PushOutcome is what the server said about one pushed operation.
type PushOutcome struct {
	Status  string // applied, conflict_resolved, refused
	Winner  string // client or server (conflict_resolved)
	Version int
	Reason  string
	Message string
	Server  *RemoteMemory // the winning version when the server's won
}

// DeviceID returns this database's device id (a UUIDv7 made on first use).
func (tx *Tx) DeviceID(ctx context.Context) (string, error) {
	id, err := tx.State(ctx, StateDeviceID)
	if err != nil || id != "" {
		return id, err
	}
	u, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return u.String(), tx.SetState(ctx, StateDeviceID, u.String())
}

// ValidSyncedName reports whether name is a synced context's name.
func ValidSyncedName(name string) bool { return validSyncedName(name) }

// SyncSegment turns a server-side name into one segment of a local synced
// name: characters outside letters, digits, '.', '_' and '-' become '-'.
func SyncSegment(name string) string {
	var b strings.Builder
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := b.String()
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] >= '0' && s[0] <= '9') {
		s = "x" + s
	}
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// SyncedContexts lists the contexts mirrored with the server.
func (r reader) SyncedContexts(ctx context.Context) ([]SyncedContext, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, name, description, visibility, owner_kind, access_level, sync_cursor
		FROM contexts WHERE sync_enabled = 1 AND remote_id IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, mapErr(err, "list synced contexts")
	}
	defer rows.Close()
	var out []SyncedContext
	for rows.Next() {
		var c SyncedContext
		if err := rows.Scan(&c.ID, &c.Name, &c.Description, &c.Visibility, &c.OwnerKind, &c.Level, &c.Cursor); err != nil {
			return nil, mapErr(err, "list synced contexts")
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err(), "list synced contexts")
}

// AddSyncedContext records a context the server has and this machine does
// not (or has under the same id, which is then marked synced). The name is
// made unique by a numeric suffix; the name used is returned.
func (tx *Tx) AddSyncedContext(ctx context.Context, c SyncedContext) (string, error) {
	tx.synced = nil
	if existing, err := tx.GetContextByID(ctx, c.ID); err == nil {
		if !existing.Synced {
			// Uploaded by a share or personal sync that stopped before it
			// recorded so: its memories were never queued.
			_, err := tx.MarkContextSynced(ctx, c.ID, c.Visibility, c.OwnerKind, c.Level)
			return existing.Name, err
		}
		_, err := tx.q.ExecContext(ctx, `UPDATE contexts SET sync_enabled = 1, remote_id = ?, visibility = ?, owner_kind = ?, access_level = ?, updated_at = ? WHERE id = ?`,
			c.ID, c.Visibility, c.OwnerKind, c.Level, millis(tx.now), c.ID)
		return existing.Name, mapErr(err, "mark context synced")
	} else if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	name := c.Name
	for i := 2; ; i++ {
		if _, err := tx.GetContext(ctx, name); errors.Is(err, ErrNotFound) {
			break
		} else if err != nil {
			return "", err
		}
		name = fmt.Sprintf("%s-%d", c.Name, i)
	}
	if err := ValidateContextRef(name); err != nil {
		return "", err
	}
	return name, tx.insertSynced(ctx, c, name)
}

// insertSynced records a context the server has under name.
func (tx *Tx) insertSynced(ctx context.Context, c SyncedContext, name string) error {
	now := millis(tx.now)
	_, err := tx.q.ExecContext(ctx, `INSERT INTO contexts (id, name, description, visibility, sync_enabled, remote_id, owner_kind, access_level, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`, c.ID, name, c.Description, c.Visibility, c.ID, c.OwnerKind, c.Level, now, now)
	return mapErr(err, "add synced context "+c.Name)
}

// MarkContextSynced turns sync on for a local context that now exists on
// the server under the same id, and queues every live memory for upload.
func (tx *Tx) MarkContextSynced(ctx context.Context, id, visibility, ownerKind, level string) (queued int, err error) {
	tx.synced = nil
	c, err := tx.GetContextByID(ctx, id)
	if err != nil {
		return 0, err
	}
	if c.Synced {
		_, err := tx.q.ExecContext(ctx, `UPDATE contexts SET visibility = ?, access_level = ? WHERE id = ?`, visibility, level, id)
		return 0, mapErr(err, "update synced context")
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE contexts SET sync_enabled = 1, remote_id = ?, visibility = ?, owner_kind = ?, access_level = ?, updated_at = ? WHERE id = ?`,
		id, visibility, ownerKind, level, millis(tx.now), id); err != nil {
		return 0, mapErr(err, "mark context synced")
	}
	all, err := tx.liveVersions(ctx, id)
	if err != nil {
		return 0, err
	}
	return len(all), tx.queueUpload(ctx, id, all)
}

// queueUpload queues memories the server does not have yet. The server
// numbers a memory it is given for the first time version 1, so a memory
// edited before it was uploaded is renumbered to match: it becomes version
// 1 and its earlier local versions 0, -1, …, kept in history below
// anything the server will number.
func (tx *Tx) queueUpload(ctx context.Context, contextID string, ms []idVersion) error {
	for _, m := range ms {
		if m.v > 1 {
			if _, err := tx.q.ExecContext(ctx, `UPDATE memory_history SET version = version - ? WHERE memory_id = ?`, m.v-1, m.id); err != nil {
				return mapErr(err, "renumber history of "+m.id)
			}
			if _, err := tx.q.ExecContext(ctx, `UPDATE memories SET version = 1 WHERE id = ?`, m.id); err != nil {
				return mapErr(err, "renumber "+m.id)
			}
		}
		if err := tx.enqueue(ctx, contextID, m.id, 1, "upsert"); err != nil {
			return err
		}
	}
	return nil
}

// SetContextVisibility records a synced context's visibility and level.
func (tx *Tx) SetContextVisibility(ctx context.Context, id, visibility, level string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE contexts SET visibility = ?, access_level = coalesce(nullif(?, ''), access_level) WHERE id = ?`, visibility, level, id)
	return mapErr(err, "update context")
}

// SetCursor stores a context's pull cursor.
func (tx *Tx) SetCursor(ctx context.Context, contextID string, cursor int64) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE contexts SET sync_cursor = ? WHERE id = ?`, cursor, contextID)
	return mapErr(err, "store sync cursor")
}

// DropSyncedContext removes a context the server no longer serves to this
// user, with its memories, history and unpushed changes. It returns the
// context's name, its live memories and the unpushed changes dropped.
func (tx *Tx) DropSyncedContext(ctx context.Context, id string) (name string, memories, pending int, err error) {
	c, err := tx.GetContextByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return "", 0, 0, nil
	}
	if err != nil {
		return "", 0, 0, err
	}
	if err := tx.CountMemories(ctx, c); err != nil {
		return "", 0, 0, err
	}
	res, err := tx.q.ExecContext(ctx, `DELETE FROM outbox WHERE context_id = ?`, id)
	if err != nil {
		return "", 0, 0, mapErr(err, "drop unpushed changes")
	}
	n, _ := res.RowsAffected()
	if _, err := tx.DeleteContext(ctx, c.Name, true); err != nil {
		return "", 0, 0, err
	}
	tx.synced = nil
	return c.Name, c.Memories, int(n), nil
}

// PendingOps returns up to limit outbox entries, oldest first, each with the
// memory's state at the entry's version.
func (r reader) PendingOps(ctx context.Context, limit int) ([]PendingOp, error) {
	entries, err := r.Outbox(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]PendingOp, 0, len(entries))
	for _, e := range entries {
		p := PendingOp{OutboxEntry: e}
		m, err := r.GetMemory(ctx, e.MemoryID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if m != nil && m.Version != e.Version {
			if v, err := r.version(ctx, e.MemoryID, e.Version); err == nil {
				at := *m
				at.Version, at.Kind, at.Content, at.Metadata, at.Tags, at.Source = v.Version, v.Kind, v.Content, v.Metadata, v.Tags, v.Source
				at.UpdatedAt = v.UpdatedAt
				at.DeletedAt = nil
				if v.Deleted {
					t := v.UpdatedAt
					at.DeletedAt = &t
				}
				m = &at
			}
		}
		p.Memory = m
		out = append(out, p)
	}
	return out, nil
}

// PendingCount is the number of changes waiting to be pushed.
func (r reader) PendingCount(ctx context.Context) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM outbox`).Scan(&n)
	return n, mapErr(err, "count outbox")
}

// ApplyPushOutcome stores the server's answer to a pushed entry and removes
// the entry from the outbox, in the caller's transaction.
func (tx *Tx) ApplyPushOutcome(ctx context.Context, p PendingOp, o PushOutcome) error {
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM outbox WHERE seq = ?`, p.Seq); err != nil {
		return mapErr(err, "acknowledge outbox entry")
	}
	cur, err := tx.GetMemory(ctx, p.MemoryID)
	if errors.Is(err, ErrNotFound) {
		cur = nil
	} else if err != nil {
		return err
	}
	switch {
	case o.Status == "refused":
		name := ""
		if c, err := tx.GetContextByID(ctx, p.ContextID); err == nil {
			name = c.Name
		}
		text := ""
		if p.Memory != nil {
			text = p.Memory.Content
		}
		_, err := tx.q.ExecContext(ctx, `INSERT INTO sync_refused (op_id, op, context_id, context_name, memory_id, version, content, reason, message, created_at, refused_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING`,
			p.OpID, p.Op, p.ContextID, name, p.MemoryID, p.Version, text, o.Reason, o.Message, millis(p.CreatedAt), millis(tx.now))
		if err != nil {
			return mapErr(err, "record refused change")
		}
		// A pull may have skipped the server's version while this change
		// waited: pull the context again from the start.
		return tx.SetCursor(ctx, p.ContextID, 0)
	case cur == nil || cur.Version != p.Version:
		// Changed again locally since: the later entries carry it.
		return nil
	case o.Status == "conflict_resolved" && o.Winner == "server" && o.Server != nil:
		return tx.overwrite(ctx, cur, *o.Server)
	case o.Status == "conflict_resolved" && o.Winner == "server":
		// A replayed answer carries no memory: keep the local text (it goes
		// to history when the winner arrives) and pull the context again
		// from the start, which brings the winner.
		return tx.SetCursor(ctx, p.ContextID, 0)
	case o.Version > 0 && o.Version != cur.Version:
		_, err := tx.q.ExecContext(ctx, `UPDATE memories SET version = ? WHERE id = ?`, o.Version, cur.ID)
		return mapErr(err, "record server version")
	}
	return nil
}

// ApplyRemote applies a memory pulled from the server: the server's state
// is current. A memory with unpushed local changes is left alone (the push
// resolves it); the local state replaced goes to history.
func (tx *Tx) ApplyRemote(ctx context.Context, rm RemoteMemory) (bool, error) {
	var pending int
	if err := tx.q.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE memory_id = ?`, rm.ID).Scan(&pending); err != nil {
		return false, mapErr(err, "check outbox")
	}
	if pending > 0 {
		return false, nil
	}
	cur, err := tx.GetMemory(ctx, rm.ID)
	if errors.Is(err, ErrNotFound) {
		if rm.Deleted {
			return false, nil
		}
		meta, tags, err := remoteColumns(rm)
		if err != nil {
			return false, err
		}
		_, err = tx.q.ExecContext(ctx, `INSERT INTO memories
			(id, context_id, kind, content, content_hash, metadata, tags, source, author, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			rm.ID, rm.ContextID, rm.Kind, rm.Content, content.Hash(rm.Content), meta, tags, sourceOf(rm.Source), rm.Author,
			millis(rm.CreatedAt), millis(rm.UpdatedAt), rm.Version)
		return err == nil, mapErr(err, "add pulled memory")
	}
	if err != nil {
		return false, err
	}
	if cur.contextID != rm.ContextID || rm.Version < cur.Version {
		// Another context's, or older than what is here (two syncs whose
		// pulls committed out of order): nothing to apply.
		return false, nil
	}
	return true, tx.overwrite(ctx, cur, rm)
}

func sourceOf(s string) string {
	if content.ValidSource(s) {
		return s
	}
	return content.SourceAPI
}

func remoteColumns(rm RemoteMemory) (meta, tags string, err error) {
	meta = "{}"
	if len(rm.Metadata) > 0 && string(rm.Metadata) != "null" {
		meta = string(rm.Metadata)
	}
	if rm.Tags == nil {
		rm.Tags = []string{}
	}
	tags, err = encodeJSON(rm.Tags)
	return meta, tags, err
}

// overwrite makes rm the memory's current state, keeping cur in history
// when it differs.
func (tx *Tx) overwrite(ctx context.Context, cur *Memory, rm RemoteMemory) error {
	meta, tags, err := remoteColumns(rm)
	if err != nil {
		return err
	}
	curMeta, _ := encodeJSON(cur.Metadata)
	curTags, _ := encodeJSON(cur.Tags)
	same := cur.Content == rm.Content && cur.Kind == rm.Kind && curTags == tags && curMeta == meta && cur.Deleted() == rm.Deleted
	if same && cur.Version == rm.Version {
		return nil
	}
	if !same {
		if err := tx.saveHistory(ctx, cur); err != nil {
			return err
		}
	}
	var deleted any
	if rm.Deleted {
		deleted = millis(rm.UpdatedAt)
	}
	_, err = tx.q.ExecContext(ctx, `UPDATE memories SET kind = ?, content = ?, content_hash = ?, metadata = ?, tags = ?, source = ?,
		updated_at = ?, version = ?, deleted_at = ? WHERE id = ?`,
		rm.Kind, rm.Content, content.Hash(rm.Content), meta, tags, sourceOf(rm.Source), millis(rm.UpdatedAt), rm.Version, deleted, cur.ID)
	return mapErr(err, "apply pulled memory "+cur.ID)
}

// RefusedOps lists the changes the server refused, newest first.
func (r reader) RefusedOps(ctx context.Context) ([]RefusedOp, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT op_id, op, context_id, context_name, memory_id, version, content, reason, message, created_at, refused_at
		FROM sync_refused ORDER BY refused_at DESC, op_id`)
	if err != nil {
		return nil, mapErr(err, "list refused changes")
	}
	defer rows.Close()
	out := []RefusedOp{}
	for rows.Next() {
		var o RefusedOp
		var created, refused int64
		if err := rows.Scan(&o.OpID, &o.Op, &o.ContextID, &o.Context, &o.MemoryID, &o.Version, &o.Content, &o.Reason, &o.Message, &created, &refused); err != nil {
			return nil, mapErr(err, "list refused changes")
		}
		o.CreatedAt, o.RefusedAt = fromMillis(created), fromMillis(refused)
		out = append(out, o)
	}
	return out, mapErr(rows.Err(), "list refused changes")
}

// ClearRefused forgets the recorded refusals (the local data stays).
func (tx *Tx) ClearRefused(ctx context.Context) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM sync_refused`)
	return mapErr(err, "clear refused changes")
}

// ContextLevel is the caller's access level on a synced context as the
// server last said it (read, write, admin, owner); "" for a local context.
func (r reader) ContextLevel(ctx context.Context, name string) (string, error) {
	var lvl string
	err := r.q.QueryRowContext(ctx, `SELECT access_level FROM contexts WHERE name = ? AND sync_enabled = 1`, name).Scan(&lvl)
	if err != nil {
		return "", nil
	}
	return lvl, nil
}

// MergeIntoSynced folds the local, unsynced context localID into remote, a
// synced context of the same user (personal sync: the "default" another
// machine uploaded): remote is recorded when this machine lacks it, the
// local memories and their history move into it and are queued for upload,
// and remote takes the local context's name. Memory ids are unique
// everywhere, so nothing collides.
func (tx *Tx) MergeIntoSynced(ctx context.Context, localID string, remote SyncedContext) (queued int, err error) {
	tx.synced = nil
	local, err := tx.GetContextByID(ctx, localID)
	if err != nil {
		return 0, err
	}
	if local.Synced {
		return 0, fmt.Errorf("%w: context %s is synced already", ErrConflict, local.Name)
	}
	if _, err := tx.GetContextByID(ctx, remote.ID); errors.Is(err, ErrNotFound) {
		// Under a placeholder name until the local context's is free.
		if err := tx.insertSynced(ctx, remote, "merge-"+remote.ID); err != nil {
			return 0, err
		}
	} else if err != nil {
		return 0, err
	}
	// The local context's live memories are what the server lacks.
	moved, err := tx.liveVersions(ctx, localID)
	if err != nil {
		return 0, err
	}
	for _, q := range []string{
		`UPDATE memories SET context_id = ? WHERE context_id = ?`,
		`UPDATE memory_history SET context_id = ? WHERE context_id = ?`,
	} {
		if _, err := tx.q.ExecContext(ctx, q, remote.ID, localID); err != nil {
			return 0, mapErr(err, "move memories of "+local.Name)
		}
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM contexts WHERE id = ?`, localID); err != nil {
		return 0, mapErr(err, "merge context "+local.Name)
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE contexts SET name = ?, updated_at = ? WHERE id = ?`, local.Name, millis(tx.now), remote.ID); err != nil {
		return 0, mapErr(err, "merge context "+local.Name)
	}
	return len(moved), tx.queueUpload(ctx, remote.ID, moved)
}

// idVersion is a memory's id and current version.
type idVersion struct {
	id string
	v  int
}

// liveVersions lists the live memories of a context, oldest first.
func (tx *Tx) liveVersions(ctx context.Context, contextID string) ([]idVersion, error) {
	rows, err := tx.q.QueryContext(ctx, `SELECT id, version FROM memories WHERE context_id = ? AND deleted_at IS NULL ORDER BY seq`, contextID)
	if err != nil {
		return nil, mapErr(err, "queue memories")
	}
	defer rows.Close()
	var out []idVersion
	for rows.Next() {
		var m idVersion
		if err := rows.Scan(&m.id, &m.v); err != nil {
			return nil, mapErr(err, "queue memories")
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err(), "queue memories")
}

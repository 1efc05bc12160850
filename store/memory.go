package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mem0dev/mem0/store/content"
)

// Memory is one remembered thing. Field names in JSON are stable: scripts
// and the export format depend on them.
type Memory struct {
	ID        string         `json:"id"`
	Context   string         `json:"context"`
	Kind      string         `json:"kind"`
	Content   string         `json:"content"`
	Metadata  map[string]any `json:"metadata"`
	Tags      []string       `json:"tags"`
	Source    string         `json:"source"`
	Author    string         `json:"author"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Version   int            `json:"version"`
	DeletedAt *time.Time     `json:"deleted_at,omitempty"`

	contextID string
	seq       int64
}

// Deleted reports whether the memory is tombstoned.
func (m *Memory) Deleted() bool { return m.DeletedAt != nil }

// NewMemory is what AddMemory needs.
type NewMemory struct {
	Context        string // name; created when missing
	Kind           string // content.Kind*; note when empty
	Content        string
	Metadata       map[string]any
	Tags           []string
	Source         string // content.Source*; cli when empty
	Author         string
	AllowDuplicate bool
}

const memoryColumns = `m.seq, m.id, c.name, m.context_id, m.kind, m.content, m.metadata, m.tags, m.source, m.author,
	m.created_at, m.updated_at, m.version, m.deleted_at`

const memoryFrom = ` FROM memories m JOIN contexts c ON c.id = m.context_id `

func scanMemory(row interface{ Scan(...any) error }, extra ...any) (*Memory, error) {
	var m Memory
	var meta, tags string
	var created, updated int64
	var deleted sql.NullInt64
	dest := append([]any{&m.seq, &m.ID, &m.Context, &m.contextID, &m.Kind, &m.Content, &meta, &tags, &m.Source, &m.Author,
		&created, &updated, &m.Version, &deleted}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := decodeJSONColumns(meta, tags, &m.Metadata, &m.Tags); err != nil {
		return nil, err
	}
	m.CreatedAt, m.UpdatedAt = fromMillis(created), fromMillis(updated)
	if deleted.Valid {
		t := fromMillis(deleted.Int64)
		m.DeletedAt = &t
	}
	return &m, nil
}

func decodeJSONColumns(meta, tags string, metaOut *map[string]any, tagsOut *[]string) error {
	*metaOut = map[string]any{}
	*tagsOut = []string{}
	if meta != "" && meta != "{}" {
		if err := json.Unmarshal([]byte(meta), metaOut); err != nil {
			return fmt.Errorf("%w: stored metadata is not JSON: %v", ErrCorrupt, err)
		}
	}
	if tags != "" && tags != "[]" {
		if err := json.Unmarshal([]byte(tags), tagsOut); err != nil {
			return fmt.Errorf("%w: stored tags are not JSON: %v", ErrCorrupt, err)
		}
	}
	return nil
}

// normalizeTags trims, drops empties and duplicates, and sorts, so that the
// same set of tags is always stored the same way.
func normalizeTags(tags []string) ([]string, error) {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if err := content.Validate(t, 128); err != nil {
			return nil, fmt.Errorf("%w: tag %q: %v", ErrInvalid, t, err)
		}
		if strings.ContainsAny(t, ",\n\t") {
			return nil, fmt.Errorf("%w: tag %q: tags cannot contain commas, tabs or newlines", ErrInvalid, t)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out, nil
}

func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// validate checks content, kind and source, mapping problems to ErrInvalid
// or ErrTooLarge so callers can tell users exactly what was wrong.
func (s *Store) validate(kind, text, source string) error {
	if err := content.Validate(text, s.opts.MaxContentBytes); err != nil {
		if errors.Is(err, content.ErrTooLarge) {
			return fmt.Errorf("%w: %w", ErrTooLarge, err)
		}
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if !content.ValidKind(kind) {
		return fmt.Errorf("%w: kind %q: use one of %s", ErrInvalid, kind, strings.Join(content.Kinds, ", "))
	}
	if !content.ValidSource(source) {
		return fmt.Errorf("%w: source %q: use one of %s", ErrInvalid, source, strings.Join(content.Sources, ", "))
	}
	return nil
}

// AddMemory stores a new memory. When the same content already lives in
// that context and AllowDuplicate is false, it stores nothing and returns
// the existing memory with duplicate set.
func (tx *Tx) AddMemory(ctx context.Context, in NewMemory) (m *Memory, duplicate bool, err error) {
	if in.Kind == "" {
		in.Kind = content.KindNote
	}
	if in.Source == "" {
		in.Source = content.SourceCLI
	}
	if in.Context == "" {
		in.Context = DefaultContext
	}
	if err := tx.s.validate(in.Kind, in.Content, in.Source); err != nil {
		return nil, false, err
	}
	tags, err := normalizeTags(in.Tags)
	if err != nil {
		return nil, false, err
	}
	if in.Metadata == nil {
		in.Metadata = map[string]any{}
	}
	meta, err := encodeJSON(in.Metadata)
	if err != nil {
		return nil, false, fmt.Errorf("%w: metadata: %v", ErrInvalid, err)
	}
	tagsJSON, _ := encodeJSON(tags)
	c, _, err := tx.EnsureContext(ctx, in.Context)
	if err != nil {
		return nil, false, err
	}
	hash := content.Hash(in.Content)
	if !in.AllowDuplicate {
		var id string
		err := tx.q.QueryRowContext(ctx, `SELECT id FROM memories WHERE context_id = ? AND content_hash = ? AND deleted_at IS NULL LIMIT 1`,
			c.ID, hash).Scan(&id)
		if err == nil {
			existing, err := tx.GetMemory(ctx, id)
			return existing, true, err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, false, mapErr(err, "look for a duplicate")
		}
	}
	uid, err := uuid.NewV7()
	if err != nil {
		return nil, false, err
	}
	now := millis(tx.now)
	_, err = tx.q.ExecContext(ctx, `INSERT INTO memories
		(id, context_id, kind, content, content_hash, metadata, tags, source, author, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		uid.String(), c.ID, in.Kind, in.Content, hash, meta, tagsJSON, in.Source, in.Author, now, now)
	if err != nil {
		return nil, false, mapErr(err, "add memory")
	}
	if err := tx.enqueue(ctx, c.ID, uid.String(), 1, "upsert"); err != nil {
		return nil, false, err
	}
	m = &Memory{ID: uid.String(), Context: c.Name, Kind: in.Kind, Content: in.Content, Metadata: in.Metadata,
		Tags: tags, Source: in.Source, Author: in.Author, CreatedAt: fromMillis(now), UpdatedAt: fromMillis(now),
		Version: 1, contextID: c.ID}
	return m, false, nil
}

// GetMemory returns a memory by its full id, deleted or not.
func (r reader) GetMemory(ctx context.Context, id string) (*Memory, error) {
	m, err := scanMemory(r.q.QueryRowContext(ctx, `SELECT `+memoryColumns+memoryFrom+`WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("memory %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, mapErr(err, "read memory "+id)
	}
	return m, nil
}

// MinPrefix is the shortest id prefix ResolveID accepts.
const MinPrefix = 4

// ResolveID expands a unique id prefix (like git's short hashes) to the full
// id. ErrAmbiguous lists the candidates; ErrNotFound when nothing matches.
func (r reader) ResolveID(ctx context.Context, prefix string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(prefix))
	if len(p) < MinPrefix {
		return "", fmt.Errorf("%w: id %q is too short: give at least %d characters", ErrInvalid, prefix, MinPrefix)
	}
	for _, r := range p {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			return "", fmt.Errorf("%w: %q is not a memory id (ids look like 0193a5e2-7c1b-7...)", ErrInvalid, prefix)
		}
	}
	rows, err := r.q.QueryContext(ctx, `SELECT id FROM memories WHERE id >= ? AND id < ? ORDER BY id LIMIT 6`, p, prefixEnd(p))
	if err != nil {
		return "", mapErr(err, "look up id "+prefix)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", mapErr(err, "look up id "+prefix)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", mapErr(err, "look up id "+prefix)
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("memory %s: %w", prefix, ErrNotFound)
	case 1:
		return ids[0], nil
	default:
		more := ""
		if len(ids) > 5 {
			ids, more = ids[:5], ", …"
		}
		return "", fmt.Errorf("%w %q matches %s%s: give more characters", ErrAmbiguous, prefix, strings.Join(ids, ", "), more)
	}
}

// prefixEnd is the smallest string greater than every string starting with p.
func prefixEnd(p string) string {
	b := []byte(p)
	b[len(b)-1]++
	return string(b)
}

// ShortIDs returns, for each id, its shortest unique prefix among all
// memories (at least minLen characters), the way git abbreviates hashes:
// one look at each id's two neighbours in the index.
func (r reader) ShortIDs(ctx context.Context, ids []string, minLen int) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		n := minLen
		for _, q := range []string{
			`SELECT id FROM memories WHERE id < ? ORDER BY id DESC LIMIT 1`,
			`SELECT id FROM memories WHERE id > ? ORDER BY id LIMIT 1`,
		} {
			var nb string
			err := r.q.QueryRowContext(ctx, q, id).Scan(&nb)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return nil, mapErr(err, "abbreviate ids")
			}
			if l := commonPrefix(id, nb) + 1; l > n {
				n = l
			}
		}
		out[id] = id[:min(n, len(id))]
	}
	return out, nil
}

func commonPrefix(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// Patch lists the changes UpdateMemory makes; nil fields stay as they are.
type Patch struct {
	Content  *string
	Kind     *string
	Tags     *[]string
	Metadata map[string]any // merged into the existing metadata; a nil value removes the key
	// IfVersion, when not zero, makes the update fail with ErrConflict if
	// the memory is no longer at that version (someone changed it since
	// it was read, e.g. while an editor was open).
	IfVersion int
}

// UpdateMemory applies p to a live memory, keeping the previous version in
// history. changed is false (and nothing is written) when p changes nothing.
func (tx *Tx) UpdateMemory(ctx context.Context, id string, p Patch) (m *Memory, changed bool, err error) {
	old, err := tx.GetMemory(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if old.Deleted() {
		return nil, false, fmt.Errorf("%w: memory %s is deleted; run `mem0 restore %s` first", ErrInvalid, id, id)
	}
	if p.IfVersion != 0 && p.IfVersion != old.Version {
		return nil, false, fmt.Errorf("%w: memory %s changed while you edited it (now version %d, you started from %d); your text was not saved: run `mem0 edit %s` again",
			ErrConflict, id, old.Version, p.IfVersion, id)
	}
	next := *old
	if p.Content != nil {
		next.Content = *p.Content
	}
	if p.Kind != nil {
		next.Kind = *p.Kind
	}
	if p.Tags != nil {
		if next.Tags, err = normalizeTags(*p.Tags); err != nil {
			return nil, false, err
		}
	}
	if p.Metadata != nil {
		merged := make(map[string]any, len(old.Metadata)+len(p.Metadata))
		for k, v := range old.Metadata {
			merged[k] = v
		}
		for k, v := range p.Metadata {
			if v == nil {
				delete(merged, k)
			} else {
				merged[k] = v
			}
		}
		next.Metadata = merged
	}
	if err := tx.s.validate(next.Kind, next.Content, next.Source); err != nil {
		return nil, false, err
	}
	if sameMemory(old, &next) {
		return old, false, nil
	}
	next.DeletedAt = nil
	m, err = tx.writeVersion(ctx, old, &next)
	return m, err == nil, err
}

// DeleteMemory tombstones a memory (a new version); RestoreMemory undoes it.
func (tx *Tx) DeleteMemory(ctx context.Context, id string) (*Memory, error) {
	old, err := tx.GetMemory(ctx, id)
	if err != nil {
		return nil, err
	}
	if old.Deleted() {
		return nil, fmt.Errorf("%w: memory %s is already deleted", ErrInvalid, id)
	}
	next := *old
	t := tx.now.UTC()
	next.DeletedAt = &t
	return tx.writeVersion(ctx, old, &next)
}

// RestoreMemory brings back version (or, when version is 0, undeletes the
// memory as it was last). The restored state becomes a new version, so
// nothing in history is rewritten.
func (tx *Tx) RestoreMemory(ctx context.Context, id string, version int) (*Memory, error) {
	old, err := tx.GetMemory(ctx, id)
	if err != nil {
		return nil, err
	}
	next := *old
	next.DeletedAt = nil
	if version == 0 {
		if !old.Deleted() {
			return nil, fmt.Errorf("%w: memory %s is not deleted; give --version N to go back to an earlier version (see `mem0 history %s`)", ErrInvalid, id, id)
		}
	} else {
		if version == old.Version {
			if !old.Deleted() {
				return nil, fmt.Errorf("%w: version %d is already the current version", ErrInvalid, version)
			}
		} else {
			h, err := tx.version(ctx, id, version)
			if err != nil {
				return nil, err
			}
			next.Kind, next.Content, next.Metadata, next.Tags = h.Kind, h.Content, h.Metadata, h.Tags
		}
	}
	return tx.writeVersion(ctx, old, &next)
}

// writeVersion copies old into history and stores next as version old+1.
func (tx *Tx) writeVersion(ctx context.Context, old, next *Memory) (*Memory, error) {
	if err := tx.saveHistory(ctx, old); err != nil {
		return nil, err
	}
	meta, err := encodeJSON(next.Metadata)
	if err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrInvalid, err)
	}
	tags, _ := encodeJSON(next.Tags)
	next.Version = old.Version + 1
	next.UpdatedAt = tx.now.UTC().Truncate(time.Millisecond)
	var deleted any
	if next.DeletedAt != nil {
		deleted = millis(*next.DeletedAt)
	}
	_, err = tx.q.ExecContext(ctx, `UPDATE memories SET kind = ?, content = ?, content_hash = ?, metadata = ?, tags = ?,
		updated_at = ?, version = ?, deleted_at = ? WHERE id = ?`,
		next.Kind, next.Content, content.Hash(next.Content), meta, tags, millis(next.UpdatedAt), next.Version, deleted, next.ID)
	if err != nil {
		return nil, mapErr(err, "update memory "+next.ID)
	}
	op := "upsert"
	if next.DeletedAt != nil {
		op = "delete"
	}
	if err := tx.enqueue(ctx, old.contextID, next.ID, next.Version, op); err != nil {
		return nil, err
	}
	return next, nil
}

func (tx *Tx) saveHistory(ctx context.Context, m *Memory) error {
	meta, err := encodeJSON(m.Metadata)
	if err != nil {
		return err
	}
	tags, _ := encodeJSON(m.Tags)
	var deleted any
	if m.DeletedAt != nil {
		deleted = millis(*m.DeletedAt)
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO memory_history
		(memory_id, version, context_id, kind, content, metadata, tags, source, author, updated_at, deleted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (memory_id, version) DO NOTHING`,
		m.ID, m.Version, m.contextID, m.Kind, m.Content, meta, tags, m.Source, m.Author, millis(m.UpdatedAt), deleted)
	return mapErr(err, "keep history of "+m.ID)
}

func sameMemory(a, b *Memory) bool {
	if a.Content != b.Content || a.Kind != b.Kind || !slices.Equal(a.Tags, b.Tags) {
		return false
	}
	ma, _ := encodeJSON(a.Metadata)
	mb, _ := encodeJSON(b.Metadata)
	return ma == mb
}

// Version is one state of a memory as `mem0 history` shows it.
type Version struct {
	Version   int            `json:"version"`
	Kind      string         `json:"kind"`
	Content   string         `json:"content"`
	Metadata  map[string]any `json:"metadata"`
	Tags      []string       `json:"tags"`
	Source    string         `json:"source"`
	Author    string         `json:"author"`
	UpdatedAt time.Time      `json:"updated_at"`
	Deleted   bool           `json:"deleted"`
	Current   bool           `json:"current"`
}

// History returns every version of a memory, oldest first; the last one is
// the current state.
func (r reader) History(ctx context.Context, id string) ([]Version, error) {
	m, err := r.GetMemory(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := r.q.QueryContext(ctx, `SELECT version, kind, content, metadata, tags, source, author, updated_at, deleted_at
		FROM memory_history WHERE memory_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, mapErr(err, "read history of "+id)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err, "read history of "+id)
	}
	out = append(out, Version{Version: m.Version, Kind: m.Kind, Content: m.Content, Metadata: m.Metadata,
		Tags: m.Tags, Source: m.Source, Author: m.Author, UpdatedAt: m.UpdatedAt, Deleted: m.Deleted(), Current: true})
	return out, nil
}

func scanVersion(row interface{ Scan(...any) error }) (*Version, error) {
	var v Version
	var meta, tags string
	var updated int64
	var deleted sql.NullInt64
	if err := row.Scan(&v.Version, &v.Kind, &v.Content, &meta, &tags, &v.Source, &v.Author, &updated, &deleted); err != nil {
		return nil, mapErr(err, "read history")
	}
	if err := decodeJSONColumns(meta, tags, &v.Metadata, &v.Tags); err != nil {
		return nil, err
	}
	v.UpdatedAt, v.Deleted = fromMillis(updated), deleted.Valid
	return &v, nil
}

func (r reader) version(ctx context.Context, id string, version int) (*Version, error) {
	v, err := scanVersion(r.q.QueryRowContext(ctx, `SELECT version, kind, content, metadata, tags, source, author, updated_at, deleted_at
		FROM memory_history WHERE memory_id = ? AND version = ?`, id, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("version %d of memory %s: %w (see `mem0 history %s`)", version, id, ErrNotFound, id)
	}
	return v, err
}

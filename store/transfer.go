package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/mem0dev/mem0/store/content"
)

// Record is one line of a JSONL export: a context or a memory with its past
// versions. Export then import gives back the same database, ids, versions,
// timestamps, tombstones and history included.
type Record struct {
	Type string `json:"type"` // "context" or "memory"

	// Context records.
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`

	// Memory records.
	*Memory
	History []Version `json:"history,omitempty"`
}

// ExportFilter chooses what Export writes.
type ExportFilter struct {
	Contexts       []string
	IncludeDeleted bool
	WithHistory    bool
}

// Export calls fn for every context and then every memory (oldest first)
// selected by f. It reads in one snapshot.
func (s *Store) Export(ctx context.Context, f ExportFilter, fn func(Record) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapErr(err, "start export")
	}
	defer tx.Rollback()
	r := reader{q: tx}
	contexts, err := r.ListContexts(ctx)
	if err != nil {
		return err
	}
	// Context names compare without regard to case, as everywhere.
	wanted := map[string]bool{}
	for _, c := range f.Contexts {
		wanted[strings.ToLower(c)] = true
	}
	for _, c := range contexts {
		if len(wanted) > 0 && !wanted[strings.ToLower(c.Name)] {
			continue
		}
		if err := fn(Record{Type: "context", Name: c.Name, Description: c.Description}); err != nil {
			return err
		}
	}
	lf := Filter{Contexts: f.Contexts}
	if f.IncludeDeleted {
		lf.Deleted = LiveAndDeleted
	}
	where, args := lf.where()
	rows, err := tx.QueryContext(ctx, `SELECT `+memoryColumns+memoryFrom+`WHERE 1=1`+where+` ORDER BY m.seq`, args...)
	if err != nil {
		return mapErr(err, "export memories")
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMemory(rows)
		if err != nil {
			return mapErr(err, "export memories")
		}
		rec := Record{Type: "memory", Memory: m}
		if f.WithHistory && m.Version > 1 {
			h, err := r.History(ctx, m.ID)
			if err != nil {
				return err
			}
			rec.History = h[:len(h)-1] // the last entry is the memory itself
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return mapErr(rows.Err(), "export memories")
}

// ImportResult counts what an import did.
type ImportResult struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Contexts  int `json:"contexts_created"`
}

// CheckRecord validates a record before any import starts, so a bad line
// fails the whole import before anything is written.
func (s *Store) CheckRecord(rec *Record) error {
	switch rec.Type {
	case "context":
		if err := ValidateContextName(rec.Name); err != nil {
			return err
		}
		return nil
	case "memory", "":
		rec.Type = "memory"
	default:
		return fmt.Errorf("%w: unknown record type %q (want \"context\" or \"memory\")", ErrInvalid, rec.Type)
	}
	m := rec.Memory
	if m == nil {
		return fmt.Errorf("%w: memory record has no content", ErrInvalid)
	}
	if m.ID != "" {
		u, err := uuid.Parse(m.ID)
		if err != nil {
			return fmt.Errorf("%w: id %q is not a UUID", ErrInvalid, m.ID)
		}
		m.ID = u.String()
	}
	if m.Context == "" {
		m.Context = DefaultContext
	}
	if err := ValidateContextRef(m.Context); err != nil {
		return err
	}
	if m.Kind == "" {
		m.Kind = content.KindNote
	}
	if m.Source == "" {
		m.Source = content.SourceImport
	}
	if err := s.validate(m.Kind, m.Content, m.Source); err != nil {
		return err
	}
	tags, err := normalizeTags(m.Tags)
	if err != nil {
		return err
	}
	m.Tags = tags
	if m.Metadata == nil {
		m.Metadata = map[string]any{}
	}
	if m.Version < 1 {
		m.Version = 1
	}
	if m.Version > maxVersion || len(rec.History) > maxVersion {
		return fmt.Errorf("%w: version %d of memory %s is past the limit of %d", ErrInvalid, m.Version, m.ID, maxVersion)
	}
	for i := range rec.History {
		h := &rec.History[i]
		if h.Version < 1 || h.Version >= m.Version {
			return fmt.Errorf("%w: history version %d of memory %s must be between 1 and %d", ErrInvalid, h.Version, m.ID, m.Version-1)
		}
		if err := s.validate(h.Kind, h.Content, cmp.Or(h.Source, m.Source)); err != nil {
			return fmt.Errorf("history version %d: %w", h.Version, err)
		}
		if h.Tags, err = normalizeTags(h.Tags); err != nil {
			return err
		}
		if h.Metadata == nil {
			h.Metadata = map[string]any{}
		}
	}
	return nil
}

// ImportRecords writes checked records in this transaction. Memories with an
// id are matched by id: a newer version replaces an older one (which goes to
// history) and anything else is left alone, so importing twice changes
// nothing. Memories without an id are added like `mem0 add`, duplicates
// recognised by content.
func (tx *Tx) ImportRecords(ctx context.Context, recs []Record, res *ImportResult) error {
	// A bulk import touches every index page: give this connection a
	// larger page cache than everyday commands need.
	if _, err := tx.q.ExecContext(ctx, `PRAGMA cache_size = -32768`); err != nil {
		return mapErr(err, "prepare import")
	}
	defer tx.q.ExecContext(ctx, `PRAGMA cache_size = -4096`) // back to the everyday size
	im := importer{tx: tx, res: res, ctxIDs: map[string]string{}}
	for i := range recs {
		rec := &recs[i]
		switch {
		case rec.Type == "context":
			if _, err := im.contextID(ctx, rec.Name); err != nil {
				return err
			}
			if rec.Description != "" {
				if err := tx.SetContextDescription(ctx, rec.Name, rec.Description); err != nil {
					return err
				}
			}
		case rec.Memory.ID == "":
			m := rec.Memory
			_, dup, err := tx.AddMemory(ctx, NewMemory{Context: m.Context, Kind: m.Kind, Content: m.Content,
				Metadata: m.Metadata, Tags: m.Tags, Source: m.Source, Author: m.Author})
			if err != nil {
				return err
			}
			if dup {
				res.Unchanged++
			} else {
				res.Added++
			}
		default:
			im.pending = append(im.pending, rec)
			if len(im.pending) == importChunk {
				if err := im.flush(ctx); err != nil {
					return err
				}
			}
		}
	}
	return im.flush(ctx)
}

// maxVersion bounds imported version numbers, so that later edits cannot
// overflow them.
const maxVersion = 1 << 30

// importChunk is how many new memories one INSERT statement writes. The
// full-text index flushes its buffer at the end of every statement, so
// one statement per chunk instead of per row makes imports several times
// faster. 400 rows of 13 values stay well under SQLite's variable limit.
const importChunk = 400

type importer struct {
	tx      *Tx
	res     *ImportResult
	ctxIDs  map[string]string
	pending []*Record
}

func (im *importer) contextID(ctx context.Context, name string) (string, error) {
	if id, ok := im.ctxIDs[name]; ok {
		return id, nil
	}
	c, created, err := im.tx.EnsureContext(ctx, name)
	if err != nil {
		return "", err
	}
	if created {
		im.res.Contexts++
	}
	im.ctxIDs[name] = c.ID
	return c.ID, nil
}

// flush writes the pending memories: new ones in one multi-row INSERT,
// known ones one by one through the version check.
func (im *importer) flush(ctx context.Context) error {
	batch := im.pending
	im.pending = im.pending[:0]
	if len(batch) == 0 {
		return nil
	}
	tx := im.tx
	ids := make([]any, len(batch))
	for i, r := range batch {
		ids[i] = r.Memory.ID
	}
	rows, err := tx.q.QueryContext(ctx, `SELECT id FROM memories WHERE id IN (`+placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return mapErr(err, "look up imported ids")
	}
	known := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return mapErr(err, "look up imported ids")
		}
		known[id] = true
	}
	rows.Close()
	var fresh, again []*Record
	for _, r := range batch {
		m := r.Memory
		if m.CreatedAt.IsZero() {
			m.CreatedAt = tx.now
		}
		if m.UpdatedAt.IsZero() {
			m.UpdatedAt = m.CreatedAt
		}
		if m.contextID, err = im.contextID(ctx, m.Context); err != nil {
			return err
		}
		if known[m.ID] {
			again = append(again, r)
		} else {
			known[m.ID] = true // the same id twice in one file: the second is an update
			fresh = append(fresh, r)
		}
	}
	if len(fresh) > 0 {
		args := make([]any, 0, len(fresh)*13)
		for _, r := range fresh {
			m := r.Memory
			meta, _ := encodeJSON(m.Metadata)
			tags, _ := encodeJSON(m.Tags)
			args = append(args, m.ID, m.contextID, m.Kind, m.Content, content.Hash(m.Content), meta, tags, m.Source, m.Author,
				millis(m.CreatedAt), millis(m.UpdatedAt), m.Version, deletedMillis(m))
		}
		values := strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?,?,?,?,?,?,?),", len(fresh)), ",")
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO memories
			(id, context_id, kind, content, content_hash, metadata, tags, source, author, created_at, updated_at, version, deleted_at)
			VALUES `+values, args...); err != nil {
			return mapErr(err, "import memories")
		}
		im.res.Added += len(fresh)
		for _, r := range fresh {
			if err := tx.enqueue(ctx, r.Memory.contextID, r.Memory.ID, r.Memory.Version, opFor(r.Memory)); err != nil {
				return err
			}
		}
	}
	for _, r := range again {
		if err := im.update(ctx, r.Memory); err != nil {
			return err
		}
	}
	for _, r := range batch {
		m := r.Memory
		for _, h := range r.History {
			hm := &Memory{ID: m.ID, contextID: m.contextID, Kind: h.Kind, Content: h.Content, Metadata: h.Metadata, Tags: h.Tags,
				Source: cmp.Or(h.Source, m.Source), Author: cmp.Or(h.Author, m.Author), UpdatedAt: h.UpdatedAt, Version: h.Version}
			if h.Deleted {
				t := h.UpdatedAt
				hm.DeletedAt = &t
			}
			if err := tx.saveHistory(ctx, hm); err != nil {
				return err
			}
		}
	}
	return nil
}

// update replaces a known memory when the imported version is newer.
func (im *importer) update(ctx context.Context, m *Memory) error {
	tx := im.tx
	old, err := tx.GetMemory(ctx, m.ID)
	if err != nil {
		return err
	}
	if old.Version >= m.Version {
		im.res.Unchanged++
		return nil
	}
	if err := tx.saveHistory(ctx, old); err != nil {
		return err
	}
	meta, _ := encodeJSON(m.Metadata)
	tags, _ := encodeJSON(m.Tags)
	if _, err := tx.q.ExecContext(ctx, `UPDATE memories SET context_id = ?, kind = ?, content = ?, content_hash = ?,
		metadata = ?, tags = ?, source = ?, author = ?, updated_at = ?, version = ?, deleted_at = ? WHERE id = ?`,
		m.contextID, m.Kind, m.Content, content.Hash(m.Content), meta, tags, m.Source, m.Author, millis(m.UpdatedAt),
		m.Version, deletedMillis(m), m.ID); err != nil {
		return mapErr(err, "import memory "+m.ID)
	}
	im.res.Updated++
	return tx.enqueue(ctx, m.contextID, m.ID, m.Version, opFor(m))
}

func deletedMillis(m *Memory) any {
	if m.DeletedAt == nil {
		return nil
	}
	return millis(*m.DeletedAt)
}

func opFor(m *Memory) string {
	if m.DeletedAt != nil {
		return "delete"
	}
	return "upsert"
}

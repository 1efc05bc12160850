package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// DefaultContext is the context used when none is chosen.
const DefaultContext = "default"

// Context is a named bucket of memories.
type Context struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Visibility  string    `json:"visibility"`
	Synced      bool      `json:"synced"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Memories    int       `json:"memories"`
}

// ValidateContextName checks a local context name: letters, digits, '.', '_'
// and '-', starting with a letter or digit, at most 64 characters. '/' is
// not allowed: it is kept for the names of synced contexts (org/team/name),
// which ValidateContextRef also accepts.
func ValidateContextName(name string) error {
	if !validContextName(name) {
		return fmt.Errorf("%w: context name %q: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", ErrInvalid, name)
	}
	return nil
}

// ValidateLocalContextName is ValidateContextName: the rule for names of
// contexts made on this machine.
func ValidateLocalContextName(name string) error { return ValidateContextName(name) }

// ValidateContextRef checks a name that refers to an existing context: a
// local name or the name of a synced context, whose segments are separated
// by '/' (ORG/TEAM/NAME, ORG/NAME, @shared/NAME).
func ValidateContextRef(name string) error {
	if !validContextName(name) && !validSyncedName(name) {
		return fmt.Errorf("%w: context name %q: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (synced contexts: ORG/TEAM/NAME, ORG/NAME or @shared/NAME)", ErrInvalid, name)
	}
	return nil
}

// validSyncedName: 2-3 segments joined by '/', each a valid local name; the
// first may start with '@' (contexts owned by a user).
func validSyncedName(name string) bool {
	if len(name) > 200 {
		return false
	}
	segs := strings.Split(name, "/")
	if len(segs) < 2 || len(segs) > 3 {
		return false
	}
	for i, s := range segs {
		if i == 0 && strings.HasPrefix(s, "@") {
			s = s[1:]
		}
		if !validContextName(s) {
			return false
		}
	}
	return true
}

// validContextName is the check without a regexp: a package-level regexp
// would be compiled at start-up by every mem0 invocation.
func validContextName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

const contextColumns = `c.id, c.name, c.description, c.visibility, c.sync_enabled, c.created_at, c.updated_at`

func scanContext(row interface{ Scan(...any) error }, extra ...any) (*Context, error) {
	var c Context
	var created, updated int64
	dest := append([]any{&c.ID, &c.Name, &c.Description, &c.Visibility, &c.Synced, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &c, nil
}

// GetContext finds a context by name (case-insensitive). Memories is left
// at zero: counting costs a scan, so CountMemories does it when wanted.
func (r reader) GetContext(ctx context.Context, name string) (*Context, error) {
	c, err := scanContext(r.q.QueryRowContext(ctx, `SELECT `+contextColumns+` FROM contexts c WHERE c.name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("context %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, mapErr(err, "read context "+name)
	}
	return c, nil
}

// GetContextByID finds a context by id.
func (r reader) GetContextByID(ctx context.Context, id string) (*Context, error) {
	c, err := scanContext(r.q.QueryRowContext(ctx, `SELECT `+contextColumns+` FROM contexts c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("context with id %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, mapErr(err, "read context "+id)
	}
	return c, nil
}

// CountMemories fills c.Memories with the number of live memories in c.
func (r reader) CountMemories(ctx context.Context, c *Context) error {
	err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM memories WHERE context_id = ? AND deleted_at IS NULL`, c.ID).Scan(&c.Memories)
	return mapErr(err, "count memories of "+c.Name)
}

// ListContexts returns every context by name, with counts of live memories.
func (r reader) ListContexts(ctx context.Context) ([]*Context, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+contextColumns+`, coalesce(n.live, 0)
		FROM contexts c
		LEFT JOIN (SELECT context_id, count(*) AS live FROM memories WHERE deleted_at IS NULL GROUP BY context_id) n
		ON n.context_id = c.id
		ORDER BY c.name COLLATE NOCASE`)
	if err != nil {
		return nil, mapErr(err, "list contexts")
	}
	defer rows.Close()
	var out []*Context
	for rows.Next() {
		var n int
		c, err := scanContext(rows, &n)
		if err != nil {
			return nil, mapErr(err, "list contexts")
		}
		c.Memories = n
		out = append(out, c)
	}
	return out, mapErr(rows.Err(), "list contexts")
}

// CreateContext makes a new context; ErrConflict if the name is taken.
func (tx *Tx) CreateContext(ctx context.Context, name, description string) (*Context, error) {
	if err := ValidateLocalContextName(name); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	now := millis(tx.now)
	_, err = tx.q.ExecContext(ctx, `INSERT INTO contexts (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		id.String(), name, description, now, now)
	if err != nil {
		err = mapErr(err, "create context "+name)
		if errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("context %q: %w", name, ErrConflict)
		}
		return nil, err
	}
	return tx.GetContext(ctx, name)
}

// EnsureContext returns the named context, creating it when missing.
func (tx *Tx) EnsureContext(ctx context.Context, name string) (c *Context, created bool, err error) {
	c, err = tx.GetContext(ctx, name)
	if err == nil {
		return c, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	if validSyncedName(name) {
		return nil, false, fmt.Errorf("context %q: %w (shared contexts are made on the server: see `mem0 context create --team` and `mem0 sync`)", name, ErrNotFound)
	}
	c, err = tx.CreateContext(ctx, name, "")
	return c, err == nil, err
}

// SetContextDescription changes a context's description.
func (tx *Tx) SetContextDescription(ctx context.Context, name, description string) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE contexts SET description = ?, updated_at = ? WHERE name = ?`,
		description, millis(tx.now), name)
	return checkOne(res, err, "context "+name)
}

// RenameContext renames a context, keeping its memories; the current and
// recording context follow the rename.
func (tx *Tx) RenameContext(ctx context.Context, from, to string) error {
	if err := ValidateLocalContextName(to); err != nil {
		return err
	}
	c, err := tx.GetContext(ctx, from)
	if err != nil {
		return err
	}
	if _, err := tx.GetContext(ctx, to); err == nil && !equalFold(c.Name, to) {
		return fmt.Errorf("context %q: %w", to, ErrConflict)
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE contexts SET name = ?, updated_at = ? WHERE id = ?`, to, millis(tx.now), c.ID); err != nil {
		return mapErr(err, "rename context "+from)
	}
	for _, key := range []string{StateCurrentContext, StateRecordingContext} {
		if v, _ := tx.State(ctx, key); equalFold(v, c.Name) {
			if err := tx.SetState(ctx, key, to); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteContext removes a context with all its memories and their history.
// It refuses a context that still has live memories unless force is set.
// It returns how many memories (live or deleted) went with it.
func (tx *Tx) DeleteContext(ctx context.Context, name string, force bool) (int, error) {
	c, err := tx.GetContext(ctx, name)
	if err != nil {
		return 0, err
	}
	if err := tx.CountMemories(ctx, c); err != nil {
		return 0, err
	}
	if c.Memories > 0 && !force {
		return 0, fmt.Errorf("%w: context %q still holds %d memories; add --force to delete them too (export them first with `mem0 export --context %s`)", ErrInvalid, c.Name, c.Memories, c.Name)
	}
	var total int
	if err := tx.q.QueryRowContext(ctx, `SELECT count(*) FROM memories WHERE context_id = ?`, c.ID).Scan(&total); err != nil {
		return 0, mapErr(err, "count memories")
	}
	if _, err := tx.q.ExecContext(ctx, `DELETE FROM contexts WHERE id = ?`, c.ID); err != nil {
		return 0, mapErr(err, "delete context "+name)
	}
	if v, _ := tx.State(ctx, StateCurrentContext); equalFold(v, c.Name) {
		if err := tx.DeleteState(ctx, StateCurrentContext); err != nil {
			return 0, err
		}
	}
	if v, _ := tx.State(ctx, StateRecordingContext); equalFold(v, c.Name) {
		for _, key := range []string{StateRecordingContext, StateRecordingSince} {
			if err := tx.DeleteState(ctx, key); err != nil {
				return 0, err
			}
		}
	}
	return total, nil
}

func checkOne(res sql.Result, err error, what string) error {
	if err != nil {
		return mapErr(err, "update "+what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err, "update "+what)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

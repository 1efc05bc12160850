package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Keys of the state table.
const (
	StateCurrentContext   = "current_context"   // set by `mem0 context use`
	StateRecordingContext = "recording_context" // set by `mem0 context start`
	StateRecordingSince   = "recording_since"
)

// State returns the value of key, or "" when unset.
func (r reader) State(ctx context.Context, key string) (string, error) {
	var v string
	err := r.q.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, mapErr(err, "read state "+key)
}

// SetState stores value under key.
func (tx *Tx) SetState(ctx context.Context, key, value string) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return mapErr(err, "write state "+key)
}

// DeleteState removes key.
func (tx *Tx) DeleteState(ctx context.Context, key string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM state WHERE key = ?`, key)
	return mapErr(err, "clear state "+key)
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

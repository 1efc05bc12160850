package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"
)

// OutboxEntry is a change waiting to be pushed to the sync server. The
// memory's state is read at push time; the op id makes a retried push
// idempotent on the server.
type OutboxEntry struct {
	Seq       int64     `json:"seq"`
	OpID      string    `json:"op_id"`
	Op        string    `json:"op"`
	ContextID string    `json:"context_id"`
	MemoryID  string    `json:"memory_id"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
}

// enqueue records a change in the outbox, in the same transaction as the
// change itself, when the context is synced. Local-only contexts skip it.
func (tx *Tx) enqueue(ctx context.Context, contextID, memoryID string, version int, op string) error {
	synced, ok := tx.synced[contextID]
	if !ok {
		if err := tx.q.QueryRowContext(ctx, `SELECT sync_enabled FROM contexts WHERE id = ?`, contextID).Scan(&synced); err != nil {
			return mapErr(err, "check context sync")
		}
		if tx.synced == nil {
			tx.synced = map[string]bool{}
		}
		tx.synced[contextID] = synced
	}
	if !synced {
		return nil
	}
	opID, err := uuid.NewV7()
	if err != nil {
		return err
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO outbox (op_id, op, context_id, memory_id, version, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, opID.String(), op, contextID, memoryID, version, millis(tx.now))
	return mapErr(err, "queue change for sync")
}

// SetContextSync turns outbox recording on or off for a context.
func (tx *Tx) SetContextSync(ctx context.Context, name string, on bool) error {
	tx.synced = nil
	res, err := tx.q.ExecContext(ctx, `UPDATE contexts SET sync_enabled = ?, updated_at = ? WHERE name = ?`, on, millis(tx.now), name)
	return checkOne(res, err, "context "+name)
}

// Outbox returns up to limit pending changes, oldest first.
func (r reader) Outbox(ctx context.Context, limit int) ([]OutboxEntry, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT seq, op_id, op, context_id, memory_id, version, created_at, attempts, coalesce(last_error, '')
		FROM outbox ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, mapErr(err, "read outbox")
	}
	defer rows.Close()
	var out []OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var created int64
		if err := rows.Scan(&e.Seq, &e.OpID, &e.Op, &e.ContextID, &e.MemoryID, &e.Version, &created, &e.Attempts, &e.LastError); err != nil {
			return nil, mapErr(err, "read outbox")
		}
		e.CreatedAt = fromMillis(created)
		out = append(out, e)
	}
	return out, mapErr(rows.Err(), "read outbox")
}

// AckOutbox removes entries the server has acknowledged.
func (tx *Tx) AckOutbox(ctx context.Context, seqs ...int64) error {
	for _, s := range seqs {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM outbox WHERE seq = ?`, s); err != nil {
			return mapErr(err, "acknowledge outbox entry")
		}
	}
	return nil
}

// FailOutbox records a failed attempt (the entry stays queued).
func (tx *Tx) FailOutbox(ctx context.Context, seq int64, reason string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?`,
		sql.NullString{String: reason, Valid: reason != ""}, seq)
	return mapErr(err, "record outbox failure")
}

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Stats are the counts `mem0 status` shows.
type Stats struct {
	Contexts int   `json:"contexts"`
	Memories int   `json:"memories"`
	Deleted  int   `json:"deleted"`
	Versions int   `json:"history_versions"`
	Pending  int   `json:"pending_sync"`
	Bytes    int64 `json:"db_bytes"`
}

// Stats counts what the database holds; Bytes includes the WAL file.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	var st Stats
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM contexts),
		(SELECT count(*) FROM memories WHERE deleted_at IS NULL),
		(SELECT count(*) FROM memories WHERE deleted_at IS NOT NULL),
		(SELECT count(*) FROM memory_history),
		(SELECT count(*) FROM outbox)`).Scan(&st.Contexts, &st.Memories, &st.Deleted, &st.Versions, &st.Pending)
	if err != nil {
		return nil, mapErr(err, "count memories")
	}
	for _, p := range []string{s.path, s.path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			st.Bytes += fi.Size()
		}
	}
	return &st, nil
}

// Problem is something `mem0 doctor` found, with what to do about it.
type Problem struct {
	Check   string `json:"check"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	// Fixable problems are repaired by Repair.
	Fixable bool `json:"fixable"`
}

// Check runs SQLite's integrity check, the full-text index's own check and
// a foreign-key check. An empty result means all is well.
func (s *Store) Check(ctx context.Context) ([]Problem, error) {
	var problems []Problem
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, mapErr(err, "run integrity check")
	}
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return nil, mapErr(err, "run integrity check")
		}
		if m != "ok" {
			msgs = append(msgs, m)
		}
	}
	rows.Close()
	if len(msgs) > 0 {
		if len(msgs) > 5 {
			msgs = append(msgs[:5], fmt.Sprintf("and %d more", len(msgs)-5))
		}
		problems = append(problems, Problem{
			Check:   "integrity",
			Message: "SQLite reports damage: " + strings.Join(msgs, "; "),
			Fix: fmt.Sprintf("save what can be read with `mem0 export > backup.jsonl`, move %s aside, then `mem0 import backup.jsonl`",
				s.path),
		})
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO memories_fts (memories_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		// Only a corruption report means the index is out of step; a busy
		// database or anything else is an error to report as such.
		if err := mapErr(err, "check the search index"); !errors.Is(err, ErrCorrupt) {
			return nil, err
		}
		problems = append(problems, Problem{
			Check:   "search-index",
			Message: "the full-text index is out of step with the memories",
			Fix:     "run `mem0 doctor --fix` to rebuild it",
			Fixable: true,
		})
	}
	var fk int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&fk); err != nil {
		return nil, mapErr(err, "run foreign key check")
	}
	if fk > 0 {
		problems = append(problems, Problem{
			Check:   "references",
			Message: fmt.Sprintf("%d rows point at missing contexts or memories", fk),
			Fix:     "export, move the database aside and import again",
		})
	}
	return problems, nil
}

// Repair rebuilds the full-text index from the memories.
func (s *Store) Repair(ctx context.Context) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO memories_fts (memories_fts) VALUES ('rebuild')`)
		return mapErr(err, "rebuild the search index")
	})
}

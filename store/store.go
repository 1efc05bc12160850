// Package store is mem0's local database: contexts, memories with their
// history, the full-text index and the sync outbox, in one SQLite file
// (modernc.org/sqlite, no cgo).
//
// Reads are methods of both *Store and *Tx (through the embedded reader);
// writes are methods of *Tx only, so every change runs in a transaction
// that WithTx commits or rolls back as a whole.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options tune how the database is opened.
type Options struct {
	// BusyTimeout is how long a write waits for another process's lock
	// before failing with ErrBusy. Zero means 10 seconds.
	BusyTimeout time.Duration
	// MaxContentBytes limits a memory's content (content.DefaultMaxBytes when 0).
	MaxContentBytes int
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Store is an open database.
type Store struct {
	reader
	db   *sql.DB
	path string
	opts Options
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reader holds the read methods shared by Store and Tx.
type reader struct {
	q queryer
}

// Tx is a write transaction. Get one from WithTx.
type Tx struct {
	reader
	s      *Store
	now    time.Time
	synced map[string]bool // context id -> sync_enabled, read once per transaction
}

// Open opens (creating if needed) the database at path and brings its schema
// up to date. The parent folder is created with mode 0700.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, &dbError{what: "create the data folder", sentinel: ErrUnwritable, cause: err}
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, &dbError{what: "open " + path, sentinel: ErrUnwritable, cause: errors.New("it is a folder")}
	} else if errors.Is(err, os.ErrNotExist) {
		// Create the file first so that it, and the WAL files SQLite makes
		// with the same mode, are readable by the user only.
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return nil, &dbError{what: "create " + path, sentinel: ErrUnwritable, cause: err}
		}
		if f != nil {
			f.Close()
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(opts.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "temp_store(MEMORY)") // statement journals stay off disk
	// A modest page cache: closing the database frees every cached page,
	// one madvise at a time with modernc's allocator, so a big cache makes
	// every short command slower at exit. Imports raise it for themselves.
	q.Add("_pragma", "cache_size(-4096)")
	q.Set("_txlock", "immediate") // take the write lock at BEGIN: no deadlocked upgrades
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, mapErr(err, "open "+path)
	}
	// A CLI process does one thing at a time; a few connections let the MCP
	// server read while it writes.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	s := &Store{reader: reader{q: db}, db: db, path: path, opts: opts}
	if err := s.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// MaxContentBytes is the content limit in force.
func (s *Store) MaxContentBytes() int { return s.opts.MaxContentBytes }

// prepare switches to WAL and applies pending migrations. The common case
// (an up-to-date database in WAL mode) costs two reads and no lock.
func (s *Store) prepare(ctx context.Context) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return mapErr(err, "open "+s.path)
	}
	if !strings.EqualFold(mode, "wal") {
		// Changing the journal mode needs an exclusive lock that the busy
		// handler does not wait for, so retry while another process holds it.
		if err := retryBusy(ctx, s.opts.BusyTimeout, func() error {
			return s.db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
		}); err != nil {
			return mapErr(err, "switch "+s.path+" to WAL mode")
		}
	}
	version, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if version == len(migrations) {
		return nil
	}
	if version > len(migrations) {
		return fmt.Errorf("%w (schema %d, this mem0 knows %d): upgrade mem0 to use %s", ErrTooNew, version, len(migrations), s.path)
	}
	return s.WithTx(ctx, func(tx *Tx) error {
		// Another process may have migrated while we waited for the lock.
		var current int
		if err := tx.q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
			return mapErr(err, "read schema version")
		}
		for i := current; i < len(migrations); i++ {
			if _, err := tx.q.ExecContext(ctx, migrations[i].sql); err != nil {
				return mapErr(err, "apply migration "+migrations[i].name)
			}
		}
		if _, err := tx.q.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(len(migrations))); err != nil {
			return mapErr(err, "record schema version")
		}
		return nil
	})
}

func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, mapErr(err, "read schema version of "+s.path)
	}
	return v, nil
}

// SchemaVersion is the number of migrations applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) { return s.schemaVersion(ctx) }

type migration struct {
	name string
	sql  string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	for i, m := range out {
		if !strings.HasPrefix(m.name, fmt.Sprintf("%04d_", i+1)) {
			return nil, fmt.Errorf("migration %s is out of sequence (want number %04d)", m.name, i+1)
		}
	}
	return out, nil
}

// retryBusy runs fn until it stops failing with SQLITE_BUSY or the timeout
// passes. Only for the few statements SQLite's busy handler does not cover.
func retryBusy(ctx context.Context, timeout time.Duration, fn func() error) error {
	deadline := time.Now().Add(timeout)
	wait := 2 * time.Millisecond
	for {
		err := fn()
		if err == nil || !errors.Is(mapErr(err, ""), ErrBusy) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		if wait < 100*time.Millisecond {
			wait *= 2
		}
	}
}

// WithTx runs fn in a write transaction (BEGIN IMMEDIATE, so it waits up to
// the busy timeout for other writers) and commits when fn returns nil.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "start a transaction on "+s.path)
	}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
		}
	}()
	tx := &Tx{reader: reader{q: sqlTx}, s: s, now: s.opts.Now()}
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return mapErr(err, "commit to "+s.path)
	}
	return nil
}

// millis converts between time.Time and the INTEGER milliseconds stored.
func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

package store

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors. Everything above the store tests for these with
// errors.Is and never sees a driver error.
var (
	ErrNotFound   = errors.New("not found")
	ErrConflict   = errors.New("already exists")
	ErrAmbiguous  = errors.New("ambiguous id prefix")
	ErrInvalid    = errors.New("invalid input")
	ErrTooLarge   = errors.New("too large")
	ErrBusy       = errors.New("database is locked by another process")
	ErrCorrupt    = errors.New("database file is damaged or not a mem0 database")
	ErrUnwritable = errors.New("database cannot be written")
	ErrTooNew     = errors.New("database was made by a newer mem0")
)

// mapErr turns a driver error into one of the sentinels, keeping the
// driver's text for the curious. what says what was being done.
func mapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("%s: %w", what, err)
	}
	var sentinel error
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		sentinel = ErrBusy
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		sentinel = ErrCorrupt
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
		sentinel = ErrUnwritable
	case sqlite3.SQLITE_CONSTRAINT:
		sentinel = ErrConflict
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
	return &dbError{what: what, sentinel: sentinel, cause: err}
}

// dbError keeps both the sentinel (for errors.Is) and the driver's message.
type dbError struct {
	what     string
	sentinel error
	cause    error
}

func (e *dbError) Error() string {
	return fmt.Sprintf("%s: %v (%v)", e.what, e.sentinel, e.cause)
}

func (e *dbError) Is(target error) bool { return target == e.sentinel }

// Unwrap exposes only the sentinel so that no caller can reach the driver.
func (e *dbError) Unwrap() error { return e.sentinel }

// Detail is the underlying cause of a store error (the driver's or the
// operating system's words), for messages that name it.
func Detail(err error) string {
	var de *dbError
	if errors.As(err, &de) {
		return de.cause.Error()
	}
	return err.Error()
}

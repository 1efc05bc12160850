package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
	syncapi "github.com/mem0dev/mem0/sync"
)

// Exit codes, as documented in ARCHITECTURE.md and the README.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	ExitAuth  = 4
)

// FlagError is a mistake in how a command was called: exit code 2 and a
// pointer to --help.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// usageErrorf makes a FlagError.
func usageErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// ErrSilent means the command already told the user what went wrong.
var ErrSilent = errors.New("silent error")

// ErrAuth is for the team features: not logged in, or not allowed.
var ErrAuth = errors.New("not authenticated")

// ExitCode maps an error to the process exit code. It is the only place
// that decides exit codes.
func ExitCode(err error) int {
	var fe *FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &fe), errors.Is(err, context.Canceled):
		return ExitUsage
	case errors.Is(err, ErrAuth), errors.Is(err, syncapi.ErrUnauthorized), errors.Is(err, syncapi.ErrForbidden):
		return ExitAuth
	default:
		return ExitError
	}
}

// Explain turns an error into the sentence the user sees: what is wrong and
// what to do. dbPath names the database in messages about it.
func Explain(err error, dbPath string) string {
	var (
		size  *content.SizeError
		unrch *syncapi.UnreachableError
		api   *syncapi.APIError
	)
	switch {
	case errors.As(err, &unrch):
		return unrch.Error() + "; is it running? (choose another server with --server or MEM0_SERVER)"
	case errors.As(err, &api):
		return explainAPIError(api)
	case errors.As(err, &size):
		return fmt.Sprintf("the content is %d bytes, over the limit of %d bytes; store a shorter text, "+
			"or raise the limit with `mem0 config set content.max_bytes N`", size.Size, size.Limit)
	case errors.Is(err, content.ErrEmpty):
		return "nothing to remember: the content is empty; give the text as arguments or pipe it on stdin"
	case errors.Is(err, content.ErrInvalidUTF8):
		return lastPart(err) + "; convert it to UTF-8 first (for example with iconv)"
	case errors.Is(err, content.ErrNUL):
		return lastPart(err) + "; binary data cannot be stored, remember a path to the file instead"
	case errors.Is(err, store.ErrBusy):
		return fmt.Sprintf("the database %s is locked by another process and stayed locked past db.busy_timeout; "+
			"wait for it to finish (or close it) and try again", dbPath)
	case errors.Is(err, store.ErrCorrupt):
		return fmt.Sprintf("the database %s is damaged or is not a mem0 database; run `mem0 doctor` for details, "+
			"or move the file aside to start afresh", dbPath)
	case errors.Is(err, store.ErrUnwritable):
		return fmt.Sprintf("cannot open or write the database %s (%s); check that its folder exists and is writable "+
			"and that the disk is not full, or set MEM0_HOME to another folder", dbPath, store.Detail(err))
	case errors.Is(err, store.ErrTooNew):
		return err.Error()
	}
	// The sentinel's own words ("invalid input: ") add nothing to the
	// sentence that follows them.
	return strings.Replace(err.Error(), store.ErrInvalid.Error()+": ", "", 1)
}

// lastPart is the innermost message of a wrapped chain: for
// "invalid input: content is not valid UTF-8 (…)" it is the part after
// the sentinel.
func lastPart(err error) string {
	msg := err.Error()
	for _, s := range []error{store.ErrInvalid, store.ErrTooLarge} {
		msg = strings.TrimPrefix(msg, s.Error()+": ")
	}
	return msg
}

// explainAPIError words an error answer of the team server. Tokens are
// never part of it.
func explainAPIError(e *syncapi.APIError) string {
	if e.Status == 401 {
		switch e.Credential {
		case syncapi.CredentialSession:
			return fmt.Sprintf("your session on %s has ended (expired, revoked or logged out); run `mem0 login`", e.Server)
		case syncapi.CredentialAPIKey:
			return fmt.Sprintf("the server at %s refused the API key (%s); use another key or run `mem0 login`", e.Server, e.Message)
		}
	}
	msg := e.Message
	if msg == "" {
		msg = e.Error()
	}
	if e.Status == 429 && e.RetryAfter > 0 {
		return fmt.Sprintf("%s; try again in %s", msg, e.RetryAfter)
	}
	if e.Status >= 500 && e.RequestID != "" {
		return fmt.Sprintf("the server at %s failed: %s (request id %s)", e.Server, msg, e.RequestID)
	}
	return msg
}

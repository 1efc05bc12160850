// Package content holds the rules every memory's text obeys, wherever it is
// written: the CLI, the shell hooks, the MCP server and the sync server all
// call Validate so that a memory accepted in one place is accepted in all.
// It depends on the standard library only, so the server can import it
// without linking the SQLite store.
package content

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// DefaultMaxBytes is the default limit on a memory's content, in bytes of UTF-8.
const DefaultMaxBytes = 64 << 10

// The kinds of memory. A kind says what the text is, not where it came from.
const (
	KindNote    = "note"
	KindCommand = "command"
	KindFact    = "fact"
	KindSnippet = "snippet"
)

// Kinds lists every valid kind, in the order help texts show them.
var Kinds = []string{KindNote, KindSnippet, KindFact, KindCommand}

// The sources a memory can come from.
const (
	SourceCLI    = "cli"
	SourceShell  = "shell"
	SourceMCP    = "mcp"
	SourceAPI    = "api"
	SourceLLM    = "llm"
	SourceImport = "import"
)

// Sources lists every valid source.
var Sources = []string{SourceCLI, SourceShell, SourceMCP, SourceAPI, SourceLLM, SourceImport}

// Errors returned by Validate. Callers test them with errors.Is; the wrapped
// message says what was wrong in words a user can act on.
var (
	ErrEmpty       = errors.New("content is empty")
	ErrTooLarge    = errors.New("content is too large")
	ErrInvalidUTF8 = errors.New("content is not valid UTF-8")
	ErrNUL         = errors.New("content contains a NUL byte")
)

// SizeError says how far over the limit a text is. It matches ErrTooLarge.
type SizeError struct {
	Size  int64
	Limit int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("content is too large: %d bytes, the limit is %d", e.Size, e.Limit)
}

func (e *SizeError) Is(target error) bool { return target == ErrTooLarge }

// Validate checks text against the content rules with a limit of maxBytes
// (DefaultMaxBytes when maxBytes <= 0).
func Validate(text string, maxBytes int) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if strings.TrimSpace(text) == "" {
		return ErrEmpty
	}
	if len(text) > maxBytes {
		return &SizeError{Size: int64(len(text)), Limit: maxBytes}
	}
	if !utf8.ValidString(text) {
		for i, r := range text {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(text[i:]); size <= 1 {
					return fmt.Errorf("%w (first bad byte at offset %d)", ErrInvalidUTF8, i)
				}
			}
		}
		return ErrInvalidUTF8
	}
	if i := strings.IndexByte(text, 0); i >= 0 {
		return fmt.Errorf("%w at offset %d", ErrNUL, i)
	}
	return nil
}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// ValidSource reports whether s is one of Sources.
func ValidSource(s string) bool {
	for _, v := range Sources {
		if v == s {
			return true
		}
	}
	return false
}

// Hash identifies content for duplicate detection. Only surrounding white
// space is ignored (re-adding a note with a trailing newline is still the
// same note); inside the text every character counts, since indentation
// is meaning in code snippets.
func Hash(text string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(text)))
	return hex.EncodeToString(h[:16])
}

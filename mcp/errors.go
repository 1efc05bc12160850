package mcp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// explain turns a store error into the sentence a tool returns: what went
// wrong and what the model (or its user) can do about it. The handlers
// return it as an error, which the SDK sends as a tool result with isError
// set, never as a protocol error.
func (srv *Server) explain(err error) error {
	var size *content.SizeError
	var ph phrased
	switch {
	case errors.As(err, &ph):
		return ph.error
	case errors.As(err, &size):
		return fmt.Errorf("the text is %d bytes, over this database's limit of %d bytes; shorten it or split it into several memories", size.Size, size.Limit)
	case errors.Is(err, content.ErrEmpty):
		return errors.New(`the text is empty; put the words to remember in "text"`)
	case errors.Is(err, content.ErrInvalidUTF8), errors.Is(err, content.ErrNUL):
		return fmt.Errorf("%s; send plain text only", trimSentinels(err))
	case errors.Is(err, store.ErrBusy):
		return errors.New("the memory database is busy (another mem0 process held its write lock too long); try the same call again in a few seconds")
	case errors.Is(err, store.ErrCorrupt), errors.Is(err, store.ErrUnwritable), errors.Is(err, store.ErrTooNew):
		srv.log.Error("database unusable", "err", err)
		return fmt.Errorf("the memory database cannot be used (%s); tell the user to run `mem0 doctor`", trimSentinels(err))
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrAmbiguous), errors.Is(err, store.ErrConflict),
		errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrTooLarge):
		return errors.New(trimSentinels(err))
	}
	srv.log.Error("tool failed", "err", err)
	return fmt.Errorf("mem0 failed: %v", err)
}

// trimSentinels drops the store's category words ("invalid input: "), which
// add nothing to the sentence after them.
func trimSentinels(err error) string {
	msg := err.Error()
	for _, s := range []error{store.ErrInvalid, store.ErrTooLarge} {
		msg = strings.Replace(msg, s.Error()+": ", "", 1)
	}
	return msg
}

// phrased is an error already worded for the model; explain passes it on.
type phrased struct{ error }

// notFound is the answer for an id that does not exist or that lies outside
// the scope: the two look alike, so the scope does not leak what it hides.
func notFound(id string) error {
	return fmt.Errorf("no memory has the id %q here; find ids with search_memories or get_memories", id)
}

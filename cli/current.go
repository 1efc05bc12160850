package cli

import (
	"context"
	"fmt"

	"github.com/mem0dev/mem0/store"
)

// CurrentContext decides which context a command works in:
// the --context flag, then $MEM0_CONTEXT, then `mem0 context use`, then
// "default". It also says which of those decided.
func (f *Factory) CurrentContext(ctx context.Context, flag string) (name, source string, err error) {
	if flag != "" {
		if err := f.checkContextRef(ctx, flag); err != nil {
			return "", "", &FlagError{err: err}
		}
		return flag, "--context flag", nil
	}
	if env := f.Getenv("MEM0_CONTEXT"); env != "" {
		if err := f.checkContextRef(ctx, env); err != nil {
			return "", "", fmt.Errorf("MEM0_CONTEXT: %w", err)
		}
		return env, "MEM0_CONTEXT", nil
	}
	s, err := f.Store(ctx)
	if err != nil {
		return "", "", err
	}
	used, err := s.State(ctx, store.StateCurrentContext)
	if err != nil {
		return "", "", err
	}
	if used != "" {
		return used, "mem0 context use", nil
	}
	return store.DefaultContext, "default", nil
}

// resolveID expands a short id prefix to a full memory id.
func (f *Factory) resolveID(ctx context.Context, prefix string) (string, error) {
	_, id, err := f.storeAndID(ctx, prefix)
	return id, err
}

// storeAndID opens the store and expands an id prefix, for the commands
// that work on one memory.
func (f *Factory) storeAndID(ctx context.Context, prefix string) (*store.Store, string, error) {
	s, err := f.Store(ctx)
	if err != nil {
		return nil, "", err
	}
	id, err := s.ResolveID(ctx, prefix)
	return s, id, err
}

// checkContextRef accepts a local context name, or the name of a synced
// context (ORG/TEAM/NAME) that this machine holds.
func (f *Factory) checkContextRef(ctx context.Context, name string) error {
	err := store.ValidateContextName(name)
	if err == nil || store.ValidateContextRef(name) != nil {
		return err
	}
	s, serr := f.Store(ctx)
	if serr != nil {
		return serr
	}
	if _, gerr := s.GetContext(ctx, name); gerr != nil {
		return err
	}
	return nil
}

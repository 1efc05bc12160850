package mcp

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mem0dev/mem0/store"
)

// AnyContext in Scope.Allowed lets the model name any context.
const AnyContext = "*"

// Scope is what a server may touch. It is set by the person who configured
// the client (flags, config), so a model cannot widen it by claiming to be
// someone or by naming another context.
type Scope struct {
	// Context is where memories are written and read by default. Empty
	// means the current context (`mem0 context use`, else "default"),
	// looked up at each call so that switching contexts in the terminal
	// is followed.
	Context string
	// Allowed lists further contexts the model may name in a tool's
	// "context" argument; AnyContext allows all.
	Allowed []string
	// ReadOnly exposes only the tools that read.
	ReadOnly bool
}

// all reports whether any context may be named.
func (sc Scope) all() bool { return slices.Contains(sc.Allowed, AnyContext) }

// stateReader reads the current context: *store.Store, or the *store.Tx a
// call is in (a call holding a transaction must not ask the pool for a
// second connection: with every connection busy it would wait on itself).
type stateReader interface {
	State(ctx context.Context, key string) (string, error)
}

// home is the context calls use when they name none.
func (srv *Server) home(ctx context.Context) (string, error) { return srv.homeIn(ctx, srv.s) }

func (srv *Server) homeIn(ctx context.Context, r stateReader) (string, error) {
	if srv.scope.Context != "" {
		return srv.scope.Context, nil
	}
	name, err := r.State(ctx, store.StateCurrentContext)
	if err != nil {
		return "", err
	}
	if name == "" {
		name = store.DefaultContext
	}
	return name, nil
}

// permits reports whether the scope reaches the context called name.
func (srv *Server) permits(ctx context.Context, r stateReader, name string) (bool, error) {
	if srv.scope.all() {
		return true, nil
	}
	home, err := srv.homeIn(ctx, r)
	if err != nil {
		return false, err
	}
	if strings.EqualFold(name, home) {
		return true, nil
	}
	for _, a := range srv.scope.Allowed {
		if strings.EqualFold(name, a) {
			return true, nil
		}
	}
	return false, nil
}

// pick returns the context a call works in: the one named, if the scope
// reaches it, else the home context.
func (srv *Server) pick(ctx context.Context, named string) (string, error) {
	named = strings.TrimSpace(named)
	if named == "" {
		return srv.home(ctx)
	}
	if err := store.ValidateContextRef(named); err != nil {
		return "", phrased{fmt.Errorf("context %q is not a valid context name: use 1-64 letters, digits, '.', '_' or '-' "+
			"(shared contexts: ORG/TEAM/NAME, ORG/NAME or @user/NAME), or leave \"context\" out to use the server's context", named)}
	}
	ok, err := srv.permits(ctx, srv.s, named)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", srv.outOfScope(ctx, named)
	}
	return named, nil
}

// pickRead is pick for reading tools, where "*" means every context the
// scope reaches (nil: all contexts).
func (srv *Server) pickRead(ctx context.Context, named string) ([]string, error) {
	if strings.TrimSpace(named) != AnyContext {
		c, err := srv.pick(ctx, named)
		if err != nil {
			return nil, err
		}
		return []string{c}, nil
	}
	if srv.scope.all() {
		return nil, nil
	}
	home, err := srv.home(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{home}
	for _, a := range srv.scope.Allowed {
		if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, a) }) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (srv *Server) outOfScope(ctx context.Context, named string) error {
	reach, err := srv.pickRead(ctx, AnyContext)
	if err != nil {
		return err
	}
	return phrased{fmt.Errorf("context %q is outside what this mem0 server may use (it may use: %s); leave \"context\" out "+
		"to use %q, or ask the user to allow it (mem0 mcp --allow-context %s)", named, strings.Join(reach, ", "), reach[0], named)}
}

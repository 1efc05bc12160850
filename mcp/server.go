// Package mcp is mem0's Model Context Protocol server: the tools, resources
// and scope rules that let AI clients (Claude, Cursor, VS Code Copilot …)
// read and write the local store over stdio. It sits beside package cli as
// a second front end over package store and never imports cli.
package mcp

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/semantic"
	"github.com/mem0dev/mem0/store"
)

// Options configure a server. Everything that decides what the model may
// touch comes from here (flags and config), never from tool arguments.
type Options struct {
	// Store is the database; or leave it nil and set Open.
	Store *store.Store
	// Open opens the database. It is called once, by the first request
	// that needs it, so that initialize is answered while the database is
	// still being opened; if it fails, every tool call says why.
	Open    func() (*store.Store, error)
	Scope   Scope
	Version string
	// Logger receives one line per tool call at debug level and problems
	// at warn/error. Nil discards.
	Logger *slog.Logger
	// Now is the clock for relative times in filters; nil means time.Now.
	Now func() time.Time
	// BeforeRequest, when set, runs before every request that uses the
	// database, once it is open. The CLI stores there what the shell hooks
	// spooled, so that a command typed a moment ago is found.
	BeforeRequest func(context.Context)
	// Infer extracts and stores facts for add_memory with infer set (the
	// CLI runs infer.Add with the configured LLM). Nil: infer is refused.
	Infer func(ctx context.Context, s *store.Store, req infer.Request) (infer.Result, error)
	// Search, when set, returns the search engine (hybrid with the
	// configured embedder) for the store. Nil: search_memories ranks by
	// words alone.
	Search func(s *store.Store) *semantic.Engine
}

// Server holds what the tool and resource handlers share.
type Server struct {
	s      *store.Store // set by ready before any handler runs
	open   func() (*store.Store, error)
	scope  Scope
	log    *slog.Logger
	now    func() time.Time
	before func(context.Context)
	infer  func(ctx context.Context, s *store.Store, req infer.Request) (infer.Result, error)
	search func(s *store.Store) *semantic.Engine
}

// instructions tell the model, once per session, how the tools fit together.
const instructions = `mem0 is the developer's local memory: notes, facts, snippets and shell commands,
shared with their terminal and teammates. Search it (search_memories) before
answering questions about this project, its infrastructure or the user's
preferences, and remember (add_memory) durable facts the user states or
decisions you make together - one fact per memory, in plain words. Memory ids
come from search_memories and get_memories. Which context (bucket) is read
and written is fixed by the server's configuration.`

// New builds the MCP server: tools (only the reading ones when the scope
// is read-only), resources and resource templates.
func New(opts Options) *sdk.Server {
	srv := &Server{scope: opts.Scope, log: opts.Logger, now: opts.Now, before: opts.BeforeRequest, infer: opts.Infer, search: opts.Search}
	srv.open = sync.OnceValues(func() (*store.Store, error) {
		s, err := opts.Store, error(nil)
		if s == nil {
			s, err = opts.Open()
		}
		srv.s = s // once, before any handler can read it
		return s, err
	})
	if srv.log == nil {
		srv.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if srv.now == nil {
		srv.now = time.Now
	}
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	server := sdk.NewServer(&sdk.Implementation{Name: "mem0", Title: "mem0 memory", Version: version}, &sdk.ServerOptions{
		Instructions: instructions,
		// The SDK's own lifecycle lines are only worth seeing when
		// debugging.
		Logger: slog.New(quietHandler{srv.log.Handler()}),
		// No logging capability: logs go to stderr, which clients keep.
		Capabilities: &sdk.ServerCapabilities{},
	})
	srv.addTools(server)
	srv.addResources(server)
	server.AddReceivingMiddleware(srv.logCalls, srv.ready)
	return server
}

// noStore lists the methods that never touch the database.
var noStore = map[string]bool{"initialize": true, "ping": true, "tools/list": true, "resources/templates/list": true}

// ready waits for the database before any request that may use it; the
// handshake and the listing of tools do not.
func (srv *Server) ready(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		if noStore[method] || strings.HasPrefix(method, "notifications/") {
			return next(ctx, method, req)
		}
		if _, err := srv.open(); err != nil {
			err = srv.explain(err)
			if method == "tools/call" {
				res := &sdk.CallToolResult{}
				res.SetError(err)
				return res, nil
			}
			return nil, err
		}
		if srv.before != nil {
			srv.before(ctx)
		}
		return next(ctx, method, req)
	}
}

// Serve serves one client over in and out (a process's stdin and stdout)
// until the client closes in or ctx ends. Requests read before in closed
// are answered first, so `mem0 mcp < requests.jsonl` works.
func Serve(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	d := newDrain(in, out, drainTimeout)
	return New(opts).Run(ctx, &sdk.IOTransport{Reader: io.NopCloser(d), Writer: nopCloser{drainWriter{d}}})
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// logCalls logs every request with its duration, at debug level.
func (srv *Server) logCalls(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		start := time.Now()
		res, err := next(ctx, method, req)
		attrs := []any{"method", method, "ms", float64(time.Since(start).Microseconds()) / 1000}
		if p, ok := req.GetParams().(*sdk.CallToolParamsRaw); ok {
			attrs = append(attrs, "tool", p.Name)
		}
		if r, ok := res.(*sdk.CallToolResult); ok && r != nil && r.IsError {
			attrs = append(attrs, "tool_error", toolErrorText(r))
		}
		if err != nil {
			srv.log.Warn("request failed", append(attrs, "err", err)...)
		} else {
			srv.log.Debug("request", attrs...)
		}
		return res, err
	}
}

func toolErrorText(r *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if t, ok := c.(*sdk.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// quietHandler passes on only warnings and errors unless the handler it
// wraps is set to debug.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if h.Handler.Enabled(ctx, slog.LevelDebug) {
		return true
	}
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}
func (h quietHandler) WithGroup(g string) slog.Handler { return quietHandler{h.Handler.WithGroup(g)} }

package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/mcp"
	"github.com/mem0dev/mem0/semantic"
	"github.com/mem0dev/mem0/store"
)

// MCPOptions is what `mem0 mcp` was asked to do.
type MCPOptions struct {
	f *Factory

	Context       string
	AllowContexts []string
	ReadOnly      bool
	ReadOnlySet   bool // --read-only given, so the mcp.read_only setting does not count
	Verbose       bool
}

// NewCmdMCP builds `mem0 mcp` and its subcommands.
func NewCmdMCP(f *Factory, runF func(context.Context, *MCPOptions) error) *cobra.Command {
	opts := &MCPOptions{f: f}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve memories to AI tools over the Model Context Protocol (stdio)",
		Long: `Run an MCP server on stdin/stdout for an AI client (Claude Desktop, Claude
Code, Cursor, VS Code Copilot, Windsurf) to search, add, change and delete
memories in the local database - the same memories the CLI and the shell
hooks read and write. Clients start it themselves: set it up with
mem0 mcp install CLIENT. Only the protocol goes to stdout; logs go to stderr.

The context tools read and write is --context, else the mcp.context setting,
else $MEM0_CONTEXT, else the current context (mem0 context use, followed as
it changes). Models cannot choose another context unless --allow-context
(or the mcp.allow_contexts setting) lets them; --read-only (or
mcp.read_only) offers only the tools that read.

Tools: add_memory, search_memories, get_memories, get_memory, update_memory,
delete_memory, list_contexts, memory_history. Resources: mem0://recent,
mem0://memories/{id}, mem0://contexts/{context}/recent.`,
		Example: `  mem0 mcp install claude-code          # let Claude Code start it
  mem0 mcp --context work               # what a client's config runs
  mem0 mcp --read-only --allow-context team-notes
  mem0 mcp doctor`,
		Args: exactArgs(0, "no arguments (subcommands: install, doctor)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Context != "" {
				if err := store.ValidateContextRef(opts.Context); err != nil {
					return &FlagError{err: err}
				}
			}
			for _, a := range opts.AllowContexts {
				if err := checkAllowContext(a); err != nil {
					return &FlagError{err: err}
				}
			}
			opts.ReadOnlySet = cmd.Flags().Changed("read-only")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return mcpRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Context, "context", "c", "", "context the tools read and write (default: mcp.context, $MEM0_CONTEXT, then the current context)")
	_ = cmd.RegisterFlagCompletionFunc("context", completeContexts(f))
	cmd.Flags().StringArrayVar(&opts.AllowContexts, "allow-context", nil, "another context tools may name (repeatable; * for all)")
	cmd.Flags().BoolVar(&opts.ReadOnly, "read-only", false, "offer only the tools that read")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "log every request to stderr")
	cmd.AddCommand(NewCmdMCPInstall(f, nil), NewCmdMCPDoctor(f, nil))
	return cmd
}

func checkAllowContext(name string) error {
	if name == mcp.AnyContext {
		return nil
	}
	return store.ValidateContextRef(name)
}

// mcpScope works out the scope from flags, then settings and environment.
func mcpScope(opts *MCPOptions) (mcp.Scope, error) {
	f := opts.f
	cfg, err := f.Config()
	if err != nil {
		return mcp.Scope{}, err
	}
	sc := mcp.Scope{Context: opts.Context, Allowed: opts.AllowContexts, ReadOnly: opts.ReadOnly}
	if !opts.ReadOnlySet {
		sc.ReadOnly = cfg.Get("mcp.read_only") == "true"
	}
	if sc.Context == "" {
		sc.Context = cfg.Get("mcp.context")
	}
	if sc.Context == "" {
		// Else the current context, looked up by the server at each call,
		// unless the environment fixes it.
		if env := f.Getenv("MEM0_CONTEXT"); env != "" {
			if err := store.ValidateContextRef(env); err != nil {
				return sc, usageErrorf("MEM0_CONTEXT: %v", err)
			}
			sc.Context = env
		}
	}
	if len(sc.Allowed) == 0 {
		for _, a := range strings.Split(cfg.Get("mcp.allow_contexts"), ",") {
			if a = strings.TrimSpace(a); a != "" {
				if err := checkAllowContext(a); err != nil {
					return sc, usageErrorf("setting mcp.allow_contexts: %v", err)
				}
				sc.Allowed = append(sc.Allowed, a)
			}
		}
	}
	return sc, nil
}

func mcpRun(ctx context.Context, opts *MCPOptions) error {
	f := opts.f
	scope, err := mcpScope(opts)
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if opts.Verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: level}))
	paths, err := f.Paths()
	if err != nil {
		return err
	}
	// Open the database while the server starts and answers initialize;
	// the first request that needs it waits for it. Nothing else uses the
	// factory until open has returned.
	opened := make(chan error, 1)
	go func() {
		_, err := f.Store(ctx)
		opened <- err
	}()
	open := sync.OnceValues(func() (*store.Store, error) {
		if err := <-opened; err != nil {
			log.Error("cannot open the database", "err", Explain(err, paths.Database()))
			return nil, err
		}
		return f.Store(ctx)
	})
	defer open() // f.Close at exit must not race the opening
	home := scope.Context
	if home == "" {
		home = "the current context"
	}
	if f.IO.IsStdinTTY() {
		fmt.Fprintln(f.IO.ErrOut, "mem0 mcp speaks the Model Context Protocol on stdin/stdout for an AI client, which starts it "+
			"itself: set one up with `mem0 mcp install CLIENT`. Press Ctrl-D to stop.")
	}
	log.Info("mem0 mcp serving on stdio", "context", home, "allow", strings.Join(scope.Allowed, ","),
		"read_only", scope.ReadOnly, "db", paths.Database())
	// Commands the shell hooks recorded since the last request are stored
	// before the next one reads.
	before := func(ctx context.Context) {
		if s, err := open(); err == nil {
			f.autoIngest(ctx, s)
		}
	}
	err = mcp.Serve(ctx, mcp.Options{Open: open, Scope: scope, Version: f.Build.Version, Logger: log, Now: f.Now,
		BeforeRequest: before, Infer: mcpInfer(f), Search: mcpSearch(f)}, f.IO.In, f.IO.Out)
	if err != nil && ctx.Err() != nil {
		return nil // interrupted: a normal way for a stdio server to end
	}
	return err
}

// mcpInfer is add_memory's infer: the configured LLM, looked up at the
// first call that wants it (so a server nobody asks to infer never reads
// a key) and kept once found.
func mcpInfer(f *Factory) func(context.Context, *store.Store, infer.Request) (infer.Result, error) {
	var mu sync.Mutex
	var llm ai.Chatter
	var role *aiRole
	return func(ctx context.Context, s *store.Store, req infer.Request) (infer.Result, error) {
		mu.Lock()
		if llm == nil {
			var err error
			if llm, role, err = f.LLM("infer"); err != nil {
				llm = nil
				mu.Unlock()
				return infer.Result{}, err
			}
		}
		c, r := llm, role
		mu.Unlock()
		return inferWith(ctx, f, s, c, r, req)
	}
}

// mcpSearch is search_memories' engine: hybrid with the configured
// embedder, built once; words only when the settings cannot be read.
func mcpSearch(f *Factory) func(*store.Store) *semantic.Engine {
	var once sync.Once
	var e *semantic.Engine
	return func(s *store.Store) *semantic.Engine {
		once.Do(func() {
			var err error
			if e, err = f.semanticOver(s, "search"); err != nil {
				e = &semantic.Engine{Store: s}
			}
		})
		return e
	}
}

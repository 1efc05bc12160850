package cli

import (
	"context"
	"os"
	"time"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
)

// BuildInfo is stamped into the binary by the Makefile (-ldflags -X).
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Factory hands commands what they need, each piece built on first use:
// `mem0 version` reads no config and opens no database, `mem0 search` opens
// the database but touches no network.
type Factory struct {
	IO     *IOStreams
	Build  BuildInfo
	Getenv func(string) string
	Now    func() time.Time
	// ParentPID is the process id of whatever started mem0 (os.Getppid
	// when nil): the shell, when a person typed the command.
	ParentPID func() int
	// AISent, when set, sees every request sent to an AI provider, after
	// masking (--explain prints them).
	AISent func(ai.Sent)
	// Spawn, when set, replaces starting this binary detached with args
	// (the background sync and reindex); tests record the calls.
	Spawn func(args ...string)

	inRun bool     // inside Run: the work after the command is still to come
	atEnd []func() // run by Run once that work is done

	paths  *Paths
	config *Config
	store  *store.Store
}

// NewFactory returns a factory over the process's real streams and environment.
func NewFactory(build BuildInfo) *Factory {
	return &Factory{IO: SystemIO(), Build: build, Getenv: os.Getenv, Now: time.Now}
}

// Paths resolves the folders mem0 uses (no I/O).
func (f *Factory) Paths() (Paths, error) {
	if f.paths == nil {
		p, err := ResolvePaths(f.Getenv)
		if err != nil {
			return Paths{}, err
		}
		f.paths = &p
	}
	return *f.paths, nil
}

// Config reads the config file and environment once.
func (f *Factory) Config() (*Config, error) {
	if f.config == nil {
		p, err := f.Paths()
		if err != nil {
			return nil, err
		}
		c, err := LoadConfig(p.ConfigFile())
		if err != nil {
			return nil, err
		}
		f.config = c
	}
	return f.config, nil
}

// Store opens the local database once; Close releases it. Opening it
// first stores what the shell hooks recorded, so that what was typed a
// moment ago is there to be found.
func (f *Factory) Store(ctx context.Context) (*store.Store, error) {
	opened := f.store == nil
	s, err := f.openStore(ctx)
	if err == nil && opened {
		f.autoIngest(ctx, s)
	}
	return s, err
}

// openStore opens the local database once, without ingesting.
func (f *Factory) openStore(ctx context.Context) (*store.Store, error) {
	if f.store != nil {
		return f.store, nil
	}
	p, err := f.Paths()
	if err != nil {
		return nil, err
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, p.Database(), store.Options{
		BusyTimeout:     cfg.BusyTimeout(),
		MaxContentBytes: cfg.MaxContentBytes(),
		Now:             f.Now,
	})
	if err != nil {
		return nil, err
	}
	f.store = s
	return s, nil
}

// shellSession is the id of the shell with the mem0 hook that ran this
// process, or "". MEM0_SESSION is inherited by everything a shell starts:
// only a mem0 the shell ran itself (its parent is that shell) acts on it;
// a script or a shell without the hook started from it does not.
func (f *Factory) shellSession() string {
	id := f.Getenv(shell.EnvSession)
	if id == "" {
		return ""
	}
	parent := os.Getppid
	if f.ParentPID != nil {
		parent = f.ParentPID
	}
	if pid, ok := shell.SessionPID(id); !ok || pid != parent() {
		return ""
	}
	return id
}

// Close releases what the factory opened.
func (f *Factory) Close() error {
	if f.store != nil {
		err := f.store.Close()
		f.store = nil
		return err
	}
	return nil
}

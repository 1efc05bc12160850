package cli

import (
	"context"
	"os"
	"os/exec"
	"time"

	"github.com/mem0dev/mem0/store"
)

// stateAutoSyncStarted is when a write last started a background sync.
const stateAutoSyncStarted = "sync_auto_started"

// autoSyncCommands write memories: after them, changes to synced contexts
// are pushed by a background `mem0 sync --quiet`.
var autoSyncCommands = map[string]bool{"add": true, "edit": true, "rm": true, "restore": true, "import": true, "ingest": true}

// maybeAutoSync starts a detached `mem0 sync --quiet` when the command
// wrote to a synced context (the outbox is not empty), sync.auto is on and
// none was started within sync.interval. It never waits for it: the
// network is never on the write path. Errors are ignored; the background
// sync records its own in `mem0 sync --status`.
func (f *Factory) maybeAutoSync(ctx context.Context, command string) {
	if !autoSyncCommands[command] || f.store == nil {
		return
	}
	cfg, err := f.Config()
	if err != nil || cfg.Get("sync.auto") == "false" {
		return
	}
	interval, err := time.ParseDuration(cfg.Get("sync.interval"))
	if err != nil {
		interval = 5 * time.Minute
	}
	s := f.store
	if n, err := s.PendingCount(ctx); err != nil || n == 0 {
		return
	}
	f.startBackground(ctx, s, stateAutoSyncStarted, interval, "sync", "--quiet")
}

// startBackground starts this binary detached with args, unless the state
// key says one was started within interval. It never waits for it and
// ignores errors: a background run reports its own.
func (f *Factory) startBackground(ctx context.Context, s *store.Store, key string, interval time.Duration, args ...string) {
	now := f.Now()
	if last, _ := s.State(ctx, key); last != "" {
		if t, err := time.Parse(time.RFC3339Nano, last); err == nil && now.Sub(t) < interval && !t.After(now) {
			return
		}
	}
	if err := s.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SetState(ctx, key, now.UTC().Format(time.RFC3339Nano))
	}); err != nil {
		return
	}
	if f.Spawn != nil {
		f.Spawn(args...)
		return
	}
	// This very binary: a name looked up on $PATH could be another mem0.
	exe, err := os.Executable()
	if err != nil {
		if exe, err = exec.LookPath(os.Args[0]); err != nil {
			return
		}
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	detach(cmd)
	if cmd.Start() == nil {
		cmd.Process.Release()
	}
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// lockAuth takes an exclusive lock shared by every mem0 process of this
// MEM0_HOME, held around a token refresh. The server rotates refresh
// tokens and treats a spent one coming back as theft (it ends the whole
// session), so two processes must never refresh with the same token: the
// second one waits, then finds the pair the first one stored.
func lockAuth(ctx context.Context, dir string) (unlock func(), err error) {
	return lockFile(ctx, dir, "auth.lock", 40*time.Second) // past a refresh's own timeout
}

// errLocked says another process holds a lock that was not waited for.
var errLocked = errors.New("held by another mem0 process")

// lockFile takes the exclusive lock dir/name, waiting at most wait for
// another process to let it go (wait 0: one try, errLocked if held).
func lockFile(ctx context.Context, dir, name string, wait time.Duration) (unlock func(), err error) {
	if err := ensureDir(dir); err != nil {
		return nil, fmt.Errorf("create state folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the lock %s: %w", name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		ok, err := tryLockFile(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		if ok {
			return func() { unlockFile(f); f.Close() }, nil
		}
		if wait == 0 {
			f.Close()
			return nil, fmt.Errorf("%s: %w", f.Name(), errLocked)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("another mem0 process holds %s: %w", f.Name(), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

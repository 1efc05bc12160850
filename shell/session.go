package shell

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sessions is the folder holding one small file per shell with the hooks
// loaded: the id of the context that shell records into, or nothing when it
// does not record. The hook reads its file before every prompt (one open and
// read, no process), and `mem0 context start|stop` writes it.
type Sessions struct {
	Dir string
}

// EnvSession is the environment variable through which the hooks tell mem0
// which shell session it runs in.
const EnvSession = "MEM0_SESSION"

// SessionPID is the process id of the shell a session id names: hooks make
// ids as SHELL-PIDHEX-RANDOM.
func SessionPID(id string) (int, bool) {
	parts := strings.Split(id, "-")
	if len(parts) != 3 || !validSession(id) {
		return 0, false
	}
	pid, err := strconv.ParseInt(parts[1], 16, 32)
	return int(pid), err == nil && pid > 0
}

// Session is one shell's recording state.
type Session struct {
	ID      string
	Context string    // context id; "" when not recording
	Since   time.Time // when the state last changed
}

func (s Sessions) path(id string) (string, error) {
	if !validSession(id) {
		return "", fmt.Errorf("%s=%q is not a session id a mem0 hook made; reload the hook (mem0 init)", EnvSession, id)
	}
	return filepath.Join(s.Dir, id), nil
}

// Get returns the state of session id; ok is false when the session is
// unknown (no hook made it, or its file was pruned).
func (s Sessions) Get(id string) (sess Session, ok bool, err error) {
	p, err := s.path(id)
	if err != nil {
		return Session{}, false, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Session{ID: id}, false, nil
	}
	if err != nil {
		return Session{}, false, fmt.Errorf("read shell session %s: %w", id, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Session{}, false, fmt.Errorf("read shell session %s: %w", id, err)
	}
	data, err := io.ReadAll(io.LimitReader(f, 256))
	if err != nil {
		return Session{}, false, fmt.Errorf("read shell session %s: %w", id, err)
	}
	return Session{ID: id, Context: strings.TrimSpace(string(data)), Since: info.ModTime()}, true, nil
}

// Set makes session id record into contextID ("" stops it). The file is
// replaced whole (write then rename), so the hook never reads half of it.
func (s Sessions) Set(id, contextID string) error {
	p, err := s.path(id)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("save shell session: %w", err)
	}
	tmp, err := os.CreateTemp(s.Dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("save shell session: %w", err)
	}
	_, werr := tmp.WriteString(contextID + "\n")
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save shell session: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save shell session: %w", err)
	}
	return nil
}

// List returns every known session.
func (s Sessions) List() ([]Session, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list shell sessions: %w", err)
	}
	var out []Session
	for _, e := range entries {
		if !validSession(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		sess, ok, err := s.Get(e.Name())
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, sess)
		}
	}
	return out, nil
}

// Stop stops every session recording into one of contextIDs (all
// recording sessions when none are given) and returns how many it stopped.
func (s Sessions) Stop(contextIDs ...string) (int, error) {
	return s.retarget(func(c string) bool {
		return c != "" && (len(contextIDs) == 0 || slices.Contains(contextIDs, c))
	}, "")
}

// Repoint makes the sessions recording into context from record into to
// (a context merged into another) and returns how many it changed.
func (s Sessions) Repoint(from, to string) (int, error) {
	return s.retarget(func(c string) bool { return c == from }, to)
}

// retarget sets the context of every session whose context matches.
func (s Sessions) retarget(match func(string) bool, to string) (int, error) {
	all, err := s.List()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sess := range all {
		if !match(sess.Context) {
			continue
		}
		if err := s.Set(sess.ID, to); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Prune forgets shells long gone: sessions that do not record and have not
// changed for age, and scratch files a day old. A session that records is
// kept however old: the hook never writes its file, and a shell in tmux may
// record for months; `mem0 context stop --all` ends those.
func (s Sessions) Prune(now time.Time, age time.Duration) error {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("prune shell sessions: %w", err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		name, idle := e.Name(), now.Sub(info.ModTime())
		path := filepath.Join(s.Dir, name)
		switch {
		case strings.HasPrefix(name, "."): // .tmp-* and bash's .SESSION.last
			if idle > 24*time.Hour {
				os.Remove(path)
			}
		case validSession(name) && idle > age && info.Size() <= 1: // "" or "\n": not recording
			os.Remove(path)
		}
	}
	return nil
}

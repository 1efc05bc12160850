package shell

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Spool is the folder the hooks write one record file per command into.
type Spool struct {
	Dir string
}

// Pending is a record ready to ingest and the file it came from.
type Pending struct {
	*Capture
	Path string
}

// staleAfter is how long a record may stay without its end line before it
// is taken for the remains of a hook killed while writing: writing one takes
// microseconds, so a minute leaves no doubt.
const staleAfter = time.Minute

// BadDir is where records that cannot be read are moved, kept for a person
// to look at rather than deleted.
const BadDir = "bad"

// ScanResult is what Scan found.
type ScanResult struct {
	Ready   []Pending // complete records, oldest command first
	Writing int       // records a hook may still be writing
	Bad     []string  // unreadable records moved to BadDir (their new paths)
}

// Scan reads every record in the spool. Records a hook is still writing are
// left alone; records that can never be read are moved aside to BadDir.
// A missing spool folder is an empty spool.
func (s Spool) Scan(ctx context.Context, now time.Time) (*ScanResult, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return &ScanResult{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the shell spool: %w", err)
	}
	res := &ScanResult{}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(s.Dir, name)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // another ingest took it
		}
		if err != nil {
			return nil, fmt.Errorf("read the shell spool: %w", err)
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		c, err := ParseRecord(data, info.ModTime())
		switch {
		case err == nil:
			res.Ready = append(res.Ready, Pending{Capture: c, Path: path})
		case errors.Is(err, errIncomplete) && now.Sub(info.ModTime()) < staleAfter:
			res.Writing++
		default:
			moved, merr := s.moveAside(path, name)
			if merr != nil {
				return nil, merr
			}
			res.Bad = append(res.Bad, moved)
		}
	}
	sort.SliceStable(res.Ready, func(i, j int) bool {
		a, b := res.Ready[i], res.Ready[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		if a.Session != b.Session {
			return a.Session < b.Session
		}
		return a.Seq < b.Seq
	})
	return res, nil
}

func (s Spool) moveAside(path, name string) (string, error) {
	dir := filepath.Join(s.Dir, BadDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("set aside unreadable record %s: %w", name, err)
	}
	to := filepath.Join(dir, name)
	if err := os.Rename(path, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("set aside unreadable record %s: %w", name, err)
	}
	return to, nil
}

// Remove deletes ingested record files. Call it only after the memories
// they became are committed: a crash in between leaves files whose records
// are recognised by id at the next ingest.
func (s Spool) Remove(ctx context.Context, paths []string) error {
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove ingested record: %w", err)
		}
	}
	return nil
}

// Count returns how many records wait in the spool and how many were set
// aside as unreadable, without reading them.
func (s Spool) Count() (pending, bad int, err error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("read the shell spool: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			pending++
		}
	}
	if bads, err := os.ReadDir(filepath.Join(s.Dir, BadDir)); err == nil {
		bad = len(bads)
	}
	return pending, bad, nil
}

// HasRecords reports cheaply whether anything waits in the spool: one
// directory read, stopping at the first record.
func (s Spool) HasRecords() bool {
	d, err := os.Open(s.Dir)
	if err != nil {
		return false
	}
	defer d.Close()
	for {
		names, err := d.Readdirnames(16)
		for _, n := range names {
			if !strings.HasPrefix(n, ".") && n != BadDir {
				return true
			}
		}
		if err != nil {
			return false
		}
	}
}

package ai

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// The AI log keeps the last requests sent to providers, one JSON object a
// line, so users can see what left the machine (`mem0 ai log`). It is
// rotated once it passes logMaxBytes: the older half moves to PATH.1.
const (
	logMaxBytes = 1 << 20
	logMaxTexts = 20   // texts kept per entry; Items tells how many were sent
	logMaxText  = 2000 // bytes kept of each text
)

// AppendLog adds s to the log at path (0600, created when missing). Texts
// are cut for the log only; Items and Bytes still tell what was sent.
func AppendLog(path string, s Sent) error {
	if len(s.Texts) > logMaxTexts {
		s.Texts = s.Texts[:logMaxTexts]
	}
	cut := make([]string, len(s.Texts))
	for i, t := range s.Texts {
		cut[i] = truncateUTF8(t, logMaxText)
	}
	s.Texts = cut
	line, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > logMaxBytes {
		// Another process may have rotated it a moment ago: fine.
		if err := os.Rename(path, path+".1"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("rotate the AI log: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create the AI log's folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open the AI log: %w", err)
	}
	// A write cut short (a crash, a full disk) leaves a line without its
	// end: start on a new line so this entry is not lost with it.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadLog returns the last n entries of the log at path (and its rotated
// part), oldest first; n <= 0 returns all. A line that cannot be read
// (a torn write) is skipped.
func ReadLog(path string, n int) ([]Sent, error) {
	var out []Sent
	for _, p := range []string{path + ".1", path} {
		f, err := os.Open(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read the AI log: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			var s Sent
			if json.Unmarshal(sc.Bytes(), &s) == nil {
				out = append(out, s)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read the AI log: %w", err)
		}
	}
	if n > 0 && len(out) > n {
		out = out[len(out)-n:]
	}
	return out, nil
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

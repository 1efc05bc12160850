// Package shell holds what the shell hooks need from mem0: the embedded hook
// template of each shell, the spool the hooks write a record per command
// into, and the filters that decide what of a captured command is kept.
//
// The hooks never run mem0 between two prompts: they write the capture with
// shell builtins into a file of its own in the spool folder, and mem0 ingests
// the spool the next time it opens its database (and in a detached job the
// hooks start now and then). A record's memory id is derived from its shell
// session and sequence number, so ingesting a record twice (a killed ingest,
// two ingests at once) stores it once.
package shell

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Capture is one command a shell hook recorded.
type Capture struct {
	Session  string        // per-shell-session id, made by the hook
	Seq      int64         // 1, 2, … within the session
	Context  string        // id of the context the shell records into
	Shell    string        // bash, zsh, fish or powershell
	Command  string        // exactly as typed
	Exit     int           // exit status
	Start    time.Time     // when the command started
	Duration time.Duration // -1 when the shell could not tell
	Cwd      string        // working directory when it ran
	GitRoot  string        // folder holding .git, when inside a repository
	GitHead  string        // first line of .git/HEAD, when inside a repository
}

// Branch turns the HEAD line into a branch name, or a short commit id when
// HEAD is detached.
func (c *Capture) Branch() string {
	h := strings.TrimSpace(c.GitHead)
	if b, ok := strings.CutPrefix(h, "ref: refs/heads/"); ok {
		return b
	}
	if strings.HasPrefix(h, "ref: ") {
		return strings.TrimPrefix(h, "ref: ")
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// MemoryID is the id of the memory a capture becomes: a UUIDv7 whose time is
// the command's start and whose other bits come from the session and
// sequence number, so the same record always maps to the same memory.
func (c *Capture) MemoryID() string {
	sum := sha256.Sum256([]byte(c.Session + "\x00" + strconv.FormatInt(c.Seq, 10)))
	var u uuid.UUID
	ms := uint64(max(c.Start.UnixMilli(), 0))
	u[0], u[1], u[2] = byte(ms>>40), byte(ms>>32), byte(ms>>24)
	u[3], u[4], u[5] = byte(ms>>16), byte(ms>>8), byte(ms)
	copy(u[6:], sum[:10])
	u[6] = u[6]&0x0f | 0x70 // version 7
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String()
}

// Metadata is what a command memory carries besides its text. Keys are
// stable: `mem0 list --cwd/--failed` and scripts read them.
func (c *Capture) Metadata(host string) map[string]any {
	m := map[string]any{
		"exit":    c.Exit,
		"cwd":     c.Cwd,
		"shell":   c.Shell,
		"session": c.Session,
	}
	if c.Duration >= 0 {
		m["duration_ms"] = c.Duration.Milliseconds()
	}
	if host != "" {
		m["host"] = host
	}
	if c.GitRoot != "" {
		m["git_root"] = c.GitRoot
		if b := c.Branch(); b != "" {
			m["git_branch"] = b
		}
	}
	return m
}

// recordVersion is the first line of every record; a hook from a newer mem0
// writing a format this one cannot read is recognised, not misread.
const recordVersion = "mem0-capture 1"

// errIncomplete says a record has no end line yet: its hook may still be
// writing it.
var errIncomplete = errors.New("record is incomplete")

// ParseRecord reads one record file. mtime is the file's modification time:
// hooks that have no clock of their own (fish, bash 4.4) leave the times out
// and the record was written when the command ended.
//
// The format is one "key value" line per field, values escaped so that a
// line holds exactly one (backslash as \\, newline as \n, carriage return as
// \r), ending with the line "end".
func ParseRecord(data []byte, mtime time.Time) (*Capture, error) {
	c := &Capture{Duration: -1}
	var startUS, endUS, durMS int64 = -1, -1, -1
	first, ended := true, false
	seen := map[string]bool{}
	for rest := string(data); rest != "" && !ended; {
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		if first {
			if line != recordVersion {
				return nil, fmt.Errorf("not a capture record (first line %.40q)", line)
			}
			first = false
			continue
		}
		if line == "end" {
			ended = true
			break
		}
		key, val, _ := strings.Cut(line, " ")
		val = unescape(val)
		var err error
		switch key {
		case "session":
			c.Session = val
		case "seq":
			c.Seq, err = strconv.ParseInt(val, 10, 64)
		case "context":
			c.Context = val
		case "shell":
			c.Shell = val
		case "cmd":
			c.Command = val
		case "status":
			c.Exit, err = strconv.Atoi(val)
		case "start_us":
			startUS, err = parseOptInt(val)
		case "end_us":
			endUS, err = parseOptInt(val)
		case "duration_ms":
			durMS, err = parseOptInt(val)
		case "cwd":
			c.Cwd = val
		case "git_root":
			c.GitRoot = val
		case "git_head":
			c.GitHead = val
		default:
			// A field a newer hook added: skip it.
		}
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", key, err)
		}
		seen[key] = true
	}
	if first || !ended {
		return nil, errIncomplete
	}
	for _, k := range []string{"session", "seq", "context", "cmd"} {
		if !seen[k] {
			return nil, fmt.Errorf("field %s is missing", k)
		}
	}
	if !validSession(c.Session) || c.Seq < 1 {
		return nil, fmt.Errorf("bad session %q or sequence %d", c.Session, c.Seq)
	}
	// Times: the hook's own clock when it had one, else the file's.
	switch {
	case startUS > 0 && endUS >= startUS:
		c.Start = time.UnixMicro(startUS)
		c.Duration = time.Duration(endUS-startUS) * time.Microsecond
	case durMS >= 0:
		c.Duration = time.Duration(durMS) * time.Millisecond
		c.Start = mtime.Add(-c.Duration)
	case startUS > 0:
		c.Start = time.UnixMicro(startUS)
	default:
		c.Start = mtime
	}
	return c, nil
}

func parseOptInt(s string) (int64, error) {
	if s == "" {
		return -1, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// unescape undoes the hooks' escaping: \\ → \, \n → newline, \r → CR.
// Any other backslash is kept as it is.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 'r':
				b.WriteByte('\r')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var escaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)

// escape is the inverse of unescape; tests and the Go side of the format use it.
func escape(s string) string { return escaper.Replace(s) }

// FormatRecord writes c in the spool format, as a hook would.
func FormatRecord(c *Capture) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nsession %s\nseq %d\ncontext %s\nshell %s\nstatus %d\n", recordVersion, c.Session, c.Seq, c.Context, c.Shell, c.Exit)
	if !c.Start.IsZero() {
		fmt.Fprintf(&b, "start_us %d\n", c.Start.UnixMicro())
		if c.Duration >= 0 {
			fmt.Fprintf(&b, "end_us %d\n", c.Start.Add(c.Duration).UnixMicro())
		}
	}
	fmt.Fprintf(&b, "cwd %s\ngit_root %s\ngit_head %s\ncmd %s\nend\n", escape(c.Cwd), escape(c.GitRoot), escape(c.GitHead), escape(c.Command))
	return b.Bytes()
}

// validSession reports whether id is a session id a hook could have made;
// it names files, so nothing else is accepted.
func validSession(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

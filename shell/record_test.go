package shell

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestRecordRoundTrip(t *testing.T) {
	start := time.UnixMicro(1795884364119515)
	for _, cmd := range []string{
		"echo hello",
		"printf 'a\\nb'",                  // a literal backslash-n, not a newline
		"for i in 1 2; do\necho $i\ndone", // a real newline
		"echo \"a\tb\" \\",                // a tab and a trailing backslash
		"echo 'héllo wörld ✓' \r",
		`\\n\n\\\n`,
	} {
		in := &Capture{Session: "bash-1a-2b", Seq: 7, Context: "ctx", Shell: "bash", Command: cmd, Exit: 3,
			Start: start, Duration: 1500 * time.Microsecond, Cwd: "/tmp/a b\nc", GitRoot: "/r", GitHead: "ref: refs/heads/main"}
		out, err := ParseRecord(FormatRecord(in), time.Now())
		if err != nil {
			t.Fatalf("%q: %v", cmd, err)
		}
		if out.Command != cmd || out.Cwd != in.Cwd || out.Exit != 3 || !out.Start.Equal(start) || out.Duration != in.Duration {
			t.Errorf("round trip of %q gave %+v", cmd, out)
		}
		if out.Branch() != "main" {
			t.Errorf("branch = %q", out.Branch())
		}
	}
}

func TestParseRecordTimes(t *testing.T) {
	mtime := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	base := "mem0-capture 1\nsession s1\nseq 1\ncontext c\nshell fish\nstatus 0\ncwd /\ncmd ls\n"
	// fish has no clock: the file's time is the end, the duration its own.
	c, err := ParseRecord([]byte(base+"duration_ms 2500\nend\n"), mtime)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Start.Equal(mtime.Add(-2500*time.Millisecond)) || c.Duration != 2500*time.Millisecond {
		t.Errorf("fish times: start %v duration %v", c.Start, c.Duration)
	}
	// bash 4.4: neither clock nor duration.
	c, err = ParseRecord([]byte(base+"start_us \nend_us \nend\n"), mtime)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Start.Equal(mtime) || c.Duration != -1 {
		t.Errorf("no clock: start %v duration %v", c.Start, c.Duration)
	}
	if _, ok := c.Metadata("h")["duration_ms"]; ok {
		t.Error("an unknown duration must not be stored as 0")
	}
}

func TestParseRecordRejects(t *testing.T) {
	full := "mem0-capture 1\nsession s1\nseq 1\ncontext c\ncmd ls\nend\n"
	for name, tc := range map[string]struct {
		data string
		want error // nil: any error
	}{
		"half written":    {strings.TrimSuffix(full, "end\n"), errIncomplete},
		"cut mid-line":    {full[:20], errIncomplete},
		"empty":           {"", errIncomplete},
		"other format":    {"mem0-capture 2\n" + full[15:], nil},
		"no command":      {"mem0-capture 1\nsession s1\nseq 1\ncontext c\nend\n", nil},
		"bad session":     {strings.Replace(full, "s1", "../x", 1), nil},
		"bad status":      {strings.Replace(full, "cmd ls", "status x\ncmd ls", 1), nil},
		"sequence zero":   {strings.Replace(full, "seq 1", "seq 0", 1), nil},
		"unknown ignored": {strings.Replace(full, "cmd ls", "future 1\ncmd ls", 1), errors.New("ok")},
	} {
		_, err := ParseRecord([]byte(tc.data), time.Now())
		switch {
		case tc.want != nil && tc.want.Error() == "ok":
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case err == nil:
			t.Errorf("%s: accepted", name)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
}

func TestMemoryIDIsStableUUIDv7(t *testing.T) {
	start := time.UnixMilli(1795884364119)
	a := &Capture{Session: "zsh-1-2", Seq: 1, Start: start}
	b := &Capture{Session: "zsh-1-2", Seq: 2, Start: start}
	if a.MemoryID() != (&Capture{Session: "zsh-1-2", Seq: 1, Start: start}).MemoryID() {
		t.Error("the same record must give the same id")
	}
	if a.MemoryID() == b.MemoryID() {
		t.Error("two records of a session share an id")
	}
	u := uuid.MustParse(a.MemoryID())
	if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
		t.Errorf("id %s is not a UUIDv7", u)
	}
	sec, nsec := u.Time().UnixTime()
	if got := time.Unix(sec, nsec); got.UnixMilli() != start.UnixMilli() {
		t.Errorf("id time %v, want %v", got, start)
	}
}

func TestSpoolScan(t *testing.T) {
	dir := t.TempDir()
	sp := Spool{Dir: dir}
	now := time.Now()
	write := func(name, data string, age time.Duration) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	rec := func(seq int64, at time.Time) string {
		return string(FormatRecord(&Capture{Session: "s", Seq: seq, Context: "c", Shell: "bash", Command: "echo", Start: at, Duration: 0}))
	}
	write("s.2", rec(2, now.Add(-time.Second)), 0)
	write("s.1", rec(1, now.Add(-2*time.Second)), 0)
	write("s.3", "mem0-capture 1\nsession s\n", 0)             // a hook writing right now
	write("s.4", "mem0-capture 1\nsession s\n", 2*time.Minute) // a hook killed mid-write
	write("s.5", "garbage\n", 0)
	write(".s.last", "scratch", 0)
	if !sp.HasRecords() {
		t.Fatal("HasRecords = false")
	}
	res, err := sp.Scan(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Ready) != 2 || res.Ready[0].Seq != 1 || res.Ready[1].Seq != 2 {
		t.Fatalf("ready = %+v, want seq 1 then 2", res.Ready)
	}
	if res.Writing != 1 || len(res.Bad) != 2 {
		t.Fatalf("writing %d, bad %v", res.Writing, res.Bad)
	}
	for _, b := range res.Bad {
		if _, err := os.Stat(b); err != nil {
			t.Errorf("unreadable record not kept: %v", err)
		}
	}
	if err := sp.Remove(context.Background(), []string{res.Ready[0].Path, res.Ready[1].Path, res.Ready[1].Path}); err != nil {
		t.Fatal(err)
	}
	pending, bad, err := sp.Count()
	if err != nil || pending != 1 || bad != 2 {
		t.Fatalf("count = %d pending, %d bad, %v; want 1, 2", pending, bad, err)
	}
	if empty := (Spool{Dir: filepath.Join(dir, "none")}); empty.HasRecords() {
		t.Error("a missing spool has records")
	}
}

func TestSessions(t *testing.T) {
	ss := Sessions{Dir: filepath.Join(t.TempDir(), "sessions")}
	if _, ok, err := ss.Get("bash-1"); ok || err != nil {
		t.Fatalf("unknown session: ok %v err %v", ok, err)
	}
	for id, ctx := range map[string]string{"bash-1": "c1", "zsh-2": "c2", "fish-3": "c1", "bash-4": ""} {
		if err := ss.Set(id, ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s, ok, _ := ss.Get("zsh-2"); !ok || s.Context != "c2" || s.Since.IsZero() {
		t.Fatalf("zsh-2 = %+v", s)
	}
	if n, err := ss.Stop("c1"); err != nil || n != 2 {
		t.Fatalf("stop c1 stopped %d, %v", n, err)
	}
	if s, _, _ := ss.Get("zsh-2"); s.Context != "c2" {
		t.Fatal("stopping c1 stopped c2")
	}
	if n, _ := ss.Stop(); n != 1 {
		t.Fatalf("stop all stopped %d, want 1", n)
	}
	if err := ss.Set("../../etc/passwd", "x"); err == nil {
		t.Fatal("a session id naming another folder was accepted")
	}
	if err := ss.Set("bash-5", "c5"); err != nil { // records, however old
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(ss.Dir, ".bash-4.last"), nil, 0o600)
	if err := ss.Prune(time.Now().Add(48*time.Hour), time.Minute); err != nil {
		t.Fatal(err)
	}
	all, _ := ss.List()
	if len(all) != 1 || all[0].ID != "bash-5" {
		t.Fatalf("prune kept %+v, want only the recording bash-5", all)
	}
	if _, err := os.Stat(filepath.Join(ss.Dir, ".bash-4.last")); err == nil {
		t.Error("prune kept a scratch file two days old")
	}
	for id, pid := range map[string]int{"bash-1f-00ab12cd": 31, "pwsh-4d2-1234": 1234} {
		if got, ok := SessionPID(id); !ok || got != pid {
			t.Errorf("SessionPID(%s) = %d, %v", id, got, ok)
		}
	}
	for _, id := range []string{"bash-1", "bash-zz-1", "bash-0-1", "a-b-c-d"} {
		if _, ok := SessionPID(id); ok {
			t.Errorf("SessionPID(%s) accepted", id)
		}
	}
}

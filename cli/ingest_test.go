package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
)

// spoolRecord writes a capture into the test factory's spool as a hook
// would, under name.
func (tf *testFactory) spoolRecord(t *testing.T, name string, c *shell.Capture) {
	t.Helper()
	p, _ := tf.Paths()
	dir := p.Spool().Dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), shell.FormatRecord(c), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (tf *testFactory) contextID(t *testing.T, name string) string {
	t.Helper()
	var c struct{ ID string }
	if err := json.Unmarshal([]byte(tf.mustRun(t, "context", "show", name, "--json")), &c); err != nil || c.ID == "" {
		t.Fatalf("context %s: %v", name, err)
	}
	return c.ID
}

func (tf *testFactory) ingest(t *testing.T) ingestResult {
	t.Helper()
	var res ingestResult
	if err := json.Unmarshal([]byte(tf.mustRun(t, "ingest", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func (tf *testFactory) listCommands(t *testing.T, ctx string) []store.Memory {
	t.Helper()
	var ms []store.Memory
	if err := json.Unmarshal([]byte(tf.mustRun(t, "list", "-c", ctx, "--kind", "command", "--json", "--limit", "0")), &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}

func capture(ctxID string, seq int64, cmd string) *shell.Capture {
	return &shell.Capture{Session: "bash-1-2", Seq: seq, Context: ctxID, Shell: "bash", Command: cmd,
		Start: time.Date(2026, 11, 28, 11, 0, int(seq), 0, time.UTC), Duration: 5 * time.Millisecond, Cwd: "/src"}
}

// A killed ingest leaves record files whose memories are already stored;
// the next ingest recognises them, and one record seen twice is stored once.
func TestIngestStoresEachRecordOnce(t *testing.T) {
	tf := newTestFactory(t, false)
	tf.mustRun(t, "context", "create", "demo")
	id := tf.contextID(t, "demo")
	tf.spoolRecord(t, "bash-1-2.1", capture(id, 1, "make build"))
	tf.spoolRecord(t, "bash-1-2.2", capture(id, 2, "make test"))
	tf.spoolRecord(t, "copy-of-1", capture(id, 1, "make build"))
	res := tf.ingest(t)
	if res.Recorded != 2 || res.Again != 1 {
		t.Fatalf("first ingest: %+v, want 2 recorded and 1 seen again", res)
	}
	// As if the process had been killed after its commit, before removing.
	tf.spoolRecord(t, "bash-1-2.1", capture(id, 1, "make build"))
	if res := tf.ingest(t); res.Recorded != 0 || res.Again != 1 {
		t.Fatalf("ingest after a crash: %+v", res)
	}
	ms := tf.listCommands(t, "demo")
	if len(ms) != 2 || ms[0].Content != "make test" || ms[1].Content != "make build" {
		t.Fatalf("stored %+v", ms)
	}
	if ms[1].Metadata["cwd"] != "/src" || ms[1].Metadata["duration_ms"] != 5.0 || ms[1].Source != "shell" {
		t.Errorf("metadata %v", ms[1].Metadata)
	}
	// Deleting a recorded command and ingesting its record again does not
	// bring it back.
	tf.mustRun(t, "rm", ms[0].ID)
	tf.spoolRecord(t, "bash-1-2.2", capture(id, 2, "make test"))
	tf.ingest(t)
	if ms := tf.listCommands(t, "demo"); len(ms) != 1 {
		t.Fatalf("a deleted command came back: %+v", ms)
	}
}

// Any command reading the database first stores what was recorded.
func TestCommandsIngestFirst(t *testing.T) {
	tf := newTestFactory(t, false)
	tf.mustRun(t, "context", "create", "demo")
	tf.spoolRecord(t, "bash-1-2.1", capture(tf.contextID(t, "demo"), 1, "kubectl rollout restart deploy/api"))
	if out := tf.mustRun(t, "search", "rollout", "-c", "demo"); !strings.Contains(out, "kubectl rollout restart") {
		t.Fatalf("search right after the command did not find it: %q", out)
	}
}

// A database busy past the timeout leaves the records in the spool, fails
// nothing, and they are stored once it is free.
func TestRecordsWaitWhileTheDatabaseIsBusy(t *testing.T) {
	tf := newTestFactory(t, false)
	t.Setenv("MEM0_DB_BUSY_TIMEOUT", "100ms")
	tf.mustRun(t, "context", "create", "demo")
	tf.spoolRecord(t, "bash-1-2.1", capture(tf.contextID(t, "demo"), 1, "terraform plan"))
	p, _ := tf.Paths()
	other, err := store.Open(context.Background(), p.Database(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	locked, release := make(chan struct{}), make(chan struct{})
	go other.WithTx(context.Background(), func(tx *store.Tx) error {
		close(locked)
		<-release
		return nil
	})
	<-locked
	out := tf.mustRun(t, "list", "-c", "demo", "--json")
	close(release)
	if strings.Contains(out, "terraform") {
		t.Fatal("stored while another process held the lock?")
	}
	if pending, _, _ := p.Spool().Count(); pending != 1 {
		t.Fatalf("%d records in the spool, want 1 waiting", pending)
	}
	if ms := tf.listCommands(t, "demo"); len(ms) != 1 || ms[0].Content != "terraform plan" {
		t.Fatalf("after the lock: %+v", ms)
	}
}

func TestIngestKeepsWhatItCannotStoreAsIs(t *testing.T) {
	tf := newTestFactory(t, false)
	tf.mustRun(t, "context", "create", "demo")
	tf.mustRun(t, "context", "create", "gone")
	id, gone := tf.contextID(t, "demo"), tf.contextID(t, "gone")
	tf.mustRun(t, "context", "rm", "gone")
	tf.mustRun(t, "config", "set", "shell.ignore_pattern", "^make clean")
	tf.mustRun(t, "config", "set", "content.max_bytes", "1024")
	tf.config = nil                             // settings are read again, as by a new process
	huge := "echo " + strings.Repeat("é", 1000) // 2,005 bytes
	tf.spoolRecord(t, "bash-1-2.1", capture(id, 1, huge))
	tf.spoolRecord(t, "bash-1-2.2", capture(id, 2, "echo \xff\xfe bytes"))
	tf.spoolRecord(t, "bash-1-2.3", capture(id, 3, "make clean"))
	tf.spoolRecord(t, "bash-1-2.4", capture(id, 4, "ls -la"))
	tf.spoolRecord(t, "bash-1-2.5", capture(gone, 5, "echo into a deleted context"))
	p, _ := tf.Paths()
	os.WriteFile(filepath.Join(p.Spool().Dir, "bash-1-2.6"), []byte("not a record\n"), 0o600)

	res := tf.ingest(t)
	if res.Recorded != 2 || res.Ignored != 2 || res.NoContext != 1 || len(res.Bad) != 1 {
		t.Fatalf("ingest: %+v", res)
	}
	ms := tf.listCommands(t, "demo")
	var cut, fixed store.Memory
	for _, m := range ms {
		if strings.HasPrefix(m.Content, "echo é") {
			cut = m
		} else {
			fixed = m
		}
	}
	if len(cut.Content) > 1024 || cut.Metadata["truncated_from"] != 2005.0 || !strings.HasSuffix(cut.Content, "é") {
		t.Errorf("oversize command: %d bytes, %v", len(cut.Content), cut.Metadata)
	}
	if fixed.Content != "echo \uFFFD bytes" || fixed.Metadata["invalid_utf8"] != true {
		t.Errorf("invalid UTF-8: %q %v", fixed.Content, fixed.Metadata)
	}
	var st statusView
	json.Unmarshal([]byte(tf.mustRun(t, "status", "--json")), &st)
	if st.Shell.Spooled != 0 || st.Shell.SetAside != 1 {
		t.Errorf("status: %+v", st.Shell)
	}
	if code := tf.run(t, "doctor"); code == 0 || !strings.Contains(tf.out.String(), "1 recorded commands could not be read") {
		t.Errorf("doctor: exit %d\n%s", code, tf.out)
	}
}

func TestInitRendersTheHook(t *testing.T) {
	tf := newTestFactory(t, false)
	out := tf.mustRun(t, "init", "bash")
	p, _ := tf.Paths()
	for _, want := range []string{"__mem0_precmd", posixQuoteForTest(p.Spool().Dir), "__start_mem0"} {
		if !strings.Contains(out, want) {
			t.Errorf("mem0 init bash lacks %q", want)
		}
	}
	if !strings.Contains(out, "builtin printf '%s\\n' '' >|") {
		t.Error("a new shell records before anything was started")
	}
	tf.mustRun(t, "context", "start", "ops")
	id := tf.contextID(t, "ops")
	if out := tf.mustRun(t, "init", "zsh", "--no-completion"); !strings.Contains(out, "'"+id+"'") || strings.Contains(out, "compdef") {
		t.Errorf("init zsh --no-completion after start: inherited context or completion wrong")
	}
	tf.mustRun(t, "config", "set", "shell.inherit", "false")
	tf.config = nil // settings are read again, as by a new process
	if out := tf.mustRun(t, "init", "fish"); strings.Contains(out, id) {
		t.Error("shell.inherit false still inherits")
	}
	for _, sh := range []string{"powershell", "pwsh"} {
		if out := tf.mustRun(t, "init", sh); !strings.Contains(out, "function global:prompt") {
			t.Errorf("init %s", sh)
		}
	}
	if code := tf.run(t, "init", "tcsh"); code != ExitUsage || !strings.Contains(tf.errOut.String(), "bash, zsh, fish, powershell") {
		t.Errorf("init tcsh: exit %d, %s", code, tf.errOut)
	}
}

func posixQuoteForTest(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// context start and stop act on the shell they run in.
func TestStartAndStopFollowTheShell(t *testing.T) {
	tf := newTestFactory(t, false)
	p, _ := tf.Paths()
	sessions := p.Sessions()
	// A shell's mem0 is its child: the session's pid is mem0's parent.
	in := func(id string, pid int) {
		tf.env[shell.EnvSession] = id
		tf.ParentPID = func() int { return pid }
	}
	in("bash-a-1", 0xa)
	tf.mustRun(t, "context", "start", "alpha")
	in("bash-b-1", 0xb)
	tf.mustRun(t, "context", "start", "beta")
	alpha, beta := tf.contextID(t, "alpha"), tf.contextID(t, "beta")
	if a, _, _ := sessions.Get("bash-a-1"); a.Context != alpha {
		t.Fatalf("shell a records into %q, want alpha", a.Context)
	}
	var st statusView
	json.Unmarshal([]byte(tf.mustRun(t, "status", "--json")), &st)
	if st.Shell.Session != "bash-b-1" || st.Shell.Recording != "beta" || st.Recording != "beta" {
		t.Fatalf("status in shell b: %+v, new shells %q", st.Shell, st.Recording)
	}
	tf.mustRun(t, "context", "stop")
	if !strings.Contains(tf.errOut.String(), "Stopped recording this shell into beta") {
		t.Errorf("stop: %s", tf.errOut)
	}
	if a, _, _ := sessions.Get("bash-a-1"); a.Context != alpha {
		t.Fatal("stopping shell b stopped shell a")
	}
	json.Unmarshal([]byte(tf.mustRun(t, "status", "--json")), &st)
	if st.Recording != "" || st.Shell.Recording != "" {
		t.Fatalf("after stop: new shells %q, this shell %q", st.Recording, beta)
	}
	tf.mustRun(t, "context", "stop", "--all")
	if a, _, _ := sessions.Get("bash-a-1"); a.Context != "" {
		t.Fatal("--all left shell a recording")
	}
	// A script or a shell without the hook, started from a hooked shell,
	// inherits MEM0_SESSION but is not that shell: it acts on all shells.
	in("bash-a-1", 0xa)
	tf.mustRun(t, "context", "start", "alpha") // shell a records again
	in("bash-a-1", 0x77)
	tf.mustRun(t, "context", "start", "gamma")
	if a, _, _ := sessions.Get("bash-a-1"); a.Context != alpha {
		t.Fatalf("a child process of shell a switched shell a to %q", a.Context)
	}
	if !strings.Contains(tf.errOut.String(), "this one has no hook") {
		t.Errorf("start outside the shell: %s", tf.errOut)
	}
	in("../etc", 0)
	if code := tf.run(t, "context", "start", "x"); code != 0 {
		t.Errorf("a MEM0_SESSION that is no session id: exit %d, %s", code, tf.errOut)
	}
	// Deleting a context stops the shells recording into it.
	in("bash-c-1", 0xc)
	tf.mustRun(t, "context", "start", "doomed")
	tf.mustRun(t, "context", "rm", "doomed")
	if c, _, _ := sessions.Get("bash-c-1"); c.Context != "" {
		t.Error("a deleted context is still recorded into")
	}
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddReadsAFile(t *testing.T) {
	for _, tty := range []bool{false, true} {
		tf := newTestFactory(t, tty)
		dir := t.TempDir()
		file := filepath.Join(dir, "notes.md")
		if err := os.WriteFile(file, []byte("the staging db is pg-staging-2\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		tf.mustRun(t, "add", "--file", file)
		if out := tf.mustRun(t, "list"); !strings.Contains(out, "the staging db is pg-staging-2") {
			t.Errorf("tty=%v: %s", tty, out)
		}
		if code := tf.run(t, "add", "--file", file, "more", "words"); code != ExitUsage {
			t.Errorf("tty=%v: --file with arguments: exit %d", tty, code)
		}
		if code := tf.run(t, "add", "--file", filepath.Join(dir, "missing.md")); code != ExitError || !strings.Contains(tf.errOut.String(), "missing.md") {
			t.Errorf("tty=%v: a missing file: exit %d, %s", tty, code, tf.errOut)
		}
		big := filepath.Join(dir, "big.md")
		if err := os.WriteFile(big, []byte(strings.Repeat("a", 70000)), 0o600); err != nil {
			t.Fatal(err)
		}
		if code := tf.run(t, "add", "-f", big); code != ExitError || !strings.Contains(tf.errOut.String(), "over the limit") {
			t.Errorf("tty=%v: an oversize file: exit %d, %s", tty, code, tf.errOut)
		}
	}
}

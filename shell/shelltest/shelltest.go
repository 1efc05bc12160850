// Package shelltest finds the real tools the shell tests drive. A missing
// tool skips the test, except where MEM0_TEST_NO_SKIP=1 (CI) makes it fail:
// CI installs every tool, so a missing one there is a broken setup.
package shelltest

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of tool, or skips (fails under MEM0_TEST_NO_SKIP=1).
func Need(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	Missing(t, tool+" is not installed")
	return ""
}

// Missing skips t with why, or fails it where skipping is not allowed.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("MEM0_TEST_NO_SKIP") == "1" {
		t.Fatalf("%s (MEM0_TEST_NO_SKIP=1 forbids skipping; .ci/run installs it)", why)
	}
	t.Skipf("%s; set MEM0_TEST_NO_SKIP=1 to fail instead", why)
}

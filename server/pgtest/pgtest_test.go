package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m, nil)) }

// TestDatabase is also the helper the other tests re-run in a child process.
func TestDatabase(t *testing.T) {
	url := NewDatabase(t)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var one int
	if err := conn.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("query: %v", err)
	}
	if NewDatabase(t) == url {
		t.Fatal("two tests got the same database")
	}
}

// Without PostgreSQL the tests skip, unless MEM0_TEST_NO_SKIP=1 makes them fail.
func TestMissingPostgres(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") != "" {
		t.Skip("child")
	}
	run := func(noSkip string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDatabase$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", "MEM0_PG_BIN=/nonexistent", "MEM0_TEST_NO_SKIP="+noSkip)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP: TestDatabase") || !strings.Contains(out, "install postgresql") {
		t.Fatalf("without PostgreSQL: %v\n%s", err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "--- FAIL: TestDatabase") {
		t.Fatalf("without PostgreSQL and MEM0_TEST_NO_SKIP=1: %v\n%s", err, out)
	}
}

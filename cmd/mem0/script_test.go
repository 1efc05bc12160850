package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	_ "modernc.org/sqlite"

	"github.com/mem0dev/mem0/ai/aitest"
	"github.com/mem0dev/mem0/infer/infertest"
	"github.com/mem0dev/mem0/server"
	"github.com/mem0dev/mem0/server/pgtest"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script when cmp fails")

// TestMain lets the test binary act as the real mem0 (and a lock-holding
// helper) inside scripts: each script execs it as a separate process.
func TestMain(m *testing.M) {
	testscript.Main(withPostgres{m}, map[string]func(){
		"mem0":        main,
		"mem0-holddb": holdDB,
	})
}

// withPostgres runs the tests under pgtest.Main, which stops the
// throwaway PostgreSQL cluster (started by the first test that asks for a
// database) when they end.
type withPostgres struct{ m *testing.M }

func (w withPostgres) Run() int { return pgtest.Main(w.m, server.Migrate) }

// TestScripts runs every testdata/script/*.txtar against the real binary.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("MEM0_HOME", filepath.Join(env.WorkDir, ".mem0home"))
			env.Setenv("NO_COLOR", "1")
			env.Setenv("TERM", "dumb")
			env.Setenv("MEM0_CONTEXT", "")
			env.Setenv("EDITOR", "")
			env.Setenv("VISUAL", "")
			// A fake OpenAI-compatible LLM with canned facts, for the
			// scripts that set MEM0_LLM_BASE_URL=$FAKE_LLM_URL.
			llm := infertest.New("openai", nil)
			env.Defer(llm.Close)
			env.Setenv("FAKE_LLM_URL", llm.BaseURL())
			env.Setenv("FAKE_LLM_KEY", infertest.Key)
			// A stand-in OpenAI-compatible embedder, for the scripts that
			// set MEM0_EMBEDDER_BASE_URL=$FAKE_EMBEDDER_URL.
			emb := httptest.NewServer(&aitest.Embedder{Dims: 64})
			env.Defer(emb.Close)
			env.Setenv("FAKE_EMBEDDER_URL", emb.URL+"/v1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// capture VAR: set VAR to the last command's stdout, trimmed.
			"capture": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: capture VAR")
				}
				ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
			},
		},
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// holdDB opens the database named by its first argument, takes the write
// lock, creates the file named by its second argument to say so, and holds
// the lock for the seconds given by its third, so scripts can test what
// mem0 does when another process keeps the database locked.
func holdDB() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: mem0-holddb DB READYFILE SECONDS")
		os.Exit(2)
	}
	secs, _ := strconv.Atoi(os.Args[3])
	db, err := sql.Open("sqlite", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err == nil {
		_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], []byte("locked\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	time.Sleep(time.Duration(secs) * time.Second)
	conn.ExecContext(ctx, "ROLLBACK")
	os.Exit(0)
}

// Package pgtest runs one throwaway PostgreSQL cluster per test package and
// hands each test a fresh database cloned from a migrated template.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, server.Migrate)) }
//	func TestX(t *testing.T)    { url := pgtest.NewDatabase(t) ... }
//
// The cluster starts on first use (initdb in a temporary directory, fsync
// off, a free port on 127.0.0.1) and stops when Main returns. When PostgreSQL
// is not installed the tests skip, unless MEM0_TEST_NO_SKIP=1 (CI), in which
// case they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// SetupFunc prepares the template database (typically: run migrations).
type SetupFunc func(ctx context.Context, databaseURL string) error

type cluster struct {
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{}
}

var (
	mu       sync.Mutex
	started  bool
	startErr error
	cl       *cluster
	setup    SetupFunc
	dbSeq    atomic.Int64
)

const templateDB = "mem0_template"

// Main runs the package's tests and stops the cluster afterwards. setup, if
// not nil, runs once against the template database every test database is
// cloned from.
func Main(m *testing.M, s SetupFunc) int {
	setup = s
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if cl != nil {
		cl.stop()
		cl = nil
	}
	return code
}

// NewDatabase returns the URL of a new, empty (but migrated) database for t.
func NewDatabase(t testing.TB) string {
	t.Helper()
	c := ensure(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+templateDB); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	return c.url(name)
}

// URL returns the URL of database name in the running cluster (for tools
// such as pgbench that need the admin database).
func (c *cluster) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

func ensure(t testing.TB) *cluster {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		cl, startErr = start()
		if startErr == nil && setup != nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			startErr = setup(ctx, cl.url(templateDB))
			cancel()
			if startErr != nil {
				startErr = fmt.Errorf("set up template database: %w", startErr)
			}
		}
	}
	if startErr != nil {
		var missing *missingError
		if errors.As(startErr, &missing) && os.Getenv("MEM0_TEST_NO_SKIP") != "1" {
			t.Skipf("pgtest: %v (install postgresql-15; set MEM0_TEST_NO_SKIP=1 to fail instead)", startErr)
		}
		t.Fatalf("pgtest: %v", startErr)
	}
	return cl
}

type missingError struct{ msg string }

func (e *missingError) Error() string { return e.msg }

// binDir finds the directory holding initdb and postgres: $MEM0_PG_BIN,
// /usr/lib/postgresql/15/bin, the newest /usr/lib/postgresql/*/bin, PATH.
func binDir() (string, error) {
	if d := os.Getenv("MEM0_PG_BIN"); d != "" {
		// An explicit choice is not second-guessed.
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
		return "", &missingError{"MEM0_PG_BIN=" + d + " holds no initdb and postgres"}
	}
	var cands []string
	cands = append(cands, "/usr/lib/postgresql/15/bin")
	if m, _ := filepath.Glob("/usr/lib/postgresql/*/bin"); len(m) > 0 {
		sort.Sort(sort.Reverse(sort.StringSlice(m)))
		cands = append(cands, m...)
	}
	for _, d := range cands {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		d := filepath.Dir(p)
		if isFile(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", &missingError{"PostgreSQL binaries (initdb, postgres) not found"}
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start() (*cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "mem0-pgtest-")
	if err != nil {
		return nil, err
	}
	if err := prepareDir(dir, cred); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	initdb.Dir = dir
	setCredential(initdb, cred)
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, strings.TrimSpace(string(out)))
	}
	var c *cluster
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c, err = launch(bin, dir, data, port, cred)
		if err == nil {
			break
		}
		if attempt == 2 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.url("postgres"))
	if err != nil {
		c.stop()
		return nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+templateDB); err != nil {
		c.stop()
		return nil, fmt.Errorf("create template database: %w", err)
	}
	return c, nil
}

func launch(bin, dir, data string, port int, cred *cred) (*cluster, error) {
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", fmt.Sprint(port),
		"-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=64MB")
	cmd.Dir = dir
	logf, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	setCredential(cmd, cred)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c := &cluster{dir: dir, port: port, cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); logf.Close(); close(c.done) }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.done:
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres exited: %s", strings.TrimSpace(string(log)))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.url("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return c, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.kill()
	return nil, errors.New("postgres did not become ready within 20s")
}

// stop asks for a fast shutdown, kills after 10 s, and removes the directory.
func (c *cluster) stop() {
	interrupt(c.cmd)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.kill()
	}
	os.RemoveAll(c.dir)
}

func (c *cluster) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// AdminURL returns the URL of the cluster's postgres database, starting the
// cluster if needed (benchmarks use it to run pgbench).
func AdminURL(t testing.TB) string {
	return ensure(t).url("postgres")
}

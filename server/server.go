// Package server is mem0's sync server: accounts, organisations, teams,
// contexts and sharing, memories and the sync API over PostgreSQL.
//
// Run starts it; New builds the http.Handler alone (tests mount it on
// httptest servers). Authorization lives in one place: mem0_level (SQL)
// computes a caller's effective level on a context, and authorize
// (policy.go) decides what that level allows.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"
)

// Server is a configured mem0 server over one database pool.
type Server struct {
	cfg     Config
	log     *slog.Logger
	db      *pgxpool.Pool
	key     []byte
	mux     *http.ServeMux
	routes  []route
	metrics *promSet
	// cached metric handles (see observe)
	reqCounters, reqHistograms sync.Map
	limits                     *limiters
	sessions                   *sessionCache
	verified                   tokenCache
	stopListen                 context.CancelFunc
	listenDone                 chan struct{}
	// dummyHash is compared against when a login names an unknown user, so
	// the answer takes as long as for a wrong password.
	dummyHash []byte
	// pushHook, when set (tests only), runs inside a push transaction after
	// the change counters are taken and before commit.
	pushHook func(ctx context.Context)
}

// New connects to the database, checks that its schema is current, and
// builds the handler. It does not migrate (see Migrate) and does not listen.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	key, err := cfg.signingKey()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pcfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %s", redactParseError(err))
	}
	pcfg.MaxConns = cfg.MaxConns
	db, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s:%d/%s is unreachable: %w", pcfg.ConnConfig.Host, pcfg.ConnConfig.Port, pcfg.ConnConfig.Database, err)
	}
	s := &Server{cfg: cfg, log: log, db: db, key: key, metrics: newPromSet(), limits: newLimiters()}
	if v, err := s.schemaVersion(ctx); err != nil || v != latestVersion() {
		db.Close()
		if err != nil {
			return nil, fmt.Errorf("check schema version: %w", err)
		}
		return nil, fmt.Errorf("database schema is at version %d, this server needs %d: run `mem0 server migrate`", v, latestVersion())
	}
	s.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("mem0 timing equaliser"), cfg.BcryptCost)
	s.sessions = newSessionCache()
	lctx, cancel := context.WithCancel(context.Background())
	s.stopListen, s.listenDone = cancel, make(chan struct{})
	go s.listenRevocations(lctx, s.listenDone)
	s.initMetrics()
	s.mux = http.NewServeMux()
	s.registerRoutes()
	return s, nil
}

// Close stops the revocation listener and releases the database pool.
func (s *Server) Close() {
	s.stopListen()
	<-s.listenDone
	s.db.Close()
}

// Handler is the server's root handler with every middleware applied.
func (s *Server) Handler() http.Handler {
	return s.withRequest(s.mux)
}

func (s *Server) schemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRow(ctx, "SELECT COALESCE(max(version), 0) FROM schema_migrations").Scan(&v)
	if err != nil {
		var v0 int
		if s.db.QueryRow(ctx, "SELECT 0 WHERE to_regclass('schema_migrations') IS NULL").Scan(&v0) == nil {
			return 0, nil
		}
	}
	return v, err
}

// Run migrates the database, serves until ctx ends, then shuts down
// gracefully: in-flight requests get cfg.ShutdownTimeout to finish.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := cfg
	c.setDefaults()
	if err := c.validate(); err != nil {
		return err
	}
	if _, err := c.signingKey(); err != nil {
		return err
	}
	tuneGC()
	if err := Migrate(ctx, c.DatabaseURL); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	s, err := New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if s.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("load TLS certificate: %w", err)
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, hs.TLSConfig)
		scheme = "https"
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", scheme+"://"+ln.Addr().String(), "registration", s.cfg.Registration)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// tuneGC trades some of the memory budget (150 MB RSS) for CPU: the garbage
// collector runs at 4x the live heap instead of 2x, with a soft limit of
// 120 MB so it works harder before the budget is reached. GOGC and
// GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(120 << 20)
	}
}

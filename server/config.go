package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// DefaultListen is the product's port, on loopback.
const DefaultListen = "127.0.0.1:13370"

// Registration modes.
const (
	RegistrationOpen   = "open"   // anyone can register
	RegistrationClosed = "closed" // only the first account (the server admin)
	RegistrationInvite = "invite" // an invite code from a server admin is needed
)

// Config configures a server. The zero value of every field but DatabaseURL
// and the signing key has a sensible default.
type Config struct {
	Listen      string // host:port; DefaultListen when empty
	DatabaseURL string // PostgreSQL URL (MEM0_DATABASE_URL); required

	// The JWT signing key (HS256): JWTKey (e.g. from MEM0_JWT_KEY) or the
	// contents of JWTKeyFile. At least 32 bytes. There is no built-in default.
	JWTKey     string
	JWTKeyFile string
	// GenerateJWTKey writes a new random key to JWTKeyFile (mode 0600) when
	// that file does not exist yet. Only when the operator asks for it.
	GenerateJWTKey bool

	Registration string // open, closed (default) or invite

	TLSCert, TLSKey string // serve HTTPS when both are set

	AccessTTL  time.Duration // access token lifetime; default 15m
	RefreshTTL time.Duration // refresh token (session) lifetime; default 30 days

	// BcryptCost defaults to 12. Tests lower it; production never should.
	BcryptCost int

	MaxBodyBytes int64 // request body cap; default 1 MiB (sync push: 16x)
	MaxPushOps   int   // operations per push; default 500
	// MaxResponseBytes caps the encoded size of the answers that can grow
	// with the data (sync pull, memory lists, history); default 8 MiB. An
	// answer cut short says so (more / next_before) and the client asks again.
	MaxResponseBytes int

	// Per-credential request rate (requests per second and burst); default
	// 100/s, burst 200. Anonymous requests are limited per client IP.
	RequestRate  float64
	RequestBurst int
	// Login and registration attempts per minute, per IP and per account;
	// default 10.
	AuthPerMinute int

	// TrustProxyHeaders takes the client IP from X-Forwarded-For (the last
	// hop) — only behind a reverse proxy that sets it.
	TrustProxyHeaders bool

	ShutdownTimeout time.Duration // default 20s
	MaxConns        int32         // database pool size; default 4 per CPU (4-32)
}

func (c *Config) setDefaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Registration == "" {
		c.Registration = RegistrationClosed
	}
	if c.AccessTTL <= 0 {
		c.AccessTTL = 15 * time.Minute
	}
	if c.RefreshTTL <= 0 {
		c.RefreshTTL = 30 * 24 * time.Hour
	}
	if c.BcryptCost == 0 {
		c.BcryptCost = 12
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MaxPushOps <= 0 {
		c.MaxPushOps = 500
	}
	if c.MaxResponseBytes <= 0 {
		c.MaxResponseBytes = 8 << 20
	}
	if c.RequestRate <= 0 {
		c.RequestRate = 100
	}
	if c.RequestBurst <= 0 {
		c.RequestBurst = 200
	}
	if c.AuthPerMinute <= 0 {
		c.AuthPerMinute = 10
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 20 * time.Second
	}
	if c.MaxConns <= 0 {
		// More backends than a few per core only adds contention: on 2
		// cores, 32 busy connections give about half the throughput of 8.
		c.MaxConns = int32(min(max(4*runtime.GOMAXPROCS(0), 4), 32))
	}
}

func (c *Config) validate() error {
	switch c.Registration {
	case RegistrationOpen, RegistrationClosed, RegistrationInvite:
	default:
		return fmt.Errorf("registration must be open, closed or invite, not %q", c.Registration)
	}
	if c.DatabaseURL == "" {
		return errors.New("no database: set MEM0_DATABASE_URL (or --database-url) to a PostgreSQL URL such as postgres://mem0@localhost/mem0")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("TLS needs both a certificate and a key")
	}
	return nil
}

const minKeyBytes = 32

// signingKey returns the JWT key from the config, the key file, or (when
// asked to) a newly generated key file.
func (c *Config) signingKey() ([]byte, error) {
	if c.JWTKey != "" {
		if len(c.JWTKey) < minKeyBytes {
			return nil, fmt.Errorf("the JWT signing key must be at least %d bytes", minKeyBytes)
		}
		return []byte(c.JWTKey), nil
	}
	if c.JWTKeyFile == "" {
		return nil, errors.New("no JWT signing key: set MEM0_JWT_KEY or --jwt-key-file (use --generate-jwt-key to create the file)")
	}
	b, err := os.ReadFile(c.JWTKeyFile)
	if errors.Is(err, fs.ErrNotExist) && c.GenerateJWTKey {
		raw := make([]byte, 48)
		rand.Read(raw)
		key := base64.RawURLEncoding.EncodeToString(raw)
		if err := os.MkdirAll(filepath.Dir(c.JWTKeyFile), 0o700); err != nil {
			return nil, fmt.Errorf("create JWT key file: %w", err)
		}
		f, err := os.OpenFile(c.JWTKeyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create JWT key file: %w", err)
		}
		if _, err := f.WriteString(key + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("write JWT key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write JWT key file: %w", err)
		}
		return []byte(key), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read JWT key file: %w", err)
	}
	key := strings.TrimSpace(string(b))
	if len(key) < minKeyBytes {
		return nil, fmt.Errorf("the JWT key in %s must be at least %d bytes", c.JWTKeyFile, minKeyBytes)
	}
	return []byte(key), nil
}

package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/server"
)

// ServerOptions is what `mem0 server` was asked to do. Empty strings mean
// "not given as a flag": serverConfig then looks at the environment and the
// config file (flag > MEM0_* environment > config file > default).
type ServerOptions struct {
	f *Factory

	Listen         string
	DatabaseURL    string
	Registration   string
	TLSCert        string
	TLSKey         string
	JWTKeyFile     string
	GenerateJWTKey bool
	TrustProxy     bool
	RateLimit      float64
	LogLevel       string
}

// NewCmdServer builds `mem0 server` and `mem0 server migrate`.
func NewCmdServer(f *Factory, runF func(context.Context, *ServerOptions) error) *cobra.Command {
	opts := &ServerOptions{f: f}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the team sync server (PostgreSQL)",
		Long: `Run mem0's sync server: accounts, organisations, teams, shared contexts and
the sync API the CLI pushes to and pulls from. It needs PostgreSQL and a JWT
signing key; it applies its database migrations on start and stops
gracefully on SIGINT or SIGTERM (requests in flight finish).

Settings come from flags, then the environment, then the config file
(server.listen, server.registration, server.tls_cert, server.tls_key,
server.jwt_key_file):

  MEM0_DATABASE_URL   PostgreSQL URL (required). Prefer this over
                      --database-url: a URL may contain a password, and
                      flags are visible in ps and shell history.
  MEM0_JWT_KEY        signing key, at least 32 bytes; or --jwt-key-file.
                      There is no built-in key: the server refuses to start
                      without one (--generate-jwt-key creates the file).

See docs/server.md for running it behind a reverse proxy.`,
		Example: `  # one-time: a database and a key file
  createdb mem0
  export MEM0_DATABASE_URL=postgres://mem0@localhost/mem0
  mem0 server --jwt-key-file /etc/mem0/jwt.key --generate-jwt-key

  # open registration on all interfaces, with TLS
  mem0 server --listen :13370 --registration open --tls-cert cert.pem --tls-key key.pem

  # apply migrations only (e.g. from a deploy job)
  mem0 server migrate`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return serverRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", "", "address to listen on (default "+server.DefaultListen+")")
	cmd.PersistentFlags().StringVar(&opts.DatabaseURL, "database-url", "", "PostgreSQL URL (default $MEM0_DATABASE_URL; prefer the variable, a URL may hold a password)")
	fl.StringVar(&opts.Registration, "registration", "", "who may create accounts: open, closed or invite (default closed; the first account is always allowed and becomes server admin)")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "private key for --tls-cert (PEM)")
	fl.StringVar(&opts.JWTKeyFile, "jwt-key-file", "", "file holding the JWT signing key (default $MEM0_JWT_KEY)")
	fl.BoolVar(&opts.GenerateJWTKey, "generate-jwt-key", false, "create --jwt-key-file with a random key (mode 0600) if it does not exist")
	fl.BoolVar(&opts.TrustProxy, "trust-proxy", false, "take client IPs from X-Forwarded-For (only behind a reverse proxy that sets it)")
	fl.Float64Var(&opts.RateLimit, "rate-limit", 0, "requests per second allowed per credential (default 100, burst twice that)")
	fl.StringVar(&opts.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	cmd.AddCommand(newCmdServerMigrate(f, opts, nil))
	return cmd
}

func newCmdServerMigrate(f *Factory, parent *ServerOptions, runF func(context.Context, *ServerOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the server's database migrations and exit",
		Long: `Apply every pending migration to the server's PostgreSQL database. Safe to
run while servers start: an advisory lock makes each migration apply once.`,
		Example: `  MEM0_DATABASE_URL=postgres://mem0@db/mem0 mem0 server migrate`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), parent)
			}
			cfg, err := serverConfig(parent)
			if err != nil {
				return err
			}
			if err := server.Migrate(cmd.Context(), cfg.DatabaseURL); err != nil {
				return err
			}
			fmt.Fprintln(f.IO.ErrOut, "mem0: server database is up to date")
			return nil
		},
	}
}

// serverConfig merges flags, environment and config file into a server.Config.
func serverConfig(opts *ServerOptions) (server.Config, error) {
	f := opts.f
	cfg, err := f.Config()
	if err != nil {
		return server.Config{}, err
	}
	pick := func(flag, key string) string {
		if flag != "" {
			return flag
		}
		return cfg.Get(key) // MEM0_SERVER_* environment, then the config file
	}
	c := server.Config{
		Listen:            pick(opts.Listen, "server.listen"),
		DatabaseURL:       opts.DatabaseURL,
		Registration:      pick(opts.Registration, "server.registration"),
		TLSCert:           pick(opts.TLSCert, "server.tls_cert"),
		TLSKey:            pick(opts.TLSKey, "server.tls_key"),
		JWTKeyFile:        pick(opts.JWTKeyFile, "server.jwt_key_file"),
		GenerateJWTKey:    opts.GenerateJWTKey,
		TrustProxyHeaders: opts.TrustProxy,
		RequestRate:       opts.RateLimit,
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = f.Getenv("MEM0_DATABASE_URL")
	}
	if opts.JWTKeyFile == "" {
		c.JWTKey = f.Getenv("MEM0_JWT_KEY")
	}
	if c.RequestRate > 0 {
		c.RequestBurst = int(min(2*c.RequestRate, 1e9))
	}
	if v := cfg.Get("server.trust_proxy"); !c.TrustProxyHeaders && v != "" {
		c.TrustProxyHeaders, _ = strconv.ParseBool(v)
	}
	return c, nil
}

func serverRun(ctx context.Context, opts *ServerOptions) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(opts.LogLevel)); err != nil {
		return usageErrorf("--log-level must be debug, info, warn or error")
	}
	c, err := serverConfig(opts)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(opts.f.IO.ErrOut, &slog.HandlerOptions{Level: level}))
	return server.Run(ctx, c, log)
}

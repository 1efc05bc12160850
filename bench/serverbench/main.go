// Command serverbench runs the mem0 sync server for bench/server.sh when the
// mem0 binary has no `server` command yet. It reads the same environment as
// `mem0 server` (MEM0_DATABASE_URL, MEM0_JWT_KEY) and lifts the
// per-credential rate limit so one token can drive the load.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/mem0dev/mem0/server"
)

func main() {
	listen := flag.String("listen", server.DefaultListen, "address to listen on")
	maxConns := flag.Int("max-conns", 0, "database pool size (0: the server's default)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err := server.Run(ctx, server.Config{
		Listen:       *listen,
		DatabaseURL:  os.Getenv("MEM0_DATABASE_URL"),
		JWTKey:       os.Getenv("MEM0_JWT_KEY"),
		Registration: server.RegistrationOpen,
		RequestRate:  1e9,
		RequestBurst: 1e9,
		MaxConns:     int32(*maxConns),
	}, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serverbench:", err)
		os.Exit(1)
	}
}
